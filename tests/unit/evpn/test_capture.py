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


def bpf_run(prog, pkt):
    """A classic BPF interpreter for the opcodes the agent's filter uses:
    the bytes accepted (0: dropped)."""
    pc = a = 0
    while True:
        code, jt, jf, k = prog[pc]
        if code == 0x28:        # ldh [k]
            if k + 2 > len(pkt):
                return 0
            a = struct.unpack_from("!H", pkt, k)[0]
        elif code == 0x30:      # ldb [k]
            if k + 1 > len(pkt):
                return 0
            a = pkt[k]
        elif code == 0x15:      # jeq #k
            pc += jt if a == k else jf
        elif code == 0x06:      # ret #k
            return min(k, len(pkt))
        else:
            raise AssertionError("opcode %#x not interpreted" % code)
        pc += 1


@test
def filter_passes_arp_tagged_ns_na_and_nothing_else():
    f = capture.SNOOP_BPF
    assert bpf_run(f, eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11")))
    assert bpf_run(f, eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11"), vlan=10))
    assert bpf_run(f, eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11", 1, VM)))
    assert bpf_run(f, eth(VM, 0x86dd, icmp6("2001:db8::12", 136, "2001:db8::12", 2, VM)))
    # IPv4, an ICMPv6 echo request, a router solicitation, UDP over IPv6
    assert not bpf_run(f, eth(VM, 0x0800, bytes(40)))
    assert not bpf_run(f, eth(VM, 0x86dd, icmp6("2001:db8::12", 128, "2001:db8::11")))
    assert not bpf_run(f, eth(VM, 0x86dd, icmp6("2001:db8::12", 133, "2001:db8::11")))
    udp6 = bytearray(icmp6("2001:db8::12", 135, "2001:db8::11"))
    udp6[6] = 17
    assert not bpf_run(f, eth(VM, 0x86dd, bytes(udp6)))


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


if __name__ == "__main__":
    sys.exit(helpers.main())
