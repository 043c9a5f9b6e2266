/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Software RAID (storage.raids): the answer file's checks at FILE:LINE:COL,
 * the planner's arrays and every refusal with its exit code, the mdadm
 * command line and the target's mdadm.conf line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answers.h"
#include "apply-bootloader.h"
#include "apply-storage.h"
#include "exit-codes.h"
#include "kickstart.h"
#include "machine.h"
#include "mdraid.h"
#include "model.h"
#include "plan.h"
#include "spokes.h"
#include "unit-fixtures.h"
#include "util.h"

#define MIB ((uint64_t)1024 * 1024)
#define GIB (MIB * 1024)

/* Reads text; returns the model (NULL when invalid) and the diagnostics
 * joined by newlines in *ret_diags. */
static azl_model *read_yaml(const char *text, char **ret_diags)
{
	_cleanup_free_ char *zi = xasprintf("%s/answers/zoneinfo", fixtures());
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	int r = answers_read_text("raid.yaml", text, strlen(text), zi, &d, &m);
	azl_buf b = {0};
	for (size_t i = 0; i < d.n; i++) {
		_cleanup_free_ char *s = diag_format(&d, &d.items[i]);
		buf_printf(&b, "%s\n", s);
	}
	*ret_diags = b.len ? buf_steal(&b) : xstrdup("");
	diags_done(&d);
	if (r < 0)
		assert_null(m);
	return m;
}

static azl_model *read_ok(const char *text)
{
	_cleanup_free_ char *diags = NULL;
	azl_model *m = read_yaml(text, &diags);
	if (!m)
		print_error("%s", diags);
	assert_non_null(m);
	return m;
}

/* The answer file's error at raid.yaml:LINE:COL says want (a part). */
static void expect_invalid(const char *text, const char *where, const char *want)
{
	_cleanup_free_ char *diags = NULL;
	_cleanup_model_ azl_model *m = read_yaml(text, &diags);
	assert_null(m);
	_cleanup_free_ char *both = xasprintf("raid.yaml:%s: error: %s", where, want);
	if (!strstr(diags, both))
		print_error("want '%s' in:\n%s", both, diags);
	assert_non_null(strstr(diags, both));
}

static void expect_fail(const azl_model *m, const azl_machine *mach, azl_plan_error_kind kind,
			const char *message)
{
	azl_plan *p = NULL;
	azl_plan_error err = {0};
	int r = plan_build(m, mach, NULL, &p, &err);
	assert_true(r < 0);
	assert_null(p);
	if (!err.message || strcmp(err.message, message) != 0)
		print_error("got: %s\n", err.message);
	assert_int_equal(err.kind, kind);
	assert_string_equal(err.message, message);
	plan_error_done(&err);
}

static const azl_plan_raid *find_raid(const azl_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_raids; i++)
		if (streq_ptr(p->raids[i].name, name))
			return &p->raids[i];
	return NULL;
}

/* UEFI: a mirrored ESP (metadata 1.0), a mirrored /boot and LVM on a
 * third mirror, over a 20 GiB and a 40 GiB disk. */
static const char mirror_yaml[] =
	"version: 1\n"
	"storage:\n"
	"  disks: [/dev/vda, /dev/vdb]\n"
	"  partitions:\n"
	"    - {raid: esp, disk: 1, size: 600M}\n"
	"    - {raid: esp, disk: 2, size: 600M}\n"
	"    - {raid: boot, disk: 1, size: 1G}\n"
	"    - {raid: boot, disk: 2, size: 1G}\n"
	"    - {raid: sys, disk: 1, size: grow}\n"
	"    - {raid: sys, disk: 2, size: grow}\n"
	"  raids:\n"
	"    - {name: esp, level: 1, metadata: \"1.0\", mount: /boot/efi}\n"
	"    - {name: boot, level: 1, mount: /boot}\n"
	"    - {name: sys, level: 1, volume_group: vg_sys, encrypt: true}\n"
	"  encryption: {passphrase_file: /nonexistent/azl-raid-pass}\n"
	"  volume_groups:\n"
	"    - name: vg_sys\n"
	"      volumes:\n"
	"        - {name: root, mount: /, size: grow}\n"
	"        - {name: swap, mount: swap, size: 1G}\n";

static void test_mirror_uefi(void **state)
{
	(void)state;
	_cleanup_machine_ azl_machine *mach = load("two-disks");
	_cleanup_model_ azl_model *m = read_ok(mirror_yaml);
	_cleanup_plan_ azl_plan *p = plan_ok(m, mach);

	assert_int_equal(p->n_disks, 2);
	assert_int_equal(p->n_raids, 3);
	/* the members: equal sizes although vdb is twice vda */
	const azl_plan_disk *a = &p->disks[0], *b = &p->disks[1];
	assert_int_equal(a->n_parts, 3);
	assert_int_equal(b->n_parts, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(a->parts[i].role, AZL_ROLE_RAID_MEMBER);
		assert_int_equal(a->parts[i].size, b->parts[i].size);
		assert_int_equal(a->parts[i].start, b->parts[i].start);
	}
	/* ESP members keep the ESP type: the firmware reads one as FAT */
	assert_string_equal(a->parts[0].type_guid, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
	assert_string_equal(a->parts[1].type_guid, "a19d880f-05fc-4d3b-a006-743f0f84911e");
	assert_string_equal(a->parts[2].partlabel, "raid-sys");

	const azl_plan_raid *esp = find_raid(p, "esp");
	assert_non_null(esp);
	assert_string_equal(esp->device, "/dev/md/esp");
	assert_string_equal(esp->metadata, "1.0");
	assert_int_equal(esp->role, AZL_ROLE_ESP);
	assert_int_equal(esp->fs, AZL_FS_VFAT);
	assert_int_equal(esp->size, 599 * MIB);
	assert_string_equal(esp->members[0], "/dev/vda1");
	assert_string_equal(esp->members[1], "/dev/vdb1");
	const azl_plan_raid *sys = find_raid(p, "sys");
	assert_string_equal(sys->metadata, "1.2");
	assert_true(sys->encrypted);
	assert_string_equal(sys->luks_name, "luks-vg_sys");
	assert_int_equal(sys->role, AZL_ROLE_LVM_PV);
	/* md's data offset grows with the member (1/1024, + 1 MiB) */
	assert_true(sys->size < sys->member_size);
	assert_true(sys->member_size - sys->size <= 21 * MIB);

	/* the PV is the LUKS mapping on the array */
	assert_int_equal(p->n_vgs, 1);
	assert_string_equal(p->vgs[0].pvs[0], "/dev/mapper/luks-vg_sys");
	/* actions: partitions, arrays, LUKS, LVM, in that order */
	size_t raid_at = 0, luks_at = 0, pv_at = 0, parts_end = 0;
	for (size_t i = 0; i < p->n_actions; i++) {
		const azl_action *ac = &p->actions[i];
		if (ac->op == AZL_OP_CREATE_PARTITION)
			parts_end = i;
		if (ac->op == AZL_OP_RAID_CREATE && !raid_at)
			raid_at = i;
		if (ac->op == AZL_OP_LUKS_FORMAT && !luks_at) {
			luks_at = i;
			assert_string_equal(ac->device, "/dev/md/sys");
		}
		if (ac->op == AZL_OP_PV_CREATE)
			pv_at = i;
	}
	assert_true(parts_end < raid_at && raid_at < luks_at && luks_at < pv_at);
	/* the other member disk gets an NVRAM entry too */
	assert_string_equal(p->boot_disk, "/dev/vda");
	assert_non_null(p->mirror_boot_disks);
	assert_string_equal(p->mirror_boot_disks[0], "/dev/vdb");
	assert_null(p->mirror_boot_disks[1]);

	_cleanup_strv_free_ char **pk = plan_required_packages(p);
	assert_true(strv_contains(pk, "mdadm"));
	assert_true(strv_contains(pk, "cryptsetup"));
	_cleanup_strv_free_ char **tools = plan_required_tools(p);
	assert_true(strv_contains(tools, "mdadm"));

	_cleanup_free_ char *json = plan_to_json(p);
	assert_non_null(strstr(json, "\"raids\""));
	assert_non_null(strstr(json, "\"op\": \"raid-create\""));

	/* boot_drive on the second member's disk (kickstart's
	 * bootloader --boot-drive=sdb under a mirrored /boot/efi, as
	 * nanite10-cobbler-rhel79.ks of the corpus has it): that disk
	 * holds the ESP too, so it boots first and the other gets the
	 * second NVRAM entry */
	m->bootloader.boot_drive_index = 2;
	_cleanup_plan_ azl_plan *q = plan_ok(m, mach);
	assert_string_equal(q->boot_disk, "/dev/vdb");
	assert_string_equal(q->disks[0].path, "/dev/vdb");
	assert_non_null(q->mirror_boot_disks);
	assert_string_equal(q->mirror_boot_disks[0], "/dev/vda");
	assert_null(q->mirror_boot_disks[1]);
	assert_string_equal(find_raid(q, "esp")->members[0], "/dev/vda1");
}

/* BIOS: GRUB on every member disk, each with its own BIOS boot
 * partition; a RAID5 root over three disks. */
static void test_bios_raid5(void **state)
{
	(void)state;
	_cleanup_machine_ azl_machine *mach = load("two-disks");
	mach->firmware = AZL_FIRMWARE_BIOS;
	/* a third disk, like the second */
	mach->disks = xrealloc(mach->disks, 3 * sizeof(*mach->disks));
	azl_disk_info *c = &mach->disks[2];
	*c = (azl_disk_info){0};
	c->path = xstrdup("/dev/vdc");
	c->name = xstrdup("vdc");
	c->size = 30 * GIB;
	c->logical_sector_size = 512;
	c->physical_sector_size = 512;
	mach->n_disks = 3;
	_cleanup_model_ azl_model *m =
		read_ok("version: 1\n"
			"storage:\n"
			"  disks: [/dev/vda, /dev/vdb, /dev/vdc]\n"
			"  partitions:\n"
			"    - {raid: boot, disk: 1, size: 1G}\n"
			"    - {raid: boot, disk: 2, size: 1G}\n"
			"    - {raid: boot, disk: 3, size: 1G}\n"
			"    - {raid: root, disk: 1, size: 8G}\n"
			"    - {raid: root, disk: 2, size: 8G}\n"
			"    - {raid: root, disk: 3, size: 8G}\n"
			"  raids:\n"
			"    - {name: boot, level: 1, mount: /boot, spares: 1}\n"
			"    - {name: root, level: 5, mount: /, fs: xfs}\n");
	_cleanup_plan_ azl_plan *p = plan_ok(m, mach);
	assert_int_equal(p->n_disks, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(p->disks[i].parts[0].role, AZL_ROLE_BIOSBOOT);
		assert_int_equal(p->disks[i].n_parts, 3);
	}
	assert_int_equal(strv_length(p->mirror_boot_disks), 2);
	const azl_plan_raid *root = find_raid(p, "root");
	/* RAID5 of 3: two members' worth, less md's 8 MiB + 1 MiB each */
	assert_int_equal(root->size, 2 * (8 * GIB - 9 * MIB));
	assert_int_equal(root->fs, AZL_FS_XFS);
	const azl_plan_raid *boot = find_raid(p, "boot");
	assert_int_equal(boot->spares, 1);
	assert_int_equal(strv_length(boot->members), 3);
	_cleanup_strv_free_ char **argv =
		mdraid_create_argv(&(azl_mdraid_create){.device = boot->device,
							.name = boot->name,
							.level = boot->level,
							.metadata = boot->metadata,
							.members = boot->members,
							.spares = boot->spares});
	azl_buf b = {0};
	for (size_t i = 0; argv[i]; i++)
		buf_printf(&b, "%s%s", i ? " " : "", argv[i]);
	_cleanup_free_ char *cmd = buf_steal(&b);
	assert_string_equal(
		cmd,
		"mdadm --create /dev/md/boot --run --metadata=1.2 --level=1 --raid-devices=2 --spare-devices=1 --name=boot /dev/vda2 /dev/vdb2 /dev/vdc2");
}

static void test_planner_refusals(void **state)
{
	(void)state;
	_cleanup_machine_ azl_machine *mach = load("two-disks");
	_cleanup_model_ azl_model *m = read_ok(mirror_yaml);
	azl_storage *s = &m->storage;

	/* RAID5 needs three members */
	s->raids[1].level = 5;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"RAID 'boot' of level 5 needs at least 3 active members on as many disks, but has 2 (and 0 spares); add members on more disks");
	s->raids[1].level = 6;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"RAID 'boot' of level 6 needs at least 4 active members on as many disks, but has 2 (and 0 spares); add members on more disks");
	s->raids[1].level = 10;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"RAID 'boot' of level 10 needs at least 4 active members on as many disks, but has 2 (and 0 spares); add members on more disks");
	s->raids[1].level = 1;
	s->raids[1].spares = 1;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"RAID 'boot' of level 1 needs at least 2 active members on as many disks, but has 1 (and 1 spares); add members on more disks");
	s->raids[1].spares = 0;
	s->raids[1].level = 4;
	expect_fail(m, mach, AZL_PLAN_ERROR_ANSWERS,
		    "RAID 'boot' has level 4; use level 1, 5, 6 or 10");
	s->raids[1].level = 1;

	/* the ESP on RAID only as a mirror with metadata 1.0 */
	free(s->raids[0].metadata);
	s->raids[0].metadata = NULL;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"RAID 'esp' holds /boot/efi, which the firmware reads as a plain FAT partition: only a mirror with its superblock at the end (level: 1, metadata: \"1.0\") allows that");
	s->raids[0].metadata = xstrdup("1.0");

	/* two members on one disk */
	s->partitions[3].disk_index = 1;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"two members of RAID 'boot' are on disk '/dev/vda', where one failure takes both; put each member on its own disk");
	s->partitions[3].disk_index = 2;

	/* fixed member sizes that differ */
	s->partitions[3].size.bytes = 2 * GIB;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"the members of RAID 'boot' have different sizes (1 GiB on '/dev/vda', 2 GiB on '/dev/vdb'); give them the same size");
	s->partitions[3].size.bytes = GIB;

	/* a member smaller than md + LUKS + LVM need */
	s->partitions[4].size = (azl_size){.kind = AZL_SIZE_BYTES, .bytes = 4 * MIB};
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"a member of RAID 'sys' is smaller than the 24 MiB the array needs of each; make it larger");
	/* members too large for the smaller disk: exit 2 */
	s->partitions[4].size = (azl_size){.kind = AZL_SIZE_BYTES, .bytes = 30 * GIB};
	s->partitions[5].size = (azl_size){.kind = AZL_SIZE_BYTES, .bytes = 30 * GIB};
	expect_fail(
		m, mach, AZL_PLAN_ERROR_MACHINE,
		"the partitions for disk '/dev/vda' need at least 31.6 GiB, but only 20 GiB is free there; make them smaller or choose a larger disk");
	/* a growing member that ends up smaller than the other's fixed
	 * size: md would use the smaller one */
	s->partitions[4].size = (azl_size){.kind = AZL_SIZE_GROW};
	expect_fail(
		m, mach, AZL_PLAN_ERROR_MACHINE,
		"the member of RAID 'sys' on disk '/dev/vda' can have only 18.4 GiB, but the other members have 30 GiB and md uses the smallest; free space there or use a larger disk");
	s->partitions[5].size = (azl_size){.kind = AZL_SIZE_GROW};

	/* a member naming no array, a member with a mount point */
	azl_partition_spec *extra = xappend(&s->partitions, &s->n_partitions, sizeof(*extra));
	extra->raid = xstrdup("nope");
	extra->size = (azl_size){.kind = AZL_SIZE_BYTES, .bytes = GIB};
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"a partition names RAID 'nope', which storage.raids does not define; add it there");
	partition_spec_done(&s->partitions[--s->n_partitions]);
	s->partitions[5].mount = xstrdup("/srv");
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"a member of RAID 'sys' has no mount point, filesystem, label, options, encryption or volume group of its own; give them to the array");
	free(s->partitions[5].mount);
	s->partitions[5].mount = NULL;

	/* what an array holds */
	free(s->raids[1].name);
	s->raids[1].name = xstrdup("");
	expect_fail(m, mach, AZL_PLAN_ERROR_ANSWERS,
		    "a RAID in storage.raids has no name; add name: md0");
	free(s->raids[1].name);
	s->raids[1].name = xstrdup("esp");
	expect_fail(m, mach, AZL_PLAN_ERROR_ANSWERS,
		    "RAID 'esp' is defined twice in storage.raids; define it once");
	free(s->raids[1].name);
	s->raids[1].name = xstrdup("boot");
	s->raids[2].mount = xstrdup("/srv");
	expect_fail(m, mach, AZL_PLAN_ERROR_ANSWERS,
		    "RAID 'sys' has both a mount point and a volume group; choose one");
	free(s->raids[2].mount);
	s->raids[2].mount = NULL;
	free(s->raids[2].volume_group);
	s->raids[2].volume_group = xstrdup("vg_other");
	/* (vg_sys keeps a physical volume: a partition) */
	azl_partition_spec *pv = xappend(&s->partitions, &s->n_partitions, sizeof(*pv));
	pv->volume_group = xstrdup("vg_sys");
	pv->size = (azl_size){.kind = AZL_SIZE_BYTES, .bytes = GIB};
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"RAID 'sys' names volume group 'vg_other', which storage.volume_groups does not define; add it there");
	partition_spec_done(&s->partitions[--s->n_partitions]);
	free(s->raids[2].volume_group);
	s->raids[2].volume_group = xstrdup("vg_sys");
	s->raids[1].encrypt = true;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_ANSWERS,
		"'/boot' cannot be encrypted: the firmware and the boot loader read it before any passphrase is asked; remove encrypt: true there");
	s->raids[1].encrypt = false;
	s->raids[0].fs = AZL_FS_EXT4;
	expect_fail(m, mach, AZL_PLAN_ERROR_ANSWERS,
		    "RAID 'esp' holds '/boot/efi', which must be vfat; use fs: vfat");
	s->raids[0].fs = AZL_FS_NONE;

	/* a machine without md: exit 2 */
	mach->md_raid = false;
	expect_fail(
		m, mach, AZL_PLAN_ERROR_MACHINE,
		"software RAID needs the kernel's md driver, which this machine does not have; leave storage.raids out, or boot a kernel with md_mod (the live environment has it)");
	mach->md_raid = true;
	_cleanup_plan_ azl_plan *p = plan_ok(m, mach);
	assert_int_equal(p->n_raids, 3);
}

static void test_validation(void **state)
{
	(void)state;
	const char *head = "version: 1\n"
			   "storage:\n"
			   "  disks: [/dev/vda, /dev/vdb]\n"
			   "  partitions:\n"
			   "    - {mount: /, size: 4G}\n";
	_cleanup_free_ char *t1 = xasprintf("%s    - {raid: data, disk: 1, size: 1G}\n"
					    "    - {raid: data, disk: 1, size: 1G, mount: /srv}\n"
					    "  raids:\n"
					    "    - {name: data, level: 5, mount: /data}\n"
					    "    - {name: data, level: 3}\n"
					    "    - {name: \"bad/name\", level: 1}\n"
					    "    - {name: esp, level: 1, mount: /boot/efi}\n",
					    head);
	expect_invalid(
		t1, "7:7",
		"two members of RAID 'data' are on the same disk (first at line 6); put each member on its own disk");
	expect_invalid(
		t1, "7:7",
		"a member of RAID 'data' cannot have 'mount'; give them to the array in 'storage.raids'");
	expect_invalid(
		t1, "9:7",
		"RAID 'data' of level 5 needs at least 3 active members, but has 2 (and 0 spares); add members on more disks");
	expect_invalid(t1, "10:7", "RAID 'data' is listed twice (first at line 9)");
	expect_invalid(t1, "10:7",
		       "RAID 'data' has level 3; the installer makes levels 1, 5, 6 and 10");
	expect_invalid(t1, "11:7", "'bad/name' is not a valid RAID name");
	expect_invalid(
		t1, "12:7",
		"RAID 'esp' holds /boot/efi, which the firmware reads as a plain FAT partition");
	expect_invalid(t1, "12:7", "RAID 'esp' has no members");
	_cleanup_free_ char *t2 = xasprintf(
		"%s    - {raid: md0, disk: 1, size: 1G}\n"
		"    - {raid: md1, disk: 2, size: 1G}\n"
		"  raids:\n"
		"    - {name: md0, level: 1, metadata: \"0.90\", encrypt: true, mount: /boot}\n",
		head);
	expect_invalid(t2, "7:7",
		       "RAID 'md1' is not listed in 'storage.raids'; add it there with its level");
	expect_invalid(
		t2, "9:7",
		"RAID 'md0' has metadata '0.90'; use 1.2 (the default), or 1.0 for a mirror the firmware reads");
	expect_invalid(t2, "9:7", "'/boot' cannot be encrypted");
	expect_invalid(t2, "9:7", "RAID 'md0' is to be encrypted but no passphrase is given");
	/* raids without partitions */
	expect_invalid("version: 1\n"
		       "storage:\n"
		       "  raids:\n"
		       "    - {name: md0, level: 1, mount: /}\n",
		       "4:7", "'raids' needs a custom layout");
}

/* The answer file writer gives back what it read. */
static void test_round_trip(void **state)
{
	(void)state;
	_cleanup_model_ azl_model *m = read_ok(mirror_yaml);
	int err = 0;
	_cleanup_free_ char *text = answers_write(m, &err);
	assert_non_null(text);
	assert_non_null(strstr(text, "raid: esp"));
	_cleanup_model_ azl_model *back = read_ok(text);
	assert_int_equal(back->storage.n_raids, 3);
	assert_string_equal(back->storage.raids[0].metadata, "1.0");
	assert_int_equal(back->storage.raids[2].encrypt, true);
	assert_string_equal(back->storage.raids[2].volume_group, "vg_sys");
	assert_string_equal(back->storage.partitions[5].raid, "sys");
	_cleanup_free_ char *again = answers_write(back, &err);
	assert_string_equal(text, again);
}

static void test_conf_line(void **state)
{
	(void)state;
	_cleanup_free_ char *l = mdraid_conf_line(
		"ARRAY /dev/md127 metadata=1.2 name=live:boot UUID=3e4b2b6c:1f0e5a3d:9a7c1b2e:4d5f6a7b\n",
		"boot");
	assert_string_equal(
		l,
		"ARRAY /dev/md/boot metadata=1.2 name=live:boot UUID=3e4b2b6c:1f0e5a3d:9a7c1b2e:4d5f6a7b");
	assert_null(mdraid_conf_line("ARRAY /dev/md0 metadata=1.2", "x"));
}

/* What the boot loader gets from an installed RAID: dracut's mdraid
 * module and rd.md.uuid= for every array, /boot's too (the initramfs
 * assembles them all). */
static void test_boot_args(void **state)
{
	(void)state;
	char *md[] = {"3e4b2b6c:1f0e5a3d:9a7c1b2e:4d5f6a7b", "01234567:89abcdef:01234567:89abcdef",
		      NULL};
	char *lvs[] = {"vg_sys/root", NULL};
	azl_installed_storage st = {.root_uuid = "ROOT", .lvm_lvs = lvs, .md_uuids = md};
	_cleanup_free_ char *mods = bootloader_dracut_modules(&st);
	assert_string_equal(mods, "lvm mdraid");
	azl_model m = {0};
	m.selinux = AZL_SELINUX_DISABLED;
	_cleanup_free_ char *c = bootloader_cmdline(&m, &st, false);
	assert_string_equal(
		c,
		"root=UUID=ROOT ro rd.lvm.lv=vg_sys/root rd.md.uuid=3e4b2b6c:1f0e5a3d:9a7c1b2e:4d5f6a7b rd.md.uuid=01234567:89abcdef:01234567:89abcdef");
}

/* The TUI's Disks page edits a clone of the storage and drops it on
 * Cancel: the clone owns its own arrays and groups. */
static void test_tui_clone(void **state)
{
	(void)state;
	_cleanup_model_ azl_model *m = read_ok(mirror_yaml);
	azl_storage c;
	storage_clone(&c, &m->storage);
	assert_int_equal(c.n_raids, 3);
	assert_ptr_not_equal(c.raids, m->storage.raids);
	assert_ptr_not_equal(c.raids[0].name, m->storage.raids[0].name);
	assert_ptr_not_equal(c.volume_groups, m->storage.volume_groups);
	assert_ptr_not_equal(c.partitions[0].raid, m->storage.partitions[0].raid);
	assert_string_equal(c.partitions[0].raid, "esp");
	storage_done(&c);
	/* the model is whole: it still plans */
	_cleanup_machine_ azl_machine *mach = load("two-disks");
	_cleanup_plan_ azl_plan *p = plan_ok(m, mach);
	assert_int_equal(p->n_raids, 3);

	/* the Disks spoke: '/' on a volume of a group on an array is a
	 * root; the passphrase spoke: an encrypted array wants one */
	_cleanup_free_ char *why = NULL;
	assert_true(spoke_status(SPOKE_DISKS, m, mach, &why));
	assert_true(storage_wants_encryption(&m->storage));
	m->storage.raids[2].encrypt = false;
	assert_false(storage_wants_encryption(&m->storage));
}

/* Reads the kickstart text ks as raid.ks (it must be accepted): the
 * model in *ret, its messages returned, one a line. */
static char *ks_read_ok(const char *ks, azl_model **ret)
{
	_cleanup_free_ char *zi = xasprintf("%s/answers/zoneinfo", fixtures());
	azl_diags d;
	diags_init(&d);
	int r = kickstart_read_text("raid.ks", ks, strlen(ks), NULL, zi, false, &d, ret);
	azl_buf b = {0};
	for (size_t i = 0; i < d.n; i++) {
		_cleanup_free_ char *line = diag_format(&d, &d.items[i]);
		buf_printf(&b, "%s\n", line);
	}
	char *text = b.len ? buf_steal(&b) : xstrdup("");
	diags_done(&d);
	if (r < 0)
		print_error("%s", text);
	assert_int_equal(r, 0);
	return text;
}

/* part raid.NN --fstype: Anaconda makes an md member whatever it says
 * (HPE's lsrrb kickstarts write --fstype=raid, Anaconda's own
 * mdmember): no error; quiet for the names of an md member, a warning
 * for a file system, which belongs on the raid line. */
static void test_ks_member_fstype(void **state)
{
	(void)state;
	const char *ks = "rootpw --lock\n"
			 "clearpart --all --drives=vda,vdb\n"
			 "part raid.01 --fstype=raid --size=1 --grow --ondisk=vda\n"
			 "part raid.02 --fstype=\"software RAID\" --size=1 --grow --ondisk=vdb\n"
			 "part raid.11 --fstype=mdmember --size=1024 --ondisk=vda\n"
			 "part raid.12 --fstype=zfs --size=1024 --ondisk=vdb\n"
			 "raid / --device=md0 --fstype=xfs --level=1 raid.01 raid.02\n"
			 "raid /boot --device=md1 --level=1 raid.11 raid.12\n";
	azl_model *m = NULL;
	_cleanup_free_ char *text = ks_read_ok(ks, &m);
	/* one warning, for zfs on line 6 */
	assert_string_equal(
		text,
		"raid.ks:6: warning: RAID member 'raid.12' holds no file system of its own; its --fstype, --label, --fsoptions and --encrypted were ignored (give them to the raid line)\n");
	const azl_storage *st = &m->storage;
	assert_int_equal(st->n_partitions, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(st->partitions[i].raid);
		assert_int_equal(st->partitions[i].fs, AZL_FS_NONE);
	}
	assert_int_equal(st->n_raids, 2);
	assert_int_equal(st->raids[0].fs, AZL_FS_XFS);
	model_free(m);
}

/* A physical volume's --fstype (part pv.NN, raid pv.NN): lvmpv and
 * blivet's older "physical volume (LVM)" quiet, another name a warning;
 * never a file system. */
static void test_ks_pv_fstype(void **state)
{
	(void)state;
	const char *ks =
		"rootpw --lock\n"
		"clearpart --all --drives=vda,vdb\n"
		"part raid.01 --size=4096 --ondisk=vda\n"
		"part raid.02 --size=4096 --ondisk=vdb\n"
		"part pv.11 --fstype=\"physical volume (LVM)\" --size=1 --grow --ondisk=vda\n"
		"part pv.12 --fstype=xfs --size=1 --grow --ondisk=vdb\n"
		"raid pv.01 --fstype=lvmpv --device=md0 --level=1 raid.01 raid.02\n"
		"volgroup vg pv.01 pv.11 pv.12\n"
		"logvol / --vgname=vg --name=root --size=1 --grow\n";
	azl_model *m = NULL;
	_cleanup_free_ char *text = ks_read_ok(ks, &m);
	assert_string_equal(
		text,
		"raid.ks:6: warning: LVM physical volume 'pv.12' holds no file system of its own; its --fstype 'xfs' was ignored\n");
	const azl_storage *st = &m->storage;
	for (size_t i = 0; i < st->n_partitions; i++)
		assert_int_equal(st->partitions[i].fs, AZL_FS_NONE);
	assert_int_equal(st->n_raids, 1);
	assert_int_equal(st->raids[0].fs, AZL_FS_NONE);
	model_free(m);
}

/* Kickstart members without --ondisk: each array's members go to the
 * disks of the list in order, skipping those its other members are on;
 * without a disk list they stay together and are refused at their line. */
static void test_ks_no_ondisk(void **state)
{
	(void)state;
	const char *ks = "rootpw --lock\n"
			 "clearpart --all --drives=vda,vdb\n"
			 "part raid.01 --size=1024\n"
			 "part raid.02 --size=1024\n"
			 "part raid.11 --size=4096 --grow --ondisk=vdb\n"
			 "part raid.12 --size=4096 --grow\n"
			 "raid /boot --level=1 --device=boot raid.01 raid.02\n"
			 "raid / --level=1 --device=root raid.11 raid.12\n";
	_cleanup_free_ char *zi = xasprintf("%s/answers/zoneinfo", fixtures());
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	int r = kickstart_read_text("raid.ks", ks, strlen(ks), NULL, zi, false, &d, &m);
	if (r < 0)
		diags_print(&d, stderr);
	diags_done(&d);
	assert_int_equal(r, 0);
	const azl_storage *s = &m->storage;
	assert_int_equal(s->n_partitions, 4);
	assert_int_equal(s->partitions[0].disk_index, 1);
	assert_int_equal(s->partitions[1].disk_index, 2);
	assert_string_equal(s->partitions[2].disk_path, "/dev/vdb");
	assert_int_equal(s->partitions[3].disk_index, 1);
	_cleanup_machine_ azl_machine *mach = load("two-disks");
	_cleanup_plan_ azl_plan *p = plan_ok(m, mach);
	assert_int_equal(p->n_raids, 2);
	model_free(m);

	/* no disk list: both on the first disk, refused at the second */
	const char *bare = "rootpw --lock\n"
			   "part raid.01 --size=1024\n"
			   "part raid.02 --size=1024\n"
			   "raid / --level=1 --device=root raid.01 raid.02\n";
	diags_init(&d);
	m = NULL;
	r = kickstart_read_text("raid.ks", bare, strlen(bare), NULL, zi, false, &d, &m);
	azl_buf b = {0};
	for (size_t i = 0; i < d.n; i++) {
		_cleanup_free_ char *line = diag_format(&d, &d.items[i]);
		buf_printf(&b, "%s\n", line);
	}
	_cleanup_free_ char *text = b.len ? buf_steal(&b) : xstrdup("");
	diags_done(&d);
	assert_int_equal(r, -EINVAL);
	assert_null(m);
	if (!strstr(text, "raid.ks:3: error: two members of RAID 'root'"))
		print_error("%s", text);
	assert_non_null(
		strstr(text, "raid.ks:3: error: two members of RAID 'root' are on the same disk"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirror_uefi),	 cmocka_unit_test(test_bios_raid5),
		cmocka_unit_test(test_planner_refusals), cmocka_unit_test(test_validation),
		cmocka_unit_test(test_round_trip),	 cmocka_unit_test(test_conf_line),
		cmocka_unit_test(test_boot_args),	 cmocka_unit_test(test_tui_clone),
		cmocka_unit_test(test_ks_member_fstype), cmocka_unit_test(test_ks_pv_fstype),
		cmocka_unit_test(test_ks_no_ondisk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
