#!/bin/bash
# Multicast group memberships of the underlay sockets (issue 12, defects 1,
# 2 and 5), on one host with dummy underlay devices:
#
#   ┌ h1 ───────────────────────────────────────────────────┐
#   │ vtepa, vtepb, vtepc: local 198.51.100.1 (one socket)  │
#   │ dummy0 198.51.100.1/24, route 239.1.1.0/24 dev dummy0 │
#   │ dummy1 203.0.113.1/24                                 │
#   │ 239.2.2.2: no route, so joining it fails              │
#   └───────────────────────────────────────────────────────┘
#
# - A device that fails to open (one VNI's group cannot be joined) leaves
#   only what it joined: the other device on the same socket keeps its
#   membership of the group they share.
# - A VNI change whose group join fails changes nothing (not the VLAN).
# - The leave names the device the join used: deleting the route the join
#   followed, or pointing the groups at another device, and then bringing
#   the device down, must not hang RTNL (a membership left on the socket
#   made its release take RTNL, which the close holds).
. "$(dirname "$0")/lib.sh"

ns_add h1
ipn h1 link add dummy0 type dummy
ipn h1 link add dummy1 type dummy
ipn h1 addr add 198.51.100.1/24 dev dummy0
ipn h1 addr add 203.0.113.1/24 dev dummy1
ipn h1 link set dummy0 up
ipn h1 link set dummy1 up
ipn h1 route add 239.1.1.0/24 dev dummy0

member() { ip -n "${P}h1" maddr show dev "$1" | grep -qw "$2"; }

# ---- defect 2: one device's failed open keeps the other's membership ----
vtepctl_n h1 link add vtepa local 198.51.100.1
vtepctl_n h1 vni add 1 dev vtepa untagged group 239.1.1.1
ipn h1 link set vtepa up
check "vtepa joined 239.1.1.1 on dummy0" member dummy0 239.1.1.1

vtepctl_n h1 link add vtepb local 198.51.100.1
for i in $(seq 2 21); do
	nq h1 "$VTEPCTL" vni add "$i" dev vtepb vlan "$i" group 239.1.1.1
done
vtepctl_n h1 vni add 30 dev vtepb vlan 30 group 239.2.2.2
check "vtepb cannot open: 239.2.2.2 has no route" \
	bash -c "! ip -n ${P}h1 link set vtepb up"
check "vtepa is still a member of 239.1.1.1" member dummy0 239.1.1.1
ipn h1 link set vtepa down
check "once vtepa is down, nobody is" bash -c "! ip -n ${P}h1 maddr show dev dummy0 | grep -qw 239.1.1.1"
ipn h1 link del vtepb

# ---- defect 5: a failed join changes nothing ----
vtepctl_n h1 link add vtepc local 198.51.100.1
vtepctl_n h1 vni add 40 dev vtepc vlan 40 group 239.1.1.1
ipn h1 link set vtepc up
check "a VNI change whose group join fails is refused" \
	bash -c "! $VTEPCTL -n ${P}h1 vni set 40 dev vtepc vlan 41 group 239.2.2.2"
check "and the VNI keeps its VLAN" \
	bash -c "$VTEPCTL -n ${P}h1 vni show 40 dev vtepc | grep -qw 'vlan 40'"
check "and its group" \
	bash -c "$VTEPCTL -n ${P}h1 vni show 40 dev vtepc | grep -qw 239.1.1.1"
check "VLAN 41 is free for another VNI" \
	nq h1 "$VTEPCTL" vni add 41 dev vtepc vlan 41
check "a new VNI whose group join fails is not created" \
	bash -c "! $VTEPCTL -n ${P}h1 vni add 42 dev vtepc vlan 42 group 239.2.2.2"
check "VNI 42 does not exist" \
	bash -c "! $VTEPCTL -n ${P}h1 vni show 42 dev vtepc 2>/dev/null | grep -q 42"
ipn h1 link del vtepc

# ---- defect 1: the leave names the device the join resolved ----
# down_in NAME CMD...: CMD (which takes RTNL) ends within 10 s; if it does
# not, RTNL is deadlocked: nothing can be cleaned up, stop here.
down_in() {
	local name=$1 pid i
	shift
	"$@" &
	pid=$!
	for ((i = 0; i < 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			ok "$name"
			return 0
		fi
		sleep 0.5
	done
	notok "$name: still running after 10 s, RTNL deadlocked"
	echo "1..$TAP_N"
	TAP_DONE=1
	exit 1
}

ipn h1 route add default via 198.51.100.254 dev dummy0
vtepctl_n h1 link add vtepd local 198.51.100.1
vtepctl_n h1 vni add 50 dev vtepd untagged group 239.3.3.3
ipn h1 link set vtepd up
check "vtepd joined 239.3.3.3 on dummy0 (the default route's)" member dummy0 239.3.3.3
ipn h1 route del default
down_in "with the route gone, vtepd goes down" ip -n "${P}h1" link set vtepd down
check "and left 239.3.3.3" bash -c "! ip -n ${P}h1 maddr show dev dummy0 | grep -qw 239.3.3.3"

vtepctl_n h1 vni del 50 dev vtepd
ipn h1 link set vtepd up
vtepctl_n h1 vni add 51 dev vtepd vlan 51 group 239.1.1.9
check "vtepd joined 239.1.1.9 on dummy0" member dummy0 239.1.1.9
ipn h1 route add 239.0.0.0/8 dev dummy1
ipn h1 route del 239.1.1.0/24 dev dummy0
down_in "with 239/8 through dummy1, vtepd is deleted" ip -n "${P}h1" link del vtepd
check "and left 239.1.1.9 on dummy0" bash -c "! ip -n ${P}h1 maddr show dev dummy0 | grep -qw 239.1.1.9"

topo_done
