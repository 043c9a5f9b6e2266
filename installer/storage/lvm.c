/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lvm.h"

#include <inttypes.h>

#include "log.h"
#include "spawn.h"
#include "util.h"

/* No udev in the live environment: LVM creates the nodes and does not
 * wait for udev; devices are found by scanning, not from udev. */
#define LVM_CONFIG                                                                                 \
	"activation { udev_sync = 0 udev_rules = 0 } "                                             \
	"devices { obtain_device_list_from_udev = 0 }"

static int run(char **argv)
{
	return spawn_check(argv, &(azl_spawn_opts){0});
}

int lvm_pvcreate(const char *device)
{
	char *argv[] = {"pvcreate", "--config", LVM_CONFIG, "-ff", "-y", (char *)device, NULL};
	return run(argv);
}

int lvm_vgcreate(const char *vg, char *const *pvs)
{
	_cleanup_strv_free_ char **argv = NULL;
	const char *head[] = {"vgcreate", "--config", LVM_CONFIG, "-y", "-s", "4m", vg};
	for (size_t i = 0; i < ELEMENTSOF(head); i++)
		strv_push(&argv, xstrdup(head[i]));
	for (size_t i = 0; pvs && pvs[i]; i++)
		strv_push(&argv, xstrdup(pvs[i]));
	return run(argv);
}

int lvm_lvcreate(const char *vg, const char *lv, uint64_t size)
{
	_cleanup_free_ char *sz = xasprintf("%" PRIu64 "b", size);
	char *argv[] = {"lvcreate", "--config", LVM_CONFIG, "-y", "--wipesignatures", "y",
			"-n",	    (char *)lv, "-L",	    sz,	  (char *)vg,	      NULL};
	return run(argv);
}

int lvm_vg_deactivate(const char *vg)
{
	char *argv[] = {"vgchange", "--config", LVM_CONFIG, "-an", (char *)vg, NULL};
	return run(argv);
}
