#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The checker of tests/topo/promcheck.py (the Prometheus text format that
tests/topo/prom.sh holds `vtepctl stats -o prom` to): what it must take,
what it must refuse and why. TAP on stdout, status 1 if any failed.

    /usr/bin/python3 tests/unit/test_promcheck.py
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "topo"))
import promcheck  # noqa: E402

HEAD = ("# HELP vtep_rx_dropped_total Frames dropped on receive, by reason\n"
        "# TYPE vtep_rx_dropped_total counter\n")

# name, text, None if valid, else a piece of the error it must give
CASES = [
    ("as vtepctl prints it", HEAD +
     'vtep_rx_dropped_total{dev="vtep0",reason="peer"} 3\n'
     'vtep_rx_dropped_total{dev="vtep0",reason="loop"} 0\n'
     "# HELP vtep_vni_tx_packets_total Frames sent into the tunnel (of a VNI)\n"
     "# TYPE vtep_vni_tx_packets_total counter\n"
     'vtep_vni_tx_packets_total{dev="vtep0",vni="100"} 12\n', None),
    ("the empty text", "", None),
    ("escaped label values", HEAD +
     'vtep_rx_dropped_total{dev="a\\"b\\\\c\\nd",reason="peer"} 1\n', None),
    ("floats, a timestamp, a trailing comma, comments",
     "# a comment\n# TYPE g gauge\ng{a=\"1\",} -1.5e3 1700000000000\n"
     "g{a=\"2\"} NaN\ng{a=\"3\"} +Inf\ng{a=\"4\"} -Inf\ng 7\n", None),
    ("a histogram's suffixes are its family",
     "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
     "h_sum 3\nh_count 2\n", None),
    ("no line feed at the end", HEAD + 'vtep_rx_dropped_total{dev="v"} 1',
     "last line"),
    ("a carriage return", HEAD + 'vtep_rx_dropped_total{dev="v"} 1\r\n',
     "carriage return"),
    ("a second TYPE", HEAD + "# TYPE vtep_rx_dropped_total counter\n",
     "second TYPE"),
    ("a second HELP", HEAD + "# HELP vtep_rx_dropped_total again\n",
     "second HELP"),
    ("TYPE after the samples",
     'x_total{a="1"} 1\n# TYPE x_total counter\n', "after its samples"),
    ("an unknown TYPE", "# TYPE x_total countr\nx_total 1\n", "TYPE 'countr'"),
    ("a family in two groups", "# TYPE a counter\na 1\n# TYPE b counter\nb 1\na{x=\"1\"} 2\n",
     "again, after other"),
    ("a bad metric name", "0vtep 1\n", "bad metric name"),
    ("a bad metric name in TYPE", "# TYPE vtep-x counter\n", "bad metric name"),
    ("a bad label name", 'x{0dev="v"} 1\n', "bad label name"),
    ("a reserved label name", 'x{__name__="v"} 1\n', "reserved"),
    ("an unquoted label value", "x{dev=v} 1\n", 'expected ="'),
    ("a bad escape in a label value", 'x{dev="a\\tb"} 1\n', "bad escape"),
    ("an unterminated label value", 'x{dev="a} 1\n', "unterminated"),
    ("a label twice", 'x{a="1",a="2"} 1\n', "label a twice"),
    ("a duplicate series", HEAD +
     'vtep_rx_dropped_total{dev="v",reason="peer"} 1\n'
     'vtep_rx_dropped_total{reason="peer",dev="v"} 2\n', "second sample"),
    ("a value that is no number", "x 12abc\n", "no number"),
    ("a hex value", "x 0x10\n", "no number"),
    ("no value", "x{a=\"1\"}\n", "no blank"),
    ("a value and two more", "x 1 2 3\n", "at most a timestamp"),
    ("a timestamp that is no integer", "x 1 2.5\n", "no integer"),
    ("a negative counter", "# TYPE c_total counter\nc_total -1\n",
     "counter c_total is -1"),
    ("a bad escape in HELP", "# HELP x a\\tb\nx 1\n", "bad escape"),
    ("missing HELP and TYPE, when required", "x_total 1\n", "no TYPE"),
]


def main():
    failed = 0
    n = 0
    for name, text, want in CASES:
        errs, _ = promcheck.check(text, require_meta=name.endswith("required"))
        n += 1
        if want is None:
            good = not errs
            why = "; ".join(errs)
        else:
            good = any(want in e for e in errs)
            why = "errors: %s" % ("; ".join(errs) or "none")
        if good:
            print("ok %d - promcheck: %s" % (n, name))
        else:
            failed += 1
            print("not ok %d - promcheck: %s" % (n, name))
            print("# want %s, %s" % ("valid" if want is None else repr(want), why))
    # the samples it returns: labels unescaped, values as numbers
    errs, samples = promcheck.check(HEAD +
                                    'vtep_rx_dropped_total{dev="a\\"b",reason="peer"} 3\n')
    n += 1
    if not errs and samples == [("vtep_rx_dropped_total",
                                 {"dev": 'a"b', "reason": "peer"}, 3.0)]:
        print("ok %d - promcheck: samples come back unescaped, as numbers" % n)
    else:
        failed += 1
        print("not ok %d - promcheck: samples come back unescaped, as numbers" % n)
        print("# got %r %r" % (errs, samples))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
