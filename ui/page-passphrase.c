/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The encryption passphrase: entered twice, hidden, with a strength
 * hint. Guided layouts turn encryption on here; custom layouts choose it
 * per partition in the editor. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char pass_help[] = N_("Tab next  Space toggle  Enter done  Esc cancel  F1 keys");

enum { P_ON, P_PASS, P_AGAIN, P_HINT, P_DONE, P_CANCEL };

int page_passphrase(ui_ctx *c)
{
	azl_storage *st = &c->m->storage;
	bool custom = st->n_partitions > 0;
	ui_form f = {.label_w = 36};
	ui_item *on = ui_form_add(&f, UI_ITEM_CHECK, N_("Encrypt root and swap (LUKS2)"));
	on->on = storage_wants_encryption(st);
	on->disabled = custom;
	ui_item *p1 = ui_form_add(&f, UI_ITEM_FIELD, N_("Passphrase"));
	p1->field.hidden = true;
	ui_item *p2 = ui_form_add(&f, UI_ITEM_FIELD, N_("Passphrase again"));
	p2->field.hidden = true;
	ui_item *hint_item = ui_form_add(&f, UI_ITEM_LABEL, NULL);
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Done"));
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Cancel"));
	int result = UI_BACK;
	for (;;) {
		p1->disabled = p2->disabled = !on->on;
		_cleanup_free_ char *pw = ui_field_get(&p1->field);
		const char *hint = NULL;
		passphrase_strength(pw, &hint);
		wipe_memory(pw, strlen(pw));
		_cleanup_free_ char *strength = xasprintf(_("Strength: %s"), hint);
		hint_item->note = on->on ? strength : NULL;
		ui_frame(N_("Encryption passphrase"), pass_help);
		int row = 2;
		row += ui_wrap(
			row, 2, COLS - 4, 3,
			custom ? _("The custom layout chooses which partitions are encrypted (Disks, Edit partitions). They share this passphrase.")
			       : _("LUKS2 encrypts the root filesystem and swap; /boot stays readable for the boot loader."));
		bool have = st->encryption.passphrase && st->encryption.passphrase->len;
		if (have)
			row += ui_wrap(row + 1, 2, COLS - 4, 2,
				       _("A passphrase is set; leave the fields empty to keep it.")) +
			       1;
		ui_form_draw(&f, row + 1, 2, COLS - 4);
		int key = ui_getkey();
		if (key == UIK_QUIT) {
			result = UI_QUIT;
			break;
		}
		if (key == UIK_ESC) {
			break;
		}
		int b = ui_form_key(&f, key);
		if (b == P_CANCEL)
			break;
		if (b != P_DONE)
			continue;
		_cleanup_secret_ azl_secret *s1 = ui_field_secret(&p1->field);
		_cleanup_secret_ azl_secret *s2 = ui_field_secret(&p2->field);
		bool wants = custom ? storage_wants_encryption(st) : on->on;
		if (wants && !s1 && !have) {
			ui_message(_("Passphrase"),
				   _("Enter a passphrase twice, or turn encryption off."));
			continue;
		}
		if (wants && (s1 || s2) &&
		    (!s1 || !s2 || s1->len != s2->len ||
		     memcmp(s1->data, s2->data, s1->len) != 0)) {
			ui_message(_("Passphrase"), _("The two passphrases differ."));
			ui_field_wipe(&p1->field);
			ui_field_wipe(&p2->field);
			f.focus = P_PASS;
			continue;
		}
		if (!custom)
			st->encryption.enabled = on->on;
		if (wants && s1) {
			secret_free(st->encryption.passphrase);
			st->encryption.passphrase = TAKE_PTR(s1);
			free(st->encryption.passphrase_file);
			st->encryption.passphrase_file = NULL;
		}
		if (!wants) {
			secret_free(st->encryption.passphrase);
			st->encryption.passphrase = NULL;
		}
		c->m->has_storage = true;
		result = UI_DONE;
		break;
	}
	ui_form_done(&f);
	return result;
}
