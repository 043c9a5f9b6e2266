#!/bin/bash
# A harness run by hand until it passes (then it becomes test-tpm2-unlock.sh,
# picked up by ctest).
# Issue #16, TPM2 unlock (docs/storage.md "TPM2"). swtpm gives a QEMU
# guest (q35, OVMF) a TPM 2.0 on tpm-crb; its state directory is the
# machine's TPM across the boots of the test.
# 1. The ISO, booted as a CD through its UEFI chain (shim, GRUB, the live
#    kernel) as a machine boots it, installs the real repository (build/real-repo over HTTP from 127.0.0.1, key pinned by
#    fingerprint) with a LUKS2 root and storage.encryption.tpm2 {pcrs: [7],
#    recovery_key_file}: the installer enrolls a TPM2 key and a recovery
#    key with the target's systemd-cryptenroll. A post script (in the live
#    system) checks the recovery key file (mode 0600, one key) and that
#    the key opens the container (cryptsetup --test-passphrase), and
#    prints PCR 7 as the live system saw it.
#    PCR 7 must be what the installed system's shim and GRUB will
#    measure: the first run booted the live kernel directly (QEMU's
#    -kernel, no shim) and the key never unsealed (PCR 7 65CA... at
#    install, B926... in the installed system's boot through shim).
# 2. The installed disk boots with the TPM: no console input at all (a
#    passphrase prompt fails the test); root logs in on the serial console
#    and asks the running system: systemd-cryptenroll lists password, tpm2
#    and recovery slots; the journal says the TPM2 token unlocked /.
# 3. The same disk boots without the TPM: the initramfs asks for the
#    passphrase on the console, the test types it, and / is unlocked.
. "$(dirname "$0")/lib.sh"
e2e_requirements
if [ "$(id -u)" != 0 ]; then echo "SKIP: not root"; exit 77; fi
for t in swtpm gpg; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is missing (scripts/deps.sh installs it)"; exit 77; }
done
e2e_workdir tpm2-unlock
targets=$(cmake --build "$AZL_BUILD_DIR" --target help 2>/dev/null || :)
if ! grep -q '^\.\.\. real-repo$' <<<"$targets"; then
	echo "SKIP: this build has no real-repo target"
	exit 77
fi
T_ALL=$(now)
e2e_build real-repo iso
REPO=${AZL_REAL_REPO:-$AZL_BUILD_DIR/real-repo}
ISO=$AZL_BUILD_DIR/azl-installer.iso
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

e2e_repo_key "$REPO"
key=$KEY fpr=$FPR
e2e_http "$REPO"
url=http://10.0.2.2:$HTTP_PORT

pass="tpm2 e2e $(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
# (typed from a file: never in console.py's argv)
printf '%s\n' "$pass" >"$WORK/passphrase"
chmod 600 "$WORK/passphrase"
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: tpmbox
timezone: UTC
selinux: disabled
storage:
  disks: [/dev/vda]
  wipe: all
  table: gpt
  layout: plain
  filesystem: ext4
  swap: none
  encryption:
    passphrase: "$pass"
    pbkdf: pbkdf2
    pbkdf_iter_time: 200
    tpm2: {pcrs: [7], recovery_key_file: /run/azl-recovery-key}
bootloader: {firmware: uefi, timeout: 1, kernel_args: ["console=ttyS0,115200"]}
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages:
  repos:
    - name: real
      baseurl: "$url/"
      gpgkey: "$url/$key"
      gpgkey_fingerprint: "$fpr"
  # The few packages a LUKS root with a TPM key boots with (the plan adds
  # cryptsetup, tpm2-tss, tpm2-tools, GRUB and shim); grep, sed, findutils,
  # gawk, gzip: what the repackaged dracut runs without requiring it.
  install: [setup, filesystem, azurelinux-release, kernel, systemd, systemd-udev, dbus-broker, dracut, device-mapper, coreutils, util-linux,
            shadow-utils, kmod, e2fsprogs, grep, sed, findutils, gawk, gzip, which]
  install_weak_deps: false
scripts:
  post:
    - run: |
        f=/run/azl-recovery-key
        echo "TPMTEST pcr7-live=\$(cat /sys/class/tpm/tpm0/pcr-sha256/7 2>/dev/null)" >/dev/console
        grep -E 'TPM event log|not booted through shim' /run/azl-installer/install.log |
          sed 's/^/TPMTEST log /' >/dev/console
        echo "TPMTEST eventlog-live=\$(base64 /sys/kernel/security/tpm0/binary_bios_measurements | tr -d '\n')" >/dev/console
        echo "TPMTEST recovery-file mode=\$(stat -c %a \$f) lines=\$(wc -l <\$f)" >/dev/console
        uuid=\$(sed -n 's/^UUID=\([^ ]*\) .*/\1/p' \$f)
        dev=\$(blkid -U "\$uuid" 2>/dev/null || echo /dev/vda3)
        # (the key on cryptsetup's stdin, never on a command line)
        if sed -n 's/^UUID=[^ ]* //p' \$f | tr -d '\n' |
            cryptsetup open --test-passphrase --key-file=- "\$dev"; then
          echo "TPMTEST recovery-key opens the container" >/dev/console
        else
          echo "TPMTEST recovery-key REFUSED" >/dev/console
        fi
    - chroot: true
      run: |
        mkdir -p /usr/local/sbin
        cat >/usr/local/sbin/tpm-facts <<'EOF'
        #!/bin/sh
        # tests/e2e/test-tpm2-unlock.sh: what this boot unlocked, and how.
        for d in /dev/vda*; do
          cryptsetup isLuks "\$d" 2>/dev/null || continue
          echo "TPMTEST dev=\$d"
          systemd-cryptenroll "\$d" | sed 's/^/TPMTEST slots /'
        done
        echo "TPMTEST pcr7-boot=\$(cat /sys/class/tpm/tpm0/pcr-sha256/7 2>/dev/null)"
        echo "TPMTEST eventlog-boot=\$(base64 -w0 /sys/kernel/security/tpm0/binary_bios_measurements)"
        echo "TPMTEST tpm2-unlocks=\$(journalctl -b --no-pager | grep -ci 'tpm2 token unlocks')"
        grep -v '^#' /etc/crypttab | sed 's/^/TPMTEST crypttab /'
        echo "TPMTEST cmdline=\$(cat /proc/cmdline)"
        echo TPMTEST end
        EOF
        chmod 755 /usr/local/sbin/tpm-facts
  error:
    - run: tail -n 40 /run/azl-installer/install.log | sed 's/^/LOG /' >/dev/console
finish: poweroff
YAML
e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"
img=$WORK/disk.img
truncate -s 4G "$img"
cp "$OVMF_VARS" "$WORK/vars.fd"
mkdir -p "$WORK/tpm"

# swtpm_start: a TPM 2.0 for the next guest, its state in $WORK/tpm (it
# ends when QEMU closes the connection).
swtpm_start() {
	rm -f "$WORK/swtpm.sock"
	swtpm socket --tpm2 --tpmstate "dir=$WORK/tpm" \
		--ctrl "type=unixio,path=$WORK/swtpm.sock" \
		--log "file=$WORK/swtpm.log" >"$WORK/swtpm.out" 2>&1 &
	QEMU_PIDS="$QEMU_PIDS $!"
	local i=0
	while [ ! -S "$WORK/swtpm.sock" ]; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$WORK/swtpm.out"; fail "swtpm did not start"; }
	done
	TPM_ARGS=(-chardev "socket,id=chrtpm,path=$WORK/swtpm.sock"
		-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-crb,tpmdev=tpm0)
}

# guest NAME TPM(yes|no) QEMU-ARGS...: OVMF with the one variable store.
guest() {
	local name=$1 tpm=$2
	shift 2
	TPM_ARGS=()
	[ "$tpm" = yes ] && swtpm_start
	rm -f "$WORK/$name.sock"
	qemu-system-x86_64 -accel tcg -machine q35 -smp 2 -m "$MEM" -display none -vga none \
		-monitor none -no-reboot \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
		-drive "if=pflash,format=raw,unit=1,file=$WORK/vars.fd" \
		-chardev "socket,id=s0,path=$WORK/$name.sock,server=on,wait=on" -serial chardev:s0 \
		"${TPM_ARGS[@]}" "$@" >"$WORK/$name.qemu.log" 2>&1 &
	QEMU_PIDS="$QEMU_PIDS $!"
	QEMU_PID=$!
	local i=0
	while [ ! -S "$WORK/$name.sock" ]; do
		sleep 0.1
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$QEMU_PID" 2>/dev/null; then
			cat "$WORK/$name.qemu.log"
			fail "QEMU did not start"
		fi
	done
}

echo "== 1. install from the live system, TPM2 key enrolled =="
t=$(now)
guest install yes -boot order=d -cdrom "$ISO" \
	-drive "file=$img,if=virtio,format=raw,cache=unsafe" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on" \
	-netdev user,id=n0 -device virtio-net-pci,netdev=n0
console install reject 'Kernel panic' reject 'azl-installer exited with' \
	expect 'Install Azure Linux 4.0' 300 mark grub-menu \
	expect 'installer ready after' 300 mark installer-ready \
	expect '"phase":"packages"' 600 mark packages \
	expect '"phase":"bootloader"' 1200 mark bootloader \
	expect 'TPMTEST recovery-key' 1800 mark post \
	eof 300 mark poweroff || fail "the install did not finish"
qemu_wait 30 || :
install_s=$(since "$t")
tr -d '\r' <"$WORK/install.log" >"$WORK/install.txt"
grep -qF -f "$WORK/passphrase" "$WORK/install.txt" && fail "the passphrase is on the console"
grep '^TPMTEST' "$WORK/install.txt" | grep -v eventlog-
# The firmware's event logs, kept (tests/fixtures/tpm holds a pair).
sed -n 's/^TPMTEST eventlog-live=//p' "$WORK/install.txt" | base64 -d >"$WORK/eventlog-live.bin" || :
# (printed, not required: the run of 2026-12-03 found no event log at
# /sys/kernel/security/tpm0 in the live system; not diagnosed yet)
grep -Eq "^TPMTEST log .*TPM event log: [0-9]+ PCR 7 events, [1-9][0-9]* of them shim's.*boots through shim" \
	"$WORK/install.txt" || echo "note: the installer did not read shim's PCR 7 events from the live system's TPM event log"
grep -q 'not booted through shim' "$WORK/install.txt" && fail "the installer warned about PCR 7 although the ISO booted through shim"
grep -q '^TPMTEST recovery-file mode=600 lines=1$' "$WORK/install.txt" ||
	fail "the recovery key file is not one key in a 0600 file"
grep -q '^TPMTEST recovery-key opens the container$' "$WORK/install.txt" ||
	fail "the recovery key does not open the LUKS container"
ok "installed in ${install_s} s (QEMU start to power-off); TPM2 and recovery keys enrolled"

echo "== 2. boot with the TPM: no console input =="
t=$(now)
guest tpm yes -drive "file=$img,if=virtio,format=raw" -netdev user,id=n0,restrict=on \
	-device virtio-net-pci,netdev=n0
console tpm reject 'Kernel panic' reject '[Pp]assphrase (or recovery key )?for' reject 'Entering emergency mode' \
	expect 'login: *$' 600 mark login \
	send 'root\n' expect 'Password: *$' 60 send 'azl-e2e\n' expect '# *$' 60 \
	send '/usr/local/sbin/tpm-facts\n' expect 'TPMTEST end' 120 send 'poweroff\n' eof 120 ||
	fail "the installed system did not boot unattended with the TPM"
qemu_wait 30 || :
boot_s=$(since "$t")
tr -d '\r' <"$WORK/tpm.log" >"$WORK/tpm.txt"
grep '^TPMTEST' "$WORK/tpm.txt" | grep -v eventlog- || :
sed -n 's/^TPMTEST eventlog-boot=//p' "$WORK/tpm.txt" | base64 -d >"$WORK/eventlog-boot.bin" || :
live7=$(sed -n 's/^TPMTEST pcr7-live=//p' "$WORK/install.txt")
boot7=$(sed -n 's/^TPMTEST pcr7-boot=//p' "$WORK/tpm.txt")
[ -n "$live7" ] && [ "$live7" = "$boot7" ] ||
	fail "PCR 7 at install ($live7) is not PCR 7 of the installed system's boot ($boot7)"
for k in password tpm2 recovery; do
	grep -Eq "^TPMTEST slots +[0-9]+ +$k *\$" "$WORK/tpm.txt" ||
		fail "systemd-cryptenroll in the booted system lists no $k slot"
done
# The console never showed systemd-cryptsetup's prompt (rejected above)
# and crypttab has no key file: only the TPM2 token can have opened /.
# systemd 252 logs nothing about it at its default level (the journal
# line counted here was 0 in the passing run of 2026-12-03); printed only.
grep '^TPMTEST tpm2-unlocks=' "$WORK/tpm.txt" || :
grep -Eq '^TPMTEST crypttab [^ ]+ UUID=[^ ]+ none luks,tpm2-device=auto$' "$WORK/tpm.txt" ||
	fail "crypttab is not 'none luks,tpm2-device=auto' (a key file could have opened the volume)"
ok "booted to a root login with no console input in ${boot_s} s; slots password, tpm2, recovery"

echo "== 3. boot without the TPM: the passphrase =="
t=$(now)
guest notpm no -drive "file=$img,if=virtio,format=raw" -netdev user,id=n0,restrict=on \
	-device virtio-net-pci,netdev=n0
console notpm reject 'Kernel panic' reject 'Entering emergency mode' \
	expect '[Pp]assphrase (or recovery key )?for' 600 mark passphrase-prompt sendfile "$WORK/passphrase" \
	expect 'login: *$' 300 mark login ||
	fail "without the TPM, the passphrase did not unlock the system"
qemu_kill
ok "without the TPM the initramfs asked for the passphrase and it unlocked / ($(since "$t") s)"
echo "figures: install ${install_s} s, boot with TPM ${boot_s} s, whole test $(since "$T_ALL") s"
echo "all TPM2 unlock checks passed"
