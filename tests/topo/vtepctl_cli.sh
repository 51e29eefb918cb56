#!/bin/bash
# vtepctl as an operator and an orchestration hook use it: every object and
# command round-trips in text and in -j JSON; `add` of what exists fails and
# `replace` does not; every refusal is one "Error: ..." line and an exit
# status that says whose it is, as ip(8)'s (1 bad arguments, 2 the kernel's, 3 no
# module); -ignore-missing makes deletes idempotent and `fdb del ... dst`
# conditional; -batch names FILE:LINE and stops (-force goes on); 100,000
# entries load and dump once each; monitor sees events. Each check is one
# TAP line; a failed one prints the command, what was expected and what
# came.
#
# The block marked "KERNEL: conditional fdb del" needs the module to honour
# VTEP_FDB_A_DST in VTEP_CMD_FDB_DEL; set VTEP_SKIP_FDB_DEL_DST=1 to skip it
# on a module that does not.
#
#   netns vtep-cli-$$
#   ┌───────────────────────────────────────────────────────────────────┐
#   │ vtep0  local 192.0.2.1, VNI 100 untagged, VNI 200 VLAN 21         │
#   │   └ underlay dummy0  192.0.2.1/24, 192.0.2.3/24: one VXLAN frame  │
#   │                      from .3 to .1:4789 makes vtep0 learn a MAC   │
#   │ vtep6  local 2001:db8::1, VNI 600                                 │
#   │ vtep1  no local address, VNI 1: the 100,000-line batch            │
#   └───────────────────────────────────────────────────────────────────┘
# The script runs inside its namespace (it re-executes itself there):
# a vtepctl is then one fork and exec (83 ms under TCG), not an
# `ip netns exec` more (186 ms). TAP lines come from lib.sh.
NS=vt$$-cli
if [ -z "${VTEP_CLI_NS:-}" ]; then
	ip netns add "$NS" && ip -n "$NS" link set lo up || { echo "not ok 1 netns $NS"; exit 1; }
	VTEP_CLI_NS=$NS exec ip netns exec "$NS" bash "$0" "$@"
fi
NS=$VTEP_CLI_NS
. "$(dirname "$0")/lib.sh"
# (run without -e, as before: a refused command is a check's business)
set +e
set -u
trap - ERR
trap 'ip netns del "$NS" 2>/dev/null; on_exit' EXIT
VTEPCTL=${VTEPCTL:-$PWD/userspace/vtepctl}
T=$TMP
cmd=

# flunk DESC LINES...: not ok, then the command and LINES as "# " lines
flunk() {
	local d=$1
	shift
	notok "$d"
	printf '%s\n' "\$ $cmd" "$@" | head -n 40 | cut -c1-300 | sed 's/^/# /'
}
pass() { ok "$1"; }
vc() { "$VTEPCTL" "$@"; }
# slurp VAR FILE: FILE's text into VAR, trailing newlines dropped, as $(cat
# FILE) would give it, without a process
slurp() {
	local -n _v=$1
	IFS= read -r -d '' _v <"$2" || true
	while [ "${_v: -1}" = $'\n' ]; do _v=${_v%$'\n'}; done
}
# run ARGS...: vtepctl ARGS in the namespace; sets cmd, rc, out, err
run() {
	cmd="vtepctl $*"
	"$VTEPCTL" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	slurp out "$T/out"
	slurp err "$T/err"
}
got() { printf '%s\n' "got: exit $rc, stdout:" "$out" "stderr:" "$err"; }

# t DESC RC STDOUT STDERR ARGS...: vtepctl ARGS exits RC, prints exactly
# STDOUT and STDERR
t() {
	local d=$1 x=$2 o=$3 e=$4
	shift 4
	run "$@"
	if [ "$rc" = "$x" ] && [ "$out" = "$o" ] && [ "$err" = "$e" ]; then
		pass "$d"
	else
		flunk "$d" "expected: exit $x, stdout:" "$o" "stderr:" "$e" "$(got)"
	fi
}
# tj DESC JQEXPR ARGS...: vtepctl -j ARGS exits 0, says nothing on stderr,
# and the jq expression JQEXPR is true of its JSON
tj() {
	local d=$1 p=$2
	shift 2
	run -j "$@"
	if [ "$rc" = 0 ] && [ -z "$err" ] &&
	   jq -e "$p" "$T/out" >/dev/null 2>&1; then
		pass "$d"
	else
		flunk "$d" "expected: exit 0, JSON where $p" "$(got)"
	fi
}
# tjpy DESC PYEXPR ARGS...: tj with a Python expression on the JSON, d,
# for the 100,000-entry tables: python3 parses them in a fraction of
# jq's time under TCG (its start, 0.5 s, is paid once per check)
PY='import json,sys; d=json.load(open(sys.argv[2])); sys.exit(0 if eval(sys.argv[1]) else 1)'
tjpy() {
	local d=$1 p=$2
	shift 2
	run -j "$@"
	if [ "$rc" = 0 ] && [ -z "$err" ] &&
	   python3 -c "$PY" "$p" "$T/out" 2>/dev/null; then
		pass "$d"
	else
		flunk "$d" "expected: exit 0, JSON d where $p" "$(got)"
	fi
}
# tp DESC RC PREFIX ARGS...: vtepctl ARGS exits RC, prints nothing on
# stdout and one line starting with PREFIX on stderr (for the kernel's own
# words, which this script does not pin down)
tp() {
	local d=$1 x=$2 e=$3
	shift 3
	run "$@"
	if [ "$rc" = "$x" ] && [ -z "$out" ] && [ "${err#"$e"}" != "$err" ] &&
	   [ "$(wc -l <<<"$err")" = 1 ]; then
		pass "$d"
	else
		flunk "$d" "expected: exit $x, no stdout, stderr starting:" "$e" "$(got)"
	fi
}
# tl DESC LINE ARGS...: vtepctl ARGS exits 0, says nothing on stderr, and
# LINE is one whole line of its stdout
tl() {
	local d=$1 l=$2
	shift 2
	run "$@"
	if [ "$rc" = 0 ] && [ -z "$err" ] && grep -qxF -- "$l" <<<"$out"; then
		pass "$d"
	else
		flunk "$d" "expected: exit 0, a line \"$l\"" "$(got)"
	fi
}
# is DESC GOT EXPECTED: a value the test computed itself ($cmd says how)
is() { if [ "$2" = "$3" ]; then pass "$1"; else flunk "$1" "expected: $3" "got: $2"; fi; }
# until_grep STRING FILE: wait, boundedly, until FILE has STRING
until_grep() {
	local str=$1 file=$2
	wait_for 20 'grep -qF -- "$str" "$file"'
}


# ---- link -------------------------------------------------------------------
LINK0="local 192.0.2.1 port 4789 ttl auto tos 0x00 df unset learning on ageing 300 max-fdb 0 max-learned 16384 max-learned-dev 262144 max-peers 65536 max-remotes 1024 srcport 32768 65535 udpcsum off move-notice on resteer off flowlet-gap 500 sample 256 elephant-rate 125000000"
t "link add creates a device" 0 "" "" link add vtep0 local 192.0.2.1
t "link add of an existing device fails with \"exists\"" 2 "" \
	'Error: link vtep0: exists' link add vtep0 local 192.0.2.1
t "link show prints the defaults" 0 "2: vtep0: $LINK0 vnis 0 fdb 0" "" link show vtep0
tj "link show -j has every key with its default" \
	'. == [{"ifindex": 2, "ifname": "vtep0", "local": "192.0.2.1", "port": 4789, "link": null, "ttl": 0, "tos": "0x0", "df": "unset", "learning": true, "ageing": 300, "limit": 0, "max_learned": 16384, "max_learned_dev": 262144, "max_peers": 65536, "max_remotes": 1024, "port_range": {"low": 32768, "high": 65535}, "udp_csum": false, "move_notice": true, "resteer": false, "flowlet_gap": 500, "sample": 256, "elephant_rate": 125000000, "vni_count": 0, "fdb_count": 0}]' \
	link show vtep0
t "link add with an IPv6 local address" 0 "" "" link add vtep6 local 2001:db8::1
t "link add vtep1 without options" 0 "" "" link add vtep1
tj "link show -j lists every device in one array" \
	'[.[] | [.ifname, .local, .local6]] | sort == [["vtep0", "192.0.2.1", null], ["vtep1", null, null], ["vtep6", null, "2001:db8::1"]]' \
	link show
t "link show of a missing device" 2 "" 'Error: link nosuch0: no such device' link show nosuch0
# -n NETNS, as ip has it: from a namespace of its own (unshare -n), the
# test's namespace by its name and by a path; a missing one is exit 1
elsewhere() { unshare -n "$VTEPCTL" "$@" 2>&1; }
is "-n NETNS: link show from another namespace shows NETNS's device" \
	"$(elsewhere -n "$NS" link show vtep0)" "$(vc link show vtep0 2>&1)"
is "  ... and without -n that namespace has none" \
	"$(elsewhere link show vtep0; echo "exit $?")" "Error: link vtep0: no such device
exit 2"
is "-netns PATH: a namespace file, and a change made there" \
	"$(elsewhere -netns "/run/netns/$NS" vni add 300 dev vtep0 vlan 300; echo "exit $?")" "exit 0"
tj "  ... is in NETNS" 'any(.[]; .vni == 300)' vni show dev vtep0
t "  ... (undone)" 0 "" "" vni del 300 dev vtep0
t "-n of a namespace that does not exist: exit 1, nothing sent" 1 "" \
	'Error: cannot open network namespace "vtnosuch": No such file or directory' -n vtnosuch link show
t "-n without a namespace: exit 1" 1 "" 'Error: "-n" needs a network namespace' -n
t "link show of a non-vtep device" 2 "" 'Error: link lo: not a vtep device' link show lo
t "link del of a non-vtep device" 2 "" 'Error: link lo: not a vtep device' link del lo
t "link set with nothing to change" 1 "" \
	'Error: nothing to change, try "vtepctl link help"' link set vtep0

# ---- vni --------------------------------------------------------------------
t "vni add untagged" 0 "" "" vni add 100 dev vtep0 untagged
t "vni show dev prints it" 0 "vni 100 dev vtep0 untagged flood on peers any suppress off remotes 0 fdb 0 learned 0 neighs 0" "" \
	vni show dev vtep0
t "vni add of an existing VNI fails with \"exists\"" 2 "" \
	'Error: vni 100 dev vtep0: VNI exists' vni add 100 dev vtep0 untagged
t "vni replace of an existing VNI succeeds" 0 "" "" vni replace 100 dev vtep0 untagged
t "vni replace run twice succeeds again" 0 "" "" vni replace 100 dev vtep0 untagged
t "vni add with VLAN, group and flood off" 0 "" "" \
	vni add 200 dev vtep0 vlan 20 group 239.1.1.1 flood off
tj "vni show -j VNI dev returns what was added" \
	'. == [{"vni": 200, "ifname": "vtep0", "vlan": 20, "untagged": false, "group": "239.1.1.1", "flood": false, "peers": "any", "suppress": false, "remote_count": 0, "fdb_count": 0, "learned_count": 0, "neigh_count": 0}]' \
	vni show 200 dev vtep0
t "vni show VNI dev in text" 0 "vni 200 dev vtep0 vlan 20 group 239.1.1.1 flood off peers any suppress off remotes 0 fdb 0 learned 0 neighs 0" "" \
	vni show 200 dev vtep0
t "vni show -j -p pretty-prints" 0 '[
    {
        "vni": 100,
        "ifname": "vtep0",
        "vlan": null,
        "untagged": true,
        "group": null,
        "flood": true,
        "peers": "any",
        "suppress": false,
        "remote_count": 0,
        "fdb_count": 0,
        "learned_count": 0,
        "neigh_count": 0
    }
]' "" -j -p vni show 100 dev vtep0
t "-p without -j prints text, as ip" 0 "vni 100 dev vtep0 untagged flood on peers any suppress off remotes 0 fdb 0 learned 0 neighs 0" "" \
	-p vni show 100 dev vtep0
t "vni set changes only what is given" 0 "" "" vni set 200 dev vtep0 group none flood on
t "vni show VNI without dev finds it" 0 "vni 200 dev vtep0 vlan 20 flood on peers any suppress off remotes 0 fdb 0 learned 0 neighs 0" "" \
	vni show 200
t "vni replace updates a VNI in place" 0 "" "" vni replace 200 dev vtep0 vlan 21 group 239.1.1.2
tj "vni show -j after replace" '.[0].vlan == 21 and .[0].group == "239.1.1.2"' \
	vni show 200 dev vtep0
t "vni replace creates a missing VNI" 0 "" "" vni replace 300 dev vtep0 vlan 30
tj "vni show -j lists the device's VNIs once each" \
	'[.[].vni] | sort == [100, 200, 300]' vni show dev vtep0
t "vni del" 0 "" "" vni del 300 dev vtep0
t "vni show of a deleted VNI" 2 "" 'Error: vni 300 dev vtep0: VNI is not configured on the device' \
	vni show 300 dev vtep0
t "vni del of a missing VNI" 2 "" 'Error: vni 300 dev vtep0: VNI does not exist' \
	vni del 300 dev vtep0
t "-ignore-missing vni del of a missing VNI succeeds" 0 "" "" \
	-ignore-missing vni del 300 dev vtep0
t "-ignore-missing vni del on a missing device succeeds" 0 "" "" \
	-ignore-missing vni del 300 dev nosuch0
t "-ignore-missing does not make vni set succeed" 2 "" \
	'Error: vni 300 dev vtep0: VNI does not exist' -ignore-missing vni set 300 dev vtep0 flood off
t "vni set of a missing VNI" 2 "" 'Error: vni 300 dev vtep0: VNI does not exist' \
	vni set 300 dev vtep0 flood off
t "vni add on an IPv6 device with an IPv6 group" 0 "" "" \
	vni add 600 dev vtep6 untagged group ff0e::1
tj "vni show -j of the IPv6 device" \
	'. == [{"vni": 600, "ifname": "vtep6", "vlan": null, "untagged": true, "group": "ff0e::1", "flood": true, "peers": "any", "suppress": false, "remote_count": 0, "fdb_count": 0, "learned_count": 0, "neigh_count": 0}]' \
	vni show dev vtep6
t "vni add on the 100,000-entry device" 0 "" "" vni add 1 dev vtep1 untagged
tj "vni show -j of every device is one array" \
	'[.[] | [.ifname, .vni]] | sort == [["vtep0", 100], ["vtep0", 200], ["vtep1", 1], ["vtep6", 600]]' \
	vni show

# refused: by the parser, then by the kernel
t "VNI 0 is refused" 1 "" 'Error: argument "0" is wrong: VNI must be 1-16777215' \
	vni add 0 dev vtep0 vlan 40
t "VNI 16777216 is refused" 1 "" \
	'Error: argument "16777216" is wrong: VNI must be 1-16777215' \
	vni add 16777216 dev vtep0 vlan 40
t "VLAN 4095 is refused" 1 "" 'Error: argument "4095" is wrong: VLAN must be 1-4094' \
	vni add 400 dev vtep0 vlan 4095
t "VLAN 0 is refused" 1 "" 'Error: argument "0" is wrong: VLAN must be 1-4094' \
	vni add 400 dev vtep0 vlan 0
t "a unicast group is refused" 1 "" \
	'Error: argument "192.0.2.9" is wrong: group must be a multicast address' \
	vni add 400 dev vtep0 vlan 40 group 192.0.2.9
t "an IPv6 group on an IPv4 device is refused" 2 "" \
	'Error: vni 400 dev vtep0: IPv6 group on an IPv4 device' \
	vni add 400 dev vtep0 vlan 40 group ff0e::1
t "a second untagged VNI is refused" 2 "" \
	'Error: vni 400 dev vtep0: Untagged frames are already mapped to another VNI' \
	vni add 400 dev vtep0 untagged
t "a VLAN mapped twice is refused" 2 "" \
	'Error: vni 400 dev vtep0: VLAN is already mapped to another VNI' \
	vni add 400 dev vtep0 vlan 21
t "vni add without vlan or untagged is refused" 1 "" \
	'Error: "vlan" or "untagged" is required for "vni add"' vni add 400 dev vtep0
t "a repeated keyword is refused" 1 "" \
	'Error: duplicate "vlan": "41" is the second value' vni add 400 dev vtep0 vlan 40 vlan 41
t "an unknown device is refused" 2 "" 'Error: vni 400 dev nosuch0: no such device' \
	vni add 400 dev nosuch0 vlan 40
t "a non-vtep device is refused" 2 "" 'Error: vni 400 dev lo: not a vtep device' \
	vni add 400 dev lo vlan 40
t "vni show of an unknown device" 2 "" 'Error: dev nosuch0: no such device' \
	vni show dev nosuch0
t "vni show of a non-vtep device" 2 "" 'Error: dev lo: not a vtep device' vni show dev lo

# ---- remote -----------------------------------------------------------------
t "remote add" 0 "" "" remote add 192.0.2.2 vni 100 dev vtep0
t "remote add of a listed address fails with \"exists\"" 2 "" \
	'Error: remote 192.0.2.2 vni 100 dev vtep0: Remote is already in the VNI'"'"'s replication list' \
	remote add 192.0.2.2 vni 100 dev vtep0
t "remote replace of a listed address succeeds" 0 "" "" remote replace 192.0.2.2 vni 100 dev vtep0
t "remote replace run twice succeeds again" 0 "" "" remote replace 192.0.2.2 vni 100 dev vtep0
t "remote replace adds a missing address" 0 "" "" remote replace 192.0.2.4 vni 100 dev vtep0
t "remote add to another VNI" 0 "" "" remote add 192.0.2.5 vni 200 dev vtep0
t "remote add of an IPv6 address on the IPv6 device" 0 "" "" \
	remote add 2001:db8::2 vni 600 dev vtep6
t "remote show dev vni in text" 0 "192.0.2.2 owner user vni 100 dev vtep0
192.0.2.4 owner user vni 100 dev vtep0" "" remote show dev vtep0 vni 100
tj "remote show -j of every device" \
	'[.[] | [.dst, .vni, .ifname]] | sort == [["192.0.2.2", 100, "vtep0"], ["192.0.2.4", 100, "vtep0"], ["192.0.2.5", 200, "vtep0"], ["2001:db8::2", 600, "vtep6"]]' \
	remote show
tj "remote show -j vni without dev" \
	'[.[].dst] | sort == ["192.0.2.2", "192.0.2.4"]' remote show vni 100
tl "vni show counts the remotes" "vni 100 dev vtep0 untagged flood on peers any suppress off remotes 2 fdb 0 learned 0 neighs 0" \
	vni show dev vtep0
t "remote del" 0 "" "" remote del 192.0.2.4 vni 100 dev vtep0
t "remote del of an absent address" 2 "" \
	'Error: remote 192.0.2.4 vni 100 dev vtep0: Remote is not in the VNI'"'"'s replication list' \
	remote del 192.0.2.4 vni 100 dev vtep0
t "-ignore-missing remote del of an absent address succeeds" 0 "" "" \
	-ignore-missing remote del 192.0.2.4 vni 100 dev vtep0
t "-ignore-missing remote del in a missing VNI succeeds" 0 "" "" \
	-ignore-missing remote del 192.0.2.4 vni 999 dev vtep0
tj "remote show -j after del" '[.[].dst] == ["192.0.2.2"]' \
	remote show dev vtep0 vni 100
t "an IPv6 remote on an IPv4 device is refused" 2 "" \
	"Error: remote 2001:db8::2 vni 100 dev vtep0: remote address is not of the family of the device's local address" \
	remote add 2001:db8::2 vni 100 dev vtep0
t "a remote in a missing VNI is refused" 2 "" \
	'Error: remote 192.0.2.2 vni 999 dev vtep0: VNI is not configured on the device' \
	remote add 192.0.2.2 vni 999 dev vtep0
t "a remote on an unknown device is refused" 2 "" \
	'Error: remote 192.0.2.2 vni 100 dev nosuch0: no such device' \
	remote add 192.0.2.2 vni 100 dev nosuch0

# ---- neigh: the keys of ip -j neigh ----------------------------------------
t "neigh add" 0 "" "" neigh add 203.0.113.5 lladdr 02:00:00:00:00:05 vni 100 dev vtep0
tj "neigh show -j has ip -j neigh's keys: dst, lladdr, dev" \
	'. == [{"dst": "203.0.113.5", "lladdr": "02:00:00:00:00:05", "owner": "user", "vni": 100, "dev": "vtep0"}]' \
	neigh show dev vtep0
t "neigh del" 0 "" "" neigh del 203.0.113.5 vni 100 dev vtep0

# ---- fdb --------------------------------------------------------------------
M1=02:00:00:00:00:01 M2=02:00:00:00:00:02 ML=02:00:00:00:aa:01
t "fdb add" 0 "" "" fdb add $M1 vni 100 dst 192.0.2.2 dev vtep0
t "fdb add of an existing entry fails with \"exists\"" 2 "" \
	"Error: fdb $M1 vni 100 dev vtep0: FDB entry exists" fdb add $M1 vni 100 dst 192.0.2.2 dev vtep0
t "fdb replace of an existing entry succeeds" 0 "" "" fdb replace $M1 vni 100 dst 192.0.2.3 dev vtep0
t "fdb replace run twice succeeds again" 0 "" "" fdb replace $M1 vni 100 dst 192.0.2.3 dev vtep0
t "fdb replace creates a missing entry" 0 "" "" fdb replace $M2 vni 200 dst 192.0.2.5 dev vtep0
t "fdb add with an IPv6 destination" 0 "" "" fdb add $M1 vni 600 dst 2001:db8::2 dev vtep6
t "fdb show MAC vni dev in text" 0 "$M1 vni 100 dst 192.0.2.3 static owner user" "" \
	fdb show $M1 vni 100 dev vtep0
t "fdb show dev vni in text" 0 "$M2 vni 200 dst 192.0.2.5 static owner user" "" fdb show dev vtep0 vni 200
t "fdb show vni without dev names the device" 0 "$M1 vni 600 dst 2001:db8::2 dev vtep6 static owner user" "" \
	fdb show vni 600
t "fdb show vni that no device has" 0 "" "" fdb show vni 999
tj "fdb show -j dev returns what was added" \
	'sort == ([{"mac": "'$M1'", "vni": 100, "dst": "192.0.2.3", "ifname": "vtep0", "state": "permanent", "owner": "user"}, {"mac": "'$M2'", "vni": 200, "dst": "192.0.2.5", "ifname": "vtep0", "state": "permanent", "owner": "user"}] | sort)' \
	fdb show dev vtep0
VTEPCTL_JSON_COMPAT=1 tj "VTEPCTL_JSON_COMPAT=1: fdb show -j has the keys of before" \
	'[.[] | [.type, has("state")]] == [["static", false], ["static", false]]' fdb show dev vtep0
t "fdb show of a missing entry" 2 "" "Error: fdb 02:00:00:00:00:09 vni 100 dev vtep0: no such FDB entry" \
	fdb show 02:00:00:00:00:09 vni 100 dev vtep0
t "fdb add in a missing VNI is refused" 2 "" \
	"Error: fdb $M1 vni 999 dev vtep0: VNI is not configured on the device" \
	fdb add $M1 vni 999 dst 192.0.2.2 dev vtep0
t "fdb add of a multicast MAC is refused" 2 "" \
	"Error: fdb 01:00:00:00:00:01 vni 100 dev vtep0: VTEP_FDB_A_MAC must be a unicast address" \
	fdb add 01:00:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0
t "a bad MAC is refused" 1 "" 'Error: argument "02:00:00:00:00" is wrong: MAC must be xx:xx:xx:xx:xx:xx' \
	fdb add 02:00:00:00:00 vni 100 dst 192.0.2.2 dev vtep0
t "fdb show of an unknown device" 2 "" 'Error: dev nosuch0: no such device' fdb show dev nosuch0
t "fdb show of a non-vtep device" 2 "" 'Error: dev lo: not a vtep device' fdb show dev lo
t "static and learned together are refused" 1 "" \
	'Error: "static" and "learned" cannot be used together' fdb show static learned

# A learned entry: one VXLAN frame (VNI 100, inner ARP from $ML) sent from
# 192.0.2.3 to vtep0's socket on 192.0.2.1:4789.
ip -n "$NS" link add dummy0 type dummy
ip -n "$NS" addr add 192.0.2.1/24 dev dummy0
ip -n "$NS" addr add 192.0.2.3/24 dev dummy0
ip -n "$NS" link set dummy0 up
# (vtep0 joins VNI 200's group on dummy0 when it comes up, leaves it later)
t "link set of the underlay device" 0 "" "" link set vtep0 underlay dummy0
ip -n "$NS" link set vtep0 up
python3 -c '
import socket
arp = bytes.fromhex("0001080006040001" "02000000aa01" "cb007101" "000000000000" "cb007102")
frame = b"\xff" * 6 + bytes.fromhex("02000000aa01") + b"\x08\x06" + arp
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.3", 0))
s.sendto(bytes([8, 0, 0, 0]) + (100 << 8).to_bytes(4, "big") + frame, ("192.0.2.1", 4789))'
wait_for 10 'vc fdb show dev vtep0 learned | grep -q $ML'
tj "fdb show learned shows only the learned entry" \
	'[.[] | [.mac, .vni, .dst, .state]] == [["'$ML'", 100, "192.0.2.3", ""]] and (.[0].updated | type == "number" and . == floor)' \
	fdb show dev vtep0 learned
tj "fdb show static shows only static entries" \
	'([.[].mac] | sort == ["'$M1'", "'$M2'"]) and ([.[].state] | unique == ["permanent"])' \
	fdb show dev vtep0 static
t "fdb show vni static in text" 0 "$M1 vni 100 dst 192.0.2.3 static owner user" "" \
	fdb show dev vtep0 vni 100 static
tj "stats show -j counts the received frame on the device" \
	'.[0] | .ifname == "vtep0" and (has("vni") | not) and .stats64.rx.packets == 1 and .vtep_stats.fdb_learned == 1 and (.vtep_stats | has("rx_packets") | not)' \
	stats show dev vtep0
tj "stats show -j counts it on VNI 100" \
	'.[0].vni == 100 and .[0].stats64.rx.packets == 1' \
	stats show dev vtep0 vni 100
tl "-s vni show: the VNI's counters follow its line" "    rx_packets         1" \
	-s vni show 100 dev vtep0
tj "-s vni show -j: the counters in the VNI's object" \
	'.[0].vni == 100 and .[0].stats64.rx.packets == 1 and (.[0].vtep_stats | length >= 20)' \
	-s vni show 100 dev vtep0
t "-s vni show of a VNI the device lacks is refused as vni show" 2 "" \
	'Error: vni 999 dev vtep0: VNI is not configured on the device' -s vni show 999 dev vtep0
tl "-s link show: the device's counters follow its line" "    rx_packets         1" \
	-s link show vtep0
tj "-s link show -j: the counters in the device's object, as ip -j -s link" \
	'.[0].ifname == "vtep0" and .[0].stats64.rx.packets == 1 and .[0].vtep_stats.fdb_learned == 1' \
	-s link show
tl "stats show in text: header line" "dev vtep0 vni 100" stats show dev vtep0 vni 100
tl "stats show in text: a counter line" "    rx_packets         1" stats show dev vtep0 vni 100
tj "stats show -j of every device" \
	'([.[].ifname] | sort == ["vtep0", "vtep1", "vtep6"]) and all(.[]; .vtep_stats | length >= 20)' \
	stats show
t "stats show of a missing VNI" 2 "" \
	'Error: stats dev vtep0 vni 999: VNI is not configured on the device' stats show dev vtep0 vni 999
t "stats show vni without dev" 1 "" 'Error: "stats show vni VNI" needs "dev NAME"' stats show vni 100
t "fdb flush of learned entries in one VNI" 0 "" "" fdb flush dev vtep0 vni 100 learned
tj "fdb flush learned kept the static entries" \
	'[.[] | [.mac, .state]] | sort == [["'$M1'", "permanent"], ["'$M2'", "permanent"]]' \
	fdb show dev vtep0
t "fdb flush of one VNI" 0 "" "" fdb flush dev vtep0 vni 200
tj "fdb flush vni kept the other VNI" '[.[] | [.mac, .vni]] == [["'$M1'", 100]]' \
	fdb show dev vtep0
t "fdb del" 0 "" "" fdb del $M1 vni 100 dev vtep0
t "fdb del of a missing entry" 2 "" "Error: fdb $M1 vni 100 dev vtep0: no such FDB entry" \
	fdb del $M1 vni 100 dev vtep0
t "-ignore-missing fdb del of a missing entry succeeds" 0 "" "" \
	-ignore-missing fdb del $M1 vni 100 dev vtep0
t "-ignore-missing fdb del in a missing VNI succeeds" 0 "" "" \
	-ignore-missing fdb del $M1 vni 999 dev vtep0
t "-ignore-missing fdb del on a missing device succeeds" 0 "" "" \
	-ignore-missing fdb del $M1 vni 100 dev nosuch0
t "-ignore-missing still refuses a non-vtep device" 2 "" \
	"Error: fdb $M1 vni 100 dev lo: not a vtep device" -ignore-missing fdb del $M1 vni 100 dev lo
t "-ignore-missing does not make fdb add succeed" 2 "" \
	"Error: fdb $M1 vni 999 dev vtep0: VNI is not configured on the device" \
	-ignore-missing fdb add $M1 vni 999 dst 192.0.2.2 dev vtep0
t "-ignore-missing fdb flush of a missing VNI succeeds" 0 "" "" \
	-ignore-missing fdb flush dev vtep0 vni 999
t "fdb show of an empty table" 0 "" "" fdb show dev vtep0
tj "fdb show -j of an empty table is an empty array" '. == []' fdb show dev vtep0

# ---- KERNEL: conditional fdb del (fdb del ... dst ADDR) ---------------------
# A migrated VM: its entry moved from 192.0.2.2 (the source host) to
# 192.0.2.5 (the destination, whose "started" hook ran first); the source's
# late "stopped" hook deletes only an entry that still points at it.
if [ "${VTEP_SKIP_FDB_DEL_DST:-0}" = 1 ]; then
	skip "fdb del dst: conditional delete" "VTEP_SKIP_FDB_DEL_DST=1"
else
	vc fdb add $M1 vni 100 dst 192.0.2.2 dev vtep0
	tp "fdb del dst of another destination is refused" 2 \
		"Error: fdb $M1 vni 100 dev vtep0: " fdb del $M1 vni 100 dev vtep0 dst 192.0.2.9
	t "and the entry is kept" 0 "$M1 vni 100 dst 192.0.2.2 static owner user" "" \
		fdb show $M1 vni 100 dev vtep0
	t "fdb del dst of its destination deletes it" 0 "" "" \
		fdb del $M1 vni 100 dev vtep0 dst 192.0.2.2
	t "and the entry is gone" 2 "" "Error: fdb $M1 vni 100 dev vtep0: no such FDB entry" \
		fdb show $M1 vni 100 dev vtep0
	vc fdb add $M1 vni 100 dst 192.0.2.2 dev vtep0
	t "the destination's hook moves the entry" 0 "" "" \
		fdb replace $M1 vni 100 dst 192.0.2.5 dev vtep0
	t "the source's late hook: -ignore-missing fdb del dst exits 0" 0 "" "" \
		-ignore-missing fdb del $M1 vni 100 dev vtep0 dst 192.0.2.2
	t "and the destination's entry survives" 0 "$M1 vni 100 dst 192.0.2.5 static owner user" "" \
		fdb show $M1 vni 100 dev vtep0
	t "-ignore-missing fdb del dst of a missing entry exits 0" 0 "" "" \
		-ignore-missing fdb del 02:00:00:00:00:77 vni 100 dev vtep0 dst 192.0.2.2
	tp "fdb del dst with an IPv6 destination elsewhere is refused" 2 \
		"Error: fdb $M1 vni 600 dev vtep6: " fdb del $M1 vni 600 dev vtep6 dst 2001:db8::9
	t "fdb del dst with its IPv6 destination deletes it" 0 "" "" \
		fdb del $M1 vni 600 dev vtep6 dst 2001:db8::2
	t "-ignore-missing -batch: each conditional del applies in turn" 0 \
		"$M1 vni 100 dst 192.0.2.5 static owner user" "" -ignore-missing -batch - <<EOF
fdb del $M1 vni 100 dev vtep0 dst 192.0.2.2
fdb show dev vtep0
fdb del $M1 vni 100 dev vtep0 dst 192.0.2.5
fdb show dev vtep0
fdb del $M1 vni 100 dev vtep0 dst 192.0.2.5
EOF
	tj "and the last one found nothing left" '. == []' fdb show dev vtep0
fi
vc fdb flush dev vtep0
t "fdb flush of a whole device" 0 "" "" fdb flush dev vtep6
tj "fdb flush emptied the device" '. == []' fdb show dev vtep6

# ---- link set ---------------------------------------------------------------
t "link set of the port while up is refused" 2 "" \
	'Error: link vtep0: Cannot change the underlay of a device that is up' \
	link set vtep0 port 4790
ip -n "$NS" link set vtep0 down
t "link set of every setting" 0 "" "" link set vtep0 learning off ageing 60 max-fdb 100000 \
	srcport 40000 50000 ttl 64 tos inherit df inherit udpcsum on move-notice off port 4790 underlay dummy0
t "link show after set" 0 "2: vtep0: local 192.0.2.1 port 4790 underlay dummy0 ttl 64 tos inherit df inherit learning off ageing 60 max-fdb 100000 max-learned 16384 max-learned-dev 262144 max-peers 65536 max-remotes 1024 srcport 40000 50000 udpcsum on move-notice off resteer off flowlet-gap 500 sample 256 elephant-rate 125000000 vnis 2 fdb 0" "" \
	link show vtep0
tj "link show -j after set" \
	'.[0] | .port == 4790 and .link == "dummy0" and .ttl == 64 and .tos == "0x1" and .df == "inherit" and .learning == false and .ageing == 60 and .limit == 100000 and .port_range == {"low": 40000, "high": 50000} and .udp_csum == true and .move_notice == false' \
	link show vtep0
VTEPCTL_JSON_COMPAT=1 tj "link show -j with VTEPCTL_JSON_COMPAT=1 has the keys of 0.1" \
	'.[0] | .underlay == "dummy0" and (has("link") | not)' \
	link show vtep0
t "link set tos as a number" 0 "" "" link set vtep0 tos 0x10 ttl auto df set
tl "link show after tos 0x10" "2: vtep0: local 192.0.2.1 port 4790 underlay dummy0 ttl auto tos 0x10 df set learning off ageing 60 max-fdb 100000 max-learned 16384 max-learned-dev 262144 max-peers 65536 max-remotes 1024 srcport 40000 50000 udpcsum on move-notice off resteer off flowlet-gap 500 sample 256 elephant-rate 125000000 vnis 2 fdb 0" \
	link show vtep0
t "a source port range upside down is refused" 1 "" \
	'Error: argument "40000" is wrong: source ports must be MIN MAX, MIN <= MAX <= 65535' \
	link set vtep0 srcport 50000 40000
t "ageing above 1000000 is refused" 1 "" \
	'Error: argument "1000001" is wrong: ageing must be 0-1000000 seconds (0 = never)' link set vtep0 ageing 1000001
t "link del" 0 "" "" link del vtep6
t "link show of a deleted device" 2 "" 'Error: link vtep6: no such device' link show vtep6
t "link del of a deleted device" 2 "" 'Error: link vtep6: no such device' link del vtep6
t "-ignore-missing link del of a deleted device succeeds" 0 "" "" -ignore-missing link del vtep6
t "-ignore-missing link del of a non-vtep device still fails" 2 "" \
	'Error: link lo: not a vtep device' -ignore-missing link del lo

# ---- -batch -----------------------------------------------------------------
cat >"$T/bad.batch" <<EOF
fdb add 02:00:00:00:01:01 vni 100 dst 192.0.2.2 dev vtep0
fdb add 02:00:00:00:01:02 vni 100 dst 192.0.2.2 dev vtep0
fdb add 02:00:00:00:01:01 vni 100 dst 192.0.2.2 dev vtep0
fdb add 02:00:00:00:01:03 vni 100 dst 192.0.2.2 dev vtep0
vni add 0 dev vtep0 vlan 40
vni add 400 dev vtep0 vlan 40
EOF
E3="$T/bad.batch:3: Error: fdb 02:00:00:00:01:01 vni 100 dev vtep0: FDB entry exists"
E5="$T/bad.batch:5: Error: argument \"0\" is wrong: VNI must be 1-16777215"
t "-batch stops at the first refused line and names FILE:LINE" 2 "" "$E3" -batch "$T/bad.batch"
tj "-batch applied the lines before it and none after" \
	'[.[].mac] | sort == ["02:00:00:00:01:01", "02:00:00:00:01:02"]' fdb show dev vtep0
t "the VNI after the refused line was not added" 2 "" 'Error: vni 400 dev vtep0: VNI is not configured on the device' \
	vni show 400 dev vtep0
vc fdb flush dev vtep0
t "-force -batch reports each refused line and exits 2" 2 "" "$E3
$E5" -force -batch "$T/bad.batch"
tj "-force -batch applied every other line" \
	'[.[].mac] | sort == ["02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:01:03"]' \
	fdb show dev vtep0
tl "-force -batch added the VNI after the refused lines" \
	"vni 400 dev vtep0 vlan 40 flood on peers any suppress off remotes 0 fdb 0 learned 0 neighs 0" vni show 400 dev vtep0
# Consecutive fdb del lines go as one FDB_DEL list, which the kernel
# deletes whole or not at all, naming the absent entry's nest: vtepctl
# names its line, deletes the lines before it and none after, as a run
# line by line would.
vc fdb add 02:00:00:00:01:04 vni 100 dst 192.0.2.2 dev vtep0
cat >"$T/del.batch" <<EOF
fdb del 02:00:00:00:01:01 vni 100 dev vtep0
fdb del 02:00:00:00:01:02 vni 100 dev vtep0 dst 192.0.2.2
fdb del 02:00:00:00:01:99 vni 100 dev vtep0
fdb del 02:00:00:00:01:03 vni 100 dev vtep0
fdb del 02:00:00:00:01:04 vni 100 dev vtep0
EOF
D="$T/del.batch"
tp "-batch of fdb del lines names the absent entry's line" 2 \
	"$D:3: Error: fdb 02:00:00:00:01:99 vni 100 dev vtep0: " -batch "$D"
tj "... deleted the lines before it and none after" \
	'[.[].mac] | sort == ["02:00:00:00:01:03", "02:00:00:00:01:04"]' fdb show dev vtep0
run -force -batch "$D"
is "-force -batch of fdb del lines names each absent entry's line, in order" \
	"$rc|$(sed "s|^$D:||" <<<"$err" | cut -d: -f1-8)" \
	"2|1: Error: fdb 02:00:00:00:01:01 vni 100 dev vtep0
2: Error: fdb 02:00:00:00:01:02 vni 100 dev vtep0
3: Error: fdb 02:00:00:00:01:99 vni 100 dev vtep0"
tj "... and deleted the others" '. == []' fdb show dev vtep0
t "-ignore-missing -batch of fdb del lines of absent entries succeeds" 0 "" "" \
	-ignore-missing -batch "$D"
printf 'vni del 400 dev vtep0\nvni del 400 dev vtep0\n' >"$T/stdin.batch"
cmd="vtepctl -batch - <$T/stdin.batch"
vc -batch - <"$T/stdin.batch" >"$T/out" 2>"$T/err"; rc=$?; slurp out "$T/out"; slurp err "$T/err"
is "-batch - reads stdin and names stdin:LINE" "$rc|$err" \
	"2|stdin:2: Error: vni 400 dev vtep0: VNI does not exist"
run -ignore-missing -batch "$T/stdin.batch"
is "-ignore-missing -batch: deleting twice succeeds" "$rc|$err" "0|"
printf 'vni add 0 dev vtep0 untagged\nvni del 999 dev vtep0\n' >"$T/status.batch"
t "-force -batch exits with the first failed line's status (1: usage)" 1 "" \
	"$T/status.batch:1: Error: argument \"0\" is wrong: VNI must be 1-16777215
$T/status.batch:2: Error: vni 999 dev vtep0: VNI does not exist" -force -batch "$T/status.batch"
printf 'vni del 999 dev vtep0\nvni add 0 dev vtep0 untagged\n' >"$T/status.batch"
t "-force -batch exits with the first failed line's status (2: kernel)" 2 "" \
	"$T/status.batch:1: Error: vni 999 dev vtep0: VNI does not exist
$T/status.batch:2: Error: argument \"0\" is wrong: VNI must be 1-16777215" -force -batch "$T/status.batch"
printf 'fdb flush dev vtep0\nvni show dev vtep0\n# a comment\n\nlink show vtep0\n' >"$T/show.batch"
run -j -batch "$T/show.batch"
is "-j -batch prints one JSON document per show command" \
	"$rc|$(jq -R -s -c 'split("\n") | map(select(length > 0) | fromjson | length)' <<<"$out" 2>&1)" "0|[2,1]"

awk 'BEGIN { for (i = 0; i < 100000; i++)
	printf "fdb add 02:01:00:%02x:%02x:%02x vni 1 dst 192.0.2.%d dev vtep1\n",
		int(i / 65536), int(i / 256) % 256, i % 256, i % 200 + 10 }' >"$T/100k.batch"
t "-batch of 100,000 fdb add lines loads" 0 "" "" -batch "$T/100k.batch"
tj "link show counts 100,000 entries" '.[0].fdb_count == 100000' link show vtep1
tjpy "fdb show -j returns 100,000 unique entries" \
	'len(d) == 100000 and len({(e["mac"], e["vni"]) for e in d}) == 100000 and {(e["ifname"], e["state"]) for e in d} == {("vtep1", "permanent")}' \
	fdb show dev vtep1
run fdb show dev vtep1
is "fdb show in text prints 100,000 unique lines" "$rc $(sort -u <<<"$out" | wc -l)" "0 100000"
awk 'BEGIN { for (i = 0; i < 100000; i += 2)
	printf "fdb del 02:01:00:%02x:%02x:%02x vni 1 dev vtep1\n",
		int(i / 65536), int(i / 256) % 256, i % 256 }' >"$T/50k-del.batch"
t "-batch of 50,000 fdb del lines deletes them" 0 "" "" -batch "$T/50k-del.batch"
tj "link show counts the 50,000 others" '.[0].fdb_count == 50000' link show vtep1
tjpy "... which are the odd ones" \
	'len(d) == 50000 and all(int(e["mac"][-2:], 16) % 2 for e in d)' fdb show dev vtep1
t "fdb flush of 50,000 entries" 0 "" "" fdb flush dev vtep1
tj "fdb flush left none" '.[0].fdb_count == 0' link show vtep1

# ---- monitor ----------------------------------------------------------------
"$VTEPCTL" -j monitor dump >"$T/mon.json" 2>&1 &
monj=$!
"$VTEPCTL" monitor dump >"$T/mon.txt" 2>&1 &
mont=$!
# -t, -ts, -j -t: stamped as ip monitor stamps
"$VTEPCTL" -t monitor dump >"$T/mon-t.txt" 2>&1 &
mont_t=$!
"$VTEPCTL" -ts monitor dump >"$T/mon-ts.txt" 2>&1 &
mont_ts=$!
"$VTEPCTL" -j -t monitor dump >"$T/mon-t.json" 2>&1 &
monj_t=$!
for f in mon.json mon.txt mon-t.txt mon-ts.txt mon-t.json; do
	until_grep resync_end "$T/$f"
done
vc fdb add 02:00:00:00:0e:01 vni 100 dst 192.0.2.9 dev vtep0
vc vni del 400 dev vtep0 2>/dev/null
vc fdb del 02:00:00:00:0e:01 vni 100 dev vtep0
for f in mon.json mon.txt mon-t.txt mon-ts.txt mon-t.json; do
	until_grep fdb_deleted "$T/$f"
done
kill $monj $mont $mont_t $mont_ts $monj_t
wait $monj $mont $mont_t $mont_ts $monj_t 2>/dev/null
cmd="vtepctl -j monitor dump >mon.json (then fdb add, fdb del)"
is "monitor -j sees the fdb add event" "$(jq -R -s 'split("\n") | map(select(length > 0) | fromjson) |
	any(.[]; . == {"event": "fdb_added", "mac": "02:00:00:00:0e:01", "vni": 100, "dst": "192.0.2.9", "ifname": "vtep0", "state": "permanent", "owner": "user"})' "$T/mon.json" 2>&1)" true
is "monitor -j dump starts with the present tables" \
	"$(head -n 1 "$T/mon.json"; grep -c '"vni_present"' "$T/mon.json")" '{"event":"resync_begin"}
3'
cmd="vtepctl monitor dump >mon.txt (then fdb add, fdb del)"
is "monitor in text sees the fdb add and del events" \
	"$(grep -E '^fdb_(added|deleted) ' "$T/mon.txt")" \
	"fdb_added 02:00:00:00:0e:01 vni 100 dst 192.0.2.9 dev vtep0 static owner user
fdb_deleted 02:00:00:00:0e:01 vni 100 dst 192.0.2.9 dev vtep0 static owner user"

cmd="vtepctl -t monitor dump >mon-t.txt (then fdb add, fdb del)"
is "-t monitor: a Timestamp line before each event, as ip monitor -t" \
	"$(grep -B1 '^fdb_added ' "$T/mon-t.txt" | head -n 1 |
	   grep -Ec '^Timestamp: [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4} [0-9]+ usec$')" 1
cmd="vtepctl -ts monitor dump >mon-ts.txt (then fdb add, fdb del)"
is "-ts monitor: a [YYYY-MM-DDTHH:MM:SS.USEC] prefix on each event's line" \
	"$(grep -Ec '^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\] fdb_(added|deleted) 02:00:00:00:0e:01 vni 100 dst 192.0.2.9 dev vtep0 static owner user$' "$T/mon-ts.txt")" 2
cmd="vtepctl -j -t monitor dump >mon-t.json (then fdb add, fdb del)"
is "-j -t monitor: a \"timestamp\" key, first, in each event's object" \
	"$(jq -R -s 'split("\n") | map(select(length > 0) | fromjson) |
	   [.[] | select(.event == "fdb_added") | (keys_unsorted[0] == "timestamp" and
	     (.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}$")))] == [true]' "$T/mon-t.json" 2>&1)" true

# ---- help and unknown words -------------------------------------------------
run help
is "vtepctl help exits 0 and lists every object" \
	"$rc $(grep -cE '^  (link|vni|remote|fdb|stats|monitor|help) ' <<<"$out")" "0 7"
run vni help
is "vtepctl vni help exits 0 and lists every command" "$rc $(for c in add replace set del show; do
	grep -qE "vni .*\b$c\b" <<<"$out" && echo -n "$c "; done)" "0 add replace set del show "
for o in link remote fdb stats monitor; do
	run $o help
	is "vtepctl $o help exits 0" "$rc $(head -c 6 <<<"$out")" "0 Usage:"
done
t "an unknown object" 1 "" 'Object "x" is unknown, try "vtepctl help".' x
t "an unknown command" 1 "" 'Command "frob" is unknown, try "vtepctl fdb help".' fdb frob
t "an unknown keyword" 1 "" 'Error: unknown keyword "frob" for "stats show", try "vtepctl stats help"' \
	stats show frob
t "an unknown option" 1 "" 'Option "-x" is unknown, try "vtepctl help".' -x link show
t "-batch without a file" 1 "" 'Error: "-batch" needs a file name or "-"' -batch
t "-batch of a missing file" 1 "" "Error: cannot open \"$T/nosuch\": No such file or directory" \
	-batch "$T/nosuch"
t "an underlay that does not exist" 1 "" 'Error: cannot find device "nosuch0"' \
	link add vtep9 underlay nosuch0
MODVER=$(cat /sys/module/vtep/version 2>/dev/null || echo unknown)
run -V
is "-V prints vtepctl's version, then the loaded module's" \
	"$rc|$(sed -n 1p <<<"$out" | cut -d' ' -f1)|$(sed -n 2p <<<"$out")" "0|vtepctl|vtep module: $MODVER"

# ---- teardown ---------------------------------------------------------------
t "link del of a device with VNIs, remotes and entries" 0 "" "" link del vtep0
t "link del of the last device" 0 "" "" link del vtep1
t "link show of no device prints nothing" 0 "" "" link show
tj "link show -j of no device is an empty array" '. == []' link show

# ---- without the module: exit 3 ---------------------------------------------
if [ -n "${vtep_kname:-}" ] && [ -e "build/$vtep_kname/vtep.ko" ] && rmmod vtep 2>/dev/null; then
	run link show
	if [ "$rc" = 0 ] && [ -e /sys/module/vtep ]; then
		skip "without the module: exit 3" "the kernel loaded it by its alias"
	else
		is "without the module a command exits 3 and says why" "$rc|$err" \
			'3|Error: generic netlink family "vtep" not found: is the vtep module loaded?'
		t "without the module bad arguments are still 1" 1 "" \
			'Error: argument "0" is wrong: VNI must be 1-16777215' vni add 0 dev vtep0 untagged
		t "-batch without the module exits 3" 3 "" \
			"$T/show.batch:1: Error: generic netlink family \"vtep\" not found: is the vtep module loaded?" \
			-batch "$T/show.batch"
		t "-V says the module is not loaded" 0 "$(vc -V | head -n 1)
vtep module: not loaded" "" -V
	fi
	[ -e /sys/module/vtep ] || insmod "build/$vtep_kname/vtep.ko"
	is "the module loads again" "$(test -e /sys/module/vtep && echo yes)" yes
else
	skip "without the module: exit 3" "vtep cannot be unloaded and reloaded here"
fi

ip netns del "$NS"
topo_done
