/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libnm: connection profiles for the target and, when
 * NetworkManager runs, for the live environment. */
#include <NetworkManager.h>
#include <stdio.h>

#include "libs.h"

const char *nm_adapter_version(void)
{
	static char v[32];
	guint ver = nm_utils_version();
	snprintf(v, sizeof(v), "%u.%u.%u", (ver >> 16) & 0xff,
		 (ver >> 8) & 0xff, ver & 0xff);
	return v;
}
