/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The progress screen, fed by the apply layer's events through the
 * progress sink, then the finish or failure screen. install_run() prints
 * its plan and failure lines to stdout/stderr; while it runs those go to
 * a memory file (curses draws on its own copy of the terminal), and the
 * failure screen shows them. */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "exit-codes.h"
#include "i18n.h"
#include "install.h"
#include "log.h"
#include "pages.h"
#include "progress.h"
#include "spawn.h"
#include "util.h"

#define DEFAULT_LOG "/tmp/azl-installer.log"
#define CAPTURE_MAX (64u << 10)

static const struct {
	const char *phase;
	const char *name;
} phase_names[] = {
	{"pre", N_("Running pre-installation scripts")},
	{"storage", N_("Partitioning, encrypting and formatting")},
	{"packages", N_("Installing packages")},
	{"configure", N_("Configuring the system")},
	{"bootloader", N_("Installing the boot loader")},
	{"post", N_("Running post-installation scripts")},
	{"finish", N_("Finishing")},
	{"error", N_("Running error scripts")},
};

typedef struct run_view {
	struct timespec t0;
	char phase[32];
	char *message;
	int percent;
	uint64_t item, items, bytes, total_bytes;
	bool show_log;
} run_view;

static const char run_help[] = N_("l log view  Ctrl-C stop the install");

static const char *phase_name(const char *phase)
{
	for (size_t i = 0; i < ELEMENTSOF(phase_names); i++)
		if (strcmp(phase_names[i].phase, phase) == 0)
			return _(phase_names[i].name);
	return phase;
}

static long elapsed(const run_view *v)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - v->t0.tv_sec);
}

static void draw_log_tail(int y, int h)
{
	_cleanup_free_ char *log = log_contents();
	if (!log || h <= 0)
		return;
	/* The last h lines. */
	const char *p = log + strlen(log);
	int lines = 0;
	while (p > log && lines <= h) {
		p--;
		if (*p == '\n' && p[1])
			lines++;
	}
	if (*p == '\n')
		p++;
	for (int r = 0; r < h && *p; r++) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *l = xstrndup(p, n);
		ui_put(y + r, 1, COLS - 2, l, false);
		p += n + (p[n] == '\n');
	}
}

static void draw_progress(run_view *v)
{
	ui_frame(N_("Installing"), run_help);
	ui_attr_on(UIA_BOLD);
	ui_put(2, 2, COLS - 4, _("Installing Azure Linux"), false);
	ui_attr_off(UIA_BOLD);
	_cleanup_free_ char *ph =
		xasprintf(_("Step: %s"),
			  v->phase[0] ? phase_name(v->phase) : _("Starting"));
	ui_put(4, 2, COLS - 4, ph, false);
	int bw = COLS - 14;
	_cleanup_free_ char *bar = xmalloc(bw + 1);
	int fill = v->percent * bw / 100;
	for (int i = 0; i < bw; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[bw] = 0;
	_cleanup_free_ char *bl = xasprintf("[%s] %3d%%", bar, v->percent);
	ui_put(5, 2, COLS - 4, bl, false);
	ui_put(6, 2, COLS - 4, v->message ? v->message : "", false);
	int row = 8;
	if (v->items) {
		_cleanup_free_ char *t = xasprintf(
			_("Package %llu of %llu"), (unsigned long long)v->item,
			(unsigned long long)v->items);
		ui_put(row++, 2, COLS - 4, t, false);
	}
	if (v->total_bytes) {
		_cleanup_free_ char *a = size_human(v->bytes);
		_cleanup_free_ char *b = size_human(v->total_bytes);
		_cleanup_free_ char *t = xasprintf(_("%s of %s"), a, b);
		ui_put(row++, 2, COLS - 4, t, false);
	}
	long s = elapsed(v);
	_cleanup_free_ char *left = NULL;
	if (v->percent >= 2 && v->percent < 100 && s >= 5) {
		long rest = s * (100 - v->percent) / v->percent;
		left = rest < 60 ? xstrdup(_("less than a minute"))
				 : xasprintf(_("about %ld min"),
					     (rest + 59) / 60);
	}
	_cleanup_free_ char *t =
		xasprintf(_("Elapsed %ld:%02ld   Time left: "
			    "%s"),
			  s / 60, s % 60, left ? left : _("estimating"));
	ui_put(row++, 2, COLS - 4, t, false);
	if (v->show_log) {
		ui_attr_on(UIA_DIM);
		ui_hline(row, 0, COLS);
		ui_attr_off(UIA_DIM);
		draw_log_tail(row + 1, LINES - row - 3);
	}
	ui_refresh();
}

static void sink(const azl_progress_event *ev, void *userdata)
{
	run_view *v = userdata;
	if (ev->phase)
		snprintf(v->phase, sizeof(v->phase), "%s", ev->phase);
	v->percent = ev->percent < 0	 ? 0
		     : ev->percent > 100 ? 100
					 : ev->percent;
	free(v->message);
	v->message = xstrdup(ev->message);
	if (ev->items) {
		v->item = ev->item;
		v->items = ev->items;
		v->bytes = ev->bytes;
		v->total_bytes = ev->total_bytes;
	}
	for (;;) {
		int k = ui_pollkey();
		if (!k)
			break;
		if (k == 'l' || k == 'L')
			v->show_log = !v->show_log;
		if (k == UIK_QUIT) {
			/* install_run's handler turns this into a clean stop
			 * (teardown, exit 130); outside it, nothing to stop. */
			struct sigaction sa;
			if (sigaction(SIGINT, NULL, &sa) == 0 &&
			    sa.sa_handler != SIG_DFL &&
			    sa.sa_handler != SIG_IGN)
				raise(SIGINT);
		}
	}
	draw_progress(v);
}

static char *read_capture(int fd)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	char *buf = xmalloc(CAPTURE_MAX + 1);
	size_t len = 0;
	while (len < CAPTURE_MAX) {
		ssize_t n = read(fd, buf + len, CAPTURE_MAX - len);
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = 0;
	return buf;
}

/* Runs install_run with fds 1 and 2 pointing into a memory file. */
static int run_captured(ui_ctx *c, const azl_install_opts *io)
{
	int mem = memfd_create("azl-tui-output", MFD_CLOEXEC);
	int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO);
	if (mem >= 0 && out >= 0 && err >= 0) {
		fflush(stdout);
		fflush(stderr);
		dup2(mem, STDOUT_FILENO);
		dup2(mem, STDERR_FILENO);
	}
	int code = install_run(c->m, io);
	fflush(stdout);
	fflush(stderr);
	if (mem >= 0 && out >= 0 && err >= 0) {
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		free(c->capture);
		c->capture = read_capture(mem);
	}
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	if (mem >= 0)
		close(mem);
	return code;
}

/* The lines install_run addressed to people ("azl-installer: ..."). */
static char *failure_lines(const char *capture, const char *log)
{
	azl_buf b = {0};
	for (const char *p = capture ? capture : ""; *p;) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *line = xstrndup(p, n);
		/* The log's path is shown on a line of its own. */
		if (startswith(p, "azl-installer: ") &&
		    !(log && strstr(line, log)))
			buf_printf(&b, "%.*s\n", (int)(n - 15), p + 15);
		p += n + (p[n] == '\n');
	}
	return buf_steal(&b);
}

int page_progress(ui_ctx *c)
{
	run_view v = {0};
	clock_gettime(CLOCK_MONOTONIC, &v.t0);
	_cleanup_strv_free_ char **disks = NULL;
	if (c->o->disks) {
		disks = xzalloc(sizeof(char *));
		for (size_t i = 0; i < c->m->storage.n_disks; i++)
			if (c->m->storage.disks[i].path)
				strv_push(&disks,
					  xstrdup(c->m->storage.disks[i].path));
	}
	azl_install_opts io = {
		.disks = disks,
		.repos = c->o->repos,
		.firmware = c->o->firmware,
		.log_file = c->o->log_file ? c->o->log_file : DEFAULT_LOG,
		.yes = true,
		.live = c->o->live,
	};
	ui_set_quit_question(N_("Stop the install? What was written so far "
				"stays partly written; the disks are "
				"unmounted and closed."));
	draw_progress(&v);
	progress_set_sink(sink, &v);
	int code = run_captured(c, &io);
	progress_set_sink(NULL, NULL);
	ui_set_quit_question(NULL);
	long secs = elapsed(&v);
	_cleanup_free_ char *why = failure_lines(
		c->capture, log_path() ? log_path() : io.log_file);
	for (;;) {
		ui_frame(code == AZL_EXIT_OK ? N_("Done") : N_("Failed"),
			 N_("Enter finish  l view the log"));
		int row = 2;
		if (code == AZL_EXIT_OK) {
			ui_attr_on(UIA_BOLD);
			_cleanup_free_ char *t = xasprintf(
				_("Azure Linux is installed. It took %ld min "
				  "%ld s."),
				secs / 60, secs % 60);
			row += ui_wrap(row, 2, COLS - 4, 2, t);
			ui_attr_off(UIA_BOLD);
			row += ui_wrap(row + 1, 2, COLS - 4, 3,
				       _("Remove the installation medium, then "
					 "reboot into the new system.")) +
			       1;
		} else {
			ui_attr_on(UIA_WARN);
			_cleanup_free_ char *t = xasprintf(
				code == AZL_EXIT_INTERRUPTED
					? _("The install was stopped during "
					    "step "
					    "'%s'.")
					: _("The install failed during step "
					    "'%s'."),
				v.phase[0] ? v.phase : "-");
			row += ui_wrap(row, 2, COLS - 4, 2, t);
			ui_attr_off(UIA_WARN);
			const char *last = log_last_error();
			if (*why)
				row += ui_wrap(row + 1, 2, COLS - 4, 8, why) +
				       1;
			else if (last)
				row += ui_wrap(row + 1, 2, COLS - 4, 4, last) +
				       1;
			_cleanup_free_ char *lp = xasprintf(
				_("The log is in %s"),
				log_path() ? log_path() : io.log_file);
			ui_attr_on(UIA_BOLD);
			row += ui_wrap(row + 1, 2, COLS - 4, 2, lp) + 1;
			ui_attr_off(UIA_BOLD);
		}
		ui_button_draw(row + 1, 2,
			       code == AZL_EXIT_OK && c->o->live ? _("Reboot")
								 : _("Exit"),
			       true, false);
		int k = ui_getkey();
		if (k == 'l' || k == 'L') {
			_cleanup_free_ char *log = log_contents();
			if (ui_pager(N_("Log"), log, NULL) == UI_QUIT)
				break;
			continue;
		}
		if (k == UIK_ENTER || k == UIK_QUIT)
			break;
	}
	free(v.message);
	if (code == AZL_EXIT_OK && c->o->live) {
		char *argv[] = {(char *)"reboot", NULL};
		azl_spawn_opts so = {0};
		spawn_run(argv, &so);
	}
	return code;
}
