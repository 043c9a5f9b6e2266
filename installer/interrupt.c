/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "interrupt.h"

#include <signal.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void interrupt_catch(bool on)
{
	if (on)
		interrupted = 0;
	struct sigaction sa = {.sa_handler = on ? on_signal : SIG_DFL};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool interrupt_requested(void)
{
	return interrupted != 0;
}
