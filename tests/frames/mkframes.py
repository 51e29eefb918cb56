#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The frames the topology tests send, made once on the host by `make tests`.

    mkframes.py DIR

writes DIR/<name>.pcap for every frame (or group of frames) below: the
tests send them in the guest with tests/tools/pcapsend, so that no guest
imports scapy (10 s in a TCG guest). Everything is fixed: MACs, addresses,
IP IDs. The scripts give their hosts the MACs named here (ipn H link set
eth0 address ...), so a frame's destination MAC is right without ARP.
"""
import sys

from scapy.all import (Dot1Q, Ether, ICMPv6DestUnreach, ICMPv6EchoRequest, IP,
                       IPv6, IPv6ExtHdrDestOpt, Raw, TCP, UDP, conf,
                       wrpcap)
from scapy.layers.vxlan import VXLAN

conf.verb = 0
OUT = sys.argv[1]

# The underlay MACs the scripts set on their hosts' eth0.
H1 = "02:00:00:00:e0:01"
H2 = "02:00:00:00:e0:02"
H3 = "02:00:00:00:e0:03"


def write(name, frames):
    wrpcap("%s/%s.pcap" % (OUT, name), [Ether(bytes(f)) for f in frames])


# ---- the capture marker (lib.sh cap_stop): VXLAN on port 4789, VNI
# 16777215, from a MAC and to a MAC nobody has; hosts drop it unread.
write("marker", [Ether(src="02:00:00:00:ff:fd", dst="02:00:00:00:ff:fe") /
                 IP(src="192.0.2.253", dst="192.0.2.254", id=1) /
                 UDP(sport=4789, dport=4789) / VXLAN(vni=0xffffff, flags=0x08) /
                 Ether(src="02:00:00:00:ff:fd", dst="02:00:00:00:ff:fe", type=0x88b5) /
                 Raw(b"vtep capture marker")])

# ---- peer_allow.sh: VXLAN frames from h3 (192.0.2.3, 2001:db8::3) that
# claim any source; one pcap per "src,vni,mac[,port]" the script sends,
# named peer-SRC-VNI-MAC[-PORT] (":" in MACs and addresses as "_").
PEER = """
192.0.2.2,100,02:00:00:00:0a:01 192.0.2.4,100,02:00:00:00:0a:02 192.0.2.70,100,02:00:00:00:0a:03
192.0.2.3,100,02:00:00:00:0b:01 192.0.2.3,100,02:00:00:00:44:44 192.0.2.3,100,02:00:00:00:0a:01
192.0.2.3,200,02:00:00:00:0b:02 192.0.2.3,300,02:00:00:00:0b:03 192.0.2.2,200,02:00:00:00:0b:04
192.0.2.128,100,02:00:00:00:0b:05
192.0.2.4,100,02:00:00:00:0d:01 192.0.2.5,100,02:00:00:00:0d:02 192.0.2.5,100,02:00:00:00:0d:03
192.0.2.6,100,02:00:00:00:6a:01 192.0.2.6,200,02:00:00:00:6a:02 192.0.2.6,100,02:00:00:00:6a:03
192.0.2.6,200,02:00:00:00:6a:04 192.0.2.6,200,02:00:00:00:6a:05 192.0.2.6,200,02:00:00:00:6a:06
2001:db8::41,100,02:00:00:00:0c:01,4790 2001:db8::3,100,02:00:00:00:0c:02,4790
""".split()


def peer_frame(src, vni, mac, dport=4789):
    ip = IPv6(src=src, dst="2001:db8::1") if ":" in src else IP(src=src, dst="192.0.2.1")
    return (Ether(src=H3, dst=H1) / ip / UDP(sport=40000, dport=dport) /
            VXLAN(vni=vni, flags=0x08) /
            Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
            IP(src="203.0.113.9", dst="203.0.113.1") /
            UDP(sport=9, dport=9) / Raw(b"x" * 32))


for spec in PEER:
    a = spec.split(",")
    write("peer-" + spec.replace(":", "_").replace(",", "-"),
          [peer_frame(a[0], int(a[1]), a[2], int(a[3]) if len(a) > 3 else 4789)])

# ---- rx_inner.sh: from h2 (192.0.2.2) to h1's vtep0, VNI 100; the inner
# UDP destination port names the frame (1001-1008).
RX_SRC = "02:00:00:00:02:01"
RX_DST = "02:00:00:00:01:01"


def rx_frame(port, inner, outer_tos=3, src=RX_SRC):
    return (Ether(src=H2, dst=H1) /
            IP(src="192.0.2.2", dst="192.0.2.1", tos=outer_tos) /
            UDP(sport=40000 + port, dport=4789) / VXLAN(vni=100, flags=0x08) /
            Ether(src=src, dst=RX_DST) / inner)


def rx_ip4(port, tos):
    return IP(src="203.0.113.2", dst="203.0.113.1", tos=tos) / UDP(sport=9, dport=port) / Raw(b"x" * 32)


def rx_ip6(port, tc):
    return IPv6(src="2001:db8::2", dst="2001:db8::1", tc=tc) / UDP(sport=9, dport=port) / Raw(b"x" * 32)


write("rx_inner", [
    rx_frame(1001, Dot1Q(vlan=5) / rx_ip4(1001, 2)),                # ect-vlan
    rx_frame(1002, Dot1Q(vlan=5) / rx_ip4(1002, 0)),                # notect-vlan
    rx_frame(1003, rx_ip4(1003, 2)),                                # ect-plain
    rx_frame(1004, Dot1Q(type=0x8100, vlan=6) / Dot1Q(vlan=5) / rx_ip6(1004, 2)),  # ect6-qinq
    rx_frame(1005, rx_ip4(1005, 0), 0, "01:00:5e:00:00:01"),        # src-mcast
    rx_frame(1006, rx_ip4(1006, 0), 0, "ff:ff:ff:ff:ff:ff"),        # src-bcast
    rx_frame(1007, rx_ip4(1007, 0), 0, "00:00:00:00:00:00"),        # src-zero
    rx_frame(1008, rx_ip4(1008, 0), 0),                             # src-ok
])

# ---- pmtu_exthdr.sh: from v1 to v2, too big for h1's route, behind a
# destination options header: an ICMPv6 error and an echo request.
for kind, inner in (("error", ICMPv6DestUnreach(code=4)),
                    ("echo", ICMPv6EchoRequest(id=7, seq=1))):
    write("pmtu-" + kind,
          [Ether(src="02:00:00:00:01:01", dst="02:00:00:00:02:02") /
           IPv6(src="2001:db8:100::1", dst="2001:db8:100::2") /
           IPv6ExtHdrDestOpt() / inner / Raw(b"q" * 1330)])

# ---- hashing.sh: TCP and UDP flows from v1 to v2 over IPv4 and IPv6, sent
# once whole and once with the ports out of the linear part (pcapsend -l),
# so that the flow hash's two paths must agree. 5,000 bytes: AF_PACKET
# builds a frame under a page linear whatever it is told.
write("hashpath", [
    Ether(src="02:00:00:00:01:09", dst="02:00:00:00:02:02") / ip / l4 /
    Raw(b"h" * 5000)
    for ip in (IP(src="203.0.113.1", dst="203.0.113.2", id=9),
               IPv6(src="2001:db8:100::1", dst="2001:db8:100::2"))
    for l4 in (TCP(sport=33001, dport=80, flags="A", seq=1, ack=1),
               UDP(sport=33002, dport=53))
])
