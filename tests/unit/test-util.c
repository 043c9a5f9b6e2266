/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers of core/util.c that several layers lean on: the deadline of a
 * timed wait, the monotonic clock in seconds, and a number read from the environment
 * (AZL_FETCH_STALL, AZL_FETCH_DEADLINE, AZL_FETCH_WINDOW), where an operator's typo must be told
 * apart from an unset variable. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "util.h"

static long long ns_of(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* ms after the call (on the monotonic clock; on the wall clock, which may
 * be stepped meanwhile, only its form), nanoseconds carried into seconds. */
static void test_deadline_after_ms(void **state)
{
	(void)state;
	const clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
	const long ms[] = {0, 1, 5, 50, 200, 999, 1000, 1999, 2500};
	for (size_t c = 0; c < 2; c++)
		for (size_t k = 0; k < sizeof(ms) / sizeof(ms[0]); k++) {
			struct timespec before, after;
			clock_gettime(clocks[c], &before);
			struct timespec d = deadline_after_ms(clocks[c], ms[k]);
			clock_gettime(clocks[c], &after);
			assert_true(d.tv_nsec >= 0 && d.tv_nsec < 1000000000L);
			if (clocks[c] != CLOCK_MONOTONIC)
				continue;
			assert_true(ns_of(d) - ns_of(before) >= ms[k] * 1000000LL);
			assert_true(ns_of(d) - ns_of(after) <= ms[k] * 1000000LL);
		}
}

static int env_of(const char *value, uint64_t max, uint64_t *ret)
{
	if (value)
		setenv("AZL_TEST_NUMBER", value, 1);
	else
		unsetenv("AZL_TEST_NUMBER");
	return env_uint("AZL_TEST_NUMBER", max, ret);
}

static void test_env_uint(void **state)
{
	(void)state;
	uint64_t n = 7;
	assert_int_equal(env_of(NULL, 10, &n), 0);
	assert_int_equal(env_of("", 10, &n), 0);
	assert_int_equal(n, 7); /* untouched */
	assert_int_equal(env_of("0", 10, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(env_of("10", 10, &n), 1);
	assert_int_equal(n, 10);
	assert_int_equal(env_of("18446744073709551615", UINT64_MAX, &n), 1);
	assert_true(n == UINT64_MAX);
	/* Typos and hostile values: each refused, none half-read. */
	const char *bad[] = {"11",   "8MiB", "-1",  "+5", " 5",	 "5 ",
			     "0x10", "1e3",  "5\n", "\n", "1.5", "18446744073709551616"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 7;
		assert_int_equal(env_of(bad[i], 10, &n), -EINVAL);
		assert_int_equal(n, 7);
	}
	assert_int_equal(env_of("18446744073709551616", UINT64_MAX, &n), -EINVAL);
	unsetenv("AZL_TEST_NUMBER");
}

/* mono_s() is CLOCK_MONOTONIC in seconds: within a few milliseconds of
 * the clock read beside it, and a 20 ms sleep moves it by at least that. */
static void test_mono_s(void **state)
{
	(void)state;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double a = mono_s();
	double c = (double)ns_of(t) / 1e9;
	assert_true(a >= c && a - c < 0.5);
	struct timespec nap = {.tv_nsec = 20 * 1000000L};
	nanosleep(&nap, NULL);
	double b = mono_s();
	assert_true(b - a >= 0.02 && b - a < 5.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_after_ms),
		cmocka_unit_test(test_env_uint),
		cmocka_unit_test(test_mono_s),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
