/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "parted-table.h"

#include <errno.h>
#include <parted/parted.h>
#include <stdio.h>
#include <string.h>

#include "libs.h"
#include "util.h"

const char *parted_adapter_version(void)
{
	static char v[64];
	snprintf(v, sizeof(v), "libparted %s", ped_get_version());
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

	PedDiskType *type = ped_disk_probe(dev);
	/* "loop" is libparted's name for a filesystem on the whole device:
	 * no partition table. */
	if (!type || strcmp(type->name, "loop") == 0)
		return 0;
	PedDisk *disk = ped_disk_new(dev);
	if (!disk)
		return -EIO;
	t->label = xstrdup(type->name);
	bool names = ped_disk_type_check_feature(disk->type,
						 PED_DISK_TYPE_PARTITION_NAME);
	for (PedPartition *p = ped_disk_next_partition(disk, NULL); p;
	     p = ped_disk_next_partition(disk, p)) {
		if (p->num < 1 || (p->type & (PED_PARTITION_FREESPACE |
					      PED_PARTITION_METADATA)))
			continue;
		azl_parted_part *e =
			xappend(&t->parts, &t->n_parts, sizeof(*t->parts));
		e->number = p->num;
		e->start = (uint64_t)p->geom.start * t->sector_size;
		e->size = (uint64_t)p->geom.length * t->sector_size;
		e->extended = (p->type & PED_PARTITION_EXTENDED) != 0;
		if (names) {
			const char *n = ped_partition_get_name(p);
			e->name = n && *n ? xstrdup(n) : NULL;
		}
	}
	ped_disk_destroy(disk);
	return 0;
}

int parted_table_read(const char *path, azl_parted_table *ret)
{
	*ret = (azl_parted_table){0};
	PedExceptionHandler *old = ped_exception_get_handler();
	ped_exception_set_handler(quiet_handler);

	azl_parted_table t = {0};
	int r;
	PedDevice *dev = ped_device_get(path);
	if (!dev)
		r = -ENODEV;
	else {
		r = read_table(dev, &t);
		/* Also drops it from libparted's device cache, so a later
		 * read sees the device as it is then. */
		ped_device_destroy(dev);
	}
	ped_exception_set_handler(old);
	if (r < 0) {
		parted_table_done(&t);
		return r;
	}
	*ret = t;
	return 0;
}
