#!/bin/bash
# Learning on a three-host overlay (all hosts ours, replication lists):
# learned entries and events, a VM moving from h1 to h2 (re-learned by h3
# from its first frame thanks to the MAC-move notice, even though that frame
# is unicast to h1; stale without the notice), ageing counted from the last
# frame received (a silent VM ages out while h3 keeps sending to it),
# static entries that learning does not overwrite, and the learned limit (max-learned).
#
#   ┌ vm ─ M ┐ ┌ vmx ─ MX ┐  ┌ v1 ┐        ┌ v2 ┐        ┌ v3 ┐
#   └───┬────┘ └────┬─────┘  └─┬──┘        └─┬──┘        └─┬──┘
#   ┌ h1 ┴──────────┴──────────┴─┐  ┌ h2 ────┴───┐  ┌ h3 ───┴────┐
#   │ br0 ─ vtep0   192.0.2.1    │  │ br0 ─ vtep0 │  │ br0 ─ vtep0 │
#   └──────────────┬─────────────┘  └──────┬──────┘  └──────┬──────┘
#   ┌ sw ──────────┴───────────────────────┴────────────────┴──────┐
#   └──────────────────────────────────────────────────────────────┘
#   vm and vmx then move to h2.
. "$(dirname "$0")/lib.sh"

M=02:00:00:00:0a:0a MX=02:00:00:00:0b:0b
M1=02:00:00:00:01:01 M2=02:00:00:00:02:02 M3=02:00:00:00:03:03

topo_switch
for i in 1 2 3; do
	host_add h$i 192.0.2.$i
	vm_add h$i v$i 02:00:00:00:0$i:0$i 203.0.113.$i
	vtep_add h$i 192.0.2.$i
	vtepctl_n h$i vni add 100 dev vtep0 untagged
	for j in 1 2 3; do
		[ $i = $j ] || vtepctl_n h$i remote add 192.0.2.$j vni 100 dev vtep0
	done
done
vm_add h1 vm $M 203.0.113.10
vm_add h1 vmx $MX 203.0.113.11

monitor_start h3 "$TMP/monitor" monitor

check "vm reaches v3" ping_ok vm 203.0.113.3
check "vmx reaches v3" ping_ok vmx 203.0.113.3
check "vm and vmx reach v1" bash -c "ip netns exec ${P}vm ping -c1 -W2 203.0.113.1 && ip netns exec ${P}vmx ping -c1 -W2 203.0.113.1"
check "v2 reaches v1 (h2 learns v1)" ping_ok v2 203.0.113.1
check "h3 learned vm behind h1" test "$(fdb_dst h3 vtep0 100 $M)" = 192.0.2.1
check "h3 learned vmx behind h1" test "$(fdb_dst h3 vtep0 100 $MX)" = 192.0.2.1
check "h2 learned v1 behind h1" test "$(fdb_dst h2 vtep0 100 $M1)" = 192.0.2.1
check "h3 counts what it learned" test "$(stat h3 vtep0 fdb_learned)" -ge 3
check "a learned event names vm's MAC" grep -qi "fdb_learned $M vni 100 dst 192.0.2.1" "$TMP/monitor"

# vm_move VM MAC IP FROM TO: unplug the VM from FROM, plug it into TO, and
# give it v1's MAC statically, so that its first frame is unicast to v1.
vm_move() {
	local vm=$1 mac=$2 ip=$3 from=$4 to=$5

	ipn "$from" link del "v-$vm"
	ip link add name eth0 netns "$P$vm" address "$mac" type veth peer name "v-$vm" netns "$P$to"
	ipn "$to" link set "v-$vm" master br0 up
	ipn "$vm" addr add "$ip/24" dev eth0
	ipn "$vm" link set eth0 mtu "$VM_MTU" up
	ipn "$vm" neigh replace 203.0.113.1 lladdr $M1 dev eth0 nud permanent
}

moved_before=$(stat h3 vtep0 fdb_moved)
vm_move vm $M 203.0.113.10 h1 h2
check "vm, moved to h2, sends one unicast frame to v1" nq vm ping -c 1 -W 5 203.0.113.1
check "h2 flooded that frame as a MAC-move notice" test "$(stat h2 vtep0 tx_move_notice)" -eq 1
check "h3 re-learned vm behind h2 from that first frame" test "$(fdb_dst h3 vtep0 100 $M)" = 192.0.2.2
check "h3 counted the move" test "$(stat h3 vtep0 fdb_moved)" -eq $((moved_before + 1))
check "a moved event names vm's MAC" \
	retry 10 grep -qi "fdb_moved $M vni 100 dst 192.0.2.2" "$TMP/monitor"

vtepctl_n h2 link set vtep0 move-notice off
vm_move vmx $MX 203.0.113.11 h1 h2
check "vmx, moved to h2, sends one unicast frame to v1" nq vmx ping -c 1 -W 5 203.0.113.1
check "without the notice h2 sent it to h1 only" test "$(stat h2 vtep0 tx_move_notice)" -eq 1
check "and h3 still points vmx at h1" test "$(fdb_dst h3 vtep0 100 $MX)" = 192.0.2.1
vtepctl_n h2 link set vtep0 move-notice on

# Ageing: vm falls silent (unplugged); v3 keeps sending to it all along.
# Its entry must age out anyway: age counts from frames received.
ipn v3 neigh replace 203.0.113.10 lladdr $M dev eth0 nud permanent
ipn h2 link del v-vm
aged_before=$(stat h3 vtep0 fdb_aged)
tx_before=$(stat h3 vtep0 tx_packets)
ip netns exec "${P}v3" bash -c 'while :; do
	echo x > /dev/udp/203.0.113.10/9 2>/dev/null; sleep 0.2; done' &
SENDER=$!
wait_for 20 '[ "$(stat h3 vtep0 tx_packets)" -ge $((tx_before + 3)) ]'
vtepctl_n h3 link set vtep0 ageing 2
check "vm's entry on h3 ages out while h3 keeps sending to it" \
	wait_for 60 '[ -z "$(fdb_dst h3 vtep0 100 $M)" ]'
kill $SENDER; wait $SENDER 2>/dev/null || true
check "h3 counted the aged entry" test "$(stat h3 vtep0 fdb_aged)" -gt "$aged_before"
check "an aged event names vm's MAC" retry 10 grep -qi "fdb_aged $M vni 100" "$TMP/monitor"
vtepctl_n h3 link set vtep0 ageing 300

# Static entries win over learning.
vtepctl_n h3 fdb replace $M1 vni 100 dst 192.0.2.9 dev vtep0
nq v1 ping -c 2 -W 1 203.0.113.3 >/dev/null || true
check "a static entry is not overwritten by learning" \
	test "$(fdb_dst h3 vtep0 100 $M1)" = 192.0.2.9
check "and is still static" \
	bash -c "$VTEPCTL -n ${P}h3 fdb show dev vtep0 vni 100 | grep -i '$M1' | grep -q static"

# The learned limit of a VNI: room for 3 more, then 10 new MACs.
count_fdb() { nq h3 "$VTEPCTL" -j fdb show dev vtep0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
learned() { nq h3 "$VTEPCTL" -j vni show 100 dev vtep0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["learned_count"])'; }
before=$(count_fdb)
full_before=$(stat h3 vtep0 drop_fdb_full)
vtepctl_n h3 link set vtep0 max-learned $(($(learned) + 3))
n v1 python3 -c 'import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(10):
    src = bytes([2, 0, 0, 0x77, 0, i])
    s.send(b"\xff" * 6 + src + b"\x88\xb5" + bytes(46))'
wait_for 10 '[ "$(stat h3 vtep0 drop_fdb_full)" -gt "$full_before" ]' || true
check "learning stops at the learned limit ($((before + 3)) entries)" test "$(count_fdb)" -eq $((before + 3))
check "and counts what it could not learn" test "$(stat h3 vtep0 drop_fdb_full)" -ge $((full_before + 7))

monitor_stop
topo_done
