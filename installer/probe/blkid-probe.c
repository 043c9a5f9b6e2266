/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "blkid-probe.h"

#include <blkid.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

const char *blkid_adapter_version(void)
{
	static char v[64];
	const char *ver = NULL, *date = NULL;
	blkid_get_library_version(&ver, &date);
	snprintf(v, sizeof(v), "libblkid %s (%s)", ver ? ver : "?", date ? date : "?");
	return v;
}

void blkid_info_done(azl_blkid_info *i)
{
	if (!i)
		return;
	free(i->fs_type);
	free(i->fs_label);
	free(i->fs_uuid);
	free(i->table);
	for (size_t k = 0; k < i->n_parts; k++) {
		free(i->parts[k].type);
		free(i->parts[k].name);
	}
	free(i->parts);
	*i = (azl_blkid_info){0};
}

static void blkid_probe_freep(blkid_probe *pr)
{
	if (*pr)
		blkid_free_probe(*pr);
}

static char *lookup(blkid_probe pr, const char *name)
{
	const char *v = NULL;
	if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0 || !v || !*v)
		return NULL;
	return xstrdup(v);
}

static char *table_name(const char *pttype)
{
	if (!pttype)
		return NULL;
	/* The rest of the installer speaks parted's word for an MBR table. */
	return xstrdup(strcmp(pttype, "dos") == 0 ? "msdos" : pttype);
}

static char *lowercase(const char *s)
{
	if (!s)
		return NULL;
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* The partition list comes from a second probe in binary mode: mixing it
 * with the value-mode probe of the superblocks would reset the chains. */
static void read_partitions(int fd, uint64_t offset, uint64_t size, azl_blkid_info *info)
{
	__attribute__((cleanup(blkid_probe_freep))) blkid_probe pr = blkid_new_probe();
	if (!pr)
		return;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, (blkid_loff_t)size) < 0)
		return;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_partlist pl = blkid_probe_get_partitions(pr);
	if (!pl)
		return;
	blkid_parttable tab = blkid_partlist_get_table(pl);
	bool gpt = tab && streq_ptr(blkid_parttable_get_type(tab), "gpt");
	int n = blkid_partlist_numof_partitions(pl);
	for (int k = 0; k < n; k++) {
		blkid_partition par = blkid_partlist_get_partition(pl, k);
		if (!par)
			continue;
		azl_blkid_part *p = xappend(&info->parts, &info->n_parts, sizeof(*info->parts));
		p->number = blkid_partition_get_partno(par);
		/* libblkid counts in 512-byte units whatever the sector size.
		 */
		p->start = (uint64_t)blkid_partition_get_start(par) * 512;
		p->size = (uint64_t)blkid_partition_get_size(par) * 512;
		if (gpt)
			p->type = lowercase(blkid_partition_get_type_string(par));
		else
			p->type = xasprintf("0x%x", blkid_partition_get_type(par));
		const char *name = blkid_partition_get_name(par);
		p->name = name && *name ? xstrdup(name) : NULL;
	}
}

int blkid_adapter_probe(const char *path, uint64_t offset, uint64_t size, azl_blkid_info *ret)
{
	*ret = (azl_blkid_info){0};
	/* Never for writing: probing must leave every device as it was. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;

	__attribute__((cleanup(blkid_probe_freep))) blkid_probe pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, (blkid_loff_t)size) < 0)
		return -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
						      BLKID_SUBLKS_UUID);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);

	azl_blkid_info info = {0};
	int r = blkid_do_safeprobe(pr);
	if (r == -2) {
		/* Two filesystems claim the device: report it as unknown
		 * rather than guess, like blkid(8) without -p does. */
		info.fs_type = xstrdup("ambivalent");
	} else if (r < 0) {
		return -EIO;
	} else if (r == 0) {
		info.fs_type = lookup(pr, "TYPE");
		info.fs_label = lookup(pr, "LABEL");
		info.fs_uuid = lookup(pr, "UUID");
		_cleanup_free_ char *pt = lookup(pr, "PTTYPE");
		info.table = table_name(pt);
	}
	if (info.table)
		read_partitions(fd, offset, size, &info);
	*ret = info;
	return 0;
}

int blkid_adapter_wipe(int fd, uint64_t offset, uint64_t size, const char *what)
{
	__attribute__((cleanup(blkid_probe_freep))) blkid_probe pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, (blkid_loff_t)size) < 0)
		return -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_TYPE |
						      BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
	int n = 0;
	/* blkid_do_wipe() steps the probe back, so the next blkid_do_probe()
	 * looks again where the erased signature was: a signature hidden
	 * behind it (the backup GPT, LUKS2's second header) shows up then. A
	 * bound keeps a signature that cannot be erased from looping. */
	for (int i = 0; i < 64; i++) {
		int r = blkid_do_probe(pr);
		if (r == 1)
			break;
		if (r < 0)
			return -EIO;
		const char *type = NULL, *off = NULL;
		if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) < 0)
			(void)blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL);
		if (blkid_probe_lookup_value(pr, "SBMAGIC_OFFSET", &off, NULL) < 0)
			(void)blkid_probe_lookup_value(pr, "PTMAGIC_OFFSET", &off, NULL);
		errno = 0;
		if (blkid_do_wipe(pr, 0) < 0)
			return errno > 0 ? -errno : -EIO;
		log_info("erased the %s signature at offset %s of %s", type ? type : "unknown",
			 off ? off : "?", what);
		n++;
	}
	if (fsync(fd) < 0)
		return -errno;
	return n;
}
