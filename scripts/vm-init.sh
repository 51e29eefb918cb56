#!/bin/sh
# /init of the test VM's initramfs: mount the host's / over 9p, read-only,
# give it writable /tmp /run /var and the guest kernel's modules, switch
# to it and run scripts/vm-guest.sh. Power off whatever happens.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r m; do insmod "$m"; done </mods/order
R=/newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot $R ||
	{ echo "VTEP-VM: cannot mount the host root" >/dev/ttyS1; poweroff -f; }
# The repository and the kernel cache may live under a directory that the
# tmpfs below covers (a CI clone in /tmp): keep a handle on them first.
mkdir -p /keep/repo /keep/cache
mount -o bind "$R$vtep_repo" /keep/repo
mount -o bind "$R$vtep_cache" /keep/cache
for d in tmp run var; do mount -t tmpfs -o mode=1777 tmpfs $R/$d; done
for k in repo:$vtep_repo cache:$vtep_cache; do
	src=/keep/${k%%:*} dst=$R${k#*:}
	if [ -z "$(ls -A "$dst" 2>/dev/null)" ]; then
		mkdir -p "$dst" && mount -o bind "$src" "$dst"
	fi
done
mkdir -p $R/var/tmp $R/var/lib $R/var/log $R/run/netns
ln -s /run $R/var/run
# The cached kernel's modules, so a plain modprobe finds them (when this
# host has a /lib/modules to cover; else vm-guest.sh sets MODPROBE_OPTIONS).
if mount -t tmpfs tmpfs $R/lib/modules 2>/dev/null; then
	ln -s "$vtep_cache/$vtep_kname/root/lib/modules/$vtep_kver" $R/lib/modules/$vtep_kver
fi
mount --rbind /proc $R/proc
mount --rbind /sys $R/sys
mount --rbind /dev $R/dev
mount -t devpts devpts $R/dev/pts 2>/dev/null
export vtep_repo vtep_run vtep_kname vtep_kver vtep_module vtep_cache
# switch_root, not chroot: the kernel refuses a user namespace to a
# chrooted process (unshare -U fails with EPERM), and the tests run some
# requests as root of one. The new root's shell is PID 1: it must not
# exit, so it powers off itself (the host's static busybox).
exec switch_root $R /bin/sh -c '/bin/bash "$vtep_repo/scripts/vm-guest.sh"; exec /bin/busybox poweroff -f'
