#!/bin/bash
# A skipped test fails `make check` (scripts/check-skips.py, run by
# scripts/check.sh over ctest's JUnit files) unless tests/skip-allowlist
# excuses it with a condition this machine has. Proven on a real ctest run
# of throw-away tests: one exits 77 like an integration script, one is a
# real cmocka program that calls skip(), under the SKIP_REGULAR_EXPRESSION
# the unit tests really have (read from this build's ctest).
set -euo pipefail
: "${AZL_SOURCE_DIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${AZL_BUILD_DIR:=$AZL_SOURCE_DIR/build}"
detector=$AZL_SOURCE_DIR/scripts/check-skips.py
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/check-skips.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# 1. The real tests: every unit test turns a cmocka skip into a ctest skip,
#    every script test has 77 as its skip code.
ctest --test-dir "$AZL_BUILD_DIR" -N --show-only=json-v1 >"$tmp/tests.json"
regex=$(python3 - "$tmp/tests.json" <<'EOF'
import json, sys
tests = json.load(open(sys.argv[1]))["tests"]
regexes = set()
bad = []
for t in tests:
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    if t["name"].startswith("unit/"):
        r = props.get("SKIP_REGULAR_EXPRESSION")
        if not r:
            bad.append(t["name"] + ": no SKIP_REGULAR_EXPRESSION")
        else:
            regexes.update(r)
    elif t["name"].split("/")[0] in ("integration", "e2e", "check"):
        if props.get("SKIP_RETURN_CODE") != 77:
            bad.append(t["name"] + ": SKIP_RETURN_CODE is not 77")
if bad or len(regexes) != 1 or not any(t["name"].startswith("unit/") for t in tests):
    sys.exit("\n".join(bad) or "unit tests: expected one SKIP_REGULAR_EXPRESSION, got %r" % regexes)
print(regexes.pop())
EOF
) || fail "the tests' skip properties"

# 2. A real cmocka skip() and a script that exits 77, run by ctest.
cat >"$tmp/skipper.c" <<'EOF'
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
static void test_runs(void **state) { (void)state; }
static void test_skips(void **state) { (void)state; skip(); }
int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_runs),
					    cmocka_unit_test(test_skips) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
EOF
cc -o "$tmp/skipper" "$tmp/skipper.c" -lcmocka || fail "cannot build a cmocka program"
"$tmp/skipper" >/dev/null 2>&1 || fail "cmocka returns non-zero for a skip: ctest would count a failure"
mkdir "$tmp/run"
cmake_regex=${regex//\\/\\\\}
cat >"$tmp/run/CTestTestfile.cmake" <<EOF
add_test(unit/skipper "$tmp/skipper")
set_tests_properties(unit/skipper PROPERTIES SKIP_REGULAR_EXPRESSION "$cmake_regex")
add_test(integration/exits-77 "sh" "-c" "echo 'not root: skipped'; exit 77")
set_tests_properties(integration/exits-77 PROPERTIES SKIP_RETURN_CODE 77)
add_test(check/passes "true")
EOF
(cd "$tmp/run" && ctest --output-junit "$tmp/skips.xml" >"$tmp/ctest.log" 2>&1) || :
grep -q 'unit/skipper .*Skipped' "$tmp/ctest.log" || {
	cat "$tmp/ctest.log"
	fail "ctest did not report the cmocka skip as a skip"
}

# 3. Nothing excuses them: the detector fails and names both.
: >"$tmp/empty"
rc=0
python3 "$detector" --allowlist "$tmp/empty" "$tmp/skips.xml" >"$tmp/out" 2>&1 || rc=$?
cat "$tmp/out"
[ "$rc" = 1 ] || fail "two unlisted skips: exit $rc, expected 1"
grep -q '^  unit/skipper ' "$tmp/out" || fail "the cmocka skip is not named"
grep -q '^  integration/exits-77 ' "$tmp/out" || fail "the exit-77 skip is not named"
grep -q 'check/passes' "$tmp/out" && fail "a test that ran is named"

# 4. Listed with a condition this machine does not have: still a failure.
holds=$(python3 "$detector" --conditions)
absent=
for c in not-root no-kvm no-device-mapper; do
	grep -qx "$c" <<<"$holds" || { absent=$c; break; }
done
if [ -n "$absent" ]; then
	printf 'unit/skipper %s reason\nintegration/exits-77 %s reason\n' "$absent" "$absent" >"$tmp/wrong"
	rc=0
	python3 "$detector" --allowlist "$tmp/wrong" "$tmp/skips.xml" >"$tmp/out" 2>&1 || rc=$?
	[ "$rc" = 1 ] || { cat "$tmp/out"; fail "excused by '$absent', which does not hold: exit $rc"; }
	grep -q "listed for '$absent', which does not hold here" "$tmp/out" || fail "no reason given"
fi

# 5. Listed with a condition that holds: excused; one of two: still fails.
present=$(head -n 1 <<<"$holds")
if [ -n "$present" ]; then
	printf 'unit/skipper %s reason\nintegration/exits-77 %s reason\n' "$present" "$present" >"$tmp/right"
	python3 "$detector" --allowlist "$tmp/right" "$tmp/skips.xml" >"$tmp/out" 2>&1 ||
		{ cat "$tmp/out"; fail "skips excused by '$present' still fail"; }
	printf 'unit/skipper %s reason\n' "$present" >"$tmp/half"
	rc=0
	python3 "$detector" --allowlist "$tmp/half" "$tmp/skips.xml" >"$tmp/out" 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "one unlisted skip: exit $rc"
fi

# 5b. A cmocka program that skips one test and fails another shows as
# skipped in ctest (the regular expression wins); it fails the check even
# when an allow-list entry with a condition that holds names it.
sed -e 's/static void test_runs(void \*\*state) { (void)state; }/static void test_runs(void **state) { (void)state; fail(); }/' \
	"$tmp/skipper.c" >"$tmp/skipfail.c"
cc -o "$tmp/skipfail" "$tmp/skipfail.c" -lcmocka || fail "cannot build a cmocka program"
mkdir "$tmp/run2"
cat >"$tmp/run2/CTestTestfile.cmake" <<EOF
add_test(unit/skipfail "$tmp/skipfail")
set_tests_properties(unit/skipfail PROPERTIES SKIP_REGULAR_EXPRESSION "$cmake_regex")
EOF
(cd "$tmp/run2" && ctest --output-junit "$tmp/skipfail.xml" >"$tmp/ctest2.log" 2>&1) || :
grep -q 'unit/skipfail .*Skipped' "$tmp/ctest2.log" || { cat "$tmp/ctest2.log"; fail "ctest no longer shows a skipping, failing cmocka program as skipped"; }
if [ -n "$present" ]; then
	printf 'unit/skipfail %s reason\n' "$present" >"$tmp/sf-list"
	rc=0
	python3 "$detector" --allowlist "$tmp/sf-list" "$tmp/skipfail.xml" >"$tmp/out" 2>&1 || rc=$?
	[ "$rc" = 1 ] || { cat "$tmp/out"; fail "a skipped test that also failed was excused: exit $rc"; }
	grep -q 'it also FAILED' "$tmp/out" || fail "the failure of a skipped test is not named"
fi

# 6. A malformed allow-list is an error, and the committed one is well-formed.
printf 'unit/skipper\n' >"$tmp/bad"
rc=0
python3 "$detector" --allowlist "$tmp/bad" "$tmp/skips.xml" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "an entry without a condition: exit $rc, expected 2"
cat >"$tmp/clean.xml" <<'EOF'
<testsuite><testcase name="unit/a" status="run"/><testcase name="check/b" status="fail"><failure/></testcase></testsuite>
EOF
python3 "$detector" "$tmp/clean.xml" >/dev/null || fail "tests/skip-allowlist is malformed, or a run without skips fails"

# 7. A registered test in neither JUnit file (no pass of check.sh selects
#    it) fails, whatever the allow-list says; one pass is enough.
cat >"$tmp/listing.json" <<'EOF'
{"kind": "ctestInfo", "tests": [{"name": "unit/a"}, {"name": "check/b"}, {"name": "fuzz/c"}]}
EOF
cat >"$tmp/pass2.xml" <<'EOF'
<testsuite><testcase name="fuzz/c" status="run"/></testsuite>
EOF
python3 "$detector" --allowlist "$tmp/empty" --tests "$tmp/listing.json" \
	"$tmp/clean.xml" "$tmp/pass2.xml" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; fail "every listed test ran in one of two passes: still fails"; }
grep -q 'all 3 registered tests ran' "$tmp/out" || fail "the coverage is not reported"
rc=0
python3 "$detector" --allowlist "$tmp/empty" --tests "$tmp/listing.json" \
	"$tmp/clean.xml" >"$tmp/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$tmp/out"; fail "a registered test in no JUnit file: exit $rc, expected 1"; }
grep -q '^  fuzz/c$' "$tmp/out" || { cat "$tmp/out"; fail "the test no pass ran is not named"; }
grep -q '^  unit/a$' "$tmp/out" && fail "a test that ran is named as missing"
if [ -n "$present" ]; then
	printf 'fuzz/c %s reason\n' "$present" >"$tmp/c-list"
	rc=0
	python3 "$detector" --allowlist "$tmp/c-list" --tests "$tmp/listing.json" "$tmp/clean.xml" \
		>/dev/null 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "an allow-list entry excused a test that no pass ran"
fi
echo '{"tests": 3}' >"$tmp/broken.json"
rc=0
python3 "$detector" --tests "$tmp/broken.json" "$tmp/clean.xml" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "an unreadable test listing: exit $rc, expected 2"

# 8. scripts/check.sh checks both ctest runs, against the tests of both trees.
check=$AZL_SOURCE_DIR/scripts/check.sh
[ "$(grep -c -- '--output-junit' "$check")" = 2 ] || fail "check.sh: both ctest runs write JUnit"
grep -q 'check-skips.py --tests build/ctest-tests.json --tests build-san/ctest-tests.json' "$check" &&
	grep -q '	build-san/ctest-junit.xml build/ctest-junit.xml' "$check" ||
	fail "check.sh does not run the skip check on both runs and both test listings"
echo "ok: unlisted skips fail, excused ones need a condition that holds; a test no pass ran fails"
