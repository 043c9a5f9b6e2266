/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SIGINT and SIGTERM while the installer has work to undo (an install, a
 * download): the handler only sets a flag; the work checks it between
 * steps (install phases) or while it waits (fetch.c's progress callback,
 * called at least once a second) and stops cleanly, and the command
 * exits 130.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>

/* on: SIGINT and SIGTERM set the flag (which is cleared first); off: what
 * they did before (the flag stays for the caller to read). Calls do not
 * nest: a second "on" is a no-op. */
void interrupt_catch(bool on);
/* Whether SIGINT or SIGTERM came (or waits, blocked) since
 * interrupt_catch(true). */
bool interrupt_requested(void);
/* While caught, interrupt_requested() is also true once *flag is set (the
 * run context's cancel flag, run.h), so code that only knows this module
 * (a download, the rpm transaction) stops on a cancel too. NULL: none. */
void interrupt_watch(volatile sig_atomic_t *flag);
