# EVPN routes to and from gobgp's messages: our type 2 and 3 routes as
# paths, the others' paths as the keys and values the agent keeps.
import ipaddress

from . import stubs
from .gobgp import family

T2, T3 = 2, 3


class Codec:
    """routes of this VTEP (AS ASN, underlay address LOCAL) in the VNIs
    of VNIS (a dict the agent fills)"""

    def __init__(self, asn, local, vnis):
        self.asn, self.local, self.vnis = asn, local, vnis

    def rd(self, vni):
        return stubs.pack(stubs.attr.RouteDistinguisherIPAddress(admin=self.local, assigned=vni))

    def make_path(self, key, seq):
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
        ecs = [pack(attr.TwoOctetAsSpecificExtended(is_transitive=True, sub_type=0x02,
                                                   asn=self.asn, local_admin=vni)),
               pack(attr.EncapExtended(tunnel_type=8))]
        if key[0] == T2 and seq:
            ecs.append(pack(attr.MacMobilityExtended(is_sticky=False, sequence_num=seq)))
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

    def decode(self, p):
        """(key, (nexthop, seq, ip)) of an EVPN path we import, else (None, None)"""
        attr, unpack = stubs.attr, stubs.unpack
        n = unpack(p.nlri, attr.EVPNMACIPAdvertisementRoute,
                   attr.EVPNInclusiveMulticastEthernetTagRoute)
        if n is None:
            return None, None
        nh, seq, vni = None, 0, None
        for a in p.pattrs:
            m = unpack(a, attr.NextHopAttribute, attr.MpReachNLRIAttribute,
                       attr.ExtendedCommunitiesAttribute)
            if isinstance(m, attr.NextHopAttribute):
                nh = m.next_hop
            elif isinstance(m, attr.MpReachNLRIAttribute):
                nh = m.next_hops[0] if m.next_hops else nh
            elif isinstance(m, attr.ExtendedCommunitiesAttribute):
                for c in m.communities:
                    e = unpack(c, attr.TwoOctetAsSpecificExtended, attr.MacMobilityExtended)
                    if isinstance(e, attr.TwoOctetAsSpecificExtended):
                        if e.sub_type == 0x02 and e.asn == self.asn and e.local_admin in self.vnis:
                            vni = e.local_admin
                    elif isinstance(e, attr.MacMobilityExtended):
                        seq = e.sequence_num
        if vni is None or not nh:
            return None, None
        rdm = unpack(n.rd, attr.RouteDistinguisherIPAddress, attr.RouteDistinguisherTwoOctetASN,
                     attr.RouteDistinguisherFourOctetASN)
        rd = "%s:%d" % (rdm.admin, rdm.assigned) if rdm else "?"
        if isinstance(n, attr.EVPNMACIPAdvertisementRoute):
            ip = n.ip_address if n.ip_address not in ("", "<nil>", "0.0.0.0", "::") else ""
            return (T2, vni, n.mac_address.lower(), ip, rd), (nh, seq, ip)
        return (T3, vni, n.ip_address, rd), (nh, 0, "")

    @staticmethod
    def key_local(k):
        """the key of our own advertisement for a route key of ours"""
        if k[0] == T2:
            return (T2, k[1], k[2], k[3]) if k[3] else (T2, k[1], k[2])
        return (T3, k[1])
