#!/usr/bin/python3
"""vtep-evpn's sticky MACs (RFC 7432 section 15.2; FRR's static MACs): the
MAC Mobility community's sticky flag encoded and decoded, `sticky MAC vni
VNI` in the configuration, and the best-route rules: a sticky route is
never beaten by a higher sequence nor by a local learn, and a MAC sticky
here and elsewhere is a duplicate. Prints TAP."""
import sys

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import (FakeGobgpd, FakeVtep, Said, ecs_of, need_stubs, new_agent, refused,
                     remote_path, settings, test)
from vtep_evpn import evpn
from vtep_evpn.evpn import T2
from vtep_evpn.program import Programmer
from vtep_evpn.routes import Routes

M = "02:00:00:00:0a:01"
R1, R2 = "192.0.2.2", "192.0.2.3"


def sticky_path(nh, key, seq=0, sticky=True):
    p = remote_path(nh, key, seq)
    if sticky:
        p.CopyFrom(evpn.Codec(65000, nh, {100: None, 200: None}).make_path(key, seq, True))
        p.neighbor_ip = helpers.RR
    return p


def sent(g):
    """(key, seq, sticky) of the paths the agent added to gobgpd"""
    st = helpers.stubs
    out = []
    for r in g.sent:
        for p in r.paths:
            n = st.unpack(p.nlri, st.attr.EVPNMACIPAdvertisementRoute)
            if n is None or p.is_withdraw:
                continue
            mm = [e for e in ecs_of(p) if isinstance(e, st.attr.MacMobilityExtended)]
            out.append((n.mac_address, n.ip_address, mm[0].sequence_num if mm else 0,
                        bool(mm and mm[0].is_sticky)))
    return out


@test
def the_sticky_flag_is_encoded_and_decoded():
    """make_path(sticky) carries the MAC Mobility community with the
    sticky flag, at sequence 0 too; decode gives a 4th value, True; a
    route without it keeps its 3 values"""
    need_stubs()
    c = evpn.Codec(65000, R1, {100: None})
    for seq in (0, 7):
        p = c.make_path((T2, 100, M), seq, True)
        mm = [e for e in ecs_of(p) if isinstance(e, helpers.stubs.attr.MacMobilityExtended)]
        assert len(mm) == 1 and mm[0].is_sticky and mm[0].sequence_num == seq, mm
        p.neighbor_ip = helpers.RR
        k, v = new_agent().codec.decode(p)
        assert k[:3] == (T2, 100, M) and v == (R1, seq, "", True), (k, v)
    p = c.make_path((T2, 100, M, "203.0.113.1"), 3)
    p.neighbor_ip = helpers.RR
    k, v = new_agent().codec.decode(p)
    assert v == (R1, 3, "203.0.113.1"), v
    assert not [e for e in ecs_of(c.make_path((T2, 100, M), 0))
                if isinstance(e, helpers.stubs.attr.MacMobilityExtended)]


@test
def sticky_lines_of_the_configuration_are_read_and_checked():
    s = settings(conf="sticky 02:00:00:00:0A:01 vni 100\nsticky 02:00:00:00:0a:02 vni 200\n")
    assert s.sticky == {(100, M), (200, "02:00:00:00:0a:02")}, s.sticky
    for bad in ("sticky %s\n" % M, "sticky %s vlan 100\n" % M, "sticky 03:00:00:00:00:01 vni 100\n",
                "sticky 02:00:00:00:00 vni 100\n", "sticky %s vni 0\n" % M):
        refused(conf=bad)


@test
def a_sticky_route_beats_any_sequence_and_the_device_follows_it():
    """R1's sticky route at sequence 0 against R2's at 9: R1's wins, the
    FDB entry goes to R1, the conflict is counted; two sticky routes: the
    usual rules between them, counted too; the sticky one gone, sequence rules again"""
    rt = Routes(3.0, 10.0)
    dev = FakeVtep()
    prog = Programmer(dev, "vtep0", {100: None})
    k1, k2 = (T2, 100, M, "", R1 + ":100"), (T2, 100, M, "", R2 + ":100")
    rt.learned(k1, (R1, 0, "", True))
    with Said() as said:
        rt.learned(k2, (R2, 9, ""))
    assert rt.remote_best((100, M)) == (R1, 0, True), rt.remote_best((100, M))
    assert rt.sticky_conflicts == 1 and "sticky at %s" % R1 in said.text, said.text
    prog.update(rt, {}, rt.take_touched(), False)
    assert prog.fdb == {(100, M): R1}, prog.fdb
    prog.program(rt.routes, {}, False)          # the full recompute agrees
    assert prog.fdb == {(100, M): R1}, prog.fdb
    with Said():
        rt.learned(k2, (R2, 9, "", True))
    # between two sticky routes, the usual rules: the higher sequence
    assert rt.remote_best((100, M)) == (R2, 9, True) and rt.sticky_conflicts == 2
    rt.learned(k2, (R2, 9, ""))
    rt.del_route(k1)
    assert rt.remote_best((100, M)) == (R2, 9, False)
    prog.update(rt, {}, rt.take_touched(), False)
    assert prog.fdb == {(100, M): R2}, prog.fdb


@test
def a_local_learn_does_not_override_a_remote_sticky_mac():
    """the bridge learns a MAC another VTEP pinned: not advertised, the
    device keeps the remote's entry, logged and counted once; a local MAC
    the sticky route arrives for moved away"""
    need_stubs()
    g = FakeGobgpd([])
    a = new_agent(g)
    a.resync()
    a.on_paths([sticky_path(R1, (T2, 100, M), 0)])
    a.program()
    with Said() as said:
        for _ in range(3):
            a.ours.local_seen((100, M), "tap0", None)
    assert (100, M) not in a.ours.local_macs and not a.ours.to_adv, a.ours.to_adv
    assert a.ours.sticky_conflicts == 1 and said.text.count("sticky at") == 1, said.text
    a.program()
    assert a.prog.fdb == {(100, M): R1}, a.prog.fdb
    m2 = "02:00:00:00:0a:02"
    a.ours.local_seen((100, m2), "tap1", None)
    a.ours.flush_adv()
    a.on_paths([sticky_path(R1, (T2, 100, m2), 0)])   # sequence 0 < ours, sticky
    assert (100, m2) not in a.ours.local_macs, "a sticky route did not move it away"


@test
def a_sticky_mac_here_is_advertised_sticky_and_keeps_it():
    """configured sticky: advertised with the flag (its MAC+IP route too);
    a remote's non-sticky route at a higher sequence does not make us
    withdraw (logged, counted); sticky at another VTEP too: a duplicate,
    frozen, withdrawn, and show says so"""
    need_stubs()
    g = FakeGobgpd([])
    a = new_agent(g, None, conf="sticky %s vni 100\n" % M)
    a.resync()
    a.ours.local_seen((100, M), "tap0", None)
    a.ours.local_ip((100, M), "203.0.113.1")
    a.ours.flush_adv()
    assert sorted(sent(g)) == [(M, "", 0, True), (M, "203.0.113.1", 0, True)], sent(g)
    with Said() as said:
        a.on_paths([remote_path(R1, (T2, 100, M), 5)])
    assert (100, M) in a.ours.local_macs and not a.ours.to_wd, a.ours.to_wd
    assert a.ours.sticky_conflicts == 1 and "sticky here" in said.text, said.text
    with Said() as said:
        a.on_paths([sticky_path(R2, (T2, 100, M), 0)])
    l = a.ours.local_macs[(100, M)]
    assert l.get("dup") and a.ours.is_frozen((100, M)), l
    assert "duplicate MAC %s vni 100: sticky here and at %s" % (M, R2) in said.text, said.text
    assert (T2, 100, M) in a.ours.to_wd, a.ours.to_wd
    doc = helpers.agent.control.state(a)
    e = [e for v in doc["vnis"] for e in v["localMacs"] if e["mac"] == M][0]
    assert e.get("duplicate") and e.get("sticky"), e
    assert doc["agent"]["stickyConflicts"] == 2, doc["agent"]
    r = [e for v in doc["vnis"] for e in v["remoteMacs"] if e["vtep"] == R2][0]
    assert r.get("sticky"), r


if __name__ == "__main__":
    sys.exit(helpers.main())
