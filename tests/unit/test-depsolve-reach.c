/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The warm path of the libsolv adapter (installer/packages/solv-index.h): with a
 * cache and its index, only the packages a request can reach are read
 * into the solver. Two repositories written here hold what makes that
 * hard: alternatives ("(libx or liby)", two providers of "mta" the solver
 * chooses between), versions, a file dependency, recommends, reverse
 * weak dependencies (supplements, plain, rich and conditional), comps
 * groups and an environment, priorities, an exclude, a missing name, an
 * unsolvable package, a path only the other repository's file list has,
 * and the same package in two repositories of one priority (the first
 * given wins, also when only one of them has an index). Each request is solved
 * with no cache at all (the whole repositories parsed from XML) and warm; the
 * answers must be the same and the warm one must have read fewer packages, or
 * all of them where the index cannot answer (a glob). */
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

static char dir[] = "/tmp/test-depsolve-reach-XXXXXX";
static char *cache_dir;

#define E(x) "<rpm:entry name=\"" x "\"/>"
#define EV(x, f, v)                                                                                \
	"<rpm:entry name=\"" x "\" flags=\"" f "\" epoch=\"0\" ver=\"" v "\"/"                     \
	">"

typedef struct pkg {
	const char *name, *ver;
	const char *provides, *requires, *recommends, *supplements, *files;
} pkg;

#define N_FILLER 40

static const pkg repo_a[] = {
	{"base", "1.0", "", E("/bin/sh"), "", "", ""},
	{"shell", "1.0", "", "", "", "", "<file>/bin/sh</file>"},
	{"app", "2.0", "", E("(libx or liby)") EV("base", "GE", "1.0"), E("extra"), "", ""},
	{"libx", "1.0", "", "", "", "", ""},
	{"liby", "1.0", "", "", "", "", ""},
	{"extra", "1.0", "", "", "", "", ""},
	{"addon", "1.0", "", "", "", E("app"), ""},
	{"langpack", "1.0", "", "", "", E("(base and lang-en)"), ""},
	{"lang-en", "1.0", "", "", "", "", ""},
	{"tool", "1.0", "", "", "", "", ""},
	{"tool", "2.0", "", "", "", "", ""},
	{"mta2", "1.0", E("mta"), "", "", "", ""},
	{"mta1", "1.0", E("mta"), "", "", "", ""},
	{"app2", "1.0", "", E("mta") E("tool"), "", "", ""},
	{"broken", "1.0", "", E("missing-thing"), "", "", ""},
	/* libsolv takes "(a if b)" as met while b is not installed. */
	{"odd", "1.0", "", "", "", E("(lang-en if lang-fr)"), ""},
	{"lang-fr", "1.0", "", "", "", "", ""},
	{"same", "1.0", "", "", "", "", ""},
	{"mailer", "1.0", "", "", "", "", "<file>/usr/sbin/sendmail</file>"},
};

static const pkg repo_b[] = {
	{"tool", "3.0", "", "", "", "", ""},
	{"onlyb", "1.0", "", E("base"), "", "", ""},
	{"mta0", "1.0", E("mta"), "", "", "", ""},
	{"same", "1.0", "", "", "", "", ""},
	/* A path only the other repository's file list has. */
	{"needsfile", "1.0", "", E("/usr/sbin/sendmail"), "", "", ""},
};

static const char comps[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<comps><group><id>core</id><name>Core</name><packagelist><packagereq type=\"mandatory\">app</packagereq><packagereq type=\"default\">tool</packagereq><packagereq type=\"optional\">app2</packagereq></packagelist></group><group><id>mail</id><name>Mail</name><packagelist><packagereq type=\"mandatory\">app2</packagereq></packagelist></group><environment><id>server</id><name>Server</name><grouplist><groupid>core</groupid><groupid>mail</groupid></grouplist></environment></comps>\n";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void dep_list(azl_buf *b, const char *tag, const char *entries)
{
	if (*entries)
		buf_printf(b, "<rpm:%s>%s</rpm:%s>", tag, entries, tag);
}

static void add_pkg(azl_buf *b, const pkg *k, size_t i)
{
	buf_printf(
		b,
		"<package type=\"rpm\"><name>%s</name><arch>noarch</arch><version epoch=\"0\" ver=\"%s\" rel=\"1\"/><checksum type=\"sha256\" pkgid=\"YES\">%064zx</checksum><summary>%s</summary><size package=\"%zu\" installed=\"2000\" archive=\"3000\"/><location href=\"Packages/%s-%s-1.noarch.rpm\"/><format><rpm:provides><rpm:entry name=\"%s\" flags=\"EQ\" epoch=\"0\" ver=\"%s\" rel=\"1\"/>%s</rpm:provides>",
		k->name, k->ver, i + 1, k->name, 1000 + i, k->name, k->ver, k->name, k->ver,
		k->provides);
	dep_list(b, "requires", k->requires);
	dep_list(b, "recommends", k->recommends);
	dep_list(b, "supplements", k->supplements);
	buf_printf(b, "%s</format></package>\n", k->files);
}

static void write_repo(const char *name, const pkg *pkgs, size_t n, bool with_comps)
{
	_cleanup_free_ char *rd = xasprintf("%s/%s/repodata", dir, name);
	_cleanup_free_ char *top = xasprintf("%s/%s", dir, name);
	assert_int_equal(mkdir(top, 0755), 0);
	assert_int_equal(mkdir(rd, 0755), 0);
	azl_buf p = {0};
	buf_printf(
		&p,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n");
	for (size_t i = 0; i < n; i++)
		add_pkg(&p, &pkgs[i], i);
	/* What no request reaches. */
	for (size_t i = 0; with_comps && i < N_FILLER; i++) {
		_cleanup_free_ char *fname = xasprintf("filler%zu", i);
		_cleanup_free_ char *req = i ? xasprintf(E("filler%zu"), i - 1) : xstrdup("");
		pkg f = {fname, "1.0", "", req, "", "", ""};
		add_pkg(&p, &f, n + i);
	}
	buf_printf(&p, "</metadata>\n");
	_cleanup_free_ char *pp = xasprintf("%s/primary.xml", rd);
	write_file(pp, p.data);
	buf_free(&p);
	_cleanup_free_ char *cp = xasprintf("%s/comps.xml", rd);
	if (with_comps)
		write_file(cp, comps);
	_cleanup_free_ char *rp = xasprintf("%s/repomd.xml", rd);
	write_file(
		rp,
		with_comps
			? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<repomd xmlns=\"http://linux.duke.edu/metadata/repo\"><revision>1</revision><data type=\"primary\"><location href=\"repodata/primary.xml\"/></data><data type=\"group\"><location href=\"repodata/comps.xml\"/></data></repomd>\n"
			: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<repomd xmlns=\"http://linux.duke.edu/metadata/repo\"><revision>2</revision><data type=\"primary\"><location href=\"repodata/primary.xml\"/></data></repomd>\n");
}

static int fetch_local(void *userdata, const char *relpath, const char *chk_type,
		       const char *chk_hex, char **ret_path)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/%s", dir, (const char *)userdata, relpath);
	if (access(path, R_OK) < 0)
		return -errno;
	*ret_path = TAKE_PTR(path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct request {
	char *install[4];
	char *exclude[2];
	bool weak;
} request;

static int prio_b = 50;

/* The sorted "nevra@repo location size" lines of the answer, or the
 * error; *ret_read: the packages read into the solver. */
static char *solve(const char *cache, const request *rq, size_t *ret_read)
{
	_cleanup_solver_ azl_solver *s = NULL;
	assert_int_equal(depsolve_new(NULL, &s), 0);
	assert_int_equal(depsolve_add_repo(s, 0, "a", 10, cache, fetch_local, "a"), 0);
	assert_int_equal(depsolve_add_repo(s, 1, "b", prio_b, cache, fetch_local, "b"), 0);
	depsolve_request r = {
		.install = rq->install, .exclude = rq->exclude, .weak_deps = rq->weak};
	depsolve_pkg *p = NULL;
	size_t n = 0;
	int err = depsolve_solve(s, &r, &p, &n);
	*ret_read = depsolve_packages_read(s);
	if (err < 0)
		return xasprintf("error %d", err);
	char **lines = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		lines[i] =
			xasprintf("%s@%zu %s %s:%s %llu", p[i].nevra, p[i].repo, p[i].location,
				  p[i].checksum_type, p[i].checksum, (unsigned long long)p[i].size);
	qsort(lines, n, sizeof(char *), cmp_str);
	azl_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		buf_printf(&b, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	depsolve_pkgs_free(p, n);
	return b.data ? b.data : xstrdup("");
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	write_repo("a", repo_a, ELEMENTSOF(repo_a), true);
	write_repo("b", repo_b, ELEMENTSOF(repo_b), false);
	cache_dir = xasprintf("%s/cache", dir);
	return 0;
}

static int teardown(void **state)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf %s", dir);
	(void)system(cmd);
	free(cache_dir);
	return 0;
}

static const size_t total =
	ELEMENTSOF(repo_a) + N_FILLER + 3 /* groups, environment */ + ELEMENTSOF(repo_b);

/* The answer without a cache, warm, and what the warm solve read. */
static void check(const request *rq, bool partial, const char *must_have)
{
	size_t n_cold = 0, n_warm = 0;
	_cleanup_free_ char *cold = solve(NULL, rq, &n_cold);
	_cleanup_free_ char *warm = solve(cache_dir, rq, &n_warm);
	if (strcmp(cold, warm) != 0)
		fail_msg("request %s: without a cache:\n%s\nwarm:\n%s", rq->install[0], cold, warm);
	if (must_have && !strstr(cold, must_have))
		fail_msg("request %s: no %s in\n%s", rq->install[0], must_have, cold);
	assert_int_equal(n_cold, total);
	if (partial && n_warm >= total)
		fail_msg("request %s: warm read %zu of %zu packages", rq->install[0], n_warm,
			 total);
	if (!partial && n_warm != total)
		fail_msg("request %s: warm read %zu, not all %zu", rq->install[0], n_warm, total);
}

static void test_warm_reads_what_is_reached(void **state)
{
	/* Writes the caches and their indexes. */
	size_t n = 0;
	request prime = {{"@core"}, {NULL}, true};
	_cleanup_free_ char *first = solve(cache_dir, &prime, &n);
	assert_int_equal(n, total);
	_cleanup_free_ char *again = solve(cache_dir, &prime, &n);
	assert_string_equal(first, again);
	assert_true(n < total);

	request groups = {{"@core"}, {NULL}, true};
	check(&groups, true, "addon-1.0-1.noarch@0");
	request env = {{"@^server"}, {NULL}, true};
	check(&env, true, "mta");
	request plain = {{"app", "app2", "?nope"}, {NULL}, false};
	check(&plain, true, "shell-1.0-1.noarch@0");
	request prio = {{"onlyb", "tool"}, {NULL}, true};
	check(&prio, true, "tool-2.0-1.noarch@0");
	request excl = {{"app"}, {"libx"}, true};
	check(&excl, true, "liby");
	request lang = {{"base", "lang-en"}, {NULL}, true};
	check(&lang, true, "langpack");
	/* What the index cannot answer is read in full, with the same
	 * answer. */
	request glob = {{"app*"}, {NULL}, true};
	check(&glob, false, "app-2.0");
	request missing = {{"nosuch"}, {NULL}, true};
	check(&missing, false, NULL);
	request broken = {{"broken"}, {NULL}, true};
	check(&broken, false, NULL);
	/* A path the index of one repository was not searched for. */
	request file = {{"needsfile"}, {NULL}, true};
	check(&file, false, "mailer");
}

/* Removes repository name's index, solves warm and compares. */
static void solve_without_index(const char *name, const request *rq, const char *want)
{
	_cleanup_free_ char *cmd =
		xasprintf("rm %s/$(sha256sum %s/%s/repodata/repomd.xml | cut -d' ' -f1).idx",
			  cache_dir, dir, name);
	assert_int_equal(system(cmd), 0);
	size_t n = 0;
	_cleanup_free_ char *got = solve(cache_dir, rq, &n);
	assert_string_equal(want, got);
	assert_int_equal(n, total);
}

/* Repositories of the same priority: the first given wins a tie, also
 * when only the second must be read in full (its index is gone). */
static void test_repository_order(void **state)
{
	prio_b = 10;
	request rq = {{"same"}, {NULL}, true};
	size_t n = 0;
	_cleanup_free_ char *cold = solve(NULL, &rq, &n);
	assert_non_null(strstr(cold, "same-1.0-1.noarch@0"));
	_cleanup_free_ char *warm = solve(cache_dir, &rq, &n);
	assert_string_equal(cold, warm);
	/* Only the second one's index gone, then (indexed again by that
	 * run) only the first one's. */
	solve_without_index("b", &rq, cold);
	solve_without_index("a", &rq, cold);
	prio_b = 50;
}

/* A damaged index is no index: the cache is read in full. */
static void test_damaged_index(void **state)
{
	request rq = {{"@core"}, {NULL}, true};
	size_t n = 0;
	_cleanup_free_ char *good = solve(cache_dir, &rq, &n);
	assert_true(n < total);
	_cleanup_free_ char *cmd =
		xasprintf("for f in %s/*.idx; do truncate -s 100 \"$f\"; done", cache_dir);
	assert_int_equal(system(cmd), 0);
	_cleanup_free_ char *after = solve(cache_dir, &rq, &n);
	assert_int_equal(n, total);
	assert_string_equal(good, after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warm_reads_what_is_reached),
		cmocka_unit_test(test_damaged_index),
		cmocka_unit_test(test_repository_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
