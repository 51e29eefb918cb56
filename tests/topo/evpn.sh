#!/bin/bash
# BGP EVPN: vtep-evpn beside gobgpd on two vtep hosts, FRR's bgpd as the
# route reflector, and a kernel-vxlan host running FRR (zebra + bgpd,
# advertise-all-vni). Nothing is programmed by hand: replication lists and
# FDB entries come from type-3 and type-2 routes only.
#
#   v11 v12 (VNI 100, 200)   v21 v22              v31 v32 (IPv4 only)
#   ┌ h1 ──────────────┐ ┌ h2 ──────────────┐ ┌ h3 ─────────────────┐ ┌ rr ──────┐
#   │ br0 (vlan 10,20) │ │ br0 (vlan 10,20) │ │ br100 ─ vx100       │ │ FRR bgpd │
#   │  ─ vtep0         │ │  ─ vtep0         │ │ br200 ─ vx200       │ │ reflector│
#   │ gobgpd+vtep-evpn │ │ gobgpd+vtep-evpn │ │ FRR zebra+bgpd      │ │          │
#   │ 192.0.2.1        │ │ 192.0.2.2        │ │ 192.0.2.3           │ │192.0.2.254
#   └──────┬───────────┘ └──────┬───────────┘ └──────┬──────────────┘ └────┬─────┘
#   ┌ sw ──┴────────────────────┴────────────────────┴─────────────────────┴─────┐
#   └────────────────────────────────────────────────────────────────────────────┘
# VNI 100 = VLAN 10 on the vtep hosts, VMs 203.0.113.1x; VNI 200 = VLAN 20,
# VMs 203.0.113.2x: the same subnet, so a frame that crossed tenants would
# be answered. The vtep hosts' VMs have IPv6 too (2001:db8::1x, ::2x). The
# agents learn their VMs' addresses from ARP and ND, advertise MAC+IP
# routes, fill the other host's neighbour table and, with "suppress on",
# the device answers the VMs' ARP and NS for remote VMs itself.
. "$(dirname "$0")/lib.sh"
T_START=${EPOCHREALTIME/./}

AGENT=$TOPO_REPO/userspace/evpn/vtep-evpn
GOBGP_OPTS=()
ASN=65000
RR=192.0.2.254
# MACs behind h1 that must converge on h2 and on the FRR host: 300 in
# make check (1,000 took 48 s a kernel, adding and withdrawing, at about
# 20 ms a MAC through both agents and three BGP speakers), 1,000 under
# SOAK=1; bench/evpn_scale.py measures the agent at 100,000 on the host
if [ "${SOAK:-0}" = 1 ]; then
	EVPN_MACS=${EVPN_MACS:-1000}
else
	EVPN_MACS=${EVPN_MACS:-300}
fi
# more agent options; EVPN_AGENT_ARGS="--snoop off" shows that the MAC+IP
# and suppression checks fail without the agent's address learning
read -ra AGENT_ARGS <<<"${EVPN_AGENT_ARGS:-}"
# duplicate detection after 4 moves (FRR's default, 5, would take one more
# round of announcements below); the moves of section (d) count 2 a host
AGENT_ARGS=(--dup-max-moves 4 "${AGENT_ARGS[@]}")

need_evpn "BGP EVPN" /usr/bin/tcpdump /usr/bin/tshark

# The daemons and the topology: evpn_topo.inc
. "$(dirname "$0")/evpn_topo.inc"

# ---- (a) peering ----
established() { gobgp_n "$1" neighbor 2>/dev/null | grep -q 'Establ'; }
# (the hint: gobgpd logs "Peer Up"; gobgp itself, a Go program, is asked
# when it did, or every 3 s)
check "gobgpd on h1 peers with the reflector" \
	poll_hint 60 "count_in '$TMP/gobgpd-h1.log' 'Peer Up'; [ \$COUNT -gt 0 ]" 'established h1'
check "gobgpd on h2 peers with the reflector" \
	poll_hint 60 "count_in '$TMP/gobgpd-h2.log' 'Peer Up'; [ \$COUNT -gt 0 ]" 'established h2'
check "FRR on h3 peers with the reflector" \
	poll_in h3 60 "vtysh -N ${P}h3 -c 'show bgp neighbors $RR' 2>/dev/null | grep -q 'BGP state = Established'" 0.3
diag "sessions up $(((${EPOCHREALTIME/./} - T_START) / 1000)) ms after the script began"

# ---- (b) type 3: replication lists ----
check "h1's replication lists: h2 and h3 in both VNIs (type 3)" \
	poll_for 60 "want_rem h1 '100/192.0.2.2 100/192.0.2.3 200/192.0.2.2 200/192.0.2.3'"
check "h2's replication lists: h1 and h3 in both VNIs (type 3)" \
	poll_for 60 "want_rem h2 '100/192.0.2.1 100/192.0.2.3 200/192.0.2.1 200/192.0.2.3'"
diag "h1 remotes: $(remotes h1)"
for vni in 100 200; do
	check "h3's vx$vni floods to h1 and h2 (00:00:00:00:00:00 entries from type 3)" \
		poll_for 60 "[ \"\$(flood_dsts h3 vx$vni)\" = 'dst 192.0.2.1 dst 192.0.2.2 ' ]"
done
diag "h3's vx100 flood entries: $(flood_dsts h3 vx100)"
if [ "$TAP_FAIL" != 0 ]; then
	show_logs 30
	bridge -n "${P}h3" fdb show | grep -E 'vx(100|200)' | sed 's/^/#   h3: /'
	vtysh_n rr 'show bgp l2vpn evpn' 2>/dev/null | sed 's/^/#   /'
	topo_done
fi

# ARP/ND capture: one packet socket on each VM port of h1's bridge (not
# one on every interface of the host, not on vtep0)
ports_want=$(printf '%s\n' "$(ifindex h1 v-v11)" "$(ifindex h1 v-v12)" | sort -n | tr '\n' ' ')
check "h1's agent captures ARP/ND on its VM ports v-v11 and v-v12, one socket each, on no other interface" \
	poll_for 10 "[ \"\$(packet_ifaces h1)\" = '$ports_want' ]"
diag "h1's ETH_P_ALL packet sockets: interfaces $(packet_ifaces h1)(v-v11, v-v12: $ports_want)"

# ---- (c) type 2: every VM reaches the others of its VNI ----
announce_vms
for a in 1 2 3; do
	for b in 1 2 3; do
		[ $a = $b ] && continue
		check "VNI 100: v${a}1 reaches v${b}1" ping_ok v${a}1 203.0.113.1$b
		check "VNI 200: v${a}2 reaches v${b}2" ping_ok v${a}2 203.0.113.2$b
	done
done
isolation_checks "isolation: v11 (VNI 100) does not reach v22's address (VNI 200)" \
	"isolation: v32 (VNI 200) does not reach v21's address (VNI 100)"

# static_dst NS VNI MAC: where NS's static entry for MAC points ("" if none)
static_dst() {
	nq "$1" "$VTEPCTL" fdb show dev vtep0 vni "$2" static |
		awk -v m="$3" 'tolower($1) == m { for (i = 2; i < NF; i++) if ($i == "dst") print $(i + 1) }'
}
check "h1 has a static entry for v21 (VNI 100) to h2, from its type 2" \
	poll_for 30 "[ \"\$(static_dst h1 100 02:00:00:00:02:01)\" = 192.0.2.2 ]"
check "h1 has a static entry for v31 (VNI 100) to h3, from FRR's type 2" \
	poll_for 30 "[ \"\$(static_dst h1 100 02:00:00:00:03:01)\" = 192.0.2.3 ]"
check "h2 has a static entry for v12 (VNI 200) to h1" \
	poll_for 30 "[ \"\$(static_dst h2 200 02:00:00:00:01:02)\" = 192.0.2.1 ]"
check "FRR installed v11's MAC on h3's vx100 towards h1" \
	poll_for 30 "bridge -n ${P}h3 fdb show dev vx100 | grep -q '02:00:00:00:01:01 dst 192.0.2.1'"
macip_frr() { vtysh_n h3 'show bgp l2vpn evpn route type macip'; }
check "h1's MAC-only type 2 for v11 reaches FRR (no IP, not 0.0.0.0)" \
	bash -c "out=\$(ip netns exec ${P}h3 vtysh -N ${P}h3 -c 'show bgp l2vpn evpn route type macip' 2>/dev/null)
		grep -Eq '\[48\]:\[02:00:00:00:01:01\]( |\$)' <<<\"\$out\" &&
		! grep -q '\[48\]:\[02:00:00:00:01:01\]:\[32\]:\[0.0.0.0\]' <<<\"\$out\""

[ "$TAP_FAIL" = 0 ] || show_logs 20

# ---- MAC+IP routes and ARP/ND suppression ----
# The pings above had each VM send ARP; now v11 and v21 speak IPv6 (NS and
# NA). h2's agent learns v21's addresses from what v21 sends, advertises
# MAC+IP routes; h1's agent makes them neighbours of VNI 100.
M11=02:00:00:00:01:01 M21=02:00:00:00:02:01
check "VNI 100: v11 reaches v21 over IPv6" retry 10 nq v11 ping -6 -q -c 1 -W 2 2001:db8::12
check "VNI 100: v21 reaches v11 over IPv6" retry 10 nq v21 ping -6 -q -c 1 -W 2 2001:db8::11
# rib_has NS MAC IP...: gobgpd on NS holds a type 2 for MAC and each IP
# ("<nil>": MAC only); one look at the RIB for all of them
rib_has() {
	local rib ip
	rib=$(gobgp_n "$1" global rib -a evpn 2>/dev/null) || return 1
	for ip in "${@:3}"; do
		grep -qF "[mac:$2][ip:$ip]" <<<"$rib" || return 1
	done
}
check "h2 advertises v21's MAC+IP route for its IPv4 address (from its ARP), seen in h1's gobgpd" \
	poll_for 30 "rib_has h1 $M21 203.0.113.12"
check "... and for its IPv6 address (from its NS/NA)" poll_for 30 "rib_has h1 $M21 2001:db8::12"
check "... and still the MAC-only route" rib_has h1 $M21 '<nil>'
check "h1 advertises v11's MAC+IP routes (IPv4, IPv6)" \
	poll_for 30 "rib_has h1 $M11 203.0.113.11 2001:db8::11"
check "v12's (VNI 200) MAC+IP route reaches h2's gobgpd" \
	poll_for 30 "rib_has h2 02:00:00:00:01:02 203.0.113.21"
check "FRR on h3 shows v21's MAC+IP routes" \
	poll_for 30 "out=\$(macip_frr) && grep -qF '[48]:[$M21]:[32]:[203.0.113.12]' <<<\"\$out\" &&
		grep -qF '[48]:[$M21]:[128]:[2001:db8::12]' <<<\"\$out\""
# neigh_mac NS VNI IP: the MAC of IP in NS's neighbour table of VNI
neigh_mac() {
	nq "$1" "$VTEPCTL" neigh show dev vtep0 vni "$2" |
		awk -v ip="$3" '$1 == ip && $2 == "lladdr" { print tolower($3) }'
}
check "h1's neighbour table of VNI 100 has v21's IPv4 address with its MAC" \
	poll_for 30 "[ \"\$(neigh_mac h1 100 203.0.113.12)\" = $M21 ]"
check "... and its IPv6 address" poll_for 30 "[ \"\$(neigh_mac h1 100 2001:db8::12)\" = $M21 ]"
check "... and not in VNI 200's" test -z "$(neigh_mac h1 200 203.0.113.12)"
check "h2's has v11's addresses" \
	poll_for 30 "[ \"\$(neigh_mac h2 100 203.0.113.11)\" = $M11 ] && [ \"\$(neigh_mac h2 100 2001:db8::11)\" = $M11 ]"

# ---- vtep-evpn show: the agents' state, from their control sockets ----
json_ok() { show_j "$1" >"$TMP/show-$1.json" && /usr/bin/python3 -m json.tool "$TMP/show-$1.json" >/dev/null; }
check "vtep-evpn show -j on h1 answers one JSON document (python3 -m json.tool)" json_ok h1
show_lines h1 >"$TMP/show-h1" 2>&1 || true
show_lines h2 >"$TMP/show-h2" 2>&1 || true
sed 's/^/# h1 show: /' "$TMP/show-h1" | grep -v '^# h1 show: remote 100 02:ee' | head -n 20
# what show says against what the checks above saw through vtepctl and gobgp
check "h1's show: the session with the reflector is Established" grep -qx "peer $RR Established" "$TMP/show-h1"
check "h1's show: the remote VTEPs of each VNI are its replication lists" \
	test "$(awk '$1 == "vteps" { for (i = 3; i <= NF; i++) print $2 "/" $i }' "$TMP/show-h1" | sort | tr '\n' ' ')" = "$(remotes h1) "
check "h1's show: FRR's v31 (VNI 100) and v32 (VNI 200) remote at h3, where its static FDB points them" \
	bash -c "grep -q '^remote 100 02:00:00:00:03:01 $(static_dst h1 100 02:00:00:00:03:01) ' '$TMP/show-h1' &&
		grep -q '^remote 200 02:00:00:00:03:02 $(static_dst h1 200 02:00:00:00:03:02) ' '$TMP/show-h1' &&
		[ '$(static_dst h1 100 02:00:00:00:03:01)' = 192.0.2.3 ]"
check "h1's show: h2's v21 remote at h2 with the addresses of its neighbour entries" \
	bash -c "[ '$(neigh_mac h1 100 203.0.113.12) $(neigh_mac h1 100 2001:db8::12)' = '$M21 $M21' ] &&
		grep -qx 'remote 100 $M21 $(static_dst h1 100 $M21) 0 2001:db8::12,203.0.113.12' '$TMP/show-h1'"
check "h1's show: local v11 on v-v11 with sequence 0 and the addresses h2 has as neighbours" \
	bash -c "[ '$(neigh_mac h2 100 203.0.113.11) $(neigh_mac h2 100 2001:db8::11)' = '$M11 $M11' ] &&
		grep -qx 'local 100 $M11 v-v11 0 2001:db8::11,203.0.113.11' '$TMP/show-h1'"
check "h1's show: local v12 (VNI 200) on v-v12" grep -q '^local 200 02:00:00:00:01:02 v-v12 0 ' "$TMP/show-h1"
check "h2's show: h1's v11 remote at h1, its own v21 local" \
	bash -c "grep -q '^remote 100 $M11 192.0.2.1 0 ' '$TMP/show-h2' && grep -q '^local 100 $M21 v-v21 0 ' '$TMP/show-h2'"
nq h1 /usr/bin/python3 "$AGENT" show --control "$TMP/evpn-h1.sock" >"$TMP/show-h1.txt" 2>&1 || true
check "vtep-evpn show (the table) on h1 lists the session, v21 remote at h2 and v11 local" \
	bash -c "grep -Eq '^$RR +Established +up ' '$TMP/show-h1.txt' &&
		grep -Eq '^  $M21 +remote +192\.0\.2\.2 +0 ' '$TMP/show-h1.txt' &&
		grep -Eq '^  $M11 +local +v-v11 +0 ' '$TMP/show-h1.txt'"
[ "$TAP_FAIL" = 0 ] || sed 's/^/#   /' "$TMP/show-h1.txt"
# The fabric as h1's agent shows it and as FRR's zebra on h3 has it: the
# same MACs of VNIs 100 and 200 behind the same VTEPs with the same
# sequence numbers, the same addresses on them (tests/topo/evpn_view.py
# puts both in one form). Polled: an address h1 learned a moment ago may
# still be on its way to h3.
views_agree() {
	local view="/usr/bin/python3 $TOPO_REPO/tests/topo/evpn_view.py --vnis 100,200"
	show_j h1 >"$TMP/view-h1.json" &&
		vtysh_n h3 'show evpn mac vni all json' >"$TMP/frr-macs.json" &&
		vtysh_n h3 'show evpn arp-cache vni all json' >"$TMP/frr-arps.json" &&
		$view agent 192.0.2.1 "$TMP/view-h1.json" >"$TMP/view-h1" &&
		$view frr 192.0.2.3 "$TMP/frr-macs.json" "$TMP/frr-arps.json" >"$TMP/view-h3" &&
		grep -q "^mac 100 $M11 192.0.2.1 0\$" "$TMP/view-h1" &&
		grep -q "^mac 200 02:00:00:00:03:02 192.0.2.3 0\$" "$TMP/view-h1" &&
		cmp -s "$TMP/view-h1" "$TMP/view-h3"
}
views_agree_shown() {
	poll_for 30 views_agree && return 0
	echo "h1's agent ($(wc -l <"$TMP/view-h1") lines) against FRR on h3 ($(wc -l <"$TMP/view-h3")):"
	diff "$TMP/view-h1" "$TMP/view-h3" | head -n 20
	return 1
}
check "h1's show -j and FRR's zebra on h3 (evpn mac, arp-cache json) agree: MACs, VTEPs, sequences, addresses" \
	views_agree_shown
diag "the views compared: $(grep -c '^mac' "$TMP/view-h1") MACs, $(grep -c '^ip' "$TMP/view-h1") addresses"
# suppress_states: the suppress state of each VNI of h1's and h2's vtep0
suppress_states() {
	for h in h1 h2; do nq $h "$VTEPCTL" vni show dev vtep0; done |
		awk '{ s = "none"; for (i = 1; i < NF; i++) if ($i == "suppress") s = $(i + 1); print s }' | sort | tr '\n' ' '
}
check "the agents switched suppression on in both VNIs (suppress on)" \
	test "$(suppress_states)" = "on on on on "
diag "h1 neighbours: $(nq h1 "$VTEPCTL" neigh show dev vtep0 | tr '\n' ';')"

# v21 silenced (it ignores ARP, its IPv6 is off): only h1's device can answer.
# The captures end on a marker h1 sends the reflector (underlay_cap) and
# are decoded once by tcpdump, not by a tshark per check.
ask() { nq v11 "$NDASK" "$@"; }
nq v21 sysctl -qw net.ipv4.conf.eth0.arp_ignore=8 net.ipv6.conf.eth0.disable_ipv6=1
a0=$(stat h1 vtep0 arp_suppressed) n0=$(stat h1 vtep0 nd_suppressed)
underlay_cap h1 $RR evarp ask arp 203.0.113.11 203.0.113.12
diag "answer: $(<"$TMP/evarp.out")"
check "v11's ARP request for v21 is answered on h1 with v21's MAC (v21 is silent)" \
	test "$(<"$TMP/evarp.out")" = "2 $M21 203.0.113.12 $M11 203.0.113.11 $M21 $M11"
check "... and not sent over the underlay" test "$(arp_reqs evarp 203.0.113.12)" = 0
check "... counted in h1's arp_suppressed" test "$(stat h1 vtep0 arp_suppressed)" -gt "$a0"
underlay_cap h1 $RR evns ask ns 2001:db8::11 2001:db8::12
diag "answer: $(<"$TMP/evns.out")"
check "v11's NS for v21 is answered on h1: solicited, override, v21's MAC" \
	test "$(<"$TMP/evns.out")" = "2001:db8::12 $M21 1 1 0 2001:db8::12 2001:db8::11 255 $M21 $M11"
check "... and not sent over the underlay" test "$(ns_reqs evns 2001:db8::12)" = 0
check "... counted in h1's nd_suppressed" test "$(stat h1 vtep0 nd_suppressed)" -gt "$n0"
nq v21 sh -ec "sysctl -qw net.ipv4.conf.eth0.arp_ignore=0 net.ipv6.conf.eth0.disable_ipv6=0
	ip addr add 2001:db8::12/64 dev eth0 nodad"
# v11's own kernel, its neighbour cache emptied
ipn v11 neigh flush dev eth0
underlay_cap h1 $RR evping ping_ok v11 203.0.113.12
check "v11's kernel resolves v21 from h1's answer and pings it" \
	bash -c "ip -n ${P}v11 neigh show 203.0.113.12 dev eth0 | grep -qi 'lladdr $M21'"
check "... with no ARP request for it on the underlay" test "$(arp_reqs evping 203.0.113.12)" = 0
# the capture decodes what VXLAN carries: the "none" above are not blind
check "... while its echo requests to v21 are on the underlay, in VXLAN" \
	grep -qF 'IP 203.0.113.11 > 203.0.113.12: ICMP echo request' "$TMP/evping.txt"
check "v11 reaches v21 again" ping_ok v11 203.0.113.12

# ---- (d) MAC moves with sequence numbers: v21's MAC h2 -> h1 -> h2 ----
M=02:00:00:00:02:01
seq_on() { gobgp_n "$1" global rib -a evpn 2>/dev/null | grep "mac:$M\\]" | grep -o 'mac-mobility: [0-9]*' | sort -u | tr '\n' ' '; }
# The VM leaves h2 without its port going away: h2's bridge keeps a stale
# entry for the MAC (as after a live migration), the agent must drop it.
printf '%s\n' "addr flush dev eth0" "link set eth0 address 02:00:00:00:02:99" >"$TMP/v21-leave.ip"
ip -n "${P}v21" -batch "$TMP/v21-leave.ip"
ip netns add "${P}m1"
NSLIST+=(m1)
ip link add name eth0 netns "${P}m1" address $M type veth peer name v-m1 netns "${P}h1"
printf '%s\n' "link set lo up" "addr add 203.0.113.12/24 dev eth0" "link set eth0 mtu $VM_MTU up" >"$TMP/setup-m1.ip"
printf '%s\n' "link set v-m1 master br0 up" >"$TMP/setup-h1m.ip"
ip -n "${P}h1" -batch "$TMP/setup-h1m.ip"
bridge -n "${P}h1" vlan del vid 1 dev v-m1
bridge -n "${P}h1" vlan add vid 10 dev v-m1 pvid untagged
check "h1's agent captures on the port that joined its bridge (v-m1)" \
	poll_for 10 "packet_ifaces h1 | grep -qw '$(ifindex h1 v-m1)'"
diag "h1's ETH_P_ALL packet sockets: interfaces $(packet_ifaces h1) (v-m1: $(ifindex h1 v-m1))"
nq m1 sh -ec "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -batch '$TMP/setup-m1.ip'"
# The bound on a move's outage and on a stopped VM's withdrawal: the BGP
# path (agent, gobgpd, FRR) takes 0.3-1 s in a TCG guest alone, up to 1.7 s
# while the other kernel's guest runs beside it (make check runs both).
WITHIN_MS=${EVPN_WITHIN_MS:-3000}
# resumed NS T0: from NS's pinger's output, print "MS YES": MS the time
# from T0 (ns) to the first reply received after it ("none": no reply at
# all), YES "yes" if a request sent within WITHIN_MS after T0 was
# answered (a reply's send time is its receive time less its round trip)
resumed() {
	awk -v t0="$2" -v win="$WITHIN_MS" '
		BEGIN { t0 /= 1e6; ok = "no" }
		/bytes from/ {
			gsub(/[][]/, "", $1); t = $1 * 1000
			split($0, a, "time="); sent = t - (a[2] + 0)
			if (first == "" && t > t0) first = int(t - t0)
			if (sent >= t0 && sent <= t0 + win) ok = "yes"
		}
		END { print (first == "" ? "none" : first), ok }' "$TMP/ping.$1"
}
# announce VM PEER: PEER starts pinging the VM's address every 100 ms
# (iputils: -D stamps each reply with the clock of `date +%s%N`), then,
# once the pinger runs (pinger_up), the VM announces itself (QEMU
# and Linux guests send a gratuitous ARP after a migration); t0 is the
# announce's time. The outage a move causes is thus measured on the
# traffic itself.
# pinger_up PID: PID is ping by now (ip netns exec has exec'd it) and
# holds its socket (ping's output is buffered until its first reply)
pinger_up() {
	local c f
	{ read -r c <"/proc/$1/comm"; } 2>/dev/null || return 1
	[ "$c" = ping ] || return 1
	for f in /proc/$1/fd/*; do
		[ -S "$f" ] && return 0
	done
	return 1
}
announce() {
	ip netns exec "$P$2" ping -D -n -i 0.1 -W 10 203.0.113.12 >"$TMP/ping.$2" 2>&1 &
	PINGER=$!
	poll_for 10 "pinger_up $PINGER" || true
	t0=$(date +%s%N)
	nq "$1" busybox arping -q -U -c 1 -I eth0 203.0.113.12 || true
}
# check_resumed MOVE PEER: stop PEER's ping once a request sent within
# WITHIN_MS after the announce was answered (the verdict cannot change
# after that), else WITHIN_MS + 1 s after the announce; was it answered?
check_resumed() {
	local r
	until [ "$(date +%s%N)" -ge $((t0 + (WITHIN_MS + 1000) * 1000000)) ]; do
		r=$(resumed "$2" "$t0")
		[ "${r#* }" = yes ] && break
		sleep 0.1
	done
	kill -INT "$PINGER" 2>/dev/null; wait "$PINGER" 2>/dev/null || true
	r=$(resumed "$2" "$t0")
	diag "move $1: $2's ping (every 100 ms) to the VM answered again ${r% *} ms after the announce"
	check "move $1: $2's ping resumes within $((WITHIN_MS / 1000)) s of the announce (a request sent in it is answered)" \
		test "${r#* }" = yes
}
# h1's bridge learns the MAC on its new port, the agent advertises it;
# v31 (behind the FRR host) pings the VM throughout.
announce m1 v31
ms=$(poll_ms h2 "$t0" 20000 "$(has_dst 100 $M 192.0.2.1)")
check "h2 points the moved MAC at h1" test "$(static_dst h2 100 $M)" = 192.0.2.1
diag "move 1: h2's FDB followed in $ms ms from the VM's announce"
check "FRR's kernel FDB on h3 points the MAC at h1" \
	poll_for 30 "bridge -n ${P}h3 fdb show dev vx100 | grep -q '$M dst 192.0.2.1'"
check "moved VM (now behind h1) reaches v31 behind the FRR host" ping_ok m1 203.0.113.13
check_resumed 1 v31
check "h1 advertises the moved MAC with MAC mobility sequence 1 (seen in h2's gobgpd)" \
	poll_for 15 "[ \"\$(seq_on h2)\" = 'mac-mobility: 1 ' ]"
check "h2 dropped its stale bridge entry for the MAC" \
	poll_for 10 "! bridge -n ${P}h2 fdb show br br0 | grep -q '^$M dev v-v21'"
check "v31 reaches the moved VM" ping_ok v31 203.0.113.12
# and back: m1 leaves h1 the same way, v21 takes its MAC again on h2
printf '%s\n' "addr flush dev eth0" "link set eth0 address 02:00:00:00:02:98" >"$TMP/m1-leave.ip"
ip -n "${P}m1" -batch "$TMP/m1-leave.ip"
printf '%s\n' "link set eth0 address $M" "addr add 203.0.113.12/24 dev eth0" >"$TMP/v21-back.ip"
ip -n "${P}v21" -batch "$TMP/v21-back.ip"
announce v21 v11
ms=$(poll_ms h1 "$t0" 20000 "$(has_dst 100 $M 192.0.2.2)")
check "h1 points the MAC back at h2" test "$(static_dst h1 100 $M)" = 192.0.2.2
diag "move 2: h1's FDB followed in $ms ms from the VM's announce"
check "VM back on h2 reaches v11" ping_ok v21 203.0.113.11
check_resumed 2 v11
check "h2 advertises it with sequence 2 (seen in h1's gobgpd)" \
	poll_for 15 "[ \"\$(seq_on h1)\" = 'mac-mobility: 2 ' ]"
check "FRR's kernel FDB on h3 points the MAC back at h2" \
	poll_for 30 "bridge -n ${P}h3 fdb show dev vx100 | grep -q '$M dst 192.0.2.2'"
check "v31 reaches v21 again" ping_ok v31 203.0.113.12
moved_agree() { views_agree_shown && grep -q "^mac 100 $M 192.0.2.2 2\$" "$TMP/view-h1"; }
check "after the moves, h1's show -j and FRR on h3 agree again, the MAC at h2 with sequence 2" moved_agree
ip netns del "${P}m1"

# ---- IP mobility: a virtual IP moves from v11 (h1) to v21 (h2) ----
# v21's MAC+IP route for it must beat v11's (sequence 1 over 0; before,
# both were at 0 and the lower next hop, h1's, kept winning), h1 must
# withdraw its own, and every VTEP, FRR's too, must answer with v21's MAC.
# (After the MAC moves above: the VIP's route, at sequence 1, would make
# the next move of v21's MAC take sequence 2, as it must.)
VIP=203.0.113.99
# garp NS [ADDR]: NS's gratuitous ARP for ADDR (the VIP)
garp() { nq "$1" busybox arping -q -U -c 1 -I eth0 "${2:-$VIP}" || true; }
nq v11 ip addr add $VIP/24 dev eth0
garp v11
check "VIP $VIP on v11: h2's neighbour table answers it with v11's MAC" \
	poll_for 20 "[ \"\$(neigh_mac h2 100 $VIP)\" = $M11 ]"
nq v11 ip addr del $VIP/24 dev eth0
nq v21 ip addr add $VIP/24 dev eth0
t0=$(date +%s%N)
garp v21
ms=$(poll_ms h1 "$t0" 20000 "[ \"\$(\"\$VTEPCTL\" neigh show dev vtep0 vni 100 | awk '\$1 == \"$VIP\" { print tolower(\$3) }')\" = $M21 ]")
diag "VIP moved: h1's neighbour table followed after $ms ms (the poll stops at 20000)"
check "VIP moved to v21: h1's neighbour table answers it with v21's MAC" \
	test "$(neigh_mac h1 100 $VIP)" = $M21
# its sequence: above v11's route's (0), and at least v21's MAC's (2 after
# the moves above): the higher of the two
vip_seq() {
	gobgp_n h1 global rib -a evpn 2>/dev/null | grep -F "[mac:$M21][ip:$VIP]" |
		grep -o 'mac-mobility: [0-9]*' | grep -o '[0-9]*$'
}
check "VIP moved to v21: h2 advertises it at a MAC mobility sequence above v11's route's (seen in h1's gobgpd)" \
	poll_for 10 "[ \"\$(vip_seq)\" -ge 1 ] 2>/dev/null"
diag "the VIP's route from h2: mac-mobility $(vip_seq)"
check "... h1 withdrew v11's MAC+IP route for it (gone from h2's gobgpd)" \
	poll_for 10 "! gobgp_n h2 global rib -a evpn 2>/dev/null | grep -qF '[mac:$M11][ip:$VIP]'"
check "... h2's neighbour table no longer answers it with v11's MAC" \
	poll_for 10 "[ \"\$(neigh_mac h2 100 $VIP)\" != $M11 ]"
check "... FRR on h3 has it behind v21's MAC" \
	poll_for 10 "vtysh_n h3 'show evpn arp-cache vni 100' | grep -i '^$VIP ' | grep -qi '$M21'"
nq v21 ip addr del $VIP/24 dev eth0

# ---- a stopped VM: its entry is gone from the other hosts ----
M12=02:00:00:00:01:02
check "h2 has v12's entry before it stops" test "$(static_dst h2 200 $M12)" = 192.0.2.1
check "... and its address as a neighbour" test "$(neigh_mac h2 200 203.0.113.21)" = $M12
t0=$(date +%s%N)
ip -n "${P}h1" link del v-v12	# the VM stops: its tap/veth goes away
ip netns del "${P}v12"
# poll for WITHIN_MS (by the clock), then judge the state
gone_at=$(poll_ms h2 "$t0" "$WITHIN_MS" "! \"\$VTEPCTL\" fdb show dev vtep0 vni 200 static | grep -qi '^$M12 '")
check "a stopped VM's entry is gone from h2 within $((WITHIN_MS / 1000)) s" test -z "$(static_dst h2 200 $M12)"
poll_for 20 "[ -z \"\$(static_dst h2 200 $M12)\" ]" || true
diag "v12's entry left h2 after ${gone_at} ms if it did within $WITHIN_MS ms, else after $((($(date +%s%N) - t0) / 1000000)) ms (the poll: vtepctl and grep)"
check "and from the FRR host's vx200" \
	poll_for 4 "! bridge -n ${P}h3 fdb show dev vx200 | grep -q '$M12'"
check "and its address from h2's neighbour table (its MAC+IP route withdrawn)" \
	poll_for 6 "[ -z \"\$(neigh_mac h2 200 203.0.113.21)\" ]"
check "h1's agent closed the capture sockets of the ports that left (v-v12, v-m1): v-v11's is left" \
	poll_for 10 "[ \"\$(packet_ifaces h1)\" = '$(ifindex h1 v-v11) ' ]"
diag "h1's ETH_P_ALL packet sockets: interfaces $(packet_ifaces h1); its links: $(ip -n "${P}h1" -o link show | cut -d: -f1,2 | tr -d ' ' | tr '\n' ' ')"

# ---- a MAC on two hosts at once: frozen as a duplicate, not flapped ----
# d1 behind h1 and d2 behind h2 have one MAC, D (a cloned VM), and
# announce themselves in turn, as they would keep doing. Each announce
# moves D: the announcer's host advertises it at a higher sequence and
# the other withdraws its route. At the 4th move a host counts within
# dup-time, its agent freezes D there as a duplicate (as FRR's
# dup-addr-detection does): D's presence there is no longer advertised,
# and the fabric keeps the other host's route, however often the two
# announce. The bridges do not learn on their vtep ports here, as in an
# FRR fabric: each host sees D on its own VM port only.
D=02:00:00:00:0d:01
for i in 1 2; do
	vm_add h$i d$i $D 203.0.113.40 "" 10
	n h$i bridge link set dev vtep0 learning off
done
# dup_logged: the host whose agent logged D as a duplicate ("" if none)
dup_logged() {
	local h
	for h in h1 h2; do
		count_in "$TMP/agent-$h.log" "duplicate MAC $D vni 100"
		[ "$COUNT" = 0 ] || { echo $h; return 0; }
	done
}
# Up to 12 announcements, each once the one before has moved D (the
# other host's static entry points at the announcer) or after 5 s.
frozen_at= n_ann=0
for ((r = 0; r < 12; r++)); do
	i=$((r % 2 + 1)) o=$(((r + 1) % 2 + 1))
	garp d$i 203.0.113.40
	n_ann=$((n_ann + 1))
	poll_for 5 "[ \"\$(static_dst h$o 100 $D)\" = 192.0.2.$i ] || [ -n \"\$(dup_logged)\" ]" || true
	frozen_at=$(dup_logged)
	[ -z "$frozen_at" ] || break
done
diag "D announced $n_ann times, in turn from d1 and d2; frozen at: ${frozen_at:-none}"
check "a MAC announced from two hosts in turn is frozen as a duplicate (the agent logs it)" \
	test -n "$frozen_at"
other=h1
[ "$frozen_at" != h1 ] || other=h2
dup_shown() {
	show_j "$frozen_at" | jq -e --arg m $D \
		'[.. | objects | select(.mac? == $m and .duplicate? == true and .frozenFor? > 0)] | length == 1'
}
check "vtep-evpn show -j on $frozen_at lists it as a duplicate, frozen" dup_shown
# Frozen, D stays where the other host's route puts it: four more
# announcements, two from each host, and FRR's kernel FDB and the frozen
# host's agent keep pointing D at the other host.
dst_h3() {
	bridge -n "${P}h3" fdb show dev vx100 |
		awk -v m=$D '$1 == m { for (i = 2; i < NF; i++) if ($i == "dst") { print $(i + 1); exit } }'
}
before=$(dst_h3)
for i in 1 2 1 2; do
	garp d$i 203.0.113.40
	nap 0.5		# an observation window: nothing is to change
done
poll_for 3 "[ \"\$(dst_h3)\" != '$before' ]" || true	# (a late flap would show here)
diag "FRR's FDB for D: ${before:-none} before, $(dst_h3) after four more announcements; the other host is $other"
check "frozen, D no longer flaps: FRR points it at $other before and after four more announcements" \
	test "$before" = "192.0.2.${other#h}" -a "$(dst_h3)" = "$before"
# routes_from H ADDR: H's gobgpd holds a route for D with next hop ADDR
routes_from() {
	gobgp_n "$1" global rib -a evpn 2>/dev/null |
		awk -v m="[mac:$D]" -v a="$2" 'index($0, m) { for (i = 1; i <= NF; i++) if ($i == a) f = 1 } END { exit !f }'
}
no_routes_from() { ! routes_from "$@"; }
check "... and $other's gobgpd holds no route of $frozen_at's for D" \
	no_routes_from $other 192.0.2.${frozen_at#h}
# (the namespaces go with the others', at the end)
for i in 1 2; do
	ip -n "${P}h$i" link del v-d$i
	bridge -n "${P}h$i" link set dev vtep0 learning on
done
# (all of it, before the restarts below snapshot h1's and h2's tables)
check "D's routes are gone once both VMs are (no FDB entry or neighbour for it on h1, h2, FRR)" \
	poll_for 20 "[ -z \"\$(dst_h3)\" ] && [ -z \"\$(static_dst h1 100 $D)\" ] &&
		[ -z \"\$(static_dst h2 100 $D)\" ] && [ -z \"\$(neigh_mac h1 100 203.0.113.40)\" ] &&
		[ -z \"\$(neigh_mac h2 100 203.0.113.40)\" ]"

# ---- (e) restarts: gobgpd, the agent, the reflector; no flush ----
# fdb_snap NS: NS's static FDB (VNI, MAC, destination), remotes and
# neighbours, sorted: one vtepctl -batch of the three shows
printf '%s\n' "fdb show dev vtep0 static" "remote show dev vtep0" "neigh show dev vtep0" >"$TMP/snap.batch"
fdb_snap() {
	nq "$1" "$VTEPCTL" -batch "$TMP/snap.batch" |
		awk '{ v = d = ""; for (i = 2; i < NF; i++) { if ($i == "vni") v = $(i + 1); if ($i == "dst") d = $(i + 1) } }
			d != "" { print "fdb", v, tolower($1), d; next }
			{ print }' | sort
}
resyncs() { count_in "$TMP/agent-$1.log" 'resync:'; echo $COUNT; }
# resynced H N: H's agent has logged more than N resyncs (bash alone)
resynced() { count_in "$TMP/agent-$1.log" 'resync:'; [ $COUNT -gt "$2" ]; }
# The event monitors run through all three restarts: each restart's
# deletions are those reported between its start and the next one's (a
# late deletion one restart causes fails the next one's check), the last
# one's until at least 2 s after its resync. "dump": a monitor lists the
# tables once it has joined the events group (then "resync_end"), so it
# is known to listen before the first restart.
mon_start() {
	local h
	for h in h1 h2; do
		"$VTEPCTL" -n "$P$h" -j monitor dev vtep0 dump >"$TMP/mon-$h" 2>&1 &
		eval "MON_$h=\$!"
	done
	check "the event monitors on h1 and h2 listen (their dumps ended)" \
		poll_for 30 "grep -q resync_end '$TMP/mon-h1' && grep -q resync_end '$TMP/mon-h2'"
}
mon_stop() { kill $MON_h1 $MON_h2 2>/dev/null; wait $MON_h1 $MON_h2 2>/dev/null || true; }
declare -A MON_FROM=([h1]=0 [h2]=0)
# flushes NS: static entries deleted or flushed since the last mon_mark
# (learned ones may age meanwhile), one a line
flushes() { tail -n +$((MON_FROM[$1] + 1)) "$TMP/mon-$1" | grep -E '"fdb_(deleted|flushed)"' | grep -v '"state":""' || true; }
mon_mark() { local h; for h in h1 h2; do mapfile -t MONL <"$TMP/mon-$h"; MON_FROM[$h]=${#MONL[@]}; done; }
same_check() {	# WHAT: after the restart, each host's FDB is as before
	local h
	for h in h1 h2; do
		fdb_snap $h >"$TMP/after-$h"
		check "restart of $1: $h's static FDB, remotes and neighbours identical" \
			diff "$TMP/before-$h" "$TMP/after-$h"
	done
}
flush_check() {	# WHAT: no static entry deleted since the last mark
	local h del
	for h in h1 h2; do
		del=$(flushes $h)
		check "restart of $1: no static FDB entry deleted on $h meanwhile" test -z "$del"
		[ -z "$del" ] || head -n 5 <<<"$del" | sed "s/^/# $h: /"
	done
	mon_mark
}
for h in h1 h2; do fdb_snap $h >"$TMP/before-$h"; done
diag "h1 before: $(wc -l <"$TMP/before-h1") lines; h2: $(wc -l <"$TMP/before-h2")"
# (the identity checks below are not blind: the snapshots hold each kind)
check "the snapshots before the restarts hold h1's and h2's static entries, remotes and neighbours" \
	bash -c "for h in h1 h2; do grep -q '^fdb 100 ' $TMP/before-\$h && grep -q '^192\.0\.2\.[0-9]* owner evpn vni ' $TMP/before-\$h &&
		grep -q ' lladdr ' $TMP/before-\$h || exit 1; done"
mon_start
mon_mark

r=$(resyncs h1) t_r=${EPOCHREALTIME/./}
gobgpd_stop h1
gobgpd_start h1 192.0.2.1 restart
check "h1's agent resynced with the restarted gobgpd" poll_for 60 "resynced h1 $r && established h1"
diag "gobgpd on h1 restarted, resynced and peering in $(((${EPOCHREALTIME/./} - t_r) / 1000)) ms"
same_check "gobgpd on h1"
flush_check "gobgpd on h1"

r=$(resyncs h1) t_r=${EPOCHREALTIME/./}
agent_stop h1
agent_start h1 192.0.2.1
check "h1's restarted agent resynced" poll_for 60 "resynced h1 $r"
diag "the agent on h1 restarted and resynced in $(((${EPOCHREALTIME/./} - t_r) / 1000)) ms"
same_check "the agent on h1"
flush_check "the agent on h1"
resynced_shown() { show_j "$1" >"$TMP/show-$1.json" && grep -q '"lastResync": "2' "$TMP/show-$1.json"; }
check "the restarted agent on h1 answers show on the socket the killed one left, resynced" resynced_shown h1

r1=$(resyncs h1) r2=$(resyncs h2) t_r=${EPOCHREALTIME/./}
frr_stop rr bgpd
frr_start rr "$TMP/rr.conf" bgpd
check "both agents resynced after the reflector came back" \
	poll_for 60 "resynced h1 $r1 && resynced h2 $r2"
t_rs=${EPOCHREALTIME/./}
diag "the reflector restarted, both agents resynced in $(((${EPOCHREALTIME/./} - t_r) / 1000)) ms"
same_check "the reflector"
check "v11 still reaches v21 and v31" \
	nq v11 sh -c "ping -q -c 1 -W 2 203.0.113.12 && ping -q -c 1 -W 2 203.0.113.13"
# the last restart's window: deletions up to 2 s after its resync count
# (an observation window, not a wait for something)
while [ "${EPOCHREALTIME/./}" -lt $((t_rs + 2000000)) ]; do sleep 0.1; done
mon_stop
flush_check "the reflector"

# ---- (f) 1,000 MACs behind h1 converge on h2 and on the FRR host ----
for i in $(seq 0 $((EVPN_MACS - 1))); do
	printf 'fdb add 02:ee:00:00:%02x:%02x dev v-v11 master static vlan 10\n' $((i / 256)) $((i % 256))
done >"$TMP/macs.batch"
count_h2() { nq h2 "$VTEPCTL" fdb show dev vtep0 vni 100 static | grep -c '^02:ee:' || true; }
count_h3() { bridge -n "${P}h3" fdb show dev vx100 | grep -c '^02:ee:' || true; }
# agent_prog H: set PROG_C and PROG_D to the changes and deletions H's
# agent logged programming since agent_mark H (bash alone: the hint the
# waits below poll every 0.2 s; h2's FDB itself is counted when the agent
# logged enough, or every 3 s)
agent_mark() { mapfile -t AGLOG <"$TMP/agent-$1.log"; AGMARK=${#AGLOG[@]}; }
agent_prog() {
	local l re='programmed ([0-9]+) changes, ([0-9]+) deletions'
	PROG_C=0 PROG_D=0
	mapfile -t -s "$AGMARK" AGLOG <"$TMP/agent-$1.log"
	for l in "${AGLOG[@]}"; do
		[[ $l =~ $re ]] || continue
		PROG_C=$((PROG_C + BASH_REMATCH[1])) PROG_D=$((PROG_D + BASH_REMATCH[2]))
	done
}
agent_mark h2
t0=$(date +%s%N)
n h1 bridge -batch "$TMP/macs.batch"
check "$EVPN_MACS MACs behind h1 reach h2's FDB" \
	poll_hint 240 "agent_prog h2; [ \$PROG_C -ge $EVPN_MACS ]" "[ \$(count_h2) -ge $EVPN_MACS ]"
t2=$(date +%s%N)
check "$EVPN_MACS MACs behind h1 reach the FRR host's kernel FDB" poll_for 240 "[ \$(count_h3) -ge $EVPN_MACS ]"
t3=$(date +%s%N)
diag "$EVPN_MACS MACs: on h2 after $(((t2 - t0) / 1000000)) ms, on h3 after $(((t3 - t0) / 1000000)) ms"
rss() { awk '/^VmRSS/ { print $2 }' /proc/$1/status; }
diag "memory with $EVPN_MACS MACs: h1 agent RSS $(rss ${AGENT_PID[h1]}) kB, h1 gobgpd RSS $(rss ${GOBGPD_PID[h1]}) kB, h2 agent $(rss ${AGENT_PID[h2]}) kB, h2 gobgpd $(rss ${GOBGPD_PID[h2]}) kB"
sed 's/^fdb add/fdb del/; s/ static vlan/ vlan/' "$TMP/macs.batch" >"$TMP/macs.del"
agent_mark h2
t0=$(date +%s%N)
n h1 bridge -batch "$TMP/macs.del"
check "and their withdrawal empties them from h2's FDB" \
	poll_hint 240 "agent_prog h2; [ \$PROG_D -ge $EVPN_MACS ]" "[ \$(count_h2) = 0 ]"
diag "$EVPN_MACS withdrawals on h2 after $((($(date +%s%N) - t0) / 1000000)) ms"

[ "$TAP_FAIL" = 0 ] || show_logs 30
show_logs 4
for h in h1 h2; do agent_stop $h; gobgpd_stop $h; done
# show_none H: show -j on the socket H's stopped agent left exits 1 and
# says that no agent runs
show_none() {
	local rc=0
	show_j "$1" >"$TMP/noagent.out" 2>"$TMP/noagent.err" || rc=$?
	[ $rc = 1 ] && [ ! -s "$TMP/noagent.out" ] &&
		grep -q "error: no vtep-evpn agent runs: nothing answers on $TMP/evpn-$1.sock" "$TMP/noagent.err" ||
		{ echo "exit $rc"; cat "$TMP/noagent.out" "$TMP/noagent.err"; return 1; }
}
check "vtep-evpn show -j with h1's agent stopped exits 1, saying no agent runs" show_none h1
frr_stop rr bgpd
frr_stop h3 bgpd zebra
rm -rf "$(frr_dir rr)" "$(frr_dir h3)"
# what is left in the namespaces (the agents' bridge monitors) ended, and
# the namespaces deleted, in two ip batches rather than two commands each;
# topo_done checks that they are gone
pids=$(for ns in "${NSLIST[@]}"; do echo "netns pids $P$ns"; done | ip -force -batch - 2>/dev/null) || true
[ -z "$pids" ] || kill $pids 2>/dev/null || true
for ns in "${NSLIST[@]}"; do echo "netns del $P$ns"; done | ip -force -batch - 2>/dev/null || true
NSLIST=()
topo_done
