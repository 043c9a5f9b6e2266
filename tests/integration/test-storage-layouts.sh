#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Storage apply through `azl-installer install --stop-after storage` on
# sparse image files, each read back without the installer: GPT + UEFI
# custom layout, GPT + BIOS guided plain (and its reinstall over a leftover
# LUKS header), msdos, two disks.
. "$(dirname "$0")/storage-lib.sh"

GUID_ESP=c12a7328-f81f-11d2-ba4b-00a0c93ec93b
GUID_BIOSBOOT=21686148-6449-6e6f-744e-656564454649
GUID_XBOOTLDR=bc13c2ff-59e6-4262-a352-b275fd6f7172
GUID_SWAP=0657fd6d-a4ab-43c4-84e5-0933c84b4f4f
GUID_ROOT_X86_64=4f68bce3-e8cd-4db1-96e7-fbcaf984b709
GUID_SRV=3b8f8425-20e0-4f3b-907f-1a25a76f98e8

# --- GPT + UEFI, custom layout ------------------------------------------
d=$(img uefi.img 6G)
cat >"$tmp/uefi.yaml" <<'YAML'
version: 1
storage:
  table: gpt
  partitions:
    - {mount: /boot/efi, size: 600M, fs: vfat}
    - {mount: /boot, size: 1G, fs: ext4}
    - {mount: /, size: 3G, fs: xfs, label: azlroot}
    - {mount: swap, size: 256M}
    - {mount: /srv, size: 100M, grow: true, fs: ext4}
bootloader: {firmware: uefi}
YAML
install_storage "$tmp/uefi.yaml" "$d"
[ "$rc" = 0 ] || fail "uefi: exit $rc: $(cat "$tmp/out")"
if ! grep -qw vfat /proc/filesystems; then
	# This host cannot mount vfat: the ESP stays unmounted (the boot
	# loader writes it with mtools) and the rest is mounted.
	grep -q "cannot mount vfat; '/dev/loop[0-9]*p1' stays unmounted" "$tmp/log" ||
		fail "uefi: no word on the unmounted ESP: $(cat "$tmp/log")"
fi
grep -q "mounted .* on $TARGET/boot (ext4)" "$tmp/log" ||
	fail "uefi: /boot was not mounted"
assert_clean
[ "$(table "$d")" = gpt ] || fail "uefi: not gpt"
[ "$(part "$d" 1 type)" = $GUID_ESP ] || fail "uefi: p1 type $(part "$d" 1 type)"
[ "$(part "$d" 2 type)" = $GUID_XBOOTLDR ] || fail "uefi: p2 type"
[ "$(part "$d" 3 type)" = $GUID_ROOT_X86_64 ] || fail "uefi: p3 type $(part "$d" 3 type)"
[ "$(part "$d" 4 type)" = $GUID_SWAP ] || fail "uefi: p4 type"
[ "$(part "$d" 5 type)" = $GUID_SRV ] || fail "uefi: p5 type $(part "$d" 5 type)"
for n in 1 2 3 4 5; do
	start=$(part "$d" $n start)
	[ $((start % 2048)) = 0 ] || fail "uefi: p$n starts at sector $start, not on a MiB"
done
[ "$(part "$d" 1 start)" = 2048 ] || fail "uefi: p1 not at 1 MiB"
[ "$(part "$d" 1 size)" = $((600 * 2048)) ] || fail "uefi: p1 size"
names=$(for n in 1 2 3 4 5; do part "$d" $n name; done | tr '\n' ' ')
[ "$names" = "esp boot root swap srv " ] || fail "uefi: PARTLABELs '$names'"
[ "$(fs "$d" 1)" = vfat ] || fail "uefi: p1 is '$(fs "$d" 1)'"
[ "$(fs "$d" 1 VERSION)" = FAT32 ] || fail "uefi: ESP is $(fs "$d" 1 VERSION)"
[ "$(fs "$d" 2)" = ext4 ] || fail "uefi: p2 fs"
[ "$(fs "$d" 3)" = xfs ] || fail "uefi: p3 fs"
[ "$(fs "$d" 3 LABEL)" = azlroot ] || fail "uefi: p3 label"
[ "$(fs "$d" 4)" = swap ] || fail "uefi: p4 fs"
[ "$(fs "$d" 5)" = ext4 ] || fail "uefi: p5 fs"
# Last partition grows to the last MiB.
end=$(($(part "$d" 5 start) + $(part "$d" 5 size)))
[ $end = $((6 * 1024 * 2048 - 2048)) ] || fail "uefi: p5 ends at $end"
echo "ok: GPT + UEFI custom layout"

# --- GPT + BIOS, guided plain; then a reinstall over a LUKS header ------
d=$(img bios.img 4G)
cat >"$tmp/bios.yaml" <<'YAML'
version: 1
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: 256M}
bootloader: {firmware: bios}
YAML
check_bios() {
	[ "$(part "$d" 1 type)" = $GUID_BIOSBOOT ] || fail "bios: p1 type"
	[ "$(part "$d" 1 size)" = 2048 ] || fail "bios: biosboot is not 1 MiB"
	[ "$(part "$d" 2 type)" = $GUID_XBOOTLDR ] || fail "bios: p2 type"
	[ "$(part "$d" 3 type)" = $GUID_SWAP ] || fail "bios: p3 type"
	[ "$(part "$d" 4 type)" = $GUID_ROOT_X86_64 ] || fail "bios: p4 type"
	[ "$(fs "$d" 4)" = ext4 ] || fail "bios: root fs '$(fs "$d" 4)'"
	[ "$(fs "$d" 3)" = swap ] || fail "bios: swap"
	[ "$(fs "$d" 2)" = ext4 ] || fail "bios: /boot fs"
}
install_storage "$tmp/bios.yaml" "$d"
[ "$rc" = 0 ] || fail "bios: exit $rc: $(cat "$tmp/out")"
assert_clean
check_bios
# fstab by UUID, matching what blkid reads.
l=$(attach "$d")
mkdir -p "$tmp/m"
mount "${l}p4" "$tmp/m"
fstab=$(cat "$tmp/m/etc/fstab")
umount "$tmp/m"
detach "$l"
for n in 4 2 3; do
	uuid=$(fs "$d" $n UUID)
	echo "$fstab" | grep -q "^UUID=$uuid " || fail "bios: no UUID=$uuid in fstab: $fstab"
done
echo "$fstab" | grep -q "^UUID=$(fs "$d" 4 UUID) / ext4 defaults 0 1$" || fail "bios: root line: $fstab"
echo "$fstab" | grep -q "^UUID=$(fs "$d" 3 UUID) none swap defaults 0 0$" || fail "bios: swap line"
[ ! -e "$tmp/m/etc/crypttab" ] || fail "bios: crypttab without encryption"
echo "ok: GPT + BIOS guided plain, fstab by UUID"

# A LUKS2 header where the new root partition will start: the wipe must
# erase it before mkfs, and say so.
off=$(($(part "$d" 4 start) * 512))
l=$(losetup -f --show -o $off --sizelimit $((64 << 20)) "$d")
own_loops="$own_loops $l"
echo -n leftover | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --key-file=- "$l"
detach "$l"
[ "$(fs "$d" 4)" = crypto_LUKS ] || fail "bios: the test's LUKS header is not there"
install_storage "$tmp/bios.yaml" "$d"
[ "$rc" = 0 ] || fail "bios reinstall: exit $rc: $(cat "$tmp/out")"
assert_clean
check_bios
grep -q "erased the crypto_LUKS signature" "$tmp/log" ||
	fail "bios reinstall: the LUKS header was not wiped"
echo "ok: reinstall over a leftover LUKS header"

# --- msdos ----------------------------------------------------------------
d=$(img msdos.img 4G)
cat >"$tmp/msdos.yaml" <<'YAML'
version: 1
storage: {table: msdos, layout: plain, filesystem: xfs, swap: 256M}
bootloader: {firmware: bios}
YAML
install_storage "$tmp/msdos.yaml" "$d"
[ "$rc" = 0 ] || fail "msdos: exit $rc: $(cat "$tmp/out")"
assert_clean
[ "$(table "$d")" = dos ] || fail "msdos: table $(table "$d")"
[ "$(part "$d" 1 type)" = 83 ] || fail "msdos: p1 type $(part "$d" 1 type)"
[ "$(part "$d" 1 bootable)" = True ] || fail "msdos: /boot not active"
[ "$(part "$d" 2 type)" = 82 ] || fail "msdos: p2 type"
[ "$(part "$d" 3 type)" = 83 ] || fail "msdos: p3 type"
[ "$(part "$d" 1 start)" = 2048 ] || fail "msdos: p1 not at 1 MiB"
[ "$(fs "$d" 3)" = xfs ] || fail "msdos: root fs"
echo "ok: msdos"

# --- two disks ------------------------------------------------------------
d1=$(img two-a.img 4G)
d2=$(img two-b.img 2G)
cat >"$tmp/two.yaml" <<YAML
version: 1
storage:
  disks: [$d1, $d2]
  partitions:
    - {mount: /boot, size: 1G}
    - {mount: /, size: 2G, grow: true, fs: xfs}
    - {disk: 2, mount: /srv, size: 100%, fs: xfs}
bootloader: {firmware: bios}
YAML
install_storage "$tmp/two.yaml" "$d1" "$d2"
[ "$rc" = 0 ] || fail "two disks: exit $rc: $(cat "$tmp/out")"
assert_clean
[ "$(part "$d1" 1 type)" = $GUID_BIOSBOOT ] || fail "two disks: no biosboot on disk 1"
[ "$(fs "$d1" 3)" = xfs ] || fail "two disks: root"
[ "$(part "$d2" 1 type)" = $GUID_SRV ] || fail "two disks: disk 2 type"
[ "$(fs "$d2" 1)" = xfs ] || fail "two disks: /srv fs"
grep -q "mounted /dev/loop[0-9]*p1 on $TARGET/srv (xfs)" "$tmp/log" || fail "two disks: /srv not mounted"
echo "ok: two disks"
