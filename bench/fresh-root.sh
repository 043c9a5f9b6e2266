#!/bin/bash
# Makes DIR the root of a file system made just now, as an install target
# is: an ext4 on a loop device over the sparse image DIR.img (4 GiB),
# made anew each time (the one mounted there before is unmounted first).
# Why: a root deleted and made again in the same directory leaves ext4
# with thousands of recently deleted inodes, which it skips, one
# inode-table block at a time, for each file created in the next minutes
# (ext4_new_inode -> recently_deleted): measured here, an install of the
# real payload took 4.0 s instead of 1.4 s (3 s of system time) when it
# ran right after another's root was removed. Every contender runs on its
# own fresh file system, so none pays for another's deletes.
#
#   bench/fresh-root.sh DIR      make and mount
#   bench/fresh-root.sh -u DIR   unmount (and remove the image)
set -euo pipefail
if [ "$1" = -u ]; then
	d=$2
	mountpoint -q "$d" && umount "$d"
	rm -f "$d.img"
	exit 0
fi
d=$1
mkdir -p "$d"
mountpoint -q "$d" && umount "$d"
rm -f "$d.img"
truncate -s 4G "$d.img"
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$d.img"
mount -o loop "$d.img" "$d"
rmdir "$d/lost+found"
