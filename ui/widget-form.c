/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Forms: a column of labelled fields, checkboxes and choices, with the
 * buttons on one row below them (nmtui's editor layout). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"
#include "widget.h"

ui_item *ui_form_add(ui_form *f, ui_item_kind kind, const char *label)
{
	/* Fixed room: pages keep pointers to their items. */
	if (!f->items)
		f->items = xcalloc(UI_FORM_MAX, sizeof(*f->items));
	if (f->n >= UI_FORM_MAX)
		abort();
	ui_item *it = &f->items[f->n++];
	it->kind = kind;
	it->label = label;
	return it;
}

void ui_form_done(ui_form *f)
{
	for (size_t i = 0; i < f->n; i++)
		ui_field_wipe(&f->items[i].field);
	free(f->items);
	*f = (ui_form){0};
}

static bool focusable(const ui_item *it)
{
	return it->kind != UI_ITEM_LABEL && !it->disabled && !it->hidden;
}

static void fix_focus(ui_form *f)
{
	if (f->focus < f->n && focusable(&f->items[f->focus]))
		return;
	for (size_t i = 0; i < f->n; i++)
		if (focusable(&f->items[i])) {
			f->focus = i;
			return;
		}
}

void ui_form_draw(ui_form *f, int y, int x, int w)
{
	fix_focus(f);
	int lw = f->label_w ? f->label_w : 26;
	int row = y, bx = x;
	bool any_button = false;
	for (size_t i = 0; i < f->n; i++) {
		ui_item *it = &f->items[i];
		bool foc = i == f->focus;
		if (it->hidden || it->kind == UI_ITEM_BUTTON)
			continue;
		if (it->kind == UI_ITEM_LABEL) {
			/* A label without a msgid shows its note: text the
			 * page computes (a strength hint, a reason). */
			ui_put(row++, x, w,
			       it->label  ? _(it->label)
			       : it->note ? it->note
					  : "",
			       false);
			continue;
		}
		if (it->disabled)
			ui_attr_on(UIA_DIM);
		ui_put(row, x, lw, _(it->label), false);
		int wx = x + lw + 1, ww = w - lw - 1;
		switch (it->kind) {
		case UI_ITEM_FIELD:
			ui_field_draw(&it->field, row, wx, ww > 40 ? 40 : ww, foc);
			if (it->note && ww > 42)
				ui_put(row, wx + 41, ww - 41, it->note, false);
			break;
		case UI_ITEM_CHECK:
			if (foc)
				ui_attr_on(UIA_FOCUS);
			ui_put(row, wx, 3, it->on ? "[x]" : "[ ]", false);
			if (foc)
				ui_attr_off(UIA_FOCUS);
			if (it->note)
				ui_put(row, wx + 4, ww - 4, it->note, false);
			break;
		case UI_ITEM_CHOICE: {
			const char *c = it->n_choices ? _(it->choices[it->choice]) : "";
			_cleanup_free_ char *t = xasprintf("< %s >", c);
			if (foc)
				ui_attr_on(UIA_FOCUS);
			ui_put(row, wx, ww, t, false);
			if (foc)
				ui_attr_off(UIA_FOCUS);
			break;
		}
		default:
			break;
		}
		if (it->disabled)
			ui_attr_off(UIA_DIM);
		row++;
	}
	for (size_t i = 0; i < f->n; i++) {
		ui_item *it = &f->items[i];
		if (it->hidden || it->kind != UI_ITEM_BUTTON)
			continue;
		if (!any_button)
			row++;
		any_button = true;
		bx += ui_button_draw(row, bx, _(it->label), i == f->focus, it->disabled) + 2;
	}
}

static void move_focus(ui_form *f, int dir)
{
	for (size_t k = 1; k <= f->n; k++) {
		size_t i = (f->focus + f->n + dir * (int)k) % f->n;
		if (focusable(&f->items[i])) {
			f->focus = i;
			return;
		}
	}
}

int ui_form_key(ui_form *f, int key)
{
	fix_focus(f);
	if (f->focus >= f->n)
		return -2;
	ui_item *it = &f->items[f->focus];
	switch (key) {
	case UIK_TAB:
	case -KEY_DOWN:
		move_focus(f, 1);
		return -1;
	case -KEY_BTAB:
	case -KEY_UP:
		move_focus(f, -1);
		return -1;
	default:
		break;
	}
	switch (it->kind) {
	case UI_ITEM_FIELD:
		if (key == UIK_ENTER) {
			move_focus(f, 1);
			return -1;
		}
		return ui_field_key(&it->field, key) ? -1 : -2;
	case UI_ITEM_CHECK:
		if (key == ' ' || key == UIK_ENTER) {
			it->on = !it->on;
			return -1;
		}
		return -2;
	case UI_ITEM_CHOICE:
		if (!it->n_choices)
			return -2;
		if (key == ' ' || key == -KEY_RIGHT || key == UIK_ENTER) {
			it->choice = (it->choice + 1) % it->n_choices;
			return -1;
		}
		if (key == -KEY_LEFT) {
			it->choice = (it->choice + it->n_choices - 1) % it->n_choices;
			return -1;
		}
		return -2;
	case UI_ITEM_BUTTON:
		if (key == UIK_ENTER || key == ' ')
			return (int)f->focus;
		if (key == -KEY_RIGHT) {
			move_focus(f, 1);
			return -1;
		}
		if (key == -KEY_LEFT) {
			move_focus(f, -1);
			return -1;
		}
		return -2;
	default:
		return -2;
	}
}
