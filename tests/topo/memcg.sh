#!/bin/bash
# Memory cgroup: what vtep allocates for a request (FDB entries, peers, VNIs
# and their per-CPU counters) is charged to the requester's memory cgroup,
# so a process in a group with a small memory.max cannot raise kernel
# memory beyond it through vtep: its load fails with ENOMEM (or a limit's
# ENOSPC) instead of succeeding, and nothing is left charged or in slab once
# its device is gone.
#
#   cgroup vtep-memcg (memory.max MAX) ┐
#     unshare -Urn (or, where the VM cannot make a user namespace, root in
#     its own netns)                   ┴ vtep0 (2001:db8::1)
#       vtepctl -batch: vni add V dev vtep0 vlan V, V = 1..NVNI (charged?)
#       vtepctl -batch: fdb add ... vni 100 dst 2001:db8:1::N, N = 1..CAP
#       (each entry behind its own peer: max-peers far above CAP, so memory
#       is the limit; 0, unlimited, is refused to a user namespace)
#
# CAP entries are several times what MAX holds: a load that succeeds whole
# was not charged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/suites.inc"

MAX=$((16 << 20))
NVNI=4000
CAP=$(size MEMCG_CAP 600000 600000)
memcg_group vtep-memcg "$MAX"

# Unprivileged where the kernel allows it (it refuses user namespaces to
# a chrooted process), with the module's userns_create on for it.
if setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true 2>/dev/null; then
	WRAP="setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn"
	userns_create Y
	diag "memcg: loading as nobody in a user namespace"
else
	WRAP="unshare -n"
	diag "memcg: no user namespace here (chrooted VM?): loading as root in its own netns"
fi

$PY - "$CAP" >"$TMP/load.batch" <<'EOF'
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(1, n + 1):
    out.write("fdb add 02:00:%02x:%02x:%02x:%02x vni 100 dst 2001:db8:1::%x:%x dev vtep0\n"
              % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255, i >> 16, i & 0xffff))
EOF
for v in $(seq 1 $NVNI); do echo "vni add $v dev vtep0 vlan $v"; done >"$TMP/vni.batch"
chmod 644 "$TMP/load.batch" "$TMP/vni.batch"
chmod 755 "$TMP"
SLAB0=$(slab_settle)
EV0=$(awk '$1 == "max" { print $2 }' "$G/memory.events")

# The loader: joins the group (unkillable by the group's OOM killer, so a
# charge that cannot be met fails instead of killing it), then loads.
cat >"$TMP/loader.sh" <<EOF
ip link set lo up
$VTEPCTL link add vtep0 local 2001:db8::1 max-peers 4000000000 max-learned 4000000000 || exit 10
cat $G/memory.current >$TMP/vni.before
$VTEPCTL -batch $TMP/vni.batch || exit 11
cat $G/memory.current >$TMP/vni.after
$VTEPCTL -batch $TMP/load.batch 2>$TMP/load.err
echo \$? >$TMP/load.rc
cat $G/memory.current >$TMP/load.cur
$VTEPCTL -j link show vtep0 >$TMP/load.link
EOF
chmod 755 "$TMP/loader.sh"
: >"$TMP/load.rc"
chmod 666 "$TMP/load.rc"
touch "$TMP/load.err" "$TMP/load.cur" "$TMP/load.link" "$TMP/vni.before" "$TMP/vni.after"
chmod 666 "$TMP/load.err" "$TMP/load.cur" "$TMP/load.link" "$TMP/vni.before" "$TMP/vni.after"
t0=$(date +%s)
bash -c "echo -1000 >/proc/self/oom_score_adj && echo \$\$ >$G/cgroup.procs && exec $WRAP bash $TMP/loader.sh" ||
	diag "loader exited with $?"
diag "load took $(($(date +%s) - t0)) s"

rc=$(cat "$TMP/load.rc")
loaded=$($PY -c 'import json, sys
try:
    print(json.load(open(sys.argv[1]))[0]["fdb_count"])
except Exception:
    print(-1)' "$TMP/load.link")
cur=$(cat "$TMP/load.cur")
hits=$(($(awk '$1 == "max" { print $2 }' "$G/memory.events") - EV0))
ooms=$(awk '$1 == "oom_kill" { print $2 }' "$G/memory.events")
diag "loaded $loaded of $CAP entries; exit $rc; memory.current $cur of $MAX; limit hit $hits times; $(head -c 300 "$TMP/load.err")"

vni0=$(cat "$TMP/vni.before") vni1=$(cat "$TMP/vni.after")
diag "$NVNI VNIs: memory.current $vni0 -> $vni1"
# a VNI is a struct and per-CPU counters: well over 256 bytes
check "$NVNI VNIs were charged to the group (+$((vni1 - vni0)) B >= $NVNI x 256 B)" \
	test $((vni1 - vni0)) -ge $((NVNI * 256))
check "the load fails before its end (a load that succeeds whole was not charged)" \
	test -n "$rc" -a "$rc" != 0 -a "$loaded" -lt "$CAP"
check "with ENOMEM or a limit's ENOSPC" \
	grep -Eq 'Cannot allocate memory|limit reached' "$TMP/load.err"
# An entry behind its own peer costs the entry, the peer and the peer's
# allow-list count (with their hash buckets): well under 2 KB.
check "after loading a fair share of memory.max ($loaded entries)" \
	test "$loaded" -ge $((MAX / 2048))
check "the entries were charged to the group (memory.current $cur >= $loaded x 100 B)" \
	test "$cur" -ge $((loaded * 100))
check "memory.current stayed within memory.max" test "$cur" -le "$MAX"
[ -e "$G/memory.peak" ] &&
	check "memory.peak stayed within memory.max ($(cat "$G/memory.peak"))" \
		test "$(cat "$G/memory.peak")" -le "$MAX"
# The kernel counts a "max" event only for an allocation that may block
# (and reclaims first); one that may not (GFP_NOWAIT, as allow-list counts
# are taken under a spinlock) fails at the limit without the event. So the
# limit counts as reached on an event, or on a peak within 1 MiB of it.
peak=$(cat "$G/memory.peak" 2>/dev/null || echo 0)
check "the group reached its limit (max events $hits; peak $peak of $MAX)" \
	test "$hits" -gt 0 -o "$peak" -ge $((MAX - (1 << 20)))
check "and no task of it was OOM-killed" test "${ooms:-0}" = 0

# The device went with its namespace: its memory is uncharged and freed.
wait_for 40 '[ "$(cat $G/memory.current)" -lt $((1 << 20)) ]' || true
check "the group's memory.current is back under 1 MB ($(cat "$G/memory.current"))" \
	test "$(cat "$G/memory.current")" -lt $((1 << 20))
SLAB1=$(slab_settle)
slab_check "memcg" "$SLAB0" "$SLAB1"
check "the kernel log shows no warning" kernel_clean
rmdir "$G"
suite_time memcg
topo_done
