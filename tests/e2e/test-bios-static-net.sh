#!/bin/bash
# (b) BIOS (SeaBIOS): the ISO as a CD, an unattended plain-layout install
# whose network has a static address on one interface and DHCP on another
# found by its MAC; finish: reboot (the live system ejects the medium and
# QEMU, started with -no-reboot, stops); then the installed disk boots to a
# login and the NetworkManager keyfiles written for both interfaces are
# checked there.
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir bios-static-net
e2e_build iso

mac1=52:54:00:e2:e0:11
mac2=52:54:00:e2:e0:12
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: azl-bios
storage: {disks: [/dev/vda], wipe: all, table: msdos, layout: plain, filesystem: ext4, swap: 128M}
bootloader: {firmware: bios, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
network:
  interfaces:
    - name: eth0
      addresses: [192.0.2.10/24]
      gateway4: 192.0.2.1
      dns: [192.0.2.53]
    - match: {mac: "$mac2"}
      dhcp4: true
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages: {install: ["@minimal", NetworkManager]}
finish: reboot
YAML
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 6G "$WORK/disk.img"

t=$(now)
qemu_start install bios -boot order=d -cdrom "$AZL_BUILD_DIR/azl-installer.iso" \
	-drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on" \
	-netdev user,id=n1,restrict=on -device "virtio-net-pci,netdev=n1,mac=$mac1" \
	-netdev user,id=n2,restrict=on -device "virtio-net-pci,netdev=n2,mac=$mac2"
console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'Install Azure Linux 4.0' 120 mark grub-menu \
	expect 'installer ready after' 240 mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
echo "BIOS plain install: $(since "$t") s"
qemu_wait 60

# The installed system: login, then what was written for the two NICs.
qemu_start boot bios -drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-netdev user,id=n1,restrict=on -device "virtio-net-pci,netdev=n1,mac=$mac1" \
	-netdev user,id=n2,restrict=on -device "virtio-net-pci,netdev=n2,mac=$mac2"
t=$(now)
console boot reject 'Kernel panic' \
	expect 'login: *$' 400 mark login-prompt \
	send 'root\n' expect 'Password: *$' 30 send 'azl-e2e\n' \
	expect '# ' 60 send '\n' expect '# ' 10 \
	send 'cat /etc/hostname; grep -rlsi "192.0.2.10" /etc/NetworkManager /etc/systemd/network; grep -rlsi "'"$mac2"'" /etc/NetworkManager /etc/systemd/network\n' \
	expect '^azl-bios' 30 expect '^/etc/.*' 30 expect '^/etc/.*' 30 \
	send 'poweroff\n'
echo "BIOS installed system to login: $(since "$t") s"
qemu_wait 120 || :
