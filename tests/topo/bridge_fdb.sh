#!/bin/bash
# `bridge fdb` on a vtep (issue 29, point 4): the device's ndo_fdb_add, del
# and dump, so the tool an operator already knows from vxlan lists and
# edits vtep's table (kmod/fdb_ndo.c). Checked against vtepctl's view of
# the same table, and with traffic to the kernel's vxlan on h2, which
# reaches h1 only through a flood destination added with `bridge fdb
# append 00:00:00:00:00:00`.
#
#   ┌ h1 192.0.2.1 ────────────────┐   ┌ h2 192.0.2.2 ───────────┐
#   │ v1 ─ br0 ─ vtep0             │───│ vx100 (vxlan) ─ br0 ─ v2│
#   │   VNI 100 untagged, VNI 200  │   │ 203.0.113.2             │
#   │   on VLAN 20                 │   └─────────────────────────┘
#   └──────────────────────────────┘
. "$(dirname "$0")/lib.sh"

vtep_vs_vxlan
vtepctl_n h1 vni add 200 dev vtep0 vlan 20

# br NS ARGS...: `bridge fdb ARGS` in NS, its error output kept in $TMP/br.err
br() { nq "$1" bridge fdb "${@:2}" 2>"$TMP/br.err"; }
# dst_of VNI MAC: vtepctl's destination of the entry ("" if none)
dst_of() { fdb_dst h1 vtep0 "$1" "$2"; }
# self VNI MAC: `bridge -j fdb show`'s entry of vtep0 itself, as JSON
self() {
	nq h1 bridge -j fdb show dev vtep0 |
		jq -c --arg m "$2" --argjson v "$1" \
			'[.[] | select(.mac == $m and .vni == $v and ((.flags // []) | index("self")))][0] // empty'
}
refused() { ! br "$@" && grep -q "Error" "$TMP/br.err"; }

check "bridge fdb add with a VNI: vtepctl shows it, static, at its dst" \
	br h1 add 02:00:00:00:0a:01 dev vtep0 dst 192.0.2.7 vni 100 self
check "  ... pointing at 192.0.2.7" test "$(dst_of 100 02:00:00:00:0a:01)" = 192.0.2.7
check "  ... and static" test "$(vjq h1 '.[] | select(.mac == "02:00:00:00:0a:01") | .state' fdb show dev vtep0 vni 100)" = permanent
check "bridge fdb add with no VNI takes the untagged one (100)" \
	br h1 add 02:00:00:00:0a:02 dev vtep0 dst 192.0.2.8
check "  ... vtepctl has it in VNI 100" test "$(dst_of 100 02:00:00:00:0a:02)" = 192.0.2.8
check "bridge fdb add with vlan 20 takes that VLAN's VNI (200)" \
	br h1 add 02:00:00:00:0a:03 dev vtep0 dst 192.0.2.9 vlan 20
check "  ... vtepctl has it in VNI 200" test "$(dst_of 200 02:00:00:00:0a:03)" = 192.0.2.9
check "bridge fdb replace repoints an entry" \
	br h1 replace 02:00:00:00:0a:01 dev vtep0 dst 192.0.2.10 vni 100
check "  ... vtepctl sees the new dst" test "$(dst_of 100 02:00:00:00:0a:01)" = 192.0.2.10
check "an entry vtepctl added shows in bridge fdb show, permanent, with its dst and VNI" \
	vtepctl_n h1 fdb add 02:00:00:00:0a:04 vni 200 dst 192.0.2.11 dev vtep0
e=$(self 200 02:00:00:00:0a:04)
diag "bridge -j fdb show: $e"
check "  ... $e" test "$(echo "$e" | jq -r '[.dst, .state] | join(" ")')" = "192.0.2.11 permanent"

# Refused, each with the kernel's reason
check "a dst of the other family is refused" \
	refused h1 add 02:00:00:00:0b:01 dev vtep0 dst 2001:db8::1 vni 100
check "a VNI the device lacks is refused" \
	refused h1 add 02:00:00:00:0b:01 dev vtep0 dst 192.0.2.7 vni 999
check "a port other than the device's is refused" \
	refused h1 add 02:00:00:00:0b:01 dev vtep0 dst 192.0.2.7 vni 100 port 4790
check "a dynamic entry is refused (entries made by hand are static)" \
	refused h1 add 02:00:00:00:0b:01 dev vtep0 dst 192.0.2.7 vni 100 dynamic
check "a second destination for a unicast MAC is refused" \
	refused h1 append 02:00:00:00:0a:01 dev vtep0 dst 192.0.2.12 vni 100
check "an add of an existing MAC is refused (exists)" \
	refused h1 add 02:00:00:00:0a:01 dev vtep0 dst 192.0.2.12 vni 100
check "nothing refused was added" \
	test "$(vjq h1 'length' fdb show dev vtep0)" = 4

# Flood destinations, as vxlan has them: the all-zero MAC
check "bridge fdb append 00:00:00:00:00:00 adds a remote of the VNI" \
	br h1 append 00:00:00:00:00:00 dev vtep0 dst 192.0.2.2 vni 100
check "  ... vtepctl lists the remote" \
	test "$(vjq h1 '[.[] | select(.vni == 100) | .dst] | join(" ")' remote show dev vtep0)" = 192.0.2.2
check "  ... bridge fdb show lists it as vxlan does (MAC all-zero)" \
	test -n "$(self 100 00:00:00:00:00:00)"
check "v1 reaches v2 behind the kernel's vxlan through that remote" ping_ok v1 203.0.113.2
# v2's MAC, learned from h2's frames: listed, not permanent
e=$(self 100 02:00:00:00:02:02)
check "a learned entry shows in bridge fdb show, not permanent: $e" \
	test "$(echo "$e" | jq -r '[.dst, (.state // "")] | join(" ")')" = "192.0.2.2 "

# Deletes
check "bridge fdb del removes an entry" br h1 del 02:00:00:00:0a:02 dev vtep0 vni 100
check "  ... vtepctl no longer has it" test -z "$(dst_of 100 02:00:00:00:0a:02)"
check "bridge fdb del with a dst that does not match is refused" \
	refused h1 del 02:00:00:00:0a:03 dev vtep0 dst 192.0.2.99 vlan 20
check "bridge fdb del of the remote (all-zero MAC) removes it" \
	br h1 del 00:00:00:00:00:00 dev vtep0 dst 192.0.2.2 vni 100
check "  ... vtepctl lists no remote" test "$(vjq h1 'length' remote show dev vtep0)" = 0

# Who may: reading tenants' entries needs CAP_NET_ADMIN, as vtepctl's reads
fails() { ! "$@"; }
nobody() { nq h1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
check "an unprivileged user's bridge fdb show lists none of vtep0's own entries" \
	test "$(nobody bridge -j fdb show dev vtep0 | jq '[.[] | select((.flags // []) | index("self"))] | length')" = 0
check "an unprivileged user's bridge fdb add is refused" \
	fails nobody bridge fdb add 02:00:00:00:0c:01 dev vtep0 dst 192.0.2.7 vni 100
check "root's still lists them" test -n "$(self 200 02:00:00:00:0a:04)"

topo_done
