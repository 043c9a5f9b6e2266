/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The installer screens' logic on the model, without a terminal. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include "machine.h"
#include "model.h"
#include "netconf-nm.h"
#include "spokes.h"
#include "util.h"

static azl_machine *fixture(const char *name)
{
	const char *dir = getenv("AZL_FIXTURES");
	assert_non_null(dir);
	_cleanup_free_ char *p = xasprintf("%s/machines/%s", dir, name);
	azl_diags d;
	diags_init(&d);
	azl_machine *m = NULL;
	assert_int_equal(machine_from_json(p, &d, &m), 0);
	diags_done(&d);
	return m;
}

static void test_status_defaults(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	_cleanup_machine_ azl_machine *mach = fixture("uefi-one-disk.json");
	char *why = NULL;
	assert_true(spoke_status(SPOKE_LANGUAGE, m, mach, NULL));
	assert_true(spoke_status(SPOKE_TIMEZONE, m, mach, NULL));
	assert_true(spoke_status(SPOKE_SOFTWARE, m, mach, NULL));
	assert_true(spoke_status(SPOKE_PASSPHRASE, m, mach, NULL));
	/* No disk chosen and nobody could log in. */
	assert_false(spoke_status(SPOKE_DISKS, m, mach, &why));
	assert_string_equal(why, "No disk is chosen.");
	free(why);
	assert_false(spoke_status(SPOKE_ACCOUNTS, m, mach, &why));
	assert_non_null(strstr(why, "Nobody could log in"));
	free(why);
	/* Without a probed machine the Disks spoke cannot be complete. */
	char *paths[] = {(char *)"/dev/vda", NULL};
	storage_set_disks(&m->storage, paths);
	assert_false(spoke_status(SPOKE_DISKS, m, NULL, NULL));
	assert_true(spoke_status(SPOKE_DISKS, m, mach, NULL));
}

static void test_disks_too_small(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	_cleanup_machine_ azl_machine *mach = fixture("tiny.json");
	char *paths[] = {mach->disks[0].path, NULL};
	storage_set_disks(&m->storage, paths);
	char *why = NULL;
	assert_false(spoke_status(SPOKE_DISKS, m, mach, &why));
	assert_non_null(why);
	free(why);
}

/* The Disks page's btrfs choice: Fedora's plain layout plans; btrfs on
 * the guided LVM layout is refused with what to choose instead. */
static void test_disks_btrfs(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	_cleanup_machine_ azl_machine *mach = fixture("uefi-one-disk.json");
	char *paths[] = {mach->disks[0].path, NULL};
	storage_set_disks(&m->storage, paths);
	m->storage.filesystem = AZL_FS_BTRFS;
	m->storage.layout = AZL_LAYOUT_LVM;
	char *why = NULL;
	assert_false(spoke_status(SPOKE_DISKS, m, mach, &why));
	assert_non_null(why);
	assert_non_null(strstr(why, "layout: plain"));
	free(why);
	m->storage.layout = AZL_LAYOUT_PLAIN;
	why = NULL;
	assert_true(spoke_status(SPOKE_DISKS, m, mach, &why));
	free(why);
}

static void test_passphrase(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	m->storage.encryption.enabled = true;
	char *why = NULL;
	assert_false(spoke_status(SPOKE_PASSPHRASE, m, NULL, &why));
	assert_non_null(strstr(why, "no passphrase"));
	free(why);
	m->storage.encryption.passphrase = secret_new("x", 1);
	assert_true(spoke_status(SPOKE_PASSPHRASE, m, NULL, NULL));

	assert_int_equal(passphrase_strength("", NULL), STRENGTH_EMPTY);
	assert_int_equal(passphrase_strength("abc", NULL), STRENGTH_WEAK);
	assert_int_equal(passphrase_strength("abcdefghij", NULL), STRENGTH_WEAK);
	assert_int_equal(passphrase_strength("abcdefg1", NULL), STRENGTH_FAIR);
	assert_int_equal(passphrase_strength("Abcdefgh12!x", NULL), STRENGTH_STRONG);
	/* Characters, not bytes: 7 umlauts are still short. */
	assert_int_equal(passphrase_strength("äöüäöüä", NULL), STRENGTH_WEAK);
}

static void test_partition_editor(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	_cleanup_machine_ azl_machine *mach = fixture("uefi-one-disk.json");
	char *paths[] = {(char *)"/dev/vda", NULL};
	storage_set_disks(&m->storage, paths);
	azl_storage *s = &m->storage;
	partitions_from_guided(s, AZL_FIRMWARE_UEFI);
	assert_int_equal(s->n_partitions, 4);
	assert_string_equal(s->partitions[0].mount, "/boot/efi");
	assert_int_equal(s->partitions[0].fs, AZL_FS_VFAT);
	assert_true(s->partitions[3].grow);
	assert_true(spoke_status(SPOKE_DISKS, m, mach, NULL));

	const char *why = NULL;
	assert_int_equal(partition_add(s, "/", "1G", AZL_FS_NONE, false, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(partition_add(s, "srv", "1G", AZL_FS_NONE, false, &why), -EINVAL);
	/* The model's rule: what validation would refuse later is refused here. */
	assert_int_equal(partition_add(s, "/run/x", "1G", AZL_FS_NONE, false, &why), -EINVAL);
	assert_int_equal(partition_add(s, "/a/./b", "1G", AZL_FS_NONE, false, &why), -EINVAL);
	assert_int_equal(partition_add(s, "/srv", "lots", AZL_FS_NONE, false, &why), -EINVAL);
	assert_int_equal(partition_add(s, "/srv", "2G", AZL_FS_NONE, true, &why), 0);
	assert_int_equal(s->n_partitions, 5);
	assert_true(s->partitions[4].encrypt);
	assert_int_equal(s->partitions[4].size.bytes, 2ull << 30);
	assert_int_equal(partition_resize(s, 4, "30%", &why), 0);
	assert_int_equal(s->partitions[4].size.kind, AZL_SIZE_PERCENT);
	assert_int_equal(partition_set_mount(s, 4, "/boot", &why), -EINVAL);
	assert_int_equal(partition_set_mount(s, 4, "/data", &why), 0);
	assert_int_equal(s->partitions[4].fs, AZL_FS_EXT4);
	assert_int_equal(partition_next_fs(&s->partitions[4]), AZL_FS_XFS);
	assert_int_equal(partition_next_fs(&s->partitions[0]), AZL_FS_VFAT);
	assert_true(storage_wants_encryption(s));
	/* Encryption wanted, no passphrase: the Passphrase spoke says so. */
	assert_false(spoke_status(SPOKE_PASSPHRASE, m, mach, NULL));
	assert_int_equal(partition_delete(s, 3), 0); /* "/" */
	char *w = NULL;
	assert_false(spoke_status(SPOKE_DISKS, m, mach, &w));
	assert_non_null(strstr(w, "no / partition"));
	free(w);
	assert_int_equal(partition_delete(s, 9), -ENOENT);
}

static void test_clone_commit(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	assert_int_equal(accounts_set_user(&m->accounts, "admin", "pw1", NULL, NULL), 0);
	azl_accounts clone = {0};
	accounts_clone(&clone, &m->accounts);
	const char *why = NULL;
	assert_int_equal(accounts_set_user(&clone, "Bad Name", NULL, NULL, &why), -EINVAL);
	assert_int_equal(accounts_set_user(&clone, "ops", NULL, "not a key", &why), -EINVAL);
	assert_int_equal(accounts_set_user(&clone, "ops", NULL, "ssh-ed25519 AAAAC3Nz ops@x", &why),
			 0);
	/* The model is untouched until the clone is committed. */
	assert_string_equal(m->accounts.users[0].name, "admin");
	assert_null(m->accounts.users[0].ssh_authorized_keys);
	assert_string_equal(clone.users[0].name, "ops");
	assert_true(strv_contains(clone.users[0].groups, "wheel"));
	assert_string_equal(clone.users[0].password->data, "pw1");
	accounts_done(&m->accounts);
	m->accounts = clone;
	assert_true(spoke_status(SPOKE_ACCOUNTS, m, NULL, NULL));
	assert_int_equal(accounts_set_root(&m->accounts, false, NULL, &why), -EINVAL);
	assert_int_equal(accounts_set_root(&m->accounts, false, "r00t", &why), 0);
	assert_false(m->accounts.root.lock);
}

/* A clone of the storage owns its partitions' btrfs subvolumes: the Disks
 * page drops its clone on Cancel, and the model's subvolumes must stay. */
static void test_storage_clone_subvolumes(void **state)
{
	azl_storage src = {0};
	src.partitions = xcalloc(1, sizeof(*src.partitions));
	src.n_partitions = 1;
	src.partitions[0].fs = AZL_FS_BTRFS;
	src.partitions[0].subvolumes = xcalloc(2, sizeof(*src.partitions[0].subvolumes));
	src.partitions[0].n_subvolumes = 2;
	src.partitions[0].subvolumes[0] =
		(azl_subvolume_spec){.name = xstrdup("root"), .mount = xstrdup("/")};
	src.partitions[0].subvolumes[1] = (azl_subvolume_spec){.name = xstrdup("home"),
							       .mount = xstrdup("/home"),
							       .fs_options = xstrdup("noatime")};
	azl_storage clone = {0};
	storage_clone(&clone, &src);
	assert_int_equal(clone.partitions[0].n_subvolumes, 2);
	assert_ptr_not_equal(clone.partitions[0].subvolumes, src.partitions[0].subvolumes);
	assert_ptr_not_equal(clone.partitions[0].subvolumes[1].name,
			     src.partitions[0].subvolumes[1].name);
	assert_string_equal(clone.partitions[0].subvolumes[1].fs_options, "noatime");
	storage_done(&clone); /* Cancel */
	assert_string_equal(src.partitions[0].subvolumes[0].name, "root");
	assert_string_equal(src.partitions[0].subvolumes[1].mount, "/home");
	storage_done(&src);
}

/* The Disks page's clone keeps storage.encryption.tang (issue 16: the TUI
 * has no editor for it, and a Cancel or an OK must not lose it). */
static void test_storage_clone_tang(void **state)
{
	(void)state;
	azl_storage src = {0};
	src.encryption.enabled = true;
	src.encryption.tang = xcalloc(2, sizeof(*src.encryption.tang));
	src.encryption.n_tang = 2;
	src.encryption.tang[0] = (azl_tang_server){.url = xstrdup("http://192.0.2.7:7500"),
						   .thumbprint = xstrdup("thp-a")};
	src.encryption.tang[1] = (azl_tang_server){.url = xstrdup("http://192.0.2.8"),
						   .thumbprint = xstrdup("thp-b")};
	azl_storage clone = {0};
	storage_clone(&clone, &src);
	assert_int_equal(clone.encryption.n_tang, 2);
	assert_ptr_not_equal(clone.encryption.tang, src.encryption.tang);
	assert_ptr_not_equal(clone.encryption.tang[1].url, src.encryption.tang[1].url);
	assert_string_equal(clone.encryption.tang[1].url, "http://192.0.2.8");
	assert_string_equal(clone.encryption.tang[0].thumbprint, "thp-a");
	storage_done(&clone); /* Cancel */
	assert_string_equal(src.encryption.tang[0].url, "http://192.0.2.7:7500");
	storage_done(&src);
}

/* The TUI installs only what model_validate() takes (tui.c asks
 * model_first_error() before it begins): a key the Accounts spoke lets
 * through with a control character is stopped there. */
static void test_tui_gate(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	const char *why = NULL;
	assert_int_equal(accounts_set_user(&m->accounts, "ops", "pw", NULL, &why), 0);
	_cleanup_free_ char *fine = model_first_error(m, NULL);
	assert_null(fine);
	assert_int_equal(accounts_set_user(&m->accounts, "ops", NULL,
					   "ssh-ed25519 AAAAC3Nz ops@x\x1b[2J", &why),
			 0);
	_cleanup_free_ char *bad = model_first_error(m, NULL);
	assert_non_null(bad);
	assert_non_null(strstr(bad, "SSH key"));
	assert_non_null(strstr(bad, "\\x1b[2J"));
}

static void test_network(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	azl_interface *it = network_interface(&m->network, "eth0");
	const char *why = NULL;
	assert_int_equal(interface_set_static(it, "192.0.2.10", "", "", &why), -EINVAL);
	assert_int_equal(interface_set_static(it, "192.0.2.10/33", "", "", &why), -EINVAL);
	assert_int_equal(interface_set_static(it, "192.0.2.10/24", "192.0.2.x", "", &why), -EINVAL);
	/* The page uses the model's validators: what the answer file refuses
	 * (a signed or over-long prefix) the page refuses too. */
	assert_false(ip_prefix_is_valid("192.0.2.10/+24"));
	assert_int_equal(interface_set_static(it, "192.0.2.10/+24", "", "", &why), -EINVAL);
	assert_int_equal(interface_set_static(it, "2001:db8::10/0064", "", "", &why), -EINVAL);
	assert_int_equal(interface_set_static(it, "192.0.2.10/24, 2001:db8::10/64", "192.0.2.1",
					      "192.0.2.53 9.9.9.9", &why),
			 0);
	assert_false(it->dhcp4);
	assert_int_equal(strv_length(it->addresses), 2);
	assert_string_equal(it->gateway4, "192.0.2.1");
	assert_int_equal(strv_length(it->dns), 2);
	assert_true(spoke_status(SPOKE_NETWORK, m, NULL, NULL));
	azl_network clone = {0};
	network_clone(&clone, &m->network);
	interface_set_dhcp(&clone.interfaces[0]);
	assert_false(m->network.interfaces[0].dhcp4);
	network_done(&clone);
	free(m->hostname);
	m->hostname = xstrdup("bad_host!");
	assert_false(spoke_status(SPOKE_NETWORK, m, NULL, NULL));
}

/* What the kernel says, through ip(8): "a.b.c.d/p" of the first IPv4
 * address of ifname, or NULL. */
static char *ip_first_v4(const char *ifname)
{
	_cleanup_free_ char *cmd = xasprintf("ip -4 -o addr show dev '%s' 2>/dev/null", ifname);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char line[512], *ret = NULL;
	if (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " inet ");
		assert_non_null(p);
		p += 6;
		ret = xstrndup(p, strcspn(p, " "));
	}
	pclose(f);
	return ret;
}

static const azl_netdev *find_dev(const azl_netinfo *i, const char *name)
{
	for (size_t k = 0; k < i->n_devs; k++)
		if (strcmp(i->devs[k].name, name) == 0)
			return &i->devs[k];
	return NULL;
}

/* The fallback on this machine's real /sys/class/net. */
static void test_netinfo_sysfs(void **state)
{
	azl_netinfo info;
	assert_int_equal(sysfs_read_devices(NULL, &info), 0);
	assert_false(info.from_nm);
	DIR *d = opendir("/sys/class/net");
	assert_non_null(d);
	size_t seen = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		const azl_netdev *e = find_dev(&info, de->d_name);
		if (strcmp(de->d_name, "lo") == 0) {
			assert_null(e);
			continue;
		}
		assert_non_null(e);
		seen++;
		_cleanup_free_ char *p = xasprintf("/sys/class/net/%s/address", de->d_name);
		_cleanup_free_ char *mac = NULL;
		assert_int_equal(read_file_bounded(p, 4096, &mac, NULL), 0);
		mac[strcspn(mac, "\n")] = '\0';
		if (*mac)
			assert_string_equal(e->mac, mac);
		else
			assert_null(e->mac);
		_cleanup_free_ char *v4 = ip_first_v4(de->d_name);
		if (v4)
			assert_string_equal(e->ipv4, v4);
		else
			assert_null(e->ipv4);
		assert_non_null(e->state);
		assert_non_null(e->type);
	}
	closedir(d);
	assert_int_equal(info.n_devs, seen);
	for (size_t k = 1; k < info.n_devs; k++)
		assert_true(strcmp(info.devs[k - 1].name, info.devs[k].name) < 0);
	char host[256] = "";
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	assert_string_equal(info.hostname, host);
	_cleanup_free_ char *text = netinfo_text(&info);
	assert_non_null(strstr(text, "/sys/class/net"));
	for (size_t k = 0; k < info.n_devs; k++)
		assert_non_null(strstr(text, info.devs[k].name));
	netinfo_done(&info);
	/* A directory that is not there is an error, not an empty list. */
	assert_int_equal(sysfs_read_devices("/nonexistent/net", &info), -ENOENT);
	netinfo_done(&info);
}

/* libnm's "not running" detection, against a bus that is not there and
 * against a real (private) D-Bus daemon on which no NetworkManager runs. */
static void test_netinfo_nm_not_running(void **state)
{
	const char *old = getenv("DBUS_SYSTEM_BUS_ADDRESS");
	_cleanup_free_ char *saved = old ? xstrdup(old) : NULL;
	char dir[] = "/tmp/azl-dbus-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *addr = xasprintf("unix:path=%s/bus", dir);
	azl_netinfo info;

	assert_int_equal(setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, 1), 0);
	assert_int_equal(nm_read_devices(&info, 2000), -ENOTCONN);
	assert_int_equal(info.n_devs, 0);

	assert_int_equal(access("/usr/bin/dbus-daemon", X_OK), 0);
	_cleanup_free_ char *cmd = xasprintf(
		"dbus-daemon --config-file=/usr/share/dbus-1/session.conf --address=%s --fork --print-pid",
		addr);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	int pid = 0;
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	pclose(f);
	assert_true(pid > 1);
	int r = nm_read_devices(&info, 5000);
	netinfo_done(&info);
	/* And the spoke's reader falls back to sysfs. */
	int r2 = netinfo_read(&info, 5000);
	kill(pid, SIGTERM);
	assert_int_equal(r, -ESRCH);
	assert_int_equal(r2, 0);
	assert_false(info.from_nm);
	netinfo_done(&info);
	_cleanup_free_ char *sock = xasprintf("%s/bus", dir);
	unlink(sock);
	rmdir(dir);
	if (saved)
		setenv("DBUS_SYSTEM_BUS_ADDRESS", saved, 1);
	else
		unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}

static void test_shown_and_packages(void **state)
{
	char *net[] = {(char *)"network", NULL};
	char *all[] = {(char *)"*", NULL};
	char *st[] = {(char *)"storage", NULL};
	assert_true(spoke_shown(SPOKE_DISKS, NULL));
	assert_true(spoke_shown(SPOKE_NETWORK, net));
	assert_false(spoke_shown(SPOKE_ACCOUNTS, net));
	assert_true(spoke_shown(SPOKE_ACCOUNTS, all));
	assert_true(spoke_shown(SPOKE_PASSPHRASE, st));

	_cleanup_model_ azl_model *m = model_new();
	strv_push(&m->packages.install, xstrdup("vim"));
	char *ids[] = {(char *)"core", NULL};
	packages_set_groups(&m->packages, ids);
	assert_int_equal(strv_length(m->packages.install), 2);
	assert_string_equal(m->packages.install[0], "@core");
	assert_string_equal(m->packages.install[1], "vim");
	assert_true(packages_has_group(&m->packages, "core"));
	assert_false(packages_has_group(&m->packages, "minimal"));
}

static void test_comps(void **state)
{
	static const char xml[] =
		"<?xml version=\"1.0\"?><comps><group><id>minimal</id><name>Minimal</name><name xml:lang=\"de\">Minimal-DE</name><description>Small &amp; fast</description></group><group><id>hidden</id><name>H</name><uservisible>false</uservisible></group><group><name>no id</name></group><environment><id>env</id><name>E</name></environment></comps>";
	depsolve_group *g = NULL;
	size_t n = 0;
	assert_int_equal(depsolve_groups_parse(xml, strlen(xml), &g, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(g[0].id, "minimal");
	assert_string_equal(g[0].name, "Minimal");
	assert_string_equal(g[0].description, "Small & fast");
	assert_true(g[0].visible);
	assert_false(g[1].visible);
	depsolve_groups_free(g, n);
	assert_int_equal(depsolve_groups_parse("<comps><group><id>x</id>", 24, &g, &n), -EINVAL);
	assert_int_equal(depsolve_groups_parse("nothing", 7, &g, &n), -EINVAL);
}

static void test_destructive_text(void **state)
{
	_cleanup_model_ azl_model *m = model_new();
	_cleanup_machine_ azl_machine *mach = fixture("ntfs-free-space.json");
	char *paths[] = {mach->disks[0].path, NULL};
	storage_set_disks(&m->storage, paths);
	azl_plan_overrides ov = {0};
	azl_plan_error err = {0};
	_cleanup_plan_ azl_plan *p = NULL;
	assert_int_equal(plan_build(m, mach, &ov, &p, &err), 0);
	_cleanup_free_ char *t = plan_destructive_text(p, mach);
	assert_true(startswith(t, "ERASE all of "));
	assert_non_null(strstr(t, mach->disks[0].path));
	assert_non_null(strstr(t, "ntfs"));
	/* wipe: none keeps the table: nothing is erased. */
	m->storage.wipe = AZL_WIPE_NONE;
	_cleanup_plan_ azl_plan *p2 = NULL;
	if (plan_build(m, mach, &ov, &p2, &err) == 0) {
		_cleanup_free_ char *t2 = plan_destructive_text(p2, mach);
		assert_null(strstr(t2, "ERASE"));
	} else
		plan_error_done(&err);
}

static void test_zones(void **state)
{
	_cleanup_strv_free_ char **r = zones_regions(NULL);
	assert_true(strv_contains(r, "Europe"));
	assert_true(strv_contains(r, "UTC"));
	_cleanup_strv_free_ char **z = zones_in_region(NULL, "Europe");
	assert_true(strv_contains(z, "Berlin"));
	_cleanup_strv_free_ char **a = zones_in_region(NULL, "America");
	assert_true(strv_contains(a, "Argentina/Buenos_Aires"));
	_cleanup_strv_free_ char **bad = zones_in_region(NULL, "../etc");
	assert_int_equal(strv_length(bad), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_defaults),
		cmocka_unit_test(test_disks_too_small),
		cmocka_unit_test(test_disks_btrfs),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_partition_editor),
		cmocka_unit_test(test_clone_commit),
		cmocka_unit_test(test_storage_clone_subvolumes),
		cmocka_unit_test(test_storage_clone_tang),
		cmocka_unit_test(test_tui_gate),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_netinfo_sysfs),
		cmocka_unit_test(test_netinfo_nm_not_running),
		cmocka_unit_test(test_shown_and_packages),
		cmocka_unit_test(test_comps),
		cmocka_unit_test(test_destructive_text),
		cmocka_unit_test(test_zones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
