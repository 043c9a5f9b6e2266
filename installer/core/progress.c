/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "progress.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "json.h"
#include "log.h"

static const azl_progress_sink *sinks;
static size_t n_sinks;
static int json_tee = -1;
/* The highest percent delivered so far: what people and fleet tools see
 * never goes backwards. */
static int shown_percent;

void progress_set_sinks(const azl_progress_sink *list, size_t n)
{
	sinks = list;
	n_sinks = list ? n : 0;
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
	for (size_t i = 0; i < n_sinks; i++)
		if (sinks[i].fn)
			sinks[i].fn(ev, sinks[i].userdata);
}

static void deliver_phase(azl_progress_event *ev)
{
	ev->percent = shown_percent;
	for (size_t i = 0; i < n_sinks; i++)
		if (sinks[i].fn)
			sinks[i].fn(ev, sinks[i].userdata);
}

void progress_phase_start(azl_phase phase)
{
	const azl_phase_info *i = phase_info(phase);
	azl_progress_event ev = {
		.kind = AZL_PROGRESS_PHASE_START,
		.id = phase,
		.phase = phase_name(phase),
		.message = i ? _(i->title) : "",
	};
	deliver_phase(&ev);
}

void progress_phase_finish(azl_phase phase, int error, const char *why)
{
	azl_progress_event ev = {
		.kind = AZL_PROGRESS_PHASE_FINISH,
		.error = error,
		.id = phase,
		.phase = phase_name(phase),
		.message = why,
	};
	deliver_phase(&ev);
}

static int overall(azl_phase phase, int phase_percent)
{
	if (phase_percent < 0)
		phase_percent = 0;
	if (phase_percent > 100)
		phase_percent = 100;
	const azl_phase_info *i = phase_info(phase);
	return i ? i->from + (i->to - i->from) * phase_percent / 100 : 0;
}

void progress_phase(azl_phase phase, int phase_percent, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	azl_progress_event ev = {
		.id = phase,
		.phase = phase_name(phase),
		.percent = overall(phase, phase_percent),
		.message = msg,
	};
	deliver(&ev);
}

void progress_packages(uint64_t item, uint64_t items, uint64_t bytes, uint64_t total_bytes,
		       const char *name)
{
	/* The transaction takes the packages phase from 10 % (what
	 * downloading and the keys took) to 100 %. */
	int done = total_bytes ? (int)(bytes * 90 / total_bytes)
		   : items     ? (int)(item * 90 / items)
			       : 0;
	int pp = 10 + done;
	_cleanup_free_ char *msg = xasprintf("%s (%llu/%llu)", name, (unsigned long long)item,
					     (unsigned long long)items);
	azl_progress_event ev = {
		.id = AZL_PHASE_PACKAGES,
		.phase = phase_name(AZL_PHASE_PACKAGES),
		.percent = overall(AZL_PHASE_PACKAGES, pp),
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
	if (ev->kind != AZL_PROGRESS_STEP)
		return;
	fprintf(f, "[%3d%%] %-10s %s\n", ev->percent, ev->phase, ev->message);
	fflush(f);
}

void progress_sink_json(const azl_progress_event *ev, void *userdata)
{
	FILE *f = userdata ? userdata : stdout;
	if (ev->kind != AZL_PROGRESS_STEP)
		return;
	_cleanup_free_ char *line = progress_event_to_json(ev);
	fprintf(f, "%s\n", line);
	fflush(f);
}
