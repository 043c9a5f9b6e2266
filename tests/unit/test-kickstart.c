/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kickstart reader and writer, driven by fixtures:
 *   kickstart/NAME.ks    is read; what diags_print says must equal
 *                        NAME.err (no file: nothing at all), and when it
 *                        reads, answers_write() of the model must equal
 *                        NAME.yaml (no file: the read must fail).
 * Diagnostics name fixtures relative to $AZL_FIXTURES. Set
 * AZL_UPDATE_FIXTURES=1 to rewrite .err and .yaml (then review the diff;
 * refused when CI is set).
 * Fixture text "SECRET-..." is a password or passphrase: it must never
 * show up in a diagnostic or in what the writers print.
 */
#include <dirent.h>
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

#include "answers.h"
#include "diag.h"
#include "kickstart.h"
#include "ks-internal.h"
#include "model.h"
#include "pbkdf2.h"
#include "secret.h"
#include "util.h"

/* The update variable rewrites the expected files from what the code
 * produces, after which the test passes whatever the code does: under CI
 * (CI set in the environment) it is refused and the test fails. */
static bool update(void)
{
	if (!getenv("AZL_UPDATE_FIXTURES"))
		return false;
	if (getenv("CI"))
		fail_msg(
			"AZL_UPDATE_FIXTURES is set under CI: fixtures are updated by people, who review the diff; unset it");
	return true;
}

static void enter_fixtures(void)
{
	const char *f = getenv("AZL_FIXTURES");
	assert_int_equal(chdir(f ? f : "tests/fixtures"), 0);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	if (read_file_bounded(path, 16 * 1024 * 1024, &text, &len) < 0)
		return NULL;
	return text;
}

static void spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *diags_text(const azl_diags *d)
{
	azl_buf b = {0};
	for (size_t i = 0; i < d->n; i++) {
		_cleanup_free_ char *s = diag_format(d, &d->items[i]);
		buf_printf(&b, "%s\n", s);
	}
	return buf_steal(&b);
}

static bool has_secret(const char *s)
{
	return s && strstr(s, "SECRET-");
}

static char **fixture_names(void)
{
	char **v = xzalloc(sizeof(char *));
	DIR *dir = opendir("kickstart");
	assert_non_null(dir);
	struct dirent *e;
	while ((e = readdir(dir)))
		if (endswith(e->d_name, ".ks"))
			strv_push(&v, xstrndup(e->d_name, strlen(e->d_name) - 3));
	closedir(dir);
	return v;
}

static void compare(const char *path, const char *got, bool *ok)
{
	_cleanup_free_ char *want = slurp(path);
	if (update()) {
		if (got && *got)
			spill(path, got);
		else if (want)
			unlink(path);
		return;
	}
	if (!streq_ptr(want ? want : "", got ? got : "")) {
		print_error("%s differs; got:\n%s\n", path, got ? got : "");
		*ok = false;
	}
}

static void test_fixtures(void **state)
{
	enter_fixtures();
	_cleanup_strv_free_ char **names = fixture_names();
	assert_true(strv_length(names) >= 15);
	bool ok = true;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *ks = xasprintf("kickstart/%s.ks", *n);
		_cleanup_free_ char *errp = xasprintf("kickstart/%s.err", *n);
		_cleanup_free_ char *yamlp = xasprintf("kickstart/%s.yaml", *n);
		azl_diags d;
		diags_init(&d);
		_cleanup_model_ azl_model *m = NULL;
		int r = kickstart_read_file(ks, NULL, false, &d, &m);
		_cleanup_free_ char *dt = diags_text(&d);
		if (has_secret(dt)) {
			print_error("%s: a secret leaked:\n%s", ks, dt);
			ok = false;
		}
		compare(errp, dt, &ok);
		_cleanup_free_ char *y = NULL;
		if (r == 0) {
			int err = 0;
			y = answers_write(m, &err);
			assert_non_null(y);
			_cleanup_free_ char *k = kickstart_write(m);
			if (has_secret(y) || has_secret(k)) {
				print_error("%s: a secret was written\n", ks);
				ok = false;
			}
		}
		compare(yamlp, y, &ok);
		diags_done(&d);
	}
	assert_true(ok);
}

static void print_first_difference(const char *a, const char *b)
{
	int line = 1;
	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++;
		b++;
	}
	print_error("first difference on line %d:\n< %.*s\n> %.*s\n", line, (int)strcspn(a, "\n"),
		    a, (int)strcspn(b, "\n"), b);
}

/* YAML -> kickstart -> YAML gives the same YAML, for each fixture's YAML. */
static void test_yaml_round_trip(void **state)
{
	enter_fixtures();
	_cleanup_strv_free_ char **names = fixture_names();
	bool ok = true;
	size_t tried = 0;
	/* Which of issue 6's fields went through the round trip. */
	bool vg = false, pv = false, ntp = false, link = false, bootif = false, ssh = false,
	     drive = false, certs = false;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *yamlp = xasprintf("kickstart/%s.yaml", *n);
		_cleanup_free_ char *text = slurp(yamlp);
		if (!text)
			continue;
		azl_diags d;
		diags_init(&d);
		_cleanup_model_ azl_model *m = NULL;
		if (answers_read_text(yamlp, text, strlen(text), NULL, &d, &m) < 0) {
			/* e.g. encryption whose passphrase was left out */
			diags_done(&d);
			continue;
		}
		tried++;
		vg |= m->storage.n_volume_groups > 0;
		for (size_t i = 0; i < m->storage.n_partitions; i++)
			pv |= m->storage.partitions[i].volume_group != NULL;
		ntp |= m->ntp.servers && m->ntp.pools && m->ntp.disabled;
		for (size_t i = 0; i < m->network.n_interfaces; i++) {
			link |= m->network.interfaces[i].match_link;
			bootif |= m->network.interfaces[i].match_bootif;
		}
		ssh |= m->accounts.root.allow_ssh;
		drive |= m->bootloader.boot_drive_index > 0;
		certs |= m->n_certificates >= 3; /* certificate.ks: %certificate */
		_cleanup_free_ char *k = kickstart_write(m);
		_cleanup_model_ azl_model *m2 = NULL;
		if (kickstart_read_text("round-trip.ks", k, strlen(k), NULL, NULL, false, &d, &m2) <
		    0) {
			_cleanup_free_ char *dt = diags_text(&d);
			print_error("%s: kickstart did not read back:\n%s\n%s", yamlp, dt, k);
			ok = false;
			diags_done(&d);
			continue;
		}
		int err = 0;
		_cleanup_free_ char *y1 = answers_write(m, &err);
		_cleanup_free_ char *y2 = answers_write(m2, &err);
		if (!streq_ptr(y1, y2)) {
			print_error("%s: not stable through kickstart:\n%s\n", yamlp, k);
			print_first_difference(y1, y2);
			ok = false;
		}
		diags_done(&d);
	}
	assert_true(tried >= 10);
	assert_true(vg && pv && ntp && link && bootif && ssh && drive && certs);
	assert_true(ok);
}

static char **split(const char *s)
{
	char **v = NULL;
	const char *why = NULL;
	if (ks_split(s, strlen(s), &v, &why) < 0)
		return NULL;
	return v;
}

static void expect_words(const char *line, const char *const *want)
{
	_cleanup_strv_free_ char **v = split(line);
	assert_non_null(v);
	size_t i = 0;
	for (; want[i]; i++) {
		assert_non_null(v[i]);
		assert_string_equal(v[i], want[i]);
	}
	assert_null(v[i]);
}

static void test_lexer(void **state)
{
	expect_words("part / --size=1024 --grow",
		     (const char *const[]){"part", "/", "--size=1024", "--grow", NULL});
	expect_words("  user --gecos='A \"B\" C'  ",
		     (const char *const[]){"user", "--gecos=A \"B\" C", NULL});
	expect_words("x \"a\\\"b\\\\c\\d\"", (const char *const[]){"x", "a\"b\\c\\d", NULL});
	expect_words("x a\\ b # comment", (const char *const[]){"x", "a b", NULL});
	expect_words("x ab#cd", (const char *const[]){"x", "ab", NULL});
	expect_words("x '#' \"\"", (const char *const[]){"x", "#", "", NULL});
	expect_words("   # only a comment", (const char *const[]){NULL});
	char **v = NULL;
	const char *why = NULL;
	assert_int_equal(ks_split("x 'open", 7, &v, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(ks_split("x \"open", 7, &v, &why), -EINVAL);
	assert_int_equal(ks_split("x \\", 3, &v, &why), -EINVAL);
	assert_int_equal(ks_split("x\0y", 3, &v, &why), -EINVAL);
}

static int read_text(const char *text, const char *base, bool strict, char **ret_diags,
		     azl_model **ret)
{
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	int r = kickstart_read_text("mem.ks", text, strlen(text), base, NULL, strict, &d, &m);
	*ret_diags = diags_text(&d);
	diags_done(&d);
	if (ret)
		*ret = m;
	else
		model_free(m);
	return r;
}

static void test_include_rules(void **state)
{
	enter_fixtures();
	_cleanup_free_ char *dt = NULL;
	/* no base directory: %include is an error, nothing is read */
	assert_int_equal(read_text("%include include/swap.inc\n", NULL, false, &dt, NULL), -EINVAL);
	assert_non_null(strstr(dt, "mem.ks:1: error: '%include' is not allowed"));
	free(dt);
	/* relative to the base directory, and nested relative to the file */
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_text("rootpw --lock\nautopart\n"
				   "%include include/swap.inc\n",
				   "kickstart", false, &dt, &m),
			 -EINVAL); /* autopart together with part */
	assert_non_null(strstr(dt, "'autopart' cannot be used together"));
	free(dt);
	assert_int_equal(read_text("%include does-not-exist\n", "kickstart", false, &dt, NULL),
			 -EINVAL);
	assert_non_null(strstr(dt, "mem.ks:1: error: cannot read"));
}

static void test_strict(void **state)
{
	const char *ks = "rootpw --lock\nautopart\nmouse generic\n";
	_cleanup_free_ char *a = NULL, *b = NULL;
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_text(ks, NULL, false, &a, &m), 0);
	assert_non_null(m);
	assert_string_equal(
		a,
		"mem.ks:3: warning: 'mouse' was removed from Fedora's kickstart and was ignored\n");
	assert_int_equal(read_text(ks, NULL, true, &b, NULL), -EINVAL);
	assert_string_equal(
		b,
		"mem.ks:3: error: 'mouse' was removed from Fedora's kickstart and was ignored\n");
}

/* bootloader --password: carried, hashed (PBKDF2-SHA512, GRUB's format)
 * wherever it is written; a hash GRUB cannot read is a dropped control. */
static void test_grub_password(void **state)
{
	/* The same bytes Python's hashlib.pbkdf2_hmac gives. */
	unsigned char salt[64];
	for (size_t i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)i;
	_cleanup_(secret_freep) azl_secret *pw = secret_new("SECRET-grub", 11);
	_cleanup_free_ char *h = NULL;
	assert_int_equal(grub_password_hash_with(pw, 10000, salt, 64, &h), 0);
	assert_true(startswith(h, "grub.pbkdf2.sha512.10000.000102030405"));
	assert_true(endswith(
		h,
		".B6CB7944153CEE7C261B9D65EB80E29174BF687BD65B953ADF3BD64CC21D7F55C7363162E673EEBCD32BC998172D826174A6DD23D4D909805CCF7ACA9EC95BC9"));
	assert_true(grub_password_hash_is_valid(h));
	assert_false(grub_password_hash_is_valid("grub.pbkdf2.sha512.0.AA.BB"));
	assert_false(grub_password_hash_is_valid("$1$abc$def"));
	assert_false(grub_password_hash_is_valid("grub.pbkdf2.sha512.10.AA.B"));

	_cleanup_free_ char *dt = NULL;
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(read_text("rootpw --lock\nautopart\n"
				   "bootloader --password=SECRET-grub\n",
				   NULL, false, &dt, &m),
			 0);
	assert_string_equal(dt, "");
	assert_string_equal(m->bootloader.password->data, "SECRET-grub");
	_cleanup_free_ char *k = kickstart_write(m);
	assert_false(has_secret(k));
	assert_non_null(strstr(k, "--iscrypted --password=grub.pbkdf2.sha512.10000."));
	int err = 0;
	_cleanup_free_ char *y = answers_write(m, &err);
	assert_non_null(y);
	assert_false(has_secret(y));
	assert_non_null(strstr(y, "password_hash: grub.pbkdf2.sha512.10000."));

	free(dt);
	model_free(TAKE_PTR(m));
	_cleanup_free_ char *ks =
		xasprintf("rootpw --lock\nautopart\nbootloader --iscrypted --password=%s\n", h);
	assert_int_equal(read_text(ks, NULL, false, &dt, &m), 0);
	assert_string_equal(m->bootloader.password_hash, h);

	/* GRUB legacy's MD5 hash cannot protect GRUB 2: refused. */
	free(dt);
	assert_int_equal(read_text("rootpw --lock\nautopart\n"
				   "bootloader --md5pass=$1$x$SECRET-md5\n",
				   NULL, false, &dt, NULL),
			 -EINVAL);
	assert_non_null(
		strstr(dt, "mem.ks:3: error: 'bootloader --iscrypted' needs a GRUB 2 hash"));
	assert_false(has_secret(dt));
}

/* ks_command_find() bisects: every row of the table must be found
 * ('bootc' and 'dmraid' were out of order and read as unknown). */
static void test_command_table(void **state)
{
	for (size_t i = 0; i < ks_n_commands; i++)
		assert_ptr_equal(ks_command_find(ks_commands[i].name), &ks_commands[i]);
}

/* convert --force: a dropped security control (an OpenSCAP %addon) is a
 * warning, not an error; without it the kickstart is refused. */
static void test_force(void **state)
{
	const char *ks = "rootpw --lock\nautopart\n"
			 "%addon org_fedora_oscap\nprofile = cis\n%end\n";
	_cleanup_free_ char *a = NULL;
	assert_int_equal(read_text(ks, NULL, false, &a, NULL), -EINVAL);
	assert_non_null(strstr(a, "mem.ks:3: error: '%addon org_fedora_oscap'"));
	azl_diags d;
	diags_init(&d);
	d.force = true;
	azl_model *m = NULL;
	assert_int_equal(kickstart_read_text("mem.ks", ks, strlen(ks), NULL, NULL, false, &d, &m),
			 0);
	assert_non_null(m);
	_cleanup_free_ char *b = diags_text(&d);
	assert_non_null(strstr(b, "mem.ks:3: warning: '%addon org_fedora_oscap'"));
	model_free(m);
	diags_done(&d);
}

static void test_secrets(void **state)
{
	const char *ks = "rootpw --plaintext SECRET-a\n"
			 "user --name=u1 --password SECRET-b --bogus=SECRET-c\n"
			 "autopart --encrypted --passphrase=SECRET-d\n"
			 "part /x --passphrase=SECRET-e --size=big\n"
			 "rootpw --plaintext --iscrypted SECRET-f\n"
			 "bootloader --password=SECRET-g\n";
	_cleanup_free_ char *dt = NULL;
	assert_int_equal(read_text(ks, NULL, false, &dt, NULL), -EINVAL);
	assert_false(has_secret(dt));
	assert_non_null(strstr(dt, "'user' has no option '--bogus'"));

	_cleanup_model_ azl_model *m = NULL;
	free(dt);
	assert_int_equal(read_text("rootpw SECRET-a\nautopart --encrypted --passphrase=SECRET-d\n",
				   NULL, false, &dt, &m),
			 0);
	assert_string_equal(m->accounts.root.password->data, "SECRET-a");
	assert_string_equal(m->storage.encryption.passphrase->data, "SECRET-d");
	_cleanup_free_ char *k = kickstart_write(m);
	assert_false(has_secret(k));
	assert_non_null(strstr(k, "rootpw --iscrypted $y$"));
}

static void test_detection(void **state)
{
	static const char *const ks[] = {
		"lang en_US.UTF-8\n",
		"# c\n\n%packages\n%end\n",
		"#version=RHEL8\ntext\n",
		"  autopart --type=lvm\n",
	};
	static const char *const yaml[] = {
		"version: 1\n",
		"# answers\n---\nversion: 1\n",
		"%YAML 1.2\n---\nversion: 1\n",
		"{\"version\": 1}\n",
		"locale: en_US.UTF-8\nversion: 1\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(ks); i++)
		assert_true(input_is_kickstart(ks[i], strlen(ks[i])));
	for (size_t i = 0; i < ELEMENTSOF(yaml); i++)
		assert_false(input_is_kickstart(yaml[i], strlen(yaml[i])));

	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	const char *t = "lang de_DE.UTF-8\nrootpw --lock\nautopart\n";
	assert_int_equal(answers_load("x", t, strlen(t), NULL, &d, &m), 0);
	assert_string_equal(m->locale, "de_DE.UTF-8");
	diags_done(&d);
}

static void test_model_values(void **state)
{
	enter_fixtures();
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(kickstart_read_file("kickstart/bond-vlan.ks", NULL, false, &d, &m), 0);
	assert_int_equal(m->network.n_interfaces, 4);
	const azl_interface *b = &m->network.interfaces[0];
	assert_string_equal(b->name, "bond0");
	assert_string_equal(b->addresses[0], "192.0.2.10/24");
	assert_string_equal(b->bond.mode, "active-backup");
	assert_string_equal(b->bond.slaves[1], "ens4");
	assert_string_equal(m->network.interfaces[1].name, "vlan10");
	assert_string_equal(m->network.interfaces[1].vlan_link, "ens5");
	assert_int_equal(m->network.interfaces[1].vlan_id, 10);
	assert_string_equal(m->network.interfaces[2].match_mac, "52:54:00:12:34:56");
	/* --device=link: matched by carrier, no name, no MAC */
	assert_true(m->network.interfaces[3].match_link);
	assert_false(m->network.interfaces[3].match_bootif);
	assert_null(m->network.interfaces[3].name);
	assert_null(m->network.interfaces[3].match_mac);
	assert_true(m->network.interfaces[3].dhcp4);
	diags_done(&d);

	diags_init(&d);
	model_free(m);
	m = NULL;
	assert_int_equal(kickstart_read_file("kickstart/bios-msdos.ks", NULL, false, &d, &m), 0);
	assert_int_equal(m->storage.table, AZL_TABLE_MSDOS);
	assert_int_equal(m->storage.n_partitions, 4);
	assert_int_equal(m->storage.partitions[2].size.bytes, (uint64_t)8192 << 20);
	assert_int_equal(m->storage.partitions[2].max_bytes, (uint64_t)20480 << 20);
	assert_string_equal(m->storage.partitions[3].disk_path, "/dev/vdb");
	assert_int_equal(m->finish, AZL_FINISH_SHELL);
	diags_done(&d);
}

static azl_model *read_fixture(const char *name)
{
	_cleanup_free_ char *path = xasprintf("kickstart/%s.ks", name);
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	assert_int_equal(kickstart_read_file(path, NULL, false, &d, &m), 0);
	diags_done(&d);
	return m;
}

/* Issue 6: volgroup/logvol, timesource, link/bootif, allow-ssh and
 * boot-drive land in the model's own fields. */
static void test_new_fields(void **state)
{
	enter_fixtures();
	_cleanup_model_ azl_model *m = read_fixture("boot-drive-vg");
	const azl_storage *s = &m->storage;
	assert_int_equal(s->n_disks, 2);
	assert_int_equal(s->n_partitions, 4);
	/* the PVs: no mount, no fs, the group's name, their own disk */
	const azl_partition_spec *pv1 = &s->partitions[2], *pv2 = &s->partitions[3];
	assert_null(pv1->mount);
	assert_int_equal(pv1->fs, AZL_FS_NONE);
	assert_string_equal(pv1->volume_group, "vg_sys");
	assert_string_equal(pv1->disk_path, "/dev/vda");
	assert_int_equal(pv1->size.bytes, (uint64_t)1 << 20);
	assert_true(pv1->grow);
	assert_string_equal(pv2->volume_group, "vg_sys");
	assert_string_equal(pv2->disk_path, "/dev/vdb");
	assert_int_equal(pv2->max_bytes, (uint64_t)102400 << 20);
	assert_null(s->partitions[0].volume_group);
	assert_int_equal(s->n_volume_groups, 1);
	const azl_volume_group *g = &s->volume_groups[0];
	assert_string_equal(g->name, "vg_sys");
	assert_int_equal(g->n_volumes, 4);
	assert_string_equal(g->volumes[0].name, "root");
	assert_string_equal(g->volumes[0].mount, "/");
	assert_int_equal(g->volumes[0].size.kind, AZL_SIZE_BYTES);
	assert_int_equal(g->volumes[0].size.bytes, (uint64_t)10240 << 20);
	assert_int_equal(g->volumes[0].max_bytes, (uint64_t)51200 << 20);
	assert_true(g->volumes[0].grow);
	assert_int_equal(g->volumes[0].fs, AZL_FS_XFS);
	assert_string_equal(g->volumes[0].label, "root");
	assert_string_equal(g->volumes[0].fs_options, "noatime");
	/* swap --recommended: 2 GiB */
	assert_int_equal(g->volumes[1].fs, AZL_FS_SWAP);
	assert_int_equal(g->volumes[1].size.bytes, (uint64_t)2048 << 20);
	/* --percent is of the group, in hundredths */
	assert_int_equal(g->volumes[2].size.kind, AZL_SIZE_PERCENT);
	assert_int_equal(g->volumes[2].size.percent, 3000);
	/* --boot-drive=vdb names the second of storage.disks */
	assert_int_equal(m->bootloader.boot_drive_index, 2);
	assert_null(m->bootloader.boot_drive_path);
	assert_false(m->storage.encryption.enabled);

	model_free(m);
	m = read_fixture("lvm-encrypted-lv");
	s = &m->storage;
	assert_int_equal(s->n_volume_groups, 2);
	/* logvol --encrypted encrypts the group's PV, not the other group */
	assert_string_equal(s->partitions[0].volume_group, "vg_root");
	assert_true(s->partitions[0].encrypt);
	assert_string_equal(s->partitions[1].volume_group, "vg_data");
	assert_false(s->partitions[1].encrypt);
	assert_true(s->encryption.enabled);
	assert_non_null(s->encryption.passphrase);

	model_free(m);
	m = read_fixture("network-link-bootif");
	const azl_network *n = &m->network;
	assert_int_equal(n->n_interfaces, 4);
	assert_true(n->interfaces[0].match_link);
	assert_true(n->interfaces[0].activate);
	/* --device=BOOTIF replaced the earlier bootif line */
	assert_true(n->interfaces[1].match_bootif);
	assert_null(n->interfaces[1].name);
	assert_string_equal(n->interfaces[1].addresses[0], "192.0.2.21/24");
	assert_null(n->interfaces[1].addresses[1]);
	assert_string_equal(n->interfaces[2].match_mac, "52:54:00:aa:bb:cc");
	assert_false(n->interfaces[2].match_link);
	assert_string_equal(n->interfaces[3].name, "eth3");
	assert_true(m->accounts.root.allow_ssh);
	assert_true(m->ntp.disabled);
	assert_int_equal(m->bootloader.boot_drive_index, 0);
	assert_string_equal(m->bootloader.boot_drive_path, "/dev/disk/by-id/virtio-boot0");

	model_free(m);
	m = read_fixture("timesource-ntp-ok");
	assert_string_equal(m->ntp.servers[0], "ntp1.example.com");
	assert_string_equal(m->ntp.servers[1], "time.example.net");
	assert_null(m->ntp.servers[2]);
	assert_string_equal(m->ntp.pools[0], "2.fedora.pool.ntp.org");
	assert_null(m->ntp.pools[1]);
	assert_true(m->ntp.disabled);
	assert_int_equal(m->ntp.loc.line, 7);
}

/* The kickstart written for the new fields says them the way Anaconda
 * reads them. */
static void test_write_new_fields(void **state)
{
	enter_fixtures();
	static const struct {
		const char *fixture;
		const char *line;
	} want[] = {
		{"boot-drive-vg", "\nbootloader --timeout=3 --boot-drive=vdb\n"},
		{"boot-drive-vg", "\npart pv.01 --size=1 --grow --ondisk=vda\n"},
		{"boot-drive-vg",
		 "\npart pv.02 --size=4096 --grow --maxsize=102400 --ondisk=vdb\n"},
		{"boot-drive-vg", "\nvolgroup vg_sys pv.01 pv.02\n"},
		{"boot-drive-vg",
		 "\nlogvol / --vgname=vg_sys --name=root --size=10240 --grow --maxsize=51200 --fstype=xfs --label=root --fsoptions=noatime\n"},
		{"boot-drive-vg", "\nlogvol /home --vgname=vg_sys --name=home --percent=30\n"},
		{"lvm-encrypted-lv", "\npart pv.01 --size=20480 --grow --encrypted\n"},
		{"lvm-encrypted-lv", "\nvolgroup vg_data pv.02\n"},
		{"network-link-bootif", "\nnetwork --device=link --bootproto=dhcp\n"},
		{"network-link-bootif",
		 "\nnetwork --device=bootif --bootproto=static --ip=192.0.2.21 --netmask=24 --gateway=192.0.2.1\n"},
		{"network-link-bootif", "\nrootpw --allow-ssh --iscrypted $6$"},
		{"network-link-bootif", " --boot-drive=/dev/disk/by-id/virtio-boot0\n"},
		{"network-link-bootif", "\ntimezone UTC --utc --nontp\n"},
		{"timesource-ntp-ok", "\ntimesource --ntp-server=ntp1.example.com\n"
				      "timesource --ntp-server=time.example.net\n"
				      "timesource --ntp-pool=2.fedora.pool.ntp.org\n"},
	};
	for (size_t i = 0; i < ELEMENTSOF(want); i++) {
		_cleanup_model_ azl_model *m = read_fixture(want[i].fixture);
		_cleanup_free_ char *k = kickstart_write(m);
		if (!strstr(k, want[i].line)) {
			print_error("%s: no '%s' in:\n%s\n", want[i].fixture, want[i].line, k);
			fail();
		}
	}

	/* A boot drive given by path that is one of the disks reads back as
	 * its index: the same disk, said the way --ondisk says it. */
	_cleanup_model_ azl_model *m = read_fixture("boot-drive-vg");
	m->bootloader.boot_drive_index = 0;
	m->bootloader.boot_drive_path = xstrdup("/dev/vdb");
	_cleanup_free_ char *k = kickstart_write(m);
	assert_non_null(strstr(k, " --boot-drive=vdb\n"));
	_cleanup_free_ char *dt = NULL;
	_cleanup_model_ azl_model *m2 = NULL;
	assert_int_equal(read_text(k, NULL, false, &dt, &m2), 0);
	assert_int_equal(m2->bootloader.boot_drive_index, 2);
	assert_null(m2->bootloader.boot_drive_path);
}

/* Mistakes in the new commands are errors with their line. */
static void test_lvm_errors(void **state)
{
	static const struct {
		const char *ks;
		const char *err;
	} cases[] = {
		{"rootpw --lock\npart pv.01 --size=1 --grow\n"
		 "volgroup vg pv.01\nvolgroup vg pv.02\n",
		 "mem.ks:4: error: volume group 'vg' was made on line 3 already"},
		{"rootpw --lock\npart pv.01 --size=1 --grow\n"
		 "volgroup a pv.01\nvolgroup b pv.01\n",
		 "mem.ks:4: error: physical volume 'pv.01' is in volume group 'a' already"},
		{"rootpw --lock\npart pv.01 --size=1 --grow\n"
		 "volgroup a pv.01\nlogvol / --vgname=b --name=root --size=1\n",
		 "mem.ks:4: error: logical volume 'root' is in volume group 'b', which no 'volgroup' line makes"},
		{"rootpw --lock\nvolgroup a pv.09\nlogvol / --vgname=a --name=r --size=9\n",
		 "mem.ks:2: error: volume group 'a' uses 'pv.09', which no 'part' line makes"},
		{"rootpw --lock\npart pv.01 --size=1 --grow\n"
		 "volgroup a pv.01 --useexisting\n",
		 "mem.ks:3: error: 'volgroup --useexisting/--noformat' is not supported"},
		{"rootpw --lock\ntimesource --ntp-disable --ntp-pool=x\n"
		 "autopart\n",
		 "mem.ks:2: error: 'timesource' takes one of"},
		{"rootpw --lock\nbootloader --boot-drive=\nautopart\n",
		 "mem.ks:2: error: 'bootloader --boot-drive' needs a disk"},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *dt = NULL;
		assert_int_equal(read_text(cases[i].ks, NULL, false, &dt, NULL), -EINVAL);
		if (!strstr(dt, cases[i].err)) {
			print_error("case %zu: want '%s', got:\n%s\n", i, cases[i].err, dt);
			fail();
		}
	}
}

/* The reporting add-on fills the answer file's reporting:, header values
 * as secrets; what validation refuses is said without them. */
static void test_addon_reporting(void **state)
{
	enter_fixtures();
	_cleanup_model_ azl_model *f = read_fixture("addon-reporting");
	assert_int_equal(f->reporting.n_hooks, 2);
	assert_string_equal(f->reporting.hooks[0].name, "kickstart");
	assert_null(f->reporting.hooks[0].level);
	assert_int_equal(f->reporting.hooks[0].n_headers, 0);
	assert_string_equal(f->reporting.hooks[1].name, "maas");
	assert_string_equal(f->reporting.hooks[1].level, "INFO");

	static const char good[] =
		"lang en_US.UTF-8\nkeyboard us\ntimezone UTC\nrootpw --lock\nautopart\n"
		"%addon com_azurelinux_reporting --endpoint=https://deploy.example.com/api/v1/report\n"
		"# one header a line\n"
		"Authorization: Bearer SECRET-token-4711\n"
		"X-Rack:   r7\n"
		"%end\n";
	azl_diags gd;
	diags_init(&gd);
	_cleanup_model_ azl_model *m = NULL;
	assert_int_equal(
		kickstart_read_text("good.ks", good, strlen(good), NULL, NULL, false, &gd, &m), 0);
	diags_done(&gd);
	const azl_reporting *r = &m->reporting;
	assert_int_equal(r->n_hooks, 1);
	assert_string_equal(r->hooks[0].name, "kickstart");
	assert_string_equal(r->hooks[0].endpoint, "https://deploy.example.com/api/v1/report");
	assert_int_equal(r->hooks[0].n_headers, 2);
	assert_string_equal(r->hooks[0].headers[0].name, "Authorization");
	assert_string_equal(r->hooks[0].headers[0].value->data, "Bearer SECRET-token-4711");
	assert_string_equal(r->hooks[0].headers[1].name, "X-Rack");
	assert_string_equal(r->hooks[0].headers[1].value->data, "r7");
	assert_int_equal(r->hooks[0].headers[1].loc.line, 9);
	_cleanup_free_ char *k = kickstart_write(m);
	assert_non_null(
		strstr(k, "\n%addon com_azurelinux_reporting --name=kickstart "
			  "--endpoint=https://deploy.example.com/api/v1/report\n"
			  "# headers: not written to this file; they may hold tokens\n%end\n"));
	assert_null(strstr(k, "SECRET-"));
	int err = 0;
	_cleanup_free_ char *y = answers_write(m, &err);
	assert_null(strstr(y, "SECRET-"));

	static const char bad[] =
		"lang en_US.UTF-8\nkeyboard us\ntimezone UTC\nrootpw --lock\nautopart\n"
		"%addon com_azurelinux_reporting --endpoint=ftp://192.0.2.5/x --level=CHATTY\n"
		"X-Bad: SECRET-bell\a\n"
		"%end\n"
		"%addon com_azurelinux_reporting --name=none\n%end\n";
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *b = NULL;
	/* Read, then validated: refused. */
	assert_int_equal(kickstart_read_text("bad.ks", bad, strlen(bad), NULL, NULL, false, &d, &b),
			 -EINVAL);
	_cleanup_free_ char *dt = diags_text(&d);
	assert_null(strstr(dt, "SECRET-"));
	assert_non_null(strstr(dt, "bad.ks:6: error: reporting 'kickstart': endpoint 'ftp://"));
	assert_non_null(strstr(dt, "bad.ks:6: error: reporting 'kickstart': level 'CHATTY'"));
	assert_non_null(
		strstr(dt, "bad.ks:7: error: reporting 'kickstart': the value of header 'X-Bad'"));
	assert_non_null(strstr(dt, "bad.ks:9: error: reporting 'none' needs 'endpoint: URL'"));
	diags_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_force),
		cmocka_unit_test(test_command_table),
		cmocka_unit_test(test_grub_password),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_include_rules),
		cmocka_unit_test(test_model_values),
		cmocka_unit_test(test_new_fields),
		cmocka_unit_test(test_write_new_fields),
		cmocka_unit_test(test_lvm_errors),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_yaml_round_trip),
		cmocka_unit_test(test_addon_reporting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
