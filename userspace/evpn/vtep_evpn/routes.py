# The other VTEPs' routes, and the holds their withdrawals wait out.
from .evpn import T2, T3
from .util import NOTICE, ipkey, log


class Routes:
    """remote routes: key -> (nexthop, seq, ip); a withdrawal waits HOLD
    seconds, those of a VTEP that is leaving VTEP_HOLD"""

    def __init__(self, hold, vtep_hold):
        self.hold, self.vtep_hold = hold, vtep_hold
        self.routes = {}            # key -> (nexthop, seq, ip)
        self.bymac = {}             # (vni, mac) -> keys of its type-2 routes
        self.byip = {}              # (vni, ip) -> keys of its MAC+IP routes
        self.pending = {}           # key -> deadline of a held withdrawal
        self.leaving = {}           # next hop -> deadline: its type 3 withdrawn
        self.left = {}              # next hop -> when its leaving hold ended
        self.absent = set()         # pending keys the table lacked at a resync

    def index(self, k, v):
        if k[0] == T2:
            self.bymac.setdefault((k[1], k[2]), set()).add(k)
            if v[2]:
                self.byip.setdefault((k[1], v[2]), set()).add(k)

    def set_route(self, k, v):
        old = self.routes.get(k)
        if old is not None:
            self.unindex(k, old)
        self.routes[k] = v
        self.index(k, v)

    def unindex(self, k, v):
        if k[0] != T2:
            return
        for idx, ik in ((self.bymac, (k[1], k[2])), (self.byip, (k[1], v[2]))):
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
        """The winning remote route for (vni, mac): highest sequence, then
        lowest next hop (RFC 7432 section 15)."""
        best = None
        for rk in self.bymac.get(k, ()):
            nh, seq, _ip = self.routes[rk]
            if best is None or seq > best[1] or (seq == best[1] and ipkey(nh) < ipkey(best[0])):
                best = (nh, seq)
        return best

    def remote_ip_best(self, k):
        """The winning remote MAC+IP route for (vni, ip), as (nexthop, seq,
        mac): highest sequence, then lowest next hop, then MAC."""
        best = None
        for rk in self.byip.get(k, ()):
            nh, seq, _ip = self.routes[rk]
            c = (-seq, ipkey(nh), rk[2])
            if best is None or c < best[0]:
                best = (c, (nh, seq, rk[2]))
        return best[1] if best else None

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
        self.bymac, self.byip = {}, {}
        for k, v in snap.items():
            self.index(k, v)

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
