#!/usr/bin/python3
"""vtep-evpn's reconcile at scale, on the host, with vtepctl stubbed out
(run by hand; make check does not): N remote MACs, each with a MAC-only
and a MAC+IP route, from 50 VTEPs in 2 VNIs, fed one route an event
through routes.Routes and program.Programmer as the agent's main loop
does. Reported for each N: full convergence (every route an event, each
programmed incrementally), the per-event cost of a MAC that moves
(incremental, and the full recompute every event cost before), the
resync's full recompute, CPU seconds and peak RSS. Each N runs in its own
process, so the peak RSS is that N's.

    bench/evpn_scale.py [N ...]        (default: 1000 100000)"""
import os
import resource
import subprocess
import sys
import time

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(TOP, "userspace", "evpn"))
from vtep_evpn.evpn import T2, T3      # noqa: E402
from vtep_evpn.program import Programmer  # noqa: E402
from vtep_evpn.routes import Routes    # noqa: E402
from vtep_evpn.util import Touched     # noqa: E402

VNIS, VTEPS, MOVES = (100, 200), 50, 2000


class StubVtep:
    """vtepctl: batches counted, nothing run"""

    def __init__(self):
        self.lines = 0

    def batch(self, lines):
        self.lines += len(lines)
        return 0

    def json(self, *args):
        return []


def nh(i):
    return "192.0.2.%d" % (2 + i % VTEPS)


def routes(n):
    """N MACs: their MAC-only and MAC+IP routes, (key, value)"""
    for i in range(n):
        vni = VNIS[i % 2]
        mac = "02:%02x:%02x:%02x:%02x:01" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)
        ip = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
        h = nh(i)
        yield (T2, vni, mac, "", "%s:%d" % (h, vni)), (h, 0, "")
        yield (T2, vni, mac, ip, "%s:%d" % (h, vni)), (h, 0, ip)


def program(rt, local, prog):
    """Agent.program between events"""
    macs, ips, rems = rt.take_touched()
    macs |= local.take()
    prog.update(rt, local, (macs, ips, rems), False)


def one(n):
    sys.stderr = open(os.devnull, "w")      # the programmer's log lines
    vtep = StubVtep()
    rt, local = Routes(3.0, 10.0), Touched()
    prog = Programmer(vtep, "vtep0", {v: None for v in VNIS})
    table = list(routes(n))
    t0 = time.perf_counter()
    for i in range(VTEPS):
        for vni in VNIS:
            rt.learned((T3, vni, nh(i), "%s:%d" % (nh(i), vni)), (nh(i), 0, ""))
            program(rt, local, prog)
    for k, v in table:
        rt.learned(k, v)
        program(rt, local, prog)
    conv = time.perf_counter() - t0
    assert len(prog.fdb) == n and len(prog.neighs) == n, (len(prog.fdb), len(prog.neighs))
    # a MAC that moves: its two routes re-advertised by another VTEP with
    # a higher sequence, one event each
    moves = min(MOVES, n)
    t0 = time.perf_counter()
    for j in range(moves):
        k, v = table[2 * j]
        k2, v2 = table[2 * j + 1]
        h = nh(j + 1)
        rt.learned(k[:4] + ("%s:%d" % (h, k[1]),), (h, 1, ""))
        program(rt, local, prog)
        rt.learned(k2[:4] + ("%s:%d" % (h, k2[1]),), (h, 1, v2[2]))
        program(rt, local, prog)
    per_event = (time.perf_counter() - t0) / (2 * moves)
    # before: every event recomputed every route (program.program)
    reps = 3 if n > 10000 else 20
    t0 = time.perf_counter()
    for _ in range(reps):
        prog.program(rt.routes, local, False)
    full = (time.perf_counter() - t0) / reps
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print("%7d MACs (%d routes): convergence %.2f s (%.1f us a route), a move %.1f us an event "
          "incremental vs %.1f ms full recompute (x%d), CPU %.2f s, peak RSS %.0f MiB" %
          (n, len(table), conv, conv / len(table) * 1e6, per_event * 1e6, full * 1e3,
           round(full / per_event), ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0))


def main(argv):
    if argv[:1] == ["--one"]:
        one(int(argv[1]))
        return 0
    for n in argv or ["1000", "100000"]:
        rc = subprocess.call([sys.executable, os.path.abspath(__file__), "--one", n])
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
