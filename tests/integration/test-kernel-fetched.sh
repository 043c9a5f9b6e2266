#!/bin/bash
# The demo repository and the live initramfs take their kernel from
# BUILD/kernel (scripts/fetch-kernel.sh: Debian's package fetched with
# apt-get download and unpacked), never from the build machine: both are
# built here in a mount namespace where the host's /boot and
# /usr/lib/modules (= /lib/modules) are empty, and what they carry is
# compared with the fetched kernel. Root (mount namespace).
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (mount namespace)"; exit 77; }
build=$AZL_BUILD_DIR src=$AZL_SOURCE_DIR
kdir=$build/kernel
cmake --build "$build" --target kernel >/dev/null
kver=$(cat "$kdir/release")
[ -s "$kdir/root/boot/vmlinuz-$kver" ] || fail "no fetched kernel in $kdir"
[ -s "$kdir/root/usr/lib/modules/$kver/modules.dep" ] || fail "the fetched modules are not depmod'ed"
tmp=$(mktemp -d "$build/test-kernel-fetched.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# hidden CMD...: CMD with the host's kernel out of sight.
hidden() {
	# (a directory this machine does not have is out of sight already)
	unshare -m bash -c 'mount --make-rprivate / &&
		for d in /boot /usr/lib/modules; do [ ! -d "$d" ] || mount -t tmpfs none "$d" || exit 1; done &&
		[ -z "$(find /boot/ /lib/modules/ -mindepth 1 2>/dev/null)" ] && exec "$@"' hidden "$@"
}

# The live initramfs (plain cpio: compressing it proves nothing here).
hidden bash "$src/iso/live/mkinitramfs.sh" --installer "$AZL_BIN" --kernel "$kdir" \
	--compress none --out "$tmp/initrd.img" --vmlinuz-out "$tmp/vmlinuz" \
	>"$tmp/live.log" 2>&1 || { cat "$tmp/live.log"; fail "mkinitramfs.sh without the host's kernel"; }
cmp -s "$tmp/vmlinuz" "$kdir/root/boot/vmlinuz-$kver" || fail "the live vmlinuz is not the fetched one"
cpio -it <"$tmp/initrd.img" 2>/dev/null >"$tmp/live.list"
grep -qx "usr/lib/modules/$kver/modules.dep" "$tmp/live.list" || fail "no modules.dep for $kver in the initramfs"
# Kickstarts written for Anaconda (Ironic's heartbeats) run /usr/bin/curl
# in %pre and %onerror, in the live environment.
grep -qx "usr/bin/curl" "$tmp/live.list" || fail "no /usr/bin/curl in the initramfs"
grep -qx "usr/lib/modules/$kver/kernel/drivers/md/dm-crypt.ko.xz" "$tmp/live.list" || fail "no dm-crypt.ko.xz in the initramfs"
! grep -q '\.ko$' "$tmp/live.list" || fail "uncompressed modules in the initramfs: $(grep -c '\.ko$' "$tmp/live.list")"
grep -q "/dm-crypt.ko.xz:" <(cd "$tmp" && cpio -i --to-stdout "usr/lib/modules/$kver/modules.dep" <initrd.img 2>/dev/null) ||
	fail "modules.dep does not name dm-crypt.ko.xz"
# ICU's 31 MiB of data (libxml2's, for libarchive's xar reader) is the
# empty package of iso/live/icu-stubdata.c; libicuuc still finds its symbol.
icu=$(grep -x 'usr/lib/x86_64-linux-gnu/libicudata\.so\.[0-9]*' "$tmp/live.list" || :)
if [ -n "$icu" ]; then
	(cd "$tmp" && cpio -id --quiet "$icu" <initrd.img 2>/dev/null)
	[ "$(stat -c %s "$tmp/$icu")" -lt 65536 ] || fail "$icu is ICU's whole data ($(stat -c %s "$tmp/$icu") bytes)"
	nm -D --defined-only "$tmp/$icu" | grep -q " R icudt[0-9]*_dat$" || fail "$icu does not export icudtNN_dat"
fi
ok "live initramfs and vmlinuz from $kdir ($kver) with the host's /boot and /lib/modules empty"

# Without --kernel, the build machine as sysroot: refused, not read.
rc=0
bash "$src/iso/live/mkinitramfs.sh" --installer "$AZL_BIN" --out "$tmp/x.img" >"$tmp/no-kernel.log" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q -- '--kernel DIR' "$tmp/no-kernel.log" ||
	{ cat "$tmp/no-kernel.log"; fail "mkinitramfs.sh without --kernel: exit $rc"; }
ok "mkinitramfs.sh refuses to take the build machine's kernel"

# The demo repository.
hidden python3 "$src/iso/demo-repo/build-repo.py" --out "$tmp/repo" --work "$tmp/work" \
	--kernel "$kdir" >"$tmp/repo.log" 2>&1 || { tail -n 30 "$tmp/repo.log"; fail "build-repo.py without the host's kernel"; }
GNUPGHOME=$tmp/work/gnupg gpgconf --kill gpg-agent 2>/dev/null || :
mkdir "$tmp/core" "$tmp/mods"
(cd "$tmp/core" && rpm2cpio "$tmp"/repo/Packages/kernel-core-*.rpm | cpio -id --quiet)
(cd "$tmp/mods" && rpm2cpio "$tmp"/repo/Packages/kernel-modules-*.rpm | cpio -id --quiet)
cmp -s "$tmp/core/usr/lib/modules/$kver/vmlinuz" "$kdir/root/boot/vmlinuz-$kver" ||
	fail "kernel-core's vmlinuz is not the fetched one"
grep -q 'dm-crypt.ko' "$tmp/mods/usr/lib/modules/$kver/modules.dep" || fail "kernel-modules has no dm-crypt"
want=$(sed 's/-.*//' "$kdir/version")
rpm -qp --qf '%{VERSION}' "$tmp"/repo/Packages/kernel-core-*.rpm 2>/dev/null | grep -x "$want" >/dev/null ||
	fail "kernel-core's version is not the fetched package's ($want)"
ok "demo repository's kernel-core and kernel-modules from $kdir with the host's kernel hidden"
