#!/bin/sh
# Build the busybox test guest: an ext4 image made with mke2fs -d from a
# staged tree, without root, loop devices or network.
#
# usage: mkguest.sh IMAGE BUSYBOX MKE2FS INIT
#
# An IMAGE named *.cpio is instead the same tree as a newc cpio archive,
# made with busybox's own cpio, for initrd= (uml.boot/initrd.exp).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=mkguest.sh
# shellcheck source-path=SCRIPTDIR source=../../build-aux/die.sh
. "$(dirname "$0")/../../build-aux/die.sh"

[ $# -eq 4 ] || die "usage: $me IMAGE BUSYBOX MKE2FS INIT"
image=$1
busybox=$2
mke2fs=$3
init=$4

[ -x "$busybox" ] || die "busybox not found at '$busybox' (apt-get install busybox-static)"
if readelf -l "$busybox" 2>/dev/null | grep -q 'program interpreter'; then
	die "$busybox is not statically linked (apt-get install busybox-static)"
fi
[ -x "$mke2fs" ] || die "mke2fs not found at '$mke2fs' (apt-get install e2fsprogs)"

stage=$(mktemp -d "$image.stage.XXXXXX") || die "cannot create a staging directory beside $image"
trap 'rm -rf "$stage" "$image.tmp"' EXIT
trap 'exit 130' INT TERM HUP

for d in bin sbin usr/bin usr/sbin dev proc sys tmp mnt root etc lib/modules host; do
	mkdir -p "$stage/$d"
done
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
cp "$init" "$stage/init"
chmod 0755 "$stage/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$stage/etc/passwd"
printf 'root:x:0:\n' > "$stage/etc/group"

rm -f "$image.tmp"
case $image in
*.cpio)
	(cd "$stage" && find . | "$busybox" cpio -o -H newc) > "$image.tmp" 2>/dev/null ||
		die "busybox cpio failed to make $image"
	mv "$image.tmp" "$image"
	exit 0
	;;
esac
"$mke2fs" -q -F -t ext4 -L uml-test -E root_owner=0:0 -d "$stage" "$image.tmp" 64M >/dev/null ||
	die "mke2fs failed to make $image"
mv "$image.tmp" "$image"
