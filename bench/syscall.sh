#!/bin/sh
# A syscall loop and fork+exec inside the busybox test guest, this tree's
# kernel against Debian's linux.uml, the same guest and command line,
# both pinned to one CPU, boots alternated; timed inside the guest (its
# /proc/uptime, centiseconds, over loops long enough for that).
#
#   syscall loop: dd bs=1 from /dev/zero to /dev/null, one read and one
#                 write per byte, no fork: microseconds per syscall;
#   fork+exec:    /bin/true (the static busybox, by its path so that ash
#                 really forks and execs it) in a shell loop: ms each.
#
# usage: [RUNS=3] [QUICK=1] bench/syscall.sh BUILDDIR
#
# QUICK=1 runs shorter loops (less precise, the same figures).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_guest syscall "$@"
if [ -n "${QUICK:-}" ]; then
	bytes=20000 forks=50
else
	bytes=200000 forks=400
fi

# (the markers are split so that the console's echo of a line does not
# match them)
cat > "$scratch/guest.sh" <<GUEST
$(guest_clock)
t0=\$(cs); dd if=/dev/zero of=/dev/null bs=1 count=$bytes 2>/dev/null; t1=\$(cs)
echo "bench-""res syscall \$((t1 - t0))"
t0=\$(cs); i=0; while [ \$i -lt $forks ]; do /bin/true; i=\$((i + 1)); done; t1=\$(cs)
echo "bench-""res forkexec \$((t1 - t0))"
echo "bench-guest-""done"
halt -f
GUEST

# One boot of KERNEL (pinned to CPU 0); appends its two times (cs) to
# $scratch/TAG.syscall and $scratch/TAG.forkexec.
run_once() {
	log=$scratch/guest-$2.log
	pin=0 guest_script "$1" "$log" "$scratch/guest.sh" ||
		return 1
	for f in syscall forkexec; do
		sed -n "s/^bench-res $f \([0-9]*\).*/\1/p" "$log" >> "$scratch/$2.$f"
	done
}

rm -f "$scratch"/*.syscall "$scratch"/*.forkexec
i=0
while [ "$i" -lt "$runs" ]; do
	run_once "$ours" ours || die "this tree's kernel did not run the loops: see $scratch/guest-ours.log"
	if [ "$ref_status" = ok ]; then
		run_once "$ref" ref || ref_status="Debian's kernel did not run the loops: see $scratch/guest-ref.log"
	fi
	i=$((i + 1))
done

# us per syscall (two per byte) and ms per fork+exec, from median cs.
per() {
	awk -v cs="$(median < "$1")" -v n="$2" -v unit="$3" \
		'BEGIN { printf "%.2f", cs * 10 * unit / n }'
}
a_sys=$(per "$scratch/ours.syscall" $((bytes * 2)) 1000)
a_fork=$(per "$scratch/ours.forkexec" "$forks" 1)
printf 'inside the busybox guest, pinned to CPU 0, median of %s boots:\n' "$runs"
printf '  syscall (read/write of 1 byte): this tree %s us\n' "$a_sys"
printf '  fork+exec of /bin/true:         this tree %s ms\n' "$a_fork"
if [ "$ref_status" = ok ]; then
	b_sys=$(per "$scratch/ref.syscall" $((bytes * 2)) 1000)
	b_fork=$(per "$scratch/ref.forkexec" "$forks" 1)
	printf "  Debian's linux.uml: syscall %s us, fork+exec %s ms\n" "$b_sys" "$b_fork"
	bench_row "syscall loop, us per syscall" "$a_sys" "$b_sys" -
	bench_row "fork+exec, ms (pinned)" "$a_fork" "$b_fork" 0.50
else
	printf "  Debian's linux.uml: %s\n" "$ref_status"
	bench_row "syscall loop, us per syscall" "$a_sys" - - "$ref_status"
	bench_row "fork+exec, ms (pinned)" "$a_fork" - 0.50 "$ref_status"
fi
