/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The end of a kickstart translation: part/volgroup/logvol/reqpart become
 * the model's storage, sshkey lines find their users.
 *
 * The model's custom layout has no LVM. The one LVM shape that kickstarts
 * use most (the Fedora and Azure Linux installers' own: /boot, /boot/efi
 * and one volume group holding / and swap) is the guided "lvm" layout;
 * any other volume group is carried over as plain partitions, with a
 * warning that says so.
 */
#include <errno.h>
#include <string.h>

#include "i18n.h"
#include "ks-internal.h"
#include "util.h"

#define DEFAULT_SIZE_MIB     1024
#define RECOMMENDED_SWAP_MIB 2048

static bool is_pv(const ks_part *p)
{
	return startswith(p->mount, "pv.");
}

static const ks_vg *vg_of_pv(const ks_ctx *c, const char *pv)
{
	for (size_t i = 0; i < c->n_vgs; i++)
		if (strv_contains(c->vgs[i].pvs, pv))
			return &c->vgs[i];
	return NULL;
}

static const ks_part *pv_part(const ks_ctx *c, const char *pv)
{
	for (size_t i = 0; i < c->n_parts; i++)
		if (strcmp(c->parts[i].mount, pv) == 0)
			return &c->parts[i];
	return NULL;
}

/* Does the layout match the guided LVM layout? */
static bool is_guided_lvm(const ks_ctx *c)
{
	if (c->n_vgs != 1)
		return false;
	int roots = 0, swaps = 0;
	for (size_t i = 0; i < c->n_lvs; i++) {
		const ks_part *lv = &c->lvs[i];
		if (strcmp(lv->mount, "/") == 0)
			roots++;
		else if (strcmp(lv->mount, "swap") == 0)
			swaps++;
		else
			return false;
		if (lv->fs != AZL_FS_NONE && lv->fs != AZL_FS_EXT4 &&
		    lv->fs != AZL_FS_XFS && lv->fs != AZL_FS_SWAP)
			return false;
	}
	if (roots != 1 || swaps > 1)
		return false;
	for (size_t i = 0; i < c->n_parts; i++) {
		const ks_part *p = &c->parts[i];
		if (is_pv(p))
			continue;
		if (strcmp(p->mount, "/boot") != 0 &&
		    strcmp(p->mount, "/boot/efi") != 0)
			return false;
		if (p->encrypt)
			return false;
	}
	return true;
}

static void guided_lvm(ks_ctx *c)
{
	azl_storage *s = &c->m->storage;
	s->layout = AZL_LAYOUT_LVM;
	s->swap = false;
	for (size_t i = 0; i < c->n_lvs; i++) {
		const ks_part *lv = &c->lvs[i];
		if (strcmp(lv->mount, "/") == 0) {
			if (lv->fs != AZL_FS_NONE)
				s->filesystem = lv->fs;
		} else {
			s->swap = true;
			if (lv->has_size && !lv->recommended)
				s->swap_size =
					(azl_size){.kind = AZL_SIZE_BYTES,
						   .bytes = lv->size_mib << 20};
		}
	}
	diag_warn(c->d, c->vgs[0].loc,
		  _("the LVM layout of volume group '%s' is carried over as "
		    "the guided 'lvm' layout: the installer chooses the sizes "
		    "of /boot, /boot/efi and the root volume"),
		  c->vgs[0].name);
}

static void add_partition(ks_ctx *c, const ks_part *p, const char *disk,
			  bool encrypt)
{
	azl_storage *s = &c->m->storage;
	azl_partition_spec *ps =
		xappend(&s->partitions, &s->n_partitions, sizeof(*ps));
	ps->mount = xstrdup(p->mount);
	ps->loc = p->loc;
	ps->grow = p->grow;
	ps->max_bytes = p->max_mib << 20;
	if (p->percent)
		ps->size = (azl_size){.kind = AZL_SIZE_PERCENT,
				      .percent = p->percent};
	else if (p->has_size && !(p->recommended && !p->size_mib))
		ps->size = (azl_size){.kind = AZL_SIZE_BYTES,
				      .bytes = p->size_mib << 20};
	else if (strcmp(p->mount, "swap") == 0 && p->recommended) {
		diag_warn(c->d, p->loc,
			  _("the recommended swap size depends on the memory "
			    "of the machine; %d MiB is used"),
			  RECOMMENDED_SWAP_MIB);
		ps->size = (azl_size){.kind = AZL_SIZE_BYTES,
				      .bytes = (uint64_t)RECOMMENDED_SWAP_MIB
					       << 20};
	} else if (!p->grow) {
		diag_warn(c->d, p->loc,
			  _("'%s' has no --size; %d MiB is used, as Anaconda "
			    "does"),
			  p->mount, DEFAULT_SIZE_MIB);
		ps->size =
			(azl_size){.kind = AZL_SIZE_BYTES,
				   .bytes = (uint64_t)DEFAULT_SIZE_MIB << 20};
	}
	/* grow without --size: size stays UNSET, the whole free space */
	ps->fs = p->fs;
	if (ps->fs == AZL_FS_NONE && strcmp(p->mount, "swap") == 0)
		ps->fs = AZL_FS_SWAP;
	if (ps->fs == AZL_FS_NONE && strcmp(p->mount, "/boot/efi") == 0)
		ps->fs = AZL_FS_VFAT;
	ps->encrypt = encrypt;
	if (disk) {
		ps->disk_path = disk[0] == '/' ? xstrdup(disk)
					       : xasprintf("/dev/%s", disk);
	}
	ps->label = xstrdup(p->label);
	ps->fs_options = xstrdup(p->fsoptions);
}

static bool valid_mount(ks_ctx *c, const ks_part *p)
{
	if (strcmp(p->mount, "swap") == 0 || p->mount[0] == '/')
		return true;
	diag_error(c->d, p->loc,
		   _("'%s' is no mount point: use an absolute path, 'swap', "
		     "'pv.NAME' or 'biosboot'"),
		   p->mount);
	return false;
}

static void custom(ks_ctx *c)
{
	for (size_t i = 0; i < c->n_vgs; i++)
		diag_warn(c->d, c->vgs[i].loc,
			  _("volume group '%s': custom LVM layouts are not "
			    "supported; its logical volumes become plain "
			    "partitions (--percent of the disk, not of the "
			    "group)"),
			  c->vgs[i].name);
	for (size_t i = 0; i < c->n_parts; i++) {
		const ks_part *p = &c->parts[i];
		if (is_pv(p)) {
			if (!vg_of_pv(c, p->mount))
				diag_warn(
					c->d, p->loc,
					_("physical volume '%s' belongs to no "
					  "volume group and was ignored"),
					p->mount);
			continue;
		}
		if (valid_mount(c, p))
			add_partition(c, p, p->disk, p->encrypt);
	}
	for (size_t i = 0; i < c->n_lvs; i++) {
		const ks_part *lv = &c->lvs[i];
		const ks_vg *vg = NULL;
		for (size_t k = 0; k < c->n_vgs; k++)
			if (strcmp(c->vgs[k].name, lv->vgname) == 0)
				vg = &c->vgs[k];
		if (!valid_mount(c, lv))
			continue;
		const ks_part *pv =
			vg && vg->pvs[0] ? pv_part(c, vg->pvs[0]) : NULL;
		add_partition(c, lv, pv ? pv->disk : NULL,
			      lv->encrypt || (pv && pv->encrypt));
	}
}

static void storage(ks_ctx *c)
{
	azl_storage *s = &c->m->storage;
	if (!c->have_only_use && c->clear_drives) {
		for (char **p = c->clear_drives; *p; p++) {
			azl_disk_spec *ds =
				xappend(&s->disks, &s->n_disks, sizeof(*ds));
			ds->path = (*p)[0] == '/' ? xstrdup(*p)
						  : xasprintf("/dev/%s", *p);
			ds->loc = c->clearpart_drives;
		}
	}
	for (size_t i = 0; i < c->n_lvs; i++) {
		bool found = false;
		for (size_t k = 0; k < c->n_vgs; k++)
			found |= strcmp(c->vgs[k].name, c->lvs[i].vgname) == 0;
		if (!found)
			diag_error(c->d, c->lvs[i].loc,
				   _("logical volume '%s' is in volume group "
				     "'%s', which no 'volgroup' line makes"),
				   c->lvs[i].name, c->lvs[i].vgname);
	}
	for (size_t k = 0; k < c->n_vgs; k++)
		for (char **pv = c->vgs[k].pvs; pv && *pv; pv++)
			if (!pv_part(c, *pv))
				diag_error(c->d, c->vgs[k].loc,
					   _("volume group '%s' uses '%s', "
					     "which no 'part' line makes"),
					   c->vgs[k].name, *pv);

	bool have_custom = c->n_parts > 0 || c->n_lvs > 0;
	if (c->autopart.line > 0 && have_custom) {
		diag_error(c->d, c->autopart,
			   _("'autopart' cannot be used together with 'part' "
			     "or 'logvol'"));
		return;
	}
	if (c->reqpart.line > 0 && c->autopart.line > 0)
		diag_warn(c->d, c->reqpart,
			  _("'reqpart' has no effect together with 'autopart' "
			    "and was ignored"));
	if (!have_custom)
		return;
	c->m->has_storage = true;
	if (c->n_vgs > 0 && is_guided_lvm(c)) {
		guided_lvm(c);
		return;
	}
	custom(c);
	bool have_boot = false;
	for (size_t i = 0; i < s->n_partitions; i++)
		have_boot |= streq_ptr(s->partitions[i].mount, "/boot");
	if (c->reqpart.line > 0 && c->reqpart_boot && !have_boot) {
		ks_part boot = {.mount = (char *)"/boot",
				.has_size = true,
				.size_mib = 1024,
				.loc = c->reqpart};
		add_partition(c, &boot, NULL, false);
	}
}

static void keys(ks_ctx *c)
{
	azl_accounts *a = &c->m->accounts;
	for (size_t i = 0; i < c->n_keys; i++) {
		const ks_key *k = &c->keys[i];
		char ***list = NULL;
		if (strcmp(k->user, "root") == 0)
			list = &a->root.ssh_authorized_keys;
		else
			for (size_t u = 0; u < a->n_users; u++)
				if (streq_ptr(a->users[u].name, k->user))
					list = &a->users[u].ssh_authorized_keys;
		if (!list) {
			diag_error(c->d, k->loc,
				   _("'sshkey' for user '%s', whom no 'user' "
				     "line creates"),
				   k->user);
			continue;
		}
		c->m->has_accounts = true;
		if (!strv_contains(*list, k->key))
			strv_push(list, xstrdup(k->key));
	}
}

int ks_finish(ks_ctx *c)
{
	storage(c);
	keys(c);
	return 0;
}
