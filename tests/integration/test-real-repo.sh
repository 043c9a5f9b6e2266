#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real system repository (docs/demo-repo.md, "The real system
# repository"): Debian 12's systemd, dracut, NetworkManager, OpenSSH, ...
# repackaged as signed RPMs. The installer puts @minimal on a plain BIOS
# layout in a sparse image (the whole install: storage, packages, the
# target's own dracut, GRUB); then, read from the image: the rpmdb holds
# exactly the set the installer solved, `rpm -Va` is clean outside config
# files, /sbin/init is systemd, the sysusers users exist, presets enabled
# sshd, NetworkManager and chronyd, and there is no busybox. Drivers
# (issue 20): the whole module tree split into kernel-modules-core /
# kernel-modules (.ko.xz, signed), the 0-rescue entry, the installer's
# proof that the initramfs holds what the layout needs (and its refusal of
# one built with --omit-drivers), linux-firmware chosen for a loaded r8169
# (AZL_PROC_MODULES), the firmware warning.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
repo=$(realpath "$build")/real-repo
fail() { keep; echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# Incremental: rebuilt only when iso/demo-repo or the kernel changed.
cmake --build "$build" --target real-repo >/dev/null
cmake --build "$build" --target initramfs-check >/dev/null

tmp=$(mktemp -d /tmp/test-real-repo.XXXXXX)
loop=""
cleanup() {
	mountpoint -q "$tmp/mnt/boot" && umount "$tmp/mnt/boot"
	mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"
	[ -n "$loop" ] && losetup -d "$loop"
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
# AZL_KEEP_LOG=FILE: the install log is copied there (to read it after a failure).
keep() { [ -z "${AZL_KEEP_LOG:-}" ] || cp "$tmp/install.log" "$AZL_KEEP_LOG"; }
export AZL_CACHE_DIR=$tmp/cache
img=$tmp/disk.img
truncate -s 4G "$img"

cat >"$tmp/a.yaml" <<YAML
version: 1
hostname: realbox
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios, timeout: 1, kernel_args: [console=ttyS0,115200]}
accounts: {root: {password: "root-secret-1"}}
packages:
  repos: [{name: real, baseurl: "file://$repo", gpgcheck: true}]
  install: ["@minimal"]
YAML
# The machine that boots the disk has r8169 (a Realtek NIC, whose driver
# loads rtl_nic/ firmware) and e1000 (none) loaded: /proc/modules' format.
printf '%s\n' "r8169 110592 0 - Live 0x0000000000000000" \
	"e1000 159744 0 - Live 0x0000000000000000" >"$tmp/modules"
# dracut requires the tools Debian counts as "essential" (getopt is
# util-linux's), as Fedora's dracut.spec does; and an answer file without
# @minimal still gets them, and the release package (/etc/os-release:
# without it systemd refuses to switch root), which the installer adds.
req=$(rpm -qp --nosignature --requires "$repo"/Packages/dracut-[0-9]*.rpm)
for p in bash coreutils findutils grep gzip sed util-linux kmod cpio systemd-udev; do
	grep -qx "$p" <<<"$req" || fail "dracut does not require $p: $(tr '\n' ' ' <<<"$req")"
done
cat >"$tmp/small.yaml" <<YAML
version: 1
packages:
  repos: [{name: real, baseurl: "file://$repo", gpgcheck: true}]
  install: [dracut, kernel-core]
  install_weak_deps: false
YAML
"$bin" install --root "$tmp/small" --answers "$tmp/small.yaml" --stop-after depsolve \
	--log "$tmp/small.log" >"$tmp/small.out" 2>&1 || { cat "$tmp/small.out"; fail "solving dracut and kernel-core failed"; }
for p in azurelinux-release util-linux grep sed findutils gzip; do
	grep -q "^$p-[0-9]" "$tmp/small.out" || fail "install: [dracut, kernel-core] does not bring $p"
done
[ ! -e "$tmp/small/usr" ] || fail "--stop-after depsolve wrote into the root"
ok "dracut requires util-linux, grep, sed, findutils, gzip; [dracut, kernel-core] alone brings them and azurelinux-release"

t0=$(date +%s)
AZL_PROC_MODULES=$tmp/modules "$bin" install --answers "$tmp/a.yaml" --disk "$img" --yes \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || { cat "$tmp/out"; tail -30 "$tmp/install.log"; fail "install failed"; }
ok "installed @minimal of the real system repository in $(($(date +%s) - t0)) s"

loop=$(losetup -f --show -P "$img")
root=$(sfdisk -d "$img" | awk '/name="root"/ {print $1}'); root=${loop}p${root##*img}
partx -a "$loop" 2>/dev/null || true
mkdir "$tmp/mnt"
mount "$root" "$tmp/mnt"
m=$tmp/mnt
# The guided plain layout has its own /boot partition.
boot=$(sfdisk -d "$img" | awk '/name="boot"/ {print $1}')
if [ -n "$boot" ]; then
	mount "${loop}p${boot##*img}" "$m/boot"
fi
rq() { rpm --root "$m" --dbpath /usr/lib/sysimage/rpm "$@"; }

# Exactly the solved set: what the installer said it installs.
sed -n 's/^[^ ]* info  *installing \([^ ]*\.\(x86_64\|noarch\)\)$/\1/p' "$tmp/install.log" |
	sort -u >"$tmp/solved"
rq -qa --qf '%{NEVRA}\n' | grep -v '^gpg-pubkey' | sort >"$tmp/installed"
[ -s "$tmp/solved" ] || fail "the install log names no package"
diff -u "$tmp/solved" "$tmp/installed" >&2 || fail "the rpmdb is not the solved set"
n=$(wc -l <"$tmp/installed")
for p in systemd systemd-udev dracut NetworkManager openssh-server openssh-clients \
	chrony sudo bash coreutils util-linux shadow-utils pam libxcrypt rpm curl \
	selinux-policy-targeted policycoreutils kernel-core grub2-pc glibc; do
	rq -q "$p" >/dev/null || fail "'$p' is not installed"
done
ok "the rpmdb holds exactly the $n packages the installer solved"

# selinux-policy-targeted ships the policy built at repository build time
# (system-packages.py _build_policy): the binary policy and compiled file
# contexts setfiles labels with, and the module store semodule reads.
for f in policy/policy.33 contexts/files/file_contexts contexts/files/file_contexts.bin; do
	[ -s "$m/etc/selinux/targeted/$f" ] || fail "selinux-policy-targeted has no '/etc/selinux/targeted/$f'"
done
nmod=$(chroot "$m" semodule -s targeted -l 2>&1 | wc -l)
[ "$nmod" -gt 100 ] || fail "semodule -s targeted -l in the target lists $nmod modules: $(chroot "$m" semodule -s targeted -l 2>&1 | head -3)"
ok "the target has the binary policy targeted (policy.33, file_contexts.bin) and a store of $nmod modules"

# rpm -Va: every file as packaged, except configuration files (which the
# installer writes: passwd, shadow, sshd_config.d, ...).
rq -Va --nomtime >"$tmp/verify" 2>&1 || :
bad=$(grep -v '^\S\+\s\+c /' "$tmp/verify" || :)
[ -z "$bad" ] || fail "rpm -Va outside config files: $bad"
ok "rpm -Va clean outside config files ($(wc -l <"$tmp/verify") config files changed)"

# Boots into systemd; no busybox anywhere.
init=$(chroot "$m" /usr/bin/readlink -f /sbin/init)
[ "$init" = /usr/lib/systemd/systemd ] || fail "/sbin/init is $init, not systemd"
file -L "$m/usr/lib/systemd/systemd" | grep ELF >/dev/null || fail "systemd is not a program"
rq -q busybox >/dev/null 2>&1 && fail "busybox is installed"
[ -z "$(find "$m/usr" -name busybox -print -quit)" ] || fail "a busybox binary in /usr"
ok "/sbin/init is systemd; no busybox"

# Users and groups made by systemd-sysusers in the packages' %post.
for u in sshd messagebus systemd-network _chrony; do
	grep -q "^$u:" "$m/etc/passwd" || fail "no user '$u' in /etc/passwd"
done
grep -q "^systemd-journal:" "$m/etc/group" || fail "no group systemd-journal"
ok "sysusers users: sshd, messagebus, systemd-network, _chrony"

# Presets applied in %post: the enable links exist.
w=$m/etc/systemd/system
# (the package's %post and the installer's preset-all both link it; the
# target is /usr/lib/... or /lib/..., one file through the merged /usr)
case $(readlink "$w/multi-user.target.wants/sshd.service") in
/usr/lib/systemd/system/sshd.service | /lib/systemd/system/sshd.service) ;;
*) fail "sshd.service is not enabled" ;;
esac
[ -L "$w/multi-user.target.wants/NetworkManager.service" ] || fail "NetworkManager.service is not enabled"
[ -L "$w/multi-user.target.wants/chronyd.service" ] || fail "chronyd.service is not enabled"
[ -L "$w/dbus.service" ] || fail "dbus.service (dbus-broker) is not enabled"
[ -L "$w/getty.target.wants/getty@tty1.service" ] || fail "getty@tty1 is not enabled"
[ -e "$w/multi-user.target.wants/systemd-networkd.service" ] && fail "systemd-networkd is enabled next to NetworkManager"
ok "presets: sshd, NetworkManager, chronyd, dbus-broker, getty@tty1 enabled; networkd not"

# The pieces the installer's files are read by.
grep -qx 'Include /etc/ssh/sshd_config.d/\*.conf' "$m/etc/ssh/sshd_config" || fail "sshd_config has no Include"
[ "$(stat -c %a "$m/etc/NetworkManager/system-connections")" = 700 ] || fail "system-connections is not 0700"
[ -e "$m/etc/ssh/ssh_host_ed25519_key" ] && fail "host keys made at install time"
rq --eval %_dbpath | grep -x /usr/lib/sysimage/rpm >/dev/null || :
chroot "$m" /usr/bin/rpm --eval %_dbpath | grep -x /usr/lib/sysimage/rpm >/dev/null ||
	fail "the installed rpm's dbpath is not /usr/lib/sysimage/rpm"
[ "$(chroot "$m" /usr/bin/rpm -qa | grep -vc '^gpg-pubkey')" = "$n" ] ||
	fail "the installed rpm does not read the rpmdb"
ls "$m"/boot/initramfs-*.img >/dev/null 2>&1 || fail "no initramfs in /boot"
lsinitrd=$(ls "$m"/usr/bin/lsinitrd "$m"/usr/lib/dracut/lsinitrd 2>/dev/null | head -1 || :)
ok "sshd_config Include, keyfile directory, no host keys yet, the installed rpm reads its rpmdb, an initramfs"

# --- drivers (issue 20) ---
t1=$(date +%s)
kver=$(ls "$m/usr/lib/modules" | head -1)
rq -q kernel-modules-core kernel-modules >/dev/null || fail "kernel-modules-core/kernel-modules not installed"
# Each driver the QEMU matrix and bare metal need, from kernel-modules-core,
# read by the target's own modinfo (kmod +XZ) with Debian's signature.
drivers="megaraid_sas mptsas vmw_pvscsi sym53c8xx ahci nvme uas usb_storage
	e1000 e1000e 8139cp 8139too vmxnet3 e100 hv_storvsc hv_netvsc hv_vmbus
	mpt3sas smartpqi hpsa igb ixgbe i40e ice bnxt_en tg3 mlx5_core r8169
	xfs ext4 dm_crypt raid1 virtio_blk virtio_net mptspi ata_piix igc bnx2 bnx2x
	mlx4_en sd_mod xhci_pci virtio_scsi tulip hyperv_keyboard hid_hyperv hv_utils
	hv_balloon vmw_vmci"
# One chroot: each module's file and signer.
chroot "$m" /usr/bin/bash -c 'for d in $2; do
	printf "%s %s %s\n" "$d" "$(modinfo -k "$1" -F filename "$d" 2>/dev/null)" \
		"$(modinfo -k "$1" -F signer "$d" 2>/dev/null | tr -d " ")"; done' sh "$kver" "$drivers" >"$tmp/mods"
while read -r d f signer; do
	case $f in *.ko.xz) ;; *) fail "'$d' is '$f', not a .ko.xz" ;; esac
	[ -n "$signer" ] || fail "'$d' carries no signature"
done <"$tmp/mods"
[ "$(wc -l <"$tmp/mods")" -eq "$(echo $drivers | wc -w)" ] || fail "modinfo answered for $(wc -l <"$tmp/mods") modules"
owners=$(awk '{print $2}' "$tmp/mods" | xargs rpm --root "$m" --dbpath /usr/lib/sysimage/rpm -qf --qf '%{NAME}\n' | sort -u)
[ "$owners" = kernel-modules-core ] || fail "the drivers belong to: $owners (not only kernel-modules-core)"
ok "kernel-modules-core: the storage, NIC, Hyper-V and VMware drivers as signed .ko.xz"
# docs/bare-metal.md's guest drivers that kernel-modules carries.
owners=$(chroot "$m" /usr/bin/bash -c 'for d in vmw_balloon vmwgfx hyperv_drm; do
	modinfo -k "$1" -F filename "$d"; done' sh "$kver" | xargs rpm --root "$m" --dbpath /usr/lib/sysimage/rpm -qf --qf '%{NAME}\n' | sort | uniq -c | awk '{print $2 "=" $1}')
[ "$owners" = kernel-modules=3 ] || fail "vmw_balloon, vmwgfx, hyperv_drm belong to: $owners"
ok "kernel-modules: vmw_balloon, vmwgfx, hyperv_drm"

# 0-rescue: Fedora's 51-dracut-rescue.install, named by the entry token.
tok=$(cat "$m/etc/kernel/entry-token")
e=$m/boot/loader/entries
[ -s "$m/boot/vmlinuz-0-rescue-$tok" ] || fail "no /boot/vmlinuz-0-rescue-$tok"
[ -s "$m/boot/initramfs-0-rescue-$tok.img" ] || fail "no /boot/initramfs-0-rescue-$tok.img"
grep -qx "title Azure Linux 4.0 (0-rescue-$tok)" "$e/$tok-0-rescue.conf" || fail "no rescue entry $tok-0-rescue.conf"
[ "$(grep '^options' "$e/$tok-0-rescue.conf")" = "$(grep '^options' "$e/$tok-$kver.conf")" ] ||
	fail "the rescue entry's options differ"
cmp -s "$m/boot/vmlinuz-0-rescue-$tok" "$m/boot/vmlinuz-$kver" || fail "the rescue kernel is not $kver's"
grep -q "0-rescue-$tok" "$m/boot/grub2/grub.cfg" || grep blscfg >/dev/null "$m/boot/grub2/grub.cfg" ||
	fail "grub.cfg has no rescue menu entry"
ok "0-rescue: vmlinuz, initramfs, entry $tok-0-rescue.conf"

# The installer proved the initramfs holds the layout's modules.
grep -q "initramfs '/boot/initramfs-$kver.img' holds what the layout needs: .*ext4" "$tmp/install.log" ||
	fail "the install log has no initramfs check naming ext4"
helper=$build/tests/initramfs-check
"$helper" "$m" "$kver" "/boot/initramfs-$kver.img" >"$tmp/check" 2>&1 || { cat "$tmp/check"; fail "the check refuses the installed initramfs"; }
# The same initramfs made by the target's dracut without ext4.
unshare -m sh -c 'mount --rbind /dev "$1/dev" && mount -t proc proc "$1/proc" &&
	mount --rbind /sys "$1/sys" &&
	chroot "$1" dracut -q -f --no-hostonly --omit-drivers ext4 --kver "$2" /boot/omit.img' \
	sh "$m" "$kver" >"$tmp/dracut" 2>&1 || { cat "$tmp/dracut"; fail "dracut --omit-drivers failed"; }
if "$helper" "$m" "$kver" /boot/omit.img >"$tmp/check" 2>&1; then
	cat "$tmp/check"; fail "the check accepts an initramfs without ext4"
fi
grep -q "has no module 'ext4', which the ext4 file system of / needs" "$tmp/check" ||
	{ cat "$tmp/check"; fail "the refusal does not name ext4 and /"; }
rm -f "$m/boot/omit.img"
ok "initramfs check: the installed one holds ext4; one made with --omit-drivers ext4 is refused"

# Firmware (issue 20): the installer chose linux-firmware (Debian 12's
# firmware-realtek, ...) for r8169's files, in a transaction after the
# main one, and nothing for e1000.
grep -q "firmware: installing the packages that hold the [0-9]* files the loaded drivers name" "$tmp/install.log" ||
	fail "the install log does not say which firmware it installs"
rq -q linux-firmware >/dev/null || fail "linux-firmware is not installed for r8169"
ls "$m"/usr/lib/firmware/rtl_nic/rtl8168h-2.fw* >/dev/null 2>&1 || fail "no rtl_nic/rtl8168h-2.fw in the target"
rq -q intel-gpu-firmware >/dev/null 2>&1 && fail "intel-gpu-firmware installed, though no i915 is loaded"
# The warning of the bootloader phase's check (machines that boot the disk):
# i915's files are in intel-gpu-firmware, which nothing installed; r8169's
# and bnx2's are there now; e1000 names none.
"$helper" "$m" "$kver" "/boot/initramfs-$kver.img" r8169,bnx2,e1000,i915 >"$tmp/fw" 2>&1 || fail "firmware check failed"
grep -q "firmware: the loaded module 'i915' may load .*'i915/" "$tmp/fw" || { cat "$tmp/fw"; fail "no warning names i915's firmware"; }
grep -q "module '\(r8169\|bnx2\|e1000\)' may load" "$tmp/fw" && { cat "$tmp/fw"; fail "a module whose firmware is there is warned about"; }
ok "firmware: linux-firmware installed for r8169 (rtl_nic/rtl8168h-2.fw), none for e1000; i915's missing files warned about"
ok "driver checks took $(($(date +%s) - t1)) s"
echo "all real system repository checks passed"
