/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scrolling list, optionally with checkboxes. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "util.h"
#include "widget.h"

void ui_list_set(ui_list *l, char **items)
{
	ui_list_done(l);
	l->items = items;
	l->n = strv_length(items);
}

void ui_list_done(ui_list *l)
{
	strv_free(l->items);
	free(l->checked);
	*l = (ui_list){0};
}

size_t ui_list_find(const ui_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq_ptr(l->items[i], s))
			return i;
	return (size_t)-1;
}

static void scroll_into_view(ui_list *l, int h)
{
	if (h <= 0)
		return;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)h)
		l->top = l->sel - h + 1;
}

void ui_list_draw(ui_list *l, int y, int x, int h, int w, bool focus)
{
	if (l->sel >= l->n && l->n)
		l->sel = l->n - 1;
	scroll_into_view(l, h);
	for (int r = 0; r < h; r++) {
		size_t i = l->top + r;
		if (i >= l->n) {
			ui_put(y + r, x, w, "", true);
			continue;
		}
		bool cur = i == l->sel;
		if (cur)
			ui_attr_on(focus ? UIA_FOCUS : UIA_BOLD);
		int used = 0;
		ui_put(y + r, x, w, "", true);
		ui_put(y + r, x, 2, cur ? ">" : " ", true);
		used = 2;
		if (l->checked) {
			ui_put(y + r, x + used, 4, l->checked[i] ? "[x]" : "[ ]", true);
			used += 4;
		}
		ui_put(y + r, x + used, w - used, l->items[i], false);
		if (cur)
			ui_attr_off(focus ? UIA_FOCUS : UIA_BOLD);
	}
	/* A scroll hint instead of a scroll bar: works in ASCII too. */
	if (l->top > 0)
		ui_put(y, x + w - 1, 1, "^", false);
	if (l->top + h < l->n)
		ui_put(y + h - 1, x + w - 1, 1, "v", false);
}

bool ui_list_key(ui_list *l, int key, int h)
{
	if (l->n == 0)
		return false;
	size_t page = h > 1 ? (size_t)h - 1 : 1;
	switch (key) {
	case -KEY_UP:
		if (l->sel > 0)
			l->sel--;
		return true;
	case -KEY_DOWN:
		if (l->sel + 1 < l->n)
			l->sel++;
		return true;
	case -KEY_PPAGE:
		l->sel = l->sel > page ? l->sel - page : 0;
		return true;
	case -KEY_NPAGE:
		l->sel = l->sel + page < l->n ? l->sel + page : l->n - 1;
		return true;
	case -KEY_HOME:
		l->sel = 0;
		return true;
	case -KEY_END:
		l->sel = l->n - 1;
		return true;
	case ' ':
		if (l->checked) {
			l->checked[l->sel] = !l->checked[l->sel];
			return true;
		}
		return false;
	default:
		break;
	}
	if (key > ' ' && iswalnum((wint_t)key)) {
		/* Jump to the next item that starts with this letter. */
		for (size_t k = 1; k <= l->n; k++) {
			size_t i = (l->sel + k) % l->n;
			wchar_t first = 0;
			mbtowc(&first, l->items[i], strlen(l->items[i]));
			if (towlower(first) == towlower((wint_t)key)) {
				l->sel = i;
				return true;
			}
		}
	}
	return false;
}
