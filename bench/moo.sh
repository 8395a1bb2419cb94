#!/bin/sh
# bench/moo.sh: uml_moo side by side with Debian's (uml-utilities
# 20070815) and with the physical floor, in one run, warm cache.
#
# usage: [UML_KERNEL=linux] [RUNS=3] [QUICK=1] [UML_BENCH_NO_GUEST=1] bench/moo.sh BUILDDIR [BACKING-IMAGE]
#
# QUICK=1: a 2 GiB backing image with 128 MiB of data and 30 MiB dirty.
#
# The case of the issue: a 16 GiB sparse backing image holding a guest
# system, and a COW into which a guest wrote 300 MiB.  Without
# BACKING-IMAGE a 16 GiB sparse image with 1.25 GiB of data in 1 MiB
# extents stands in for a Debian guest.  The 300 MiB are written by the
# busybox test guest (the kernel of BUILDDIR) through the COW, in 300
# 1 MiB writes spread over the disk.
#
# Timed (median of RUNS, default 3, after one warm-up run), each ending
# with its output on disk (ours fsyncs; Debian's and the floors are
# followed by an fsync of the file they wrote, inside the timing):
#   new-file merge: ours, Debian's, floor = cp of the result (holes kept,
#                   copy_file_range/reflink where it can)
#   -d merge:       ours, Debian's, floor = the COW's dirty runs, at their
#                   own offsets, copied into the backing file with one
#                   copy_file_range per 4 MiB of each run
# and checked: the outputs are cmp-equal, ours at least as sparse.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

[ $# -ge 1 ] || die "usage: $0 BUILDDIR [BACKING-IMAGE]"
build=$(cd "$1" && pwd)
image=${2:-}
runs=${RUNS:-3}
moo=$build/utils/cow/uml_moo
mkcow=$build/utils/cow/uml_mkcow
kernel=${UML_KERNEL:-$build/linux/build/linux}
rootfs=$build/testsuite/guest/rootfs.img
if [ ! -x "$moo" ] || [ ! -x "$mkcow" ]; then
	die "build the utilities first (make -C $build)"
fi
[ -n "${UML_BENCH_NO_GUEST:-}" ] || { [ -x "$kernel" ] && [ -r "$rootfs" ]; } ||
	die "build the kernel and the test guest first (make -C $build check_DATA)"

scratch=$build/bench-scratch/moo
if [ -n "${QUICK:-}" ]; then
	size_mib=2048 extents=128 dirty=30 tag=-quick
else
	size_mib=16384 extents=1280 dirty=300 tag=
fi
mkdir -p "$scratch"

# Debian's uml-utilities, extracted, never installed.
old=$scratch/debian-uml-utilities
if [ ! -x "$old/root/usr/bin/uml_moo" ]; then
	mkdir -p "$old"
	(cd "$old" && apt-get download uml-utilities >/dev/null 2>&1) ||
		die "apt-get download uml-utilities failed (run apt-get update?)"
	dpkg-deb -x "$old"/uml-utilities_*.deb "$old/root"
fi
oldmoo=$old/root/usr/bin/uml_moo

backing=$scratch/backing$tag.img
if [ -n "$image" ]; then
	cp --sparse=always "$image" "$backing"
elif [ ! -f "$backing" ]; then
	echo "making a $size_mib MiB sparse backing image with $extents MiB of data..."
	truncate -s "${size_mib}M" "$backing.tmp"
	i=0
	while [ $i -lt "$extents" ]; do
		# 1 MiB extents, denser at the start like a fresh install.
		off=$(( (i * i * 7 + i * 131) % (size_mib - size_mib / 40) ))
		head -c 1048576 /dev/urandom |
			dd of="$backing.tmp" bs=1M seek=$off conv=notrunc status=none
		i=$((i + 1))
	done
	mv "$backing.tmp" "$backing"
fi

cow=$scratch/disk$tag.cow
# The 300 MiB: 300 1 MiB runs, one every 54 MiB.
if [ ! -f "$cow" ] && [ -n "${UML_BENCH_NO_GUEST:-}" ]; then
	# Without a guest: the same runs written into the COW the way the
	# kernel lays them out (bitmap bytes at 8192, data at data_offset).
	echo "writing $dirty MiB into a COW directly (UML_BENCH_NO_GUEST)..."
	"$mkcow" "$cow" "$backing"
	doff=$("$build/utils/cow/uml_cow" info --json "$cow" |
		sed -n 's/.*"data_offset": \([0-9]*\).*/\1/p')
	i=0
	while [ $i -lt "$dirty" ]; do
		mib=$((i * 54 + 7))
		head -c 256 /dev/zero | tr '\000' '\377' |
			dd of="$cow" bs=256 oflag=seek_bytes seek=$((8192 + mib * 256)) \
				conv=notrunc status=none
		head -c 1048576 /dev/urandom |
			dd of="$cow" bs=1M oflag=seek_bytes seek=$((doff + mib * 1048576)) \
				conv=notrunc status=none
		i=$((i + 1))
	done
fi
if [ ! -f "$cow" ]; then
	echo "a guest writes $dirty MiB through a COW..."
	"$mkcow" "$cow" "$backing"
	mkdir -p "$scratch/run/tmp"
	# shellcheck disable=SC2016 # expanded by the guest's shell
	printf '%s\n' 'i=0; while [ $i -lt '"$dirty"' ]; do dd if=/dev/urandom of=/dev/ubdb bs=1M count=1 seek=$((i * 54 + 7)) conv=notrunc 2>/dev/null; i=$((i + 1)); done; sync; echo bench-"done" bench-guest-"done"; halt -f' \
		> "$scratch/run/guest.sh"
	# (guest_script boots $image: the test guest here)
	log=$scratch/guest.log
	image=$rootfs
	scratch=$scratch/run
	guest_script "$kernel" "$log" "$scratch/guest.sh" ubd1="$cow,$backing" || :
	scratch=$build/bench-scratch/moo
	grep -q bench-done "$scratch/guest.log" ||
		{ rm -f "$cow"; die "the guest did not finish writing (see $scratch/guest.log; UML_BENCH_NO_GUEST=1 writes the COW without one)"; }
fi

# time_ms FILE CMD...: run CMD and fsync FILE, print the wall time in ms.
time_ms() {
	out=$1
	shift
	t0=$(now_ms)
	"$@" > /dev/null 2>&1 || die "failed: $*"
	sync "$out" || die "fsync $out failed"
	t1=$(now_ms)
	echo $((t1 - t0))
}

# The -d floor: every dirty run of the COW written at its own offset of
# TARGET, 4 MiB at a time, nothing else read or written.
dirty_floor() {
	python3 - "$cow" "$1" "$(cat "$scratch/layout")" <<'PY'
import os, sys
cow, target, layout = sys.argv[1], sys.argv[2], sys.argv[3].split()
bm_off, data_off, sectors = (int(x) for x in layout)
src = os.open(cow, os.O_RDONLY)
dst = os.open(target, os.O_WRONLY)
bm = os.pread(src, (sectors + 7) // 8, bm_off)
def bit(i):
    return bm[i >> 3] >> (i & 7) & 1
i = 0
while i < sectors:
    if not bm[i >> 3]:
        i = (i | 7) + 1
        continue
    if not bit(i):
        i += 1
        continue
    j = i
    while j < sectors and bit(j):
        j += 1
    off, end = i * 512, j * 512
    while off < end:
        n = min(end - off, 4 << 20)
        done = os.copy_file_range(src, dst, n, data_off + off, off)
        if done <= 0:
            raise SystemExit("copy_file_range copied nothing")
        off += done
    i = j
os.close(dst)
PY
}

fresh_copy() {
	rm -f "$1"
	cp --sparse=always "$backing" "$1"
	touch -r "$backing" "$1"
}

# The dirty bytes, and the COW's layout for the -d floor.
"$build/utils/cow/uml_cow" info --json "$cow" > "$scratch/info.json"
dirty_mib=$(sed -n 's/.*"dirty_sectors": \([0-9]*\).*/\1/p' "$scratch/info.json")
dirty_mib=$(( (dirty_mib * 512 + 1048575) / 1048576 ))
for k in bitmap_offset data_offset sectors; do
	sed -n "s/.*\"$k\": \([0-9]*\).*/\1/p" "$scratch/info.json"
done | paste -s -d' ' > "$scratch/layout"

ours_new=; old_new=; floor_new=; ours_d=; old_d=; floor_d=
r=0
while [ $r -le "$runs" ]; do
	rm -f "$scratch/ours.img" "$scratch/old.img" "$scratch/floor.img"
	sync
	a=$(time_ms "$scratch/ours.img" "$moo" -q "$cow" "$scratch/ours.img")
	b=$(time_ms "$scratch/old.img" "$oldmoo" "$cow" "$scratch/old.img")
	c=$(time_ms "$scratch/floor.img" cp --sparse=auto --reflink=auto "$scratch/ours.img" "$scratch/floor.img")
	fresh_copy "$scratch/d-ours.img"
	fresh_copy "$scratch/d-old.img"
	fresh_copy "$scratch/d-floor.img"
	sync
	d=$(time_ms "$scratch/d-ours.img" "$moo" -q -d -b "$scratch/d-ours.img" "$cow")
	# (the old tool takes "-b FILE -d COW" as COW "-d": -d must come first)
	e=$(time_ms "$scratch/d-old.img" "$oldmoo" -d -b "$scratch/d-old.img" "$cow")
	f=$(time_ms "$scratch/d-floor.img" dirty_floor "$scratch/d-floor.img")
	if [ $r -gt 0 ]; then	# run 0 warms the cache
		ours_new="$ours_new $a"; old_new="$old_new $b"; floor_new="$floor_new $c"
		ours_d="$ours_d $d"; old_d="$old_d $e"; floor_d="$floor_d $f"
	fi
	r=$((r + 1))
done

# shellcheck disable=SC2086 # one number per word
med() { printf '%s\n' $1 | median; }
on=$(med "$ours_new"); bn=$(med "$old_new"); fn=$(med "$floor_new")
od=$(med "$ours_d"); bd=$(med "$old_d"); fd=$(med "$floor_d")

cmp "$scratch/ours.img" "$scratch/old.img" && same_new=yes || same_new=NO
cmp "$scratch/d-ours.img" "$scratch/d-old.img" && same_d=yes || same_d=NO
cmp "$scratch/d-ours.img" "$scratch/ours.img" && same_nd=yes || same_nd=NO
cmp "$scratch/d-floor.img" "$scratch/ours.img" && same_fl=yes || same_fl=NO
alloc() { du -k "$1" | cut -f1; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

cat <<EOT

uml_moo: $(du -h --apparent-size "$backing" | cut -f1) backing ($(alloc "$backing") KiB allocated), COW with $dirty_mib MiB dirty; median of $runs warm runs (ms)

                   ours     Debian's    floor    ours/Debian's  ours/floor
new-file merge   $(printf '%7s %11s %8s' "$on" "$bn" "$fn")    $(printf '%8s %12s' "$(ratio "$on" "$bn")" "$(ratio "$on" "$fn")")
-d merge         $(printf '%7s %11s %8s' "$od" "$bd" "$fd")    $(printf '%8s %12s' "$(ratio "$od" "$bd")" "$(ratio "$od" "$fd")")

speed-up over Debian's: new-file $(ratio "$bn" "$on")x, -d $(ratio "$bd" "$od")x
outputs cmp-equal: new-file $same_new, -d $same_d, -d vs new-file $same_nd, -d floor vs new-file $same_fl
allocated KiB: ours $(alloc "$scratch/ours.img"), Debian's $(alloc "$scratch/old.img"), cp $(alloc "$scratch/floor.img")
EOT
bench_row "uml_moo new-file merge, ms" "$on" "$bn" - "Debian's column: uml-utilities' uml_moo"
bench_row "uml_moo new-file merge vs copy floor, ms" "$on" "$fn" 1.2 "Debian's column: the copy floor (cp)"
bench_row "uml_moo -d merge vs its floor, ms" "$od" "$fd" 1.2 "Debian's column: the floor (copy_file_range of the dirty runs); Debian's uml_moo $bd ms"
