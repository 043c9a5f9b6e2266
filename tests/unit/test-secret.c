/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets are kept out of core dumps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "secret.h"
#include "util.h"

/* After secret_protect_process() this process dumps no core, and a
 * limit raised before (a shell's ulimit -c unlimited) is gone too. */
static void test_protect_process(void **state)
{
	(void)state;
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	rl.rlim_cur = rl.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);

	assert_int_equal(secret_protect_process(), 0);

	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_true(rl.rlim_cur == 0 && rl.rlim_max == 0);
	/* The hard limit is 0 too: the soft one cannot go above it. */
	rl.rlim_cur = 1 << 20;
	assert_int_not_equal(setrlimit(RLIMIT_CORE, &rl), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protect_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
