/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The screens' logic on the model: no terminal, no I/O except reading the
 * zoneinfo database and a repository's comps file. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs-facts.h"
#include "i18n.h"
#include "spokes.h"
#include "util.h"

static const char *const spoke_titles[_SPOKE_MAX] = {
	[SPOKE_LANGUAGE] = N_("Language and keyboard"),
	[SPOKE_TIMEZONE] = N_("Time zone"),
	[SPOKE_DISKS] = N_("Disks"),
	[SPOKE_PASSPHRASE] = N_("Encryption passphrase"),
	[SPOKE_NETWORK] = N_("Network"),
	[SPOKE_ACCOUNTS] = N_("Accounts"),
	[SPOKE_SOFTWARE] = N_("Software"),
};

/* The answer file's interactive: words that show each spoke. */
static const char *const spoke_sections[_SPOKE_MAX][2] = {
	[SPOKE_LANGUAGE] = {"language", "keyboard"}, [SPOKE_TIMEZONE] = {"timezone", NULL},
	[SPOKE_DISKS] = {"storage", NULL},	     [SPOKE_PASSPHRASE] = {"storage", NULL},
	[SPOKE_NETWORK] = {"network", NULL},	     [SPOKE_ACCOUNTS] = {"accounts", NULL},
	[SPOKE_SOFTWARE] = {"packages", NULL},
};

const char *spoke_title(ui_spoke s)
{
	return s < _SPOKE_MAX ? spoke_titles[s] : NULL;
}

bool spoke_shown(ui_spoke s, char *const *interactive)
{
	if (s >= _SPOKE_MAX)
		return false;
	if (!interactive)
		return true;
	if (strv_contains(interactive, "*"))
		return true;
	for (size_t i = 0; i < 2; i++)
		if (spoke_sections[s][i] && strv_contains(interactive, spoke_sections[s][i]))
			return true;
	return false;
}

bool storage_wants_encryption(const azl_storage *s)
{
	if (s->n_partitions == 0)
		return s->encryption.enabled;
	for (size_t i = 0; i < s->n_partitions; i++)
		if (s->partitions[i].encrypt)
			return true;
	for (size_t i = 0; i < s->n_raids; i++)
		if (s->raids[i].encrypt)
			return true;
	return false;
}

static bool has_credential(const azl_secret *pw, const char *hash, char *const *keys)
{
	return (pw && pw->len > 0) || (hash && *hash) || strv_length(keys) > 0;
}

static bool status_disks(const azl_model *m, const azl_machine *machine, char **ret_reason)
{
	if (m->storage.n_disks == 0) {
		*ret_reason = xstrdup(_("No disk is chosen."));
		return false;
	}
	if (!machine) {
		*ret_reason = xstrdup(_("The disks could not be probed."));
		return false;
	}
	if (m->storage.n_partitions > 0) {
		bool root = false;
		for (size_t i = 0; i < m->storage.n_partitions; i++)
			root = root || streq_ptr(m->storage.partitions[i].mount, "/");
		/* or on an array, or a logical volume */
		for (size_t i = 0; i < m->storage.n_raids; i++)
			root = root || streq_ptr(m->storage.raids[i].mount, "/");
		for (size_t g = 0; g < m->storage.n_volume_groups; g++)
			for (size_t k = 0; k < m->storage.volume_groups[g].n_volumes; k++)
				root = root ||
				       streq_ptr(m->storage.volume_groups[g].volumes[k].mount, "/");
		if (!root) {
			*ret_reason = xstrdup(_("The custom layout has no / partition."));
			return false;
		}
	}
	azl_plan_overrides ov = {0};
	azl_plan_error err = {0};
	_cleanup_plan_ azl_plan *p = NULL;
	if (plan_build(m, machine, &ov, &p, &err) < 0) {
		*ret_reason = TAKE_PTR(err.message);
		if (!*ret_reason)
			*ret_reason = xstrdup(_("The layout cannot be planned."));
		plan_error_done(&err);
		return false;
	}
	return true;
}

static bool status_accounts(const azl_accounts *a, char **ret_reason)
{
	const azl_root_account *r = &a->root;
	if (!r->lock && !has_credential(r->password, r->password_hash, r->ssh_authorized_keys)) {
		*ret_reason = xstrdup(_("Root is unlocked but has no password."));
		return false;
	}
	bool someone = !r->lock;
	for (size_t i = 0; i < a->n_users; i++) {
		const azl_user *u = &a->users[i];
		if (!username_is_valid(u->name)) {
			*ret_reason = xasprintf(_("'%s' is not a valid user name."),
						u->name ? u->name : "");
			return false;
		}
		if (!has_credential(u->password, u->password_hash, u->ssh_authorized_keys)) {
			*ret_reason = xasprintf(
				_("User '%s' has neither a password nor an SSH key."), u->name);
			return false;
		}
		someone = true;
	}
	if (!someone) {
		*ret_reason = xstrdup(_("Nobody could log in: set a root password or add a user."));
		return false;
	}
	return true;
}

static bool status_network(const azl_model *m, char **ret_reason)
{
	if (!hostname_is_valid(m->hostname)) {
		*ret_reason = xasprintf(_("'%s' is not a valid host name."),
					m->hostname ? m->hostname : "");
		return false;
	}
	for (size_t i = 0; i < m->network.n_interfaces; i++) {
		const azl_interface *it = &m->network.interfaces[i];
		if (!it->dhcp4 && !it->dhcp6 && strv_length(it->addresses) == 0 &&
		    !it->bond.slaves) {
			*ret_reason =
				xasprintf(_("Interface '%s' has neither DHCP nor an address."),
					  it->name ? it->name : it->match_mac);
			return false;
		}
	}
	return true;
}

bool spoke_status(ui_spoke s, const azl_model *m, const azl_machine *machine, char **ret_reason)
{
	_cleanup_free_ char *reason = NULL;
	bool ok = true;
	switch (s) {
	case SPOKE_LANGUAGE:
		if (!locale_is_valid(m->locale)) {
			reason = xstrdup(_("No valid language is chosen."));
			ok = false;
		} else if (!keymap_is_valid(m->keyboard)) {
			reason = xstrdup(_("No valid keyboard is chosen."));
			ok = false;
		}
		break;
	case SPOKE_TIMEZONE:
		if (!timezone_is_valid(m->timezone, NULL)) {
			reason = xstrdup(_("No valid time zone is chosen."));
			ok = false;
		}
		break;
	case SPOKE_DISKS:
		ok = status_disks(m, machine, &reason);
		break;
	case SPOKE_PASSPHRASE:
		if (storage_wants_encryption(&m->storage) &&
		    !(m->storage.encryption.passphrase &&
		      m->storage.encryption.passphrase->len > 0) &&
		    !m->storage.encryption.passphrase_file) {
			reason = xstrdup(_("Encryption is on but no passphrase is set."));
			ok = false;
		}
		break;
	case SPOKE_NETWORK:
		ok = status_network(m, &reason);
		break;
	case SPOKE_ACCOUNTS:
		ok = status_accounts(&m->accounts, &reason);
		break;
	case SPOKE_SOFTWARE:
		if (strv_length(m->packages.install) == 0) {
			reason = xstrdup(_("Nothing is chosen to install."));
			ok = false;
		}
		break;
	default:
		return false;
	}
	if (ret_reason)
		*ret_reason = TAKE_PTR(reason);
	return ok;
}

static char *join(char *const *v, const char *sep)
{
	azl_buf b = {0};
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			buf_append(&b, sep);
		buf_append(&b, v[i]);
	}
	return buf_steal(&b);
}

char *spoke_summary(ui_spoke s, const azl_model *m)
{
	const azl_storage *st = &m->storage;
	switch (s) {
	case SPOKE_LANGUAGE:
		return xasprintf(_("%s, keyboard %s"), m->locale, m->keyboard);
	case SPOKE_TIMEZONE:
		return xstrdup(m->timezone);
	case SPOKE_DISKS: {
		if (st->n_disks == 0)
			return xstrdup(_("no disk chosen"));
		azl_buf b = {0};
		for (size_t i = 0; i < st->n_disks; i++)
			buf_printf(&b, "%s%s", i ? ", " : "",
				   st->disks[i].path ? st->disks[i].path : _("(matched disk)"));
		if (st->n_partitions > 0)
			buf_printf(&b, _("; custom, %zu partitions"), st->n_partitions);
		else
			buf_printf(&b, "; %s, %s",
				   st->layout == AZL_LAYOUT_LVM ? _("guided LVM")
								: _("guided plain"),
				   fs_to_string(st->filesystem));
		return buf_steal(&b);
	}
	case SPOKE_PASSPHRASE:
		if (!storage_wants_encryption(st))
			return xstrdup(_("not encrypted"));
		if ((st->encryption.passphrase && st->encryption.passphrase->len) ||
		    st->encryption.passphrase_file)
			return xstrdup(_("encrypted, passphrase set"));
		return xstrdup(_("encrypted, no passphrase yet"));
	case SPOKE_NETWORK: {
		azl_buf b = {0};
		buf_printf(&b, _("host %s"), m->hostname);
		if (m->network.n_interfaces == 0)
			buf_printf(&b, "; %s", _("DHCP on every interface"));
		for (size_t i = 0; i < m->network.n_interfaces; i++) {
			const azl_interface *it = &m->network.interfaces[i];
			_cleanup_free_ char *a = join(it->addresses, " ");
			buf_printf(&b, "; %s %s", it->name ? it->name : it->match_mac,
				   it->dhcp4 || it->dhcp6 ? "DHCP" : a);
		}
		return buf_steal(&b);
	}
	case SPOKE_ACCOUNTS: {
		azl_buf b = {0};
		buf_append(&b, m->accounts.root.lock ? _("root locked") : _("root with password"));
		for (size_t i = 0; i < m->accounts.n_users; i++)
			buf_printf(&b, _("; user %s"), m->accounts.users[i].name);
		return buf_steal(&b);
	}
	case SPOKE_SOFTWARE:
		return join(m->packages.install, ", ");
	default:
		return xstrdup("");
	}
}

ui_strength passphrase_strength(const char *s, const char **ret_hint)
{
	size_t chars = 0;
	bool lower = false, upper = false, digit = false, other = false;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p & 0xc0) != 0x80)
			chars++;
		if (islower(*p))
			lower = true;
		else if (isupper(*p))
			upper = true;
		else if (isdigit(*p))
			digit = true;
		else
			other = true;
	}
	int classes = lower + upper + digit + other;
	const char *hint;
	ui_strength r;
	if (chars == 0) {
		r = STRENGTH_EMPTY;
		hint = _("empty");
	} else if (chars < 8) {
		r = STRENGTH_WEAK;
		hint = _("weak: shorter than 8 characters");
	} else if (chars >= 16 || (chars >= 12 && classes >= 3)) {
		r = STRENGTH_STRONG;
		hint = _("strong");
	} else if (classes >= 2) {
		r = STRENGTH_FAIR;
		hint = _("fair: longer is better");
	} else {
		r = STRENGTH_WEAK;
		hint = _("weak: only one kind of character");
	}
	if (ret_hint)
		*ret_hint = hint;
	return r;
}

/* --- clones ----------------------------------------------------------- */

void storage_clone(azl_storage *dst, const azl_storage *src)
{
	*dst = *src;
	dst->disks = src->n_disks ? xcalloc(src->n_disks, sizeof(*dst->disks)) : NULL;
	for (size_t i = 0; i < src->n_disks; i++) {
		dst->disks[i] = src->disks[i];
		dst->disks[i].path = xstrdup(src->disks[i].path);
		dst->disks[i].match_serial = xstrdup(src->disks[i].match_serial);
		dst->disks[i].match_model = xstrdup(src->disks[i].match_model);
	}
	dst->encryption.passphrase = secret_dup(src->encryption.passphrase);
	dst->encryption.passphrase_file = xstrdup(src->encryption.passphrase_file);
	dst->encryption.pbkdf = xstrdup(src->encryption.pbkdf);
	dst->encryption.tpm2.recovery_key_file = xstrdup(src->encryption.tpm2.recovery_key_file);
	dst->encryption.tang = src->encryption.n_tang
				       ? xcalloc(src->encryption.n_tang, sizeof(azl_tang_server))
				       : NULL;
	for (size_t i = 0; i < src->encryption.n_tang; i++) {
		dst->encryption.tang[i] = src->encryption.tang[i];
		dst->encryption.tang[i].url = xstrdup(src->encryption.tang[i].url);
		dst->encryption.tang[i].thumbprint = xstrdup(src->encryption.tang[i].thumbprint);
	}
	dst->partitions =
		src->n_partitions ? xcalloc(src->n_partitions, sizeof(*dst->partitions)) : NULL;
	for (size_t i = 0; i < src->n_partitions; i++) {
		azl_partition_spec *d = &dst->partitions[i];
		const azl_partition_spec *p = &src->partitions[i];
		*d = *p;
		d->mount = xstrdup(p->mount);
		d->disk_path = xstrdup(p->disk_path);
		d->label = xstrdup(p->label);
		d->fs_options = xstrdup(p->fs_options);
		d->volume_group = xstrdup(p->volume_group);
		d->raid = xstrdup(p->raid);
		d->existing = xstrdup(p->existing);
		d->subvolumes =
			p->n_subvolumes ? xcalloc(p->n_subvolumes, sizeof(*d->subvolumes)) : NULL;
		for (size_t k = 0; k < p->n_subvolumes; k++) {
			azl_subvolume_spec *dv = &d->subvolumes[k];
			const azl_subvolume_spec *v = &p->subvolumes[k];
			*dv = *v;
			dv->name = xstrdup(v->name);
			dv->mount = xstrdup(v->mount);
			dv->fs_options = xstrdup(v->fs_options);
		}
	}
	/* Volume groups and arrays are owned too: a clone that is dropped
	 * (Cancel) must not free the model's. */
	dst->volume_groups = src->n_volume_groups
				     ? xcalloc(src->n_volume_groups, sizeof(*dst->volume_groups))
				     : NULL;
	for (size_t i = 0; i < src->n_volume_groups; i++) {
		azl_volume_group *d = &dst->volume_groups[i];
		const azl_volume_group *g = &src->volume_groups[i];
		*d = *g;
		d->name = xstrdup(g->name);
		d->volumes = g->n_volumes ? xcalloc(g->n_volumes, sizeof(*d->volumes)) : NULL;
		for (size_t k = 0; k < g->n_volumes; k++) {
			azl_volume_spec *dv = &d->volumes[k];
			const azl_volume_spec *v = &g->volumes[k];
			*dv = *v;
			dv->name = xstrdup(v->name);
			dv->mount = xstrdup(v->mount);
			dv->label = xstrdup(v->label);
			dv->fs_options = xstrdup(v->fs_options);
		}
	}
	dst->raids = src->n_raids ? xcalloc(src->n_raids, sizeof(*dst->raids)) : NULL;
	for (size_t i = 0; i < src->n_raids; i++) {
		azl_raid_spec *d = &dst->raids[i];
		const azl_raid_spec *r = &src->raids[i];
		*d = *r;
		d->name = xstrdup(r->name);
		d->metadata = xstrdup(r->metadata);
		d->mount = xstrdup(r->mount);
		d->label = xstrdup(r->label);
		d->fs_options = xstrdup(r->fs_options);
		d->volume_group = xstrdup(r->volume_group);
	}
}

void interface_clone(azl_interface *d, const azl_interface *s)
{
	*d = *s;
	d->name = xstrdup(s->name);
	d->match_mac = xstrdup(s->match_mac);
	d->addresses = strv_copy(s->addresses);
	d->gateway4 = xstrdup(s->gateway4);
	d->gateway6 = xstrdup(s->gateway6);
	d->dns = strv_copy(s->dns);
	d->vlan_link = xstrdup(s->vlan_link);
	d->bond.slaves = strv_copy(s->bond.slaves);
	d->bond.mode = xstrdup(s->bond.mode);
	d->bond.options = strv_copy(s->bond.options);
}

void network_clone(azl_network *dst, const azl_network *src)
{
	*dst = *src;
	dst->interfaces =
		src->n_interfaces ? xcalloc(src->n_interfaces, sizeof(*dst->interfaces)) : NULL;
	for (size_t i = 0; i < src->n_interfaces; i++)
		interface_clone(&dst->interfaces[i], &src->interfaces[i]);
}

void accounts_clone(azl_accounts *dst, const azl_accounts *src)
{
	*dst = *src;
	dst->root.password = secret_dup(src->root.password);
	dst->root.password_hash = xstrdup(src->root.password_hash);
	dst->root.ssh_authorized_keys = strv_copy(src->root.ssh_authorized_keys);
	dst->users = src->n_users ? xcalloc(src->n_users, sizeof(*dst->users)) : NULL;
	for (size_t i = 0; i < src->n_users; i++) {
		azl_user *d = &dst->users[i];
		const azl_user *u = &src->users[i];
		*d = *u;
		d->name = xstrdup(u->name);
		d->gecos = xstrdup(u->gecos);
		d->shell = xstrdup(u->shell);
		d->home = xstrdup(u->home);
		d->password = secret_dup(u->password);
		d->password_hash = xstrdup(u->password_hash);
		d->groups = strv_copy(u->groups);
		d->ssh_authorized_keys = strv_copy(u->ssh_authorized_keys);
	}
}

/* --- storage edits ---------------------------------------------------- */

void storage_set_disks(azl_storage *s, char *const *paths)
{
	for (size_t i = 0; i < s->n_disks; i++)
		disk_spec_done(&s->disks[i]);
	free(s->disks);
	s->disks = NULL;
	s->n_disks = 0;
	for (size_t i = 0; paths && paths[i]; i++) {
		azl_disk_spec *d = xappend(&s->disks, &s->n_disks, sizeof(*s->disks));
		d->path = xstrdup(paths[i]);
	}
}

static bool mount_is_valid(const char *m, const char **ret_why)
{
	if (!m || !*m) {
		*ret_why = _("a mount point is needed: /, /boot, /srv or swap");
		return false;
	}
	/* The model's rule (model-values.c), which validation applies to the
	 * answers this screen makes. */
	if (!mount_point_is_valid(m)) {
		*ret_why = _("a mount point is an absolute path like /srv, or swap");
		return false;
	}
	return true;
}

/* Whether a partition (other than except) or an array (other than
 * except_raid) has the mount point already. */
static bool mount_taken(const azl_storage *s, const char *m, size_t except, size_t except_raid)
{
	if (streq_ptr(m, "swap"))
		return false;
	for (size_t i = 0; i < s->n_partitions; i++)
		if (i != except && streq_ptr(s->partitions[i].mount, m))
			return true;
	for (size_t i = 0; i < s->n_raids; i++)
		if (i != except_raid && streq_ptr(s->raids[i].mount, m))
			return true;
	return false;
}

static int parse_part_size(const char *size, azl_partition_spec *p, const char **ret_why)
{
	azl_size sz;
	const char *why = NULL;
	if (!size || !*size) {
		*ret_why = _("a size is needed: 8G, 30% or grow");
		return -EINVAL;
	}
	if (size_parse(size, &sz, &why) < 0) {
		*ret_why = _("sizes look like 600M, 8G, 30% or grow");
		return -EINVAL;
	}
	p->grow = sz.kind == AZL_SIZE_GROW;
	p->size = p->grow ? (azl_size){.kind = AZL_SIZE_UNSET} : sz;
	return 0;
}

int partition_add(azl_storage *s, const char *mount, const char *size, azl_fs fs, bool encrypt,
		  const char **ret_why)
{
	const char *why = NULL;
	if (!mount_is_valid(mount, &why))
		goto fail;
	if (mount_taken(s, mount, SIZE_MAX, SIZE_MAX)) {
		why = _("that mount point is already used");
		goto fail;
	}
	azl_partition_spec p = {0};
	if (parse_part_size(size, &p, &why) < 0)
		goto fail;
	p.mount = xstrdup(mount);
	p.fs = fs != AZL_FS_NONE ? fs : fs_default_for_mount(mount);
	p.encrypt = encrypt && strcmp(mount, "/boot") && strcmp(mount, "/boot/efi");
	*(azl_partition_spec *)xappend(&s->partitions, &s->n_partitions, sizeof(p)) = p;
	return 0;
fail:
	if (ret_why)
		*ret_why = why;
	return -EINVAL;
}

static void remove_partition(azl_storage *s, size_t i)
{
	partition_spec_done(&s->partitions[i]);
	memmove(&s->partitions[i], &s->partitions[i + 1],
		(s->n_partitions - i - 1) * sizeof(*s->partitions));
	s->n_partitions--;
}

static azl_raid_spec *find_raid(const azl_storage *s, const char *name);

int partition_delete(azl_storage *s, size_t i)
{
	if (i >= s->n_partitions)
		return -ENOENT;
	/* (a member of an array that storage.raids does not list, as an
	 * answer file loaded unvalidated may have, goes alone) */
	if (s->partitions[i].raid && find_raid(s, s->partitions[i].raid)) {
		_cleanup_free_ char *name = xstrdup(s->partitions[i].raid);
		return raid_delete(s, name);
	}
	remove_partition(s, i);
	return 0;
}

int partition_resize(azl_storage *s, size_t i, const char *size, const char **ret_why)
{
	if (i >= s->n_partitions)
		return -ENOENT;
	azl_partition_spec tmp = s->partitions[i];
	const char *why = NULL;
	if (parse_part_size(size, &tmp, &why) < 0) {
		if (ret_why)
			*ret_why = why;
		return -EINVAL;
	}
	/* The members of an array keep one size: md uses the smallest. */
	for (size_t k = 0; k < s->n_partitions; k++) {
		azl_partition_spec *p = &s->partitions[k];
		if (k == i || (p->raid && streq_ptr(p->raid, s->partitions[i].raid))) {
			p->size = tmp.size;
			p->grow = tmp.grow;
		}
	}
	return 0;
}

/* The filesystem a new mount point takes: its own where it has one
 * (swap, vfat), else the current one unless that was swap or vfat. */
static azl_fs fs_for_new_mount(const char *mount, azl_fs cur)
{
	azl_fs want = fs_default_for_mount(mount);
	return want != AZL_FS_EXT4 || cur == AZL_FS_SWAP || cur == AZL_FS_VFAT ? want : cur;
}

static bool is_boot(const char *mount)
{
	return streq_ptr(mount, "/boot") || streq_ptr(mount, "/boot/efi");
}

int partition_set_mount(azl_storage *s, size_t i, const char *mount, const char **ret_why)
{
	if (i >= s->n_partitions)
		return -ENOENT;
	azl_raid_spec *r = partition_raid(s, i);
	size_t except = r ? SIZE_MAX : i, except_raid = r ? (size_t)(r - s->raids) : SIZE_MAX;
	const char *why = NULL;
	if (!mount_is_valid(mount, &why) ||
	    (mount_taken(s, mount, except, except_raid) &&
	     (why = _("that mount point is already used"))) ||
	    (r && streq_ptr(mount, "/boot/efi") && r->level != 1 &&
	     (why = _("/boot/efi can only be a mirror (RAID1): the firmware reads one member as a plain FAT partition")))) {
		if (ret_why)
			*ret_why = why;
		return -EINVAL;
	}
	char **m = r ? &r->mount : &s->partitions[i].mount;
	azl_fs *fs = r ? &r->fs : &s->partitions[i].fs;
	free(*m);
	*m = xstrdup(mount);
	*fs = fs_for_new_mount(mount, *fs);
	if (r && streq_ptr(mount, "/boot/efi") && !streq_ptr(r->metadata, "1.0")) {
		free(r->metadata);
		r->metadata = xstrdup("1.0");
	}
	if (r && is_boot(mount))
		r->encrypt = false;
	return 0;
}

static azl_fs next_fs(const char *mount, azl_fs fs)
{
	if (streq_ptr(mount, "swap"))
		return AZL_FS_SWAP;
	if (streq_ptr(mount, "/boot/efi"))
		return AZL_FS_VFAT;
	switch (fs) {
	case AZL_FS_EXT4:
		return AZL_FS_XFS;
	case AZL_FS_XFS:
		return streq_ptr(mount, "/") || streq_ptr(mount, "/boot") ? AZL_FS_EXT4
									  : AZL_FS_VFAT;
	default:
		return AZL_FS_EXT4;
	}
}

azl_fs partition_next_fs(const azl_partition_spec *p)
{
	return next_fs(p->mount, p->fs);
}

void partition_cycle_fs(azl_storage *s, size_t i)
{
	if (i >= s->n_partitions)
		return;
	azl_raid_spec *r = partition_raid(s, i);
	if (r)
		r->fs = next_fs(r->mount, r->fs);
	else
		s->partitions[i].fs = partition_next_fs(&s->partitions[i]);
}

int partition_toggle_encrypt(azl_storage *s, size_t i, const char **ret_why)
{
	if (i >= s->n_partitions)
		return -ENOENT;
	azl_raid_spec *r = partition_raid(s, i);
	const char *mount = r ? r->mount : s->partitions[i].mount;
	if (is_boot(mount)) {
		if (ret_why)
			*ret_why = _(
				"The boot loader must read /boot and /boot/efi: they stay unencrypted.");
		return -EINVAL;
	}
	bool *e = r ? &r->encrypt : &s->partitions[i].encrypt;
	*e = !*e;
	return 0;
}

void partitions_from_guided(azl_storage *s, azl_firmware firmware)
{
	if (s->n_partitions > 0)
		return;
	bool enc = s->encryption.enabled;
	if (firmware != AZL_FIRMWARE_BIOS)
		partition_add(s, "/boot/efi", "600M", AZL_FS_VFAT, false, NULL);
	partition_add(s, "/boot", "1G", AZL_FS_EXT4, false, NULL);
	if (s->swap) {
		_cleanup_free_ char *sz = s->swap_size.kind == AZL_SIZE_BYTES
						  ? size_format_bytes(s->swap_size.bytes)
						  : xstrdup("512M");
		partition_add(s, "swap", sz, AZL_FS_SWAP, enc, NULL);
	}
	partition_add(s, "/", "grow", s->filesystem ? s->filesystem : AZL_FS_EXT4, enc, NULL);
}

/* --- software RAID edits ---------------------------------------------- */

static azl_raid_spec *find_raid(const azl_storage *s, const char *name)
{
	for (size_t i = 0; name && i < s->n_raids; i++)
		if (streq_ptr(s->raids[i].name, name))
			return &s->raids[i];
	return NULL;
}

azl_raid_spec *partition_raid(const azl_storage *s, size_t i)
{
	return i < s->n_partitions ? find_raid(s, s->partitions[i].raid) : NULL;
}

char *raid_name_for_mount(const azl_storage *s, const char *mount)
{
	_cleanup_free_ char *base = NULL;
	if (streq_ptr(mount, "/"))
		base = xstrdup("root");
	else if (!mount || mount[0] != '/')
		base = xstrdup(mount && *mount ? mount : "md");
	else
		base = xstrndup(mount + 1, 24);
	/* md names: [A-Za-z0-9_.-], not starting with '-', at most 32. */
	for (char *c = base; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && (*c != '-' || c == base))
			*c = '_';
	char *name = xstrdup(base);
	for (int n = 2; find_raid(s, name); n++) {
		free(name);
		name = xasprintf("%s_%d", base, n);
	}
	return name;
}

const char *partition_raid_refusal(const azl_storage *s, size_t i)
{
	if (i >= s->n_partitions)
		return _("there is no partition here");
	const azl_partition_spec *p = &s->partitions[i];
	if (p->raid)
		return _("this partition is a member of a RAID already");
	if (!p->mount)
		return _("only a partition with a mount point (or swap) becomes a RAID");
	if (p->existing || p->n_subvolumes > 0 || p->volume_group)
		return _(
			"an existing partition, a btrfs with subvolumes or an LVM volume cannot become a RAID here");
	if (s->n_disks < 2)
		return _("a RAID needs at least two disks: choose them in the Disks spoke");
	return NULL;
}

/* "1 3", "1,2,3": 1-based numbers into storage.disks, each once; NULL or
 * "" = all of them. on[] gets which; returns how many, or -EINVAL. */
static int parse_raid_disks(const azl_storage *s, const char *text, bool *on, const char **ret_why)
{
	int n = 0;
	if (!text || !*text) {
		for (size_t k = 0; k < s->n_disks; k++)
			on[k] = true;
		return (int)s->n_disks;
	}
	for (const char *c = text; *c;) {
		if (*c == ' ' || *c == ',') {
			c++;
			continue;
		}
		char *end = NULL;
		long d = isdigit((unsigned char)*c) ? strtol(c, &end, 10) : 0;
		if (d < 1 || (size_t)d > s->n_disks || on[d - 1]) {
			*ret_why = _("disks are numbers from the disk list, each once: 1 2 3");
			return -EINVAL;
		}
		on[d - 1] = true;
		n++;
		c = end;
	}
	return n;
}

/* Why level cannot be made over n disks, or NULL: the validator's rule
 * (raid_level_min_members). */
static const char *level_refusal(int level, int n, const char *mount)
{
	int min = raid_level_min_members(level);
	if (min == 0)
		return _("the RAID levels are 1, 5, 6 and 10");
	if (streq_ptr(mount, "/boot/efi") && level != 1)
		return _(
			"/boot/efi can only be a mirror (RAID1): the firmware reads one member as a plain FAT partition");
	if (n < 2)
		return _("a RAID needs at least two disks");
	if (n >= min)
		return NULL;
	return level == 5   ? _("RAID5 needs at least 3 disks")
	       : level == 6 ? _("RAID6 needs at least 4 disks")
			    : _("RAID10 needs at least 4 disks; use RAID1 for two");
}

/* Replaces partition i by n members, one on each chosen disk. */
static void split_into_members(azl_storage *s, size_t i, const bool *on, size_t n, const char *name)
{
	azl_partition_spec tmpl = {
		.size = s->partitions[i].size,
		.grow = s->partitions[i].grow,
		.max_bytes = s->partitions[i].max_bytes,
	};
	remove_partition(s, i);
	s->partitions = xrealloc(s->partitions, (s->n_partitions + n) * sizeof(*s->partitions));
	memmove(&s->partitions[i + n], &s->partitions[i],
		(s->n_partitions - i) * sizeof(*s->partitions));
	s->n_partitions += n;
	size_t at = i;
	for (size_t k = 0; k < s->n_disks; k++) {
		if (!on[k])
			continue;
		azl_partition_spec *p = &s->partitions[at++];
		*p = tmpl;
		p->raid = xstrdup(name);
		p->disk_index = (int)k + 1;
	}
}

int partition_make_raid(azl_storage *s, size_t i, int level, const char *disks,
			const char **ret_why)
{
	const char *why = partition_raid_refusal(s, i);
	_cleanup_free_ bool *on = xcalloc(s->n_disks ? s->n_disks : 1, sizeof(bool));
	int n = 0;
	if (!why && (n = parse_raid_disks(s, disks, on, &why)) >= 0)
		why = level_refusal(level, n, s->partitions[i].mount);
	if (why) {
		if (ret_why)
			*ret_why = why;
		return -EINVAL;
	}
	azl_partition_spec *p = &s->partitions[i];
	azl_raid_spec *r = xappend(&s->raids, &s->n_raids, sizeof(*s->raids));
	r->name = raid_name_for_mount(s, p->mount);
	r->level = level;
	/* As the kickstart translator does: the firmware reads an ESP
	 * member as FAT only with the superblock at the end. */
	r->metadata = streq_ptr(p->mount, "/boot/efi") ? xstrdup("1.0") : NULL;
	r->mount = TAKE_PTR(p->mount);
	r->fs = p->fs;
	r->encrypt = p->encrypt && !is_boot(r->mount);
	r->label = TAKE_PTR(p->label);
	r->fs_options = TAKE_PTR(p->fs_options);
	split_into_members(s, i, on, (size_t)n, r->name);
	return 0;
}

int raid_delete(azl_storage *s, const char *name)
{
	azl_raid_spec *r = find_raid(s, name);
	if (!r)
		return -ENOENT;
	_cleanup_free_ char *copy = xstrdup(name);
	for (size_t k = s->n_partitions; k-- > 0;)
		if (streq_ptr(s->partitions[k].raid, copy))
			remove_partition(s, k);
	size_t at = (size_t)(r - s->raids);
	raid_spec_done(r);
	memmove(&s->raids[at], &s->raids[at + 1], (s->n_raids - at - 1) * sizeof(*s->raids));
	s->n_raids--;
	return 0;
}

/* --- network edits ---------------------------------------------------- */

char *netinfo_text(const azl_netinfo *i)
{
	azl_buf b = {0};
	buf_printf(&b, "%s\n",
		   i->from_nm ? _("Devices (from NetworkManager):")
			      : _("Devices (from /sys/class/net; NetworkManager is not running):"));
	if (i->n_devs == 0)
		buf_printf(&b, "  %s\n", _("no network devices"));
	for (size_t k = 0; k < i->n_devs; k++) {
		const azl_netdev *d = &i->devs[k];
		buf_printf(&b, "  %-10s %-9s %-17s %-12s %s", d->name, d->type,
			   d->mac ? d->mac : "-", d->state, d->ipv4 ? d->ipv4 : "-");
		if (d->ipv4 && i->from_nm)
			buf_printf(&b, " (%s)", d->dhcp4 ? "DHCP" : _("static"));
		buf_append(&b, "\n");
	}
	if (i->hostname)
		buf_printf(&b, _("  current host name: %s\n"), i->hostname);
	return buf_steal(&b);
}

static char **split_words(const char *s)
{
	char **v = xzalloc(sizeof(char *));
	const char *p = s ? s : "";
	while (*p) {
		size_t skip = strspn(p, ", \t");
		p += skip;
		size_t n = strcspn(p, ", \t");
		if (n)
			strv_push(&v, xstrndup(p, n));
		p += n;
	}
	return v;
}

int interface_set_static(azl_interface *i, const char *addresses, const char *gateway,
			 const char *dns, const char **ret_why)
{
	_cleanup_strv_free_ char **a = split_words(addresses);
	_cleanup_strv_free_ char **d = split_words(dns);
	const char *why = NULL;
	if (strv_length(a) == 0)
		why = _("a static configuration needs an address like 192.0.2.10/24");
	for (size_t k = 0; !why && a[k]; k++)
		if (!ip_prefix_is_valid(a[k]))
			why = _("addresses look like 192.0.2.10/24 or 2001:db8::10/64");
	if (!why && gateway && *gateway && !ip_address_is_valid(gateway))
		why = _("the gateway is an address like 192.0.2.1");
	for (size_t k = 0; !why && d[k]; k++)
		if (!ip_address_is_valid(d[k]))
			why = _("DNS servers are addresses like 192.0.2.53");
	if (why) {
		if (ret_why)
			*ret_why = why;
		return -EINVAL;
	}
	i->dhcp4 = i->dhcp6 = false;
	strv_free(i->addresses);
	i->addresses = TAKE_PTR(a);
	free(i->gateway4);
	free(i->gateway6);
	i->gateway4 = i->gateway6 = NULL;
	if (gateway && *gateway) {
		if (strchr(gateway, ':'))
			i->gateway6 = xstrdup(gateway);
		else
			i->gateway4 = xstrdup(gateway);
	}
	strv_free(i->dns);
	i->dns = strv_length(d) ? TAKE_PTR(d) : NULL;
	return 0;
}

void interface_set_dhcp(azl_interface *i)
{
	i->dhcp4 = true;
	strv_free(i->addresses);
	i->addresses = NULL;
	free(i->gateway4);
	free(i->gateway6);
	i->gateway4 = i->gateway6 = NULL;
	strv_free(i->dns);
	i->dns = NULL;
}

azl_interface *network_interface(azl_network *n, const char *name)
{
	for (size_t i = 0; i < n->n_interfaces; i++)
		if (streq_ptr(n->interfaces[i].name, name))
			return &n->interfaces[i];
	azl_interface *it = xappend(&n->interfaces, &n->n_interfaces, sizeof(*it));
	it->name = xstrdup(name);
	it->dhcp4 = true;
	return it;
}

/* --- accounts edits --------------------------------------------------- */

int accounts_set_root(azl_accounts *a, bool lock, const char *pw, const char **ret_why)
{
	azl_root_account *r = &a->root;
	if (lock) {
		r->lock = true;
		secret_free(r->password);
		r->password = NULL;
		free(r->password_hash);
		r->password_hash = NULL;
		return 0;
	}
	if (pw && *pw) {
		secret_free(r->password);
		r->password = secret_new(pw, strlen(pw));
		free(r->password_hash);
		r->password_hash = NULL;
	} else if (!has_credential(r->password, r->password_hash, r->ssh_authorized_keys)) {
		if (ret_why)
			*ret_why = _("an unlocked root needs a password");
		return -EINVAL;
	}
	r->lock = false;
	return 0;
}

static bool ssh_key_is_plausible(const char *k)
{
	return (startswith(k, "ssh-") || startswith(k, "ecdsa-") || startswith(k, "sk-")) &&
	       strchr(k, ' ') && !strpbrk(k, "\n\r");
}

int accounts_set_user(azl_accounts *a, const char *name, const char *pw, const char *ssh_key,
		      const char **ret_why)
{
	const char *why = NULL;
	if (!name || !*name) {
		while (a->n_users > 0)
			user_done(&a->users[--a->n_users]);
		free(a->users);
		a->users = NULL;
		return 0;
	}
	if (!username_is_valid(name))
		why = _("user names are lower case letters, digits, - and _, starting with a letter");
	else if (strcmp(name, "root") == 0)
		why = _("root is not a user to add");
	else if (ssh_key && *ssh_key && !ssh_key_is_plausible(ssh_key))
		why = _("an SSH key looks like 'ssh-ed25519 AAAA... comment'");
	if (why) {
		if (ret_why)
			*ret_why = why;
		return -EINVAL;
	}
	azl_user *u =
		a->n_users ? &a->users[0] : xappend(&a->users, &a->n_users, sizeof(*a->users));
	free(u->name);
	u->name = xstrdup(name);
	if (pw && *pw) {
		secret_free(u->password);
		u->password = secret_new(pw, strlen(pw));
		free(u->password_hash);
		u->password_hash = NULL;
	}
	if (!strv_contains(u->groups, "wheel"))
		strv_push(&u->groups, xstrdup("wheel"));
	if (ssh_key && *ssh_key && !strv_contains(u->ssh_authorized_keys, ssh_key))
		strv_push(&u->ssh_authorized_keys, xstrdup(ssh_key));
	return 0;
}

/* --- packages --------------------------------------------------------- */

void packages_set_groups(azl_packages *p, char *const *ids)
{
	char **v = xzalloc(sizeof(char *));
	for (size_t i = 0; ids && ids[i]; i++)
		strv_push(&v, xasprintf("@%s", ids[i]));
	for (size_t i = 0; p->install && p->install[i]; i++)
		if (p->install[i][0] != '@')
			strv_push(&v, xstrdup(p->install[i]));
	strv_free(p->install);
	p->install = v;
}

bool packages_has_group(const azl_packages *p, const char *id)
{
	for (size_t i = 0; p->install && p->install[i]; i++)
		if (p->install[i][0] == '@' && strcmp(p->install[i] + 1, id) == 0)
			return true;
	return false;
}

/* --- the destructive steps -------------------------------------------- */

static void describe_contents(azl_buf *b, const azl_disk_info *d)
{
	if (!d) {
		buf_append(b, _("its contents are unknown"));
		return;
	}
	if (d->n_parts == 0) {
		if (d->fs_type)
			buf_printf(b, _("a %s filesystem"), d->fs_type);
		else if (d->table)
			buf_printf(b, _("an empty %s partition table"), d->table);
		else
			buf_append(b, _("no partition table or filesystem found"));
		return;
	}
	buf_printf(b, _("%s table with"), d->table ? d->table : "?");
	for (size_t i = 0; i < d->n_parts; i++) {
		const azl_part_info *p = &d->parts[i];
		_cleanup_free_ char *sz = size_human(p->size);
		buf_printf(b, "%s %s %d (%s%s%s)", i ? "," : "", _("partition"), p->number, sz,
			   p->fs_type ? ", " : "", p->fs_type ? p->fs_type : "");
	}
}

char *plan_destructive_text(const azl_plan *p, const azl_machine *machine)
{
	azl_buf b = {0};
	for (size_t i = 0; i < p->n_disks; i++) {
		const azl_plan_disk *d = &p->disks[i];
		const azl_disk_info *info = machine ? machine_find_disk(machine, d->path) : NULL;
		_cleanup_free_ char *sz = size_human(d->size);
		if (d->new_table) {
			buf_printf(&b, _("ERASE all of %s (%s): "), d->path, sz);
			describe_contents(&b, info);
			buf_append(&b, "\n");
		}
		for (size_t k = 0; k < d->n_removed; k++) {
			const azl_plan_part *r = &d->removed[k];
			_cleanup_free_ char *rs = size_human(r->size);
			buf_printf(&b, _("DELETE partition %d of %s (%s%s%s)\n"), r->number,
				   d->path, rs, r->fs_type ? ", " : "",
				   r->fs_type ? r->fs_type : "");
		}
	}
	return buf_steal(&b);
}

/* --- comps ------------------------------------------------------------ */

#define COMPS_MAX_SIZE (8u << 20)

int comps_read_repo(const char *repo, depsolve_group **ret, size_t *ret_n)
{
	if (startswith(repo, "file://"))
		repo += strlen("file://");
	if (repo[0] != '/')
		return -ENOENT;
	_cleanup_free_ char *dir = xasprintf("%s/repodata", repo);
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	_cleanup_free_ char *found = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strstr(de->d_name, "comps") && endswith(de->d_name, ".xml") && !found)
			found = xasprintf("%s/%s", dir, de->d_name);
	closedir(d);
	if (!found)
		return -ENOENT;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file_bounded(found, COMPS_MAX_SIZE, &text, &len);
	if (r < 0)
		return r;
	return depsolve_groups_parse(text, len, ret, ret_n);
}

/* --- time zones ------------------------------------------------------- */

/* Only the geographic regions: the legacy names (US/, Etc/, posix/ ...)
 * would just make the list long. */
static const char *const regions[] = {
	"Africa",   "America",	 "Antarctica", "Arctic", "Asia",
	"Atlantic", "Australia", "Europe",     "Indian", "Pacific",
};

char **zones_regions(const char *zoneinfo_dir)
{
	const char *base = zoneinfo_dir ? zoneinfo_dir : "/usr/share/zoneinfo";
	char **v = xzalloc(sizeof(char *));
	for (size_t i = 0; i < ELEMENTSOF(regions); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", base, regions[i]);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			strv_push(&v, xstrdup(regions[i]));
	}
	if (timezone_is_valid("UTC", zoneinfo_dir))
		strv_push(&v, xstrdup("UTC"));
	return strv_sort(v);
}

static void add_zones(char ***v, const char *dir, const char *prefix, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);
		_cleanup_free_ char *name =
			*prefix ? xasprintf("%s/%s", prefix, de->d_name) : xstrdup(de->d_name);
		struct stat st;
		if (stat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 2)
			add_zones(v, p, name, depth + 1);
		else if (S_ISREG(st.st_mode))
			strv_push(v, TAKE_PTR(name));
	}
	closedir(d);
}

char **zones_in_region(const char *zoneinfo_dir, const char *region)
{
	const char *base = zoneinfo_dir ? zoneinfo_dir : "/usr/share/zoneinfo";
	char **v = xzalloc(sizeof(char *));
	if (!region || strchr(region, '/') || region[0] == '.')
		return v;
	_cleanup_free_ char *dir = xasprintf("%s/%s", base, region);
	add_zones(&v, dir, "", 0);
	return strv_sort(v);
}
