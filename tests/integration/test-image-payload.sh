#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# packages.image into a directory (--root, --stop-after image), no disks:
# tar, .tar.gz, .tar.xz and .tar.zst read by libarchive from file:// URLs;
# a matching checksum passes, one that does not is exit 3; an image
# without a kernel is named as such; a squashfs image through unsquashfs;
# hostile tarballs (an absolute path, '..', a write through a symlink, a
# hard link to a file outside by an absolute or a '..' name) write nothing
# outside the root and fail with exit 3.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}"
for t in python3 tar gzip xz zstd sha256sum mksquashfs unsquashfs; do
	command -v "$t" >/dev/null || { echo "$t missing: skipped"; exit 77; }
done
tmp=$(mktemp -d /tmp/test-image-payload.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

src=$tmp/src
mkdir -p "$src/usr/lib/modules/6.1.0-test" "$src/etc" "$src/boot"
echo kernel >"$src/usr/lib/modules/6.1.0-test/vmlinuz"
echo hello >"$src/etc/motd"
ln "$src/etc/motd" "$src/etc/motd.link"
ln -s ../usr/lib "$src/etc/lib-link"
# over 128 KiB: its writeback is started as soon as it is written
head -c 300000 /dev/urandom >"$src/usr/lib/big" && chmod 000 "$src/usr/lib/big"
tar --numeric-owner -C "$src" -cf "$tmp/img.tar" .
gzip -k "$tmp/img.tar" && xz -k "$tmp/img.tar" && zstd -q "$tmp/img.tar"
mkdir "$tmp/nokernel" && echo x >"$tmp/nokernel/file"
tar -C "$tmp/nokernel" -czf "$tmp/nokernel.tar.gz" .

run() { # name image-url [checksum]: the exit code on stdout, output in $tmp/name.out
	local rc=0 sum=
	[ -n "${3:-}" ] && sum=", checksum: \"$3\""
	printf 'version: 1\npackages: {image: {url: "%s"%s}}\n' "$2" "$sum" >"$tmp/$1.yaml"
	rm -rf "$tmp/root-$1"
	"$AZL_BIN" install --root "$tmp/root-$1" --answers "$tmp/$1.yaml" \
		--stop-after image >"$tmp/$1.out" 2>&1 || rc=$?
	echo "$rc"
}

for ext in tar tar.gz tar.xz tar.zst; do
	sum=$(sha256sum "$tmp/img.$ext" | cut -d' ' -f1)
	rc=$(run "$ext" "file://$tmp/img.$ext" "$sum")
	[ "$rc" = 0 ] || { cat "$tmp/$ext.out"; fail ".$ext: exit $rc"; }
	r=$tmp/root-$ext
	[ "$(cat "$r/etc/motd")" = hello ] || fail ".$ext: /etc/motd not extracted"
	[ "$(stat -c %i "$r/etc/motd")" = "$(stat -c %i "$r/etc/motd.link")" ] || fail ".$ext: hard link lost"
	[ "$(readlink "$r/etc/lib-link")" = ../usr/lib ] || fail ".$ext: symlink lost"
	cmp -s "$src/usr/lib/big" "$r/usr/lib/big" && [ "$(stat -c %a "$r/usr/lib/big")" = 0 ] ||
		fail ".$ext: a 300 kB file with mode 000 not extracted as it was"
	ok ".$ext extracted, checksum matched"
done

# --stop-after packages with an image payload stops after the image (the
# packages phase never runs, so it stopped nowhere and went on to the end).
rc=0
printf 'version: 1\npackages: {image: {url: "file://%s"}}\n' "$tmp/img.tar" >"$tmp/stop.yaml"
"$AZL_BIN" install --root "$tmp/root-stop" --answers "$tmp/stop.yaml" \
	--stop-after packages >"$tmp/stop.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && grep -q "Stopped after image" "$tmp/stop.out" ||
	{ cat "$tmp/stop.out"; fail "--stop-after packages with an image: exit $rc, did not stop after the image"; }
ok "--stop-after packages with an image payload stops after the image"

bad=$(sha256sum "$tmp/img.tar.gz" | cut -d' ' -f1 | tr 0-9a-f 1-9a-f0)
rc=$(run badsum "file://$tmp/img.tar.gz" "$bad")
[ "$rc" = 3 ] && grep -q "has SHA-256" "$tmp/badsum.out" || { cat "$tmp/badsum.out"; fail "a wrong checksum: exit $rc"; }
ok "a wrong checksum: exit 3"

rc=$(run nokernel "file://$tmp/nokernel.tar.gz")
[ "$rc" = 3 ] && grep -q "carries no kernel" "$tmp/nokernel.out" || { cat "$tmp/nokernel.out"; fail "no kernel: exit $rc"; }
ok "an image without a kernel: exit 3, said so"

# squashfs: saved on the target's disk, checked, written out by
# unsquashfs (xattrs too), then removed.
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.azl", b"kept")' "$src/etc/motd"
mksquashfs "$src" "$tmp/root.squashfs" -quiet -no-progress >/dev/null
sum=$(sha256sum "$tmp/root.squashfs" | cut -d' ' -f1)
rc=$(run squashfs "file://$tmp/root.squashfs" "$sum")
[ "$rc" = 0 ] || { cat "$tmp/squashfs.out"; fail "squashfs: exit $rc"; }
r=$tmp/root-squashfs
[ "$(cat "$r/etc/motd")" = hello ] || fail "squashfs: /etc/motd not written"
[ "$(stat -c %i "$r/etc/motd")" = "$(stat -c %i "$r/etc/motd.link")" ] || fail "squashfs: hard link lost"
python3 -c 'import os, sys; assert os.getxattr(sys.argv[1], "user.azl") == b"kept"' "$r/etc/motd" ||
	fail "squashfs: xattr lost"
[ ! -e "$r/.azl-image.squashfs" ] || fail "squashfs: the downloaded image was left in the target"
ok "a squashfs image: written out with its hard link and xattr, checksum matched, file removed"
printf 'hsqs\0\0\0\0squashfs-ish' >"$tmp/broken.squashfs"
rc=$(run broken-squashfs "file://$tmp/broken.squashfs")
[ "$rc" = 3 ] && grep -q "unsquashfs" "$tmp/broken-squashfs.out" || { cat "$tmp/broken-squashfs.out"; fail "a broken squashfs: exit $rc"; }
[ ! -e "$tmp/root-broken-squashfs/.azl-image.squashfs" ] || fail "a broken squashfs was left in the target"
ok "a broken squashfs image: exit 3, said so, file removed"

rc=$(run missing "file://$tmp/no-such.tar")
[ "$rc" = 3 ] && grep -q "no-such.tar" "$tmp/missing.out" || { cat "$tmp/missing.out"; fail "a missing image: exit $rc"; }
ok "a missing image: exit 3, named"

# Hostile tarballs, made with Python's tarfile (GNU tar strips them).
mkdir "$tmp/outside" "$tmp/victim"
echo secret >"$tmp/victim/secret"
python3 - "$tmp" <<'PY'
import io, sys, tarfile
tmp = sys.argv[1]
def tar(name, entries):
    with tarfile.open(f"{tmp}/{name}.tar", "w") as t:
        for e in entries:
            t.addfile(*e)
def reg(path, data=b"pwned\n"):
    i = tarfile.TarInfo(path); i.size = len(data); return (i, io.BytesIO(data))
def sym(path, target):
    i = tarfile.TarInfo(path); i.type = tarfile.SYMTYPE; i.linkname = target; return (i,)
tar("absolute", [reg(f"{tmp}/outside/absolute")])
tar("dotdot", [reg("../outside/dotdot")])
tar("symlink", [sym("escape", f"{tmp}/outside"), reg("escape/via-symlink")])
def hard(path, target):
    i = tarfile.TarInfo(path); i.type = tarfile.LNKTYPE; i.linkname = target; return (i,)
tar("hardlink-absolute", [hard("hl", f"{tmp}/victim/secret")])
tar("hardlink-dotdot", [hard("hl", "../victim/secret")])
PY
for h in absolute dotdot symlink hardlink-absolute hardlink-dotdot; do
	rc=$(run "$h" "file://$tmp/$h.tar")
	[ "$rc" = 3 ] && grep -q "refused" "$tmp/$h.out" || { cat "$tmp/$h.out"; fail "hostile tarball '$h': exit $rc, not 3, or not refused"; }
	[ -z "$(ls -A "$tmp/outside")" ] || fail "hostile tarball '$h' wrote outside the root: $(ls "$tmp/outside")"
	[ "$(stat -c %h "$tmp/victim/secret")" = 1 ] || fail "hostile tarball '$h' linked a file outside the root into it"
	ok "hostile tarball '$h': refused, nothing outside the root"
done
