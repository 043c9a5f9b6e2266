/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The answer-file reader: one static table per mapping of the format
 * (key, node kind it expects, handler, where it stores), in the manner of
 * netplan's parser. Handlers report through the diags and go on, so one
 * run shows every mistake in a file rather than the first.
 */
#include "answers.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"
#include "yaml-doc.h"

typedef struct secret_range {
	int first, last; /* lines that hold a secret value */
	const char *key;
} secret_range;

typedef struct reader {
	azl_diags *d;
	const azl_source *src;
	const char *zoneinfo_dir;
	azl_model *m;
	secret_range *secrets;
	size_t n_secrets;
	const ynode *key; /* the key whose value a handler is reading */
} reader;

typedef struct field field;
typedef void (*field_fn)(reader *r, const field *f, const ynode *v, void *base);

struct field {
	const char *key;
	ynode_kind kind;
	field_fn fn;
	size_t offset;
	const char *what; /* what a value must be, for messages: "a string" */
	const void *data;
	bool secret; /* the value is a password or passphrase */
};

#define AT(base, f, type) ((type *)((char *)(base) + (f)->offset))

static void read_map(reader *r, const ynode *n, const field *fields, size_t n_fields, void *base);

static void remember_secret(reader *r, const char *key, const ynode *v)
{
	secret_range *s = xappend(&r->secrets, &r->n_secrets, sizeof(*s));
	s->first = v->loc.line;
	/* A block scalar ends at the start of the line after it. */
	s->last = v->end.col <= 1 ? v->end.line - 1 : v->end.line;
	if (s->last < s->first)
		s->last = s->first;
	s->key = key;
}

/* --- scalar handlers ---------------------------------------------------- */

static bool need_value(reader *r, const field *f, const ynode *v)
{
	if (!v->is_null || v->quoted)
		return true;
	diag_error(r->d, v->loc, _("'%s' needs a value: %s"), f->key, _(f->what));
	return false;
}

static void h_ignore(reader *r, const field *f, const ynode *v, void *base) {}

static void h_string(reader *r, const field *f, const ynode *v, void *base)
{
	if (!need_value(r, f, v))
		return;
	char **p = AT(base, f, char *);
	free(*p);
	*p = xstrdup(v->scalar);
	model_note_loc(r->m, *p, v->loc);
}

static void h_secret(reader *r, const field *f, const ynode *v, void *base)
{
	if (v->is_null && !v->quoted) {
		diag_error(r->d, v->loc, _("'%s' needs a value"), f->key);
		return;
	}
	azl_secret **p = AT(base, f, azl_secret *);
	secret_free(*p);
	*p = secret_new(v->scalar, strlen(v->scalar));
	model_note_loc(r->m, *p, v->loc);
}

static int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO"};
	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

static void h_bool(reader *r, const field *f, const ynode *v, void *base)
{
	bool b;
	if (v->quoted || parse_bool(v->scalar, &b) < 0) {
		diag_error(r->d, v->loc, _("'%s' must be true or false, not '%s'"), f->key,
			   v->scalar);
		return;
	}
	*AT(base, f, bool) = b;
}

typedef struct int_range {
	long long min, max;
} int_range;

static int parse_int(const ynode *v, const int_range *range, long long *ret)
{
	const char *s = v->scalar;
	if (v->quoted || !*s)
		return -EINVAL;
	bool neg = *s == '-';
	if (neg)
		s++;
	if (!*s)
		return -EINVAL;
	long long x = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (x > (range->max + 9) / 10 + 1)
			return -ERANGE;
		x = x * 10 + (*s - '0');
	}
	if (neg)
		x = -x;
	if (x < range->min || x > range->max)
		return -ERANGE;
	*ret = x;
	return 0;
}

static bool read_int(reader *r, const field *f, const ynode *v, long long *ret)
{
	const int_range *range = f->data;
	if (parse_int(v, range, ret) < 0) {
		diag_error(r->d, v->loc,
			   _("'%s' must be a whole number from %lld to %lld, not '%s'"), f->key,
			   range->min, range->max, v->scalar);
		return false;
	}
	return true;
}

static void h_int(reader *r, const field *f, const ynode *v, void *base)
{
	long long x;
	if (read_int(r, f, v, &x))
		*AT(base, f, int) = (int)x;
}

static void h_u32(reader *r, const field *f, const ynode *v, void *base)
{
	long long x;
	if (read_int(r, f, v, &x))
		*AT(base, f, uint32_t) = (uint32_t)x;
}

static void h_size(reader *r, const field *f, const ynode *v, void *base)
{
	const char *why = NULL;
	azl_size s;
	if (!need_value(r, f, v))
		return;
	if (size_parse(v->scalar, &s, &why) < 0) {
		diag_error(r->d, v->loc, _("'%s': bad size '%s': %s"), f->key, v->scalar, _(why));
		return;
	}
	*AT(base, f, azl_size) = s;
}

static void h_max_size(reader *r, const field *f, const ynode *v, void *base)
{
	const char *why = NULL;
	azl_size s;
	if (!need_value(r, f, v))
		return;
	if (size_parse(v->scalar, &s, &why) < 0) {
		diag_error(r->d, v->loc, _("'%s': bad size '%s': %s"), f->key, v->scalar, _(why));
		return;
	}
	if (s.kind != AZL_SIZE_BYTES || s.bytes == 0) {
		diag_error(r->d, v->loc, _("'%s' must be a size in bytes like 20G, not '%s'"),
			   f->key, v->scalar);
		return;
	}
	*AT(base, f, uint64_t) = s.bytes;
}

#define ENUM_HANDLER(name, type, choices)                                                          \
	static void h_##name(reader *r, const field *f, const ynode *v, void *base)                \
	{                                                                                          \
		type x;                                                                            \
		if (v->is_null || name##_from_string(v->scalar, &x) < 0) {                         \
			diag_error(r->d, v->loc, _("'%s' must be one of %s, not '%s'"), f->key,    \
				   choices, v->scalar);                                            \
			return;                                                                    \
		}                                                                                  \
		*AT(base, f, type) = x;                                                            \
	}

ENUM_HANDLER(wipe, azl_wipe, "all, linux, none")
ENUM_HANDLER(table, azl_table, "gpt, msdos")
ENUM_HANDLER(layout, azl_layout, "lvm, plain")
ENUM_HANDLER(fs, azl_fs, "ext4, xfs, vfat, swap, btrfs")
ENUM_HANDLER(firmware, azl_firmware, "auto, uefi, bios")
ENUM_HANDLER(secure_boot, azl_secure_boot, "auto, required, off")
ENUM_HANDLER(selinux, azl_selinux, "enforcing, permissive, disabled")
ENUM_HANDLER(finish, azl_finish, "reboot, poweroff, shell")

/* A checked string: data is a bool (*)(const char *) and the message. */
typedef struct checked_string {
	bool (*valid)(const char *s);
	const char *message; /* follows the quoted value */
} checked_string;

static void h_checked(reader *r, const field *f, const ynode *v, void *base)
{
	const checked_string *c = f->data;
	if (!need_value(r, f, v))
		return;
	if (!c->valid(v->scalar)) {
		_cleanup_free_ char *shown = value_for_message(v->scalar);
		diag_error(r->d, v->loc, "'%s' %s", shown, _(c->message));
		return;
	}
	h_string(r, f, v, base);
}

static void h_timezone(reader *r, const field *f, const ynode *v, void *base)
{
	if (!need_value(r, f, v))
		return;
	if (!timezone_is_valid(v->scalar, r->zoneinfo_dir)) {
		diag_error(
			r->d, v->loc,
			_("time zone '%s' is not in the time zone database; use a name like Europe/Berlin or UTC"),
			v->scalar);
		return;
	}
	h_string(r, f, v, base);
}

static bool pbkdf_is_valid(const char *s)
{
	return streq_ptr(s, "argon2id") || streq_ptr(s, "argon2i") || streq_ptr(s, "pbkdf2");
}

static const checked_string check_hostname = {
	hostname_is_valid,
	N_("is not a valid host name: use letters, digits and '-' in labels of at most 63 characters"),
};
static const checked_string check_locale = {
	locale_is_valid,
	N_("is not a locale name like en_US.UTF-8 or C.UTF-8"),
};
static const checked_string check_keymap = {
	keymap_is_valid,
	N_("is not a keymap name like us, de-nodeadkeys or fr-latin9"),
};
static const checked_string check_mac = {
	mac_address_is_valid,
	N_("is not a MAC address like 52:54:00:12:34:56"),
};
static const checked_string check_mount = {
	mount_point_is_valid,
	N_("is not a mount point: use an absolute path like /srv without '.', '..', '//', spaces or a trailing '/', not under /proc, /sys, /dev or /run; or swap"),
};
static const checked_string check_pbkdf = {
	pbkdf_is_valid,
	N_("is not a key derivation function; use argon2id, argon2i or pbkdf2"),
};

/* --- list handlers ------------------------------------------------------ */

static bool entry_is(reader *r, const field *f, const ynode *item, ynode_kind kind)
{
	if (item->kind == kind && (kind != YNODE_SCALAR || !item->is_null || item->quoted))
		return true;
	diag_error(r->d, item->loc, _("each entry of '%s' must be %s, not %s"), f->key,
		   kind == YNODE_SCALAR ? _("a string") : _(ynode_kind_name(kind)),
		   item->kind == YNODE_SCALAR && item->is_null ? _("empty")
							       : _(ynode_kind_name(item->kind)));
	return false;
}

static void h_strv(reader *r, const field *f, const ynode *v, void *base)
{
	char ***p = AT(base, f, char **);
	strv_builder l = {0};
	for (size_t i = 0; i < v->n_items; i++)
		if (entry_is(r, f, v->items[i], YNODE_SCALAR)) {
			char *s = xstrdup(v->items[i]->scalar);
			model_note_loc(r->m, s, v->items[i]->loc);
			strvb_push(&l, s);
		}
	strv_free(*p);
	*p = strvb_steal(&l);
}

/* Appends one zeroed element per mapping entry of v and reads it with
 * fields; returns nothing, errors go to the diags. */
static void read_list_of_maps(reader *r, const field *f, const ynode *v, void *array_p, size_t *n,
			      size_t elem_size, size_t loc_offset, const field *fields,
			      size_t n_fields)
{
	/* The checks of the whole model compare entries with each other. */
	if (v->n_items > YDOC_MAX_ENTRIES) {
		diag_error(r->d, v->loc, _("'%s' has more than %d entries; refusing it"), f->key,
			   YDOC_MAX_ENTRIES);
		return;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		const ynode *item = v->items[i];
		if (!entry_is(r, f, item, YNODE_MAPPING))
			continue;
		char *e = xappend(array_p, n, elem_size);
		*(azl_loc *)(e + loc_offset) = item->loc;
		read_map(r, item, fields, n_fields, e);
	}
}

#define F(key_, kind_, fn_, type_, member_, what_, data_)                                          \
	{                                                                                          \
		.key = key_, .kind = kind_, .fn = fn_, .offset = offsetof(type_, member_),         \
		.what = what_, .data = data_                                                       \
	}
#define F_STR(key, type, member) F(key, YNODE_SCALAR, h_string, type, member, N_("a string"), NULL)
#define F_BOOL(key, type, member)                                                                  \
	F(key, YNODE_SCALAR, h_bool, type, member, N_("true or false"), NULL)
#define F_STRV(key, type, member) F(key, YNODE_SEQUENCE, h_strv, type, member, N_("a list"), NULL)
#define F_ENUM(key, name, type, member)                                                            \
	F(key, YNODE_SCALAR, h_##name, type, member, N_("one word"), NULL)
#define F_CHECKED(key, type, member, check)                                                        \
	F(key, YNODE_SCALAR, h_checked, type, member, N_("a string"), &check)
#define F_SECRET(key_, type, member)                                                               \
	{                                                                                          \
		.key = key_, .kind = YNODE_SCALAR, .fn = h_secret,                                 \
		.offset = offsetof(type, member), .what = N_("a string"), .secret = true           \
	}
/* A handler that reads a nested mapping or list itself. */
#define F_SUB(key_, kind_, fn_)                                                                    \
	{                                                                                          \
		.key = key_, .kind = kind_, .fn = fn_,                                             \
		.what = kind_ == YNODE_MAPPING ? N_("a mapping") : N_("a list")                    \
	}

/* --- storage ------------------------------------------------------------ */

static void h_match_size(reader *r, const field *f, const ynode *v, void *base)
{
	azl_disk_match_size *p = AT(base, f, azl_disk_match_size);
	if (streq_ptr(v->scalar, "largest"))
		*p = AZL_MATCH_SIZE_LARGEST;
	else if (streq_ptr(v->scalar, "smallest"))
		*p = AZL_MATCH_SIZE_SMALLEST;
	else
		diag_error(r->d, v->loc, _("'%s' must be one of largest, smallest, not '%s'"),
			   f->key, v->scalar);
}

static const field disk_match_fields[] = {
	F("size", YNODE_SCALAR, h_match_size, azl_disk_spec, match_size, N_("largest or smallest"),
	  NULL),
	F_STR("serial", azl_disk_spec, match_serial),
	F_STR("model", azl_disk_spec, match_model),
};

static void h_disk_match(reader *r, const field *f, const ynode *v, void *base)
{
	read_map(r, v, disk_match_fields, ELEMENTSOF(disk_match_fields), base);
	azl_disk_spec *ds = base;
	if (ds->match_size == AZL_MATCH_SIZE_ANY && !ds->match_serial && !ds->match_model)
		diag_error(r->d, v->loc,
			   _("'match' needs at least one of 'size', 'serial' or 'model'"));
}

static const field disk_fields[] = {
	F_SUB("match", YNODE_MAPPING, h_disk_match),
};

static void h_disks(reader *r, const field *f, const ynode *v, void *base)
{
	azl_storage *s = base;
	for (size_t i = 0; i < v->n_items; i++) {
		const ynode *item = v->items[i];
		if (item->kind == YNODE_SCALAR && (!item->is_null || item->quoted)) {
			azl_disk_spec *ds = xappend(&s->disks, &s->n_disks, sizeof(*ds));
			ds->path = xstrdup(item->scalar);
			ds->loc = item->loc;
			continue;
		}
		if (item->kind != YNODE_MAPPING) {
			diag_error(
				r->d, item->loc,
				_("each entry of 'disks' must be a path or a mapping with 'match', not %s"),
				item->kind == YNODE_SCALAR ? _("empty")
							   : _(ynode_kind_name(item->kind)));
			continue;
		}
		azl_disk_spec *ds = xappend(&s->disks, &s->n_disks, sizeof(*ds));
		ds->loc = item->loc;
		read_map(r, item, disk_fields, ELEMENTSOF(disk_fields), ds);
		if (!ynode_get(item, "match"))
			diag_error(r->d, item->loc, _("a disk given as a mapping needs 'match'"));
	}
}

static void h_swap(reader *r, const field *f, const ynode *v, void *base)
{
	azl_storage *s = base;
	azl_size z;
	const char *why = NULL;
	if (!need_value(r, f, v))
		return;
	if (streq_ptr(v->scalar, "none")) {
		s->swap = false;
		s->swap_size = (azl_size){0};
		return;
	}
	if (size_parse(v->scalar, &z, &why) < 0) {
		diag_error(r->d, v->loc, _("'%s': bad size '%s': %s"), f->key, v->scalar, _(why));
		return;
	}
	if (z.kind != AZL_SIZE_BYTES || z.bytes == 0) {
		diag_error(r->d, v->loc,
			   _("'swap' must be a size in bytes like 2G, or none; not '%s'"),
			   v->scalar);
		return;
	}
	s->swap = true;
	s->swap_size = z;
}

static const int_range range_kib = {1, 4 * 1024 * 1024};
static const int_range range_ms = {1, 600000};

/* pcrs: [7] or [0, 7]: PCR numbers of a PC's TPM (0 to 23), each once. */
static void h_pcrs(reader *r, const field *f, const ynode *v, void *base)
{
	static const int_range range = {0, 23};
	azl_tpm2 *t = base;
	uint32_t mask = 0;
	if (v->n_items == 0) {
		diag_error(
			r->d, v->loc,
			_("'pcrs' needs at least one PCR number; leave it out for the default, PCR 7"));
		return;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		const ynode *item = v->items[i];
		long long x;
		if (item->kind != YNODE_SCALAR || parse_int(item, &range, &x) < 0) {
			diag_error(
				r->d, item->loc,
				_("each entry of 'pcrs' must be a PCR number from 0 to 23, not '%s'"),
				item->kind == YNODE_SCALAR ? item->scalar
							   : _(ynode_kind_name(item->kind)));
			continue;
		}
		if (mask & (UINT32_C(1) << x))
			diag_error(r->d, item->loc, _("PCR %lld is listed twice in 'pcrs'"), x);
		mask |= UINT32_C(1) << x;
	}
	t->pcr_mask = mask;
}

static const field tpm2_fields[] = {
	F_SUB("pcrs", YNODE_SEQUENCE, h_pcrs),
	F_STR("recovery_key_file", azl_tpm2, recovery_key_file),
};

static void h_tpm2(reader *r, const field *f, const ynode *v, void *base)
{
	azl_tpm2 *t = &((azl_encryption *)base)->tpm2;
	t->enabled = true;
	t->loc = r->key->loc;
	read_map(r, v, tpm2_fields, ELEMENTSOF(tpm2_fields), t);
}

static const field tang_fields[] = {
	F_STR("url", azl_tang_server, url),
	F_STR("thumbprint", azl_tang_server, thumbprint),
};

/* tang: [{url, thumbprint}, ...]: both keys of each entry are needed; what
 * their values must be is checked with the rest of the model. */
static void h_tang(reader *r, const field *f, const ynode *v, void *base)
{
	azl_encryption *e = base;
	e->tang_loc = r->key->loc;
	if (v->n_items == 0) {
		diag_error(r->d, v->loc,
			   _("'tang' needs at least one server: [{url: ..., thumbprint: ...}]"));
		return;
	}
	size_t first = e->n_tang;
	read_list_of_maps(r, f, v, &e->tang, &e->n_tang, sizeof(azl_tang_server),
			  offsetof(azl_tang_server, loc), tang_fields, ELEMENTSOF(tang_fields));
	for (size_t i = first; i < e->n_tang; i++) {
		if (!e->tang[i].url)
			diag_error(r->d, e->tang[i].loc, _("each 'tang' server needs 'url'"));
		if (!e->tang[i].thumbprint)
			diag_error(
				r->d, e->tang[i].loc,
				_("each 'tang' server needs 'thumbprint' (tang-show-keys prints it on the server)"));
	}
}

static const field encryption_fields[] = {
	F_SUB("tpm2", YNODE_MAPPING, h_tpm2),
	F_SUB("tang", YNODE_SEQUENCE, h_tang),
	F_SECRET("passphrase", azl_encryption, passphrase),
	F_STR("passphrase_file", azl_encryption, passphrase_file),
	F_CHECKED("pbkdf", azl_encryption, pbkdf, check_pbkdf),
	F("pbkdf_memory", YNODE_SCALAR, h_u32, azl_encryption, pbkdf_memory_kib, N_("a number"),
	  &range_kib),
	F("pbkdf_iter_time", YNODE_SCALAR, h_u32, azl_encryption, pbkdf_iter_time_ms,
	  N_("a number"), &range_ms),
};

static void h_encryption(reader *r, const field *f, const ynode *v, void *base)
{
	azl_encryption *e = &((azl_storage *)base)->encryption;
	e->enabled = true;
	/* The mapping may be empty; "encryption:" itself is the place. */
	e->loc = r->key->loc;
	read_map(r, v, encryption_fields, ELEMENTSOF(encryption_fields), e);
}

/* "disk: 2" or "disk: /dev/vdb": data says where the index and the path
 * live in the struct being read. */
typedef struct disk_ref {
	size_t index, path; /* offsets of the int and the char * */
} disk_ref;

static void h_disk_ref(reader *r, const field *f, const ynode *v, void *base)
{
	const disk_ref *ref = f->data;
	static const int_range range = {1, 128};
	long long x;
	if (!need_value(r, f, v))
		return;
	if (!v->quoted && v->scalar[0] >= '0' && v->scalar[0] <= '9') {
		if (parse_int(v, &range, &x) < 0) {
			diag_error(
				r->d, v->loc,
				_("'%s' must be an index into 'storage.disks' starting at 1, or a path; not '%s'"),
				f->key, v->scalar);
			return;
		}
		*(int *)((char *)base + ref->index) = (int)x;
		return;
	}
	char **path = (char **)((char *)base + ref->path);
	free(*path);
	*path = xstrdup(v->scalar);
}

static const disk_ref partition_disk = {
	offsetof(azl_partition_spec, disk_index),
	offsetof(azl_partition_spec, disk_path),
};

static const field subvolume_fields[] = {
	F_STR("name", azl_subvolume_spec, name),
	F_CHECKED("mount", azl_subvolume_spec, mount, check_mount),
	F_STR("options", azl_subvolume_spec, fs_options),
};

static void h_subvolumes(reader *r, const field *f, const ynode *v, void *base)
{
	azl_partition_spec *p = base;
	read_list_of_maps(r, f, v, &p->subvolumes, &p->n_subvolumes, sizeof(azl_subvolume_spec),
			  offsetof(azl_subvolume_spec, loc), subvolume_fields,
			  ELEMENTSOF(subvolume_fields));
}

/* "format: false": an existing partition's filesystem is kept. */
static void h_format(reader *r, const field *f, const ynode *v, void *base)
{
	bool b;
	if (v->quoted || parse_bool(v->scalar, &b) < 0) {
		diag_error(r->d, v->loc, _("'%s' must be true or false, not '%s'"), f->key,
			   v->scalar);
		return;
	}
	((azl_partition_spec *)base)->keep_fs = !b;
}

static const field partition_fields[] = {
	F_CHECKED("mount", azl_partition_spec, mount, check_mount),
	F("size", YNODE_SCALAR, h_size, azl_partition_spec, size, N_("a size like 1G, 30% or grow"),
	  NULL),
	F_BOOL("grow", azl_partition_spec, grow),
	F("max_size", YNODE_SCALAR, h_max_size, azl_partition_spec, max_bytes,
	  N_("a size like 20G"), NULL),
	F_ENUM("fs", fs, azl_partition_spec, fs),
	F_BOOL("encrypt", azl_partition_spec, encrypt),
	F("disk", YNODE_SCALAR, h_disk_ref, azl_partition_spec, disk_index,
	  N_("a number or a path"), &partition_disk),
	F_STR("label", azl_partition_spec, label),
	F_STR("options", azl_partition_spec, fs_options),
	F_STR("volume_group", azl_partition_spec, volume_group),
	F_STR("raid", azl_partition_spec, raid),
	F_SUB("subvolumes", YNODE_SEQUENCE, h_subvolumes),
	F_STR("existing", azl_partition_spec, existing),
	F("format", YNODE_SCALAR, h_format, azl_partition_spec, keep_fs, N_("true or false"), NULL),
};

static void h_partitions(reader *r, const field *f, const ynode *v, void *base)
{
	azl_storage *s = base;
	read_list_of_maps(r, f, v, &s->partitions, &s->n_partitions, sizeof(azl_partition_spec),
			  offsetof(azl_partition_spec, loc), partition_fields,
			  ELEMENTSOF(partition_fields));
}

static void h_volume_encrypt(reader *r, const field *f, const ynode *v, void *base)
{
	diag_error(
		r->d, v->loc,
		_("a volume is not encrypted on its own; put 'encrypt: true' on the partitions of its volume group (LUKS2 under the physical volume)"));
}

static const field volume_fields[] = {
	F_STR("name", azl_volume_spec, name),
	F_CHECKED("mount", azl_volume_spec, mount, check_mount),
	F("size", YNODE_SCALAR, h_size, azl_volume_spec, size, N_("a size like 10G, 30% or grow"),
	  NULL),
	F_BOOL("grow", azl_volume_spec, grow),
	F("max_size", YNODE_SCALAR, h_max_size, azl_volume_spec, max_bytes, N_("a size like 20G"),
	  NULL),
	F_ENUM("fs", fs, azl_volume_spec, fs),
	F_STR("label", azl_volume_spec, label),
	F_STR("options", azl_volume_spec, fs_options),
	/* Any value: the key itself is the mistake. */
	{.key = "encrypt", .kind = (ynode_kind)-1, .fn = h_volume_encrypt},
};

static void h_volumes(reader *r, const field *f, const ynode *v, void *base)
{
	azl_volume_group *g = base;
	read_list_of_maps(r, f, v, &g->volumes, &g->n_volumes, sizeof(azl_volume_spec),
			  offsetof(azl_volume_spec, loc), volume_fields, ELEMENTSOF(volume_fields));
}

static const field volume_group_fields[] = {
	F_STR("name", azl_volume_group, name),
	F_SUB("volumes", YNODE_SEQUENCE, h_volumes),
};

static void h_volume_groups(reader *r, const field *f, const ynode *v, void *base)
{
	azl_storage *s = base;
	read_list_of_maps(r, f, v, &s->volume_groups, &s->n_volume_groups, sizeof(azl_volume_group),
			  offsetof(azl_volume_group, loc), volume_group_fields,
			  ELEMENTSOF(volume_group_fields));
}

static const int_range range_raid_level = {0, 10};
static const int_range range_raid_spares = {0, 64};

static const field raid_fields[] = {
	F_STR("name", azl_raid_spec, name),
	F("level", YNODE_SCALAR, h_int, azl_raid_spec, level, N_("1, 5, 6 or 10"),
	  &range_raid_level),
	F_STR("metadata", azl_raid_spec, metadata),
	F("spares", YNODE_SCALAR, h_int, azl_raid_spec, spares, N_("a number of members"),
	  &range_raid_spares),
	F_CHECKED("mount", azl_raid_spec, mount, check_mount),
	F_ENUM("fs", fs, azl_raid_spec, fs),
	F_BOOL("encrypt", azl_raid_spec, encrypt),
	F_STR("label", azl_raid_spec, label),
	F_STR("options", azl_raid_spec, fs_options),
	F_STR("volume_group", azl_raid_spec, volume_group),
};

static void h_raids(reader *r, const field *f, const ynode *v, void *base)
{
	azl_storage *s = base;
	read_list_of_maps(r, f, v, &s->raids, &s->n_raids, sizeof(azl_raid_spec),
			  offsetof(azl_raid_spec, loc), raid_fields, ELEMENTSOF(raid_fields));
}

static const field storage_fields[] = {
	F_SUB("disks", YNODE_SEQUENCE, h_disks),
	F_ENUM("wipe", wipe, azl_storage, wipe),
	F_ENUM("table", table, azl_storage, table),
	F_ENUM("layout", layout, azl_storage, layout),
	F_ENUM("filesystem", fs, azl_storage, filesystem),
	F("swap", YNODE_SCALAR, h_swap, azl_storage, swap, N_("a size like 2G, or none"), NULL),
	F_SUB("encryption", YNODE_MAPPING, h_encryption),
	F_SUB("partitions", YNODE_SEQUENCE, h_partitions),
	F_SUB("volume_groups", YNODE_SEQUENCE, h_volume_groups),
	F_SUB("raids", YNODE_SEQUENCE, h_raids),
};

/* --- boot loader -------------------------------------------------------- */

static const int_range range_timeout = {0, 3600};

/* In a flow list, [console=ttyS0,115200] is two items to YAML, but it is
 * one kernel argument to whoever wrote it (DESIGN.md's own example): plain
 * items that only a comma separates are joined back together. */
static void h_kernel_args(reader *r, const field *f, const ynode *v, void *base)
{
	h_strv(r, f, v, base);
	char **l = *AT(base, f, char **);
	size_t k = 0;
	for (size_t i = 0; i < v->n_items; i++) {
		const ynode *it = v->items[i];
		if (it->kind != YNODE_SCALAR || (it->is_null && !it->quoted))
			return; /* already reported; keep the list as read */
		const ynode *prev = i > 0 ? v->items[i - 1] : NULL;
		if (prev && !prev->quoted && !it->quoted && prev->end.line == it->loc.line &&
		    prev->end.col + 1 == it->loc.col) {
			char *joined = xasprintf("%s,%s", l[k - 1], l[k]);
			model_note_loc(r->m, joined, model_value_loc(r->m, l[k - 1], prev->loc));
			free(l[k - 1]);
			l[k - 1] = joined;
			free(l[k]);
			memmove(&l[k], &l[k + 1], (strv_length(l + k + 1) + 1) * sizeof(char *));
			continue;
		}
		k++;
	}
}

static const disk_ref boot_drive_ref = {
	offsetof(azl_bootloader, boot_drive_index),
	offsetof(azl_bootloader, boot_drive_path),
};

static const field bootloader_fields[] = {
	F_ENUM("firmware", firmware, azl_bootloader, firmware),
	F_ENUM("secure_boot", secure_boot, azl_bootloader, secure_boot),
	F("timeout", YNODE_SCALAR, h_int, azl_bootloader, timeout, N_("a number of seconds"),
	  &range_timeout),
	F("kernel_args", YNODE_SEQUENCE, h_kernel_args, azl_bootloader, kernel_args, N_("a list"),
	  NULL),
	F("boot_drive", YNODE_SCALAR, h_disk_ref, azl_bootloader, boot_drive_index,
	  N_("a number or a path"), &boot_drive_ref),
	F_SECRET("password", azl_bootloader, password),
	F_STR("password_hash", azl_bootloader, password_hash),
};

/* --- network ------------------------------------------------------------ */

/* match: {link: true}: false would mean nothing, so it is refused rather
 * than silently read as "no match". */
static void h_true(reader *r, const field *f, const ynode *v, void *base)
{
	bool b;
	if (v->quoted || parse_bool(v->scalar, &b) < 0 || !b) {
		diag_error(r->d, v->loc,
			   _("'%s' can only be true, not '%s'; leave it out to match otherwise"),
			   f->key, v->scalar);
		return;
	}
	*AT(base, f, bool) = true;
}

static const field iface_match_fields[] = {
	F_CHECKED("mac", azl_interface, match_mac, check_mac),
	F("link", YNODE_SCALAR, h_true, azl_interface, match_link, N_("true"), NULL),
	F("bootif", YNODE_SCALAR, h_true, azl_interface, match_bootif, N_("true"), NULL),
};

static void h_iface_match(reader *r, const field *f, const ynode *v, void *base)
{
	read_map(r, v, iface_match_fields, ELEMENTSOF(iface_match_fields), base);
}

static const int_range range_vlan = {1, 4094};

static const field vlan_fields[] = {
	F("id", YNODE_SCALAR, h_int, azl_interface, vlan_id, N_("a number from 1 to 4094"),
	  &range_vlan),
	F_STR("link", azl_interface, vlan_link),
};

static void h_vlan(reader *r, const field *f, const ynode *v, void *base)
{
	read_map(r, v, vlan_fields, ELEMENTSOF(vlan_fields), base);
	if (!ynode_get(v, "id"))
		diag_error(r->d, v->loc, _("'vlan' needs an 'id' from 1 to 4094"));
}

static void h_bond_options(reader *r, const field *f, const ynode *v, void *base)
{
	azl_bond *b = base;
	strv_free(b->options);
	b->options = xzalloc(sizeof(char *));
	if (v->kind == YNODE_SEQUENCE) {
		h_strv(r, f, v, base);
		return;
	}
	if (v->kind != YNODE_MAPPING) {
		diag_error(r->d, v->loc,
			   _("'options' must be a list like [miimon=100] or a mapping, not %s"),
			   _(ynode_kind_name(v->kind)));
		return;
	}
	/* {miimon: 100} is kept as "miimon=100", the form the list takes. */
	for (size_t i = 0; i < v->n_pairs; i++) {
		const ynode *val = v->pairs[i].value;
		if (val->kind != YNODE_SCALAR) {
			diag_error(r->d, val->loc,
				   _("bond option '%s' must be a single value, not %s"),
				   v->pairs[i].key->scalar, _(ynode_kind_name(val->kind)));
			continue;
		}
		char *o = xasprintf("%s=%s", v->pairs[i].key->scalar, val->scalar);
		model_note_loc(r->m, o, v->pairs[i].key->loc);
		strv_push(&b->options, o);
	}
}

static const field bond_fields[] = {
	F_STRV("interfaces", azl_bond, slaves),
	F_STR("mode", azl_bond, mode),
	{.key = "options",
	 .kind = (ynode_kind)-1,
	 .fn = h_bond_options,
	 .offset = offsetof(azl_bond, options),
	 .what = N_("a list")},
};

static void h_bond(reader *r, const field *f, const ynode *v, void *base)
{
	azl_bond *b = &((azl_interface *)base)->bond;
	read_map(r, v, bond_fields, ELEMENTSOF(bond_fields), b);
	if (!b->slaves || !b->slaves[0])
		diag_error(r->d, v->loc, _("'bond' needs 'interfaces', the list of its members"));
}

/* ipv6: true (the default) or false; the model keeps the exception. */
static void h_ipv6(reader *r, const field *f, const ynode *v, void *base)
{
	bool on = true;
	field one = *f;
	one.offset = 0;
	h_bool(r, &one, v, &on);
	((azl_interface *)base)->no_ipv6 = !on;
}

static const field interface_fields[] = {
	F_STR("name", azl_interface, name),
	F_SUB("match", YNODE_MAPPING, h_iface_match),
	F_BOOL("dhcp4", azl_interface, dhcp4),
	F_BOOL("dhcp6", azl_interface, dhcp6),
	{.key = "ipv6", .kind = YNODE_SCALAR, .fn = h_ipv6, .what = N_("true or false")},
	F_STRV("addresses", azl_interface, addresses),
	F_STR("gateway4", azl_interface, gateway4),
	F_STR("gateway6", azl_interface, gateway6),
	F_STRV("dns", azl_interface, dns),
	F_SUB("vlan", YNODE_MAPPING, h_vlan),
	F_SUB("bond", YNODE_MAPPING, h_bond),
	F_BOOL("activate", azl_interface, activate),
};

static void h_interfaces(reader *r, const field *f, const ynode *v, void *base)
{
	azl_network *n = base;
	read_list_of_maps(r, f, v, &n->interfaces, &n->n_interfaces, sizeof(azl_interface),
			  offsetof(azl_interface, loc), interface_fields,
			  ELEMENTSOF(interface_fields));
}

static const field network_fields[] = {
	F_SUB("interfaces", YNODE_SEQUENCE, h_interfaces),
};

/* --- accounts ----------------------------------------------------------- */

static const field root_fields[] = {
	F_BOOL("lock", azl_root_account, lock),
	F_BOOL("allow_ssh", azl_root_account, allow_ssh),
	F_SECRET("password", azl_root_account, password),
	F_STR("password_hash", azl_root_account, password_hash),
	F_STRV("ssh_authorized_keys", azl_root_account, ssh_authorized_keys),
};

static void h_root(reader *r, const field *f, const ynode *v, void *base)
{
	azl_root_account *root = &((azl_accounts *)base)->root;
	root->loc = v->loc;
	read_map(r, v, root_fields, ELEMENTSOF(root_fields), root);
	/* Giving root a password means logging in with it, unless the file
	 * says to lock the account anyway. */
	if (!ynode_get(v, "lock") && (root->password || root->password_hash))
		root->lock = false;
}

static const int_range range_uid = {1, 4294967294LL};

static const field user_fields[] = {
	F_STR("name", azl_user, name),
	F_STR("gecos", azl_user, gecos),
	F("uid", YNODE_SCALAR, h_u32, azl_user, uid, N_("a number"), &range_uid),
	F_STR("shell", azl_user, shell),
	F_STR("home", azl_user, home),
	F_SECRET("password", azl_user, password),
	F_STR("password_hash", azl_user, password_hash),
	F_STRV("groups", azl_user, groups),
	F_STRV("ssh_authorized_keys", azl_user, ssh_authorized_keys),
};

static void h_users(reader *r, const field *f, const ynode *v, void *base)
{
	azl_accounts *a = base;
	read_list_of_maps(r, f, v, &a->users, &a->n_users, sizeof(azl_user),
			  offsetof(azl_user, loc), user_fields, ELEMENTSOF(user_fields));
}

static const field accounts_fields[] = {
	F_SUB("root", YNODE_MAPPING, h_root),
	F_SUB("users", YNODE_SEQUENCE, h_users),
};

/* --- packages, services, scripts ---------------------------------------- */

static const int_range range_priority = {1, 99};

static const field repo_fields[] = {
	F_STR("name", azl_repo, name),
	F_STR("baseurl", azl_repo, baseurl),
	F_STR("mirrorlist", azl_repo, mirrorlist),
	F_STR("metalink", azl_repo, metalink),
	F_BOOL("gpgcheck", azl_repo, gpgcheck),
	F("priority", YNODE_SCALAR, h_int, azl_repo, priority, N_("a number from 1 to 99"),
	  &range_priority),
	F_STR("gpgkey", azl_repo, gpgkey),
	F_STR("gpgkey_fingerprint", azl_repo, gpgkey_fingerprint),
	F_STR("preset", azl_repo, preset),
};

static void h_repos(reader *r, const field *f, const ynode *v, void *base)
{
	azl_packages *p = base;
	for (size_t i = 0; i < v->n_items; i++) {
		const ynode *item = v->items[i];
		if (!entry_is(r, f, item, YNODE_MAPPING))
			continue;
		azl_repo *repo = xappend(&p->repos, &p->n_repos, sizeof(*repo));
		/* Defaults first, so the file overrides them. */
		repo->gpgcheck = true;
		repo->priority = 99;
		repo->loc = item->loc;
		read_map(r, item, repo_fields, ELEMENTSOF(repo_fields), repo);
	}
}

static const field image_fields[] = {
	F_STR("url", azl_image, url),
	F_STR("checksum", azl_image, checksum),
	F_STR("ca_cert", azl_image, ca_cert),
};

static void h_image(reader *r, const field *f, const ynode *v, void *base)
{
	azl_packages *p = base;
	p->image.loc = v->loc;
	read_map(r, v, image_fields, ELEMENTSOF(image_fields), &p->image);
	if (!p->image.url)
		diag_error(r->d, v->loc, _("'image' needs 'url', where the image is"));
}

static const field packages_fields[] = {
	F_SUB("repos", YNODE_SEQUENCE, h_repos),
	F_SUB("image", YNODE_MAPPING, h_image),
	F_STRV("install", azl_packages, install),
	F_STRV("exclude", azl_packages, exclude),
	F_BOOL("ignore_missing", azl_packages, ignore_missing),
	F_BOOL("install_weak_deps", azl_packages, install_weak_deps),
	F_BOOL("exclude_docs", azl_packages, exclude_docs),
	F_STR("install_langs", azl_packages, install_langs),
};

static const field firewall_fields[] = {
	F_STRV("services", azl_firewall, services),
	F_STRV("ports", azl_firewall, ports),
	F_STRV("trusted", azl_firewall, trusted),
	F_STRV("remove_services", azl_firewall, remove_services),
};

static void h_firewall(reader *r, const field *f, const ynode *v, void *base)
{
	read_map(r, v, firewall_fields, ELEMENTSOF(firewall_fields),
		 &((azl_services *)base)->firewall);
}

static const field services_fields[] = {
	F_STRV("enable", azl_services, enable),
	F_STRV("disable", azl_services, disable),
	{.key = "firewall", .kind = YNODE_MAPPING, .fn = h_firewall, .what = N_("a mapping")},
};

static void h_not_chroot(reader *r, const field *f, const ynode *v, void *base)
{
	diag_error(
		r->d, v->loc,
		_("'chroot' is only for 'post' scripts; 'pre' and 'error' scripts run in the live environment"));
}

#define SCRIPT_FIELDS(chroot_fn)                                                                   \
	F_STR("interpreter", azl_script, interpreter), F_STR("run", azl_script, run),              \
		F("chroot", YNODE_SCALAR, chroot_fn, azl_script, chroot, N_("true or false"),      \
		  NULL),                                                                           \
		F_BOOL("ignore_errors", azl_script, ignore_errors), F_STR("log", azl_script, log)

static const field script_fields[] = {SCRIPT_FIELDS(h_not_chroot)};
static const field post_script_fields[] = {SCRIPT_FIELDS(h_bool)};

typedef struct script_list {
	size_t array, count; /* offsets in azl_scripts */
	const field *fields;
	size_t n_fields;
} script_list;

static const script_list list_pre = {offsetof(azl_scripts, pre), offsetof(azl_scripts, n_pre),
				     script_fields, ELEMENTSOF(script_fields)};
static const script_list list_post = {offsetof(azl_scripts, post), offsetof(azl_scripts, n_post),
				      post_script_fields, ELEMENTSOF(post_script_fields)};
static const script_list list_error = {offsetof(azl_scripts, error), offsetof(azl_scripts, n_error),
				       script_fields, ELEMENTSOF(script_fields)};

static void h_script_list(reader *r, const field *f, const ynode *v, void *base)
{
	const script_list *sl = f->data;
	char *s = base;
	read_list_of_maps(r, f, v, s + sl->array, (size_t *)(s + sl->count), sizeof(azl_script),
			  offsetof(azl_script, loc), sl->fields, sl->n_fields);
}

static const field scripts_fields[] = {
	{.key = "pre",
	 .kind = YNODE_SEQUENCE,
	 .fn = h_script_list,
	 .what = N_("a list"),
	 .data = &list_pre},
	{.key = "post",
	 .kind = YNODE_SEQUENCE,
	 .fn = h_script_list,
	 .what = N_("a list"),
	 .data = &list_post},
	{.key = "error",
	 .kind = YNODE_SEQUENCE,
	 .fn = h_script_list,
	 .what = N_("a list"),
	 .data = &list_error},
};

/* --- time --------------------------------------------------------------- */

static void h_ntp_enabled(reader *r, const field *f, const ynode *v, void *base)
{
	bool enabled = true;
	h_bool(r, f, v, &enabled);
	((azl_ntp *)base)->disabled = !enabled;
}

/* Checked here, where each entry still has its line and column;
 * model_validate() repeats the check for the other readers. */
static void h_time_sources(reader *r, const field *f, const ynode *v, void *base)
{
	h_strv(r, f, v, base);
	for (size_t i = 0; i < v->n_items; i++) {
		const ynode *it = v->items[i];
		if (it->kind == YNODE_SCALAR && (!it->is_null || it->quoted) &&
		    !time_source_is_valid(it->scalar))
			diag_error(r->d, it->loc,
				   _("'%s' in '%s' is neither a host name nor an IP address"),
				   it->scalar, f->key);
	}
}

static const field ntp_fields[] = {
	F("servers", YNODE_SEQUENCE, h_time_sources, azl_ntp, servers, N_("a list"), NULL),
	F("pools", YNODE_SEQUENCE, h_time_sources, azl_ntp, pools, N_("a list"), NULL),
	{.key = "enabled", .kind = YNODE_SCALAR, .fn = h_ntp_enabled, .what = N_("true or false")},
};

/* --- top level ---------------------------------------------------------- */

static const char *const interactive_sections[] = {
	"language", "keyboard", "timezone", "storage", "network", "accounts", "packages", "*",
};

static void h_interactive(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	char **l = xzalloc(sizeof(char *));
	/* interactive: "*" is the short form of interactive: ["*"]. */
	const ynode *const *items = (const ynode *const *)v->items;
	size_t n = v->n_items;
	if (v->kind == YNODE_SCALAR) {
		items = &v;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		const ynode *it = items[i];
		if (!entry_is(r, f, it, YNODE_SCALAR))
			continue;
		bool known = false;
		for (size_t k = 0; k < ELEMENTSOF(interactive_sections); k++)
			known = known || strcmp(it->scalar, interactive_sections[k]) == 0;
		if (!known) {
			diag_error(
				r->d, it->loc,
				_("'%s' is not a section of the installer; use language, keyboard, timezone, storage, network, accounts, packages or \"*\""),
				it->scalar);
			continue;
		}
		strv_push(&l, xstrdup(it->scalar));
	}
	strv_free(m->interactive);
	m->interactive = l;
}

#define F_SECTION(key_, fn_)                                                                       \
	{                                                                                          \
		.key = key_, .kind = YNODE_MAPPING, .fn = fn_, .what = N_("a mapping")             \
	}

static void h_ntp(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->ntp.loc = v->loc;
	read_map(r, v, ntp_fields, ELEMENTSOF(ntp_fields), &m->ntp);
}

static void h_storage(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->has_storage = true;
	m->storage.loc = v->loc;
	read_map(r, v, storage_fields, ELEMENTSOF(storage_fields), &m->storage);
}

static void h_bootloader(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->bootloader.loc = v->loc;
	read_map(r, v, bootloader_fields, ELEMENTSOF(bootloader_fields), &m->bootloader);
}

static void h_network(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->has_network = true;
	m->network.loc = v->loc;
	read_map(r, v, network_fields, ELEMENTSOF(network_fields), &m->network);
}

static void h_accounts(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->has_accounts = true;
	m->accounts.loc = v->loc;
	read_map(r, v, accounts_fields, ELEMENTSOF(accounts_fields), &m->accounts);
}

static void h_packages(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->has_packages = true;
	m->packages.loc = v->loc;
	read_map(r, v, packages_fields, ELEMENTSOF(packages_fields), &m->packages);
	const ynode *install = ynode_get(v, "install");
	if (install)
		m->packages.install_loc = install->loc;
}

static void h_services(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	read_map(r, v, services_fields, ELEMENTSOF(services_fields), &m->services);
}

static void h_scripts(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	read_map(r, v, scripts_fields, ELEMENTSOF(scripts_fields), &m->scripts);
}

/* --- reporting ---------------------------------------------------------- */

/* headers: {Name: value}: every value may be a token, so every value is a
 * secret: hidden in diagnostics, never written back. */
static void h_headers(reader *r, const field *f, const ynode *v, void *base)
{
	azl_webhook *w = base;
	for (size_t i = 0; i < v->n_pairs; i++) {
		const ynode *k = v->pairs[i].key, *val = v->pairs[i].value;
		remember_secret(r, k->scalar, val);
		if (val->kind != YNODE_SCALAR || (val->is_null && !val->quoted)) {
			diag_error(r->d, val->loc, _("header '%s' must be a string"), k->scalar);
			continue;
		}
		azl_report_header *h = xappend(&w->headers, &w->n_headers, sizeof(*h));
		h->name = xstrdup(k->scalar);
		h->value = secret_new(val->scalar, strlen(val->scalar));
		h->loc = k->loc;
		model_note_loc(r->m, h->name, k->loc);
		model_note_loc(r->m, h->value, val->loc);
	}
}

/* curtin's and cloud-init's MAAS credentials: OAuth 1.0 signing, which
 * this installer does not do. */
static void h_oauth(reader *r, const field *f, const ynode *v, void *base)
{
	diag_error(
		r->d, r->key->loc,
		_("'%s': OAuth signing (MAAS) is not supported; send a token with headers: {Authorization: \"Bearer ...\"}"),
		f->key);
}

#define F_OAUTH(key_)                                                                              \
	{                                                                                          \
		.key = key_, .kind = (ynode_kind)-1, .fn = h_oauth, .what = N_("a string"),        \
		.secret = true                                                                     \
	}

static const field webhook_fields[] = {
	F_STR("type", azl_webhook, type),
	F_STR("endpoint", azl_webhook, endpoint),
	F_SUB("headers", YNODE_MAPPING, h_headers),
	F_STR("level", azl_webhook, level),
	F_OAUTH("consumer_key"),
	F_OAUTH("consumer_secret"),
	F_OAUTH("token_key"),
	F_OAUTH("token_secret"),
};

static void h_reporting(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->reporting.loc = v->loc;
	for (size_t i = 0; i < v->n_pairs; i++) {
		const ynode *k = v->pairs[i].key, *val = v->pairs[i].value;
		if (val->kind != YNODE_MAPPING) {
			diag_error(
				r->d, val->loc,
				_("reporting '%s' must be a mapping ({type: webhook, endpoint: URL}), not %s"),
				k->scalar, _(ynode_kind_name(val->kind)));
			continue;
		}
		azl_webhook *w = xappend(&m->reporting.hooks, &m->reporting.n_hooks, sizeof(*w));
		w->name = xstrdup(k->scalar);
		w->loc = k->loc;
		model_note_loc(r->m, w->name, k->loc);
		read_map(r, val, webhook_fields, ELEMENTSOF(webhook_fields), w);
	}
}

/* --- logging (kickstart logging) ----------------------------------------- */

static const int_range range_port = {1, 65535};

static const field logging_fields[] = {
	F_STR("host", azl_logging, host),
	F("port", YNODE_SCALAR, h_int, azl_logging, port, N_("a port number from 1 to 65535"),
	  &range_port),
	F_STR("level", azl_logging, level),
};

static void h_logging(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	m->logging.loc = v->loc;
	read_map(r, v, logging_fields, ELEMENTSOF(logging_fields), &m->logging);
}

/* --- certificates (kickstart %certificate) ------------------------------ */

static const field certificate_fields[] = {
	F_STR("filename", azl_certificate, filename),
	F_STR("dir", azl_certificate, dir),
	F_STR("pem", azl_certificate, pem),
};

static void h_certificates(reader *r, const field *f, const ynode *v, void *base)
{
	azl_model *m = base;
	read_list_of_maps(r, f, v, &m->certificates, &m->n_certificates, sizeof(azl_certificate),
			  offsetof(azl_certificate, loc), certificate_fields,
			  ELEMENTSOF(certificate_fields));
}

static const field top_fields[] = {
	{.key = "version", .kind = YNODE_SCALAR, .fn = h_ignore},
	F_CHECKED("locale", azl_model, locale, check_locale),
	F_CHECKED("keyboard", azl_model, keyboard, check_keymap),
	F("timezone", YNODE_SCALAR, h_timezone, azl_model, timezone, N_("a string"), NULL),
	F_CHECKED("hostname", azl_model, hostname, check_hostname),
	F_SECTION("ntp", h_ntp),
	F_SECTION("storage", h_storage),
	F_SECTION("bootloader", h_bootloader),
	F_SECTION("network", h_network),
	F_SECTION("accounts", h_accounts),
	F_SECTION("packages", h_packages),
	F_SECTION("services", h_services),
	F_ENUM("selinux", selinux, azl_model, selinux),
	F_SECTION("scripts", h_scripts),
	{.key = "interactive", .kind = (ynode_kind)-1, .fn = h_interactive, .what = N_("a list")},
	F_ENUM("finish", finish, azl_model, finish),
	F_SECTION("reporting", h_reporting),
	F_SECTION("logging", h_logging),
	{.key = "certificates", .kind = YNODE_SEQUENCE, .fn = h_certificates, .what = N_("a list")},
};

/* --- the driver --------------------------------------------------------- */

static void unknown_key(reader *r, const ynode *key, const field *fields, size_t n_fields)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < n_fields; i++) {
		size_t dist = edit_distance(key->scalar, fields[i].key);
		if (dist < best_d) {
			best_d = dist;
			best = fields[i].key;
		}
	}
	if (best)
		diag_error(r->d, key->loc, _("unknown key '%s'; did you mean '%s'?"), key->scalar,
			   best);
	else
		diag_error(
			r->d, key->loc,
			_("unknown key '%s'; see the answer-file reference for the keys allowed here"),
			key->scalar);
}

/* A key that is no key of the format but may be a misspelt password or
 * passphrase ("pasword", "passphrse", "Password"): its value is hidden
 * like a secret's. */
static bool key_looks_secret(const char *key)
{
	static const char *const secrets[] = {"password", "passphrase"};
	_cleanup_free_ char *low = xstrdup(key);
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (strstr(low, "pass") || strstr(low, "secret") || strstr(low, "pw"))
		return true;
	for (size_t i = 0; i < ELEMENTSOF(secrets); i++)
		if (edit_distance(low, secrets[i]) <= 3)
			return true;
	return false;
}

/* Mappings where any unknown key is taken for a secret: the ones that
 * hold passwords and passphrases. */
static bool fields_hold_secrets(const field *fields)
{
	return fields == root_fields || fields == user_fields || fields == accounts_fields ||
	       fields == encryption_fields || fields == webhook_fields;
}

static void read_map(reader *r, const ynode *n, const field *fields, size_t n_fields, void *base)
{
	for (size_t i = 0; i < n->n_pairs; i++) {
		const ynode *k = n->pairs[i].key, *v = n->pairs[i].value;
		const field *f = NULL;
		for (size_t j = 0; j < n_fields && !f; j++)
			if (strcmp(k->scalar, fields[j].key) == 0)
				f = &fields[j];
		if (!f) {
			if (fields_hold_secrets(fields) || key_looks_secret(k->scalar))
				remember_secret(r, k->scalar, v);
			unknown_key(r, k, fields, n_fields);
			continue;
		}
		if (f->secret)
			remember_secret(r, f->key, v);

		/* "key:" with nothing after it is an empty list or mapping. */
		ynode empty = {.kind = f->kind, .loc = v->loc, .end = v->end};
		if ((f->kind == YNODE_MAPPING || f->kind == YNODE_SEQUENCE) &&
		    v->kind == YNODE_SCALAR && v->is_null && !v->quoted)
			v = &empty;

		if ((int)f->kind >= 0 && v->kind != f->kind) {
			diag_error(r->d, v->loc, _("'%s' must be %s, not %s"), f->key, _(f->what),
				   _(ynode_kind_name(v->kind)));
			continue;
		}
		r->key = k;
		f->fn(r, f, v, base);
	}
}

/* Where a password or passphrase sits, the quoted source line would show
 * it: both the lines the reader saw a secret on and, for files it could
 * not parse, any line that looks like "KEY: ..." with a KEY that is or
 * looks like a secret's ("password", "pasword", "passphrse"). Returns the
 * key, allocated, or NULL. */
static char *secret_key_on_line(const reader *r, int line)
{
	for (size_t i = 0; i < r->n_secrets; i++)
		if (line >= r->secrets[i].first && line <= r->secrets[i].last)
			return xstrdup(r->secrets[i].key);
	size_t len;
	const char *s = source_line(r->src, line, &len);
	if (!s)
		return NULL;
	for (const char *p = s; p < s + len;) {
		const char *w = p;
		while (p < s + len && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				       *p == '_' || *p == '-'))
			p++;
		if (p == w) {
			p++;
			continue;
		}
		_cleanup_free_ char *word = xstrndup(w, (size_t)(p - w));
		const char *q = p;
		while (q < s + len && (*q == '"' || *q == '\'' || *q == ' ' || *q == '\t'))
			q++;
		if (q < s + len && *q == ':' && key_looks_secret(word))
			return TAKE_PTR(word);
	}
	return NULL;
}

static void hide_secrets(reader *r, size_t first_diag)
{
	for (size_t i = first_diag; i < r->d->n; i++) {
		azl_diag *it = &r->d->items[i];
		if (it->loc.file != r->src->path || it->loc.line < 1)
			continue;
		_cleanup_free_ char *key = secret_key_on_line(r, it->loc.line);
		if (key) {
			_cleanup_free_ char *shown = xasprintf("%s: <hidden>", key);
			diag_hide_source(it, shown);
		}
	}
}

static int read_doc(reader *r, const ynode *root)
{
	if (root->kind == YNODE_SCALAR && root->is_null) {
		diag_error(r->d, root->loc,
			   _("the answer file is empty; it needs at least 'version: 1'"));
		return -EINVAL;
	}
	if (root->kind != YNODE_MAPPING) {
		diag_error(r->d, root->loc,
			   _("the answer file must be a mapping of keys like 'version: 1', not %s"),
			   _(ynode_kind_name(root->kind)));
		return -EINVAL;
	}
	const ynode *v = ynode_get(root, "version");
	if (!v) {
		diag_error(r->d, root->loc, _("the answer file needs 'version: 1'"));
		return -EINVAL;
	}
	if (v->kind != YNODE_SCALAR || v->quoted || strcmp(v->scalar, "1") != 0) {
		diag_error(
			r->d, v->loc,
			_("unsupported answer file version '%s'; this installer reads 'version: 1'"),
			v->kind == YNODE_SCALAR ? v->scalar : "?");
		return -EINVAL;
	}
	read_map(r, root, top_fields, ELEMENTSOF(top_fields), r->m);
	return 0;
}

static int read_source(const azl_source *src, const char *zoneinfo_dir,
		       const azl_model_overrides *ov, azl_diags *d, azl_model **ret)
{
	size_t first_diag = d->n, errors = diags_errors(d);
	_cleanup_model_ azl_model *m = model_new();
	reader r = {
		.d = d,
		.src = src,
		.zoneinfo_dir = zoneinfo_dir,
		.m = m,
	};

	_cleanup_ynode_ ynode *root = ydoc_load(src, d);
	if (root && read_doc(&r, root) >= 0 && diags_errors(d) == errors) {
		model_apply_overrides(m, ov);
		(void)model_validate(m, d, zoneinfo_dir);
	}
	hide_secrets(&r, first_diag);
	free(r.secrets);
	if (!root || diags_errors(d) != errors)
		return -EINVAL;
	*ret = TAKE_PTR(m);
	return 0;
}

int answers_read_text(const char *name, const char *text, size_t len, const char *zoneinfo_dir,
		      azl_diags *d, azl_model **ret)
{
	return answers_read_text_with(name, text, len, zoneinfo_dir, NULL, d, ret);
}

int answers_read_text_with(const char *name, const char *text, size_t len, const char *zoneinfo_dir,
			   const azl_model_overrides *ov, azl_diags *d, azl_model **ret)
{
	azl_source *src = diags_add_source(d, source_new(name, text, len));
	return read_source(src, zoneinfo_dir, ov, d, ret);
}

int answers_read_file(const char *path, const char *zoneinfo_dir, azl_diags *d, azl_model **ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file_bounded(path, YDOC_MAX_FILE_SIZE, &text, &len);
	if (r == -EFBIG) {
		diag_error(d, ((azl_loc){NULL, 0, 0}),
			   _("'%s' is larger than %u bytes; an answer file is much smaller"), path,
			   YDOC_MAX_FILE_SIZE);
		return -EINVAL;
	}
	if (r < 0) {
		diag_error(d, ((azl_loc){NULL, 0, 0}), _("cannot read the answer file '%s': %s"),
			   path, strerror(-r));
		return r;
	}
	return answers_read_text(path, text, len, zoneinfo_dir, d, ret);
}
