#!/bin/sh
# Boot time of this tree's kernel against Debian's linux.uml, side by side,
# on the same busybox test guest: kernel start -> guest init -> halt -> exit.
#
# usage: bench/boot-time.sh BUILDDIR [RUNS]
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

[ $# -ge 1 ] || die "usage: $0 BUILDDIR [RUNS]"
build=$(cd "$1" && pwd)
runs=${2:-7}
ours=$build/linux/build/linux
image=$build/testsuite/guest/rootfs.img
[ -x "$ours" ] || die "no kernel at $ours: run make in $build"
[ -f "$image" ] || make -C "$build" testsuite/guest/rootfs.img >/dev/null
scratch=$build/bench-scratch
mkdir -p "$scratch/tmp"
ref=$(debian_uml "$scratch")/usr/bin/linux.uml

# One boot: milliseconds from exec to the kernel's exit, and to init.
boot_once() {
	kernel=$1
	log=$scratch/boot.log
	t0=$(now_ms)
	TMPDIR=$scratch/tmp "$kernel" umid="bench-$$" uml_dir="$scratch/uml" mem=64M \
		ubd0r="$image" root=/dev/ubda ro init=/init uml_test_halt=1 \
		con0=null,fd:1 con=null ssl=null > "$log" 2>&1 </dev/null ||
		die "$kernel did not exit cleanly; see $log"
	t1=$(now_ms)
	grep -q 'uml-test: init done' "$log" || die "$kernel did not reach init; see $log"
	echo $((t1 - t0))
}

measure() {
	i=0
	while [ "$i" -lt "$runs" ]; do
		boot_once "$1"
		i=$((i + 1))
	done | median
}

boot_once "$ours" >/dev/null	# warm the page cache for both
boot_once "$ref" >/dev/null
a=$(measure "$ours")
b=$(measure "$ref")
printf 'boot to init and exit, median of %s runs:\n' "$runs"
printf '  this tree (%s): %s ms\n' "$("$ours" --version 2>/dev/null | head -n 1)" "$a"
printf '  Debian linux.uml (%s): %s ms\n' "$("$ref" --version 2>/dev/null | head -n 1)" "$b"
printf '  ratio ours/Debian: %s\n' "$(echo "scale=2; $a / $b" | bc)"
