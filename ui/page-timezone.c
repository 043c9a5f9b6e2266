/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time zone: regions on the left, the zones of a region on the right,
 * both read from /usr/share/zoneinfo. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char tz_help[] =
	N_("Up/Down choose  letter jump  Tab next  Enter done  Esc cancel  Ctrl-C quit");

static void load_cities(ui_list *cities, const char *region, const char *pick)
{
	ui_list_set(cities, zones_in_region(NULL, region));
	size_t i = pick ? ui_list_find(cities, pick) : (size_t)-1;
	cities->sel = i == (size_t)-1 ? 0 : i;
	cities->top = 0;
}

int page_timezone(ui_ctx *c)
{
	ui_list regions = {0}, cities = {0};
	ui_list_set(&regions, zones_regions(NULL));
	const char *tz = c->m->timezone ? c->m->timezone : "UTC";
	_cleanup_free_ char *region = xstrndup(tz, strcspn(tz, "/"));
	const char *city = strchr(tz, '/') ? strchr(tz, '/') + 1 : NULL;
	size_t r = ui_list_find(&regions, region);
	regions.sel = r == (size_t)-1 ? 0 : r;
	if (regions.n)
		load_cities(&cities, regions.items[regions.sel], city);
	int focus = city ? 1 : 0, result;
	for (;;) {
		ui_frame(N_("Time zone"), tz_help);
		int h = LINES - 9;
		ui_attr_on(UIA_BOLD);
		ui_put(2, 2, 24, _("Region"), false);
		ui_put(2, 28, 40, _("City"), false);
		ui_attr_off(UIA_BOLD);
		ui_list_draw(&regions, 4, 2, h, 24, focus == 0);
		ui_list_draw(&cities, 4, 28, h, 44, focus == 1);
		_cleanup_free_ char *zone = NULL;
		if (regions.n) {
			const char *reg = regions.items[regions.sel];
			zone = cities.n ? xasprintf("%s/%s", reg, cities.items[cities.sel])
					: xstrdup(reg);
		}
		_cleanup_free_ char *line = xasprintf(_("Time zone: %s"), zone ? zone : "-");
		ui_put(LINES - 5, 2, COLS - 4, line, false);
		int bx = 2;
		bx += ui_button_draw(LINES - 4, bx, _("Done"), focus == 2, !zone) + 2;
		ui_button_draw(LINES - 4, bx, _("Cancel"), focus == 3, false);
		int key = ui_getkey();
		if (key == UIK_QUIT) {
			result = UI_QUIT;
			break;
		}
		if (key == UIK_ESC || (key == UIK_ENTER && focus == 3)) {
			result = UI_BACK;
			break;
		}
		if (key == UIK_ENTER && focus == 0 && cities.n) {
			focus = 1;
			continue;
		}
		if (key == UIK_ENTER && zone) {
			free(c->m->timezone);
			c->m->timezone = TAKE_PTR(zone);
			result = UI_DONE;
			break;
		}
		if (key == UIK_TAB || key == -KEY_BTAB) {
			focus = (focus + (key == UIK_TAB ? 1 : 3)) % 4;
			if (focus == 1 && !cities.n)
				focus = key == UIK_TAB ? 2 : 0;
			continue;
		}
		if (focus >= 2 && (key == -KEY_LEFT || key == -KEY_RIGHT)) {
			focus = focus == 2 ? 3 : 2;
			continue;
		}
		if (focus == 0) {
			size_t before = regions.sel;
			ui_list_key(&regions, key, h);
			if (regions.sel != before)
				load_cities(&cities, regions.items[regions.sel], NULL);
		} else if (focus == 1)
			ui_list_key(&cities, key, h);
	}
	ui_list_done(&regions);
	ui_list_done(&cities);
	return result;
}
