#!/bin/bash
# Interoperability with the kernel's vxlan over a multicast underlay: every
# VTEP floods VNI 100 to group 239.1.1.1 on its eth0. Our devices are bound
# to their local address, so they receive the group through a socket bound
# to the group. A group shared by two VNIs is joined once, and left when
# its last VNI goes or the device goes down.
#
#   ┌ v1 ──────────┐ ┌ v2 ──────────┐ ┌ v3 ──────────┐
#   │ 203.0.113.1  │ │ 203.0.113.2  │ │ 203.0.113.3  │
#   └──────┬───────┘ └──────┬───────┘ └──────┬───────┘
#   ┌ h1 ──┴───────┐ ┌ h2 ──┴───────┐ ┌ h3 ──┴───────┐
#   │ br0 ─ vtep0  │ │ br0 ─ vtep0  │ │ br0 ─ vx100  │ (kernel vxlan)
#   │ VNI 100, 200 │ │ VNI 100      │ │ VNI 100      │
#   │ group 239.1.1.1 on eth0, all │ │              │
#   └──────┬───────┘ └──────┬───────┘ └──────┬───────┘
#   ┌ sw ──┴────────────────┴────────────────┴───────┐
#   │ br0 (no snooping: floods the group)            │
#   └────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

M3=02:00:00:00:03:03
G=239.1.1.1

topo_switch
for i in 1 2 3; do
	host_add h$i 192.0.2.$i
	vm_add h$i v$i 02:00:00:00:0$i:0$i 203.0.113.$i
done
for h in h1 h2; do
	vtep_add $h 192.0.2.${h#h}
	vtepctl_n $h vni add 100 dev vtep0 untagged group $G
done
vtepctl_n h1 vni add 200 dev vtep0 vlan 20 group $G
vxlan_add h3 192.0.2.3 100 group $G

ip netns exec "${P}h3" tcpdump -i eth0 -n -U --immediate-mode -w "$TMP/h3.pcap" udp port 4789 2>"$TMP/tcpdump.err" &
TCPDUMP=$!
retry 20 grep -q listening "$TMP/tcpdump.err"

check "ping from our VM to the kernel vxlan's VM (ARP through the group)" ping_ok v1 203.0.113.3
check "ping from the kernel vxlan's VM to ours" ping_ok v3 203.0.113.1
check "ping between VMs behind two of our VTEPs" ping_ok v2 203.0.113.1
kill $TCPDUMP; wait $TCPDUMP || true
check "our FDB learned v3 behind the kernel vxlan host" \
	test "$(fdb_dst h1 vtep0 100 $M3)" = 192.0.2.3
check "the kernel vxlan learned v1 behind our VTEP" \
	bash -c "bridge -n ${P}h3 fdb show dev vx100 | grep -i '02:00:00:00:01:01 dst 192.0.2.1'"

tshark -r "$TMP/h3.pcap" -n -d udp.port==4789,vxlan \
	-Y "ip.src == 192.0.2.1 && ip.dst == $G && arp" -T fields \
	-e vxlan.vni -e ip.ttl >"$TMP/floods" 2>/dev/null || true
diag "our floods seen at h3 (VNI, outer TTL): $(head -n1 "$TMP/floods")"
check "our ARP floods reach the group as VNI 100 with outer TTL 1" \
	awk 'BEGIN { n = 0 } $1 == 100 && $2 ~ /^1(,|$)/ { n++ } END { exit n == 0 }' "$TMP/floods"

joined() { ip -n "${P}$1" maddr show dev eth0 | grep -cE "inet +$G\$" || true; }
check "h1 is a member of the group once, for its two VNIs" test "$(joined h1)" -eq 1
vtepctl_n h1 vni del 200 dev vtep0
check "deleting one of them keeps the membership" test "$(joined h1)" -eq 1
check "and VNI 100 still floods through the group" nq v1 ping -c 1 -W 2 203.0.113.3
vtepctl_n h1 vni del 100 dev vtep0
check "deleting the last VNI of the group leaves it" test "$(joined h1)" -eq 0
vtepctl_n h1 vni add 100 dev vtep0 untagged group $G
check "adding it back joins again" test "$(joined h1)" -eq 1
ipn h1 link set vtep0 down
check "the device going down leaves the group" test "$(joined h1)" -eq 0
ipn h1 link set vtep0 up
check "and coming up joins it again" test "$(joined h1)" -eq 1
nq v1 ip neigh flush dev eth0
check "traffic flows again after the flap (ARP through the group)" ping_ok v1 203.0.113.3

topo_done
