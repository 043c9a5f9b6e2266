/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's /etc/fstab, by UUID (Fedora's way):
 * built as text from what storage apply made.
 */
#pragma once

#include <stddef.h>

#include "model.h"

typedef struct azl_fstab_entry {
	const char *uuid;  /* filesystem UUID */
	const char *mount; /* "/", "/boot", "swap" */
	azl_fs fs;
	const char *options; /* NULL = defaults */
} azl_fstab_entry;

/* Entries in the order given (mount order); owned text. */
char *fstab_text(const azl_fstab_entry *e, size_t n);
