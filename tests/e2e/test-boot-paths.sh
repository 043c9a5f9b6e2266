#!/bin/bash
# Every way the live system boots and finds its answer file, each boot
# followed only until the live init reports the answer file it found
# ("installer ready after N s; answers: SOURCE") and the installer has read
# it (its disk does not exist, so it stops there: nothing is written; a
# scratch disk in each guest is checked to stay all zero). Then the guest
# is killed. docs/pxe.md and docs/live.md describe these paths.
#   a  iPXE (QEMU's own NIC ROM): the pxe target's boot.ipxe, answers over
#      TFTP named by iPXE's ${net0/mac}
#   b  UEFI (OVMF) network boot of the pxe target's bootx64.efi (GRUB) and
#      its grub/grub.cfg over TFTP; answers over HTTP, ${mac} expanded by
#      the live system
#   c  pxelinux (lpxelinux.0, SeaBIOS) with the sample pxelinux.cfg/default;
#      IPAPPEND 2's BOOTIF= picks the interface; answers over HTTP by ${mac}
#   d  the ISO as a USB stick (SeaBIOS, hybrid MBR), answers on a volume
#      labelled OEMDRV
#   e  the ISO as a CD, azl.answers=label:AZLANS:/PATH typed into GRUB's
#      editor, the file on a second disk (ext4 labelled AZLANS)
#   f  ${serial}: the DMI system serial (-smbios type=1,serial=) in a TFTP
#      answer-file URL (kernel booted directly by QEMU)
#   g  /azl-answers.yaml on the ISO itself, the "unattended" menu entry
#   h  no answer file: the interactive installer on the VGA console; Enter
#      is pressed on the keyboard and the TUI's first screen is read from
#      the VGA text buffer (vgacon) through the QEMU monitor
# AZL_BOOT_CASES="a c" runs some of them only.
. "$(dirname "$0")/lib.sh"
e2e_requirements
e2e_workdir boot-paths
e2e_build iso pxe
ISO=$AZL_BUILD_DIR/azl-installer.iso
PXE=$AZL_BUILD_DIR/pxe
CASES=${AZL_BOOT_CASES:-a b c d e f g h}
for f in lpxelinux.0 ldlinux.c32; do
	[ -f "$PXE/$f" ] || {
		echo "e2e: no $PXE/$f (scripts/deps.sh installs pxelinux, syslinux-common)"
		exit 1
	}
done

# A harmless answer file: its only disk does not exist, so the installer
# stops before it writes anything.
NODISK=/dev/disk/by-id/azl-e2e-no-such-disk
answers() { # CASE FILE
	mkdir -p "$(dirname "$2")"
	cat >"$2" <<YAML
version: 1
hostname: boot-path-$1
storage: {disks: [$NODISK], wipe: all, layout: plain, swap: none}
finish: poweroff
YAML
}

# A TFTP root with the live kernel and initramfs (hard links).
tftp_root() { # DIR
	mkdir -p "$1"
	cp -l "$PXE"/{vmlinuz,initrd.img} "$1/" 2>/dev/null ||
		cp "$PXE"/{vmlinuz,initrd.img} "$1/"
}
# The samples of the pxe target with their placeholders filled in.
fill() { # SAMPLE OUT ANSWERS-BASE-URL
	sed -e "s|http://ANSWERS-SERVER/|$3|g" -e "s|REPO-SERVER|10.0.2.100|g" "$1" >"$2"
	grep -q "$3" "$2" || { echo "e2e: $1 names no answer file"; exit 1; }
}

RESULTS=
# boot CASE FW EXPECTED-ANSWERS QEMU-ARGS... [-- CONSOLE-STEPS...]: boots
# with a scratch disk, waits for the live init's line naming the answer
# file and for the installer to have read it, kills the guest.
boot() {
	local c=$1 fw=$2 src=$3
	shift 3
	local qargs=() steps=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		qargs+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	steps=("$@")
	echo "== $c =="
	truncate -s 16M "$WORK/scratch-$c.img"
	local t
	t=$(now)
	qemu_start "$c" "$fw" -drive "file=$WORK/scratch-$c.img,if=virtio,format=raw" \
		"${qargs[@]}"
	console "$c" reject 'Kernel panic' reject 'azl-live: no file' \
		reject 'cannot get the answer file' reject 'could not fetch' "${steps[@]}" \
		expect "installer ready after [0-9.]+ s; answers: $src\r?\$" 240 mark ready \
		expect "$NODISK" 60
	qemu_kill
	e2e_all_zero "$WORK/scratch-$c.img" || { tail -n 40 "$WORK/$c.log"; exit 1; }
	echo "$c: answer file read after $(since "$t") s"
	RESULTS="$RESULTS$c: $(since "$t") s
"
}
want() { case " $CASES " in *" $1 "*) return 0 ;; esac; return 1; }

if want a; then
	mac=52:54:00:b0:07:0a
	tftp_root "$WORK/tftp-a"
	fill "$PXE/boot.ipxe" "$WORK/tftp-a/boot.ipxe" tftp://10.0.2.2/
	answers a "$WORK/tftp-a/answers/$mac.yaml"
	boot a bios "tftp://10.0.2.2/answers/$mac.yaml" -boot order=n \
		-netdev "user,id=n0,restrict=on,tftp=$WORK/tftp-a,bootfile=boot.ipxe" \
		-device "virtio-net-pci,netdev=n0,mac=$mac"
fi

if want b; then
	mac=52:54:00:b0:07:0b
	tftp_root "$WORK/tftp-b"
	cp "$PXE/bootx64.efi" "$WORK/tftp-b/"
	mkdir -p "$WORK/tftp-b/grub"
	fill "$PXE/grub/grub.cfg" "$WORK/tftp-b/grub/grub.cfg" http://10.0.2.100/
	answers b "$WORK/http-b/answers/$mac.yaml"
	e2e_http "$WORK/http-b"
	boot b uefi "http://10.0.2.100/answers/$mac.yaml" \
		-netdev "user,id=n0,restrict=on,tftp=$WORK/tftp-b,bootfile=bootx64.efi,$HTTP_FWD" \
		-device "virtio-net-pci,netdev=n0,mac=$mac,bootindex=0" \
		-- expect 'Install Azure Linux 4.0' 240 mark grub-menu send '\r'
fi

if want c; then
	mac=52:54:00:b0:07:0c
	tftp_root "$WORK/tftp-c"
	cp "$PXE"/{lpxelinux.0,ldlinux.c32} "$WORK/tftp-c/"
	mkdir -p "$WORK/tftp-c/pxelinux.cfg"
	fill "$PXE/pxelinux.cfg/default" "$WORK/tftp-c/pxelinux.cfg/default" http://10.0.2.100/
	answers c "$WORK/http-c/answers/$mac.yaml"
	e2e_http "$WORK/http-c"
	# A second NIC first: only BOOTIF= makes the live system use the
	# one that booted.
	boot c bios "http://10.0.2.100/answers/$mac.yaml" -boot order=n \
		-netdev user,id=n1,restrict=on -device virtio-net-pci,netdev=n1 \
		-netdev "user,id=n0,restrict=on,tftp=$WORK/tftp-c,bootfile=lpxelinux.0,$HTTP_FWD" \
		-device "virtio-net-pci,netdev=n0,mac=$mac,bootindex=0" \
		-- expect 'boot:' 120 mark pxelinux send '\r' \
		expect "network: [a-z0-9]+ \\($mac\\)" 240
fi

if want d; then
	answers d "$WORK/d.yaml"
	e2e_oemdrv "$WORK/d.yaml" azl-answers.yaml "$WORK/oemdrv.img"
	boot d bios /run/install/label-OEMDRV/azl-answers.yaml \
		-device qemu-xhci,id=xhci \
		-drive "if=none,id=stick,file=$ISO,format=raw,readonly=on" \
		-device usb-storage,bus=xhci.0,drive=stick,bootindex=0 \
		-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on" \
		-- expect 'Install Azure Linux 4.0' 120 mark grub-menu send '\r' \
		expect 'medium: /dev/sd[a-z]+[0-9]* mounted' 120
fi

if want e; then
	answers e "$WORK/label-e/e2e/answers.yaml"
	mkfs.ext4 -q -L AZLANS -d "$WORK/label-e" "$WORK/label-e.img" 8M
	# GRUB's editor: e, down to the linux line (setparams, an empty line,
	# echo, linux), Ctrl-E (end of line), the option, Ctrl-X (boot).
	boot e bios /run/install/label-AZLANS/e2e/answers.yaml -boot order=d \
		-cdrom "$ISO" \
		-drive "file=$WORK/label-e.img,if=virtio,format=raw,readonly=on" \
		-- expect 'Install Azure Linux 4.0' 120 mark grub-menu \
		send e expect 'linux /boot/vmlinuz' 20 \
		send '\x1b[B\x1b[B\x1b[B' send '\x05' \
		send ' azl.answers=label:AZLANS:/e2e/answers.yaml' send '\x18'
fi

if want f; then
	serial=AZL-E2E.SN-42
	tftp_root "$WORK/tftp-f"
	answers f "$WORK/tftp-f/answers/$serial.yaml"
	# shellcheck disable=SC2016 # ${serial} is for the live system
	boot f bios "tftp://10.0.2.2/answers/$serial.yaml" \
		-kernel "$PXE/vmlinuz" -initrd "$PXE/initrd.img" \
		-append 'console=ttyS0,115200n8 azl.unattended azl.answers=tftp://10.0.2.2/answers/${serial}.yaml' \
		-smbios "type=1,serial=$serial" \
		-netdev "user,id=n0,restrict=on,tftp=$WORK/tftp-f" \
		-device virtio-net-pci,netdev=n0
fi

if want g; then
	answers g "$WORK/g.yaml"
	xorriso -indev "$ISO" -outdev "$WORK/g.iso" -map "$WORK/g.yaml" /azl-answers.yaml \
		-boot_image any replay >"$WORK/g-xorriso.log" 2>&1 || {
		cat "$WORK/g-xorriso.log"
		exit 1
	}
	# Down, Enter: the "unattended" entry (azl.unattended, no azl.answers=).
	boot g bios /run/install/repo/azl-answers.yaml -boot order=d -cdrom "$WORK/g.iso" \
		-- expect 'Install Azure Linux 4.0' 120 mark grub-menu \
		send '\x1b[B' send '\r'
	rm -f "$WORK/g.iso"
fi

if want h; then
	echo "== h =="
	truncate -s 16M "$WORK/scratch-h.img"
	t=$(now)
	monitor_args h
	qemu_start h bios -boot order=d -cdrom "$ISO" \
		-drive "file=$WORK/scratch-h.img,if=virtio,format=raw" "${MONITOR_ARGS[@]}"
	console h reject 'Kernel panic' reject 'answers:' \
		expect 'Install Azure Linux 4.0' 120 mark grub-menu send '\r' \
		expect 'installer ready after [0-9.]+ s\r?$' 240 mark ready \
		expect 'press Enter to start the installer on this console \(ttyS0\)' 30
	# The prompt on tty1 is on the VGA text screen too.
	monitor h vga 'press Enter to start the installer on this console \(tty1\)' 30 >"$WORK/h-prompt.txt"
	monitor h sendkey ret vga 'Installation summary' 120 >"$WORK/h-tui.txt"
	sed 's/^/  | /' "$WORK/h-tui.txt"
	qemu_kill
	e2e_all_zero "$WORK/scratch-h.img" || { tail -n 40 "$WORK/h.log"; exit 1; }
	RESULTS="${RESULTS}h: $(since "$t") s
"
fi

echo "== boot paths, seconds from QEMU's start to the answer file read =="
printf '%s' "$RESULTS"
