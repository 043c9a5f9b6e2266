/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Disks: which disks, guided LVM or plain or a custom layout, and what
 * happens to what is on them. Works on a clone of storage; the plan is
 * checked against the probed machine on every key, so the page says at
 * once when a layout does not fit. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char disks_help[] = N_("Space select  Tab next  Enter edit/done  Esc cancel  F1 keys");

static const char *const layouts[] = {N_("guided, LVM"), N_("guided, plain"),
				      N_("custom partitions")};
/* btrfs: Fedora's layout, subvolumes root and home (guided plain only). */
static const char *const filesystems[] = {"ext4", "xfs", "btrfs"};
static const char *const tables[] = {"gpt", "msdos"};
static const char *const wipes[] = {N_("erase the whole disk"), N_("replace Linux partitions"),
				    N_("use free space only")};

enum { F_LAYOUT, F_FS, F_SWAP, F_TABLE, F_WIPE, F_EDIT, F_DONE, F_CANCEL };

static char *disk_line(const azl_disk_info *d)
{
	_cleanup_free_ char *sz = size_human(d->size);
	return xasprintf("%-14s %10s  %-7s %s%s%s", d->path, sz, d->transport ? d->transport : "",
			 d->model ? d->model : "", d->in_use ? "  " : "",
			 d->in_use ? _("(in use)") : "");
}

/* Plans the clone against the machine; returns the reason or NULL. */
static char *check(ui_ctx *c, const azl_storage *st)
{
	azl_model tmp = *c->m;
	tmp.storage = *st;
	/* This page is the storage answer being given. */
	tmp.has_storage = true;
	char *why = NULL;
	spoke_status(SPOKE_DISKS, &tmp, c->machine, &why);
	return why;
}

int page_disks(ui_ctx *c)
{
	if (!c->machine) {
		ui_message(_("Disks"),
			   c->machine_error ? c->machine_error : _("No disks were found."));
		return UI_BACK;
	}
	azl_storage st = {0};
	storage_clone(&st, &c->m->storage);
	ui_list disks = {0};
	char **v = xzalloc(sizeof(char *));
	for (size_t i = 0; i < c->machine->n_disks; i++)
		strv_push(&v, disk_line(&c->machine->disks[i]));
	ui_list_set(&disks, v);
	disks.checked = xcalloc(disks.n + 1, sizeof(bool));
	for (size_t i = 0; i < st.n_disks; i++)
		for (size_t k = 0; k < c->machine->n_disks; k++)
			if (st.disks[i].path && machine_find_disk(c->machine, st.disks[i].path) ==
							&c->machine->disks[k])
				disks.checked[k] = true;

	ui_form f = {.label_w = 22};
	ui_item *it = ui_form_add(&f, UI_ITEM_CHOICE, N_("Layout"));
	it->choices = layouts;
	it->n_choices = 3;
	it->choice = st.n_partitions ? 2 : st.layout == AZL_LAYOUT_PLAIN;
	it = ui_form_add(&f, UI_ITEM_CHOICE, N_("Root filesystem"));
	it->choices = filesystems;
	it->n_choices = 3;
	it->choice = st.filesystem == AZL_FS_XFS ? 1 : st.filesystem == AZL_FS_BTRFS ? 2 : 0;
	ui_form_add(&f, UI_ITEM_CHECK, N_("Swap"))->on = st.swap;
	it = ui_form_add(&f, UI_ITEM_CHOICE, N_("Partition table"));
	it->choices = tables;
	it->n_choices = 2;
	it->choice = st.table == AZL_TABLE_MSDOS;
	it = ui_form_add(&f, UI_ITEM_CHOICE, N_("What is on the disks"));
	it->choices = wipes;
	it->n_choices = 3;
	it->choice = st.wipe;
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Edit partitions"));
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Done"));
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Cancel"));

	int zone = 0, result = UI_BACK;
	int prev_layout = f.items[F_LAYOUT].choice;
	int prev_fs = f.items[F_FS].choice;
	for (;;) {
		/* btrfs is never on LVM (as in Anaconda): choosing btrfs
		 * makes the guided layout plain, choosing LVM again makes the
		 * filesystem ext4. */
		if (f.items[F_FS].choice == 2 && prev_fs != 2 && f.items[F_LAYOUT].choice == 0)
			f.items[F_LAYOUT].choice = 1;
		else if (f.items[F_LAYOUT].choice == 0 && prev_layout != 0 &&
			 f.items[F_FS].choice == 2)
			f.items[F_FS].choice = 0;
		prev_layout = f.items[F_LAYOUT].choice;
		prev_fs = f.items[F_FS].choice;
		/* Form and list into the clone. */
		_cleanup_strv_free_ char **sel = xzalloc(sizeof(char *));
		for (size_t i = 0; i < disks.n; i++)
			if (disks.checked[i])
				strv_push(&sel, xstrdup(c->machine->disks[i].path));
		storage_set_disks(&st, sel);
		bool custom = f.items[F_LAYOUT].choice == 2;
		if (custom && st.n_partitions == 0)
			partitions_from_guided(&st, ui_firmware(c));
		if (!custom)
			while (st.n_partitions)
				partition_delete(&st, st.n_partitions - 1);
		st.layout = f.items[F_LAYOUT].choice == 1 ? AZL_LAYOUT_PLAIN : AZL_LAYOUT_LVM;
		st.filesystem = f.items[F_FS].choice == 1   ? AZL_FS_XFS
				: f.items[F_FS].choice == 2 ? AZL_FS_BTRFS
							    : AZL_FS_EXT4;
		st.swap = f.items[F_SWAP].on;
		st.table = f.items[F_TABLE].choice ? AZL_TABLE_MSDOS : AZL_TABLE_GPT;
		st.wipe = (azl_wipe)f.items[F_WIPE].choice;
		f.items[F_FS].disabled = custom;
		f.items[F_SWAP].disabled = custom;
		f.items[F_EDIT].disabled = !custom;

		ui_frame(N_("Disks"), disks_help);
		ui_attr_on(UIA_BOLD);
		ui_put(2, 2, COLS - 4, _("Disks to install to (Space selects):"), false);
		ui_attr_off(UIA_BOLD);
		int lh = disks.n < 6 ? (int)disks.n : 6;
		if (lh < 1)
			lh = 1;
		ui_list_draw(&disks, 3, 2, lh, COLS - 4, zone == 0);
		if (zone == 1)
			ui_form_draw(&f, 4 + lh, 2, COLS - 4);
		else {
			size_t keep = f.focus;
			f.focus = f.n; /* nothing focused */
			ui_form_draw(&f, 4 + lh, 2, COLS - 4);
			f.focus = keep;
		}
		_cleanup_free_ char *why = check(c, &st);
		if (why)
			ui_attr_on(UIA_WARN);
		ui_wrap(LINES - 5, 2, COLS - 4, 3, why ? why : _("The layout fits."));
		if (why)
			ui_attr_off(UIA_WARN);

		int key = ui_getkey();
		if (key == UIK_QUIT) {
			result = UI_QUIT;
			break;
		}
		if (key == UIK_ESC) {
			result = UI_BACK;
			break;
		}
		if (zone == 0) {
			if (key == UIK_TAB || key == UIK_ENTER ||
			    (key == -KEY_DOWN && disks.sel + 1 >= disks.n)) {
				zone = 1;
				f.focus = 0;
			} else
				ui_list_key(&disks, key, lh);
			continue;
		}
		size_t before = f.focus;
		int b = ui_form_key(&f, key);
		if ((key == UIK_TAB || key == -KEY_DOWN) && f.focus <= before) {
			zone = 0; /* wrapped around: back to the disk list */
			continue;
		}
		if ((key == -KEY_BTAB || key == -KEY_UP) && f.focus >= before) {
			zone = 0;
			continue;
		}
		if (b == F_CANCEL) {
			result = UI_BACK;
			break;
		}
		if (b == F_EDIT) {
			int r = page_partitions(c, &st);
			if (r == UI_QUIT) {
				result = UI_QUIT;
				break;
			}
		}
		if (b == F_DONE) {
			storage_done(&c->m->storage);
			c->m->storage = st;
			st = (azl_storage){0};
			c->m->has_storage = true;
			result = UI_DONE;
			break;
		}
	}
	storage_done(&st);
	ui_list_done(&disks);
	ui_form_done(&f);
	return result;
}
