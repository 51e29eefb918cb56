# The device: read and programmed through vtepctl.
import json
import subprocess

from .evpn import T3
from .routes import rank, sticky_of
from .util import ERR, log


NO_MODULE = 3                   # vtepctl's exit status: the vtep module is not loaded


class VtepError(RuntimeError):
    """vtepctl failed; RC its exit status"""

    def __init__(self, msg, rc):
        RuntimeError.__init__(self, msg)
        self.rc = rc


class Vtep:
    """vtepctl VTEPCTL"""

    def __init__(self, vtepctl):
        self.vtepctl = vtepctl

    def run(self, args, **kw):
        try:
            return subprocess.run([self.vtepctl] + args, capture_output=True, text=True, **kw)
        except OSError as e:
            raise VtepError("cannot run %s: %s (install vtepctl, or give its path: vtepctl in "
                            "the configuration, --vtepctl)" % (self.vtepctl, e.strerror), 127)

    def json(self, *args):
        r = self.run(["-j"] + list(args))
        if r.returncode != 0:
            raise VtepError("vtepctl -j %s: %s (exit %d)" % (" ".join(args), r.stderr.strip(),
                                                           r.returncode), r.returncode)
        try:
            return json.loads(r.stdout or "[]")
        except ValueError as e:
            raise VtepError("vtepctl -j %s: unreadable JSON: %s" % (" ".join(args), e), 1)

    def batch(self, lines):
        if not lines:
            return 0
        r = self.run(["-force", "-batch", "-"], input="\n".join(lines) + "\n")
        if r.returncode != 0:
            log("vtepctl -batch (%d lines) exit %d: %s" %
                (len(lines), r.returncode, r.stderr.strip()[:500]), ERR)
        return r.returncode


# The owner of what the agent installs: it reads, replaces and deletes
# only entries of this owner, never an operator's, a hook's or the
# configuration file's (vtepctl.8, OWNERS)
OWNER = "evpn"


class Programmer:
    """what the agent owns on device DEV (through VTEP) in the VNIs of
    VNIS: static FDB entries, remotes (the replication list), neighbours,
    all of owner OWNER"""

    def __init__(self, vtep, dev, vnis):
        self.vtep, self.dev, self.vnis = vtep, dev, vnis
        self.fdb = {}               # programmed static entries (vni, mac) -> dst
        self.remotes = set()        # programmed (vni, dst)
        self.neighs = {}            # programmed (vni, ip) -> mac
        self.need_full = False      # a batch failed: recompute it all next

    def read(self):
        fdb, rem = {}, set()
        for e in self.vtep.json("fdb", "show", "dev", self.dev, "static", "owner", OWNER):
            if e.get("vni") in self.vnis:
                fdb[(e["vni"], e["mac"].lower())] = e["dst"]
        for e in self.vtep.json("remote", "show", "dev", self.dev, "owner", OWNER):
            if e.get("vni") in self.vnis:
                rem.add((e["vni"], e["dst"]))
        neighs = {}
        for e in self.vtep.json("neigh", "show", "dev", self.dev, "owner", OWNER):
            if e.get("vni") in self.vnis:
                neighs[(e["vni"], e["dst"])] = e["lladdr"].lower()
        self.fdb, self.remotes, self.neighs = fdb, rem, neighs
        log("programmed now: %d static FDB entries, %d remotes, %d neighbours" %
            (len(fdb), len(rem), len(neighs)))

    def program(self, routes, local_macs, frozen):
        """The full recompute: the device brought to ROUTES (key ->
        (nexthop, seq, ip[, sticky])), but for the MACs of LOCAL_MACS;
        nothing deleted while FROZEN. Every route is read: the resync's
        sweep, and the way back after a failed batch."""
        want_rem, best, nbest = set(), {}, {}
        for k, v in routes.items():
            nh = v[0]
            if k[0] == T3:
                want_rem.add((k[1], nh))
                continue
            m = (k[1], k[2])
            c = rank(nh, v[1], sticky_of(v))
            b = best.get(m)
            if b is None or c < b[0]:
                best[m] = (c, nh)
            if v[2]:
                # an address two MACs claim: the same rule (its new
                # owner's MAC moved or announced it last, with a higher
                # sequence); a tie goes to the lowest next hop, then MAC
                c += (k[2],)
                b = nbest.get((k[1], v[2]))
                if b is None or c < b:
                    nbest[(k[1], v[2])] = c
        want_fdb = {m: b[1] for m, b in best.items() if m not in local_macs}
        want_neigh = {n: c[-1] for n, c in nbest.items()}
        self.need_full = False
        self.push(want_fdb, set(self.fdb), want_rem, set(self.remotes), want_neigh,
                  set(self.neighs), frozen)

    def update(self, rt, local_macs, touched, frozen):
        """The incremental reconcile: only what TOUCHED names ((vni, mac)s,
        (vni, ip)s, (vni, nexthop)s whose routes or local presence
        changed) is looked up in RT (routes.Routes, through its indexes)
        and compared with what is programmed: an event costs what it
        changed. After a failed batch, the full recompute (program)."""
        macs, ips, rems = touched
        want_fdb, want_rem, want_neigh = {}, set(), {}
        for m in macs:
            b = rt.remote_best(m)
            if b is not None and m not in local_macs:
                want_fdb[m] = b[0]
        for r in rems:
            if rt.remote(r):
                want_rem.add(r)
        for n in ips:
            b = rt.remote_ip_best(n)
            if b is not None:
                want_neigh[n] = b[2]
        self.push(want_fdb, macs, want_rem, rems, want_neigh, ips, frozen)

    def push(self, want_fdb, fdb_keys, want_rem, rem_keys, want_neigh, neigh_keys, frozen):
        """The keys of FDB_KEYS, REM_KEYS and NEIGH_KEYS brought to the
        WANT_* state (a key in none of WANT_* deleted, unless FROZEN), as
        one batch of only the differences"""
        lines, dels = [], []
        for (vni, dst) in sorted(want_rem - self.remotes):
            lines.append("remote replace %s vni %d dev %s owner %s" % (dst, vni, self.dev, OWNER))
        for m, dst in want_fdb.items():
            if self.fdb.get(m) != dst:
                lines.append("fdb replace %s vni %d dst %s dev %s owner %s" %
                             (m[1], m[0], dst, self.dev, OWNER))
        fdb_gone = [m for m in fdb_keys if m in self.fdb and m not in want_fdb]
        rem_gone = sorted(r for r in rem_keys if r in self.remotes and r not in want_rem)
        neigh_gone = [n for n in neigh_keys if n in self.neighs and n not in want_neigh]
        if frozen:
            fdb_gone, rem_gone, neigh_gone = [], [], []
        for m in fdb_gone:
            dels.append("fdb del %s vni %d dev %s owner %s" % (m[1], m[0], self.dev, OWNER))
        for (vni, dst) in rem_gone:
            dels.append("remote del %s vni %d dev %s owner %s" % (dst, vni, self.dev, OWNER))
        nadd = 0
        for (vni, ip), mac in want_neigh.items():
            if self.neighs.get((vni, ip)) != mac:
                lines.append("neigh replace %s lladdr %s vni %d dev %s owner %s" %
                             (ip, mac, vni, self.dev, OWNER))
                nadd += 1
        for (vni, ip) in neigh_gone:
            dels.append("neigh del %s vni %d dev %s owner %s" % (ip, vni, self.dev, OWNER))
        # one batch: FDB entries, remotes and neighbours
        rc = self.vtep.batch(lines + dels)
        if lines or dels:
            log("programmed %d changes, %d deletions (neighbours: %d, %d)%s" %
                (len(lines), len(dels), nadd, len(neigh_gone),
                 " (failed: will re-read)" if rc else ""))
        if rc:
            self.read()
            self.need_full = True   # the next program() recomputes it all
            return
        self.fdb.update(want_fdb)
        for m in fdb_gone:
            del self.fdb[m]
        self.remotes |= want_rem
        self.remotes.difference_update(rem_gone)
        self.neighs.update(want_neigh)
        for n in neigh_gone:
            del self.neighs[n]
