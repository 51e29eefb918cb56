#!/bin/bash
# Path MTU over an IPv4 underlay. The tunnel's default MTU (1450) fits a
# 1500-byte underlay exactly. When the path to h2 carries only 1400 bytes:
# with DF clear the outer packets are fragmented and everything still goes
# through; with DF set (or inherited from a DF inner packet) a frame too
# big is dropped, counted, and its IPv4 or IPv6 sender gets an ICMP error
# with the MTU that fits (1350), so TCP with TSO on keeps working.
#
#   ┌ v1 ─────────────┐                  ┌ v2 ─────────────┐
#   │ 203.0.113.1     │                  │ 203.0.113.2     │
#   │ 2001:db8:100::1 │                  │ 2001:db8:100::2 │
#   └──────┬──────────┘                  └──────┬──────────┘
#   ┌ h1 ──┴──────────┐                  ┌ h2 ──┴──────────┐
#   │ br0 ─ vtep0     │  route to h2:    │ br0 ─ vtep0     │
#   │ 192.0.2.1       │  mtu 1400        │ 192.0.2.2       │
#   └──────┬──────────┘                  └──────┬──────────┘
#   ┌ sw ──┴─────────────────────────────────────┴─────────┐
#   └──────────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1 2001:db8:100::1
vm_add h2 v2 02:00:00:00:02:02 203.0.113.2 2001:db8:100::2
for i in 1 2; do
	vtep_add h$i 192.0.2.$i
	vtepctl_n h$i vni add 100 dev vtep0 untagged
done
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0

check "the tunnel's MTU is 1500 - 50" bash -c "ip -n ${P}h1 link show vtep0 | grep -q 'mtu 1450 '"
check "v1 reaches v2" ping_ok v1 203.0.113.2
check "a 1450-byte packet with DF fits a 1500-byte underlay" \
	nq v1 ping -c 1 -W 2 -M do -s 1422 203.0.113.2

ipn h1 route replace 192.0.2.2/32 dev eth0 mtu lock 1400
frags_before=$(nq h1 nstat -az IpFragCreates | awk '/IpFragCreates/ { print $2 }')
check "DF clear (default): a packet too big for the path still goes through" \
	nq v1 ping -c 1 -W 2 -M do -s 1422 203.0.113.2
check "as outer fragments" \
	test "$(nq h1 nstat -az IpFragCreates | awk '/IpFragCreates/ { print $2 }')" -gt "$frags_before"
check "nothing was dropped as too big" test "$(stat h1 vtep0 drop_too_big)" -eq 0

vtepctl_n h1 link set vtep0 df inherit
check "DF inherit: an inner packet without DF is fragmented outside" \
	nq v1 ping -c 1 -W 2 -M dont -s 1422 203.0.113.2
check "nothing was dropped as too big" test "$(stat h1 vtep0 drop_too_big)" -eq 0
nq v1 ping -c 1 -W 2 -M do -s 1422 203.0.113.2 >/dev/null 2>&1 || true
check "an inner packet with DF is dropped and counted" test "$(stat h1 vtep0 drop_too_big)" -eq 1
check "and its sender learned the path MTU 1350 from our ICMP error" \
	wait_for 10 'ip -n ${P}v1 route get 203.0.113.2 | grep -q "mtu 1350"'
check "after which its pings that fit go through" \
	nq v1 ping -c 1 -W 2 -M do -s 1322 203.0.113.2

vtepctl_n h1 link set vtep0 df set
nq v1 ping -6 -c 1 -W 2 -s 1400 2001:db8:100::2 >/dev/null 2>&1 || true
check "DF set: an IPv6 packet too big is dropped and counted" test "$(stat h1 vtep0 drop_too_big)" -eq 2
check "and its sender learned the path MTU from our packet too big" \
	wait_for 10 'ip -n ${P}v1 -6 route get 2001:db8:100::2 | grep -q "mtu 1350"'

# A burst of packets too big (-M probe: DF, whatever v1 learned): each is
# dropped and counted; the answers are rate-limited per device and the
# others counted, so a sender cannot make the VTEP answer at line rate.
NBIG=200
unreach() { nq v1 nstat -az IcmpInDestUnreachs | awk '/IcmpInDestUnreachs/ { print $2 }'; }
big0=$(stat h1 vtep0 drop_too_big) sup0=$(stat h1 vtep0 pmtu_suppressed) un0=$(unreach)
nq v1 $PY -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 3)	# IP_MTU_DISCOVER: IP_PMTUDISC_PROBE
for i in range(int(sys.argv[1])):
    try:
        s.sendto(bytes(1422), ("203.0.113.2", 9))
    except OSError:
        pass' $NBIG
wait_for 20 '[ $(($(stat h1 vtep0 drop_too_big) - big0)) -ge $NBIG ]' || true
big=$(($(stat h1 vtep0 drop_too_big) - big0))
sup=$(($(stat h1 vtep0 pmtu_suppressed) - sup0))
un=$(($(unreach) - un0))
diag "$NBIG too big: dropped $big, answered $un, answers suppressed $sup"
check "a burst of $NBIG packets too big is dropped and counted" test "$big" -eq $NBIG
check "their answers are rate-limited, the others counted ($sup)" test "$sup" -gt 0
check "each was answered or counted as suppressed" test $((un + sup)) -eq $NBIG

# TCP with TSO on the VM: the first GSO packets are too big, the ICMP
# errors shrink the MSS, the transfer completes.
nq v1 ip route flush cache
nq v1 ip -6 route flush cache
n v1 ethtool -k eth0 | grep -E '^tcp-segmentation-offload|^generic-segmentation' | sed 's/^/# /'
n v2 iperf3 -s -D -1 -B 203.0.113.2 --logfile "$TMP/iperf3.log"
retry 20 bash -c "ip netns exec ${P}v2 ss -Htln | grep -q 203.0.113.2:5201"
big_before=$(stat h1 vtep0 drop_too_big)
check "iperf3 TCP through the 1400-byte path with DF set moves 10 MB" \
	nq v1 iperf3 -c 203.0.113.2 -n 10M
check "it hit the path MTU on the way (GSO frames too big)" \
	test "$(stat h1 vtep0 drop_too_big)" -gt "$big_before"

topo_done
