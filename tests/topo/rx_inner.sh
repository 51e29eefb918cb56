#!/bin/bash
# Received frames crafted with scapy (issue 12, defects 9 and 10): ECN
# decapsulation (RFC 6040) finds the inner IP header behind a VLAN tag and
# writes nothing else; frames whose inner source MAC is a group, broadcast
# or all-zero address are dropped and counted, never delivered.
#
#   ┌ h2 ────────────────┐            ┌ h1 ─────────────────────────┐
#   │ scapy: VXLAN 100   │──── sw ────│ vtep0 192.0.2.1, VNI 100    │
#   │ 192.0.2.2          │            │ untagged (inner tags kept)  │
#   └────────────────────┘            └─────────────────────────────┘
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vtepctl_n h1 link add vtep0 local 192.0.2.1 underlay eth0 learning off
vtepctl_n h1 vni add 100 dev vtep0 untagged
ipn h1 link set vtep0 up

cat >"$TMP/send.py" <<'PY'
import sys
from scapy.all import Ether, Dot1Q, IP, IPv6, UDP, Raw, send, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
SRC = "02:00:00:00:02:01"
DST = "02:00:00:00:01:01"

def frame(port, inner, outer_tos=3, src=SRC):
    return (IP(src="192.0.2.2", dst="192.0.2.1", tos=outer_tos) /
            UDP(sport=40000 + port, dport=4789) / VXLAN(vni=100, flags=0x08) /
            Ether(src=src, dst=DST) / inner)

ip4 = lambda port, tos: IP(src="203.0.113.2", dst="203.0.113.1", tos=tos) / UDP(sport=9, dport=port) / Raw(b"x" * 32)
ip6 = lambda port, tc: IPv6(src="2001:db8::2", dst="2001:db8::1", tc=tc) / UDP(sport=9, dport=port) / Raw(b"x" * 32)
frames = {
    "ect-vlan": frame(1001, Dot1Q(vlan=5) / ip4(1001, 2)),
    "notect-vlan": frame(1002, Dot1Q(vlan=5) / ip4(1002, 0)),
    "ect-plain": frame(1003, ip4(1003, 2)),
    "ect6-qinq": frame(1004, Dot1Q(type=0x8100, vlan=6) / Dot1Q(vlan=5) / ip6(1004, 2)),
    "src-mcast": frame(1005, ip4(1005, 0), 0, "01:00:5e:00:00:01"),
    "src-bcast": frame(1006, ip4(1006, 0), 0, "ff:ff:ff:ff:ff:ff"),
    "src-zero": frame(1007, ip4(1007, 0), 0, "00:00:00:00:00:00"),
    "src-ok": frame(1008, ip4(1008, 0), 0),
}
for name in sys.argv[1:]:
    send(frames[name])
PY

cat >"$TMP/read.py" <<'PY'
import sys
from scapy.all import rdpcap, Dot1Q, IP, IPv6, UDP
seen = {}
for p in rdpcap(sys.argv[1]):
    if UDP in p and 1000 < p[UDP].dport < 1010:
        tags = [l.vlan for l in p.iterpayloads() if isinstance(l, Dot1Q)]
        if IP in p:
            chk = IP(bytes(p[IP])); stored = chk.chksum; del chk.chksum
            good = IP(bytes(chk)).chksum == stored
            seen[p[UDP].dport] = (tags, p[IP].tos & 3, good)
        elif IPv6 in p:
            seen[p[UDP].dport] = (tags, p[IPv6].tc & 3, True)
want = eval(sys.argv[2])
bad = 0
for port, exp in want.items():
    got = seen.get(port)
    print(f"# {port}: want {exp}, got {got}")
    if got != exp:
        bad += 1
sys.exit(1 if bad else 0)
PY

nq h1 tcpdump -nUi vtep0 -w "$TMP/rx.pcap" >/dev/null 2>&1 &
dump_pid=$!
wait_for 20 "test -s $TMP/rx.pcap"
n h2 $PY "$TMP/send.py" ect-vlan notect-vlan ect-plain ect6-qinq src-mcast src-bcast src-zero src-ok
wait_for 20 "test \"\$(stat h1 vtep0 rx_packets)\" -ge 4"
sleep 1
kill "$dump_pid"
wait "$dump_pid" || true

check "CE reaches an ECT inner IPv4 packet behind a VLAN tag; the tag and the checksum are intact" \
	$PY "$TMP/read.py" "$TMP/rx.pcap" "{1001: ([5], 3, True)}"
check "CE reaches an ECT inner IPv4 packet without a tag" \
	$PY "$TMP/read.py" "$TMP/rx.pcap" "{1003: ([], 3, True)}"
check "CE reaches an ECT inner IPv6 packet behind two tags" \
	$PY "$TMP/read.py" "$TMP/rx.pcap" "{1004: ([6, 5], 3, True)}"
check "a not-ECT inner packet behind a tag with CE outside is dropped" \
	$PY "$TMP/read.py" "$TMP/rx.pcap" "{1002: None}"
check "and counted as bad inner" test "$(stat h1 vtep0 drop_bad_inner)" -eq 1
check "group, broadcast and zero inner source MACs are not delivered" \
	$PY "$TMP/read.py" "$TMP/rx.pcap" "{1005: None, 1006: None, 1007: None, 1008: ([], 0, True)}"
check "they are counted in drop_bad_src_mac" test "$(stat h1 vtep0 drop_bad_src_mac)" -eq 3
check "and the device delivered exactly the 4 good frames" test "$(stat h1 vtep0 rx_packets)" -eq 4

topo_done
