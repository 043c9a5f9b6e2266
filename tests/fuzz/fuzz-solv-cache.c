/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Feeds arbitrary bytes to the installer's reading of its metadata cache
 * (installer/packages/depsolve.c), as damage leaves a file: each input is
 * CACHE/SHA.solv, then a repository is added and a request solved as an
 * install does. The seeds are real caches, sealed (installer/packages/solv-cache.h):
 * those are taken, solved from, and get their index written (solv-index.c)
 * and read back; what the fuzzer makes of them must fail its seal and
 * never reach libsolv's reader, which trusts its input. The repository's
 * own metadata is not there, so a refused cache ends in a clean error.
 * Nothing may crash, leak or read outside what it was given.
 *
 * fuzz-solv-cache.options turns off libFuzzer's comparison tracing, which
 * would copy the checksum the seal's check computed into the input: a
 * forged seal, which only whoever can write the cache (root) can make.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <solv/chksum.h>
#include <solv/pool.h>

#include "depsolve.h"
#include "log.h"
#include "solv-cache.h"
#include "solv-index.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir, *repomd, *base;

static const char repomd_xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				 "<repomd xmlns=\"http://linux.duke.edu/metadata/repo\">\n"
				 "  <revision>1</revision>\n"
				 "  <data type=\"primary\">\n"
				 "    <location href=\"repodata/primary.xml.gz\"/>\n"
				 "  </data>\n"
				 "  <data type=\"filelists\">\n"
				 "    <location href=\"repodata/filelists.xml.gz\"/>\n"
				 "  </data>\n"
				 "</repomd>\n";

static int fetch(void *userdata, const char *relpath, const char *chk_type, const char *chk_hex,
		 char **ret_path)
{
	(void)userdata;
	(void)chk_type;
	(void)chk_hex;
	if (strcmp(relpath, "repodata/repomd.xml") != 0)
		return -ENOENT;
	*ret_path = xstrdup(repomd);
	return 0;
}

/* At exit: the temporary directory goes (cache/ holds files only). */
static void cleanup(void)
{
	_cleanup_free_ char *cache = xasprintf("%s/cache", dir);
	DIR *d = opendir(cache);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			(void)unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(cache);
	unlink(repomd);
	rmdir(dir);
}

/* The cache is named after the sha256 of repomd.xml. */
static void setup(void)
{
	char tmpl[] = "/tmp/fuzz-solv-cache.XXXXXX";
	if (!mkdtemp(tmpl))
		abort();
	dir = xstrdup(tmpl);
	atexit(cleanup);
	repomd = xasprintf("%s/repomd.xml", dir);
	FILE *f = fopen(repomd, "w");
	if (!f || fwrite(repomd_xml, 1, sizeof(repomd_xml) - 1, f) != sizeof(repomd_xml) - 1)
		abort();
	fclose(f);
	Chksum *c = solv_chksum_create(REPOKEY_TYPE_SHA256);
	solv_chksum_add(c, repomd_xml, (int)sizeof(repomd_xml) - 1);
	int len = 0;
	const unsigned char *sum = solv_chksum_get(c, &len);
	char hex[65];
	solv_bin2hex(sum, len, hex);
	solv_chksum_free(c, NULL);
	base = xasprintf("%s/cache/%s", dir, hex);
	/* FUZZ_LOG=1: the install log on stderr, to see what an input did. */
	if (getenv("FUZZ_LOG"))
		log_set_stderr_level(AZL_LOG_DEBUG, true);
	_cleanup_free_ char *cache = xasprintf("%s/cache", dir);
	int lock = solv_cache_lock(cache, false);
	if (lock < 0)
		abort();
	solv_cache_unlock(lock);
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir)
		setup();
	_cleanup_free_ char *solv = xasprintf("%s.solv", base);
	_cleanup_free_ char *idx = xasprintf("%s.idx", base);
	_cleanup_free_ char *ext = xasprintf("%s-filelists.solvx", base);
	_cleanup_free_ char *cache = xasprintf("%s/cache", dir);
	unlink(idx);
	unlink(ext);
	write_file(solv, data, size);

	azl_solver *s = NULL;
	if (depsolve_new(NULL, &s) < 0)
		abort();
	if (depsolve_add_repo(s, 0, "fuzz", 99, cache, fetch, NULL) == 0) {
		char *install[] = {(char *)"@minimal", (char *)"bash", (char *)"?openssh-server",
				   NULL};
		char *exclude[] = {(char *)"no-such*", NULL};
		depsolve_request rq = {.install = install,
				       .exclude = exclude,
				       .ignore_missing = true,
				       .weak_deps = true};
		depsolve_pkg *pkgs = NULL;
		size_t n = 0;
		if (depsolve_solve(s, &rq, &pkgs, &n) == 0) {
			for (size_t i = 0; i < n; i++)
				if (!pkgs[i].location || !pkgs[i].nevra)
					abort(); /* refused in depsolve */
			depsolve_pkgs_free(pkgs, n);
		}
	}
	depsolve_free(s);
	/* The index written from the cache (when it was taken) reads back. */
	solv_index *ix = solv_index_open(idx, solv);
	if (ix) {
		solv_reach r;
		solv_reach_init(&r, &ix, 1);
		(void)solv_reach_name(&r, "bash");
		solv_reach_close(&r);
		solv_reach_done(&r);
		solv_index_close(ix);
	}
	return 0;
}
