#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Malformed VXLAN storm for vtep (tests/topo/storm.sh).

  gen.py pcaps --seed S --out PREFIX
      On the host, by `make tests` (scapy builds the fragments and the
      IPv6 shapes): PREFIX-NN.pcap, the frames of each named shape, and
      PREFIX.manifest, one line per shape with its expected counter (see
      write_shapes). storm.sh sends each K times in the guest and checks
      the counters after each (tests/storm/shapes.sh).
  gen.py random --count N --seed S --out PREFIX ...
      In the guest (no scapy: the frames are built by hand), at the run's
      seed: PREFIX-payload.pcap and PREFIX-any.pcap, N seeded random
      mutations of valid frames in all: the first half (payload) keep
      their outer headers valid (lengths and checksum fixed up, so every
      one reaches the module and is counted exactly once), the second
      half are mutated anywhere. Prints "payload P any A".
  gen.py macflood --count N --out FILE.pcap
      N frames, each from a distinct inner source MAC (macflood.sh).

The addresses are those storm.sh gives its hosts (see --help).
"""
import argparse
import random
import socket
import struct
import sys

# The rx outcome counters: every frame that reaches the module's receive
# path moves exactly one of these (drop_fdb_full is counted beside a
# delivery, not instead of it, so it is not one of them).
RX_OUTCOMES = ["rx_packets", "drop_bad_flags", "drop_bad_reserved",
               "drop_too_short", "drop_unknown_vni", "drop_bad_inner",
               "drop_loop", "drop_rx_error", "drop_bad_src_mac"]

VM_SRC = "02:00:00:00:99:01"
VM_DST = "02:00:00:00:01:01"
BCAST = "ff:ff:ff:ff:ff:ff"


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Frames:
    """Builders for outer and inner frames with the addresses of the run."""

    def __init__(self, a):
        self.a = a

    # ---- inner frames ----
    def inner(self, src=VM_SRC, dst=BCAST, etype=0x88b5, payload=bytes(46)):
        return mac(dst) + mac(src) + struct.pack("!H", etype) + payload

    def inner_ip(self, tos=0, vlans=(), src=VM_SRC, dst=BCAST, badsum=False):
        """Ether[/802.1Q...]/IPv4/ICMP echo with 32 bytes, by hand: the
        bytes scapy's Ether()/Dot1Q()/IP()/ICMP() made (random mode runs in
        the guest, where importing scapy takes 10 s)."""
        tags = b"".join(struct.pack("!HH", 0x8100, v) for v in vlans)
        icmp = struct.pack("!BBHHH", 8, 0, 0, 0, 0) + b"x" * 32
        icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(icmp), 1, 0,
                         64, 1, 0, socket.inet_aton("203.0.113.99"),
                         socket.inet_aton("203.0.113.1"))
        c = 0x1234 if badsum else csum(ip)
        ip = ip[:10] + struct.pack("!H", c) + ip[12:]
        return mac(dst) + mac(src) + tags + b"\x08\x00" + ip + icmp

    @staticmethod
    def vx(flags=0x08, vni=100, r1=b"\0\0\0", r2=0):
        return struct.pack("!B3sI", flags, r1, (vni << 8) | r2)

    # ---- outer frames ----
    def eth4(self):
        return mac(self.a.dst_mac) + mac(self.a.src_mac) + b"\x08\x00"

    def udp4_raw(self, payload, sport=54321, dport=4789, tos=0,
                 udp_len=None, ip_len=None, ip_csum=None, ihl_opts=b""):
        """Ether/IPv4/UDP by hand (fast, every field under control)."""
        ulen = 8 + len(payload) if udp_len is None else udp_len
        udp = struct.pack("!HHHH", sport, dport, ulen, 0)
        ihl = 5 + len(ihl_opts) // 4
        tot = ihl * 4 + 8 + len(payload) if ip_len is None else ip_len
        hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, tot,
                          random.randrange(65536), 0x4000, 64, 17, 0,
                          socket.inet_aton(self.a.src4),
                          socket.inet_aton(self.a.dst4)) + ihl_opts
        c = csum(hdr) if ip_csum is None else ip_csum
        hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
        return self.eth4() + hdr + udp + payload

    def udp4(self, payload, **kw):
        return [self.udp4_raw(payload, **kw)]

    def scapy4(self, payload, frag=None, udp_csum=0, dport=4789, tos=0):
        from scapy.all import Ether, IP, UDP, fragment
        # An IP ID of its own per shape: a first fragment left alone by one
        # shape must not join another shape's reassembly.
        pkt = IP(src=self.a.src4, dst=self.a.dst4, tos=tos,
                 id=random.randrange(65536)) / \
            UDP(sport=54321, dport=dport, chksum=udp_csum) / payload
        if udp_csum is None:
            del pkt[UDP].chksum
        eth = Ether(src=self.a.src_mac, dst=self.a.dst_mac)
        if frag:
            return [bytes(eth / f) for f in fragment(pkt, fragsize=frag)]
        return [bytes(eth / pkt)]

    def scapy6(self, payload, ext=(), frag=None, udp_csum=None, atomic=False):
        from scapy.all import (Ether, IPv6, UDP, IPv6ExtHdrHopByHop,
                               IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                               fragment6)
        ip = IPv6(src=self.a.src6, dst=self.a.dst6)
        for e in ext:
            ip = ip / {"hbh": IPv6ExtHdrHopByHop,
                       "dst": IPv6ExtHdrDestOpt}[e]()
        if frag or atomic:
            ip = ip / IPv6ExtHdrFragment(id=random.randrange(1 << 32))
        udp = UDP(sport=54321, dport=4789)
        if udp_csum is not None:
            udp.chksum = udp_csum
        pkt = ip / udp / payload
        eth = Ether(src=self.a.src_mac, dst=self.a.dst_mac)
        if frag:
            return [bytes(eth / f) for f in fragment6(pkt, frag)]
        return [bytes(eth / pkt)]


def shapes(a):
    """(name, device, expectation, frames[, todo]) for every named shape.

    device: "v4" (vtep0, IPv4 underlay) or "v6" (vtep6, IPv6 underlay).
    expectation: a counter name, "none" (dropped by the stack before the
    module), a list of accepted counters, or "bad_src_mac" (see main).
    """
    f = Frames(a)
    V = f.vx
    good = f.inner()
    e4 = f.eth4()
    S = []

    def add(name, dev, exp, frames, todo=None):
        S.append((name, dev, exp, frames, todo))

    # Truncated at every header boundary, outer to inner.
    add("truncated: Ethernet header only", "v4", "none", [e4])
    add("truncated: 10 bytes of the outer IPv4 header", "v4", "none",
        [f.udp4_raw(V() + good)[:24]])
    add("truncated: IPv4 total length beyond the frame", "v4", "none",
        [f.udp4_raw(b"", ip_len=100)])
    add("truncated: 4 bytes of the UDP header", "v4", "none",
        [f.udp4_raw(b"")[:38]])
    add("truncated: UDP header, no VXLAN header", "v4", "drop_too_short",
        f.udp4(b""))
    add("truncated: 4 bytes of the VXLAN header", "v4", "drop_too_short",
        f.udp4(V()[:4]))
    add("truncated: 7 bytes of the VXLAN header", "v4", "drop_too_short",
        f.udp4(V()[:7]))
    add("truncated: VXLAN header, no inner frame", "v4", "drop_bad_inner",
        f.udp4(V()))
    add("truncated: 13 bytes of the inner Ethernet header", "v4",
        "drop_bad_inner", f.udp4(V() + good[:13]))
    add("inner Ethernet header only (runt of 14 bytes)", "v4", "rx_packets",
        f.udp4(V() + good[:14]))
    add("inner runt of 20 bytes", "v4", "rx_packets", f.udp4(V() + good[:20]))
    add("truncated: 12 bytes of the inner IPv4 header", "v4",
        "drop_too_short", f.udp4(V() + f.inner(etype=0x0800,
                                                 payload=bytes(12))))
    add("truncated: 20 bytes of the inner IPv6 header", "v4",
        "drop_too_short", f.udp4(V() + f.inner(etype=0x86dd,
                                                 payload=bytes(20))))
    add("truncated: inner IPv4 whole, its ICMP cut", "v4", "rx_packets",
        f.udp4(V() + f.inner_ip()[:14 + 20 + 2]))
    add("UDP length 12 (VXLAN cut to 4), rest padding", "v4",
        "drop_too_short", f.udp4(V() + good, udp_len=12))
    add("UDP length beyond the IPv4 payload", "v4", "none",
        f.udp4(V() + good, udp_len=8 + 8 + len(good) + 40))

    # Flags and reserved bits.
    add("flags: I clear", "v4", "drop_bad_flags", f.udp4(V(flags=0) + good))
    add("flags: every unknown bit alone with I", "v4", "drop_bad_flags",
        [f.udp4_raw(V(flags=0x08 | b) + good)
         for b in (0x01, 0x02, 0x04, 0x10, 0x20, 0x40, 0x80)])
    add("flags: all ones", "v4", "drop_bad_flags", f.udp4(V(flags=0xff) + good))
    add("GBP: G and I, group policy 0x1234", "v4", "drop_bad_flags",
        f.udp4(V(flags=0x88, r1=b"\0\x12\x34") + good))
    add("GBP: group policy without the G bit", "v4", "drop_bad_reserved",
        f.udp4(V(r1=b"\0\x12\x34") + good))
    add("GPE: P and I, next protocol Ethernet", "v4", "drop_bad_flags",
        f.udp4(V(flags=0x0c, r1=b"\0\0\x03") + good))
    add("GPE: O bit (OAM)", "v4", "drop_bad_flags",
        f.udp4(V(flags=0x0d, r1=b"\0\0\x03") + good))
    add("reserved: byte 1 set", "v4", "drop_bad_reserved",
        f.udp4(V(r1=b"\x01\0\0") + good))
    add("reserved: byte 3 set", "v4", "drop_bad_reserved",
        f.udp4(V(r1=b"\0\0\x80") + good))
    add("reserved: the byte after the VNI set", "v4", "drop_bad_reserved",
        f.udp4(V(r2=1) + good))

    # VNIs.
    add("VNI unknown (999)", "v4", "drop_unknown_vni", f.udp4(V(vni=999) + good))
    add("VNI 0", "v4", "drop_unknown_vni", f.udp4(V(vni=0) + good))
    add("VNI 16777215", "v4", "drop_unknown_vni",
        f.udp4(V(vni=0xffffff) + good))
    add("VNI 200 (mapped to VLAN 20) delivered", "v4", "rx_packets",
        f.udp4(V(vni=200) + good))

    # Inner frames.
    add("inner 802.1Q in 802.1Q", "v4", "rx_packets",
        f.udp4(V() + f.inner_ip(vlans=(10, 11))))
    add("inner 802.1ad then 802.1Q", "v4", "rx_packets",
        f.udp4(V() + f.inner(etype=0x88a8, payload=b"\0\x0a\x81\0\0\x0b\x88\xb5"
                             + bytes(40))))
    add("inner tagged frame on a VLAN-mapped VNI (stacked)", "v4",
        "rx_packets", f.udp4(V(vni=200) + f.inner_ip(vlans=(30,))))
    add("inner VLAN then a cut IPv4 header", "v4",
        ["rx_packets", "drop_too_short"],
        f.udp4(V() + f.inner(etype=0x8100, payload=b"\0\x0a\x08\0" + bytes(4))))
    add("inner IPv4 with a bad header checksum", "v4", "rx_packets",
        f.udp4(V() + f.inner_ip(badsum=True)))
    add("inner source MAC broadcast", "v4", "bad_src_mac",
        f.udp4(V() + f.inner(src=BCAST)))
    add("inner source MAC multicast", "v4", "bad_src_mac",
        f.udp4(V() + f.inner(src="01:00:5e:00:00:01")))
    add("inner source MAC all-zero", "v4", "bad_src_mac",
        f.udp4(V() + f.inner(src="00:00:00:00:00:00")))
    add("inner source MAC is the device's own (loop)", "v4", "drop_loop",
        f.udp4(V() + f.inner(src=a.vtep_mac)))
    add("inner destination MAC is the device's own", "v4", "rx_packets",
        f.udp4(V() + f.inner(dst=a.vtep_mac)))

    # ECN (RFC 6040).
    add("ECN: outer CE over inner ECT(0)", "v4", "rx_packets",
        f.udp4(V() + f.inner_ip(tos=2), tos=3))
    add("ECN: outer CE over inner not-ECT", "v4", "drop_bad_inner",
        f.udp4(V() + f.inner_ip(tos=0), tos=3))
    add("ECN: outer CE over VLAN 20 + inner ECT(0)", "v4", "rx_packets",
        f.udp4(V() + f.inner_ip(tos=2, vlans=(20,)), tos=3),
        todo="issue 12 defect 9: ECN read at the VLAN tag")

    # Outer headers and checksums.
    add("outer UDP checksum wrong", "v4", "none",
        f.scapy4(V() + good, udp_csum=0xbeef))
    add("outer UDP checksum right", "v4", "rx_packets",
        f.scapy4(V() + good, udp_csum=None))
    add("outer IPv4 header checksum wrong", "v4", "none",
        f.udp4(V() + good, ip_csum=0x1234))
    add("outer UDP port 4790 (not ours)", "v4", "none",
        f.udp4(V() + good, dport=4790))
    add("outer IPv4 options (NOPs, IHL 6)", "v4", "rx_packets",
        f.udp4(V() + good, ihl_opts=b"\x01\x01\x01\x00"))
    add("outer IPv4 fragments, complete", "v4", "rx_packets",
        f.scapy4(V() + f.inner(payload=bytes(1000)), frag=256))
    add("outer IPv4 first fragment only", "v4", "none",
        f.scapy4(V() + f.inner(payload=bytes(1000)), frag=256)[:1])
    add("oversize: 9000-byte inner frame in outer fragments", "v4",
        "rx_packets", f.scapy4(V() + f.inner(payload=bytes(9000)), frag=1400))
    add("oversize: 64000-byte inner frame in outer fragments", "v4",
        "rx_packets", f.scapy4(V() + f.inner(payload=bytes(64000)), frag=1400))

    # The IPv6 underlay: extension headers, fragments, checksums.
    add("IPv6 underlay: plain frame delivered", "v6", "rx_packets",
        f.scapy6(V() + good))
    add("IPv6 underlay: hop-by-hop options header", "v6", "rx_packets",
        f.scapy6(V() + good, ext=("hbh",)))
    add("IPv6 underlay: destination options header", "v6", "rx_packets",
        f.scapy6(V() + good, ext=("dst",)))
    add("IPv6 underlay: hop-by-hop + destination options", "v6",
        "rx_packets", f.scapy6(V() + good, ext=("hbh", "dst")))
    add("IPv6 underlay: fragments, complete", "v6", "rx_packets",
        f.scapy6(V() + f.inner(payload=bytes(1000)), frag=400))
    add("IPv6 underlay: atomic fragment", "v6", "rx_packets",
        f.scapy6(V() + good, atomic=True))
    add("IPv6 underlay: first fragment only", "v6", "none",
        f.scapy6(V() + f.inner(payload=bytes(1000)), frag=400)[:1])
    add("IPv6 underlay: zero UDP checksum (udp6zerocsumrx off)", "v6", "none",
        f.scapy6(V() + good, udp_csum=0))
    add("IPv6 underlay: wrong UDP checksum", "v6", "none",
        f.scapy6(V() + good, udp_csum=0xbeef))
    add("IPv6 underlay: I flag clear", "v6", "drop_bad_flags",
        f.scapy6(V(flags=0) + good))
    add("IPv6 underlay: VXLAN header cut", "v6", "drop_too_short",
        f.scapy6(V()[:5]))
    add("IPv6 underlay: unknown VNI", "v6", "drop_unknown_vni",
        f.scapy6(V(vni=4242) + good))
    return S


def write_shapes(a):
    """One pcap per shape, PREFIX-NN.pcap, and PREFIX.manifest with a line
    per shape (tab-separated):
        NN  device  expectation  per  todo  name
    expectation: a counter, counters joined by "|", "none" or
    "bad_src_mac" (see shapes()); per: how many the expected counter moves
    for each time the shape's pcap is sent (0 for "none"; one packet for
    a shape of fragments that is reassembled, else one per frame); todo:
    the known defect, or "-". storm.sh sends each pcap K times and checks
    the counters after each."""
    random.seed(a.seed)
    with open(a.out + ".outcomes", "w") as out:
        out.write(" ".join(RX_OUTCOMES) + "\n")
    with open(a.out + ".manifest", "w") as man:
        for i, (name, dev, exp, frames, todo) in enumerate(shapes(a)):
            if isinstance(exp, list):
                exp = "|".join(exp)
            if exp == "none":
                per = 0
            elif len(frames) > 1 and "frag" in name.lower() or "oversize" in name:
                per = 1
            else:
                per = len(frames)
            pcap_write("%s-%02d.pcap" % (a.out, i), frames)
            man.write("%02d\t%s\t%s\t%d\t%d\t%s\t%s\n" %
                      (i, dev, exp, per, len(frames), todo or "-", name))


# ---- seeded random mutations ----

def base_frames(a):
    f = Frames(a)
    V = f.vx
    return [V() + f.inner(), V(vni=200) + f.inner(),
            V() + f.inner_ip(), V() + f.inner_ip(vlans=(10,)),
            V() + f.inner(etype=0x0800, payload=bytes(30)),
            V() + f.inner(src=a.vtep_mac), V(vni=999) + f.inner()]


def mutate(rng, p):
    p = bytearray(p)
    op = rng.randrange(7)
    if op == 0 and p:        # flip bits
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(p))
            p[i] ^= 1 << rng.randrange(8)
    elif op == 1 and p:      # random bytes in the VXLAN header
        for _ in range(rng.randint(1, 3)):
            p[rng.randrange(min(8, len(p)))] = rng.randrange(256)
    elif op == 2:            # truncate
        del p[rng.randrange(len(p) + 1):]
    elif op == 3:            # extend with junk
        p += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif op == 4:            # random source MAC, valid header
        p[8 + 6:8 + 12] = bytes(rng.randrange(256) for _ in range(6))
    elif op == 5:            # random ethertype / inner bytes
        if len(p) > 22:
            p[20:22] = rng.choice([b"\x08\x00", b"\x86\xdd", b"\x81\x00",
                                   b"\x88\xa8", b"\x08\x06", b"\xff\xff"])
            del p[rng.randrange(22, len(p) + 1):]
    else:                    # several of the above
        for _ in range(2):
            p = mutate(rng, p)
    return bytes(p)


def pcap_write(path, frames):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            out.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)))
            out.write(fr)


def run_random(a):
    rng = random.Random(a.seed)
    random.seed(a.seed)
    f = Frames(a)
    bases = base_frames(a)
    half = a.count // 2

    def gen():
        for i in range(a.count):
            pl = mutate(rng, rng.choice(bases))
            if i < half:
                yield f.udp4_raw(pl)
            else:
                fr = bytearray(f.udp4_raw(pl))
                for _ in range(rng.randint(1, 3)):
                    j = rng.randrange(len(fr))
                    fr[j] = rng.randrange(256)
                yield bytes(fr[:1514])
    frames = gen()
    pcap_write(a.out + "-payload.pcap", (next(frames) for _ in range(half)))
    pcap_write(a.out + "-any.pcap", frames)
    print("payload %d any %d" % (half, a.count - half))


def run_macflood(a):
    """N frames, each from a distinct inner source MAC, VNI 100."""
    f = Frames(a)
    hdr = f.udp4_raw(f.vx() + f.inner(dst="02:00:00:00:99:99"))
    pre, post = hdr[:14 + 20 + 8 + 8 + 6], hdr[14 + 20 + 8 + 8 + 12:]

    def gen():
        for i in range(a.count):
            yield pre + b"\x06" + i.to_bytes(5, "big") + post
    pcap_write(a.out, gen())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["pcaps", "random", "macflood", "list"])
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--src-mac", default="02:00:00:00:e0:02")
    ap.add_argument("--dst-mac", default="02:00:00:00:e0:01")
    ap.add_argument("--vtep-mac", default="02:00:00:00:ee:01")
    ap.add_argument("--src4", default="192.0.2.2")
    ap.add_argument("--dst4", default="192.0.2.1")
    ap.add_argument("--src6", default="2001:db8::2")
    ap.add_argument("--dst6", default="2001:db8::1")
    a = ap.parse_args()
    if a.mode == "pcaps":
        write_shapes(a)
    elif a.mode == "random":
        run_random(a)
    elif a.mode == "macflood":
        run_macflood(a)
    else:
        for s in shapes(a):
            print("%-4s %-60s %s %d" % (s[1], s[0], s[2], len(s[3])))


if __name__ == "__main__":
    sys.exit(main())
