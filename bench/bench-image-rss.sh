#!/bin/bash
# Benchmark: the installer's peak resident memory while it installs a root
# filesystem image (packages.image) served over HTTP on 127.0.0.1 onto a
# loop-device disk (storage, then the image; --stop-after image), for two
# image sizes and two formats: a .tar.zst (streamed through libarchive)
# and a squashfs (saved on the target's disk, then unsquashfs). Half of
# each image's bytes are random (incompressible), half text (compressible).
# GNU time's %M is the peak RSS of the installer or of the largest child
# it waited for (mkfs, unsquashfs), whichever is larger; the installer's
# own figure comes from its /proc/PID/status (VmHWM), sampled until it
# exits. If the image streamed through RAM, both would grow with the
# image. Not a test.
#
#   bench/bench-image-rss.sh [BUILD_DIR] [SIZES_MIB]    (build, "256 1024")
# Root (loop devices). Results: docs/performance.md, "Image payloads".
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
sizes=${2:-256 1024}
bin=${AZL_BIN:-$build/azl-installer}
work=${BENCH_DIR:-/var/tmp/azl-bench}/image-rss
[ "$(id -u)" = 0 ] || { echo "needs root (loop devices)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/www"
port=$((20000 + $$ % 20000))
python3 "$src/bench/http-serve.py" "$work/www" 127.0.0.1 "$port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT

make_tree() { # DIR MIB: half random, half text, in 8 MiB files
	local d=$1 n=$(($2 / 16)) i
	mkdir -p "$d/usr/lib/modules/6.1.0-bench" "$d/srv"
	echo kernel >"$d/usr/lib/modules/6.1.0-bench/vmlinuz"
	for ((i = 0; i < n; i++)); do
		head -c 8M /dev/urandom >"$d/srv/random-$i"
		yes "line $i of a compressible file in the benchmark image" | head -c 8M >"$d/srv/text-$i" || true
	done
}

hwm() { # PID: the largest VmHWM seen in kB until the process exits
	local pid=$1 max=0 v
	while [ -e "/proc/$pid" ]; do
		v=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
		[ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
		sleep 0.2
	done
	echo "$max"
}

printf '%-10s %-9s %10s %14s %16s %8s\n' image format "size MiB" "installer MiB" "with child MiB" "wall s"
for mib in $sizes; do
	rm -rf "$work/tree"
	make_tree "$work/tree" "$mib"
	tar --numeric-owner -C "$work/tree" -cf - . | zstd -q -T2 -o "$work/www/img-$mib.tar.zst"
	mksquashfs "$work/tree" "$work/www/img-$mib.squashfs" -quiet -no-progress >/dev/null
	rm -rf "$work/tree"
	for fmt in tar.zst squashfs; do
		f=$work/www/img-$mib.$fmt
		disk=$work/disk.img
		rm -f "$disk"
		truncate -s $((3 * mib + 4096))M "$disk"
		cat >"$work/a.yaml" <<EOT
version: 1
storage: {layout: plain, swap: none}
bootloader: {firmware: bios}
packages:
  image: {url: "http://127.0.0.1:$port/$(basename "$f")", checksum: "$(sha256sum "$f" | cut -d' ' -f1)"}
EOT
		t0=$(date +%s.%N)
		/usr/bin/time -f %M -o "$work/time.out" "$bin" install --answers "$work/a.yaml" --disk "$disk" --yes \
			--stop-after image >"$work/run.log" 2>&1 &
		tpid=$!
		sleep 0.3
		ipid=$(pgrep -P "$tpid" -x azl-installer || true)
		own=0
		[ -n "$ipid" ] && own=$(hwm "$ipid")
		rc=0
		wait "$tpid" || rc=$?
		t1=$(date +%s.%N)
		if [ "$rc" != 0 ]; then
			echo "FAIL: $fmt $mib MiB: exit $rc" >&2
			tail -20 "$work/run.log" >&2
			exit 1
		fi
		printf '%-10s %-9s %10d %14.1f %16.1f %8.1f\n' "$mib MiB" "$fmt" \
			$(($(stat -c %s "$f") >> 20)) "$(echo "$own / 1024" | bc -l)" \
			"$(echo "$(tail -1 "$work/time.out") / 1024" | bc -l)" "$(echo "$t1 - $t0" | bc -l)"
		rm -f "$disk"
	done
	rm -f "$work/www/img-$mib".*
done
