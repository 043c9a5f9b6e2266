/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-disk work: a disk's table and free region, the partitions asked
 * for it, their sizes (allocate) and their places. */
#include "plan-internal.h"

/* --- per-disk work ------------------------------------------------------ */

void disk_work_done(disk_work *w)
{
	plan_disk_done(&w->pd);
	free(w->reqs);
	*w = (disk_work){0};
}

static int table_from_probe(const char *s, azl_table *ret)
{
	if (streq_ptr(s, "gpt")) {
		*ret = AZL_TABLE_GPT;
		return 0;
	}
	if (streq_ptr(s, "msdos") || streq_ptr(s, "dos")) {
		*ret = AZL_TABLE_MSDOS;
		return 0;
	}
	return -EINVAL;
}

static int cmp_part_start(const void *a, const void *b)
{
	const azl_plan_part *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int prepare_disk(disk_work *w, azl_wipe wipe, azl_table want, azl_plan_error *err)
{
	const azl_disk_info *d = w->info;
	uint64_t lo = MIB, end = align_down(d->size, MIB);
	uint64_t hi = end > 2 * MIB ? end - MIB : lo;

	w->pd.path = xstrdup(d->path);
	w->pd.size = d->size;
	w->pd.sector_size = d->logical_sector_size ? d->logical_sector_size : 512;
	w->usable = hi - lo;

	bool fresh = wipe == AZL_WIPE_ALL;
	if (!fresh && !d->table) {
		if (d->fs_type && (wipe == AZL_WIPE_NONE || !linux_whole_disk_fs(d->fs_type)))
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("disk '%s' holds a '%s' filesystem without a partition table, and wipe: %s keeps it, which leaves no room; use wipe: all or choose another disk"),
				d->path, d->fs_type, wipe_to_string(wipe));
		fresh = true;
	}
	if (fresh) {
		w->pd.table = want;
		w->pd.new_table = true;
		w->free_start = lo;
		w->free_end = hi;
		return 0;
	}

	if (table_from_probe(d->table, &w->pd.table) < 0)
		return fail(
			err, AZL_PLAN_ERROR_MACHINE, -EINVAL,
			_("disk '%s' has a '%s' partition table, which the installer cannot change; use wipe: all or choose another disk"),
			d->path, d->table);

	for (size_t i = 0; i < d->n_parts; i++) {
		const azl_part_info *pi = &d->parts[i];
		bool remove = wipe == AZL_WIPE_LINUX && part_is_linux(pi);
		azl_plan_part *pp = remove ? xappend(&w->pd.removed, &w->pd.n_removed, sizeof(*pp))
					   : xappend(&w->pd.parts, &w->pd.n_parts, sizeof(*pp));
		pp->number = pi->number;
		pp->start = pi->start;
		pp->size = pi->size;
		pp->role = AZL_ROLE_EXISTING;
		pp->keep = !remove;
		pp->partlabel = xstrdup(pi->partlabel);
		pp->fs_label = xstrdup(pi->fs_label);
		pp->fs_type = xstrdup(pi->fs_type);
		pp->device = pi->path ? xstrdup(pi->path) : part_device(d->path, pi->number);
	}
	qsort(w->pd.parts, w->pd.n_parts, sizeof(*w->pd.parts), cmp_part_start);

	/* The largest gap between kept partitions, within the margins. */
	uint64_t cur = lo;
	for (size_t i = 0; i <= w->pd.n_parts; i++) {
		uint64_t next = i < w->pd.n_parts ? w->pd.parts[i].start : hi;
		uint64_t s = align_up(cur, MIB);
		uint64_t e = align_down(next < hi ? next : hi, MIB);
		if (e > s && e - s > w->free_end - w->free_start) {
			w->free_start = s;
			w->free_end = e;
		}
		if (i < w->pd.n_parts) {
			uint64_t pe = w->pd.parts[i].start + w->pd.parts[i].size;
			if (pe > cur)
				cur = pe;
		}
	}
	return 0;
}

uint64_t region_size(const disk_work *w)
{
	return w->free_end - w->free_start;
}

request *add_request(disk_work *w, azl_role role, azl_fs fs, const char *mount, uint64_t min,
		     bool grow)
{
	request *r = xappend(&w->reqs, &w->n_reqs, sizeof(*r));
	r->role = role;
	r->fs = fs;
	r->mount = mount;
	r->min = min;
	r->grow = grow;
	r->weight = min ? min : GROW_WEIGHT;
	w->used = true;
	return r;
}

/* Shares space among the requests: minimums first, then what is left to
 * the growers by weight, capped ones handing their excess on. Returns
 * -ENOSPC with *ret_need = the sum of the minimums when they do not fit.
 * Sizes, minimums and caps are multiples of unit (1 MiB for partitions,
 * one extent for logical volumes), and so are the results. */
int allocate(request *reqs, size_t n, uint64_t space, uint64_t unit, uint64_t *ret_need)
{
	uint64_t need = 0;
	for (size_t i = 0; i < n; i++) {
		need += reqs[i].min;
		reqs[i].size = reqs[i].min;
	}
	if (need > space) {
		*ret_need = need;
		return -ENOSPC;
	}
	uint64_t left = (space - need) / unit;
	_cleanup_free_ bool *active = xcalloc(n + 1, sizeof(bool));
	for (size_t i = 0; i < n; i++)
		active[i] = reqs[i].grow && (reqs[i].max == 0 || reqs[i].max > reqs[i].min);

	for (;;) {
		unsigned __int128 total = 0;
		size_t n_active = 0;
		for (size_t i = 0; i < n; i++)
			if (active[i]) {
				total += reqs[i].weight / unit ?: 1;
				n_active++;
			}
		if (n_active == 0 || left == 0)
			break;

		bool capped = false;
		for (size_t i = 0; i < n; i++) {
			if (!active[i] || reqs[i].max == 0)
				continue;
			uint64_t w = reqs[i].weight / unit ?: 1;
			uint64_t share = (uint64_t)((unsigned __int128)left * w / total);
			if (reqs[i].size + share * unit >= reqs[i].max) {
				uint64_t give = (reqs[i].max - reqs[i].size) / unit;
				reqs[i].size += give * unit;
				left -= give;
				active[i] = false;
				capped = true;
			}
		}
		if (capped)
			continue;

		uint64_t given = 0;
		for (size_t i = 0; i < n; i++) {
			if (!active[i])
				continue;
			uint64_t w = reqs[i].weight / unit ?: 1;
			uint64_t share = (uint64_t)((unsigned __int128)left * w / total);
			reqs[i].size += share * unit;
			given += share;
		}
		for (size_t i = 0; i < n && given < left; i++)
			if (active[i]) {
				reqs[i].size += unit;
				given++;
			}
		break;
	}
	return 0;
}

/* Lowest partition number the table has free. */
static int free_number(const azl_plan_disk *pd)
{
	int limit = pd->table == AZL_TABLE_MSDOS ? 4 : 128;
	for (int n = 1; n <= limit; n++) {
		bool used = false;
		for (size_t i = 0; i < pd->n_parts; i++)
			if (pd->parts[i].number == n)
				used = true;
		if (!used)
			return n;
	}
	return -ENOSPC;
}

char *unique_luks_name(namer *nm, const char *stem)
{
	char *name = xasprintf("luks-%s", stem);
	for (int i = 2; strv_contains(nm->used, name); i++) {
		free(name);
		name = xasprintf("luks-%s%d", stem, i);
	}
	strv_push(&nm->used, xstrdup(name));
	return name;
}

/* Turns the allocated requests of a disk into plan partitions placed one
 * after the other from the start of its free region. */
int place_requests(disk_work *w, namer *nm, azl_plan_error *err)
{
	uint64_t at = w->free_start;
	size_t n_new = 0;
	for (size_t i = 0; i < w->n_reqs; i++) {
		const request *r = &w->reqs[i];
		if (r->size == 0) {
			_cleanup_free_ char *h = human(region_size(w));
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("no space is left for the %s partition on disk '%s' (%s free); give the other partitions smaller sizes"),
				r->mount ? r->mount : role_describe(r->role), w->info->path, h);
		}
		if (r->encrypt && r->size <= LUKS_HEADER + MIB)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("the encrypted partition for '%s' is too small to hold its 16 MiB LUKS2 header; make it larger"),
				r->mount ? r->mount : role_describe(r->role));
		if (r->role == AZL_ROLE_ESP && w->pd.sector_size >= 4096 && r->size < ESP_MIN_4KN)
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("disk '%s' has 4096-byte sectors, where the EFI system partition needs at least 260 MiB; make /boot/efi 600M"),
				w->info->path);

		int number = free_number(&w->pd);
		if (number < 0) {
			size_t total = w->pd.n_parts + w->n_reqs - n_new;
			if (w->pd.table == AZL_TABLE_MSDOS)
				return fail(
					err,
					w->pd.new_table ? AZL_PLAN_ERROR_ANSWERS
							: AZL_PLAN_ERROR_MACHINE,
					-ENOSPC,
					_("an msdos partition table holds at most 4 partitions, and disk '%s' would need %zu; use table: gpt"),
					w->info->path, total);
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("the partition table of disk '%s' has no free entry left; use wipe: all"),
				w->info->path);
		}
		if (w->pd.table == AZL_TABLE_MSDOS &&
		    (at + r->size) / w->pd.sector_size > UINT32_MAX)
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("disk '%s' is larger than an msdos partition table can address; use table: gpt"),
				w->info->path);

		azl_plan_part *p = xappend(&w->pd.parts, &w->pd.n_parts, sizeof(*p));
		p->number = number;
		p->start = at;
		p->size = r->size;
		p->role = r->role;
		p->fs = r->fs;
		p->mount = xstrdup(r->mount);
		p->encrypted = r->encrypt;
		p->type_guid = type_for(w->pd.table, r->role, r->raid ? r->raid_mount : r->mount);
		_cleanup_free_ char *stem =
			r->raid ? xasprintf("raid-%s", r->raid) : stem_for(r->role, r->mount);
		if (w->pd.table == AZL_TABLE_GPT)
			p->partlabel = xstrdup(stem);
		p->fs_label = xstrdup(r->fs_label);
		p->fs_options = xstrdup(r->fs_options);
		if (r->encrypt)
			p->luks_name = unique_luks_name(nm, r->role != AZL_ROLE_LVM_PV ? stem
							    : r->luks_stem ? r->luks_stem
									   : "pv");
		p->vg = xstrdup(r->vg);
		p->raid = xstrdup(r->raid);
		p->raid_seq = r->raid_seq;
		p->device = part_device(w->info->path, number);
		if (r->n_subvols > 0) {
			/* One btrfs volume holding several mounts is no
			 * Discoverable root partition: Linux data, as
			 * Anaconda types it. */
			p->type_guid = type_for(w->pd.table, AZL_ROLE_DATA, NULL);
			p->subvols = xcalloc(r->n_subvols, sizeof(*p->subvols));
			p->n_subvols = r->n_subvols;
			for (size_t k = 0; k < r->n_subvols; k++)
				p->subvols[k] = (azl_plan_subvol){
					xstrdup(r->subvols[k].name), xstrdup(r->subvols[k].mount),
					xstrdup(r->subvols[k].fs_options)};
		}
		at += r->size;
		n_new++;
	}
	qsort(w->pd.parts, w->pd.n_parts, sizeof(*w->pd.parts), cmp_part_start);
	return 0;
}
