#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A strict checker of the Prometheus text exposition format 0.0.4.

What `vtepctl stats -o prom` prints must parse here (tests/topo/prom.sh);
tests/unit/test_promcheck.py feeds it good and bad samples. Stdlib only.

    promcheck.py [--require-meta] [--samples] FILE|-

Exit 0 if the text is valid (with --samples, its samples as JSON lines
[name, {labels}, value] on stdout), 1 with one error a line on stderr if
not. --require-meta: every family must have a HELP and a TYPE line.

Checked (the format's rules, strictly, as node_exporter's textfile
collector and Prometheus' own parser read them, and a little beyond):
  - lines end with "\\n", the last one too; no carriage return
  - metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
    and not starting with "__"
  - "# HELP name text" and "# TYPE name type" at most once per family,
    before its first sample; TYPE one of counter, gauge, histogram,
    summary, untyped; HELP text escapes only \\\\ and \\n
  - a family's lines are one group: no HELP, TYPE or sample of a family
    after another family's lines began
  - label values in double quotes, escaping only \\\\, \\" and \\n; no
    label twice in a sample; no two samples of the same name and labels
  - values are Go floats (NaN, +Inf, -Inf included), a timestamp an int64;
    a counter's value is not negative (nor NaN)
"""
import json
import math
import re
import sys

METRIC_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT_RE = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|Inf|inf|NaN)")
INT_RE = re.compile(r"-?[0-9]+")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"),
            "summary": ("_sum", "_count")}


def parse_value(s):
    """A Go float as the format writes it, or None."""
    if not FLOAT_RE.fullmatch(s):
        return None
    if s.lstrip("+-") in ("Inf", "inf"):
        return -math.inf if s.startswith("-") else math.inf
    return float(s)


def parse_labels(s, i, errs, where):
    """Labels from s[i] == "{"; returns (dict, index after "}") or None."""
    labels = {}
    i += 1
    while True:
        if i < len(s) and s[i] == "}":
            return labels, i + 1
        m = LABEL_RE.match(s, i)
        if not m:
            errs.append("%s: bad label name at column %d" % (where, i + 1))
            return None
        name = m.group(0)
        if name.startswith("__"):
            errs.append("%s: label name %s is reserved" % (where, name))
        i = m.end()
        if s[i:i + 2] != '="':
            errs.append('%s: label %s: expected ="' % (where, name))
            return None
        i += 2
        val = []
        while True:
            if i >= len(s):
                errs.append("%s: label %s: unterminated value" % (where, name))
                return None
            c = s[i]
            if c == '"':
                i += 1
                break
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    errs.append("%s: label %s: bad escape \\%s" %
                                (where, name, nxt))
                    return None
                val.append("\n" if nxt == "n" else nxt)
                i += 2
                continue
            val.append(c)
            i += 1
        if name in labels:
            errs.append("%s: label %s twice" % (where, name))
        labels[name] = "".join(val)
        if i < len(s) and s[i] == ",":
            i += 1
            continue
        if i < len(s) and s[i] == "}":
            return labels, i + 1
        errs.append("%s: expected , or } after label %s" % (where, name))
        return None


def check(text, require_meta=False):
    """(errors, samples): samples a list of (name, labels, value)."""
    errs, samples = [], []
    types, helps = {}, {}
    done = set()		# families whose group has ended
    current = None		# the family of the group being read
    seen = set()
    has_samples = set()

    if text and not text.endswith("\n"):
        errs.append("the last line does not end with a line feed")
    if "\r" in text:
        errs.append("a carriage return: lines end with \\n only")

    def family_of(name):
        for fam, t in types.items():
            for suf in SUFFIXES.get(t, ()):
                if name == fam + suf:
                    return fam
        return name

    def enter(fam, where):
        nonlocal current
        if fam == current:
            return
        if fam in done:
            errs.append("%s: family %s again, after other families' lines"
                        % (where, fam))
        if current is not None:
            done.add(current)
        current = fam

    for n, line in enumerate(text.split("\n")[:-1] if text.endswith("\n")
                             else text.split("\n"), 1):
        where = "line %d" % n
        if not line.strip():
            continue
        if line.startswith("#"):
            tok = line[1:].lstrip(" \t").split(None, 2) if line[1:2] in (" ", "\t") else []
            if len(tok) < 2 or tok[0] not in ("HELP", "TYPE"):
                continue		# a comment
            kind, name = tok[0], tok[1]
            if not METRIC_RE.fullmatch(name):
                errs.append("%s: bad metric name %r" % (where, name))
                continue
            enter(name, where)
            if name in has_samples:
                errs.append("%s: %s of %s after its samples" % (where, kind, name))
            if kind == "TYPE":
                t = tok[2].strip() if len(tok) > 2 else ""
                if name in types:
                    errs.append("%s: a second TYPE of %s" % (where, name))
                if t not in TYPES:
                    errs.append("%s: TYPE %r of %s" % (where, t, name))
                types[name] = t
            else:
                h = tok[2] if len(tok) > 2 else ""
                if name in helps:
                    errs.append("%s: a second HELP of %s" % (where, name))
                if re.search(r"\\(?![\\n])", h):
                    errs.append("%s: HELP of %s: bad escape" % (where, name))
                helps[name] = h
            continue
        m = METRIC_RE.match(line)
        if not m:
            errs.append("%s: bad metric name" % where)
            continue
        name, i = m.group(0), m.end()
        labels = {}
        if i < len(line) and line[i] == "{":
            r = parse_labels(line, i, errs, where)
            if r is None:
                continue
            labels, i = r
        rest = line[i:]
        if not rest[:1] in (" ", "\t"):
            errs.append("%s: no blank between %s and its value" % (where, name))
            continue
        parts = rest.split()
        if len(parts) not in (1, 2):
            errs.append("%s: expected a value and at most a timestamp" % where)
            continue
        v = parse_value(parts[0])
        if v is None:
            errs.append("%s: value %r is no number" % (where, parts[0]))
            continue
        if len(parts) == 2 and not INT_RE.fullmatch(parts[1]):
            errs.append("%s: timestamp %r is no integer" % (where, parts[1]))
        fam = family_of(name)
        enter(fam, where)
        has_samples.add(fam)
        if types.get(fam) == "counter" and (math.isnan(v) or v < 0):
            errs.append("%s: counter %s is %s" % (where, name, parts[0]))
        if require_meta and (fam not in types or fam not in helps):
            errs.append("%s: %s has no %s before its samples" %
                        (where, fam, "TYPE" if fam not in types else "HELP"))
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            errs.append("%s: a second sample of %s%s" %
                        (where, name, json.dumps(labels, sort_keys=True)))
        seen.add(key)
        samples.append((name, labels, v))
    return errs, samples


def main(argv):
    require_meta = "--require-meta" in argv
    want = "--samples" in argv
    files = [a for a in argv if not a.startswith("--")]
    if len(files) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if files[0] == "-":
        text = sys.stdin.buffer.read().decode("utf-8", "replace")
    else:
        with open(files[0], "rb") as f:
            text = f.read().decode("utf-8", "replace")
    errs, samples = check(text, require_meta)
    for e in errs:
        print("promcheck: " + e, file=sys.stderr)
    if errs:
        return 1
    if want:
        for s in samples:
            print(json.dumps([s[0], s[1], s[2]], sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
