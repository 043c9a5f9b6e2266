# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the test-storage-*.sh tests: sparse disk images, reading them
# back without the installer, and the checks that nothing was left
# mounted or attached. Sourced, not run.
set -eu

if [ "$(id -u)" != 0 ]; then
	echo "not root: skipped"
	exit 77
fi
for tool in losetup sfdisk blkid partx mkfs.ext4 mkfs.xfs mkswap \
	mkfs.vfat python3 sha256sum cryptsetup; do
	if ! command -v "$tool" >/dev/null; then
		echo "$tool missing: skipped"
		exit 77
	fi
done
: "${AZL_BIN:?AZL_BIN is not set}"

# install mounts under /run/azl-installer/PID/target (a pattern here)
TARGET='/run/azl-installer/[0-9]*/target'
tmp=$(mktemp -d /tmp/test-storage.XXXXXX)
own_loops=""
# The installs this test started (install_storage): each mounts under
# /run/azl-installer/PID/target. Other installs run on the same machine
# at the same time (other tests, other people's runs): their directories
# are never touched.
own_runs=""

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Loop devices whose backing file lies in $tmp (the installer's too).
loops_of_tmp() {
	losetup -n -O NAME,BACK-FILE -l 2>/dev/null |
		awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'
}

# Mount points this test is answerable for: under $tmp, under the
# directory of an install it started, or of a device over one of its
# images (wherever mounted); deepest first.
own_mounts() {
	local src tgt p dirs=("$tmp/")
	for p in $own_runs; do dirs+=("/run/azl-installer/$p/"); done
	while read -r src tgt; do
		for p in "${dirs[@]}"; do
			case $tgt/ in "$p"*)
				echo "$tgt"
				continue 2
				;;
			esac
		done
		case $(backing_file "$src") in "$tmp"/*) echo "$tgt" ;; esac
	done < <(findmnt -rn -o SOURCE,TARGET) | sort -ru
}

cleanup() {
	set +e
	local m p
	for m in $(own_mounts); do umount "$m"; done
	for l in $own_loops $(loops_of_tmp); do losetup -d "$l" 2>/dev/null; done
	for p in $own_runs; do
		rmdir "/run/azl-installer/$p/target" "/run/azl-installer/$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# img NAME SIZE: a sparse image file; prints its path.
img() {
	truncate -s "$2" "$tmp/$1"
	echo "$tmp/$1"
}

# install ANSWERS DISK... : the real pipeline up to the end of storage.
# Output in $tmp/out, the log in $tmp/log; sets rc. INSTALL_PATH, when
# set, is the installer's PATH.
install_storage() {
	local answers=$1
	shift
	local args=() d
	for d in "$@"; do args+=(--disk "$d"); done
	rm -f "$tmp/log"
	set +e
	# (its PID, for cleanup: the shell writes its own, then execs it)
	PATH=${INSTALL_PATH:-$PATH} "$BASH" -c 'echo $$ >"$0"; exec "$@"' "$tmp/run.pid" \
		"$AZL_BIN" install --answers "$answers" "${args[@]}" --yes \
		--stop-after storage --log "$tmp/log" >"$tmp/out" 2>&1
	rc=$?
	own_runs="$own_runs $(cat "$tmp/run.pid" 2>/dev/null)"
	set -e
}

# The image file behind /dev/loopN or /dev/loopNpM; empty for others.
backing_file() {
	local n=${1#/dev/}
	n=${n%%p[0-9]*}
	cat "/sys/block/$n/loop/backing_file" 2>/dev/null || true
}

# Nothing of the install may be left behind: no mount of an image of this
# test (under the target or anywhere), no loop device over one. Mounts of
# other programs under the shared target directory are not this test's.
assert_clean() {
	local src tgt l
	while read -r src tgt; do
		case $(backing_file "$src") in
		"$tmp"/*) fail "still mounted: $src on $tgt" ;;
		esac
	done < <(findmnt -rn -o SOURCE,TARGET)
	l=$(loops_of_tmp)
	[ -z "$l" ] || fail "loop devices left attached: $l"
}

# part IMAGE N FIELD: a field of partition N from sfdisk --json
# (start, size in sectors; type; name).
part() {
	sfdisk --json "$1" | python3 -c '
import json, sys
img, n, f = sys.argv[1:4]
for p in json.load(sys.stdin)["partitiontable"]["partitions"]:
    if p["node"] == img + n:
        v = p.get(f, "")
        print(v.lower() if isinstance(v, str) else v)
' "$1" "$2" "$3"
}

# table IMAGE: gpt or dos
table() {
	sfdisk --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["label"])'
}

# fs IMAGE N [TAG]: blkid -p's TAG (default TYPE) of partition N, read
# from the image file at its offset.
fs() {
	local start size
	start=$(part "$1" "$2" start)
	size=$(part "$1" "$2" size)
	blkid -p -O $((start * 512)) -S $((size * 512)) -o value \
		-s "${3:-TYPE}" "$1" || true
}

# attach IMAGE: a loop device with partition nodes (partx where the
# kernel's scan made none); prints it.
attach() {
	local l
	l=$(losetup -f --show -P "$1")
	own_loops="$own_loops $l"
	[ -b "${l}p1" ] || partx -a "$l" 2>/dev/null || true
	echo "$l"
}

detach() {
	losetup -d "$1"
	own_loops=$(echo "$own_loops" | sed "s#$1##")
}
