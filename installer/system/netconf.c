/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netconf.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "netconf-nm.h"
#include "util.h"

void netfiles_free(azl_netfile *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++) {
		free(f[i].name);
		free(f[i].text);
	}
	free(f);
}

char *netconf_vlan_ifname(const azl_interface *i)
{
	if (i->vlan_link && i->name)
		return xstrdup(i->name);
	return xasprintf("%s.%d", netconf_vlan_parent(i), i->vlan_id);
}

const char *netconf_vlan_parent(const azl_interface *i)
{
	return i->vlan_link ? i->vlan_link : i->name;
}

bool netconf_is_ipv6(const char *s)
{
	return s && strchr(s, ':') != NULL;
}

azl_net_backend netconf_detect(const azl_target *t)
{
	static const char *const nm[] = {
		"usr/sbin/NetworkManager",
		"usr/lib/systemd/system/NetworkManager.service",
	};
	static const char *const networkd[] = {
		"usr/lib/systemd/systemd-networkd",
		"usr/lib/systemd/system/systemd-networkd.service",
	};
	for (size_t i = 0; i < ELEMENTSOF(nm); i++)
		if (target_exists(t, nm[i]))
			return AZL_NET_NETWORKMANAGER;
	for (size_t i = 0; i < ELEMENTSOF(networkd); i++)
		if (target_exists(t, networkd[i]))
			return AZL_NET_NETWORKD;
	return AZL_NET_NONE;
}

static int write_files(const azl_target *t, const char *dir, mode_t dir_mode, azl_netfile *f,
		       size_t n, mode_t mode)
{
	int r = target_mkdir_p(t, dir, dir_mode);
	if (r < 0)
		return log_error_errno(r, "cannot create /%s", dir);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, f[i].name);
		r = target_write_file(t, p, f[i].text, strlen(f[i].text), mode, 0, 0);
		if (r < 0)
			return log_error_errno(r, "cannot write /%s", p);
		log_info("wrote /%s", p);
	}
	return 0;
}

int netconf_apply(const azl_model *m, const azl_target *t)
{
	if (m->network.n_interfaces == 0)
		return 0;
	azl_netfile *f = NULL;
	size_t n = 0;
	int r;
	switch (netconf_detect(t)) {
	case AZL_NET_NETWORKMANAGER:
		r = nm_build_keyfiles(&m->network, &f, &n);
		if (r >= 0)
			/* Keyfiles may hold secrets: 0600, in a 0700 dir. */
			r = write_files(t, "etc/NetworkManager/system-connections", 0700, f, n,
					0600);
		break;
	case AZL_NET_NETWORKD:
		r = networkd_build_files(&m->network, &f, &n);
		if (r >= 0)
			r = write_files(t, "etc/systemd/network", 0755, f, n, 0644);
		break;
	default:
		log_warning(
			"network: the target has neither NetworkManager nor systemd-networkd; the %zu interface(s) of the answer file are not configured",
			m->network.n_interfaces);
		return 0;
	}
	netfiles_free(f, n);
	return r;
}

int netconf_apply_live(const azl_model *m)
{
	bool any = false;
	for (size_t i = 0; i < m->network.n_interfaces; i++)
		any = any || m->network.interfaces[i].activate;
	if (!any)
		return 0;
	int r = nm_apply_live(&m->network);
	if (r == -ENOTCONN) {
		log_warning(
			"network: NetworkManager does not run here; the interfaces with activate: true are left as they are");
		return 0;
	}
	return r;
}
