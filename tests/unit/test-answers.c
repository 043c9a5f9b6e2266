/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The answer-file reader, writer and validation, driven by fixtures:
 *   answers/good/NAME.yaml   must read without a diagnostic and survive
 *                            read -> write -> read -> write unchanged;
 *   answers/bad/NAME.yaml    must be refused with exactly the text of
 *                            answers/bad/NAME.err (what diags_print says).
 * Fixture names in diagnostics are relative to $AZL_FIXTURES. Set
 * AZL_UPDATE_FIXTURES=1 to rewrite the .err files (then review the diff).
 * Any fixture text "SECRET-..." stands for a password or passphrase and
 * must never show up in a diagnostic.
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
#include "model.h"
#include "passwd-hash.h"
#include "util.h"
#include "yaml-doc.h"

static const char *fixtures(void)
{
	const char *f = getenv("AZL_FIXTURES");
	return f ? f : "tests/fixtures";
}

static char *zoneinfo(void)
{
	return xasprintf("%s/answers/zoneinfo", fixtures());
}

static char *slurp(const char *path, size_t *ret_len)
{
	char *text = NULL;
	size_t len = 0;
	int r = read_file_bounded(path, 16 * 1024 * 1024, &text, &len);
	if (r < 0) {
		print_error("cannot read %s: %s\n", path, strerror(-r));
		return NULL;
	}
	if (ret_len)
		*ret_len = len;
	return text;
}

/* Sorted names in dir ending with suffix. */
static char **list_dir(const char *dir, const char *suffix)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	char **l = xzalloc(sizeof(char *));
	for (int i = 0; i < n; i++) {
		if (endswith(ents[i]->d_name, suffix))
			strv_push(&l, xstrdup(ents[i]->d_name));
		free(ents[i]);
	}
	free(ents);
	return l;
}

static char *diags_text(const azl_diags *d)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	diags_print(d, f);
	fclose(f);
	return buf;
}

/* Reads fixture rel (relative to $AZL_FIXTURES) under that name. */
static int read_fixture(const char *rel, azl_diags *d, azl_model **ret)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", fixtures(), rel);
	_cleanup_free_ char *zi = zoneinfo();
	size_t len;
	_cleanup_free_ char *text = slurp(path, &len);
	assert_non_null(text);
	return answers_read_text(rel, text, len, zi, d, ret);
}

static int read_string(const char *text, azl_diags *d, azl_model **ret)
{
	_cleanup_free_ char *zi = zoneinfo();
	return answers_read_text("test.yaml", text, strlen(text), zi, d, ret);
}

/* --- fixtures ----------------------------------------------------------- */

static void test_good_fixtures(void **state)
{
	_cleanup_free_ char *dir = xasprintf("%s/answers/good", fixtures());
	_cleanup_strv_free_ char **names = list_dir(dir, ".yaml");
	assert_true(strv_length(names) >= 5);
	size_t failed = 0;
	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *rel =
			xasprintf("answers/good/%s", names[i]);
		azl_diags d;
		diags_init(&d);
		azl_model *m = NULL;
		int r = read_fixture(rel, &d, &m);
		if (r < 0 || d.n > 0) {
			_cleanup_free_ char *t = diags_text(&d);
			print_error("%s: expected no diagnostics:\n%s", rel, t);
			failed++;
		}
		model_free(m);
		diags_done(&d);
	}
	assert_int_equal(failed, 0);
}

static void test_bad_fixtures(void **state)
{
	_cleanup_free_ char *dir = xasprintf("%s/answers/bad", fixtures());
	_cleanup_strv_free_ char **names = list_dir(dir, ".yaml");
	bool update = getenv("AZL_UPDATE_FIXTURES") != NULL;
	assert_true(strv_length(names) >= 25);
	size_t failed = 0;
	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *rel =
			xasprintf("answers/bad/%s", names[i]);
		_cleanup_free_ char *base =
			xstrndup(names[i], strlen(names[i]) - strlen(".yaml"));
		_cleanup_free_ char *errpath =
			xasprintf("%s/%s.err", dir, base);
		azl_diags d;
		diags_init(&d);
		azl_model *m = NULL;
		int r = read_fixture(rel, &d, &m);
		_cleanup_free_ char *got = diags_text(&d);
		if (r >= 0 || diags_errors(&d) == 0) {
			print_error("%s: was accepted\n", rel);
			failed++;
		}
		if (strstr(got, "SECRET-")) {
			print_error("%s: a secret leaked:\n%s", rel, got);
			failed++;
		}
		if (update) {
			FILE *f = fopen(errpath, "we");
			assert_non_null(f);
			fputs(got, f);
			fclose(f);
		} else {
			_cleanup_free_ char *want = slurp(errpath, NULL);
			if (!want || strcmp(want, got) != 0) {
				print_error("%s: expected:\n%s\ngot:\n%s\n",
					    rel, want ? want : "(no .err file)",
					    got);
				failed++;
			}
		}
		model_free(m);
		diags_done(&d);
	}
	assert_int_equal(failed, 0);
}

static char *write_read(const char *text, const char *what)
{
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	int r = read_string(text, &d, &m);
	if (r < 0) {
		_cleanup_free_ char *t = diags_text(&d);
		print_error("%s: written text does not read back:\n%s\n%s",
			    what, t, text);
	}
	assert_int_equal(r, 0);
	int err = 0;
	char *out = answers_write(m, &err);
	assert_non_null(out);
	model_free(m);
	diags_done(&d);
	return out;
}

static void test_round_trip(void **state)
{
	_cleanup_free_ char *dir = xasprintf("%s/answers/good", fixtures());
	_cleanup_strv_free_ char **names = list_dir(dir, ".yaml");
	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *rel =
			xasprintf("answers/good/%s", names[i]);
		azl_diags d;
		diags_init(&d);
		azl_model *m = NULL;
		assert_int_equal(read_fixture(rel, &d, &m), 0);
		int err = 0;
		_cleanup_free_ char *w1 = answers_write(m, &err);
		assert_non_null(w1);
		_cleanup_free_ char *w2 = write_read(w1, rel);
		_cleanup_free_ char *w3 = write_read(w2, rel);
		if (strcmp(w2, w3) != 0 || strcmp(w1, w2) != 0)
			print_error("%s: not stable:\n%s\n---\n%s\n", rel, w1,
				    w2);
		assert_string_equal(w1, w2);
		assert_string_equal(w2, w3);
		model_free(m);
		diags_done(&d);
	}
}

/* --- secrets ------------------------------------------------------------ */

static void test_password_is_hashed(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_string("version: 1\n"
				     "accounts:\n"
				     "  root: {password: \"SECRET-root pw\"}\n"
				     "  users:\n"
				     "    - name: admin\n"
				     "      password: SECRET-admin\n",
				     &d, &m),
			 0);
	assert_false(m->accounts.root.lock);
	assert_string_equal(m->accounts.root.password->data, "SECRET-root pw");
	int err = 0;
	_cleanup_free_ char *out = answers_write(m, &err);
	assert_non_null(out);
	assert_null(strstr(out, "SECRET-"));
	assert_null(strstr(out, "password:"));

	_cleanup_model_ azl_model *m2 = NULL;
	assert_int_equal(read_string(out, &d, &m2), 0);
	assert_false(m2->accounts.root.lock);
	assert_null(m2->accounts.root.password);
	const char *h = m2->accounts.root.password_hash;
	assert_non_null(h);
	assert_true(startswith(h, "$y$"));
	_cleanup_secret_ azl_secret *pw = secret_new("SECRET-root pw", 14);
	_cleanup_secret_ azl_secret *wrong = secret_new("SECRET-root pX", 14);
	assert_true(password_hash_matches(pw, h));
	assert_false(password_hash_matches(wrong, h));
	assert_int_equal(m2->accounts.n_users, 1);
	_cleanup_secret_ azl_secret *apw = secret_new("SECRET-admin", 12);
	assert_true(password_hash_matches(apw,
					  m2->accounts.users[0].password_hash));
	diags_done(&d);
}

static void test_passphrase_not_written(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_string("version: 1\n"
				     "storage:\n"
				     "  encryption:\n"
				     "    passphrase: SECRET-luks\n"
				     "    pbkdf: pbkdf2\n",
				     &d, &m),
			 0);
	assert_true(m->storage.encryption.enabled);
	assert_string_equal(m->storage.encryption.passphrase->data,
			    "SECRET-luks");
	int err = 0;
	_cleanup_free_ char *out = answers_write(m, &err);
	assert_non_null(out);
	assert_null(strstr(out, "SECRET-"));
	assert_non_null(strstr(out, "# passphrase: not written"));
	/* Read back, the file asks for the passphrase to be supplied. */
	_cleanup_model_ azl_model *m2 = NULL;
	assert_int_equal(read_string(out, &d, &m2), -EINVAL);
	_cleanup_free_ char *t = diags_text(&d);
	assert_non_null(strstr(t, "'encryption' needs 'passphrase'"));
	diags_done(&d);
}

static void test_secret_line_hidden(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(
		read_string(
			"version: 1\n"
			"accounts:\n"
			"  users: [{name: a, password: SECRET-x, uid: q}]\n",
			&d, &m),
		-EINVAL);
	_cleanup_free_ char *t = diags_text(&d);
	assert_string_equal(t, "test.yaml:3:46: error: 'uid' must be a whole "
			       "number from 1 to 4294967294, not 'q'\n"
			       "  password: <hidden>\n");
	diags_done(&d);
}

/* --- limits ------------------------------------------------------------- */

static void test_oversized(void **state)
{
	size_t len = YDOC_MAX_FILE_SIZE + 1;
	_cleanup_free_ char *text = xmalloc(len + 1);
	memcpy(text, "version: 1\n", 11);
	memset(text + 11, '#', len - 11);
	text[len] = '\0';
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	_cleanup_free_ char *zi = zoneinfo();
	assert_int_equal(answers_read_text("big.yaml", text, len, zi, &d, &m),
			 -EINVAL);
	_cleanup_free_ char *t = diags_text(&d);
	assert_string_equal(t, "big.yaml: error: the file is larger than "
			       "4194304 bytes; refusing it\n");
	diags_done(&d);

	/* The same through a file on disk. */
	char path[] = "/tmp/test-answers-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	diags_init(&d);
	assert_int_equal(answers_read_file(path, zi, &d, &m), -EINVAL);
	assert_int_equal(diags_errors(&d), 1);
	diags_done(&d);
	unlink(path);
}

static void test_ydoc(void **state)
{
	azl_diags d;
	diags_init(&d);
	static const char json[] =
		"{\"disks\": [{\"path\": \"/dev/vda\", \"size\": 123}],\n"
		" \"ok\": true}";
	azl_source *src =
		diags_add_source(&d, source_new("m.json", json, strlen(json)));
	_cleanup_ynode_ ynode *n = ydoc_load(src, &d);
	assert_non_null(n);
	assert_int_equal(n->kind, YNODE_MAPPING);
	ynode *disks = ynode_get(n, "disks");
	assert_non_null(disks);
	assert_int_equal(disks->kind, YNODE_SEQUENCE);
	ynode *size = ynode_get(disks->items[0], "size");
	assert_string_equal(size->scalar, "123");
	assert_false(size->quoted);
	assert_true(ynode_get(disks->items[0], "path")->quoted);
	assert_int_equal(size->loc.line, 1);
	assert_int_equal(size->loc.col, 41);
	assert_int_equal(ynode_get(n, "ok")->loc.line, 2);
	assert_null(ynode_get(n, "nope"));
	assert_int_equal(d.n, 0);

	/* A few aliases are fine and are copied. */
	static const char alias[] = "a: &x [1, 2]\nb: *x\nc: *x\n";
	src = diags_add_source(&d, source_new("a.yaml", alias, strlen(alias)));
	_cleanup_ynode_ ynode *a = ydoc_load(src, &d);
	assert_non_null(a);
	assert_int_equal(ynode_get(a, "c")->n_items, 2);
	assert_int_equal(d.n, 0);

	/* An empty document is a null scalar. */
	src = diags_add_source(&d, source_new("e.yaml", "", 0));
	_cleanup_ynode_ ynode *e = ydoc_load(src, &d);
	assert_non_null(e);
	assert_true(e->is_null);
	diags_done(&d);
}

/* --- single-value checks ------------------------------------------------ */

static void test_validators(void **state)
{
	assert_true(hostname_is_valid("node01"));
	assert_true(hostname_is_valid("a.example.com"));
	assert_false(hostname_is_valid(""));
	assert_false(hostname_is_valid("-a"));
	assert_false(hostname_is_valid("a-"));
	assert_false(hostname_is_valid("a..b"));
	assert_false(hostname_is_valid("a_b"));
	assert_false(hostname_is_valid("a23456789012345678901234567890123456789"
				       "0123456789012345678901234"));
	assert_true(locale_is_valid("en_US.UTF-8"));
	assert_true(locale_is_valid("de_DE@euro"));
	assert_true(locale_is_valid("C.UTF-8"));
	assert_true(locale_is_valid("POSIX"));
	assert_true(locale_is_valid("ast_ES.UTF-8"));
	assert_false(locale_is_valid("english"));
	assert_false(locale_is_valid("en_us.UTF-8"));
	assert_false(locale_is_valid("en_US."));
	assert_true(keymap_is_valid("us"));
	assert_true(keymap_is_valid("de-nodeadkeys"));
	assert_true(keymap_is_valid("fr-latin9"));
	assert_false(keymap_is_valid("US"));
	assert_false(keymap_is_valid("us intl"));
	assert_false(keymap_is_valid("-us"));
	_cleanup_free_ char *zi = zoneinfo();
	assert_true(timezone_is_valid("UTC", zi));
	assert_true(timezone_is_valid("Europe/Berlin", zi));
	assert_false(timezone_is_valid("Europe", zi)); /* a directory */
	assert_false(timezone_is_valid("Mars/Olympus", zi));
	assert_false(timezone_is_valid("../answers/zoneinfo/UTC", zi));
	assert_false(timezone_is_valid("/UTC", zi));
	assert_true(username_is_valid("admin"));
	assert_true(username_is_valid("_svc-1"));
	assert_false(username_is_valid("Admin"));
	assert_false(username_is_valid("1admin"));
	assert_false(username_is_valid("a b"));
	assert_false(username_is_valid("a23456789012345678901234567890123"));
}

static void test_defaults_and_values(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	_cleanup_free_ char *rel = xstrdup("answers/good/full.yaml");
	assert_int_equal(read_fixture(rel, &d, &m), 0);
	assert_true(m->has_storage && m->has_network && m->has_accounts &&
		    m->has_packages);
	assert_int_equal(m->storage.n_partitions, 5);
	const azl_partition_spec *p = &m->storage.partitions[2];
	assert_string_equal(p->mount, "/");
	assert_int_equal(p->size.kind, AZL_SIZE_BYTES);
	assert_int_equal(p->size.bytes, 8ull << 30);
	assert_true(p->grow);
	assert_int_equal(p->max_bytes, 20ull << 30);
	assert_int_equal(p->fs, AZL_FS_XFS);
	assert_true(p->encrypt);
	assert_int_equal(p->loc.line, 27);
	assert_string_equal(p->loc.file, "answers/good/full.yaml");
	assert_int_equal(m->storage.partitions[4].disk_index, 2);
	assert_int_equal(m->storage.partitions[4].size.percent, 10000);
	assert_int_equal(m->storage.disks[1].match_size,
			 AZL_MATCH_SIZE_LARGEST);
	assert_int_equal(m->network.interfaces[1].vlan_id, 10);
	assert_string_equal(m->network.interfaces[0].match_mac,
			    "52:54:00:12:34:56");
	assert_int_equal(m->packages.repos[0].priority, 10);
	assert_false(m->packages.repos[0].gpgcheck);
	assert_true(m->packages.repos[1].gpgcheck);
	assert_false(m->packages.install_weak_deps);
	assert_true(m->scripts.post[0].chroot);
	assert_int_equal(m->accounts.users[0].uid, 1000);
	assert_int_equal(m->selinux, AZL_SELINUX_PERMISSIVE);
	assert_int_equal(m->finish, AZL_FINISH_POWEROFF);

	_cleanup_model_ azl_model *min = NULL;
	assert_int_equal(read_string("version: 1\n", &d, &min), 0);
	assert_string_equal(min->hostname, "azurelinux");
	assert_string_equal(min->timezone, "UTC");
	assert_true(min->accounts.root.lock);
	assert_false(min->has_storage);
	assert_string_equal(min->packages.install[0], "@minimal");
	diags_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validators),
		cmocka_unit_test(test_ydoc),
		cmocka_unit_test(test_good_fixtures),
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_password_is_hashed),
		cmocka_unit_test(test_passphrase_not_written),
		cmocka_unit_test(test_secret_line_hidden),
		cmocka_unit_test(test_oversized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
