#!/bin/bash
# The MAC table is sized once ahead of a load it is told of (vtepctl
# -batch FILE counts the file's lines and says so, VTEP_A_FDB_EXPECT),
# where it grows step by step as it fills without (a pipe); it shrinks back
# in one step once the load is gone; and while it resizes, the datapath
# misses none of its entries.
#
# Resizes are counted with a kprobe on the module's vtep_htab_rehash
# (tracefs), which records the array's old mask and new size. Every entry
# of the loads here sends to one peer, h2, so the peers' table holds one
# and never resizes: what the probe sees is the MAC table's.
#
#   ┌ v1 ┐  ┌ h1 ────────────────┐     ┌ h2 ──────────────────────┐  ┌ v2 ┐
#   └─┬──┘  │ br0 ─ vtep0 (ours) │     │ br0 ─ vx100 (kernel vxlan)│  └─┬──┘
#     └─────┤ 192.0.2.1          ├─sw──┤ 192.0.2.2                 ├────┘
#           └────────────────────┘     └──────────────────────────┘
. "$(dirname "$0")/lib.sh"

TR=/sys/kernel/tracing
N=20000
PROBE=vtep_rehash

probe_del() {
	[ -w $TR/kprobe_events ] || return 0
	echo 0 2>/dev/null >"$TR/events/kprobes/$PROBE/enable" || true
	echo "-:$PROBE" 2>/dev/null >>$TR/kprobe_events || true
}
# rehashes: the resizes since the last call, "OLDMASK>NEWSIZE" each, in order
rehashes() {
	sed -n 's/.* old=\([0-9]*\) new=\([0-9]*\).*/\1>\2/p' $TR/trace | paste -sd' '
	echo >$TR/trace
}
# load FILE: vtepctl -batch FILE, as a file (hint) or through a pipe
load_file() { nq h1 "$VTEPCTL" -batch "$1"; }
load_pipe() { nq h1 sh -c "cat '$1' | '$VTEPCTL' -batch -"; }
fdb_count() { nq h1 "$VTEPCTL" link show vtep0 | sed -n 's/.* fdb \([0-9]*\) *$/\1/p'; }
floods() { echo $(( $(stat h1 vtep0 tx_flood) + $(stat h1 vtep0 drop_no_dest) )); }

mountpoint -q $TR || mount -t tracefs nodev $TR
probe_del
# vtep_htab_rehash(struct vtep_htab *tab, u32 size): tab->tbl->mask is
# the first word of the first word of *tab
if ! echo "p:$PROBE vtep:vtep_htab_rehash old=+0(+0(%di)):u32 new=%si:u32" \
	>>$TR/kprobe_events 2>/dev/null; then
	skip "the MAC table's resizes" "no kprobe on vtep_htab_rehash"
	topo_done
fi
echo 1 >"$TR/events/kprobes/$PROBE/enable"
echo 1 >$TR/tracing_on
echo >$TR/trace

vtep_vs_vxlan
for ((i = 0; i < N; i++)); do
	printf 'fdb add 02:00:00:bb:%02x:%02x vni 100 dst 192.0.2.2 dev vtep0\n' \
		$((i >> 8)) $((i & 255))
done >"$TMP/add"
sed 's/^fdb add \([^ ]*\) vni 100 dst [^ ]*/fdb del \1 vni 100/' "$TMP/add" >"$TMP/del"
rehashes >/dev/null

load_file "$TMP/add"
check "a load of $N from a file goes in whole" same "$(fdb_count)" $N
check "and the table took its size in one resize, from 64 buckets to 32768" \
	same "$(rehashes)" "63>32768"

load_file "$TMP/del"
check "its delete empties the table" same "$(fdb_count)" 0
check "which then shrinks back to 64 buckets" \
	wait_for 60 'grep -q "new=64" $TR/trace'
check "in one step, and no other resize came with it" \
	same "$(rehashes)" "32767>64"

load_pipe "$TMP/add"
check "the same load through a pipe (no count to tell) goes in whole" \
	same "$(fdb_count)" $N
r=$(rehashes)
echo "# resizes: $r"
check "and the table grew in steps as it filled, up to 32768" \
	bash -c '[ $(wc -w <<<"$1") -ge 2 ] && [ "${1##*>}" = 32768 ]' _ "$r"
load_file "$TMP/del"
wait_for 60 'grep -q "new=64" $TR/trace'

# v1 -> v2 through a static entry, while the table grows and shrinks
# under it again and again: a lookup that missed would flood the frame
# (h1 has no remote: tx_flood and drop_no_dest count it).
vtepctl_n h1 fdb add 02:00:00:00:02:02 vni 100 dst 192.0.2.2 dev vtep0
nq v1 ip neigh replace 203.0.113.2 lladdr 02:00:00:00:02:02 dev eth0 nud permanent
nq v2 ip neigh replace 203.0.113.1 lladdr 02:00:00:00:01:01 dev eth0 nud permanent
check "v1 reaches v2 through the static entry" ping_ok v1 203.0.113.2
f0=$(floods)
rehashes >/dev/null
nq v1 ping -q -f -c 1000000 -W 1 203.0.113.2 >"$TMP/ping" 2>&1 &
ping_pid=$!
for round in 1 2 3; do
	load_pipe "$TMP/add"
	load_file "$TMP/del"
	wait_for 60 '[ "$(grep -c "new=64" $TR/trace)" -ge $round ]'
done
r=$(rehashes)
pkill -INT -x ping 2>/dev/null	# (the namespace's ping, not its wrapper)
wait $ping_pid
echo "# resizes under traffic: $r"
echo "# $(grep -E 'transmitted|loss' "$TMP/ping")"
check "the table resized under the traffic, growing and shrinking" \
	bash -c '[ $(wc -w <<<"$1") -ge 4 ] && grep -q ">64" <<<"$1"' _ "$r"
check "the pings got replies" \
	bash -c '! grep -q " 0 received" "$1" && grep -q received "$1"' _ "$TMP/ping"
check "and no frame to v2 was flooded: no lookup missed its entry" \
	same "$(floods)" "$f0"

probe_del
topo_done
