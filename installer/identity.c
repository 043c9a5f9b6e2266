/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define HOSTS_MAX (1u << 20)

/* First whitespace-separated word of a line. */
static char *first_word(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t j = i;
	while (j < len && line[j] != ' ' && line[j] != '\t')
		j++;
	return xstrndup(line + i, j - i);
}

char *identity_hosts_text(const char *old, const char *hostname)
{
	azl_buf b = {0};
	bool have4 = false, have6 = false;
	for (const char *s = old; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		_cleanup_free_ char *w = first_word(s, len);
		/* The hostname line is ours; it is written again below. */
		if (strcmp(w, "127.0.1.1") != 0) {
			have4 = have4 || strcmp(w, "127.0.0.1") == 0;
			have6 = have6 || strcmp(w, "::1") == 0;
			buf_appendn(&b, s, len);
			buf_append(&b, "\n");
		}
		s = nl ? nl + 1 : s + len;
	}
	if (!have4)
		buf_append(&b, "127.0.0.1   localhost localhost.localdomain "
			       "localhost4 localhost4.localdomain4\n");
	if (!have6)
		buf_append(&b, "::1         localhost localhost.localdomain "
			       "localhost6 localhost6.localdomain6\n");
	if (hostname && strcmp(hostname, "localhost") != 0) {
		/* Short name too, for an FQDN, as hostnamectl users expect. */
		const char *dot = strchr(hostname, '.');
		if (dot)
			buf_printf(&b, "127.0.1.1   %s %.*s\n", hostname,
				   (int)(dot - hostname), hostname);
		else
			buf_printf(&b, "127.0.1.1   %s\n", hostname);
	}
	return buf_steal(&b);
}

static bool is_selinux_line(const char *line, size_t len)
{
	return len >= 8 && strncmp(line, "SELINUX=", 8) == 0;
}

char *identity_selinux_text(const char *old, azl_selinux mode)
{
	_cleanup_free_ char *line =
		xasprintf("SELINUX=%s\n", selinux_to_string(mode));
	return text_replace_lines(old ? old : "SELINUXTYPE=targeted\n",
				  is_selinux_line, line);
}

static int write_text(const azl_target *t, const char *path, const char *text,
		      mode_t mode)
{
	int r = target_write_file(t, path, text, strlen(text), mode, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write /%s", path);
	log_info("wrote /%s", path);
	return 0;
}

static int apply_timezone(const azl_target *t, const char *tz)
{
	_cleanup_free_ char *zone = xasprintf("usr/share/zoneinfo/%s", tz);
	int fd = target_openat(t, zone, O_RDONLY, 0);
	if (fd >= 0) {
		struct stat st;
		bool reg = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		close(fd);
		if (!reg)
			return log_error_errno(EINVAL,
					       "time zone '%s' is no zoneinfo "
					       "file in the target",
					       tz);
	} else if (target_exists(t, "usr/share/zoneinfo"))
		return log_error_errno(ENOENT,
				       "time zone '%s' is not in the target's "
				       "tzdata (/usr/share/zoneinfo)",
				       tz);
	else
		log_warning("the target has no tzdata; /etc/localtime points "
			    "to '%s' all the same",
			    tz);
	_cleanup_free_ char *dest = xasprintf("../usr/share/zoneinfo/%s", tz);
	int r = target_symlink(t, dest, "etc/localtime");
	if (r < 0)
		return log_error_errno(r, "cannot link /etc/localtime");
	log_info("/etc/localtime -> %s", dest);
	return 0;
}

static int apply_selinux(const azl_model *m, const azl_target *t)
{
	if (!target_exists(t, "etc/selinux")) {
		if (m->selinux != AZL_SELINUX_DISABLED)
			log_warning("selinux: %s, but the target has no "
				    "/etc/selinux (no policy installed); "
				    "nothing to configure",
				    selinux_to_string(m->selinux));
		return 0;
	}
	_cleanup_free_ char *old = NULL;
	int r = target_read_file(t, "etc/selinux/config", HOSTS_MAX, &old,
				 NULL);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "cannot read /etc/selinux/config");
	_cleanup_free_ char *text = identity_selinux_text(old, m->selinux);
	r = write_text(t, "etc/selinux/config", text, 0644);
	if (r < 0)
		return r;
	if (m->selinux == AZL_SELINUX_DISABLED)
		return 0;
	/* Files written by the installer carry no labels yet. */
	return write_text(t, ".autorelabel", "", 0644);
}

int identity_apply(const azl_model *m, const azl_target *t)
{
	int r = target_mkdir_p(t, "etc", 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create /etc");
	const char *host = m->hostname ? m->hostname : "azurelinux";
	_cleanup_free_ char *hn = xasprintf("%s\n", host);
	if ((r = write_text(t, "etc/hostname", hn, 0644)) < 0)
		return r;
	_cleanup_free_ char *old_hosts = NULL;
	r = target_read_file(t, "etc/hosts", HOSTS_MAX, &old_hosts, NULL);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "cannot read /etc/hosts");
	_cleanup_free_ char *hosts = identity_hosts_text(old_hosts, host);
	if ((r = write_text(t, "etc/hosts", hosts, 0644)) < 0)
		return r;
	if ((r = apply_timezone(t, m->timezone ? m->timezone : "UTC")) < 0)
		return r;
	_cleanup_free_ char *lc =
		xasprintf("LANG=%s\n", m->locale ? m->locale : "en_US.UTF-8");
	if ((r = write_text(t, "etc/locale.conf", lc, 0644)) < 0)
		return r;
	_cleanup_free_ char *vc =
		xasprintf("KEYMAP=%s\n", m->keyboard ? m->keyboard : "us");
	if ((r = write_text(t, "etc/vconsole.conf", vc, 0644)) < 0)
		return r;
	/* Empty, not absent: systemd then generates the id on first boot
	 * and treats it as the first boot (presets apply). */
	if ((r = write_text(t, "etc/machine-id", "", 0444)) < 0)
		return r;
	return apply_selinux(m, t);
}
