/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The terminal and the primitives every widget draws with. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"
#include "widget.h"

static SCREEN *screen;
static FILE *term_out;
static bool ascii_lines;
static bool colours;
static const char *frame_help;
static const char *quit_question;

enum { PAIR_TITLE = 1, PAIR_WARN = 2 };

int ui_term_start(void)
{
	int fd = dup(STDOUT_FILENO);
	if (fd < 0)
		return -errno;
	term_out = fdopen(fd, "w");
	if (!term_out) {
		int r = -errno;
		close(fd);
		return r;
	}
	const char *term = getenv("TERM");
	screen = newterm(term && *term ? term : "vt100", term_out, stdin);
	if (!screen) {
		fclose(term_out);
		term_out = NULL;
		return -ENOTTY;
	}
	set_term(screen);
	raw(); /* Ctrl-C is a key: every screen asks before quitting */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	const char *acsc = tigetstr("acsc");
	const char *force = getenv("AZL_TUI_ASCII");
	ascii_lines = (force && strcmp(force, "1") == 0) || !acsc || acsc == (char *)-1 || !*acsc;
	colours = has_colors() && !getenv("NO_COLOR");
	if (colours) {
		start_color();
		use_default_colors();
		init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_WARN, COLOR_RED, -1);
	}
	return 0;
}

void ui_term_stop(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
	fclose(term_out);
	term_out = NULL;
}

bool ui_ascii(void)
{
	return ascii_lines;
}

int ui_lines(void)
{
	return LINES;
}

int ui_cols(void)
{
	return COLS;
}

bool ui_too_small(void)
{
	return LINES < 24 || COLS < 80;
}

void ui_set_quit_question(const char *question)
{
	quit_question = question;
}

static int read_key(bool wait)
{
	wint_t wc;
	nodelay(stdscr, !wait);
	int r = wget_wch(stdscr, &wc);
	nodelay(stdscr, FALSE);
	if (r == ERR)
		return 0;
	if (r == KEY_CODE_YES)
		return -(int)wc;
	/* Some terminals send DEL for backspace, some ^H. */
	if (wc == 127 || wc == 8)
		return -KEY_BACKSPACE;
	if (wc == '\r')
		return UIK_ENTER;
	return (int)wc;
}

static int filter_key(int k)
{
	if (k == UIK_CTRL('c')) {
		if (ui_ask(_("Quit"),
			   quit_question
				   ? quit_question
				   : _("Quit the installer? Nothing has been written to any disk.")))
			return UIK_QUIT;
		return -KEY_REFRESH;
	}
	if (k == -KEY_F(1)) {
		ui_message(_("Keys"), frame_help ? _(frame_help) : "");
		return -KEY_REFRESH;
	}
	return k;
}

int ui_getkey(void)
{
	ui_refresh();
	return filter_key(read_key(true));
}

int ui_pollkey(void)
{
	int k = read_key(false);
	return k ? filter_key(k) : 0;
}

/* --- drawing ---------------------------------------------------------- */

int ui_width(const char *s)
{
	mbstate_t st = {0};
	int w = 0;
	const char *p = s;
	size_t left = strlen(s);
	while (left > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			n = 1;
			wc = '?';
		}
		int cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		p += n;
		left -= n;
	}
	return w;
}

int ui_put(int y, int x, int w, const char *s, bool pad)
{
	if (w <= 0 || y < 0 || y >= LINES)
		return 0;
	mbstate_t st = {0};
	const char *p = s ? s : "";
	size_t left = strlen(p);
	int used = 0;
	move(y, x);
	while (left > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			n = 1;
			wc = '?';
		}
		if (wc == '\n' || wc == '\t')
			wc = ' ';
		int cw = wcwidth(wc);
		if (cw < 0) {
			wc = '?';
			cw = 1;
		}
		if (used + cw > w)
			break;
		wchar_t one[2] = {wc, 0};
		addnwstr(one, 1);
		used += cw;
		p += n;
		left -= n;
	}
	if (pad)
		for (int i = used; i < w; i++)
			addch(' ');
	return used;
}

static attr_t attr_of(int what)
{
	attr_t a = 0;
	if (what & UIA_TITLE)
		a |= colours ? COLOR_PAIR(PAIR_TITLE) | A_BOLD : A_REVERSE | A_BOLD;
	if (what & UIA_FOCUS)
		a |= A_REVERSE;
	if (what & UIA_BOLD)
		a |= A_BOLD;
	if (what & UIA_DIM)
		a |= A_DIM;
	if (what & UIA_WARN)
		a |= A_BOLD | (colours ? COLOR_PAIR(PAIR_WARN) : 0);
	return a;
}

void ui_attr_on(int what)
{
	attron(attr_of(what));
}

void ui_attr_off(int what)
{
	attroff(attr_of(what));
}

void ui_hline(int y, int x, int w)
{
	if (ascii_lines)
		mvhline(y, x, '-', w);
	else
		mvhline(y, x, ACS_HLINE, w);
}

void ui_box(int y, int x, int h, int w)
{
	chtype hl = ascii_lines ? '-' : ACS_HLINE;
	chtype vl = ascii_lines ? '|' : ACS_VLINE;
	chtype tl = ascii_lines ? '+' : ACS_ULCORNER;
	chtype tr = ascii_lines ? '+' : ACS_URCORNER;
	chtype bl = ascii_lines ? '+' : ACS_LLCORNER;
	chtype br = ascii_lines ? '+' : ACS_LRCORNER;
	for (int r = y; r < y + h; r++)
		mvhline(r, x, ' ', w);
	mvhline(y, x + 1, hl, w - 2);
	mvhline(y + h - 1, x + 1, hl, w - 2);
	mvvline(y + 1, x, vl, h - 2);
	mvvline(y + 1, x + w - 1, vl, h - 2);
	mvaddch(y, x, tl);
	mvaddch(y, x + w - 1, tr);
	mvaddch(y + h - 1, x, bl);
	mvaddch(y + h - 1, x + w - 1, br);
}

void ui_frame(const char *title, const char *help)
{
	frame_help = help;
	erase();
	ui_attr_on(UIA_TITLE);
	ui_put(0, 0, COLS, "", true);
	ui_put(0, 1, COLS - 2, _("Azure Linux 4.0 installer"), false);
	if (title) {
		int w = ui_width(_(title));
		ui_put(0, COLS - w - 1 > 30 ? COLS - w - 1 : 30, COLS - 31, _(title), false);
	}
	ui_attr_off(UIA_TITLE);
	if (ui_too_small()) {
		ui_attr_on(UIA_WARN);
		ui_put(1, 0, COLS, _("The terminal is smaller than 80x24."), true);
		ui_attr_off(UIA_WARN);
	}
	ui_attr_on(UIA_DIM);
	ui_hline(LINES - 2, 0, COLS);
	ui_attr_off(UIA_DIM);
	if (help)
		ui_put(LINES - 1, 0, COLS - 1, _(help), true);
}

void ui_refresh(void)
{
	refresh();
}

int ui_wrap(int y, int x, int w, int max_rows, const char *text)
{
	int rows = 0;
	const char *p = text ? text : "";
	while (*p && rows < max_rows) {
		/* One output line: words until the width is used. */
		_cleanup_free_ char *line = xmalloc(strlen(p) + 1);
		size_t ln = 0;
		int lw = 0;
		while (*p && *p != '\n') {
			size_t sp = strspn(p, " ");
			size_t wl = strcspn(p + sp, " \n");
			_cleanup_free_ char *word = xstrndup(p + sp, wl);
			int ww = ui_width(word);
			if (ln > 0 && lw + 1 + ww > w)
				break;
			if (ln > 0) {
				line[ln++] = ' ';
				lw++;
			}
			memcpy(line + ln, word, wl);
			ln += wl;
			lw += ww;
			p += sp + wl;
			if (ww > w)
				break;
		}
		line[ln] = 0;
		if (*p == '\n')
			p++;
		else
			p += strspn(p, " ");
		ui_put(y + rows, x, w, line, false);
		rows++;
	}
	return rows;
}
