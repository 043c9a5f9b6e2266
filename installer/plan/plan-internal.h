/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The planner's own pieces, shared by installer/plan/plan*.c only: sizes,
 * partition type GUIDs, the per-disk work and the helpers each file of the
 * planner calls in another (plan.c says what the planner decides). */
#pragma once

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "fs-facts.h"
#include "i18n.h"
#include "plan.h"
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

/* A partition to be made; sizes in bytes, multiples of 1 MiB. */
typedef struct request {
	azl_role role;
	azl_fs fs;
	const char *mount;
	const char *fs_label, *fs_options;
	const char *vg;			   /* lvm-pv: its volume group */
	const char *luks_stem;		   /* lvm-pv: mapper name stem; NULL = "pv" */
	const char *raid;		   /* raid-member: its array */
	const char *raid_mount;		   /* raid-member: the array's mount point */
	int raid_seq;			   /* raid-member: index in storage.partitions */
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

/* Unique LUKS mapper names across the whole plan. */
typedef struct namer {
	char **used;
} namer;

/* plan.c */
void plan_disk_done(azl_plan_disk *d);
_printf_(4, 5) int fail(azl_plan_error *err, azl_plan_error_kind kind, int r, const char *fmt, ...);

/* plan-disks.c */
uint64_t align_down(uint64_t v, uint64_t a);
uint64_t align_up(uint64_t v, uint64_t a);
uint64_t percent_of(uint64_t bytes, uint32_t percent);
char *human(uint64_t bytes);
char *disk_list(const azl_disk_info *const *disks, size_t n);
int resolve_disks(const azl_model *m, const azl_machine *machine, const azl_plan_overrides *ov,
		  const azl_disk_info ***ret, size_t *ret_n, azl_plan_error *err);
bool type_is(const char *type, const char *guid);
bool part_is_esp(const azl_part_info *p);
bool part_is_linux(const azl_part_info *p);
bool linux_whole_disk_fs(const char *fs);
const char *type_for(azl_table t, azl_role role, const char *mount);
char *stem_for(azl_role role, const char *mount);
char *part_device(const char *disk, int number);
const char *role_describe(azl_role role);

/* plan-place.c */
void disk_work_done(disk_work *w);
int prepare_disk(disk_work *w, azl_wipe wipe, azl_table want, azl_plan_error *err);
uint64_t region_size(const disk_work *w);
request *add_request(disk_work *w, azl_role role, azl_fs fs, const char *mount, uint64_t min,
		     bool grow);
int allocate(request *reqs, size_t n, uint64_t space, uint64_t unit, uint64_t *ret_need);
char *unique_luks_name(namer *nm, const char *stem);
int place_requests(disk_work *w, namer *nm, azl_plan_error *err);

/* plan-guided.c */
bool reuse_existing(disk_work *w, azl_firmware fw);
uint64_t pv_capacity(uint64_t part_size, bool enc);
int plan_guided(const azl_model *m, const azl_machine *machine, azl_plan *plan, disk_work *w,
		size_t n, namer *nm, azl_plan_error *err);

/* plan-raid.c */
const azl_raid_spec *model_raid(const azl_storage *s, const char *name);
int check_raids(const azl_storage *s, azl_plan_error *err);
uint64_t raid_member_min(const azl_raid_spec *r);
int equalize_raid(const azl_raid_spec *r, disk_work *w, size_t n, azl_plan_error *err);
int plan_raids(const azl_storage *s, azl_plan *plan, disk_work *w, size_t n, namer *nm,
	       azl_plan_error *err);

/* plan-custom.c */
const azl_volume_group *model_vg(const azl_storage *s, const char *name, size_t *ret_index);
int resolve_boot_drive(const azl_model *m, const azl_machine *machine,
		       const azl_disk_info *const *disks, size_t n, size_t *ret,
		       azl_plan_error *err);
int plan_custom(const azl_model *m, const azl_machine *machine, azl_plan *plan, disk_work *w,
		size_t n, size_t boot_drive, namer *nm, azl_plan_error *err);

/* plan-actions.c */
void build_actions(azl_plan *p);
