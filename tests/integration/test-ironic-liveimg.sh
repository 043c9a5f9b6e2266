#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# OpenStack Ironic's anaconda deploy, host side (issue 17): Debian 12's
# python3-ironic (apt-get download + dpkg -x into the build tree, never
# installed) renders its ks.cfg.template with Ironic's own code
# (tests/integration/ironic-ks.py), with and without a config drive; the
# installer installs a tarball image (liveimg) from a server on 127.0.0.1
# into a disk image; the same server records the heartbeats the
# kickstart's %pre, %post and %onerror send with /usr/bin/curl.
#   1. the kickstart with a config drive: exit 0, heartbeats start then
#      end, accepted (POST, JSON, API version 1.72, the agent token); the
#      installed root keeps the image's xattrs (security.selinux), ACL,
#      hard link, device node and numeric owner; GRUB in the MBR.
#   2. without a config drive, the image URL broken: start then error,
#      never end, exit 3, nothing left mounted or attached.
#   3. liveimg --checksum that does not match: the same.
#   4. the template's package-repository form (Ironic's is_source_a_path:
#      `url --url` and an empty `%packages --ignoremissing`), from
#      build/real-repo over HTTP, whose @minimal (Fedora's @core) carries
#      curl, as Azure Linux's does: start then end, the end sent by %post
#      in the installed system with its own curl. The live system is
#      given the repository's key as Ironic's kernel line would give it
#      (inst.repo= the same URL, azl.repo.gpgkey=).
# One deviation from the template: `autopart` becomes
# `autopart --type=plain`, since the host has no device-mapper for the
# LVM that autopart makes (DESIGN.md, machine facts; QEMU guests have it).
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
for t in losetup sfdisk python3 curl zstd tar apt-get dpkg; do
	command -v "$t" >/dev/null || { echo "$t missing: skipped"; exit 77; }
done
here=$(cd "$(dirname "$0")" && pwd)
repo=$AZL_BUILD_DIR/demo-repo
real=$AZL_BUILD_DIR/real-repo
cmake --build "$AZL_BUILD_DIR" --target demo-repo real-repo >/dev/null

# Ironic's template, from Debian's package (kept in the build tree).
pkg=$AZL_BUILD_DIR/ironic-pkg
tmpl=usr/lib/python3/dist-packages/ironic/drivers/modules/ks.cfg.template
if [ ! -s "$pkg/root/$tmpl" ]; then
	rm -rf "$pkg" && mkdir -p "$pkg"
	(cd "$pkg" && apt-get download -q -o APT::Sandbox::User=root python3-ironic) >"$pkg/log" 2>&1 || {
		cat "$pkg/log" >&2; echo "FAIL: cannot download python3-ironic" >&2; exit 1; }
	dpkg -x "$pkg"/python3-ironic_*.deb "$pkg/root"
	rm -f "$pkg"/python3-ironic_*.deb
fi

tmp=$(mktemp -d /tmp/test-ironic-liveimg.XXXXXX)
server=
cleanup() {
	set +e
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || :
		wait "$server" 2>/dev/null || :
	fi
	grep -o " $tmp/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m" 2>/dev/null || true; done
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
export AZL_CACHE_DIR=$tmp/cache

# The image: the demo repository installed into a directory, plus the
# host's curl and base64 with their libraries (the demo repository has
# neither; Azure Linux's image has both), plus what must survive the trip.
root=$tmp/root
printf 'version: 1\npackages: {install: ["@minimal", grub2-pc, e2fsprogs]}\n' >"$tmp/root.yaml"
"$AZL_BIN" install --root "$root" --repo "$repo" --answers "$tmp/root.yaml" >"$tmp/root.out" 2>&1 ||
	{ tail "$tmp/root.out"; fail "the image root could not be installed"; }
for f in /usr/bin/curl /usr/bin/base64 $(ldd /usr/bin/curl | awk '$2 == "=>" {print $3}'); do
	[ -e "$root$f" ] || cp -L "$f" "$root$f"
done
echo marker >"$root/etc/azl-marker"
ln "$root/etc/azl-marker" "$root/etc/azl-marker-link"
mknod "$root/dev/azl-null" c 1 3
touch "$root/etc/azl-owned" && chown 4321:4322 "$root/etc/azl-owned"
python3 - "$root/etc/azl-marker" <<'PY'
import os, struct, sys
p = sys.argv[1]
os.setxattr(p, "security.selinux", b"system_u:object_r:etc_t:s0\0")
os.setxattr(p, "user.azl", b"kept")
# POSIX ACL (system.posix_acl_access): owner rw, user 1234 r, group r,
# mask r, other r.
e = [(0x01, 6, 0xFFFFFFFF), (0x02, 4, 1234), (0x04, 4, 0xFFFFFFFF),
     (0x10, 4, 0xFFFFFFFF), (0x20, 4, 0xFFFFFFFF)]
os.setxattr(p, "system.posix_acl_access",
            struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *x) for x in e))
PY
mkdir "$tmp/srv"
tar --xattrs --xattrs-include='*' --acls --numeric-owner -C "$root" -cf - . |
	zstd -q -T2 >"$tmp/srv/image.tar.zst"
sum=$(sha256sum "$tmp/srv/image.tar.zst" | cut -d' ' -f1)
ok "image: $(du -h "$tmp/srv/image.tar.zst" | cut -f1) tar.zst, sha256 $sum"

token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
node=1be26c0b-03f2-4d2e-ae87-c02d7f33c123
python3 "$here/ironic-ks.py" serve "$tmp/srv" "$tmp/hb.log" "$tmp/port" "$token" &
server=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "the server did not start"
base=http://127.0.0.1:$(cat "$tmp/port")

render() { # out image-url [--config-drive|--source-is-path]
	python3 "$here/ironic-ks.py" render "$pkg/root" "$1" "$2" "$base" "$node" "$token" "${3:-}" ||
		fail "rendering the template failed"
	if [ "${3:-}" = --source-is-path ]; then
		grep -q "^url --url $2\$" "$1" || fail "$1: no url line"
	else
		grep -q "^liveimg --url $2\$" "$1" || fail "$1: no liveimg line"
	fi
	# The one change: plain partitions, no LVM on this host.
	sed -i 's/^autopart$/autopart --type=plain/' "$1"
	grep -q "^autopart --type=plain$" "$1" || fail "$1: no autopart line"
}
# What the server recorded for one run, after the lines before it.
statuses() { tail -n +"$(($1 + 1))" "$tmp/hb.log" 2>/dev/null | python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
bad = [r for r in recs if not r["accepted"] or r["method"] != "POST"]
print(" ".join(r["status"] or "?" for r in recs) + (" REFUSED" if bad else ""))'; }
seen() { if [ -f "$tmp/hb.log" ]; then wc -l <"$tmp/hb.log"; else echo 0; fi; }
nothing_left() { # what
	grep -q " $tmp/" /proc/mounts && fail "$1: something of $tmp is still mounted"
	# The disk's loop device stays attached while anything on it is
	# mounted: detached means unmounted.
	[ -z "$(losetup -n -O NAME,BACK-FILE -l | grep "$tmp/")" ] || fail "$1: a loop device is left attached"
	return 0
}
install() { # ks disk log: the exit code on stdout
	local rc=0
	"$AZL_BIN" install --answers "$1" --disk "$2" --firmware bios --yes \
		--log "$3" >"$3.out" 2>&1 || rc=$?
	echo "$rc"
}

# 1. The rendered template, with a config drive: it converts without a
# warning, installs, and sends start then end.
render "$tmp/ks-cd.cfg" "$base/image.tar.zst" --config-drive
"$AZL_BIN" convert "$tmp/ks-cd.cfg" -o "$tmp/ks-cd.yaml" 2>"$tmp/convert.err" || { cat "$tmp/convert.err"; fail "convert failed"; }
[ ! -s "$tmp/convert.err" ] || { cat "$tmp/convert.err"; fail "convert warned"; }
ok "the rendered template converts without a warning"
truncate -s 4G "$tmp/disk.img"
n=$(seen)
t0=$(date +%s)
rc=$(install "$tmp/ks-cd.cfg" "$tmp/disk.img" "$tmp/good.log")
[ "$rc" = 0 ] || { tail -20 "$tmp/good.log.out"; tail -30 "$tmp/good.log"; fail "the install exited $rc"; }
ok "installed from the image in $(($(date +%s) - t0)) s"
got=$(statuses "$n")
[ "$got" = "start end" ] || fail "heartbeats: '$got', not 'start end'"
ok "heartbeats: start, end; POST, JSON, API 1.72, the agent token"
nothing_left "a good install"
grep -q "image: .* sha256 $sum" "$tmp/good.log" || fail "the log has not the image's sha256"

# What the installed disk holds.
dd if="$tmp/disk.img" bs=512 count=1 2>/dev/null | grep -aq GRUB || fail "no GRUB boot code in the MBR"
loop=$(losetup -f --show -P -r "$tmp/disk.img")
partx -a "$loop" 2>/dev/null || true
rootpart=$(sfdisk -d "$tmp/disk.img" | awk '/name="root"/ {print $1}')
rootpart=${loop}p${rootpart##*img}
mkdir "$tmp/mnt"
mount -o ro "$rootpart" "$tmp/mnt"
m=$tmp/mnt
python3 - "$m/etc/azl-marker" <<'PY' || fail "xattrs or ACL lost"
import os, sys
p = sys.argv[1]
assert os.getxattr(p, "security.selinux").rstrip(b"\0") == b"system_u:object_r:etc_t:s0", "security.selinux"
assert os.getxattr(p, "user.azl") == b"kept", "user.azl"
acl = os.getxattr(p, "system.posix_acl_access")
assert b"\x02\x00\x04\x00\xd2\x04\x00\x00" in acl, "ACL entry user:1234:r"
PY
ok "security.selinux, user xattr and ACL kept"
[ "$(stat -c %i "$m/etc/azl-marker")" = "$(stat -c %i "$m/etc/azl-marker-link")" ] || fail "hard link lost"
[ "$(stat -c '%F %t,%T' "$m/dev/azl-null")" = "character special file 1,3" ] || fail "device node lost"
[ "$(stat -c %u:%g "$m/etc/azl-owned")" = 4321:4322 ] || fail "numeric owner lost"
ok "hard link, device node, numeric owner kept"
[ -x "$m/usr/bin/curl" ] || fail "no curl in the target"
# selinux --enforcing reached the configure step (the demo image has no
# policy, so it only says so; with a policy it writes etc/selinux/config).
grep -q "selinux: enforcing, but the target has no /etc/selinux" "$tmp/good.log" || fail "selinux --enforcing not seen"
# The config drive's %post ran in the target (Ironic 21.4 writes its
# base64 as b'...', which decodes to nothing useful; the files are made).
[ "$(stat -c %a "$m/var/lib/cloud/seed/config_drive/openstack/latest/user_data")" = 600 ] ||
	fail "the config drive's %post did not run in the target"
ok "selinux --enforcing seen, the config drive's %post ran in the target"
umount "$m"
losetup -d "$loop"

# 2. Without a config drive, the image not there: error, never end.
render "$tmp/ks-broken.cfg" "$base/no-such-image.tar.zst"
n=$(seen)
rc=$(install "$tmp/ks-broken.cfg" "$tmp/disk.img" "$tmp/broken.log")
[ "$rc" = 3 ] || { tail "$tmp/broken.log.out"; fail "a broken image URL: exit $rc, not 3"; }
grep -q "no-such-image" "$tmp/broken.log.out" || fail "a broken image URL: the message does not name it"
got=$(statuses "$n")
[ "$got" = "start error" ] || fail "a broken image URL: heartbeats '$got', not 'start error'"
nothing_left "a broken image URL"
ok "a broken image URL: exit 3, heartbeats start, error; nothing mounted"

# 3. A checksum that does not match.
sed "s|^liveimg --url .*|liveimg --url=$base/image.tar.zst --checksum=$(echo "$sum" | tr 0-9a-f 1-9a-f0)|" \
	"$tmp/ks-broken.cfg" >"$tmp/ks-sum.cfg"
n=$(seen)
rc=$(install "$tmp/ks-sum.cfg" "$tmp/disk.img" "$tmp/sum.log")
[ "$rc" = 3 ] || { tail "$tmp/sum.log.out"; fail "a wrong checksum: exit $rc, not 3"; }
grep -q "SHA-256 $sum" "$tmp/sum.log.out" || { cat "$tmp/sum.log.out"; fail "a wrong checksum: the message does not say so"; }
got=$(statuses "$n")
[ "$got" = "start error" ] || fail "a wrong checksum: heartbeats '$got', not 'start error'"
nothing_left "a wrong checksum"
ok "a wrong checksum: exit 3, heartbeats start, error; nothing mounted"

# 4. The package-repository form, from the real repository.
ln -s "$(readlink -f "$real")" "$tmp/srv/real-repo"
render "$tmp/ks-repo.cfg" "$base/real-repo/" --source-is-path
"$AZL_BIN" convert "$tmp/ks-repo.cfg" -o /dev/null 2>"$tmp/convert.err" || { cat "$tmp/convert.err"; fail "convert failed"; }
grep -v "names no key" "$tmp/convert.err" | grep . && fail "the repository form: convert warned"
n=$(seen)
t0=$(date +%s)
rc=0
"$AZL_BIN" install --answers "$tmp/ks-repo.cfg" --disk "$tmp/disk.img" --firmware bios --yes \
	--repo "$base/real-repo/" --repo-gpgkey "$real/RPM-GPG-KEY-azl-demo" \
	--log "$tmp/repo.log" >"$tmp/repo.log.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { tail -20 "$tmp/repo.log.out"; tail -30 "$tmp/repo.log"; fail "the repository form: exit $rc"; }
ok "the repository form: installed @minimal from the real repository over HTTP in $(($(date +%s) - t0)) s"
got=$(statuses "$n")
[ "$got" = "start end" ] || fail "the repository form: heartbeats '$got', not 'start end'"
nothing_left "the repository form"
dd if="$tmp/disk.img" bs=512 count=1 2>/dev/null | grep -aq GRUB || fail "the repository form: no GRUB boot code in the MBR"
ok "the repository form: heartbeats start, end (curl of the installed system); GRUB in the MBR"
