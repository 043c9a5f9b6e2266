/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "part-nodes.h"

#include <errno.h>
#include <linux/blkpg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

char *part_node_name(const char *disk, int number)
{
	size_t l = strlen(disk);
	bool digit = l > 0 && disk[l - 1] >= '0' && disk[l - 1] <= '9';
	return xasprintf("%s%s%d", disk, digit ? "p" : "", number);
}

static bool node_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISBLK(st.st_mode);
}

/* devtmpfs makes the node right after the kernel adds the partition;
 * a short wait covers the gap. */
static bool wait_node(const char *path, int tenths)
{
	for (int i = 0; i < tenths; i++) {
		if (node_exists(path))
			return true;
		usleep(100 * 1000);
	}
	return node_exists(path);
}

static int ensure(int disk_fd, const char *disk, int number, uint64_t start, uint64_t size,
		  int tenths, char **ret)
{
	_cleanup_free_ char *node = part_node_name(disk, number);
	if (!wait_node(node, tenths)) {
		log_info("no node %s after the commit; adding partition %d with BLKPG", node,
			 number);
		struct blkpg_partition part = {
			.start = (long long)start,
			.length = (long long)size,
			.pno = number,
		};
		struct blkpg_ioctl_arg arg = {
			.op = BLKPG_ADD_PARTITION,
			.datalen = sizeof(part),
			.data = &part,
		};
		if (ioctl(disk_fd, BLKPG, &arg) < 0 && errno != EBUSY)
			return log_error_errno(errno,
					       "cannot add partition %d of '%s' to the kernel",
					       number, disk);
		if (!wait_node(node, 50))
			return log_error_errno(ENODEV, "the node '%s' did not appear", node);
	}
	*ret = TAKE_PTR(node);
	return 0;
}

int part_node_ensure(int disk_fd, const char *disk, int number, uint64_t start, uint64_t size,
		     char **ret)
{
	return ensure(disk_fd, disk, number, start, size, 20, ret);
}

int part_node_ensure_existing(int disk_fd, const char *disk, int number, uint64_t start,
			      uint64_t size, char **ret)
{
	return ensure(disk_fd, disk, number, start, size, 1, ret);
}
