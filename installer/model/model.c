/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "model.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "util.h"

/* --- enumerations ------------------------------------------------------- */

#define ENUM_STRINGS(name, type, ...)                                                              \
	static const char *const name##_names[] = {__VA_ARGS__};                                   \
	const char *name##_to_string(type v)                                                       \
	{                                                                                          \
		return (size_t)v < ELEMENTSOF(name##_names) ? name##_names[v] : NULL;              \
	}                                                                                          \
	int name##_from_string(const char *s, type *ret)                                           \
	{                                                                                          \
		for (size_t i = 0; s && i < ELEMENTSOF(name##_names); i++)                         \
			if (name##_names[i] && strcmp(s, name##_names[i]) == 0) {                  \
				*ret = (type)i;                                                    \
				return 0;                                                          \
			}                                                                          \
		return -EINVAL;                                                                    \
	}

ENUM_STRINGS(wipe, azl_wipe, "all", "linux", "none")
ENUM_STRINGS(table, azl_table, "gpt", "msdos")
ENUM_STRINGS(layout, azl_layout, "lvm", "plain")
ENUM_STRINGS(fs, azl_fs, NULL, "ext4", "xfs", "vfat", "swap", "btrfs")
ENUM_STRINGS(firmware, azl_firmware, "auto", "uefi", "bios")
ENUM_STRINGS(secure_boot, azl_secure_boot, "auto", "required", "off")
ENUM_STRINGS(selinux, azl_selinux, "enforcing", "permissive", "disabled")
ENUM_STRINGS(finish, azl_finish, "reboot", "poweroff", "shell", "wait")

/* --- sizes -------------------------------------------------------------- */

static int unit_shift(const char *u, unsigned *ret)
{
	static const struct {
		const char *names[4];
		unsigned shift;
	} units[] = {
		{{"", "B", NULL, NULL}, 0},	{{"K", "KiB", "k", NULL}, 10},
		{{"M", "MiB", NULL, NULL}, 20}, {{"G", "GiB", NULL, NULL}, 30},
		{{"T", "TiB", NULL, NULL}, 40},
	};
	for (size_t i = 0; i < ELEMENTSOF(units); i++)
		for (size_t k = 0; k < 4 && units[i].names[k]; k++)
			if (strcmp(u, units[i].names[k]) == 0) {
				*ret = units[i].shift;
				return 0;
			}
	return -EINVAL;
}

/* Parses "123" or "1.5" into a value scaled by 10^frac_digits_max,
 * exactly: sizes never go through floating point. */
static int parse_decimal(const char **p, uint64_t *ret_int, uint64_t *ret_frac,
			 unsigned *ret_frac_digits)
{
	const char *s = *p;
	uint64_t v = 0, frac = 0;
	unsigned fd = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t digit = (uint64_t)(*s - '0');
		if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && digit > UINT64_MAX % 10))
			return -ERANGE;
		v = v * 10 + digit;
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (fd >= 6)
				return -ERANGE;
			frac = frac * 10 + (uint64_t)(*s - '0');
			fd++;
		}
	}
	*ret_int = v;
	*ret_frac = frac;
	*ret_frac_digits = fd;
	*p = s;
	return 0;
}

int size_parse(const char *s, azl_size *ret, const char **ret_why)
{
	const char *why = NULL;
	if (!s || !*s) {
		why = "a size is needed, like 512M, 1G, 30% or grow";
		goto fail;
	}
	if (strcmp(s, "grow") == 0) {
		*ret = (azl_size){.kind = AZL_SIZE_GROW};
		return 0;
	}
	const char *p = s;
	uint64_t iv, frac;
	unsigned fd;
	int r = parse_decimal(&p, &iv, &frac, &fd);
	if (r == -ERANGE) {
		why = "the number is too large or has too many decimals";
		goto fail;
	}
	if (r < 0) {
		why = "a size starts with a number, like 512M, 1.5GiB or 30%";
		goto fail;
	}
	uint64_t scale = 1;
	for (unsigned i = 0; i < fd; i++)
		scale *= 10;
	if (strcmp(p, "%") == 0) {
		/* hundredths of a percent */
		if (fd > 2) {
			why = "percentages take at most two decimals";
			goto fail;
		}
		uint64_t hund = iv * 100 + frac * (fd == 1 ? 10 : 1);
		if (iv > 100 || hund > 10000 || hund == 0) {
			why = "a percentage is between 0 and 100%, like 30%";
			goto fail;
		}
		*ret = (azl_size){.kind = AZL_SIZE_PERCENT, .percent = (uint32_t)hund};
		return 0;
	}
	unsigned shift;
	if (unit_shift(p, &shift) < 0) {
		why = "unknown unit; use K, M, G or T (binary: 1G = 1024M), or %";
		goto fail;
	}
	if (shift < 64 && iv > (UINT64_MAX >> shift)) {
		why = "the size is too large";
		goto fail;
	}
	uint64_t bytes = iv << shift;
	if (fd > 0) {
		/* frac/scale of a unit; a fraction of a byte is refused. */
		uint64_t unit = (uint64_t)1 << shift;
		if (frac > 0 && unit % scale != 0 && (frac * unit) % scale != 0) {
			why = "the size is not a whole number of bytes";
			goto fail;
		}
		bytes += frac * unit / scale;
	}
	*ret = (azl_size){.kind = AZL_SIZE_BYTES, .bytes = bytes};
	return 0;
fail:
	if (ret_why)
		*ret_why = why;
	return -EINVAL;
}

char *size_format_bytes(uint64_t bytes)
{
	static const char units[] = {'T', 'G', 'M', 'K'};
	static const unsigned shifts[] = {40, 30, 20, 10};
	if (bytes == 0)
		return xstrdup("0");
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		uint64_t u = (uint64_t)1 << shifts[i];
		if (bytes % u == 0)
			return xasprintf("%" PRIu64 "%c", bytes / u, units[i]);
	}
	return xasprintf("%" PRIu64, bytes);
}

char *size_format(const azl_size *s)
{
	switch (s->kind) {
	case AZL_SIZE_BYTES:
		return size_format_bytes(s->bytes);
	case AZL_SIZE_PERCENT:
		if (s->percent % 100 == 0)
			return xasprintf("%u%%", s->percent / 100);
		if (s->percent % 10 == 0)
			return xasprintf("%u.%u%%", s->percent / 100, (s->percent % 100) / 10);
		return xasprintf("%u.%02u%%", s->percent / 100, s->percent % 100);
	case AZL_SIZE_GROW:
		return xstrdup("grow");
	case AZL_SIZE_UNSET:
		break;
	}
	return NULL;
}

char *size_human(uint64_t bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	size_t i = 0;
	uint64_t whole = bytes, rem = 0;
	while (whole >= 1024 && i + 1 < ELEMENTSOF(units)) {
		rem = whole % 1024;
		whole /= 1024;
		i++;
	}
	if (i == 0)
		return xasprintf("%" PRIu64 " B", bytes);
	unsigned tenth = (unsigned)((rem * 10 + 512) / 1024);
	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	/* 1023.96 MiB rounds to 1024 MiB, which people read as 1 GiB. */
	if (whole == 1024 && i + 1 < ELEMENTSOF(units)) {
		whole = 1;
		i++;
	}
	if (tenth == 0)
		return xasprintf("%" PRIu64 " %s", whole, units[i]);
	return xasprintf("%" PRIu64 ".%u %s", whole, tenth, units[i]);
}

/* --- constructors and destructors --------------------------------------- */

bool model_asks_storage(const azl_model *m)
{
	return strv_contains(m->interactive, "storage") || strv_contains(m->interactive, "*");
}

bool model_storage_unanswered(const azl_model *m)
{
	const azl_storage *s = &m->storage;
	if (!model_asks_storage(m))
		return false;
	if (!m->has_storage)
		return true;
	bool wanted = s->n_partitions == 0 && s->encryption.enabled;
	for (size_t i = 0; i < s->n_partitions; i++)
		wanted |= s->partitions[i].encrypt;
	return wanted && !s->encryption.passphrase && !s->encryption.passphrase_file;
}

azl_model *model_new(void)
{
	azl_model *m = xzalloc(sizeof(*m));
	m->version = 1;
	m->locale = xstrdup("en_US.UTF-8");
	m->keyboard = xstrdup("us");
	m->timezone = xstrdup("UTC");
	m->hostname = xstrdup("azurelinux");
	m->storage.wipe = AZL_WIPE_ALL;
	m->storage.table = AZL_TABLE_GPT;
	m->storage.layout = AZL_LAYOUT_LVM;
	m->storage.filesystem = AZL_FS_EXT4;
	m->storage.swap = true;
	m->bootloader.firmware = AZL_FIRMWARE_AUTO;
	m->bootloader.timeout = 5;
	m->accounts.root.lock = true;
	strv_push(&m->packages.install, xstrdup("@minimal"));
	m->packages.install_weak_deps = true;
	m->selinux = AZL_SELINUX_ENFORCING;
	m->finish = AZL_FINISH_REBOOT;
	return m;
}

void disk_spec_done(azl_disk_spec *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->match_serial);
	free(d->match_model);
	*d = (azl_disk_spec){0};
}

void subvolume_spec_done(azl_subvolume_spec *v)
{
	if (!v)
		return;
	free(v->name);
	free(v->mount);
	free(v->fs_options);
	*v = (azl_subvolume_spec){0};
}

void partition_spec_done(azl_partition_spec *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_subvolumes; i++)
		subvolume_spec_done(&p->subvolumes[i]);
	free(p->subvolumes);
	free(p->mount);
	free(p->disk_path);
	free(p->label);
	free(p->fs_options);
	free(p->volume_group);
	free(p->raid);
	free(p->existing);
	*p = (azl_partition_spec){0};
}

void raid_spec_done(azl_raid_spec *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->metadata);
	free(r->mount);
	free(r->label);
	free(r->fs_options);
	free(r->volume_group);
	*r = (azl_raid_spec){0};
}

void volume_spec_done(azl_volume_spec *v)
{
	if (!v)
		return;
	free(v->name);
	free(v->mount);
	free(v->label);
	free(v->fs_options);
	*v = (azl_volume_spec){0};
}

void volume_group_done(azl_volume_group *g)
{
	if (!g)
		return;
	free(g->name);
	for (size_t i = 0; i < g->n_volumes; i++)
		volume_spec_done(&g->volumes[i]);
	free(g->volumes);
	*g = (azl_volume_group){0};
}

void ntp_done(azl_ntp *n)
{
	if (!n)
		return;
	strv_free(n->servers);
	strv_free(n->pools);
	*n = (azl_ntp){0};
}

void webhook_done(azl_webhook *w)
{
	if (!w)
		return;
	free(w->name);
	free(w->type);
	free(w->endpoint);
	for (size_t i = 0; i < w->n_headers; i++) {
		free(w->headers[i].name);
		secret_free(w->headers[i].value);
	}
	free(w->headers);
	free(w->level);
	*w = (azl_webhook){0};
}

void reporting_done(azl_reporting *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_hooks; i++)
		webhook_done(&r->hooks[i]);
	free(r->hooks);
	*r = (azl_reporting){0};
}

void certificate_done(azl_certificate *c)
{
	if (!c)
		return;
	free(c->filename);
	free(c->dir);
	free(c->pem);
	*c = (azl_certificate){0};
}

void encryption_done(azl_encryption *e)
{
	if (!e)
		return;
	secret_free(e->passphrase);
	free(e->passphrase_file);
	free(e->pbkdf);
	free(e->tpm2.recovery_key_file);
	for (size_t i = 0; i < e->n_tang; i++) {
		free(e->tang[i].url);
		free(e->tang[i].thumbprint);
	}
	free(e->tang);
	*e = (azl_encryption){0};
}

void storage_done(azl_storage *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_disks; i++)
		disk_spec_done(&s->disks[i]);
	free(s->disks);
	encryption_done(&s->encryption);
	for (size_t i = 0; i < s->n_partitions; i++)
		partition_spec_done(&s->partitions[i]);
	free(s->partitions);
	for (size_t i = 0; i < s->n_volume_groups; i++)
		volume_group_done(&s->volume_groups[i]);
	free(s->volume_groups);
	for (size_t i = 0; i < s->n_raids; i++)
		raid_spec_done(&s->raids[i]);
	free(s->raids);
	*s = (azl_storage){0};
}

void bootloader_done(azl_bootloader *b)
{
	if (!b)
		return;
	strv_free(b->kernel_args);
	free(b->boot_drive_path);
	secret_free(b->password);
	free(b->password_hash);
	*b = (azl_bootloader){0};
}

void bond_done(azl_bond *b)
{
	if (!b)
		return;
	strv_free(b->slaves);
	free(b->mode);
	strv_free(b->options);
	*b = (azl_bond){0};
}

void interface_done(azl_interface *i)
{
	if (!i)
		return;
	free(i->name);
	free(i->match_mac);
	strv_free(i->addresses);
	free(i->gateway4);
	free(i->gateway6);
	strv_free(i->dns);
	free(i->vlan_link);
	bond_done(&i->bond);
	*i = (azl_interface){0};
}

void network_done(azl_network *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_interfaces; i++)
		interface_done(&n->interfaces[i]);
	free(n->interfaces);
	*n = (azl_network){0};
}

void root_account_done(azl_root_account *r)
{
	if (!r)
		return;
	secret_free(r->password);
	free(r->password_hash);
	strv_free(r->ssh_authorized_keys);
	*r = (azl_root_account){0};
}

void user_done(azl_user *u)
{
	if (!u)
		return;
	free(u->name);
	free(u->gecos);
	free(u->shell);
	free(u->home);
	secret_free(u->password);
	free(u->password_hash);
	strv_free(u->groups);
	strv_free(u->ssh_authorized_keys);
	*u = (azl_user){0};
}

void accounts_done(azl_accounts *a)
{
	if (!a)
		return;
	root_account_done(&a->root);
	for (size_t i = 0; i < a->n_users; i++)
		user_done(&a->users[i]);
	free(a->users);
	*a = (azl_accounts){0};
}

void repo_done(azl_repo *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->baseurl);
	free(r->mirrorlist);
	free(r->metalink);
	free(r->gpgkey);
	free(r->gpgkey_fingerprint);
	free(r->preset);
	*r = (azl_repo){0};
}

void packages_done(azl_packages *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_repos; i++)
		repo_done(&p->repos[i]);
	free(p->repos);
	strv_free(p->install);
	strv_free(p->exclude);
	free(p->install_langs);
	free(p->image.url);
	free(p->image.checksum);
	free(p->image.ca_cert);
	*p = (azl_packages){0};
}

void services_done(azl_services *s)
{
	if (!s)
		return;
	strv_free(s->enable);
	strv_free(s->disable);
	strv_free(s->firewall.services);
	strv_free(s->firewall.ports);
	strv_free(s->firewall.trusted);
	strv_free(s->firewall.remove_services);
	*s = (azl_services){0};
}

void script_done(azl_script *s)
{
	if (!s)
		return;
	free(s->interpreter);
	free(s->run);
	free(s->log);
	*s = (azl_script){0};
}

static void scripts_free_array(azl_script *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		script_done(&a[i]);
	free(a);
}

void scripts_done(azl_scripts *s)
{
	if (!s)
		return;
	scripts_free_array(s->pre, s->n_pre);
	scripts_free_array(s->post, s->n_post);
	scripts_free_array(s->error, s->n_error);
	*s = (azl_scripts){0};
}

void model_apply_overrides(azl_model *m, const azl_model_overrides *ov)
{
	if (!ov)
		return;
	if (ov->disks) {
		azl_storage *s = &m->storage;
		for (size_t i = 0; i < s->n_disks; i++)
			disk_spec_done(&s->disks[i]);
		free(s->disks);
		s->disks = NULL;
		s->n_disks = 0;
		for (size_t i = 0; ov->disks[i]; i++) {
			azl_disk_spec *d = xappend(&s->disks, &s->n_disks, sizeof(*s->disks));
			d->path = xstrdup(ov->disks[i]);
		}
	}
	if (ov->firmware != AZL_FIRMWARE_AUTO)
		m->bootloader.firmware = ov->firmware;
}

void model_free(azl_model *m)
{
	if (!m)
		return;
	free(m->locale);
	free(m->keyboard);
	free(m->timezone);
	free(m->hostname);
	ntp_done(&m->ntp);
	storage_done(&m->storage);
	bootloader_done(&m->bootloader);
	network_done(&m->network);
	accounts_done(&m->accounts);
	packages_done(&m->packages);
	services_done(&m->services);
	scripts_done(&m->scripts);
	strv_free(m->interactive);
	reporting_done(&m->reporting);
	free(m->logging.host);
	free(m->logging.level);
	for (size_t i = 0; i < m->n_certificates; i++)
		certificate_done(&m->certificates[i]);
	free(m->certificates);
	free(m->value_locs.slots);
	free(m);
}

/* --- where values were read --------------------------------------------- */

static size_t loc_slot(const azl_value_locs *t, const void *value)
{
	uintptr_t h = (uintptr_t)value;
	h ^= h >> 17;
	h *= (uintptr_t)0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h ^ (h >> 29)) & (t->cap - 1);
	while (t->slots[i].value && t->slots[i].value != value)
		i = (i + 1) & (t->cap - 1);
	return i;
}

void model_note_loc(azl_model *m, const void *value, azl_loc loc)
{
	azl_value_locs *t = &m->value_locs;
	if (!value || loc.line <= 0)
		return;
	if (2 * (t->n + 1) > t->cap) {
		azl_value_locs grown = {
			.slots = xcalloc(t->cap ? 2 * t->cap : 64, sizeof(azl_value_loc)),
			.cap = t->cap ? 2 * t->cap : 64,
		};
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].value) {
				grown.slots[loc_slot(&grown, t->slots[i].value)] = t->slots[i];
				grown.n++;
			}
		free(t->slots);
		*t = grown;
	}
	size_t i = loc_slot(t, value);
	if (!t->slots[i].value)
		t->n++;
	t->slots[i] = (azl_value_loc){value, loc};
}

azl_loc model_value_loc(const azl_model *m, const void *value, azl_loc fallback)
{
	const azl_value_locs *t = &m->value_locs;
	if (!value || t->cap == 0)
		return fallback;
	size_t i = loc_slot(t, value);
	return t->slots[i].value ? t->slots[i].loc : fallback;
}
