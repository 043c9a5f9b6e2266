/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "chroot.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Recursive binds (rbind) would drag the host's own submounts (the
 * installer's target itself lives under /run) into the target; plain
 * binds of each API file system are enough for the tools, and efivarfs is
 * bound on its own so efibootmgr can write NVRAM entries. */
static const char *const api_dirs[] = {
	"/dev", "/dev/pts", "/proc", "/sys", "/sys/firmware/efi/efivars", "/run",
};

static bool is_mountpoint_dir(const char *path)
{
	struct stat st, parent;
	_cleanup_free_ char *up = xasprintf("%s/..", path);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || stat(up, &parent) < 0)
		return false;
	return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
}

int chroot_mount(const char *root, azl_chroot_mounts *ret)
{
	azl_chroot_mounts c = {0};
	for (size_t i = 0; i < ELEMENTSOF(api_dirs); i++) {
		const char *src = api_dirs[i];
		/* Optional ones only when the host has them mounted. */
		bool optional = strcmp(src, "/dev/pts") == 0 ||
				strcmp(src, "/sys/firmware/efi/efivars") == 0;
		if (optional && !is_mountpoint_dir(src))
			continue;
		_cleanup_free_ char *dst = xasprintf("%s%s", root, src);
		/* A symlink in the target (run -> /etc) must not turn a bind
		 * mount into one over the host's own directories. */
		struct stat st;
		if (lstat(dst, &st) == 0 && S_ISLNK(st.st_mode)) {
			int r = log_error_errno(ELOOP, "'%s' is a symlink", dst);
			chroot_umount(&c);
			return r;
		}
		if (mkdir(dst, 0755) < 0 && errno != EEXIST) {
			int r = log_error_errno(errno, "cannot create '%s'", dst);
			chroot_umount(&c);
			return r;
		}
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
			int r = log_error_errno(errno, "cannot bind '%s' to '%s'", src, dst);
			chroot_umount(&c);
			return r;
		}
		log_debug("bound %s to %s", src, dst);
		strv_push(&c.mounted, TAKE_PTR(dst));
	}
	*ret = c;
	return 0;
}

int chroot_umount(azl_chroot_mounts *c)
{
	if (!c)
		return 0;
	int first = 0;
	for (size_t n = strv_length(c->mounted); n > 0; n--) {
		const char *p = c->mounted[n - 1];
		if (umount2(p, 0) < 0 && umount2(p, MNT_DETACH) < 0) {
			int r = log_error_errno(errno, "cannot unmount '%s'", p);
			if (!first)
				first = r;
		}
	}
	strv_free(c->mounted);
	c->mounted = NULL;
	return first;
}
