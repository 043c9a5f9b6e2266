/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress events from the apply layer to whoever shows them: the TUI's
 * progress screen, plain text lines, or JSON lines (--progress=json), which
 * the live environment also copies to the serial console. The apply layer
 * only emits; it never draws or prints.
 *
 * Phases and their slices of the percent range: phase.h's table.
 */
#pragma once

#include <stdint.h>

#include "phase.h"
#include "util.h"

typedef enum azl_progress_kind {
	AZL_PROGRESS_STEP = 0,	   /* percent and message */
	AZL_PROGRESS_PHASE_START,  /* a phase begins; message: its title */
	AZL_PROGRESS_PHASE_FINISH, /* it ended; error: 0 or -errno, message:
				      why it failed (NULL when it did not) */
} azl_progress_kind;

/* Sinks that only show steps (text, JSON lines, the TUI) skip the other
 * kinds; a reporter (report.h) reads them all. */
typedef struct azl_progress_event {
	azl_progress_kind kind;
	int error;	     /* AZL_PROGRESS_PHASE_FINISH */
	azl_phase id;	     /* phase.h */
	const char *phase;   /* its name, phase_name(id) */
	int percent;	     /* of the whole install, 0..100 */
	const char *message; /* for people, already translated */
	/* Package installs: n of total packages, bytes of total bytes. */
	uint64_t item, items;
	uint64_t bytes, total_bytes;
} azl_progress_event;

typedef void (*azl_progress_fn)(const azl_progress_event *ev, void *userdata);

typedef struct azl_progress_sink {
	azl_progress_fn fn;
	void *userdata;
} azl_progress_sink;

/* Every event goes to each of these sinks in turn (the run context's
 * list, run.h, while an install runs); n = 0: events are only logged.
 * The array is not copied: it must outlive the next call. */
void progress_set_sinks(const azl_progress_sink *sinks, size_t n);
/* Ready-made sinks for the command line: text lines and JSON lines to a
 * stream (userdata is a FILE *). */
void progress_sink_text(const azl_progress_event *ev, void *userdata);
void progress_sink_json(const azl_progress_event *ev, void *userdata);
/* Also copy JSON lines to this file descriptor (the serial console in the
 * live environment); -1 = none. */
void progress_set_json_tee(int fd);

/* Each phase owns a slice of the percent range; phase_percent 0..100 is
 * mapped into it, so the apply code speaks in its own terms. The percent
 * delivered never goes below one delivered before (until
 * progress_reset(), at the start of an install). */
void progress_reset(void);
void progress_phase(azl_phase phase, int phase_percent, const char *fmt, ...) _printf_(3, 4);
/* A phase begins and ends (install.c's phase loop): events for the
 * sinks, a line in the log; error 0 or -errno, why NULL or the reason. */
void progress_phase_start(azl_phase phase);
void progress_phase_finish(azl_phase phase, int error, const char *why);
/* Package progress: item n of items, bytes of total, the rpm transaction
 * (10..100 % of the packages phase; 0..10 are repositories, downloads and
 * keys). */
void progress_packages(uint64_t item, uint64_t items, uint64_t bytes, uint64_t total_bytes,
		       const char *name);
/* Serialises one event as a JSON object line (no newline). */
char *progress_event_to_json(const azl_progress_event *ev);
