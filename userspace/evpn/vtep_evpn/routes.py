# The other VTEPs' routes, and the holds their withdrawals wait out.
from .evpn import T2, T3
from .util import NOTICE, WARNING, ipkey, log


def sticky_of(v):
    """whether route value V (nexthop, seq, ip[, sticky]) is sticky: a
    static MAC of its VTEP (RFC 7432 section 15.2)"""
    return len(v) > 3 and bool(v[3])


def rank(nh, seq, sticky):
    """a route's rank, the lowest best: sticky first (RFC 7432 section
    15.2: a static MAC is never moved by a higher sequence), then the
    highest sequence, then the lowest next hop (section 15)"""
    return (not sticky, -seq, ipkey(nh))


class Routes:
    """remote routes: key -> (nexthop, seq, ip[, sticky]); a withdrawal
    waits HOLD seconds, those of a VTEP that is leaving VTEP_HOLD.

    What a change touches is recorded for the programmer (touched: the
    (vni, mac), (vni, ip) and (vni, nexthop) whose best route or remote may
    differ), so an event costs what it changed, not the whole table."""

    def __init__(self, hold, vtep_hold):
        self.hold, self.vtep_hold = hold, vtep_hold
        self.routes = {}            # key -> (nexthop, seq, ip)
        self.bymac = {}             # (vni, mac) -> keys of its type-2 routes
        self.byip = {}              # (vni, ip) -> keys of its MAC+IP routes
        self.pending = {}           # key -> deadline of a held withdrawal
        self.leaving = {}           # next hop -> deadline: its type 3 withdrawn
        self.left = {}              # next hop -> when its leaving hold ended
        self.absent = set()         # pending keys the table lacked at a resync
        self.byrem = {}             # (vni, nexthop) -> keys of its type-3 routes
        self.touched = (set(), set(), set())    # (vni, mac), (vni, ip), (vni, nexthop)
        self.sticky_conflicts = 0   # routes refused as a sticky MAC's rivals

    def index(self, k, v):
        if k[0] == T2:
            self.bymac.setdefault((k[1], k[2]), set()).add(k)
            self.touched[0].add((k[1], k[2]))
            if v[2]:
                self.byip.setdefault((k[1], v[2]), set()).add(k)
                self.touched[1].add((k[1], v[2]))
        elif k[0] == T3:
            self.byrem.setdefault((k[1], v[0]), set()).add(k)
            self.touched[2].add((k[1], v[0]))

    def take_touched(self):
        """what changed since the last call: ((vni, mac)s, (vni, ip)s,
        (vni, nexthop)s)"""
        t, self.touched = self.touched, (set(), set(), set())
        return t

    def set_route(self, k, v):
        old = self.routes.get(k)
        if old is not None:
            self.unindex(k, old)
        self.routes[k] = v
        self.index(k, v)

    def unindex(self, k, v):
        if k[0] == T3:
            idxs = ((self.byrem, (k[1], v[0]), 2),)
        elif k[0] == T2:
            idxs = ((self.bymac, (k[1], k[2]), 0), (self.byip, (k[1], v[2]), 1))
        else:
            return
        for idx, ik, t in idxs:
            self.touched[t].add(ik)
            ks = idx.get(ik)
            if ks:
                ks.discard(k)
                if not ks:
                    del idx[ik]

    def del_route(self, k):
        v = self.routes.pop(k, None)
        if v is not None:
            self.unindex(k, v)

    def remote_best(self, k):
        """The winning remote route for (vni, mac), as (nexthop, seq,
        sticky): sticky first, then highest sequence, then lowest next hop
        (rank)."""
        best = None
        for rk in self.bymac.get(k, ()):
            v = self.routes[rk]
            c = rank(v[0], v[1], sticky_of(v))
            if best is None or c < best[0]:
                best = (c, (v[0], v[1], sticky_of(v)))
        return best[1] if best else None

    def remote_ip_best(self, k):
        """The winning remote MAC+IP route for (vni, ip), as (nexthop, seq,
        mac): sticky first, highest sequence, then lowest next hop, then MAC."""
        best = None
        for rk in self.byip.get(k, ()):
            v = self.routes[rk]
            c = rank(v[0], v[1], sticky_of(v)) + (rk[2],)
            if best is None or c < best[0]:
                best = (c, (v[0], v[1], rk[2]))
        return best[1] if best else None

    def remote(self, k):
        """whether a type-3 route of (vni, nexthop) is in: a remote"""
        return k in self.byrem

    def check_sticky(self, k, v):
        """A route K that a sticky MAC's route beats though its sequence is
        higher (a local learn elsewhere, or a VM claimed to move): RFC 7432
        section 15.2 keeps the sticky one. Logged and counted; two VTEPs
        that both pin the MAC are logged too (the operator must be told;
        between them the usual rules: higher sequence, lower next hop)."""
        if k[0] != T2:
            return
        for rk in self.bymac.get((k[1], k[2]), ()):
            o = self.routes[rk]
            if rk == k or not sticky_of(o) or o[0] == v[0]:
                continue
            if sticky_of(v) or v[1] > o[1]:
                self.sticky_conflicts += 1
                log("MAC %s vni %d is sticky at %s: %s's %sroute (sequence %d) does not move it" %
                    (k[2], k[1], o[0], v[0], "sticky " if sticky_of(v) else "", v[1]), WARNING)
                return

    def withdrawn(self, k, v, now):
        """the route K of next hop V[0] withdrawn: held"""
        if k in self.routes:
            self.pending[k] = now + self.hold
            self.absent.discard(k)
            if k[0] == T3:
                self.leaving[v[0]] = now + self.vtep_hold

    def learned(self, k, v):
        """the route K advertised (again): its withdrawal, if any, is over"""
        self.pending.pop(k, None)
        self.absent.discard(k)
        if k[0] == T3:
            self.leaving.pop(v[0], None)
        self.check_sticky(k, v)
        self.set_route(k, v)

    def clear_pending(self):
        """the held withdrawals dropped: the next resync decides; their
        number"""
        n = len(self.pending)
        self.pending.clear()
        self.absent.clear()
        return n

    def replace(self, snap, now):
        """Mark and sweep: the routes of SNAP (gobgpd's table) replace ours.
        A route we knew and the table now lacks is held --vtep-hold, as a
        leaving VTEP's: the table read here may still miss what a
        reflector sends in a later update (a quiet --settle proves little
        on a loaded host), and deleting and re-adding the entry would drop
        the VM's frames meanwhile. One really withdrawn while gobgpd was
        away goes when the hold ends; one that arrives ends the hold."""
        self.pending.clear()
        self.absent = set()
        for k, v in self.routes.items():
            if k not in snap:
                snap[k] = v
                self.pending[k] = self.leaving.get(v[0], now + self.vtep_hold)
                if v[0] not in self.leaving:
                    self.absent.add(k)
        self.routes = snap
        self.bymac, self.byip, self.byrem = {}, {}, {}
        for k, v in snap.items():
            self.index(k, v)
        self.touched = (set(), set(), set())    # the resync programs it all

    def due(self, now):
        """The withdrawals held long enough. A VTEP that withdraws its
        type 3 is leaving whole: its session dropped (a speaker restarting
        without graceful restart) or the host died. Its routes are held for
        --vtep-hold: frames to a dead host are lost whether its entries stay
        or not, and a restarting one re-advertises them meanwhile. A single
        VM's withdrawal (its VTEP keeps its type 3) waits --hold only."""
        for nh, t in list(self.leaving.items()):
            if t <= now:
                del self.leaving[nh]
                self.left[nh] = now   # what came before is applied now
        # A burst of type-2 withdrawals from one VTEP (3 within a hold, or
        # all it had) is a VTEP leaving too, before its type-3 withdrawal
        # arrives (a reflector sends a large table's withdrawals in many
        # updates, the type 3 after the type 2 of its RD). A VM that stops
        # is one MAC: applied after --hold. A host's last VM, or a mass
        # withdrawal, lingers --vtep-hold: harmless, as a frame to a MAC
        # that is nowhere is lost either way, and a MAC that moved is
        # re-advertised with a higher sequence, which wins at once.
        # Counted in MACs: a VM that stops withdraws its MAC-only route and
        # each of its MAC+IP routes, one VM all the same.
        total, held = {}, {}
        for k, v in self.routes.items():
            if k[0] == T2:
                total.setdefault(v[0], set()).add((k[1], k[2]))
        for k, t in self.pending.items():
            # (one held at a resync is held already, not a new withdrawal)
            if k[0] == T2 and k in self.routes and k not in self.absent:
                nh = self.routes[k][0]
                if t - self.hold > self.left.get(nh, -1.0):   # arrived since
                    held.setdefault(nh, set()).add((k[1], k[2]))
        for nh, macs in held.items():
            # a burst (3 within a hold) or all of them: a VTEP leaving
            if len(macs) >= min(3, len(total.get(nh, ()))) and nh not in self.leaving:
                self.leaving[nh] = now + self.vtep_hold
                log("a burst of withdrawals from %s: held %g s (a restart?)" % (nh, self.vtep_hold),
                    NOTICE)
        due = []
        for k, t in self.pending.items():
            nh = self.routes.get(k, ("",))[0]
            if nh in self.leaving:
                t = max(t, self.leaving[nh])
            if t <= now:
                due.append(k)
        return due

    def apply(self, due):
        for k in due:
            del self.pending[k]
            self.absent.discard(k)
            self.del_route(k)
