#!/usr/bin/python3
"""vtep-evpn's agent.py with gobgp.py, program.py and util.py: the
neighbours it enables at a restart, its log lines, gobgpd or the vtep
module not there yet, our routes under an old RD. Prints TAP."""
import os
import sys
import time
import types

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import RR, FakeGobgpd, FakeVtep, Said, ecs_of, need_stubs, new_agent, rd_of, settings, test
from vtep_evpn import agent, evpn, stubs
from vtep_evpn.evpn import T2, T3


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
def a_bridge_vlan_other_than_the_devices_is_refused():
    """the packaged examples had VNI 200 on VLAN 200 in vtep0.conf and
    "vni 200 vlan 20" in evpn.conf: the agent ran, reading the bridge's
    VLAN 20, whose frames reach no VNI of the device. A tagged VNI's
    bridge VLAN is its VLAN on the device: another is refused (exit 2);
    an untagged VNI takes the configured one, and no vlan the device's"""
    class Tagged(FakeVtep):
        def __init__(self, vlans):
            FakeVtep.__init__(self, vnis=tuple(vlans))
            self.vlans = vlans

        def json(self, *args):
            if args[:2] == ("vni", "show"):
                return [{"vni": v, "vlan": self.vlans[v]} for v in self.vnis]
            return FakeVtep.json(self, *args)
    a = agent.Agent(settings(conf="vni 100 vlan 10\nvni 200 vlan 20\n"),
                    vtep=Tagged({100: 10, 200: 200}))
    with Said() as said:
        try:
            a.discover()
        except SystemExit as e:
            assert e.code == 2, e.code
        else:
            raise AssertionError("VNI 200 on bridge VLAN 20 was taken")
    assert "VNI 200: vlan 20 in the configuration" in said.text and "on VLAN 200" in said.text, \
        said.text
    a = agent.Agent(settings(conf="vni 100 vlan 30\nvni 200\n"),
                    vtep=Tagged({100: None, 200: 20}))
    a.discover()
    assert a.vnis == {100: 30, 200: 20}, a.vnis


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


if __name__ == "__main__":
    sys.exit(helpers.main())
