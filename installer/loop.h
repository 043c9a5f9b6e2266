/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loop devices for disk images: the installer attaches an image file
 * itself (LOOP_CTL_GET_FREE + LOOP_CONFIGURE with partition scanning), so
 * an install into an image needs neither losetup nor udev, and detaches it
 * at the end.
 */
#pragma once

#include <stdbool.h>

/* Attaches the regular file path read-write to a free loop device with
 * LO_FLAGS_PARTSCAN. *ret_dev gets "/dev/loopN" (owned by the caller).
 * Returns 0 or -errno. */
int loop_attach(const char *path, char **ret_dev);
/* Detaches /dev/loopN (LOOP_CLR_FD). -ENXIO when it was not attached. */
int loop_detach(const char *dev);
