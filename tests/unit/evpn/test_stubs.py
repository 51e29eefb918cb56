#!/usr/bin/python3
"""The vtep-evpn entry point and stubs.py: where gobgp's stubs and the
agent's package are imported from (build/evpn-stubs, `make evpn-stubs`, or
PREFIX/lib/vtep-evpn), and never from a directory others can write: a
module planted where the agent imports from runs as root. The agent is
copied and run as a program. Prints TAP."""
import os
import shutil
import subprocess
import sys
import tempfile

import helpers          # first: the paths, the runner
from helpers import AGENT, EVPN, test

STUB_NAMES = ("gobgp_pb2.py", "gobgp_pb2_grpc.py", "attribute_pb2.py", "capability_pb2.py")


def plant(d, marker):
    """stubs in D that, once imported, write D into MARKER and exit 42"""
    os.makedirs(d, mode=0o755, exist_ok=True)
    os.chmod(d, 0o755)
    for f in STUB_NAMES:
        with open(os.path.join(d, f), "w") as fh:
            fh.write("open(%r, 'a').write(%r)\nraise SystemExit(42)\n" % (marker, d + "\n"))
        os.chmod(os.path.join(d, f), 0o644)


def agent_copy(top, where=("tree", "userspace", "evpn"), lib=None):
    """the agent copied to TOP/WHERE/vtep-evpn, mode 755, and its package
    beside it (a tree's layout), or into TOP/LIB (an installation's); the
    agent's path"""
    d = os.path.join(top, *where)
    os.makedirs(d)
    for i in range(len(where)):
        os.chmod(os.path.join(top, *where[:i + 1]), 0o755)
    shutil.copy(AGENT, os.path.join(d, "vtep-evpn"))
    os.chmod(os.path.join(d, "vtep-evpn"), 0o755)
    pkg = os.path.join(top, *lib) if lib else d
    os.makedirs(pkg, mode=0o755, exist_ok=True)
    shutil.copytree(os.path.join(EVPN, "vtep_evpn"), os.path.join(pkg, "vtep_evpn"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    for root, dirs, files in os.walk(os.path.join(pkg, "vtep_evpn")):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    return os.path.join(d, "vtep-evpn")


def run_agent(agent, top, env=None):
    """the agent run to its stubs and a step beyond (vtepctl /bin/false
    fails its first, reading the device), $TMPDIR in TOP/tmp; (exit code,
    stderr). ENV: more environment, None removes a variable"""
    conf = os.path.join(top, "empty.conf")
    open(conf, "w").close()
    tmp = os.path.join(top, "tmp")
    os.makedirs(tmp, exist_ok=True)
    e = dict(os.environ, TMPDIR=tmp)
    e.pop("XDG_RUNTIME_DIR", None)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    r = subprocess.run([sys.executable, agent, "-c", conf, "--asn", "65000",
                        "--local", "192.0.2.1", "--vtepctl", "/bin/false"],
                       env=e, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stderr


@test
def stubs_in_the_temporary_directory_are_never_imported():
    """a user planted gobgp_pb2*.py in $TMPDIR/vtep-evpn-stubs-0 (/tmp under
    systemd), $XDG_RUNTIME_DIR/... or $VTEP_EVPN_STUBS: the agent imported
    them, as root. It looks beside itself only; with no stubs there it
    stops, naming where it looked and what to build, and generates
    nothing at run time"""
    top = tempfile.mkdtemp()
    try:
        agent = agent_copy(top)
        tmp = os.path.join(top, "tmp")
        planted = os.path.join(tmp, "vtep-evpn-stubs-%d" % os.getuid())
        marker = os.path.join(top, "imported")
        plant(planted, marker)
        before = sorted(os.listdir(tmp)), sorted(os.listdir(planted))
        for env in ({}, {"XDG_RUNTIME_DIR": tmp}, {"VTEP_EVPN_STUBS": planted}):
            rc, err = run_agent(agent, top, env)
            assert not os.path.exists(marker), (env, "imported " + open(marker).read(), err)
            assert (sorted(os.listdir(tmp)), sorted(os.listdir(planted))) == before, \
                (env, "written in $TMPDIR", os.listdir(tmp), os.listdir(planted))
            want = os.path.join(os.path.realpath(top), "tree", "build", "evpn-stubs")
            assert rc == 1 and want in err and "make evpn-stubs" in err, (env, rc, err)
    finally:
        shutil.rmtree(top)


@test
def stubs_others_can_write_are_refused():
    """the stubs of build/evpn-stubs beside the agent in a source tree, or
    of PREFIX/lib/vtep-evpn beside PREFIX/sbin/vtep-evpn, are imported
    (the control) only if they, all in their directory and the directories
    above it (sticky ones like /tmp aside) belong to root or the agent's
    user and no one else can write them; else the agent stops, naming
    the culprit"""
    top = tempfile.mkdtemp()
    root = os.geteuid() == 0

    def setup(name):
        t = os.path.join(top, name)
        os.mkdir(t, 0o755)
        agent = agent_copy(t)
        stubs = os.path.join(t, "tree", "build", "evpn-stubs")
        os.mkdir(os.path.join(t, "tree", "build"), 0o755)
        plant(stubs, os.path.join(t, "imported"))
        return t, agent, stubs

    def imported(t):
        return os.path.exists(os.path.join(t, "imported"))
    try:
        # the controls: a tree's, an installation's
        t, agent, stubs = setup("control")
        rc, err = run_agent(agent, t)
        assert rc == 42 and imported(t), ("safe stubs not imported", rc, err)
        t = os.path.join(top, "installed")
        os.mkdir(t, 0o755)
        agent = agent_copy(t, ("usr", "sbin"), ("usr", "lib", "vtep-evpn"))
        plant(os.path.join(t, "usr", "lib", "vtep-evpn"), os.path.join(t, "imported"))
        rc, err = run_agent(agent, t)
        assert rc == 42 and imported(t), ("installed stubs not imported", rc, err)

        def chown(p):
            os.chown(p, 65534, 65534)

        def pycache(p):
            os.mkdir(os.path.join(p, "__pycache__"))
            os.chmod(os.path.join(p, "__pycache__"), 0o777)
            return os.path.join(p, "__pycache__")

        def pkg_writable(p, f=""):
            """the package beside the agent: P is TREE/build/evpn-stubs"""
            q = os.path.join(os.path.dirname(os.path.dirname(p)), "userspace", "evpn", "vtep_evpn", f)
            os.chmod(q, 0o666 if f else 0o777)
            return q.rstrip("/")

        def symlink(p):
            other = os.path.join(os.path.dirname(os.path.dirname(p)), "elsewhere.py")
            shutil.copy(os.path.join(p, "gobgp_pb2.py"), other)
            os.unlink(os.path.join(p, "gobgp_pb2.py"))
            os.symlink(other, os.path.join(p, "gobgp_pb2.py"))
        cases = [
            ("world-writable", lambda p: os.chmod(p, 0o777) or p, "writable by group or others"),
            ("group-writable", lambda p: os.chmod(p, 0o775) or p, "writable by group or others"),
            ("a stub writable", lambda p: os.chmod(os.path.join(p, "gobgp_pb2.py"), 0o666) or
             os.path.join(p, "gobgp_pb2.py"), "writable by group or others"),
            ("__pycache__ writable", pycache, "writable by group or others"),
            ("build/ writable", lambda p: os.chmod(os.path.dirname(p), 0o777) or os.path.dirname(p),
             "writable by group or others"),
            ("a stub a symlink", lambda p: symlink(p) or os.path.join(p, "gobgp_pb2.py"),
             "not a regular file"),
            ("a stub missing", lambda p: os.unlink(os.path.join(p, "capability_pb2.py")) or
             "capability_pb2.py", "lacks"),
            ("the agent's package writable", lambda p: pkg_writable(p), "writable by group or others"),
            ("a module of the package writable", lambda p: pkg_writable(p, "agent.py"),
             "writable by group or others"),
        ]
        if root:
            cases += [
                ("owned by nobody", lambda p: chown(p) or p, "owned by uid 65534"),
                ("a stub owned by nobody", lambda p: chown(os.path.join(p, "attribute_pb2.py")) or
                 os.path.join(p, "attribute_pb2.py"), "owned by uid 65534"),
                ("build/ owned by nobody", lambda p: chown(os.path.dirname(p)) or os.path.dirname(p),
                 "owned by uid 65534"),
            ]
        for n, (name, spoil, why) in enumerate(cases):
            t, agent, stubs = setup("case%d" % n)
            culprit = spoil(stubs)
            rc, err = run_agent(agent, t)
            assert not imported(t), (name, "imported", err)
            assert rc == 1 and "refusing" in err and why in err and \
                culprit[len(t):] in err, (name, rc, err)
    finally:
        for d, _, _ in os.walk(top):
            os.chmod(d, 0o755)
        shutil.rmtree(top)


if __name__ == "__main__":
    sys.exit(helpers.main())
