#!/bin/bash
# Churn under traffic: many seeded random configuration changes on one VTEP
# while iperf3 and a ping flood cross it - VNI add/del/regroup/remap, FDB
# add/replace/del/flush, remote add/del, link settings, MTU, port, device
# and underlay down/up, underlay address and route changes (the default
# route, a 239/8 route through another NIC). Nothing may hang (every change
# returns; a hung task shows in the kernel log, checked after 30 s instead
# of 120), the kernel log stays clean, and once the configuration is put
# back the traffic recovers.
#
#   ┌ v1 ┐ (iperf3, ping -f)     ┌ v2 ┐
#   ┌ h1 ┴ br0 ─ vtep0 ┐ churn   ┌ h2 ┴ br0 ─ vtep0 ┐
#   │ dum0             │         │                  │
#   ┌ sw ───┴──────────────────────────┴────────────────┐
#
# Sizes: CHURN_N changes (check 1000, soak 10000), CHURN_SEED.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/suites.inc"

NCHG=$(size CHURN_N 1000 10000)
SEED=${CHURN_SEED:-$(date +%s)}
diag "churn: $NCHG changes, seed $SEED"

topo_switch
for i in 1 2; do
	host_add h$i 192.0.2.$i
	vm_add h$i v$i 02:00:00:00:0$i:0$i 203.0.113.$i
	vtep_add h$i 192.0.2.$i
	vtepctl_n h$i vni add 100 dev vtep0 untagged
done
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0
ipn h1 link add dum0 type dummy
ipn h1 addr add 198.51.100.1/24 dev dum0
ipn h1 link set dum0 up
check "before the churn v1 reaches v2" ping_ok v1 203.0.113.2

OLD_HUNG=$(cat /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null || echo 120)
echo 30 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null || true

# Traffic: iperf3 (restarted whenever a stall ends it) and a ping flood.
n v2 iperf3 -s -D -B 203.0.113.2 --logfile "$TMP/iperf3-s.log"
retry 20 bash -c "ip netns exec ${P}v2 ss -Htln | grep -q 203.0.113.2:5201"
ip netns exec "${P}v1" bash -c 'while :; do iperf3 -c 203.0.113.2 -t 20 -b 20M >>'"$TMP"'/iperf3-c.log 2>&1 || sleep 0.2; done' &
IPERF=$!
ip netns exec "${P}v1" ping -f -q 203.0.113.2 >"$TMP/ping.log" 2>&1 &
PINGF=$!

# The changes, as lines for tests/drivers/nlcmd, which runs them in h1 one
# request each, in order, in one process (a vtepctl or ip process per
# change spent more time in fork and exec than in the change); every one
# must return (refusals are fine: deleting what is not there, a port
# change while up, ...). The lines come from a seeded generator (bash's
# RANDOM: the same seed, the same changes).
cat >"$TMP/churn.sh" <<'EOF'
# (no command substitution: a subshell per random number would cost a
# fork again)
N=$1; RANDOM=$2
V=vtepctl
run() { echo "$*"; c=$((c + 1)); }
mac() { printf -v m '02:00:00:cc:%02x:%02x' $((RANDOM % 4)) $((RANDOM % 64)); }
ON=(on off) DF=(set unset inherit)
c=0
while [ $c -lt $N ]; do
	case $((RANDOM % 22)) in
	0) run $V vni add $((101 + RANDOM % 10)) dev vtep0 vlan $((2 + RANDOM % 10)) ;;
	1) run $V vni del $((101 + RANDOM % 10)) dev vtep0 ;;
	2) run $V vni set 100 dev vtep0 group 239.1.1.$((1 + RANDOM % 4)) ;;
	3) run $V vni set 100 dev vtep0 group none ;;
	4) mac; run $V fdb add $m vni $((100 + RANDOM % 3)) dst 192.0.2.$((2 + RANDOM % 3)) dev vtep0 ;;
	5) mac; run $V fdb replace $m vni 100 dst 192.0.2.$((2 + RANDOM % 3)) dev vtep0 ;;
	6) mac; run $V fdb del $m vni 100 dev vtep0 ;;
	7) case $((RANDOM % 3)) in
	   0) run $V fdb flush dev vtep0 ;;
	   1) run $V fdb flush dev vtep0 vni 100 learned ;;
	   2) run $V fdb flush dev vtep0 static ;;
	   esac ;;
	8) run $V remote add 192.0.2.$((3 + RANDOM % 5)) vni 100 dev vtep0 ;;
	9) run $V remote del 192.0.2.$((3 + RANDOM % 5)) vni 100 dev vtep0 ;;
	10) run $V remote del 192.0.2.2 vni 100 dev vtep0
	    run $V remote add 192.0.2.2 vni 100 dev vtep0 ;;
	11) case $((RANDOM % 9)) in
	    0) run $V link set vtep0 learning ${ON[RANDOM % 2]} ;;
	    1) run $V link set vtep0 ageing $((RANDOM % 600)) ;;
	    2) run $V link set vtep0 max-fdb $(( (RANDOM % 2) * (10 + RANDOM % 100) )) ;;
	    3) ttl=$((RANDOM % 2 ? 1 + RANDOM % 255 : 0)); run $V link set vtep0 ttl ${ttl/#0/auto} ;;
	    4) tos=$((RANDOM % 2 ? RANDOM % 256 : -1)); run $V link set vtep0 tos ${tos/#-1/inherit} ;;
	    5) run $V link set vtep0 df ${DF[RANDOM % 3]} ;;
	    6) run $V link set vtep0 srcport $((1024 + RANDOM % 30000)) $((40000 + RANDOM % 25000)) ;;
	    7) run $V link set vtep0 udpcsum ${ON[RANDOM % 2]} ;;
	    8) run $V link set vtep0 move-notice ${ON[RANDOM % 2]} ;;
	    esac ;;
	12) run ip link set vtep0 mtu $((1200 + RANDOM % 251)) ;;
	13) run ip link set eth0 down; run ip link set eth0 up ;;
	14) case $((RANDOM % 3)) in
	    0) run ip addr add 192.0.2.$((100 + RANDOM % 50))/24 dev eth0 ;;
	    1) run ip addr flush dev eth0 secondary ;;
	    2) run ip addr del 192.0.2.1/24 dev eth0; run ip addr add 192.0.2.1/24 dev eth0 ;;
	    esac ;;
	15) case $((RANDOM % 4)) in
	    0) run ip route replace 239.0.0.0/8 dev dum0 ;;
	    1) run ip route del 239.0.0.0/8 ;;
	    2) run ip route replace default via 192.0.2.254 dev eth0 ;;
	    3) run ip route del default ;;
	    esac ;;
	16) run ip link set vtep0 down; run ip link set vtep0 up ;;
	17) run $V vni replace 100 dev vtep0 untagged flood ${ON[RANDOM % 2]} ;;
	18) run ip link set vtep0 down; run $V link set vtep0 port 4790; run ip link set vtep0 up
	    run ip link set vtep0 down; run $V link set vtep0 port 4789; run ip link set vtep0 up ;;
	19) run $V vni set 100 dev vtep0 vlan $((2 + RANDOM % 10)); run $V vni set 100 dev vtep0 untagged ;;
	20) run ip link set vtep0 nomaster; run ip link set vtep0 master br0 ;;
	21) run $V fdb show dev vtep0; run $V vni show dev vtep0 ;;
	esac
done
EOF
bash "$TMP/churn.sh" "$NCHG" "$SEED" >"$TMP/changes"
nlines=$(wc -l <"$TMP/changes")
t0=$(date +%s)
if nq h1 timeout -k 5 1500 "$TOPO_REPO/tests/drivers/nlcmd" <"$TMP/changes" >"$TMP/churn.out" 2>/dev/null ||
   [ $? = 1 ]; then
	read -r cnt applied refused <"$TMP/churn.out"
	check "$cnt changes returned ($applied applied, $refused refused) in $(($(date +%s) - t0)) s" \
		test "$cnt" -eq "$nlines"
else
	notok "the changes returned (no hang): $(tail -n 1 "$TMP/churn.out")"
fi
check "RTNL is free after the churn" timeout 20 ip -n "${P}h1" link show vtep0
check "the genl family answers after the churn" timeout 20 "$VTEPCTL" -n "${P}h1" vni show dev vtep0

# Put the configuration back, then the traffic must recover.
restore() {
	nq h1 ip link set eth0 up
	nq h1 ip addr replace 192.0.2.1/24 dev eth0
	nq h1 ip route del default 2>/dev/null || true
	nq h1 ip route del 239.0.0.0/8 2>/dev/null || true
	nq h1 ip link set vtep0 down
	nq h1 "$VTEPCTL" link set vtep0 port 4789 learning on max-fdb 0 ageing 300 ttl auto tos 0 df unset udpcsum off move-notice on srcport 32768 65535
	nq h1 ip link set vtep0 mtu 1450 master br0 up
	nq h1 "$VTEPCTL" vni replace 100 dev vtep0 untagged group none flood on
	nq h1 "$VTEPCTL" remote replace 192.0.2.2 vni 100 dev vtep0
}
check "the configuration can be put back" restore
# Recovery has taken 4-26 s in a TCG guest (a helper's run, once, near
# ping_ok's 10 tries): up to 30 tries here, and the time is printed, so a
# slow recovery shows without failing the run on a loaded day.
t0=${EPOCHREALTIME/./}
check "after the churn v1 reaches v2" retry 30 nq v1 ping -q -c 1 -W 2 203.0.113.2
diag "v1 reached v2 $(((${EPOCHREALTIME/./} - t0) / 1000)) ms after the configuration was put back"
kill -INT $PINGF 2>/dev/null	# SIGINT: ping prints its summary
kill $IPERF 2>/dev/null; wait $PINGF $IPERF 2>/dev/null || true
# The iperf3 client the loop had started (every process of v1 is ours).
pids=$(ip netns pids "${P}v1")
[ -z "$pids" ] || kill $pids 2>/dev/null || true
sleep 1
diag "ping flood: $(grep -E 'packets transmitted' "$TMP/ping.log" || echo 'no summary')"
diag "iperf3 runs during the churn: $(grep -c 'receiver' "$TMP/iperf3-c.log" || true) completed, $(grep -c 'error' "$TMP/iperf3-c.log" || true) errors"
check "after the churn iperf3 moves 5 MB from v1 to v2" nq v1 iperf3 -c 203.0.113.2 -n 5M
echo "$OLD_HUNG" >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null || true
check "the kernel log shows no warning or hung task" kernel_clean
suite_time churn
topo_done
