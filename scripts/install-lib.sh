# shellcheck shell=bash
# Sourced by scripts/test-install.sh and scripts/test-mok.sh, the host's
# install tests: the tree (the working directory from here on), the kernel
# cache, KERNELS, VERSION, a temporary directory TMP removed at exit (its
# name from INSTALL_TMP_NAME), build/check for logs, and TAP's ok and
# notok (which sets failed=1).
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 2
CACHE=${VTEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vtep}
KERNELS=${KERNELS:-"6.1 6.12"}
VERSION=$(cat VERSION)
TMP=$(mktemp -d "/tmp/vtep-${INSTALL_TMP_NAME:-install}.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
LOG=build/check
mkdir -p "$LOG"
failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }
