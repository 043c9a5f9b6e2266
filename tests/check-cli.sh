#!/bin/bash
# The command line's contract: exit codes and messages of DESIGN.md.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# check() runs inside pipelines (subshells): failures go to a file.
failed="$tmp/failed"
: >"$failed"
flunk() { echo "FAIL: $*"; echo x >>"$failed"; }
check() { # check EXPECTED_CODE DESCRIPTION -- CMD...
	local want=$1 what=$2
	shift 3
	local out code
	out=$("$@" 2>&1)
	code=$?
	if [ "$code" -ne "$want" ]; then
		flunk "$what: exit $code, wanted $want" >&2
		echo "$out" | sed 's/^/    /' >&2
	fi
	printf '%s' "$out"
}

v=$(check 0 "--version" -- "$AZL_BIN" --version)
for lib in libblkid libparted libcryptsetup libnm libyaml librpm libsolv libcurl libxcrypt libcrypto ncursesw; do
	echo "$v" | grep -q "^  $lib " || flunk "--version does not name $lib"
done
check 0 "--help" -- "$AZL_BIN" --help | grep -q "azl-installer validate" ||
	flunk "--help has no usage"
check 1 "unknown command" -- "$AZL_BIN" frobnicate | grep -q "unknown command 'frobnicate'" ||
	flunk "unknown command not named"
check 1 "unknown option" -- "$AZL_BIN" plan --frob >/dev/null
check 1 "bad --firmware" -- "$AZL_BIN" plan --firmware efi --answers x >/dev/null
check 1 "missing answer file" -- "$AZL_BIN" validate /nonexistent/answers.yaml |
	grep -q "/nonexistent/answers.yaml" || flunk "missing file not named"
check 1 "validate without a file" -- "$AZL_BIN" validate >/dev/null
check 1 "plan without answers" -- "$AZL_BIN" plan >/dev/null

printf 'version: 1\nhostname: node01\n' >"$tmp/ok.yaml"
out=$(check 0 "validate a good file" -- "$AZL_BIN" validate "$tmp/ok.yaml")
[ -z "$out" ] || flunk "validate printed something for a good file: $out"
printf 'version: 1\nhostnme: node01\n' >"$tmp/bad.yaml"
check 1 "validate a bad file" -- "$AZL_BIN" validate "$tmp/bad.yaml" |
	grep -q "^$tmp/bad.yaml:2:1: " || flunk "no FILE:LINE:COL"
# --machine: a disk the machine does not have is the machine's refusal (2).
check 2 "plan for a disk that is not there" -- "$AZL_BIN" plan --answers "$tmp/ok.yaml" \
	--machine "$AZL_FIXTURES/machines/uefi-one-disk.json" --disk /dev/nope >/dev/null
check 2 "a tiny disk" -- "$AZL_BIN" plan --answers "$tmp/ok.yaml" \
	--machine "$AZL_FIXTURES/machines/tiny.json" >/dev/null
check 0 "plan --json" -- "$AZL_BIN" plan --answers "$tmp/ok.yaml" \
	--machine "$AZL_FIXTURES/machines/uefi-one-disk.json" --json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert set(d)=={"disks","volume_groups","actions"}, d.keys()' ||
	flunk "plan --json is not the DESIGN.md object"

# --disk replaces storage.disks before the answer file is validated: a
# partition and the boot drive on disk 2 of an answer file with no disks.
cat >"$tmp/disk2.yaml" <<'EOF'
version: 1
storage:
  partitions:
    - {mount: /, size: 4G, fs: ext4}
    - {disk: 2, mount: /srv, size: 1G, fs: xfs}
bootloader:
  boot_drive: 2
EOF
check 1 "disk 2 without --disk" -- "$AZL_BIN" validate "$tmp/disk2.yaml" |
	grep -q "lists 0" || flunk "disk 2 of no disks not refused"
check 0 "validate disk 2 with two --disk" -- "$AZL_BIN" validate "$tmp/disk2.yaml" \
	--disk /dev/vda --disk /dev/vdb >/dev/null
check 0 "plan disk 2 with two --disk" -- "$AZL_BIN" plan --answers "$tmp/disk2.yaml" \
	--machine "$AZL_FIXTURES/machines/two-disks.json" --firmware bios \
	--disk /dev/vda --disk /dev/vdb --json |
	python3 -c '
import json, sys
d = json.load(sys.stdin)
disks = {x["path"]: x for x in d["disks"]}
assert [p["mount"] for p in disks["/dev/vdb"]["partitions"] if p["role"] == "data"] == ["/srv"], d
assert any(p["role"] == "biosboot" for p in disks["/dev/vdb"]["partitions"]), d
assert [a["object"] for a in d["actions"] if a["op"] == "install-bootloader"] == ["/dev/vdb"], d
' || flunk "plan with --disk: /srv and the boot loader not on /dev/vdb"

# Outputs the user names (-o, --log) are written where they are when they
# are devices or FIFOs: a rename over /dev/null put a 0600 file in its place.
ks=$AZL_FIXTURES/kickstart/azurelinux-iso.ks
check 0 "convert -o /dev/null" -- "$AZL_BIN" convert "$ks" -o /dev/null >/dev/null
[ -c /dev/null ] || flunk "convert -o /dev/null replaced /dev/null: $(ls -l /dev/null)"
mknod "$tmp/null" c 1 3 && chmod 666 "$tmp/null" || flunk "mknod (needs root)"
check 0 "convert -o a character device" -- "$AZL_BIN" convert "$ks" -o "$tmp/null" >/dev/null
[ -c "$tmp/null" ] && [ "$(stat -c %a "$tmp/null")" = 666 ] ||
	flunk "-o to a character device: $(ls -l "$tmp/null")"
mkfifo "$tmp/fifo"
timeout 20 cat "$tmp/fifo" >"$tmp/fifo.out" &
check 0 "convert -o a FIFO" -- "$AZL_BIN" convert "$ks" -o "$tmp/fifo" >/dev/null
wait $!
[ -p "$tmp/fifo" ] || flunk "-o to a FIFO replaced it: $(ls -l "$tmp/fifo")"
grep -q '^version: 1' "$tmp/fifo.out" || flunk "-o to a FIFO: the reader got no answer file"
echo old >"$tmp/file"
ln -s file "$tmp/link"
check 0 "convert -o a symlink" -- "$AZL_BIN" convert "$ks" -o "$tmp/link" >/dev/null
[ -L "$tmp/link" ] || flunk "-o replaced the symlink itself"
grep -q '^version: 1' "$tmp/file" && [ "$(stat -c %a "$tmp/file")" = 600 ] ||
	flunk "-o through a symlink: the file it names was not written 0600"
mknod "$tmp/blk" b 7 250 || flunk "mknod (needs root)"
check 2 "convert -o a block device" -- "$AZL_BIN" convert "$ks" -o "$tmp/blk" |
	grep -q "'$tmp/blk' is neither a file" || flunk "-o to a block device not refused"
[ -b "$tmp/blk" ] || flunk "-o replaced a block device node"
# --log: never through a symlink; 0600 even for a file that was there.
echo keep >"$tmp/victim"
ln -s victim "$tmp/loglink"
check 2 "--log a symlink" -- "$AZL_BIN" install --root "$tmp/r" --dry-run \
	--log "$tmp/loglink" | grep -q "is a symlink" || flunk "--log symlink not named"
[ "$(cat "$tmp/victim")" = keep ] || flunk "--log wrote through a symlink"
echo old >"$tmp/log"
chmod 644 "$tmp/log"
check 0 "--log an existing file" -- "$AZL_BIN" install --root "$tmp/r" --dry-run \
	--log "$tmp/log" >/dev/null
[ "$(stat -c %a "$tmp/log")" = 600 ] || flunk "--log kept mode $(stat -c %a "$tmp/log")"
grep -q old "$tmp/log" && flunk "--log did not start the file anew"
grep -q 'info    azl-installer' "$tmp/log" || flunk "--log file has no log"
check 0 "--log a character device" -- "$AZL_BIN" install --root "$tmp/r" --dry-run \
	--log "$tmp/null" >/dev/null
[ -c "$tmp/null" ] && [ "$(stat -c %a "$tmp/null")" = 666 ] ||
	flunk "--log to a character device: $(ls -l "$tmp/null")"
timeout 20 cat "$tmp/fifo" >"$tmp/fifo.log" &
check 0 "--log a FIFO" -- "$AZL_BIN" install --root "$tmp/r" --dry-run \
	--log "$tmp/fifo" >/dev/null
wait $!
grep -q 'info    azl-installer' "$tmp/fifo.log" || flunk "--log to a FIFO: nothing read"
check 2 "--log a block device" -- "$AZL_BIN" install --root "$tmp/r" --dry-run \
	--log "$tmp/blk" | grep -q "is neither a file" || flunk "--log block device not refused"

# Secrets in memory never reach a core dump: a running install (as an
# ordinary user, blocked reading its answer file from a FIFO) has no core
# limit left and is not dumpable (its /proc files then belong to root).
chmod 755 "$tmp" # the test's own files: nothing secret
mkdir -m 755 "$tmp/core"
mkfifo -m 666 "$tmp/core/answers"
(ulimit -c unlimited && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$AZL_BIN" install --root "$tmp/core/r" --dry-run --answers "$tmp/core/answers") \
	>"$tmp/core/out" 2>&1 &
pid=$!
# Until it waits in open() of the FIFO, past main()'s start.
for i in $(seq 100); do
	[ "$(cat /proc/$pid/comm 2>/dev/null)" = azl-installer ] &&
		[ "$(cat /proc/$pid/wchan 2>/dev/null)" = wait_for_partner ] && break
	sleep 0.1
done
limits=$(grep '^Max core file size' /proc/$pid/limits)
owner=$(stat -c %U /proc/$pid/status)
timeout 10 sh -c 'printf "version: 1\n" >"$1"' sh "$tmp/core/answers" ||
	flunk "the install did not read its answers: $(cat "$tmp/core/out")"
wait $pid || flunk "the install reading a FIFO: exit $?: $(cat "$tmp/core/out")"
echo "$limits" | grep -Eq 'size +0 +0 ' || flunk "core dumps still allowed: $limits"
[ "$owner" = root ] || flunk "the install is dumpable (/proc/PID/status owned by $owner)"

if [ -s "$failed" ]; then
	echo "cli: $(wc -l <"$failed") checks failed"
	exit 1
fi
echo "cli: all checks passed"
