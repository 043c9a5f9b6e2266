/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure parts of the configure phase: [Install] parsing and enable links,
 * /etc/hosts and SELinux text, networkd files, account database edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "accounts.h"
#include "apply-bootloader.h"
#include "apply-system.h"
#include "crypttab.h"
#include "fstab.h"
#include "identity.h"
#include "luks-enroll.h"
#include "netconf-nm.h"
#include "netconf.h"
#include "services.h"
#include "util.h"

static void test_unit_install(void **state)
{
	(void)state;
	azl_unit_install in = {0};
	unit_install_parse("[Unit]\nWantedBy=nope.target\n[Install]\n"
			   "WantedBy=multi-user.target graphical.target\n"
			   "Alias=sshd-alias.service\nAlso=sshd.socket\n",
			   &in);
	assert_int_equal(strv_length(in.wanted_by), 2);
	assert_string_equal(in.wanted_by[0], "multi-user.target");
	_cleanup_strv_free_ char **l =
		unit_enable_links("sshd.service", "/usr/lib/systemd/system/sshd.service", &in);
	assert_int_equal(strv_length(l), 6);
	assert_string_equal(l[0], "etc/systemd/system/multi-user.target.wants/sshd.service");
	assert_string_equal(l[1], "/usr/lib/systemd/system/sshd.service");
	assert_string_equal(l[4], "etc/systemd/system/sshd-alias.service");
	assert_string_equal(in.also[0], "sshd.socket");
	unit_install_done(&in);

	/* A template is enabled as its DefaultInstance, or not at all. */
	unit_install_parse("[Install]\nWantedBy=getty.target\n"
			   "DefaultInstance=tty1\n",
			   &in);
	_cleanup_strv_free_ char **t =
		unit_enable_links("getty@.service", "/usr/lib/systemd/system/getty@.service", &in);
	assert_string_equal(t[0], "etc/systemd/system/getty.target.wants/getty@tty1.service");
	unit_install_done(&in);
	unit_install_parse("[Service]\nExecStart=/bin/true\n", &in);
	assert_null(unit_enable_links("x.service", "/x", &in));
	unit_install_done(&in);

	_cleanup_free_ char *a = unit_name_normalize("sshd");
	_cleanup_free_ char *b = unit_name_normalize("fstrim.timer");
	assert_string_equal(a, "sshd.service");
	assert_string_equal(b, "fstrim.timer");
}

static void test_hosts_selinux(void **state)
{
	(void)state;
	_cleanup_free_ char *h = identity_hosts_text(
		"127.0.0.1 localhost\n127.0.1.1 old\n10.0.0.1 db\n", "n1.example.com");
	assert_string_equal(
		h,
		"127.0.0.1 localhost\n10.0.0.1 db\n"
		"::1         localhost localhost.localdomain localhost6 localhost6.localdomain6\n"
		"127.0.1.1   n1.example.com n1\n");
	_cleanup_free_ char *s = identity_selinux_text(
		"# c\nSELINUX=enforcing\nSELINUXTYPE=targeted\n", AZL_SELINUX_DISABLED);
	assert_string_equal(s, "# c\nSELINUX=disabled\nSELINUXTYPE=targeted\n");
	_cleanup_free_ char *n = identity_selinux_text(NULL, AZL_SELINUX_PERMISSIVE);
	assert_string_equal(n, "SELINUXTYPE=targeted\nSELINUX=permissive\n");
}

static const char *file_text(azl_netfile *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return f[i].text;
	return NULL;
}

static void test_networkd(void **state)
{
	(void)state;
	char *addrs[] = {"192.0.2.10/24", NULL}, *dns[] = {"192.0.2.53", NULL};
	char *ports[] = {"eno1", NULL}, *opts[] = {"miimon=100", NULL};
	azl_interface ifs[] = {
		{.name = "eth1", .addresses = addrs, .gateway4 = "192.0.2.1", .dns = dns},
		{.match_mac = "52:54:00:12:34:56", .dhcp4 = true},
		{.name = "bond0", .bond = {.slaves = ports, .mode = "802.3ad", .options = opts}},
		{.name = "eth2", .vlan_id = 10, .dhcp4 = true},
	};
	azl_network net = {.interfaces = ifs, .n_interfaces = 4};
	azl_netfile *f = NULL;
	size_t n = 0;
	assert_int_equal(networkd_build_files(&net, &f, &n), 0);
	/* IPv4 only and nothing said about IPv6: automatic IPv6, as
	 * Anaconda does (issue 13; it was switched off before). */
	assert_string_equal(file_text(f, n, "10-azl-eth1.network"),
			    "[Match]\nName=eth1\n\n[Network]\nDHCP=no\n"
			    "IPv6AcceptRA=yes\n"
			    "Address=192.0.2.10/24\nGateway=192.0.2.1\n"
			    "DNS=192.0.2.53\n");
	assert_non_null(strstr(file_text(f, n, "10-azl-ethernet-525400123456.network"),
			       "MACAddress=52:54:00:12:34:56\n\n[Network]\nDHCP=ipv4\n"));
	assert_string_equal(file_text(f, n, "10-azl-bond0.netdev"),
			    "[NetDev]\nName=bond0\nKind=bond\n\n[Bond]\n"
			    "Mode=802.3ad\nMIIMonitorSec=100ms\n");
	assert_non_null(strstr(file_text(f, n, "10-azl-eno1.network"), "Bond=bond0\n"));
	assert_non_null(
		strstr(file_text(f, n, "10-azl-eth2.10.netdev"), "Kind=vlan\n\n[VLAN]\nId=10\n"));
	assert_non_null(strstr(file_text(f, n, "10-azl-eth2.network"), "VLAN=eth2.10\n"));
	netfiles_free(f, n);

	/* ipv6: false switches it off; a bond that only carries VLANs
	 * (no address at all) has none either. */
	ifs[0].no_ipv6 = true;
	assert_int_equal(networkd_build_files(&net, &f, &n), 0);
	assert_non_null(strstr(file_text(f, n, "10-azl-eth1.network"),
			       "DHCP=no\nLinkLocalAddressing=no\n"
			       "IPv6AcceptRA=no\n"));
	assert_non_null(strstr(file_text(f, n, "10-azl-bond0.network"),
			       "LinkLocalAddressing=no\nIPv6AcceptRA=no\n"));
	netfiles_free(f, n);
	ifs[0].no_ipv6 = false;

	char *bad[] = {"no_such_option=1", NULL};
	ifs[2].bond.options = bad;
	assert_int_equal(networkd_build_files(&net, &f, &n), -EINVAL);
}

/* Issue 13: kickstart's --bondslaves with --vlanid, and the same shape in
 * YAML: the VLAN rides on the bond and carries the IP settings; the bond
 * has none. Both writers. */
static azl_interface bond_vlan_iface(char **ports)
{
	return (azl_interface){.name = "bond0",
			       .bond = {.slaves = ports, .mode = "802.3ad"},
			       .vlan_id = 50,
			       .dhcp4 = true};
}

static void test_bond_vlan_networkd(void **state)
{
	(void)state;
	char *ports[] = {"eth0", "eth1", NULL};
	azl_interface ifs[] = {bond_vlan_iface(ports)};
	azl_network net = {.interfaces = ifs, .n_interfaces = 1};
	azl_netfile *f = NULL;
	size_t n = 0;
	assert_int_equal(networkd_build_files(&net, &f, &n), 0);
	assert_non_null(strstr(file_text(f, n, "10-azl-bond0.netdev"), "Name=bond0\nKind=bond\n"));
	assert_non_null(strstr(file_text(f, n, "10-azl-bond0.50.netdev"),
			       "Name=bond0.50\nKind=vlan\n\n[VLAN]\nId=50\n"));
	assert_string_equal(file_text(f, n, "10-azl-bond0.network"),
			    "[Match]\nName=bond0\n\n[Network]\n"
			    "LinkLocalAddressing=no\nIPv6AcceptRA=no\n"
			    "VLAN=bond0.50\n");
	assert_string_equal(file_text(f, n, "10-azl-bond0.50.network"),
			    "[Match]\nName=bond0.50\n\n[Network]\nDHCP=ipv4\n"
			    "IPv6AcceptRA=yes\n");
	assert_non_null(strstr(file_text(f, n, "10-azl-eth1.network"), "Bond=bond0\n"));
	netfiles_free(f, n);
}

static void test_bond_vlan_nm(void **state)
{
	(void)state;
	char *ports[] = {"eth0", "eth1", NULL};
	char *addrs[] = {"192.0.2.10/24", NULL};
	azl_interface ifs[] = {
		bond_vlan_iface(ports),
		{.name = "eth2", .addresses = addrs},
		{.name = "eth3", .dhcp4 = true, .no_ipv6 = true},
	};
	azl_network net = {.interfaces = ifs, .n_interfaces = 3};
	azl_netfile *f = NULL;
	size_t n = 0;
	assert_int_equal(nm_build_keyfiles(&net, &f, &n), 0);
	const char *bond = file_text(f, n, "bond0.nmconnection");
	const char *vlan = file_text(f, n, "bond0.50.nmconnection");
	const char *port = file_text(f, n, "bond0-port-eth1.nmconnection");
	assert_non_null(bond);
	assert_non_null(vlan);
	assert_non_null(port);
	assert_non_null(strstr(bond, "type=bond\n"));
	assert_non_null(strstr(bond, "[ipv4]\nmethod=disabled\n"));
	assert_non_null(strstr(bond, "[ipv6]\n"));
	assert_non_null(strstr(bond, "method=disabled\n"));
	assert_non_null(strstr(vlan, "type=vlan\n"));
	assert_non_null(strstr(vlan, "id=50\n"));
	assert_non_null(strstr(vlan, "parent=bond0\n"));
	assert_non_null(strstr(vlan, "[ipv4]\nmethod=auto\n"));
	assert_non_null(strstr(port, "master=bond0\n"));
	/* IPv4 only: automatic IPv6 (Anaconda's default); ipv6: false
	 * disables it. */
	const char *eth2 = file_text(f, n, "eth2.nmconnection");
	assert_non_null(eth2);
	assert_non_null(strstr(eth2, "[ipv6]\naddr-gen-mode"));
	assert_non_null(strstr(strstr(eth2, "[ipv6]"), "method=auto\n"));
	const char *eth3 = file_text(f, n, "eth3.nmconnection");
	assert_non_null(eth3);
	assert_non_null(strstr(strstr(eth3, "[ipv6]"), "method=disabled\n"));
	netfiles_free(f, n);
}

static void test_accounts_edit(void **state)
{
	(void)state;
	azl_account_files f = {
		.passwd = xstrdup("root:x:0:0:root:/root:/bin/bash\n"
				  "u1:x:1000:1000::/home/u1:/bin/bash\n"),
		.shadow = xstrdup("root:!locked::0:99999:7:::\n"),
		.group = xstrdup("root:x:0:\nwheel:x:10:\nu1:x:1000:\n"),
		.gshadow = xstrdup("root:::\nwheel:::\n"),
	};
	char *groups[] = {"wheel", "ops", NULL};
	azl_user users[] = {{.name = "admin", .groups = groups, .password_hash = "$6$s$abc"}};
	azl_accounts a = {.root = {.lock = true}, .users = users, .n_users = 1};
	azl_account_result *res = NULL;
	size_t n = 0;
	assert_int_equal(accounts_edit(&f, &a, 20000, &res, &n), 0);
	assert_int_equal(n, 2);
	/* uid 1000 and gid 1000 are taken: both move on to 1001. */
	assert_non_null(strstr(f.passwd, "admin:x:1001:1001::/home/admin:/bin/bash\n"));
	assert_non_null(strstr(f.shadow, "root:!:20000:0:99999:7:::\n"));
	assert_non_null(strstr(f.shadow, "admin:$6$s$abc:20000:0:99999:7:::\n"));
	assert_non_null(strstr(f.group, "wheel:x:10:admin\n"));
	assert_non_null(strstr(f.group, "ops:x:1002:admin\n"));
	assert_non_null(strstr(f.gshadow, "ops:!::admin\n"));
	assert_int_equal(res[1].uid, 1001);
	assert_string_equal(res[1].home, "/home/admin");
	account_results_free(res, n);
	account_files_done(&f);
}

static char *join(char **v)
{
	azl_buf b = {0};
	for (size_t i = 0; v && v[i]; i++)
		buf_printf(&b, "%s%s", i ? "|" : "", v[i]);
	return buf_steal(&b);
}

/* storage.encryption.tpm2 (issue #16): the crypttab option, the dracut
 * module, the kernel argument, systemd-cryptenroll's --tpm2-pcrs=. */
static void test_tpm2_pieces(void **state)
{
	(void)state;
	azl_crypttab_entry ct[] = {{"luks-root", "1111", true}, {"luks-swap", "2222", false}};
	_cleanup_free_ char *t = crypttab_text(ct, 2);
	assert_string_equal(t, "# /etc/crypttab, written by azl-installer.\n"
			       "luks-root UUID=1111 none luks,tpm2-device=auto\n"
			       "luks-swap UUID=2222 none luks\n");
	char *luks[] = {"1111", NULL};
	azl_installed_storage st = {.root_uuid = "ROOT", .luks_uuids = luks, .luks_tpm2 = true};
	_cleanup_free_ char *mods = bootloader_dracut_modules(&st);
	assert_string_equal(mods, "crypt tpm2-tss");
	azl_model m = {0};
	m.selinux = AZL_SELINUX_DISABLED;
	_cleanup_free_ char *c = bootloader_cmdline(&m, &st, false);
	assert_string_equal(
		c, "root=UUID=ROOT ro rd.luks.uuid=luks-1111 rd.luks.options=tpm2-device=auto");
	_cleanup_free_ char *p0 = luks_tpm2_pcrs_arg(0);
	_cleanup_free_ char *p1 =
		luks_tpm2_pcrs_arg((UINT32_C(1) << 0) | (UINT32_C(1) << 7) | (UINT32_C(1) << 23));
	assert_string_equal(p0, "7");
	assert_string_equal(p1, "0+7+23");
}

/* storage.encryption.tang (issue #16): clevis's dracut modules (sss for
 * several servers), the network in the initramfs unless kernel_args set
 * ip= themselves. */
static void test_tang_pieces(void **state)
{
	(void)state;
	char *luks[] = {"1111", NULL};
	azl_installed_storage st = {.root_uuid = "ROOT", .luks_uuids = luks, .luks_tang = true};
	_cleanup_free_ char *mods = bootloader_dracut_modules(&st);
	assert_string_equal(mods, "crypt clevis clevis-pin-tang");
	st.luks_tang_sss = true;
	_cleanup_free_ char *mods2 = bootloader_dracut_modules(&st);
	assert_string_equal(mods2, "crypt clevis clevis-pin-tang clevis-pin-sss");
	azl_model m = {0};
	m.selinux = AZL_SELINUX_DISABLED;
	_cleanup_free_ char *c = bootloader_cmdline(&m, &st, false);
	assert_string_equal(c, "root=UUID=ROOT ro rd.luks.uuid=luks-1111 rd.neednet=1 ip=dhcp");
	char *args[] = {"ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none", NULL};
	m.bootloader.kernel_args = args;
	_cleanup_free_ char *c2 = bootloader_cmdline(&m, &st, false);
	assert_string_equal(
		c2,
		"root=UUID=ROOT ro rd.luks.uuid=luks-1111 rd.neednet=1 ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none");
}

/* What dracut is asked for and what the boot entries say (issue #12). */
static void test_boot_pieces(void **state)
{
	(void)state;
	char *luks[] = {"1111", NULL};
	char *lvs[] = {"vg_azl/lv_root", "vg_azl/lv_swap", NULL};
	azl_installed_storage plain = {.root_uuid = "ROOT"};
	azl_installed_storage lvm = {.root_uuid = "ROOT", .lvm_lvs = lvs};
	azl_installed_storage both = {.root_uuid = "ROOT", .luks_uuids = luks, .lvm_lvs = lvs};
	assert_null(bootloader_dracut_modules(&plain));
	_cleanup_free_ char *m1 = bootloader_dracut_modules(&lvm);
	_cleanup_free_ char *m2 = bootloader_dracut_modules(&both);
	assert_string_equal(m1, "lvm");
	assert_string_equal(m2, "crypt lvm");

	_cleanup_strv_free_ char **gen =
		bootloader_dracut_argv("/usr/bin/dracut", "6.1.0-1", "/boot/initramfs-6.1.0-1.img",
				       m2, "sd_mod ext4", false);
	_cleanup_free_ char *gs = join(gen);
	assert_string_equal(
		gs,
		"/usr/bin/dracut|-f|--kver|6.1.0-1|--no-hostonly|--add|crypt lvm|/boot/initramfs-6.1.0-1.img");
	_cleanup_strv_free_ char **host = bootloader_dracut_argv("/usr/bin/dracut", "6.1.0-1",
								 "/boot/i.img", NULL, NULL, true);
	_cleanup_free_ char *hs = join(host);
	assert_string_equal(hs, "/usr/bin/dracut|-f|--kver|6.1.0-1|--hostonly|/boot/i.img");
	/* Host-only names the layout's drivers (no udev in the live
	 * environment for dracut to ask); generic needs no list. */
	_cleanup_strv_free_ char **hd =
		bootloader_dracut_argv("/usr/bin/dracut", "6.1.0-1", "/boot/i.img", "crypt",
				       "megaraid_sas sd_mod ext4", true);
	_cleanup_free_ char *hds = join(hd);
	assert_string_equal(
		hds,
		"/usr/bin/dracut|-f|--kver|6.1.0-1|--hostonly|--add|crypt|--add-drivers|megaraid_sas sd_mod ext4|/boot/i.img");

	/* security=selinux: only with a policy, not when disabled, not when
	 * the answer file's kernel_args choose. */
	char *args[] = {"console=ttyS0", NULL};
	char *own[] = {"security=apparmor", NULL};
	azl_model m = {0};
	m.selinux = AZL_SELINUX_ENFORCING;
	m.bootloader.kernel_args = args;
	_cleanup_free_ char *c1 = bootloader_cmdline(&m, &both, true);
	assert_string_equal(
		c1,
		"root=UUID=ROOT ro rd.luks.uuid=luks-1111 rd.lvm.lv=vg_azl/lv_root rd.lvm.lv=vg_azl/lv_swap security=selinux console=ttyS0");
	_cleanup_free_ char *c2 = bootloader_cmdline(&m, &plain, false);
	assert_string_equal(c2, "root=UUID=ROOT ro console=ttyS0");
	m.selinux = AZL_SELINUX_DISABLED;
	_cleanup_free_ char *c3 = bootloader_cmdline(&m, &plain, true);
	assert_string_equal(c3, "root=UUID=ROOT ro console=ttyS0");
	m.selinux = AZL_SELINUX_PERMISSIVE;
	m.bootloader.kernel_args = own;
	_cleanup_free_ char *c4 = bootloader_cmdline(&m, &plain, true);
	assert_string_equal(c4, "root=UUID=ROOT ro security=apparmor");

	/* The BLS keys kernel-install writes, sort-key the os-release ID,
	 * plus Fedora GRUB's grub_* keys. */
	_cleanup_free_ char *e =
		bootloader_bls_entry("6.1.0-1", "root=UUID=ROOT ro", "", "azurelinux");
	assert_string_equal(e, "title Azure Linux 4.0 (6.1.0-1)\n"
			       "version 6.1.0-1\n"
			       "sort-key azurelinux\n"
			       "linux /vmlinuz-6.1.0-1\n"
			       "initrd /initramfs-6.1.0-1.img\n"
			       "options root=UUID=ROOT ro\n"
			       "grub_users $grub_users\n"
			       "grub_arg --unrestricted\n"
			       "grub_class azurelinux\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_install), cmocka_unit_test(test_hosts_selinux),
		cmocka_unit_test(test_networkd),     cmocka_unit_test(test_bond_vlan_networkd),
		cmocka_unit_test(test_bond_vlan_nm), cmocka_unit_test(test_accounts_edit),
		cmocka_unit_test(test_boot_pieces),  cmocka_unit_test(test_tpm2_pieces),
		cmocka_unit_test(test_tang_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
