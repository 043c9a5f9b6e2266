#!/bin/bash
# Issue #20: the QEMU controller matrix. What the live system drives, the
# installed system drives too, on every storage controller and NIC QEMU
# emulates (docs/system.md, "Driver matrix").
#
# 1. One live boot of the ISO's kernel and initramfs (taken out of
#    build/azl-installer.iso with xorriso and booted directly: the medium's
#    own repository would replace the answer file's, and the HTTP
#    repository needs ip=dhcp) with all seven storage controllers attached
#    at once (megasas, mptsas1068, pvscsi, lsi53c895a, q35's AHCI with an
#    ide-hd, nvme, usb-storage on qemu-xhci) and all five NICs. The target
#    disk sits behind megasas, every other controller carries a small disk
#    (the one on usb-storage is the OEMDRV volume with the answer file).
#    The answer file installs build/real-repo (Debian 12's systemd,
#    NetworkManager, OpenSSH as signed RPMs), served over HTTP from
#    127.0.0.1 (the guest's 10.0.2.2), its key pinned in the answer file by
#    URL and full fingerprint (DESIGN.md, Trust). A pre script prints, from
#    the live system, the driver behind each disk and NIC; the installer's
#    host-only dracut then takes every loaded block driver.
# 2. The installed disk (snapshot=on: each boot starts from the installed
#    state) booted behind each controller with a NIC under test, two
#    guests at a time (-smp 1 each): login as root on the serial console,
#    then `matrix-facts` (written by the answer file's post script) prints
#    the root disk's controller driver, each NIC's driver and its DHCP
#    lease, checked against the cell.
# 3. The disk moved to a controller that was not there at install
#    (am53c974, driver am53c974, loaded nowhere in the live system), booted
#    with the 0-rescue entry chosen in GRUB's menu over the serial console.
#
# Prints the matrix (controller, NIC, driver seen, lease, boot seconds)
# and the install time. AZL_MATRIX_CELLS="megasas:e1000 nvme:e1000e ..."
# runs only those cells (default: all).
. "$(dirname "$0")/lib.sh"
e2e_requirements
if [ "$(id -u)" != 0 ]; then echo "SKIP: not root"; exit 77; fi
# AZL_MATRIX_INSTALL=live (default): the install runs in the live system
# (step 1 above). =host: the install runs on this host into the disk image
# (loop devices; the target's dracut is then generic, and there is neither
# a live check nor a 0-rescue entry). Hand-run only (docs/system.md).
MODE=${AZL_MATRIX_INSTALL:-live}
case "$MODE" in live | host) ;; *) echo "AZL_MATRIX_INSTALL=live|host" >&2; exit 1 ;; esac
for t in gpg xorriso losetup; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is missing (scripts/deps.sh installs it)"; exit 77; }
done
e2e_workdir "${AZL_MATRIX_WORK:-driver-matrix}"
targets=$(cmake --build "$AZL_BUILD_DIR" --target help 2>/dev/null || :)
if ! grep -q '^\.\.\. real-repo$' <<<"$targets"; then
	echo "SKIP: this build has no real-repo target"
	exit 77
fi
T_ALL=$(now)
if [ "$MODE" = live ]; then e2e_build real-repo iso; else e2e_build real-repo azl-installer; fi
: "${AZL_BIN:=$AZL_BUILD_DIR/azl-installer}"
REPO=${AZL_REAL_REPO:-$AZL_BUILD_DIR/real-repo}
ISO=$AZL_BUILD_DIR/azl-installer.iso
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# --- the live system's kernel and initramfs, out of the ISO ---------------
if [ "$MODE" = live ]; then
	xorriso -osirrox on -indev "$ISO" -extract /boot/vmlinuz "$WORK/vmlinuz" \
		-extract /boot/initrd.img "$WORK/initrd.img" >"$WORK/xorriso.log" 2>&1 ||
		{ cat "$WORK/xorriso.log"; fail "cannot take the kernel out of $ISO"; }
fi

# --- the repository over HTTP, its key pinned by fingerprint --------------
e2e_repo_key "$REPO"
key=$KEY fpr=$FPR
e2e_http "$REPO"
url=http://10.0.2.2:$HTTP_PORT
[ "$MODE" = live ] || url=http://127.0.0.1:$HTTP_PORT

mac=52:54:00:20:20:01
# The live system's scripts: what it drives (pre), its log on failure
# (error). Not for an install on this host.
LIVE_SCRIPTS=
if [ "$MODE" = live ]; then
	LIVE_SCRIPTS=$(
		cat <<YAML
  pre:
    - run: |
        # What the live system drives: each disk's and NIC's driver.
        drv() {
          p=\$(readlink -f "\$1")
          while [ -n "\$p" ] && [ "\$p" != / ] && [ "\$p" != /sys ]; do
            if [ -L "\$p/driver" ]; then
              d=\$(basename "\$(readlink "\$p/driver")")
              [ "\$d" != sd ] && { echo "\$d"; return; }
            fi
            p=\${p%/*}
          done
        }
        # SAS discovery (mptsas) ends after the module is loaded: wait
        # for the six SCSI disks of the test (at most 30 s).
        i=0
        while [ "\$(ls -d /sys/block/sd* 2>/dev/null | wc -l)" -lt 6 ] && [ \$i -lt 30 ]; do
          sleep 1; i=\$((i + 1))
        done
        for d in /sys/bus/pci/drivers/*; do
          for l in "\$d"/0000:*; do
            [ -e "\$l" ] && echo "LIVE pci=\${l##*/} driver=\${d##*/}"
          done
        done >/dev/console
        dmesg | grep -iE 'mptsas|mptbase|ioc0' | tail -6 | sed 's/^/LIVE dmesg: /' >/dev/console
        for b in /sys/block/*; do
          [ -e "\$b/device" ] || continue
          echo "LIVE disk=\${b##*/} driver=\$(drv "\$b/device") size=\$(cat "\$b/size")"
        done >/dev/console
        for n in /sys/class/net/*; do
          [ -e "\$n/device" ] || continue
          echo "LIVE nic=\${n##*/} driver=\$(drv "\$n/device") mac=\$(cat "\$n/address")"
        done >/dev/console
  error:
    - run: tail -n 40 /run/azl-installer/install.log | sed 's/^/LOG /' >/dev/console
YAML
	)
fi
cat >"$WORK/answers.yaml" <<YAML
version: 1
hostname: matrix.example.com
timezone: UTC
selinux: disabled
storage: {disks: [{match: {size: largest}}], wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios, timeout: 3, kernel_args: ["console=ttyS0,115200", "quiet"]}
network:
  interfaces:
    - match: {mac: "$mac"}
      dhcp4: true
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages:
  repos:
    - name: real
      baseurl: "$url/"
      gpgkey: "$url/$key"
      gpgkey_fingerprint: "$fpr"
  # (grep, sed, findutils, gawk, gzip: Debian's "essential" tools, which
  # the repackaged dracut uses without requiring them)
  install: ["@minimal", kernel, systemd, systemd-udev, dbus-broker, NetworkManager, openssh-server, iproute,
            procps-ng, util-linux, kmod, grep, sed, findutils, gawk, gzip, tar, which, hostname]
  install_weak_deps: false
scripts:
$LIVE_SCRIPTS
  post:
    - chroot: true
      run: |
        mkdir -p /usr/local/sbin
        cat >/usr/local/sbin/matrix-facts <<'EOF'
        #!/bin/sh
        # tests/e2e/driver-matrix.sh: what this boot drives.
        drv() {
          p=\$(readlink -f "\$1")
          while [ -n "\$p" ] && [ "\$p" != / ] && [ "\$p" != /sys ]; do
            if [ -L "\$p/driver" ]; then
              d=\$(basename "\$(readlink "\$p/driver")")
              [ "\$d" != sd ] && { echo "\$d"; return; }
            fi
            p=\${p%/*}
          done
        }
        i=0
        while [ \$i -lt 120 ] && ! ip -4 -o addr show scope global | grep -q dynamic; do
          sleep 1; i=\$((i + 1))
        done
        src=\$(findmnt -no SOURCE /)
        disk=\$(basename "\$(readlink -f "/sys/class/block/\${src#/dev/}/..")")
        echo "MATRIX root=\$src disk=\$disk driver=\$(drv "/sys/block/\$disk/device")"
        for n in /sys/class/net/*; do
          [ -e "\$n/device" ] || continue
          nic=\${n##*/}
          lease=\$(ip -4 -o addr show dev "\$nic" | awk '/dynamic/ {print \$4}')
          echo "MATRIX nic=\$nic driver=\$(drv "\$n/device") lease=\${lease:-none}"
        done
        echo "MATRIX nm=\$(nmcli -t -f DEVICE,STATE device | tr '\n' ' ')"
        echo "MATRIX cmdline=\$(cat /proc/cmdline)"
        echo "MATRIX end"
        EOF
        chmod 755 /usr/local/sbin/matrix-facts
finish: poweroff
YAML
[ "$MODE" = host ] || e2e_oemdrv "$WORK/answers.yaml" azl-answers.yaml "$WORK/oemdrv.img"

# --- devices ----------------------------------------------------------------
# storage_args CTRL DRIVE-OPTS: a controller and one disk behind it.
storage_args() {
	local c=$1 d=$2 id=$3
	case "$c" in
	mptsas1068)
		# QEMU's SAS HBA reports the disk's wwn as its SAS address; with
		# the default (0) Linux's mptsas skips the device: the HBA and its
		# eight phys come up, no disk ever does. A real SAS disk always
		# has one.
		echo "-device $c,id=c$id -drive if=none,id=d$id,$d -device scsi-hd,drive=d$id,bus=c$id.0,wwn=0x5000c5000020200$id,bootindex=$id" ;;
	megasas | pvscsi | lsi53c895a | am53c974 | virtio-scsi-pci)
		echo "-device $c,id=c$id -drive if=none,id=d$id,$d -device scsi-hd,drive=d$id,bus=c$id.0,bootindex=$id" ;;
	ahci) echo "-drive if=none,id=d$id,$d -device ide-hd,drive=d$id,bus=ide.0,bootindex=$id" ;;
	nvme) echo "-drive if=none,id=d$id,$d -device nvme,drive=d$id,serial=azl$id,bootindex=$id" ;;
	usb-storage) echo "-device qemu-xhci,id=c$id -drive if=none,id=d$id,$d -device usb-storage,bus=c$id.0,drive=d$id,bootindex=$id" ;;
	*) fail "unknown controller $c" ;;
	esac
}
nic_model() {
	case "$1" in
	rtl8139 | e1000 | e1000e | vmxnet3 | i82559er) echo "$1" ;;
	*) fail "unknown NIC $1" ;;
	esac
}
declare -A STORAGE_DRIVER=([megasas]=megaraid_sas [mptsas1068]=mptsas [pvscsi]=vmw_pvscsi
	[lsi53c895a]=sym53c8xx [ahci]=ahci [nvme]=nvme [usb-storage]=usb-storage
	[am53c974]=am53c974)
declare -A NIC_DRIVER=([e1000]=e1000 [e1000e]=e1000e [rtl8139]='8139cp|8139too'
	[vmxnet3]=vmxnet3 [i82559er]=e100)

# --- 1. the install: every controller and NIC at once -----------------------
img=$WORK/disk.img
truncate -s 4G "$img"
# The target disk behind $TARGET (megasas), a small disk behind every other
# controller, the OEMDRV volume behind usb-storage.
TARGET=${AZL_MATRIX_TARGET:-megasas}
dev_args=()
id=1
for c in megasas mptsas1068 pvscsi lsi53c895a ahci nvme usb-storage; do
	if [ "$c" = "$TARGET" ]; then
		f="file=$img,format=raw,cache=unsafe"
	elif [ "$c" = usb-storage ]; then
		f="file=$WORK/oemdrv.img,format=raw"
	else
		truncate -s 16M "$WORK/small-$c.img"
		f="file=$WORK/small-$c.img,format=raw"
	fi
	# shellcheck disable=SC2207 # the words of storage_args
	dev_args+=($(storage_args "$c" "$f" $id))
	id=$((id + 1))
done
i=0
for n in e1000 e1000e rtl8139 vmxnet3 i82559er; do
	m=$mac
	[ $i -eq 0 ] || m=52:54:00:20:21:0$i
	dev_args+=(-netdev "user,id=n$i" -device "$n,netdev=n$i,mac=$m")
	i=$((i + 1))
done
live_bad=
if [ -n "${AZL_MATRIX_IMAGE:-}" ]; then
	# (a disk this test installed before: the matrix only)
	cp --sparse=always "$AZL_MATRIX_IMAGE" "$img"
	install_s=0
elif [ "$MODE" = host ]; then
	echo "== 1. install on this host into the disk image (generic initramfs) =="
	t=$(now)
	"$AZL_BIN" install --answers "$WORK/answers.yaml" --disk "$img" --yes \
		--log "$WORK/install.log" >"$WORK/install.out" 2>&1 ||
		{ tail -30 "$WORK/install.out"; fail "the install failed (log: $WORK/install.log)"; }
	install_s=$(since "$t")
	ok "installed the real repository on this host in ${install_s} s"
else
	echo "== 1. live boot, seven controllers, five NICs, real repository over HTTP =="
	t=$(now)
	rm -f "$WORK/install.sock"
	qemu-system-x86_64 -accel tcg -machine q35 -smp 2 -m 2048 -display none -vga none \
		-monitor none -no-reboot \
		-chardev "socket,id=s0,path=$WORK/install.sock,server=on,wait=on" -serial chardev:s0 \
		-kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" \
		-append "console=ttyS0,115200n8 ip=dhcp azl.unattended quiet" \
		"${dev_args[@]}" >"$WORK/install.qemu.log" 2>&1 &
	QEMU_PIDS="$QEMU_PIDS $!"
	QEMU_PID=$!
	# (the failure line of the live system, after the error script's LOG lines)
	console install reject 'Kernel panic' reject 'azl-installer exited with' \
		expect 'installer ready after' 240 mark installer-ready \
		expect '"phase":"packages"' 600 mark packages \
		expect '"phase":"bootloader"' 1200 mark bootloader \
		eof 1200 mark poweroff || { cat "$WORK/install.qemu.log"; fail "the install did not finish"; }
	qemu_wait 30 || :
	install_s=$(since "$t")
	tr -d '\r' <"$WORK/install.log" >"$WORK/install.txt"
	grep '^LIVE ' "$WORK/install.txt" || fail "the pre script printed nothing"
	for c in megasas mptsas1068 pvscsi lsi53c895a ahci nvme usb-storage; do
		d=${STORAGE_DRIVER[$c]}
		[ "$c" = usb-storage ] && d=xhci_hcd
		grep -Eq "^LIVE pci=[0-9a-f:.]+ driver=($d)$" "$WORK/install.txt" ||
			fail "the live system did not bind $d to the $c controller"
		d=${STORAGE_DRIVER[$c]}
		if ! grep -Eq "^LIVE disk=[a-z0-9]+ driver=($d) " "$WORK/install.txt"; then
			echo "FAIL: the live system sees no disk behind $c ($d)"
			live_bad="$live_bad $c"
		fi
	done
	for n in e1000 e1000e rtl8139 vmxnet3 i82559er; do
		d=${NIC_DRIVER[$n]}
		grep -Eq "^LIVE nic=[^ ]+ driver=($d) " "$WORK/install.txt" ||
			fail "the live system has no NIC $n driven by $d"
	done
	grep -q '"phase":"finish"' "$WORK/install.txt" || fail "no sign of a finished install"
	ok "installed the real repository from the live system in ${install_s} s (QEMU start to power-off)"

fi

# --- 2. the matrix --------------------------------------------------------------
# cell NAME CTRL NIC [rescue]: boots the installed disk, logs in on the
# serial console, runs matrix-facts; writes $WORK/NAME.result.
cell() {
	local name=$1 ctrl=$2 nic=$3 rescue=${4:-} t0 steps=()
	t0=$(now)
	rm -f "$WORK/$name.sock"
	# shellcheck disable=SC2046
	qemu-system-x86_64 -accel tcg -machine q35 -smp 1 -m 1024 -display none -vga none \
		-monitor none -no-reboot \
		-chardev "socket,id=s0,path=$WORK/$name.sock,server=on,wait=on" -serial chardev:s0 \
		$(storage_args "$ctrl" "file=$img,format=raw,snapshot=on" 1) \
		-netdev "user,id=n0" -device "$(nic_model "$nic"),netdev=n0,mac=$mac" \
		>"$WORK/$name.qemu.log" 2>&1 &
	local qpid=$!
	if [ -n "$rescue" ]; then
		# GRUB's menu on the serial console: the 0-rescue entry is the last
		# of two; Ctrl-N moves down, Enter boots it.
		steps=(expect '0-rescue' 120 send '\x0e' send '\r')
	fi
	local rc=0
	console "$name" reject 'Kernel panic' reject 'Entering emergency mode' \
		reject 'Give root password for maintenance' \
		"${steps[@]}" expect 'login: *$' 600 mark login \
		send 'root\n' expect 'Password: *$' 60 send 'azl-e2e\n' expect '# *$' 60 \
		send '/usr/local/sbin/matrix-facts\n' expect 'MATRIX end' 240 mark facts \
		>"$WORK/$name.console.out" 2>&1 || rc=$?
	kill "$qpid" 2>/dev/null || :
	wait "$qpid" 2>/dev/null || :
	local login facts
	login=$(awk '$1 == "mark" && $2 == "login" {print $3}' "$WORK/$name.console.out")
	tr -d '\r' <"$WORK/$name.log" | grep '^MATRIX ' >"$WORK/$name.facts" || :
	echo "rc=$rc login=${login:-} total=$(since "$t0")" >"$WORK/$name.result"
}

# The last cell moves the disk to a controller the live system never saw
# (am53c974) and boots GRUB's 0-rescue entry (the generic initramfs).
CELLS=${AZL_MATRIX_CELLS:-"megasas:e1000 mptsas1068:e1000e pvscsi:vmxnet3 lsi53c895a:rtl8139 ahci:i82559er nvme:e1000 usb-storage:rtl8139 am53c974:e1000e:rescue"}
echo "== 2. the installed disk behind each controller, two guests at a time =="
t=$(now)
# (in a subshell, whose only children are the cells: the HTTP server is
# a child of this shell, and a bare wait here would wait for it forever)
(
	running=0
	for c in $CELLS; do
		IFS=: read -r ctrl nic rescue <<<"$c"
		if [ $running -ge 2 ]; then
			wait -n || :
			running=$((running - 1))
		fi
		cell "$ctrl-$nic" "$ctrl" "$nic" "$rescue" &
		running=$((running + 1))
	done
	wait
)
matrix_s=$(since "$t")

printf '\n%-12s %-9s %-14s %-10s %-16s %-6s %s\n' controller NIC "root driver" "NIC driver" lease boot-s result
bad=0
for c in $CELLS; do
	IFS=: read -r ctrl nic rescue <<<"$c"
	name=$ctrl-$nic
	res=$(cat "$WORK/$name.result" 2>/dev/null || echo rc=9)
	rc=$(sed -n 's/.*rc=\([0-9]*\).*/\1/p' <<<"$res")
	login=$(sed -n 's/.*login=\([0-9]*\).*/\1/p' <<<"$res")
	rdrv=$(sed -n 's/^MATRIX root=.* driver=\(.*\)$/\1/p' "$WORK/$name.facts" 2>/dev/null | head -1)
	nline=$(grep '^MATRIX nic=' "$WORK/$name.facts" 2>/dev/null | head -1 || :)
	ndrv=$(sed -n 's/.* driver=\([^ ]*\) .*/\1/p' <<<"$nline")
	lease=$(sed -n 's/.* lease=\([^ ]*\)$/\1/p' <<<"$nline")
	verdict=ok
	if [ "$rc" != 0 ]; then verdict="no login/facts (console rc $rc)"
	elif ! grep -Eq "^(${STORAGE_DRIVER[$ctrl]})$" <<<"$rdrv"; then verdict="root driver '$rdrv'"
	elif ! grep -Eq "^(${NIC_DRIVER[$nic]})$" <<<"$ndrv"; then verdict="NIC driver '$ndrv'"
	elif ! [[ "$lease" =~ ^10\.0\.2\.[0-9]+/24$ ]]; then verdict="no DHCP lease"
	elif [ -n "$rescue" ] && ! grep -q '^MATRIX cmdline=.*rescue' "$WORK/$name.facts"; then
		verdict="not the rescue entry"
	fi
	[ "$verdict" = ok ] || bad=$((bad + 1))
	printf '%-12s %-9s %-14s %-10s %-16s %-6s %s\n' "$ctrl${rescue:+ (rescue)}" "$nic" \
		"${rdrv:--}" "${ndrv:--}" "${lease:--}" "${login:--}" "$verdict"
done
echo
echo "figures: install ${install_s} s ($MODE); matrix ${matrix_s} s for $(wc -w <<<"$CELLS") boots; whole test $(since "$T_ALL") s"
[ -z "$live_bad" ] || fail "the live system saw no disk behind:$live_bad"
[ $bad -eq 0 ] || fail "$bad cell(s) of the matrix failed (consoles: $WORK/*.log)"
echo "all driver matrix cells passed"
