#!/bin/bash
# Shared by the topology tests (sourced, never run): namespaces as hosts on
# an underlay switch and as VMs behind a bridge on each host, TAP output,
# and cleanup that checks nothing was left behind.
#
#   "VM" v1 ──veth── br0 ┐                       ┌ br0 ──veth── "VM" v3
#                  vtep0 ┘ host h1 ─eth0──┐  ┌──eth0─ host h3  └ vx0 (kernel vxlan)
#                                       [sw: bridge br0]
#                         host h2 ─eth0──┘
#
# Every namespace is named "$P<name>" with a per-run prefix; the helpers
# take the short name: n h1 ping ..., ipn h1 link ..., vtepctl_n h1 ...
#
# Tests run with `set -e`: a setup step that fails ends the test with a
# "not ok" line naming it. Assertions go through check/ok/notok instead.

set -e
export LC_ALL=C

TOPO_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VTEPCTL=${VTEPCTL:-$TOPO_REPO/userspace/vtepctl}
P="vt$$-"
TMP=$(mktemp -d /tmp/vtep-topo.XXXXXX)
TAP_N=0
TAP_FAIL=0
NSLIST=()
VM_MTU=${VM_MTU:-1450}

echo "TAP version 13"

# ---- TAP ----
# VTEP_TIMING=1 (e.g. scripts/vm.sh -- env VTEP_TIMING=1 bash
# scripts/vm-tests.sh T): before each result, the milliseconds since the one
# before, to see where a script spends its time.
TAP_T=${EPOCHREALTIME/./}
tap_time() {
	[ -n "${VTEP_TIMING:-}" ] || return 0
	local now=${EPOCHREALTIME/./}
	echo "# +$(((now - TAP_T) / 1000)) ms"
	TAP_T=$now
}
ok() { tap_time; TAP_N=$((TAP_N + 1)); echo "ok $TAP_N $*"; }
notok() { tap_time; TAP_N=$((TAP_N + 1)); TAP_FAIL=1; echo "not ok $TAP_N $*"; }
diag() { echo "# $*"; }
# check NAME CMD...: ok if CMD succeeds; else not ok, with its output.
check() {
	local name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$name"
	else
		notok "$name"
		tail -n 25 "$TMP/check.out" | sed 's/^/#   /'
	fi
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N $1 # SKIP $2"; }
# same GOT WANT: GOT is WANT (else both, for check to print)
same() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }

# ---- namespaces ----
pretty() { echo "# [$1] ${*:2}"; }
# n NS CMD...: run CMD in namespace NS, echoing it as a TAP comment
n() { pretty "$1" "${@:2}"; nq "$@"; }
# nq NS CMD...: the same, quietly (for commands run many times). Not for
# a job in the background that is killed later: `nq ... &` is a subshell
# running CMD as its child, so kill $! leaves CMD running (a ping flood
# or tcpdump so outlived its test, and kept its namespace alive: the
# soak's lifecycle slab "leak"); use `ip netns exec "$P$NS" CMD &`. vtepctl
# enters NS itself (-n, as ip has it): `ip netns exec` costs a process and
# a mount namespace with /sys remounted, 65 ms a run in a TCG guest, and
# the suite runs vtepctl thousands of times.
nq() {
	if [ "$2" = "$VTEPCTL" ]; then
		"$VTEPCTL" -n "$P$1" "${@:3}"
	else
		ip netns exec "$P$1" "${@:2}"
	fi
}
ipn() { pretty "$1" ip "${@:2}"; ip -n "$P$1" "${@:2}"; }
# ipb NS: the ip commands on stdin (one a line, without "ip") in NS, by one
# ip -batch process, each echoed as a TAP comment; fails at the first that
# fails
ipb() {
	local line lines=()
	while IFS= read -r line; do
		pretty "$1" ip "$line"
		lines+=("$line")
	done
	printf '%s\n' "${lines[@]}" | ip -n "$P$1" -batch -
}
vtepctl_n() { pretty "$1" vtepctl "${@:2}"; "$VTEPCTL" -n "$P$1" "${@:2}"; }

ns_add() {
	ip netns add "$P$1"
	NSLIST+=("$1")
	ip -n "$P$1" link set lo up
	# Quiet namespaces: no IPv6 chatter unless a test asks for IPv6.
	if [ "${2:-}" != ipv6 ]; then
		nq "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	fi
}

# The underlay switch: a bridge every host plugs into.
topo_switch() {
	ns_add sw
	# No IGMP/MLD snooping: without a querier it would prune group floods.
	printf '%s\n' "link add name br0 type bridge mcast_snooping 0" "link set br0 up" | ipb sw
}

# host NAME IPV4 [IPV6]: a host on the switch, its uplink named eth0
host_add() {
	local name=$1 ip4=$2 ip6=${3:-}

	ns_add "$name" ${ip6:+ipv6}
	ip link add name eth0 netns "$P$name" type veth peer name "u-$name" netns "${P}sw"
	ipn sw link set "u-$name" master br0 up
	{
		echo "addr add $ip4/24 dev eth0"
		[ -z "$ip6" ] || echo "addr add $ip6/64 dev eth0 nodad"
		echo "link set eth0 up"
		echo "link add name br0 type bridge"
		echo "link set br0 up"
	} | ipb "$name"
}

# vm_add HOST VM MAC IPV4 [IPV6] [VLAN]: a VM behind the host's bridge,
# on an access port of VLAN (the bridge is then VLAN-aware), with an MTU
# of $VM_MTU (default: what an IPv4 underlay of MTU 1500 carries)
vm_add() {
	local host=$1 vm=$2 mac=$3 ip4=$4 ip6=${5:-} vlan=${6:-}

	ns_add "$vm" ${ip6:+ipv6}
	ip link add name eth0 netns "$P$vm" address "$mac" type veth peer name "v-$vm" netns "$P$host"
	ipn "$host" link set "v-$vm" master br0 up
	if [ -n "$vlan" ]; then
		ipn "$host" link set br0 type bridge vlan_filtering 1
		n "$host" bridge vlan del vid 1 dev "v-$vm"
		n "$host" bridge vlan add vid "$vlan" dev "v-$vm" pvid untagged
	fi
	# (what a DHCP server of the overlay would announce: the tunnel's MTU)
	{
		echo "addr add $ip4/24 dev eth0"
		[ -z "$ip6" ] || echo "addr add $ip6/64 dev eth0 nodad"
		echo "link set eth0 mtu $VM_MTU up"
	} | ipb "$vm"
}

# vtep_add HOST LOCAL [OPTIONS...]: our vtep0 on HOST, a port of its bridge
vtep_add() {
	local host=$1 local=$2

	vtepctl_n "$host" link add vtep0 local "$local" underlay eth0 "${@:3}"
	ipn "$host" link set vtep0 master br0 up
}

# vxlan_add HOST LOCAL VNI [ip link options...]: the kernel's vxlan as vx<VNI>
vxlan_add() {
	local host=$1 local=$2 vni=$3

	ipn "$host" link add "vx$vni" type vxlan id "$vni" dstport 4789 \
		local "$local" dev eth0 "${@:4}"
	ipn "$host" link set "vx$vni" master br0 up
}

# two_hosts: h1 (192.0.2.1) and h2 (192.0.2.2) on the switch, VM v1
# (203.0.113.1, 02:00:00:00:01:01) behind h1, v2 (203.0.113.2,
# 02:00:00:00:02:02) behind h2
two_hosts() {
	topo_switch
	host_add h1 192.0.2.1
	host_add h2 192.0.2.2
	vm_add h1 v1 02:00:00:00:01:01 203.0.113.1
	vm_add h2 v2 02:00:00:00:02:02 203.0.113.2
}

# vtep_vs_vxlan: two_hosts, h1's vtep0 with VNI 100 untagged and h2's
# kernel vxlan vx100 flooding to h1 (h1 has no remote: the test says)
vtep_vs_vxlan() {
	two_hosts
	vtep_add h1 192.0.2.1
	vtepctl_n h1 vni add 100 dev vtep0 untagged
	vxlan_add h2 192.0.2.2 100
	n h2 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.1
}

# two_vteps: two_hosts with our vtep0 on each, VNI 100 untagged with each
# host the other's remote; checks that v1 reaches v2
two_vteps() {
	local h

	two_hosts
	vtep_add h1 192.0.2.1
	vtep_add h2 192.0.2.2
	for h in h1 h2; do
		vtepctl_n $h vni add 100 dev vtep0 untagged
	done
	vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
	vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0
	check "v1 reaches v2" ping_ok v1 203.0.113.2
}

# ---- waiting (on events, never on elapsed time as a result) ----
# nap SECONDS: sleep without a process (sleep(1) is a fork and exec, 83 ms
# in a TCG guest): a read that times out on a FIFO no one writes
mkfifo "$TMP/.nap"
exec {NAP_FD}<>"$TMP/.nap"
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }
# retry N CMD...: run CMD until it succeeds, every 0.1 s, giving up once
# it failed N times and N half-seconds have passed (so as many tries and
# as long a wait as before, when it slept 0.5 s between tries; CMD's
# arguments are expanded once, by the caller: see wait_for)
retry() {
	local _rt_n=$1 _rt_i=0 _rt_end=$((${EPOCHREALTIME/./} + $1 * 500000))
	shift
	while :; do
		"$@" && return 0
		_rt_i=$((_rt_i + 1))
		[ $_rt_i -ge "$_rt_n" ] && [ "${EPOCHREALTIME/./}" -ge $_rt_end ] && return 1
		nap 0.1
	done
}
# wait_for N 'SHELL CONDITION': evaluate the condition (afresh each time)
# until it holds, every 0.1 s, at most as long as retry N
wait_for() {
	# (its locals are named so that the condition sees the caller's)
	local _wf_i=0 _wf_end=$((${EPOCHREALTIME/./} + $1 * 500000))
	while :; do
		eval "$2" && return 0
		_wf_i=$((_wf_i + 1))
		[ $_wf_i -ge "$1" ] && [ "${EPOCHREALTIME/./}" -ge $_wf_end ] && return 1
		nap 0.1
	done
}
# ping_ok NS DST: the VM can reach DST (ARP included); a few tries
ping_ok() { retry 10 nq "$1" ping -q -c 1 -W 2 "$2" >/dev/null; }

# The counters of vtepctl -j stats show as one object, by their text names:
# stats64's rx and tx ("rx_packets" ...) and vtep's own ("vtep_stats", or
# "stats" under VTEPCTL_JSON_COMPAT)
JQ_STATS='((if type == "array" then .[0] else . end) |
	((.stats64 // {}) as $t | [("rx", "tx") as $d | ($t[$d] // {}) |
	to_entries[] | {key: ($d + "_" + .key), value}] | from_entries) +
	(.vtep_stats // .stats // .))'
# vstat_read NS DEV [VNI]: DEV's (or its VNI's) counters from the text of
# vtepctl stats show, into VSTAT (name -> value): one vtepctl run, read by
# bash itself (jq costs 250 ms to start in a TCG guest, python3 490 ms)
declare -A VSTAT
vstat_read() {
	local name v
	VSTAT=()
	while read -r name v; do
		[[ $v =~ ^[0-9]+$ ]] && VSTAT[$name]=$v
	done <<<"$("$VTEPCTL" -n "$P$1" stats show dev "$2" ${3:+vni $3} 2>/dev/null)"
}
# stat NS DEV NAME [VNI]: one counter, vtep's own by its text name; one
# only in the standard counters (stats64: rx_dropped, ...) from -j and jq;
# 0 for a counter neither has
stat() {
	vstat_read "$1" "$2" "${4:-}"
	if [ -n "${VSTAT[$3]+set}" ]; then
		echo "${VSTAT[$3]}"
		return 0
	fi
	local vni=${4:+vni $4}
	nq "$1" "$VTEPCTL" -j stats show dev "$2" $vni |
		jq -r --arg k "$3" "$JQ_STATS"' | .[$k] // 0'
}

# fdb_dst NS DEV VNI MAC: the remote an FDB entry points at ("" if none),
# from the text of vtepctl fdb show ("MAC vni N dst IP ...")
fdb_dst() {
	local f i m=${4,,}
	while read -r -a f; do
		[ "${f[0],,}" = "$m" ] || continue
		for ((i = 1; i + 1 < ${#f[@]}; i++)); do
			[ "${f[i]}" = dst ] && { echo "${f[i + 1]}"; return 0; }
		done
		echo
		return 0
	done <<<"$("$VTEPCTL" -n "$P$1" fdb show dev "$2" vni "$3" 2>/dev/null)"
}

# ---- the underlay, captured (tcpdump, read with tshark) ----
# underlay_on HOST NAME CMD...: run CMD with HOST's uplink captured into
# NAME.pcap (VXLAN only), its output into NAME.out
underlay_on() {
	ip netns exec "$P$1" tcpdump -nUi eth0 -w "$TMP/$2.pcap" udp port 4789 >/dev/null 2>"$TMP/$2.err" &
	local pid=$!
	wait_for 20 "grep -q listening $TMP/$2.err"
	"${@:3}" >"$TMP/$2.out" 2>&1 || true
	sleep 1		# the capture's last packets (not a result)
	kill $pid
	wait $pid || true
}
# vxlan_pkts [-t] PCAP: one line per VXLAN packet of a capture: its outer
# source address, source port, destination address and VNI, then its inner
# packet as tcpdump prints it, e.g.
#   192.0.2.1 40000 192.0.2.2 100 IP 203.0.113.1.5555 > 203.0.113.2.7777: UDP, length 64
# With -t, each line starts with the packet's capture time in seconds.
# (tcpdump -r: tshark takes 5.7 s to start in a TCG guest)
vxlan_pkts() {
	local ts=-t
	if [ "$1" = -t ]; then
		ts=-tt
		shift
	fi
	tcpdump -n $ts -r "$1" 2>/dev/null | awk -v timed="$ts" '
		/: VXLAN, / {
			t = ""
			if (timed == "-tt") { t = $1 " "; sub(/^[^ ]+ /, "") }
			s = $2; sp = s; sub(/.*\./, "", sp); sub(/\.[0-9]+$/, "", s)
			d = $4; sub(/\.[0-9]+:$/, "", d); vni = $NF
			if ((getline inner) > 0) print t s, sp, d, vni, inner
		}'
}
# seen NAME FILTER: how many captured packets match the tshark filter
# (tshark decodes the ARP and ICMPv6 inside VXLAN on port 4789)
seen() { tshark -r "$TMP/$1.pcap" -n -Y "$2" 2>/dev/null | wc -l; }
# the tshark filters of an ARP request and an NS for an address
arp_req() { echo "arp.opcode == 1 && arp.dst.proto_ipv4 == $1 && arp.src.proto_ipv4 != $1"; }
ns_req() { echo "icmpv6.type == 135 && icmpv6.nd.ns.target_address == $1"; }

# ---- cleanup ----
topo_cleanup() {
	local ns pids
	set +e
	for ns in "${NSLIST[@]}"; do
		pids=$(ip netns pids "$P$ns" 2>/dev/null)
		[ -z "$pids" ] || kill $pids 2>/dev/null
	done
	for ns in "${NSLIST[@]}"; do
		ip netns del "$P$ns" 2>/dev/null
	done
	NSLIST=()
	rm -rf "$TMP"
}

on_exit() {
	local rc=$?
	if [ "$TAP_DONE" != 1 ]; then
		notok "setup or test step failed (exit $rc): see the lines above"
		topo_cleanup
		echo "1..$TAP_N"
		exit 1
	fi
}
TAP_DONE=0
trap on_exit EXIT
trap 'diag "failed: $BASH_COMMAND"' ERR

# monitor_start NS FILE [ARGS...]: `vtepctl ARGS` (a monitor) in NS, in
# the background, its output in FILE and its pid in MON; returns once it
# listens. A monitor started in the background subscribes some time later
# (on a loaded guest, after the test's first events: a learned event was
# missed so): a VNI added and deleted on NS's vtep0 until the monitor
# reports it proves the subscription. The monitor then also lists that
# VNI, 16777214 on VLAN 4093, which no test uses.
monitor_start() {
	local ns=$1 out=$2 i
	shift 2
	"$VTEPCTL" -n "$P$ns" "$@" >"$out" 2>&1 &
	MON=$!
	for ((i = 0; i < 50; i++)); do
		nq "$ns" "$VTEPCTL" vni add 16777214 dev vtep0 vlan 4093 >/dev/null 2>&1 || true
		nq "$ns" "$VTEPCTL" vni del 16777214 dev vtep0 >/dev/null 2>&1 || true
		file_has "$out" 16777214 && return 0
		nap 0.2
	done
	diag "monitor in $ns: no event of its own seen (not listening?)"
}
# monitor_stop [PID]: end the monitor monitor_start made (default $MON)
# and reap it; what it wrote stays in its file
monitor_stop() {
	local pid=${1:-$MON}

	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# userns_create Y|N: whether root of a user namespace may create vtep
# devices (the module parameter; N, the default, refuses it). topo_done
# puts it back to N.
userns_create() {
	echo "$1" >/sys/module/vtep/parameters/userns_create
}

# topo_done: clean up, check that nothing of ours is left, print the plan
topo_done() {
	[ -w /sys/module/vtep/parameters/userns_create ] && userns_create N
	topo_cleanup
	if ip netns list | grep -q "^$P"; then
		notok "every namespace of the test is gone"
	else
		ok "every namespace of the test is gone"
	fi
	echo "1..$TAP_N"
	TAP_DONE=1
	exit $TAP_FAIL
}

# need_evpn GROUP [BIN...]: end the script unless the BGP EVPN tests can
# run: gobgpd, FRR, the agent's python modules and its gobgp stubs (built
# on the host by make tests: the agent imports them from the repository's
# build/evpn-stubs only), and any other BIN
need_evpn() {
	local group=$1 bin
	shift
	for bin in /usr/bin/gobgpd /usr/bin/gobgp /usr/lib/frr/bgpd \
		/usr/lib/frr/zebra /usr/bin/vtysh "$@"; do
		if [ ! -x "$bin" ]; then
			skip "$group" "$bin missing (scripts/deps.sh installs gobgpd, frr)"
			topo_done
		fi
	done
	if ! /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null; then
		skip "$group" "python3-grpcio / python3-protobuf missing"
		topo_done
	fi
	if [ ! -e "$TOPO_REPO/build/evpn-stubs/gobgp_pb2.py" ]; then
		notok "vtep-evpn's gobgp stubs are built ($TOPO_REPO/build/evpn-stubs: make evpn-stubs)"
		topo_done
	fi
}

# ==== cheap waits, counters and captures (added with evpn.sh's speed-up) ====
# In a TCG guest a fork+exec costs ~83 ms, `ip netns exec` ~186 ms and a
# python3 ~490 ms: these helpers poll every 0.1 s by the clock, read
# vtepctl's text output with awk, and read a capture once with tcpdump.

# poll_for SECS 'CONDITION': evaluate CONDITION (afresh each time) every
# 0.1 s until it holds, for at most SECS seconds (an integer) by the clock
poll_for() {
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	until eval "$2"; do
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.1
	done
}
# poll_in NS SECS 'CONDITION' [INTERVAL]: poll_for with the loop inside NS,
# one ip netns exec for the whole wait instead of one per try. CONDITION is
# bash run in NS, with $VTEPCTL set; INTERVAL seconds between tries (0.1)
poll_in() {
	ip netns exec "$P$1" bash -c '
		VTEPCTL=$1
		end=$((${EPOCHREALTIME/./} + $2 * 1000000))
		until eval "$3"; do
			[ "${EPOCHREALTIME/./}" -lt "$end" ] || exit 1
			sleep "$4"
		done' poll_in "$VTEPCTL" "$2" "$3" "${4:-0.1}"
}

# poll_hint SECS 'HINT' 'CONDITION': poll_for CONDITION when it is costly
# (a netns exec, a dump): the cheap HINT (bash alone, no process: a log
# line) is tried every 0.2 s, and CONDITION when HINT holds, first and
# every 3 s regardless; at most SECS seconds. In a TCG guest both vCPUs
# run on one host thread: a poll's CPU is taken from what it waits for.
poll_hint() {
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000)) next=0 now
	while :; do
		now=${EPOCHREALTIME/./}
		if [ "$now" -ge "$next" ] || eval "$2"; then
			eval "$3" && return 0
			next=$((now + 3000000))
		fi
		[ "$now" -lt "$end" ] || return 1
		sleep 0.2
	done
}
# count_in FILE TEXT: set COUNT to how many times TEXT occurs in FILE (0
# if there is no FILE), read by bash alone: no grep, no $(...), for small
# files polled often
count_in() {
	local s= t
	[ ! -e "$1" ] || IFS= read -r -d '' s <"$1" || true
	t=${s//"$2"/}
	COUNT=$(((${#s} - ${#t}) / ${#2}))
}

# underlay_cap HOST DST NAME CMD...: run CMD with HOST's uplink captured
# (VXLAN only) into NAME.pcap, its output into NAME.out, and the capture
# decoded once by tcpdump into NAME.txt (tcpdump shows what VXLAN on port
# 4789 carries: ARP, IPv6, ICMP). The capture starts once tcpdump listens
# and ends once a marker datagram HOST sends to DST's port 4789 after CMD
# (its UDP length, 25, no VXLAN packet has) is in it: what CMD made HOST
# send is in the capture by then.
underlay_cap() {
	local host=$1 dst=$2 name=$3 pid
	shift 3
	ip netns exec "$P$host" tcpdump -nUi eth0 -w "$TMP/$name.pcap" udp port 4789 >/dev/null 2>"$TMP/$name.err" &
	pid=$!
	poll_for 20 "grep -q listening '$TMP/$name.err'" || diag "tcpdump on $host: not listening?"
	"$@" >"$TMP/$name.out" 2>&1 || true
	nq "$host" bash -c "echo vtep-capture-end >/dev/udp/$dst/4789" || true
	poll_for 10 "tcpdump -nr '$TMP/$name.pcap' 'dst host $dst and udp[4:2] = 25' 2>/dev/null | grep -q ." ||
		diag "capture $name: its end marker never showed"
	kill "$pid"
	wait "$pid" || true
	tcpdump -nr "$TMP/$name.pcap" >"$TMP/$name.txt" 2>/dev/null || true
}
# arp_reqs NAME IP: ARP requests for IP (not gratuitous) in NAME's capture
arp_reqs() {
	awk -v t="who-has $2 " -v s="tell $2," \
		'index($0, "ARP, Request ") && index($0, t) && !index($0, s)' "$TMP/$1.txt" | wc -l
}
# ns_reqs NAME IP6: neighbour solicitations for IP6 in NAME's capture
ns_reqs() { grep -cF "neighbor solicitation, who has $2," "$TMP/$1.txt" || true; }
# ==== end of the cheap helpers ====

# ---- frames made on the host, captures read as text (issue 25) ----
# The frames a test crafts are made once on the host by `make tests`
# (tests/frames/mkframes.py, tests/storm/gen.py pcaps) into $FRAMES and sent
# here by tests/tools/pcapsend; ARP and ND questions are asked by
# tests/tools/ndask. No guest imports scapy (10 s each in a TCG guest),
# none starts tshark (6 s) or a python3 (0.5 s) to read a counter.
FRAMES=$TOPO_REPO/build/frames
PCAPSEND=$TOPO_REPO/tests/tools/pcapsend
NDASK=$TOPO_REPO/tests/tools/ndask
# frames_need FILE...: the built frames and tools exist (else: a failed
# test naming them, and the end)
frames_need() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || { notok "$f exists (make tests)"; topo_done; }
	done
}
# pcap_send NS [pcapsend options] IFACE FILE...: send the frames of FILEs
# from NS's IFACE (pcapsend enters NS itself: no ip netns exec)
pcap_send() { "$PCAPSEND" -n "$P$1" "${@:2}"; }

# stat_sum NS DEV NAME...: the sum of counters of DEV, one read (a counter
# only in stats64, `stat` reads on its own, in a subshell)
stat_sum() {
	local k sum=0
	vstat_read "$1" "$2"
	for k in "${@:3}"; do
		sum=$((sum + ${VSTAT[$k]:-$(stat "$1" "$2" "$k")}))
	done
	echo "$sum"
}
# vjq NS FILTER ARGS...: vtepctl -j ARGS in NS, through the jq FILTER
vjq() { nq "$1" "$VTEPCTL" -j "${@:3}" | jq -c -r "$2"; }

# poll N CONDITION: `wait_for` every 0.05 s (N tries): for conditions
# evaluated in the shell itself, no process started
poll() {
	local i
	for ((i = 0; i < $1; i++)); do
		eval "$2" && return 0
		sleep 0.05
	done
	return 1
}
# file_has FILE STRING: FILE holds STRING (bash reads it: no grep started)
file_has() {
	local lines
	[ -e "$1" ] || return 1
	mapfile -t lines <"$1"
	[[ "${lines[*]}" == *"$2"* ]]
}

# cap_start HOST NAME IFACE [FILTER...]: tcpdump on HOST's IFACE, each
# packet decoded as text (VXLAN on port 4789 with its inner frame) into
# NAME.txt as it comes (--immediate-mode); returns once it listens
declare -A CAP_PID
cap_start() {
	local host=$1 name=$2 ifc=$3
	shift 3
	ip netns exec "$P$host" tcpdump --immediate-mode -nl -i "$ifc" "$@" \
		>"$TMP/$name.txt" 2>"$TMP/$name.err" &
	CAP_PID[$name]=$!
	poll 400 "file_has $TMP/$name.err 'listening on'" ||
		{ diag "capture $name: tcpdump does not listen"; return 1; }
}
# cap_stop HOST NAME: every packet before this point is in NAME.txt, the
# capture ends. A marker frame (VXLAN VNI 16777215, to a MAC nobody has)
# leaves HOST's eth0 after them and the capture waits for it: no sleep.
# Fails (a failed step) if tcpdump never printed it.
cap_stop() {
	pcap_send "$1" eth0 "$FRAMES/marker.pcap"
	local seen=0
	poll 400 "file_has $TMP/$2.txt 'vni 16777215'" && seen=1
	kill "${CAP_PID[$2]}"
	wait "${CAP_PID[$2]}" || true
	[ $seen = 1 ] || { diag "capture $2: the marker never came: packets lost?"; return 1; }
}
# underlay_text HOST NAME CMD...: `underlay_on` read as text: CMD run with
# HOST's uplink captured (VXLAN only) into NAME.txt, its output in NAME.out
underlay_text() {
	cap_start "$1" "$2" eth0 udp port 4789
	"${@:3}" >"$TMP/$2.out" 2>&1 || true
	cap_stop "$1" "$2"
}
# re IP: IP as an extended regular expression (dots literal)
re() { echo "${1//./\\.}"; }
# seen_arp_req NAME IP: ARP requests for IP from another sender in NAME.txt
# (tshark's arp.opcode == 1 && arp.dst.proto_ipv4 == IP && arp.src.proto_ipv4 != IP)
seen_arp_req() {
	grep -E "ARP, Request who-has $(re "$2")( \([0-9a-f:]+\))? tell " "$TMP/$1.txt" |
		grep -vc " tell $(re "$2")," || true
}
# seen_arp_from NAME SENDER [TARGET]: ARP requests from SENDER (for TARGET, or any)
seen_arp_from() {
	local t='[0-9.]+'
	[ -z "${3:-}" ] || t=$(re "$3")
	grep -Ec "ARP, Request who-has $t( \([0-9a-f:]+\))? tell $(re "$2")," "$TMP/$1.txt" || true
}
# seen_ns NAME IP6: neighbour solicitations for IP6 in NAME.txt
# (icmpv6.type == 135 && icmpv6.nd.ns.target_address == IP6)
seen_ns() { grep -c "ICMP6, neighbor solicitation, who has $2," "$TMP/$1.txt" || true; }
