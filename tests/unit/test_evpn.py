#!/usr/bin/python3
"""Host unit tests of vtep-evpn (userspace/evpn/vtep_evpn): the packet
filter that passes ARP and NS/NA to the agent, the parser that turns them
into (vlan, ip, mac), the address rules, the configuration file, the
bridge monitor's lines; route targets, RDs and labels as FRR has them;
the agent itself, built through its constructor beside fakes of vtepctl
and of gobgpd's gRPC API (withdrawals, holds, sessions, neighbours,
retries, logging); where it imports gobgp's stubs and its package from
(build/evpn-stubs, `make evpn-stubs`) and which gobgpd it accepts. Prints
TAP.

The frames are built here byte by byte (no scapy), so each test states the
layout it feeds; the paths are made by the agent's own codec, as another
VTEP's agent would."""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
EVPN = os.path.join(TOP, "userspace", "evpn")
AGENT = os.path.join(EVPN, "vtep-evpn")
STUBS = os.path.join(TOP, "build", "evpn-stubs")
sys.path.insert(0, EVPN)
from vtep_evpn import agent, capture, config, evpn, stubs  # noqa: E402
from vtep_evpn.evpn import T2, T3  # noqa: E402


def need_stubs():
    """gobgp's stubs of this tree (make evpn-stubs), as the agent loads them"""
    if stubs.pb is None:
        if not os.path.isfile(os.path.join(STUBS, "gobgp_pb2.py")):
            raise AssertionError("no %s/gobgp_pb2.py: make evpn-stubs" % STUBS)
        sys.path.insert(0, STUBS)
        stubs.load(STUBS)
    return stubs

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


T = []


def test(fn):
    T.append(fn)
    return fn


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


@test
def the_configuration_file_is_read_and_errors_are_refused():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("# a comment\nasn 65000\nlocal 192.0.2.1\nvni 100 vlan 10\n"
                "vni 200\nsuppress on   # trailing comment\nmax-ips 4\n")
    try:
        c = config.parse_config(f.name)
        assert c["vnis"] == {100: 10, 200: None}, c
        assert (c["asn"], c["local"], c["suppress"], c["max-ips"]) == \
            ("65000", "192.0.2.1", "on", "4"), c
    finally:
        os.unlink(f.name)
    for bad in ("vni x\n", "asn\n", "colour blue\n", "local 192.0.2.1 extra\n"):
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
            f.write(bad)
        try:
            try:
                config.parse_config(f.name)
            except SystemExit as e:
                assert e.code == 2, (bad, e.code)
            else:
                raise AssertionError("accepted: %r" % bad)
        finally:
            os.unlink(f.name)


# ---- the agent, built through its constructor, beside fakes of vtepctl
# and gobgpd ----
RR = "192.0.2.254"


def settings(*args, conf=""):
    """config.settings() of the command line ARGS and the file text CONF,
    AS 65000 and local 192.0.2.1 unless given"""
    fd, path = tempfile.mkstemp(suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(conf)
    try:
        base = [] if "--asn" in args or "asn " in conf else ["--asn", "65000"]
        base += [] if "--local" in args or "local " in conf else ["--local", "192.0.2.1"]
        return config.settings(["-c", path, "--vtepctl", "/bin/false", "--bridge", "br0"] +
                               base + list(args))
    finally:
        os.unlink(path)


class FakeVtep:
    """vtepctl: the device's VNIS and static FDB entries FDB ((vni, mac) ->
    dst) as its JSON says them; the batches it was given"""

    def __init__(self, vnis=(100, 200), fdb=None):
        self.vnis, self.fdb, self.batches = vnis, dict(fdb or {}), []

    def json(self, *args):
        if args[:2] == ("vni", "show"):
            return [{"vni": v} for v in self.vnis]
        if args[:2] == ("fdb", "show"):
            return [{"vni": v, "mac": m, "dst": d} for (v, m), d in self.fdb.items()]
        return []

    def batch(self, lines):
        self.batches.append(list(lines))
        return 0

    def lines(self, word=""):
        return [l for b in self.batches for l in b if word in l.split()]


class FakeGobgpd:
    """gobgpd's gRPC API as the agent calls it: a table of PATHS, PEERS
    (address -> (session state, admin state, configured admin-down, was up))"""

    def __init__(self, paths=(), peers=None, router_id="192.0.2.1"):
        pb = need_stubs().pb
        self.paths = list(paths)
        self.peers = peers if peers is not None else {RR: (pb.PeerState.ESTABLISHED, pb.PeerState.UP,
                                                            False, True)}
        self.router_id = router_id
        self.sent, self.enabled = [], []

    def GetBgp(self, req, timeout=None):
        pb = stubs.pb
        return pb.GetBgpResponse(**{"global": pb.Global(asn=65000, router_id=self.router_id)})

    def ListPath(self, req, timeout=None):
        return [types.SimpleNamespace(destination=types.SimpleNamespace(paths=list(self.paths)))]

    def ListPeer(self, req, timeout=None):
        pb = stubs.pb
        out = []
        for a, (st, adm, conf_down, was_up) in self.peers.items():
            peer = pb.Peer(conf=pb.PeerConf(neighbor_address=a, admin_down=conf_down),
                           state=pb.PeerState(neighbor_address=a, session_state=st, admin_state=adm))
            if was_up:
                peer.timers.state.uptime.seconds = 1700000000
            out.append(pb.ListPeerResponse(peer=peer))
        return out

    def EnablePeer(self, req, timeout=None):
        self.enabled.append(req.address)

    def AddPathStream(self, reqs, timeout=None):
        self.sent.extend(reqs)

    def WatchEvent(self, req):
        """a stream that stays open, with no event"""
        def stream():
            threading.Event().wait()
            yield None
        return stream()


class Said:
    """what the agent writes on stderr within a with block"""

    def __enter__(self):
        self.f, self.saved = tempfile.TemporaryFile("w+"), sys.stderr
        sys.stderr = self.f
        return self

    def __exit__(self, *exc):
        sys.stderr = self.saved
        self.f.seek(0)
        self.text = self.f.read()
        self.f.close()
        return False


def new_agent(gobgpd=None, vtep=None, *args, conf=""):
    """an Agent of settings(ARGS, CONF) on VTEP, discovered and connected
    to GOBGPD"""
    gobgpd = gobgpd or FakeGobgpd()
    a = agent.Agent(settings(*args, conf=conf), vtep=vtep or FakeVtep(),
                    dial=lambda target: (types.SimpleNamespace(close=lambda: None), gobgpd))
    a.discover()
    assert a.connect()
    return a


def remote_path(nh, key, seq=0, withdraw=False, asn=65000, vnis=(100, 200), exports=None):
    """a path of the VTEP NH (AS ASN) for KEY, as gobgpd gives it from the
    reflector; its route targets FRR's auto-RT, or EXPORTS[vni] (2-octet
    AS type)"""
    c = evpn.Codec(asn, nh, {v: None for v in vnis})
    p = c.make_path(key, seq)
    if exports:
        st = stubs
        for pa in p.pattrs:
            ec = st.unpack(pa, st.attr.ExtendedCommunitiesAttribute)
            if ec:
                keep = [c for c in ec.communities if not c.Is(st.attr.TwoOctetAsSpecificExtended.DESCRIPTOR)]
                del ec.communities[:]
                ec.communities.extend([st.pack(st.attr.TwoOctetAsSpecificExtended(
                    is_transitive=True, sub_type=2, asn=a, local_admin=n)) for a, n in exports[key[1]]] + keep)
                pa.Pack(ec)
    p.neighbor_ip = RR
    p.is_withdraw = withdraw
    return p


@test
def withdrawals_leave_together_marked_and_at_the_top_sequence():
    """withdraw() queues; flush_wd() sends the burst as one AddPathStream of
    is_withdraw paths, each at sequence 0xffffffff (gobgpd refuses a
    withdrawal below the best path's); a route re-queued for advertising
    meanwhile stays, one never advertised is not sent"""
    st = need_stubs()
    m1, m2, m3 = "02:00:00:00:02:01", "02:00:00:00:02:02", "02:00:00:00:02:03"
    g = FakeGobgpd()
    a = new_agent(g)
    del g.sent[:]
    k1, k2, k1ip = (T2, 100, m1), (T2, 100, m2), (T2, 100, m1, "203.0.113.5")
    a.ours.advertised = {k1: 1, k2: 0, k1ip: 1}
    a.ours.withdraw(k1, k1ip)
    a.ours.withdraw(k2)
    a.ours.withdraw((T2, 100, m3))
    assert not g.sent, "sent before the flush"
    a.ours.to_adv[k2] = 1            # m2 is back before the burst left
    a.ours.flush_wd()
    assert len(g.sent) == 1, g.sent
    got = set()
    for p in g.sent[0].paths:
        assert p.is_withdraw, p
        n = st.unpack(p.nlri, st.attr.EVPNMACIPAdvertisementRoute)
        seqs = [c.sequence_num for pa in p.pattrs
                for ec in [st.unpack(pa, st.attr.ExtendedCommunitiesAttribute)] if ec
                for c in [st.unpack(x, st.attr.MacMobilityExtended) for x in ec.communities] if c]
        assert seqs == [0xffffffff], seqs
        got.add((n.mac_address, n.ip_address))
    assert got == {(m1, ""), (m1, "203.0.113.5")}, got
    assert a.ours.advertised == {k2: 0} and a.ours.to_wd == set(), (a.ours.advertised, a.ours.to_wd)


@test
def a_route_missing_from_the_table_at_a_resync_is_held():
    """gobgpd came back: the table read at the resync may lack a route the
    reflector sends in a later update (seen on a slow guest: one of the FRR
    host's MACs, deleted and re-added). A route known before and missing
    now is held --vtep-hold, so its entry stays; if it arrives meanwhile
    nothing is deleted, if it does not it is deleted when the hold ends"""
    need_stubs()
    mA, mB = "02:00:00:00:02:01", "02:00:00:00:03:02"
    pA = remote_path("192.0.2.2", (T2, 100, mA))
    pB = remote_path("192.0.2.3", (T2, 200, mB))
    g = FakeGobgpd([pA, pB])
    vtep = FakeVtep(fdb={(100, mA): "192.0.2.2", (200, mB): "192.0.2.3"})
    a = new_agent(g, vtep, "--hold", "0.2", "--vtep-hold", "10")
    a.resync()                  # both known
    kA, kB = a.codec.decode(pA)[0], a.codec.decode(pB)[0]
    assert kA in a.rt.routes and kB in a.rt.routes, a.rt.routes
    a.disconnected("test")      # gobgpd went, and came back without kB yet
    g.paths = [pA]
    assert a.connect()
    a.resync()
    assert not vtep.lines("del"), vtep.batches
    assert kB in a.rt.pending and a.rt.pending[kB] > time.monotonic() + 5, a.rt.pending
    a.expire_pending()          # within the hold: kept
    assert kB in a.rt.routes, a.rt.routes
    # kB's update arrives: the hold is over and nothing was deleted
    a.on_paths([pB])
    a.program()
    assert kB not in a.rt.pending, a.rt.pending
    assert not vtep.lines("del"), vtep.batches
    # a route that never comes back is deleted when its hold ends
    g.paths = [pB]
    a.frozen = True
    a.resync()
    a.rt.pending[kA] = time.monotonic() - 1
    a.rt.leaving.clear()
    a.expire_pending()
    a.program()
    assert "fdb del %s vni 100 dev vtep0" % mA in vtep.batches[-1], vtep.batches[-1]


@test
def withdrawals_are_applied_only_while_the_sessions_are_up():
    """a gobgpd being stopped withdraws every route it learned; on a loaded
    host they trickle in over more than --hold before the stream ends (seen:
    one of the FRR host's MACs deleted on h1). Withdrawals due are applied
    only if gobgpd says a session is up; else they are dropped and the
    agent waits for the next resync"""
    pb = need_stubs().pb
    macs = ("02:00:00:00:03:02", "02:00:00:00:03:03", "02:00:00:00:03:04")

    def agent_with_one_withdrawn(state):
        g = FakeGobgpd([remote_path("192.0.2.3", (T2, 200, m)) for m in macs])
        a = new_agent(g, None, "--hold", "0")
        a.resync()
        assert not a.frozen and len(a.rt.routes) == 3, a.rt.routes
        g.peers[RR] = (state,) + g.peers[RR][1:]
        a.on_paths([remote_path("192.0.2.3", (T2, 200, macs[0]), withdraw=True)])
        k = a.codec.decode(remote_path("192.0.2.3", (T2, 200, macs[0])))[0]
        assert k in a.rt.pending, a.rt.pending       # one VM's (not a burst)
        return a, k
    a, k = agent_with_one_withdrawn(pb.PeerState.IDLE)  # the session went as gobgpd stops
    a.expire_pending()
    assert k in a.rt.routes and not a.rt.pending and a.frozen, (a.rt.routes, a.rt.pending)
    assert a.peers == {RR: False}, a.peers
    a, k = agent_with_one_withdrawn(pb.PeerState.ESTABLISHED)  # a VM stopped: applied
    a.expire_pending()
    assert k not in a.rt.routes and a.dirty and not a.frozen, a.rt.routes


@test
def deletions_flow_while_one_of_two_reflectors_is_up():
    """two reflectors, one stopped for maintenance: the other still has
    every route, and a VM stopped meanwhile must be withdrawn everywhere.
    One session down froze every deletion until all were up again"""
    pb = need_stubs().pb
    RR2 = "192.0.2.253"
    macs = ("02:00:00:00:03:02", "02:00:00:00:03:03", "02:00:00:00:03:04")
    up = (pb.PeerState.ESTABLISHED, pb.PeerState.UP, False, True)
    g = FakeGobgpd([remote_path("192.0.2.3", (T2, 200, m)) for m in macs], peers={RR: up, RR2: up})
    vtep = FakeVtep(fdb={(200, m): "192.0.2.3" for m in macs})
    a = new_agent(g, vtep, "--hold", "0")
    a.resync()
    assert not a.frozen and a.peers == {RR: True, RR2: True}, a.peers
    g.peers[RR2] = (pb.PeerState.IDLE,) + up[1:]
    a.on_peer(types.SimpleNamespace(peer=pb.Peer(state=pb.PeerState(
        neighbor_address=RR2, session_state=pb.PeerState.IDLE))))
    assert not a.frozen, "frozen by one reflector of two"
    gone = remote_path("192.0.2.3", (T2, 200, macs[0]), withdraw=True)
    a.on_paths([gone])
    a.expire_pending()
    a.program()
    assert "fdb del %s vni 200 dev vtep0" % macs[0] in vtep.lines("del"), vtep.batches
    # and with no session up, nothing is deleted
    g.peers[RR] = (pb.PeerState.IDLE,) + up[1:]
    a.on_peer(types.SimpleNamespace(peer=pb.Peer(state=pb.PeerState(
        neighbor_address=RR, session_state=pb.PeerState.IDLE))))
    assert a.frozen
    a.on_paths([remote_path("192.0.2.3", (T2, 200, macs[1]), withdraw=True)])
    a.expire_pending()
    a.program()
    assert len(vtep.lines("del")) == 1, vtep.lines("del")
    # gobgpd restarted with one reflector of two in maintenance: the agent
    # resyncs with the one up (once the table is quiet), not never
    g.peers[RR] = up
    a = new_agent(g, vtep, "--hold", "0")
    assert a.frozen and a.peers == {RR: True, RR2: False}, a.peers
    a.up_since, a.next_bridge = time.monotonic() - 11, time.monotonic() + 100
    with Said():
        a.step(timeout=0)
    assert not a.frozen and a.resynced_once, "no resync with one reflector of two"


@test
def a_restart_enables_waiting_neighbours_and_leaves_drained_ones_down():
    """neighbours configured admin-down wait for the agent (a restarted
    gobgpd opens them once it holds our routes): enabled. One an operator
    disabled (gobgp neighbor X disable: a reflector drained), whether it
    was configured admin-down or not, was up before: left down"""
    pb = need_stubs().pb
    idle, down = pb.PeerState.IDLE, pb.PeerState.DOWN
    g = FakeGobgpd(peers={
        "192.0.2.251": (idle, down, True, False),    # waiting since gobgpd started
        "192.0.2.252": (idle, down, False, True),    # drained
        "192.0.2.253": (idle, down, True, True),     # waited, enabled, then drained
        RR: (pb.PeerState.ESTABLISHED, pb.PeerState.UP, True, True)})
    new_agent(g)
    assert g.enabled == ["192.0.2.251"], g.enabled


@test
def log_lines_carry_their_priority_to_the_journal():
    """under systemd (JOURNAL_STREAM names stderr) each line starts with
    <N>, its syslog priority, which journald files it under; elsewhere the
    agent's name, and error: or warning: as they are"""
    from vtep_evpn import util
    saved = os.environ.get("JOURNAL_STREAM")
    try:
        with Said() as said:
            st = os.fstat(sys.stderr.fileno())
            os.environ["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
            util.log("connected", util.NOTICE)
            util.log("lost gobgpd", util.WARNING)
            util.log("not shown", util.DEBUG)
            try:
                util.die("no AS number", 2)
            except SystemExit:
                pass
        assert said.text.splitlines() == ["<5>connected", "<4>warning: lost gobgpd",
                                          "<3>error: no AS number"], said.text
        with Said() as said:
            os.environ["JOURNAL_STREAM"] = "1:1"    # another stream: not the journal
            util.log("connected", util.NOTICE)
            util.log("lost gobgpd", util.WARNING)
        assert said.text.splitlines() == ["vtep-evpn: connected", "vtep-evpn: warning: lost gobgpd"], \
            said.text
    finally:
        if saved is None:
            os.environ.pop("JOURNAL_STREAM", None)
        else:
            os.environ["JOURNAL_STREAM"] = saved


@test
def a_wrong_configuration_line_is_named_with_what_is_wrong():
    """exit 2 (the unit does not restart it), naming the file, the line
    and what is wrong with it; a vni line's unknown option was ignored"""
    cases = [("asn 65000\nvni 100 colour blue\n", ":2:", "colour: not vlan"),
             ("vni 100 vlan\n", ":1:", "vlan without a value"),
             ("vni 100 vlan 10 vlan 20\n", ":1:", "vlan: not vlan (once)"),
             ("vni x\n", ":1:", "x is not a number"),
             ("colour blue\n", ":1:", "colour is no setting"),
             ("local 192.0.2.1 extra\n", ":1:", "local takes one value"),
             ("vni 100 import-rt 65000:x\n", ":1:", "route target 65000:x is not ASN:NN or *:NN"),
             ("router-id 2001:db8::1\n", "router-id", "not an IPv4 address")]
    for text, where, why in cases:
        with Said() as said:
            try:
                settings(conf=text)
            except SystemExit as e:
                rc = e.code
            else:
                rc = 0
        assert rc == 2 and where in said.text and why in said.text, (text, rc, said.text)


@test
def an_unreachable_gobgpd_is_retried_with_backoff_and_said():
    """gobgpd absent: the agent retried every 0.5 s and never said so. Now
    it says what is missing (naming /etc/gobgpd.conf, which Debian's
    gobgpd.service needs), at the 1st, 2nd, 4th, 8th... try, and waits
    0.5 s, doubling up to 5 s; once gobgpd answers, it says so and the
    delay starts over"""
    from vtep_evpn import gobgp
    need_stubs()
    g = FakeGobgpd()
    up = [False]

    def dial(target):
        if not up[0]:
            raise gobgp.Unreachable("does not answer: is gobgpd running (... /etc/gobgpd.conf ...)?")
        return types.SimpleNamespace(close=lambda: None), g
    a = agent.Agent(settings(), vtep=FakeVtep(), dial=dial)
    a.discover()
    delays, now = [], 1000.0
    with Said() as said:
        for _ in range(9):
            a.try_connect(now)
            delays.append(a.next_connect - now)
            now = a.next_connect
        up[0] = True
        a.try_connect(now)
    assert delays == [0.5, 1, 2, 4, 5, 5, 5, 5, 5], delays
    lines = [l for l in said.text.splitlines() if "gobgpd at 127.0.0.1:50051" in l and
             "connected" not in l]
    assert len(lines) == 5 and all("/etc/gobgpd.conf" in l for l in lines[:4]), lines
    assert [l.split("try ")[1].split(",")[0] for l in lines[:4]] == ["1", "2", "4", "8"], lines
    assert "answered after 10 tries" in lines[4] and a.stub is g, lines
    assert a.retry.next() == 0.5
    # what gobgp.dial says of a port where no gobgpd listens
    t = time.monotonic()
    try:
        gobgp.dial("127.0.0.1:9")
    except gobgp.Unreachable as e:
        assert "does not answer" in str(e) and "/etc/gobgpd.conf" in str(e) and \
            "--api-hosts" in str(e), str(e)
    else:
        raise AssertionError("a gobgpd on port 9")
    assert time.monotonic() - t < 5


@test
def a_missing_module_is_waited_for_a_while_then_named():
    """the vtep module absent (vtepctl exits 3): the agent died at once and
    systemd restarted it until it gave up. It now waits, saying so at each
    try, and after the bound stops naming what to do; a module that comes
    meanwhile is taken"""
    from vtep_evpn.program import VtepError

    class LateVtep(FakeVtep):
        def __init__(self, missing):
            FakeVtep.__init__(self)
            self.missing = missing

        def json(self, *args):
            if self.missing:
                self.missing -= 1
                raise VtepError("vtepctl -j %s: generic netlink family \"vtep\" not found: "
                                "is the vtep module loaded? (exit 3)" % " ".join(args), 3)
            return FakeVtep.json(self, *args)
    slept = []
    a = agent.Agent(settings(), vtep=LateVtep(3), dial=None)
    with Said() as said:
        a.wait_device(sleep=slept.append, bound=120)
    assert slept == [1, 2, 4] and a.vnis == {100: None, 200: None}, (slept, a.vnis)
    assert said.text.count("module is not loaded") == 3, said.text
    slept = []
    a = agent.Agent(settings(), vtep=LateVtep(10 ** 6), dial=None)
    with Said() as said:
        try:
            a.wait_device(sleep=slept.append, bound=60)
        except VtepError as e:
            err = str(e)
        else:
            raise AssertionError("no error")
    assert sum(slept) >= 60 and slept[-1] == 10 and "modprobe vtep" in err, (slept, err)


@test
def the_example_and_the_man_pages_configurations_are_accepted():
    """examples/evpn.conf, with its commented settings too, and the man
    page's CONFIGURATION FILE and EXAMPLES blocks parse"""
    texts = []
    ex = open(os.path.join(TOP, "examples", "evpn.conf")).read()
    texts += [ex, "\n".join(l[2:] if l.startswith("# ") and not l.startswith("# /") and
                            not l.startswith("#  ") else l for l in ex.splitlines())]
    man = open(os.path.join(EVPN, "vtep-evpn.8")).read()
    for sect in (".SH CONFIGURATION FILE", ".SH EXAMPLES"):
        block = man[man.index(sect):]
        block = block[block.index(".in +4\n") + 7:block.index(".in\n")]
        texts.append(block.replace("\\-", "-"))
    assert "import-rt" in texts[1] and "asn 4200000001" in texts[3], texts
    for t in texts:
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write(t)
            f.flush()
            with Said() as said:
                try:
                    c = config.parse_config(f.name)
                except SystemExit:
                    c = None
            assert c and c["vnis"], (t, said.text)


@test
def a_mac_moved_here_takes_the_next_sequence_and_keeps_max_ips():
    """Local, alone: a MAC another VTEP advertises with sequence N is ours
    at N+1 (RFC 7432 section 15), its addresses at the same; at most
    --max-ips addresses, the oldest withdrawn first; an address another
    local MAC claims moves to it"""
    need_stubs()
    from vtep_evpn.local import Local
    codec = evpn.Codec(65000, "192.0.2.1", {100: None})
    remote = {(100, "02:00:00:00:06:01"): ("192.0.2.2", 4)}
    ours = Local(codec, codec.vnis, 2, remote.get, "192.0.2.1")
    ours.stub = object()                    # connected: withdrawals are queued
    m1, m2 = (100, "02:00:00:00:06:01"), (100, "02:00:00:00:06:02")
    with Said():
        assert ours.local_seen(m1, "vm1", None) and not ours.local_seen(m1, "vm1", None)
        assert ours.local_seen(m2, "vm2", None)
    assert ours.to_adv == {(T2, 100, m1[1]): 5, (T2, 100, m2[1]): 0}, ours.to_adv
    ours.advertised.update(ours.to_adv)
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        ours.local_ip(m1, ip)
        ours.advertised[(T2, 100, m1[1], ip)] = 5
    assert list(ours.local_ips[m1]) == ["203.0.113.2", "203.0.113.3"], ours.local_ips
    assert ours.to_wd == {(T2, 100, m1[1], "203.0.113.1")}, ours.to_wd
    assert ours.to_adv[(T2, 100, m1[1], "203.0.113.3")] == 5
    ours.on_snoop("vm2", None, "203.0.113.3", m2[1], ("vtep0", "br0"))    # moved to m2
    assert list(ours.local_ips[m1]) == ["203.0.113.2"] and list(ours.local_ips[m2]) == ["203.0.113.3"]
    assert (T2, 100, m1[1], "203.0.113.3") in ours.to_wd
    assert ours.desired_local() == {(T3, 100): 0, (T2, 100, m1[1]): 5, (T2, 100, m2[1]): 0,
                                    (T2, 100, m1[1], "203.0.113.2"): 5,
                                    (T2, 100, m2[1], "203.0.113.3"): 0}, ours.desired_local()
    assert ours.local_gone(m2) and not ours.local_gone(m2)
    # its routes: the advertised one withdrawn, the one never sent dropped
    assert (T2, 100, m2[1]) in ours.to_wd and (T2, 100, m2[1], "203.0.113.3") not in ours.to_adv, \
        (ours.to_wd, ours.to_adv)


@test
def the_bridge_monitors_lines_give_vm_ports_entries_only():
    """bridge monitor fdb lines of the bridge's VM ports, in a VLAN of a
    VNI: (deleted, (vni, mac), port, vlan); the vtep port's, the bridge's,
    permanent ones, another bridge's and other VLANs' are not ours"""
    from vtep_evpn.bridge import Bridge
    b = Bridge("br0", "vtep0", {10: 100, None: 200})
    cases = [("02:00:00:00:07:01 dev vm1 vlan 10 master br0\n", (False, (100, "02:00:00:00:07:01"), "vm1", 10)),
             ("Deleted 02:00:00:00:07:01 dev vm1 vlan 10 master br0\n",
              (True, (100, "02:00:00:00:07:01"), "vm1", 10)),
             ("02:00:00:00:07:0A dev vm2 master br0\n", (False, (200, "02:00:00:00:07:0a"), "vm2", None)),
             ("02:00:00:00:07:01 dev vtep0 vlan 10 master br0\n", None),
             ("02:00:00:00:07:01 dev br0 vlan 10 master br0 permanent\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 10 master br0 permanent\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 10 master br1\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 30 master br0\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 10\n", None), ("\n", None)]
    for line, want in cases:
        assert b.parse(line) == want, (line, b.parse(line), want)


def ecs_of(path):
    """the extended communities of PATH, unpacked"""
    st = stubs
    out = []
    for pa in path.pattrs:
        ec = st.unpack(pa, st.attr.ExtendedCommunitiesAttribute)
        for c in ec.communities if ec else ():
            out.append(st.unpack(c, st.attr.TwoOctetAsSpecificExtended,
                                 st.attr.FourOctetAsSpecificExtended, st.attr.EncapExtended,
                                 st.attr.MacMobilityExtended))
    return out


def rts_of(path):
    """(type, asn, number) of PATH's route targets: type 2 or 4 octets"""
    st = stubs
    return [(4 if isinstance(e, st.attr.FourOctetAsSpecificExtended) else 2, e.asn, e.local_admin)
            for e in ecs_of(path) if isinstance(e, (st.attr.TwoOctetAsSpecificExtended,
                                                    st.attr.FourOctetAsSpecificExtended))
            and e.sub_type == 2]


def rd_of(path):
    st = stubs
    n = st.unpack(path.nlri, st.attr.EVPNMACIPAdvertisementRoute,
                  st.attr.EVPNInclusiveMulticastEthernetTagRoute)
    rd = st.unpack(n.rd, st.attr.RouteDistinguisherIPAddress)
    assert rd is not None, ("not a type-1 RD", n.rd)
    return rd.admin, rd.assigned


@test
def routes_of_other_ases_are_imported_on_the_vni_as_frr_does():
    """eBGP, an AS a host: FRR's auto-RT is AS:VNI with the sender's AS
    (its low 16 bits), and FRR imports it on the VNI with the AS masked.
    The agent of AS 65000 imports the routes of AS 65001 and of the 4-byte
    AS 4200000001 in VNIs 100 and 70000; a route of a VNI it does not run,
    or whose RT names another VNI, it leaves"""
    need_stubs()
    vtep = FakeVtep(vnis=(100, 70000))
    a = new_agent(None, vtep)
    m = "02:00:00:00:05:01"
    for asn in (65000, 65001, 4200000001):
        for vni in (100, 70000):
            p = remote_path("192.0.2.5", (T2, vni, m), asn=asn, vnis=(100, 70000, 300))
            assert rts_of(p) == [(2, asn & 0xFFFF, vni)], rts_of(p)
            k, v = a.codec.decode(p)
            assert k is not None and k[:3] == (T2, vni, m) and v[0] == "192.0.2.5", (asn, vni, k)
        p = remote_path("192.0.2.5", (T3, 70000), asn=asn, vnis=(100, 70000))
        k, v = a.codec.decode(p)
        assert k is not None and k[:2] == (T3, 70000), (asn, k)
    # VNI 300 is not ours; a route of VNI 100 whose only RT names 70000
    assert a.codec.decode(remote_path("192.0.2.5", (T2, 300, m), vnis=(100, 300)))[0] is None
    p = remote_path("192.0.2.5", (T2, 100, m), exports={100: [(65001, 70000)]})
    assert a.codec.decode(p)[0] is None, "imported on a foreign RT"


@test
def the_vni_is_the_routes_label_not_its_route_target():
    """RFC 8365: the label carries the VNI. A route of VNI 200 (its label)
    with a manual RT 65000:5000, which VNI 200 imports, is VNI 200's"""
    need_stubs()
    a = new_agent(None, None, conf="vni 100\nvni 200 import-rt 65000:5000\n")
    m = "02:00:00:00:05:02"
    p = remote_path("192.0.2.5", (T2, 200, m), exports={200: [(65000, 5000)]})
    k, v = a.codec.decode(p)
    assert k is not None and k[:3] == (T2, 200, m), k
    p = remote_path("192.0.2.5", (T3, 200), exports={200: [(65000, 5000)]})
    k, v = a.codec.decode(p)
    assert k is not None and k[:2] == (T3, 200), k


@test
def manual_and_wildcard_import_rts_replace_the_auto_rt():
    """import-rt ASN:NN matches exactly, *:NN any AS; a VNI with import
    RTs takes no route on its auto-RT, one without keeps the auto-RT"""
    need_stubs()
    a = new_agent(None, FakeVtep(vnis=(100, 200, 300)), conf="vni 100 import-rt 65010:100\n"
                  "vni 200 import-rt *:777 import-rt 65020:1\nvni 300\n")
    m = "02:00:00:00:05:03"
    cases = [(100, [(65010, 100)], True), (100, [(65001, 100)], False),
             (100, [(65010, 101)], False), (200, [(65099, 777)], True),
             (200, [(65020, 1)], True), (200, [(65021, 1)], False),
             (200, [(65001, 200)], False), (300, [(4200000001, 300)], True),
             (300, [(65001, 301)], False)]
    for vni, rts, want in cases:
        p = remote_path("192.0.2.5", (T2, vni, m), vnis=(100, 200, 300), exports={vni: rts})
        k = a.codec.decode(p)[0]
        assert (k is not None) == want, (vni, rts, want, k)


@test
def exported_rts_are_frrs_auto_rt_or_the_configured_ones():
    """by default AS:VNI with the AS's low 16 bits in a 2-octet-AS RT, as
    FRR's auto-RT (a 4-byte AS is not cut silently anywhere else: a
    configured RT of a 4-byte AS goes out as a 4-octet-AS RT); configured
    export RTs replace it"""
    need_stubs()
    for asn in (65000, 4200000001):
        a = new_agent(None, FakeVtep(vnis=(100, 70000)), "--asn", str(asn))
        for vni in (100, 70000):
            assert rts_of(a.codec.make_path((T3, vni), 0)) == [(2, asn & 0xFFFF, vni)], (asn, vni)
            assert rts_of(a.codec.make_path((T2, vni, "02:00:00:00:05:04"), 3)) == \
                [(2, asn & 0xFFFF, vni)]
    a = new_agent(None, None, "--asn", "4200000001",
                  conf="vni 100 export-rt 4200000001:100 export-rt 65000:7\nvni 200\n")
    assert rts_of(a.codec.make_path((T3, 100), 0)) == [(4, 4200000001, 100), (2, 65000, 7)], \
        rts_of(a.codec.make_path((T3, 100), 0))
    assert rts_of(a.codec.make_path((T3, 200), 0)) == [(2, 4200000001 & 0xFFFF, 200)]
    # a number a 4-octet-AS RT cannot carry is refused, not cut
    for bad in ("vni 100 export-rt 4200000001:70000\n", "vni 100 import-rt 4200000001:70000\n",
                "vni 100 export-rt *:100\n", "vni 100 import-rt 65000\n",
                "vni 100 export-rt 4294967296:1\n"):
        with Said():
            try:
                settings(conf=bad)
            except SystemExit as e:
                assert e.code == 2, (bad, e.code)
            else:
                raise AssertionError("accepted: %r" % bad)


@test
def rds_are_router_id_and_an_index_unique_for_any_vni():
    """type 1 RDs, ROUTER-ID:N, as FRR's: an RD's number has 16 bits, so
    VNI:VNI put 70000 on 4464 and 65636 on 100. Every VNI of a host gets
    its own RD, whatever its VNIs"""
    need_stubs()
    for vnis in ((100, 65636), (4464, 70000), (1, 2, 65535, 65536, 70000, 16777215)):
        a = new_agent(None, FakeVtep(vnis=vnis))
        rds = [rd_of(a.codec.make_path((T3, v), 0)) for v in vnis] + \
            [rd_of(a.codec.make_path((T2, v, "02:00:00:00:05:05"), 0)) for v in vnis]
        assert all(r[0] == "192.0.2.1" and 0 < r[1] <= 0xFFFF for r in rds), rds
        assert len(set(rds)) == len(vnis), (vnis, rds)
        # a VNI up to 65535 keeps its own number, as before
        assert all(rd_of(a.codec.make_path((T3, v), 0))[1] == v for v in vnis if v <= 0xFFFF)


@test
def an_ipv6_underlay_takes_its_rds_from_the_router_id():
    """an IPv6 local address has no room in a type-1 RD (gobgp made it
    0.0.0.0:VNI on every host): the RDs take gobgpd's router ID, or
    router-id of the configuration; with neither, the agent says so and
    advertises nothing"""
    need_stubs()
    g = FakeGobgpd(router_id="192.0.2.9")
    a = new_agent(g, None, "--local", "2001:db8::1")
    p = a.codec.make_path((T3, 100), 0)
    assert rd_of(p) == ("192.0.2.9", 100), rd_of(p)
    st = stubs
    n = st.unpack(p.nlri, st.attr.EVPNInclusiveMulticastEthernetTagRoute)
    assert n.ip_address == "2001:db8::1", n
    a = new_agent(g, None, "--local", "2001:db8::1", "--router-id", "198.51.100.7")
    assert rd_of(a.codec.make_path((T3, 100), 0)) == ("198.51.100.7", 100)
    # the local address as gobgpd writes next hops: our own routes, come
    # back from the reflector, are ours however the address was written
    a = new_agent(g, None, "--local", "2001:0db8:0:0::0001")
    assert a.local == "2001:db8::1", a.local
    own = remote_path("2001:db8::1", (T2, 100, "02:00:00:00:05:06"))
    a.on_paths([own])
    assert not a.rt.routes, a.rt.routes
    g = FakeGobgpd(router_id="0.0.0.0")
    a = agent.Agent(settings("--local", "2001:db8::1"), vtep=FakeVtep(),
                    dial=lambda target: (types.SimpleNamespace(close=lambda: None), g))
    a.discover()
    with Said() as said:
        a.try_connect(0.0)
    assert a.stub is None and "router-id" in said.text and not g.sent, (said.text, g.sent)


@test
def our_routes_under_an_old_rd_are_withdrawn_under_it():
    """a new router ID (or an RD index moved by a VNI added) gives our
    routes new RDs: the ones gobgpd still holds under the old RD are
    withdrawn with that RD, not left beside the new ones"""
    need_stubs()
    old = evpn.Codec(65000, "192.0.2.1", {100: None, 200: None})
    m = "02:00:00:00:05:07"
    held = [old.make_path((T3, 100), 0), old.make_path((T3, 200), 0), old.make_path((T2, 100, m), 2)]
    g = FakeGobgpd(held, router_id="192.0.2.77")
    new_agent(g)
    wd = [p for r in g.sent for p in r.paths if p.is_withdraw]
    assert sorted(rd_of(p) for p in wd) == [("192.0.2.1", 100), ("192.0.2.1", 100),
                                            ("192.0.2.1", 200)], wd
    # the MAC's at the top sequence, as gobgpd wants a withdrawal
    seqs = [e.sequence_num for p in wd for e in ecs_of(p)
            if isinstance(e, stubs.attr.MacMobilityExtended)]
    assert seqs == [0xffffffff], seqs
    added = [p for r in g.sent for p in r.paths if not p.is_withdraw]
    assert sorted(rd_of(p) for p in added) == [("192.0.2.77", 100), ("192.0.2.77", 200)], added


# ---- where the gobgp stubs come from: a module planted where the agent
# imports from runs as root ----
STUB_NAMES = ("gobgp_pb2.py", "gobgp_pb2_grpc.py", "attribute_pb2.py", "capability_pb2.py")


def plant(d, marker):
    """stubs in D that, once imported, write D into MARKER and exit 42"""
    os.makedirs(d, mode=0o755, exist_ok=True)
    os.chmod(d, 0o755)
    for f in STUB_NAMES:
        with open(os.path.join(d, f), "w") as fh:
            fh.write("open(%r, 'a').write(%r)\nraise SystemExit(42)\n" % (marker, d + "\n"))
        os.chmod(os.path.join(d, f), 0o644)


def agent_copy(top, where=("tree", "userspace", "evpn"), lib=None):
    """the agent copied to TOP/WHERE/vtep-evpn, mode 755, and its package
    beside it (a tree's layout), or into TOP/LIB (an installation's); the
    agent's path"""
    d = os.path.join(top, *where)
    os.makedirs(d)
    for i in range(len(where)):
        os.chmod(os.path.join(top, *where[:i + 1]), 0o755)
    shutil.copy(AGENT, os.path.join(d, "vtep-evpn"))
    os.chmod(os.path.join(d, "vtep-evpn"), 0o755)
    pkg = os.path.join(top, *lib) if lib else d
    os.makedirs(pkg, mode=0o755, exist_ok=True)
    shutil.copytree(os.path.join(EVPN, "vtep_evpn"), os.path.join(pkg, "vtep_evpn"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    for root, dirs, files in os.walk(os.path.join(pkg, "vtep_evpn")):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    return os.path.join(d, "vtep-evpn")


def run_agent(agent, top, env=None):
    """the agent run to its stubs and a step beyond (vtepctl /bin/false
    fails its first, reading the device), $TMPDIR in TOP/tmp; (exit code,
    stderr). ENV: more environment, None removes a variable"""
    conf = os.path.join(top, "empty.conf")
    open(conf, "w").close()
    tmp = os.path.join(top, "tmp")
    os.makedirs(tmp, exist_ok=True)
    e = dict(os.environ, TMPDIR=tmp)
    e.pop("XDG_RUNTIME_DIR", None)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    r = subprocess.run([sys.executable, agent, "-c", conf, "--asn", "65000",
                        "--local", "192.0.2.1", "--vtepctl", "/bin/false"],
                       env=e, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stderr


@test
def stubs_in_the_temporary_directory_are_never_imported():
    """a user planted gobgp_pb2*.py in $TMPDIR/vtep-evpn-stubs-0 (/tmp under
    systemd), $XDG_RUNTIME_DIR/... or $VTEP_EVPN_STUBS: the agent imported
    them, as root. It looks beside itself only; with no stubs there it
    stops, naming where it looked and what to build, and generates
    nothing at run time"""
    top = tempfile.mkdtemp()
    try:
        agent = agent_copy(top)
        tmp = os.path.join(top, "tmp")
        planted = os.path.join(tmp, "vtep-evpn-stubs-%d" % os.getuid())
        marker = os.path.join(top, "imported")
        plant(planted, marker)
        before = sorted(os.listdir(tmp)), sorted(os.listdir(planted))
        for env in ({}, {"XDG_RUNTIME_DIR": tmp}, {"VTEP_EVPN_STUBS": planted}):
            rc, err = run_agent(agent, top, env)
            assert not os.path.exists(marker), (env, "imported " + open(marker).read(), err)
            assert (sorted(os.listdir(tmp)), sorted(os.listdir(planted))) == before, \
                (env, "written in $TMPDIR", os.listdir(tmp), os.listdir(planted))
            want = os.path.join(os.path.realpath(top), "tree", "build", "evpn-stubs")
            assert rc == 1 and want in err and "make evpn-stubs" in err, (env, rc, err)
    finally:
        shutil.rmtree(top)


@test
def stubs_others_can_write_are_refused():
    """the stubs of build/evpn-stubs beside the agent in a source tree, or
    of PREFIX/lib/vtep-evpn beside PREFIX/sbin/vtep-evpn, are imported
    (the control) only if they, all in their directory and the directories
    above it (sticky ones like /tmp aside) belong to root or the agent's
    user and no one else can write them; else the agent stops, naming
    the culprit"""
    top = tempfile.mkdtemp()
    root = os.geteuid() == 0

    def setup(name):
        t = os.path.join(top, name)
        os.mkdir(t, 0o755)
        agent = agent_copy(t)
        stubs = os.path.join(t, "tree", "build", "evpn-stubs")
        os.mkdir(os.path.join(t, "tree", "build"), 0o755)
        plant(stubs, os.path.join(t, "imported"))
        return t, agent, stubs

    def imported(t):
        return os.path.exists(os.path.join(t, "imported"))
    try:
        # the controls: a tree's, an installation's
        t, agent, stubs = setup("control")
        rc, err = run_agent(agent, t)
        assert rc == 42 and imported(t), ("safe stubs not imported", rc, err)
        t = os.path.join(top, "installed")
        os.mkdir(t, 0o755)
        agent = agent_copy(t, ("usr", "sbin"), ("usr", "lib", "vtep-evpn"))
        plant(os.path.join(t, "usr", "lib", "vtep-evpn"), os.path.join(t, "imported"))
        rc, err = run_agent(agent, t)
        assert rc == 42 and imported(t), ("installed stubs not imported", rc, err)

        def chown(p):
            os.chown(p, 65534, 65534)

        def pycache(p):
            os.mkdir(os.path.join(p, "__pycache__"))
            os.chmod(os.path.join(p, "__pycache__"), 0o777)
            return os.path.join(p, "__pycache__")

        def pkg_writable(p, f=""):
            """the package beside the agent: P is TREE/build/evpn-stubs"""
            q = os.path.join(os.path.dirname(os.path.dirname(p)), "userspace", "evpn", "vtep_evpn", f)
            os.chmod(q, 0o666 if f else 0o777)
            return q.rstrip("/")

        def symlink(p):
            other = os.path.join(os.path.dirname(os.path.dirname(p)), "elsewhere.py")
            shutil.copy(os.path.join(p, "gobgp_pb2.py"), other)
            os.unlink(os.path.join(p, "gobgp_pb2.py"))
            os.symlink(other, os.path.join(p, "gobgp_pb2.py"))
        cases = [
            ("world-writable", lambda p: os.chmod(p, 0o777) or p, "writable by group or others"),
            ("group-writable", lambda p: os.chmod(p, 0o775) or p, "writable by group or others"),
            ("a stub writable", lambda p: os.chmod(os.path.join(p, "gobgp_pb2.py"), 0o666) or
             os.path.join(p, "gobgp_pb2.py"), "writable by group or others"),
            ("__pycache__ writable", pycache, "writable by group or others"),
            ("build/ writable", lambda p: os.chmod(os.path.dirname(p), 0o777) or os.path.dirname(p),
             "writable by group or others"),
            ("a stub a symlink", lambda p: symlink(p) or os.path.join(p, "gobgp_pb2.py"),
             "not a regular file"),
            ("a stub missing", lambda p: os.unlink(os.path.join(p, "capability_pb2.py")) or
             "capability_pb2.py", "lacks"),
            ("the agent's package writable", lambda p: pkg_writable(p), "writable by group or others"),
            ("a module of the package writable", lambda p: pkg_writable(p, "agent.py"),
             "writable by group or others"),
        ]
        if root:
            cases += [
                ("owned by nobody", lambda p: chown(p) or p, "owned by uid 65534"),
                ("a stub owned by nobody", lambda p: chown(os.path.join(p, "attribute_pb2.py")) or
                 os.path.join(p, "attribute_pb2.py"), "owned by uid 65534"),
                ("build/ owned by nobody", lambda p: chown(os.path.dirname(p)) or os.path.dirname(p),
                 "owned by uid 65534"),
            ]
        for n, (name, spoil, why) in enumerate(cases):
            t, agent, stubs = setup("case%d" % n)
            culprit = spoil(stubs)
            rc, err = run_agent(agent, t)
            assert not imported(t), (name, "imported", err)
            assert rc == 1 and "refusing" in err and why in err and \
                culprit[len(t):] in err, (name, rc, err)
    finally:
        for d, _, _ in os.walk(top):
            os.chmod(d, 0o755)
        shutil.rmtree(top)


@test
def a_gobgpd_off_this_host_is_refused_unless_allowed():
    """gobgpd's gRPC API has no authentication: whoever reaches it rewrites
    the fabric's routes and this host's FDB. The agent talks to a gobgpd on
    a loopback address only (gobgpd --api-hosts 127.0.0.1:50051), unless
    --allow-remote-api (allow-remote-api on) says otherwise"""
    def run(conf_text, *args):
        """(exit code, stderr, the gobgpd the agent would talk to)"""
        stderr = sys.stderr
        with tempfile.TemporaryFile("w+") as sys.stderr:
            try:
                s = settings(*args, conf=conf_text)
                rc, target = 0, s.gobgpd
            except SystemExit as e:
                rc, target = e.code, None
            finally:
                sys.stderr.seek(0)
                err = sys.stderr.read()
                sys.stderr = stderr
        return rc, err, target
    for remote in ("192.0.2.254:50051", "0.0.0.0:50051", "[::]:50051", "gobgpd.example:50051"):
        rc, err, got = run("", "--gobgpd", remote)
        assert rc == 2 and got is None, (remote, rc, got)
        assert "%s is not a loopback address" % remote in err and "--api-hosts 127.0.0.1" in err and \
            "--allow-remote-api" in err, err
        rc, err, got = run("gobgpd %s\n" % remote)
        assert rc == 2 and got is None, (remote, rc, got)
        rc, err, got = run("", "--gobgpd", remote, "--allow-remote-api")
        assert rc == 0 and got == remote, (remote, rc, err)
        rc, err, got = run("gobgpd %s\nallow-remote-api on\n" % remote)
        assert rc == 0 and got == remote, (remote, rc, err)
        rc, err, got = run("gobgpd %s\nallow-remote-api off\n" % remote)
        assert rc == 2 and got is None, (remote, rc, got)
    rc, err, got = run("allow-remote-api yes\n")
    assert rc == 2 and "allow-remote-api" in err, (rc, err)
    for local in ("127.0.0.1:50051", "[::1]:50051", "localhost:50051"):
        rc, err, got = run("", "--gobgpd", local)
        assert rc == 0 and got == local, (local, rc, err)
    rc, err, got = run("")
    assert rc == 0 and got == "127.0.0.1:50051", (rc, err)
    for t in ("127.0.0.1:50051", "127.0.0.2:50051", "[::1]:50051", "localhost:50051",
              "ipv4:127.0.0.1:50051", "dns:///localhost:50051", "unix:/run/gobgpd.sock"):
        assert config.api_is_local(t), t
    for t in ("192.0.2.254:50051", "0.0.0.0:50051", ":50051", "[2001:db8::1]:50051", "[::]:50051",
              "[::ffff:192.0.2.254]:50051", "gobgpd.example:50051", "localhost.example:50051",
              "ipv4:127.0.0.1:50051,192.0.2.254:50051", "192.0.2.254"):
        assert not config.api_is_local(t), t


def main():
    failed = 0
    stderr = sys.stderr
    for n, fn in enumerate(T, 1):
        log = sys.stderr = tempfile.TemporaryFile("w+")    # die() writes there
        try:
            fn()
            print("ok %d - evpn:%s" % (n, fn.__name__))
        except (Exception, SystemExit):     # one test's failure must not stop the others
            failed += 1
            print("not ok %d - evpn:%s" % (n, fn.__name__))
            log.seek(0)     # what the agent said (die(): no gobgp stubs, make evpn-stubs)
            for line in traceback.format_exc().splitlines() + log.read().splitlines():
                print("#   " + line)
        finally:
            log.close()
            sys.stderr = stderr
    print("1..%d" % len(T))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
