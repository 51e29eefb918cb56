#!/bin/bash
# Netlink fuzz (tests/fuzz/nlfuzz.c): random and mutated messages to the
# "vtep" generic netlink family, every command, dumps included, plus
# RTM_NEWLINK of kind vtep with random settings:
#   - as root, against a device up and then down;
#   - as an unprivileged user in the device's namespace: nothing may change;
#   - as root of a fresh user and network namespace (unshare -Urn, run by
#     an unprivileged user), against a device of its own.
# Each message is applied or refused with an errno; nothing hangs; the
# kernel log stays clean; unreclaimable slab returns to its baseline.
#
# Sizes: NLFUZZ_N messages as root (check 8000, soak 100000); a quarter of
# that each as the unprivileged user and in the user namespace.
# NLFUZZ_SEED.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/suites.inc"

NMSG=$(size NLFUZZ_N 8000 100000)
SEED=${NLFUZZ_SEED:-$(date +%s)}
FUZZ=$TOPO_REPO/tests/fuzz/nlfuzz
[ -x "$FUZZ" ] || { notok "tests/fuzz/nlfuzz is built (make tests)"; topo_done; }
diag "nlfuzz: $NMSG messages as root, $((NMSG / 4)) unprivileged, $((NMSG / 4)) in a user namespace, seed $SEED"

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2

dev_up() {
	vtepctl_n h1 link add vtep0 local 192.0.2.1 underlay eth0
	ipn h1 link set vtep0 master br0 up
	vtepctl_n h1 vni add 100 dev vtep0 untagged
	vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
}
dev_del() {
	local d
	for d in $(ip -n "${P}h1" -o link show type vtep | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
		ip -n "${P}h1" link del "$d"
	done
}
# fuzz NAME ARGS...: one run of the fuzzer in h1, its summary as comments
fuzz() {
	local name=$1 t0
	shift
	t0=$(date +%s)
	if nq h1 "$@" >"$TMP/fuzz.out" 2>&1; then
		ok "$name: every message applied or refused with an errno, none unanswered ($(($(date +%s) - t0)) s)"
	else
		notok "$name: every message applied or refused with an errno, none unanswered"
	fi
	grep -v '^# [0-9]' "$TMP/fuzz.out" | sed '/^#/!s/^/# /' | head -n 40
}
state() {
	nq h1 "$VTEPCTL" -j link show vtep0
	nq h1 "$VTEPCTL" -j vni show dev vtep0 | $PY -c 'import json, sys
for v in json.load(sys.stdin):
    for k in ("stats", "stats64", "vtep_stats"): v.pop(k, None)
    print(v)'
	nq h1 "$VTEPCTL" -j remote show dev vtep0
	nq h1 "$VTEPCTL" -j fdb show dev vtep0 | $PY -c 'import json, sys
for e in json.load(sys.stdin):
    for k in ("age_ms", "updated"): e.pop(k, None)
    print(e)'
}

# Warm-up, then the baseline.
dev_up
nq h1 "$FUZZ" -n 300 -s 1 -d vtep0 -r >/dev/null 2>&1 || true
dev_del
SLAB0=$(slab_settle)

dev_up
fuzz "root, device up ($((NMSG / 2)) messages)" "$FUZZ" -n $((NMSG / 2)) -s "$SEED" -d vtep0 -r
ipn h1 link set vtep0 down
fuzz "root, device down ($((NMSG / 2)) messages)" "$FUZZ" -n $((NMSG / 2)) -s $((SEED + 1)) -d vtep0 -r
ipn h1 link set vtep0 up || true
check "the device still answers after the fuzz" nq h1 "$VTEPCTL" link show vtep0

# Unprivileged in the device's namespace: every change refused.
state >"$TMP/state.before" 2>&1
fuzz "unprivileged user ($((NMSG / 4)) messages): no change applied" \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$FUZZ" -n $((NMSG / 4)) -s $((SEED + 2)) -d vtep0 -u
state >"$TMP/state.after" 2>&1
check "the unprivileged user changed nothing (link, VNIs, remotes, FDB)" \
	diff "$TMP/state.before" "$TMP/state.after"

# Root of its own user and network namespace, started by nobody, with
# the module's userns_create on (off, creation is refused: safety_test).
# (Where CLONE_NEWUSER is refused, e.g. a chrooted caller, this part is
# skipped.)
userns_create Y
if ! setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true 2>"$TMP/unshare.err"; then
	skip "root of a user namespace (unshare -Urn)" "cannot create one here: $(head -n1 "$TMP/unshare.err")"
else
fuzz "root of a user namespace (unshare -Urn, $((NMSG / 4)) messages)" \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	unshare -Urn bash -c '
		ip link set lo up
		ip link add eth0 type dummy && ip addr add 192.0.2.9/24 dev eth0 && ip link set eth0 up
		if ip link add vtep0 type vtep; then
			ip link set vtep0 up
			echo "# user namespace: created vtep0 of its own"
		else
			echo "# user namespace: could not create a vtep device"
		fi
		exec "$0" -n "$1" -s "$2" -d vtep0 -r' "$FUZZ" $((NMSG / 4)) $((SEED + 3))
fi
userns_create N

dev_del
SLAB1=$(slab_settle)
slab_check "nlfuzz" "$SLAB0" "$SLAB1"
check "the kernel log shows no warning" kernel_clean
suite_time nlfuzz
topo_done
