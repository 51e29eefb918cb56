#!/usr/bin/python3
"""vtep-evpn's evpn.py, the codec of routes to and from gobgp's messages:
route targets, RDs and labels as FRR has them, imported and exported. The
paths are made by the agent's own codec, as another VTEP's agent would.
Prints TAP."""
import sys
import types

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import (FakeGobgpd, FakeVtep, Said, need_stubs, new_agent, rd_of, refused, remote_path,
                     rts_of, settings, test)
from vtep_evpn import agent, stubs
from vtep_evpn.evpn import T2, T3


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
        refused(conf=bad)


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


if __name__ == "__main__":
    sys.exit(helpers.main())
