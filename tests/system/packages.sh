#!/bin/bash
# The packages on a systemd host, as an operator runs them: the guest boots
# systemd as PID 1 (scripts/vm.sh --systemd; its root a writable overlay of
# this machine's, so nothing here changes), vtepctl and vtep-evpn are
# installed with dpkg from build/deb/ (make deb), the device comes from
# the packaged example /etc/vtep/vtep0.conf through vtep@vtep0, and
# vtep-evpn runs from the packaged /etc/vtep/evpn.conf under systemctl,
# beside Debian's gobgpd.service with the packaged drop-in.
#
#   scripts/vm.sh --kernel 6.12 --systemd -- bash tests/system/packages.sh
#
# Test addresses: 192.0.2.1 (this host's, the configuration's "local").
source "$(dirname "$0")/../topo/lib.sh"
cd "$TOPO_REPO"

check "systemd is PID 1 of the guest" test "$(cat /proc/1/comm)" = systemd

debs=(build/deb/vtepctl_*_amd64.deb build/deb/vtep-evpn_*_all.deb)
if ! [ -e "${debs[0]}" ] || ! [ -e "${debs[1]}" ]; then
	notok "the vtepctl and vtep-evpn packages are built (make deb)"
	topo_done
fi
# man-db's trigger would rebuild the whole manual index (a minute under
# TCG): off, as in most containers and VM images
rm -f /var/lib/man-db/auto-update
check "dpkg -i installs vtepctl and vtep-evpn, their dependencies present" \
	bash -c "dpkg -i ${debs[*]} >'$TMP/dpkg.log' 2>&1 || { cat '$TMP/dpkg.log'; exit 1; }"
check "vtep-evpn.service, vtep@.service and the gobgpd drop-in are known to systemd, none enabled" \
	bash -c 'systemctl cat vtep-evpn.service vtep@vtep0.service >/dev/null &&
		systemctl show -p DropInPaths gobgpd.service | grep -q vtep-evpn-api-loopback.conf &&
		[ "$(systemctl is-enabled vtep-evpn.service)" = disabled ]'

# What the operator provides: the underlay interface the example names
# (eth0, here a veth), gobgpd's own configuration, the device's file (the
# packaged example as it is) and the VMs' bridge.
ip link add eth0 type veth peer name eth0-sw
ip addr add 192.0.2.1/24 dev eth0
ip link set eth0 up
ip link set eth0-sw up
cat >/etc/gobgpd.conf <<EOF
[global.config]
  as = 65000
  router-id = "192.0.2.1"
EOF
install -m 644 /usr/share/doc/vtepctl/examples/vtep0.conf /etc/vtep/vtep0.conf

made() {
	systemctl start vtep@vtep0 || return 1
	vtepctl showconf dev vtep0 >"$TMP/conf"
	ip -o link show dev vtep0 >>"$TMP/conf"
	cat "$TMP/conf"
	grep -q "^vni add 100 dev vtep0 untagged group 239.1.1.100" "$TMP/conf" &&
		grep -q "^fdb add 52:54:00:00:02:01 vni 200 dst 192.0.2.2" "$TMP/conf" &&
		grep -q "<[A-Z_,]*,UP[,>]" "$TMP/conf"
}
check "systemctl start vtep@vtep0 makes vtep0 from the packaged example, up" made

# vtep0 is no bridge port yet: the agent cannot run, and says so; exit
# status 2 keeps systemd from restarting it
systemctl start vtep-evpn 2>/dev/null || true
check "vtep-evpn before vtep0 is a bridge port: the unit fails with status 2, not restarted" \
	poll_for 60 '[ "$(systemctl show -p ExecMainStatus --value vtep-evpn)" = 2 ] &&
		[ "$(systemctl is-active vtep-evpn)" = failed ]'
check "... and the journal says why" \
	poll_for 10 'journalctl -q -u vtep-evpn -o cat | grep -q "vtep0 is not a bridge port"'

ip link add br0 type bridge vlan_filtering 1
ip link set vtep0 master br0
ip link set br0 up
systemctl reset-failed vtep-evpn
check "systemctl start vtep-evpn: active, and gobgpd (which it requires) too" \
	bash -c 'systemctl start vtep-evpn && systemctl is-active -q vtep-evpn gobgpd'
check "gobgpd's gRPC API listens on 127.0.0.1:50051 only (the drop-in)" \
	bash -c 'ss -Hltn "sport = :50051" | awk "{ print \$4 }" | sort -u | grep -qx "127.0.0.1:50051"'
show_ok() {
	vtep-evpn show -j >"$TMP/show.json" 2>/dev/null &&
		[ "$(jq -c '[.vnis[] | [.vni, .vlan]]' "$TMP/show.json")" = "[[100,null],[200,200]]" ]
}
# The two packaged examples agree: VNI 100 untagged, VNI 200 on VLAN 200
# (evpn.conf said "vni 200 vlan 20" once: bridge frames that reach no VNI)
shown() {
	poll_for 60 show_ok && return 0
	echo "show -j: $(jq -c '[.vnis[] | [.vni, .vlan]]' "$TMP/show.json" 2>&1)"
	systemctl status --no-pager -n 5 vtep-evpn
	return 1
}
check "vtep-evpn show -j (the packaged socket): VNI 100 untagged, VNI 200 on the device's VLAN 200" shown
type3() {
	gobgp -u 127.0.0.1 -p 50051 global rib -a evpn >"$TMP/rib" 2>&1
	grep -c '^ *\*> \[type:multicast\].*\[ip:192\.0\.2\.1\] ' "$TMP/rib" || true
}
# routes_are N: gobgpd's table comes to hold N of them (it is shown if not)
routes_are() { poll_for 30 "[ \"\$(type3)\" = $1 ]" || { cat "$TMP/rib"; false; }; }
check "gobgpd's table has the agent's type 3 route of each VNI, next hop 192.0.2.1" \
	routes_are 2
check "the agent's start is in the journal, at notice priority" \
	bash -c 'journalctl -q -u vtep-evpn -p notice -o cat | grep -q "device vtep0, bridge br0, local 192.0.2.1, AS 65000"'

check "systemctl stop vtep-evpn: a clean exit (Result=success)" \
	bash -c 'systemctl stop vtep-evpn && [ "$(systemctl show -p Result --value vtep-evpn)" = success ]'
# Nothing is flushed when the agent stops (vtep-evpn(8), "Restarts and
# resynchronisation"): an upgrade must not take the host out of the fabric.
check "... gobgpd keeps its routes (nothing is flushed)" routes_are 2
restarted() {
	systemctl start vtep-evpn && systemctl is-active -q vtep-evpn &&
		shown && routes_are 2
}
check "systemctl start vtep-evpn again: active, answering, the same two routes" restarted
systemctl stop vtep-evpn gobgpd
check "... and left vtep0 and its static entries (vtep@vtep0 owns them)" \
	bash -c 'vtepctl fdb show dev vtep0 | grep -q "52:54:00:00:02:01"'

ip link del br0
ip link del vtep0
ip link del eth0
topo_done
