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
if [ "$vtep_init" = systemd ]; then
	# systemd as PID 1 (scripts/vm.sh --systemd): the packages are installed
	# in the guest, so its root is the host's under a writable overlay
	# (tmpfs above, 9p read-only below) and nothing of the host changes.
	mkdir -p /lower /rw
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower &&
		mount -t tmpfs -o mode=755 tmpfs /rw && mkdir -p /rw/upper /rw/work &&
		mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay $R ||
		{ echo "VTEP-VM: cannot mount the overlay root" >/dev/ttyS1; poweroff -f; }
	ln -sfn "$vtep_cache/$vtep_kname/root/lib/modules/$vtep_kver" $R/lib/modules/$vtep_kver
	# the test command as the one unit of the default target, once the
	# system is up to basic.target (journald and tmpfiles have run)
	u=$R/etc/systemd/system
	cat >$u/vtep-vm.service <<-EOF
	[Unit]
	Description=vtep VM test command
	DefaultDependencies=no
	Wants=basic.target
	After=basic.target
	SuccessAction=poweroff-immediate
	FailureAction=poweroff-immediate
	[Service]
	Type=oneshot
	Environment=vtep_repo=$vtep_repo vtep_run=$vtep_run vtep_kname=$vtep_kname
	Environment=vtep_kver=$vtep_kver vtep_module=$vtep_module vtep_cache=$vtep_cache
	ExecStart=/bin/bash $vtep_repo/scripts/vm-guest.sh
	EOF
	cat >$u/vtep-vm.target <<-EOF
	[Unit]
	Description=vtep VM test
	Requires=vtep-vm.service
	AllowIsolate=yes
	EOF
	ln -sfn vtep-vm.target $u/default.target
	# /tmp is the host's, under the overlay, and may hold the repository
	# (a CI clone in /tmp): tmpfiles must not empty it at boot (Debian's
	# tmp.conf says "D /tmp"), which also walked all of it over 9p.
	mkdir -p $R/etc/tmpfiles.d
	printf '%s\n' 'd /tmp 1777 root root -' 'q /var/tmp 1777 root root 30d' >$R/etc/tmpfiles.d/tmp.conf
	exec switch_root $R /lib/systemd/systemd
fi
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
