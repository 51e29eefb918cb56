#!/usr/bin/env bash
# `make style`: the kernel's checkpatch.pl (fetched into the cache by
# scripts/deps.sh) over the module sources, one terse line per finding:
#   kmod/foo.c:12: ERROR: ...
# Errors fail (exit 1); warnings are printed and do not. checkpatch's own
# exit status cannot tell the two apart, so this script counts.
set -uo pipefail

CACHE=${VTEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vtep}
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 2
CHECKPATCH=$CACHE/checkpatch/checkpatch.pl
if [ ! -e "$CACHE/checkpatch/.complete" ]; then
	bash scripts/deps.sh checkpatch || exit 2
fi

out=$(perl "$CHECKPATCH" --no-tree --terse --show-types -f kmod/*.c kmod/*.h 2>&1)
status=$?
# A crash of checkpatch itself prints no finding; do not call that clean.
if [ $status -ne 0 ] && ! grep -qE '^total: ' <<<"$out"; then
	printf '%s\n' "$out"
	echo "checkpatch: failed to run (status $status)" >&2
	exit 2
fi
grep -vE '^total: ' <<<"$out"
errors=$(grep -cE '^[^ ]+:[0-9]+: ERROR:' <<<"$out")
warnings=$(grep -cE '^[^ ]+:[0-9]+: WARNING:' <<<"$out")
echo "checkpatch: $errors errors, $warnings warnings over kmod/"
[ "$errors" -eq 0 ]
