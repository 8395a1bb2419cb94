#!/bin/sh
# Compare this kernel's .config with the one in Debian's user-mode-linux
# package, and give the reason for every difference.
#
# usage: config-report.sh [--check] SRCTREE FRAGMENT-DIR DEBIAN-CONFIG OUR-CONFIG
#
# SRCTREE is the kernel source the .config is for (its Kconfig files say
# which options exist and which have a prompt), FRAGMENT-DIR the
# directory of this package's fragments and of debian-differences (the
# documented reasons), DEBIAN-CONFIG Debian's config (plain or .gz, as
# /usr/share/doc/user-mode-linux/config.gz), OUR-CONFIG the .config.
#
# A reason comes from debian-differences when it names the option, else
# from what the report can see itself: an option this kernel does not
# have, an option without a prompt (it follows from others), a tristate
# built in at Debian and a module here (the rule debian-differences
# gives), an option Debian's config does not mention, one a fragment asks
# for, or this kernel's default.  An option Debian enables and this
# kernel does not, or one with another value, has no reason unless
# debian-differences gives one.  With --check the exit status is 1 when
# any difference has no reason; 2 on bad usage or unreadable input.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=config-report
# shellcheck source-path=SCRIPTDIR source=../build-aux/die.sh
. "$(dirname "$0")/../build-aux/die.sh"

check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
case ${1:-} in
--help) sed -n '2,/^# This file/{/^# This file/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
[ $# -eq 4 ] || die "usage: $me [--check] SRCTREE FRAGMENT-DIR DEBIAN-CONFIG OUR-CONFIG"
srctree=$1
fragdir=$2
debian=$3
ours=$4
[ -d "$srctree" ] || die "no kernel source at $srctree"
[ -r "$fragdir/debian-differences" ] || die "cannot read $fragdir/debian-differences"
[ -r "$debian" ] || die "cannot read Debian's config $debian"
[ -r "$ours" ] || die "cannot read $ours"

work=$(mktemp -d "${TMPDIR:-/tmp}/uml-config-report.XXXXXX") || die "cannot create a temporary directory"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

case $debian in
*.gz) gzip -dc "$debian" > "$work/debian" || die "cannot uncompress $debian" ;;
*) cp "$debian" "$work/debian" ;;
esac
grep -q '^CONFIG_' "$work/debian" || die "$debian holds no CONFIG_ lines"

# Every option the source defines: "NAME TYPE visible|hidden".
find "$srctree/" -name 'Kconfig*' -type f |
	awk -f "$(dirname "$0")/kconfig-symbols.awk" | sort > "$work/symbols"
[ -s "$work/symbols" ] || die "no Kconfig options found under $srctree"

# What the fragments ask for: "NAME FILE" (the first fragment naming it).
for f in "$fragdir"/*.config; do
	sed -n -e "s|^\\(CONFIG_[A-Za-z0-9_]*\\)=.*|\\1 ${f##*/}|p" \
		-e "s|^# \\(CONFIG_[A-Za-z0-9_]*\\) is not set\$|\\1 ${f##*/}|p" "$f"
done | sort -k1,1 -s -u > "$work/requests"

awk -v me="$me" -v check="$check" \
	-v symfile="$work/symbols" -v reqfile="$work/requests" \
	-v docfile="$fragdir/debian-differences" -v debfile="$work/debian" \
	-v ourfile="$ours" '
	function load(file, val, seen,    l, s) {
		while ((getline l < file) > 0) {
			if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) {
				s = substr(l, 1, index(l, "=") - 1)
				val[s] = substr(l, index(l, "=") + 1)
				seen[s] = 1
			} else if (l ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) {
				split(l, w, " ")
				seen[w[2]] = 1
			} else if (l ~ /^# Linux\/[^ ]+ [^ ]+ Kernel Configuration/) {
				split(l, w, " ")
				version[file] = w[3]
			}
		}
	}
	function enabled(v) { return v == "y" || v == "m" }
	function count(val,    s, n) { n = 0; for (s in val) if (enabled(val[s])) n++; return n }
	function modules(val,    s, n) { n = 0; for (s in val) if (val[s] == "m") n++; return n }
	function show(v, s) { return v != "" ? v : (type[s] == "bool" || type[s] == "tristate") ? "n" : "unset" }
	BEGIN {
		while ((getline l < symfile) > 0) { split(l, w, " "); type[w[1]] = w[2]; vis[w[1]] = w[3] }
		while ((getline l < reqfile) > 0) { split(l, w, " "); req[w[1]] = w[2] }
		while ((getline l < docfile) > 0) {
			if (l ~ /^[[:space:]]*(#|$)/) continue
			s = l; sub(/[[:space:]].*/, "", s)
			r = l; sub(/^[^[:space:]]+[[:space:]]+/, "", r)
			doc[s] = r
		}
		load(debfile, deb, debseen)
		load(ourfile, our, ourseen)
		for (s in deb) all[s] = 1
		for (s in our) all[s] = 1
		nsec = split("off here|built in at Debian, a module here|a module at Debian, built in here|another value|on here, off at Debian", secname, "|")
		for (s in all) {
			d = deb[s]; h = our[s]
			if (d == h)
				continue
			if (enabled(d) && !enabled(h)) sec = 1
			else if (d == "y" && h == "m") sec = 2
			else if (d == "m" && h == "y") sec = 3
			else if (enabled(h) && !enabled(d)) sec = 5
			else sec = 4
			if (s in doc) r = doc[s]
			else if (!(s in type)) r = "not in this kernel: gone or renamed upstream"
			else if (vis[s] == "hidden") r = "no prompt: it follows from the options that select it"
			else if (sec == 2 && type[s] == "tristate") r = "a module: no boot interface needs it built in (the rule in debian-differences)"
			else if (sec == 3 && type[s] == "bool") r = "a bool in this kernel, where on means built in"
			else if (sec == 3) r = "built in: an option that is built in selects it, or it is on by default"
			else if (sec == 5 && !(s in debseen)) r = "not in Debian'"'"'s config: new since its kernel, or behind options it leaves off"
			else if (sec == 4 && h == "") r = "shown only when the options it depends on are on"
			else if (sec == 4 && !(s in debseen)) r = "not in Debian'"'"'s config: new since its kernel, or behind options it leaves off"
			else if (sec >= 4 && (s in req)) r = "asked for in " req[s]
			else if (sec == 5) r = "this kernel'"'"'s default, which Debian'"'"'s config turns off"
			else r = ""
			line = sprintf("%s: Debian %s, here %s: %s", s, show(d, s), show(h, s), (r == "" ? "NO REASON" : r))
			print sec "|2|" line
			n[sec]++
			if (r == "") { print "7|2|" line; nbad++ }
			ndiff++
		}
		for (s in doc)
			if (!(s in all) || deb[s] == our[s])
				printf "8|2|%s: (debian-differences: %s does not differ for this kernel)\n", me, s
		printf "0|0|%s: this kernel (%s): %d options on, %d of them modules\n", me, ourfile, count(our), modules(our)
		printf "0|1|%s: Debian'"'"'s (Linux %s): %d options on, %d of them modules\n", me, version[debfile], count(deb), modules(deb)
		for (i = 1; i <= nsec; i++)
			printf "%d|0|\n%d|1|== %s (%d)\n", i, i, secname[i], n[i]
		printf "6|0|\n6|1|%s: %d differences, %d without a reason\n", me, ndiff, nbad
		if (nbad)
			printf "6|2|%s: give these a reason in debian-differences, or enable them:\n", me
		exit nbad ? 1 : 0
	}
' > "$work/report" && status=0 || status=$?
[ "$status" -le 1 ] || die "the comparison failed"

# The sections in order, each sorted by option name (headers first).
LC_ALL=C sort -t '|' -k1,1n -k2,2n -k3 "$work/report" | sed 's/^[0-9]*|[0-9]*|//'
[ "$check" -eq 1 ] && [ "$status" -eq 1 ] && exit 1
exit 0
