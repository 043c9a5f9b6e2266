#!/bin/bash
# Issue #12, case (a): a real installed system, installed the way a user
# installs it and checked from inside over SSH. It replaced the
# demo-payload test of this name (busybox init) and keeps every check
# that test had. Its first passing run (2026-12-02): install 364 s, boot
# to SSH 140 s, 630 s in all at load ~2.5; at load 8-10 the same run
# took 1143 s + 496 s, hence the longer ctest timeout (tests/CMakeLists.txt).
#
# UEFI (OVMF): the ISO as a CD, an unattended install (answer file on a
# volume labelled OEMDRV; JSON progress on the serial console) of the
# guided LVM layout on LUKS2 (argon2id) with swap, from build/real-repo
# (Debian 12's real systemd, dracut, NetworkManager, OpenSSH, ... as signed
# RPMs) served over HTTPS on 127.0.0.1 (the guest's 10.0.2.2; the
# server's certificate chains to a CA made for the run, which the answer
# file's certificates: carries: the install trusts it in addition to the
# live store, the installed system gets it as a trust anchor, checked
# from inside), its key pinned in the answer file by URL and fingerprint; a static IPv4 address
# 10.0.2.15/24 via 10.0.2.2, DNS 10.0.2.3, on the NIC matched by its MAC;
# finish: poweroff. The target disk is an NVMe namespace (QEMU's nvme
# controller, serial AZLNVME0001), chosen in the answer file by
# match: {serial: ...} (issue #16, disk families).
#
# Between install and boot, the installed disk's ESP is read with mtools
# (shim as \EFI\BOOT\BOOTX64.EFI and in \EFI\azurelinux\ with GRUB next to
# it, a grub.cfg that finds /boot by its UUID) and the variable store the
# install VM used is parsed (tests/e2e/efivars.py): BootOrder must start
# with efibootmgr's "Azure Linux 4.0" entry for shim.
#
# Then the disk boots with the same variable store: OVMF must load that
# entry first; systemd's password prompt (the target's own dracut
# initramfs) gets the passphrase typed on the serial console from a file
# (never in argv, the environment or a log); the test logs in over SSH
# (hostfwd on 127.0.0.1, the answer file's key) and checks from inside
# (e2e_real_checks in lib.sh, plus): cryptsetup shows LUKS2 with argon2id,
# lvs the planned volumes with their planned sizes (azl-installer plan
# --json), the profile's static address, gateway and DNS on the NIC with
# the answer file's MAC, SELinux enforcing, / on a partition of nvme0n1
# (below dm-crypt and LVM) and nvme in the host-only initramfs. It prints the facts and the figures
# (install phases, boot to SSH) that docs/performance.md quotes.
. "$(dirname "$0")/lib.sh"
e2e_requirements
for t in ssh ssh-keygen gpg sfdisk blkid rpm2cpio cpio; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is missing (scripts/deps.sh installs it)"; exit 77; }
done
e2e_workdir uefi-lvm-luks
targets=$(cmake --build "$AZL_BUILD_DIR" --target help 2>/dev/null || :)
if ! grep -q '^\.\.\. real-repo$' <<<"$targets"; then
	echo "SKIP: this build has no real-repo target"
	exit 77
fi
e2e_build azl-installer real-repo iso
: "${AZL_BIN:=$AZL_BUILD_DIR/azl-installer}"
REPO=${AZL_REAL_REPO:-$AZL_BUILD_DIR/real-repo}
T_ALL=$(now)

# --- secrets and the answer file (files in the work directory only) -------
umask 077
ssh-keygen -q -t ed25519 -N '' -C e2e-uefi-lvm-luks -f "$WORK/id" >/dev/null
PW="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$PW" >"$WORK/password"
LUKS="luks $(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$LUKS" >"$WORK/passphrase"
umask 022

e2e_repo_key "$REPO"
key=$KEY fpr=$FPR
# Over HTTPS (issue 17): the server's certificate chains only to a CA made
# for this run, which the answer file's certificates: gives the install's
# downloads (and the installed system's trust anchors).
e2e_https "$REPO"
url=https://10.0.2.2:$HTTPS_PORT

mac=52:54:00:e2:12:0a
serial=AZLNVME0001
# The target: an NVMe namespace on QEMU's nvme controller.
nvme=(-drive "if=none,id=nvm,file=$WORK/disk.img,format=raw,cache=unsafe"
	-device "nvme,drive=nvm,serial=$serial")
host=vault.example.com
tz=America/New_York
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: $host
timezone: $tz
keyboard: fr
locale: fr_FR.UTF-8
selinux: enforcing
storage:
  disks: [{match: {serial: $serial}}]
  wipe: all
  table: gpt
  layout: lvm
  filesystem: ext4
  swap: 256M
  # (argon2id with less memory and time than libcryptsetup's default:
  # a throwaway test machine under TCG)
  encryption: {passphrase: "$LUKS", pbkdf: argon2id, pbkdf_memory: 65536, pbkdf_iter_time: 500}
bootloader: {firmware: uefi, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
network:
  interfaces:
    - match: {mac: "$mac"}
      addresses: [10.0.2.15/24]
      gateway4: 10.0.2.2
      dns: [10.0.2.3]
accounts:
  root: {lock: true}
  users:
    - name: ada
      groups: [wheel]
      password: "$PW"
      ssh_authorized_keys: ["$(cat "$WORK/id.pub")"]
packages:
  repos:
    - name: real
      baseurl: "$url/"
      gpgkey: "$url/$key"
      gpgkey_fingerprint: "$fpr"
  install: ["@minimal"]  # shim-x64: added by the installer for UEFI
certificates:
  - filename: azl-e2e-ca.pem
    dir: /etc/pki/ca-trust/source/anchors
    pem: |
$(sed 's/^/      /' "$WORK/e2e-ca.pem")
scripts:
  error:
    - run: tail -n 40 /run/azl-installer/install.log | sed 's/^/LOG /' >/dev/console
finish: poweroff
YAML
chmod 600 "$WORK/answers.yaml"
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"
chmod 600 "$WORK/oemdrv.img"
size=6G
truncate -s $size "$WORK/disk.img"

# What lvs must show: the plan for this disk.
python3 - "$E2E_DIR/../fixtures/machines/uefi-one-disk.json" "$WORK/disk.img" >"$WORK/machine.json" <<'EOF'
import json, os, sys
m = json.load(open(sys.argv[1]))
d = m["disks"][0]
d.update(path="/dev/nvme0n1", name="nvme0n1", serial="AZLNVME0001", model="QEMU NVMe Ctrl",
         transport="nvme", by_id=[], size=os.path.getsize(sys.argv[2]))
print(json.dumps(m))
EOF
"$AZL_BIN" plan --answers "$WORK/answers.yaml" --machine "$WORK/machine.json" --json >"$WORK/plan.json" ||
	fail "azl-installer plan failed"
python3 -c '
import json, sys
for vg in json.load(open(sys.argv[1]))["volume_groups"]:
    for v in vg["volumes"]:
        print(vg["name"], v["name"], v["size"])' "$WORK/plan.json" | sort >"$WORK/lvs.planned"
[ -s "$WORK/lvs.planned" ] || fail "the plan has no logical volumes"

# --- 1. the install: ISO as a CD, UEFI --------------------------------------
t=$(now)
qemu_start install uefi -boot order=d -cdrom "$AZL_BUILD_DIR/azl-installer.iso" \
	"${nvme[@]}" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on" \
	-nic "user,model=virtio-net-pci,mac=$mac"
console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'Install Azure Linux 4.0' 240 mark grub-menu \
	expect 'installer ready after' 240 mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"configure"' 900 mark configure \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 1800 mark finished \
	eof 180 >"$WORK/install.marks" || { cat "$WORK/install.marks"; fail "the install did not finish"; }
qemu_wait 60 || :
install_s=$(since "$t")
sed 's/^mark /  install: /' "$WORK/install.marks"
# (the secrets as patterns from their files, not in grep's argv)
grep -aqF -f "$WORK/passphrase" "$WORK/install.log" && fail "the passphrase is on the install console"
grep -aqF -f "$WORK/password" "$WORK/install.log" && fail "the password is on the install console"
ok "installed from $url in ${install_s} s (QEMU start to power-off)"
n=$(grep -c '^GET /Packages/.*\.rpm 200$' "$WORK/https.log" || :)
[ "$n" -gt 100 ] || fail "only $n packages were fetched over HTTPS (https.log)"
ok "$n packages fetched over HTTPS, the server trusted through certificates: only"

# --- 2. the ESP and NVRAM as the installer left them --------------------------
export MTOOLS_SKIP_CHECK=1
parts=$(sfdisk -J "$WORK/disk.img" | python3 -c '
import json, sys
t = json.load(sys.stdin)["partitiontable"]
for p in t["partitions"]:
    print(p["type"].upper(), p["start"] * t.get("sectorsize", 512))')
esp_off=$(awk '$1 == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" { print $2 }' <<<"$parts")
[ -n "$esp_off" ] || fail "no ESP on the installed disk: $parts"
esp="$WORK/disk.img@@$esp_off"
mkdir -p "$WORK/esp"
for f in BOOT/BOOTX64.EFI BOOT/grubx64.efi azurelinux/shimx64.efi \
	azurelinux/grubx64.efi azurelinux/grub.cfg; do
	mcopy -n -i "$esp" "::/EFI/$f" "$WORK/esp/${f/\//-}" || {
		mdir -/ -i "$esp" ::/EFI || :
		fail "the ESP has no \\EFI\\${f/\//\\}"
	}
done
shim_rpm=$(ls "$REPO"/Packages/shim-x64-*.rpm | head -1)
rpm2cpio "$shim_rpm" | (cd "$WORK/esp" && cpio -i --quiet --to-stdout \
	./boot/efi/EFI/azurelinux/shimx64.efi >shim.rpm.efi)
[ -s "$WORK/esp/shim.rpm.efi" ] || fail "no shimx64.efi in $shim_rpm"
cmp "$WORK/esp/BOOT-BOOTX64.EFI" "$WORK/esp/shim.rpm.efi" ||
	fail "\\EFI\\BOOT\\BOOTX64.EFI is not shim-x64's shim"
cmp "$WORK/esp/azurelinux-shimx64.efi" "$WORK/esp/shim.rpm.efi" || fail "\\EFI\\azurelinux\\shimx64.efi is not shim-x64's"
cmp "$WORK/esp/BOOT-grubx64.efi" "$WORK/esp/azurelinux-grubx64.efi" || fail "the two grubx64.efi differ"
if cmp -s "$WORK/esp/azurelinux-grubx64.efi" "$WORK/esp/shim.rpm.efi"; then
	fail "grubx64.efi is shim"
fi
boot_uuid=$(sed -n 's/^search .*--fs-uuid --set=dev \([^ ]*\)$/\1/p' "$WORK/esp/azurelinux-grub.cfg")
found=
while read -r _ off; do
	u=$(blkid -p -O "$off" -o value -s UUID "$WORK/disk.img" || :)
	fs=$(blkid -p -O "$off" -o value -s TYPE "$WORK/disk.img" || :)
	if [ -n "$boot_uuid" ] && [ "$u" = "$boot_uuid" ] && [ "$fs" = ext4 ]; then
		found=1
	fi
done <<<"$parts"
[ -n "$found" ] || {
	cat "$WORK/esp/azurelinux-grub.cfg"
	fail "the ESP's grub.cfg does not find /boot (an ext4 partition) by its UUID"
}
python3 "$E2E_DIR/efivars.py" "$WORK/vars.fd"
entry=$(python3 "$E2E_DIR/efivars.py" "$WORK/vars.fd" --first-is \
	"Azure Linux 4.0" '\EFI\azurelinux\shimx64.efi')
ok "ESP holds shim and GRUB; BootOrder starts with $entry"

# --- 3. the installed disk: passphrase on the console, then SSH -------------
port=$(e2e_free_port)
e2e_ssh_setup "$port" ada
t=$(now)
qemu_start boot uefi "${nvme[@]}" \
	-nic "user,model=virtio-net-pci,mac=$mac,hostfwd=tcp:127.0.0.1:$port-:22"
console boot reject 'Kernel panic' reject 'Entering emergency mode' \
	expect 'BdsDxe: starting Boot' 120 mark firmware \
	expect 'enter passphrase for disk' 300 mark passphrase-prompt \
	sendfile "$WORK/passphrase" \
	eof 3600 >"$WORK/boot.marks" 2>&1 &
CONSOLE_PID=$!
e2e_wait_ssh boot 900 || { cat "$WORK/boot.marks"; tail -40 "$WORK/boot.log"; fail "no SSH login as ada within the boot"; }
ssh_s=$(since "$t")
ok "SSH login with the answer file's key ${ssh_s} s after QEMU started (TCG)"
grep -aqF -f "$WORK/passphrase" "$WORK/boot.log" && fail "the passphrase is echoed on the console"

# OVMF's boot manager says what it loaded: our entry, first, through shim.
first=$(grep -a -m1 -o 'BdsDxe: loading Boot[0-9A-F]* "[^"]*"' "$WORK/boot.log" || :)
[ "$first" = "BdsDxe: loading $entry \"Azure Linux 4.0\"" ] ||
	fail "the firmware did not boot $entry first (it says: ${first:-nothing})"
started=$(grep -a -m1 -F "BdsDxe: starting $entry " "$WORK/boot.log" | tr -d '\r' || :)
case $started in
*'"Azure Linux 4.0" from HD('*')/\EFI\azurelinux\shimx64.efi') ;;
*) fail "OVMF did not start \\EFI\\azurelinux\\shimx64.efi through $entry: $started" ;;
esac

echo "facts from inside the installed system:"
gs cat /var/log/azl-installer/install.log >"$WORK/installed.log" || fail "no /var/log/azl-installer/install.log"
e2e_planned_packages "$WORK/installed.log" "$WORK/planned.txt"
# Host-only keeps the drivers of every disk controller bound at install
# (docs/system.md "Boot loader"): the installer CD's (sr_mod behind q35's
# AHCI) beside the installed disk's nvme, held by the initramfs. (The
# OEMDRV volume is a virtio disk: virtio_blk is bound too.)
ctl=$(tr -d '\r' <"$WORK/installed.log" |
	sed -n 's/.*host-only with the drivers of every disk controller: //p' | head -1)
fact "host-only disk controllers" "$ctl"
for m in sr_mod ahci nvme; do
	[[ " $ctl " == *" $m "* ]] || fail "host-only did not keep $m (every disk controller: '$ctl')"
done
held=$(tr -d '\r' <"$WORK/installed.log" |
	sed -n "s/.*holds the drivers of the machine's other disks too: //p" | head -1)
[[ ", $held, " == *", sr_mod, "* && ", $held, " == *", ahci, "* ]] ||
	fail "the initramfs check did not find the CD's sr_mod and ahci ('$held')"
profile=$(tr -d '\r' <"$WORK/installed.log" |
	sed -n 's|.*wrote /etc/NetworkManager/system-connections/\(.*\)\.nmconnection$|\1|p' | head -1)
[ -n "$profile" ] || fail "the install log names no NetworkManager profile"
e2e_real_checks "$profile" "$host" "$tz" fr_FR.UTF-8 fr
v=$(g nmcli -g IP4.ADDRESS,IP4.GATEWAY,IP4.DNS device show "$NM_DEV" | tr '\n' ' ')
fact "$NM_DEV (static)" "$v"
[ "$v" = "10.0.2.15/24 10.0.2.2 10.0.2.3 " ] || fail "$NM_DEV has '$v', not 10.0.2.15/24 via 10.0.2.2, DNS 10.0.2.3"
v=$(g nmcli -g ipv4.method connection show "$profile")
[ "$v" = manual ] || fail "the profile's ipv4.method is '$v', not manual"
v=$(g cat /sys/class/net/"$NM_DEV"/address)
[ "$v" = "$mac" ] || fail "the profile is active on $NM_DEV ($v), not the NIC $mac"
crypt=$(g lsblk -rno NAME,TYPE | awk '$2 == "crypt" {print $1; exit}')
[ -n "$crypt" ] || fail "no dm-crypt device"
st=$(gs cryptsetup status "$crypt")
fact "cryptsetup status $crypt" "$(grep -E '^ *(type|cipher|device):' <<<"$st" | tr -s ' ' | tr '\n' ';')"
grep -q '^ *type: *LUKS2$' <<<"$st" || { echo "$st"; fail "$crypt is not LUKS2"; }
dev=$(awk '$1 == "device:" {print $2}' <<<"$st")
kdf=$(gs cryptsetup luksDump "$dev" | awk '$1 == "PBKDF:" {print $2}' | sort -u | tr '\n' ' ')
fact "luksDump $dev PBKDF" "$kdf"
[ "$kdf" = "argon2id " ] || fail "the keyslots' PBKDF is '$kdf', not argon2id"
gs lvs --noheadings --units b --nosuffix -o vg_name,lv_name,lv_size |
	awk '{print $1, $2, $3}' | sort >"$WORK/lvs.txt"
fact "lvs" "$(tr '\n' ';' <"$WORK/lvs.txt")"
diff -u "$WORK/lvs.planned" "$WORK/lvs.txt" || fail "lvs differs from the plan"
g swapon --show=NAME --noheadings --raw | grep -q '^/dev/dm-\|^/dev/mapper/' ||
	fail "the swap in use is not the volume on LUKS"
# / through dm (LVM on LUKS) down to a partition of the NVMe namespace,
# the controller bound by the nvme driver.
v=$(g lsblk -rnso NAME,TYPE "$(g findmnt -no SOURCE /)" | awk '$2 == "part" {print $1}')
fact "/ below dm" "$v ($(g readlink -f /sys/class/block/nvme0n1/device/device/driver))"
[[ "$v" =~ ^nvme0n1p[0-9]+$ ]] || fail "/ is not on a partition of nvme0n1 ('$v')"
[ "$(basename "$(g readlink -f /sys/class/block/nvme0n1/device/device/driver)")" = nvme ] ||
	fail "nvme0n1's controller is not driven by nvme"
layout=$(tr -d '\r' <"$WORK/installed.log" | sed -n "s/.*holds what the layout needs: //p" | head -1)
fact "initramfs: the layout needs" "$layout"
[[ ", $layout, " == *", nvme, "* ]] || fail "the initramfs check did not find nvme for the layout ('$layout')"
img=$(tr -d '\r' <"$WORK/installed.log" | sed -n "s/.*initramfs '\([^']*\)' holds what the layout needs.*/\1/p" | head -1)
img=/boot/${img#*/boot/}
v=$(gs lsinitrd "$img" | grep -c '/nvme\.ko' || :)
fact "lsinitrd $img: nvme.ko" "$v"
[ "$v" -ge 1 ] || fail "the initramfs $img has no nvme.ko"
[ "$(g cat /sys/class/block/nvme0n1/device/serial | tr -d ' ')" = "$serial" ] ||
	fail "nvme0n1 is not the disk with serial $serial"
v=$(g getenforce)
fact "getenforce" "$v"
[ "$v" = Enforcing ] || fail "SELinux is '$v', not Enforcing"
g cat /etc/pki/ca-trust/source/anchors/azl-e2e-ca.pem | cmp -s - "$WORK/e2e-ca.pem" ||
	fail "/etc/pki/ca-trust/source/anchors/azl-e2e-ca.pem is not the answer file's certificate"
v=$(g "stat -c '%a %U' /etc/pki/ca-trust/source/anchors/azl-e2e-ca.pem")
fact "certificates: azl-e2e-ca.pem" "$v"
[ "$v" = "644 root" ] || fail "the certificate's mode and owner are '$v', not '644 root'"

# --- figures ------------------------------------------------------------------
used=$(g df -m --output=used / | tail -1 | tr -d ' ')
npk=$(wc -l <"$WORK/rpmqa.txt")
fact "footprint" "${used} MiB used on /, ${npk} packages"
qemu_kill
wait "$CONSOLE_PID" 2>/dev/null || :
echo "figures: install ${install_s} s (ISO boot to power-off, TCG); boot to SSH ${ssh_s} s (with the passphrase); whole test $(since "$T_ALL") s"
echo "all UEFI LVM+LUKS real-system checks passed"
