# The device: read and programmed through vtepctl.
import json
import subprocess

from .evpn import T3
from .util import ERR, ipkey, log


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
        """the device brought to ROUTES (key -> (nexthop, seq, ip)), but for
        the MACs of LOCAL_MACS; nothing deleted while FROZEN"""
        want_fdb, want_rem, want_neigh = {}, set(), {}
        best, nbest = {}, {}
        for k, (nh, seq, ip) in routes.items():
            if k[0] == T3:
                want_rem.add((k[1], nh))
                continue
            m = (k[1], k[2])
            b = best.get(m)
            if b is None or seq > b[1] or (seq == b[1] and ipkey(nh) < ipkey(b[0])):
                best[m] = (nh, seq)
            if ip:
                # an address two MACs claim: the same rule (its new
                # owner's MAC moved or announced it last, with a higher
                # sequence); a tie goes to the lowest next hop, then MAC
                b = nbest.get((k[1], ip))
                c = (-seq, ipkey(nh), k[2])
                if b is None or c < b:
                    nbest[(k[1], ip)] = c
        want_neigh = {n: c[2] for n, c in nbest.items()}
        for m, (nh, seq) in best.items():
            if m not in local_macs:
                want_fdb[m] = nh
        lines, dels = [], []
        for (vni, dst) in sorted(want_rem - self.remotes):
            lines.append("remote replace %s vni %d dev %s owner %s" % (dst, vni, self.dev, OWNER))
        for m, dst in want_fdb.items():
            if self.fdb.get(m) != dst:
                lines.append("fdb replace %s vni %d dst %s dev %s owner %s" %
                             (m[1], m[0], dst, self.dev, OWNER))
        if not frozen:
            for m in self.fdb:
                if m not in want_fdb:
                    dels.append("fdb del %s vni %d dev %s owner %s" % (m[1], m[0], self.dev, OWNER))
            for (vni, dst) in sorted(self.remotes - want_rem):
                dels.append("remote del %s vni %d dev %s owner %s" % (dst, vni, self.dev, OWNER))
        nadd = nn = 0
        for (vni, ip), mac in want_neigh.items():
            if self.neighs.get((vni, ip)) != mac:
                lines.append("neigh replace %s lladdr %s vni %d dev %s owner %s" %
                             (ip, mac, vni, self.dev, OWNER))
                nadd += 1
        if not frozen:
            for (vni, ip) in self.neighs:
                if (vni, ip) not in want_neigh:
                    dels.append("neigh del %s vni %d dev %s owner %s" % (ip, vni, self.dev, OWNER))
                    nn += 1
        # one batch: FDB entries, remotes and neighbours
        rc = self.vtep.batch(lines + dels)
        if lines or dels:
            log("programmed %d changes, %d deletions (neighbours: %d, %d)%s" %
                (len(lines), len(dels), nadd, nn, " (failed: will re-read)" if rc else ""))
        if rc:
            self.read()
            return
        self.fdb = dict(want_fdb) if not frozen else {**self.fdb, **want_fdb}
        self.remotes = set(want_rem) if not frozen else self.remotes | want_rem
        self.neighs = dict(want_neigh) if not frozen else {**self.neighs, **want_neigh}
