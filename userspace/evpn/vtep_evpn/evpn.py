# EVPN routes to and from gobgp's messages: our type 2 and 3 routes as
# paths, the others' paths as the keys and values the agent keeps.
#
# Route targets, as FRR sets and reads them for a VNI: exported, the
# configured export RTs, else FRR's auto-RT, AS:VNI with the AS's low 16
# bits in a 2-octet-AS RT (FRR's, whatever the AS, so an eBGP fabric of
# 4-byte ASes agrees); imported, a route whose RT matches the configured
# import RTs of its VNI (ASN:NN exactly, *:NN on NN alone), else the
# auto-RT on the VNI alone with the AS masked, as FRR matches its auto-RT in
# eBGP, where every host has its own AS. The VNI is the route's label (RFC
# 8365 section 5.1.3: the MAC/IP route's label, the PMSI tunnel's label of
# an inclusive multicast route), never read from the RT.
#
# Route distinguishers: type 1, ROUTER-ID:INDEX, as FRR's auto-RD, one
# INDEX a VNI, so every VNI of 24 bits gets its own RD on either underlay
# (an RD's number has 16 bits, and an IPv6 address has no room in it).
import ipaddress
import itertools

from . import stubs
from .gobgp import family

T2, T3 = 2, 3
RT = 0x02                   # the route-target subtype of the AS-specific types


def auto_rt(asn, vni):
    """FRR's auto-RT of VNI for AS ASN"""
    return (asn & 0xFFFF, vni)


def rt_ok(asn, nn):
    """why ASN:NN is no route target, or None: a 2-octet AS takes a 32-bit
    number, a 4-octet AS a 16-bit one"""
    if asn is not None and not 0 <= asn < 2 ** 32:
        return "AS %d out of range" % asn
    if asn is not None and asn > 0xFFFF and nn > 0xFFFF:
        return "AS %d has 4 octets, and its route target's number must be 0-65535" % asn
    if not 0 <= nn < 2 ** 32:
        return "number %d out of range" % nn
    return None


def rd_indexes(vnis):
    """vni -> the number of its RD: a VNI up to 65535 its own, the others
    the lowest numbers no VNI of the first kind has, in the order of VNIs"""
    small = {v for v in vnis if v <= 0xFFFF}
    free = (i for i in itertools.count(1) if i not in small)
    ix = {v: v for v in small}
    for v, i in zip(sorted(v for v in vnis if v > 0xFFFF), free):
        ix[v] = i
    return ix


class Codec:
    """routes of this VTEP (AS ASN, underlay address LOCAL) in the VNIs
    of VNIS (a dict the agent fills); ROUTER_ID (IPv4) names the RDs, LOCAL
    if none is given and it is IPv4; IMPORTS and EXPORTS: vni -> [(asn or
    None for any, number)], the configured route targets"""

    def __init__(self, asn, local, vnis, router_id=None, imports=None, exports=None):
        self.asn, self.local, self.vnis = asn, local, vnis
        if router_id is None and ipaddress.ip_address(local).version == 4:
            router_id = local
        self.router_id = router_id
        self.imports, self.exports = imports or {}, exports or {}
        self.rdix = {}

    def export_rts(self, vni):
        return self.exports.get(vni) or [auto_rt(self.asn, vni)]

    def import_rts(self, vni):
        return self.imports.get(vni) or [(None, vni)]

    def imported(self, vni, rts):
        """whether a route of VNI with the route targets RTS is ours"""
        if vni not in self.vnis:
            return False
        want = self.import_rts(vni)
        return any((a is None or a == ra) and n == rn for ra, rn in rts for a, n in want)

    def rd_index(self, vni):
        # computed again only when the VNIs change (the agent sets them once)
        if vni not in self.rdix or len(self.rdix) != len(self.vnis):
            self.rdix = rd_indexes(self.vnis)
        return self.rdix[vni]

    def rd_text(self, vni):
        return "%s:%d" % (self.router_id, self.rd_index(vni))

    def rd(self, vni):
        return stubs.pack(stubs.attr.RouteDistinguisherIPAddress(admin=self.router_id,
                                                                 assigned=self.rd_index(vni)))

    @staticmethod
    def rt(asn, nn):
        """the extended community of route target ASN:NN: 4-octet-AS type
        if the AS needs it"""
        attr = stubs.attr
        if asn > 0xFFFF:
            return stubs.pack(attr.FourOctetAsSpecificExtended(is_transitive=True, sub_type=RT,
                                                               asn=asn, local_admin=nn))
        return stubs.pack(attr.TwoOctetAsSpecificExtended(is_transitive=True, sub_type=RT,
                                                          asn=asn, local_admin=nn))

    def make_path(self, key, seq, sticky=False):
        """the path of our route KEY at MAC mobility sequence SEQ; STICKY:
        a MAC pinned here (RFC 7432 section 15.2: the MAC Mobility
        community's sticky flag, which a higher sequence never beats)"""
        attr, pack = stubs.attr, stubs.pack
        vni = key[1]
        if key[0] == T3:
            nlri = attr.EVPNInclusiveMulticastEthernetTagRoute(
                rd=self.rd(vni), ethernet_tag=0, ip_address=self.local)
        else:
            # MAC only: an EMPTY ip (0.0.0.0 would be a MAC+IP route)
            nlri = attr.EVPNMACIPAdvertisementRoute(
                rd=self.rd(vni), esi=attr.EthernetSegmentIdentifier(type=0, value=bytes(9)),
                ethernet_tag=0, mac_address=key[2], ip_address=key[3] if len(key) > 3 else "",
                labels=[vni])
        ecs = [self.rt(a, n) for a, n in self.export_rts(vni)] + \
            [pack(attr.EncapExtended(tunnel_type=8))]
        if key[0] == T2 and (seq or sticky):
            ecs.append(pack(attr.MacMobilityExtended(is_sticky=bool(sticky), sequence_num=seq)))
        pattrs = [pack(attr.OriginAttribute(origin=0)),
                  pack(attr.NextHopAttribute(next_hop=self.local)),
                  pack(attr.ExtendedCommunitiesAttribute(communities=ecs))]
        if key[0] == T3:
            pattrs.append(pack(attr.PmsiTunnelAttribute(
                flags=0, type=6, label=vni, id=ipaddress.ip_address(self.local).packed)))
        return stubs.pb.Path(nlri=pack(nlri), pattrs=pattrs, family=family())

    @staticmethod
    def is_local_path(p):
        return p.neighbor_ip in ("", "<nil>") and not p.is_from_external

    def decode(self, p, local=False):
        """(key, (nexthop, seq, ip)) of an EVPN path we import (LOCAL: of
        ours, whatever its route targets), else (None, None); a sticky
        MAC's route (the MAC Mobility community's sticky flag) has a 4th
        value, True: (nexthop, seq, ip, True)"""
        attr, unpack = stubs.attr, stubs.unpack
        n = unpack(p.nlri, attr.EVPNMACIPAdvertisementRoute,
                   attr.EVPNInclusiveMulticastEthernetTagRoute)
        if n is None:
            return None, None
        nh, seq, rts, sticky = None, 0, [], False
        vni = n.labels[0] if isinstance(n, attr.EVPNMACIPAdvertisementRoute) and n.labels else None
        for a in p.pattrs:
            m = unpack(a, attr.NextHopAttribute, attr.MpReachNLRIAttribute,
                       attr.ExtendedCommunitiesAttribute, attr.PmsiTunnelAttribute)
            if isinstance(m, attr.NextHopAttribute):
                nh = m.next_hop
            elif isinstance(m, attr.MpReachNLRIAttribute):
                nh = m.next_hops[0] if m.next_hops else nh
            elif isinstance(m, attr.PmsiTunnelAttribute):
                if isinstance(n, attr.EVPNInclusiveMulticastEthernetTagRoute):
                    vni = m.label
            elif isinstance(m, attr.ExtendedCommunitiesAttribute):
                for c in m.communities:
                    e = unpack(c, attr.TwoOctetAsSpecificExtended, attr.FourOctetAsSpecificExtended,
                               attr.MacMobilityExtended)
                    if isinstance(e, attr.MacMobilityExtended):
                        seq, sticky = e.sequence_num, e.is_sticky
                    elif e is not None and e.sub_type == RT:
                        rts.append((e.asn, e.local_admin))
        if not vni and isinstance(n, attr.EVPNInclusiveMulticastEthernetTagRoute):
            vni = n.ethernet_tag        # no PMSI tunnel: a VLAN-aware bundle's tag
        if not nh or vni not in self.vnis:
            return None, None
        if not local and not self.imported(vni, rts):
            return None, None
        rdm = unpack(n.rd, attr.RouteDistinguisherIPAddress, attr.RouteDistinguisherTwoOctetASN,
                     attr.RouteDistinguisherFourOctetASN)
        rd = "%s:%d" % (rdm.admin, rdm.assigned) if rdm else "?"
        if isinstance(n, attr.EVPNMACIPAdvertisementRoute):
            ip = n.ip_address if n.ip_address not in ("", "<nil>", "0.0.0.0", "::") else ""
            return (T2, vni, n.mac_address.lower(), ip, rd), (nh, seq, ip) + ((True,) if sticky else ())
        return (T3, vni, n.ip_address, rd), (nh, 0, "")

    @staticmethod
    def key_local(k):
        """the key of our own advertisement for a route key of ours"""
        if k[0] == T2:
            return (T2, k[1], k[2], k[3]) if k[3] else (T2, k[1], k[2])
        return (T3, k[1])
