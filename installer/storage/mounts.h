/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mounting the target tree with mount(2) and taking it down again.
 */
#pragma once

#include "model.h"

/* Mounts device (fs) on target + mount ("/", "/boot", ...), creating the
 * mount point. *ret_path gets the absolute path. Returns 0 or -errno;
 * -ENODEV (only logged as a warning) for vfat on a kernel without FAT. */
int mount_target_fs(const char *device, azl_fs fs, const char *target, const char *mount,
		    char **ret_path);
/* Unmounts path; a busy filesystem is retried briefly, then detached
 * lazily (and that is logged). Returns 0 or -errno. */
/* Like mount_target_fs, with mount(2) data ("subvol=root,compress=zstd:1"
 * for a btrfs subvolume); data may be NULL. */
int mount_target_fs_data(const char *device, azl_fs fs, const char *target, const char *where,
			 const char *data, char **ret_path);
int unmount_path(const char *path);
