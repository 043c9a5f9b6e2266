/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmdline.h"
#include "fetch.h"
#include "i18n.h"
#include "json.h"
#include "log.h"
#include "netconf-match.h"
#include "secret.h"
#include "util.h"

/* --- this machine ------------------------------------------------------- */

/* The first line of dir/name, blanks trimmed; NULL when unreadable or
 * empty. */
static char *read_attr(const char *dir, const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *text = NULL;
	if (read_file_bounded(path, 4096, &text, NULL) < 0)
		return NULL;
	char *s = text;
	s[strcspn(s, "\n")] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return n ? xstrdup(s) : NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The MAC of the first ethernet interface (type 1) by name, loopback and
 * all-zero addresses aside. */
static char *first_nic_mac(void)
{
	const char *dir = getenv("AZL_SYSFS_NET");
	if (!dir || !*dir)
		dir = "/sys/class/net";
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	_cleanup_strv_free_ char **names = xzalloc(sizeof(char *));
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "lo") != 0)
			strv_push(&names, xstrdup(e->d_name));
	closedir(d);
	qsort(names, strv_length(names), sizeof(char *), cmp_names);
	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, names[i]);
		_cleanup_free_ char *type = read_attr(sub, "type");
		_cleanup_free_ char *mac = read_attr(sub, "address");
		if (type && strcmp(type, "1") == 0 && mac && strcmp(mac, "00:00:00:00:00:00") != 0)
			return TAKE_PTR(mac);
	}
	return NULL;
}

void machine_id_read(azl_machine_id *id, const char *cmdline)
{
	*id = (azl_machine_id){0};
	_cleanup_free_ char *bootif = NULL;
	if (cmdline && netconf_cmdline_bootif(cmdline, &bootif) == 0)
		(void)netconf_parse_bootif(bootif, &id->mac);
	if (!id->mac)
		id->mac = first_nic_mac();
	const char *dmi = getenv("AZL_SYSFS_DMI");
	if (!dmi || !*dmi)
		dmi = "/sys/class/dmi/id";
	id->serial = read_attr(dmi, "product_serial");
	id->uuid = read_attr(dmi, "product_uuid");
}

void machine_id_done(azl_machine_id *id)
{
	free(id->mac);
	free(id->serial);
	free(id->uuid);
	*id = (azl_machine_id){0};
}

/* --- events ------------------------------------------------------------- */

char *report_event_to_json(const azl_report_event *e)
{
	azl_json j;
	json_init(&j, false);
	json_begin_object(&j, NULL);
	json_string(&j, "event_type", e->event_type);
	json_string(&j, "name", e->name);
	json_string(&j, "description", e->description ? e->description : "");
	json_string(&j, "origin", "azl-installer");
	char ts[48];
	snprintf(ts, sizeof(ts), "%lld.%06ld", e->sec, e->usec < 0 ? 0 : e->usec % 1000000);
	json_number(&j, "timestamp", ts);
	if (e->result)
		json_string(&j, "result", e->result);
	if (e->percent >= 0)
		json_int(&j, "percent", e->percent);
	if (e->result && strcmp(e->result, "FAIL") == 0) {
		json_string(&j, "phase", e->phase);
		json_string(&j, "reason", e->reason ? e->reason : "");
		json_int(&j, "errno", e->error < 0 ? -e->error : e->error);
	}
	if (e->exit_code >= 0)
		json_int(&j, "exit_code", e->exit_code);
	if (e->machine) {
		json_begin_object(&j, "machine");
		json_string(&j, "mac", e->machine->mac);
		json_string(&j, "serial", e->machine->serial);
		json_string(&j, "uuid", e->machine->uuid);
		json_end_object(&j);
	}
	json_end_object(&j);
	return json_steal(&j);
}

/* --- the senders -------------------------------------------------------- */

typedef struct item {
	char *body;
	bool final; /* the install's finish event: tried until the end */
} item;

/* One webhook: its own thread and queue, so that a dead one never holds
 * back another. */
typedef struct sender {
	char *url;
	char **headers; /* "Name: value": secrets, wiped when freed */
	bool progress;	/* level DEBUG */
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* something queued, or draining/abort */
	pthread_cond_t idle_cv;
	item q[REPORT_QUEUE_MAX];
	size_t head, n;
	bool busy;	  /* a POST (with its retries) under way */
	bool draining;	  /* reporter_free(): no more retries but the
			     final event's */
	atomic_int abort; /* give up now; read by curl's callback in this
			     sender's thread while another sets it */
	/* Counted by the thread, read after it ended. */
	unsigned sent, failed, dropped;
	char *last_error;
} sender;

struct azl_reporter {
	sender *s;
	size_t n;
	azl_machine_id id;
	/* Progress throttling, per phase. */
	int last_percent[AZL_PHASE__COUNT];
	time_t last_time[AZL_PHASE__COUNT];
};

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits on cv until ms passed or the sender is told to stop: returns
 * false when it was. Called with s->mu held. */
static bool nap(sender *s, long ms, bool final)
{
	struct timespec until = deadline_after_ms(CLOCK_REALTIME, ms);
	while (!s->abort && (final || !s->draining)) {
		int r = pthread_cond_timedwait(&s->cv, &s->mu, &until);
		if (r == ETIMEDOUT)
			break;
	}
	return !s->abort && (final || !s->draining);
}

/* A status that another try will not change: the request itself (a
 * token refused, a wrong path). */
static bool permanent(int r, long status)
{
	return r == -EPROTO && status >= 400 && status < 500 && status != 408 && status != 429;
}

/* Posts one event, retrying with back-off. Called without s->mu. */
static void post_one(sender *s, const item *it)
{
	azl_post p = {
		.url = s->url,
		.content_type = "application/json",
		.body = it->body,
		.len = strlen(it->body),
		.headers = s->headers,
		.connect_timeout_ms = REPORT_CONNECT_MS,
		.timeout_ms = REPORT_POST_MS,
		.stop = &s->abort,
	};
	long long deadline = now_ms() + REPORT_RETRY_MS;
	long delay = 500;
	for (;;) {
		long status = 0;
		char *why = NULL;
		int r = fetch_post(&p, &status, &why);
		pthread_mutex_lock(&s->mu);
		if (r == 0) {
			s->sent++;
			free(why);
			pthread_mutex_unlock(&s->mu);
			return;
		}
		free(s->last_error);
		s->last_error = why;
		bool again = !s->abort && !permanent(r, status) && (!s->draining || it->final) &&
			     (it->final || now_ms() + delay < deadline);
		if (again)
			again = nap(s, delay, it->final);
		if (!again) {
			s->failed++;
			pthread_mutex_unlock(&s->mu);
			return;
		}
		pthread_mutex_unlock(&s->mu);
		delay = delay * 2 > 8000 ? 8000 : delay * 2;
	}
}

static void *sender_main(void *userdata)
{
	sender *s = userdata;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->n == 0 && !s->draining && !s->abort)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->abort || s->n == 0)
			break;
		item it = s->q[s->head];
		s->q[s->head] = (item){0};
		s->head = (s->head + 1) % REPORT_QUEUE_MAX;
		s->n--;
		s->busy = true;
		pthread_mutex_unlock(&s->mu);
		post_one(s, &it);
		free(it.body);
		pthread_mutex_lock(&s->mu);
		s->busy = false;
		pthread_cond_broadcast(&s->idle_cv);
	}
	s->busy = false;
	pthread_cond_broadcast(&s->idle_cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void enqueue(sender *s, const char *body, bool final)
{
	pthread_mutex_lock(&s->mu);
	if (s->n == REPORT_QUEUE_MAX) {
		/* Full: a slow or dead endpoint. The oldest goes. */
		free(s->q[s->head].body);
		s->head = (s->head + 1) % REPORT_QUEUE_MAX;
		s->n--;
		s->dropped++;
	}
	s->q[(s->head + s->n) % REPORT_QUEUE_MAX] = (item){.body = xstrdup(body), .final = final};
	s->n++;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void sender_init(sender *s, const char *url, bool progress)
{
	*s = (sender){.url = xstrdup(url), .progress = progress};
	s->headers = xzalloc(sizeof(char *));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_cond_init(&s->idle_cv, NULL);
}

static void sender_start(sender *s)
{
	/* Signals (SIGINT, SIGTERM) stay the main thread's. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&s->thread, NULL, sender_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	s->started = r == 0;
	if (r != 0)
		log_warning("reporting: cannot start a thread for '%s': %s", s->url, strerror(r));
}

/* Lets the queue drain until deadline (monotonic ms), then stops the
 * thread and joins it. */
static void sender_stop(sender *s, long long deadline)
{
	if (!s->started)
		return;
	pthread_mutex_lock(&s->mu);
	s->draining = true;
	pthread_cond_broadcast(&s->cv);
	while ((s->n > 0 || s->busy) && now_ms() < deadline) {
		struct timespec until = deadline_after_ms(CLOCK_REALTIME, 50);
		pthread_cond_timedwait(&s->idle_cv, &s->mu, &until);
	}
	atomic_store(&s->abort, 1);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	/* The POST under way notices abort within about a second. */
	pthread_join(s->thread, NULL);
	s->started = false;
}

static void sender_done(sender *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->q[(s->head + i) % REPORT_QUEUE_MAX].body);
	for (size_t i = 0; s->headers && s->headers[i]; i++)
		wipe_memory(s->headers[i], strlen(s->headers[i]));
	strv_free(s->headers);
	free(s->url);
	free(s->last_error);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	pthread_cond_destroy(&s->idle_cv);
}

/* --- the reporter ------------------------------------------------------- */

azl_reporter *reporter_new(const azl_reporting *cfg, const char *cmdline)
{
	_cleanup_strv_free_ char **urls =
		cmdline ? cmdline_values(cmdline, "azl.report", true) : NULL;
	size_t n_cfg = cfg ? cfg->n_hooks : 0;
	size_t n = n_cfg + strv_length(urls);
	if (n == 0)
		return NULL;
	azl_reporter *r = xzalloc(sizeof(*r));
	r->s = xzalloc(n * sizeof(*r->s));
	for (size_t i = 0; i < n_cfg; i++) {
		const azl_webhook *w = &cfg->hooks[i];
		bool progress = !w->level || strcasecmp(w->level, "info") != 0;
		sender *s = &r->s[r->n++];
		sender_init(s, w->endpoint, progress);
		for (size_t k = 0; k < w->n_headers; k++)
			strv_push(&s->headers, xasprintf("%s: %s", w->headers[k].name,
							 w->headers[k].value->data));
	}
	for (size_t i = 0; urls && urls[i]; i++) {
		if (!webhook_endpoint_is_valid(urls[i])) {
			log_warning(
				"reporting: azl.report='%s' on the kernel command line is not an http:// or https:// URL; not reporting there",
				urls[i]);
			continue;
		}
		sender_init(&r->s[r->n++], urls[i], true);
	}
	if (r->n == 0) {
		reporter_free(r);
		return NULL;
	}
	machine_id_read(&r->id, cmdline);
	log_info("reporting: machine mac %s, serial %s, uuid %s", r->id.mac ? r->id.mac : "-",
		 r->id.serial ? r->id.serial : "-", r->id.uuid ? r->id.uuid : "-");
	fetch_global_init();
	for (size_t i = 0; i < r->n; i++) {
		log_info("reporting: events go to '%s'%s", r->s[i].url,
			 r->s[i].progress ? "" : " (level INFO: no progress)");
		sender_start(&r->s[i]);
	}
	return r;
}

static void send_event(azl_reporter *r, azl_report_event *e, bool final)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	e->sec = (long long)t.tv_sec;
	e->usec = t.tv_nsec / 1000;
	e->machine = &r->id;
	_cleanup_free_ char *body = report_event_to_json(e);
	bool progress = strcmp(e->event_type, "progress") == 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->s[i].started && (!progress || r->s[i].progress))
			enqueue(&r->s[i], body, final);
}

void reporter_begin(azl_reporter *r)
{
	if (!r)
		return;
	azl_report_event e = {
		.event_type = "start",
		.name = "azl-installer",
		.description = _("Installing Azure Linux"),
		.percent = -1,
		.exit_code = -1,
	};
	send_event(r, &e, false);
}

void reporter_sink(const azl_progress_event *ev, void *userdata)
{
	azl_reporter *r = userdata;
	if (!r || ev->id <= AZL_PHASE_NONE || ev->id >= AZL_PHASE__COUNT)
		return;
	_cleanup_free_ char *name = xasprintf("azl-installer/%s", ev->phase);
	azl_report_event e = {
		.name = name,
		.description = ev->message,
		.percent = -1,
		.exit_code = -1,
	};
	const azl_phase_info *pi = phase_info(ev->id);
	int span = pi && pi->to > pi->from ? pi->to - pi->from : 1;
	int phase_pct = pi ? (ev->percent - pi->from) * 100 / span : 0;
	switch (ev->kind) {
	case AZL_PROGRESS_PHASE_START:
		e.event_type = "start";
		r->last_percent[ev->id] = 0;
		r->last_time[ev->id] = time(NULL);
		break;
	case AZL_PROGRESS_PHASE_FINISH:
		e.event_type = "finish";
		e.result = ev->error < 0 ? "FAIL" : "SUCCESS";
		e.phase = ev->phase;
		e.reason = ev->message;
		e.error = ev->error;
		if (!ev->message || ev->error >= 0)
			e.description = pi ? _(pi->title) : "";
		break;
	case AZL_PROGRESS_STEP: {
		time_t now = time(NULL);
		if (phase_pct < r->last_percent[ev->id] + 10 &&
		    now < r->last_time[ev->id] + REPORT_PROGRESS_SECONDS)
			return;
		if (phase_pct == r->last_percent[ev->id])
			return;
		r->last_percent[ev->id] = phase_pct;
		r->last_time[ev->id] = now;
		e.event_type = "progress";
		e.percent = ev->percent;
		break;
	}
	default:
		return;
	}
	send_event(r, &e, false);
}

void reporter_end(azl_reporter *r, int exit_code, bool stopped, const char *phase, int error,
		  const char *reason)
{
	if (!r)
		return;
	_cleanup_free_ char *ok = NULL;
	azl_report_event e = {
		.event_type = "finish",
		.name = "azl-installer",
		.percent = -1,
		.exit_code = exit_code,
	};
	if (exit_code != 0) {
		e.result = "FAIL";
		e.phase = phase;
		e.reason = reason;
		e.error = error;
		e.description = reason;
	} else if (stopped) {
		e.result = "WARN";
		e.description = ok =
			xasprintf(_("Stopped after %s, as asked"), phase ? phase : "-");
	} else {
		e.result = "SUCCESS";
		e.description = _("Azure Linux is installed");
	}
	send_event(r, &e, true);
}

void reporter_free(azl_reporter *r)
{
	if (!r)
		return;
	long long t0 = now_ms();
	long long deadline = t0 + REPORT_FLUSH_MS;
	/* All threads drain at once; the deadline is shared. */
	for (size_t i = 0; i < r->n; i++) {
		sender *s = &r->s[i];
		if (!s->started)
			continue;
		pthread_mutex_lock(&s->mu);
		s->draining = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	for (size_t i = 0; i < r->n; i++) {
		sender *s = &r->s[i];
		bool was = s->started;
		sender_stop(s, deadline);
		unsigned left = (unsigned)s->n;
		if (!was)
			;
		else if (s->failed || s->dropped || left)
			log_warning(
				"reporting: '%s': %u events sent, %u failed (%s), %u dropped from a full queue, %u abandoned at the end",
				s->url, s->sent, s->failed, s->last_error ? s->last_error : "-",
				s->dropped, left);
		else
			log_info("reporting: '%s': %u events sent", s->url, s->sent);
		sender_done(s);
	}
	log_info("reporting: flushed in %lld ms", now_ms() - t0);
	machine_id_done(&r->id);
	free(r->s);
	free(r);
}
