#!/bin/bash
# Benchmark (b): depsolving @core against a synthetic Fedora-sized
# repository (bench/make-synthetic-repo.py, 60,000 packages) with
# `azl-installer install --root DIR --stop-after depsolve` (loads the
# repository through libsolv, solves, prints the transaction, installs
# nothing) and Debian's dnf 4 (`dnf --installroot DIR --assumeno install
# @core`, which answers "no" after printing the transaction). Both are run
# cold (no metadata cache: XML parsed) and warm (each with its own parsed
# cache: our CACHE/*.solv, dnf's .solv files), alternating runs. Checks
# first that both choose the same packages. Not a test.
#
#   bench/bench-depsolve.sh [BUILD_DIR] [RUNS] [PACKAGES]   (build, 5, 60000)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
runs=${2:-5}
npkgs=${3:-60000}
bin=${AZL_BIN:-$build/azl-installer}
command -v dnf >/dev/null || { echo "dnf is not installed (scripts/deps.sh)" >&2; exit 2; }
work=${BENCH_DIR:-/var/tmp/azl-bench}/depsolve
mkdir -p "$work"
syn=$work/synthetic-$npkgs
[ -f "$syn/repodata/repomd.xml" ] || python3 "$src/bench/make-synthetic-repo.py" --packages "$npkgs" "$syn"
echo "primary.xml: $(zcat "$syn"/repodata/*-primary.xml.gz | grep -c '<package ') packages"

cat >"$work/core.yaml" <<EOT
version: 1
packages:
  repos: [{name: synthetic, baseurl: "file://$syn", gpgcheck: false}]
  install: ["@core"]
EOT
azl="AZL_CACHE_DIR=$work/azl-cache $bin install --root $work/azl-root --answers $work/core.yaml --stop-after depsolve --progress=json"
dnf="dnf --installroot $work/dnf-root --setopt=reposdir=/dev/null --setopt=cachedir=$work/dnf-cache --setopt=syn.gpgcheck=0 --repofrompath=syn,file://$syn --releasever=43 --forcearch=x86_64 --setopt=install_weak_deps=True --assumeno install @core"
mkdir -p "$work/dnf-root"

# The same answer from both.
rm -rf "$work/azl-cache" "$work/dnf-cache"
sh -c "$azl" | grep -v '^{' | sed -E 's/-[^-]+-[^-]+$//' | sort >"$work/azl.names"
sh -c "$dnf" 2>&1 | awk '/^Installing/{on=1;next} /^Transaction Summary/{on=0} on && NF>=5 {print $1}' | sort -u >"$work/dnf.names" || :
echo "azl-installer: $(wc -l <"$work/azl.names") packages; dnf: $(wc -l <"$work/dnf.names") packages"
if diff -q "$work/azl.names" "$work/dnf.names" >/dev/null; then
	echo "same transaction"
else
	echo "transactions differ:"; diff "$work/azl.names" "$work/dnf.names" | head -20
	exit 1
fi

# The installer writes a big repository's parsed cache and its index in a
# detached process after solving; dnf is timed only once that is done.
settle="until ls $work/azl-cache/*/solv/*.solv $work/azl-cache/*/solv/*.idx >/dev/null 2>&1 && ! ls $work/azl-cache/*/solv/*.part >/dev/null 2>&1; do sleep 0.1; done"
echo "== cold: no metadata cache =="
python3 "$src/bench/alternate.py" --runs "$runs" \
	--name-a azl-installer --prep-a "rm -rf $work/azl-cache" --a "$azl" \
	--name-b dnf --prep-b "$settle; rm -rf $work/dnf-cache" --b "$dnf" --ok-b 1 \
	--json "$work/cold.json"
echo "== warm: each with its parsed-metadata cache =="
sh -c "$azl" >/dev/null
sleep 1; sh -c "$settle"
python3 "$src/bench/alternate.py" --runs "$runs" \
	--name-a azl-installer --a "$azl" \
	--name-b dnf --b "${dnf/dnf --installroot/dnf -C --installroot}" --ok-b 1 \
	--json "$work/warm.json"
echo "azl-installer: $azl"
echo "dnf: $dnf"
