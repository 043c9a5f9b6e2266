#!/bin/bash
# Builds the live environment's one initramfs (used by the ISO and by PXE):
# busybox, iso/live/init, azl-installer and its library closure, the tools
# the install runs (mkfs, lvm, cryptsetup, grub, efibootmgr, ...), and a
# depmod'ed subset of the kernel's modules.
#
#   mkinitramfs.sh --installer BIN --out FILE [--sysroot DIR] [--kernel KDIR]
#                  [--kver KVER] [--label ISO_LABEL] [--compress zstd|xz|none]
#                  [--vmlinuz-out FILE]
#
# --sysroot (default /) is where the tools and libraries come from: the
# build machine itself, or a root filled by `azl-installer install --root
# DIR` from an Azure Linux repository. The kernel and its modules come from
# --kernel KDIR, a directory scripts/fetch-kernel.sh filled (Debian's kernel
# package unpacked, KDIR/root and KDIR/release), else from the sysroot; the
# build machine's own /boot and /lib/modules are never read (with the
# default sysroot, --kernel is required). The
# installer binary and its closure always come from the build machine
# (it was linked there). Libraries are resolved with readelf (DT_NEEDED)
# inside the sysroot, so this works for a foreign root too.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
installer= out= sysroot=/ kernel= kver= label=AZL_4_0_X86_64 compress=zstd vmlinuz_out=
while [ $# -gt 0 ]; do
	case "$1" in
	--installer) installer=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--sysroot) sysroot=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	--compress) compress=$2; shift 2 ;;
	--vmlinuz-out) vmlinuz_out=$2; shift 2 ;;
	*) echo "mkinitramfs.sh: unknown argument '$1'" >&2; exit 1 ;;
	esac
done
[ -n "$installer" ] && [ -n "$out" ] || {
	echo "usage: mkinitramfs.sh --installer BIN --out FILE [--sysroot DIR] [--kernel KDIR] [--kver KVER]" >&2
	exit 1
}
sysroot=${sysroot%/}
installer=$(realpath "$installer")
out=$(realpath "$out")
[ -n "$vmlinuz_out" ] && vmlinuz_out=$(realpath "$vmlinuz_out")
if [ -n "$kernel" ]; then
	kroot=$(realpath "$kernel")/root
	[ -n "$kver" ] || kver=$(cat "$kernel/release" 2>/dev/null) || :
elif [ -n "$sysroot" ]; then
	kroot=$sysroot
else
	echo "mkinitramfs.sh: with the build machine as sysroot the kernel comes from --kernel DIR" \
		"(scripts/fetch-kernel.sh DIR), not from its own /boot" >&2
	exit 1
fi
if [ -z "$kver" ]; then
	for v in "$kroot"/boot/vmlinuz-* "$kroot"/usr/lib/modules/*/vmlinuz; do
		[ -e "$v" ] || continue
		case "$v" in
		*/boot/vmlinuz-*) k=${v##*/vmlinuz-} ;;
		*) k=${v%/vmlinuz}; k=${k##*/} ;;
		esac
		[ -d "$kroot/usr/lib/modules/$k" ] && kver=$k
	done
fi
moddir=$kroot/usr/lib/modules/$kver
[ -n "$kver" ] && [ -d "$moddir" ] || {
	echo "mkinitramfs.sh: no kernel with modules in $kroot (scripts/fetch-kernel.sh DIR, then --kernel DIR)" >&2
	exit 2
}

stage=$(mktemp -d "${out%/*}/live-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p usr/bin usr/sbin usr/lib/x86_64-linux-gnu usr/lib64 etc/azl-live \
	dev proc sys run tmp mnt root var/tmp
ln -s usr/bin bin
ln -s usr/sbin sbin
ln -s usr/lib lib
ln -s usr/lib64 lib64
ln -s ../proc/self/mounts etc/mtab
ln -s ../run var/run

libdirs="/usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64 /usr/lib /lib"
declare -A copied=()

# copy_file ROOT PATH: ROOT/PATH -> stage/PATH (directories of links kept as
# the merged-/usr layout above; symlinked files are copied as files).
copy_file() {
	local root=$1 p=$2 dst
	dst=${p#/}
	case "$dst" in
	bin/*) dst=usr/$dst ;;
	sbin/*) dst=usr/$dst ;;
	lib/*) dst=usr/$dst ;;
	lib64/*) dst=usr/$dst ;;
	esac
	[ -n "${copied[$dst]:-}" ] && return 0
	copied[$dst]=1
	mkdir -p "$(dirname "$dst")"
	cp -L --preserve=mode "$root$p" "$dst"
}

resolve_lib() {
	local root=$1 name=$2 d
	for d in $libdirs; do
		if [ -e "$root$d/$name" ]; then
			echo "$d/$name"
			return 0
		fi
	done
	return 1
}

# copy_elf ROOT PATH: the file and, recursively, every DT_NEEDED library.
copy_elf() {
	local root=$1 p=$2 lib path
	copy_file "$root" "$p"
	file -L "$root$p" | grep -q ELF || return 0
	for lib in $(readelf -d "$root$p" 2>/dev/null |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		path=$(resolve_lib "$root" "$lib") || {
			echo "mkinitramfs.sh: $p needs $lib, not found in $root" >&2
			exit 2
		}
		local dst=usr${path#/usr}
		[ -n "${copied[$dst]:-}" ] && continue
		copy_elf "$root" "$path"
	done
}

find_tool() {
	local root=$1 t=$2 d
	for d in /usr/sbin /usr/bin /sbin /bin /usr/lib/grub/i386-pc; do
		if [ -x "$root$d/$t" ] && [ ! -d "$root$d/$t" ]; then
			echo "$d/$t"
			return 0
		fi
	done
	return 1
}

# The dynamic loader, where every ELF binary asks for it.
copy_file "$sysroot" /lib64/ld-linux-x86-64.so.2

# The installer (from the build machine) and its closure.
mkdir -p usr/bin
cp "$installer" usr/bin/azl-installer
strip --strip-unneeded usr/bin/azl-installer 2>/dev/null || :
copied[usr/bin/azl-installer]=1
for lib in $(readelf -d "$installer" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	path=$(resolve_lib / "$lib") || { echo "mkinitramfs.sh: azl-installer needs $lib" >&2; exit 2; }
	copy_elf / "$path"
done
# Loaded with dlopen: glibc needs libgcc_s for pthread_exit/cancel
# (libcryptsetup's threads), librpm its plugins.
for lib in libgcc_s.so.1; do
	path=$(resolve_lib "$sysroot" "$lib") || path=$(resolve_lib / "$lib") || {
		echo "mkinitramfs.sh: no $lib" >&2
		exit 2
	}
	copy_elf / "$path"
done
# The installer dlopen()s libparted on first use (installer/storage/parted-table.c):
# ldd does not list it, so it and its closure are named here.
for lib in libparted.so.2; do
	path=$(resolve_lib / "$lib") || {
		echo "mkinitramfs.sh: azl-installer loads $lib, not found" >&2
		exit 2
	}
	copy_elf / "$path"
done
for p in /usr/lib/x86_64-linux-gnu/rpm-plugins/*.so; do
	[ -e "$p" ] && copy_elf / "$p"
done

# The tools an install runs; required ones fail the build when missing.
# curl: kickstarts written for Anaconda call /usr/bin/curl in %pre and
# %onerror (OpenStack Ironic's heartbeats, issue 17).
# From a repository's sysroot (--sysroot) curl is wanted, not required:
# the live environment has it only when the repository does (the demo
# repository has none; docs/live.md).
required="busybox mke2fs mkfs.xfs mkfs.fat mkswap lvm cryptsetup grub-install
	grub-mkimage blkid mount umount"
if [ -n "$sysroot" ]; then curl_kind=wanted; else required="$required curl"; curl_kind=; fi
wanted="${curl_kind:+curl }mkfs.ext4 e2fsck tune2fs resize2fs dmsetup grub-probe grub-editenv
	efibootmgr sfdisk partx wipefs losetup eject rpm mkfs.vfat mkfs.ext3
	fsck.ext4 e2label xfs_repair xfs_growfs xfs_admin fsck.fat swapon swapoff
	grub-mkrelpath grub-file grub-bios-setup grub-mkpasswd-pbkdf2
	grub-script-check findmnt lsblk fdisk sgdisk parted rpmkeys unsquashfs mdadm"
for t in $required; do
	p=$(find_tool "$sysroot" "$t") || {
		echo "mkinitramfs.sh: required tool '$t' not found in $sysroot" >&2
		exit 2
	}
	copy_elf "$sysroot" "$p"
done
absent=
for t in $wanted; do
	p=$(find_tool "$sysroot" "$t") || { absent="$absent $t"; continue; }
	copy_elf "$sysroot" "$p"
done
[ -z "$absent" ] || echo "mkinitramfs.sh: not in ${sysroot:-/} (left out):$absent" >&2
# grub-install looks for grub-bios-setup next to itself.
[ -e usr/lib/grub/i386-pc/grub-bios-setup ] && [ ! -e usr/sbin/grub-bios-setup ] &&
	ln -s ../lib/grub/i386-pc/grub-bios-setup usr/sbin/grub-bios-setup
for a in pvcreate pvremove pvs pvscan vgcreate vgchange vgremove vgs vgscan \
	vgmknodes lvcreate lvchange lvremove lvs lvscan; do
	[ -e "usr/sbin/$a" ] || ln -s lvm "usr/sbin/$a"
done
busybox_path=$(find_tool "$sysroot" busybox)
[ "$busybox_path" = /usr/bin/busybox ] || mv "${busybox_path#/}" usr/bin/busybox 2>/dev/null || :
for a in $(chroot "$sysroot" /usr/bin/busybox --list 2>/dev/null || busybox --list); do
	[ -e "usr/bin/$a" ] || [ -e "usr/sbin/$a" ] || ln -s busybox "usr/bin/$a"
done

# Data the tools and libraries read.
# copy_tree PATH [optional|host]: from the sysroot; "host": from the build
# machine when the sysroot has none.
copy_tree() {
	local from=$sysroot
	[ -e "$sysroot$1" ] || [ "${2:-}" != host ] || [ ! -e "$1" ] || from=
	[ -e "$from$1" ] || { [ -n "${2:-}" ] && return 0; echo "mkinitramfs.sh: no $sysroot$1" >&2; exit 2; }
	mkdir -p "$(dirname "${1#/}")"
	cp -a "$from$1" "$(dirname "${1#/}")/"
}
copy_tree /usr/lib/grub/i386-pc
copy_tree /usr/lib/grub/x86_64-efi
copy_tree /usr/share/grub optional
# librpm's configuration goes with librpm: the sysroot's when it has rpm,
# else the build machine's, where the installer's librpm came from.
copy_tree /usr/lib/rpm host
copy_tree /etc/rpm host
copy_tree /usr/lib/locale/C.utf8 optional
# Time zones, for the answer file's timezone: (not the right/ and posix/ copies).
if [ -d "$sysroot/usr/share/zoneinfo" ]; then
	mkdir -p usr/share/zoneinfo
	(cd "$sysroot/usr/share/zoneinfo" && find . -path ./right -prune -o -path ./posix -prune -o -print |
		cpio -pdm --quiet "$stage/usr/share/zoneinfo")
fi
mkdir -p etc/ssl/certs usr/share/terminfo
for ca in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
	if [ -e "$sysroot$ca" ]; then
		cp -L "$sysroot$ca" etc/ssl/certs/ca-certificates.crt
		mkdir -p etc/pki/tls/certs
		ln -sf ../../../ssl/certs/ca-certificates.crt etc/pki/tls/certs/ca-bundle.crt
		break
	fi
done
for t in l/linux v/vt100 v/vt102 v/vt220 x/xterm x/xterm-256color s/screen d/dumb; do
	for d in /usr/share/terminfo /lib/terminfo /usr/lib/terminfo; do
		if [ -e "$sysroot$d/$t" ]; then
			mkdir -p "usr/share/terminfo/${t%/*}"
			cp -L "$sysroot$d/$t" "usr/share/terminfo/$t"
			break
		fi
	done
done

cat >etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/:/sbin/nologin
EOF
cat >etc/group <<'EOF'
root:x:0:
tty:x:5:
disk:x:6:
nogroup:x:65534:
EOF
echo 'root::0:0:99999:7:::' >etc/shadow
chmod 600 etc/shadow
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >etc/nsswitch.conf
printf '127.0.0.1 localhost azl-live\n' >etc/hosts
cat >etc/os-release <<'EOF'
NAME="Azure Linux installer (live)"
ID=azurelinux-live
VERSION_ID="4.0"
PRETTY_NAME="azl-installer live environment"
EOF
cat >etc/profile <<'EOF'
export PATH=/usr/sbin:/usr/bin
export LANG=C.UTF-8
export PS1='azl-live:\w# '
[ -z "$TERM" ] || [ "$TERM" = linux ] && [ "$(tty)" != /dev/tty1 ] && export TERM=vt220
EOF
mkdir -p etc/lvm
cp "$here/lvm.conf" etc/lvm/lvm.conf
install -m 755 "$here/init" init
install -m 755 "$here/udhcpc.script" etc/azl-live/udhcpc.script
install -m 755 "$here/poweroff" usr/sbin/poweroff
ln -sf poweroff usr/sbin/reboot
ln -sf poweroff usr/sbin/halt
echo "$label" >etc/azl-live/medium-label

# ICU's data (31 MiB: converters, collation, locales) comes with Debian's
# libxml2, which libarchive links for its xar reader; nothing in the live
# system reads it (iso/live/icu-stubdata.c says why). An empty data
# package of ICU's own format takes its place.
for d in usr/lib/x86_64-linux-gnu/libicudata.so.*; do
	[ -e "$d" ] || continue
	v=${d##*.so.}
	v=${v%%.*}
	"${CC:-cc}" -shared -fPIC -O2 -Wall -Wextra -Werror -DICU_DATA_SYMBOL="icudt${v}_dat" \
		-Wl,-soname,"libicudata.so.$v" -o "$d.stub" "$here/icu-stubdata.c"
	mv "$d.stub" "$d"
done

# Kernel modules: the list and what they depend on, then depmod over it.
mods=$(sed -e 's/#.*//' "$here/modules" | awk 'NF { print $1 }')
sed -e 's/#.*//' "$here/modules" | awk '$2 == "load" { print $1 }' >etc/azl-live/modules
missing=
for m in $mods; do
	deps=$(modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null) || {
		missing="$missing $m"
		continue
	}
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		# with -d, modprobe names the files under the kernel's root
		path=${path#"$kroot"}
		path=/usr${path#/usr}
		rel=${path#/usr/lib/modules/$kver/}
		mkdir -p "usr/lib/modules/$kver/$(dirname "$rel")"
		cp -n "$kroot/usr/lib/modules/$kver/$rel" "usr/lib/modules/$kver/$rel"
	done <<<"$deps"
done
[ -z "$missing" ] || echo "mkinitramfs.sh: not in kernel $kver (skipped):$missing" >&2
# xz-compressed, as Fedora ships them: busybox's modprobe unpacks a
# .ko.xz itself (this kernel has no in-kernel decompression), and the
# unpacked initramfs, which lives in RAM, is 26 MiB smaller.
find "usr/lib/modules/$kver" -name '*.ko' -exec xz -q --check=crc32 -T1 {} +
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -e "$moddir/$f" ] && cp "$moddir/$f" "usr/lib/modules/$kver/"
done
depmod -b "$stage" "$kver"

if [ -n "$vmlinuz_out" ]; then
	for v in "$kroot/boot/vmlinuz-$kver" "$moddir/vmlinuz"; do
		if [ -e "$v" ]; then
			cp "$v" "$vmlinuz_out"
			break
		fi
	done
	[ -e "$vmlinuz_out" ] || { echo "mkinitramfs.sh: no vmlinuz for $kver" >&2; exit 2; }
fi

case "$compress" in
zstd) comp=(zstd -q -19 -T0) ;;
xz) comp=(xz -9 --check=crc32 -T0) ;;
none) comp=(cat) ;; # for tests: the kernel unpacks a plain cpio too
*) echo "mkinitramfs.sh: --compress zstd, xz or none" >&2; exit 1 ;;
esac
find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | "${comp[@]}" >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs.sh: $out: $(du -sm --apparent-size "$out" | cut -f1) MiB ($compress), $(du -sm . | cut -f1) MiB unpacked, kernel $kver"
