/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's API file systems inside the target, for tools that run
 * chrooted there (post scripts, dracut, grub2-install, efibootmgr): /dev,
 * /proc, /sys (and efivarfs when the host has it) and /run are bind
 * mounted into the target and unmounted again, in reverse order.
 *
 * Ownership: the caller owns the azl_chroot_mounts and calls
 * chroot_umount() on it, which accepts one that mounted nothing.
 */
#pragma once

typedef struct azl_chroot_mounts {
	char **mounted; /* absolute paths, in mount order */
} azl_chroot_mounts;

/* Bind mounts /dev, /proc, /sys, /run into root. On failure everything
 * mounted so far is unmounted again. Returns 0 or -errno. */
int chroot_mount(const char *root, azl_chroot_mounts *ret);
/* Unmounts in reverse order (lazily when busy). Returns 0 or the first
 * -errno; goes on after errors. */
int chroot_umount(azl_chroot_mounts *c);
