# Shared by tests/check-fetch-bounds.sh and
# tests/integration/test-fetch-bounds.sh: tests/hostile-http.py on
# 127.0.0.1, and a runner that times a command under a guard.
src=${AZL_SOURCE_DIR:-$(dirname "${BASH_SOURCE[0]}")/..}
tmp=$(mktemp -d /tmp/test-fetch-bounds.XXXXXX)
server_pid=
cleanup() {
	[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

python3 "$src/tests/hostile-http.py" >"$tmp/port" &
server_pid=$!
for _ in $(seq 100); do
	[ -s "$tmp/port" ] && break
	sleep 0.1
done
port=$(cat "$tmp/port")
[ -n "$port" ] || fail "the test server did not start"
url=http://127.0.0.1:$port

# run WANT_CODE MAX_SECONDS CMD...: the command's stderr in $tmp/err; it
# must end with WANT_CODE within MAX_SECONDS (a guard kills it at 30 s:
# before the bounds, these downloads never ended).
run() {
	local want=$1 max=$2 t0 t1 code
	shift 2
	t0=$(date +%s%N)
	timeout -s KILL 30 "$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
	t1=$(date +%s%N)
	elapsed_ms=$(((t1 - t0) / 1000000))
	[ "$code" -eq "$want" ] ||
		fail "$*: exit $code, wanted $want: $(cat "$tmp/err" "$tmp/out" | tail -3)"
	[ "$elapsed_ms" -le $((max * 1000)) ] ||
		fail "$*: took ${elapsed_ms} ms, more than $max s"
}

# interrupt SIGNAL CMD...: starts CMD, sends SIGNAL once it is downloading,
# and wants exit 130 within 2 s of the signal, stderr in $tmp/err.
interrupt() {
	local sig=$1 pid t0 t1 code
	shift
	"$@" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 1.5
	t0=$(date +%s%N)
	kill -s "$sig" "$pid"
	( sleep 10; kill -KILL "$pid" 2>/dev/null ) &
	local guard=$!
	wait "$pid"
	code=$?
	t1=$(date +%s%N)
	kill "$guard" 2>/dev/null
	elapsed_ms=$(((t1 - t0) / 1000000))
	[ "$code" -eq 130 ] ||
		fail "$* after SIG$sig: exit $code, wanted 130: $(tail -3 "$tmp/err")"
	[ "$elapsed_ms" -le 2000 ] ||
		fail "$* after SIG$sig: ended ${elapsed_ms} ms after the signal"
}
