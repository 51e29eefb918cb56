#!/usr/bin/env bash
# `make soak`: the reliability suites of issue 12 at full size (SOAK=1:
# a million storm frames, 100,000+ netlink messages, 10,000 changes under
# traffic, 100 lifecycle cycles of each kind, a million MACs), in a VM on
# each kernel: Debian 6.1, 6.12, Debian's PREEMPT_RT 6.1 (fetched into
# the kernel cache by `scripts/deps.sh rt` on first use; skipped if it
# cannot be), and 6.1-debug, linux-source-6.1 built with lockdep and KASAN
# (by scripts/debug-kernel.sh on first use, 22 minutes of compiling here;
# skipped if the build fails). On the rt kernel the whole VM suite runs as
# well, at the size of `make check`. Prints one line at the end:
#   N passed, N failed[, N skipped]
#
# A kernel's suites run in SOAK_LANES guests at once (2: one a core),
# split by their measured length (lane_split below), so a kernel's soak
# takes about half its suites' sum.
#
# Knobs: SOAK_KERNELS ("6.1 6.12 6.1-rt 6.1-debug"), SOAK_SUITES (the six scripts),
# SOAK_VM_TIMEOUT (per VM, 21600 s), SOAK_TEST_TIMEOUT (per suite, 10800 s),
# and each suite's own size variables (STORM_K, STORM_RANDOM, NLFUZZ_N,
# CHURN_N, LIFE_N, MACFLOOD_N, TOPOFUZZ_N, ...), passed into the VM.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 2
CACHE=${VTEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vtep}
KERNELS=${SOAK_KERNELS:-"6.1 6.12 6.1-rt 6.1-debug"}
SUITES=${SOAK_SUITES:-"tests/topo/storm.sh tests/topo/nlfuzz.sh tests/topo/churn.sh tests/topo/lifecycle_traffic.sh tests/topo/macflood.sh tests/topo/topofuzz.sh"}
LOGDIR=$REPO/build/soak
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
TAP=$LOGDIR/results.tap
: >"$TAP"
say() { printf '%s\n' "$*" | tee -a "$TAP"; }

# The suites' size variables, forwarded into the guest's command line.
knobs="SOAK=1"
for v in STORM_K STORM_RANDOM STORM_SEED NLFUZZ_N NLFUZZ_SEED CHURN_N CHURN_SEED \
	 LIFE_N MACFLOOD_N MACFLOOD_LIMIT TOPOFUZZ_N TOPOFUZZ_RUNS TOPOFUZZ_USERNS_RUNS \
	 TOPOFUZZ_SEED TOPOFUZZ_REPLAY EVPN_MACS; do
	[ -z "${!v:-}" ] || knobs="$knobs $v=${!v}"
done

# A suite's soak length, relative: seconds on 6.1-debug at full size
# beside other guests (2026-12-07). Unknown suites weigh 100.
weight() {
	case ${1##*/} in
	topofuzz.sh) echo 2479 ;; storm.sh) echo 1288 ;; macflood.sh) echo 894 ;;
	nlfuzz.sh) echo 442 ;; lifecycle_traffic.sh) echo 442 ;; churn.sh) echo 132 ;;
	*) echo 100 ;;
	esac
}

# lane_split N SUITE...: N lines of suites, the longest first into the
# lightest lane (an empty lane prints no line).
lane_split() {
	local n=$1 s i best
	shift
	local -a load=() names=()
	for ((i = 0; i < n; i++)); do load[i]=0; names[i]=""; done
	for s in $(for s in "$@"; do echo "$(weight "$s") $s"; done | sort -rn | cut -d' ' -f2); do
		best=0
		for ((i = 1; i < n; i++)); do
			[ "${load[i]}" -lt "${load[best]}" ] && best=$i
		done
		load[best]=$((load[best] + $(weight "$s")))
		names[best]="${names[best]:+${names[best]} }$s"
	done
	for ((i = 0; i < n; i++)); do
		[ -z "${names[i]}" ] || echo "${names[i]}"
	done
}

if ! make --no-print-directory tests >"$LOGDIR/build-tests.log" 2>&1; then
	say "not ok - vtepctl and tests build (log: build/soak/build-tests.log)"
	echo "0 passed, 1 failed"
	exit 1
fi

for k in $KERNELS; do
	if [ ! -e "$CACHE/$k/.complete" ]; then
		case $k in
		6.1-rt) fetch="bash scripts/deps.sh rt" ;;
		6.1-debug) fetch="bash scripts/debug-kernel.sh" ;;
		*) fetch=false ;;
		esac
		echo "# kernel $k is not cached: $fetch"
		if ! $fetch >"$LOGDIR/deps-$k.log" 2>&1; then
			say "ok - soak on $k # SKIP kernel $k is not cached (log: build/soak/deps-$k.log)"
			continue
		fi
	fi
	rm -f "build/$k/vtep.ko"
	if ! make --no-print-directory "build/$k/vtep.ko" C=2 >"$LOGDIR/build-$k.log" 2>&1 ||
	   grep -qE 'warning:|: warning|error:' "$LOGDIR/build-$k.log"; then
		say "not ok - module builds against $k without warnings (W=1, sparse)"
		grep -E 'warning|error' "$LOGDIR/build-$k.log" | head -n 20 | sed 's/^/#   /'
		continue
	fi
	say "ok - module builds against $k without warnings (W=1, sparse)"
	t0=$(date +%s)
	lane=0
	while read -r suites; do
		lane=$((lane + 1))
		echo "# soak on $k, guest $lane: $suites"
		VTEP_VM_LOCK=/tmp/vtep-vm-soak-$lane.lock \
		scripts/vm.sh --kernel "$k" --timeout "${SOAK_VM_TIMEOUT:-21600}" -- \
			env $knobs TEST_TIMEOUT="${SOAK_TEST_TIMEOUT:-10800}" \
			bash scripts/vm-tests.sh $suites >"$LOGDIR/vm-$k.$lane.log" 2>&1 &
	done < <(lane_split "${SOAK_LANES:-2}" $SUITES)
	wait
	secs=$(($(date +%s) - t0))
	cat "$LOGDIR"/vm-"$k".[0-9]*.log >"$LOGDIR/vm-$k.log"
	grep -aE '^(not )?ok' "$LOGDIR/vm-$k.log" | sed "s/^/$k soak: /" >>"$TAP"
	grep -aE '^not ok' "$LOGDIR/vm-$k.log" | sed "s/^/#   $k: /"
	grep -aE '^# .*(took|slab|nlfuzz:|topofuzz:|flood:|random|shapes:)' "$LOGDIR/vm-$k.log" | sed "s/^/$k /"
	# one line for the kernel: its counts, its time, each suite's
	times=$(grep -aE '^# [a-z_]+ took [0-9]+ s$' "$LOGDIR/vm-$k.log" |
		awk '{ printf "%s%s %s s", n++ ? ", " : "", $2, $4 }')
	echo "# soak on $k: $(grep -caE '^ok' "$LOGDIR/vm-$k.log") passed," \
		"$(grep -caE '^not ok' "$LOGDIR/vm-$k.log") failed, in $secs s ($times)"
	if [ "$k" = 6.1-rt ]; then
		echo "# every VM test on $k, at the size of make check"
		scripts/vm.sh --kernel "$k" --timeout "${VM_TIMEOUT:-3000}" -- \
			bash scripts/vm-tests.sh >"$LOGDIR/vm-$k-all.log" 2>&1
		grep -aE '^(not )?ok' "$LOGDIR/vm-$k-all.log" | sed "s/^/$k: /" >>"$TAP"
		grep -aE '^not ok' "$LOGDIR/vm-$k-all.log" | sed "s/^/#   $k: /"
	fi
done

passed=$(grep -cE '^([^:]+: )?ok .*' "$TAP")
skipped=$(grep -cE '^([^:]+: )?ok .*# [Ss][Kk][Ii][Pp]' "$TAP")
failed=$(grep -cE '^([^:]+: )?not ok' "$TAP")
passed=$((passed - skipped))
echo "# details: build/soak/ (results.tap has every test)"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
