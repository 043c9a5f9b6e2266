/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ordered actions of a finished plan (create, format, mount, ...). */
#include "plan-internal.h"

/* --- actions ------------------------------------------------------------ */

static azl_action *add_action(azl_plan *p, azl_op op, const char *object)
{
	azl_action *a = xappend(&p->actions, &p->n_actions, sizeof(*a));
	a->op = op;
	a->object = xstrdup(object);
	return a;
}

/* The device a filesystem goes on: the LUKS mapping when encrypted. */
static char *fs_device(const azl_plan_part *p)
{
	return p->encrypted ? xasprintf("/dev/mapper/%s", p->luks_name) : xstrdup(p->device);
}

static char *raid_fs_device(const azl_plan_raid *r)
{
	return r->encrypted ? xasprintf("/dev/mapper/%s", r->luks_name) : xstrdup(r->device);
}

typedef struct mount_entry {
	const char *mount, *device;
	azl_fs fs;
	const char *subvol; /* btrfs: the subvolume mounted there */
} mount_entry;

static int cmp_mount(const void *a, const void *b)
{
	/* A parent is a prefix of its children, so plain order mounts "/"
	 * first and /boot before /boot/efi. */
	return strcmp(((const mount_entry *)a)->mount, ((const mount_entry *)b)->mount);
}

static void add_mkfs(azl_plan *p, const char *device, azl_fs fs, const char *label,
		     const char *what)
{
	azl_action *a = add_action(p, fs == AZL_FS_SWAP ? AZL_OP_MKSWAP : AZL_OP_MKFS, device);
	a->device = xstrdup(device);
	a->fs = fs;
	a->name = xstrdup(label);
	a->detail = fs == AZL_FS_SWAP ? xstrdup(what) : xasprintf("%s %s", fs_to_string(fs), what);
}

void build_actions(azl_plan *p)
{
	const char *boot_disk = p->boot_disk;
	for (size_t i = 0; i < p->n_disks; i++) {
		const azl_plan_disk *d = &p->disks[i];
		if (d->new_table) {
			azl_action *a = add_action(p, AZL_OP_WIPE_SIGNATURES, d->path);
			a->disk = xstrdup(d->path);
			a = add_action(p, AZL_OP_CREATE_TABLE, d->path);
			a->disk = xstrdup(d->path);
			a->table = d->table;
			a->detail = xstrdup(table_to_string(d->table));
		}
		for (size_t k = 0; k < d->n_removed; k++) {
			const azl_plan_part *pp = &d->removed[k];
			azl_action *a = add_action(p, AZL_OP_DELETE_PARTITION, pp->device);
			a->disk = xstrdup(d->path);
			a->device = xstrdup(pp->device);
			a->number = pp->number;
			_cleanup_free_ char *h = human(pp->size);
			a->detail = xasprintf("%s %s", h, pp->fs_type ? pp->fs_type : "");
		}
		for (size_t k = 0; k < d->n_parts; k++) {
			const azl_plan_part *pp = &d->parts[k];
			if (pp->keep)
				continue;
			azl_action *a = add_action(p, AZL_OP_CREATE_PARTITION, pp->device);
			a->disk = xstrdup(d->path);
			a->device = xstrdup(pp->device);
			a->number = pp->number;
			a->start = pp->start;
			a->size = pp->size;
			a->type = pp->type_guid;
			a->name = xstrdup(pp->partlabel);
			_cleanup_free_ char *h = human(pp->size);
			a->detail = xasprintf("%s %s", h,
					      pp->mount && pp->role == AZL_ROLE_DATA
						      ? pp->mount
						      : role_describe(pp->role));
		}
	}

	for (size_t i = 0; i < p->n_raids; i++) {
		const azl_plan_raid *r = &p->raids[i];
		azl_action *a = add_action(p, AZL_OP_RAID_CREATE, r->device);
		a->device = xstrdup(r->device);
		a->name = xstrdup(r->name);
		a->size = r->size;
		_cleanup_free_ char *h = human(r->size);
		a->detail = xasprintf(_("RAID%d of %zu members, %s"), r->level,
				      strv_length(r->members), h);
	}
	for (size_t i = 0; i < p->n_raids; i++) {
		const azl_plan_raid *r = &p->raids[i];
		if (!r->encrypted)
			continue;
		azl_action *a = add_action(p, AZL_OP_LUKS_FORMAT, r->device);
		a->device = xstrdup(r->device);
		a->name = xstrdup(r->luks_name);
		a->detail = xstrdup("LUKS2");
		a = add_action(p, AZL_OP_LUKS_OPEN, r->device);
		a->device = xstrdup(r->device);
		a->name = xstrdup(r->luks_name);
		a->detail = xasprintf("/dev/mapper/%s", r->luks_name);
	}
	for (size_t i = 0; i < p->n_disks; i++)
		for (size_t k = 0; k < p->disks[i].n_parts; k++) {
			const azl_plan_part *pp = &p->disks[i].parts[k];
			if (pp->keep || !pp->encrypted)
				continue;
			azl_action *a = add_action(p, AZL_OP_LUKS_FORMAT, pp->device);
			a->device = xstrdup(pp->device);
			a->name = xstrdup(pp->luks_name);
			a->detail = xstrdup("LUKS2");
			a = add_action(p, AZL_OP_LUKS_OPEN, pp->device);
			a->device = xstrdup(pp->device);
			a->name = xstrdup(pp->luks_name);
			a->detail = xasprintf("/dev/mapper/%s", pp->luks_name);
		}

	/* Every physical volume, then every group, then every volume: a
	 * group may span disks, and the phases never go back. */
	for (size_t v = 0; v < p->n_vgs; v++) {
		azl_plan_vg *vg = &p->vgs[v];
		for (size_t i = 0; i < p->n_disks; i++)
			for (size_t k = 0; k < p->disks[i].n_parts; k++) {
				const azl_plan_part *pp = &p->disks[i].parts[k];
				if (pp->role != AZL_ROLE_LVM_PV || pp->keep ||
				    !streq_ptr(pp->vg, vg->name))
					continue;
				char *dev = fs_device(pp);
				azl_action *a = add_action(p, AZL_OP_PV_CREATE, dev);
				a->device = xstrdup(dev);
				strv_push(&vg->pvs, dev);
			}
		for (size_t i = 0; i < p->n_raids; i++) {
			const azl_plan_raid *r = &p->raids[i];
			if (!streq_ptr(r->vg, vg->name))
				continue;
			char *dev = raid_fs_device(r);
			azl_action *a = add_action(p, AZL_OP_PV_CREATE, dev);
			a->device = xstrdup(dev);
			strv_push(&vg->pvs, dev);
		}
	}
	for (size_t v = 0; v < p->n_vgs; v++) {
		const azl_plan_vg *vg = &p->vgs[v];
		azl_action *a = add_action(p, AZL_OP_VG_CREATE, vg->name);
		a->name = xstrdup(vg->name);
		_cleanup_free_ char *h = human(vg->size);
		a->detail = xasprintf(_("%s over %zu physical volume(s)"), h, strv_length(vg->pvs));
	}
	for (size_t v = 0; v < p->n_vgs; v++) {
		const azl_plan_vg *vg = &p->vgs[v];
		for (size_t l = 0; l < vg->n_lvs; l++) {
			const azl_plan_lv *lv = &vg->lvs[l];
			azl_action *a = add_action(p, AZL_OP_LV_CREATE, lv->device);
			a->device = xstrdup(lv->device);
			a->name = xstrdup(lv->name);
			a->vg = xstrdup(vg->name);
			a->size = lv->size;
			a->detail = human(lv->size);
		}
	}

	mount_entry *mounts = NULL;
	size_t n_mounts = 0;
	_cleanup_strv_free_ char **devs = NULL;
	for (size_t i = 0; i < p->n_disks; i++)
		for (size_t k = 0; k < p->disks[i].n_parts; k++) {
			const azl_plan_part *pp = &p->disks[i].parts[k];
			if (pp->fs == AZL_FS_NONE)
				continue;
			char *dev = fs_device(pp);
			strv_push(&devs, dev);
			if (!pp->keep || pp->reformat)
				add_mkfs(p, dev, pp->fs, pp->fs_label,
					 pp->mount ? pp->mount : role_describe(pp->role));
			if (pp->mount && pp->fs != AZL_FS_SWAP) {
				mount_entry *e = xappend(&mounts, &n_mounts, sizeof(*e));
				*e = (mount_entry){pp->mount, dev, pp->fs, NULL};
			}
			for (size_t s = 0; s < pp->n_subvols; s++) {
				const azl_plan_subvol *sv = &pp->subvols[s];
				if (!pp->keep) {
					azl_action *a = add_action(p, AZL_OP_SUBVOLUME_CREATE, dev);
					a->device = xstrdup(dev);
					a->name = xstrdup(sv->name);
					a->detail = xasprintf(_("subvolume %s"), sv->name);
				}
				if (!sv->mount)
					continue;
				mount_entry *e = xappend(&mounts, &n_mounts, sizeof(*e));
				*e = (mount_entry){sv->mount, dev, pp->fs, sv->name};
			}
		}
	for (size_t i = 0; i < p->n_raids; i++) {
		const azl_plan_raid *r = &p->raids[i];
		if (r->fs == AZL_FS_NONE)
			continue;
		char *dev = raid_fs_device(r);
		strv_push(&devs, dev);
		add_mkfs(p, dev, r->fs, r->fs_label, r->mount ? r->mount : r->name);
		if (r->mount && r->fs != AZL_FS_SWAP) {
			mount_entry *e = xappend(&mounts, &n_mounts, sizeof(*e));
			*e = (mount_entry){r->mount, dev, r->fs, NULL};
		}
	}
	for (size_t v = 0; v < p->n_vgs; v++)
		for (size_t l = 0; l < p->vgs[v].n_lvs; l++) {
			const azl_plan_lv *lv = &p->vgs[v].lvs[l];
			if (lv->fs == AZL_FS_NONE)
				continue; /* a bare volume, like a bare
					   * partition */
			add_mkfs(p, lv->device, lv->fs, lv->fs_label,
				 lv->mount ? lv->mount : lv->name);
			if (lv->mount && lv->fs != AZL_FS_SWAP) {
				mount_entry *e = xappend(&mounts, &n_mounts, sizeof(*e));
				*e = (mount_entry){lv->mount, lv->device, lv->fs, NULL};
			}
		}
	if (n_mounts > 0)
		qsort(mounts, n_mounts, sizeof(*mounts), cmp_mount);
	for (size_t i = 0; i < n_mounts; i++) {
		azl_action *a = add_action(p, AZL_OP_MOUNT, mounts[i].device);
		a->device = xstrdup(mounts[i].device);
		a->mount = xstrdup(mounts[i].mount);
		a->fs = mounts[i].fs;
		a->subvol = xstrdup(mounts[i].subvol);
		a->detail = mounts[i].subvol
				    ? xasprintf("%s (subvol=%s)", mounts[i].mount, mounts[i].subvol)
				    : xstrdup(mounts[i].mount);
	}
	free(mounts);

	azl_action *a = add_action(p, AZL_OP_INSTALL_PACKAGES, "/");
	a = add_action(p, AZL_OP_CONFIGURE, "/");
	a = add_action(p, AZL_OP_INSTALL_BOOTLOADER,
		       p->firmware == AZL_FIRMWARE_UEFI ? "/boot/efi" : boot_disk);
	a->disk = xstrdup(boot_disk);
	a->detail = xstrdup(firmware_to_string(p->firmware));
}
