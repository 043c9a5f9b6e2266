/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libparted and libblkid adapters on a disk image file: no root, no
 * loop device. The image is made by sfdisk and mkfs.ext4, which
 * scripts/deps.sh installs: without them the tests fail rather than skip
 * (a skip would hide that the adapters went untested). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "blkid-probe.h"
#include "parted-table.h"
#include "util.h"

#define MiB (UINT64_C(1) << 20)

static char dir[] = "/tmp/test-disk-adapters-XXXXXX";
static char *img;

static int run(const char *cmd)
{
	int r = system(cmd);
	return r == 0 ? 0 : -1;
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	img = xasprintf("%s/disk.img", dir);
	_cleanup_free_ char *cmd = xasprintf(
		"truncate -s 64M %s && printf '%%s\\n' 'label: gpt' 'start=2048, size=16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=ESP' 'start=18432, size=110592, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root' | sfdisk -q %s >/dev/null 2>&1 && mkfs.ext4 -q -F -L adapt -E offset=%llu %s 55296 >/dev/null 2>&1",
		img, img, (unsigned long long)(18432 * 512), img);
	if (run(cmd) < 0) {
		print_error(
			"cannot make the disk image '%s' with truncate, sfdisk and mkfs.ext4; run scripts/deps.sh (packages fdisk, e2fsprogs)\n",
			img);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf %s", dir);
	(void)run(cmd);
	free(img);
	return 0;
}

static char *checksum(const char *path)
{
	_cleanup_free_ char *cmd = xasprintf("sha256sum < %s", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char line[128] = "";
	assert_non_null(fgets(line, sizeof(line), f));
	pclose(f);
	return xstrdup(line);
}

static void test_versions(void **state)
{
	assert_non_null(strstr(blkid_adapter_version(), "libblkid "));
	assert_non_null(strstr(parted_adapter_version(), "libparted "));
}

static void test_parted_reads_image(void **state)
{
	_cleanup_free_ char *before = checksum(img);
	azl_parted_table t;
	assert_int_equal(parted_table_read(img, &t), 0);
	assert_string_equal(t.label, "gpt");
	assert_int_equal(t.sector_size, 512);
	assert_int_equal(t.length, 64 * MiB);
	assert_int_equal(t.n_parts, 2);
	assert_int_equal(t.parts[0].number, 1);
	assert_int_equal(t.parts[0].start, 1 * MiB);
	assert_int_equal(t.parts[0].size, 8 * MiB);
	assert_string_equal(t.parts[0].name, "ESP");
	assert_int_equal(t.parts[1].start, 9 * MiB);
	assert_int_equal(t.parts[1].size, 54 * MiB);
	assert_string_equal(t.parts[1].name, "root");
	parted_table_done(&t);
	_cleanup_free_ char *after = checksum(img);
	assert_string_equal(before, after);
}

static void test_parted_no_table(void **state)
{
	_cleanup_free_ char *blank = xasprintf("%s/blank.img", dir);
	_cleanup_free_ char *cmd = xasprintf("truncate -s 8M %s", blank);
	assert_int_equal(run(cmd), 0);
	azl_parted_table t;
	/* No label: success and nothing printed by libparted. */
	assert_int_equal(parted_table_read(blank, &t), 0);
	assert_null(t.label);
	assert_int_equal(t.n_parts, 0);
	parted_table_done(&t);

	_cleanup_free_ char *missing = xasprintf("%s/missing.img", dir);
	assert_true(parted_table_read(missing, &t) < 0);
}

static void test_blkid_reads_image(void **state)
{
	azl_blkid_info b;
	assert_int_equal(blkid_adapter_probe(img, 0, 0, &b), 0);
	assert_string_equal(b.table, "gpt");
	assert_null(b.fs_type);
	assert_int_equal(b.n_parts, 2);
	assert_int_equal(b.parts[0].start, 1 * MiB);
	assert_string_equal(b.parts[0].type, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
	assert_string_equal(b.parts[0].name, "ESP");
	assert_int_equal(b.parts[1].size, 54 * MiB);
	blkid_info_done(&b);

	/* A partition without a device node: probe its byte range. */
	assert_int_equal(blkid_adapter_probe(img, 9 * MiB, 54 * MiB, &b), 0);
	assert_string_equal(b.fs_type, "ext4");
	assert_string_equal(b.fs_label, "adapt");
	assert_non_null(b.fs_uuid);
	assert_null(b.table);
	blkid_info_done(&b);

	/* The ESP holds no filesystem yet. */
	assert_int_equal(blkid_adapter_probe(img, 1 * MiB, 8 * MiB, &b), 0);
	assert_null(b.fs_type);
	blkid_info_done(&b);

	_cleanup_free_ char *missing = xasprintf("%s/missing.img", dir);
	assert_int_equal(blkid_adapter_probe(missing, 0, 0, &b), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_parted_reads_image),
		cmocka_unit_test(test_parted_no_table),
		cmocka_unit_test(test_blkid_reads_image),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
