#!/bin/bash
# BGP EVPN over eBGP, an AS a host (issue 27): vtep-evpn beside gobgpd on
# a host of a 4-byte AS and one of a 2-byte AS, FRR (zebra + bgpd,
# advertise-all-vni, its auto route targets) with the kernel's vxlan on a
# third of a 4-byte AS, each peering with two FRR spines of another AS.
# VNIs 100 and 70000 side by side (70000 & 0xFFFF = 4464, and VNI 4464 on
# the vtep hosts too: their RDs must differ). Nothing is programmed by
# hand: replication lists and FDB entries come from type-3 and type-2
# routes only.
#
#   v11 (100) v12 (70000)  v21 v22  m1 (v21's MAC, later: behind h1)  v31 v32
#   ┌ h1 ────────────────┐ ┌ h2 ────────────────┐ ┌ h3 ─────────────────┐ ┌ spine ────┐ ┌ spine2 ───┐
#   │ br0 (vlan 10,20,30)│ │ br0 (vlan 10,20,30)│ │ br100 ─ vx100       │ │ FRR bgpd  │ │ FRR bgpd  │
#   │  ─ vtep0           │ │  ─ vtep0           │ │ br70000 ─ vx70000   │ │ AS 65100  │ │ AS 65100  │
#   │ gobgpd+vtep-evpn   │ │ gobgpd+vtep-evpn   │ │ FRR zebra+bgpd      │ │           │ │           │
#   │ AS 4200000001      │ │ AS 65002           │ │ AS 4200000003       │ │           │ │           │
#   │ 192.0.2.1          │ │ 192.0.2.2          │ │ 192.0.2.3           │ │192.0.2.254│ │192.0.2.253│
#   └──────┬─────────────┘ └──────┬─────────────┘ └──────┬──────────────┘ └────┬──────┘ └────┬──────┘
#   ┌ sw ──┴──────────────────────┴──────────────────────┴───────────────────────┴─────────────┴─────┐
#   └────────────────────────────────────────────────────────────────────────────────────────────────┘
# VNI 100 = VLAN 10 on the vtep hosts, VMs 203.0.113.1x; VNI 70000 =
# VLAN 20, VMs 203.0.113.2x: one subnet, so a frame that crossed VNIs
# would be answered. VNI 4464 = VLAN 30, no VM: its type 3 only. The
# spines keep the VTEPs' addresses as next hops (attribute-unchanged
# next-hop), as a fabric's spines do; every host peers with both.
# spine2 is stopped (maintenance) before a VM stops, whose routes must
# still be withdrawn everywhere.
. "$(dirname "$0")/lib.sh"
T_START=${EPOCHREALTIME/./}

# EVPN_AGENT: another agent to run (one of before issue 27 fails from the
# type-3 checks on: it imported nothing in eBGP)
AGENT=${EVPN_AGENT:-$TOPO_REPO/userspace/evpn/vtep-evpn}
AGENT_ARGS=()
RR=192.0.2.254 RR2=192.0.2.253	# the spines: gobgpd's neighbours
RR_LIST="$RR $RR2"
RR_AS=65100
declare -A AS=([h1]=4200000001 [h2]=65002 [h3]=4200000003)

need_evpn "BGP EVPN over eBGP"

# the daemons' helpers (frr_start, gobgpd_start, agent_start, setup_ns)
EVPN_HELPERS_ONLY=1 . "$(dirname "$0")/evpn_topo.inc"
FRR_NOZEBRA[spine]=1
FRR_NOZEBRA[spine2]=1
HOST_AS=([h1]=${AS[h1]} [h2]=${AS[h2]})
AGENT_VNIS=([h1]="100 70000 4464" [h2]="100 70000 4464")

# ---- the topology: one ip batch for the namespaces, one per namespace ----
declare -A VM_MAC=([v11]=02:00:00:00:01:01 [v12]=02:00:00:00:01:02 [v21]=02:00:00:00:02:01
	[v22]=02:00:00:00:02:02 [v31]=02:00:00:00:03:01 [v32]=02:00:00:00:03:02)
{
	for ns in sw spine spine2 h1 h2 h3 v11 v12 v21 v22 v31 v32 m1; do
		echo "netns add $P$ns"
		NSLIST+=("$ns")
	done
	for h in spine spine2 h1 h2 h3; do
		echo "link add name eth0 netns $P$h type veth peer name u-$h netns ${P}sw"
	done
	for vm in v11 v12 v21 v22 v31 v32; do
		h=h${vm:1:1}
		echo "link add name eth0 netns $P$vm address ${VM_MAC[$vm]} type veth peer name v-$vm netns $P$h"
	done
	echo "link add name eth0 netns ${P}m1 address 02:00:00:00:01:99 type veth peer name v-m1 netns ${P}h1"
} >"$TMP/setup.ip"
ip -batch "$TMP/setup.ip"
printf '%s\n' "link set lo up" "link add name br0 type bridge mcast_snooping 0" "link set br0 up" \
	"link set u-spine master br0 up" "link set u-spine2 master br0 up" "link set u-h1 master br0 up" "link set u-h2 master br0 up" \
	"link set u-h3 master br0 up" >"$TMP/setup-sw.ip"
for h in spine spine2 h1 h2 h3; do
	case $h in spine) a=$RR ;; spine2) a=$RR2 ;; *) a=192.0.2.${h#h} ;; esac
	printf '%s\n' "link set lo up" "addr add $a/24 dev eth0" "link set eth0 up" >"$TMP/setup-$h.ip"
done
for i in 1 2; do
	printf '%s\n' "link add name br0 type bridge vlan_filtering 1" "link set br0 up" \
		"link set v-v${i}1 master br0 up" "link set v-v${i}2 master br0 up" >>"$TMP/setup-h$i.ip"
	[ $i = 2 ] || echo "link set v-m1 master br0 up" >>"$TMP/setup-h$i.ip"
	printf '%s\n' "vlan del vid 1 dev v-v${i}1" "vlan add vid 10 dev v-v${i}1 pvid untagged" \
		"vlan del vid 1 dev v-v${i}2" "vlan add vid 20 dev v-v${i}2 pvid untagged" \
		"vlan del vid 1 dev vtep0" "vlan add vid 10 dev vtep0" "vlan add vid 20 dev vtep0" \
		"vlan add vid 30 dev vtep0" >"$TMP/setup-h$i.br"
	[ $i = 2 ] || printf '%s\n' "vlan del vid 1 dev v-m1" "vlan add vid 10 dev v-m1 pvid untagged" >>"$TMP/setup-h$i.br"
	printf '%s\n' "vni add 100 dev vtep0 vlan 10" "vni add 70000 dev vtep0 vlan 20" \
		"vni add 4464 dev vtep0 vlan 30" >"$TMP/setup-h$i.vni"
	printf '%s\n' "$VTEPCTL link add vtep0 local 192.0.2.$i underlay eth0" "ip link set vtep0 master br0 up" \
		"bridge -batch $TMP/setup-h$i.br" "$VTEPCTL -batch $TMP/setup-h$i.vni" >"$TMP/setup-h$i.sh"
done
# h3: the kernel's vxlan, one bridge per VNI, as FRR's zebra expects
for vni in 100 70000; do
	printf '%s\n' "link add br$vni type bridge" "link set br$vni addrgenmode none" "link set br$vni up" \
		"link add vx$vni type vxlan id $vni dstport 4789 local 192.0.2.3 nolearning" \
		"link set vx$vni master br$vni up"
done >>"$TMP/setup-h3.ip"
printf '%s\n' "link set v-v31 master br100 up" "link set v-v32 master br70000 up" >>"$TMP/setup-h3.ip"
for i in 1 2 3; do
	for j in 1 2; do
		printf '%s\n' "link set lo up" "addr add 203.0.113.$j$i/24 dev eth0" \
			"link set eth0 mtu $VM_MTU up" >"$TMP/setup-v$i$j.ip"
	done
done
# m1, behind h1 in VLAN 10 (VNI 100): where v21 moves to; down till then
printf '%s\n' "link set lo up" "link set eth0 mtu $VM_MTU" >"$TMP/setup-m1.ip"
for ns in sw spine spine2 h1 h2 h3 v11 v12 v21 v22 v31 v32 m1; do setup_ns $ns; done
diag "topology made $(((${EPOCHREALTIME/./} - T_START) / 1000)) ms after the script began"

# The spines: an AS of their own, eBGP to each host, next hops unchanged
# spine_conf NS ADDR: the configuration of spine NS into NS.conf
spine_conf() {
	local h a
	cat <<-EOF
		hostname $1
		log file $(frr_dir $1)/bgpd.log
		router bgp $RR_AS
		 bgp router-id $2
		 no bgp default ipv4-unicast
		 no bgp ebgp-requires-policy
	EOF
	for h in h1 h2 h3; do
		a=192.0.2.${h#h}
		printf ' %s\n' "neighbor $a remote-as ${AS[$h]}" "neighbor $a timers 3 9" \
			"neighbor $a timers connect 1" "neighbor $a advertisement-interval 0"
	done
	echo " address-family l2vpn evpn"
	for h in h1 h2 h3; do
		a=192.0.2.${h#h}
		printf '  %s\n' "neighbor $a activate" "neighbor $a attribute-unchanged next-hop"
	done
	echo " exit-address-family"
}
spine_conf spine $RR >"$TMP/spine.conf"
spine_conf spine2 $RR2 >"$TMP/spine2.conf"
cat >"$TMP/h3.conf" <<EOF
hostname h3
router bgp ${AS[h3]}
 bgp router-id 192.0.2.3
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor SPINE peer-group
 neighbor SPINE remote-as $RR_AS
 neighbor SPINE timers 3 9
 neighbor SPINE timers connect 1
 neighbor SPINE advertisement-interval 0
 neighbor $RR peer-group SPINE
 neighbor $RR2 peer-group SPINE
 address-family l2vpn evpn
  neighbor SPINE activate
  advertise-all-vni
 exit-address-family
EOF
# every daemon at once: their start-up overlaps the others'
for h in h1 h2; do
	gobgpd_start $h 192.0.2.${h#h}
	agent_start $h 192.0.2.${h#h}
done
frr_start spine "$TMP/spine.conf" bgpd &
frr_spine=$!
frr_start spine2 "$TMP/spine2.conf" bgpd &
frr_spine2=$!
frr_start h3 "$TMP/h3.conf" zebra bgpd &
frr_h3=$!
wait $frr_spine
wait $frr_spine2
wait $frr_h3
diag "daemons started $(((${EPOCHREALTIME/./} - T_START) / 1000)) ms after the script began"

# ---- the sessions: eBGP, each host in its own AS ----
# ebgp_up NS: spine NS has its three sessions up, each external, to the
# AS each host has
ebgp_up() {
	vtysh_n $1 'show bgp neighbors' >"$TMP/$1-nb" || return 1
	local h
	for h in h1 h2 h3; do
		grep -q "^BGP neighbor is 192.0.2.${h#h}, remote AS ${AS[$h]}, local AS $RR_AS, external link" \
			"$TMP/$1-nb" || return 1
	done
	[ "$(grep -c 'BGP state = Established' "$TMP/$1-nb")" = 3 ]
}
check "the spine (AS $RR_AS) has eBGP sessions up with h1 (AS ${AS[h1]}), h2 (AS ${AS[h2]}) and h3 (AS ${AS[h3]})" \
	poll_for 60 "ebgp_up spine"
check "... and spine2" poll_for 20 "ebgp_up spine2"
diag "sessions up $(((${EPOCHREALTIME/./} - T_START) / 1000)) ms after the script began"

# ---- type 3 both ways: replication lists ----
# (VNI 4464: h1 and h2 only; before the RDs were type 1, VNI 70000's type
# 3 had VNI 4464's RD, and one replaced the other)
check "h1's replication lists: h2 in VNIs 100, 4464, 70000, h3 in 100, 70000 (type 3 over eBGP)" \
	poll_for 60 "want_rem h1 '100/192.0.2.2 100/192.0.2.3 4464/192.0.2.2 70000/192.0.2.2 70000/192.0.2.3'"
check "h2's replication lists: h1 in VNIs 100, 4464, 70000, h3 in 100, 70000" \
	poll_for 30 "want_rem h2 '100/192.0.2.1 100/192.0.2.3 4464/192.0.2.1 70000/192.0.2.1 70000/192.0.2.3'"
for vni in 100 70000; do
	check "h3's vx$vni floods to h1 and h2 (FRR imported their type 3 of VNI $vni)" \
		poll_for 30 "[ \"\$(flood_dsts h3 vx$vni)\" = 'dst 192.0.2.1 dst 192.0.2.2 ' ]"
done
if [ "$TAP_FAIL" != 0 ]; then
	diag "h1 remotes: $(remotes h1); h2 remotes: $(remotes h2)"
	show_logs 30
	vtysh_n spine 'show bgp l2vpn evpn route' | sed 's/^/#   spine: /'
	vtysh_n h3 'show bgp l2vpn evpn route' | sed 's/^/#   h3: /'
fi

# ---- no RD collision: VNIs 4464 and 70000 of one host ----
# frr_table NS TYPE: NS's FRR table of EVPN routes of TYPE into NS-TYPE
frr_table() { vtysh_n "$1" "show bgp l2vpn evpn route type $2" >"$TMP/$1-$2"; }
# t_rds NS-TYPE PREFIX: the RDs under which the table has PREFIX, sorted
t_rds() {
	awk -v r="$2" '/^Route Distinguisher:/ { rd = $3 } index($0, r) { print rd }' "$TMP/$1" |
		sort -u | tr '\n' ' '
}
# rt_of NS-TYPE RD PREFIX: the route targets of PREFIX under RD
rt_of() {
	awk -v rd="$2" -v r="$3" '/^Route Distinguisher:/ { in_rd = ($3 == rd) }
		in_rd && index($0, r) { f = 1; next } f && /RT:/ { print; exit }' "$TMP/$1" |
		grep -o 'RT:[0-9:]*' | tr '\n' ' '
}
T3H1='[3]:[0]:[32]:[192.0.2.1]' T3H2='[3]:[0]:[32]:[192.0.2.2]'
check "the spine has h1's type 3 of VNIs 100, 4464 and 70000 under three RDs (192.0.2.1:1 for 70000)" \
	poll_for 20 "frr_table spine multicast && [ \"\$(t_rds spine-multicast '$T3H1')\" = '192.0.2.1:1 192.0.2.1:100 192.0.2.1:4464 ' ]"
check "... and h2's" test "$(t_rds spine-multicast "$T3H2")" = '192.0.2.2:1 192.0.2.2:100 192.0.2.2:4464 '
diag "h1's type-3 RDs at the spine: $(t_rds spine-multicast "$T3H1")"
# FRR's auto-RT: AS & 0xFFFF : VNI, in a 2-octet-AS route target
check "h1 (AS ${AS[h1]}) exports RT $((AS[h1] & 0xFFFF)):70000 with VNI 70000's type 3, h2 65002:70000" \
	test "$(rt_of spine-multicast 192.0.2.1:1 "$T3H1")$(rt_of spine-multicast 192.0.2.2:1 "$T3H2")" = \
	"RT:$((AS[h1] & 0xFFFF)):70000 RT:65002:70000 "

# ---- type 2: every VM reaches the others of its VNI, in every pair ----
announce_vms
# the six pairs at once; each ping's reply crosses the other way
declare -A PING
for j in 1 2; do
	for p in 12 13 23; do
		a=${p:0:1} b=${p:1:1}
		ping_ok v$a$j 203.0.113.$j$b >"$TMP/ping-$a$b-$j" 2>&1 &
		PING[$a$b-$j]=$!
	done
done
for j in 1 2; do
	vni=$([ $j = 1 ] && echo 100 || echo 70000)
	for p in 12 13 23; do
		a=${p:0:1} b=${p:1:1}
		check "VNI $vni: v$a$j (h$a) and v$b$j (h$b) reach each other" job_ok ${PING[$a$b-$j]} "$TMP/ping-$a$b-$j"
	done
done
isolation_checks "isolation: v11 (VNI 100) does not reach v22's address (VNI 70000)" \
	"isolation: v32 (VNI 70000, FRR host) does not reach v11's address (VNI 100)"

# static NS: NS's static FDB entries as "VNI/MAC/DST", sorted
static() {
	nq "$1" "$VTEPCTL" fdb show dev vtep0 static |
		awk '{ v = d = ""; for (i = 2; i < NF; i++) { if ($i == "vni") v = $(i + 1); if ($i == "dst") d = $(i + 1) } }
			d != "" { print v "/" tolower($1) "/" d }' | sort | tr '\n' ' '
}
M=02:00:00:00
# has_static NS VNI/MAC/DST: NS has that static entry
has_static() { [[ " $(static "$1")" == *" $2 "* ]]; }
check "h1's static FDB: h2's and h3's VMs, each in its VNI (type 2 from gobgpd and from FRR)" \
	poll_for 20 "[ \"\$(static h1)\" = '100/$M:02:01/192.0.2.2 100/$M:03:01/192.0.2.3 70000/$M:02:02/192.0.2.2 70000/$M:03:02/192.0.2.3 ' ]"
check "h2's static FDB: h1's and h3's VMs, each in its VNI" \
	poll_for 20 "[ \"\$(static h2)\" = '100/$M:01:01/192.0.2.1 100/$M:03:01/192.0.2.3 70000/$M:01:02/192.0.2.1 70000/$M:03:02/192.0.2.3 ' ]"
diag "h1 static: $(static h1)"
# kfdb NS DEV: the MACs of NS's DEV with their destination, sorted
kfdb() { bridge -n "$P$1" fdb show dev "$2" | awk '$1 != "00:00:00:00:00:00" && $2 == "dst" { print $1 "/" $3 }' | sort | tr '\n' ' '; }
check "FRR installed h1's and h2's VMs of VNI 100 on h3's vx100" \
	poll_for 20 "[ \"\$(kfdb h3 vx100)\" = '$M:01:01/192.0.2.1 $M:02:01/192.0.2.2 ' ]"
check "... and those of VNI 70000 on vx70000" \
	poll_for 20 "[ \"\$(kfdb h3 vx70000)\" = '$M:01:02/192.0.2.1 $M:02:02/192.0.2.2 ' ]"
M12=$M:01:02 M21=$M:02:01 M22=$M:02:02
check "FRR on h3 holds v12's type 2 (VNI 70000) under h1's RD 192.0.2.1:1" \
	poll_for 10 "frr_table h3 macip && [ \"\$(t_rds h3-macip '[2]:[0]:[48]:[$M12]')\" = '192.0.2.1:1 ' ]"
check "... and v22's under h2's RD 192.0.2.2:1" test "$(t_rds h3-macip "[2]:[0]:[48]:[$M22]")" = "192.0.2.2:1 "

# ---- spine2 stopped (maintenance): a stopped VM is still withdrawn ----
# The agents learn that one session of two is down (their log says so),
# then v22 stops; its MAC must leave h1 and FRR's h3 through the spine.
WITHIN_MS=${EVPN_WITHIN_MS:-3000}	# evpn.sh's bound on a loaded guest
frr_stop spine2 bgpd
# one_down H: H's agent logged spine2's session down, the spine's up
one_down() { count_in "$TMP/agent-$1.log" "peer $RR2 down; 1 of 2 sessions up"; [ $COUNT -gt 0 ]; }
check "spine2 stopped: h1's and h2's agents see 1 of 2 sessions up" poll_for 30 "one_down h1 && one_down h2"
check "h1 has v22's entry (VNI 70000) before it stops" has_static h1 "70000/$M22/192.0.2.2"
t0=$(date +%s%N)
ip -n "${P}h2" link del v-v22	# the VM stops: its tap/veth goes away
ms=$(poll_ms h1 "$t0" "$WITHIN_MS" "! \"\$VTEPCTL\" fdb show dev vtep0 vni 70000 static | grep -qi '^$M22 '")
ms3=$(poll_ms h3 "$t0" "$WITHIN_MS" "! bridge fdb show dev vx70000 | grep -q '^$M22 dst'")
diag "v22's entry left h1 after ${ms} ms, h3 after ${ms3} ms (the polls stop at $WITHIN_MS)"
check "with spine2 down, the stopped VM's entry is gone from h1 within $((WITHIN_MS / 1000)) s" \
	bash -c "! [[ ' $(static h1)' == *' 70000/$M22/'* ]]"
check "... and from FRR's vx70000 on h3" bash -c "! bridge -n ${P}h3 fdb show dev vx70000 | grep -q '^$M22 dst'"

# ---- a MAC move over eBGP: v21's MAC from h2 to h1 (m1) ----
# v21 leaves h2 without its port going away (it takes another MAC): h2's
# bridge keeps a stale entry, as after a live migration, and h2 still
# advertises the MAC. m1 takes v21's MAC and address behind h1 and
# announces itself (a gratuitous ARP, as QEMU does after a migration): h1
# advertises the MAC with MAC mobility sequence 1 through the spine, h2
# drops its stale entry, and h2 and FRR on h3 point the MAC at h1.
printf '%s\n' "addr flush dev eth0" "link set eth0 address 02:00:00:00:02:99" >"$TMP/v21-leave.ip"
printf '%s\n' "link set eth0 address $M21" "addr add 203.0.113.12/24 dev eth0" "link set eth0 up" >"$TMP/m1-up.ip"
ip -n "${P}v21" -batch "$TMP/v21-leave.ip"
ip -n "${P}m1" -batch "$TMP/m1-up.ip"
t0=$(date +%s%N)
nq m1 busybox arping -q -U -c 1 -I eth0 203.0.113.12 || true
# (each poll ends when its entry points at h1, or WITHIN_MS after t0)
ms=$(poll_ms h2 "$t0" "$WITHIN_MS" "$(has_dst 100 $M21 192.0.2.1)")
ms3=$(poll_ms h3 "$t0" "$WITHIN_MS" "bridge fdb show dev vx100 | grep -q '^$M21 dst 192.0.2.1 '")
diag "move: h2's FDB followed after ${ms} ms, h3's after ${ms3} ms (the polls stop at $WITHIN_MS)"
check "move: h2 points v21's MAC at h1 within $((WITHIN_MS / 1000)) s of the announce" \
	has_static h2 "100/$M21/192.0.2.1"
check "move: FRR on h3 points it at h1 within $((WITHIN_MS / 1000)) s" \
	bash -c "bridge -n ${P}h3 fdb show dev vx100 | grep -q '^$M21 dst 192.0.2.1 '"
check "move: h2 dropped its stale bridge entry for the MAC" \
	poll_for 5 "! bridge -n ${P}h2 fdb show br br0 | grep -q '^$M21 dev v-v21'"
mobility() { gobgp_n h2 global rib -a evpn | grep -F "[mac:$M21]" | grep -o 'mac-mobility: [0-9]*' | sort -u; }
check "move: h1 advertises it with MAC mobility sequence 1 (seen in h2's gobgpd)" \
	test "$(mobility)" = "mac-mobility: 1"
check "move: v31 (FRR host) reaches the moved VM behind h1" ping_ok v31 203.0.113.12

[ "$TAP_FAIL" = 0 ] || show_logs 30
show_logs 4
for h in h1 h2; do agent_stop $h; gobgpd_stop $h; done
frr_stop spine bgpd
frr_stop spine2 bgpd
frr_stop h3 bgpd zebra
rm -rf "$(frr_dir spine)" "$(frr_dir spine2)" "$(frr_dir h3)"
pids=$(for ns in "${NSLIST[@]}"; do echo "netns pids $P$ns"; done | ip -force -batch - 2>/dev/null) || true
[ -z "$pids" ] || kill $pids 2>/dev/null || true
for ns in "${NSLIST[@]}"; do echo "netns del $P$ns"; done | ip -force -batch - 2>/dev/null || true
NSLIST=()
topo_done
