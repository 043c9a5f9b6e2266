#!/bin/bash
# What one HTTP server sustains for network installs: nginx (the same
# configuration as tests/e2e/test-pxe-fleet.sh) in a network namespace of
# its own, and N simulated installs at once, each fetching what one PXE
# install fetches over HTTP: the kernel, the initramfs, the repository's
# metadata and key, and every RPM of the repository (a superset of what
# @minimal takes from the demo repository). The clients are curl processes
# on the same machine (curl --parallel, one connection per install), so
# the figure is a lower bound for the server: client and server share the
# CPU, and the loopback path stands in for the NIC.
#
#   bench/bench-pxe-server.sh [BUILD] [REPO] [N...]
#
# BUILD (default build) must hold pxe/ and REPO (default demo-repo). N: the
# numbers of concurrent installs (default 1 3 10 40). Prints, per N: the
# wall time, the bytes served (nginx's access log), MiB/s, installs/min,
# and nginx's own CPU time per GiB served (what the server costs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/nginx-conf.sh"
build=$(cd "${1:-$here/../build}" && pwd)
repo=$build/${2:-demo-repo}
shift $(($# > 2 ? 2 : $#))
counts=${*:-1 3 10 40}
[ "$(id -u)" = 0 ] || { echo "bench-pxe-server.sh: run as root (a network namespace)" >&2; exit 1; }
for t in ip nginx curl; do
	command -v "$t" >/dev/null || { echo "bench-pxe-server.sh: $t is missing (scripts/deps.sh)" >&2; exit 1; }
done
[ -f "$build/pxe/initrd.img" ] && [ -d "$repo/repodata" ] || {
	echo "bench-pxe-server.sh: build the pxe and ${2:-demo-repo} targets first" >&2
	exit 1
}

W=${BENCH_DIR:-/var/tmp/azl-bench}/pxe-server
rm -rf "$W"
mkdir -p "$W/www/pxe" "$W/nginx"
NS=azl-bench-$$
SRV=10.78.0.1
cleanup() {
	local pids
	if [ -e "/run/netns/$NS" ]; then
		pids=$(ip netns pids "$NS" 2>/dev/null || :)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill $pids 2>/dev/null || :
		sleep 0.5
		ip netns del "$NS" 2>/dev/null || :
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
nsx() { ip netns exec "$NS" "$@"; }
ip netns add "$NS"
nsx ip link set lo up
nsx ip link add br0 type bridge
nsx ip addr add "$SRV/24" dev br0
nsx ip link set br0 up

ln "$build/pxe/vmlinuz" "$build/pxe/initrd.img" "$W/www/pxe/" 2>/dev/null ||
	cp "$build/pxe/vmlinuz" "$build/pxe/initrd.img" "$W/www/pxe/"
ln -s "$repo" "$W/www/repo"
nginx_conf "$W" "$SRV:80" "$W/www"
nsx nginx -c "$W/nginx.conf" -p "$W/nginx" </dev/null >"$W/nginx.out" 2>&1 &
for _ in $(seq 50); do
	nsx curl -sf -o /dev/null "http://$SRV/pxe/vmlinuz" && break
	sleep 0.2
done

# One install's URLs, in the order an install fetches them.
{
	echo "pxe/vmlinuz"
	echo "pxe/initrd.img"
	(cd "$W/www" && find -L repo -maxdepth 1 -type f -name 'RPM-GPG-KEY-*' | sort)
	(cd "$W/www" && find -L repo/repodata -type f | sort)
	(cd "$W/www" && find -L repo -type f -name '*.rpm' | sort)
} >"$W/one-install"
files=$(wc -l <"$W/one-install")
bytes_one=$(cd "$W/www" && xargs -a "$W/one-install" stat -L -c %s | awk '{ s += $1 } END { print s }')
echo "one install: $files files, $(awk -v b="$bytes_one" 'BEGIN { printf "%.1f", b / 1048576 }') MiB" \
	"(kernel + initramfs $(stat -L -c %s "$W/www/pxe/vmlinuz" "$W/www/pxe/initrd.img" | awk '{ s += $1 } END { printf "%.1f", s / 1048576 }') MiB)"
echo "nginx 1.22 (2 workers, sendfile), curl clients on the same machine, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU seconds of nginx's master and workers (utime + stime).
nginx_cpu() {
	local m
	m=$(cat "$W/nginx.pid")
	cat "/proc/$m/stat" $(printf '/proc/%s/stat ' $(cat "/proc/$m/task/$m/children")) |
		awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); s += $12 + $13 } END { printf "%.2f\n", s / hz }'
}
printf '%8s %10s %12s %10s %14s %16s\n' installs "wall s" "MiB served" "MiB/s" "installs/min" "nginx CPU s/GiB"
for n in $counts; do
	: >"$W/access.log" # nginx appends (O_APPEND): the log starts again at 0
	# One curl per install (its own connection, its files one after the other).
	c0=$(nginx_cpu)
	t0=$(date +%s.%N)
	pids=()
	for i in $(seq "$n"); do
		sed "s|^|url = http://$SRV/|; s|\$|\noutput = /dev/null|" "$W/one-install" >"$W/client$i.cfg"
		nsx curl -sf --config "$W/client$i.cfg" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || { echo "bench-pxe-server.sh: a client failed" >&2; exit 1; }
	done
	t1=$(date +%s.%N)
	sleep 0.3
	c1=$(nginx_cpu)
	served=$(awk '$6 == 200 { s += $7 } END { printf "%.0f\n", s }' "$W/access.log")
	want=$((bytes_one * n))
	[ "$served" = "$want" ] || { echo "bench-pxe-server.sh: served $served bytes, expected $want" >&2; exit 1; }
	awk -v n="$n" -v a="$t0" -v b="$t1" -v s="$served" -v c="$c0" -v d="$c1" 'BEGIN {
		w = b - a; printf "%8d %10.2f %12.1f %10.1f %14.1f %16.2f\n", n, w, s / 1048576, s / 1048576 / w, n / w * 60, (d - c) / (s / 1073741824) }'
done
