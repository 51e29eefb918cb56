#!/usr/bin/python3
"""vtep-evpn's control.py: the state document `vtep-evpn show -j` prints,
built from an agent made as the other tests make it (its constructor,
fakes of vtepctl and gobgpd), the socket it is served on (mode 0600, one
agent a socket, a dead agent's socket replaced), `show` and its table,
and `show` with no agent running. Prints TAP."""
import io
import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import AGENT, RR, FakeGobgpd, Said, need_stubs, new_agent, remote_path, test
from vtep_evpn import control
from vtep_evpn.evpn import T2, T3

M11, M12, M21, M31 = "02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:02:01", "02:00:00:00:03:01"
CONF = "vni 100 vlan 10\nvni 200 vlan 20\n"


def served_agent(*args):
    """an agent with: local v11 (VNI 100, port v-v11, two addresses from
    its ARP and NS) and v12 (VNI 200); h2's v21 (sequence 3, one address)
    and h3's v31 in VNI 100 with their type 3, learned at a resync"""
    need_stubs()
    g = FakeGobgpd([remote_path("192.0.2.2", (T3, 100)), remote_path("192.0.2.3", (T3, 100)),
                    remote_path("192.0.2.2", (T2, 100, M21), 3),
                    remote_path("192.0.2.2", (T2, 100, M21, "203.0.113.12"), 3),
                    remote_path("192.0.2.3", (T2, 100, M31))])
    a = new_agent(g, None, *args, conf=CONF)
    a.on_bridge_line("%s dev v-v11 vlan 10 master br0 " % M11)
    a.on_bridge_line("%s dev v-v12 vlan 20 master br0 " % M12)
    a.on_snoop("v-v11", None, "203.0.113.11", M11)
    a.on_snoop("v-v11", None, "2001:db8::11", M11)
    a.resync()
    return a


@test
def the_state_document_has_sessions_vnis_and_local_and_remote_macs():
    """what `show -j` prints, as FRR's show evpn ... json has it: the
    sessions (state, uptime from gobgpd), each VNI's RD and route targets,
    its remote VTEPs, the local MACs (port, sequence, addresses) and the
    remote ones (VTEP, sequence, addresses), the last full resync"""
    a = served_agent()
    now = a.last_resync + 5
    doc = json.loads(json.dumps(control.state(a, now)))
    assert doc["version"] == 1
    ag = doc["agent"]
    assert (ag["device"], ag["bridge"], ag["local"], ag["asn"], ag["routerId"], ag["gobgpd"]) == \
        ("vtep0", "br0", "192.0.2.1", 65000, "192.0.2.1", "127.0.0.1:50051"), ag
    assert ag["gobgpdConnected"] and not ag["resyncPending"] and ag["lastResyncAgo"] == 5.0, ag
    assert ag["lastResync"] == control.iso(a.last_resync) and ag["pid"] == os.getpid()
    assert doc["peers"] == [{"peer": RR, "state": "Established", "adminState": "up",
                             "established": True, "upSince": control.iso(1700000000),
                             "uptime": int(now) - 1700000000}], doc["peers"]
    v100, v200 = doc["vnis"]
    assert (v100["vni"], v100["vlan"], v100["rd"], v100["importRts"], v100["exportRts"]) == \
        (100, 10, a.codec.rd_text(100), ["*:100"], ["65000:100"]), v100
    assert v100["rd"].startswith("192.0.2.1:")
    assert v100["remoteVteps"] == ["192.0.2.2", "192.0.2.3"], v100
    assert v100["localMacs"] == [{"mac": M11, "port": "v-v11", "vlan": 10, "seq": 0,
                                  "ips": ["203.0.113.11", "2001:db8::11"]}], v100["localMacs"]
    assert v100["remoteMacs"] == [{"mac": M21, "vtep": "192.0.2.2", "seq": 3, "ips": ["203.0.113.12"]},
                                  {"mac": M31, "vtep": "192.0.2.3", "seq": 0, "ips": []}], \
        v100["remoteMacs"]
    assert (v200["vni"], v200["vlan"], v200["remoteVteps"], v200["remoteMacs"]) == (200, 20, [], [])
    assert [m["mac"] for m in v200["localMacs"]] == [M12], v200
    # a MAC that moves here from h2 takes the next sequence, shown
    a.on_bridge_line("%s dev v-v11 vlan 10 master br0 " % M21)
    v100 = control.state(a, now)["vnis"][0]
    assert {"mac": M21, "port": "v-v11", "vlan": 10, "seq": 4, "ips": []} in v100["localMacs"], v100


@test
def without_gobgpd_the_document_says_so_and_the_agents_view_of_peers():
    """gobgpd gone: not connected, the deletions held for the next
    resync, and the sessions as the agent last knew them"""
    a = served_agent()
    a.disconnected("stream ended")
    doc = control.state(a)
    assert not doc["agent"]["gobgpdConnected"] and doc["agent"]["resyncPending"], doc["agent"]
    assert doc["peers"] == [{"peer": RR, "state": "Established", "established": True}], doc["peers"]
    # before any resync
    fresh = new_agent(FakeGobgpd(), None, conf=CONF)
    assert control.state(fresh)["agent"]["lastResync"] is None


def ask(a, argv):
    """`vtep-evpn show ARGV` in a thread while A's main loop answers one
    request: (exit status, stdout, stderr)"""
    out, res = io.StringIO(), {}

    def client():
        saved = sys.stdout
        sys.stdout = out
        try:
            res["rc"] = control.show_main(argv)
        finally:
            sys.stdout = saved
    with Said() as said:
        t = threading.Thread(target=client)
        t.start()
        ev, data = a.q.get(timeout=10)
        assert ev == "show", ev
        a.handle(ev, data)
        t.join(10)
    return res.get("rc"), out.getvalue(), said.text


@test
def show_asks_the_running_agent_on_its_socket():
    """the agent's socket (mode 0600) answers each connection with the
    document, made by the main loop; show -j prints it, show a table"""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "run", "vtep-evpn.sock")
        a = served_agent("--control", path)
        a.control.listen()
        try:
            st = os.stat(path)
            assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
            rc, out, err = ask(a, ["-j", "--control", path])
            assert rc == 0, (rc, err)
            doc = json.loads(out)
            assert [m["mac"] for m in doc["vnis"][0]["remoteMacs"]] == [M21, M31], doc
            assert [m["mac"] for m in doc["vnis"][0]["localMacs"]] == [M11], doc
            rc, out, err = ask(a, ["--control", path])
            assert rc == 0, (rc, err)
            lines = out.splitlines()
            assert any(l.split()[:3] == [RR, "Established", "up"] for l in lines), out
            assert any(l.split()[:5] == [M21, "remote", "192.0.2.2", "3", "203.0.113.12"]
                       for l in lines), out
            assert any(l.split()[:6] == [M11, "local", "v-v11", "0", "203.0.113.11", "2001:db8::11"]
                       for l in lines), out
            assert "VNI 100  vlan 10  RD %s  import RT *:100  export RT 65000:100" % \
                a.codec.rd_text(100) in out, out
            assert all(l == l.rstrip() for l in lines), out
            assert control.hms(3 * 86400 + 3723) == "3d 01:02:03" and control.hms(59) == "00:00:59"
            # the configuration's control setting names the socket
            conf = os.path.join(d, "evpn.conf")
            with open(conf, "w") as f:
                f.write("control %s\n" % path)
            rc, out, err = ask(a, ["-j", "-c", conf])
            assert rc == 0 and json.loads(out)["agent"]["device"] == "vtep0", (rc, err)
            # a second agent on the same socket is refused
            other = control.Control(path, lambda c: None)
            try:
                other.listen()
            except control.ControlError as e:
                assert "another vtep-evpn answers on %s" % path in str(e), e
            else:
                raise AssertionError("two agents on one socket")
        finally:
            a.control.close()
        assert not os.path.exists(path)


@test
def show_without_an_agent_fails_and_says_so():
    """no socket, or one left by an agent that died: exit 1, saying no
    agent runs (a state file would have shown the dead agent's state); an
    agent started then replaces the dead one's socket, never a file"""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "vtep-evpn.sock")
        with Said() as said:
            rc = control.show_main(["--control", path])
        assert rc == 1 and "no vtep-evpn agent runs: nothing answers on %s" % path in said.text, said.text
        dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        dead.bind(path)         # bound, never listening: as a dead agent leaves it
        dead.close()
        with Said() as said:
            rc = control.show_main(["-j", "--control", path])
        assert rc == 1 and "no vtep-evpn agent runs" in said.text, said.text
        c = control.Control(path, lambda conn: None)
        c.listen()
        c.close()
        with open(path, "w") as f:
            f.write("not a socket\n")
        try:
            control.Control(path, lambda conn: None).listen()
        except control.ControlError as e:
            assert "is not a socket" in str(e), e
        else:
            raise AssertionError("a file replaced")
        assert open(path).read() == "not a socket\n"
        # a path whose directory cannot be made: said, not a traceback
        try:
            control.Control(os.path.join(path, "x.sock"), lambda conn: None).listen()
        except control.ControlError as e:
            assert "cannot make the control socket %s/x.sock" % path in str(e), e
        else:
            raise AssertionError("a socket under a file")
        # the installed command says the same, exit 1
        os.unlink(path)
        r = subprocess.run(["/usr/bin/python3", AGENT, "show", "-j", "--control", path],
                           capture_output=True, text=True)
        assert r.returncode == 1 and r.stdout == "" and \
            "error: no vtep-evpn agent runs: nothing answers on %s" % path in r.stderr, r


@test
def a_second_agent_on_a_socket_stops_before_it_reads_or_programs():
    """run(): the device found, then the socket; another agent answering
    on it stops this one (exit 1) before the FDB is read or the bridge
    monitored"""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "vtep-evpn.sock")
        first = control.Control(path, lambda conn: conn.close())
        first.listen()
        try:
            need_stubs()
            a = new_agent(FakeGobgpd(), None, "--control", path, conf=CONF)
            a.prog.read = lambda: (_ for _ in ()).throw(AssertionError("read the FDB"))
            with Said() as said:
                try:
                    a.run()
                except SystemExit as e:
                    code = e.code
                else:
                    raise AssertionError("ran beside another agent")
            assert code == 1 and "another vtep-evpn answers on %s" % path in said.text, said.text
        finally:
            first.close()


if __name__ == "__main__":
    sys.exit(helpers.main())
