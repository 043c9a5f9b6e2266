/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the kickstart reader and, for what reads, the
 * kickstart writer and the answer-file writer, and a second read of each
 * one's output, which must succeed. %include is off (base_dir NULL), so
 * fuzz input never opens a file. Time zones are looked up in the host's
 * database (as fuzz-answers does): with none, no input would validate.
 *
 * At exit it prints how many inputs reached the writers, so a run shows
 * that they were fuzzed at all ("fuzz-kickstart: N of M inputs reached
 * the writers"); run-fuzzer.sh fails a run where N is 0. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "diag.h"
#include "kickstart.h"
#include "model.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t inputs, written;

static void report(void)
{
	fprintf(stderr, "fuzz-kickstart: %zu of %zu inputs reached the writers\n", written, inputs);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(report);
	return 0;
}

static void diags_drop(azl_diags *d)
{
	/* Formatting exercises the message paths too. */
	for (size_t i = 0; i < d->n; i++)
		free(diag_format(d, &d->items[i]));
	diags_done(d);
}

/* The writers' output must read back; only a passphrase that they leave
 * out (it is never written) may stop it. */
static void read_back(const azl_model *m, const char *text, bool yaml)
{
	azl_diags d;
	diags_init(&d);
	azl_model *again = NULL;
	int r = yaml ? answers_read_text("again.yaml", text, strlen(text), NULL, &d, &again)
		     : kickstart_read_text("again.ks", text, strlen(text), NULL, NULL, false, &d,
					   &again);
	bool dropped = m->storage.encryption.passphrase && !m->storage.encryption.passphrase_file;
	if (r < 0 && !dropped) {
		diags_print(&d, stderr);
		fprintf(stderr, "--- written:\n%s", text);
		abort();
	}
	model_free(again);
	diags_drop(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	inputs++;
	(void)input_is_kickstart((const char *)data, size);
	if (kickstart_read_text("fuzz.ks", (const char *)data, size, NULL, NULL, false, &d, &m) ==
	    0) {
		written++;
		char *k = kickstart_write(m);
		read_back(m, k, false);
		free(k);
		int err = 0;
		char *y = answers_write(m, &err);
		if (!y)
			abort();
		read_back(m, y, true);
		free(y);
	}
	model_free(m);
	diags_drop(&d);
	return 0;
}
