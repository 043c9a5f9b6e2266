/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kickstart reader and writer, driven by fixtures:
 *   kickstart/NAME.ks    is read; what diags_print says must equal
 *                        NAME.err (no file: nothing at all), and when it
 *                        reads, answers_write() of the model must equal
 *                        NAME.yaml (no file: the read must fail).
 * Diagnostics name fixtures relative to $AZL_FIXTURES. Set
 * AZL_UPDATE_FIXTURES=1 to rewrite .err and .yaml (then review the diff).
 * Fixture text "SECRET-..." is a password or passphrase: it must never
 * show up in a diagnostic or in what the writers print.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "answers.h"
#include "diag.h"
#include "kickstart.h"
#include "ks-internal.h"
#include "model.h"
#include "util.h"

static bool update(void)
{
	return getenv("AZL_UPDATE_FIXTURES") != NULL;
}

static void enter_fixtures(void)
{
	const char *f = getenv("AZL_FIXTURES");
	assert_int_equal(chdir(f ? f : "tests/fixtures"), 0);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	if (read_file_bounded(path, 16 * 1024 * 1024, &text, &len) < 0)
		return NULL;
	return text;
}

static void spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *diags_text(const azl_diags *d)
{
	azl_buf b = {0};
	for (size_t i = 0; i < d->n; i++) {
		_cleanup_free_ char *s = diag_format(d, &d->items[i]);
		buf_printf(&b, "%s\n", s);
	}
	return buf_steal(&b);
}

static bool has_secret(const char *s)
{
	return s && strstr(s, "SECRET-");
}

static char **fixture_names(void)
{
	char **v = xzalloc(sizeof(char *));
	DIR *dir = opendir("kickstart");
	assert_non_null(dir);
	struct dirent *e;
	while ((e = readdir(dir)))
		if (endswith(e->d_name, ".ks"))
			strv_push(&v,
				  xstrndup(e->d_name, strlen(e->d_name) - 3));
	closedir(dir);
	return v;
}

static void compare(const char *path, const char *got, bool *ok)
{
	_cleanup_free_ char *want = slurp(path);
	if (update()) {
		if (got && *got)
			spill(path, got);
		else if (want)
			unlink(path);
		return;
	}
	if (!streq_ptr(want ? want : "", got ? got : "")) {
		print_error("%s differs; got:\n%s\n", path, got ? got : "");
		*ok = false;
	}
}

static void test_fixtures(void **state)
{
	enter_fixtures();
	_cleanup_strv_free_ char **names = fixture_names();
	assert_true(strv_length(names) >= 15);
	bool ok = true;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *ks = xasprintf("kickstart/%s.ks", *n);
		_cleanup_free_ char *errp = xasprintf("kickstart/%s.err", *n);
		_cleanup_free_ char *yamlp = xasprintf("kickstart/%s.yaml", *n);
		azl_diags d;
		diags_init(&d);
		_cleanup_model_ azl_model *m = NULL;
		int r = kickstart_read_file(ks, NULL, false, &d, &m);
		_cleanup_free_ char *dt = diags_text(&d);
		if (has_secret(dt)) {
			print_error("%s: a secret leaked:\n%s", ks, dt);
			ok = false;
		}
		compare(errp, dt, &ok);
		_cleanup_free_ char *y = NULL;
		if (r == 0) {
			int err = 0;
			y = answers_write(m, &err);
			assert_non_null(y);
			_cleanup_free_ char *k = kickstart_write(m);
			if (has_secret(y) || has_secret(k)) {
				print_error("%s: a secret was written\n", ks);
				ok = false;
			}
		}
		compare(yamlp, y, &ok);
		diags_done(&d);
	}
	assert_true(ok);
}

static void print_first_difference(const char *a, const char *b)
{
	int line = 1;
	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++;
		b++;
	}
	print_error("first difference on line %d:\n< %.*s\n> %.*s\n", line,
		    (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

/* YAML -> kickstart -> YAML gives the same YAML, for each fixture's YAML. */
static void test_yaml_round_trip(void **state)
{
	enter_fixtures();
	_cleanup_strv_free_ char **names = fixture_names();
	bool ok = true;
	size_t tried = 0;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *yamlp = xasprintf("kickstart/%s.yaml", *n);
		_cleanup_free_ char *text = slurp(yamlp);
		if (!text)
			continue;
		azl_diags d;
		diags_init(&d);
		_cleanup_model_ azl_model *m = NULL;
		if (answers_read_text(yamlp, text, strlen(text), NULL, &d, &m) <
		    0) {
			/* e.g. encryption whose passphrase was left out */
			diags_done(&d);
			continue;
		}
		tried++;
		_cleanup_free_ char *k = kickstart_write(m);
		_cleanup_model_ azl_model *m2 = NULL;
		if (kickstart_read_text("round-trip.ks", k, strlen(k), NULL,
					NULL, false, &d, &m2) < 0) {
			_cleanup_free_ char *dt = diags_text(&d);
			print_error("%s: kickstart did not read back:\n%s\n%s",
				    yamlp, dt, k);
			ok = false;
			diags_done(&d);
			continue;
		}
		int err = 0;
		_cleanup_free_ char *y1 = answers_write(m, &err);
		_cleanup_free_ char *y2 = answers_write(m2, &err);
		if (!streq_ptr(y1, y2)) {
			print_error("%s: not stable through kickstart:\n%s\n",
				    yamlp, k);
			print_first_difference(y1, y2);
			ok = false;
		}
		diags_done(&d);
	}
	assert_true(tried >= 10);
	assert_true(ok);
}

static char **split(const char *s)
{
	char **v = NULL;
	const char *why = NULL;
	if (ks_split(s, strlen(s), &v, &why) < 0)
		return NULL;
	return v;
}

static void expect_words(const char *line, const char *const *want)
{
	_cleanup_strv_free_ char **v = split(line);
	assert_non_null(v);
	size_t i = 0;
	for (; want[i]; i++) {
		assert_non_null(v[i]);
		assert_string_equal(v[i], want[i]);
	}
	assert_null(v[i]);
}

static void test_lexer(void **state)
{
	expect_words("part / --size=1024 --grow",
		     (const char *const[]){"part", "/", "--size=1024", "--grow",
					   NULL});
	expect_words("  user --gecos='A \"B\" C'  ",
		     (const char *const[]){"user", "--gecos=A \"B\" C", NULL});
	expect_words("x \"a\\\"b\\\\c\\d\"",
		     (const char *const[]){"x", "a\"b\\c\\d", NULL});
	expect_words("x a\\ b # comment",
		     (const char *const[]){"x", "a b", NULL});
	expect_words("x ab#cd", (const char *const[]){"x", "ab", NULL});
	expect_words("x '#' \"\"", (const char *const[]){"x", "#", "", NULL});
	expect_words("   # only a comment", (const char *const[]){NULL});
	char **v = NULL;
	const char *why = NULL;
	assert_int_equal(ks_split("x 'open", 7, &v, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(ks_split("x \"open", 7, &v, &why), -EINVAL);
	assert_int_equal(ks_split("x \\", 3, &v, &why), -EINVAL);
	assert_int_equal(ks_split("x\0y", 3, &v, &why), -EINVAL);
}

static int read_text(const char *text, const char *base, bool strict,
		     char **ret_diags, azl_model **ret)
{
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	int r = kickstart_read_text("mem.ks", text, strlen(text), base, NULL,
				    strict, &d, &m);
	*ret_diags = diags_text(&d);
	diags_done(&d);
	if (ret)
		*ret = m;
	else
		model_free(m);
	return r;
}

static void test_include_rules(void **state)
{
	enter_fixtures();
	_cleanup_free_ char *dt = NULL;
	/* no base directory: %include is an error, nothing is read */
	assert_int_equal(read_text("%include include/swap.inc\n", NULL, false,
				   &dt, NULL),
			 -EINVAL);
	assert_non_null(strstr(dt, "mem.ks:1: error: '%include' is not "
				   "allowed"));
	free(dt);
	/* relative to the base directory, and nested relative to the file */
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_text("rootpw --lock\nautopart\n"
				   "%include include/swap.inc\n",
				   "kickstart", false, &dt, &m),
			 -EINVAL); /* autopart together with part */
	assert_non_null(strstr(dt, "'autopart' cannot be used together"));
	free(dt);
	assert_int_equal(read_text("%include does-not-exist\n", "kickstart",
				   false, &dt, NULL),
			 -EINVAL);
	assert_non_null(strstr(dt, "mem.ks:1: error: cannot read"));
}

static void test_strict(void **state)
{
	const char *ks = "rootpw --lock\nautopart\nmouse generic\n";
	_cleanup_free_ char *a = NULL, *b = NULL;
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_text(ks, NULL, false, &a, &m), 0);
	assert_non_null(m);
	assert_string_equal(a, "mem.ks:3: warning: 'mouse' was removed from "
			       "Fedora's kickstart and was ignored\n");
	assert_int_equal(read_text(ks, NULL, true, &b, NULL), -EINVAL);
	assert_string_equal(b, "mem.ks:3: error: 'mouse' was removed from "
			       "Fedora's kickstart and was ignored\n");
}

static void test_secrets(void **state)
{
	const char *ks = "rootpw --plaintext SECRET-a\n"
			 "user --name=u1 --password SECRET-b --bogus=SECRET-c\n"
			 "autopart --encrypted --passphrase=SECRET-d\n"
			 "part /x --passphrase=SECRET-e --size=big\n"
			 "rootpw --plaintext --iscrypted SECRET-f\n"
			 "bootloader --password=SECRET-g\n";
	_cleanup_free_ char *dt = NULL;
	assert_int_equal(read_text(ks, NULL, false, &dt, NULL), -EINVAL);
	assert_false(has_secret(dt));
	assert_non_null(strstr(dt, "'user' has no option '--bogus'"));

	_cleanup_model_ azl_model *m = NULL;
	free(dt);
	assert_int_equal(read_text("rootpw SECRET-a\nautopart --encrypted "
				   "--passphrase=SECRET-d\n",
				   NULL, false, &dt, &m),
			 0);
	assert_string_equal(m->accounts.root.password->data, "SECRET-a");
	assert_string_equal(m->storage.encryption.passphrase->data, "SECRET-d");
	_cleanup_free_ char *k = kickstart_write(m);
	assert_false(has_secret(k));
	assert_non_null(strstr(k, "rootpw --iscrypted $y$"));
}

static void test_detection(void **state)
{
	static const char *const ks[] = {
		"lang en_US.UTF-8\n",
		"# c\n\n%packages\n%end\n",
		"#version=RHEL8\ntext\n",
		"  autopart --type=lvm\n",
	};
	static const char *const yaml[] = {
		"version: 1\n",
		"# answers\n---\nversion: 1\n",
		"%YAML 1.2\n---\nversion: 1\n",
		"{\"version\": 1}\n",
		"locale: en_US.UTF-8\nversion: 1\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(ks); i++)
		assert_true(input_is_kickstart(ks[i], strlen(ks[i])));
	for (size_t i = 0; i < ELEMENTSOF(yaml); i++)
		assert_false(input_is_kickstart(yaml[i], strlen(yaml[i])));

	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	const char *t = "lang de_DE.UTF-8\nrootpw --lock\nautopart\n";
	assert_int_equal(answers_load("x", t, strlen(t), &d, &m), 0);
	assert_string_equal(m->locale, "de_DE.UTF-8");
	diags_done(&d);
}

static void test_model_values(void **state)
{
	enter_fixtures();
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(kickstart_read_file("kickstart/bond-vlan.ks", NULL,
					     false, &d, &m),
			 0);
	assert_int_equal(m->network.n_interfaces, 3);
	const azl_interface *b = &m->network.interfaces[0];
	assert_string_equal(b->name, "bond0");
	assert_string_equal(b->addresses[0], "192.0.2.10/24");
	assert_string_equal(b->bond.mode, "active-backup");
	assert_string_equal(b->bond.slaves[1], "ens4");
	assert_string_equal(m->network.interfaces[1].name, "vlan10");
	assert_string_equal(m->network.interfaces[1].vlan_link, "ens5");
	assert_int_equal(m->network.interfaces[1].vlan_id, 10);
	assert_string_equal(m->network.interfaces[2].match_mac,
			    "52:54:00:12:34:56");
	diags_done(&d);

	diags_init(&d);
	model_free(m);
	m = NULL;
	assert_int_equal(kickstart_read_file("kickstart/bios-msdos.ks", NULL,
					     false, &d, &m),
			 0);
	assert_int_equal(m->storage.table, AZL_TABLE_MSDOS);
	assert_int_equal(m->storage.n_partitions, 4);
	assert_int_equal(m->storage.partitions[2].size.bytes,
			 (uint64_t)8192 << 20);
	assert_int_equal(m->storage.partitions[2].max_bytes,
			 (uint64_t)20480 << 20);
	assert_string_equal(m->storage.partitions[3].disk_path, "/dev/vdb");
	assert_int_equal(m->finish, AZL_FINISH_SHELL);
	diags_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_include_rules),
		cmocka_unit_test(test_model_values),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_yaml_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
