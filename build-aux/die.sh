# build-aux/die.sh: die MESSAGE..., the one-line error of the tree's shell
# scripts: "ME: error: MESSAGE" on standard error, then exit with
# $die_status (default 1).  A script sets me=NAME (and die_status, if
# not 1) and sources this file by its own path, e.g. from linux/:
#
#	# shellcheck source-path=SCRIPTDIR source=../build-aux/die.sh
#	. "$(dirname "$0")/../build-aux/die.sh"
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2154 # me is the sourcing script's

die() {
	printf '%s: error: %s\n' "$me" "$*" >&2
	exit "${die_status:-1}"
}
