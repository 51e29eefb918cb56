#!/bin/bash
# The orchestration examples, run as an operator would run them:
#  - examples/libvirt-qemu-hook with a sample domain XML: "started" on h1
#    points h2's and h3's FDB at h1; a live migration to h2 ("started" on
#    h2) repoints h1 and h3 at h2; the source's late "stopped" on h1 then
#    deletes nothing of h2's; "stopped" on h2 clears every entry;
#  - examples/vtep@.service: its ExecStart/ExecStartPost/ExecReload lines,
#    %i = vtep0, applied to examples/vtep0.conf: start creates and syncs
#    the device, reload of an unchanged file changes nothing, reload of an
#    edited one applies the edit, a second start keeps the device;
#  - examples/ifupdown-vtep: its pre-up/up/post-down lines, the same way.
#
#   ┌ h1 198.51.100.1 ┐  ┌ h2 198.51.100.2 ┐  ┌ h3 198.51.100.3 ┐  ┌ h4 192.0.2.1 ┐
#   │ br0 ─ vtep0     │  │ br0 ─ vtep0     │  │ br0 ─ vtep0     │  │ (the unit's) │
#   └────────┬────────┘  └────────┬────────┘  └────────┬────────┘  └──────┬───────┘
#   ┌ sw ──┴────────────────┴────────────────┴─────────────────┴───────┐
#   └───────────────────────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

HOOK=$TOPO_REPO/examples/libvirt-qemu-hook
MAC=52:54:00:aa:bb:01 MAC2=52:54:00:aa:bb:02 OTHER=52:54:00:aa:bb:03

topo_switch
for i in 1 2 3; do
	host_add h$i 198.51.100.$i
	vtep_add h$i 198.51.100.$i
	vtepctl_n h$i vni add 100 dev vtep0 untagged
	vtepctl_n h$i vni add 200 dev vtep0 vlan 200
done

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
# The hook's configuration on host i: its peers are the two others.
for i in 1 2 3; do
	{
		echo "dev vtep0"
		echo "local 198.51.100.$i"
		echo "vtepctl ip netns exec ${P}h$i $VTEPCTL"
		echo "network br100 100"
		echo "network tenant200 200"
		for j in 1 2 3; do
			[ $i = $j ] || echo "peer h$j ip netns exec ${P}h$j $VTEPCTL"
		done
	} >"$TMP/h$i.conf"
done
# hook HOST OP: libvirt's call on HOST
hook() {
	pretty "$1" "qemu web $2 begin - < web.xml"
	VTEP_HOOK_CONF=$TMP/$1.conf "$HOOK" web "$2" begin - <"$TMP/web.xml"
}
dst() { fdb_dst "$1" vtep0 "$2" "$3"; }

# is HOST VNI MAC DST: HOST's FDB sends MAC of VNI to DST ("" = no entry)
is() { [ "$(dst "$1" "$2" "$3")" = "$4" ]; }
# none VNI MAC HOST...: no entry for MAC on any of the hosts
none() {
	local h
	for h in "${@:3}"; do is "$h" "$1" "$2" "" || { echo "$h has $2"; return 1; }; done
}
ignored_ops() {
	local out
	VTEP_HOOK_CONF=$TMP/h1.conf "$HOOK" web prepare begin - <"$TMP/web.xml" &&
	out=$(VTEP_HOOK_CONF=$TMP/h2.conf "$HOOK" web migrate begin - <"$TMP/web.xml") &&
	[ -z "$out" ]
}
check "the hook ignores operations it does not handle (prepare, migrate)" ignored_ops
check "started on h1" hook h1 started
check "h2 and h3 send the VM's MACs to h1, in both VNIs" eval '
	is h2 100 $MAC 198.51.100.1 && is h3 100 $MAC 198.51.100.1 &&
	is h2 200 $MAC2 198.51.100.1 && is h3 200 $MAC2 198.51.100.1'
check "the unmapped interface is left alone, and h1 has no entry for its own VM" eval '
	none 100 $OTHER h2 h3 && none 100 $MAC h1'

# Live migration h1 -> h2: the destination's started comes first, the
# source's stopped late.
check "started on h2 (migration destination)" hook h2 started
check "h1 and h3 now send the VM's MACs to h2" eval '
	is h1 100 $MAC 198.51.100.2 && is h3 100 $MAC 198.51.100.2 && is h3 200 $MAC2 198.51.100.2'
check "h2 dropped the entries that pointed at h1 (the VM is local now)" eval '
	none 100 $MAC h2 && none 200 $MAC2 h2'
check "the late stopped on h1 (migration source) succeeds" hook h1 stopped
check "... and leaves h2's entries on h1 and h3 in place" eval '
	is h3 100 $MAC 198.51.100.2 && is h3 200 $MAC2 198.51.100.2 && is h1 100 $MAC 198.51.100.2'
check "stopped on h2 (the VM shuts down)" hook h2 stopped
check "no host has an entry for the VM any more" eval '
	none 100 $MAC h1 h2 h3 && none 200 $MAC2 h1 h2 h3'
check "a second stopped is a no-op that succeeds" hook h2 stopped
bad_peer() {
	local rc=0
	sed 's/^peer h3 .*/peer h3 false/' "$TMP/h1.conf" >"$TMP/h1-bad.conf"
	VTEP_HOOK_CONF=$TMP/h1-bad.conf "$HOOK" web started begin - <"$TMP/web.xml" \
		2>"$TMP/hook.err" || rc=$?
	cat "$TMP/hook.err"
	[ $rc = 1 ] && grep -q 'peer h3' "$TMP/hook.err" && is h2 100 $MAC 198.51.100.1
}
check "an unreachable peer fails the hook (exit 1), the other peers are programmed" bad_peer

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
check "ifupdown: pre-up and up bring vtep0 up from the same batch file" \
	eval 'ifupdown_lines pre-up up | run_lines'
check "... the device, its VNIs, remotes and MAC entry exist and it is up" applied
check "ifupdown: post-down removes it" eval 'ifupdown_lines post-down | run_lines && gone'

topo_done
