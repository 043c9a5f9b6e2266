/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guided layouts (no partitions: given): lvm or plain, swap size, reuse of
 * an existing ESP or BIOS boot partition. */
#include "plan-internal.h"

/* --- guided layouts ----------------------------------------------------- */

static uint64_t swap_rule(uint64_t mem)
{
	if (mem == 0)
		return 2 * GIB;
	if (mem < 2 * GIB)
		return 2 * mem;
	if (mem <= 8 * GIB)
		return mem;
	if (mem <= 64 * GIB)
		return mem / 2;
	return 4 * GIB;
}

static int guided_swap(const azl_model *m, const azl_machine *machine, const disk_work *first,
		       uint64_t *ret, azl_plan_error *err)
{
	const azl_storage *s = &m->storage;
	if (!s->swap) {
		*ret = 0;
		return 0;
	}
	switch (s->swap_size.kind) {
	case AZL_SIZE_BYTES:
		*ret = align_up(s->swap_size.bytes, MIB);
		return 0;
	case AZL_SIZE_PERCENT:
		*ret = percent_of(first->usable, s->swap_size.percent);
		return 0;
	case AZL_SIZE_GROW:
		return fail(err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			    _("swap cannot grow; give it a size like 2G, or none"));
	case AZL_SIZE_UNSET:
		break;
	}
	uint64_t v = swap_rule(machine->memory), cap = first->info->size / 10;
	*ret = align_down(v < cap ? v : cap, MIB);
	return 0;
}

typedef struct need_item {
	uint64_t bytes;
	const char *what;
} need_item;

static int too_small(const disk_work *w, const need_item *items, size_t n, azl_plan_error *err)
{
	uint64_t total = 0;
	azl_buf parts = {0};
	for (size_t i = 0; i < n; i++) {
		if (items[i].bytes == 0)
			continue;
		_cleanup_free_ char *h = human(items[i].bytes);
		buf_printf(&parts, "%s%s %s", parts.len ? ", " : "", h, items[i].what);
		total += items[i].bytes;
	}
	_cleanup_free_ char *list = buf_steal(&parts);
	_cleanup_free_ char *need = human(total);
	if (w->pd.new_table) {
		_cleanup_free_ char *have = human(w->info->size);
		return fail(err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
			    _("disk '%s' (%s) is too small: this layout needs at least %s (%s)"),
			    w->info->path, have, need, list);
	}
	_cleanup_free_ char *have = human(region_size(w));
	return fail(
		err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
		_("the largest free space on disk '%s' is %s, and this layout needs at least %s there (%s); free some space or use wipe: linux or wipe: all"),
		w->info->path, have, need, list);
}

/* Marks a kept partition of the first disk for reuse; true if found. */
bool reuse_existing(disk_work *w, azl_firmware fw)
{
	if (w->pd.new_table)
		return false;
	for (size_t i = 0; i < w->pd.n_parts; i++) {
		azl_plan_part *p = &w->pd.parts[i];
		const azl_part_info *pi = NULL;
		for (size_t k = 0; k < w->info->n_parts; k++)
			if (w->info->parts[k].number == p->number)
				pi = &w->info->parts[k];
		if (!pi)
			continue;
		if (fw == AZL_FIRMWARE_UEFI && part_is_esp(pi) && streq_ptr(pi->fs_type, "vfat") &&
		    pi->size >= ESP_REUSE_MIN) {
			p->role = AZL_ROLE_ESP;
			p->fs = AZL_FS_VFAT;
			p->mount = xstrdup("/boot/efi");
			return true;
		}
		if (fw == AZL_FIRMWARE_BIOS && w->pd.table == AZL_TABLE_GPT &&
		    type_is(pi->type, GUID_BIOSBOOT)) {
			p->role = AZL_ROLE_BIOSBOOT;
			return true;
		}
	}
	return false;
}

static void add_vg(azl_plan *plan, uint64_t size, uint64_t swap_lv, azl_fs root_fs)
{
	azl_plan_vg *vg = xappend(&plan->vgs, &plan->n_vgs, sizeof(*vg));
	vg->name = xstrdup(VG_NAME);
	vg->size = size;
	if (swap_lv > 0) {
		azl_plan_lv *lv = xappend(&vg->lvs, &vg->n_lvs, sizeof(*lv));
		lv->name = xstrdup("lv_swap");
		lv->size = swap_lv;
		lv->fs = AZL_FS_SWAP;
		lv->mount = xstrdup("swap");
		lv->device = xstrdup("/dev/" VG_NAME "/lv_swap");
	}
	azl_plan_lv *lv = xappend(&vg->lvs, &vg->n_lvs, sizeof(*lv));
	lv->name = xstrdup("lv_root");
	lv->size = size - swap_lv;
	lv->fs = root_fs;
	lv->mount = xstrdup("/");
	lv->device = xstrdup("/dev/" VG_NAME "/lv_root");
}

uint64_t pv_capacity(uint64_t part_size, bool enc)
{
	uint64_t dev = part_size - (enc ? LUKS_HEADER : 0);
	if (dev <= LVM_METADATA)
		return 0;
	return align_down(dev - LVM_METADATA, LVM_EXTENT);
}

int plan_guided(const azl_model *m, const azl_machine *machine, azl_plan *plan, disk_work *w,
		size_t n, namer *nm, azl_plan_error *err)
{
	const azl_storage *s = &m->storage;
	bool enc = s->encryption.enabled, lvm = s->layout == AZL_LAYOUT_LVM;
	azl_fs root_fs = s->filesystem != AZL_FS_NONE ? s->filesystem : fs_default_for_mount("/");
	disk_work *first = &w[0];
	if (lvm && root_fs == AZL_FS_BTRFS)
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			_("filesystem: btrfs goes with layout: plain (btrfs has subvolumes instead of logical volumes); choose the plain guided layout"));
	uint64_t swap = 0;
	int r = guided_swap(m, machine, first, &swap, err);
	if (r < 0)
		return r;
	uint64_t swap_lv = lvm && swap ? align_down(swap, LVM_EXTENT) : 0;
	if (lvm && swap && swap_lv == 0)
		swap_lv = LVM_EXTENT;

	first->used = true;
	bool reused = reuse_existing(first, plan->firmware);
	need_item items[8];
	size_t n_items = 0;
	if (plan->firmware == AZL_FIRMWARE_UEFI && !reused) {
		add_request(first, AZL_ROLE_ESP, AZL_FS_VFAT, "/boot/efi", ESP_SIZE, false);
		items[n_items++] = (need_item){ESP_SIZE, _("EFI system partition")};
	}
	if (plan->firmware == AZL_FIRMWARE_BIOS && first->pd.table == AZL_TABLE_GPT && !reused) {
		add_request(first, AZL_ROLE_BIOSBOOT, AZL_FS_NONE, NULL, BIOSBOOT_SIZE, false);
		items[n_items++] = (need_item){BIOSBOOT_SIZE, _("BIOS boot partition")};
	}
	add_request(first, AZL_ROLE_BOOT, AZL_FS_EXT4, "/boot", BOOT_SIZE, false);
	items[n_items++] = (need_item){BOOT_SIZE, "/boot"};

	if (lvm) {
		items[n_items++] = (need_item){swap_lv, _("swap")};
		items[n_items++] = (need_item){ROOT_MIN, _("root")};
		items[n_items++] = (need_item){LVM_METADATA, _("LVM metadata")};
		if (enc)
			items[n_items++] = (need_item){LUKS_HEADER, _("LUKS2 header")};
		/* With further PVs the first may hold less than root and
		 * swap; the VG total is checked below. */
		uint64_t pv_min = LVM_METADATA + (enc ? LUKS_HEADER : 0) +
				  (n > 1 ? LVM_EXTENT : swap_lv + ROOT_MIN);
		request *pv = add_request(first, AZL_ROLE_LVM_PV, AZL_FS_NONE, NULL, pv_min, true);
		pv->encrypt = enc;
		pv->vg = VG_NAME;
	} else {
		if (swap) {
			request *sw = add_request(first, AZL_ROLE_SWAP, AZL_FS_SWAP, "swap",
						  swap + (enc ? LUKS_HEADER : 0), false);
			sw->encrypt = enc;
		}
		/* btrfs as Fedora lays it out (its default since 33): one
		 * volume, subvolume root on / and home on /home; /boot
		 * stays ext4 above. */
		static const azl_subvolume_spec fedora_subvols[] = {
			{.name = (char *)"root", .mount = (char *)"/"},
			{.name = (char *)"home", .mount = (char *)"/home"},
		};
		bool btrfs = root_fs == AZL_FS_BTRFS;
		request *root = add_request(first, AZL_ROLE_ROOT, root_fs, btrfs ? NULL : "/",
					    ROOT_MIN + (enc ? LUKS_HEADER : 0), true);
		root->encrypt = enc;
		if (btrfs) {
			root->subvols = fedora_subvols;
			root->n_subvols = ELEMENTSOF(fedora_subvols);
		}
		items[n_items++] = (need_item){swap, _("swap")};
		items[n_items++] = (need_item){ROOT_MIN, _("root")};
		if (enc)
			items[n_items++] =
				(need_item){(swap ? 2 : 1) * LUKS_HEADER,
					    swap ? _("LUKS2 headers") : _("LUKS2 header")};
	}
	if (first->pd.new_table)
		items[n_items++] = (need_item){2 * MIB, _("partition table")};

	uint64_t need;
	if (allocate(first->reqs, first->n_reqs, region_size(first), MIB, &need) < 0)
		return too_small(first, items, n_items, err);

	if (!lvm) {
		for (size_t i = 1; i < n; i++)
			strv_push(&plan->untouched_disks, xstrdup(w[i].info->path));
		return place_requests(first, nm, err);
	}

	uint64_t vg_size = pv_capacity(first->reqs[first->n_reqs - 1].size, enc);
	for (size_t i = 1; i < n; i++) {
		uint64_t pv_min = LVM_METADATA + LVM_EXTENT + (enc ? LUKS_HEADER : 0);
		request *pv = add_request(&w[i], AZL_ROLE_LVM_PV, AZL_FS_NONE, NULL, pv_min, true);
		pv->encrypt = enc;
		pv->vg = VG_NAME;
		if (allocate(w[i].reqs, w[i].n_reqs, region_size(&w[i]), MIB, &need) < 0) {
			_cleanup_free_ char *h = human(region_size(&w[i]));
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENOSPC,
				_("disk '%s' has only %s free, too little for an LVM physical volume; leave it out of storage.disks"),
				w[i].info->path, h);
		}
		vg_size += pv_capacity(pv->size, enc);
	}
	if (vg_size < swap_lv + ROOT_MIN)
		return too_small(first, items, n_items, err);
	for (size_t i = 0; i < n; i++) {
		r = place_requests(&w[i], nm, err);
		if (r < 0)
			return r;
	}
	add_vg(plan, vg_size, swap_lv, root_fs);
	return 0;
}
