#!/bin/bash
# IPv6 tunnel packets with a zero UDP checksum (RFC 6935/6936), as the
# kernel's vxlan sends them with udp6zerocsumtx (issue 12, defect 8): our
# device drops them (UDP does, before the device sees them) unless
# udp6zerocsumrx is on. Devices that share a socket must agree on it.
#
#   ┌ v1 203.0.113.1 ┐                    ┌ v3 203.0.113.3 ┐
#   └─ h1: br0 ─ vtep0 ┘── sw ────────────└─ h3: br0 ─ vx100 (udp6zerocsumtx)
#      2001:db8::1                           2001:db8::3
. "$(dirname "$0")/lib.sh"

# VTEP_LINK_A_UDP6_ZERO_CSUM_RX (17) DEV 0|1
zerocsumrx() { nq h1 /usr/bin/python3 "$TOPO_REPO/tests/topo/genl_link_set.py" "$1" 17 "$2"; }
VM_MTU=1430
topo_switch
host_add h1 192.0.2.1 2001:db8::1
host_add h3 192.0.2.3 2001:db8::3
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1
vm_add h3 v3 02:00:00:00:03:03 203.0.113.3
vtep_add h1 2001:db8::1
vtepctl_n h1 vni add 100 dev vtep0 untagged
vtepctl_n h1 remote add 2001:db8::3 vni 100 dev vtep0
vxlan_add h3 2001:db8::3 100 udp6zerocsumtx udp6zerocsumrx
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 2001:db8::1

check "off (the default): no ping through zero-checksum packets" \
	bash -c "! ip netns exec ${P}v1 ping -q -c 2 -W 1 203.0.113.3"
check "and the device never saw them" test "$(stat h1 vtep0 rx_packets)" -eq 0

ipn h1 link set vtep0 down
check "udp6zerocsumrx on" zerocsumrx vtep0 1
ipn h1 link set vtep0 up
check "on: v1 reaches v3" ping_ok v1 203.0.113.3
check "and v3 reaches v1" ping_ok v3 203.0.113.1
check "it changes only while the device is down" \
	bash -c "! ip netns exec ${P}h1 /usr/bin/python3 $TOPO_REPO/tests/topo/genl_link_set.py vtep0 17 0"

vtepctl_n h1 link add vtep1 local 2001:db8::1 port 4789
check "a device sharing the socket with the other setting cannot open" \
	bash -c "! ip -n ${P}h1 link set vtep1 up"
zerocsumrx vtep1 1
check "with the same setting it can" ip -n "${P}h1" link set vtep1 up

topo_done
