#!/bin/bash
# Entry owners (uapi "Owners"): static FDB entries, remotes, peers and
# neighbours each keep the owner a NEW gave them (vtepctl: user unless
# told), report it in dumps and gets, and in the FDB events; learned
# entries are the kernel's, which no request may name. REPLACE gives an
# entry the new owner (a remote or peer that was there, and an FDB entry
# or neighbour whose destination or MAC stays the same, included); DEL
# with an owner deletes only that owner's entry, an FDB list all or none;
# FDB_FLUSH with an owner deletes that owner's static entries only, by
# VNI or across the table. Everything is checked on what the kernel
# answers: dumps through one vtepctl -j -batch, exit statuses, the
# extack texts, the monitor's events.
#
#   ┌ h1 192.0.2.1 ──────────────┐   ┌ h2 192.0.2.2 ──────────────────┐
#   │ br0 ─ vtep0: VNI 100       │───│ vx100 (vxlan) ─ br0 203.0.113.2 │
#   │   untagged, VNI 200 vlan 20│   │ (its ARP is what vtep0 learns)  │
#   └────────────────────────────┘   └─────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vtep_add h1 192.0.2.1
vxlan_add h2 192.0.2.2 100
ipb h2 <<'EOF'
addr add 203.0.113.2/24 dev br0
EOF
n h2 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.1
# The monitor listens before VNI 100 exists: h2's br0 may send (IPv6 DAD,
# MLD) before the ping does, and vtep0 learns its MAC from the first frame.
monitor_start h1 "$TMP/mon" -j monitor
vtepctl_n h1 vni add 100 dev vtep0 untagged
# vtep0 learns br0's MAC of h2 from its ARP (no one answers it), or from
# what it sent before, while the tables load
ip netns exec "${P}h2" ping -q -c 1 -W 1 203.0.113.1 >/dev/null 2>&1 &
PING=$!

# vb [OPTIONS]: vtepctl OPTIONS -batch of stdin in h1 (-force: every
# line tried), its stderr also kept in $TMP/vb.err
vb() {
	local rc=0
	nq h1 "$VTEPCTL" "$@" -batch - 2>"$TMP/vb.err" || rc=$?
	cat "$TMP/vb.err" >&2
	return $rc
}
# fails_with TEXT CMD...: CMD fails with status 2 (the kernel refused it) and TEXT in $TMP/vb.err
fails_with() {
	local rc=0 text=$1
	shift
	"$@" || rc=$?
	[ $rc = 2 ] && file_has "$TMP/vb.err" "$text"
}
# refused N TEXT: N lines of $TMP/vb.err say TEXT
refused() { [ "$(grep -c "$2" "$TMP/vb.err")" = "$1" ]; }

check "the tables load, each entry with its owner" vb <<'EOF'
vni add 200 dev vtep0 vlan 20
fdb add 02:00:00:00:00:01 vni 100 dst 198.51.100.1 dev vtep0 owner evpn
fdb add 02:00:00:00:00:02 vni 100 dst 198.51.100.2 dev vtep0 owner conf
fdb add 02:00:00:00:00:03 vni 100 dst 198.51.100.3 dev vtep0
fdb add 02:00:00:00:00:04 vni 200 dst 198.51.100.4 dev vtep0 owner 200
fdb add 02:00:00:00:00:05 vni 100 dst 198.51.100.5 dev vtep0 owner evpn
fdb add 02:00:00:00:00:06 vni 200 dst 198.51.100.6 dev vtep0 owner unspec
remote add 192.0.2.2 vni 100 dev vtep0 owner evpn
remote add 198.51.100.9 vni 100 dev vtep0 owner hook
peer add 198.51.100.0/24 vni 100 dev vtep0 owner conf
peer add 198.51.100.7 vni 100 dev vtep0
neigh add 203.0.113.50 lladdr 02:00:00:00:00:50 vni 100 dev vtep0 owner evpn
neigh add 2001:db8::50 lladdr 02:00:00:00:00:51 vni 100 dev vtep0 owner hook
EOF

wait $PING || true
check "the learned entry is the kernel's (fdb show owner kernel lists it)" wait_for 20 \
	"[ \"\$(nq h1 $VTEPCTL -j fdb show dev vtep0 learned owner kernel | jq length)\" = 1 ]"

# state: every table of vtep0 as the kernel dumps it, one line per entry,
# sorted (the learned entry without its MAC, which is h2's random one);
# one vtepctl -j -batch and one jq
cat >"$TMP/state.batch" <<'EOF'
fdb show dev vtep0
fdb show 02:00:00:00:00:02 vni 100 dev vtep0
remote show dev vtep0
peer show vni 100 dev vtep0
neigh show dev vtep0
EOF
state() {
	nq h1 "$VTEPCTL" -j -batch "$TMP/state.batch" | jq -r '.[] |
		if has("prefix") then "peer \(.prefix) \(.owner)"
		elif has("lladdr") then "neigh \(.dst) \(.owner)"
		elif has("mac") | not then "remote \(.dst) \(.vni) \(.owner)"
		elif .state == "" then "learned \(.vni) \(.dst) \(.owner)"
		else "fdb \(.mac) \(.vni) \(.dst) \(.owner)" end' | sort
}
# same FILE: the state is FILE's (diff on failure)
same() { state >"$TMP/now" && diff -u "$1" "$TMP/now"; }

cat >"$TMP/want1" <<'EOF'
fdb 02:00:00:00:00:01 100 198.51.100.1 evpn
fdb 02:00:00:00:00:02 100 198.51.100.2 conf
fdb 02:00:00:00:00:02 100 198.51.100.2 conf
fdb 02:00:00:00:00:03 100 198.51.100.3 user
fdb 02:00:00:00:00:04 200 198.51.100.4 200
fdb 02:00:00:00:00:05 100 198.51.100.5 evpn
fdb 02:00:00:00:00:06 200 198.51.100.6 unspec
learned 100 192.0.2.2 kernel
neigh 2001:db8::50 hook
neigh 203.0.113.50 evpn
peer 198.51.100.0/24 conf
peer 198.51.100.7/32 user
remote 192.0.2.2 100 evpn
remote 198.51.100.9 100 hook
EOF
check "dumps and a get report every entry's owner (user by default, numbers, unspec, kernel)" \
	same "$TMP/want1"

check "owner kernel is refused in every table's NEW, with the kernel's reason" \
	fails_with "KERNEL" vb -force <<'EOF'
fdb add 02:00:00:00:00:07 vni 100 dst 198.51.100.7 dev vtep0 owner kernel
remote add 198.51.100.8 vni 100 dev vtep0 owner kernel
peer add 198.51.100.8 vni 100 dev vtep0 owner kernel
neigh add 203.0.113.51 lladdr 02:00:00:00:00:52 vni 100 dev vtep0 owner kernel
EOF
check "... four refusals" refused 4 KERNEL

check "DEL of another owner's entry is refused in every table" \
	fails_with "of another owner" vb -force <<'EOF'
fdb del 02:00:00:00:00:01 vni 100 dev vtep0 owner conf
fdb del 02:00:00:00:00:06 vni 200 dev vtep0 owner user
remote del 198.51.100.9 vni 100 dev vtep0 owner evpn
peer del 198.51.100.0/24 vni 100 dev vtep0 owner user
neigh del 2001:db8::50 vni 100 dev vtep0 owner evpn
EOF
check "... five refusals" refused 5 "another owner"

# An FDB list refused at its first entry (05 is evpn's): the kernel
# applies none of it, and vtepctl (no -force) sends nothing more
check "an FDB delete list whose first entry is of another owner is refused" \
	fails_with "vtep0: FDB entry is of another owner" vb <<'EOF'
fdb del 02:00:00:00:00:05 vni 100 dev vtep0 owner conf
fdb del 02:00:00:00:00:01 vni 100 dev vtep0 owner evpn
fdb del 02:00:00:00:00:03 vni 100 dev vtep0 owner user
EOF
check "... and none of the refusals above changed anything (that list's entries of the right owner included)" \
	same "$TMP/want1"

check "REPLACE gives every table's entry its new owner, destination, MAC or prefix unchanged" vb <<'EOF'
fdb replace 02:00:00:00:00:02 vni 100 dst 198.51.100.2 dev vtep0 owner hook
fdb replace 02:00:00:00:00:06 vni 200 dst 198.51.100.6 dev vtep0 owner conf
remote replace 198.51.100.9 vni 100 dev vtep0 owner conf
peer replace 198.51.100.7 vni 100 dev vtep0 owner evpn
neigh replace 203.0.113.50 lladdr 02:00:00:00:00:50 vni 100 dev vtep0 owner conf
EOF
sed -e 's/^\(fdb 02:00:00:00:00:02 .*\) conf$/\1 hook/' \
	-e 's/^\(fdb 02:00:00:00:00:06 .*\) unspec$/\1 conf/' \
	-e 's/^\(remote 198.51.100.9 100\) hook$/\1 conf/' \
	-e 's/^\(peer 198.51.100.7\/32\) user$/\1 evpn/' \
	-e 's/^\(neigh 203.0.113.50\) evpn$/\1 conf/' "$TMP/want1" >"$TMP/want2"
check "... as the dumps say" same "$TMP/want2"
check "REPLACE with the same owner and destination succeeds (no event: below)" vb <<'EOF'
fdb replace 02:00:00:00:00:03 vni 100 dst 198.51.100.3 dev vtep0 owner user
EOF

check "DEL with the entry's owner deletes it, in every table" vb <<'EOF'
fdb del 02:00:00:00:00:03 vni 100 dev vtep0 owner user
remote del 198.51.100.9 vni 100 dev vtep0 owner conf
peer del 198.51.100.0/24 vni 100 dev vtep0 owner conf
neigh del 2001:db8::50 vni 100 dev vtep0 owner hook
EOF
grep -v -e '^fdb 02:00:00:00:00:03 ' -e '^remote 198.51.100.9 ' \
	-e '^peer 198.51.100.0/24 ' -e '^neigh 2001:db8::50 ' "$TMP/want2" >"$TMP/want3"
check "... and only those" same "$TMP/want3"

check "FDB_FLUSH of a VNI by owner, and of the whole table by owner" vb <<'EOF'
fdb flush dev vtep0 vni 100 owner evpn
fdb flush dev vtep0 owner 200
fdb flush dev vtep0 vni 200 owner hook
EOF
grep -v -e '^fdb 02:00:00:00:00:01 ' -e '^fdb 02:00:00:00:00:05 ' \
	-e '^fdb 02:00:00:00:00:04 ' "$TMP/want3" >"$TMP/want4"
check "... took only those owners' static entries: other owners' and the learned one stay" \
	same "$TMP/want4"

# The events, as the monitor printed them (JSON, one a line): one jq,
# a line per kind
jq -r -R -s 'split("\n") | map(fromjson? // empty) |
	[["fdb_added", "fdb_changed", "fdb_learned"][] as $e |
	[.[] | select(.event == $e) | "\(.mac) \(.owner)"] | sort |
	if $e == "fdb_learned" then map(sub("^[^ ]* "; "")) else . end |
	join(" ")] | .[]' "$TMP/mon" >"$TMP/ev"
mapfile -t EV <"$TMP/ev"
check "FDB_ADDED events carry the owner" test "${EV[0]}" = \
	"02:00:00:00:00:01 evpn 02:00:00:00:00:02 conf 02:00:00:00:00:03 user 02:00:00:00:00:04 200 02:00:00:00:00:05 evpn 02:00:00:00:00:06 unspec"
check "FDB_CHANGED events carry the new owner (a replace that changed only it)" \
	test "${EV[1]}" = "02:00:00:00:00:02 hook 02:00:00:00:00:06 conf"
# (h2's MAC may be learned more than once over the test: each event is
# the kernel's)
diag "owners of the learned events: ${EV[2]:-none}"
check "the learned event is the kernel's" eval '[[ "${EV[2]:-}" =~ ^kernel( kernel)*$ ]]'
monitor_stop

topo_done
