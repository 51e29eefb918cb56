"""The 4-path ECMP row of `make bench` (issue 15): does re-steering
elephants at flowlet gaps use the paths that plain hashing leaves idle?

Topology (namespaces in the guest, underlay 192.0.2.0/24 in /30 links):

    eA ── rA ═╦═ p1 ═╦═ rB ── eB        eA, eB: vtep hosts (vtep0, VNI 100,
              ╠═ p2 ═╣                  overlay 203.0.113.1 / .2 on vtep0)
              ╠═ p3 ═╣                  rA: a multipath route to eB over 4
              ╚═ p4 ═╝                  equal paths, each shaped by tbf on
                                        rA's egress (eA -> eB)

rA hashes the outer 5-tuple (fib_multipath_hash_policy 3, fields 0x0037:
addresses, protocol and both ports), so the outer UDP source port vtep
picks decides the path; policy 1 would reuse the inner L4 hash and ignore it.

A run: 4 TCP elephants eA -> eB over the overlay (iperf3, one per server
port, client ports chosen at random per run) and a stream of short
request/response mice beside them. Each run is repeated with re-steering
off (plain hashing: each flow keeps the port of its hash) and on,
interleaved. Reported per mode: the elephants' aggregate against the
calibrated ideal, reordering seen by the senders' TCP (SACK/timestamp
reorder detections), retransmissions, and the mice's p50/p99 completion.

The ideal: 4 TCP flows over the underlay itself, each pinned to its own
path by policy routing on rA (a rule per server port), all 4 paths busy at
once in the same run; scaled by the goodput an overlay packet carries
against a plain one of the same outer size (MSS 1398 vs 1448: the 50
bytes of VXLAN over IPv4), since tbf counts outer bytes.
"""
import json
import os
import random
import statistics
import subprocess
import time

NS = ["eA", "rA", "p1", "p2", "p3", "p4", "rB", "eB"]
PATHS = 4
MAC_A, MAC_B = "02:00:00:0e:00:01", "02:00:00:0e:00:02"
OVL_A, OVL_B = "203.0.113.1", "203.0.113.2"
UND_A, UND_B = "192.0.2.1", "192.0.2.6"
PORT0 = 5201                    # iperf3 servers: PORT0 .. PORT0 + PATHS - 1
MICE_PORT = 7000
# Goodput per 1500-byte outer packet: overlay MSS (1450 - 40 - 12 of TCP
# timestamps) against the underlay's (1500 - 40 - 12)
OVERLAY_GOODPUT = 1398 / 1448

MICE_SERVER = r"""
import socketserver
class H(socketserver.BaseRequestHandler):
    def handle(self):
        d = self.request.recv(100)
        self.request.sendall(d)
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
S(("%s", %d), H).serve_forever()
"""

MICE_CLIENT = r"""
import json, socket, sys, time
dst, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
lat, end = [], time.monotonic() + secs
while time.monotonic() < end:
    t = time.monotonic()
    try:
        s = socket.create_connection((dst, port), timeout=3)
        s.sendall(b"x" * 100)
        got = 0
        while got < 100:
            d = s.recv(100)
            if not d:
                break
            got += len(d)
        s.close()
        lat.append((time.monotonic() - t) * 1e3)
    except OSError:
        lat.append(3000.0)
    time.sleep(0.05)
print(json.dumps(lat))
"""


def link(b, ns1, dev1, ns2, dev2):
    b.sh("ip", "link", "add", "name", dev1, "netns", ns1, "type", "veth",
         "peer", "name", dev2, "netns", ns2)


def addr(b, ns, dev, a):
    b.ip(ns, "addr", "add", a, "dev", dev)
    b.ip(ns, "link", "set", "dev", dev, "up")


def setup(b, cfg):
    b.sh("modprobe", "-q", "sch_tbf")
    for ns in NS:
        b.sh("ip", "netns", "del", ns, check=False)
        b.sh("ip", "netns", "add", ns)
        b.ip(ns, "link", "set", "lo", "up")
        b.sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
             "net.ipv6.conf.default.disable_ipv6=1", ns=ns)
    for ns in ("rA", "rB") + tuple("p%d" % k for k in range(1, PATHS + 1)):
        b.sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=ns)
    # plain and re-steered runs reuse the same client ports back to back:
    # no TIME_WAIT may hold one ("iperf3: unable to connect stream:
    # Address already in use" ended a phase after 2 of 10 runs)
    for ns in ("eA", "eB"):
        b.sh("sysctl", "-qw", "net.ipv4.tcp_max_tw_buckets=0", ns=ns)
    link(b, "eA", "eth0", "rA", "a0")
    addr(b, "eA", "eth0", UND_A + "/30")
    addr(b, "rA", "a0", "192.0.2.2/30")
    link(b, "rB", "b0", "eB", "eth0")
    addr(b, "rB", "b0", "192.0.2.5/30")
    addr(b, "eB", "eth0", UND_B + "/30")
    fwd, back = [], []
    for k in range(1, PATHS + 1):
        base = 8 * k            # 192.0.2.8/30 + .12/30 for path 1, ...
        pk = "p%d" % k
        link(b, "rA", pk, pk, "a")
        addr(b, "rA", pk, "192.0.2.%d/30" % (base + 1))
        addr(b, pk, "a", "192.0.2.%d/30" % (base + 2))
        link(b, pk, "b", "rB", pk)
        addr(b, pk, "b", "192.0.2.%d/30" % (base + 5))
        addr(b, "rB", pk, "192.0.2.%d/30" % (base + 6))
        b.ip(pk, "route", "add", "192.0.2.0/30", "via", "192.0.2.%d" % (base + 1))
        b.ip(pk, "route", "add", "192.0.2.4/30", "via", "192.0.2.%d" % (base + 6))
        b.sh("tc", "qdisc", "add", "dev", pk, "root", "tbf", "rate",
             "%dmbit" % cfg["ecmp_mbit"], "burst", "16kb", "latency", "%dms" % cfg["ecmp_queue_ms"],
             ns="rA")
        fwd += ["nexthop", "via", "192.0.2.%d" % (base + 2), "dev", pk]
        back += ["nexthop", "via", "192.0.2.%d" % (base + 5), "dev", pk]
        # the calibration's pinning: server port PORT0 + k - 1 takes path k
        b.ip("rA", "route", "add", "192.0.2.4/30", "via",
             "192.0.2.%d" % (base + 2), "table", str(100 + k))
        b.ip("rA", "rule", "add", "ipproto", "tcp", "dport",
             str(PORT0 + k - 1), "table", str(100 + k), "priority", str(100 + k))
    b.ip("rA", "route", "add", "192.0.2.4/30", *fwd)
    b.ip("rB", "route", "add", "192.0.2.0/30", *back)
    for ns in ("rA", "rB"):
        b.sh("sysctl", "-qw", "net.ipv4.fib_multipath_hash_policy=3",
             "net.ipv4.fib_multipath_hash_fields=0x0037", ns=ns)
    b.ip("eA", "route", "add", "default", "via", "192.0.2.2")
    b.ip("eB", "route", "add", "default", "via", "192.0.2.5")
    for ns, mac, loc, peer, pmac, ovl, povl in (
            ("eA", MAC_A, UND_A, UND_B, MAC_B, OVL_A, OVL_B),
            ("eB", MAC_B, UND_B, UND_A, MAC_A, OVL_B, OVL_A)):
        b.ip(ns, "link", "add", "vtep0", "address", mac, "type", "vtep")
        b.vtepctl(ns, "link", "set", "vtep0", "local", loc, "learning", "off",
                  "sample", str(cfg["ecmp_sample"]),
                  "elephant-rate", str(cfg["ecmp_mbit"] * 125000 // 10),
                  "flowlet-gap", str(cfg["ecmp_gap"]))
        b.vtepctl(ns, "vni", "add", "100", "dev", "vtep0", "untagged")
        b.vtepctl(ns, "fdb", "add", pmac, "vni", "100", "dst", peer, "dev", "vtep0")
        b.ip(ns, "link", "set", "vtep0", "mtu", "1450")
        addr(b, ns, "vtep0", ovl + "/24")
        b.ip(ns, "neigh", "replace", povl, "lladdr", pmac, "dev", "vtep0",
             "nud", "permanent")
    for k in range(PATHS):
        b.sh("iperf3", "-s", "-D", "-p", str(PORT0 + k), "--pidfile",
             "/tmp/bench-ecmp-%d.pid" % k, ns="eB")
    mice = subprocess.Popen(["ip", "netns", "exec", "eB", "python3", "-c",
                             MICE_SERVER % ("0.0.0.0", MICE_PORT)])
    time.sleep(1)
    return mice


def teardown(b, mice):
    mice.kill()
    mice.wait()
    for k in range(PATHS):
        try:
            with open("/tmp/bench-ecmp-%d.pid" % k) as f:
                os.kill(int(f.read().strip()), 15)
        except (OSError, ValueError):
            pass
    time.sleep(0.3)
    for ns in NS:
        b.sh("ip", "netns", "del", ns, check=False)


def path_bytes(b):
    out = []
    for k in range(1, PATHS + 1):
        j = json.loads(b.sh("ip", "-j", "-s", "link", "show", "dev", "p%d" % k,
                            ns="rA", quiet=True).stdout)
        out.append(j[0]["stats64"]["tx"]["bytes"])
    return out


def tcp_ext(b, ns):
    lines = b.sh("cat", "/proc/net/netstat", ns=ns, quiet=True).stdout.splitlines()
    for i in range(0, len(lines) - 1, 2):
        if lines[i].startswith("TcpExt:"):
            return dict(zip(lines[i].split()[1:], map(int, lines[i + 1].split()[1:])))
    return {}


def moves(b):
    j = json.loads(b.vtepctl("eA", "-j", "stats", "show", "dev", "vtep0").stdout)
    return j[0].get("vtep_stats", j[0].get("stats", {})).get("resteer_moves", 0)


def run(b, cfg, dst, cports, secs, mice=True):
    """4 iperf3 elephants (+ mice) at once; their results and the paths'"""
    p0, t0, r0 = path_bytes(b), tcp_ext(b, "eA"), tcp_ext(b, "eB")
    s0 = b.dev_stat("eA", "vtep0", "tx_packets")
    mv0 = moves(b)
    procs = [subprocess.Popen(
        ["ip", "netns", "exec", "eA", "iperf3", "-c", dst, "-p", str(PORT0 + k),
         "--cport", str(c), "-t", str(secs), "-J"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k, c in enumerate(cports)]
    m = subprocess.Popen(["ip", "netns", "exec", "eA", "python3", "-c", MICE_CLIENT,
                          OVL_B, str(MICE_PORT), str(secs)],
                         stdout=subprocess.PIPE, text=True) if mice else None
    flows, retrans = [], 0
    for p in procs:
        out, err = p.communicate(timeout=secs + 60)
        j = json.loads(out or "{}")
        if "error" in j or "end" not in j:
            raise RuntimeError("iperf3: %s" % (j.get("error") or err.strip()))
        flows.append(j["end"]["sum_received"]["bits_per_second"] / 1e6)
        retrans += j["end"]["sum_sent"].get("retransmits", 0)
    lat = json.loads(m.communicate(timeout=60)[0] or "[]") if m else []
    p1, t1, r1 = path_bytes(b), tcp_ext(b, "eA"), tcp_ext(b, "eB")
    mv = moves(b) - mv0
    reorder = sum(t1.get(k, 0) - t0.get(k, 0)
                  for k in ("TCPSACKReorder", "TCPTSReorder", "TCPRenoReorder"))
    busy = [(a - z) * 8 / secs / 1e6 for a, z in zip(p1, p0)]
    s = {"cports": cports, "flows_mbit": [round(x, 2) for x in flows],
         "aggregate_mbit": round(sum(flows), 2),
         "path_mbit": [round(x, 2) for x in busy],
         "paths_used": sum(1 for x in busy if x > cfg["ecmp_mbit"] * 0.1),
         "reorder_events": reorder,
         "ofo_queued_rx": r1.get("TCPOFOQueue", 0) - r0.get("TCPOFOQueue", 0),
         "retransmits": retrans, "resteer_moves": mv,
         "tx_packets": b.dev_stat("eA", "vtep0", "tx_packets") - s0}
    if lat:
        lat.sort()
        s["mice"] = len(lat)
        s["mice_p50_ms"] = round(lat[len(lat) // 2], 2)
        s["mice_p99_ms"] = round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2)
    return s


def phase(b, cfg, out):
    cfg.setdefault("ecmp_runs", int(os.environ.get("BENCH_ECMP_RUNS", "10")))
    cfg.setdefault("ecmp_secs", int(os.environ.get("BENCH_ECMP_SECS", "8")))
    cfg.setdefault("ecmp_mbit", int(os.environ.get("BENCH_ECMP_MBIT", "25")))
    # re-steering keeps a flow's order only if its gap outlasts the
    # difference of the paths' delays: at most the queue of a path, plus
    # the TCG guest's timer jitter (tbf releases on a timer), so twice it
    cfg.setdefault("ecmp_queue_ms", int(os.environ.get("BENCH_ECMP_QUEUE_MS", "5")))
    cfg.setdefault("ecmp_gap", int(os.environ.get("BENCH_ECMP_GAP", "10000")))
    cfg.setdefault("ecmp_sample", int(os.environ.get("BENCH_ECMP_SAMPLE", "64")))
    res = out.setdefault("ecmp", {"calibration": [], "plain": [], "resteer": []})
    res["config"] = {k: cfg[k] for k in cfg if k.startswith("ecmp_")}
    mice = setup(b, cfg)
    rng = random.Random(int(os.environ.get("BENCH_ECMP_SEED", "15")))
    try:
        # the ideal: one plain TCP flow per path, pinned by rA's rules
        for _ in range(2):
            s = run(b, cfg, UND_B, [rng.randrange(20000, 30000) + k for k in range(PATHS)],
                    cfg["ecmp_secs"], mice=False)
            s["ideal_overlay_mbit"] = round(s["aggregate_mbit"] * OVERLAY_GOODPUT, 2)
            res["calibration"].append(s)
            b.log("ecmp calibration", json.dumps(s))
        for i in range(cfg["ecmp_runs"]):
            cports = rng.sample(range(20000, 60000), PATHS)
            for mode in (("plain", "resteer") if i % 2 == 0 else ("resteer", "plain")):
                b.vtepctl("eA", "link", "set", "vtep0", "resteer",
                          "on" if mode == "resteer" else "off")
                s = run(b, cfg, OVL_B, cports, cfg["ecmp_secs"])
                res[mode].append(s)
                b.log("ecmp", mode, json.dumps(s))
    finally:
        teardown(b, mice)


def report(raw, p, summary, compare, fmt, fcmp):
    """The table lines of the ECMP row, and its JSON"""
    e = raw.get("ecmp")
    if not e or not e.get("calibration"):
        return None
    ideal = statistics.median(s["ideal_overlay_mbit"] for s in e["calibration"])
    res = {"ideal_overlay_mbit": ideal, "config": e.get("config"),
           "calibration": e["calibration"]}
    p("")
    p("== 4-path ECMP: 4 TCP elephants + mice, plain hashing vs re-steering (%d runs each, interleaved) ==" % len(e.get("plain", [])))
    p("ideal (4 paths busy, calibrated with pinned flows, overlay goodput): %.1f Mbit/s (%s)" % (
        ideal, ", ".join("%.1f" % s["ideal_overlay_mbit"] for s in e["calibration"])))
    p("%-8s %-22s %-18s %-14s %-14s %-12s %-12s %-12s" % (
        "mode", "elephants / ideal", "paths used", "reorder ev.", "retransmits",
        "moves", "mice p50 ms", "mice p99 ms"))
    for mode in ("plain", "resteer"):
        smp = e.get(mode) or []
        if not smp:
            continue
        for s in smp:
            s["vs_ideal"] = round(s["aggregate_mbit"] / ideal, 3) if ideal else None
        st = {k: summary(smp, k) for k in ("vs_ideal", "paths_used", "reorder_events",
                                          "retransmits", "resteer_moves",
                                          "mice_p50_ms", "mice_p99_ms", "aggregate_mbit")}
        res[mode] = {"stats": st, "samples": smp}
        p("%-8s %-22s %-18s %-14s %-14s %-12s %-12s %-12s" % (
            mode, fmt(st["vs_ideal"], 2), fmt(st["paths_used"], 1),
            fmt(st["reorder_events"], 0), fmt(st["retransmits"], 0),
            fmt(st["resteer_moves"], 0), fmt(st["mice_p50_ms"], 1),
            fmt(st["mice_p99_ms"], 1)))
    if res.get("plain") and res.get("resteer"):
        c = compare(res["resteer"]["stats"]["aggregate_mbit"],
                    res["plain"]["stats"]["aggregate_mbit"])
        res["resteer_vs_plain"] = c
        p("re-steering vs plain hashing, elephants' aggregate: %s" % fcmp(c))
    return res
