/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The install's phases, in the order they run: one table (phase.c) gives
 * each its name (JSON progress, --stop-after, the log), its title for
 * people (the TUI) and its slice of the whole install's percent. The
 * runners that carry the phases out are install.c's, indexed by the same
 * enum. docs/architecture.md.
 */
#pragma once

typedef enum azl_phase {
	/* Before the first phase (checks, plan); 0, so that a zeroed
	 * option means "none". */
	AZL_PHASE_NONE = 0,
	AZL_PHASE_PRE,
	AZL_PHASE_STORAGE,
	AZL_PHASE_IMAGE, /* packages.image: instead of packages */
	AZL_PHASE_PACKAGES,
	AZL_PHASE_CONFIGURE,
	AZL_PHASE_BOOTLOADER,
	AZL_PHASE_POST,
	AZL_PHASE_FINISH,
	AZL_PHASE_ERROR, /* error scripts, after a failure */
	AZL_PHASE__COUNT,
} azl_phase;

typedef struct azl_phase_info {
	const char *name;  /* "storage": JSON, options, the log */
	const char *title; /* N_(): for people, translate with _() */
	int from, to;	   /* its slice of the whole install, in percent */
} azl_phase_info;

/* The table entry of p; NULL for AZL_PHASE_NONE or out of range. */
const azl_phase_info *phase_info(azl_phase p);
/* Its name, "-" for AZL_PHASE_NONE. */
const char *phase_name(azl_phase p);
/* The phase called name, or AZL_PHASE_NONE. */
azl_phase phase_from_name(const char *name);
