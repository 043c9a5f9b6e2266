# Helpers of the end-to-end tests (sourced). Each test boots the built ISO
# shellcheck shell=bash
# (or the PXE artifacts) in QEMU under TCG and reads the serial console
# through tests/e2e/console.py, which fails with the console's last lines.
#
# Environment: AZL_BUILD_DIR (the build with the `iso` and `pxe` targets),
# AZL_SOURCE_DIR; AZL_E2E_MEM (MiB, default 1536) for the guests.
# A test may set QEMU_WRAP (a command QEMU runs under, such as `ip netns
# exec NS`) and QEMU_SMP (default 2) before qemu_start.
set -euo pipefail

: "${AZL_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${AZL_BUILD_DIR:=$AZL_SOURCE_DIR/build}"
E2E_DIR=$AZL_SOURCE_DIR/tests/e2e
CONSOLE="python3 $E2E_DIR/console.py"
MEM=${AZL_E2E_MEM:-1536}
QEMU_WRAP=()
E2E_BOOT_STEPS=()
QEMU_SMP=2
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

e2e_requirements() {
	local t
	for t in qemu-system-x86_64 xorriso mkfs.vfat mcopy python3; do
		command -v "$t" >/dev/null || {
			echo "SKIP: $t is missing (scripts/deps.sh installs it)"
			exit 77
		}
	done
	[ -f "$OVMF_CODE" ] || { echo "SKIP: no $OVMF_CODE (package ovmf)"; exit 77; }
}

# A fresh work directory per test, removed at exit unless the test failed.
e2e_workdir() {
	WORK=$AZL_BUILD_DIR/e2e/$1
	rm -rf "$WORK"
	mkdir -p "$WORK"
	QEMU_PIDS=
	trap e2e_cleanup EXIT
}

e2e_cleanup() {
	local rc=$? p
	for p in $QEMU_PIDS; do
		kill "$p" 2>/dev/null || :
	done
	wait 2>/dev/null || :
	if [ $rc -eq 0 ]; then
		rm -rf "$WORK"
	else
		echo "e2e: kept $WORK (console logs: $WORK/*.log)"
	fi
}

# Builds the targets a test needs (a no-op when they are up to date).
# AZL_E2E_NO_BUILD=1 uses the artifacts as they are (while sources change
# under a long-running build).
e2e_build() {
	[ "${AZL_E2E_NO_BUILD:-}" = 1 ] && return 0
	cmake --build "$AZL_BUILD_DIR" --target "$@" >"$WORK/build.log" 2>&1 || {
		tail -n 30 "$WORK/build.log"
		echo "e2e: building $* failed"
		exit 1
	}
}

# e2e_https DIR: DIR served over HTTPS on 127.0.0.1 (the guest's 10.0.2.2)
# at $HTTPS_PORT (tests/https-serve.py; requests logged in $WORK/https.log),
# with a certificate for IP 10.0.2.2 signed by a CA made here, in
# $WORK/e2e-ca.pem: the guest trusts the server only through it (the
# answer file's certificates:).
e2e_https() {
	local dir=$1 i=0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=azl e2e CA" -keyout "$WORK/e2e-ca.key" -out "$WORK/e2e-ca.pem" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=10.0.2.2" \
		-keyout "$WORK/https.key" -out "$WORK/https.csr" 2>/dev/null
	printf 'subjectAltName=IP:10.0.2.2\nextendedKeyUsage=serverAuth\n' >"$WORK/https.ext"
	openssl x509 -req -in "$WORK/https.csr" -CA "$WORK/e2e-ca.pem" -CAkey "$WORK/e2e-ca.key" \
		-CAcreateserial -days 2 -extfile "$WORK/https.ext" -out "$WORK/https.pem" 2>/dev/null
	python3 "$AZL_SOURCE_DIR/tests/https-serve.py" "$dir" "$WORK/https.pem" "$WORK/https.key" \
		"$WORK/https.port" 127.0.0.1 "$WORK/https.log" 2>"$WORK/https.err" &
	QEMU_PIDS="$QEMU_PIDS $!"
	until [ -s "$WORK/https.port" ]; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$WORK/https.err"; echo "e2e: the HTTPS server did not start"; exit 1; }
	done
	HTTPS_PORT=$(cat "$WORK/https.port")
}

# A FAT volume labelled OEMDRV holding the given file under NAME.
e2e_oemdrv() { # FILE NAME OUT
	rm -f "$3"
	mkfs.vfat -C -n OEMDRV "$3" 1024 >/dev/null
	mcopy -i "$3" "$1" "::/$2"
}

# qemu_start NAME FIRMWARE QEMU-ARGS...: boots a guest in the background
# with its serial port on $WORK/NAME.sock (QEMU waits for the console
# script to connect). FIRMWARE is bios (SeaBIOS) or uefi (OVMF, with a
# writable copy of the variable store kept per NAME's disk, $WORK/vars.fd).
qemu_start() {
	local name=$1 fw=$2
	shift 2
	local fwargs=()
	if [ "$fw" = uefi ]; then
		[ -f "$WORK/vars.fd" ] || cp "$OVMF_VARS" "$WORK/vars.fd"
		fwargs=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$WORK/vars.fd")
	fi
	rm -f "$WORK/$name.sock"
	"${QEMU_WRAP[@]}" qemu-system-x86_64 -accel tcg -machine q35 -smp "$QEMU_SMP" -m "$MEM" \
		-display none -vga std -monitor none -no-reboot \
		-chardev "socket,id=s0,path=$WORK/$name.sock,server=on,wait=on" \
		-serial chardev:s0 \
		"${fwargs[@]}" "$@" >"$WORK/$name.qemu.log" 2>&1 &
	QEMU_PIDS="$QEMU_PIDS $!"
	QEMU_PID=$!
	local i=0
	while [ ! -S "$WORK/$name.sock" ]; do
		sleep 0.1
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$QEMU_PID" 2>/dev/null; then
			cat "$WORK/$name.qemu.log"
			echo "e2e: QEMU did not start"
			exit 1
		fi
	done
}

# console NAME STEP...: runs console.py on guest NAME (see console.py).
console() {
	local name=$1
	shift
	$CONSOLE "$WORK/$name.sock" "$WORK/$name.log" "$@"
}

# Waits for the guest to stop by itself (poweroff, or a reboot under
# -no-reboot) within SECONDS.
qemu_wait() {
	local secs=$1 i=0
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		sleep 1
		i=$((i + 1))
		if [ $i -ge "$secs" ]; then
			echo "e2e: QEMU still running after $secs s"
			return 1
		fi
	done
	wait "$QEMU_PID" 2>/dev/null || :
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }

# A root password for the installed test systems: "azl-e2e", as SHA-512
# (busybox login on the demo repository's systems reads no yescrypt).
E2E_ROOT_HASH='$6$e2esalt$vrdMxOBhfC2olCvPfWSDcDgObCP3uj33yuEAhwmJzAMMd7pt45PTQy4ScxTwJ25fEGyn2hDof4nHfl4d6kUfi/'

# Serves DIR over HTTP on 127.0.0.1 (a free port, printed in HTTP_PORT);
# guests reach it through guestfwd at http://10.0.2.100/.
# e2e_repo_key REPO: KEY (the repository's RPM-GPG-KEY-* file name) and
# FPR (its full fingerprint), for an answer file that pins the key.
e2e_repo_key() {
	KEY=$(cd "$1" && ls RPM-GPG-KEY-* 2>/dev/null | head -1)
	[ -n "$KEY" ] || fail "no RPM-GPG-KEY-* in $1"
	# A keyring of its own: gpg would otherwise create root's ~/.gnupg.
	local home
	home=$(mktemp -d)
	FPR=$(GNUPGHOME=$home gpg --show-keys --with-colons "$1/$KEY" 2>/dev/null |
		awk -F: '$1 == "fpr" {print $10; exit}')
	gpgconf --homedir "$home" --kill all 2>/dev/null || :
	rm -rf "$home"
	[[ "$FPR" =~ ^[0-9A-F]{40}$ ]] || fail "no fingerprint for $1/$KEY"
}

e2e_http() {
	local dir=$1
	HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	python3 -m http.server --bind 127.0.0.1 --directory "$dir" "$HTTP_PORT" \
		>"$WORK/http.log" 2>&1 &
	QEMU_PIDS="$QEMU_PIDS $!"
	local i=0
	until python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$HTTP_PORT/')" 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "e2e: the HTTP server did not start"; exit 1; }
	done
	# cmd: runs once per guest connection (a tcp: target would be one connection).
	HTTP_FWD="guestfwd=tcp:10.0.2.100:80-cmd:busybox nc 127.0.0.1 $HTTP_PORT"
}

# Boots an installed disk and logs in as root on the serial console.
# e2e_boot_installed NAME FW DISK HOSTNAME [LUKS-PASSPHRASE]
# E2E_DISK_DEVICE (a QEMU -device without drive=): the disk's controller
# instead of virtio-blk; E2E_BOOT_STEPS (an array of console.py steps):
# run at the shell before poweroff.
e2e_boot_installed() {
	local name=$1 fw=$2 disk=$3 host=$4 pass=${5:-}
	local t drive=(-drive "file=$disk,if=virtio,format=raw")
	t=$(now)
	if [ -n "${E2E_DISK_DEVICE:-}" ]; then
		drive=(-drive "if=none,id=d0,file=$disk,format=raw" -device "$E2E_DISK_DEVICE,drive=d0")
	fi
	qemu_start "$name" "$fw" "${drive[@]}" \
		-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
	local unlock=()
	if [ -n "$pass" ]; then
		unlock=(expect '[Pp]assphrase' 300 mark passphrase-prompt send "$pass\n")
	fi
	console "$name" reject 'Kernel panic' reject 'dropping to a shell' "${unlock[@]}" \
		expect 'login: *$' 400 mark login-prompt \
		send 'root\n' expect 'Password: *$' 30 send 'azl-e2e\n' \
		expect '# ' 60 send '\n' expect '# ' 10 \
		send 'cat /etc/hostname; echo e2e-$((40+2))\n' \
		expect "^$host" 30 expect 'e2e-42' 30 \
		"${E2E_BOOT_STEPS[@]}" \
		send 'poweroff\n'
	echo "$name: installed system to login: $(since "$t") s"
	qemu_wait 120 || :
}

# A shell command line for an installed system's console (busybox is
# enough), followed by a disk name DISK: prints root=NAME (the block device
# of /, from /proc/self/mountinfo) and DISK-driver=DRIVER for every driver
# bound to a device on DISK's sysfs path (sd, ahci, nvme, virtio_scsi ...).
# Each printed line is made at run time: a pattern for it cannot match the
# command's echo.
# shellcheck disable=SC2016 # expanded in the guest
E2E_ROOT_DISK_CMD='rd() { echo root=$(basename $(readlink -f /sys/dev/block/$(awk '"'"'$5 == "/" {print $3}'"'"' /proc/self/mountinfo))); p=$(readlink -f /sys/class/block/$1); for c in /sys/bus/*/drivers/*/*; do case $p/ in */${c##*/}/*) echo $1-driver=$(basename ${c%/*});; esac; done; }; rd'

# Stops the guest started last (a test that has seen what it waited for).
qemu_kill() {
	kill "$QEMU_PID" 2>/dev/null || :
	wait "$QEMU_PID" 2>/dev/null || :
}

# Fails unless FILE (a scratch disk image) holds only zero bytes.
e2e_all_zero() {
	if [ -n "$(tr -d '\0' <"$1" | head -c 1)" ]; then
		echo "e2e: $1 was written to"
		return 1
	fi
}

# monitor NAME STEP...: runs monitor.py on guest NAME's human monitor at
# $WORK/NAME.mon (started with "${MONITOR_ARGS[@]}", see monitor.py).
monitor() {
	local name=$1
	shift
	python3 "$E2E_DIR/monitor.py" "$WORK/$name.mon" "$@"
}
monitor_args() { # NAME: the QEMU arguments for monitor NAME
	# shellcheck disable=SC2034,SC2054 # used by the caller; QEMU's commas
	MONITOR_ARGS=(-chardev "socket,id=mon0,path=$WORK/$1.mon,server=on,wait=off"
		-mon chardev=mon0,mode=readline)
}

# --- logging in to an installed real system over SSH (issue #12) -----------
# A free TCP port on 127.0.0.1, for hostfwd.
e2e_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# e2e_ssh_setup PORT USER: the ssh command line in SSH (key $WORK/id,
# host keys in $WORK/known_hosts); g runs a command as USER in the guest,
# gs as root through sudo with the password of $WORK/password on sudo's
# stdin (never in argv or a log).
e2e_ssh_setup() {
	SSH_PORT=$1
	SSH_USER=$2
	SSH=(ssh -p "$SSH_PORT" -i "$WORK/id" -o IdentitiesOnly=yes -o BatchMode=yes
		-o StrictHostKeyChecking=no -o "UserKnownHostsFile=$WORK/known_hosts"
		-o ConnectTimeout=10 -o ServerAliveInterval=15 -o ServerAliveCountMax=4
		-o LogLevel=ERROR)
}
g() { "${SSH[@]}" "$SSH_USER@127.0.0.1" "$@"; }
# (ssh joins the words into one remote command line: '' stays quoted.)
gs() { g sudo -S -p "''" "$@" <"$WORK/password"; }

# e2e_wait_ssh NAME SECONDS: waits until g logs in, at most SECONDS of
# wall time (a try costs up to ssh's ConnectTimeout when the guest's network
# is not up yet, so a count of tries is no bound); fails at a panic or
# emergency mode on guest NAME's console or when QEMU is gone. Sets SSH_UP=1
# when it logged in.
e2e_wait_ssh() {
	local name=$1 end=$((SECONDS + $2))
	SSH_UP=
	while [ "$SECONDS" -lt "$end" ]; do
		# (timeout: ConnectTimeout ends at the key exchange; a login
		# that hangs later, in PAM or logind, must not hold the wait)
		local left=$((end - SECONDS))
		if timeout $((left < 60 ? (left > 10 ? left : 10) : 60)) \
			"${SSH[@]}" "$SSH_USER@127.0.0.1" true 2>/dev/null; then
			SSH_UP=1
			return 0
		fi
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		if grep -aq 'Kernel panic\|emergency mode\|dracut-emergency\|Entering emergency' \
			"$WORK/$name.log" 2>/dev/null; then
			return 1
		fi
		sleep 2
	done
	return 1
}

fact() { printf '  %-28s %s\n' "$1" "$2"; }

# The packages the installer installed, as rpm -qa names them (no epoch),
# from its log LOG, into OUT.
e2e_planned_packages() { # LOG OUT
	tr -d '\r' <"$1" | sed -n 's/.*info    installing \(.*\)$/\1/p' |
		sed -E 's/-[0-9]+:([^-]+-[^-]+)$/-\1/' | sort >"$2"
	[ -s "$2" ] || { echo "FAIL: no 'installing' lines in $1" >&2; return 1; }
}

# e2e_real_checks PROFILE HOST TZ LANG KEYMAP: the checks from inside that
# every real installed system passes (issue #12, "Inside"), printing the
# facts: PID 1, the system state, / by fstab's UUID, swap, NetworkManager's
# PROFILE active (its device in NM_DEV), hostname, time zone, locale and
# keymap, the machine ID made at this (first) boot, rpm -qa against
# $WORK/planned.txt, rpm -Va outside config files, sudo with the password,
# root refused over SSH and locked. Fails (exit 1) at the first mismatch.
e2e_real_checks() {
	local profile=$1 host=$2 tz=$3 lang=$4 keymap=$5 v state
	v=$(g cat /proc/1/comm)
	fact "PID 1" "$v"
	[ "$v" = systemd ] || fail "PID 1 is '$v', not systemd"
	state=$(g timeout 300 systemctl is-system-running --wait || :)
	fact "system state" "$state"
	if [ "$state" != running ]; then
		g systemctl --failed --no-pager || :
		gs journalctl -b -p warning --no-pager | tail -40 || :
		fail "the system is '$state', not running"
	fi
	local root_src fstab_uuid
	root_src=$(g findmnt -no UUID /)
	fstab_uuid=$(g cat /etc/fstab | awk '$2 == "/" {print $1}')
	fact "/ (findmnt)" "UUID=$root_src $(g findmnt -no SOURCE /)"
	[ "UUID=$root_src" = "$fstab_uuid" ] || fail "/ is UUID=$root_src, fstab names $fstab_uuid"
	v=$(g swapon --show=NAME,SIZE --noheadings)
	fact "swap" "$v"
	[ -n "$v" ] || fail "no swap active"
	local active
	active=$(g nmcli -t -f NAME,DEVICE connection show --active)
	fact "NetworkManager active" "$(tr '\n' ' ' <<<"$active")"
	NM_DEV=$(awk -F: -v p="$profile" '$1 == p {print $2}' <<<"$active")
	[ -n "$NM_DEV" ] || fail "the installer's profile '$profile' is not active"
	local loc
	v=$(g hostnamectl hostname)
	fact "hostnamectl" "$v"
	[ "$v" = "$host" ] || fail "hostname '$v', not '$host'"
	v=$(g timedatectl show -p Timezone --value)
	fact "timedatectl" "$v"
	[ "$v" = "$tz" ] || fail "time zone '$v', not '$tz'"
	loc=$(g localectl status)
	fact "localectl" "$(grep -E 'Locale|Keymap' <<<"$loc" | tr -s ' ' | tr '\n' ';')"
	grep -q "LANG=$lang" <<<"$loc" || fail "locale: $loc"
	grep -q "VC Keymap: $keymap\$" <<<"$loc" || fail "keymap: $loc"
	v=$(g cat /etc/machine-id)
	fact "machine-id" "$v"
	[[ "$v" =~ ^[0-9a-f]{32}$ ]] || fail "/etc/machine-id is '$v'"
	# The image said "uninitialized" (test-system-boot-steps checks it):
	# this was the first boot, and PID 1 made the ID. (Read whole first:
	# grep -q on the ssh pipe would end it with SIGPIPE under pipefail.)
	local kmsg
	kmsg=$(gs dmesg 2>&1 || :)
	grep -q 'systemd\[1\]: Initializing machine ID' <<<"$kmsg" ||
		fail "PID 1 did not initialize the machine ID this boot"
	v=$(g systemctl show -P ConditionResult systemd-firstboot.service)
	fact "first boot" "ConditionFirstBoot units ran: $v"
	[ "$v" = yes ] || fail "systemd did not take this for the first boot"
	g "rpm -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n'" >"$WORK/rpmqa.raw" 2>"$WORK/rpmqa.err" ||
		{ cat "$WORK/rpmqa.err"; fail "rpm -qa failed in the guest"; }
	grep -v '^gpg-pubkey-' "$WORK/rpmqa.raw" | sort >"$WORK/rpmqa.txt"
	fact "rpm -qa" "$(wc -l <"$WORK/rpmqa.txt") packages (+ $(grep -c '^gpg-pubkey-' "$WORK/rpmqa.raw" || :) gpg-pubkey)"
	diff -u "$WORK/planned.txt" "$WORK/rpmqa.txt" || fail "rpm -qa differs from what the installer installed"
	local va notcfg
	va=$(gs rpm -Va || :)
	# Config files (flag c) may differ: the installer edits them.
	notcfg=$(grep -Ev '^[^ ]+ +c /' <<<"$va" || :)
	fact "rpm -Va" "$(grep -c . <<<"$va") config file(s) changed, $(grep -c . <<<"$notcfg") other"
	[ -z "$notcfg" ] || { echo "$notcfg"; fail "rpm -Va reports changes outside config files"; }
	gs true || fail "sudo -S with the user's password failed"
	fact "sudo (password on stdin)" "ok"
	v=$(gs getent shadow "$SSH_USER" | cut -d: -f2)
	fact "$SSH_USER's password hash" "${v:0:4}... (${#v} characters)"
	[[ "$v" == "\$y\$"* ]] || fail "$SSH_USER's password is not hashed with yescrypt"
	if "${SSH[@]}" root@127.0.0.1 true 2>/dev/null; then fail "root logged in over SSH"; fi
	v=$(gs passwd -S root | awk '{print $2}')
	fact "root" "SSH refused, password status $v"
	[ "$v" = L ] || fail "root's password is not locked ($v)"
}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
