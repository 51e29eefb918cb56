#!/bin/bash
# rmmod with vtep devices still in use, in the initial namespace and in two
# others, one of them up with an address; then load again and reuse.
#
#   init netns: vtep-u0 (up), vtep-u1 (down)
#   netns vtep-ua: vtep0 (up, 192.0.2.1/24)
#   netns vtep-ub: vtep0 (up) vtep1
set -u
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n $*"; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else notok "$name"; fi; }
cleanup() {
	ip netns del vtep-ua 2>/dev/null
	ip netns del vtep-ub 2>/dev/null
	ip link del vtep-u0 2>/dev/null
	ip link del vtep-u1 2>/dev/null
	grep -q '^vtep ' /proc/modules || insmod "build/$vtep_kname/vtep.ko"
}
trap cleanup EXIT
echo "TAP version 13"

ip netns add vtep-ua && ip netns add vtep-ub
check "devices created in three namespaces" bash -ec '
	ip link add vtep-u0 type vtep; ip link set vtep-u0 up
	ip link add vtep-u1 type vtep
	ip -n vtep-ua link add vtep0 type vtep
	ip -n vtep-ua addr add 192.0.2.1/24 dev vtep0
	ip -n vtep-ua link set vtep0 up
	ip -n vtep-ub link add vtep0 type vtep; ip -n vtep-ub link set vtep0 up
	ip -n vtep-ub link add vtep1 type vtep'
# A delete batch frees its entries and the peers they held together, a
# grace period later (kmod/bag.c): rmmod right after it must still find
# every one of them freed before the peer cache goes ("Objects remaining
# in vtep_peer" would be a leak, or a use after free).
VTEPCTL=${VTEPCTL:-userspace/vtepctl}
awk 'BEGIN { for (i = 1; i <= 2000; i++)
	printf "fdb add 02:00:00:00:%02x:%02x vni 100 dst 198.51.100.%d dev vtep-u1\n",
		int(i / 256), i % 256, i % 250 + 1 }' >/tmp/vtep-unload.add
sed 's/^fdb add \([^ ]*\) vni 100 dst [^ ]*/fdb del \1 vni 100/' /tmp/vtep-unload.add >/tmp/vtep-unload.del
check "a batch of 2,000 entries to 250 peers loads, and its delete succeeds" bash -ec "
	$VTEPCTL link set vtep-u1 local 192.0.2.1
	$VTEPCTL vni add 100 dev vtep-u1 untagged
	$VTEPCTL -batch /tmp/vtep-unload.add
	$VTEPCTL -batch /tmp/vtep-unload.del
	$VTEPCTL link show vtep-u1 | grep -q ' vnis 1 fdb 0\$'"
check "rmmod vtep with devices in use succeeds" rmmod vtep
check "rmmod right after the delete leaves no peer or entry behind" \
	bash -c '! dmesg | grep -E "Objects remaining|still has objects"'
check "rmmod removed the devices of the initial namespace" bash -c '! ip link show vtep-u0'
check "rmmod removed the devices of other namespaces" bash -c \
	'! ip -n vtep-ua link show vtep0 && ! ip -n vtep-ub link show vtep1'
check "the namespaces themselves are untouched" ip -n vtep-ua link show lo
check "the module loads again" insmod "build/$vtep_kname/vtep.ko"
check "a device can be created again" bash -ec '
	ip -n vtep-ua link add vtep0 type vtep; ip -n vtep-ua link set vtep0 up'
check "deleting the namespace takes the new device" ip netns del vtep-ua
echo "1..$n"
exit $fail
