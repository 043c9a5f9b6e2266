#!/bin/bash
# The live environment assembled from the repository instead of the build
# machine (what `cmake -DAZL_LIVE_FROM_REPO=ON` builds, docs/live.md): the
# same two steps iso/iso.cmake runs — `azl-installer install --root
# SYSROOT --answers iso/live/live-sysroot.yaml --repo REPO`, then
# iso/live/mkinitramfs.sh --sysroot SYSROOT (kernel, modules, busybox,
# mkfs/lvm/cryptsetup/grub/efibootmgr from the RPMs) — and mkiso.sh; then
# OVMF boots that ISO, installs the guided LVM layout unattended from an
# OEMDRV volume (efibootmgr from the repository writes the NVRAM entry),
# and the installed disk boots to a login. The demo repository stands in
# for an Azure Linux mirror here (no mirror is reachable from CI).
# The target disk has 4 KiB logical sectors (a 4Kn virtio-blk disk, issue
# #16): the GPT is read at LBA 1 = byte 4096 of the image, and inside the
# booted system the disk reports 4096-byte logical blocks.
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir live-from-repo
e2e_build azl-installer demo-repo

repo=$AZL_BUILD_DIR/demo-repo
sys=$WORK/sysroot
t=$(now)
"$AZL_BUILD_DIR/azl-installer" install --root "$sys" \
	--answers "$AZL_SOURCE_DIR/iso/live/live-sysroot.yaml" --repo "$repo" \
	>"$WORK/sysroot.log" 2>&1 || {
	tail -n 20 "$WORK/sysroot.log"
	echo "e2e: installing the live sysroot from $repo failed"
	exit 1
}
# What mkinitramfs must find in the sysroot, not on the build machine.
for f in usr/bin/busybox usr/bin/blkid usr/bin/lvm usr/bin/cryptsetup \
	usr/bin/mkfs.xfs usr/bin/efibootmgr usr/bin/grub2-install; do
	[ -e "$sys/$f" ] || { echo "e2e: the sysroot has no /$f"; exit 1; }
done
rpm --root "$sys" --dbpath /usr/lib/sysimage/rpm -q efibootmgr util-linux kernel-modules >/dev/null || {
	echo "e2e: the sysroot's rpmdb lacks its packages"
	exit 1
}
bash "$AZL_SOURCE_DIR/iso/live/mkinitramfs.sh" --installer "$AZL_BUILD_DIR/azl-installer" \
	--sysroot "$sys" --out "$WORK/initrd.img" --vmlinuz-out "$WORK/vmlinuz" \
	>"$WORK/mkinitramfs.log" 2>&1 || {
	tail -n 20 "$WORK/mkinitramfs.log"
	echo "e2e: mkinitramfs.sh --sysroot failed"
	exit 1
}
grep -q "^mkinitramfs.sh: $WORK/initrd.img:" "$WORK/mkinitramfs.log" || {
	cat "$WORK/mkinitramfs.log"
	exit 1
}
bash "$AZL_SOURCE_DIR/iso/boot/mkiso.sh" --kernel "$WORK/vmlinuz" --initrd "$WORK/initrd.img" \
	--repo "$repo" --out "$WORK/live.iso" >"$WORK/mkiso.log" 2>&1 || {
	tail -n 20 "$WORK/mkiso.log"
	echo "e2e: mkiso.sh failed"
	exit 1
}
echo "live environment from the repository: $(since "$t") s ($(grep -o '[0-9]* MiB (zstd)' "$WORK/mkinitramfs.log"))"

cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: azl-fromrepo
storage: {disks: [/dev/vda], wipe: all, layout: lvm, filesystem: xfs, swap: 256M}
bootloader: {firmware: uefi, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
finish: poweroff
YAML
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 6G "$WORK/disk.img"
# The target: a virtio-blk disk with 4096-byte logical and physical sectors.
E2E_DISK_DEVICE=virtio-blk-pci,logical_block_size=4096,physical_block_size=4096

t=$(now)
qemu_start install uefi -boot order=d -cdrom "$WORK/live.iso" \
	-drive "if=none,id=d0,file=$WORK/disk.img,format=raw" -device "$E2E_DISK_DEVICE,drive=d0" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on"
console install reject 'Kernel panic' reject '"phase":"error"' \
	reject 'efibootmgr is missing' \
	expect 'Install Azure Linux 4.0' 240 mark grub-menu \
	expect 'installer ready after .*answers: ' 240 mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
echo "UEFI install from the repository-built live system: $(since "$t") s"
qemu_wait 60
# efibootmgr (from the repository) made the entry the firmware boots.
python3 "$E2E_DIR/efivars.py" "$WORK/vars.fd" --first-is 'Azure Linux 4.0' \
	'\EFI\azurelinux\shimx64.efi' >"$WORK/efivars.log" 2>&1 || {
	cat "$WORK/efivars.log"
	echo "e2e: no NVRAM boot entry from the live system's efibootmgr"
	exit 1
}

# A GPT made for 4 KiB sectors: its header at LBA 1, byte 4096 (with
# 512-byte sectors it would be at 512).
python3 - "$WORK/disk.img" <<'EOF' || exit 1
import sys
with open(sys.argv[1], "rb") as f:
    f.seek(4096)
    h = f.read(8)
    f.seek(512)
    l = f.read(8)
if h != b"EFI PART" or l == b"EFI PART":
    sys.exit("e2e: no GPT header at byte 4096 of the 4Kn disk (at 4096: %r, at 512: %r)" % (h, l))
EOF

# shellcheck disable=SC2016 # expanded in the guest
E2E_BOOT_STEPS=(send 'echo lbs=$(cat /sys/block/vda/queue/logical_block_size)/$(cat /sys/block/vda/queue/physical_block_size)\n'
	expect '^lbs=4096/4096\s*$' 30 expect '# ' 10
	send "$E2E_ROOT_DISK_CMD vda\n" expect '^vda-driver=virtio_blk\s*$' 30 expect '# ' 10)
e2e_boot_installed boot uefi "$WORK/disk.img" azl-fromrepo
