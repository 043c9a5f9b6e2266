/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the kickstart reader and, for what reads, the
 * kickstart writer and a second read of its output. %include is off
 * (base_dir NULL), so fuzz input never opens a file. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "kickstart.h"
#include "model.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	(void)input_is_kickstart((const char *)data, size);
	if (kickstart_read_text("fuzz.ks", (const char *)data, size, NULL,
				"/nonexistent", false, &d, &m) == 0) {
		char *k = kickstart_write(m);
		azl_model *m2 = NULL;
		(void)kickstart_read_text("again.ks", k, strlen(k), NULL,
					  "/nonexistent", false, &d, &m2);
		model_free(m2);
		free(k);
	}
	for (size_t i = 0; i < d.n; i++)
		free(diag_format(&d, &d.items[i]));
	model_free(m);
	diags_done(&d);
	return 0;
}
