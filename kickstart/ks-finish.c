/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The end of a kickstart translation: part/volgroup/logvol/reqpart become
 * the model's storage, sshkey lines find their users, the boot drive finds
 * its disk.
 *
 * part/logvol map one to one: each part line is a storage.partitions[]
 * entry in file order ("part pv.NN" one with volume_group set), each
 * volgroup a storage.volume_groups[] entry holding its logvol lines in file
 * order. Only autopart makes a guided layout.
 */
#include <errno.h>
#include <string.h>

#include "i18n.h"
#include "ks-internal.h"
#include "util.h"

#define DEFAULT_SIZE_MIB     1024
#define RECOMMENDED_SWAP_MIB 2048

static const ks_raid *raid_of_member(const ks_ctx *c, const char *member)
{
	for (size_t i = 0; i < c->n_raids; i++)
		if (strv_contains(c->raids[i].members, member))
			return &c->raids[i];
	return NULL;
}

static const ks_raid *raid_pv(const ks_ctx *c, const char *pv)
{
	for (size_t i = 0; i < c->n_raids; i++)
		if (streq_ptr(c->raids[i].mount, pv))
			return &c->raids[i];
	return NULL;
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

static const ks_vg *find_vg(const ks_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->n_vgs; i++)
		if (streq_ptr(c->vgs[i].name, name))
			return &c->vgs[i];
	return NULL;
}

/* The size of a part or logvol line, as kickstart means it: --size and
 * --maxsize in MiB, --percent of the volume group, --grow alone = all
 * that is left (size UNSET). */
static azl_size volume_size(ks_ctx *c, const ks_part *p, const char *what)
{
	if (p->percent)
		return (azl_size){.kind = AZL_SIZE_PERCENT, .percent = p->percent};
	if (p->has_size && !(p->recommended && !p->size_mib))
		return (azl_size){.kind = AZL_SIZE_BYTES, .bytes = p->size_mib << 20};
	if (strcmp(p->mount, "swap") == 0 && p->recommended) {
		diag_warn(
			c->d, p->loc,
			_("the recommended swap size depends on the memory of the machine; %d MiB is used"),
			RECOMMENDED_SWAP_MIB);
		return (azl_size){.kind = AZL_SIZE_BYTES,
				  .bytes = (uint64_t)RECOMMENDED_SWAP_MIB << 20};
	}
	if (!p->grow) {
		diag_warn(c->d, p->loc, _("'%s' has no --size; %d MiB is used, as Anaconda does"),
			  what, DEFAULT_SIZE_MIB);
		return (azl_size){.kind = AZL_SIZE_BYTES,
				  .bytes = (uint64_t)DEFAULT_SIZE_MIB << 20};
	}
	return (azl_size){0};
}

static azl_fs volume_fs(const ks_part *p)
{
	if (p->fs != AZL_FS_NONE)
		return p->fs;
	if (strcmp(p->mount, "swap") == 0)
		return AZL_FS_SWAP;
	if (strcmp(p->mount, "/boot/efi") == 0)
		return AZL_FS_VFAT;
	return AZL_FS_NONE;
}

static void add_partition(ks_ctx *c, const ks_part *p)
{
	azl_storage *s = &c->m->storage;
	azl_partition_spec *ps = xappend(&s->partitions, &s->n_partitions, sizeof(*ps));
	ps->mount = xstrdup(p->mount);
	ps->loc = p->loc;
	ps->fs = volume_fs(p);
	ps->label = xstrdup(p->label);
	ps->fs_options = xstrdup(p->fsoptions);
	if (p->onpart) {
		/* Reused where it is: no size, place or disk of its own. */
		ps->existing = xstrdup(p->onpart);
		ps->keep_fs = p->noformat;
		return;
	}
	ps->grow = p->grow;
	ps->max_bytes = p->max_mib << 20;
	ps->size = volume_size(c, p, p->mount);
	ps->encrypt = p->encrypt;
	if (p->disk)
		ps->disk_path =
			p->disk[0] == '/' ? xstrdup(p->disk) : xasprintf("/dev/%s", p->disk);
}

/* An LVM physical volume: a partition with volume_group and nothing that
 * belongs to a file system. */
static void add_pv(ks_ctx *c, const ks_part *p, const ks_vg *vg, bool encrypt)
{
	azl_storage *s = &c->m->storage;
	if (p->fs != AZL_FS_NONE || p->label || p->fsoptions)
		diag_warn(
			c->d, p->loc,
			_("physical volume '%s' holds no file system; its --fstype, --label and --fsoptions were ignored"),
			p->mount);
	azl_partition_spec *ps = xappend(&s->partitions, &s->n_partitions, sizeof(*ps));
	ps->loc = p->loc;
	ps->grow = p->grow;
	ps->max_bytes = p->max_mib << 20;
	ps->size = volume_size(c, p, p->mount);
	ps->encrypt = p->encrypt || encrypt;
	if (p->disk)
		ps->disk_path =
			p->disk[0] == '/' ? xstrdup(p->disk) : xasprintf("/dev/%s", p->disk);
	ps->volume_group = xstrdup(vg->name);
}

static bool valid_mount(ks_ctx *c, const ks_part *p)
{
	if (strcmp(p->mount, "swap") == 0 || p->mount[0] == '/')
		return true;
	diag_error(
		c->d, p->loc,
		_("'%s' is no mount point: use an absolute path, 'swap', 'pv.NAME' or 'biosboot'"),
		p->mount);
	return false;
}

/* LUKS on a logical volume is not supported: a logvol --encrypted
 * encrypts the physical volumes of its group instead, which covers every
 * volume of the group (never less than the kickstart asked for). Returns
 * whether the group's PVs must be encrypted for that reason. */
static bool vg_encrypted_by_lv(ks_ctx *c, const ks_vg *vg)
{
	const ks_part *first = NULL;
	for (size_t i = 0; i < c->n_lvs && !first; i++)
		if (c->lvs[i].encrypt && streq_ptr(c->lvs[i].vgname, vg->name))
			first = &c->lvs[i];
	if (!first)
		return false;
	bool all_pvs = true;
	for (char **pv = vg->pvs; pv && *pv; pv++) {
		const ks_part *p = pv_part(c, *pv);
		all_pvs &= p && p->encrypt;
	}
	if (!all_pvs)
		diag_warn(
			c->d, first->loc,
			_("LUKS on logical volume '%s' is not supported; the physical volumes of volume group '%s' are encrypted instead, which covers all its volumes"),
			first->name, vg->name);
	return true;
}

static void add_volume_group(ks_ctx *c, const ks_vg *vg)
{
	azl_storage *s = &c->m->storage;
	azl_volume_group *g = xappend(&s->volume_groups, &s->n_volume_groups, sizeof(*g));
	g->name = xstrdup(vg->name);
	g->loc = vg->loc;
	for (size_t i = 0; i < c->n_lvs; i++) {
		const ks_part *lv = &c->lvs[i];
		if (!streq_ptr(lv->vgname, vg->name) || !valid_mount(c, lv))
			continue;
		azl_volume_spec *v = xappend(&g->volumes, &g->n_volumes, sizeof(*v));
		v->name = xstrdup(lv->name);
		v->mount = xstrdup(lv->mount);
		v->loc = lv->loc;
		v->grow = lv->grow;
		v->max_bytes = lv->max_mib << 20;
		v->size = volume_size(c, lv, lv->mount);
		v->fs = volume_fs(lv);
		if (v->fs == AZL_FS_BTRFS) {
			diag_warn(
				c->d, lv->loc,
				_("btrfs on a logical volume is not supported; 'ext4' is used instead"));
			v->fs = AZL_FS_EXT4;
		}
		v->label = xstrdup(lv->label);
		v->fs_options = xstrdup(lv->fsoptions);
	}
}

/* part raid.NN: a member of the array whose raid line lists it. */
static void add_raid_member(ks_ctx *c, const ks_part *p)
{
	const ks_raid *r = raid_of_member(c, p->mount);
	if (!r) {
		if (!ks_dropped(c, p->mount))
			diag_warn(c->d, p->loc,
				  _("RAID member '%s' belongs to no 'raid' line and was ignored"),
				  p->mount);
		return;
	}
	azl_storage *s = &c->m->storage;
	azl_partition_spec *ps = xappend(&s->partitions, &s->n_partitions, sizeof(*ps));
	ps->loc = p->loc;
	ps->grow = p->grow;
	ps->max_bytes = p->max_mib << 20;
	ps->size = volume_size(c, p, p->mount);
	if (p->disk)
		ps->disk_path =
			p->disk[0] == '/' ? xstrdup(p->disk) : xasprintf("/dev/%s", p->disk);
	ps->raid = xstrdup(r->name);
}

/* raid lines: storage.raids[], a pv.NN one as a physical volume of its
 * group. /boot/efi gets metadata 1.0, as Anaconda makes it (the firmware
 * reads a member as a plain FAT partition). */
static void add_raids(ks_ctx *c, const bool *enc)
{
	azl_storage *s = &c->m->storage;
	for (size_t i = 0; i < c->n_raids; i++) {
		const ks_raid *r = &c->raids[i];
		for (char **m = r->members; m && *m; m++) {
			bool found = false;
			for (size_t k = 0; k < c->n_parts; k++)
				found |= streq_ptr(c->parts[k].mount, *m);
			if (!found && !ks_dropped(c, *m))
				diag_error(c->d, r->loc,
					   _("RAID '%s' uses '%s', which no 'part' line makes"),
					   r->name, *m);
		}
		azl_raid_spec *rs = xappend(&s->raids, &s->n_raids, sizeof(*rs));
		rs->name = xstrdup(r->name);
		rs->level = r->level;
		rs->spares = r->spares;
		rs->loc = r->loc;
		rs->encrypt = r->encrypt;
		if (ks_member_of(r->mount) == KS_MEMBER_PV) {
			const ks_vg *vg = vg_of_pv(c, r->mount);
			if (!vg) {
				diag_warn(
					c->d, r->loc,
					_("physical volume '%s' belongs to no volume group; RAID '%s' is made but holds nothing"),
					r->mount, r->name);
				continue;
			}
			rs->volume_group = xstrdup(vg->name);
			rs->encrypt |= enc[vg - c->vgs];
			continue;
		}
		if (strcmp(r->mount, "swap") != 0 && r->mount[0] != '/') {
			diag_error(
				c->d, r->loc,
				_("'%s' is no mount point: use an absolute path, 'swap' or 'pv.NAME'"),
				r->mount);
			continue;
		}
		rs->mount = xstrdup(r->mount);
		ks_part tmp = {.mount = r->mount, .fs = r->fs};
		rs->fs = volume_fs(&tmp);
		rs->label = xstrdup(r->label);
		rs->fs_options = xstrdup(r->fsoptions);
		if (strcmp(r->mount, "/boot/efi") == 0)
			rs->metadata = xstrdup("1.0");
	}
}

/* Whether subvolume line sv is made on volume vol: its parent names the
 * volume by LABEL=, label, --name, mount point or member partition
 * (btrfs.01). */
static bool subvol_of(const ks_btrfs *sv, const ks_btrfs *vol)
{
	const char *parent = sv->members ? sv->members[0] : NULL;
	if (!parent)
		return false;
	if (startswith(parent, "LABEL="))
		return streq_ptr(vol->label, parent + strlen("LABEL="));
	return streq_ptr(vol->label, parent) || streq_ptr(vol->name, parent) ||
	       strv_contains(vol->members, parent) ||
	       (strcmp(vol->mount, "none") != 0 && streq_ptr(vol->mount, parent));
}

/* part btrfs.NN + btrfs volume + btrfs --subvol lines: one btrfs
 * partition with its subvolumes. */
static void add_btrfs(ks_ctx *c, const ks_part *p)
{
	const ks_btrfs *vol = NULL;
	for (size_t i = 0; i < c->n_btrfs && !vol; i++)
		if (!c->btrfs[i].subvol && strv_contains(c->btrfs[i].members, p->mount))
			vol = &c->btrfs[i];
	if (!vol) {
		diag_warn(c->d, p->loc,
			  _("btrfs member '%s' belongs to no 'btrfs' volume and was ignored"),
			  p->mount);
		return;
	}
	if (p->fs != AZL_FS_NONE && p->fs != AZL_FS_BTRFS)
		diag_warn(c->d, p->loc, _("btrfs member '%s': its --fstype was ignored"), p->mount);
	bool top = strcmp(vol->mount, "none") != 0;
	ks_part part = *p;
	part.mount = top ? vol->mount : NULL;
	part.fs = AZL_FS_BTRFS;
	part.label = vol->label ? vol->label : p->label;
	part.fsoptions = vol->fsoptions ? vol->fsoptions : p->fsoptions;
	azl_storage *s = &c->m->storage;
	if (top && !valid_mount(c, &part))
		return;
	if (!top) {
		/* add_partition() copies a NULL mount as none. */
		part.mount = (char *)"";
	}
	add_partition(c, &part);
	azl_partition_spec *ps = &s->partitions[s->n_partitions - 1];
	if (!top) {
		free(ps->mount);
		ps->mount = NULL;
	}
	ps->loc = vol->loc;
	for (size_t i = 0; i < c->n_btrfs; i++) {
		const ks_btrfs *sv = &c->btrfs[i];
		if (!sv->subvol || !subvol_of(sv, vol))
			continue;
		azl_subvolume_spec *v = xappend(&ps->subvolumes, &ps->n_subvolumes, sizeof(*v));
		v->name = xstrdup(sv->name);
		v->mount = strcmp(sv->mount, "none") != 0 ? xstrdup(sv->mount) : NULL;
		v->fs_options = xstrdup(sv->fsoptions);
		v->loc = sv->loc;
	}
	if (top && ps->n_subvolumes > 0) {
		/* Anaconda mounts the top level and the subvolumes; here the
		 * subvolumes carry the mount points. */
		diag_warn(
			c->d, vol->loc,
			_("btrfs volume '%s' is not mounted itself, only its subvolumes are; use 'btrfs none' for it"),
			vol->mount);
		free(ps->mount);
		ps->mount = NULL;
	}
}

/* Subvolume lines whose volume no btrfs line makes. */
static void check_btrfs(ks_ctx *c)
{
	for (size_t i = 0; i < c->n_btrfs; i++) {
		const ks_btrfs *sv = &c->btrfs[i];
		if (!sv->subvol)
			continue;
		bool found = false;
		for (size_t k = 0; k < c->n_btrfs && !found; k++)
			found = !c->btrfs[k].subvol && subvol_of(sv, &c->btrfs[k]);
		if (!found)
			diag_error(
				c->d, sv->loc,
				_("btrfs subvolume '%s' is on '%s', which no 'btrfs' volume line makes (name it by LABEL=, its --label or its mount point)"),
				sv->name, sv->members[0]);
	}
	for (size_t i = 0; i < c->n_btrfs; i++) {
		const ks_btrfs *vol = &c->btrfs[i];
		for (char **m = vol->members; !vol->subvol && m && *m; m++) {
			bool have = false;
			for (size_t k = 0; k < c->n_parts; k++)
				have |= streq_ptr(c->parts[k].mount, *m);
			if (!have)
				diag_error(
					c->d, vol->loc,
					_("btrfs volume '%s' uses '%s', which no 'part' line makes"),
					vol->label ? vol->label : vol->mount, *m);
		}
	}
}

static void custom(ks_ctx *c)
{
	bool *enc = xcalloc(c->n_vgs ? c->n_vgs : 1, sizeof(bool));
	for (size_t k = 0; k < c->n_vgs; k++)
		enc[k] = vg_encrypted_by_lv(c, &c->vgs[k]);
	for (size_t i = 0; i < c->n_parts; i++) {
		const ks_part *p = &c->parts[i];
		ks_member kind = ks_member_of(p->mount);
		if (kind == KS_MEMBER_RAID) {
			add_raid_member(c, p);
			continue;
		}
		if (kind == KS_MEMBER_BTRFS) {
			add_btrfs(c, p);
			continue;
		}
		if (kind != KS_MEMBER_PV) {
			if (valid_mount(c, p))
				add_partition(c, p);
			continue;
		}
		const ks_vg *vg = vg_of_pv(c, p->mount);
		if (!vg && ks_dropped(c, p->mount))
			continue; /* its volgroup line was refused */
		if (!vg) {
			diag_warn(
				c->d, p->loc,
				_("physical volume '%s' belongs to no volume group and was ignored"),
				p->mount);
			continue;
		}
		add_pv(c, p, vg, enc[vg - c->vgs]);
	}
	add_raids(c, enc);
	for (size_t k = 0; k < c->n_vgs; k++)
		add_volume_group(c, &c->vgs[k]);
	free(enc);
}

/* Members without --ondisk: Anaconda would put them wherever they fit,
 * two of one mirror on the same disk as likely as not. They get the
 * disks of the list (ignoredisk --only-use, clearpart --drives) in order,
 * skipping those the array's other members are on, which is what a
 * mirror is for. Without a disk list, or with more members than disks,
 * they stay where they are and validation names the two on one disk. */
static void spread_raid_members(ks_ctx *c)
{
	azl_storage *s = &c->m->storage;
	for (size_t r = 0; r < s->n_raids; r++) {
		const char *name = s->raids[r].name;
		bool *used = xcalloc(s->n_disks + 1, sizeof(bool));
		for (size_t i = 0; i < s->n_partitions; i++) {
			const azl_partition_spec *ps = &s->partitions[i];
			if (!streq_ptr(ps->raid, name))
				continue;
			for (size_t d = 0; d < s->n_disks; d++)
				if ((size_t)ps->disk_index == d + 1 ||
				    streq_ptr(ps->disk_path, s->disks[d].path))
					used[d] = true;
		}
		size_t next = 0;
		for (size_t i = 0; i < s->n_partitions; i++) {
			azl_partition_spec *ps = &s->partitions[i];
			if (!streq_ptr(ps->raid, name) || ps->disk_path || ps->disk_index)
				continue;
			while (next < s->n_disks && used[next])
				next++;
			if (next == s->n_disks)
				break;
			ps->disk_index = (int)next + 1;
			used[next] = true;
		}
		free(used);
	}
}

/* A custom layout without '/' whose '/' was on a line that was refused or
 * not carried over (raid /, btrfs /, part / --onpart=...): say that, at
 * that line, rather than "the layout has no '/'". */
static void no_root(ks_ctx *c)
{
	const azl_storage *s = &c->m->storage;
	for (size_t i = 0; i < s->n_partitions; i++) {
		if (streq_ptr(s->partitions[i].mount, "/"))
			return;
		for (size_t k = 0; k < s->partitions[i].n_subvolumes; k++)
			if (streq_ptr(s->partitions[i].subvolumes[k].mount, "/"))
				return;
	}
	for (size_t i = 0; i < s->n_raids; i++)
		if (streq_ptr(s->raids[i].mount, "/"))
			return;
	for (size_t k = 0; k < s->n_volume_groups; k++)
		for (size_t i = 0; i < s->volume_groups[k].n_volumes; i++)
			if (streq_ptr(s->volume_groups[k].volumes[i].mount, "/"))
				return;
	const azl_loc *at = ks_dropped(c, "/");
	if (at)
		diag_error(
			c->d, *at,
			_("'/' is on this line, which is not carried over, so the layout has no '/'; put '/' on a 'part' or 'logvol' line"));
}

/* The disk of a partition device: /dev/sda3 -> /dev/sda, /dev/nvme0n1p2
 * -> /dev/nvme0n1 (a name ending in a digit takes a 'p' before the
 * partition number). NULL when the name has no partition number. */
static char *disk_of_partition(const char *dev)
{
	size_t n = strlen(dev);
	while (n > 0 && dev[n - 1] >= '0' && dev[n - 1] <= '9')
		n--;
	if (n == strlen(dev) || n == 0)
		return NULL;
	if (n >= 2 && dev[n - 1] == 'p' && dev[n - 2] >= '0' && dev[n - 2] <= '9')
		n--;
	return xstrndup(dev, n);
}

static void storage(ks_ctx *c)
{
	azl_storage *s = &c->m->storage;
	if (!c->have_only_use && c->clear_drives) {
		for (char **p = c->clear_drives; *p; p++) {
			azl_disk_spec *ds = xappend(&s->disks, &s->n_disks, sizeof(*ds));
			ds->path = (*p)[0] == '/' ? xstrdup(*p) : xasprintf("/dev/%s", *p);
			ds->loc = c->clearpart_drives;
		}
	}
	/* Neither ignoredisk --only-use nor clearpart --drives: Anaconda
	 * may use every disk, and the disks the part lines name with
	 * --ondisk are the ones the layout is on. They become the disk
	 * list, in the order they are first named, so that a two-disk
	 * layout has its two disks and a missing disk is the machine's
	 * fault (exit 2), not the file's. */
	if (s->n_disks == 0)
		for (size_t i = 0; i < c->n_parts; i++) {
			const char *d = c->parts[i].disk;
			_cleanup_free_ char *parent =
				c->parts[i].onpart ? disk_of_partition(c->parts[i].onpart) : NULL;
			if (parent)
				d = parent;
			if (!d)
				continue;
			_cleanup_free_ char *path =
				d[0] == '/' ? xstrdup(d) : xasprintf("/dev/%s", d);
			bool have = false;
			for (size_t k = 0; k < s->n_disks; k++)
				have |= streq_ptr(s->disks[k].path, path);
			if (have)
				continue;
			azl_disk_spec *ds = xappend(&s->disks, &s->n_disks, sizeof(*ds));
			ds->path = TAKE_PTR(path);
			ds->loc = c->parts[i].loc;
		}
	for (size_t i = 0; i < c->n_lvs; i++) {
		/* A group whose line was refused was reported there. */
		if (!find_vg(c, c->lvs[i].vgname) && !ks_dropped(c, c->lvs[i].vgname))
			diag_error(
				c->d, c->lvs[i].loc,
				_("logical volume '%s' is in volume group '%s', which no 'volgroup' line makes"),
				c->lvs[i].name, c->lvs[i].vgname);
	}
	for (size_t k = 0; k < c->n_vgs; k++)
		for (char **pv = c->vgs[k].pvs; pv && *pv; pv++)
			if (!pv_part(c, *pv) && !raid_pv(c, *pv) && !ks_dropped(c, *pv))
				diag_error(
					c->d, c->vgs[k].loc,
					_("volume group '%s' uses '%s', which no 'part' line makes"),
					c->vgs[k].name, *pv);

	bool have_custom = c->n_parts > 0 || c->n_lvs > 0;
	/* pykickstart (base.py, _checkConflictingCommands; partition.py and
	 * logvol.py list autopart in conflictingCommands): any part or
	 * logvol line, also "part biosboot", conflicts with autopart. */
	if (c->autopart.line > 0 && (c->first_part.line > 0 || c->first_logvol.line > 0)) {
		azl_loc other = c->first_part.line > 0 ? c->first_part : c->first_logvol;
		diag_error(
			c->d, c->autopart,
			_("'autopart' cannot be used together with 'part' or 'logvol' (line %d); Anaconda refuses that too: drop one"),
			other.line);
		return;
	}
	if (c->reqpart.line > 0 && c->autopart.line > 0)
		diag_warn(c->d, c->reqpart,
			  _("'reqpart' has no effect together with 'autopart' and was ignored"));
	if (!have_custom)
		return;
	c->m->has_storage = true;
	c->m->has_storage = true;
	check_btrfs(c);
	custom(c);
	spread_raid_members(c);
	no_root(c);
	bool have_boot = false;
	for (size_t i = 0; i < s->n_partitions; i++)
		have_boot |= streq_ptr(s->partitions[i].mount, "/boot");
	for (size_t i = 0; i < s->n_raids; i++)
		have_boot |= streq_ptr(s->raids[i].mount, "/boot");
	if (c->reqpart.line > 0 && c->reqpart_boot && !have_boot) {
		ks_part boot = {.mount = (char *)"/boot",
				.has_size = true,
				.size_mib = 1024,
				.loc = c->reqpart};
		add_partition(c, &boot);
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
				   _("'sshkey' for user '%s', whom no 'user' line creates"),
				   k->user);
			continue;
		}
		c->m->has_accounts = true;
		if (!strv_contains(*list, k->key)) {
			char *key = xstrdup(k->key);
			model_note_loc(c->m, key, k->loc);
			strv_push(list, key);
		}
	}
}

/* bootloader --boot-drive=sdb: the index of that disk when it is one of
 * storage.disks (as a partition's --ondisk would name it), else the path. */
static void boot_drive(ks_ctx *c)
{
	azl_bootloader *b = &c->m->bootloader;
	const azl_storage *s = &c->m->storage;
	if (!b->boot_drive_path)
		return;
	for (size_t i = 0; i < s->n_disks; i++)
		if (streq_ptr(s->disks[i].path, b->boot_drive_path)) {
			free(b->boot_drive_path);
			b->boot_drive_path = NULL;
			b->boot_drive_index = (int)i + 1;
			return;
		}
}

static void ask_storage(ks_ctx *c)
{
	if (!model_asks_storage(c->m))
		strv_push(&c->m->interactive, xstrdup("storage"));
}

/* What Anaconda does not do unless told, and asks when not told. */
static void storage_defaults(ks_ctx *c)
{
	azl_storage *s = &c->m->storage;
	/* After an error the kickstart is refused: no advice that follows
	 * from a line that was refused. */
	bool had_errors = diags_errors(c->d) > c->errors_before;
	/* No clearpart: nothing is removed. Anaconda's DEFAULT
	 * initialization mode (pyanaconda/modules/storage/disk_initialization/
	 * initialization.py, _map_clearpart_type) clears nothing. */
	if (c->clearpart.line == 0)
		s->wipe = AZL_WIPE_NONE;
	/* No autopart, part, logvol, volgroup or reqpart: Anaconda has no
	 * partitioning method (pyanaconda/modules/storage/partitioning/
	 * factory.py, get_method_for_kickstart returns None) and its storage
	 * spoke stops and asks. The same: the interactive installer asks,
	 * an unattended install refuses (plan_build). */
	if (c->n_parts == 0 && c->n_lvs == 0 && c->n_dropped > 0 && c->autopart.line == 0) {
		/* Only lines that were not carried over (raid, btrfs, ...):
		 * nothing is guessed. */
		azl_loc whole = {c->file, 0, 0};
		if (!had_errors)
			diag_warn(
				c->d, whole,
				_("no storage line was carried over: the interactive installer asks for the storage layout; an unattended install refuses this kickstart"));
		c->m->has_storage = false;
		ask_storage(c);
		return;
	}
	if (c->autopart.line == 0 && c->first_part.line == 0 && c->first_logvol.line == 0 &&
	    c->n_vgs == 0 && c->reqpart.line == 0) {
		azl_loc whole = {c->file, 0, 0};
		if (!had_errors)
			diag_warn(
				c->d, whole,
				_("no autopart, part or logvol: the interactive installer asks for the storage layout, as Anaconda does; an unattended install refuses this kickstart"));
		c->m->has_storage = false;
		ask_storage(c);
		return;
	}
	/* --encrypted without --passphrase: Anaconda asks for it
	 * (pyanaconda/ui/tui/spokes/storage.py, the passphrase dialog). */
	const azl_encryption *e = &s->encryption;
	if (e->enabled && !e->passphrase && !e->passphrase_file) {
		diag_warn(
			c->d, e->loc,
			_("--encrypted without --passphrase: the interactive installer asks for the passphrase, as Anaconda does; an unattended install refuses this kickstart"));
		ask_storage(c);
	}
}

int ks_finish(ks_ctx *c)
{
	/* No reboot/poweroff/shutdown/halt: Anaconda waits for a key
	 * (pyanaconda/ui/tui/spokes/installation_progress.py, prompt), then
	 * reboots (anaconda.py, exitHandler). */
	if (!c->finish_seen)
		c->m->finish = AZL_FINISH_WAIT;
	storage(c);
	storage_defaults(c);
	boot_drive(c);
	keys(c);
	return 0;
}
