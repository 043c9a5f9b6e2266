#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libparted is dlopen()ed on first use (installer/storage/parted-table.c), not
# linked: the binary does not need it, a start of the installer that
# touches no partition table runs no other program (libparted's
# constructor forks `sh -c dmidecode`), `--version` still names its
# version, a table is still written through it, and without the library
# the install stops in storage with a message naming the package, the
# image untouched.
. "$(dirname "$0")/storage-lib.sh"

for tool in strace unshare readelf; do
	command -v "$tool" >/dev/null || { echo "$tool missing: skipped"; exit 77; }
done
lib=$(ldconfig -p | awk '/libparted\.so\.2 .*x86-64/ {print $NF; exit}')
[ -n "$lib" ] || { echo "libparted.so.2 is not installed: skipped"; exit 77; }
lib=$(realpath "$lib")

# --- not linked -----------------------------------------------------------
if readelf -d "$AZL_BIN" | grep -q 'NEEDED.*libparted'; then
	fail "azl-installer is linked with libparted"
fi
"$AZL_BIN" --version >"$tmp/version"
grep -Eq '^ *libparted +libparted [0-9]+\.[0-9]+' "$tmp/version" ||
	fail "--version does not name libparted's version: $(cat "$tmp/version")"
echo "ok: not linked, --version loads it: $(grep libparted "$tmp/version" | tr -s ' ')"

# --- nothing forked at start-up -------------------------------------------
# A depsolve-only run reads a repository and solves: no partition table, so
# no libparted and no other process (the cache of a small repository is
# written in-process).
src=${AZL_SOURCE_DIR:-$(dirname "$0")/../..}
python3 "$src/bench/make-synthetic-repo.py" --packages 300 "$tmp/syn" >/dev/null
cat >"$tmp/solve.yaml" <<EOT
version: 1
packages:
  repos: [{name: syn, baseurl: "file://$tmp/syn", gpgcheck: false}]
  install: ["@core"]
EOT
mkdir -p "$tmp/root"
for args in "validate $tmp/solve.yaml" \
	"install --root $tmp/root --answers $tmp/solve.yaml --stop-after depsolve"; do
	# LeakSanitizer cannot run under ptrace (and would start a thread of
	# its own at exit): off for these runs of a sanitizer build.
	# shellcheck disable=SC2086
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		AZL_CACHE_DIR=$tmp/cache strace -f -qq -e trace=execve,fork,vfork,clone,clone3 \
		-o "$tmp/strace" "$AZL_BIN" $args >"$tmp/out" 2>&1 ||
		fail "$args: exit $?: $(cat "$tmp/out")"
	n=$(grep -cE 'execve\(|fork\(|clone3?\(' "$tmp/strace" || true)
	[ "$n" = 1 ] || fail "$args: processes started: $(cat "$tmp/strace")"
done
echo "ok: validate and a depsolve-only install start no process"

# --- a table written through the loaded library --------------------------
cat >"$tmp/plain.yaml" <<'YAML'
version: 1
storage: {table: msdos, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios}
YAML
d=$(img plain.img 4G)
install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 0 ] || fail "install: exit $rc: $(cat "$tmp/out")"
[ "$(table "$d")" = dos ] || fail "no msdos table written: $(sfdisk -d "$d")"
n=$(sfdisk -d "$d" | grep -c '^/')
[ "$n" -ge 1 ] || fail "no partitions: $(sfdisk -d "$d")"
[ "$(fs "$d" "$n")" = ext4 ] || fail "partition $n is not ext4: $(sfdisk -d "$d")"
assert_clean
echo "ok: the partition table is written through the dlopen()ed libparted"

# --- without libparted ----------------------------------------------------
# A private mount namespace where the library is an empty file.
masked() {
	unshare -m bash -c 'mount --bind /dev/null "$0" && exec "$@"' "$lib" "$@"
}
masked "$AZL_BIN" --version >"$tmp/version" || fail "--version without libparted: exit $?"
grep -q 'libparted not available' "$tmp/version" ||
	fail "--version without libparted: $(cat "$tmp/version")"
d=$(img nolib.img 4G)
rm -f "$tmp/log"
set +e
masked "$AZL_BIN" install --answers "$tmp/plain.yaml" --disk "$d" --yes \
	--stop-after storage --log "$tmp/log" >"$tmp/out" 2>&1
rc=$?
set -e
[ "$rc" = 3 ] || [ "$rc" = 2 ] || fail "without libparted: exit $rc: $(cat "$tmp/out")"
grep -q "cannot load libparted.so.2.*install the package libparted2" "$tmp/log" ||
	fail "without libparted: the log does not name the package: $(grep -i parted "$tmp/log")"
untouched=$(sfdisk -d "$d" 2>/dev/null | grep -c '^/' || true)
[ "$untouched" = 0 ] || fail "without libparted: partitions were written"
assert_clean
echo "ok: without libparted the install stops (exit $rc), naming the package"
