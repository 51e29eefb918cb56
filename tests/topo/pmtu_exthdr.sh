#!/bin/bash
# The packet-too-big answer is never sent about an ICMPv6 error, even one
# behind IPv6 extension headers (issue 12, defect 12: the check looked at
# the first next-header only). An ICMPv6 echo behind the same header still
# gets its answer.
#
#   ┌ v1 2001:db8:100::1 ┐                ┌ v2 2001:db8:100::2 ┐
#   └─ h1: br0 ─ vtep0 ──┘── sw ──────────└── h2: br0 ─ vtep0 ─┘
#      192.0.2.1, route to h2 mtu 1400, df set
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1 2001:db8:100::1
vm_add h2 v2 02:00:00:00:02:02 203.0.113.2 2001:db8:100::2
for i in 1 2; do
	vtep_add h$i 192.0.2.$i df set
	vtepctl_n h$i vni add 100 dev vtep0 untagged
done
vtepctl_n h1 fdb add 02:00:00:00:02:02 vni 100 dst 192.0.2.2 dev vtep0
ipn h1 route replace 192.0.2.2/32 dev eth0 mtu lock 1400

cat >"$TMP/send.py" <<'PY'
import sys
from scapy.all import Ether, IPv6, IPv6ExtHdrDestOpt, ICMPv6DestUnreach, ICMPv6EchoRequest, Raw, sendp, conf
conf.verb = 0
eth = Ether(src="02:00:00:00:01:01", dst="02:00:00:00:02:02")
ip = IPv6(src="2001:db8:100::1", dst="2001:db8:100::2")
inner = {"error": ICMPv6DestUnreach(code=4), "echo": ICMPv6EchoRequest(id=7, seq=1)}[sys.argv[1]]
sendp(eth / ip / IPv6ExtHdrDestOpt() / inner / Raw(b"q" * 1330), iface="eth0")
PY
cat >"$TMP/count.py" <<'PY'
import sys
from scapy.all import rdpcap, ICMPv6PacketTooBig
print(sum(1 for p in rdpcap(sys.argv[1]) if ICMPv6PacketTooBig in p))
PY

# ptb_for KIND: packets too big v1 receives after sending one KIND
ptb_for() {
	local pid n
	nq v1 tcpdump -nUi eth0 -w "$TMP/$1.pcap" icmp6 >/dev/null 2>&1 &
	pid=$!
	wait_for 20 "test -s $TMP/$1.pcap"
	nq v1 $PY "$TMP/send.py" "$1"
	wait_for 20 "test \"\$(stat h1 vtep0 drop_too_big)\" -ge $2"
	sleep 1
	kill "$pid"
	wait "$pid" || true
	n=$($PY "$TMP/count.py" "$TMP/$1.pcap")
	echo "$n"
}

check "an ICMPv6 error behind a destination options header, too big: dropped" \
	test "$(ptb_for error 1 | tail -n 1)" -eq 0
check "and counted" test "$(stat h1 vtep0 drop_too_big)" -eq 1
check "an ICMPv6 echo behind the same header, too big: answered" \
	test "$(ptb_for echo 2 | tail -n 1)" -eq 1

topo_done
