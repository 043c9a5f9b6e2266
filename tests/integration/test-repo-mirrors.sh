#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kickstart url/repo --mirrorlist and --metalink (docs/kickstart.md):
# fetched through libcurl when the install starts, the first mirror that
# serves repodata/repomd.xml is used. A real HTTP server on 127.0.0.1
# serves the demo repository, a mirrorlist and a metalink whose first
# mirror is dead (404, then a closed port); `convert` of the kickstart,
# then `install --root --stop-after depsolve` solves from the second
# mirror. A list that names no working mirror fails and says
# so (exit 3, as an unreachable baseurl); the kickstart without a key is
# warned about at convert time. The server's request log shows each run
# asking for a repository's repomd.xml once (docs/packages.md): the chosen
# mirror's probe is the index, and an install over HTTP to --stop-after
# packages reads it once for the check and the package phase.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
cmake --build "$build" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-repo-mirrors.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export AZL_CACHE_DIR=$tmp/cache
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hport=$(port)
dead=$(port) # nothing listens there
mkdir -p "$tmp/www"
ln -s "$build/demo-repo" "$tmp/www/os"
base=http://127.0.0.1:$hport
printf '# mirrors\n%s/missing/\nhttp://127.0.0.1:%s/os/\n\n%s/os/\n' "$base" "$dead" "$base" >"$tmp/www/mirrorlist"
cat >"$tmp/www/metalink" <<XML
<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/">
 <files><file name="repomd.xml"><resources maxconnections="1">
  <url protocol="http" type="http" location="XX" preference="100">$base/missing/repodata/repomd.xml</url>
  <url protocol="http" type="http" location="XX" preference="99">$base/os/repodata/repomd.xml</url>
 </resources></file></files>
</metalink>
XML
printf 'http://127.0.0.1:%s/os/\n%s/missing/\n' "$dead" "$base" >"$tmp/www/nomirror"
# The server's request log counts how often each list is fetched.
(cd "$tmp/www" && exec python3 -m http.server --bind 127.0.0.1 "$hport" >/dev/null 2>"$tmp/requests") &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "$base/" && break; sleep 0.1; done
fetched() { grep -c "\"GET /$1 HTTP" "$tmp/requests" || :; }

solve() { # name repo-option expected-exit
	printf 'lang en_US.UTF-8\nkeyboard us\ntimezone UTC\nrootpw --lock\nrepo --name=m %s\n%%packages --nocore\nfilesystem\n%%end\n' "$2" >"$tmp/$1.ks"
	"$bin" convert "$tmp/$1.ks" -o "$tmp/$1.yaml" 2>"$tmp/$1.convert" || { cat "$tmp/$1.convert"; fail "$1: convert"; }
	grep -q "repository 'm' is on the network and names no key" "$tmp/$1.convert" || fail "$1: no warning about the missing key"
	# The test repository's key is not pinned here: depsolve needs none.
	sed -i 's/gpgcheck: true/gpgcheck: false/' "$tmp/$1.yaml"
	local rc=0
	"$bin" install --root "$tmp/$1-root" --answers "$tmp/$1.yaml" --stop-after depsolve \
		--log "$tmp/$1.log" >"$tmp/$1.out" 2>&1 || rc=$?
	[ "$rc" = "$3" ] || { cat "$tmp/$1.out"; tail -5 "$tmp/$1.log"; fail "$1: exit $rc, not $3"; }
}

before=$(fetched os/repodata/repomd.xml)
solve mirrorlist "--mirrorlist=$base/mirrorlist" 0
n=$(($(fetched os/repodata/repomd.xml) - before))
[ "$n" = 1 ] || fail "mirrorlist: the chosen mirror's repomd.xml fetched $n times in one run, not once (the probe's answer is the index the run uses)"
grep -q "mirrorlist: $base/mirrorlist" "$tmp/mirrorlist.yaml" || fail "mirrorlist: not in the answer file"
grep -q "filesystem" "$tmp/mirrorlist.out" || fail "mirrorlist: filesystem not solved"
grep -q "mirror 3 of its mirrorlist: $base/os/" "$tmp/mirrorlist.log" || { cat "$tmp/mirrorlist.log"; fail "mirrorlist: the third mirror was not the one used"; }
n=$(fetched mirrorlist)
[ "$n" = 1 ] || fail "mirrorlist: fetched $n times in one run, not once"
n=$(fetched missing/repodata/repomd.xml)
[ "$n" = 1 ] || fail "mirrorlist: the dead mirror was tried $n times in one run, not once"
grep -q "mirror 3 of its mirrorlist: $base/os/ (used for the whole run)" "$tmp/mirrorlist.log" || fail "mirrorlist: the choice is not logged"
ok "--mirrorlist: a 404 mirror and a closed port skipped, the third mirror solves; the list fetched once in the run, the choice logged"

solve metalink "--metalink=$base/metalink" 0
grep -q "mirror 2 of its metalink: $base/os/" "$tmp/metalink.log" || { cat "$tmp/metalink.log"; fail "metalink: the second mirror was not the one used"; }
grep -q "filesystem" "$tmp/metalink.out" || fail "metalink: filesystem not solved"
n=$(fetched metalink)
[ "$n" = 1 ] || fail "metalink: fetched $n times in one run, not once"
ok "--metalink: the repomd.xml URLs' base, the dead one skipped, fetched once in the run"

solve nomirror "--mirrorlist=$base/nomirror" 3
grep -q "no mirror its mirrorlist names serves repodata/repomd.xml (2 tried)" "$tmp/nomirror.log" ||
	{ cat "$tmp/nomirror.out"; tail "$tmp/nomirror.log"; fail "nomirror: message"; }
ok "a mirrorlist without a working mirror: exit 3 (as an unreachable baseurl), said"
# One run, one repomd.xml: the check before anything is written and the
# package phase read the repository from the same index, asked for once.
before=$(fetched os/repodata/repomd.xml)
printf 'version: 1\npackages:\n  repos: [{name: os, baseurl: "%s/os/", gpgcheck: false}]\n  install: [filesystem]\n' "$base" >"$tmp/once.yaml"
"$bin" install --root "$tmp/once-root" --answers "$tmp/once.yaml" --stop-after packages \
	--log "$tmp/once.log" >"$tmp/once.out" 2>&1 || { cat "$tmp/once.out"; tail -5 "$tmp/once.log"; fail "once: install"; }
rpm --root "$tmp/once-root" --dbpath /usr/lib/sysimage/rpm -q filesystem >/dev/null || fail "once: filesystem not installed"
n=$(($(fetched os/repodata/repomd.xml) - before))
[ "$n" = 1 ] || { grep repomd "$tmp/once.log"; fail "once: repomd.xml fetched $n times in one install, not once"; }
grep -q "repomd.xml' as read earlier in this run" "$tmp/once.log" || fail "once: the second read is not said to reuse the first"
ok "an install over HTTP reads repomd.xml once: the check and the package phase use the same index"

echo "all mirrorlist/metalink checks passed"
