#!/bin/bash
# (c) A PXE install: QEMU's built-in iPXE ROM (SeaBIOS, virtio-net) gets
# core.0 (GRUB for PXE, from the pxe target) over QEMU's own TFTP server
# (-netdev user,restrict=on,tftp=,bootfile=), GRUB loads vmlinuz and the
# initramfs over TFTP, the live system fetches a KICKSTART over TFTP
# (inst.ks=, its URL holds ${mac}, expanded by the live system) in the
# upstream Azure Linux 4.0 ISO's LVM shape (part /boot, part pv.01 --grow,
# volgroup, logvol / and swap: a custom volume group) and the packages over
# HTTP from azl.repo= with the key azl.repo.gpgkey= names and
# azl.repo.gpgkey.fingerprint= pins, installs
# unattended with JSON progress on the serial console, powers off; then the
# installed disk boots to a login (its initramfs activates the VG).
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir pxe-install
e2e_build pxe demo-repo

tftp=$WORK/tftp
mkdir -p "$tftp/grub"
cp -l "$AZL_BUILD_DIR"/pxe/{vmlinuz,initrd.img,core.0} "$tftp/" 2>/dev/null ||
	cp "$AZL_BUILD_DIR"/pxe/{vmlinuz,initrd.img,core.0} "$tftp/"
mac=52:54:00:e2:e0:01
# The key comes over HTTP: trusted only with its fingerprint pinned.
mkdir -p -m 700 "$WORK/gnupg"
fpr=$(GNUPGHOME=$WORK/gnupg gpg --show-keys --with-colons "$AZL_BUILD_DIR/demo-repo/RPM-GPG-KEY-azl-demo" 2>/dev/null |
	awk -F: '/^fpr/ && !f {print $10; f = 1}')
[ -n "$fpr" ] || { echo "e2e: no fingerprint of the demo key"; exit 1; }
# GRUB would expand ${mac} itself: single quotes pass it to the kernel.
cat >"$tftp/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=1
menuentry "azl-installer PXE e2e" {
	linux /vmlinuz console=tty0 console=ttyS0,115200 azl.unattended 'inst.ks=tftp://10.0.2.2/answers/\${mac}.ks' azl.repo=http://10.0.2.100/ azl.repo.gpgkey=http://10.0.2.100/RPM-GPG-KEY-azl-demo azl.repo.gpgkey.fingerprint=$fpr
	initrd /initrd.img
}
CFG
mkdir -p "$tftp/answers"
cat >"$tftp/answers/$mac.ks" <<KS
# The upstream Azure Linux 4.0 ISO's LVM layout (BIOS, smaller sizes)
text
lang en_US.UTF-8
keyboard us
timezone Etc/UTC --utc
network --hostname=azl-pxe
rootpw --iscrypted $E2E_ROOT_HASH
ignoredisk --only-use=vda
zerombr
clearpart --all --initlabel
reqpart
part /boot --fstype=ext4 --size=512
part pv.01 --size=1 --grow
volgroup azurelinux pv.01
logvol / --vgname=azurelinux --name=root --fstype=ext4 --size=2048 --grow
logvol swap --vgname=azurelinux --name=swap --size=256
bootloader --location=mbr --timeout=1 --append="console=ttyS0,115200"
poweroff

%packages
@minimal
%end
KS
e2e_http "$AZL_BUILD_DIR/demo-repo"
truncate -s 6G "$WORK/disk.img"

t=$(now)
qemu_start install bios -boot order=n \
	-netdev "user,id=n0,restrict=on,tftp=$tftp,bootfile=core.0,$HTTP_FWD" \
	-device "virtio-net-pci,netdev=n0,mac=$mac" \
	-drive "file=$WORK/disk.img,if=virtio,format=raw"
console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'azl-installer PXE e2e' 120 mark grub-menu \
	expect "installer ready after .*answers: tftp://10.0.2.2/answers/$mac.ks" 240 \
	mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 600 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
echo "PXE install: $(since "$t") s"
qemu_wait 60

e2e_boot_installed boot bios "$WORK/disk.img" azl-pxe
