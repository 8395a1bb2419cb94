#!/bin/sh
# Make the kernel .config: ARCH=um defconfig, this package's fragments merged
# over it with the kernel's own scripts/kconfig/merge_config.sh, then
# olddefconfig; then check that every option a fragment asked for survived.
#
# usage: KMAKE="make -C SRCTREE O=OBJTREE ARCH=um ..." kconfig.sh SRCTREE OBJTREE FRAGMENT...
#   KMAKE is a shell command line (it may hold quoted words and variable
#   assignments) that runs the kernel's make on SRCTREE into OBJTREE.
#
# Fragment syntax: kernel .config lines ("CONFIG_FOO=y", "# CONFIG_FOO is
# not set"), comments and blank lines.  A header line
# "# when-kernel-has: CONFIG_FOO" applies the fragment only when the kernel
# source defines FOO.  Any option a kernel does not know is an error
# (unless the fragment has the header line "# unknown-options: skip", for
# lists meant for several series: an option this kernel lacks, or has
# without a prompt, is skipped there and counted), and so
# is any option olddefconfig dropped or changed; on error no .config is
# left behind (the rejected one is kept as .config.rejected).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=kconfig.sh
# shellcheck source-path=SCRIPTDIR source=../build-aux/die.sh
. "$(dirname "$0")/../build-aux/die.sh"

[ $# -ge 2 ] || die "usage: KMAKE=... $me SRCTREE OBJTREE FRAGMENT..."
srctree=$1
objtree=$2
shift 2
: "${KMAKE:?KMAKE must hold the kernel make command}"

mkdir -p "$objtree" || die "cannot create $objtree"
[ -w "$objtree" ] || die "build directory $objtree is not writable"
rm -f "$objtree/.config" "$objtree/.config.rejected"

work=$(mktemp -d "$objtree/.kconfig.XXXXXX") || die "cannot create a temporary directory in $objtree"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# Every symbol the kernel source defines: "CONFIG_NAME TYPE visible|hidden".
find "$srctree/" -name 'Kconfig*' -type f |
	awk -f "$(dirname "$0")/kconfig-symbols.awk" | sort > "$work/symbols"
[ -s "$work/symbols" ] || die "no Kconfig symbols found under $srctree"

# Parse the fragments: print "when" lines and requests, report bad lines
# and unknown symbols.  Output: one "FILE:LINE SYMBOL VALUE" per request.
: > "$work/requests"
: > "$work/errors"
applied=
for frag in "$@"; do
	[ -r "$frag" ] || die "cannot read config fragment $frag"
	name=$(basename "$frag")
	cond=$(sed -n 's/^# when-kernel-has:[[:space:]]*\(CONFIG_[A-Za-z0-9_]*\)[[:space:]]*$/\1/p' "$frag" | head -n 1)
	if [ -n "$cond" ] && ! grep -q "^$cond " "$work/symbols"; then
		echo "  KCONFIG  skip $name (this kernel has no $cond)"
		continue
	fi
	applied="$applied $frag"
	skip_unknown=0
	if grep -qx '# unknown-options:[[:space:]]*skip' "$frag"; then
		skip_unknown=1
	fi
	: > "$work/skipped"
	awk -v f="$name" -v symfile="$work/symbols" -v errfile="$work/errors" \
		-v skip="$skip_unknown" -v skipfile="$work/skipped" '
		BEGIN {
			while ((getline l < symfile) > 0) {
				split(l, w, " ")
				known[w[1]] = 1
				visible[w[1]] = w[3] == "visible"
			}
		}
		function bad(msg) { printf "%s:%d: %s\n", f, NR, msg >> errfile }
		/^[[:space:]]*$/ { next }
		/^# (when-kernel-has|unknown-options):/ { next }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { sym = $2; val = "n"; check(); next }
		/^#/ { next }
		/^CONFIG_[A-Za-z0-9_]+=/ {
			sym = substr($0, 1, index($0, "=") - 1)
			val = substr($0, index($0, "=") + 1)
			check(); next
		}
		{ bad("not a kernel config line: " $0) }
		function check() {
			if (skip && !(sym in known && visible[sym]))
				print sym >> skipfile
			else if (!(sym in known))
				bad(sym " is not an option this kernel knows")
			else
				printf "%s:%d %s %s\n", f, NR, sym, val
		}
	' "$frag" >> "$work/requests"
	if [ -s "$work/skipped" ]; then
		echo "  KCONFIG  $name: skipped $(wc -l < "$work/skipped") option(s) this kernel lacks or does not let be set"
	fi
done
if [ -s "$work/errors" ]; then
	sed "s/^/$me: error: /" "$work/errors" >&2
	exit 1
fi

echo "  KCONFIG  defconfig + merge + olddefconfig"
eval "$KMAKE -s defconfig" > "$work/log" 2>&1 || {
	tail -n 20 "$work/log" >&2
	die "make defconfig failed"
}
# shellcheck disable=SC2086 # the list of fragments
sh "$srctree/scripts/kconfig/merge_config.sh" -m -O "$objtree" \
	"$objtree/.config" $applied > "$work/log" 2>&1 || {
	tail -n 20 "$work/log" >&2
	die "merge_config.sh failed"
}
eval "$KMAKE -s olddefconfig" > "$work/log" 2>&1 || {
	tail -n 20 "$work/log" >&2
	die "make olddefconfig failed"
}

# Compare the result with the requests; the last request for a symbol wins.
awk -v cfg="$objtree/.config" '
	BEGIN {
		while ((getline l < cfg) > 0) {
			if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) {
				s = substr(l, 1, index(l, "=") - 1)
				have[s] = substr(l, index(l, "=") + 1)
			}
		}
	}
	{ where[$2] = $1; want[$2] = substr($0, length($1) + length($2) + 3) }
	END {
		bad = 0
		for (s in want) {
			w = want[s]
			h = (s in have) ? have[s] : "n"
			if (w == h || (w == "m" && h == "y"))
				continue
			printf "%s: %s=%s was dropped by olddefconfig (result: %s); check what it depends on\n",
				where[s], s, w, (h == "n" ? "not set" : h)
			bad++
		}
		exit bad ? 1 : 0
	}
' "$work/requests" > "$work/dropped" || {
	sort "$work/dropped" | sed "s/^/$me: error: /" >&2
	mv "$objtree/.config" "$objtree/.config.rejected"
	die "$(wc -l < "$work/dropped") option(s) did not survive; the result is in $objtree/.config.rejected"
}
echo "  KCONFIG  $(wc -l < "$work/requests") options checked"
