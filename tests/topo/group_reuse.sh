#!/bin/bash
# Who can read the floods a multicast group carries (issue 13, part 5b).
# A device bound to its local address receives its group through a socket
# of its own bound to group:4789. If that socket lets others share the
# address (SO_REUSEADDR), any process of the host can bind group:4789 too,
# join the group, and read a copy of every frame tenants flood: ARP, DHCP,
# unknown unicast. Our group sockets share only among themselves: an
# unprivileged process (nobody) gets EADDRINUSE, with SO_REUSEADDR or
# SO_REUSEPORT, and reads nothing; our two devices on two local addresses
# of h1 (two group sockets on the same group and port) still both get the
# floods.
#
#   ┌ v1 ──────────┐ ┌ v1b ─────────┐ ┌ v2 ──────────┐
#   │ 203.0.113.1  │ │ 203.0.113.11 │ │ 203.0.113.2  │
#   └──────┬───────┘ └──────┬───────┘ └──────┬───────┘
#   ┌ h1 ──┴────────────────┴───────┐ ┌ h2 ──┴───────┐
#   │ br0 ─ vtep0 (local 192.0.2.1) │ │ br0 ─ vtep0  │
#   │ brb ─ vtep1 (local 192.0.2.11)│ │ VNI 100      │
#   │ VNI 100, group 239.1.1.1, both│ │ group        │
#   │ nobody: python3 binds         │ │ 239.1.1.1    │
#   │ 239.1.1.1:4789, joins, reads  │ │              │
#   └──────┬────────────────────────┘ └──────┬───────┘
#   ┌ sw ──┴─────────────────────────────────┴───────┐
#   │ br0 (no snooping: floods the group)            │
#   └────────────────────────────────────────────────┘
. "$(dirname "$0")/lib.sh"

G=239.1.1.1
PY=${PY:-/usr/bin/python3}

topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
ipn h1 addr add 192.0.2.11/24 dev eth0
vm_add h1 v1 02:00:00:00:01:01 203.0.113.1
vm_add h2 v2 02:00:00:00:02:02 203.0.113.2
vtep_add h1 192.0.2.1
vtepctl_n h1 vni add 100 dev vtep0 untagged group $G
# vtep1: another local address, the same group: a second group socket
ipn h1 link add name brb type bridge
ipn h1 link set brb up
ns_add v1b
ip link add name eth0 netns "${P}v1b" address 02:00:00:00:01:0b type veth peer name v-v1b netns "${P}h1"
ipn h1 link set v-v1b master brb up
ipn v1b addr add 203.0.113.11/24 dev eth0
ipn v1b link set eth0 mtu "$VM_MTU" up
vtepctl_n h1 link add vtep1 local 192.0.2.11 underlay eth0
vtepctl_n h1 vni add 100 dev vtep1 untagged group $G
ipn h1 link set vtep1 master brb up
vtep_add h2 192.0.2.2
vtepctl_n h2 vni add 100 dev vtep0 untagged group $G

# The listener: bind the group and port as nobody, join, count what comes.
cat >"$TMP/listen.py" <<'EOF'
import socket, struct, sys
opt = {"reuseaddr": socket.SO_REUSEADDR, "reuseport": socket.SO_REUSEPORT}[sys.argv[1]]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, opt, 1)
try:
    s.bind((sys.argv[2], 4789))
except OSError as e:
    print("bind", e.errno)
    sys.exit(0)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton(sys.argv[2]),
                         socket.inet_aton(sys.argv[3])))
open(sys.argv[4], "w").write("ready\n")
s.settimeout(float(sys.argv[5]))
n = 0
try:
    while True:
        s.recv(65536)
        n += 1
except socket.timeout:
    pass
print("received", n)
EOF
chmod 0755 "$TMP"
chmod 0644 "$TMP/listen.py"

as_nobody() {
	nq h1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$@"
}

# listen MODE: the nobody listener's verdict in $TMP/listen.MODE, while v2
# floods VNI 100 (ARP for addresses nobody has: broadcasts)
listen() {
	local out=$TMP/listen.$1 ready=$TMP/ready.$1 pid

	: >"$ready"
	chmod 0666 "$ready"
	as_nobody "$PY" "$TMP/listen.py" "$1" $G 192.0.2.1 "$ready" 4 >"$out" 2>&1 &
	pid=$!
	wait_for 20 "grep -q ready '$ready' || grep -q bind '$out'"
	nq v2 ping -q -c 3 -i 0.2 -W 1 203.0.113.99 >/dev/null 2>&1 || true
	wait $pid || true
	diag "nobody with SO_${1^^}: $(tr '\n' ' ' <"$out")"
}

for mode in reuseaddr reuseport; do
	listen $mode
	check "nobody cannot bind $G:4789 with SO_${mode^^} beside our group sockets" \
		grep -q "^bind 98$" "$TMP/listen.$mode"
	check "and reads no flooded frame" \
		bash -c "! grep -qE '^received [1-9]' '$TMP/listen.$mode'"
done

check "VNI 100 on vtep0 (local 192.0.2.1) gets the floods: ping" \
	ping_ok v2 203.0.113.1
check "VNI 100 on vtep1 (local 192.0.2.11) gets them too: ping" \
	ping_ok v2 203.0.113.11

topo_done
