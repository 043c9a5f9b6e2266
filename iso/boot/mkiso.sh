#!/bin/bash
# Builds the hybrid installer ISO: BIOS El Torito (GRUB i386-pc), UEFI El
# Torito (a FAT EFI system image sized to what it holds, GRUB x86_64-efi),
# an MBR + GPT so that the same file boots from a USB stick, one kernel and
# one initramfs, and the package repository at the root of the medium
# (Packages/, repodata/: file:///run/install/repo in the live system).
#
#   mkiso.sh --kernel VMLINUZ --initrd IMG --repo DIR --out ISO
#            [--label LABEL] [--answers FILE] [--examples DIR] [--timeout S]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kernel= initrd= repo= out= label=AZL_4_0_X86_64 answers= examples= timeout=5
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--repo) repo=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	--answers) answers=$2; shift 2 ;;
	--examples) examples=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "mkiso.sh: unknown argument '$1'" >&2; exit 1 ;;
	esac
done
for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || { echo "mkiso.sh: no file '$f'" >&2; exit 1; }
done
[ -d "$repo/repodata" ] || {
	echo "mkiso.sh: '$repo' is not an RPM repository (no repodata/)" >&2
	exit 1
}
grubpc=/usr/lib/grub/i386-pc
grubefi=/usr/lib/grub/x86_64-efi
for d in "$grubpc" "$grubefi"; do
	[ -d "$d" ] || { echo "mkiso.sh: no $d (install grub-pc-bin, grub-efi-amd64-bin)" >&2; exit 2; }
done

work=$(mktemp -d "$(dirname "$(realpath "$out")")/iso-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/tree
mkdir -p "$tree/boot/grub" "$tree/EFI/BOOT"

# The repository first: hard links where the filesystem allows, so that a
# large mirror is not copied twice.
cp -al "$repo/." "$tree/" 2>/dev/null || cp -a "$repo/." "$tree/"
cp "$kernel" "$tree/boot/vmlinuz"
cp "$initrd" "$tree/boot/initrd.img"
[ -n "$answers" ] && cp "$answers" "$tree/azl-answers.yaml"
if [ -n "$examples" ]; then
	# docs/examples/*.yaml, at the root so that azl.answers=cdrom:/NAME.yaml works
	cp "$examples"/*.yaml "$tree/"
fi
# Marks the medium for GRUB's search (a disk being installed never has it).
marker=.azl-installer-$label
echo "$label" >"$tree/$marker"

sed -e "s|@TIMEOUT@|$timeout|" -e "s|@KERNEL@|/boot/vmlinuz|" \
	-e "s|@INITRD@|/boot/initrd.img|" -e "s|@EXTRA@||" \
	"$here/grub.cfg.in" >"$tree/boot/grub/grub.cfg"

# The image's own first config: find the medium (CD or USB stick, BIOS or
# UEFI) by its marker, then read the menu from it.
cat >"$work/early.cfg" <<EOF
search --no-floppy --set=root --file /$marker
set prefix=(\$root)/boot/grub
configfile /boot/grub/grub.cfg
EOF
mods="normal configfile linux echo test search search_fs_file search_label
	serial terminal iso9660 part_msdos part_gpt fat ls cat sleep reboot halt
	loopback chain"

# BIOS: cdboot.img + core image, El Torito no-emulation; boot_hybrid.img as
# the MBR loads the same core from a USB stick.
grub-mkimage -O i386-pc-eltorito -p /boot/grub -c "$work/early.cfg" \
	-o "$tree/boot/grub/bios.img" $mods biosdisk
# UEFI, the fallback path every firmware tries (\EFI\BOOT\BOOTX64.EFI),
# in the EFI system image and in the ISO tree. With Secure Boot in mind
# (docs/secure-boot.md): the repository's own signed chain when it has
# one, shim (shim-x64) as BOOTX64.EFI and the signed GRUB (grub2-efi-x64)
# beside it, where shim looks for grubx64.efi. A signed GRUB loads no
# config of ours from inside the image: it reads grub.cfg from its
# built-in prefix (grub-prefix.py; /EFI/debian for Debian's), so early.cfg
# goes there, in the EFI image (GRUB's root on a USB stick) and in the
# ISO tree (its root as an optical disc). MokManager comes along; the
# fallback loader does not (a medium makes no NVRAM entries). Without
# those packages: a GRUB built here, unsigned, which boots only with
# Secure Boot off.
efi=$work/efi
mkdir -p "$efi/EFI/BOOT"
rpmx=$work/rpm
mkdir -p "$rpmx"
for p in shim-x64 grub2-efi-x64; do
	rpm=$(find "$repo/" -name "$p-[0-9]*.rpm" | sort -V | tail -n 1)
	[ -n "$rpm" ] || continue
	(cd "$rpmx" && rpm2cpio "$rpm" | cpio -idm --quiet './boot/efi/*') || {
		echo "mkiso.sh: cannot unpack '$rpm' (rpm2cpio, cpio)" >&2
		exit 2
	}
done
vendor=$(ls -d "$rpmx"/boot/efi/EFI/*/shimx64.efi 2>/dev/null | head -n 1)
vendor=${vendor%/shimx64.efi}
if [ -n "$vendor" ] && [ -f "$vendor/grubx64.efi" ]; then
	cp "$vendor/shimx64.efi" "$efi/EFI/BOOT/BOOTX64.EFI"
	cp "$vendor/grubx64.efi" "$efi/EFI/BOOT/grubx64.efi"
	[ -f "$vendor/mmx64.efi" ] && cp "$vendor/mmx64.efi" "$efi/EFI/BOOT/mmx64.efi"
	prefix=$(python3 "$here/grub-prefix.py" "$efi/EFI/BOOT/grubx64.efi") || exit 2
	prefix=${prefix#/}
	prefix=${prefix%/}
	mkdir -p "$efi/$prefix" "$tree/$prefix"
	cp "$work/early.cfg" "$efi/$prefix/grub.cfg"
	cp "$work/early.cfg" "$tree/$prefix/grub.cfg"
	echo "mkiso.sh: UEFI chain from the repository: shim, then GRUB (reads /$prefix/grub.cfg)"
else
	grub-mkimage -O x86_64-efi -p /boot/grub -c "$work/early.cfg" \
		-o "$efi/EFI/BOOT/BOOTX64.EFI" $mods efi_gop efi_uga all_video
	echo "mkiso.sh: no shim-x64 and grub2-efi-x64 in '$repo': an unsigned GRUB (no Secure Boot)"
fi
cp -r "$efi/EFI/." "$tree/EFI/"

# The EFI system image: FAT12, sized to its content plus the FAT's own
# overhead (a 64 KiB margin, 64 KiB for tables and 4 KiB a directory).
efi_kib=$(( $(du -k --apparent-size -s "$efi" | cut -f1) + $(find "$efi" -type f | wc -l) ))
dirs=$(find "$efi" -mindepth 1 -type d | wc -l)
img_kib=$(( (efi_kib + 128 + 4 * dirs + 31) / 32 * 32 ))
mkfs.vfat -C -n AZL_EFI "$work/efi.img" "$img_kib" >/dev/null
(cd "$efi" && find . -mindepth 1 -type d | sort) | while read -r d; do
	mmd -i "$work/efi.img" "::/${d#./}"
done
(cd "$efi" && find . -type f | sort) | while read -r f; do
	mcopy -i "$work/efi.img" "$efi/${f#./}" "::/${f#./}"
done
echo "mkiso.sh: EFI system image $img_kib KiB for $efi_kib KiB of boot files"

rm -f "$out"
xorriso -as mkisofs -o "$out" \
	-iso-level 3 -full-iso9660-filenames -rational-rock -joliet -joliet-long \
	-volid "$label" -appid "azl-installer" -publisher "azl-installer" \
	--grub2-mbr "$grubpc/boot_hybrid.img" \
	-partition_offset 16 --mbr-force-bootable \
	-append_partition 2 0xef "$work/efi.img" -appended_part_as_gpt \
	-c boot/boot.cat \
	-b boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table \
	--grub2-boot-info \
	-eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
	"$tree" 2>"$work/xorriso.log" || {
	cat "$work/xorriso.log" >&2
	exit 2
}
echo "mkiso.sh: $out: $(du -m --apparent-size "$out" | cut -f1) MiB, label $label"
