/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The probed-machine model: JSON out, JSON back in, and the errors a
 * hand-edited machine file gets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "machine-probe.h"
#include "machine.h"

static char *write_temp(const char *text)
{
	char *path = xstrdup("/tmp/test-machine-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static azl_machine *sample(void)
{
	azl_machine *m = machine_new();
	m->firmware = AZL_FIRMWARE_UEFI;
	m->device_mapper = false;
	m->memory = UINT64_C(2147483648);

	azl_disk_info *d = xappend(&m->disks, &m->n_disks, sizeof(*d));
	d->path = xstrdup("/dev/vda");
	d->name = xstrdup("vda");
	d->size = UINT64_C(21474836480);
	d->model = xstrdup("QEMU \"HARDDISK\" \\ x");
	d->serial = xstrdup("abc");
	strv_push(&d->by_id, xstrdup("/dev/disk/by-id/virtio-abc"));
	strv_push(&d->by_id, xstrdup("/dev/disk/by-id/wwn-0x1"));
	d->transport = xstrdup("virtio");
	d->rotational = true;
	d->removable = false;
	d->readonly = true;
	d->logical_sector_size = 4096;
	d->physical_sector_size = 4096;
	d->table = xstrdup("gpt");
	d->in_use = true;
	d->in_use_reason = xstrdup("partition /dev/vda2 is mounted on /home");
	d->boot_medium = false;

	azl_part_info *p = xappend(&d->parts, &d->n_parts, sizeof(*p));
	p->number = 1;
	p->path = xstrdup("/dev/vda1");
	p->start = 1048576;
	p->size = 524288000;
	p->type = xstrdup("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7");
	p->partlabel = xstrdup("Basic data partition");
	p->fs_type = xstrdup("ntfs");
	p->fs_label = xstrdup("Windows — Système");
	p->fs_uuid = xstrdup("1234-ABCD");

	p = xappend(&d->parts, &d->n_parts, sizeof(*p));
	p->number = 2;
	p->start = 525336576;
	p->size = 1073741824;
	p->fs_type = xstrdup("ext4");
	p->mountpoint = xstrdup("/home");
	p->in_use = true;
	p->in_use_reason = xstrdup("mounted on /home");

	d = xappend(&m->disks, &m->n_disks, sizeof(*d));
	d->path = xstrdup("/srv/disk.img");
	d->name = xstrdup("disk.img");
	d->size = 8192;
	d->transport = xstrdup("file");
	d->logical_sector_size = 512;
	d->physical_sector_size = 512;
	d->fs_type = xstrdup("iso9660");
	d->boot_medium = true;
	return m;
}

static azl_machine *load(const char *text, azl_diags *d, int *ret_r)
{
	_cleanup_free_ char *path = write_temp(text);
	azl_machine *m = NULL;
	*ret_r = machine_from_json(path, d, &m);
	unlink(path);
	return m;
}

static void test_round_trip(void **state)
{
	_cleanup_machine_ azl_machine *m = sample();
	_cleanup_free_ char *json = machine_to_json(m);
	assert_non_null(strstr(json, "\"firmware\": \"uefi\""));
	assert_non_null(strstr(json, "\"table\": null"));

	azl_diags d;
	diags_init(&d);
	int r;
	_cleanup_machine_ azl_machine *back = load(json, &d, &r);
	diags_print(&d, stderr);
	assert_int_equal(r, 0);
	assert_int_equal(d.n, 0);
	assert_non_null(back);

	assert_int_equal(back->firmware, AZL_FIRMWARE_UEFI);
	assert_false(back->device_mapper);
	assert_int_equal(back->memory, UINT64_C(2147483648));
	assert_int_equal(back->n_disks, 2);
	const azl_disk_info *a = &back->disks[0];
	assert_string_equal(a->path, "/dev/vda");
	assert_string_equal(a->model, "QEMU \"HARDDISK\" \\ x");
	assert_int_equal(a->size, UINT64_C(21474836480));
	assert_int_equal(strv_length(a->by_id), 2);
	assert_string_equal(a->by_id[1], "/dev/disk/by-id/wwn-0x1");
	assert_true(a->rotational);
	assert_true(a->readonly);
	assert_int_equal(a->logical_sector_size, 4096);
	assert_null(a->fs_type);
	assert_int_equal(a->n_parts, 2);
	assert_string_equal(a->parts[0].fs_label, "Windows — Système");
	assert_null(a->parts[1].path);
	assert_string_equal(a->parts[1].mountpoint, "/home");
	assert_true(a->parts[1].in_use);
	assert_null(back->disks[1].table);
	assert_true(back->disks[1].boot_medium);

	/* Everything survives: the second trip prints the same text. */
	_cleanup_free_ char *again = machine_to_json(back);
	assert_string_equal(json, again);
	diags_done(&d);

	assert_ptr_equal(machine_find_disk(back, "/dev/vda"), &back->disks[0]);
	assert_ptr_equal(machine_find_disk(back, "/dev/disk/by-id/virtio-abc"), &back->disks[0]);
	assert_null(machine_find_disk(back, "/dev/vdz"));
}

/* SecureBoot and SetupMode as efivarfs shows them: 4 bytes of attributes
 * (NV|BS|RT = 6), then the value byte. */
static void put_var(const char *dir, const char *name, unsigned char v)
{
	_cleanup_free_ char *p = xasprintf("%s/%s-8be4df61-93ca-11d2-aa0d-00e098032b8c", dir, name);
	const unsigned char data[5] = {6, 0, 0, 0, v};
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, sizeof(data), f), sizeof(data));
	assert_int_equal(fclose(f), 0);
}

static void test_secure_boot_efivars(void **state)
{
	(void)state;
	char dir[] = "/tmp/test-machine-efivars-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_machine_ azl_machine *m = sample();

	/* Enforcing: keys enrolled, Secure Boot on. */
	put_var(dir, "SecureBoot", 1);
	put_var(dir, "SetupMode", 0);
	machine_read_secure_boot(dir, m);
	assert_true(m->secure_boot);
	assert_false(m->setup_mode);
	_cleanup_free_ char *json = machine_to_json(m);
	assert_non_null(strstr(json, "\"secure_boot\": true"));
	assert_non_null(strstr(json, "\"setup_mode\": false"));
	azl_diags d;
	diags_init(&d);
	int r;
	_cleanup_machine_ azl_machine *back = load(json, &d, &r);
	assert_int_equal(r, 0);
	assert_true(back->secure_boot);
	assert_false(back->setup_mode);
	diags_done(&d);
	_cleanup_free_ char *text = machine_to_text(m);
	assert_non_null(strstr(text, "UEFI (Secure Boot on)"));

	/* Setup mode: no platform key, nothing is checked. */
	put_var(dir, "SecureBoot", 0);
	put_var(dir, "SetupMode", 1);
	machine_read_secure_boot(dir, m);
	assert_false(m->secure_boot);
	assert_true(m->setup_mode);

	/* No variables (a firmware without Secure Boot): both off. */
	_cleanup_free_ char *a =
		xasprintf("%s/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", dir);
	_cleanup_free_ char *b =
		xasprintf("%s/SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c", dir);
	assert_int_equal(unlink(a), 0);
	assert_int_equal(unlink(b), 0);
	assert_int_equal(rmdir(dir), 0);
	machine_read_secure_boot(dir, m);
	assert_false(m->secure_boot);
	assert_false(m->setup_mode);
}

static void test_defaults(void **state)
{
	azl_diags d;
	diags_init(&d);
	int r;
	_cleanup_machine_ azl_machine *m = load(
		"{\"disks\": [{\"path\": \"/dev/sda\", \"size\": 1000,\n"
		"  \"partitions\": [{\"number\": 1, \"start\": 512, \"size\": 100, \"type\": null}]}]}\n",
		&d, &r);
	assert_int_equal(r, 0);
	assert_int_equal(m->firmware, AZL_FIRMWARE_BIOS);
	assert_true(m->device_mapper);
	assert_int_equal(m->memory, 0);
	assert_int_equal(m->n_disks, 1);
	assert_int_equal(m->disks[0].logical_sector_size, 512);
	assert_int_equal(m->disks[0].physical_sector_size, 512);
	assert_null(m->disks[0].table);
	assert_int_equal(m->disks[0].parts[0].start, 512);
	assert_null(m->disks[0].parts[0].type);
	diags_done(&d);
}

/* Loads text and expects exactly the error texts in `want`, in order. */
static void expect_errors(const char *text, const char *const *want, size_t n_want)
{
	_cleanup_free_ char *path = write_temp(text);
	azl_diags d;
	diags_init(&d);
	azl_machine *m = NULL;
	int r = machine_from_json(path, &d, &m);
	/* The diagnostics keep their own copy of the text. */
	unlink(path);
	assert_int_equal(r, -EINVAL);
	assert_null(m);
	assert_int_equal(d.n, n_want);
	for (size_t i = 0; i < n_want; i++) {
		_cleanup_free_ char *got = diag_format(&d, &d.items[i]);
		/* Each expected text starts with "%s", the temp file name. */
		assert_true(startswith(want[i], "%s"));
		_cleanup_free_ char *exp = xasprintf("%s%s", path, want[i] + 2);
		assert_string_equal(got, exp);
	}
	diags_done(&d);
}

static void test_unknown_key(void **state)
{
	static const char *const want[] = {
		"%s:3:46: error: unknown key 'colour' in a disk\n"
		"      {\"path\": \"/dev/vda\", \"size\": 1073741824, \"colour\": \"red\"}\n"
		"                                               ^",
	};
	expect_errors(
		"{\n  \"disks\": [\n"
		"    {\"path\": \"/dev/vda\", \"size\": 1073741824, \"colour\": \"red\"}\n  ]\n}\n",
		want, ELEMENTSOF(want));
}

static void test_wrong_types(void **state)
{
	static const char *const want[] = {
		"%s:1:14: error: 'firmware' must be \"uefi\" or \"bios\", not a string\n"
		"  {\"firmware\": \"efi\", \"disks\": [{\"path\": \"/dev/vda\", \"size\": \"1G\",\n"
		"               ^",
		"%s:1:60: error: 'size' must be a number of bytes, not a string\n"
		"  {\"firmware\": \"efi\", \"disks\": [{\"path\": \"/dev/vda\", \"size\": \"1G\",\n"
		"                                                             ^",
		"%s:2:16: error: 'rotational' must be true or false, not a number\n"
		"   \"rotational\": 1, \"partitions\": [{\"number\": 1, \"size\": 5}]}]}\n"
		"                 ^",
		"%s:2:34: error: a partition needs 'start'\n"
		"   \"rotational\": 1, \"partitions\": [{\"number\": 1, \"size\": 5}]}]}\n"
		"                                   ^",
	};
	expect_errors(
		"{\"firmware\": \"efi\", \"disks\": [{\"path\": \"/dev/vda\", \"size\": \"1G\",\n"
		" \"rotational\": 1, \"partitions\": [{\"number\": 1, \"size\": 5}]}]}\n",
		want, ELEMENTSOF(want));
}

static void test_not_a_mapping(void **state)
{
	static const char *const want[] = {
		"%s:1:1: error: the machine description must be a mapping, not a list\n"
		"  [1, 2]\n"
		"  ^",
	};
	expect_errors("[1, 2]\n", want, ELEMENTSOF(want));
}

static void test_text(void **state)
{
	_cleanup_machine_ azl_machine *m = sample();
	_cleanup_free_ char *t = machine_to_text(m);
	assert_non_null(strstr(t, "vda"));
	assert_non_null(strstr(t, "20 GiB"));
	assert_non_null(strstr(t, "/home"));
	assert_non_null(strstr(t, "partition /dev/vda2 is mounted on /home"));
	assert_non_null(strstr(t, "/srv/disk.img"));
	assert_non_null(strstr(t, "Firmware: UEFI"));
}

/* Labels, names and models are read from disks: in the text table no
 * control character or stray byte reaches the terminal, and the JSON is
 * valid UTF-8 that reads back to the same text. */
static void test_untrusted_text(void **state)
{
	_cleanup_machine_ azl_machine *m = machine_new();
	azl_disk_info *d = xappend(&m->disks, &m->n_disks, sizeof(*d));
	d->path = xstrdup("/dev/vdb");
	d->name = xstrdup("vdb");
	d->size = UINT64_C(1073741824);
	d->model = xstrdup("EVIL\x1b]0;owned\x07 \\");
	d->table = xstrdup("gpt");
	d->logical_sector_size = d->physical_sector_size = 512;
	azl_part_info *p = xappend(&d->parts, &d->n_parts, sizeof(*p));
	p->number = 1;
	p->start = 1048576;
	p->size = 1048576;
	p->partlabel = xstrdup("\x1b[2J");
	p->fs_type = xstrdup("ext4");
	p->fs_label = xstrdup("a\nb\xc2\x9b\xff");

	_cleanup_free_ char *t = machine_to_text(m);
	for (const char *c = t; *c; c++)
		assert_true((unsigned char)*c >= 0x20 || *c == '\n');
	assert_null(strstr(t, "\xc2\x9b"));
	assert_null(strchr(t, '\xff'));
	assert_non_null(strstr(t, "EVIL\\x1b]0;owned\\x07 \\\\"));
	assert_non_null(strstr(t, "a\\x0ab\\xc2\\x9b\\xff"));
	size_t lines = 0;
	for (const char *c = t; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 4); /* header, disk, partition, footer */

	_cleanup_free_ char *j = machine_to_json(m);
	assert_null(strchr(j, '\x1b'));
	assert_null(strstr(j, "\xc2\x9b"));
	assert_non_null(strstr(j, "\"a\\nb\\u009b\\ufffd\""));
	for (const char *c = j; *c;) {
		uint32_t cp;
		size_t n = utf8_char(c, &cp);
		assert_true(n > 0);
		c += n;
	}
	azl_diags diags;
	diags_init(&diags);
	int r;
	_cleanup_machine_ azl_machine *back = load(j, &diags, &r);
	assert_int_equal(r, 0);
	assert_string_equal(back->disks[0].model, "EVIL\x1b]0;owned\x07 \\");
	assert_string_equal(back->disks[0].parts[0].partlabel, "\x1b[2J");
	assert_string_equal(back->disks[0].parts[0].fs_label, "a\nb\xc2\x9b\xef\xbf\xbd");
	diags_done(&diags);
	(void)state;
}

/* --- by-id names from a sysfs tree (the live system has no udev) ------- */

static void put(const char *dir, const char *rel, const void *data, size_t n)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, rel);
	for (char *s = strchr(path + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		(void)mkdir(path, 0755);
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}
#define put_text(dir, rel, text) put(dir, rel, text, strlen(text))

/* An ATA string into IDENTIFY data: blank-padded, bytes of a word swapped. */
static void ata_put(unsigned char *id, size_t word, size_t words, const char *s)
{
	for (size_t i = 0; i < words * 2; i++) {
		char c = i < strlen(s) ? s[i] : ' ';
		id[word * 2 + (i ^ 1)] = (unsigned char)c;
	}
}

static void assert_links(char **v, const char *const *want)
{
	size_t n = 0;
	for (; want[n]; n++) {
		if (!strv_contains(v, want[n]))
			fail_msg("no %s", want[n]);
	}
	assert_int_equal(strv_length(v), n);
}

static void test_by_id_names(void **state)
{
	(void)state;
	char dir[] = "/tmp/test-machine-sys-XXXXXX";
	assert_non_null(mkdtemp(dir));

	/* NVMe (QEMU's nvme, serial=AZLNVME0001): the wwid, model_serial and
	 * model_serial_nsid, blanks as '_'. */
	put_text(dir, "nvme0n1/wwid", "nvme.1b36-415a4c4e564d4530303031-51454d55-00000001\n");
	put_text(dir, "nvme0n1/nsid", "1\n");
	put_text(dir, "nvme0n1/device/model", "QEMU NVMe Ctrl                          \n");
	put_text(dir, "nvme0n1/device/serial", "AZLNVME0001         \n");
	_cleanup_strv_free_ char **nvme = machine_by_id_names(dir, "nvme0n1");
	assert_links(
		nvme,
		(const char *const[]){
			"/dev/disk/by-id/nvme-nvme.1b36-415a4c4e564d4530303031-51454d55-00000001",
			"/dev/disk/by-id/nvme-QEMU_NVMe_Ctrl_AZLNVME0001",
			"/dev/disk/by-id/nvme-QEMU_NVMe_Ctrl_AZLNVME0001_1",
			NULL,
		});

	/* virtio-blk: virtio-SERIAL; none without a serial. */
	put_text(dir, "vda/serial", "vd-1\n");
	_cleanup_strv_free_ char **vd = machine_by_id_names(dir, "vda");
	assert_links(vd, (const char *const[]){"/dev/disk/by-id/virtio-vd-1", NULL});
	put_text(dir, "vdb/size", "8\n");
	assert_null(machine_by_id_names(dir, "vdb"));

	/* SATA: ata_id's names from the IDENTIFY data of VPD page 0x89 (a
	 * model longer than the 16 characters of the SCSI model, blanks
	 * collapsed) and the World Wide Name (word 87 bit 8). */
	unsigned char pg89[60 + 512] = {0, 0x89, 0x02, 0x38};
	unsigned char *id = pg89 + 60;
	ata_put(id, 10, 10, "   WD-WCC1234567");
	ata_put(id, 27, 20, "WDC  WD10EZEX-00BN5A0");
	id[87 * 2] = 0x00;
	id[87 * 2 + 1] = 0x41; /* 0x4100: valid, WWN supported */
	const unsigned char wwn[8] = {0x50, 0x01, 0x4e, 0xe2, 0xb1, 0x23, 0x45, 0x67};
	for (int w = 0; w < 4; w++) {
		id[(108 + w) * 2] = wwn[w * 2 + 1];
		id[(108 + w) * 2 + 1] = wwn[w * 2];
	}
	put_text(dir, "sda/device/vendor", "ATA     \n");
	put_text(dir, "sda/device/model", "WDC  WD10EZEX-00\n");
	put(dir, "sda/device/vpd_pg89", pg89, sizeof(pg89));
	_cleanup_strv_free_ char **ata = machine_by_id_names(dir, "sda");
	assert_links(ata, (const char *const[]){
				  "/dev/disk/by-id/ata-WDC_WD10EZEX-00BN5A0_WD-WCC1234567",
				  "/dev/disk/by-id/wwn-0x50014ee2b1234567",
				  NULL,
			  });

	/* SATA without page 0x89 (QEMU's ide-hd on an older kernel): the
	 * model attribute and the serial of page 0x80. */
	const unsigned char pg80[] = {0,   0x80, 0,   20,  'Q', 'M', '0', '0', '0', '0', '1', ' ',
				      ' ', ' ',	 ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	put_text(dir, "sdb/device/vendor", "ATA     \n");
	put_text(dir, "sdb/device/model", "QEMU HARDDISK   \n");
	put(dir, "sdb/device/vpd_pg80", pg80, sizeof(pg80));
	_cleanup_strv_free_ char **ata2 = machine_by_id_names(dir, "sdb");
	assert_links(ata2,
		     (const char *const[]){"/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001", NULL});

	/* SCSI with an NAA identifier: scsi-3NAA and wwn-0xNAA; with a T10
	 * vendor identifier only (scsi_id's business): nothing. */
	put_text(dir, "sdc/device/vendor", "SEAGATE \n");
	put_text(dir, "sdc/device/wwid", "naa.5000c500a1b2c3d4\n");
	_cleanup_strv_free_ char **sas = machine_by_id_names(dir, "sdc");
	assert_links(sas, (const char *const[]){
				  "/dev/disk/by-id/scsi-35000c500a1b2c3d4",
				  "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4",
				  NULL,
			  });
	put_text(dir, "sdd/device/vendor", "QEMU    \n");
	put_text(dir, "sdd/device/wwid", "t10.QEMU    QEMU HARDDISK   drive-scsi0-0-0-0\n");
	assert_null(machine_by_id_names(dir, "sdd"));

	_cleanup_free_ char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),  cmocka_unit_test(test_secure_boot_efivars),
		cmocka_unit_test(test_defaults),    cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_types), cmocka_unit_test(test_not_a_mapping),
		cmocka_unit_test(test_text),	    cmocka_unit_test(test_untrusted_text),
		cmocka_unit_test(test_by_id_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
