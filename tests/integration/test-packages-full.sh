#!/bin/bash
# A file system that fills up during the rpm transaction: `install --root`
# into a mounted ext4 image; at the transaction's third package the
# installer is stopped (SIGSTOP), the file system filled, and it goes on.
# (rpm's own disk-space check before the transaction would refuse an image
# that is simply too small, with a message of its own.) Whatever rpm hits
# first (a file, or its sqlite database, which then says "database table
# is locked"), the install exits 3 and its message names the full file
# system; the log says "No space left on device". (In the live system,
# with teardown and error scripts: e2e/test-failure-cleanup, b.)
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
. "$(dirname "$0")/demo-repo-lib.sh" test-packages-full

loop=""
cleanup() {
	mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"
	[ -n "$loop" ] && losetup -d "$loop"
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

truncate -s 256M "$tmp/disk.img"
loop=$(losetup -f --show "$tmp/disk.img")
mkfs.ext4 -q -m 0 "$loop"
mkdir "$tmp/mnt"
mount "$loop" "$tmp/mnt"
cat >"$tmp/a.yaml" <<EOT
version: 1
packages:
  repos: [{name: demo, baseurl: "file://$(realpath "$repo")", gpgcheck: true}]
  install: ["@minimal"]
EOT
"$bin" install --root "$tmp/mnt" --answers "$tmp/a.yaml" --stop-after packages \
	--progress=json --log "$tmp/install.log" >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 6000); do
	grep -q '"phase":"packages".*"item":3,' "$tmp/out" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.01
done
kill -STOP "$pid" || fail "the install ended before its transaction's third package"
grep -q '"phase":"packages".*"item":3,' "$tmp/out" || { kill -KILL "$pid"; cat "$tmp/out"; fail "no third package"; }
fallocate -l "$(df -k "$tmp/mnt" | awk 'NR == 2 { print $4 }')k" "$tmp/mnt/fill" || :
dd if=/dev/zero of="$tmp/mnt/fill2" bs=64k 2>/dev/null || :
kill -CONT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 3 ] || { cat "$tmp/out"; tail -20 "$tmp/install.log"; fail "exit $rc, not 3"; }
grep -q "the install failed in step 'packages': the rpm transaction failed because the file system on / has [0-9.]* MiB free; .* needs [0-9.]* MiB: No space left on device" "$tmp/out" ||
	{ cat "$tmp/out"; fail "the failure does not name the full file system"; }
grep -q "No space left on device" "$tmp/install.log" ||
	{ tail -20 "$tmp/install.log"; fail "the log does not say 'No space left on device'"; }
ok "a full file system during the transaction: exit 3, $(grep -o 'the file system on / has.*' "$tmp/out" | head -1)"
