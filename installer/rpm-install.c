/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to librpm: transactions into the target root. */
#include <rpm/rpmlib.h>

#include "libs.h"

const char *rpm_adapter_version(void)
{
	return RPMVERSION;
}
