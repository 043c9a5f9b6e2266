/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's /etc/fstab and /etc/crypttab, by UUID (Fedora's way):
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

typedef struct azl_crypttab_entry {
	const char *name; /* mapper name */
	const char *uuid; /* LUKS container UUID */
	bool tpm2;	  /* also unlocked by the TPM (tpm2-device=auto) */
} azl_crypttab_entry;

/* Entries in the order given (mount order); owned text. */
char *fstab_text(const azl_fstab_entry *e, size_t n);
char *crypttab_text(const azl_crypttab_entry *e, size_t n);
