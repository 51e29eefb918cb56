#!/bin/bash
# An FDB batch in a memory cgroup at its limit, the limit filled with clean
# page cache (reclaimable): the batch must reclaim and load whole, not fail
# with ENOMEM. Entries of a second VNI to the same peers each need an
# allow-list entry (allow.c); these were allocated under vtep->lock without
# sleeping (GFP_NOWAIT), which cannot reclaim, so at the limit a batch
# failed half way though the group had memory to give back (issue 24,
# finding 7). Now they are allocated between chunks of the batch, where
# allocating may sleep.
#
#   cgroup vtep-reclaim (memory.max 32 MiB)
#     cat vmlinux >/dev/null (60 MB of page cache: the group sits at its limit)
#     unshare -n: vtep0, VNIs 100 and 200,
#       vtepctl -batch: N entries in VNI 100 to peers 2001:db8:1::i, then
#       N more in VNI 200 to the same peers (N allow-list entries)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/suites.inc"

MAX=$((32 << 20))
N=20000
BIG=${vtep_cache:-}/${vtep_kname:-}/vmlinux
if [ ! -r "$BIG" ]; then
	skip "batch under memory pressure" "no $BIG to cache"
	topo_done
fi
memcg_group vtep-reclaim "$MAX"

awk -v n=$N 'BEGIN {
	for (v = 0; v < 2; v++)
		for (i = 1; i <= n; i++)
			printf "fdb add 02:%02x:00:%02x:%02x:%02x vni %d dst 2001:db8:1::%x dev vtep0\n",
				v + 1, int(i / 65536) % 256, int(i / 256) % 256, i % 256,
				100 * (v + 1), i
}' >"$TMP/load.batch"

cat >"$TMP/loader.sh" <<EOF
ip link set lo up
$VTEPCTL link add vtep0 local 2001:db8::1 max-peers 100000 || exit 10
$VTEPCTL vni add 100 dev vtep0 vlan 100 || exit 11
$VTEPCTL vni add 200 dev vtep0 vlan 200 || exit 12
cat "$BIG" >/dev/null
cat $G/memory.current >$TMP/cache.cur
$VTEPCTL -batch $TMP/load.batch 2>$TMP/load.err
echo \$? >$TMP/load.rc
$VTEPCTL -j link show vtep0 >$TMP/load.link
EOF
EV0=$(awk '$1 == "max" { print $2 }' "$G/memory.events")
bash -c "echo -1000 >/proc/self/oom_score_adj && echo \$\$ >$G/cgroup.procs && exec unshare -n bash $TMP/loader.sh" ||
	diag "loader exited with $?"

rc=$(cat "$TMP/load.rc" 2>/dev/null)
loaded=$(sed -n 's/.*"fdb_count":\([0-9]*\).*/\1/p' "$TMP/load.link" 2>/dev/null)
hits=$(($(awk '$1 == "max" { print $2 }' "$G/memory.events") - EV0))
diag "page cache filled the group to $(cat "$TMP/cache.cur" 2>/dev/null) of $MAX B; loaded ${loaded:-?} of $((2 * N)); exit ${rc:-?}; limit hit $hits times; $(head -c 200 "$TMP/load.err")"
check "the group sat at its limit before the load (page cache)" \
	test "$(cat "$TMP/cache.cur" 2>/dev/null || echo 0)" -ge $((MAX - (4 << 20)))
check "the batch loaded whole ($((2 * N)) entries, $N of them needing allow-list entries)" \
	test "${rc:-x}" = 0 -a "${loaded:-0}" = $((2 * N))
check "no task of the group was OOM-killed" \
	test "$(awk '$1 == "oom_kill" { print $2 }' "$G/memory.events")" = 0
check "the kernel log shows no warning" kernel_clean
topo_done
