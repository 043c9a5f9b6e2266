#!/bin/bash
# A hostile repository on 127.0.0.1 (tests/hostile-http.py): an endless
# repomd.xml is refused after FETCH_MAX_SMALL (while the request is solved,
# before anything is written: exit 2, no root made), a package larger than its
# metadata states is refused at that size, SIGINT while a package trickles
# in stops the install with exit 130 within 2 s; no half file (*.part) is
# left in the cache.
set -uo pipefail
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
. "$(dirname "$0")/../fetch-bounds-lib.sh"
bin=${AZL_BIN:-$src/build/azl-installer}
export AZL_CACHE_DIR=$tmp/cache
printf 'version: 1\npackages:\n  install: [tiny]\n' >"$tmp/a.yaml"
# The repository is remote: its key must be pinned (docs/packages.md,
# Trust) or the install is refused before any download. A key of this
# test's own, given as a file.
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key fetch-bounds@test ed25519 sign never 2>/dev/null
gpg --batch --armor --export fetch-bounds@test >"$tmp/key.asc"
gpgconf --kill gpg-agent 2>/dev/null || :
pin=(--repo-gpgkey "$tmp/key.asc")
no_part() {
	! find "$tmp/cache" -name '*.part' | grep . >/dev/null ||
		fail "a half file is left in the cache: $(find "$tmp/cache" -name '*.part')"
}

run 2 10 "$bin" install --root "$tmp/r1" --answers "$tmp/a.yaml" \
	--repo "$url/endless/" "${pin[@]}" --log "$tmp/log1"
grep -q "repodata/repomd.xml' is larger than 4194304 bytes; refusing it" "$tmp/log1" ||
	fail "endless repomd.xml: $(tail -3 "$tmp/log1")"
no_part
[ ! -e "$tmp/r1" ] || fail "endless repomd.xml: the root was made"
ok "an endless repomd.xml: refused after 4 MiB (${elapsed_ms} ms)"

# Streamed (the default, docs/packages.md), and small: fetched whole
# before the transaction instead of its header, bounded all the same.
run 3 10 "$bin" install --root "$tmp/r2s" --answers "$tmp/a.yaml" \
	--repo "$url/repo/" "${pin[@]}" --log "$tmp/log2s"
grep -q "Packages/tiny.rpm' is larger than 100 bytes; refusing it" "$tmp/log2s" ||
	fail "endless package, streamed: $(tail -3 "$tmp/log2s")"
no_part
ok "an endless package, streamed: refused at the size its metadata says (${elapsed_ms} ms)"
# Every package fetched first.
AZL_NO_STREAM=1 run 3 10 "$bin" install --root "$tmp/r2" --answers "$tmp/a.yaml" \
	--repo "$url/repo/" "${pin[@]}" --log "$tmp/log2"
grep -q "Packages/tiny.rpm' is larger than 100 bytes; refusing it" "$tmp/log2" ||
	fail "endless package: $(tail -3 "$tmp/log2")"
no_part
ok "a package larger than its metadata says: refused at that size (${elapsed_ms} ms)"

interrupt INT "$bin" install --root "$tmp/r3" --answers "$tmp/a.yaml" \
	--repo "$url/slowrepo/" "${pin[@]}"
grep -q "interrupted during packages" "$tmp/err" ||
	fail "SIGINT: $(cat "$tmp/err")"
no_part
ok "SIGINT while a package trickles in: exit 130 ${elapsed_ms} ms later"
echo "PASS"
