/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Language and keyboard. Moving in the language list switches the UI's
 * language at once; Cancel switches back. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

/* Each language's own name for itself; never translated. */
static const struct {
	const char *locale;
	const char *name;
	bool ui; /* the installer has a catalog for it */
} languages[] = {
	{"en_US.UTF-8", "English (United States)", true},
	{"en_GB.UTF-8", "English (United Kingdom)", true},
	{"de_DE.UTF-8", "Deutsch (Deutschland)", true},
	{"de_AT.UTF-8", "Deutsch (Österreich)", true},
	{"de_CH.UTF-8", "Deutsch (Schweiz)", true},
	{"fr_FR.UTF-8", "Français (France)", true},
	{"fr_CA.UTF-8", "Français (Canada)", true},
	{"es_ES.UTF-8", "Español (España)", false},
	{"ja_JP.UTF-8", "日本語 (日本)", false},
	{"zh_CN.UTF-8", "中文 (中国)", false},
};

static const char *const keymaps[] = {
	"us", "uk", "de",    "de-nodeadkeys", "ch", "fr", "fr-latin9", "ca",
	"es", "it", "jp106", "dvorak",	      "se", "no", "pl",
};

static const char lang_help[] =
	N_("Up/Down choose  Tab next  Enter done  Esc cancel  F1 keys  Ctrl-C quit");

int page_language(ui_ctx *c)
{
	ui_list langs = {0}, kbds = {0};
	char **v = xzalloc(sizeof(char *));
	for (size_t i = 0; i < ELEMENTSOF(languages); i++)
		strv_push(&v, xasprintf("%s  %s", languages[i].name, languages[i].locale));
	ui_list_set(&langs, v);
	v = xzalloc(sizeof(char *));
	for (size_t i = 0; i < ELEMENTSOF(keymaps); i++)
		strv_push(&v, xstrdup(keymaps[i]));
	ui_list_set(&kbds, v);
	/* Keep what the model has even when it is not in the table. */
	langs.sel = 0;
	for (size_t i = 0; i < ELEMENTSOF(languages); i++)
		if (streq_ptr(languages[i].locale, c->m->locale))
			langs.sel = i;
	size_t k = ui_list_find(&kbds, c->m->keyboard);
	if (k == (size_t)-1) {
		strv_push(&kbds.items, xstrdup(c->m->keyboard));
		kbds.n++;
		k = kbds.n - 1;
	}
	kbds.sel = k;
	_cleanup_free_ char *old_locale = xstrdup(c->m->locale);
	const char *chosen = c->m->locale;
	bool known = false;
	for (size_t i = 0; i < ELEMENTSOF(languages); i++)
		known = known || streq_ptr(languages[i].locale, chosen);
	int focus = 0, result;
	for (;;) {
		ui_frame(N_("Language and keyboard"), lang_help);
		int h = LINES - 9;
		ui_attr_on(UIA_BOLD);
		ui_put(2, 2, 36, _("Language"), false);
		ui_put(2, 42, 30, _("Keyboard layout"), false);
		ui_attr_off(UIA_BOLD);
		ui_list_draw(&langs, 4, 2, h, 38, focus == 0);
		ui_list_draw(&kbds, 4, 42, h, 30, focus == 1);
		const char *loc = known ? languages[langs.sel].locale : chosen;
		bool ui_ok = !known || languages[langs.sel].ui;
		if (!ui_ok)
			ui_put(LINES - 5, 2, COLS - 4,
			       _("The installer itself has no translation for this language; the system will use it."),
			       false);
		int bx = 2;
		bx += ui_button_draw(LINES - 4, bx, _("Done"), focus == 2, false) + 2;
		ui_button_draw(LINES - 4, bx, _("Cancel"), focus == 3, false);
		int key = ui_getkey();
		if (key == UIK_QUIT) {
			result = UI_QUIT;
			break;
		}
		if (key == UIK_ESC || (key == UIK_ENTER && focus == 3)) {
			ui_set_language(old_locale);
			result = UI_BACK;
			break;
		}
		if (key == UIK_ENTER) {
			free(c->m->locale);
			c->m->locale = xstrdup(loc);
			free(c->m->keyboard);
			c->m->keyboard = xstrdup(kbds.items[kbds.sel]);
			result = UI_DONE;
			break;
		}
		if (key == UIK_TAB || key == -KEY_BTAB) {
			focus = (focus + (key == UIK_TAB ? 1 : 3)) % 4;
			continue;
		}
		if (focus >= 2 && (key == -KEY_LEFT || key == -KEY_RIGHT)) {
			focus = focus == 2 ? 3 : 2;
			continue;
		}
		if (focus == 0) {
			size_t before = langs.sel;
			ui_list_key(&langs, key, h);
			if (langs.sel != before || !known) {
				known = true;
				ui_set_language(languages[langs.sel].locale);
			}
		} else if (focus == 1)
			ui_list_key(&kbds, key, h);
	}
	ui_list_done(&langs);
	ui_list_done(&kbds);
	return result;
}
