# The running agent's state for `vtep-evpn show`: a UNIX stream socket
# (mode 0600) on which the agent answers each connection with one JSON
# document, built by its main loop at that moment, and the client that
# reads it. A socket rather than a state file: an agent that is gone
# answers nothing (the client says so), where a file would go on showing
# the state of a dead agent.
import argparse
import json
import os
import socket
import stat
import struct
import sys
import threading
import time

from . import config, gobgp, stubs
from .evpn import T2, T3
from .util import PROG, WARNING, ipkey, log

DEFAULT_CONTROL = config.DEFAULT_CONTROL
VERSION = 1                     # of the document: fields are added, never changed
ANSWER_TIMEOUT = 15             # seconds the client waits for the agent's answer
SO_PEERCRED = 17


class ControlError(RuntimeError):
    pass


# ---- the agent's side ----
class Control:
    """the socket at PATH; each connection of root (or of the agent's user)
    given to PUT(conn), whose taker answers it (the agent's main loop)"""

    def __init__(self, path, put):
        self.path, self.put = path, put
        self.sock = None
        self.ino = None

    def listen(self):
        """bind PATH (its directory made, mode 0755): refused if another
        agent answers there or it is not a socket; a socket nobody answers
        on (an agent that died) is replaced"""
        d = os.path.dirname(self.path) or "."
        try:
            os.makedirs(d, mode=0o755, exist_ok=True)
            st = os.lstat(self.path)
        except FileNotFoundError:
            st = None
        except OSError as e:
            raise ControlError("cannot make the control socket %s: %s: %s (control in the "
                               "configuration, --control, name another)" %
                               (self.path, e.filename, e.strerror))
        if st is not None:
            if not stat.S_ISSOCK(st.st_mode):
                raise ControlError("%s is there and is not a socket: not replaced (control in the "
                                   "configuration, --control, name the agent's socket)" % self.path)
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.path)
                raise ControlError("another vtep-evpn answers on %s: one agent a socket (control "
                                   "in the configuration, --control)" % self.path)
            except (ConnectionRefusedError, FileNotFoundError):
                pass
            finally:
                probe.close()
            os.unlink(self.path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)           # created 0600: never readable by others, even at once
        try:
            s.bind(self.path)
        except OSError as e:
            s.close()
            raise ControlError("cannot bind %s: %s" % (self.path, e.strerror))
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        s.listen(16)
        self.sock, self.ino = s, os.stat(self.path).st_ino
        threading.Thread(target=self.accept_loop, args=(s,), daemon=True).start()

    def accept_loop(self, s):
        trusted = {0, os.geteuid()}
        while True:
            try:
                conn, _ = s.accept()
            except OSError:
                if self.sock is not s:
                    return              # closed
                time.sleep(0.1)
                continue
            try:
                _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(
                    socket.SOL_SOCKET, SO_PEERCRED, struct.calcsize("3i")))
            except OSError:
                uid = -1
            if uid not in trusted:
                conn.close()
                continue
            self.put(conn)

    def close(self):
        """the socket closed, and its file removed if still ours"""
        s, self.sock = self.sock, None
        if s is None:
            return
        try:
            s.shutdown(socket.SHUT_RDWR)    # accept() returns in accept_loop
        except OSError:
            pass
        s.close()
        try:
            if os.stat(self.path).st_ino == self.ino:
                os.unlink(self.path)
        except OSError:
            pass


def answer(conn, doc):
    """DOC written to CONN, which is closed; a client gone meanwhile is
    not an error"""
    try:
        conn.settimeout(5)
        conn.sendall(json.dumps(doc, indent=1, sort_keys=True).encode() + b"\n")
    except OSError as e:
        log("show: the client went away (%s)" % e, WARNING)
    finally:
        conn.close()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) if t else None


def rt_text(rt):
    return "%s:%d" % ("*" if rt[0] is None else rt[0], rt[1])


STATE_NAMES = {"ESTABLISHED": "Established", "IDLE": "Idle", "CONNECT": "Connect",
               "ACTIVE": "Active", "OPENSENT": "OpenSent", "OPENCONFIRM": "OpenConfirm"}


def peer_list(agent, now):
    """the BGP sessions: gobgpd asked now (state, admin state, uptime); the
    agent's own view (established or not) if it does not answer"""
    if agent.stub is not None:
        try:
            pb = stubs.pb
            out = []
            for r in agent.stub.ListPeer(pb.ListPeerRequest(), timeout=2):
                p = r.peer
                st = pb.PeerState.SessionState.Name(p.state.session_state)
                e = {"peer": gobgp.peer_address(p), "state": STATE_NAMES.get(st, st.capitalize()),
                     "adminState": pb.PeerState.AdminState.Name(p.state.admin_state).lower(),
                     "established": p.state.session_state == pb.PeerState.ESTABLISHED}
                if e["established"] and p.timers.state.HasField("uptime"):
                    up = p.timers.state.uptime.seconds
                    e["upSince"] = iso(up)
                    e["uptime"] = max(0, int(now - up))
                out.append(e)
            return sorted(out, key=lambda e: ipkey(e["peer"]))
        except stubs.grpc.RpcError:
            pass
    return [{"peer": a, "state": "Established" if up else "down", "established": bool(up)}
            for a, up in sorted(agent.peers.items(), key=lambda i: ipkey(i[0]))]


def state(agent, now=None):
    """the document `vtep-evpn show -j` prints: AGENT's state now"""
    now = time.time() if now is None else now
    codec, ours = agent.codec, agent.ours
    vnis = []
    for vni in sorted(agent.vnis):
        local = []
        for (v, mac), l in sorted(ours.local_macs.items()):
            if v != vni:
                continue
            e = {"mac": mac, "port": l["port"], "vlan": l["vlan"], "seq": l["seq"],
                 "ips": list(ours.local_ips.get((v, mac), ()))}
            if ours.is_sticky((v, mac)):
                e["sticky"] = True
            if l.get("dup"):
                # a duplicate (on another VTEP too), frozen: not advertised
                e["duplicate"] = True
                e["frozenFor"] = round(max(0.0, ours.frozen.get((v, mac), 0) - time.monotonic()), 1)
            local.append(e)
        remote, vteps = {}, set()
        for k, v in agent.rt.routes.items():
            nh, seq, ip = v[:3]
            if k[1] != vni:
                continue
            if k[0] == T3:
                vteps.add(nh)
                continue
            if k[0] != T2:
                continue
            e = remote.setdefault((k[2], nh), {"mac": k[2], "vtep": nh, "seq": seq, "ips": []})
            e["seq"] = max(e["seq"], seq)
            if ip and ip not in e["ips"]:
                e["ips"].append(ip)
            if len(v) > 3 and v[3]:
                e["sticky"] = True
        for e in remote.values():
            e["ips"].sort(key=ipkey)
        vnis.append({
            "vni": vni, "vlan": agent.vnis[vni],
            "rd": codec.rd_text(vni) if codec.router_id else None,
            "importRts": [rt_text(r) for r in codec.import_rts(vni)],
            "exportRts": [rt_text(r) for r in codec.export_rts(vni)],
            "remoteVteps": sorted(vteps, key=ipkey),
            "localMacs": local,
            "remoteMacs": [remote[k] for k in sorted(remote, key=lambda k: (k[0], ipkey(k[1])))],
        })
    return {
        "version": VERSION,
        "time": iso(now),
        "agent": {"pid": os.getpid(), "device": agent.dev, "bridge": agent.bridge,
                  "local": agent.local, "asn": agent.asn, "routerId": codec.router_id,
                  "gobgpd": agent.addr, "gobgpdConnected": agent.stub is not None,
                  # deletions are held until the next resync after a reconnect
                  "resyncPending": bool(agent.frozen),
                  "lastResync": iso(agent.last_resync),
                  "lastResyncAgo": None if not agent.last_resync else
                  round(max(0.0, now - agent.last_resync), 1),
                  # routes and local learns a sticky MAC refused (RFC 7432 15.2)
                  "stickyConflicts": agent.rt.sticky_conflicts + ours.sticky_conflicts},
        "peers": peer_list(agent, now),
        "vnis": vnis,
    }


# ---- the client: vtep-evpn show ----
def fetch(path, timeout=ANSWER_TIMEOUT):
    """the document of the agent at PATH; ControlError saying why not"""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            s.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            raise ControlError("no vtep-evpn agent runs: nothing answers on %s (is vtep-evpn "
                               "running, past waiting for its device? its socket is control in "
                               "its configuration, --control)" % path)
        except PermissionError:
            raise ControlError("%s: permission denied (the agent's socket is root's: run "
                               "vtep-evpn show as root)" % path)
        except OSError as e:
            raise ControlError("%s: %s" % (path, e.strerror))
        s.settimeout(timeout)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except socket.timeout:
            raise ControlError("the agent on %s did not answer within %d s (busy: a resync, "
                               "gobgpd slow to answer?)" % (path, timeout))
        except OSError as e:
            raise ControlError("%s: %s" % (path, e.strerror or e))
    finally:
        s.close()
    try:
        return json.loads(b"".join(chunks))
    except ValueError:
        raise ControlError("the agent on %s answered no JSON document (closed early?)" % path)


def hms(secs):
    secs = int(secs)
    d, secs = divmod(secs, 86400)
    return ("%dd " % d if d else "") + "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)


def table(doc):
    """the document as text for a person"""
    a = doc["agent"]
    out = ["vtep-evpn (pid %d): device %s, bridge %s, local %s, AS %d, router ID %s" %
           (a["pid"], a["device"], a["bridge"], a["local"], a["asn"], a["routerId"] or "none"),
           "gobgpd %s: %s; last full resync %s%s" %
           (a["gobgpd"], "connected" if a["gobgpdConnected"] else "NOT CONNECTED",
            a["lastResync"] or "never",
            " (%s ago)" % hms(a["lastResyncAgo"]) if a["lastResyncAgo"] is not None else ""),
           ""]
    if a.get("resyncPending"):
        out[1] += "; deletions held until the next resync"
    out.append("%-40s %-12s %-8s %s" % ("Peer", "State", "Admin", "Up"))
    for p in doc["peers"]:
        out.append("%-40s %-12s %-8s %s" % (p["peer"], p["state"], p.get("adminState", "-"),
                                            hms(p["uptime"]) if "uptime" in p else "-"))
    if not doc["peers"]:
        out.append("(none)")
    for v in doc["vnis"]:
        out += ["", "VNI %d  vlan %s  RD %s  import RT %s  export RT %s" %
                (v["vni"], v["vlan"] if v["vlan"] is not None else "untagged", v["rd"] or "-",
                 " ".join(v["importRts"]), " ".join(v["exportRts"])),
                "  remote VTEPs: %s" % (" ".join(v["remoteVteps"]) or "none"),
                "  %-17s %-6s %-22s %-5s %s" % ("MAC", "Type", "Port/VTEP", "Seq", "IPs")]
        for m in v["localMacs"]:
            out.append("  %-17s %-6s %-22s %-5d %s" % (m["mac"], "local", m["port"], m["seq"],
                                                      " ".join(m["ips"])))
        for m in v["remoteMacs"]:
            out.append("  %-17s %-6s %-22s %-5d %s" % (m["mac"], "remote", m["vtep"], m["seq"],
                                                      " ".join(m["ips"])))
    return "\n".join(l.rstrip() for l in out) + "\n"


def show_main(argv):
    """vtep-evpn show [-j] [-c FILE] [--control PATH]: the exit status"""
    ap = argparse.ArgumentParser(prog=PROG + " show",
                                 description="the running agent's state (its control socket)")
    ap.add_argument("-j", "--json", action="store_true", help="the JSON document")
    ap.add_argument("-c", "--config", help="the agent's configuration file, for its control "
                    "setting (default %s if it exists)" % config.DEFAULT_CONFIG)
    ap.add_argument("--control", help="the agent's socket (default %s)" % DEFAULT_CONTROL)
    a = ap.parse_args(argv)
    path = a.control
    if path is None:
        cpath = a.config or (config.DEFAULT_CONFIG if os.path.exists(config.DEFAULT_CONFIG) else None)
        path = config.parse_config(cpath).get("control", DEFAULT_CONTROL)
    try:
        doc = fetch(path)
    except ControlError as e:
        sys.stderr.write("%s: error: %s\n" % (PROG, e))
        return 1
    try:
        if a.json:
            sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
        else:
            sys.stdout.write(table(doc))
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    except (KeyError, TypeError) as e:
        sys.stderr.write("%s: error: the agent's document lacks %s (another version?)\n" % (PROG, e))
        return 1
    return 0

