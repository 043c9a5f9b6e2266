/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Custom layouts: partitions:, volume groups and the boot drive of a
 * custom layout. */
#include "plan-internal.h"

/* --- custom layouts ----------------------------------------------------- */

/* What a partition spec is called in messages: its mount point, the
 * volume group it is a physical volume of, or "-". */
static const char *spec_name(const azl_partition_spec *ps)
{
	return ps->mount	  ? ps->mount
	       : ps->volume_group ? ps->volume_group
	       : ps->raid	  ? ps->raid
				  : "-";
}

static int custom_disk_index(const azl_partition_spec *ps, const azl_machine *machine,
			     const disk_work *w, size_t n, size_t *ret, azl_plan_error *err)
{
	if (ps->disk_index > 0) {
		if ((size_t)ps->disk_index > n)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("the partition for '%s' is on disk %d, but only %zu disks are given; name more disks or fix 'disk:'"),
				spec_name(ps), ps->disk_index, n);
		*ret = (size_t)ps->disk_index - 1;
		return 0;
	}
	if (ps->disk_path) {
		const azl_disk_info *d = machine_find_disk(machine, ps->disk_path);
		for (size_t i = 0; d && i < n; i++)
			if (w[i].info == d) {
				*ret = i;
				return 0;
			}
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			_("the partition for '%s' names disk '%s', which is not in storage.disks; add it there"),
			spec_name(ps), ps->disk_path);
	}
	*ret = 0;
	return 0;
}

const azl_volume_group *model_vg(const azl_storage *s, const char *name, size_t *ret_index)
{
	for (size_t i = 0; i < s->n_volume_groups; i++)
		if (streq_ptr(s->volume_groups[i].name, name)) {
			if (ret_index)
				*ret_index = i;
			return &s->volume_groups[i];
		}
	return NULL;
}

/* Every mount point once, across partitions and logical volumes. */
static int check_mounts_once(const azl_storage *s, azl_plan_error *err)
{
	_cleanup_strv_free_ char **seen = NULL;
	for (size_t i = 0; i < s->n_raids; i++)
		if (s->raids[i].mount && !streq_ptr(s->raids[i].mount, "swap")) {
			if (strv_contains(seen, s->raids[i].mount))
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("'%s' is mounted twice (among the RAIDs); give each mount point once"),
					s->raids[i].mount);
			strv_push(&seen, xstrdup(s->raids[i].mount));
		}
	for (size_t i = 0; i < s->n_partitions + s->n_volume_groups; i++) {
		const char *one = NULL;
		const azl_volume_group *g = NULL;
		if (i < s->n_partitions)
			one = s->partitions[i].mount;
		else
			g = &s->volume_groups[i - s->n_partitions];
		const azl_partition_spec *ps = i < s->n_partitions ? &s->partitions[i] : NULL;
		size_t n_sub = ps ? ps->n_subvolumes : 0;
		for (size_t k = 0; g ? k < g->n_volumes : k < 1 + n_sub; k++) {
			const char *mnt = g   ? g->volumes[k].mount
					  : k ? ps->subvolumes[k - 1].mount
					      : one;
			if (!mnt || streq_ptr(mnt, "swap"))
				continue;
			if (strv_contains(seen, mnt))
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("'%s' is mounted twice (among the partitions and the volumes of storage.volume_groups); give each mount point once"),
					mnt);
			strv_push(&seen, xstrdup(mnt));
		}
	}
	return 0;
}

/* Checks the volume groups of the model before any space is shared:
 * names once, each with a physical volume, volumes named once and not
 * holding what the boot loader must read without LVM. */
static int check_volume_groups(const azl_storage *s, azl_plan_error *err)
{
	for (size_t i = 0; i < s->n_volume_groups; i++) {
		const azl_volume_group *g = &s->volume_groups[i];
		if (!g->name || !g->name[0])
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("a volume group in storage.volume_groups has no name; add name: vg_sys"));
		size_t first = 0;
		model_vg(s, g->name, &first);
		if (first != i)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("volume group '%s' is defined twice in storage.volume_groups; define it once"),
				g->name);
		bool has_pv = false;
		for (size_t k = 0; k < s->n_partitions; k++)
			has_pv |= streq_ptr(s->partitions[k].volume_group, g->name);
		for (size_t k = 0; k < s->n_raids; k++)
			has_pv |= streq_ptr(s->raids[k].volume_group, g->name);
		if (!has_pv)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("volume group '%s' has no physical volume; add a partition with volume_group: %s"),
				g->name, g->name);
		if (g->n_volumes == 0)
			return fail(err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				    _("volume group '%s' has no volumes; add one to its volumes:"),
				    g->name);
		for (size_t k = 0; k < g->n_volumes; k++) {
			const azl_volume_spec *v = &g->volumes[k];
			if (!v->name || !v->name[0])
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("a volume of volume group '%s' has no name; add name: to it"),
					g->name);
			for (size_t q = 0; q < k; q++)
				if (streq_ptr(g->volumes[q].name, v->name))
					return fail(
						err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
						_("volume group '%s' has two volumes named '%s'; name each volume once"),
						g->name, v->name);
			if (streq_ptr(v->mount, "/boot") || streq_ptr(v->mount, "/boot/efi"))
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("'%s' cannot be a logical volume: the firmware and the boot loader read it before LVM is started; make it a partition"),
					v->mount);
		}
	}
	return 0;
}

/* The logical volumes of one volume group whose size (its physical
 * volumes' extents) is known: sized like partitions, in extents. */
static int plan_volumes(const azl_volume_group *g, azl_plan_vg *vg, azl_plan_error *err)
{
	_cleanup_free_ request *reqs = xcalloc(g->n_volumes + 1, sizeof(*reqs));
	for (size_t k = 0; k < g->n_volumes; k++) {
		const azl_volume_spec *v = &g->volumes[k];
		request *rq = &reqs[k];
		rq->grow = v->grow;
		switch (v->size.kind) {
		case AZL_SIZE_BYTES:
			/* lvcreate rounds a size up to whole extents */
			rq->min = align_up(v->size.bytes, LVM_EXTENT);
			break;
		case AZL_SIZE_PERCENT:
			rq->min = align_down(percent_of(vg->size, v->size.percent), LVM_EXTENT);
			break;
		case AZL_SIZE_GROW:
		case AZL_SIZE_UNSET:
			rq->grow = true;
			break;
		}
		rq->weight = rq->min ? rq->min : GROW_WEIGHT;
		if (v->max_bytes) {
			rq->max = align_down(v->max_bytes, LVM_EXTENT);
			if (rq->max < rq->min || rq->max == 0)
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("volume '%s' of volume group '%s' has a max smaller than its size; raise max or lower the size"),
					v->name, g->name);
		}
	}
	uint64_t need = 0;
	if (allocate(reqs, g->n_volumes, vg->size, LVM_EXTENT, &need) < 0) {
		_cleanup_free_ char *hn = human(need);
		_cleanup_free_ char *hv = human(vg->size);
		return fail(
			err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
			_("the volumes of volume group '%s' need at least %s, but the group holds only %s (its physical volumes less LVM metadata and LUKS2 headers); make the volumes smaller or its physical volumes larger"),
			g->name, hn, hv);
	}
	for (size_t k = 0; k < g->n_volumes; k++) {
		const azl_volume_spec *v = &g->volumes[k];
		if (reqs[k].size == 0) {
			_cleanup_free_ char *hv = human(vg->size);
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("no space is left for volume '%s' in volume group '%s' (%s); give the other volumes smaller sizes"),
				v->name, g->name, hv);
		}
		azl_plan_lv *lv = xappend(&vg->lvs, &vg->n_lvs, sizeof(*lv));
		lv->name = xstrdup(v->name);
		lv->size = reqs[k].size;
		lv->fs = v->fs;
		if (lv->fs == AZL_FS_NONE && v->mount)
			lv->fs = fs_default_for_mount(v->mount);
		lv->mount = xstrdup(v->mount);
		lv->device = xasprintf("/dev/%s/%s", g->name, v->name);
		lv->fs_label = xstrdup(v->label);
		lv->fs_options = xstrdup(v->fs_options);
	}
	return 0;
}

/* bootloader.boot_drive as an index into the disks in effect; SIZE_MAX
 * when the answer file does not say. */
int resolve_boot_drive(const azl_model *m, const azl_machine *machine,
		       const azl_disk_info *const *disks, size_t n, size_t *ret,
		       azl_plan_error *err)
{
	const azl_bootloader *b = &m->bootloader;
	*ret = SIZE_MAX;
	if (b->boot_drive_index > 0) {
		if ((size_t)b->boot_drive_index > n)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("bootloader.boot_drive is disk %d, but only %zu disks are given; name more disks or fix boot_drive"),
				b->boot_drive_index, n);
		*ret = (size_t)b->boot_drive_index - 1;
		return 0;
	}
	if (!b->boot_drive_path)
		return 0;
	const azl_disk_info *d = NULL;
	for (size_t i = 0; !d && i < machine->n_disks; i++)
		if (streq_ptr(machine->disks[i].path, b->boot_drive_path) ||
		    strv_contains(machine->disks[i].by_id, b->boot_drive_path))
			d = &machine->disks[i];
	if (!d)
		d = machine_find_disk(machine, b->boot_drive_path);
	for (size_t i = 0; d && i < n; i++)
		if (disks[i] == d) {
			*ret = i;
			return 0;
		}
	return fail(
		err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
		_("bootloader.boot_drive names disk '%s', which is not in storage.disks; add it there"),
		b->boot_drive_path);
}

/* storage.partitions[].existing (kickstart's part --onpart): the kept
 * partition of that path, on one of the layout's disks, takes the role of
 * ps; its place, size and the partition table stay as they are. */
static int reuse_partition(const azl_partition_spec *ps, azl_role role, azl_fs fs,
			   const azl_machine *machine, disk_work *w, size_t n, size_t *ret_disk,
			   azl_plan_error *err)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < w[i].pd.n_parts; k++) {
			azl_plan_part *pp = &w[i].pd.parts[k];
			if (!pp->keep || pp->reused || !streq_ptr(pp->device, ps->existing))
				continue;
			/* Swap holds nothing to keep: made again. */
			bool keep_fs = ps->keep_fs && role != AZL_ROLE_SWAP;
			azl_fs have = AZL_FS_NONE;
			if (keep_fs && (!pp->fs_type || fs_from_string(pp->fs_type, &have) < 0))
				return fail(
					err, AZL_PLAN_ERROR_MACHINE, -EINVAL,
					_("partition '%s' holds %s%s%s, not a filesystem the installer can mount as '%s'; leave 'format: false' out to make one there"),
					ps->existing, pp->fs_type ? "'" : "",
					pp->fs_type ? pp->fs_type : _("no filesystem"),
					pp->fs_type ? "'" : "", ps->mount);
			if (keep_fs && ps->fs != AZL_FS_NONE && ps->fs != have)
				return fail(
					err, AZL_PLAN_ERROR_MACHINE, -EINVAL,
					_("partition '%s' holds '%s', not '%s', and 'format: false' keeps it; leave 'fs' out or make the filesystem again"),
					ps->existing, pp->fs_type, fs_to_string(ps->fs));
			if (keep_fs && (role == AZL_ROLE_ROOT || role == AZL_ROLE_BOOT))
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("'%s' on the existing partition '%s' is kept with 'format: false', but the system is installed into it; make it again (leave 'format: false' out)"),
					ps->mount, ps->existing);
			pp->role = role;
			pp->fs = keep_fs ? have : fs;
			pp->mount = xstrdup(ps->mount);
			pp->reused = true;
			pp->reformat = !keep_fs;
			free(pp->fs_label);
			pp->fs_label = keep_fs ? NULL : xstrdup(ps->label);
			pp->fs_options = xstrdup(ps->fs_options);
			w[i].used = true;
			*ret_disk = i;
			return 0;
		}
	for (size_t i = 0; machine && i < machine->n_disks; i++)
		for (size_t k = 0; k < machine->disks[i].n_parts; k++) {
			const azl_disk_info *md = &machine->disks[i];
			_cleanup_free_ char *node =
				md->parts[k].path ? xstrdup(md->parts[k].path)
						  : part_device(md->path, md->parts[k].number);
			if (streq_ptr(node, ps->existing))
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("the existing partition '%s' is on disk '%s', which storage.disks does not name; add that disk"),
					ps->existing, md->path);
		}
	_cleanup_free_ const azl_disk_info **ds = xcalloc(n + 1, sizeof(*ds));
	for (size_t i = 0; i < n; i++)
		ds[i] = w[i].info;
	_cleanup_free_ char *list = disk_list(ds, n);
	return fail(
		err, AZL_PLAN_ERROR_MACHINE, -ENOENT,
		_("partition '%s' does not exist (disks %s); an existing partition is reused where it is, never made"),
		ps->existing, list);
}

/* Puts a request made last at the front of its disk's list. */
static void request_to_front(disk_work *w)
{
	request r = w->reqs[w->n_reqs - 1];
	memmove(w->reqs + 1, w->reqs, (w->n_reqs - 1) * sizeof(*w->reqs));
	w->reqs[0] = r;
}

int plan_custom(const azl_model *m, const azl_machine *machine, azl_plan *plan, disk_work *w,
		size_t n, size_t boot_drive, namer *nm, azl_plan_error *err)
{
	const azl_storage *s = &m->storage;
	bool have_root = false;
	size_t esp_disk = SIZE_MAX, boot_disk = SIZE_MAX, root_disk = 0;
	const char *root_vg = NULL;
	size_t root_pv_disk = SIZE_MAX; /* first PV of the group of / */
	int r;

	r = check_volume_groups(s, err);
	if (r < 0)
		return r;
	r = check_raids(s, err);
	if (r < 0)
		return r;
	r = check_mounts_once(s, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_volume_groups; i++)
		for (size_t k = 0; k < s->volume_groups[i].n_volumes; k++)
			if (streq_ptr(s->volume_groups[i].volumes[k].mount, "/")) {
				have_root = true;
				root_vg = s->volume_groups[i].name;
			}
	/* The array holding what GRUB reads (/boot, else / or the group of
	 * /), and the one holding /boot/efi: their members' disks all get
	 * the boot loader. */
	const char *boot_raid = NULL, *esp_raid = NULL;
	bool have_boot = false;
	for (size_t i = 0; i < s->n_partitions; i++)
		have_boot |= streq_ptr(s->partitions[i].mount, "/boot");
	for (size_t i = 0; i < s->n_raids; i++)
		have_boot |= streq_ptr(s->raids[i].mount, "/boot");
	for (size_t i = 0; i < s->n_raids; i++) {
		const azl_raid_spec *rs = &s->raids[i];
		if (streq_ptr(rs->mount, "/"))
			have_root = true;
		if (streq_ptr(rs->mount, "/boot/efi"))
			esp_raid = rs->name;
		if (streq_ptr(rs->mount, "/boot") ||
		    (!have_boot && !boot_raid &&
		     (streq_ptr(rs->mount, "/") ||
		      (root_vg && streq_ptr(rs->volume_group, root_vg)))))
			boot_raid = rs->name;
	}
	/* The disk of each member seen so far, by partition index. */
	_cleanup_free_ size_t *member_disk = xcalloc(s->n_partitions + 1, sizeof(size_t));

	for (size_t i = 0; i < s->n_partitions; i++) {
		const azl_partition_spec *ps = &s->partitions[i];
		const char *mnt = ps->mount;
		azl_role role = AZL_ROLE_DATA;
		azl_fs fs = ps->fs;
		const azl_raid_spec *raid = NULL;
		bool subvol_root = false;
		for (size_t k = 0; k < ps->n_subvolumes; k++)
			subvol_root |= streq_ptr(ps->subvolumes[k].mount, "/");
		if (ps->raid) {
			raid = model_raid(s, ps->raid);
			if (!raid)
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("a partition names RAID '%s', which storage.raids does not define; add it there"),
					ps->raid);
			if (mnt || fs != AZL_FS_NONE || ps->label || ps->fs_options ||
			    ps->encrypt || ps->volume_group)
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("a member of RAID '%s' has no mount point, filesystem, label, options, encryption or volume group of its own; give them to the array"),
					ps->raid);
			role = AZL_ROLE_RAID_MEMBER;
		} else if (ps->n_subvolumes > 0) {
			if (mnt || fs != AZL_FS_BTRFS)
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("a partition with subvolumes is btrfs without a mount point of its own; use fs: btrfs and give the mount points to its subvolumes"));
			if (subvol_root)
				role = AZL_ROLE_ROOT;
		} else if (ps->volume_group) {
			if (!model_vg(s, ps->volume_group, NULL))
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("a partition names volume group '%s', which storage.volume_groups does not define; add it there"),
					ps->volume_group);
			if (mnt || fs != AZL_FS_NONE || ps->label || ps->fs_options)
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("a physical volume of volume group '%s' has no mount point, filesystem, label or options of its own; give them to the group's volumes"),
					ps->volume_group);
			role = AZL_ROLE_LVM_PV;
		} else if (streq_ptr(mnt, "/boot/efi"))
			role = AZL_ROLE_ESP;
		else if (streq_ptr(mnt, "/boot"))
			role = AZL_ROLE_BOOT;
		else if (streq_ptr(mnt, "/"))
			role = AZL_ROLE_ROOT;
		else if (streq_ptr(mnt, "swap"))
			role = AZL_ROLE_SWAP;
		if (fs == AZL_FS_NONE && mnt)
			fs = fs_default_for_mount(mnt);
		if (role == AZL_ROLE_ESP && fs != AZL_FS_VFAT)
			return fail(err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				    _("'/boot/efi' must be vfat; use fs: vfat"));
		if (ps->encrypt && (role == AZL_ROLE_ESP || role == AZL_ROLE_BOOT))
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("'%s' cannot be encrypted: the firmware and the boot loader read it before any passphrase is asked; remove encrypt: true there"),
				mnt);

		size_t di = 0;
		if (ps->existing) {
			r = reuse_partition(ps, role, fs, machine, w, n, &di, err);
			if (r < 0)
				return r;
			if (role == AZL_ROLE_ESP)
				esp_disk = di;
			if (role == AZL_ROLE_BOOT)
				boot_disk = di;
			if (role == AZL_ROLE_ROOT) {
				have_root = true;
				root_disk = di;
			}
			continue;
		}
		r = custom_disk_index(ps, machine, w, n, &di, err);
		if (r < 0)
			return r;
		uint64_t min = 0;
		bool grow = ps->grow;
		switch (ps->size.kind) {
		case AZL_SIZE_BYTES:
			min = align_up(ps->size.bytes, MIB);
			break;
		case AZL_SIZE_PERCENT:
			min = percent_of(w[di].usable, ps->size.percent);
			break;
		case AZL_SIZE_GROW:
		case AZL_SIZE_UNSET:
			grow = true;
			break;
		}
		request *rq = add_request(&w[di], role, fs, mnt, min, grow);
		rq->encrypt = ps->encrypt;
		rq->fs_label = ps->label;
		rq->fs_options = ps->fs_options;
		if (raid) {
			rq->raid = raid->name;
			rq->raid_mount = raid->mount;
			rq->raid_seq = (int)i;
			for (size_t q = 0; q < i; q++)
				if (streq_ptr(s->partitions[q].raid, raid->name) &&
				    member_disk[q] == di)
					return fail(
						err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
						_("two members of RAID '%s' are on disk '%s', where one failure takes both; put each member on its own disk"),
						raid->name, w[di].info->path);
			member_disk[i] = di;
			uint64_t mmin = raid_member_min(raid);
			if (rq->min < mmin) {
				if (!grow) {
					_cleanup_free_ char *h = human(mmin);
					return fail(
						err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
						_("a member of RAID '%s' is smaller than the %s the array needs of each; make it larger"),
						raid->name, h);
				}
				rq->min = mmin;
			}
			/* The first member's disk stands for the array. */
			bool first = true;
			for (size_t q = 0; q < i; q++)
				first &= !streq_ptr(s->partitions[q].raid, raid->name);
			if (first && streq_ptr(raid->mount, "/boot/efi"))
				esp_disk = di;
			if (first && streq_ptr(raid->mount, "/boot"))
				boot_disk = di;
			if (first && streq_ptr(raid->mount, "/"))
				root_disk = di;
			if (first && root_vg && streq_ptr(raid->volume_group, root_vg) &&
			    root_pv_disk == SIZE_MAX)
				root_pv_disk = di;
		}
		rq->subvols = ps->subvolumes;
		rq->n_subvols = ps->n_subvolumes;
		if (role == AZL_ROLE_LVM_PV) {
			rq->vg = ps->volume_group;
			rq->luks_stem = ps->volume_group;
			/* Room for the metadata and one extent at least
			 * (kickstart's part pv.01 --size=1 --grow). */
			uint64_t pv_min =
				LVM_METADATA + LVM_EXTENT + (ps->encrypt ? LUKS_HEADER : 0);
			if (rq->min < pv_min) {
				if (!grow) {
					_cleanup_free_ char *h = human(pv_min);
					return fail(
						err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
						_("a physical volume of volume group '%s' is smaller than the %s LVM needs there; make it larger"),
						ps->volume_group, h);
				}
				rq->min = pv_min;
			}
			if (streq_ptr(ps->volume_group, root_vg) && root_pv_disk == SIZE_MAX)
				root_pv_disk = di;
		}
		if (ps->max_bytes) {
			rq->max = align_down(ps->max_bytes, MIB);
			if (rq->max < rq->min)
				return fail(
					err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
					_("the partition for '%s' has a max smaller than its size; raise max or lower the size"),
					spec_name(ps));
		}
		if (role == AZL_ROLE_ESP)
			esp_disk = di;
		if (role == AZL_ROLE_BOOT)
			boot_disk = di;
		if (role == AZL_ROLE_ROOT) {
			have_root = true;
			root_disk = di;
		}
	}
	if (!have_root)
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			_("the custom layout has no '/' partition; add {mount: /, size: grow}"));
	if (root_pv_disk != SIZE_MAX)
		root_disk = root_pv_disk;

	/* bootloader.boot_drive decides; else the disk of /boot/efi
	 * (UEFI), else /boot, else /. A mirrored /boot/efi is on every
	 * disk of its members: the boot drive may be any of them, as in
	 * Anaconda, whose stage 1 device is the array when the boot drive
	 * is one of its disks (the other members get NVRAM entries). */
	bool esp_on_boot_drive = esp_disk == boot_drive;
	for (size_t k = 0; esp_raid && boot_drive != SIZE_MAX && k < w[boot_drive].n_reqs; k++)
		esp_on_boot_drive |= streq_ptr(w[boot_drive].reqs[k].raid, esp_raid);
	if (boot_drive != SIZE_MAX && plan->firmware == AZL_FIRMWARE_UEFI && esp_disk != SIZE_MAX &&
	    !esp_on_boot_drive)
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			_("'/boot/efi' is on disk '%s', but bootloader.boot_drive is '%s', where the firmware looks for the boot loader; put /boot/efi on disk %zu or change boot_drive"),
			w[esp_disk].info->path, w[boot_drive].info->path, boot_drive + 1);
	if (plan->firmware == AZL_FIRMWARE_UEFI && esp_disk == SIZE_MAX) {
		/* Added rather than demanded, like the BIOS boot partition
		 * below, kickstart's reqpart and subiquity: on the boot
		 * drive, else the disk of /boot (else /), reusing an ESP
		 * that wipe keeps there. */
		esp_disk = boot_drive != SIZE_MAX  ? boot_drive
			   : boot_disk != SIZE_MAX ? boot_disk
						   : root_disk;
		disk_work *ew = &w[esp_disk];
		if (!reuse_existing(ew, AZL_FIRMWARE_UEFI)) {
			add_request(ew, AZL_ROLE_ESP, AZL_FS_VFAT, "/boot/efi", ESP_SIZE, false);
			request_to_front(ew);
		}
		ew->used = true;
	}

	size_t bd = boot_drive != SIZE_MAX		  ? boot_drive
		    : plan->firmware == AZL_FIRMWARE_UEFI ? esp_disk
		    : boot_disk != SIZE_MAX		  ? boot_disk
							  : root_disk;
	disk_work *boot = &w[bd];
	if (plan->firmware == AZL_FIRMWARE_BIOS && boot->pd.table == AZL_TABLE_GPT) {
		if (!reuse_existing(boot, AZL_FIRMWARE_BIOS)) {
			add_request(boot, AZL_ROLE_BIOSBOOT, AZL_FS_NONE, NULL, BIOSBOOT_SIZE,
				    false);
			request_to_front(boot);
		}
		boot->used = true;
	}
	/* The other disks of a mirrored /boot (BIOS) or /boot/efi (UEFI)
	 * get the boot loader too: GRUB's boot code in a BIOS boot partition
	 * of their own, or an NVRAM entry. */
	const char *mirror = plan->firmware == AZL_FIRMWARE_UEFI ? esp_raid : boot_raid;
	for (size_t i = 0; mirror && i < n; i++) {
		bool member = false;
		for (size_t k = 0; k < w[i].n_reqs; k++)
			member |= streq_ptr(w[i].reqs[k].raid, mirror);
		if (!member || &w[i] == boot)
			continue;
		strv_push(&plan->mirror_boot_disks, xstrdup(w[i].info->path));
		if (plan->firmware == AZL_FIRMWARE_BIOS && w[i].pd.table == AZL_TABLE_GPT &&
		    !reuse_existing(&w[i], AZL_FIRMWARE_BIOS)) {
			add_request(&w[i], AZL_ROLE_BIOSBOOT, AZL_FS_NONE, NULL, BIOSBOOT_SIZE,
				    false);
			request_to_front(&w[i]);
		}
	}
	if (!boot->used)
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			_("bootloader.boot_drive is '%s', where this layout puts no partition, so GRUB would have no partition table to boot from there; put a partition such as /boot on disk %zu or change boot_drive"),
			boot->info->path, bd + 1);
	/* The boot disk goes first in the plan. */
	if (bd != 0) {
		disk_work t = w[bd];
		memmove(w + 1, w, bd * sizeof(*w));
		w[0] = t;
	}

	for (size_t i = 0; i < n; i++) {
		if (!w[i].used) {
			strv_push(&plan->untouched_disks, xstrdup(w[i].info->path));
			continue;
		}
		uint64_t need;
		if (allocate(w[i].reqs, w[i].n_reqs, region_size(&w[i]), MIB, &need) < 0) {
			_cleanup_free_ char *hn = human(need);
			_cleanup_free_ char *hf = human(region_size(&w[i]));
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("the partitions for disk '%s' need at least %s, but only %s is free there; make them smaller or choose a larger disk"),
				w[i].info->path, hn, hf);
		}
	}
	for (size_t i = 0; i < s->n_raids; i++) {
		r = equalize_raid(&s->raids[i], w, n, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n; i++) {
		if (!w[i].used)
			continue;
		r = place_requests(&w[i], nm, err);
		if (r < 0)
			return r;
	}
	r = plan_raids(s, plan, w, n, nm, err);
	if (r < 0)
		return r;

	/* The groups, now that their physical volumes have sizes. */
	for (size_t g = 0; g < s->n_volume_groups; g++) {
		const azl_volume_group *mg = &s->volume_groups[g];
		azl_plan_vg *vg = xappend(&plan->vgs, &plan->n_vgs, sizeof(*vg));
		vg->name = xstrdup(mg->name);
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < w[i].pd.n_parts; k++) {
				const azl_plan_part *pp = &w[i].pd.parts[k];
				if (pp->role == AZL_ROLE_LVM_PV && !pp->keep &&
				    streq_ptr(pp->vg, mg->name))
					vg->size += pv_capacity(pp->size, pp->encrypted);
			}
		for (size_t i = 0; i < plan->n_raids; i++)
			if (streq_ptr(plan->raids[i].vg, mg->name))
				vg->size +=
					pv_capacity(plan->raids[i].size, plan->raids[i].encrypted);
		r = plan_volumes(mg, vg, err);
		if (r < 0)
			return r;
	}
	return 0;
}
