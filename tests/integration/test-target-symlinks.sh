#!/bin/bash
# Symlinks planted in a target never lead the installer to the installing
# system's files (DESIGN.md, Trust: disk contents are untrusted).
#   - rpmdb: `install --root R` where R/usr/lib/sysimage/rpm (or R/usr) is
#     an absolute symlink to a directory of the host: refused (exit 2),
#     the host directory untouched (same files, same bytes, same times);
#     a relative symlink that stays inside R is followed and works.
#   - ESP through mtools: the boot loader's files are read inside the
#     target (esp-write, tests/integration/esp-write.c, runs the code that
#     fills an unmounted ESP): a grubx64.efi that is a symlink to a host
#     file puts the target's file of that name in the ESP, never the
#     host's.
set -euo pipefail

. "$(dirname "$0")/demo-repo-lib.sh" test-target-symlinks

trap 'rm -rf "$tmp"' EXIT
printf 'version: 1\npackages:\n  install: [filesystem]\n' >"$tmp/a.yaml"

# A directory of "the host" with a real (empty) rpmdb in it.
hostdb=$tmp/host/var/lib/rpm
mkdir -p "$hostdb"
rpm --define "_db_backend sqlite" --dbpath "$hostdb" --initdb
[ -s "$hostdb/rpmdb.sqlite" ] || fail "no rpmdb made in $hostdb"
snapshot() { (cd "$tmp/host" && find . -printf '%p %y %s %T@ %m\n' | sort && find . -type f -exec sha256sum {} + | sort); }
before=$(snapshot)

install() { # NAME -> $rc; --root $tmp/NAME
	rc=0
	"$bin" install --root "$tmp/$1" --answers "$tmp/a.yaml" --repo "$repo" --stop-after packages \
		--log "$tmp/$1.log" >"$tmp/$1.out" 2>"$tmp/$1.err" || rc=$?
}

# R/usr/lib/sysimage/rpm -> the host's rpmdb directory (absolute)
mkdir -p "$tmp/r1/usr/lib/sysimage"
ln -s "$hostdb" "$tmp/r1/usr/lib/sysimage/rpm"
install r1
[ "$(snapshot)" = "$before" ] || fail "r1: the host directory was changed (exit $rc): $(ls -la "$hostdb")"
[ $rc -eq 2 ] || { cat "$tmp/r1.err"; fail "r1: a planted rpmdb symlink: exit $rc, not 2"; }
grep -q "leads out of the target" "$tmp/r1.err" || fail "r1: stderr does not say why: $(cat "$tmp/r1.err")"
[ ! -e "$tmp/r1/usr/bin" ] && [ ! -e "$tmp/r1/etc" ] || fail "r1: packages were installed"

# R/usr -> the host's "usr" (absolute): the rpmdb directory would be made
# on the host.
mkdir -p "$tmp/host/usr" "$tmp/r2"
before=$(snapshot)
ln -s "$tmp/host/usr" "$tmp/r2/usr"
install r2
[ "$(snapshot)" = "$before" ] || fail "r2: the host directory was changed (exit $rc): $(find "$tmp/host")"
[ $rc -eq 2 ] || { cat "$tmp/r2.err"; fail "r2: a planted /usr symlink: exit $rc, not 2"; }

# A dangling absolute symlink passes the first look (nothing there either
# way), but librpm would make its directory on the host: the transaction's
# own check, with the directory made inside the root, refuses it.
mkdir -p "$tmp/r3/usr/lib/sysimage"
ln -s /no/such/dir/rpm "$tmp/r3/usr/lib/sysimage/rpm"
install r3
[ $rc -ne 0 ] || fail "r3: a dangling absolute rpmdb symlink was followed"
grep -q "leads out of the target" "$tmp/r3.log" || fail "r3: $(tail -3 "$tmp/r3.log")"
[ ! -e /no/such/dir ] || fail "r3: /no/such/dir was created on the host"
[ "$(snapshot)" = "$before" ] || fail "r3: the host directory was changed"
ok "an rpmdb path that a symlink leads out of the target is refused; the host directory untouched"

# A relative symlink that stays inside the target is the target's business.
mkdir -p "$tmp/r4/usr/lib/sysimage" "$tmp/r4/var/lib/rpm"
ln -s ../../../var/lib/rpm "$tmp/r4/usr/lib/sysimage/rpm"
install r4
[ $rc -eq 0 ] || { tail "$tmp/r4.log"; fail "r4: an rpmdb symlink inside the target: exit $rc"; }
[ -f "$tmp/r4/var/lib/rpm/rpmdb.sqlite" ] || fail "r4: the rpmdb is not where the target's symlink points"
rq "$tmp/r4" -q filesystem >/dev/null || fail "r4: filesystem not installed"
ok "an rpmdb symlink that stays inside the target is followed"

# --- the ESP written with mtools --------------------------------------------
helper=$build/tests/esp-write
[ -x "$helper" ] || cmake --build "$build" --target esp-write >/dev/null
for t in mkfs.vfat mcopy mtype; do
	command -v "$t" >/dev/null || fail "$t is missing (scripts/deps.sh)"
done
# A secret of the installing system, and a target whose GRUB and shim
# images are symlinks to it: an absolute one, and a relative one with
# more ".." than the target is deep.
secret=$tmp/host/etc/host-secret
mkdir -p "$(dirname "$secret")"
echo "HOST SECRET $RANDOM" >"$secret"
R=$tmp/esp-root
g=usr/lib/grub/x86_64-efi/monolithic
s=usr/share/shim/x64
mkdir -p "$R/$g" "$R/$s" "$R/boot/efi" "$R$(dirname "$secret")"
ln -s "$secret" "$R/$g/grubx64.efi"
ln -s "../../../../../../../../../../..$secret" "$R/$s/shimx64.efi"
# What those names mean inside the target: its own files.
echo "the target's own file" >"$R$secret"
esp=$tmp/esp.img
truncate -s 64M "$esp"
mkfs.vfat -n ESP "$esp" >/dev/null
MTOOLS_SKIP_CHECK=1 "$helper" "$R" "$esp" >"$tmp/esp.out" 2>&1 || { cat "$tmp/esp.out"; fail "esp-write failed"; }
grep -q "shim: yes" "$tmp/esp.out" || fail "the target's shim was not found: $(cat "$tmp/esp.out")"
for f in EFI/BOOT/BOOTX64.EFI EFI/BOOT/grubx64.efi EFI/azurelinux/shimx64.efi EFI/azurelinux/grubx64.efi; do
	got=$(MTOOLS_SKIP_CHECK=1 mtype -i "$esp" "::/$f") || fail "no $f in the ESP"
	[ "$got" != "$(cat "$secret")" ] || fail "$f in the ESP is the installing system's $secret"
	[ "$got" = "the target's own file" ] || fail "$f in the ESP is '$got', not the target's file"
done
MTOOLS_SKIP_CHECK=1 mtype -i "$esp" ::/EFI/azurelinux/grub.cfg | grep "search --no-floppy --fs-uuid" >/dev/null ||
	fail "no grub.cfg stub in the ESP"
ok "the ESP (mtools) gets the target's files, never the host's through a planted symlink"

# A source that is not a regular file inside the target: refused.
rm "$R$secret"
mkfifo "$R$secret"
rc=0
MTOOLS_SKIP_CHECK=1 timeout 20 "$helper" "$R" "$esp" >"$tmp/esp2.out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "a FIFO as GRUB image: exit $rc, not 1: $(cat "$tmp/esp2.out")"
ok "a boot loader image that is not a regular file is refused"
