/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the unit tests share: the fixtures directory (AZL_FIXTURES, set by
 * tests/CMakeLists.txt; tests/fixtures when run from the source tree) and
 * a machine description read from it, and a plan that must build.
 * Include after <cmocka.h>.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include "machine.h"
#include "plan.h"
#include "util.h"

static inline const char *fixtures(void)
{
	const char *f = getenv("AZL_FIXTURES");
	return f ? f : "tests/fixtures";
}

/* tests/fixtures/machines/NAME.json, which must read without error. */
static inline azl_machine *load(const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/machines/%s.json", fixtures(), name);
	azl_diags d;
	diags_init(&d);
	azl_machine *m = NULL;
	int r = machine_from_json(path, &d, &m);
	if (r < 0)
		diags_print(&d, stderr);
	diags_done(&d);
	assert_int_equal(r, 0);
	return m;
}

/* The plan of m on mach, which must build (the planner's message
 * printed when it does not). */
static inline azl_plan *plan_ok(const azl_model *m, const azl_machine *mach)
{
	azl_plan *p = NULL;
	azl_plan_error err = {0};
	int r = plan_build(m, mach, NULL, &p, &err);
	if (r < 0)
		print_error("plan_build: %s\n", err.message);
	assert_int_equal(r, 0);
	plan_error_done(&err);
	return p;
}
