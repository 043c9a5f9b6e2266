/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turning a tree of installed packages into the system the answer file
 * describes: accounts, identity (hostname, locale, keyboard, time zone,
 * machine-id), network (libnm keyfiles or systemd-networkd files),
 * services, SELinux mode. Every file goes through target.h (a directory
 * fd of the root, atomic writes). The boot loader is apply-bootloader.h.
 */
#pragma once

#include "apply-storage.h"
#include "model.h"
#include "plan.h"
#include "target.h"

/* st is NULL for `install --root DIR` (no disks). Returns 0 or -errno. */
int system_apply(const azl_model *m, const azl_target *t, const azl_installed_storage *st);
/* Pure: chrony.conf text for ntp: old without its server and pool
 * lines, "server X iburst" for each of servers, then "pool X iburst" for
 * each of pools, where the first dropped line was (at the end when there
 * was none); every other line kept as it was. */
char *ntp_chrony_conf(const char *old, char *const *servers, char *const *pools);
/* Pure: a systemd-timesyncd drop-in ("[Time]\nNTP=...") for the same. */
char *ntp_timesyncd_conf(char *const *servers, char *const *pools);

/* Runs the model's scripts of one kind: pre (live environment, before
 * storage; root NULL), post (in the target when chroot: true) and error
 * (after a failure). Output goes to the install log. A failing script
 * fails the phase unless it says ignore_errors. */
int scripts_run(const azl_model *m, azl_script_when when, const char *root);
