/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* Every lookup inside the target is resolved as if root were "/": ".."
 * and absolute symlinks stay inside it. */
static int open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int target_open(const char *root, azl_target *ret)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char *abs = realpath(root, NULL);
	if (!abs) {
		int r = -errno;
		close(fd);
		return r;
	}
	*ret = (azl_target){.root = abs, .fd = fd};
	return 0;
}

void target_close(azl_target *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	free(t->root);
	*t = (azl_target){.fd = -1};
}

int target_openat(const azl_target *t, const char *relpath, int flags, mode_t mode)
{
	return open_in_root(t->fd, relpath, flags, mode);
}

/* Splits "etc/ssh/sshd_config" into an fd of etc/ssh (inside the root)
 * and "sshd_config". */
static int open_parent(const azl_target *t, const char *relpath, const char **ret_name)
{
	while (*relpath == '/')
		relpath++;
	const char *slash = strrchr(relpath, '/');
	const char *name = slash ? slash + 1 : relpath;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	_cleanup_free_ char *dir =
		slash ? xstrndup(relpath, (size_t)(slash - relpath)) : xstrdup(".");
	*ret_name = name;
	return open_in_root(t->fd, dir, O_PATH | O_DIRECTORY, 0);
}

int target_mkdir_p(const azl_target *t, const char *relpath, mode_t mode)
{
	_cleanup_free_ char *path = xstrdup(relpath);
	char *p = path;
	while (*p == '/')
		p++;
	for (char *s = p;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (*p) {
			const char *name;
			_cleanup_close_ int dfd = open_parent(t, p, &name);
			if (dfd < 0)
				return dfd;
			if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST)
				return -errno;
		}
		*s = saved;
		if (!saved)
			break;
	}
	return 0;
}

int target_write_file(const azl_target *t, const char *relpath, const char *content, size_t len,
		      mode_t mode, uid_t uid, gid_t gid)
{
	const char *name;
	int dfd = open_parent(t, relpath, &name);
	if (dfd < 0)
		return dfd;
	_cleanup_free_ char *tmp = NULL;
	int fd = -1;
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		free(tmp);
		tmp = xasprintf(".#%s.%x%04x", name, (unsigned)getpid(),
				(unsigned)random() & 0xffff);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	int r = fd < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, content, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && uid != (uid_t)-1 && fchown(fd, uid, gid) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	/* rename replaces a symlink at name itself, never its target. */
	if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
	if (r < 0 && fd >= 0)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return r;
}

int target_read_file(const azl_target *t, const char *relpath, size_t max, char **ret,
		     size_t *ret_len)
{
	/* O_NONBLOCK and regular files only: a FIFO or device planted in
	 * the target must not hang the install or be read. */
	_cleanup_close_ int fd = open_in_root(t->fd, relpath, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	return read_fd_bounded(fd, max, true, ret, ret_len);
}

bool target_exists(const azl_target *t, const char *relpath)
{
	_cleanup_close_ int fd = open_in_root(t->fd, relpath, O_PATH, 0);
	return fd >= 0;
}

int target_symlink(const azl_target *t, const char *dest, const char *relpath)
{
	const char *name;
	_cleanup_close_ int dfd = open_parent(t, relpath, &name);
	if (dfd < 0)
		return dfd;
	_cleanup_free_ char *tmp = xasprintf(".#%s.%x", name, (unsigned)getpid());
	unlinkat(dfd, tmp, 0);
	if (symlinkat(dest, dfd, tmp) < 0)
		return -errno;
	if (renameat(dfd, tmp, dfd, name) < 0) {
		int r = -errno;
		unlinkat(dfd, tmp, 0);
		return r;
	}
	return 0;
}

char *target_path(const azl_target *t, const char *relpath)
{
	while (*relpath == '/')
		relpath++;
	return xasprintf("%s/%s", t->root, relpath);
}

int target_mounts(const char *root, target_mount **ret, size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	size_t rn = strlen(root);
	while (rn > 0 && root[rn - 1] == '/')
		rn--; /* "/" is the empty prefix */
	FILE *f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return -errno;
	target_mount *v = NULL;
	size_t n = 0, cap = 0;
	struct mntent *me;
	while ((me = getmntent(f))) {
		const char *d = me->mnt_dir;
		if (strncmp(d, root, rn) != 0 || (d[rn] != '/' && d[rn] != '\0'))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = (target_mount){
			.dir = xstrdup(d),
			.in = xstrdup(d[rn] && d[rn + 1] ? d + rn : "/"),
			.type = xstrdup(me->mnt_type),
			.ro = hasmntopt(me, "ro") != NULL,
		};
	}
	endmntent(f);
	/* root itself first (a later mount over it hides the earlier one,
	 * so the last of several wins) */
	for (size_t i = n; i-- > 0;)
		if (strcmp(v[i].in, "/") == 0) {
			target_mount m = v[i];
			memmove(v + 1, v, i * sizeof(*v));
			v[0] = m;
			break;
		}
	*ret = v;
	*ret_n = n;
	return 0;
}

void target_mounts_free(target_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].dir);
		free(m[i].in);
		free(m[i].type);
	}
	free(m);
}
