#!/bin/bash
# Issue #16: software RAID installed from the ISO's live system and
# booted, checked from inside the booted system (docs/storage.md,
# "Software RAID"). Two machines, one run each:
#
#   uefi-lvm (the default): UEFI (OVMF), two NVMe disks and three SATA
#   disks on q35's AHCI:
#     - RAID1 of the two NVMe disks three times: /boot/efi (metadata 1.0,
#       Anaconda's way), /boot (ext4), and an LVM physical volume holding /;
#     - RAID5 of the three SATA disks for /srv.
#     Then, from the variable store the install used: one NVRAM entry per
#     ESP member.
#   bios-raid5: BIOS (SeaBIOS), three SATA disks, GPT: /boot a RAID1 over
#     all three (GRUB's boot code on every disk, each with its BIOS boot
#     partition), / a RAID5 over all three.
#
# The live kernel and initramfs (build/live, what the ISO boots) install
# build/real-repo (Debian 12's systemd, dracut with its mdraid module,
# mdadm, lvm2 as signed RPMs, served over HTTP from the host at 10.0.2.2)
# with a small package set. Then three boots of the installed disks
# (snapshot=on from the second: each starts from the installed state),
# each logged into as root on the serial console, where raid-facts
# (written by the answer file's post script) prints /proc/mdstat, each
# array's level, members and state as the kernel has them (sysfs; the
# first lines of mdadm --detail beside) and what / and the others are
# mounted from:
#   1. all disks: every array active with all its members;
#   2. the first disk removed (uefi-lvm: the firmware's first entry is
#      gone, the second disk's boots; bios-raid5: SeaBIOS boots the next
#      disk): the arrays run degraded, / is up;
#   3. the second disk removed instead (AZL_RAID_BOTH=0 skips it).
# Prints the install time and each boot's time to power-off.
#
# A harness run by hand (tests/CMakeLists.txt picks up test-*.sh only):
# a run takes 15-35 minutes of TCG on 2 cores, more than CI can give.
#   AZL_E2E_NO_BUILD=1 bash tests/e2e/raid-boot.sh [uefi-lvm|bios-raid5]
. "$(dirname "$0")/lib.sh"
e2e_requirements
if [ "$(id -u)" != 0 ]; then echo "SKIP: not root"; exit 77; fi
for t in gpg; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is missing (scripts/deps.sh installs it)"; exit 77; }
done
CASE=${1:-uefi-lvm}
case $CASE in uefi-lvm | bios-raid5) ;; *) echo "usage: $0 [uefi-lvm|bios-raid5]"; exit 2 ;; esac
e2e_workdir "raid-$CASE"
targets=$(cmake --build "$AZL_BUILD_DIR" --target help 2>/dev/null || :)
if ! grep -q '^\.\.\. real-repo$' <<<"$targets"; then
	echo "SKIP: this build has no real-repo target"
	exit 77
fi
T_ALL=$(now)
e2e_build real-repo live
REPO=${AZL_REAL_REPO:-$AZL_BUILD_DIR/real-repo}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

e2e_repo_key "$REPO"
key=$KEY fpr=$FPR
e2e_http "$REPO"
url=http://10.0.2.2:$HTTP_PORT

if [ "$CASE" = uefi-lvm ]; then
	FW=uefi
	SATA=(sata0 sata1 sata2) SATA_SIZE=320M NVME=(nvme0 nvme1) NARRAYS=4
	read -r -d '' STORAGE <<'YAML' || :
storage:
  disks: [/dev/nvme0n1, /dev/nvme1n1, /dev/sda, /dev/sdb, /dev/sdc]
  wipe: all
  table: gpt
  partitions:
    - {raid: esp, disk: 1, size: 128M}
    - {raid: esp, disk: 2, size: 128M}
    - {raid: boot, disk: 1, size: 400M}
    - {raid: boot, disk: 2, size: 400M}
    - {raid: sys, disk: 1, size: grow}
    - {raid: sys, disk: 2, size: grow}
    - {raid: data, disk: 3, size: grow}
    - {raid: data, disk: 4, size: grow}
    - {raid: data, disk: 5, size: grow}
  raids:
    - {name: esp, level: 1, metadata: "1.0", mount: /boot/efi, fs: vfat}
    - {name: boot, level: 1, mount: /boot, fs: ext4}
    - {name: sys, level: 1, volume_group: vg_sys}
    - {name: data, level: 5, mount: /srv, fs: ext4}
  volume_groups:
    - name: vg_sys
      volumes:
        - {name: root, mount: /, size: grow}
YAML
else
	FW=bios
	SATA=(sata0 sata1 sata2) SATA_SIZE=2G NVME=() NARRAYS=2
	read -r -d '' STORAGE <<'YAML' || :
storage:
  disks: [/dev/sda, /dev/sdb, /dev/sdc]
  wipe: all
  table: gpt
  partitions:
    - {raid: boot, disk: 1, size: 300M}
    - {raid: boot, disk: 2, size: 300M}
    - {raid: boot, disk: 3, size: 300M}
    - {raid: root, disk: 1, size: grow}
    - {raid: root, disk: 2, size: grow}
    - {raid: root, disk: 3, size: grow}
  raids:
    - {name: boot, level: 1, mount: /boot, fs: ext4}
    - {name: root, level: 5, mount: /, fs: ext4}
YAML
fi

# The small package set: the real boot chain (kernel, systemd, udev,
# dracut, mdadm, lvm2) and a console login; no network service.
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: raid.example.com
timezone: UTC
selinux: disabled
$STORAGE
# rd.retry=60: a degraded array is started 2/3 of rd.retry after udev
# settles (dracut's default 180 s makes that 120 s), see docs/storage.md.
bootloader: {firmware: $FW, timeout: 1, kernel_args: ["console=ttyS0,115200", "rd.retry=60"]}
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages:
  repos:
    - name: real
      baseurl: "$url/"
      gpgkey: "$url/$key"
      gpgkey_fingerprint: "$fpr"
  # (coreutils, grep, sed, findutils, gawk, gzip: tools the repackaged dracut
  # uses without requiring them)
  install: [azurelinux-release, kernel, systemd, systemd-udev, dbus-broker, dracut, mdadm, lvm2, coreutils,
            util-linux, shadow-utils, pam, kmod, grep, sed, findutils, gawk, gzip, procps-ng]
  install_weak_deps: false
scripts:
  error:
    - run: tail -n 40 /run/azl-installer/install.log | sed 's/^/LOG /' >/dev/console
  post:
    - chroot: true
      run: |
        mkdir -p /usr/local/sbin
        cat >/usr/local/sbin/raid-facts <<'EOF'
        #!/bin/sh
        # tests/e2e/test-raid.sh: what this boot assembled.
        # (udev may still be starting the RAID5 when root logs in)
        i=0
        while [ \$i -lt 60 ] && grep -q ' /srv ' /etc/fstab && ! findmnt -n /srv >/dev/null; do sleep 1; i=\$((i + 1)); done
        sed 's/^/MDSTAT /' /proc/mdstat
        # each array by its name (/dev/md/NAME, from mdadm.conf), read
        # from the kernel (sysfs) rather than mdadm --detail, which printed
        # nothing here in a first run (its first lines are kept, MDADM)
        for l in /dev/md/*; do
          n=\${l##*/}
          s=/sys/block/\$(basename "\$(readlink -f "\$l")")/md
          rd=\$(cat \$s/raid_disks)
          deg=\$(cat \$s/degraded 2>/dev/null || echo 0)
          st=\$(cat \$s/array_state)
          [ "\$deg" -gt 0 ] && st="\$st, degraded"
          echo "DETAIL \$n Raid Level=\$(cat \$s/level)"
          echo "DETAIL \$n Raid Devices=\$rd"
          echo "DETAIL \$n Active Devices=\$((rd - deg))"
          echo "DETAIL \$n State=\$st"
          mdadm --detail "\$l" 2>&1 | head -n 4 | sed "s|^|MDADM \$n |"
        done
        echo "MDLINKS \$(ls /dev/md 2>&1 | tr '\\n' ' ')"
        echo "MOUNT / \$(findmnt -no SOURCE /)"
        echo "MOUNT /boot \$(findmnt -no SOURCE /boot)"
        echo "MOUNT /boot/efi \$(findmnt -no SOURCE /boot/efi)"
        echo "MOUNT /srv \$(findmnt -no SOURCE /srv)"
        echo "PVS \$(pvs --noheadings -o pv_name,vg_name 2>/dev/null | tr -s ' ')"
        echo "CMDLINE \$(cat /proc/cmdline)"
        echo "STATE \$(systemctl is-system-running)"
        echo "PATH \$PATH"
        echo "RAID-FACTS-END"
        EOF
        chmod 755 /usr/local/sbin/raid-facts
finish: poweroff
YAML
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"

for d in "${NVME[@]}"; do truncate -s 3G "$WORK/$d.img"; done
for d in "${SATA[@]}"; do truncate -s "$SATA_SIZE" "$WORK/$d.img"; done
# disk_args [SKIP] [EXTRA-DRIVE-OPTS]: the disks at fixed PCI and AHCI
# addresses (the NVRAM entries name the NVMe disks by PCI address), but
# the one named SKIP.
disk_args() {
	local skip=${1:-} extra=${2:-} i=0 d
	DISKS=()
	for d in "${NVME[@]}"; do
		i=$((i + 1))
		[ "$d" = "$skip" ] && continue
		DISKS+=(-drive "if=none,id=$d,file=$WORK/$d.img,format=raw,cache=unsafe$extra"
			-device "nvme,drive=$d,serial=azlraid$i,addr=0x$((i + 4))")
	done
	i=0
	for d in "${SATA[@]}"; do
		if [ "$d" != "$skip" ]; then
			DISKS+=(-drive "if=none,id=$d,file=$WORK/$d.img,format=raw,cache=unsafe$extra"
				-device "ide-hd,drive=$d,bus=ide.$i")
		fi
		i=$((i + 1))
	done
}

echo "== $CASE: install from the ISO's live system =="
t=$(now)
disk_args
qemu_start install "$FW" -kernel "$AZL_BUILD_DIR/live/vmlinuz" -initrd "$AZL_BUILD_DIR/live/initrd.img" \
	-append "console=ttyS0,115200n8 ip=dhcp azl.unattended quiet" \
	"${DISKS[@]}" -drive "file=$WORK/oemdrv.img,if=virtio,format=raw" \
	-nic user,model=virtio-net-pci
console install reject 'Kernel panic' reject 'azl-installer exited with' \
	expect 'installer ready after' 300 mark installer-ready \
	expect '"phase":"packages"' 600 mark packages \
	expect '"phase":"bootloader"' 1200 mark bootloader \
	eof 1200 mark poweroff || fail "the install did not finish"
qemu_wait 30 || :
install_s=$(since "$t")
ok "installed in ${install_s} s (QEMU start to power-off)"

# One NVRAM entry per member of the mirrored ESP, each on its own disk.
if [ "$FW" = uefi ]; then
python3 "$E2E_DIR/efivars.py" "$WORK/vars.fd" >"$WORK/efivars.txt"
cat "$WORK/efivars.txt"
n=$(grep -c '^Boot[0-9A-F]*: "Azure Linux 4.0" ' "$WORK/efivars.txt" || :)
[ "$n" = 2 ] || fail "$n NVRAM entries of Azure Linux 4.0, not 2 (one per ESP member)"
ok "two NVRAM entries, one per ESP member"
fi

# boot NAME SKIP EXTRA: boots the installed disks (but SKIP) and runs
# raid-facts as root on the serial console; the facts in $WORK/NAME.facts.
boot() {
	local name=$1 skip=$2 extra=$3 t
	t=$(now)
	disk_args "$skip" "$extra"
	qemu_start "$name" "$FW" "${DISKS[@]}" -nic none
	console "$name" reject 'Kernel panic' reject 'dracut-emergency|Entering emergency mode|You are in emergency mode' \
		expect 'login: *$' 600 mark login-prompt \
		send 'root\n' expect 'Password: *$' 30 send 'azl-e2e\n' \
		expect '# ' 60 send '\n' expect '# ' 10 \
		send '/usr/local/sbin/raid-facts\n' expect 'RAID-FACTS-END' 120 \
		send 'poweroff\n' eof 120 ||
		fail "boot '$name' (without ${skip:-no disk}) did not reach a root prompt and raid-facts"
	qemu_wait 30 || :
	tr -d '\r' <"$WORK/$name.log" | grep -E '^(MDSTAT|DETAIL|MDADM|MDLINKS|MOUNT|PVS|CMDLINE|STATE|PATH) ' >"$WORK/$name.facts" || :
	echo "-- $name: $(since "$t") s from QEMU start to power-off"
	sed 's/^/   /' "$WORK/$name.facts"
}
has() { grep -Eq "$2" "$WORK/$1.facts" || fail "$1: no line matches '$2' (facts above)"; }

boot full '' ''
# every array assembled by the initramfs (docs/storage.md)
n=$(grep '^CMDLINE ' "$WORK/full.facts" | grep -o 'rd\.md\.uuid=' | wc -l)
[ "$n" = "$NARRAYS" ] || fail "full: $n rd.md.uuid= on the kernel command line, not $NARRAYS"
if [ "$CASE" = uefi-lvm ]; then
	has full '^MDSTAT md[0-9]+ : active raid1 .*nvme0n1p[0-9].*nvme1n1p[0-9]|^MDSTAT md[0-9]+ : active raid1 .*nvme1n1p[0-9].*nvme0n1p[0-9]'
	has full '^MDSTAT md[0-9]+ : active raid5 sd[abc][0-9].*sd[abc][0-9].*sd[abc][0-9]'
	for a in esp boot sys; do has full "^DETAIL $a Active Devices=2$"; done
	has full '^DETAIL data Raid Level=raid5$'
	has full '^DETAIL data Active Devices=3$'
	has full '^MOUNT / /dev/mapper/vg_sys-root$'
	has full '^MOUNT /srv /dev/md'
	has full '^MOUNT /boot /dev/md'
	has full '^MOUNT /boot/efi /dev/md'
	has full '^PVS +/dev/md[^ ]* vg_sys'
	ok "all disks: four arrays assembled, / on LVM on the NVMe mirror, /srv on the SATA RAID5"
	SKIPS=(nvme0 nvme1)
else
	has full '^MDSTAT md[0-9]+ : active raid5 sd[abc][0-9].*sd[abc][0-9].*sd[abc][0-9]'
	has full '^MDSTAT md[0-9]+ : active raid1 sd[abc][0-9].*sd[abc][0-9].*sd[abc][0-9]'
	has full '^DETAIL boot Active Devices=3$'
	has full '^DETAIL root Raid Level=raid5$'
	has full '^DETAIL root Active Devices=3$'
	has full '^MOUNT / /dev/md'
	has full '^MOUNT /boot /dev/md'
	ok "all disks: / on the RAID5 of the three disks, /boot on their RAID1"
	SKIPS=(sata0 sata1)
fi

for skip in "${SKIPS[@]}"; do
	[ "$skip" = "${SKIPS[1]}" ] && [ "${AZL_RAID_BOTH:-1}" = 0 ] && break
	boot "no-$skip" "$skip" ",snapshot=on"
	if [ "$CASE" = uefi-lvm ]; then
		for a in esp boot sys; do
			has "no-$skip" "^DETAIL $a Active Devices=1$"
			has "no-$skip" "^DETAIL $a State=.*degraded"
		done
		has "no-$skip" '^MDSTAT .*\[2/1\]'
		has "no-$skip" '^MOUNT / /dev/mapper/vg_sys-root$'
		has "no-$skip" '^DETAIL data Active Devices=3$'
		ok "without $skip: the mirrors run degraded, / is up"
	else
		has "no-$skip" '^DETAIL root Active Devices=2$'
		has "no-$skip" '^DETAIL root State=.*degraded'
		has "no-$skip" '^DETAIL boot Active Devices=2$'
		has "no-$skip" '^MDSTAT .*\[3/2\]'
		has "no-$skip" '^MOUNT / /dev/md'
		ok "without $skip: the RAID5 and the mirror run degraded, / is up, SeaBIOS booted the next disk"
	fi
done
echo "figures: install ${install_s} s; whole test $(since "$T_ALL") s (TCG)"
echo "all RAID checks passed"
