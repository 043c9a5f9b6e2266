/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Feeds arbitrary bytes to the cache index reader (installer/packages/solv-index.c)
 * as the payload of SHA.idx past its seal: whatever it opens must answer
 * what a request reaches and load those packages into a pool without
 * reading outside the index, whatever its header, sections and dependency
 * stream say. The seal's check sees the same bytes as a whole file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <solv/pool.h>
#include <solv/repo.h>

#include "solv-cache.h"
#include "solv-index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names of the demo repository (the seeds are its index) and words no
 * index has. */
static const char *const names[] = {
	"group:minimal",  "group:core", "environment:minimal-environment",
	"bash",		  "systemd",	"openssh-server",
	"kernel-core",	  "glibc",	"/bin/sh",
	"/usr/sbin/sshd", "filesystem", "setup",
	"no-such",	  "",
};

static void exercise(solv_index *ix)
{
	Pool *pool = pool_create();
	pool_setdisttype(pool, DISTTYPE_RPM);
	Repo *repo = repo_create(pool, "fuzz");
	solv_reach r;
	solv_reach_init(&r, &ix, 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)solv_reach_known(&r, names[i]);
		(void)solv_reach_name(&r, names[i]);
	}
	solv_reach_close(&r);
	size_t n = solv_reach_load(&r, 0, repo);
	if (n > solv_index_packages(ix))
		abort();
	solv_reach_done(&r);
	/* What depsolve then does with the packages. */
	pool_addfileprovides(pool);
	pool_createwhatprovides(pool);
	Id p;
	Solvable *s;
	FOR_REPO_SOLVABLES(repo, p, s)
	{
		(void)pool_solvable2str(pool, s);
		(void)solvable_lookup_location(s, NULL);
		Id type = 0;
		(void)solvable_lookup_bin_checksum(s, SOLVABLE_CHECKSUM, &type);
		(void)solvable_lookup_num(s, SOLVABLE_DOWNLOADSIZE, 0);
	}
	pool_free(pool);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)solv_cache_check(data, size);
	solv_index *ix = solv_index_from_buffer(data, size);
	if (ix)
		exercise(ix);
	solv_index_close(ix);
	return 0;
}
