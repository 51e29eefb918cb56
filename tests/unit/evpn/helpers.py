"""What the host unit tests of vtep-evpn (userspace/evpn/vtep_evpn) share:
the paths, gobgp's stubs of this tree, the @test registry and the TAP
runner (`ok N - evpn:NAME`, then `1..N`), and the agent built through its
constructor beside fakes of vtepctl and of gobgpd's gRPC API, with the
helpers that read the paths it makes. tests/unit/test_evpn.py runs every
tests/unit/evpn/test_*.py in one TAP stream; each also runs alone."""
import os
import sys
import tempfile
import threading
import traceback
import types

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
EVPN = os.path.join(TOP, "userspace", "evpn")
AGENT = os.path.join(EVPN, "vtep-evpn")
STUBS = os.path.join(TOP, "build", "evpn-stubs")
sys.path.insert(0, EVPN)
from vtep_evpn import agent, config, evpn, stubs  # noqa: E402


def need_stubs():
    """gobgp's stubs of this tree (make evpn-stubs), as the agent loads them"""
    if stubs.pb is None:
        if not os.path.isfile(os.path.join(STUBS, "gobgp_pb2.py")):
            raise AssertionError("no %s/gobgp_pb2.py: make evpn-stubs" % STUBS)
        sys.path.insert(0, STUBS)
        stubs.load(STUBS)
    return stubs


T = []


def test(fn):
    T.append(fn)
    return fn


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
    dst, of owner evpn unless OWNERS ((vni, mac) -> owner) says otherwise)
    as its JSON says them, filtered by "owner X" as vtepctl does; the
    batches it was given"""

    def __init__(self, vnis=(100, 200), fdb=None, owners=None):
        self.vnis, self.fdb, self.batches = vnis, dict(fdb or {}), []
        self.owners = dict(owners or {})

    def json(self, *args):
        if args[:2] == ("vni", "show"):
            return [{"vni": v} for v in self.vnis]
        if args[:2] == ("fdb", "show"):
            want = args[args.index("owner") + 1] if "owner" in args else None
            out = []
            for (v, m), d in self.fdb.items():
                owner = self.owners.get((v, m), "evpn")
                if want is None or owner == want:
                    out.append({"vni": v, "mac": m, "dst": d, "owner": owner})
            return out
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


def refused(*args, conf=""):
    """settings(ARGS, CONF) exits with status 2, as the agent does on a
    bad command line or configuration; what it said on stderr"""
    with Said() as said:
        try:
            settings(*args, conf=conf)
        except SystemExit as e:
            rc = e.code
        else:
            rc = 0
    assert rc == 2, "accepted (status %s): %r %r" % (rc, args, conf)
    return said.text


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


# ---- the paths the agent makes, read back ----
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


def main():
    """the tests registered, as TAP: 1 if one failed or none ran"""
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
    return 1 if failed or not T else 0
