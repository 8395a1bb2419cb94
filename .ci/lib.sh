# shellcheck shell=sh
# Shell functions shared by the .ci/ scripts (sourced, not run).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

# ci_copy_source SRC DEST: a clean copy of the source tree SRC in DEST
# (build-aux/copy-source.sh).
# shellcheck source-path=SCRIPTDIR source=../build-aux/copy-source.sh
. "$(dirname "$0")/../build-aux/copy-source.sh"
ci_copy_source() {
	rm -rf "$2"
	copy_source "$1" "$2"
}

# ci_test_files SRCDIR ENTRY...: the test files (relative to SRCDIR's
# testsuite/) named by each ENTRY, an area (uml.cow) or a glob
# (uml.net/switch*.exp); one line, for RUNTESTFLAGS.
ci_test_files() {
	ci_dir=$1/testsuite
	shift
	ci_list=
	for ci_e in "$@"; do
		case $ci_e in
		*.exp) ci_glob=$ci_e ;;
		*) ci_glob="$ci_e/*.exp" ;;
		esac
		for ci_f in "$ci_dir"/$ci_glob; do
			[ -f "$ci_f" ] || continue
			ci_list="$ci_list ${ci_f#"$ci_dir"/}"
		done
	done
	printf '%s\n' "${ci_list# }"
}

# ci_elapsed T0: seconds since T0 (from date +%s).
ci_elapsed() {
	echo $(( $(date +%s) - $1 ))
}
