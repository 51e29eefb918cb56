#!/bin/bash
# Runs inside the test VM (see scripts/vm.sh): load the kernel modules the
# tests use and vtep.ko, run the command, check the kernel log, unload vtep,
# and report "VTEP-VM-EXIT <rc>" on the results port.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1
exec >/dev/ttyS1 2>&1
cd "$vtep_repo" || { echo "VTEP-VM-EXIT 1"; exit 1; }

kernel_log_bad() {
	dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|refcount_t:|list_del corruption|blocked for more than|soft lockup|hard LOCKUP|circular locking|sleeping function called' || true
}

[ -e "/lib/modules/$vtep_kver/modules.dep" ] ||
	export MODPROBE_OPTIONS="-d $vtep_cache/$vtep_kname/root"
sysctl -qw kernel.panic_on_warn=0 net.ipv4.ping_group_range="0 2147483647" 2>/dev/null
ip link set lo up
for m in veth bridge vxlan sch_ingress cls_bpf 8021q dummy; do
	modprobe -q "$m" 2>/dev/null || echo "# vm: modprobe $m failed"
done
# Hold the networking static keys the tests would otherwise flip thousands
# of times (netstamp: every ping's SO_TIMESTAMP; UDP encap, IPv4 and IPv6:
# every vxlan or vtep socket opened and closed) enabled for the guest's
# life. Each flip rewrites kernel text; under multi-threaded TCG another
# vCPU now and then still executes the transient int3 of the rewrite
# (seen as "Oops: int3" in __netif_receive_skb_core, a panic in softirq).
# The sockets are never bound: they receive nothing.
mkfifo /tmp/vtep-keys
python3 -c '
import socket, time
SO_TIMESTAMP, ENCAP, ESPINUDP = 29, 100, 2
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
s4.setsockopt(socket.IPPROTO_UDP, ENCAP, ESPINUDP)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_UDP, ENCAP, ESPINUDP)
print("held", flush=True)
time.sleep(1 << 30)
' >/tmp/vtep-keys 2>&1 &
read -r held </tmp/vtep-keys
[ "$held" = held ] || echo "# vm: could not hold the static keys: $held"
rc=0
if [ "$vtep_module" = 1 ]; then
	if ! insmod "build/$vtep_kname/vtep.ko"; then
		echo "not ok - vm $vtep_kname: insmod vtep.ko failed"
		echo "VTEP-VM-EXIT 1"
		exit 1
	fi
fi
bash -c "$(cat "$vtep_run/cmd")" </dev/null || rc=$?
if [ "$vtep_module" = 1 ] && grep -q '^vtep ' /proc/modules; then
	# Unloading with devices and namespaces still around is itself a test.
	if ! rmmod vtep; then
		echo "not ok - vm $vtep_kname: rmmod vtep failed"
		rc=1
	fi
fi
bad=$(kernel_log_bad)
if [ -n "$bad" ]; then
	echo "not ok - vm $vtep_kname: kernel log is not clean"
	dmesg | grep -E -B3 -A25 'BUG:|WARNING:|Oops|general protection|refcount_t:|list_del corruption|blocked for more than|soft lockup|hard LOCKUP|circular locking|sleeping function called' |
		head -n 80 | sed 's/^/#   /'
	rc=1
fi
echo "VTEP-VM-EXIT $rc"
