#!/bin/bash
# Ctrl-C on the TUI's progress screen stops the install through the run
# context (run_cancel(), no signal): the quit question, then a clean stop
# during the packages phase, the failure screen drawn from the install's
# result (the step and the message, no scraped stderr), exit 130, the
# verdict on stderr once curses ended, and nothing left mounted or
# attached over the image.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v tmux >/dev/null || { echo "SKIP: no tmux"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
export AZL_BUILD_DIR
repo=$AZL_BUILD_DIR/demo-repo
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null
. "$(dirname "$0")/../tui-lib.sh"
tmp=$(mktemp -d /tmp/test-tui-cancel.XXXXXX)
own_loops() {
	losetup -n -O NAME,BACK-FILE -l 2>/dev/null |
		awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'
}
cleanup() {
	tui_stop
	for l in $(own_loops); do losetup -d "$l" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tui_screen >&2 || :; tail -30 "$tmp/install.log" >&2 || :; exit 1; }
ok() { echo "ok: $*"; }

truncate -s 4G "$tmp/disk.img"
cat >"$tmp/pre.yaml" <<'EOT'
version: 1
hostname: cancel-node
storage: {layout: plain, filesystem: ext4, swap: 128M}
accounts:
  root:
    lock: false
    password_hash: "$y$j9T$fbhSsUClZ.It4bKmCcWFo/$YUvBi7WvzhzrNNI3RBcpM2MwgrMthz5eLs1aH.Hffk2"
packages:
  install: ["@minimal", grub2-pc]
interactive: "*"
EOT
tui_start linux AZL_CACHE_DIR="$tmp/cache" "$AZL_BIN" --answers "$tmp/pre.yaml" \
	--disk "$tmp/disk.img" --repo "$repo" --firmware bios --log "$tmp/install.log"
tui_wait "Installation summary" || fail "no hub"
tui_keys b
tui_wait "ERASE all of $tmp/disk.img" || fail "no summary (a spoke incomplete?)"
tui_type "yes"
tui_keys Enter
tui_wait "Package " 300 || fail "no package progress"
tui_keys C-c
tui_wait "Stop the install?" || fail "no quit question"
tui_keys y
tui_wait "The install was stopped during step 'packages'." 300 ||
	fail "no stop screen naming the packages step"
tui_screen | grep "interrupted during packages" >/dev/null ||
	fail "the stop screen does not show the result's message"
tui_screen | grep "The log is in $tmp/install.log" >/dev/null || fail "the log is not named"
tui_keys Enter
tui_wait "TUI-EXIT=" || fail "did not exit"
[ "$(tui_exit_code)" = 130 ] || fail "exit $(tui_exit_code), not 130"
tui_screen | grep "^azl-installer: interrupted during packages; everything was unmounted and closed" >/dev/null ||
	fail "the verdict is not on stderr after curses ended"
grep -q "interrupted" "$tmp/install.log" || fail "the log does not say it was interrupted"
[ -z "$(own_loops)" ] || fail "loop devices left over the image: $(own_loops)"
! findmnt -rn -o SOURCE | grep "^$tmp/" >/dev/null || fail "a mount of the image is left"
ok "Ctrl-C in the TUI stops the install cleanly through the run context: exit 130"
