/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A one-line text field that scrolls horizontally; hidden fields draw
 * '*' and are wiped. Text is kept as wide characters so that the cursor
 * and the scroll work in columns, not bytes. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "util.h"
#include "widget.h"

void ui_field_set(ui_field *f, const char *utf8)
{
	bool hidden = f->hidden;
	ui_field_wipe(f);
	f->hidden = hidden;
	if (!utf8)
		return;
	mbstate_t st = {0};
	const char *p = utf8;
	size_t n = mbsrtowcs(f->buf, &p, UI_FIELD_MAX - 1, &st);
	f->len = n == (size_t)-1 ? 0 : n;
	f->buf[f->len] = 0;
	f->cur = f->len;
}

char *ui_field_get(const ui_field *f)
{
	size_t max = f->len * MB_CUR_MAX + 1;
	char *s = xmalloc(max);
	const wchar_t *p = f->buf;
	mbstate_t st = {0};
	size_t n = wcsrtombs(s, &p, max, &st);
	if (n == (size_t)-1)
		n = 0;
	s[n] = 0;
	return s;
}

azl_secret *ui_field_secret(const ui_field *f)
{
	if (f->len == 0)
		return NULL;
	char *s = ui_field_get(f);
	size_t n = strlen(s);
	azl_secret *sec = secret_new(s, n);
	wipe_memory(s, n);
	free(s);
	return sec;
}

void ui_field_wipe(ui_field *f)
{
	wipe_memory(f->buf, sizeof(f->buf));
	f->len = f->cur = f->scroll = 0;
}

static int wcol(const wchar_t *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; i++) {
		int c = wcwidth(s[i]);
		w += c < 0 ? 1 : c;
	}
	return w;
}

void ui_field_draw(ui_field *f, int y, int x, int w, bool focus)
{
	if (w < 4)
		return;
	/* Keep the cursor inside the visible part. */
	if (f->cur < f->scroll)
		f->scroll = f->cur;
	while (f->scroll < f->cur &&
	       (f->hidden ? (int)(f->cur - f->scroll)
			  : wcol(f->buf + f->scroll, f->cur - f->scroll)) >= w - 1)
		f->scroll++;
	attron(focus ? A_REVERSE : A_UNDERLINE);
	mvhline(y, x, ' ', w);
	int used = 0, curx = x;
	for (size_t i = f->scroll; i < f->len; i++) {
		wchar_t c = f->hidden ? L'*' : f->buf[i];
		int cw = wcwidth(c);
		if (cw < 0)
			cw = 1, c = L'?';
		if (i == f->cur)
			curx = x + used;
		if (used + cw > w)
			break;
		wchar_t one[2] = {c, 0};
		mvaddnwstr(y, x + used, one, 1);
		used += cw;
	}
	if (f->cur >= f->len)
		curx = x + used;
	attroff(focus ? A_REVERSE : A_UNDERLINE);
	if (focus && curx < x + w) {
		/* The cursor: a block, visible even with curs_set(0). */
		chtype under = mvinch(y, curx) & A_CHARTEXT;
		mvaddch(y, curx, under | A_UNDERLINE);
	}
	if (f->scroll > 0)
		mvaddch(y, x - 1, '<');
}

bool ui_field_key(ui_field *f, int key)
{
	switch (key) {
	case -KEY_LEFT:
		if (f->cur > 0)
			f->cur--;
		return true;
	case -KEY_RIGHT:
		if (f->cur < f->len)
			f->cur++;
		return true;
	case -KEY_HOME:
	case UIK_CTRL('a'):
		f->cur = 0;
		return true;
	case -KEY_END:
	case UIK_CTRL('e'):
		f->cur = f->len;
		return true;
	case -KEY_BACKSPACE:
		if (f->cur == 0)
			return true;
		f->cur--;
		/* fall through */
	case -KEY_DC:
		if (f->cur < f->len) {
			memmove(f->buf + f->cur, f->buf + f->cur + 1,
				(f->len - f->cur) * sizeof(wchar_t));
			f->len--;
		}
		return true;
	case UIK_CTRL('u'):
		ui_field_wipe(f);
		return true;
	default:
		break;
	}
	if (key >= ' ' && iswprint((wint_t)key)) {
		if (f->len + 1 >= UI_FIELD_MAX)
			return true;
		memmove(f->buf + f->cur + 1, f->buf + f->cur,
			(f->len - f->cur + 1) * sizeof(wchar_t));
		f->buf[f->cur++] = (wchar_t)key;
		f->len++;
		return true;
	}
	return false;
}
