/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to libgcrypt: GRUB password hashes (what grub2-mkpasswd-pbkdf2
 * prints, PBKDF2-HMAC-SHA512), for bootloader.password.
 */
#pragma once

#include <stdbool.h>

#include "secret.h"

/* Iterations and salt length of a new hash: grub2-mkpasswd-pbkdf2's
 * defaults. */
#define GRUB_PBKDF2_ITERATIONS 10000
#define GRUB_PBKDF2_SALT_LEN   64
#define GRUB_PBKDF2_KEY_LEN    64

/* Hashes pw with a fresh random salt into
 * "grub.pbkdf2.sha512.ITER.SALT.HASH" (upper-case hex, as GRUB's own tool
 * writes it). Returns 0 or -errno; *ret is an ordinary string. */
int grub_password_hash(const azl_secret *pw, char **ret);
/* The same with a given iteration count and salt (tests). */
int grub_password_hash_with(const azl_secret *pw, unsigned long iterations,
			    const unsigned char *salt, size_t salt_len, char **ret);
/* True for "grub.pbkdf2.sha512.N.HEX.HEX": what GRUB's password_pbkdf2
 * accepts. Judged by shape. */
bool grub_password_hash_is_valid(const char *hash);
