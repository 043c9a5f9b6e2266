#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `azl-installer probe` on a real GPT disk image, as a file and through a
# loop device: the table, the filesystem, a mount that makes it busy, and
# the promise that probing writes nothing.
set -eu

if [ "$(id -u)" != 0 ]; then
	echo "not root: skipped"
	exit 77
fi
for tool in losetup sfdisk mkfs.ext4 partx parted python3 sha256sum; do
	if ! command -v "$tool" >/dev/null; then
		echo "$tool missing: skipped"
		exit 77
	fi
done

: "${AZL_BIN:?AZL_BIN is not set}"
tmp=$(mktemp -d /tmp/test-probe.XXXXXX)
loop=""
cleanup() {
	if mountpoint -q "$tmp/mnt" 2>/dev/null; then umount "$tmp/mnt"; fi
	if [ -n "$loop" ]; then losetup -d "$loop" || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

img=$tmp/disk.img
truncate -s 64M "$img"
sfdisk -q "$img" <<'EOF'
label: gpt
start=2048, size=16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System"
start=18432, size=110592, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"
EOF

loop=$(losetup -f --show -P "$img")
# No udev: partition nodes come from partscan or, failing that, BLKPG.
[ -b "${loop}p2" ] || partx -a "$loop" 2>/dev/null || true
[ -b "${loop}p2" ] || fail "no partition node ${loop}p2"
mkfs.ext4 -q -L azlprobe "${loop}p2"
sync

# (a) the image as a regular file
"$AZL_BIN" probe --json "$img" >"$tmp/file.json"
python3 - "$tmp/file.json" "$img" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["firmware"] in ("uefi", "bios"), m["firmware"]
assert len(m["disks"]) == 1, m["disks"]
d = m["disks"][0]
assert d["path"] == sys.argv[2], d["path"]
assert d["transport"] == "file", d["transport"]
assert d["size"] == 64 << 20, d["size"]
assert d["logical_sector_size"] == 512
assert d["table"] == "gpt", d["table"]
p = d["partitions"]
assert [x["number"] for x in p] == [1, 2], p
assert p[0]["start"] == 2048 * 512 and p[0]["size"] == 16384 * 512, p[0]
assert p[0]["type"] == "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", p[0]["type"]
assert p[0]["partlabel"] == "EFI System", p[0]["partlabel"]
assert p[1]["start"] == 18432 * 512, p[1]
assert p[1]["size"] == 110592 * 512, p[1]["size"]
assert p[1]["type"] == "0fc63daf-8483-4772-8e79-3d69d8477de4", p[1]["type"]
assert p[1]["fs_type"] == "ext4" and p[1]["fs_label"] == "azlprobe", p[1]
assert d["in_use"] is False, d["in_use_reason"]
EOF

# (b) the same disk through its loop device
"$AZL_BIN" probe --json "$loop" >"$tmp/loop.json"
python3 - "$tmp/loop.json" "$loop" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["disks"][0]
loop = sys.argv[2]
assert d["path"] == loop and d["transport"] == "loop", d
assert d["table"] == "gpt", d["table"]
p = {x["number"]: x for x in d["partitions"]}
assert p[2]["path"] == loop + "p2", p[2]["path"]
assert p[2]["fs_type"] == "ext4", p[2]["fs_type"]
assert p[2]["fs_label"] == "azlprobe", p[2]["fs_label"]
assert p[2]["fs_uuid"], p[2]
assert p[2]["in_use"] is False and p[2]["mountpoint"] is None, p[2]
assert d["in_use"] is False, d["in_use_reason"]
EOF

# (d) probing writes nothing: neither through the file nor the device.
sync
before=$(sha256sum <"$img")
"$AZL_BIN" probe --json "$img" >/dev/null
"$AZL_BIN" probe --json "$loop" >/dev/null
"$AZL_BIN" probe >/dev/null
sync
after=$(sha256sum <"$img")
[ "$before" = "$after" ] || fail "probing changed the image"

# (e) the text table lists the loop device and its partitions
"$AZL_BIN" probe >"$tmp/probe.txt"
name=${loop#/dev/}
grep -q "^$name .*gpt" "$tmp/probe.txt" || {
	cat "$tmp/probe.txt"
	fail "probe does not list $name"
}
grep -q "${name}p2 .*ext4 *azlprobe" "$tmp/probe.txt" || {
	cat "$tmp/probe.txt"
	fail "probe does not show ${name}p2"
}

# (c) a mounted partition makes the partition and the disk busy
mkdir "$tmp/mnt"
mount "${loop}p2" "$tmp/mnt"
"$AZL_BIN" probe --json "$loop" >"$tmp/busy.json"
"$AZL_BIN" probe --json "$img" >"$tmp/busy-file.json"
python3 - "$tmp/busy.json" "$tmp/busy-file.json" "$loop" "$tmp/mnt" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["disks"][0]
loop, mnt = sys.argv[3], sys.argv[4]
p = {x["number"]: x for x in d["partitions"]}
assert p[2]["in_use"] is True and p[2]["mountpoint"] == mnt, p[2]
assert p[2]["in_use_reason"] == "mounted on " + mnt, p[2]["in_use_reason"]
assert p[1]["in_use"] is False, p[1]
assert d["in_use"] is True, d
want = "partition %sp2 is mounted on %s" % (loop, mnt)
assert d["in_use_reason"] == want, d["in_use_reason"]
f = json.load(open(sys.argv[2]))["disks"][0]
assert f["in_use"] is True and want in f["in_use_reason"], f["in_use_reason"]
EOF
"$AZL_BIN" probe "$loop" | grep -q "$tmp/mnt" || fail "text probe hides the mount"
umount "$tmp/mnt"

"$AZL_BIN" probe --json "$loop" | python3 -c '
import json, sys
d = json.load(sys.stdin)["disks"][0]
assert d["in_use"] is False, d["in_use_reason"]'

# (f) labels and partition names come from the disk: escape sequences, a
# newline, a C1 control (U+009B, 8-bit CSI) and a byte that is no UTF-8
# never reach the terminal raw; JSON stays valid and says what is there.
esc=$tmp/esc.img
truncate -s 64M "$esc"
sfdisk -q "$esc" <<'EOF'
label: gpt
start=2048, size=110592, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="x"
EOF
parted -s "$esc" name 1 "$(printf 'p\033]0;pwn\007\nZ')"
eloop=$(losetup -f --show -P "$esc")
[ -b "${eloop}p1" ] || partx -a "$eloop" 2>/dev/null || true
mkfs.ext4 -q -L "$(printf '\033[31mX\nY\302\233\377')" "${eloop}p1"
losetup -d "$eloop"
"$AZL_BIN" probe "$esc" >"$tmp/esc.txt"
if grep -q "$(printf '[\033\007\302\377]')" "$tmp/esc.txt"; then
	od -c "$tmp/esc.txt" | head -30
	fail "probe printed a control character or a stray byte raw"
fi
[ "$(wc -l <"$tmp/esc.txt")" = 4 ] || { cat -v "$tmp/esc.txt"; fail "a label's newline broke the table"; }
grep -qF 'ext4    \x1b[31mX\x0aY\xc2\x9b\xff' "$tmp/esc.txt" || {
	cat -v "$tmp/esc.txt"
	fail "the label is not shown escaped"
}
"$AZL_BIN" probe --json "$esc" >"$tmp/esc.json"
python3 - "$tmp/esc.json" <<'EOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
assert not any(b < 0x20 and b != 0x0a for b in raw), "raw control byte in JSON"
assert b"\xc2\x9b" not in raw and b"\x1b" not in raw, raw
text = raw.decode("utf-8")  # strict: the document is UTF-8
p = json.loads(text)["disks"][0]["partitions"][0]
assert p["partlabel"] == "p\x1b]0;pwn\x07\nZ", repr(p["partlabel"])
assert p["fs_label"] == "\x1b[31mX\nY\x9b\ufffd", repr(p["fs_label"])
EOF
echo "ok: labels and partition names are escaped in text and JSON"

# A path that is neither a block device nor a file is an error.
if "$AZL_BIN" probe --json "$tmp" >/dev/null 2>&1; then
	fail "probing a directory succeeded"
fi
echo "ok"
