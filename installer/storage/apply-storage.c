/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Storage apply: the plan's storage actions, in order.
 *
 *  1. disks: an image file gets QEMU's lock bytes (loop.h) and is refused
 *     when another loop device over it is in use, then it is attached to
 *     a loop device (partition scanning on); every whole disk is opened
 *     O_EXCL (the kernel's word on mounted or held, in any namespace; kept
 *     until the tables are written) and flock(LOCK_EX)ed, as systemd/udev
 *     expect of a program that repartitions, and held so until teardown.
 *     A disk in use there is refused before anything is written
 *     (storage_refused()). Only disks of the plan are ever opened for
 *     writing.
 *  2. per disk: old signatures erased (libblkid) in the regions of the old
 *     partitions and on the whole disk, the table written (libparted),
 *     GPT types libparted 3.5 cannot set given with sfdisk --part-type,
 *     partition nodes waited for (BLKPG fallback), and every new
 *     partition wiped again before anything is made on it: a LUKS header
 *     left where a new partition starts must never confuse a reinstall.
 *  3. LUKS2 format + open, pvcreate/vgcreate/lvcreate (for every volume
 *     group of the plan: the guided vg_azl or the answer file's, each over
 *     the PVs the plan lists for it, plain or LUKS mappings), mkfs/mkswap,
 *     mounts under the target directory in the plan's order (parents
 *     first), then /etc/fstab and /etc/crypttab by UUID.
 *
 * Everything made active (loop devices, locks, LUKS mappings, volume
 * groups, mounts) is recorded in the state as it happens, so
 * storage_teardown() undoes exactly that, in reverse. A cancelled run
 * context (run.h: the TUI, SIGINT, SIGTERM) stops between steps with
 * -EINTR.
 */
#include "apply-storage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <linux/major.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkid-probe.h"
#include "crypttab.h"
#include "fs-facts.h"
#include "fstab.h"
#include "i18n.h"
#include "log.h"
#include "loop.h"
#include "luks.h"
#include "lvm.h"
#include "mdraid.h"
#include "mkfs.h"
#include "mounts.h"
#include "part-nodes.h"
#include "parted-table.h"
#include "progress.h"
#include "run.h"
#include "spawn.h"
#include "target.h"
#include "util.h"

#define PASSPHRASE_FILE_MAX 4096

typedef struct disk_rt {
	const azl_plan_disk *pd;
	char *dev;     /* the block device: the disk, or the loop device */
	bool attached; /* dev is a loop device this installer attached */
	int fd;	       /* O_RDWR, flock(LOCK_EX) held until teardown */
	int excl_fd;   /* O_EXCL, held while the table is written */
	int image_fd;  /* the image file, QEMU's lock bytes held */
} disk_rt;

struct azl_storage_state {
	azl_installed_storage result;
	disk_rt *disks;
	size_t n_disks;
	char **luks;		/* mapper names opened, in order */
	char **vgs;		/* volume groups created (active) */
	char **raids;		/* md arrays created (running) */
	char **mdadm_conf;	/* ARRAY lines for the target */
	char **mounts;		/* absolute mount points, in mount order */
	bool refused;		/* a disk was in use: nothing was written */
	const azl_run_ctx *ctx; /* cancel flag */
};

const azl_installed_storage *storage_result(const azl_storage_state *st)
{
	return st ? &st->result : NULL;
}

bool storage_refused(const azl_storage_state *st)
{
	return st && st->refused;
}

static void installed_storage_done(azl_installed_storage *s)
{
	free(s->target);
	free(s->root_device);
	free(s->root_uuid);
	free(s->root_subvol);
	free(s->boot_uuid);
	free(s->esp_device);
	free(s->esp_uuid);
	strv_free(s->luks_uuids);
	strv_free(s->luks_devices);
	strv_free(s->lvm_lvs);
	free(s->swap_device);
	free(s->boot_disk);
	strv_free(s->disks);
	strv_free(s->md_uuids);
	strv_free(s->mirror_boot_disks);
	strv_free(s->esp_members);
	*s = (azl_installed_storage){0};
}

/* A failed step: logged so that the failure summary names it. */
static _printf_(2, 3) int step_failed(int r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *step = xvasprintf(fmt, ap);
	va_end(ap);
	if (r == -EINTR)
		return log_error_errno(r, "interrupted before %s", step);
	if (r == -ENOENT)
		return log_error_errno(r, "%s failed: a tool it needs is missing (see the log)",
				       step);
	return log_error_errno(r, "%s failed", step);
}

static int check_interrupted(const azl_storage_state *st)
{
	return run_cancelled(st->ctx) ? -EINTR : 0;
}

/* --- devices ------------------------------------------------------------- */

static disk_rt *find_disk(const azl_storage_state *st, const char *plan_path)
{
	for (size_t i = 0; i < st->n_disks; i++)
		if (streq_ptr(st->disks[i].pd->path, plan_path))
			return &st->disks[i];
	return NULL;
}

/* The plan names a partition of an image file "IMAGE:N"; here it is the
 * loop device's node. Everything else is a real path already. */
static char *map_device(const azl_storage_state *st, const char *dev)
{
	if (!dev)
		return NULL;
	for (size_t i = 0; i < st->n_disks; i++) {
		const disk_rt *d = &st->disks[i];
		size_t l = strlen(d->pd->path);
		if (strncmp(dev, d->pd->path, l) == 0 && dev[l] == ':')
			return part_node_name(d->dev, atoi(dev + l + 1));
	}
	return xstrdup(dev);
}

/* Another program uses a disk the plan writes: refused before anything
 * is written (exit 2, as when probing had seen it). */
static _printf_(2, 3) int disk_busy(azl_storage_state *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = xvasprintf(fmt, ap);
	va_end(ap);
	st->refused = true;
	return log_error_errno(EBUSY, "%s; nothing was written", why);
}

/* An image: QEMU's lock bytes first (a VM that uses it holds them), then
 * no other loop device over the same file may be in use, whatever its
 * offset: a partition mounted through `losetup -o` is one. */
static int open_image(azl_storage_state *st, disk_rt *d)
{
	const char *path = d->pd->path;
	d->image_fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->image_fd < 0)
		return log_error_errno(errno, "cannot open the image '%s'", path);
	int r = image_lock(d->image_fd);
	if (r == -EBUSY)
		return disk_busy(
			st,
			"the image '%s' is in use: another program holds its lock (QEMU does while a virtual machine runs from it); stop it first",
			path);
	/* A filesystem without OFD locks (some network and FUSE ones): QEMU
	 * goes on without its lock there too. */
	if (r == -ENOLCK || r == -EOPNOTSUPP || r == -EINVAL)
		log_warning(
			"cannot lock the image '%s' (%s): a virtual machine could use it at the same time",
			path, strerror(-r));
	else if (r < 0)
		return log_error_errno(r, "cannot lock the image '%s'", path);
	struct stat s;
	if (fstat(d->image_fd, &s) < 0)
		return log_error_errno(errno, "cannot stat '%s'", path);
	_cleanup_free_ char *loop = NULL;
	if (loop_devices_busy(s.st_dev, s.st_ino, NULL, &loop) > 0)
		return disk_busy(
			st,
			"the image '%s' is in use through /dev/%s (mounted or held); unmount it first",
			path, loop);
	r = loop_attach(path, &d->dev);
	if (r < 0)
		return r;
	d->attached = true;
	return 0;
}

/* A loop device given as the disk: the other loop devices over its file are
 * the same bytes, and none of them may be in use either. */
static int open_loop_device(azl_storage_state *st, disk_rt *d, const struct stat *s)
{
	if (major(s->st_rdev) != LOOP_MAJOR)
		return 0;
	/* The kernel's name: minors count in steps of max_part + 1. */
	_cleanup_free_ char *link =
		xasprintf("/sys/dev/block/%u:%u", major(s->st_rdev), minor(s->st_rdev));
	_cleanup_free_ char *sys = realpath(link, NULL);
	const char *name = sys ? strrchr(sys, '/') + 1 : NULL;
	if (!name)
		return 0;
	dev_t bdev;
	ino_t bino;
	uint64_t off;
	if (loop_backing(name, &bdev, &bino, &off) < 0)
		return 0; /* nothing attached: opening it fails below */
	_cleanup_free_ char *other = NULL;
	if (loop_devices_busy(bdev, bino, name, &other) > 0)
		return disk_busy(
			st,
			"'%s' is in use through /dev/%s, which is attached to the same file (mounted or held); unmount it first",
			d->dev, other);
	return 0;
}

static int open_disk(azl_storage_state *st, const azl_plan_disk *pd)
{
	disk_rt *d = xappend(&st->disks, &st->n_disks, sizeof(*d));
	d->pd = pd;
	d->fd = d->excl_fd = d->image_fd = -1;
	struct stat s;
	if (stat(pd->path, &s) < 0)
		return log_error_errno(errno, "no disk '%s'", pd->path);
	if (S_ISREG(s.st_mode)) {
		int r = open_image(st, d);
		if (r < 0)
			return r;
	} else if (S_ISBLK(s.st_mode)) {
		d->dev = xstrdup(pd->path);
		int r = open_loop_device(st, d, &s);
		if (r < 0)
			return r;
	} else
		return log_error_errno(ENOTBLK, "'%s' is neither a block device nor a disk image",
				       pd->path);
	/* The kernel refuses O_EXCL on a device that is mounted, holds a
	 * mounted partition or is held (dm, md, another program's O_EXCL),
	 * in any mount namespace: the last word after probing. Held until
	 * the table is written; mkfs and mount claim the partitions then. */
	d->excl_fd = open(d->dev, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (d->excl_fd < 0 && errno == EBUSY)
		return disk_busy(
			st,
			"'%s' is in use (mounted, or held by another program); unmount or stop it first",
			d->dev);
	if (d->excl_fd < 0)
		return log_error_errno(errno, "cannot open '%s'", d->dev);
	d->fd = open(d->dev, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return log_error_errno(errno, "cannot open '%s'", d->dev);
	if (flock(d->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return disk_busy(st, "another program holds the lock of '%s'", d->dev);
		return log_error_errno(errno, "cannot lock '%s'", d->dev);
	}
	strv_push(&st->result.disks, xstrdup(d->dev));
	log_info("locked %s%s%s", d->dev, d->attached ? " for " : "", d->attached ? pd->path : "");
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* --- partition tables ------------------------------------------------------
 */

/* Signatures in the regions of the partitions the disk has now, then on
 * the whole disk: libblkid on the whole disk would see only the table and
 * what lies at its start. */
static int wipe_disk(disk_rt *d)
{
	azl_parted_table old = {0};
	if (parted_table_read(d->dev, &old) == 0)
		for (size_t i = 0; i < old.n_parts; i++) {
			if (old.parts[i].extended)
				continue;
			_cleanup_free_ char *what =
				xasprintf("partition %d of %s", old.parts[i].number, d->dev);
			int r = blkid_adapter_wipe(d->fd, old.parts[i].start, old.parts[i].size,
						   what);
			if (r < 0) {
				parted_table_done(&old);
				return log_error_errno(r, "cannot wipe %s", what);
			}
		}
	parted_table_done(&old);
	int r = blkid_adapter_wipe(d->fd, 0, 0, d->dev);
	if (r < 0)
		return log_error_errno(r, "cannot wipe '%s'", d->dev);
	return 0;
}

/* libparted 3.5 has no call for a GPT type GUID without a flag (the root
 * type of the Discoverable Partitions Specification, /srv, /var): sfdisk
 * sets those after the commit. The kernel needs no news of a type. */
static int fix_gpt_type(const disk_rt *d, const azl_parted_new_part *np)
{
	_cleanup_free_ char *num = xasprintf("%d", np->number);
	char *argv[] = {"sfdisk", "--no-reread", "--no-tell-kernel", "--part-type",
			d->dev,	  num,		 (char *)np->type,   NULL};
	return spawn_check(argv, &(azl_spawn_opts){0});
}

/* A partition the table writes, whose first bytes may still hold what an
 * earlier install left there. */
static int wipe_node(const char *node)
{
	int fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(errno, "cannot open '%s'", node);
	int r = blkid_adapter_wipe(fd, 0, 0, node);
	close(fd);
	return r < 0 ? log_error_errno(r, "cannot wipe '%s'", node) : 0;
}

static int partition_disk(azl_storage_state *st, disk_rt *d)
{
	const azl_plan_disk *pd = d->pd;
	int r;
	if (pd->new_table) {
		r = wipe_disk(d);
		if (r < 0)
			return step_failed(r, "wiping '%s'", d->dev);
	}
	_cleanup_free_ int *remove = xcalloc(pd->n_removed + 1, sizeof(int));
	for (size_t i = 0; i < pd->n_removed; i++) {
		const azl_plan_part *rp = &pd->removed[i];
		_cleanup_free_ char *what = xasprintf("partition %d of %s", rp->number, d->dev);
		r = blkid_adapter_wipe(d->fd, rp->start, rp->size, what);
		if (r < 0)
			return step_failed(r, "wiping %s", what);
		remove[i] = rp->number;
	}
	_cleanup_free_ azl_parted_new_part *np = xcalloc(pd->n_parts + 1, sizeof(*np));
	size_t n = 0;
	for (size_t i = 0; i < pd->n_parts; i++) {
		const azl_plan_part *pp = &pd->parts[i];
		if (pp->keep)
			continue;
		np[n++] = (azl_parted_new_part){
			.number = pp->number,
			.start = pp->start,
			.size = pp->size,
			.type = pp->type_guid,
			.name = pd->table == AZL_TABLE_GPT ? pp->partlabel : NULL,
			/* msdos + BIOS: the active flag on what holds /boot */
			.boot = pd->table == AZL_TABLE_MSDOS &&
				(pp->role == AZL_ROLE_BOOT || pp->role == AZL_ROLE_ESP),
		};
	}
	if (pd->new_table || n > 0 || pd->n_removed > 0) {
		progress_phase(AZL_PHASE_STORAGE, 10, _("Writing the partition table of %s"),
			       d->dev);
		r = parted_table_write(d->dev, pd->new_table ? table_to_string(pd->table) : NULL,
				       remove, pd->n_removed, np, n);
		if (r < 0)
			return step_failed(r, "writing the partition table of '%s'", d->dev);
	}
	for (size_t i = 0; i < n; i++) {
		if (np[i].type_set || pd->table != AZL_TABLE_GPT)
			continue;
		r = fix_gpt_type(d, &np[i]);
		if (r < 0)
			return step_failed(r, "setting the type of partition %d of '%s'",
					   np[i].number, d->dev);
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *node = NULL;
		r = part_node_ensure(d->fd, d->dev, np[i].number, np[i].start, np[i].size, &node);
		if (r < 0)
			return step_failed(r, "creating the node of partition %d of '%s'",
					   np[i].number, d->dev);
		r = wipe_node(node);
		if (r < 0)
			return step_failed(r, "wiping '%s'", node);
		r = check_interrupted(st);
		if (r < 0)
			return step_failed(r, "the next partition");
	}
	/* Kept partitions that a later step mounts or reads need nodes too
	 * (an image's partitions, on a kernel whose scan found none). */
	for (size_t i = 0; i < pd->n_parts; i++) {
		const azl_plan_part *pp = &pd->parts[i];
		if (!pp->keep)
			continue;
		_cleanup_free_ char *node = NULL;
		r = part_node_ensure_existing(d->fd, d->dev, pp->number, pp->start, pp->size,
					      &node);
		if (r < 0)
			return step_failed(r, "finding partition %d of '%s'", pp->number, d->dev);
	}
	(void)st;
	return 0;
}

/* --- LUKS, LVM, filesystems --------------------------------------------- */

int storage_passphrase(const azl_model *m, azl_secret **ret)
{
	const azl_encryption *e = &m->storage.encryption;
	if (e->passphrase) {
		*ret = secret_dup(e->passphrase);
		return 0;
	}
	if (!e->passphrase_file)
		return log_error_errno(EINVAL, "encryption needs a passphrase or passphrase_file");
	char *text = NULL;
	size_t len = 0;
	int r = read_file_bounded(e->passphrase_file, PASSPHRASE_FILE_MAX, &text, &len);
	if (r < 0)
		return log_error_errno(r, "cannot read the passphrase file '%s'",
				       e->passphrase_file);
	/* One trailing newline is the editor's, not the passphrase's. */
	size_t n = len;
	if (n > 0 && text[n - 1] == '\n')
		n--;
	if (n > 0 && text[n - 1] == '\r')
		n--;
	*ret = n > 0 ? secret_new(text, n) : NULL;
	wipe_memory(text, len);
	free(text);
	if (!*ret)
		return log_error_errno(EINVAL, "the passphrase file '%s' is empty",
				       e->passphrase_file);
	return 0;
}

static const azl_plan_vg *find_vg(const azl_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_vgs; i++)
		if (streq_ptr(p->vgs[i].name, name))
			return &p->vgs[i];
	return NULL;
}

/* The logical volume of the plan on device /dev/VG/LV, or NULL. */
static const azl_plan_lv *find_lv(const azl_plan *p, const char *dev)
{
	for (size_t v = 0; v < p->n_vgs; v++)
		for (size_t l = 0; l < p->vgs[v].n_lvs; l++)
			if (streq_ptr(p->vgs[v].lvs[l].device, dev))
				return &p->vgs[v].lvs[l];
	return NULL;
}

/* The size of what a mkfs step acts on, for FAT32 or not. */
static uint64_t device_size(const azl_plan *p, const char *dev)
{
	for (size_t i = 0; i < p->n_disks; i++)
		for (size_t k = 0; k < p->disks[i].n_parts; k++)
			if (streq_ptr(p->disks[i].parts[k].device, dev))
				return p->disks[i].parts[k].size;
	for (size_t i = 0; i < p->n_raids; i++)
		if (streq_ptr(p->raids[i].device, dev))
			return p->raids[i].size;
	const azl_plan_lv *lv = find_lv(p, dev);
	return lv ? lv->size : 0;
}

static char *fs_uuid_of(const char *dev)
{
	azl_blkid_info b;
	if (blkid_adapter_probe(dev, 0, 0, &b) < 0)
		return NULL;
	char *u = TAKE_PTR(b.fs_uuid);
	blkid_info_done(&b);
	return u;
}

typedef struct made_fs {
	char *device; /* real device */
	char *uuid;
	azl_fs fs;
	const char *mount; /* from the plan; "swap" for swap */
	const char *options;
	const char *subvol; /* btrfs: the subvolume mounted on mount */
} made_fs;

/* Fedora's fstab options of a btrfs subvolume, and the subvolume's own
 * after them. */
static char *subvol_options(const char *subvol, const char *more)
{
	return xasprintf("subvol=%s,compress=zstd:1%s%s", subvol, more ? "," : "",
			 more ? more : "");
}

/* The fstab options of subvolume name of the btrfs on plan_dev: Fedora's,
 * then the partition's (kickstart part --fsoptions applies to each of its
 * subvolumes, as Anaconda does), then the subvolume's own. */
static char *subvol_fstab_options(const azl_plan *p, const char *plan_dev, const char *name)
{
	const char *mapper =
		startswith(plan_dev, "/dev/mapper/") ? plan_dev + strlen("/dev/mapper/") : NULL;
	for (size_t i = 0; i < p->n_disks; i++)
		for (size_t k = 0; k < p->disks[i].n_parts; k++) {
			const azl_plan_part *pp = &p->disks[i].parts[k];
			if (!streq_ptr(pp->device, plan_dev) &&
			    !(pp->encrypted && mapper && streq_ptr(pp->luks_name, mapper)))
				continue;
			for (size_t v = 0; v < pp->n_subvols; v++) {
				const char *own = pp->subvols[v].fs_options;
				if (!streq_ptr(pp->subvols[v].name, name))
					continue;
				_cleanup_free_ char *more =
					pp->fs_options && own
						? xasprintf("%s,%s", pp->fs_options, own)
						: xstrdup(pp->fs_options ? pp->fs_options : own);
				return subvol_options(name, more);
			}
		}
	return subvol_options(name, NULL);
}

/* The fstab options the plan gives the filesystem on plan_dev: a
 * partition, its LUKS mapping, or a logical volume. */
static const char *fs_options_of(const azl_plan *p, const char *plan_dev)
{
	const char *mapper =
		startswith(plan_dev, "/dev/mapper/") ? plan_dev + strlen("/dev/mapper/") : NULL;
	for (size_t i = 0; i < p->n_disks; i++)
		for (size_t k = 0; k < p->disks[i].n_parts; k++) {
			const azl_plan_part *pp = &p->disks[i].parts[k];
			if (streq_ptr(pp->device, plan_dev) ||
			    (pp->encrypted && mapper && streq_ptr(pp->luks_name, mapper)))
				return pp->fs_options;
		}
	for (size_t i = 0; i < p->n_raids; i++) {
		const azl_plan_raid *r = &p->raids[i];
		if (streq_ptr(r->device, plan_dev) ||
		    (r->encrypted && mapper && streq_ptr(r->luks_name, mapper)))
			return r->fs_options;
	}
	const azl_plan_lv *lv = find_lv(p, plan_dev);
	return lv ? lv->fs_options : NULL;
}

/* The mount point of a filesystem the plan makes or keeps on plan_dev. */
static const char *mount_of(const azl_plan *p, const char *plan_dev)
{
	for (size_t i = 0; i < p->n_actions; i++)
		if (p->actions[i].op == AZL_OP_MOUNT && streq_ptr(p->actions[i].device, plan_dev))
			return p->actions[i].mount;
	return NULL;
}

static int write_tabs(azl_storage_state *st, const azl_plan *plan, const char *target_dir,
		      made_fs *made, size_t n_made, azl_crypttab_entry *ct, size_t n_ct)
{
	_cleanup_free_ azl_fstab_entry *fe = xcalloc(n_made + 1, sizeof(*fe));
	size_t n = 0;
	/* Mount order first, swap last. */
	for (size_t a = 0; a < plan->n_actions; a++) {
		const azl_action *ac = &plan->actions[a];
		if (ac->op != AZL_OP_MOUNT)
			continue;
		for (size_t i = 0; i < n_made; i++)
			if (made[i].mount && streq_ptr(made[i].mount, ac->mount))
				fe[n++] = (azl_fstab_entry){made[i].uuid, made[i].mount, made[i].fs,
							    made[i].options};
	}
	for (size_t i = 0; i < n_made; i++)
		if (made[i].fs == AZL_FS_SWAP)
			fe[n++] = (azl_fstab_entry){made[i].uuid, "swap", AZL_FS_SWAP, NULL};
	for (size_t i = 0; i < n; i++)
		if (!fe[i].uuid)
			return log_error_errno(ENODATA, "no UUID for the filesystem of '%s'",
					       fe[i].mount);

	azl_target t = {.fd = -1};
	int r = target_open(target_dir, &t);
	if (r < 0)
		return log_error_errno(r, "cannot open the target '%s'", target_dir);
	r = target_mkdir_p(&t, "etc", 0755);
	_cleanup_free_ char *fstab = fstab_text(fe, n);
	if (r >= 0)
		r = target_write_file(&t, "etc/fstab", fstab, strlen(fstab), 0644, (uid_t)-1,
				      (gid_t)-1);
	if (r >= 0 && st->mdadm_conf) {
		azl_buf b = {0};
		buf_append(
			&b,
			"# Written by azl-installer: the software RAID arrays of this system.\n");
		for (size_t i = 0; st->mdadm_conf[i]; i++)
			buf_printf(&b, "%s\n", st->mdadm_conf[i]);
		_cleanup_free_ char *conf = buf_steal(&b);
		r = target_write_file(&t, "etc/mdadm.conf", conf, strlen(conf), 0644, (uid_t)-1,
				      (gid_t)-1);
	}
	if (r >= 0 && n_ct > 0) {
		_cleanup_free_ char *crypttab = crypttab_text(ct, n_ct);
		r = target_write_file(&t, "etc/crypttab", crypttab, strlen(crypttab), 0600,
				      (uid_t)-1, (gid_t)-1);
	}
	target_close(&t);
	if (r < 0)
		return log_error_errno(r,
				       "cannot write /etc/fstab or /etc/crypttab into the target");
	log_info("wrote /etc/fstab (%zu entries)%s%s", n, n_ct ? " and /etc/crypttab" : "",
		 st->mdadm_conf ? " and /etc/mdadm.conf" : "");
	return 0;
}

static void fill_result(azl_storage_state *st, const azl_plan *plan, made_fs *made, size_t n_made)
{
	azl_installed_storage *res = &st->result;
	for (size_t i = 0; i < n_made; i++) {
		const made_fs *f = &made[i];
		if (f->fs == AZL_FS_SWAP && !res->swap_device)
			res->swap_device = xstrdup(f->device);
		if (!f->mount)
			continue;
		if (strcmp(f->mount, "/") == 0) {
			res->root_device = xstrdup(f->device);
			res->root_uuid = xstrdup(f->uuid);
			res->root_fs = f->fs;
			res->root_subvol = xstrdup(f->subvol);
		} else if (strcmp(f->mount, "/boot") == 0)
			res->boot_uuid = xstrdup(f->uuid);
		else if (strcmp(f->mount, "/boot/efi") == 0) {
			res->esp_device = xstrdup(f->device);
			res->esp_uuid = xstrdup(f->uuid);
		}
	}
	for (size_t a = 0; a < plan->n_actions; a++) {
		const azl_action *ac = &plan->actions[a];
		if (ac->op == AZL_OP_INSTALL_BOOTLOADER && ac->disk) {
			disk_rt *d = find_disk(st, ac->disk);
			res->boot_disk = xstrdup(d ? d->dev : ac->disk);
		}
	}
	for (size_t i = 0; plan->mirror_boot_disks && plan->mirror_boot_disks[i]; i++) {
		disk_rt *d = find_disk(st, plan->mirror_boot_disks[i]);
		strv_push(&res->mirror_boot_disks,
			  xstrdup(d ? d->dev : plan->mirror_boot_disks[i]));
	}
	for (size_t i = 0; i < plan->n_raids; i++)
		if (plan->raids[i].role == AZL_ROLE_ESP)
			for (size_t k = 0; plan->raids[i].members[k]; k++)
				strv_push(&res->esp_members,
					  map_device(st, plan->raids[i].members[k]));
}

/* mdadm --create over the members (their real nodes), then the array's
 * UUID for rd.md.uuid= and its line for the target's mdadm.conf. */
static int create_raid(azl_storage_state *st, const azl_plan *plan, const char *name, int pct)
{
	const azl_plan_raid *pr = NULL;
	for (size_t i = 0; i < plan->n_raids; i++)
		if (streq_ptr(plan->raids[i].name, name))
			pr = &plan->raids[i];
	if (!pr)
		return log_error_errno(EINVAL, "the plan has no RAID '%s'", name);
	_cleanup_strv_free_ char **members = NULL;
	for (size_t i = 0; pr->members && pr->members[i]; i++)
		strv_push(&members, map_device(st, pr->members[i]));
	progress_phase(AZL_PHASE_STORAGE, pct, _("RAID%d array %s"), pr->level, pr->device);
	azl_mdraid_create c = {
		.device = pr->device,
		.name = pr->name,
		.level = pr->level,
		.metadata = pr->metadata,
		.members = members,
		.spares = pr->spares,
	};
	int r = mdraid_create(&c);
	if (r < 0)
		return step_failed(r, "mdadm --create '%s'", pr->device);
	/* Running from here on: teardown stops it, whatever follows. */
	strv_push(&st->raids, xstrdup(pr->device));
	_cleanup_free_ char *uuid = NULL, *brief = NULL;
	r = mdraid_detail(pr->device, &uuid, &brief);
	if (r < 0)
		return step_failed(r, "mdadm --detail '%s'", pr->device);
	char *line = mdraid_conf_line(brief, pr->name);
	if (!line)
		return step_failed(-ENODATA, "mdadm --detail '%s'", pr->device);
	strv_push(&st->mdadm_conf, line);
	strv_push(&st->result.md_uuids, TAKE_PTR(uuid));
	log_info("RAID%d '%s' over %zu members: %s", pr->level, pr->device, strv_length(members),
		 line);
	return 0;
}

static int run_actions(azl_storage_state *st, const azl_plan *plan, const azl_model *m,
		       const char *target_dir)
{
	_cleanup_secret_ azl_secret *pass = NULL;
	made_fs *made = NULL;
	size_t n_made = 0;
	azl_crypttab_entry *ct = NULL;
	size_t n_ct = 0;
	char **owned = NULL; /* strings made and ct point into */
	int r = 0;
	size_t total = plan->n_actions ? plan->n_actions : 1;

	for (size_t a = 0; a < plan->n_actions && r >= 0; a++) {
		const azl_action *ac = &plan->actions[a];
		r = check_interrupted(st);
		if (r < 0) {
			step_failed(r, "%s", op_to_string(ac->op));
			break;
		}
		_cleanup_free_ char *dev = map_device(st, ac->device);
		int pct = 30 + (int)(60 * a / total);
		switch (ac->op) {
		case AZL_OP_LUKS_FORMAT: {
			if (!pass) {
				r = storage_passphrase(m, &pass);
				if (r < 0)
					break;
			}
			const azl_encryption *e = &m->storage.encryption;
			azl_luks_pbkdf kdf = {
				.type = e->pbkdf,
				.memory_kib = e->pbkdf_memory_kib,
				.iter_time_ms = e->pbkdf_iter_time_ms,
			};
			progress_phase(AZL_PHASE_STORAGE, pct, _("Encrypting %s (LUKS2)"), dev);
			char *uuid = NULL;
			r = luks_format(dev, ac->name, pass, &kdf, &uuid);
			if (r < 0) {
				step_failed(r, "luks-format '%s'", dev);
				break;
			}
			strv_push(&st->result.luks_uuids, uuid);
			strv_push(&st->result.luks_devices, xstrdup(dev));
			st->result.luks_tpm2 = e->tpm2.enabled;
			st->result.luks_tang = e->n_tang > 0;
			st->result.luks_tang_sss = e->n_tang > 1;
			/* The installed system names the mapping luks-UUID, as
			 * Anaconda does and as rd.luks.uuid=luks-UUID makes the
			 * initramfs open it: a crypttab name that differs from
			 * the initramfs's makes systemd-cryptsetup in the real
			 * root open the same container again (it asks for the
			 * passphrase and the boot ends degraded). The name used
			 * while installing (ac->name) is the installer's own. */
			char *ct_name = xasprintf("luks-%s", uuid);
			strv_push(&owned, ct_name);
			ct = xrealloc(ct, (n_ct + 1) * sizeof(*ct));
			ct[n_ct++] = (azl_crypttab_entry){ct_name, uuid, e->tpm2.enabled};
			break;
		}
		case AZL_OP_LUKS_OPEN:
			r = luks_open(dev, ac->name, pass);
			if (r < 0) {
				step_failed(r, "luks-open '%s'", dev);
				break;
			}
			strv_push(&st->luks, xstrdup(ac->name));
			break;
		case AZL_OP_RAID_CREATE:
			r = create_raid(st, plan, ac->name, pct);
			break;
		case AZL_OP_PV_CREATE:
			progress_phase(AZL_PHASE_STORAGE, pct, _("LVM physical volume %s"), dev);
			r = lvm_pvcreate(dev);
			if (r < 0)
				step_failed(r, "pvcreate '%s'", dev);
			break;
		case AZL_OP_VG_CREATE: {
			const azl_plan_vg *vg = find_vg(plan, ac->name);
			if (!vg || strv_length(vg->pvs) == 0) {
				r = log_error_errno(
					EINVAL,
					"the plan gives volume group '%s' no physical volume",
					ac->name);
				break;
			}
			_cleanup_strv_free_ char **pvs = NULL;
			for (size_t i = 0; vg->pvs[i]; i++)
				strv_push(&pvs, map_device(st, vg->pvs[i]));
			progress_phase(AZL_PHASE_STORAGE, pct, _("LVM volume group %s"), ac->name);
			r = lvm_vgcreate(ac->name, pvs);
			if (r < 0) {
				step_failed(r, "vgcreate '%s'", ac->name);
				break;
			}
			strv_push(&st->vgs, xstrdup(ac->name));
			break;
		}
		case AZL_OP_LV_CREATE:
			r = lvm_lvcreate(ac->vg, ac->name, ac->size);
			if (r < 0) {
				step_failed(r, "lvcreate '%s/%s'", ac->vg, ac->name);
				break;
			}
			strv_push(&st->result.lvm_lvs, xasprintf("%s/%s", ac->vg, ac->name));
			break;
		case AZL_OP_MKFS:
		case AZL_OP_MKSWAP: {
			progress_phase(AZL_PHASE_STORAGE, pct, _("Making %s on %s"),
				       fs_to_string(ac->fs), dev);
			r = mkfs_run(dev, ac->fs, ac->name, device_size(plan, ac->device));
			if (r < 0) {
				step_failed(r, "%s on '%s'",
					    ac->fs == AZL_FS_SWAP ? "mkswap" : fs_to_string(ac->fs),
					    dev);
				break;
			}
			break;
		}
		case AZL_OP_SUBVOLUME_CREATE:
			progress_phase(AZL_PHASE_STORAGE, pct, _("btrfs subvolume %s on %s"),
				       ac->name, dev);
			r = btrfs_subvolume_create(dev, ac->name);
			if (r < 0)
				step_failed(r, "btrfs subvolume '%s' on '%s'", ac->name, dev);
			break;
		case AZL_OP_MOUNT: {
			char *path = NULL;
			/* A vfat file system without fstab options of its own (the
			 * ESP) is mounted during the install with the default ones
			 * its fstab line gets, as blivet does: files rpm puts there
			 * with mode 0700 keep it, and rpm -Va on the booted system
			 * agrees. Options the answer file gives go to fstab only
			 * (nofail, x-systemd.* are not mount(2) options). */
			_cleanup_free_ char *data =
				ac->subvol ? subvol_options(ac->subvol, NULL)
				: ac->fs == AZL_FS_VFAT && !fs_options_of(plan, ac->device)
					? xstrdup(fs_facts(AZL_FS_VFAT)->options)
					: NULL;
			r = mount_target_fs_data(dev, ac->fs, target_dir, ac->mount, data, &path);
			if (r == -ENODEV && ac->fs == AZL_FS_VFAT) {
				r = 0; /* bootloader_apply uses mtools */
				break;
			}
			if (r < 0) {
				step_failed(r, "mounting '%s' on %s", dev, ac->mount);
				break;
			}
			strv_push(&st->mounts, path);
			break;
		}
		default:
			break;
		}
	}

	/* Every filesystem the target has (made or kept): for fstab. */
	for (size_t a = 0; a < plan->n_actions && r >= 0; a++) {
		const azl_action *ac = &plan->actions[a];
		bool swap = ac->op == AZL_OP_MKSWAP;
		if (ac->op != AZL_OP_MKFS && !swap && ac->op != AZL_OP_MOUNT)
			continue;
		if (ac->op == AZL_OP_MOUNT) {
			bool seen = false;
			for (size_t i = 0; i < plan->n_actions; i++)
				seen |= plan->actions[i].op == AZL_OP_MKFS &&
					streq_ptr(plan->actions[i].device, ac->device);
			if (seen)
				continue; /* counted at its mkfs */
		}
		char *dev = map_device(st, ac->device);
		char *uuid = fs_uuid_of(dev);
		strv_push(&owned, dev);
		if (uuid)
			strv_push(&owned, uuid);
		/* A btrfs with subvolumes: one fstab line a mounted
		 * subvolume, the same UUID with subvol=NAME. */
		size_t n_sub = 0;
		for (size_t i = 0; ac->op == AZL_OP_MKFS && i < plan->n_actions; i++) {
			const azl_action *mt = &plan->actions[i];
			if (mt->op != AZL_OP_MOUNT || !mt->subvol ||
			    !streq_ptr(mt->device, ac->device))
				continue;
			char *o = subvol_fstab_options(plan, ac->device, mt->subvol);
			strv_push(&owned, o);
			made = xrealloc(made, (n_made + 1) * sizeof(*made));
			made[n_made++] = (made_fs){
				.device = dev,
				.uuid = uuid,
				.fs = ac->fs,
				.mount = mt->mount,
				.options = o,
				.subvol = mt->subvol,
			};
			n_sub++;
		}
		if (n_sub > 0)
			continue;
		made = xrealloc(made, (n_made + 1) * sizeof(*made));
		made[n_made++] = (made_fs){
			.device = dev,
			.uuid = uuid,
			.fs = ac->fs,
			.mount = swap ? NULL : mount_of(plan, ac->device),
			.options = fs_options_of(plan, ac->device),
		};
	}
	if (r >= 0) {
		r = write_tabs(st, plan, target_dir, made, n_made, ct, n_ct);
		if (r < 0)
			step_failed(r, "writing /etc/fstab");
	}
	if (r >= 0)
		fill_result(st, plan, made, n_made);
	free(made);
	free(ct);
	strv_free(owned);
	return r;
}

int storage_apply(const azl_run_ctx *ctx, const azl_plan *plan, const azl_model *m,
		  const char *target_dir, azl_storage_state **ret)
{
	azl_storage_state *st = xzalloc(sizeof(*st));
	*ret = st;
	st->ctx = ctx;
	st->result.target = xstrdup(target_dir);
	int r;

	progress_phase(AZL_PHASE_STORAGE, 0, _("Preparing the disks"));
	for (size_t i = 0; i < plan->n_disks; i++) {
		r = open_disk(st, &plan->disks[i]);
		if (r < 0 && st->refused)
			return r; /* the refusal says it all */
		if (r < 0)
			return step_failed(r, "opening '%s'", plan->disks[i].path);
	}
	for (size_t i = 0; i < st->n_disks; i++) {
		r = check_interrupted(st);
		if (r < 0)
			return step_failed(r, "partitioning");
		r = partition_disk(st, &st->disks[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < st->n_disks; i++)
		close_fd(&st->disks[i].excl_fd);
	r = run_actions(st, plan, m, target_dir);
	if (r < 0)
		return r;
	progress_phase(AZL_PHASE_STORAGE, 100, _("Disks ready; the target is mounted on %s"),
		       target_dir);
	return 0;
}

int storage_teardown(azl_storage_state *st)
{
	if (!st)
		return 0;
	int first = 0;
#define KEEP(x)                                                                                    \
	do {                                                                                       \
		int _r = (x);                                                                      \
		if (_r < 0 && first == 0)                                                          \
			first = _r;                                                                \
	} while (0)
	for (size_t i = strv_length(st->mounts); i > 0; i--)
		KEEP(unmount_path(st->mounts[i - 1]));
	for (size_t i = strv_length(st->vgs); i > 0; i--)
		KEEP(lvm_vg_deactivate(st->vgs[i - 1]));
	for (size_t i = strv_length(st->luks); i > 0; i--)
		KEEP(luks_close(st->luks[i - 1]));
	/* After what sits on them, before the disks go: a failed install
	 * leaves no array assembled. */
	for (size_t i = strv_length(st->raids); i > 0; i--)
		KEEP(mdraid_stop(st->raids[i - 1]));
	for (size_t i = st->n_disks; i > 0; i--) {
		disk_rt *d = &st->disks[i - 1];
		close_fd(&d->excl_fd);
		if (d->fd >= 0) {
			/* Let the kernel and the image see every write before
			 * the lock goes. */
			(void)fsync(d->fd);
			close(d->fd);
		}
		if (d->attached) {
			int r = loop_detach(d->dev);
			if (r < 0)
				log_error_errno(r, "cannot detach '%s'", d->dev);
			KEEP(r);
		}
		/* QEMU's lock bytes go last: the image is written. */
		close_fd(&d->image_fd);
		free(d->dev);
	}
#undef KEEP
	free(st->disks);
	strv_free(st->luks);
	strv_free(st->vgs);
	strv_free(st->raids);
	strv_free(st->mdadm_conf);
	strv_free(st->mounts);
	installed_storage_done(&st->result);
	free(st);
	return first;
}
