# Helpers for the tmux-driven TUI tests (tests/check-tui-*.sh and
# tests/integration/test-tui-*.sh): start the real binary in a detached
# 80x24 tmux session, send keys, wait for text with a bounded poll.
tui_session=azl-tui-$$
tui_server=0
# A tmux server of our own for each tui_start: no interference with other
# tmux users, nor with the previous start's server, which exits when its
# last session is killed. Starting the next session on the same socket
# raced with that exit ("server exited unexpectedly", CI stop 29).
tmx() { tmux -L "$tui_session-$tui_server" -f /dev/null "$@"; }
tui_start() { # TERM COMMAND...
	local term=$1
	shift
	tmx kill-server 2>/dev/null || :
	tui_server=$((tui_server + 1))
	tmx new-session -d -s "$tui_session" -x 80 -y 24 \
		"env TERM=$term LANG=C.UTF-8 AZL_LOCALEDIR=$AZL_BUILD_DIR/locale $* ; echo \"TUI-EXIT=\$?\"; sleep 600"
}
tui_stop() { tmx kill-server 2>/dev/null || :; }
tui_screen() { tmx capture-pane -p -t "$tui_session"; }
# Waits up to ${2:-20} seconds for the text to appear on the screen.
tui_wait() {
	local text=$1 limit=$(( ${2:-20} * 5 )) i
	for ((i = 0; i < limit; i++)); do
		tui_screen | grep -qF -- "$text" && return 0
		sleep 0.2
	done
	echo "--- screen while waiting for '$text':" >&2
	tui_screen >&2
	return 1
}
# Sends keys (tmux key names), then waits a moment for the redraw.
tui_keys() { tmx send-keys -t "$tui_session" "$@"; sleep 0.3; }
tui_type() { tmx send-keys -t "$tui_session" -l "$1"; sleep 0.3; }
tui_exit_code() { tui_screen | sed -n 's/^TUI-EXIT=\([0-9]*\).*/\1/p' | tail -1; }
# The start of every tests/check-tui-*.sh: exit 77 without tmux, the
# environment ctest gives (AZL_BIN, AZL_FIXTURES, AZL_BUILD_DIR), fail
# (with the screen) and ok, and $tmp (/tmp/NAME.XXXXXX), removed with the
# tmux server at exit.
tui_check_init() { # NAME
	command -v tmux >/dev/null || { echo "no tmux" >&2; exit 77; }
	: "${AZL_BIN:?}" "${AZL_FIXTURES:?}" "${AZL_BUILD_DIR:?}"
	fail() { echo "FAIL: $*" >&2; tui_screen >&2 || :; exit 1; }
	ok() { echo "ok: $*"; }
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	trap 'tui_stop; rm -rf "$tmp"' EXIT
}
