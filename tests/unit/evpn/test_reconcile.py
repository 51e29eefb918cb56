#!/usr/bin/python3
"""vtep-evpn's incremental reconcile (program.py's update, routes.py's
touched keys): an event hands vtepctl exactly its delta, and any sequence
of events ends where the full recompute does. Prints TAP."""
import random
import sys

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import FakeGobgpd, FakeVtep, need_stubs, new_agent, remote_path, test
from vtep_evpn.evpn import T2, T3
from vtep_evpn.program import Programmer
from vtep_evpn.routes import Routes
from vtep_evpn.util import Touched

DEV = "vtep0"


class Device:
    """vtepctl -batch applied to a model of the device: what the agent owns"""

    def __init__(self):
        self.fdb, self.remotes, self.neighs, self.batches = {}, set(), {}, []

    def json(self, *args):
        return []

    def batch(self, lines):
        self.batches.append(list(lines))
        for l in lines:
            w = l.split()
            if w[:2] == ["fdb", "replace"]:
                self.fdb[(int(w[w.index("vni") + 1]), w[2])] = w[w.index("dst") + 1]
            elif w[:2] == ["fdb", "del"]:
                del self.fdb[(int(w[4]), w[2])]
            elif w[:2] == ["remote", "replace"]:
                self.remotes.add((int(w[4]), w[2]))
            elif w[:2] == ["remote", "del"]:
                self.remotes.remove((int(w[4]), w[2]))
            elif w[:2] == ["neigh", "replace"]:
                self.neighs[(int(w[w.index("vni") + 1]), w[2])] = w[4]
            elif w[:2] == ["neigh", "del"]:
                del self.neighs[(int(w[4]), w[2])]
            else:
                raise AssertionError("unknown line %r" % l)
        return 0

    def state(self):
        return self.fdb, self.remotes, self.neighs


def fresh():
    """routes, local MACs, a programmer and its device, built as the agent does"""
    dev = Device()
    return Routes(3.0, 10.0), Touched(), Programmer(dev, DEV, {100: None, 200: None}), dev


def step(rt, local, prog):
    """what Agent.program does between events"""
    macs, ips, rems = rt.take_touched()
    macs |= local.take()
    prog.update(rt, local, (macs, ips, rems), False)


def full_state(rt, local):
    """the device the full recompute gives from nothing"""
    dev = Device()
    Programmer(dev, DEV, {100: None, 200: None}).program(rt.routes, local, False)
    return dev.state()


def k2(vni, mac, ip="", nh="192.0.2.2"):
    return (T2, vni, mac, ip, nh + ":%d" % vni)


M1, M2 = "02:00:00:00:00:01", "02:00:00:00:00:02"


@test
def an_event_hands_vtepctl_only_its_delta():
    """one route learned is one line, whatever the table holds; its move,
    its withdrawal, a local learn of the MAC, a remote's type 3: each one
    line (two for a MAC+IP route: the entry and the neighbour)"""
    rt, local, prog, dev = fresh()
    for i in range(500):        # a table already programmed
        rt.learned(k2(200, "02:00:00:01:%02x:%02x" % (i >> 8, i & 255)), ("192.0.2.9", 0, ""))
    step(rt, local, prog)
    cases = [
        (lambda: rt.learned(k2(100, M1), ("192.0.2.2", 0, "")),
         ["fdb replace %s vni 100 dst 192.0.2.2 dev vtep0 owner evpn" % M1]),
        (lambda: rt.learned(k2(100, M1, "", "192.0.2.3"), ("192.0.2.3", 1, "")),
         ["fdb replace %s vni 100 dst 192.0.2.3 dev vtep0 owner evpn" % M1]),
        (lambda: rt.learned(k2(100, M2, "203.0.113.2"), ("192.0.2.2", 0, "203.0.113.2")),
         ["fdb replace %s vni 100 dst 192.0.2.2 dev vtep0 owner evpn" % M2,
          "neigh replace 203.0.113.2 lladdr %s vni 100 dev vtep0 owner evpn" % M2]),
        (lambda: rt.learned((T3, 100, "192.0.2.4", "192.0.2.4:100"), ("192.0.2.4", 0, "")),
         ["remote replace 192.0.2.4 vni 100 dev vtep0 owner evpn"]),
        (lambda: rt.apply([k2(100, M1, "", "192.0.2.3")] if rt.pending.update(
            {k2(100, M1, "", "192.0.2.3"): 0}) is None else []),
         ["fdb replace %s vni 100 dst 192.0.2.2 dev vtep0 owner evpn" % M1]),
        (lambda: local.__setitem__((100, M1), {"port": "tap0", "vlan": None, "seq": 1}),
         ["fdb del %s vni 100 dev vtep0 owner evpn" % M1]),
        (lambda: rt.del_route(k2(100, M2, "203.0.113.2")),
         ["fdb del %s vni 100 dev vtep0 owner evpn" % M2,
          "neigh del 203.0.113.2 vni 100 dev vtep0 owner evpn"]),
        (lambda: rt.del_route((T3, 100, "192.0.2.4", "192.0.2.4:100")),
         ["remote del 192.0.2.4 vni 100 dev vtep0 owner evpn"]),
        (lambda: None, []),
    ]
    for i, (event, want) in enumerate(cases):
        n = len(dev.batches)
        event()
        step(rt, local, prog)
        got = dev.batches[n] if len(dev.batches) > n else []
        assert sorted(got) == sorted(want), "event %d: got %s, want %s" % (i, got, want)
    assert dev.state() == full_state(rt, local)


@test
def incremental_events_end_where_the_full_recompute_does():
    """3,000 random events (routes learned, moved, withdrawn, type 3s,
    local MACs seen and gone, sticky routes), seed 28: after each, the
    device the deltas built equals the one the full recompute gives"""
    r = random.Random(28)
    rt, local, prog, dev = fresh()
    nhs = ["192.0.2.%d" % i for i in range(2, 6)]
    macs = ["02:00:00:00:00:%02x" % i for i in range(12)]
    ips = ["203.0.113.%d" % i for i in range(1, 6)] + ["2001:db8::%d" % i for i in range(1, 3)]
    for n in range(3000):
        vni, nh, mac = r.choice((100, 200)), r.choice(nhs), r.choice(macs)
        what = r.random()
        if what < 0.45:
            ip = r.choice(ips) if r.random() < 0.5 else ""
            v = (nh, r.randrange(4), ip) + ((True,) if r.random() < 0.1 else ())
            rt.learned(k2(vni, mac, ip, nh), v)
        elif what < 0.7 and rt.routes:
            rt.del_route(r.choice(sorted(rt.routes, key=repr)))
        elif what < 0.8:
            k = (T3, vni, nh, nh + ":%d" % vni)
            rt.learned(k, (nh, 0, "")) if r.random() < 0.6 else rt.del_route(k)
        elif what < 0.9:
            local[(vni, mac)] = {"port": "tap0", "vlan": None, "seq": 0}
        else:
            local.pop((vni, mac), None)
        step(rt, local, prog)
        full = full_state(rt, local)
        assert dev.state() == full, "event %d: %s != %s" % (n, dev.state(), full)
        assert (prog.fdb, prog.remotes, prog.neighs) == full, n


@test
def while_frozen_nothing_is_deleted_and_the_resync_sweeps():
    """frozen (after a reconnect, until the resync): the deltas add and
    change but delete nothing; the resync's full recompute then ends
    where a recompute from nothing does"""
    r = random.Random(2828)
    rt, local, prog, dev = fresh()
    for i in range(200):
        rt.learned(k2(100, "02:00:00:00:01:%02x" % i, "", "192.0.2.%d" % (2 + i % 3)),
                   ("192.0.2.%d" % (2 + i % 3), 0, ""))
    step(rt, local, prog)
    before = dict(dev.fdb)
    for n in range(300):
        k = r.choice(sorted(rt.routes, key=repr)) if rt.routes else None
        if r.random() < 0.5 and k:
            rt.del_route(k)
        else:
            mac = "02:00:00:00:01:%02x" % r.randrange(256)
            rt.learned(k2(100, mac, "", "192.0.2.9"), ("192.0.2.9", r.randrange(3), ""))
        macs, ips, rems = rt.take_touched()
        prog.update(rt, local, (macs | local.take(), ips, rems), True)
        assert not [l for b in dev.batches for l in b if " del " in " %s " % l]
        assert set(before) <= set(dev.fdb), n
    prog.program(rt.routes, local, False)      # the resync
    assert dev.state() == full_state(rt, local)


@test
def a_failed_batch_makes_the_next_program_a_full_one():
    """vtepctl failed: the programmer re-reads the device and recomputes
    every route next, so nothing an event touched is lost"""
    need_stubs()
    vtep = FakeVtep()
    a = new_agent(FakeGobgpd([]), vtep)
    a.resync()
    fail = [1]
    batch = vtep.batch
    vtep.batch = lambda lines: fail.pop() if fail else batch(lines)
    a.on_paths([remote_path("192.0.2.2", (T2, 100, M1))])
    a.program()
    assert a.prog.need_full and not a.prog.fdb, a.prog.fdb
    a.on_paths([remote_path("192.0.2.3", (T2, 200, M2))])
    a.program()
    assert a.prog.fdb == {(100, M1): "192.0.2.2", (200, M2): "192.0.2.3"}, a.prog.fdb
    assert not a.prog.need_full


if __name__ == "__main__":
    sys.exit(helpers.main())
