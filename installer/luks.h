/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libcryptsetup: LUKS2 containers. */
#pragma once

#include <stdbool.h>

/* True when the running kernel offers device-mapper (needed to open LUKS
 * and to use LVM); reads /proc/misc and /sys, never loads a module. */
bool luks_device_mapper_available(void);
