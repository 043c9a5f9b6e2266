/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interactive installer: an ncursesw hub with spokes that edit the
 * install model (the same model an answer file fills), a summary that
 * needs a typed confirmation, then install_run() with a progress screen.
 * Nothing in ui/ writes to a disk.
 */
#pragma once

#include "model.h"

/* The version of ncursesw this adapter runs against (--version, the log). */
const char *curses_adapter_version(void);

typedef struct azl_tui_opts {
	const char *answers;	     /* --answers: pre-fills every spoke */
	const char *save_answers;    /* --save-answers: Begin writes it, exit 0 */
	char **disks;		     /* --disk */
	char **repos;		     /* --repo */
	const char *repo_gpgkey;     /* --repo-gpgkey */
	const char *repo_gpgkey_fpr; /* --repo-gpgkey-fingerprint, canonical */
	azl_firmware firmware;	     /* --firmware */
	const char *machine;	     /* --machine: plan against a saved probe */
	const char *log_file;	     /* --log */
	bool live;		     /* started by the live environment */
} azl_tui_opts;

/* Runs the TUI on the controlling terminal; returns an exit code of
 * exit-codes.h (130 when the user quits). */
int tui_run(const azl_tui_opts *o);
