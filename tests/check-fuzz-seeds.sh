#!/bin/bash
# tests/fuzz/run-fuzzer.sh keeps a corpus: a real libFuzzer target (a small
# one built here with clang, which records what it is given) run twice as
# fuzz-kickstart. Checked: every kickstart fixture and every checked-in seed
# is among its inputs; new inputs of the first run are kept in
# AZL_BUILD_DIR/fuzz-corpus/NAME and read again by the second; --merge
# copies them into the seed directory (here a temporary one), and nothing
# is written into the tree by a run.
set -euo pipefail
: "${AZL_SOURCE_DIR:=$(cd "$(dirname "$0")/.." && pwd)}"
fail() { echo "FAIL: $*" >&2; exit 1; }
runner=$AZL_SOURCE_DIR/tests/fuzz/run-fuzzer.sh
tmp=$(mktemp -d /tmp/check-fuzz-seeds.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

command -v clang >/dev/null || fail "clang is missing (scripts/deps.sh installs it)"
cat >"$tmp/recorder.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
/* Records its first 4000 inputs in $RECORD_DIR (the seeds come first);
 * a few branches give libFuzzer something new to find. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static unsigned n;
static volatile int sink;
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = getenv("RECORD_DIR");
	if (dir && n < 4000) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%u", dir, n++);
		FILE *f = fopen(path, "w");
		if (f) {
			fwrite(data, 1, size, f);
			fclose(f);
		}
	}
	if (size > 0 && data[0] == 'k')
		if (size > 1 && data[1] == 's')
			if (size > 2 && data[2] == '!')
				sink++;
	return 0;
}
EOF
clang -g -fsanitize=fuzzer -o "$tmp/recorder" "$tmp/recorder.c" || fail "cannot build a libFuzzer target"

build=$tmp/build seeds=$tmp/seeds
mkdir -p "$build" "$seeds" "$tmp/rec1" "$tmp/rec2"
printf 'lang en_US.UTF-8\n' >"$seeds/one-seed"
tree_before=$(cd "$AZL_SOURCE_DIR" && find tests/fuzz -type f | sort | sha256sum)

AZL_BUILD_DIR=$build AZL_FUZZ_SEEDS=$seeds RECORD_DIR=$tmp/rec1 \
	"$runner" "$tmp/recorder" fuzz-kickstart 3 >"$tmp/run1.log" 2>&1 ||
	{ cat "$tmp/run1.log"; fail "first run"; }
cat "$tmp/run1.log"

# Every kickstart fixture (the real ones of others too) and the seed were inputs.
(cd "$tmp/rec1" && sha256sum -- * | cut -d' ' -f1 | sort -u) >"$tmp/seen"
missing=0
for f in "$AZL_SOURCE_DIR"/tests/fixtures/kickstart/*.ks "$AZL_SOURCE_DIR"/tests/fixtures/kickstart/real/*.ks "$seeds/one-seed"; do
	h=$(sha256sum <"$f" | cut -d' ' -f1)
	grep -qx "$h" "$tmp/seen" || { echo "not fuzzed: $f"; missing=$((missing + 1)); }
done
[ "$missing" = 0 ] || fail "$missing fixture(s) or seed(s) were not among the inputs"
# New inputs were kept in the build tree ...
corpus=$build/fuzz-corpus/fuzz-kickstart
kept=$(find "$corpus" -type f | wc -l)
[ "$kept" -gt 0 ] || fail "the first run kept nothing in $corpus"
# ... and the second run starts from them.
first=$(ls "$corpus" | head -n 1)
h=$(sha256sum <"$corpus/$first" | cut -d' ' -f1)
AZL_BUILD_DIR=$build AZL_FUZZ_SEEDS=$seeds RECORD_DIR=$tmp/rec2 \
	"$runner" "$tmp/recorder" fuzz-kickstart 2 >"$tmp/run2.log" 2>&1 ||
	{ cat "$tmp/run2.log"; fail "second run"; }
(cd "$tmp/rec2" && sha256sum -- * | cut -d' ' -f1) >"$tmp/seen2"
grep -qx "$h" "$tmp/seen2" || fail "the second run did not read the kept corpus"
[ "$(find "$corpus" -type f | wc -l)" -ge "$kept" ] || fail "the second run lost kept inputs"

# --merge adds what adds coverage to the seed directory.
AZL_BUILD_DIR=$build AZL_FUZZ_SEEDS=$seeds \
	"$runner" --merge "$tmp/recorder" fuzz-kickstart >"$tmp/merge.log" 2>&1 ||
	{ cat "$tmp/merge.log"; fail "merge"; }
cat "$tmp/merge.log"
[ "$(find "$seeds" -type f | wc -l)" -gt 1 ] || fail "--merge added no seed"

tree_after=$(cd "$AZL_SOURCE_DIR" && find tests/fuzz -type f | sort | sha256sum)
[ "$tree_before" = "$tree_after" ] || fail "a run changed tests/fuzz"
echo "ok: fixtures and seeds fuzzed, the corpus kept in the build tree and merged on request"
