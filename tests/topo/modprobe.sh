#!/bin/bash
# The module as an installed one: `make modules_install` into a module tree
# (the guest kernel's network modules in symlinks, in /tmp/mods), depmod, then
# `modprobe vtep` loads udp_tunnel and ip6_udp_tunnel by dependency (with
# vxlan, which the VM loads first, unloaded), and `ip link add type vtep`
# and vtepctl autoload the module through its aliases. The module installed
# is the DKMS build of the packaged sources (build/dkms/<kernel>/vtep.ko,
# from scripts/test-install.sh) when there is one, else build/<kernel>/vtep.ko.
# At the end vtep (from /tmp/mods) and vxlan are loaded, as the next tests
# expect.
# TAP lines from lib.sh (no namespace of its own but vtep-mp).
. "$(dirname "$0")/lib.sh"
# (run without -e, as before: each step is a check's business)
set +e
set -u
trap - ERR
unset MODPROBE_OPTIONS
loaded() { grep -q "^$1 " /proc/modules; }

k=${vtep_kname:?run in the VM} kver=${vtep_kver:?} cache=${vtep_cache:?}
# make check builds it beside the VM tests, and marks the end of that
# (success or not) with build/dkms/.done (VTEP_WAIT_DKMS=1)
if [ -n "${VTEP_WAIT_DKMS:-}" ] && ! wait_for 1200 '[ -e build/dkms/.done ]'; then
	notok "the install tests' DKMS build ends within 10 minutes (build/dkms/.done)"
fi
# (a DKMS build older than the tree's build is from older sources: not used)
ko=build/dkms/$k/vtep.ko
[ -e "$ko" ] && ! [ "build/$k/vtep.ko" -nt "$ko" ] || ko=build/$k/vtep.ko
echo "# installing $ko for $kver"
mods=/tmp/mods
old_helper=$(cat /proc/sys/kernel/modprobe)
cleanup() {
	echo "$old_helper" >/proc/sys/kernel/modprobe
	ip netns del vtep-mp 2>/dev/null
	loaded vtep || modprobe -d "$mods" vtep 2>/dev/null || insmod "build/$k/vtep.ko"
	modprobe vxlan 2>/dev/null
	true
}
trap 'cleanup; on_exit' EXIT

# The tree: the guest kernel's network modules (kernel/net, lib and
# crypto: where udp_tunnel and ip6_udp_tunnel, vtep's dependencies, and
# theirs live), in symlinks. depmod reads and unpacks every module of the
# tree: the whole of it, over 4,000 modules, took a minute of a TCG
# guest. A dependency of vtep outside these would make modprobe below
# fail, not pass.
rm -rf "$mods" && mkdir -p "$mods/lib/modules/$kver/kernel"
for d in net lib crypto; do
	[ ! -d "$cache/$k/root/lib/modules/$kver/kernel/$d" ] ||
		cp -rs "$cache/$k/root/lib/modules/$kver/kernel/$d" "$mods/lib/modules/$kver/kernel/"
done
cp "$cache/$k/root/lib/modules/$kver"/modules.{builtin,builtin.modinfo,order} "$mods/lib/modules/$kver/"
check "make modules_install INSTALL_MOD_PATH=$mods installs vtep.ko and runs depmod" \
	make --no-print-directory -o "$ko" modules_install KDIR="$cache/$k/build" \
	MODULE_KO="$ko" INSTALL_MOD_PATH="$mods"
check "depmod's plan for vtep: udp_tunnel and ip6_udp_tunnel, then updates/vtep.ko" bash -c "
	modprobe -d $mods --show-depends vtep | tee /dev/stderr >/tmp/deps
	grep -q /udp_tunnel.ko /tmp/deps && grep -q /ip6_udp_tunnel.ko /tmp/deps &&
	tail -n1 /tmp/deps | grep -q $mods/lib/modules/$kver/updates/vtep.ko"

# Unload what the VM loaded for the other tests, so that only modprobe's
# dependency resolution can bring the UDP tunnel modules back.
for m in vtep vxlan ip6_udp_tunnel udp_tunnel; do
	loaded "$m" && rmmod "$m" 2>/dev/null
done
deps_gone=1
for m in udp_tunnel ip6_udp_tunnel; do loaded "$m" && deps_gone=0; done
check "modprobe vtep loads it from the installed tree" modprobe -d "$mods" vtep
check "vtep is loaded, vxlan is not" bash -c "grep -q '^vtep ' /proc/modules && ! grep -q '^vxlan ' /proc/modules"
if [ $deps_gone = 1 ]; then
	check "udp_tunnel and ip6_udp_tunnel came in as dependencies" bash -c "
		grep -q '^udp_tunnel ' /proc/modules && grep -q '^ip6_udp_tunnel ' /proc/modules"
else
	skip "udp_tunnel and ip6_udp_tunnel came in as dependencies" "another module holds them"
fi
mv=$(modinfo -F version "$ko" 2>/dev/null)
if [ -n "$mv" ]; then
	check "the loaded module's version is VERSION" test "$(cat /sys/module/vtep/version)" = "$(cat VERSION)"
else
	skip "the loaded module's version is VERSION" "no MODULE_VERSION yet"
fi

# Autoload through the aliases: the kernel's modprobe helper looks in the
# installed tree. The kernel starts its helper in the root of PID 1, which
# in the test VM is the initramfs with this root mounted at /newroot
# (scripts/vm-init.sh): the helper then has to chroot into it first.
root=""
# (command stat: lib.sh's stat reads a vtep counter)
[ "$(command stat -Lc %d:%i /proc/1/root/newroot 2>/dev/null)" = "$(command stat -c %d:%i /)" ] && root=/newroot
if [ -n "$root" ]; then
	printf '#!/bin/sh\nexec /bin/chroot %s /sbin/modprobe -d %s "$@"\n' "$root" "$mods"
else
	printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$mods"
fi >/tmp/modprobe-mods
chmod +x /tmp/modprobe-mods
echo "$root/tmp/modprobe-mods" >/proc/sys/kernel/modprobe
ip netns add vtep-mp
ip -n vtep-mp link set lo up
check "rmmod vtep" rmmod vtep
check "ip link add type vtep autoloads the module (rtnl-link-vtep)" bash -c "
	ip -n vtep-mp link add vtep0 type vtep && grep -q '^vtep ' /proc/modules"
ip netns del vtep-mp
ip netns add vtep-mp
check "rmmod vtep again" rmmod vtep
check "vtepctl autoloads the module (its genl family), then works" bash -c "
	ip netns exec vtep-mp userspace/vtepctl link show && grep -q '^vtep ' /proc/modules &&
	ip -n vtep-mp link add name eth0 type dummy && ip -n vtep-mp addr add 192.0.2.1/24 dev eth0 &&
	ip -n vtep-mp link set eth0 up &&
	ip netns exec vtep-mp userspace/vtepctl link add vtep0 local 192.0.2.1 underlay eth0 &&
	ip netns exec vtep-mp userspace/vtepctl vni add 100 dev vtep0 untagged &&
	ip -n vtep-mp link set vtep0 up &&
	ip netns exec vtep-mp userspace/vtepctl -j link show vtep0 | grep -q '\"vni_count\": *1'"
ip netns del vtep-mp
topo_done
