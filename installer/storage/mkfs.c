/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mkfs.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fs-facts.h"
#include "log.h"
#include "spawn.h"
#include "util.h"

#define MIB ((uint64_t)1024 * 1024)

char **mkfs_argv(const char *device, azl_fs fs, const char *label, uint64_t size)
{
	char **v = NULL;
	switch (fs) {
	case AZL_FS_EXT4:
		/* -F: the device was just wiped; never ask. */
		strv_push(&v, xstrdup(fs_facts(fs)->mkfs));
		strv_push(&v, xstrdup("-F"));
		strv_push(&v, xstrdup("-q"));
		if (label) {
			strv_push(&v, xstrdup("-L"));
			strv_push(&v, xstrndup(label, 16));
		}
		break;
	case AZL_FS_XFS:
		strv_push(&v, xstrdup(fs_facts(fs)->mkfs));
		strv_push(&v, xstrdup("-f"));
		strv_push(&v, xstrdup("-q"));
		if (label) {
			strv_push(&v, xstrdup("-L"));
			strv_push(&v, xstrndup(label, 12));
		}
		break;
	case AZL_FS_BTRFS:
		strv_push(&v, xstrdup(fs_facts(fs)->mkfs));
		strv_push(&v, xstrdup("-f"));
		strv_push(&v, xstrdup("-q"));
		if (label) {
			strv_push(&v, xstrdup("-L"));
			strv_push(&v, xstrndup(label, 255));
		}
		break;
	case AZL_FS_VFAT:
		strv_push(&v, xstrdup(fs_facts(fs)->mkfs));
		/* UEFI wants FAT32 on an ESP; it needs about 260 MiB with
		 * 4 KiB clusters, smaller partitions get what fits. */
		if (size >= 260 * MIB) {
			strv_push(&v, xstrdup("-F"));
			strv_push(&v, xstrdup("32"));
		}
		if (label) {
			strv_push(&v, xstrdup("-n"));
			strv_push(&v, xstrndup(label, 11));
		}
		break;
	case AZL_FS_SWAP:
		strv_push(&v, xstrdup(fs_facts(fs)->mkfs));
		if (label) {
			strv_push(&v, xstrdup("-L"));
			strv_push(&v, xstrndup(label, 15));
		}
		break;
	case AZL_FS_NONE:
		return NULL;
	}
	strv_push(&v, xstrdup(device));
	return v;
}

int mkfs_run(const char *device, azl_fs fs, const char *label, uint64_t size)
{
	_cleanup_strv_free_ char **argv = mkfs_argv(device, fs, label, size);
	if (!argv)
		return -EINVAL;
	return spawn_check(argv, &(azl_spawn_opts){0});
}

int btrfs_subvolume_create(const char *device, const char *name)
{
	char dir[] = "/tmp/azl-btrfs-XXXXXX";
	if (!mkdtemp(dir))
		return log_error_errno(errno, "cannot make a directory to mount '%s' on", device);
	int r = 0;
	if (mount(device, dir, "btrfs", 0, NULL) < 0) {
		r = log_error_errno(errno, "cannot mount '%s' (btrfs)", device);
		(void)rmdir(dir);
		return r;
	}
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	char *argv[] = {(char *)"btrfs", (char *)"subvolume", (char *)"create", path, NULL};
	r = spawn_check(argv, &(azl_spawn_opts){0});
	if (r >= 0)
		log_info("made btrfs subvolume '%s' on %s", name, device);
	if (umount2(dir, 0) < 0) {
		int e = errno;
		/* Never leave it mounted: nothing else knows of this mount. */
		(void)umount2(dir, MNT_DETACH);
		if (r >= 0)
			r = log_error_errno(e, "cannot unmount '%s'", dir);
	}
	(void)rmdir(dir);
	return r;
}
