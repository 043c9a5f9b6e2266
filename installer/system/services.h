/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Enabling and disabling units in the target without systemctl: the
 * symlinks `systemctl enable` would make, computed from the [Install]
 * section of each unit file found in the target (WantedBy=, RequiredBy=,
 * Alias=, Also=, DefaultInstance=).
 */
#pragma once

#include "model.h"
#include "target.h"

typedef struct azl_unit_install {
	char **wanted_by;
	char **required_by;
	char **alias;
	char **also;
	char *default_instance;
} azl_unit_install;
void unit_install_done(azl_unit_install *u);

/* Pure: reads the [Install] section of a unit file's text. */
void unit_install_parse(const char *text, azl_unit_install *ret);
/* Pure: "sshd" -> "sshd.service"; names with a unit suffix stay. */
char *unit_name_normalize(const char *name);
/* Pure: the links that enable unit (an instance name for templates)
 * whose file is unit_path (absolute in the target, "/usr/lib/...").
 * Returns a strv of pairs: link path relative to the root, then its
 * target; NULL when the unit has nothing to install. */
char **unit_enable_links(const char *unit, const char *unit_path, const azl_unit_install *in);

int services_apply(const azl_model *m, const azl_target *t);
