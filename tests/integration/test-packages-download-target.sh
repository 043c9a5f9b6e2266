#!/bin/bash
# Downloads land on the target when the live system's cache is in RAM
# (docs/packages.md, "Where packages are downloaded"). The live system's
# root is the tmpfs the kernel unpacked the initramfs into; a guest of
# 512 MiB ran out of RAM downloading the real payload there. Here the
# cache is a real tmpfs of 4 MiB (room for the metadata, not for the
# packages) and the repository is served over HTTP on 127.0.0.1 into an
# ext4 image on a loop device:
#   - the install succeeds; the log names the directory on the target;
#     no package is left in the tmpfs, nor the directory on the target;
#   - a package that fails its checksum stops the install, and the
#     directory on the target is removed all the same;
#   - with the cache on a disk, packages stay in the cache as before.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
repo=$(realpath "$build/demo-repo")
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
cmake --build "$build" --target demo-repo >/dev/null
[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

tmp=$(mktemp -d /tmp/test-packages-download-target.XXXXXX)
loop="" pid=""
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || :
	mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"
	mountpoint -q "$tmp/ram" && umount "$tmp/ram"
	[ -n "$loop" ] && losetup -d "$loop"
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/ram" "$tmp/mnt" "$tmp/www"
mount -t tmpfs -o size=4m azl-test-ram "$tmp/ram"
truncate -s 512M "$tmp/disk.img"
loop=$(losetup -f --show "$tmp/disk.img")
mkfs.ext4 -q "$loop"
mount "$loop" "$tmp/mnt"

# The repository as served: good, and a copy with one package damaged.
ln -s "$repo" "$tmp/www/good"
cp -a "$repo" "$tmp/www/bad"
victim=$(ls "$tmp"/www/bad/Packages/bash-[0-9]*.rpm | head -1)
printf 'damaged' | dd of="$victim" bs=1 seek=4096 conv=notrunc status=none
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$tmp/www" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

answers() { # answers FILE WHICH
	cat >"$1" <<EOT
version: 1
packages:
  repos: [{name: web, baseurl: "http://127.0.0.1:$port/$2/", gpgcheck: true, gpgkey: "$repo/RPM-GPG-KEY-azl-demo"}]
  install: ["@minimal", openssh-server]
EOT
}
answers "$tmp/good.yaml" good
answers "$tmp/bad.yaml" bad
need=$(du -smL "$repo/Packages" | cut -f1)
[ "$need" -gt 4 ] || fail "the repository ($need MiB) would fit in the 4 MiB tmpfs: the test proves nothing"
left() { find "$tmp/mnt" -maxdepth 1 -name '.azl-installer-downloads.*'; }
rpms_in_ram() { find "$tmp/ram" -name '*.rpm' | wc -l; }

# --- the cache in RAM: downloads on the target, then gone ------------------
rc=0
AZL_CACHE_DIR=$tmp/ram/cache "$bin" install --root "$tmp/mnt" --answers "$tmp/good.yaml" \
	--stop-after packages --log "$tmp/good.log" >"$tmp/good.out" 2>&1 || rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/good.log"; fail "install with the cache in a 4 MiB tmpfs: exit $rc"; }
grep -q "the cache is in RAM: .* downloaded into $tmp/mnt/.azl-installer-downloads\." "$tmp/good.log" ||
	fail "the log does not name the download directory on the target"
[ "$(rpms_in_ram)" -eq 0 ] || fail "packages were downloaded into the tmpfs"
[ -z "$(left)" ] || fail "the download directory is left on the target: $(left)"
rq() { rpm --root "$tmp/mnt" --dbpath /usr/lib/sysimage/rpm "$@"; }
for p in kernel-core openssh-server busybox; do rq -q "$p" >/dev/null || fail "'$p' not installed"; done
bad=$(rq -Va --nodeps --nomtime 2>&1 | grep -v ' c /\|^missing .* /run\|/etc/' || :)
[ -z "$bad" ] || fail "rpm -V on the target: $bad"
ok "cache in a 4 MiB tmpfs, $need MiB of packages: downloaded onto the target, installed, the directory removed"

# --- a damaged package: the install stops, the directory goes all the same -
umount "$tmp/mnt"
mkfs.ext4 -q -F "$loop"
mount "$loop" "$tmp/mnt"
rm -rf "$tmp/ram/cache"
rc=0
AZL_CACHE_DIR=$tmp/ram/cache "$bin" install --root "$tmp/mnt" --answers "$tmp/bad.yaml" \
	--stop-after packages --log "$tmp/bad.log" >"$tmp/bad.out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "a damaged package was installed"
grep -q "does not match its sha256 checksum" "$tmp/bad.log" || fail "the damaged package is not named"
grep -q "the cache is in RAM: .* downloaded into $tmp/mnt/" "$tmp/bad.log" ||
	fail "the failed run did not download onto the target"
[ -z "$(left)" ] || fail "a failed install left the download directory: $(left)"
[ "$(rpms_in_ram)" -eq 0 ] || fail "packages were downloaded into the tmpfs"
ok "a damaged package: exit $rc, named; the download directory on the target removed"

# --- the cache on a disk: packages stay in the cache -----------------------
umount "$tmp/mnt"
mkfs.ext4 -q -F "$loop"
mount "$loop" "$tmp/mnt"
rc=0
AZL_CACHE_DIR=$tmp/cache "$bin" install --root "$tmp/mnt" --answers "$tmp/good.yaml" \
	--stop-after packages --log "$tmp/disk.log" >/dev/null 2>&1 || rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/disk.log"; fail "install with the cache on disk: exit $rc"; }
! grep -q "the cache is in RAM" "$tmp/disk.log" || fail "a cache on disk was taken for RAM"
[ "$(find "$tmp/cache" -name '*.rpm' | wc -l)" -gt 10 ] || fail "the packages are not in the cache on disk"
[ -z "$(left)" ] || fail "a download directory on the target with the cache on disk"
ok "the cache on a disk: packages kept in the cache, nothing downloaded onto the target"
