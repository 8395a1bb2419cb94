#!/bin/sh
# Unpack (or copy) a kernel source into the build directory and apply this
# package's patches for its series.  The given source is never modified.
#
# usage: unpack.sh SOURCE DEST PATCHROOT SERIES
#   SOURCE     an unpacked kernel tree or a kernel tarball
#   DEST       directory to create (replaced atomically)
#   PATCHROOT  linux/patches of this package
#   SERIES     X.Y of the kernel; patches come from PATCHROOT/X.Y, or
#              PATCHROOT/X.x when there is no directory for X.Y
#
# A stamp DEST/.uml-source records what DEST was made from; when it matches,
# nothing is done.  On any failure DEST is left as it was and the staging
# directory is removed.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=unpack.sh
die() {
	printf '%s: error: %s\n' "$me" "$*" >&2
	exit 1
}

[ $# -eq 4 ] || die "usage: $me SOURCE DEST PATCHROOT SERIES"
src=$1
dest=$2
patchroot=$3
series=$4

patchdir=$patchroot/$series
[ -d "$patchdir" ] || patchdir=$patchroot/${series%%.*}.x

patches=
if [ -d "$patchdir" ]; then
	for p in "$patchdir"/*.patch; do
		[ -f "$p" ] && patches="$patches $p"
	done
fi

# What DEST is made from: the source's identity and the patches' contents.
identity() {
	if [ -d "$src" ]; then
		printf 'dir %s\n' "$src"
	else
		# shellcheck disable=SC2012 # size and time of one named file
		printf 'tar %s\n' "$(ls -lL --time-style=+%s "$src" | cut -d' ' -f5-)"
	fi
	for p in $patches; do
		printf 'patch %s %s\n' "$(basename "$p")" "$(cksum < "$p")"
	done
}

want=$(identity)
if [ -f "$dest/.uml-source" ] && [ "$(cat "$dest/.uml-source")" = "$want" ]; then
	exit 0
fi

# The files the patches change (the "+++ b/PATH" lines), one per line.
patched_files() {
	for p in $patches; do
		sed -n 's|^+++ [^/[:space:]]*/\([^[:space:]]*\).*$|\1|p' "$p"
	done | sort -u
}

parent=$(dirname "$dest")
mkdir -p "$parent" || die "cannot create $parent"
[ -w "$parent" ] || die "build directory $parent is not writable"
stage=$(mktemp -d "$dest.tmp.XXXXXX") || die "cannot create a staging directory in $parent"
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM HUP

if [ -d "$src" ]; then
	echo "  COPY     $src"
	# Copy the tree without its VCS data, then make sure no build output
	# came along (Kbuild refuses O= builds from an unclean tree).
	tar -C "$src" --exclude=.git -cf - . | tar -C "$stage" -xf - ||
		die "cannot copy kernel tree $src"
	make -s -C "$stage" ARCH=um mrproper >/dev/null ||
		die "make mrproper failed in the copy of $src"
else
	echo "  UNPACK   $src"
	case "$src" in
	*.tar.xz|*.txz) z=J ;;
	*.tar.gz|*.tgz) z=z ;;
	*.tar.bz2|*.tbz2) z=j ;;
	*) z= ;;
	esac
	tar -C "$stage" --strip-components=1 -x${z}f "$src" 2>"$stage.err" || {
		msg=$(head -n 1 "$stage.err")
		rm -f "$stage.err"
		die "kernel tarball $src is corrupt or truncated: $msg"
	}
	rm -f "$stage.err"
	if [ ! -f "$stage/Makefile" ] || [ ! -d "$stage/arch/um" ]; then
		die "$src does not hold a Linux kernel source tree"
	fi
fi

for p in $patches; do
	echo "  PATCH    $(basename "$p")"
	patch -s -p1 -N -d "$stage" < "$p" >"$stage/.patch.log" 2>&1 || {
		head -n 3 "$stage/.patch.log" >&2
		die "patch $p does not apply to $src"
	}
	rm -f "$stage/.patch.log"
done

printf '%s\n' "$want" > "$stage/.uml-source"
patched_files > "$stage/.uml-patched"
old_patched=
if [ -f "$dest/.uml-patched" ]; then
	old_patched=$(cat "$dest/.uml-patched")
fi
# mktemp made the staging directory 0700: give the tree the umask's mode
# like every directory inside it, so that other users (a test run as
# another user, a build reusing this kernel) can read it.
chmod "$(umask -S)" "$stage" || die "cannot set the mode of $stage"
rm -rf "$dest"
mv "$stage" "$dest"
trap - EXIT

# A file that a removed or changed patch no longer changes comes back with
# the tarball's old mtime, and Kbuild would keep the objects built from its
# patched text: every file the old or the new series touches is marked new.
printf '%s\n' "$old_patched" | cat - "$dest/.uml-patched" | sort -u |
	while read -r f; do
		if [ -n "$f" ] && [ -e "$dest/$f" ]; then
			touch "$dest/$f"
		fi
	done
