#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A whole BIOS install into a sparse disk image through the real binary
# (storage, packages from the demo repository, configure, boot loader,
# post script in the chroot, finish), read back: GRUB's boot code in the
# MBR and its core image in the BIOS boot partition (written on a loop
# device, where grub-install fails), kernel and initramfs in /boot, the
# BLS entry and grub.cfg with root=UUID and the kernel_args, the finish
# files; then the image boots in QEMU (SeaBIOS, TCG) through GRUB to the
# installed system's login prompt with the answer file's host name.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
for t in losetup sfdisk blkid debugfs qemu-system-x86_64; do
	command -v "$t" >/dev/null || { echo "$t missing: skipped"; exit 77; }
done
repo=$AZL_BUILD_DIR/demo-repo
# Incremental: rebuilt only when iso/demo-repo changed.
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-system-bios.XXXXXX)
cleanup() {
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
img=$tmp/disk.img
truncate -s 4G "$img"

cat >"$tmp/a.yaml" <<'YAML'
version: 1
hostname: biosbox
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
# A GRUB password (kickstart bootloader --password): hashed by the
# installer, entries still boot without it (the QEMU boot below).
bootloader: {firmware: bios, timeout: 1, kernel_args: [console=ttyS0,115200, quiet], password: "grub-secret-1"}
accounts: {root: {password: "root-secret-1"}}
# grub2-pc is not asked for: the plan (BIOS) adds it, as Anaconda does.
packages: {install: ["@minimal"]}
scripts:
  post: [{chroot: true, run: "echo post-ran-in-chroot > /root/post.txt"}]
YAML

# A refused install writes nothing (issue #14): the request is solved
# before storage, so what the packages phase would refuse is refused while
# the image is still all zeros.
export AZL_CACHE_DIR=$tmp/cache
zeros() { [ "$(stat -c %b "$img")" = 0 ] && cmp -s -n "$(stat -c %s "$img")" "$img" /dev/zero; }
refused() { # answers expected-exit grep-pattern what
	local rc=0
	"$AZL_BIN" install --answers "$1" --disk "$img" --repo "$repo" --yes \
		--log "$tmp/refused.log" >"$tmp/refused.out" 2>&1 || rc=$?
	[ "$rc" = "$2" ] || { tail -5 "$tmp/refused.out"; fail "$4: exit $rc, not $2"; }
	grep -q "$3" "$tmp/refused.out" || { tail -5 "$tmp/refused.out"; fail "$4: the message does not say '$3'"; }
	grep -q "nothing was written" "$tmp/refused.out" || fail "$4: does not say nothing was written"
	zeros || fail "$4: the image was written"
	ok "$4: exit $2, the image all zeros"
}
base='storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios}'
printf 'version: 1\n%s\npackages: {install: ["@minimal", opnessh-server]}\n' "$base" >"$tmp/typo.yaml"
refused "$tmp/typo.yaml" 1 "'opnessh-server'" "a misspelt package"
printf 'version: 1\n%s\nnetwork: {interfaces: [{name: eth0, dhcp4: true}]}\npackages: {install: ["@minimal"], exclude: [NetworkManager]}\n' \
	"$base" >"$tmp/nonm.yaml"
refused "$tmp/nonm.yaml" 2 "neither NetworkManager nor systemd-networkd" "a network and NetworkManager excluded"
# A repository without the NetworkManager the plan adds for a network.
# (-L: under make check build-san/demo-repo is a link to build/demo-repo;
# copying the link would make the test delete from the shared repository)
cp -rL "$repo" "$tmp/lean"
cp "$(ls "$repo"/repodata/*comps*.xml | head -1)" "$tmp/comps.xml"
cp -rL "$repo" "$tmp/shrinks"
rm "$tmp"/lean/Packages/NetworkManager-[0-9]*.rpm
createrepo_c --quiet --groupfile "$tmp/comps.xml" "$tmp/lean"
lean() { # answers-file extra-yaml: the lean repository, a network
	printf 'version: 1\n%s\nnetwork: {interfaces: [{name: eth0, dhcp4: true}]}\npackages:\n  repos: [{name: lean, baseurl: "file://%s", gpgcheck: false}]\n  install: ["@minimal"]\n%s' \
		"$base" "$tmp/lean" "$2" >"$1"
}
lean "$tmp/lean.yaml" ""
repo=$tmp/lean refused "$tmp/lean.yaml" 2 "needs 'NetworkManager', which no repository has" \
	"a repository without the NetworkManager the plan adds"
# The check passes, then the repository loses a package before the
# packages phase (a pre script): the disk was written, so exit 3.
lean "$tmp/shrinks.yaml" "scripts:
  pre: [{run: \"rm $tmp/shrinks/Packages/NetworkManager-[0-9]*.rpm && createrepo_c --quiet --groupfile $tmp/comps.xml $tmp/shrinks\"}]
"
sed -i "s#$tmp/lean#$tmp/shrinks#" "$tmp/shrinks.yaml"
rc=0
"$AZL_BIN" install --answers "$tmp/shrinks.yaml" --disk "$img" --yes \
	--log "$tmp/shrinks.log" >"$tmp/shrinks.out" 2>&1 || rc=$?
[ "$rc" = 3 ] || { tail -5 "$tmp/shrinks.out"; fail "a repository changed after the check: exit $rc, not 3"; }
grep -q "'NetworkManager'" "$tmp/shrinks.out" || fail "a repository changed after the check: NetworkManager not named"
ok "a repository that loses a package after the check, disks written: exit 3"
truncate -s 0 "$img"
truncate -s 4G "$img"
unset AZL_CACHE_DIR

# (its PID: the install mounts under /run/azl-installer/PID/target; other
# installs on this machine have their own and are not this test's)
"$BASH" -c 'echo $$ >"$0"; exec "$@"' "$tmp/install.pid" \
	"$AZL_BIN" install --answers "$tmp/a.yaml" --disk "$img" --repo "$repo" --yes \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || { cat "$tmp/out"; tail -20 "$tmp/install.log"; fail "install failed"; }
ok "installed into $img"
[ -z "$(losetup -n -O NAME,BACK-FILE -l | grep "$tmp/")" ] || fail "loop device left attached"
run_dir=/run/azl-installer/$(cat "$tmp/install.pid")
grep -q " $run_dir/" /proc/mounts && fail "target left mounted: $(grep " $run_dir/" /proc/mounts)"
ok "everything unmounted and detached"

# Boot code: GRUB's boot.img in the MBR, its core image in the BIOS boot
# partition (first sector = the core's diskboot, same as core.img).
dd if="$img" bs=512 count=1 2>/dev/null | grep -aq GRUB || fail "no GRUB boot code in the MBR"
read -r bb_start bb_size < <(sfdisk -d "$img" | awk -F'[=,]' '/21686148-6449-6E6F-744E-656564454649/ {gsub(/ /,""); print $2, $4}')
[ -n "$bb_start" ] || fail "no BIOS boot partition"
loop=$(losetup -f --show -P -r "$img")
root=$(sfdisk -d "$img" | awk '/name="root"/ {print $1}'); root=${loop}p${root##*img}
boot=$(sfdisk -d "$img" | awk '/name="boot"/ {print $1}'); boot=${loop}p${boot##*img}
partx -a "$loop" 2>/dev/null || true
root_uuid=$(blkid -s UUID -o value "$root")
boot_uuid=$(blkid -s UUID -o value "$boot")
core=$tmp/core.img
debugfs -R "dump /grub2/i386-pc/core.img $core" "$boot" >/dev/null 2>&1
[ -s "$core" ] || fail "no /boot/grub2/i386-pc/core.img"
# grub-bios-setup patches the first sector (the blocklist) and the
# decompressor's header (Reed-Solomon data); from byte 1024 on, the core
# is byte for byte what grub2-mkimage made.
size=$(stat -c %s "$core")
cmp -i 1024 -n $((size - 1024)) "$core" <(dd if="$img" bs=512 skip="$bb_start" count="$bb_size" 2>/dev/null) ||
	fail "the BIOS boot partition does not hold core.img"
ok "boot.img in the MBR, core.img in the BIOS boot partition"

dump() { debugfs -R "cat $2" "$1" 2>/dev/null; }
debugfs -R "ls -l /usr/lib/sysimage/rpm" "$root" 2>/dev/null | grep rpmdb.sqlite >/dev/null ||
	debugfs -R "ls -l /usr/lib/sysimage/rpm" "$root" 2>/dev/null | grep Packages >/dev/null ||
	fail "no rpmdb at /usr/lib/sysimage/rpm"
grep -q "grub2-pc" "$tmp/install.log" || fail "grub2-pc (added by the plan) is not in the install log"

kver=$(debugfs -R "ls -l /" "$boot" 2>/dev/null | awk '/vmlinuz-/ {sub("vmlinuz-", "", $NF); print $NF}' | head -1)
[ -n "$kver" ] || fail "no kernel in /boot"
debugfs -R "ls -l /" "$boot" 2>/dev/null | grep "initramfs-$kver.img" >/dev/null || fail "no initramfs"
bls=$(dump "$boot" "/loader/entries/azurelinux-$kver.conf")
grep -qx "linux /vmlinuz-$kver" <<<"$bls" || fail "BLS linux line: $bls"
grep -qx "options root=UUID=$root_uuid ro console=ttyS0,115200 quiet" <<<"$bls" || fail "BLS options: $bls"
cfg=$(dump "$boot" /grub2/grub.cfg)
grep -q "search --no-floppy --fs-uuid --set=root $boot_uuid" <<<"$cfg" || fail "grub.cfg does not find /boot by UUID"
grep -q "set timeout=1" <<<"$cfg" || fail "timeout"
grep -q "linux /vmlinuz-$kver root=UUID=$root_uuid ro console=ttyS0,115200 quiet" <<<"$cfg" || fail "grub.cfg entry"
ok "kernel, initramfs, BLS entry and grub.cfg (root=UUID, kernel_args, /boot by UUID)"

# bootloader.password: superuser root with a PBKDF2 hash of the password
# (checked by computing it), entries unrestricted, no plaintext anywhere.
grep -qx 'set superusers="root"' <<<"$cfg" || fail "grub.cfg: no superusers"
pbk=$(sed -n 's/^password_pbkdf2 root //p' <<<"$cfg")
python3 - "$pbk" <<'PY' || fail "grub.cfg: password_pbkdf2 is not the hash of the password: $pbk"
import hashlib, sys
alg, kdf, md, it, salt, key = sys.argv[1].split(".")
assert (alg, kdf, md, it) == ("grub", "pbkdf2", "sha512", "10000")
got = hashlib.pbkdf2_hmac("sha512", b"grub-secret-1", bytes.fromhex(salt), int(it))
assert got.hex().upper() == key and len(salt) == 128
PY
grep -q "^menuentry .* --unrestricted {" <<<"$cfg" || grep -x "grub_arg --unrestricted" >/dev/null <<<"$bls" ||
	fail "grub.cfg: entries are not --unrestricted"
! grep -aq "grub-secret-1" "$tmp/install.log" "$tmp/out" || fail "the GRUB password is in the log or output"
# (zeros dropped first: grep would hold the sparse image's zeros as one line)
[ "$(LC_ALL=C tr -d '\000' <"$img" | grep -acF "grub-secret-1")" = 0 ] || fail "the GRUB password is in plaintext on the disk"
ok "GRUB password: superusers + password_pbkdf2 (hash verified), entries unrestricted, no plaintext on disk or in the log"

[ "$(dump "$root" /root/post.txt)" = post-ran-in-chroot ] || fail "post script"
dump "$root" /root/azl-installer-answers.yaml | grep 'password_hash: "\$y\$' >/dev/null || fail "answer file"
dump "$root" /var/log/azl-installer/install.log | grep "GRUB for BIOS" >/dev/null || fail "log"
ok "post script ran in the chroot; answer file and log in the target"
losetup -d "$loop"

# Boot it: SeaBIOS -> GRUB -> kernel -> initramfs -> root by UUID -> login.
timeout 240 qemu-system-x86_64 -accel tcg -m 768 -nographic -no-reboot \
	-drive file="$img",format=raw,if=virtio \
	-netdev user,id=n,restrict=on -device virtio-net,netdev=n \
	>"$tmp/serial.log" 2>&1 &
qpid=$!
for _ in $(seq 240); do
	grep -aq "biosbox login:" "$tmp/serial.log" && break
	kill -0 $qpid 2>/dev/null || break
	sleep 1
done
kill $qpid 2>/dev/null || true
wait $qpid 2>/dev/null || true
grep -aq "GRUB" "$tmp/serial.log" || { tail -c 2000 "$tmp/serial.log"; fail "GRUB did not start"; }
grep -aq "biosbox login:" "$tmp/serial.log" || { tail -c 3000 "$tmp/serial.log"; fail "no login prompt"; }
ok "QEMU (SeaBIOS): GRUB, kernel, installed system's login prompt"
echo "all BIOS boot loader checks passed"
