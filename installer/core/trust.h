/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers of the trust boundary (DESIGN.md, Trust): OpenPGP key
 * fingerprints as operators write them, and URLs with their credentials
 * taken out before they reach a log line or a message.
 */
#pragma once

#include <stdbool.h>

/* A full OpenPGP fingerprint as gpg prints it ("1234 ABCD ...", "0x...",
 * any case; v4: 40 hex digits, v5/v6: 64) in canonical form: upper-case
 * hex, no spaces. NULL when s is not one (short key ids are refused: they
 * can be forged). Owned by the caller. */
char *fingerprint_normalize(const char *s);

/* text with every URL's user information ("user:pass@") replaced by
 * "***@" and the values of credential-like query parameters (password,
 * token, secret, ...) by "***". Owned by the caller; NULL stays NULL. */
char *redact_urls(const char *text);

/* True when a URL is fetched over the network (http:, https:, tftp:);
 * file: URLs and paths are local. */
bool url_is_remote(const char *s);
