/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "progress.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "log.h"

static azl_progress_fn sink_fn;
static void *sink_data;
static int json_tee = -1;
/* The highest percent delivered so far: what people and fleet tools see
 * never goes backwards. */
static int shown_percent;

/* The share of the whole install each phase takes: packages dominate. */
static const struct {
	const char *phase;
	int from, to;
} phases[] = {
	{"pre", 0, 2},	       {"storage", 2, 15},     {"packages", 15, 80},
	{"configure", 80, 88}, {"bootloader", 88, 96}, {"post", 96, 99},
	{"finish", 99, 100},   {"error", 100, 100},
};

void progress_set_sink(azl_progress_fn fn, void *userdata)
{
	sink_fn = fn;
	sink_data = userdata;
}

void progress_set_json_tee(int fd)
{
	json_tee = fd;
}

char *progress_event_to_json(const azl_progress_event *ev)
{
	azl_json j;
	json_init(&j, false);
	json_begin_object(&j, NULL);
	json_string(&j, "phase", ev->phase);
	json_int(&j, "percent", ev->percent);
	json_string(&j, "message", ev->message);
	if (ev->items) {
		json_uint(&j, "item", ev->item);
		json_uint(&j, "items", ev->items);
	}
	if (ev->total_bytes) {
		json_uint(&j, "bytes", ev->bytes);
		json_uint(&j, "total_bytes", ev->total_bytes);
	}
	json_end_object(&j);
	return json_steal(&j);
}

void progress_reset(void)
{
	shown_percent = 0;
}

static void deliver(azl_progress_event *ev)
{
	/* Phases report in their own terms and may start a step below where
	 * the last one ended (downloads, then the transaction from its first
	 * package): the whole install's percent only rises. */
	if (ev->percent < shown_percent)
		ev->percent = shown_percent;
	shown_percent = ev->percent;
	log_info("[%s %d%%] %s", ev->phase, ev->percent, ev->message);
	if (json_tee >= 0) {
		_cleanup_free_ char *line = progress_event_to_json(ev);
		_cleanup_free_ char *l = xasprintf("%s\r\n", line);
		/* The console may be slow or gone; the install goes on. */
		(void)!write(json_tee, l, strlen(l));
	}
	if (sink_fn)
		sink_fn(ev, sink_data);
}

static int overall(const char *phase, int phase_percent)
{
	if (phase_percent < 0)
		phase_percent = 0;
	if (phase_percent > 100)
		phase_percent = 100;
	for (size_t i = 0; i < ELEMENTSOF(phases); i++)
		if (strcmp(phases[i].phase, phase) == 0)
			return phases[i].from +
			       (phases[i].to - phases[i].from) * phase_percent /
				       100;
	return 0;
}

void progress_phase(const char *phase, int phase_percent, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	azl_progress_event ev = {
		.phase = phase,
		.percent = overall(phase, phase_percent),
		.message = msg,
	};
	deliver(&ev);
}

void progress_packages(uint64_t item, uint64_t items, uint64_t bytes,
		       uint64_t total_bytes, const char *name)
{
	/* The transaction takes the packages phase from 10 % (what
	 * downloading and the keys took) to 100 %. */
	int done = total_bytes ? (int)(bytes * 90 / total_bytes)
		   : items     ? (int)(item * 90 / items)
			       : 0;
	int pp = 10 + done;
	_cleanup_free_ char *msg =
		xasprintf("%s (%llu/%llu)", name, (unsigned long long)item,
			  (unsigned long long)items);
	azl_progress_event ev = {
		.phase = "packages",
		.percent = overall("packages", pp),
		.message = msg,
		.item = item,
		.items = items,
		.bytes = bytes,
		.total_bytes = total_bytes,
	};
	deliver(&ev);
}

void progress_sink_text(const azl_progress_event *ev, void *userdata)
{
	FILE *f = userdata ? userdata : stdout;
	fprintf(f, "[%3d%%] %-10s %s\n", ev->percent, ev->phase, ev->message);
	fflush(f);
}

void progress_sink_json(const azl_progress_event *ev, void *userdata)
{
	FILE *f = userdata ? userdata : stdout;
	_cleanup_free_ char *line = progress_event_to_json(ev);
	fprintf(f, "%s\n", line);
	fflush(f);
}
