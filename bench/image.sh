#!/bin/sh
# mkuml-image, side by side in one run:
#  - the time to build the default image cold (empty debootstrap cache), and
#    again from the cache;
#  - the time from starting the kernel to the console login prompt on that
#    image: this tree's kernel, started as this package documents it, against
#    Debian's linux.uml (the user-mode-linux package, extracted, never
#    installed) started as Debian documents it (plain `linux ...`), each
#    pinned to one CPU and unpinned.
#
# usage: bench/image.sh BUILDDIR [RUNS]
#
# Needs root (or what mkuml-image needs), the network to the Debian mirror,
# expect.  Scratch files go to BUILDDIR/bench-scratch/image.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

[ $# -ge 1 ] || die "usage: $0 BUILDDIR [RUNS]"
build=$(cd "$1" && pwd)
runs=${2:-5}
ours=$build/linux/build/linux
tool=$build/contrib/debootstrap/mkuml-image
[ -x "$ours" ] || die "no kernel at $ours: run make in $build"
[ -x "$tool" ] || die "no mkuml-image at $tool: run make in $build"
command -v expect >/dev/null 2>&1 || die "expect is needed (apt-get install expect)"
rel=$(cat "$build/linux/build/include/config/kernel.release")
make -C "$build" testsuite/modules.stamp >/dev/null
modules=$build/testsuite/modules/$rel

scratch=$build/bench-scratch/image
rm -rf "$scratch/cache" "$scratch/uml" "$scratch"/*.img
mkdir -p "$scratch/cache" "$scratch/tmp"
image=$scratch/default.img
ref=$(debian_uml "$build/bench-scratch")/usr/bin/linux.uml

# The default image, plus a console autologin so that each boot can end
# with a clean poweroff.
build_image() {
	t0=$(now_ms)
	"$tool" --quiet --cache "$scratch/cache" --modules "$modules" --autologin \
		--force "$image" || die "mkuml-image failed"
	echo $(($(now_ms) - t0))
}

echo "mkuml-image, default image ($(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release), minbase + systemd):"
cold=$(build_image)
printf '  cold (empty cache): %s ms\n' "$cold"
i=0
while [ "$i" -lt 3 ]; do
	build_image
	i=$((i + 1))
done > "$scratch/times"
printf '  from the cache:     %s ms (median of 3; target 15000)\n' "$(median < "$scratch/times")"
printf '  image: %s apparent, %s allocated\n' "$(du -h --apparent-size "$image" | cut -f1)" "$(du -h "$image" | cut -f1)"

# One boot: ms from exec to "login:" on the console, then poweroff from
# the autologin shell.  Prints the ms, or fails with the reason in
# $scratch/why.
boot_once() {
	pin=$1
	shift
	TMPDIR=$scratch/tmp UML_BENCH_PIN=$pin expect -f "$scratch/boot.exp" -- "$@" \
		> "$scratch/boot.log" 2>&1 </dev/null || :
	ms=$(sed -n 's/^MS //p' "$scratch/boot.log")
	if [ -z "$ms" ]; then
		sed -n 's/^FAIL //p' "$scratch/boot.log" > "$scratch/why"
		[ -s "$scratch/why" ] || echo "see $scratch/boot.log" > "$scratch/why"
		return 1
	fi
	echo "$ms"
}

cat > "$scratch/boot.exp" <<'EOF'
set timeout 180
log_user 0
set t0 [clock milliseconds]
if {$env(UML_BENCH_PIN) ne ""} {
    spawn -noecho taskset -c $env(UML_BENCH_PIN) {*}$argv
} else {
    spawn -noecho {*}$argv
}
expect {
    -re {login: } {}
    -re {ptrace set fp regs failed[^\r\n]*|Kernel panic[^\r\n]*} {
	puts "FAIL $expect_out(0,string)"; exit 1
    }
    timeout { puts "FAIL no login prompt after 180 s"; exit 1 }
    eof { puts "FAIL the kernel exited before the login prompt"; exit 1 }
}
set ms [expr {[clock milliseconds] - $t0}]
expect -re {root@[^\r\n]*# }
send "poweroff\r"
expect {
    eof {}
    timeout { puts "FAIL no poweroff"; exit 1 }
}
puts "MS $ms"
EOF

# measure PIN KERNEL ARGS...: median ms to the login prompt.
measure() {
	pin=$1
	shift
	boot_once "$pin" "$@" >/dev/null || return 1	# first boot, page cache
	i=0
	while [ "$i" -lt "$runs" ]; do
		boot_once "$pin" "$@" || return 1
		i=$((i + 1))
	done > "$scratch/times"
	median < "$scratch/times"
}

# As documented: ours with the man page's command line, Debian's plain.
ours_cmd="$ours umid=bench-ours-$$ uml_dir=$scratch/uml mem=512M ubd0=$image con0=fd:0,fd:1"
ref_cmd="$ref umid=bench-ref-$$ uml_dir=$scratch/uml mem=512M ubd0=$image"

echo "boot to the console login prompt, median of $runs runs:"
for pin in "" 0; do
	label=unpinned
	[ -z "$pin" ] || label="pinned to CPU $pin"
	# shellcheck disable=SC2086 # the command lines above
	a=$(measure "$pin" $ours_cmd) || die "this tree's kernel did not reach the login prompt: $(cat "$scratch/why")"
	printf '  this tree, %s: %s ms\n' "$label" "$a"
	# shellcheck disable=SC2086
	if b=$(measure "$pin" $ref_cmd); then
		printf "  Debian's linux.uml, %s: %s ms\n" "$label" "$b"
		printf '  ratio ours/Debian: %s (target 0.25 or less)\n' "$(echo "scale=2; $a / $b" | bc)"
	else
		printf "  Debian's linux.uml, %s: does not boot on this host (%s); no ratio\n" "$label" "$(cat "$scratch/why")"
	fi
done
