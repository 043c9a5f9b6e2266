#!/bin/bash
# The main job (README.md): build everything, then a real install in QEMU
# (TCG, no KVM needed):
#   1. build the installer, the demo repository, the live initramfs and the
#      hybrid ISO (build/azl-installer.iso);
#   2. create a sparse 20 GiB disk image and a small volume labelled OEMDRV
#      holding docs/examples/qemu-smoke-test.yaml as azl-answers.yaml;
#   3. boot the ISO (SeaBIOS) with both: the live system finds the answer
#      file, installs unattended (JSON progress on the serial console) and
#      powers off (finish: poweroff);
#   4. boot the installed disk and wait for its login prompt;
#   5. print the timings.
# The serial consoles are kept in build/demo/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."

B=${AZL_DEMO_BUILD:-build} # the build directory (default build/)
./scripts/deps.sh
t_all=$(date +%s.%N)
cmake -S . -B "$B" -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$B" -j"$(nproc)"
cmake --build "$B" --target iso

AZL_SOURCE_DIR=$PWD
AZL_BUILD_DIR=$PWD/$B
# shellcheck source=../tests/e2e/lib.sh
. tests/e2e/lib.sh
WORK=$AZL_BUILD_DIR/demo
rm -rf "$WORK"
mkdir -p "$WORK"
QEMU_PIDS=
trap 'for p in $QEMU_PIDS; do kill "$p" 2>/dev/null || :; done' EXIT
MEM=${AZL_DEMO_MEM:-1024}

answers=docs/examples/qemu-smoke-test.yaml
"$B"/azl-installer validate "$answers"
e2e_oemdrv "$answers" azl-answers.yaml "$WORK/oemdrv.img"
truncate -s 20G "$WORK/disk.img"
t_build=$(since "$t_all")
echo
echo "== booting $B/azl-installer.iso in QEMU (TCG, SeaBIOS, $MEM MiB): unattended install of $answers =="
echo "   (serial console: $WORK/install.log)"
t=$(now)
qemu_start install bios -boot order=d -cdrom "$B"/azl-installer.iso \
	-drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-drive "file=$WORK/oemdrv.img,if=virtio,format=raw,readonly=on" \
	-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
marks=$(console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'Install Azure Linux 4.0' 120 mark boot-menu \
	expect 'installer ready after' 240 mark installer-ready \
	expect '\{"phase":"storage"' 300 mark storage \
	expect '\{"phase":"packages"' 900 mark packages \
	expect '\{"phase":"bootloader"' 900 mark bootloader \
	expect '\{"phase":"finish","percent":100' 600 mark install-finished \
	eof 180)
qemu_wait 60
t_install=$(since "$t")
grep -a '^{"phase"' "$WORK/install.log" | tr -d '\r' | sed 's/^/   /'

echo
echo "== booting the installed disk (serial console: $WORK/boot.log) =="
t=$(now)
qemu_start boot bios -drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
bmarks=$(console boot reject 'Kernel panic' expect 'GRUB|Booting' 120 mark grub \
	expect 'login: *$' 400 mark login-prompt)
t_boot=$(since "$t")
grep -a -B2 'login: *$' "$WORK/boot.log" | tr -d '\r' | tail -n 3 | sed 's/^/   /'
kill "$QEMU_PID" 2>/dev/null || :

echo
echo "== timings (QEMU TCG on $(nproc) cores; seconds) =="
echo "   build (deps, installer, demo repository, ISO):   $t_build"
echo "$marks" | awk '{ printf "   ISO boot -> %-34s %s\n", $2 ":", $3 }'
echo "   whole unattended install (QEMU start to power-off): $t_install"
echo "$bmarks" | awk '{ printf "   installed disk boot -> %-23s %s\n", $2 ":", $3 }'
echo "   everything:                                      $(since "$t_all")"
echo
echo "The installed system reached its login prompt; the disk is $WORK/disk.img."
