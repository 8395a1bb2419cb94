#!/bin/sh
# Cold and warm build time of the kernel and modules of a configured build
# directory; with --reference, also a cold build of the same source with
# Debian's own UML config, for the ratio.
#
# usage: bench/build-time.sh [--reference] BUILDDIR
#
# Cold: a private, empty ccache; warm: the objects removed, the same ccache.
# The build directory's own ccache is not touched.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

reference=no
if [ "${1:-}" = --reference ]; then
	reference=yes
	shift
fi
[ $# -eq 1 ] || die "usage: $0 [--reference] BUILDDIR"
build=$(cd "$1" && pwd)
[ -f "$build/Makefile" ] || die "$build is not a configured build directory"
jobs=$(nproc)
scratch=$build/bench-scratch
mkdir -p "$scratch"
CCACHE_DIR=$scratch/ccache
export CCACHE_DIR

timed_build() {
	rm -rf "$build/linux/build"
	t0=$(now_ms)
	make -C "$build" -j"$jobs" linux-kernel > "$scratch/build.log" 2>&1 ||
		die "build failed; see $scratch/build.log"
	t1=$(now_ms)
	echo $(((t1 - t0) / 1000))
}

rm -rf "$CCACHE_DIR"
make -C "$build" linux/src/.uml-source >/dev/null	# unpacking is not building
cold=$(timed_build)
warm=$(timed_build)
mods=$(wc -l < "$build/linux/build/modules.order")
printf 'kernel + %s modules, %s jobs:\n' "$mods" "$jobs"
printf '  cold (empty ccache): %s s\n' "$cold"
printf '  warm (ccache hit):   %s s\n' "$warm"

if [ "$reference" = yes ]; then
	root=$(debian_uml "$scratch")
	cfg=$(find "$root" -name 'config*' -path '*doc*' | head -n 1)
	[ -n "$cfg" ] || die "no kernel config in Debian's user-mode-linux package"
	obj=$scratch/debian-obj
	rm -rf "$obj" "$CCACHE_DIR"
	mkdir -p "$obj"
	case "$cfg" in
	*.gz) gzip -dc "$cfg" > "$obj/.config" ;;
	*) cp "$cfg" "$obj/.config" ;;
	esac
	src=$build/linux/src
	km="make -C $src O=$obj ARCH=um SUBARCH=$(uname -m)"
	$km olddefconfig > "$scratch/ref.log" 2>&1
	t0=$(now_ms)
	$km -j"$jobs" CC="ccache gcc" linux modules >> "$scratch/ref.log" 2>&1 ||
		die "reference build failed; see $scratch/ref.log"
	t1=$(now_ms)
	ref=$(((t1 - t0) / 1000))
	rmods=$(wc -l < "$obj/modules.order")
	printf "  Debian's UML config, same source, %s modules, cold: %s s\n" "$rmods" "$ref"
	printf '  ratio ours/Debian (cold): %s\n' "$(echo "scale=2; $cold / $ref" | bc)"
	bench_row "cold kernel+modules build, s (-j$jobs)" "$cold" "$ref" - "Debian's column: its UML config, same source"
else
	bench_row "cold kernel+modules build, s (-j$jobs)" "$cold" - - "no Debian column without --reference"
fi
