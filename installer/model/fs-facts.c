/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fs-facts.h"

#include <string.h>

#include "util.h"

/* xfs, btrfs and swap are never checked at boot: fsck.xfs and fsck.btrfs
 * do nothing (Fedora writes "0 0" for btrfs). */
static const azl_fs_facts rows[] = {
	{AZL_FS_EXT4, "mkfs.ext4", "e2fsprogs", "defaults", true, 16},
	{AZL_FS_XFS, "mkfs.xfs", "xfsprogs", "defaults", false, 12},
	{AZL_FS_VFAT, "mkfs.vfat", "dosfstools", "umask=0077,shortname=winnt", true, 11},
	{AZL_FS_SWAP, "mkswap", "util-linux", "defaults", false, 16},
	{AZL_FS_BTRFS, "mkfs.btrfs", "btrfs-progs", "defaults", false, 255},
};

const azl_fs_facts *fs_facts(azl_fs fs)
{
	for (size_t i = 0; i < ELEMENTSOF(rows); i++)
		if (rows[i].fs == fs)
			return &rows[i];
	return NULL;
}

const azl_fs_facts *fs_facts_by_tool(const char *tool)
{
	for (size_t i = 0; i < ELEMENTSOF(rows); i++)
		if (streq_ptr(rows[i].mkfs, tool))
			return &rows[i];
	return NULL;
}

azl_fs fs_default_for_mount(const char *mount)
{
	if (streq_ptr(mount, "swap"))
		return AZL_FS_SWAP;
	if (streq_ptr(mount, "/boot/efi"))
		return AZL_FS_VFAT;
	return AZL_FS_EXT4;
}
