/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks that need the whole model, after a reader has checked keys and
 * types; shared by the answer-file reader, the kickstart translator and
 * the TUI. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "model.h"
#include "passwd-hash.h"
#include "util.h"

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}
static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}
static bool is_alnum(char c)
{
	return is_lower(c) || is_upper(c) || is_digit(c);
}

bool hostname_is_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 253)
		return false;
	size_t label = 0;
	char prev = '.';
	for (const char *p = s; *p; prev = *p++) {
		if (*p == '.') {
			if (label == 0 || prev == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alnum(*p) && *p != '-')
			return false;
		if (*p == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return prev != '-' && prev != '.';
}

bool locale_is_valid(const char *s)
{
	if (!s)
		return false;
	if (streq_ptr(s, "C") || streq_ptr(s, "POSIX") ||
	    streq_ptr(s, "C.UTF-8") || streq_ptr(s, "C.utf8"))
		return true;
	const char *p = s;
	size_t n = 0;
	while (is_lower(*p))
		p++, n++;
	if (n < 2 || n > 3)
		return false;
	if (*p == '_') {
		p++;
		if (!is_upper(p[0]) || !is_upper(p[1]))
			return false;
		p += 2;
	}
	if (*p == '.') {
		p++;
		n = 0;
		while (is_alnum(*p) || *p == '-' || *p == '_')
			p++, n++;
		if (n == 0)
			return false;
	}
	if (*p == '@') {
		p++;
		n = 0;
		while (is_alnum(*p))
			p++, n++;
		if (n == 0)
			return false;
	}
	return *p == '\0';
}

bool keymap_is_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 64 || !(is_lower(*s) || is_digit(*s)))
		return false;
	for (const char *p = s; *p; p++)
		if (!is_lower(*p) && !is_digit(*p) && *p != '-' && *p != '_')
			return false;
	return true;
}

bool timezone_is_valid(const char *s, const char *zoneinfo_dir)
{
	if (!s || !*s || s[0] == '/' || strstr(s, "..") || strlen(s) > 255)
		return false;
	for (const char *p = s; *p; p++)
		if (!is_alnum(*p) && !strchr("/_+-", *p))
			return false;
	_cleanup_free_ char *path = xasprintf(
		"%s/%s", zoneinfo_dir ? zoneinfo_dir : "/usr/share/zoneinfo",
		s);
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool username_is_valid(const char *s)
{
	/* What shadow-utils accepts by default, minus the trailing '$' of
	 * machine accounts. */
	if (!s || !*s || strlen(s) > 32 || !(is_lower(*s) || *s == '_'))
		return false;
	for (const char *p = s; *p; p++)
		if (!is_lower(*p) && !is_digit(*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

/* "192.0.2.10/24" or "2001:db8::10/64". */
static bool address_is_valid(const char *s)
{
	const char *slash = strchr(s, '/');
	if (!slash || !slash[1] || strlen(slash + 1) > 3)
		return false;
	_cleanup_free_ char *ip = xstrndup(s, (size_t)(slash - s));
	unsigned char buf[16];
	int family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, ip, buf) != 1)
		return false;
	unsigned prefix = 0;
	for (const char *p = slash + 1; *p; p++) {
		if (!is_digit(*p))
			return false;
		prefix = prefix * 10 + (unsigned)(*p - '0');
	}
	return prefix <= (family == AF_INET6 ? 128u : 32u);
}

static bool gateway_is_valid(const char *s, int family)
{
	unsigned char buf[16];
	return inet_pton(family, s, buf) == 1;
}

static void check_storage(const azl_storage *s, azl_diags *d)
{
	const azl_encryption *e = &s->encryption;
	bool have_key = e->passphrase || e->passphrase_file;

	if (s->filesystem != AZL_FS_EXT4 && s->filesystem != AZL_FS_XFS)
		diag_error(d, s->loc,
			   _("'filesystem' of a guided layout must be ext4 or "
			     "xfs, not '%s'"),
			   fs_to_string(s->filesystem)
				   ? fs_to_string(s->filesystem)
				   : "none");
	if (e->enabled && !have_key)
		diag_error(d, e->loc,
			   _("'encryption' needs 'passphrase' or "
			     "'passphrase_file'"));
	for (size_t i = 0; i < s->n_disks; i++) {
		const azl_disk_spec *ds = &s->disks[i];
		if (!ds->path && ds->match_size == AZL_MATCH_SIZE_ANY &&
		    !ds->match_serial && !ds->match_model)
			diag_error(d, ds->loc,
				   _("disk %zu has neither a path nor a match "
				     "rule"),
				   i + 1);
	}

	bool have_root = false;
	for (size_t i = 0; i < s->n_partitions; i++) {
		const azl_partition_spec *p = &s->partitions[i];
		const char *mnt = p->mount ? p->mount : _("(no mount point)");
		bool is_swap = streq_ptr(p->mount, "swap");
		if (streq_ptr(p->mount, "/"))
			have_root = true;
		for (size_t k = 0; p->mount && k < i; k++)
			if (streq_ptr(s->partitions[k].mount, p->mount)) {
				diag_error(d, p->loc,
					   _("mount point '%s' is used twice "
					     "(first at line %d); give each "
					     "partition its own"),
					   p->mount, s->partitions[k].loc.line);
				break;
			}
		if (is_swap && p->fs != AZL_FS_NONE && p->fs != AZL_FS_SWAP)
			diag_error(d, p->loc,
				   _("the swap partition cannot have 'fs: %s'; "
				     "leave 'fs' out or use swap"),
				   fs_to_string(p->fs));
		if (!is_swap && p->fs == AZL_FS_SWAP && p->mount)
			diag_error(d, p->loc,
				   _("partition '%s' has 'fs: swap'; use "
				     "'mount: swap' for swap space"),
				   mnt);
		if (streq_ptr(p->mount, "/") && p->fs == AZL_FS_VFAT)
			diag_error(d, p->loc,
				   _("'/' cannot be vfat; use ext4 or xfs"));
		if (p->encrypt && !have_key)
			diag_error(d, p->loc,
				   _("partition '%s' is to be encrypted but no "
				     "passphrase is given; add "
				     "'storage.encryption' with 'passphrase' "
				     "or 'passphrase_file'"),
				   mnt);
		if (p->disk_index < 0 ||
		    (s->n_disks > 0 && (size_t)p->disk_index > s->n_disks) ||
		    (s->n_disks == 0 && p->disk_index > 1))
			diag_error(d, p->loc,
				   _("partition '%s' is on disk %d, but "
				     "'storage.disks' lists %zu; use an index "
				     "from 1 to %zu"),
				   mnt, p->disk_index, s->n_disks,
				   s->n_disks ? s->n_disks : 1);
		if (p->max_bytes && p->size.kind == AZL_SIZE_BYTES &&
		    p->size.bytes > p->max_bytes)
			diag_error(d, p->loc,
				   _("partition '%s' has a 'size' larger than "
				     "its 'max_size'"),
				   mnt);
	}
	if (s->n_partitions > 0 && !have_root)
		diag_error(d, s->loc,
			   _("the custom layout in 'partitions' has no '/'; "
			     "add a partition with 'mount: /'"));
}

static void check_password(const char *who, const azl_secret *pw,
			   const char *hash, azl_loc loc, azl_diags *d)
{
	if (pw && hash)
		diag_error(d, loc,
			   _("%s has both 'password' and 'password_hash'; "
			     "keep one"),
			   who);
	if (hash && !password_hash_is_valid(hash))
		diag_error(d, loc,
			   _("the 'password_hash' of %s is not a crypt(3) "
			     "hash like $y$...; make one with 'mkpasswd -m "
			     "yescrypt'"),
			   who);
}

static void check_accounts(const azl_accounts *a, azl_diags *d)
{
	check_password("'root'", a->root.password, a->root.password_hash,
		       a->root.loc, d);
	for (size_t i = 0; i < a->n_users; i++) {
		const azl_user *u = &a->users[i];
		if (!u->name) {
			diag_error(d, u->loc, _("a user needs a 'name'"));
			continue;
		}
		_cleanup_free_ char *who = xasprintf("user '%s'", u->name);
		if (streq_ptr(u->name, "root"))
			diag_error(d, u->loc,
				   _("'root' is set up under 'accounts.root', "
				     "not under 'users'"));
		else if (!username_is_valid(u->name))
			diag_error(d, u->loc,
				   _("'%s' is not a valid user name: use "
				     "lowercase letters, digits, '_' and '-', "
				     "starting with a letter"),
				   u->name);
		for (size_t k = 0; k < i; k++)
			if (streq_ptr(a->users[k].name, u->name)) {
				diag_error(d, u->loc,
					   _("user '%s' is listed twice (first "
					     "at line %d)"),
					   u->name, a->users[k].loc.line);
				break;
			}
		check_password(who, u->password, u->password_hash, u->loc, d);
	}
}

static void check_network(const azl_network *n, azl_diags *d)
{
	for (size_t i = 0; i < n->n_interfaces; i++) {
		const azl_interface *it = &n->interfaces[i];
		const char *name = it->name ? it->name : it->match_mac;
		if (!it->name && !it->match_mac) {
			diag_error(d, it->loc,
				   _("an interface needs 'name' or 'match: "
				     "{mac: ...}'"));
			name = "?";
		}
		for (size_t k = 0; it->addresses && it->addresses[k]; k++)
			if (!address_is_valid(it->addresses[k]))
				diag_error(d, it->loc,
					   _("address '%s' of '%s' must be an "
					     "IP address with a prefix length, "
					     "like 192.0.2.10/24"),
					   it->addresses[k], name);
		if (it->gateway4 && !gateway_is_valid(it->gateway4, AF_INET))
			diag_error(d, it->loc,
				   _("'gateway4' of '%s' is not an IPv4 "
				     "address: '%s'"),
				   name, it->gateway4);
		if (it->gateway6 && !gateway_is_valid(it->gateway6, AF_INET6))
			diag_error(d, it->loc,
				   _("'gateway6' of '%s' is not an IPv6 "
				     "address: '%s'"),
				   name, it->gateway6);
		if (it->vlan_id < 0 || it->vlan_id > 4094)
			diag_error(d, it->loc,
				   _("VLAN id %d of '%s' is outside 1..4094"),
				   it->vlan_id, name);
		if (it->vlan_link && it->vlan_id == 0)
			diag_error(d, it->loc,
				   _("'vlan' of '%s' needs an 'id'"), name);
	}
}

static void check_packages(const azl_packages *p, azl_diags *d)
{
	for (size_t i = 0; i < p->n_repos; i++) {
		const azl_repo *r = &p->repos[i];
		if (!r->name)
			diag_error(d, r->loc, _("a repository needs a 'name'"));
		if (!r->baseurl)
			diag_error(d, r->loc,
				   _("repository '%s' needs a 'baseurl'"),
				   r->name ? r->name : "?");
		for (size_t k = 0; r->name && k < i; k++)
			if (streq_ptr(p->repos[k].name, r->name)) {
				diag_error(d, r->loc,
					   _("repository name '%s' is used "
					     "twice (first at line %d)"),
					   r->name, p->repos[k].loc.line);
				break;
			}
	}
}

static void check_scripts(const azl_script *s, size_t n, const char *when,
			  azl_diags *d)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i].run)
			diag_error(d, s[i].loc,
				   _("a '%s' script needs 'run', the script "
				     "text"),
				   when);
}

int model_validate(const azl_model *m, azl_diags *d, const char *zoneinfo_dir)
{
	size_t before = diags_errors(d);

	if (m->version != 1)
		diag_error(d, AZL_LOC_NONE,
			   _("unsupported answer file version %d; use 1"),
			   m->version);
	if (!hostname_is_valid(m->hostname))
		diag_error(d, AZL_LOC_NONE, _("'%s' is not a valid host name"),
			   m->hostname ? m->hostname : "");
	if (!locale_is_valid(m->locale))
		diag_error(d, AZL_LOC_NONE, _("'%s' is not a locale name"),
			   m->locale ? m->locale : "");
	if (!keymap_is_valid(m->keyboard))
		diag_error(d, AZL_LOC_NONE, _("'%s' is not a keymap name"),
			   m->keyboard ? m->keyboard : "");
	if (!timezone_is_valid(m->timezone, zoneinfo_dir))
		diag_error(d, AZL_LOC_NONE,
			   _("time zone '%s' is not in the time zone "
			     "database"),
			   m->timezone ? m->timezone : "");

	check_storage(&m->storage, d);
	check_network(&m->network, d);
	check_accounts(&m->accounts, d);
	check_packages(&m->packages, d);
	check_scripts(m->scripts.pre, m->scripts.n_pre, "pre", d);
	check_scripts(m->scripts.post, m->scripts.n_post, "post", d);
	check_scripts(m->scripts.error, m->scripts.n_error, "error", d);

	return diags_errors(d) > before ? -EINVAL : 0;
}
