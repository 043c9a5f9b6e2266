/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loop devices for disk images: the installer attaches an image file
 * itself (LOOP_CTL_GET_FREE + LOOP_CONFIGURE with partition scanning), so
 * an install into an image needs neither losetup nor udev, and detaches it
 * at the end.
 *
 * QEMU's image lock: while QEMU (a VM, qemu-img, qemu-nbd) uses a disk
 * image it holds open file description locks (fcntl F_OFD_SETLK) on single
 * bytes of it, block/file-posix.c's convention: byte 100 + i when it holds
 * permission bit i (consistent read, write, write-unchanged, resize), byte
 * 200 + i when it does not share it, and it refuses an image where another
 * holder's bytes conflict. The installer takes write locks on all of those
 * bytes: they succeed only when nobody holds any, and QEMU then refuses the
 * image as long as the installer writes to it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Attaches the regular file path read-write to a free loop device with
 * LO_FLAGS_PARTSCAN. *ret_dev gets "/dev/loopN" (owned by the caller).
 * Returns 0 or -errno. */
int loop_attach(const char *path, char **ret_dev);
/* The file behind loop device `name` ("loop3"): its st_dev, st_ino and the
 * offset the device starts at. -ENXIO when nothing is attached. */
int loop_backing(const char *name, dev_t *ret_dev, ino_t *ret_ino, uint64_t *ret_offset);
/* Every loop device ("loop3", ...) attached to the file with st_dev dev and
 * st_ino ino, at any offset and size limit; NULL when none (strv owned by
 * the caller). */
char **loop_devices_of(dev_t dev, ino_t ino);
/* The first loop device of loop_devices_of(dev, ino) other than `except`
 * (NULL: none excepted) that the kernel will not open O_EXCL: mounted,
 * holding a mounted partition, or held by another program. 1 with
 * *ret_name set (owned by the caller), 0 when there is none. */
int loop_devices_busy(dev_t dev, ino_t ino, const char *except, char **ret_name);

/* Takes QEMU's lock bytes of the image open (read-write) at fd, as a writer
 * that shares nothing. The locks belong to the open file description and
 * go with its last close. -EBUSY when another program holds any of them. */
int image_lock(int fd);
/* Whether another program holds QEMU's lock bytes of the image open at fd
 * (any mode): 1 yes, 0 no, or -errno. Takes no lock. */
int image_lock_test(int fd);

/* Detaches /dev/loopN (LOOP_CLR_FD). -ENXIO when it was not attached. */
int loop_detach(const char *dev);
