#!/bin/bash
# Benchmark: how fast the installer writes an image payload (packages.image)
# against the disk's own sequential write bandwidth, in the same run. A
# tree of MIB MiB (half random, half text, in 8 MiB files, as
# bench-image-rss.sh makes it) as a .tar.zst and as a squashfs, served over
# HTTP on 127.0.0.1 (http-serve.py), installed onto a sparse disk image
# through a loop device (`install --disk IMG --stop-after image`); beside
# it dd writes the same number of bytes into a file on ext4 on a loop
# device over a sparse image on the same host disk, with conv=fsync.
#
# The image phase ends without a sync (its data are in the page cache);
# they reach the disk when the target is unmounted at the end of the run.
# So the headline figure ("image s") runs from the log line that starts the
# image phase to the one that says the target is unmounted: download,
# checksum, unpacking (for squashfs: saving the file, unsquashfs, removing
# it) and the writeback, everything of ours but the partitioning and mkfs
# before it; that is what dd with conv=fsync is compared with. The whole
# run ("run s", mkfs included) and the image phase alone, without its
# writeback ("phase s"), are printed beside it. ROUNDS rounds, alternating
# tar.zst, squashfs, dd (and the same with AZL_BIN_B, another build, when
# set); median (min-max) per contender. The disk's bandwidth varies from
# minute to minute on a shared host, so the ratio is taken per round (the
# installer against that round's dd), then its median (min-max). Not a test.
#
#   [AZL_BIN_B=OTHER] bench/bench-image-bandwidth.sh [BUILD_DIR] [MIB] [ROUNDS]   (build, 512, 3)
# Root (loop devices). Results: docs/performance.md, "Image payloads".
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
mib=${2:-512}
rounds=${3:-3}
bin=${AZL_BIN:-$build/azl-installer}
work=${BENCH_DIR:-/var/tmp/azl-bench}/image-bandwidth
[ "$(id -u)" = 0 ] || { echo "needs root (loop devices)" >&2; exit 1; }
[ -x "$bin" ] || { echo "no installer at $bin" >&2; exit 1; }
[ -z "${AZL_BIN_B:-}" ] || [ -x "$AZL_BIN_B" ] || { echo "no installer at $AZL_BIN_B" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/www" "$work/mnt"
port=$((20000 + $$ % 20000))
python3 "$src/bench/http-serve.py" "$work/www" 127.0.0.1 "$port" &
server=$!
loop=
cleanup() {
	kill "$server" 2>/dev/null || true
	mountpoint -q "$work/mnt" && umount "$work/mnt"
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

make_tree() { # DIR MIB: half random, half text, in 8 MiB files
	local d=$1 n=$(($2 / 16)) i
	mkdir -p "$d/usr/lib/modules/6.1.0-bench" "$d/srv"
	echo kernel >"$d/usr/lib/modules/6.1.0-bench/vmlinuz"
	for ((i = 0; i < n; i++)); do
		head -c 8M /dev/urandom >"$d/srv/random-$i"
		yes "line $i of a compressible file in the benchmark image" | head -c 8M >"$d/srv/text-$i" || true
	done
}

stamp() { # LOG REGEX: the first matching line's time, seconds since the epoch
	local l
	l=$(grep -m1 -E "$2" "$1" | cut -d' ' -f1) || { echo "no '$2' in the log" >&2; return 1; }
	date -d "$l" +%s.%N
}

run_installer() { # BIN FMT -> "run phase image" seconds
	local bin=$1 fmt=$2 f=$work/www/img.$2 disk=$work/disk.img t0 t1 rc=0
	rm -f "$disk"
	truncate -s $((3 * mib + 4096))M "$disk"
	cat >"$work/a.yaml" <<EOT
version: 1
storage: {layout: plain, swap: none}
bootloader: {firmware: bios}
packages:
  image: {url: "http://127.0.0.1:$port/img.$fmt", checksum: "$(cat "$f.sha256")"}
EOT
	sync
	rm -f "$work/run.log"
	t0=$(date +%s.%N)
	"$bin" install --answers "$work/a.yaml" --disk "$disk" --yes --stop-after image \
		--log "$work/run.log" >"$work/run.out" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	rm -f "$disk"
	if [ "$rc" != 0 ]; then
		echo "FAIL: $fmt: exit $rc" >&2
		tail -20 "$work/run.out" >&2
		exit 1
	fi
	local a b c
	a=$(stamp "$work/run.log" 'info +\[image ')
	b=$(stamp "$work/run.log" 'stopping after image')
	c=$(stamp "$work/run.log" 'unmounted /run/azl-installer/[0-9]+/target$')
	echo "$(echo "$t1 - $t0" | bc -l) $(echo "$b - $a" | bc -l) $(echo "$c - $a" | bc -l)"
}

run_dd() { # -> seconds of dd ... conv=fsync
	local img=$work/dd.img t
	rm -f "$img"
	truncate -s $((2 * mib + 1024))M "$img"
	mkfs.ext4 -F -q "$img"
	loop=$(losetup -f --show "$img")
	mount "$loop" "$work/mnt"
	sync
	t=$({ /usr/bin/time -f %e dd if=/dev/zero of="$work/mnt/f" bs=1M count="$mib" conv=fsync status=none; } 2>&1)
	umount "$work/mnt"
	losetup -d "$loop"
	loop=
	rm -f "$img"
	echo "$t"
}

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs; load before: $(uptime)"
echo "# A: $bin${AZL_BIN_B:+; B: $AZL_BIN_B}"
rm -rf "$work/tree"
make_tree "$work/tree" "$mib"
tree_bytes=$(du -sb --apparent-size "$work/tree" | cut -f1)
tar --numeric-owner -C "$work/tree" -cf - . | zstd -q -T2 -o "$work/www/img.tar.zst"
mksquashfs "$work/tree" "$work/www/img.squashfs" -quiet -no-progress >/dev/null
rm -rf "$work/tree"
for fmt in tar.zst squashfs; do
	sha256sum "$work/www/img.$fmt" | cut -d' ' -f1 >"$work/www/img.$fmt.sha256"
	echo "# img.$fmt: $(($(stat -c %s "$work/www/img.$fmt") >> 20)) MiB, unpacked $((tree_bytes >> 20)) MiB"
done

: >"$work/results"
for ((r = 1; r <= rounds; r++)); do
	for fmt in tar.zst squashfs; do
		echo "$fmt $r $(run_installer "$bin" "$fmt")" >>"$work/results"
		[ -z "${AZL_BIN_B:-}" ] || echo "$fmt-B $r $(run_installer "$AZL_BIN_B" "$fmt")" >>"$work/results"
	done
	echo "dd $r $(run_dd)" >>"$work/results"
	echo "# round $r done; load: $(cut -d' ' -f1-3 /proc/loadavg)"
done

python3 - "$work/results" "$tree_bytes" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(f[0], {})[int(f[1])] = [float(x) for x in f[2:]]
mib = int(sys.argv[2]) / 2**20
def m(xs):
    return f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"
dd = {r: mib / v[0] for r, v in rows["dd"].items()}
print(f"\n{'format':10} {'MiB':>5} {'run s':>19} {'phase s':>19} {'image s':>19} "
      f"{'MiB/s':>22} {'dd MiB/s':>22} {'ratio':>17}")
for fmt in ("tar.zst", "tar.zst-B", "squashfs", "squashfs-B"):
    if fmt not in rows:
        continue
    rs = rows[fmt]
    bw = {r: mib / v[2] for r, v in rs.items()}
    print(f"{fmt:10} {mib:5.0f} {m([v[0] for v in rs.values()]):>19} "
          f"{m([v[1] for v in rs.values()]):>19} {m([v[2] for v in rs.values()]):>19} "
          f"{m(list(bw.values())):>22} {m(list(dd.values())):>22} "
          f"{m([bw[r] / dd[r] for r in bw]):>17}")
print(f"{'dd':10} {mib:5.0f} {'':>19} {'':>19} {m([v[0] for v in rows['dd'].values()]):>19} "
      f"{m(list(dd.values())):>22}")
print("\nrun s: the whole installer run (partitioning, mkfs, image, unmount); phase s: the image "
      "phase without its writeback;\nimage s: image phase until the target is unmounted (data on "
      "disk), MiB/s from it; dd: conv=fsync; ratio: MiB/s over the same round's dd MiB/s")
EOF
echo "# load after: $(uptime)"
