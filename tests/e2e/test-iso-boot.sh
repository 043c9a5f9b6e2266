#!/bin/bash
# The ISO boots to the live init and the installer, on both firmwares:
#   1. SeaBIOS, the ISO as a CD (El Torito, BIOS): GRUB's menu on the serial
#      console, the default entry, the answer file found on a volume
#      labelled OEMDRV, the installer run with JSON progress; the answer file
#      is invalid on purpose, so the installer's file:line:col error, the
#      failure message and a working shell on the serial console must follow
#      (never a silent hang).
#   2. OVMF, the same ISO file as a USB stick (hybrid GPT + EFI system
#      partition): GRUB's menu, "Rescue shell" chosen with the arrow keys,
#      and a shell that sees UEFI, the medium and the installer.
#   3. SeaBIOS with 272 MiB, too little for the live system: the kernel
#      cannot unpack all of the initramfs, and the live init says so (and
#      how much RAM it needs) instead of failing later on a missing file.
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir iso-boot
e2e_build iso
ISO=$AZL_BUILD_DIR/azl-installer.iso

# An answer file with an unknown key: the installer must name it.
printf 'version: 1\nhostname: e2e\nno_such_key: 1\n' >"$WORK/bad.yaml"
e2e_oemdrv "$WORK/bad.yaml" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 4G "$WORK/disk.img"

echo "== SeaBIOS, ISO as a CD, answer file on OEMDRV =="
t=$(now)
qemu_start bios bios -boot order=d -cdrom "$ISO" \
	-drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on"
console bios reject 'Kernel panic' \
	expect 'Install Azure Linux 4.0' 120 mark grub-menu \
	expect 'azl-live: installer ready after' 180 mark installer-ready \
	expect '\{"phase":"live","percent":0' 10 \
	expect 'azl-answers.yaml:3:1: .*no_such_key' 60 \
	expect '\{"phase":"error","percent":100' 30 \
	expect 'opening a shell on the console' 30 \
	expect 'azl-live:.*# ' 30 \
	send '\n' expect '# ' 10 \
	send 'echo "e2e-$((6*7))"; blkid -t LABEL=OEMDRV -o device\n' \
	expect 'e2e-42' 20 expect '/dev/vd' 10 \
	send 'poweroff -f\n' eof 60
echo "BIOS boot to failure shell: $(since "$t") s"

echo "== OVMF, the ISO as a USB stick, Rescue shell from the menu =="
t=$(now)
qemu_start uefi uefi -device qemu-xhci \
	-drive "if=none,id=stick,file=$ISO,format=raw,readonly=on" \
	-device usb-storage,drive=stick,bootindex=0
# Down, Down, Enter: the third entry. GRUB reads VT100 arrows on serial.
console uefi reject 'Kernel panic' \
	expect 'Install Azure Linux 4.0' 240 mark grub-menu \
	send '\x1b[B' send '\x1b[B' send '\r' \
	expect 'azl.shell given' 180 mark rescue-shell \
	expect 'azl-live:.*# ' 30 \
	send '\n' expect '# ' 10 \
	send 'ls -d /sys/firmware/efi && grep -c " /run/install/repo iso9660" /proc/mounts && azl-installer --version | head -n 1\n' \
	expect '/sys/firmware/efi' 20 expect '^1\s*$' 20 expect 'azl-installer [0-9]' 20 \
	send 'poweroff -f\n' eof 60
echo "UEFI USB boot to rescue shell: $(since "$t") s"

echo "== SeaBIOS with 272 MiB: too little RAM, said =="
t=$(now)
MEM=272 qemu_start small bios -boot order=d -cdrom "$ISO"
console small reject 'Kernel panic' \
	expect 'Install Azure Linux 4.0' 120 mark grub-menu \
	expect 'Initramfs unpacking failed' 120 \
	expect 'azl-live: the live system did not fit into this machine.s RAM \([0-9]+ MiB usable.*give it at least 384 MiB' 60 \
	expect 'opening a shell on the console' 30 \
	expect 'azl-live:.*# ' 30 \
	send 'poweroff -f\n' eof 60
echo "272 MiB boot to the memory message: $(since "$t") s"
