/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match: {link: true} and match: {bootif: true} (kickstart's
 * --device=link and --device=bootif) are facts of the machine that runs
 * the install, not of the answer file. They are resolved here, once, to a
 * MAC address, and the configuration writers (NetworkManager keyfiles,
 * systemd-networkd files) then see an ordinary MAC match. The model is
 * never changed: the answer file written into the target keeps link and
 * bootif.
 *
 *  - bootif: the BOOTIF= parameter of the kernel command line, as
 *    pxelinux and iPXE pass it: "01-52-54-00-12-34-56" (ARP hardware type
 *    01, ethernet, then the MAC with dashes); "52:54:00:12:34:56" is
 *    taken too, as dracut takes it (multicast addresses are refused).
 *    The last BOOTIF= wins.
 *  - link: the first interface in name order that is not the loopback,
 *    not virtual (it has a "device" link in sysfs: veth, bridges, bonds,
 *    ifb and tun have none), not wireless, of ethernet type and with
 *    carrier 1.
 *
 * Tests point the sources elsewhere with the environment:
 * AZL_PROC_CMDLINE (default /proc/cmdline) and AZL_SYSFS_NET (default
 * /sys/class/net).
 */
#pragma once

#include "model.h"

/* Pure: "01-52-54-00-12-34-56", "52-54-...", "52:54:..." -> a lowercase
 * "52:54:00:12:34:56". -EINVAL for anything else (another hardware type,
 * a wrong length). */
int netconf_parse_bootif(const char *value, char **ret_mac);
/* Pure: the value of the last BOOTIF= word of a kernel command line;
 * -ENOENT when there is none. */
int netconf_cmdline_bootif(const char *cmdline, char **ret_value);

/* The MAC of BOOTIF= in the command line file (NULL: $AZL_PROC_CMDLINE
 * or /proc/cmdline). Logs an error naming the problem and returns
 * -ENODEV when there is no BOOTIF=, -EINVAL when it cannot be read. */
int netconf_bootif_mac(const char *cmdline_path, char **ret_mac);
/* The interface with a carrier, as above, under sysfs_dir (NULL:
 * $AZL_SYSFS_NET or /sys/class/net): its MAC and, when ret_ifname is not
 * NULL, its name. Logs an error naming the interfaces it looked at and
 * returns -ENODEV when none qualifies. */
int netconf_link_mac(const char *sysfs_dir, char **ret_mac, char **ret_ifname);

/* A network whose link/bootif interfaces carry the resolved MAC in
 * match_mac (match_link and match_bootif cleared). net.interfaces is an
 * owned array of shallow copies: every other pointer in it is borrowed
 * from the model, which must outlive this; macs owns the resolved MACs. */
typedef struct azl_resolved_network {
	azl_network net;
	char **macs;
} azl_resolved_network;
void resolved_network_done(azl_resolved_network *r);

/* Resolves every link and bootif match of n (each source read once).
 * Returns 0 or -errno (logged, naming what is missing); on failure
 * nothing needs to be freed. */
int netconf_resolve_matches(const azl_network *n, azl_resolved_network *ret);
