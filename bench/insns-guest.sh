#!/bin/bash
# Runs in the bench VM under the insncount plugin (scripts/insns.sh): for
# each row (raw veth, the kernel's vxlan, vtep, geneve if present; then
# vxlan-learn and vtep-learn, where every frame comes from a MAC the
# receiver has not learned yet, and vtep-1m, vtep with 1,000,000 static
# entries besides the one the frames go to; and tcp-veth, tcp-vxlan,
# tcp-vtep, an iperf3 TCP transfer of INSNS_TCP_BYTES with GSO, counted
# per byte; and install-1m, the kernel's half of `vtepctl -batch` adding
# 1,000,000 static entries and then deleting them, counted per entry, and
# install-uniq-1m the same with a destination each), pktgen
# sends INSNS_PKTS frames of 64 bytes from namespace iA, through the row's
# device (its tx, the underlay veth) into iB (the row's rx), where the
# inner frame, for a MAC nobody owns, ends in ip_rcv: the same end for
# every row. Each run is one insnmark window: the write that starts pktgen
# and nothing else. Rows are interleaved INSNS_REPS times. Prints, on the
# results port:
#   INSNS-RUN ROW REP WINDOW SENT DELIVERED
#   INSNS-KALLSYMS-BEGIN, base64 of the gzipped text symbols, INSNS-KALLSYMS-END
set -uo pipefail

PKTS=${INSNS_PKTS:-100000}
REPS=${INSNS_REPS:-3}
ROWS=${INSNS_ROWS:-"veth vxlan vtep geneve vxlan-learn vtep-learn vtep-1m tcp-veth tcp-vxlan tcp-vtep install-1m install-uniq-1m"}
TCP_BYTES=${INSNS_TCP_BYTES:-20971520}	# bytes (20 MiB)
MARK=$PWD/build/bench/insnmark
VTEPCTL=$PWD/userspace/vtepctl
DST_MAC=02:00:00:00:00:bb	# the inner frames' destination: no one's
window=0

modprobe pktgen || { echo "INSNS-ERROR modprobe pktgen failed"; exit 1; }
# Room for every frame of a run in the receiver's backlog: learning rows
# receive slower than pktgen sends, and a full backlog drops.
sysctl -qw net.core.netdev_max_backlog=$((PKTS + 1000))
NFT=$(command -v nft || true)
[ -z "$NFT" ] || modprobe nf_tables || NFT=
if [ -n "$NFT" ]; then
	echo "INSNS-NOTE netfilter: one rule (nft, udp dport 4789, counter) on each underlay"
else
	echo "INSNS-NOTE netfilter: no nft or no nf_tables, no rule on the underlays"
fi
modprobe geneve 2>/dev/null || true

# row_setup ROW: namespaces a_ROW and b_ROW, an underlay veth, the row's
# devices; prints the name of the device pktgen sends on and of the one
# that counts the frames delivered. Every row is set up before the first
# run: a namespace's teardown runs later in a worker, and would land in a
# window.
row_setup() {
	local A=a_$1 B=b_$1 AGEING= kind=${1#tcp-}

	# Learning rows: no ageing, so no sweep of the learned entries (every
	# 10 s in vxlan) runs in another row's window; the cost measured is
	# learning's.
	case $1 in
	*-learn) AGEING="ageing 0" ;;
	esac
	ip netns add $A && ip netns add $B || return 1
	ip -n $A link add u0 type veth peer name u0 netns $B
	ip -n $A link set u0 address 02:00:00:00:00:01
	ip -n $B link set u0 address 02:00:00:00:00:02
	for ns in $A $B; do
		ip -n $ns link set lo up
		ip -n $ns link set u0 up
	done
	ip -n $A addr add 192.0.2.1/24 dev u0
	ip -n $B addr add 192.0.2.2/24 dev u0
	ip -n $A neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev u0 nud permanent
	ip -n $B neigh replace 192.0.2.1 lladdr 02:00:00:00:00:01 dev u0 nud permanent
	case $kind in
	veth)
		echo "u0 u0" ;;
	vxlan|vxlan-learn)
		ip -n $A link add t0 type vxlan id 100 dstport 4789 local 192.0.2.1 dev u0 nolearning
		ip -n $B link add t0 type vxlan id 100 dstport 4789 local 192.0.2.2 dev u0 $AGEING
		ip netns exec $A bridge fdb add $DST_MAC dev t0 dst 192.0.2.2 self permanent
		echo "t0 t0" ;;
	vtep|vtep-learn|vtep-1m|install-1m)
		for ns in $A $B; do
			ip -n $ns link add t0 type vtep || return 1
		done
		ip netns exec $A "$VTEPCTL" link set t0 local 192.0.2.1 learning off
		# as vxlan's: no limit on what is learned
		ip netns exec $B "$VTEPCTL" link set t0 local 192.0.2.2 learning on \
			max-learned 0 max-learned-dev 0 $AGEING
		for ns in $A $B; do
			ip netns exec $ns "$VTEPCTL" vni add 100 dev t0 untagged || return 1
		done
		ip netns exec $A "$VTEPCTL" fdb add $DST_MAC vni 100 dst 192.0.2.2 dev t0
		echo "t0 t0" ;;
	install-uniq-1m)
		# an IPv6 underlay: a million destinations of their own
		ip -n $A addr add 2001:db8::1/64 dev u0 nodad
		ip -n $A link add t0 type vtep || return 1
		ip netns exec $A "$VTEPCTL" link set t0 local 2001:db8::1 learning off max-peers 0
		ip netns exec $A "$VTEPCTL" vni add 100 dev t0 untagged || return 1
		echo "t0 t0" ;;
	geneve)
		ip -n $A link add t0 type geneve id 100 remote 192.0.2.2 2>/dev/null || return 1
		ip -n $B link add t0 type geneve id 100 remote 192.0.2.1
		echo "t0 t0" ;;
	esac
	if [ "$kind" != veth ]; then
		for ns in $A $B; do
			ip -n $ns link set t0 mtu 1450 up
		done
	fi
	case $1 in
	tcp-*) tcp_setup "$1" "$kind" >&2 || return 1 ;;
	esac
	# One netfilter rule on each underlay, on the tunnel's packets
	# (issue 26: the hooks are run, never bypassed, and counted in)
	if [ -n "$NFT" ]; then
		ip netns exec $A nft -f - <<-'NFT' || return 1
		table inet underlay {
			chain out { type filter hook output priority 0; udp dport 4789 counter accept; }
		}
		NFT
		ip netns exec $B nft -f - <<-'NFT' || return 1
		table inet underlay {
			chain in { type filter hook input priority 0; udp dport 4789 counter accept; }
		}
		NFT
	fi
}

# tcp_setup ROW KIND: addresses, MACs and entries both ways on the row's
# tunnel (none on veth: its underlay carries the TCP), and an iperf3
# server in b_ROW listening on TCP_DST[ROW]
tcp_setup() {
	local A=a_$1 B=b_$1 ma=02:00:00:00:01:01 mb=02:00:00:00:01:02 i
	if [ "$2" = veth ]; then
		TCP_DST[$1]=192.0.2.2
	else
		TCP_DST[$1]=198.51.100.2
		ip -n $A link set t0 address $ma
		ip -n $B link set t0 address $mb
		ip -n $A addr add 198.51.100.1/24 dev t0
		ip -n $B addr add 198.51.100.2/24 dev t0
		ip -n $A neigh replace 198.51.100.2 lladdr $mb dev t0 nud permanent
		ip -n $B neigh replace 198.51.100.1 lladdr $ma dev t0 nud permanent
		case $2 in
		vxlan)
			ip netns exec $A bridge fdb add $mb dev t0 dst 192.0.2.2 self permanent
			ip netns exec $B bridge fdb add $ma dev t0 dst 192.0.2.1 self permanent ;;
		vtep)
			ip netns exec $A "$VTEPCTL" fdb add $mb vni 100 dst 192.0.2.2 dev t0
			ip netns exec $B "$VTEPCTL" fdb add $ma vni 100 dst 192.0.2.1 dev t0 ;;
		*)
			return 1 ;;
		esac
	fi
	ip netns exec $B iperf3 -s -D -B "${TCP_DST[$1]}" || return 1
	for i in $(seq 50); do
		ip netns exec $B ss -Htln | grep -q "${TCP_DST[$1]}:5201" && return 0
		sleep 0.1
	done
	return 1
}

# tcp_run ROW REP: one iperf3 transfer of TCP_BYTES in a window
tcp_run() {
	if ip netns exec a_$1 "$MARK" -x iperf3 -c "${TCP_DST[$1]}" -n "$TCP_BYTES" \
		-i 0 >/tmp/iperf3-$1.log 2>&1; then
		echo "INSNS-RUN $1 $2 $window $TCP_BYTES $TCP_BYTES"
	else
		echo "INSNS-ERROR $1: iperf3 failed: $(tail -n 1 /tmp/iperf3-$1.log)"
	fi
	window=$((window + 1))
}

# fdb_lines N VERB [uniq]: N static entries of VNI 100 to one destination
# (the shared layout of make bench's scale rows), or each to its own
# (uniq: 2001:db8:1::1 on), as -batch lines
fdb_lines() {
	awk -v n="$1" -v verb="$2" -v uniq="${3:-}" 'BEGIN { for (i = 0; i < n; i++) {
		printf "fdb %s 06:00:%02x:%02x:%02x:01 vni 100", verb,
			int(i / 65536) % 256, int(i / 256) % 256, i % 256
		if (verb != "add")
			dst = ""
		else if (uniq)
			dst = sprintf(" dst 2001:db8:1::%x:%x", int((i + 1) / 65536), (i + 1) % 65536)
		else
			dst = " dst 192.0.2.2"
		print dst " dev t0" } }'
}

# batch_window ROW NAME FILE: `vtepctl -batch FILE` in ROW's namespace as
# one window, reported as row NAME; "delivered" is how far the table's
# size moved
batch_window() {
	local A=a_$1 c0 c1
	c0=$(fdbs "$A")
	if ip netns exec "$A" "$MARK" -x "$VTEPCTL" -batch "$3" >/dev/null; then
		c1=$(fdbs "$A")
		echo "INSNS-RUN $2 1 $window $(wc -l <"$3") $((c1 > c0 ? c1 - c0 : c0 - c1))"
	else
		echo "INSNS-ERROR $2: the batch failed"
	fi
	window=$((window + 1))
}
fdbs() { ip netns exec "$1" "$VTEPCTL" -j link show t0 | jq '.[0].fdb_count'; }

# install_run ROW [uniq]: two windows, the kernel's half of `vtepctl
# -batch` adding a million static entries (one destination, or uniq: a
# destination each), then deleting them
install_run() {
	fdb_lines 1000000 add "${2:-}" >/tmp/fdb-add
	fdb_lines 1000000 del >/tmp/fdb-del
	batch_window "$1" "$1" /tmp/fdb-add
	batch_window "$1" "${1%-1m}-del-1m" /tmp/fdb-del
	rm -f /tmp/fdb-add /tmp/fdb-del
}

# the packets the rules counted in ROW's namespaces (tx, rx)
nft_packets() {
	local c
	for c in "a_$1 out" "b_$1 in"; do
		set -- $c
		ip netns exec "$1" nft list chain inet underlay "$2" 2>/dev/null |
			awk '/counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
	done | paste -sd' '
}

rx_packets() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

# run ROW REP TXDEV RXDEV: one pktgen run of PKTS frames in a window; a
# learning row's frames each from a new MAC (a new range each rep)
run() {
	local pg=/proc/net/pktgen dev=$3 r0 r1 A=a_$1 B=b_$1 macs=
	case $1 in
	*-learn) macs=$(printf "'src_mac 0a:%02x:00:00:00:00' 'src_mac_count %d'" "$2" "$PKTS") ;;
	esac
	ip netns exec $A sh -c "
		echo rem_device_all >$pg/kpktgend_0 &&
		echo 'add_device $dev' >$pg/kpktgend_0 &&
		for c in 'count $PKTS' 'clone_skb 0' 'pkt_size 60' 'delay 0' \
			 'burst 1' 'dst 198.51.100.2' 'src_min 198.51.100.1' \
			 'src_max 198.51.100.1' 'dst_mac $DST_MAC' \
			 'udp_src_min 9' 'udp_src_max 9' 'udp_dst_min 9' 'udp_dst_max 9' \
			 $macs; do
			echo \"\$c\" >$pg/$dev || exit 1
		done" || { echo "INSNS-ERROR $1: pktgen setup failed"; return 1; }
	r0=$(rx_packets $B "$4")
	# The window closes once B has received them all (or stopped): B's
	# counter is opened in B (its sysfs) and read through the fd in A.
	ip netns exec $B bash -c "exec 3</sys/class/net/$4/statistics/rx_packets &&
		ip netns exec $A '$MARK' $pg/pgctrl start /proc/self/fd/3 $((r0 + PKTS))" ||
		{ echo "INSNS-ERROR $1: pktgen run failed"; return 1; }
	r1=$(rx_packets $B "$4")
	echo "INSNS-$([ -n "${WARM:-}" ] && echo WARM || echo RUN) $1 $2 $window $PKTS $((r1 - r0))"
	window=$((window + 1))
}

declare -A TX RX TCP_DST
for row in $ROWS; do
	# (not in a $(...): tcp_setup fills TCP_DST)
	if row_setup "$row" >/tmp/devs-$row && devs=$(cat /tmp/devs-$row) && [ -n "$devs" ]; then
		TX[$row]=${devs% *}
		RX[$row]=${devs#* }
	else
		echo "INSNS-SKIP $row: cannot set it up"
	fi
done
# phase ROW...: the rows' runs, interleaved (a row's runs spread over the
# phase, as the others'), after a pause for the work set-up left queued
phase() {
	local rep row
	sleep 2
	for rep in $(seq 1 "$REPS"); do
		for row in "$@"; do
			[ -n "${TX[$row]:-}" ] || continue
			case $row in
			tcp-*) tcp_run "$row" "$rep" ;;
			*) run "$row" "$rep" "${TX[$row]}" "${RX[$row]}" ;;
			esac
		done
	done
}
# Plain rows first, then learning (its tables grow, and resize, in their
# own phase), then the million entries, loaded just before.
plain= learn= tcp=
for row in $ROWS; do
	case $row in
	*-learn) learn+=" $row" ;;
	tcp-*) tcp+=" $row" ;;
	vtep-1m|install-*) ;;
	*) plain+=" $row" ;;
	esac
done
phase $plain
phase $learn
phase $tcp
if [ -n "${TX[vtep-1m]:-}" ]; then
	awk 'BEGIN { for (i = 0; i < 1000000; i++)
		printf "fdb add 06:00:%02x:%02x:%02x:01 vni 100 dst 192.0.2.2 dev t0\n",
			int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' >/tmp/fdb1m
	if ip netns exec a_vtep-1m "$VTEPCTL" -batch /tmp/fdb1m >/dev/null; then
		echo "INSNS-NOTE vtep-1m: $(ip netns exec a_vtep-1m "$VTEPCTL" -j link show t0 |
			jq '.[0].fdb_count') entries"
		# One run outside any window first: the table's last resize,
		# queued by the load, runs in a worker after it.
		WARM=1 run vtep-1m 0 "${TX[vtep-1m]}" "${RX[vtep-1m]}"
		sleep 3
		phase vtep-1m
	else
		echo "INSNS-SKIP vtep-1m: loading 1,000,000 entries failed"
	fi
	rm -f /tmp/fdb1m
fi
if [ -n "${TX[install-1m]:-}" ]; then
	sleep 2
	install_run install-1m
fi
if [ -n "${TX[install-uniq-1m]:-}" ]; then
	sleep 2
	install_run install-uniq-1m uniq
fi
# The symbols, to name the blocks (Debian's System.map is a stub): every
# text symbol, gzipped, base64 between two marker lines.
for row in $ROWS; do
	[ -z "${TX[$row]:-}" ] || [ -z "$NFT" ] ||
		echo "INSNS-NOTE $row: the underlay rules counted $(nft_packets "$row") packets (tx rx)"
done
echo "INSNS-KALLSYMS-BEGIN"
awk '$2 ~ /^[tTwW]$/' /proc/kallsyms | gzip -1 | base64 -w 76
echo "INSNS-KALLSYMS-END"
for row in $ROWS; do
	ip netns del "a_$row" 2>/dev/null
	ip netns del "b_$row" 2>/dev/null
done
