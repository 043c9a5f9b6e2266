#!/bin/bash
# The whole test suite, as CI runs it (.ci/run):
#   1. build/      clang, -Werror: every ctest (unit, check, fuzz for 60 s
#                  each, integration as root, e2e when the ISO exists)
#   2. build-gcc/  the same sources compiled with gcc -Werror (no tests):
#                  a plain `cmake -B build` uses gcc and must build too
#   3. build-san/  clang with ASan+UBSan: unit, check and integration tests
#                  again under the sanitizers
# A skipped test fails the check (scripts/check-skips.py) unless
# tests/skip-allowlist excuses it with a condition this machine really has
# (not root, no KVM, no device-mapper): both ctest runs write JUnit files
# and are checked after they ran, whatever their result.
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
	-DAZL_FUZZ=OFF >/dev/null
cmake --build build-san -j"$jobs"

rc=0
echo "== tests under ASan+UBSan =="
# (the demo repository is built by scripts, not by our C code: once is enough)
ctest --test-dir build-san --output-on-failure -j"$jobs" -L 'unit|check|integration' \
	-E 'demo-repo' --output-junit "$PWD/build-san/ctest-junit.xml" || rc=1

echo "== all tests =="
ctest --test-dir build --output-on-failure -j"$jobs" \
	--output-junit "$PWD/build/ctest-junit.xml" || rc=1

echo "== skipped tests =="
python3 scripts/check-skips.py build-san/ctest-junit.xml build/ctest-junit.xml || rc=1
exit $rc
