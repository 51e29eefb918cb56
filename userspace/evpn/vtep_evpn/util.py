# Logging with syslog priorities, and small helpers.
import functools
import ipaddress
import os
import sys

PROG = "vtep-evpn"
ERR, WARNING, NOTICE, INFO, DEBUG = 3, 4, 5, 6, 7
LABEL = {ERR: "error: ", WARNING: "warning: "}
verbose = False


def journal():
    """whether stderr is the journal (systemd sets JOURNAL_STREAM to the
    stream's device:inode): lines then start with <N>, their priority,
    which journald files them under (journalctl -p)"""
    js = os.environ.get("JOURNAL_STREAM")
    if not js:
        return False
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return js == "%d:%d" % (st.st_dev, st.st_ino)


def log(msg, prio=INFO):
    if prio >= DEBUG and not verbose:
        return
    if journal():
        line = "<%d>%s%s\n" % (prio, LABEL.get(prio, ""), msg)
    else:
        line = "%s: %s%s\n" % (PROG, LABEL.get(prio, ""), msg)
    sys.stderr.write(line)
    sys.stderr.flush()


def dbg(msg):
    log(msg, DEBUG)


def die(msg, code=1):
    log(msg, ERR)
    sys.exit(code)


@functools.lru_cache(maxsize=4096)
def ipkey(a):
    # cached: the next hops are few, and every best-route choice sorts them
    try:
        ip = ipaddress.ip_address(a)
        return (ip.version, int(ip))
    except ValueError:
        return (9, 0)


class Backoff:
    """delays between tries: FIRST, doubling up to CAP"""

    def __init__(self, first, cap):
        self.first, self.cap, self.cur = first, cap, None

    def next(self):
        self.cur = self.first if self.cur is None else min(self.cur * 2, self.cap)
        return self.cur

    def reset(self):
        self.cur = None


class Touched(dict):
    """a dict that records the keys set or deleted since take() (the local
    MACs: the programmer looks at those only)"""

    def __init__(self, *a, **kw):
        dict.__init__(self, *a, **kw)
        self.touched = set(self)

    def __setitem__(self, k, v):
        self.touched.add(k)
        dict.__setitem__(self, k, v)

    def __delitem__(self, k):
        self.touched.add(k)
        dict.__delitem__(self, k)

    def pop(self, k, *default):
        self.touched.add(k)
        return dict.pop(self, k, *default)

    def take(self):
        t, self.touched = self.touched, set()
        return t
