/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * machine_probe(): the disks of this machine as the planner needs them.
 *
 * Sources: sysfs for what the kernel knows (size, model, serial, queue
 * limits, partitions it has nodes for, holders), libblkid for the
 * partition table and the signatures (see read_table() for why not
 * libparted), /proc/self/mountinfo and /proc/swaps for what is in use.
 * Everything is read only: every device and image is opened O_RDONLY.
 *
 * Which block devices are disks to install onto:
 *   - ram*, zram*: memory, never installation targets;
 *   - dm-*, md*: built on top of disks that are listed themselves (their
 *     members show up as held); layering over them is LVM's business;
 *   - loop*: only when attached to a backing file, which is how the
 *     installer itself presents a disk image;
 *   - sr*: only when it is the boot medium, so that it shows up in use
 *     rather than as an unexplained gap; a CD cannot be installed onto;
 *   - anything of size 0 (an empty card reader, a drive without media).
 * Paths given to `only` are probed whatever they are.
 *
 * The boot medium is the disk that holds the filesystem mounted at
 * /run/install/repo, /run/azl/medium or /run/initramfs/live (following a
 * loop device to the disk of its backing file), or the device named by
 * `azl.medium=` on the kernel command line: a path, LABEL=... or UUID=...
 * matched against the filesystems found on a disk or its partitions.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "blkid-probe.h"
#include "cmdline.h"
#include "loop.h"
#include "machine-probe.h"
#include "machine.h"

#define SYS_BLOCK "/sys/class/block"

static const char *const medium_mounts[] = {
	"/run/install/repo",
	"/run/azl/medium",
	"/run/initramfs/live",
};

/* --- small readers -------------------------------------------------------- */

/* The first line of a sysfs attribute, without surrounding blanks; NULL if
 * it is missing or empty. */
static _printf_(1, 2) char *sysfs_read(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *path = xvasprintf(fmt, ap);
	va_end(ap);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char line[512];
	char *s = fgets(line, sizeof(line), f);
	fclose(f);
	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return n > 0 ? xstrdup(s) : NULL;
}

static _printf_(2, 3) bool sysfs_u64(uint64_t *ret, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *path = xvasprintf(fmt, ap);
	va_end(ap);
	_cleanup_free_ char *v = sysfs_read("%s", path);
	if (!v)
		return false;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || *end)
		return false;
	*ret = x;
	return true;
}

static bool parse_devnum(const char *s, dev_t *ret)
{
	unsigned ma, mi;
	if (!s || sscanf(s, "%u:%u", &ma, &mi) != 2)
		return false;
	*ret = makedev(ma, mi);
	return true;
}

static bool sysfs_devnum(const char *name, dev_t *ret)
{
	_cleanup_free_ char *v = sysfs_read(SYS_BLOCK "/%s/dev", name);
	return parse_devnum(v, ret);
}

/* Undoes the octal escapes (\040 for a blank) of mountinfo and swaps. */
static char *unescape(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *o = r;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else
			*o++ = *s++;
	}
	*o = 0;
	return r;
}

static char *realpath_or_null(const char *p)
{
	return p ? realpath(p, NULL) : NULL;
}

/* --- what is in use --------------------------------------------------------
 */

typedef struct mount_entry {
	dev_t dev;
	char *source; /* real path of the source when it is a device node */
	char *target;
	bool whole_root; /* the filesystem's root, not a bind of a subdir */
} mount_entry;

typedef struct usage {
	mount_entry *mounts;
	size_t n_mounts;
	dev_t *swaps;
	size_t n_swaps;
} usage;

static void usage_done(usage *u)
{
	for (size_t i = 0; i < u->n_mounts; i++) {
		free(u->mounts[i].source);
		free(u->mounts[i].target);
	}
	free(u->mounts);
	free(u->swaps);
	*u = (usage){0};
}

static void load_mounts(usage *u)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *fields[6] = {0};
		char *tok = strtok_r(line, " \n", &save);
		size_t n = 0;
		for (; tok && n < ELEMENTSOF(fields); n++) {
			fields[n] = tok;
			tok = strtok_r(NULL, " \n", &save);
		}
		if (n < 5)
			continue;
		/* Optional fields run up to the "-" separator; the
		 * filesystem type and the source follow it. */
		char *source = NULL;
		for (; tok; tok = strtok_r(NULL, " \n", &save))
			if (strcmp(tok, "-") == 0) {
				strtok_r(NULL, " \n", &save);
				source = strtok_r(NULL, " \n", &save);
				break;
			}
		dev_t dev;
		if (!parse_devnum(fields[2], &dev))
			continue;
		mount_entry *e = xappend(&u->mounts, &u->n_mounts, sizeof(*u->mounts));
		e->dev = dev;
		e->target = unescape(fields[4]);
		e->whole_root = strcmp(fields[3], "/") == 0;
		if (source && startswith(source, "/dev/")) {
			_cleanup_free_ char *s = unescape(source);
			e->source = realpath_or_null(s);
		}
	}
	free(line);
	fclose(f);
}

static void load_swaps(usage *u)
{
	FILE *f = fopen("/proc/swaps", "re");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	bool header = true;
	while (getline(&line, &cap, f) > 0) {
		if (header) {
			header = false;
			continue;
		}
		char *sp = strpbrk(line, " \t\n");
		if (sp)
			*sp = 0;
		_cleanup_free_ char *path = unescape(line);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISBLK(st.st_mode))
			*(dev_t *)xappend(&u->swaps, &u->n_swaps, sizeof(*u->swaps)) = st.st_rdev;
	}
	free(line);
	fclose(f);
}

/* The first holder (dm-0, md127) of a sysfs block device, or NULL. */
static char *first_holder(const char *sysdir)
{
	_cleanup_free_ char *p = xasprintf("%s/holders", sysdir);
	DIR *d = opendir(p);
	if (!d)
		return NULL;
	char *r = NULL;
	struct dirent *de;
	while (!r && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = xstrdup(de->d_name);
	closedir(d);
	return r;
}

/* Why the block device dev (node, sysfs dir sysdir) is busy: "mounted on
 * /home", "active swap", "held by dm-0"; NULL when it is free. Its mount
 * point goes to *ret_mount. */
static char *node_usage(const usage *u, dev_t dev, const char *node, const char *sysdir,
			char **ret_mount)
{
	const mount_entry *hit = NULL;
	for (size_t i = 0; i < u->n_mounts; i++) {
		const mount_entry *e = &u->mounts[i];
		/* btrfs and friends show an anonymous device number: the
		 * source path is what names the device then. */
		if (e->dev == dev || (node && streq_ptr(e->source, node)))
			if (!hit || (e->whole_root && !hit->whole_root))
				hit = e;
	}
	if (hit) {
		if (ret_mount)
			*ret_mount = xstrdup(hit->target);
		return xasprintf("mounted on %s", hit->target);
	}
	for (size_t i = 0; i < u->n_swaps; i++)
		if (u->swaps[i] == dev)
			return xstrdup("active swap");
	_cleanup_free_ char *h = sysdir ? first_holder(sysdir) : NULL;
	if (h)
		return xasprintf("held by %s", h);
	return NULL;
}

/* What the kernel knows beyond this mount namespace: a mount in another
 * one, another program's exclusive open, of the device or of one of its
 * partitions. O_EXCL on a block device claims it for a moment and writes
 * nothing. */
static bool claimed_elsewhere(const char *node)
{
	int fd = open(node, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EBUSY;
}

/* --- the boot medium ------------------------------------------------------
 */

/* The whole disk a block device belongs to (itself when it is one). */
static dev_t whole_disk_of(dev_t dev)
{
	_cleanup_free_ char *link = xasprintf("/sys/dev/block/%u:%u", major(dev), minor(dev));
	_cleanup_free_ char *real = realpath(link, NULL);
	if (!real)
		return dev;
	_cleanup_free_ char *part = xasprintf("%s/partition", real);
	if (access(part, F_OK) != 0)
		return dev;
	char *slash = strrchr(real, '/');
	if (!slash)
		return dev;
	*slash = 0;
	_cleanup_free_ char *v = sysfs_read("%s/dev", real);
	dev_t parent;
	return parse_devnum(v, &parent) ? parent : dev;
}

typedef struct medium {
	dev_t *disks;
	size_t n_disks;
	char *label; /* azl.medium=LABEL=... */
	char *uuid;  /* azl.medium=UUID=... */
} medium;

static void medium_done(medium *m)
{
	free(m->disks);
	free(m->label);
	free(m->uuid);
	*m = (medium){0};
}

static void medium_add(medium *m, dev_t dev)
{
	dev_t disk = whole_disk_of(dev);
	/* A live image mounted from a loop device: the medium is the disk
	 * that holds the loop device's backing file. */
	if (major(disk) == 7) {
		_cleanup_free_ char *bf = sysfs_read("/sys/dev/block/%u:%u/loop/backing_file",
						     major(disk), minor(disk));
		struct stat st;
		if (bf && stat(bf, &st) == 0 && major(st.st_dev) != 0)
			disk = whole_disk_of(st.st_dev);
	}
	*(dev_t *)xappend(&m->disks, &m->n_disks, sizeof(*m->disks)) = disk;
}

static void load_medium(const usage *u, medium *m)
{
	for (size_t i = 0; i < u->n_mounts; i++)
		for (size_t k = 0; k < ELEMENTSOF(medium_mounts); k++)
			if (strcmp(u->mounts[i].target, medium_mounts[k]) == 0 &&
			    major(u->mounts[i].dev) != 0)
				medium_add(m, u->mounts[i].dev);

	_cleanup_free_ char *cmdline = NULL;
	if (cmdline_read(&cmdline, NULL) < 0)
		return;
	_cleanup_strv_free_ char **vals = cmdline_values(cmdline, "azl.medium", true);
	for (size_t i = 0; vals && vals[i]; i++) {
		const char *v = vals[i];
		if (startswith(v, "LABEL="))
			m->label = xstrdup(v + strlen("LABEL="));
		else if (startswith(v, "UUID="))
			m->uuid = xstrdup(v + strlen("UUID="));
		else {
			struct stat st;
			if (stat(v, &st) == 0 && S_ISBLK(st.st_mode))
				medium_add(m, st.st_rdev);
		}
	}
}

static bool fs_matches(const medium *m, const char *label, const char *uuid)
{
	return (m->label && streq_ptr(m->label, label)) ||
	       (m->uuid && uuid && strcasecmp(m->uuid, uuid) == 0);
}

static bool is_medium(const medium *m, dev_t disk)
{
	for (size_t i = 0; i < m->n_disks; i++)
		if (m->disks[i] == disk)
			return true;
	return false;
}

static bool is_medium_by_fs(const medium *m, const azl_disk_info *d, const azl_blkid_info *whole)
{
	if (!m->label && !m->uuid)
		return false;
	if (fs_matches(m, whole->fs_label, whole->fs_uuid))
		return true;
	for (size_t i = 0; i < d->n_parts; i++)
		if (fs_matches(m, d->parts[i].fs_label, d->parts[i].fs_uuid))
			return true;
	return false;
}

/* --- one disk --------------------------------------------------------------
 */

typedef struct context {
	usage usage;
	medium medium;
} context;

static char *transport_of(const char *name)
{
	if (startswith(name, "loop"))
		return xstrdup("loop");
	if (startswith(name, "nvme"))
		return xstrdup("nvme");
	if (startswith(name, "mmcblk"))
		return xstrdup("mmc");
	_cleanup_free_ char *link = xasprintf(SYS_BLOCK "/%s", name);
	_cleanup_free_ char *p = realpath(link, NULL);
	if (!p)
		return NULL;
	if (strstr(p, "/usb"))
		return xstrdup("usb");
	if (strstr(p, "/ata"))
		return xstrdup("sata");
	/* virtio-scsi disks sit below a SCSI host, virtio-blk ones do not. */
	if (strstr(p, "/host"))
		return xstrdup("scsi");
	if (strstr(p, "/virtio"))
		return xstrdup("virtio");
	if (strstr(p, "/xen"))
		return xstrdup("xen");
	return NULL;
}

/* The unit serial number of a SCSI disk (SATA ones too: libata answers
 * with the ATA serial), VPD page 0x80 under SYS (a /sys/class/block
 * directory): four header bytes, then the serial, padded with blanks. */
static char *vpd_serial(const char *sys, const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/device/vpd_pg80", sys, name);
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	if (read_file_bounded(path, 512, &raw, &len) < 0 || len <= 4)
		return NULL;
	size_t b = 4, e = len;
	while (b < e && (isspace((unsigned char)raw[b]) || !raw[b]))
		b++;
	while (e > b && (isspace((unsigned char)raw[e - 1]) || !raw[e - 1]))
		e--;
	for (size_t i = b; i < e; i++)
		if (!isprint((unsigned char)raw[i]))
			return NULL;
	return e > b ? xstrndup(raw + b, e - b) : NULL;
}

/* The serial number: NVMe's and virtio-blk's attributes, then VPD page
 * 0x80 (what lsblk shows for SATA and SCSI disks), then the SCSI
 * identifier (device/wwid, "t10.ATA  MODEL  SERIAL" on a SATA disk: a
 * name, not a serial) as the last resort. */
static char *serial_of(const char *name)
{
	static const char *const attrs[] = {"device/serial", "serial"};
	for (size_t i = 0; i < ELEMENTSOF(attrs); i++) {
		char *s = sysfs_read(SYS_BLOCK "/%s/%s", name, attrs[i]);
		if (s)
			return s;
	}
	char *s = vpd_serial(SYS_BLOCK, name);
	return s ? s : sysfs_read(SYS_BLOCK "/%s/device/wwid", name);
}

/* --- /dev/disk/by-id names ------------------------------------------------
 * The live system has no udev, so /dev/disk/by-id does not exist there:
 * the names udev's 60-persistent-storage.rules (systemd 252) gives a
 * whole disk are made here from the same sysfs attributes.
 */

/* udev's replacement of characters in a link name: blanks and anything
 * but ASCII letters, digits and "#+-.:=@_" become '_' (bytes of UTF-8
 * are kept by udev; here they are replaced too: a disk's name is ASCII).
 * collapse: runs of blanks become one '_' and leading and trailing ones
 * go (ata_id's udev_replace_whitespace). */
static char *by_id_escape(const char *s, bool collapse)
{
	azl_buf b = {0};
	if (collapse)
		while (isspace((unsigned char)*s))
			s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (collapse && isspace(c)) {
			while (i + 1 < n && isspace((unsigned char)s[i + 1]))
				i++;
			buf_printf(&b, "_");
		} else if (isalnum(c) || strchr("#+-.:=@_", c))
			buf_printf(&b, "%c", c);
		else
			buf_printf(&b, "_");
	}
	if (!b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* An ATA string of IDENTIFY DEVICE data: words, each with its two bytes
 * swapped. */
static char *ata_string(const unsigned char *id, size_t off, size_t len)
{
	char *s = xcalloc(len + 1, 1);
	for (size_t i = 0; i + 1 < len; i += 2) {
		s[i] = (char)id[off + i + 1];
		s[i + 1] = (char)id[off + i];
	}
	for (size_t i = 0; i < len; i++)
		if (!isprint((unsigned char)s[i]))
			s[i] = ' ';
	return s;
}

static void push_link(char ***v, const char *prefix, const char *a, const char *b)
{
	_cleanup_free_ char *x = a ? by_id_escape(a, false) : NULL;
	_cleanup_free_ char *y = b ? by_id_escape(b, false) : NULL;
	if ((a && !x) || (b && !y))
		return;
	char *link = xasprintf("/dev/disk/by-id/%s%s%s%s", prefix, x ? x : "", x && y ? "_" : "",
			       y ? y : "");
	if (strv_contains(*v, link))
		free(link);
	else
		strv_push(v, link);
}

/* ATA disks (SCSI vendor "ATA"): ata_id's ata-MODEL_SERIAL from the
 * IDENTIFY data libata puts in VPD page 0x89 (the model there has 40
 * characters, the SCSI model attribute only 16), and wwn-0x... when the
 * disk has a World Wide Name. Without page 0x89: the model attribute
 * and the serial of page 0x80. */
static void ata_links(const char *sys, const char *name, char ***v)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/device/vpd_pg89", sys, name);
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	_cleanup_free_ char *model = NULL, *serial = NULL;
	uint64_t wwn = 0;
	/* Page 0x89: 60 bytes of header, then the 512 bytes of IDENTIFY. */
	if (read_file_bounded(path, 4096, &raw, &len) == 0 && len >= 60 + 512) {
		const unsigned char *id = (const unsigned char *)raw + 60;
		_cleanup_free_ char *m = ata_string(id, 27 * 2, 40);
		_cleanup_free_ char *s = ata_string(id, 10 * 2, 20);
		model = by_id_escape(m, true);
		serial = by_id_escape(s, true);
		unsigned w87 = id[87 * 2] | id[87 * 2 + 1] << 8;
		if ((w87 & 0xc000) == 0x4000 && (w87 & 0x100))
			for (int w = 108; w <= 111; w++)
				wwn = wwn << 16 | (uint64_t)(id[w * 2] | id[w * 2 + 1] << 8);
	} else {
		_cleanup_free_ char *m = sysfs_read("%s/%s/device/model", sys, name);
		_cleanup_free_ char *s = vpd_serial(sys, name);
		model = m ? by_id_escape(m, true) : NULL;
		serial = s ? by_id_escape(s, true) : NULL;
	}
	if (model && serial) {
		char *link = xasprintf("/dev/disk/by-id/ata-%s_%s", model, serial);
		strv_push(v, link);
	}
	if (wwn) {
		char *link = xasprintf("/dev/disk/by-id/wwn-0x%016" PRIx64, wwn);
		strv_push(v, link);
	}
}

char **machine_by_id_names(const char *sys, const char *name)
{
	char **v = NULL;
	if (startswith(name, "nvme")) {
		/* nvme-WWID, nvme-MODEL_SERIAL and nvme-MODEL_SERIAL_NSID */
		_cleanup_free_ char *wwid = sysfs_read("%s/%s/wwid", sys, name);
		_cleanup_free_ char *model = sysfs_read("%s/%s/device/model", sys, name);
		_cleanup_free_ char *serial = sysfs_read("%s/%s/device/serial", sys, name);
		_cleanup_free_ char *nsid = sysfs_read("%s/%s/nsid", sys, name);
		if (wwid)
			push_link(&v, "nvme-", wwid, NULL);
		if (model && serial) {
			push_link(&v, "nvme-", model, serial);
			if (nsid) {
				_cleanup_free_ char *ms = xasprintf("%s_%s", model, serial);
				push_link(&v, "nvme-", ms, nsid);
			}
		}
	} else if (startswith(name, "vd")) {
		_cleanup_free_ char *serial = sysfs_read("%s/%s/serial", sys, name);
		if (serial)
			push_link(&v, "virtio-", serial, NULL);
	} else if (startswith(name, "sd")) {
		_cleanup_free_ char *vendor = sysfs_read("%s/%s/device/vendor", sys, name);
		_cleanup_free_ char *wwid = sysfs_read("%s/%s/device/wwid", sys, name);
		if (streq_ptr(vendor, "ATA"))
			ata_links(sys, name, &v);
		else if (wwid && startswith(wwid, "naa.")) {
			/* scsi_id: an NAA identifier is ID_SERIAL "3" + its hex
			 * digits, and the World Wide Name. (Other identifiers
			 * get names only udev's scsi_id knows how to make.) */
			_cleanup_free_ char *hex = xasprintf("3%s", wwid + 4);
			push_link(&v, "scsi-", hex, NULL);
			_cleanup_free_ char *w = xasprintf("0x%s", wwid + 4);
			push_link(&v, "wwn-", w, NULL);
		}
	}
	return v;
}

/* The names in /dev/disk/by-id that point to node (with udev), and the
 * ones machine_by_id_names() makes for it (without). */
static char **by_id_of(const char *node)
{
	char **v = machine_by_id_names(SYS_BLOCK, node + strlen("/dev/"));
	DIR *d = opendir("/dev/disk/by-id");
	if (!d)
		return strv_sort(v);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *link = xasprintf("/dev/disk/by-id/%s", de->d_name);
		_cleanup_free_ char *real = realpath(link, NULL);
		if (streq_ptr(real, node) && !strv_contains(v, link))
			strv_push(&v, TAKE_PTR(link));
	}
	closedir(d);
	/* readdir order is the directory's hash order: sort for output
	 * that does not change between runs. */
	return strv_sort(v);
}

/* A partition the kernel knows of: its sysfs name and device number. */
typedef struct kpart {
	int number;
	char name[NAME_MAX + 1];
	dev_t dev;
} kpart;

static size_t kernel_partitions(const char *disk, kpart **ret)
{
	_cleanup_free_ char *dir = xasprintf(SYS_BLOCK "/%s", disk);
	kpart *v = NULL;
	size_t n = 0;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!startswith(de->d_name, disk))
				continue;
			uint64_t num;
			dev_t dev;
			if (!sysfs_u64(&num, "%s/%s/partition", dir, de->d_name) ||
			    !sysfs_devnum(de->d_name, &dev))
				continue;
			kpart *k = xappend(&v, &n, sizeof(*v));
			k->number = (int)num;
			snprintf(k->name, sizeof(k->name), "%s", de->d_name);
			k->dev = dev;
		}
		closedir(d);
	}
	*ret = v;
	return n;
}

/* The partition table as libblkid reads it. libparted (3.5) cannot read
 * a table without opening the device O_RDWR, flushing the buffer cache and
 * opening every partition node O_WRONLY to fsync it; probing promises to
 * open nothing for writing, so the table comes from libblkid, which reads
 * the same on-disk structures through an O_RDONLY descriptor. */
static void read_table(const azl_blkid_info *whole, azl_disk_info *d)
{
	if (!whole->table)
		return;
	d->table = xstrdup(whole->table);
	for (size_t i = 0; i < whole->n_parts; i++) {
		azl_part_info *p = xappend(&d->parts, &d->n_parts, sizeof(*p));
		p->number = whole->parts[i].number;
		p->start = whole->parts[i].start;
		p->size = whole->parts[i].size;
		p->type = xstrdup(whole->parts[i].type);
		p->partlabel = xstrdup(whole->parts[i].name);
	}
}

static void fill_fs(azl_part_info *p, const char *path, uint64_t offset, uint64_t size)
{
	azl_blkid_info b;
	if (blkid_adapter_probe(path, offset, size, &b) < 0)
		return;
	p->fs_type = TAKE_PTR(b.fs_type);
	p->fs_label = TAKE_PTR(b.fs_label);
	p->fs_uuid = TAKE_PTR(b.fs_uuid);
	blkid_info_done(&b);
}

static void mark_disk(azl_disk_info *d, const char *reason)
{
	if (d->in_use)
		return;
	d->in_use = true;
	d->in_use_reason = xstrdup(reason);
}

/* Usage of the disk's own node and of its partitions, as the kernel
 * names them. `label` names the disk in the reason. same_table: the
 * kernel's partitions are d's (false for a loop device at another offset
 * of the same file), so their use is also told on d's partitions. */
static void disk_usage(const context *c, const char *name, const char *label, bool same_table,
		       azl_disk_info *d)
{
	dev_t dev;
	_cleanup_free_ char *sysdir = xasprintf(SYS_BLOCK "/%s", name);
	_cleanup_free_ char *node = xasprintf("/dev/%s", name);
	if (sysfs_devnum(name, &dev)) {
		_cleanup_free_ char *why = node_usage(&c->usage, dev, node, sysdir, NULL);
		if (why) {
			_cleanup_free_ char *s = xasprintf("%s is %s", label, why);
			mark_disk(d, s);
		}
	}
	_cleanup_free_ kpart *kp = NULL;
	size_t n = kernel_partitions(name, &kp);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *pnode = xasprintf("/dev/%s", kp[i].name);
		_cleanup_free_ char *psys = xasprintf("%s/%s", sysdir, kp[i].name);
		_cleanup_free_ char *mount = NULL;
		_cleanup_free_ char *why = node_usage(&c->usage, kp[i].dev, pnode, psys, &mount);
		azl_part_info *p = NULL;
		for (size_t k = 0; k < d->n_parts; k++)
			if (d->parts[k].number == kp[i].number)
				p = &d->parts[k];
		if (same_table && p && why && !p->in_use) {
			p->in_use = true;
			p->in_use_reason = xstrdup(why);
			p->mountpoint = TAKE_PTR(mount);
		}
		if (why) {
			_cleanup_free_ char *s = xasprintf("partition %s is %s", pnode, why);
			mark_disk(d, s);
		}
	}
	/* Last, as the least precise reason. */
	if (!d->in_use && claimed_elsewhere(node)) {
		_cleanup_free_ char *s = xasprintf(
			"%s is in use (mounted in another mount namespace, or opened exclusively by another program)",
			label);
		mark_disk(d, s);
	}
}

/* Another program holds QEMU's lock bytes of the image at path (a VM
 * runs from it): the reason, or NULL. */
static char *image_lock_usage(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	int r = image_lock_test(fd);
	if (r <= 0)
		return NULL;
	return xasprintf(
		"%s is locked by another program (QEMU holds this lock while a virtual machine uses the image)",
		path);
}

/* Every loop device over the file (dev, ino) but `self`, at any offset: its
 * node or partitions in use make the disk d busy, since they are the same
 * bytes. d starts at self_off of the file. `what` names the file in the
 * reasons. */
static void backing_usage(const context *c, dev_t dev, ino_t ino, const char *self,
			  uint64_t self_off, const char *what, azl_disk_info *d)
{
	_cleanup_strv_free_ char **loops = loop_devices_of(dev, ino);
	for (size_t i = 0; loops && loops[i]; i++) {
		if (streq_ptr(loops[i], self))
			continue;
		dev_t bdev;
		ino_t bino;
		uint64_t off = 0;
		(void)loop_backing(loops[i], &bdev, &bino, &off);
		_cleanup_free_ char *attached =
			off ? xasprintf("attached to /dev/%s at offset %" PRIu64, loops[i], off)
			    : xasprintf("attached to /dev/%s", loops[i]);
		_cleanup_free_ char *label = xasprintf("%s (%s)", what, attached);
		bool was_in_use = d->in_use;
		disk_usage(c, loops[i], label, off == self_off, d);
		/* The reasons name the loop's partitions: say whose. */
		if (!was_in_use && d->in_use && !strstr(d->in_use_reason, "attached to")) {
			char *s = xasprintf("%s (%s is %s)", d->in_use_reason, what, attached);
			free(d->in_use_reason);
			d->in_use_reason = s;
		}
	}
}

static int probe_block(const context *c, const char *name, azl_disk_info *ret)
{
	azl_disk_info d = {0};
	d.name = xstrdup(name);
	d.path = xasprintf("/dev/%s", name);
	uint64_t v;
	if (!sysfs_u64(&v, SYS_BLOCK "/%s/size", name)) {
		disk_info_done(&d);
		return -ENODEV;
	}
	d.size = v * 512; /* sysfs counts 512-byte units on every disk */
	d.model = sysfs_read(SYS_BLOCK "/%s/device/model", name);
	d.serial = startswith(name, "loop") ? NULL : serial_of(name);
	d.transport = transport_of(name);
	d.by_id = by_id_of(d.path);
	d.rotational = sysfs_u64(&v, SYS_BLOCK "/%s/queue/rotational", name) && v != 0;
	d.removable = sysfs_u64(&v, SYS_BLOCK "/%s/removable", name) && v != 0;
	d.readonly = sysfs_u64(&v, SYS_BLOCK "/%s/ro", name) && v != 0;
	d.logical_sector_size =
		sysfs_u64(&v, SYS_BLOCK "/%s/queue/logical_block_size", name) ? (uint32_t)v : 512;
	d.physical_sector_size = sysfs_u64(&v, SYS_BLOCK "/%s/queue/physical_block_size", name)
					 ? (uint32_t)v
					 : d.logical_sector_size;

	azl_blkid_info whole = {0};
	if (d.size > 0) {
		(void)blkid_adapter_probe(d.path, 0, 0, &whole);
		read_table(&whole, &d);
	}
	d.fs_type = xstrdup(whole.fs_type);

	_cleanup_free_ kpart *kp = NULL;
	size_t nk = kernel_partitions(name, &kp);
	for (size_t i = 0; i < d.n_parts; i++) {
		azl_part_info *p = &d.parts[i];
		for (size_t k = 0; k < nk; k++)
			if (kp[k].number == p->number)
				p->path = xasprintf("/dev/%s", kp[k].name);
		if (p->type && (streq_ptr(p->type, "0x5") || streq_ptr(p->type, "0xf") ||
				streq_ptr(p->type, "0x85")))
			continue; /* an extended container holds no fs */
		/* Through the partition's own node when there is one: the
		 * whole disk's page cache may be stale for it. */
		if (p->path && access(p->path, F_OK) == 0)
			fill_fs(p, p->path, 0, 0);
		else
			fill_fs(p, d.path, p->start, p->size);
	}

	disk_usage(c, name, d.path, true, &d);
	dev_t bdev;
	ino_t bino;
	uint64_t off;
	if (startswith(name, "loop") && loop_backing(name, &bdev, &bino, &off) == 0) {
		_cleanup_free_ char *bf = sysfs_read(SYS_BLOCK "/%s/loop/backing_file", name);
		_cleanup_free_ char *what = xasprintf("the file behind %s", d.path);
		backing_usage(c, bdev, bino, name, off, what, &d);
		_cleanup_free_ char *locked = bf ? image_lock_usage(bf) : NULL;
		if (locked)
			mark_disk(&d, locked);
	}

	dev_t dev;
	if ((sysfs_devnum(name, &dev) && is_medium(&c->medium, dev)) ||
	    is_medium_by_fs(&c->medium, &d, &whole)) {
		d.boot_medium = true;
		mark_disk(&d, "it is the installation medium");
	}
	blkid_info_done(&whole);
	*ret = d;
	return 0;
}

/* A regular file is a disk image: libblkid reads it like a disk. It is
 * busy when a loop device over it is, at whatever offset (`losetup -o`
 * mounts a partition of it that way), or when QEMU holds its lock. */
static int probe_image(const context *c, const char *real, const struct stat *st,
		       azl_disk_info *ret)
{
	azl_disk_info d = {0};
	d.path = xstrdup(real);
	const char *base = strrchr(real, '/');
	d.name = xstrdup(base ? base + 1 : real);
	d.size = (uint64_t)st->st_size;
	d.transport = xstrdup("file");
	d.logical_sector_size = 512;
	d.physical_sector_size = 512;

	azl_blkid_info whole = {0};
	(void)blkid_adapter_probe(real, 0, 0, &whole);
	read_table(&whole, &d);
	d.fs_type = xstrdup(whole.fs_type);
	blkid_info_done(&whole);
	for (size_t i = 0; i < d.n_parts; i++)
		fill_fs(&d.parts[i], real, d.parts[i].start, d.parts[i].size);

	backing_usage(c, st->st_dev, st->st_ino, NULL, 0, real, &d);
	_cleanup_free_ char *locked = image_lock_usage(real);
	if (locked)
		mark_disk(&d, locked);
	*ret = d;
	return 0;
}

static int probe_path(const context *c, const char *path, azl_disk_info *ret)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	if (!real)
		return -errno;
	struct stat st;
	if (stat(real, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return probe_image(c, real, &st, ret);
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	_cleanup_free_ char *link =
		xasprintf("/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	_cleanup_free_ char *sys = realpath(link, NULL);
	if (!sys)
		return -ENODEV;
	azl_disk_info d;
	int r = probe_block(c, strrchr(sys, '/') + 1, &d);
	if (r < 0)
		return r;
	/* Named by a link the by-id scan did not see (no udev): keep the
	 * name the user gave, so that machine_find_disk() knows it. */
	if (strcmp(path, real) != 0 && !strv_contains(d.by_id, path))
		strv_push(&d.by_id, xstrdup(path));
	*ret = d;
	return 0;
}

static bool skip_block(const char *name)
{
	static const char *const never[] = {"ram", "zram", "dm-", "md"};
	for (size_t i = 0; i < ELEMENTSOF(never); i++)
		if (startswith(name, never[i]))
			return true;
	if (startswith(name, "loop")) {
		_cleanup_free_ char *bf = sysfs_read(SYS_BLOCK "/%s/loop/backing_file", name);
		return !bf;
	}
	return false;
}

static int probe_all(const context *c, azl_machine *m)
{
	struct dirent **names = NULL;
	int n = scandir("/sys/block", &names, NULL, versionsort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		uint64_t size = 0;
		if (name[0] == '.' || skip_block(name) ||
		    !sysfs_u64(&size, SYS_BLOCK "/%s/size", name) || size == 0)
			continue;
		azl_disk_info d;
		if (probe_block(c, name, &d) < 0)
			continue;
		if (startswith(name, "sr") && !d.boot_medium) {
			disk_info_done(&d);
			continue;
		}
		*(azl_disk_info *)xappend(&m->disks, &m->n_disks, sizeof(*m->disks)) = d;
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

static uint64_t memory_total(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	if (!f)
		return 0;
	char line[256];
	uint64_t kib = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %" SCNu64, &kib) == 1)
			break;
	fclose(f);
	return kib * 1024;
}

#define EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"

static bool efivar_flag(const char *efivars, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s-" EFI_GLOBAL_GUID, efivars, name);
	unsigned char v[5];
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, v, sizeof(v));
	return n == (ssize_t)sizeof(v) && v[4] == 1;
}

void machine_read_secure_boot(const char *efivars, azl_machine *m)
{
	m->secure_boot = efivar_flag(efivars, "SecureBoot");
	m->setup_mode = efivar_flag(efivars, "SetupMode");
}

/* True when the running kernel offers device-mapper (needed to open LUKS
 * and to use LVM); reads /proc/misc and /sys, never loads a module. */
static bool device_mapper_available(void)
{
	/* Not /dev/mapper/control: libdevmapper (cryptsetup, lvm) creates
	 * that node whether or not the kernel has device-mapper, so a stale
	 * one proves nothing. The kernel's list of misc devices does. */
	FILE *f = fopen("/proc/misc", "re");
	if (!f)
		return access("/sys/class/misc/device-mapper", F_OK) == 0;
	char line[128];
	bool found = false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "device-mapper"))
			found = true;
	fclose(f);
	return found;
}

/* The kernel has md: /proc/mdstat exists, or md_mod can be loaded (a
 * module file for the running kernel). */
static bool md_raid_available(void)
{
	if (access("/proc/mdstat", F_OK) == 0)
		return true;
	struct utsname u;
	if (uname(&u) < 0)
		return false;
	static const char *const kos[] = {"md-mod.ko", "md-mod.ko.xz", "md-mod.ko.zst",
					  "md-mod.ko.gz"};
	for (size_t i = 0; i < ELEMENTSOF(kos); i++) {
		_cleanup_free_ char *p =
			xasprintf("/lib/modules/%s/kernel/drivers/md/%s", u.release, kos[i]);
		if (access(p, F_OK) == 0)
			return true;
	}
	return false;
}

int machine_probe(char *const *only, azl_machine **ret)
{
	_cleanup_machine_ azl_machine *m = machine_new();
	m->firmware =
		access("/sys/firmware/efi", F_OK) == 0 ? AZL_FIRMWARE_UEFI : AZL_FIRMWARE_BIOS;
	if (m->firmware == AZL_FIRMWARE_UEFI)
		machine_read_secure_boot("/sys/firmware/efi/efivars", m);
	m->device_mapper = device_mapper_available();
	m->md_raid = md_raid_available();
	m->memory = memory_total();

	context c = {0};
	load_mounts(&c.usage);
	load_swaps(&c.usage);
	load_medium(&c.usage, &c.medium);

	int r = 0;
	if (only && only[0]) {
		for (char *const *p = only; *p && r == 0; p++) {
			azl_disk_info d;
			r = probe_path(&c, *p, &d);
			if (r == 0)
				*(azl_disk_info *)xappend(&m->disks, &m->n_disks,
							  sizeof(*m->disks)) = d;
		}
	} else
		r = probe_all(&c, m);

	usage_done(&c.usage);
	medium_done(&c.medium);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}
