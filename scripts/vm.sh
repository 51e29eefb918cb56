#!/usr/bin/env bash
# Boot a cached Debian kernel under QEMU with vtep.ko and run a command in it.
#
#   scripts/vm.sh [--kernel 6.1|6.12] [--timeout SECS] [--no-module] [--systemd] -- CMD...
#
# The guest mounts this machine's / read-only over virtio-9p (so python3,
# scapy, tshark, iperf3 and iproute2 are there), with tmpfs on /tmp, /run and
# /var, the cached kernel's modules at /lib/modules, and vtep.ko loaded from
# build/<kernel>/. CMD runs with the repository as its working directory; its
# output comes back over a second serial port (a host file: it survives a
# guest panic) and is printed here. The run fails when CMD fails, when the
# guest kernel log shows a BUG/WARNING/Oops/..., when `rmmod vtep` fails at
# the end, or when the guest does not finish within the timeout (it is then
# killed). Runs are serialised with a lock: two TCG guests on two cores only
# slow each other down.
# --systemd boots the host's systemd as PID 1 over a writable overlay of
# that root (tmpfs above the 9p mount), and CMD runs as the one unit of its
# default target: packages can be installed and their units started
# (tests/system/). It takes longer to boot; the other tests do not use it.
# VTEP_VM_QEMU_ARGS: more arguments for QEMU (word-split), e.g. the
# instruction-counting plugin of `make bench` (scripts/insns.sh).
set -euo pipefail

CACHE=${VTEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vtep}
REPO=$(cd "$(dirname "$0")/.." && pwd)
KNAME=6.1
TIMEOUT=900
MODULE=1
INIT=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KNAME=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--no-module) MODULE=0; shift ;;
	--systemd) INIT=systemd; shift ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--kernel K] [--timeout S] -- CMD..." >&2; exit 2; }

KDIR=$CACHE/$KNAME
[ -e "$KDIR/.complete" ] || { echo "vm: kernel $KNAME is not cached; run 'make deps'" >&2; exit 2; }
KVER=$(cat "$KDIR/kver")
if [ $MODULE = 1 ] && [ ! -e "$REPO/build/$KNAME/vtep.ko" ]; then
	echo "vm: $REPO/build/$KNAME/vtep.ko is missing; run 'make cached-modules' (or make build/$KNAME/vtep.ko)" >&2
	exit 2
fi

# The initramfs only has to get the 9p root mounted: busybox, the modules
# 9p needs (in load order; overlay for --systemd) and init.
initrd=$REPO/build/vm/$KNAME/initrd.cpio.gz
build_initrd() {
	local dir mods m tmp
	dir=$(mktemp -d)
	mkdir -p "$dir"/{bin,dev,proc,sys,newroot,mods}
	cp /bin/busybox "$dir/bin/busybox"
	for m in sh mount umount insmod mkdir chroot poweroff sleep cat echo ln switch_root; do
		ln -s busybox "$dir/bin/$m"
	done
	# (overlay only if the kernel has it: the trimmed 6.1-debug does not,
	# and a kernel without it boots all the same, but not --systemd)
	mods=$(for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$KDIR/root" -S "$KVER" --show-depends "$m" 2>/dev/null ||
			[ $m = overlay ]
	done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++')
	: >"$dir/mods/order"
	for m in $mods; do
		cp "$m" "$dir/mods/"
		echo "/mods/$(basename "$m")" >>"$dir/mods/order"
	done
	cp "$REPO/scripts/vm-init.sh" "$dir/init"
	chmod +x "$dir/init"
	mkdir -p "$(dirname "$initrd")"
	# (a name of its own: two guests may build it at once, e.g. a soak's)
	tmp=$(mktemp "$initrd.XXXXXX")
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp"
	mv "$tmp" "$initrd"
	rm -rf "$dir"
}
if [ ! -e "$initrd" ] || [ "$REPO/scripts/vm-init.sh" -nt "$initrd" ] ||
   [ "$0" -nt "$initrd" ]; then
	build_initrd
fi

run=$(mktemp -d "$REPO/build/vm/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
printf '%s\n' "$*" >"$run/cmd"
: >"$run/out"

# slub_debug (sanity checks, redzones, poisoning) catches memory bugs in
# tests, on the caches vtep allocates from: kmalloc-* (kmalloc-cg-* too,
# for its accounted allocations) and its own vtep_peer. On every cache it
# made the suites a fifth slower (fork and exec, the tests' main cost in
# a TCG guest, allocate from dozens of others). `make bench` turns it off
# (VTEP_VM_SLUB_DEBUG=) so that it measures the allocator the users run.
# Owner tracking (U: the stacks that allocated and freed each object)
# detects nothing more, and saving two stacks an object made every
# allocation dearer: fdb_scale_test's 100,000-entry cases took 22-26 s
# each with it, 9-13 s without. A report's stacks are a rerun away:
# VTEP_VM_SLUB_DEBUG=FZPU,kmalloc-*,vtep_peer.
slub=${VTEP_VM_SLUB_DEBUG-FZP,kmalloc-*,vtep_peer}

# One host thread runs both vCPUs (thread=single): `make check` runs two
# guests at once on this 2-core machine, and with a thread per vCPU the
# four contended for the cores and for TCG's cross-vCPU TLB flushes (the
# tests fork and exec all the time): isolation.sh took 105-114 s in each
# of two guests at once with thread=multi, 70-83 s with thread=single.
accel="-accel tcg,thread=${VTEP_VM_TCG_THREAD:-single}"
if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then
	accel="-accel kvm"
fi

exec 9>"${VTEP_VM_LOCK:-/tmp/vtep-vm.lock}"
flock 9

rc=0
timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 $accel -cpu max -smp 2 -m 3072 \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$KDIR/vmlinux" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic ${slub:+slub_debug=$slub} quiet loglevel=5 vtep_repo=$REPO vtep_run=$run vtep_kname=$KNAME vtep_kver=$KVER vtep_cache=$CACHE vtep_module=$MODULE${INIT:+ vtep_init=$INIT}" \
	-serial "file:$run/console" -serial "file:$run/out" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	${VTEP_VM_QEMU_ARGS:-} </dev/null >"$run/qemu.log" 2>&1 || rc=$?
flock -u 9

tr -d '\r' <"$run/out"
status=0
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "not ok - vm $KNAME: guest killed after ${TIMEOUT}s (hung?)"
	status=1
fi
bad=$(grep -aE 'BUG:|WARNING:|Oops|general protection|refcount_t:|list_del corruption|blocked for more than|soft lockup|hard LOCKUP|circular locking|sleeping function called|Kernel panic|slab_out_of_bounds|Poison overwritten|Redzone|Object padding' "$run/console" || true)
if [ -n "$bad" ]; then
	echo "not ok - vm $KNAME: kernel log shows a problem:"
	grep -aE -B2 -A20 'BUG:|WARNING:|Oops|general protection|refcount_t:|list_del corruption|blocked for more than|soft lockup|hard LOCKUP|circular locking|sleeping function called|Kernel panic|Poison overwritten|Redzone' "$run/console" | head -n 60 | sed 's/^/#   /'
	status=1
fi
exit_line=$(tr -d '\r' <"$run/out" | grep -a '^VTEP-VM-EXIT ' | tail -n1 || true)
if [ -z "$exit_line" ]; then
	if [ $status = 0 ]; then
		echo "not ok - vm $KNAME: guest did not finish (qemu rc $rc)"
		tail -n 30 "$run/console" | sed 's/^/#   /'
		cat "$run/qemu.log" | sed 's/^/#   /'
	fi
	status=1
else
	guest_rc=${exit_line#VTEP-VM-EXIT }
	[ "$guest_rc" = 0 ] || status=1
fi
exit $status
