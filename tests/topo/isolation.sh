#!/bin/bash
# Tenants: one vtep device per host as the trunk port of a VLAN-aware
# bridge, VLAN 10 -> VNI 100 (tenant A) and VLAN 20 -> VNI 200 (tenant B,
# unknown unicast not flooded). Both tenants use the same MACs and IPs and
# must not see each other; VLAN 30 has no VNI; a frame to an unknown MAC in
# tenant B is dropped, counted and reported as a miss.
#
#   ┌ a1 ┐ ┌ b1 ┐ ┌ c1 ┐                    ┌ a2 ┐ ┌ b2 ┐
#   │ X1 │ │ X1 │ │ X3 │  .1 .1 .5           │ X2 │ │ X2 │  .2 .2
#   └─┬──┘ └─┬──┘ └─┬──┘                    └─┬──┘ └─┬──┘
#   ┌ h1 ───┴──────┴─────────┐            ┌ h2 ──┴──────┴──────┐
#   │ br0 (vlan_filtering)   │            │ br0 (vlan_filtering)│
#   │ access 10, 20, 30      │            │ access 10, 20       │
#   │ trunk: vtep0 10,20,30  │            │ trunk: vtep0 10,20  │
#   └──────────┬─────────────┘            └─────────┬───────────┘
#   ┌ sw ──────┴────────────────────────────────────┴───────────┐
#   └───────────────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

X1=02:00:00:00:01:01 X2=02:00:00:00:02:02 X3=02:00:00:00:03:03
GHOST=02:00:00:00:99:99

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vtep_add h1 192.0.2.1
vtep_add h2 192.0.2.2
vm_add h1 a1 $X1 203.0.113.1 "" 10
vm_add h1 b1 $X1 203.0.113.1 "" 20
vm_add h1 c1 $X3 203.0.113.5 "" 30
vm_add h2 a2 $X2 203.0.113.2 "" 10
vm_add h2 b2 $X2 203.0.113.2 "" 20
for h in h1 h2; do
	n $h bridge vlan del vid 1 dev vtep0
	for v in 10 20 30; do
		n $h bridge vlan add vid $v dev vtep0
	done
	vtepctl_n $h vni add 100 dev vtep0 vlan 10
	vtepctl_n $h vni add 200 dev vtep0 vlan 20 flood off
done
for v in 100 200; do
	vtepctl_n h1 remote add 192.0.2.2 vni $v dev vtep0
	vtepctl_n h2 remote add 192.0.2.1 vni $v dev vtep0
done

monitor_start h1 "$TMP/monitor" monitor
ip netns exec "${P}h2" tcpdump -i eth0 -n -U --immediate-mode -w "$TMP/h2.pcap" udp port 4789 2>"$TMP/tcpdump.err" &
TCPDUMP=$!
retry 20 grep -q listening "$TMP/tcpdump.err"

check "tenant A: a1 reaches a2" ping_ok a1 203.0.113.2
check "tenant B: b1 reaches b2 (same MACs and IPs)" ping_ok b1 203.0.113.2
# Tenant B's neighbours made permanent: b2 would otherwise confirm b1's
# address by a unicast ARP probe 5 s after that ping, inside the window
# counted below on a slow guest (the reply is tenant B's own traffic).
ipn b1 neigh replace 203.0.113.2 lladdr $X2 dev eth0 nud permanent
ipn b2 neigh replace 203.0.113.1 lladdr $X1 dev eth0 nud permanent

rx_of() { nq "$1" cat /sys/class/net/eth0/statistics/rx_packets; }
b2_before=$(rx_of b2)
vni200_before=$(stat h2 vtep0 rx_packets 200)
nq a1 ip neigh flush dev eth0
check "tenant A again, ARP included" nq a1 ping -c 5 -i 0.2 -W 2 203.0.113.2
check "tenant B's VM saw none of it" test "$(rx_of b2)" -eq "$b2_before"
check "VNI 200 received none of it" test "$(stat h2 vtep0 rx_packets 200)" -eq "$vni200_before"
check "h1 has X2 in VNI 100 behind h2" test "$(fdb_dst h1 vtep0 100 $X2)" = 192.0.2.2
check "and X2 in VNI 200 behind h2, a separate entry" test "$(fdb_dst h1 vtep0 200 $X2)" = 192.0.2.2

kill $TCPDUMP; wait $TCPDUMP || true
# each ICMP packet inside VXLAN: its VNI, and the VLAN of an inner 802.1Q
# tag ("" if untagged); tcpdump -e shows the inner link-layer header
tcpdump -entr "$TMP/h2.pcap" 2>/dev/null | awk '
	/: VXLAN, / { vni = $NF; inner = 1; next }
	inner { inner = 0
		if (!/ICMP/) next
		v = ""
		if (match($0, /vlan [0-9]+/)) v = substr($0, RSTART + 5, RLENGTH - 5)
		print vni, v }' >"$TMP/vnis"
check "the underlay carried tenant A as VNI 100 and tenant B as VNI 200" \
	bash -c "grep -q '^100' '$TMP/vnis' && grep -q '^200' '$TMP/vnis'"
check "with the VLAN tag taken off (no 802.1Q inside)" \
	awk '$2 != "" { exit 1 }' "$TMP/vnis"

novni_before=$(stat h1 vtep0 drop_no_vni)
nq c1 ping -c 2 -W 1 203.0.113.2 >/dev/null 2>&1 || true
check "VLAN 30 has no VNI: its frames are dropped and counted" \
	test "$(stat h1 vtep0 drop_no_vni)" -gt "$novni_before"

# Unknown unicast: flooded in VNI 100, dropped in VNI 200 with a miss.
for vm in a1 b1; do
	ipn $vm neigh replace 203.0.113.99 lladdr $GHOST dev eth0 nud permanent
done
flood_before=$(stat h1 vtep0 tx_flood 100)
nq a1 ping -c 1 -W 1 203.0.113.99 >/dev/null 2>&1 || true
check "VNI 100 floods a frame to an unknown MAC" \
	test "$(stat h1 vtep0 tx_flood 100)" -gt "$flood_before"
off_before=$(stat h1 vtep0 drop_flood_off 200)
nq b1 ping -c 1 -W 1 203.0.113.99 >/dev/null 2>&1 || true
check "VNI 200 (flood off) drops it and counts it" \
	test "$(stat h1 vtep0 drop_flood_off 200)" -eq $((off_before + 1))
check "and vtepctl monitor shows the miss" \
	retry 10 grep -qi "fdb_miss $GHOST vni 200" "$TMP/monitor"
check "no miss for VNI 100, which floods" \
	bash -c "! grep -qi 'fdb_miss $GHOST vni 100' '$TMP/monitor'"
check "ethtool -S counts drop_flood_off and drop_no_vni" \
	bash -c "ip netns exec ${P}h1 ethtool -S vtep0 | grep -E 'drop_flood_off: [1-9]' &&
		 ip netns exec ${P}h1 ethtool -S vtep0 | grep -E 'drop_no_vni: [1-9]'"

monitor_stop
topo_done
