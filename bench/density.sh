#!/bin/sh
# Density: N busybox test guests at once, each mem=256M with its own COW
# over one shared backing image, all reaching init and all answering
# `uml_mconsole version`; then, idle, the host memory per guest (the sum
# of the proportional set sizes, Pss, of every host process of the
# guests, their physical memory files included), this tree's kernel
# against Debian's linux.uml.
#
# usage: [N=4] bench/density.sh BUILDDIR
#
# The busybox guest stands in for issue 19's Debian (systemd) guests;
# the target there (100 Debian guests) is not what this measures.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_start BUILDDIR "$@"
n=${N:-4}
case $n in
'' | *[!0-9]* | 0) die "N must be a positive number, not '$n'" ;;
esac
mconsole=$(bench_util utils/mconsole/uml_mconsole)
bench_scratch fresh density tmp uml
mkfifo "$scratch/console"
bench_debian

umids=
stop_all() {
	for u in $umids; do
		"$mconsole" -u "$scratch/uml" -t 2 "$u" halt >/dev/null 2>&1 || :
	done
	sleep 2
	for u in $umids; do
		if [ -s "$scratch/uml/$u/pid" ]; then
			kill -KILL "$(cat "$scratch/uml/$u/pid")" 2>/dev/null || :
		fi
	done
	umids=
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# run_set KERNEL TAG: start N guests, wait for each to reach init and
# answer mconsole, then measure; prints KiB of Pss per guest, or fails
# with the reason in $scratch/why.
run_set() {
	kernel=$1 tag=$2
	i=1
	while [ "$i" -le "$n" ]; do
		u=bench-dens-$$-$tag-$i
		umids="$umids $u"
		rm -f "$scratch/$u.cow"
		# The console reads a fifo nobody writes to: the shell waits.
		TMPDIR=$scratch/tmp "$kernel" umid="$u" uml_dir="$scratch/uml" \
			mem=256M ubd0="$scratch/$u.cow,$image" root=/dev/ubda rw \
			init=/init con0=fd:0,fd:1 con=null ssl=null \
			<> "$scratch/console" > "$scratch/$u.log" 2>&1 &
		i=$((i + 1))
	done
	for u in $umids; do
		t=0
		until grep -q 'uml-test: init done' "$scratch/$u.log"; do
			if [ "$t" -ge 600 ]; then
				echo "$u did not reach init in 300 s (see $scratch/$u.log)" > "$scratch/why"
				return 1
			fi
			sleep 0.5
			t=$((t + 1))
		done
		"$mconsole" -u "$scratch/uml" "$u" version > "$scratch/$u.version" 2>&1 || {
			echo "$u did not answer uml_mconsole version (see $scratch/$u.version)" > "$scratch/why"
			return 1
		}
	done
	sleep 5	# idle
	kib=0
	for u in $umids; do
		for p in $(pgrep -f "umid=$u( |$)"); do
			k=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || :)
			kib=$((kib + ${k:-0}))
		done
	done
	stop_all
	echo $((kib / n))
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
a=$(run_set "$ours" ours) || die "this tree's kernel: $(cat "$scratch/why")"
printf '%s busybox guests, mem=256M, one COW each over one backing image:\n' "$n"
printf '  this tree: all at init and answering mconsole; %s MiB Pss per idle guest\n' "$(mib "$a")"
label="density: host MiB per idle guest ($n busybox, mem=256M)"
if [ "$ref_status" = ok ]; then
	if b=$(run_set "$ref" ref); then
		printf "  Debian's linux.uml: %s MiB per idle guest\n" "$(mib "$b")"
		bench_row "$label" "$(mib "$a")" "$(mib "$b")" - "issue target: 100 Debian guests (not measured here)"
	else
		bench_row "$label" "$(mib "$a")" - - "Debian's kernel: $(cat "$scratch/why")"
	fi
else
	printf "  Debian's linux.uml: %s\n" "$ref_status"
	bench_row "$label" "$(mib "$a")" - - "$ref_status"
fi
