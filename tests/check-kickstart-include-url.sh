#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# %include in a kickstart fetched by URL (docs/kickstart.md "%include"):
# a real HTTP server on 127.0.0.1 serves a kickstart whose relative
# includes are fetched from next to it (and theirs from next to them), and
# one include by absolute URL, as pykickstart's load_to_str fetches any
# location with "://". The bounds of a local %include hold: a loop, more
# than 16 levels, more than 4 MiB together are refused; a missing include
# and an error inside an included file are reported at URL:LINE, never
# with the URL's credentials.
set -euo pipefail
src=${AZL_SOURCE_DIR:-$(dirname "$0")/..}
bin=${AZL_BIN:-$src/build/azl-installer}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

tmp=$(mktemp -d /tmp/check-ks-include-url.XXXXXX)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
www=$tmp/www
mkdir -p "$www/ks/parts" "$www/common"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$www" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -s -o /dev/null "$base/" && break; sleep 0.1; done

head='lang en_US.UTF-8
keyboard us
timezone UTC
rootpw --lock'
printf '%s\n%%include parts/layout.ks\n%%include %s/common/users.ks\n' "$head" "$base" >"$www/ks/main.ks"
printf 'clearpart --all\npart / --size=4096 --grow --fstype=xfs\n%%include ../net.ks\n' >"$www/ks/parts/layout.ks"
printf 'network --hostname=from-include\n' >"$www/ks/net.ks"
printf 'user --name=alice --lock\n' >"$www/common/users.ks"

"$bin" convert "$base/ks/main.ks" -o "$tmp/main.yaml" 2>"$tmp/err" || fail "convert: $(cat "$tmp/err")"
grep -q "hostname: from-include" "$tmp/main.yaml" || fail "ks/net.ks (../ of parts/) was not read"
grep -q "fs: xfs" "$tmp/main.yaml" || fail "parts/layout.ks was not read"
grep -q "name: alice" "$tmp/main.yaml" || fail "the absolute URL include was not read"
ok "relative includes fetched from next to their kickstart (parts/, ../), an absolute URL as it is"

expect() { # NAME WHAT: convert of ks/NAME refused (exit 1) with WHAT
	local rc=0
	"$bin" convert "$2" -o "$tmp/x.yaml" >"$tmp/err" 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "$1: exit $rc, not 1: $(cat "$tmp/err")"
	grep -q -- "$3" "$tmp/err" || fail "$1: message: $(cat "$tmp/err")"
}
printf '%s\n%%include loop-b.ks\n' "$head" >"$www/ks/loop-a.ks"
printf '%%include loop-a.ks\n' >"$www/ks/loop-b.ks"
expect loop "$base/ks/loop-a.ks" \
	"^$base/ks/loop-b.ks:1: error: '%include' of '$base/ks/loop-a.ks' includes a file that is being read already"
ok "a loop: refused at the URL and line that closes it"

printf '%s\n%%include d1.ks\n' "$head" >"$www/ks/deep.ks"
for i in $(seq 1 17); do printf '%%include d%d.ks\n' $((i + 1)) >"$www/ks/d$i.ks"; done
expect depth "$base/ks/deep.ks" "^$base/ks/d16.ks:1: error: '%include' nests deeper than 16 files"
ok "more than 16 levels: refused"

truncate -s 5M "$www/ks/big.ks"
printf '%s\n%%include big.ks\n' "$head" >"$www/ks/size.ks"
expect size "$base/ks/size.ks" \
	"^$base/ks/size.ks:5: error: '%include' of '$base/ks/big.ks' makes the kickstart and its included files larger than 4194304 bytes together"
ok "more than 4 MiB together: refused before the body"

printf '%s\n%%include parts/bad.ks\n%%include nothere.ks\n' "$head" >"$www/ks/bad.ks"
printf 'part / --size=lots\n' >"$www/ks/parts/bad.ks"
secret_url="http://azl:s3cr3t@127.0.0.1:$port/ks/bad.ks"
expect errors "$secret_url" "^http://.*127.0.0.1:$port/ks/parts/bad.ks:1: error: 'part --size'"
grep -q "^http://.*127.0.0.1:$port/ks/bad.ks:6: error: '%include': could not fetch 'http://.*127.0.0.1:$port/ks/nothere.ks': .*404" "$tmp/err" ||
	fail "missing include: $(cat "$tmp/err")"
if grep -q s3cr3t "$tmp/err"; then fail "the URL's password is in a message: $(cat "$tmp/err")"; fi
ok "an error in an included file at its URL:LINE, a missing include at the %include line; no credentials"
echo "all %include-by-URL checks passed"
