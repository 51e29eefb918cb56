#!/usr/bin/env bash
# Install what vtep needs to build and test, idempotently:
#  - Debian packages (only those missing),
#  - Debian's 6.1 and 6.12 kernel image + headers, unpacked into a cache
#    (never installed into /boot or /lib/modules of this machine),
#  - kselftest_harness.h and checkpatch.pl from linux-source-6.1,
#  - an uncompressed vmlinux per kernel, which QEMU boots directly (PVH).
# A second run finds everything in place and returns in seconds.
set -euo pipefail

# VTEP_CACHE: the one name for the cache folder (the Makefile exports it).
CACHE=${VTEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vtep}
export DEBIAN_FRONTEND=noninteractive

PKGS="build-essential gcc make bc flex bison kmod cpio xz-utils zstd
      pkg-config libelf-dev dwarves sparse
      qemu-system-x86 busybox-static iproute2 iperf3 tcpdump tshark ethtool jq
      libmnl-dev libbpf-dev bpftool clang llvm check python3-scapy tcpreplay
      procps psmisc util-linux iputils-ping zlib1g-dev
      dkms dh-dkms debhelper dh-python lintian systemd
      gobgpd frr python3-grpcio python3-protobuf python3-grpc-tools
      golang-github-osrg-gobgp-dev jq nftables"

log() { printf 'deps: %s\n' "$*" >&2; }

install_packages() {
	local missing=() p
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	if [ ! -e "$CACHE/.apt-updated" ] || [ -n "$(find "$CACHE/.apt-updated" -mmin +720 2>/dev/null)" ]; then
		apt-get update -qq
		mkdir -p "$CACHE" && touch "$CACHE/.apt-updated"
	fi
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		debconf-set-selections
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Newest version of a package name matching a pattern, from apt's lists.
newest() {
	apt-cache pkgnames "$1" 2>/dev/null | grep -E "$2" | sort -V | tail -n1
}

ensure_lists() {
	if [ -z "$(apt-cache pkgnames linux-image-6.12 2>/dev/null | head -n1)" ]; then
		apt-get update -qq
	fi
}

# fetch_kernel NAME KVER IMAGE_PKG HEADERS_PKG COMMON_PKG KBUILD_PKG
fetch_kernel() {
	local kver=$2 dir=$CACHE/$1
	shift 2
	if [ -e "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$kver" ]; then
		return 0
	fi
	log "fetching kernel $kver into $dir"
	rm -rf "$dir" && mkdir -p "$dir/debs"
	(cd "$dir/debs" && apt-get download -qq -o APT::Sandbox::User=root "$@")
	local d
	for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$dir/root"; done
	rm -rf "$dir/debs"
	local root=$dir/root hdr=$dir/root/usr/src/linux-headers-$kver
	# The arch headers' Makefile includes the common tree by absolute path,
	# and scripts/tools are absolute symlinks into /usr/lib/linux-kbuild-*.
	sed -i "s|/usr/src/|$root/usr/src/|g" "$hdr/Makefile"
	local l t
	for l in scripts tools; do
		t=$(readlink "$hdr/$l" || true)
		case "$t" in /*) ln -sfn "$root$t" "$hdr/$l" ;; esac
	done
	for l in "$root"/usr/src/linux-headers-*-common/scripts "$root"/usr/src/linux-headers-*-common/tools; do
		[ -L "$l" ] || continue
		t=$(readlink "$l")
		case "$t" in /*) ln -sfn "$root$t" "$l" ;; esac
	done
	extract_vmlinux "$root/boot/vmlinuz-$kver" "$dir/vmlinux"
	depmod -b "$root" "$kver"
	ln -sfn "$hdr" "$dir/build"
	echo "$kver" >"$dir/kver"
	echo "$kver" >"$dir/.complete"
}

# The bzImage carries the kernel compressed (XZ on 6.1, zstd on 6.12);
# QEMU can enter the uncompressed ELF directly, which boots faster.
extract_vmlinux() {
	local img=$1 out=$2 off
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$img" | head -n1 | cut -d: -f1 || true)
	if [ -n "$off" ]; then
		tail -c +$((off + 1)) "$img" | xz -dc 2>/dev/null >"$out" || true
	else
		off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$img" | head -n1 | cut -d: -f1)
		tail -c +$((off + 1)) "$img" | zstd -dc 2>/dev/null >"$out" || true
	fi
	if [ "$(head -c4 "$out" | od -An -tx1 | tr -d ' ')" != 7f454c46 ]; then
		log "could not extract vmlinux from $img; using the bzImage"
		cp "$img" "$out"
	fi
}

# One download of linux-source-6.1 serves two folders of the cache:
#  - kselftest/: kselftest_harness.h and kselftest.h, for the selftests;
#  - checkpatch/: checkpatch.pl and the two files it reads from its own
#    folder (spelling.txt, const_structs.checkpatch), for `make style`.
# Each folder is complete on its own; a cache missing either gets it here.
fetch_kernel_source() {
	local want=() d
	for d in kselftest checkpatch; do
		[ -e "$CACHE/$d/.complete" ] || want+=("$d")
	done
	[ ${#want[@]} -eq 0 ] && return 0
	log "fetching ${want[*]} from linux-source-6.1"
	local tmp=$CACHE/.linux-source
	rm -rf "$tmp" && mkdir -p "$tmp/debs"
	(cd "$tmp/debs" && apt-get download -qq -o APT::Sandbox::User=root linux-source-6.1)
	dpkg-deb -x "$tmp"/debs/*.deb "$tmp/src"
	local tarball
	tarball=$(ls "$tmp"/src/usr/src/linux-source-6.1*.tar.* | head -n1)
	tar -xf "$tarball" -C "$tmp" --wildcards --strip-components=1 \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	for d in "${want[@]}"; do
		rm -rf "${CACHE:?}/$d" && mkdir -p "$CACHE/$d"
		case $d in
		kselftest) cp "$tmp"/tools/testing/selftests/kselftest{_harness,}.h "$CACHE/$d/" ;;
		checkpatch) cp "$tmp"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} "$CACHE/$d/" ;;
		esac
		touch "$CACHE/$d/.complete"
	done
	rm -rf "$tmp"
}

# `scripts/deps.sh rt` (make soak only): Debian's PREEMPT_RT 6.1 kernel, the
# same ABI as the cached 6.1, into $CACHE/6.1-rt. Not part of `make deps`.
fetch_rt_kernel() {
	local krt
	ensure_lists
	krt=$(apt-cache depends linux-image-rt-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\.[0-9.-]*-rt-amd64\).*/\1/p' | head -n1)
	[ -n "$krt" ] || { log "cannot find Debian's 6.1 rt kernel in apt lists"; exit 1; }
	fetch_kernel 6.1-rt "$krt" "linux-image-$krt-unsigned" "linux-headers-$krt" \
		"linux-headers-${krt%-rt-amd64}-common-rt" linux-kbuild-6.1
}

main() {
	mkdir -p "$CACHE"
	if [ "${1:-}" = rt ]; then
		fetch_rt_kernel
		return
	fi
	# `scripts/deps.sh checkpatch` (make style): only the kernel source files.
	if [ "${1:-}" = checkpatch ]; then
		fetch_kernel_source
		return
	fi
	install_packages
	ensure_lists
	local k61 k612
	k61=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\.[0-9.-]*-amd64\).*/\1/p' | head -n1)
	[ -n "$k61" ] || k61=$(newest linux-image-6.1 '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
		sed 's/^linux-image-//; s/-unsigned$//')
	k612=$(newest linux-image-6.12 '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		sed 's/^linux-image-//; s/-unsigned$//')
	[ -n "$k61" ] && [ -n "$k612" ] || { log "cannot find Debian 6.1/6.12 kernels in apt lists"; exit 1; }
	local common61=${k61%-amd64}-common
	fetch_kernel 6.1 "$k61" "linux-image-$k61-unsigned" "linux-headers-$k61" \
		"linux-headers-$common61" linux-kbuild-6.1
	local v612=${k612%-amd64}
	fetch_kernel 6.12 "$k612" "linux-image-$k612-unsigned" "linux-headers-$k612" \
		"linux-headers-$v612-common" "linux-kbuild-$v612"
	fetch_kernel_source
}

main "$@"
