# shellcheck shell=sh
# Shell functions shared by the .ci/ scripts (sourced, not run).
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

# ci_copy_source SRC DEST: a clean copy of the source tree SRC in DEST (its
# tracked files and the untracked ones git does not ignore, so no build
# output), with the autotools files made afresh: a second build directory
# cannot be a VPATH build of SRC once SRC is configured in place.
ci_copy_source() {
	ci_src=$1
	ci_dest=$2
	if ! git -C "$ci_src" rev-parse --git-dir > /dev/null 2>&1; then
		echo "ci_copy_source: $ci_src is not a git checkout" >&2
		return 1
	fi
	rm -rf "$ci_dest"
	mkdir -p "$ci_dest"
	git -C "$ci_src" ls-files -z --cached --others --exclude-standard |
		tar -C "$ci_src" --null --ignore-failed-read -T - -cf - |
		tar -C "$ci_dest" -xf -
	(cd "$ci_dest" && autoreconf -fi > autoreconf.log 2>&1) || {
		echo "ci_copy_source: autoreconf -fi failed in $ci_dest:" >&2
		cat "$ci_dest/autoreconf.log" >&2
		return 1
	}
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
