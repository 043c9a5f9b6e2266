/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's /etc/crypttab, by UUID: built as text from the LUKS
 * containers storage apply opened.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct azl_crypttab_entry {
	const char *name; /* mapper name */
	const char *uuid; /* LUKS container UUID */
	bool tpm2;	  /* also unlocked by the TPM (tpm2-device=auto) */
} azl_crypttab_entry;

/* Entries in the order given; owned text. */
char *crypttab_text(const azl_crypttab_entry *e, size_t n);
