#!/bin/bash
# The tunnel's MTU follows its underlay (issue 12, defects 6 and 12's
# IFLA_LINK): the underlay device's MTU changes and its unregistration, a
# change of the underlay's family (the overhead: 50 bytes over IPv4, 70
# over IPv6), an underlay smaller than the overhead; and "ip link add link
# IF netns X" names IF in the creator's namespace.
#
#   ┌ h1 ─────────────────────────────┐   ┌ h2 ─────────────────────┐
#   │ ul0 (dummy) ── vtep0, vtep1     │   │ vtep2: created from h1, │
#   │ ul1 (dummy)                     │   │ its underlay ul1 in h1  │
#   └─────────────────────────────────┘   └─────────────────────────┘
#
# The rule: max_mtu = underlay MTU - overhead (at least 68); an MTU at the
# old maximum (the default) follows the new one, a smaller one stays while
# it fits; the underlay's deletion deletes the devices on top of it.
. "$(dirname "$0")/lib.sh"

ns_add h1
ns_add h2
ipn h1 link add ul0 type dummy
ipn h1 link add ul1 type dummy
ipn h1 link set ul0 up
ipn h1 link set ul1 up

# mtu NS DEV / maxmtu NS DEV
mtu() { ip -n "$P$1" -d link show "$2" | awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") { print $(i + 1); exit } }'; }
maxmtu() { ip -n "$P$1" -d link show "$2" | awk '{ for (i = 1; i < NF; i++) if ($i == "maxmtu") { print $(i + 1); exit } }'; }
is() { local got; got=$("$1" "$2" "$3"); [ "$got" = "$4" ] || { echo "$1 $3: $got, want $4"; return 1; }; }

vtepctl_n h1 link add vtep0 underlay ul0
check "over a 1500-byte IPv4 underlay: mtu 1450" is mtu h1 vtep0 1450
ipn h1 link set ul0 mtu 1400
check "the underlay's MTU goes to 1400: the tunnel's max follows, 1350" is maxmtu h1 vtep0 1350
check "and so does the default MTU" is mtu h1 vtep0 1350
ipn h1 link set ul0 mtu 9000
check "up to 9000: 8950" is mtu h1 vtep0 8950
ipn h1 link set vtep0 mtu 1300
ipn h1 link set ul0 mtu 1500
check "an MTU set below the maximum stays" is mtu h1 vtep0 1300
check "while the maximum follows" is maxmtu h1 vtep0 1450
ipn h1 link set ul0 mtu 1320
check "until it no longer fits: 1270" is mtu h1 vtep0 1270

vtepctl_n h1 link set vtep0 local 2001:db8::1
check "an IPv6 underlay costs 20 bytes more (genl LINK_SET): max 1250" is maxmtu h1 vtep0 1250
check "and the MTU comes down with it" is mtu h1 vtep0 1250
ipn h1 link set ul0 mtu 1500
check "at the maximum, it follows the underlay: 1430" is mtu h1 vtep0 1430
vtepctl_n h1 link set vtep0 local 192.0.2.1
check "back to IPv4: 1450" is mtu h1 vtep0 1450

ipn h1 link set ul1 mtu 68
vtepctl_n h1 link add vtep1 local 2001:db8::1 underlay ul1
check "an underlay smaller than the overhead: max_mtu 68, not negative" is maxmtu h1 vtep1 68
check "and the MTU 68" is mtu h1 vtep1 68
ipn h1 link set ul1 mtu 1500
check "which follows the underlay back up: 1430" is mtu h1 vtep1 1430

ipn h1 link del ul0
check "deleting the underlay deletes the tunnels on it" \
	bash -c "! ip -n ${P}h1 link show vtep0 2>/dev/null"
check "and only those" ip -n "${P}h1" link show vtep1

check "IFLA_LINK names the underlay in the creator's namespace" \
	nq h1 ip link add link ul1 name vtep2 netns "${P}h2" type vtep
check "vtep2 in h2 sized by ul1 in h1: 1450" is mtu h2 vtep2 1450
ipn h1 link set ul1 mtu 1400
check "and following it: 1350" is mtu h2 vtep2 1350
check "vtep2 comes up (its socket in h1)" ip -n "${P}h2" link set vtep2 up
ipn h1 link del ul1
check "ul1's deletion deletes vtep2 in h2 too" \
	bash -c "! ip -n ${P}h2 link show vtep2 2>/dev/null"
check "and vtep1" bash -c "! ip -n ${P}h1 link show vtep1 2>/dev/null"

topo_done
