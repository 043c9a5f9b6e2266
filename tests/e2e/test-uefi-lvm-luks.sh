#!/bin/bash
# (a) UEFI (OVMF): the ISO as a CD, an unattended install of the guided LVM
# layout with LUKS2 (answer file on a volume labelled OEMDRV), JSON progress
# on the serial console, finish: poweroff; then the installed disk boots
# with the same variable store, its initramfs asks for the passphrase on
# the serial console, the test types it, and the system reaches a login.
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir uefi-lvm-luks
e2e_build iso

pass="e2e luks passphrase"
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: azl-uefi
storage:
  disks: [/dev/vda]
  wipe: all
  layout: lvm
  filesystem: ext4
  swap: none
  encryption: {passphrase: "$pass"}
bootloader: {firmware: uefi, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages: {install: ["@minimal"]}
finish: poweroff
YAML
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 8G "$WORK/disk.img"

t=$(now)
qemu_start install uefi -boot order=d -cdrom "$AZL_BUILD_DIR/azl-installer.iso" \
	-drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on"
console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'Install Azure Linux 4.0' 240 mark grub-menu \
	expect 'installer ready after' 240 mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
echo "UEFI LVM+LUKS install: $(since "$t") s"
qemu_wait 60

e2e_boot_installed boot uefi "$WORK/disk.img" azl-uefi "$pass"
