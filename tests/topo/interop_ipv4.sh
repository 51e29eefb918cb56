#!/bin/bash
# Interoperability with the kernel's vxlan over an IPv4 underlay, without
# multicast: head-end replication on both sides (`vtepctl remote add` on
# ours, `bridge fdb append 00:00:00:00:00:00 dst` on the kernel's).
#
#   ┌ v1 ──────────┐ ┌ v2 ──────────┐ ┌ v3 ──────────┐    "VMs"
#   │ 203.0.113.1  │ │ 203.0.113.2  │ │ 203.0.113.3  │
#   └──────┬───────┘ └──────┬───────┘ └──────┬───────┘
#   ┌ h1 ──┴───────┐ ┌ h2 ──┴───────┐ ┌ h3 ──┴───────┐    hypervisors
#   │ br0 ─ vtep0  │ │ br0 ─ vtep0  │ │ br0 ─ vx100  │    (vx100: kernel
#   │ VNI 100      │ │ VNI 100      │ │ VNI 100      │     vxlan driver)
#   │ eth0         │ │ eth0         │ │ eth0         │
#   │ 192.0.2.1    │ │ 192.0.2.2    │ │ 192.0.2.3    │
#   └──────┬───────┘ └──────┬───────┘ └──────┬───────┘
#   ┌ sw ──┴────────────────┴────────────────┴───────┐    underlay switch
#   │ br0                                            │
#   └────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

M1=02:00:00:00:01:01 M2=02:00:00:00:02:02 M3=02:00:00:00:03:03

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
host_add h3 192.0.2.3
vm_add h1 v1 $M1 203.0.113.1
vm_add h2 v2 $M2 203.0.113.2
vm_add h3 v3 $M3 203.0.113.3
for h in h1 h2; do
	vtep_add $h 192.0.2.${h#h}
	vtepctl_n $h vni add 100 dev vtep0 untagged
done
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h1 remote add 192.0.2.3 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.3 vni 100 dev vtep0
vxlan_add h3 192.0.2.3 100
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.1
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.2

# Capture the underlay at the kernel vxlan host while the first pings run.
ip netns exec "${P}h3" tcpdump -i eth0 -n -U --immediate-mode -w "$TMP/h3.pcap" udp port 4789 2>"$TMP/tcpdump.err" &
TCPDUMP=$!
retry 20 grep -q listening "$TMP/tcpdump.err"

check "ping from our VM to the kernel vxlan's VM (ARP by flooding)" ping_ok v1 203.0.113.3
check "ping from the kernel vxlan's VM to ours" ping_ok v3 203.0.113.1
check "ping between VMs behind two of our VTEPs" ping_ok v1 203.0.113.2
check "ping from v2 to v3" ping_ok v2 203.0.113.3
kill $TCPDUMP; wait $TCPDUMP || true

check "our FDB learned v3's MAC behind the kernel vxlan host" \
	test "$(fdb_dst h1 vtep0 100 $M3)" = 192.0.2.3
check "our FDB learned v2's MAC behind h2" \
	test "$(fdb_dst h1 vtep0 100 $M2)" = 192.0.2.2
check "the kernel vxlan learned v1's MAC behind our VTEP" \
	bash -c "ip -n ${P}h3 -br link >/dev/null; bridge -n ${P}h3 fdb show dev vx100 | grep -i '$M1 dst 192.0.2.1'"

# What tshark makes of our packets: VXLAN, VNI 100, I flag, inner ICMP.
# Fields that occur in both headers (ip.src, eth.src, ip.dst) come as
# "outer,inner".
tshark -r "$TMP/h3.pcap" -n -d udp.port==4789,vxlan \
	-Y 'ip.src == 192.0.2.1 && icmp' \
	-T fields -E separator=' ' -e ip.src -e udp.srcport -e udp.dstport \
	-e udp.checksum -e vxlan.flags -e vxlan.vni -e eth.src -e ip.dst \
	-e icmp.type >"$TMP/decode" 2>/dev/null || true
diag "tshark fields of our packets: ip.src udp.srcport udp.dstport udp.checksum vxlan.flags vxlan.vni eth.src ip.dst icmp.type"
head -n 2 "$TMP/decode" | sed 's/^/#   /'
tshark -r "$TMP/h3.pcap" -n -V -d udp.port==4789,vxlan \
	-Y 'ip.src == 192.0.2.1 && icmp' 2>/dev/null |
	awk '/^Frame /{ if (++f > 1) exit } /^(User Datagram|Virtual eXtensible)/,/^Internet Control/' |
	head -n 40 | sed 's/^/#   /' || true
check "tshark decodes our packets as VXLAN VNI 100 with the I flag and inner ICMP" \
	awk 'BEGIN { n = 0 } { split($1, src, ","); split($7, mac, ","); split($8, dst, ",") }
		src[1] == "192.0.2.1" && $3 == 4789 && ($5 == "0x0800" || $5 == "0x08000000") &&
		$6 == 100 && tolower(mac[2]) == "'$M1'" && dst[2] == "203.0.113.3" { n++ }
		END { exit n == 0 }' "$TMP/decode"
check "our outer source ports are in 32768-65535" \
	awk 'BEGIN { n = 0 } { n++; if ($2 < 32768 || $2 > 65535) bad = 1 } END { exit bad || n == 0 }' "$TMP/decode"
check "our outer UDP checksum is zero by default (IPv4)" \
	awk '{ if ($4 != "0x0000") exit 1 }' "$TMP/decode"

# Bad packets from the wire: each dropped and counted under its reason.
send_udp() {
	nq h3 python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bytes.fromhex(sys.argv[1]), ("192.0.2.1", 4789))' "$1"
}
# send_bad NAME COUNTER HEX: the counter goes up by exactly one
send_bad() {
	local counter=$2 before after
	before=$(stat h1 vtep0 "$counter")
	send_udp "$3"
	wait_for 10 '[ "$(stat h1 vtep0 "$counter")" -gt "$before" ]' || true
	after=$(stat h1 vtep0 "$counter")
	check "$1 ($counter $before -> $after)" test "$after" -eq $((before + 1))
}
FRAME=ffffffffffff02000000090908060001080006040001$(printf '00%.0s' $(seq 1 32))
send_bad "a frame of an unknown VNI is dropped and counted" drop_unknown_vni \
	080000000003e700$FRAME
send_bad "the I flag clear is dropped and counted" drop_bad_flags \
	0000000000006400$FRAME
send_bad "an unknown flag is dropped and counted" drop_bad_flags \
	8800000000006400$FRAME
send_bad "a reserved field set is dropped and counted" drop_bad_reserved \
	0800000100006400$FRAME
send_bad "a VNI reserved byte set is dropped and counted" drop_bad_reserved \
	0800000000006401$FRAME
send_bad "a truncated VXLAN header is dropped and counted" drop_too_short \
	08000000
send_bad "an inner frame shorter than Ethernet is dropped and counted" drop_bad_inner \
	0800000000006400ffffffffffff0200
check "nothing was learned from the bad frames" test -z "$(fdb_dst h1 vtep0 100 02:00:00:00:09:09)"
check "ethtool -S shows the drop counters" \
	bash -c "ip netns exec ${P}h1 ethtool -S vtep0 | grep -E 'drop_unknown_vni: [1-9]'"
check "VNI 100 counts what it sent and received" \
	bash -c "test $(stat h1 vtep0 tx_packets 100) -gt 0 && test $(stat h1 vtep0 rx_packets 100) -gt 0"

# TCP with offloads on: the VMs' veths do TSO, our device GSO.
n v3 iperf3 -s -D -1 -B 203.0.113.3 --logfile "$TMP/iperf3-v3.log"
n v2 iperf3 -s -D -1 -B 203.0.113.2 --logfile "$TMP/iperf3-v2.log"
retry 20 bash -c "ip netns exec ${P}v3 ss -Htln | grep -q 203.0.113.3:5201"
retry 20 bash -c "ip netns exec ${P}v2 ss -Htln | grep -q 203.0.113.2:5201"
check "iperf3 TCP from our VM to the kernel vxlan's VM moves 20 MB" \
	nq v1 iperf3 -c 203.0.113.3 -n 20M
check "iperf3 TCP between VMs behind our VTEPs moves 20 MB" \
	nq v1 iperf3 -c 203.0.113.2 -n 20M
check "no frame was too big on the way" test "$(stat h1 vtep0 drop_too_big)" -eq 0

# GRO: v1 segments itself (no TSO/GSO), so h1 sends MTU-sized tunnel
# packets; with GRO on h2's uplink they coalesce before we decapsulate.
# (veth takes its NAPI, hence GRO, path only from a peer without TSO.)
n v1 ethtool -K eth0 tso off gso off >/dev/null
n sw ethtool -K u-h2 tso off >/dev/null
# Off first: on 6.1 veth starts with GRO set but its NAPI off.
n h2 ethtool -K eth0 gro off >/dev/null
n h2 ethtool -K eth0 gro on >/dev/null
n v2 iperf3 -s -D -1 -B 203.0.113.2 --logfile "$TMP/iperf3-v2b.log"
retry 20 bash -c "ip netns exec ${P}v2 ss -Htln | grep -q 203.0.113.2:5201"
rx_before=$(stat h2 vtep0 rx_packets 100)
bytes_before=$(stat h2 vtep0 rx_bytes 100)
check "iperf3 TCP into a VTEP whose uplink does GRO moves 20 MB" \
	nq v1 iperf3 -c 203.0.113.2 -n 20M
rx=$(($(stat h2 vtep0 rx_packets 100) - rx_before))
bytes=$(($(stat h2 vtep0 rx_bytes 100) - bytes_before))
diag "h2 delivered $rx inner frames, $((bytes / (rx ? rx : 1))) bytes on average"
# Without coalescing no frame exceeds the VM's MTU plus its Ethernet header.
check "GRO coalesced tunnel packets before decapsulation" \
	test $((bytes / (rx ? rx : 1))) -gt $((VM_MTU + 14))

topo_done
