#!/usr/bin/python3
"""Host unit tests of vtep-evpn's pure parts: the packet filter that passes
ARP and NS/NA to the agent, the parser that turns them into (vlan, ip, mac),
the address rules, and the configuration file; where it imports gobgp's
stubs from (build/evpn-stubs, `make evpn-stubs`) and which gobgpd it
accepts. Prints TAP.

The frames are built here byte by byte (no scapy), so each test states the
layout it feeds."""
import importlib.machinery
import importlib.util
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.path.join(HERE, "..", "..", "userspace", "evpn", "vtep-evpn")
loader = importlib.machinery.SourceFileLoader("vtep_evpn", AGENT)
spec = importlib.util.spec_from_loader("vtep_evpn", loader)
ev = importlib.util.module_from_spec(spec)
loader.exec_module(ev)

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
    f = ev.SNOOP_BPF
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
        assert ev.parse_snoop(fr, 100) == (100, "203.0.113.12", "02:00:00:00:02:01"), op
    garp = eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.12"))
    assert ev.parse_snoop(garp, 5) == (5, "203.0.113.12", "02:00:00:00:02:01")


@test
def the_vlan_of_a_tagged_frame_is_the_tags():
    fr = eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11"), vlan=0x2014)
    assert ev.parse_snoop(fr, None) == (20, "203.0.113.12", "02:00:00:00:02:01")


@test
def arp_probes_and_foreign_senders_are_ignored():
    probe = eth(VM, 0x0806, arp(1, VM, "0.0.0.0", "203.0.113.12"))
    assert ev.parse_snoop(probe, 1) is None
    # a VM speaks for itself only: sender hardware address of another MAC
    proxy = eth(VM, 0x0806, arp(2, OTHER, "203.0.113.12", "203.0.113.11"))
    assert ev.parse_snoop(proxy, 1) is None
    # multicast source MAC
    mc = bytes.fromhex("010000000201")
    assert ev.parse_snoop(eth(mc, 0x0806, arp(1, mc, "203.0.113.12", "203.0.113.11")), 1) is None
    # not Ethernet/IPv4 ARP, not request or reply, cut short
    bad = bytearray(eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11")))
    bad[14 + 7] = 3         # RARP request
    assert ev.parse_snoop(bytes(bad), 1) is None
    assert ev.parse_snoop(eth(VM, 0x0806, arp(1, VM, "203.0.113.12", "203.0.113.11"))[:40], 1) is None


@test
def ns_gives_its_source_and_na_its_target():
    ns = eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11", 1, VM))
    assert ev.parse_snoop(ns, 100) == (100, "2001:db8::12", "02:00:00:00:02:01")
    # without the option, the frame's source MAC
    ns = eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11"))
    assert ev.parse_snoop(ns, 100) == (100, "2001:db8::12", "02:00:00:00:02:01")
    na = eth(VM, 0x86dd, icmp6("2001:db8::12", 136, "2001:db8::12", 2, VM))
    assert ev.parse_snoop(na, 100) == (100, "2001:db8::12", "02:00:00:00:02:01")


@test
def dad_link_local_hop_limit_and_foreign_options_are_ignored():
    dad = eth(VM, 0x86dd, icmp6("::", 135, "2001:db8::12"))
    assert ev.parse_snoop(dad, 1) is None
    ll = eth(VM, 0x86dd, icmp6("fe80::2", 135, "fe80::1", 1, VM))
    assert ev.parse_snoop(ll, 1) is None
    routed = eth(VM, 0x86dd, icmp6("2001:db8::12", 135, "2001:db8::11", 1, VM, hlim=64))
    assert ev.parse_snoop(routed, 1) is None
    other = eth(VM, 0x86dd, icmp6("2001:db8::12", 136, "2001:db8::12", 2, OTHER))
    assert ev.parse_snoop(other, 1) is None


@test
def only_addresses_a_vm_may_own_are_kept():
    assert ev.snoop_addr("203.0.113.5") == "203.0.113.5"
    assert ev.snoop_addr("2001:db8::5") == "2001:db8::5"
    for a in ("0.0.0.0", "255.255.255.255", "127.0.0.1", "169.254.1.1",
              "224.0.0.1", "0.1.2.3", "::", "::1", "fe80::1", "ff02::1", "x"):
        assert ev.snoop_addr(a) is None, a


@test
def the_configuration_file_is_read_and_errors_are_refused():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("# a comment\nasn 65000\nlocal 192.0.2.1\nvni 100 vlan 10\n"
                "vni 200\nsuppress on   # trailing comment\nmax-ips 4\n")
    try:
        c = ev.parse_config(f.name)
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
                ev.parse_config(f.name)
            except SystemExit as e:
                assert e.code == 2, (bad, e.code)
            else:
                raise AssertionError("accepted: %r" % bad)
        finally:
            os.unlink(f.name)


@test
def withdrawals_leave_together_marked_and_at_the_top_sequence():
    """withdraw() queues; flush_wd() sends the burst as one AddPathStream of
    is_withdraw paths, each at sequence 0xffffffff (gobgpd refuses a
    withdrawal below the best path's); a route re-queued for advertising
    meanwhile stays, one never advertised is not sent"""
    ev.load_stubs(None)
    m1, m2, m3 = "02:00:00:00:02:01", "02:00:00:00:02:02", "02:00:00:00:02:03"
    sent = []

    class Stub:
        def AddPathStream(self, reqs, timeout=None):
            sent.extend(reqs)

    a = ev.Agent.__new__(ev.Agent)
    a.stub, a.local, a.asn = Stub(), "192.0.2.1", 65000
    a.to_adv, a.to_wd = {}, set()
    k1, k2, k1ip = (ev.T2, 100, m1), (ev.T2, 100, m2), (ev.T2, 100, m1, "203.0.113.5")
    a.advertised = {k1: 1, k2: 0, k1ip: 1}
    a.withdraw(k1, k1ip)
    a.withdraw(k2)
    a.withdraw((ev.T2, 100, m3))
    assert not sent, "sent before the flush"
    a.to_adv[k2] = 1            # m2 is back before the burst left
    a.flush_wd()
    assert len(sent) == 1, sent
    got = set()
    for p in sent[0].paths:
        assert p.is_withdraw, p
        n = ev.unpack(p.nlri, ev.attr.EVPNMACIPAdvertisementRoute)
        seqs = [c.sequence_num for pa in p.pattrs
                for ec in [ev.unpack(pa, ev.attr.ExtendedCommunitiesAttribute)] if ec
                for c in [ev.unpack(x, ev.attr.MacMobilityExtended) for x in ec.communities] if c]
        assert seqs == [0xffffffff], seqs
        got.add((n.mac_address, n.ip_address))
    assert got == {(m1, ""), (m1, "203.0.113.5")}, got
    assert a.advertised == {k2: 0} and a.to_wd == set(), (a.advertised, a.to_wd)


def reflector_peer(session_state):
    """ListPeer's answer: the reflector 192.0.2.254 in SESSION_STATE"""
    st = types.SimpleNamespace(neighbor_address="192.0.2.254", session_state=session_state)
    return [types.SimpleNamespace(peer=types.SimpleNamespace(state=st))]

@test
def a_route_missing_from_the_table_at_a_resync_is_held():
    """gobgpd came back: the table read at the resync may lack a route the
    reflector sends in a later update (seen on a slow guest: one of the FRR
    host's MACs, deleted and re-added). A route known before and missing
    now is held --vtep-hold, so its entry stays; if it arrives meanwhile
    nothing is deleted, if it does not it is deleted when the hold ends"""
    ev.load_stubs(None)
    kA = (ev.T2, 100, "02:00:00:00:02:01", "", "192.0.2.2:100")
    kB = (ev.T2, 200, "02:00:00:00:03:02", "", "192.0.2.3:200")
    vA, vB = ("192.0.2.2", 0, ""), ("192.0.2.3", 0, "")

    def path(k, v):
        return types.SimpleNamespace(kv=(k, v), is_withdraw=False)
    table = [path(kA, vA)]          # kB's update has not come yet
    batches = []

    class Vtep:
        def batch(self, lines):
            batches.append(list(lines))
            return 0

    class Stub:
        def ListPath(self, req, timeout=None):
            d = types.SimpleNamespace(paths=list(table))
            return [types.SimpleNamespace(destination=d)]

        def ListPeer(self, req, timeout=None):
            return reflector_peer(ev.pb.PeerState.ESTABLISHED)

    a = ev.Agent.__new__(ev.Agent)
    a.stub, a.vtep, a.dev, a.local = Stub(), Vtep(), "vtep0", "192.0.2.1"
    a.is_local_path = lambda p: False
    a.decode = lambda p: p.kv
    a.read_programmed = lambda: None
    a.local_macs, a.neighs, a.remotes = {}, {}, set()
    a.hold, a.vtep_hold = 0.2, 10.0
    a.peers = {"192.0.2.254": True}
    a.pending, a.leaving, a.left = {}, {}, {}
    a.routes, a.bymac = {kA: vA, kB: vB}, {}
    a.fdb = {(100, kA[2]): vA[0], (200, kB[2]): vB[0]}
    a.frozen = True             # as after losing gobgpd
    a.resync()
    dels = [l for b in batches for l in b if " del " in " %s " % l]
    assert not dels, dels
    assert kB in a.pending and a.pending[kB] > time.monotonic() + 5, a.pending
    a.expire_pending()          # within the hold: kept
    assert kB in a.routes, a.routes
    # kB's update arrives: the hold is over and nothing was deleted
    a.on_paths([path(kB, vB)])
    a.program()
    assert kB not in a.pending, a.pending
    assert not [l for b in batches for l in b if " del " in " %s " % l], batches
    # a route that never comes back is deleted when its hold ends
    table[:] = [path(kB, vB)]
    a.frozen = True
    a.resync()
    a.pending[kA] = time.monotonic() - 1
    a.leaving.clear()
    a.expire_pending()
    a.program()
    assert "fdb del %s vni 100 dev vtep0" % kA[2] in batches[-1], batches[-1]


@test
def withdrawals_are_applied_only_while_the_sessions_are_up():
    """a gobgpd being stopped withdraws every route it learned; on a loaded
    host they trickle in over more than --hold before the stream ends (seen:
    one of the FRR host's MACs deleted on h1). Withdrawals due are applied
    only if gobgpd says every session is up; else they are dropped and the
    agent waits for the next resync"""
    ev.load_stubs(None)
    k = (ev.T2, 200, "02:00:00:00:03:02", "", "192.0.2.3:200")
    state = [ev.pb.PeerState.ESTABLISHED]

    class Stub:
        def ListPeer(self, req, timeout=None):
            return reflector_peer(state[0])

    def agent():
        a = ev.Agent.__new__(ev.Agent)
        a.stub, a.hold, a.vtep_hold = Stub(), 0.2, 10.0
        a.peers = {"192.0.2.254": True}
        a.leaving, a.left, a.absent = {}, {}, set()
        a.routes, a.bymac = {}, {}
        for m in ("02:00:00:00:03:02", "02:00:00:00:03:03", "02:00:00:00:03:04"):
            a.set_route((ev.T2, 200, m, "", "192.0.2.3:200"), ("192.0.2.3", 0, ""))
        a.pending = {k: time.monotonic() - 1}   # one VM's (not a burst)
        a.frozen, a.dirty, a.resync_at = False, False, None
        return a
    state[0] = ev.pb.PeerState.IDLE         # the session went as gobgpd stops
    a = agent()
    a.expire_pending()
    assert k in a.routes and not a.pending and a.frozen, (a.routes, a.pending)
    assert a.peers == {"192.0.2.254": False}, a.peers
    state[0] = ev.pb.PeerState.ESTABLISHED  # a VM stopped: applied
    a = agent()
    a.expire_pending()
    assert k not in a.routes and a.dirty and not a.frozen, a.routes

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


def agent_copy(top, where=("tree", "userspace", "evpn")):
    """the agent copied to TOP/WHERE/vtep-evpn, mode 755; its path"""
    d = os.path.join(top, *where)
    os.makedirs(d)
    for i in range(len(where)):
        os.chmod(os.path.join(top, *where[:i + 1]), 0o755)
    shutil.copy(AGENT, os.path.join(d, "vtep-evpn"))
    os.chmod(os.path.join(d, "vtep-evpn"), 0o755)
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
        agent = agent_copy(t, ("usr", "sbin"))
        os.mkdir(os.path.join(t, "usr", "lib"), 0o755)
        plant(os.path.join(t, "usr", "lib", "vtep-evpn"), os.path.join(t, "imported"))
        rc, err = run_agent(agent, t)
        assert rc == 42 and imported(t), ("installed stubs not imported", rc, err)

        def chown(p):
            os.chown(p, 65534, 65534)

        def pycache(p):
            os.mkdir(os.path.join(p, "__pycache__"))
            os.chmod(os.path.join(p, "__pycache__"), 0o777)
            return os.path.join(p, "__pycache__")

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
    started = []

    class Agent:
        def __init__(self, a):
            started.append(a.gobgpd)

        def run(self):
            pass

    def run(conf_text, *args):
        with open(conf, "w") as f:
            f.write(conf_text)
        sys.argv = ["vtep-evpn", "-c", conf, "--asn", "65000", "--local", "192.0.2.1"] + list(args)
        del started[:]
        with tempfile.TemporaryFile("w+") as sys.stderr:    # main() gives faulthandler its fd
            try:
                ev.main()
                rc = 0
            except SystemExit as e:
                rc = e.code
            finally:
                sys.stderr.seek(0)
                err = sys.stderr.read()
                sys.stderr = stderr
        return rc, err
    fd, conf = tempfile.mkstemp(suffix=".conf")
    os.close(fd)
    argv, agent, stderr = sys.argv, ev.Agent, sys.stderr
    ev.Agent = Agent
    try:
        for remote in ("192.0.2.254:50051", "0.0.0.0:50051", "[::]:50051", "gobgpd.example:50051"):
            rc, err = run("", "--gobgpd", remote)
            assert rc == 2 and not started, (remote, rc, started)
            assert "%s is not a loopback address" % remote in err and "--api-hosts 127.0.0.1" in err and \
                "--allow-remote-api" in err, err
            rc, err = run("gobgpd %s\n" % remote)
            assert rc == 2 and not started, (remote, rc, started)
            rc, err = run("", "--gobgpd", remote, "--allow-remote-api")
            assert rc == 0 and started == [remote], (remote, rc, err)
            rc, err = run("gobgpd %s\nallow-remote-api on\n" % remote)
            assert rc == 0 and started == [remote], (remote, rc, err)
            rc, err = run("gobgpd %s\nallow-remote-api off\n" % remote)
            assert rc == 2 and not started, (remote, rc, started)
        rc, err = run("allow-remote-api yes\n")
        assert rc == 2 and "allow-remote-api" in err, (rc, err)
        for local in ("127.0.0.1:50051", "[::1]:50051", "localhost:50051"):
            rc, err = run("", "--gobgpd", local)
            assert rc == 0 and started == [local], (local, rc, err)
        rc, err = run("")
        assert rc == 0 and started == ["127.0.0.1:50051"], (rc, err)
    finally:
        sys.argv, ev.Agent, sys.stderr = argv, agent, stderr
        os.unlink(conf)
    for t in ("127.0.0.1:50051", "127.0.0.2:50051", "[::1]:50051", "localhost:50051",
              "ipv4:127.0.0.1:50051", "dns:///localhost:50051", "unix:/run/gobgpd.sock"):
        assert ev.api_is_local(t), t
    for t in ("192.0.2.254:50051", "0.0.0.0:50051", ":50051", "[2001:db8::1]:50051", "[::]:50051",
              "[::ffff:192.0.2.254]:50051", "gobgpd.example:50051", "localhost.example:50051",
              "ipv4:127.0.0.1:50051,192.0.2.254:50051", "192.0.2.254"):
        assert not ev.api_is_local(t), t


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
