#!/bin/bash
# Received frames crafted on the host (tests/frames/mkframes.py, issue 12,
# defects 9 and 10): ECN
# decapsulation (RFC 6040) finds the inner IP header behind a VLAN tag and
# writes nothing else; frames whose inner source MAC is a group, broadcast
# or all-zero address are dropped and counted, never delivered.
#
#   ┌ h2 ────────────────┐            ┌ h1 ─────────────────────────┐
#   │ pcap: VXLAN 100    │──── sw ────│ vtep0 192.0.2.1, VNI 100    │
#   │ 192.0.2.2          │            │ untagged (inner tags kept)  │
#   └────────────────────┘            └─────────────────────────────┘
. "$(dirname "$0")/lib.sh"

frames_need "$PCAPSEND" "$FRAMES/rx_inner.pcap"
topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
# the MACs the frames were made with
ipn h1 link set eth0 address 02:00:00:00:e0:01
ipn h2 link set eth0 address 02:00:00:00:e0:02
vtepctl_n h1 link add vtep0 local 192.0.2.1 underlay eth0 learning off
vtepctl_n h1 vni add 100 dev vtep0 untagged
ipn h1 link set vtep0 up

# rx_inner.pcap, from h2 to vtep0, each frame named by its inner UDP port:
#   1001 ECT(0) IPv4 behind VLAN 5, outer CE  1002 the same not-ECT
#   1003 ECT(0) IPv4 untagged, outer CE       1004 ECT(0) IPv6 behind 6, 5
#   1005-1007 inner source MAC multicast, broadcast, zero  1008 a good one
# What vtep0 delivers is decoded by tcpdump as it comes (-e: the tags, -v:
# ECN and a bad IPv4 header checksum) into rx.txt.
cap_start h1 rx vtep0 -ev
pcap_send h2 eth0 "$FRAMES/rx_inner.pcap"
# Every frame reached the module (one rx outcome each), and the capture
# holds as many as were delivered: nothing left in flight.
OUTCOMES="rx_packets drop_bad_flags drop_bad_reserved drop_too_short drop_unknown_vni
	drop_bad_inner drop_loop drop_rx_error drop_bad_src_mac"
wait_for 20 'test "$(stat_sum h1 vtep0 $OUTCOMES)" -ge 8' ||
	diag "not every frame reached the module: $(stat_sum h1 vtep0 $OUTCOMES) of 8"
# (one line a delivery: the IPv4 ones are continued on a second)
delivered() { grep -c '^[0-9a-f][0-9a-f]:' "$TMP/rx.txt" || true; }
wait_for 20 'test "$(delivered)" -ge "$(stat h1 vtep0 rx_packets)"' ||
	diag "capture: $(delivered) of $(stat h1 vtep0 rx_packets) delivered frames"
kill "${CAP_PID[rx]}"
wait "${CAP_PID[rx]}" || true

# inner PORT: "TAGS ECN CSUM" of each delivered frame to inner UDP port
# PORT: its VLAN tags outer first (comma-separated, "-" if none), its ECN
# bits, whether its IPv4 header checksum is right (IPv6: always 1); "none"
# if vtep0 delivered none
inner() {
	local port=$1 line pkt=() l rest tags ecn good out=()
	while IFS= read -r l; do
		if [[ $l == [0-9a-f][0-9a-f]:* ]]; then pkt+=("$l"); else pkt[-1]+=" $l"; fi
	done <"$TMP/rx.txt"
	for line in "${pkt[@]}"; do
		[[ $line =~ (203\.0\.113\.1|2001:db8::1)\.$port: ]] || continue
		tags="" rest=$line
		while [[ $rest =~ vlan\ ([0-9]+),(.*) ]]; do
			tags+=${tags:+,}${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]}
		done
		ecn=0
		[[ $line =~ (tos|class)\ 0x([0-9a-f]+) ]] && ecn=$((16#${BASH_REMATCH[2]} & 3))
		good=1
		[[ $line == *"bad cksum"* ]] && good=0
		out+=("${tags:--} $ecn $good")
	done
	[ ${#out[@]} -gt 0 ] || out=(none)
	printf '%s\n' "${out[@]}"
}
# inner_is PORT WANT: what inner PORT says is exactly WANT
inner_is() {
	local got
	got=$(inner "$1")
	echo "# $1: want $2, got $got"
	test "$got" = "$2"
}

src_macs_filtered() {
	inner_is 1005 none && inner_is 1006 none && inner_is 1007 none && inner_is 1008 "- 0 1"
}

check "CE reaches an ECT inner IPv4 packet behind a VLAN tag; the tag and the checksum are intact" \
	inner_is 1001 "5 3 1"
check "CE reaches an ECT inner IPv4 packet without a tag" \
	inner_is 1003 "- 3 1"
check "CE reaches an ECT inner IPv6 packet behind two tags" \
	inner_is 1004 "6,5 3 1"
check "a not-ECT inner packet behind a tag with CE outside is dropped" \
	inner_is 1002 none
check "and counted as bad inner" test "$(stat h1 vtep0 drop_bad_inner)" -eq 1
check "group, broadcast and zero inner source MACs are not delivered" \
	src_macs_filtered
check "they are counted in drop_bad_src_mac" test "$(stat h1 vtep0 drop_bad_src_mac)" -eq 3
check "and the device delivered exactly the 4 good frames" test "$(stat h1 vtep0 rx_packets)" -eq 4

topo_done
