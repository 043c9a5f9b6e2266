/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turning a tree of installed packages into the system the answer file
 * describes: accounts, identity (hostname, locale, keyboard, time zone,
 * machine-id), network (libnm keyfiles or systemd-networkd files),
 * services, SELinux mode; and the boot loader. Every file goes through
 * target.h (a directory fd of the root, atomic writes).
 */
#pragma once

#include "apply-storage.h"
#include "model.h"
#include "plan.h"
#include "target.h"

/* st is NULL for `install --root DIR` (no disks). Returns 0 or -errno. */
int system_apply(const azl_model *m, const azl_target *t,
		 const azl_installed_storage *st);
/* Kernel, initramfs, BLS entries, grub.cfg, GRUB for BIOS or UEFI. */
int bootloader_apply(const azl_model *m, const azl_plan *p, const azl_target *t,
		     const azl_installed_storage *st);
/* Runs the model's scripts of one kind: pre (live environment, before
 * storage; root NULL), post (in the target when chroot: true) and error
 * (after a failure). Output goes to the install log. A failing script
 * fails the phase unless it says ignore_errors. */
int scripts_run(const azl_model *m, azl_script_when when, const char *root);
