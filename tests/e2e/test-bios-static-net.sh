#!/bin/bash
# (b) BIOS (SeaBIOS): the ISO as a CD, an unattended plain-layout install
# whose network has a static address on one interface and DHCP on another
# found by its MAC; finish: reboot (the live system ejects the medium and
# QEMU, started with -no-reboot, stops); then the installed disk boots to a
# login and the NetworkManager keyfiles written for both interfaces are
# checked there. The target disk is a SATA disk on q35's AHCI controller,
# named in the answer file by the /dev/disk/by-id/ata-MODEL_SERIAL link udev
# would make (the live system has no udev: the installer makes the name
# from sysfs); the installed system must have / on sdaN behind ahci
# (issue #16, disk families).
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir bios-static-net
e2e_build iso

mac1=52:54:00:e2:e0:11
mac2=52:54:00:e2:e0:12
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: azl-bios
storage: {disks: [/dev/disk/by-id/ata-QEMU_HARDDISK_AZLSATA0001], wipe: all, table: msdos, layout: plain, filesystem: ext4, swap: 128M}
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
scripts:
  pre:
    # What the installer sees of the SATA disk in the live system.
    - run: |
        azl-installer probe --json | tr -d '\n' | grep -o '"serial": *"[^"]*"\|/dev/disk/by-id/[^"]*' | sed 's/^/PROBE /' >/dev/console
        echo "WWID \$(cat /sys/class/block/sda/device/wwid); \$(ls /sys/class/block/sda/device | grep vpd | tr '\n' ' ')" >/dev/console
finish: reboot
YAML
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 6G "$WORK/disk.img"
# The target: a SATA disk on the first port of q35's AHCI (the CD is on
# the third).
sata=(-drive "if=none,id=sata0,file=$WORK/disk.img,format=raw"
	-device "ide-hd,drive=sata0,bus=ide.0,serial=AZLSATA0001")

t=$(now)
qemu_start install bios -boot order=d -cdrom "$AZL_BUILD_DIR/azl-installer.iso" \
	"${sata[@]}" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on" \
	-netdev user,id=n1,restrict=on -device "virtio-net-pci,netdev=n1,mac=$mac1" \
	-netdev user,id=n2,restrict=on -device "virtio-net-pci,netdev=n2,mac=$mac2"
console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'Install Azure Linux 4.0' 120 mark grub-menu \
	expect 'installer ready after' 240 mark installer-ready \
	expect '^PROBE "serial": *"AZLSATA0001"' 300 \
	expect '^PROBE /dev/disk/by-id/ata-QEMU_HARDDISK_AZLSATA0001' 30 \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
echo "BIOS plain install: $(since "$t") s"
qemu_wait 60

# The installed system: login, then what was written for the two NICs.
qemu_start boot bios "${sata[@]}" \
	-netdev user,id=n1,restrict=on -device "virtio-net-pci,netdev=n1,mac=$mac1" \
	-netdev user,id=n2,restrict=on -device "virtio-net-pci,netdev=n2,mac=$mac2"
t=$(now)
console boot reject 'Kernel panic' \
	expect 'login: *$' 400 mark login-prompt \
	send 'root\n' expect 'Password: *$' 30 send 'azl-e2e\n' \
	expect '# ' 60 send '\n' expect '# ' 10 \
	send 'cat /etc/hostname; grep -rlsi "192.0.2.10" /etc/NetworkManager /etc/systemd/network; grep -rlsi "'"$mac2"'" /etc/NetworkManager /etc/systemd/network\n' \
	expect '^azl-bios' 30 expect '^/etc/.*' 30 expect '^/etc/.*' 30 \
	send "$E2E_ROOT_DISK_CMD sda\n" \
	expect '^root=sda[0-9]+\s*$' 30 expect '^sda-driver=ahci\s*$' 30 \
	send 'poweroff\n'
echo "BIOS installed system to login: $(since "$t") s"
qemu_wait 120 || :
