#!/usr/bin/env bash
# The link options of userspace/link_opts.h, where they are not compiled
# from it: the LINK_OPTIONS block of vtepctl.8 (written here, from "vtepctl
# link help", between its BEGIN/END LINK_OPTIONS comments), the .TP entry
# each option needs in vtepctl.8, the bash completion (which reads the help
# at run time) and the ip plugin's usage.
#
#   scripts/link-opts.sh update [VTEPCTL [MAN]]  rewrite the block if stale
#   scripts/link-opts.sh check [VTEPCTL [MAN]]   TAP lines; exit 1 if stale
#                                                or an option is missing
set -euo pipefail
mode=${1:?update or check}
vtepctl=$(realpath "${2:-userspace/vtepctl}")
man=${3:-userspace/vtepctl.8}
cd "$(dirname "$0")/.."

# "ttl { TTL | auto }" lines: the table as the usage prints it
opts=$("$vtepctl" link help | sed -n 's/^    \([a-z]\)/\1/p')
[ -n "$opts" ] || { echo "no options in \"$vtepctl link help\"" >&2; exit 2; }

# [ \fBttl\fR { \fITTL\fR | \fBauto\fR } ] ..., wrapped to fit man's 80 columns
block() {
	awk '
	function roff(w) {
		gsub(/-/, "\\-", w)
		if (w ~ /^[A-Z]/) return "\\fI" w "\\fR"
		if (w ~ /^[a-z]/) return "\\fB" w "\\fR"
		return w
	}
	BEGIN { line = "\\fILINK_OPTIONS\\fR := "; width = 16 }
	{
		item = "["; plain = "["
		for (i = 1; i <= NF; i++) { item = item " " roff($i); plain = plain " " $i }
		item = item " ]"; plain = plain " ]"
		if (width + length(plain) > 70) {
			print line; line = "        "; width = 8
		}
		line = line item " "; width += length(plain) + 1
	}
	END { sub(/ $/, "", line); print line }' <<<"$opts" | sed 's/ $//'
}

begin='.\" BEGIN LINK_OPTIONS: scripts/link-opts.sh writes this from "vtepctl link help"'
end='.\" END LINK_OPTIONS'

# The man page with the block put in its place
with_block() {
	B=$begin E=$end F=$1 awk '
	$0 == ENVIRON["B"] { print; while ((getline l < ENVIRON["F"]) > 0) print l; skip = 1; next }
	$0 == ENVIRON["E"] { skip = 0 }
	!skip' "$man"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
block >"$tmp/block"
grep -qxF "$begin" "$man" && grep -qxF "$end" "$man" ||
	{ echo "$man: no BEGIN/END LINK_OPTIONS comments" >&2; exit 2; }
with_block "$tmp/block" >"$tmp/man"

if [ "$mode" = update ]; then
	cmp -s "$tmp/man" "$man" || cp "$tmp/man" "$man"
	exit 0
fi

failed=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

if cmp -s "$tmp/man" "$man"; then
	ok "vtepctl.8's LINK_OPTIONS block is the one vtepctl link help makes"
else
	notok "vtepctl.8's LINK_OPTIONS block is stale: run make (scripts/link-opts.sh update)"
	diff "$man" "$tmp/man" | sed 's/^/#   /' || true
fi

# each option's entry: .TP, then .B/.BI/.BR and the keyword
lacking=""
for k in $(cut -d' ' -f1 <<<"$opts"); do
	rk=${k//-/\\-}
	K=$rk awk 'tp && ($2 == ENVIRON["K"] || $2 == "\"" ENVIRON["K"]) { found = 1 }
		{ tp = ($0 == ".TP") } END { exit !found }' "$man" ||
		lacking="$lacking $k"
done
if [ -z "$lacking" ]; then
	ok "vtepctl.8 has a .TP entry for each of the $(wc -l <<<"$opts") link options"
else
	notok "vtepctl.8 has no .TP entry for link options:$lacking"
fi

# the completion after "vtepctl link add NAME", and after each keyword
offered=$(bash -c '
	source completion/vtepctl
	COMP_WORDS=("$1" link add vtep0 ""); COMP_CWORD=4; COMPREPLY=()
	_vtepctl; printf "%s\n" "${COMPREPLY[@]}"' - "$vtepctl" | sort)
want=$(cut -d' ' -f1 <<<"$opts" | sort)
if [ "$offered" = "$want" ]; then
	ok "bash completion offers every link option after link add NAME"
else
	notok "bash completion's link options differ from vtepctl link help:" \
		$(diff <(echo "$offered") <(echo "$want") | grep '^[<>]')
fi
values=$(bash -c '
	source completion/vtepctl
	COMP_WORDS=("$1" link set vtep0 udp6zerocsumrx ""); COMP_CWORD=5
	COMPREPLY=(); _vtepctl; echo "${COMPREPLY[*]}"' - "$vtepctl")
if [ "$values" = "on off" ]; then
	ok "bash completion offers on and off after udp6zerocsumrx"
else
	notok "bash completion offers \"$values\" after udp6zerocsumrx, want \"on off\""
fi

# the plugin's usage lists the same options, the same way
so=userspace/ip/link_vtep.so
if [ -e "$so" ] && command -v ip >/dev/null; then
	plugin=$(IP_LIB_DIR=userspace/ip ip link help vtep 2>&1 |
		sed -n 's/^    \([a-z]\)/\1/p')
	if [ "$plugin" = "$opts" ]; then
		ok "ip link help vtep lists the options vtepctl link help does"
	else
		notok "ip link help vtep and vtepctl link help differ:" \
			$(diff <(echo "$plugin") <(echo "$opts") | grep '^[<>]')
	fi
else
	echo "ok - # SKIP $so not built or no ip"
fi
exit $failed
