/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "parted-table.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <parted/parted.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

/*
 * libparted is loaded on first use, not linked: its constructor
 * (ped_disk_gpt_init) runs `sh -c "dmidecode -s system-manufacturer"`,
 * which would fork and exec on every start of the installer, also for
 * commands that never touch a partition table (validate, plan, depsolve).
 * The header still gives the types; every call goes through this table.
 */
#define PARTED_SONAME  "libparted.so.2"
#define PARTED_PACKAGE "libparted2 (Debian), parted (Azure Linux, Fedora)"

#define PARTED_FUNCTIONS(X)                                                                        \
	X(ped_constraint_destroy)                                                                  \
	X(ped_constraint_exact)                                                                    \
	X(ped_device_destroy)                                                                      \
	X(ped_device_get)                                                                          \
	X(ped_disk_add_partition)                                                                  \
	X(ped_disk_commit)                                                                         \
	X(ped_disk_delete_partition)                                                               \
	X(ped_disk_destroy)                                                                        \
	X(ped_disk_get_partition)                                                                  \
	X(ped_disk_new)                                                                            \
	X(ped_disk_new_fresh)                                                                      \
	X(ped_disk_next_partition)                                                                 \
	X(ped_disk_probe)                                                                          \
	X(ped_disk_type_check_feature)                                                             \
	X(ped_disk_type_get)                                                                       \
	X(ped_exception_get_handler)                                                               \
	X(ped_exception_set_handler)                                                               \
	X(ped_file_system_type_get)                                                                \
	X(ped_geometry_destroy)                                                                    \
	X(ped_geometry_new)                                                                        \
	X(ped_get_version)                                                                         \
	X(ped_partition_destroy)                                                                   \
	X(ped_partition_get_name)                                                                  \
	X(ped_partition_is_flag_available)                                                         \
	X(ped_partition_new)                                                                       \
	X(ped_partition_set_flag)                                                                  \
	X(ped_partition_set_name)

static struct {
#define X(f) __typeof__(f) *f;
	PARTED_FUNCTIONS(X)
#undef X
	/* libparted >= 3.6 sets any GPT type GUID; 3.5 lacks the symbol. */
	int (*set_type_uuid)(PedPartition *part, const uint8_t *uuid);
} lp;

/* 0: not tried yet, 1: loaded, -errno: failed (logged once). The
 * installer calls the adapter from one thread only. */
static int lp_state;

static int parted_load(void)
{
	if (lp_state != 0)
		return lp_state < 0 ? lp_state : 0;
	/* Never closed: libparted keeps its device list and handlers. */
	void *h = dlopen(PARTED_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		log_error("cannot load %s (%s); install the package %s", PARTED_SONAME, dlerror(),
			  PARTED_PACKAGE);
		return lp_state = -ENOPKG;
	}
#define X(f)                                                                                       \
	if (!(lp.f = (__typeof__(f) *)dlsym(h, #f))) {                                             \
		log_error("%s has no function %s; install the package %s", PARTED_SONAME, #f,      \
			  PARTED_PACKAGE);                                                         \
		dlclose(h);                                                                        \
		lp = (__typeof__(lp)){0};                                                          \
		return lp_state = -ENOPKG;                                                         \
	}
	PARTED_FUNCTIONS(X)
#undef X
	lp.set_type_uuid =
		(int (*)(PedPartition *, const uint8_t *))dlsym(h, "ped_partition_set_type_uuid");
	lp_state = 1;
	return 0;
}

const char *parted_adapter_version(void)
{
	static char v[64];
	if (parted_load() < 0)
		return "libparted not available (" PARTED_SONAME ")";
	snprintf(v, sizeof(v), "libparted %s", lp.ped_get_version());
	return v;
}

void parted_table_done(azl_parted_table *t)
{
	if (!t)
		return;
	free(t->label);
	for (size_t k = 0; k < t->n_parts; k++)
		free(t->parts[k].name);
	free(t->parts);
	*t = (azl_parted_table){0};
}

/* libparted asks questions through exceptions ("Fix the GPT?", "no label")
 * and would print them on stdout. A reader must never answer "fix": that
 * would write at the next commit. Ignore what can be ignored, cancel the
 * rest. */
static PedExceptionOption quiet_handler(PedException *ex)
{
	if (ex->options & PED_EXCEPTION_IGNORE)
		return PED_EXCEPTION_IGNORE;
	if (ex->options & PED_EXCEPTION_CANCEL)
		return PED_EXCEPTION_CANCEL;
	if (ex->options & PED_EXCEPTION_NO)
		return PED_EXCEPTION_NO;
	if (ex->options & PED_EXCEPTION_OK)
		return PED_EXCEPTION_OK;
	return PED_EXCEPTION_UNHANDLED;
}

/*
 * libparted opens a device O_RDWR when it can (and fsyncs it on close) even
 * to read it; there is no read-only open in its API. What keeps this read
 * only is that nothing here writes: no ped_disk_commit*, no
 * ped_device_write, and the exception handler never agrees to a fix.
 */
static int read_table(PedDevice *dev, azl_parted_table *t)
{
	t->sector_size = (uint64_t)dev->sector_size;
	t->length = (uint64_t)dev->length * (uint64_t)dev->sector_size;

	PedDiskType *type = lp.ped_disk_probe(dev);
	/* "loop" is libparted's name for a filesystem on the whole device:
	 * no partition table. */
	if (!type || strcmp(type->name, "loop") == 0)
		return 0;
	PedDisk *disk = lp.ped_disk_new(dev);
	if (!disk)
		return -EIO;
	t->label = xstrdup(type->name);
	bool names = lp.ped_disk_type_check_feature(disk->type, PED_DISK_TYPE_PARTITION_NAME);
	for (PedPartition *p = lp.ped_disk_next_partition(disk, NULL); p;
	     p = lp.ped_disk_next_partition(disk, p)) {
		if (p->num < 1 || (p->type & (PED_PARTITION_FREESPACE | PED_PARTITION_METADATA)))
			continue;
		azl_parted_part *e = xappend(&t->parts, &t->n_parts, sizeof(*t->parts));
		e->number = p->num;
		e->start = (uint64_t)p->geom.start * t->sector_size;
		e->size = (uint64_t)p->geom.length * t->sector_size;
		e->extended = (p->type & PED_PARTITION_EXTENDED) != 0;
		if (names) {
			const char *n = lp.ped_partition_get_name(p);
			e->name = n && *n ? xstrdup(n) : NULL;
		}
	}
	lp.ped_disk_destroy(disk);
	return 0;
}

int parted_table_read(const char *path, azl_parted_table *ret)
{
	*ret = (azl_parted_table){0};
	int r = parted_load();
	if (r < 0)
		return r;
	PedExceptionHandler *old = lp.ped_exception_get_handler();
	lp.ped_exception_set_handler(quiet_handler);

	azl_parted_table t = {0};
	PedDevice *dev = lp.ped_device_get(path);
	if (!dev)
		r = -ENODEV;
	else {
		r = read_table(dev, &t);
		/* Also drops it from libparted's device cache, so a later
		 * read sees the device as it is then. */
		lp.ped_device_destroy(dev);
	}
	lp.ped_exception_set_handler(old);
	if (r < 0) {
		parted_table_done(&t);
		return r;
	}
	*ret = t;
	return 0;
}

/* --- writing ------------------------------------------------------------- */

/* While writing, libparted's questions are answered as a careful person
 * would (no "fix", no "ignore" of an error), and each one is logged. */
static PedExceptionOption write_handler(PedException *ex)
{
	log_msg(ex->type >= PED_EXCEPTION_ERROR ? AZL_LOG_ERROR : AZL_LOG_WARNING, "libparted: %s",
		ex->message);
	/* An error is never ignored while writing; else as when reading. */
	if (ex->type >= PED_EXCEPTION_ERROR && (ex->options & PED_EXCEPTION_IGNORE)) {
		PedException masked = *ex;
		masked.options &= ~PED_EXCEPTION_IGNORE;
		return quiet_handler(&masked);
	}
	return quiet_handler(ex);
}

#define GUID_ESP      "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define GUID_BIOSBOOT "21686148-6449-6e6f-744e-656564454649"
#define GUID_XBOOTLDR "bc13c2ff-59e6-4262-a352-b275fd6f7172"
#define GUID_SWAP     "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f"
#define GUID_LVM      "e6d6d379-f507-44c2-a23c-238f2a3df928"
#define GUID_HOME     "933ac7e1-2eb4-4f13-b844-0e14e2aef915"
#define GUID_LINUX    "0fc63daf-8483-4772-8e79-3d69d8477de4"

/* GPT stores the first three fields of a GUID little-endian. */
static bool guid_to_bytes(const char *s, uint8_t out[16])
{
	unsigned v[16];
	if (!s || sscanf(s, "%2x%2x%2x%2x-%2x%2x-%2x%2x-%2x%2x-%2x%2x%2x%2x%2x%2x", &v[0], &v[1],
			 &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
			 &v[12], &v[13], &v[14], &v[15]) != 16)
		return false;
	static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)v[order[i]];
	return true;
}

static int set_flag(PedPartition *p, PedPartitionFlag f)
{
	if (!lp.ped_partition_is_flag_available(p, f) || !lp.ped_partition_set_flag(p, f, 1))
		return -EINVAL;
	return 0;
}

/* The type of a GPT partition: through a flag where libparted 3.5 has one,
 * else ped_partition_set_type_uuid where libparted has it. */
static int set_gpt_type(PedPartition *p, azl_parted_new_part *np)
{
	static const struct {
		const char *guid;
		PedPartitionFlag flag;
	} flags[] = {
		{GUID_ESP, PED_PARTITION_ESP},		 {GUID_BIOSBOOT, PED_PARTITION_BIOS_GRUB},
		{GUID_XBOOTLDR, PED_PARTITION_BLS_BOOT}, {GUID_SWAP, PED_PARTITION_SWAP},
		{GUID_LVM, PED_PARTITION_LVM},		 {GUID_HOME, PED_PARTITION_LINUX_HOME},
	};
	for (size_t i = 0; i < ELEMENTSOF(flags); i++)
		if (streq_ptr(np->type, flags[i].guid)) {
			np->type_set = set_flag(p, flags[i].flag) == 0;
			return np->type_set ? 0 : -EINVAL;
		}
	uint8_t b[16];
	if (lp.set_type_uuid && guid_to_bytes(np->type, b)) {
		if (!lp.set_type_uuid(p, b))
			return -EINVAL;
		np->type_set = true;
		return 0;
	}
	/* libparted's default for a new partition without filesystem. */
	np->type_set = !np->type || streq_ptr(np->type, GUID_LINUX);
	return 0;
}

static int set_msdos_type(PedPartition *p, azl_parted_new_part *np)
{
	unsigned id = 0x83;
	if (np->type && sscanf(np->type, "%x", &id) != 1)
		return -EINVAL;
	int r = 0;
	switch (id) {
	case 0x83:
		break;
	case 0xef:
		r = set_flag(p, PED_PARTITION_ESP);
		break;
	case 0x8e:
		r = set_flag(p, PED_PARTITION_LVM);
		break;
	case 0xfd:
		r = set_flag(p, PED_PARTITION_RAID);
		break;
	case 0x82: /* set through the filesystem type "linux-swap" */
		break;
	default:
		return -EINVAL;
	}
	if (r == 0 && np->boot)
		r = set_flag(p, PED_PARTITION_BOOT);
	np->type_set = r == 0;
	return r;
}

static int add_partition(PedDisk *disk, azl_parted_new_part *np, bool gpt)
{
	uint64_t ss = (uint64_t)disk->dev->sector_size;
	if (np->start % ss || np->size % ss || np->size == 0)
		return -EINVAL;
	PedSector start = (PedSector)(np->start / ss);
	PedSector end = start + (PedSector)(np->size / ss) - 1;
	bool swap = gpt ? streq_ptr(np->type, GUID_SWAP) : streq_ptr(np->type, "0x82");
	const PedFileSystemType *fst = swap ? lp.ped_file_system_type_get("linux-swap") : NULL;
	PedPartition *p = lp.ped_partition_new(disk, PED_PARTITION_NORMAL, fst, start, end);
	if (!p)
		return -EINVAL;
	PedGeometry *g = lp.ped_geometry_new(disk->dev, start, end - start + 1);
	PedConstraint *c = g ? lp.ped_constraint_exact(g) : NULL;
	bool ok = c && lp.ped_disk_add_partition(disk, p, c);
	lp.ped_constraint_destroy(c);
	if (g)
		lp.ped_geometry_destroy(g);
	if (!ok) {
		lp.ped_partition_destroy(p);
		return -ENOSPC;
	}
	if (p->num != np->number) {
		log_error("libparted numbered the partition at %" PRIu64
			  " bytes %d, the plan says %d",
			  np->start, p->num, np->number);
		return -EINVAL;
	}
	int r = gpt ? set_gpt_type(p, np) : set_msdos_type(p, np);
	if (r < 0)
		return r;
	if (gpt && np->name && !lp.ped_partition_set_name(p, np->name))
		return -EINVAL;
	return 0;
}

static int cmp_new_part(const void *a, const void *b)
{
	return ((const azl_parted_new_part *)a)->number - ((const azl_parted_new_part *)b)->number;
}

static int write_table(PedDevice *dev, const char *fresh_label, const int *remove, size_t n_remove,
		       azl_parted_new_part *parts, size_t n_parts)
{
	PedDisk *disk;
	if (fresh_label) {
		PedDiskType *type = lp.ped_disk_type_get(fresh_label);
		if (!type)
			return -EINVAL;
		disk = lp.ped_disk_new_fresh(dev, type);
	} else
		disk = lp.ped_disk_new(dev);
	if (!disk)
		return -EIO;
	bool gpt = strcmp(disk->type->name, "gpt") == 0;
	int r = 0;
	for (size_t i = 0; i < n_remove && r == 0; i++) {
		PedPartition *p = lp.ped_disk_get_partition(disk, remove[i]);
		if (!p || !lp.ped_disk_delete_partition(disk, p))
			r = -ENOENT;
	}
	/* libparted gives a new partition the lowest free number: adding
	 * them in the plan's order of numbers keeps the plan's numbers. */
	qsort(parts, n_parts, sizeof(*parts), cmp_new_part);
	for (size_t i = 0; i < n_parts && r == 0; i++) {
		r = add_partition(disk, &parts[i], gpt);
		if (r < 0)
			log_error("cannot add partition %d (%" PRIu64 " bytes at %" PRIu64
				  ") to '%s'",
				  parts[i].number, parts[i].size, parts[i].start, dev->path);
	}
	/* ped_disk_commit writes the table, then tells the kernel partition
	 * by partition (BLKPG): the nodes appear through devtmpfs. */
	if (r == 0 && !lp.ped_disk_commit(disk))
		r = -EIO;
	lp.ped_disk_destroy(disk);
	return r;
}

int parted_table_write(const char *dev, const char *fresh_label, const int *remove, size_t n_remove,
		       azl_parted_new_part *parts, size_t n_parts)
{
	int r = parted_load();
	if (r < 0)
		return r;
	PedExceptionHandler *old = lp.ped_exception_get_handler();
	lp.ped_exception_set_handler(write_handler);
	PedDevice *d = lp.ped_device_get(dev);
	r = d ? write_table(d, fresh_label, remove, n_remove, parts, n_parts) : -ENODEV;
	if (d)
		lp.ped_device_destroy(d);
	lp.ped_exception_set_handler(old);
	return r;
}
