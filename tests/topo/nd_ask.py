#!/usr/bin/python3
# nd_ask.py arp PSRC PDST [HWSRC] | ns SRC6 TARGET6 | dad TARGET6 | garp IP:
# send one request from eth0 and print the answer's fields, or "none"
import sys
from scapy.all import (ARP, Ether, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptSrcLLAddr, IPv6, conf, get_if_hwaddr, sendp, srp1)
from scapy.utils6 import in6_getnsma, in6_getnsmac
from socket import AF_INET6, inet_pton, inet_ntop
conf.verb = 0
me = get_if_hwaddr("eth0")
op = sys.argv[1]
if op in ("arp", "garp"):
    psrc, pdst = (sys.argv[2], sys.argv[2]) if op == "garp" else sys.argv[2:4]
    hw = sys.argv[4] if len(sys.argv) > 4 else me
    q = Ether(src=me, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=hw, psrc=psrc, pdst=pdst)
    if op == "garp":
        sendp(q, iface="eth0")
        print("sent")
        sys.exit(0)
    r = srp1(q, iface="eth0", timeout=3)
    if r is None or ARP not in r:
        print("none")
    else:
        a = r[ARP]
        print(a.op, a.hwsrc, a.psrc, a.hwdst, a.pdst, r[Ether].src, r[Ether].dst)
    sys.exit(0)
src, tgt = ("::", sys.argv[2]) if op == "dad" else sys.argv[2:4]
ns = inet_ntop(AF_INET6, in6_getnsma(inet_pton(AF_INET6, tgt)))
q = Ether(src=me, dst=in6_getnsmac(inet_pton(AF_INET6, ns))) / \
    IPv6(src=src, dst=ns, hlim=255) / ICMPv6ND_NS(tgt=tgt)
if op != "dad":
    q = q / ICMPv6NDOptSrcLLAddr(lladdr=me)
r = srp1(q, iface="eth0", timeout=3, filter="icmp6")
if r is None or ICMPv6ND_NA not in r:
    print("none")
else:
    na = r[ICMPv6ND_NA]
    ll = r[ICMPv6NDOptDstLLAddr].lladdr if ICMPv6NDOptDstLLAddr in r else "-"
    print(na.tgt, ll, na.S, na.O, na.R, r[IPv6].src, r[IPv6].dst, r[IPv6].hlim, r[Ether].src, r[Ether].dst)
