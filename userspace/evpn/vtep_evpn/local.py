# This host's side: the MACs the bridge learned on VM ports, the addresses
# their VMs announce, and the routes that advertise them in gobgpd.
import subprocess
import time
from collections import OrderedDict, deque

from . import gobgp, stubs
from .evpn import T2, T3
from .routes import rank
from .util import ERR, NOTICE, WARNING, Touched, dbg, log


class Local:
    """the local MACs and addresses of the VNIs of VNIS, and our routes in
    gobgpd (through STUB, None while there is none), made by CODEC; at most
    MAX_IPS addresses a MAC; REMOTE_BEST((vni, mac)) is the other VTEPs'
    best route for a MAC, (nexthop, seq) or None, REMOTE_IP_BEST((vni, ip))
    theirs for an address, (nexthop, seq, mac) or None; LOCAL our address.

    Duplicate detection, as FRR's dup-addr-detection: a MAC that moves
    DUP[0] times within DUP[1] seconds (here, away, here...: two hosts
    both have it) is frozen for DUP[2] seconds: its local presence is not
    advertised and a remote route that beats it does not make us withdraw,
    so the fabric stops flapping; it is logged and `show` lists it.

    Sticky MACs (RFC 7432 section 15.2): those of STICKY ((vni, mac)s
    pinned here by the configuration) are advertised with the sticky flag
    and no higher sequence moves them; a remote's sticky route is never
    overridden by a local learn (the learn is refused, logged, counted).
    A MAC sticky both here and at another VTEP is a duplicate, frozen."""

    def __init__(self, codec, vnis, max_ips, remote_best, local,
                 remote_ip_best=None, dup=(5, 180.0, 180.0), ip_age=1800.0, sticky=()):
        self.codec, self.vnis, self.max_ips = codec, vnis, max_ips
        self.remote_best, self.local = remote_best, local
        self.remote_ip_best = remote_ip_best or (lambda k: None)
        self.dup_moves, self.dup_time, self.dup_freeze = dup
        self.moves = {}             # (vni, mac) -> deque of when it moved
        self.frozen = {}            # (vni, mac) -> until when: a duplicate
        self.ip_seq = {}            # (vni, ip) -> the sequence an address moved here with
        self.ip_age = ip_age        # seconds an address unheard keeps its route (0: for ever)
        self.ip_heard = {}          # (vni, ip) -> when its VM last announced it
        self.stub = None
        self.local_macs = Touched()  # (vni, mac) -> {"port", "vlan", "seq"}
        self.local_ips = {}         # (vni, mac) -> OrderedDict ip -> None, oldest first
        self.ip_owner = {}          # (vni, ip) -> local mac
        self.early = OrderedDict()  # (port, mac) -> {ip: when}: seen before the bridge said so
        self.to_adv = {}            # local MACs to advertise, in one burst
        self.to_wd = set()          # our routes to withdraw, in one burst
        self.advertised = {}        # our paths in gobgpd: key -> seq
        self.sticky = set(sticky)   # (vni, mac)s pinned here
        self.sticky_conflicts = 0   # local learns and remote routes a sticky MAC refused
        self.refused = {}           # (vni, mac) -> the route that refused it (logged once)

    def is_frozen(self, k, now=None):
        """MAC k is a duplicate, frozen for now (a freeze that ran out
        ends here, and the MAC starts afresh)"""
        until = self.frozen.get(k)
        if until is None:
            return False
        if (now or time.monotonic()) < until:
            return True
        del self.frozen[k]
        self.moves.pop(k, None)
        log("MAC %s vni %d: duplicate freeze over" % (k[1], k[0]), NOTICE)
        return False

    def moved(self, k, where):
        """MAC k moved (WHERE: "here" or "away"): counted; the DUP[0]th move
        within DUP[1] seconds freezes it (True)"""
        now = time.monotonic()
        q = self.moves.setdefault(k, deque())
        q.append(now)
        while q and q[0] < now - self.dup_time:
            q.popleft()
        if self.dup_moves and len(q) >= self.dup_moves:
            self.frozen[k] = now + self.dup_freeze
            log("duplicate MAC %s vni %d: %d moves in %g s (last: %s); frozen for %g s" %
                (k[1], k[0], len(q), self.dup_time, where, self.dup_freeze), WARNING)
            return True
        return False

    def is_sticky(self, k):
        """our route K (or local MAC (vni, mac)) is a sticky MAC's"""
        return ((k[1], k[2]) if len(k) > 2 else k) in self.sticky

    def sticky_dup(self, k, rb):
        """MAC k is sticky here and at RB's VTEP: a duplicate, frozen
        (the operators pinned it on two hosts)"""
        self.frozen[k] = time.monotonic() + self.dup_freeze
        self.sticky_conflicts += 1
        log("duplicate MAC %s vni %d: sticky here and at %s; frozen for %g s" %
            (k[1], k[0], rb[0], self.dup_freeze), WARNING)

    def local_seen(self, k, port, vlan):
        """the bridge has MAC k on PORT: True if it is new here"""
        cur = self.local_macs.get(k)
        if cur:
            cur["port"], cur["vlan"] = port, vlan
            return False
        rb = self.remote_best(k)
        rsticky = bool(rb) and len(rb) > 2 and rb[2]
        if rsticky and not self.is_sticky(k):
            # another VTEP pinned it: a local learn does not move it
            if self.refused.get(k) != rb:
                self.refused[k] = rb
                self.sticky_conflicts += 1
                log("MAC %s vni %d learned on %s is sticky at %s: not advertised" %
                    (k[1], k[0], port, rb[0]), WARNING)
            return False
        self.refused.pop(k, None)
        if rsticky and not self.is_frozen(k):
            self.sticky_dup(k, rb)
        if rb and (self.is_frozen(k) or self.moved(k, "here")):
            # a duplicate: kept, not advertised (the other host's stays)
            self.local_macs[k] = {"port": port, "vlan": vlan, "seq": rb[1], "dup": True}
            return True
        seq = rb[1] + 1 if rb else 0
        self.local_macs[k] = {"port": port, "vlan": vlan, "seq": seq}
        if rb:
            log("MAC %s vni %d moved here from %s: sequence %d" % (k[1], k[0], rb[0], seq))
        self.advertise_mac(k)
        now = time.monotonic()
        for ip, t in self.early.pop((port, k[1]), {}).items():
            if now - t < 10:
                self.local_ip(k, ip)
        return True

    def local_gone(self, k):
        """the bridge forgot MAC k: True if it was here"""
        if self.local_macs.pop(k, None) is not None:
            self.withdraw((T2, k[0], k[1]), *self.forget_ips(k))
            return True
        return False

    def local_ip(self, k, ip):
        """the VM of local MAC k said it owns ip: a MAC+IP route, with the
        MAC's sequence; at most --max-ips per MAC, the oldest one goes"""
        if self.max_ips == 0:
            return
        ips = self.local_ips.setdefault(k, OrderedDict())
        self.ip_heard[(k[0], ip)] = time.monotonic()
        if ip in ips:
            ips.move_to_end(ip)
            return
        owner = self.ip_owner.get((k[0], ip))
        if owner is not None and owner != k[1]:   # the address moved between local VMs
            self.drop_ip((k[0], owner), ip)
        while len(ips) >= self.max_ips:
            self.drop_ip(k, next(iter(ips)))
        ips[ip] = None
        self.ip_owner[(k[0], ip)] = k[1]
        # IP mobility: an address another VTEP advertises behind another MAC
        # moved here (a VIP taken over): ours must beat its sequence
        ri = self.remote_ip_best((k[0], ip))
        if ri and ri[2] != k[1] and ri[1] >= self.local_macs[k]["seq"]:
            self.ip_seq[(k[0], ip)] = ri[1] + 1
            log("address %s vni %d moved here to MAC %s (from %s at %s): sequence %d" %
                (ip, k[0], k[1], ri[2], ri[0], ri[1] + 1))
        if not self.local_macs[k].get("dup"):
            self.to_adv[(T2, k[0], k[1], ip)] = self.seq_of(k, ip)
        dbg("MAC %s vni %d has %s" % (k[1], k[0], ip))

    def seq_of(self, k, ip=None):
        """the sequence of our route for local MAC k (with IP: its MAC+IP
        route's, the higher of the MAC's and what the address moved with)"""
        seq = self.local_macs[k]["seq"]
        if ip is not None:
            seq = max(seq, self.ip_seq.get((k[0], ip), 0))
        return seq

    def forget_ip(self, k, ip):
        """the key of the MAC+IP route to withdraw, if k had ip"""
        ips = self.local_ips.get(k)
        if ips is None or ip not in ips:
            return []
        del ips[ip]
        if not ips:
            del self.local_ips[k]
        if self.ip_owner.get((k[0], ip)) == k[1]:
            del self.ip_owner[(k[0], ip)]
            self.ip_seq.pop((k[0], ip), None)
            self.ip_heard.pop((k[0], ip), None)
        return [(T2, k[0], k[1], ip)]

    def drop_ip(self, k, ip):
        self.withdraw(*self.forget_ip(k, ip))

    def age_ips(self, now=None):
        """Withdraw the MAC+IP routes of addresses no VM announced (ARP,
        ND) for --ip-age seconds: an address given up, or moved to a host
        that does not snoop, would otherwise be answered for ever by every
        VTEP's suppression. A quiet VM that still owns one loses only the
        suppression of requests for it: they are flooded, it answers, and
        the route is back. The number withdrawn."""
        if not self.ip_age:
            return 0
        now = time.monotonic() if now is None else now
        n = 0
        for k, ips in list(self.local_ips.items()):
            for ip in list(ips):
                t = self.ip_heard.get((k[0], ip))
                if t is not None and now - t > self.ip_age:
                    dbg("address %s of MAC %s vni %d unheard for %g s: withdrawn" %
                        (ip, k[1], k[0], now - t))
                    self.drop_ip(k, ip)
                    n += 1
        if n:
            log("%d local addresses unheard for %g s withdrawn" % (n, self.ip_age))
        return n

    def forget_ips(self, k):
        return [w for ip in list(self.local_ips.get(k, ())) for w in self.forget_ip(k, ip)]

    def on_snoop(self, port, vlan, ip, mac, skip):
        """a frame from bridge port `port` (untagged, or of `vlan`); the
        ports of SKIP (the vtep device, the bridge) have no VMs"""
        for vni in self.vnis:
            l = self.local_macs.get((vni, mac))
            if l and l["port"] == port and (vlan is None or l["vlan"] in (vlan, None)):
                self.local_ip((vni, mac), ip)
                return
        # the bridge's FDB event may come after the frame: keep it a while
        if port in skip:
            return
        self.early.setdefault((port, mac), {})[ip] = time.monotonic()
        while len(self.early) > 4096:
            self.early.popitem(last=False)

    def beats(self, nh, seq, ours, sticky=False, ours_sticky=False):
        """a remote route (NH, SEQ, STICKY) wins over ours at sequence OURS
        (OURS_STICKY: a MAC pinned here)"""
        return rank(nh, seq, sticky) < rank(self.local, ours, ours_sticky)

    def check_moves(self):
        """A remote route that beats our own for a MAC we have: the VM moved
        away and our bridge entry is stale. Withdraw ours, forget the entry.
        One for an address of ours behind another MAC: the address moved
        (a VIP taken over elsewhere): withdraw our MAC+IP route for it. A
        duplicate MAC, frozen, is left as it is."""
        now = time.monotonic()
        for k, l in list(self.local_macs.items()):
            if l.get("dup"):
                if not self.is_frozen(k, now):
                    # the freeze ran out: judged afresh, as a MAC new here
                    del self.local_macs[k]
                    self.local_seen(k, l["port"], l["vlan"])
                continue
            for ip in list(self.local_ips.get(k, ())):
                ri = self.remote_ip_best((k[0], ip))
                if ri and ri[2] != k[1] and self.beats(ri[0], ri[1], self.seq_of(k, ip)):
                    log("address %s vni %d moved to MAC %s at %s (sequence %d): withdrawing ours" %
                        (ip, k[0], ri[2], ri[0], ri[1]))
                    self.drop_ip(k, ip)
            rb = self.remote_best(k)
            rsticky = bool(rb) and len(rb) > 2 and rb[2]
            if rb and rsticky and self.is_sticky(k):
                # pinned here and there: a duplicate, ours withdrawn
                self.sticky_dup(k, rb)
                l["dup"] = True
                self.withdraw((T2, k[0], k[1]), *self.forget_ips(k))
                continue
            if rb and self.is_sticky(k) and rb[1] > l["seq"] and self.refused.get(k) != rb:
                self.refused[k] = rb
                self.sticky_conflicts += 1
                log("MAC %s vni %d is sticky here: %s's route (sequence %d) does not move it" %
                    (k[1], k[0], rb[0], rb[1]), WARNING)
            if rb and self.beats(rb[0], rb[1], l["seq"], rsticky, self.is_sticky(k)):
                if self.moved(k, "away"):
                    l["dup"] = True     # frozen: ours withdrawn below, not re-sent
                    self.withdraw((T2, k[0], k[1]), *self.forget_ips(k))
                    continue
                log("MAC %s vni %d moved to %s (sequence %d > %d): withdrawing ours" %
                    (k[1], k[0], rb[0], rb[1], l["seq"]))
                del self.local_macs[k]
                self.withdraw((T2, k[0], k[1]), *self.forget_ips(k))
                cmd = ["bridge", "fdb", "del", k[1], "dev", l["port"], "master"]
                if l["vlan"] is not None:
                    cmd += ["vlan", str(l["vlan"])]
                subprocess.run(cmd, capture_output=True)

    def desired_local(self):
        """our routes: key -> sequence"""
        d = {(T3, vni): 0 for vni in self.vnis}
        for (vni, mac), l in self.local_macs.items():
            if l.get("dup"):
                continue
            d[(T2, vni, mac)] = l["seq"]
            for ip in self.local_ips.get((vni, mac), ()):
                d[(T2, vni, mac, ip)] = self.seq_of((vni, mac), ip)
        return d

    def advertise_mac(self, k):
        # queued: the main loop sends a burst as one AddPathStream
        self.to_adv[(T2, k[0], k[1])] = self.seq_of(k)
        for ip in self.local_ips.get(k, ()):
            self.to_adv[(T2, k[0], k[1], ip)] = self.seq_of(k, ip)

    def flush_adv(self):
        adv, self.to_adv = self.to_adv, {}
        if self.stub is None:
            return  # reconcile_local advertises them on the next connect
        try:
            gobgp.add_paths(self.stub, [self.codec.make_path(k, seq, self.is_sticky(k))
                                        for k, seq in adv.items()])
            self.advertised.update(adv)
        except stubs.grpc.RpcError as e:
            log("AddPathStream (%d routes): %s" % (len(adv), gobgp.why(e)), ERR)

    def withdraw(self, *keys):
        """our routes `keys` out of gobgpd: queued, and sent by the main loop
        with the burst's other withdrawals (flush_wd)"""
        for key in keys:
            self.to_adv.pop(key, None)
            if self.stub is None or key not in self.advertised:
                self.advertised.pop(key, None)
                continue
            self.to_wd.add(key)

    def flush_wd(self):
        """The queued withdrawals as one AddPathStream of paths marked
        is_withdraw (gobgpd applies them as DeletePath does, but DeletePath
        takes one path a call: 1,000 MACs leaving were 1,000 round trips,
        30-60 s). A route queued again for advertising meanwhile stays."""
        wd, self.to_wd = self.to_wd, set()
        wd = [k for k in wd if k not in self.to_adv]
        if self.stub is None or not wd:
            return  # reconcile_local withdraws them on the next connect
        paths = []
        for key in wd:
            # gobgpd checks a withdrawal's MAC mobility sequence against the
            # best path's as if it were an update (and refuses ours once a
            # remote's is higher): withdraw with the highest sequence.
            path = self.codec.make_path(key, 0xffffffff)
            path.is_withdraw = True
            paths.append(path)
        try:
            gobgp.add_paths(self.stub, paths)
        except stubs.grpc.RpcError as e:
            log("AddPathStream (%d withdrawals): %s" % (len(paths), gobgp.why(e)), ERR)
        for key in wd:
            self.advertised.pop(key, None)

    def reconcile_local(self):
        """Make gobgpd's local EVPN paths exactly ours (after our start or its
        restart): delete what we no longer have, add what it lacks."""
        have, stale = {}, []
        for p in gobgp.list_paths(self.stub):
            if not self.codec.is_local_path(p):
                continue
            k, v = self.codec.decode(p, local=True)
            if not k:
                continue
            if k[-1] != self.codec.rd_text(k[1]):
                # ours under another RD (a new router ID, VNIs added):
                # withdrawn under that RD, or it would linger beside the
                # new one; at the top sequence, as flush_wd's
                w = self.codec.make_path(self.codec.key_local(k), 0xffffffff)
                w.nlri.CopyFrom(p.nlri)
                w.is_withdraw = True
                stale.append(w)
                continue
            have[self.codec.key_local(k)] = v[1]
        if stale:
            gobgp.add_paths(self.stub, stale)
            log("withdrew %d routes of ours under an old RD" % len(stale), NOTICE)
        # What gobgpd still holds of a MAC that is still here (we restarted):
        # its sequence, and the addresses we learned, which a VM announces
        # only when it next speaks ARP or ND.
        for k, seq in sorted(have.items(), key=lambda i: len(i[0])):
            l = self.local_macs.get((k[1], k[2])) if k[0] == T2 else None
            if l is None:
                continue
            if len(k) == 3 and seq > l["seq"]:
                l["seq"] = seq
            elif len(k) == 4:
                self.local_ip((k[1], k[2]), k[3])
        want = self.desired_local()
        self.to_adv = {}
        self.to_wd = set()
        self.advertised = dict(have)
        for k in have:
            if k not in want:
                self.withdraw(k)
        # (a sticky MAC's routes sent again: its flag is not in HAVE)
        adds = [self.codec.make_path(k, s, self.is_sticky(k)) for k, s in want.items()
                if have.get(k) != s or self.is_sticky(k)]
        if adds:
            gobgp.add_paths(self.stub, adds)
        self.advertised = dict(want)
        log("gobgpd has our %d routes (%d added, %d were there)" %
            (len(want), len(adds), len(have)))
