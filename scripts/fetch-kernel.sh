#!/bin/bash
# fetch-kernel.sh DIR
# The Debian 12 kernel the demo repository and the live environment carry,
# fetched with `apt-get download` and unpacked with `dpkg -x` into DIR; it is
# never installed on the build machine (installing it would run
# update-initramfs and update-grub there) and the build machine's own
# /boot and /lib/modules are never read.
#
#   DIR/root/boot/vmlinuz-KVER, System.map-KVER, config-KVER
#   DIR/root/usr/lib/modules/KVER/...   (depmod'ed; DIR/root/lib -> usr/lib,
#                                        so `modprobe -d DIR/root` works)
#   DIR/release   KVER, e.g. 6.1.0-57-amd64
#   DIR/version   the Debian version of the package, e.g. 6.1.192-3
#   DIR/package   the package, e.g. linux-image-6.1.0-57-amd64
#
# The package is what linux-image-amd64 depends on (apt-cache), or
# $AZL_KERNEL_PACKAGE. Idempotent: when DIR already holds that package,
# nothing is fetched and no file changes (the targets that depend on
# DIR/release are not rebuilt). When apt cannot say which package is
# current but DIR holds a kernel, that kernel is kept.
set -euo pipefail

dir=${1:?usage: fetch-kernel.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

have=$(cat "$dir/package" 2>/dev/null || :)
pkg=${AZL_KERNEL_PACKAGE:-}
if [ -z "$pkg" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n 1) || :
fi
if [ -z "$pkg" ]; then
	if [ -n "$have" ] && [ -s "$dir/release" ]; then
		echo "fetch-kernel.sh: apt-cache does not know linux-image-amd64; keeping $have" >&2
		exit 0
	fi
	echo "fetch-kernel.sh: apt-cache does not know linux-image-amd64; run 'apt-get update' (scripts/deps.sh does)" >&2
	exit 2
fi
kver=${pkg#linux-image-}
if [ "$have" = "$pkg" ] && [ "$(cat "$dir/release" 2>/dev/null)" = "$kver" ] &&
	[ -s "$dir/root/usr/lib/modules/$kver/modules.dep" ] &&
	[ -s "$dir/root/boot/vmlinuz-$kver" ]; then
	exit 0
fi

tmp=$(mktemp -d "$dir/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "fetch-kernel.sh: downloading $pkg (apt-get download) into $dir"
# APT::Sandbox::User=root: the _apt user may not write into DIR.
(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg") >"$tmp/log" 2>&1 || {
	cat "$tmp/log" >&2
	echo "fetch-kernel.sh: cannot download $pkg" >&2
	exit 2
}
deb=$(ls "$tmp"/"$pkg"_*.deb)
version=$(dpkg-deb -f "$deb" Version)
dpkg -x "$deb" "$tmp/root"
rm -f "$deb"
# Debian 12's package ships /lib/modules; make the tree /usr-merged like
# an Azure Linux root, with lib -> usr/lib for modprobe -d and depmod -b.
mkdir -p "$tmp/root/usr/lib/modules"
mv "$tmp/root/lib/modules/$kver" "$tmp/root/usr/lib/modules/"
rmdir "$tmp/root/lib/modules" "$tmp/root/lib"
ln -s usr/lib "$tmp/root/lib"
[ -s "$tmp/root/boot/vmlinuz-$kver" ] || {
	echo "fetch-kernel.sh: $pkg has no /boot/vmlinuz-$kver" >&2
	exit 2
}
depmod -b "$tmp/root" "$kver"

rm -rf "$dir/root"
mv "$tmp/root" "$dir/root"
echo "$version" >"$dir/version"
echo "$pkg" >"$dir/package"
echo "$kver" >"$dir/release"
echo "fetch-kernel.sh: $pkg $version unpacked in $dir/root"
