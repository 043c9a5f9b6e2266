#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The install's verdict (azl_install_result, docs/architecture.md) is the
# FIRST failure, captured when it happens: a pre script that fails, then
# an error script that fails too, must be reported as the pre script's
# failure, not as the error script's (which ran later and logged last).
# And a later teardown or error script never changes the exit code.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "not root: skipped"
	exit 77
fi
: "${AZL_BIN:?AZL_BIN is not set}"
tmp=$(mktemp -d /tmp/test-install-result.XXXXXX)
# Only what this test made: loop devices over its own image (none are
# expected: the pre script fails before storage).
cleanup() {
	set +e
	for l in $(losetup -n -O NAME,BACK-FILE -l 2>/dev/null |
		awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cat >"$tmp/a.yaml" <<'YAML'
version: 1
storage: {layout: plain, filesystem: xfs, swap: 128M}
bootloader: {firmware: bios}
scripts:
  pre:
    - run: |
        echo "pre ran" >&2
        exit 7
  error:
    - run: |
        exit 9
YAML
d=$tmp/disk.img
truncate -s 4G "$d"
rc=0
"$AZL_BIN" install --answers "$tmp/a.yaml" --disk "$d" --yes --stop-after storage \
	--log "$tmp/log" >"$tmp/out" 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "exit $rc, not 3: $(cat "$tmp/out")"
grep -q "^azl-installer: the install failed in step 'pre': pre script 1 exited with status 7$" "$tmp/out" ||
	fail "the verdict is not the pre script's failure: $(cat "$tmp/out")"
grep -q "error script 1 exited with status 9" "$tmp/log" ||
	fail "the error script did not run (or did not fail): $(cat "$tmp/log")"
grep -q "^azl-installer: the log is in $tmp/log$" "$tmp/out" ||
	fail "the log's place is not said: $(cat "$tmp/out")"
cmp -s -n 1048576 "$d" /dev/zero || fail "the image was written"
[ -z "$(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1')" ] ||
	fail "a loop device is left over the image"
echo "ok: the first failure is the verdict, not the error script's"
