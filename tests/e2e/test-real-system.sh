#!/bin/bash
# Issue #12, case (b): a real installed system, checked from inside over
# SSH. build/real-repo (Debian 12's real systemd, dracut, NetworkManager,
# OpenSSH, chrony, sudo, rpm and SELinux policy as Azure Linux RPMs) is
# installed on this host into a sparse disk image (BIOS, plain layout with
# swap, DHCP, selinux: enforcing, a wheel user with a password the installer
# hashes and a fresh SSH key, root locked). The image boots in QEMU (TCG)
# with user networking and hostfwd on 127.0.0.1; the test logs in with the
# key and checks everything in one boot: PID 1, system state, root by the
# fstab UUID, swap, the NetworkManager profile, hostname/time zone/locale,
# the machine ID made at first boot, the rpm database against what the
# installer installed, rpm -Va, sudo with the password (on stdin), root
# refused, SELinux enforcing with no AVC denial this boot (any fails the
# test, listed by kind). It prints the facts and the figures (install
# time, boot-to-SSH time, footprint) that docs/performance.md quotes.
. "$(dirname "$0")/lib.sh"
e2e_requirements
for t in ssh ssh-keygen losetup; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is missing (scripts/deps.sh installs it)"; exit 77; }
done
if [ "$(id -u)" != 0 ]; then echo "SKIP: not root (the install uses loop devices)"; exit 77; fi
e2e_workdir real-system
# (grep -q on the pipe would make cmake die of SIGPIPE under pipefail)
targets=$(cmake --build "$AZL_BUILD_DIR" --target help 2>/dev/null || :)
if ! grep -q '^\.\.\. real-repo$' <<<"$targets"; then
	echo "SKIP: this build has no real-repo target"
	exit 77
fi
e2e_build azl-installer real-repo
: "${AZL_BIN:=$AZL_BUILD_DIR/azl-installer}"
REPO=$AZL_BUILD_DIR/real-repo

# A fresh key pair and password per run, in the work directory only.
ssh-keygen -q -t ed25519 -N '' -C e2e-real-system -f "$WORK/id" >/dev/null
PW="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$PW" >"$WORK/password"
chmod 600 "$WORK/password"
mac=52:54:00:e2:12:0b
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: realbox.example.com
timezone: Europe/Berlin
keyboard: de
locale: de_DE.UTF-8
selinux: enforcing
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: 256M}
bootloader: {firmware: bios, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
network:
  interfaces:
    - match: {mac: "$mac"}
      dhcp4: true
accounts:
  root: {lock: true}
  users:
    - name: ada
      groups: [wheel]
      password: "$PW"
      ssh_authorized_keys: ["$(cat "$WORK/id.pub")"]
packages: {install: ["@minimal"]}
YAML
chmod 600 "$WORK/answers.yaml"

# The install, on this host, into a sparse image (loop devices).
img=$WORK/disk.img
truncate -s 6G "$img"
t=$(now)
"$AZL_BIN" install --answers "$WORK/answers.yaml" --disk "$img" --repo "$REPO" --yes \
	--log "$WORK/install.log" >"$WORK/install.out" 2>&1 ||
	{ tail -30 "$WORK/install.out"; fail "the install failed (log: $WORK/install.log)"; }
install_s=$(since "$t")
grep -qF -f "$WORK/password" "$WORK/install.log" "$WORK/install.out" && fail "the password is in the install log"
# What the installer installed, as rpm -qa names it (no epoch).
e2e_planned_packages "$WORK/install.log" "$WORK/planned.txt"
profile=$(sed -n 's|.*wrote /etc/NetworkManager/system-connections/\(.*\)\.nmconnection$|\1|p' "$WORK/install.log" | head -1)
[ -n "$profile" ] || fail "the install log names no NetworkManager profile"
ok "installed $(wc -l <"$WORK/planned.txt") packages in ${install_s} s; profile '$profile'"

# Boot it: SeaBIOS, GRUB, the target's dracut initramfs, systemd.
port=$(e2e_free_port)
t=$(now)
qemu_start boot bios -drive "file=$img,if=virtio,format=raw" \
	-nic "user,model=virtio-net-pci,mac=$mac,hostfwd=tcp:127.0.0.1:$port-:22"
console boot reject 'Kernel panic' eof 3600 >"$WORK/console.out" 2>&1 &
CONSOLE_PID=$!
e2e_ssh_setup "$port" ada
e2e_wait_ssh boot 600 || :
ssh_s=$(since "$t")
[ -n "$SSH_UP" ] || { tail -80 "$WORK/boot.log"; fail "no SSH login as ada within ${ssh_s} s of the boot"; }
ok "SSH login with the answer file's key after ${ssh_s} s (TCG)"

echo "facts from inside the installed system:"
e2e_real_checks "$profile" realbox.example.com Europe/Berlin de_DE.UTF-8 de
addr=$(g nmcli -g IP4.ADDRESS device show "$NM_DEV")
fact "$NM_DEV address" "$addr"
grep -q '^10\.0\.2\.15/24' <<<"$addr" || fail "no DHCP address on $NM_DEV: '$addr'"
enf=$(g getenforce)
fact "getenforce" "$enf"
[ "$enf" = Enforcing ] || fail "SELinux is '$enf', not Enforcing"
ctx=$(g id -Z)
fact "ada's context" "$ctx"
# Every AVC denial of this boot fails the test (docs/system.md "SELinux"):
# from the journal (the audit and the kernel records of each) and the
# kernel ring buffer, each denial once (its text names the pid), listed
# by kind.
gs sh -c "'journalctl -b -o cat --no-pager; dmesg'" >"$WORK/guest-log.txt" 2>&1 || :
# Zero denials counts only if the log was read: every boot's kernel log
# starts with its version.
grep -aq 'Linux version' "$WORK/guest-log.txt" ||
	fail "could not read the guest's journal and kernel log: $(head -c 300 "$WORK/guest-log.txt")"
grep -ao 'avc: *denied.*' "$WORK/guest-log.txt" | sort -u >"$WORK/avc.txt" || :
avc=$(grep -c . "$WORK/avc.txt" || :)
fact "AVC denials this boot" "$avc"
if [ "$avc" != 0 ]; then
	sed -E 's/ (pid|ino|dev)=[^ ]+//g; s/ +/ /g' "$WORK/avc.txt" | sort | uniq -c | sort -rn
	fail "$avc AVC denial(s) while enforcing (listed above by kind; all: $WORK/avc.txt)"
fi
used=$(g df -m --output=used / | tail -1 | tr -d ' ')
npk=$(wc -l <"$WORK/rpmqa.txt")
alloc=$(du -m "$img" | cut -f1)
fact "footprint" "${used} MiB used on /, ${npk} packages, image ${alloc} MiB allocated"
qemu_kill
wait "$CONSOLE_PID" 2>/dev/null || :
echo "figures: install ${install_s} s on this host; boot to SSH ${ssh_s} s (TCG); / ${used} MiB, ${npk} packages"
echo "all real-system checks passed"
