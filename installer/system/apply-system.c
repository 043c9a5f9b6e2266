/* SPDX-License-Identifier: GPL-2.0-or-later */
/* system_apply: the configure phase. The boot loader lives in
 * apply-bootloader.c, the scripts in scripts.c. */
#include "apply-system.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "accounts.h"
#include "i18n.h"
#include "identity.h"
#include "log.h"
#include "netconf-match.h"
#include "netconf.h"
#include "progress.h"
#include "services.h"

#define CHRONY_CONF_MAX (1u << 20)

/* "server", "pool" as chrony's first word (chrony ignores case). */
static bool is_source_line(const char *line, size_t len)
{
	static const char *const words[] = {"server", "pool"};
	size_t skip = strspn(line, " \t");
	if (skip >= len)
		return false;
	line += skip;
	len -= skip;
	for (size_t i = 0; i < ELEMENTSOF(words); i++) {
		size_t n = strlen(words[i]);
		if (len > n && strncasecmp(line, words[i], n) == 0 &&
		    (line[n] == ' ' || line[n] == '\t'))
			return true;
	}
	return false;
}

static void append_sources(azl_buf *b, char *const *servers, char *const *pools)
{
	for (size_t i = 0; servers && servers[i]; i++)
		buf_printf(b, "server %s iburst\n", servers[i]);
	for (size_t i = 0; pools && pools[i]; i++)
		buf_printf(b, "pool %s iburst\n", pools[i]);
}

char *ntp_chrony_conf(const char *old, char *const *servers, char *const *pools)
{
	azl_buf b = {0};
	append_sources(&b, servers, pools);
	_cleanup_free_ char *block = buf_steal(&b);
	return text_replace_lines(old, is_source_line, block);
}

char *ntp_timesyncd_conf(char *const *servers, char *const *pools)
{
	azl_buf b = {0};
	buf_append(&b,
		   "# Written by azl-installer from the answer file's ntp: section.\n[Time]\nNTP=");
	const char *sep = "";
	for (size_t i = 0; servers && servers[i]; i++, sep = " ")
		buf_printf(&b, "%s%s", sep, servers[i]);
	for (size_t i = 0; pools && pools[i]; i++, sep = " ")
		buf_printf(&b, "%s%s", sep, pools[i]);
	buf_append(&b, "\n");
	return buf_steal(&b);
}

/* ntp.servers and ntp.pools into the target's time service. enabled:
 * false is services.c's (the unit is disabled there). */
static int ntp_apply(const azl_ntp *ntp, const azl_target *t)
{
	if (!ntp->servers && !ntp->pools)
		return 0;
	int r;
	if (target_exists(t, "etc/chrony.conf")) {
		_cleanup_free_ char *old = NULL;
		r = target_read_file(t, "etc/chrony.conf", CHRONY_CONF_MAX, &old, NULL);
		if (r < 0)
			return log_error_errno(r, "cannot read /etc/chrony.conf");
		_cleanup_free_ char *text = ntp_chrony_conf(old, ntp->servers, ntp->pools);
		r = target_write_file(t, "etc/chrony.conf", text, strlen(text), 0644, 0, 0);
		if (r < 0)
			return log_error_errno(r, "cannot write /etc/chrony.conf");
		log_info("ntp: %zu server(s) and %zu pool(s) in /etc/chrony.conf",
			 strv_length(ntp->servers), strv_length(ntp->pools));
		return 0;
	}
	if (target_exists(t, "usr/lib/systemd/systemd-timesyncd") ||
	    target_exists(t, "usr/lib/systemd/system/systemd-timesyncd.service")) {
		static const char dir[] = "etc/systemd/timesyncd.conf.d";
		static const char path[] = "etc/systemd/timesyncd.conf.d/azl-installer.conf";
		log_warning(
			"ntp: the target has no chrony (/etc/chrony.conf); the time servers go to systemd-timesyncd");
		r = target_mkdir_p(t, dir, 0755);
		if (r < 0)
			return log_error_errno(r, "cannot create /%s", dir);
		_cleanup_free_ char *text = ntp_timesyncd_conf(ntp->servers, ntp->pools);
		r = target_write_file(t, path, text, strlen(text), 0644, 0, 0);
		if (r < 0)
			return log_error_errno(r, "cannot write /%s", path);
		log_info("wrote /%s", path);
		return 0;
	}
	log_warning(
		"ntp: the target has no chrony (/etc/chrony.conf) and no systemd-timesyncd; the %zu time server(s) and %zu pool(s) of the answer file are not configured (add chrony to packages.install)",
		strv_length(ntp->servers), strv_length(ntp->pools));
	return 0;
}

/* match: {link|bootif} become MAC matches before either writer sees
 * the interfaces; the model (and so the answer file written at the end)
 * keeps them as they were. */
static int network_apply(const azl_model *m, const azl_target *t)
{
	bool any = false;
	for (size_t i = 0; i < m->network.n_interfaces; i++)
		any = any || m->network.interfaces[i].match_link ||
		      m->network.interfaces[i].match_bootif;
	if (!any || netconf_detect(t) == AZL_NET_NONE)
		return netconf_apply(m, t);
	azl_resolved_network res = {0};
	int r = netconf_resolve_matches(&m->network, &res);
	if (r < 0)
		return r;
	/* A shallow view of the model: everything borrowed, nothing freed
	 * through it. */
	azl_model view = *m;
	view.network = res.net;
	r = netconf_apply(&view, t);
	resolved_network_done(&res);
	return r;
}

/* certificates: (kickstart %certificate) at DIR/FILENAME, 0644 root, the
 * directory made when missing and a file already there replaced, as
 * Anaconda's ImportCertificatesTask does; first, as Anaconda imports them
 * first in its configuration queue. Through the target's root fd: a
 * symlink in the target never leads the write out of it. */
static int certificates_apply(const azl_model *m, const azl_target *t)
{
	for (size_t i = 0; i < m->n_certificates; i++) {
		const azl_certificate *c = &m->certificates[i];
		/* --dir /etc/pki/custom/ as Anaconda's examples write it. */
		_cleanup_free_ char *dir = xstrdup(c->dir);
		for (size_t dl = strlen(dir); dl > 0 && dir[dl - 1] == '/';)
			dir[--dl] = '\0';
		int r = *dir ? target_mkdir_p(t, dir, 0755) : 0;
		if (r < 0)
			return log_error_errno(
				r, "cannot create the directory '%s' of certificate '%s'", c->dir,
				c->filename);
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, c->filename);
		if (target_exists(t, path))
			log_info("certificate: %s is there already; replacing it", path);
		r = target_write_file(t, path, c->pem, strlen(c->pem), 0644, 0, 0);
		if (r < 0)
			return log_error_errno(r, "cannot write the certificate %s", path);
		log_info("certificate: wrote %s", path);
	}
	return 0;
}

int system_apply(const azl_model *m, const azl_target *t, const azl_installed_storage *st)
{
	(void)st;
	int r;
	if ((r = certificates_apply(m, t)) < 0)
		return r;
	progress_phase(AZL_PHASE_CONFIGURE, 0, _("Setting host name, time zone and locale"));
	if ((r = identity_apply(m, t)) < 0)
		return r;
	if ((r = ntp_apply(&m->ntp, t)) < 0)
		return r;
	progress_phase(AZL_PHASE_CONFIGURE, 25, _("Creating accounts"));
	if ((r = accounts_apply(m, t)) < 0)
		return r;
	progress_phase(AZL_PHASE_CONFIGURE, 60, _("Configuring the network"));
	if ((r = network_apply(m, t)) < 0)
		return r;
	progress_phase(AZL_PHASE_CONFIGURE, 85, _("Enabling services"));
	if ((r = services_apply(m, t)) < 0)
		return r;
	progress_phase(AZL_PHASE_CONFIGURE, 100, _("System configured"));
	return 0;
}
