/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress events from the apply layer to whoever shows them: the TUI's
 * progress screen, plain text lines, or JSON lines (--progress=json), which
 * the live environment also copies to the serial console. The apply layer
 * only emits; it never draws or prints.
 *
 * Phases, in order: "pre", "storage", "packages", "configure",
 * "bootloader", "post", "finish" (and "error" for error scripts).
 */
#pragma once

#include <stdint.h>

#include "util.h"

typedef struct azl_progress_event {
	const char *phase;   /* one of the phases above */
	int percent;	     /* of the whole install, 0..100 */
	const char *message; /* for people, already translated */
	/* Package installs: n of total packages, bytes of total bytes. */
	uint64_t item, items;
	uint64_t bytes, total_bytes;
} azl_progress_event;

typedef void (*azl_progress_fn)(const azl_progress_event *ev, void *userdata);

/* Sinks: NULL fn = events are only logged. */
void progress_set_sink(azl_progress_fn fn, void *userdata);
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
void progress_phase(const char *phase, int phase_percent, const char *fmt, ...)
	_printf_(3, 4);
/* Package progress: item n of items, bytes of total, the rpm transaction
 * (10..100 % of the packages phase; 0..10 are repositories, downloads and
 * keys). */
void progress_packages(uint64_t item, uint64_t items, uint64_t bytes,
		       uint64_t total_bytes, const char *name);
/* Serialises one event as a JSON object line (no newline). */
char *progress_event_to_json(const azl_progress_event *ev);
