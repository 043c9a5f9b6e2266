/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mdraid.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "util.h"

char **mdraid_create_argv(const azl_mdraid_create *c)
{
	char **v = NULL;
	size_t n = 0;
	while (c->members && c->members[n])
		n++;
	strv_push(&v, xstrdup("mdadm"));
	strv_push(&v, xstrdup("--create"));
	strv_push(&v, xstrdup(c->device));
	/* No questions (an old signature, a member size mismatch). */
	strv_push(&v, xstrdup("--run"));
	strv_push(&v, xasprintf("--metadata=%s", c->metadata ? c->metadata : "1.2"));
	strv_push(&v, xasprintf("--level=%d", c->level));
	strv_push(&v, xasprintf("--raid-devices=%zu", n - (size_t)c->spares));
	if (c->spares > 0)
		strv_push(&v, xasprintf("--spare-devices=%d", c->spares));
	strv_push(&v, xasprintf("--name=%s", c->name));
	for (size_t i = 0; i < n; i++)
		strv_push(&v, xstrdup(c->members[i]));
	return v;
}

static bool is_block(const char *dev)
{
	struct stat s;
	return stat(dev, &s) == 0 && S_ISBLK(s.st_mode);
}

/* The arrays that hold c's members, stopped by their kernel names (the
 * node mdadm was asked for is missing, so mdadm --stop cannot name them):
 * "clear" in md/array_state stops an array and forgets it. Only arrays
 * over this install's own members are touched. */
static void stop_holders(const azl_mdraid_create *c)
{
	for (size_t i = 0; c->members && c->members[i]; i++) {
		char real[PATH_MAX];
		if (!realpath(c->members[i], real))
			continue;
		const char *base = strrchr(real, '/');
		base = base ? base + 1 : real;
		_cleanup_free_ char *dir = xasprintf("/sys/class/block/%s/holders", base);
		DIR *d = opendir(dir);
		if (!d)
			continue;
		for (struct dirent *e; (e = readdir(d));) {
			if (strncmp(e->d_name, "md", 2) != 0)
				continue;
			_cleanup_free_ char *st =
				xasprintf("/sys/block/%s/md/array_state", e->d_name);
			FILE *f = fopen(st, "we");
			if (!f)
				continue;
			fputs("clear", f);
			if (fclose(f) == 0)
				log_info("stopped md array '%s' (over '%s')", e->d_name,
					 c->members[i]);
		}
		closedir(d);
	}
}

/* md and the level's personality, loaded before mdadm opens the array:
 * the live environment's busybox modprobe does not resolve the kernel's
 * requests (block-major-9-*, md-level-*), and mdadm --create failed with
 * "unexpected failure opening /dev/md127". Built in or loaded already,
 * modprobe has nothing to do; a failure is mdadm's to report. */
static void load_md_modules(int level)
{
	const char *pers = level == 1 ? "raid1" : level == 10 ? "raid10" : "raid456";
	char *argv[] = {"modprobe", "-a", "md_mod", (char *)pers, NULL};
	(void)spawn_run(argv, &(azl_spawn_opts){.quiet = true});
}

int mdraid_create(const azl_mdraid_create *c)
{
	_cleanup_strv_free_ char **argv = mdraid_create_argv(c);
	load_md_modules(c->level);
	int r = spawn_check(argv, &(azl_spawn_opts){0});
	if (r < 0)
		return r;
	/* Without udev mdadm makes the node itself; a slow kernel may take
	 * a moment to publish it. */
	for (int i = 0; i < 100 && !is_block(c->device); i++) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (!is_block(c->device)) {
		stop_holders(c);
		return log_error_errno(ENODEV,
				       "mdadm created '%s', but its device node did not appear",
				       c->device);
	}
	return 0;
}

int mdraid_detail(const char *device, char **ret_uuid, char **ret_brief)
{
	_cleanup_free_ char *out = NULL;
	char *argv[] = {"mdadm", "--detail", "--brief", (char *)device, NULL};
	int r = spawn_check(argv, &(azl_spawn_opts){.capture = &out});
	if (r < 0)
		return r;
	const char *u = out ? strstr(out, "UUID=") : NULL;
	if (!u)
		return log_error_errno(ENODATA, "mdadm --detail --brief '%s' printed no UUID",
				       device);
	u += strlen("UUID=");
	size_t len = strspn(u, "0123456789abcdefABCDEF:");
	*ret_uuid = xstrndup(u, len);
	size_t n = strcspn(out, "\n");
	*ret_brief = xstrndup(out, n);
	return 0;
}

int mdraid_stop(const char *device)
{
	char *argv[] = {"mdadm", "--stop", (char *)device, NULL};
	return spawn_check(argv, &(azl_spawn_opts){0});
}

char *mdraid_conf_line(const char *brief, const char *name)
{
	if (!brief || !strstr(brief, "UUID="))
		return NULL;
	azl_buf b = {0};
	buf_printf(&b, "ARRAY /dev/md/%s", name);
	/* Every word after the device, as mdadm printed it. */
	const char *p = brief;
	if (startswith(p, "ARRAY")) {
		p += strlen("ARRAY");
		p += strspn(p, " \t");
		p += strcspn(p, " \t");
	}
	while (*p) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, " \t\n");
		if (n == 0)
			break;
		buf_printf(&b, " %.*s", (int)n, p);
		p += n;
	}
	return buf_steal(&b);
}
