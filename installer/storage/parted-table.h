/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to libparted: reading the partition table of a block device
 * or a disk image file, and writing one (storage apply only). Nothing else
 * includes parted.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version of libparted this adapter runs against (--version, the log). */
const char *parted_adapter_version(void);

typedef struct azl_parted_part {
	int number;
	uint64_t start; /* bytes */
	uint64_t size;	/* bytes */
	char *name;	/* GPT name; NULL when the table has no names */
	bool extended;	/* an msdos extended partition (a container) */
} azl_parted_part;

typedef struct azl_parted_table {
	char *label;	      /* "gpt", "msdos", ...; NULL: no partition table */
	uint64_t sector_size; /* logical, bytes */
	uint64_t length;      /* bytes of the device or file */
	azl_parted_part *parts;
	size_t n_parts;
} azl_parted_table;

/* Reads the table of path. A device without a table is success with label
 * NULL. libparted's messages are kept off the terminal. Nothing is
 * written: the table is never committed. Returns 0 or -errno. */
int parted_table_read(const char *path, azl_parted_table *ret);
void parted_table_done(azl_parted_table *t);

/* A partition to create. Numbers, starts and sizes come from the plan
 * (1 MiB aligned); libparted places it exactly there or fails. */
typedef struct azl_parted_new_part {
	int number;
	uint64_t start;	  /* bytes */
	uint64_t size;	  /* bytes */
	const char *type; /* GPT type GUID (lower case) or msdos id "0x83" */
	const char *name; /* PARTLABEL; GPT only */
	bool boot;	  /* msdos: the active flag (BIOS boot partition) */
	/* Out: true when libparted could set the GPT type GUID itself (its
	 * flags cover ESP, BIOS boot, XBOOTLDR, swap, LVM, home and the
	 * generic Linux type; libparted >= 3.6 sets any GUID). */
	bool type_set;
} azl_parted_new_part;

/* Writes the table of the block device dev: a new empty table of kind
 * fresh_label ("gpt", "msdos") when it is not NULL, else the existing
 * table minus the partitions numbered in remove[]; then adds parts and
 * commits to the disk and to the kernel (BLKPG, which creates the
 * partition nodes without udev). Returns 0 or -errno, with libparted's
 * message in the log. */
int parted_table_write(const char *dev, const char *fresh_label, const int *remove, size_t n_remove,
		       azl_parted_new_part *parts, size_t n_parts);
