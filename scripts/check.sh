#!/usr/bin/env bash
# `make check`: install what is missing, build, run the unit tests on the
# host, checkpatch over kmod/, and every VM test on each cached Debian
# kernel, then print one line:
#   N passed, N failed[, N skipped]
# Every test prints TAP ("ok N name" / "not ok N name"); this script counts
# them. A build that warns, a VM that does not boot or finish, and a kernel
# log with a BUG/WARNING each count as a failed test.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 2
KERNELS=${KERNELS:-"6.1 6.12"}
LOGDIR=$REPO/build/check
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
TAP=$LOGDIR/results.tap
: >"$TAP"

say() { printf '%s\n' "$*" | tee -a "$TAP"; }

# A step that must work for anything else to be meaningful.
step() {
	local name=$1 log=$LOGDIR/$2.log
	shift 2
	if "$@" >"$log" 2>&1; then
		say "ok - $name"
		return 0
	fi
	say "not ok - $name (log: build/check/$(basename "$log"))"
	tail -n 25 "$log" | sed 's/^/#   /'
	return 1
}

# Module builds for each kernel must be free of warnings (W=1), sparse too.
# judge_module K STATUS: the result of K's build (its log in build-K.log)
judge_module() {
	local k=$1 status=$2
	local log=$LOGDIR/build-$k.log
	if [ "$status" != 0 ]; then
		say "not ok - module builds against $k"
		grep -E 'error|warning' "$log" | head -n 20 | sed 's/^/#   /'
		return 1
	fi
	if grep -qE 'warning:|: warning|error:' "$log"; then
		say "not ok - module builds against $k without warnings (W=1, sparse)"
		grep -E 'warning|error' "$log" | head -n 20 | sed 's/^/#   /'
		return 1
	fi
	say "ok - module builds against $k without warnings (W=1, sparse)"
}

step "dependencies installed (scripts/deps.sh)" deps bash scripts/deps.sh || deps_failed=1
if [ -n "${deps_failed:-}" ]; then
	echo "0 passed, 1 failed"
	exit 1
fi

# The module for each kernel, and vtepctl with the tests, built at once:
# each kernel's build has a tree of its own (build/K), and one after
# another they kept one core of two busy (98 s; at once about 50 s).
declare -A build_pid
for k in $KERNELS; do
	rm -f "build/$k/vtep.ko"
	make --no-print-directory "build/$k/vtep.ko" C=2 >"$LOGDIR/build-$k.log" 2>&1 &
	build_pid[$k]=$!
done
make --no-print-directory tests >"$LOGDIR/build-userspace.log" 2>&1 &
tests_pid=$!
# the instruction counter (below), built now: make in insns.sh finds it
make --no-print-directory build/bench/insncount.so build/bench/insnmark \
	>"$LOGDIR/insns-build.log" 2>&1 &
insns_build_pid=$!
built_kernels=""
for k in $KERNELS; do
	wait "${build_pid[$k]}"
	judge_module "$k" $? && built_kernels="$built_kernels $k"
done
if wait "$tests_pid"; then
	say "ok - vtepctl and tests build"
else
	say "not ok - vtepctl and tests build (log: build/check/build-userspace.log)"
	tail -n 25 "$LOGDIR/build-userspace.log" | sed 's/^/#   /'
fi

# Packages, DKMS against each cached kernel, make install, the ip plugin's
# symbols, bash completion (host side). It runs beside the VM tests,
# checkpatch and the unit tests below: tests/topo/modprobe.sh, which
# installs the DKMS-built module in the VMs, waits for build/dkms/.done,
# made when this ends (the VMs waited for it once: 90 s of both cores).
echo "# install tests (host: make deb, dkms, make install)"
rm -rf build/dkms
KERNELS="$KERNELS" bash scripts/test-install.sh >"$LOGDIR/install.log" 2>&1 &
install_pid=$!

# One VM per kernel, all at once: a TCG guest running the tests one after
# another keeps about one host core busy (its second vCPU mostly idles), so
# two guests on two cores take little longer than one. Each has a lock of
# its own (vm.sh serialises runs on one lock otherwise). Then, on the same
# core, that kernel's instructions per packet: counted by a QEMU plugin
# (make bench-insns, at a fifth of its size), every frame delivered, and
# vtep's tunnel cheaper than vxlan's (~25 s). A kernel whose tests end
# first counts while the other's still run.
wait "$insns_build_pid" || say "not ok - insns: the counting plugin builds (log: build/check/insns-build.log)"
# wait_all: wait for every job in $pids, whatever their status
wait_all() {
	local p
	for p in $pids; do
		wait "$p" || true
	done
}
# The EVPN agent's groups (232 s a kernel) test user space: the agent,
# gobgpd and FRR over a module every other group tests on each kernel.
# With two kernels each runs on one of them, split by their length
# (evpn 128 s; evpn_ebgp 38 + evpn_ipv6 66 s), which takes about two
# minutes off each guest. EVPN_EVERY_KERNEL=1 runs them on both.
declare -A elsewhere
set -- $built_kernels
if [ $# = 2 ] && [ -z "${EVPN_EVERY_KERNEL:-}" ]; then
	elsewhere[$1]="evpn=$2"
	elsewhere[$2]="evpn_ebgp=$1,evpn_ipv6=$1"
fi
# The packages under systemd (tests/system/packages.sh, ~80 s a kernel)
# test user space too: dpkg, the units, the agent under systemctl. They
# run on the first kernel, whose lane ends first (its EVPN groups are the
# shorter); PACKAGES_EVERY_KERNEL=1 runs them on each.
packages_on=$*
[ -n "${PACKAGES_EVERY_KERNEL:-}" ] || packages_on=${1:-}
pids=""
for k in $built_kernels; do
	echo "# VM tests on Debian $k (started)"
	(
		export VTEP_VM_LOCK=/tmp/vtep-vm-check-$k.lock
		scripts/vm.sh --kernel "$k" --timeout "${VM_TIMEOUT:-4200}" -- \
			env VTEP_WAIT_DKMS=1 VM_TESTS_ELSEWHERE="${elsewhere[$k]:-}" \
			bash scripts/vm-tests.sh >"$LOGDIR/vm-$k.log" 2>&1
		KERNEL=$k INSNS_PKTS=20000 INSNS_REPS=1 INSNS_ROWS="veth vxlan vtep" INSNS_TAP=1 \
			bash scripts/insns.sh >"$LOGDIR/insns-$k.log" 2>&1
		# the packages under systemd, from the install tests' debs
		[[ " $packages_on " == *" $k "* ]] || exit 0
		for ((w = 0; w < 900; w++)); do
			[ -e build/dkms/.done ] && break
			sleep 1
		done
		scripts/vm.sh --kernel "$k" --systemd --timeout 900 -- \
			bash tests/system/packages.sh >"$LOGDIR/vm-$k-systemd.log" 2>&1
	) &
	pids="$pids $!"
done

# checkpatch (make style): each ERROR is a failed test, warnings are not.
style() {
	local log=$LOGDIR/style.log
	bash scripts/checkpatch.sh >"$log" 2>&1
	case $? in
	0) say "ok - checkpatch reports no errors over kmod/" ;;
	1) grep -E '^[^ ]+:[0-9]+: ERROR:' "$log" | sed 's/^/not ok - checkpatch: /' |
		tee -a "$TAP" ;;
	*) say "not ok - checkpatch runs (log: build/check/style.log)"
	   tail -n 10 "$log" | sed 's/^/#   /' ;;
	esac
}
style

# collect LOG WHERE NLINES: LOG's TAP lines into results.tap, as
# "WHERE: ok ...", and each failure with the diagnostics its test printed
# just before it (at most NLINES lines); a log with no result at all is a
# failure of its own, said of WHAT (default: the VM).
collect() {
	local log=$1 where=$2 max=$3 what=${4:-the VM}
	grep -aE '^(not )?ok' "$log" | sed "s/^/$where: /" >>"$TAP"
	grep -aE -B12 '^not ok' "$log" | grep -aE '^(not ok|# )' |
		sed "s/^/#   $where: /" | tail -n "$max"
	grep -qaE '^(not )?ok' "$log" ||
		say "not ok - $where: $what gave no result (log: build/check/$(basename "$log"))"
}
if [ -x tests/unit/check_vtepctl ]; then
	echo "# unit tests (check, on the host)"
	CK_TAP_LOG_FILE_NAME=- CK_VERBOSITY=silent tests/unit/check_vtepctl 2>&1 |
		tee "$LOGDIR/unit.log" | grep -E '^(not )?ok' | sed 's/^/unit: /' >>"$TAP"
	grep -E '^not ok' "$LOGDIR/unit.log" | sed 's/^/#   /'
fi
# The link options where they are not compiled from link_opts.h: the man
# page's LINK_OPTIONS block and entries, the completion, the plugin's usage
echo "# link options (vtepctl.8, completion, ip plugin; on the host)"
bash scripts/link-opts.sh check >"$LOGDIR/link-opts.log" 2>&1
collect "$LOGDIR/link-opts.log" unit 40 "scripts/link-opts.sh check"
# make mutants' planted bugs still apply to the code they plant into
echo "# mutants apply (scripts/mutants.sh --apply; on the host)"
bash scripts/mutants.sh --apply >"$LOGDIR/mutants-apply.log" 2>&1
collect "$LOGDIR/mutants-apply.log" unit 40 "scripts/mutants.sh --apply"
# tests/unit/test_evpn.py runs every tests/unit/evpn/test_*.py, one TAP
# stream; a file that does not import is a "not ok" of its own.
echo "# unit tests of vtep-evpn (python, on the host)"
/usr/bin/python3 tests/unit/test_evpn.py >"$LOGDIR/unit-evpn.log" 2>&1
evpn_rc=$?
collect "$LOGDIR/unit-evpn.log" unit 60 "tests/unit/test_evpn.py"
if ! grep -qE '^(not )?ok' "$LOGDIR/unit-evpn.log"; then
	tail -n 10 "$LOGDIR/unit-evpn.log" | sed 's/^/#   /'
elif [ "$evpn_rc" -ne 0 ] && ! grep -q '^not ok' "$LOGDIR/unit-evpn.log"; then
	say "not ok - unit: tests/unit/test_evpn.py exited $evpn_rc (log: build/check/unit-evpn.log)"
	tail -n 10 "$LOGDIR/unit-evpn.log" | sed 's/^/#   /'
fi

# tests/unit/test_promcheck.py: the Prometheus format checker that
# tests/topo/prom.sh holds `vtepctl stats -o prom` to, fed good and bad text.
echo "# unit tests of the Prometheus format checker (python, on the host)"
/usr/bin/python3 tests/unit/test_promcheck.py >"$LOGDIR/unit-promcheck.log" 2>&1
collect "$LOGDIR/unit-promcheck.log" unit 40 "tests/unit/test_promcheck.py"

wait "$install_pid"
mkdir -p build/dkms
touch build/dkms/.done
grep -E '^(not )?ok' "$LOGDIR/install.log" | sed 's/^/install: /' >>"$TAP"
grep -E -A8 '^not ok' "$LOGDIR/install.log" | grep -E '^(not ok|#)' | sed 's/^/#   /'

wait_all
for k in $built_kernels; do
	echo "# VM tests on Debian $k"
	collect "$LOGDIR/vm-$k.log" "$k" 200
done
for k in $packages_on; do
	echo "# the packages under systemd on Debian $k (tests/system/packages.sh)"
	collect "$LOGDIR/vm-$k-systemd.log" "$k-systemd" 60
done
for k in $built_kernels; do
	echo "# instructions per packet on Debian $k"
	grep -E '^(veth|vxlan|vtep) +[0-9]' "$LOGDIR/insns-$k.log" | sed "s/^/#   $k: /"
	collect "$LOGDIR/insns-$k.log" "$k" 60
done

# The time budget (issue 25): each VM test group's seconds on each kernel,
# the longest first, and each kernel's sum. A new VM test has 45 s a
# kernel; the lanes run side by side, so the longest sum bounds the run.
group_times() {
	local k
	for k in $built_kernels; do
		grep -aE '^# [A-Za-z0-9_]+ took [0-9]+ s$' "$LOGDIR/vm-$k.log" |
			awk -v k="$k" '{ print $4, $2, k }'
	done | awk '
		seen[$2, $3]++ { next }	# (vm-tests.sh says it first; a script may again)
		{ t[$2] = t[$2] " " $3 " " $1 " s,"; if ($1 > max[$2]) max[$2] = $1; sum[$3] += $1 }
		END {
			for (g in max) print max[g], "#   " g ":" t[g] | "sort -k1,1nr | cut -d\" \" -f2-"
			close("sort -k1,1nr | cut -d\" \" -f2-")
			for (k in sum) print "#   all groups on " k ": " sum[k] " s"
		}' | sed 's/,$//'
}
echo "# VM test groups, seconds a kernel (longest first):"
group_times | head -n 60

# Lines read "<where>: ok ..." or "ok ..."; a SKIP directive is not a pass.
passed=$(grep -cE '^([^ ]+: )?ok .*' "$TAP" | head -n1)
skipped=$(grep -cE '^([^ ]+: )?ok .*# [Ss][Kk][Ii][Pp]' "$TAP")
failed=$(grep -cE '^([^ ]+: )?not ok' "$TAP")
passed=$((passed - skipped))
echo "# details: build/check/ (results.tap has every test)"
# the failures again, last, where the tail of the output shows them
grep -E '^([^ ]+: )?not ok' "$TAP" | sed 's/^/# failed: /' | head -n 50
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
