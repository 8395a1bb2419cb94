#!/bin/sh
# Print the path of the kernel config in Debian's user-mode-linux package
# for a kernel series, downloading and unpacking the package when needed:
# for the 6.x series, the host's archive's package (6.1um4 on bookworm),
# unpacked into CACHEDIR/debian-uml as the benchmarks and tests do; for
# 7.x, sid's (7.2um1), unpacked into CACHEDIR/user-mode-linux.  Nothing is
# installed.  UML_DEBIAN_CONFIG, when set, is printed instead.
#
# usage: debian-config.sh SERIES CACHEDIR
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

me=debian-config.sh
# shellcheck source-path=SCRIPTDIR source=../build-aux/die.sh
. "$(dirname "$0")/../build-aux/die.sh"
# shellcheck source-path=SCRIPTDIR source=../build-aux/sid-fetch.sh
. "$(dirname "$0")/../build-aux/sid-fetch.sh"

[ $# -eq 2 ] || die "usage: $me SERIES CACHEDIR"
series=$1
cachedir=$2
if [ -n "${UML_DEBIAN_CONFIG:-}" ]; then
	[ -r "$UML_DEBIAN_CONFIG" ] || die "UML_DEBIAN_CONFIG: cannot read $UML_DEBIAN_CONFIG"
	echo "$UML_DEBIAN_CONFIG"
	exit 0
fi
mkdir -p "$cachedir" || die "cannot create $cachedir"
doc=usr/share/doc/user-mode-linux/config.gz
case $series in
6.*)
	# bench/lib.sh's debian_uml dies with the bench's own message.
	# shellcheck source-path=SCRIPTDIR source=../bench/lib.sh
	. "$(dirname "$0")/../bench/lib.sh"
	root=$(debian_uml "$cachedir")
	;;
7.*)
	root=$cachedir/user-mode-linux
	[ -f "$root/$doc" ] || sid_fetch user-mode-linux "$cachedir"
	;;
*)
	die "no Debian user-mode-linux to compare Linux $series with (6.x and 7.x have one)"
	;;
esac
[ -f "$root/$doc" ] || die "Debian's user-mode-linux in $root has no /$doc"
# The package's kernel must be of the series' major version.
head=$(gzip -dc "$root/$doc" | sed -n 's/^# Linux\/[^ ]* \([0-9]*\)\..* Kernel Configuration$/\1/p' | head -n 1)
[ "$head" = "${series%%.*}" ] ||
	die "Debian's user-mode-linux in $root holds Linux ${head:-?}, not ${series%%.*}.x"
echo "$root/$doc"
