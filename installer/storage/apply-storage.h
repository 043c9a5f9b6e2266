/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Carrying out the storage part of a plan: attach disk images to loop
 * devices, lock every whole disk (flock), wipe old signatures (libblkid),
 * write partition tables (libparted), LUKS2 (libcryptsetup), LVM (lvm2
 * tools), filesystems (mkfs.*), mount the target tree, write fstab and
 * crypttab. Everything it opens or activates is recorded in the state so
 * storage_teardown() can undo it in reverse, after success and after a
 * failure alike.
 */
#pragma once

#include <stdbool.h>

#include "model.h"
#include "plan.h"

/* What later phases need to know about the storage that was made. */
typedef struct azl_installed_storage {
	char *target;	   /* where the target's / is mounted */
	char *root_device; /* /dev/mapper/vg_azl-lv_root, /dev/loop0p4 */
	char *root_uuid;   /* filesystem UUID of / */
	azl_fs root_fs;
	char *root_subvol; /* btrfs: the subvolume on /, for rootflags= */
	char *boot_uuid;   /* filesystem UUID of /boot; NULL if on / */
	char *esp_device;  /* NULL on BIOS */
	char *esp_uuid;
	char **luks_uuids; /* LUKS container UUIDs, for rd.luks.uuid= */
	char **lvm_lvs;	   /* "vg_azl/lv_root", ... for rd.lvm.lv= */
	char *swap_device; /* for resume=; NULL without swap */
	char *boot_disk;   /* whole disk for BIOS grub-install (the loop
			      device for an image) */
	char **disks;	   /* every whole disk used (loop devices for images) */
	/* Software RAID: the arrays' UUIDs (mdadm's 8:8:8:8 form) for
	 * rd.md.uuid= (every array: the initramfs assembles them all, see
	 * docs/storage.md), written to the target's /etc/mdadm.conf too; the
	 * other disks that get the boot loader (plan->mirror_boot_disks, as
	 * devices); the member partitions of a mirrored ESP, for an NVRAM
	 * entry each. */
	char **md_uuids;
	char **mirror_boot_disks;
	char **esp_members;
	/* The devices of luks_uuids, in the same order; whether a TPM2 key
	 * is enrolled in each (storage.encryption.tpm2); whether clevis binds
	 * each to tang servers (storage.encryption.tang), and to more than
	 * one (the sss pin). */
	char **luks_devices;
	bool luks_tpm2;
	bool luks_tang;
	bool luks_tang_sss;
} azl_installed_storage;

typedef struct azl_storage_state azl_storage_state;
typedef struct azl_run_ctx azl_run_ctx;

/* Carries out every storage action of plan (the actions up to and
 * including the mounts) and mounts the target at target_dir. Passphrases
 * come from m. On failure the state is still returned in *ret (for
 * storage_teardown) and the error is logged. Between steps it checks
 * ctx's cancel flag (run.h; NULL: SIGINT/SIGTERM only) and stops with
 * -EINTR. Returns 0 or -errno. */
int storage_apply(const azl_run_ctx *ctx, const azl_plan *plan, const azl_model *m,
		  const char *target_dir, azl_storage_state **ret);
const azl_installed_storage *storage_result(const azl_storage_state *st);
/* Whether storage_apply() failed because a disk is in use (mounted, held,
 * locked by QEMU) before anything was written: exit 2, not 3. */
bool storage_refused(const azl_storage_state *st);
/* The passphrase of storage.encryption (passphrase or passphrase_file, one
 * trailing newline dropped) into *ret, which the caller frees. Returns 0 or
 * -errno (logged). */
int storage_passphrase(const azl_model *m, azl_secret **ret);
/* Unmounts, swapoff, closes LUKS, deactivates VGs, releases locks,
 * detaches loop devices, in reverse order; frees st. Accepts NULL.
 * Returns 0 or the first -errno (and goes on after errors). */
int storage_teardown(azl_storage_state *st);
