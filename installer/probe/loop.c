/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "loop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Kernels before 5.8 know no LOOP_CONFIGURE: the two-step way. */
static int configure_old(int loop_fd, int file_fd, const struct loop_info64 *info)
{
	if (ioctl(loop_fd, LOOP_SET_FD, file_fd) < 0)
		return -errno;
	if (ioctl(loop_fd, LOOP_SET_STATUS64, info) < 0) {
		int r = -errno;
		(void)ioctl(loop_fd, LOOP_CLR_FD);
		return r;
	}
	return 0;
}

int loop_attach(const char *path, char **ret_dev)
{
	_cleanup_close_ int file_fd = open(path, O_RDWR | O_CLOEXEC);
	if (file_fd < 0)
		return log_error_errno(errno, "cannot open the image '%s'", path);
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return log_error_errno(errno, "cannot open /dev/loop-control");

	/* Another program may take the free device between GET_FREE and
	 * CONFIGURE: EBUSY then, and a new one is asked for. */
	for (int attempt = 0; attempt < 16; attempt++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			return log_error_errno(errno, "no free loop device for '%s'", path);
		_cleanup_free_ char *dev = xasprintf("/dev/loop%d", n);
		_cleanup_close_ int loop_fd = open(dev, O_RDWR | O_CLOEXEC);
		if (loop_fd < 0)
			return log_error_errno(errno, "cannot open '%s'", dev);

		struct loop_config cfg = {.fd = (__u32)file_fd};
		cfg.info.lo_flags = LO_FLAGS_PARTSCAN;
		strncpy((char *)cfg.info.lo_file_name, path, LO_NAME_SIZE - 1);
		int r = 0;
		if (ioctl(loop_fd, LOOP_CONFIGURE, &cfg) < 0) {
			r = -errno;
			if (r == -EINVAL || r == -ENOTTY)
				r = configure_old(loop_fd, file_fd, &cfg.info);
		}
		if (r == -EBUSY)
			continue;
		if (r < 0)
			return log_error_errno(r, "cannot attach '%s' to '%s'", path, dev);
		log_info("attached '%s' to %s", path, dev);
		*ret_dev = TAKE_PTR(dev);
		return 0;
	}
	return log_error_errno(EBUSY, "no free loop device for '%s'", path);
}

int loop_backing(const char *name, dev_t *ret_dev, ino_t *ret_ino, uint64_t *ret_offset)
{
	_cleanup_free_ char *attr = xasprintf("/sys/block/%s/loop/backing_file", name);
	_cleanup_free_ char *path = NULL;
	if (read_file_bounded(attr, 4096 + 16, &path, NULL) < 0)
		return -ENXIO; /* the attribute exists only while attached */
	/* The kernel's own record first: a path may since have been renamed
	 * or deleted, or name another file now. */
	_cleanup_free_ char *node = xasprintf("/dev/%s", name);
	_cleanup_close_ int fd = open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct loop_info64 info;
	if (fd >= 0 && ioctl(fd, LOOP_GET_STATUS64, &info) == 0) {
		*ret_dev = (dev_t)info.lo_device;
		*ret_ino = (ino_t)info.lo_inode;
		*ret_offset = info.lo_offset;
		return 0;
	}
	if (fd >= 0 && errno == ENXIO)
		return -ENXIO;
	path[strcspn(path, "\n")] = 0;
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	_cleanup_free_ char *off_attr = xasprintf("/sys/block/%s/loop/offset", name);
	_cleanup_free_ char *off = NULL;
	*ret_offset =
		read_file_bounded(off_attr, 64, &off, NULL) == 0 ? strtoull(off, NULL, 10) : 0;
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return 0;
}

char **loop_devices_of(dev_t dev, ino_t ino)
{
	char **v = NULL;
	DIR *d = opendir("/sys/block");
	if (!d)
		return NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!startswith(de->d_name, "loop"))
			continue;
		dev_t bdev;
		ino_t bino;
		uint64_t off;
		if (loop_backing(de->d_name, &bdev, &bino, &off) == 0 && bdev == dev && bino == ino)
			strv_push(&v, xstrdup(de->d_name));
	}
	closedir(d);
	return v;
}

int loop_devices_busy(dev_t dev, ino_t ino, const char *except, char **ret_name)
{
	_cleanup_strv_free_ char **loops = loop_devices_of(dev, ino);
	for (size_t i = 0; loops && loops[i]; i++) {
		if (streq_ptr(loops[i], except))
			continue;
		/* A mounted partition makes the whole device refuse too. */
		_cleanup_free_ char *node = xasprintf("/dev/%s", loops[i]);
		int fd = open(node, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno == EBUSY) {
			*ret_name = xstrdup(loops[i]);
			return 1;
		}
	}
	return 0;
}

/* QEMU's RAW_LOCK_PERM_BASE and RAW_LOCK_SHARED_BASE, each followed by one
 * byte per permission bit (PERM_FOREACH): consistent read 0x01, write 0x02,
 * write unchanged 0x04, resize 0x08, and 0x10 (graph mod in older QEMU); a
 * byte no QEMU uses costs nothing. */
static const off_t lock_ranges[] = {100, 200};
#define LOCK_BYTES 5

int image_lock(int fd)
{
	for (size_t i = 0; i < ELEMENTSOF(lock_ranges); i++) {
		struct flock fl = {
			.l_type = F_WRLCK,
			.l_whence = SEEK_SET,
			.l_start = lock_ranges[i],
			.l_len = LOCK_BYTES,
		};
		if (fcntl(fd, F_OFD_SETLK, &fl) < 0)
			return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
	}
	return 0;
}

int image_lock_test(int fd)
{
	for (size_t i = 0; i < ELEMENTSOF(lock_ranges); i++) {
		/* F_WRLCK conflicts with a lock of either kind: what QEMU's
		 * qemu_lock_fd_test() asks. */
		struct flock fl = {
			.l_type = F_WRLCK,
			.l_whence = SEEK_SET,
			.l_start = lock_ranges[i],
			.l_len = LOCK_BYTES,
		};
		if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
			return -errno;
		if (fl.l_type != F_UNLCK)
			return 1;
	}
	return 0;
}

int loop_detach(const char *dev)
{
	_cleanup_close_ int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The partitions' filesystems may still be releasing the device
	 * right after an unmount: a short retry on EBUSY. */
	for (int i = 0; i < 50; i++) {
		if (ioctl(fd, LOOP_CLR_FD) == 0) {
			log_info("detached %s", dev);
			return 0;
		}
		if (errno != EBUSY)
			return -errno;
		usleep(100 * 1000);
	}
	return -EBUSY;
}
