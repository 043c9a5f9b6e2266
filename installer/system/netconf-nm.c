/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libnm: connection profiles for the target and, when
 * NetworkManager runs, for the live environment. */
#include <NetworkManager.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netconf-nm.h"
#include "netconf.h"
#include "util.h"

const char *nm_adapter_version(void)
{
	static char v[32];
	guint ver = nm_utils_version();
	snprintf(v, sizeof(v), "%u.%u.%u", (ver >> 16) & 0xff, (ver >> 8) & 0xff, ver & 0xff);
	return v;
}

/* One profile and the interface it came from (for the live step). */
typedef struct profile {
	NMConnection *conn;
	const azl_interface *iface;
	char *ifname; /* NULL when matched by MAC */
	bool port;    /* a bond member */
} profile;

static void profiles_free(profile *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		g_object_unref(p[i].conn);
		free(p[i].ifname);
	}
	free(p);
}

static NMConnection *new_connection(const char *id, const char *type, const char *ifname)
{
	NMConnection *c = nm_simple_connection_new();
	NMSettingConnection *s = NM_SETTING_CONNECTION(nm_setting_connection_new());
	char *uuid = nm_utils_uuid_generate();
	g_object_set(s, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
		     NM_SETTING_CONNECTION_TYPE, type, NM_SETTING_CONNECTION_AUTOCONNECT, TRUE,
		     NULL);
	if (ifname)
		g_object_set(s, NM_SETTING_CONNECTION_INTERFACE_NAME, ifname, NULL);
	g_free(uuid);
	nm_connection_add_setting(c, NM_SETTING(s));
	return c;
}

static int add_addresses(NMSettingIPConfig *s, const azl_interface *i, int family)
{
	for (size_t k = 0; i->addresses && i->addresses[k]; k++) {
		const char *a = i->addresses[k];
		if (netconf_is_ipv6(a) != (family == AF_INET6))
			continue;
		_cleanup_free_ char *host = xstrdup(a);
		char *slash = strchr(host, '/');
		guint prefix = family == AF_INET6 ? 64 : 24;
		if (slash) {
			*slash = '\0';
			prefix = (guint)strtoul(slash + 1, NULL, 10);
		} else
			log_warning("network: address '%s' has no prefix; using /%u", a, prefix);
		GError *err = NULL;
		NMIPAddress *ip = nm_ip_address_new(family, host, prefix, &err);
		if (!ip) {
			log_error("network: address '%s': %s", a, err->message);
			g_error_free(err);
			return -EINVAL;
		}
		nm_setting_ip_config_add_address(s, ip);
		nm_ip_address_unref(ip);
	}
	return 0;
}

static bool has_family(const azl_interface *i, int family)
{
	for (size_t k = 0; i->addresses && i->addresses[k]; k++)
		if (netconf_is_ipv6(i->addresses[k]) == (family == AF_INET6))
			return true;
	return false;
}

static int add_ip(NMConnection *c, const azl_interface *i)
{
	NMSettingIPConfig *s4 = NM_SETTING_IP_CONFIG(nm_setting_ip4_config_new());
	NMSettingIPConfig *s6 = NM_SETTING_IP_CONFIG(nm_setting_ip6_config_new());
	bool v4 = has_family(i, AF_INET), v6 = has_family(i, AF_INET6);
	g_object_set(s4, NM_SETTING_IP_CONFIG_METHOD,
		     i->dhcp4 ? NM_SETTING_IP4_CONFIG_METHOD_AUTO
		     : v4     ? NM_SETTING_IP4_CONFIG_METHOD_MANUAL
			      : NM_SETTING_IP4_CONFIG_METHOD_DISABLED,
		     NULL);
	/* IPv4 configured and nothing said about IPv6: automatic IPv6,
	 * Anaconda's default (nm_client.py,
	 * update_connection_ip_settings_from_ksdata). ipv6: false, or no
	 * address at all (a bond carrying VLANs): disabled. */
	bool auto6 = !i->no_ipv6 && (i->dhcp4 || v4);
	g_object_set(s6, NM_SETTING_IP_CONFIG_METHOD,
		     i->no_ipv6 ? NM_SETTING_IP6_CONFIG_METHOD_DISABLED
		     : i->dhcp6 ? NM_SETTING_IP6_CONFIG_METHOD_AUTO
		     : v6	? NM_SETTING_IP6_CONFIG_METHOD_MANUAL
		     : auto6	? NM_SETTING_IP6_CONFIG_METHOD_AUTO
				: NM_SETTING_IP6_CONFIG_METHOD_DISABLED,
		     NULL);
	int r = add_addresses(s4, i, AF_INET);
	if (r >= 0)
		r = add_addresses(s6, i, AF_INET6);
	if (i->gateway4)
		g_object_set(s4, NM_SETTING_IP_CONFIG_GATEWAY, i->gateway4, NULL);
	if (i->gateway6)
		g_object_set(s6, NM_SETTING_IP_CONFIG_GATEWAY, i->gateway6, NULL);
	for (size_t k = 0; i->dns && i->dns[k]; k++)
		nm_setting_ip_config_add_dns(netconf_is_ipv6(i->dns[k]) ? s6 : s4, i->dns[k]);
	nm_connection_add_setting(c, NM_SETTING(s4));
	nm_connection_add_setting(c, NM_SETTING(s6));
	return r;
}

static char *mac_id(const char *mac)
{
	azl_buf b = {0};
	buf_append(&b, "ethernet-");
	for (const char *c = mac; *c; c++)
		if (*c != ':')
			buf_appendn(&b, c, 1);
	return buf_steal(&b);
}

static void push_profile(profile **p, size_t *n, NMConnection *c, const azl_interface *i,
			 const char *ifname, bool port)
{
	profile *e = xappend(p, n, sizeof(**p));
	*e = (profile){.conn = c, .iface = i, .ifname = xstrdup(ifname), .port = port};
}

static int build_profiles(const azl_network *net, profile **ret, size_t *n_ret)
{
	profile *p = NULL;
	size_t n = 0;
	int r = 0;
	for (size_t k = 0; r >= 0 && k < net->n_interfaces; k++) {
		const azl_interface *i = &net->interfaces[k];
		NMConnection *c;
		if (i->bond.slaves) {
			/* With a VLAN, the bond is its parent and holds no
			 * address (nm_client.py,
			 * _create_vlan_bond_connection_from_ksdata: "No ip
			 * configuration on vlan parent (bond)"). */
			const char *bname = i->vlan_id > 0 ? netconf_vlan_parent(i) : i->name;
			c = new_connection(bname, NM_SETTING_BOND_SETTING_NAME, bname);
			NMSettingBond *b = NM_SETTING_BOND(nm_setting_bond_new());
			if (i->bond.mode && !nm_setting_bond_add_option(
						    b, NM_SETTING_BOND_OPTION_MODE, i->bond.mode)) {
				log_error("network: bond '%s': mode '%s' is not valid", bname,
					  i->bond.mode);
				r = -EINVAL;
			}
			for (size_t o = 0; i->bond.options && i->bond.options[o]; o++) {
				_cleanup_free_ char *kv = xstrdup(i->bond.options[o]);
				char *eq = strchr(kv, '=');
				if (eq)
					*eq++ = '\0';
				if (!eq || !nm_setting_bond_add_option(b, kv, eq)) {
					log_error("network: bond '%s': option '%s' is not valid",
						  bname, i->bond.options[o]);
					r = -EINVAL;
				}
			}
			nm_connection_add_setting(c, NM_SETTING(b));
			if (r >= 0 && i->vlan_id > 0) {
				azl_interface none = {.no_ipv6 = true};
				r = add_ip(c, &none);
			} else if (r >= 0)
				r = add_ip(c, i);
			push_profile(&p, &n, c, i, bname, false);
			if (r >= 0 && i->vlan_id > 0) {
				_cleanup_free_ char *ifname = netconf_vlan_ifname(i);
				NMConnection *vc = new_connection(
					ifname, NM_SETTING_VLAN_SETTING_NAME, ifname);
				NMSetting *v = nm_setting_vlan_new();
				g_object_set(v, NM_SETTING_VLAN_ID, (guint)i->vlan_id,
					     NM_SETTING_VLAN_PARENT, bname, NULL);
				nm_connection_add_setting(vc, v);
				r = add_ip(vc, i);
				push_profile(&p, &n, vc, i, ifname, false);
			}
			for (size_t s = 0; i->bond.slaves[s]; s++) {
				_cleanup_free_ char *id =
					xasprintf("%s-port-%s", bname, i->bond.slaves[s]);
				NMConnection *pc = new_connection(id, NM_SETTING_WIRED_SETTING_NAME,
								  i->bond.slaves[s]);
				NMSettingConnection *sc = nm_connection_get_setting_connection(pc);
				g_object_set(sc, NM_SETTING_CONNECTION_MASTER, bname,
					     NM_SETTING_CONNECTION_SLAVE_TYPE,
					     NM_SETTING_BOND_SETTING_NAME, NULL);
				nm_connection_add_setting(pc, nm_setting_wired_new());
				push_profile(&p, &n, pc, i, i->bond.slaves[s], true);
			}
			continue;
		}
		if (i->vlan_id > 0) {
			_cleanup_free_ char *ifname = netconf_vlan_ifname(i);
			c = new_connection(ifname, NM_SETTING_VLAN_SETTING_NAME, ifname);
			NMSetting *v = nm_setting_vlan_new();
			g_object_set(v, NM_SETTING_VLAN_ID, (guint)i->vlan_id,
				     NM_SETTING_VLAN_PARENT, netconf_vlan_parent(i), NULL);
			nm_connection_add_setting(c, v);
			r = add_ip(c, i);
			push_profile(&p, &n, c, i, ifname, false);
			continue;
		}
		_cleanup_free_ char *id = i->name ? xstrdup(i->name) : mac_id(i->match_mac);
		c = new_connection(id, NM_SETTING_WIRED_SETTING_NAME, i->name);
		NMSetting *w = nm_setting_wired_new();
		if (i->match_mac)
			g_object_set(w, NM_SETTING_WIRED_MAC_ADDRESS, i->match_mac, NULL);
		nm_connection_add_setting(c, w);
		r = add_ip(c, i);
		push_profile(&p, &n, c, i, i->name, false);
	}
	for (size_t k = 0; r >= 0 && k < n; k++) {
		GError *err = NULL;
		if (!nm_connection_normalize(p[k].conn, NULL, NULL, &err)) {
			log_error("network: profile '%s' is not valid: %s",
				  nm_connection_get_id(p[k].conn), err->message);
			g_error_free(err);
			r = -EINVAL;
		}
	}
	if (r < 0) {
		profiles_free(p, n);
		return r;
	}
	*ret = p;
	*n_ret = n;
	return 0;
}

int nm_build_keyfiles(const azl_network *net, azl_netfile **ret, size_t *n_ret)
{
	profile *p = NULL;
	size_t n = 0;
	int r = build_profiles(net, &p, &n);
	if (r < 0)
		return r;
	azl_netfile *f = NULL;
	size_t nf = 0;
	for (size_t k = 0; r >= 0 && k < n; k++) {
		GError *err = NULL;
		GKeyFile *kf = nm_keyfile_write(p[k].conn, NM_KEYFILE_HANDLER_FLAGS_NONE, NULL,
						NULL, &err);
		if (!kf) {
			log_error("network: cannot write profile '%s': %s",
				  nm_connection_get_id(p[k].conn), err->message);
			g_error_free(err);
			r = -EINVAL;
			break;
		}
		gsize len = 0;
		char *data = g_key_file_to_data(kf, &len, NULL);
		g_key_file_unref(kf);
		azl_netfile *e = xappend(&f, &nf, sizeof(*f));
		_cleanup_free_ char *id = xstrdup(nm_connection_get_id(p[k].conn));
		for (char *c = id; *c; c++)
			if (*c == '/')
				*c = '_';
		e->name = xasprintf("%s.nmconnection", id);
		e->text = xstrdup(data);
		g_free(data);
	}
	profiles_free(p, n);
	if (r < 0) {
		netfiles_free(f, nf);
		return r;
	}
	*ret = f;
	*n_ret = nf;
	return 0;
}

/* --- the devices of this machine --------------------------------------- */

void netinfo_done(azl_netinfo *i)
{
	if (!i)
		return;
	for (size_t k = 0; k < i->n_devs; k++) {
		azl_netdev *d = &i->devs[k];
		free(d->name);
		free(d->type);
		free(d->mac);
		free(d->state);
		free(d->ipv4);
	}
	free(i->devs);
	free(i->hostname);
	*i = (azl_netinfo){0};
}

static char *xstrdup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static const char *nm_state_name(NMDeviceState st)
{
	switch (st) {
	case NM_DEVICE_STATE_UNMANAGED:
		return "unmanaged";
	case NM_DEVICE_STATE_UNAVAILABLE:
		return "unavailable";
	case NM_DEVICE_STATE_DISCONNECTED:
		return "disconnected";
	case NM_DEVICE_STATE_ACTIVATED:
		return "connected";
	case NM_DEVICE_STATE_DEACTIVATING:
		return "deactivating";
	case NM_DEVICE_STATE_FAILED:
		return "failed";
	case NM_DEVICE_STATE_PREPARE:
	case NM_DEVICE_STATE_CONFIG:
	case NM_DEVICE_STATE_NEED_AUTH:
	case NM_DEVICE_STATE_IP_CONFIG:
	case NM_DEVICE_STATE_IP_CHECK:
	case NM_DEVICE_STATE_SECONDARIES:
		return "connecting";
	default:
		return "unknown";
	}
}

typedef struct client_call {
	NMClient *client;
	GError *err;
	bool done;
} client_call;

static void on_client(GObject *src, GAsyncResult *res, gpointer data)
{
	client_call *cc = data;
	cc->client = nm_client_new_finish(res, &cc->err);
	cc->done = true;
}

static gboolean on_timeout(gpointer data)
{
	g_cancellable_cancel(data);
	return G_SOURCE_REMOVE;
}

static void read_client(NMClient *client, azl_netinfo *ret)
{
	const GPtrArray *devs = nm_client_get_devices(client);
	for (guint k = 0; devs && k < devs->len; k++) {
		NMDevice *d = devs->pdata[k];
		if (nm_device_get_device_type(d) == NM_DEVICE_TYPE_LOOPBACK)
			continue;
		azl_netdev *e = xappend(&ret->devs, &ret->n_devs, sizeof(*ret->devs));
		e->name = xstrdup(nm_device_get_iface(d));
		e->type = xstrdup(nm_device_get_type_description(d));
		e->mac = xstrdup_or_null(nm_device_get_hw_address(d));
		e->state = xstrdup(nm_state_name(nm_device_get_state(d)));
		NMIPConfig *ip = nm_device_get_ip4_config(d);
		GPtrArray *a = ip ? nm_ip_config_get_addresses(ip) : NULL;
		if (a && a->len > 0)
			e->ipv4 = xasprintf("%s/%u", nm_ip_address_get_address(a->pdata[0]),
					    nm_ip_address_get_prefix(a->pdata[0]));
		e->dhcp4 = nm_device_get_dhcp4_config(d) != NULL;
	}
	char *host = NULL;
	g_object_get(client, NM_CLIENT_HOSTNAME, &host, NULL);
	ret->hostname = xstrdup_or_null(host);
	g_free(host);
	ret->from_nm = true;
}

/* A client on a private main context, so that a slow or absent bus costs
 * at most the timeout and no caller's loop (the TUI's) runs our
 * callbacks. */
typedef struct nm_session {
	GMainContext *ctx;
	GCancellable *cancel;
	NMClient *client;
} nm_session;

/* Returns 0, -ENOTCONN (no bus, no answer in timeout_ms) or -ESRCH
 * (NetworkManager is not running); session_close() in every case. */
static int session_open(nm_session *s, unsigned timeout_ms)
{
	*s = (nm_session){0};
	s->ctx = g_main_context_new();
	g_main_context_push_thread_default(s->ctx);
	s->cancel = g_cancellable_new();
	GSource *timer = g_timeout_source_new(timeout_ms);
	g_source_set_callback(timer, on_timeout, s->cancel, NULL);
	g_source_attach(timer, s->ctx);
	client_call cc = {0};
	nm_client_new_async(s->cancel, on_client, &cc);
	while (!cc.done)
		g_main_context_iteration(s->ctx, TRUE);
	g_source_destroy(timer);
	g_source_unref(timer);
	s->client = cc.client;
	if (!cc.client) {
		log_debug("libnm: %s", cc.err->message);
		g_error_free(cc.err);
		return -ENOTCONN;
	}
	return nm_client_get_nm_running(cc.client) ? 0 : -ESRCH;
}

static void session_close(nm_session *s)
{
	if (s->client) {
		/* libnm: iterate the context until the client let go of it. */
		GObject *busy = nm_client_get_context_busy_watcher(s->client);
		g_object_add_weak_pointer(busy, (gpointer *)&busy);
		g_object_unref(s->client);
		while (busy)
			g_main_context_iteration(s->ctx, TRUE);
	}
	g_object_unref(s->cancel);
	g_main_context_pop_thread_default(s->ctx);
	g_main_context_unref(s->ctx);
	*s = (nm_session){0};
}

int nm_read_devices(azl_netinfo *ret, unsigned timeout_ms)
{
	*ret = (azl_netinfo){0};
	nm_session s;
	int r = session_open(&s, timeout_ms);
	if (r >= 0)
		read_client(s.client, ret);
	session_close(&s);
	return r;
}

/* --- the live step ------------------------------------------------------ */

/* How long one profile may take to come up: NetworkManager's own DHCP
 * timeout is 45 s. */
#define LIVE_ACTIVATE_MS 60000u
#define LIVE_CLIENT_MS	 10000u

typedef struct live_call {
	bool done;
	GError *err;
	NMActiveConnection *ac;
} live_call;

static void on_activated(GObject *src, GAsyncResult *res, gpointer data)
{
	live_call *lc = data;
	GVariant *out = NULL;
	lc->ac = nm_client_add_and_activate_connection2_finish(NM_CLIENT(src), res, &out, &lc->err);
	if (out)
		g_variant_unref(out);
	lc->done = true;
}

static gboolean on_tick(gpointer data)
{
	(void)data;
	return G_SOURCE_CONTINUE;
}

static NMDevice *find_device(NMClient *client, const profile *p)
{
	if (p->ifname)
		return nm_client_get_device_by_iface(client, p->ifname);
	const GPtrArray *devs = nm_client_get_devices(client);
	for (guint k = 0; devs && k < devs->len; k++) {
		NMDevice *d = devs->pdata[k];
		const char *hw = nm_device_get_hw_address(d);
		if (hw && p->iface->match_mac && strcasecmp(hw, p->iface->match_mac) == 0)
			return d;
	}
	return NULL;
}

/* Waits (iterating ctx) until ac is activated, has failed, or timeout_ms
 * passed. Bond ports and VLANs wait for their master the same way. */
static int wait_activated(GMainContext *ctx, NMActiveConnection *ac, const char *id,
			  unsigned timeout_ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	GSource *tick = g_timeout_source_new(100);
	g_source_set_callback(tick, on_tick, NULL, NULL);
	g_source_attach(tick, ctx);
	int r = 0;
	for (;;) {
		NMActiveConnectionState st = nm_active_connection_get_state(ac);
		if (st == NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
			break;
		if (st == NM_ACTIVE_CONNECTION_STATE_DEACTIVATING ||
		    st == NM_ACTIVE_CONNECTION_STATE_DEACTIVATED) {
			log_error(
				"network: '%s' could not be activated here (NetworkManager's reason %d)",
				id, (int)nm_active_connection_get_state_reason(ac));
			r = -EIO;
			break;
		}
		if (g_get_monotonic_time() >= end) {
			log_error("network: '%s' was not activated within %u s", id,
				  timeout_ms / 1000);
			r = -ETIMEDOUT;
			break;
		}
		g_main_context_iteration(ctx, TRUE);
	}
	g_source_destroy(tick);
	g_source_unref(tick);
	return r;
}

/* Adds one profile to the running NetworkManager, in memory only (gone at
 * the reboot: the target gets its own keyfiles), and starts activating
 * it. */
static int start_one(GMainContext *ctx, NMClient *client, const profile *p,
		     NMActiveConnection **ret)
{
	const char *id = nm_connection_get_id(p->conn);
	NMDevice *dev = find_device(client, p);
	GVariantBuilder b;
	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", "persist", g_variant_new_string("memory"));
	live_call lc = {0};
	nm_client_add_and_activate_connection2(client, p->conn, dev, NULL,
					       g_variant_builder_end(&b), NULL, on_activated, &lc);
	while (!lc.done)
		g_main_context_iteration(ctx, TRUE);
	if (!lc.ac) {
		log_error("network: cannot activate '%s' here: %s", id,
			  lc.err ? lc.err->message : "?");
		if (lc.err)
			g_error_free(lc.err);
		return -EIO;
	}
	log_info("network: activating '%s'%s%s", id, dev ? " on " : "",
		 dev ? nm_device_get_iface(dev) : "");
	*ret = lc.ac;
	return 0;
}

int nm_apply_live(const azl_network *net)
{
	profile *p = NULL;
	size_t n = 0;
	int r = build_profiles(net, &p, &n);
	if (r < 0)
		return r;
	nm_session s;
	r = session_open(&s, LIVE_CLIENT_MS);
	if (r == -ESRCH)
		r = -ENOTCONN;
	/* All first, then the wait: a bond comes up with its ports. */
	NMActiveConnection **acs = xcalloc(n ? n : 1, sizeof(*acs));
	for (size_t k = 0; r >= 0 && k < n; k++)
		if (p[k].iface->activate)
			r = start_one(s.ctx, s.client, &p[k], &acs[k]);
	for (size_t k = 0; r >= 0 && k < n; k++)
		if (acs[k]) {
			const char *id = nm_connection_get_id(p[k].conn);
			r = wait_activated(s.ctx, acs[k], id, LIVE_ACTIVATE_MS);
			if (r >= 0)
				log_info("network: '%s' is active in the live environment", id);
		}
	for (size_t k = 0; k < n; k++)
		if (acs[k])
			g_object_unref(acs[k]);
	free(acs);
	profiles_free(p, n);
	session_close(&s);
	return r;
}

static char *sysfs_attr(const char *dir, const char *ifname, const char *attr)
{
	_cleanup_free_ char *p = xasprintf("%s/%s/%s", dir, ifname, attr);
	char *s = NULL;
	if (read_file_bounded(p, 4096, &s, NULL) < 0)
		return NULL;
	s[strcspn(s, "\n")] = '\0';
	return s;
}

static const char *sysfs_type(const char *dir, const char *ifname)
{
	static const char *const kinds[] = {"wireless", "bonding", "bridge"};
	static const char *const names[] = {"wifi", "bond", "bridge"};
	for (size_t k = 0; k < 3; k++) {
		_cleanup_free_ char *p = xasprintf("%s/%s/%s", dir, ifname, kinds[k]);
		if (access(p, F_OK) == 0)
			return names[k];
	}
	_cleanup_free_ char *t = sysfs_attr(dir, ifname, "type");
	/* ARPHRD_ETHER */
	return t && strcmp(t, "1") == 0 ? "ethernet" : "other";
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const azl_netdev *)a)->name, ((const azl_netdev *)b)->name);
}

int sysfs_read_devices(const char *dir, azl_netinfo *ret)
{
	*ret = (azl_netinfo){0};
	if (!dir)
		dir = "/sys/class/net";
	DIR *d = opendir(dir);
	if (!d)
		return log_error_errno(errno, "network: cannot read %s", dir);
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) < 0)
		ifa = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0)
			continue;
		azl_netdev *e = xappend(&ret->devs, &ret->n_devs, sizeof(*ret->devs));
		e->name = xstrdup(de->d_name);
		e->type = xstrdup(sysfs_type(dir, de->d_name));
		e->mac = sysfs_attr(dir, de->d_name, "address");
		if (e->mac && !*e->mac) {
			free(e->mac);
			e->mac = NULL;
		}
		e->state = sysfs_attr(dir, de->d_name, "operstate");
		if (!e->state)
			e->state = xstrdup("unknown");
		for (struct ifaddrs *a = ifa; a && !e->ipv4; a = a->ifa_next) {
			if (!a->ifa_addr || !a->ifa_netmask || a->ifa_addr->sa_family != AF_INET ||
			    strcmp(a->ifa_name, de->d_name) != 0)
				continue;
			char host[INET_ADDRSTRLEN];
			struct in_addr m = ((struct sockaddr_in *)a->ifa_netmask)->sin_addr;
			inet_ntop(AF_INET, &((struct sockaddr_in *)a->ifa_addr)->sin_addr, host,
				  sizeof(host));
			e->ipv4 = xasprintf("%s/%d", host, __builtin_popcount(m.s_addr));
		}
	}
	closedir(d);
	freeifaddrs(ifa);
	if (ret->n_devs)
		qsort(ret->devs, ret->n_devs, sizeof(*ret->devs), cmp_dev);
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) == 0)
		ret->hostname = xstrdup_or_null(host);
	return 0;
}

int netinfo_read(azl_netinfo *ret, unsigned timeout_ms)
{
	int r = nm_read_devices(ret, timeout_ms);
	if (r >= 0)
		return 0;
	log_debug("network: NetworkManager not reachable (%s); reading /sys/class/net",
		  strerror(-r));
	return sysfs_read_devices(NULL, ret);
}
