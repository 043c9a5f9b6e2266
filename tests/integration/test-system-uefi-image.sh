#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A UEFI install into a disk image on a host that booted with UEFI must
# leave the host's firmware alone: the image is for another machine, so
# no efibootmgr runs, even with --nvram-entry, and the log says why. The
# UEFI host is this one seen through a private mount namespace where
# /sys/firmware/efi/efivars exists (a tmpfs over /sys/firmware); efibootmgr
# is a spy first in PATH that records every call. The ESP still gets the
# fallback path \EFI\BOOT\BOOTX64.EFI, read back with mtools.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
for t in losetup sfdisk unshare mdir; do
	command -v "$t" >/dev/null || { echo "$t missing: skipped"; exit 77; }
done
repo=$AZL_BUILD_DIR/demo-repo
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-system-uefi-image.XXXXXX)
cleanup() {
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

mkdir "$tmp/spy"
cat >"$tmp/spy/efibootmgr" <<SPY
#!/bin/sh
printf "efibootmgr %s\\n" "\$*" >>"$tmp/efibootmgr.calls"
exit 0
SPY
chmod +x "$tmp/spy/efibootmgr"

img=$tmp/disk.img
truncate -s 4G "$img"
cat >"$tmp/a.yaml" <<'YAML'
version: 1
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: uefi, timeout: 1}
accounts: {root: {lock: true}}
packages: {install: ["@minimal"]}
YAML

# In the namespace: a UEFI host with EFI variables, and the spy in PATH.
set +e
unshare -m --propagation private sh -c '
	mount -t tmpfs none /sys/firmware && mkdir -p /sys/firmware/efi/efivars &&
	exec "$@"' sh env PATH="$tmp/spy:$PATH" "$AZL_BIN" install \
	--answers "$tmp/a.yaml" --disk "$img" --repo "$repo" --yes --nvram-entry \
	--log "$tmp/install.log" >"$tmp/out" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$tmp/out"; tail -20 "$tmp/install.log"; fail "install: exit $rc"; }
grep -q "GRUB for UEFI" "$tmp/install.log" || fail "no UEFI boot loader in the log"
[ ! -e "$tmp/efibootmgr.calls" ] || fail "efibootmgr ran for an image: $(cat "$tmp/efibootmgr.calls")"
grep -q "no NVRAM entry: the boot disk '/dev/loop[0-9]*' is a disk image" "$tmp/install.log" ||
	fail "the log does not say why no NVRAM entry was made: $(grep -i nvram "$tmp/install.log")"
ok "a UEFI install into an image on a UEFI host never runs efibootmgr, and says why"

esp_start=$(sfdisk -d "$img" | awk -F'[=,]' '/C12A7328-F81F-11D2-BA4B-00A0C93EC93B/ {gsub(/ /,""); print $2}')
[ -n "$esp_start" ] || fail "no ESP"
mdir -i "$img@@$((esp_start * 512))" ::/EFI/BOOT | grep -i "BOOTX64 *EFI" >/dev/null ||
	fail "no \\EFI\\BOOT\\BOOTX64.EFI on the ESP"
ok "the ESP has the fallback path the image's own firmware boots"
