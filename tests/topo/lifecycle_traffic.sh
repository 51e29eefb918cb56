#!/bin/bash
# Lifecycle under traffic, in cycles, with ping floods crossing the
# overlay all along:
#   A. create our VTEP, carry traffic, delete the device mid-flood;
#   B. both VTEPs up and carrying traffic, `rmmod vtep` mid-flood, insmod;
#   C. a third host (namespace) with a VTEP and a VM flooding through it is
#      deleted (`ip netns del`) mid-flood.
# Every cycle must carry traffic, every teardown return, the kernel log stay
# clean, and unreclaimable slab return to its baseline (taken after one
# warm-up cycle of each kind).
#
#   ┌ v1 ┐ ping -f ⇄ ┌ v2 ┐             ┌ v3 ┐ ping -f → v1
#   ┌ h1 ┴ vtep0 ┐    ┌ h2 ┴ vtep0 ┐     ┌ h3 ┴ vtep0 ┐  (created, deleted)
#   ┌ sw ─┴──────────────┴─────────────────────┴──────┐
#
# Sizes: LIFE_N cycles of each kind (check 3, soak 100).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/suites.inc"

NCYC=$(size LIFE_N 3 100)
M1=02:00:00:00:01:01
diag "lifecycle: $NCYC cycles of each kind, module $VTEP_KO"
[ -e "$VTEP_KO" ] || { notok "the module to reload is at $VTEP_KO"; topo_done; }

topo_switch
for i in 1 2; do
	host_add h$i 192.0.2.$i
	vm_add h$i v$i 02:00:00:00:0$i:0$i 203.0.113.$i
done

# The steps of a cycle go in few processes (a process per step, under
# TCG, took longer than the step): ip -n, ip -batch, and
# tests/drivers/nlcmd, which runs vtepctl and ip lines in one process.
NLCMD=$TOPO_REPO/tests/drivers/nlcmd
# nlc NS: the vtepctl and ip lines on stdin, run in NS by one nlcmd
nlc() { nq "$1" "$NLCMD" >/dev/null; }

vtep_up() {	# vtep_up HOST: our VTEP on HOST, VNI 100, the other hosts as remotes
	local h=$1 i j
	i=${h#h}
	{
		echo "vtepctl link add vtep0 local 192.0.2.$i underlay eth0"
		echo "ip link set vtep0 master br0 up"
		echo "vtepctl vni add 100 dev vtep0 untagged"
		for j in 1 2 3; do
			[ "$i" = "$j" ] || echo "vtepctl remote add 192.0.2.$j vni 100 dev vtep0"
		done
	} | nlc "$h"
}
FLOODS=()
floods_start() {
	ip netns exec "${P}v1" ping -f -q 203.0.113.2 >/dev/null 2>&1 &
	FLOODS+=($!)
	ip netns exec "${P}v2" ping -f -q 203.0.113.1 >/dev/null 2>&1 &
	FLOODS+=($!)
}
floods_stop() {
	[ ${#FLOODS[@]} -eq 0 ] || kill "${FLOODS[@]}" 2>/dev/null || true
	wait "${FLOODS[@]}" 2>/dev/null || true
	FLOODS=()
}
vteps_del() {
	local h
	for h in h1 h2; do ip -n "$P$h" link del vtep0 2>/dev/null || true; done
}

# A: create, traffic, delete under the flood
cycle_dev() {
	vtep_up h1 || return 4
	ping_ok v1 203.0.113.2 || return 1
	ip -n "${P}h1" link del vtep0
}
# B: rmmod with both devices carrying the flood, then insmod
cycle_mod() {
	vtep_up h1 || return 4
	ip -n "${P}h2" link show vtep0 >/dev/null 2>&1 || vtep_up h2 || return 4
	ping_ok v1 203.0.113.2 || return 1
	rmmod vtep || return 2
	insmod "$VTEP_KO" || return 3
	vtep_up h2 || return 4
}
# C: a host and its flooding VM deleted under traffic
NC=0
cycle_ns() {
	local h=h3c$NC v=v3c$NC rc=0 flood buf
	NC=$((NC + 1))
	# (a module cycle before leaves h1 without its device)
	ip -n "${P}h1" link show vtep0 >/dev/null 2>&1 || vtep_up h1 || return 4
	ns_add "$h"
	ns_add "$v"
	ip -n "$P$h" -batch - <<-EOF || return 5
	link add name eth0 type veth peer name u-$h netns ${P}sw
	addr add 192.0.2.3/24 dev eth0
	link set eth0 up
	link add name br0 type bridge
	link set br0 up
	link add name v-$v type veth peer name eth0 netns $P$v address 02:00:00:00:03:03
	link set v-$v master br0 up
	EOF
	ip -n "${P}sw" link set "u-$h" master br0 up || return 5
	nlc "$h" <<-EOF || return 6
	vtepctl link add vtep0 local 192.0.2.3 underlay eth0
	ip link set vtep0 master br0 up
	vtepctl vni add 100 dev vtep0 untagged
	vtepctl remote add 192.0.2.1 vni 100 dev vtep0
	EOF
	ip -n "$P$v" -batch - <<-EOF || return 7
	addr add 203.0.113.3/24 dev eth0
	link set eth0 mtu $VM_MTU up
	neigh replace 203.0.113.1 lladdr $M1 dev eth0 nud permanent
	EOF
	retry 10 nq "$v" ping -q -c 1 -W 2 203.0.113.1 >/dev/null || rc=1
	ip netns exec "$P$v" ping -f 203.0.113.1 >"$TMP/flood.$v" 2>&1 &
	flood=$!
	# Mid-flood: once it has sent 20 requests (not after a fixed time).
	# ping -f prints a dot for each and a backspace for each reply; read
	# without a process.
	wait_for 20 'IFS= read -r -N 40 buf <"$TMP/flood.$v"; [ ${#buf} -ge 40 ]' || rc=8
	ip netns del "$P$h" || rc=2
	kill $flood 2>/dev/null; wait $flood 2>/dev/null
	ip netns del "$P$v" || rc=3
	rm -f "$TMP/flood.$v"
	return $rc
}

# Under SOAK=1, one warm-up cycle of each kind, then the baseline, so that
# what a first cycle allocates once is not counted as a leak. make check
# does not assert the slab figure, and its warm-up cycles (about 25 s a
# kernel under the floods) tested nothing.
if [ "$SOAK" = 1 ]; then
	vtep_up h2
	floods_start
	cycle_dev || true
	cycle_mod || true
	cycle_ns || true
	floods_stop
	vteps_del
fi
SLAB0=$(slab_settle)

vtep_up h2
floods_start
for kind in ${LIFE_KINDS:-dev mod ns}; do
	t0=$(date +%s) good=0 first_err=
	for ((c = 0; c < NCYC; c++)); do
		if cycle_$kind; then
			good=$((good + 1))
		else
			first_err=${first_err:-"cycle $c returned $?"}
		fi
	done
	case $kind in
	dev) what="create, traffic, delete the device under a ping flood" ;;
	mod) what="traffic, rmmod under a ping flood, insmod" ;;
	ns) what="a host namespace with a flooding VM deleted under traffic" ;;
	esac
	check "$what: $good of $NCYC cycles carried traffic and tore down (${first_err:-no error}, $(($(date +%s) - t0)) s)" \
		test "$good" -eq "$NCYC"
done
check "the module is loaded at the end" grep -q '^vtep ' /proc/modules
ip -n "${P}h1" link show vtep0 >/dev/null 2>&1 || vtep_up h1
check "after the cycles v1 reaches v2" ping_ok v1 203.0.113.2
floods_stop
vteps_del
SLAB1=$(slab_settle)
# make check reports the figure (3 cycles of each kind, without the soak's
# warm-up), make soak asserts it. The namespace-sized growth it once showed
# (+2 MB after 3 cycles, +63 MB after 100) was the test's own: ping floods
# started with `nq ... &` outlived their kill and kept their namespaces.
if [ "$SOAK" = 1 ]; then
	slab_check "lifecycle" "$SLAB0" "$SLAB1"
else
	diag "lifecycle: slab before $SLAB0 kB, after $SLAB1 kB (+$((SLAB1 - SLAB0)) kB); asserted by make soak"
fi
check "the kernel log shows no warning" kernel_clean
suite_time lifecycle_traffic
topo_done
