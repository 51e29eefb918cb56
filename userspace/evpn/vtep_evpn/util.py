# Logging, and small helpers.
import ipaddress
import sys

PROG = "vtep-evpn"
ERR, WARNING, NOTICE, INFO, DEBUG = 3, 4, 5, 6, 7
verbose = False


def log(msg, prio=INFO):
    if prio >= DEBUG and not verbose:
        return
    sys.stderr.write("%s: %s%s\n" % (PROG, "error: " if prio == ERR else "", msg))
    sys.stderr.flush()


def dbg(msg):
    log(msg, DEBUG)


def die(msg, code=1):
    log(msg, ERR)
    sys.exit(code)


def ipkey(a):
    try:
        ip = ipaddress.ip_address(a)
        return (ip.version, int(ip))
    except ValueError:
        return (9, 0)
