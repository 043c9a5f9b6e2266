/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network configuration of the installed system and of the live
 * environment. The answer file's interfaces become NetworkManager
 * connection profiles (built as NMConnection objects and written by
 * libnm's keyfile writer, netconf-nm.c, declared in netconf-nm.h) when the target has
 * NetworkManager, or systemd-networkd .network/.netdev files
 * (netconf-networkd.c) when it has networkd instead.
 *
 * What one answer-file interface becomes (both back ends):
 *  - match.mac: an ethernet profile matching that MAC, no name;
 *  - bond: the bond, plus one port profile per member;
 *  - vlan: the VLAN on its link (default: the entry's name, the VLAN
 *    then being NAME.ID); its addresses belong to the VLAN;
 *  - IPv4: dhcp4 -> DHCP, addresses -> static, neither -> none;
 *    IPv6 likewise with dhcp6 (DHCPv6/RA) and IPv6 addresses.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "target.h"

/* One file to write: a name in the configuration directory and text. */
typedef struct azl_netfile {
	char *name;
	char *text;
} azl_netfile;
void netfiles_free(azl_netfile *f, size_t n);

typedef enum azl_net_backend {
	AZL_NET_NONE,
	AZL_NET_NETWORKMANAGER,
	AZL_NET_NETWORKD,
} azl_net_backend;

/* Which network service the target has (NetworkManager wins when it
 * has both, as on Fedora). */
azl_net_backend netconf_detect(const azl_target *t);

/* The VLAN's interface name for i ("eth1.10" or i->name). */
char *netconf_vlan_ifname(const azl_interface *i);
/* The parent of a VLAN. */
const char *netconf_vlan_parent(const azl_interface *i);
/* True when s is an IPv6 address (with or without prefix). */
bool netconf_is_ipv6(const char *s);

/* netconf-networkd.c (pure): .network and .netdev files. */
int networkd_build_files(const azl_network *n, azl_netfile **ret, size_t *n_ret);

/* Writes the target's configuration for the detected back end. */
int netconf_apply(const azl_model *m, const azl_target *t);
/* The live environment: profiles with activate: true, through libnm,
 * when NetworkManager runs; otherwise a note in the log. */
int netconf_apply_live(const azl_model *m);

/* --- the devices of this machine (the installer's Network spoke) ------- */

/* One network device as seen now. */
typedef struct azl_netdev {
	char *name;  /* interface name */
	char *type;  /* "ethernet", "wifi", "bond", ... */
	char *mac;   /* NULL when it has none */
	char *state; /* NetworkManager's state, or the kernel's operstate */
	char *ipv4;  /* first IPv4 address "a.b.c.d/p", or NULL */
	bool dhcp4;  /* NetworkManager got ipv4 from DHCP */
} azl_netdev;

typedef struct azl_netinfo {
	azl_netdev *devs;
	size_t n_devs;
	bool from_nm;	/* read through libnm, else from sysfs */
	char *hostname; /* NetworkManager's (or the kernel's) host name */
} azl_netinfo;
void netinfo_done(azl_netinfo *i);

/* The interfaces under dir (NULL: /sys/class/net), loopback left out,
 * with their addresses from the kernel (getifaddrs). */
int sysfs_read_devices(const char *dir, azl_netinfo *ret);
/* NetworkManager's view when it runs, else sysfs; ret->from_nm says
 * which. */
int netinfo_read(azl_netinfo *ret, unsigned timeout_ms);
