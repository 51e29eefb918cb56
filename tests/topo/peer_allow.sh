#!/bin/bash
# The per-VNI peer allow-list (issue 13, part 1). A VNI set to "peers known"
# accepts frames only from its remotes, the destinations of its static FDB
# entries and the prefixes of `vtepctl peer`; anything else is dropped
# before learning or delivery, counted in drop_peer and reported in a
# peer_refused event. Frames are made on the host (tests/frames/mkframes.py)
# and sent from h3 with any outer source of the underlay subnet; h2 is the
# kernel's vxlan, a known peer.
#
#   ┌ v2 ┐                                        ┌ v1 ┐
#   ┌ h2 ┴──────────────┐   ┌ h3 ─────────────┐   ┌ h1 ┴──────────────────┐
#   │ vx100 192.0.2.2   │   │ pcap 192.0.2.3  │   │ vtep0 192.0.2.1       │
#   │ (kernel vxlan)    │   │ sends as .2-.99 │   │ VNI 100 untagged      │
#   └─────────┬─────────┘   └────────┬────────┘   │ VNI 200 vlan 20       │
#             │                      │            │ vtep6 2001:db8::1     │
#   ┌ sw ─────┴──────────────────────┴────────────┴───────────────────────┘
. "$(dirname "$0")/lib.sh"

frames_need "$PCAPSEND" "$FRAMES/peer-192.0.2.2-100-02_00_00_00_0a_01.pcap"
V1=02:00:00:00:01:01 V2=02:00:00:00:02:02
STATIC=02:00:00:00:44:44	# behind 192.0.2.4 (static), sends nothing itself

topo_switch
host_add h1 192.0.2.1 2001:db8::1
host_add h2 192.0.2.2
host_add h3 192.0.2.3 2001:db8::3
# the MACs the frames were made with
ipn h1 link set eth0 address 02:00:00:00:e0:01
ipn h3 link set eth0 address 02:00:00:00:e0:03
vm_add h1 v1 $V1 203.0.113.1
vm_add h2 v2 $V2 203.0.113.2
vtep_add h1 192.0.2.1
vtepctl_n h1 vni add 100 dev vtep0 untagged peers known
vtepctl_n h1 vni add 200 dev vtep0 vlan 20 peers known
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h1 fdb add $STATIC vni 100 dst 192.0.2.4 dev vtep0
vtepctl_n h1 peer add 192.0.2.64/26 vni 100 dev vtep0
vxlan_add h2 192.0.2.2 100 remote 192.0.2.1
vtepctl_n h1 link add vtep6 local 2001:db8::1 port 4790 underlay eth0
vtepctl_n h1 vni add 100 dev vtep6 untagged peers known
vtepctl_n h1 peer add 2001:db8::40/122 vni 100 dev vtep6
ipn h1 link set vtep6 up

monitor_start h1 "$TMP/monitor" monitor

# send SRC,VNI,MAC[,PORT]...: from h3, one VXLAN frame each claiming outer
# source SRC, a broadcast from MAC in VNI (to port 4789 or PORT); its pcap
# is build/frames/peer-SRC-VNI-MAC[-PORT].pcap (":" as "_")
send() {
	local a f=()
	for a; do
		a=${a//:/_}
		f+=("$FRAMES/peer-${a//,/-}.pcap")
	done
	diag "[h3] send $*"
	pcap_send h3 eth0 "${f[@]}"
}
export -f nq
export P
rx() { stat h1 "$1" rx_packets "$2"; }
drops() { stat h1 "$1" drop_peer "$2"; }

check "the VNI says it takes known peers only" \
	bash -c "nq h1 $VTEPCTL vni show 100 dev vtep0 | grep -q 'peers known'"
check "and JSON says so" \
	bash -c "nq h1 $VTEPCTL -j vni show 100 dev vtep0 | grep -q '\"peers\":\"known\"'"

# (A wait that times out is no failure of its own: the checks after it
# say what was counted instead.)
# Known: a remote, a static FDB destination (any inner MAC), a prefix.
send 192.0.2.2,100,02:00:00:00:0a:01 192.0.2.4,100,02:00:00:00:0a:02 192.0.2.70,100,02:00:00:00:0a:03
wait_for 20 'test "$(rx vtep0 100)" -ge 3' || :
check "frames of a remote, a static destination and an allowed prefix are delivered" \
	test "$(rx vtep0 100)" -eq 3
check "and learned from" test "$(fdb_dst h1 vtep0 100 02:00:00:00:0a:03)" = 192.0.2.70
check "nothing was refused" test "$(drops vtep0)" -eq 0

# Strangers: .3 in the VNI, .3 with the static and a learned MAC spoofed,
# every VNI guessed, the remote of 100 in VNI 200, a source just outside
# the prefix.
send 192.0.2.3,100,02:00:00:00:0b:01 192.0.2.3,100,$STATIC 192.0.2.3,100,02:00:00:00:0a:01 \
	192.0.2.3,200,02:00:00:00:0b:02 192.0.2.3,300,02:00:00:00:0b:03 \
	192.0.2.2,200,02:00:00:00:0b:04 192.0.2.128,100,02:00:00:00:0b:05
wait_for 20 'test "$(drops vtep0)" -ge 6' || :
check "strangers' frames are dropped and counted in drop_peer" test "$(drops vtep0)" -eq 6
check "per VNI: 4 in VNI 100" test "$(drops vtep0 100)" -eq 4
check "and 2 in VNI 200 (the remote of VNI 100 is a stranger there)" test "$(drops vtep0 200)" -eq 2
check "a VNI not configured is still unknown, not a peer drop" test "$(stat h1 vtep0 drop_unknown_vni)" -eq 1
check "nothing of theirs was delivered" test "$(rx vtep0 100)" -eq 3 -a "$(rx vtep0 200)" -eq 0
check "nothing was learned from a stranger" test -z "$(fdb_dst h1 vtep0 100 02:00:00:00:0b:01)"
check "a spoofed static MAC still points at its peer" test "$(fdb_dst h1 vtep0 100 $STATIC)" = 192.0.2.4
check "a spoofed learned MAC did not move" test "$(fdb_dst h1 vtep0 100 02:00:00:00:0a:01)" = 192.0.2.2
check "a peer_refused event names the stranger" \
	wait_for 10 "grep -q 'peer_refused 192.0.2.3/32 vni 100 dev vtep0' $TMP/monitor"

# A static destination is known while an entry points at it: replaced, the
# old one is a stranger and the new one known; deleted, neither.
vtepctl_n h1 fdb replace $STATIC vni 100 dst 192.0.2.5 dev vtep0
send 192.0.2.4,100,02:00:00:00:0d:01 192.0.2.5,100,02:00:00:00:0d:02
wait_for 20 'test "$(drops vtep0 100)" -ge 5 -a "$(rx vtep0 100)" -ge 4' || :
check "after fdb replace the old destination is refused" test "$(drops vtep0 100)" -eq 5
check "and the new one is accepted" test "$(rx vtep0 100)" -eq 4
vtepctl_n h1 fdb del $STATIC vni 100 dev vtep0
send 192.0.2.5,100,02:00:00:00:0d:03
wait_for 20 'test "$(drops vtep0 100)" -ge 6' || :
check "after fdb del it is refused too" test "$(drops vtep0 100)" -eq 6 -a "$(rx vtep0 100)" -eq 4

# One destination, static in two VNIs: the first VNI's entries are counted
# in the peer, the second's in the allow table; each VNI knows the peer
# exactly while entries of its own point there, whichever count holds them.
# accepted VNI SRC MAC: one frame from SRC is delivered (else dropped)
accepted() {
	local r0 d0
	r0=$(rx vtep0 "$1") d0=$(drops vtep0 "$1")
	send "$2,$1,$3"
	wait_for 20 "test \$(rx vtep0 $1) -gt $r0 -o \$(drops vtep0 $1) -gt $d0"
	test "$(rx vtep0 "$1")" -gt "$r0"
}
refused() { ! accepted "$@"; }
vtepctl_n h1 fdb add 02:00:00:00:61:01 vni 100 dst 192.0.2.6 dev vtep0
vtepctl_n h1 fdb add 02:00:00:00:61:02 vni 200 dst 192.0.2.6 dev vtep0
check "a destination static in two VNIs is known in the first" accepted 100 192.0.2.6 02:00:00:00:6a:01
check "and in the second" accepted 200 192.0.2.6 02:00:00:00:6a:02
vtepctl_n h1 fdb del 02:00:00:00:61:01 vni 100 dev vtep0
check "its entry of the first VNI deleted, the first refuses it" \
	refused 100 192.0.2.6 02:00:00:00:6a:03
check "and the second still knows it" accepted 200 192.0.2.6 02:00:00:00:6a:04
vtepctl_n h1 fdb add 02:00:00:00:61:03 vni 200 dst 192.0.2.6 dev vtep0
vtepctl_n h1 fdb del 02:00:00:00:61:02 vni 200 dev vtep0
check "a second entry of the second VNI added, the first one deleted: still known" \
	accepted 200 192.0.2.6 02:00:00:00:6a:05
vtepctl_n h1 fdb del 02:00:00:00:61:03 vni 200 dev vtep0
check "its last entry deleted, the second VNI refuses it too" \
	refused 200 192.0.2.6 02:00:00:00:6a:06

# What a static entry behind a destination of its own costs: the entry and
# the peer, two objects of slab. The peer allow-list needs no third (the
# VNI's count is in the peer). Counted in objects, not bytes, so that
# slub_debug's redzones do not matter. The monitor goes first: the batch's
# 20,000 FDB_ADDED events, queued to it and not read yet a second later,
# were counted as the entries' cost (6.12: 8,800 skbs, 258 objects an
# entry, once the guests' slab allocator got faster than its reading).
monitor_stop
NMEM=20000
awk -v n="$NMEM" 'BEGIN { for (i = 0; i < n; i++)
	printf "fdb add 0a:00:00:%02x:%02x:%02x vni 100 dst 2001:db8:1::%x:%x dev vtep6\n",
		int(i / 65536), int(i / 256) % 256, i % 256, int((i + 1) / 65536), (i + 1) % 65536 }' \
	>"$TMP/mem.batch"
objs() { sleep 1; awk 'NR > 2 { n += $2 } END { print n }' /proc/slabinfo; }
vtepctl_n h1 link set vtep6 max-peers 0
O0=$(objs)
vtepctl_n h1 -batch "$TMP/mem.batch"
O1=$(objs)
diag "slab objects per static entry with its own destination: $(( (O1 - O0) * 100 / NMEM ))/100"
check "a static entry with its own destination costs the entry and the peer only" \
	test $(( (O1 - O0) * 100 / NMEM )) -le 230
check "and every entry is in the table" \
	test "$(vjq h1 '(if type == "array" then .[0] else . end).fdb_count' link show vtep6)" = "$NMEM"

# IPv6 underlay: a prefix lets a source in, a stranger stays out.
send 2001:db8::41,100,02:00:00:00:0c:01,4790 2001:db8::3,100,02:00:00:00:0c:02,4790
wait_for 20 'test "$(rx vtep6 100)" -ge 1 -a "$(drops vtep6 100)" -ge 1' ||
	nq h1 "$VTEPCTL" stats show dev vtep6 | grep -v ' 0$' | sed 's/^/# /'
check "IPv6: a source in an allowed prefix is delivered" test "$(rx vtep6 100)" -eq 1
check "IPv6: a stranger is dropped" test "$(drops vtep6 100)" -eq 1

# The kernel's vxlan on h2 is a remote: the overlay works, and switching the
# mode back and forth under its traffic loses none of its frames.
check "v2 (behind the kernel's vxlan, a remote) reaches v1" ping_ok v2 203.0.113.1
before=$(drops vtep0)
ip netns exec "${P}v2" ping -q -i 0.05 -c 100 203.0.113.1 >"$TMP/ping" 2>&1 &
ping_pid=$!
# (one netns exec for the 40 vtepctl runs)
nq h1 bash -c 'for i in $(seq 20); do
	"$0" vni set 100 dev vtep0 peers any && "$0" vni set 100 dev vtep0 peers known || exit 1
done' "$VTEPCTL"
wait $ping_pid || true
check "switching the mode 40 times under traffic dropped none of the peer's frames" \
	test "$(drops vtep0)" -eq "$before"
check "and every ping came back" grep -q " 0% packet loss" "$TMP/ping"

# Taking the remote away makes h2 a stranger; "peers any" lets all in again.
vtepctl_n h1 remote del 192.0.2.2 vni 100 dev vtep0
check "without its remote entry, h2 is refused" \
	bash -c "! ip netns exec ${P}v2 ping -c 2 -W 1 203.0.113.1 >/dev/null"
check "and counted" test "$(drops vtep0 100)" -gt 6
vtepctl_n h1 vni set 100 dev vtep0 peers any
check "peers any (the default) accepts any source again" ping_ok v2 203.0.113.1
vtepctl_n h1 vni set 100 dev vtep0 peers known
vtepctl_n h1 peer add 192.0.2.2 vni 100 dev vtep0
check "an explicit address lets h2 in" ping_ok v2 203.0.113.1

# The control plane's side: listing, duplicates, limits, errors.
check "peer show lists the allowances" \
	bash -c "nq h1 $VTEPCTL peer show vni 100 dev vtep0 | sed 's/ *\$//' | sort | paste -sd';' | grep -qx '192.0.2.2/32 owner user vni 100 dev vtep0;192.0.2.64/26 owner user vni 100 dev vtep0'"
check "add of a listed prefix is refused (exit 2)" \
	bash -c "nq h1 $VTEPCTL peer add 192.0.2.64/26 vni 100 dev vtep0; test \$? = 2"
check "replace of a listed prefix succeeds" nq h1 "$VTEPCTL" peer replace 192.0.2.64/26 vni 100 dev vtep0
check "a prefix is stored masked: 192.0.2.99/26 is 192.0.2.64/26" \
	bash -c "nq h1 $VTEPCTL peer add 192.0.2.99/26 vni 100 dev vtep0; test \$? = 2"
check "a peer of another family is refused" \
	bash -c "nq h1 $VTEPCTL peer add 2001:db8::9 vni 100 dev vtep0 2>$TMP/err; test \$? = 2 && grep -q family $TMP/err"
check "a VNI not on the device is refused" \
	bash -c "nq h1 $VTEPCTL peer add 192.0.2.9 vni 999 dev vtep0; test \$? = 2"
check "vtepctl refuses a prefix longer than the address (exit 1, nothing sent)" \
	bash -c "nq h1 $VTEPCTL peer add 192.0.2.9/33 vni 100 dev vtep0; test \$? = 1"
for i in $(seq 0 14); do nq h1 "$VTEPCTL" peer add 203.0.113.$((i * 16))/28 vni 100 dev vtep0 2>/dev/null || true; done
check "a 17th short prefix is refused (at most 16)" \
	bash -c "nq h1 $VTEPCTL peer add 198.51.100.0/24 vni 100 dev vtep0 2>$TMP/err; test \$? = 2 && grep -q 'Too many' $TMP/err"
check "del of an allowance" nq h1 "$VTEPCTL" peer del 192.0.2.2 vni 100 dev vtep0
check "del of one not there fails, -ignore-missing makes it succeed" \
	bash -c "! nq h1 $VTEPCTL peer del 192.0.2.2 vni 100 dev vtep0 2>/dev/null && nq h1 $VTEPCTL -ignore-missing peer del 192.0.2.2 vni 100 dev vtep0"
check "h2 is refused once more" \
	bash -c "! ip netns exec ${P}v2 ping -c 2 -W 1 203.0.113.1 >/dev/null"
check "deleting the VNI and the device leaves nothing behind (no warning)" \
	bash -c "nq h1 $VTEPCTL vni del 100 dev vtep0 && ip -n ${P}h1 link del vtep0 && ip -n ${P}h1 link del vtep6 && ! dmesg | grep -q 'WARNING'"

topo_done
