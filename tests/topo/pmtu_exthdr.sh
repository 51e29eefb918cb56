#!/bin/bash
# The packet-too-big answer is never sent about an ICMPv6 error, even one
# behind IPv6 extension headers (issue 12, defect 12: the check looked at
# the first next-header only). An ICMPv6 echo behind the same header still
# gets its answer.
#
#   ┌ v1 2001:db8:100::1 ┐                ┌ v2 2001:db8:100::2 ┐
#   └─ h1: br0 ─ vtep0 ──┘── sw ──────────└── h2: br0 ─ vtep0 ─┘
#      192.0.2.1, route to h2 mtu 1400, df set
. "$(dirname "$0")/lib.sh"

frames_need "$PCAPSEND" "$FRAMES/pmtu-error.pcap" "$FRAMES/pmtu-echo.pcap"
topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1 2001:db8:100::1
vm_add h2 v2 02:00:00:00:02:02 203.0.113.2 2001:db8:100::2
for i in 1 2; do
	vtep_add h$i 192.0.2.$i df set
	vtepctl_n h$i vni add 100 dev vtep0 untagged
done
vtepctl_n h1 fdb add 02:00:00:00:02:02 vni 100 dst 192.0.2.2 dev vtep0
ipn h1 route replace 192.0.2.2/32 dev eth0 mtu lock 1400

# The frames (tests/frames/mkframes.py): v1 to v2, 1330 bytes of payload
# behind a destination options header, an ICMPv6 error (destination
# unreachable) and an echo request. v1's eth0 is captured across both; a
# packet too big quotes the packet it is about, whose ICMPv6 type is then
# at ip6[96] (40 + 8 of the quoting ICMPv6 header + 40 + 8 of the option
# header): 128 for the echo. Every packet too big that is not about the
# echo is about the error.
ip netns exec "${P}v1" tcpdump --immediate-mode -nUi eth0 -w "$TMP/v1.pcap" icmp6 >/dev/null 2>"$TMP/v1.err" &
dump_pid=$!
poll 400 "file_has $TMP/v1.err 'listening on'"
# ptbs [QUOTED_TYPE]: packets too big v1 received (about that ICMPv6 type)
ptbs() {
	tcpdump -r "$TMP/v1.pcap" -n "icmp6 and ip6[40] == 2${1:+ and ip6[96] == $1}" 2>/dev/null |
		grep -c . || true
}

pcap_send v1 eth0 "$FRAMES/pmtu-error.pcap"
wait_for 20 'test "$(stat h1 vtep0 drop_too_big)" -ge 1'
drops_error=$(stat h1 vtep0 drop_too_big)
# The echo after the error: its packet too big comes after any about the
# error, so once it is there, the count is complete.
pcap_send v1 eth0 "$FRAMES/pmtu-echo.pcap"
wait_for 20 'test "$(stat h1 vtep0 drop_too_big)" -ge 2'
poll 200 'test "$(ptbs 128)" -ge 1' || true
kill "$dump_pid"
wait "$dump_pid" || true
ptb_all=$(ptbs) ptb_echo=$(ptbs 128)
diag "packets too big: $ptb_all, about the echo: $ptb_echo"

check "an ICMPv6 error behind a destination options header, too big: dropped" \
	test "$((ptb_all - ptb_echo))" -eq 0
check "and counted" test "$drops_error" -eq 1
check "an ICMPv6 echo behind the same header, too big: answered" \
	test "$ptb_echo" -eq 1

topo_done
