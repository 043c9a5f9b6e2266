/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Software: the groups of the repository's comps, as checkboxes. Plain
 * package names of the answer file are kept. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char sw_help[] = N_("Space select  Enter done  Esc cancel  F1 keys  Ctrl-C quit");

int page_software(ui_ctx *c)
{
	if (!c->groups || c->n_groups == 0) {
		_cleanup_free_ char *t = xasprintf(
			"%s\n\n%s",
			c->groups_error ? c->groups_error : _("The repository offers no groups."),
			_("The package list of the answer file is kept."));
		ui_message(_("Software"), t);
		return UI_BACK;
	}
	ui_list l = {0};
	char **v = xzalloc(sizeof(char *));
	size_t *idx = xcalloc(c->n_groups + 1, sizeof(size_t));
	for (size_t i = 0; i < c->n_groups; i++) {
		if (!c->groups[i].visible)
			continue;
		idx[strv_length(v)] = i;
		strv_push(&v, xasprintf("%-20s %s", c->groups[i].name,
					c->groups[i].description ? c->groups[i].description : ""));
	}
	ui_list_set(&l, v);
	l.checked = xcalloc(l.n + 1, sizeof(bool));
	for (size_t i = 0; i < l.n; i++)
		l.checked[i] = packages_has_group(&c->m->packages, c->groups[idx[i]].id);
	int result;
	for (;;) {
		ui_frame(N_("Software"), sw_help);
		ui_attr_on(UIA_BOLD);
		ui_put(2, 2, COLS - 4, _("Package groups to install:"), false);
		ui_attr_off(UIA_BOLD);
		int h = LINES - 8;
		ui_list_draw(&l, 4, 2, h, COLS - 4, true);
		int k = ui_getkey();
		if (k == UIK_QUIT) {
			result = UI_QUIT;
			break;
		}
		if (k == UIK_ESC) {
			result = UI_BACK;
			break;
		}
		if (k == UIK_ENTER) {
			_cleanup_strv_free_ char **ids = xzalloc(sizeof(char *));
			for (size_t i = 0; i < l.n; i++)
				if (l.checked[i])
					strv_push(&ids, xstrdup(c->groups[idx[i]].id));
			packages_set_groups(&c->m->packages, ids);
			c->m->has_packages = true;
			result = UI_DONE;
			break;
		}
		ui_list_key(&l, k, h);
	}
	free(idx);
	ui_list_done(&l);
	return result;
}
