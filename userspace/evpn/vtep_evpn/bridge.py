# The local MACs, from the bridge's FDB: `bridge -j fdb show` for a full
# view, `bridge monitor fdb` for what changes.
import json
import subprocess
import time

from .util import WARNING, log


class Bridge:
    """the bridge BRIDGE's entries of VM ports: not on the vtep device DEV
    or the bridge itself, not the ports' own (permanent) addresses, in a
    bridge VLAN that VLAN2VNI maps to a VNI"""

    def __init__(self, bridge, dev, vlan2vni):
        self.bridge, self.dev, self.vlan2vni = bridge, dev, vlan2vni

    def key(self, mac, port, vlan, state):
        """(vni, mac) of an entry learned on a port (a VM's or the vtep
        device's) in a VLAN of a VNI, or None"""
        if port == self.bridge or state == "permanent":
            return None
        vni = self.vlan2vni.get(vlan)
        if vni is None:
            return None
        return (vni, mac.lower())

    def entry(self, mac, port, vlan, state):
        """(vni, mac) of an entry of a VM port, or None"""
        return None if port == self.dev else self.key(mac, port, vlan, state)

    def dump(self):
        """(vni, mac) -> (port, vlan) of every entry now"""
        r = subprocess.run(["bridge", "-j", "fdb", "show", "br", self.bridge],
                           capture_output=True, text=True)
        seen = {}
        for e in json.loads(r.stdout or "[]"):
            if e.get("master") != self.bridge:
                continue
            k = self.entry(e["mac"], e.get("ifname"), e.get("vlan"), e.get("state", ""))
            if k:
                seen[k] = (e.get("ifname"), e.get("vlan"))
        return seen

    def parse(self, line):
        """a line of `bridge monitor fdb`: (deleted, (vni, mac), port, vlan)
        of an entry of ours, else None. A MAC the bridge now has behind
        the vtep device (learned there, in a VLAN of a VNI) counts as
        deleted: it left this host's VM ports, and the bridge moved its
        entry without a deletion the agent would otherwise see (a MAC on
        two hosts at once, or a VM gone before BGP said so)."""
        w = line.split()
        deleted = bool(w) and w[0] == "Deleted"
        if deleted:
            w = w[1:]
        if len(w) < 3 or w[1] != "dev" or "master" not in w:
            return None
        if w[w.index("master") + 1] != self.bridge:
            return None
        vlan = int(w[w.index("vlan") + 1]) if "vlan" in w else None
        state = "permanent" if "permanent" in w else ""
        k = self.key(w[0], w[2], vlan, state)
        if not k:
            return None
        return deleted or w[2] == self.dev, k, w[2], vlan


def monitor_loop(put):
    """`bridge monitor fdb`, restarted when it ends: PUT("brdump", None)
    once it runs (a dump taken then misses nothing), PUT("br", line) for
    each line"""
    while True:
        p = subprocess.Popen(["bridge", "monitor", "fdb"], stdout=subprocess.PIPE,
                             text=True, bufsize=1)
        put("brdump", None)
        for line in p.stdout:
            put("br", line)
        p.wait()
        log("bridge monitor ended (exit %s); restarting it" % p.returncode, WARNING)
        time.sleep(1)
