#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A reinstall that keeps /home (docs/answer-file.md "Reusing an existing
# partition", kickstart's part --onpart --noformat): on a loop device over
# a sparse image, a first install (--stop-after storage) makes the
# partitions; a file is written into /home; a kickstart that names them
# with --onpart (no clearpart) is installed over it. Then:
#   - the partition table is byte for byte the same (sfdisk --dump);
#   - /home has the same filesystem UUID and the file, unchanged;
#   - / was made again (new UUID), and its fstab mounts /home by that UUID;
#   - clearpart --all with --onpart is refused (exit 1, FILE:LINE);
#     a partition the disk does not have is refused by plan (exit 2);
#   - partitions that %pre makes (sfdisk) and --onpart reuses: install
#     runs %pre first and plans on them; --dry-run runs no %pre.
. "$(dirname "$0")/storage-lib.sh"

d=$(img reuse.img 3G)
l=$(attach "$d")
n=${l#/dev/}

cat >"$tmp/first.yaml" <<'YAML'
version: 1
storage:
  wipe: all
  table: gpt
  partitions:
    - {mount: /boot/efi, size: 100M, fs: vfat}
    - {mount: /, size: 1G, fs: ext4}
    - {mount: /home, size: 256M, fs: ext4, label: home}
bootloader: {firmware: uefi}
YAML
install_storage "$tmp/first.yaml" "$l"
[ "$rc" = 0 ] || fail "first install: exit $rc: $(cat "$tmp/out")"
mkdir "$tmp/mnt"
mount "${l}p3" "$tmp/mnt"
echo "kept across the reinstall" >"$tmp/mnt/user-file"
umount "$tmp/mnt"
table_before=$(sfdisk --dump "$l")
home_uuid=$(blkid -p -o value -s UUID "${l}p3")
root_uuid=$(blkid -p -o value -s UUID "${l}p2")

cat >"$tmp/reinstall.ks" <<KS
lang en_US.UTF-8
keyboard us
timezone UTC
rootpw --lock
bootloader --timeout=1
part /boot/efi --onpart=${n}p1
part / --fstype=ext4 --onpart=${n}p2
part /home --onpart=/dev/${n}p3 --noformat
KS
"$AZL_BIN" convert "$tmp/reinstall.ks" -o "$tmp/reinstall.yaml" 2>"$tmp/convert.err" ||
	fail "convert: $(cat "$tmp/convert.err")"
grep -q "existing: /dev/${n}p3" "$tmp/reinstall.yaml" || fail "convert: no existing: $(cat "$tmp/reinstall.yaml")"
grep -q "format: false" "$tmp/reinstall.yaml" || fail "convert: no format: false"
grep -q "wipe: none" "$tmp/reinstall.yaml" || fail "convert: no clearpart is not wipe: none"
"$AZL_BIN" plan --answers "$tmp/reinstall.ks" --disk "$l" --firmware uefi >"$tmp/plan.out" 2>&1 ||
	fail "plan: $(cat "$tmp/plan.out")"
grep -q "reuse, keep files" "$tmp/plan.out" || fail "plan: /home is not kept: $(cat "$tmp/plan.out")"
if grep -Eq "create-table|create-partition|wipe-signatures" "$tmp/plan.out"; then
	fail "plan: the table is written: $(cat "$tmp/plan.out")"
fi
echo "ok: convert and plan: --onpart is existing:, --noformat keeps the files, no table action"

# As install_storage, with --firmware uefi (the kickstart cannot say it;
# on BIOS a BIOS boot partition would be added in the free space).
rm -f "$tmp/log"
rc=0
"$BASH" -c 'echo $$ >"$0"; exec "$@"' "$tmp/run.pid" "$AZL_BIN" install \
	--answers "$tmp/reinstall.ks" --disk "$l" --firmware uefi --yes \
	--stop-after storage --log "$tmp/log" >"$tmp/out" 2>&1 || rc=$?
own_runs="$own_runs $(cat "$tmp/run.pid" 2>/dev/null)"
[ "$rc" = 0 ] || fail "reinstall: exit $rc: $(cat "$tmp/out")"
table_after=$(sfdisk --dump "$l")
[ "$table_after" = "$table_before" ] || fail "the partition table changed: $(diff <(echo "$table_before") <(echo "$table_after"))"
[ "$(blkid -p -o value -s UUID "${l}p3")" = "$home_uuid" ] || fail "/home was made again"
new_root=$(blkid -p -o value -s UUID "${l}p2")
[ -n "$new_root" ] && [ "$new_root" != "$root_uuid" ] || fail "/ was not made again"
mount -o ro "${l}p3" "$tmp/mnt"
[ "$(cat "$tmp/mnt/user-file")" = "kept across the reinstall" ] || fail "the file in /home is gone"
umount "$tmp/mnt"
mount -o ro "${l}p2" "$tmp/mnt"
grep -Eq "^UUID=$home_uuid[[:space:]]+/home[[:space:]]+ext4" "$tmp/mnt/etc/fstab" ||
	fail "fstab does not mount the kept /home: $(cat "$tmp/mnt/etc/fstab")"
umount "$tmp/mnt"
echo "ok: reinstall: table unchanged, /home kept with its file and UUID, / made again, fstab mounts /home"

# Anaconda refuses clearpart --all together with --onpart (the partition
# is gone when part looks for it): so does convert, at the part line.
sed 's/^bootloader.*/&\nclearpart --all/' "$tmp/reinstall.ks" >"$tmp/clear.ks"
rc=0
"$AZL_BIN" convert "$tmp/clear.ks" -o "$tmp/clear.yaml" 2>"$tmp/clear.err" || rc=$?
[ "$rc" = 1 ] || fail "clearpart --all + --onpart: exit $rc, not 1"
grep -q "clear.ks:7:.*'wipe: all' clears the disks before '/dev/${n}p1' could be reused" "$tmp/clear.err" ||
	fail "clearpart --all + --onpart: message: $(cat "$tmp/clear.err")"
sed "s/${n}p3/${n}p9/" "$tmp/reinstall.ks" >"$tmp/missing.ks"
rc=0
"$AZL_BIN" plan --answers "$tmp/missing.ks" --disk "$l" --firmware uefi >"$tmp/missing.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "a partition that does not exist: exit $rc, not 2"
grep -q "partition '/dev/${n}p9' does not exist" "$tmp/missing.out" || fail "missing: $(cat "$tmp/missing.out")"
plan_yaml() { # WANT-EXIT MESSAGE PARTITION-LINE
	printf 'version: 1\nstorage:\n  wipe: none\n  partitions:\n    - {mount: /, existing: /dev/%sp2}\n    - %s\nbootloader: {firmware: uefi}\n' "$n" "$3" >"$tmp/p.yaml"
	rc=0
	"$AZL_BIN" plan --answers "$tmp/p.yaml" --disk "$l" >"$tmp/p.out" 2>&1 || rc=$?
	[ "$rc" = "$1" ] || fail "plan '$3': exit $rc, not $1: $(cat "$tmp/p.out")"
	grep -q -- "$2" "$tmp/p.out" || fail "plan '$3': $(cat "$tmp/p.out")"
}
plan_yaml 2 "partition '/dev/${n}p3' holds 'ext4', not 'xfs', and 'format: false' keeps it" \
	"{mount: /home, existing: /dev/${n}p3, format: false, fs: xfs}"
plan_yaml 1 "'/boot' on the existing partition '/dev/${n}p3' is kept with 'format: false'" \
	"{mount: /boot, existing: /dev/${n}p3, format: false}"
echo "ok: clearpart --all with --onpart refused at its line (exit 1); a missing partition exit 2; format: false of another fs exit 2, of /boot exit 1"
detach "$l"

# Cloud-image kickstarts make the partitions in %pre (parted) and reuse
# them with --onpart: install runs %pre first, as Anaconda does, then
# plans on what it made (stopped after the storage phase). --dry-run first:
# it runs no script (a dry run touches nothing), so the disk stays blank
# and the partitions --onpart names do not exist.
d2=$(img pre.img 2G)
l2=$(attach "$d2")
n2=${l2#/dev/}
cat >"$tmp/pre.ks" <<KS
lang en_US.UTF-8
keyboard us
timezone UTC
rootpw --lock
part /boot/efi --fstype=efi --onpart=${n2}p1
part / --fstype=ext4 --onpart=${n2}p2
%pre --erroronfail
printf 'label: gpt\n,100M,U\n,,L\n' | sfdisk -q $l2
%end
KS
rc=0
"$AZL_BIN" install --answers "$tmp/pre.ks" --disk "$l2" --firmware uefi --dry-run >"$tmp/dry.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--dry-run of %pre + --onpart: exit $rc, not 2: $(cat "$tmp/dry.out")"
grep -q -- "--dry-run runs no script" "$tmp/dry.out" || fail "--dry-run did not say it runs no %pre: $(cat "$tmp/dry.out")"
[ -z "$(blkid -p -o value -s PTTYPE "$l2" || :)" ] || fail "--dry-run wrote a partition table"
rc=0
"$AZL_BIN" install --answers "$tmp/pre.ks" --disk "$l2" --firmware uefi --yes \
	--stop-after storage --log "$tmp/pre.log" >"$tmp/pre.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "%pre + --onpart: exit $rc: $(cat "$tmp/pre.out")"
grep -q "reuses a partition (--onpart): running its %pre scripts first" "$tmp/pre.out" || fail "%pre did not run first: $(cat "$tmp/pre.out")"
grep -q "reuse, format" "$tmp/pre.out" || fail "%pre + --onpart: no reuse in the plan: $(cat "$tmp/pre.out")"
[ "$(blkid -p -o value -s TYPE "${l2}p2")" = ext4 ] || fail "%pre + --onpart: ${l2}p2 was not formatted ext4"
echo "ok: --dry-run runs no %pre (exit 2, disk blank); install runs %pre first, then plans on and formats the partitions it made"
detach "$l2"
assert_clean
echo "all reuse checks passed"
