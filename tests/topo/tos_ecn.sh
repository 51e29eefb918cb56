#!/bin/bash
# The outer TOS against the kernel's vxlan's, the same inner packets through
# each: with "tos inherit" the outer DS field is the inner one, with a fixed
# TOS it is that TOS; either way the outer ECN field follows the inner one
# as RFC 6040 says (ECT(0) and ECT(1) copied, CE sent as ECT(0), not-ECT
# stays not-ECT), for IPv4 and IPv6 inner packets.
#
#   v1 ── h1 vtep0 (192.0.2.1) ─┐          ┌─ h3 vx100 (192.0.2.3) ── v3
#                               └── sw ────┘
#
# v1 pings v3 and v3 pings v1 with the same TOS (ping -Q): h1's vtep0
# encapsulates one direction, h3's vxlan the other; each capture is read
# once by tcpdump -v (outer and inner TOS of every echo request).
. "$(dirname "$0")/lib.sh"

topo_switch
host_add h1 192.0.2.1
host_add h3 192.0.2.3
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1 2001:db8::1
vm_add h3 v3 02:00:00:00:03:03 203.0.113.3 2001:db8::3
vtep_add h1 192.0.2.1
vtepctl_n h1 vni add 100 dev vtep0 untagged
vtepctl_n h1 remote add 192.0.2.3 vni 100 dev vtep0
vxlan_add h3 192.0.2.3 100 remote 192.0.2.1
check "v1 reaches v3 (vtep to vxlan)" ping_ok v1 203.0.113.3

# pairs NAME SRC: "OUTER INNER" TOS bytes of each echo request from SRC in
# NAME's capture (tcpdump -v prints the outer header's line, the VXLAN
# line, then the inner header's, unindented; IPv6's class as "class 0x..")
pairs() {
	tcpdump -v -nr "$TMP/$1.pcap" 2>/dev/null | awk -v src="$2" '
		/^[0-9].* IP \(tos 0x/ { match($0, /tos 0x[0-9a-f]+/); outer = substr($0, RSTART + 4, RLENGTH - 4); next }
		/^IP \(tos 0x/ { match($0, /tos 0x[0-9a-f]+/); inner = substr($0, RSTART + 4, RLENGTH - 4); next }
		/^IP6 \(/ { inner = "0x0"; if (match($0, /class 0x[0-9a-f]+/)) inner = substr($0, RSTART + 6, RLENGTH - 6) }
		index($0, src " > ") && /echo request/ { print outer, inner }' |
		while read -r o i; do printf '0x%02x 0x%02x\n' "$o" "$i"; done | sort -u
}
# probe NAME: with the devices' TOS as set, v1 and v3 each ping the other
# once with every inner TOS below, over IPv4 and IPv6; h1's capture holds
# both directions (vtep0's packets out, vxlan's in)
INNER="0x00 0x02 0x01 0x03 0xb8 0xba 0xb9 0xbb"
probe() {
	local t
	underlay_cap h1 192.0.2.3 "$1" bash -c "
		for t in $INNER; do
			ip netns exec ${P}v1 ping -q -c 1 -W 2 -Q \$t 203.0.113.3
			ip netns exec ${P}v3 ping -q -c 1 -W 2 -Q \$t 203.0.113.1
			ip netns exec ${P}v1 ping -q -c 1 -W 2 -Q \$t 2001:db8::3
			ip netns exec ${P}v3 ping -q -c 1 -W 2 -Q \$t 2001:db8::1
		done"
	pairs "$1" 203.0.113.1 >"$TMP/$1.vtep4"
	pairs "$1" 203.0.113.3 >"$TMP/$1.vxlan4"
	pairs "$1" 2001:db8::1 >"$TMP/$1.vtep6"
	pairs "$1" 2001:db8::3 >"$TMP/$1.vxlan6"
}
# want KIND: what RFC 6040 gives for each inner TOS: "OUTER INNER" lines,
# KIND "inherit" or a fixed TOS
want() {
	local t dsf ecn
	for t in $INNER; do
		if [ "$1" = inherit ]; then dsf=$((t & 0xfc)); else dsf=$(($1 & 0xfc)); fi
		ecn=$((t & 3))
		[ $ecn = 3 ] && ecn=2	# CE goes out as ECT(0)
		printf '0x%02x 0x%02x\n' $((dsf | ecn)) $((t))
	done | sort -u
}
# agree NAME KIND: vtep's outer TOS is RFC 6040's for every inner TOS, and
# vxlan's for the same inner packets, IPv4 and IPv6 inside
agree() {
	local v
	for v in 4 6; do
		same "$(cat "$TMP/$1.vtep$v")" "$(want "$2")" || { echo "vtep, IPv$v inside"; return 1; }
		same "$(cat "$TMP/$1.vtep$v")" "$(cat "$TMP/$1.vxlan$v")" || { echo "vtep against vxlan, IPv$v inside"; return 1; }
	done
}

n h1 "$VTEPCTL" link set vtep0 tos inherit
ipn h3 link set vx100 type vxlan tos inherit
probe inherit
diag "tos inherit, vtep's (outer inner): $(tr '\n' ' ' <"$TMP/inherit.vtep4")"
check "tos inherit: the outer DS field is the inner one, ECN per RFC 6040, as vxlan's (IPv4 and IPv6 inside)" \
	agree inherit inherit

n h1 "$VTEPCTL" link set vtep0 tos 0x20
ipn h3 link set vx100 type vxlan tos 0x20
probe fixed
diag "tos 0x20, vtep's (outer inner): $(tr '\n' ' ' <"$TMP/fixed.vtep4")"
check "tos 0x20: the outer DS field is 0x20, ECN per RFC 6040, as vxlan's (IPv4 and IPv6 inside)" \
	agree fixed 0x20

topo_done
