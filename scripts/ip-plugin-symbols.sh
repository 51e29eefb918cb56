#!/usr/bin/env bash
# Check that an ip(8) plugin can be loaded by the ip binary it will run in:
# it needs no library but libc, it exports only <kind>_link_util, and every
# symbol it leaves undefined is defined by that ip (which is linked
# -export-dynamic) or by libc.
#
#   scripts/ip-plugin-symbols.sh PLUGIN.so [IP_BINARY]
set -euo pipefail
so=$1
ip=${2:-/usr/sbin/ip}
kind=$(basename "$so" .so)
kind=${kind#link_}
kind=${kind%%.so*}
fail=0
libc=$(ldd "$ip" | awk '$1 ~ /^libc\.so/ { print $3 }')

needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -vx 'libc.so.6' || true)
if [ -n "$needed" ]; then
	echo "$so: links libraries ip does not give it: $needed" >&2
	fail=1
fi
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /[TDBR]/ { print $3 }' | sort)
if [ "$exported" != "${kind}_link_util" ]; then
	echo "$so: exports $(echo $exported), want only ${kind}_link_util" >&2
	fail=1
fi
nm -D --defined-only "$ip" "$libc" | awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }' |
	sort -u >"${TMPDIR:-/tmp}/ipsyms.$$"
missing=$(nm -D --undefined-only "$so" | awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' |
	sort -u | comm -23 - "${TMPDIR:-/tmp}/ipsyms.$$")
rm -f "${TMPDIR:-/tmp}/ipsyms.$$"
if [ -n "$missing" ]; then
	echo "$so: needs symbols $ip does not export: $(echo $missing)" >&2
	fail=1
fi
exit $fail
