#!/bin/bash
# The interactive installer without root, driven through tmux like a
# person on a vt220 serial console: Ctrl-C quits with 130 and writes
# nothing; a resize (SIGWINCH) keeps it alive; the Language spoke switches
# the UI to German at once; every spoke is filled and --save-answers
# writes an answer file (0600) that validates and says what was chosen;
# that file with interactive: [accounts] pre-fills the TUI and shows only
# the Accounts spoke.
set -euo pipefail
. "$(dirname "$0")/tui-lib.sh"
tui_check_init check-tui
machine=$AZL_FIXTURES/machines/uefi-one-disk.json
repo=$tmp/repo
mkdir -p "$repo/repodata"
cat >"$repo/repodata/abc-comps.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<comps>
  <group><id>minimal</id><name>Minimal</name><description>Small</description></group>
  <group><id>core</id><name>Core</name><description>Minimal plus tools</description></group>
</comps>
XML
out=$tmp/answers.yaml

# 1. Ctrl-C asks; n stays, y quits with 130 and nothing written.
tui_start vt220 "$AZL_BIN" --machine "$machine" --repo "$repo" --save-answers "$out"
tui_wait "Installation summary" || fail "no hub"
tui_screen | grep '\[!\] Disks' >/dev/null || fail "Disks not marked incomplete"
tui_screen | grep '\[!\] Accounts' >/dev/null || fail "Accounts not marked incomplete"
tui_keys C-c
tui_wait "Quit the installer?" || fail "Ctrl-C did not ask"
tui_keys n
tui_wait "Installation summary" || fail "n did not go back"
tmx resize-window -t "$tui_session" -x 100 -y 30
sleep 0.5
tmx resize-window -t "$tui_session" -x 80 -y 24
tui_wait "Language and keyboard" || fail "no redraw after SIGWINCH"
tui_keys Down Down Enter
tui_wait "Disks to install to" || fail "Disks spoke"
tui_keys C-c
tui_wait "Quit the installer?" || fail "Ctrl-C in a spoke did not ask"
tui_keys y
tui_wait "TUI-EXIT=" || fail "did not exit"
[ "$(tui_exit_code)" = 130 ] || fail "exit code $(tui_exit_code), not 130"
[ ! -e "$out" ] || fail "quitting wrote $out"
ok "Ctrl-C asks, n stays, y exits 130 writing nothing; survives a resize"

# 1b. The same on a vt100 (the oldest serial terminal the issue names).
tui_start vt100 "$AZL_BIN" --machine "$machine" --repo "$repo" --save-answers "$out"
tui_wait "Installation summary" || fail "vt100: no hub"
tui_screen | grep '\[!\] Disks' >/dev/null || fail "vt100: Disks not marked incomplete"
tui_keys C-c
tui_wait "Quit the installer?" || fail "vt100: Ctrl-C did not ask"
tui_keys y
tui_wait "TUI-EXIT=" || fail "vt100: did not exit"
[ "$(tui_exit_code)" = 130 ] || fail "vt100: exit code $(tui_exit_code), not 130"
ok "TERM=vt100: hub drawn, Ctrl-C then y exits 130"

# 2. A whole session.
tui_start vt220 "$AZL_BIN" --machine "$machine" --repo "$repo" --save-answers "$out"
tui_wait "Installation summary" || fail "no hub"
tui_screen | grep 'Save answer file' >/dev/null || fail "no Save button"
# Language: German switches the UI at once; Done keeps it.
tui_keys Enter
tui_wait "Keyboard layout" || fail "Language spoke"
tui_keys Down Down
tui_wait "Tastaturbelegung" || fail "the UI did not switch to German"
tui_keys Tab Down Down   # keyboard: de
tui_keys Enter
tui_wait "Installationsübersicht" || fail "German hub"
tui_screen | grep 'de_DE.UTF-8, Tastatur de' >/dev/null || fail "language summary"
# Time zone: Europe/Berlin.
tui_keys Down Enter
tui_wait "Region" || fail "time zone spoke"
tui_keys E Enter
for i in $(seq 1 40); do
	tui_screen | grep '> Berlin' >/dev/null && break
	tui_keys B
done
tui_screen | grep 'Zeitzone: Europe/Berlin' >/dev/null || fail "Berlin not selected"
tui_keys Enter
tui_wait "Europe/Berlin" || fail "time zone summary"
# Disks: the fixture's disk, guided plain with xfs.
tui_keys Down Enter
tui_wait "/dev/vda" || fail "disk list"
tui_keys Space Tab Right Tab Right
tui_wait "Das Layout passt." || fail "layout does not fit"
tui_keys Tab Tab Tab Tab Enter
tui_wait "/dev/vda; geführt, einfach, xfs" || fail "disk summary"
# Passphrase: on, mismatch refused, then a strong one.
tui_keys Down Enter
tui_wait "LUKS2" || fail "passphrase spoke"
tui_keys Space Tab
tui_type "Correct-Horse-9"
tui_wait "Stärke: stark" || fail "strength hint"
tui_keys Tab
tui_type "Correct-Horse-8"
tui_keys Tab Enter
tui_wait "Die beiden Passphrasen unterscheiden sich." || fail "mismatch not refused"
tui_keys Enter
tui_type "Correct-Horse-9"
tui_keys Tab
tui_type "Correct-Horse-9"
tui_keys Tab Enter
tui_wait "verschlüsselt, Passphrase gesetzt" || fail "passphrase summary"
# Network: host name and a static address on the first interface.
tui_keys Down Enter
tui_wait "Hostname" || fail "network spoke"
tui_keys C-u
tui_type "node07"
tui_keys Tab Tab Space Tab   # interface, method -> static, addresses
if tui_screen | grep '< statisch >' >/dev/null; then
	tui_type "192.0.2.10/24"
	tui_keys Tab
	tui_type "192.0.2.1"
	tui_keys Tab
	tui_type "192.0.2.53"
	tui_keys Tab Enter
	static=1
else
	# No interface on this machine: only the host name.
	tui_keys Enter
	static=0
fi
tui_wait "Host node07" || fail "network summary"
# Accounts: admin with a password and an SSH key.
tui_keys Down Enter
tui_wait "Benutzername" || fail "accounts spoke"
tui_keys Tab
tui_type "admin"
tui_keys Tab
tui_type "Adm1n-pass"
tui_keys Tab
tui_type "Adm1n-pass"
tui_keys Tab
tui_type "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq admin@example"
tui_keys Tab Enter
tui_wait "Benutzer admin" || fail "accounts summary"
# Software: core as well.
tui_keys Down Enter
tui_wait "Core" || fail "software spoke"
tui_keys Down Space Enter
tui_wait "@minimal, @core" || fail "software summary"
# Begin: the summary lists what is erased, Enter saves.
tui_keys b
tui_wait "ALLES auf /dev/vda" || fail "summary without the erase line"
tui_keys Enter
tui_wait "Passphrasen-Datei" || fail "no question for the passphrase file"
tui_keys Enter
tui_wait "TUI-EXIT=" || fail "did not exit after saving"
[ "$(tui_exit_code)" = 0 ] || fail "exit $(tui_exit_code)"
[ "$(stat -c %a "$out")" = 600 ] || fail "mode $(stat -c %a "$out")"
"$AZL_BIN" validate "$out" || fail "the saved file does not validate"
"$AZL_BIN" plan --answers "$out" --machine "$machine" >/dev/null ||
	fail "the saved file does not plan"
for want in 'locale: de_DE.UTF-8' 'keyboard: de' 'timezone: Europe/Berlin' \
	'hostname: node07' 'layout: plain' 'filesystem: xfs' '- name: admin' \
	'- wheel' 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq admin@example' \
	'"@core"' 'password_hash: "$y$' \
	'passphrase_file: /run/azl-installer/luks-passphrase'; do
	grep -qF -- "$want" "$out" || fail "answer file lacks '$want'"
done
! grep -q 'Adm1n-pass\|Correct-Horse' "$out" || fail "a secret in clear"
if [ $static = 1 ]; then
	grep -q '192.0.2.10/24' "$out" || fail "static address missing"
fi
ok "a whole session in German saves a valid answer file (0600, no secrets)"

# 3. The file pre-fills the TUI; interactive: shows only those spokes.
printf 'interactive: [accounts]\n' >>"$out"
sed -i '/^locale:/d' "$out"   # English again, to read the screen
tui_start linux "$AZL_BIN" --answers "$out" --machine "$machine" --repo "$repo" \
	--save-answers "$tmp/again.yaml"
tui_wait "Installation summary" || fail "no hub with --answers"
tui_screen | grep 'Accounts .*user admin' >/dev/null || fail "accounts not pre-filled"
tui_screen | grep 'Time zone' >/dev/null && fail "time zone shown despite interactive:"
tui_screen | grep 'Disks' >/dev/null && fail "disks shown despite interactive:"
tui_keys b Enter
tui_wait "TUI-EXIT=0" || fail "pre-filled save"
grep -q 'timezone: Europe/Berlin' "$tmp/again.yaml" || fail "pre-filled value lost"
ok "--answers pre-fills; interactive: [accounts] shows only Accounts"

# 4. --save-answers into a FIFO: written into it, never a file in its place.
mkfifo "$tmp/fifo"
timeout 60 cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
tui_start linux "$AZL_BIN" --answers "$out" --machine "$machine" --repo "$repo" \
	--save-answers "$tmp/fifo"
tui_wait "Installation summary" || fail "no hub for the FIFO"
tui_keys b Enter
tui_wait "TUI-EXIT=0" || fail "save into a FIFO"
wait $reader || fail "the FIFO's reader: $?"
[ -p "$tmp/fifo" ] || fail "--save-answers replaced the FIFO: $(ls -l "$tmp/fifo")"
grep -q 'timezone: Europe/Berlin' "$tmp/fifo.out" || fail "the FIFO's reader got no answer file"
ok "--save-answers into a FIFO writes through it"
