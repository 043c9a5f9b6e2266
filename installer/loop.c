/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* Kernels before 5.8 know no LOOP_CONFIGURE: the two-step way. */
static int configure_old(int loop_fd, int file_fd,
			 const struct loop_info64 *info)
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
	__attribute__((cleanup(closep))) int file_fd =
		open(path, O_RDWR | O_CLOEXEC);
	if (file_fd < 0)
		return log_error_errno(errno, "cannot open the image '%s'",
				       path);
	__attribute__((cleanup(closep))) int ctl =
		open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return log_error_errno(errno, "cannot open /dev/loop-control");

	/* Another program may take the free device between GET_FREE and
	 * CONFIGURE: EBUSY then, and a new one is asked for. */
	for (int attempt = 0; attempt < 16; attempt++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			return log_error_errno(
				errno, "no free loop device for '%s'", path);
		_cleanup_free_ char *dev = xasprintf("/dev/loop%d", n);
		__attribute__((cleanup(closep))) int loop_fd =
			open(dev, O_RDWR | O_CLOEXEC);
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
			return log_error_errno(r, "cannot attach '%s' to '%s'",
					       path, dev);
		log_info("attached '%s' to %s", path, dev);
		*ret_dev = TAKE_PTR(dev);
		return 0;
	}
	return log_error_errno(EBUSY, "no free loop device for '%s'", path);
}

int loop_detach(const char *dev)
{
	__attribute__((cleanup(closep))) int fd = open(dev, O_RDWR | O_CLOEXEC);
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
