/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libcurl: answer files and repository files over file:,
 * http:, https: (TLS verified) and tftp:. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* True when s looks like a URL this adapter fetches (scheme://...). */
bool fetch_is_url(const char *s);
/* Fetches url into memory, at most max bytes. Returns 0, or -errno with a
 * sentence for people in *ret_error (owned by the caller). */
int fetch_url(const char *url, size_t max, char **ret, size_t *ret_len,
	      char **ret_error);

/* Downloads url into the file path (written as path.part, renamed when
 * complete, so a cache never holds a half file). Same errors as
 * fetch_url(). */
int fetch_to_file(const char *url, const char *path, char **ret_error);
