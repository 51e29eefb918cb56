#!/usr/bin/env bash
# Build the debug kernel of `make soak` once (issue 12): Debian's
# linux-source-6.1 with scripts/debug-kernel.config (lockdep, KASAN, ...)
# merged over `make defconfig`, cached beside the Debian kernels as
# $VTEP_CACHE/6.1-debug in the layout scripts/vm.sh and the Makefile expect:
#   build/      the configured, built tree (make M=... builds against it)
#   vmlinux     the kernel QEMU boots (PVH)
#   root/lib/modules/KVER/   its modules, with modules.dep
#   kver, and .complete last.
# Idempotent: does nothing when .complete exists (after changing the
# fragment, remove .complete: a changed fragment rebuilds from scratch). The compile runs at
# nice 19 (other jobs share the machine) with DEBUG_KERNEL_JOBS jobs (2).
# LINUX_SOURCE_DEB: a linux-source-6.1 .deb to use instead of downloading.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VTEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vtep}
NAME=6.1-debug
DIR=$CACHE/$NAME
JOBS=${DEBUG_KERNEL_JOBS:-2}
FRAGMENT=$REPO/scripts/debug-kernel.config
log() { echo "debug-kernel: $*" >&2; }

if [ -e "$DIR/.complete" ]; then
	log "$NAME is cached ($(cat "$DIR/kver"))"
	exit 0
fi
# A half-done earlier attempt: keep its tree (make picks up where it
# stopped) only if it was configured from this fragment.
if [ -e "$DIR/build/.config" ] && cmp -s "$FRAGMENT" "$DIR/fragment.config"; then
	log "resuming the build in $DIR/build"
else
	rm -rf "$DIR"
	mkdir -p "$DIR/debs"
	deb=${LINUX_SOURCE_DEB:-}
	if [ -z "$deb" ]; then
		log "downloading linux-source-6.1"
		(cd "$DIR/debs" && apt-get download -qq -o APT::Sandbox::User=root linux-source-6.1)
		deb=$(ls "$DIR"/debs/linux-source-6.1_*.deb | head -n1)
	fi
	log "unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$DIR/src"
	tarball=$(ls "$DIR"/src/usr/src/linux-source-6.1.tar.* | head -n1)
	mkdir -p "$DIR/build"
	tar -xf "$tarball" -C "$DIR/build" --strip-components=1
	rm -rf "$DIR/src" "$DIR/debs"
	cd "$DIR/build"
	nice -n 19 make -s ARCH=x86_64 defconfig
	nice -n 19 scripts/kconfig/merge_config.sh -m .config "$FRAGMENT"
	nice -n 19 make -s ARCH=x86_64 olddefconfig
	cp "$FRAGMENT" "$DIR/fragment.config"
fi
cd "$DIR/build"
# 6.1's PVH entry code (arch/x86/platform/pvh/enlighten.c) runs before
# KASAN's early shadow is mapped: instrumented, its first store faults and
# the guest triple-faults before printing a line. Upstream builds it
# uninstrumented since (v6.12 has this line); do the same here. It also
# calls memcmp() (hypervisor_cpuid_base()), so lib/string.o must be
# uninstrumented too, as 6.1 already does when AMD_MEM_ENCRYPT is set
# for the same reason (early boot code); KASAN still checks memcpy and
# memset, which it wraps.
# (A comment on the same line would put a space into the value.)
add_lines() {
	grep -qxF '# vtep debug-kernel.sh' "$1" || printf '# vtep debug-kernel.sh\n%s\n' "$2" >>"$1"
}
add_lines arch/x86/platform/pvh/Makefile 'KASAN_SANITIZE := n'
add_lines lib/Makefile 'KASAN_SANITIZE_string.o := n'
# Every line of the fragment must have survived olddefconfig (a dependency
# missing would silently drop, say, KASAN).
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" .config || { log "not in .config: $line"; missing=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		! grep -q "^$sym=" .config || { log "set in .config: $line"; missing=1; } ;;
	esac
done <"$FRAGMENT"
[ $missing = 0 ] || { log "the config lost some of $FRAGMENT"; exit 1; }

t0=$(date +%s)
log "compiling (nice 19, -j$JOBS); this takes a while"
nice -n 19 make -j"$JOBS" ARCH=x86_64 vmlinux modules
kver=$(make -s kernelrelease)
rm -rf "$DIR/root"
nice -n 19 make -s INSTALL_MOD_PATH="$DIR/root" modules_install
# modules_install links build/ and source/ to this tree (run depmod anyway:
# modules.dep must exist even if no module is installed).
depmod -b "$DIR/root" "$kver"
cp vmlinux "$DIR/vmlinux"
echo "$kver" >"$DIR/kver"
log "built $kver in $(($(date +%s) - t0)) s"
echo "$kver" >"$DIR/.complete"
