#!/bin/bash
# Benchmark (a): the same package set installed by `azl-installer install
# --root` and by `rpm -i --root` (the same RPM files, the same key import,
# the same rpmdb path), alternating runs, median wall time and the ratio.
# Root only. Not a test: it asserts nothing about time.
#
#   bench/bench-install.sh [BUILD_DIR] [RUNS]     (defaults: build, 5)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
runs=${2:-5}
bin=${AZL_BIN:-$build/azl-installer}
repo=$build/demo-repo
[ -f "$repo/repodata/repomd.xml" ] || cmake --build "$build" --target demo-repo >/dev/null
work=${BENCH_DIR:-/var/tmp/azl-bench}/install
rm -rf "$work"
mkdir -p "$work"
export AZL_CACHE_DIR=$work/cache

cat >"$work/answers.yaml" <<EOT
version: 1
packages:
  install: ["@minimal"]
EOT
# The transaction, once, to give rpm exactly the same files.
"$bin" install --root "$work/solve" --repo "$repo" --answers "$work/answers.yaml" \
	--stop-after depsolve --progress=json | grep -v '^{' >"$work/nevras"
files=()
while read -r nevra; do files+=("$repo/Packages/$nevra.rpm"); done <"$work/nevras"
for f in "${files[@]}"; do [ -f "$f" ] || { echo "no $f" >&2; exit 1; }; done
echo "${#files[@]} packages, $(du -cb "${files[@]}" | tail -1 | cut -f1) bytes"

# Debian's rpm refuses to install without --force-debian (it wants dpkg to
# own the host); the target here is a directory, so that is moot.
force=""
rpm --help 2>&1 | grep -q -- --force-debian && force=--force-debian
db=/usr/lib/sysimage/rpm
key=$repo/RPM-GPG-KEY-azl-demo
rpmcmd="rpm --root $work/r-rpm --dbpath $db --import $key && rpm -i $force --root $work/r-rpm --dbpath $db ${files[*]}"
azlcmd="$bin install --root $work/r-azl --repo $repo --answers $work/answers.yaml --stop-after packages --progress=json"

# Metadata cache of the installer warm for every run (rpm has none).
"$bin" install --root "$work/solve" --repo "$repo" --answers "$work/answers.yaml" \
	--stop-after depsolve >/dev/null
python3 "$src/bench/alternate.py" --runs "$runs" \
	--name-a azl-installer --prep-a "rm -rf $work/r-azl; sync" --a "$azlcmd" \
	--name-b "rpm -i" --prep-b "rm -rf $work/r-rpm; mkdir -p $work/r-rpm; sync" --b "$rpmcmd" \
	--json "$work/result.json"
# Both roots hold the same packages.
diff <(rpm --root "$work/r-azl" --dbpath $db -qa | sort) \
	<(rpm --root "$work/r-rpm" --dbpath $db -qa | sort) && echo "same packages installed by both"
echo "rpm -i command: $rpmcmd" | cut -c1-200
echo "azl command: $azlcmd"
