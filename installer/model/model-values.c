/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every value of the model that ends up in a file of the target (passwd,
 * group, authorized_keys, fstab, grub.cfg and BLS entries, networkd and
 * NetworkManager files, repository and unit paths, ...) checked against
 * what the program reading that file accepts, so that no value can add a
 * line, a field or a path of its own. Part of model_validate(): one gate
 * for the answer file, the kickstart translator and the TUI, before
 * anything is written. docs/answer-file.md states the rules.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-facts.h"
#include "i18n.h"
#include "jwk.h"
#include "model-values.h"
#include "passwd-hash.h"
#include "util.h"
#include "x509-pem.h"

typedef struct vctx {
	const azl_model *m;
	azl_diags *d;
} vctx;

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_ctrl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Length of the UTF-8 sequence at p, or 0 when it is not well-formed
 * (overlong, a surrogate, beyond U+10FFFF, cut short). */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || p[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* Text a file of the target can hold: UTF-8 (a kickstart is read as
 * bytes, and the answer file written from it must read back) and no
 * control characters. */
static bool is_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (n == 0 || is_ctrl(*p) || (p[0] == 0xc2 && p[1] < 0xa0))
			return false; /* C0, DEL and C1 controls */
		p += n;
	}
	return true;
}

/* Such text without a space: one word of a file. */
static bool is_word(const char *s)
{
	return *s != '\0' && is_text(s) && !strchr(s, ' ');
}

/* A value as a message quotes it: control characters escaped, so that an
 * error about a line break does not print one; bytes that are no UTF-8
 * escaped too; at most 60 characters. */
char *value_for_message(const char *s)
{
	azl_buf b = {0};
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		if (++n > 60) {
			buf_printf(&b, "...");
			break;
		}
		size_t len = utf8_len(p);
		if (*p == '\n')
			buf_printf(&b, "\\n");
		else if (*p == '\t')
			buf_printf(&b, "\\t");
		else if (len == 0 || is_ctrl(*p) || (p[0] == 0xc2 && p[1] < 0xa0)) {
			buf_printf(&b, "\\x%02x", *p);
			len = 1;
		} else
			buf_printf(&b, "%.*s", (int)len, (const char *)p);
		p += len ? len : 1;
	}
	return buf_steal(&b);
}

static azl_loc at(const vctx *c, const void *value, azl_loc fallback)
{
	return model_value_loc(c->m, value, fallback);
}

/* An absolute path written the one way: no empty, "." or ".." component,
 * no trailing '/', nothing but printable characters and no space. */
static bool path_is_normal(const char *s)
{
	if (!s || s[0] != '/' || strlen(s) > 4095 || !is_word(s))
		return false;
	if (s[1] == '\0')
		return true;
	for (const char *p = s; *p;) {
		const char *comp = p + 1;
		size_t len = strcspn(comp, "/");
		if (len == 0 || (len == 1 && comp[0] == '.') ||
		    (len == 2 && comp[0] == '.' && comp[1] == '.'))
			return false;
		p = comp + len;
	}
	return true;
}

/* s is dir or below it. */
static bool path_under(const char *s, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(s, dir, n) == 0 && (s[n] == '\0' || s[n] == '/');
}

/* The kernel's and systemd's file systems, mounted by the booted system
 * itself: a mount point there would hide them or be hidden. */
static const char *const api_dirs[] = {"/proc", "/sys", "/dev", "/run"};

bool mount_point_is_valid(const char *s)
{
	if (streq_ptr(s, "swap"))
		return true;
	if (!path_is_normal(s) || strlen(s) > 255 || strchr(s, '\\'))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(api_dirs); i++)
		if (path_under(s, api_dirs[i]))
			return false;
	return true;
}

/* The kernel's dev_valid_name(), narrowed to what networkd's Name= and a
 * keyfile name take literally: no glob ('*', '?', '['), no '!', no quote. */
bool interface_name_is_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 15 || streq_ptr(s, ".") || streq_ptr(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (!is_alnum(*p) && !strchr("_.-", *p))
			return false;
	return true;
}

bool ip_address_is_valid(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

bool mac_address_is_valid(const char *s)
{
	for (int i = 0; i < 6; i++) {
		for (int k = 0; k < 2; k++, s++)
			if (!*s || !strchr("0123456789abcdefABCDEF", *s))
				return false;
		if (i < 5 && *s++ != ':')
			return false;
	}
	return *s == '\0';
}

/* --- storage ------------------------------------------------------------ */

static void check_mount(const vctx *c, const char *mount, azl_loc item)
{
	if (!mount || mount_point_is_valid(mount))
		return;
	_cleanup_free_ char *v = value_for_message(mount);
	diag_error(
		c->d, at(c, mount, item),
		_("'%s' is not a mount point: use an absolute path without '.', '..', '//', spaces or a trailing '/', not under /proc, /sys, /dev or /run; or swap"),
		v);
}

static void check_fs_options(const vctx *c, const char *o, azl_loc item)
{
	if (!o)
		return;
	bool ok = *o && strlen(o) <= 1024 && is_word(o) && !strchr(o, '\\') && o[0] != ',';
	if (ok)
		return;
	_cleanup_free_ char *v = value_for_message(o);
	diag_error(
		c->d, at(c, o, item),
		_("mount options '%s' must be one comma-separated word like noatime,nodev: no spaces, control characters or '\\', at most 1024 characters"),
		v);
}

/* What mkfs takes (fs-facts.c): ext4 and swap 16 bytes, xfs 12, vfat 11. */
static void check_label(const vctx *c, const char *label, azl_fs fs, azl_loc item)
{
	if (!label)
		return;
	size_t max = fs_facts(fs) ? fs_facts(fs)->label_max : 16;
	bool ok = *label && strlen(label) <= max && is_text(label) && !strchr(label, '/') &&
		  !strchr(label, '\\');
	if (ok)
		return;
	_cleanup_free_ char *v = value_for_message(label);
	diag_error(
		c->d, at(c, label, item),
		_("filesystem label '%s' must be 1 to %zu characters without '/', '\\' or control characters"),
		v, max);
}

/* Where the recovery key goes: a file of the machine that installs (a
 * stick it mounted, /run for a post script to hand on), never the target's
 * own disk, which that key is to open when nothing else can. */
static void check_tpm2(const vctx *c, const azl_tpm2 *t)
{
	const char *f = t->recovery_key_file;
	if (!f)
		return;
	size_t n = strlen(f);
	if (f[0] != '/' || !is_text(f) || f[n - 1] == '/' || strstr(f, "/../") ||
	    (n >= 3 && strcmp(f + n - 3, "/..") == 0)) {
		_cleanup_free_ char *v = value_for_message(f);
		diag_error(
			c->d, at(c, f, t->loc),
			_("'recovery_key_file' '%s' is not an absolute path of a file; use one like /run/install/recovery-key"),
			v);
	}
}

/* What clevis fetches as URL/adv with curl: http or https, a host name
 * (letters, digits, '-', '.'), an IPv4 or a bracketed IPv6 address, an
 * optional port, an optional path; no user, query or fragment, nothing
 * JSON or a shell would quote. */
static bool tang_url_is_valid(const char *u)
{
	const char *p = startswith(u, "http://") ? u + 7 : startswith(u, "https://") ? u + 8 : NULL;
	if (!p)
		return false;
	size_t host = 0;
	if (*p == '[') {
		const char *end = strchr(p, ']');
		if (!end || end == p + 1)
			return false;
		for (const char *q = p + 1; q < end; q++)
			if (!(isxdigit((unsigned char)*q) || *q == ':' || *q == '.'))
				return false;
		p = end + 1;
		host = 1;
	} else
		for (; is_alnum(*p) || *p == '-' || *p == '.'; p++)
			host++;
	if (host == 0)
		return false;
	if (*p == ':') {
		unsigned long port = 0;
		size_t digits = 0;
		for (p++; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
			port = port * 10 + (unsigned long)(*p - '0');
		if (digits == 0 || port == 0 || port > 65535)
			return false;
	}
	if (*p && *p != '/')
		return false;
	for (; *p; p++)
		if (!(is_alnum(*p) || strchr("/-._~%!$&'()*+,;=:@", *p)))
			return false;
	return strlen(u) <= 2048;
}

static void check_tang(const vctx *c, const azl_encryption *e)
{
	for (size_t i = 0; i < e->n_tang; i++) {
		const azl_tang_server *t = &e->tang[i];
		if (t->url && !tang_url_is_valid(t->url)) {
			_cleanup_free_ char *v = value_for_message(t->url);
			diag_error(
				c->d, at(c, t->url, t->loc),
				_("tang 'url' '%s' is not an http or https URL with a host, like http://tang.example.com:7500"),
				v);
		}
		for (size_t j = 0; t->url && j < i; j++)
			if (streq_ptr(e->tang[j].url, t->url)) {
				_cleanup_free_ char *v = value_for_message(t->url);
				diag_error(c->d, at(c, t->url, t->loc),
					   _("tang server '%s' is listed twice"), v);
				break;
			}
		if (t->thumbprint && jwk_thumbprint_hash(t->thumbprint) == AZL_THP_NONE) {
			_cleanup_free_ char *v = value_for_message(t->thumbprint);
			diag_error(
				c->d, at(c, t->thumbprint, t->loc),
				_("tang 'thumbprint' '%s' is not a JWK thumbprint: 43 (SHA-256) or 27 (SHA-1) base64url characters, as tang-show-keys prints them"),
				v);
		}
	}
}

static void check_encryption(const vctx *c, const azl_encryption *e)
{
	if (e->tpm2.enabled)
		check_tpm2(c, &e->tpm2);
	check_tang(c, e);
	if (e->passphrase && e->passphrase->len == 0)
		diag_error(
			c->d, at(c, e->passphrase, e->loc),
			_("the encryption 'passphrase' is empty; give one (or 'passphrase_file')"));
	const char *f = e->passphrase_file;
	if (!f)
		return;
	if (!*f || !is_text(f)) {
		_cleanup_free_ char *v = value_for_message(f);
		diag_error(c->d, at(c, f, e->loc), _("'passphrase_file' '%s' is not a path"), v);
		return;
	}
	/* Read where it is given; a file only the installing machine has is
	 * checked when it is read there. */
	/* stat(), never open(): opening a device node can act on it. */
	struct stat st;
	if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
		_cleanup_free_ char *v = value_for_message(f);
		diag_error(c->d, at(c, f, e->loc),
			   _("'passphrase_file' '%s' is empty; put the passphrase in it"), v);
	}
}

static void check_storage_values(const vctx *c)
{
	const azl_storage *s = &c->m->storage;
	check_encryption(c, &s->encryption);
	for (size_t i = 0; i < s->n_partitions; i++) {
		const azl_partition_spec *p = &s->partitions[i];
		check_mount(c, p->mount, p->loc);
		check_fs_options(c, p->fs_options, p->loc);
		check_label(c, p->label, p->fs, p->loc);
		for (size_t k = 0; k < p->n_subvolumes; k++) {
			const azl_subvolume_spec *v = &p->subvolumes[k];
			check_mount(c, v->mount, v->loc);
			check_fs_options(c, v->fs_options, v->loc);
		}
	}
	for (size_t g = 0; g < s->n_volume_groups; g++)
		for (size_t i = 0; i < s->volume_groups[g].n_volumes; i++) {
			const azl_volume_spec *v = &s->volume_groups[g].volumes[i];
			check_mount(c, v->mount, v->loc);
			check_fs_options(c, v->fs_options, v->loc);
			check_label(c, v->label, v->fs, v->loc);
		}
	for (size_t i = 0; i < s->n_raids; i++) {
		const azl_raid_spec *r = &s->raids[i];
		check_mount(c, r->mount, r->loc);
		check_fs_options(c, r->fs_options, r->loc);
		check_label(c, r->label, r->fs, r->loc);
	}
}

/* --- boot loader -------------------------------------------------------- */

/* The kernel keeps 2048 bytes of command line on x86; the installer's own
 * root=, rd.luks.uuid= and rd.lvm.lv= need room too. */
#define KERNEL_ARGS_MAX 1536

/* One word of grub.cfg's linux line and of a BLS options line: GRUB's
 * script syntax gives these characters a meaning. */
static bool kernel_arg_is_valid(const char *a)
{
	return is_word(a) && !strpbrk(a, ";&|<>{}$`'\"\\#");
}

static void check_bootloader_values(const vctx *c)
{
	const azl_bootloader *b = &c->m->bootloader;
	size_t total = 0;
	for (size_t i = 0; b->kernel_args && b->kernel_args[i]; i++) {
		const char *a = b->kernel_args[i];
		total += strlen(a) + 1;
		if (kernel_arg_is_valid(a))
			continue;
		_cleanup_free_ char *v = value_for_message(a);
		diag_error(
			c->d, at(c, a, b->loc),
			_("kernel argument '%s' must be one word without spaces, control characters or any of ;&|<>{}$`'\"\\#"),
			v);
	}
	if (total > KERNEL_ARGS_MAX)
		diag_error(
			c->d, at(c, b->kernel_args ? b->kernel_args[0] : NULL, b->loc),
			_("'kernel_args' are %zu bytes in all; the kernel command line takes at most %d"),
			total, KERNEL_ARGS_MAX);
}

/* --- network ------------------------------------------------------------ */

static void check_ifname(const vctx *c, const char *name, const char *key, azl_loc item)
{
	if (!name || interface_name_is_valid(name))
		return;
	_cleanup_free_ char *v = value_for_message(name);
	diag_error(
		c->d, at(c, name, item),
		_("'%s' in '%s' is not an interface name: 1 to 15 letters, digits, '_', '.' or '-'"),
		v, key);
}

static bool bond_mode_is_valid(const char *s)
{
	static const char *const modes[] = {
		"balance-rr",  "active-backup",
		"balance-xor", "broadcast",
		"802.3ad",     "balance-tlb",
		"balance-alb", "0",
		"1",	       "2",
		"3",	       "4",
		"5",	       "6",
	};
	for (size_t i = 0; i < ELEMENTSOF(modes); i++)
		if (streq_ptr(s, modes[i]))
			return true;
	return false;
}

/* "miimon=100", "primary=eth0", "arp_ip_target=192.0.2.1,192.0.2.2". */
static bool bond_option_is_valid(const char *s)
{
	const char *eq = strchr(s, '=');
	if (!eq || eq == s || !eq[1] || strlen(s) > 256)
		return false;
	for (const char *p = s; p < eq; p++)
		if (!is_alnum(*p) && *p != '_')
			return false;
	for (const char *p = eq + 1; *p; p++)
		if (!is_alnum(*p) && !strchr("_.,:+-", *p))
			return false;
	return true;
}

static void check_interface_values(const vctx *c, const azl_interface *it)
{
	check_ifname(c, it->name, "name", it->loc);
	check_ifname(c, it->vlan_link, "vlan.link", it->loc);
	for (size_t k = 0; it->bond.slaves && it->bond.slaves[k]; k++)
		check_ifname(c, it->bond.slaves[k], "bond.interfaces", it->loc);
	if (it->match_mac && !mac_address_is_valid(it->match_mac)) {
		_cleanup_free_ char *v = value_for_message(it->match_mac);
		diag_error(c->d, at(c, it->match_mac, it->loc),
			   _("'%s' is not a MAC address like 52:54:00:12:34:56"), v);
	}
	for (size_t k = 0; it->dns && it->dns[k]; k++)
		if (!ip_address_is_valid(it->dns[k])) {
			_cleanup_free_ char *v = value_for_message(it->dns[k]);
			diag_error(c->d, at(c, it->dns[k], it->loc),
				   _("DNS server '%s' must be an IPv4 or IPv6 address"), v);
		}
	if (it->bond.mode && !bond_mode_is_valid(it->bond.mode)) {
		_cleanup_free_ char *v = value_for_message(it->bond.mode);
		diag_error(
			c->d, at(c, it->bond.mode, it->loc),
			_("bond mode '%s' is not one of balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb"),
			v);
	}
	for (size_t k = 0; it->bond.options && it->bond.options[k]; k++)
		if (!bond_option_is_valid(it->bond.options[k])) {
			_cleanup_free_ char *v = value_for_message(it->bond.options[k]);
			diag_error(
				c->d, at(c, it->bond.options[k], it->loc),
				_("bond option '%s' must be NAME=VALUE with letters, digits and '_.,:+-'"),
				v);
		}
}

/* --- accounts ----------------------------------------------------------- */

/* Home directories that belong to the system: a user's home there would be
 * made theirs (chown) or hold their files among the system's. */
static const char *const system_trees[] = {
	"/etc",	 "/usr", "/bin",  "/sbin", "/lib", "/lib64",
	"/boot", "/dev", "/proc", "/sys",  "/run", "/root",
};
static const char *const system_dirs[] = {
	"/",	      "/home", "/var", "/var/lib", "/var/log", "/var/tmp", "/var/cache",
	"/var/spool", "/tmp",  "/srv", "/opt",	   "/mnt",     "/media",
};

static bool home_is_valid(const char *s)
{
	if (!path_is_normal(s) || strlen(s) > 255 || strchr(s, ':'))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(system_trees); i++)
		if (path_under(s, system_trees[i]))
			return false;
	for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++)
		if (streq_ptr(s, system_dirs[i]))
			return false;
	return true;
}

static bool ssh_key_is_valid(const char *s)
{
	if (!*s || strlen(s) > 16384 || !is_text(s) || s[0] == '#')
		return false;
	/* [options] TYPE BASE64 [comment]: find the type word. */
	static const char *const types[] = {"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-sha2-"};
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, " ");
		for (size_t t = 0; t < ELEMENTSOF(types); t++)
			if (startswith(p, types[t]) && (p == s || p[-1] == ' ') && p[len] == ' ' &&
			    p[len + 1] != '\0' && p[len + 1] != ' ')
				return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

static void check_keys(const vctx *c, char *const *keys, const char *who, azl_loc item)
{
	for (size_t k = 0; keys && keys[k]; k++)
		if (!ssh_key_is_valid(keys[k])) {
			_cleanup_free_ char *v = value_for_message(keys[k]);
			diag_error(
				c->d, at(c, keys[k], item),
				_("SSH key '%s' of %s is not one line like 'ssh-ed25519 AAAA... comment' (no line breaks or control characters)"),
				v, who);
		}
}

static void check_password(const vctx *c, const azl_secret *pw, const char *who, azl_loc item)
{
	if (pw && pw->len == 0)
		diag_error(
			c->d, at(c, pw, item),
			_("the 'password' of %s is empty; give one, or leave it out and use an SSH key or a locked account"),
			who);
	else if (pw && pw->len > PASSWORD_MAX_LEN)
		diag_error(
			c->d, at(c, pw, item),
			_("the 'password' of %s is longer than %d bytes, which no password hash takes; use a shorter one"),
			who, PASSWORD_MAX_LEN);
}

static void check_user_values(const vctx *c, const azl_user *u)
{
	_cleanup_free_ char *name = value_for_message(u->name ? u->name : "?");
	_cleanup_free_ char *who = xasprintf("user '%s'", name);
	check_password(c, u->password, who, u->loc);
	if (u->gecos && (strlen(u->gecos) > 255 || strchr(u->gecos, ':') || !is_text(u->gecos))) {
		_cleanup_free_ char *v = value_for_message(u->gecos);
		diag_error(
			c->d, at(c, u->gecos, u->loc),
			_("'gecos' of %s ('%s') must be UTF-8 text without ':' or control characters such as a line break; at most 255 characters"),
			who, v);
	}
	if (u->shell && (!path_is_normal(u->shell) || strchr(u->shell, ':') ||
			 strlen(u->shell) > 255 || streq_ptr(u->shell, "/"))) {
		_cleanup_free_ char *v = value_for_message(u->shell);
		diag_error(
			c->d, at(c, u->shell, u->loc),
			_("'shell' of %s ('%s') must be an absolute path like /bin/bash without ':', spaces, '.' or '..'"),
			who, v);
	}
	if (u->home && !home_is_valid(u->home)) {
		_cleanup_free_ char *v = value_for_message(u->home);
		diag_error(
			c->d, at(c, u->home, u->loc),
			_("'home' of %s ('%s') must be an absolute path without ':', spaces, '.' or '..', and not a system directory like /, /etc, /usr, /var or /root"),
			who, v);
	}
	for (size_t k = 0; u->groups && u->groups[k]; k++)
		if (!username_is_valid(u->groups[k])) {
			_cleanup_free_ char *v = value_for_message(u->groups[k]);
			diag_error(
				c->d, at(c, u->groups[k], u->loc),
				_("'%s' in 'groups' of %s is not a valid group name: use lowercase letters, digits, '_' and '-', starting with a letter or '_', at most 32"),
				v, who);
		}
	check_keys(c, u->ssh_authorized_keys, who, u->loc);
}

static void check_accounts_values(const vctx *c)
{
	const azl_accounts *a = &c->m->accounts;
	check_password(c, a->root.password, "'root'", a->root.loc);
	check_keys(c, a->root.ssh_authorized_keys, "'root'", a->root.loc);
	for (size_t i = 0; i < a->n_users; i++)
		check_user_values(c, &a->users[i]);
}

/* --- packages, services, scripts ---------------------------------------- */

/* What dnf takes as a repository id. */
static bool repo_name_is_valid(const char *s)
{
	if (!*s || strlen(s) > 100)
		return false;
	for (const char *p = s; *p; p++)
		if (!is_alnum(*p) && !strchr("_.:-", *p))
			return false;
	return true;
}

static bool url_is_valid(const char *s)
{
	return (startswith(s, "file://") || startswith(s, "http://") ||
		startswith(s, "https://")) &&
	       is_word(s) && strlen(s) <= 4096;
}

/* sha256sum's output: 64 hex digits (either case). */
static bool sha256_hex_is_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!strchr("0123456789abcdefABCDEF", s[n]))
			return false;
	return n == 64;
}

/* librpm's %_install_langs: "all", "none", or "en:de_DE.UTF-8:sr@latin". */
static bool install_langs_is_valid(const char *s)
{
	if (strlen(s) > 1024)
		return false;
	if (strcmp(s, "all") == 0 || strcmp(s, "none") == 0)
		return true;
	for (const char *p = s;; p++) {
		size_t n = strspn(
			p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.@-");
		if (n == 0)
			return false;
		p += n;
		if (*p == '\0')
			return true;
		if (*p != ':')
			return false;
	}
}

static void check_package_values(const vctx *c)
{
	const azl_packages *p = &c->m->packages;
	for (size_t i = 0; i < p->n_repos; i++) {
		const azl_repo *r = &p->repos[i];
		if (r->name && !repo_name_is_valid(r->name)) {
			_cleanup_free_ char *v = value_for_message(r->name);
			diag_error(
				c->d, at(c, r->name, r->loc),
				_("repository name '%s' may hold letters, digits and '_.:-' only"),
				v);
		}
		const char *lists[] = {r->mirrorlist, r->metalink};
		for (size_t k = 0; k < ELEMENTSOF(lists); k++)
			if (lists[k] &&
			    (!url_is_valid(lists[k]) || startswith(lists[k], "file://"))) {
				_cleanup_free_ char *v = value_for_message(lists[k]);
				diag_error(
					c->d, at(c, lists[k], r->loc),
					_("'%s' is not an http:// or https:// URL without spaces or control characters"),
					v);
			}
		if (r->baseurl && !url_is_valid(r->baseurl)) {
			_cleanup_free_ char *v = value_for_message(r->baseurl);
			diag_error(
				c->d, at(c, r->baseurl, r->loc),
				_("'%s' is not a file://, http:// or https:// URL without spaces or control characters"),
				v);
		}
		/* A key is a URL or a file on the medium (docs/packages.md). */
		if (r->gpgkey && !url_is_valid(r->gpgkey) &&
		    !(startswith(r->gpgkey, "tftp://") && is_word(r->gpgkey) &&
		      strlen(r->gpgkey) <= 4096) &&
		    !path_is_normal(r->gpgkey)) {
			_cleanup_free_ char *v = value_for_message(r->gpgkey);
			diag_error(
				c->d, at(c, r->gpgkey, r->loc),
				_("key '%s' is neither an absolute path nor a file://, http://, https:// or tftp:// URL without spaces or control characters"),
				v);
		}
	}
	if (p->install_langs && !install_langs_is_valid(p->install_langs)) {
		_cleanup_free_ char *v = value_for_message(p->install_langs);
		diag_error(
			c->d, at(c, p->install_langs, p->loc),
			_("'install_langs' '%s' must be all, none, or locales separated by ':' like en:de_DE"),
			v);
	}
	if (p->image.url && !url_is_valid(p->image.url)) {
		_cleanup_free_ char *v = value_for_message(p->image.url);
		diag_error(
			c->d, at(c, p->image.url, p->image.loc),
			_("image '%s' is not a file://, http:// or https:// URL without spaces or control characters"),
			v);
	}
	if (p->image.checksum && !sha256_hex_is_valid(p->image.checksum)) {
		_cleanup_free_ char *v = value_for_message(p->image.checksum);
		diag_error(
			c->d, at(c, p->image.checksum, p->image.loc),
			_("checksum '%s' is not a SHA-256 sum: 64 hex digits, as sha256sum prints it"),
			v);
	}
	if (p->image.ca_cert && (p->image.ca_cert[0] != '/' || !is_word(p->image.ca_cert))) {
		_cleanup_free_ char *v = value_for_message(p->image.ca_cert);
		diag_error(
			c->d, at(c, p->image.ca_cert, p->image.loc),
			_("'ca_cert' '%s' must be the absolute path of a PEM file of CA certificates"),
			v);
	} else if (p->image.ca_cert && p->image.url && !startswith(p->image.url, "https://")) {
		_cleanup_free_ char *v = value_for_message(p->image.url);
		diag_error(c->d, at(c, p->image.ca_cert, p->image.loc),
			   _("'ca_cert' applies to an https:// image only, not to '%s'; remove it"),
			   v);
	}
	char *const *lists[] = {p->install, p->exclude};
	for (size_t l = 0; l < ELEMENTSOF(lists); l++)
		for (size_t k = 0; lists[l] && lists[l][k]; k++)
			if (!is_word(lists[l][k]) || strlen(lists[l][k]) > 256) {
				_cleanup_free_ char *v = value_for_message(lists[l][k]);
				diag_error(
					c->d, at(c, lists[l][k], p->loc),
					_("package '%s' must be one word of UTF-8 text without spaces or control characters"),
					v);
			}
}

/* systemd's unit_name_is_valid(): the name becomes a path under
 * /etc/systemd/system, so no '/'. */
static bool unit_name_is_valid(const char *s)
{
	if (!*s || strlen(s) > 255 || s[0] == '.' || s[0] == '@')
		return false;
	for (const char *p = s; *p; p++)
		if (!is_alnum(*p) && !strchr(":-_.\\@", *p))
			return false;
	return true;
}

/* firewalld's names: a service ("ssh"), a port ("8080/tcp",
 * "60000-61000/udp"). Both become XML attribute values in the zone file,
 * so the characters are few. */
static bool fw_name_is_valid(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-");
	return n > 0 && n <= 128 && s[n] == '\0';
}

static bool firewall_port_is_valid(const char *s)
{
	char *end;
	unsigned long a = strtoul(s, &end, 10);
	if (end == s || !isdigit((unsigned char)s[0]) || a == 0 || a > 65535)
		return false;
	if (*end == '-') {
		const char *b0 = end + 1;
		unsigned long b = strtoul(b0, &end, 10);
		if (end == b0 || !isdigit((unsigned char)b0[0]) || b < a || b > 65535)
			return false;
	}
	if (*end != '/')
		return false;
	end++;
	return strcmp(end, "tcp") == 0 || strcmp(end, "udp") == 0 || strcmp(end, "sctp") == 0 ||
	       strcmp(end, "dccp") == 0;
}

static void check_firewall_values(const vctx *c)
{
	const azl_firewall *f = &c->m->services.firewall;
	char *const *names[] = {f->services, f->remove_services};
	static const char *const keys[] = {"services", "remove_services"};
	for (size_t l = 0; l < ELEMENTSOF(names); l++)
		for (size_t k = 0; names[l] && names[l][k]; k++)
			if (!fw_name_is_valid(names[l][k])) {
				_cleanup_free_ char *v = value_for_message(names[l][k]);
				diag_error(
					c->d, at(c, names[l][k], AZL_LOC_NONE),
					_("'%s' in 'firewall.%s' is not a firewalld service name: letters, digits and '_.+-', like ssh"),
					v, keys[l]);
			}
	for (size_t k = 0; f->ports && f->ports[k]; k++)
		if (!firewall_port_is_valid(f->ports[k])) {
			_cleanup_free_ char *v = value_for_message(f->ports[k]);
			diag_error(
				c->d, at(c, f->ports[k], AZL_LOC_NONE),
				_("'%s' in 'firewall.ports' is not a port: write PORT/PROTOCOL or FROM-TO/PROTOCOL with tcp, udp, sctp or dccp, like 8080/tcp"),
				v);
		}
	for (size_t k = 0; f->trusted && f->trusted[k]; k++)
		check_ifname(c, f->trusted[k], "firewall.trusted", AZL_LOC_NONE);
}

static void check_service_values(const vctx *c)
{
	const azl_services *s = &c->m->services;
	check_firewall_values(c);
	char *const *lists[] = {s->enable, s->disable};
	static const char *const keys[] = {"enable", "disable"};
	for (size_t l = 0; l < ELEMENTSOF(lists); l++)
		for (size_t k = 0; lists[l] && lists[l][k]; k++)
			if (!unit_name_is_valid(lists[l][k])) {
				_cleanup_free_ char *v = value_for_message(lists[l][k]);
				diag_error(
					c->d, at(c, lists[l][k], AZL_LOC_NONE),
					_("'%s' in 'services.%s' is not a unit name: letters, digits and ':-_.\\@', like sshd or getty@tty1.service"),
					v, keys[l]);
			}
}

static void check_interpreters(const vctx *c, const azl_script *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *lg = s[i].log;
		if (lg && (!path_is_normal(lg) || streq_ptr(lg, "/") || path_under(lg, "/proc") ||
			   path_under(lg, "/sys") || path_under(lg, "/dev"))) {
			_cleanup_free_ char *v = value_for_message(lg);
			diag_error(
				c->d, at(c, lg, s[i].loc),
				_("'log' '%s' must be an absolute file path like /root/ks-post.log, without spaces, '.' or '..', not under /proc, /sys or /dev"),
				v);
		}
		const char *in = s[i].interpreter;
		if (!in || (path_is_normal(in) && strlen(in) <= 255 && !streq_ptr(in, "/")))
			continue;
		_cleanup_free_ char *v = value_for_message(in);
		diag_error(
			c->d, at(c, in, s[i].loc),
			_("'interpreter' '%s' must be an absolute path like /bin/sh, without spaces, '.' or '..'"),
			v);
	}
}

/* A directory as %certificate --dir gives it: path_is_normal(), a trailing
 * '/' allowed (Anaconda's own examples have one). */
static bool cert_dir_is_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 4095)
		return false;
	_cleanup_free_ char *d = xstrdup(s);
	if (n > 1 && d[n - 1] == '/')
		d[n - 1] = '\0';
	if (!path_is_normal(d))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(api_dirs); i++)
		if (path_under(d, api_dirs[i]))
			return false;
	return true;
}

/* certificates: (kickstart %certificate): the file name is one plain
 * name, the directory a path of the target, the text X.509 certificates
 * in PEM and nothing else (no private key written 0644). */
static void check_certificate_values(const vctx *c)
{
	for (size_t i = 0; i < c->m->n_certificates; i++) {
		const azl_certificate *ce = &c->m->certificates[i];
		const char *fn = ce->filename;
		_cleanup_free_ char *name = value_for_message(fn ? fn : "");
		if (!fn)
			diag_error(c->d, ce->loc,
				   _("a certificate needs 'filename', the name of its file"));
		else if (!is_word(fn) || strchr(fn, '/') || strlen(fn) > 255 ||
			 streq_ptr(fn, ".") || streq_ptr(fn, "..")) {
			_cleanup_free_ char *v = value_for_message(fn);
			diag_error(
				c->d, at(c, fn, ce->loc),
				_("certificate 'filename' '%s' must be a plain file name like ca.pem: no '/', no spaces, not '.' or '..'"),
				v);
		}
		const char *dir = ce->dir;
		if (!dir)
			diag_error(
				c->d, ce->loc,
				_("certificate '%s' needs 'dir', the directory of the installed system it goes to (like /etc/pki/ca-trust/source/anchors)"),
				name);
		else if (!cert_dir_is_valid(dir)) {
			_cleanup_free_ char *v = value_for_message(dir);
			diag_error(
				c->d, at(c, dir, ce->loc),
				_("certificate 'dir' '%s' must be an absolute directory without spaces, '.' or '..', not under /proc, /sys, /dev or /run"),
				v);
		}
		if (!ce->pem) {
			diag_error(c->d, ce->loc,
				   _("certificate '%s' needs 'pem', the certificate itself"), name);
			continue;
		}
		_cleanup_free_ char *why = NULL;
		if (pem_certificates_check(ce->pem, strlen(ce->pem), &why) < 0)
			diag_error(c->d, at(c, ce->pem, ce->loc), _("certificate '%s': %s"), name,
				   why);
	}
}

void model_check_values(const azl_model *m, azl_diags *d)
{
	const vctx c = {m, d};
	check_storage_values(&c);
	check_bootloader_values(&c);
	for (size_t i = 0; i < m->network.n_interfaces; i++)
		check_interface_values(&c, &m->network.interfaces[i]);
	check_accounts_values(&c);
	check_package_values(&c);
	check_service_values(&c);
	check_interpreters(&c, m->scripts.pre, m->scripts.n_pre);
	check_interpreters(&c, m->scripts.post, m->scripts.n_post);
	check_interpreters(&c, m->scripts.error, m->scripts.n_error);
	check_certificate_values(&c);
}
