#!/usr/bin/python3
"""vtep-evpn's capture.py: the packet filter that passes ARP and NS/NA to
the agent, the parser that turns them into (vlan, ip, mac), the address
rules. Prints TAP.

The frames are built here byte by byte (no scapy), so each test states the
layout it feeds."""
import socket
import struct
import sys

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import test
from vtep_evpn import capture

VM = bytes.fromhex("020000000201")
OTHER = bytes.fromhex("020000000299")
BCAST = b"\xff" * 6


def eth(src, etype, payload, dst=BCAST, vlan=None):
    if vlan is not None:
        return dst + src + struct.pack("!HH", 0x8100, vlan) + \
            struct.pack("!H", etype) + payload
    return dst + src + struct.pack("!H", etype) + payload


def arp(op, sha, spa, tpa, tha=b"\0" * 6):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + \
        socket.inet_aton(spa) + tha + socket.inet_aton(tpa)


def icmp6(src, typ, target, opt_type=None, opt_mac=None, hlim=255):
    body = struct.pack("!BBHI", typ, 0, 0, 0) + socket.inet_pton(socket.AF_INET6, target)
    if opt_type:
        body += struct.pack("!BB", opt_type, 1) + opt_mac
    ip6 = struct.pack("!IHBB", 6 << 28, len(body), 58, hlim) + \
        socket.inet_pton(socket.AF_INET6, src) + \
        socket.inet_pton(socket.AF_INET6, "ff02::1:ff00:12")
    return ip6 + body


SKF_AD_VLAN_TAG_PRESENT = 0xfffff000 + 48


def bpf_run(prog, pkt, vlan_offloaded=False):
    """A classic BPF interpreter (the kernel's semantics) for the opcodes
    the agent's filter uses: the bytes accepted (0: dropped). VLAN_OFFLOADED:
    the frame's tag was taken out of it (VLAN offload, PACKET_AUXDATA's
    tp_vlan_tci), which the filter reads as SKF_AD_VLAN_TAG_PRESENT."""
    pc = a = 0
    for _ in range(4096):
        code, jt, jf, k = prog[pc]
        if code in (0x20, 0x28, 0x30) and k == SKF_AD_VLAN_TAG_PRESENT:
            a = int(vlan_offloaded)     # ld/ldh/ldb of the ancillary word
        elif code in (0x20, 0x28, 0x30):    # ld, ldh, ldb [k]
            size = {0x20: 4, 0x28: 2, 0x30: 1}[code]
            if k >= 0x80000000 or k + size > len(pkt):
                return 0                # out of the packet: the kernel drops it
            a = int.from_bytes(pkt[k:k + size], "big")
        elif code == 0x15:      # jeq #k
            pc += jt if a == k else jf
        elif code == 0x06:      # ret #k
            return min(k, len(pkt))
        else:
            raise AssertionError("opcode %#x not interpreted" % code)
        pc += 1
        if pc >= len(prog):
            raise AssertionError("ran off the end of the program")
    raise AssertionError("no end (a backward jump?)")


def ext_ns():
    """an NS behind a hop-by-hop options header (next header 0, then 58)"""
    ns = bytearray(icmp6("2001:db8::12", 135, "2001:db8::11", 1, VM))
    body = ns[40:]
    ns[6] = 0
    ns[4:6] = struct.pack("!H", len(body) + 8)
    return bytes(ns[:40]) + bytes([58, 0, 1, 4, 0, 0, 0, 0]) + bytes(body)


ARP = eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11"))
NS = eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11", 1, VM))
NA = eth(VM, 0x86dd, icmp6("2001:db8::12", 136, "2001:db8::12", 2, VM))
RA = eth(VM, 0x86dd, icmp6("fe80::12", 134, "::"))
UDP4 = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0, socket.inet_aton("203.0.113.12"),
                   socket.inet_aton("203.0.113.11")) + struct.pack("!HHHH", 68, 67, 8, 0)


def tagged(frame, vlan=10):
    """FRAME with an 802.1Q tag in it (no VLAN offload)"""
    return frame[:12] + struct.pack("!HH", 0x8100, vlan) + frame[12:]


@test
def filter_passes_arp_and_ns_na_untagged_or_with_one_tag_only():
    """The kernel filter passes ARP and ICMPv6 NS/NA only, untagged or with
    one 802.1Q tag, whether the tag is in the frame (offsets 4 bytes on) or
    was taken out by VLAN offload (SKF_AD_VLAN_TAG_PRESENT). The old filter
    passed every tagged frame up to python (tagged UDP among them)."""
    f = capture.SNOOP_BPF
    for name, fr in (("ARP", ARP), ("NS", NS), ("NA", NA)):
        assert bpf_run(f, fr), name
        assert bpf_run(f, tagged(fr)), "tagged " + name
        assert bpf_run(f, fr, vlan_offloaded=True), name + " with its tag offloaded"
        # what passes is what the parser reads: the whole message
        assert bpf_run(f, tagged(fr)) == len(tagged(fr)), name
    for name, fr in (("RA", RA), ("IPv4 UDP", eth(VM, 0x0800, UDP4)),
                     ("ICMPv6 echo", eth(VM, 0x86dd, icmp6("2001:db8::12", 128, "2001:db8::11"))),
                     ("RS", eth(VM, 0x86dd, icmp6("2001:db8::12", 133, "2001:db8::11")))):
        assert not bpf_run(f, fr), name
        assert not bpf_run(f, tagged(fr)), "tagged " + name
        assert not bpf_run(f, fr, vlan_offloaded=True), name + " with its tag offloaded"
    udp6 = bytearray(NS)
    udp6[14 + 6] = 17
    assert not bpf_run(f, bytes(udp6)) and not bpf_run(f, tagged(bytes(udp6)))
    # two tags (QinQ: one offloaded, one in the frame; or both in it)
    assert not bpf_run(f, tagged(ARP), vlan_offloaded=True)
    assert not bpf_run(f, tagged(tagged(ARP, 20)))
    # documented: an NS behind an extension header is dropped (and the
    # parser would not read it either)
    assert not bpf_run(f, eth(VM, 0x86dd, ext_ns()))
    assert capture.parse_snoop(eth(VM, 0x86dd, ext_ns()), 1) is None
    # short frames
    assert not bpf_run(f, ARP[:13]) and not bpf_run(f, tagged(NS)[:50])


@test
def the_filter_is_well_formed_for_the_kernel():
    """every jump forward and inside the program, which ends in returns"""
    f = capture.SNOOP_BPF
    assert 0 < len(f) <= 4096
    for pc, (code, jt, jf, k) in enumerate(f):
        if code == 0x15:
            assert pc + 1 + max(jt, jf) < len(f) and jt <= 255 and jf <= 255, pc
    assert f[-1][0] == 0x06 and f[-2][0] == 0x06


@test
def arp_request_reply_and_gratuitous_give_the_sender():
    for op in (1, 2):
        fr = eth(VM, 0x0806, arp(op, VM, "203.0.113.12", "203.0.113.11"))
        assert capture.parse_snoop(fr, 100) == (100, "203.0.113.12", "02:00:00:00:02:01"), op
    garp = eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.12"))
    assert capture.parse_snoop(garp, 5) == (5, "203.0.113.12", "02:00:00:00:02:01")


@test
def the_vlan_of_a_tagged_frame_is_the_tags():
    fr = eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11"), vlan=0x2014)
    assert capture.parse_snoop(fr, None) == (20, "203.0.113.12", "02:00:00:00:02:01")


@test
def arp_probes_and_foreign_senders_are_ignored():
    probe = eth(VM, 0x0806, arp(1, VM, "0.0.0.0", "203.0.113.12"))
    assert capture.parse_snoop(probe, 1) is None
    # a VM speaks for itself only: sender hardware address of another MAC
    proxy = eth(VM, 0x0806, arp(2, OTHER, "203.0.113.12", "203.0.113.11"))
    assert capture.parse_snoop(proxy, 1) is None
    # multicast source MAC
    mc = bytes.fromhex("010000000201")
    assert capture.parse_snoop(eth(mc, 0x0806, arp(1, mc, "203.0.113.12", "203.0.113.11")), 1) is None
    # not Ethernet/IPv4 ARP, not request or reply, cut short
    bad = bytearray(eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11")))
    bad[14 + 7] = 3         # RARP request
    assert capture.parse_snoop(bytes(bad), 1) is None
    assert capture.parse_snoop(eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11"))[:40], 1) is None


@test
def ns_gives_its_source_and_na_its_target():
    ns = eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11", 1, VM))
    assert capture.parse_snoop(ns, 100) == (100, "2001:db8::12", "02:00:00:00:02:01")
    # without the option, the frame's source MAC
    ns = eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11"))
    assert capture.parse_snoop(ns, 100) == (100, "2001:db8::12", "02:00:00:00:02:01")
    na = eth(VM, 0x86dd, icmp6("2001:db8::12", 136, "2001:db8::12", 2, VM))
    assert capture.parse_snoop(na, 100) == (100, "2001:db8::12", "02:00:00:00:02:01")


@test
def dad_link_local_hop_limit_and_foreign_options_are_ignored():
    dad = eth(VM, 0x86dd, icmp6("::", 135, "2001:db8::12"))
    assert capture.parse_snoop(dad, 1) is None
    ll = eth(VM, 0x86dd, icmp6("fe80::2", 135, "fe80::1", 1, VM))
    assert capture.parse_snoop(ll, 1) is None
    routed = eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11", 1, VM, hlim=64))
    assert capture.parse_snoop(routed, 1) is None
    other = eth(VM, 0x86dd, icmp6("2001:db8::12", 136, "2001:db8::12", 2, OTHER))
    assert capture.parse_snoop(other, 1) is None


@test
def only_addresses_a_vm_may_own_are_kept():
    assert capture.snoop_addr("203.0.113.5") == "203.0.113.5"
    assert capture.snoop_addr("2001:db8::5") == "2001:db8::5"
    for a in ("0.0.0.0", "255.255.255.255", "127.0.0.1", "169.254.1.1",
              "224.0.0.1", "0.1.2.3", "::", "::1", "fe80::1", "ff02::1", "x"):
        assert capture.snoop_addr(a) is None, a


@test
def the_kernel_takes_the_filter():
    """SO_ATTACH_FILTER checks a classic program whatever the socket (a UDP
    one here, no privilege needed): the ancillary load included"""
    import ctypes
    prog = b"".join(struct.pack("HBBI", *i) for i in capture.SNOOP_BPF)
    buf = ctypes.create_string_buffer(prog, len(prog))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, 26, struct.pack("HL", len(capture.SNOOP_BPF),
                                                        ctypes.addressof(buf)))


class Links:
    """`ip -j link show master BR` of a bridge br0 with the ports PORTS
    (name -> ifindex), as ip gives it"""

    def __init__(self, ports):
        self.ports = ports

    def __call__(self, *args):
        assert args[0] == "master", args
        if args[1] != "br0":
            return []
        return [{"ifindex": ix, "ifname": n, "master": "br0", "operstate": "UP"}
                for n, ix in self.ports.items()]


@test
def capture_binds_the_bridges_vm_ports_and_follows_them():
    """one socket a port of the bridge (not the vtep device's), bound to
    it: a port that joins gets one, a port that leaves (or is another
    device under the same index) has its socket closed. Before, one socket
    read every interface of the host."""
    class Sock:
        def __init__(self, name):
            self.name, self.closed = name, False

        def close(self):
            self.closed = True
    links = Links({"vtep0": 4, "v-v11": 7, "v-v12": 8})
    assert capture.bridge_ports("br0", ("vtep0",), links) == {7: "v-v11", 8: "v-v12"}
    assert capture.bridge_ports("nobr", ("vtep0",), links) == {}
    assert capture.bridge_ports(None, ("vtep0",), links) == {}
    opened = []

    def open_(name):
        opened.append(Sock(name))
        return opened[-1]
    p = capture.Ports(lambda: capture.bridge_ports("br0", ("vtep0",), links), open_)
    socks = p.sync()
    assert sorted(n for n, _s in socks.values()) == ["v-v11", "v-v12"], socks
    first = dict(socks)
    links.ports = {"vtep0": 4, "v-v11": 7, "v-m1": 9}       # v-v12 left, v-m1 came
    socks = p.sync()
    assert sorted(n for n, _s in socks.values()) == ["v-m1", "v-v11"], socks
    assert socks[7] is first[7] and first[8][1].closed and not first[7][1].closed
    links.ports = {"vtep0": 4, "v-x": 7}                    # index 7 is another port now
    socks = p.sync()
    assert [n for n, _s in socks.values()] == ["v-x"] and first[7][1].closed, socks
    p.close()
    assert all(s.closed for s in opened)
    assert [s.name for s in opened] == ["v-v11", "v-v12", "v-m1", "v-x"], [s.name for s in opened]
    # a port that cannot be bound (gone meanwhile) is said and tried again
    # at the next look

    def refuse(name):
        raise OSError(19, "No such device")
    p = capture.Ports(lambda: capture.bridge_ports("br0", ("vtep0",), links), refuse)
    with helpers.Said() as said:
        assert p.sync() == {}
    assert "v-x: [Errno 19] No such device" in said.text, said.text


if __name__ == "__main__":
    sys.exit(helpers.main())
