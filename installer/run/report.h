/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Status reporting for provisioning engines (MAAS, Foreman, Ironic-style
 * receivers): JSON events POSTed to webhooks, in the shape of cloud-init's
 * and curtin's webhook reporting (event_type start|progress|finish, name,
 * description, origin, timestamp, result), with this machine's identity in
 * every event. Webhooks come from the answer file (reporting:) and the
 * kernel command line (azl.report=URL).
 *
 * A reporter is a progress sink (progress.h) beside the text, JSON or TUI
 * sink. It never blocks the install: each webhook has a sender thread of
 * its own with a bounded queue (the oldest event is dropped, and counted,
 * when it is full); a POST has short timeouts and is retried with
 * exponential back-off within a bounded time; reporter_free() waits at
 * most REPORT_FLUSH_MS for what is queued, then abandons it. Nothing of
 * a reporter's ever fails the install. docs/pxe.md, docs/answer-file.md.
 */
#pragma once

#include <stdbool.h>

#include "model.h"
#include "progress.h"

#define REPORT_QUEUE_MAX 64
#define REPORT_FLUSH_MS	 5000
/* One POST: connecting, and the whole request. */
#define REPORT_CONNECT_MS 3000
#define REPORT_POST_MS	  5000
/* Retries of one event: back-off from 500 ms, doubling, at most 8 s
 * apart, for at most this long in all. */
#define REPORT_RETRY_MS 20000
/* Progress events: at most one per phase per this many seconds, unless
 * the phase went on by 10 % or more. */
#define REPORT_PROGRESS_SECONDS 5

/* This machine, as events name it: the boot interface's MAC (BOOTIF= on
 * the kernel command line, else the first ethernet interface), the SMBIOS
 * system serial and UUID. NULL when unknown. */
typedef struct azl_machine_id {
	char *mac;
	char *serial;
	char *uuid;
} azl_machine_id;

/* Reads it: cmdline is the kernel command line's text (BOOTIF=), NULL
 * for none; interfaces from $AZL_SYSFS_NET or /sys/class/net, SMBIOS from
 * $AZL_SYSFS_DMI or /sys/class/dmi/id (testing aids, docs/architecture.md). */
void machine_id_read(azl_machine_id *id, const char *cmdline);
void machine_id_done(azl_machine_id *id);

/* One event. */
typedef struct azl_report_event {
	const char *event_type;	 /* "start", "progress", "finish" */
	const char *name;	 /* "azl-installer", "azl-installer/storage" */
	const char *description; /* for people */
	long long sec;		 /* timestamp: seconds since the epoch ... */
	long usec;		 /* ... and microseconds */
	const char *result;	 /* finish: "SUCCESS", "FAIL", "WARN" */
	int percent;		 /* progress: of the whole install; -1 none */
	/* A failure (result FAIL): the phase that failed (NULL: before the
	 * first phase), the reason, -errno, the exit code (-1: none). */
	const char *phase;
	const char *reason;
	int error;
	int exit_code;
	const azl_machine_id *machine;
} azl_report_event;

/* The event as one JSON object, no newline (pure; tests). */
char *report_event_to_json(const azl_report_event *e);

typedef struct azl_reporter azl_reporter;

/* A reporter for the webhooks of cfg (NULL: none) and the azl.report=
 * words of cmdline (NULL: none); NULL when there is no webhook at all.
 * An azl.report= value that is not an http(s) URL is logged and left
 * out. Starts the sender threads. */
azl_reporter *reporter_new(const azl_reporting *cfg, const char *cmdline);
/* The start event of the whole install ("azl-installer"). */
void reporter_begin(azl_reporter *r);
/* The progress sink: userdata is the reporter. */
void reporter_sink(const azl_progress_event *ev, void *userdata);
/* The finish event of the whole install: result from the exit code (0
 * SUCCESS, or WARN when stopped early as asked; else FAIL), phase NULL
 * when it failed before the first phase. */
void reporter_end(azl_reporter *r, int exit_code, bool stopped, const char *phase, int error,
		  const char *reason);
/* Waits at most REPORT_FLUSH_MS for queued events, abandons the rest,
 * stops the threads, logs what was sent, frees. NULL is fine. */
void reporter_free(azl_reporter *r);
static inline void reporter_freep(azl_reporter **r)
{
	reporter_free(*r);
}
#define _cleanup_reporter_ _cleanup_(reporter_freep)
