#!/bin/sh
# Where a guest's fork+exec goes, counted on the host: for each kernel,
# the busybox test guest runs /bin/true N times in a shell loop under
# `perf stat` (the kernel process and every host process it starts), and
# once with no loop; the difference over N is what one fork+exec of the
# guest costs the host in syscalls (all, and the kinds that matter),
# page faults, context switches, signals and new host processes.
#
# Counts, not times: they are the same on a busy machine, so this bench
# says why a kernel is slower where the timed ones only say that it is.
# Kernels: this tree's, Debian's linux.uml when it runs here, and, given
# a second build directory (a 7.x build, e.g. check-series-7.2), that
# kernel in ptrace and in seccomp mode.  Each kernel is pinned to CPU 0.
#
# usage: [N=300] bench/hostcalls.sh BUILDDIR [BUILDDIR-7.X]
#
# Needs root (the kernel's tracepoints) and perf (apt-get install
# linux-perf).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_start "BUILDDIR [BUILDDIR-7.X]" "$@"
bench_root "perf reads the host kernel's tracepoints"
command -v perf >/dev/null 2>&1 || die "no perf on the host: apt-get install linux-perf"
bench_scratch fresh hostcalls tmp uml
bench_debian
k7=
if [ $# -ge 2 ]; then
	k7=$(cd "$2" && pwd)/linux/build/linux
	[ -x "$k7" ] || die "no kernel at $k7"
fi
n=${N:-300}

# The counted events: name (perf's), and the column's label.
events="raw_syscalls:sys_enter|syscalls
syscalls:sys_enter_rt_sigprocmask|sigprocmask
syscalls:sys_enter_mmap|mmap
syscalls:sys_enter_munmap|munmap
syscalls:sys_enter_ptrace|ptrace
syscalls:sys_enter_wait4|wait4
syscalls:sys_enter_futex|futex
exceptions:page_fault_user|faults
sched:sched_switch|switches
signal:signal_deliver|signals
task:task_newtask|processes"
perf_events=$(echo "$events" | cut -d'|' -f1 | paste -sd, -)

# count TAG KERNEL LOOPS [ARGS...]: one boot running LOOPS fork+execs
# under perf stat; writes "EVENT COUNT" lines to $scratch/TAG.LOOPS.
count() {
	c_tag=$1 c_kernel=$2 c_loops=$3
	shift 3
	cat > "$scratch/guest.sh" <<GUEST
i=0; while [ \$i -lt $c_loops ]; do /bin/true; i=\$((i + 1)); done
echo "bench-guest-""done"
halt -f
GUEST
	c_log=$scratch/$c_tag.$c_loops.log
	# perf stat wraps the kernel: guest_script pins it and its children
	pin=0 guest_script perf "$c_log" "$scratch/guest.sh" stat -x, \
		-o "$scratch/$c_tag.$c_loops.perf" -e "$perf_events" -- "$c_kernel" "$@" ||
		die "$c_tag: the guest did not run the loop (see $c_log)"
	awk -F, '$3 != "" { print $3, $1 }' "$scratch/$c_tag.$c_loops.perf" > "$scratch/$c_tag.$c_loops"
}

# per TAG EVENT: (count with the loop - count without) / n, one decimal.
per() {
	awk -v e="$2" -v n="$n" '
		FILENAME ~ /[.]0$/ && $1 == e { z = $2 }
		FILENAME !~ /[.]0$/ && $1 == e { l = $2 }
		END { if (l == "" || z == "") { print "-"; exit } v = (l - z) / n; if (v < 0.05 && v > -0.05) v = 0; printf "%.1f", v }' \
		"$scratch/$1.0" "$scratch/$1.$n"
}

configs() {
	echo "ours|this tree ($("$ours" --version))|$ours|"
	if [ -n "$k7" ]; then
		echo "k7p|$("$k7" --version) ptrace|$k7|seccomp=off"
		echo "k7s|$("$k7" --version) seccomp|$k7|seccomp=on"
	fi
	if [ "$ref_status" = ok ]; then
		echo "ref|Debian's linux.uml|$ref|"
	fi
}

configs | while IFS='|' read -r tag label kernel args; do
	for loops in 0 "$n"; do
		# shellcheck disable=SC2086 # ARGS is a word list
		count "$tag" "$kernel" "$loops" $args
	done
done

printf 'host events per fork+exec of /bin/true in the busybox guest (%s calls, pinned):\n' "$n"
printf '%-28s' kernel
echo "$events" | while IFS='|' read -r ev label; do printf ' %11s' "$label"; done
echo
configs | while IFS='|' read -r tag label kernel args; do
	printf '%-28s' "$label"
	echo "$events" | while IFS="|" read -r ev _; do printf ' %11s' "$(per "$tag" "$ev")"; done
	echo
done
if [ "$ref_status" = ok ]; then
	bench_row "host syscalls per guest fork+exec" "$(per ours raw_syscalls:sys_enter)" \
		"$(per ref raw_syscalls:sys_enter)" - "counts, from perf stat"
else
	bench_row "host syscalls per guest fork+exec" "$(per ours raw_syscalls:sys_enter)" - - "$ref_status"
fi
if [ -n "$k7" ] && awk -v v="$(per k7s syscalls:sys_enter_rt_sigprocmask)" 'BEGIN { exit !(v > 100) }'; then
	echo "(sigprocmask: this 7.x kernel masks its IPI signal on the host at every"
	echo " local_irq_disable/enable, as SMP builds do, even with"
	echo " ncpus=1; --disable-uml-smp builds do not)"
fi
