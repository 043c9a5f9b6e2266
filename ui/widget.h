/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The installer's small widget layer over ncursesw (the only library the
 * ui/ folder talks to): screen frame and help line, a scrolling list, a
 * text field (also hidden, for passwords), buttons, forms and dialogs.
 * Pages (ui/page-*.c) build on these and never call curses for layout of
 * their own beyond placing widgets.
 *
 * Keys come from ui_getkey(): characters as their (wide) code point,
 * function keys as negative curses KEY_* codes, UIK_QUIT when the user
 * pressed Ctrl-C and answered yes to "quit?".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "secret.h"

#define UIK_QUIT    (-0x7ff0)
#define UIK_CTRL(c) ((c)&0x1f)
#define UIK_ESC	    27
#define UIK_TAB	    '\t'
#define UIK_ENTER   '\n'

/* Page results. */
enum { UI_BACK = 0, UI_DONE = 1, UI_QUIT = 2 };

/* --- terminal --------------------------------------------------------- */

/* Starts curses on a copy of stdout (so stdout/stderr can be captured
 * while the install runs). Returns 0 or -errno. */
int ui_term_start(void);
void ui_term_stop(void);
/* ASCII line drawing: when the terminal has no acsc capability, or when
 * AZL_TUI_ASCII=1. */
bool ui_ascii(void);
int ui_lines(void);
int ui_cols(void);
/* Next key; handles Ctrl-C ("quit?") and F1/? help with the page's help
 * text given to ui_frame(). */
int ui_getkey(void);
/* Non-blocking: a key or 0 when none is waiting. */
int ui_pollkey(void);
/* What Ctrl-C asks; NULL restores "quit the installer?". */
void ui_set_quit_question(const char *question);

/* --- drawing ---------------------------------------------------------- */

/* Columns the UTF-8 string takes on screen (wcswidth). */
int ui_width(const char *s);
/* Prints s at (y, x) within w columns, cutting at a character boundary
 * and padding with blanks when pad. Returns the columns used. */
int ui_put(int y, int x, int w, const char *s, bool pad);
void ui_attr_on(int what);
void ui_attr_off(int what);
enum { UIA_TITLE = 1, UIA_FOCUS = 2, UIA_BOLD = 4, UIA_DIM = 8, UIA_WARN = 16 };
/* Clears the screen, draws the title bar, a rule and the help line at
 * the bottom; the help text is also what F1 shows. */
void ui_frame(const char *title, const char *help);
void ui_hline(int y, int x, int w);
void ui_box(int y, int x, int h, int w);
void ui_refresh(void);
/* Word-wraps text into w columns from row y; returns rows used (at most
 * max_rows). */
int ui_wrap(int y, int x, int w, int max_rows, const char *text);
/* True when the terminal is smaller than 80x24: a notice is drawn
 * instead of the page. */
bool ui_too_small(void);

/* --- list ------------------------------------------------------------- */

typedef struct ui_list {
	char **items;  /* strv, owned */
	bool *checked; /* NULL: no checkboxes */
	size_t n;
	size_t sel, top;
} ui_list;

void ui_list_set(ui_list *l, char **items); /* takes ownership */
void ui_list_done(ui_list *l);
void ui_list_draw(ui_list *l, int y, int x, int h, int w, bool focus);
/* Moves or toggles; true when the key was used. A letter jumps to the
 * next item starting with it. */
bool ui_list_key(ui_list *l, int key, int h);
/* Index of the item equal to s, or (size_t)-1. */
size_t ui_list_find(const ui_list *l, const char *s);

/* --- text field ------------------------------------------------------- */

#define UI_FIELD_MAX 1024
typedef struct ui_field {
	wchar_t buf[UI_FIELD_MAX];
	size_t len, cur, scroll;
	bool hidden; /* drawn as '*'; wiped when done */
} ui_field;

void ui_field_set(ui_field *f, const char *utf8);
char *ui_field_get(const ui_field *f); /* allocated UTF-8 */
/* The hidden field's text as a secret; NULL when empty. */
azl_secret *ui_field_secret(const ui_field *f);
void ui_field_wipe(ui_field *f);
void ui_field_draw(ui_field *f, int y, int x, int w, bool focus);
bool ui_field_key(ui_field *f, int key);

/* --- button ----------------------------------------------------------- */

/* Draws "< label >"; returns its width. */
int ui_button_draw(int y, int x, const char *label, bool focus, bool disabled);

/* --- form: labelled rows of fields, checkboxes, choices, buttons ------ */

typedef enum ui_item_kind {
	UI_ITEM_LABEL,
	UI_ITEM_FIELD,
	UI_ITEM_CHECK,
	UI_ITEM_CHOICE,
	UI_ITEM_BUTTON,
} ui_item_kind;

typedef struct ui_item {
	ui_item_kind kind;
	const char *label; /* msgid; translated when drawn */
	ui_field field;
	bool on;
	const char *const *choices; /* msgids */
	size_t n_choices, choice;
	bool disabled, hidden;
	const char *note; /* shown after the widget, already translated */
} ui_item;

typedef struct ui_form {
	ui_item *items;
	size_t n;
	size_t focus;
	int label_w;
} ui_form;

/* A form holds at most UI_FORM_MAX items; the pointer returned stays
 * valid until ui_form_done(). */
#define UI_FORM_MAX 32
ui_item *ui_form_add(ui_form *f, ui_item_kind kind, const char *label);
void ui_form_done(ui_form *f);
/* Rows are laid out from y; buttons share the last row. */
void ui_form_draw(ui_form *f, int y, int x, int w);
/* Returns the index of a button activated with Enter, -1 when the key
 * was used otherwise, -2 when it was not used. */
int ui_form_key(ui_form *f, int key);

/* --- dialogs ---------------------------------------------------------- */

void ui_message(const char *title, const char *text);
/* y/n question; true for yes. Ctrl-C inside counts as no. */
bool ui_ask(const char *title, const char *text);
/* A one-line input dialog; returns the text (allocated) or NULL when
 * cancelled. */
char *ui_input(const char *title, const char *prompt, const char *initial);
/* A scrolling view of text (the plan, the log); returns on Esc/Enter/q. */
int ui_pager(const char *title, const char *text, const char *help);
