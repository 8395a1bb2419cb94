# shellcheck shell=sh
# Helpers shared by the bench scripts (sourced).
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only

die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

now_ms() {
	date +%s%3N
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# Extract Debian's user-mode-linux package into DIR (once); print its root.
debian_uml() {
	dir=$1/debian-uml
	if [ ! -x "$dir/root/usr/bin/linux.uml" ]; then
		mkdir -p "$dir"
		# The archive's version: this package's own (epoch 1:), once
		# installed, is apt's candidate but cannot be downloaded.
		v=$(apt-cache madison user-mode-linux | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
		(cd "$dir" && apt-get download "user-mode-linux${v:+=$v}" >"$dir/download.log" 2>&1) ||
			die "apt-get download user-mode-linux failed (run apt-get update?)"
		dpkg-deb -x "$dir"/user-mode-linux_*.deb "$dir/root"
	fi
	echo "$dir/root"
}
