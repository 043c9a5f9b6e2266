/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The installer's pages, one file each (ui/page-*.c). A spoke edits a
 * clone of its model section and commits it on Done; Cancel (Esc) drops
 * the clone. Each returns UI_DONE, UI_BACK or UI_QUIT (widget.h).
 */
#pragma once

#include "install.h"
#include "machine.h"
#include "model.h"
#include "spokes.h"
#include "tui.h"
#include "widget.h"

typedef struct ui_ctx {
	azl_model *m;
	azl_machine *machine; /* NULL when probing failed */
	char *machine_error;  /* why, for the Disks spoke */
	const azl_tui_opts *o;
	depsolve_group *groups; /* comps of the first repository */
	size_t n_groups;
	char *groups_error;
	char **ifaces;		   /* network interfaces of this machine */
	azl_install_result result; /* of install_run(), for tui_run() */
	bool ran;		   /* install_run() ran: result is set */
} ui_ctx;

/* The hub; UI_DONE when Begin was chosen (and confirmed on the summary),
 * UI_QUIT to leave. */
int page_hub(ui_ctx *c);
int page_language(ui_ctx *c);
int page_timezone(ui_ctx *c);
int page_disks(ui_ctx *c);
int page_partitions(ui_ctx *c, azl_storage *st);
int page_passphrase(ui_ctx *c);
int page_network(ui_ctx *c);
int page_accounts(ui_ctx *c);
int page_software(ui_ctx *c);
/* UI_DONE once the typed confirmation (or, saving answers, Enter) was
 * given. */
int page_summary(ui_ctx *c);
/* Runs install_run() with the progress screen; returns its exit code
 * after the finish or failure screen. */
int page_progress(ui_ctx *c);

/* Switches the UI's language to that of a locale ("de_DE.UTF-8") at
 * once: gettext's LANGUAGE and its caches. */
void ui_set_language(const char *locale);
/* The firmware the plan will use. */
azl_firmware ui_firmware(const ui_ctx *c);
