#!/bin/sh
# TCP throughput guest -> host with iperf3, over the vector tap transport
# against the legacy tuntap transport through uml_net, side by side in one
# run, on this tree's kernel and busybox test guest; prints both rates
# and the ratio (the HOWTO claims vector tap is at least ten times faster).
#
# usage: bench/net.sh BUILDDIR [SECONDS] [ROUNDS]
#
# Needs root (network namespaces, taps) and Debian's iperf3 on the host.
# The guest has no iperf3: it mounts the host's root read-only through
# hostfs and runs the host's iperf3 with the host's dynamic loader and
# libraries.  Rounds alternate the two transports; medians are printed.
#
# This file is part of user-mode-linux.  SPDX-License-Identifier: GPL-2.0-only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bench_net "network namespaces and taps" "$@"
utils=$build/utils/net
[ -x "$utils/uml_net" ] || die "no uml_net in $utils: run make in $build"
# The kernel prints its own configuration.
"$ours" --showconfig 2>/dev/null | grep -q '^CONFIG_UML_NET_TUNTAP=y' ||
	die "this kernel has no legacy tuntap transport (removed in 6.16)"

bench_scratch keep net tmp uml

# The host's iperf3 as the guest sees it under /host: its loader and the
# directories of its libraries, all resolved to real paths.
loader=$(readlink -f "$(ldd "$iperf" | awk '$1 ~ /^\/.*ld-linux/ { print $1 }')")
[ -n "$loader" ] || die "cannot find the dynamic loader of $iperf"
libpath=$(ldd "$iperf" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
	while read -r lib; do dirname "$(readlink -f "$lib")"; done |
	sort -u | sed 's|^|/host|' | paste -s -d:)
guest_iperf="/host$loader --library-path $libpath /host$(readlink -f "$iperf")"

ns=
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || :
	fi
	if [ -n "$ns" ]; then
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || :
		ip netns del "$ns" 2>/dev/null || :
	fi
}
trap cleanup EXIT INT TERM

# One run: boot the guest in a fresh namespace with the kernel arguments
# $3 (network) for interface $2, address it $4, run iperf3 against the
# host's $5 for $secs seconds; print the receiver's Mbit/s.
run_once() {
	tag=$1 ifname=$2 netarg=$3 gaddr=$4 haddr=$5
	ns="umlbench$$-$tag"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	if [ "$tag" = vector ]; then
		ip -n "$ns" tuntap add dev vbt0 mode tap
		ip -n "$ns" addr add "$haddr/24" dev vbt0
		ip -n "$ns" link set vbt0 up
	fi
	# (no -B: the legacy tap appears only when the guest brings eth0 up)
	ip netns exec "$ns" "$iperf" -s -1 -f m \
		> "$scratch/server-$tag.log" 2>&1 &
	server=$!
	log=$scratch/guest-$tag.log
	{
		sleep 3
		echo "mkdir -p /host && mount -t hostfs -o / none /host -r"
		echo "ip link set $ifname up && ip addr add $gaddr/24 dev $ifname"
		# (quoted so that the console's echo of this line does not match)
		echo "sleep 2; $guest_iperf -c $haddr -t $secs -f m < /dev/null; echo bench-iperf-'done'"
		wait_log bench-iperf-done "$log" $((secs + 60)) 1
		echo "halt -f"
		sleep 5
	} | ip netns exec "$ns" env PATH="$utils:/usr/sbin:/usr/bin:/sbin:/bin" \
		TMPDIR="$scratch/tmp" timeout $((secs + 90)) "$ours" \
		umid="bench-net-$$" uml_dir="$scratch/uml" mem=256M \
		ubd0r="$image" root=/dev/ubda ro init=/init \
		con0=fd:0,fd:1 con=null ssl=null "$netarg" > "$log" 2>&1 || :
	kill "$server" 2>/dev/null || :
	wait "$server" 2>/dev/null || :
	server=
	ip netns del "$ns"
	ns=
	rate=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") r = $i } END { print r }' "$log")
	[ -n "$rate" ] || return 1
	echo "$rate"
}

# Like for like, the vector tap runs with no offloads (gro=0), as the
# legacy transport has none; a third run shows what its offloads add.
for t in vector tuntap offload; do
	: > "$scratch/$t.rates"
done
printf 'iperf3 guest -> host, %s s per run, %s alternated rounds (Mbit/s):\n' "$secs" "$rounds"
i=0
while [ "$i" -lt "$rounds" ]; do
	v=$(run_once vector vec0 "vec0:transport=tap,ifname=vbt0,gro=0" 10.58.1.2 10.58.1.1) ||
		die "vector tap run failed, see $scratch/guest-vector.log"
	t=$(run_once tuntap eth0 "eth0=tuntap,,,10.58.2.1" 10.58.2.2 10.58.2.1) ||
		die "tuntap run failed, see $scratch/guest-tuntap.log"
	o=$(run_once vector vec0 "vec0:transport=tap,ifname=vbt0,gro=1" 10.58.1.2 10.58.1.1) ||
		die "vector tap (gro=1) run failed, see $scratch/guest-vector.log"
	printf '  round %s: vector tap %s, tuntap via uml_net %s, vector tap gro=1 %s\n' \
		$((i + 1)) "$v" "$t" "$o"
	echo "$v" >> "$scratch/vector.rates"
	echo "$t" >> "$scratch/tuntap.rates"
	echo "$o" >> "$scratch/offload.rates"
	i=$((i + 1))
done
# Medians (awk: the rates have decimals).
med() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'
}
v=$(med "$scratch/vector.rates")
t=$(med "$scratch/tuntap.rates")
o=$(med "$scratch/offload.rates")
printf '  median: vector tap %s Mbit/s, legacy tuntap %s Mbit/s, vector tap gro=1 %s Mbit/s\n' \
	"$v" "$t" "$o"
printf '  ratio vector/tuntap, same offloads (none): %s (HOWTO target: >= 10)\n' "$(ratio "$v" "$t")"
printf '  ratio vector gro=1/tuntap (offloads on one side only): %s\n' "$(ratio "$o" "$t")"
bench_row "vector tap guest to host, Mbit/s (gro=0)" "$v" - - \
	"no Debian column: compares with legacy tuntap on this tree ($t Mbit/s, ratio $(ratio "$v" "$t"), HOWTO: >= 10)"
