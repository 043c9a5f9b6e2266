/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for test-storage-luks.sh: formats DEVICE with the
 * installer's own luks_format() (no device-mapper needed), the passphrase
 * read from stdin into an azl_secret.
 *
 *   luks-format DEVICE LABEL [PBKDF MEMORY_KIB ITER_TIME_MS] <passphrase
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luks.h"
#include "secret.h"
#include "util.h"

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 6) {
		fputs("usage: luks-format DEVICE LABEL [PBKDF MEMORY_KIB ITER_TIME_MS] <passphrase\n",
		      stderr);
		return 2;
	}
	char buf[512];
	size_t n = fread(buf, 1, sizeof(buf), stdin);
	azl_secret *pass = secret_new(buf, n);
	wipe_memory(buf, sizeof(buf));
	azl_luks_pbkdf kdf = {0};
	if (argc == 6) {
		kdf.type = argv[3];
		kdf.memory_kib = (uint32_t)strtoul(argv[4], NULL, 10);
		kdf.iter_time_ms = (uint32_t)strtoul(argv[5], NULL, 10);
	}
	char *uuid = NULL;
	int r = luks_format(argv[1], argv[2], pass, &kdf, &uuid);
	secret_free(pass);
	if (r < 0) {
		fprintf(stderr, "luks_format: %s\n", strerror(-r));
		return 1;
	}
	printf("%s\n", uuid);
	free(uuid);
	return 0;
}
