/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The progress screen, fed by the apply layer's events through a sink of
 * the run context, then the finish or failure screen, drawn from the
 * install's result (install.h). Ctrl-C cancels through the context;
 * finish: (reboot, poweroff) is carried out after the Done screen. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "exit-codes.h"
#include "i18n.h"
#include "install.h"
#include "log.h"
#include "pages.h"
#include "phase.h"
#include "progress.h"
#include "report.h"
#include "run.h"
#include "spawn.h"
#include "util.h"

#define DEFAULT_LOG "/tmp/azl-installer.log"

typedef struct run_view {
	struct timespec t0;
	azl_run_ctx *ctx;
	azl_phase phase;
	char *message;
	int percent;
	uint64_t item, items, bytes, total_bytes;
	bool show_log;
} run_view;

static const char run_help[] = N_("l log view  Ctrl-C stop the install");

static const char *phase_title(azl_phase phase)
{
	const azl_phase_info *i = phase_info(phase);
	return i ? _(i->title) : _("Starting");
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
	_cleanup_free_ char *ph = xasprintf(_("Step: %s"), phase_title(v->phase));
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
		_cleanup_free_ char *t =
			xasprintf(_("Package %llu of %llu"), (unsigned long long)v->item,
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
				 : xasprintf(_("about %ld min"), (rest + 59) / 60);
	}
	_cleanup_free_ char *t = xasprintf(_("Elapsed %ld:%02ld   Time left: %s"), s / 60, s % 60,
					   left ? left : _("estimating"));
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
	if (ev->kind != AZL_PROGRESS_STEP)
		return;
	if (ev->id != AZL_PHASE_NONE)
		v->phase = ev->id;
	v->percent = ev->percent < 0 ? 0 : ev->percent > 100 ? 100 : ev->percent;
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
		if (k == UIK_QUIT)
			/* A clean stop: the phase under way stops at its
			 * next check, everything is torn down, exit 130. */
			run_cancel(v->ctx);
	}
	draw_progress(v);
}

int page_progress(ui_ctx *c)
{
	azl_run_ctx ctx = {0};
	run_view v = {.ctx = &ctx};
	clock_gettime(CLOCK_MONOTONIC, &v.t0);
	_cleanup_strv_free_ char **disks = NULL;
	if (c->o->disks) {
		disks = xzalloc(sizeof(char *));
		for (size_t i = 0; i < c->m->storage.n_disks; i++)
			if (c->m->storage.disks[i].path)
				strv_push(&disks, xstrdup(c->m->storage.disks[i].path));
	}
	azl_install_opts io = {
		.disks = disks,
		.repos = {c->o->repos, c->o->repo_gpgkey, c->o->repo_gpgkey_fpr},
		.firmware = c->o->firmware,
		.log_file = c->o->log_file ? c->o->log_file : DEFAULT_LOG,
		.yes = true,
		.live = c->o->live,
	};
	ui_set_quit_question(N_(
		"Stop the install? What was written so far stays partly written; the disks are unmounted and closed."));
	draw_progress(&v);
	run_ctx_add_sink(&ctx, sink, &v);
	/* Fleet hooks, as for the command line (docs/pxe.md). */
	_cleanup_free_ char *cmdline = NULL;
	if (cmdline_read(&cmdline, NULL) < 0)
		cmdline = NULL;
	azl_reporter *rep = reporter_new(&c->m->reporting, cmdline);
	if (rep) {
		run_ctx_add_sink(&ctx, reporter_sink, rep);
		reporter_begin(rep);
	}
	azl_install_result *res = &c->result;
	int code = install_run(c->m, &io, &ctx, res);
	reporter_end(rep, code, res->stopped,
		     res->phase != AZL_PHASE_NONE ? phase_name(res->phase) : NULL, res->error,
		     res->message);
	reporter_free(rep);
	c->ran = true;
	ui_set_quit_question(NULL);
	long secs = res->seconds;
	bool reboot = res->finish_pending && res->finish != AZL_FINISH_SHELL;
	for (;;) {
		ui_frame(code == AZL_EXIT_OK ? N_("Done") : N_("Failed"),
			 N_("Enter finish  l view the log"));
		int row = 2;
		if (code == AZL_EXIT_OK) {
			ui_attr_on(UIA_BOLD);
			_cleanup_free_ char *t =
				xasprintf(_("Azure Linux is installed. It took %ld min %ld s."),
					  secs / 60, secs % 60);
			row += ui_wrap(row, 2, COLS - 4, 2, t);
			ui_attr_off(UIA_BOLD);
			row += ui_wrap(row + 1, 2, COLS - 4, 3,
				       _("Remove the installation medium, then reboot into the new system.")) +
			       1;
		} else {
			ui_attr_on(UIA_WARN);
			_cleanup_free_ char *t =
				xasprintf(code == AZL_EXIT_INTERRUPTED
						  ? _("The install was stopped during step '%s'.")
						  : _("The install failed during step '%s'."),
					  phase_name(res->phase));
			row += ui_wrap(row, 2, COLS - 4, 2, t);
			ui_attr_off(UIA_WARN);
			if (res->message)
				row += ui_wrap(row + 1, 2, COLS - 4, 8, res->message) + 1;
			_cleanup_free_ char *lp = xasprintf(_("The log is in %s"),
							    log_path() ? log_path() : io.log_file);
			ui_attr_on(UIA_BOLD);
			row += ui_wrap(row + 1, 2, COLS - 4, 2, lp) + 1;
			ui_attr_off(UIA_BOLD);
		}
		ui_button_draw(row + 1, 2,
			       !reboot				    ? _("Exit")
			       : res->finish == AZL_FINISH_POWEROFF ? _("Power off")
								    : _("Reboot"),
			       true, false);
		int k = ui_getkey();
		if (k == 'l' || k == 'L') {
			_cleanup_free_ char *log = log_contents();
			if (ui_pager(N_("Log"), log, NULL) == UI_QUIT)
				break;
			continue;
		}
		if (k == UIK_ENTER) {
			/* The Done screen was the wait of finish: wait. */
			res->finish_confirmed = true;
			break;
		}
		if (k == UIK_QUIT)
			break;
	}
	free(v.message);
	/* finish: is carried out by tui_run() once curses ended. */
	return code;
}
