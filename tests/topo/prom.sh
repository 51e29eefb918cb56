#!/bin/bash
# vtepctl stats -o prom (issue 29 item 1): what node_exporter's textfile
# collector reads. After real traffic through two VNIs to the kernel's
# vxlan, the output must be valid text exposition format 0.0.4 (a strict
# checker, tests/topo/promcheck.py), hold the same values as
# `vtepctl -j stats show` for the device and each VNI, have grown by the
# pings sent, cover every device of the namespace without "dev", and an
# unknown format must be refused with status 1 (bad arguments).
#
#   ┌ a1 203.0.113.1  VLAN 10 ┐               ┌ a3 203.0.113.3  VLAN 10 ┐
#   ├ b1 198.51.100.1 VLAN 20 ┤               ├ b3 198.51.100.3 VLAN 20 ┤
#   └ h1: br0 ─ vtep0 ────────┘──── sw ───────└ h3: br0 ─ vx100, vx200  ┘
#     VLAN 10 = VNI 100, VLAN 20 = VNI 200       (the kernel's vxlan)
#     vtep1: a second device (down), VNI 300
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
PROMCHECK=$TOPO_REPO/tests/topo/promcheck.py
A1=02:00:00:00:01:01 B1=02:00:00:00:01:02 A3=02:00:00:00:03:01 B3=02:00:00:00:03:02

topo_switch
host_add h1 192.0.2.1
host_add h3 192.0.2.3
vtep_add h1 192.0.2.1
vm_add h1 a1 $A1 203.0.113.1 "" 10
vm_add h1 b1 $B1 198.51.100.1 "" 20
n h1 bridge vlan del vid 1 dev vtep0
for v in 10 20; do
	n h1 bridge vlan add vid $v dev vtep0
done
vtepctl_n h1 vni add 100 dev vtep0 vlan 10
vtepctl_n h1 vni add 200 dev vtep0 vlan 20
for v in 100 200; do
	vtepctl_n h1 remote add 192.0.2.3 vni $v dev vtep0
done
vtepctl_n h1 link add vtep1 local 192.0.2.1 port 4790
vtepctl_n h1 vni add 300 dev vtep1 untagged

vm_add h3 a3 $A3 203.0.113.3 "" 10
vm_add h3 b3 $B3 198.51.100.3 "" 20
for v in 10 20; do
	vxlan_add h3 192.0.2.3 ${v}0
	n h3 bridge vlan del vid 1 dev vx${v}0
	n h3 bridge vlan add vid $v dev vx${v}0 pvid untagged
	n h3 bridge fdb append 00:00:00:00:00:00 dev vx${v}0 dst 192.0.2.1
done

check "VNI 100: a1 reaches a3 through the kernel's vxlan" ping_ok a1 203.0.113.3
check "VNI 200: b1 reaches b3" ping_ok b1 198.51.100.3
# No ARP from here on (IPv6 is off in the namespaces): the pings below are
# the only frames the tunnel carries, so the counters move by them alone.
ipn a1 neigh replace 203.0.113.3 lladdr $A3 dev eth0 nud permanent
ipn a3 neigh replace 203.0.113.1 lladdr $A1 dev eth0 nud permanent
ipn b1 neigh replace 198.51.100.3 lladdr $B3 dev eth0 nud permanent
ipn b3 neigh replace 198.51.100.1 lladdr $B1 dev eth0 nud permanent

prom() { nq h1 "$VTEPCTL" stats -o prom "$@"; }
# jstats: the JSON of the device and of each VNI (what prom must equal)
jstats() {
	{
		nq h1 "$VTEPCTL" -j stats show dev vtep0
		nq h1 "$VTEPCTL" -j stats show dev vtep0 vni 100
		nq h1 "$VTEPCTL" -j stats show dev vtep0 vni 200
		nq h1 "$VTEPCTL" -j stats show dev vtep1
		nq h1 "$VTEPCTL" -j stats show dev vtep1 vni 300
	} >"$1"
}

check "stats -o prom runs" bash -c "$VTEPCTL -n ${P}h1 stats -o prom >$TMP/before.prom"
# the pings: 5 on VNI 100, 3 on VNI 200, each an echo and its reply
check "5 pings on VNI 100" nq a1 ping -q -c 5 -i 0.2 -W 2 203.0.113.3
check "3 pings on VNI 200" nq b1 ping -q -c 3 -i 0.2 -W 2 198.51.100.3

# (b) needs a moment no counter moves: JSON, the text, JSON again, until
# both JSON reads agree (the text was read between them)
same=0
for i in 1 2 3 4 5; do
	jstats "$TMP/j1.json"
	prom >"$TMP/after.prom" || true	# (checked below)
	jstats "$TMP/j2.json"
	if cmp -s "$TMP/j1.json" "$TMP/j2.json"; then
		same=1
		break
	fi
	diag "counters moved while read (try $i)"
done
check "the counters held still while read" test $same = 1

# (a) valid exposition format, strictly, with HELP and TYPE for each family
check "the output is valid text format 0.0.4 (promcheck --require-meta)" \
	bash -c "test -s $TMP/after.prom && $PY $PROMCHECK --require-meta $TMP/after.prom"
check "and so was the output before the traffic" \
	bash -c "test -s $TMP/before.prom && $PY $PROMCHECK --require-meta $TMP/before.prom"
diag "$(wc -l <"$TMP/after.prom") lines, e.g.:"
grep -E '^(# (HELP|TYPE) vtep_rx_dropped|vtep_rx_dropped_total\{dev="vtep0",reason="peer"|vtep_vni_tx_packets)' \
	"$TMP/after.prom" | sed 's/^/#   /' || true

# (b) the same values as `vtepctl -j stats show`, series for series, and
# nothing else; the names mapped here independently of prom.c
check "its values are those of vtepctl -j stats show, device and VNIs" \
	$PY - "$PROMCHECK" "$TMP/after.prom" "$TMP/j1.json" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import promcheck
TX = {"no_vni", "no_route", "too_big", "flood_off", "no_dest", "tx_error"}
RX = {"bad_flags", "bad_reserved", "too_short", "unknown_vni", "bad_inner",
      "loop", "rx_error", "bad_src_mac", "peer"}
errs, samples = promcheck.check(open(sys.argv[2]).read(), True)
got = {(n, tuple(sorted(l.items()))): v for n, l, v in samples}
want = {}
dec = json.JSONDecoder()
text, i = open(sys.argv[3]).read(), 0
while i < len(text.rstrip()):
    while text[i].isspace():
        i += 1
    arr, i = dec.raw_decode(text, i)
    for o in arr:
        pre = "vtep_vni_" if "vni" in o else "vtep_"
        base = {"dev": o["ifname"]}
        if "vni" in o:
            base["vni"] = str(o["vni"])
        # stats64's rx/tx as the counters' own names, then vtep's
        st = {d + "_" + k: v for d in ("rx", "tx")
              for k, v in o.get("stats64", {}).get(d, {}).items()}
        st.update(o.get("vtep_stats", o.get("stats", {})))
        for k, v in st.items():
            lab = dict(base)
            if k.startswith("stat_"):
                continue		# no name yet: left out
            if k == "drop_fdb_full":
                fam = "fdb_full"
            elif k.startswith("drop_"):
                r = k[5:]
                assert r in TX or r in RX, "a drop of no direction: " + k
                fam = "tx_dropped" if r in TX else "rx_dropped"
                lab["reason"] = r
            else:
                fam = k
            want[(pre + fam + "_total", tuple(sorted(lab.items())))] = float(v)
bad = 0
for key, v in sorted(want.items()):
    if got.get(key) != v:
        bad += 1
        print("# %s%s: prom %s, JSON %s" % (key[0], dict(key[1]), got.get(key), v))
for key in sorted(set(got) - set(want)):
    bad += 1
    print("# %s%s in prom only" % (key[0], dict(key[1])))
print("# %d series compared, %d differ" % (len(want), bad))
sys.exit(1 if bad or errs or len(want) < 4 * 32 else 0)
EOF

# (c) the counters grew by the pings: 5 + 3 echoes out, as many replies in
deltas() {
	$PY - "$PROMCHECK" "$TMP/before.prom" "$TMP/after.prom" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import promcheck
def load(f):
    e, s = promcheck.check(open(f).read())
    return {(n, l.get("dev"), l.get("vni"), l.get("reason")): v for n, l, v in s}
a, b = load(sys.argv[2]), load(sys.argv[3])
for k in sorted(b):
    if k[0].endswith("_packets_total") and k[1] == "vtep0":
        print("%s %s %s %d" % (k[0], k[1], k[2] or "-", b[k] - a.get(k, 0)))
EOF
}
deltas >"$TMP/deltas" || true
sed 's/^/# delta: /' "$TMP/deltas"
delta() { awk -v m="$1" -v v="$2" '$1 == m && $3 == v { print $4 }' "$TMP/deltas"; }
check "VNI 100: vtep_vni_tx_packets_total grew by the 5 echoes" test "$(delta vtep_vni_tx_packets_total 100)" = 5
check "VNI 100: vtep_vni_rx_packets_total grew by the 5 replies" test "$(delta vtep_vni_rx_packets_total 100)" = 5
check "VNI 200: tx grew by the 3 echoes" test "$(delta vtep_vni_tx_packets_total 200)" = 3
check "VNI 200: rx grew by the 3 replies" test "$(delta vtep_vni_rx_packets_total 200)" = 3
check "the device: vtep_tx_packets_total grew by 8" test "$(delta vtep_tx_packets_total -)" = 8
check "the device: vtep_rx_packets_total grew by 8" test "$(delta vtep_rx_packets_total -)" = 8

# every device of the namespace without "dev"; one with it
check "without dev: vtep1 and its VNI 300 are there too" \
	bash -c "grep -q '^vtep_tx_packets_total{dev=\"vtep1\"} ' $TMP/after.prom &&
		 grep -q '^vtep_vni_rx_dropped_total{dev=\"vtep1\",vni=\"300\",reason=\"peer\"} ' $TMP/after.prom"
prom dev vtep0 >"$TMP/vtep0.prom" || true
check "dev vtep0: only vtep0's series" \
	bash -c "grep -q 'dev=\"vtep0\"' $TMP/vtep0.prom && ! grep -q 'dev=\"vtep1\"' $TMP/vtep0.prom"
prom dev vtep0 vni 200 >"$TMP/vni200.prom" || true
check "dev vtep0 vni 200: only that VNI's series" \
	bash -c "test \$(grep -c '^vtep_' $TMP/vni200.prom) = 32 &&
		 test \$(grep -c '^vtep_vni_[a-z_]*{dev=\"vtep0\",vni=\"200\"' $TMP/vni200.prom) = 32"

# (d) an unknown format: status 1 (bad arguments, nothing sent), a message
# naming it, nothing on stdout
rc=0
nq h1 "$VTEPCTL" stats -o xml >"$TMP/xml.out" 2>"$TMP/xml.err" || rc=$?
diag "stats -o xml: status $rc, $(cat "$TMP/xml.err")"
check "an unknown format is refused with status 1" test $rc = 1
check "saying which and what -o takes" \
	grep -qF 'output format "xml" is unknown: "-o" takes "text" or "prom"' "$TMP/xml.err"
check "and printing nothing" test ! -s "$TMP/xml.out"
rc=0
prom dev nope0 >"$TMP/nope.out" 2>"$TMP/nope.err" || rc=$?
check "a device that does not exist: status 2, nothing printed" \
	bash -c "test $rc = 2 && test ! -s $TMP/nope.out"

# the man page's recipe: a temporary file renamed over the collector's
mkdir -p "$TMP/textfile"
check "the atomic-rename recipe leaves one valid vtep.prom" bash -c "
	cd $TMP/textfile &&
	$VTEPCTL -n ${P}h1 stats -o prom >vtep.prom.\$\$ && mv vtep.prom.\$\$ vtep.prom &&
	test \"\$(ls)\" = vtep.prom && $PY $PROMCHECK --require-meta vtep.prom"

topo_done
