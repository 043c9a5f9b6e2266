/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ntp (chrony.conf and timesyncd text) and the resolution of
 * match: {link|bootif} over a command line file and a sysfs-shaped
 * directory (netconf-match.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply-system.h"
#include "netconf-match.h"
#include "util.h"

static void test_chrony(void **state)
{
	(void)state;
	char *servers[] = {"ntp1.example.com", "192.0.2.123", NULL};
	char *pools[] = {"2.fedora.pool.ntp.org", NULL};
	_cleanup_free_ char *a =
		ntp_chrony_conf("# Use public servers\npool 2.fedora.pool.ntp.org iburst\n"
				"  server old.example.com iburst\nSERVER up.example.com\n"
				"#server commented.example.com\npeer p.example.com\n"
				"driftfile /var/lib/chrony/drift\nservers-like-word x\n"
				"makestep 1.0 3",
				servers, pools);
	assert_string_equal(a, "# Use public servers\n"
			       "server ntp1.example.com iburst\n"
			       "server 192.0.2.123 iburst\n"
			       "pool 2.fedora.pool.ntp.org iburst\n"
			       "#server commented.example.com\n"
			       "peer p.example.com\n"
			       "driftfile /var/lib/chrony/drift\n"
			       "servers-like-word x\n"
			       "makestep 1.0 3\n");
	/* No source lines: the new ones go at the end. */
	_cleanup_free_ char *b = ntp_chrony_conf("driftfile /d\n", NULL, pools);
	assert_string_equal(b, "driftfile /d\npool 2.fedora.pool.ntp.org iburst\n");
	_cleanup_free_ char *c = ntp_timesyncd_conf(servers, pools);
	assert_non_null(
		strstr(c, "\n[Time]\nNTP=ntp1.example.com 192.0.2.123 2.fedora.pool.ntp.org\n"));
}

static void test_bootif_parse(void **state)
{
	(void)state;
	char *mac = NULL;
	assert_int_equal(netconf_parse_bootif("01-52-54-00-AB-cd-0F", &mac), 0);
	assert_string_equal(mac, "52:54:00:ab:cd:0f");
	free(mac);
	assert_int_equal(netconf_parse_bootif("52:54:00:12:34:56", &mac), 0);
	assert_string_equal(mac, "52:54:00:12:34:56");
	free(mac);
	assert_int_equal(netconf_parse_bootif("52-54-00-12-34-56", &mac), 0);
	assert_string_equal(mac, "52:54:00:12:34:56");
	free(mac);
	mac = NULL;
	/* Hardware type 20 (InfiniBand), an octet short (a multicast MAC),
	 * mixed separators, junk. */
	assert_int_equal(netconf_parse_bootif("20-52-54-00-12-34-56", &mac), -EINVAL);
	assert_int_equal(netconf_parse_bootif("01-52-54-00-12-34", &mac), -EINVAL);
	assert_int_equal(netconf_parse_bootif("52-54:00-12-34-56", &mac), -EINVAL);
	assert_int_equal(netconf_parse_bootif("01-52-54-00-12-34-5g", &mac), -EINVAL);
	assert_int_equal(netconf_parse_bootif("", &mac), -EINVAL);
	assert_null(mac);

	char *v = NULL;
	assert_int_equal(netconf_cmdline_bootif("ro quiet\n", &v), -ENOENT);
	assert_int_equal(
		netconf_cmdline_bootif(
			"initrd=x \"a=b c\" BOOTIF=01-aa-bb-cc-dd-ee-ff xBOOTIF=1 BOOTIF=\"01-52-54-00-12-34-56\" console=ttyS0\n",
			&v),
		0);
	/* The last one wins; quotes are dropped. */
	assert_string_equal(v, "01-52-54-00-12-34-56");
	free(v);
}

/* A sysfs-shaped directory: NAME/{address,carrier,type,device}. */
static void add_if(const char *dir, const char *name, const char *mac, const char *carrier,
		   bool device)
{
	_cleanup_free_ char *d = xasprintf("%s/%s", dir, name);
	assert_int_equal(mkdir(d, 0755), 0);
	const char *files[][2] = {{"address", mac}, {"carrier", carrier}, {"type", "1"}};
	for (size_t i = 0; i < 3; i++) {
		if (!files[i][1])
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", d, files[i][0]);
		_cleanup_free_ char *text = xasprintf("%s\n", files[i][1]);
		assert_int_equal(write_file_atomic(p, text, strlen(text), 0644), 0);
	}
	if (device) {
		_cleanup_free_ char *p = xasprintf("%s/device", d);
		assert_int_equal(symlink("../../devices/pci0000:00", p), 0);
	}
}

static void rm_tree(const char *dir)
{
	char *argv[] = {"rm", "-rf", (char *)dir, NULL};
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
}

static void test_link_and_resolve(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/test-system-extras.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	_cleanup_free_ char *net = xasprintf("%s/net", dir);
	assert_int_equal(mkdir(net, 0755), 0);

	/* Nothing qualifies yet: lo, a virtual one with carrier, a
	 * physical one without. */
	add_if(net, "lo", "00:00:00:00:00:00", "1", false);
	add_if(net, "veth0", "02:00:00:00:00:01", "1", false);
	add_if(net, "eth0", "52:54:00:00:00:10", "0", true);
	add_if(net, "eth1", "52:54:00:00:00:11", NULL, true); /* down */
	char *mac = NULL, *ifname = NULL;
	assert_int_equal(netconf_link_mac(net, &mac, &ifname), -ENODEV);
	assert_null(mac);

	/* Name order decides among those with a carrier. */
	add_if(net, "enp2s0", "52:54:00:00:00:22", "1", true);
	add_if(net, "enp1s0", "52:54:00:00:00:21", "1", true);
	assert_int_equal(netconf_link_mac(net, &mac, &ifname), 0);
	assert_string_equal(ifname, "enp1s0");
	assert_string_equal(mac, "52:54:00:00:00:21");
	free(mac);
	free(ifname);

	/* The whole resolution, through the environment the tests use. */
	_cleanup_free_ char *cmdline = xasprintf("%s/cmdline", dir);
	const char *text = "BOOT_IMAGE=/vmlinuz BOOTIF=01-52-54-00-AA-BB-CC\n";
	assert_int_equal(write_file_atomic(cmdline, text, strlen(text), 0644), 0);
	setenv("AZL_PROC_CMDLINE", cmdline, 1);
	setenv("AZL_SYSFS_NET", net, 1);
	azl_interface ifs[] = {
		{.name = "eth9", .dhcp4 = true},
		{.match_bootif = true, .dhcp4 = true},
		{.match_link = true, .dhcp4 = true},
		{.match_mac = "52:54:00:12:34:56"},
	};
	azl_network n = {.interfaces = ifs, .n_interfaces = 4};
	azl_resolved_network res = {0};
	assert_int_equal(netconf_resolve_matches(&n, &res), 0);
	assert_int_equal(res.net.n_interfaces, 4);
	assert_string_equal(res.net.interfaces[0].name, "eth9");
	assert_null(res.net.interfaces[0].match_mac);
	assert_string_equal(res.net.interfaces[1].match_mac, "52:54:00:aa:bb:cc");
	assert_false(res.net.interfaces[1].match_bootif);
	assert_string_equal(res.net.interfaces[2].match_mac, "52:54:00:00:00:21");
	assert_false(res.net.interfaces[2].match_link);
	assert_string_equal(res.net.interfaces[3].match_mac, "52:54:00:12:34:56");
	/* The model is untouched. */
	assert_true(ifs[1].match_bootif && !ifs[1].match_mac);
	assert_true(ifs[2].match_link && !ifs[2].match_mac);
	resolved_network_done(&res);
	resolved_network_done(NULL);

	/* No BOOTIF= on the command line: an error, nothing to free. */
	text = "ro quiet\n";
	assert_int_equal(write_file_atomic(cmdline, text, strlen(text), 0644), 0);
	assert_int_equal(netconf_resolve_matches(&n, &res), -ENODEV);
	unsetenv("AZL_PROC_CMDLINE");
	unsetenv("AZL_SYSFS_NET");
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrony),
		cmocka_unit_test(test_bootif_parse),
		cmocka_unit_test(test_link_and_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
