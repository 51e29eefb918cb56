#!/usr/bin/env bash
# The install side of vtep, tested on the host (TAP "ok - ..." lines):
#  - `make deb` builds vtep-dkms and vtepctl, lintian-clean (errors fail);
#  - the version agrees between VERSION, debian/changelog and the packages;
#  - DKMS builds the packaged sources against each cached kernel (in a
#    private dkms tree: nothing lands in /var/lib/dkms or /lib/modules); the
#    modules are kept in build/dkms/<kernel>/vtep.ko for tests/topo/modprobe.sh;
#  - depmod resolves the module's dependencies (udp_tunnel, ip6_udp_tunnel)
#    in a copy of each cached kernel's module tree;
#  - `make install` puts every file where it belongs under DESTDIR/PREFIX;
#  - `make install-evpn` installs vtep-evpn with its gRPC stubs (which the
#    installed agent loads), its unit and gobgpd's loopback drop-in;
#  - the vtep-evpn .deb holds the agent, the stubs generated at build time
#    (read-only, nothing compiled), unit, conffile and man page; unpacked,
#    the agent runs from it and writes nothing; systemd-analyze verifies
#    the unit;
#  - the ip plugin's symbol check accepts it and refuses a bad plugin;
#  - bash completion offers only words vtepctl's help knows.
#
#   scripts/test-install.sh        (make deb and make tests first, or not:
#                                   it runs them)
set -uo pipefail

INSTALL_TMP_NAME=install
. "$(dirname "$0")/install-lib.sh"
# check NAME CMD...: ok if CMD succeeds, else not ok with its output's tail
check() {
	local name=$1
	shift
	if "$@" >"$TMP/out" 2>&1; then
		ok "$name"
	else
		notok "$name"
		tail -n 20 "$TMP/out" | sed 's/^/#   /'
	fi
}

# ---- packages ----
if make --no-print-directory deb >"$LOG/deb.log" 2>&1; then
	ok "make deb builds vtep-dkms, vtepctl and vtep-evpn, lintian reports no error or warning"
else
	notok "make deb builds vtep-dkms, vtepctl and vtep-evpn, lintian reports no error or warning (log: $LOG/deb.log)"
	grep -E '^E:|rror' "$LOG/deb.log" | head -n 20 | sed 's/^/#   /'
fi
dkms_deb=build/deb/vtep-dkms_${VERSION}_all.deb
ctl_deb=$(ls build/deb/vtepctl_"${VERSION}"_*.deb 2>/dev/null | head -n1)
check "debian/changelog's version is VERSION ($VERSION)" \
	test "$(dpkg-parsechangelog -S Version)" = "$VERSION"

have_debs=0
if [ -e "$dkms_deb" ] && [ -n "$ctl_deb" ]; then
	have_debs=1
	dpkg-deb -x "$dkms_deb" "$TMP/dkms-root"
	dpkg-deb -x "$ctl_deb" "$TMP/ctl-root"
fi
if [ $have_debs = 1 ]; then
	check "vtep-dkms holds the sources and a dkms.conf of version $VERSION" bash -c "
		grep -qx 'PACKAGE_VERSION=\"$VERSION\"' '$TMP/dkms-root/usr/src/vtep-$VERSION/dkms.conf' &&
		test -e '$TMP/dkms-root/usr/src/vtep-$VERSION/Kbuild' &&
		test -e '$TMP/dkms-root/usr/src/vtep-$VERSION/uapi/linux/vtep.h'"
	check "vtep-dkms depends on dkms, vtepctl on libmnl0, recommends vtep-dkms, enhances iproute2" bash -c "
		dpkg-deb -f '$dkms_deb' Depends | grep -q dkms &&
		dpkg-deb -f '$ctl_deb' Depends | grep -q libmnl0 &&
		dpkg-deb -f '$ctl_deb' Recommends | grep -q vtep-dkms &&
		dpkg-deb -f '$ctl_deb' Enhances | grep -q iproute2"
	check "vtepctl ships the tool, man pages, completion, ip plugin and unit" bash -c "
		cd '$TMP/ctl-root' && test -x usr/sbin/vtepctl &&
		test -e usr/share/man/man8/vtepctl.8.gz &&
		test -e usr/share/man/man7/vtepctl-json.7.gz &&
		test -e usr/share/man/man5/vtep.conf.5.gz &&
		test -e usr/share/bash-completion/completions/vtepctl &&
		test -e usr/lib/$(gcc -print-multiarch)/ip/link_vtep.so &&
		test -e lib/systemd/system/vtep@.service"
else
	notok "the packages exist (skipping the checks of their contents and DKMS)"
fi

# ---- DKMS, from the packaged sources, against each cached kernel ----
if [ $have_debs = 1 ]; then
	# Secure Boot: dkms signs the module with the configured MOK key; its
	# own dkms trees, so it runs beside the builds below (its TAP lines
	# follow theirs)
	scripts/test-mok.sh "$TMP/dkms-root/usr/src" >"$TMP/mok.out" 2>&1 &
	mok_pid=$!
	dkms_args=(--dkmstree "$TMP/dkms" --sourcetree "$TMP/dkms-root/usr/src")
	mkdir -p "$TMP/dkms"
	check "dkms add vtep/$VERSION (the packaged sources)" dkms add "vtep/$VERSION" "${dkms_args[@]}"
	for k in $KERNELS; do
		kver=$(cat "$CACHE/$k/kver" 2>/dev/null)
		if [ -z "$kver" ]; then
			notok "dkms builds vtep against $k (kernel not cached: make deps)"
			continue
		fi
		if ! dkms build "vtep/$VERSION" -k "$kver" --kernelsourcedir "$CACHE/$k/build" \
			"${dkms_args[@]}" >"$LOG/dkms-$k.log" 2>&1; then
			notok "dkms builds vtep against $k ($kver) (log: $LOG/dkms-$k.log)"
			grep -E 'error|rror' "$LOG/dkms-$k.log" "$TMP"/dkms/vtep/"$VERSION"/build/make.log 2>/dev/null |
				head -n 20 | sed 's/^/#   /'
			continue
		fi
		ko=$(find "$TMP/dkms/vtep/$VERSION/$kver" -name 'vtep.ko*' | head -n1)
		mkdir -p "build/dkms/$k"
		case $ko in
		*.xz) xz -dc "$ko" >"build/dkms/$k/vtep.ko" ;;
		*.zst) zstd -qdc "$ko" >"build/dkms/$k/vtep.ko" ;;
		*) cp "$ko" "build/dkms/$k/vtep.ko" ;;
		esac
		if [ "$(modinfo -F vermagic "build/dkms/$k/vtep.ko" | cut -d' ' -f1)" = "$kver" ]; then
			ok "dkms builds vtep against $k ($kver)"
		else
			notok "dkms builds vtep against $k: vermagic is not $kver"
		fi
		mv=$(modinfo -F version "build/dkms/$k/vtep.ko")
		if [ -z "$mv" ]; then
			ok "the module's version is VERSION # SKIP no MODULE_VERSION in kmod/main.c yet"
		elif [ "$mv" = "$VERSION" ]; then
			ok "the module built against $k reports version $VERSION"
		else
			notok "the module built against $k reports version $mv, not $VERSION"
		fi

		# depmod over a copy (symlinks) of the kernel's modules plus
		# vtep.ko, installed by make modules_install: modprobe's plan
		# loads the UDP tunnel modules first.
		mods=$TMP/mods-$k
		mkdir -p "$mods/lib/modules/$kver"
		cp -rs "$CACHE/$k/root/lib/modules/$kver/kernel" "$mods/lib/modules/$kver/"
		cp "$CACHE/$k/root/lib/modules/$kver"/modules.{builtin,builtin.modinfo,order} \
			"$mods/lib/modules/$kver/"
		if make --no-print-directory modules_install KDIR="$CACHE/$k/build" \
			MODULE_KO="build/dkms/$k/vtep.ko" INSTALL_MOD_PATH="$mods" >"$TMP/out" 2>&1 &&
		   modprobe -d "$mods" -S "$kver" --show-depends vtep >"$TMP/deps" 2>&1 &&
		   grep -q '/udp_tunnel\.ko' "$TMP/deps" && grep -q '/ip6_udp_tunnel\.ko' "$TMP/deps" &&
		   tail -n1 "$TMP/deps" | grep -q 'updates/vtep\.ko'; then
			ok "make modules_install + depmod: modprobe vtep on $k loads udp_tunnel, ip6_udp_tunnel first"
		else
			notok "make modules_install + depmod: modprobe vtep on $k loads udp_tunnel, ip6_udp_tunnel first"
			cat "$TMP/out" "$TMP/deps" | tail -n 20 | sed 's/^/#   /'
		fi
	done
	wait "$mok_pid" || failed=1
	cat "$TMP/mok.out"
fi

# ---- make install ----
make --no-print-directory userspace/vtepctl userspace/ip/link_vtep.so >"$TMP/out" 2>&1 ||
	{ notok "vtepctl and the ip plugin build"; tail -n 20 "$TMP/out" | sed 's/^/#   /'; }
check "make install DESTDIR=... PREFIX=/usr installs every file" bash -c "
	make --no-print-directory install DESTDIR='$TMP/inst' PREFIX=/usr >/dev/null &&
	cd '$TMP/inst' && test -x usr/sbin/vtepctl && test -e usr/share/man/man8/vtepctl.8 &&
	test -e usr/share/man/man7/vtepctl-json.7 &&
	test -e usr/share/man/man5/vtep.conf.5 &&
	test -e usr/lib/$(gcc -print-multiarch)/ip/link_vtep.so &&
	test -e usr/share/bash-completion/completions/vtepctl &&
	test -x usr/share/doc/vtep/examples/libvirt-qemu-hook &&
	test -e usr/share/doc/vtep/examples/ifupdown-vtep &&
	grep -q '^ExecStart=/usr/sbin/vtepctl syncconf' usr/lib/systemd/system/vtep@.service"
check "make install honours PREFIX in the unit's paths" bash -c "
	make --no-print-directory install DESTDIR='$TMP/inst2' PREFIX=/opt/vtep >/dev/null &&
	grep -q '^ExecStart=/opt/vtep/sbin/vtepctl syncconf' '$TMP/inst2/opt/vtep/lib/systemd/system/vtep@.service' &&
	test -x '$TMP/inst2/opt/vtep/sbin/vtepctl'"
# The installed agent gets past its stubs to its first vtepctl call.
check "make install-evpn installs vtep-evpn, its stubs (which it loads), man page, unit, gobgpd drop-in" bash -c "
	make --no-print-directory install-evpn DESTDIR='$TMP/evpn' PREFIX=/usr >/dev/null &&
	cd '$TMP/evpn' && test -x usr/sbin/vtep-evpn && test -e usr/share/man/man8/vtep-evpn.8 &&
	test \$(stat -c %a usr/lib/vtep-evpn/gobgp_pb2.py) = 644 &&
	grep -q '^ExecStart=/usr/sbin/vtep-evpn ' usr/lib/systemd/system/vtep-evpn.service &&
	grep -q '^Environment=GOBGPD_OPTIONS=--api-hosts=127.0.0.1:50051' \
		usr/lib/systemd/system/gobgpd.service.d/vtep-evpn-api-loopback.conf &&
	printf 'asn 65000\nlocal 192.0.2.1\n' >c.conf &&
	{ /usr/bin/python3 usr/sbin/vtep-evpn -c c.conf --vtepctl /bin/false >out 2>&1 || true; } &&
	{ grep -q 'vtepctl -j vni show' out || { cat out; false; }; }"

# ---- the vtep-evpn package ----
# Unpacked with dpkg-deb -x, never installed here: dpkg -i would replace a
# `make install`ed vtepctl and its purge delete it. py3compile over the
# unpacked tree stands for the postinst's.
evpn_deb=build/deb/vtep-evpn_${VERSION}_all.deb
if [ -e "$evpn_deb" ]; then
	evr=$TMP/evpn-root
	dpkg-deb -x "$evpn_deb" "$evr"
	check "vtep-evpn is Architecture all, depends on python3, grpcio, protobuf, vtepctl, gobgpd, iproute2" bash -c "
		test \"\$(dpkg-deb -f '$evpn_deb' Architecture)\" = all &&
		d=\$(dpkg-deb -f '$evpn_deb' Depends) && echo \"\$d\" &&
		for p in python3:any python3-grpcio python3-protobuf 'vtepctl (>= $VERSION)' gobgpd iproute2; do
			grep -qF \"\$p\" <<<\"\$d\" || exit 1; done"
	check "vtep-evpn ships the agent, its package and the gobgp stubs read-only, nothing compiled" bash -c "
		cd '$evr' && test -x usr/sbin/vtep-evpn &&
		for f in gobgp_pb2.py gobgp_pb2_grpc.py attribute_pb2.py capability_pb2.py \\
			 vtep_evpn/__init__.py vtep_evpn/main.py vtep_evpn/stubs.py; do
			test \"\$(stat -c '%a %U' usr/lib/vtep-evpn/\$f)\" = '644 root' || { echo \$f; exit 1; }; done &&
		! dpkg-deb -c '$REPO/$evpn_deb' | grep -E '__pycache__|\\.pyc\$'"
	check "vtep-evpn ships its unit, man page, examples, gobgpd drop-in; /etc/vtep/evpn.conf a conffile" bash -c "
		cd '$evr' && grep -q '^ExecStart=/usr/sbin/vtep-evpn -c /etc/vtep/evpn.conf' lib/systemd/system/vtep-evpn.service &&
		test -e lib/systemd/system/gobgpd.service.d/vtep-evpn-api-loopback.conf &&
		test -e usr/share/man/man8/vtep-evpn.8.gz &&
		cmp etc/vtep/evpn.conf '$REPO/examples/evpn.conf' &&
		cmp usr/share/doc/vtep-evpn/examples/evpn.conf '$REPO/examples/evpn.conf' &&
		dpkg-deb --ctrl-tarfile '$REPO/$evpn_deb' | tar -xOf - ./conffiles | grep -qx /etc/vtep/evpn.conf"
	# dh_installsystemd --no-enable: the postinst enables the unit only
	# when it was enabled before; it starts only an enabled unit.
	check "vtep-evpn's postinst does not enable vtep-evpn.service; py3compile/py3clean its directory" bash -c "
		dpkg-deb --ctrl-tarfile '$evpn_deb' | tar -xf - -C '$TMP' ./postinst ./prerm &&
		grep -q \"if deb-systemd-helper debian-installed 'vtep-evpn.service'\" '$TMP/postinst' &&
		grep -q 'py3compile -p vtep-evpn /usr/lib/vtep-evpn' '$TMP/postinst' &&
		grep -q 'py3clean -p vtep-evpn' '$TMP/prerm'"
	# The unit as installed, its paths moved into the unpacked tree.
	mkdir -p "$TMP/evpn-unit"
	sed "s|/usr/sbin/vtep-evpn|$evr/usr/sbin/vtep-evpn|; s|/etc/vtep/|$evr/etc/vtep/|g" \
		"$evr/lib/systemd/system/vtep-evpn.service" >"$TMP/evpn-unit/vtep-evpn.service"
	check "systemd-analyze verify accepts vtep-evpn.service" bash -c "
		out=\$(systemd-analyze --man=no verify '$TMP/evpn-unit/vtep-evpn.service' 2>&1) &&
		{ [ -z \"\$out\" ] || { echo \"\$out\"; false; }; }"
	# The unpacked agent with an empty HOME: --help, then a start that gets
	# past the stubs (loaded from the tree, python -v says) to its first
	# vtepctl call; no file is written, in HOME or in the tree.
	mkdir -p "$TMP/evpn-home" && printf 'asn 65000\nlocal 192.0.2.1\n' >"$TMP/evpn.conf"
	find "$evr" "$TMP/evpn-home" | sort >"$TMP/evpn-before"
	evpn_run() { env -u PYTHONDONTWRITEBYTECODE -u PYTHONPATH HOME="$TMP/evpn-home" \
		XDG_CACHE_HOME="$TMP/evpn-home/.cache" /usr/bin/python3 "$@"; }
	check "the unpacked vtep-evpn --help runs" bash -c "
		$(declare -f evpn_run); TMP='$TMP'
		evpn_run '$evr/usr/sbin/vtep-evpn' --help | grep -q '^usage: vtep-evpn'"
	check "the unpacked agent loads its package and stubs from the tree, none from elsewhere" bash -c "
		$(declare -f evpn_run); TMP='$TMP'
		evpn_run -v '$evr/usr/sbin/vtep-evpn' -c '$TMP/evpn.conf' --vtepctl /bin/false >'$TMP/evpn.out' 2>&1
		grep -q 'vtepctl -j vni show' '$TMP/evpn.out' || { tail -n 5 '$TMP/evpn.out'; exit 1; }
		grep -q '^# code object from $evr/usr/lib/vtep-evpn/gobgp_pb2.py\$' '$TMP/evpn.out' &&
		grep -q '^# code object from $evr/usr/lib/vtep-evpn/vtep_evpn/main.py\$' '$TMP/evpn.out' &&
		! grep -E '^# code object from .*(_pb2|_pb2_grpc|vtep_evpn/[a-z_]*)\\.py\$' '$TMP/evpn.out' |
			grep -v '^# code object from $evr/usr/lib/vtep-evpn/'"
	find "$evr" "$TMP/evpn-home" | sort >"$TMP/evpn-after"
	check "the unpacked agent wrote no file (no stubs, no __pycache__), in the tree or in HOME" \
		diff "$TMP/evpn-before" "$TMP/evpn-after"
	# As after the postinst's py3compile: the agent accepts the __pycache__
	# and loads the compiled stubs.
	check "after py3compile the agent vets and loads the compiled stubs" bash -c "
		$(declare -f evpn_run); TMP='$TMP'
		py3compile '$evr/usr/lib/vtep-evpn' &&
		evpn_run -v '$evr/usr/sbin/vtep-evpn' -c '$TMP/evpn.conf' --vtepctl /bin/false >'$TMP/evpn.out' 2>&1
		grep -q 'vtepctl -j vni show' '$TMP/evpn.out' &&
		grep -q '^# code object from .$evr/usr/lib/vtep-evpn/__pycache__/gobgp_pb2\\.' '$TMP/evpn.out' ||
			{ grep -E 'gobgp_pb2|error' '$TMP/evpn.out' | tail -n 5; false; }"
else
	notok "the vtep-evpn package exists ($evpn_deb; skipping the checks of its contents)"
fi

# ---- the ip plugin's symbol check ----
check "the ip plugin exports only vtep_link_util and needs only what /usr/sbin/ip and libc export" \
	scripts/ip-plugin-symbols.sh userspace/ip/link_vtep.so /usr/sbin/ip
cat >"$TMP/bad.c" <<'EOF'
extern int mnl_socket_open(int);
int link_helper(void) { return mnl_socket_open(0); }
int bad_link_util;
EOF
gcc -shared -fPIC -o "$TMP/link_bad.so" "$TMP/bad.c"
check "the symbol check refuses a plugin that needs libmnl and exports its helpers" \
	bash -c "! scripts/ip-plugin-symbols.sh '$TMP/link_bad.so' /usr/sbin/ip"

# ---- bash completion against vtepctl's help ----
completion_words() {
	# Every word the completion offers, as "CONTEXT WORD" lines.
	bash -c '
		source completion/vtepctl
		offer() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
			  _vtepctl; printf "%s\n" "${COMPREPLY[@]}"; }
		for o in $(offer vtepctl ""); do
			echo "- $o"
			[ "$o" = help ] && continue
			for c in $(offer vtepctl "$o" ""); do
				echo "$o $c"
				[ "$c" = help ] && continue
				for w in $(offer vtepctl "$o" "$c" X ""); do echo "$o $w"; done
			done
		done
		for w in $(offer vtepctl -); do echo "opt $w"; done'
}
bad=""
# The options of the help's "OPTIONS := { -j[son] | ... }": -j and -json
known_opts=$(./userspace/vtepctl help 2>&1 | sed -n '/OPTIONS :=/,/}/p' |
	tr ' {}|' '\n\n\n\n' | grep '^-' | sed -e 'p' -e 's/\[.*\]//' | tr -d '[]')
while read -r ctx w; do
	case $ctx:$w in
	-:*) ./userspace/vtepctl "$w" help >/dev/null 2>&1 || bad="$bad $w" ;;
	opt:*) grep -qixF -- "$w" <<<"$known_opts" || bad="$bad $w" ;;
	*:help) ./userspace/vtepctl "$ctx" help >/dev/null 2>&1 || bad="$bad $ctx:$w" ;;
	*) ./userspace/vtepctl "$ctx" help 2>&1 | grep -qwF -- "$w" || bad="$bad $ctx:$w" ;;
	esac
done < <(completion_words)
n=$(completion_words | wc -l)
if [ -z "$bad" ] && [ "$n" -gt 30 ]; then
	ok "bash completion offers $n words, each known to vtepctl's help"
else
	notok "bash completion offers words vtepctl's help does not know:$bad ($n words)"
fi

exit $failed
