# build-aux/sid-fetch.sh: sid_fetch PKG CACHEDIR, sourced (with die.sh).
#
# Downloads Debian sid's PKG with `apt-get download` through a private
# sources list, apt state and cache under CACHEDIR/apt (the host's own apt
# configuration is not touched, nothing is installed), and unpacks it
# with dpkg-deb -x into CACHEDIR/PKG, replacing what was there; the
# package's version goes to CACHEDIR/PKG/.deb-version.  The mirror is
# UML_SERIES_MIRROR, else the first deb.debian.org-style URI of the
# host's apt sources, else http://deb.debian.org/debian.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2154 # me is the sourcing script's

# The mirror: the host's own, for hosts that reach only their mirror.
sid_mirror_of_host() {
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
		[ -r "$f" ] || continue
		sed -n -e 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)\/*[[:space:]]*$/\1/p' \
			-e 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\(http[^[:space:]]*\/debian\)\/*[[:space:]].*/\2/p' \
			"$f"
	done | head -n 1
}

sid_fetch() {
	sf_pkg=$1
	sf_cache=$2
	sf_mirror=${UML_SERIES_MIRROR:-$(sid_mirror_of_host)}
	sf_mirror=${sf_mirror:-http://deb.debian.org/debian}
	sf_apt=$sf_cache/apt
	mkdir -p "$sf_apt/lists/partial" "$sf_apt/archives/partial" "$sf_apt/etc/preferences.d" ||
		die "cannot create $sf_apt"
	printf 'deb %s sid main\n' "$sf_mirror" > "$sf_apt/etc/sources.list.tmp"
	mv "$sf_apt/etc/sources.list.tmp" "$sf_apt/etc/sources.list"
	printf '%s: fetching %s from %s sid (apt state in %s)\n' "$me" "$sf_pkg" "$sf_mirror" "$sf_apt" >&2
	set -- -q -o Dir::Etc::SourceList="$sf_apt/etc/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Etc::PreferencesParts="$sf_apt/etc/preferences.d" \
		-o Dir::State::Lists="$sf_apt/lists" \
		-o Dir::Cache="$sf_apt" -o Dir::Cache::archives="$sf_apt/archives" \
		-o Dir::State::status=/dev/null -o APT::Architecture=amd64 \
		-o Acquire::Languages=none
	apt-get "$@" update > "$sf_apt/update.log" 2>&1 || {
		tail -n 5 "$sf_apt/update.log" >&2
		die "apt-get update for $sf_mirror sid failed (log: $sf_apt/update.log)"
	}
	sf_tmp=$(mktemp -d "$sf_cache/.fetch.XXXXXX") || die "cannot create a temporary directory in $sf_cache"
	(cd "$sf_tmp" && apt-get "$@" download "$sf_pkg") > "$sf_apt/download.log" 2>&1 || {
		tail -n 5 "$sf_apt/download.log" >&2
		rm -rf "$sf_tmp"
		die "apt-get download $sf_pkg from $sf_mirror sid failed (log: $sf_apt/download.log)"
	}
	sf_deb=$(find "$sf_tmp" -maxdepth 1 -name "${sf_pkg}_*.deb" | head -n 1)
	[ -n "$sf_deb" ] || { rm -rf "$sf_tmp"; die "apt-get download left no ${sf_pkg}_*.deb"; }
	dpkg-deb -x "$sf_deb" "$sf_tmp/x" || { rm -rf "$sf_tmp"; die "dpkg-deb -x $sf_deb failed"; }
	dpkg-deb -f "$sf_deb" Version > "$sf_tmp/x/.deb-version" ||
		{ rm -rf "$sf_tmp"; die "dpkg-deb -f $sf_deb Version failed"; }
	rm -rf "${sf_cache:?}/$sf_pkg"
	mv "$sf_tmp/x" "$sf_cache/$sf_pkg"
	rm -rf "$sf_tmp"
	printf '%s: unpacked %s into %s\n' "$me" "${sf_deb##*/}" "$sf_cache/$sf_pkg" >&2
}
