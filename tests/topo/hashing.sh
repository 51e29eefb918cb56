#!/bin/bash
# Inner-flow hashing: the outer UDP source port of each tunnelled packet,
# seen by a tc BPF program (tests/bpf/portcount) on h1's underlay uplink.
# One flow keeps one port; 1,000 flows spread over >= 900 ports, all with
# the most significant bit set; a configured range is respected.
#
#   ┌ v1 ──────────┐                 ┌ v2 ──────────┐
#   │ 203.0.113.1  │  UDP flows ───▶ │ 203.0.113.2  │
#   └──────┬───────┘                 └──────┬───────┘
#   ┌ h1 ──┴───────┐                 ┌ h2 ──┴───────┐
#   │ br0 ─ vtep0  │                 │ br0 ─ vtep0  │
#   │ eth0 ◀── portcount (tc egress) │ eth0         │
#   └──────┬───────┘                 └──────┬───────┘
#   ┌ sw ──┴────────────────────────────────┴───────┐
#   └───────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

PORTCOUNT=$TOPO_REPO/tests/bpf/portcount
if [ ! -x "$PORTCOUNT" ] || [ ! -e "$TOPO_REPO/tests/bpf/portcount.bpf.o" ]; then
	skip "inner-flow hashing" "tests/bpf/portcount not built (make tests)"
	topo_done
fi

two_vteps

# portcount_start NAME: count on h1's uplink until portcount_stop
portcount_start() {
	ip netns exec "${P}h1" "$PORTCOUNT" eth0 >"$TMP/$1.out" 2>"$TMP/$1.err" &
	PC_PID=$!
	retry 40 grep -q '^ready' "$TMP/$1.out"
}
portcount_stop() {
	kill -INT "$PC_PID"
	wait "$PC_PID"
}

# send FIRST_PORT COUNT PER_FLOW DPORT: COUNT UDP flows from v1 to v2,
# source ports FIRST_PORT.., PER_FLOW datagrams each
send_flows() {
	nq v1 python3 -c 'import socket, sys
first, count, per, dport = map(int, sys.argv[1:])
for port in range(first, first + count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("203.0.113.1", port))
    for _ in range(per):
        s.sendto(b"x" * 64, ("203.0.113.2", dport))
    s.close()' "$@"
}

portcount_start flows
send_flows 5555 1 100 7777
send_flows 20000 1000 1 9
portcount_stop
grep -E '^summary' "$TMP/flows.out" | sed 's/^/# portcount: /'

# flow VNI PROTO SRC DST SPORT DPORT PACKETS OUTER_SPORT CHANGES
check "one flow's 100 packets all carry one outer source port" \
	awk '$1 == "flow" && $2 == 100 && $3 == 17 && $6 == 5555 && $7 == 7777 {
		found = 1; if ($8 != 100 || $10 != 0) bad = 1 }
		END { exit bad || !found }' \
	"$TMP/flows.out"
awk '$1 == "flow" && $3 == 17 && $7 == 9 { print $9 }' "$TMP/flows.out" \
	>"$TMP/ports"
nflows=$(wc -l <"$TMP/ports")
nports=$(sort -u "$TMP/ports" | wc -l)
minport=$(sort -n "$TMP/ports" | head -n1)
diag "1000 flows: $nflows seen, $nports distinct outer source ports, lowest $minport"
diag "histogram of their ports, 16 bins of 2048 from 32768:"
awk '{ b = int(($1 - 32768) / 2048); n[b]++ }
	END { for (i = 0; i < 16; i++) printf "#   %5d-%5d %4d %s\n", 32768 + i * 2048,
		32768 + (i + 1) * 2048 - 1, n[i], substr("########################################", 1, n[i] / 2) }' \
	"$TMP/ports"
check "all 1000 flows were seen" test "$nflows" -eq 1000
check "1000 flows use at least 900 distinct outer source ports" test "$nports" -ge 900
check "every outer source port is >= 32768 (MSB set)" test "$minport" -ge 32768
check "no flow changed its outer source port" \
	awk '$1 == "flow" && $10 != 0 { exit 1 }' "$TMP/flows.out"

# The hash's two paths: untagged TCP and UDP frames over IPv4 and IPv6 take
# a short path that reads the ports from the skb's linear part; the same
# frames with their ports in page fragments go through the flow dissector.
# Each flow must keep its outer port either way. They are sent into br0
# from a veth of one queue: with more, picking a queue hashes the frame
# (skb->l4_hash), and vtep would use that hash instead. 5,000 bytes each:
# jumbo frames on the way to h1's uplink.
ipb h1 <<'EOF2'
link add vh numtxqueues 1 numrxqueues 1 mtu 9000 type veth peer name vh-br numtxqueues 1 numrxqueues 1 mtu 9000
link set vh-br master br0 up
link set vh up
link set eth0 mtu 9000
link set vtep0 mtu 8900
EOF2
portcount_start paths
n h1 "$TOPO_REPO/tests/tools/pcapsend" -l 65535 vh "$FRAMES/hashpath.pcap"
n h1 "$TOPO_REPO/tests/tools/pcapsend" -l 34 vh "$FRAMES/hashpath.pcap"
portcount_stop
sed -n 's/^flow /# paths: flow /p' "$TMP/paths.out"
for f in "6 203.0.113.1 203.0.113.2 33001 80" "17 203.0.113.1 203.0.113.2 33002 53" \
	"6 2001:db8:100::1 2001:db8:100::2 33001 80" \
	"17 2001:db8:100::1 2001:db8:100::2 33002 53"; do
	check "a flow ($f) keeps its outer port with its ports linear or not" \
		awk -v f="$f" '$1 == "flow" && $3 " " $4 " " $5 " " $6 " " $7 == f {
			found = 1; if ($8 != 2 || $10 != 0) bad = 1 }
			END { exit bad || !found }' \
		"$TMP/paths.out"
done

# A narrower range, set while the device is up
vtepctl_n h1 link set vtep0 srcport 40000 40099
portcount_start range
send_flows 21000 200 1 9
portcount_stop
awk '$1 == "flow" && $3 == 17 && $7 == 9 { print $9 }' "$TMP/range.out" >"$TMP/ports2"
check "200 flows were seen with srcport 40000 40099" test "$(wc -l <"$TMP/ports2")" -eq 200
check "their ports all lie in 40000-40099" \
	awk '{ if ($1 < 40000 || $1 > 40099) exit 1 }' "$TMP/ports2"
check "and spread over at least 75 of the 100" test "$(sort -u "$TMP/ports2" | wc -l)" -ge 75

topo_done
