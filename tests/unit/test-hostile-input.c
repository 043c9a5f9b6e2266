/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile answer files and kickstarts, generated here: each is refused (or
 * read) in linear time, with a diagnostic that says which bound it broke.
 * Every test runs under an alarm of GUARD_SECONDS: the inputs once took
 * from 30 s to forever, today well under a second each, so a regression
 * fails instead of hanging (the alarm is a guard, not a measurement).
 * An included file's text never shows up in a diagnostic.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "answers.h"
#include "diag.h"
#include "kickstart.h"
#include "model.h"
#include "util.h"
#include "yaml-doc.h"

#define GUARD_SECONDS 20

/* cmocka leaves a failing test with a longjmp, from its own handlers of
 * SIGSEGV too: the next test runs. */
static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("still running after %d s: the bound is gone", GUARD_SECONDS);
}

static int guard(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(GUARD_SECONDS);
	return 0;
}

/* For a test whose quadratic past cost only 13 s: 8 s, still about ten
 * times what it takes today under ASan. */
static int short_guard(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(8);
	return 0;
}

static int unguard(void **state)
{
	(void)state;
	alarm(0);
	return 0;
}

static char *diags_text(const azl_diags *d)
{
	azl_buf b = {0};
	for (size_t i = 0; i < d->n; i++) {
		_cleanup_free_ char *s = diag_format(d, &d->items[i]);
		buf_printf(&b, "%s\n", s);
	}
	return b.data ? buf_steal(&b) : xstrdup("");
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static char *zoneinfo(void)
{
	const char *f = getenv("AZL_FIXTURES");
	return xasprintf("%s/answers/zoneinfo", f ? f : "tests/fixtures");
}

/* Loads text with the YAML adapter; returns the diagnostics' text. */
static char *ydoc_diags(const char *text, size_t len, bool *ret_loaded)
{
	azl_diags d;
	diags_init(&d);
	azl_source *src = diags_add_source(&d, source_new("h.yaml", text, len));
	ynode *n = ydoc_load(src, &d);
	*ret_loaded = n != NULL;
	ynode_free(n);
	char *t = diags_text(&d);
	diags_done(&d);
	return t;
}

/* --- YAML ------------------------------------------------------------ */

/* 200 KB of nested flow sequences: libyaml's loader alone took over 30 s;
 * the first pass stops at level 65 and names where it is. */
static void test_yaml_flow_nesting(void **state)
{
	size_t deep = 100000;
	azl_buf b = {0};
	buf_append(&b, "version: 1\nx: ");
	for (size_t i = 0; i < deep; i++)
		buf_append(&b, "[");
	for (size_t i = 0; i < deep; i++)
		buf_append(&b, "]");
	buf_append(&b, "\n");
	bool loaded;
	_cleanup_free_ char *t = ydoc_diags(b.data, b.len, &loaded);
	assert_false(loaded);
	/* the mapping is level 1, "x: [" level 2: the 64th '[' is level 65 */
	assert_non_null(strstr(
		t, "h.yaml:2:67: error: the document nests deeper than 64 levels; refusing it\n"));
	assert_int_equal(count(t, "error:"), 1);
	buf_free(&b);
}

/* Sibling collections, each within the depth bound, are read. */
static void test_yaml_wide_is_read(void **state)
{
	azl_buf b = {0};
	buf_append(&b, "x: [");
	for (size_t i = 0; i < 5000; i++)
		buf_append(&b, "[[[[[[[[1]]]]]]]],");
	buf_append(&b, "0]\n");
	bool loaded;
	_cleanup_free_ char *t = ydoc_diags(b.data, b.len, &loaded);
	assert_true(loaded);
	assert_string_equal(t, "");
	buf_free(&b);
}

/* libyaml's loader looks every alias up among all anchors: anchors are
 * bounded before it runs. */
static void test_yaml_anchors(void **state)
{
	azl_buf b = {0};
	for (size_t i = 0; i < 100000; i++)
		buf_printf(&b, "- &a%zu x\n", i);
	bool loaded;
	_cleanup_free_ char *t = ydoc_diags(b.data, b.len, &loaded);
	assert_false(loaded);
	assert_string_equal(
		t,
		"h.yaml:101:3: error: the document has more than 100 anchors (&name); refusing it\n"
		"  - &a100 x\n"
		"    ^\n");
	buf_free(&b);
}

static void test_yaml_nodes(void **state)
{
	azl_buf b = {0};
	buf_append(&b, "[");
	for (size_t i = 0; i < YDOC_MAX_NODES + 10; i++)
		buf_append(&b, "1,");
	buf_append(&b, "1]");
	bool loaded;
	_cleanup_free_ char *t = ydoc_diags(b.data, b.len, &loaded);
	assert_false(loaded);
	assert_non_null(strstr(t, "error: the document has more than 200000 values; refusing it"));
	buf_free(&b);
}

/* A list of 190000 strings: each append walked the list (13 s here, 27 s
 * through 'validate'). */
static void test_yaml_long_list(void **state)
{
	azl_buf b = {0};
	buf_append(&b, "version: 1\npackages:\n  install: [p0");
	for (size_t i = 1; i < 190000; i++)
		buf_printf(&b, ",p%zu", i);
	buf_append(&b, "]\n");
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	_cleanup_free_ char *zi = zoneinfo();
	assert_int_equal(answers_read_text("l.yaml", b.data, b.len, zi, &d, &m), 0);
	assert_int_equal(strv_length(m->packages.install), 190000);
	assert_string_equal(m->packages.install[189999], "p189999");
	diags_done(&d);
	buf_free(&b);
}

/* The model's checks compare entries with each other: 60000 users took
 * 11 s; lists of mappings are bounded. */
static void test_yaml_many_entries(void **state)
{
	azl_buf b = {0};
	buf_append(&b, "version: 1\naccounts:\n  users:\n");
	for (size_t i = 0; i < 60000; i++)
		buf_printf(&b, "    - {name: u%zu}\n", i);
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	_cleanup_free_ char *zi = zoneinfo();
	assert_int_equal(answers_read_text("u.yaml", b.data, b.len, zi, &d, &m), -EINVAL);
	_cleanup_free_ char *t = diags_text(&d);
	assert_string_equal(t,
			    "u.yaml:4:5: error: 'users' has more than 4096 entries; refusing it\n"
			    "      - {name: u0}\n"
			    "      ^\n");
	diags_done(&d);
	buf_free(&b);
}

/* --- kickstart --------------------------------------------------------- */

static int ks_read(const char *name, const char *text, size_t len, const char *base,
		   char **ret_diags, azl_model **ret)
{
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	_cleanup_free_ char *zi = zoneinfo();
	int r = kickstart_read_text(name, text, len, base, zi, false, &d, &m);
	*ret_diags = diags_text(&d);
	diags_done(&d);
	if (ret)
		*ret = m;
	else
		model_free(m);
	return r;
}

#define KS_HEAD "lang en_US.UTF-8\ntimezone UTC\nrootpw --lock\nautopart\n"

/* Close to 4 MB of %packages: each line used to cost a walk of the whole
 * list (over 60 s); duplicates are still dropped, order kept. */
static void test_ks_many_packages(void **state)
{
	azl_buf b = {0};
	buf_append(&b, KS_HEAD "%packages\n");
	size_t n = 0;
	while (b.len < KS_MAX_FILE_SIZE - 64)
		buf_printf(&b, "pkg%zu\npkg%zu\n", n, n), n++;
	buf_append(&b, "%end\n");
	_cleanup_free_ char *t = NULL;
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(ks_read("p.ks", b.data, b.len, NULL, &t, &m), 0);
	assert_string_equal(t, "");
	/* @minimal (Fedora's @core) and every package once */
	assert_int_equal(strv_length(m->packages.install), n + 1);
	assert_string_equal(m->packages.install[0], "@minimal");
	assert_string_equal(m->packages.install[1], "pkg0");
	_cleanup_free_ char *last = xasprintf("pkg%zu", n - 1);
	assert_string_equal(m->packages.install[n], last);
	buf_free(&b);
}

/* Close to 4 MB of command lines: refused after KS_MAX_COMMANDS. */
static void test_ks_many_commands(void **state)
{
	azl_buf b = {0};
	buf_append(&b, KS_HEAD);
	for (size_t i = 0; b.len < KS_MAX_FILE_SIZE - 64; i++)
		buf_printf(&b, "part /p%zu --size=1\n", i);
	_cleanup_free_ char *t = NULL;
	assert_int_equal(ks_read("c.ks", b.data, b.len, NULL, &t, NULL), -EINVAL);
	assert_non_null(strstr(
		t, "c.ks:4097: error: more than 4096 command lines; refusing to read more\n"));
	buf_free(&b);
}

/* One line of 4 MB of words: split in linear time, then refused. */
static void test_ks_many_words(void **state)
{
	azl_buf b = {0};
	buf_append(&b, KS_HEAD "network");
	while (b.len < KS_MAX_FILE_SIZE - 64)
		buf_append(&b, " --x");
	buf_append(&b, "\n");
	_cleanup_free_ char *t = NULL;
	assert_int_equal(ks_read("w.ks", b.data, b.len, NULL, &t, NULL), -EINVAL);
	assert_string_equal(
		t, "w.ks:5: error: the line has more than 1024 words or list items; refusing it\n");
	buf_free(&b);
}

/* 300000 services in one comma list: each was checked against all the
 * others (over 30 s). */
static void test_ks_long_comma_list(void **state)
{
	azl_buf b = {0};
	buf_append(&b, KS_HEAD "services --enabled=s0");
	for (size_t i = 1; i < 300000; i++)
		buf_printf(&b, ",s%zu", i);
	buf_append(&b, "\n");
	_cleanup_free_ char *t = NULL;
	assert_int_equal(ks_read("s.ks", b.data, b.len, NULL, &t, NULL), -EINVAL);
	assert_string_equal(
		t, "s.ks:5: error: the line has more than 1024 words or list items; refusing it\n");
	buf_free(&b);
}

static char *make_dir(void)
{
	char tmpl[] = "/tmp/test-hostile-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	assert_int_equal(write_file_atomic(p, text, strlen(text), 0600), 0);
}

static void remove_dir(const char *dir, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* A kickstart that includes itself twice: each level doubled the work
 * up to the depth bound (hundreds of MB of diagnostics). */
static void test_ks_self_include(void **state)
{
	_cleanup_free_ char *dir = make_dir();
	const char *ks = KS_HEAD "%include self.ks\n%include self.ks\n";
	write_text(dir, "self.ks", ks);
	_cleanup_free_ char *path = xasprintf("%s/self.ks", dir);
	_cleanup_free_ char *t = NULL;
	assert_int_equal(ks_read(path, ks, strlen(ks), dir, &t, NULL), -EINVAL);
	assert_int_equal(count(t, "includes a file that is being read already; remove the loop"),
			 2);
	assert_int_equal(count(t, "\n"), 2);
	remove_dir(dir, (const char *const[]){"self.ks", NULL});
}

/* Two files that include each other, and one file included many times. */
static void test_ks_include_bounds(void **state)
{
	_cleanup_free_ char *dir = make_dir();
	write_text(dir, "a.inc", "%include b.inc\n");
	write_text(dir, "b.inc", "%include a.inc\n");
	write_text(dir, "c.inc", "# nothing\n");
	_cleanup_free_ char *t = NULL;
	const char *ks = KS_HEAD "%include a.inc\n";
	assert_int_equal(ks_read("m.ks", ks, strlen(ks), dir, &t, NULL), -EINVAL);
	/* found in b.inc, whose text is not repeated */
	assert_non_null(strstr(t, "/b.inc:1: error: this line of an included file is refused"));
	assert_int_equal(count(t, "\n"), 1);
	free(t);

	azl_buf b = {0};
	buf_append(&b, KS_HEAD);
	for (size_t i = 0; i < 200; i++)
		buf_append(&b, "%include c.inc\n");
	assert_int_equal(ks_read("m.ks", b.data, b.len, dir, &t, NULL), -EINVAL);
	assert_string_equal(
		t,
		"m.ks:69: error: '%include': more than 64 files are included in all; refusing to read more\n");
	buf_free(&b);
	free(t);

	/* 3 MB included twice: over the bound of 4 MB for everything. */
	azl_buf big = {0};
	while (big.len < 3u * 1024 * 1024)
		buf_append(&big, "# padding padding padding padding\n");
	write_text(dir, "big.inc", big.data);
	buf_free(&big);
	ks = KS_HEAD "%include big.inc\n%include big.inc\n";
	assert_int_equal(ks_read("m.ks", ks, strlen(ks), dir, &t, NULL), -EINVAL);
	assert_non_null(strstr(t, "m.ks:6: error: '%include' of "));
	assert_non_null(strstr(t, "larger than 4194304 bytes together\n"));
	assert_int_equal(count(t, "\n"), 1);
	remove_dir(dir, (const char *const[]){"a.inc", "b.inc", "c.inc", "big.inc", NULL});
}

/* %include of a file that is no kickstart: its lines are never echoed. */
static void test_ks_include_not_echoed(void **state)
{
	_cleanup_free_ char *dir = make_dir();
	write_text(dir, "shadow",
		   "root:$6$SECRET-MARKER$hash:19000:0:99999:7:::\n"
		   "SECRET-MARKER2 --SECRET-MARKER3\n"
		   "firewall --SECRET-MARKER4\n"
		   "%SECRET-MARKER5\n");
	const char *ks = KS_HEAD "%include shadow\n";
	_cleanup_free_ char *t = NULL;
	assert_int_equal(ks_read("m.ks", ks, strlen(ks), dir, &t, NULL), -EINVAL);
	assert_null(strstr(t, "SECRET"));
	assert_non_null(strstr(
		t,
		"/shadow:1: error: this line of an included file is refused; its text is not repeated here"));
	assert_non_null(strstr(t, "/shadow:4: error: "));
	remove_dir(dir, (const char *const[]){"shadow", NULL});
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_yaml_flow_nesting, guard, unguard),
		cmocka_unit_test_setup_teardown(test_yaml_wide_is_read, guard, unguard),
		cmocka_unit_test_setup_teardown(test_yaml_anchors, guard, unguard),
		cmocka_unit_test_setup_teardown(test_yaml_nodes, guard, unguard),
		cmocka_unit_test_setup_teardown(test_yaml_long_list, short_guard, unguard),
		cmocka_unit_test_setup_teardown(test_yaml_many_entries, guard, unguard),
		cmocka_unit_test_setup_teardown(test_ks_many_packages, guard, unguard),
		cmocka_unit_test_setup_teardown(test_ks_many_commands, guard, unguard),
		cmocka_unit_test_setup_teardown(test_ks_many_words, guard, unguard),
		cmocka_unit_test_setup_teardown(test_ks_long_comma_list, guard, unguard),
		cmocka_unit_test_setup_teardown(test_ks_self_include, guard, unguard),
		cmocka_unit_test_setup_teardown(test_ks_include_bounds, guard, unguard),
		cmocka_unit_test_setup_teardown(test_ks_include_not_echoed, guard, unguard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
