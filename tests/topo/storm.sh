#!/bin/bash
# Malformed storm: named malformed shapes (made on the host by
# tests/storm/gen.py pcaps, sent and judged by tests/storm/shapes.sh) and
# seeded random mutations (gen.py random, in the guest, without scapy),
# sent from an underlay host at our VTEP over an IPv4 and an IPv6 underlay. Each shape must be delivered or dropped as
# expected, under the one drop counter of its reason (or, when the stack
# drops it before us, under none); every frame reaching the module counts
# exactly once; the kernel log stays clean; unreclaimable slab returns to
# its baseline once the devices are gone.
#
#   ┌ v1 ┐
#   ┌ h1 ┴─ br0 ─ vtep0 (192.0.2.1, VNI 100 untagged, 200 VLAN 20) ┐
#   │            vtep6 (2001:db8::1, VNI 100)                       │  ┌ h2 ┐ sender
#   └────────────────────────── eth0 ───────────────────────────────┘  └─┬──┘
#   ┌ sw ──────────────────────────┴───────────────────────────────────┴──┐
#
# Sizes: STORM_K frames per shape (check 25, soak 2000), STORM_RANDOM random
# frames (check 2000, soak 1000000), STORM_SEED.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/suites.inc"

K=$(size STORM_K 25 2000)
NRAND=$(size STORM_RANDOM 2000 1000000)
SEED=${STORM_SEED:-$(date +%s)}
GEN=$TOPO_REPO/tests/storm/gen.py
SHAPES=$TOPO_REPO/tests/storm/shapes.sh
frames_need "$PCAPSEND" "$FRAMES/storm.manifest" "$FRAMES/storm-warm-payload.pcap"
read -r -a OUTCOMES <"$FRAMES/storm.outcomes"
H1MAC=02:00:00:00:e0:01 H2MAC=02:00:00:00:e0:02 VTEPMAC=02:00:00:00:ee:01
diag "storm: $K frames per shape, $NRAND random frames, seed $SEED"

topo_switch
host_add h1 192.0.2.1 2001:db8::1
host_add h2 192.0.2.2 2001:db8::2
# The switch learns nothing from the sender's port: a frame mutated anywhere
# may carry h1's MAC as its source (seed 1795840898 does), and would move h1
# to the sender's port until h1 next transmits.
n sw bridge link set dev u-h2 learning off
ipn h1 link set eth0 address $H1MAC
ipn h2 link set eth0 address $H2MAC
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1

vteps_up() {
	vtepctl_n h1 link add vtep0 local 192.0.2.1 underlay eth0
	ipn h1 link set vtep0 address $VTEPMAC
	ipn h1 link set vtep0 master br0 up
	vtepctl_n h1 vni add 100 dev vtep0 untagged
	vtepctl_n h1 vni add 200 dev vtep0 vlan 20
	vtepctl_n h1 link add vtep6 local 2001:db8::1 underlay eth0
	ipn h1 link set vtep6 address 02:00:00:00:ee:06 up
	vtepctl_n h1 vni add 100 dev vtep6 untagged
}
vteps_down() {
	ipn h1 link del vtep0
	ipn h1 link del vtep6
}
# outcomes DEV: the sum of the rx outcome counters of DEV (gen.py's
# RX_OUTCOMES, written beside the shapes)
outcomes() { stat_sum h1 "$1" "${OUTCOMES[@]}"; }
softnet_drops() {	# (no gawk in the VM: bash does the hex)
	local s=0 a b rest
	while read -r a b rest; do s=$((s + 16#$b)); done </proc/net/softnet_stat
	echo $s
}
# The host's own queues must not drop what we send.
OLD_BACKLOG=$(sysctl -n net.core.netdev_max_backlog)
sysctl -qw net.core.netdev_max_backlog=100000

# Warm-up round: the first device, socket and reassembly queue allocate
# caches once; the baseline is taken after it. (Its 200 frames, seed 1,
# made by `make tests`.)
vteps_up
pcap_send h2 -k eth0 "$FRAMES/storm-warm-payload.pcap" >/dev/null 2>&1 || true
vteps_down
SLAB0=$(slab_settle)

vteps_up
t0=$(date +%s)
# (the shapes' frames were made with seed 1: IP IDs, nothing else)
nq h1 bash "$SHAPES" "$FRAMES/storm" "$K" "${P}h2" \
	>"$TMP/shapes.out" 2>"$TMP/shapes.err" || true
nshapes=0
while IFS=$'\t' read -r tag status name detail; do
	case $tag in
	RESULT) nshapes=$((nshapes + 1))
		case $status in
		ok) ok "$name: $detail" ;;
		todo) echo "not ok $((TAP_N + 1)) $name: $detail"; TAP_N=$((TAP_N + 1)) ;;
		*) notok "$name: $detail" ;;
		esac ;;
	TOTAL) diag "shapes: $status frames sent in $(($(date +%s) - t0)) s" ;;
	esac
done <"$TMP/shapes.out"
check "the generator sent at least 30 named shapes ($nshapes)" test "$nshapes" -ge 30
[ ! -s "$TMP/shapes.err" ] || sed 's/^/#   shapes.sh: /' "$TMP/shapes.err" | tail -n 20

# Seeded random mutations, outer headers kept valid: each frame reaches the
# module and is counted exactly once.
t0=$(date +%s)
# (no process substitution: the VM has no /dev/fd)
# (no network: the frames are written, h2 sends them below)
$PY "$GEN" random --count "$NRAND" --seed "$SEED" --out "$TMP/rand" \
	--vtep-mac $VTEPMAC >"$TMP/rand.count"
read -r _ npay _ nany <"$TMP/rand.count"
diag "random: generated in $(($(date +%s) - t0)) s"
before=$(outcomes vtep0)
drops0=$(softnet_drops)
t0=$(date +%s)
pcap_send h2 -k eth0 "$TMP/rand-payload.pcap" >"$TMP/replay.out" 2>&1 || true
wait_for 20 '[ $(($(outcomes vtep0) - before)) -ge $npay ]' || true
got=$(($(outcomes vtep0) - before))
lost=$(($(softnet_drops) - drops0))
diag "random (valid outer headers): $npay frames replayed in $(($(date +%s) - t0)) s, $got counted, $lost dropped by the host's queues"
check "random mutations (seed $SEED): every frame counted once ($got of $npay, $lost lost in queues)" \
	test "$got" -le "$npay" -a "$got" -ge $((npay - lost))
before=$(outcomes vtep0)
t0=$(date +%s)
pcap_send h2 -k eth0 "$TMP/rand-any.pcap" >>"$TMP/replay.out" 2>&1 || true
sleep 1
got=$(($(outcomes vtep0) - before))
diag "random (mutated anywhere): replayed in $(($(date +%s) - t0)) s, $got reached the module"
check "random mutations anywhere: no frame counted twice ($got)" \
	test "$got" -le "$nany"
head -n 5 "$TMP/replay.out" | sed 's/^/#   pcapsend: /' || true

# Still working: a valid frame of each family is delivered.
nq h1 bash "$SHAPES" "$FRAMES/storm" 1 "${P}h2" delivered >"$TMP/after.out" 2>&1 || true
nafter=$(grep -c $'^RESULT\tok\t' "$TMP/after.out" || true)
check "after the storm a valid frame is still delivered over IPv4 and IPv6" \
	test "$nafter" -ge 2
[ "$nafter" -ge 2 ] || sed 's/^/#   after: /' "$TMP/after.out"

vteps_down
SLAB1=$(slab_settle)
sysctl -qw net.core.netdev_max_backlog="$OLD_BACKLOG"
slab_check "storm" "$SLAB0" "$SLAB1"
check "the kernel log shows no warning" kernel_clean
suite_time storm
topo_done
