# Addresses of local VMs, from the ARP and ND they send: a packet socket
# with a kernel filter, and the parser of what passes it.
import ipaddress
import socket
import struct
import time

from .util import WARNING, log

# A kernel filter passes ARP, VLAN-tagged frames and ICMPv6 NS/NA (next
# header 58 at 20, type at 54) of an untagged frame; python parses the rest.
SNOOP_BPF = [
    (0x28, 0, 0, 12),       # ldh [12]: ethertype
    (0x15, 7, 0, 0x0806),   # ARP: accept
    (0x15, 6, 0, 0x8100),   # 802.1Q: accept (parsed in python)
    (0x15, 0, 6, 0x86dd),   # not IPv6: drop
    (0x30, 0, 0, 20),       # ldb [20]: next header
    (0x15, 0, 4, 58),       # not ICMPv6: drop
    (0x30, 0, 0, 54),       # ldb [54]: ICMPv6 type
    (0x15, 1, 0, 135),      # NS: accept
    (0x15, 0, 1, 136),      # NA: accept, else drop
    (0x06, 0, 0, 256),      # accept 256 bytes
    (0x06, 0, 0, 0),        # drop
]
SOL_PACKET, PACKET_AUXDATA, PACKET_OUTGOING = 263, 8, 4
TP_STATUS_VLAN_VALID = 0x10


def snoop_socket():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))   # ETH_P_ALL
    import ctypes
    prog = b"".join(struct.pack("HBBI", *i) for i in SNOOP_BPF)
    buf = ctypes.create_string_buffer(prog, len(prog))
    s.setsockopt(socket.SOL_SOCKET, 26,      # SO_ATTACH_FILTER
                 struct.pack("HL", len(SNOOP_BPF), ctypes.addressof(buf)))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    # what arrived before the filter was attached
    s.setblocking(False)
    try:
        while s.recv(1):
            pass
    except BlockingIOError:
        pass
    s.setblocking(True)
    return s


def snoop_addr(ip):
    """the address if a VM may own it: unicast, not link-local (fe80::/10,
    169.254/16: per link, never routed, not advertised), not 0.0.0.0 or ::"""
    try:
        a = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if a.is_unspecified or a.is_multicast or a.is_loopback or a.is_link_local or \
            (a.version == 4 and (a.packed == b"\xff" * 4 or a.packed[0] == 0)):
        return None
    return str(a)


def parse_snoop(frame, vlan):
    """(vlan, ip, mac) that a frame a VM sent says it owns, else None:
    ARP requests, replies and gratuitous ARP (sender), NS (source, with its
    source link-layer option or the frame's source; not DAD, from ::), NA
    (target, with its target link-layer option). The MAC must be the frame's
    source: a VM speaks for itself only."""
    if len(frame) < 42:
        return None
    src = frame[6:12]
    et, off = struct.unpack_from("!H", frame, 12)[0], 14
    if et == 0x8100:
        vlan = struct.unpack_from("!H", frame, 14)[0] & 0xfff
        et, off = struct.unpack_from("!H", frame, 16)[0], 18
    ip = mac = None
    if et == 0x0806 and len(frame) >= off + 28:
        htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", frame, off)
        if htype != 1 or ptype != 0x0800 or hlen != 6 or plen != 4 or op not in (1, 2):
            return None
        mac, ip = frame[off + 8:off + 14], socket.inet_ntop(socket.AF_INET, frame[off + 14:off + 18])
    elif et == 0x86dd and len(frame) >= off + 64:
        if frame[off + 6] != 58 or frame[off + 7] != 255:
            return None
        icmp = off + 40
        t = frame[icmp]
        if t == 135:
            ip, want = socket.inet_ntop(socket.AF_INET6, frame[off + 8:off + 24]), 1
        elif t == 136:
            ip, want = socket.inet_ntop(socket.AF_INET6, frame[icmp + 8:icmp + 24]), 2
        else:
            return None
        mac, o = src, icmp + 24
        while o + 8 <= len(frame) and frame[o + 1]:
            if frame[o] == want:
                mac = frame[o + 2:o + 8]
                break
            o += frame[o + 1] * 8
    else:
        return None
    ip = snoop_addr(ip)
    if ip is None or mac != src or src[0] & 1:
        return None
    return vlan, ip, ":".join("%02x" % b for b in mac)


def snoop_loop(put, skip):
    """ARP and NS/NA received from the bridge's ports (not what the bridge
    sends them, not what arrives on the interfaces in SKIP: the vtep device
    and the bridge), each given to PUT as (port, vlan, ip, mac)"""
    while True:
        try:
            sk = snoop_socket()
            while True:
                data, anc, _fl, addr = sk.recvmsg(256, socket.CMSG_SPACE(20))
                if addr[2] == PACKET_OUTGOING or addr[0] in skip:
                    continue
                vlan = None
                for lvl, typ, d in anc:
                    if lvl == SOL_PACKET and typ == PACKET_AUXDATA and len(d) >= 20:
                        st, _l, _sl, _m, _n, tci = struct.unpack_from("IIIHHH", d)
                        if st & TP_STATUS_VLAN_VALID:
                            vlan = tci & 0xfff
                r = parse_snoop(data, vlan)
                if r:
                    put((addr[0],) + r)
        except OSError as e:
            log("ARP/ND snooping: %s; retrying in 5 s" % e, WARNING)
            time.sleep(5)
