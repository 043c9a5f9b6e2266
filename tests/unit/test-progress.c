/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress events: the whole install's percent never goes backwards, in
 * the order the phases really report (apply-packages.c, rpm-install.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "progress.h"
#include "util.h"

typedef struct seen {
	int percent[64];
	size_t n;
} seen;

static void record(const azl_progress_event *ev, void *userdata)
{
	seen *s = userdata;
	assert_true(s->n < ELEMENTSOF(s->percent));
	assert_in_range(ev->percent, 0, 100);
	s->percent[s->n++] = ev->percent;
}

static void assert_monotonic(const seen *s)
{
	for (size_t i = 1; i < s->n; i++)
		if (s->percent[i] < s->percent[i - 1])
			fail_msg("event %zu: %d %% after %d %%", i, s->percent[i],
				 s->percent[i - 1]);
}

/* What an install into a directory reports: repositories, downloads,
 * "Installing 25 packages", then the transaction package by package. */
static void test_packages_then_transaction(void **state)
{
	(void)state;
	seen s = {0};
	progress_reset();
	azl_progress_sink sink = {record, &s};
	progress_set_sinks(&sink, 1);
	progress_phase(AZL_PHASE_PRE, 0, "pre");
	progress_phase(AZL_PHASE_PACKAGES, 0, "Reading repository %s", "demo");
	progress_phase(AZL_PHASE_PACKAGES, 1, "Resolving dependencies");
	for (int i = 0; i <= 10; i += 5)
		progress_phase(AZL_PHASE_PACKAGES, i, "Downloading %d", i);
	progress_phase(AZL_PHASE_PACKAGES, 10, "Installing %d packages", 25);
	size_t installing = s.n - 1;
	for (uint64_t k = 1; k <= 25; k++)
		progress_packages(k, 25, k * 1000, 25000, "pkg");
	progress_phase(AZL_PHASE_CONFIGURE, 0, "configure");
	progress_phase(AZL_PHASE_FINISH, 100, "done");
	progress_set_sinks(NULL, 0);

	assert_monotonic(&s);
	/* The first package is not below "Installing 25 packages" (21 %). */
	assert_int_equal(s.percent[installing], 21);
	assert_true(s.percent[installing + 1] >= 21);
	/* ... and the transaction moves the bar: the last package ends the
	 * packages phase (80 %), the first is short of it. */
	assert_true(s.percent[installing + 1] < 80);
	assert_int_equal(s.percent[installing + 25], 80);
	assert_int_equal(s.percent[s.n - 1], 100);
}

/* A phase that reports a step lower than the last (an error script, a
 * phase out of order, a counter that starts again) never shows it. */
static void test_never_backwards(void **state)
{
	(void)state;
	seen s = {0};
	progress_reset();
	azl_progress_sink sink = {record, &s};
	progress_set_sinks(&sink, 1);
	progress_phase(AZL_PHASE_CONFIGURE, 50, "configure");
	progress_phase(AZL_PHASE_STORAGE, 0, "storage again");
	progress_packages(1, 100, 0, 0, "first");
	progress_phase(AZL_PHASE_CONFIGURE, 10, "lower in the same phase");
	progress_phase(AZL_PHASE_BOOTLOADER, 0, "bootloader");
	progress_set_sinks(NULL, 0);
	assert_int_equal(s.n, 5);
	assert_monotonic(&s);
	assert_int_equal(s.percent[0], 84);
	assert_int_equal(s.percent[1], 84);
	assert_int_equal(s.percent[3], 84);
	assert_int_equal(s.percent[4], 88);
}

/* A new install (progress_reset) starts from 0 again. */
static void test_reset(void **state)
{
	(void)state;
	seen s = {0};
	progress_reset();
	azl_progress_sink sink = {record, &s};
	progress_set_sinks(&sink, 1);
	progress_phase(AZL_PHASE_FINISH, 100, "done");
	progress_reset();
	progress_phase(AZL_PHASE_PRE, 0, "pre");
	progress_set_sinks(NULL, 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.percent[0], 100);
	assert_int_equal(s.percent[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packages_then_transaction),
		cmocka_unit_test(test_never_backwards),
		cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
