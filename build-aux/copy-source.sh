# build-aux/copy-source.sh: copy_source SRC DEST, a clean copy of the
# source tree SRC in DEST, for a second build directory: once SRC is
# configured in place, no VPATH build of it can be configured.  The copy
# holds SRC's tracked files and the untracked ones git does not ignore
# (so no build output).  A first copy gets its autotools files made
# afresh (autoreconf -fi); a later one over the same DEST rewrites only
# the files whose content changed, so make there rebuilds only what they
# touch (the Makefiles regenerate themselves).  Files gone from SRC stay
# in DEST.  Sourced, not run; it needs git and returns non-zero with a
# message on standard error when it fails.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh

copy_source() {
	cs_src=$1
	cs_dest=$2
	if ! git -C "$cs_src" rev-parse --git-dir > /dev/null 2>&1; then
		echo "copy_source: $cs_src is not a git checkout" >&2
		return 1
	fi
	if [ -f "$cs_dest/configure" ]; then
		copy_source_update "$cs_src" "$cs_dest"
		return
	fi
	rm -rf "$cs_dest"
	mkdir -p "$cs_dest" || return 1
	git -C "$cs_src" ls-files -z --cached --others --exclude-standard |
		tar -C "$cs_src" --null --ignore-failed-read -T - -cf - |
		tar -C "$cs_dest" -xf - || return 1
	(cd "$cs_dest" && autoreconf -fi > autoreconf.log 2>&1) || {
		echo "copy_source: autoreconf -fi failed in $cs_dest:" >&2
		cat "$cs_dest/autoreconf.log" >&2
		return 1
	}
}

# The files of SRC that differ from (or are missing in) DEST, copied over.
copy_source_update() {
	git -C "$1" ls-files --cached --others --exclude-standard |
		while IFS= read -r cs_f; do
			[ -f "$1/$cs_f" ] || continue
			cmp -s "$1/$cs_f" "$2/$cs_f" && continue
			mkdir -p "$2/$(dirname "$cs_f")" &&
				cp -p "$1/$cs_f" "$2/$cs_f" || return 1
		done
}
