/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accounts: root locked or with a password; one user in wheel with a
 * password and/or a pasted SSH key. Edits a clone of accounts. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char acc_help[] = N_("Tab next  Space toggle  Enter next/done  Esc cancel  F1 keys");

enum { A_LOCK, A_ROOT1, A_ROOT2, A_GAP, A_USER, A_PW1, A_PW2, A_KEY, A_WHEEL, A_DONE, A_CANCEL };

static bool same(const ui_field *a, const ui_field *b)
{
	return a->len == b->len && wmemcmp(a->buf, b->buf, a->len) == 0;
}

int page_accounts(ui_ctx *c)
{
	azl_accounts acc = {0};
	accounts_clone(&acc, &c->m->accounts);
	ui_form f = {0};
	ui_form_add(&f, UI_ITEM_CHECK, N_("Lock root"))->on = acc.root.lock;
	ui_form_add(&f, UI_ITEM_FIELD, N_("Root password"))->field.hidden = true;
	ui_form_add(&f, UI_ITEM_FIELD, N_("Root password again"))->field.hidden = true;
	ui_form_add(&f, UI_ITEM_LABEL, NULL);
	ui_item *user = ui_form_add(&f, UI_ITEM_FIELD, N_("User name"));
	ui_form_add(&f, UI_ITEM_FIELD, N_("Password"))->field.hidden = true;
	ui_form_add(&f, UI_ITEM_FIELD, N_("Password again"))->field.hidden = true;
	ui_item *key = ui_form_add(&f, UI_ITEM_FIELD, N_("SSH key"));
	ui_item *wheel = ui_form_add(&f, UI_ITEM_LABEL,
				     N_("The user is in the group wheel and may use sudo."));
	(void)wheel;
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Done"));
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Cancel"));
	if (acc.n_users) {
		ui_field_set(&user->field, acc.users[0].name);
		if (acc.users[0].ssh_authorized_keys)
			ui_field_set(&key->field, acc.users[0].ssh_authorized_keys[0]);
	}
	int result = UI_BACK;
	for (;;) {
		ui_item *it = f.items;
		it[A_ROOT1].disabled = it[A_ROOT2].disabled = it[A_LOCK].on;
		bool root_set = acc.root.password || acc.root.password_hash;
		bool user_set =
			acc.n_users && (acc.users[0].password || acc.users[0].password_hash);
		it[A_ROOT1].note = root_set ? _("(set; empty keeps it)") : NULL;
		it[A_PW1].note = user_set ? _("(set; empty keeps it)") : NULL;
		ui_frame(N_("Accounts"), acc_help);
		ui_form_draw(&f, 2, 2, COLS - 4);
		ui_wrap(LINES - 6, 2, COLS - 4, 3,
			_("Paste the SSH key as one line: 'ssh-ed25519 AAAA... comment'. Leave the user name empty for no user."));
		int k = ui_getkey();
		if (k == UIK_QUIT) {
			result = UI_QUIT;
			break;
		}
		if (k == UIK_ESC)
			break;
		int b = ui_form_key(&f, k);
		if (b == A_CANCEL)
			break;
		if (b != A_DONE)
			continue;
		if (!same(&it[A_ROOT1].field, &it[A_ROOT2].field) ||
		    !same(&it[A_PW1].field, &it[A_PW2].field)) {
			ui_message(_("Accounts"), _("The two passwords differ."));
			continue;
		}
		const char *why = NULL;
		_cleanup_secret_ azl_secret *rp = ui_field_secret(&it[A_ROOT1].field);
		_cleanup_secret_ azl_secret *up = ui_field_secret(&it[A_PW1].field);
		_cleanup_free_ char *name = ui_field_get(&user->field);
		_cleanup_free_ char *ssh = ui_field_get(&key->field);
		if (accounts_set_root(&acc, it[A_LOCK].on, rp ? rp->data : NULL, &why) < 0 ||
		    accounts_set_user(&acc, name, up ? up->data : NULL, ssh, &why) < 0) {
			ui_message(_("Accounts"), why);
			continue;
		}
		char *reason = NULL;
		azl_model tmp = *c->m;
		tmp.accounts = acc;
		if (!spoke_status(SPOKE_ACCOUNTS, &tmp, NULL, &reason)) {
			ui_message(_("Accounts"), reason);
			free(reason);
			continue;
		}
		accounts_done(&c->m->accounts);
		c->m->accounts = acc;
		acc = (azl_accounts){0};
		c->m->has_accounts = true;
		result = UI_DONE;
		break;
	}
	accounts_done(&acc);
	ui_form_done(&f);
	return result;
}
