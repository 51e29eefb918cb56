# Addresses of local VMs, from the ARP and ND they send: a packet socket
# with a kernel filter, and the parser of what passes it.
import ipaddress
import json
import selectors
import socket
import struct
import subprocess
import time

from .util import WARNING, log

# The kernel filter: ARP and ICMPv6 NS/NA, untagged or with one 802.1Q
# tag, and nothing else reaches python. With VLAN offload (veth, most NICs)
# the kernel takes the tag out of the frame before the packet taps see it:
# the ancillary load SKF_AD_VLAN_TAG_PRESENT says so, and the frame is read
# as untagged (one more tag in it, QinQ, is dropped); a tag still in the
# frame (no offload) shifts every offset by 4. IPv6 is read at a fixed
# header: an NS or NA behind an extension header is dropped (RFC 4861
# messages carry hop limit 255 and no extension header in practice; the
# parser wants next header 58 at once too).
SKF_AD_OFF, SKF_AD_VLAN_TAG_PRESENT = -0x1000, 48
LD_W_ABS, LDH_ABS, LDB_ABS, JEQ_K, RET_K = 0x20, 0x28, 0x30, 0x15, 0x06


def assemble(src):
    """classic BPF (code, jt, jf, k) from SRC: label strings, and
    instructions whose jt and jf are 0 (the next) or a label (forward)"""
    at, n = {}, 0
    for i in src:
        if isinstance(i, str):
            at[i] = n
        else:
            n += 1
    prog = []
    for i in src:
        if isinstance(i, str):
            continue
        code, jt, jf, k = i
        pc = len(prog) + 1
        prog.append((code, at[jt] - pc if isinstance(jt, str) else jt,
                     at[jf] - pc if isinstance(jf, str) else jf, k & 0xffffffff))
    return prog


def _l3(base):
    """ARP or IPv6 ICMPv6 NS/NA with the ethertype in A and the network
    header at BASE"""
    return [
        (JEQ_K, "accept", 0, 0x0806),       # ARP
        (JEQ_K, 0, "drop", 0x86dd),         # not IPv6: drop
        (LDB_ABS, 0, 0, base + 6),          # next header
        (JEQ_K, 0, "drop", 58),             # not ICMPv6 at once: drop
        (LDB_ABS, 0, 0, base + 40),         # ICMPv6 type
        (JEQ_K, "accept", 0, 135),          # NS
        (JEQ_K, "accept", "drop", 136),     # NA, else drop
    ]


SNOOP_BPF = assemble(
    [(LD_W_ABS, 0, 0, SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT),
     (JEQ_K, "inband", 0, 0),               # the tag out of band:
     (LDH_ABS, 0, 0, 12),
     (JEQ_K, "drop", "untagged", 0x8100),   # a second tag in the frame: drop
     "inband",
     (LDH_ABS, 0, 0, 12),
     (JEQ_K, 0, "untagged", 0x8100),
     (LDH_ABS, 0, 0, 16),                   # one tag in the frame: 4 bytes on
     ] + _l3(18) + ["untagged"] + _l3(14) +
    ["accept", (RET_K, 0, 0, 256),
     "drop", (RET_K, 0, 0, 0)])
SOL_PACKET, PACKET_AUXDATA, PACKET_OUTGOING = 263, 8, 4
TP_STATUS_VLAN_VALID = 0x10
ETH_P_ALL = 3
RTMGRP_LINK = 1
RESCAN = 30                     # seconds between looks at the ports, events or not


def port_socket(ifname):
    """a packet socket of the filter, bound to the interface IFNAME: made
    with protocol 0 (it receives nothing), the filter attached, then bound
    to ETH_P_ALL on IFNAME, so no frame gets past the filter"""
    import ctypes
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        prog = b"".join(struct.pack("HBBI", *i) for i in SNOOP_BPF)
        buf = ctypes.create_string_buffer(prog, len(prog))
        s.setsockopt(socket.SOL_SOCKET, 26,      # SO_ATTACH_FILTER
                     struct.pack("HL", len(SNOOP_BPF), ctypes.addressof(buf)))
        s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        s.bind((ifname, ETH_P_ALL))
        s.setblocking(False)
    except OSError:
        s.close()
        raise
    return s


def ip_links(*args):
    """`ip -j link show ARGS` as a list ([] if ip fails: no such bridge);
    netlink's view, where /sys may be another namespace's"""
    r = subprocess.run(["ip", "-j", "link", "show"] + list(args), capture_output=True, text=True)
    try:
        return json.loads(r.stdout or "[]") if r.returncode == 0 else []
    except ValueError:
        return []


def bridge_ports(bridge, skip, links=ip_links):
    """{ifindex: name} of the ports of BRIDGE but those of SKIP (the vtep
    device): the VM-facing ports; {} if there is no such bridge"""
    if not bridge:
        return {}
    return {l["ifindex"]: l["ifname"] for l in links("master", bridge)
            if l.get("ifname") not in skip and l.get("master") == bridge and "ifindex" in l}


class Ports:
    """one packet socket per VM-facing port of the bridge: ports() gives
    {ifindex: name} now, OPEN(name) a socket; sync() binds the new ports
    and closes the sockets of those gone"""

    def __init__(self, ports, open_=port_socket):
        self.ports, self.open = ports, open_
        self.socks = {}                     # ifindex -> (name, socket)

    def sync(self):
        now = self.ports()
        for ix in list(self.socks):
            name, s = self.socks[ix]
            if now.get(ix) != name:
                s.close()
                del self.socks[ix]
        for ix, name in now.items():
            if ix in self.socks:
                continue
            try:
                self.socks[ix] = (name, self.open(name))
            except OSError as e:
                log("ARP/ND snooping on %s: %s" % (name, e), WARNING)
        return self.socks

    def close(self):
        for _name, s in self.socks.values():
            s.close()
        self.socks = {}


def link_events():
    """a netlink socket of rtnetlink's link events (a port added to the
    bridge or taken out of it, an interface gone): any message is a reason
    to look at the ports again"""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)     # NETLINK_ROUTE
    s.bind((0, RTMGRP_LINK))
    s.setblocking(False)
    return s


def drain(s):
    try:
        while s.recv(65536):
            pass
    except (BlockingIOError, InterruptedError):
        pass


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


def read_frame(sk):
    """(ifname, vlan, frame) of a frame SK received from its port, None if
    it was one sent to the port"""
    data, anc, _fl, addr = sk.recvmsg(256, socket.CMSG_SPACE(20))
    if addr[2] == PACKET_OUTGOING:
        return None
    vlan = None
    for lvl, typ, d in anc:
        if lvl == SOL_PACKET and typ == PACKET_AUXDATA and len(d) >= 20:
            st, _l, _sl, _m, _n, tci = struct.unpack_from("IIIHHH", d)
            if st & TP_STATUS_VLAN_VALID:
                vlan = tci & 0xfff
    return addr[0], vlan, data


def snoop_loop(put, bridge, skip):
    """ARP and NS/NA received on the ports of BRIDGE (not what the bridge
    sends them, not on the interfaces of SKIP: the vtep device), each given
    to PUT as (port, vlan, ip, mac); one socket a port, following the ports
    as they come and go. BRIDGE is a function giving the bridge's name."""
    while True:
        ports = Ports(lambda: bridge_ports(bridge(), skip))
        ev = None
        try:
            ev = link_events()
            while True:
                # the selector made again at each look: a socket closed by
                # sync() is never left in it
                with selectors.DefaultSelector() as sel:
                    sel.register(ev, selectors.EVENT_READ)
                    for _name, s in ports.sync().values():
                        sel.register(s, selectors.EVENT_READ)
                    snoop_some(sel, ev, put, skip, time.monotonic() + RESCAN)
        except OSError as e:
            log("ARP/ND snooping: %s; retrying in 5 s" % e, WARNING)
            time.sleep(5)
        finally:
            ports.close()
            if ev is not None:
                ev.close()


def snoop_some(sel, ev, put, skip, until):
    """the frames of the sockets of SEL, until a link event on EV, a port
    socket's error, or the time UNTIL"""
    while time.monotonic() < until:
        for key, _ in sel.select(max(0.0, until - time.monotonic())):
            if key.fileobj is ev:
                drain(ev)
                return
            try:
                r = read_frame(key.fileobj)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                return                          # its port went away
            if r and r[0] not in skip:
                p = parse_snoop(r[2], r[1])
                if p:
                    put((r[0],) + p)
