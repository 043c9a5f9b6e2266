/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's identity: /etc/hostname, /etc/hosts, /etc/localtime (a
 * symlink into the target's own tzdata), /etc/locale.conf,
 * /etc/vconsole.conf, an empty /etc/machine-id (systemd fills it on first
 * boot) and the SELinux mode (/etc/selinux/config, /.autorelabel).
 */
#pragma once

#include "model.h"
#include "target.h"

/* Pure: the new /etc/hosts from the old one (NULL = none): localhost
 * lines kept or added, one "127.0.1.1 HOSTNAME" line. */
char *identity_hosts_text(const char *old, const char *hostname);
/* Pure: /etc/selinux/config with SELINUX= set to mode; other lines kept
 * (NULL old = a fresh file with SELINUXTYPE=targeted). */
char *identity_selinux_text(const char *old, azl_selinux mode);

int identity_apply(const azl_model *m, const azl_target *t);
/* Whether the target has a binary SELinux policy of the type its
 * /etc/selinux/config names. */
bool selinux_target_has_policy(const azl_target *t);
/* Labels the installed filesystems with the target's setfiles and policy
 * when SELinux is not disabled (Anaconda's restorecon pass) and removes
 * /.autorelabel; without setfiles or a policy, /.autorelabel stays.
 * Returns 0 or -errno. */
int selinux_label(const azl_model *m, const azl_target *t);
