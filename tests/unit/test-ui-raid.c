/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The partition editor's software RAID (ui/spokes.c): a partition becomes
 * an array over the chosen disks, the layout then plans on machine
 * fixtures and validates, deleting a member removes the array, the
 * levels the disks cannot hold are refused, names stay unique. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine.h"
#include "model.h"
#include "plan.h"
#include "spokes.h"
#include "unit-fixtures.h"
#include "util.h"

/* A model whose storage is the editor's starting point on n disks: the
 * guided UEFI layout as custom partitions (/boot/efi, /boot, swap, /). */
static azl_model *layout(size_t n)
{
	azl_model *m = model_new();
	m->has_storage = true;
	char *paths[] = {"/dev/vda", "/dev/vdb", "/dev/vdc", NULL};
	paths[n] = NULL;
	storage_set_disks(&m->storage, paths);
	m->storage.swap = true;
	partitions_from_guided(&m->storage, AZL_FIRMWARE_UEFI);
	assert_int_equal(m->storage.n_partitions, 4);
	return m;
}

static size_t find_mount(const azl_storage *s, const char *mount)
{
	for (size_t i = 0; i < s->n_partitions; i++)
		if (streq_ptr(s->partitions[i].mount, mount))
			return i;
	fail_msg("no partition for %s", mount);
	return SIZE_MAX;
}

static void assert_valid(const azl_model *m)
{
	_cleanup_free_ char *e = model_first_error(m, NULL);
	if (e)
		print_error("model_first_error: %s\n", e);
	assert_null(e);
}

static const azl_plan_raid *plan_raid(const azl_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_raids; i++)
		if (streq_ptr(p->raids[i].name, name))
			return &p->raids[i];
	fail_msg("no array %s in the plan", name);
	return NULL;
}

/* /boot a mirror over both disks of two-disks.json, / a mirror too. */
static void test_mirrors(void **state)
{
	(void)state;
	_cleanup_model_ azl_model *m = layout(2);
	azl_storage *s = &m->storage;
	const char *why = NULL;
	size_t boot = find_mount(s, "/boot");
	assert_int_equal(partition_make_raid(s, boot, 1, NULL, &why), 0);
	assert_int_equal(s->n_raids, 1);
	assert_int_equal(s->n_partitions, 5);
	const azl_raid_spec *r = &s->raids[0];
	assert_string_equal(r->name, "boot");
	assert_string_equal(r->mount, "/boot");
	assert_int_equal(r->fs, AZL_FS_EXT4);
	assert_int_equal(r->level, 1);
	assert_null(r->metadata);
	/* the members in the partition's place, one a disk, its size */
	for (size_t k = 0; k < 2; k++) {
		const azl_partition_spec *p = &s->partitions[boot + k];
		assert_string_equal(p->raid, "boot");
		assert_int_equal(p->disk_index, (int)k + 1);
		assert_null(p->mount);
		assert_int_equal(p->fs, AZL_FS_NONE);
		assert_int_equal(p->size.bytes, (uint64_t)1 << 30);
		assert_ptr_equal(partition_raid(s, boot + k), r);
	}
	/* a second /boot is refused: the array has it */
	assert_int_equal(partition_add(s, "/boot", "1G", AZL_FS_NONE, false, &why), -EINVAL);
	/* the editor's keys on a member edit the array */
	assert_int_equal(partition_toggle_encrypt(s, boot, &why), -EINVAL);
	partition_cycle_fs(s, boot + 1);
	assert_int_equal(s->raids[0].fs, AZL_FS_XFS);
	assert_int_equal(partition_resize(s, boot, "2G", &why), 0);
	assert_int_equal(s->partitions[boot + 1].size.bytes, (uint64_t)2 << 30);

	size_t root = find_mount(s, "/");
	assert_int_equal(partition_make_raid(s, root, 1, "1 2", &why), 0);
	assert_string_equal(s->raids[1].name, "root");
	assert_true(s->partitions[root].grow);
	assert_true(s->partitions[root + 1].grow);
	assert_int_equal(partition_set_mount(s, root, "/srv", &why), 0);
	assert_string_equal(s->raids[1].mount, "/srv");
	assert_int_equal(partition_set_mount(s, root, "/boot", &why), -EINVAL);
	assert_int_equal(partition_set_mount(s, root, "/", &why), 0);

	assert_valid(m);
	_cleanup_machine_ azl_machine *mach = load("two-disks");
	_cleanup_plan_ azl_plan *p = plan_ok(m, mach);
	assert_int_equal(p->n_raids, 2);
	assert_int_equal(plan_raid(p, "boot")->level, 1);
	assert_string_equal(plan_raid(p, "root")->mount, "/");
	assert_int_equal(strv_length(plan_raid(p, "root")->members), 2);
}

/* The ESP as a mirror gets metadata 1.0; RAID5 / over three disks. */
static void test_raid5_three_disks(void **state)
{
	(void)state;
	_cleanup_model_ azl_model *m = layout(3);
	azl_storage *s = &m->storage;
	const char *why = NULL;
	assert_int_equal(partition_make_raid(s, find_mount(s, "/boot/efi"), 5, NULL, &why),
			 -EINVAL);
	assert_int_equal(partition_make_raid(s, find_mount(s, "/boot/efi"), 1, NULL, &why), 0);
	assert_string_equal(s->raids[0].name, "boot_efi");
	assert_string_equal(s->raids[0].metadata, "1.0");
	assert_int_equal(s->raids[0].fs, AZL_FS_VFAT);
	assert_int_equal(partition_make_raid(s, find_mount(s, "/"), 5, "1,2,3", &why), 0);
	assert_int_equal(s->n_raids, 2);
	assert_int_equal(s->raids[1].level, 5);
	/* RAID6 and RAID10 want four */
	assert_int_equal(partition_make_raid(s, find_mount(s, "swap"), 6, NULL, &why), -EINVAL);
	assert_string_equal(why, "RAID6 needs at least 4 disks");
	assert_int_equal(partition_make_raid(s, find_mount(s, "swap"), 10, NULL, &why), -EINVAL);
	assert_int_equal(partition_make_raid(s, find_mount(s, "swap"), 1, "1 3", &why), 0);
	assert_string_equal(s->raids[2].name, "swap");

	assert_valid(m);
	_cleanup_machine_ azl_machine *mach = load("three-disks");
	_cleanup_plan_ azl_plan *p = plan_ok(m, mach);
	assert_int_equal(p->n_raids, 3);
	const azl_plan_raid *root = plan_raid(p, "root");
	assert_int_equal(root->level, 5);
	assert_int_equal(strv_length(root->members), 3);
	assert_string_equal(plan_raid(p, "boot_efi")->metadata, "1.0");
	assert_int_equal(strv_length(plan_raid(p, "swap")->members), 2);
}

/* d on a member: the members and the spec go; the rest stays. */
static void test_delete_member(void **state)
{
	(void)state;
	_cleanup_model_ azl_model *m = layout(3);
	azl_storage *s = &m->storage;
	const char *why = NULL;
	assert_int_equal(partition_make_raid(s, find_mount(s, "/boot"), 1, NULL, &why), 0);
	assert_int_equal(partition_make_raid(s, find_mount(s, "/"), 5, NULL, &why), 0);
	assert_int_equal(s->n_partitions, 3 + 3 + 2);
	/* the second member of boot */
	size_t i = 0;
	while (!streq_ptr(s->partitions[i].raid, "boot"))
		i++;
	assert_int_equal(partition_delete(s, i + 1), 0);
	assert_int_equal(s->n_raids, 1);
	assert_string_equal(s->raids[0].name, "root");
	assert_int_equal(s->n_partitions, 2 + 3);
	for (size_t k = 0; k < s->n_partitions; k++)
		assert_false(streq_ptr(s->partitions[k].raid, "boot"));
	assert_int_equal(raid_delete(s, "boot"), -ENOENT);
	assert_int_equal(raid_delete(s, "root"), 0);
	assert_int_equal(s->n_raids, 0);
	assert_int_equal(s->n_partitions, 2);
	/* a member of an array storage.raids does not list (an answer file
	 * the TUI loaded before validation) goes alone: the Disks spoke's
	 * custom -> guided switch deletes until none is left */
	free(s->partitions[0].raid);
	s->partitions[0].raid = xstrdup("rooot");
	assert_int_equal(partition_delete(s, 0), 0);
	assert_int_equal(s->n_partitions, 1);
}

static void test_refusals(void **state)
{
	(void)state;
	_cleanup_model_ azl_model *one = layout(1);
	const char *why = NULL;
	size_t root = find_mount(&one->storage, "/");
	assert_int_equal(partition_make_raid(&one->storage, root, 1, NULL, &why), -EINVAL);
	assert_non_null(partition_raid_refusal(&one->storage, root));
	assert_int_equal(partition_make_raid(&one->storage, root, 1, "1", &why), -EINVAL);
	assert_int_equal(one->storage.n_raids, 0);

	_cleanup_model_ azl_model *m = layout(2);
	azl_storage *s = &m->storage;
	root = find_mount(s, "/");
	assert_int_equal(partition_make_raid(s, root, 5, NULL, &why), -EINVAL);
	assert_string_equal(why, "RAID5 needs at least 3 disks");
	assert_int_equal(partition_make_raid(s, root, 0, NULL, &why), -EINVAL);
	assert_int_equal(partition_make_raid(s, root, 4, NULL, &why), -EINVAL);
	assert_int_equal(partition_make_raid(s, root, 1, "1", &why), -EINVAL);
	assert_int_equal(partition_make_raid(s, root, 1, "1 1", &why), -EINVAL);
	assert_int_equal(partition_make_raid(s, root, 1, "1 3", &why), -EINVAL);
	assert_int_equal(partition_make_raid(s, root, 1, "one two", &why), -EINVAL);
	assert_int_equal(s->n_raids, 0);
	assert_int_equal(s->n_partitions, 4);
	/* a member is one already; a partition without a mount point is not
	 * offered */
	assert_int_equal(partition_make_raid(s, root, 1, NULL, &why), 0);
	assert_int_equal(partition_make_raid(s, root + 1, 1, NULL, &why), -EINVAL);
	free(s->partitions[0].mount);
	s->partitions[0].mount = NULL;
	assert_non_null(partition_raid_refusal(s, 0));
	assert_non_null(partition_raid_refusal(s, 99));
}

static void test_names(void **state)
{
	(void)state;
	_cleanup_model_ azl_model *m = layout(2);
	azl_storage *s = &m->storage;
	_cleanup_free_ char *a = raid_name_for_mount(s, "/var/log");
	assert_string_equal(a, "var_log");
	_cleanup_free_ char *b = raid_name_for_mount(s, "/home");
	assert_string_equal(b, "home");
	const char *why = NULL;
	assert_int_equal(partition_make_raid(s, find_mount(s, "/"), 1, NULL, &why), 0);
	/* a name taken (by an array made from an answer file) gets _2 */
	free(s->raids[0].name);
	s->raids[0].name = xstrdup("home");
	for (size_t k = 0; k < s->n_partitions; k++)
		if (s->partitions[k].raid) {
			free(s->partitions[k].raid);
			s->partitions[k].raid = xstrdup("home");
		}
	assert_int_equal(partition_add(s, "/home", "2G", AZL_FS_NONE, false, &why), 0);
	assert_int_equal(partition_make_raid(s, s->n_partitions - 1, 1, NULL, &why), 0);
	assert_string_equal(s->raids[1].name, "home_2");
	_cleanup_free_ char *c = raid_name_for_mount(s, "/home");
	assert_string_equal(c, "home_3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirrors),	      cmocka_unit_test(test_raid5_three_disks),
		cmocka_unit_test(test_delete_member), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
