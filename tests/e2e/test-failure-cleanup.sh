#!/bin/bash
# Failures that clean up, with LUKS2 + LVM active (device-mapper exists
# only in the guest). SeaBIOS, the ISO as a CD, one virtio disk, and a
# volume labelled OEMDRV holding the answer files and the scenario script
# (failure-cleanup.sh below, run in the live environment).
#
# Boot 1, "Rescue shell" from the menu; in it, one install after the other
# on the same disk, each made to fail at a chosen point:
#   a. a tool fails mid-storage: mkfs.ext4 (a wrapper first in PATH) fails
#      on the root logical volume, after LUKS was opened and vg_azl made;
#   b. the disk fills up in the package phase: once the rpm transaction
#      runs, the target's root filesystem is filled (fallocate), so rpm
#      unpacks into ENOSPC;
#   c. a post script (chroot: true) exits 1, after a whole install;
#   d. SIGINT to the installer during the rpm transaction: exit 130 and the
#      transaction stops there (the packages after it are not installed);
# after each: the documented exit code (3 failed part-way, 130
# interrupted), nothing of ours mounted under /run/azl-installer, no
# device-mapper device left (`dmsetup ls`, `cryptsetup status`, no active
# logical volume), no loop device, and the answer file's error script ran.
# Each install reuses the disk the previous one left, so it also proves
# that nothing kept the disk busy. Then e1: an install whose guest is
# killed (QEMU SIGKILL) while rpm unpacks, leaving a half-made LUKS/LVM.
# Boot 2, the default entry: the same answer file from OEMDRV, unattended;
# the install over that half-made disk succeeds (finish: poweroff).
# Measured on the 2-core build machine shared with other builds: 374 s in
# all (boot 1 247 s: shell 34, a 19, b 45, c 96, d 27; boot 2 122 s);
# 574 s at a load of 5 to 10.
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir failure-cleanup
e2e_build iso
ISO=$AZL_BUILD_DIR/azl-installer.iso

# answers TAG: the answer file of scenario TAG. LUKS with a cheap KDF:
# these machines are thrown away.
answers() {
	local post=
	[ "$1" = c ] && post='
  post: [{chroot: true, run: "echo the post script fails on purpose; exit 1"}]'
	cat <<YAML
version: 1
hostname: azl-cleanup
storage:
  disks: [/dev/vda]
  wipe: all
  layout: lvm
  filesystem: ext4
  swap: none
  encryption: {passphrase: "e2e luks passphrase", pbkdf: pbkdf2, pbkdf_iter_time: 1}
bootloader: {firmware: bios, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages: {install: ["@minimal"]}
scripts:
  error: [{run: "echo \"\$AZL_INSTALLER\" >/tmp/error-script-$1"}]$post
finish: poweroff
YAML
}

# The scenarios, in the live environment's busybox sh. Prints, per
# scenario, "E2E-RESULT TAG rc=N mounts=N dm=N luks=... lvs=N loops=N
# error-script=..." and "E2E-UNCLEAN TAG" (with what is left) when any of
# it is not what the scenario expects.
cat >"$WORK/failure-cleanup.sh" <<'SH'
D=${0%/*}
REPO=file:///run/install/repo
pid=

start() { # TAG: the install of TAG.yaml in the background, JSON in /tmp/out-TAG
	rm -f "/tmp/error-script-$1"
	azl-installer install --answers "$D/$1.yaml" --repo "$REPO" --yes \
		--progress=json --log "/tmp/install-$1.log" >"/tmp/out-$1" 2>&1 &
	pid=$!
}

# Waits until the rpm transaction has installed its third package.
in_transaction() { # TAG
	i=0
	while ! grep -q '"phase":"packages".*"item":3,' "/tmp/out-$1"; do
		kill -0 "$pid" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -lt 1800 ] || return 1
		sleep 0.5
	done
	echo "e2e: $1: the rpm transaction is at its third package"
}

check() { # TAG EXPECTED-RC RC
	tag=$1 want=$2 rc=$3
	tail -n 4 "/tmp/out-$tag"
	mounts=$(grep -c ' /run/azl-installer' /proc/mounts)
	dm=$(dmsetup ls 2>&1 | grep -vc '^No devices found')
	# The mapping's name as the plan printed it.
	luks=closed
	for n in $(grep -o 'luks-[A-Za-z0-9_]*' "/tmp/out-$tag" | sort -u); do
		cryptsetup status "$n" >/dev/null 2>&1 && luks="open($n)"
	done
	lvs=$(lvs --noheadings -o lv_active 2>/dev/null | grep -c active)
	loops=$(losetup -a | grep -c .)
	es=missing
	[ "$(cat "/tmp/error-script-$tag" 2>/dev/null)" = 1 ] && es=ran
	line="rc=$rc mounts=$mounts dm=$dm luks=$luks lvs=$lvs loops=$loops error-script=$es"
	echo "E2E-RESULT $tag $line"
	# Teardown's own complaints; a lazy unmount means something still
	# held the target.
	grep -E 'warning|lazily|cannot (unmount|close|detach)|deactivat' "/tmp/install-$tag.log" | tail -n 8
	grep -q 'lazily' "/tmp/install-$tag.log" && echo "E2E-UNCLEAN $tag: a lazy unmount"
	if [ "$line" != "rc=$want mounts=0 dm=0 luks=closed lvs=0 loops=0 error-script=ran" ]; then
		grep ' /run/azl-installer' /proc/mounts
		dmsetup ls
		losetup -a
		tail -n 30 "/tmp/install-$tag.log"
		echo "E2E-UNCLEAN $tag"
	fi
}

for s in "$@"; do
	t0=$(cut -d' ' -f1 /proc/uptime)
	case $s in
	a)
		mkdir -p /tmp/failing-tools
		cat >/tmp/failing-tools/mkfs.ext4 <<'EOF'
#!/bin/sh
case "$*" in
*vg_azl*) echo "e2e: mkfs.ext4 fails on purpose" >&2; exit 1 ;;
esac
exec /usr/sbin/mkfs.ext4 "$@"
EOF
		chmod +x /tmp/failing-tools/mkfs.ext4
		PATH=/tmp/failing-tools:$PATH start a
		wait "$pid"
		check a 3 $?
		;;
	b)
		start b
		t=/run/azl-installer/target
		if in_transaction b && grep -q " $t " /proc/mounts; then
			fallocate -l "$(df -k "$t" | awk 'NR == 2 { print $4 }')k" "$t/e2e-fill"
			dd if=/dev/zero of="$t/e2e-fill2" bs=64k 2>/dev/null
			df -k "$t"
		fi
		wait "$pid"
		check b 3 $?
		grep -q 'No space left on device' "/tmp/install-b.log" &&
			echo "e2e: b: the log says: No space left on device"
		# Whatever rpm hit first (a file, or its sqlite database), the
		# failure names the full file system.
		grep -q "the rpm transaction failed because the file system on / has .* MiB free" "/tmp/out-b" &&
			echo "e2e: b: the failure names the full file system"
		;;
	c)
		start c
		wait "$pid"
		check c 3 $?
		grep -q '"phase":"post"' /tmp/out-c && echo "e2e: c: the post script ran"
		;;
	d)
		start d
		in_transaction d
		kill -INT "$pid"
		t1=$(cut -d' ' -f1 /proc/uptime)
		wait "$pid"
		rc=$?
		echo "e2e: d: exited $(awk -v a="$t1" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.0f", b - a }') s after SIGINT"
		check d 130 $rc
		grep -q '"message":"packages installed' /tmp/out-d &&
			echo "E2E-UNCLEAN d: the rpm transaction ran to its end after SIGINT"
		;;
	e1)
		start e
		in_transaction e
		echo "E2E-KILL-NOW"
		sleep 600
		;;
	esac
	echo "e2e: $s took $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.0f", b - a }') s"
done
SH

rm -f "$WORK/oemdrv.img"
mkfs.vfat -C -n OEMDRV "$WORK/oemdrv.img" 1024 >/dev/null
export MTOOLS_SKIP_CHECK=1
mcopy -i "$WORK/oemdrv.img" "$WORK/failure-cleanup.sh" ::/failure-cleanup.sh
for tag in a b c d e; do
	answers $tag >"$WORK/$tag.yaml"
	mcopy -i "$WORK/oemdrv.img" "$WORK/$tag.yaml" "::/$tag.yaml"
done
mcopy -i "$WORK/oemdrv.img" "$WORK/e.yaml" ::/azl-answers.yaml
truncate -s 4G "$WORK/disk.img"
drives=(-drive "file=$WORK/disk.img,if=virtio,format=raw"
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on")

echo "== boot 1: rescue shell, four failing installs, then a killed one =="
t=$(now)
qemu_start fail bios -boot order=d -cdrom "$ISO" "${drives[@]}"
# Down, Down, Enter: "Rescue shell".
ok='mounts=0 dm=0 luks=closed lvs=0 loops=0 error-script=ran'
# shellcheck disable=SC2016 # $(blkid ...) is for the guest's shell
console fail reject 'Kernel panic' reject 'E2E-UNCLEAN' \
	expect 'Install Azure Linux 4.0' 120 mark grub-menu \
	send '\x1b[B' send '\x1b[B' send '\r' \
	expect 'azl.shell given' 180 mark rescue-shell \
	expect 'azl-live:.*# ' 30 send '\n' expect '# ' 10 \
	send 'mkdir /run/e2e && mount -t vfat -o ro $(blkid -t LABEL=OEMDRV -o device) /run/e2e && sh /run/e2e/failure-cleanup.sh a b c d e1\n' \
	expect "E2E-RESULT a rc=3 $ok" 600 mark a-tool-fails \
	expect "E2E-RESULT b rc=3 $ok" 1200 mark b-disk-full \
	expect 'e2e: b: the log says: No space left on device' 10 \
	expect 'e2e: b: the failure names the full file system' 10 \
	expect "E2E-RESULT c rc=3 $ok" 1500 mark c-post-fails \
	expect "E2E-RESULT d rc=130 $ok" 1200 mark d-sigint \
	expect 'e2e: d took' 10 \
	expect 'E2E-KILL-NOW' 1200 mark e1-kill
kill -KILL "$QEMU_PID"
wait "$QEMU_PID" 2>/dev/null || :
grep -a -o 'e2e: [a-e1]* took [0-9]* s\|e2e: d: exited [0-9]* s after SIGINT' "$WORK/fail.log" | tr -d '\r' || :
echo "boot 1 (a-d, e1 killed): $(since "$t") s"

# luks_uuid: the UUID of the LUKS2 header on a partition of the disk.
luks_uuid() {
	local off
	for off in $(sfdisk -J "$WORK/disk.img" | python3 -c '
import json, sys
t = json.load(sys.stdin)["partitiontable"]
for p in t["partitions"]:
    print(p["start"] * t.get("sectorsize", 512))'); do
		if [ "$(blkid -p -O "$off" -o value -s TYPE "$WORK/disk.img" || :)" = crypto_LUKS ]; then
			blkid -p -O "$off" -o value -s UUID "$WORK/disk.img"
			return 0
		fi
	done
	return 1
}
# What the killed install left: its partitions and LUKS2 header (the PV
# and vg_azl inside), half a root filesystem.
killed=$(luks_uuid) || { sfdisk -d "$WORK/disk.img" || :; echo "e2e: the killed install left no LUKS2 header"; exit 1; }

echo "== boot 2: the same disk, the default entry, OEMDRV's answer file =="
t=$(now)
qemu_start rerun bios -boot order=d -cdrom "$ISO" "${drives[@]}"
console rerun reject 'Kernel panic' reject '"phase":"error"' \
	expect 'Install Azure Linux 4.0' 120 mark grub-menu send '\r' \
	expect 'installer ready after .*answers: /run/install/label-OEMDRV/azl-answers.yaml' 240 \
	mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"bootloader"' 1200 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark finished \
	eof 180
qemu_wait 60
echo "boot 2 (re-run over the killed install): $(since "$t") s"
now_uuid=$(luks_uuid) || { echo "e2e: the re-run left no LUKS2 header"; exit 1; }
[ "$now_uuid" != "$killed" ] || { echo "e2e: the LUKS2 header is still the killed install's"; exit 1; }
echo "the re-run replaced the killed install's LUKS2 $killed with $now_uuid"
