#!/bin/bash
# MAC flood: a peer sends frames from many distinct inner source MACs. Our
# learned entries stop at their limit (max-learned), every MAC it could not
# learn is counted (drop_fdb_full) and still delivered, the hosts it knew
# keep working (a learned peer VM and a static entry), and the control
# plane is not starved: static adds succeed during and after the flood.
#
#   ┌ v1 ┐                  ┌ v2 ┐                ┌ v3 ┐
#   ┌ h1 ┴ br0 ─ vtep0 ┐    ┌ h2 ┴ br0 ─ vtep0 ┐   ┌ h3 ┴ br0 ─ vtep0 ┐
#   │max-learned LIMIT │    │  + the flood     │   │ (static on h1)   │
#   ┌ sw ─────┴─────────────────────┴──────────────────────┴──────────┐
#
# Sizes: MACFLOOD_N distinct MACs (check 5000, soak 1000000), the limit
# MACFLOOD_LIMIT (default N/4).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/suites.inc"

NMAC=$(size MACFLOOD_N 5000 1000000)
LIMIT=${MACFLOOD_LIMIT:-$((NMAC / 4))}
GEN=$TOPO_REPO/tests/storm/gen.py
H1MAC=02:00:00:00:e0:01 H2MAC=02:00:00:00:e0:02
M1=02:00:00:00:01:01 M2=02:00:00:00:02:02 M3=02:00:00:00:03:03
diag "macflood: $NMAC distinct source MACs, learned limit $LIMIT"

topo_switch
for i in 1 2 3; do
	host_add h$i 192.0.2.$i
	vm_add h$i v$i 02:00:00:00:0$i:0$i 203.0.113.$i
done
ipn h1 link set eth0 address $H1MAC
ipn h2 link set eth0 address $H2MAC
# The flood: generated before the devices exist (the baseline covers it).
t0=$(date +%s)
n h2 $PY "$GEN" macflood --count "$NMAC" --out "$TMP/flood.pcap" \
	--src-mac $H2MAC --dst-mac $H1MAC
diag "generated in $(($(date +%s) - t0)) s"
OLD_BACKLOG=$(sysctl -n net.core.netdev_max_backlog)
sysctl -qw net.core.netdev_max_backlog=100000
SLAB0=$(slab_settle)

for i in 1 2 3; do
	vtep_add h$i 192.0.2.$i
	vtepctl_n h$i vni add 100 dev vtep0 untagged
done
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0
vtepctl_n h3 remote add 192.0.2.1 vni 100 dev vtep0
# h1: v2 by learning, v3 by a static entry; never age during the run.
vtepctl_n h1 fdb add $M3 vni 100 dst 192.0.2.3 dev vtep0
vtepctl_n h1 link set vtep0 max-learned "$LIMIT" ageing 0
# h1's bridge floods instead of learning a million MACs behind vtep0.
n h1 bridge link set dev vtep0 learning off
# v1 and v3 know each other without ARP (h1 floods to h2 only).
ipn v1 neigh replace 203.0.113.3 lladdr $M3 dev eth0 nud permanent
ipn v3 neigh replace 203.0.113.1 lladdr $M1 dev eth0 nud permanent
check "before the flood v1 reaches v2 (learned)" ping_ok v1 203.0.113.2
check "before the flood v1 reaches v3 (static entry)" ping_ok v1 203.0.113.3

fdb_count() { nq h1 "$VTEPCTL" -j link show vtep0 |
	jq '(if type == "array" then .[0] else . end) | .fdb_count // -1'; }
learned() { nq h1 "$VTEPCTL" -j vni show 100 dev vtep0 | jq '.[0].learned_count // -1'; }
# NSTATIC static adds on h1, one request each, in order, by one process
# (tests/drivers/nlcmd: a vtepctl process per add took 0.3 s under TCG);
# prints "NSTATIC NSTATIC 0" when every one was applied, and what was
# refused
NSTATIC=200
static_adds() {	# FIRST: MACs 02:00:00:aa:FIRST+i
	local i
	for ((i = $1; i < $1 + NSTATIC; i++)); do
		printf 'vtepctl fdb add 02:00:00:aa:%02x:%02x vni 100 dst 192.0.2.3 dev vtep0\n' \
			$((i / 256)) $((i % 256))
	done | nq h1 "$TOPO_REPO/tests/drivers/nlcmd" -e
}
softnet_drops() {	# (no gawk in the VM: bash does the hex)
	local s=0 a b rest
	while read -r a b rest; do s=$((s + 16#$b)); done </proc/net/softnet_stat
	echo $s
}
have=$(learned)
full0=$(stat h1 vtep0 drop_fdb_full)
rx0=$(stat h1 vtep0 rx_packets)
drops0=$(softnet_drops)
t0=$(date +%s)
static_adds 0 >"$TMP/static.out" 2>&1 &
STATIC_JOB=$!
n h2 tcpreplay -q --topspeed -i eth0 "$TMP/flood.pcap" >"$TMP/replay.out" 2>&1 || true
wait_for 30 '[ $(($(stat h1 vtep0 rx_packets) - rx0)) -ge $NMAC ]' || true
wait $STATIC_JOB || true	# (the check below says what was refused)
secs=$(($(date +%s) - t0))
lost=$(($(softnet_drops) - drops0))
rx=$(($(stat h1 vtep0 rx_packets) - rx0))
full=$(($(stat h1 vtep0 drop_fdb_full) - full0))
count=$(learned)
diag "flood: $NMAC frames in $secs s; delivered $rx, drop_fdb_full +$full, learned $have -> $count, FDB $(fdb_count), $lost lost in the host's queues"
check "the learned entries hold at their limit ($count of $LIMIT)" test "$count" -eq "$LIMIT"
want=$((NMAC - (LIMIT - have)))
check "every MAC not learned is counted in drop_fdb_full (+$full, want $want)" \
	test "$full" -le "$want" -a "$full" -ge $((want - lost))
# (the VMs' own frames may add a few: not an exact count)
check "the flood's frames are delivered all the same ($rx of $NMAC)" \
	test "$rx" -ge $((NMAC - lost))
check "static entries are kept" test "$(fdb_dst h1 vtep0 100 $M3)" = 192.0.2.3
check "the learned peer VM is kept" test "$(fdb_dst h1 vtep0 100 $M2)" = 192.0.2.2
check "after the flood v1 reaches v2 (learned)" ping_ok v1 203.0.113.2
check "after the flood v1 reaches v3 (static entry)" ping_ok v1 203.0.113.3
check "v2 and v3 reach v1" bash -c "ip netns exec ${P}v2 ping -c1 -W5 203.0.113.1 && ip netns exec ${P}v3 ping -c1 -W5 203.0.113.1"
sed 's/^/# static adds: /' "$TMP/static.out"
check "$NSTATIC static adds during the flood all succeeded" \
	test "$(cat "$TMP/static.out")" = "$NSTATIC $NSTATIC 0" -a \
	"$(nq h1 "$VTEPCTL" fdb show dev vtep0 static | grep -c 02:00:00:aa:)" -eq $NSTATIC
static_adds $NSTATIC >"$TMP/static2.out" 2>&1 || true
check "$NSTATIC more static adds after it succeed too" \
	test "$(cat "$TMP/static2.out")" = "$NSTATIC $NSTATIC 0"
check "the learned entries are still at their limit" test "$(learned)" -eq "$LIMIT"
t0=$(date +%s)
vtepctl_n h1 fdb flush dev vtep0 learned
diag "flushing $((count - 1)) learned entries took $(($(date +%s) - t0)) s"
# A VM's own MAC (v2's, v3's) may be learned again from its next frame
# between the flush and the count; none of the flood's may remain.
flood_left() { nq h1 "$VTEPCTL" fdb show dev vtep0 owner kernel | grep -vc -e "^$M2 " -e "^$M3 " || true; }
check "a flush empties the learned part (none of the flood's MACs is left)" same "$(flood_left)" 0
# (counted as static entries, not as the FDB's size: a VM's frame may
# be learned again between the flush and the count)
check "and keeps the static entries" \
	same "$(nq h1 "$VTEPCTL" fdb show dev vtep0 static | grep -c .)" $((2 * NSTATIC + 1))
diag "FDB after the flush: $(fdb_count) entries; learned since: $(nq h1 "$VTEPCTL" fdb show dev vtep0 owner kernel | head -n 5 | tr '\n' ';')"

for i in 1 2 3; do ipn h$i link del vtep0; done
SLAB1=$(slab_settle)
sysctl -qw net.core.netdev_max_backlog="$OLD_BACKLOG"
slab_check "macflood" "$SLAB0" "$SLAB1"
check "the kernel log shows no warning" kernel_clean
suite_time macflood
topo_done
