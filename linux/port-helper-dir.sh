#!/bin/sh
# Print the directory a built UML kernel runs port-helper from.
#
# usage: port-helper-dir.sh KERNEL
#
# The port and xterm channels exec OS_LIB_PATH "/uml/port-helper", a path
# compiled into the kernel (arch/um/include/shared/os.h).  Which
# OS_LIB_PATH that is depends on how the series builds its user-space
# objects (6.1 and 6.12 build them without the kernel's config, so a
# 64-bit kernel still says "/usr/lib/"; 7.x says "/usr/lib64/"), so the
# one place to ask is the binary: exactly one absolute path ending in
# /uml/port-helper must be in it.  The directory is printed with repeated
# slashes folded ("/usr/lib//uml" is /usr/lib/uml).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=port-helper-dir.sh
# shellcheck source-path=SCRIPTDIR source=../build-aux/die.sh
. "$(dirname "$0")/../build-aux/die.sh"

[ $# -eq 1 ] || die "usage: $me KERNEL"
kernel=$1
[ -f "$kernel" ] || die "no kernel at $kernel"

paths=$(LC_ALL=C grep -a -o -E '/[A-Za-z0-9_.+/-]*/uml/port-helper' "$kernel" |
	LC_ALL=C sort -u) || :
case "$paths" in
'')	die "$kernel names no .../uml/port-helper (a kernel without the port channel?)" ;;
*'
'*)	die "$kernel names more than one port-helper: $(echo "$paths" | tr '\n' ' ')" ;;
esac
printf '%s\n' "${paths%/port-helper}" | sed 's|//*|/|g'
