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

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "exit-codes.h"
#include "i18n.h"
#include "util.h"

#define KIB ((uint64_t)1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

#define ESP_SIZE      (600 * MIB)
#define ESP_MIN_4KN   (260 * MIB) /* FAT32 with 4096-byte sectors */
#define ESP_REUSE_MIN (100 * MIB)
#define BIOSBOOT_SIZE MIB
#define BOOT_SIZE     GIB
#define ROOT_MIN      (2 * GIB)
#define LUKS_HEADER   (16 * MIB)
#define LVM_METADATA  MIB
#define LVM_EXTENT    (4 * MIB)
#define GROW_WEIGHT   GIB
#define VG_NAME	      "vg_azl"

#define GUID_ESP      "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define GUID_BIOSBOOT "21686148-6449-6e6f-744e-656564454649"
#define GUID_XBOOTLDR "bc13c2ff-59e6-4262-a352-b275fd6f7172"
#define GUID_SWAP     "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f"
#define GUID_LVM      "e6d6d379-f507-44c2-a23c-238f2a3df928"
#define GUID_HOME     "933ac7e1-2eb4-4f13-b844-0e14e2aef915"
#define GUID_SRV      "3b8f8425-20e0-4f3b-907f-1a25a76f98e8"
#define GUID_VAR      "4d21b016-b534-45c2-a9fb-5c16e091fd2d"
#define GUID_VAR_TMP  "7ec6f557-3bc5-4aca-b293-16ef5df639d1"
#define GUID_LINUX    "0fc63daf-8483-4772-8e79-3d69d8477de4"
#define GUID_RAID     "a19d880f-05fc-4d3b-a006-743f0f84911e"
#if defined(__aarch64__)
#define GUID_ROOT "b921b045-1df0-41c3-af44-4c6f280d3fae"
#else
#define GUID_ROOT "4f68bce3-e8cd-4db1-96e7-fbcaf984b709"
#endif

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

static void plan_disk_done(azl_plan_disk *d)
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

_printf_(4, 5) static int fail(azl_plan_error *err, int exit_code, int r,
			       const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		free(err->message);
		err->message = xvasprintf(fmt, ap);
		err->exit_code = exit_code;
		va_end(ap);
	}
	return r;
}

/* --- small helpers ------------------------------------------------------ */

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v / a * a;
}
static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* percent is in hundredths; the result is rounded down to a MiB. */
static uint64_t percent_of(uint64_t bytes, uint32_t percent)
{
	return align_down(
		(uint64_t)((unsigned __int128)bytes * percent / 10000), MIB);
}

static char *human(uint64_t bytes)
{
	return size_human(bytes);
}

/* "/dev/vda (20 GiB), /dev/vdb (40 GiB)" for messages. */
static char *disk_list(const azl_disk_info *const *disks, size_t n)
{
	azl_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *h = human(disks[i]->size);
		buf_printf(&b, "%s%s (%s)", i ? ", " : "", disks[i]->path, h);
	}
	if (n == 0)
		return xstrdup(_("none"));
	return buf_steal(&b);
}

static char *machine_disk_list(const azl_machine *machine)
{
	_cleanup_free_ const azl_disk_info **all =
		xcalloc(machine->n_disks + 1, sizeof(*all));
	for (size_t i = 0; i < machine->n_disks; i++)
		all[i] = &machine->disks[i];
	return disk_list(all, machine->n_disks);
}

static const azl_part_info *part_in_use(const azl_disk_info *d)
{
	for (size_t i = 0; i < d->n_parts; i++)
		if (d->parts[i].in_use)
			return &d->parts[i];
	return NULL;
}

static bool disk_eligible(const azl_disk_info *d)
{
	return !d->boot_medium && !d->readonly && !d->in_use && !part_in_use(d);
}

static int check_disk_usable(const azl_disk_info *d, azl_plan_error *err)
{
	if (d->boot_medium)
		return fail(err, AZL_EXIT_MACHINE, -EBUSY,
			    _("disk '%s' is the medium the installer was "
			      "started from; choose another disk"),
			    d->path);
	if (d->readonly)
		return fail(err, AZL_EXIT_MACHINE, -EBUSY,
			    _("disk '%s' is read-only; choose another disk"),
			    d->path);
	const azl_part_info *p = part_in_use(d);
	if (d->in_use || p) {
		const char *why = d->in_use_reason;
		if (!why && p)
			why = p->in_use_reason;
		if (!why)
			why = _("in use");
		return fail(err, AZL_EXIT_MACHINE, -EBUSY,
			    _("disk '%s' is in use (%s): unmount it or swapoff "
			      "it, or choose another disk"),
			    d->path, why);
	}
	return 0;
}

static bool chosen_already(const azl_disk_info *const *chosen, size_t n,
			   const azl_disk_info *d)
{
	for (size_t i = 0; i < n; i++)
		if (chosen[i] == d)
			return true;
	return false;
}

static char *rule_describe(const azl_disk_spec *s)
{
	azl_buf b = {0};
	if (s->match_size != AZL_MATCH_SIZE_ANY)
		buf_printf(&b, "size: %s",
			   s->match_size == AZL_MATCH_SIZE_LARGEST
				   ? "largest"
				   : "smallest");
	if (s->match_serial)
		buf_printf(&b, "%sserial: '%s'", b.len ? ", " : "",
			   s->match_serial);
	if (s->match_model)
		buf_printf(&b, "%smodel: '%s'", b.len ? ", " : "",
			   s->match_model);
	return buf_steal(&b);
}

static int match_disk(const azl_machine *machine, const azl_disk_spec *s,
		      const azl_disk_info *const *chosen, size_t n_chosen,
		      const azl_disk_info **ret, azl_plan_error *err)
{
	_cleanup_free_ const azl_disk_info **found =
		xcalloc(machine->n_disks + 1, sizeof(*found));
	size_t n = 0;
	for (size_t i = 0; i < machine->n_disks; i++) {
		const azl_disk_info *d = &machine->disks[i];
		if (!disk_eligible(d) || chosen_already(chosen, n_chosen, d))
			continue;
		if (s->match_serial && !streq_ptr(s->match_serial, d->serial))
			continue;
		if (s->match_model &&
		    !(d->model && strstr(d->model, s->match_model)))
			continue;
		found[n++] = d;
	}
	_cleanup_free_ char *rule = rule_describe(s);
	if (n == 0) {
		_cleanup_free_ char *here = machine_disk_list(machine);
		return fail(err, AZL_EXIT_MACHINE, -ENODEV,
			    _("no disk that is free to use matches {%s}; disks "
			      "here: %s"),
			    rule, here);
	}
	const azl_disk_info *best = found[0];
	if (s->match_size == AZL_MATCH_SIZE_ANY) {
		if (n > 1) {
			_cleanup_free_ char *list = disk_list(found, n);
			return fail(
				err, AZL_EXIT_MACHINE, -ENODEV,
				_("the rule {%s} matches more than one disk "
				  "(%s); add size: largest|smallest or a "
				  "serial to pick one"),
				rule, list);
		}
	} else
		for (size_t i = 1; i < n; i++)
			if (s->match_size == AZL_MATCH_SIZE_LARGEST
				    ? found[i]->size > best->size
				    : found[i]->size < best->size)
				best = found[i];
	*ret = best;
	return 0;
}

static int lookup_disk(const azl_machine *machine, const char *path,
		       const azl_disk_info **ret, azl_plan_error *err)
{
	const azl_disk_info *d = NULL;
	/* Exact names first: only a path the probe did not record needs
	 * machine_find_disk's real-path lookup, the planner's one syscall. */
	for (size_t i = 0; !d && i < machine->n_disks; i++)
		if (streq_ptr(machine->disks[i].path, path) ||
		    strv_contains(machine->disks[i].by_id, path))
			d = &machine->disks[i];
	if (!d)
		d = machine_find_disk(machine, path);
	if (!d) {
		_cleanup_free_ char *here = machine_disk_list(machine);
		return fail(err, AZL_EXIT_MACHINE, -ENODEV,
			    _("no disk '%s' on this machine; disks here: %s"),
			    path, here);
	}
	*ret = d;
	return 0;
}

/* The disks the plan may use, in the order the answer file gives them. */
static int resolve_disks(const azl_model *m, const azl_machine *machine,
			 const azl_plan_overrides *ov,
			 const azl_disk_info ***ret, size_t *ret_n,
			 azl_plan_error *err)
{
	size_t want =
		ov && ov->disks ? strv_length(ov->disks) : m->storage.n_disks;
	_cleanup_free_ const azl_disk_info **disks =
		xcalloc(want + machine->n_disks + 1, sizeof(*disks));
	size_t n = 0;
	int r;

	if (ov && ov->disks) {
		for (size_t i = 0; ov->disks[i]; i++) {
			r = lookup_disk(machine, ov->disks[i], &disks[n], err);
			if (r < 0)
				return r;
			n++;
		}
	} else if (m->storage.n_disks > 0) {
		for (size_t i = 0; i < m->storage.n_disks; i++) {
			const azl_disk_spec *s = &m->storage.disks[i];
			r = s->path ? lookup_disk(machine, s->path, &disks[n],
						  err)
				    : match_disk(machine, s, disks, n,
						 &disks[n], err);
			if (r < 0)
				return r;
			n++;
		}
	} else {
		_cleanup_free_ const azl_disk_info **ok =
			xcalloc(machine->n_disks + 1, sizeof(*ok));
		size_t n_ok = 0;
		for (size_t i = 0; i < machine->n_disks; i++)
			if (disk_eligible(&machine->disks[i]))
				ok[n_ok++] = &machine->disks[i];
		if (n_ok != 1) {
			_cleanup_free_ char *list = disk_list(ok, n_ok);
			_cleanup_free_ char *here = machine_disk_list(machine);
			if (n_ok == 0)
				return fail(err, AZL_EXIT_MACHINE, -ENODEV,
					    _("no disk on this machine is free "
					      "to install to; disks here: %s"),
					    here);
			return fail(err, AZL_EXIT_MACHINE, -ENODEV,
				    _("this machine has more than one disk to "
				      "install to (%s); name one in "
				      "storage.disks or with --disk"),
				    list);
		}
		disks[n++] = ok[0];
	}

	for (size_t i = 0; i < n; i++) {
		if (chosen_already(disks, i, disks[i]))
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("disk '%s' is named twice in "
				      "storage.disks; name each disk once"),
				    disks[i]->path);
		r = check_disk_usable(disks[i], err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(disks);
	*ret_n = n;
	return 0;
}

/* --- partition kinds ---------------------------------------------------- */

static bool type_is(const char *type, const char *guid)
{
	return type && strcasecmp(type, guid) == 0;
}

/* msdos ids come as "0x83" or "83". */
static unsigned long msdos_id(const char *type)
{
	if (!type || strchr(type, '-'))
		return 0;
	return strtoul(type, NULL, 16);
}

static bool part_is_esp(const azl_part_info *p)
{
	return type_is(p->type, GUID_ESP) || msdos_id(p->type) == 0xef;
}

static bool part_is_linux(const azl_part_info *p)
{
	static const char *const linux_fs[] = {
		"ext2",	 "ext3", "ext4",	"xfs",
		"btrfs", "swap", "LVM2_member", "crypto_LUKS",
		"f2fs",	 "jfs",	 "reiserfs",	"linux_raid_member",
	};
	static const char *const linux_guids[] = {
		GUID_LINUX,
		GUID_SWAP,
		GUID_LVM,
		GUID_ROOT,
		GUID_HOME,
		GUID_SRV,
		GUID_VAR,
		GUID_VAR_TMP,
		GUID_XBOOTLDR,
		GUID_BIOSBOOT,
		"44479540-f297-41b2-9af7-d131d5f0458a", /* root x86 */
		"4f68bce3-e8cd-4db1-96e7-fbcaf984b709", /* root x86-64 */
		"b921b045-1df0-41c3-af44-4c6f280d3fae", /* root arm64 */
		"8484680c-9521-48c6-9c11-b0720656f69e", /* /usr x86-64 */
		"ca7d7ccb-63ed-4c53-861c-1742536059cc", /* LUKS */
		"a19d880f-05fc-4d3b-a006-743f0f84911e", /* Linux RAID */
	};
	/* What is on the partition wins over what its type claims. */
	if (p->fs_type) {
		for (size_t i = 0; i < ELEMENTSOF(linux_fs); i++)
			if (strcmp(p->fs_type, linux_fs[i]) == 0)
				return true;
		return false;
	}
	for (size_t i = 0; i < ELEMENTSOF(linux_guids); i++)
		if (type_is(p->type, linux_guids[i]))
			return true;
	unsigned long id = msdos_id(p->type);
	return id == 0x82 || id == 0x83 || id == 0x8e || id == 0xfd;
}

static bool linux_whole_disk_fs(const char *fs)
{
	static const char *const fss[] = {"ext2",	 "ext3",       "ext4",
					  "xfs",	 "btrfs",      "swap",
					  "LVM2_member", "crypto_LUKS"};
	for (size_t i = 0; i < ELEMENTSOF(fss); i++)
		if (streq_ptr(fs, fss[i]))
			return true;
	return false;
}

static const char *type_for(azl_table t, azl_role role, const char *mount)
{
	if (t == AZL_TABLE_MSDOS)
		switch (role) {
		case AZL_ROLE_RAID_MEMBER:
			/* A member of a mirrored ESP (metadata 1.0) must look
			 * like an ESP to the firmware. */
			return streq_ptr(mount, "/boot/efi") ? "0xef" : "0xfd";
		case AZL_ROLE_ESP:
			return "0xef";
		case AZL_ROLE_SWAP:
			return "0x82";
		case AZL_ROLE_LVM_PV:
			return "0x8e";
		default:
			return "0x83";
		}
	switch (role) {
	case AZL_ROLE_ESP:
		return GUID_ESP;
	case AZL_ROLE_BIOSBOOT:
		return GUID_BIOSBOOT;
	case AZL_ROLE_BOOT:
		return GUID_XBOOTLDR;
	case AZL_ROLE_ROOT:
		return GUID_ROOT;
	case AZL_ROLE_SWAP:
		return GUID_SWAP;
	case AZL_ROLE_LVM_PV:
		return GUID_LVM;
	case AZL_ROLE_RAID_MEMBER:
		return streq_ptr(mount, "/boot/efi") ? GUID_ESP : GUID_RAID;
	default:
		break;
	}
	static const struct {
		const char *mount, *guid;
	} by_mount[] = {
		{"/home", GUID_HOME},
		{"/srv", GUID_SRV},
		{"/var", GUID_VAR},
		{"/var/tmp", GUID_VAR_TMP},
	};
	for (size_t i = 0; i < ELEMENTSOF(by_mount); i++)
		if (streq_ptr(mount, by_mount[i].mount))
			return by_mount[i].guid;
	return GUID_LINUX;
}

/* "root", "swap", "var-tmp": PARTLABEL and LUKS name stem. */
static char *stem_for(azl_role role, const char *mount)
{
	switch (role) {
	case AZL_ROLE_ESP:
	case AZL_ROLE_BIOSBOOT:
	case AZL_ROLE_BOOT:
	case AZL_ROLE_ROOT:
	case AZL_ROLE_SWAP:
	case AZL_ROLE_LVM_PV:
		return xstrdup(role_to_string(role));
	default:
		break;
	}
	if (!mount || !mount[0] || streq_ptr(mount, "/"))
		return xstrdup("data");
	char *s = xstrdup(mount[0] == '/' ? mount + 1 : mount);
	for (char *c = s; *c; c++)
		if (*c == '/')
			*c = '-';
	return s;
}

static char *part_device(const char *disk, int number)
{
	if (!startswith(disk, "/dev/"))
		return xasprintf("%s:%d", disk, number);
	size_t l = strlen(disk);
	bool digit = l > 0 && disk[l - 1] >= '0' && disk[l - 1] <= '9';
	return xasprintf("%s%s%d", disk, digit ? "p" : "", number);
}

static const char *role_describe(azl_role role)
{
	switch (role) {
	case AZL_ROLE_ESP:
		return _("EFI system partition");
	case AZL_ROLE_BIOSBOOT:
		return _("BIOS boot partition");
	case AZL_ROLE_BOOT:
		return "/boot";
	case AZL_ROLE_ROOT:
		return _("root");
	case AZL_ROLE_SWAP:
		return _("swap");
	case AZL_ROLE_LVM_PV:
		return _("LVM physical volume");
	case AZL_ROLE_RAID_MEMBER:
		return _("RAID member");
	default:
		return _("data");
	}
}

/* --- per-disk work ------------------------------------------------------ */

/* A partition to be made; sizes in bytes, multiples of 1 MiB. */
typedef struct request {
	azl_role role;
	azl_fs fs;
	const char *mount;
	const char *fs_label, *fs_options;
	const char *vg;		/* lvm-pv: its volume group */
	const char *luks_stem;	/* lvm-pv: mapper name stem; NULL = "pv" */
	const char *raid;	/* raid-member: its array */
	const char *raid_mount; /* raid-member: the array's mount point */
	int raid_seq;		/* raid-member: index in storage.partitions */
	const azl_subvolume_spec *subvols; /* btrfs */
	size_t n_subvols;
	bool encrypt;
	bool grow;
	uint64_t min, max, weight;
	uint64_t size; /* the result */
} request;

typedef struct disk_work {
	const azl_disk_info *info;
	azl_plan_disk pd;    /* kept partitions already in pd.parts */
	uint64_t free_start; /* the largest free region */
	uint64_t free_end;
	uint64_t usable; /* between the margins: base of percentages */
	request *reqs;
	size_t n_reqs;
	bool used;
} disk_work;

static void disk_work_done(disk_work *w)
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

static int prepare_disk(disk_work *w, azl_wipe wipe, azl_table want,
			azl_plan_error *err)
{
	const azl_disk_info *d = w->info;
	uint64_t lo = MIB, end = align_down(d->size, MIB);
	uint64_t hi = end > 2 * MIB ? end - MIB : lo;

	w->pd.path = xstrdup(d->path);
	w->pd.size = d->size;
	w->pd.sector_size =
		d->logical_sector_size ? d->logical_sector_size : 512;
	w->usable = hi - lo;

	bool fresh = wipe == AZL_WIPE_ALL;
	if (!fresh && !d->table) {
		if (d->fs_type &&
		    (wipe == AZL_WIPE_NONE || !linux_whole_disk_fs(d->fs_type)))
			return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
				    _("disk '%s' holds a '%s' filesystem "
				      "without a partition table, and wipe: %s "
				      "keeps it, which leaves no room; use "
				      "wipe: all or choose another disk"),
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
		return fail(err, AZL_EXIT_MACHINE, -EINVAL,
			    _("disk '%s' has a '%s' partition table, which the "
			      "installer cannot change; use wipe: all or "
			      "choose another disk"),
			    d->path, d->table);

	for (size_t i = 0; i < d->n_parts; i++) {
		const azl_part_info *pi = &d->parts[i];
		bool remove = wipe == AZL_WIPE_LINUX && part_is_linux(pi);
		azl_plan_part *pp =
			remove ? xappend(&w->pd.removed, &w->pd.n_removed,
					 sizeof(*pp))
			       : xappend(&w->pd.parts, &w->pd.n_parts,
					 sizeof(*pp));
		pp->number = pi->number;
		pp->start = pi->start;
		pp->size = pi->size;
		pp->role = AZL_ROLE_EXISTING;
		pp->keep = !remove;
		pp->partlabel = xstrdup(pi->partlabel);
		pp->fs_label = xstrdup(pi->fs_label);
		pp->fs_type = xstrdup(pi->fs_type);
		pp->device = pi->path ? xstrdup(pi->path)
				      : part_device(d->path, pi->number);
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
			uint64_t pe =
				w->pd.parts[i].start + w->pd.parts[i].size;
			if (pe > cur)
				cur = pe;
		}
	}
	return 0;
}

static uint64_t region_size(const disk_work *w)
{
	return w->free_end - w->free_start;
}

static request *add_request(disk_work *w, azl_role role, azl_fs fs,
			    const char *mount, uint64_t min, bool grow)
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
static int allocate(request *reqs, size_t n, uint64_t space, uint64_t unit,
		    uint64_t *ret_need)
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
		active[i] = reqs[i].grow &&
			    (reqs[i].max == 0 || reqs[i].max > reqs[i].min);

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
			uint64_t share =
				(uint64_t)((unsigned __int128)left * w / total);
			if (reqs[i].size + share * unit >= reqs[i].max) {
				uint64_t give =
					(reqs[i].max - reqs[i].size) / unit;
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
			uint64_t share =
				(uint64_t)((unsigned __int128)left * w / total);
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

/* Unique LUKS mapper names across the whole plan. */
typedef struct namer {
	char **used;
} namer;

static char *unique_luks_name(namer *nm, const char *stem)
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
static int place_requests(disk_work *w, namer *nm, azl_plan_error *err)
{
	uint64_t at = w->free_start;
	size_t n_new = 0;
	for (size_t i = 0; i < w->n_reqs; i++) {
		const request *r = &w->reqs[i];
		if (r->size == 0) {
			_cleanup_free_ char *h = human(region_size(w));
			return fail(
				err, AZL_EXIT_MACHINE, -ENOSPC,
				_("no space is left for the %s partition on "
				  "disk '%s' (%s free); give the other "
				  "partitions smaller sizes"),
				r->mount ? r->mount : role_describe(r->role),
				w->info->path, h);
		}
		if (r->encrypt && r->size <= LUKS_HEADER + MIB)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("the encrypted partition for '%s' is too "
				      "small to hold its 16 MiB LUKS2 header; "
				      "make it larger"),
				    r->mount ? r->mount
					     : role_describe(r->role));
		if (r->role == AZL_ROLE_ESP && w->pd.sector_size >= 4096 &&
		    r->size < ESP_MIN_4KN)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("disk '%s' has 4096-byte sectors, where "
				      "the EFI system partition needs at least "
				      "260 MiB; make /boot/efi 600M"),
				    w->info->path);

		int number = free_number(&w->pd);
		if (number < 0) {
			size_t total = w->pd.n_parts + w->n_reqs - n_new;
			if (w->pd.table == AZL_TABLE_MSDOS)
				return fail(err,
					    w->pd.new_table ? AZL_EXIT_INVALID
							    : AZL_EXIT_MACHINE,
					    -ENOSPC,
					    _("an msdos partition table holds "
					      "at most 4 partitions, and disk "
					      "'%s' would need %zu; use table: "
					      "gpt"),
					    w->info->path, total);
			return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
				    _("the partition table of disk '%s' has no "
				      "free entry left; use wipe: all"),
				    w->info->path);
		}
		if (w->pd.table == AZL_TABLE_MSDOS &&
		    (at + r->size) / w->pd.sector_size > UINT32_MAX)
			return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
				    _("disk '%s' is larger than an msdos "
				      "partition table can address; use "
				      "table: gpt"),
				    w->info->path);

		azl_plan_part *p =
			xappend(&w->pd.parts, &w->pd.n_parts, sizeof(*p));
		p->number = number;
		p->start = at;
		p->size = r->size;
		p->role = r->role;
		p->fs = r->fs;
		p->mount = xstrdup(r->mount);
		p->encrypted = r->encrypt;
		p->type_guid = type_for(w->pd.table, r->role,
					r->raid ? r->raid_mount : r->mount);
		_cleanup_free_ char *stem =
			r->raid ? xasprintf("raid-%s", r->raid)
				: stem_for(r->role, r->mount);
		if (w->pd.table == AZL_TABLE_GPT)
			p->partlabel = xstrdup(stem);
		p->fs_label = xstrdup(r->fs_label);
		p->fs_options = xstrdup(r->fs_options);
		if (r->encrypt)
			p->luks_name = unique_luks_name(
				nm, r->role != AZL_ROLE_LVM_PV ? stem
				    : r->luks_stem	       ? r->luks_stem
							       : "pv");
		p->vg = xstrdup(r->vg);
		p->raid = xstrdup(r->raid);
		p->raid_seq = r->raid_seq;
		p->device = part_device(w->info->path, number);
		if (r->n_subvols > 0) {
			/* One btrfs volume holding several mounts is no
			 * Discoverable root partition: Linux data, as
			 * Anaconda types it. */
			p->type_guid =
				type_for(w->pd.table, AZL_ROLE_DATA, NULL);
			p->subvols = xcalloc(r->n_subvols, sizeof(*p->subvols));
			p->n_subvols = r->n_subvols;
			for (size_t k = 0; k < r->n_subvols; k++)
				p->subvols[k] = (azl_plan_subvol){
					xstrdup(r->subvols[k].name),
					xstrdup(r->subvols[k].mount),
					xstrdup(r->subvols[k].fs_options)};
		}
		at += r->size;
		n_new++;
	}
	qsort(w->pd.parts, w->pd.n_parts, sizeof(*w->pd.parts), cmp_part_start);
	return 0;
}

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

static int guided_swap(const azl_model *m, const azl_machine *machine,
		       const disk_work *first, uint64_t *ret,
		       azl_plan_error *err)
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
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("swap cannot grow; give it a size like 2G, or "
			      "none"));
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

static int too_small(const disk_work *w, const need_item *items, size_t n,
		     azl_plan_error *err)
{
	uint64_t total = 0;
	azl_buf parts = {0};
	for (size_t i = 0; i < n; i++) {
		if (items[i].bytes == 0)
			continue;
		_cleanup_free_ char *h = human(items[i].bytes);
		buf_printf(&parts, "%s%s %s", parts.len ? ", " : "", h,
			   items[i].what);
		total += items[i].bytes;
	}
	_cleanup_free_ char *list = buf_steal(&parts);
	_cleanup_free_ char *need = human(total);
	if (w->pd.new_table) {
		_cleanup_free_ char *have = human(w->info->size);
		return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
			    _("disk '%s' (%s) is too small: this layout needs "
			      "at least %s (%s)"),
			    w->info->path, have, need, list);
	}
	_cleanup_free_ char *have = human(region_size(w));
	return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
		    _("the largest free space on disk '%s' is %s, and this "
		      "layout needs at least %s there (%s); free some space "
		      "or use wipe: linux or wipe: all"),
		    w->info->path, have, need, list);
}

/* Marks a kept partition of the first disk for reuse; true if found. */
static bool reuse_existing(disk_work *w, azl_firmware fw)
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
		if (fw == AZL_FIRMWARE_UEFI && part_is_esp(pi) &&
		    streq_ptr(pi->fs_type, "vfat") &&
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

static void add_vg(azl_plan *plan, uint64_t size, uint64_t swap_lv,
		   azl_fs root_fs)
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

static uint64_t pv_capacity(uint64_t part_size, bool enc)
{
	uint64_t dev = part_size - (enc ? LUKS_HEADER : 0);
	if (dev <= LVM_METADATA)
		return 0;
	return align_down(dev - LVM_METADATA, LVM_EXTENT);
}

static int plan_guided(const azl_model *m, const azl_machine *machine,
		       azl_plan *plan, disk_work *w, size_t n, namer *nm,
		       azl_plan_error *err)
{
	const azl_storage *s = &m->storage;
	bool enc = s->encryption.enabled, lvm = s->layout == AZL_LAYOUT_LVM;
	azl_fs root_fs =
		s->filesystem != AZL_FS_NONE ? s->filesystem : AZL_FS_EXT4;
	disk_work *first = &w[0];
	if (lvm && root_fs == AZL_FS_BTRFS)
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("filesystem: btrfs goes with layout: plain "
			      "(btrfs has subvolumes instead of logical "
			      "volumes); choose the plain guided layout"));
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
		add_request(first, AZL_ROLE_ESP, AZL_FS_VFAT, "/boot/efi",
			    ESP_SIZE, false);
		items[n_items++] =
			(need_item){ESP_SIZE, _("EFI system partition")};
	}
	if (plan->firmware == AZL_FIRMWARE_BIOS &&
	    first->pd.table == AZL_TABLE_GPT && !reused) {
		add_request(first, AZL_ROLE_BIOSBOOT, AZL_FS_NONE, NULL,
			    BIOSBOOT_SIZE, false);
		items[n_items++] =
			(need_item){BIOSBOOT_SIZE, _("BIOS boot partition")};
	}
	add_request(first, AZL_ROLE_BOOT, AZL_FS_EXT4, "/boot", BOOT_SIZE,
		    false);
	items[n_items++] = (need_item){BOOT_SIZE, "/boot"};

	if (lvm) {
		items[n_items++] = (need_item){swap_lv, _("swap")};
		items[n_items++] = (need_item){ROOT_MIN, _("root")};
		items[n_items++] = (need_item){LVM_METADATA, _("LVM metadata")};
		if (enc)
			items[n_items++] =
				(need_item){LUKS_HEADER, _("LUKS2 header")};
		/* With further PVs the first may hold less than root and
		 * swap; the VG total is checked below. */
		uint64_t pv_min = LVM_METADATA + (enc ? LUKS_HEADER : 0) +
				  (n > 1 ? LVM_EXTENT : swap_lv + ROOT_MIN);
		request *pv = add_request(first, AZL_ROLE_LVM_PV, AZL_FS_NONE,
					  NULL, pv_min, true);
		pv->encrypt = enc;
		pv->vg = VG_NAME;
	} else {
		if (swap) {
			request *sw = add_request(
				first, AZL_ROLE_SWAP, AZL_FS_SWAP, "swap",
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
		request *root = add_request(
			first, AZL_ROLE_ROOT, root_fs, btrfs ? NULL : "/",
			ROOT_MIN + (enc ? LUKS_HEADER : 0), true);
		root->encrypt = enc;
		if (btrfs) {
			root->subvols = fedora_subvols;
			root->n_subvols = ELEMENTSOF(fedora_subvols);
		}
		items[n_items++] = (need_item){swap, _("swap")};
		items[n_items++] = (need_item){ROOT_MIN, _("root")};
		if (enc)
			items[n_items++] = (need_item){
				(swap ? 2 : 1) * LUKS_HEADER,
				swap ? _("LUKS2 headers") : _("LUKS2 header")};
	}
	if (first->pd.new_table)
		items[n_items++] = (need_item){2 * MIB, _("partition table")};

	uint64_t need;
	if (allocate(first->reqs, first->n_reqs, region_size(first), MIB,
		     &need) < 0)
		return too_small(first, items, n_items, err);

	if (!lvm) {
		for (size_t i = 1; i < n; i++)
			strv_push(&plan->untouched_disks,
				  xstrdup(w[i].info->path));
		return place_requests(first, nm, err);
	}

	uint64_t vg_size =
		pv_capacity(first->reqs[first->n_reqs - 1].size, enc);
	for (size_t i = 1; i < n; i++) {
		uint64_t pv_min =
			LVM_METADATA + LVM_EXTENT + (enc ? LUKS_HEADER : 0);
		request *pv = add_request(&w[i], AZL_ROLE_LVM_PV, AZL_FS_NONE,
					  NULL, pv_min, true);
		pv->encrypt = enc;
		pv->vg = VG_NAME;
		if (allocate(w[i].reqs, w[i].n_reqs, region_size(&w[i]), MIB,
			     &need) < 0) {
			_cleanup_free_ char *h = human(region_size(&w[i]));
			return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
				    _("disk '%s' has only %s free, too little "
				      "for an LVM physical volume; leave it "
				      "out of storage.disks"),
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

static int custom_disk_index(const azl_partition_spec *ps,
			     const azl_machine *machine, const disk_work *w,
			     size_t n, size_t *ret, azl_plan_error *err)
{
	if (ps->disk_index > 0) {
		if ((size_t)ps->disk_index > n)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("the partition for '%s' is on disk %d, "
				      "but only %zu disks are given; name "
				      "more disks or fix 'disk:'"),
				    spec_name(ps), ps->disk_index, n);
		*ret = (size_t)ps->disk_index - 1;
		return 0;
	}
	if (ps->disk_path) {
		const azl_disk_info *d =
			machine_find_disk(machine, ps->disk_path);
		for (size_t i = 0; d && i < n; i++)
			if (w[i].info == d) {
				*ret = i;
				return 0;
			}
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("the partition for '%s' names disk '%s', which "
			      "is not in storage.disks; add it there"),
			    spec_name(ps), ps->disk_path);
	}
	*ret = 0;
	return 0;
}

static const azl_volume_group *model_vg(const azl_storage *s, const char *name,
					size_t *ret_index)
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
		if (s->raids[i].mount &&
		    !streq_ptr(s->raids[i].mount, "swap")) {
			if (strv_contains(seen, s->raids[i].mount))
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("'%s' is mounted twice (among "
					      "the RAIDs); give each mount "
					      "point once"),
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
		const azl_partition_spec *ps =
			i < s->n_partitions ? &s->partitions[i] : NULL;
		size_t n_sub = ps ? ps->n_subvolumes : 0;
		for (size_t k = 0; g ? k < g->n_volumes : k < 1 + n_sub; k++) {
			const char *mnt = g   ? g->volumes[k].mount
					  : k ? ps->subvolumes[k - 1].mount
					      : one;
			if (!mnt || streq_ptr(mnt, "swap"))
				continue;
			if (strv_contains(seen, mnt))
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("'%s' is mounted twice (among "
					      "the partitions and the volumes "
					      "of storage.volume_groups); give "
					      "each mount point once"),
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
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("a volume group in storage.volume_groups "
				      "has no name; add name: vg_sys"));
		size_t first = 0;
		model_vg(s, g->name, &first);
		if (first != i)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("volume group '%s' is defined twice in "
				      "storage.volume_groups; define it once"),
				    g->name);
		bool has_pv = false;
		for (size_t k = 0; k < s->n_partitions; k++)
			has_pv |= streq_ptr(s->partitions[k].volume_group,
					    g->name);
		for (size_t k = 0; k < s->n_raids; k++)
			has_pv |= streq_ptr(s->raids[k].volume_group, g->name);
		if (!has_pv)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("volume group '%s' has no physical "
				      "volume; add a partition with "
				      "volume_group: %s"),
				    g->name, g->name);
		if (g->n_volumes == 0)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("volume group '%s' has no volumes; add "
				      "one to its volumes:"),
				    g->name);
		for (size_t k = 0; k < g->n_volumes; k++) {
			const azl_volume_spec *v = &g->volumes[k];
			if (!v->name || !v->name[0])
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("a volume of volume group '%s' "
					      "has no name; add name: to it"),
					    g->name);
			for (size_t q = 0; q < k; q++)
				if (streq_ptr(g->volumes[q].name, v->name))
					return fail(
						err, AZL_EXIT_INVALID, -EINVAL,
						_("volume group '%s' has two "
						  "volumes named '%s'; name "
						  "each volume once"),
						g->name, v->name);
			if (streq_ptr(v->mount, "/boot") ||
			    streq_ptr(v->mount, "/boot/efi"))
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("'%s' cannot be a logical "
					      "volume: the firmware and the "
					      "boot loader read it before LVM "
					      "is started; make it a "
					      "partition"),
					    v->mount);
		}
	}
	return 0;
}

/* The logical volumes of one volume group whose size (its physical
 * volumes' extents) is known: sized like partitions, in extents. */
static int plan_volumes(const azl_volume_group *g, azl_plan_vg *vg,
			azl_plan_error *err)
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
			rq->min = align_down(
				percent_of(vg->size, v->size.percent),
				LVM_EXTENT);
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
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("volume '%s' of volume group "
					      "'%s' has a max smaller than its "
					      "size; raise max or lower the "
					      "size"),
					    v->name, g->name);
		}
	}
	uint64_t need = 0;
	if (allocate(reqs, g->n_volumes, vg->size, LVM_EXTENT, &need) < 0) {
		_cleanup_free_ char *hn = human(need);
		_cleanup_free_ char *hv = human(vg->size);
		return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
			    _("the volumes of volume group '%s' need at least "
			      "%s, but the group holds only %s (its physical "
			      "volumes less LVM metadata and LUKS2 headers); "
			      "make the volumes smaller or its physical "
			      "volumes larger"),
			    g->name, hn, hv);
	}
	for (size_t k = 0; k < g->n_volumes; k++) {
		const azl_volume_spec *v = &g->volumes[k];
		if (reqs[k].size == 0) {
			_cleanup_free_ char *hv = human(vg->size);
			return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
				    _("no space is left for volume '%s' in "
				      "volume group '%s' (%s); give the other "
				      "volumes smaller sizes"),
				    v->name, g->name, hv);
		}
		azl_plan_lv *lv = xappend(&vg->lvs, &vg->n_lvs, sizeof(*lv));
		lv->name = xstrdup(v->name);
		lv->size = reqs[k].size;
		lv->fs = v->fs;
		if (lv->fs == AZL_FS_NONE && v->mount)
			lv->fs = streq_ptr(v->mount, "swap") ? AZL_FS_SWAP
							     : AZL_FS_EXT4;
		lv->mount = xstrdup(v->mount);
		lv->device = xasprintf("/dev/%s/%s", g->name, v->name);
		lv->fs_label = xstrdup(v->label);
		lv->fs_options = xstrdup(v->fs_options);
	}
	return 0;
}

/* bootloader.boot_drive as an index into the disks in effect; SIZE_MAX
 * when the answer file does not say. */
static int resolve_boot_drive(const azl_model *m, const azl_machine *machine,
			      const azl_disk_info *const *disks, size_t n,
			      size_t *ret, azl_plan_error *err)
{
	const azl_bootloader *b = &m->bootloader;
	*ret = SIZE_MAX;
	if (b->boot_drive_index > 0) {
		if ((size_t)b->boot_drive_index > n)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("bootloader.boot_drive is disk %d, but "
				      "only %zu disks are given; name more "
				      "disks or fix boot_drive"),
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
	return fail(err, AZL_EXIT_INVALID, -EINVAL,
		    _("bootloader.boot_drive names disk '%s', which is not in "
		      "storage.disks; add it there"),
		    b->boot_drive_path);
}

/* --- software RAID ------------------------------------------------------ */

static const azl_raid_spec *model_raid(const azl_storage *s, const char *name)
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
static uint64_t raid_capacity(int level, size_t active, uint64_t member,
			      const char *metadata)
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
static int check_raids(const azl_storage *s, azl_plan_error *err)
{
	for (size_t i = 0; i < s->n_raids; i++) {
		const azl_raid_spec *r = &s->raids[i];
		if (!r->name || !r->name[0])
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("a RAID in storage.raids has no name; "
				      "add name: md0"));
		if (model_raid(s, r->name) != r)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("RAID '%s' is defined twice in "
				      "storage.raids; define it once"),
				    r->name);
		int min = raid_level_min_members(r->level);
		if (min == 0)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("RAID '%s' has level %d; use level 1, "
				      "5, 6 or 10"),
				    r->name, r->level);
		int members = 0;
		for (size_t k = 0; k < s->n_partitions; k++)
			members += streq_ptr(s->partitions[k].raid, r->name);
		if (members - r->spares < min)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("RAID '%s' of level %d needs at least %d "
				      "active members on as many disks, but "
				      "has %d (and %d spares); add members on "
				      "more disks"),
				    r->name, r->level, min, members - r->spares,
				    r->spares);
		if (r->mount && r->volume_group)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("RAID '%s' has both a mount point and a "
				      "volume group; choose one"),
				    r->name);
		if (r->volume_group && !model_vg(s, r->volume_group, NULL))
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("RAID '%s' names volume group '%s', "
				      "which storage.volume_groups does not "
				      "define; add it there"),
				    r->name, r->volume_group);
		if (streq_ptr(r->mount, "/boot/efi") &&
		    (r->level != 1 || !streq_ptr(r->metadata, "1.0")))
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("RAID '%s' holds /boot/efi, which the "
				      "firmware reads as a plain FAT "
				      "partition: only a mirror with its "
				      "superblock at the end (level: 1, "
				      "metadata: \"1.0\") allows that"),
				    r->name);
		if (r->encrypt && (streq_ptr(r->mount, "/boot") ||
				   streq_ptr(r->mount, "/boot/efi")))
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("'%s' cannot be encrypted: the firmware "
				      "and the boot loader read it before any "
				      "passphrase is asked; remove encrypt: "
				      "true there"),
				    r->mount);
		if (streq_ptr(r->mount, "/boot/efi") && r->fs != AZL_FS_NONE &&
		    r->fs != AZL_FS_VFAT)
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("RAID '%s' holds '/boot/efi', which must "
				      "be vfat; use fs: vfat"),
				    r->name);
	}
	return 0;
}

/* The smallest member an array can use: md's own part, the LUKS2
 * header, and LVM's metadata and one extent for a physical volume. */
static uint64_t raid_member_min(const azl_raid_spec *r)
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
static int equalize_raid(const azl_raid_spec *r, disk_work *w, size_t n,
			 azl_plan_error *err)
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
					_cleanup_free_ char *b =
						human(rq->size);
					return fail(
						err, AZL_EXIT_INVALID, -EINVAL,
						_("the members of RAID '%s' "
						  "have different sizes (%s on "
						  "'%s', %s on '%s'); give "
						  "them "
						  "the same size"),
						r->name, a, fixed_disk, b,
						w[i].info->path);
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
				return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
					    _("the member of RAID '%s' on disk "
					      "'%s' can have only %s, but the "
					      "other members have %s and md "
					      "uses the smallest; free space "
					      "there or use a larger disk"),
					    r->name, w[i].info->path, hg, hf);
			}
			rq->size = target;
		}
	return 0;
}

/* The arrays, once their members are placed: members in the order of
 * storage.partitions (spares last, as mdadm takes them). */
static int plan_raids(const azl_storage *s, azl_plan *plan, disk_work *w,
		      size_t n, namer *nm, azl_plan_error *err)
{
	for (size_t i = 0; i < s->n_raids; i++) {
		const azl_raid_spec *mr = &s->raids[i];
		azl_plan_raid *r =
			xappend(&plan->raids, &plan->n_raids, sizeof(*r));
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
					const azl_plan_part *pp =
						&w[d].pd.parts[q];
					if (pp->raid && pp->raid_seq == (int)k)
						strv_push(&r->members,
							  xstrdup(pp->device));
				}
		}
		for (size_t d = 0; d < n; d++)
			for (size_t q = 0; q < w[d].pd.n_parts; q++)
				if (streq_ptr(w[d].pd.parts[q].raid, mr->name))
					r->member_size = w[d].pd.parts[q].size;
		size_t active = strv_length(r->members) - (size_t)r->spares;
		r->size = raid_capacity(r->level, active, r->member_size,
					r->metadata);
		r->role = mr->volume_group ? AZL_ROLE_LVM_PV
					   : role_of_mount(mr->mount);
		r->fs = mr->fs;
		if (r->fs == AZL_FS_NONE && mr->mount)
			r->fs = r->role == AZL_ROLE_SWAP  ? AZL_FS_SWAP
				: r->role == AZL_ROLE_ESP ? AZL_FS_VFAT
							  : AZL_FS_EXT4;
		r->mount = xstrdup(mr->mount);
		r->fs_label = xstrdup(mr->label);
		r->fs_options = xstrdup(mr->fs_options);
		r->vg = xstrdup(mr->volume_group);
		r->encrypted = mr->encrypt;
		uint64_t need =
			raid_member_min(mr) - md_reserve(0, r->metadata);
		if (r->role == AZL_ROLE_ESP && w[0].pd.sector_size >= 4096)
			need = ESP_MIN_4KN;
		if (r->size < need) {
			_cleanup_free_ char *hs = human(r->size);
			_cleanup_free_ char *hn = human(need);
			return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
				    _("RAID '%s' would hold only %s, less than "
				      "the %s it needs; make its members "
				      "larger"),
				    r->name, hs, hn);
		}
		if (r->encrypted) {
			_cleanup_free_ char *stem =
				r->vg ? xstrdup(r->vg)
				      : stem_for(r->role, r->mount);
			r->luks_name = unique_luks_name(nm, stem);
		}
	}
	return 0;
}

/* Puts a request made last at the front of its disk's list. */
static void request_to_front(disk_work *w)
{
	request r = w->reqs[w->n_reqs - 1];
	memmove(w->reqs + 1, w->reqs, (w->n_reqs - 1) * sizeof(*w->reqs));
	w->reqs[0] = r;
}

static int plan_custom(const azl_model *m, const azl_machine *machine,
		       azl_plan *plan, disk_work *w, size_t n,
		       size_t boot_drive, namer *nm, azl_plan_error *err)
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
			if (streq_ptr(s->volume_groups[i].volumes[k].mount,
				      "/")) {
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
	_cleanup_free_ size_t *member_disk =
		xcalloc(s->n_partitions + 1, sizeof(size_t));

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
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("a partition names RAID '%s', "
					      "which storage.raids does not "
					      "define; add it there"),
					    ps->raid);
			if (mnt || fs != AZL_FS_NONE || ps->label ||
			    ps->fs_options || ps->encrypt || ps->volume_group)
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("a member of RAID '%s' has no "
					      "mount point, filesystem, label, "
					      "options, encryption or volume "
					      "group of its own; give them to "
					      "the array"),
					    ps->raid);
			role = AZL_ROLE_RAID_MEMBER;
		} else if (ps->n_subvolumes > 0) {
			if (mnt || fs != AZL_FS_BTRFS)
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("a partition with subvolumes is "
					      "btrfs without a mount point of "
					      "its own; use fs: btrfs and "
					      "give the mount points to its "
					      "subvolumes"));
			if (subvol_root)
				role = AZL_ROLE_ROOT;
		} else if (ps->volume_group) {
			if (!model_vg(s, ps->volume_group, NULL))
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("a partition names volume group "
					      "'%s', which storage.volume_"
					      "groups does not define; add it "
					      "there"),
					    ps->volume_group);
			if (mnt || fs != AZL_FS_NONE || ps->label ||
			    ps->fs_options)
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("a physical volume of volume "
					      "group '%s' has no mount point, "
					      "filesystem, label or options of "
					      "its own; give them to the "
					      "group's volumes"),
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
			fs = role == AZL_ROLE_SWAP  ? AZL_FS_SWAP
			     : role == AZL_ROLE_ESP ? AZL_FS_VFAT
						    : AZL_FS_EXT4;
		if (role == AZL_ROLE_ESP && fs != AZL_FS_VFAT)
			return fail(
				err, AZL_EXIT_INVALID, -EINVAL,
				_("'/boot/efi' must be vfat; use fs: vfat"));
		if (ps->encrypt &&
		    (role == AZL_ROLE_ESP || role == AZL_ROLE_BOOT))
			return fail(err, AZL_EXIT_INVALID, -EINVAL,
				    _("'%s' cannot be encrypted: the firmware "
				      "and the boot loader read it before any "
				      "passphrase is asked; remove encrypt: "
				      "true there"),
				    mnt);

		size_t di = 0;
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
				if (streq_ptr(s->partitions[q].raid,
					      raid->name) &&
				    member_disk[q] == di)
					return fail(
						err, AZL_EXIT_INVALID, -EINVAL,
						_("two members of RAID '%s' "
						  "are on disk '%s', where one "
						  "failure takes both; put "
						  "each "
						  "member on its own disk"),
						raid->name, w[di].info->path);
			member_disk[i] = di;
			uint64_t mmin = raid_member_min(raid);
			if (rq->min < mmin) {
				if (!grow) {
					_cleanup_free_ char *h = human(mmin);
					return fail(
						err, AZL_EXIT_INVALID, -EINVAL,
						_("a member of RAID '%s' is "
						  "smaller than the %s the "
						  "array needs of each; make "
						  "it "
						  "larger"),
						raid->name, h);
				}
				rq->min = mmin;
			}
			/* The first member's disk stands for the array. */
			bool first = true;
			for (size_t q = 0; q < i; q++)
				first &= !streq_ptr(s->partitions[q].raid,
						    raid->name);
			if (first && streq_ptr(raid->mount, "/boot/efi"))
				esp_disk = di;
			if (first && streq_ptr(raid->mount, "/boot"))
				boot_disk = di;
			if (first && streq_ptr(raid->mount, "/"))
				root_disk = di;
			if (first && root_vg &&
			    streq_ptr(raid->volume_group, root_vg) &&
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
			uint64_t pv_min = LVM_METADATA + LVM_EXTENT +
					  (ps->encrypt ? LUKS_HEADER : 0);
			if (rq->min < pv_min) {
				if (!grow) {
					_cleanup_free_ char *h = human(pv_min);
					return fail(
						err, AZL_EXIT_INVALID, -EINVAL,
						_("a physical volume of volume "
						  "group '%s' is smaller than "
						  "the %s LVM needs there; "
						  "make it larger"),
						ps->volume_group, h);
				}
				rq->min = pv_min;
			}
			if (streq_ptr(ps->volume_group, root_vg) &&
			    root_pv_disk == SIZE_MAX)
				root_pv_disk = di;
		}
		if (ps->max_bytes) {
			rq->max = align_down(ps->max_bytes, MIB);
			if (rq->max < rq->min)
				return fail(err, AZL_EXIT_INVALID, -EINVAL,
					    _("the partition for '%s' has a "
					      "max smaller than its size; "
					      "raise max or lower the size"),
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
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("the custom layout has no '/' partition; add "
			      "{mount: /, size: grow}"));
	if (root_pv_disk != SIZE_MAX)
		root_disk = root_pv_disk;

	/* bootloader.boot_drive decides; else the disk of /boot/efi
	 * (UEFI), else /boot, else /. */
	if (boot_drive != SIZE_MAX && plan->firmware == AZL_FIRMWARE_UEFI &&
	    esp_disk != SIZE_MAX && esp_disk != boot_drive)
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("'/boot/efi' is on disk '%s', but "
			      "bootloader.boot_drive is '%s', where the "
			      "firmware looks for the boot loader; put "
			      "/boot/efi on disk %zu or change boot_drive"),
			    w[esp_disk].info->path, w[boot_drive].info->path,
			    boot_drive + 1);
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
			add_request(ew, AZL_ROLE_ESP, AZL_FS_VFAT, "/boot/efi",
				    ESP_SIZE, false);
			request_to_front(ew);
		}
		ew->used = true;
	}

	size_t bd = boot_drive != SIZE_MAX		  ? boot_drive
		    : plan->firmware == AZL_FIRMWARE_UEFI ? esp_disk
		    : boot_disk != SIZE_MAX		  ? boot_disk
							  : root_disk;
	disk_work *boot = &w[bd];
	if (plan->firmware == AZL_FIRMWARE_BIOS &&
	    boot->pd.table == AZL_TABLE_GPT) {
		if (!reuse_existing(boot, AZL_FIRMWARE_BIOS)) {
			add_request(boot, AZL_ROLE_BIOSBOOT, AZL_FS_NONE, NULL,
				    BIOSBOOT_SIZE, false);
			request_to_front(boot);
		}
		boot->used = true;
	}
	/* The other disks of a mirrored /boot (BIOS) or /boot/efi (UEFI)
	 * get the boot loader too: GRUB's boot code in a BIOS boot partition
	 * of their own, or an NVRAM entry. */
	const char *mirror =
		plan->firmware == AZL_FIRMWARE_UEFI ? esp_raid : boot_raid;
	for (size_t i = 0; mirror && i < n; i++) {
		bool member = false;
		for (size_t k = 0; k < w[i].n_reqs; k++)
			member |= streq_ptr(w[i].reqs[k].raid, mirror);
		if (!member || &w[i] == boot)
			continue;
		strv_push(&plan->mirror_boot_disks, xstrdup(w[i].info->path));
		if (plan->firmware == AZL_FIRMWARE_BIOS &&
		    w[i].pd.table == AZL_TABLE_GPT &&
		    !reuse_existing(&w[i], AZL_FIRMWARE_BIOS)) {
			add_request(&w[i], AZL_ROLE_BIOSBOOT, AZL_FS_NONE, NULL,
				    BIOSBOOT_SIZE, false);
			request_to_front(&w[i]);
		}
	}
	if (!boot->used)
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("bootloader.boot_drive is '%s', where this "
			      "layout puts no partition, so GRUB would have "
			      "no partition table to boot from there; put a "
			      "partition such as /boot on disk %zu or change "
			      "boot_drive"),
			    boot->info->path, bd + 1);
	/* The boot disk goes first in the plan. */
	if (bd != 0) {
		disk_work t = w[bd];
		memmove(w + 1, w, bd * sizeof(*w));
		w[0] = t;
	}

	for (size_t i = 0; i < n; i++) {
		if (!w[i].used) {
			strv_push(&plan->untouched_disks,
				  xstrdup(w[i].info->path));
			continue;
		}
		uint64_t need;
		if (allocate(w[i].reqs, w[i].n_reqs, region_size(&w[i]), MIB,
			     &need) < 0) {
			_cleanup_free_ char *hn = human(need);
			_cleanup_free_ char *hf = human(region_size(&w[i]));
			return fail(err, AZL_EXIT_MACHINE, -ENOSPC,
				    _("the partitions for disk '%s' need at "
				      "least %s, but only %s is free there; "
				      "make them smaller or choose a larger "
				      "disk"),
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
		azl_plan_vg *vg =
			xappend(&plan->vgs, &plan->n_vgs, sizeof(*vg));
		vg->name = xstrdup(mg->name);
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < w[i].pd.n_parts; k++) {
				const azl_plan_part *pp = &w[i].pd.parts[k];
				if (pp->role == AZL_ROLE_LVM_PV && !pp->keep &&
				    streq_ptr(pp->vg, mg->name))
					vg->size += pv_capacity(pp->size,
								pp->encrypted);
			}
		for (size_t i = 0; i < plan->n_raids; i++)
			if (streq_ptr(plan->raids[i].vg, mg->name))
				vg->size +=
					pv_capacity(plan->raids[i].size,
						    plan->raids[i].encrypted);
		r = plan_volumes(mg, vg, err);
		if (r < 0)
			return r;
	}
	return 0;
}

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
	return p->encrypted ? xasprintf("/dev/mapper/%s", p->luks_name)
			    : xstrdup(p->device);
}

static char *raid_fs_device(const azl_plan_raid *r)
{
	return r->encrypted ? xasprintf("/dev/mapper/%s", r->luks_name)
			    : xstrdup(r->device);
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
	return strcmp(((const mount_entry *)a)->mount,
		      ((const mount_entry *)b)->mount);
}

static void add_mkfs(azl_plan *p, const char *device, azl_fs fs,
		     const char *label, const char *what)
{
	azl_action *a = add_action(
		p, fs == AZL_FS_SWAP ? AZL_OP_MKSWAP : AZL_OP_MKFS, device);
	a->device = xstrdup(device);
	a->fs = fs;
	a->name = xstrdup(label);
	a->detail = fs == AZL_FS_SWAP
			    ? xstrdup(what)
			    : xasprintf("%s %s", fs_to_string(fs), what);
}

static void build_actions(azl_plan *p)
{
	const char *boot_disk = p->boot_disk;
	for (size_t i = 0; i < p->n_disks; i++) {
		const azl_plan_disk *d = &p->disks[i];
		if (d->new_table) {
			azl_action *a =
				add_action(p, AZL_OP_WIPE_SIGNATURES, d->path);
			a->disk = xstrdup(d->path);
			a = add_action(p, AZL_OP_CREATE_TABLE, d->path);
			a->disk = xstrdup(d->path);
			a->table = d->table;
			a->detail = xstrdup(table_to_string(d->table));
		}
		for (size_t k = 0; k < d->n_removed; k++) {
			const azl_plan_part *pp = &d->removed[k];
			azl_action *a = add_action(p, AZL_OP_DELETE_PARTITION,
						   pp->device);
			a->disk = xstrdup(d->path);
			a->device = xstrdup(pp->device);
			a->number = pp->number;
			_cleanup_free_ char *h = human(pp->size);
			a->detail = xasprintf("%s %s", h,
					      pp->fs_type ? pp->fs_type : "");
		}
		for (size_t k = 0; k < d->n_parts; k++) {
			const azl_plan_part *pp = &d->parts[k];
			if (pp->keep)
				continue;
			azl_action *a = add_action(p, AZL_OP_CREATE_PARTITION,
						   pp->device);
			a->disk = xstrdup(d->path);
			a->device = xstrdup(pp->device);
			a->number = pp->number;
			a->start = pp->start;
			a->size = pp->size;
			a->type = pp->type_guid;
			a->name = xstrdup(pp->partlabel);
			_cleanup_free_ char *h = human(pp->size);
			a->detail =
				xasprintf("%s %s", h,
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
			azl_action *a =
				add_action(p, AZL_OP_LUKS_FORMAT, pp->device);
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
				azl_action *a =
					add_action(p, AZL_OP_PV_CREATE, dev);
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
		a->detail = xasprintf(_("%s over %zu physical volume(s)"), h,
				      strv_length(vg->pvs));
	}
	for (size_t v = 0; v < p->n_vgs; v++) {
		const azl_plan_vg *vg = &p->vgs[v];
		for (size_t l = 0; l < vg->n_lvs; l++) {
			const azl_plan_lv *lv = &vg->lvs[l];
			azl_action *a =
				add_action(p, AZL_OP_LV_CREATE, lv->device);
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
			if (!pp->keep)
				add_mkfs(p, dev, pp->fs, pp->fs_label,
					 pp->mount ? pp->mount
						   : role_describe(pp->role));
			if (pp->mount && pp->fs != AZL_FS_SWAP) {
				mount_entry *e =
					xappend(&mounts, &n_mounts, sizeof(*e));
				*e = (mount_entry){pp->mount, dev, pp->fs,
						   NULL};
			}
			for (size_t s = 0; s < pp->n_subvols; s++) {
				const azl_plan_subvol *sv = &pp->subvols[s];
				if (!pp->keep) {
					azl_action *a = add_action(
						p, AZL_OP_SUBVOLUME_CREATE,
						dev);
					a->device = xstrdup(dev);
					a->name = xstrdup(sv->name);
					a->detail = xasprintf(_("subvolume %s"),
							      sv->name);
				}
				if (!sv->mount)
					continue;
				mount_entry *e =
					xappend(&mounts, &n_mounts, sizeof(*e));
				*e = (mount_entry){sv->mount, dev, pp->fs,
						   sv->name};
			}
		}
	for (size_t i = 0; i < p->n_raids; i++) {
		const azl_plan_raid *r = &p->raids[i];
		if (r->fs == AZL_FS_NONE)
			continue;
		char *dev = raid_fs_device(r);
		strv_push(&devs, dev);
		add_mkfs(p, dev, r->fs, r->fs_label,
			 r->mount ? r->mount : r->name);
		if (r->mount && r->fs != AZL_FS_SWAP) {
			mount_entry *e =
				xappend(&mounts, &n_mounts, sizeof(*e));
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
				mount_entry *e =
					xappend(&mounts, &n_mounts, sizeof(*e));
				*e = (mount_entry){lv->mount, lv->device,
						   lv->fs, NULL};
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
		a->detail = mounts[i].subvol ? xasprintf("%s (subvol=%s)",
							 mounts[i].mount,
							 mounts[i].subvol)
					     : xstrdup(mounts[i].mount);
	}
	free(mounts);

	azl_action *a = add_action(p, AZL_OP_INSTALL_PACKAGES, "/");
	a = add_action(p, AZL_OP_CONFIGURE, "/");
	a = add_action(p, AZL_OP_INSTALL_BOOTLOADER,
		       p->firmware == AZL_FIRMWARE_UEFI ? "/boot/efi"
							: boot_disk);
	a->disk = xstrdup(boot_disk);
	a->detail = xstrdup(firmware_to_string(p->firmware));
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

int plan_build(const azl_model *m, const azl_machine *machine,
	       const azl_plan_overrides *ov, azl_plan **ret,
	       azl_plan_error *err)
{
	_cleanup_plan_ azl_plan *plan = xzalloc(sizeof(*plan));
	int r;

	plan->firmware = ov && ov->firmware != AZL_FIRMWARE_AUTO ? ov->firmware
			 : m->bootloader.firmware != AZL_FIRMWARE_AUTO
				 ? m->bootloader.firmware
				 : machine->firmware;
	if (plan->firmware == AZL_FIRMWARE_AUTO)
		plan->firmware = AZL_FIRMWARE_UEFI;
	plan->secure_boot = m->bootloader.secure_boot;
	plan->tpm2 = m->storage.encryption.tpm2.enabled;

	/* What the answer file leaves to be asked (a kickstart without
	 * storage commands, or --encrypted without --passphrase: Anaconda
	 * stops and asks) is asked by the interactive installer only; a plan
	 * without it would guess, and a guess may erase a disk. */
	if (model_storage_unanswered(m))
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    !m->has_storage
				    ? _("the answer file leaves storage to be "
					"asked (interactive: storage, no "
					"storage: section); run the "
					"interactive installer "
					"('azl-installer --answers FILE') "
					"or say the disks and layout in "
					"the file")
				    : _("the answer file leaves the "
					"encryption passphrase to be asked "
					"(interactive: storage); run the "
					"interactive installer "
					"('azl-installer --answers FILE') "
					"or add storage.encryption."
					"passphrase_file"));
	if (m->storage.n_partitions == 0 && m->storage.n_raids > 0)
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("storage.raids needs a custom layout: add "
			      "partitions: with raid: members for each array"));
	if (m->storage.n_partitions == 0 && m->storage.n_volume_groups > 0)
		return fail(err, AZL_EXIT_INVALID, -EINVAL,
			    _("storage.volume_groups needs a custom layout: "
			      "add partitions: with a volume_group: partition "
			      "for each group"));

	_cleanup_free_ const azl_disk_info **disks = NULL;
	size_t n = 0;
	r = resolve_disks(m, machine, ov, &disks, &n, err);
	if (r < 0)
		return r;

	if (needs_device_mapper(&m->storage) && !machine->device_mapper)
		return fail(err, AZL_EXIT_MACHINE, -ENODEV,
			    _("LVM and encryption need the kernel's "
			      "device-mapper, which this machine does not "
			      "have; choose layout: plain without encryption, "
			      "or boot a kernel with dm-mod"));

	if (m->storage.n_partitions > 0 && m->storage.n_raids > 0 &&
	    !machine->md_raid)
		return fail(err, AZL_EXIT_MACHINE, -ENODEV,
			    _("software RAID needs the kernel's md driver, "
			      "which this machine does not have; leave "
			      "storage.raids out, or boot a kernel with "
			      "md_mod (the live environment has it)"));

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
		azl_plan_disk *pd =
			xappend(&plan->disks, &plan->n_disks, sizeof(*pd));
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
