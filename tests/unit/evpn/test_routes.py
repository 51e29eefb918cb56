#!/usr/bin/python3
"""vtep-evpn's routes.py and the agent around it: the other VTEPs' routes,
the holds their withdrawals wait out, and when withdrawals are applied
(sessions up, one reflector of two, a resync). Prints TAP."""
import sys
import time
import types

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import RR, FakeGobgpd, FakeVtep, Said, need_stubs, new_agent, remote_path, test
from vtep_evpn.evpn import T2


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
    assert "fdb del %s vni 100 dev vtep0 owner evpn" % mA in vtep.batches[-1], vtep.batches[-1]


@test
def only_the_agents_own_entries_are_read_installed_and_deleted():
    """the agent installs and deletes with owner evpn, and reads back only
    its own entries: an operator's static entry in its VNI is not its to
    delete, however few routes the reflector sends"""
    need_stubs()
    mA, mU = "02:00:00:00:02:01", "02:00:00:00:09:09"
    pA = remote_path("192.0.2.2", (T2, 100, mA))
    g = FakeGobgpd([pA])
    vtep = FakeVtep(fdb={(100, mU): "192.0.2.9"}, owners={(100, mU): "user"})
    a = new_agent(g, vtep, "--hold", "0")
    a.resync()
    a.program()
    added = vtep.lines("replace")
    assert added and all(l.endswith(" owner evpn") for l in added), vtep.batches
    assert "fdb replace %s vni 100 dst 192.0.2.2 dev vtep0 owner evpn" % mA in added, added
    assert not [l for l in vtep.lines("del") if mU in l], vtep.batches
    assert (100, mU) not in a.prog.fdb, a.prog.fdb


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
    assert "fdb del %s vni 200 dev vtep0 owner evpn" % macs[0] in vtep.lines("del"), vtep.batches
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


if __name__ == "__main__":
    sys.exit(helpers.main())
