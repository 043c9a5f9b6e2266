#!/bin/sh
# Installs every Debian 12 package the build, the tests, the demo repository,
# the ISO and the benchmarks need. Idempotent: packages already present are
# not fetched again, and apt-get update runs only when something is missing.
#
# Nothing here changes how the build machine boots: no kernel and nothing
# that runs update-initramfs, update-grub or grub-install on it
# (linux-image-*, initramfs-tools, dracut, grub-pc, grub-efi-amd64 are
# forbidden; the -bin packages only carry GRUB's modules and tools). The
# kernel that goes into the demo repository and the live environment is
# fetched with `apt-get download` and unpacked into the build tree by
# scripts/fetch-kernel.sh (the `kernel` target). tests/check-deps.sh checks
# both rules: the packages a fresh machine would get, and that every
# command the tests and build scripts run comes from one of them.
# dnsmasq-base and nginx serve the PXE fleet test (tests/e2e/test-pxe-fleet.sh)
# inside a network namespace it creates: dnsmasq-base is the binary without
# the system service; installing nginx on a machine whose init starts
# services also starts Debian's default site on port 80, which the test
# does not use (it runs its own nginx with its own configuration).
# tang, socat and clevis-luks: tests/integration/test-tang.sh runs Debian's
# tangd behind socat on 127.0.0.1 and binds LUKS images with clevis (not
# clevis-dracut: it needs dracut, which must not be on this machine).
set -eu

PKGS="
build-essential cmake pkg-config clang clang-format
libncurses-dev libparted-dev libblkid-dev libcryptsetup-dev libnm-dev
libyaml-dev librpm-dev libsolv-dev libsolvext-dev libcurl4-openssl-dev libarchive-dev
libcrypt-dev libgcrypt20-dev libssl-dev libcmocka-dev gettext
python3 python3-jsonschema python3-yaml python3-jinja2 tzdata
parted util-linux fdisk e2fsprogs xfsprogs btrfs-progs dosfstools mtools cryptsetup-bin
lvm2 kmod mdadm
rpm createrepo-c gnupg
xorriso qemu-system-x86 qemu-utils ovmf seabios sbsigntool
grub-pc-bin grub-efi-amd64-bin grub-common grub2-common
busybox-static tmux dbus-daemon login libpam0g libpam-modules
cpio file zstd squashfs-tools
efibootmgr eject ipxe-qemu binutils pxelinux syslinux-common
dnf time bc
network-manager iproute2 dnsmasq-base nginx
curl openssl strace openssh-client
swtpm
tang socat clevis-luks
"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
		exit 2
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
