#!/bin/bash
# A multicast underlay over IPv6, with the kernel's vxlan: VNI 100 floods to
# group ff0e::100 on every host's eth0. Our devices, bound to their local
# address, receive the group through a socket bound to it; the membership
# follows the VNI and the device state.
#
#   ┌ v1 ──────────┐ ┌ v2 ──────────┐ ┌ v3 ──────────┐
#   │ 203.0.113.1  │ │ 203.0.113.2  │ │ 203.0.113.3  │
#   └──────┬───────┘ └──────┬───────┘ └──────┬───────┘
#   ┌ h1 ──┴───────┐ ┌ h2 ──┴───────┐ ┌ h3 ──┴───────┐
#   │ br0 ─ vtep0  │ │ br0 ─ vtep0  │ │ br0 ─ vx100  │ (kernel vxlan)
#   │ 2001:db8::1  │ │ 2001:db8::2  │ │ 2001:db8::3  │
#   │ group ff0e::100 on eth0, all                   │
#   └──────┬───────┘ └──────┬───────┘ └──────┬───────┘
#   ┌ sw ──┴────────────────┴────────────────┴───────┐
#   └────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

VM_MTU=1430
G=ff0e::100

topo_switch
for i in 1 2 3; do
	host_add h$i 192.0.2.$i 2001:db8::$i
	vm_add h$i v$i 02:00:00:00:0$i:0$i 203.0.113.$i
done
for h in h1 h2; do
	vtep_add $h 2001:db8::${h#h}
	vtepctl_n $h vni add 100 dev vtep0 untagged group $G
done
vxlan_add h3 2001:db8::3 100 group $G

check "ping from our VM to the kernel vxlan's VM (ARP through the group)" ping_ok v1 203.0.113.3
check "ping from the kernel vxlan's VM to ours" ping_ok v3 203.0.113.1
check "ping between VMs behind two of our VTEPs" ping_ok v2 203.0.113.1
check "our FDB learned v3 behind 2001:db8::3" \
	test "$(fdb_dst h1 vtep0 100 02:00:00:00:03:03)" = 2001:db8::3

joined() { ip -n "${P}$1" -6 maddr show dev eth0 | grep -cE "inet6 +$G\$" || true; }
check "h1 is a member of the group once" test "$(joined h1)" -eq 1
ipn h1 link set vtep0 down
check "the device going down leaves the group" test "$(joined h1)" -eq 0
ipn h1 link set vtep0 up
check "and coming up joins it again" test "$(joined h1)" -eq 1
nq v1 ip neigh flush dev eth0
check "traffic flows again after the flap" ping_ok v1 203.0.113.3

topo_done
