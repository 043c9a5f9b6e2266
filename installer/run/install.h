/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The install: validate → plan → apply, the same path for the command
 * line and the TUI. Phases: pre scripts, storage, packages, configure,
 * boot loader, post scripts, finish (log and answer file into the target,
 * everything unmounted and closed): phase.h's table, run by one loop. A
 * failure part-way runs the error scripts, tears storage down and ends
 * with AZL_EXIT_FAILED; a cancel (run.h: the TUI, SIGINT, SIGTERM) does
 * the same and ends with AZL_EXIT_INTERRUPTED. The verdict comes back as
 * an azl_install_result for the caller to show; install_finish() then
 * carries out finish:. docs/architecture.md.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "phase.h"
#include "plan.h"
#include "repo.h"
#include "run.h"

typedef struct azl_install_opts {
	char **disks; /* --disk */
	/* --repo, --repo-gpgkey, --repo-gpgkey-fingerprint (repo.h) */
	azl_cli_repos repos;
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
	/* Testing aid (--stop-after storage|packages): end after this phase,
	 * tearing everything down as after a finished install.
	 * AZL_PHASE_NONE = run all. docs/azl-installer.8. */
	azl_phase stop_after;
	/* Testing aid (--stop-after depsolve, --root only): print the
	 * transaction, install nothing. */
	bool solve_only;
	/* Testing aid (--start-at configure, --root only): the root already
	 * holds the packages; skip the pre scripts and packages.
	 * AZL_PHASE_NONE = run all. docs/system.md. */
	azl_phase start_at;
	/* Where the plan and the notes for people (dry run, --yes) are
	 * printed; NULL = nowhere (the TUI shows its own). */
	FILE *out;
} azl_install_opts;

typedef struct azl_install_result {
	int exit_code;	 /* exit-codes.h */
	azl_phase phase; /* the phase that failed or after which it stopped;
			    AZL_PHASE_NONE: before the first phase */
	int error;	 /* -errno of the first failure, 0 */
	/* For people, translated, one or more lines without the program's
	 * name; captured at the first failure, before the error scripts and
	 * the teardown ran. NULL when there is nothing to say. */
	char *message;
	bool interrupted; /* cancelled (exit 130) */
	bool stopped;	  /* --stop-after: ended early, as asked */
	long seconds;	  /* how long the install took */
	/* What is left to do once the result was shown: finish: of the
	 * answer file, in the live environment only (install_finish()). */
	bool finish_pending;
	bool finish_note; /* a disk install elsewhere: only say what it
			     would have done */
	/* Somebody already confirmed the end (the TUI's Done screen, whose
	 * button says Reboot): finish: wait does not ask a second time. */
	bool finish_confirmed;
	azl_finish finish;
} azl_install_result;

void install_result_done(azl_install_result *r);

/* The exit code (exit-codes.h, DESIGN.md) of a plan the planner refused:
 * 1 for what the answer file asks, 2 for what this machine cannot hold. */
int install_plan_exit_code(const azl_plan_error *e);

/* Runs the whole install; fills *ret (install_result_done() it) and
 * returns its exit code (exit-codes.h). ctx: the cancel flag and the
 * progress sinks (run.h); SIGINT and SIGTERM cancel it while this runs.
 * The model is the one to install; its answer file is written into the
 * target at the end. Never reboots: finish: is install_finish()'s. */
int install_run(const azl_model *m, const azl_install_opts *o, azl_run_ctx *ctx,
		azl_install_result *ret);

/* Prints the verdict for the command line: a failure to err (each line
 * "azl-installer: ..."), with where the log is. */
void install_result_print(const azl_install_result *r, FILE *err);

/* Carries out finish: after the result was shown (main.c after printing
 * it, the TUI after its Done screen): reboot or poweroff in the live
 * environment; there shell only says so; elsewhere nothing (out says
 * what would have happened). Returns 0 or -errno when the command
 * failed (said on err). */
int install_finish(const azl_install_result *r, FILE *out, FILE *err);

/* Whether this is the live environment (docs/system.md): /run/azl-live
 * exists or the kernel command line says azl.live. */
bool install_running_live(void);

/* Sends the log to the answer file's syslog server (logging:, kickstart
 * logging --host) unless one is already active (inst.syslog= wins).
 * Called once the answer file is read, and again once the live network is
 * up (a static address from the answer file comes only then). */
void install_open_answers_syslog(const azl_model *m);
