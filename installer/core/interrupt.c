/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "interrupt.h"

#include <signal.h>

static volatile sig_atomic_t interrupted;
/* What SIGINT and SIGTERM did before interrupt_catch(true): a shell starts
 * background jobs with SIGINT ignored, and that is given back. */
static struct sigaction saved_int, saved_term;
static bool caught;
static volatile sig_atomic_t *watched;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void interrupt_catch(bool on)
{
	if (on == caught)
		return;
	caught = on;
	if (!on) {
		sigaction(SIGINT, &saved_int, NULL);
		sigaction(SIGTERM, &saved_term, NULL);
		return;
	}
	interrupted = 0;
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
}

void interrupt_watch(volatile sig_atomic_t *flag)
{
	watched = flag;
}

bool interrupt_requested(void)
{
	if (interrupted || (caught && watched && *watched))
		return true;
	/* librpm blocks signals for the length of its transaction
	 * (rpmsqBlock): a SIGINT or SIGTERM waits there, pending, until the
	 * transaction ends. Seen here, the transaction stops early; the
	 * handler runs once librpm unblocks it. */
	sigset_t pending;
	return caught && sigpending(&pending) == 0 &&
	       (sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1);
}
