#!/bin/bash
# Several local addresses (issue 15, part 1). h1's vtep0 has four: each
# inner flow takes one by its hash, flows spread over all four, one flow
# keeps one, and h1 receives on every one. h2 (ours, one address) sees h1
# as four sources: without a peer set it counts moves, floods to two of
# h1's addresses twice and, with "peers known", refuses the two it does not
# know; with the set (vtepctl alias) none of that. h3 is the kernel's vxlan,
# which receives from any of them.
#
#   ┌ v1 ┐ 203.0.113.1          ┌ v2 ┐ .2                ┌ v3 ┐ .3
#   ┌ h1 ┴─────────────────┐   ┌ h2 ┴────────────────┐   ┌ h3 ┴───────────┐
#   │ vtep0 192.0.2.1 .11  │   │ vtep0 192.0.2.2     │   │ vx100 192.0.2.3│
#   │       .21 .31        │   │ remotes .1 .11      │   │ (kernel vxlan) │
#   └──────────┬───────────┘   └──────────┬──────────┘   └───────┬────────┘
#   ┌ sw ──────┴──────────────────────────┴──────────────────────┴────────┐
#   └─────────────────────────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
V1=02:00:00:00:01:01 V2=02:00:00:00:02:02
ADDRS="192.0.2.1 192.0.2.11 192.0.2.21 192.0.2.31"

for tool in tcpdump; do
	if ! command -v $tool >/dev/null; then
		skip "several local addresses" "$tool is not installed"
		topo_done
	fi
done

topo_switch
host_add h1 192.0.2.1
for a in 192.0.2.11 192.0.2.21 192.0.2.31; do
	ipn h1 addr add $a/24 dev eth0
done
host_add h2 192.0.2.2
host_add h3 192.0.2.3
vm_add h1 v1 $V1 203.0.113.1
vm_add h2 v2 $V2 203.0.113.2
vm_add h3 v3 02:00:00:00:03:03 203.0.113.3
vtep_add h1 192.0.2.1 local 192.0.2.11 local 192.0.2.21 local 192.0.2.31
vtep_add h2 192.0.2.2
for h in h1 h2; do
	vtepctl_n $h vni add 100 dev vtep0 untagged
done
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h1 remote add 192.0.2.3 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.11 vni 100 dev vtep0
vxlan_add h3 192.0.2.3 100
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.1
n h3 bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.2

monitor_start h2 "$TMP/monitor" monitor

# ---- the list, as vtepctl shows it ----
nq h1 "$VTEPCTL" link show vtep0 >"$TMP/show"
nq h1 "$VTEPCTL" -j link show vtep0 >"$TMP/show.json"
check "link show: local 192.0.2.1 local 192.0.2.11 local 192.0.2.21 local 192.0.2.31" \
	grep -q "local 192.0.2.1 local 192.0.2.11 local 192.0.2.21 local 192.0.2.31 " "$TMP/show"
check "link show -j: local is the primary, locals all four in order" \
	$PY -c 'import json, sys
d = json.load(open(sys.argv[1]))[0]
assert d["local"] == "192.0.2.1", d
assert d["locals"] == sys.argv[2].split(), d' "$TMP/show.json" "$ADDRS"
check "link show of a device with one address has no locals" \
	bash -c "! $VTEPCTL -n ${P}h2 -j link show vtep0 | grep -q locals"
check "a list is refused while the device is up" \
	bash -c "! $VTEPCTL -n ${P}h1 link set vtep0 local 192.0.2.1 local 192.0.2.41"

check "v1 reaches v2" ping_ok v1 203.0.113.2
check "v1 reaches v3 (kernel vxlan)" ping_ok v1 203.0.113.3

# send DST FIRST_PORT COUNT PER_FLOW: UDP flows from v1, source ports
# FIRST_PORT.., PER_FLOW datagrams each, to port 9 (discarded)
send_flows() {
	nq v1 $PY -c 'import socket, sys
dst, first, count, per = sys.argv[1], *map(int, sys.argv[2:])
for port in range(first, first + count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("203.0.113.1", port))
    for _ in range(per):
        s.sendto(b"x" * 64, (dst, 9))
    s.close()' "$@"
}
# capture_start NAME FILTER / capture_stop: tcpdump on h1's uplink
capture_start() {
	ip netns exec "${P}h1" tcpdump -nUi eth0 -w "$TMP/$1.pcap" "$2" >/dev/null 2>&1 &
	CAP_PID=$!
	wait_for 20 "test -s $TMP/$1.pcap"
}
capture_stop() {
	sleep 1		# the capture's last packets (not a result)
	kill "$CAP_PID"
	wait "$CAP_PID" || true
}

# ---- spreading: 400 flows of 3 datagrams and one of 100 ----
capture_start spread "udp dst port 4789 and dst host 192.0.2.2"
send_flows 203.0.113.2 20000 400 3
send_flows 203.0.113.2 5555 1 100
capture_stop
# lines: outer source address, inner source port (for our datagrams to 9)
# (tcpdump, not tshark: 5.7 s to start in a TCG guest)
vxlan_pkts "$TMP/spread.pcap" |
	awk '$8 ~ /\.9:$/ && $9 == "UDP," { p = $6; sub(/.*\./, "", p); print $1, p }' >"$TMP/spread"
awk '$2 != 5555 { n[$1]++ } END { for (a in n) print "# datagrams of the 400 flows from", a, n[a] }' "$TMP/spread"
check "all 1300 datagrams captured" test "$(wc -l <"$TMP/spread")" -eq 1300
check "the 400 flows use all four local addresses, each for >= 12% of them" \
	awk '$2 != 5555 && !seen[$2]++ { n[$1]++ }
	END { if (length(n) != 4) exit 1
	      for (a in n) if (n[a] < 48) exit 1 }' "$TMP/spread"
check "every flow keeps one address" \
	awk '{ k = $2; if (k in a && a[k] != $1) exit 1; a[k] = $1 }' "$TMP/spread"
check "the flow of 100 datagrams: one address for all" \
	test "$(awk '$2 == 5555 { print $1 }' "$TMP/spread" | sort -u | wc -l)" -eq 1

# ---- without a peer set: h2 sees four peers ----
check "h2 without a set: v1's MAC moved between h1's addresses (fdb_moved > 0)" \
	test "$(stat h2 vtep0 fdb_moved)" -gt 0
check "h2 without a set: fdb_moved events" grep -qi "fdb_moved" "$TMP/monitor"

# flood NAME: 10 broadcast frames (ethertype 0x88b5) from v2; prints how
# many copies reached h1, captured on its uplink
flood() {
	capture_start "$1" "udp dst port 4789 and src host 192.0.2.2"
	nq v2 $PY -c 'import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
src = bytes.fromhex("020000000202")
for i in range(10):
    s.send(b"\xff" * 6 + src + b"\x88\xb5" + bytes([i]) * 46)'
	capture_stop
	# (the inner frames' link-layer headers, -e)
	tcpdump -entr "$TMP/$1.pcap" 2>/dev/null | grep -c 'ethertype Unknown (0x88b5)'
}
check "h2 without a set: 10 broadcasts reach h1 twice (two remotes)" \
	test "$(flood flood1)" -eq 20

vtepctl_n h2 vni set 100 dev vtep0 peers known
dropped=$(stat h2 vtep0 drop_peer)
send_flows 203.0.113.2 21000 100 1
check "h2 without a set, peers known: h1's unknown addresses refused" \
	wait_for 10 "test \$(stat h2 vtep0 drop_peer) -gt $dropped"

# ---- with the set ----
for a in 192.0.2.11 192.0.2.21 192.0.2.31; do
	vtepctl_n h2 alias add $a to 192.0.2.1 dev vtep0
done
nq h2 "$VTEPCTL" -j alias show dev vtep0 >"$TMP/aliases"
check "alias show: three aliases of 192.0.2.1" \
	$PY -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(e["addr"] for e in d) == ["192.0.2.11", "192.0.2.21", "192.0.2.31"], d
assert all(e["peer"] == "192.0.2.1" for e in d), d' "$TMP/aliases"
check "an address in a set is refused again" \
	bash -c "! $VTEPCTL -n ${P}h2 alias add 192.0.2.21 to 192.0.2.1 dev vtep0"
check "replace of the same alias succeeds" \
	nq h2 "$VTEPCTL" alias replace 192.0.2.21 to 192.0.2.1 dev vtep0

moved=$(stat h2 vtep0 fdb_moved)
dropped=$(stat h2 vtep0 drop_peer)
events=$(grep -ci fdb_moved "$TMP/monitor" || true)
dst=$(fdb_dst h2 vtep0 100 $V1)
received=$(stat h2 vtep0 rx_packets)
send_flows 203.0.113.2 22000 400 1
check "with the set: h2 received the 400 datagrams" \
	wait_for 10 "test \$(stat h2 vtep0 rx_packets) -ge $((received + 400))"
check "with the set: no move counted" test "$(stat h2 vtep0 fdb_moved)" -eq "$moved"
check "with the set: no fdb_moved event" \
	test "$(grep -ci fdb_moved "$TMP/monitor" || true)" -eq "$events"
check "with the set: none refused (peers known)" \
	test "$(stat h2 vtep0 drop_peer)" -eq "$dropped"
check "with the set: v1's entry keeps its destination ($dst)" \
	test "$(fdb_dst h2 vtep0 100 $V1)" = "$dst"
check "with the set: 10 broadcasts reach h1 once each" \
	test "$(flood flood2)" -eq 10

# ---- h1 receives on every address ----
for a in $ADDRS; do
	vtepctl_n h2 fdb replace $V1 vni 100 dst $a dev vtep0
	check "v2 reaches v1 through h1's $a" ping_ok v2 203.0.113.1
done

# ---- the kernel's vxlan as the receiver ----
nq v3 $PY -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.3", 9))
s.settimeout(5)
n = 0
try:
    while n < 200:
        s.recv(100)
        n += 1
except socket.timeout:
    pass
print(n)' >"$TMP/v3.count" &
RCV=$!
sleep 0.5	# the receiver binds (a failure shows as a short count)
send_flows 203.0.113.3 23000 200 1
wait $RCV || true
check "the kernel's vxlan receives all 200 flows (from all four addresses)" \
	test "$(cat "$TMP/v3.count")" -eq 200

# ---- taking the set apart ----
vtepctl_n h2 alias del 192.0.2.1 dev vtep0
check "deleting the primary removes the whole set" \
	test "$(nq h2 "$VTEPCTL" -j alias show dev vtep0)" = "[]"
check "deleting an address in no set is refused" \
	bash -c "! $VTEPCTL -n ${P}h2 alias del 192.0.2.11 dev vtep0"

topo_done
