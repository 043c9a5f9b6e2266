/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Size arithmetic: exact parsing (no floating point), formatting back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "util.h"

static uint64_t bytes_of(const char *s)
{
	azl_size z;
	const char *why = NULL;
	assert_int_equal(size_parse(s, &z, &why), 0);
	assert_int_equal(z.kind, AZL_SIZE_BYTES);
	return z.bytes;
}

static uint32_t percent_of(const char *s)
{
	azl_size z;
	assert_int_equal(size_parse(s, &z, NULL), 0);
	assert_int_equal(z.kind, AZL_SIZE_PERCENT);
	return z.percent;
}

static const char *why_bad(const char *s)
{
	azl_size z = {0};
	const char *why = NULL;
	assert_int_equal(size_parse(s, &z, &why), -22);
	assert_non_null(why);
	return why;
}

static void test_parse_bytes(void **state)
{
	assert_int_equal(bytes_of("0"), 0);
	assert_int_equal(bytes_of("0M"), 0);
	assert_int_equal(bytes_of("4096"), 4096);
	assert_int_equal(bytes_of("512B"), 512);
	assert_int_equal(bytes_of("1K"), 1024);
	assert_int_equal(bytes_of("1k"), 1024);
	assert_int_equal(bytes_of("512M"), 512ull << 20);
	assert_int_equal(bytes_of("600MiB"), 600ull << 20);
	assert_int_equal(bytes_of("1G"), 1ull << 30);
	assert_int_equal(bytes_of("1.5G"), 3ull << 29);
	assert_int_equal(bytes_of("1.5GiB"), 3ull << 29);
	assert_int_equal(bytes_of("0.5K"), 512);
	assert_int_equal(bytes_of("0.25M"), 256ull << 10);
	assert_int_equal(bytes_of("2T"), 2ull << 40);
	assert_int_equal(bytes_of("1.0625T"), (1ull << 40) + (1ull << 36));
	/* The largest size that fits. */
	assert_int_equal(bytes_of("16777215T"), 16777215ull << 40);
	assert_int_equal(bytes_of("18446744073709551615"), UINT64_MAX);
}

static void test_parse_other(void **state)
{
	azl_size z;
	assert_int_equal(size_parse("grow", &z, NULL), 0);
	assert_int_equal(z.kind, AZL_SIZE_GROW);
	assert_int_equal(percent_of("30%"), 3000);
	assert_int_equal(percent_of("12.5%"), 1250);
	assert_int_equal(percent_of("12.25%"), 1225);
	assert_int_equal(percent_of("100%"), 10000);
	assert_int_equal(percent_of("100.0%"), 10000);
	assert_int_equal(percent_of("0.01%"), 1);
}

static void test_parse_bad(void **state)
{
	assert_string_equal(why_bad(""), "a size is needed, like 512M, 1G, 30% or grow");
	assert_non_null(why_bad(NULL));
	assert_string_equal(why_bad("101%"), "a percentage is between 0 and 100%, like 30%");
	assert_non_null(why_bad("100.01%"));
	assert_non_null(why_bad("0%"));
	assert_string_equal(why_bad("12.125%"), "percentages take at most two decimals");
	assert_string_equal(why_bad("1Q"),
			    "unknown unit; use K, M, G or T (binary: 1G = 1024M), or %");
	assert_non_null(why_bad("1 G"));
	assert_non_null(why_bad("1g"));
	assert_non_null(why_bad("1GB"));
	assert_non_null(why_bad("G"));
	assert_non_null(why_bad("-1G"));
	assert_non_null(why_bad("1."));
	assert_non_null(why_bad(".5G"));
	assert_non_null(why_bad("Grow"));
	assert_string_equal(why_bad("0.3K"), "the size is not a whole number of bytes");
	assert_non_null(why_bad("1.5")); /* half a byte */
	assert_non_null(why_bad("0.1B"));
	assert_string_equal(why_bad("16777216T"), "the size is too large");
	assert_non_null(why_bad("18446744073709551616"));
	assert_non_null(why_bad("99999999999999999999999G"));
	assert_string_equal(why_bad("1.1234567G"),
			    "the number is too large or has too many decimals");
	/* 2^40 / 10^6 is no whole number of bytes. */
	assert_non_null(why_bad("1.000001T"));
}

static void check_format(const azl_size *z, const char *want)
{
	_cleanup_free_ char *s = size_format(z);
	assert_string_equal(s, want);
}

static void test_format(void **state)
{
	_cleanup_free_ char *a = size_format_bytes(0);
	assert_string_equal(a, "0");
	check_format(&(azl_size){.kind = AZL_SIZE_BYTES, .bytes = 600ull << 20}, "600M");
	check_format(&(azl_size){.kind = AZL_SIZE_BYTES, .bytes = 1ull << 30}, "1G");
	check_format(&(azl_size){.kind = AZL_SIZE_BYTES, .bytes = 3ull << 29}, "1536M");
	check_format(&(azl_size){.kind = AZL_SIZE_BYTES, .bytes = 1536}, "1536");
	check_format(&(azl_size){.kind = AZL_SIZE_BYTES, .bytes = 2048}, "2K");
	check_format(&(azl_size){.kind = AZL_SIZE_BYTES, .bytes = 5ull << 40}, "5T");
	check_format(&(azl_size){.kind = AZL_SIZE_BYTES, .bytes = UINT64_MAX},
		     "18446744073709551615");
	check_format(&(azl_size){.kind = AZL_SIZE_PERCENT, .percent = 3000}, "30%");
	check_format(&(azl_size){.kind = AZL_SIZE_PERCENT, .percent = 1250}, "12.5%");
	check_format(&(azl_size){.kind = AZL_SIZE_PERCENT, .percent = 1}, "0.01%");
	check_format(&(azl_size){.kind = AZL_SIZE_GROW}, "grow");
	assert_null(size_format(&(azl_size){0}));

	/* Whatever is parsed formats back to text that parses the same. */
	static const char *const inputs[] = {"0",    "1",     "1.5G",  "0.5K", "12.5%",	   "99.99%",
					     "100%", "1023K", "1.75T", "grow", "16777215T"};
	for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
		azl_size x, y;
		assert_int_equal(size_parse(inputs[i], &x, NULL), 0);
		_cleanup_free_ char *s = size_format(&x);
		assert_int_equal(size_parse(s, &y, NULL), 0);
		assert_int_equal(x.kind, y.kind);
		assert_int_equal(x.bytes, y.bytes);
		assert_int_equal(x.percent, y.percent);
	}
}

static void check_human(uint64_t b, const char *want)
{
	_cleanup_free_ char *s = size_human(b);
	assert_string_equal(s, want);
}

static void test_human(void **state)
{
	check_human(0, "0 B");
	check_human(1023, "1023 B");
	check_human(1024, "1 KiB");
	check_human(1536, "1.5 KiB");
	check_human(3ull << 29, "1.5 GiB");
	check_human((15ull << 29) / 2, "3.8 GiB"); /* 3.75 rounds up */
	check_human((1ull << 30) - 1, "1 GiB");	   /* 1023.999 MiB rounds */
	check_human(1ull << 40, "1 TiB");
	check_human(1ull << 50, "1 PiB");
	check_human(UINT64_MAX, "16384 PiB");
}

/* The string-list helpers beside the size ones in util.c. */
static void test_strv_sort_uniq(void **state)
{
	(void)state;
	char **v = NULL;
	const char *in[] = {"nvme", "ahci", "virtio_blk", "ahci", "sr_mod", "nvme"};
	for (size_t i = 0; i < sizeof(in) / sizeof(*in); i++)
		strv_push(&v, xstrdup(in[i]));
	strv_uniq(v);
	assert_int_equal(strv_length(v), 4);
	assert_string_equal(v[0], "nvme"); /* first ones kept, in order */
	assert_string_equal(v[3], "sr_mod");
	assert_ptr_equal(strv_sort(v), v);
	const char *want[] = {"ahci", "nvme", "sr_mod", "virtio_blk"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(v[i], want[i]);
	assert_null(v[4]);
	/* Only the first n, which need not end at the NULL. */
	free(v[0]);
	v[0] = xstrdup("zz");
	strv_sort_n(v, 2);
	assert_string_equal(v[0], "nvme");
	assert_string_equal(v[1], "zz");
	assert_string_equal(v[2], "sr_mod");
	strv_sort_n(NULL, 0);
	strv_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bytes), cmocka_unit_test(test_parse_other),
		cmocka_unit_test(test_parse_bad),   cmocka_unit_test(test_format),
		cmocka_unit_test(test_human),	    cmocka_unit_test(test_strv_sort_uniq),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
