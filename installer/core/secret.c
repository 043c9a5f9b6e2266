/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "secret.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "util.h"

int secret_protect_process(void)
{
	int r = 0;
	struct rlimit none = {0, 0};
	if (setrlimit(RLIMIT_CORE, &none) < 0)
		r = -errno;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 && r == 0)
		r = -errno;
	return r;
}

void wipe_memory(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

azl_secret *secret_new(const char *s, size_t len)
{
	azl_secret *r = xzalloc(sizeof(*r));
	r->data = xmalloc(len + 1);
	/* Best effort: keep the secret out of swap. Failing is not fatal
	 * (RLIMIT_MEMLOCK), the wipe on free still happens. */
	(void)mlock(r->data, len + 1);
	memcpy(r->data, s, len);
	r->data[len] = '\0';
	r->len = len;
	return r;
}

azl_secret *secret_dup(const azl_secret *s)
{
	return s ? secret_new(s->data, s->len) : NULL;
}

void secret_free(azl_secret *s)
{
	if (!s)
		return;
	if (s->data) {
		wipe_memory(s->data, s->len + 1);
		(void)munlock(s->data, s->len + 1);
		free(s->data);
	}
	wipe_memory(s, sizeof(*s));
	free(s);
}
