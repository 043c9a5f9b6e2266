#!/bin/sh
# run-fuzzer.sh BINARY NAME SECONDS
# Runs a libFuzzer target for SECONDS from a fresh corpus seeded with the
# checked-in seeds (tests/fuzz/seeds-NAME/), so runs never grow the tree.
# tests/fuzz/NAME.options, when there is one, holds more libFuzzer options
# for that target (the reason is in the target's source).
# The progress lines go to a log; what is printed is the final figures, or
# on a failure the end of the report and the failing input itself (base64,
# also kept in $AZL_BUILD_DIR/fuzz-artifacts/) so that a failure seen once
# in CI can be replayed: BINARY FILE.
set -eu
bin=$1 name=$2 secs=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
if [ -d "$here/seeds-$name" ]; then
	cp -r "$here/seeds-$name/." "$work/corpus/"
fi
cd "$work"
opts=
if [ -f "$here/$name.options" ]; then
	opts=$(grep -v '^#' "$here/$name.options")
fi
rc=0
# shellcheck disable=SC2086 # the options are words
"$bin" $opts -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" corpus >"$work/log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ]; then
	grep -E '^(INFO: Seed|stat::|Done )' "$work/log" || true
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
	exit 0
fi
echo "$name failed (exit $rc); the end of its report:"
grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)' "$work/log" |
	tail -n 80
keep=${AZL_BUILD_DIR:-$here}/fuzz-artifacts
mkdir -p "$keep"
for f in "$work"/artifacts/*; do
	[ -f "$f" ] || continue
	cp "$f" "$keep/$name-$(basename "$f")"
	echo "failing input $(basename "$f"), $(wc -c <"$f") bytes, base64" \
		"(kept as $keep/$name-$(basename "$f")):"
	head -c 16384 "$f" | base64
done
exit 1
