/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File dependencies through the libsolv adapter on a small rpm-md
 * repository written here: a file only filelists.xml has resolves when
 * read from XML (cold), from the main cache's recorded file provides
 * (warm, filelists.xml gone) and, for a path no dependency named before,
 * from the filelists extension of the cache (-filelists.solvx). The
 * answer is the same each time. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "depsolve.h"
#include "util.h"

static char dir[] = "/tmp/test-depsolve-filelists-XXXXXX";
static char *repo_dir, *cache_dir;

/* name, its primary.xml <file>s and requires, filelists.xml's files. */
typedef struct pkg {
	const char *name;
	const char *primary_files;
	const char *requires;
	const char *all_files;
} pkg;

static const pkg pkgs[] = {
	/* /usr/libexec/helper/run is in no primary.xml: only filelists. */
	{"app", "<file>/usr/bin/app</file>",
	 "<rpm:entry name=\"/usr/libexec/helper/run\"/><rpm:entry name=\"/usr/bin/tool\"/>",
	 "<file>/usr/bin/app</file>"},
	{"helper", "", "",
	 "<file>/usr/libexec/helper/run</file><file>/usr/share/doc/helper/README</file>"},
	/* /usr/bin/tool is in primary.xml, as bin directories are. */
	{"tool", "<file>/usr/bin/tool</file>", "", "<file>/usr/bin/tool</file>"},
	/* Nothing requires its file: only a request names it. */
	{"data", "", "", "<file>/usr/share/data/only-in-filelists</file>"},
	{"unrelated", "<file>/usr/bin/unrelated</file>", "",
	 "<file>/usr/bin/unrelated</file><file>/usr/lib/unrelated.so</file>"},
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A fixed fake pkgid per package, which filelists.xml refers to. */
static char *pkgid(size_t i)
{
	return xasprintf("%064zx", i + 1);
}

static void write_repo(void)
{
	_cleanup_free_ char *rd = xasprintf("%s/repodata", repo_dir);
	assert_int_equal(mkdir(repo_dir, 0755), 0);
	assert_int_equal(mkdir(rd, 0755), 0);
	azl_buf p = {0}, fl = {0};
	buf_printf(
		&p,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"%zu\">\n",
		ELEMENTSOF(pkgs));
	buf_printf(
		&fl,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<filelists xmlns=\"http://linux.duke.edu/metadata/filelists\" packages=\"%zu\">\n",
		ELEMENTSOF(pkgs));
	for (size_t i = 0; i < ELEMENTSOF(pkgs); i++) {
		const pkg *k = &pkgs[i];
		_cleanup_free_ char *id = pkgid(i);
		buf_printf(
			&p,
			"<package type=\"rpm\"><name>%s</name><arch>noarch</arch><version epoch=\"0\" ver=\"1.0\" rel=\"1\"/><checksum type=\"sha256\" pkgid=\"YES\">%s</checksum><summary>%s</summary><size package=\"1000\" installed=\"2000\" archive=\"3000\"/><location href=\"Packages/%s-1.0-1.noarch.rpm\"/><format><rpm:provides><rpm:entry name=\"%s\" flags=\"EQ\" epoch=\"0\" ver=\"1.0\" rel=\"1\"/></rpm:provides>%s%s%s%s</format></package>\n",
			k->name, id, k->name, k->name, k->name,
			*k->requires ? "<rpm:requires>" : "", k->requires,
			*k->requires ? "</rpm:requires>" : "", k->primary_files);
		buf_printf(
			&fl,
			"<package pkgid=\"%s\" name=\"%s\" arch=\"noarch\"><version epoch=\"0\" ver=\"1.0\" rel=\"1\"/>%s</package>\n",
			id, k->name, k->all_files);
	}
	buf_printf(&p, "</metadata>\n");
	buf_printf(&fl, "</filelists>\n");
	_cleanup_free_ char *pp = xasprintf("%s/primary.xml", rd);
	_cleanup_free_ char *fp = xasprintf("%s/filelists.xml", rd);
	_cleanup_free_ char *rp = xasprintf("%s/repomd.xml", rd);
	write_file(pp, p.data);
	write_file(fp, fl.data);
	write_file(
		rp,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<repomd xmlns=\"http://linux.duke.edu/metadata/repo\"><revision>1</revision><data type=\"primary\"><location href=\"repodata/primary.xml\"/></data><data type=\"filelists\"><location href=\"repodata/filelists.xml\"/></data></repomd>\n");
	buf_free(&p);
	buf_free(&fl);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fetch_local(void *userdata, const char *relpath, const char *chk_type,
		       const char *chk_hex, char **ret_path)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", repo_dir, relpath);
	if (access(path, R_OK) < 0)
		return -errno;
	*ret_path = TAKE_PTR(path);
	return 0;
}

/* Solves install[] against the repository; returns the sorted names,
 * joined by spaces, or NULL with *ret_r < 0. */
static char *solve(const char *cache, char *const *install, int *ret_r)
{
	_cleanup_solver_ azl_solver *s = NULL;
	assert_int_equal(depsolve_new(NULL, &s), 0);
	assert_int_equal(depsolve_add_repo(s, 0, "t", 99, cache, fetch_local, NULL), 0);
	depsolve_request rq = {.install = install};
	depsolve_pkg *p = NULL;
	size_t n = 0;
	*ret_r = depsolve_solve(s, &rq, &p, &n);
	if (*ret_r < 0)
		return NULL;
	char **names = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		names[i] = p[i].name;
	qsort(names, n, sizeof(char *), cmp_name);
	azl_buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", names[i]);
	free(names);
	depsolve_pkgs_free(p, n);
	return b.data ? b.data : xstrdup("");
}

/* The files in the cache directory whose names end in suffix. */
static int count_cache(const char *suffix)
{
	DIR *d = opendir(cache_dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += endswith(e->d_name, suffix);
	closedir(d);
	return n;
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	repo_dir = xasprintf("%s/repo", dir);
	cache_dir = xasprintf("%s/cache", dir);
	write_repo();
	return 0;
}

static int teardown(void **state)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf %s", dir);
	(void)system(cmd);
	free(repo_dir);
	free(cache_dir);
	return 0;
}

static void test_file_dependency_cold_and_warm(void **state)
{
	char *app[] = {"app", NULL};
	int r;
	/* No cache: primary.xml alone cannot satisfy app, so filelists.xml
	 * is read. */
	_cleanup_free_ char *nocache = solve(NULL, app, &r);
	assert_int_equal(r, 0);
	assert_string_equal(nocache, "app helper tool");

	/* The same with a cache, which is then written (a small
	 * repository's at once): the main file and the extension. */
	_cleanup_free_ char *cold = solve(cache_dir, app, &r);
	assert_int_equal(r, 0);
	assert_string_equal(cold, nocache);
	assert_int_equal(count_cache(".solv"), 1);
	assert_int_equal(count_cache("-filelists.solvx"), 1);

	/* Warm, with filelists.xml gone: the file provide recorded in the
	 * main cache still resolves the dependency. */
	_cleanup_free_ char *fl = xasprintf("%s/repodata/filelists.xml", repo_dir);
	_cleanup_free_ char *keep = xasprintf("%s.keep", fl);
	assert_int_equal(rename(fl, keep), 0);
	_cleanup_free_ char *warm = solve(cache_dir, app, &r);
	assert_int_equal(r, 0);
	assert_string_equal(warm, nocache);

	/* A path nothing required before: only the cache's filelists
	 * extension knows it (filelists.xml is still gone). */
	char *path[] = {"/usr/share/data/only-in-filelists", NULL};
	_cleanup_free_ char *data = solve(cache_dir, path, &r);
	assert_int_equal(r, 0);
	assert_string_equal(data, "data");
	/* A file that primary.xml lists needs no file lists at all. */
	char *tool[] = {"/usr/bin/tool", NULL};
	_cleanup_free_ char *t = solve(cache_dir, tool, &r);
	assert_int_equal(r, 0);
	assert_string_equal(t, "tool");
	/* A path no package has is missing, file lists read or not. */
	char *none[] = {"/usr/share/nobody/has/this", NULL};
	_cleanup_free_ char *n = solve(cache_dir, none, &r);
	assert_int_equal(r, -ENOENT);
	assert_null(n);
	/* "?name" (the installer's optional additions, shim-x64 for UEFI):
	 * installed when it exists, no error when it does not. */
	char *opt[] = {"?tool", "?no-such-package", NULL};
	_cleanup_free_ char *o = solve(cache_dir, opt, &r);
	assert_int_equal(r, 0);
	assert_string_equal(o, "tool");
	assert_int_equal(rename(keep, fl), 0);
}

/* Without a cache and without filelists.xml, a dependency only that file
 * could satisfy is a problem the solver names, not a crash or a
 * success. */
static void test_file_dependency_needs_filelists(void **state)
{
	_cleanup_free_ char *fl = xasprintf("%s/repodata/filelists.xml", repo_dir);
	_cleanup_free_ char *keep = xasprintf("%s.keep", fl);
	assert_int_equal(rename(fl, keep), 0);
	char *app[] = {"app", NULL};
	int r;
	_cleanup_free_ char *names = solve(NULL, app, &r);
	assert_true(r < 0);
	assert_null(names);
	assert_int_equal(rename(keep, fl), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_dependency_cold_and_warm),
		cmocka_unit_test(test_file_dependency_needs_filelists),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
