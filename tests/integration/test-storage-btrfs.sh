#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# btrfs the way Fedora lays it out (docs/storage.md "btrfs"): a whole
# install from the demo repository into a sparse image with a custom
# layout of /boot ext4 and one btrfs partition holding subvolumes root (/),
# home (/home) and var (/var), read back on the host: the subvolumes exist
# (btrfs subvolume list), fstab names them by UUID with subvol= and
# compress=zstd:1, the kernel command line has rootflags=subvol=root, the
# rpmdb lives in the root subvolume and /home in its own; then the guided
# plain layout with filesystem: btrfs plans root and home subvolumes.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
for t in losetup sfdisk blkid mkfs.btrfs btrfs; do
	command -v "$t" >/dev/null || { echo "$t missing: skipped"; exit 77; }
done
grep -qw btrfs /proc/filesystems || { echo "no btrfs in this kernel: skipped"; exit 77; }
repo=$AZL_BUILD_DIR/demo-repo
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-storage-btrfs.XXXXXX)
loop=""
cleanup() {
	set +e
	mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"
	[ -n "$loop" ] && losetup -d "$loop"
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
export AZL_CACHE_DIR=$tmp/cache
img=$tmp/disk.img
truncate -s 4G "$img"

cat >"$tmp/a.yaml" <<'YAML'
version: 1
hostname: btrfsbox
storage:
  wipe: all
  table: gpt
  partitions:
    - {mount: /boot, size: 512M, fs: ext4}
    - fs: btrfs
      label: azlbtrfs
      size: grow
      options: ssd
      subvolumes:
        - {name: root, mount: /}
        - {name: home, mount: /home}
        - {name: var, mount: /var, options: noatime}
bootloader: {firmware: bios, timeout: 1}
accounts: {root: {password: "root-secret-1"}}
packages: {install: ["@minimal"]}
YAML
rc=0
"$AZL_BIN" install --answers "$tmp/a.yaml" --disk "$img" --repo "$repo" --yes \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 0 ] || { tail -20 "$tmp/out"; fail "btrfs install: exit $rc"; }

# No udev here: each partition through a loop device of its own, at its
# offset (as storage-lib.sh reads partitions).
part_loop() {
	local start size
	start=$(sfdisk -J "$img" | python3 -c "import json,sys; print(json.load(sys.stdin)['partitiontable']['partitions'][$1-1]['start'])")
	size=$(sfdisk -J "$img" | python3 -c "import json,sys; print(json.load(sys.stdin)['partitiontable']['partitions'][$1-1]['size'])")
	losetup -f --show -o $((start * 512)) --sizelimit $((size * 512)) "$img"
}
loop=$(part_loop 3)
p3=$loop
[ "$(blkid -p -o value -s TYPE "$p3")" = btrfs ] || fail "p3 is not btrfs"
[ "$(blkid -p -o value -s LABEL "$p3")" = azlbtrfs ] || fail "p3 label"
uuid=$(blkid -p -o value -s UUID "$p3")
mkdir "$tmp/mnt"
mount "$p3" "$tmp/mnt"
subs=$(btrfs subvolume list "$tmp/mnt" | awk '{print $NF}' | sort | tr '\n' ' ')
[ "$subs" = "home root var " ] || fail "subvolumes '$subs'"
ok "subvolumes root, home, var on the btrfs partition"

top=$tmp/mnt
grep -q "^UUID=$uuid / btrfs subvol=root,compress=zstd:1,ssd 0 0$" "$top/root/etc/fstab" ||
	fail "fstab has no / line: $(cat "$top/root/etc/fstab")"
grep -q "^UUID=$uuid /home btrfs subvol=home,compress=zstd:1,ssd 0 0$" "$top/root/etc/fstab" ||
	fail "fstab has no /home line"
grep -q "^UUID=$uuid /var btrfs subvol=var,compress=zstd:1,ssd,noatime 0 0$" "$top/root/etc/fstab" ||
	fail "fstab has no /var line"
ok "fstab: subvol=, compress=zstd:1, the partition's and the subvolume's options, by UUID"

# Each subvolume holds its own tree: the rpmdb in root's /usr and var's
# /var, nothing of /var or /home inside root.
ls "$top/root/usr/lib/sysimage/rpm/"* >/dev/null 2>&1 || fail "no rpmdb in the root subvolume"
n=$(rpm --root "$top/root" --dbpath /usr/lib/sysimage/rpm -qa | grep -vc '^gpg-pubkey')
[ "$n" -ge 20 ] || fail "only $n packages in the root subvolume's rpmdb"
rpm --root "$top/root" --dbpath /usr/lib/sysimage/rpm -q btrfs-progs >/dev/null ||
	fail "btrfs-progs is not installed in the target"
[ -z "$(ls -A "$top/root/home" 2>/dev/null)" ] || fail "/home content landed in the root subvolume"
[ -z "$(ls -A "$top/root/var" 2>/dev/null)" ] || fail "/var content landed in the root subvolume"
[ -d "$top/var/lib" ] || fail "the var subvolume has no /var/lib"
ok "rpmdb ($n packages) in the root subvolume; /var and /home in their own"
umount "$tmp/mnt"

# The boot loader's command line and the initramfs's dracut modules.
losetup -d "$loop"
loop=$(part_loop 2)
mount -o ro "$loop" "$tmp/mnt"
grep -rqs "rootflags=subvol=root" "$tmp/mnt/loader/entries" "$tmp/mnt/grub2/grub.cfg" ||
	fail "no rootflags=subvol=root in the boot entries: $(cat "$tmp"/mnt/loader/entries/* 2>/dev/null)"
grep -rqs "root=UUID=$uuid" "$tmp/mnt/loader/entries" "$tmp/mnt/grub2/grub.cfg" || fail "root=UUID of the btrfs missing"
umount "$tmp/mnt"
grep -q -- "--add btrfs" "$tmp/install.log" ||
	fail "dracut was not asked for its btrfs module: $(grep -i dracut "$tmp/install.log" | head -3)"
ok "kernel command line rootflags=subvol=root; dracut --add btrfs"
losetup -d "$loop"
loop=""

# Guided plain + filesystem: btrfs: Fedora's layout, planned.
cat >"$tmp/g.yaml" <<'YAML'
version: 1
storage: {wipe: all, table: gpt, layout: plain, filesystem: btrfs, swap: none}
bootloader: {firmware: uefi}
YAML
"$AZL_BIN" plan --answers "$tmp/g.yaml" --disk "$img" --json >"$tmp/plan.json" 2>"$tmp/plan.err" ||
	fail "guided btrfs plan: $(cat "$tmp/plan.err")"
python3 - "$tmp/plan.json" <<'PY' || fail "guided btrfs plan: $(cat "$tmp/plan.json")"
import json, sys
p = json.load(open(sys.argv[1]))
parts = p["disks"][0]["partitions"]
assert [x["fs"] for x in parts] == ["vfat", "ext4", "btrfs"], parts
assert parts[1]["mount"] == "/boot"
assert parts[2]["subvolumes"] == [{"name": "root", "mount": "/"}, {"name": "home", "mount": "/home"}], parts[2]
mounts = [(a["mount"], a.get("subvol")) for a in p["actions"] if a["op"] == "mount"]
assert ("/", "root") in mounts and ("/home", "home") in mounts, mounts
assert [a["name"] for a in p["actions"] if a["op"] == "subvolume-create"] == ["root", "home"]
PY
ok "guided plain layout with filesystem: btrfs: /boot ext4, subvolumes root and home"
