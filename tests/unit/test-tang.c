/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * storage.encryption.tang (issue #16): JWK thumbprints (RFC 7638) against
 * RFC 7638's own example and jose's (`jose jwk thp`) for a real tang's
 * advertisement (tests/fixtures/tang/adv.json, from Debian's tangd), the
 * advertisement check, base64url and clevis's configuration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jwk.h"
#include "tang.h"
#include "util.h"

/* What jose prints for tests/fixtures/tang/adv.json's keys:
 * jose jwk use -u verify | jose jwk thp -a S256 / -a S1, and the
 * exchange key's (deriveKey) S256. */
#define SIGN_S256     "beOi5qAbzx1v-aoyW1hPx2hWlEHCPoA8TgsPl4nsFDY"
#define SIGN_S1	      "K2qtf4KEYlgbQJWaeW16YYzXZ1A"
#define EXCHANGE_S256 "F_31oUWIYUcaTIsFYu99teqTlYpR7Ghqe471nR_oT2k"
#define URL	      "http://192.0.2.7:7500"

static char *adv(size_t *len)
{
	const char *f = getenv("AZL_FIXTURES");
	_cleanup_free_ char *p = xasprintf("%s/tang/adv.json", f ? f : "tests/fixtures");
	char *text = NULL;
	assert_int_equal(read_file_bounded(p, 1 << 20, &text, len), 0);
	return text;
}

static void test_rfc7638_example(void **state)
{
	(void)state;
	/* RFC 7638 section 3.1: the RSA key and its SHA-256 thumbprint. */
	azl_jwk_member m[] = {
		{"n",
		 "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
		{"kty", "RSA"},
		{"e", "AQAB"},
	};
	char *thp = NULL;
	assert_int_equal(jwk_thumbprint(m, ELEMENTSOF(m), AZL_THP_SHA256, &thp), 0);
	assert_string_equal(thp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	free(thp);
	m[2].value = NULL;
	assert_int_equal(jwk_thumbprint(m, ELEMENTSOF(m), AZL_THP_SHA256, &thp), -EINVAL);
	m[2].value = "AQ\"AB";
	assert_int_equal(jwk_thumbprint(m, ELEMENTSOF(m), AZL_THP_SHA256, &thp), -EINVAL);
}

static void test_thumbprint_hash(void **state)
{
	(void)state;
	assert_int_equal(jwk_thumbprint_hash(SIGN_S256), AZL_THP_SHA256);
	assert_int_equal(jwk_thumbprint_hash(SIGN_S1), AZL_THP_SHA1);
	assert_int_equal(jwk_thumbprint_hash(""), AZL_THP_NONE);
	assert_int_equal(jwk_thumbprint_hash(NULL), AZL_THP_NONE);
	/* base64 (not url) alphabet, padding, a length of no hash. */
	assert_int_equal(jwk_thumbprint_hash("beOi5qAbzx1v+aoyW1hPx2hWlEHCPoA8TgsPl4nsFDY"),
			 AZL_THP_NONE);
	assert_int_equal(jwk_thumbprint_hash(SIGN_S256 "="), AZL_THP_NONE);
	assert_int_equal(jwk_thumbprint_hash("beOi5qAbzx1v"), AZL_THP_NONE);
}

static void test_base64url(void **state)
{
	(void)state;
	char *out = NULL;
	size_t n = 0;
	assert_int_equal(base64url_decode("eyJrIjoxfQ", 10, &out, &n), 0);
	assert_int_equal(n, 7);
	assert_string_equal(out, "{\"k\":1}");
	free(out);
	assert_int_equal(base64url_decode("_-8", 3, &out, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "\xff\xef", 2);
	free(out);
	assert_int_equal(base64url_decode("", 0, &out, &n), 0);
	assert_int_equal(n, 0);
	free(out);
	assert_int_equal(base64url_decode("a", 1, &out, &n), -EINVAL);
	assert_int_equal(base64url_decode("ab+c", 4, &out, &n), -EINVAL);
	assert_int_equal(base64url_decode("ab c", 4, &out, &n), -EINVAL);
}

static void test_adv_verify(void **state)
{
	(void)state;
	size_t len = 0;
	_cleanup_free_ char *a = adv(&len);
	char *why = NULL;
	assert_int_equal(tang_adv_verify(URL, a, len, SIGN_S256, &why), 0);
	assert_null(why);
	assert_int_equal(tang_adv_verify(URL, a, len, SIGN_S1, &why), 0);
	assert_null(why);
	/* The exchange key is no signing key: clevis refuses it too. */
	assert_int_equal(tang_adv_verify(URL, a, len, EXCHANGE_S256, &why), -EKEYREJECTED);
	assert_non_null(strstr(why, "'" URL "'"));
	assert_non_null(strstr(why, "'" EXCHANGE_S256 "'"));
	assert_non_null(strstr(why, SIGN_S256));
	free(why);
	why = NULL;
	/* Not an advertisement at all. */
	const char *bad[] = {"<html>404</html>", "{\"payload\": \"!!!\"}",
			     "{\"payload\": \"eyJrIjoxfQ\"}", "[1, 2]", ""};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		assert_int_equal(tang_adv_verify(URL, bad[i], strlen(bad[i]), SIGN_S256, &why),
				 -EBADMSG);
		assert_non_null(strstr(why, URL "/adv"));
		free(why);
		why = NULL;
	}
}

static void test_clevis_config(void **state)
{
	(void)state;
	azl_tang_server s[] = {{.url = "http://192.0.2.7:7500", .thumbprint = SIGN_S256},
			       {.url = "https://tang.example.com/t", .thumbprint = SIGN_S1}};
	const char *pin = NULL;
	_cleanup_free_ char *one = tang_clevis_config(s, 1, &pin);
	assert_string_equal(pin, "tang");
	assert_string_equal(one, "{\"url\":\"http://192.0.2.7:7500\",\"thp\":\"" SIGN_S256 "\"}");
	_cleanup_free_ char *two = tang_clevis_config(s, 2, &pin);
	assert_string_equal(pin, "sss");
	assert_string_equal(two,
			    "{\"t\":1,\"pins\":{\"tang\":[{\"url\":\"http://192.0.2.7:7500\","
			    "\"thp\":\"" SIGN_S256 "\"},{\"url\":\"https://tang.example.com/t\","
			    "\"thp\":\"" SIGN_S1 "\"}]}}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7638_example), cmocka_unit_test(test_thumbprint_hash),
		cmocka_unit_test(test_base64url),	cmocka_unit_test(test_adv_verify),
		cmocka_unit_test(test_clevis_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
