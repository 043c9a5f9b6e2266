/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to libparted. For now read only: the partition table of a
 * block device or a disk image file. Nothing else includes parted.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct azl_parted_part {
	int number;
	uint64_t start; /* bytes */
	uint64_t size;	/* bytes */
	char *name;	/* GPT name; NULL when the table has no names */
	bool extended;	/* an msdos extended partition (a container) */
} azl_parted_part;

typedef struct azl_parted_table {
	char *label; /* "gpt", "msdos", ...; NULL: no partition table */
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
