/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Software RAID of a custom layout: arrays checked, members equalized,
 * capacities. */
#include "plan-internal.h"

/* --- software RAID ------------------------------------------------------ */

const azl_raid_spec *model_raid(const azl_storage *s, const char *name)
{
	for (size_t i = 0; i < s->n_raids; i++)
		if (streq_ptr(s->raids[i].name, name))
			return &s->raids[i];
	return NULL;
}

/* What md keeps of each member for itself: the superblock and, for
 * metadata 1.1/1.2 (at the start), mdadm's data offset, which grows with
 * the member up to 128 MiB of reshape headroom (mdadm's super1.c). Taken
 * generously, so the array is never smaller than planned. */
static uint64_t md_reserve(uint64_t member, const char *metadata)
{
	if (streq_ptr(metadata, "1.0"))
		return MIB;
	uint64_t headroom = align_up(member / 1024, MIB);
	if (headroom < MIB)
		headroom = MIB;
	if (headroom > 128 * MIB)
		headroom = 128 * MIB;
	return headroom + MIB;
}

/* The usable bytes of an array of `active` members of member bytes. */
static uint64_t raid_capacity(int level, size_t active, uint64_t member, const char *metadata)
{
	uint64_t r = md_reserve(member, metadata);
	uint64_t data = member > r ? align_down(member - r, MIB) : 0;
	switch (level) {
	case 1:
		return data;
	case 5:
		return active > 1 ? data * (active - 1) : 0;
	case 6:
		return active > 2 ? data * (active - 2) : 0;
	case 10: /* near layout, two copies */
		return align_down(data * active / 2, MIB);
	default:
		return 0;
	}
}

/* The role of what an array or partition holds, from its mount point. */
static azl_role role_of_mount(const char *mnt)
{
	return streq_ptr(mnt, "/boot/efi") ? AZL_ROLE_ESP
	       : streq_ptr(mnt, "/boot")   ? AZL_ROLE_BOOT
	       : streq_ptr(mnt, "/")	   ? AZL_ROLE_ROOT
	       : streq_ptr(mnt, "swap")	   ? AZL_ROLE_SWAP
					   : AZL_ROLE_DATA;
}

/* The answer file's arrays, before any disk is looked at: names once,
 * levels the installer makes, enough members, what they hold. */
int check_raids(const azl_storage *s, azl_plan_error *err)
{
	for (size_t i = 0; i < s->n_raids; i++) {
		const azl_raid_spec *r = &s->raids[i];
		if (!r->name || !r->name[0])
			return fail(err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				    _("a RAID in storage.raids has no name; add name: md0"));
		if (model_raid(s, r->name) != r)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("RAID '%s' is defined twice in storage.raids; define it once"),
				r->name);
		int min = raid_level_min_members(r->level);
		if (min == 0)
			return fail(err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				    _("RAID '%s' has level %d; use level 1, 5, 6 or 10"), r->name,
				    r->level);
		int members = 0;
		for (size_t k = 0; k < s->n_partitions; k++)
			members += streq_ptr(s->partitions[k].raid, r->name);
		if (members - r->spares < min)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("RAID '%s' of level %d needs at least %d active members on as many disks, but has %d (and %d spares); add members on more disks"),
				r->name, r->level, min, members - r->spares, r->spares);
		if (r->mount && r->volume_group)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("RAID '%s' has both a mount point and a volume group; choose one"),
				r->name);
		if (r->volume_group && !model_vg(s, r->volume_group, NULL))
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("RAID '%s' names volume group '%s', which storage.volume_groups does not define; add it there"),
				r->name, r->volume_group);
		if (streq_ptr(r->mount, "/boot/efi") &&
		    (r->level != 1 || !streq_ptr(r->metadata, "1.0")))
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("RAID '%s' holds /boot/efi, which the firmware reads as a plain FAT partition: only a mirror with its superblock at the end (level: 1, metadata: \"1.0\") allows that"),
				r->name);
		if (r->encrypt &&
		    (streq_ptr(r->mount, "/boot") || streq_ptr(r->mount, "/boot/efi")))
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("'%s' cannot be encrypted: the firmware and the boot loader read it before any passphrase is asked; remove encrypt: true there"),
				r->mount);
		if (streq_ptr(r->mount, "/boot/efi") && r->fs != AZL_FS_NONE &&
		    r->fs != AZL_FS_VFAT)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("RAID '%s' holds '/boot/efi', which must be vfat; use fs: vfat"),
				r->name);
	}
	return 0;
}

/* The smallest member an array can use: md's own part, the LUKS2
 * header, and LVM's metadata and one extent for a physical volume. */
uint64_t raid_member_min(const azl_raid_spec *r)
{
	uint64_t min = md_reserve(0, r->metadata) + MIB;
	if (r->encrypt)
		min += LUKS_HEADER;
	if (r->volume_group)
		min += LVM_METADATA + LVM_EXTENT;
	return min;
}

/* Every member of an array gets the same size: md uses the smallest's
 * anyway. Fixed sizes must agree; growing members are cut to the
 * smallest member; a member that got less than another's fixed size is
 * on a disk too small for it. */
int equalize_raid(const azl_raid_spec *r, disk_work *w, size_t n, azl_plan_error *err)
{
	uint64_t fixed = 0, target = UINT64_MAX;
	const char *fixed_disk = NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < w[i].n_reqs; k++) {
			const request *rq = &w[i].reqs[k];
			if (!streq_ptr(rq->raid, r->name))
				continue;
			if (!rq->grow) {
				if (fixed && rq->size != fixed) {
					_cleanup_free_ char *a = human(fixed);
					_cleanup_free_ char *b = human(rq->size);
					return fail(
						err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
						_("the members of RAID '%s' have different sizes (%s on '%s', %s on '%s'); give them the same size"),
						r->name, a, fixed_disk, b, w[i].info->path);
				}
				fixed = rq->size;
				fixed_disk = w[i].info->path;
			}
			if (rq->size < target)
				target = rq->size;
		}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < w[i].n_reqs; k++) {
			request *rq = &w[i].reqs[k];
			if (!streq_ptr(rq->raid, r->name))
				continue;
			if (fixed && rq->size < fixed) {
				_cleanup_free_ char *hf = human(fixed);
				_cleanup_free_ char *hg = human(rq->size);
				return fail(
					err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
					_("the member of RAID '%s' on disk '%s' can have only %s, but the other members have %s and md uses the smallest; free space there or use a larger disk"),
					r->name, w[i].info->path, hg, hf);
			}
			rq->size = target;
		}
	return 0;
}

/* The arrays, once their members are placed: members in the order of
 * storage.partitions (spares last, as mdadm takes them). */
int plan_raids(const azl_storage *s, azl_plan *plan, disk_work *w, size_t n, namer *nm,
	       azl_plan_error *err)
{
	for (size_t i = 0; i < s->n_raids; i++) {
		const azl_raid_spec *mr = &s->raids[i];
		azl_plan_raid *r = xappend(&plan->raids, &plan->n_raids, sizeof(*r));
		r->name = xstrdup(mr->name);
		r->device = xasprintf("/dev/md/%s", mr->name);
		r->level = mr->level;
		r->metadata = xstrdup(mr->metadata ? mr->metadata : "1.2");
		r->spares = mr->spares;
		for (size_t k = 0; k < s->n_partitions; k++) {
			if (!streq_ptr(s->partitions[k].raid, mr->name))
				continue;
			for (size_t d = 0; d < n; d++)
				for (size_t q = 0; q < w[d].pd.n_parts; q++) {
					const azl_plan_part *pp = &w[d].pd.parts[q];
					if (pp->raid && pp->raid_seq == (int)k)
						strv_push(&r->members, xstrdup(pp->device));
				}
		}
		for (size_t d = 0; d < n; d++)
			for (size_t q = 0; q < w[d].pd.n_parts; q++)
				if (streq_ptr(w[d].pd.parts[q].raid, mr->name))
					r->member_size = w[d].pd.parts[q].size;
		size_t active = strv_length(r->members) - (size_t)r->spares;
		r->size = raid_capacity(r->level, active, r->member_size, r->metadata);
		r->role = mr->volume_group ? AZL_ROLE_LVM_PV : role_of_mount(mr->mount);
		r->fs = mr->fs;
		if (r->fs == AZL_FS_NONE && mr->mount)
			r->fs = fs_default_for_mount(mr->mount);
		r->mount = xstrdup(mr->mount);
		r->fs_label = xstrdup(mr->label);
		r->fs_options = xstrdup(mr->fs_options);
		r->vg = xstrdup(mr->volume_group);
		r->encrypted = mr->encrypt;
		uint64_t need = raid_member_min(mr) - md_reserve(0, r->metadata);
		if (r->role == AZL_ROLE_ESP && w[0].pd.sector_size >= 4096)
			need = ESP_MIN_4KN;
		if (r->size < need) {
			_cleanup_free_ char *hs = human(r->size);
			_cleanup_free_ char *hn = human(need);
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("RAID '%s' would hold only %s, less than the %s it needs; make its members larger"),
				r->name, hs, hn);
		}
		if (r->encrypted) {
			_cleanup_free_ char *stem =
				r->vg ? xstrdup(r->vg) : stem_for(r->role, r->mount);
			r->luks_name = unique_luks_name(nm, stem);
		}
	}
	return 0;
}
