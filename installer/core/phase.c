/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "phase.h"

#include <stddef.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* The share of the whole install each phase takes: packages dominate. */
static const azl_phase_info phases[AZL_PHASE__COUNT] = {
	[AZL_PHASE_PRE] = {"pre", N_("Running pre-installation scripts"), 0, 2},
	[AZL_PHASE_STORAGE] = {"storage", N_("Partitioning, encrypting and formatting"), 2, 15},
	/* One or the other: an image payload or packages. */
	[AZL_PHASE_IMAGE] = {"image", N_("Installing the system image"), 15, 80},
	[AZL_PHASE_PACKAGES] = {"packages", N_("Installing packages"), 15, 80},
	[AZL_PHASE_CONFIGURE] = {"configure", N_("Configuring the system"), 80, 88},
	[AZL_PHASE_BOOTLOADER] = {"bootloader", N_("Installing the boot loader"), 88, 96},
	[AZL_PHASE_POST] = {"post", N_("Running post-installation scripts"), 96, 99},
	[AZL_PHASE_FINISH] = {"finish", N_("Finishing"), 99, 100},
	[AZL_PHASE_ERROR] = {"error", N_("Running error scripts"), 100, 100},
};

const azl_phase_info *phase_info(azl_phase p)
{
	if (p <= AZL_PHASE_NONE || p >= AZL_PHASE__COUNT)
		return NULL;
	return &phases[p];
}

const char *phase_name(azl_phase p)
{
	const azl_phase_info *i = phase_info(p);
	return i ? i->name : "-";
}

azl_phase phase_from_name(const char *name)
{
	for (size_t i = AZL_PHASE_PRE; name && i < ELEMENTSOF(phases); i++)
		if (strcmp(phases[i].name, name) == 0)
			return (azl_phase)i;
	return AZL_PHASE_NONE;
}
