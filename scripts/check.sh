#!/bin/bash
# The whole test suite, as CI runs it (.ci/run):
#   1. build/      clang, -Werror
#   2. build-gcc/  the same sources compiled with gcc -Werror (no tests):
#                  a plain `cmake -B build` uses gcc and must build too
#   3. build-san/  clang with ASan+UBSan
# Then every registered test runs once, in one of two passes that run at
# the same time (labels in tests/CMakeLists.txt):
#   a. build-san/: unit, check and integration tests (integration as root)
#      under the sanitizers, except those labelled no-san
#   b. build/:     e2e (QEMU boots of the ISO), fuzz (60 s each; the fuzz
#      targets are built only here, with their own ASan) and the
#      integration tests labelled plain: those that check something a
#      sanitizer build cannot (test-packages-root's fsync count under
#      strace) or that run none of our C code (test-demo-repo)
# build-san uses build/'s demo and real repositories (-DAZL_REPOS_FROM)
# instead of building them a second time.
# A skipped test fails the check (scripts/check-skips.py) unless
# tests/skip-allowlist excuses it with a condition this machine really has
# (not root, no KVM, no device-mapper): both ctest runs write JUnit files
# and are checked after they ran, whatever their result, and a registered
# test that is in neither JUnit file (no pass selects it) fails it too.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh

jobs=$(nproc)

echo "== build (clang) =="
cmake -S . -B build -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build build -j"$jobs"

echo "== build (gcc, compile only) =="
cmake -S . -B build-gcc -DCMAKE_C_COMPILER=gcc -DAZL_FUZZ=OFF >/dev/null
cmake --build build-gcc -j"$jobs"

echo "== build (clang, ASan+UBSan) =="
cmake -S . -B build-san -DCMAKE_C_COMPILER=clang -DAZL_SANITIZE=ON \
	-DAZL_FUZZ=OFF -DAZL_REPOS_FROM="$PWD/build" >/dev/null
cmake --build build-san -j"$jobs"

# The two passes run side by side, one core each: the ASan pass is mostly
# integration tests one after another (RESOURCE_LOCK azl-machine), the
# plain pass mostly e2e tests one after another (RUN_SERIAL), each of which
# keeps one core busy (a TCG guest, or one install under the sanitizers).
# Run in sequence they left a core idle for 40 minutes. The two ctest runs
# do not share their resource locks; what the tests share (loop devices,
# /run/azl-installer/PID, the repository builds) is per test or locked
# (scripts/build-repo-locked.sh). The ASan pass runs -j1 so that an e2e
# guest keeps a whole core for its console deadlines; its output is kept
# in build-san/ctest.log and printed when both passes are done.
rc=0
echo "== tests under ASan+UBSan (beside the next pass; output follows it) =="
(
	ctest --test-dir build-san --output-on-failure -j1 -L 'unit|check|integration' \
		-LE 'no-san' --output-junit "$PWD/build-san/ctest-junit.xml" >build-san/ctest.log 2>&1
) &
san=$!

echo "== e2e, fuzz and plain-only tests =="
ctest --test-dir build --output-on-failure -j"$jobs" -L 'e2e|fuzz|plain' \
	--output-junit "$PWD/build/ctest-junit.xml" || rc=1

san_rc=0
wait "$san" || san_rc=$?
echo "== tests under ASan+UBSan: output =="
cat build-san/ctest.log
[ "$san_rc" -eq 0 ] || rc=1

echo "== skipped tests =="
ctest --test-dir build -N --show-only=json-v1 >build/ctest-tests.json
ctest --test-dir build-san -N --show-only=json-v1 >build-san/ctest-tests.json
python3 scripts/check-skips.py --tests build/ctest-tests.json --tests build-san/ctest-tests.json \
	build-san/ctest-junit.xml build/ctest-junit.xml || rc=1
exit $rc
