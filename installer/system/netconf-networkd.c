/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd-networkd .network and .netdev files (pure text building). */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "netconf.h"
#include "util.h"

/* Kernel bonding option names (what NetworkManager and the answer file
 * use) to networkd's [Bond] keys; times take networkd's "ms" unit. */
static const struct {
	const char *option, *key;
	bool ms;
} bond_keys[] = {
	{"mode", "Mode", false},
	{"miimon", "MIIMonitorSec", true},
	{"updelay", "UpDelaySec", true},
	{"downdelay", "DownDelaySec", true},
	{"lacp_rate", "LACPTransmitRate", false},
	{"xmit_hash_policy", "TransmitHashPolicy", false},
	{"ad_select", "AdSelect", false},
	{"fail_over_mac", "FailOverMACPolicy", false},
	{"arp_interval", "ARPIntervalSec", true},
	{"arp_ip_target", "ARPIPTargets", false},
	{"arp_validate", "ARPValidate", false},
	{"arp_all_targets", "ARPAllTargets", false},
	{"primary_reselect", "PrimaryReselectPolicy", false},
	{"resend_igmp", "ResendIGMP", false},
	{"packets_per_slave", "PacketsPerSlave", false},
	{"num_grat_arp", "GratuitousARP", false},
	{"all_slaves_active", "AllSlavesActive", false},
	{"min_links", "MinLinks", false},
	{"lp_interval", "LearnPacketIntervalSec", false},
	{"ad_actor_sys_prio", "AdActorSystemPriority", false},
	{"ad_user_port_key", "AdUserPortKey", false},
	{"ad_actor_system", "AdActorSystem", false},
};

/* A .network file being built: matched by name or MAC. */
typedef struct netw {
	char *ifname;
	char *mac;
	azl_buf network; /* lines of [Network] */
	azl_buf extra;	 /* further sections */
} netw;

static netw *netw_get(netw **list, size_t *n, const char *ifname, const char *mac)
{
	for (size_t k = 0; ifname && k < *n; k++)
		if (streq_ptr((*list)[k].ifname, ifname))
			return &(*list)[k];
	netw *w = xappend(list, n, sizeof(**list));
	w->ifname = xstrdup(ifname);
	w->mac = xstrdup(mac);
	return w;
}

static void add_ip(netw *w, const azl_interface *i)
{
	bool v4 = false, v6 = false;
	for (size_t k = 0; i->addresses && i->addresses[k]; k++) {
		if (netconf_is_ipv6(i->addresses[k]))
			v6 = true;
		else
			v4 = true;
	}
	const char *dhcp = i->dhcp4 && i->dhcp6 ? "yes"
			   : i->dhcp4		? "ipv4"
			   : i->dhcp6		? "ipv6"
						: "no";
	buf_printf(&w->network, "DHCP=%s\n", dhcp);
	/* ipv6: false, or an interface with no address at all (a bond or
	 * parent that only carries VLANs): no IPv6. IPv4 configured and
	 * nothing said about IPv6: automatic IPv6, Anaconda's default, as
	 * the NetworkManager writer's ipv6.method=auto. */
	bool auto6 = !i->no_ipv6 && !v6 && (i->dhcp4 || v4);
	if (i->no_ipv6 || (!i->dhcp6 && !v6 && !auto6))
		buf_append(&w->network, "LinkLocalAddressing=no\n"
					"IPv6AcceptRA=no\n");
	else if (i->dhcp6 || auto6)
		buf_append(&w->network, "IPv6AcceptRA=yes\n");
	for (size_t k = 0; i->addresses && i->addresses[k]; k++)
		buf_printf(&w->network, "Address=%s\n", i->addresses[k]);
	if (i->gateway4)
		buf_printf(&w->network, "Gateway=%s\n", i->gateway4);
	if (i->gateway6)
		buf_printf(&w->network, "Gateway=%s\n", i->gateway6);
	for (size_t k = 0; i->dns && i->dns[k]; k++)
		buf_printf(&w->network, "DNS=%s\n", i->dns[k]);
}

static void push_file(azl_netfile **f, size_t *n, char *name, char *text)
{
	azl_netfile *e = xappend(f, n, sizeof(**f));
	e->name = name;
	e->text = text;
}

static int bond_netdev(const azl_interface *i, const char *name, char **ret)
{
	azl_buf b = {0};
	buf_printf(&b, "[NetDev]\nName=%s\nKind=bond\n\n[Bond]\n", name);
	if (i->bond.mode)
		buf_printf(&b, "Mode=%s\n", i->bond.mode);
	for (size_t o = 0; i->bond.options && i->bond.options[o]; o++) {
		_cleanup_free_ char *kv = xstrdup(i->bond.options[o]);
		char *eq = strchr(kv, '=');
		const char *key = NULL;
		bool ms = false;
		if (eq) {
			*eq++ = '\0';
			for (size_t k = 0; k < ELEMENTSOF(bond_keys); k++)
				if (strcmp(kv, bond_keys[k].option) == 0) {
					key = bond_keys[k].key;
					ms = bond_keys[k].ms;
				}
		}
		if (!key) {
			buf_free(&b);
			log_error(
				"network: bond '%s': option '%s' has no systemd-networkd equivalent",
				i->name, i->bond.options[o]);
			return -EINVAL;
		}
		buf_printf(&b, "%s=%s%s\n", key, eq, ms ? "ms" : "");
	}
	*ret = buf_steal(&b);
	return 0;
}

int networkd_build_files(const azl_network *net, azl_netfile **ret, size_t *n_ret)
{
	netw *ws = NULL;
	size_t nw = 0;
	azl_netfile *f = NULL;
	size_t nf = 0;
	int r = 0;
	for (size_t k = 0; r >= 0 && k < net->n_interfaces; k++) {
		const azl_interface *i = &net->interfaces[k];
		if (i->bond.slaves) {
			/* A bond with a VLAN (kickstart --bondslaves with
			 * --vlanid): the bond is the VLAN's parent and holds
			 * no address; the VLAN gets the IP settings, as
			 * Anaconda makes it (nm_client.py,
			 * _create_vlan_bond_connection_from_ksdata). */
			const char *bname = i->vlan_id > 0 ? netconf_vlan_parent(i) : i->name;
			char *text = NULL;
			r = bond_netdev(i, bname, &text);
			if (r < 0)
				break;
			push_file(&f, &nf, xasprintf("10-azl-%s.netdev", bname), text);
			if (i->vlan_id > 0) {
				_cleanup_free_ char *vif = netconf_vlan_ifname(i);
				push_file(&f, &nf, xasprintf("10-azl-%s.netdev", vif),
					  xasprintf("[NetDev]\nName=%s\n"
						    "Kind=vlan\n\n[VLAN]\n"
						    "Id=%d\n",
						    vif, i->vlan_id));
				netw *bw = netw_get(&ws, &nw, bname, NULL);
				buf_printf(&bw->network,
					   "LinkLocalAddressing=no\n"
					   "IPv6AcceptRA=no\nVLAN=%s\n",
					   vif);
				add_ip(netw_get(&ws, &nw, vif, NULL), i);
			} else
				add_ip(netw_get(&ws, &nw, bname, NULL), i);
			for (size_t s = 0; i->bond.slaves[s]; s++) {
				netw *p = netw_get(&ws, &nw, i->bond.slaves[s], NULL);
				buf_printf(&p->network, "Bond=%s\n", bname);
			}
		} else if (i->vlan_id > 0) {
			_cleanup_free_ char *vif = netconf_vlan_ifname(i);
			push_file(&f, &nf, xasprintf("10-azl-%s.netdev", vif),
				  xasprintf("[NetDev]\nName=%s\nKind=vlan\n\n"
					    "[VLAN]\nId=%d\n",
					    vif, i->vlan_id));
			add_ip(netw_get(&ws, &nw, vif, NULL), i);
		} else
			add_ip(netw_get(&ws, &nw, i->name, i->match_mac), i);
	}
	/* The parents learn their VLANs last, whether or not the answer file
	 * configures them; one it does not gets no address of its own. */
	for (size_t k = 0; r >= 0 && k < net->n_interfaces; k++) {
		const azl_interface *i = &net->interfaces[k];
		if (i->vlan_id <= 0 || i->bond.slaves)
			continue;
		_cleanup_free_ char *vif = netconf_vlan_ifname(i);
		const char *parent = netconf_vlan_parent(i);
		size_t before = nw;
		netw *p = netw_get(&ws, &nw, parent, NULL);
		if (nw > before)
			buf_append(&p->network, "LinkLocalAddressing=no\n"
						"IPv6AcceptRA=no\n");
		buf_printf(&p->network, "VLAN=%s\n", vif);
	}
	for (size_t k = 0; r >= 0 && k < nw; k++) {
		netw *w = &ws[k];
		azl_buf b = {0};
		buf_append(&b, "[Match]\n");
		if (w->ifname)
			buf_printf(&b, "Name=%s\n", w->ifname);
		if (w->mac)
			buf_printf(&b, "MACAddress=%s\n", w->mac);
		buf_printf(&b, "\n[Network]\n%s", w->network.data ? w->network.data : "");
		if (w->extra.data)
			buf_printf(&b, "\n%s", w->extra.data);
		_cleanup_free_ char *id = NULL;
		if (w->ifname)
			id = xstrdup(w->ifname);
		else {
			azl_buf ib = {0};
			buf_append(&ib, "ethernet-");
			for (const char *c = w->mac; *c; c++)
				if (*c != ':')
					buf_appendn(&ib, c, 1);
			id = buf_steal(&ib);
		}
		push_file(&f, &nf, xasprintf("10-azl-%s.network", id), buf_steal(&b));
	}
	for (size_t k = 0; k < nw; k++) {
		free(ws[k].ifname);
		free(ws[k].mac);
		buf_free(&ws[k].network);
		buf_free(&ws[k].extra);
	}
	free(ws);
	if (r < 0) {
		netfiles_free(f, nf);
		return r;
	}
	*ret = f;
	*n_ret = nf;
	return 0;
}
