/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Partition device nodes without udev. libparted's commit tells the
 * kernel about each partition (BLKPG) and devtmpfs makes the node; this
 * waits for it and, where the commit did not reach the kernel, adds the
 * partition with BLKPG_ADD_PARTITION itself.
 */
#pragma once

#include <stdint.h>

/* "/dev/vda" + 1 → "/dev/vda1"; "/dev/loop0" + 1 → "/dev/loop0p1". */
char *part_node_name(const char *disk, int number);
/* Makes sure the node of partition number (start and size in bytes) of
 * the whole disk open as disk_fd exists and is a block device. *ret gets
 * its path. Returns 0 or -errno. */
int part_node_ensure(int disk_fd, const char *disk, int number, uint64_t start, uint64_t size,
		     char **ret);
/* The same for a partition that was there before: the kernel's scan (or
 * its absence: kernels without a GPT parser) is over, so no waiting. */
int part_node_ensure_existing(int disk_fd, const char *disk, int number, uint64_t start,
			      uint64_t size, char **ret);
