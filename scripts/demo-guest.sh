#!/bin/bash
# The demo, inside the VM. Topology:
#
#                       underlay switch (netns sw, bridge br0)
#          192.0.2.1 /             |192.0.2.2             \ 192.0.2.3
#        host1: vtep0            host2: vtep0           host3: kernel vxlan
#        (trunk, VLAN-aware      (trunk)                 vx100, vx200
#         bridge br0)                                   (one bridge each)
#        /         \             /        \              /         \
#     vm1a        vm1b        vm2a       vm2b          vm3a       vm3b
#  tenant A    tenant B    tenant A   tenant B      tenant A   tenant B
#  VNI 100     VNI 200
#
# Tenant A: 203.0.113.1x/24, tenant B: 203.0.113.2x/24 (same subnet on
# purpose: only the VNI keeps them apart). BUM traffic goes by head-end
# replication (no multicast in the underlay).
set -e
V=$PWD/userspace/vtepctl
say() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

cleanup() {
	for ns in sw host1 host2 host3 vm1a vm1b vm2a vm2b vm3a vm3b; do
		ip netns del $ns 2>/dev/null || true
	done
}
trap cleanup EXIT

for ns in sw host1 host2 host3 vm1a vm1b vm2a vm2b vm3a vm3b; do
	ip netns add $ns
	ip -n $ns link set lo up
done
ip -n sw link add name br0 type bridge
ip -n sw link set br0 up
for i in 1 2 3; do
	ip -n sw link add p$i type veth peer name eth0 netns host$i
	ip -n sw link set p$i master br0 up
	ip -n host$i addr add 192.0.2.$i/24 dev eth0
	ip -n host$i link set eth0 up
done

# A VM is a namespace with a veth into its host's bridge.
vm() { # vm NS HOST PORT IP
	ip -n "$2" link add "$3" type veth peer name eth0 netns "$1"
	ip -n "$1" addr add "$4/24" dev eth0
	ip -n "$1" link set eth0 mtu 1450	# room for the VXLAN headers
	ip -n "$1" link set eth0 up
}

say "host1 and host2 run vtep: one device, a VLAN-aware bridge, VNI per VLAN"
for h in 1 2; do
	ns=host$h
	ip -n $ns link add name br0 type bridge vlan_filtering 1
	run ip -n $ns link add vtep0 type vtep
	run ip netns exec $ns $V link set vtep0 local 192.0.2.$h underlay eth0
	run ip netns exec $ns $V vni add 100 dev vtep0 vlan 10
	run ip netns exec $ns $V vni add 200 dev vtep0 vlan 20
	for o in 1 2 3; do
		[ $o = $h ] && continue
		run ip netns exec $ns $V remote add 192.0.2.$o vni 100 dev vtep0
		run ip netns exec $ns $V remote add 192.0.2.$o vni 200 dev vtep0
	done
	ip -n $ns link set vtep0 master br0
	bridge -n $ns vlan add dev vtep0 vid 10
	bridge -n $ns vlan add dev vtep0 vid 20
	bridge -n $ns vlan del dev vtep0 vid 1	# only the tenants' VLANs
	vm vm${h}a $ns tapa 203.0.113.1$h
	vm vm${h}b $ns tapb 203.0.113.2$h
	ip -n $ns link set tapa master br0
	ip -n $ns link set tapb master br0
	bridge -n $ns vlan add dev tapa vid 10 pvid untagged
	bridge -n $ns vlan add dev tapb vid 20 pvid untagged
	bridge -n $ns vlan del dev tapa vid 1
	bridge -n $ns vlan del dev tapb vid 1
	for d in br0 vtep0 tapa tapb; do ip -n $ns link set $d up; done
done

say "host3 runs the kernel's own vxlan driver"
for t in a:100:13 b:200:23; do
	IFS=: read -r tn vni ip <<<"$t"
	run ip -n host3 link add vx$vni type vxlan id $vni dstport 4789 local 192.0.2.3 dev eth0
	for o in 1 2; do
		run bridge -n host3 fdb append 00:00:00:00:00:00 dev vx$vni dst 192.0.2.$o
	done
	ip -n host3 link add name br$vni type bridge
	ip -n host3 link set vx$vni master br$vni
	vm vm3$tn host3 tap$tn 203.0.113.$ip
	ip -n host3 link set tap$tn master br$vni
	for d in br$vni vx$vni tap$tn; do ip -n host3 link set $d up; done
done

say "tenant A: vm1a pings vm2a (vtep <-> vtep) and vm3a (vtep <-> kernel vxlan)"
run ip netns exec vm1a ping -c 3 -W 2 203.0.113.12
run ip netns exec vm1a ping -c 3 -W 2 203.0.113.13
say "tenant B: vm2b pings vm1b and vm3b"
run ip netns exec vm2b ping -c 3 -W 2 203.0.113.21
run ip netns exec vm2b ping -c 3 -W 2 203.0.113.23

say "tenants are isolated: vm1a cannot reach tenant B's vm2b (same subnet, other VNI)"
if ip netns exec vm1a ping -c 2 -W 1 203.0.113.22 >/dev/null 2>&1; then
	echo "UNEXPECTED: tenant A reached tenant B"; exit 1
fi
echo "no reply, as it should be"

say "host1 learned where the VMs are (vtepctl fdb show)"
run ip netns exec host1 $V fdb show dev vtep0
say "host1's VNIs and counters"
run ip netns exec host1 $V vni show dev vtep0
run ip netns exec host1 $V stats show dev vtep0
say "host3 (kernel vxlan) learned our VMs too"
run bridge -n host3 fdb show dev vx100 | grep dst
say "demo done: the overlay works"
