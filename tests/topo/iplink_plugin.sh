#!/bin/bash
# The ip(8) plugin userspace/ip/link_vtep.so (IP_LIB_DIR points ip at it):
# a device made by "ip link add ... type vtep" carries traffic to a device
# made by vtepctl; "ip -j -d link show" gives back every option that was
# set, with the keys of "vtepctl -j link show"; "ip link set ... type vtep"
# changes them; the plugin's parse errors and their exit codes. Both take
# their grammar from userspace/link_opts.h: the usage lists the same options.
#
#   ┌ v1 ┐                          ┌ v2 ┐
#   ┌ h1 ┴───────────────────┐      ┌ h2 ┴────────────────┐
#   │ br0 ─ vtep0 (ip link)  │      │ br0 ─ vtep0 (vtepctl)│
#   └──────────┬─────────────┘      └──────────┬──────────┘
#   ┌ sw ──────┴───────────────────────────────┴──────────┐
#   └─────────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

export IP_LIB_DIR=$TOPO_REPO/userspace/ip
[ -e "$IP_LIB_DIR/link_vtep.so" ] || { notok "link_vtep.so is built (make plugin)"; topo_done; }

topo_switch
host_add h1 192.0.2.1 2001:db8::1
host_add h2 192.0.2.2
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1
vm_add h2 v2 02:00:00:00:02:02 203.0.113.2

check "ip link help vtep prints the usage" bash -c \
	'ip link help vtep 2>&1 | grep -q "^Usage: ... vtep \[ LINK_OPTIONS \]"'
ip link help vtep 2>&1 | grep '^    [a-z]' >"$TMP/ip.opts" || true
"$VTEPCTL" link help | grep '^    [a-z]' >"$TMP/vtepctl.opts"
check "... with the options of vtepctl link help, udp6zerocsumrx among them" bash -c \
	"diff $TMP/ip.opts $TMP/vtepctl.opts && grep -qx '    udp6zerocsumrx { on | off }' $TMP/ip.opts"
check "... and documents dev IF as the same as underlay IF" bash -c \
	'ip link help vtep 2>&1 | grep -qF "\"dev IF\" is the same as \"underlay IF\""'

# ---- a working device made by ip ----
check "ip link add vtep0 type vtep local ADDR dev IF (vxlan's keyword) creates the device" \
	ipn h1 link add vtep0 type vtep local 192.0.2.1 dev eth0
ipn h1 link set vtep0 master br0 up
vtep_add h2 192.0.2.2
vtepctl_n h1 vni add 100 dev vtep0 untagged
vtepctl_n h2 vni add 100 dev vtep0 untagged
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0
check "v1 behind the ip-made device reaches v2 behind a vtepctl-made one" ping_ok v1 203.0.113.2

# json_eq NS DEV 'PYTHON DICT': ip -j -d's info_data holds these values
json_eq() {
	nq "$1" ip -j -d link show "$2" | python3 -c '
import json, sys
want = eval(sys.argv[1])
got = json.load(sys.stdin)[0]["linkinfo"]["info_data"]
bad = {k: (v, got.get(k, "<absent>")) for k, v in want.items() if got.get(k, "<absent>") != v}
if bad:
    print("want, got:", bad)
    sys.exit(1)' "$3"
}

# ---- every option, through add, show (JSON and text) and set ----
ALL="local 192.0.2.1 dev eth0 port 4790 ttl 64 tos 0x10 df set learning off ageing 600
     max-fdb 1000 max-learned 100 max-learned-dev 262144 max-peers 200 max-remotes 300 srcport 40000 50000
     udpcsum on move-notice on udp6zerocsumrx on resteer on flowlet-gap 2000 sample 64
     elephant-rate 5000000"
check "ip link add with every option" ipn h1 link add vtep1 type vtep $ALL
check "ip -j -d link show gives every option back" json_eq h1 vtep1 "{
	'local': '192.0.2.1', 'link': 'eth0', 'port': 4790, 'ttl': 64, 'tos': '0x10',
	'df': 'set', 'learning': False, 'ageing': 600, 'limit': 1000,
	'max_learned': 100, 'max_peers': 200, 'max_remotes': 300,
	'port_range': {'low': 40000, 'high': 50000}, 'udp_csum': True, 'move_notice': True,
	'udp_zero_csum6_rx': True, 'resteer': True, 'flowlet_gap': 2000, 'sample': 64, 'elephant_rate': 5000000,
	'vni_count': 0, 'fdb_count': 0}"
check "ip -d link show prints them as a vtep line" bash -c "
	ip -n ${P}h1 -d link show vtep1 | grep -q 'vtep local 192.0.2.1 port 4790 underlay eth0 ttl 64 tos 0x10 df set learning off ageing 600 max-fdb 1000 max-learned 100 max-learned-dev 262144 max-peers 200 max-remotes 300 srcport 40000 50000 udpcsum on move-notice on udp6zerocsumrx on resteer on flowlet-gap 2000 sample 64 elephant-rate 5000000 vnis 0 fdb 0'"
# keys_of: the device's settings as sorted JSON, without its name/index
keys_of() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)[0]
d = d["linkinfo"]["info_data"] if "linkinfo" in d else d
for k in ("ifindex", "ifname"):
    d.pop(k, None)
print(json.dumps(d, sort_keys=True, indent=1))'
}
nq h1 ip -j -d link show vtep1 | keys_of >"$TMP/ip.json"
nq h1 "$VTEPCTL" -j link show vtep1 | keys_of >"$TMP/vtepctl.json"
check "ip -j -d and vtepctl -j link show agree, key for key" diff "$TMP/ip.json" "$TMP/vtepctl.json"
check "ip link set ... type vtep changes every option of a down device" \
	ipn h1 link set vtep1 type vtep local 2001:db8::1 underlay none port 4791 ttl auto \
	tos inherit df inherit learning on ageing 0 max-fdb 0 srcport 1 65535 \
	udpcsum off move-notice off udp6zerocsumrx off resteer off flowlet-gap 1000000 sample 0 \
	elephant-rate 1000
check "ip -j -d link show gives the new values back (udp6zerocsumrx off: not shown, as vxlan's)" \
	json_eq h1 vtep1 "{
	'local6': '2001:db8::1', 'local': '<absent>', 'link': None, 'udp_zero_csum6_rx': '<absent>', 'port': 4791, 'ttl': 0, 'tos': '0x1',
	'df': 'inherit', 'learning': True, 'ageing': 0, 'limit': 0,
	'port_range': {'low': 1, 'high': 65535}, 'udp_csum': False, 'move_notice': False,
	'resteer': False, 'flowlet_gap': 1000000, 'sample': 0, 'elephant_rate': 1000}"
check "ip -d link show prints auto and inherit by name" bash -c "
	ip -n ${P}h1 -d link show vtep1 | grep -q 'vtep local 2001:db8::1 port 4791 ttl auto tos inherit df inherit learning on'"
check "ip -d link show leaves udp6zerocsumrx out when off" bash -c "
	! ip -n ${P}h1 -d link show vtep1 | grep -q udp6zerocsumrx"
check "ip link set ... udp6zerocsumrx on sets it" ipn h1 link set vtep1 type vtep udp6zerocsumrx on
check "... and ip -j -d link show shows it" json_eq h1 vtep1 "{'udp_zero_csum6_rx': True}"
check "... and ip -d link show too" bash -c "
	ip -n ${P}h1 -d link show vtep1 | grep -q ' move-notice off udp6zerocsumrx on resteer off '"
check "... as vtepctl link show does" bash -c "
	$VTEPCTL -n ${P}h1 link show vtep1 | grep -q ' udp6zerocsumrx on '"
check "ip link set also takes the dev keyword" ipn h1 link set vtep1 type vtep dev eth0
check "... and the underlay shows by name, as vxlan's link" json_eq h1 vtep1 "{'link': 'eth0'}"
check "VTEPCTL_JSON_COMPAT=1 gives the keys of 0.1 (underlay, udp6zerocsumrx, local)" bash -c "
	VTEPCTL_JSON_COMPAT=1 ip -n ${P}h1 -j -d link show vtep1 | python3 -c '
import json, sys
d = json.load(sys.stdin)[0][\"linkinfo\"][\"info_data\"]
assert d[\"underlay\"] == \"eth0\" and d[\"udp6zerocsumrx\"] is True, d
assert d[\"local\"] == \"2001:db8::1\" and \"link\" not in d and \"local6\" not in d, d'"
check "ip link add with several local addresses (LOCALS), as vtepctl" \
	ipn h1 link add vtep3 type vtep local 192.0.2.1 local 192.0.2.11 port 4792
check "... and ip -j -d link show lists them" json_eq h1 vtep3 "{
	'local': '192.0.2.1', 'locals': ['192.0.2.1', '192.0.2.11']}"
check "a device made by ip link add without options has the defaults" bash -c "
	ip -n ${P}h1 link add vtep2 type vtep && ip -n ${P}h1 -j -d link show vtep2 | python3 -c '
import json, sys
d = json.load(sys.stdin)[0][\"linkinfo\"][\"info_data\"]
assert d[\"local\"] is None and d[\"port\"] == 4789 and d[\"ageing\"] == 300, d
assert (d[\"limit\"], d[\"max_learned\"], d[\"max_peers\"], d[\"max_remotes\"]) == (0, 16384, 65536, 1024), d
assert d[\"port_range\"] == {\"low\": 32768, \"high\": 65535}, d'"

# ---- errors: the plugin's (exit 255 from iproute2's invarg/duparg, 1 for
# an unknown keyword) and the kernel's (exit 2, its extack as "Error: ...") ----
# fails RC 'MESSAGE' ARGS...: ip link add vtepx type vtep ARGS exits RC,
# says MESSAGE, and creates nothing
fails() {
	local rc=$1 msg=$2 got
	shift 2
	got=0
	ip -n "${P}h1" link add vtepx type vtep "$@" >"$TMP/err" 2>&1 || got=$?
	if [ "$got" != "$rc" ] || ! grep -qF -- "$msg" "$TMP/err" ||
	   ip -n "${P}h1" link show vtepx >/dev/null 2>&1; then
		notok "ip link add type vtep $* fails with $rc: $msg (got $got)"
		sed 's/^/#   /' "$TMP/err"
		ip -n "${P}h1" link del vtepx 2>/dev/null || true
	else
		ok "ip link add type vtep $* fails with $rc: $msg"
	fi
}
fails 255 'port must be 1-65535' port 0
fails 255 'port must be 1-65535' port 65536
fails 255 'port must be 1-65535' port 47x
fails 1 'unknown option "colour"' colour blue
fails 255 '"port" is duplicate' port 1 port 2
fails 255 'Command line is not complete' port
fails 255 'Command line is not complete' srcport 5
fails 255 'MIN <= MAX' srcport 6 5
fails 255 'TTL must be 1-255' ttl 0
fails 255 'TTL must be 1-255' ttl 256
fails 255 'TOS must be 0-255' tos 1
fails 255 'TOS must be 0-255' tos 0x100
fails 255 'DF must be' df maybe
fails 255 'expected "on" or "off"' learning yes
fails 255 'expected "on" or "off"' udpcsum 1
fails 255 'ageing must be 0-1000000' ageing 1000001
fails 255 'max-fdb must be 0-4294967295' max-fdb -1
fails 255 'max-learned must be 0-4294967295' max-learned -1
fails 255 'max-peers must be 0-4294967295' max-peers x
fails 255 'expected "on" or "off"' resteer maybe
fails 255 'expected "on" or "off"' udp6zerocsumrx 1
fails 255 '"ttl" is duplicate' ttl 1 ttl 2
fails 255 'a device has at most 8 local addresses' local 192.0.2.1 local 192.0.2.2 \
	local 192.0.2.3 local 192.0.2.4 local 192.0.2.5 local 192.0.2.6 local 192.0.2.7 \
	local 192.0.2.8 local 192.0.2.9
fails 255 'local addresses must all be IPv4 or all IPv6' local 192.0.2.1 local 2001:db8::1
fails 255 'flowlet-gap must be 1-1000000' flowlet-gap 0
fails 255 'sample must be 0-1048576' sample 1048577
fails 255 'elephant-rate must be at least 1000' elephant-rate 999
fails 255 'elephant-rate must be at least 1000' elephant-rate 12x
fails 255 'the local address must be unicast' local 239.1.1.1
fails 255 'not an IPv4 or IPv6 address' local 192.0.2
fails 255 'underlay device does not exist' dev nosuchdev
check "ip link set of the port of an up device is refused by the kernel (exit 2)" bash -c "
	rc=0; ip -n ${P}h1 link set vtep0 type vtep port 4799 2>$TMP/err || rc=\$?
	cat $TMP/err; echo rc \$rc; [ \$rc = 2 ] && grep -q '^Error: ' $TMP/err"
check "... and the device keeps its port" json_eq h1 vtep0 "{'port': 4789}"

ipn h1 link del vtep1
ipn h1 link del vtep2
ipn h1 link del vtep3
topo_done
