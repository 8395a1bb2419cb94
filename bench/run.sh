#!/bin/sh
# Run every benchmark in bench/ against Debian's kernel and utilities
# (extracted into a scratch directory, never installed) and print one
# table: figure, ours, Debian's, ratio ours/Debian's, target (issue 19).
# A figure that cannot be measured here is a row saying why, never a
# number.
#
# usage: [RUNS=3] [QUICK=1] [N=4] bench/run.sh BUILDDIR
#
# RUNS: runs of each side (alternated inside each script); QUICK=1: the
# shortest loops, no cold builds (no cold debootstrap, no kernel build),
# a small uml_moo case, 2-second network runs; N: guests for density.
# Each script's output is kept in BUILDDIR/bench-scratch/run/NAME.log.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: $0 BUILDDIR"
build=$(cd "$1" && pwd)
[ -f "$build/Makefile" ] || die "$build is not a configured build directory"
RUNS=${RUNS:-3}
case $RUNS in
'' | *[!0-9]* | 0) die "RUNS must be a positive number, not '$RUNS'" ;;
esac
QUICK=${QUICK:-}
export RUNS QUICK
if [ -n "$QUICK" ]; then
	secs=2 rounds=1
else
	secs=10 rounds=$RUNS
fi
logs=$build/bench-scratch/run
mkdir -p "$logs"
results=$logs/results
: > "$results"

# bench NAME FIGURE SCRIPT ARGS...: run one script, collect its BENCH
# lines; when it gives none, one row for FIGURE with its last error.
bench() {
	name=$1 fig=$2
	shift 2
	log=$logs/$name.log
	printf '%s: running %s...\n' "${0##*/}" "$name" >&2
	status=0
	"$@" > "$log" 2>&1 </dev/null || status=$?
	if grep -q '^BENCH ' "$log"; then
		sed -n 's/^BENCH //p' "$log" >> "$results"
	else
		why=$(grep -m 1 ': error: ' "$log" | sed 's/^[^:]*: error: //')
		[ -n "$why" ] || why="$name exited with status $status, no result (see $log)"
		skip "$fig" "not measured: $why"
	fi
}

# skip FIGURE REASON: a row without numbers.
skip() {
	printf '%s|-|-|-|-|%s\n' "$1" "$2" >> "$results"
}

root=yes
[ "$(id -u)" -eq 0 ] || root=no

bench boot-time "busybox boot to init and exit, ms" \
	sh "$here/boot-time.sh" "$build" "$RUNS"
bench umlctl-boot "busybox boot via umlctl start, ms" \
	sh "$here/umlctl-boot.sh" "$build" "$RUNS"
if [ $root = yes ]; then
	bench image "Debian guest boot to login, ms" sh "$here/image.sh" "$build" "$RUNS"
else
	skip "Debian guest boot to login, ms" "not measured: mkuml-image needs root"
fi
bench syscall "syscall loop and fork+exec" sh "$here/syscall.sh" "$build"
if [ $root = no ]; then
	skip "host syscalls per guest fork+exec" "not measured: perf needs root for the tracepoints"
elif ! command -v perf >/dev/null 2>&1; then
	skip "host syscalls per guest fork+exec" "not measured: no perf (apt-get install linux-perf)"
else
	bench hostcalls "host syscalls per guest fork+exec" sh "$here/hostcalls.sh" "$build"
fi
bench io "ubd I/O" sh "$here/io.sh" "$build"
if [ $root = yes ]; then
	bench net "vector tap guest to host, Mbit/s" \
		sh "$here/net.sh" "$build" "$secs" "$rounds"
	bench switch "uml_switch guest to guest, Mbit/s" \
		sh "$here/switch.sh" "$build" "$secs" "$rounds"
else
	skip "vector tap guest to host, Mbit/s" "not measured: needs root (taps, namespaces)"
	skip "uml_switch guest to guest, Mbit/s" "not measured: needs root (a namespace)"
fi
bench moo "uml_moo merges" sh "$here/moo.sh" "$build"
bench density "density, host MiB per idle guest" sh "$here/density.sh" "$build"
if [ -n "$QUICK" ]; then
	skip "cold kernel+modules build, s" "not measured: QUICK (a cold build takes many minutes)"
elif [ -L "$build/linux/build" ]; then
	skip "cold kernel+modules build, s" "not measured: a prebuilt kernel (--with-prebuilt-kernel), no kernel build here"
else
	bench build-time "cold kernel+modules build, s" \
		sh "$here/build-time.sh" --reference "$build"
fi

# The table; long reasons become numbered notes under it.
echo
printf 'bench/run.sh: %s run(s) each%s, on %s CPUs, load %s\n' "$RUNS" \
	"${QUICK:+, QUICK}" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
awk -F'|' '
{
	fig[NR] = $1; ours[NR] = $2; ref[NR] = $3; ratio[NR] = $4; tgt[NR] = $5
	if ($6 != "") {
		if (!($6 in id)) { id[$6] = ++notes; text[notes] = $6 }
		mark[NR] = "[" id[$6] "]"
	}
}
END {
	fmt = "%-58s %9s %9s %6s %6s %s\n"
	printf fmt, "figure", "ours", "Debian'"'"'s", "ratio", "target", "note"
	for (i = 1; i <= NR; i++)
		printf fmt, fig[i], ours[i], ref[i], ratio[i], tgt[i], mark[i]
	print ""
	for (k = 1; k <= notes; k++)
		printf "[%d] %s\n", k, text[k]
}' "$results"
