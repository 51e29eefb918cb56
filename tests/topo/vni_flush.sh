#!/bin/bash
# Flushing one VNI costs what that VNI holds, not what the table holds
# (issues 11 and 12): each FDB entry is also on its VNI's list, and `fdb
# flush ... vni V` and `vni del V` take the entries from there. Before, both
# walked the whole table under RTNL (2.6 s at a million entries).
#
# The cost is counted, not timed: a kprobe on vtep_sweep_pass() (one walk
# of a whole table, the only way the module walks one) counts the walks
# while VNI 100 (45 entries) is flushed and deleted beside VNI 200 (20,000
# entries). The old flush walked the FDB twice at least (until a pass
# removed nothing); now it walks none, and a VNI delete walks only the small
# local MAC table. Ageing (which also walks) is off on the device.
#
#   ┌ h2 ───────────────┐   ┌ h1 ─────────────────────────────────┐
#   │ raw VXLAN frames  │───│ vtep0 192.0.2.1                     │
#   │ to learn 5 MACs   │   │ VNI 100: 40 static + 5 learned      │
#   └───────────────────┘   │ VNI 200: 20,000 static              │
#                           └─────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
BIG=${VNI_FLUSH_BIG:-20000}
topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vtep_add h1 192.0.2.1 ageing 0
vtepctl_n h1 vni add 100 dev vtep0 vlan 100
vtepctl_n h1 vni add 200 dev vtep0 vlan 200

# count [VNI [static|learned]]: entries in h1's `fdb show` (of the VNI)
count() {
	nq h1 "$VTEPCTL" -j fdb show dev vtep0 ${1:+vni $1} ${2:+$2} |
		$PY -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

$PY - "$BIG" >"$TMP/load.batch" <<'EOF'
import sys
for i in range(1, int(sys.argv[1]) + 1):
    print("fdb add 02:02:00:%02x:%02x:%02x vni 200 dst 198.51.100.%d dev vtep0"
          % (i >> 16 & 255, i >> 8 & 255, i & 255, i % 200 + 1))
for i in range(1, 41):
    print("fdb add 02:01:00:00:00:%02x vni 100 dst 203.0.113.%d dev vtep0" % (i, i))
EOF
check "the entries load in one batch" nq h1 "$VTEPCTL" -batch "$TMP/load.batch"

# Five MACs learned on VNI 100 from frames h2 sends (broadcast ARP inside)
nq h2 $PY - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(1, 6):
    frame = (b"\xff" * 6 + bytes([2, 9, 0, 0, 0, i]) + b"\x08\x06" +
             bytes.fromhex("0001080006040001") + bytes([2, 9, 0, 0, 0, i]) +
             bytes([192, 0, 2, 2]) + b"\x00" * 6 + bytes([203, 0, 113, 200]) + b"\x00" * 18)
    s.sendto(bytes.fromhex("0800000000006400") + frame, ("192.0.2.1", 4789))
EOF
check "VNI 100 learned the five MACs" wait_for 20 '[ "$(count 100 learned)" = 5 ]'
check "VNI 100 holds 40 static entries" test "$(count 100 static)" = 40
check "VNI 200 holds $BIG entries" test "$(count 200)" = "$BIG"

"$VTEPCTL" -n "${P}h1" monitor >"$TMP/monitor" 2>&1 &
MON=$!
# The monitor listens once it reports a change made after it started.
nq h1 "$VTEPCTL" vni add 300 dev vtep0 vlan 300
wait_for 20 "grep -q 'vni_added 300' $TMP/monitor" || diag "the monitor did not start"
nq h1 "$VTEPCTL" vni del 300 dev vtep0
# The kprobe, if this kernel offers kprobe events
T=/sys/kernel/tracing
[ -e $T/kprobe_events ] || mount -t tracefs nodev $T 2>/dev/null
KP=
if echo 'p:vtep_flush_walk vtep:vtep_sweep_pass' >>$T/kprobe_events 2>/dev/null &&
   echo 1 >$T/events/kprobes/vtep_flush_walk/enable; then
	KP=1
fi
walks() { awk '$1 == "vtep_flush_walk" { print $2 }' $T/kprobe_profile; }

# vtepctl_walks CMD...: run vtepctl, print how many table walks it cost
vtepctl_walks() {
	local before after
	before=$(walks)
	nq h1 "$VTEPCTL" "$@" || return 1
	after=$(walks)
	echo $((after - before))
}

if [ -n "$KP" ]; then
	w=$(vtepctl_walks fdb flush dev vtep0 vni 100 learned)
	diag "fdb flush vni 100 learned: $w table walks"
	check "flushing VNI 100's learned entries walks no table ($w walks)" \
		test "${w:-99}" = 0
else
	nq h1 "$VTEPCTL" fdb flush dev vtep0 vni 100 learned
	skip "flushing VNI 100's learned entries walks no table" "no kprobe events here"
fi
check "the learned entries are gone" test "$(count 100 learned)" = 0
check "VNI 100's static entries stay" test "$(count 100 static)" = 40
check "VNI 200 is untouched" test "$(count 200)" = "$BIG"

if [ -n "$KP" ]; then
	w=$(vtepctl_walks vni del 100 dev vtep0)
	diag "vni del 100: $w table walks"
	# the local MAC table (no local MAC here) is still walked, once
	check "deleting VNI 100 walks the local MAC table only ($w walks)" \
		test "${w:-99}" -le 1
else
	nq h1 "$VTEPCTL" vni del 100 dev vtep0
	skip "deleting VNI 100 walks the local MAC table only" "no kprobe events here"
fi
check "VNI 200 is untouched by the delete" test "$(count 200)" = "$BIG"
check "each of VNI 100's entries had its deleted event" \
	wait_for 20 '[ "$(grep -c "fdb_deleted 02:0[19]:.* vni 100 " $TMP/monitor)" = 45 ]'
vtepctl_n h1 vni add 100 dev vtep0 vlan 100
check "VNI 100 added again starts empty" test "$(count 100)" = 0
nq h1 "$VTEPCTL" fdb flush dev vtep0 vni 200 static
check "a static flush of VNI 200 empties it" test "$(count 200)" = 0
check "the device's FDB is empty" test "$(count)" = 0
monitor_stop
if [ -n "$KP" ]; then
	echo 0 >$T/events/kprobes/vtep_flush_walk/enable
	echo '-:vtep_flush_walk' >>$T/kprobe_events
fi

topo_done
