/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hub: every spoke with its state, and Begin, which stays disabled
 * while a spoke is incomplete. */
#include <curses.h>
#include <stdlib.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char hub_help[] =
	N_("Up/Down move  Enter open  Tab buttons  b begin  q quit  F1 keys");

typedef int (*page_fn)(ui_ctx *c);
static const page_fn spoke_pages[_SPOKE_MAX] = {
	[SPOKE_LANGUAGE] = page_language, [SPOKE_TIMEZONE] = page_timezone,
	[SPOKE_DISKS] = page_disks,	  [SPOKE_PASSPHRASE] = page_passphrase,
	[SPOKE_NETWORK] = page_network,	  [SPOKE_ACCOUNTS] = page_accounts,
	[SPOKE_SOFTWARE] = page_software,
};

int page_hub(ui_ctx *c)
{
	size_t sel = 0;
	int focus = 0; /* 0 spokes, 1 Begin, 2 Quit */
	for (;;) {
		ui_spoke shown[_SPOKE_MAX];
		bool complete[_SPOKE_MAX];
		char *reason[_SPOKE_MAX] = {0};
		size_t n = 0;
		bool all = true;
		for (ui_spoke s = 0; s < _SPOKE_MAX; s++) {
			char *why = NULL;
			bool ok = spoke_status(s, c->m, c->machine, &why);
			all = all && ok;
			/* A spoke the answer file hides is shown anyway when
			 * it is incomplete: Begin could never be reached. */
			if (spoke_shown(s, c->m->interactive) || !ok) {
				shown[n] = s;
				complete[n] = ok;
				reason[n] = why;
				n++;
			} else
				free(why);
		}
		if (sel >= n)
			sel = n ? n - 1 : 0;

		ui_frame(N_("Installation summary"), hub_help);
		ui_attr_on(UIA_BOLD);
		ui_put(2, 2, COLS - 4, _("Installation summary"), false);
		ui_attr_off(UIA_BOLD);
		int row = 4;
		for (size_t i = 0; i < n; i++) {
			bool cur = focus == 0 && i == sel;
			_cleanup_free_ char *sum = spoke_summary(shown[i], c->m);
			if (!complete[i])
				ui_attr_on(UIA_WARN);
			ui_put(row, 2, 4, complete[i] ? "[x]" : "[!]", false);
			if (!complete[i])
				ui_attr_off(UIA_WARN);
			if (cur)
				ui_attr_on(UIA_FOCUS);
			ui_put(row, 6, 29, _(spoke_title(shown[i])), true);
			if (cur)
				ui_attr_off(UIA_FOCUS);
			ui_put(row, 36, COLS - 38, sum, false);
			row++;
		}
		row++;
		const char *begin =
			c->o->save_answers ? _("Save answer file") : _("Begin installation");
		int bx = 6;
		bx += ui_button_draw(row, bx, begin, focus == 1, !all) + 3;
		ui_button_draw(row, bx, _("Quit"), focus == 2, false);
		row += 2;
		if (n > 0 && !complete[sel]) {
			ui_attr_on(UIA_WARN);
			ui_wrap(row, 2, COLS - 4, 3, reason[sel]);
			ui_attr_off(UIA_WARN);
		} else if (!all) {
			ui_wrap(row, 2, COLS - 4, 3,
				_("Spokes marked [!] need attention before the installation can begin."));
		} else
			ui_wrap(row, 2, COLS - 4, 3,
				_("Everything is ready. Begin shows the summary of what will be erased and asks for a confirmation."));
		for (size_t i = 0; i < n; i++)
			free(reason[i]);

		int k = ui_getkey();
		if (k == UIK_QUIT)
			return UI_QUIT;
		int open = -1;
		switch (k) {
		case -KEY_UP:
			if (focus == 0 && sel > 0)
				sel--;
			else if (focus > 0)
				focus = 0;
			break;
		case -KEY_DOWN:
			if (focus == 0 && sel + 1 < n)
				sel++;
			else if (focus == 0)
				focus = all ? 1 : 2;
			break;
		case UIK_TAB:
			focus = focus == 0 ? (all ? 1 : 2) : focus == 1 ? 2 : 0;
			break;
		case -KEY_BTAB:
			focus = focus == 0 ? 2 : focus == 2 && all ? 1 : 0;
			break;
		case -KEY_LEFT:
		case -KEY_RIGHT:
			if (focus > 0)
				focus = focus == 1 ? 2 : (all ? 1 : 2);
			break;
		case 'q':
		case 'Q':
			if (ui_ask(_("Quit"),
				   _("Quit the installer? Nothing has been written to any disk.")))
				return UI_QUIT;
			break;
		case 'b':
		case 'B':
			focus = 1;
			/* fall through */
		case UIK_ENTER:
		case ' ':
			if (focus == 0 && n > 0)
				open = shown[sel];
			else if (focus == 2) {
				if (ui_ask(_("Quit"),
					   _("Quit the installer? Nothing has been written to any disk.")))
					return UI_QUIT;
			} else if (focus == 1 && all) {
				int r = page_summary(c);
				if (r == UI_QUIT)
					return UI_QUIT;
				if (r == UI_DONE)
					return UI_DONE;
			} else if (focus == 1) {
				ui_message(
					_("Not ready"),
					_("Some spokes are incomplete (marked [!]); open them first."));
				focus = 0;
			}
			break;
		default:
			break;
		}
		if (open >= 0) {
			int r = spoke_pages[open](c);
			if (r == UI_QUIT)
				return UI_QUIT;
		}
	}
}
