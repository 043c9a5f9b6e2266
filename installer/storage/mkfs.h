/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Making filesystems and swap with the tools every installer runs
 * (mkfs.ext4, mkfs.xfs, mkfs.vfat, mkswap), as processes with argv arrays.
 */
#pragma once

#include <stdint.h>

#include "model.h"

/* The argv that makes fs on device (label may be NULL; size in bytes
 * decides FAT32 for vfat). A strv for the caller to free. */
char **mkfs_argv(const char *device, azl_fs fs, const char *label, uint64_t size);
/* Runs it. Returns 0, -ENOENT when the tool is missing, -EIO when it
 * failed (its output is in the log). */
int mkfs_run(const char *device, azl_fs fs, const char *label, uint64_t size);

/* Makes btrfs subvolume name at the top of the btrfs on device (mounted
 * on a directory of its own for the time). */
int btrfs_subvolume_create(const char *device, const char *name);
