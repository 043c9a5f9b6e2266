/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "identity.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chroot.h"
#include "log.h"
#include "spawn.h"
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
		buf_append(
			&b,
			"127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n");
	if (!have6)
		buf_append(
			&b,
			"::1         localhost localhost.localdomain localhost6 localhost6.localdomain6\n");
	if (hostname && strcmp(hostname, "localhost") != 0) {
		/* Short name too, for an FQDN, as hostnamectl users expect. */
		const char *dot = strchr(hostname, '.');
		if (dot)
			buf_printf(&b, "127.0.1.1   %s %.*s\n", hostname, (int)(dot - hostname),
				   hostname);
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
	_cleanup_free_ char *line = xasprintf("SELINUX=%s\n", selinux_to_string(mode));
	return text_replace_lines(old ? old : "SELINUXTYPE=targeted\n", is_selinux_line, line);
}

static int write_text(const azl_target *t, const char *path, const char *text, mode_t mode)
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
	_cleanup_close_ int fd = target_openat(t, zone, O_RDONLY, 0);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			return log_error_errno(
				EINVAL, "time zone '%s' is no zoneinfo file in the target", tz);
	} else if (target_exists(t, "usr/share/zoneinfo"))
		return log_error_errno(
			ENOENT,
			"time zone '%s' is not in the target's tzdata (/usr/share/zoneinfo)", tz);
	else
		log_warning("the target has no tzdata; /etc/localtime points to '%s' all the same",
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
			log_warning(
				"selinux: %s, but the target has no /etc/selinux (no policy installed); nothing to configure",
				selinux_to_string(m->selinux));
		return 0;
	}
	_cleanup_free_ char *old = NULL;
	int r = target_read_file(t, "etc/selinux/config", HOSTS_MAX, &old, NULL);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "cannot read /etc/selinux/config");
	_cleanup_free_ char *text = identity_selinux_text(old, m->selinux);
	r = write_text(t, "etc/selinux/config", text, 0644);
	if (r < 0)
		return r;
	if (m->selinux == AZL_SELINUX_DISABLED)
		return 0;
	/* Files written by the installer carry no labels yet: relabelled on
	 * first boot, unless selinux_label() labels them at the end. */
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
	_cleanup_free_ char *lc = xasprintf("LANG=%s\n", m->locale ? m->locale : "en_US.UTF-8");
	if ((r = write_text(t, "etc/locale.conf", lc, 0644)) < 0)
		return r;
	_cleanup_free_ char *vc = xasprintf("KEYMAP=%s\n", m->keyboard ? m->keyboard : "us");
	if ((r = write_text(t, "etc/vconsole.conf", vc, 0644)) < 0)
		return r;
	/* "uninitialized": what machine-id(5) defines as the first boot
	 * (since systemd 247; an empty file is not one any more): systemd
	 * generates the id, runs the ConditionFirstBoot= units and presets,
	 * and writes the id to disk once first-boot-complete.target is
	 * reached. */
	if ((r = write_text(t, "etc/machine-id", "uninitialized\n", 0444)) < 0)
		return r;
	return apply_selinux(m, t);
}

/* SELINUXTYPE= of the target's /etc/selinux/config ("targeted" when it
 * says nothing; Debian's policy is "default"). */
static char *selinux_type(const azl_target *t)
{
	_cleanup_free_ char *text = NULL;
	if (target_read_file(t, "etc/selinux/config", HOSTS_MAX, &text, NULL) >= 0)
		for (char *line = text; line && *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			line += strspn(line, " \t");
			if (startswith(line, "SELINUXTYPE=") && line[12] && !strchr(line + 12, '/'))
				return xstrndup(line + 12, strcspn(line + 12, " \t\r"));
			line = nl ? nl + 1 : NULL;
		}
	return xstrdup("targeted");
}

/* The newest binary policy, etc/selinux/TYPE/policy/policy.N, relative. */
static char *selinux_policy_file(const azl_target *t, const char *type)
{
	_cleanup_free_ char *dir = xasprintf("etc/selinux/%s/policy", type);
	DIR *d = fd_opendir(target_openat(t, dir, O_RDONLY | O_DIRECTORY, 0));
	if (!d)
		return NULL;
	unsigned long best = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end = NULL;
		if (!startswith(e->d_name, "policy.") || !e->d_name[7])
			continue;
		unsigned long n = strtoul(e->d_name + 7, &end, 10);
		if (*end == '\0' && n > best)
			best = n;
	}
	closedir(d);
	return best ? xasprintf("%s/policy.%lu", dir, best) : NULL;
}

bool selinux_target_has_policy(const azl_target *t)
{
	_cleanup_free_ char *type = selinux_type(t);
	_cleanup_free_ char *pol = selinux_policy_file(t, type);
	return pol != NULL;
}

/* Mount points of the target's own filesystems that keep labels (an
 * extended attribute per file): paths inside the target, "/" first. */
static char **labelled_mounts(const azl_target *t)
{
	static const char *const fstypes[] = {"ext2", "ext3", "ext4", "xfs", "btrfs"};
	char **v = NULL;
	strv_push(&v, xstrdup("/"));
	FILE *f = fopen("/proc/self/mounts", "re");
	if (!f)
		return v;
	size_t rootlen = strlen(t->root);
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		char dev[1024], dir[1024], type[64];
		if (sscanf(line, "%1023s %1023s %63s", dev, dir, type) != 3)
			continue;
		/* The root's own line is "/" above; only mounts below it. */
		if (strncmp(dir, t->root, rootlen) != 0 || dir[rootlen] != '/' || !dir[rootlen + 1])
			continue;
		bool keeps = false;
		for (size_t i = 0; i < ELEMENTSOF(fstypes); i++)
			keeps = keeps || strcmp(type, fstypes[i]) == 0;
		/* /proc/self/mounts escapes spaces as \040: skip such paths
		 * (the installer makes none). */
		if (keeps && !strchr(dir, '\\') && !strv_contains(v, dir + rootlen))
			strv_push(&v, xstrdup(dir + rootlen));
	}
	fclose(f);
	return v;
}

/* What Anaconda's restorecon pass does: the target's setfiles, in the
 * target, labels every installed filesystem from the policy's
 * file_contexts (checked against the binary policy with -c, so it needs
 * no SELinux in the installing kernel). setfiles never crosses into
 * another mount (unlike restorecon without -x): each filesystem is named,
 * and the chroot's /dev, /proc, /sys, /run are left alone. Then /.autorelabel,
 * which identity_apply() wrote as the fallback, goes: the first boot needs no
 * relabelling pass and no extra reboot. A post script writes after this,
 * so with post scripts /.autorelabel stays and labels their files too. */
int selinux_label(const azl_model *m, const azl_target *t)
{
	if (m->selinux == AZL_SELINUX_DISABLED || !target_exists(t, "etc/selinux"))
		return 0;
	static const char *const tools[] = {"usr/sbin/setfiles", "sbin/setfiles", NULL};
	const char *tool = NULL;
	for (size_t i = 0; tools[i] && !tool; i++)
		if (target_exists(t, tools[i]))
			tool = tools[i];
	_cleanup_free_ char *type = selinux_type(t);
	_cleanup_free_ char *fc = xasprintf("etc/selinux/%s/contexts/files/file_contexts", type);
	_cleanup_free_ char *pol = selinux_policy_file(t, type);
	if (!tool || !pol || !target_exists(t, fc)) {
		log_info(
			"selinux: the target has no %s; /.autorelabel labels the files on first boot",
			!tool  ? "setfiles (policycoreutils)"
			: !pol ? "binary policy"
			       : "file_contexts");
		return 0;
	}
	_cleanup_strv_free_ char **mounts = labelled_mounts(t);
	_cleanup_strv_free_ char **argv = NULL;
	strv_push(&argv, xasprintf("/%s", tool));
	strv_push(&argv, xstrdup("-F"));
	strv_push(&argv, xstrdup("-c"));
	strv_push(&argv, xasprintf("/%s", pol));
	strv_push(&argv, xasprintf("/%s", fc));
	for (size_t i = 0; mounts[i]; i++)
		strv_push(&argv, xstrdup(mounts[i]));
	azl_chroot_mounts cm = {0};
	int r = chroot_mount(t->root, &cm);
	if (r < 0)
		return r;
	azl_spawn_opts o = {.chroot = t->root, .quiet = true};
	r = spawn_check(argv, &o);
	int u = chroot_umount(&cm);
	if (r < 0)
		return log_error_errno(
			r, "selinux: cannot label the installed files with the policy '%s'", type);
	if (u < 0)
		return u;
	log_info("selinux: labelled %zu filesystem(s) with the policy '%s'", strv_length(mounts),
		 type);
	if (m->scripts.n_post) {
		log_info("selinux: /.autorelabel stays for the files the post scripts write");
		return 0;
	}
	_cleanup_close_ int fd = target_openat(t, ".", O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return log_error_errno(fd, "cannot open the target's /");
	r = unlinkat(fd, ".autorelabel", 0) < 0 && errno != ENOENT ? -errno : 0;
	if (r < 0)
		return log_error_errno(r, "cannot remove /.autorelabel");
	log_info("removed /.autorelabel: the files are labelled already");
	return 0;
}
