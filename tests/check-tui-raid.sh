#!/bin/bash
# The partition editor's software RAID, driven through tmux on the
# two-disk fixture: r on /boot and / makes mirrors over both disks (the
# rows say "raid1 boot, disk 2", the plan below has the members and the
# Disks spoke says the layout fits), RAID5 on two disks is refused, d on
# a member removes the whole array; the saved answer file has raids:,
# validates and plans.
set -euo pipefail
. "$(dirname "$0")/tui-lib.sh"
tui_check_init check-tui-raid
machine=$AZL_FIXTURES/machines/two-disks.json
mkdir -p "$tmp/repo/repodata"
out=$tmp/answers.yaml

tui_start vt220 "$AZL_BIN" --machine "$machine" --repo "$tmp/repo" --save-answers "$out"
tui_wait "Installation summary" || fail "no hub"
tui_keys Down Down Enter
tui_wait "Disks to install to" || fail "Disks spoke"
# Both disks, a custom layout, then Edit partitions (Swap and Root
# filesystem are disabled for a custom layout, Tab skips them).
tui_keys Space Down Space Tab Right Right
tui_wait "< custom partitions >" || fail "no custom layout"
tui_keys Tab Tab Tab Enter
tui_wait "r RAID" || fail "the help line lacks r RAID"
tui_screen | grep -q '^  > /boot/efi' || fail "the layout does not start at /boot/efi"

# /boot (second row): RAID5 on two disks is refused, RAID1 is made.
tui_keys Down r
tui_wait "RAID level (1, 5, 6, 10):" || fail "no level question"
tui_keys C-u
tui_type 5
tui_keys Enter
tui_wait "Disks, by number: 1 /dev/vda 2 /dev/vdb" || fail "no disk question"
tui_keys Enter
tui_wait "RAID5 needs at least 3 disks" || fail "RAID5 on two disks not refused"
tui_keys Enter
tui_keys r Enter Enter
tui_wait "raid1 boot, disk 2" || fail "/boot is not a mirror"
tui_screen | grep -q '/boot .*raid1 boot, disk 1' || fail "no first member of boot"
ok "r makes /boot a mirror over both disks; RAID5 on two disks refused"

# / (now the fifth row): a mirror too; the plan below has the members.
tui_keys Down Down Down r Enter Enter
tui_wait "raid1 root, disk 2" || fail "/ is not a mirror"
tui_screen | grep -q 'raid-member' || fail "the plan below has no RAID member"
# d on a member removes the array (both members), r makes it again.
tui_keys d
tui_wait "Delete this RAID and all its members" || fail "d on a member did not ask"
tui_keys y
sleep 0.5
tui_screen | grep -q 'raid1 root' && fail "d left a member of root"
tui_screen | grep -q 'raid1 boot, disk 2' || fail "d removed the wrong array"
tui_keys Up
tui_keys a
tui_wait "Add a partition" || fail "no add dialog"
tui_type /
tui_keys Enter Enter
tui_wait "grow       ext4" || fail "/ not added again"
tui_keys r Enter Enter
tui_wait "raid1 root, disk 2" || fail "/ is not a mirror again"
ok "/ a mirror; d on a member removes the array"

tui_keys Escape
tui_wait "The layout fits." || fail "the mirrored layout does not fit"
tui_keys Tab Enter
tui_wait "custom, 6 partitions" || fail "the hub does not show the layout"
ok "the Disks spoke: the layout fits"

# Accounts (a user), then Begin saves the answer file.
tui_keys Down Down Down Enter
tui_wait "User name" || fail "accounts spoke"
tui_keys Tab
tui_type admin
tui_keys Tab
tui_type "Adm1n-pass"
tui_keys Tab
tui_type "Adm1n-pass"
tui_keys Tab Tab Enter
tui_wait "user admin" || fail "accounts summary"
tui_keys b
tui_wait "raid-member" || fail "the summary has no RAID member"
tui_keys Enter
tui_wait "TUI-EXIT=" || fail "did not exit after saving"
[ "$(tui_exit_code)" = 0 ] || fail "exit $(tui_exit_code)"
for want in 'raids:' 'raid: boot' 'raid: root' 'name: boot' 'name: root' 'level: 1' \
	'mount: /boot' 'mount: /' 'disk: 2'; do
	grep -qxF -- "$want" <(sed 's/^ *-* *//' "$out") || fail "answer file lacks '$want'"
done
"$AZL_BIN" validate "$out" || fail "the saved file does not validate"
"$AZL_BIN" plan --answers "$out" --machine "$machine" >"$tmp/plan.txt" ||
	fail "the saved file does not plan"
grep -q 'raid-create /dev/md/boot (RAID1 of 2 members' "$tmp/plan.txt" || fail "no md/boot in the plan"
grep -q 'raid-create /dev/md/root (RAID1 of 2 members' "$tmp/plan.txt" || fail "no md/root in the plan"
ok "the saved answer file has raids:, validates and plans two mirrors"
