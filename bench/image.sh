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
# usage: [QUICK=1] bench/image.sh BUILDDIR [RUNS]
#
# QUICK=1: no cold debootstrap and no build timings; the image is made
# from the cache make check keeps (see README.md), only the boots timed.
#
# Needs root (or what mkuml-image needs), the network to the Debian mirror,
# expect.  Scratch files go to BUILDDIR/bench-scratch/image.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
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
cache=$scratch/cache
if [ -n "${QUICK:-}" ]; then
	# No cold debootstrap: the cache make check keeps (minutes of CPU
	# otherwise), and no build timings.
	cache=$(bench_image_cache "$tool")
	ls "$cache"/*.tar >/dev/null 2>&1 ||
		die "QUICK: no debootstrap cache of this mkuml-image in $cache (make check RUNTESTFLAGS=uml.image/boot.exp makes it)"
fi
image=$scratch/default.img
refroot=$(debian_uml "$build/bench-scratch")
ref=$refroot/usr/bin/linux.uml
# Debian's kernel boots an image holding its own modules (systemd loads
# some at boot), so each kernel gets the same image but for /lib/modules.
refmodules=$(find "$refroot/usr/lib/uml/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$refmodules" ] || die "no modules in Debian's user-mode-linux package"
refimage=$scratch/debian-modules.img

# The default image, plus a console autologin so that each boot can end
# with a clean poweroff.
build_image() {
	t0=$(now_ms)
	"$tool" --quiet --cache "$cache" --modules "$modules" --autologin \
		--force "$image" || die "mkuml-image failed"
	echo $(($(now_ms) - t0))
}

echo "mkuml-image, default image ($(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release), minbase + systemd):"
if [ -n "${QUICK:-}" ]; then
	printf '  from the cache:     %s ms (QUICK: one build, no cold one)\n' "$(build_image)"
else
	cold=$(build_image)
	printf '  cold (empty cache): %s ms\n' "$cold"
	i=0
	while [ "$i" -lt 3 ]; do
		build_image
		i=$((i + 1))
	done > "$scratch/times"
	printf '  from the cache:     %s ms (median of 3; target 15000)\n' "$(median < "$scratch/times")"
fi
# Debian's image: the same, from the same cache, with Debian's modules.
"$tool" --quiet --cache "$cache" --modules "$refmodules" --autologin \
	--force "$refimage" || die "mkuml-image failed for Debian's modules"
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

# pair PIN-A PIN-B CMD-A -- CMD-B: alternate boots of the two command
# lines (after one warm-up each), RUNS each; prints "MS-A MS-B" (medians),
# with MS-B "-" when the second does not boot (reason in $scratch/why-b).
pair() {
	pa=$1 pb=$2
	shift 2
	a_cmd='' b_cmd='' side=a
	for w in "$@"; do
		if [ "$w" = -- ]; then side=b; continue; fi
		if [ $side = a ]; then a_cmd="$a_cmd $w"; else b_cmd="$b_cmd $w"; fi
	done
	: > "$scratch/times-a"
	: > "$scratch/times-b"
	# shellcheck disable=SC2086 # the command lines are word lists
	boot_once "$pa" $a_cmd >/dev/null ||
		die "this tree's kernel did not reach the login prompt: $(cat "$scratch/why")"
	b_ok=yes
	# shellcheck disable=SC2086
	boot_once "$pb" $b_cmd >/dev/null || { b_ok=no; cp "$scratch/why" "$scratch/why-b"; }
	i=0
	while [ "$i" -lt "$runs" ]; do
		# shellcheck disable=SC2086
		boot_once "$pa" $a_cmd >> "$scratch/times-a" ||
			die "this tree's kernel did not reach the login prompt: $(cat "$scratch/why")"
		if [ $b_ok = yes ]; then
			# shellcheck disable=SC2086
			boot_once "$pb" $b_cmd >> "$scratch/times-b" ||
				{ b_ok=no; cp "$scratch/why" "$scratch/why-b"; }
		fi
		i=$((i + 1))
	done
	if [ $b_ok = yes ]; then
		echo "$(median < "$scratch/times-a") $(median < "$scratch/times-b")"
	else
		echo "$(median < "$scratch/times-a") -"
	fi
}

# Like for like: the same console and memory arguments for both kernels.
same="uml_dir=$scratch/uml mem=512M con0=fd:0,fd:1 con=null"
ours_cmd="$ours umid=bench-ours-$$ ubd0=$image $same"
ref_cmd="$ref umid=bench-ref-$$ ubd0=$refimage $same"
# As each is documented: ours as linux.uml(1) starts it (pinned, as
# umlctl runs a guest), Debian's plain as its README.Debian gives it.
ours_doc="$ours umid=bench-ours-$$ uml_dir=$scratch/uml mem=512M ubd0=$image con0=fd:0,fd:1"
ref_doc="$ref umid=bench-ref-$$ uml_dir=$scratch/uml mem=512M ubd0=$refimage"

row() {
	label=$1 target=$2
	shift 2
	# shellcheck disable=SC2046 # two numbers
	set -- $(pair "$@")
	if [ "$2" = - ]; then
		printf '  %-34s %8s %10s %8s %8s  (%s)\n' "$label" "$1" n/a n/a "$target" \
			"Debian's does not boot here: $(cat "$scratch/why-b")"
		case $(cat "$scratch/why-b") in
		*'ptrace set fp regs failed'*)
			reason="Debian's kernel cannot run on this CPU ($(tr -d '\r' < "$scratch/why-b"))" ;;
		*) reason="Debian's kernel did not reach login: $(tr -d '\r' < "$scratch/why-b")" ;;
		esac
		bench_row "Debian guest boot to login, $label, ms" "$1" - "$target" "$reason" >> "$scratch/bench"
	else
		printf '  %-34s %8s %10s %8s %8s\n' "$label" "$1" "$2" \
			"$(echo "scale=2; $1 / $2" | bc)" "$target"
		bench_row "Debian guest boot to login, $label, ms" "$1" "$2" "$target" >> "$scratch/bench"
	fi
}

: > "$scratch/bench"
echo "boot to the console login prompt (ms), median of $runs alternated runs:"
printf '  %-34s %8s %10s %8s %8s\n' figure ours "Debian's" ratio target
# shellcheck disable=SC2086 # the command lines above
row "pinned against pinned" 0.40 0 0 $ours_cmd -- $ref_cmd
# shellcheck disable=SC2086
row "plain against plain" - "" "" $ours_cmd -- $ref_cmd
# shellcheck disable=SC2086
row "as documented" 0.20 0 "" $ours_doc -- $ref_doc
cat "$scratch/bench"
