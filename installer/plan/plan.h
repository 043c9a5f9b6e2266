/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan: a pure function from (model, probed machine, overrides) to the
 * partitions, LUKS containers, volume groups, filesystems, mounts and the
 * ordered list of actions that apply carries out. No I/O at all, so every
 * storage decision is unit-tested on machine fixtures without root.
 *
 * Ownership as in model.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"
#include "model.h"

typedef enum azl_role {
	AZL_ROLE_ESP,
	AZL_ROLE_BIOSBOOT,
	AZL_ROLE_BOOT,
	AZL_ROLE_ROOT,
	AZL_ROLE_SWAP,
	AZL_ROLE_LVM_PV,
	AZL_ROLE_DATA,
	AZL_ROLE_EXISTING,    /* kept as it is (wipe: none / linux) */
	AZL_ROLE_RAID_MEMBER, /* a member of a software RAID (md) */
} azl_role;
const char *role_to_string(azl_role r); /* "esp", "lvm-pv", ... */

/* A btrfs subvolume the plan makes on a partition's filesystem. */
typedef struct azl_plan_subvol {
	char *name;	  /* "root", "home" */
	char *mount;	  /* NULL: made, not mounted */
	char *fs_options; /* fstab options after subvol=NAME */
} azl_plan_subvol;

typedef struct azl_plan_part {
	int number;
	uint64_t start; /* bytes, 1 MiB aligned for new partitions */
	uint64_t size;
	azl_role role;
	azl_fs fs;	/* filesystem made on it (or inside its LUKS) */
	char *mount;	/* NULL: not mounted (biosboot, PV, swap has "swap") */
	bool encrypted; /* LUKS2 container on this partition */
	bool keep;	/* an existing partition: the table keeps it */
	/* keep with a role (storage.partitions[].existing, kickstart's
	 * --onpart): reused where it is, its filesystem made again
	 * (reformat) or kept and only mounted. */
	bool reused, reformat;
	const char *type_guid; /* Discoverable Partitions type (static string) */
	char *partlabel;       /* GPT name */
	char *fs_label;
	char *fs_options;
	char *luks_name; /* mapper name when encrypted: "luks-root", ... */
	char *device;	 /* expected node: /dev/vda1, /dev/nvme0n1p1 */
	char *fs_type;	 /* kept partitions: what blkid saw ("ntfs") */
	char *vg;	 /* lvm-pv: the volume group it belongs to */
	char *raid;	 /* raid-member: the array it belongs to */
	int raid_seq;	 /* raid-member: its place in storage.partitions */
	/* fs btrfs: its subvolumes (mount is NULL then); mounted with
	 * subvol=NAME. */
	azl_plan_subvol *subvols;
	size_t n_subvols;
} azl_plan_part;

/* A software RAID (mdadm) over partitions of several disks. What it holds
 * is said like a partition's: role, fs, mount, LUKS, or an LVM PV. */
typedef struct azl_plan_raid {
	char *name;	      /* storage.raids[].name */
	char *device;	      /* /dev/md/NAME */
	int level;	      /* 1, 5, 6, 10 */
	char *metadata;	      /* "1.2", "1.0" */
	int spares;	      /* the last `spares` members are spares */
	char **members;	      /* partition devices, in storage.partitions order */
	uint64_t member_size; /* every member's partition size */
	uint64_t size;	      /* usable bytes (estimate: md's data offset) */
	azl_role role;	      /* esp, boot, root, swap, lvm-pv, data */
	azl_fs fs;
	char *mount;
	bool encrypted;
	char *luks_name;
	char *fs_label;
	char *fs_options;
	char *vg;
} azl_plan_raid;

typedef struct azl_plan_disk {
	char *path;
	uint64_t size;
	uint32_t sector_size;
	azl_table table;
	bool new_table;	      /* false when wipe: none keeps the existing table */
	azl_plan_part *parts; /* the table after apply, by start */
	size_t n_parts;
	/* Existing partitions that wipe: linux removes (keep == false). */
	azl_plan_part *removed;
	size_t n_removed;
} azl_plan_disk;

typedef struct azl_plan_lv {
	char *name; /* lv_root, lv_swap */
	uint64_t size;
	azl_fs fs;
	char *mount;
	char *device; /* /dev/vg_azl/lv_root */
	char *fs_label;
	char *fs_options; /* fstab options; NULL = defaults */
} azl_plan_lv;

typedef struct azl_plan_vg {
	char *name; /* vg_azl */
	char **pvs; /* devices (the LUKS mapper path when encrypted) */
	azl_plan_lv *lvs;
	size_t n_lvs;
	uint64_t size; /* usable bytes after LVM metadata */
} azl_plan_vg;

typedef enum azl_op {
	AZL_OP_WIPE_SIGNATURES, /* disk: erase old signatures */
	AZL_OP_CREATE_TABLE,
	AZL_OP_CREATE_PARTITION,
	AZL_OP_LUKS_FORMAT,
	AZL_OP_LUKS_OPEN,
	AZL_OP_PV_CREATE,
	AZL_OP_VG_CREATE,
	AZL_OP_LV_CREATE,
	AZL_OP_MKFS,
	AZL_OP_MKSWAP,
	AZL_OP_MOUNT,
	AZL_OP_INSTALL_PACKAGES,
	AZL_OP_CONFIGURE,
	AZL_OP_INSTALL_BOOTLOADER,
	AZL_OP_DELETE_PARTITION, /* wipe: linux; before any create-partition */
	AZL_OP_RAID_CREATE,	 /* mdadm --create; after the partitions */
	AZL_OP_SUBVOLUME_CREATE, /* btrfs subvolume name on device */
} azl_op;
const char *op_to_string(azl_op op); /* "create-partition", ... */

/* One step. Which fields mean something depends on op; unused ones are
 * NULL/0 and are left out of the JSON. */
typedef struct azl_action {
	azl_op op;
	char *disk;   /* whole disk the step concerns */
	char *device; /* partition, mapper or LV device it acts on */
	int number;   /* partition number */
	uint64_t start, size;
	azl_table table;
	azl_fs fs;
	char *name;	  /* LUKS mapper, VG or LV name; fs label */
	char *mount;	  /* mount point inside the target */
	char *detail;	  /* for people: "600 MiB EFI system partition" */
	char *object;	  /* what the JSON calls "object": device, VG or path */
	const char *type; /* create-partition: GPT type GUID or msdos id */
	char *vg;	  /* lv-create: the volume group */
	char *subvol;	  /* mount: the btrfs subvolume mounted */
} azl_action;

typedef struct azl_plan {
	azl_firmware firmware;	     /* resolved: never AUTO */
	azl_secure_boot secure_boot; /* bootloader.secure_boot */
	bool tpm2;		     /* storage.encryption.tpm2: its packages in the target */
	bool tang;		     /* storage.encryption.tang: clevis in the target */
	azl_plan_disk *disks;
	size_t n_disks;
	azl_plan_vg *vgs;
	size_t n_vgs;
	azl_plan_raid *raids;
	size_t n_raids;
	azl_action *actions;
	size_t n_actions;
	/* Disks named in storage.disks that this layout leaves alone (plain
	 * guided layouts use only the first disk); for the text output. */
	char **untouched_disks;
	/* The whole disk that gets the boot loader: GRUB's boot code on
	 * BIOS, the ESP (and the NVRAM entry's --disk) on UEFI. Always one
	 * of disks[], and disks[0] is it. */
	char *boot_disk;
	/* The other disks that get the boot loader too, when /boot (BIOS) or
	 * /boot/efi (UEFI) is on a RAID: the disks of its other members,
	 * each with GRUB's boot code (BIOS) or an NVRAM entry (UEFI), so the
	 * machine boots from any of them. NULL without RAID. */
	char **mirror_boot_disks;
	/* The service that reads the answer file's network configuration,
	 * added to the packages (plan_network_package()); NULL for none.
	 * Static, not owned. */
	const char *network_package;
} azl_plan;

void plan_free(azl_plan *p);
static inline void plan_freep(azl_plan **p)
{
	plan_free(*p);
}
#define _cleanup_plan_ _cleanup_(plan_freep)

/* What the command line says over the answer file. */
typedef struct azl_plan_overrides {
	char **disks;	       /* --disk, replaces storage.disks when non-NULL */
	azl_firmware firmware; /* --firmware, AUTO = keep the model's */
} azl_plan_overrides;

/* The planner's refusals carry the exit code the command line uses: 1 for
 * a problem of the answer file, 2 for what the machine does not allow
 * (disk too small, no matching disk, disk in use). */
/* Why plan_build() refused. The planner knows no exit codes: the front
 * ends map the kind to theirs (install_plan_exit_code(), DESIGN.md). */
typedef enum azl_plan_error_kind {
	AZL_PLAN_ERROR_NONE,
	/* The answer file asks for what no machine could hold (a size that
	 * does not add up, a mount point twice, a RAID level its members
	 * cannot give, ...). */
	AZL_PLAN_ERROR_ANSWERS,
	/* This machine cannot hold it: no such disk, a disk too small or in
	 * use, no free space where the answer file puts a partition. */
	AZL_PLAN_ERROR_MACHINE,
} azl_plan_error_kind;

typedef struct azl_plan_error {
	azl_plan_error_kind kind;
	char *message; /* a whole sentence that says what would be needed */
} azl_plan_error;
void plan_error_done(azl_plan_error *e);

/* Pure: reads m and machine, allocates the plan. Returns 0, or -EINVAL
 * (model) / -ENOSPC (too small) / -ENODEV (no disk) / -EBUSY (in use) with
 * *err filled. */
int plan_build(const azl_model *m, const azl_machine *machine, const azl_plan_overrides *ov,
	       azl_plan **ret, azl_plan_error *err);

/* The programs the storage actions of p run (strv, owned by the caller),
 * and the package that usually provides one (NULL if not known). */
char **plan_required_tools(const azl_plan *p);
const char *tool_package(const char *tool);
/* The packages the installed system needs because of p: the boot loader
 * of its firmware ("?shim-x64" too for UEFI: "?" = only when a repository
 * has it), cryptsetup for LUKS, lvm2, the mkfs tools of its
 * filesystems (strv, owned by the caller). */
char **plan_required_packages(const azl_plan *p);
/* "NetworkManager" when the answer file configures a network and names
 * neither NetworkManager nor systemd-networkd itself (nor excludes
 * NetworkManager): without one of them in the target, the configuration
 * would be written for nobody. NULL otherwise. Used for --root installs,
 * which have no plan, too. */
const char *plan_network_package(const azl_model *m);

/* The JSON object of DESIGN.md: disks, volume_groups, actions. */
char *plan_to_json(const azl_plan *p);
/* The human table with an activity column, like systemd-repart's. */
char *plan_to_text(const azl_plan *p);
