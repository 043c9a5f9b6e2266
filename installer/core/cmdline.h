/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel command line, read in one place: /proc/cmdline, or the file
 * $AZL_PROC_CMDLINE names (the one override, for tests; every AZL_*
 * variable is listed in docs/architecture.md). Words are split as the
 * kernel splits them: double quotes group and are dropped.
 */
#pragma once

#include <stdbool.h>

/* The text in *ret (owned by the caller); *ret_path, when not NULL, says
 * which file it came from (static or the environment's). -errno when it
 * cannot be read. */
int cmdline_read(char **ret, const char **ret_path);
/* Pure: the values of every key=VALUE word of text, in order; NULL when
 * there is none. kernel_only: stop at "--" (what
 * follows is init's, not the kernel's). */
char **cmdline_values(const char *text, const char *key, bool kernel_only);
/* The running kernel's command line has key or key=1. */
bool cmdline_flag(const char *key);
