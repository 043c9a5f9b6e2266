/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for test-tang.sh: binds DEVICE to tang servers with the
 * installer's own code, as the configure phase does in the target
 * (luks_with_key_file() and tang_bind()), here on this system (clevis
 * from PATH), the passphrase read from stdin into an azl_secret.
 *
 *   tang-bind DEVICE URL THUMBPRINT [URL THUMBPRINT]... <passphrase
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luks-enroll.h"
#include "secret.h"
#include "tang.h"
#include "util.h"

typedef struct job {
	const char *dev;
	azl_tang_server *s;
	size_t n;
} job;

static int bind(const char *keyfile, void *userdata)
{
	const job *j = userdata;
	return tang_bind(NULL, j->dev, keyfile, j->s, j->n);
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc % 2 != 0) {
		fputs("usage: tang-bind DEVICE URL THUMBPRINT [URL THUMBPRINT]... <passphrase\n",
		      stderr);
		return 2;
	}
	char buf[512];
	size_t n = fread(buf, 1, sizeof(buf), stdin);
	azl_secret *pass = secret_new(buf, n);
	wipe_memory(buf, sizeof(buf));
	job j = {.dev = argv[1], .n = (size_t)(argc - 2) / 2};
	j.s = xcalloc(j.n, sizeof(*j.s));
	for (size_t i = 0; i < j.n; i++)
		j.s[i] = (azl_tang_server){.url = argv[2 + 2 * i], .thumbprint = argv[3 + 2 * i]};
	int r = luks_with_key_file(pass, bind, &j);
	secret_free(pass);
	free(j.s);
	if (r < 0) {
		fprintf(stderr, "tang-bind: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
