/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The custom partition editor (cfdisk style): the rows are the model's
 * partitions, the keys edit them, the plan below says at once whether
 * the layout fits. Nothing is written; the Summary shows what will be. */
#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pages.h"
#include "util.h"

static const char parts_help[] =
	N_("a add  d delete  s size  m mount  f filesystem  e encrypt  r RAID  Esc back");

/* A member of an array shows the array's mount, filesystem and
 * encryption, then "raid1 boot, disk 2". */
static char *part_line(const azl_storage *st, size_t i)
{
	const azl_partition_spec *p = &st->partitions[i];
	const azl_raid_spec *r = partition_raid(st, i);
	_cleanup_free_ char *sz = p->grow			   ? xstrdup(_("grow"))
				  : p->size.kind == AZL_SIZE_UNSET ? xstrdup(_("rest"))
								   : size_format(&p->size);
	const char *mount = r ? r->mount : p->mount;
	const char *fs = fs_to_string(r ? r->fs : p->fs);
	bool enc = r ? r->encrypt : p->encrypt;
	/* An answer file may name a member's disk by path. */
	_cleanup_free_ char *disk = p->disk_path ? xstrdup(p->disk_path)
				    : r		 ? xasprintf(_("disk %d"), p->disk_index ?: 1)
						 : xstrdup("");
	_cleanup_free_ char *where =
		r ? xasprintf(_("raid%d %s, %s"), r->level, r->name, disk) : TAKE_PTR(disk);
	return xasprintf("%-20s %-10s %-6s %-9s %s", mount ? mount : "-", sz, fs ? fs : "-",
			 enc ? _("encrypted") : "", where);
}

static void fail(const char *why)
{
	ui_message(_("Partition"), why);
}

/* r: the level, then the disks (all by default), as numbers into the
 * storage's disk list. -ECANCELED when a question is dismissed. */
static int make_raid(azl_storage *st, size_t i, const char **ret_why)
{
	const char *why = partition_raid_refusal(st, i);
	if (why) {
		*ret_why = why;
		return -EINVAL;
	}
	_cleanup_free_ char *level =
		ui_input(_("Software RAID"), _("RAID level (1, 5, 6, 10):"), "1");
	if (!level)
		return -ECANCELED;
	azl_buf prompt = {0}, all = {0};
	buf_printf(&prompt, "%s", _("Disks, by number:"));
	for (size_t k = 0; k < st->n_disks; k++) {
		const char *path = st->disks[k].path;
		buf_printf(&prompt, " %zu %s", k + 1, path ? path : "?");
		buf_printf(&all, "%s%zu", k ? " " : "", k + 1);
	}
	_cleanup_free_ char *ptext = buf_steal(&prompt), *atext = buf_steal(&all);
	_cleanup_free_ char *disks = ui_input(_("Software RAID"), ptext, atext);
	if (!disks)
		return -ECANCELED;
	char *end = NULL;
	long lv = strtol(level, &end, 10);
	if (end == level || *end || lv < 0 || lv > 100)
		lv = 0;
	return partition_make_raid(st, i, (int)lv, disks, ret_why);
}

int page_partitions(ui_ctx *c, azl_storage *st)
{
	ui_list l = {0};
	for (;;) {
		size_t sel = l.sel;
		char **v = xzalloc(sizeof(char *));
		for (size_t i = 0; i < st->n_partitions; i++)
			strv_push(&v, part_line(st, i));
		ui_list_set(&l, v);
		l.sel = sel < l.n ? sel : (l.n ? l.n - 1 : 0);

		ui_frame(N_("Partitions"), parts_help);
		ui_attr_on(UIA_BOLD);
		_cleanup_free_ char *hdr = xasprintf("  %-20s %-10s %-6s %-9s", _("Mount point"),
						     _("Size"), _("Type"), _("Encryption"));
		ui_put(2, 2, COLS - 4, hdr, false);
		ui_attr_off(UIA_BOLD);
		int h = 8;
		ui_list_draw(&l, 3, 2, h, COLS - 4, true);

		/* The plan of this layout, as the Summary will show it. */
		azl_model tmp = *c->m;
		tmp.storage = *st;
		/* This page is the storage answer being given. */
		tmp.has_storage = true;
		azl_plan_overrides ov = {0};
		azl_plan_error err = {0};
		_cleanup_plan_ azl_plan *p = NULL;
		if (plan_build(&tmp, c->machine, &ov, &p, &err) < 0) {
			ui_attr_on(UIA_WARN);
			ui_wrap(4 + h, 2, COLS - 4, 4, err.message);
			ui_attr_off(UIA_WARN);
			plan_error_done(&err);
		} else {
			_cleanup_free_ char *text = plan_to_text(p);
			ui_wrap(4 + h, 2, COLS - 4, LINES - 7 - h, text);
		}

		int key = ui_getkey();
		if (key == UIK_QUIT) {
			ui_list_done(&l);
			return UI_QUIT;
		}
		if (key == UIK_ESC || key == UIK_ENTER)
			break;
		const char *why = NULL;
		azl_partition_spec *cur = l.n ? &st->partitions[l.sel] : NULL;
		switch (key) {
		case 'a': {
			_cleanup_free_ char *mnt =
				ui_input(_("Add a partition"),
					 _("Mount point (/, /boot, /home, /srv, swap):"), "");
			if (!mnt)
				break;
			_cleanup_free_ char *sz = ui_input(
				_("Add a partition"), _("Size (600M, 8G, 30%, grow):"), "grow");
			if (!sz)
				break;
			if (partition_add(st, mnt, sz, AZL_FS_NONE, st->encryption.enabled, &why) <
			    0)
				fail(why);
			else
				l.sel = st->n_partitions - 1;
			break;
		}
		case 'd':
		case -KEY_DC:
			if (cur &&
			    ui_ask(_("Delete"),
				   cur->raid
					   ? _("Delete this RAID and all its members from the layout?")
					   : _("Delete this partition from the layout?")))
				partition_delete(st, l.sel);
			break;
		case 'r':
			if (cur && make_raid(st, l.sel, &why) == -EINVAL)
				fail(why);
			break;
		case 's': {
			if (!cur)
				break;
			_cleanup_free_ char *old =
				cur->grow ? xstrdup("grow") : size_format(&cur->size);
			_cleanup_free_ char *sz =
				ui_input(_("Size"), _("Size (600M, 8G, 30%, grow):"), old);
			if (sz && partition_resize(st, l.sel, sz, &why) < 0)
				fail(why);
			break;
		}
		case 'm': {
			if (!cur)
				break;
			const azl_raid_spec *r = partition_raid(st, l.sel);
			_cleanup_free_ char *mnt = ui_input(
				_("Mount point"), _("Mount point (/, /boot, /home, /srv, swap):"),
				r ? r->mount : cur->mount);
			if (mnt && partition_set_mount(st, l.sel, mnt, &why) < 0)
				fail(why);
			break;
		}
		case 'f':
			if (cur)
				partition_cycle_fs(st, l.sel);
			break;
		case 'e':
			if (cur && partition_toggle_encrypt(st, l.sel, &why) < 0)
				fail(why);
			break;
		default:
			ui_list_key(&l, key, h);
			break;
		}
	}
	ui_list_done(&l);
	return UI_DONE;
}
