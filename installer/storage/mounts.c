/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mounts.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* mkdir -p of what lies below target. The tree below is the freshly made
 * filesystem this installer mounted; a symlink there cannot exist yet, but
 * one is refused rather than followed. */
static int mkdir_below(const char *target, const char *rel)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", target, rel);
	size_t base = strlen(target) + 1;
	for (char *s = p + base;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		struct stat st;
		if (lstat(p, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return -ENOTDIR;
		} else if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = c;
		if (!c)
			break;
	}
	return 0;
}

int mount_target_fs(const char *device, azl_fs fs, const char *target, const char *where,
		    char **ret_path)
{
	return mount_target_fs_data(device, fs, target, where, NULL, ret_path);
}

int mount_target_fs_data(const char *device, azl_fs fs, const char *target, const char *where,
			 const char *data, char **ret_path)
{
	const char *rel = where;
	while (*rel == '/')
		rel++;
	_cleanup_free_ char *path = *rel ? xasprintf("%s/%s", target, rel) : xstrdup(target);
	if (*rel) {
		int r = mkdir_below(target, rel);
		if (r < 0)
			return log_error_errno(r, "cannot create the mount point '%s'", path);
	}
	if (mount(device, path, fs_to_string(fs), 0, data) < 0) {
		int r = errno;
		/* The ESP is written with mtools when the kernel cannot mount
		 * FAT (as on the build machines); the caller decides. */
		if (r == ENODEV && fs == AZL_FS_VFAT) {
			log_warning(
				"this kernel cannot mount vfat; '%s' stays unmounted and is written with mtools",
				device);
			return -ENODEV;
		}
		if (r == ENODEV)
			return log_error_errno(
				r, "cannot mount '%s' on '%s': this kernel has no %s filesystem",
				device, path, fs_to_string(fs));
		return log_error_errno(r, "cannot mount '%s' on '%s'", device, path);
	}
	log_info("mounted %s on %s (%s%s%s)", device, path, fs_to_string(fs), data ? " " : "",
		 data ? data : "");
	*ret_path = TAKE_PTR(path);
	return 0;
}

int unmount_path(const char *path)
{
	for (int i = 0; i < 20; i++) {
		if (umount2(path, UMOUNT_NOFOLLOW) == 0) {
			log_info("unmounted %s", path);
			return 0;
		}
		if (errno != EBUSY)
			return log_error_errno(errno, "cannot unmount '%s'", path);
		usleep(100 * 1000);
	}
	log_warning("'%s' is still busy; detaching it lazily", path);
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
		return log_error_errno(errno, "cannot unmount '%s'", path);
	return 0;
}
