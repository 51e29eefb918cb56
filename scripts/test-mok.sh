#!/usr/bin/env bash
# Secure Boot: the module DKMS builds is signed with the MOK key dkms is
# configured with (TAP "ok - ..." lines). Debian 12's dkms (3.0.x) signs
# each module it builds with /etc/dkms/framework.conf's mok_signing_key and
# mok_certificate (default /var/lib/dkms/mok.key and mok.pub, made on first
# use) through sign_file; an operator enrolls mok.pub with mokutil --import.
# We cannot boot with Secure Boot here, so this proves the signature:
#  - a throwaway key pair and certificate (openssl) in a temporary directory;
#  - dkms build of the packaged sources against a cached kernel tree, in a
#    private mount namespace where a temporary directory stands in for
#    /etc/dkms (its framework.conf names the key, the certificate and the
#    tree's scripts/sign-file) and another for /var/lib/dkms: nothing is
#    written to, or read from, the host's own;
#  - the module ends with "~Module signature appended~\n", modinfo's signer
#    and sig_key are the certificate's subject CN and serial, and the
#    PKCS#7 signature verifies (openssl cms) against the certificate;
#  - the same build with a key that cannot be made gives a module without
#    a signature (so the checks above see a signature dkms made).
#
#   scripts/test-mok.sh [SOURCETREE]   (the /usr/src of vtep-dkms, as
#                                       scripts/test-install.sh unpacks it;
#                                       default: make dkms-src into a temp dir)
# MOK_KERNEL picks the cached kernel (default: the last of KERNELS).
set -uo pipefail

INSTALL_TMP_NAME=mok
. "$(dirname "$0")/install-lib.sh"
k=${MOK_KERNEL:-${KERNELS##* }}

src=${1:-}
if [ -z "$src" ]; then
	src=$TMP/src-root/usr/src
	make --no-print-directory dkms-src DESTDIR="$TMP/src-root" >/dev/null ||
		{ notok "make dkms-src"; exit 1; }
fi
kver=$(cat "$CACHE/$k/kver" 2>/dev/null)
kdir=$CACHE/$k/build
if [ -z "$kver" ] || [ ! -x "$kdir/scripts/sign-file" ]; then
	notok "dkms signs vtep with the MOK key (kernel $k not cached with scripts/sign-file: make deps)"
	exit 1
fi

# ---- the throwaway MOK: a key, and its certificate in DER as dkms's ----
openssl req -new -x509 -nodes -days 1 -subj "/CN=vtep test MOK $$" \
	-newkey rsa:2048 -keyout "$TMP/mok.key" -outform DER -out "$TMP/mok.pub" \
	>"$TMP/openssl.out" 2>&1 || { notok "openssl makes a key pair"; cat "$TMP/openssl.out"; exit 1; }
cn=$(openssl x509 -inform DER -in "$TMP/mok.pub" -noout -subject -nameopt multiline |
	sed -n 's/^ *commonName *= //p')
serial=$(openssl x509 -inform DER -in "$TMP/mok.pub" -noout -serial | sed 's/^serial=//')

# dkms_build NAME KEY: dkms add + build in a private dkms tree, with a
# framework.conf naming KEY, mok.pub and the tree's sign-file; the module
# lands in $TMP/NAME.ko, dkms's output in build/check/mok-NAME.log
dkms_build() {
	local name=$1 key=$2 etc=$TMP/etc-$1 ko
	mkdir -p "$etc/framework.conf.d" "$TMP/var-$name" "$TMP/tree-$name"
	cat >"$etc/framework.conf" <<-EOF
	sign_file="$kdir/scripts/sign-file"
	mok_signing_key="$key"
	mok_certificate="$TMP/mok.pub"
	EOF
	unshare -m --propagation private bash -c '
		set -e
		mount --bind "$1" /etc/dkms
		mount --bind "$2" /var/lib/dkms
		dkms add "vtep/$3" --dkmstree "$4" --sourcetree "$5"
		dkms build "vtep/$3" -k "$6" --kernelsourcedir "$7" --dkmstree "$4" --sourcetree "$5"
	' mok "$etc" "$TMP/var-$name" "$VERSION" "$TMP/tree-$name" "$src" "$kver" "$kdir" \
		>"$LOG/mok-$name.log" 2>&1 || return 1
	ko=$(find "$TMP/tree-$name/vtep/$VERSION/$kver" -name 'vtep.ko*' | head -n1)
	case $ko in
	*.xz) xz -dc "$ko" ;;
	*.zst) zstd -qdc "$ko" ;;
	*) cat "$ko" ;;
	esac >"$TMP/$name.ko"
	[ -s "$TMP/$name.ko" ]
}
# signed KO: it ends with the kernel's signature marker
signed() { tail -c 28 "$1" | cmp -s - <(printf '~Module signature appended~\n'); }

# The build without a usable key (checked last) runs beside the one with
# it: each has trees of its own, and each took 20 s of one core.
# The key's directory does not exist, so dkms cannot make one there.
dkms_build nokey "$TMP/missing/mok.key" &
nokey_pid=$!
trap 'wait $nokey_pid 2>/dev/null; rm -rf "$TMP"' EXIT

# ---- signed with the key ----
if dkms_build mok "$TMP/mok.key"; then
	ok "dkms builds vtep against $k ($kver) with a MOK key configured"
else
	notok "dkms builds vtep against $k ($kver) with a MOK key configured (log: $LOG/mok-mok.log)"
	tail -n 20 "$LOG/mok-mok.log" | sed 's/^/#   /'
	exit 1
fi
if grep -q "^Signing module " "$LOG/mok-mok.log" && signed "$TMP/mok.ko"; then
	ok "dkms signed it: the module ends with \"~Module signature appended~\""
else
	notok "dkms signed it: the module ends with \"~Module signature appended~\""
	grep -iE 'sign|key|certificate' "$LOG/mok-mok.log" | sed 's/^/#   /'
fi
signer=$(modinfo -F signer "$TMP/mok.ko")
sig_key=$(modinfo -F sig_key "$TMP/mok.ko" | tr -d ':')
sig_hash=$(modinfo -F sig_hashalgo "$TMP/mok.ko")
want_hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$kdir/.config")
if [ -n "$signer" ] && [ "$signer" = "$cn" ] && [ "${sig_key^^}" = "${serial^^}" ]; then
	ok "modinfo: signer \"$signer\" and sig_key $sig_key are the certificate's CN and serial"
else
	notok "modinfo: signer \"$signer\" / sig_key $sig_key are not the certificate's \"$cn\" / $serial"
fi
if [ -n "$sig_hash" ] && [ "$sig_hash" = "$want_hash" ]; then
	ok "the signature's hash is the kernel's CONFIG_MODULE_SIG_HASH ($want_hash)"
else
	notok "the signature's hash ($sig_hash) is the kernel's CONFIG_MODULE_SIG_HASH ($want_hash)"
fi

# The appended signature (scripts/sign-file): the module, the PKCS#7
# (DER, detached), a 12-byte struct module_signature whose last 4 bytes are
# the PKCS#7's length (big endian), the 28-byte marker.
verify() {
	local size len body b
	size=$(stat -c %s "$1")
	read -ra b < <(tail -c 32 "$1" | head -c 4 | od -An -tu1)
	len=$(((b[0] << 24) + (b[1] << 16) + (b[2] << 8) + b[3]))
	body=$((size - 40 - len))
	[ "$len" -gt 0 ] && [ "$body" -gt 0 ] || return 1
	head -c "$body" "$1" >"$TMP/body"
	tail -c $((len + 40)) "$1" | head -c "$len" >"$TMP/sig.p7"
	openssl x509 -inform DER -in "$TMP/mok.pub" -out "$TMP/mok.pem"
	# -noverify: the MOK is self-signed and has no CA; -binary: the
	# module's bytes as they are. The signer's key must match.
	openssl cms -verify -binary -inform DER -in "$TMP/sig.p7" -content "$TMP/body" \
		-certfile "$TMP/mok.pem" -nointern -noverify -out /dev/null
}
verified=0
if verify "$TMP/mok.ko" >"$TMP/verify.out" 2>&1; then
	ok "openssl cms verifies the module's signature with the certificate"
	verified=1
else
	notok "openssl cms verifies the module's signature with the certificate"
	sed 's/^/#   /' "$TMP/verify.out"
fi
if [ $verified = 1 ] && cp "$TMP/mok.ko" "$TMP/tampered.ko" &&
   printf 'X' | dd of="$TMP/tampered.ko" bs=1 seek=4096 conv=notrunc status=none &&
   ! verify "$TMP/tampered.ko" >/dev/null 2>&1; then
	ok "... and refuses it once a byte of the module changed"
else
	notok "... and refuses it once a byte of the module changed"
fi

# ---- no key: no signature ----
if wait $nokey_pid && ! signed "$TMP/nokey.ko" &&
   [ -z "$(modinfo -F signer "$TMP/nokey.ko")" ]; then
	ok "without a usable key dkms builds the module unsigned (the checks see dkms's signature)"
else
	notok "without a usable key dkms builds the module unsigned (log: $LOG/mok-nokey.log)"
fi

exit $failed
