#!/usr/bin/python3
"""Host unit tests of vtep-evpn (userspace/evpn/vtep_evpn), one file of
tests/unit/evpn/ an agent module: test_capture (the ARP/ND filter and
parser, the ports it binds, the address rules), test_config (the configuration file, the
command line, which gobgpd it accepts), test_codec (route targets, RDs and
labels as FRR has them), test_routes (the other VTEPs' routes, their holds,
when withdrawals are applied), test_local (this host's MACs and addresses,
the bridge monitor's lines, our withdrawals), test_mobility (addresses
that move between MACs and hosts, duplicate MACs frozen), test_reconcile
(an event's delta, incremental against full), test_sticky (sticky MACs:
the flag, the configuration, the best-route rules), test_agent (neighbours,
logging, retries, the module not loaded yet, old RDs), test_show (the
state document of `vtep-evpn show`, its socket, show with no agent),
test_stubs (where
gobgp's stubs and the package are imported from); their fakes of vtepctl
and gobgpd's gRPC API are in helpers.py.

This runs every tests/unit/evpn/test_*.py in one TAP stream (`ok N -
evpn:NAME`, then `1..N`); a file that does not import is a failed test, no
test at all a failure. Each file also runs alone."""
import glob
import importlib
import os
import sys
import traceback

sys.dont_write_bytecode = True
DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "evpn")
sys.path.insert(0, DIR)
import helpers  # noqa: E402


def load(name):
    """import NAME, whose @test functions register; if it fails, a test
    that fails with its traceback"""
    try:
        importlib.import_module(name)
    except (Exception, SystemExit):
        why = traceback.format_exc().rstrip()

        def fail():
            raise AssertionError("%s.py does not import:\n%s" % (name, why))
        fail.__name__ = "%s_imports" % name
        helpers.T.append(fail)


if __name__ == "__main__":
    for path in sorted(glob.glob(os.path.join(DIR, "test_*.py"))):
        load(os.path.basename(path)[:-3])
    sys.exit(helpers.main())
