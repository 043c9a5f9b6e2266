#!/bin/bash
# Issue 13: what Anaconda asks for, the text UI asks for. A kickstart with
# --encrypted and no --passphrase (the Azure Linux 4.0 ISO's own) opens
# with the passphrase page incomplete, and is complete once it is typed;
# a kickstart without storage commands opens with Disks to choose. Driven
# through tmux like a person on a console.
set -euo pipefail
. "$(dirname "$0")/tui-lib.sh"
tui_check_init check-tui-kickstart-ask
machine=$AZL_FIXTURES/machines/uefi-one-disk.json
ks=$AZL_FIXTURES/kickstart

tui_start linux "$AZL_BIN" --answers "$ks/i13-encrypted-ask.ks" --machine "$machine"
tui_wait "Installation summary" || fail "no hub for the encrypted kickstart"
tui_screen | grep '\[!\] Encryption passphrase *encrypted, no passphrase yet' >/dev/null ||
	fail "the passphrase is not asked"
tui_keys Down Enter
tui_wait "Passphrase again" || fail "no passphrase page"
tui_keys Down
tui_type "correct-horse-battery-staple-9"
tui_keys Down
tui_type "correct-horse-battery-staple-9"
tui_keys Tab Enter
tui_wait "Installation summary" || fail "no hub after the passphrase"
tui_screen | grep '\[x\] Encryption passphrase *encrypted, passphrase set' >/dev/null ||
	fail "the passphrase page is not complete after the passphrase"
ok "--encrypted without --passphrase: the text UI asks for it"

tui_start linux "$AZL_BIN" --answers "$ks/i13-no-storage.ks" --machine "$machine"
tui_wait "Installation summary" || fail "no hub for the kickstart without storage"
tui_screen | grep '\[!\] Disks' >/dev/null || fail "Disks are not asked"
ok "no storage commands: the text UI asks for the disks"
