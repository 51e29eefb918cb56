#!/usr/bin/env bash
# `make bench`: build vtep.ko and vtepctl, boot one VM (scripts/vm.sh) that
# measures raw veth, kernel vxlan, vtep and geneve side by side
# (scripts/bench.py guest), then print the table and write
# build/bench/bench-<kernel>-<timestamp>.json, build/bench/latest.json and a
# chart (.svg) beside them (scripts/bench.py report).
#
#   KERNEL=6.1|6.12  the guest kernel (default 6.1)
#   BENCH_REPS=5 BENCH_SECS=3 BENCH_SIZES="1000 100000 1000000"
#   BENCH_LAYOUTS="spread unique" BENCH_LIMIT=60 (seconds per install/delete)
#   BENCH_VXLAN_MAX=100000 (larger vxlan tables are skipped: see issue 11)
#   BENCH_SCALE_REPS=3 BENCH_REMOTES="1 10 100" BENCH_BUM_REPS=3
#   BENCH_LEARN_FRAMES=50000 BENCH_LEARN_REPS=3
#   BENCH_PHASES="rows allow scale bum learning ecmp"
#   BENCH_ECMP_RUNS=10 BENCH_ECMP_SECS=8 BENCH_ECMP_MBIT=25 (per path)
#   BENCH_ECMP_QUEUE_MS=5 (tbf queue per path) BENCH_ECMP_GAP=6000 (flowlet
#   gap, us: longer than the queue) BENCH_ECMP_SAMPLE=64 BENCH_ECMP_SEED=15
#
# Ratios only: nothing here passes or fails on a time.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
KERNEL=${KERNEL:-6.1}
OUT=build/bench
mkdir -p "$OUT"

make --no-print-directory "build/$KERNEL/vtep.ko" userspace/vtepctl >"$OUT/build.log" 2>&1 ||
	{ tail -n 30 "$OUT/build.log"; echo "bench: build failed" >&2; exit 1; }

# vm.sh hands the guest one command line (its words joined): quote here.
envs=
for v in $(compgen -v BENCH_); do
	envs+=" $(printf '%q' "$v=${!v}")"
done
ts=$(date -u +%Y%m%dT%H%M%SZ)
log=$OUT/guest-$KERNEL-$ts.log
echo "bench: booting a $KERNEL VM (takes about 15 minutes; log: $log)"
start=$(date +%s)
rc=0
# A host thread per vCPU (thread=multi): the datapath measured on two CPUs
# that run at once, as on a real host; the tests run both on one thread.
VTEP_VM_TCG_THREAD=multi VTEP_VM_SLUB_DEBUG= bash scripts/vm.sh --kernel "$KERNEL" --timeout "${BENCH_TIMEOUT:-2400}" -- \
	"env$envs python3 scripts/bench.py guest" >"$log" 2>&1 || rc=$?
end=$(date +%s)
if ! grep -q '^BENCH-JSON ' "$log"; then
	tail -n 40 "$log"
	echo "bench: the guest produced no results (vm.sh rc $rc)" >&2
	exit 1
fi
[ $rc = 0 ] || echo "bench: warning: vm.sh exited $rc (see $log); reporting what was measured" >&2
grep '^BENCH-JSON ' "$log" | tail -n1 | cut -c12- >"$OUT/raw-$KERNEL-$ts.json"
python3 scripts/bench.py report "$OUT/raw-$KERNEL-$ts.json" "$KERNEL" "$OUT" "$ts" "$((end - start))"
rm -f "$OUT/raw-$KERNEL-$ts.json"
