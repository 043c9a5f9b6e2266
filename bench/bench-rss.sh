#!/bin/bash
# Benchmark (c): peak resident memory (GNU time's "Maximum resident set
# size", which covers the process and the children it waited for, i.e.
# scriptlets) of: the @minimal install into a --root directory, the same
# packages through rpm -i, and depsolving @core against the synthetic
# 60,000-package repository, cold and warm, by the installer and by dnf.
# A run that fails fails the benchmark; each measurement waits until every
# process the run started has exited (the installer's detached cache
# writer, whose own memory GNU time does not see) before the next starts.
# Not a test.
#
#   bench/bench-rss.sh [BUILD_DIR] [REPO]     (build, real-repo)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
which=${2:-real-repo}
bin=${AZL_BIN:-$build/azl-installer}
repo=$build/$which
work=${BENCH_DIR:-/var/tmp/azl-bench}/rss
rm -rf "$work"
mkdir -p "$work"
export AZL_CACHE_DIR=$work/cache
[ -f "$repo/repodata/repomd.xml" ] || nice -n 10 cmake --build "$build" --target "$which" >/dev/null
key=$(ls "$repo"/RPM-GPG-KEY-* | head -1)
[ -x /usr/bin/time ] && command -v dnf >/dev/null || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnf time >/dev/null
}
gen=$(sha256sum "$src/bench/make-synthetic-repo.py" | cut -c1-12)
syn=${BENCH_DIR:-/var/tmp/azl-bench}/depsolve/synthetic-60000-$gen
[ -f "$syn/repodata/repomd.xml" ] || nice -n 10 python3 "$src/bench/make-synthetic-repo.py" "$syn"

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cgbase=/sys/fs/cgroup; else cgbase=/sys/fs/cgroup/cpuacct; fi
rss() { # rss LABEL EXPECTED-EXIT CMD... -> prints the peak RSS in MiB
	local label=$1 ok=$2 cg=$cgbase/azl-bench-rss-$$ rc=0
	shift 2
	mkdir "$cg"
	sh -c 'out=$1; shift; echo $$ >"$0/cgroup.procs" && exec /usr/bin/time -f %M -o "$out" "$@"' \
		"$cg" "$work/time.out" "$@" >"$work/run.log" 2>&1 || rc=$?
	while [ -n "$(cat "$cg/cgroup.procs")" ]; do sleep 0.05; done
	rmdir "$cg"
	if [ "$rc" -ne "$ok" ]; then
		echo "FAIL: $label: exit $rc, expected $ok: $*" >&2
		tail -20 "$work/run.log" >&2
		exit 1
	fi
	printf '%-48s %6.1f MiB\n' "$label" "$(echo "$(tail -1 "$work/time.out") / 1024" | bc -l)"
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
mapfile -t nevras < <("$bin" install --root "$work/s" --repo "$repo" --answers "$work/min.yaml" \
	--stop-after depsolve --progress=json | grep -v '^{')
[ "${#nevras[@]}" -gt 0 ] || { echo "FAIL: depsolving @minimal from $repo gave no packages" >&2; exit 1; }
echo "${#nevras[@]} packages of @minimal from $repo"
rss "install @minimal --root ($which)" 0 \
	"$bin" install --root "$work/r1" --repo "$repo" --answers "$work/min.yaml" --stop-after packages
files=("${nevras[@]/#/$repo/Packages/}")
files=("${files[@]/%/.rpm}")
mkdir -p "$work/r2"
rpm --root "$work/r2" --dbpath /usr/lib/sysimage/rpm --import "$key"
rss "rpm -i --root, the same packages" 0 \
	rpm -i --define "_pkgverify_level signature" --root "$work/r2" --dbpath /usr/lib/sysimage/rpm "${files[@]}"
rm -rf "$AZL_CACHE_DIR"
rss "depsolve @core, 60,000 packages, cold" 0 \
	"$bin" install --root "$work/s" --answers "$work/core.yaml" --stop-after depsolve
rss "depsolve @core, 60,000 packages, warm" 0 \
	"$bin" install --root "$work/s" --answers "$work/core.yaml" --stop-after depsolve
mkdir -p "$work/dnf-root"
d=(dnf --installroot "$work/dnf-root" --setopt=reposdir=/dev/null --setopt=cachedir="$work/dnf-cache"
	--repofrompath=syn,"file://$syn" --setopt=syn.gpgcheck=0 --releasever=43 --forcearch=x86_64
	--assumeno install @core)
rss "dnf --assumeno install @core, cold" 1 "${d[@]}"
rss "dnf -C --assumeno install @core, warm" 1 "${d[0]}" -C "${d[@]:1}"
