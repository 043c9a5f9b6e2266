#!/bin/bash
# Secure Boot from the ISO to the installed system (docs/secure-boot.md),
# on OVMF with Microsoft's keys enrolled and Secure Boot enforcing
# (OVMF_CODE_4M.ms.fd + OVMF_VARS_4M.ms.fd, SMM on), one variable store
# for every boot:
#   1. the ISO as a USB disk (the GPT's EFI partition): shim -> signed
#      GRUB -> signed kernel up to the live installer, then stopped;
#   2. the ISO as a CD (El Torito): the same chain, an unattended install
#      (answer file on OEMDRV); the live environment loads its modules
#      under lockdown (virtio_blk, ext4, vfat ... are modules);
#   3. the installed disk boots through the NVRAM entry for shim; inside,
#      the kernel said "secureboot: Secure boot enabled", lockdown is on
#      and the install log saw Secure Boot on;
#   The target disk of 2-4 is a SCSI disk on virtio-scsi (issue #16),
#   chosen in the answer file by match: {model: ...}; inside, / is on
#   sdaN behind virtio_scsi;
#   4. negative control: a copy of the installed disk with Debian's signed
#      GRUB replaced by the demo repository's unsigned self-built GRUB on
#      the ESP: shim refuses it (Security Violation), nothing boots.
. "$(dirname "$0")/lib.sh"
e2e_requirements
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.ms.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
for f in "$OVMF_CODE" "$OVMF_VARS"; do
	[ -f "$f" ] || { echo "SKIP: no $f (package ovmf)"; exit 77; }
done
e2e_workdir secure-boot
e2e_build iso
# Secure Boot OVMF keeps its variables behind SMM.
SB=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)
iso=$AZL_BUILD_DIR/azl-installer.iso

# 1. The ISO as a USB stick: the firmware boots the GPT's EFI partition.
t=$(now)
qemu_start usb uefi "${SB[@]}" -drive "file=$iso,if=virtio,format=raw,readonly=on"
console usb reject 'Kernel panic' reject 'Security Violation' \
	reject 'bad shim signature' \
	expect 'Install Azure Linux 4.0' 240 mark grub-menu \
	expect 'installer ready after' 300 mark installer-ready
qemu_kill
echo "ISO as a USB disk under Secure Boot, to the installer: $(since "$t") s"

cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: azl-sb
storage: {disks: [{match: {model: QEMU HARDDISK}}], wipe: all, layout: plain, filesystem: ext4, swap: none}
bootloader:
  firmware: uefi
  secure_boot: required
  timeout: 1
  kernel_args: ["console=ttyS0,115200"]
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages: {install: ["@minimal"]}
finish: poweroff
YAML
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 6G "$WORK/disk.img"
# The target: a SCSI disk on a virtio-scsi controller.
scsi=(-device "virtio-scsi-pci,id=scsi0" -drive "if=none,id=scsidisk0,file=$WORK/disk.img,format=raw"
	-device "scsi-hd,drive=scsidisk0,bus=scsi0.0")

# 2. The ISO as a CD, an unattended install.
t=$(now)
qemu_start install uefi "${SB[@]}" -boot order=d -cdrom "$iso" \
	"${scsi[@]}" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on"
console install reject 'Kernel panic' reject '"phase":"error"' \
	reject 'Security Violation' reject 'bad shim signature' \
	expect 'Install Azure Linux 4.0' 240 mark grub-menu \
	expect 'installer ready after' 300 mark installer-ready \
	expect '\{"phase":"packages"' 600 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
echo "install from the ISO as a CD under Secure Boot: $(since "$t") s"
qemu_wait 60

# The ESP before the installed system boots: Debian's signed GRUB reads
# /EFI/debian/grub.cfg (its built-in prefix), and the installer put it
# there; the signed images are the packages' own.
export MTOOLS_SKIP_CHECK=1
esp_off=$(sfdisk -J "$WORK/disk.img" | python3 -c '
import json, sys
t = json.load(sys.stdin)["partitiontable"]
for p in t["partitions"]:
    if p["type"].upper() == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B":
        print(p["start"] * t.get("sectorsize", 512))')
esp="$WORK/disk.img@@$esp_off"
mtype -i "$esp" ::/EFI/debian/grub.cfg | grep -q -- '--fs-uuid' || {
	mdir -/ -i "$esp" ::/EFI || :
	echo "e2e: no grub.cfg at the signed GRUB's prefix \\EFI\\debian"
	exit 1
}
mcopy -n -i "$esp" ::/EFI/azurelinux/grubx64.efi "$WORK/grub-signed.efi"
sbverify --list "$WORK/grub-signed.efi" | grep -q 'Debian Secure Boot' ||
	{ echo "e2e: \\EFI\\azurelinux\\grubx64.efi is not Debian's signed GRUB"; exit 1; }
cp --sparse=always "$WORK/disk.img" "$WORK/unsigned.img"

# 3. The installed disk, with the variable store the install left.
t=$(now)
qemu_start boot uefi "${SB[@]}" "${scsi[@]}" \
	-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
console boot reject 'Kernel panic' reject 'Security Violation' \
	expect 'secureboot: Secure boot enabled' 300 mark kernel-secure-boot \
	expect 'login: *$' 400 mark login-prompt \
	send 'root\n' expect 'Password: *$' 30 send 'azl-e2e\n' \
	expect '# ' 60 send '\n' expect '# ' 10 \
	send '[ -e /sys/kernel/security/lockdown ] || mount -t securityfs none /sys/kernel/security\n' \
	expect '# ' 10 \
	send 'echo lockdown=$(cat /sys/kernel/security/lockdown)\n' \
	expect 'lockdown=.*\[(integrity|confidentiality)\]' 30 mark lockdown \
	send 'dmesg | grep -c "Secure boot enabled"; grep -h "Secure Boot on" /var/log/azl-installer/* | head -n 1\n' \
	expect 'this machine: UEFI, Secure Boot on, setup mode off' 30 \
	expect '# ' 10 send "$E2E_ROOT_DISK_CMD sda\n" \
	expect '^root=sda[0-9]+\s*$' 30 expect '^sda-driver=virtio_scsi\s*$' 30 \
	expect '# ' 10 send 'poweroff\n'
qemu_wait 120 || :
echo "installed system under Secure Boot to a shell: $(since "$t") s"
grep -a -q 'BdsDxe: starting Boot[0-9A-F]* "Azure Linux 4.0" from HD(.*\\EFI\\azurelinux\\shimx64.efi' "$WORK/boot.log" ||
	{ echo "e2e: the firmware did not start shim through the NVRAM entry"; exit 1; }

# 4. Negative control: the unsigned GRUB the demo repository also ships
# (grub-mkimage on the build machine), where shim looks for grubx64.efi.
grub_rpm=$(ls "$AZL_BUILD_DIR"/demo-repo/Packages/grub2-efi-x64-*.rpm)
rpm2cpio "$grub_rpm" | (cd "$WORK" && cpio -i --quiet --to-stdout \
	./usr/lib/grub/x86_64-efi/monolithic/grubx64.efi >grub-unsigned.efi)
if sbverify --list "$WORK/grub-unsigned.efi" 2>/dev/null | grep -q 'signature 1'; then
	echo "e2e: the control GRUB is signed"
	exit 1
fi
uesp="$WORK/unsigned.img@@$esp_off"
mcopy -o -i "$uesp" "$WORK/grub-unsigned.efi" ::/EFI/azurelinux/grubx64.efi
mcopy -o -i "$uesp" "$WORK/grub-unsigned.efi" ::/EFI/BOOT/grubx64.efi
t=$(now)
qemu_start unsigned uefi "${SB[@]}" "${scsi[@]/disk.img/unsigned.img}"
console unsigned reject 'Linux version' reject 'login: *$' \
	expect 'Security Violation' 240 mark shim-refused
qemu_kill
echo "unsigned GRUB refused by shim under Secure Boot: $(since "$t") s"
