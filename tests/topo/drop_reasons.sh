#!/bin/bash
# Drop reasons (issue 29, point 2): every frame vtep drops is freed with the
# kernel's nearest skb drop reason, so that the skb:kfree_skb tracepoint
# (perf trace, dropwatch, pwru, retis) says why it died, and it is counted
# in its own counter and in the device's rx_dropped/tx_dropped. Before,
# every drop was a plain kfree_skb (reason NOT_SPECIFIED), and rx_dropped
# left out the peer-refused and bad-source-MAC drops.
#
# The tracepoint is read through a hist trigger keyed by the freeing
# function and the reason: for each kind of drop made below, the number of
# frames vtep freed with the expected reason equals the growth of its
# counter. Debian's 6.12 has the VXLAN reasons vxlan uses; 6.1 only the
# core set, so there some drops are NOT_SPECIFIED (the counter names them).
#
#   ┌ h2 192.0.2.2 ───────────┐   ┌ h1 192.0.2.1 ───────────────────────┐
#   │ raw datagrams to 4789   │───│ vtep0: VNI 100 untagged, remotes    │
#   │ (bash /dev/udp)         │   │   192.0.2.2 and 198.51.100.9 (no   │
#   └─────────────────────────┘   │   route); VNI 200 vlan 20, peers   │
#                                 │   known (none)        v1 ─ br0     │
#                                 └────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
[ -e $T/events ] || mount -t tracefs nodev $T 2>/dev/null || true
EV=$T/events/skb/kfree_skb
if ! [ -e $EV/trigger ]; then
	skip "drop reasons" "no skb:kfree_skb tracepoint (tracefs) in this kernel"
	topo_done
fi

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1
vtep_add h1 192.0.2.1
vtepctl_n h1 vni add 100 dev vtep0 untagged
vtepctl_n h1 vni add 200 dev vtep0 vlan 20 peers known
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h1 remote add 198.51.100.9 vni 100 dev vtep0

# reason NAME: the number the kernel gives the drop reason NAME (from the
# tracepoint's format, where __print_symbolic lists { number, "NAME" })
reason() {
	grep -o "{ *[0-9]*, *\"$1\" *}" $EV/format | head -n1 | tr -dc '0-9,' | cut -d, -f1
}
if grep -q '"VXLAN_INVALID_HDR"' $EV/format; then
	VX=1
	diag "this kernel has the VXLAN drop reasons"
else
	VX=
	diag "this kernel has the core drop reasons only"
fi
# want VXLAN_REASON CORE_REASON: the reason expected on this kernel
want() { if [ -n "$VX" ]; then echo "$1"; else echo "$2"; fi; }

echo 'hist:keys=location.sym,reason:vals=hitcount:sort=hitcount' >$EV/trigger
# freed NAME: frames vtep's code (vtep_* functions) freed with reason NAME
freed() {
	local r
	r=$(reason "$1")
	[ -n "$r" ] || { echo 0; return; }
	awk -v r="$r" '/vtep/ && match($0, /reason: *[0-9]+/) {
			v = substr($0, RSTART, RLENGTH); sub(/reason: */, "", v)
			if (v == r && match($0, /hitcount: *[0-9]+/)) {
				h = substr($0, RSTART, RLENGTH); sub(/hitcount: */, "", h); n += h
			}
		} END { print n + 0 }' $EV/hist
}

# send_raw HEX: one datagram, its payload given in hex, from h2 to vtep0
send_raw() {
	local esc
	esc=$(echo "$1" | sed 's/../\\x&/g')
	nq h2 bash -c "printf '$esc' >/dev/udp/192.0.2.1/4789"
}
# An ARP request inside (broadcast, from SRC_MAC as 12 hex digits)
arp() {
	echo "ffffffffffff${1}08060001080006040001${1}c0000202000000000000cb007164000000000000000000000000000000000000"
}
HDR100=0800000000006400
HDR200=080000000000c800

# expect NAME COUNTER REASON CMD...: CMD makes drops counted in COUNTER;
# vtep freed as many frames with REASON, at least one
# A drop is counted before its frame is freed, and some go on after CMD
# returns (the kernel's ARP retries a failed resolution for a while): the
# two are read until they agree, at most 10 s, then judged.
expect() {
	local name=$1 ctr=$2 why=$3 c0 f0
	shift 3
	c0=$(stat h1 vtep0 "$ctr")
	f0=$(freed "$why")
	"$@" || true
	agree() {
		C1=$(stat h1 vtep0 "$ctr")
		F1=$(freed "$why")
		[ $((C1 - c0)) -ge 1 ] && [ $((F1 - f0)) -eq $((C1 - c0)) ]
	}
	poll_for 10 agree || true
	check "$name: $((C1 - c0)) counted in $ctr, $((F1 - f0)) freed by vtep with reason $why" \
		test $((C1 - c0)) -ge 1 -a $((F1 - f0)) -eq $((C1 - c0))
}

three() { local i; for i in 1 2 3; do "$@"; done; }

expect "a datagram shorter than the VXLAN header" drop_too_short PKT_TOO_SMALL \
	three send_raw 08000000
expect "a header with the I flag clear" drop_bad_flags "$(want VXLAN_INVALID_HDR UNHANDLED_PROTO)" \
	three send_raw "0000000000006400$(arp 020000009901)"
expect "a reserved field set" drop_bad_reserved "$(want VXLAN_INVALID_HDR UNHANDLED_PROTO)" \
	three send_raw "0800000000006401$(arp 020000009901)"
expect "a VNI not configured" drop_unknown_vni "$(want VXLAN_VNI_NOT_FOUND NOT_SPECIFIED)" \
	three send_raw "080000000003e700$(arp 020000009901)"
expect "an inner source MAC that is multicast" drop_bad_src_mac "$(want MAC_INVALID_SOURCE NOT_SPECIFIED)" \
	three send_raw "$HDR100$(arp 01005e000001)"
expect "a sender not a known peer of the VNI" drop_peer NOT_SPECIFIED \
	three send_raw "$HDR200$(arp 020000009902)"
# A flood from v1 (its ARP for an address no one has) goes to both
# remotes: the copy for 198.51.100.9 has no route.
expect "a remote with no route" drop_no_route IP_OUTNOROUTES \
	nq v1 ping -q -c 3 -i 0.2 -W 1 203.0.113.99

# rx_dropped holds every receive drop of a frame, the refused peer and the
# bad source MAC among them (ip -s link, what dashboards read)
rxd=$(nq h1 ip -j -s link show vtep0 | jq '.[0].stats64.rx.dropped')
sum=$(stat_sum h1 vtep0 drop_unknown_vni drop_bad_inner drop_loop drop_rx_error \
	drop_bad_src_mac drop_peer)
check "rx_dropped ($rxd) counts every receive drop of a frame ($sum), peer and source MAC included" \
	test "$rxd" = "$sum" -a "$(stat h1 vtep0 drop_peer)" -ge 3
txd=$(nq h1 ip -j -s link show vtep0 | jq '.[0].stats64.tx.dropped')
sum=$(stat_sum h1 vtep0 drop_no_vni drop_no_route drop_too_big drop_flood_off \
	drop_no_dest drop_tx_error)
check "tx_dropped ($txd) counts every transmit drop ($sum)" test "$txd" = "$sum" -a "$sum" -ge 1
rxe=$(nq h1 ip -j -s link show vtep0 | jq '.[0].stats64.rx.errors')
sum=$(stat_sum h1 vtep0 drop_bad_flags drop_bad_reserved drop_too_short)
check "rx_errors ($rxe) counts the malformed headers ($sum)" test "$rxe" = "$sum" -a "$sum" -ge 9

echo '!hist:keys=location.sym,reason:vals=hitcount:sort=hitcount' >$EV/trigger || true
topo_done
