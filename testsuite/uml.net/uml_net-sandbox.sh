#!/bin/sh
# uml_net-sandbox.sh DIR LOG COMMAND [ARG...]
#
# Run COMMAND with a syslog of its own, for uml.net/uml_net.exp: in a
# private mount namespace, /dev becomes a tmpfs (mounted on the empty
# scratch directory DIR) holding the host's null, zero, urandom, net/tun
# and pts, and busybox syslogd listening on its /dev/log writes to LOG.
# The host's /dev is not touched.  COMMAND's output passes through; the
# exit status is COMMAND's, or 125 when the sandbox could not be made.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu

if [ "${UML_NET_SANDBOX_INNER:-}" != 1 ]; then
	UML_NET_SANDBOX_INNER=1 exec unshare --mount --propagation private \
		/bin/sh "$0" "$@"
fi
unset UML_NET_SANDBOX_INNER

if [ $# -lt 3 ]; then
	echo "usage: uml_net-sandbox.sh DIR LOG COMMAND [ARG...]" >&2
	exit 125
fi
dir=$1
log=$2
shift 2

fail() {
	echo "uml_net-sandbox: $*" >&2
	exit 125
}

mount -t tmpfs -o mode=0755 tmpfs "$dir" || fail "cannot mount a tmpfs on $dir"
mkdir "$dir/net" "$dir/pts"
for node in null zero urandom net/tun; do
	: > "$dir/$node"
	mount --bind "/dev/$node" "$dir/$node" || fail "cannot bind /dev/$node"
done
mount --bind /dev/pts "$dir/pts" || fail "cannot bind /dev/pts"
ln -s pts/ptmx "$dir/ptmx"
mount --rbind "$dir" /dev || fail "cannot put the sandbox on /dev"

# syslog_wait WHAT TEST...: wait up to 10 s for TEST to hold; else stop
# syslogd and fail "syslogd did not WHAT".
syslog_wait() {
	sw_what=$1
	shift
	i=0
	while ! "$@"; do
		i=$((i + 1))
		if [ "$i" -gt 100 ]; then
			kill "$syslogd"
			fail "syslogd did not $sw_what"
		fi
		sleep 0.1
	done
}

busybox syslogd -n -O "$log" &
syslogd=$!
syslog_wait "make /dev/log" test -S /dev/log

status=0
"$@" || status=$?

# syslogd reads /dev/log in order: once this marker is in LOG, so is
# everything COMMAND logged.
marker="uml_net-sandbox-end-$$"
logger -u /dev/log -t sandbox "$marker"
syslog_wait "write $log" grep -q "$marker" "$log"
kill "$syslogd"
wait "$syslogd" 2>/dev/null || :
exit "$status"
