/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libcryptsetup: LUKS2 containers. */
#pragma once

#include <stdbool.h>

#include <stdint.h>

#include "secret.h"

/* The version of libcryptsetup this adapter runs against (--version, the log). */
const char *cryptsetup_adapter_version(void);

/* How expensive the passphrase is to test. Zero fields: argon2id with
 * libcryptsetup's defaults (a benchmark aiming at 2 s, up to 1 GiB). The
 * cheaper settings exist only for answer files that ask for them
 * (storage.encryption.pbkdf, pbkdf_memory, pbkdf_iter_time). */
typedef struct azl_luks_pbkdf {
	const char *type;      /* "argon2id" (NULL too), "argon2i", "pbkdf2" */
	uint32_t memory_kib;   /* argon2 only; 0 = default */
	uint32_t iter_time_ms; /* 0 = default */
} azl_luks_pbkdf;

/* Formats device as LUKS2: aes-xts-plain64, 512-bit volume key, label,
 * one keyslot for the passphrase. Needs no device-mapper. *ret_uuid gets
 * the container's UUID. Returns 0 or -errno. */
int luks_format(const char *device, const char *label, const azl_secret *passphrase,
		const azl_luks_pbkdf *pbkdf, char **ret_uuid);
/* Opens the container on device as /dev/mapper/name. */
int luks_open(const char *device, const char *name, const azl_secret *passphrase);
/* Closes /dev/mapper/name; -ENODEV when it is not open. */
int luks_close(const char *name);
