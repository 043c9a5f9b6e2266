/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run context every install phase receives: a cancel flag and the
 * progress sinks. Whoever starts an install (main.c, the TUI) makes one,
 * adds its sinks (text or JSON lines, the TUI's screen, and any reporter
 * beside them) and cancels through it; SIGINT and SIGTERM cancel it too
 * while install_run() runs. docs/architecture.md.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "progress.h"

#define AZL_RUN_MAX_SINKS 4

typedef struct azl_run_ctx {
	volatile sig_atomic_t cancel; /* set by run_cancel() */
	azl_progress_sink sinks[AZL_RUN_MAX_SINKS];
	size_t n_sinks;
} azl_run_ctx;

/* Adds a sink; every event goes to each sink in the order added.
 * -ENOSPC when AZL_RUN_MAX_SINKS are there already. */
int run_ctx_add_sink(azl_run_ctx *c, azl_progress_fn fn, void *userdata);
/* Asks the install to stop: the phase under way stops at its next check
 * (a download, the rpm transaction between packages), everything is torn
 * down and install_run() ends with exit code 130, as after SIGINT.
 * Async-signal-safe: may be called from a progress sink. */
void run_cancel(azl_run_ctx *c);
/* Whether the install was asked to stop: run_cancel() or, while
 * install_run() catches them, SIGINT or SIGTERM. */
bool run_cancelled(const azl_run_ctx *c);
