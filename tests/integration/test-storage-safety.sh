#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What storage apply must refuse or survive, on sparse image files: a disk
# too small, a mounted disk, LVM without device-mapper (all exit 2 with
# nothing written), wipe: none keeping a partition bit for bit, a loop
# device that was not named and is never written, a tool missing part-way
# (exit 3) and SIGINT part-way (exit 130), each leaving nothing mounted or
# attached, and a rerun that then succeeds.
. "$(dirname "$0")/storage-lib.sh"

sum() { sha256sum "$1" | cut -d' ' -f1; }
# A sparse image nothing wrote to has no block allocated.
untouched() { [ "$(stat -c %b "$1")" = 0 ]; }
head_sum() { head -c $((1 << 20)) "$1" | sha256sum | cut -d' ' -f1; }

cat >"$tmp/plain.yaml" <<'YAML'
version: 1
storage: {layout: plain, filesystem: xfs, swap: 128M}
bootloader: {firmware: bios}
YAML

# --- a disk too small ---------------------------------------------------
d=$(img small.img 1G)
install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 2 ] || fail "small: exit $rc: $(cat "$tmp/out")"
grep -qi "too small" "$tmp/out" || fail "small: no reason: $(cat "$tmp/out")"
untouched "$d" || fail "small: the image was written"
assert_clean
echo "ok: a disk too small is refused, nothing written"

# --- a mounted disk -------------------------------------------------------
d=$(img mounted.img 4G)
printf 'label: gpt\nstart=2048, size=204800, type=linux\n' | sfdisk -q "$d"
l=$(attach "$d")
mkfs.ext4 -q "${l}p1"
mkdir -p "$tmp/busy"
mount "${l}p1" "$tmp/busy"
before=$(head_sum "$d"); head -c 1048576 "$d" >"$tmp/h0"
install_storage "$tmp/plain.yaml" "$l"
[ "$rc" = 2 ] || fail "mounted: exit $rc: $(cat "$tmp/out")"
grep -q "mounted on $tmp/busy" "$tmp/out" || fail "mounted: no reason: $(cat "$tmp/out")"
install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 2 ] || fail "mounted image: exit $rc: $(cat "$tmp/out")"
umount "$tmp/busy"
after=$(head_sum "$d")
[ "$after" = "$before" ] || { cmp <(head -c 1048576 "$d") "$tmp/h0" | head; fail "mounted: the table was written"; }
echo "ok: a mounted disk is refused, nothing written"
# Free now, the same block device installs; a loop device the installer did
# not attach stays attached.
install_storage "$tmp/plain.yaml" "$l"
[ "$rc" = 0 ] || fail "block device: exit $rc: $(cat "$tmp/out")"
losetup "$l" >/dev/null 2>&1 || fail "block device: the installer detached '$l'"
detach "$l"
[ "$(fs "$d" 4)" = xfs ] || fail "block device: no xfs root ($(sfdisk -d "$d"))"
echo "ok: an install onto a block device"
assert_clean

# --- LVM without device-mapper ----------------------------------------------
if ! grep -qw device-mapper /proc/misc; then
	d=$(img lvm.img 4G)
	cat >"$tmp/lvm.yaml" <<'YAML'
version: 1
storage: {layout: lvm}
bootloader: {firmware: bios}
YAML
	install_storage "$tmp/lvm.yaml" "$d"
	[ "$rc" = 2 ] || fail "lvm: exit $rc: $(cat "$tmp/out")"
	grep -q "device-mapper" "$tmp/out" || fail "lvm: the refusal does not name device-mapper"
	untouched "$d" || fail "lvm: the image was written"
	assert_clean
	echo "ok: LVM without device-mapper is refused"
fi

# --- wipe: none keeps a partition bit for bit; a sentinel is never written --
d=$(img keep.img 4G)
printf 'label: gpt\nstart=2048, size=131072, type=linux, name=keepme\n' | sfdisk -q "$d"
head -c $((8 << 20)) /dev/urandom | dd of="$d" bs=1M seek=1 conv=notrunc status=none
region() { dd if="$d" bs=1M skip=1 count=64 status=none | sha256sum | cut -d' ' -f1; }
kept=$(region)
s=$(img sentinel.img 16M)
head -c $((16 << 20)) /dev/urandom >"$s"
sentinel=$(losetup -f --show "$s")
own_loops="$own_loops $sentinel"
sentinel_sum=$(sum "$s")
cat >"$tmp/keep.yaml" <<'YAML'
version: 1
storage:
  wipe: none
  partitions:
    - {mount: /, size: 2G, grow: true, fs: ext4}
bootloader: {firmware: bios}
YAML
install_storage "$tmp/keep.yaml" "$d"
losetup -d "$sentinel"
own_loops=$(echo "$own_loops" | sed "s#$sentinel##")
[ "$rc" = 0 ] || fail "keep: exit $rc: $(cat "$tmp/out")"
assert_clean
[ "$(region)" = "$kept" ] || fail "keep: the kept partition changed"
[ "$(part "$d" 1 start)" = 2048 ] && [ "$(part "$d" 1 size)" = 131072 ] &&
	[ "$(part "$d" 1 name)" = keepme ] || fail "keep: partition 1 moved or renamed"
[ "$(fs "$d" 3)" = ext4 ] || fail "keep: no new root ($(sfdisk -d "$d"))"
[ "$(sum "$s")" = "$sentinel_sum" ] || fail "the sentinel was written"
echo "ok: wipe: none keeps a partition bit for bit; the sentinel is untouched"

# --- a missing tool: exit 2 before anything is written ---------------------
d=$(img fail.img 4G)
mkdir -p "$tmp/bin"
for t in mkfs.ext4 mke2fs mkswap mkfs.vfat sfdisk; do
	ln -sf "$(command -v $t)" "$tmp/bin/$t"
done
INSTALL_PATH=$tmp/bin install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 2 ] || fail "missing tool: exit $rc, wanted 2: $(cat "$tmp/out")"
grep -q "needs 'mkfs.xfs', which is not in PATH (package xfsprogs); nothing was written" "$tmp/out" ||
	fail "missing tool: not named: $(cat "$tmp/out")"
untouched "$d" || fail "missing tool: the disk was written"
assert_clean
echo "ok: a missing tool is refused with exit 2 and nothing written"

# --- a recovery key file that cannot be written: exit 2 before anything --
# (it is written late, after the keys are enrolled; a path that exists or
# whose folder does not is refused before the disks are touched)
printf 'version: 1\nstorage:\n  wipe: all\n  layout: plain\n  encryption:\n    passphrase: not-used-here\n    tpm2: {pcrs: [7], recovery_key_file: %s}\nbootloader: {firmware: bios}\n' \
	"$tmp/recovery-key" >"$tmp/tpm2.yaml"
touch "$tmp/recovery-key"
install_storage "$tmp/tpm2.yaml" "$d"
[ "$rc" = 2 ] || fail "existing recovery key file: exit $rc, wanted 2: $(cat "$tmp/out")"
grep -q "exists already, and a recovery key never replaces a file" "$tmp/out" ||
	fail "existing recovery key file: not named: $(cat "$tmp/out")"
sed -i "s#$tmp/recovery-key#$tmp/no-such-dir/recovery-key#" "$tmp/tpm2.yaml"
install_storage "$tmp/tpm2.yaml" "$d"
[ "$rc" = 2 ] || fail "recovery key folder missing: exit $rc, wanted 2: $(cat "$tmp/out")"
grep -q "the folder '$tmp/no-such-dir' does not exist" "$tmp/out" ||
	fail "recovery key folder missing: not named: $(cat "$tmp/out")"
grep -q "not-used-here" "$tmp/out" "$tmp/log" && fail "the passphrase reached the output or log"
# With a %pre script the folder may come later (a %pre mounts the stick):
# not refused for it before the plan (here device-mapper refuses next).
printf 'scripts:\n  pre: [{run: "mkdir -p %s"}]\n' "$tmp/no-such-dir" >>"$tmp/tpm2.yaml"
install_storage "$tmp/tpm2.yaml" "$d"
grep -q "recovery_key_file" "$tmp/out" && fail "recovery key folder refused before %pre ran: $(cat "$tmp/out")"
[ "$rc" = 2 ] || fail "recovery key folder after %pre: exit $rc: $(cat "$tmp/out")"
untouched "$d" || fail "recovery key file refused: the disk was written"
assert_clean
echo "ok: a recovery key file that exists or has no folder is refused with exit 2 and nothing written"

# --- a tool failing part-way: exit 3, all taken down, then a rerun works --
mkdir -p "$tmp/failbin"
printf '#!/bin/sh\necho "mkfs.xfs: injected failure" >&2\nexit 1\n' >"$tmp/failbin/mkfs.xfs"
chmod +x "$tmp/failbin/mkfs.xfs"
INSTALL_PATH=$tmp/failbin:$PATH install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 3 ] || fail "failing tool: exit $rc: $(cat "$tmp/out")"
grep -q "xfs on '/dev/loop[0-9]*p4' failed" "$tmp/out" ||
	fail "failing tool: the step is not named: $(cat "$tmp/out")"
assert_clean
[ "$(fs "$d" 2)" = ext4 ] || fail "failing tool: the failure was not part-way"
install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 0 ] || fail "rerun after failure: exit $rc: $(cat "$tmp/out")"
assert_clean
[ "$(fs "$d" 4)" = xfs ] || fail "rerun: no xfs root"
echo "ok: a failure part-way exits 3 and leaves nothing; a rerun succeeds"

# --- SIGINT part-way: exit 130, all taken down -------------------------------
mkdir -p "$tmp/intr"
cat >"$tmp/intr/mkswap" <<EOF2
#!/bin/sh
kill -INT \$PPID
exec $(command -v mkswap) "\$@"
EOF2
chmod +x "$tmp/intr/mkswap"
INSTALL_PATH=$tmp/intr:$PATH install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 130 ] || fail "SIGINT: exit $rc: $(cat "$tmp/out")"
grep -q "interrupted" "$tmp/out" || fail "SIGINT: no message: $(cat "$tmp/out")"
assert_clean
echo "ok: SIGINT part-way exits 130 and leaves nothing"

# --- the same file through other loop devices, at any offset ------------------
# A partition of the image mounted through `losetup -o` is the image in use:
# refused through the image and through another loop device over it.
stop_bg() {
	local p
	for p in ${bg_pids:-}; do kill "$p" 2>/dev/null || true; done
}
trap 'stop_bg; cleanup' EXIT
bg_pids=""
P1_OFFSET=$((2048 * 512))
P1_SIZE=$((204800 * 512))
d=$(img offset.img 4G)
printf 'label: gpt\nstart=2048, size=204800, type=linux\n' | sfdisk -q "$d"
o=$(losetup -f --show -o $P1_OFFSET --sizelimit $P1_SIZE "$d")
own_loops="$own_loops $o"
mkfs.ext4 -q "$o"
mkdir -p "$tmp/offset"
mount "$o" "$tmp/offset"
before=$(head_sum "$d")
install_storage "$tmp/plain.yaml" "$d"
[ "$rc" = 2 ] || fail "losetup -o: exit $rc: $(cat "$tmp/out")"
grep -q "attached to $o at offset $P1_OFFSET) is mounted on $tmp/offset" "$tmp/out" ||
	fail "losetup -o: no reason: $(cat "$tmp/out")"
l=$(attach "$d")
install_storage "$tmp/plain.yaml" "$l"
[ "$rc" = 2 ] || fail "losetup -o, through $l: exit $rc: $(cat "$tmp/out")"
grep -q "$o at offset $P1_OFFSET) is mounted on $tmp/offset" "$tmp/out" ||
	fail "losetup -o, through $l: no reason: $(cat "$tmp/out")"
detach "$l"
umount "$tmp/offset"
detach "$o"
[ "$(head_sum "$d")" = "$before" ] || fail "losetup -o: the table was written"
echo "ok: a partition mounted through losetup -o makes the image busy, nothing written"

# The same mount made after probing (by a pre script): storage refuses it
# before it writes, with exit 2.
cat >"$tmp/pre-offset.yaml" <<YAML
version: 1
storage: {layout: plain, filesystem: xfs, swap: 128M}
bootloader: {firmware: bios}
scripts:
  pre: [{run: "o=\$(losetup -f --show -o $P1_OFFSET --sizelimit $P1_SIZE $d) && mount \$o $tmp/offset"}]
YAML
install_storage "$tmp/pre-offset.yaml" "$d"
[ "$rc" = 2 ] || fail "losetup -o after probing: exit $rc: $(cat "$tmp/out")"
grep -q "the image '$d' is in use through /dev/loop[0-9]* (mounted or held)" "$tmp/out" ||
	fail "losetup -o after probing: no reason: $(cat "$tmp/out")"
umount "$tmp/offset"
for o in $(losetup -n -O NAME -j "$d"); do losetup -d "$o"; done
[ "$(head_sum "$d")" = "$before" ] || fail "losetup -o after probing: the table was written"
# The same through a loop device over the image given as the disk.
l=$(attach "$d")
install_storage "$tmp/pre-offset.yaml" "$l"
[ "$rc" = 2 ] || fail "losetup -o after probing, through $l: exit $rc: $(cat "$tmp/out")"
grep -q "'$l' is in use through /dev/loop[0-9]*, which is attached to the same file" "$tmp/out" ||
	fail "losetup -o after probing, through $l: no reason: $(cat "$tmp/out")"
umount "$tmp/offset"
for o in $(losetup -n -O NAME -j "$d"); do [ "$o" = "$l" ] || losetup -d "$o"; done
detach "$l"
[ "$(head_sum "$d")" = "$before" ] || fail "losetup -o after probing, through $l: the table was written"
assert_clean
echo "ok: a losetup -o mount made after probing is refused by storage, nothing written"

# --- O_EXCL: what the kernel knows and the mount table does not show -----------
# A partition mounted in another mount namespace (a container, a service
# with private mounts) is invisible in our mountinfo; the kernel's O_EXCL
# refusal sees it.
d=$(img excl.img 4G)
printf 'label: gpt\nstart=2048, size=204800, type=linux\n' | sfdisk -q "$d"
l=$(attach "$d")
mkfs.ext4 -q "${l}p1"
mkdir -p "$tmp/ns"
unshare -m --propagation private sh -c \
	"mount ${l}p1 $tmp/ns && touch $tmp/ns.ready && exec sleep 600" &
nspid=$!
bg_pids="$bg_pids $nspid"
for _ in $(seq 100); do [ -e "$tmp/ns.ready" ] && break; sleep 0.1; done
[ -e "$tmp/ns.ready" ] || fail "the other namespace did not mount ${l}p1"
before=$(head_sum "$d")
install_storage "$tmp/plain.yaml" "$l"
[ "$rc" = 2 ] || fail "other namespace: exit $rc: $(cat "$tmp/out")"
grep -q "$l is in use (mounted in another mount namespace" "$tmp/out" ||
	fail "other namespace: no reason: $(cat "$tmp/out")"
kill "$nspid"
wait "$nspid" 2>/dev/null || true
[ "$(head_sum "$d")" = "$before" ] || fail "other namespace: the table was written"
echo "ok: a partition mounted in another mount namespace is refused, nothing written"

# A partition mounted directly after probing (by a pre script): the disk's
# O_EXCL open in storage is refused, exit 2 before anything is written.
mkdir -p "$tmp/busy"
cat >"$tmp/pre-mount.yaml" <<YAML
version: 1
storage: {layout: plain, filesystem: xfs, swap: 128M}
bootloader: {firmware: bios}
scripts:
  pre: [{run: "mount ${l}p1 $tmp/busy"}]
YAML
install_storage "$tmp/pre-mount.yaml" "$l"
[ "$rc" = 2 ] || fail "mounted after probing: exit $rc: $(cat "$tmp/out")"
grep -q "'$l' is in use (mounted, or held by another program)" "$tmp/out" ||
	fail "mounted after probing: no reason: $(cat "$tmp/out")"
umount "$tmp/busy"
detach "$l"
[ "$(head_sum "$d")" = "$before" ] || fail "mounted after probing: the table was written"
assert_clean
echo "ok: a partition mounted after probing is refused by O_EXCL, nothing written"

# --- QEMU's image lock ---------------------------------------------------------
if command -v qemu-system-x86_64 >/dev/null; then
	qemu_on() { # IMAGE PIDFILE: a paused VM using IMAGE read-write
		qemu-system-x86_64 -accel tcg -S -display none -nodefaults \
			-daemonize -pidfile "$2" -drive "file=$1,format=raw,if=virtio"
	}
	d=$(img vm.img 4G)
	qemu_on "$d" "$tmp/vm.pid"
	bg_pids="$bg_pids $(cat "$tmp/vm.pid")"
	install_storage "$tmp/plain.yaml" "$d"
	kill "$(cat "$tmp/vm.pid")"
	[ "$rc" = 2 ] || fail "VM: exit $rc: $(cat "$tmp/out")"
	grep -q "$d is locked by another program (QEMU" "$tmp/out" || fail "VM: no reason: $(cat "$tmp/out")"
	untouched "$d" || fail "VM: the image was written"
	echo "ok: an image a paused VM uses is refused, nothing written"

	# While storage writes the image, QEMU refuses it: mkfs.xfs (run with
	# the image locked) first tries to start a VM on it.
	mkdir -p "$tmp/vmtry"
	cat >"$tmp/vmtry/mkfs.xfs" <<EOF2
#!/bin/sh
if qemu-system-x86_64 -accel tcg -S -display none -nodefaults -daemonize \
	-pidfile $tmp/vmtry.pid -drive file=$d,format=raw,if=virtio 2>$tmp/vmtry.err; then
	echo started >>$tmp/vmtry.err
	kill \$(cat $tmp/vmtry.pid)
fi
exec $(command -v mkfs.xfs) "\$@"
EOF2
	chmod +x "$tmp/vmtry/mkfs.xfs"
	rm -f "$tmp/vmtry.err"
	INSTALL_PATH=$tmp/vmtry:$PATH install_storage "$tmp/plain.yaml" "$d"
	[ "$rc" = 0 ] || fail "VM during storage: exit $rc: $(cat "$tmp/out")"
	[ -e "$tmp/vmtry.err" ] || fail "VM during storage: mkfs.xfs was not run"
	grep -q "Failed to lock byte" "$tmp/vmtry.err" ||
		fail "VM during storage: QEMU opened the image the installer writes: $(cat "$tmp/vmtry.err")"
	assert_clean
	echo "ok: while storage writes an image, QEMU refuses to open it"

	# A VM started after probing (by a pre script): storage refuses.
	cat >"$tmp/pre-vm.yaml" <<YAML
version: 1
storage: {layout: plain, filesystem: xfs, swap: 128M}
bootloader: {firmware: bios}
scripts:
  pre: [{run: "qemu-system-x86_64 -accel tcg -S -display none -nodefaults -daemonize -pidfile $tmp/vm2.pid -drive file=$d,format=raw,if=virtio"}]
YAML
	before=$(head_sum "$d")
	install_storage "$tmp/pre-vm.yaml" "$d"
	[ -e "$tmp/vm2.pid" ] && kill "$(cat "$tmp/vm2.pid")"
	[ "$rc" = 2 ] || fail "VM after probing: exit $rc: $(cat "$tmp/out")"
	grep -q "the image '$d' is in use: another program holds its lock" "$tmp/out" ||
		fail "VM after probing: no reason: $(cat "$tmp/out")"
	[ "$(head_sum "$d")" = "$before" ] || fail "VM after probing: the table was written"
	assert_clean
	echo "ok: a VM started after probing is refused by storage's lock, nothing written"
fi
