/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Feeds arbitrary bytes to the answer-file reader. Whatever it accepts
 * must write back to text that reads again, and that text must be a fixed
 * point of read -> write (the writer and the reader agree on every value).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "diag.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static azl_model *read_text(const char *text, size_t len)
{
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	/* Time zones are looked up in the host's database when it has one;
	 * "UTC" and friends are in every copy of it. */
	(void)answers_read_text("fuzz.yaml", text, len, NULL, &d, &m);
	/* Formatting exercises the caret and <hidden> paths too. */
	for (size_t i = 0; i < d.n; i++)
		free(diag_format(&d, &d.items[i]));
	diags_done(&d);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_model_ azl_model *m = read_text((const char *)data, size);
	if (!m)
		return 0;
	int err = 0;
	_cleanup_free_ char *w1 = answers_write(m, &err);
	if (!w1)
		abort();
	_cleanup_model_ azl_model *m2 = read_text(w1, strlen(w1));
	/* Only a passphrase that the writer leaves out may stop the text
	 * from reading back. */
	bool dropped = m->storage.encryption.passphrase && !m->storage.encryption.passphrase_file;
	if (!m2) {
		if (!dropped)
			abort();
		return 0;
	}
	_cleanup_free_ char *w2 = answers_write(m2, &err);
	if (!w2)
		abort();
	/* w1 may still differ from w2 where a plaintext password was hashed
	 * with a fresh salt; from w2 on, the text must not change. */
	_cleanup_model_ azl_model *m3 = read_text(w2, strlen(w2));
	if (!m3)
		abort();
	_cleanup_free_ char *w3 = answers_write(m3, &err);
	if (!w3 || strcmp(w2, w3) != 0)
		abort();
	return 0;
}
