#!/bin/sh
# ubd I/O inside the busybox test guest, on a raw disk image and on a COW
# over the same image, this tree's kernel against Debian's linux.uml, the
# same guest and command line, boots alternated, timed inside the guest:
#
#   1 MiB sequential read and write (MiB/s): one dd with O_DIRECT;
#   4 KiB random read and write (ms per op): one dd with O_DIRECT per op,
#     at a random 4 KiB block, dd's own start (fork+exec) included; the
#     same loop of dd with count=0 is given beside it.  (Subtracting it
#     does not work: dd's start is milliseconds, the 4 KiB op tens of
#     microseconds, lost in its noise.  A one-process tool, fio, would
#     measure the op itself; the guest has none.)
#
# The guest has no fio (and the host's would have to be run through
# hostfs): dd it is, busybox's, with iflag/oflag=direct.  Each COW run
# starts from a fresh COW file (the kernel makes it).  The disk image is
# written in full first (no holes), and stays in the host's page cache.
#
# usage: [RUNS=3] [QUICK=1] bench/io.sh BUILDDIR
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_guest io "$@"
if [ -n "${QUICK:-}" ]; then
	mib=32 ops=100
else
	mib=256 ops=400
fi

disk=$scratch/disk-$mib.img
if [ ! -f "$disk" ]; then
	dd if=/dev/zero of="$disk.tmp" bs=1M count="$mib" status=none
	mv "$disk.tmp" "$disk"
fi
blocks=$((mib * 256))

# (markers split so that the console's echo does not match them)
cat > "$scratch/guest.sh" <<GUEST
$(guest_clock)
d=/dev/ubdb
r() { echo "bench-""res \$1 \$((\$(cs) - t0))"; }
t0=\$(cs); dd if=\$d of=/dev/null bs=1M count=$mib iflag=direct 2>/dev/null; r seqread
t0=\$(cs); dd if=/dev/zero of=\$d bs=1M count=$mib oflag=direct conv=notrunc 2>/dev/null; r seqwrite
t0=\$(cs); i=0; while [ \$i -lt $ops ]; do dd if=\$d of=/dev/null bs=4k count=0 iflag=direct 2>/dev/null; i=\$((i + 1)); done; r base
t0=\$(cs); i=0; while [ \$i -lt $ops ]; do dd if=\$d of=/dev/null bs=4k count=1 skip=\$((RANDOM % $blocks)) iflag=direct 2>/dev/null; i=\$((i + 1)); done; r randread
t0=\$(cs); i=0; while [ \$i -lt $ops ]; do dd if=/dev/zero of=\$d bs=4k count=1 seek=\$((RANDOM % $blocks)) oflag=direct conv=notrunc 2>/dev/null; i=\$((i + 1)); done; r randwrite
echo "bench-guest-""done"
halt -f
GUEST

figs="seqread seqwrite base randread randwrite"
# run_once KERNEL TAG MODE: one boot, MODE raw or cow; appends each
# figure's centiseconds to $scratch/TAG-MODE.FIGURE.
run_once() {
	log=$scratch/guest-$2-$3.log
	if [ "$3" = cow ]; then
		rm -f "$scratch/disk.cow"
		set -- "$1" "$2" "$3" "ubd1=$scratch/disk.cow,$disk"
	else
		set -- "$1" "$2" "$3" "ubd1=$disk"
	fi
	guest_script "$1" "$log" "$scratch/guest.sh" "$4" || return 1
	for f in $figs; do
		sed -n "s/^bench-res $f \([0-9]*\).*/\1/p" "$log" >> "$scratch/$2-$3.$f"
	done
}

rm -f "$scratch"/*.seqread "$scratch"/*.seqwrite "$scratch"/*.base \
	"$scratch"/*.randread "$scratch"/*.randwrite
i=0
while [ "$i" -lt "$runs" ]; do
	for mode in raw cow; do
		run_once "$ours" ours "$mode" ||
			die "this tree's kernel did not run the I/O: see $scratch/guest-ours-$mode.log"
		if [ "$ref_status" = ok ]; then
			run_once "$ref" ref "$mode" ||
				ref_status="Debian's kernel did not run the I/O: see $scratch/guest-ref-$mode.log"
		fi
	done
	i=$((i + 1))
done

# figure TAG MODE FIG: MiB/s for the sequential ones, ms per op for the
# random ones and the count=0 loop (base).
figure() {
	cs=$(median < "$scratch/$1-$2.$3")
	case $3 in
	seq*) awk -v cs="$cs" -v m="$mib" 'BEGIN { if (cs > 0) printf "%.1f", m * 100 / cs; else print "-" }' ;;
	*) awk -v cs="$cs" -v n="$ops" 'BEGIN { printf "%.2f", cs * 10 / n }' ;;
	esac
}
printf 'ubd I/O inside the busybox guest (dd, O_DIRECT), %s MiB disk, median of %s boots:\n' "$mib" "$runs"
for mode in raw cow; do
	for f in seqread seqwrite randread randwrite; do
		case $f in
		seqread) label="1 MiB sequential read, MiB/s" ;;
		seqwrite) label="1 MiB sequential write, MiB/s" ;;
		randread) label="4 KiB random read, ms/op (incl. dd start)" ;;
		randwrite) label="4 KiB random write, ms/op (incl. dd start)" ;;
		esac
		if [ "$mode" = cow ]; then label="ubd+COW $label"; else label="ubd $label"; fi
		a=$(figure ours "$mode" "$f")
		note="dd, O_DIRECT"
		case $f in
		rand*) note="$note; dd with count=0: $(figure ours "$mode" base) ms/op" ;;
		esac
		if [ "$ref_status" = ok ]; then
			bench_row "$label" "$a" "$(figure ref "$mode" "$f")" - "$note"
		else
			bench_row "$label" "$a" - - "$note; $ref_status"
		fi
	done
done
