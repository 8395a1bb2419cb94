#!/bin/sh
# Boot time of the busybox test guest started through umlctl (pinned to
# one CPU, TMPDIR on /dev/shm: umlctl's defaults) against the same kernel
# started as plain `linux` (unpinned, TMPDIR in the build tree), side by
# side: start -> guest init -> halt -> exit.
#
# usage: bench/umlctl-boot.sh BUILDDIR [RUNS]
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_start "BUILDDIR [RUNS]" "$@"
runs=${2:-7}
umlctl=$(bench_util utils/umlctl/umlctl)
bench_scratch fresh umlctl etc run tmp uml
name=bench-$$
cat > "$scratch/etc/$name.conf" <<CONF
kernel = $ours
mem = 64M
disk0 = $image ro
args = ro init=/init uml_test_halt=1
CONF
# As root, umlctl runs a guest as an account of its own: as root here,
# like the plain kernel it is compared with.
[ "$(id -u)" -ne 0 ] || echo 'user = root' >> "$scratch/etc/$name.conf"
export UMLCTL_CONFIG_DIR="$scratch/etc" UMLCTL_RUN_DIR="$scratch/run"

# One boot: milliseconds from start to exit, or failure when the guest
# did not reach init.
boot_umlctl() {
	t0=$(now_ms)
	"$umlctl" start "$name" > "$scratch/umlctl.log" 2>&1 </dev/null || return 1
	t1=$(now_ms)
	grep -q 'uml-test: init done' "$scratch/umlctl.log" || return 1
	echo $((t1 - t0))
}

boot_plain() {
	bench_boot_ms "$ours" "$name" "$scratch/plain.log"
}

# Alternate the two so that both see the same load.
boot_umlctl >/dev/null || die "umlctl start failed: see $scratch/umlctl.log"
boot_plain >/dev/null || die "plain linux failed: see $scratch/plain.log"
: > "$scratch/a"
: > "$scratch/b"
i=0
while [ "$i" -lt "$runs" ]; do
	boot_umlctl >> "$scratch/a" || die "umlctl start failed: see $scratch/umlctl.log"
	boot_plain >> "$scratch/b" || die "plain linux failed: see $scratch/plain.log"
	i=$((i + 1))
done
a=$(median < "$scratch/a")
b=$(median < "$scratch/b")
cpus=$(getconf _NPROCESSORS_ONLN)
printf 'boot to init and exit on %s CPUs, median of %s runs each:\n' "$cpus" "$runs"
printf '  umlctl start (pinned, TMPDIR=/dev/shm): %s ms\n' "$a"
printf '  plain linux (unpinned):                 %s ms\n' "$b"
printf '  ratio umlctl/plain: %s\n' "$(echo "scale=2; $a / $b" | bc)"
bench_row "busybox boot via umlctl start, ms" "$a" - - \
	"no Debian column: compares with plain linux on this tree ($b ms)"
