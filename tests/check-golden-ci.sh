#!/bin/bash
# The golden-file update variables (AZL_UPDATE_FIXTURES for test-answers and
# test-kickstart, AZL_UPDATE_GOLDEN for test-plan) rewrite the expected
# files from what the code produces: under CI (CI set, as .ci/run does) the
# unit tests refuse them and fail, and leave the files alone. Run on a copy
# of the fixtures with one expected file tampered with: refused under CI
# (the tampered file stays), rewritten without CI (so the refusal is what
# kept it).
set -euo pipefail
: "${AZL_SOURCE_DIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${AZL_BUILD_DIR:=$AZL_SOURCE_DIR/build}"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/check-golden-ci.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# check BINARY VARIABLE EXPECTED-FILE (relative to the fixtures)
check() {
	local bin=$AZL_BUILD_DIR/tests/$1 var=$2 file=$3 fx=$tmp/$1 rc=0
	[ -x "$bin" ] || fail "$bin is not built (cmake --build BUILD)"
	rm -rf "$fx"
	cp -a "$AZL_SOURCE_DIR/tests/fixtures" "$fx"
	[ -f "$fx/$file" ] || fail "no fixture $file"
	echo "TAMPERED" >>"$fx/$file"

	env CI=true "$var=1" AZL_FIXTURES="$fx" "$bin" >"$tmp/out" 2>&1 || rc=$?
	[ "$rc" != 0 ] || { cat "$tmp/out"; fail "$1: $var under CI passed"; }
	grep -q "$var is set under CI" "$tmp/out" || { cat "$tmp/out"; fail "$1: no message naming $var"; }
	grep -q TAMPERED "$fx/$file" || fail "$1: $var under CI rewrote $file"

	env -u CI "$var=1" AZL_FIXTURES="$fx" "$bin" >"$tmp/out" 2>&1 || :
	grep -q TAMPERED "$fx/$file" && { cat "$tmp/out"; fail "$1: $var without CI did not rewrite $file"; }
	echo "ok: $1 refuses $var under CI"
}

check test-answers AZL_UPDATE_FIXTURES answers/bad/bad-bool.err
check test-kickstart AZL_UPDATE_FIXTURES kickstart/malformed.err
check test-plan AZL_UPDATE_GOLDEN plans/custom-two-disks.json

# tests/check-ks-corpus.sh (the real kickstarts) honours AZL_UPDATE_FIXTURES
# the same way; on a copy holding one of its kickstarts.
src=$tmp/ks-corpus
export AZL_BIN=${AZL_BIN:-$AZL_BUILD_DIR/azl-installer}
real=tests/fixtures/kickstart/real
mkdir -p "$src/$real/expected" "$src/tests/fixtures/machines"
cp "$AZL_SOURCE_DIR/tests/check-ks-corpus.sh" "$src/tests/"
cp "$AZL_SOURCE_DIR/tests/fixtures/machines/real-"*.json "$src/tests/fixtures/machines/"
cp "$AZL_SOURCE_DIR/$real/lorax-fedora-vagrant.ks" "$src/$real/"
cp "$AZL_SOURCE_DIR/$real/expected/lorax-fedora-vagrant.expect" "$src/$real/expected/"
exp=$src/$real/expected/lorax-fedora-vagrant.expect
echo "TAMPERED" >>"$exp"
rc=0
env CI=true AZL_UPDATE_FIXTURES=1 AZL_SOURCE_DIR="$src" bash "$src/tests/check-ks-corpus.sh" >"$tmp/out" 2>&1 || rc=$?
[ "$rc" != 0 ] || { cat "$tmp/out"; fail "check-ks-corpus: AZL_UPDATE_FIXTURES under CI passed"; }
grep -q "AZL_UPDATE_FIXTURES is set under CI" "$tmp/out" || { cat "$tmp/out"; fail "check-ks-corpus: no message naming AZL_UPDATE_FIXTURES"; }
grep -q TAMPERED "$exp" || fail "check-ks-corpus: AZL_UPDATE_FIXTURES under CI rewrote the expected file"
env -u CI AZL_UPDATE_FIXTURES=1 AZL_SOURCE_DIR="$src" bash "$src/tests/check-ks-corpus.sh" >"$tmp/out" 2>&1 || :
grep -q TAMPERED "$exp" && { cat "$tmp/out"; fail "check-ks-corpus: AZL_UPDATE_FIXTURES without CI did not rewrite the expected file"; }
cmp -s "$exp" "$AZL_SOURCE_DIR/$real/expected/lorax-fedora-vagrant.expect" || fail "check-ks-corpus: the rewritten file differs from the committed one"
echo "ok: check-ks-corpus refuses AZL_UPDATE_FIXTURES under CI"
