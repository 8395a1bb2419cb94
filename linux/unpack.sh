#!/bin/sh
# Unpack (or copy) a kernel source into the build directory and apply this
# package's patches for its series.  The given source is never modified.
#
# usage: unpack.sh SOURCE DEST PATCHROOT SERIES
#   SOURCE     an unpacked kernel tree or a kernel tarball
#   DEST       directory to create (replaced atomically)
#   PATCHROOT  linux/patches of this package
#   SERIES     X.Y of the kernel; the patches applied are those listed, in
#              order, in PATCHROOT/series.X.Y, or PATCHROOT/series.X.x
#              when there is no list for X.Y (one path relative to
#              PATCHROOT a line; blank lines and # comments are ignored).
#              With neither, the source is used unpatched.
#
# Each patch must apply with no fuzz (offsets are fine); when one does not,
# unpack.sh fails with one line naming the patch.
#
# A stamp DEST/.uml-source records what DEST was made from; when it matches,
# nothing is done.  On any failure DEST is left as it was and the staging
# directory is removed.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=unpack.sh
# shellcheck source-path=SCRIPTDIR source=../build-aux/die.sh
. "$(dirname "$0")/../build-aux/die.sh"

[ $# -eq 4 ] || die "usage: $me SOURCE DEST PATCHROOT SERIES"
src=$1
dest=$2
patchroot=$3
series=$4

[ -d "$patchroot" ] || die "patch directory $patchroot does not exist"
list=$patchroot/series.$series
[ -f "$list" ] || list=$patchroot/series.${series%%.*}.x
[ -f "$list" ] || list=

# The patches of the series, as paths; each must exist and be readable.
patches=
if [ -n "$list" ]; then
	lineno=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		set -f
		# shellcheck disable=SC2086 # split into words, no globbing
		set -- $line
		set +f
		[ $# -eq 0 ] && continue
		[ $# -eq 1 ] || die "$list:$lineno: expected one patch name, got \"$line\""
		case $1 in
		*[!A-Za-z0-9._/+-]*|/*|*..*)
			die "$list:$lineno: bad patch name \"$1\"" ;;
		esac
		if [ ! -f "$patchroot/$1" ] || [ ! -r "$patchroot/$1" ]; then
			die "$list:$lineno: patch $patchroot/$1 does not exist"
		fi
		patches="$patches $patchroot/$1"
	done < "$list"
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
		printf 'patch %s %s\n' "${p#"$patchroot"/}" "$(cksum < "$p")"
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
trap 'rm -rf "$stage" "$stage.patch.log"' EXIT
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

if [ -z "$list" ]; then
	echo "  PATCH    none: no series.$series or series.${series%%.*}.x in $patchroot"
fi
for p in $patches; do
	echo "  PATCH    ${p#"$patchroot"/}"
	patch -s -p1 -N --fuzz=0 --no-backup-if-mismatch -d "$stage" \
		< "$p" >"$stage.patch.log" 2>&1 || {
		sed 's/^/    /' "$stage.patch.log" | head -n 5
		rm -f "$stage.patch.log"
		die "patch ${p#"$patchroot"/} of ${list#"$patchroot"/} does not apply to $src"
	}
	rm -f "$stage.patch.log"
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
