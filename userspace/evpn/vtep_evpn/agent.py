# The agent: gobgpd's session and table, the device and the bridge it
# reads at start, and the main loop that brings the device to the routes
# (this host's side is local.py's).
import ipaddress
import json
import os
import queue
import subprocess
import threading
import time

from . import bridge as bridgemod
from . import capture, control, gobgp, stubs
from .evpn import Codec
from .local import Local
from .program import NO_MODULE, Programmer, Vtep, VtepError
from .routes import Routes
from .util import NOTICE, WARNING, Backoff, die, log

GOBGPD_RETRY_MAX = 5           # seconds between tries to reach gobgpd, at most
MODULE_WAIT = 120               # seconds the vtep module is waited for at start


class Agent:
    """the agent of settings S (config.settings()); VTEP (vtepctl) and DIAL
    (gobgpd's address -> (channel, stub), or gobgp.Unreachable) given for
    tests"""

    def __init__(self, s, vtep=None, dial=None):
        self.asn = s.asn
        self.local = s.local
        self.addr = s.gobgpd
        self.vtep = vtep or Vtep(s.vtepctl)
        self.dial = dial or gobgp.dial
        self.dev = s.dev
        self.bridge = s.bridge
        self.vnis = dict(s.vnis)    # vni -> bridge vlan (None: untagged)
        self.vlan2vni = {}
        self.br = bridgemod.Bridge(self.bridge, self.dev, self.vlan2vni)
        self.router_id = s.router_id  # configured, else gobgpd's (connect)
        self.codec = Codec(self.asn, self.local, self.vnis, s.router_id, s.import_rts, s.export_rts)
        self.prog = Programmer(self.vtep, self.dev, self.vnis)
        self.rt = Routes(s.hold, s.vtep_hold)
        self.hold = s.hold
        self.settle = s.settle
        self.ours = Local(self.codec, self.vnis, s.max_ips, self.rt.remote_best, self.local,
                          self.rt.remote_ip_best, (s.dup_moves, s.dup_time, s.dup_freeze),
                          s.ip_age, s.sticky)
        self.q = queue.Queue()
        self.suppress = s.suppress  # "on", "off" or None (left as it is)
        self.snoop = s.snoop
        self.gen = 0                # connection generation (stale threads)
        self.channel = None
        self.frozen = True          # deletions held until the next resync
        self.peers = {}             # address -> established
        self.last_table = 0.0
        self.up_since = 0.0         # when the last peer came up
        self.resync_now = False
        self.dirty = False
        self.resynced_once = False
        self.next_connect = self.next_bridge = 0.0
        self.tries = 0              # failed tries to connect to gobgpd
        self.retry = Backoff(0.5, GOBGPD_RETRY_MAX)
        self.why = None
        self.last_resync = None     # time.time() of the last full resync
        self.control = control.Control(s.control, lambda conn: self.q.put(("show", conn)))

    # -- setup --
    def wait_device(self, sleep=time.sleep, bound=MODULE_WAIT):
        """discover(), the vtep module waited for BOUND seconds, said at
        each try (loaded by vtep@.service, which may still be starting);
        any other failure says what is missing, and goes to the caller"""
        wait, waited = Backoff(1, 10), 0.0
        while True:
            try:
                return self.discover()
            except VtepError as e:
                if e.rc != NO_MODULE:
                    if e.rc != 127 and not os.path.exists(os.path.join("/sys/class/net", self.dev)):
                        raise VtepError("%s; there is no device %s (vtep@%s.service creates it, "
                                        "dev in the configuration names it)" %
                                        (e, self.dev, self.dev), e.rc)
                    raise
                if waited >= bound:
                    raise VtepError("the vtep module is not loaded, waited %g s (modprobe vtep; "
                                    "vtep-dkms builds it)" % waited, e.rc)
                d = wait.next()
                log("the vtep module is not loaded (%s): waiting for it, the next try in %g s" %
                    (e, d), WARNING)
                sleep(d)
                waited += d

    def discover(self):
        vl = self.vtep.json("vni", "show", "dev", self.dev)
        known = {e["vni"]: e for e in vl}
        if not self.vnis:
            self.vnis.update({v: None for v in known})
        for vni in list(self.vnis):
            if vni not in known:
                die("VNI %d is not on %s (vtepctl vni add %d dev %s ...)" %
                    (vni, self.dev, vni, self.dev), 2)
            dev_vlan = known[vni].get("vlan")
            if self.vnis[vni] is None:
                self.vnis[vni] = dev_vlan
            elif dev_vlan is not None and dev_vlan != self.vnis[vni]:
                # the bridge hands the device frames tagged with the bridge
                # VLAN: on another VLAN than the device's they reach no VNI
                die("VNI %d: vlan %d in the configuration, but %s carries VNI %d on VLAN %d "
                    "(drop vlan to take the device's; a different bridge VLAN is for an "
                    "untagged VNI only)" % (vni, self.vnis[vni], self.dev, vni, dev_vlan), 2)
        self.vlan2vni.clear()
        self.vlan2vni.update({vlan: vni for vni, vlan in self.vnis.items()})
        if not self.bridge:
            r = subprocess.run(["ip", "-j", "link", "show", "dev", self.dev],
                               capture_output=True, text=True)
            try:
                self.bridge = json.loads(r.stdout)[0].get("master")
            except (ValueError, IndexError):
                pass
            if not self.bridge:
                die("%s is not a bridge port (and no bridge given)" % self.dev, 2)
            self.br.bridge = self.bridge
        if self.suppress:
            lines = ["vni set %d dev %s suppress %s" % (vni, self.dev, self.suppress)
                     for vni in sorted(self.vnis)]
            if self.vtep.batch(lines):
                die("cannot switch ARP/ND suppression %s on %s" % (self.suppress, self.dev))
        log("device %s, bridge %s, local %s, AS %d, VNIs %s" %
            (self.dev, self.bridge, self.local, self.asn,
             ", ".join("%d (vlan %s)" % (v, self.vnis[v] or "untagged")
                       for v in sorted(self.vnis))), NOTICE)
        if self.asn > 0xFFFF and any(v not in self.codec.exports for v in self.vnis):
            log("AS %d has 4 octets: the auto route targets are %d:VNI, its low 16 bits, "
                "as FRR's" % (self.asn, self.asn & 0xFFFF), NOTICE)

    @property
    def stub(self):
        """gobgpd's gRPC stub, None while there is none"""
        return self.ours.stub

    @stub.setter
    def stub(self, stub):
        self.ours.stub = stub

    # -- local MACs from the bridge, addresses from the VMs' ARP and ND --
    def on_bridge_line(self, line):
        e = self.br.parse(line)
        if not e:
            return
        deleted, k, port, vlan = e
        if deleted:
            self.dirty |= self.ours.local_gone(k)
        else:
            self.dirty |= self.ours.local_seen(k, port, vlan)

    def sync_bridge(self):
        seen = self.br.dump()
        for k in list(self.ours.local_macs):
            if k not in seen:
                self.dirty |= self.ours.local_gone(k)
        for k, (port, vlan) in seen.items():
            self.dirty |= self.ours.local_seen(k, port, vlan)

    def on_snoop(self, port, vlan, ip, mac):
        self.ours.on_snoop(port, vlan, ip, mac, (self.dev, self.bridge))

    # -- routes of the others --
    def on_paths(self, paths):
        now = time.monotonic()
        for p in paths:
            if self.codec.is_local_path(p):
                continue
            k, v = self.codec.decode(p)
            if k is None:
                continue
            if v[0] == self.local:
                continue
            self.last_table = now
            if p.is_withdraw:
                self.rt.withdrawn(k, v, now)
            else:
                self.rt.learned(k, v)
                self.dirty = True
        self.ours.check_moves()

    def expire_pending(self):
        """Apply the withdrawals held long enough (Routes.due), if gobgpd
        says its sessions are up"""
        due = self.rt.due(time.monotonic())
        if due and not self.sessions_up():
            self.freeze("withdrawals due while no session is up")
            return
        if due:
            self.rt.apply(due)
            self.dirty = True

    def sessions_up(self):
        """Asked of gobgpd before withdrawals are applied: a gobgpd that is
        stopping drops its sessions and withdraws every route it learned,
        and on a loaded host these withdrawals trickle in over longer than
        --hold, before the stream or the peer event says so (a clean-clone
        make check saw one of the FRR host's MACs deleted on h1 when h1's
        gobgpd was stopped). Up if one session is: with two reflectors, one
        in maintenance must not stop the fabric's deletions (the other
        still has every route). With none up, or no answer, the
        withdrawals are dropped and the next resync decides."""
        try:
            now = gobgp.list_peers(self.stub, 2) if self.stub else {}
        except stubs.grpc.RpcError:
            now = {}
        if not now:                 # gone, or no answer
            self.peers = {a: False for a in self.peers}
            return False
        self.peers.update(now)
        return any(self.peers.values())

    def changed(self):
        """whether a route or a local MAC changed since the last program()"""
        return self.dirty or any(self.rt.touched) or bool(self.ours.local_macs.touched)

    def program(self, full=False):
        """The device brought to the routes: incrementally, only what the
        events since the last call touched (Routes.touched, the local
        MACs set or gone); FULL (the resync), or after a failed batch,
        every route"""
        macs, ips, rems = self.rt.take_touched()
        macs |= self.ours.local_macs.take()
        if full or self.prog.need_full:
            self.prog.program(self.rt.routes, self.ours.local_macs, self.frozen)
        else:
            self.prog.update(self.rt, self.ours.local_macs, (macs, ips, rems), self.frozen)

    # -- gobgpd --
    def connect(self):
        """talk to gobgpd, our routes into it; False, why in self.why, if
        not (gobgp.Unreachable and grpc's errors go to the caller)"""
        ch, stub = self.dial(self.addr)
        if not self.take_router_id(stub):
            ch.close()
            return False
        self.gen += 1
        self.stub = stub
        self.channel = ch
        gen = self.gen
        gobgp.watch(stub, lambda ev, data: self.q.put((ev, (gen, data))))
        self.peers = gobgp.list_peers(stub, 5)
        self.up_since = time.monotonic()
        # peers already up: gobgpd holds their routes, resync at once
        self.resync_now = bool(self.peers) and all(self.peers.values())
        log("connected to gobgpd at %s (peers: %s)" % (self.addr, ", ".join(
            "%s %s" % (a, "up" if u else "down") for a, u in self.peers.items()) or "none"), NOTICE)
        if not self.peers:
            log("gobgpd has no neighbours: nothing is learned or advertised until it has "
                "([[neighbors]] in /etc/gobgpd.conf)", WARNING)
        self.ours.reconcile_local()
        self.freeze("connected")
        self.enable_waiting(stub)
        return True

    def enable_waiting(self, stub):
        """Neighbours configured admin-down in gobgpd.conf wait for us: a
        restarted gobgpd then sends its End-of-RIB only once it holds our
        routes again, and the reflector's graceful-restart helper keeps
        them (a peer enabled at once would flush them to every VTEP). Only
        those are enabled: configured admin-down and never up since gobgpd
        started. One an operator disabled (gobgp neighbor ... disable: a
        reflector drained for maintenance) stays down across our restarts."""
        pb = stubs.pb
        for r in stub.ListPeer(pb.ListPeerRequest(), timeout=5):
            if r.peer.state.admin_state != pb.PeerState.DOWN:
                continue
            a = r.peer.conf.neighbor_address
            if r.peer.conf.admin_down and not r.peer.timers.state.HasField("uptime"):
                stub.EnablePeer(pb.EnablePeerRequest(address=a), timeout=5)
                log("enabled peer %s (admin-down until our routes were in)" % a, NOTICE)
            else:
                log("peer %s is admin-down (disabled in gobgpd): left down" % a, NOTICE)

    def take_router_id(self, stub):
        """the RDs' router ID: configured, else gobgpd's, else the local
        address if IPv4; False, why in self.why, if there is none"""
        if self.router_id is None:
            rid = getattr(stub.GetBgp(stubs.pb.GetBgpRequest(), timeout=5), "global").router_id
            try:
                ok = ipaddress.ip_address(rid).version == 4 and rid != "0.0.0.0"
            except ValueError:
                ok = False
            if ok:
                if rid != self.codec.router_id:
                    log("RDs %s:N (gobgpd's router ID)" % rid, NOTICE)
                self.codec.router_id = rid
        if self.codec.router_id is None:
            self.why = "gives no router ID for the RDs (ROUTER-ID:N), and local %s is not " \
                "IPv4: set router-id in /etc/gobgpd.conf or in the agent's configuration" % self.local
            return False
        return True

    def try_connect(self, now):
        """connect, or try again later: every 0.5 s at first, doubling up to
        GOBGPD_RETRY_MAX s; said at the 1st, 2nd, 4th, 8th... failure"""
        try:
            if self.connect():
                if self.tries:
                    log("gobgpd at %s answered after %d tries" % (self.addr, self.tries + 1), NOTICE)
                self.tries = 0
                self.retry.reset()
                return
            why = self.why
        except gobgp.Unreachable as e:
            why = str(e)
        except stubs.grpc.RpcError as e:
            why = gobgp.why(e)
            self.stub = None
        self.tries += 1
        delay = self.retry.next()
        self.next_connect = now + delay
        if self.tries & (self.tries - 1) == 0:
            log("gobgpd at %s %s; try %d, the next in %g s" % (self.addr, why, self.tries, delay),
                WARNING)

    def freeze(self, why):
        n = self.rt.clear_pending()
        if n:
            log("%s: %d withdrawals held back, not applied" % (why, n), WARNING)
        self.frozen = True

    def disconnected(self, err):
        log("lost gobgpd (%s): keeping the FDB as it is until it is back" % err, WARNING)
        self.freeze("gobgpd gone")
        self.stub = None
        try:
            self.channel.close()
        except Exception:
            pass

    def on_peer(self, ev):
        a = gobgp.peer_address(ev.peer)
        try:
            ipaddress.ip_address(a)
        except ValueError:
            return  # gobgpd's own events ("<nil>")
        up = ev.peer.state.session_state == stubs.pb.PeerState.ESTABLISHED
        was = self.peers.get(a)
        self.peers[a] = up
        if was and not up:
            n = sum(self.peers.values())
            if n:
                # the routes it had come from the others too: gobgpd's best
                # paths move to theirs, and real withdrawals go on
                log("peer %s down; %d of %d sessions up: applying withdrawals still" %
                    (a, n, len(self.peers)), WARNING)
                return
            log("peer %s down, and no session is up: keeping every route until one is back" % a,
                WARNING)
            self.freeze("peer %s down" % a)
            self.resync_now = False
        elif up and not was:
            log("peer %s up (peers %s)" % (a, self.peers), NOTICE)
            self.last_table = self.up_since = time.monotonic()

    def resync(self):
        """Mark and sweep: the routes gobgpd has now replace ours; the
        module's static entries are re-read and brought to them."""
        snap = {}
        for p in gobgp.list_paths(self.stub):
            if self.codec.is_local_path(p):
                continue
            k, v = self.codec.decode(p)
            if k and v[0] != self.local:
                snap[k] = v
        self.rt.replace(snap, time.monotonic())
        self.resync_now = False
        self.prog.read()
        self.frozen = False
        self.ours.check_moves()
        self.program(full=True)
        self.dirty = False
        log("resync: %d remote routes, %d static FDB entries, %d remotes" %
            (len(snap), len(self.prog.fdb), len(self.prog.remotes)), NOTICE)
        self.resynced_once = True
        self.last_resync = time.time()

    def start_threads(self):
        put = (lambda ev, data: self.q.put((ev, data)))
        threading.Thread(target=bridgemod.monitor_loop, args=(put,), daemon=True).start()
        if self.snoop:
            threading.Thread(target=capture.snoop_loop, daemon=True,
                             args=(lambda r: self.q.put(("snoop", r)), lambda: self.bridge,
                                   (self.dev,))).start()

    def step(self, timeout=None):
        """one turn of the main loop"""
        now = time.monotonic()
        if self.stub is None and now >= self.next_connect:
            self.try_connect(now)
        # the resync: once a peer is up and the table was quiet a while
        if self.stub is not None and self.frozen and any(self.peers.values()):
            if self.resync_now or (now - self.last_table >= self.settle and self.last_table > self.up_since) \
                    or now - self.up_since >= 10:
                try:
                    self.resync()
                except stubs.grpc.RpcError as e:
                    log("resync: %s" % gobgp.why(e), WARNING)
        if timeout is None:
            timeout = 0.05 if (self.dirty or self.rt.pending or self.frozen) else 1.0
        try:
            ev, data = self.q.get(timeout=timeout)
        except queue.Empty:
            ev = None
        while ev is not None:
            self.handle(ev, data)
            try:
                ev, data = self.q.get_nowait()
            except queue.Empty:
                ev = None
        if self.ours.to_wd:
            self.ours.flush_wd()
        if self.ours.to_adv:
            self.ours.flush_adv()
        if self.rt.pending:
            self.expire_pending()
        if self.changed():
            self.dirty = False
            self.program()
        if time.monotonic() >= self.next_bridge:
            self.next_bridge = time.monotonic() + 30
            self.sync_bridge()
            self.ours.age_ips()

    def run(self):
        self.wait_device()
        # the control socket once the device is there (a second agent on
        # the same socket stops here, before it reads or programs anything)
        try:
            self.control.listen()
        except control.ControlError as e:
            die(str(e))
        try:
            self.prog.read()
            self.sync_bridge()     # the local MACs, before gobgpd is told ours
            self.start_threads()
            self.next_bridge = time.monotonic() + 30
            while True:
                self.step()
        finally:
            self.control.close()

    def handle(self, ev, data):
        if ev == "br":
            self.on_bridge_line(data)
        elif ev == "brdump":
            self.sync_bridge()
        elif ev == "snoop":
            self.on_snoop(*data)
        elif ev == "show":
            control.answer(data, control.state(self))
        elif ev == "bgp":
            gen, r = data
            if gen != self.gen or self.stub is None:
                return
            which = r.WhichOneof("event")
            if which == "table":
                self.on_paths(r.table.paths)
            elif which == "peer":
                self.on_peer(r.peer)
        elif ev == "bgpdown":
            gen, err = data
            if gen == self.gen and self.stub is not None:
                self.disconnected(err)
