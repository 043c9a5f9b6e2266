/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two faces of a plan: the JSON object of DESIGN.md (`plan --json`)
 * and the human table in the manner of systemd-repart, with an activity
 * column (`plan`, `install --dry-run`).
 */
#include "plan.h"

#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "json.h"
#include "util.h"

/* --- JSON --------------------------------------------------------------- */

/* Kept partitions are "data" to the outside: DESIGN's role enum has no
 * word for them, and "fs" shows what blkid saw on them. */
static const char *json_role(const azl_plan_part *p)
{
	return role_to_string(p->role == AZL_ROLE_EXISTING ? AZL_ROLE_DATA : p->role);
}

static const char *part_fs(const azl_plan_part *p)
{
	return p->fs != AZL_FS_NONE ? fs_to_string(p->fs) : p->fs_type;
}

static const azl_plan_vg *find_vg(const azl_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_vgs; i++)
		if (streq_ptr(p->vgs[i].name, name))
			return &p->vgs[i];
	return NULL;
}

static void json_action(azl_json *j, const azl_plan *p, const azl_action *a)
{
	json_begin_object(j, NULL);
	json_string(j, "op", op_to_string(a->op));
	json_string(j, "object", a->object);
	if (a->disk && !streq_ptr(a->disk, a->object))
		json_string(j, "disk", a->disk);
	if (a->number > 0)
		json_int(j, "number", a->number);
	if (a->op == AZL_OP_CREATE_PARTITION)
		json_uint(j, "start", a->start);
	if (a->size > 0)
		json_uint(j, "size", a->size);
	if (a->type)
		json_string(j, "type", a->type);
	if (a->fs != AZL_FS_NONE)
		json_string(j, "fs", fs_to_string(a->fs));
	if (a->name && !streq_ptr(a->name, a->object))
		json_string(j, "name", a->name);
	if (a->vg)
		json_string(j, "vg", a->vg);
	if (a->mount && !streq_ptr(a->mount, a->object))
		json_string(j, "mount", a->mount);
	if (a->subvol)
		json_string(j, "subvol", a->subvol);
	if (a->op == AZL_OP_CREATE_TABLE)
		json_string(j, "table", table_to_string(a->table));
	if (a->op == AZL_OP_RAID_CREATE) {
		for (size_t i = 0; i < p->n_raids; i++) {
			const azl_plan_raid *r = &p->raids[i];
			if (!streq_ptr(r->name, a->name))
				continue;
			json_int(j, "level", r->level);
			json_string(j, "metadata", r->metadata);
			json_begin_array(j, "devices");
			for (size_t k = 0; r->members && r->members[k]; k++)
				json_string(j, NULL, r->members[k]);
			json_end_array(j);
			if (r->spares)
				json_int(j, "spares", r->spares);
		}
	}
	if (a->op == AZL_OP_VG_CREATE) {
		const azl_plan_vg *vg = find_vg(p, a->name);
		json_begin_array(j, "devices");
		for (size_t i = 0; vg && vg->pvs && vg->pvs[i]; i++)
			json_string(j, NULL, vg->pvs[i]);
		json_end_array(j);
	}
	if (a->op == AZL_OP_INSTALL_BOOTLOADER) {
		json_string(j, "firmware", firmware_to_string(p->firmware));
		/* The chain the firmware starts, in order
		 * (docs/secure-boot.md): the packages of each stage ("?": only
		 * when a repository has it, as in "packages"). */
		json_begin_array(j, "chain");
		if (p->firmware == AZL_FIRMWARE_UEFI) {
			json_string(j, NULL,
				    p->secure_boot == AZL_SECURE_BOOT_REQUIRED ? "shim-x64"
									       : "?shim-x64");
			json_string(j, NULL, "grub2-efi-x64");
		} else
			json_string(j, NULL, "grub2-pc");
		json_string(j, NULL, "kernel-core");
		json_end_array(j);
		if (p->firmware == AZL_FIRMWARE_UEFI)
			json_string(j, "secure_boot", secure_boot_to_string(p->secure_boot));
	}
	if (a->op == AZL_OP_INSTALL_PACKAGES) {
		/* What the plan adds to packages.install ("?": only when a
		 * repository has it). */
		_cleanup_strv_free_ char **pk = plan_required_packages(p);
		json_begin_array(j, "packages");
		for (size_t i = 0; pk && pk[i]; i++)
			json_string(j, NULL, pk[i]);
		json_end_array(j);
	}
	json_end_object(j);
}

char *plan_to_json(const azl_plan *p)
{
	azl_json j;
	json_init(&j, true);
	json_begin_object(&j, NULL);
	json_begin_array(&j, "disks");
	for (size_t i = 0; i < p->n_disks; i++) {
		const azl_plan_disk *d = &p->disks[i];
		json_begin_object(&j, NULL);
		json_string(&j, "path", d->path);
		json_string(&j, "table", table_to_string(d->table));
		json_begin_array(&j, "partitions");
		for (size_t k = 0; k < d->n_parts; k++) {
			const azl_plan_part *pp = &d->parts[k];
			json_begin_object(&j, NULL);
			json_int(&j, "number", pp->number);
			json_uint(&j, "start", pp->start);
			json_uint(&j, "size", pp->size);
			json_string(&j, "role", json_role(pp));
			json_string(&j, "fs", part_fs(pp));
			json_string(&j, "mount", pp->mount);
			json_bool(&j, "encrypted", pp->encrypted);
			if (pp->reused) {
				/* An existing partition reused where it is. */
				json_bool(&j, "existing", true);
				json_bool(&j, "format", pp->reformat);
			}
			if (pp->raid)
				json_string(&j, "raid", pp->raid);
			if (pp->n_subvols > 0) {
				json_begin_array(&j, "subvolumes");
				for (size_t v = 0; v < pp->n_subvols; v++) {
					json_begin_object(&j, NULL);
					json_string(&j, "name", pp->subvols[v].name);
					json_string(&j, "mount", pp->subvols[v].mount);
					json_end_object(&j);
				}
				json_end_array(&j);
			}
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_array(&j, "volume_groups");
	for (size_t i = 0; i < p->n_vgs; i++) {
		const azl_plan_vg *vg = &p->vgs[i];
		json_begin_object(&j, NULL);
		json_string(&j, "name", vg->name);
		/* usable bytes (extents) and the physical volumes */
		json_uint(&j, "size", vg->size);
		json_begin_array(&j, "devices");
		for (size_t k = 0; vg->pvs && vg->pvs[k]; k++)
			json_string(&j, NULL, vg->pvs[k]);
		json_end_array(&j);
		json_begin_array(&j, "volumes");
		for (size_t k = 0; k < vg->n_lvs; k++) {
			const azl_plan_lv *lv = &vg->lvs[k];
			json_begin_object(&j, NULL);
			json_string(&j, "name", lv->name);
			json_uint(&j, "size", lv->size);
			json_string(&j, "fs", fs_to_string(lv->fs));
			json_string(&j, "mount", lv->mount);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	if (p->n_raids > 0) {
		json_begin_array(&j, "raids");
		for (size_t i = 0; i < p->n_raids; i++) {
			const azl_plan_raid *r = &p->raids[i];
			json_begin_object(&j, NULL);
			json_string(&j, "name", r->name);
			json_string(&j, "device", r->device);
			json_int(&j, "level", r->level);
			json_string(&j, "metadata", r->metadata);
			json_uint(&j, "member_size", r->member_size);
			json_uint(&j, "size", r->size);
			json_begin_array(&j, "members");
			for (size_t k = 0; r->members && r->members[k]; k++)
				json_string(&j, NULL, r->members[k]);
			json_end_array(&j);
			json_int(&j, "spares", r->spares);
			json_string(&j, "role", role_to_string(r->role));
			json_string(&j, "fs", fs_to_string(r->fs));
			json_string(&j, "mount", r->mount);
			json_string(&j, "vg", r->vg);
			json_bool(&j, "encrypted", r->encrypted);
			json_end_object(&j);
		}
		json_end_array(&j);
	}
	json_begin_array(&j, "actions");
	for (size_t i = 0; i < p->n_actions; i++)
		json_action(&j, p, &p->actions[i]);
	json_end_array(&j);
	json_end_object(&j);
	return json_steal(&j);
}

/* --- text --------------------------------------------------------------- */

/* Terminal columns a string takes; bytes when it is not valid here. */
static size_t text_width(const char *s)
{
	size_t n = mbstowcs(NULL, s, 0);
	if (n == (size_t)-1)
		return strlen(s);
	_cleanup_free_ wchar_t *w = xcalloc(n + 1, sizeof(wchar_t));
	mbstowcs(w, s, n + 1);
	int cols = wcswidth(w, n);
	return cols < 0 ? strlen(s) : (size_t)cols;
}

typedef struct table {
	size_t n_cols;
	char **cells; /* row-major, owned */
	size_t n_cells;
} table;

static void table_add(table *t, char *cell)
{
	char **c = xappend(&t->cells, &t->n_cells, sizeof(*c));
	*c = cell ? cell : xstrdup("-");
}

static void table_print(azl_buf *b, table *t, const char *indent)
{
	_cleanup_free_ size_t *width = xcalloc(t->n_cols, sizeof(size_t));
	for (size_t i = 0; i < t->n_cells; i++) {
		size_t w = text_width(t->cells[i]);
		if (w > width[i % t->n_cols])
			width[i % t->n_cols] = w;
	}
	for (size_t i = 0; i < t->n_cells; i++) {
		size_t col = i % t->n_cols;
		if (col == 0)
			buf_append(b, indent);
		buf_append(b, t->cells[i]);
		if (col + 1 == t->n_cols)
			buf_append(b, "\n");
		else
			for (size_t k = text_width(t->cells[i]); k < width[col] + 2; k++)
				buf_append(b, " ");
	}
	for (size_t i = 0; i < t->n_cells; i++)
		free(t->cells[i]);
	free(t->cells);
	*t = (table){0};
}

typedef struct row {
	const azl_plan_part *part;
	bool removed;
} row;

static int cmp_row(const void *a, const void *b)
{
	const row *x = a, *y = b;
	if (x->part->start != y->part->start)
		return x->part->start < y->part->start ? -1 : 1;
	/* What goes away is listed before what takes its place. */
	return (int)y->removed - (int)x->removed;
}

static void text_disk(azl_buf *b, const azl_plan_disk *d)
{
	_cleanup_free_ char *size = size_human(d->size);
	buf_printf(b, "%s (%s, %s, %s)\n", d->path, size, table_to_string(d->table),
		   d->new_table ? _("new partition table") : _("existing partition table kept"));

	size_t n = d->n_parts + d->n_removed;
	_cleanup_free_ row *rows = xcalloc(n + 1, sizeof(*rows));
	for (size_t i = 0; i < d->n_parts; i++)
		rows[i] = (row){&d->parts[i], false};
	for (size_t i = 0; i < d->n_removed; i++)
		rows[d->n_parts + i] = (row){&d->removed[i], true};
	qsort(rows, n, sizeof(*rows), cmp_row);

	table t = {.n_cols = 8};
	table_add(&t, xstrdup(_("NUMBER")));
	table_add(&t, xstrdup(_("START")));
	table_add(&t, xstrdup(_("SIZE")));
	table_add(&t, xstrdup(_("ROLE")));
	table_add(&t, xstrdup(_("FS")));
	table_add(&t, xstrdup(_("MOUNT")));
	table_add(&t, xstrdup(_("ENCRYPTED")));
	table_add(&t, xstrdup(_("ACTIVITY")));
	for (size_t i = 0; i < n; i++) {
		const azl_plan_part *pp = rows[i].part;
		table_add(&t, xasprintf("%d", pp->number));
		table_add(&t, size_human(pp->start));
		table_add(&t, size_human(pp->size));
		table_add(&t, xstrdup(role_to_string(pp->role)));
		table_add(&t, xstrdup(part_fs(pp)));
		if (pp->n_subvols > 0) {
			/* btrfs: where its subvolumes are mounted. */
			azl_buf m = {0};
			for (size_t v = 0; v < pp->n_subvols; v++)
				buf_printf(&m, "%s%s=%s", v ? "," : "", pp->subvols[v].name,
					   pp->subvols[v].mount ? pp->subvols[v].mount : "-");
			table_add(&t, buf_steal(&m));
		} else
			table_add(&t, xstrdup(pp->mount));
		table_add(&t, xstrdup(pp->encrypted ? "luks2" : _("no")));
		table_add(&t, xstrdup(rows[i].removed ? _("delete")
				      : pp->reformat  ? _("reuse, format")
				      : pp->reused    ? _("reuse, keep files")
				      : pp->keep      ? _("keep")
						      : _("create")));
	}
	table_print(b, &t, "  ");
}

char *plan_to_text(const azl_plan *p)
{
	azl_buf b = {0};
	buf_printf(&b, _("Firmware: %s\n"), firmware_to_string(p->firmware));
	for (size_t i = 0; i < p->n_disks; i++) {
		buf_append(&b, "\n");
		text_disk(&b, &p->disks[i]);
	}
	if (p->n_raids > 0) {
		buf_append(&b, _("\nSoftware RAID\n"));
		table t = {.n_cols = 6};
		table_add(&t, xstrdup(_("DEVICE")));
		table_add(&t, xstrdup(_("LEVEL")));
		table_add(&t, xstrdup(_("SIZE")));
		table_add(&t, xstrdup(_("HOLDS")));
		table_add(&t, xstrdup(_("ENCRYPTED")));
		table_add(&t, xstrdup(_("MEMBERS")));
		for (size_t i = 0; i < p->n_raids; i++) {
			const azl_plan_raid *r = &p->raids[i];
			table_add(&t, xstrdup(r->device));
			table_add(&t, xasprintf("raid%d (%s)", r->level, r->metadata));
			table_add(&t, size_human(r->size));
			table_add(&t, r->vg	 ? xasprintf("LVM %s", r->vg)
				      : r->mount ? xasprintf("%s %s", fs_to_string(r->fs), r->mount)
						 : xstrdup(fs_to_string(r->fs)));
			table_add(&t, xstrdup(r->encrypted ? _("yes") : _("no")));
			azl_buf mb = {0};
			size_t n = strv_length(r->members);
			for (size_t k = 0; k < n; k++)
				buf_printf(&mb, "%s%s%s", k ? "," : "", r->members[k],
					   k >= n - (size_t)r->spares ? _(" (spare)") : "");
			table_add(&t, buf_steal(&mb));
		}
		table_print(&b, &t, "  ");
	}
	for (size_t i = 0; i < p->n_vgs; i++) {
		const azl_plan_vg *vg = &p->vgs[i];
		_cleanup_free_ char *size = size_human(vg->size);
		buf_printf(&b, _("\nVolume group %s (%s) on"), vg->name, size);
		for (size_t k = 0; vg->pvs && vg->pvs[k]; k++)
			buf_printf(&b, " %s", vg->pvs[k]);
		buf_append(&b, "\n");
		table t = {.n_cols = 4};
		table_add(&t, xstrdup(_("NAME")));
		table_add(&t, xstrdup(_("SIZE")));
		table_add(&t, xstrdup(_("FS")));
		table_add(&t, xstrdup(_("MOUNT")));
		for (size_t k = 0; k < vg->n_lvs; k++) {
			table_add(&t, xstrdup(vg->lvs[k].name));
			table_add(&t, size_human(vg->lvs[k].size));
			table_add(&t, xstrdup(fs_to_string(vg->lvs[k].fs)));
			table_add(&t, xstrdup(vg->lvs[k].mount));
		}
		table_print(&b, &t, "  ");
	}
	for (size_t i = 0; p->untouched_disks && p->untouched_disks[i]; i++)
		buf_printf(&b, _("\n%s is left as it is: this layout does not use it\n"),
			   p->untouched_disks[i]);

	buf_append(&b, _("\nActions:\n"));
	for (size_t i = 0; i < p->n_actions; i++) {
		const azl_action *a = &p->actions[i];
		buf_printf(&b, "  %2zu. %s %s", i + 1, op_to_string(a->op), a->object);
		if (a->detail)
			buf_printf(&b, " (%s)", a->detail);
		if (a->op == AZL_OP_INSTALL_PACKAGES) {
			_cleanup_strv_free_ char **pk = plan_required_packages(p);
			for (size_t k = 0; pk && pk[k]; k++)
				buf_printf(&b, "%s%s", k ? ", " : _(" with "), pk[k]);
		}
		buf_append(&b, "\n");
	}
	return buf_steal(&b);
}
