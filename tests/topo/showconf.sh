#!/bin/bash
# vtepctl showconf (issue 29 item 3): the -batch file that recreates a
# device. h1's vtep0 is configured with non-default link options (two local
# addresses, source ports, ttl, tos, df, ageing, every limit, ...), three
# VNIs (untagged; VLAN 20 with a group, flood off, suppress, peers known;
# VLAN 30), remotes, peers, an alias, static FDB entries and neighbours; a
# ping to the kernel's vxlan on h3 makes it learn a3's MAC. showconf must
# leave that learned entry out and sort each table (the kernel dumps
# them in hash order, which differs after the round trip); the device deleted and the file applied
# with -batch, showconf must print the same file again, each show must
# say what was configured, and a1 must reach a3 again. showconf of a
# missing device fails with status 2 and prints nothing; -j is refused
# with status 1.
#
#   ┌ a1 203.0.113.1 ┐                   ┌ a3 203.0.113.3 ┐
#   └ h1: br0 ─ vtep0 192.0.2.1, .11 ─ sw ─ h3: br0 ─ vx100 (kernel vxlan) ┘
. "$(dirname "$0")/lib.sh"

A1=02:00:00:00:01:01 A3=02:00:00:00:03:01
topo_switch
host_add h1 192.0.2.1
host_add h3 192.0.2.3
ipn h1 addr add 192.0.2.11/24 dev eth0
vm_add h1 a1 $A1 203.0.113.1
vm_add h3 a3 $A3 203.0.113.3
vxlan_add h3 192.0.2.3 100
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.1

vtep_add h1 192.0.2.1 local 192.0.2.11 srcport 40000 40100 ttl 32 \
	tos 0x10 df set ageing 1000 max-fdb 500 max-learned 300 \
	max-learned-dev 400 max-peers 1000 max-remotes 50 udpcsum on \
	move-notice on resteer on flowlet-gap 800 sample 128 \
	elephant-rate 2000000
ipb_vtepctl() { nq h1 "$VTEPCTL" -batch -; }
check "the tables load" ipb_vtepctl <<'EOF'
vni add 100 dev vtep0 untagged
vni add 200 dev vtep0 vlan 20 group 239.1.1.2 flood off suppress on peers known
vni add 300 dev vtep0 vlan 30
remote add 192.0.2.3 vni 100 dev vtep0
remote add 198.51.100.7 vni 200 dev vtep0
remote add 198.51.100.8 vni 200 dev vtep0
peer add 203.0.113.0/24 vni 200 dev vtep0
peer add 198.51.100.9 vni 200 dev vtep0
alias add 198.51.100.17 to 198.51.100.7 dev vtep0
fdb add 02:00:00:00:00:61 vni 100 dst 198.51.100.61 dev vtep0
fdb add 02:00:00:00:00:62 vni 200 dst 198.51.100.62 dev vtep0
fdb add 02:00:00:00:00:63 vni 300 dst 198.51.100.7 dev vtep0
neigh add 203.0.113.50 lladdr 02:00:00:00:00:50 vni 200 dev vtep0
neigh add 2001:db8::50 lladdr 02:00:00:00:00:51 vni 200 dev vtep0
EOF

check "a1 reaches a3 through the kernel's vxlan" ping_ok a1 203.0.113.3
check "vtep0 learned a3's MAC" wait_for 10 \
	"nq h1 $VTEPCTL fdb show dev vtep0 learned | grep -q $A3"

# state: what each show says, one line per object, sorted
state() {
	local j="nq h1 $VTEPCTL -j"
	$j link show vtep0 | jq -r '.[0] | [(.local // .local6), (.locals // [] | join(",")),
		.port, .link, .ttl, .tos, .df, .learning, .ageing, .limit,
		.max_learned, .max_learned_dev, .max_peers, .max_remotes,
		.port_range.low, .port_range.high, .udp_csum, .move_notice,
		.resteer, .flowlet_gap, .sample, .elephant_rate] |
		map(tostring) | "link " + join(" ")'
	$j vni show dev vtep0 | jq -r '.[] |
		"vni \(.vni) \(.vlan) \(.untagged) \(.group) \(.flood) \(.peers) \(.suppress)"' | sort
	$j remote show dev vtep0 | jq -r '.[] | "remote \(.dst) \(.vni)"' | sort
	$j peer show vni 200 dev vtep0 | jq -r '.[] | "peer \(.prefix) \(.vni)"' | sort
	$j alias show dev vtep0 | jq -r '.[] | "alias \(.addr) \(.peer)"' | sort
	$j fdb show dev vtep0 static | jq -r '.[] | "fdb \(.mac) \(.vni) \(.dst)"' | sort
	$j neigh show dev vtep0 | jq -r '.[] | "neigh \(.dst) \(.lladdr) \(.vni)"' | sort
}
cat >"$TMP/want" <<'EOF'
link 192.0.2.1 192.0.2.1,192.0.2.11 4789 eth0 32 0x10 set true 1000 500 300 400 1000 50 40000 40100 true true true 800 128 2000000
vni 100 null true null true any false
vni 200 20 false 239.1.1.2 false known true
vni 300 30 false null true any false
remote 192.0.2.3 100
remote 198.51.100.7 200
remote 198.51.100.8 200
peer 198.51.100.9/32 200
peer 203.0.113.0/24 200
alias 198.51.100.17 198.51.100.7
fdb 02:00:00:00:00:61 100 198.51.100.61
fdb 02:00:00:00:00:62 200 198.51.100.62
fdb 02:00:00:00:00:63 300 198.51.100.7
neigh 2001:db8::50 02:00:00:00:00:51 200
neigh 203.0.113.50 02:00:00:00:00:50 200
EOF
state >"$TMP/state1"
check "the shows say what was configured" diff -u "$TMP/want" "$TMP/state1"

check "showconf dev vtep0 runs" \
	bash -c "$VTEPCTL -n ${P}h1 showconf dev vtep0 >$TMP/conf1"
sed 's/^/#   /' "$TMP/conf1"
check "showconf starts with link add, then the VNIs" bash -c "
	head -n 1 $TMP/conf1 | grep -q '^link add vtep0 local 192.0.2.1 local 192.0.2.11 ' &&
	sed -n 2,4p $TMP/conf1 | grep -c '^vni add ' | grep -qx 3"
check "showconf has every line configured (14 and the link)" \
	test "$(wc -l <"$TMP/conf1")" = 15
check "showconf leaves the learned entry out" bash -c "! grep -qi $A3 $TMP/conf1"
check "showconf without dev prints the same for the only device" bash -c "
	$VTEPCTL -n ${P}h1 showconf | cmp - $TMP/conf1"

# the round trip
vtepctl_n h1 link del vtep0
check "vtep0 is gone" bash -c "! $VTEPCTL -n ${P}h1 link show vtep0"
check "the file applies with -batch" nq h1 "$VTEPCTL" -batch "$TMP/conf1"
ipn h1 link set vtep0 master br0 up
check "showconf prints the same file again" bash -c "
	$VTEPCTL -n ${P}h1 showconf dev vtep0 | diff -u $TMP/conf1 -"
state >"$TMP/state2"
check "the shows say what was configured after the round trip" \
	diff -u "$TMP/want" "$TMP/state2"
check "a1 reaches a3 again after the round trip" ping_ok a1 203.0.113.3

# failures print nothing
rc=0
nq h1 "$VTEPCTL" showconf dev vtep9 >"$TMP/missing.out" 2>"$TMP/missing.err" || rc=$?
diag "showconf dev vtep9: status $rc, $(cat "$TMP/missing.err")"
check "showconf of a missing device fails with status 2" test "$rc" = 2
check "... and prints nothing" test ! -s "$TMP/missing.out"
rc=0
nq h1 "$VTEPCTL" -j showconf dev vtep0 >"$TMP/json.out" 2>"$TMP/json.err" || rc=$?
diag "-j showconf: status $rc, $(cat "$TMP/json.err")"
check "showconf with -j is refused with status 1" test "$rc" = 1
check "... and prints nothing" test ! -s "$TMP/json.out"

topo_done
