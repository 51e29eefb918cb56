#!/bin/bash
# Torn reads on the fast path (issue 12, defect 3): while broadcast frames
# flood, the VNI's IPv6 group is switched between two groups and none, and
# the source-port range between two ranges, as fast as vtepctl can. Every
# tunnel packet must go to one of the two groups, never to an address made
# of both, and take a source port from one range or the other, never from a
# range made of one's low bound and the other's high. The changes go
# through tests/drivers/nlcmd, one process making them as fast as the
# kernel takes them for as long as the flood lasts (a vtepctl process per
# change made a few hundred in 10 s). A race is a matter of
# chance: this shows the published values whole on every packet seen, it
# cannot show a race impossible.
#
#   ┌ v1 ───────────────┐   ┌ h1 ───────────────────────────────────┐
#   │ raw broadcasts    │───│ br0 ─ vtep0 2001:db8::1, VNI 100      │── eth0 (captured)
#   └───────────────────┘   │ group ff0e::100:1 <-> ff0e::200:2     │
#                           └────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
G1=ff0e::100:1 G2=ff0e::200:2
topo_switch
host_add h1 192.0.2.1 2001:db8::1
host_add h2 192.0.2.2 2001:db8::2
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1
vtep_add h1 2001:db8::1 srcport 1000 1099
vtepctl_n h1 vni add 100 dev vtep0 untagged group $G1

cat >"$TMP/flood.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
end = time.monotonic() + float(sys.argv[1])
n = 0
while time.monotonic() < end:
    # a new source port per frame: each a flow of its own
    s.send(b"\xff" * 6 + bytes.fromhex("020000000101") + b"\x08\x00" +
           bytes.fromhex("4500002e0000000040110000cb007101cb0071ff") +
           (n % 65000 + 1).to_bytes(2, "big") + b"\x00\x09\x00\x1a\x00\x00" + b"x" * 18)
    n += 1
print(n)
PY

# The capture's outer headers (lib.sh's vxlan_pkts: source, source port,
# destination); awk checks every packet's destination and source port
# against the two configurations.
check_capture() {
	vxlan_pkts "$1" | awk '{ print $3, $2 }' | awk -v g1=$G1 -v g2=$G2 '
		{ n++ }
		$1 != g1 && $1 != g2 { bad_dst++; print "# to", $1 }
		!(($2 >= 1000 && $2 <= 1099) || ($2 >= 3000 && $2 <= 3099)) { bad_port++; print "# from port", $2 }
		END {
			printf "# %d tunnel packets, %d to a wrong address, %d from a wrong port\n", n, bad_dst, bad_port
			exit !(n >= 100 && !bad_dst && !bad_port)
		}'
}

ip netns exec "${P}h1" tcpdump -nUi eth0 -w "$TMP/tx.pcap" udp port 4789 >/dev/null 2>&1 &
dump_pid=$!
wait_for 20 "test -s $TMP/tx.pcap"
# Changes for CHANGE_S seconds, inside a flood 2 s longer.
CHANGE_S=${TORN_CHANGE_S:-4}
ip netns exec "${P}v1" $PY "$TMP/flood.py" $((CHANGE_S + 2)) >"$TMP/sent" &
flood_pid=$!
# the flood is on once v1's uplink sends (python takes a while to start)
v1_tx() { ip -n "${P}v1" -j -s link show eth0 | jq '.[0].stats64.tx.packets'; }
tx0=$(v1_tx)
wait_for 40 '[ "$(v1_tx)" -gt $((tx0 + 10)) ]' || true
nq h1 "$TOPO_REPO/tests/drivers/nlcmd" -r "$CHANGE_S" >"$TMP/changes" <<EOF || true
vtepctl vni set 100 dev vtep0 group $G2
vtepctl link set vtep0 srcport 3000 3099
vtepctl vni set 100 dev vtep0 group none
vtepctl vni set 100 dev vtep0 group $G1
vtepctl link set vtep0 srcport 1000 1099
EOF
read -r changes applied refused <"$TMP/changes" || changes=0 refused=0
still=$(kill -0 $flood_pid 2>/dev/null && echo "the flood still ran" || echo "the flood had ended")
wait $flood_pid
sleep 1
kill $dump_pid
wait $dump_pid || true
diag "$(cat "$TMP/sent") frames flooded during $changes changes ($refused refused; when they ended, $still)"

check "every tunnel packet went to one whole group, from one whole port range" \
	check_capture "$TMP/tx.pcap"
check "the changes were made under traffic, each applied" \
	test "$changes" -ge 20 -a "$refused" = 0
check "no warning in the kernel log" bash -c "! dmesg | grep -q 'WARNING'"

topo_done
