#!/usr/bin/python3
"""vtep-evpn's config.py: the configuration file and the command line over
it, the errors they are refused with, the example and the man page's
configurations, and which gobgpd the agent accepts. Prints TAP."""
import os
import sys
import tempfile

import helpers          # first: it puts userspace/evpn on sys.path
from helpers import EVPN, TOP, Said, refused, settings, test
from vtep_evpn import config


@test
def the_configuration_file_is_read_and_errors_are_refused():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("# a comment\nasn 65000\nlocal 192.0.2.1\nvni 100 vlan 10\n"
                "vni 200\nsuppress on   # trailing comment\nmax-ips 4\n")
    try:
        c = config.parse_config(f.name)
        assert c["vnis"] == {100: 10, 200: None}, c
        assert (c["asn"], c["local"], c["suppress"], c["max-ips"]) == \
            ("65000", "192.0.2.1", "on", "4"), c
    finally:
        os.unlink(f.name)
    for bad in ("vni x\n", "asn\n", "colour blue\n", "local 192.0.2.1 extra\n"):
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
            f.write(bad)
        try:
            try:
                config.parse_config(f.name)
            except SystemExit as e:
                assert e.code == 2, (bad, e.code)
            else:
                raise AssertionError("accepted: %r" % bad)
        finally:
            os.unlink(f.name)


@test
def a_wrong_configuration_line_is_named_with_what_is_wrong():
    """exit 2 (the unit does not restart it), naming the file, the line
    and what is wrong with it; a vni line's unknown option was ignored"""
    cases = [("asn 65000\nvni 100 colour blue\n", ":2:", "colour: not vlan"),
             ("vni 100 vlan\n", ":1:", "vlan without a value"),
             ("vni 100 vlan 10 vlan 20\n", ":1:", "vlan: not vlan (once)"),
             ("vni x\n", ":1:", "x is not a number"),
             ("colour blue\n", ":1:", "colour is no setting"),
             ("local 192.0.2.1 extra\n", ":1:", "local takes one value"),
             ("vni 100 import-rt 65000:x\n", ":1:", "route target 65000:x is not ASN:NN or *:NN"),
             ("router-id 2001:db8::1\n", "router-id", "not an IPv4 address")]
    for text, where, why in cases:
        said = refused(conf=text)
        assert where in said and why in said, (text, said)


@test
def the_example_and_the_man_pages_configurations_are_accepted():
    """examples/evpn.conf, with its commented settings too, and the man
    page's CONFIGURATION FILE and EXAMPLES blocks parse"""
    texts = []
    ex = open(os.path.join(TOP, "examples", "evpn.conf")).read()
    texts += [ex, "\n".join(l[2:] if l.startswith("# ") and not l.startswith("# /") and
                            not l.startswith("#  ") else l for l in ex.splitlines())]
    man = open(os.path.join(EVPN, "vtep-evpn.8")).read()
    for sect in (".SH CONFIGURATION FILE", ".SH EXAMPLES"):
        block = man[man.index(sect):]
        block = block[block.index(".in +4\n") + 7:block.index(".in\n")]
        texts.append(block.replace("\\-", "-"))
    assert "import-rt" in texts[1] and "asn 4200000001" in texts[3], texts
    for t in texts:
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write(t)
            f.flush()
            with Said() as said:
                try:
                    c = config.parse_config(f.name)
                except SystemExit:
                    c = None
            assert c and c["vnis"], (t, said.text)


@test
def a_gobgpd_off_this_host_is_refused_unless_allowed():
    """gobgpd's gRPC API has no authentication: whoever reaches it rewrites
    the fabric's routes and this host's FDB. The agent talks to a gobgpd on
    a loopback address only (gobgpd --api-hosts 127.0.0.1:50051), unless
    --allow-remote-api (allow-remote-api on) says otherwise"""
    def run(conf_text, *args):
        """(exit code, stderr, the gobgpd the agent would talk to)"""
        stderr = sys.stderr
        with tempfile.TemporaryFile("w+") as sys.stderr:
            try:
                s = settings(*args, conf=conf_text)
                rc, target = 0, s.gobgpd
            except SystemExit as e:
                rc, target = e.code, None
            finally:
                sys.stderr.seek(0)
                err = sys.stderr.read()
                sys.stderr = stderr
        return rc, err, target
    for remote in ("192.0.2.254:50051", "0.0.0.0:50051", "[::]:50051", "gobgpd.example:50051"):
        rc, err, got = run("", "--gobgpd", remote)
        assert rc == 2 and got is None, (remote, rc, got)
        assert "%s is not a loopback address" % remote in err and "--api-hosts 127.0.0.1" in err and \
            "--allow-remote-api" in err, err
        rc, err, got = run("gobgpd %s\n" % remote)
        assert rc == 2 and got is None, (remote, rc, got)
        rc, err, got = run("", "--gobgpd", remote, "--allow-remote-api")
        assert rc == 0 and got == remote, (remote, rc, err)
        rc, err, got = run("gobgpd %s\nallow-remote-api on\n" % remote)
        assert rc == 0 and got == remote, (remote, rc, err)
        rc, err, got = run("gobgpd %s\nallow-remote-api off\n" % remote)
        assert rc == 2 and got is None, (remote, rc, got)
    rc, err, got = run("allow-remote-api yes\n")
    assert rc == 2 and "allow-remote-api" in err, (rc, err)
    for local in ("127.0.0.1:50051", "[::1]:50051", "localhost:50051"):
        rc, err, got = run("", "--gobgpd", local)
        assert rc == 0 and got == local, (local, rc, err)
    rc, err, got = run("")
    assert rc == 0 and got == "127.0.0.1:50051", (rc, err)
    for t in ("127.0.0.1:50051", "127.0.0.2:50051", "[::1]:50051", "localhost:50051",
              "ipv4:127.0.0.1:50051", "dns:///localhost:50051", "unix:/run/gobgpd.sock"):
        assert config.api_is_local(t), t
    for t in ("192.0.2.254:50051", "0.0.0.0:50051", ":50051", "[2001:db8::1]:50051", "[::]:50051",
              "[::ffff:192.0.2.254]:50051", "gobgpd.example:50051", "localhost.example:50051",
              "ipv4:127.0.0.1:50051,192.0.2.254:50051", "192.0.2.254"):
        assert not config.api_is_local(t), t


if __name__ == "__main__":
    sys.exit(helpers.main())
