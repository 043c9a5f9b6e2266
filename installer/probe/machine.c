/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probed-machine model: constructors, lookup, and its two faces: the
 * JSON of `probe --json` (read back by machine_from_json) and the table of
 * `probe`. Probing itself lives in machine-probe.c.
 */
#include "machine.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "json.h"
#include "yaml-doc.h"

azl_machine *machine_new(void)
{
	azl_machine *m = xzalloc(sizeof(*m));
	m->firmware = AZL_FIRMWARE_BIOS;
	m->device_mapper = true;
	m->md_raid = true;
	return m;
}

void part_info_done(azl_part_info *p)
{
	if (!p)
		return;
	free(p->path);
	free(p->type);
	free(p->partlabel);
	free(p->fs_type);
	free(p->fs_label);
	free(p->fs_uuid);
	free(p->mountpoint);
	free(p->in_use_reason);
	*p = (azl_part_info){0};
}

void disk_info_done(azl_disk_info *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->name);
	free(d->model);
	free(d->serial);
	strv_free(d->by_id);
	free(d->transport);
	free(d->table);
	free(d->fs_type);
	for (size_t i = 0; i < d->n_parts; i++)
		part_info_done(&d->parts[i]);
	free(d->parts);
	free(d->in_use_reason);
	*d = (azl_disk_info){0};
}

void machine_free(azl_machine *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_disks; i++)
		disk_info_done(&m->disks[i]);
	free(m->disks);
	free(m);
}

azl_disk_info *machine_find_disk(const azl_machine *m, const char *path)
{
	if (!m || !path)
		return NULL;
	_cleanup_free_ char *real = realpath(path, NULL);
	for (size_t i = 0; i < m->n_disks; i++) {
		azl_disk_info *d = &m->disks[i];
		if (streq_ptr(d->path, path) || streq_ptr(d->path, real) ||
		    strv_contains(d->by_id, path))
			return d;
	}
	return NULL;
}

/* --- JSON out ----------------------------------------------------------- */

static void part_to_json(azl_json *j, const azl_part_info *p)
{
	json_begin_object(j, NULL);
	json_int(j, "number", p->number);
	json_string(j, "path", p->path);
	json_uint(j, "start", p->start);
	json_uint(j, "size", p->size);
	json_string(j, "type", p->type);
	json_string(j, "partlabel", p->partlabel);
	json_string(j, "fs_type", p->fs_type);
	json_string(j, "fs_label", p->fs_label);
	json_string(j, "fs_uuid", p->fs_uuid);
	json_string(j, "mountpoint", p->mountpoint);
	json_bool(j, "in_use", p->in_use);
	json_string(j, "in_use_reason", p->in_use_reason);
	json_end_object(j);
}

static void disk_to_json(azl_json *j, const azl_disk_info *d)
{
	json_begin_object(j, NULL);
	json_string(j, "path", d->path);
	json_string(j, "name", d->name);
	json_uint(j, "size", d->size);
	json_string(j, "model", d->model);
	json_string(j, "serial", d->serial);
	json_begin_array(j, "by_id");
	for (char **s = d->by_id; s && *s; s++)
		json_string(j, NULL, *s);
	json_end_array(j);
	json_string(j, "transport", d->transport);
	json_bool(j, "rotational", d->rotational);
	json_bool(j, "removable", d->removable);
	json_bool(j, "readonly", d->readonly);
	json_uint(j, "logical_sector_size", d->logical_sector_size);
	json_uint(j, "physical_sector_size", d->physical_sector_size);
	json_string(j, "table", d->table);
	json_string(j, "fs_type", d->fs_type);
	json_bool(j, "in_use", d->in_use);
	json_string(j, "in_use_reason", d->in_use_reason);
	json_bool(j, "boot_medium", d->boot_medium);
	json_begin_array(j, "partitions");
	for (size_t i = 0; i < d->n_parts; i++)
		part_to_json(j, &d->parts[i]);
	json_end_array(j);
	json_end_object(j);
}

char *machine_to_json(const azl_machine *m)
{
	azl_json j;
	json_init(&j, true);
	json_begin_object(&j, NULL);
	json_string(&j, "firmware", m->firmware == AZL_FIRMWARE_UEFI ? "uefi" : "bios");
	json_bool(&j, "secure_boot", m->secure_boot);
	json_bool(&j, "setup_mode", m->setup_mode);
	json_bool(&j, "device_mapper", m->device_mapper);
	json_bool(&j, "md_raid", m->md_raid);
	json_uint(&j, "memory", m->memory);
	json_begin_array(&j, "disks");
	for (size_t i = 0; i < m->n_disks; i++)
		disk_to_json(&j, &m->disks[i]);
	json_end_array(&j);
	json_end_object(&j);
	return json_steal(&j);
}

/* --- JSON in ------------------------------------------------------------ */

typedef enum field_type {
	F_STRING, /* string or null */
	F_UINT64,
	F_UINT32,
	F_INT,
	F_BOOL,
	F_STRV,	    /* list of strings */
	F_FIRMWARE, /* "uefi" | "bios" */
} field_type;

typedef struct field {
	const char *key;
	field_type type;
	size_t offset;
	bool required;
} field;

#define DISK_FIELD(k, t, req)                                                                      \
	{                                                                                          \
#k, t, offsetof(azl_disk_info, k), req                                             \
	}
#define PART_FIELD(k, t, req)                                                                      \
	{                                                                                          \
#k, t, offsetof(azl_part_info, k), req                                             \
	}

static const field disk_fields[] = {
	DISK_FIELD(path, F_STRING, true),
	DISK_FIELD(name, F_STRING, false),
	DISK_FIELD(size, F_UINT64, true),
	DISK_FIELD(model, F_STRING, false),
	DISK_FIELD(serial, F_STRING, false),
	DISK_FIELD(by_id, F_STRV, false),
	DISK_FIELD(transport, F_STRING, false),
	DISK_FIELD(rotational, F_BOOL, false),
	DISK_FIELD(removable, F_BOOL, false),
	DISK_FIELD(readonly, F_BOOL, false),
	DISK_FIELD(logical_sector_size, F_UINT32, false),
	DISK_FIELD(physical_sector_size, F_UINT32, false),
	DISK_FIELD(table, F_STRING, false),
	DISK_FIELD(fs_type, F_STRING, false),
	DISK_FIELD(in_use, F_BOOL, false),
	DISK_FIELD(in_use_reason, F_STRING, false),
	DISK_FIELD(boot_medium, F_BOOL, false),
};

static const field part_fields[] = {
	PART_FIELD(number, F_INT, true),      PART_FIELD(path, F_STRING, false),
	PART_FIELD(start, F_UINT64, true),    PART_FIELD(size, F_UINT64, true),
	PART_FIELD(type, F_STRING, false),    PART_FIELD(partlabel, F_STRING, false),
	PART_FIELD(fs_type, F_STRING, false), PART_FIELD(fs_label, F_STRING, false),
	PART_FIELD(fs_uuid, F_STRING, false), PART_FIELD(mountpoint, F_STRING, false),
	PART_FIELD(in_use, F_BOOL, false),    PART_FIELD(in_use_reason, F_STRING, false),
};

static bool scalar_is_bool(const ynode *n)
{
	return n->kind == YNODE_SCALAR && !n->quoted && !n->is_null &&
	       (strcmp(n->scalar, "true") == 0 || strcmp(n->scalar, "false") == 0);
}

static bool scalar_u64(const ynode *n, uint64_t *ret)
{
	if (n->kind != YNODE_SCALAR || n->quoted || n->is_null || !n->scalar[0])
		return false;
	for (const char *p = n->scalar; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(n->scalar, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

/* What a node is, for "must be X, not Y" messages. */
static const char *node_what(const ynode *n)
{
	if (n->kind != YNODE_SCALAR)
		return ynode_kind_name(n->kind);
	uint64_t u;
	if (n->is_null)
		return "null";
	if (scalar_is_bool(n))
		return _("a boolean");
	if (scalar_u64(n, &u) || (!n->quoted && n->scalar[0] == '-'))
		return _("a number");
	return _("a string");
}

static bool wrong_type(azl_diags *d, const char *key, const ynode *n, const char *want)
{
	diag_error(d, n->loc, _("'%s' must be %s, not %s"), key, want, node_what(n));
	return false;
}

static bool read_field(azl_diags *d, const field *f, const ynode *v, void *obj)
{
	char *base = obj;
	uint64_t u;
	switch (f->type) {
	case F_STRING:
		if (v->kind == YNODE_SCALAR && v->is_null && !v->quoted)
			return true;
		if (v->kind != YNODE_SCALAR ||
		    (!v->quoted && (scalar_is_bool(v) || scalar_u64(v, &u))))
			return wrong_type(d, f->key, v, _("a string or null"));
		free(*(char **)(base + f->offset));
		*(char **)(base + f->offset) = xstrdup(v->scalar);
		return true;
	case F_UINT64:
		if (!scalar_u64(v, &u))
			return wrong_type(d, f->key, v, _("a number of bytes"));
		*(uint64_t *)(base + f->offset) = u;
		return true;
	case F_UINT32:
		if (!scalar_u64(v, &u) || u > UINT32_MAX)
			return wrong_type(d, f->key, v, _("a number"));
		*(uint32_t *)(base + f->offset) = (uint32_t)u;
		return true;
	case F_INT:
		if (!scalar_u64(v, &u) || u > INT32_MAX)
			return wrong_type(d, f->key, v, _("a number"));
		*(int *)(base + f->offset) = (int)u;
		return true;
	case F_BOOL:
		if (!scalar_is_bool(v))
			return wrong_type(d, f->key, v, _("true or false"));
		*(bool *)(base + f->offset) = strcmp(v->scalar, "true") == 0;
		return true;
	case F_FIRMWARE:
		if (v->kind == YNODE_SCALAR && streq_ptr(v->scalar, "uefi"))
			*(azl_firmware *)(base + f->offset) = AZL_FIRMWARE_UEFI;
		else if (v->kind == YNODE_SCALAR && streq_ptr(v->scalar, "bios"))
			*(azl_firmware *)(base + f->offset) = AZL_FIRMWARE_BIOS;
		else
			return wrong_type(d, f->key, v, _("\"uefi\" or \"bios\""));
		return true;
	case F_STRV: {
		if (v->kind != YNODE_SEQUENCE)
			return wrong_type(d, f->key, v, _("a list of strings"));
		char **list = NULL;
		for (size_t i = 0; i < v->n_items; i++) {
			const ynode *it = v->items[i];
			if (it->kind != YNODE_SCALAR || it->is_null) {
				strv_free(list);
				return wrong_type(d, f->key, it, _("a string"));
			}
			strv_push(&list, xstrdup(it->scalar));
		}
		strv_free(*(char ***)(base + f->offset));
		*(char ***)(base + f->offset) = list;
		return true;
	}
	}
	return false;
}

/* A required key must be there and not be null. */
static bool present(const ynode *n, const char *key)
{
	const ynode *v = ynode_get(n, key);
	return v && !(v->kind == YNODE_SCALAR && v->is_null && !v->quoted);
}

/* Reads the keys of mapping n into obj through fields; `extra` names one
 * more key the caller handles itself (its node goes to *ret_extra). */
static bool read_object(azl_diags *d, const ynode *n, const char *what, const field *fields,
			size_t n_fields, void *obj, const char *extra, const ynode **ret_extra)
{
	if (n->kind != YNODE_MAPPING) {
		diag_error(d, n->loc, _("%s must be a mapping, not %s"), what, node_what(n));
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < n->n_pairs; i++) {
		const ypair *p = &n->pairs[i];
		const char *key = p->key->scalar;
		if (extra && strcmp(key, extra) == 0) {
			*ret_extra = p->value;
			continue;
		}
		const field *f = NULL;
		for (size_t k = 0; k < n_fields; k++)
			if (strcmp(fields[k].key, key) == 0)
				f = &fields[k];
		if (!f) {
			diag_error(d, p->key->loc, _("unknown key '%s' in %s"), key, what);
			ok = false;
			continue;
		}
		if (!read_field(d, f, p->value, obj))
			ok = false;
	}
	for (size_t k = 0; k < n_fields; k++)
		if (fields[k].required && !present(n, fields[k].key)) {
			diag_error(d, n->loc, _("%s needs '%s'"), what, fields[k].key);
			ok = false;
		}
	return ok;
}

static bool read_disk(azl_diags *d, const ynode *n, azl_disk_info *disk)
{
	disk->logical_sector_size = 512;
	disk->physical_sector_size = 512;
	const ynode *parts = NULL;
	bool ok = read_object(d, n, _("a disk"), disk_fields, ELEMENTSOF(disk_fields), disk,
			      "partitions", &parts);
	if (!parts || (parts->kind == YNODE_SCALAR && parts->is_null))
		return ok;
	if (parts->kind != YNODE_SEQUENCE)
		return wrong_type(d, "partitions", parts, _("a list"));
	for (size_t i = 0; i < parts->n_items; i++) {
		azl_part_info *p = xappend(&disk->parts, &disk->n_parts, sizeof(*p));
		if (!read_object(d, parts->items[i], _("a partition"), part_fields,
				 ELEMENTSOF(part_fields), p, NULL, NULL))
			ok = false;
	}
	return ok;
}

static bool read_machine(azl_diags *d, const ynode *root, azl_machine *m)
{
	static const field machine_fields[] = {
		{"firmware", F_FIRMWARE, offsetof(azl_machine, firmware), false},
		{"secure_boot", F_BOOL, offsetof(azl_machine, secure_boot), false},
		{"setup_mode", F_BOOL, offsetof(azl_machine, setup_mode), false},
		{"device_mapper", F_BOOL, offsetof(azl_machine, device_mapper), false},
		{"md_raid", F_BOOL, offsetof(azl_machine, md_raid), false},
		{"memory", F_UINT64, offsetof(azl_machine, memory), false},
	};
	const ynode *disks = NULL;
	/* Keep going after an error: one run should report every mistake. */
	bool ok = read_object(d, root, _("the machine description"), machine_fields,
			      ELEMENTSOF(machine_fields), m, "disks", &disks);
	if (!disks || (disks->kind == YNODE_SCALAR && disks->is_null))
		return ok;
	if (disks->kind != YNODE_SEQUENCE)
		return wrong_type(d, "disks", disks, _("a list"));
	for (size_t i = 0; i < disks->n_items; i++) {
		azl_disk_info *disk = xappend(&m->disks, &m->n_disks, sizeof(*disk));
		if (!read_disk(d, disks->items[i], disk))
			ok = false;
	}
	return ok;
}

int machine_from_json(const char *path, azl_diags *d, azl_machine **ret)
{
	_cleanup_ynode_ ynode *root = ydoc_load_file(path, d);
	if (!root)
		return -EINVAL;
	_cleanup_machine_ azl_machine *m = machine_new();
	if (!read_machine(d, root, m))
		return -EINVAL;
	*ret = TAKE_PTR(m);
	return 0;
}

/* --- the table ---------------------------------------------------------- */

/* Columns on a terminal, not bytes: labels and the tree marks are UTF-8. */
static size_t display_width(const char *s)
{
	mbstate_t st = {0};
	size_t w = 0;
	const char *p = s;
	while (*p) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, MB_CUR_MAX, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			/* Not valid in this locale: count bytes. */
			return w + strlen(p);
		}
		int cw = wcwidth(wc);
		w += cw > 0 ? (size_t)cw : 0;
		p += n ? n : 1;
	}
	return w;
}

enum { COL_NAME, COL_SIZE, COL_TYPE, COL_FSTYPE, COL_LABEL, COL_USE, N_COLS };

typedef struct row {
	char *cell[N_COLS];
} row;

static void add_row(row **rows, size_t *n, const char *name, uint64_t size, const char *type,
		    const char *fstype, const char *label, const char *use)
{
	/* Labels, models, paths and mount points come from disks and other
	 * programs: no escape sequence of theirs reaches the terminal. */
	row *r = xappend(rows, n, sizeof(**rows));
	r->cell[COL_NAME] = str_escape_untrusted(name);
	r->cell[COL_SIZE] = size_human(size);
	r->cell[COL_TYPE] = str_escape_untrusted(type);
	r->cell[COL_FSTYPE] = str_escape_untrusted(fstype ? fstype : "");
	r->cell[COL_LABEL] = str_escape_untrusted(label ? label : "");
	r->cell[COL_USE] = str_escape_untrusted(use ? use : "");
}

/* The human table uses ASCII tree marks unless the locale speaks UTF-8. */
static bool utf8_locale(void)
{
	return MB_CUR_MAX > 1;
}

char *machine_to_text(const azl_machine *m)
{
	row *rows = NULL;
	size_t n = 0;
	add_row(&rows, &n, _("NAME"), 0, _("TYPE"), _("FSTYPE"), _("LABEL"),
		_("MOUNTPOINT / IN USE"));
	free(rows[0].cell[COL_SIZE]);
	rows[0].cell[COL_SIZE] = xstrdup(_("SIZE"));

	for (size_t i = 0; i < m->n_disks; i++) {
		const azl_disk_info *d = &m->disks[i];
		const char *type = streq_ptr(d->transport, "file") ? "image"
				   : d->boot_medium		   ? "medium"
								   : "disk";
		const char *name = streq_ptr(d->transport, "file") ? d->path : d->name;
		add_row(&rows, &n, name ? name : "?", d->size, type,
			d->table ? d->table : d->fs_type, d->model,
			d->in_use ? d->in_use_reason : NULL);
		for (size_t k = 0; k < d->n_parts; k++) {
			const azl_part_info *p = &d->parts[k];
			bool last = k + 1 == d->n_parts;
			const char *mark =
				utf8_locale() ? (last ? "└─" : "├─") : (last ? "`-" : "|-");
			const char *base = p->path ? strrchr(p->path, '/') : NULL;
			_cleanup_free_ char *pname = base ? xasprintf("%s%s", mark, base + 1)
							  : xasprintf("%s%d", mark, p->number);
			add_row(&rows, &n, pname, p->size, "part", p->fs_type, p->fs_label,
				p->mountpoint ? p->mountpoint : p->in_use_reason);
		}
	}

	size_t width[N_COLS] = {0};
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < N_COLS; c++) {
			size_t w = display_width(rows[i].cell[c]);
			if (w > width[c])
				width[c] = w;
		}

	azl_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < N_COLS; c++) {
			const char *s = rows[i].cell[c];
			size_t pad = width[c] - display_width(s);
			if (c == N_COLS - 1) {
				buf_append(&b, s);
				break;
			}
			/* Sizes line up on the right, like lsblk. */
			if (c == COL_SIZE && i > 0)
				for (size_t k = 0; k < pad; k++)
					buf_append(&b, " ");
			buf_append(&b, s);
			if (c != COL_SIZE || i == 0)
				for (size_t k = 0; k < pad; k++)
					buf_append(&b, " ");
			buf_append(&b, "  ");
		}
		/* No trailing blanks when the last columns are empty. */
		while (b.len > 0 && b.data[b.len - 1] == ' ')
			b.data[--b.len] = 0;
		buf_append(&b, "\n");
		for (int c = 0; c < N_COLS; c++)
			free(rows[i].cell[c]);
	}
	free(rows);
	if (m->n_disks == 0)
		buf_append(&b, _("No disks found.\n"));

	_cleanup_free_ char *mem = size_human(m->memory);
	buf_printf(&b, _("Firmware: %s%s. Memory: %s. Device-mapper: %s.\n"),
		   m->firmware == AZL_FIRMWARE_UEFI ? "UEFI" : "BIOS",
		   m->secure_boot		      ? _(" (Secure Boot on)")
		   : m->setup_mode		      ? _(" (Secure Boot off: setup mode)")
		   : m->firmware == AZL_FIRMWARE_UEFI ? _(" (Secure Boot off)")
						      : "",
		   m->memory ? mem : _("unknown"),
		   m->device_mapper ? _("available") : _("not available"));
	return buf_steal(&b);
}
