#!/bin/bash
# Fills the PXE directory (docs/pxe.md): the live kernel and initramfs (the
# very files the ISO boots) and sample configurations for iPXE, GRUB over
# TFTP/HTTP (UEFI and BIOS) and pxelinux. Copy the directory to the root of
# a TFTP or HTTP server and edit the REPO/ANSWERS placeholders.
#
#   mkpxe.sh --kernel VMLINUZ --initrd IMG --out DIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kernel= initrd= out=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "mkpxe.sh: unknown argument '$1'" >&2; exit 1 ;;
	esac
done
[ -f "$kernel" ] && [ -f "$initrd" ] && [ -n "$out" ] || {
	echo "usage: mkpxe.sh --kernel VMLINUZ --initrd IMG --out DIR" >&2
	exit 1
}
rm -rf "$out.tmp"
mkdir -p "$out.tmp/grub" "$out.tmp/pxelinux.cfg"
cp "$kernel" "$out.tmp/vmlinuz"
cp "$initrd" "$out.tmp/initrd.img"

# What every sample passes: the consoles, the repository, the answer file.
# http://REPO-SERVER/... and ANSWERS-SERVER are placeholders for the operator.
common='console=tty0 console=ttyS0,115200n8 azl.repo=http://REPO-SERVER/azurelinux/4.0/x86_64/'

cat >"$out.tmp/boot.ipxe" <<EOF
#!ipxe
# azl-installer over iPXE: DHCP, then kernel and initramfs relative to this
# script's own URL (tftp:// or http://). BOOTIF tells the live system which
# interface booted; iPXE itself expands \${...} before the kernel sees it:
# \${net0/mac} is the MAC with colons, the same name the live system gives
# \${mac} in the GRUB and pxelinux samples, so one answer file per machine
# serves all three.
dhcp || goto failed
menu azl-installer
item --default unattended Install Azure Linux 4.0 unattended (answer file per MAC)
item interactive Install Azure Linux 4.0 (interactive)
item rescue Rescue shell
choose --timeout 5000 target || goto unattended
goto \${target}

:unattended
kernel vmlinuz initrd=initrd.img $common BOOTIF=01-\${net0/mac:hexhyp} azl.unattended azl.answers=http://ANSWERS-SERVER/answers/\${net0/mac}.yaml
initrd initrd.img
boot || goto failed

:interactive
kernel vmlinuz initrd=initrd.img $common BOOTIF=01-\${net0/mac:hexhyp}
initrd initrd.img
boot || goto failed

:rescue
kernel vmlinuz initrd=initrd.img $common BOOTIF=01-\${net0/mac:hexhyp} azl.shell
initrd initrd.img
boot || goto failed

:failed
echo azl-installer: network boot failed; dropping to the iPXE shell
shell
EOF

# GRUB as the network boot program (UEFI: bootx64.efi, BIOS: core.0); it
# reads grub/grub.cfg from the server it was loaded from. Single quotes keep
# ${mac} for the live system to expand (GRUB would expand it itself).
sed -e "s|@TIMEOUT@|5|" -e "s|@KERNEL@|/vmlinuz|" -e "s|@INITRD@|/initrd.img|" \
	-e "s|@EXTRA@|$common 'azl.answers=http://ANSWERS-SERVER/answers/\${mac}.yaml'|" \
	"$here/grub.cfg.in" >"$out.tmp/grub/grub.cfg"
netmods="normal configfile linux echo test serial terminal sleep reboot halt
	net tftp http"
grub-mkimage -O x86_64-efi -p '(tftp)/grub' -o "$out.tmp/bootx64.efi" \
	$netmods efinet efi_gop efi_uga all_video
# (the i386-pc-pxe format already starts with pxeboot.img)
grub-mkimage -O i386-pc-pxe -p '(pxe)/grub' -o "$out.tmp/core.0" $netmods pxe

# pxelinux: lpxelinux.0 (pxelinux that also reads http:// paths) and the
# ldlinux.c32 it loads, from the build machine (Debian: pxelinux,
# syslinux-common) when it has them. IPAPPEND 2 adds BOOTIF=.
pxelinux=
for d in /usr/lib/PXELINUX /usr/lib/syslinux /usr/share/syslinux; do
	[ -f "$d/lpxelinux.0" ] && { pxelinux=$d/lpxelinux.0; break; }
done
ldlinux=
for d in /usr/lib/syslinux/modules/bios /usr/lib/syslinux /usr/share/syslinux; do
	[ -f "$d/ldlinux.c32" ] && { ldlinux=$d/ldlinux.c32; break; }
done
if [ -n "$pxelinux" ] && [ -n "$ldlinux" ]; then
	cp "$pxelinux" "$out.tmp/lpxelinux.0"
	cp "$ldlinux" "$out.tmp/ldlinux.c32"
else
	echo "mkpxe.sh: no lpxelinux.0/ldlinux.c32 on this machine (Debian: pxelinux, syslinux-common): pxelinux.cfg/default only" >&2
fi
cat >"$out.tmp/pxelinux.cfg/default" <<EOF
# azl-installer for pxelinux (lpxelinux.0 and ldlinux.c32 next to this
# directory). IPAPPEND 2 appends BOOTIF=01-<mac> (the interface that booted).
DEFAULT unattended
PROMPT 1
TIMEOUT 50
SERIAL 0 115200

LABEL unattended
  MENU LABEL Install Azure Linux 4.0 unattended
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND $common azl.unattended azl.answers=http://ANSWERS-SERVER/answers/\${mac}.yaml
  IPAPPEND 2

LABEL interactive
  MENU LABEL Install Azure Linux 4.0 (interactive)
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND $common
  IPAPPEND 2

LABEL rescue
  MENU LABEL Rescue shell
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND $common azl.shell
  IPAPPEND 2
EOF

rm -rf "$out"
mv "$out.tmp" "$out"
echo "mkpxe.sh: $out: vmlinuz, initrd.img ($(du -m --apparent-size "$out/initrd.img" | cut -f1) MiB), boot.ipxe, bootx64.efi + core.0 + grub/grub.cfg, ${pxelinux:+lpxelinux.0 + ldlinux.c32 + }pxelinux.cfg/default"
