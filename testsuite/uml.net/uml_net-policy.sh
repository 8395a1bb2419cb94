#!/bin/sh
# uml_net-policy.sh CONF POLICY COMMAND [ARG...]
#
# Run COMMAND (as root, which may then drop to another user) where the
# path CONF, uml_net's compiled-in policy file, holds a root-owned copy of
# POLICY (mode 0644; POLICY "-" leaves CONF absent): in a private mount
# namespace, the nearest existing directory above CONF gets a writable
# overlay on a tmpfs, so nothing on the host is changed.  The exit status
# is COMMAND's, or 125 when the overlay could not be made.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

if [ "${UML_NET_POLICY_INNER:-}" != 1 ]; then
	UML_NET_POLICY_INNER=1 exec unshare --mount --propagation private \
		/bin/sh "$0" "$@"
fi
unset UML_NET_POLICY_INNER

fail() {
	echo "uml_net-policy: $*" >&2
	exit 125
}

[ $# -ge 3 ] || fail "usage: uml_net-policy.sh CONF POLICY COMMAND [ARG...]"
conf=$1
policy=$2
shift 2
case $conf in
/*) ;;
*) fail "$conf is not absolute" ;;
esac

# The nearest existing directory above CONF, and CONF's path below it.
top=$(dirname "$conf")
while [ ! -d "$top" ]; do
	top=$(dirname "$top")
done
rel=${conf#"$top"}
rel=${rel#/}

scratch=$(mktemp -d /tmp/uml_net-policy.XXXXXX) || fail "no scratch directory"
mount -t tmpfs -o mode=0755 tmpfs "$scratch" || fail "cannot mount a tmpfs"
rmdir_scratch() {
	umount -l "$scratch" 2>/dev/null || :
	rmdir "$scratch" 2>/dev/null || :
}
mkdir "$scratch/upper" "$scratch/work"
mount -t overlay overlay \
	-o "lowerdir=$top,upperdir=$scratch/upper,workdir=$scratch/work" "$top" ||
	{ rmdir_scratch; fail "cannot put an overlay on $top"; }
umount -l "$scratch"
rmdir "$scratch"

# Directories the overlay makes for CONF are root's, mode 0755.
mkdir -p "$(dirname "$conf")"
chmod 0755 "$(dirname "$conf")"
rm -f "$conf"
if [ "$policy" != - ]; then
	cp "$policy" "$conf"
	chown 0:0 "$conf"
	chmod 0644 "$conf"
fi
[ -n "$rel" ] || fail "$conf is a directory"
exec "$@"
