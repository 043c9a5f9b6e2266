#!/bin/sh
# run-fuzzer.sh BINARY NAME SECONDS
#   Runs a libFuzzer target for SECONDS over a working corpus that is kept
#   across runs, $AZL_BUILD_DIR/fuzz-corpus/NAME (created on the first run),
#   the checked-in seeds, tests/fuzz/seeds-NAME/, and the real fixtures
#   (fuzz-kickstart: tests/fixtures/kickstart/*.ks, include/ and the real
#   kickstarts of others in real/*.ks;
#   fuzz-answers: tests/fixtures/answers/{good,bad}/*.yaml and
#   docs/examples/*.yaml), taken from the tree at each run so a fixture
#   added later is a seed too. New interesting inputs go to the
#   working corpus only, so fuzzing accumulates from run to run and the
#   tree changes only when someone merges:
# run-fuzzer.sh --merge BINARY NAME
#   Merges the working corpus into tests/fuzz/seeds-NAME/ with libFuzzer's
#   -merge=1: only inputs that add coverage are copied (named by their
#   SHA-1). Review and commit the new files; e.g. after `make check`:
#     tests/fuzz/run-fuzzer.sh --merge build/tests/fuzz-kickstart fuzz-kickstart
#   tests/fuzz/NAME.options, when there is one, holds more libFuzzer options
#   for that target (the reason is in the target's source).
# The progress lines go to a log; what is printed is the final figures, or
# on a failure the end of the report and the failing input itself (base64,
# also kept in $AZL_BUILD_DIR/fuzz-artifacts/) so that a failure seen once
# in CI can be replayed: BINARY FILE. $AZL_FUZZ_SEEDS replaces the seed
# directory (tests/check-fuzz-seeds.sh uses it).
set -eu
merge=
if [ "${1:-}" = --merge ]; then
	merge=1
	shift
fi
bin=$(realpath "$1") name=$2 secs=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
seeds=${AZL_FUZZ_SEEDS:-$here/seeds-$name}
build=${AZL_BUILD_DIR:-$(dirname "$(dirname "$bin")")}
corpus=$build/fuzz-corpus/$name
mkdir -p "$corpus" "$seeds"

if [ -n "$merge" ]; then
	before=$(find "$seeds" -type f | wc -l)
	"$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		"$seeds" "$corpus" >"$corpus.merge.log" 2>&1 || {
		tail -n 30 "$corpus.merge.log"
		echo "$name: merging $corpus into $seeds failed" >&2
		exit 1
	}
	after=$(find "$seeds" -type f | wc -l)
	echo "$name: $((after - before)) new seed(s) in $seeds (of $(find "$corpus" -type f | wc -l) in $corpus)"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/artifacts" "$work/fixtures"
src=$(dirname "$(dirname "$here")")
case "$name" in
fuzz-kickstart) fixtures="$src/tests/fixtures/kickstart/*.ks $src/tests/fixtures/kickstart/include/* $src/tests/fixtures/kickstart/real/*.ks" ;;
fuzz-answers) fixtures="$src/tests/fixtures/answers/good/*.yaml $src/tests/fixtures/answers/bad/*.yaml $src/docs/examples/*.yaml" ;;
*) fixtures= ;;
esac
n=0
for f in $fixtures; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	cp "$f" "$work/fixtures/$n-${f##*/}"
done
cd "$work"
opts=
if [ -f "$here/$name.options" ]; then
	opts=$(grep -v '^#' "$here/$name.options")
fi
rc=0
# The first directory is where libFuzzer writes new inputs; the seeds are
# only read.
# shellcheck disable=SC2086 # the options are words
# -reduce_inputs=0: libFuzzer would otherwise delete kept inputs it
# replaces with smaller ones; the kept corpus only grows, --merge compacts.
"$bin" $opts -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 -reduce_inputs=0 \
	-artifact_prefix="$work/artifacts/" "$corpus" "$seeds" "$work/fixtures" \
	>"$work/log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ]; then
	grep -E '^(INFO: Seed|INFO: seed corpus|stat::|Done )' "$work/log" || true
	# A target may say how many inputs got past its reader into the
	# code it is there for ("NAME: N of M inputs reached ..."); none
	# means that code was never fuzzed.
	reach=$(grep -E "^$name: [0-9]+ of [0-9]+ inputs reached" "$work/log" |
		tail -n 1)
	if [ -n "$reach" ]; then
		echo "$reach"
		case $reach in
		"$name: 0 of "*)
			echo "$name: no input got past the reader" >&2
			exit 1
			;;
		esac
	fi
	echo "seeds: $(find "$seeds" -type f | wc -l) in $seeds, $n fixture(s);" \
		"working corpus: $(find "$corpus" -type f | wc -l) in $corpus"
	exit 0
fi
echo "$name failed (exit $rc); the end of its report:"
grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)' "$work/log" |
	tail -n 80
keep=$build/fuzz-artifacts
mkdir -p "$keep"
for f in "$work"/artifacts/*; do
	[ -f "$f" ] || continue
	cp "$f" "$keep/$name-$(basename "$f")"
	echo "failing input $(basename "$f"), $(wc -c <"$f") bytes, base64" \
		"(kept as $keep/$name-$(basename "$f")):"
	head -c 16384 "$f" | base64
done
exit 1
