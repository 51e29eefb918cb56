#!/bin/bash
# An IPv6 underlay, with the kernel's vxlan as the third host: ping (inner
# IPv4 and IPv6) and TCP between all VMs, the default MTU (underlay minus
# 70), outer UDP checksums always on, and a path MTU too small for a frame
# answered with an ICMP error to the sender.
#
#   ┌ v1 ─────────────┐ ┌ v2 ─────────────┐ ┌ v3 ─────────────┐
#   │ 203.0.113.1     │ │ 203.0.113.2     │ │ 203.0.113.3     │
#   │ 2001:db8:100::1 │ │ 2001:db8:100::2 │ │ 2001:db8:100::3 │
#   └──────┬──────────┘ └──────┬──────────┘ └──────┬──────────┘
#   ┌ h1 ──┴──────────┐ ┌ h2 ──┴──────────┐ ┌ h3 ──┴──────────┐
#   │ br0 ─ vtep0     │ │ br0 ─ vtep0     │ │ br0 ─ vx100     │
#   │ 2001:db8::1     │ │ 2001:db8::2     │ │ 2001:db8::3     │
#   └──────┬──────────┘ └──────┬──────────┘ └──────┬──────────┘
#   ┌ sw ──┴───────────────────┴───────────────────┴──────────┐
#   └─────────────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

VM_MTU=1430
M1=02:00:00:00:01:01 M3=02:00:00:00:03:03

topo_switch
for i in 1 2 3; do
	host_add h$i 192.0.2.$i 2001:db8::$i
	vm_add h$i v$i 02:00:00:00:0$i:0$i 203.0.113.$i 2001:db8:100::$i
done
for i in 1 2; do
	vtep_add h$i 2001:db8::$i
	vtepctl_n h$i vni add 100 dev vtep0 untagged
	for j in 1 2 3; do
		[ $i = $j ] || vtepctl_n h$i remote add 2001:db8::$j vni 100 dev vtep0
	done
done
vxlan_add h3 2001:db8::3 100
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 2001:db8::1
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 2001:db8::2

check "our device's MTU is the underlay's minus 70" \
	bash -c "ip -n ${P}h1 link show vtep0 | grep -q 'mtu 1430 '"

# veth would hand checksums to the receiver unfinished: have them computed
# on our hosts, so the capture shows what a NIC would put on the wire.
for h in h1 h2; do
	n $h ethtool -K eth0 tx off >/dev/null
done
ip netns exec "${P}h3" tcpdump -i eth0 -n -U --immediate-mode -w "$TMP/h3.pcap" udp port 4789 2>"$TMP/tcpdump.err" &
TCPDUMP=$!
retry 20 grep -q listening "$TMP/tcpdump.err"
check "IPv4 ping from our VM to the kernel vxlan's VM" ping_ok v1 203.0.113.3
check "IPv4 ping from the kernel vxlan's VM to ours" ping_ok v3 203.0.113.1
check "IPv4 ping between VMs behind two of our VTEPs" ping_ok v1 203.0.113.2
check "IPv6 ping from our VM to the kernel vxlan's VM" ping_ok v1 2001:db8:100::3
check "IPv6 ping from the kernel vxlan's VM to ours" ping_ok v3 2001:db8:100::1
check "IPv6 ping between VMs behind two of our VTEPs" ping_ok v2 2001:db8:100::1
kill $TCPDUMP; wait $TCPDUMP || true

check "our FDB learned v3 behind 2001:db8::3" test "$(fdb_dst h1 vtep0 100 $M3)" = 2001:db8::3
check "the kernel vxlan learned v1 behind 2001:db8::1" \
	bash -c "bridge -n ${P}h3 fdb show dev vx100 | grep -i '$M1 dst 2001:db8::1'"

tshark -r "$TMP/h3.pcap" -n -d udp.port==4789,vxlan -o udp.check_checksum:TRUE \
	-Y 'ipv6.src == 2001:db8::1 && icmp' -T fields -E separator=' ' \
	-e vxlan.vni -e udp.checksum -e udp.checksum.status -e udp.srcport \
	>"$TMP/decode" 2>/dev/null || true
diag "tshark, our IPv6 packets (VNI, UDP checksum, its status, source port): $(head -n1 "$TMP/decode")"
check "tshark decodes our packets as VXLAN VNI 100 over IPv6" \
	awk 'BEGIN { n = 0 } $1 == 100 && $4 >= 32768 { n++ } END { exit n == 0 }' "$TMP/decode"
check "with a correct, non-zero outer UDP checksum" \
	awk 'BEGIN { n = 0 } { n++; if ($2 == "0x0000" || $3 != 1) bad = 1 } END { exit bad || n == 0 }' "$TMP/decode"

n v3 iperf3 -s -D -1 -B 2001:db8:100::3 --logfile "$TMP/iperf3-v3.log"
n v2 iperf3 -s -D -1 -B 203.0.113.2 --logfile "$TMP/iperf3-v2.log"
retry 20 bash -c "ip netns exec ${P}v3 ss -Htln | grep -q '2001:db8:100::3\]:5201'"
retry 20 bash -c "ip netns exec ${P}v2 ss -Htln | grep -q 203.0.113.2:5201"
check "iperf3 TCP over IPv6 (inner and outer) to the kernel vxlan's VM" \
	nq v1 iperf3 -c 2001:db8:100::3 -n 20M
check "iperf3 TCP between VMs behind our VTEPs" nq v1 iperf3 -c 203.0.113.2 -n 20M

# GRO over IPv6: v1 segments itself, h2's uplink coalesces (see interop_ipv4).
n v1 ethtool -K eth0 tso off gso off >/dev/null
n sw ethtool -K u-h2 tso off >/dev/null
n h2 ethtool -K eth0 gro off >/dev/null
n h2 ethtool -K eth0 gro on >/dev/null
n v2 iperf3 -s -D -1 -B 2001:db8:100::2 --logfile "$TMP/iperf3-v2b.log"
retry 20 bash -c "ip netns exec ${P}v2 ss -Htln | grep -q '2001:db8:100::2\]:5201'"
rx_before=$(stat h2 vtep0 rx_packets 100)
bytes_before=$(stat h2 vtep0 rx_bytes 100)
check "iperf3 TCP into a VTEP whose IPv6 uplink does GRO moves 20 MB" \
	nq v1 iperf3 -c 2001:db8:100::2 -n 20M
rx=$(($(stat h2 vtep0 rx_packets 100) - rx_before))
bytes=$(($(stat h2 vtep0 rx_bytes 100) - bytes_before))
diag "h2 delivered $rx inner frames, $((bytes / (rx ? rx : 1))) bytes on average"
check "GRO coalesced tunnel packets before decapsulation" \
	test $((bytes / (rx ? rx : 1))) -gt $((VM_MTU + 14))
n v1 ethtool -K eth0 tso on gso on >/dev/null

# A path MTU of 1400 towards h2: inner packets above 1330 no longer fit.
# IPv6 never fragments on the way, so the sender gets an ICMP error.
ipn h1 -6 route replace 2001:db8::2/128 dev eth0 mtu 1400
big_before=$(stat h1 vtep0 drop_too_big)
nq v1 ping -c 1 -W 2 -M do -s 1380 203.0.113.2 >/dev/null 2>&1 || true
check "a frame too big for the IPv6 path is dropped and counted" \
	test "$(stat h1 vtep0 drop_too_big)" -gt "$big_before"
check "the IPv4 sender learned the path MTU (1400 - 70) from our ICMP error" \
	wait_for 10 'ip -n ${P}v1 route get 203.0.113.2 | grep -q "mtu 1330"'
nq v1 ping -6 -c 1 -W 2 -s 1380 2001:db8:100::2 >/dev/null 2>&1 || true
check "the IPv6 sender learned it from our packet too big" \
	wait_for 10 'ip -n ${P}v1 -6 route get 2001:db8:100::2 | grep -q "mtu 1330"'
check "pings that fit go through" nq v1 ping -c 1 -W 2 -M do -s 1302 203.0.113.2

topo_done
