#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The cleanup of tests/integration/storage-lib.sh takes down only what its
# own test made. Installs run side by side on one machine (ctest runs unit
# and check tests beside an integration test; people and other test runs
# install into their own images), each under /run/azl-installer/PID. Here
# a foreign install's target (a tmpfs, and an ext4 image on a loop device
# mounted in it) is mounted while a test using the library runs a real
# storage install and leaves its own target mounted (as a killed install
# would); when that test exits, its own mount, loop device and run
# directory are gone and the foreign ones are all still there.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
: "${AZL_BIN:?AZL_BIN is not set}"
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

ftmp=$(mktemp -d /tmp/test-storage-cleanup-scope.XXXXXX)
sleep 600 &
foreign=$!
fdir=/run/azl-installer/$foreign
floop=""
cleanup() {
	set +e
	mountpoint -q "$fdir/target/srv" && umount "$fdir/target/srv"
	mountpoint -q "$fdir/target" && umount "$fdir/target"
	[ -n "$floop" ] && losetup -d "$floop"
	rmdir "$fdir/target" "$fdir" 2>/dev/null
	kill "$foreign" 2>/dev/null
	rm -rf "$ftmp"
}
trap cleanup EXIT

# The foreign install: PID a live process, target a tmpfs, /srv an image.
mkdir -p "$fdir/target"
mount -t tmpfs azl-foreign "$fdir/target"
mkdir "$fdir/target/srv"
truncate -s 64M "$ftmp/foreign.img"
mkfs.ext4 -q "$ftmp/foreign.img"
floop=$(losetup -f --show "$ftmp/foreign.img")
mount "$floop" "$fdir/target/srv"

# A test of the library: a real storage install into its image, then its
# own target mounted again under its run's directory, left for cleanup.
cat >"$ftmp/child.sh" <<'EOF'
. "$AZL_SOURCE_DIR/tests/integration/storage-lib.sh"
cat >"$tmp/plain.yaml" <<'YAML'
version: 1
storage: {table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios}
YAML
d=$(img plain.img 4G)
install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 0 ] || fail "install: exit $rc: $(cat "$tmp/out")"
assert_clean
run=$(echo $own_runs | awk '{print $NF}')
[ -n "$run" ] || fail "storage-lib recorded no install of its own"
l=$(attach "$d")
root=$(sfdisk -d "$d" | awk '/name="root"/ {print $1}')
mkdir -p "/run/azl-installer/$run/target"
mount "${l}p${root##*img}" "/run/azl-installer/$run/target"
echo "own=$run loop=$l tmp=$tmp"
EOF
crc=0
out=$(AZL_SOURCE_DIR=${AZL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)} \
	bash "$ftmp/child.sh" 2>&1) || crc=$?

mountpoint -q "$fdir/target" || fail "the cleanup unmounted a foreign install's target"
mountpoint -q "$fdir/target/srv" || fail "the cleanup unmounted a foreign install's /srv"
[ "$(losetup -n -O BACK-FILE "$floop")" = "$ftmp/foreign.img" ] ||
	fail "the cleanup detached a foreign loop device"
ok "a foreign install's target, its mounts and loop device are left alone"

[ "$crc" = 0 ] || fail "the library's test failed: $out"
own=$(sed -n 's/^own=\([0-9]*\) .*/\1/p' <<<"$out")
own_loop=$(sed -n 's/^own=.* loop=\([^ ]*\) .*/\1/p' <<<"$out")
own_tmp=$(sed -n 's/^own=.* tmp=\(.*\)$/\1/p' <<<"$out")
if [ -z "$own" ] || [ -z "$own_loop" ] || [ -z "$own_tmp" ]; then fail "unexpected output: $out"; fi

grep -q " /run/azl-installer/$own/" /proc/mounts && fail "the test's own target is still mounted"
[ ! -e "/run/azl-installer/$own" ] || fail "the test's own run directory is left"
[ "$(losetup -n -O BACK-FILE "$own_loop" 2>/dev/null)" != "$own_tmp/plain.img" ] ||
	fail "the test's own loop device $own_loop is still attached"
[ ! -e "$own_tmp" ] || fail "the test's own $own_tmp is left"
ok "the test's own target, loop device and directories are gone"
