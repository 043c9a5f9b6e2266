#!/bin/bash
# @minimal into a mounted disk image (docs/packages.md): a sparse image
# with an ext4 filesystem on a loop device, mounted, installed into with
# `install --root MOUNTPOINT --stop-after packages`; then, unmounted and
# mounted again, the rpmdb in /usr/lib/sysimage/rpm lists every package,
# `rpm -V` finds every file as installed, the kernel and initramfs are
# there, and the filesystem is clean (one syncfs at the end, e2fsck -n).
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
. "$(dirname "$0")/demo-repo-lib.sh" test-packages-disk

loop=""
cleanup() {
	mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"
	[ -n "$loop" ] && losetup -d "$loop"
	rm -rf "$tmp"
}
trap cleanup EXIT
rq() { rpm --root "$tmp/mnt" --dbpath /usr/lib/sysimage/rpm "$@"; }

truncate -s 512M "$tmp/disk.img"
loop=$(losetup -f --show "$tmp/disk.img")
mkfs.ext4 -q -L azlroot "$loop"
mkdir "$tmp/mnt"
mount "$loop" "$tmp/mnt"

cat >"$tmp/a.yaml" <<EOT
version: 1
packages:
  repos: [{name: demo, baseurl: "file://$(realpath "$repo")", gpgcheck: true}]
  install: ["@minimal", openssh-server]
EOT
rc=0
"$bin" install --root "$tmp/mnt" --answers "$tmp/a.yaml" --stop-after packages \
	--log "$tmp/install.log" >/dev/null || rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/install.log"; fail "install into the mounted image: exit $rc"; }
grep -q "repository 'demo'" "$tmp/install.log" || fail "packages.repos of the answer file not used"
umount "$tmp/mnt"
e2fsck -fn "$loop" >/dev/null 2>&1 || fail "e2fsck finds the filesystem damaged"
mount "$loop" "$tmp/mnt"

n=$(rq -qa | grep -vc '^gpg-pubkey')
[ "$n" -ge 22 ] || fail "only $n packages in the image's rpmdb"
for p in kernel-core busybox systemd openssh-server; do rq -q "$p" >/dev/null || fail "'$p' not installed"; done
bad=$(rq -Va --nodeps --nomtime 2>&1 | grep -v ' c /\|^missing .* /run\|/etc/' || :)
[ -z "$bad" ] || fail "rpm -V on the image: $bad"
ls "$tmp"/mnt/boot/vmlinuz-* "$tmp"/mnt/boot/initramfs-*.img >/dev/null || fail "no kernel or initramfs in /boot"
rq -K "$repo"/Packages/setup-*.rpm | grep 'digests signatures OK' >/dev/null || fail "the image's keyring does not verify the repository"
ok "@minimal + openssh-server ($n packages) into a mounted ext4 image: rpmdb, files, kernel, initramfs, fsck clean"
