/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libsolv and libsolvext: repository metadata and solving. */
#include <solv/solvversion.h>

#include "libs.h"

const char *solv_adapter_version(void)
{
	return solv_version;
}
