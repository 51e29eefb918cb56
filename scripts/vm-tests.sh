#!/bin/bash
# Runs inside the test VM (scripts/vm.sh): every selftest binary and every
# topology script, or only the ones named, each under a time limit, TAP
# lines passed through. A test program that dies without reporting a
# failure is reported as one.
#
#   scripts/vm.sh --kernel 6.1 -- bash scripts/vm-tests.sh [TEST...]
#
# TEST is a path: tests/selftests/NAME_test or tests/topo/NAME.sh.
cd "$(dirname "$0")/.." || exit 1
# A hung test is ended here; evpn.sh, the longest, took 485 s on a slow
# day with two guests at once, so the limit is well above that.
TEST_TIMEOUT=${TEST_TIMEOUT:-1200}
rc=0

run() {
	local name=$1 out status start
	shift
	out=$(mktemp)
	start=$(date +%s)
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$out" 2>&1
	status=$?
	echo "# $name took $(($(date +%s) - start)) s"
	# Keep results and diagnostics; drop the chatter of passing tests.
	grep -aE '^(not )?ok |^#' "$out" | grep -avE '^#[[:space:]]+(RUN|OK)[[:space:]]' | sed -E "s/^(not )?ok ([0-9]+) /&$name: /"
	if [ $status -ne 0 ]; then
		rc=1
		if ! grep -qaE '^not ok' "$out"; then
			echo "not ok - $name: exited with status $status$([ $status = 124 ] && echo ' (timed out)')"
			tail -n 20 "$out" | sed 's/^/#   /'
		fi
	fi
	rm -f "$out"
	baseline_modules
}

# What vm-guest.sh loaded before the first test, loaded again after each:
# a test that unloads modules (modprobe.sh, module_unload.sh) and fails
# half way must not take the kernel's vxlan away from the tests after it.
# /proc/modules is read by bash itself and modprobe runs only for what is
# missing: seven modprobe runs after each test cost 40 s a kernel.
baseline_modules() {
	local m name rest missing=() loaded=" "
	while read -r name rest; do
		loaded+="$name "
	done </proc/modules
	for m in veth bridge vxlan sch_ingress cls_bpf 8021q dummy; do
		[[ $loaded == *" $m "* ]] || missing+=("$m")
	done
	[ ${#missing[@]} = 0 ] || modprobe -qa "${missing[@]}" 2>/dev/null
	if [ "${vtep_module:-1}" = 1 ] && [[ $loaded != *" vtep "* ]] &&
	   [ -e "build/${vtep_kname:-6.1}/vtep.ko" ]; then
		insmod "build/${vtep_kname:-6.1}/vtep.ko" 2>/dev/null
	fi
	return 0
}

if [ $# -eq 0 ]; then
	set -- tests/selftests/*_test tests/topo/*.sh
fi
# VM_TESTS_ELSEWHERE=NAME=KERNEL,...: groups this guest leaves to
# another kernel's guest of the same run (make check gives the EVPN
# agent's groups, which test user space, one kernel each).
elsewhere() {
	local pair
	local list=${VM_TESTS_ELSEWHERE:-}
	for pair in ${list//,/ }; do
		[ "${pair%%=*}" = "$1" ] && { echo "${pair#*=}"; return 0; }
	done
	return 1
}
for t in "$@"; do
	if k=$(elsewhere "$(basename "$t" .sh)"); then
		echo "# $(basename "$t" .sh) runs in Debian $k's guest of this run"
		continue
	fi
	case $t in
	*/lib.sh) ;;
	*.sh) run "$(basename "$t" .sh)" bash "$t" ;;
	*)
		if [ -x "$t" ]; then
			run "$(basename "$t")" "$t"
		else
			echo "not ok - $t: not built (make tests)"
			rc=1
		fi
		;;
	esac
done
exit $rc
