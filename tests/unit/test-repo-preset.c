/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The repository preset "azurelinux" (installer/model/repo-preset.c): what
 * `--repo azurelinux` and `repos: [{preset: azurelinux}]` expand to, and
 * the key it pins. packages.microsoft.com cannot be reached from here, so
 * the expansion itself is what is checked: the exact base URLs, the key
 * built into the installer (the committed file, byte for byte) and its
 * fingerprint, computed by librpm as the install computes it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answers.h"
#include "diag.h"
#include "model.h"
#include "repo-preset.h"
#include "repo.h"
#include "rpm-install.h"
#include "util.h"

#define FPR "2BC94FFF7015A5F28F1537AD0CD9FED33135CE90"
#define PMC "https://packages.microsoft.com/azurelinux/4.0/prod/"

static const char *source_dir(void)
{
	const char *s = getenv("AZL_SOURCE_DIR");
	return s ? s : ".";
}

static void check_azurelinux(const azl_repo_src *s, int priority)
{
	assert_string_equal(s[0].name, "azurelinux-base");
	assert_string_equal(s[0].baseurl, PMC "base/x86_64/");
	assert_string_equal(s[1].name, "azurelinux-microsoft");
	assert_string_equal(s[1].baseurl, PMC "microsoft/x86_64/");
	for (int i = 0; i < 2; i++) {
		assert_true(s[i].gpgcheck);
		assert_int_equal(s[i].priority, priority);
		/* No key URL or path: the built-in key, pinned. */
		assert_null(s[i].gpgkey);
		assert_string_equal(s[i].gpgkey_fpr, FPR);
		assert_non_null(s[i].preset);
		assert_string_equal(s[i].preset->key_file, "RPM-GPG-KEY-azurelinux-4.0-primary");
		/* Remote: downloaded into the cache, never read in place. */
		assert_null(s[i].local_dir);
		assert_true(startswith(s[i].cache_dir, "/cache/azurelinux-"));
	}
}

static void test_cli_expands(void **state)
{
	(void)state;
	char *cli[] = {"azurelinux", NULL};
	azl_repo_list l = {0};
	assert_int_equal(repo_list_build(NULL, &(azl_cli_repos){.repos = cli}, "/cache", &l), 0);
	assert_int_equal(l.n, 2);
	check_azurelinux(l.repos, 99);
	repo_list_done(&l);

	/* Next to a repository of one's own, which keeps its name. */
	char *two[] = {"/srv/site", "azurelinux", NULL};
	assert_int_equal(repo_list_build(NULL, &(azl_cli_repos){.repos = two}, "/cache", &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.repos[0].name, "cmdline");
	assert_null(l.repos[0].preset);
	check_azurelinux(l.repos + 1, 99);
	repo_list_done(&l);
}

static void test_answer_file_expands(void **state)
{
	(void)state;
	const char *text = "version: 1\n"
			   "packages:\n"
			   "  repos:\n"
			   "    - {preset: azurelinux, priority: 50}\n"
			   "    - {name: site, baseurl: \"file:///srv/r\"}\n";
	azl_diags d;
	diags_init(&d);
	_cleanup_free_ char *zi = xasprintf("%s/tests/fixtures/answers/zoneinfo", source_dir());
	azl_model *m = NULL;
	assert_true(answers_read_text("t.yaml", text, strlen(text), zi, &d, &m) >= 0);
	assert_int_equal(diags_errors(&d), 0);
	azl_repo_list l = {0};
	assert_int_equal(repo_list_build(&m->packages, NULL, "/cache", &l), 0);
	assert_int_equal(l.n, 3);
	check_azurelinux(l.repos, 50);
	assert_string_equal(l.repos[2].name, "site");
	assert_null(l.repos[2].preset);
	repo_list_done(&l);
	model_free(m);
	diags_done(&d);
}

/* The key the install trusts is the committed file, and it has the
 * fingerprint the preset pins (librpm computes it, as at install time). */
static void test_key_is_the_committed_file(void **state)
{
	(void)state;
	const azl_repo_preset *p = repo_preset_find("azurelinux");
	assert_non_null(p);
	_cleanup_free_ char *path = xasprintf("%s/installer/keys/%s", source_dir(), p->key_file);
	_cleanup_free_ char *file = NULL;
	size_t len = 0;
	assert_int_equal(read_file_bounded(path, 1 << 20, &file, &len), 0);
	assert_string_equal(p->key, file);
	_cleanup_free_ char *fpr = NULL;
	assert_int_equal(rpm_key_fingerprint(p->key, &fpr), 0);
	assert_string_equal(fpr, FPR);
	assert_string_equal(p->key_fingerprint, FPR);
}

static void test_repo_keys(void **state)
{
	(void)state;
	char *cli[] = {"azurelinux", NULL};
	azl_repo_list l = {0};
	assert_int_equal(repo_list_build(NULL, &(azl_cli_repos){.repos = cli}, "/cache", &l), 0);
	for (size_t i = 0; i < l.n; i++) {
		_cleanup_strv_free_ char **keys = NULL;
		assert_int_equal(repo_keys(&l.repos[i], &keys), 0);
		assert_int_equal(strv_length(keys), 1);
		assert_string_equal(keys[0], l.repos[i].preset->key);
	}
	/* A preset whose key is not the one it pins is refused: the check
	 * is made, not assumed. */
	azl_repo_preset forged = *l.repos[0].preset;
	forged.key_fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
	azl_repo_src s = l.repos[0];
	s.preset = &forged;
	s.gpgkey_fpr = (char *)forged.key_fingerprint;
	char **keys = NULL;
	assert_int_equal(repo_keys(&s, &keys), -EKEYREJECTED);
	assert_null(keys);
	repo_list_done(&l);
}

static void test_names(void **state)
{
	(void)state;
	assert_null(repo_preset_find("azurelinx"));
	assert_null(repo_preset_find("AzureLinux"));
	assert_null(repo_preset_find(NULL));
	assert_string_equal(repo_preset_names(), "azurelinux");
	/* Not a preset: a directory of that name, as before. */
	char *cli[] = {"./azurelinux", NULL};
	azl_repo_list l = {0};
	assert_int_equal(repo_list_build(NULL, &(azl_cli_repos){.repos = cli}, "/cache", &l), 0);
	assert_int_equal(l.n, 1);
	assert_null(l.repos[0].preset);
	assert_non_null(l.repos[0].local_dir);
	repo_list_done(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_expands),
		cmocka_unit_test(test_answer_file_expands),
		cmocka_unit_test(test_key_is_the_committed_file),
		cmocka_unit_test(test_repo_keys),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
