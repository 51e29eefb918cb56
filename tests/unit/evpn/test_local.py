#!/usr/bin/python3
"""vtep-evpn's local.py and bridge.py, this host's side: the MACs the
bridge monitor gives, the addresses of each, the routes that advertise
them and how their withdrawals leave. Prints TAP."""
import sys

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import FakeGobgpd, Said, need_stubs, new_agent, test
from vtep_evpn import evpn
from vtep_evpn.evpn import T2, T3


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
    VNI: (deleted, (vni, mac), port, vlan); one the bridge learned behind
    the vtep port is a deletion (the MAC left the VM ports); the bridge's,
    permanent ones, another bridge's and other VLANs' are not ours"""
    from vtep_evpn.bridge import Bridge
    b = Bridge("br0", "vtep0", {10: 100, None: 200})
    cases = [("02:00:00:00:07:01 dev vm1 vlan 10 master br0\n", (False, (100, "02:00:00:00:07:01"), "vm1", 10)),
             ("Deleted 02:00:00:00:07:01 dev vm1 vlan 10 master br0\n",
              (True, (100, "02:00:00:00:07:01"), "vm1", 10)),
             ("02:00:00:00:07:0A dev vm2 master br0\n", (False, (200, "02:00:00:00:07:0a"), "vm2", None)),
             ("02:00:00:00:07:01 dev vtep0 vlan 10 master br0\n",
              (True, (100, "02:00:00:00:07:01"), "vtep0", 10)),
             ("Deleted 02:00:00:00:07:01 dev vtep0 vlan 10 master br0\n",
              (True, (100, "02:00:00:00:07:01"), "vtep0", 10)),
             ("02:00:00:00:07:01 dev vtep0 vlan 30 master br0\n", None),
             ("02:00:00:00:07:01 dev vtep0 master br0 permanent\n", None),
             ("02:00:00:00:07:01 dev br0 vlan 10 master br0 permanent\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 10 master br0 permanent\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 10 master br1\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 30 master br0\n", None),
             ("02:00:00:00:07:01 dev vm1 vlan 10\n", None), ("\n", None)]
    for line, want in cases:
        assert b.parse(line) == want, (line, b.parse(line), want)


if __name__ == "__main__":
    sys.exit(helpers.main())
