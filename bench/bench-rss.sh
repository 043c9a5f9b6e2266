#!/bin/bash
# Benchmark (c): peak resident memory (GNU time's "Maximum resident set
# size", which covers the process and the children it waited for, i.e.
# scriptlets) of: the @minimal install into a --root directory, the same
# packages through rpm -i, and depsolving @core against the synthetic
# 60,000-package repository, cold and warm. Not a test.
#
#   bench/bench-rss.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
bin=${AZL_BIN:-$build/azl-installer}
repo=$build/demo-repo
work=${BENCH_DIR:-/var/tmp/azl-bench}/rss
rm -rf "$work"
mkdir -p "$work"
export AZL_CACHE_DIR=$work/cache
[ -f "$repo/repodata/repomd.xml" ] || cmake --build "$build" --target demo-repo >/dev/null
syn=${BENCH_DIR:-/var/tmp/azl-bench}/depsolve/synthetic-60000
[ -f "$syn/repodata/repomd.xml" ] || python3 "$src/bench/make-synthetic-repo.py" "$syn"

rss() { # rss LABEL CMD... -> prints the peak RSS in MiB
	local label=$1
	shift
	/usr/bin/time -f '%M' -o "$work/time.out" "$@" >/dev/null 2>&1 || :
	printf '%-44s %6.1f MiB\n' "$label" "$(echo "$(tail -1 "$work/time.out") / 1024" | bc -l)"
}
cat >"$work/min.yaml" <<EOT
version: 1
packages:
  install: ["@minimal"]
EOT
cat >"$work/core.yaml" <<EOT
version: 1
packages:
  repos: [{name: synthetic, baseurl: "file://$syn", gpgcheck: false}]
  install: ["@core"]
EOT
rss "install @minimal --root (demo repository)" \
	"$bin" install --root "$work/r1" --repo "$repo" --answers "$work/min.yaml" --stop-after packages
mapfile -t nevras < <("$bin" install --root "$work/s" --repo "$repo" --answers "$work/min.yaml" \
	--stop-after depsolve --progress=json | grep -v '^{')
files=("${nevras[@]/#/$repo/Packages/}")
files=("${files[@]/%/.rpm}")
mkdir -p "$work/r2"
rpm --root "$work/r2" --dbpath /usr/lib/sysimage/rpm --import "$repo/RPM-GPG-KEY-azl-demo"
rss "rpm -i --root, the same packages" \
	rpm -i --force-debian --root "$work/r2" --dbpath /usr/lib/sysimage/rpm "${files[@]}"
rm -rf "$AZL_CACHE_DIR"
rss "depsolve @core, 60,000 packages, cold" \
	"$bin" install --root "$work/s" --answers "$work/core.yaml" --stop-after depsolve
rss "depsolve @core, 60,000 packages, warm" \
	"$bin" install --root "$work/s" --answers "$work/core.yaml" --stop-after depsolve
mkdir -p "$work/dnf-root"
d=(dnf --installroot "$work/dnf-root" --setopt=reposdir=/dev/null --setopt=cachedir="$work/dnf-cache"
	--repofrompath=syn,"file://$syn" --setopt=syn.gpgcheck=0 --releasever=43 --forcearch=x86_64
	--assumeno install @core)
rss "dnf --assumeno install @core, cold" "${d[@]}"
rss "dnf -C --assumeno install @core, warm" "${d[0]}" -C "${d[@]:1}"
