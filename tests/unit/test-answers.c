/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The answer-file reader, writer and validation, driven by fixtures:
 *   answers/good/NAME.yaml   must read without a diagnostic and survive
 *                            read -> write -> read -> write unchanged;
 *   answers/bad/NAME.yaml    must be refused with exactly the text of
 *                            answers/bad/NAME.err (what diags_print says).
 * Fixture names in diagnostics are relative to $AZL_FIXTURES. Set
 * AZL_UPDATE_FIXTURES=1 to rewrite the .err files (then review the diff;
 * refused when CI is set).
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
#include <crypt.h>

#include "answers.h"
#include "diag.h"
#include "model.h"
#include "passwd-hash.h"
#include "util.h"
#include "yaml-doc.h"

/* The update variable rewrites the expected files from what the code
 * produces, after which the test passes whatever the code does: under CI
 * (CI set in the environment) it is refused and the test fails. */
static bool update(void)
{
	if (!getenv("AZL_UPDATE_FIXTURES"))
		return false;
	if (getenv("CI"))
		fail_msg(
			"AZL_UPDATE_FIXTURES is set under CI: fixtures are updated by people, who review the diff; unset it");
	return true;
}

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
		_cleanup_free_ char *rel = xasprintf("answers/good/%s", names[i]);
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
	bool rewrite = update();
	assert_true(strv_length(names) >= 25);
	size_t failed = 0;
	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *rel = xasprintf("answers/bad/%s", names[i]);
		_cleanup_free_ char *base = xstrndup(names[i], strlen(names[i]) - strlen(".yaml"));
		_cleanup_free_ char *errpath = xasprintf("%s/%s.err", dir, base);
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
		if (rewrite) {
			FILE *f = fopen(errpath, "we");
			assert_non_null(f);
			fputs(got, f);
			fclose(f);
		} else {
			_cleanup_free_ char *want = slurp(errpath, NULL);
			if (!want || strcmp(want, got) != 0) {
				print_error("%s: expected:\n%s\ngot:\n%s\n", rel,
					    want ? want : "(no .err file)", got);
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
		print_error("%s: written text does not read back:\n%s\n%s", what, t, text);
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
		_cleanup_free_ char *rel = xasprintf("answers/good/%s", names[i]);
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
			print_error("%s: not stable:\n%s\n---\n%s\n", rel, w1, w2);
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
	assert_true(password_hash_matches(apw, m2->accounts.users[0].password_hash));
	diags_done(&d);
}

/* Every method libxcrypt offers, hashed by libxcrypt itself at its
 * cheapest cost, is judged well-formed; damaged copies are not. */
static void test_password_hash_shapes(void **state)
{
	(void)state;
	static const struct {
		const char *prefix;
		unsigned long count;
	} methods[] = {{"$y$", 1},    {"$gy$", 1}, {"$7$", 6}, {"$6$", 1000},
		       {"$5$", 1000}, {"$2b$", 4}, {"$2y$", 4}};
	for (size_t i = 0; i < ELEMENTSOF(methods); i++) {
		char salt[CRYPT_GENSALT_OUTPUT_SIZE];
		assert_non_null(crypt_gensalt_rn(methods[i].prefix, methods[i].count, NULL, 0, salt,
						 sizeof(salt)));
		struct crypt_data cd = {0};
		const char *h = crypt_rn("pw", salt, &cd, sizeof(cd));
		assert_non_null(h);
		assert_true(h[0] != '*');
		if (!password_hash_is_valid(h))
			fail_msg("libxcrypt's own %s hash %s judged malformed", methods[i].prefix,
				 h);
		_cleanup_free_ char *cut = xstrndup(h, strlen(h) - 1);
		assert_false(password_hash_is_valid(cut));
		_cleanup_free_ char *longer = xasprintf("%sA", h);
		assert_false(password_hash_is_valid(longer));
		_cleanup_free_ char *bad = xstrdup(h);
		bad[strlen(bad) - 5] = '!';
		assert_false(password_hash_is_valid(bad));
	}
	/* Well-formed with the highest costs their methods allow: judged
	 * without computing them (computing would take hours, or all the
	 * memory, and this test would run into ctest's timeout). */
	assert_true(password_hash_is_valid(
		"$2b$31$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234"));
	assert_true(password_hash_is_valid(
		"$6$rounds=999999999$saltsaltsaltsalt$abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh"));
	assert_true(password_hash_is_valid(
		"$y$jzT$hy9LJAHCW2j6Bkn7TPjYP1$KkIiw1cdiIfI3LC3/D5yTVRYECQAC/E0Cm2RAnAxmL0"));
	/* Out of range or malformed costs. */
	assert_false(password_hash_is_valid(
		"$2b$32$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234"));
	assert_false(password_hash_is_valid(
		"$2b$3$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234"));
	assert_false(password_hash_is_valid(
		"$6$rounds=$salt$abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh"));
	assert_false(password_hash_is_valid("$y$short"));
	assert_false(password_hash_is_valid("$1$saltsalt$abcdefghijklmnopqrstuv"));
	assert_false(password_hash_is_valid("!"));
	assert_false(password_hash_is_valid(""));
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
	assert_string_equal(m->storage.encryption.passphrase->data, "SECRET-luks");
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

/* reporting: header values may be tokens: read as secrets, never
 * written back (the written file says so), hidden in diagnostics. */
static void test_webhook_headers_not_written(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_string("version: 1\n"
				     "reporting:\n"
				     "  engine:\n"
				     "    type: webhook\n"
				     "    endpoint: http://192.0.2.1/r\n"
				     "    headers: {Authorization: \"Bearer SECRET-t\"}\n",
				     &d, &m),
			 0);
	assert_int_equal(m->reporting.n_hooks, 1);
	assert_string_equal(m->reporting.hooks[0].headers[0].name, "Authorization");
	assert_string_equal(m->reporting.hooks[0].headers[0].value->data, "Bearer SECRET-t");
	int err = 0;
	_cleanup_free_ char *out = answers_write(m, &err);
	assert_non_null(out);
	assert_null(strstr(out, "SECRET-"));
	assert_non_null(strstr(out, "# headers: not written"));
	assert_non_null(strstr(out, "endpoint: http://192.0.2.1/r"));
	/* A bad value is reported where it is, without the value. */
	_cleanup_model_ azl_model *m2 = NULL;
	assert_int_equal(read_string("version: 1\n"
				     "reporting:\n"
				     "  engine:\n"
				     "    endpoint: http://192.0.2.1/r\n"
				     "    headers: {X-Token: \"SECRET-u\\r\\nX: 1\"}\n",
				     &d, &m2),
			 -EINVAL);
	_cleanup_free_ char *t = diags_text(&d);
	assert_null(strstr(t, "SECRET-"));
	assert_non_null(strstr(t, ":5:"));
	assert_non_null(strstr(t, "header 'X-Token' holds a line break"));
	diags_done(&d);
}

static void test_secret_line_hidden(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_string("version: 1\n"
				     "accounts:\n"
				     "  users: [{name: a, password: SECRET-x, uid: q}]\n",
				     &d, &m),
			 -EINVAL);
	_cleanup_free_ char *t = diags_text(&d);
	assert_string_equal(
		t,
		"test.yaml:3:46: error: 'uid' must be a whole number from 1 to 4294967294, not 'q'\n"
		"  password: <hidden>\n");
	diags_done(&d);
}

/* --- limits ------------------------------------------------------------- */

/* An empty passphrase_file is refused when validation can read it; one it
 * cannot read is left to the installing machine. */
static void test_passphrase_file_empty(void **state)
{
	char path[] = "/tmp/test-answers-pf.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	_cleanup_free_ char *text =
		xasprintf("version: 1\nstorage:\n  encryption: {passphrase_file: %s}\n", path);
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	assert_int_equal(read_string(text, &d, &m), -EINVAL);
	_cleanup_free_ char *dt = diags_text(&d);
	assert_non_null(strstr(dt, "test.yaml:3:33: error: 'passphrase_file'"));
	assert_non_null(strstr(dt, "is empty; put the passphrase in it"));
	diags_done(&d);

	assert_int_equal(write(fd, "SECRET-pf", 9), 9);
	close(fd);
	diags_init(&d);
	assert_int_equal(read_string(text, &d, &m), 0);
	model_free(m);
	diags_done(&d);
	unlink(path);

	_cleanup_free_ char *gone =
		xasprintf("version: 1\nstorage:\n  encryption: {passphrase_file: %s.none}\n", path);
	diags_init(&d);
	assert_int_equal(read_string(gone, &d, &m), 0);
	model_free(m);
	diags_done(&d);
}

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
	assert_int_equal(answers_read_text("big.yaml", text, len, zi, &d, &m), -EINVAL);
	_cleanup_free_ char *t = diags_text(&d);
	assert_string_equal(
		t, "big.yaml: error: the file is larger than 4194304 bytes; refusing it\n");
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
	static const char json[] = "{\"disks\": [{\"path\": \"/dev/vda\", \"size\": 123}],\n"
				   " \"ok\": true}";
	azl_source *src = diags_add_source(&d, source_new("m.json", json, strlen(json)));
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
	assert_false(hostname_is_valid(
		"a234567890123456789012345678901234567890123456789012345678901234"));
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
	assert_true(m->has_storage && m->has_network && m->has_accounts && m->has_packages);
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
	assert_int_equal(m->storage.disks[1].match_size, AZL_MATCH_SIZE_LARGEST);
	assert_int_equal(m->network.interfaces[1].vlan_id, 10);
	assert_string_equal(m->network.interfaces[0].match_mac, "52:54:00:12:34:56");
	assert_int_equal(m->packages.repos[0].priority, 10);
	assert_false(m->packages.repos[0].gpgcheck);
	assert_true(m->packages.repos[1].gpgcheck);
	assert_string_equal(m->packages.repos[0].gpgkey_fingerprint,
			    "56B3 7FDB AAFC 2499 BA39  A513 B16A C406 E360 820E");
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

/* --- volume groups, ntp, boot drive, interface matches, allow_ssh ------- */

static void assert_strv_equal(char *const *a, char *const *b)
{
	assert_int_equal(strv_length(a), strv_length(b));
	assert_int_equal(a == NULL, b == NULL);
	for (size_t i = 0; a && a[i]; i++)
		assert_string_equal(a[i], b[i]);
}

static void assert_size_equal(const azl_size *a, const azl_size *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->bytes, b->bytes);
	assert_int_equal(a->percent, b->percent);
}

/* The fields issue 6 added, compared one by one: what read -> write ->
 * read must carry over unchanged. */
static void assert_new_fields_equal(const azl_model *a, const azl_model *b)
{
	assert_strv_equal(a->ntp.servers, b->ntp.servers);
	assert_strv_equal(a->ntp.pools, b->ntp.pools);
	assert_int_equal(a->ntp.disabled, b->ntp.disabled);
	assert_int_equal(a->storage.n_partitions, b->storage.n_partitions);
	for (size_t i = 0; i < a->storage.n_partitions; i++) {
		const azl_partition_spec *p = &a->storage.partitions[i],
					 *q = &b->storage.partitions[i];
		assert_true(streq_ptr(p->volume_group, q->volume_group));
		assert_true(streq_ptr(p->mount, q->mount));
		assert_size_equal(&p->size, &q->size);
		assert_int_equal(p->grow, q->grow);
		assert_int_equal(p->max_bytes, q->max_bytes);
		assert_int_equal(p->encrypt, q->encrypt);
		assert_int_equal(p->disk_index, q->disk_index);
		assert_true(streq_ptr(p->disk_path, q->disk_path));
	}
	assert_int_equal(a->storage.n_volume_groups, b->storage.n_volume_groups);
	for (size_t g = 0; g < a->storage.n_volume_groups; g++) {
		const azl_volume_group *x = &a->storage.volume_groups[g],
				       *y = &b->storage.volume_groups[g];
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->n_volumes, y->n_volumes);
		for (size_t i = 0; i < x->n_volumes; i++) {
			const azl_volume_spec *v = &x->volumes[i], *w = &y->volumes[i];
			assert_true(streq_ptr(v->name, w->name));
			assert_true(streq_ptr(v->mount, w->mount));
			assert_size_equal(&v->size, &w->size);
			assert_int_equal(v->grow, w->grow);
			assert_int_equal(v->max_bytes, w->max_bytes);
			assert_int_equal(v->fs, w->fs);
			assert_true(streq_ptr(v->label, w->label));
			assert_true(streq_ptr(v->fs_options, w->fs_options));
		}
	}
	assert_int_equal(a->bootloader.boot_drive_index, b->bootloader.boot_drive_index);
	assert_true(streq_ptr(a->bootloader.boot_drive_path, b->bootloader.boot_drive_path));
	assert_int_equal(a->network.n_interfaces, b->network.n_interfaces);
	for (size_t i = 0; i < a->network.n_interfaces; i++) {
		const azl_interface *x = &a->network.interfaces[i], *y = &b->network.interfaces[i];
		assert_true(streq_ptr(x->name, y->name));
		assert_true(streq_ptr(x->match_mac, y->match_mac));
		assert_int_equal(x->match_link, y->match_link);
		assert_int_equal(x->match_bootif, y->match_bootif);
	}
	assert_int_equal(a->accounts.root.allow_ssh, b->accounts.root.allow_ssh);
	assert_int_equal(a->accounts.root.lock, b->accounts.root.lock);
}

/* read -> write -> read, and the two models agree on every new field. */
static void round_trip_new_fields(const azl_model *m)
{
	int err = 0;
	_cleanup_free_ char *out = answers_write(m, &err);
	assert_non_null(out);
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *back = NULL;
	if (read_string(out, &d, &back) < 0) {
		_cleanup_free_ char *t = diags_text(&d);
		print_error("written file does not read back:\n%s\n%s", t, out);
	}
	assert_non_null(back);
	assert_new_fields_equal(m, back);
	diags_done(&d);
}

static void test_lvm_ntp_values(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_fixture("answers/good/custom-lvm.yaml", &d, &m), 0);
	const azl_ntp *n = &m->ntp;
	assert_int_equal(strv_length(n->servers), 3);
	assert_string_equal(n->servers[0], "ntp1.example.com");
	assert_string_equal(n->servers[2], "2001:db8::123");
	assert_string_equal(n->pools[0], "2.fedora.pool.ntp.org");
	assert_false(n->disabled);
	assert_int_equal(n->loc.line, 6);

	const azl_storage *s = &m->storage;
	assert_int_equal(s->n_partitions, 5);
	assert_string_equal(s->partitions[2].volume_group, "vg_sys");
	assert_null(s->partitions[2].mount);
	assert_int_equal(s->partitions[2].size.kind, AZL_SIZE_GROW);
	assert_true(s->partitions[2].encrypt);
	assert_int_equal(s->partitions[3].disk_index, 2);
	assert_string_equal(s->partitions[4].disk_path, "/dev/vdb");
	assert_int_equal(s->n_volume_groups, 2);
	const azl_volume_group *g = &s->volume_groups[0];
	assert_string_equal(g->name, "vg_sys");
	assert_int_equal(g->loc.line, 19);
	assert_int_equal(g->n_volumes, 4);
	const azl_volume_spec *root = &g->volumes[0];
	assert_string_equal(root->name, "root");
	assert_string_equal(root->mount, "/");
	assert_int_equal(root->size.kind, AZL_SIZE_BYTES);
	assert_int_equal(root->size.bytes, 10ull << 30);
	assert_true(root->grow);
	assert_int_equal(root->max_bytes, 50ull << 30);
	assert_int_equal(root->fs, AZL_FS_XFS);
	assert_string_equal(root->label, "root");
	assert_string_equal(root->fs_options, "noatime");
	assert_int_equal(root->loc.line, 21);
	assert_int_equal(g->volumes[1].fs, AZL_FS_NONE);
	assert_int_equal(g->volumes[2].size.kind, AZL_SIZE_PERCENT);
	assert_int_equal(g->volumes[2].size.percent, 3000);
	assert_int_equal(g->volumes[3].size.kind, AZL_SIZE_UNSET);
	assert_null(g->volumes[3].mount);
	assert_string_equal(s->volume_groups[1].name, "vg.data+1");
	assert_int_equal(s->volume_groups[1].volumes[0].size.kind, AZL_SIZE_GROW);
	assert_int_equal(s->volume_groups[1].volumes[1].size.percent, 1250);

	assert_int_equal(m->bootloader.boot_drive_index, 2);
	assert_null(m->bootloader.boot_drive_path);
	assert_true(m->network.interfaces[0].match_link);
	assert_false(m->network.interfaces[0].match_bootif);
	assert_null(m->network.interfaces[0].name);
	assert_true(m->network.interfaces[1].match_bootif);
	assert_false(m->network.interfaces[1].match_link);
	assert_true(m->accounts.root.allow_ssh);
	assert_false(m->accounts.root.lock);
	round_trip_new_fields(m);

	_cleanup_model_ azl_model *off = NULL;
	assert_int_equal(read_fixture("answers/good/ntp-disabled.yaml", &d, &off), 0);
	assert_true(off->ntp.disabled);
	assert_null(off->ntp.servers);
	assert_string_equal(off->bootloader.boot_drive_path, "/dev/sdb");
	assert_int_equal(off->bootloader.boot_drive_index, 0);
	assert_int_equal(off->storage.volume_groups[0].n_volumes, 0);
	assert_false(off->accounts.root.allow_ssh);
	round_trip_new_fields(off);
	assert_int_equal(d.n, 0);
	diags_done(&d);
}

/* Defaults are left out of the written file; set values are not. */
static void test_new_fields_written_only_when_set(void **state)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_string("version: 1\n"
				     "ntp: {}\n"
				     "accounts:\n"
				     "  root: {allow_ssh: false}\n"
				     "bootloader: {timeout: 3}\n",
				     &d, &m),
			 0);
	int err = 0;
	_cleanup_free_ char *out = answers_write(m, &err);
	assert_non_null(out);
	static const char *const absent[] = {
		"ntp:",	      "servers",      "pools", "enabled", "allow_ssh",
		"boot_drive", "volume_group", "link:", "bootif",  "volume_groups",
	};
	for (size_t i = 0; i < ELEMENTSOF(absent); i++)
		if (strstr(out, absent[i])) {
			print_error("'%s' written for a default:\n%s\n", absent[i], out);
			fail();
		}

	/* A model the kickstart reader or the TUI could have filled. */
	_cleanup_model_ azl_model *k = model_new();
	strv_push(&k->ntp.servers, xstrdup("time.example.com"));
	k->ntp.disabled = true;
	k->bootloader.boot_drive_path = xstrdup("/dev/disk/by-id/x");
	k->accounts.root.allow_ssh = true;
	azl_interface *it = xappend(&k->network.interfaces, &k->network.n_interfaces, sizeof(*it));
	it->match_bootif = true;
	it->dhcp4 = true;
	_cleanup_free_ char *kout = answers_write(k, &err);
	assert_non_null(kout);
	assert_non_null(
		strstr(kout, "ntp:\n  servers:\n    - time.example.com\n  enabled: false\n"));
	assert_non_null(strstr(kout, "  boot_drive: /dev/disk/by-id/x\n"));
	assert_non_null(strstr(kout, "    allow_ssh: true\n"));
	assert_non_null(strstr(kout, "    - match:\n        bootif: true\n"));
	round_trip_new_fields(k);
	diags_done(&d);
}

static char *validate_text(const azl_model *m)
{
	azl_diags d;
	diags_init(&d);
	_cleanup_free_ char *zi = zoneinfo();
	int r = model_validate(m, &d, zi);
	char *t = diags_text(&d);
	assert_int_equal(r<0, diags_errors(&d)> 0);
	diags_done(&d);
	return t;
}

/* model_validate() on models built in code, as the kickstart translator
 * and the TUI build them (no reader has looked at the values). */
static void test_validate_new_fields(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	azl_storage *s = &m->storage;
	azl_disk_spec *ds = xappend(&s->disks, &s->n_disks, sizeof(*ds));
	ds->path = xstrdup("/dev/vda");
	azl_partition_spec *p = xappend(&s->partitions, &s->n_partitions, sizeof(*p));
	p->volume_group = xstrdup("vg0");
	azl_volume_group *g = xappend(&s->volume_groups, &s->n_volume_groups, sizeof(*g));
	g->name = xstrdup("vg0");
	azl_volume_spec *v = xappend(&g->volumes, &g->n_volumes, sizeof(*v));
	v->name = xstrdup("root");
	v->mount = xstrdup("/");
	_cleanup_free_ char *ok = validate_text(m);
	assert_string_equal(ok, "");

	/* Each mistake alone gives its message. */
	strv_push(&m->ntp.pools, xstrdup("pool .example"));
	_cleanup_free_ char *t1 = validate_text(m);
	assert_string_equal(
		t1, "error: 'pool .example' in 'pools' is neither a host name nor an IP address\n");
	strv_free(m->ntp.pools);
	m->ntp.pools = NULL;

	m->bootloader.boot_drive_index = 2;
	_cleanup_free_ char *t2 = validate_text(m);
	assert_string_equal(
		t2,
		"error: 'boot_drive' is disk 2, but 'storage.disks' lists 1; use an index from 1 to 1\n");
	m->bootloader.boot_drive_index = 1;

	azl_interface *it = xappend(&m->network.interfaces, &m->network.n_interfaces, sizeof(*it));
	it->name = xstrdup("eth0");
	it->match_link = true;
	_cleanup_free_ char *t3 = validate_text(m);
	assert_non_null(strstr(t3, "interface 'eth0' is picked in more than one way"));
	free(it->name);
	it->name = NULL;
	_cleanup_free_ char *t4 = validate_text(m);
	assert_string_equal(t4, "");

	free(v->name);
	v->name = xstrdup("-root");
	free(g->name);
	g->name = xstrdup("vg0/x");
	_cleanup_free_ char *t5 = validate_text(m);
	assert_non_null(strstr(t5, "'-root' is not a valid logical volume"));
	assert_non_null(strstr(t5, "'vg0/x' is not a valid volume group"));
	assert_non_null(strstr(t5, "volume group 'vg0' is not listed"));
	assert_non_null(strstr(t5, "volume group 'vg0/x' has no physical"));

	/* Without partitions, volume groups are refused as such. */
	free(g->name);
	g->name = xstrdup("vg0");
	free(v->name);
	v->name = xstrdup("root");
	partition_spec_done(p);
	s->n_partitions = 0;
	_cleanup_free_ char *t6 = validate_text(m);
	assert_string_equal(
		t6,
		"error: 'volume_groups' needs a custom layout: list the physical volumes in 'partitions' with 'volume_group: NAME'\n");
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
		cmocka_unit_test(test_password_hash_shapes),
		cmocka_unit_test(test_passphrase_not_written),
		cmocka_unit_test(test_webhook_headers_not_written),
		cmocka_unit_test(test_secret_line_hidden),
		cmocka_unit_test(test_passphrase_file_empty),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_lvm_ntp_values),
		cmocka_unit_test(test_new_fields_written_only_when_set),
		cmocka_unit_test(test_validate_new_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
