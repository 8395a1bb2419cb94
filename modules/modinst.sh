#!/bin/sh
# Install the built modules into MODLIB (not /lib/modules) and index them.
#
# usage: KMAKE="..." DEPMOD=depmod modinst.sh MODLIB RELEASE
#
# Runs the kernel's modules_install with MODLIB= (so the tree lands in e.g.
# /usr/lib/uml/modules/RELEASE), removes the build/source links that point
# back into the build directory, then runs depmod against that tree through
# a temporary base directory (depmod only knows <base>/lib/modules).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=modinst.sh
# shellcheck source-path=SCRIPTDIR source=../build-aux/die.sh
. "$(dirname "$0")/../build-aux/die.sh"

[ $# -eq 2 ] || die "usage: KMAKE=... DEPMOD=... $me MODLIB RELEASE"
modlib=$1
rel=$2
: "${KMAKE:?KMAKE must hold the kernel make command}"
: "${DEPMOD:=depmod}"
[ -n "$rel" ] || die "empty kernel release"

mkdir -p "$modlib" || die "cannot create $modlib"
modlib=$(cd "$modlib" && pwd)

eval "$KMAKE -s modules_install MODLIB='$modlib' DEPMOD=true INSTALL_MOD_STRIP=1" ||
	die "modules_install into $modlib failed"
rm -f "$modlib/build" "$modlib/source"

base=$(mktemp -d "${TMPDIR:-/tmp}/uml-depmod.XXXXXX") || die "cannot create a temporary directory"
trap 'rm -rf "$base"' EXIT
mkdir -p "$base/lib/modules"
ln -s "$modlib" "$base/lib/modules/$rel"
"$DEPMOD" -a -b "$base" "$rel" || die "depmod failed for $modlib"
