#!/bin/bash
# BGP EVPN over an IPv6 underlay (issue 27): two vtep hosts with local
# addresses 2001:db8::1 and ::2, each with gobgpd and vtep-evpn, in an AS
# of its own (4-byte 4200000001, 2-byte 65002), peering over eBGP on their
# IPv6 addresses. VNIs 100 and 70000 side by side. Nothing is programmed
# by hand: replication lists and FDB entries come from type-3 and type-2
# routes whose next hops (and type-3 originators) are IPv6 addresses.
#
# FRR 8.4 (Debian 12's) takes no part: it cannot be an IPv6 VTEP (FRR
# gained IPv6 VTEPs in 10.6) nor carry EVPN routes with IPv6 next hops
# between them, so evpn_ebgp.sh, with FRR, runs on IPv4.
#
#   v11 (VNI 100) v12 (70000)         v21 (100) v22 (70000)
#   ┌ h1 ─────────────────────┐       ┌ h2 ─────────────────────┐
#   │ br0 (VLAN 10, 20) ─ vtep0│       │ br0 (VLAN 10, 20) ─ vtep0│
#   │ gobgpd + vtep-evpn       │  eBGP │ gobgpd + vtep-evpn       │
#   │ AS 4200000001            │───────│ AS 65002                 │
#   │ 2001:db8::1 (RD 192.0.2.1)│ (sw) │ 2001:db8::2 (RD 192.0.2.2)│
#   └──────────────────────────┘       └──────────────────────────┘
# VNI 100 = VLAN 10, VMs 203.0.113.1x; VNI 70000 = VLAN 20, VMs
# 203.0.113.2x: one subnet, so a frame that crossed VNIs would be answered.
. "$(dirname "$0")/lib.sh"
T_START=${EPOCHREALTIME/./}

AGENT=${EVPN_AGENT:-$TOPO_REPO/userspace/evpn/vtep-evpn}
AGENT_ARGS=()
need_evpn "BGP EVPN over an IPv6 underlay"
EVPN_HELPERS_ONLY=1 . "$(dirname "$0")/evpn_topo.inc"
declare -A AS=([h1]=4200000001 [h2]=65002) ADDR=([h1]=2001:db8::1 [h2]=2001:db8::2)
HOST_AS=([h1]=${AS[h1]} [h2]=${AS[h2]})
AGENT_VNIS=([h1]="100 70000" [h2]="100 70000")

# ---- the topology: one ip batch for the namespaces, one per namespace ----
declare -A VM_MAC=([v11]=02:00:00:00:01:01 [v12]=02:00:00:00:01:02 [v21]=02:00:00:00:02:01
	[v22]=02:00:00:00:02:02)
{
	for ns in sw h1 h2 v11 v12 v21 v22; do
		echo "netns add $P$ns"
		NSLIST+=("$ns")
	done
	for h in h1 h2; do
		echo "link add name eth0 netns $P$h type veth peer name u-$h netns ${P}sw"
	done
	for vm in v11 v12 v21 v22; do
		echo "link add name eth0 netns $P$vm address ${VM_MAC[$vm]} type veth peer name v-$vm netns ${P}h${vm:1:1}"
	done
} >"$TMP/setup.ip"
ip -batch "$TMP/setup.ip"
printf '%s\n' "link set lo up" "link add name br0 type bridge mcast_snooping 0" "link set br0 up" \
	"link set u-h1 master br0 up" "link set u-h2 master br0 up" >"$TMP/setup-sw.ip"
for i in 1 2; do
	h=h$i
	printf '%s\n' "link set lo up" "addr add ${ADDR[$h]}/64 dev eth0 nodad" "link set eth0 up" \
		"link add name br0 type bridge vlan_filtering 1" "link set br0 up" \
		"link set v-v${i}1 master br0 up" "link set v-v${i}2 master br0 up" >"$TMP/setup-$h.ip"
	printf '%s\n' "vlan del vid 1 dev v-v${i}1" "vlan add vid 10 dev v-v${i}1 pvid untagged" \
		"vlan del vid 1 dev v-v${i}2" "vlan add vid 20 dev v-v${i}2 pvid untagged" \
		"vlan del vid 1 dev vtep0" "vlan add vid 10 dev vtep0" "vlan add vid 20 dev vtep0" >"$TMP/setup-$h.br"
	printf '%s\n' "vni add 100 dev vtep0 vlan 10" "vni add 70000 dev vtep0 vlan 20" >"$TMP/setup-$h.vni"
	printf '%s\n' "$VTEPCTL link add vtep0 local ${ADDR[$h]} underlay eth0" "ip link set vtep0 master br0 up" \
		"bridge -batch $TMP/setup-$h.br" "$VTEPCTL -batch $TMP/setup-$h.vni" >"$TMP/setup-$h.sh"
	for j in 1 2; do
		printf '%s\n' "link set lo up" "addr add 203.0.113.$j$i/24 dev eth0" \
			"link set eth0 mtu 1430 up" >"$TMP/setup-v$i$j.ip"
	done
done
setup_ns sw
for h in h1 h2; do setup_ns $h ipv6; done
for vm in v11 v12 v21 v22; do setup_ns $vm; done
diag "topology made $(((${EPOCHREALTIME/./} - T_START) / 1000)) ms after the script began"

# gobgpd: the router ID (and so the RDs) IPv4, the session and the next
# hops IPv6; admin-down until the agent holds the host's routes
gobgpd6_start() {
	local h=$1 peer=$2
	cat >"$TMP/gobgpd-$h.toml" <<-EOF
		[global.config]
		  as = ${AS[$h]}
		  router-id = "192.0.2.${h#h}"
		  local-address-list = ["${ADDR[$h]}"]
		[[neighbors]]
		  [neighbors.config]
		    neighbor-address = "${ADDR[$peer]}"
		    peer-as = ${AS[$peer]}
		    admin-down = true
		  [neighbors.transport.config]
		    local-address = "${ADDR[$h]}"
		  [neighbors.timers.config]
		    connect-retry = 1
		    hold-time = 9
		    keepalive-interval = 3
		  [[neighbors.afi-safis]]
		    [neighbors.afi-safis.config]
		      afi-safi-name = "l2vpn-evpn"
	EOF
	ip netns exec "$P$h" gobgpd -f "$TMP/gobgpd-$h.toml" -p -l info --pprof-disable \
		--api-hosts 127.0.0.1:50051 >>"$TMP/gobgpd-$h.log" 2>&1 &
	GOBGPD_PID[$h]=$!
}
gobgpd6_start h1 h2
gobgpd6_start h2 h1
agent_start h1 "${ADDR[h1]}"
agent_start h2 "${ADDR[h2]}"

# ---- the session, eBGP over IPv6 ----
est() { gobgp_n "$1" neighbor 2>/dev/null | grep -q "^ *$2 .*Establ"; }
check "h1 (AS ${AS[h1]}) and h2 (AS ${AS[h2]}): the eBGP session over IPv6 is up" \
	poll_for 60 "est h1 ${ADDR[h2]} && est h2 ${ADDR[h1]}"
diag "session up $(((${EPOCHREALTIME/./} - T_START) / 1000)) ms after the script began"

# ---- type 3 both ways: replication lists with IPv6 destinations ----
check "h1's replication lists: h2 (2001:db8::2) in VNIs 100 and 70000 (type 3, IPv6 originator)" \
	poll_for 60 "want_rem h1 '100/2001:db8::2 70000/2001:db8::2'"
check "h2's replication lists: h1 (2001:db8::1) in VNIs 100 and 70000" \
	poll_for 30 "want_rem h2 '100/2001:db8::1 70000/2001:db8::1'"
# RDs: type 1, ROUTER-ID:N, one a VNI, none 0.0.0.0 (what an IPv6 local
# gave before issue 27)
rds() { gobgp_n "$1" global rib -a evpn 2>/dev/null | grep -o 'rd:[0-9.:]*' | sort -u | tr '\n' ' '; }
r=$(rds h2)
diag "h2's EVPN table, RDs: $r"
check "h2 holds h1's routes under two RDs 192.0.2.1:N, none 0.0.0.0" \
	bash -c "[ \$(grep -o 'rd:192.0.2.1:[0-9]*' <<<'$r' | sort -u | wc -l) = 2 ] && ! grep -q 'rd:0.0.0.0' <<<'$r'"

# ---- type 2: every VM reaches its peer, in each VNI; none the other VNI ----
announce() {
	local vm pids=()
	for vm in v11 v12 v21 v22; do
		{ nq "$vm" ping -q -c 1 -W 1 203.0.113.255 -b >/dev/null 2>&1 || true; } &
		pids+=($!)
	done
	wait "${pids[@]}"	# (a bare wait would wait for the daemons too)
}
announce
static() {
	nq "$1" "$VTEPCTL" fdb show dev vtep0 static |
		awk '{ v = d = ""; for (i = 2; i < NF; i++) { if ($i == "vni") v = $(i + 1); if ($i == "dst") d = $(i + 1) } }
			d != "" { print v "/" tolower($1) "/" d }' | sort | tr '\n' ' '
}
M=02:00:00:00
check "h1's static FDB: h2's VMs, each in its VNI, at 2001:db8::2 (type 2, IPv6 next hop)" \
	poll_for 20 "[ \"\$(static h1)\" = '100/$M:02:01/2001:db8::2 70000/$M:02:02/2001:db8::2 ' ]"
check "h2's static FDB: h1's VMs at 2001:db8::1" \
	poll_for 20 "[ \"\$(static h2)\" = '100/$M:01:01/2001:db8::1 70000/$M:01:02/2001:db8::1 ' ]"
check "VNI 100: v11 (h1) reaches v21 (h2) over the IPv6 underlay" ping_ok v11 203.0.113.12
check "VNI 70000: v12 (h1) reaches v22 (h2)" ping_ok v12 203.0.113.22
check "isolation: v11 (VNI 100) does not reach v22's address (VNI 70000)" \
	bash -c "! ip netns exec ${P}v11 ping -q -c 2 -i 0.2 -W 1 203.0.113.22"
check "the frames crossed as VXLAN over IPv6: h1's vtep0 sent and received" \
	test "$(stat h1 vtep0 tx_packets)" -gt 0 -a "$(stat h1 vtep0 rx_packets)" -gt 0

# ---- a VM stops: its MAC is withdrawn, and h1's entry goes ----
ipn h2 link set v-v22 down
nq h2 bridge fdb del "$M:02:02" dev v-v22 master vlan 20 2>/dev/null || true
check "v22 stopped: h1's entry for its MAC (VNI 70000) is withdrawn" \
	poll_for 30 "! \"$VTEPCTL\" -n ${P}h1 fdb show dev vtep0 vni 70000 static | grep -qi '^$M:02:02 '"
check "... v21's stays" test "$(static h1)" = "100/$M:02:01/2001:db8::2 "

if [ "$TAP_FAIL" != 0 ]; then
	show_logs 30
	for h in h1 h2; do gobgp_n $h global rib -a evpn 2>&1 | sed "s/^/#   $h: /"; done
fi
for h in h1 h2; do agent_stop $h; gobgpd_stop $h; done
diag "evpn_ipv6 took $(((${EPOCHREALTIME/./} - T_START) / 1000000)) s"
topo_done
