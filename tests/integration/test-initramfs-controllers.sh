#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host-only keeps the drivers of every disk controller bound on the machine
# (issue 20, docs/system.md "Host-only"): initramfs_controller_modules()
# walks this host's real /sys, and its list must be the one a plain shell
# walk of the same sysfs finds: for every whole disk in /sys/class/block
# (in name order; partitions are their disk's) that has a device, the
# module of each driver bound from that device up to /sys/devices, each
# once. Disks without a device (loop, zram, ram, nbd, dm, md) bring
# nothing. The same list through a symlink to /sys (the sysfs root is a
# parameter); a directory that is not a sysfs is an error.
# A host whose storage drivers are built into its kernel has no
# driver/module links and an empty list; in a QEMU guest with modules the
# list is proven by e2e/test-uefi-lvm-luks.sh (the CD's AHCI and sr_mod
# beside the installed disk's virtio_blk) and the driver matrix.
set -euo pipefail

build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
cmake --build "$build" --target initramfs-check >/dev/null
helper=$build/tests/initramfs-check
tmp=$(mktemp -d /tmp/test-initramfs-controllers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

[ -d /sys/class/block ] || fail "this host has no /sys/class/block"

# The shell's walk, in the C locale's name order (the installer's qsort).
export LC_ALL=C
seen=" " disks=0 nodev=0
: >"$tmp/expected"
for d in /sys/class/block/*; do
	b=${d##*/}
	[ -e "$d/partition" ] && continue
	if ! p=$(readlink -e "$d/device"); then
		nodev=$((nodev + 1))
		continue
	fi
	disks=$((disks + 1))
	while [[ $p == /sys/devices/* ]]; do
		if m=$(readlink "$p/driver/module"); then
			m=${m##*/}
			if [[ $seen != *" $m "* ]]; then
				seen+="$m "
				echo "$m '/dev/$b' (a disk of this machine)" >>"$tmp/expected"
			fi
		fi
		p=${p%/*}
	done
done

"$helper" --controllers /sys >"$tmp/got" 2>"$tmp/err" || { cat "$tmp/err"; fail "the walk of /sys failed"; }
diff -u "$tmp/expected" "$tmp/got" || fail "the walk of /sys differs from the shell's"
ok "/sys: $disks disks with a device, $nodev without; drivers: $(cut -d' ' -f1 "$tmp/got" | tr '\n' ' ')"

ln -s /sys "$tmp/sysfs"
"$helper" --controllers "$tmp/sysfs/" >"$tmp/got2" 2>"$tmp/err" || { cat "$tmp/err"; fail "the walk through a symlink failed"; }
cmp -s "$tmp/got" "$tmp/got2" || fail "the walk through a symlink to /sys differs"
ok "the same list through a symlink to /sys"

mkdir "$tmp/empty"
if "$helper" --controllers "$tmp/empty" >"$tmp/got3" 2>"$tmp/err"; then
	fail "a directory without class/block was walked"
fi
grep -q "cannot walk the sysfs '.*/empty': No such file or directory" "$tmp/err" ||
	{ cat "$tmp/err"; fail "no error naming the directory"; }
ok "a directory that is not a sysfs: $(head -n 1 "$tmp/err")"
