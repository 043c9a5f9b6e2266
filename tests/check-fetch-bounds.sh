#!/bin/bash
# Downloads are bounded (docs/answer-file.md, docs/packages.md): an answer
# file served by a hostile server on 127.0.0.1 (endless, a Content-Length
# of 1 TB, 2 bytes a second) ends quickly with a clear message, exit 1
# for what is the input's fault (too large, not there) and 2 for a network
# that does not deliver (stalled, past the deadline); SIGINT and SIGTERM
# stop a download within a second or two with exit 130.
set -uo pipefail
. "$(dirname "$0")/fetch-bounds-lib.sh"
bin=${AZL_BIN:-$src/build/azl-installer}

run 0 10 "$bin" validate "$url/ok.ks"
ok "a small kickstart over HTTP"

run 1 10 "$bin" validate "$url/endless/ks.cfg"
grep -q "'$url/endless/ks.cfg' is larger than 4194304 bytes; refusing it" "$tmp/err" ||
	fail "endless body: $(cat "$tmp/err")"
ok "an endless answer file: exit 1 after 4 MiB (${elapsed_ms} ms)"

run 1 5 "$bin" validate "$url/huge/ks.cfg"
grep -q "is larger than 4194304 bytes; refusing it" "$tmp/err" ||
	fail "huge Content-Length: $(cat "$tmp/err")"
ok "a Content-Length of 1 TB: refused before the body (${elapsed_ms} ms)"

AZL_FETCH_DEADLINE=3 run 2 8 "$bin" validate "$url/trickle/ks.cfg"
grep -q "could not fetch '$url/trickle/ks.cfg' in time: .*AZL_FETCH_DEADLINE" "$tmp/err" ||
	fail "deadline: $(cat "$tmp/err")"
ok "2 bytes a second, AZL_FETCH_DEADLINE=3: exit 2 (${elapsed_ms} ms)"

AZL_FETCH_STALL=2 run 2 8 "$bin" validate "$url/trickle/ks.cfg"
grep -q "in time: Operation too slow" "$tmp/err" ||
	fail "stall: $(cat "$tmp/err")"
ok "2 bytes a second, AZL_FETCH_STALL=2: exit 2 (${elapsed_ms} ms)"

for sig in INT TERM; do
	interrupt "$sig" "$bin" validate "$url/trickle/ks.cfg"
	grep -q "the download of '$url/trickle/ks.cfg' was interrupted" "$tmp/err" ||
		fail "SIG$sig: $(cat "$tmp/err")"
	ok "SIG$sig during a download: exit 130 ${elapsed_ms} ms later"
done
echo "PASS"
