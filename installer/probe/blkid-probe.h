/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to libblkid: what signatures a device, a partition or a byte
 * range of an image file carries. Read only: devices are opened O_RDONLY.
 * Nothing else includes blkid.h.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The version of libblkid this adapter runs against (--version, the log). */
const char *blkid_adapter_version(void);

/* One entry of a partition table as libblkid reads it. */
typedef struct azl_blkid_part {
	int number;
	uint64_t start; /* bytes */
	uint64_t size;	/* bytes */
	char *type;	/* GPT type GUID in lower case, or msdos id "0x83" */
	char *name;	/* GPT partition name; NULL for msdos */
} azl_blkid_part;

typedef struct azl_blkid_info {
	char *fs_type; /* superblock TYPE: ext4, vfat, swap, crypto_LUKS, ... */
	char *fs_label;
	char *fs_uuid;
	char *table; /* "gpt", "msdos" (libblkid's "dos"), other PTTYPE; NULL */
	azl_blkid_part *parts;
	size_t n_parts;
} azl_blkid_info;

/* Probes path (a block device or a regular file) for a filesystem
 * signature and a partition table. With size > 0, probes only the byte
 * range [offset, offset + size): a partition inside an image file that has
 * no device node. Fills *ret (zeroed first) and returns 0 or -errno; finding
 * nothing is success with every field NULL. */
int blkid_adapter_probe(const char *path, uint64_t offset, uint64_t size, azl_blkid_info *ret);
void blkid_info_done(azl_blkid_info *i);

/* Erases every signature libblkid knows (filesystems, swap, LUKS1/2 with
 * the LUKS2 secondary header, LVM2, md RAID, partition tables with the
 * backup GPT) on the byte range [offset, offset + size) of the device open
 * for writing as fd (size 0: to the end), the way `wipefs -a` does: probe,
 * wipe, probe again until nothing is found. what names the device in the
 * log. Returns the number of signatures erased, or -errno. */
int blkid_adapter_wipe(int fd, uint64_t offset, uint64_t size, const char *what);
