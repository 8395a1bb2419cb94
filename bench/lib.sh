# shellcheck shell=sh
# Helpers shared by the bench scripts (sourced).
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

now_ms() {
	date +%s%3N
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# Extract Debian's user-mode-linux package into DIR (once); print its root.
debian_uml() {
	dir=$1/debian-uml
	if [ ! -x "$dir/root/usr/bin/linux.uml" ]; then
		mkdir -p "$dir"
		# The archive's version: this package's own (epoch 1:), once
		# installed, is apt's candidate but cannot be downloaded.
		v=$(apt-cache madison user-mode-linux | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
		(cd "$dir" && apt-get download "user-mode-linux${v:+=$v}" >"$dir/download.log" 2>&1) ||
			die "apt-get download user-mode-linux failed (run apt-get update?)"
		dpkg-deb -x "$dir"/user-mode-linux_*.deb "$dir/root"
	fi
	echo "$dir/root"
}

# bench_build BUILDDIR: sets build (BUILDDIR, absolute), ours (the kernel
# it built, which must be there) and image (the busybox test guest, made
# when it is missing) for the script that calls it.
# shellcheck disable=SC2034 # build, ours, image: the caller's
bench_build() {
	build=$(cd "$1" && pwd)
	ours=$build/linux/build/linux
	image=$build/testsuite/guest/rootfs.img
	[ -x "$ours" ] || die "no kernel at $ours: run make in $build"
	[ -f "$image" ] || make -C "$build" testsuite/guest/rootfs.img >/dev/null
}

# bench_start "BUILDDIR [MORE]..." "$@": the script's arguments, checked
# against its usage (the bracketed words are optional), then bench_build
# on the first.
bench_start() {
	bs_usage=$1
	shift
	bs_min=0 bs_max=0
	for bs_word in $bs_usage; do
		bs_max=$((bs_max + 1))
		case $bs_word in
		\[*) ;;
		*) bs_min=$((bs_min + 1)) ;;
		esac
	done
	if [ $# -lt "$bs_min" ] || [ $# -gt "$bs_max" ]; then
		die "usage: $0 $bs_usage"
	fi
	bench_build "$1"
}

# bench_scratch keep|fresh NAME [SUBDIR]...: sets scratch, this bench's
# directory under $build/bench-scratch (NAME "" for that directory
# itself), emptied first when fresh, and makes it with its SUBDIRs.
bench_scratch() {
	scratch=$build/bench-scratch${2:+/$2}
	[ "$1" = keep ] || rm -rf "$scratch"
	shift 2
	mkdir -p "$scratch"
	for bs_sub in "$@"; do
		mkdir -p "$scratch/$bs_sub"
	done
}

# bench_util PATH: $build/PATH, a utility that must have been built.
bench_util() {
	[ -x "$build/$1" ] || die "no ${1##*/} at $build/$1: run make in $build"
	echo "$build/$1"
}

# bench_root WHY: this bench runs only as root, for WHY.
bench_root() {
	[ "$(id -u)" -eq 0 ] || die "needs root ($1)"
}

# bench_net WHY "$@": the start of an iperf3 bench, run as root for WHY:
# its arguments BUILDDIR [SECONDS] [ROUNDS] (bench_start), secs (default
# 10), rounds (default 3) and iperf (bench_iperf).
# shellcheck disable=SC2034 # secs, rounds, iperf: the caller's
bench_net() {
	bench_root "$1"
	shift
	bench_start "BUILDDIR [SECONDS] [ROUNDS]" "$@"
	secs=${2:-10}
	rounds=${3:-3}
	iperf=$(bench_iperf)
}

# bench_iperf: the host's iperf3.
bench_iperf() {
	command -v iperf3 || die "no iperf3 on the host: apt-get install iperf3"
}

# bench_guest NAME "$@": the start of a bench of the busybox test guest,
# this tree's kernel against Debian's: its one argument BUILDDIR
# (bench_start), scratch $build/bench-scratch/NAME (kept), ref and
# ref_status (bench_debian), runs (RUNS, default 3).
# shellcheck disable=SC2034 # runs: the caller's
bench_guest() {
	bg_name=$1
	shift
	bench_start BUILDDIR "$@"
	bench_scratch keep "$bg_name"
	bench_debian
	runs=${RUNS:-3}
}

# bench_boot_ms KERNEL UMID LOG: boots the busybox test guest once with
# KERNEL (TMPDIR and uml_dir in $scratch), its console output in LOG;
# prints the milliseconds from exec to the kernel's exit, or prints
# nothing and fails when it did not reach init and exit cleanly.
bench_boot_ms() {
	bb_t0=$(now_ms)
	TMPDIR=$scratch/tmp "$1" umid="$2" uml_dir="$scratch/uml" mem=64M \
		ubd0r="$image" root=/dev/ubda ro init=/init uml_test_halt=1 \
		con0=null,fd:1 con=null ssl=null > "$3" 2>&1 </dev/null || return 1
	bb_t1=$(now_ms)
	grep -q 'uml-test: init done' "$3" || return 1
	echo $((bb_t1 - bb_t0))
}

# bench_image_cache TOOL: mkuml-image's debootstrap cache directory for
# the script TOOL, keyed as testsuite/lib/uml-image.exp keys it.
bench_image_cache() {
	_c=${UML_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/user-mode-linux}
	echo "$_c/mkuml-image-$(sha256sum "$1" | cut -c1-16)"
}

# bench_debian: sets ref, Debian's linux.uml (extracted once under
# $build/bench-scratch), and ref_status, debian_status's answer for it.
# shellcheck disable=SC2034 # ref, ref_status: the caller's
bench_debian() {
	ref=$(debian_uml "$build/bench-scratch")/usr/bin/linux.uml
	ref_status=$(debian_status "$ref" "$image" "$build/bench-scratch")
}

# The result line bench/run.sh collects, one per figure:
#   BENCH figure|ours|debian|ratio|target|note
# OURS and DEBIAN are numbers or, when there is no number, "-" with the
# reason in NOTE; the ratio ours/Debian is computed here, only from two
# numbers.  TARGET is issue 19's ("-" when it sets none).
bench_row() {
	b_fig=$1 b_ours=$2 b_ref=$3 b_target=${4:--} b_note=${5:-}
	b_ratio=$(awk -v a="$b_ours" -v b="$b_ref" 'BEGIN {
		num = "^[0-9]+([.][0-9]+)?$"
		if (a ~ num && b ~ num && b + 0 > 0) printf "%.2f", a / b; else print "-" }')
	printf 'BENCH %s|%s|%s|%s|%s|%s\n' "$b_fig" "$b_ours" "$b_ref" "$b_ratio" "$b_target" "$b_note"
}

# Whether Debian's linux.uml (from debian_uml) runs on this host: boots
# the busybox test guest IMAGE to init and back, once per scratch
# directory DIR.  Prints "ok" or the reason it cannot run.
debian_status() {
	ds_kernel=$1 ds_image=$2 ds_dir=$3
	if [ ! -s "$ds_dir/debian-status" ]; then
		mkdir -p "$ds_dir/tmp"
		ds_log=$ds_dir/debian-status.log
		if TMPDIR=$ds_dir/tmp timeout 300 "$ds_kernel" umid="bench-ds-$$" \
			uml_dir="$ds_dir/uml" mem=64M ubd0r="$ds_image" root=/dev/ubda ro \
			init=/init uml_test_halt=1 con0=null,fd:1 con=null ssl=null \
			> "$ds_log" 2>&1 </dev/null && grep -q 'uml-test: init done' "$ds_log"; then
			echo ok
		elif grep -q 'ptrace set fp regs failed' "$ds_log"; then
			echo "Debian's kernel cannot run on this CPU ($(sed -n 's/.*\(ptrace set fp regs failed[^[:cntrl:]]*\).*/\1/p' "$ds_log" | head -n 1))"
		else
			echo "Debian's kernel did not boot the test guest (see $ds_log)"
		fi > "$ds_dir/debian-status.tmp"
		mv "$ds_dir/debian-status.tmp" "$ds_dir/debian-status"
	fi
	cat "$ds_dir/debian-status"
}

# Prints the text of a shell function for the guest scripts below: cs,
# centiseconds since boot, inside a guest (busybox date has no %N).
guest_clock() {
	# shellcheck disable=SC2016 # expanded by the guest's shell
	echo 'cs() { read -r up _ < /proc/uptime; echo $((${up%.*} * 100 + 1${up#*.} - 100)); }'
}

# wait_log PATTERN LOG TRIES SECONDS: until LOG has a line matching
# PATTERN, at most TRIES times SECONDS (and no failure when it never does).
wait_log() {
	wl_n=0
	while ! grep -q "$1" "$2" && [ $wl_n -lt "$3" ]; do
		sleep "$4"
		wl_n=$((wl_n + 1))
	done
}

# guest_script KERNEL LOG SCRIPT [KERNEL-ARGS...]: boot the busybox test
# guest ($image, read-only) under KERNEL with the shell script SCRIPT on
# its console, which must end the guest (halt -f) after printing
# bench-guest-done; its console goes to LOG.  Uses $scratch for TMPDIR
# and uml_dir; pinned to the CPUs $pin when it is set.  Fails when the
# guest does not run to the end within 600 s.
# shellcheck disable=SC2154,SC2094 # $scratch, $image: the caller's; the log is polled
guest_script() {
	gs_kernel=$1 gs_log=$2 gs_script=$3
	shift 3
	mkdir -p "$scratch/tmp"
	set -- timeout 660 "$gs_kernel" "$@"
	[ -z "${pin:-}" ] || set -- taskset -c "$pin" "$@"
	: > "$gs_log"
	# The script goes in once the shell runs (typed-ahead input before
	# the shell starts is lost); the pipe stays open until the guest is
	# done.
	{
		wait_log 'uml-test: init done' "$gs_log" 240 0.5
		sleep 1
		cat "$gs_script"
		wait_log 'bench-guest-done' "$gs_log" 600 1
		sleep 2
	} | TMPDIR=$scratch/tmp "$@" umid="bench-gs-$$" \
		uml_dir="$scratch/uml" mem=128M ubd0r="$image" root=/dev/ubda ro \
		init=/init con0=fd:0,fd:1 con=null ssl=null >> "$gs_log" 2>&1 || :
	grep -q 'bench-guest-done' "$gs_log"
}
