#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The named malformed shapes of the storm (tests/topo/storm.sh), sent and
# judged in the guest without a python: run in the receiver's namespace,
#
#   shapes.sh PREFIX K SENDER_NETNS [ONLY]
#
# sends the frames of each shape of PREFIX.manifest (made on the host by
# `gen.py pcaps`) K times from SENDER_NETNS's eth0 and, after each, reads
# the receiving device's counters (vtep0 for "v4", vtep6 for "v6"): the
# shape's counter must have moved by exactly what it expects and no other
# rx outcome (PREFIX.outcomes) at all; "none" shapes (the stack drops them
# before us) move nothing within 0.4 s. ONLY: the shapes whose name holds
# it. One line per shape, as gen.py shapes printed them:
#   RESULT<TAB>ok|not ok|todo<TAB>name (expected)<TAB>detail
# and TOTAL<TAB>frames sent. Exits 1 if a pcap could not be sent.
set -u
PREFIX=$1 K=$2 NETNS=$3 ONLY=${4:-}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VTEPCTL=${VTEPCTL:-$REPO/userspace/vtepctl}
PCAPSEND=${PCAPSEND:-$REPO/tests/tools/pcapsend}
read -r -a OUTCOMES <"$PREFIX.outcomes"

# read_stats DEV: the rx outcomes of DEV into S (in OUTCOMES' order);
# HAS_BAD_SRC=1 if the module has drop_bad_src_mac. The JSON of one
# device's counters is two flat objects, as ip -j -s link has the standard
# ones ("stats64": {"rx": {"bytes", "packets"}, ...}) and vtep's own in
# "vtep_stats": bash reads it, no jq, no python. rx_packets is rx's packets.
read_stats() {
	local json k
	json=$("$VTEPCTL" -j stats show dev "$1") || return 1
	[[ $json == *'"vtep_stats":'* && $json =~ \"rx\":\{[^}]*\"packets\":([0-9]+) ]] ||
		{ echo "no stats in: $json" >&2; return 1; }
	local rx=${BASH_REMATCH[1]}
	S=()
	for k in "${OUTCOMES[@]}"; do
		if [ "$k" = rx_packets ]; then
			S+=("$rx")
		elif [[ $json =~ \"$k\":[[:space:]]*([0-9]+) ]]; then
			S+=("${BASH_REMATCH[1]}")
		else
			S+=(0)
		fi
	done
	HAS_BAD_SRC=0
	[[ $json == *'"drop_bad_src_mac":'* ]] && HAS_BAD_SRC=1
	return 0
}
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

declare -A LAST		# device: its counters after the last shape sent to it
total=0 rc=0
while IFS=$'\t' read -r nn dev exp per nfr todo name; do
	[ -z "$ONLY" ] || [[ $name == *"$ONLY"* ]] || continue
	d=vtep0
	[ "$dev" = v6 ] && d=vtep6
	if [ -n "${LAST[$d]:-}" ]; then
		read -r -a before <<<"${LAST[$d]}"
	else
		read_stats $d || exit 1
		before=("${S[@]}")
	fi
	"$PCAPSEND" -n "$NETNS" -c "$K" eth0 "$PREFIX-$nn.pcap" || rc=1
	t0=$(now_ms)
	nframes=$((K * nfr))
	total=$((total + nframes))
	relaxed=0
	[ "$todo" = - ] && todo=
	if [ "$exp" = bad_src_mac ]; then
		if [ "$HAS_BAD_SRC" = 1 ]; then
			exp=drop_bad_src_mac
		else
			exp="rx_packets|drop_bad_src_mac"
			relaxed=1
			todo="issue 12 defect 10: no drop_bad_src_mac counter yet"
		fi
	fi
	want=$((K * per))
	# "none": what moves within 0.4 s of the send; else until the
	# expected number moved (at most 5 s)
	if [ "$want" = 0 ]; then
		left=$((t0 + 400 - $(now_ms)))
		[ $left -le 0 ] || sleep "$(printf '0.%03d' $left)"
	fi
	while :; do
		read_stats $d || exit 1
		moved=() sum=0
		for i in "${!OUTCOMES[@]}"; do
			v=$((S[i] - before[i]))
			[ $v = 0 ] && continue
			moved+=("${OUTCOMES[i]} +$v")
			sum=$((sum + v))
		done
		[ "$want" != 0 ] && [ $sum -ge "$want" ] && break
		[ "$want" = 0 ] || [ $(now_ms) -gt $((t0 + 5000)) ] && break
		sleep 0.1
	done
	LAST[$d]="${S[*]}"
	if [ "$exp" = none ]; then
		[ ${#moved[@]} = 0 ] && good=1 || good=0
	else
		good=0
		if [ ${#moved[@]} = 1 ]; then
			k=${moved[0]% +*} v=${moved[0]#* +}
			[[ "|$exp|" == *"|$k|"* ]] && [ "$v" = "$want" ] && good=1
		fi
	fi
	m=$(IFS=,; echo "${moved[*]}")
	detail="$nframes frames, expected $exp +$want, moved ${m//,/, }"
	[ ${#moved[@]} = 0 ] && detail="$nframes frames, expected $exp +$want, moved nothing"
	[ $good = 1 ] && [ $relaxed = 0 ] && todo=
	if [ $good = 1 ]; then status=ok; elif [ -n "$todo" ]; then status=todo; else status="not ok"; fi
	[ -z "$todo" ] || detail+=" # TODO $todo"
	printf 'RESULT\t%s\t%s (%s)\t%s\n' "$status" "$name" "$exp" "$detail"
done <"$PREFIX.manifest"
printf 'TOTAL\t%d\n' "$total"
exit $rc
