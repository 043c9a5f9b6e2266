/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "services.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chroot.h"
#include "log.h"
#include "spawn.h"
#include "util.h"

#define UNIT_MAX (1u << 20)

/* Where systemd looks for units, highest priority first. */
static const char *const unit_dirs[] = {
	"etc/systemd/system",
	"usr/lib/systemd/system",
	"lib/systemd/system",
};

void unit_install_done(azl_unit_install *u)
{
	if (!u)
		return;
	strv_free(u->wanted_by);
	strv_free(u->required_by);
	strv_free(u->alias);
	strv_free(u->also);
	free(u->default_instance);
	*u = (azl_unit_install){0};
}

static char *strip(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return xstrndup(s, len);
}

/* "WantedBy=a.target b.target": words are pushed; an empty value
 * resets the list, as systemd does. */
static void push_words(char ***v, const char *value)
{
	if (!*value) {
		strv_free(*v);
		*v = NULL;
		return;
	}
	_cleanup_free_ char *copy = xstrdup(value);
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (!strv_contains(*v, w))
			strv_push(v, xstrdup(w));
}

void unit_install_parse(const char *text, azl_unit_install *ret)
{
	azl_unit_install u = {0};
	bool in_install = false;
	for (const char *s = text; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		_cleanup_free_ char *line = strip(s, len);
		s = nl ? nl + 1 : s + len;
		if (!*line || line[0] == '#' || line[0] == ';')
			continue;
		if (line[0] == '[') {
			in_install = strcmp(line, "[Install]") == 0;
			continue;
		}
		char *eq = strchr(line, '=');
		if (!in_install || !eq)
			continue;
		_cleanup_free_ char *key = strip(line, (size_t)(eq - line));
		_cleanup_free_ char *value = strip(eq + 1, strlen(eq + 1));
		if (strcmp(key, "WantedBy") == 0)
			push_words(&u.wanted_by, value);
		else if (strcmp(key, "RequiredBy") == 0)
			push_words(&u.required_by, value);
		else if (strcmp(key, "Alias") == 0)
			push_words(&u.alias, value);
		else if (strcmp(key, "Also") == 0)
			push_words(&u.also, value);
		else if (strcmp(key, "DefaultInstance") == 0) {
			free(u.default_instance);
			u.default_instance = *value ? TAKE_PTR(value) : NULL;
		}
	}
	*ret = u;
}

char *unit_name_normalize(const char *name)
{
	static const char *const suffixes[] = {
		".service", ".socket",	  ".timer", ".target", ".path",
		".mount",   ".automount", ".swap",  ".slice",  ".device",
	};
	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
		if (endswith(name, suffixes[i]))
			return xstrdup(name);
	return xasprintf("%s.service", name);
}

/* "foo@.service" + instance "bar" -> "foo@bar.service". */
static char *instantiate(const char *template_name, const char *instance)
{
	const char *at = strchr(template_name, '@');
	if (!at || at[1] != '.' || !instance)
		return xstrdup(template_name);
	return xasprintf("%.*s@%s%s", (int)(at - template_name), template_name, instance, at + 1);
}

char **unit_enable_links(const char *unit, const char *unit_path, const azl_unit_install *in)
{
	char **v = NULL;
	/* A bare template is enabled as its DefaultInstance= (or not at
	 * all: systemctl refuses too). */
	_cleanup_free_ char *name = NULL;
	const char *at = strchr(unit, '@');
	if (at && at[1] == '.') {
		if (!in->default_instance)
			return NULL;
		name = instantiate(unit, in->default_instance);
	} else
		name = xstrdup(unit);
	char **const deps[] = {in->wanted_by, in->required_by};
	const char *const kinds[] = {"wants", "requires"};
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; deps[k] && deps[k][i]; i++) {
			strv_push(&v, xasprintf("etc/systemd/system/%s.%s/%s", deps[k][i], kinds[k],
						name));
			strv_push(&v, xstrdup(unit_path));
		}
	for (size_t i = 0; in->alias && in->alias[i]; i++) {
		strv_push(&v, xasprintf("etc/systemd/system/%s", in->alias[i]));
		strv_push(&v, xstrdup(unit_path));
	}
	return v;
}

/* The unit's file in the target: the template's for an instance. Sets
 * *ret_path to the absolute path inside the target. */
static int find_unit(const azl_target *t, const char *unit, char **ret_path, char **ret_text)
{
	_cleanup_free_ char *file = xstrdup(unit);
	char *at = strchr(file, '@');
	if (at && at[1] != '.') {
		char *dot = strrchr(at, '.');
		if (dot)
			memmove(at + 1, dot, strlen(dot) + 1);
	}
	for (size_t i = 0; i < ELEMENTSOF(unit_dirs); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", unit_dirs[i], file);
		_cleanup_free_ char *text = NULL;
		int r = target_read_file(t, p, UNIT_MAX, &text, NULL);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return log_error_errno(r, "cannot read /%s", p);
		/* Lower-priority copies under /lib are what /usr/lib is
		 * on a merged-/usr system; links point at /usr/lib. */
		*ret_path = i == 2 ? xasprintf("/usr/lib/systemd/system/%s", file)
				   : xasprintf("/%s", p);
		*ret_text = TAKE_PTR(text);
		return 0;
	}
	return -ENOENT;
}

static int make_link(const azl_target *t, const char *link, const char *dest)
{
	_cleanup_free_ char *dir = xstrdup(link);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		int r = target_mkdir_p(t, dir, 0755);
		if (r < 0)
			return log_error_errno(r, "cannot create /%s", dir);
	}
	int r = target_symlink(t, dest, link);
	if (r < 0)
		return log_error_errno(r, "cannot link /%s", link);
	log_info("/%s -> %s", link, dest);
	return 0;
}

static int enable_unit(const azl_target *t, const char *name, int depth)
{
	_cleanup_free_ char *unit = unit_name_normalize(name);
	_cleanup_free_ char *path = NULL, *text = NULL;
	int r = find_unit(t, unit, &path, &text);
	if (r == -ENOENT) {
		log_warning("services: unit '%s' is not in the target; not enabled", unit);
		return 0;
	}
	if (r < 0)
		return r;
	azl_unit_install in = {0};
	unit_install_parse(text, &in);
	/* An instance takes its own name, not the DefaultInstance. */
	const char *at = strchr(unit, '@');
	if (at && at[1] != '.') {
		free(in.default_instance);
		in.default_instance = NULL;
	}
	_cleanup_strv_free_ char **links = unit_enable_links(unit, path, &in);
	if (!links)
		log_warning("services: unit '%s' has no [Install] section; nothing to enable",
			    unit);
	for (size_t i = 0; r >= 0 && links && links[i]; i += 2)
		r = make_link(t, links[i], links[i + 1]);
	for (size_t i = 0; r >= 0 && depth < 8 && in.also && in.also[i]; i++)
		r = enable_unit(t, in.also[i], depth + 1);
	unit_install_done(&in);
	return r < 0 ? r : 0;
}

/* Removes every link to unit in etc/systemd/system/ *.wants|*.requires
 * and its aliases. */
static int disable_unit(const azl_target *t, const char *name)
{
	_cleanup_free_ char *unit = unit_name_normalize(name);
	_cleanup_free_ char *path = NULL, *text = NULL;
	int r = find_unit(t, unit, &path, &text);
	if (r == -ENOENT)
		log_warning(
			"services: unit '%s' is not in the target; removing any links to it all the same",
			unit);
	else if (r < 0)
		return r;
	azl_unit_install in = {0};
	if (text)
		unit_install_parse(text, &in);
	_cleanup_close_ int dfd = target_openat(t, "etc/systemd/system", O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0) {
		unit_install_done(&in);
		return dfd == -ENOENT ? 0 : log_error_errno(dfd, "cannot open /etc/systemd/system");
	}
	DIR *d = fd_opendir_dup(dfd);
	if (!d) {
		r = log_error_errno(errno, "cannot read /etc/systemd/system");
		unit_install_done(&in);
		return r;
	}
	r = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!endswith(e->d_name, ".wants") && !endswith(e->d_name, ".requires"))
			continue;
		_cleanup_close_ int sub =
			openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		struct stat st;
		if (fstatat(sub, unit, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			if (unlinkat(sub, unit, 0) < 0)
				r = log_error_errno(errno,
						    "cannot remove /etc/systemd/system/%s/%s",
						    e->d_name, unit);
			else
				log_info("removed /etc/systemd/system/%s/%s", e->d_name, unit);
		}
	}
	closedir(d);
	for (size_t i = 0; in.alias && in.alias[i]; i++) {
		struct stat st;
		if (fstatat(dfd, in.alias[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode) && unlinkat(dfd, in.alias[i], 0) == 0)
			log_info("removed /etc/systemd/system/%s", in.alias[i]);
	}
	unit_install_done(&in);
	return r;
}

/* First boot (/etc/machine-id says "uninitialized") applies the target's
 * presets in enable-only mode: a unit that a preset file enables would come
 * back. A "disable" line in a preset file of our own, sorting before the
 * distribution's (first match wins), keeps it off. */
static int write_presets(const azl_target *t, char *const *units)
{
	static const char path[] = "etc/systemd/system-preset/00-azl-installer.preset";
	if (!units)
		return 0;
	azl_buf b = {0};
	buf_append(
		&b,
		"# Written by azl-installer: units the answer file disables stay disabled\n# when presets are applied on first boot.\n");
	for (size_t i = 0; units[i]; i++)
		buf_printf(&b, "disable %s\n", units[i]);
	_cleanup_free_ char *text = buf_steal(&b);
	int r = target_mkdir_p(t, "etc/systemd/system-preset", 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create /etc/systemd/system-preset");
	r = target_write_file(t, path, text, strlen(text), 0644, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write /%s", path);
	log_info("wrote /%s", path);
	return 0;
}

/* ntp: {enabled: false}: the time service the target has, chronyd or
 * else systemd-timesyncd, is disabled. */
static const char *ntp_unit(const azl_target *t)
{
	static const char *const units[] = {"chronyd.service", "systemd-timesyncd.service"};
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		if (find_unit(t, units[i], &path, &text) == 0)
			return units[i];
	}
	return NULL;
}

/* --- firewalld's offline configuration --------------------------------- */

#define ZONE_MAX (256u * 1024)

/* The zone firewalld.conf names as DefaultZone, else "public". */
static char *default_zone(const azl_target *t)
{
	_cleanup_free_ char *conf = NULL;
	size_t len = 0;
	if (target_read_file(t, "etc/firewalld/firewalld.conf", ZONE_MAX, &conf, &len) == 0)
		for (char *line = strtok(conf, "\n"); line; line = strtok(NULL, "\n")) {
			if (!startswith(line, "DefaultZone="))
				continue;
			const char *z = line + strlen("DefaultZone=");
			size_t n = strspn(
				z,
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
			if (n > 0 && n < 64 && z[n] == '\0')
				return xstrdup(z);
		}
	return xstrdup("public");
}

/* One line of XML text holds this element (a zone file lists one per
 * line, as firewalld writes it). */
static bool has_line(const char *xml, const char *element)
{
	return strstr(xml, element) != NULL;
}

/* Adds (add) and removes (drop) the elements "<KIND NAME/>" of zone in the
 * target's /etc/firewalld/zones/ZONE.xml, starting from the one there or
 * firewalld's own /usr/lib/firewalld/zones/ZONE.xml; everything else of
 * the zone is kept as it is. What firewall-offline-cmd does, without
 * running it. */
static int edit_zone(const azl_target *t, const char *zone, char *const *add, char *const *drop)
{
	_cleanup_free_ char *etc = xasprintf("etc/firewalld/zones/%s.xml", zone);
	_cleanup_free_ char *usr = xasprintf("usr/lib/firewalld/zones/%s.xml", zone);
	_cleanup_free_ char *base = NULL;
	size_t len = 0;
	if (target_read_file(t, etc, ZONE_MAX, &base, &len) < 0 &&
	    target_read_file(t, usr, ZONE_MAX, &base, &len) < 0)
		base = xasprintf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
				 "<zone>\n  <short>%s</short>\n</zone>\n",
				 zone);
	char *close = strstr(base, "</zone>");
	if (!close)
		return log_error_errno(
			EINVAL, "/%s is not a firewalld zone (no </zone>); rules not written", usr);
	azl_buf b = {0};
	/* Lines before </zone>, less the dropped elements. */
	for (const char *p = base; p < close;) {
		const char *nl = memchr(p, '\n', (size_t)(close - p));
		size_t n = nl ? (size_t)(nl - p + 1) : (size_t)(close - p);
		bool dropped = false;
		for (size_t i = 0; drop && drop[i]; i++) {
			size_t k = strlen(drop[i]);
			const char *hit = memmem(p, n, drop[i], k);
			dropped = dropped || hit;
		}
		if (!dropped)
			buf_appendn(&b, p, n);
		p += n;
	}
	for (size_t i = 0; add && add[i]; i++)
		if (!has_line(base, add[i]))
			buf_printf(&b, "  %s\n", add[i]);
	buf_append(&b, close);
	int r = target_mkdir_p(t, "etc/firewalld/zones", 0750);
	if (r >= 0)
		r = target_write_file(t, etc, b.data, b.len, 0644, 0, 0);
	buf_free(&b);
	if (r < 0)
		return log_error_errno(r, "cannot write /%s", etc);
	log_info("firewalld: wrote /%s", etc);
	return 0;
}

static int firewall_apply(const azl_model *m, const azl_target *t)
{
	const azl_firewall *f = &m->services.firewall;
	if (!f->services && !f->ports && !f->trusted && !f->remove_services)
		return 0;
	if (!target_exists(t, "usr/lib/firewalld/zones") &&
	    !target_exists(t, "usr/sbin/firewalld")) {
		log_warning(
			"firewall rules (services.firewall) are not written: the target has no firewalld; add firewalld to packages.install");
		return 0;
	}
	_cleanup_free_ char *zone = default_zone(t);
	_cleanup_strv_free_ char **add = NULL, **drop = NULL;
	for (char **s = f->services; s && *s; s++)
		strv_push(&add, xasprintf("<service name=\"%s\"/>", *s));
	for (char **s = f->ports; s && *s; s++) {
		const char *slash = strchr(*s, '/');
		if (slash)
			strv_push(&add, xasprintf("<port protocol=\"%s\" port=\"%.*s\"/>",
						  slash + 1, (int)(slash - *s), *s));
	}
	for (char **s = f->remove_services; s && *s; s++)
		strv_push(&drop, xasprintf("<service name=\"%s\"/>", *s));
	int r = 0;
	if (add || drop)
		r = edit_zone(t, zone, add, drop);
	if (r >= 0 && f->trusted) {
		_cleanup_strv_free_ char **ifs = NULL;
		for (char **s = f->trusted; *s; s++)
			strv_push(&ifs, xasprintf("<interface name=\"%s\"/>", *s));
		r = edit_zone(t, "trusted", ifs, NULL);
	}
	return r;
}

/* What Anaconda and a Fedora image build do after the packages: every
 * unit enabled or disabled as the distribution's presets say
 * (/usr/lib/systemd/system-preset), by the target's own systemctl in the
 * target (it sees the chroot and works on the files, with no manager to
 * talk to). The answer file's services come on top of this. Without
 * systemctl (the busybox stand-in) the presets wait for first boot. */
static int presets_apply(const azl_target *t)
{
	static const char *const tools[] = {"usr/bin/systemctl", "bin/systemctl", NULL};
	const char *tool = NULL;
	for (size_t i = 0; tools[i] && !tool; i++)
		if (target_exists(t, tools[i]))
			tool = tools[i];
	if (!tool) {
		log_info(
			"services: the target has no systemctl; its presets are applied on first boot");
		return 0;
	}
	azl_chroot_mounts cm = {0};
	int r = chroot_mount(t->root, &cm);
	if (r < 0)
		return r;
	_cleanup_free_ char *abs = xasprintf("/%s", tool);
	char *argv[] = {abs, "preset-all", NULL};
	azl_spawn_opts o = {.chroot = t->root};
	r = spawn_check(argv, &o);
	int u = chroot_umount(&cm);
	if (r < 0)
		return log_error_errno(
			r,
			"services: the target's presets could not be applied (systemctl preset-all)");
	log_info("services: the target's presets applied (systemctl preset-all)");
	return u;
}

int services_apply(const azl_model *m, const azl_target *t)
{
	int r = presets_apply(t);
	_cleanup_strv_free_ char **off = NULL;
	for (size_t i = 0; r >= 0 && m->services.enable && m->services.enable[i]; i++)
		r = enable_unit(t, m->services.enable[i], 0);
	for (size_t i = 0; r >= 0 && m->services.disable && m->services.disable[i]; i++) {
		r = disable_unit(t, m->services.disable[i]);
		char *unit = unit_name_normalize(m->services.disable[i]);
		if (strv_contains(off, unit))
			free(unit);
		else
			strv_push(&off, unit);
	}
	if (r >= 0 && m->ntp.disabled) {
		const char *unit = ntp_unit(t);
		if (!unit)
			log_warning(
				"ntp: enabled: false, but the target has neither chronyd.service nor systemd-timesyncd.service; nothing to disable");
		else {
			_cleanup_strv_free_ char **en = NULL;
			for (size_t i = 0; m->services.enable && m->services.enable[i]; i++)
				strv_push(&en, unit_name_normalize(m->services.enable[i]));
			if (strv_contains(en, unit))
				log_warning(
					"ntp: enabled: false disables '%s', which services.enable lists",
					unit);
			r = disable_unit(t, unit);
			if (r >= 0) {
				log_info("ntp: '%s' disabled", unit);
				if (!strv_contains(off, unit))
					strv_push(&off, xstrdup(unit));
			}
		}
	}
	if (r >= 0)
		r = write_presets(t, off);
	if (r >= 0)
		r = firewall_apply(m, t);
	return r;
}
