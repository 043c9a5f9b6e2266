#!/bin/bash
# The Disks spoke's btrfs choice, driven through tmux: choosing btrfs as the
# root filesystem while the layout is guided LVM switches the layout to
# guided plain (btrfs is never put on LVM), the layout fits and the hub
# summary says plain btrfs; choosing LVM again makes the filesystem ext4.
set -euo pipefail
. "$(dirname "$0")/tui-lib.sh"
tui_check_init check-tui-btrfs
machine=$AZL_FIXTURES/machines/uefi-one-disk.json
mkdir -p "$tmp/repo/repodata"

tui_start vt220 "$AZL_BIN" --machine "$machine" --repo "$tmp/repo"
tui_wait "Installation summary" || fail "no hub"
tui_keys Down Down Enter
tui_wait "Disks to install to" || fail "Disks spoke"
# The disk, then Root filesystem: ext4 -> xfs -> btrfs.
tui_keys Space Tab Tab Right Right
tui_wait "< btrfs >" || fail "btrfs not offered"
tui_screen | grep "< guided, plain >" >/dev/null || fail "btrfs did not make the layout plain"
tui_wait "The layout fits." || fail "the btrfs layout does not fit"
ok "btrfs chosen: the layout becomes guided plain and fits"
# Back to the layout: LVM again makes the filesystem ext4.
tui_keys Up Left
tui_wait "< guided, LVM >" || fail "layout not back to LVM"
tui_screen | grep "< ext4 >" >/dev/null || fail "LVM kept btrfs"
tui_wait "The layout fits." || fail "LVM + ext4 does not fit"
ok "guided LVM again: the filesystem becomes ext4"
# btrfs once more, then Done: the hub says plain btrfs.
tui_keys Right Tab Right Right
tui_wait "< btrfs >" || fail "btrfs again"
tui_keys Tab Tab Tab Tab Enter
tui_wait "guided plain, btrfs" || fail "the hub does not say plain btrfs"
ok "the hub summary: guided plain, btrfs"
