/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The answer-file (YAML, version 1) reader and writer.
 *
 * The reader is table-driven: each mapping of the format has a table of
 * keys, the node type each expects, and a handler that stores the value
 * in the model. Unknown keys (with a "did you mean" for near misses),
 * duplicate keys, wrong node types and bad values are errors reported
 * through azl_diags as FILE:LINE:COL with the source line and a caret.
 * After reading, model_validate() runs the checks that need the whole
 * model. Secrets are never put into a diagnostic.
 */
#pragma once

#include <stddef.h>

#include "diag.h"
#include "model.h"

/* Reads path; registers the source in d. Returns 0 with *ret set, or
 * -EINVAL with the errors in d (or -errno when the file cannot be read,
 * also reported in d). zoneinfo_dir: NULL = /usr/share/zoneinfo. */
int answers_read_file(const char *path, const char *zoneinfo_dir, azl_diags *d, azl_model **ret);
/* The same for text already in memory; name is what diagnostics call it. */
int answers_read_text(const char *name, const char *text, size_t len, const char *zoneinfo_dir,
		      azl_diags *d, azl_model **ret);
/* The same with the command line's overrides (--disk, --firmware; NULL =
 * none) applied before the model is validated. */
int answers_read_text_with(const char *name, const char *text, size_t len, const char *zoneinfo_dir,
			   const azl_model_overrides *ov, azl_diags *d, azl_model **ret);

/* Serialises the model as an answer file that reads back into an equal
 * model. Plaintext passwords are written as yescrypt hashes, passphrases
 * as passphrase_file when one was given and otherwise left out with a
 * comment, so the output never holds a secret in clear. Returns NULL and
 * sets *ret_err (-errno) if hashing fails. */
char *answers_write(const azl_model *m, int *ret_err);
