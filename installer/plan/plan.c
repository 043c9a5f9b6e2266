/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner: (model, probed machine, overrides) → partitions, LUKS
 * containers, the volume group, filesystems, mounts and ordered actions.
 * Pure: no I/O, no syscalls, nothing but memory.
 *
 * Decisions that DESIGN.md leaves open (docs/storage.md is made from these):
 *
 * Disks
 *  - --disk replaces storage.disks. A path is matched against the probed
 *    paths and by-id names; only when neither matches does
 *    machine_find_disk resolve it (realpath: the one call outside memory,
 *    for symlinks the probe did not record).
 *  - A match rule picks among disks that are not the boot medium, not
 *    read-only, not in use and not already chosen by an earlier entry:
 *    serial must be equal, model must contain the string, then size
 *    largest/smallest picks one (the first on a tie, in probe order). A
 *    rule without size that matches several disks is an error rather
 *    than a guess: the wrong disk would be wiped.
 *  - No disk named: the one eligible disk; several → exit 2 listing them
 *    (the same answer file works on a one-disk machine, so it is the
 *    machine that does not allow it).
 *  - A disk is refused (exit 2) when it is the boot medium, read-only, in
 *    use, or any of its partitions is in use, whatever the wipe mode:
 *    changing the table of a disk with mounted partitions is never safe.
 *  - The same disk named twice is an answer-file error (exit 1).
 *  - Firmware: --firmware, else bootloader.firmware, else what the machine
 *    booted with; a machine that could not tell is planned as UEFI.
 *  - bootloader.boot_drive (an index into, or a path among, the disks in
 *    effect, --disk included) is the disk that gets the boot loader. It
 *    is always disks[0] of the plan and plan->boot_disk; the
 *    install-bootloader action names it.
 *
 * Geometry
 *  - Every start and size is a multiple of 1 MiB, also on 4Kn disks. The
 *    first MiB and the last MiB (rounded down to a MiB) are never used: the
 *    GPT and its backup fit, and msdos tables get the same margins.
 *  - Explicit sizes are rounded up to whole MiB, percentages down (of the
 *    disk's usable size: between the two margins, whatever wipe keeps).
 *  - Growing partitions (size unset, grow, or grow: true) share what is
 *    left after every minimum in proportion to their weight: the stated
 *    size, or 1 GiB when none was stated. max caps a partition's growth;
 *    what it cannot take goes to the other growers. Rounding leftovers
 *    (less than 1 MiB per grower) go to the first growers in order.
 *  - New partitions of a disk go, in the order given, into the largest
 *    free region of that disk.
 *  - msdos: primary partitions only (at most 4), and nothing beyond 2^32
 *    sectors (2 TiB with 512-byte sectors).
 *
 * Guided layouts (no partitions: given)
 *  - UEFI: ESP 600 MiB vfat; BIOS + GPT: 1 MiB biosboot; BIOS + msdos:
 *    nothing. Then /boot 1 GiB ext4, never encrypted. lvm: one PV
 *    partition with the rest (LUKS2 inside when encrypted), VG vg_azl,
 *    lv_swap and lv_root (the rest); further disks become one PV partition
 *    each. plain: swap partition then root with the rest; further disks
 *    are left alone (plan->untouched_disks).
 *  - Swap: storage.swap_size if set (exactly, not capped), none with swap:
 *    none, else RAM < 2 GiB → 2×RAM, ≤ 8 GiB → RAM, ≤ 64 GiB → RAM/2,
 *    above → 4 GiB, unknown RAM → 2 GiB; capped at 10% of disk 1 and
 *    rounded down to a MiB (to 4 MiB extents for lv_swap, at least one).
 *  - boot_drive: the boot drive takes the first disk's place (ESP or
 *    BIOS boot, /boot, and the first PV or everything of a plain layout,
 *    whose other disks stay untouched); the others follow in order.
 *  - The root filesystem needs at least 2 GiB; the disk-too-small message
 *    lists every part of the minimum, overheads included.
 *  - With wipe: none/linux on UEFI an existing vfat ESP of at least
 *    100 MiB is reused (mounted on /boot/efi, not formatted): dual boot
 *    wants one ESP. An existing BIOS boot partition on a kept GPT is
 *    reused the same way.
 *
 * Custom layouts
 *  - fs from the mount point when absent: swap → swap, /boot/efi → vfat,
 *    anything else → ext4; no mount and no fs → a bare data partition.
 *  - Roles: /boot/efi → esp (must be vfat), /boot → boot, / → root, swap →
 *    swap, the rest data.
 *  - UEFI without /boot/efi: a 600 MiB ESP is added as the first new
 *    partition of the disk of /boot (else /), unless wipe keeps an ESP
 *    there. BIOS with a GPT boot disk: a 1 MiB BIOS boot partition is
 *    added the same way unless one is kept. The boot disk holds /boot/efi
 *    (UEFI), else /boot, else / (the disk of the first PV when / is a
 *    logical volume); GRUB goes to that disk on BIOS. bootloader.
 *    boot_drive overrides that: the ESP or BIOS boot partition is added
 *    there, a /boot/efi on another disk is an error (exit 1), and so is,
 *    on BIOS + msdos, a boot drive without any partition of the layout.
 *  - encrypt: true → LUKS2 on that partition (refused for /boot and
 *    /boot/efi); storage.encryption only supplies the passphrase there.
 *    A stated size is the partition's; the filesystem inside is 16 MiB
 *    smaller (LUKS2 header).
 *  - Disks of storage.disks that no partition names are left alone.
 *  - disk: naming a path that is not in storage.disks is an error (exit
 *    1): add it to storage.disks.
 *
 * Custom volume groups (storage.volume_groups, kickstart's volgroup and
 * logvol)
 *  - A partition with volume_group is an lvm-pv partition sized like any
 *    other (at least 1 MiB metadata + one extent, + the LUKS2 header when
 *    encrypted: a grower is raised to that, a fixed size is refused);
 *    encrypt: true puts the PV inside LUKS2, mapper "luks-" + the group
 *    name, made unique with a number ("luks-vg_sys", "luks-vg_sys2").
 *  - A group's size is the sum of its PVs' capacities, computed as for
 *    the guided vg_azl: (partition - LUKS2 header - 1 MiB) rounded down
 *    to 4 MiB extents, PV by PV.
 *  - Volumes: bytes rounded up to extents (as lvcreate does), percent of
 *    the group rounded down to extents, no size or grow: a weighted share
 *    of the rest, in whole extents, max_size capping it, exactly like
 *    growing partitions. Volumes that do not fit: exit 2, with the need
 *    and the group's size. fs from the mount point as for partitions; a
 *    volume without mount and fs stays bare. /boot and /boot/efi cannot
 *    be volumes; a mount point is given once across partitions and
 *    volumes.
 *  - Actions: every pv-create (group by group, PVs in disk order), then
 *    every vg-create, then every lv-create, so a group can span disks and
 *    the phases never go back.
 *
 * Overheads: LUKS2 header 16 MiB; LVM 1 MiB metadata at the PV start and
 * 4 MiB extents, LV sizes rounded down to extents.
 *
 * wipe
 *  - all: a new table on every used disk, old signatures wiped first.
 *  - linux: the table is kept (its kind wins over storage.table) and
 *    partitions holding Linux data are removed: blkid types ext2/3/4, xfs,
 *    btrfs, swap, LVM2_member, crypto_LUKS, linux_raid_member, f2fs, jfs,
 *    reiserfs; without a blkid type the partition type decides (Linux
 *    GUIDs, BIOS boot, msdos 0x82/0x83/0x8e/0xfd). Everything else (ntfs,
 *    vfat, ESPs, unknown) is kept. A whole-disk Linux filesystem without a
 *    table is replaced by a new table.
 *  - none: every partition is kept, only free space is used; a disk
 *    without a table (and without a whole-disk filesystem) gets a new one.
 *  - Kept partitions are AZL_ROLE_EXISTING internally and "data" in JSON.
 *
 * Names
 *  - Types from the Discoverable Partitions Specification; root uses the
 *    build architecture's root type. msdos ids 0xef, 0x83, 0x82, 0x8e.
 *  - PARTLABELs (GPT only): esp, biosboot, boot, root, swap, lvm-pv
 *    (lvm-pv2... on further disks), data partitions their mount point
 *    without the leading slash and with '/' as '-' ("var-tmp"), or "data".
 *  - LUKS mapper names: "luks-" + the same stem, made unique with a
 *    number; PVs on LUKS are /dev/mapper/luks-pv...
 *  - Device nodes: the disk path + N, with a "p" between when the disk
 *    name ends in a digit (nvme0n1p1, mmcblk0p1, loop0p1); a disk that is
 *    an image file (not under /dev/) gets "IMAGE:N", which apply replaces
 *    by the loop device's partition node.
 */
#include "plan.h"
#include "plan-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "util.h"

/* --- names -------------------------------------------------------------- */

static const char *const role_names[] = {
	[AZL_ROLE_ESP] = "esp",
	[AZL_ROLE_BIOSBOOT] = "biosboot",
	[AZL_ROLE_BOOT] = "boot",
	[AZL_ROLE_ROOT] = "root",
	[AZL_ROLE_SWAP] = "swap",
	[AZL_ROLE_LVM_PV] = "lvm-pv",
	[AZL_ROLE_DATA] = "data",
	[AZL_ROLE_EXISTING] = "existing",
	[AZL_ROLE_RAID_MEMBER] = "raid-member",
};

const char *role_to_string(azl_role r)
{
	return (size_t)r < ELEMENTSOF(role_names) ? role_names[r] : NULL;
}

static const char *const op_names[] = {
	[AZL_OP_WIPE_SIGNATURES] = "wipe-signatures",
	[AZL_OP_CREATE_TABLE] = "create-table",
	[AZL_OP_CREATE_PARTITION] = "create-partition",
	[AZL_OP_LUKS_FORMAT] = "luks-format",
	[AZL_OP_LUKS_OPEN] = "luks-open",
	[AZL_OP_PV_CREATE] = "pv-create",
	[AZL_OP_VG_CREATE] = "vg-create",
	[AZL_OP_LV_CREATE] = "lv-create",
	[AZL_OP_MKFS] = "mkfs",
	[AZL_OP_MKSWAP] = "mkswap",
	[AZL_OP_MOUNT] = "mount",
	[AZL_OP_INSTALL_PACKAGES] = "install-packages",
	[AZL_OP_CONFIGURE] = "configure",
	[AZL_OP_INSTALL_BOOTLOADER] = "install-bootloader",
	[AZL_OP_DELETE_PARTITION] = "delete-partition",
	[AZL_OP_RAID_CREATE] = "raid-create",
	[AZL_OP_SUBVOLUME_CREATE] = "subvolume-create",
};

const char *op_to_string(azl_op op)
{
	return (size_t)op < ELEMENTSOF(op_names) ? op_names[op] : NULL;
}

/* --- destructors -------------------------------------------------------- */

static void plan_part_done(azl_plan_part *p)
{
	free(p->mount);
	free(p->partlabel);
	free(p->fs_label);
	free(p->fs_options);
	free(p->luks_name);
	free(p->device);
	free(p->fs_type);
	free(p->vg);
	free(p->raid);
	for (size_t i = 0; i < p->n_subvols; i++) {
		free(p->subvols[i].name);
		free(p->subvols[i].mount);
		free(p->subvols[i].fs_options);
	}
	free(p->subvols);
	*p = (azl_plan_part){0};
}

void plan_disk_done(azl_plan_disk *d)
{
	for (size_t i = 0; i < d->n_parts; i++)
		plan_part_done(&d->parts[i]);
	free(d->parts);
	for (size_t i = 0; i < d->n_removed; i++)
		plan_part_done(&d->removed[i]);
	free(d->removed);
	free(d->path);
	*d = (azl_plan_disk){0};
}

static void plan_vg_done(azl_plan_vg *v)
{
	free(v->name);
	strv_free(v->pvs);
	for (size_t i = 0; i < v->n_lvs; i++) {
		free(v->lvs[i].name);
		free(v->lvs[i].mount);
		free(v->lvs[i].device);
		free(v->lvs[i].fs_label);
		free(v->lvs[i].fs_options);
	}
	free(v->lvs);
	*v = (azl_plan_vg){0};
}

static void plan_raid_done(azl_plan_raid *r)
{
	free(r->name);
	free(r->device);
	free(r->metadata);
	strv_free(r->members);
	free(r->mount);
	free(r->luks_name);
	free(r->fs_label);
	free(r->fs_options);
	free(r->vg);
	*r = (azl_plan_raid){0};
}

static void action_done(azl_action *a)
{
	free(a->disk);
	free(a->device);
	free(a->name);
	free(a->mount);
	free(a->detail);
	free(a->object);
	free(a->vg);
	free(a->subvol);
	*a = (azl_action){0};
}

void plan_free(azl_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_disks; i++)
		plan_disk_done(&p->disks[i]);
	free(p->disks);
	for (size_t i = 0; i < p->n_vgs; i++)
		plan_vg_done(&p->vgs[i]);
	free(p->vgs);
	for (size_t i = 0; i < p->n_raids; i++)
		plan_raid_done(&p->raids[i]);
	free(p->raids);
	strv_free(p->mirror_boot_disks);
	for (size_t i = 0; i < p->n_actions; i++)
		action_done(&p->actions[i]);
	free(p->actions);
	strv_free(p->untouched_disks);
	free(p->boot_disk);
	free(p);
}

void plan_error_done(azl_plan_error *e)
{
	if (!e)
		return;
	free(e->message);
	*e = (azl_plan_error){0};
}

_printf_(4, 5) int fail(azl_plan_error *err, azl_plan_error_kind kind, int r, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		free(err->message);
		err->message = xvasprintf(fmt, ap);
		err->kind = kind;
		va_end(ap);
	}
	return r;
}

/* --- entry point -------------------------------------------------------- */

static bool needs_device_mapper(const azl_storage *s)
{
	if (s->n_partitions == 0)
		return s->layout == AZL_LAYOUT_LVM || s->encryption.enabled;
	if (s->n_volume_groups > 0)
		return true;
	for (size_t i = 0; i < s->n_partitions; i++)
		if (s->partitions[i].encrypt || s->partitions[i].volume_group)
			return true;
	for (size_t i = 0; i < s->n_raids; i++)
		if (s->raids[i].encrypt || s->raids[i].volume_group)
			return true;
	return false;
}

int plan_build(const azl_model *m, const azl_machine *machine, const azl_plan_overrides *ov,
	       azl_plan **ret, azl_plan_error *err)
{
	_cleanup_plan_ azl_plan *plan = xzalloc(sizeof(*plan));
	int r;

	plan->firmware = ov && ov->firmware != AZL_FIRMWARE_AUTO       ? ov->firmware
			 : m->bootloader.firmware != AZL_FIRMWARE_AUTO ? m->bootloader.firmware
								       : machine->firmware;
	if (plan->firmware == AZL_FIRMWARE_AUTO)
		plan->firmware = AZL_FIRMWARE_UEFI;
	plan->secure_boot = m->bootloader.secure_boot;
	plan->tpm2 = m->storage.encryption.tpm2.enabled;
	plan->tang = m->storage.encryption.n_tang > 0;

	/* What the answer file leaves to be asked (a kickstart without
	 * storage commands, or --encrypted without --passphrase: Anaconda
	 * stops and asks) is asked by the interactive installer only; a plan
	 * without it would guess, and a guess may erase a disk. */
	if (model_storage_unanswered(m))
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			!m->has_storage
				? _("the answer file leaves storage to be asked (interactive: storage, no storage: section); run the interactive installer ('azl-installer --answers FILE') or say the disks and layout in the file")
				: _("the answer file leaves the encryption passphrase to be asked (interactive: storage); run the interactive installer ('azl-installer --answers FILE') or add storage.encryption.passphrase_file"));
	if (m->storage.n_partitions == 0 && m->storage.n_raids > 0)
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			_("storage.raids needs a custom layout: add partitions: with raid: members for each array"));
	if (m->storage.n_partitions == 0 && m->storage.n_volume_groups > 0)
		return fail(
			err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
			_("storage.volume_groups needs a custom layout: add partitions: with a volume_group: partition for each group"));

	_cleanup_free_ const azl_disk_info **disks = NULL;
	size_t n = 0;
	r = resolve_disks(m, machine, ov, &disks, &n, err);
	if (r < 0)
		return r;

	if (needs_device_mapper(&m->storage) && !machine->device_mapper)
		return fail(
			err, AZL_PLAN_ERROR_MACHINE, -ENODEV,
			_("LVM and encryption need the kernel's device-mapper, which this machine does not have; choose layout: plain without encryption, or boot a kernel with dm-mod"));

	if (m->storage.n_partitions > 0 && m->storage.n_raids > 0 && !machine->md_raid)
		return fail(
			err, AZL_PLAN_ERROR_MACHINE, -ENODEV,
			_("software RAID needs the kernel's md driver, which this machine does not have; leave storage.raids out, or boot a kernel with md_mod (the live environment has it)"));

	size_t boot_drive = SIZE_MAX;
	r = resolve_boot_drive(m, machine, disks, n, &boot_drive, err);
	if (r < 0)
		return r;

	disk_work *w = xcalloc(n, sizeof(*w));
	namer nm = {0};
	for (size_t i = 0; i < n; i++)
		w[i].info = disks[i];
	bool custom = m->storage.n_partitions > 0;
	if (!custom && boot_drive != SIZE_MAX && boot_drive != 0) {
		/* Guided layouts put the boot partitions (and a plain
		 * layout everything) on their first disk: let that be the
		 * boot drive, the others following in their order. */
		disk_work t = w[boot_drive];
		memmove(w + 1, w, boot_drive * sizeof(*w));
		w[0] = t;
	}
	for (size_t i = 0; i < n; i++) {
		/* A plain guided layout leaves further disks alone, even
		 * their tables: no need to look at them. */
		if (!custom && m->storage.layout == AZL_LAYOUT_PLAIN && i > 0)
			break;
		r = prepare_disk(&w[i], m->storage.wipe, m->storage.table, err);
		if (r < 0)
			goto out;
	}
	r = custom ? plan_custom(m, machine, plan, w, n, boot_drive, &nm, err)
		   : plan_guided(m, machine, plan, w, n, &nm, err);
	if (r < 0)
		goto out;

	for (size_t i = 0; i < n; i++) {
		if (!w[i].used)
			continue;
		azl_plan_disk *pd = xappend(&plan->disks, &plan->n_disks, sizeof(*pd));
		*pd = w[i].pd;
		w[i].pd = (azl_plan_disk){0};
	}
	/* Both layouts put the boot disk first. */
	plan->boot_disk = xstrdup(plan->disks[0].path);
	plan->network_package = plan_network_package(m);
	build_actions(plan);
	*ret = TAKE_PTR(plan);
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		disk_work_done(&w[i]);
	free(w);
	strv_free(nm.used);
	return r;
}
