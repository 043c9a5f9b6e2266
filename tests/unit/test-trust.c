/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The trust boundary's text helpers: credentials taken out of URLs before
 * they reach a log line or a message, fingerprints as operators write
 * them; and the log itself, which redacts every line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "trust.h"
#include "util.h"

static void check_redact(const char *in, const char *want)
{
	_cleanup_free_ char *got = redact_urls(in);
	assert_string_equal(got, want);
}

static void test_redact_userinfo(void **state)
{
	(void)state;
	check_redact("https://user:pa55@host/x", "https://***@host/x");
	check_redact("http://token@host:8080/", "http://***@host:8080/");
	/* the last '@' of the authority ends the user information */
	check_redact("http://a@b:c@host/p", "http://***@host/p");
	check_redact("could not fetch 'tftp://u:p@10.0.2.2/ks.cfg': timeout",
		     "could not fetch 'tftp://***@10.0.2.2/ks.cfg': timeout");
	check_redact("two: http://u:p@a/ and https://v:q@b/ end",
		     "two: http://***@a/ and https://***@b/ end");
	/* an '@' in the path is not user information */
	check_redact("https://host/a@b", "https://host/a@b");
	check_redact("file:///srv/repo", "file:///srv/repo");
	check_redact("no url here: a@b", "no url here: a@b");
	check_redact("", "");
	assert_null(redact_urls(NULL));
}

static void test_redact_query(void **state)
{
	(void)state;
	check_redact("https://h/r?token=abc&arch=x86_64", "https://h/r?token=***&arch=x86_64");
	check_redact("https://h/r?arch=x&password=s3&sig=zz#frag",
		     "https://h/r?arch=x&password=***&sig=***#frag");
	check_redact("https://h/r?X-Amz-Security-Token=t&api_key=k",
		     "https://h/r?X-Amz-Security-Token=***&api_key=***");
	/* names that merely end in the letters stay */
	check_redact("https://h/r?monkey=1&bypass=2", "https://h/r?monkey=1&bypass=2");
	check_redact("https://u:p@h/r?token=t", "https://***@h/r?token=***");
}

static void test_log_redacts(void **state)
{
	(void)state;
	log_info("repository 'x': https://user:S3cret@h/repo/?token=T0k (%d)", 1);
	log_error("cannot fetch 'http://a:S3cret@h/'");
	log_raw("scriptlet says http://b:S3cret@h/\n", 34);
	_cleanup_free_ char *all = log_contents();
	assert_null(strstr(all, "S3cret"));
	assert_null(strstr(all, "T0k"));
	assert_non_null(strstr(all, "https://***@h/repo/?token=***"));
	assert_string_equal(log_last_error(), "cannot fetch 'http://***@h/'");
}

static void test_fingerprint(void **state)
{
	(void)state;
	static const char *const good[] = {
		"56B37FDBAAFC2499BA39A513B16AC406E360820E",
		"56b3 7fdb aafc 2499 ba39  a513 b16a c406 e360 820e",
		"0x56B37FDBAAFC2499BA39A513B16AC406E360820E",
	};
	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		_cleanup_free_ char *f = fingerprint_normalize(good[i]);
		assert_non_null(f);
		assert_string_equal(f, "56B37FDBAAFC2499BA39A513B16AC406E360820E");
	}
	static const char *const bad[] = {
		"",
		"E360820E",
		"B16AC406E360820E",
		"56B37FDBAAFC2499BA39A513B16AC406E360820", /* 39 */
		"56B37FDBAAFC2499BA39A513B16AC406E360820G",
		"56B37FDBAAFC2499BA39A513B16AC406E360820E0",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_null(fingerprint_normalize(bad[i]));
	assert_null(fingerprint_normalize(NULL));
	_cleanup_free_ char *v6 = fingerprint_normalize(
		"00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff");
	assert_non_null(v6);
}

static void test_url_is_remote(void **state)
{
	(void)state;
	assert_true(url_is_remote("http://h/k"));
	assert_true(url_is_remote("HTTPS://h/k"));
	assert_true(url_is_remote("tftp://h/k"));
	assert_false(url_is_remote("file:///k"));
	assert_false(url_is_remote("/etc/pki/k"));
	assert_false(url_is_remote(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_userinfo), cmocka_unit_test(test_redact_query),
		cmocka_unit_test(test_log_redacts),	cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_url_is_remote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
