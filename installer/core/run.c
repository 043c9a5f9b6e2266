/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "run.h"

#include <errno.h>

#include "interrupt.h"

int run_ctx_add_sink(azl_run_ctx *c, azl_progress_fn fn, void *userdata)
{
	if (c->n_sinks >= AZL_RUN_MAX_SINKS)
		return -ENOSPC;
	c->sinks[c->n_sinks++] = (azl_progress_sink){fn, userdata};
	return 0;
}

void run_cancel(azl_run_ctx *c)
{
	c->cancel = 1;
}

bool run_cancelled(const azl_run_ctx *c)
{
	return (c && c->cancel) || interrupt_requested();
}
