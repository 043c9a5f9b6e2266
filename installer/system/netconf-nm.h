/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libnm adapter (netconf-nm.c): NetworkManager keyfiles for the
 * target, profiles activated in the live environment, and the devices
 * NetworkManager sees. The only file that includes libnm's headers.
 */
#pragma once

#include <stddef.h>

#include "model.h"
#include "netconf.h"

/* The version of libnm this adapter runs against (--version, the log). */
const char *nm_adapter_version(void);

/* Keyfiles for every interface of n. Returns 0 or
 * -errno (an invalid profile is logged with libnm's reason). */
int nm_build_keyfiles(const azl_network *n, azl_netfile **ret, size_t *n_ret);
/* Adds and activates the profiles of the interfaces with
 * activate: true in the running NetworkManager. -ENOTCONN when no
 * NetworkManager runs. */
int nm_apply_live(const azl_network *n);

/* The devices NetworkManager manages (loopback left out),
 * waiting at most timeout_ms for it. -ENOTCONN when the system bus cannot
 * be reached (or the wait timed out), -ESRCH when the bus answers but no
 * NetworkManager runs on it. */
int nm_read_devices(azl_netinfo *ret, unsigned timeout_ms);
