#!/usr/bin/python3
"""vtep-evpn's IP mobility and duplicate MAC detection (local.py over
routes.py): an address that moves between MACs and hosts carries a
sequence that beats the old route, one that moved away is withdrawn, and a
MAC two hosts both have is frozen instead of flapping. Prints TAP."""
import sys
import time

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import Said, need_stubs, new_agent, refused, settings, test
from vtep_evpn import evpn
from vtep_evpn.evpn import T2
from vtep_evpn.routes import Routes

VIP = "203.0.113.50"
MX, MY = "02:00:00:00:07:01", "02:00:00:00:07:02"   # the VIP's old and new owners


def local_over(rt, dup=(5, 180.0, 180.0)):
    """a Local of AS 65000 at 192.0.2.1 over the remote routes RT"""
    from vtep_evpn.local import Local
    codec = evpn.Codec(65000, "192.0.2.1", {100: None})
    ours = Local(codec, codec.vnis, 8, rt.remote_best, "192.0.2.1", rt.remote_ip_best, dup)
    ours.stub = object()                    # connected: withdrawals are queued
    return ours


def rkey(mac, ip="", nh="192.0.2.2"):
    """a remote type-2 key, as evpn.decode gives it (RD last)"""
    return (T2, 100, mac, ip, nh + ":100")


@test
def remote_ip_best_is_the_highest_sequence_then_lowest_next_hop():
    """Routes.remote_ip_best: over the MAC+IP routes of one address, the
    highest sequence wins, then the lowest next hop; MAC-only routes and
    other addresses do not count, and a deleted route leaves the index"""
    rt = Routes(0.2, 10)
    rt.set_route(rkey(MX, VIP), ("192.0.2.3", 2, VIP))
    rt.set_route(rkey(MY, VIP, "192.0.2.2"), ("192.0.2.2", 2, VIP))
    rt.set_route(rkey(MY), ("192.0.2.2", 9, ""))
    rt.set_route(rkey(MX, "203.0.113.51"), ("192.0.2.3", 9, "203.0.113.51"))
    assert rt.remote_ip_best((100, VIP)) == ("192.0.2.2", 2, MY), rt.remote_ip_best((100, VIP))
    rt.set_route(rkey(MX, VIP), ("192.0.2.3", 3, VIP))      # re-advertised, higher
    assert rt.remote_ip_best((100, VIP)) == ("192.0.2.3", 3, MX)
    rt.del_route(rkey(MX, VIP))
    rt.del_route(rkey(MY, VIP, "192.0.2.2"))
    assert rt.remote_ip_best((100, VIP)) is None and (100, VIP) not in rt.byip, rt.byip
    rt.replace({rkey(MX, VIP): ("192.0.2.3", 1, VIP)}, 0.0)
    assert rt.remote_ip_best((100, VIP)) == ("192.0.2.3", 1, MX)


@test
def an_address_taken_over_here_beats_the_old_owners_sequence():
    """A VIP that another host advertises behind MX at sequence 3, claimed
    here by local MY (sequence 0, a MAC never seen elsewhere): our MAC+IP
    route goes out at 4, the MAC-only route stays at 0"""
    need_stubs()
    rt = Routes(0.2, 10)
    rt.set_route(rkey(MX, VIP), ("192.0.2.2", 3, VIP))
    ours = local_over(rt)
    with Said() as said:
        assert ours.local_seen((100, MY), "vm2", None)
        ours.local_ip((100, MY), VIP)
    assert ours.to_adv == {(T2, 100, MY): 0, (T2, 100, MY, VIP): 4}, ours.to_adv
    assert ours.desired_local()[(T2, 100, MY, VIP)] == 4
    assert "moved here to MAC %s" % MY in said.text, said.text
    # advertised again (a reconnect, a new address of the MAC): still 4
    ours.to_adv.clear()
    ours.advertise_mac((100, MY))
    assert ours.to_adv[(T2, 100, MY, VIP)] == 4, ours.to_adv


@test
def an_address_taken_over_elsewhere_is_withdrawn_here_the_mac_stays():
    """Local MY has the VIP at sequence 0; another host then advertises it
    behind MX at sequence 1 (it took the VIP over): check_moves withdraws
    our MAC+IP route only; at an equal sequence the lower next hop wins"""
    need_stubs()
    rt = Routes(0.2, 10)
    ours = local_over(rt)
    with Said():
        ours.local_seen((100, MY), "vm2", None)
        ours.local_ip((100, MY), VIP)
    ours.advertised.update(ours.to_adv)
    ours.to_adv.clear()
    rt.set_route(rkey(MX, VIP, "192.0.2.9"), ("192.0.2.9", 0, VIP))     # a tie, higher next hop
    with Said():
        ours.check_moves()
    assert not ours.to_wd and VIP in ours.local_ips[(100, MY)], ours.to_wd
    rt.set_route(rkey(MX, VIP), ("192.0.2.2", 1, VIP))
    with Said() as said:
        ours.check_moves()
    assert ours.to_wd == {(T2, 100, MY, VIP)}, ours.to_wd
    assert (100, MY) in ours.local_macs and (100, MY) not in ours.local_ips, ours.local_ips
    assert "address %s vni 100 moved to MAC %s" % (VIP, MX) in said.text, said.text


@test
def a_mac_on_two_hosts_is_frozen_after_five_moves_not_flapped():
    """A MAC both this host and 192.0.2.2 have: each side re-advertises it
    above the other's sequence. The fifth move within the window freezes
    it here: nothing more advertised, a route that beats ours no longer
    makes us withdraw or delete the bridge entry, a warning says so, and
    `show` lists it as a duplicate; when the freeze ends it is judged
    afresh and advertised above the other's sequence again"""
    need_stubs()
    rt = Routes(0.2, 10)
    ours = local_over(rt, dup=(5, 180.0, 30.0))
    k = (100, MX)
    seq = 0
    with Said() as said:
        for i in range(3):
            rt.set_route(rkey(MX), ("192.0.2.2", seq, ""))
            if i:
                ours.check_moves()                  # away (move 2, 4)
                assert k not in ours.local_macs, i
            assert ours.local_seen(k, "vm1", None)  # here again (move 1, 3, 5)
            seq = ours.local_macs[k]["seq"] + 1
    l = ours.local_macs[k]
    assert l.get("dup") and ours.frozen.get(k), (l, ours.frozen)
    assert "duplicate MAC %s vni 100: 5 moves" % MX in said.text, said.text
    ours.to_adv.clear()
    ours.to_wd.clear()
    rt.set_route(rkey(MX), ("192.0.2.2", seq + 5, ""))
    with Said():
        ours.check_moves()
    assert k in ours.local_macs and not ours.to_adv and not ours.to_wd, (ours.to_adv, ours.to_wd)
    assert (T2, 100, MX) not in ours.desired_local()
    with Said():
        a = new_agent()
    ours.stub = a.ours.stub                 # the fake gobgpd, which show asks
    a.ours = ours
    doc = __import__("vtep_evpn.control", fromlist=["x"]).state(a)
    m = [e for v in doc["vnis"] for e in v["localMacs"] if e["mac"] == MX]
    assert m and m[0]["duplicate"] is True and 0 < m[0]["frozenFor"] <= 30, m
    # the freeze runs out: judged afresh, as a MAC new here
    ours.frozen[k] = time.monotonic() - 1
    with Said():
        ours.check_moves()
    assert not ours.local_macs[k].get("dup") and ours.to_adv.get((T2, 100, MX)) == seq + 6, \
        (ours.local_macs[k], ours.to_adv)


@test
def a_vm_that_migrates_twice_is_no_duplicate():
    """Moves below the threshold (a VM migrated away and back) freeze
    nothing: each move takes the next sequence; with detection off (0) no
    number of moves freezes"""
    need_stubs()
    for dup, moves in (((5, 180.0, 180.0), 4), ((0, 180.0, 180.0), 12)):
        rt = Routes(0.2, 10)
        ours = local_over(rt, dup=dup)
        k, seq = (100, MY), 0
        with Said():
            for i in range(moves // 2):
                rt.set_route(rkey(MY), ("192.0.2.2", seq, ""))
                if i:
                    ours.check_moves()
                ours.local_seen(k, "vm1", None)
                seq = ours.local_macs[k]["seq"] + 1
        assert not ours.frozen and not ours.local_macs[k].get("dup"), (dup, ours.frozen)


@test
def the_duplicate_settings_come_from_the_file_and_the_command_line():
    """dup-max-moves, dup-time and dup-freeze: defaults 5, 180, 180; the
    command line over the file; a negative count is refused"""
    s = settings()
    assert (s.dup_moves, s.dup_time, s.dup_freeze) == (5, 180.0, 180.0)
    s = settings("--dup-freeze", "60", conf="dup-max-moves 3\ndup-time 30\ndup-freeze 10\n")
    assert (s.dup_moves, s.dup_time, s.dup_freeze) == (3, 30.0, 60.0), vars(s)
    refused("--dup-max-moves", "-1")


@test
def a_local_address_unheard_for_ip_age_is_withdrawn_one_heard_stays():
    """age_ips: an address no VM announced for --ip-age seconds has its
    MAC+IP route withdrawn (the MAC's stays); one announced again since
    stays; 0 ages nothing; the setting comes from the file or the command
    line (default 1800)"""
    need_stubs()
    rt = Routes(0.2, 10)
    ours = local_over(rt)
    ours.ip_age = 60.0
    k = (100, MY)
    with Said():
        ours.local_seen(k, "vm2", None)
        ours.local_ip(k, VIP)
        ours.local_ip(k, "203.0.113.51")
    ours.advertised.update(ours.to_adv)
    ours.to_adv.clear()
    t = ours.ip_heard[(100, VIP)]
    ours.ip_heard[(100, VIP)] = t - 100              # unheard for 100 s
    with Said():
        ours.local_ip(k, "203.0.113.51")             # heard again just now
        assert ours.age_ips(now=t + 30) == 1
    assert ours.to_wd == {(T2, 100, MY, VIP)}, ours.to_wd
    assert list(ours.local_ips[k]) == ["203.0.113.51"] and (100, VIP) not in ours.ip_heard
    assert (T2, 100, MY) in ours.desired_local()
    ours.ip_age = 0
    assert ours.age_ips(now=t + 10 ** 6) == 0
    assert settings().ip_age == 1800.0
    assert settings("--ip-age", "0", conf="ip-age 90\n").ip_age == 0.0
    assert settings(conf="ip-age 90\n").ip_age == 90.0


if __name__ == "__main__":
    sys.exit(helpers.main())
