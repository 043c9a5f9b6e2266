/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The summary before anything is written: every destructive step (disk,
 * size, what will be erased), the whole plan, and a typed word. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char sum_help[] =
	N_("Up/Down/PgUp/PgDn scroll  Enter confirm  Esc back  F1 keys  Ctrl-C quit");

static char *summary_text(ui_ctx *c, size_t *ret_nd, char **ret_err)
{
	azl_plan_overrides ov = {.firmware = c->o->firmware};
	azl_plan_error err = {0};
	_cleanup_plan_ azl_plan *p = NULL;
	if (plan_build(c->m, c->machine, &ov, &p, &err) < 0) {
		*ret_err = TAKE_PTR(err.message);
		plan_error_done(&err);
		return NULL;
	}
	azl_buf b = {0};
	_cleanup_free_ char *destroy = plan_destructive_text(p, c->machine);
	if (c->o->save_answers)
		buf_printf(&b,
			   _("Nothing is installed now; Enter saves '%s'.\n"
			     "An install with this answer file will do this:"),
			   c->o->save_answers);
	else
		buf_append(&b, _("This is what the installation will do."));
	buf_append(&b, "\n\n");
	for (const char *q = destroy; *q; q++)
		*ret_nd += *q == '\n';
	if (*destroy) {
		buf_append(&b, destroy);
		buf_append(&b, "\n");
	} else
		buf_printf(&b, "%s\n\n", _("Nothing on the disks is erased."));
	_cleanup_free_ char *plan = plan_to_text(p);
	buf_append(&b, plan);
	for (ui_spoke s = 0; s < _SPOKE_MAX; s++) {
		if (s == SPOKE_DISKS)
			continue;
		_cleanup_free_ char *sum = spoke_summary(s, c->m);
		buf_printf(&b, "\n%s: %s", _(spoke_title(s)), sum);
	}
	buf_append(&b, "\n");
	return buf_steal(&b);
}

int page_summary(ui_ctx *c)
{
	_cleanup_free_ char *err = NULL;
	size_t nd = 0;
	_cleanup_free_ char *text = summary_text(c, &nd, &err);
	if (!text) {
		ui_message(_("Summary"), err);
		return UI_BACK;
	}
	_cleanup_strv_free_ char **lines = xzalloc(sizeof(char *));
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		strv_push(&lines, xstrndup(p, n));
		p += n + (p[n] == '\n');
	}
	size_t n = strv_length(lines), top = 0;
	ui_field word = {0};
	const bool save = c->o->save_answers;
	for (;;) {
		ui_frame(N_("Summary"), sum_help);
		int h = LINES - 8;
		if (top + h > n)
			top = n > (size_t)h ? n - h : 0;
		for (int r = 0; r < h && top + r < n; r++) {
			size_t li = top + r, first = save ? 3 : 2;
			bool warn = li >= first && li < first + nd;
			if (warn)
				ui_attr_on(UIA_WARN);
			ui_put(2 + r, 1, COLS - 2, lines[top + r], false);
			if (warn)
				ui_attr_off(UIA_WARN);
		}
		if (top + h < n)
			ui_put(2 + h - 1, COLS - 2, 1, "v", false);
		_cleanup_free_ char *prompt =
			save ? xstrdup(_("Press Enter to save the answer file, Esc to go back."))
			     : xasprintf(
				       _("Type '%s' and press Enter to erase what is listed and install:"),
				       _("yes"));
		ui_attr_on(UIA_BOLD);
		ui_put(LINES - 5, 1, COLS - 2, prompt, false);
		ui_attr_off(UIA_BOLD);
		if (!save)
			ui_field_draw(&word, LINES - 4, 2, 20, true);
		int k = ui_getkey();
		switch (k) {
		case UIK_QUIT:
			return UI_QUIT;
		case UIK_ESC:
			return UI_BACK;
		case -KEY_UP:
			if (top > 0)
				top--;
			continue;
		case -KEY_DOWN:
			top++;
			continue;
		case -KEY_PPAGE:
			top = top > (size_t)h ? top - h : 0;
			continue;
		case -KEY_NPAGE:
			top += h;
			continue;
		case UIK_ENTER: {
			if (save)
				return UI_DONE;
			_cleanup_free_ char *w = ui_field_get(&word);
			if (strcmp(w, _("yes")) == 0)
				return UI_DONE;
			_cleanup_free_ char *m = xasprintf(
				_("Type '%s' to confirm, or press Esc to go back."), _("yes"));
			ui_message(_("Summary"), m);
			ui_field_wipe(&word);
			continue;
		}
		default:
			if (!save)
				ui_field_key(&word, k);
			continue;
		}
	}
}
