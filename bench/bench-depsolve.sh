#!/bin/bash
# Benchmark (b): depsolving @core against a synthetic Fedora-sized
# repository (bench/make-synthetic-repo.py, 60,000 packages with the
# dependency kinds and proportions of real metadata) with
# `azl-installer install --root DIR --stop-after depsolve` (loads the
# repository through libsolv, solves, prints the transaction, installs
# nothing) and Debian's dnf 4 (`dnf --installroot DIR --assumeno install
# @core`, which answers "no" after printing the transaction). Both run cold
# (no metadata cache: XML parsed, caches written) and warm (each with its
# own parsed cache: our CACHE/*.solv and .idx, dnf's .solv files),
# alternating runs (bench/alternate.py). Cold runs are timed to the answer
# and until every process has exited (the installer writes a big
# repository's cache from a detached process after answering; dnf writes
# its cache before), with the CPU time of all of them. Every run's answer
# must be the same transaction (the same NEVRAs) as dnf's: a mismatch fails
# the benchmark. Not a test: nothing here asserts a time.
#
#   bench/bench-depsolve.sh [BUILD_DIR] [RUNS] [PACKAGES]   (build, 5, 60000)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
runs=${2:-5}
npkgs=${3:-60000}
bin=${AZL_BIN:-$build/azl-installer}
# The bench's own dependencies (also in scripts/deps.sh).
command -v dnf >/dev/null && [ -x /usr/bin/time ] || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnf time >/dev/null
}
work=${BENCH_DIR:-/var/tmp/azl-bench}/depsolve
mkdir -p "$work"
gen=$(sha256sum "$src/bench/make-synthetic-repo.py" | cut -c1-12)
syn=$work/synthetic-$npkgs-$gen
[ -f "$syn/repodata/repomd.xml" ] || nice -n 10 python3 "$src/bench/make-synthetic-repo.py" --packages "$npkgs" "$syn"
echo "primary.xml: $(zcat "$syn"/repodata/*-primary.xml.gz | grep -c '<package ') packages ($syn)"

cat >"$work/core.yaml" <<EOT
version: 1
packages:
  repos: [{name: synthetic, baseurl: "file://$syn", gpgcheck: false}]
  install: ["@core"]
EOT
# The transaction as sorted NEVRAs, from either tool's output.
cat >"$work/nevras.py" <<'EOT'
import re, sys
text = open(sys.argv[2]).read()
if sys.argv[1] == "azl":  # one NEVRA a line, JSON progress lines aside
    out = [l for l in text.splitlines() if l and not l.startswith("{")]
else:  # dnf's table: name arch [epoch:]version-release repo size; long
    # names push the rest of their row onto the next line
    out, on, pend = [], False, None
    for l in text.splitlines():
        if re.match(r"^Installing[^:]*:$", l):
            on = not l.startswith("Installing Groups")
            continue
        if on and (l.startswith("Transaction Summary") or not l.strip()):
            on = False
        if not on or re.match(r"^\S.*:$", l):
            continue
        f = l.split()
        if pend is not None:
            f, pend = [pend] + f, None
        if len(f) == 1:
            pend = f[0]
            continue
        name, arch, ver = f[0], f[1], re.sub(r"^0:", "", f[2])
        out.append(f"{name}-{ver}.{arch}")
print("\n".join(sorted(set(out))))
EOT
azl="AZL_CACHE_DIR=$work/azl-cache $bin install --root $work/azl-root --answers $work/core.yaml --stop-after depsolve --progress=json >$work/azl.out"
dnf="dnf --installroot $work/dnf-root --setopt=reposdir=/dev/null --setopt=cachedir=$work/dnf-cache --setopt=syn.gpgcheck=0 --repofrompath=syn,file://$syn --releasever=43 --forcearch=x86_64 --setopt=install_weak_deps=True --assumeno install @core >$work/dnf.out 2>&1"
mkdir -p "$work/dnf-root"
check() { # check azl|dnf: that run's transaction is the reference one
	echo "python3 $work/nevras.py $1 $work/$1.out >$work/$1.nevras && diff $work/$1.nevras $work/reference >$work/$1.diff || { echo 'FAIL: $1 chose another transaction (< $1 only, > dnf only):' >&2; head -20 $work/$1.diff >&2; exit 1; }"
}

# The same answer from both, cold.
rm -rf "$work/azl-cache" "$work/dnf-cache"
sh -c "$azl"
sh -c "$dnf" || :
python3 "$work/nevras.py" dnf "$work/dnf.out" >"$work/reference"
python3 "$work/nevras.py" azl "$work/azl.out" >"$work/azl.nevras"
echo "azl-installer: $(wc -l <"$work/azl.nevras") packages; dnf: $(wc -l <"$work/reference") packages"
[ -s "$work/reference" ] || { echo "FAIL: no transaction in dnf's output ($work/dnf.out)" >&2; exit 1; }
if ! diff "$work/azl.nevras" "$work/reference" >"$work/azl.diff"; then
	echo "FAIL: the transactions differ (< azl-installer only, > dnf only):" >&2
	head -20 "$work/azl.diff" >&2
	exit 1
fi
echo "the same transaction: $(wc -l <"$work/reference") NEVRAs, $(grep -c -- '-langpack-' "$work/reference" || :) of them langpacks"

echo "== cold: no metadata cache (timed to the answer, and until the caches are written) =="
python3 "$src/bench/alternate.py" --runs "$runs" \
	--name-a azl-installer --prep-a "rm -rf $work/azl-cache" --a "$azl" --check-a "$(check azl)" \
	--name-b dnf --prep-b "rm -rf $work/dnf-cache" --b "$dnf" --ok-b 1 --check-b "$(check dnf)" \
	--json "$work/cold.json"
echo "== warm: each with its parsed-metadata cache =="
python3 "$src/bench/alternate.py" --runs "$runs" \
	--name-a azl-installer --a "$azl" --check-a "$(check azl)" \
	--name-b dnf --b "${dnf/dnf --installroot/dnf -C --installroot}" --ok-b 1 --check-b "$(check dnf)" \
	--json "$work/warm.json"
echo "every run chose the reference transaction ($(wc -l <"$work/reference") NEVRAs)"
echo "azl-installer: $azl"
echo "dnf: $dnf"
