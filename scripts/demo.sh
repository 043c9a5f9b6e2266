#!/bin/bash
# The main job (README.md): build everything, then a real install of the
# real system in QEMU (TCG, no KVM needed), checked from inside over SSH:
#   1. build the installer, the demo and real repositories, the live
#      initramfs and the hybrid ISO whose repository is the real one
#      (build/azl-installer-real.iso: Debian 12's systemd, dracut,
#      NetworkManager, OpenSSH, SELinux policy, ... as signed RPMs);
#   2. create a sparse 20 GiB disk image, an SSH key and a password (files
#      in build/demo/, mode 0600), and a small volume labelled OEMDRV
#      holding the answer file written below as azl-answers.yaml;
#   3. boot the ISO (SeaBIOS) with both: the live system finds the answer
#      file, installs unattended (JSON progress on the serial console) and
#      powers off (finish: poweroff);
#   4. boot the installed disk, log in over SSH with the key (QEMU's user
#      network, hostfwd on 127.0.0.1 only) and print what the running
#      system says of itself: PID 1, its state, /, swap, NetworkManager,
#      host name, time zone, locale, machine-id, rpm -qa and rpm -Va,
#      sudo with the password, SELinux;
#   5. print the timings.

set -euo pipefail
cd "$(dirname "$0")/.."

B=${AZL_DEMO_BUILD:-build} # the build directory (default build/)
./scripts/deps.sh
t_all=$(date +%s.%N)
cmake -S . -B "$B" -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$B" -j"$(nproc)"
cmake --build "$B" --target iso iso-real

AZL_SOURCE_DIR=$PWD
AZL_BUILD_DIR=$PWD/$B
# shellcheck source=../tests/e2e/lib.sh
. tests/e2e/lib.sh
WORK=$AZL_BUILD_DIR/demo
rm -rf "$WORK"
mkdir -p "$WORK"
QEMU_PIDS=
trap 'for p in $QEMU_PIDS; do kill "$p" 2>/dev/null || :; done' EXIT
MEM=${AZL_DEMO_MEM:-1536}

umask 077
ssh-keygen -q -t ed25519 -N '' -C azl-demo -f "$WORK/id" >/dev/null
# The user's password, in plaintext in the answer file (the installer
# hashes it with yescrypt); the check below types it to sudo.
printf 'demo-%s' "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')" >"$WORK/password"
mac=52:54:00:de:30:01
answers=$WORK/answers.yaml
cat >"$answers" <<YAML
version: 1
hostname: demo.example.com
timezone: Europe/Berlin
keyboard: de
locale: de_DE.UTF-8
selinux: enforcing
storage: {disks: [/dev/vda], wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: 256M}
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
      password: "$(cat "$WORK/password")"
      ssh_authorized_keys: ["$(cat "$WORK/id.pub")"]
packages: {install: ["@minimal"]}
finish: poweroff
YAML
umask 022
"$B"/azl-installer validate "$answers"
e2e_oemdrv "$answers" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 20G "$WORK/disk.img"
t_build=$(since "$t_all")
echo
echo "== booting $B/azl-installer-real.iso in QEMU (TCG, SeaBIOS, $MEM MiB): unattended install =="
echo "   (answer file: $answers; serial console: $WORK/install.log)"
t=$(now)
qemu_start install bios -boot order=d -cdrom "$B"/azl-installer-real.iso \
	-drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on" \
	-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,mac=$mac
marks=$(console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'Install Azure Linux 4.0' 120 mark boot-menu \
	expect 'installer ready after' 300 mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"bootloader"' 1800 mark bootloader \
	expect '\{"phase":"finish","percent":100' 3600 mark install-finished \
	eof 180)
qemu_wait 60
t_install=$(since "$t")
grep -a '^{"phase"' "$WORK/install.log" | tr -d '\r' | grep -v '"phase":"packages"' | sed 's/^/   /'

echo
echo "== booting the installed disk; logging in over SSH (serial console: $WORK/boot.log) =="
port=$(e2e_free_port)
t=$(now)
qemu_start boot bios -drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-nic "user,model=virtio-net-pci,mac=$mac,hostfwd=tcp:127.0.0.1:$port-:22"
console boot reject 'Kernel panic' eof 3600 >"$WORK/console.out" 2>&1 &
e2e_ssh_setup "$port" ada
e2e_wait_ssh boot 1200 || :
t_ssh=$(since "$t")
[ -n "$SSH_UP" ] || { tail -40 "$WORK/boot.log"; fail "no SSH login as ada within $t_ssh s of the boot"; }
echo "   ssh -p $port -i $WORK/id ada@127.0.0.1: logged in $t_ssh s after QEMU started"
gs cat /var/log/azl-installer/install.log >"$WORK/installed.log" ||
	fail "no /var/log/azl-installer/install.log in the installed system"
e2e_planned_packages "$WORK/installed.log" "$WORK/planned.txt"
profile=$(tr -d '\r' <"$WORK/installed.log" |
	sed -n 's|.*wrote /etc/NetworkManager/system-connections/\(.*\)\.nmconnection$|\1|p' | head -1)
echo
echo "== what the installed system says of itself =="
e2e_real_checks "$profile" demo.example.com Europe/Berlin de_DE.UTF-8 de
fact "$NM_DEV address" "$(g nmcli -g IP4.ADDRESS device show "$NM_DEV")"
fact "getenforce" "$(g getenforce)"
fact "kernel" "$(g uname -r)"
fact "footprint" "$(g df -m --output=used / | tail -1 | tr -d ' ') MiB used on /"
g sudo -S -p "''" poweroff <"$WORK/password" >/dev/null 2>&1 || :
qemu_wait 120 || qemu_kill

echo
echo "== timings (QEMU TCG on $(nproc) cores; seconds) =="
echo "   build (deps, installer, repositories, ISOs):      $t_build"
echo "$marks" | awk '{ printf "   ISO boot -> %-34s %s\n", $2 ":", $3 }'
echo "   whole unattended install (QEMU start to power-off): $t_install"
echo "   installed disk boot -> SSH login:                $t_ssh"
echo "   everything:                                      $(since "$t_all")"
echo
echo "The installed system ran and answered over SSH; the disk is $WORK/disk.img."
