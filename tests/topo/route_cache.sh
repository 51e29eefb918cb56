#!/bin/bash
# The route cache forgets what the device's settings no longer allow: after
# h1's vtep0 is brought down, given another local address and brought up,
# its known-unicast frames leave with the new outer source (h2 learns v1
# behind it), not the one cached before; and a cached route does not
# outlive a route change (a blackhole route to h2 stops traffic, counted as
# drop_no_route, and its removal lets it through again).
#
#   ┌ v1 ──────────┐                 ┌ v2 ──────────┐
#   │ 203.0.113.1  │                 │ 203.0.113.2  │
#   └──────┬───────┘                 └──────┬───────┘
#   ┌ h1 ──┴───────────────┐         ┌ h2 ──┴───────┐
#   │ br0 ─ vtep0          │         │ br0 ─ vtep0  │
#   │ 192.0.2.1, .11 (eth0)│         │ 192.0.2.2    │
#   └──────┬───────────────┘         └──────┬───────┘
#   ┌ sw ──┴────────────────────────────────┴───────┐
#   └───────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

M1=02:00:00:00:01:01 M2=02:00:00:00:02:02

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
ipn h1 addr add 192.0.2.11/24 dev eth0
vm_add h1 v1 $M1 203.0.113.1
vm_add h2 v2 $M2 203.0.113.2
vtep_add h1 192.0.2.1
vtep_add h2 192.0.2.2
vtepctl_n h1 vni add 100 dev vtep0 untagged
vtepctl_n h2 vni add 100 dev vtep0 untagged
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0

check "v1 reaches v2" ping_ok v1 203.0.113.2
check "h2 learned v1 behind 192.0.2.1" test "$(fdb_dst h2 vtep0 100 $M1)" = 192.0.2.1
check "h1 learned v2 behind 192.0.2.2" test "$(fdb_dst h1 vtep0 100 $M2)" = 192.0.2.2

# Known unicast from h1 now rides the cached route to 192.0.2.2.
ipn h1 link set vtep0 down
vtepctl_n h1 link set vtep0 local 192.0.2.11
ipn h1 link set vtep0 up
# h2 floods to h1's old address (its replication list): let it know the new.
vtepctl_n h2 remote add 192.0.2.11 vni 100 dev vtep0
check "v1 reaches v2 after h1's local address changed" ping_ok v1 203.0.113.2
check "h2 learned v1 behind h1's new address" \
	wait_for 10 '[ "$(fdb_dst h2 vtep0 100 $M1)" = 192.0.2.11 ]'

# A route change invalidates the cached route.
before=$(stat h1 vtep0 drop_no_route)
ipn h1 route add blackhole 192.0.2.2/32
if nq v1 ping -q -c 3 -W 1 203.0.113.2 >/dev/null; then
	notok "a blackhole route to h2 stops v1's traffic"
else
	ok "a blackhole route to h2 stops v1's traffic"
fi
check "the stopped frames are counted as drop_no_route" \
	test "$(stat h1 vtep0 drop_no_route)" -gt "$before"
ipn h1 route del blackhole 192.0.2.2/32
check "v1 reaches v2 again once the route is gone" ping_ok v1 203.0.113.2

topo_done
