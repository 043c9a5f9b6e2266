#!/bin/bash
# A whole interactive install into a disk image, driven through tmux on a
# TERM=linux 80x24 terminal: the real binary, the real pipeline (storage,
# packages, configuration, boot loader). An answer file pre-fills the
# package list (the demo repository's GRUB is optional in @minimal) and
# interactive: "*" keeps every spoke. The Disks spoke switches to guided
# plain (the host has no device-mapper for LVM), Accounts sets a root
# password and a user, the summary lists the image as erased and needs
# "yes"; the progress screen shows package n of N, and the finish screen
# the time taken. Then the image holds the partitions and the installed
# system with what the screens said.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v tmux >/dev/null || { echo "SKIP: no tmux"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
export AZL_BUILD_DIR
repo=$AZL_BUILD_DIR/demo-repo
# Incremental: rebuilt only when iso/demo-repo changed.
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null
. "$(dirname "$0")/../tui-lib.sh"
tmp=$(mktemp -d /tmp/test-tui-install.XXXXXX)
loop=""
cleanup() {
	tui_stop
	mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"
	[ -n "$loop" ] && losetup -d "$loop"
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tui_screen >&2 || :; tail -30 "$tmp/install.log" >&2 || :; exit 1; }
ok() { echo "ok: $*"; }

truncate -s 4G "$tmp/disk.img"
cat >"$tmp/pre.yaml" <<EOT
version: 1
packages:
  install: ["@minimal", grub2-pc]
interactive: "*"
EOT
tui_start linux AZL_CACHE_DIR="$tmp/cache" "$AZL_BIN" --answers "$tmp/pre.yaml" \
	--disk "$tmp/disk.img" --repo "$repo" --firmware bios --log "$tmp/install.log"
tui_wait "Installation summary" || fail "no hub"
tui_screen | grep '\[!\] Accounts' >/dev/null || fail "Accounts not marked incomplete"
tui_screen | grep 'Begin installation' >/dev/null || fail "no Begin button"
# Begin is refused while a spoke is incomplete.
tui_keys b
tui_wait "Not ready" || fail "Begin was not refused"
tui_keys Enter
# Disks: the image is chosen by --disk; guided plain.
tui_keys Down Down Enter
tui_wait "disk.img" || fail "Disks spoke"
tui_keys Tab Right
tui_wait "The layout fits." || fail "plain layout does not fit"
tui_keys Tab Tab Tab Tab Tab Enter
tui_wait "[x] Disks" || fail "disks summary"
# Accounts: root password, user ops.
tui_keys Down Down Down Enter
tui_wait "Lock root" || fail "Accounts spoke"
tui_keys Space Tab
tui_type "R00t-pass"
tui_keys Tab
tui_type "R00t-pass"
tui_keys Tab
tui_type "ops"
tui_keys Tab
tui_type "0ps-pass"
tui_keys Tab
tui_type "0ps-pass"
tui_keys Tab Tab Enter
tui_wait "root with password; user ops" || fail "accounts summary"
# Network: host name.
tui_keys Up Enter
tui_wait "Host name" || fail "Network spoke"
tui_keys C-u
tui_type "tui-node"
if tui_screen | grep 'Interface *< [a-z0-9]' >/dev/null; then
	tui_keys Tab Tab Tab   # interface, method, Done (addresses off with DHCP)
else
	tui_keys Tab           # no interface on this machine: Done
fi
tui_screen | grep '< Done >' >/dev/null || fail "no Done button"
tui_keys Enter
tui_wait "host tui-node" || fail "network summary"
# Summary: the erase line, then the typed word.
tui_keys b
tui_wait "ERASE all of $tmp/disk.img" || fail "summary does not list the erase"
tui_type "no"
tui_keys Enter
tui_wait "Type 'yes' to confirm" || fail "a wrong word was accepted"
tui_keys Enter
tui_type "yes"
tui_keys Enter
tui_wait "Step:" 30 || fail "no progress screen"
tui_wait "Package " 300 || fail "no package progress"
tui_keys l
tui_wait "Elapsed" || fail "progress screen lost"
# The finish screen or the failure screen, whichever comes first.
for ((i = 0; i < 900 * 5; i++)); do
	tui_screen | grep "Azure Linux is installed\|The install failed during step" >/dev/null && break
	sleep 0.2
done
if tui_screen | grep "The install failed during step" >/dev/null; then
	tui_screen | grep "The log is in $tmp/install.log" >/dev/null ||
		fail "the failure screen does not name the log"
	fail "the install failed (the failure screen names the step and the log)"
fi
tui_screen | grep "Azure Linux is installed" >/dev/null || fail "no finish screen"
tui_screen | grep "It took [0-9]* min [0-9]* s" >/dev/null || fail "no time taken"
tui_keys Enter
tui_wait "TUI-EXIT=" || fail "did not exit"
[ "$(tui_exit_code)" = 0 ] || fail "exit $(tui_exit_code)"
ok "interactive install through every screen: exit 0"

# The image: the plan's table and the installed system.
loop=$(losetup -f --show -P "$tmp/disk.img")
partx -a "$loop" 2>/dev/null || :
sfdisk -d "$loop" | grep 'label: gpt' >/dev/null || fail "no GPT on the image"
[ "$(sfdisk -d "$loop" | grep -c '^/dev')" = 4 ] || fail "not 4 partitions"
mkdir "$tmp/mnt"
mount -o ro "${loop}p4" "$tmp/mnt" || fail "cannot mount the root partition"
[ "$(cat "$tmp/mnt/etc/hostname")" = tui-node ] || fail "hostname"
grep -q '^ops:' "$tmp/mnt/etc/passwd" || fail "user ops missing"
grep -q '^wheel:.*ops' "$tmp/mnt/etc/group" || fail "ops not in wheel"
grep -q '^root:\$' "$tmp/mnt/etc/shadow" || fail "root has no password hash"
! grep -rq 'R00t-pass\|0ps-pass' "$tmp/mnt/etc" "$tmp/mnt/root" 2>/dev/null ||
	fail "a password in clear in the target"
grep -q 'hostname: tui-node' "$tmp/mnt/root/azl-installer-answers.yaml" ||
	fail "the answer file of this install is not in the target"
rpm --root "$tmp/mnt" --dbpath /usr/lib/sysimage/rpm -q grub2-pc >/dev/null ||
	fail "grub2-pc not installed"
ok "the image holds the installed system the screens described"
