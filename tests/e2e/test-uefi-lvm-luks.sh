#!/bin/bash
# (a) UEFI (OVMF): the ISO as a CD, an unattended install of the guided LVM
# layout with LUKS2 (answer file on a volume labelled OEMDRV), JSON progress
# on the serial console, finish: poweroff; then the installed disk boots
# with the same variable store, its initramfs asks for the passphrase on
# the serial console, the test types it, and the system reaches a login.
# Between the two, the installed disk's ESP is read with mtools (shim as
# \EFI\BOOT\BOOTX64.EFI and in \EFI\azurelinux\ with GRUB next to it,
# a grub.cfg that finds /boot by its UUID) and the variable store the
# install VM used is parsed (tests/e2e/efivars.py): BootOrder must start
# with efibootmgr's "Azure Linux 4.0" entry for shim; the boot of the
# installed disk must then show OVMF loading that entry, not a fallback.
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
packages: {install: ["@minimal"]}  # shim-x64: added by the installer for UEFI
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

# The ESP as the installer left it.
t=$(now)
export MTOOLS_SKIP_CHECK=1
parts=$(sfdisk -J "$WORK/disk.img" | python3 -c '
import json, sys
t = json.load(sys.stdin)["partitiontable"]
for p in t["partitions"]:
    print(p["type"].upper(), p["start"] * t.get("sectorsize", 512))')
esp_off=$(awk '$1 == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" { print $2 }' <<<"$parts")
[ -n "$esp_off" ] || { echo "e2e: no ESP on the installed disk: $parts"; exit 1; }
esp="$WORK/disk.img@@$esp_off"
mkdir -p "$WORK/esp"
for f in BOOT/BOOTX64.EFI BOOT/grubx64.efi azurelinux/shimx64.efi \
	azurelinux/grubx64.efi azurelinux/grub.cfg; do
	mcopy -n -i "$esp" "::/EFI/$f" "$WORK/esp/${f/\//-}" || {
		mdir -/ -i "$esp" ::/EFI || :
		echo "e2e: the ESP has no \\EFI\\${f/\//\\}"
		exit 1
	}
done
shim_rpm=$(ls "$AZL_BUILD_DIR"/demo-repo/Packages/shim-x64-*.rpm)
rpm2cpio "$shim_rpm" | (cd "$WORK/esp" && cpio -i --quiet --to-stdout \
	./boot/efi/EFI/azurelinux/shimx64.efi >shim.rpm.efi)
cmp "$WORK/esp/BOOT-BOOTX64.EFI" "$WORK/esp/shim.rpm.efi" ||
	{ echo "e2e: \\EFI\\BOOT\\BOOTX64.EFI is not shim-x64's shim"; exit 1; }
cmp "$WORK/esp/azurelinux-shimx64.efi" "$WORK/esp/shim.rpm.efi"
cmp "$WORK/esp/BOOT-grubx64.efi" "$WORK/esp/azurelinux-grubx64.efi"
if cmp -s "$WORK/esp/azurelinux-grubx64.efi" "$WORK/esp/shim.rpm.efi"; then
	echo "e2e: grubx64.efi is shim"
	exit 1
fi
boot_uuid=$(sed -n 's/^search .*--fs-uuid --set=dev \([^ ]*\)$/\1/p' "$WORK/esp/azurelinux-grub.cfg")
found=
while read -r _ off; do
	u=$(blkid -p -O "$off" -o value -s UUID "$WORK/disk.img" || :)
	fs=$(blkid -p -O "$off" -o value -s TYPE "$WORK/disk.img" || :)
	if [ -n "$boot_uuid" ] && [ "$u" = "$boot_uuid" ] && [ "$fs" = ext4 ]; then
		found=1
	fi
done <<<"$parts"
[ -n "$found" ] || {
	cat "$WORK/esp/azurelinux-grub.cfg"
	echo "e2e: the ESP's grub.cfg does not find /boot (an ext4 partition) by its UUID"
	exit 1
}

# The NVRAM entry efibootmgr made in the install VM, in the variable store
# that VM used (qemu_start keeps it in $WORK/vars.fd for the next boot).
python3 "$E2E_DIR/efivars.py" "$WORK/vars.fd"
entry=$(python3 "$E2E_DIR/efivars.py" "$WORK/vars.fd" --first-is \
	"Azure Linux 4.0" '\EFI\azurelinux\shimx64.efi')
echo "ESP and NVRAM checks: $(since "$t") s (BootOrder starts with $entry)"

e2e_boot_installed boot uefi "$WORK/disk.img" azl-uefi "$pass"

# OVMF's boot manager says what it loaded: our entry, first, through shim.
first=$(grep -a -m1 -o 'BdsDxe: loading Boot[0-9A-F]* "[^"]*"' "$WORK/boot.log" || :)
if [ "$first" != "BdsDxe: loading $entry \"Azure Linux 4.0\"" ]; then
	echo "e2e: the firmware did not boot $entry first (it says: ${first:-nothing})"
	exit 1
fi
started=$(grep -a -m1 -F "BdsDxe: starting $entry " "$WORK/boot.log" | tr -d '\r' || :)
case $started in
*'"Azure Linux 4.0" from HD('*')/\EFI\azurelinux\shimx64.efi') ;;
*)
	printf '%s\n' "e2e: OVMF did not start \\EFI\\azurelinux\\shimx64.efi through $entry: $started"
	exit 1
	;;
esac
echo "the installed disk booted through NVRAM entry $entry (shim, then GRUB)"
