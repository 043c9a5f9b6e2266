/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dialogs: a message, a yes/no question, a one-line input, a pager. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "i18n.h"
#include "util.h"
#include "widget.h"

/* Draws a centred box with the title and wrapped text; returns the row
 * below the text. */
static int dialog_box(const char *title, const char *text, int extra_rows, int *ret_x, int *ret_w)
{
	int w = COLS - 10 > 70 ? 70 : COLS - 10;
	if (w < 20)
		w = COLS;
	int h = 4 + extra_rows;
	/* Count the wrapped rows by drawing off screen first is not
	 * possible with stdscr; estimate from widths instead. */
	int rows = 0;
	{
		const char *p = text ? text : "";
		while (*p) {
			size_t n = strcspn(p, "\n");
			_cleanup_free_ char *line = xstrndup(p, n);
			int lw = ui_width(line);
			rows += lw / (w - 4) + 1;
			p += n + (p[n] == '\n');
		}
	}
	if (rows > LINES - 8)
		rows = LINES - 8;
	h += rows;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	if (y < 0)
		y = 0;
	ui_box(y, x, h, w);
	ui_attr_on(UIA_BOLD);
	_cleanup_free_ char *t = xasprintf(" %s ", title);
	ui_put(y, x + 2, w - 4, t, false);
	ui_attr_off(UIA_BOLD);
	int used = ui_wrap(y + 2, x + 2, w - 4, rows + 1, text);
	*ret_x = x;
	*ret_w = w;
	return y + 2 + (used > rows ? used : rows);
}

void ui_message(const char *title, const char *text)
{
	for (;;) {
		int x, w;
		int row = dialog_box(title, text, 1, &x, &w);
		ui_button_draw(row, x + (w - 8) / 2, _("OK"), true, false);
		refresh();
		wint_t wc;
		int r = wget_wch(stdscr, &wc);
		if (r == KEY_CODE_YES && wc == KEY_RESIZE)
			continue;
		if (r == ERR)
			continue;
		return;
	}
}

static bool is_yes(wint_t wc)
{
	/* y always works; also the first letter of the translated "yes". */
	const char *yes = _("yes");
	wchar_t first = 0;
	mbtowc(&first, yes, strlen(yes));
	return towlower(wc) == L'y' || (first && towlower(wc) == (wint_t)towlower(first));
}

bool ui_ask(const char *title, const char *text)
{
	for (;;) {
		int x, w;
		int row = dialog_box(title, text, 1, &x, &w);
		_cleanup_free_ char *hint = xasprintf("%s / %s", _("y: yes"), _("n: no"));
		ui_put(row, x + 2, w - 4, hint, false);
		refresh();
		wint_t wc;
		int r = wget_wch(stdscr, &wc);
		if (r == ERR || (r == KEY_CODE_YES && wc == KEY_RESIZE))
			continue;
		if (r == KEY_CODE_YES)
			continue;
		if (is_yes(wc))
			return true;
		if (towlower(wc) == L'n' || wc == 27 || wc == 3 || wc == '\r' || wc == '\n')
			return false;
		/* The first letter of the translated "no" answers no, too. */
		const char *no = _("no");
		wchar_t first = 0;
		mbtowc(&first, no, strlen(no));
		if (first && towlower(wc) == (wint_t)towlower(first))
			return false;
	}
}

char *ui_input(const char *title, const char *prompt, const char *initial)
{
	ui_field f = {0};
	ui_field_set(&f, initial);
	for (;;) {
		int x, w;
		int row = dialog_box(title, prompt, 3, &x, &w);
		ui_put(row + 2, x + 2, w - 4, _("Enter: OK   Esc: cancel"), false);
		ui_field_draw(&f, row, x + 2, w - 4, true);
		int k = ui_getkey();
		if (k == UIK_ESC || k == UIK_QUIT) {
			ui_field_wipe(&f);
			return NULL;
		}
		if (k == UIK_ENTER) {
			char *s = ui_field_get(&f);
			ui_field_wipe(&f);
			return s;
		}
		ui_field_key(&f, k);
	}
}

int ui_pager(const char *title, const char *text, const char *help)
{
	_cleanup_strv_free_ char **lines = xzalloc(sizeof(char *));
	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, "\n");
		strv_push(&lines, xstrndup(p, n));
		p += n + (p[n] == '\n');
	}
	size_t n = strv_length(lines), top = 0;
	for (;;) {
		ui_frame(title,
			 help ? help
			      : N_("Up/Down PgUp/PgDn scroll  Enter/Esc/q back  Ctrl-C quit"));
		int h = LINES - 4;
		if (top + h > n)
			top = n > (size_t)h ? n - h : 0;
		for (int r = 0; r < h && top + r < n; r++)
			ui_put(2 + r, 1, COLS - 2, lines[top + r], false);
		int k = ui_getkey();
		switch (k) {
		case UIK_QUIT:
			return UI_QUIT;
		case UIK_ENTER:
		case UIK_ESC:
		case 'q':
			return UI_BACK;
		case -KEY_UP:
			if (top > 0)
				top--;
			break;
		case -KEY_DOWN:
			top++;
			break;
		case -KEY_PPAGE:
			top = top > (size_t)h ? top - h : 0;
			break;
		case -KEY_NPAGE:
		case ' ':
			top += h;
			break;
		case -KEY_END:
			top = n;
			break;
		case -KEY_HOME:
			top = 0;
			break;
		default:
			break;
		}
	}
}
