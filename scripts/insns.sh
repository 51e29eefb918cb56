#!/usr/bin/env bash
# Instructions per packet, counted exactly (issue 26): boot one VM under
# the insncount QEMU plugin (bench/insncount.c), in which pktgen sends
# INSNS_PKTS 64-byte frames through raw veth, the kernel's vxlan, vtep and
# geneve, INSNS_REPS times each, interleaved (bench/insns-guest.sh); then
# print, per row, the guest kernel's instructions per packet (tx and rx
# both), the overhead over veth and its ratio to vxlan's, and the
# functions where vtep and vxlan differ most (bench/insns.py). Part of
# `make bench` (BENCH_INSNS=0 leaves it out); alone: `make bench-insns`.
#
#   KERNEL=6.1|6.12 INSNS_PKTS=100000 INSNS_REPS=3
#   INSNS_ROWS="veth vxlan vtep geneve vxlan-learn vtep-learn vtep-1m"
#   INSNS_TAP=1: also TAP lines (make check): every frame delivered, and
#   vtep's tunnel overhead below vxlan's
#
# Writes build/bench/insns-<kernel>-<timestamp>.json and insns-latest.txt.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
KERNEL=${KERNEL:-6.1}
OUT=build/bench
mkdir -p "$OUT"

make --no-print-directory "build/$KERNEL/vtep.ko" userspace/vtepctl \
	"$OUT/insncount.so" "$OUT/insnmark" >"$OUT/insns-build-$KERNEL.log" 2>&1 ||
	{ tail -n 30 "$OUT/insns-build-$KERNEL.log"; echo "insns: build failed" >&2; exit 1; }

ts=$(date -u +%Y%m%dT%H%M%SZ)
win=$OUT/insns-$KERNEL-$ts.d
rm -rf "$win"
mkdir -p "$win"
log=$OUT/insns-guest-$KERNEL-$ts.log
envs=
for v in INSNS_PKTS INSNS_REPS INSNS_ROWS; do
	[ -z "${!v:-}" ] || envs+=" $(printf '%q' "$v=${!v}")"
done
echo "insns: booting a $KERNEL VM under the counting plugin (log: $log)"
rc=0
# thread=single: the plugin's counters are plain adds (bench/insncount.c)
VTEP_VM_TCG_THREAD=single VTEP_VM_SLUB_DEBUG= \
VTEP_VM_QEMU_ARGS="-plugin $REPO/$OUT/insncount.so,out=$REPO/$win/w" \
	bash scripts/vm.sh --kernel "$KERNEL" --timeout "${INSNS_TIMEOUT:-2400}" -- \
	"env$envs bash bench/insns-guest.sh" >"$log" 2>&1 || rc=$?
[ $rc = 0 ] || { tail -n 30 "$log"; echo "insns: warning: vm.sh exited $rc" >&2; }
/usr/bin/python3 bench/insns.py "$log" "$win" "$KERNEL" "$OUT/insns-$KERNEL-$ts.json" | tee "$OUT/insns-latest.txt"
