#!/bin/sh
# Boot time of this tree's kernel against Debian's linux.uml, side by side,
# on the same busybox test guest: kernel start -> guest init -> halt -> exit.
#
# usage: bench/boot-time.sh BUILDDIR [RUNS]
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_start "BUILDDIR [RUNS]" "$@"
runs=${2:-7}
bench_scratch keep "" tmp
ref=$(debian_uml "$scratch")/usr/bin/linux.uml

# One boot: milliseconds from exec to the kernel's exit.  Prints nothing and
# fails when the kernel does not reach init and exit cleanly.
boot_once() {
	bench_boot_ms "$1" "bench-$$" "$scratch/boot-$(basename "$1").log"
}

# Why a kernel failed, from its console log.
why() {
	log=$scratch/boot-$(basename "$1").log
	grep -m 1 'errno = ' "$log" || grep -m 1 'Kernel panic' "$log" ||
		grep -m 1 -E 'failed|error' "$log" || echo "see $log"
}

# Both kernels get the same command line; their runs alternate, after one
# warm-up boot each (page cache), so that load on the host falls on both.
boot_once "$ours" >/dev/null || die "this tree's kernel did not boot: $(why "$ours")"
ref_ok=yes
boot_once "$ref" >/dev/null || ref_ok=no
: > "$scratch/times-ours"
: > "$scratch/times-ref"
i=0
while [ "$i" -lt "$runs" ]; do
	boot_once "$ours" >> "$scratch/times-ours" ||
		die "this tree's kernel did not boot: $(why "$ours")"
	if [ "$ref_ok" = yes ]; then
		boot_once "$ref" >> "$scratch/times-ref" || ref_ok=no
	fi
	i=$((i + 1))
done

printf 'boot to init and exit, median of %s alternated runs:\n' "$runs"
a=$(median < "$scratch/times-ours")
printf '  this tree: %s ms\n' "$a"
if [ "$ref_ok" = yes ]; then
	b=$(median < "$scratch/times-ref")
	printf "  Debian's linux.uml: %s ms\n" "$b"
	printf '  ratio ours/Debian: %s\n' "$(echo "scale=2; $a / $b" | bc)"
	bench_row "busybox boot to init and exit, ms" "$a" "$b" -
else
	printf "  Debian's linux.uml: does not boot on this host (%s); no ratio\n" "$(why "$ref")"
	reason=$(debian_status "$ref" "$image" "$scratch")
	bench_row "busybox boot to init and exit, ms" "$a" - - "$reason"
fi
