#!/usr/bin/python3
"""One host's view of an EVPN fabric as sorted lines, so that two speakers'
views compare with diff (tests/topo/evpn.sh):

    mac VNI MAC VTEP SEQ     a MAC and the VTEP it is behind (a local
                             one: the host's own address), its sequence
    ip VNI IP MAC            an address of that MAC

  evpn_view.py agent VTEP SHOW_JSON
      from `vtep-evpn show -j` of the host whose address is VTEP
  evpn_view.py frr VTEP MACS_JSON ARP_JSON
      from FRR's `show evpn mac vni all json` and `show evpn arp-cache vni
      all json` (zebra) of the host whose address is VTEP

Only the VNIs given with --vnis (comma-separated) are printed: FRR has
VNIs of its own that the agent does not run."""
import argparse
import json


def agent_view(vtep, show, vnis):
    out = set()
    for v in show["vnis"]:
        if v["vni"] not in vnis:
            continue
        for m in v["localMacs"]:
            out.add("mac %d %s %s %d" % (v["vni"], m["mac"], vtep, m["seq"]))
            out.update("ip %d %s %s" % (v["vni"], ip, m["mac"]) for ip in m["ips"])
        for m in v["remoteMacs"]:
            out.add("mac %d %s %s %d" % (v["vni"], m["mac"], m["vtep"], m["seq"]))
            out.update("ip %d %s %s" % (v["vni"], ip, m["mac"]) for ip in m["ips"])
    return out


def frr_view(vtep, macs, arps, vnis):
    out = set()
    for vni, d in macs.items():
        if int(vni) not in vnis:
            continue
        for mac, m in d.get("macs", {}).items():
            if m.get("type") == "local":
                out.add("mac %s %s %s %d" % (vni, mac, vtep, m.get("localSequence", 0)))
            elif m.get("type") == "remote":
                out.add("mac %s %s %s %d" % (vni, mac, m["remoteVtep"],
                                             m.get("remoteSequence", 0)))
    for vni, d in arps.items():
        if int(vni) not in vnis:
            continue
        for ip, n in d.items():
            if isinstance(n, dict) and n.get("type") in ("local", "remote"):
                out.add("ip %s %s %s" % (vni, ip, n["mac"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vnis", required=True)
    ap.add_argument("kind", choices=("agent", "frr"))
    ap.add_argument("vtep")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    vnis = {int(v) for v in a.vnis.split(",")}
    docs = []
    for f in a.files:
        with open(f) as fh:
            docs.append(json.load(fh))
    if a.kind == "agent":
        lines = agent_view(a.vtep, docs[0], vnis)
    else:
        lines = frr_view(a.vtep, docs[0], docs[1], vnis)
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main()
