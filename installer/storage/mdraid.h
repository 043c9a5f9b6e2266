/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux software RAID through mdadm, as blivet runs it: mdadm --create
 * --run, then --detail for the array's UUID and its mdadm.conf line,
 * --stop in teardown. The live environment has no udev: mdadm makes the
 * /dev/md nodes itself, and the installer waits for them.
 */
#pragma once

#include <stdbool.h>

typedef struct azl_mdraid_create {
	const char *device; /* /dev/md/NAME */
	const char *name;   /* NAME (mdadm --name) */
	int level;	    /* 1, 5, 6, 10 */
	const char *metadata;
	char *const *members; /* active members, then spares */
	int spares;
} azl_mdraid_create;

/* mdadm's argv for c (strv, for the log and for tests). */
char **mdraid_create_argv(const azl_mdraid_create *c);
/* Creates and starts the array and waits up to 10 s for its node.
 * Returns 0 or -errno. */
int mdraid_create(const azl_mdraid_create *c);
/* The array's UUID as mdadm prints it (8:8:8:8 hex), for rd.md.uuid=,
 * and its `mdadm --detail --brief` line for mdadm.conf (allocated). */
int mdraid_detail(const char *device, char **ret_uuid, char **ret_brief);
/* mdadm --stop. */
int mdraid_stop(const char *device);
/* The ARRAY line of mdadm.conf for the array called name from mdadm's
 * brief line: the device as /dev/md/NAME (not the live environment's
 * md127), the rest as mdadm printed it (metadata=, UUID=, name=).
 * Allocated; NULL when brief has no UUID=. */
char *mdraid_conf_line(const char *brief, const char *name);
