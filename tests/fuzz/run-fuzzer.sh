#!/bin/sh
# run-fuzzer.sh BINARY NAME SECONDS
# Runs a libFuzzer target for SECONDS from a fresh corpus seeded with the
# checked-in seeds (tests/fuzz/seeds-NAME/), so runs never grow the tree.
set -eu
bin=$1 name=$2 secs=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
if [ -d "$here/seeds-$name" ]; then
	cp -r "$here/seeds-$name/." "$work/corpus/"
fi
cd "$work"
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 corpus
