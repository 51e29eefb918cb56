#!/usr/bin/env python3
"""vtep benchmark: `bench.py guest` runs inside the VM (scripts/bench.sh boots
it), `bench.py report RAW.json` turns its samples into the table, the JSON
and the chart on the host.

Topology in the guest: two namespaces, bA and bB, joined by a veth underlay
(eth0, 192.0.2.1 <-> 192.0.2.2 and 2001:db8::1 <-> 2001:db8::2, MTU 1500).
Each has the overlay devices side by side, each with an address of its own
subnet, fixed MACs, static FDB entries and static neighbours for the peer
(so no ARP or flooding in the rows):

    veth    the underlay itself                  192.0.2.0/24
    vxlan0  kernel vxlan, VNI 100, 4789          198.51.100.0/26
    vtep0   vtep, VNI 100 untagged, 4790         198.51.100.64/26
    geneve0 kernel geneve, VNI 100               198.51.100.128/26
    vxlan6  as vxlan0, over the IPv6 underlay    203.0.113.0/25
    vtep6   as vtep0, over the IPv6 underlay     203.0.113.128/25

The table-scale phase loads vxlan6 and vtep6: a million distinct
destinations fit only in the IPv6 documentation prefix (2001:db8::/32).
It also makes vtepk6 (198.51.100.192/26), vtep6's twin on VNI 200 with
1,000 entries, and samples it beside vtep6: pps at N entries against 1k,
taken seconds apart rather than minutes.

bA has learning off (it knows bB statically); bB learns. Traffic goes bA ->
bB (iperf3 client in bA, server in bB). Packets per second are counted at
the receiving device in bB; CPU per packet is busy jiffies of the whole VM
(/proc/stat) over the packets. Nothing here asserts on time: the report
calls a ratio a win or a loss only where the samples' ranges do not overlap.
"""
import json
import os
import platform
import resource
import statistics
import struct
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VTEPCTL = os.path.join(REPO, "userspace", "vtepctl")
A, B = "bA", "bB"
HZ = os.sysconf("SC_CLK_TCK")

ROWS = {
    # name: (address in bA, address in bB, receiving device in bB)
    "veth": ("192.0.2.1", "192.0.2.2", "eth0"),
    "vxlan": ("198.51.100.1", "198.51.100.2", "vxlan0"),
    "vtep": ("198.51.100.65", "198.51.100.66", "vtep0"),
    "geneve": ("198.51.100.129", "198.51.100.130", "geneve0"),
    "vxlan6": ("203.0.113.1", "203.0.113.2", "vxlan6"),
    "vtep6": ("203.0.113.129", "203.0.113.130", "vtep6"),
    "vtepk6": ("198.51.100.193", "198.51.100.194", "vtepk6"),
}
PLEN = {"vxlan": 26, "vtep": 26, "geneve": 26, "vxlan6": 25, "vtep6": 25,
        "vtepk6": 26}
DEV = {"vxlan": "vxlan0", "vtep": "vtep0", "geneve": "geneve0", "veth": "eth0",
       "vxlan6": "vxlan6", "vtep6": "vtep6", "vtepk6": "vtepk6"}
# The devices the table-scale phase loads, per implementation
SCALE = {"vxlan": "vxlan6", "vtep": "vtep6"}
OMAC = {  # overlay MACs: (bA, bB)
    "vxlan": ("02:00:00:01:00:01", "02:00:00:01:00:02"),
    "vtep": ("02:00:00:02:00:01", "02:00:00:02:00:02"),
    "geneve": ("02:00:00:03:00:01", "02:00:00:03:00:02"),
    "vxlan6": ("02:00:00:04:00:01", "02:00:00:04:00:02"),
    "vtep6": ("02:00:00:05:00:01", "02:00:00:05:00:02"),
    "vtepk6": ("02:00:00:06:00:01", "02:00:00:06:00:02"),
}
UMAC = ("02:00:00:00:00:01", "02:00:00:00:00:02")  # underlay eth0
VNI = 100
VTEP_PORT = 4790
# vtep6's 1k twin in the scale phase: a device (an FDB table) of its own on
# vtep6's socket (same addresses and port), hence a VNI of its own
TWIN, TWIN_VNI, TWIN_N = "vtepk6", 200, 1000


def log(*a):
    print("#", *a, flush=True)


def sh(*cmd, ns=None, check=True, timeout=None, quiet=False, inp=None):
    argv = list(cmd)
    if ns:
        argv = ["ip", "netns", "exec", ns] + argv
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       input=inp)
    if check and p.returncode != 0:
        raise RuntimeError("%s: rc %d: %s" % (" ".join(argv), p.returncode,
                                              (p.stderr or p.stdout).strip()[-400:]))
    return p


def ip(ns, *a, **kw):
    return sh("ip", "-n", ns, *a, **kw)


def vtepctl(ns, *a, **kw):
    return sh(VTEPCTL, *a, ns=ns, **kw)


# ---- counters ----

def cpu_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v[:8]) - idle, sum(v[:8])


def dev_stat(ns, dev, what):
    p = sh("cat", "/sys/class/net/%s/statistics/%s" % (dev, what), ns=ns)
    return int(p.stdout)


def meminfo():
    m = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            m[k] = int(v.split()[0]) * 1024
    return {k: m.get(k, 0) for k in ("Slab", "Percpu", "VmallocUsed")}


def slabinfo():
    s = {}
    with open("/proc/slabinfo") as f:
        for line in f.readlines()[2:]:
            w = line.split()
            s[w[0]] = int(w[2]) * int(w[3])  # num_objs * objsize
    return s


def settle():
    # Let RCU callbacks and deferred frees run so deltas are the table's.
    time.sleep(1.5)


# ---- topology ----

def setup():
    sh("modprobe", "-q", "geneve", check=False)
    for ns in (A, B):
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
        ip(ns, "link", "set", "lo", "up")
        sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
           "net.ipv6.conf.default.disable_ipv6=1", ns=ns)
    sh("ip", "link", "add", "name", "eth0", "netns", A, "address", UMAC[0],
       "type", "veth", "peer", "name", "eth0", "netns", B, "address", UMAC[1])
    for i, ns in enumerate((A, B)):
        sh("sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=0", ns=ns)
        ip(ns, "addr", "add", "192.0.2.%d/24" % (i + 1), "dev", "eth0")
        ip(ns, "addr", "add", "2001:db8::%d/64" % (i + 1), "dev", "eth0",
           "nodad")
        ip(ns, "link", "set", "eth0", "up")
        for peer in ("192.0.2.%d" % (2 - i), "2001:db8::%d" % (2 - i)):
            ip(ns, "neigh", "replace", peer, "lladdr", UMAC[1 - i], "dev",
               "eth0", "nud", "permanent")
    for row in ("vxlan", "vtep", "geneve", "vxlan6", "vtep6"):
        try:
            for i in (0, 1):
                make_overlay(row, i)
        except RuntimeError as e:
            if row != "geneve":
                raise
            log("no geneve row:", e)
            del ROWS["geneve"]


def underlay(row, host):
    """Underlay address of host 1 (bA) or 2 (bB) for ROW's device"""
    return ("2001:db8::%d" if row.endswith("6") else "192.0.2.%d") % host


def make_overlay(row, i):
    ns = (A, B)[i]
    loc, peer = underlay(row, i + 1), underlay(row, 2 - i)
    dev = DEV[row]
    learn = i == 1
    if row.startswith("vxlan"):
        ip(ns, "link", "add", dev, "address", OMAC[row][i], "type", "vxlan",
           "id", str(VNI), "dstport", "4789", "local", loc, "dev", "eth0",
           *([] if learn else ["nolearning"]))
        sh("bridge", "fdb", "add", OMAC[row][1 - i], "dev", dev, "dst", peer,
           "self", "permanent", ns=ns)
    elif row.startswith("vtep"):
        ip(ns, "link", "add", dev, "address", OMAC[row][i], "type", "vtep")
        # the scale phases put 1M entries each behind its own peer, and
        # the BUM phase many remotes on one VNI: no limits here
        vtepctl(ns, "link", "set", dev, "local", loc, "port", str(VTEP_PORT),
                "learning", "on" if learn else "off", "max-peers", "0",
                "max-remotes", "0")
        vni = str(TWIN_VNI if row == TWIN else VNI)
        vtepctl(ns, "vni", "add", vni, "dev", dev, "untagged")
        vtepctl(ns, "fdb", "add", OMAC[row][1 - i], "vni", vni, "dst",
                peer, "dev", dev)
    else:
        ip(ns, "link", "add", dev, "address", OMAC[row][i], "type", "geneve",
           "id", str(VNI), "remote", peer)
    # what an underlay of MTU 1500 carries: 50 bytes of IPv4 tunnel
    # headers, 70 of IPv6
    ip(ns, "link", "set", dev, "mtu", "1430" if row.endswith("6") else "1450")
    a = ROWS[row][i]
    ip(ns, "addr", "add", "%s/%d" % (a, PLEN[row]), "dev", dev)
    ip(ns, "link", "set", dev, "up")
    ip(ns, "neigh", "replace", ROWS[row][1 - i], "lladdr", OMAC[row][1 - i],
       "dev", dev, "nud", "permanent")


def iperf_server():
    iperf_stop()
    sh("iperf3", "-s", "-D", "--pidfile", "/tmp/bench-iperf3.pid", ns=B)
    time.sleep(0.5)


def iperf_stop():
    try:
        with open("/tmp/bench-iperf3.pid") as f:
            os.kill(int(f.read().strip()), 15)
        time.sleep(0.3)
    except (OSError, ValueError):
        pass


# ---- one measurement ----

def measure(row, kind, secs, rx_ns=B, rx_dev=None, tx_dev=None):
    """One iperf3 run bA -> bB over ROW: TCP throughput or 64-byte UDP
    pps (counted at bB's receiving device), with CPU per packet."""
    src, dst, dev = ROWS[row]
    rx_dev = rx_dev or dev
    args = ["iperf3", "-c", dst, "-B", src, "-t", str(secs), "-J"]
    if kind == "udp":
        args += ["-u", "-l", "18", "-b", "0"]
    r0 = dev_stat(rx_ns, rx_dev, "rx_packets")
    t0 = dev_stat(A, tx_dev, "tx_packets") if tx_dev else 0
    c0 = cpu_busy()
    w0 = time.monotonic()
    p = sh(*args, ns=A, check=False, timeout=secs + 30)
    w1 = time.monotonic()
    c1 = cpu_busy()
    r1 = dev_stat(rx_ns, rx_dev, "rx_packets")
    t1 = dev_stat(A, tx_dev, "tx_packets") if tx_dev else 0
    try:
        j = json.loads(p.stdout)
    except ValueError:
        j = {"error": p.stderr.strip() or "no output"}
    if "error" in j:
        iperf_server()
        raise RuntimeError("iperf3 %s %s: %s" % (row, kind, j["error"]))
    end = j["end"]
    secs_run = end["sum_received" if kind == "tcp" else "sum"]["seconds"]
    busy = c1[0] - c0[0]
    pk = r1 - r0
    s = {"wall_s": round(w1 - w0, 3), "seconds": secs_run, "rx_packets": pk,
         "cpu_busy_jiffies": busy,
         "cpu_util": round(busy / max(1, c1[1] - c0[1]), 3)}
    if kind == "tcp":
        s["gbps"] = round(end["sum_received"]["bits_per_second"] / 1e9, 4)
        s["value"] = s["gbps"]
    else:
        s["kpps"] = round(pk / secs_run / 1e3, 3)
        s["value"] = s["kpps"]
        s["tx_packets"] = t1 - t0
    s["cpu_us_per_pkt"] = round(busy * 1e6 / HZ / max(1, pk), 3)
    return s


def sample(res, key, fn, *a, **kw):
    try:
        v = fn(*a, **kw)
    except Exception as e:  # noqa: BLE001 - record and go on
        log("FAILED", key, e)
        res.setdefault(key, []).append({"error": str(e)[:300]})
        return None
    res.setdefault(key, []).append(v)
    return v


# ---- phase 1: the rows ----

def phase_rows(cfg, out):
    res = {}
    for rep in range(cfg["reps"]):
        for kind in ("tcp", "udp"):
            for row in [r for r in ("veth", "vxlan", "vtep", "geneve") if r in ROWS]:
                v = sample(res, "%s/%s" % (row, kind), measure, row, kind,
                           cfg["secs"])
                if v:
                    log("rows rep %d %s %s %s" % (rep, row, kind, v["value"]))
    out["rows"] = res


# ---- the allow-list's cost: vtep pps with its VNI on "peers any" and
# "peers known" (bA is a known peer of bB: a static FDB destination) ----

def phase_allow(cfg, out):
    res = {}
    for rep in range(cfg["reps"]):
        for mode in ("any", "known"):
            vtepctl(B, "vni", "set", str(VNI), "dev", "vtep0", "peers", mode)
            v = sample(res, mode, measure, "vtep", "udp", cfg["secs"])
            if v:
                log("allow rep %d peers %s %s" % (rep, mode, v["value"]))
    vtepctl(B, "vni", "set", str(VNI), "dev", "vtep0", "peers", "any")
    st = json.loads(vtepctl(B, "-j", "stats", "show", "dev", "vtep0").stdout)
    if st[0].get("vtep_stats", st[0].get("stats", {})).get("drop_peer"):
        raise RuntimeError("the known peer's frames were dropped")
    out["allow"] = res


# ---- phase 2: table scale ----

def mac(i, base=0x0a):
    return "%02x:%02x:%02x:%02x:%02x:%02x" % (
        base, (i >> 32) & 0xff, (i >> 24) & 0xff, (i >> 16) & 0xff,
        (i >> 8) & 0xff, i & 0xff)


def dst(i, layout):
    k = i if layout == "unique" else i % 1000
    k += 1  # 2001:db8:1::0:1 ... (one address per entry, up to 2^32)
    return "2001:db8:1::%x:%x" % (k >> 16, k & 0xffff)


def vtep_fdb_lines(n, vni, dev, layout="spread", base=0x0a):
    """vtepctl -batch lines adding @n entries to @vni of @dev."""
    return ("fdb add %s vni %d dst %s dev %s\n"
            % (mac(i, base), vni, dst(i, layout), dev) for i in range(n))


def write_batch(path, impl, op, n, layout):
    with open(path, "w") as f:
        if impl == "vtep":
            if op == "add":
                f.writelines(vtep_fdb_lines(n, 100, "vtep6", layout))
            else:
                fmt = "fdb del %s vni 100 dev vtep6\n"
                f.writelines(fmt % mac(i) for i in range(n))
        else:
            if op == "add":
                fmt = "fdb add %s dev vxlan6 dst %s self permanent\n"
                f.writelines(fmt % (mac(i), dst(i, layout)) for i in range(n))
            else:
                fmt = "fdb del %s dev vxlan6 self\n"
                f.writelines(fmt % mac(i) for i in range(n))


def run_batch(impl, path, limit):
    argv = ([VTEPCTL, "-batch", path] if impl == "vtep"
            else ["bridge", "-batch", path])
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    try:
        p = sh(*argv, ns=A, check=False, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"dnf": True, "limit_s": limit,
                "note": "did not finish in %d s" % limit}
    dt = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    # where the time went: the tool's own parsing (user) against the
    # kernel's work in its system calls (system); the table's resize
    # worker runs in a kworker and is in neither
    r = {"seconds": round(dt, 3),
         "user_s": round(ru.ru_utime - ru0.ru_utime, 3),
         "sys_s": round(ru.ru_stime - ru0.ru_stime, 3)}
    if p.returncode != 0:
        r["error"] = p.stderr.strip()[-300:]
    return r


def table_count(impl):
    dev = DEV[SCALE[impl]]
    if impl == "vtep":
        p = vtepctl(A, "link", "show", dev, check=False)
        w = p.stdout.split()
        return int(w[w.index("fdb") + 1]) if "fdb" in w else -1
    # vxlan's dump of a million entries takes minutes in the VM: a count
    # that cannot be had is -1, not the end of the phase
    try:
        p = sh("bridge", "fdb", "show", "dev", dev, ns=A, check=False,
               timeout=600)
    except subprocess.TimeoutExpired:
        return -1
    return p.stdout.count("\n")


def reset_table(impl):
    """After a run that did not finish: get back to an empty table."""
    row = SCALE[impl]
    try:
        if impl == "vtep":
            vtepctl(A, "fdb", "flush", "dev", DEV[row], timeout=120)
        else:
            ip(A, "link", "del", DEV[row], timeout=120)
            raise RuntimeError("recreate")
    except Exception:  # noqa: BLE001
        ip(A, "link", "del", DEV[row], check=False, timeout=300)
        make_overlay(row, 0)
        return
    if impl == "vtep":
        vtepctl(A, "fdb", "replace", OMAC[row][1], "vni", str(VNI), "dst",
                underlay(row, 2), "dev", DEV[row])


def vni_del_beside(n=100):
    """Delete a VNI of @n entries beside the loaded table: what it costs
    should be what the VNI holds (the table is walked no more)."""
    dev = DEV[SCALE["vtep"]]
    vtepctl(A, "vni", "add", "101", "dev", dev, "vlan", "101")
    with open("/tmp/vni101.batch", "w") as f:
        f.writelines(vtep_fdb_lines(n, 101, dev, base=0x0c))
    sh(VTEPCTL, "-batch", "/tmp/vni101.batch", ns=A)
    os.unlink("/tmp/vni101.batch")
    t0 = time.monotonic()
    p = vtepctl(A, "vni", "del", "101", "dev", dev, check=False, timeout=300)
    r = {"seconds": round(time.monotonic() - t0, 3), "entries": n}
    if p.returncode != 0:
        r["error"] = p.stderr.strip()[-300:]
    return r


def twin_up():
    """vtep6's twin at 1,000 entries: what vtep6 holds at 1,000 (spread and
    unique are the same below 1,000), in a table of its own (vtep->fdb is
    per device: a second VNI on vtep6 would look up the 1M table).
    False when it cannot be had: the phase goes on without it."""
    try:
        for i in (0, 1):
            make_overlay(TWIN, i)
        vtepctl(A, "-batch", "-",
                inp="".join(vtep_fdb_lines(TWIN_N, TWIN_VNI, TWIN)))
    except RuntimeError as e:
        log("scale: no 1k twin:", e)
        twin_down()
        return False
    return True


def twin_down():
    for ns in (A, B):
        ip(ns, "link", "del", TWIN, check=False)


def phase_scale(cfg, out):
    res = {}
    limit = cfg["limit"]
    twin = twin_up()
    for layout in cfg["layouts"]:
        for n in cfg["sizes"]:
            key = "%s/%d" % (layout, n)
            ent = res[key] = {"entries": n, "layout": layout}
            impls = ["vtep", "vxlan"]
            if n > cfg["vxlan_max"]:
                ent["vxlan"] = {"install": {"skipped": True, "note":
                                            "skipped above %d entries (BENCH_VXLAN_MAX)"
                                            % cfg["vxlan_max"]}}
                impls = ["vtep"]
            live = []
            for impl in impls:
                e = ent[impl] = {}
                addf, delf = "/tmp/%s-add.batch" % impl, "/tmp/%s-del.batch" % impl
                write_batch(addf, impl, "add", n, layout)
                write_batch(delf, impl, "del", n, layout)
                settle()
                m0, s0 = meminfo(), slabinfo()
                e["install"] = run_batch(impl, addf, limit)
                log("scale %s %s install %s" % (key, impl, e["install"]))
                settle()
                m1, s1 = meminfo(), slabinfo()
                got = table_count(impl) - 1  # minus the peer's entry
                e["installed"] = got
                if got > 0:
                    mem = {k: m1[k] - m0[k] for k in m0}
                    e["mem_delta_bytes"] = mem
                    e["bytes_per_entry"] = round(sum(mem.values()) / got, 1)
                    e["slab_bytes_per_entry"] = round(mem["Slab"] / got, 1)
                    d = sorted(((s1.get(c, 0) - s0.get(c, 0), c) for c in s1),
                               reverse=True)
                    e["slabinfo_top"] = {c: v for v, c in d[:6] if v > 0}
                if e["install"].get("dnf") or e["install"].get("error"):
                    e["delete"] = {"skipped": True}
                    reset_table(impl)
                    e["after_reset"] = table_count(impl)
                    continue
                live.append(impl)
            # pps at this size, vtep and vxlan interleaved; each vtep
            # sample beside one of its 1k twin (twin first on even reps),
            # pair i of pps/udp and pps/twin_1k taken seconds apart
            for rep in range(cfg["scale_reps"]):
                for impl in live:
                    runs = [("udp", SCALE[impl])]
                    if impl == "vtep" and twin:
                        runs.insert(rep % 2, ("twin_1k", TWIN))
                    for what, row in runs:
                        v = sample(ent[impl].setdefault("pps", {}), what,
                                   measure, row, "udp", cfg["secs"])
                        if v:
                            log("scale %s %s pps %s %s" % (key, impl, what,
                                                           v["value"]))
            if "vtep" in live:
                ent["vtep"]["vni_del"] = vni_del_beside()
                log("scale %s vtep vni del %s" % (key, ent["vtep"]["vni_del"]))
            for impl in live:
                e = ent[impl]
                settle()
                m1 = meminfo()
                e["delete"] = run_batch(impl, "/tmp/%s-del.batch" % impl, limit)
                settle()
                m2 = meminfo()
                e["mem_freed_bytes"] = sum(m1[k] - m2[k] for k in m1)
                log("scale %s %s delete %s" % (key, impl, e["delete"]))
                if e["delete"].get("dnf") or e["delete"].get("error") or \
                        table_count(impl) != 1:
                    reset_table(impl)
            for impl in impls:
                for f in ("add", "del"):
                    try:
                        os.unlink("/tmp/%s-%s.batch" % (impl, f))
                    except OSError:
                        pass
    if twin:
        twin_down()
    out["scale"] = res


# ---- phase 3: BUM replication ----

def remote_ip(k):
    # remote 0 is bB itself; the others are addresses whose neighbour is a
    # MAC nobody has (the replicas leave bA, bB drops them at once)
    return "192.0.2.2" if k == 0 else "192.0.2.%d" % (9 + k)


def set_remotes(impl, n, op):
    if impl == "vtep":
        lines = "".join("remote %s %s vni 100 dev vtep0\n" % (op, remote_ip(k))
                        for k in range(n))
        vtepctl(A, "-batch", "-", inp=lines)
    else:
        lines = "".join("fdb %s 00:00:00:00:00:00 dev vxlan0 dst %s self permanent\n"
                        % ("append" if op == "add" else "del", remote_ip(k))
                        for k in range(n))
        sh("bridge", "-batch", "-", ns=A, inp=lines)


def phase_bum(cfg, out):
    res = {}
    for k in range(1, max(cfg["remotes"])):
        ip(A, "neigh", "replace", remote_ip(k), "lladdr", "02:ff:ff:ff:ff:01",
           "dev", "eth0", "nud", "permanent")
    # bA forgets bB's overlay MAC: every frame to bB is unknown unicast
    vtepctl(A, "fdb", "del", OMAC["vtep"][1], "vni", str(VNI), "dev", "vtep0")
    sh("bridge", "fdb", "del", OMAC["vxlan"][1], "dev", "vxlan0", "self", ns=A)
    for n in cfg["remotes"]:
        for impl in ("vtep", "vxlan"):
            set_remotes(impl, n, "add")
        for rep in range(cfg["bum_reps"]):
            for impl in ("vtep", "vxlan"):
                v = sample(res, "%s/%d" % (impl, n), measure, impl, "udp",
                           cfg["secs"], tx_dev="eth0")
                if v:
                    v["replicas_kpps"] = round(v["tx_packets"] / v["seconds"] / 1e3, 3)
                    v["cpu_us_per_replica"] = round(
                        v["cpu_busy_jiffies"] * 1e6 / HZ / max(1, v["tx_packets"]), 3)
                    log("bum %s %d: frames %s kpps, replicas %s kpps" %
                        (impl, n, v["kpps"], v["replicas_kpps"]))
        for impl in ("vtep", "vxlan"):
            set_remotes(impl, n, "del")
    vtepctl(A, "fdb", "add", OMAC["vtep"][1], "vni", str(VNI), "dst",
            "192.0.2.2", "dev", "vtep0")
    sh("bridge", "fdb", "add", OMAC["vxlan"][1], "dev", "vxlan0", "dst",
       "192.0.2.2", "self", "permanent", ns=A)
    out["bum"] = res


# ---- phase 4: receive side with learning ----

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def macb(m):
    return bytes(int(x, 16) for x in m.split(":"))


def write_pcap(path, port, n, many, seed):
    """n VXLAN frames bA -> bB on PORT; inner source MACs all different
    (many) or one; inner destination a MAC bB does not own (decapsulated,
    learned from, then dropped as another host's)."""
    inner_ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 46, 0, 0, 64, 17, 0,
                           bytes([198, 51, 100, 201]), bytes([198, 51, 100, 202]))
    inner_ip = inner_ip[:10] + struct.pack("!H", csum(inner_ip)) + inner_ip[12:]
    inner_tail = b"\x08\x00" + inner_ip + struct.pack("!HHHH", 9, 9, 26, 0) + bytes(18)
    idst = macb("02:00:00:09:09:09")
    outer_eth = macb(UMAC[1]) + macb(UMAC[0]) + b"\x08\x00"
    ulen = 8 + 8 + len(inner_tail) + 12
    oip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0x4000, 64, 17, 0,
                      bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
    oip = oip[:10] + struct.pack("!H", csum(oip)) + oip[12:]
    vxh = struct.pack("!II", 0x08000000, VNI << 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            src = mac(seed * 10_000_000 + (i if many else 0), 0x06)
            udp = struct.pack("!HHHH", 32768 + (i & 0x3fff), port, ulen, 0)
            pkt = outer_eth + oip + udp + vxh + idst + macb(src) + inner_tail
            f.write(struct.pack("<IIII", 0, 0, len(pkt), len(pkt)))
            f.write(pkt)


def phase_learning(cfg, out):
    res = {}
    n = cfg["learn_frames"]
    for rep in range(cfg["learn_reps"]):
        for impl, port in (("vtep", VTEP_PORT), ("vxlan", 4789)):
            for many in (True, False):
                key = "%s/%s" % (impl, "many" if many else "one")
                path = "/tmp/learn.pcap"
                write_pcap(path, port, n, many, 1 + rep * 4 + (impl == "vxlan") * 2 + many)
                flush_learned(impl)
                v = sample(res, key, replay, impl, path, n)
                if v:
                    log("learning %s: %s kpps, %s us/pkt" %
                        (key, v["kpps"], v["cpu_us_per_pkt"]))
    out["learning"] = res


def flush_learned(impl):
    """Start each run from bB's static entries only, so a repetition does
    not pay for the table the one before it learned."""
    if impl == "vtep":
        vtepctl(B, "fdb", "flush", "dev", "vtep0", "learned")
    else:
        # vxlan's ndo_stop flushes every entry but the permanent ones
        ip(B, "link", "set", "vxlan0", "down")
        ip(B, "link", "set", "vxlan0", "up")
    time.sleep(0.3)


def replay(impl, path, n):
    dev = DEV[impl]
    r0 = dev_stat(B, dev, "rx_packets")
    c0 = cpu_busy()
    w0 = time.monotonic()
    sh("tcpreplay", "-q", "--topspeed", "-i", "eth0", path, ns=A, timeout=300)
    w1 = time.monotonic()
    time.sleep(0.2)
    c1 = cpu_busy()
    r1 = dev_stat(B, dev, "rx_packets")
    pk = r1 - r0
    busy = c1[0] - c0[0]
    return {"frames_sent": n, "rx_packets": pk, "wall_s": round(w1 - w0, 3),
            "kpps": round(pk / (w1 - w0) / 1e3, 3), "value": round(pk / (w1 - w0) / 1e3, 3),
            "cpu_busy_jiffies": busy,
            "cpu_us_per_pkt": round(busy * 1e6 / HZ / max(1, pk), 3)}


def phase_ecmp(cfg, out):
    """The 4-path ECMP row (scripts/bench_ecmp.py), with this file's helpers"""
    import bench_ecmp
    bench_ecmp.phase(sys.modules[__name__], cfg, out)


# ---- the guest's main ----

def env_list(name, default):
    return [int(x) for x in os.environ.get(name, default).replace(",", " ").split()]


def guest():
    cfg = {
        "reps": int(os.environ.get("BENCH_REPS", "5")),
        "secs": int(os.environ.get("BENCH_SECS", "3")),
        "sizes": env_list("BENCH_SIZES", "1000 100000 1000000"),
        "layouts": os.environ.get("BENCH_LAYOUTS", "spread unique").split(),
        "limit": int(os.environ.get("BENCH_LIMIT", "60")),
        "vxlan_max": int(os.environ.get("BENCH_VXLAN_MAX", "100000")),
        "scale_reps": int(os.environ.get("BENCH_SCALE_REPS", "3")),
        "remotes": env_list("BENCH_REMOTES", "1 10 100"),
        "bum_reps": int(os.environ.get("BENCH_BUM_REPS", "3")),
        "learn_frames": int(os.environ.get("BENCH_LEARN_FRAMES", "50000")),
        "learn_reps": int(os.environ.get("BENCH_LEARN_REPS", "3")),
        "phases": os.environ.get("BENCH_PHASES", "rows allow scale bum learning ecmp").split(),
    }
    out = {"config": cfg, "guest": {
        "kernel": platform.release(), "nproc": os.cpu_count(),
        "cmdline": open("/proc/cmdline").read().strip()}}
    log("bench config", json.dumps(cfg))
    t0 = time.monotonic()
    setup()
    iperf_server()
    phases = {"rows": phase_rows, "allow": phase_allow, "scale": phase_scale,
              "bum": phase_bum,
              "learning": phase_learning, "ecmp": phase_ecmp}
    out["phase_seconds"] = {}
    for ph in cfg["phases"]:
        t = time.monotonic()
        try:
            phases[ph](cfg, out)
        except Exception as e:  # noqa: BLE001 - keep what the others measured
            log("phase %s failed: %s" % (ph, e))
            out.setdefault("errors", {})[ph] = str(e)[:500]
        out["phase_seconds"][ph] = round(time.monotonic() - t, 1)
        log("phase %s done in %.0f s" % (ph, time.monotonic() - t))
    out["guest_seconds"] = round(time.monotonic() - t0, 1)
    iperf_stop()
    for ns in (A, B):
        sh("ip", "netns", "del", ns, check=False)
    print("BENCH-JSON " + json.dumps(out), flush=True)




# ---- the host's report ----

def summary(samples, field="value"):
    v = sorted(s[field] for s in samples if field in s)
    if not v:
        return None
    q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return {"n": len(v), "median": round(statistics.median(v), 4),
            "min": v[0], "max": v[-1], "q1": round(q[0], 4), "q3": round(q[2], 4),
            "samples": v}


def compare(a, b, higher_better=True):
    """a against b: the ratio of medians, and a win or loss only where the
    ranges (min-max) do not overlap."""
    if not a or not b or not b["median"]:
        return None
    r = a["median"] / b["median"]
    if min(a["n"], b["n"]) < 3:
        v = "n<3"
    elif a["min"] > b["max"]:
        v = "win" if higher_better else "loss"
    elif a["max"] < b["min"]:
        v = "loss" if higher_better else "win"
    else:
        v = "tie"
    return {"ratio": round(r, 3), "verdict": v}


def paired(a, b, floor=0.95):
    """a against b sampled side by side (a[i] beside b[i]; a pair with a
    failed sample is left out): the ratios' median [min-max], "within"
    when every ratio is at least @floor, "below" when none is, else "tie"."""
    r = [x["value"] / y["value"] for x, y in zip(a, b)
         if x.get("value") and y.get("value")]
    if not r:
        return None
    s = sorted(r)
    v = ("n<3" if len(s) < 3 else "within" if s[0] >= floor
         else "below" if s[-1] < floor else "tie")
    return {"n": len(s), "median": round(statistics.median(s), 4),
            "min": round(s[0], 4), "max": round(s[-1], 4),
            "ratios": [round(x, 4) for x in r], "floor": floor, "verdict": v}


def fmt(s, digits=2):
    if not s:
        return "-"
    f = "%%.%df" % digits
    return (f + " [" + f + "-" + f + "]") % (s["median"], s["min"], s["max"])


def fcmp(c):
    return "%.2fx %s" % (c["ratio"], c["verdict"]) if c else "-"


def machine():
    m = {"nproc": os.cpu_count(), "host_kernel": platform.release()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    m["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return m


def report(raw_path, kernel, outdir, ts, wall=None):
    with open(raw_path) as f:
        raw = json.load(f)
    res = {"kernel": kernel, "timestamp": ts, "machine": machine(),
           "guest": raw.get("guest"), "config": raw.get("config"),
           "run_seconds": int(wall) if wall else None,
           "phase_seconds": raw.get("phase_seconds"),
           "errors": raw.get("errors", {})}
    lines = []
    p = lines.append
    m = res["machine"]
    p("vtep bench: guest %s, host %s, %s x %s; %ss in the guest, %ss in all (with the VM lock wait)" % (
        (raw.get("guest") or {}).get("kernel"), m["host_kernel"], m["nproc"],
        m.get("cpu_model", "?"), raw.get("guest_seconds"), wall))
    p("phases (s): %s" % raw.get("phase_seconds"))
    p("medians [min-max]; a ratio is a win/loss only where the ranges do not overlap")

    # rows
    rows = raw.get("rows", {})
    rs = {}
    for key, smp in rows.items():
        rs[key] = {"value": summary(smp), "cpu_us_per_pkt": summary(smp, "cpu_us_per_pkt"),
                   "samples": smp}
    ratios = {}
    for row in ("vtep", "vxlan", "geneve", "veth"):
        for kind in ("tcp", "udp"):
            me = rs.get("%s/%s" % (row, kind))
            if not me:
                continue
            for ref in ("vxlan", "veth"):
                if ref == row:
                    continue
                o = rs.get("%s/%s" % (ref, kind))
                if not o:
                    continue
                ratios["%s/%s vs %s" % (row, kind, ref)] = compare(me["value"], o["value"])
                if kind == "udp":
                    ratios["%s/%s cpu_per_pkt vs %s" % (row, kind, ref)] = compare(
                        me["cpu_us_per_pkt"], o["cpu_us_per_pkt"], higher_better=False)
    res["rows"] = {"stats": rs, "ratios": ratios}
    if rs:
        n = (raw.get("config") or {}).get("reps")
        p("")
        p("== rows (%s repetitions, interleaved) ==" % n)
        p("%-7s %-22s %-22s %-20s %-13s %-13s" % ("row", "TCP Gbit/s", "UDP 64B kpps (rx)",
                                                  "CPU us/pkt (UDP)", "pps vs vxlan", "pps vs veth"))
        for row in ("veth", "vxlan", "vtep", "geneve"):
            t, u = rs.get(row + "/tcp"), rs.get(row + "/udp")
            p("%-7s %-22s %-22s %-20s %-13s %-13s" % (
                row, fmt(t and t["value"], 3), fmt(u and u["value"], 1),
                fmt(u and u["cpu_us_per_pkt"], 1),
                fcmp(ratios.get(row + "/udp vs vxlan")), fcmp(ratios.get(row + "/udp vs veth"))))
        p("vtep vs vxlan: TCP %s, UDP pps %s, CPU/pkt %s (lower is a win)" % (
            fcmp(ratios.get("vtep/tcp vs vxlan")), fcmp(ratios.get("vtep/udp vs vxlan")),
            fcmp(ratios.get("vtep/udp cpu_per_pkt vs vxlan"))))
        p("vtep vs veth:  TCP %s, UDP pps %s" % (
            fcmp(ratios.get("vtep/tcp vs veth")), fcmp(ratios.get("vtep/udp vs veth"))))

    # allow-list
    al = raw.get("allow", {})
    if al.get("any") and al.get("known"):
        st = {m: {"value": summary(al[m]), "cpu_us_per_pkt": summary(al[m], "cpu_us_per_pkt")}
              for m in ("any", "known")}
        c = compare(st["known"]["value"], st["any"]["value"])
        res["allow"] = {"stats": st, "known vs any": c}
        p("")
        p("== allow-list: vtep UDP 64B kpps, VNI on peers any / known (interleaved) ==")
        p("any %s   known %s   known vs any %s   CPU us/pkt %s / %s" % (
            fmt(st["any"]["value"], 1), fmt(st["known"]["value"], 1), fcmp(c),
            fmt(st["any"]["cpu_us_per_pkt"], 2), fmt(st["known"]["cpu_us_per_pkt"], 2)))

    # scale
    scale = raw.get("scale", {})
    res["scale"] = scale
    if scale:
        p("")
        p("== table scale (spread: 1,000 destinations; unique: one each) ==")
        p("%-7s %9s %-6s %-12s %-12s %-9s %-24s %-11s %-11s" % (
            "layout", "entries", "impl", "install s", "delete s", "B/entry",
            "(slab/percpu/vmalloc)", "pps kpps", "pps vs 1k") +
          " vni del s (100 entries beside the table)")
        base = {}
        for key in sorted(scale, key=lambda k: (scale[k]["layout"], scale[k]["entries"])):
            ent = scale[key]
            for impl in ("vtep", "vxlan"):
                e = ent.get(impl)
                if e is None:
                    continue
                ps = summary(e.get("pps", {}).get("udp", []))
                e["pps_stats"] = ps
                if ps:
                    e["cpu_us_per_pkt"] = summary(e["pps"]["udp"], "cpu_us_per_pkt")
                b = base.setdefault((ent["layout"], impl), ps)
                if ps and b and b is not ps:
                    e["pps_vs_smallest"] = compare(ps, b)
                tw = e.get("pps", {}).get("twin_1k")
                if tw:
                    e["twin_1k_stats"] = summary(tw)
                    e["pps_vs_twin_1k"] = paired(e["pps"]["udp"], tw)

                def t(x):
                    if not x:
                        return "-"
                    if x.get("skipped"):
                        return "skipped"
                    if x.get("dnf"):
                        return ">%ds DNF" % x["limit_s"]
                    return "%.2f%s" % (x["seconds"], " ERR" if x.get("error") else "")
                md = e.get("mem_delta_bytes")
                inst = e.get("installed")
                p("%-7s %9d %-6s %-12s %-12s %-9s %-24s %-11s %-11s" % (
                    ent["layout"], ent["entries"], impl, t(e.get("install")),
                    t(e.get("delete")),
                    "%.0f" % e["bytes_per_entry"] if "bytes_per_entry" in e else "-",
                    "%.0f/%.0f/%.0f" % tuple(md[k] / inst for k in ("Slab", "Percpu", "VmallocUsed"))
                    if md and inst else "-",
                    "%.1f" % ps["median"] if ps else "-",
                    fcmp(e.get("pps_vs_smallest"))) +
                  (" " + t(e["vni_del"]) if e.get("vni_del") else ""))
                cpu = ["%s %.2f user + %.2f system" % (w, e[w]["user_s"], e[w]["sys_s"])
                       for w in ("install", "delete")
                       if "user_s" in e.get(w, {})]
                if cpu:
                    p("%-7s %9d %-6s CPU seconds of the tool: %s" % (
                        ent["layout"], ent["entries"], impl, "; ".join(cpu)))
                c = e.get("pps_vs_twin_1k")
                if c:
                    p("%-7s %9d %-6s pps vs its 1k twin, %d pairs interleaved: %s %s (floor %.2f)" % (
                        ent["layout"], ent["entries"], impl, c["n"], fmt(c, 3),
                        c["verdict"], c["floor"]))
            v, x = ent.get("vtep", {}), ent.get("vxlan", {})
            vi, xi = v.get("install", {}), x.get("install", {})
            if vi.get("seconds") and (xi.get("seconds") or xi.get("dnf")):
                xs = xi.get("seconds") or xi["limit_s"]
                ent["install_speedup_vs_vxlan"] = round(xs / vi["seconds"], 1)
                p("%-7s %9d install speed vtep/vxlan: %s%.1fx" % (
                    ent["layout"], ent["entries"], ">" if xi.get("dnf") else "",
                    ent["install_speedup_vs_vxlan"]))

    # BUM
    bum = raw.get("bum", {})
    if bum:
        bs = {}
        p("")
        p("== BUM: unknown-unicast frames replicated to N remotes ==")
        p("%-7s %-6s %-20s %-20s %-18s %-12s" % ("remotes", "impl", "frames kpps",
                                                 "replicas kpps", "CPU us/replica", "vs vxlan"))
        for key in sorted(bum, key=lambda k: (int(k.split("/")[1]), k)):
            impl, n = key.split("/")
            bs[key] = {"frames": summary(bum[key]),
                       "replicas": summary(bum[key], "replicas_kpps"),
                       "cpu_us_per_replica": summary(bum[key], "cpu_us_per_replica"),
                       "samples": bum[key]}
        for key in sorted(bs, key=lambda k: (int(k.split("/")[1]), k)):
            impl, n = key.split("/")
            c = compare(bs[key]["frames"], bs.get("vxlan/" + n, {}).get("frames")) \
                if impl == "vtep" else None
            bs[key]["frames_vs_vxlan"] = c
            p("%-7s %-6s %-20s %-20s %-18s %-12s" % (
                n, impl, fmt(bs[key]["frames"], 2), fmt(bs[key]["replicas"], 1),
                fmt(bs[key]["cpu_us_per_replica"], 1), fcmp(c)))
        res["bum"] = bs

    # learning
    learn = raw.get("learning", {})
    if learn:
        ls = {}
        p("")
        p("== receive side, learning on: VXLAN frames from many source MACs (tcpreplay) ==")
        p("%-6s %-5s %-20s %-20s %-14s" % ("impl", "srcs", "rx kpps", "CPU us/pkt",
                                            "CPU vs one src"))
        for key in sorted(learn):
            ls[key] = {"rx": summary(learn[key]),
                       "cpu_us_per_pkt": summary(learn[key], "cpu_us_per_pkt"),
                       "samples": learn[key]}
        for key in sorted(ls):
            impl, srcs = key.split("/")
            c = compare(ls[key]["cpu_us_per_pkt"], ls.get(impl + "/one", {}).get("cpu_us_per_pkt"),
                        higher_better=False) if srcs == "many" else None
            ls[key]["cpu_vs_one_src"] = c
            p("%-6s %-5s %-20s %-20s %-14s" % (impl, srcs, fmt(ls[key]["rx"], 2),
                                               fmt(ls[key]["cpu_us_per_pkt"], 1), fcmp(c)))
        for srcs in ("many", "one"):
            c = compare(ls.get("vtep/" + srcs, {}).get("cpu_us_per_pkt"),
                        ls.get("vxlan/" + srcs, {}).get("cpu_us_per_pkt"), higher_better=False)
            res.setdefault("learning_vtep_vs_vxlan_cpu", {})[srcs] = c
            p("vtep vs vxlan CPU/pkt, %s source(s): %s (lower is a win)" % (srcs, fcmp(c)))
        res["learning"] = ls

    import bench_ecmp
    res["ecmp"] = bench_ecmp.report(raw, p, summary, compare, fmt, fcmp)

    if res["errors"]:
        p("")
        for k, v in res["errors"].items():
            p("phase %s failed: %s" % (k, v))
    base = os.path.join(outdir, "bench-%s-%s" % (kernel, ts))
    chart = chart_svg(scale, base + ".svg")
    res["chart"] = os.path.basename(chart) if chart else None
    res["table"] = lines
    with open(base + ".json", "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(outdir, "latest.json"), "w") as f:
        json.dump(res, f, indent=1)
    if chart:
        import shutil
        shutil.copyfile(chart, os.path.join(outdir, "latest.svg"))
    p("")
    p("JSON: %s.json (and %s/latest.json)%s" % (
        base, outdir, ", chart: %s" % chart if chart else ""))
    print("\n".join(lines))


def chart_svg(scale, path):
    """Two panels, vtep beside vxlan against table size (log x): 64-byte
    UDP pps (median, min-max bar) and install time (log y)."""
    series = {}
    for ent in scale.values():
        for impl in ("vtep", "vxlan"):
            e = ent.get(impl)
            if not e:
                continue
            k = (impl, ent["layout"])
            ps = e.get("pps_stats") or summary(e.get("pps", {}).get("udp", []))
            ins = e.get("install", {})
            pt = {"n": ent["entries"], "pps": ps,
                  "install": ins.get("seconds"), "dnf": ins.get("dnf") and ins.get("limit_s")}
            series.setdefault(k, []).append(pt)
    if not series:
        return None
    import math
    colors = {("vtep", "spread"): "#1f77b4", ("vtep", "unique"): "#17becf",
              ("vxlan", "spread"): "#d62728", ("vxlan", "unique"): "#ff9896"}
    dash = {"spread": "", "unique": "6,4"}
    W, H, L, R, T, Bm = 1000, 420, 70, 20, 40, 60
    pw = (W - 2 * L - 2 * R) / 2
    ph = H - T - Bm
    ns = sorted({pt["n"] for s in series.values() for pt in s})
    x0, x1 = math.log10(min(ns)) - 0.2, math.log10(max(ns)) + 0.2
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>']

    def panel(ox, title, ylabel, getv, logy):
        vals = [v for s in series.values() for pt in s for v in getv(pt) if v]
        if not vals:
            return
        if logy:
            lo, hi = math.floor(math.log10(min(vals))), math.ceil(math.log10(max(vals)))
            hi = max(hi, lo + 1)
            fy = lambda v: T + ph - (math.log10(v) - lo) / (hi - lo) * ph  # noqa: E731
            ticks = [10 ** e for e in range(lo, hi + 1)]
        else:
            lo, hi = 0, max(vals) * 1.1
            fy = lambda v: T + ph - (v - lo) / (hi - lo) * ph  # noqa: E731
            step = 10 ** math.floor(math.log10(hi / 2))
            ticks = [i * step for i in range(0, int(hi / step) + 1)]
        fx = lambda n: ox + (math.log10(n) - x0) / (x1 - x0) * pw  # noqa: E731
        out.append('<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>'
                   % (ox, T - 15, title))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>'
                   % (ox, T, pw, ph))
        for tv in ticks:
            y = fy(tv)
            out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>' % (ox, ox + pw, y, y))
            out.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (ox - 5, y + 4, tv))
        for n in ns:
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (
                fx(n), T + ph + 18, "{:,}".format(n)))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">FDB entries</text>'
                   % (ox + pw / 2, T + ph + 38))
        out.append('<text transform="translate(%d,%d) rotate(-90)" text-anchor="middle">%s</text>'
                   % (ox - 50, T + ph / 2, ylabel))
        for k, pts in sorted(series.items()):
            pts = sorted(pts, key=lambda q: q["n"])
            xy = [(fx(q["n"]), fy(getv(q)[0])) for q in pts if getv(q)[0]]
            if xy:
                out.append('<polyline fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s" '
                           'points="%s"/>' % (colors[k], dash[k[1]],
                                              " ".join("%.1f,%.1f" % c for c in xy)))
            for q in pts:
                v = getv(q)
                if not v[0]:
                    continue
                x, y = fx(q["n"]), fy(v[0])
                out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' % (x, y, colors[k]))
                if len(v) == 3 and v[1] and v[2]:
                    out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/>'
                               % (x, x, fy(v[1]), fy(v[2]), colors[k]))
                if q.get("dnf") and getv is inst:
                    out.append('<text x="%.1f" y="%.1f" fill="%s" text-anchor="end">'
                               'did not finish in %ds</text>' % (x - 6, y - 4, colors[k], q["dnf"]))

    def pps(q):
        s = q["pps"]
        return (s["median"], s["min"], s["max"]) if s else (None,)

    def inst(q):
        return (q["install"] or q["dnf"] or None,)

    panel(L, "64-byte UDP pps (rx) against table size", "kpps", pps, False)
    panel(L * 2 + R + pw, "install time (one batch) against table size",
          "seconds (log)", inst, True)
    ly = H - 12
    lx = L
    for k in sorted(series):
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2" '
                   'stroke-dasharray="%s"/>' % (lx, lx + 25, ly - 4, ly - 4, colors[k], dash[k[1]]))
        out.append('<text x="%d" y="%d">%s, %s</text>' % (
            lx + 30, ly, k[0], "1,000 destinations" if k[1] == "spread" else "one destination each"))
        lx += 230
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "guest":
        guest()
    elif len(sys.argv) > 1 and sys.argv[1] == "report":
        report(*sys.argv[2:])
    else:
        sys.exit("usage: bench.py guest | report RAW.json KERNEL OUTDIR")
