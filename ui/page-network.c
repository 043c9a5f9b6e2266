/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network: host name and, per interface, DHCP or a static address. The
 * page edits a clone of the network section, lists the devices of this
 * machine (through libnm when NetworkManager runs, else /sys/class/net)
 * and shows the configuration that will be written into the target. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "netconf.h"
#include "pages.h"
#include "util.h"

static const char net_help[] =
	N_("Tab next  Space/Left/Right change  Enter next  Esc cancel  F1 keys");

static const char *const methods[] = {N_("DHCP"), N_("static")};

enum { N_HOST, N_IFACE, N_METHOD, N_ADDR, N_GW, N_DNS, N_DONE, N_CANCEL };

static char *join(char *const *v)
{
	azl_buf b = {0};
	for (size_t i = 0; v && v[i]; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", v[i]);
	return buf_steal(&b);
}

static azl_interface *find(azl_network *n, const char *name)
{
	for (size_t i = 0; i < n->n_interfaces; i++)
		if (streq_ptr(n->interfaces[i].name, name))
			return &n->interfaces[i];
	return NULL;
}

static void load(ui_form *f, azl_network *n, const char *name)
{
	azl_interface *it = find(n, name);
	bool stat = it && !it->dhcp4 && !it->dhcp6;
	f->items[N_METHOD].choice = stat;
	_cleanup_free_ char *a = it ? join(it->addresses) : xstrdup("");
	_cleanup_free_ char *d = it ? join(it->dns) : xstrdup("");
	ui_field_set(&f->items[N_ADDR].field, a);
	ui_field_set(&f->items[N_GW].field,
		     it ? (it->gateway4 ? it->gateway4 : it->gateway6) : NULL);
	ui_field_set(&f->items[N_DNS].field, d);
}

/* The fields into the clone; an interface left at DHCP that the model did
 * not name stays out of it (the installer's default covers it). */
static int store(ui_form *f, azl_network *n, const char *name, const char **ret_why)
{
	if (!name)
		return 0;
	azl_interface *it = find(n, name);
	if (f->items[N_METHOD].choice == 0) {
		if (it)
			interface_set_dhcp(it);
		return 0;
	}
	_cleanup_free_ char *a = ui_field_get(&f->items[N_ADDR].field);
	_cleanup_free_ char *g = ui_field_get(&f->items[N_GW].field);
	_cleanup_free_ char *d = ui_field_get(&f->items[N_DNS].field);
	azl_interface tmp = {0};
	int r = interface_set_static(&tmp, a, g, d, ret_why);
	interface_done(&tmp);
	if (r < 0)
		return r;
	return interface_set_static(network_interface(n, name), a, g, d, ret_why);
}

static char *preview(const azl_network *n, const char *host)
{
	azl_buf b = {0};
	buf_printf(&b, "hostname: %s\n", host);
	if (n->n_interfaces == 0)
		buf_printf(&b, "%s\n", _("every Ethernet interface: DHCP"));
	for (size_t i = 0; i < n->n_interfaces; i++) {
		const azl_interface *it = &n->interfaces[i];
		_cleanup_free_ char *a = join(it->addresses);
		_cleanup_free_ char *d = join(it->dns);
		if (it->dhcp4 || it->dhcp6)
			buf_printf(&b, "%s: DHCP\n", it->name);
		else
			buf_printf(&b, "%s: %s  gw %s  dns %s\n", it->name, a,
				   it->gateway4	  ? it->gateway4
				   : it->gateway6 ? it->gateway6
						  : "-",
				   *d ? d : "-");
	}
	return buf_steal(&b);
}

int page_network(ui_ctx *c)
{
	azl_network net = {0};
	network_clone(&net, &c->m->network);
	/* Never waits long: a busy or absent bus falls back to sysfs. */
	azl_netinfo info = {0};
	if (netinfo_read(&info, 1500) < 0)
		info = (azl_netinfo){0};
	_cleanup_free_ char *devtext = netinfo_text(&info);
	_cleanup_strv_free_ char **names = xzalloc(sizeof(char *));
	for (size_t i = 0; i < info.n_devs; i++)
		strv_push(&names, xstrdup(info.devs[i].name));
	for (size_t i = 0; c->ifaces && c->ifaces[i]; i++)
		if (!strv_contains(names, c->ifaces[i]))
			strv_push(&names, xstrdup(c->ifaces[i]));
	for (size_t i = 0; i < net.n_interfaces; i++)
		if (net.interfaces[i].name && !strv_contains(names, net.interfaces[i].name))
			strv_push(&names, xstrdup(net.interfaces[i].name));
	ui_form f = {.label_w = 18};
	ui_field_set(&ui_form_add(&f, UI_ITEM_FIELD, N_("Host name"))->field, c->m->hostname);
	ui_item *ifc = ui_form_add(&f, UI_ITEM_CHOICE, N_("Interface"));
	ifc->choices = (const char *const *)names;
	ifc->n_choices = strv_length(names);
	ui_item *meth = ui_form_add(&f, UI_ITEM_CHOICE, N_("IPv4/IPv6"));
	meth->choices = methods;
	meth->n_choices = 2;
	ui_form_add(&f, UI_ITEM_FIELD, N_("Addresses"));
	ui_form_add(&f, UI_ITEM_FIELD, N_("Gateway"));
	ui_form_add(&f, UI_ITEM_FIELD, N_("DNS servers"));
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Done"));
	ui_form_add(&f, UI_ITEM_BUTTON, N_("Cancel"));
	size_t shown_if = 0;
	if (ifc->n_choices)
		load(&f, &net, names[0]);
	int result = UI_BACK;
	for (;;) {
		bool has_if = ifc->n_choices > 0;
		ifc->disabled = meth->disabled = !has_if;
		bool stat = has_if && meth->choice == 1;
		f.items[N_ADDR].disabled = f.items[N_GW].disabled = f.items[N_DNS].disabled = !stat;
		ui_frame(N_("Network"), net_help);
		ui_form_draw(&f, 2, 2, COLS - 4);
		_cleanup_free_ char *host = ui_field_get(&f.items[N_HOST].field);
		_cleanup_free_ char *pv = preview(&net, host);
		/* The devices from row 11, leaving the preview 3 rows. */
		int y = 11, last = LINES - 3;
		const char *line = devtext;
		for (bool first = true; *line && y <= last - 4; first = false) {
			size_t len = strcspn(line, "\n");
			_cleanup_free_ char *one = xstrndup(line, len);
			if (first)
				ui_attr_on(UIA_BOLD);
			ui_put(y++, 2, COLS - 4, one, false);
			if (first)
				ui_attr_off(UIA_BOLD);
			line += len + (line[len] == '\n');
		}
		ui_attr_on(UIA_BOLD);
		ui_put(y, 2, COLS - 4, _("Configuration that will be written:"), false);
		ui_attr_off(UIA_BOLD);
		ui_wrap(y + 1, 4, COLS - 6, last - y, pv);
		int k = ui_getkey();
		if (k == UIK_QUIT) {
			result = UI_QUIT;
			break;
		}
		if (k == UIK_ESC)
			break;
		size_t before = ifc->choice;
		int b = ui_form_key(&f, k);
		const char *why = NULL;
		if (has_if && ifc->choice != before) {
			/* Switching interface: keep what was typed. */
			size_t now = ifc->choice;
			ifc->choice = before;
			if (store(&f, &net, names[shown_if], &why) < 0) {
				ui_message(_("Network"), why);
				continue;
			}
			ifc->choice = shown_if = now;
			load(&f, &net, names[now]);
			continue;
		}
		if (b == N_CANCEL)
			break;
		if (b != N_DONE)
			continue;
		if (has_if && store(&f, &net, names[shown_if], &why) < 0) {
			ui_message(_("Network"), why);
			continue;
		}
		if (!hostname_is_valid(host)) {
			ui_message(
				_("Network"),
				_("A host name is letters, digits and hyphens, with dots between labels."));
			continue;
		}
		free(c->m->hostname);
		c->m->hostname = TAKE_PTR(host);
		network_done(&c->m->network);
		c->m->network = net;
		net = (azl_network){0};
		c->m->has_network = true;
		result = UI_DONE;
		break;
	}
	network_done(&net);
	netinfo_done(&info);
	ui_form_done(&f);
	return result;
}
