/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the installed layout needs in its initramfs (block drivers from
 * sysfs, dm/md, file systems), whether the initramfs holds it, and
 * whether the firmware of the loaded modules is in the target.
 */
#pragma once

#include <stdbool.h>

#include "target.h"

/* The modules the devices mounted at TARGET, TARGET/boot and TARGET/usr
 * need at boot, each with why (a person's words, same index), and the
 * disks without a controller of their own (loop, nbd: images). Reads
 * /proc/self/mountinfo and /sys. Returns 0 or -errno. */
int initramfs_needed_modules(const char *target, char ***ret_mods, char ***ret_whys,
			     char ***ret_images);
/* The modules of the drivers bound from every whole disk of this machine
 * (SYSFS/class/block; SYSFS is "/sys" or another mount of sysfs) up to
 * the root of the device tree: each disk controller's, with the disk's
 * and the buses' above it, each once, in the order of the disks' names;
 * *ret_whys names the first disk of each (same index). Partitions are
 * their disk's; a disk without a device (loop, ram, zram, nbd, dm, md)
 * has no controller. Drivers built into the kernel have no module and
 * are not listed. Returns 0 or -errno (not logged: SYSFS/class/block
 * cannot be listed). */
int initramfs_controller_modules(const char *sysfs, char ***ret_mods, char ***ret_whys);
/* The same for the network interfaces of SYSFS/class/net that have a
 * device (not lo, bridges, VLANs): the NIC drivers a network-bound unlock
 * (tang) needs in the initramfs. */
int initramfs_nic_modules(const char *sysfs, char ***ret_mods, char ***ret_whys);
/* The modules the kernel KVER of the target has, loadable
 * (modules.dep) or built in (modules.builtin); NULL when it lists
 * neither. */
char **initramfs_kernel_modules(const azl_target *t, const char *kver);
/* Pure: the module names (kernel spelling, '_') of lsinitrd's listing
 * under modules/KVER/. */
char **initramfs_listed_modules(const char *listing, const char *kver);
/* Lists IMAGE (a path in the target) with the target's lsinitrd in a
 * chroot and logs an error naming each of mods that it neither holds
 * nor the kernel KVER has built in; a warning only for each of extras
 * (the drivers of disks the layout does not use; NULL: none) that is
 * missing. Returns 0, -ENOENT when one of mods is missing, or -errno. */
int initramfs_verify(const azl_target *t, const char *kver, const char *image, char *const *mods,
		     char *const *whys, char *const *extras, char *const *extra_whys);
/* Loop devices and NBD (qemu-nbd) stand for an image of another machine. */
bool initramfs_image_disk(const char *dev);
/* The loaded modules of the machine that boots the installed disk, as
 * /proc/modules lists them (a module name first on each line), in *ret
 * (owned by the caller): /proc/modules when this machine boots it
 * (own_firmware, and boot_disk is no image); NULL when that machine is
 * unknown (a disk image, another machine's disk) or its kernel has no
 * modules. AZL_PROC_MODULES (a testing aid, docs/architecture.md): a file
 * read instead, also for a disk image. Returns 0 or -errno. */
int firmware_boot_modules(const char *boot_disk, bool own_firmware, char **ret);
/* The firmware files the modules of loaded (the format above) name, per
 * the target's modinfo of every kernel in the target (in a chroot; needs
 * no /dev), that are under neither NAME nor NAME.xz/.zst in the target's
 * /usr/lib/firmware: *ret, "/usr/lib/firmware/NAME" each once (NULL:
 * none). Returns 0, or -errno when modinfo cannot be asked (logged as a
 * warning). */
int firmware_missing(const azl_target *t, const char *loaded, char ***ret);
/* Logs a warning naming each loaded module (the machine's, as
 * firmware_boot_modules() finds them for a machine that boots the disk,
 * or the lines of loaded when not NULL) whose firmware files (the
 * target's modinfo -k KVER -F firmware, in a chroot) are not in the
 * target's /usr/lib/firmware. Never fails the install: returns 0. */
int initramfs_check_firmware(const azl_target *t, const char *kver, const char *loaded);
