#!/bin/sh
# The kernel series and userspace modes side by side, on one Debian guest
# (the host's suite, made by mkuml-image with gcc and make in it):
#
#   6.12 ptrace           this tree's default build (BUILDDIR)
#   7.x ptrace            the 7.x build (BUILDDIR-7.x), seccomp=off
#   7.x seccomp           the same kernel, seccomp=on
#   7.x seccomp ncpus=2   the same, two virtual CPUs (needs an SMP build)
#   Debian's 6.1um4       Debian's linux.uml (extracted, never installed)
#
# Each boot: the milliseconds from exec to the console's login prompt,
# then, once systemd has finished starting the guest (so that no unit
# still starting competes with the measurement), in the autologin shell
# fork+exec of /bin/true (microseconds per call, a shell loop) and a
# parallel build of a small C project (make -j2, 16 files, gcc -O2;
# milliseconds, after one warm-up build).  Every guest runs
# on a fresh COW file over the same image, unpinned (both host CPUs), the
# same memory and console; the configurations are booted in turn, RUNS
# rounds (after one warm-up round), medians printed.  Rows: each figure
# against Debian's kernel, and the ncpus=2 build speed-up over ncpus=1.
#
# usage: [RUNS=3] [QUICK=1] bench/series.sh BUILDDIR BUILDDIR-7.x
#
# QUICK=1: one round, a shorter fork loop and 8 files.  Needs root (or
# what mkuml-image needs), expect and the Debian mirror (the first run
# debootstraps the image: minutes; later runs use mkuml-image's cache).
# Scratch files go to BUILDDIR/bench-scratch/series.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

[ $# -eq 2 ] || die "usage: $0 BUILDDIR BUILDDIR-7.x"
command -v expect >/dev/null 2>&1 || die "expect is needed (apt-get install expect)"
bench_build "$1"
k7=$(cd "$2" && pwd)/linux/build/linux
[ -x "$k7" ] || die "no kernel at $k7: build the 7.x tree first"
grep -q 'ncpus=' "$k7" || die "$k7 has no ncpus= (not an SMP 7.x build: configure it without --disable-uml-smp)"
tool=$(bench_util contrib/debootstrap/mkuml-image)
runs=${RUNS:-3}
if [ -n "${QUICK:-}" ]; then
	runs=1 forks=100 files=8
else
	forks=400 files=16
fi
bench_scratch fresh series tmp uml
bench_debian
rel=$(cat "$build/linux/build/include/config/kernel.release")
make -C "$build" testsuite/modules.stamp >/dev/null
cache=$(bench_image_cache "$tool")

image=$scratch/guest.img
"$tool" --quiet --cache "$cache" --modules "$build/testsuite/modules/$rel" \
	--include gcc,make,libc6-dev --autologin \
	--force "$image" || die "mkuml-image failed"

# The guest's part, typed into the autologin shell line by line; each
# result is a line "bench-res NAME VALUE" (the marker split so that the
# console's echo of the command does not match it).
cat > "$scratch/guest.sh" <<GUEST
systemctl is-system-running --wait > /dev/null 2>&1 || :
ns() { date +%s%N; }
t0=\$(ns); i=0; while [ \$i -lt $forks ]; do /bin/true; i=\$((i + 1)); done; t1=\$(ns)
echo "bench-""res forkexec \$(( (t1 - t0) / $forks / 1000 ))"
mkdir -p /tmp/p && cd /tmp/p
for f in \$(seq $files); do awk -v f=\$f 'BEGIN { for (i = 0; i < 150; i++) printf "int f%d_%d(int x) { int s = 0; for (int j = 0; j < x; j++) s += (j * %d) ^ (s >> 3); return s; }\\n", f, i, i + 1 }' > f\$f.c; done
printf 'all: \$(patsubst %%.c,%%.o,\$(wildcard *.c))\\n%%.o: %%.c\\n\\tgcc -O2 -c \$< -o \$@\\n' > Makefile
make -s -j2 && rm -f ./*.o
t0=\$(ns); make -s -j2; t1=\$(ns)
ls ./*.o | wc -l | sed 's/^/bench-''res objects /'
echo "bench-""res make \$(( (t1 - t0) / 1000000 ))"
echo "bench-""guest-""done"
GUEST

cat > "$scratch/boot.exp" <<'EOF'
set timeout 240
log_user 0
set script [lindex $argv 0]
set t0 [clock milliseconds]
spawn -noecho {*}[lrange $argv 1 end]
expect {
    -re {login: } {}
    -re {(ptrace set fp regs failed|Kernel panic|SMP is not supported)[^\r\n]*} {
	puts "FAIL $expect_out(0,string)"; exit 1
    }
    timeout { puts "FAIL no login prompt after 240 s"; exit 1 }
    eof { puts "FAIL the kernel exited before the login prompt"; exit 1 }
}
puts "MS [expr {[clock milliseconds] - $t0}]"
expect -re {root@[^\r\n]*# }
set f [open $script]
foreach line [split [read $f] "\n"] {
    if {$line eq ""} continue
    send -- "$line\r"
    expect {
	-re {root@[^\r\n]*# $} {}
	timeout { puts "FAIL no prompt after: $line"; exit 1 }
	eof { puts "FAIL the kernel exited during: $line"; exit 1 }
    }
    foreach {all name value} [regexp -all -inline {bench-res (\w+) (\d+)} $expect_out(buffer)] {
	puts "RES $name $value"
    }
}
send "poweroff\r"
expect {
    eof {}
    timeout { puts "FAIL no poweroff"; exit 1 }
}
EOF

# The configurations: tag, label, kernel, extra arguments.
configs() {
	echo "k612|6.12 ptrace|$ours|"
	echo "k7p|7.x ptrace|$k7|seccomp=off"
	echo "k7s|7.x seccomp|$k7|seccomp=on"
	echo "k7s2|7.x seccomp ncpus=2|$k7|seccomp=on ncpus=2"
	if [ "$ref_status" = ok ]; then
		echo "ref|Debian's 6.1um4|$ref|"
	fi
}

# boot_once TAG KERNEL ARGS: one boot on a fresh COW; appends the boot ms
# and the results to $scratch/TAG.NAME; fails with the reason in
# $scratch/TAG.why.
boot_once() {
	rm -f "$scratch/$1.cow"
	# shellcheck disable=SC2086 # ARGS is a word list
	TMPDIR=$scratch/tmp expect -f "$scratch/boot.exp" -- "$scratch/guest.sh" \
		"$2" umid="bench-$1-$$" uml_dir="$scratch/uml" mem=1G \
		ubd0="$scratch/$1.cow,$image" con0=fd:0,fd:1 con=null $3 \
		> "$scratch/$1.log" 2>&1 </dev/null || :
	if ! grep -q '^RES make ' "$scratch/$1.log"; then
		sed -n 's/^FAIL //p' "$scratch/$1.log" > "$scratch/$1.why"
		[ -s "$scratch/$1.why" ] || echo "see $scratch/$1.log" > "$scratch/$1.why"
		return 1
	fi
	[ "$(sed -n 's/^RES objects //p' "$scratch/$1.log")" = "$files" ] ||
		{ echo "the guest built not all $files objects (see $scratch/$1.log)" > "$scratch/$1.why"; return 1; }
	sed -n 's/^MS //p' "$scratch/$1.log" >> "$scratch/$1.boot"
	for r in forkexec make; do
		sed -n "s/^RES $r //p" "$scratch/$1.log" >> "$scratch/$1.$r"
	done
}

round=0
while [ "$round" -le "$runs" ]; do
	configs | while IFS='|' read -r tag label kernel args; do
		[ ! -s "$scratch/$tag.why" ] || continue
		boot_once "$tag" "$kernel" "$args" || continue
		# round 0 warms the host's page cache: not counted
		[ "$round" -gt 0 ] || rm -f "$scratch/$tag.boot" "$scratch/$tag.forkexec" "$scratch/$tag.make"
	done
	round=$((round + 1))
done

med() {
	if [ -s "$scratch/$1.$2" ]; then median < "$scratch/$1.$2"; else echo -; fi
}
why() {
	if [ -s "$scratch/$1.why" ]; then tr -d '\r' < "$scratch/$1.why"; fi
}

printf 'one Debian guest (gcc, make), unpinned, mem=1G, median of %s rounds:\n' "$runs"
printf '  %-24s %10s %14s %10s\n' configuration "boot, ms" "fork+exec, us" "make, ms"
configs | while IFS='|' read -r tag label kernel args; do
	if [ -s "$scratch/$tag.why" ]; then
		printf '  %-24s %s\n' "$label" "did not run: $(why "$tag")"
	else
		printf '  %-24s %10s %14s %10s\n' "$label" "$(med "$tag" boot)" \
			"$(med "$tag" forkexec)" "$(med "$tag" make)"
	fi
done

if [ "$ref_status" = ok ]; then
	refnote=$(why ref)
else
	refnote=$ref_status
fi
for tag in k612 k7p k7s k7s2; do
	label=$(configs | awk -F'|' -v t="$tag" '$1 == t { print $2 }')
	note=$(why "$tag")
	[ -n "$note" ] || note=$refnote
	target=-
	[ "$tag" != k7s ] || target=0.35
	bench_row "$label: Debian guest boot to login, ms" "$(med "$tag" boot)" "$(med ref boot)" - "$note"
	bench_row "$label: fork+exec, us" "$(med "$tag" forkexec)" "$(med ref forkexec)" "$target" "$note"
	bench_row "$label: make -j2 of $files files, ms" "$(med "$tag" make)" "$(med ref make)" - "$note"
done
# The speed-up: ncpus=1's build time over ncpus=2's (target 1.7 or more).
one=$(med k7s make) two=$(med k7s2 make)
speedup=$(awk -v a="$one" -v b="$two" 'BEGIN {
	num = "^[0-9]+$"
	if (a ~ num && b ~ num && b > 0) printf "%.2f", a / b; else print "-" }')
printf '  make -j2 speed-up, ncpus=2 over ncpus=1: %s (target 1.7 or more)\n' "$speedup"
echo "BENCH 7.x seccomp make -j2 speed-up, ncpus=2 over ncpus=1|$speedup|-|-|1.7 or more|$(why k7s2)"
