#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bootloader.secure_boot (docs/secure-boot.md) on loop images, no QEMU:
#  - required, against a repository whose grub2-efi-x64 is the unsigned
#    self-built GRUB without "secure-boot(signed)": exit 2 before anything
#    is written (the image stays all holes), the message names the stage;
#  - required, against the demo repository (Debian's signed shim, GRUB and
#    kernel): the install goes through, and the ESP has grub.cfg where the
#    signed GRUB's built-in prefix says (\EFI\debian), MokManager beside
#    shim, the fallback loader with its BOOTX64.CSV;
#  - auto, against the unsigned repository: a warning, and the self-built
#    GRUB installed with grub.cfg at its own prefix (\EFI\azurelinux).
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
repo=$AZL_BUILD_DIR/demo-repo
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-secure-boot-required.XXXXXX)
cleanup() {
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# The unsigned repository: the demo repository with grub2-efi-x64
# replaced by a newer build that carries the unsigned GRUB and does not
# declare itself signed.
mkdir -p "$tmp/unsigned/Packages" "$tmp/rpm/root/boot/efi/EFI/azurelinux"
for p in "$repo"/Packages/*.rpm; do
	case $(basename "$p") in grub2-efi-x64-*) ;; *) ln "$p" "$tmp/unsigned/Packages/" ;; esac
done
rpm2cpio "$repo"/Packages/grub2-efi-x64-*.rpm | (cd "$tmp/rpm" && cpio -i --quiet \
	--to-stdout ./usr/lib/grub/x86_64-efi/monolithic/grubx64.efi \
	>root/boot/efi/EFI/azurelinux/grubx64.efi)
[ -s "$tmp/rpm/root/boot/efi/EFI/azurelinux/grubx64.efi" ] || fail "no unsigned GRUB in grub2-efi-x64"
cat >"$tmp/rpm/grub.spec" <<SPEC
Name: grub2-efi-x64
Version: 2.06
Release: 9.azl4
Summary: Unsigned GRUB for UEFI (test)
License: GPL-3.0-or-later
BuildArch: x86_64
AutoReqProv: no
Requires: grub2-tools
Provides: grub2-efi-x64-modules
%description
An unsigned GRUB.
%install
cp -a $tmp/rpm/root/. %{buildroot}/
%files
/boot/efi/EFI/azurelinux/grubx64.efi
SPEC
rpmbuild -bb --quiet --define "_topdir $tmp/rpm/top" \
	--define "_rpmdir $tmp/unsigned/Packages" \
	--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
	--define "__spec_install_post %{nil}" --define "debug_package %{nil}" \
	"$tmp/rpm/grub.spec" >"$tmp/rpmbuild.log" 2>&1 || { cat "$tmp/rpmbuild.log"; fail "rpmbuild"; }
# Signed as an RPM (the demo repository's key), not for Secure Boot.
rpmsign --addsign --define "_gpg_name azl-demo@invalid" \
	--define "_gpg_path $AZL_BUILD_DIR/demo-repo-work/gnupg" \
	--define "__gpg /usr/bin/gpg" "$tmp/unsigned/Packages/grub2-efi-x64-2.06-9.azl4.x86_64.rpm" \
	>"$tmp/rpmsign.log" 2>&1 || { cat "$tmp/rpmsign.log"; fail "rpmsign"; }
createrepo_c --quiet --groupfile "$repo/comps.xml" "$tmp/unsigned"
cp "$repo/repodata/repomd.xml.key" "$tmp/unsigned/repodata/"

cat >"$tmp/a.yaml" <<'YAML'
version: 1
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: uefi, secure_boot: required, timeout: 1}
accounts: {root: {lock: true}}
packages: {install: ["@minimal"]}
YAML

img=$tmp/disk.img
truncate -s 4G "$img"
set +e
"$AZL_BIN" install --answers "$tmp/a.yaml" --disk "$img" --repo "$tmp/unsigned" \
	--yes --log "$tmp/refused.log" >"$tmp/out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$tmp/out"; fail "required with an unsigned GRUB: exit $rc, not 2"; }
grep -q "grub2-efi-x64-2.06-9.azl4.x86_64 (not signed)" "$tmp/out" ||
	{ cat "$tmp/out"; fail "the refusal does not name the unsigned GRUB"; }
grep -q "nothing was written" "$tmp/out" || fail "the refusal does not say nothing was written"
[ "$(stat -c %b "$img")" = 0 ] || fail "the image was written to ($(stat -c %b "$img") blocks)"
[ -z "$(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1')" ] ||
	fail "a loop device was left behind"
ok "secure_boot: required refuses an unsigned GRUB, exit 2, nothing written"

# auto with the same repository: a warning, and the unsigned self-built
# GRUB installed the way it always was, grub.cfg at its own prefix
# (/EFI/azurelinux), nothing at Debian's.
sed 's/secure_boot: required/secure_boot: auto/' "$tmp/a.yaml" >"$tmp/auto.yaml"
set +e
"$AZL_BIN" install --answers "$tmp/auto.yaml" --disk "$img" --repo "$tmp/unsigned" \
	--yes --log "$tmp/auto.log" >"$tmp/out" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$tmp/out"; tail -20 "$tmp/auto.log"; fail "auto with an unsigned GRUB: exit $rc"; }
grep -q "boot chain is not signed throughout" "$tmp/auto.log" || fail "auto did not warn"
grep -q "(not signed) reads /EFI/azurelinux/grub.cfg on the ESP" "$tmp/auto.log" ||
	fail "the unsigned GRUB's prefix: $(grep 'grub.cfg' "$tmp/auto.log")"
export MTOOLS_SKIP_CHECK=1
esp_start=$(sfdisk -d "$img" | awk -F'[=,]' '/C12A7328-F81F-11D2-BA4B-00A0C93EC93B/ {gsub(/ /,""); print $2}')
esp="$img@@$((esp_start * 512))"
mtype -i "$esp" ::/EFI/azurelinux/grub.cfg | grep -- "--fs-uuid" >/dev/null || fail "no \EFI\azurelinux\grub.cfg"
! mdir -i "$esp" ::/EFI/debian >/dev/null 2>&1 || fail "\EFI\debian on the ESP of an unsigned GRUB"
ok "secure_boot: auto warns and installs the unsigned GRUB with grub.cfg at its prefix"

set +e
"$AZL_BIN" install --answers "$tmp/a.yaml" --disk "$img" --repo "$repo" \
	--yes --log "$tmp/install.log" >"$tmp/out" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$tmp/out"; tail -20 "$tmp/install.log"; fail "required with the signed demo repository: exit $rc"; }
grep -q "UEFI boot chain: shim-x64-.* (signed) -> grub2-efi-x64-.* (signed) -> kernel-core-.* (signed); Secure Boot ready" "$tmp/install.log" ||
	fail "the log does not name the signed chain: $(grep 'boot chain' "$tmp/install.log")"
grep -q "reads /EFI/debian/grub.cfg on the ESP" "$tmp/install.log" ||
	fail "the installer did not read the signed GRUB's prefix: $(grep 'grub.cfg' "$tmp/install.log")"
esp_start=$(sfdisk -d "$img" | awk -F'[=,]' '/C12A7328-F81F-11D2-BA4B-00A0C93EC93B/ {gsub(/ /,""); print $2}')
esp="$img@@$((esp_start * 512))"
mtype -i "$esp" ::/EFI/debian/grub.cfg | grep -- "--fs-uuid" >/dev/null ||
	fail "no grub.cfg at \\EFI\\debian, where Debian's signed GRUB reads it"
for f in azurelinux/shimx64.efi azurelinux/grubx64.efi azurelinux/mmx64.efi \
	BOOT/BOOTX64.EFI BOOT/grubx64.efi BOOT/fbx64.efi; do
	mcopy -n -i "$esp" "::/EFI/$f" "$tmp/f.efi" || fail "no \\EFI\\$f on the ESP"
	sbverify --list "$tmp/f.efi" | grep "signature 1" >/dev/null || fail "\\EFI\\$f is not signed"
done
mcopy -n -i "$esp" ::/EFI/azurelinux/BOOTX64.CSV "$tmp/boot.csv" || fail "no BOOTX64.CSV"
iconv -f UTF-16 -t UTF-8 "$tmp/boot.csv" | grep "^shimx64.efi,Azure Linux 4.0," >/dev/null ||
	fail "BOOTX64.CSV does not name shimx64.efi: $(od -c "$tmp/boot.csv" | head -3)"
ok "secure_boot: required installs the signed chain; grub.cfg at the GRUB image's prefix"
