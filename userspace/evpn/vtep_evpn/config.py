# The configuration: the file (/etc/vtep/evpn.conf), the command line over
# it, and the checks of both.
import argparse
import ipaddress
import os

from .evpn import rt_ok
from .util import PROG, die

DEFAULT_CONFIG = "/etc/vtep/evpn.conf"
DEFAULT_CONTROL = "/run/vtep-evpn/vtep-evpn.sock"


def parse_rt(text, wildcard=False):
    """(asn, number) of route target ASN:NN; (None, NN) for *:NN if
    WILDCARD; ValueError saying why not"""
    asn, sep, nn = text.partition(":")
    try:
        if not sep:
            raise ValueError
        a = None if wildcard and asn == "*" else int(asn)
        n = int(nn)
    except ValueError:
        raise ValueError("route target %s is not %s" % (text, "ASN:NN or *:NN" if wildcard else "ASN:NN"))
    why = rt_ok(a, n)
    if why:
        raise ValueError("route target %s: %s" % (text, why))
    return a, n


def parse_vni(w, conf):
    """vni VNI [vlan VLAN] [import-rt RT]... [export-rt RT]..."""
    if len(w) < 2:
        raise ValueError("vni without a VNI")
    vni = int(w[1])
    if len(w) % 2:
        raise ValueError("%s without a value" % w[-1])
    vlan, imports, exports = None, [], []
    for k, v in zip(w[2::2], w[3::2]):
        if k == "vlan" and vlan is None:
            vlan = int(v)
        elif k == "import-rt":
            imports.append(parse_rt(v, wildcard=True))
        elif k == "export-rt":
            exports.append(parse_rt(v))
        else:
            raise ValueError("%s: not vlan (once), import-rt or export-rt" % k)
    conf["vnis"][vni] = vlan
    if imports:
        conf["import-rts"][vni] = imports
    if exports:
        conf["export-rts"][vni] = exports


def parse_sticky(w, conf):
    """sticky MAC vni VNI: a MAC pinned to this host, advertised sticky"""
    if len(w) != 4 or w[2] != "vni":
        raise ValueError("sticky takes MAC vni VNI")
    mac = w[1].lower()
    parts = mac.split(":")
    if len(parts) != 6 or not all(len(x) == 2 and all(c in "0123456789abcdef" for c in x)
                                  for x in parts) or int(parts[0], 16) & 1:
        raise ValueError("%s is not a unicast MAC (xx:xx:xx:xx:xx:xx)" % w[1])
    vni = int(w[3])
    if not 0 < vni < 2 ** 24:
        raise ValueError("VNI %d out of range" % vni)
    conf["sticky"].add((vni, mac))


KEYS = ("asn", "local", "router-id", "gobgpd", "dev", "bridge", "hold", "vtep-hold", "settle",
        "vtepctl", "suppress", "max-ips", "snoop", "allow-remote-api", "control",
        "dup-max-moves", "dup-time", "dup-freeze", "ip-age")


def parse_config(path):
    conf = {"vnis": {}, "import-rts": {}, "export-rts": {}, "sticky": set()}
    if not path:
        return conf
    try:
        f = open(path)
    except OSError as e:
        die("cannot read %s: %s" % (path, e.strerror), 2)
    with f:
        for n, line in enumerate(f, 1):
            w = line.split("#", 1)[0].split()
            if not w:
                continue
            k = w[0]
            try:
                if k == "vni":
                    parse_vni(w, conf)
                elif k == "sticky":
                    parse_sticky(w, conf)
                elif k not in KEYS:
                    raise ValueError("%s is no setting (%s, vni, sticky)" % (k, ", ".join(KEYS)))
                elif len(w) != 2:
                    raise ValueError("%s takes one value" % k)
                else:
                    conf[k] = w[1]
            except ValueError as e:
                why = str(e)
                if why.startswith("invalid literal"):
                    why = "%s is not a number" % why.rpartition(": ")[2].strip("'")
                die("%s:%d: \"%s\": %s" % (path, n, line.split("#", 1)[0].strip(), why), 2)
    return conf


def api_is_local(target):
    """whether the gRPC target (HOST:PORT, [V6]:PORT, unix:PATH) is on this
    host: gobgpd's API has no authentication, and whoever reaches it
    rewrites the fabric's routes and this host's FDB"""
    if target.startswith(("unix:", "unix-abstract:")):
        return True
    for scheme in ("dns:///", "ipv4:", "ipv6:"):
        if target.startswith(scheme):
            target = target[len(scheme):]
    if target.startswith("["):
        host = target[1:].partition("]")[0]
    elif target.count(":") == 1:
        host = target.partition(":")[0]
    else:
        host = target
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def arg_parser():
    ap = argparse.ArgumentParser(prog=PROG, description="BGP EVPN agent for a vtep device (beside gobgpd)")
    ap.add_argument("-c", "--config", default=None,
                    help="configuration file (default %s if it exists)" % DEFAULT_CONFIG)
    ap.add_argument("--asn", type=int)
    ap.add_argument("--local", help="this VTEP's underlay address (next hop, PMSI)")
    ap.add_argument("--router-id", help="the IPv4 address of the RDs (default: gobgpd's router ID)")
    ap.add_argument("--gobgpd", help="gobgpd's gRPC address (default 127.0.0.1:50051)")
    ap.add_argument("--allow-remote-api", action="store_true", default=None,
                    help="accept a --gobgpd that is not a loopback address")
    ap.add_argument("--dev", help="the vtep device (default vtep0)")
    ap.add_argument("--bridge", help="the bridge of the VM ports (default: the device's master)")
    ap.add_argument("--vni", action="append", default=[],
                    help="VNI[:VLAN] to run EVPN for (repeat; default: every VNI of the device)")
    ap.add_argument("--hold", type=float, help="seconds a withdrawal is held before it is applied (0.2)")
    ap.add_argument("--vtep-hold", type=float,
                    help="seconds the routes of a VTEP that withdrew its type 3 are held (10)")
    ap.add_argument("--settle", type=float, help="quiet seconds before a resync (1.0)")
    ap.add_argument("--vtepctl", help="the vtepctl binary (default vtepctl)")
    ap.add_argument("--suppress", choices=("on", "off"),
                    help="switch ARP/ND suppression of the VNIs on or off at start "
                         "(default: leave it as it is)")
    ap.add_argument("--max-ips", type=int, help="addresses advertised per local MAC (8)")
    ap.add_argument("--snoop", choices=("on", "off"),
                    help="learn local VMs' addresses from their ARP and ND (on)")
    ap.add_argument("--ip-age", type=float,
                    help="seconds a local address no VM announced keeps its route (1800; 0: for ever)")
    ap.add_argument("--dup-max-moves", type=int, dest="dup_moves",
                    help="moves of a MAC within --dup-time that make it a duplicate, frozen "
                         "(5; 0: no detection)")
    ap.add_argument("--dup-time", type=float, help="seconds the moves are counted over (180)")
    ap.add_argument("--dup-freeze", type=float, help="seconds a duplicate MAC stays frozen (180)")
    ap.add_argument("--control", help="the socket `vtep-evpn show` asks (default %s)" % DEFAULT_CONTROL)
    ap.add_argument("-v", "--verbose", action="store_true")
    return ap


def settings(argv):
    """the agent's settings from ARGV over the configuration file; exits 2
    naming what is wrong"""
    a = arg_parser().parse_args(argv)
    cpath = a.config or (DEFAULT_CONFIG if os.path.exists(DEFAULT_CONFIG) else None)
    conf = parse_config(cpath)
    try:
        a.asn = a.asn if a.asn is not None else int(conf.get("asn", 0))
        a.local = a.local or conf.get("local")
        a.router_id = a.router_id or conf.get("router-id")
        a.gobgpd = a.gobgpd or conf.get("gobgpd", "127.0.0.1:50051")
        a.dev = a.dev or conf.get("dev", "vtep0")
        a.bridge = a.bridge or conf.get("bridge")
        a.hold = a.hold if a.hold is not None else float(conf.get("hold", 0.2))
        a.vtep_hold = a.vtep_hold if a.vtep_hold is not None else float(conf.get("vtep-hold", 10))
        a.settle = a.settle if a.settle is not None else float(conf.get("settle", 1.0))
        a.vtepctl = a.vtepctl or conf.get("vtepctl", "vtepctl")
        a.control = a.control or conf.get("control", DEFAULT_CONTROL)
        a.suppress = a.suppress or conf.get("suppress")
        a.max_ips = a.max_ips if a.max_ips is not None else int(conf.get("max-ips", 8))
        a.snoop = (a.snoop or conf.get("snoop", "on"))
        a.dup_moves = a.dup_moves if a.dup_moves is not None else int(conf.get("dup-max-moves", 5))
        a.dup_time = a.dup_time if a.dup_time is not None else float(conf.get("dup-time", 180))
        a.dup_freeze = a.dup_freeze if a.dup_freeze is not None else float(conf.get("dup-freeze", 180))
        a.ip_age = a.ip_age if a.ip_age is not None else float(conf.get("ip-age", 1800))
        if a.ip_age < 0:
            raise ValueError("ip-age %g" % a.ip_age)
        if a.dup_moves < 0 or a.dup_time <= 0 or a.dup_freeze < 0:
            raise ValueError("dup-max-moves %d, dup-time %g, dup-freeze %g" %
                             (a.dup_moves, a.dup_time, a.dup_freeze))
        a.allow_remote_api = "on" if a.allow_remote_api else conf.get("allow-remote-api", "off")
        for k, v in (("suppress", a.suppress), ("snoop", a.snoop),
                     ("allow-remote-api", a.allow_remote_api)):
            if v not in (None, "on", "off"):
                raise ValueError("%s %s: on or off" % (k, v))
        a.snoop = a.snoop == "on"
        if a.max_ips < 0:
            raise ValueError("max-ips %d" % a.max_ips)
        vnis = dict(conf["vnis"])
        for v in a.vni:
            vni, _, vlan = v.partition(":")
            vnis[int(vni)] = int(vlan) if vlan else None
    except ValueError as e:
        die("bad value: %s" % e, 2)
    if not 0 < a.asn < 2 ** 32:
        die("no AS number (asn in the configuration, or --asn)", 2)
    if not a.local:
        die("no local address (local in the configuration, or --local)", 2)
    try:
        a.local = str(ipaddress.ip_address(a.local))   # as gobgpd writes next hops
    except ValueError:
        die("local %s is not an address" % a.local, 2)
    for vni in vnis:
        if not 0 < vni < 2 ** 24:
            die("VNI %d out of range" % vni, 2)
    if a.router_id is not None:
        try:
            if ipaddress.ip_address(a.router_id).version != 4 or a.router_id == "0.0.0.0":
                raise ValueError
        except ValueError:
            die("router-id %s is not an IPv4 address (the RDs are ROUTER-ID:N)" % a.router_id, 2)
    a.vnis = vnis
    a.import_rts, a.export_rts = conf["import-rts"], conf["export-rts"]
    a.sticky = set(conf["sticky"])
    if not api_is_local(a.gobgpd) and a.allow_remote_api != "on":
        die("gobgpd %s is not a loopback address, and gobgpd's gRPC API has no "
            "authentication: run gobgpd beside the agent with --api-hosts "
            "127.0.0.1:50051, or give --allow-remote-api (allow-remote-api on in "
            "the configuration) if the path to it is protected otherwise" % a.gobgpd, 2)
    return a
