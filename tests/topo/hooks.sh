#!/bin/bash
# The orchestration examples, run as an operator would run them:
#  - examples/libvirt-qemu-hook, fed libvirt's calls by hand with a sample
#    domain XML. Each host programs only its own vtep0, from the claims in
#    a directory all hosts share ($TMP/hosts, as shared storage would be);
#    no host runs anything in another. "started" on h1 makes h2 and h3
#    send the VM's MACs to h1, and v3 (on h3) pings the VM; a live
#    migration to h2 (migrate, prepare, start, started on h2 while the VM
#    still runs on h1) changes nothing until the source's "stopped"; then
#    h1 and h3 point at h2 and the ping follows the VM; a failed incoming
#    migration leaves the claim as it was; "stopped" on h2 clears every
#    entry;
#  - examples/vtep@.service: its ExecStart/ExecStartPost/ExecReload lines,
#    %i = vtep0, applied to examples/vtep0.conf: start creates and syncs
#    the device, reload of an unchanged file changes nothing, reload of an
#    edited one applies the edit, a second start keeps the device;
#  - examples/ifupdown-vtep: its pre-up/up/post-down lines, the same way.
#
#    "VM" web 203.0.113.10 ── h1, then h2                 "VM" v3 203.0.113.3
#   ┌ h1 198.51.100.1 ┐  ┌ h2 198.51.100.2 ┐  ┌ h3 198.51.100.3 ┐  ┌ h4 192.0.2.1 ┐
#   │ br0 ─ vtep0     │  │ br0 ─ vtep0     │  │ br0 ─ vtep0     │  │ (the unit's) │
#   └────────┬────────┘  └────────┬────────┘  └────────┬────────┘  └──────┬───────┘
#   ┌ sw ──┴────────────────┴────────────────┴─────────────────┴───────┐
#   └───────────────────────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

HOOK=$TOPO_REPO/examples/libvirt-qemu-hook
MAC=52:54:00:aa:bb:01 MAC2=52:54:00:aa:bb:02 OTHER=52:54:00:aa:bb:03

# Learning off: what the FDBs hold is what the hook put there.
topo_switch
for i in 1 2 3; do
	host_add h$i 198.51.100.$i
	vtep_add h$i 198.51.100.$i learning off
	{
		echo "vni add 100 dev vtep0 untagged"
		echo "vni add 200 dev vtep0 vlan 200"
		for j in 1 2 3; do
			[ $i = $j ] || echo "remote add 198.51.100.$j vni 100 dev vtep0"
		done
	} | vtepctl_n h$i -batch -
done
# The VM "web": a namespace whose veth moves from h1's bridge to h2's
vm_add h1 web "$MAC" 203.0.113.10
vm_add h3 v3 52:54:00:00:00:03 203.0.113.3

# A domain with two interfaces on mapped bridges, one on an unmapped one.
cat >"$TMP/web.xml" <<EOF
<domain type='kvm'>
  <name>web</name>
  <devices>
    <interface type='bridge'>
      <mac address='${MAC^^}'/>
      <source bridge='br100'/>
      <model type='virtio'/>
    </interface>
    <interface type='network'>
      <mac address='$MAC2'/>
      <source network='tenant200'/>
    </interface>
    <interface type='network'>
      <mac address='$OTHER'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>
EOF
# The hook's configuration on host i: the shared claims, its own state;
# "owner hook" once vtepctl knows the keyword
OWNER=none
"$VTEPCTL" fdb help 2>&1 | grep -qw owner && OWNER=hook
mkdir -p "$TMP/hosts"
for i in 1 2 3; do
	cat >"$TMP/h$i.conf" <<-EOF
	dev vtep0
	local 198.51.100.$i
	vtepctl $VTEPCTL -n ${P}h$i
	network br100 100
	network tenant200 200
	claims $TMP/hosts
	state $TMP/state-h$i
	owner $OWNER
	EOF
done
# hook HOST OP...: libvirt's calls on HOST ("qemu web OP begin -"), in turn
hook() {
	local h=$1 op
	for op in "${@:2}"; do
		pretty "$h" "qemu web $op begin - < web.xml"
		VTEP_HOOK_CONF=$TMP/$h.conf "$HOOK" web "$op" begin - <"$TMP/web.xml" \
			>>"$TMP/hook.out" || return 1
	done
}
# reconcile HOST...: each host's timer fires
reconcile() {
	local h
	for h in "$@"; do
		pretty "$h" "libvirt-qemu-hook --reconcile"
		VTEP_HOOK_CONF=$TMP/$h.conf "$HOOK" --reconcile || return 1
	done
}
# switchover: the VM's memory is copied, it resumes on h2 and QEMU
# announces it (a RARP from its MAC: here a datagram it sends), which
# teaches h2's bridge that the MAC moved from vtep0 to the VM's port
switchover() {
	ipn h1 link set v-web netns "${P}h2"
	ipn h2 link set v-web master br0 up
	n web bash -c 'echo announce >/dev/udp/203.0.113.3/9'
}
# fdb HOST: HOST's static entries as "MAC VNI DST [owner ...]" lines (one
# vtepctl, no ip netns exec, no jq: a check reads three hosts)
fdb() {
	"$VTEPCTL" -n "$P$1" fdb show dev vtep0 static | awk '{
		for (i = 2; i < NF; i++) {
			if ($i == "vni") v = $(i + 1)
			if ($i == "dst") d = $(i + 1)
			if ($i == "owner") o = " owner " $(i + 1)
		}
		print $1, v, d o }'
}
# none VNI MAC HOST...: no entry for MAC on any of the hosts
none() {
	local h
	for h in "${@:3}"; do
		! fdb "$h" | grep -q "^$2 $1 " || { echo "$h has $2 in $1"; return 1; }
	done
}
# claims HOST [PENDING]: the claim of web names HOST (and PENDING, or none)
claims() {
	cat "$TMP/hosts/web"
	grep -qx "host 198.51.100.${1#h}" "$TMP/hosts/web" || return 1
	if [ -n "${2:-}" ]; then
		grep -qx "pending 198.51.100.${2#h}" "$TMP/hosts/web"
	else
		! grep -q "^pending" "$TMP/hosts/web"
	fi
}
# at HOST: the two other hosts send the VM's MACs (both VNIs) to HOST, and
# HOST has no entry for them
at() {
	local h ip=198.51.100.${1#h} t
	for h in h1 h2 h3; do
		t=$(fdb "$h")
		echo "$h: $t"
		if [ "$h" = "$1" ]; then
			! grep -qE "^($MAC 100|$MAC2 200) " <<<"$t" || return 1
		else
			grep -q "^$MAC 100 $ip\b" <<<"$t" && grep -q "^$MAC2 200 $ip\b" <<<"$t" || return 1
		fi
	done
}

check "the hook ignores operations it does not handle (prepare): no output, no claim" \
	eval 'hook h1 prepare && [ ! -s "$TMP/hook.out" ] && [ ! -e "$TMP/hosts/web" ]'
check "started on h1: the claim names h1" eval 'hook h1 started && claims h1'
check "h2 and h3 reconcile (their timers; h1's hook did its own at once)" reconcile h2 h3
check "h2 and h3 send the VM's MACs to h1 in both VNIs, h1 has none" at h1
check "the unmapped interface is left alone" none 100 $OTHER h1 h2 h3
check "v3 (on h3) pings the VM on h1" ping_ok v3 203.0.113.10
if [ $OWNER = hook ]; then
	check "the hook's entries carry owner hook" eval 'fdb h3 | grep -qx "$MAC 100 198.51.100.1 owner hook"'
else
	skip "the hook's entries carry owner hook" "this vtepctl has no owner keyword"
fi

# Live migration h1 -> h2: the destination runs migrate, prepare, start
# and started while the VM still runs on h1 (paused on h2).
check "migrate, prepare, start, started on h2 (incoming): no output (XML unchanged)" \
	eval 'hook h2 migrate prepare start started && [ ! -s "$TMP/hook.out" ]'
check "... the claim still names h1, h2 as pending" claims h1 h2
check "... every host reconciles: the MACs still go to h1" eval 'reconcile h1 h2 h3 && at h1'
check "... and the VM on h1 still answers v3" ping_ok v3 203.0.113.10
check "the VM resumes on h2; stopped and release on h1 (the source)" \
	eval 'switchover && hook h1 stopped release'
check "... the claim names h2; h1 points at h2 already" eval 'claims h2 && fdb h1 | grep -q "^$MAC 100 198.51.100.2"'
check "h2 and h3 reconcile: h1 and h3 send the VM's MACs to h2, h2 has none" \
	eval 'reconcile h2 h3 && at h2'
check "v3 pings the VM on h2" ping_ok v3 203.0.113.10

# A failed incoming migration h2 -> h1: h1 drops its pending mark
check "migrate, prepare, start, started, stopped, release on h1 (it fails)" \
	hook h1 migrate prepare start started stopped release
check "... the claim names h2 alone, every host still points at h2" \
	eval 'claims h2 && reconcile h1 h3 && at h2'

check "stopped and release on h2 (the VM shuts down): no claim left" \
	eval 'hook h2 stopped release && [ ! -e "$TMP/hosts/web" ]'
check "h1 and h3 reconcile: no host has an entry for the VM" eval '
	reconcile h1 h3 && none 100 $MAC h1 h2 h3 && none 200 $MAC2 h1 h2 h3'
check "a second stopped is a no-op that succeeds" hook h2 stopped
bad_vtepctl() {
	local rc=0
	sed 's|^vtepctl .*|vtepctl false|' "$TMP/h1.conf" >"$TMP/h1-bad.conf"
	VTEP_HOOK_CONF=$TMP/h1-bad.conf "$HOOK" web started begin - <"$TMP/web.xml" \
		2>"$TMP/hook.err" || rc=$?
	cat "$TMP/hook.err"
	rm -f "$TMP/hosts/web"
	[ $rc = 1 ] && grep -q 'vtep hook: false' "$TMP/hook.err"
}
check "a vtepctl that fails fails the hook (exit 1, said on stderr)" bad_vtepctl

# ---- vtep@.service ----
# unit_lines UNIT KEY: the KEY= lines of the unit, as run on this test's
# host h4: %i = vtep0, /etc/vtep -> $TMP/etc, the installed vtepctl -> ours
unit_lines() {
	sed -n "s/^$2=//p" "$1" | sed -e "s|%i|vtep0|g" -e "s|/etc/vtep|$TMP/etc|g" \
		-e "s|/usr/sbin/vtepctl|$VTEPCTL|g" -e "s|^-||"
}
mkdir -p "$TMP/etc"
cp "$TOPO_REPO/examples/vtep0.conf" "$TMP/etc/vtep0.conf"
host_add h4 192.0.2.1
applied() {
	nq h4 "$VTEPCTL" -j vni show dev vtep0 >"$TMP/vnis" &&
	python3 -c 'import json, sys; assert sorted(v["vni"] for v in json.load(open(sys.argv[1]))) == [100, 200]' "$TMP/vnis" &&
	[ "$(nq h4 "$VTEPCTL" -j remote show dev vtep0 vni 200 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] &&
	[ "$(fdb_dst h4 vtep0 200 52:54:00:00:02:01)" = 192.0.2.2 ] &&
	nq h4 ip link show vtep0 | grep -q '<.*UP.*>'
}
# run_lines: each line of stdin, as a command in h4; stop at a failure
run_lines() {
	local line
	while read -r line; do
		echo "+ $line"
		ip netns exec "${P}h4" $line || return 1
	done
}
gone() { ! nq h4 ip link show vtep0 >/dev/null 2>&1; }
UNIT=$TOPO_REPO/examples/vtep@.service
check "vtep@vtep0.service: ExecStart and ExecStartPost apply /etc/vtep/vtep0.conf" \
	eval 'unit_lines "$UNIT" "ExecStart\(Post\)\?" | run_lines'
check "... the device, its VNIs, remotes and MAC entry exist and it is up" applied
check "vtep@vtep0.service: ExecReload of the same file changes nothing" \
	eval '[ -z "$(unit_lines "$UNIT" ExecReload | run_lines | grep -v "^+ /")" ]'
sed -i 's/^remote add 192.0.2.3 vni 200 /remote add 192.0.2.4 vni 200 /' "$TMP/etc/vtep0.conf"
check "... of an edited file applies only the edit" eval '
	unit_lines "$UNIT" ExecReload | run_lines >"$TMP/reload.out" &&
	[ "$(grep -v "^+ /" "$TMP/reload.out" | sort | tr "\n" ,)" = \
	  "+ remote 192.0.2.4 vni 200,- remote 192.0.2.3 vni 200," ]'
check "vtep@vtep0.service: no ExecStop (stop keeps the device)" \
	eval '[ -z "$(unit_lines "$UNIT" ExecStop)" ]'
check "... and a second start syncs the device it finds" \
	eval 'unit_lines "$UNIT" "ExecStart\(Post\)\?" | run_lines && ! gone'
vtepctl_n h4 link del vtep0

# ---- ifupdown ----
# ifupdown_lines KEY...: the snippet's lines for those keys, in file order
ifupdown_lines() {
	local re
	re=$(IFS='|'; echo "$*")
	sed -nE "s/^[[:space:]]+($re) //p" "$TOPO_REPO/examples/ifupdown-vtep" |
		sed -e "s|/etc/vtep|$TMP/etc|g" -e "s|^vtepctl |$VTEPCTL |"
}
check "ifupdown: pre-up and up bring vtep0 up from the file the unit syncs" \
	eval 'ifupdown_lines pre-up up | run_lines'
check "... the device, its VNIs, remotes and MAC entry exist and it is up" applied
check "... its entries owned by conf, as the unit's" eval \
	'[ "$($VTEPCTL -n ${P}h4 showconf dev vtep0 owner conf | grep -c " owner conf")" -ge 3 ]'
check "ifupdown: post-down removes it" eval 'ifupdown_lines post-down | run_lines && gone'

topo_done
