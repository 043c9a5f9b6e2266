#!/bin/bash
# The main job on the embedded demo. Until the bootable ISO exists (see
# README.md), it builds the installer, makes a sparse 20 GiB disk image,
# probes it and prints the install plan for the QEMU smoke-test answer file
# on it: exactly what `install` would do to that image, writing nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
cmake -S . -B build -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build build -j"$(nproc)"

demo=build/demo
mkdir -p "$demo"
rm -f "$demo/disk.img"
truncate -s 20G "$demo/disk.img"

answers=docs/examples/qemu-smoke-test.yaml
echo "== azl-installer validate $answers =="
build/azl-installer validate "$answers"
echo "ok"
echo
echo "== azl-installer probe $demo/disk.img =="
build/azl-installer probe "$demo/disk.img"
echo
for fw in uefi bios; do
	echo "== azl-installer plan --answers $answers --disk $demo/disk.img --firmware $fw =="
	build/azl-installer plan --answers "$answers" --disk "$demo/disk.img" \
		--firmware "$fw"
	echo
done
echo "The plan above is what 'azl-installer install --yes' will carry out on"
echo "$demo/disk.img; nothing was written to it."
