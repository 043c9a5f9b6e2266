#!/bin/bash
# Benchmark (a): the same package set installed into an empty directory by
# `azl-installer install --root R --stop-after packages`, by `rpm -i --root`
# of exactly the RPM files the installer chose, and by `dnf --installroot`
# of the same NEVRAs from the same repository; all three import the
# repository's key into the target's rpmdb and require a valid signature on
# every package (rpm: %_pkgverify_level signature; dnf: gpgcheck=1,
# localpkg_gpgcheck=1); once, before the series, rpm and dnf must refuse
# the packages into a root without the key, else the benchmark fails (they
# would not be checking what the installer checks). Alternating runs
# (bench/alternate.py), median (min–max) of wall time and CPU time.
# After every run the target's rpmdb must list exactly the chosen packages:
# anything else fails the benchmark. Root only. Not a test: it asserts
# nothing about time.
#
#   [BENCH_PACKAGES='@minimal ...'] bench/bench-install.sh [BUILD_DIR] [RUNS] [REPO]
#       defaults: build, 5, real-repo (BUILD/real-repo, about 140 packages;
#       demo-repo: the 23-package demo repository); BENCH_PACKAGES: what
#       to install from REPO (groups and names), default @minimal;
#       BENCH_BEFORE=PATH: another azl-installer binary (an older commit's)
#       as a fourth contender, the same way as the first
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
runs=${2:-5}
which=${3:-real-repo}
bin=${AZL_BIN:-$build/azl-installer}
repo=$build/$which
[ -f "$repo/repodata/repomd.xml" ] || nice -n 10 cmake --build "$build" --target "$which" >/dev/null
key=$(ls "$repo"/RPM-GPG-KEY-* | head -1)
# The bench's own dependencies (also in scripts/deps.sh).
command -v dnf >/dev/null && [ -x /usr/bin/time ] || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnf time >/dev/null
}
work=${BENCH_DIR:-/var/tmp/azl-bench}/install-$which
rm -rf "$work"
mkdir -p "$work"
export AZL_CACHE_DIR=$work/cache
# Each contender installs into a file system made just before its run
# (bench/fresh-root.sh says why), unmounted at the end.
fresh=$src/bench/fresh-root.sh
trap 'for r in r-azl r-rpm r-dnf r-old; do "$fresh" -u "$work/$r" 2>/dev/null || :; done' EXIT

# The package set: BENCH_PACKAGES, space-separated, as the answer file's
# packages.install (default @minimal of that repository).
set -f
install=""
for p in ${BENCH_PACKAGES:-@minimal}; do install+="${install:+, }\"$p\""; done
set +f
cat >"$work/answers.yaml" <<EOT
version: 1
packages:
  install: [$install]
EOT
# The transaction, once, to give rpm and dnf exactly the same packages.
"$bin" install --root "$work/solve" --repo "$repo" --answers "$work/answers.yaml" \
	--stop-after depsolve --progress=json | grep -v '^{' | sort >"$work/nevras"
files=()
while read -r nevra; do files+=("$repo/Packages/$nevra.rpm"); done <"$work/nevras"
for f in "${files[@]}"; do [ -f "$f" ] || { echo "no $f" >&2; exit 1; }; done
bytes=$(du -cb "${files[@]}" | tail -1 | cut -f1)
[ "${#files[@]}" -gt 0 ] || { echo "FAIL: depsolving [$install] from $repo gave no packages" >&2; exit 1; }
echo "${#files[@]} packages ([$install]) from $repo, $bytes bytes ($(echo "scale=1; $bytes / 1048576" | bc) MiB) of RPMs"

db=/usr/lib/sysimage/rpm
# Debian's rpm defaults to %_pkgverify_level digest (a package signed by an
# unknown key installs with a warning); the installer requires signatures.
rpmi="rpm -i --define '_pkgverify_level signature'"
rpmcmd="rpm --root $work/r-rpm --dbpath $db --import $key && $rpmi --root $work/r-rpm --dbpath $db ${files[*]}"
azlcmd="$bin install --root $work/r-azl --repo $repo --answers $work/answers.yaml --stop-after packages --progress=json"
# dnf takes the rpmdb path from rpm's macros: Debian's default is
# ~/.rpmdb, so HOME points at a .rpmmacros that says what the others use.
mkdir -p "$work/dnf-home"
echo "%_dbpath $db" >"$work/dnf-home/.rpmmacros"
dnfbase="HOME=$work/dnf-home dnf --installroot $work/r-dnf --setopt=reposdir=/dev/null --setopt=cachedir=$work/dnf-cache --repofrompath=azl,file://$repo --setopt=azl.gpgcheck=1 --setopt=localpkg_gpgcheck=1 --setopt=install_weak_deps=False --releasever=4.0 --forcearch=x86_64 -q -y"
dnfcmd="rpm --root $work/r-dnf --dbpath $db --import $key && $dnfbase -C install $(tr '\n' ' ' <"$work/nevras")"

# Once: without the key in the root, rpm and dnf must refuse the packages.
mkdir -p "$work/nokey-rpm" "$work/nokey-dnf"
if sh -c "$rpmi --test --root $work/nokey-rpm --dbpath $db ${files[*]}" >"$work/nokey-rpm.log" 2>&1 ||
	! grep -q 'does not verify' "$work/nokey-rpm.log"; then
	echo "FAIL: rpm -i took the packages without their key: it does not check signatures ($work/nokey-rpm.log)" >&2
	exit 1
fi
if sh -c "${dnfbase/r-dnf/nokey-dnf} --setopt=tsflags=test install $(tr '\n' ' ' <"$work/nevras")" >"$work/nokey-dnf.log" 2>&1 ||
	! grep -q 'GPG public keys installed\|GPG check FAILED\|Public key for .* is not installed' "$work/nokey-dnf.log"; then
	echo "FAIL: dnf took the packages without their key: it does not check signatures ($work/nokey-dnf.log)" >&2
	exit 1
fi
rm -rf "$work/nokey-rpm" "$work/nokey-dnf"
echo "without the key, rpm and dnf refuse the packages: both check signatures"

# Each contender's root must list exactly the chosen packages after each
# run; anything else fails the benchmark.
cat >"$work/same.sh" <<EOT
#!/bin/bash
set -euo pipefail
rpm --root "\$1" --dbpath $db -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n' |
	grep -v '^gpg-pubkey-' | sort >"\$1.qa"
diff "\$1.qa" $work/nevras >"\$1.diff" || {
	echo "FAIL: \$1 does not hold the chosen packages (< only there, > missing):" >&2
	head -20 "\$1.diff" >&2
	exit 1
}
EOT
chmod +x "$work/same.sh"

# Metadata caches warm for every run: the installer's and dnf's (rpm has none).
"$bin" install --root "$work/solve" --repo "$repo" --answers "$work/answers.yaml" \
	--stop-after depsolve >/dev/null
mkdir -p "$work/r-dnf"
sh -c "$dnfbase makecache" >/dev/null
rm -rf "$work/r-dnf"
before=()
if [ -n "${BENCH_BEFORE:-}" ]; then
	before=(--name-d "azl-installer before" --prep-d "$fresh $work/r-old; sync"
		--d "${azlcmd/$bin/$BENCH_BEFORE}" --check-d "$work/same.sh $work/r-old")
	before[5]=${before[5]/r-azl/r-old}
fi
python3 "$src/bench/alternate.py" --runs "$runs" \
	--name-a azl-installer --prep-a "$fresh $work/r-azl; sync" --a "$azlcmd" \
	--check-a "$work/same.sh $work/r-azl" \
	--name-b "rpm -i" --prep-b "$fresh $work/r-rpm; sync" --b "$rpmcmd" \
	--check-b "$work/same.sh $work/r-rpm" \
	--name-c "dnf --installroot" --prep-c "$fresh $work/r-dnf; sync" --c "$dnfcmd" \
	--check-c "$work/same.sh $work/r-dnf" \
	"${before[@]}" --json "$work/result.json"
echo "same packages, every run, in all three roots: ${#files[@]}"
echo "azl command: $azlcmd"
echo "rpm -i command: $rpmcmd" | cut -c1-300
echo "dnf command: $dnfcmd" | cut -c1-500
