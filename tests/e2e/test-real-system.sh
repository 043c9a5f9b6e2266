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
# refused, SELinux enforcing. It prints the facts and the figures (install
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
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
fact() { printf '  %-28s %s\n' "$1" "$2"; }

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
grep -q "$PW" "$WORK/install.log" "$WORK/install.out" && fail "the password is in the install log"
# What the installer installed, as rpm -qa names it (no epoch).
sed -n 's/.*info    installing \(.*\)$/\1/p' "$WORK/install.log" |
	sed -E 's/-[0-9]+:([^-]+-[^-]+)$/-\1/' | sort >"$WORK/planned.txt"
[ -s "$WORK/planned.txt" ] || fail "no 'installing' lines in the install log"
profile=$(sed -n 's|.*wrote /etc/NetworkManager/system-connections/\(.*\)\.nmconnection$|\1|p' "$WORK/install.log" | head -1)
[ -n "$profile" ] || fail "the install log names no NetworkManager profile"
ok "installed $(wc -l <"$WORK/planned.txt") packages in ${install_s} s; profile '$profile'"

# Boot it: SeaBIOS, GRUB, the target's dracut initramfs, systemd.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
t=$(now)
qemu_start boot bios -drive "file=$img,if=virtio,format=raw" \
	-nic "user,model=virtio-net-pci,mac=$mac,hostfwd=tcp:127.0.0.1:$port-:22"
console boot reject 'Kernel panic' eof 3600 >"$WORK/console.out" 2>&1 &
CONSOLE_PID=$!
SSH=(ssh -p "$port" -i "$WORK/id" -o IdentitiesOnly=yes -o BatchMode=yes
	-o StrictHostKeyChecking=no -o "UserKnownHostsFile=$WORK/known_hosts"
	-o ConnectTimeout=10 -o LogLevel=ERROR)
g() { "${SSH[@]}" ada@127.0.0.1 "$@"; }
# root's commands: the password on sudo's stdin (never in argv or a log).
# (ssh joins the words into one remote command line: '' stays quoted.)
gs() { g sudo -S -p "''" "$@" <"$WORK/password"; }
up=
for _ in $(seq 180); do
	if g true 2>/dev/null; then up=1; break; fi
	kill -0 "$QEMU_PID" 2>/dev/null || break
	if grep -aq 'Kernel panic\|emergency mode\|dracut-emergency\|Entering emergency' "$WORK/boot.log" 2>/dev/null; then break; fi
	sleep 2
done
ssh_s=$(since "$t")
[ -n "$up" ] || { tail -40 "$WORK/boot.log"; fail "no SSH login as ada within the boot"; }
ok "SSH login with the answer file's key after ${ssh_s} s (TCG)"

echo "facts from inside the installed system:"
pid1=$(g cat /proc/1/comm)
fact "PID 1" "$pid1"
[ "$pid1" = systemd ] || fail "PID 1 is '$pid1', not systemd"
state=$(g systemctl is-system-running --wait || :)
fact "system state" "$state"
if [ "$state" != running ]; then
	g systemctl --failed --no-pager || :
	gs journalctl -b -p warning --no-pager | tail -40 || :
	fail "the system is '$state', not running"
fi
root_src=$(g findmnt -no UUID /)
fstab_uuid=$(g cat /etc/fstab | awk '$2 == "/" {print $1}')
fact "/ (findmnt)" "UUID=$root_src"
[ "UUID=$root_src" = "$fstab_uuid" ] || fail "/ is UUID=$root_src, fstab names $fstab_uuid"
swap=$(g swapon --show=NAME,SIZE --noheadings)
fact "swap" "$swap"
[ -n "$swap" ] || fail "no swap active (256M planned)"
active=$(g nmcli -t -f NAME,DEVICE connection show --active)
fact "NetworkManager active" "$(tr '\n' ' ' <<<"$active")"
dev=$(awk -F: -v p="$profile" '$1 == p {print $2}' <<<"$active")
[ -n "$dev" ] || fail "the installer's profile '$profile' is not active"
addr=$(g nmcli -g IP4.ADDRESS device show "$dev")
fact "$dev address" "$addr"
grep -q '^10\.0\.2\.15/24' <<<"$addr" || fail "no DHCP address on $dev: '$addr'"
host=$(g hostnamectl hostname)
tz=$(g timedatectl show -p Timezone --value)
loc=$(g localectl status)
fact "hostnamectl" "$host"
fact "timedatectl" "$tz"
fact "localectl" "$(grep -E 'Locale|Keymap' <<<"$loc" | tr -s ' ' | tr '\n' ';')"
[ "$host" = realbox.example.com ] || fail "hostname '$host'"
[ "$tz" = Europe/Berlin ] || fail "time zone '$tz'"
grep -q 'LANG=de_DE.UTF-8' <<<"$loc" || fail "locale: $loc"
grep -q 'VC Keymap: de$' <<<"$loc" || fail "keymap: $loc"
mid=$(g cat /etc/machine-id)
fact "machine-id" "$mid"
[[ "$mid" =~ ^[0-9a-f]{32}$ ]] || fail "/etc/machine-id is '$mid'"
# The image said "uninitialized" (test-system-boot-steps checks it): this
# was the first boot, and PID 1 made the ID.
# (read whole first: grep -q on the ssh pipe would end it with SIGPIPE,
# which pipefail reports as a failure)
kmsg=$(gs dmesg 2>&1 || :)
grep -q 'systemd\[1\]: Initializing machine ID' <<<"$kmsg" ||
	fail "PID 1 did not initialize the machine ID this boot"
first=$(g systemctl show -P ConditionResult systemd-firstboot.service)
fact "first boot" "ConditionFirstBoot units ran: $first"
[ "$first" = yes ] || fail "systemd did not take this for the first boot"
g "rpm -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n'" >"$WORK/rpmqa.raw" 2>"$WORK/rpmqa.err" ||
	{ cat "$WORK/rpmqa.err"; fail "rpm -qa failed in the guest"; }
grep -v '^gpg-pubkey-' "$WORK/rpmqa.raw" | sort >"$WORK/rpmqa.txt"
fact "rpm -qa" "$(wc -l <"$WORK/rpmqa.txt") packages (+ $(grep -c '^gpg-pubkey-' "$WORK/rpmqa.raw" || :) gpg-pubkey)"
diff -u "$WORK/planned.txt" "$WORK/rpmqa.txt" || fail "rpm -qa differs from what the installer installed"
va=$(gs rpm -Va || :)
# Config files (flag c) may differ: the installer edits them.
notcfg=$(grep -Ev '^[^ ]+ +c /' <<<"$va" || :)
fact "rpm -Va" "$(grep -c . <<<"$va") config file(s) changed, $(grep -c . <<<"$notcfg") other"
[ -z "$notcfg" ] || { echo "$notcfg"; fail "rpm -Va reports changes outside config files"; }
gs true || fail "sudo -S with the user's password failed"
fact "sudo (password on stdin)" "ok"
if "${SSH[@]}" root@127.0.0.1 true 2>/dev/null; then fail "root logged in over SSH"; fi
rootpw=$(gs passwd -S root | awk '{print $2}')
fact "root" "SSH refused, password status $rootpw"
[ "$rootpw" = L ] || fail "root's password is not locked ($rootpw)"
enf=$(g getenforce)
fact "getenforce" "$enf"
[ "$enf" = Enforcing ] || fail "SELinux is '$enf', not Enforcing"
ctx=$(g id -Z)
fact "ada's context" "$ctx"
avc=$(gs journalctl -b -k --no-pager | grep -c 'avc: *denied' || :)
fact "AVC denials this boot" "$avc"
used=$(g df -m --output=used / | tail -1 | tr -d ' ')
npk=$(wc -l <"$WORK/rpmqa.txt")
alloc=$(du -m "$img" | cut -f1)
fact "footprint" "${used} MiB used on /, ${npk} packages, image ${alloc} MiB allocated"
qemu_kill
wait "$CONSOLE_PID" 2>/dev/null || :
echo "figures: install ${install_s} s on this host; boot to SSH ${ssh_s} s (TCG); / ${used} MiB, ${npk} packages"
echo "all real-system checks passed"
