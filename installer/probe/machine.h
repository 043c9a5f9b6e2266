/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probed machine: what `probe` finds (machine-probe.h: sysfs and
 * libblkid, read only) and what the planner plans against. `probe --json`
 * prints it; machine_from_json() reads that JSON back, so `plan --machine
 * FILE` works for any machine without root and without its disks.
 *
 * Ownership as in model.h: each struct owns everything it points to.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"
#include "util.h"

typedef struct azl_part_info {
	int number;	 /* partition number in the table */
	char *path;	 /* /dev/vda1; NULL in fixtures without nodes */
	uint64_t start;	 /* bytes */
	uint64_t size;	 /* bytes */
	char *type;	 /* GPT type GUID (lower case) or msdos id "0x83" */
	char *partlabel; /* GPT name */
	char *fs_type;	 /* blkid TYPE: ext4, ntfs, crypto_LUKS, LVM2_member, ...
			  */
	char *fs_label;
	char *fs_uuid;
	char *mountpoint;    /* where it is mounted now; NULL if not */
	bool in_use;	     /* mounted, swap, or held (dm, md) */
	char *in_use_reason; /* "mounted on /home", "active swap", "held by
				dm-0" */
} azl_part_info;

typedef struct azl_disk_info {
	char *path;    /* /dev/vda */
	char *name;    /* vda */
	uint64_t size; /* bytes */
	char *model;
	char *serial;
	char **by_id;	 /* /dev/disk/by-id/... names that point here (strv) */
	char *transport; /* virtio, sata, nvme, usb, loop, ... */
	bool rotational;
	bool removable;
	bool readonly;
	uint32_t logical_sector_size; /* 512 or 4096 */
	uint32_t physical_sector_size;
	char *table;   /* "gpt", "msdos", NULL for none */
	char *fs_type; /* signature on the whole disk (no table), e.g. iso9660
			*/
	azl_part_info *parts;
	size_t n_parts;
	bool in_use;
	char *in_use_reason; /* first reason found, for messages */
	bool boot_medium;    /* the medium the installer booted from */
} azl_disk_info;

typedef struct azl_machine {
	azl_disk_info *disks;
	size_t n_disks;
	azl_firmware firmware; /* what the machine booted with: UEFI or BIOS */
	/* UEFI variables SecureBoot and SetupMode (efivarfs); false on BIOS
	 * or when the firmware does not have them. */
	bool secure_boot;
	bool setup_mode;
	bool device_mapper; /* the kernel offers device-mapper */
	bool md_raid;	    /* the kernel offers md (software RAID) */
	uint64_t memory;    /* bytes of RAM (MemTotal); 0 = unknown */
} azl_machine;

azl_machine *machine_new(void);
void machine_free(azl_machine *m);
static inline void machine_freep(azl_machine **m)
{
	machine_free(*m);
}
#define _cleanup_machine_ _cleanup_(machine_freep)
void disk_info_done(azl_disk_info *d);
void part_info_done(azl_part_info *p);

/* The disk whose path, by-id name or real path is `path`; NULL if none. */
azl_disk_info *machine_find_disk(const azl_machine *m, const char *path);

/* JSON of `probe --json`; machine_from_json reports errors through d with
 * file:line:col locations. */
char *machine_to_json(const azl_machine *m);
int machine_from_json(const char *path, azl_diags *d, azl_machine **ret);
/* The human table of `probe`. */
char *machine_to_text(const azl_machine *m);
