/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exit codes of DESIGN.md's command line. */
#pragma once

enum {
	AZL_EXIT_OK = 0,
	AZL_EXIT_INVALID = 1, /* usage, answer file */
	AZL_EXIT_MACHINE = 2, /* not root, disk too small/in use, missing tool */
	AZL_EXIT_FAILED = 3,  /* failed part-way; everything closed, log kept */
	AZL_EXIT_INTERRUPTED = 130,
};
