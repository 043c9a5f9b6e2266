/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the installed layout needs in its initramfs (block drivers from
 * sysfs, dm/md, file systems), whether the initramfs holds it, and
 * whether the firmware of the loaded modules is in the target.
 */
#pragma once

#include "target.h"

/* The modules the devices mounted at TARGET, TARGET/boot and TARGET/usr
 * need at boot, each with why (a person's words, same index), and the
 * disks without a controller of their own (loop, nbd: images). Reads
 * /proc/self/mountinfo and /sys. Returns 0 or -errno. */
int initramfs_needed_modules(const char *target, char ***ret_mods, char ***ret_whys,
			     char ***ret_images);
/* Pure: the module names (kernel spelling, '_') of lsinitrd's listing
 * under modules/KVER/. */
char **initramfs_listed_modules(const char *listing, const char *kver);
/* Lists IMAGE (a path in the target) with the target's lsinitrd in a
 * chroot and logs an error naming each of mods that it neither holds
 * nor the kernel KVER has built in. Returns 0, -ENOENT when one is
 * missing, or -errno. */
int initramfs_verify(const azl_target *t, const char *kver, const char *image, char *const *mods,
		     char *const *whys);
/* Logs a warning naming each loaded module (/proc/modules, or the
 * lines of loaded when not NULL: a module name first on each) whose
 * firmware files (the target's modinfo -k KVER -F firmware, in a chroot)
 * are not in the target's /usr/lib/firmware. Never fails the install:
 * returns 0. */
int initramfs_check_firmware(const azl_target *t, const char *kver, const char *loaded);
