/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libxcrypt: password hashes for /etc/shadow. */
#pragma once

#include <stdbool.h>

#include "secret.h"

/* The version of libxcrypt this adapter runs against (--version, the log). */
const char *xcrypt_adapter_version(void);

/* The longest password libxcrypt hashes (its CRYPT_MAX_PASSPHRASE_SIZE
 * less the terminating NUL); a longer one is refused at validation. */
#define PASSWORD_MAX_LEN 511

/* Hashes pw with yescrypt ($y$) and a fresh random salt. Returns 0 or
 * -errno; *ret is an ordinary string (a hash is no secret). */
int password_hash_yescrypt(const azl_secret *pw, char **ret);
/* True for well-formed hashes of the methods libxcrypt verifies: $y$,
 * $gy$, $7$, $6$, $5$, $2b$/$2y$; "!" / "*" locked markers are not hashes.
 * Judged by shape, never by computing one, whatever its cost. */
bool password_hash_is_valid(const char *hash);
/* Checks pw against hash (used by tests and the TUI's confirm field). */
bool password_hash_matches(const azl_secret *pw, const char *hash);
