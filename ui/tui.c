/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to ncursesw. The interactive installer's screens live in
 * ui/page-*.c; this file owns the terminal. */
#include <curses.h>

#include "libs.h"

const char *curses_adapter_version(void)
{
	return curses_version();
}
