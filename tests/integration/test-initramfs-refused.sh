#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The installer proves that the installed initramfs holds what the layout
# needs to boot (issue 20, installer/boot/initramfs-check.c), and a missing
# driver is an install error, not a machine that stops in dracut's
# emergency shell on its first boot. A real install from the real system
# repository into a sparse image, with one more package from a second
# repository: a dracut configuration that omits ext4 (as a vendor's
# omit_drivers would). The target's own dracut builds the initramfs
# without it; the installer lists it with the target's lsinitrd and stops
# with exit 3 (the install failed part-way, DESIGN.md), naming the module
# and why / needs it, and detaches the image. The passing case is
# test-real-repo.sh's install (its log names what the check found).
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
repo=$(realpath "$build")/real-repo
cmake --build "$build" --target real-repo >/dev/null

tmp=$(mktemp -d /tmp/test-initramfs-refused.XXXXXX)
cleanup() {
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -z "${AZL_KEEP_LOG:-}" ] || cp "$tmp/install.log" "$AZL_KEEP_LOG"; exit 1; }
ok() { echo "ok: $*"; }
export AZL_CACHE_DIR=$tmp/cache

# The package that omits ext4, in a repository of its own.
mkdir -p "$tmp/rpm/SOURCES" "$tmp/local"
cat >"$tmp/omit.spec" <<'SPEC'
Name: dracut-omit-ext4
Version: 1
Release: 1
Summary: A dracut configuration that leaves ext4 out of the initramfs
License: GPL-2.0-or-later
BuildArch: noarch
%description
omit_drivers ext4, as a site's dracut.conf.d may say.
%install
mkdir -p %{buildroot}/etc/dracut.conf.d
echo 'omit_drivers+=" ext4 "' >%{buildroot}/etc/dracut.conf.d/90-omit-ext4.conf
%files
/etc/dracut.conf.d/90-omit-ext4.conf
SPEC
rpmbuild -bb --define "_topdir $tmp/rpm" --define "_rpmdir $tmp/local" "$tmp/omit.spec" >"$tmp/rpmbuild" 2>&1 ||
	{ cat "$tmp/rpmbuild"; fail "rpmbuild"; }
createrepo_c -q "$tmp/local" || fail "createrepo_c"

img=$tmp/disk.img
truncate -s 4G "$img"
# What the bootloader phase needs and not more: the kernel (without
# kernel-modules: GPUs, sound, ... would only make dracut slower), the target's
# dracut and the tools it runs without requiring them (getopt from
# util-linux, grep, sed, find, gzip, cpio), GRUB (the plan adds it);
# SELinux off (no policy, no relabel).
cat >"$tmp/a.yaml" <<YAML
version: 1
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios, timeout: 1}
accounts: {root: {lock: true}}
selinux: disabled
packages:
  repos:
    - {name: real, baseurl: "file://$repo", gpgcheck: true}
    - {name: site, baseurl: "file://$tmp/local", gpgcheck: false}
  install: [setup, filesystem, bash, coreutils, util-linux, grep, sed, findutils, gzip, cpio,
    systemd, kernel-core, kernel-modules-core, dracut, dracut-omit-ext4]
YAML
# The machine that boots the disk has e1000 loaded, which loads no
# firmware: the firmware step asks the target's modinfo and installs nothing.
echo "e1000 159744 0 - Live 0x0000000000000000" >"$tmp/modules"
t0=$(date +%s)
rc=0
AZL_PROC_MODULES=$tmp/modules "$bin" install --answers "$tmp/a.yaml" --disk "$img" --yes \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$tmp/out"; tail -20 "$tmp/install.log"; fail "exit $rc, not 3"; }
grep -q "azl-installer: the install failed in step 'bootloader': the initramfs '/boot/initramfs-.*\.img' has no module 'ext4', which the ext4 file system of / needs to boot" "$tmp/out" ||
	{ cat "$tmp/out"; fail "the message does not name ext4 and /"; }
grep -q "dracut-omit-ext4" "$tmp/install.log" || fail "the site package was not installed"
grep -q "firmware: 1 loaded modules name 0 firmware files; 0 of them are not in the target" "$tmp/install.log" ||
	fail "the firmware step did not ask about e1000"
! losetup -n -O BACK-FILE -l | grep -qF "$img" || fail "the image is still attached"
ok "an initramfs without ext4 is refused: exit 3, the module and / named, the image detached ($(($(date +%s) - t0)) s)"
