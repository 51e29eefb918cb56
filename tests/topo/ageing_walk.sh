#!/bin/bash
# Ageing walks the FDB only when something in it can age: static entries
# never do, so a device holding only static entries (a controller's, a
# load of a million) is not walked every ageing period for nothing, and
# one that learned something is, and ages it out.
#
# What the ageing work does is counted with kprobes (tracefs): the module's
# vtep_sweep_pass (one walk of a table) and vtep_sweep_match (one entry
# looked at by a walk), and vtep_peer_reap, which the work calls once a
# period, walk or not: the test waits for periods to pass by that count,
# never by the clock.
#
#   ┌ v1 ┐  ┌ h1 ─────────────────────┐     ┌ h2 ──────────────────────┐  ┌ v2 ┐
#   └─┬──┘  │ br0 ─ vtep0 (ours)      │     │ br0 ─ vx100 (kernel vxlan)│  └─┬──┘
#     └─────┤ 192.0.2.1, ageing 1 s   ├─sw──┤ 192.0.2.2                 ├────┘
#           └─────────────────────────┘     └──────────────────────────┘
. "$(dirname "$0")/lib.sh"

TR=/sys/kernel/tracing
N=1000
PROBES="vtep_walk:vtep_sweep_pass vtep_look:vtep_sweep_match vtep_period:vtep_peer_reap"

probes_del() {
	local p
	[ -w $TR/kprobe_events ] || return 0
	for p in $PROBES; do
		echo 0 2>/dev/null >"$TR/events/kprobes/${p%%:*}/enable" || true
		echo "-:${p%%:*}" 2>/dev/null >>$TR/kprobe_events || true
	done
}
# hits NAME: how often the probe NAME fired since it was made
hits() { awk -v p="$1" '$1 == p { print $2 }' $TR/kprobe_profile; }
# entries: "FDB/LEARNED" of VNI 100 on h1's vtep0 (vtepctl vni show)
entries() {
	nq h1 "$VTEPCTL" vni show 100 dev vtep0 |
		sed -n 's/.* fdb \([0-9]*\) learned \([0-9]*\) .*/\1\/\2/p'
}

mountpoint -q $TR || mount -t tracefs nodev $TR
probes_del
for p in $PROBES; do
	echo "p:${p%%:*} vtep:${p#*:}" >>$TR/kprobe_events
	echo 1 >"$TR/events/kprobes/${p%%:*}/enable"
done
echo 0 >$TR/tracing_on		# counted in kprobe_profile, not recorded

vtep_vs_vxlan
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0

# N static entries and nothing else: no frame has crossed vtep0 yet, so
# it has learned nothing, and no local MAC either.
for ((i = 0; i < N; i++)); do
	printf 'fdb add 02:00:00:aa:%02x:%02x vni 100 dst 192.0.2.2 dev vtep0\n' \
		$((i >> 8)) $((i & 255))
done >"$TMP/static"
nq h1 "$VTEPCTL" -batch "$TMP/static"
check "vtep0 holds the $N static entries and has learned nothing" \
	same "$(entries)" "$N/0"

vtepctl_n h1 link set vtep0 ageing 1
period0=$(hits vtep_period) walk0=$(hits vtep_walk)
check "three ageing periods pass (vtep_peer_reap counted)" \
	wait_for 60 '[ "$(hits vtep_period)" -ge $((period0 + 3)) ]'
check "and none walked a table: static entries do not age" \
	same "$(( $(hits vtep_walk) - walk0 ))" 0

# v2 -> v1: vtep0 learns v2's MAC (and records v1's as local). Ageing 3 s
# from here: the entry outlives the checks right after the ping.
vtepctl_n h1 link set vtep0 ageing 3
period0=$(hits vtep_period) walk0=$(hits vtep_walk) look0=$(hits vtep_look)
aged0=$(stat h1 vtep0 fdb_aged)
check "v2 reaches v1 through the kernel's vxlan and vtep0" ping_ok v2 203.0.113.1
check "vtep0 learned v2's MAC" same "$(entries)" "$((N + 1))/1"
check "with a learned entry, the periods walk the table again" \
	wait_for 60 '[ "$(hits vtep_period)" -ge $((period0 + 2)) ] &&
		[ "$(hits vtep_walk)" -gt "$walk0" ]'
check "every entry, static ones included, is looked at" \
	test $(( $(hits vtep_look) - look0 )) -ge $N
check "and the learned entry ages out (fdb_aged)" \
	wait_for 60 '[ "$(stat h1 vtep0 fdb_aged)" -gt "$aged0" ]'
check "the $N static entries stay" same "$(entries)" "$N/0"

probes_del
echo 1 >$TR/tracing_on
topo_done
