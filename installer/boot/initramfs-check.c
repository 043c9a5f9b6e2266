/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The drivers the installed layout needs at boot, proven present in the
 * initramfs the target's dracut wrote, before the install finishes: a
 * missing one is an install error, not a machine that stops in dracut's
 * emergency shell on its first boot.
 *
 * What is needed: for every block device under /, /boot and /usr (from
 * /proc/self/mountinfo), down through device-mapper (dm_crypt for LUKS,
 * dm_mod for LVM) and md (md_mod and the RAID level's module) to the
 * physical disks, the module of every driver bound on the way from the
 * disk to the root of the device tree (/sys/class/block/X/device, then its
 * parents: driver/module); and the filesystem module of / and /usr. A disk
 * without a device (loop, nbd: an image) brings no controller: the machine
 * that boots the image does, and its initramfs is generic.
 *
 * What is there: the initramfs listed by the target's own lsinitrd (in a
 * chroot), each lib/modules/KVER/...ko[.xz|.zst|.gz] a module, plus the
 * kernel's modules.builtin.
 *
 * Firmware: for the modules loaded on the machine that boots the disk
 * (/proc/modules), each file their modinfo names (the target's modinfo,
 * in a chroot) under the target's /usr/lib/firmware: the packages phase
 * installs the packages that hold the missing ones (install.c), the
 * bootloader phase warns about what is still missing.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "initramfs-check.h"
#include "log.h"
#include "spawn.h"
#include "util.h"

#define LIST_MAX (64u << 20)

/* Module names as the kernel spells them: '-' is '_'. */
static char *module_name(const char *s, size_t n)
{
	char *m = xstrndup(s, n);
	for (char *p = m; *p; p++)
		if (*p == '-')
			*p = '_';
	return m;
}

static void need(char ***mods, char ***whys, const char *mod, const char *why)
{
	for (size_t i = 0; *mods && (*mods)[i]; i++)
		if (strcmp((*mods)[i], mod) == 0)
			return;
	strv_push(mods, xstrdup(mod));
	strv_push(whys, xstrdup(why));
}

static char *read_sys(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char line[256];
	char *r = NULL;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		r = xstrdup(line);
	}
	fclose(f);
	return r;
}

/* The module of the driver bound to the sysfs device dir, or NULL (no
 * driver, or a driver built into the kernel without a module link). */
static char *driver_module(const char *dir)
{
	_cleanup_free_ char *l = xasprintf("%s/driver/module", dir);
	char buf[PATH_MAX];
	ssize_t n = readlink(l, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	const char *b = strrchr(buf, '/');
	return xstrdup(b ? b + 1 : buf);
}

static const char *md_level_module(const char *level)
{
	static const char *const map[][2] = {
		{"raid0", "raid0"},   {"raid1", "raid1"},   {"raid4", "raid456"},
		{"raid5", "raid456"}, {"raid6", "raid456"}, {"raid10", "raid10"},
		{"linear", "linear"},
	};
	for (size_t i = 0; level && i < ELEMENTSOF(map); i++)
		if (strcmp(level, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* The module of every driver bound from the sysfs device dir dev (a
 * resolved path) up to the root of the device tree (under devices, the
 * resolved SYSFS/devices/): the disk's (sd_mod), its controller's, the
 * bus's above it (usb_storage, then xhci_pci). Overwrites dev. */
static void walk_device(char *dev, const char *devices, const char *why, char ***mods, char ***whys)
{
	for (char *p = dev; startswith(p, devices);) {
		_cleanup_free_ char *m = driver_module(p);
		if (m)
			need(mods, whys, m, why);
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

/* Walks the block device at sysfs path sys (a /sys/class/block/X or
 * /sys/dev/block/M:m) for what it needs; dev names it for people. */
static void walk_block(const char *sys, const char *what, char ***mods, char ***whys,
		       char ***images, int depth)
{
	char real[PATH_MAX];
	if (depth > 16 || !realpath(sys, real))
		return;
	_cleanup_free_ char *part = xasprintf("%s/partition", real);
	if (access(part, F_OK) == 0) {
		char *slash = strrchr(real, '/');
		if (slash)
			*slash = '\0';
	}
	const char *name = strrchr(real, '/');
	name = name ? name + 1 : real;
	_cleanup_free_ char *why = xasprintf("'/dev/%s' (%s)", name, what);
	_cleanup_free_ char *dmuuid_p = xasprintf("%s/dm/uuid", real);
	_cleanup_free_ char *dmuuid = read_sys(dmuuid_p);
	if (dmuuid) {
		need(mods, whys, "dm_mod", why);
		if (startswith(dmuuid, "CRYPT-"))
			need(mods, whys, "dm_crypt", why);
	}
	_cleanup_free_ char *lvl_p = xasprintf("%s/md/level", real);
	_cleanup_free_ char *lvl = read_sys(lvl_p);
	if (lvl) {
		need(mods, whys, "md_mod", why);
		const char *m = md_level_module(lvl);
		if (m)
			need(mods, whys, m, why);
	}
	_cleanup_free_ char *slaves = xasprintf("%s/slaves", real);
	_cleanup_strv_free_ char **sl = NULL;
	DIR *d = opendir(slaves);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				strv_push(&sl, xasprintf("%s/%s", slaves, e->d_name));
		closedir(d);
	}
	for (size_t i = 0; sl && sl[i]; i++)
		walk_block(sl[i], what, mods, whys, images, depth + 1);
	if (dmuuid || lvl || sl)
		return;
	_cleanup_free_ char *devlink = xasprintf("%s/device", real);
	char dev[PATH_MAX];
	if (!realpath(devlink, dev)) {
		/* loop, nbd, zram: no controller of their own. */
		_cleanup_free_ char *n = xasprintf("/dev/%s", name);
		if (!strv_contains(*images, n))
			strv_push(images, xstrdup(n));
		return;
	}
	walk_device(dev, "/sys/devices/", why, mods, whys);
}

/* The modules of the drivers bound from each device of SYSFS/class/CLASS
 * (whole disks only for block) up to the root of the device tree. */
static int class_modules(const char *sysfs, const char *class, const char *what, char ***ret_mods,
			 char ***ret_whys)
{
	char root[PATH_MAX];
	if (!realpath(sysfs, root))
		return -errno;
	_cleanup_free_ char *devices = xasprintf("%s/devices/", strcmp(root, "/") ? root : "");
	_cleanup_free_ char *classdir = xasprintf("%s/class/%s", root, class);
	DIR *d = opendir(classdir);
	if (!d)
		return -errno;
	/* A server may have hundreds of disks: a builder, not strv_push. */
	strv_builder nb = {0};
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			strvb_push(&nb, xstrdup(e->d_name));
	closedir(d);
	size_t n = nb.n;
	_cleanup_strv_free_ char **names = strvb_steal(&nb);
	/* In name order, so that the list (and the log) is the same on each
	 * run and a controller is named after its first disk. */
	strv_sort_n(names, n);
	char **mods = NULL, **whys = NULL;
	bool block = strcmp(class, "block") == 0;
	for (size_t i = 0; names && names[i]; i++) {
		/* Partitions have their disk's controller. A disk without a
		 * device (loop, ram, zram, nbd, dm-, md) has no controller:
		 * its driver is in the kernel or comes with the layout; an
		 * interface without one (lo, a bridge, a VLAN) neither. */
		_cleanup_free_ char *part = xasprintf("%s/%s/partition", classdir, names[i]);
		if (block && access(part, F_OK) == 0)
			continue;
		_cleanup_free_ char *link = xasprintf("%s/%s/device", classdir, names[i]);
		char dev[PATH_MAX];
		if (!realpath(link, dev))
			continue;
		_cleanup_free_ char *why = block ? xasprintf("'/dev/%s' (%s)", names[i], what)
						 : xasprintf("'%s' (%s)", names[i], what);
		walk_device(dev, devices, why, &mods, &whys);
	}
	*ret_mods = mods;
	*ret_whys = whys;
	return 0;
}

int initramfs_controller_modules(const char *sysfs, char ***ret_mods, char ***ret_whys)
{
	return class_modules(sysfs, "block", "a disk of this machine", ret_mods, ret_whys);
}

int initramfs_nic_modules(const char *sysfs, char ***ret_mods, char ***ret_whys)
{
	return class_modules(sysfs, "net", "a network interface of this machine, for tang",
			     ret_mods, ret_whys);
}

/* Unescapes mountinfo's octal escapes in place. */
static void unescape(char *s)
{
	char *o = s;
	for (char *i = s; *i;) {
		if (i[0] == '\\' && i[1] >= '0' && i[1] <= '3' && i[2] && i[3]) {
			*o++ = (char)((i[1] - '0') * 64 + (i[2] - '0') * 8 + (i[3] - '0'));
			i += 4;
		} else
			*o++ = *i++;
	}
	*o = '\0';
}

static const char *fs_module(const char *fstype)
{
	if (strcmp(fstype, "ext2") == 0 || strcmp(fstype, "ext3") == 0)
		return "ext4";
	if (strcmp(fstype, "ext4") == 0 || strcmp(fstype, "xfs") == 0 ||
	    strcmp(fstype, "btrfs") == 0)
		return fstype;
	return NULL;
}

int initramfs_needed_modules(const char *target, char ***ret_mods, char ***ret_whys,
			     char ***ret_images)
{
	static const char *const points[] = {"", "/boot", "/usr"};
	char **mods = NULL, **whys = NULL, **images = NULL;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return log_error_errno(errno, "cannot read /proc/self/mountinfo");
	char *line = NULL;
	size_t cap = 0;
	size_t tl = strlen(target);
	while (tl > 1 && target[tl - 1] == '/')
		tl--;
	while (getline(&line, &cap, f) > 0) {
		/* id parent maj:min root mountpoint opts... - fstype src */
		unsigned maj, min;
		char mp[PATH_MAX], fstype[64];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %u:%u %*s %4095s", &maj, &min, mp) != 3 ||
		    sscanf(dash + 3, "%63s", fstype) != 1)
			continue;
		unescape(mp);
		if (strncmp(mp, target, tl) != 0)
			continue;
		const char *rest = mp + tl;
		const char *what = NULL;
		for (size_t i = 0; i < ELEMENTSOF(points); i++)
			if (strcmp(rest, points[i]) == 0)
				what = points[i][0] ? points[i] : "/";
		if (!what || maj == 0)
			continue;
		_cleanup_free_ char *sys = xasprintf("/sys/dev/block/%u:%u", maj, min);
		if (strcmp(what, "/boot") != 0 && fs_module(fstype)) {
			_cleanup_free_ char *why =
				xasprintf("the %s file system of %s", fstype, what);
			need(&mods, &whys, fs_module(fstype), why);
		}
		walk_block(sys, what, &mods, &whys, &images, 0);
	}
	free(line);
	fclose(f);
	*ret_mods = mods;
	*ret_whys = whys;
	*ret_images = images;
	return 0;
}

/* The module names of a listing (lsinitrd's, one file a line) under
 * modules/KVER/. */
char **initramfs_listed_modules(const char *listing, const char *kver)
{
	char **v = NULL;
	_cleanup_free_ char *key = xasprintf("modules/%s/", kver);
	static const char *const exts[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};
	for (const char *l = listing; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		const char *k = memmem(l, n, key, strlen(key));
		if (k) {
			const char *end = l + n;
			const char *base = end;
			while (base > k && base[-1] != '/')
				base--;
			for (size_t i = 0; i < ELEMENTSOF(exts); i++) {
				size_t el = strlen(exts[i]);
				if ((size_t)(end - base) > el &&
				    memcmp(end - el, exts[i], el) == 0) {
					strv_push(&v, module_name(base, (size_t)(end - base) - el));
					break;
				}
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return v;
}

/* The modules of the kernel's modules.builtin (or modules.dep) file. */
static char **kernel_list(const azl_target *t, const char *kver, const char *file)
{
	_cleanup_free_ char *p = xasprintf("usr/lib/modules/%s/%s", kver, file);
	_cleanup_free_ char *text = NULL;
	if (target_read_file(t, p, LIST_MAX, &text, NULL) < 0)
		return NULL;
	/* Each line starts with kernel/.../NAME.ko[.xz][:...]. */
	_cleanup_free_ char *lines = NULL;
	azl_buf b = {0};
	for (char *l = text; l && *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		char *colon = strchr(l, ':');
		if (colon)
			*colon = '\0';
		buf_printf(&b, "modules/%s/%s\n", kver, l);
		l = nl ? nl + 1 : NULL;
	}
	lines = buf_steal(&b);
	return initramfs_listed_modules(lines, kver);
}

char **initramfs_kernel_modules(const azl_target *t, const char *kver)
{
	_cleanup_strv_free_ char **known = kernel_list(t, kver, "modules.dep");
	_cleanup_strv_free_ char **builtin = kernel_list(t, kver, "modules.builtin");
	if (!known && !builtin)
		return NULL;
	strv_builder b = {0};
	for (size_t i = 0; known && known[i]; i++)
		strvb_push(&b, TAKE_PTR(known[i]));
	for (size_t i = 0; builtin && builtin[i]; i++)
		strvb_push(&b, TAKE_PTR(builtin[i]));
	return strvb_steal(&b);
}

int initramfs_verify(const azl_target *t, const char *kver, const char *image, char *const *mods,
		     char *const *whys, char *const *extras, char *const *extra_whys)
{
	const char *lsinitrds[] = {"usr/bin/lsinitrd", "usr/lib/dracut/lsinitrd.sh", NULL};
	const char *ls = NULL;
	for (size_t i = 0; lsinitrds[i] && !ls; i++)
		if (target_exists(t, lsinitrds[i]))
			ls = lsinitrds[i];
	if (!ls)
		return log_error_errno(ENOENT, "the target has no lsinitrd to list '%s' with",
				       image);
	_cleanup_free_ char *abs = xasprintf("/%s", ls);
	char *argv[] = {abs, (char *)image, NULL};
	_cleanup_free_ char *listing = NULL;
	azl_spawn_opts o = {.chroot = t->root, .capture = &listing, .quiet = true};
	int r = spawn_check(argv, &o);
	if (r < 0)
		return log_error_errno(r, "cannot list the initramfs '%s'", image);
	_cleanup_strv_free_ char **have = initramfs_listed_modules(listing, kver);
	_cleanup_strv_free_ char **builtin = kernel_list(t, kver, "modules.builtin");
	_cleanup_strv_free_ char **known = kernel_list(t, kver, "modules.dep");
	if (!have)
		return log_error_errno(ENOENT, "lsinitrd lists no kernel module of %s in '%s'",
				       kver, image);
	int bad = 0;
	azl_buf ok = {0};
	for (size_t i = 0; mods && mods[i]; i++) {
		if (strv_contains(builtin, mods[i])) {
			buf_printf(&ok, "%s%s (built in)", ok.len ? ", " : "", mods[i]);
			continue;
		}
		if (strv_contains(have, mods[i])) {
			buf_printf(&ok, "%s%s", ok.len ? ", " : "", mods[i]);
			continue;
		}
		log_error(
			"the initramfs '%s' has no module '%s', which %s needs to boot%s; the machine would stop in dracut's emergency shell. Check dracut's omit_drivers in the target's /etc/dracut.conf.d and that kernel-modules-core is installed",
			image, mods[i], whys[i],
			strv_contains(known, mods[i]) ? ""
						      : " (the kernel " /* keep */
							"has no such module either)");
		bad++;
	}
	if (bad) {
		buf_free(&ok);
		return -ENOENT;
	}
	log_info("initramfs '%s' holds what the layout needs: %s", image,
		 ok.len ? ok.data : "nothing beyond the kernel");
	buf_free(&ok);
	/* The other disks' controllers: a help for a disk the layout does
	 * not use at install time, never an install error. */
	azl_buf more = {0};
	for (size_t i = 0; extras && extras[i]; i++) {
		if (strv_contains(mods, extras[i]))
			continue;
		if (strv_contains(builtin, extras[i]) || strv_contains(have, extras[i])) {
			buf_printf(&more, "%s%s", more.len ? ", " : "", extras[i]);
			continue;
		}
		log_warning(
			"initramfs: '%s' has no module '%s', the driver of %s; the installed system's normal entry will not see that disk%s",
			image, extras[i], extra_whys[i],
			strv_contains(known, extras[i])
				? " (the 0-rescue entry may)"
				: " (the kernel has no such module either)");
	}
	if (more.len)
		log_info("initramfs '%s' holds the drivers of the machine's other disks too: %s",
			 image, more.data);
	buf_free(&more);
	return 0;
}

bool initramfs_image_disk(const char *dev)
{
	struct stat s;
	return dev && stat(dev, &s) == 0 && S_ISBLK(s.st_mode) &&
	       (major(s.st_rdev) == 7 || major(s.st_rdev) == 43);
}

int firmware_boot_modules(const char *boot_disk, bool own_firmware, char **ret)
{
	const char *aid = getenv("AZL_PROC_MODULES");
	const char *path = aid && *aid ? aid : "/proc/modules";
	*ret = NULL;
	if (!(aid && *aid) && !(own_firmware && !initramfs_image_disk(boot_disk)))
		return 0;
	int r = read_file_bounded(path, LIST_MAX, ret, NULL);
	/* A kernel without loadable modules has no /proc/modules. */
	if (r == -ENOENT && path != aid)
		return 0;
	return r; /* the caller warns: firmware is a help, not a need */
}

/* The shell loop that prints "#MODULE" and then each firmware file the
 * target's modinfo names for it, for the kernel kver (NULL: every kernel
 * in the target); NULL when loaded names no module. *ret_n: the modules. */
static char *modinfo_script(const char *kver, const char *loaded, size_t *ret_n)
{
	azl_buf b = {0};
	/* Lines before the first "#" are not the modules': the check that
	 * modinfo is there at all prints its path. */
	buf_printf(&b, "command -v modinfo || exit 127; for m in");
	size_t n = 0;
	for (const char *l = loaded; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t w = strcspn(l, " \n");
		bool okname = w > 0 && w < 64;
		for (size_t i = 0; okname && i < w; i++)
			okname = l[i] == '_' || l[i] == '-' || (l[i] >= 'a' && l[i] <= 'z') ||
				 (l[i] >= 'A' && l[i] <= 'Z') || (l[i] >= '0' && l[i] <= '9');
		if (okname) {
			buf_printf(&b, " %.*s", (int)w, l);
			n++;
		}
		l = nl ? nl + 1 : NULL;
	}
	*ret_n = n;
	if (!n || (kver && strchr(kver, '\''))) {
		buf_free(&b);
		return NULL;
	}
	if (kver)
		buf_printf(&b,
			   "; do echo \"#$m\"; modinfo -k '%s' -F firmware \"$m\"; done; :", kver);
	else
		buf_printf(
			&b,
			"; do echo \"#$m\"; for k in /usr/lib/modules/*/modules.dep; do k=${k%%/modules.dep}; modinfo -k \"${k##*/}\" -F firmware \"$m\"; done; done; :");
	return buf_steal(&b);
}

/* The firmware files the modules of loaded (module names first on each
 * line, as /proc/modules has them) name, per the target's modinfo (in a
 * chroot; no /dev needed) of kver (NULL: every kernel), that are not under
 * the target's /usr/lib/firmware: *ret_missing "/usr/lib/firmware/NAME"
 * (each once), *ret_owner the module of each (same index). *ret_n: the
 * modules asked about, *ret_want: the files they name. Returns 0, or
 * -errno when modinfo cannot be asked (logged as a warning). */
static int firmware_scan(const azl_target *t, const char *kver, const char *loaded,
			 char ***ret_missing, char ***ret_owner, size_t *ret_n, size_t *ret_want)
{
	*ret_missing = *ret_owner = NULL;
	*ret_want = 0;
	_cleanup_free_ char *script = modinfo_script(kver, loaded, ret_n);
	if (!script)
		return 0;
	_cleanup_free_ char *out = NULL;
	char *argv[] = {"/bin/sh", "-c", script, NULL};
	azl_spawn_opts o = {.chroot = t->root, .capture = &out, .quiet = true};
	int r = spawn_run(argv, &o);
	if (r != 0) {
		log_warning(
			"firmware: cannot ask the target's modinfo which firmware the loaded modules need (%s); not checked",
			r < 0 ? strerror(-r) : "modinfo is missing or failed");
		return r < 0 ? r : -ENOENT;
	}
	static const char *const sfx[] = {"", ".xz", ".zst"};
	_cleanup_strv_free_ char **seen = NULL;
	const char *mod = NULL;
	for (char *l = out; l && *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (l[0] == '#')
			mod = l + 1;
		else if (mod && l[0] && l[0] != '/' && !strstr(l, "..") && !strpbrk(l, "*?[\\ ")) {
			_cleanup_free_ char *p = xasprintf("/usr/lib/firmware/%s", l);
			bool found = strv_contains(seen, p);
			for (size_t i = 0; i < ELEMENTSOF(sfx) && !found; i++) {
				_cleanup_free_ char *rel = xasprintf("%s%s", p + 1, sfx[i]);
				found = target_exists(t, rel);
			}
			if (!strv_contains(seen, p)) {
				strv_push(&seen, xstrdup(p));
				(*ret_want)++;
			}
			if (!found) {
				strv_push(ret_missing, TAKE_PTR(p));
				strv_push(ret_owner, xstrdup(mod));
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}

int firmware_missing(const azl_target *t, const char *loaded, char ***ret)
{
	_cleanup_strv_free_ char **owner = NULL;
	size_t n, want;
	*ret = NULL;
	int r = firmware_scan(t, NULL, loaded, ret, &owner, &n, &want);
	if (r < 0)
		return r;
	log_info(
		"firmware: %zu loaded modules name %zu firmware files; %zu of them are not in the target",
		n, want, strv_length(*ret));
	return 0;
}

int initramfs_check_firmware(const azl_target *t, const char *kver, const char *loaded)
{
	_cleanup_free_ char *own = NULL;
	if (!loaded) {
		int r = firmware_boot_modules(NULL, true, &own);
		if (r < 0 || !own) {
			log_info("firmware: no module is loaded here");
			return 0;
		}
		loaded = own;
	}
	_cleanup_strv_free_ char **missing = NULL;
	_cleanup_strv_free_ char **owner = NULL;
	size_t n, want;
	if (firmware_scan(t, kver, loaded, &missing, &owner, &n, &want) < 0)
		return 0;
	/* One warning a module: the scan lists each module's files together. */
	for (size_t i = 0; missing && missing[i];) {
		azl_buf b = {0};
		size_t k = i;
		for (; missing[k] && strcmp(owner[k], owner[i]) == 0; k++)
			buf_printf(&b, "%s'%s'", b.len ? ", " : "",
				   missing[k] + strlen("/usr/lib/firmware/"));
		log_warning(
			"firmware: the loaded module '%s' may load %s, not in the target's /usr/lib/firmware; install linux-firmware if its device needs them",
			owner[i], b.data);
		buf_free(&b);
		i = k;
	}
	log_info(
		"firmware: %zu loaded modules name %zu firmware files; %zu of them are missing in the target",
		n, want, strv_length(missing));
	return 0;
}
