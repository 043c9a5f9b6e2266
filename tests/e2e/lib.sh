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
e2e_boot_installed() {
	local name=$1 fw=$2 disk=$3 host=$4 pass=${5:-}
	local t
	t=$(now)
	qemu_start "$name" "$fw" -drive "file=$disk,if=virtio,format=raw" \
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
		send 'poweroff\n'
	echo "$name: installed system to login: $(since "$t") s"
	qemu_wait 120 || :
}

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
