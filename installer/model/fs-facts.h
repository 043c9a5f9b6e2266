/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One row per filesystem the installer makes: the program that makes it,
 * the package the target needs for it, how /etc/fstab mounts it, how long
 * its label may be. The planner (required tools and packages), mkfs.c,
 * fstab.c, validation and the TUI read these rows, so a new filesystem is
 * a row here plus its mkfs flags in storage/mkfs.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

typedef struct azl_fs_facts {
	azl_fs fs;
	const char *mkfs;    /* the program that makes it: "mkfs.ext4" */
	const char *package; /* the package that has it (Azure Linux names) */
	const char *options; /* fstab options when the answer file gives none */
	bool fsck;	     /* checked at boot (fstab pass 1 for /, else 2) */
	size_t label_max;    /* bytes of a label the answer file may give */
} azl_fs_facts;

/* The row of fs; NULL for AZL_FS_NONE. */
const azl_fs_facts *fs_facts(azl_fs fs);
/* The row whose program is tool ("mkfs.xfs", "mkswap"), or NULL. */
const azl_fs_facts *fs_facts_by_tool(const char *tool);
/* The filesystem a mount point gets when nobody chose one: swap for
 * "swap", vfat for /boot/efi, ext4 for everything else. */
azl_fs fs_default_for_mount(const char *mount);
