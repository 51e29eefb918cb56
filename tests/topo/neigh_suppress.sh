#!/bin/bash
# ARP/ND suppression (issue 16, part 2): with "vni set ... suppress on", the
# device answers its local VMs' ARP requests and IPv6 neighbour
# solicitations for the addresses of the VNI's neighbour table ("vtepctl
# neigh") and sends nothing over the underlay for them; everything else
# (unknown addresses, gratuitous ARP, ARP probes, duplicate address
# detection, a request whose answer is the asker's own MAC) goes out as
# before. The askers are the VMs' own kernels (ping after a neighbour
# flush) and tests/tools/ndask; the underlay is captured on h1's uplink by
# tcpdump, which decodes the VXLAN-carried ARP and ICMPv6 inside, as text
# (lib.sh: underlay_text, seen_arp_req, seen_ns).
#
#   v1 (VLAN 10 on h1's VLAN-aware bridge) ── vtep0 h1 ══ h2 vtep0 ── v2 (untagged)
#   VNI 100 on both
. "$(dirname "$0")/lib.sh"

for tool in tcpdump jq; do
	command -v $tool >/dev/null || { notok "$tool is installed"; topo_done; }
done
frames_need "$NDASK" "$PCAPSEND" "$FRAMES/marker.pcap"

M1=02:00:00:00:01:01 M2=02:00:00:00:02:02 M9=02:00:00:00:09:09
topo_switch
host_add h1 192.0.2.1
host_add h2 192.0.2.2
vm_add h1 v1 $M1 203.0.113.1 2001:db8:100::1 10
vm_add h2 v2 $M2 203.0.113.2 2001:db8:100::2
vtep_add h1 192.0.2.1
vtep_add h2 192.0.2.2
n h1 bridge vlan del vid 1 dev vtep0
n h1 bridge vlan add vid 10 dev vtep0
vtepctl_n h1 vni add 100 dev vtep0 vlan 10
vtepctl_n h2 vni add 100 dev vtep0 untagged
vtepctl_n h1 remote add 192.0.2.2 vni 100 dev vtep0
vtepctl_n h2 remote add 192.0.2.1 vni 100 dev vtep0
check "v1 reaches v2 (IPv4)" ping_ok v1 203.0.113.2
check "v1 reaches v2 (IPv6)" retry 10 nq v1 ping -6 -q -c 1 -W 2 2001:db8:100::2

# json FILTER NS ARGS...: vtepctl -j's output through a jq filter
json() { vjq "$2" "$1" "${@:3}"; }

# ---- the table and its CLI ----
check "suppress is off by default" \
	test "$(json '.[0].suppress' h1 vni show 100 dev vtep0)" = false
vtepctl_n h1 neigh add 203.0.113.2 lladdr $M2 vni 100 dev vtep0
vtepctl_n h1 neigh add 2001:db8:100::2 lladdr $M2 vni 100 dev vtep0
check "neigh show lists both entries with their MAC" \
	test "$(json '[.[] | "\(.dst) \(.lladdr) \(.vni)"] | sort | join(";")' h1 neigh show dev vtep0)" = \
	"2001:db8:100::2 $M2 100;203.0.113.2 $M2 100"
check "the VNI counts its neighbours" \
	test "$(json '.[0].neigh_count' h1 vni show 100 dev vtep0)" = 2

# rc EXPECTED CMD...: the exit status of a vtepctl command
rc() { local want=$1; shift; set +e; nq h1 "$VTEPCTL" "$@" 2>>"$TMP/cli.err"; local got=$?; set -e; test "$got" = "$want"; }
check "add of an address with an entry is refused (exit 2)" \
	rc 2 neigh add 203.0.113.2 lladdr $M9 vni 100 dev vtep0
check "... and says so" grep -q "exists" "$TMP/cli.err"
check "a multicast address is a usage error (exit 1)" \
	rc 1 neigh add 239.1.1.1 lladdr $M9 vni 100 dev vtep0
check "0.0.0.0 is refused by the kernel (exit 2)" \
	rc 2 neigh add 0.0.0.0 lladdr $M9 vni 100 dev vtep0
check "a multicast MAC is refused (exit 2)" \
	rc 2 neigh add 203.0.113.9 lladdr 01:00:5e:00:00:01 vni 100 dev vtep0
check "lladdr is required for add (exit 1)" rc 1 neigh add 203.0.113.9 vni 100 dev vtep0
check "a VNI not on the device is refused (exit 2)" \
	rc 2 neigh add 203.0.113.9 lladdr $M9 vni 999 dev vtep0
check "del of an absent entry is refused (exit 2)" rc 2 neigh del 203.0.113.9 vni 100 dev vtep0
check "... unless -ignore-missing" rc 0 -ignore-missing neigh del 203.0.113.9 vni 100 dev vtep0
check "the refusals left the table as it was" \
	test "$(json 'length' h1 neigh show dev vtep0)" = 2

# ---- capture and ask (lib.sh: underlay_text, seen_*; tests/tools/ndask) ----
underlay() { underlay_text h1 "$@"; }
ask() { nq v1 "$NDASK" "$@"; }

# ---- suppression off: requests cross the underlay (the capture sees them) ----
underlay off ask arp 203.0.113.1 203.0.113.2
check "suppress off: the ARP request for a known address is flooded" \
	test "$(seen_arp_req off 203.0.113.2)" -ge 1
check "suppress off: nothing counted" test "$(stat h1 vtep0 arp_suppressed)" = 0

# ---- suppression on ----
vtepctl_n h1 vni set 100 dev vtep0 suppress on
check "vni show says suppress on" \
	test "$(json '.[0].suppress' h1 vni show 100 dev vtep0)" = true

underlay arp ask arp 203.0.113.1 203.0.113.2
diag "answer: $(cat "$TMP/arp.out")"
check "an ARP request for a known address is answered: op 2, the neighbour's MAC and address, to the asker" \
	test "$(cat "$TMP/arp.out")" = "2 $M2 203.0.113.2 $M1 203.0.113.1 $M2 $M1"
check "... and not sent over the underlay" test "$(seen_arp_req arp 203.0.113.2)" = 0
check "... counted in arp_suppressed (device)" test "$(stat h1 vtep0 arp_suppressed)" = 1
check "... and in the VNI's" test "$(stat h1 vtep0 arp_suppressed 100)" = 1

# The VM's own kernel: its neighbour cache emptied, ping asks again.
nq v1 ip neigh flush dev eth0
underlay kping ping_ok v1 203.0.113.2
check "the VM's kernel resolves v2 from the answer and pings it" ping_ok v1 203.0.113.2
check "... its neighbour cache holds v2's MAC" \
	nq v1 sh -c "ip neigh show 203.0.113.2 dev eth0 | grep -qi 'lladdr $M2'"
check "... with no ARP request on the underlay" test "$(seen_arp_req kping 203.0.113.2)" = 0

# From here the VMs' own kernels ask nothing: an ARP request of theirs
# for a known address (a NUD probe once an entry went stale, unicast or
# not) is answered and counted too, and once made "none of those was
# counted" fail in a full run.
ipn v1 neigh replace 203.0.113.2 lladdr $M2 dev eth0 nud permanent
ipn v2 neigh replace 203.0.113.1 lladdr $M1 dev eth0 nud permanent
before=$(stat h1 vtep0 arp_suppressed)
underlay unknown ask arp 203.0.113.1 203.0.113.77
check "an address the table lacks is flooded as before" \
	test "$(seen_arp_req unknown 203.0.113.77)" -ge 1
underlay garp ask garp 203.0.113.1
check "gratuitous ARP is never answered, always flooded" \
	test "$(seen_arp_from garp 203.0.113.1 203.0.113.1)" -ge 1
underlay probe ask arp 0.0.0.0 203.0.113.2
check "an ARP probe (sender 0.0.0.0) for a known address is flooded: it must reach the owner" \
	test "$(seen_arp_from probe 0.0.0.0)" -ge 1
vtepctl_n h1 neigh add 203.0.113.50 lladdr $M1 vni 100 dev vtep0
underlay own ask arp 203.0.113.1 203.0.113.50
check "a request whose answer would be the asker's own MAC is flooded" \
	test "$(seen_arp_req own 203.0.113.50)" -ge 1
check "none of those was counted" same "$(stat h1 vtep0 arp_suppressed)" "$before"

# ---- IPv6 neighbour discovery ----
underlay ns ask ns 2001:db8:100::1 2001:db8:100::2
diag "answer: $(cat "$TMP/ns.out")"
check "an NS for a known address is answered: solicited, override, v2's MAC, from the target to the asker, hop limit 255" \
	test "$(cat "$TMP/ns.out")" = "2001:db8:100::2 $M2 1 1 0 2001:db8:100::2 2001:db8:100::1 255 $M2 $M1"
check "... and not sent over the underlay" test "$(seen_ns ns 2001:db8:100::2)" = 0
check "... counted in nd_suppressed" test "$(stat h1 vtep0 nd_suppressed)" = 1
nq v1 ip -6 neigh flush dev eth0
underlay kping6 retry 10 nq v1 ping -6 -q -c 1 -W 2 2001:db8:100::2
check "the VM's kernel resolves v2 over IPv6 from the answer" \
	nq v1 sh -c "ip -6 neigh show 2001:db8:100::2 dev eth0 | grep -qi 'lladdr $M2'"
check "... with no NS on the underlay" test "$(seen_ns kping6 2001:db8:100::2)" = 0
underlay dad ask dad 2001:db8:100::2
check "duplicate address detection (NS from ::) is flooded: it must reach the owner" \
	test "$(seen_ns dad 2001:db8:100::2)" -ge 1
underlay ns_unknown ask ns 2001:db8:100::1 2001:db8:100::77
check "an NS for an address the table lacks is flooded" \
	test "$(seen_ns ns_unknown 2001:db8:100::77)" -ge 1

# ---- replace, delete, off ----
vtepctl_n h1 neigh replace 203.0.113.2 lladdr $M9 vni 100 dev vtep0
check "replace gives the address its new MAC" \
	test "$(ask arp 203.0.113.1 203.0.113.2 | cut -d' ' -f2)" = $M9
vtepctl_n h1 neigh replace 203.0.113.2 lladdr $M2 vni 100 dev vtep0
vtepctl_n h1 neigh del 203.0.113.2 vni 100 dev vtep0
before=$(stat h1 vtep0 arp_suppressed)
underlay deleted ask arp 203.0.113.1 203.0.113.2
check "a deleted entry is no longer answered: flooded" \
	test "$(seen_arp_req deleted 203.0.113.2)" -ge 1
check "... not counted" same "$(stat h1 vtep0 arp_suppressed)" "$before"
vtepctl_n h1 neigh add 203.0.113.2 lladdr $M2 vni 100 dev vtep0
vtepctl_n h1 vni set 100 dev vtep0 suppress off
underlay off2 ask arp 203.0.113.1 203.0.113.2
check "suppress off again: flooded although the entry is there" \
	test "$(seen_arp_req off2 203.0.113.2)" -ge 1

# ---- batch, and the VNI taking its table with it ----
cat >"$TMP/batch" <<EOF
neigh replace 203.0.113.3 lladdr 02:00:00:00:03:03 vni 100 dev vtep0
neigh add 2001:db8:100::3 lladdr 02:00:00:00:03:03 vni 100 dev vtep0
neigh del 203.0.113.50 vni 100 dev vtep0
EOF
check "-batch runs neigh lines" nq h1 "$VTEPCTL" -batch "$TMP/batch"
check "... leaving the table as they say" \
	test "$(json '[.[].dst] | sort | join(" ")' h1 neigh show dev vtep0 vni 100)" = \
	"2001:db8:100::2 2001:db8:100::3 203.0.113.2 203.0.113.3"
vtepctl_n h1 vni del 100 dev vtep0
vtepctl_n h1 vni add 100 dev vtep0 vlan 10
check "a deleted VNI's neighbours go with it" test "$(json 'length' h1 neigh show dev vtep0)" = 0
vtepctl_n h1 neigh add 203.0.113.2 lladdr $M2 vni 100 dev vtep0
check "deleting the device with entries leaves nothing behind" ipn h1 link del vtep0

topo_done
