#!/usr/bin/env bash
# `make mutants`: planted bugs the suite must catch. Each mutant is one
# edit of kmod/ in a scratch worktree of HEAD; the module is built with it
# and the tests that should notice run in one VM. A mutant is "caught" when
# any of them reports a failure, and one that is not caught fails this
# script: a test suite that passes on a broken module has lost its power.
#
#   scripts/mutants.sh [NAME...]      (KERNEL=6.1 by default)
#   scripts/mutants.sh --apply        (only: does each edit still apply?)
#
# One line per mutant, then "N passed, N failed" (caught / not caught).
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=${KERNEL:-6.1}
WT=${MUTANTS_WT:-/tmp/vtep-mutants}

# NAME | FILE | perl -0 substitution | tests that must fail | what it breaks
# (no "|" inside a field: it separates them)
MUTANTS=(
"allow-off|kmod/peer.h|s/return READ_ONCE\(vni->peers\) != VTEP_PEERS_KNOWN/return 1/|tests/topo/peer_allow.sh|the per-VNI peer allow-list lets every source in"
"suppressed-uncounted|kmod/neigh.c|s/\tvtep_stats_inc\(vtep, vni, stat\);\n//|tests/topo/neigh_suppress.sh|an answered ARP or ND request is not counted (arp_suppressed, nd_suppressed)"
"unknown-vni-miscounted|kmod/rx.c|s/reason = VTEP_STAT_DROP_UNKNOWN_VNI;/reason = VTEP_STAT_DROP_RX_ERROR;/|tests/topo/storm.sh|an unknown VNI is counted as an rx error"
"learning-off|kmod/learn.c|s/(this_cpu_ptr\(vtep->seen\);\n\tu32 now = \(u32\)jiffies;\n\tstruct vtep_peer \*r;\n\tstruct vtep_fdb \*f;\n\n)/\$1\treturn;\n/|tests/topo/learning.sh tests/selftests/learn_test|nothing is learned"
"move-notice-off|kmod/tx.c|s/notice = READ_ONCE\(vtep->cfg.move_notice\) &&/notice = false &&/|tests/topo/learning.sh|the MAC-move notice is never sent"
"vni-shared|kmod/underlay.c|s/(vtep_sock_vni_params\);\n)(\tif \(err == -EEXIST\))/\$1\tif (err == -EEXIST)\n\t\terr = 0;\n\$2/|tests/selftests/safety_test tests/topo/topofuzz.sh|two devices of one socket both hold a VNI (a tenant leak)"
)

# --apply: only check that each edit still applies to the tree (make
# check does, on the host: a mutant whose code moved would else be
# reported as not caught only when someone runs this script).
if [ "${1:-}" = --apply ]; then
	fail=0
	for m in "${MUTANTS[@]}"; do
		IFS='|' read -r name file subst _ <<<"$m"
		if perl -0pe "$subst" "$REPO/$file" | cmp -s - "$REPO/$file"; then
			echo "not ok - mutant $name: its edit no longer applies to $file (scripts/mutants.sh)"
			fail=1
		else
			echo "ok - mutant $name: its edit applies to $file"
		fi
	done
	exit $fail
fi

want=" $* "
rm -rf "$WT"
git -C "$REPO" worktree prune
git -C "$REPO" worktree add -q --detach "$WT" HEAD || exit 2
trap 'git -C "$REPO" worktree remove --force "$WT" >/dev/null 2>&1' EXIT
cd "$WT" || exit 2
make --no-print-directory tests >/dev/null 2>&1 || { echo "not ok - tests build"; exit 1; }

pass=0 fail=0
for m in "${MUTANTS[@]}"; do
	IFS='|' read -r name file subst tests what <<<"$m"
	[ $# -eq 0 ] || [[ $want == *" $name "* ]] || continue
	git checkout -q -- kmod
	perl -0pi -e "$subst" "$file"
	if git diff --quiet -- "$file"; then
		echo "not ok - mutant $name: the edit did not apply to $file"
		fail=$((fail + 1))
		continue
	fi
	rm -f "build/$KERNEL/vtep.ko"
	if ! make --no-print-directory "build/$KERNEL/vtep.ko" >"$WT/build.log" 2>&1; then
		echo "not ok - mutant $name: does not build"
		tail -n 5 "$WT/build.log" | sed 's/^/#   /'
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2086
	out=$(scripts/vm.sh --kernel "$KERNEL" --timeout 1200 -- bash scripts/vm-tests.sh $tests 2>&1)
	failed=$(grep -aE '^not ok' <<<"$out" | head -n 3)
	if [ -n "$failed" ]; then
		echo "ok - mutant $name ($what): caught by $tests"
		sed 's/^/#   /' <<<"$failed"
		pass=$((pass + 1))
	else
		echo "not ok - mutant $name ($what): $tests all passed"
		fail=$((fail + 1))
	fi
done
git checkout -q -- kmod
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
