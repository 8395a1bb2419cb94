#!/bin/sh
# Guest-to-guest TCP throughput through uml_switch: two guests on its
# legacy daemon ports (eth0=daemon) against two guests on its vector bess
# ports (vec0:transport=bess), one switch, in one run; prints both rates
# and the ratio.
#
# usage: bench/switch.sh BUILDDIR [SECONDS] [ROUNDS]
#
# ROUNDS (default 3) alternated rounds of both pairs; medians are printed.
#
# Needs root (a network namespace of its own) and Debian's iperf3 on the
# host.  The busybox test guest has no iperf3: each guest mounts the host's
# / read-only over hostfs and runs the host's iperf3 with the host's
# dynamic loader and libraries.  The guests run this tree's kernel and
# are driven through their console (a fifo), with nothing installed.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_net "a network namespace" "$@"
switch=$(bench_util utils/switch/uml_switch)

# The host's dynamic loader and library directories, as the guest sees
# them with the host's / mounted on /tmp/host.
host=/tmp/host
loader=$(ldd "$iperf" | sed -n 's/^[[:space:]]*\(\/[^ ]*ld-linux[^ ]*\) .*$/\1/p' | head -n 1)
[ -n "$loader" ] || die "cannot find the dynamic loader of $iperf"
# Absolute symlinks (/lib64/ld-linux-x86-64.so.2) would lead out of
# /tmp/host in the guest: use the real paths.
loader=$(readlink -f "$loader")
iperf=$(readlink -f "$iperf")
libpath=
for lib in $(ldd "$iperf" | sed -n 's,^.*=> \(/[^ ]*\) .*$,\1,p'); do
	dir=$(dirname "$(readlink -f "$lib")")
	case ":$libpath:" in
	*":$host$dir:"*) ;;
	*) libpath=$libpath:$host$dir ;;
	esac
done
libpath=${libpath#:}
run_iperf="$host$loader --library-path $libpath $host$iperf"

bench_scratch fresh switch tmp uml
sock=$(mktemp -d /tmp/umlsw-bench.XXXXXX)
ns=umlbench-$$
swpid=
guests=

cleanup() {
	for g in $guests; do
		if [ -f "$scratch/uml/$g/pid" ]; then
			kill -KILL "$(cat "$scratch/uml/$g/pid")" 2>/dev/null || :
		fi
	done
	[ -z "$swpid" ] || kill "$swpid" 2>/dev/null || :
	ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || :
	ip netns del "$ns" 2>/dev/null || :
	rm -rf "$sock"
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$switch" -unix "$sock/ctl" -bess "$sock/bess" -mgmt "$sock/mgmt" \
	2> "$scratch/switch.log" &
swpid=$!
i=0
while [ ! -S "$sock/ctl" ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -S "$sock/ctl" ] || die "uml_switch did not start: $(cat "$scratch/switch.log")"

# Boot guest NAME with the network argument NET; its console reads the
# fifo NAME.in and writes NAME.out.
boot() {
	name=$1 net=$2
	mkfifo "$scratch/$name.in"
	TMPDIR=$scratch/tmp ip netns exec "$ns" "$ours" umid="bench-$$-$name" \
		uml_dir="$scratch/uml" mem=256M ubd0r="$image" root=/dev/ubda ro init=/init \
		con0=fd:0,fd:1 con=null ssl=null "$net" \
		< "$scratch/$name.in" > "$scratch/$name.out" 2>&1 &
	# Hold the fifo open for writing for the guest's lifetime.
	eval "exec $3> \"\$scratch/\$name.in\""
	guests="$guests bench-$$-$name"
}

# Wait until the guest's console shows the pattern.
wait_for() {
	i=0
	while ! grep -q "$2" "$scratch/$1.out" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 1200 ] || die "guest $1: timed out waiting for '$2' (see $scratch/$1.out)"
		sleep 0.1
	done
}

# Run a command line in guest NAME (console fd FD); wait for its end marker.
guest_run() {
	name=$1 fd=$2 tag=$3
	shift 3
	echo "$*; echo @@done-$tag" >&"$fd"
	wait_for "$name" "^@@done-$tag"
}

# One pair: guests A and B with the network arguments NETA / NETB and
# interface IF; sets rate to the receiver's throughput in Mbit/s.
measure() {
	label=$1 neta=$2 netb=$3 ifname=$4 fda=$5 fdb=$6
	boot "$label-a" "$neta" "$fda"
	boot "$label-b" "$netb" "$fdb"
	wait_for "$label-a" 'uml-test: init done'
	wait_for "$label-b" 'uml-test: init done'
	sleep 1
	setup="mkdir -p $host && mount -t hostfs -o ro,/ none $host && ip link set $ifname up"
	guest_run "$label-a" "$fda" a1 "$setup && ip addr add 10.61.0.1/24 dev $ifname"
	guest_run "$label-b" "$fdb" b1 "$setup && ip addr add 10.61.0.2/24 dev $ifname"
	guest_run "$label-b" "$fdb" b2 "$run_iperf -s -1 -D"
	guest_run "$label-a" "$fda" a2 "ping -c 2 -w 10 10.61.0.2 >/dev/null"
	sleep 1
	guest_run "$label-a" "$fda" a3 "$run_iperf -c 10.61.0.2 -t $secs -f m"
	rate=$(sed -n 's/^.* \([0-9.]*\) Mbits\/sec.*receiver.*$/\1/p' "$scratch/$label-a.out" | tail -n 1)
	"$switch" -stats "$sock/mgmt" > "$scratch/$label.stats"
	echo "halt -f" >&"$fda"
	echo "halt -f" >&"$fdb"
	sleep 2
	eval "exec $fda>&- $fdb>&-"
	[ -n "$rate" ] || die "$label: no iperf3 result (see $scratch/$label-a.out)"
}

# Medians (awk: the rates have decimals).
med() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

: > "$scratch/daemon.rates"
: > "$scratch/bess.rates"
r=1
while [ "$r" -le "$rounds" ]; do
	measure "daemon$r" "eth0=daemon,fe:fd:0a:3d:00:01,unix,$sock/ctl" \
		"eth0=daemon,fe:fd:0a:3d:00:02,unix,$sock/ctl" eth0 7 8
	echo "$rate" >> "$scratch/daemon.rates"
	measure "bess$r" "vec0:transport=bess,dst=$sock/bess,mac=fe:fd:0a:3d:00:11" \
		"vec0:transport=bess,dst=$sock/bess,mac=fe:fd:0a:3d:00:12" vec0 7 8
	echo "$rate" >> "$scratch/bess.rates"
	printf 'round %s: daemon %s, bess %s Mbit/s\n' "$r" \
		"$(tail -n 1 "$scratch/daemon.rates")" "$rate"
	r=$((r + 1))
done
daemon=$(med "$scratch/daemon.rates")
bess=$(med "$scratch/bess.rates")

printf '%-34s %10s\n' "guest to guest through uml_switch" "Mbit/s"
printf '%-34s %10s\n' "daemon ports (eth0=daemon)" "$daemon"
printf '%-34s %10s\n' "bess ports (vec0:transport=bess)" "$bess"
awk -v a="$bess" -v b="$daemon" 'BEGIN { printf "ratio bess/daemon: %.2f\n", a / b }'
echo "(medians of $rounds rounds, iperf3 -t $secs, one TCP stream, switch counters in $scratch/*.stats)"
bench_row "uml_switch bess ports guest to guest, Mbit/s" "$bess" - - \
	"no Debian column: compares two transports on this tree (daemon ports $daemon Mbit/s)"
