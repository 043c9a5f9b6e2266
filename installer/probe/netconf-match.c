/* SPDX-License-Identifier: GPL-2.0-or-later */
/* match: {link: true} and {bootif: true} resolved to a MAC at install
 * time (netconf-match.h). */
#include "netconf-match.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "log.h"
#include "util.h"

#define CMDLINE_MAX (64u * 1024)
#define ATTR_MAX    4096

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "52:54:00:12:34:56" or with dashes; exactly six two-digit octets.
 * Writes the lowercase colon form into out (18 bytes). */
static bool parse_octets(const char *s, size_t n_octets, unsigned char *out)
{
	for (size_t k = 0; k < n_octets; k++) {
		const char *o = s + 3 * k;
		int hi = hexval(o[0]), lo = hi < 0 ? -1 : hexval(o[1]);
		if (hi < 0 || lo < 0)
			return false;
		out[k] = (unsigned char)(hi << 4 | lo);
		char sep = o[2];
		if (k + 1 < n_octets ? (sep != '-' && sep != ':') : sep != '\0')
			return false;
		/* One separator style throughout. */
		if (k > 0 && k + 1 < n_octets && sep != s[2])
			return false;
	}
	return true;
}

static char *format_mac(const unsigned char *m)
{
	return xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int netconf_parse_bootif(const char *value, char **ret_mac)
{
	unsigned char o[7];
	size_t len = value ? strlen(value) : 0;
	if (len == 20) {
		/* pxelinux: the ARP hardware type first; 01 is ethernet. */
		if (!parse_octets(value, 7, o) || o[0] != 0x01 || (o[1] & 1))
			return -EINVAL;
		*ret_mac = format_mac(o + 1);
		return 0;
	}
	/* Without the type: a MAC, never a multicast one (which also
	 * refuses a type-prefixed address that lost an octet). */
	if (len == 17 && parse_octets(value, 6, o) && !(o[0] & 1)) {
		*ret_mac = format_mac(o);
		return 0;
	}
	return -EINVAL;
}

int netconf_cmdline_bootif(const char *cmdline, char **ret_value)
{
	_cleanup_strv_free_ char **v = cmdline_values(cmdline, "BOOTIF", false);
	size_t n = strv_length(v);
	if (n == 0)
		return -ENOENT;
	*ret_value = xstrdup(v[n - 1]);
	return 0;
}

static const char *source(const char *given, const char *env, const char *fallback)
{
	if (given)
		return given;
	const char *e = getenv(env);
	return e && *e ? e : fallback;
}

int netconf_bootif_mac(const char *cmdline_path, char **ret_mac)
{
	const char *path = cmdline_path;
	_cleanup_free_ char *text = NULL, *value = NULL;
	int r = path ? read_file_bounded(path, CMDLINE_MAX, &text, NULL)
		     : cmdline_read(&text, &path);
	if (r < 0)
		return log_error_errno(
			r, "network: match: {bootif: true}: cannot read the kernel command line %s",
			path);
	if (netconf_cmdline_bootif(text, &value) < 0) {
		log_error(
			"network: match: {bootif: true}: the kernel command line (%s) has no BOOTIF= parameter; boot through PXE with BOOTIF=01-xx-xx-xx-xx-xx-xx (pxelinux IPAPPEND 2, iPXE ${net0/mac:hexhyp}) or match the interface by name or MAC",
			path);
		return -ENODEV;
	}
	r = netconf_parse_bootif(value, ret_mac);
	if (r < 0) {
		log_error(
			"network: match: {bootif: true}: BOOTIF='%s' on the kernel command line is not an ethernet address (01-xx-xx-xx-xx-xx-xx)",
			value);
		return -EINVAL;
	}
	return 0;
}

/* One attribute of an interface, first line only; NULL when unreadable
 * (a carrier of an interface that is down reads as EINVAL). */
static char *attr(int dfd, const char *ifname, const char *name)
{
	_cleanup_free_ char *rel = xasprintf("%s/%s", ifname, name);
	_cleanup_close_ int fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char buf[ATTR_MAX];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

static bool has_entry(int dfd, const char *ifname, const char *name)
{
	_cleanup_free_ char *rel = xasprintf("%s/%s", ifname, name);
	struct stat st;
	return fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Why ifname is not the link interface; NULL when it is. */
static const char *not_link(int dfd, const char *ifname, char **ret_mac)
{
	if (strcmp(ifname, "lo") == 0)
		return "loopback";
	if (!has_entry(dfd, ifname, "device"))
		return "virtual";
	if (has_entry(dfd, ifname, "wireless") || has_entry(dfd, ifname, "phy80211"))
		return "wireless";
	_cleanup_free_ char *type = attr(dfd, ifname, "type");
	if (type && strcmp(type, "1") != 0) /* ARPHRD_ETHER */
		return "not ethernet";
	_cleanup_free_ char *carrier = attr(dfd, ifname, "carrier");
	if (!carrier || strcmp(carrier, "1") != 0)
		return "no carrier";
	_cleanup_free_ char *addr = attr(dfd, ifname, "address");
	unsigned char o[6];
	if (!addr || strlen(addr) != 17 || !parse_octets(addr, 6, o) ||
	    !(o[0] | o[1] | o[2] | o[3] | o[4] | o[5]))
		return "no MAC address";
	*ret_mac = format_mac(o);
	return NULL;
}

int netconf_link_mac(const char *sysfs_dir, char **ret_mac, char **ret_ifname)
{
	const char *dir = source(sysfs_dir, "AZL_SYSFS_NET", "/sys/class/net");
	DIR *d = opendir(dir);
	if (!d)
		return log_error_errno(errno, "network: match: {link: true}: cannot read %s", dir);
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(&names, xstrdup(de->d_name));
	size_t n = strv_length(names);
	if (n)
		strv_sort_n(names, n);
	azl_buf seen = {0};
	char *mac = NULL;
	for (size_t k = 0; k < n && !mac; k++) {
		const char *why = not_link(dirfd(d), names[k], &mac);
		if (why)
			buf_printf(&seen, "%s'%s' (%s)", seen.len ? ", " : "", names[k], why);
		else if (ret_ifname)
			*ret_ifname = xstrdup(names[k]);
	}
	closedir(d);
	if (!mac) {
		log_error(
			"network: match: {link: true}: no ethernet interface of this machine has a link (a cable plugged in and the interface up); looked at %s in %s",
			seen.len ? seen.data : "nothing", dir);
		buf_free(&seen);
		return -ENODEV;
	}
	buf_free(&seen);
	*ret_mac = mac;
	return 0;
}

void resolved_network_done(azl_resolved_network *r)
{
	if (!r)
		return;
	free(r->net.interfaces);
	strv_free(r->macs);
	*r = (azl_resolved_network){0};
}

int netconf_resolve_matches(const azl_network *n, azl_resolved_network *ret)
{
	azl_resolved_network res = {.net = *n};
	res.net.interfaces = NULL;
	if (n->n_interfaces)
		res.net.interfaces = xcalloc(n->n_interfaces, sizeof(*n->interfaces));
	for (size_t k = 0; k < n->n_interfaces; k++)
		res.net.interfaces[k] = n->interfaces[k];
	/* Each source is read once: every link entry gets the same
	 * interface, every bootif entry the same MAC. */
	_cleanup_free_ char *link_mac = NULL, *link_if = NULL;
	_cleanup_free_ char *boot_mac = NULL;
	int r = 0;
	for (size_t k = 0; r >= 0 && k < n->n_interfaces; k++) {
		azl_interface *i = &res.net.interfaces[k];
		const char *mac = NULL;
		if (i->match_bootif) {
			if (!boot_mac && (r = netconf_bootif_mac(NULL, &boot_mac)) >= 0)
				log_info("network: match: {bootif: true} is %s (BOOTIF=)",
					 boot_mac);
			mac = boot_mac;
		} else if (i->match_link) {
			if (!link_mac && (r = netconf_link_mac(NULL, &link_mac, &link_if)) >= 0)
				log_info("network: match: {link: true} is '%s', %s", link_if,
					 link_mac);
			mac = link_mac;
		} else
			continue;
		if (r < 0)
			break;
		strv_push(&res.macs, xstrdup(mac));
		i->match_mac = res.macs[strv_length(res.macs) - 1];
		i->match_link = i->match_bootif = false;
	}
	if (r < 0) {
		resolved_network_done(&res);
		return r;
	}
	*ret = res;
	return 0;
}
