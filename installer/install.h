/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The install: validate → plan → apply, the same path for the command
 * line and the TUI. Phases: pre scripts, storage, packages, configure,
 * boot loader, post scripts, finish (log and answer file into the target,
 * everything unmounted and closed). A failure part-way runs the error
 * scripts, tears storage down and returns AZL_EXIT_FAILED; SIGINT and
 * SIGTERM do the same and return AZL_EXIT_INTERRUPTED.
 */
#pragma once

#include <stdbool.h>

#include "model.h"
#include "plan.h"

typedef struct azl_install_opts {
	char **disks;		/* --disk */
	char **repos;		/* --repo */
	const char *root_dir;	/* --root: packages and configuration only */
	azl_firmware firmware;	/* --firmware */
	const char *log_file;	/* --log */
	const char *target_dir; /* where to mount; NULL =
				   /run/azl-installer/target */
	bool yes;		/* destructive steps allowed */
	bool dry_run;
	bool live; /* running as the live environment: follow finish: */
	/* --nvram-entry: add the UEFI boot entry to this machine's firmware
	 * outside the live environment too (never for an image) */
	bool nvram_entry;
	/* Testing aid (--stop-after storage|depsolve|packages; depsolve
	 * prints the transaction and installs nothing, --root only): end
	 * after this phase, tearing
	 * everything down as after a finished install. NULL = run all. */
	const char *stop_after;
	/* Testing aid (--start-at configure, --root only): the root already
	 * holds the packages; skip the pre scripts and packages. NULL = run
	 * all. docs/system.md. */
	const char *start_at;
} azl_install_opts;

/* Runs the whole install and returns an exit code of exit-codes.h. The
 * progress sink must be set by the caller. The model is the one to
 * install; its answer file is written into the target at the end. */
int install_run(const azl_model *m, const azl_install_opts *o);
