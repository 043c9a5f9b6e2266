#!/bin/bash
# (c) A PXE install: QEMU's built-in iPXE ROM (SeaBIOS, virtio-net) gets
# core.0 (GRUB for PXE, from the pxe target) over QEMU's own TFTP server
# (-netdev user,restrict=on,tftp=,bootfile=), GRUB loads vmlinuz and the
# initramfs over TFTP, the live system fetches the answer file over TFTP
# (its URL holds ${mac}, expanded by the live system) and the packages over
# HTTP (the answer file's repository, with its gpgkey), installs unattended with JSON progress on the serial
# console, powers off; then the installed disk boots to a login.
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir pxe-install
e2e_build pxe demo-repo

tftp=$WORK/tftp
mkdir -p "$tftp/grub"
cp -l "$AZL_BUILD_DIR"/pxe/{vmlinuz,initrd.img,core.0} "$tftp/" 2>/dev/null ||
	cp "$AZL_BUILD_DIR"/pxe/{vmlinuz,initrd.img,core.0} "$tftp/"
mac=52:54:00:e2:e0:01
# GRUB would expand ${mac} itself: single quotes pass it to the kernel.
cat >"$tftp/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=1
menuentry "azl-installer PXE e2e" {
	linux /vmlinuz console=tty0 console=ttyS0,115200 azl.unattended 'azl.answers=tftp://10.0.2.2/answers/\${mac}.yaml'
	initrd /initrd.img
}
CFG
mkdir -p "$tftp/answers"
cat >"$tftp/answers/$mac.yaml" <<YAML
version: 1
hostname: azl-pxe
storage: {disks: [/dev/vda], wipe: all, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages:
  install: ["@minimal"]
  repos: [{name: demo, baseurl: "http://10.0.2.100/", gpgcheck: true, gpgkey: "http://10.0.2.100/RPM-GPG-KEY-azl-demo"}]
finish: poweroff
YAML
e2e_http "$AZL_BUILD_DIR/demo-repo"
truncate -s 6G "$WORK/disk.img"

t=$(now)
qemu_start install bios -boot order=n \
	-netdev "user,id=n0,restrict=on,tftp=$tftp,bootfile=core.0,$HTTP_FWD" \
	-device "virtio-net-pci,netdev=n0,mac=$mac" \
	-drive "file=$WORK/disk.img,if=virtio,format=raw"
console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'azl-installer PXE e2e' 120 mark grub-menu \
	expect "installer ready after .*answers: tftp://10.0.2.2/answers/$mac.yaml" 240 \
	mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 600 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
echo "PXE install: $(since "$t") s"
qemu_wait 60

e2e_boot_installed boot bios "$WORK/disk.img" azl-pxe
