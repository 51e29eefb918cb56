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
check "rmmod vtep with devices in use succeeds" rmmod vtep
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
