/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "luks.h"

#include <libcryptsetup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libs.h"
#include "util.h"

const char *cryptsetup_adapter_version(void)
{
	static char v[64];
	snprintf(v, sizeof(v), "libcryptsetup (default %s)",
		 crypt_get_default_type());
	return v;
}

bool luks_device_mapper_available(void)
{
	if (access("/dev/mapper/control", F_OK) == 0)
		return true;
	FILE *f = fopen("/proc/misc", "re");
	if (!f)
		return false;
	char line[128];
	bool found = false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "device-mapper"))
			found = true;
	fclose(f);
	return found;
}
