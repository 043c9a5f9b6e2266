/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kickstart command table, in the spirit of pykickstart's handler map:
 * command -> option table -> handler. Options pykickstart accepts but the
 * model cannot carry are KS_WARN rows, so the warning names the option and
 * its line; options pykickstart does not know are errors. Storage lines are
 * collected first and turned into the model's storage in ks_finish(), since
 * volgroup/logvol/part refer to each other in any order.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "ks-internal.h"
#include "util.h"

/* --- small helpers ------------------------------------------------------ */

const char *ks_opt(const ks_line *l, const char *canon)
{
	const char *v = NULL;
	for (size_t i = 0; i < l->n_opts; i++)
		if (strcmp(l->opts[i].canon, canon) == 0)
			v = l->opts[i].value ? l->opts[i].value : "";
	return v;
}

bool ks_has(const ks_line *l, const char *canon)
{
	return ks_opt(l, canon) != NULL;
}

static void not_carried(ks_ctx *c, const ks_line *l, const char *what)
{
	diag_warn(c->d, l->loc, _("'%s %s' is not supported and was ignored"), l->cmd, what);
}

/* Splits "a,b , c" into words; empty items are dropped. */
static char **split_list(const char *s, const char *seps)
{
	char **v = xzalloc(sizeof(char *));
	const char *p = s;
	while (p && *p) {
		size_t n = strcspn(p, seps);
		size_t a = 0, b = n;
		while (a < b && (p[a] == ' ' || p[a] == '\t'))
			a++;
		while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
			b--;
		if (b > a)
			strv_push(&v, xstrndup(p + a, b - a));
		p += n;
		if (*p)
			p++;
	}
	return v;
}

static void strv_extend(char ***v, char *const *add)
{
	for (; add && *add; add++)
		if (!strv_contains(*v, *add))
			strv_push(v, xstrdup(*add));
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

/* set_str() for a value model_validate() checks on its own: errors about
 * it then name this line. */
static void set_str_at(ks_ctx *c, const ks_line *l, char **field, const char *v)
{
	set_str(field, v);
	model_note_loc(c->m, *field, l->loc);
}

static int parse_uint(ks_ctx *c, const ks_line *l, const char *opt, const char *v, uint64_t max,
		      uint64_t *ret)
{
	uint64_t x = 0;
	if (!v || !*v)
		goto bad;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || x > (UINT64_MAX - 9) / 10)
			goto bad;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (x > max)
		goto bad;
	*ret = x;
	return 0;
bad:
	diag_error(c->d, l->loc, _("'%s %s' needs a whole number up to %" PRIu64 ", not '%s'"),
		   l->cmd, opt, max, v ? v : "");
	return -EINVAL;
}

/* pykickstart's boolean spellings for --onboot and friends. */
static int parse_bool(ks_ctx *c, const ks_line *l, const char *opt, const char *v, bool *ret)
{
	static const char *const yes[] = {"yes", "on", "true", "1"};
	static const char *const no[] = {"no", "off", "false", "0"};
	for (size_t i = 0; v && i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	diag_error(c->d, l->loc, _("'%s %s' needs yes or no, not '%s'"), l->cmd, opt, v ? v : "");
	return -EINVAL;
}

/* Maps a kickstart --fstype to the model. */
static int parse_fstype(ks_ctx *c, const ks_line *l, const char *v, azl_fs *ret)
{
	static const struct {
		const char *ks;
		azl_fs fs;
		bool exact;
	} map[] = {
		{"ext4", AZL_FS_EXT4, true},  {"xfs", AZL_FS_XFS, true},
		{"vfat", AZL_FS_VFAT, true},  {"efi", AZL_FS_VFAT, true},
		{"swap", AZL_FS_SWAP, true},  {"ext3", AZL_FS_EXT4, false},
		{"ext2", AZL_FS_EXT4, false}, {"btrfs", AZL_FS_BTRFS, true},
		{"lvmpv", AZL_FS_NONE, true}, {"mdmember", AZL_FS_NONE, true}, /* part raid.NN */
	};
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (strcmp(v, map[i].ks) == 0) {
			if (!map[i].exact)
				diag_warn(
					c->d, l->loc,
					_("file system '%s' is not supported; 'ext4' is used instead"),
					v);
			*ret = map[i].fs;
			return 0;
		}
	diag_error(c->d, l->loc,
		   _("file system '%s' is not supported; use ext4, xfs, vfat/efi or swap"), v);
	return -EINVAL;
}

static char *disk_path(const char *s)
{
	if (s[0] == '/')
		return xstrdup(s);
	if (startswith(s, "disk/"))
		return xasprintf("/dev/%s", s);
	return xasprintf("/dev/%s", s);
}

/* Sets the one passphrase of the model; kickstart may give one per line. */
static void take_passphrase(ks_ctx *c, const ks_line *l)
{
	const char *pw = ks_opt(l, "--passphrase");
	azl_encryption *e = &c->m->storage.encryption;
	if (!e->enabled)
		e->loc = l->loc;
	e->enabled = true;
	if (!pw)
		return;
	if (!e->passphrase) {
		e->passphrase = secret_new(pw, strlen(pw));
		return;
	}
	if (strcmp(e->passphrase->data, pw) != 0)
		diag_warn(
			c->d, l->loc,
			_("only one passphrase is supported; the one given first is used for every encrypted device"));
}

static void luks_options(ks_ctx *c, const ks_line *l)
{
	azl_encryption *e = &c->m->storage.encryption;
	const char *v = ks_opt(l, "--luks-version");
	if (v && strcmp(v, "luks2") != 0)
		diag_warn(c->d, l->loc, _("'--luks-version=%s' is not supported; LUKS2 is used"),
			  v);
	if ((v = ks_opt(l, "--pbkdf")))
		set_str(&e->pbkdf, v);
	uint64_t x;
	if ((v = ks_opt(l, "--pbkdf-memory")) &&
	    parse_uint(c, l, "--pbkdf-memory", v, UINT32_MAX, &x) == 0)
		e->pbkdf_memory_kib = (uint32_t)x;
	if ((v = ks_opt(l, "--pbkdf-time")) &&
	    parse_uint(c, l, "--pbkdf-time", v, UINT32_MAX, &x) == 0)
		e->pbkdf_iter_time_ms = (uint32_t)x;
	if (ks_has(l, "--pbkdf-iterations"))
		not_carried(c, l, "--pbkdf-iterations");
}

/* --- commands: localisation -------------------------------------------- */

/* The locale a language alone stands for: the first of langtable's
 * list_locales(languageId=...) for it, which is what Anaconda takes
 * (pyanaconda/localization.py, setup_locale_environment and
 * get_language_locales). Common languages only; others need a
 * territory. */
static const char *const lang_territory[][2] = {
	{"ar", "EG"}, {"bg", "BG"}, {"ca", "ES"}, {"cs", "CZ"}, {"da", "DK"}, {"de", "DE"},
	{"el", "GR"}, {"en", "US"}, {"es", "ES"}, {"et", "EE"}, {"fi", "FI"}, {"fr", "FR"},
	{"he", "IL"}, {"hi", "IN"}, {"hr", "HR"}, {"hu", "HU"}, {"id", "ID"}, {"it", "IT"},
	{"ja", "JP"}, {"ko", "KR"}, {"lt", "LT"}, {"lv", "LV"}, {"nb", "NO"}, {"nl", "NL"},
	{"pl", "PL"}, {"pt", "BR"}, {"ro", "RO"}, {"ru", "RU"}, {"sk", "SK"}, {"sl", "SI"},
	{"sr", "RS"}, {"sv", "SE"}, {"th", "TH"}, {"tr", "TR"}, {"uk", "UA"}, {"vi", "VN"},
	{"zh", "CN"},
};

/* Anaconda normalises the kickstart's lang through langtable before it
 * uses it (setup_locale_environment): "en" and "en_US" become
 * "en_US.UTF-8", and the BCP 47 spelling "en-US" is read as en_US. The
 * same here; what is still no locale name is left to model_validate(),
 * whose error names this line. */
static char *normalise_locale(const char *v)
{
	size_t n = 0;
	while (v[n] >= 'a' && v[n] <= 'z')
		n++;
	if (n < 2 || n > 3 || strchr(v, '@'))
		return xstrdup(v);
	const char *terr = NULL;
	size_t tn = 0;
	const char *rest = v + n;
	if ((rest[0] == '_' || rest[0] == '-') && rest[1] >= 'A' && rest[1] <= 'Z' &&
	    rest[2] >= 'A' && rest[2] <= 'Z') {
		terr = rest + 1;
		tn = 2;
		rest += 3;
	} else if (rest[0] == '\0' || rest[0] == '.') {
		for (size_t i = 0; i < ELEMENTSOF(lang_territory); i++)
			if (strlen(lang_territory[i][0]) == n &&
			    memcmp(lang_territory[i][0], v, n) == 0) {
				terr = lang_territory[i][1];
				tn = 2;
			}
		if (!terr)
			return xstrdup(v);
	} else
		return xstrdup(v);
	if (rest[0] == '\0')
		rest = ".UTF-8";
	else if (rest[0] != '.')
		return xstrdup(v);
	return xasprintf("%.*s_%.*s%s", (int)n, v, (int)tn, terr, rest);
}

static int cmd_lang(ks_ctx *c, const ks_line *l)
{
	_cleanup_free_ char *v = normalise_locale(l->args[0]);
	set_str_at(c, l, &c->m->locale, v);
	return 0;
}

static int cmd_keyboard(ks_ctx *c, const ks_line *l)
{
	const char *v = ks_opt(l, "--vckeymap");
	_cleanup_strv_free_ char **xl = NULL;
	if (!v && l->n_args > 0)
		v = l->args[0];
	if (!v && ks_opt(l, "--xlayouts")) {
		xl = split_list(ks_opt(l, "--xlayouts"), ",");
		if (xl[0]) {
			/* "us (intl)" is X's layout and variant. */
			xl[0][strcspn(xl[0], " (")] = '\0';
			v = xl[0];
		}
	}
	if (!v) {
		diag_error(c->d, l->loc, _("'keyboard' needs a keymap, --vckeymap or --xlayouts"));
		return -EINVAL;
	}
	set_str_at(c, l, &c->m->keyboard, v);
	return 0;
}

/* Adds each host of a comma list to *list, once. */
static void add_time_sources(char ***list, const char *v)
{
	_cleanup_strv_free_ char **w = split_list(v, ",");
	strv_extend(list, w);
}

static int cmd_timezone(ks_ctx *c, const ks_line *l)
{
	azl_ntp *n = &c->m->ntp;
	const char *v;
	if (l->n_args == 0 && !ks_has(l, "--ntpservers") && !ks_has(l, "--nontp")) {
		diag_error(c->d, l->loc, _("'timezone' needs a time zone"));
		return -EINVAL;
	}
	if (l->n_args > 0)
		set_str_at(c, l, &c->m->timezone, l->args[0]);
	if ((v = ks_opt(l, "--ntpservers"))) {
		add_time_sources(&n->servers, v);
		n->loc = l->loc;
	}
	if (ks_has(l, "--nontp")) {
		n->disabled = true;
		n->loc = l->loc;
	}
	return 0;
}

/* timesource: one source (or --ntp-disable) a line; lines accumulate. */
static int cmd_timesource(ks_ctx *c, const ks_line *l)
{
	azl_ntp *n = &c->m->ntp;
	const char *server = ks_opt(l, "--ntp-server");
	const char *pool = ks_opt(l, "--ntp-pool");
	bool disable = ks_has(l, "--ntp-disable");
	if ((server != NULL) + (pool != NULL) + disable != 1) {
		diag_error(
			c->d, l->loc,
			_("'timesource' takes one of --ntp-server, --ntp-pool and --ntp-disable"));
		return -EINVAL;
	}
	if ((server && !*server) || (pool && !*pool)) {
		diag_error(c->d, l->loc, _("'timesource' needs a host name or address"));
		return -EINVAL;
	}
	if (server && !strv_contains(n->servers, server))
		strv_push(&n->servers, xstrdup(server));
	if (pool && !strv_contains(n->pools, pool))
		strv_push(&n->pools, xstrdup(pool));
	if (disable)
		n->disabled = true;
	n->loc = l->loc;
	return 0;
}

/* --- accounts ----------------------------------------------------------- */

static int cmd_rootpw(ks_ctx *c, const ks_line *l)
{
	azl_root_account *r = &c->m->accounts.root;
	c->m->has_accounts = true;
	secret_free(r->password);
	r->password = NULL;
	free(r->password_hash);
	r->password_hash = NULL;
	r->loc = l->loc;
	if (ks_has(l, "--iscrypted") && ks_has(l, "--plaintext")) {
		diag_error(c->d, l->loc, _("'rootpw' takes --iscrypted or --plaintext, not both"));
		return -EINVAL;
	}
	if (l->n_args == 0) {
		if (!ks_has(l, "--lock")) {
			diag_error(c->d, l->loc, _("'rootpw' needs a password or --lock"));
			return -EINVAL;
		}
		r->lock = true;
	} else {
		const char *pw = l->args[0];
		if (ks_has(l, "--iscrypted") && pw[0] != '$') {
			/* Fedora's, Rocky's and CentOS's own kickstarts lock
			 * root with "rootpw --iscrypted --lock locked":
			 * Anaconda (pyanaconda/modules/users/users.py,
			 * set_root_password) writes the word into
			 * /etc/shadow as it is, and a word that is no crypt(3)
			 * hash matches no password: root is locked. A value
			 * that starts with '$' is meant as a hash and is
			 * checked as one (model_validate). */
			diag_warn(
				c->d, l->loc,
				_("'rootpw --iscrypted' is given no crypt(3) hash; no password can match it, so root is locked"));
			r->lock = true;
			r->allow_ssh = ks_has(l, "--allow-ssh");
			return 0;
		}
		if (ks_has(l, "--iscrypted"))
			r->password_hash = xstrdup(pw);
		else
			r->password = secret_new(l->args[0], strlen(l->args[0]));
		r->lock = ks_has(l, "--lock");
	}
	r->allow_ssh = ks_has(l, "--allow-ssh");
	return 0;
}

static azl_user *find_user(ks_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->m->accounts.n_users; i++)
		if (streq_ptr(c->m->accounts.users[i].name, name))
			return &c->m->accounts.users[i];
	return NULL;
}

static int cmd_user(ks_ctx *c, const ks_line *l)
{
	const char *name = ks_opt(l, "--name");
	if (!name || !*name) {
		diag_error(c->d, l->loc, _("'user' needs --name"));
		return -EINVAL;
	}
	azl_user *u = find_user(c, name);
	if (u) {
		diag_warn(c->d, l->loc, _("user '%s' was given before; this line replaces it"),
			  name);
		user_done(u);
	} else
		u = xappend(&c->m->accounts.users, &c->m->accounts.n_users, sizeof(*u));
	c->m->has_accounts = true;
	u->loc = l->loc;
	u->name = xstrdup(name);
	const char *v;
	if ((v = ks_opt(l, "--gecos")))
		u->gecos = xstrdup(v);
	if ((v = ks_opt(l, "--homedir")))
		u->home = xstrdup(v);
	if ((v = ks_opt(l, "--shell")))
		u->shell = xstrdup(v);
	uint64_t x;
	if ((v = ks_opt(l, "--uid")) && parse_uint(c, l, "--uid", v, UINT32_MAX - 1, &x) == 0)
		u->uid = (uint32_t)x;
	if ((v = ks_opt(l, "--groups"))) {
		_cleanup_strv_free_ char **g = split_list(v, ",");
		strv_extend(&u->groups, g);
	}
	if ((v = ks_opt(l, "--password"))) {
		if (ks_has(l, "--iscrypted"))
			u->password_hash = xstrdup(v);
		else
			u->password = secret_new(v, strlen(v));
	}
	if (ks_has(l, "--lock"))
		not_carried(c, l, "--lock");
	return 0;
}

static int cmd_sshkey(ks_ctx *c, const ks_line *l)
{
	const char *user = ks_opt(l, "--username");
	if (!user || !*user) {
		diag_error(c->d, l->loc, _("'sshkey' needs --username"));
		return -EINVAL;
	}
	ks_key *k = xappend(&c->keys, &c->n_keys, sizeof(*k));
	k->user = xstrdup(user);
	k->key = xstrdup(l->args[0]);
	k->loc = l->loc;
	return 0;
}

/* --- network ------------------------------------------------------------ */

static int netmask_prefix(const char *s)
{
	unsigned a[4];
	char tail;
	if (s[0] == '/')
		s++;
	if (sscanf(s, "%u.%u.%u.%u%c", &a[0], &a[1], &a[2], &a[3], &tail) == 4) {
		uint32_t m = 0;
		for (int i = 0; i < 4; i++) {
			if (a[i] > 255)
				return -1;
			m = (m << 8) | a[i];
		}
		int n = 0;
		while (n < 32 && (m & (UINT32_C(0x80000000) >> n)))
			n++;
		if (n < 32 && (m << n) != 0)
			return -1; /* not contiguous */
		return n;
	}
	char *e;
	long v = strtol(s, &e, 10);
	if (*s && !*e && v >= 0 && v <= 32)
		return (int)v;
	return -1;
}

static bool is_mac(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		char ch = s[i];
		bool hex = (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
		if (i % 3 == 2 ? ch != ':' : !hex)
			return false;
	}
	return true;
}

static int cmd_network(ks_ctx *c, const ks_line *l)
{
	azl_model *m = c->m;
	const char *v;
	if ((v = ks_opt(l, "--hostname")))
		set_str_at(c, l, &m->hostname, v);

	const char *dev = ks_opt(l, "--device");
	const char *proto = ks_opt(l, "--bootproto");
	bool only_hostname = !dev && !proto && !ks_has(l, "--ip") && !ks_has(l, "--activate") &&
			     !ks_has(l, "--ipv6");
	if (only_hostname)
		return 0;
	bool first = !c->network_seen;
	c->network_seen = true;
	if ((!dev || !*dev) && first) {
		/* Anaconda: the first network command without --device
		 * configures inst.ks.device, whose default is "link". */
		dev = "link";
	} else if (!dev || !*dev) {
		diag_warn(
			c->d, l->loc,
			_("'network' without --device was not carried over (only the first network line may leave it out, meaning --device=link); say --device=NAME, MAC, link or bootif"));
		return 0;
	}
	if (proto && strcmp(proto, "dhcp") != 0 && strcmp(proto, "static") != 0 &&
	    strcmp(proto, "bootp") != 0) {
		diag_warn(
			c->d, l->loc,
			_("'network --bootproto=%s' is not supported; the line was not carried over"),
			proto);
		return 0;
	}

	const char *vlan_name = ks_opt(l, "--interfacename");
	uint64_t vlanid = 0;
	if ((v = ks_opt(l, "--vlanid")) && parse_uint(c, l, "--vlanid", v, 4094, &vlanid) < 0)
		return -EINVAL;

	/* A bond is made, so it has a name of its own: Anaconda names it
	 * after --device (nm_client.py, get_device_name_from_network_data:
	 * "virtual device does not exist, which is OK"); link, bootif or a
	 * MAC name no bond. */
	if (ks_has(l, "--bondslaves") &&
	    (strcmp(dev, "link") == 0 || strcasecmp(dev, "bootif") == 0 || is_mac(dev))) {
		diag_warn(
			c->d, l->loc,
			_("'network --bondslaves' names no bond (--device=%s); the bond is called 'bond0'"),
			dev);
		dev = "bond0";
	}
	/* Anaconda's special device names: the first interface with a
	 * carrier, and the one the boot loader named in BOOTIF=. */
	bool by_link = strcmp(dev, "link") == 0;
	bool by_bootif = strcasecmp(dev, "bootif") == 0;
	bool by_mac = is_mac(dev);
	bool by_match = by_link || by_bootif || by_mac;
	const char *name = vlanid && vlan_name ? vlan_name : dev;
	azl_interface *i = NULL;
	for (size_t k = 0; k < m->network.n_interfaces; k++) {
		azl_interface *o = &m->network.interfaces[k];
		bool same = by_link	? o->match_link
			    : by_bootif ? o->match_bootif
			    : by_mac	? strcasecmp(o->match_mac ? o->match_mac : "", dev) == 0
					: streq_ptr(o->name, name);
		if (same) {
			interface_done(o);
			i = o;
			break;
		}
	}
	if (!i)
		i = xappend(&m->network.interfaces, &m->network.n_interfaces, sizeof(*i));
	m->has_network = true;
	i->loc = l->loc;
	if (by_link)
		i->match_link = true;
	else if (by_bootif)
		i->match_bootif = true;
	else if (by_mac)
		i->match_mac = xstrdup(dev);
	else
		i->name = xstrdup(name);
	if (vlanid) {
		i->vlan_id = (int)vlanid;
		if (vlan_name && !by_match)
			i->vlan_link = xstrdup(dev);
	}

	const char *ip = ks_opt(l, "--ip");
	bool is_static = (proto && strcmp(proto, "static") == 0) || (!proto && ip);
	if (ks_has(l, "--noipv4"))
		is_static = false;
	else if (!is_static)
		i->dhcp4 = true;
	if (is_static) {
		if (!ip) {
			diag_error(c->d, l->loc, _("'network --bootproto=static' needs --ip"));
			return -EINVAL;
		}
		const char *mask = ks_opt(l, "--netmask");
		int prefix = 32;
		if (strchr(ip, '/'))
			prefix = -2;
		else if (mask && (prefix = netmask_prefix(mask)) < 0) {
			diag_error(c->d, l->loc, _("'network --netmask=%s' is no netmask"), mask);
			return -EINVAL;
		} else if (!mask)
			diag_warn(c->d, l->loc,
				  _("'network --ip' without --netmask; /32 is assumed"));
		strv_push(&i->addresses,
			  prefix == -2 ? xstrdup(ip) : xasprintf("%s/%d", ip, prefix));
		if ((v = ks_opt(l, "--gateway")))
			i->gateway4 = xstrdup(v);
	}
	if ((v = ks_opt(l, "--nameserver"))) {
		_cleanup_strv_free_ char **ns = split_list(v, ",");
		strv_extend(&i->dns, ns);
	}
	if ((v = ks_opt(l, "--ipv6")) && !ks_has(l, "--noipv6")) {
		if (strcmp(v, "auto") == 0 || strcmp(v, "dhcp") == 0)
			i->dhcp6 = true;
		else if (strchr(v, '/'))
			strv_push(&i->addresses, xstrdup(v));
		else
			strv_push(&i->addresses, xasprintf("%s/64", v));
	}
	if ((v = ks_opt(l, "--ipv6gateway")))
		i->gateway6 = xstrdup(v);
	/* --noipv6: Anaconda's method6 "ignore"; nothing said: "auto"
	 * (nm_client.py, update_connection_ip_settings_from_ksdata), which
	 * the writers make of an interface with IPv4 and no IPv6 setting. */
	i->no_ipv6 = ks_has(l, "--noipv6");
	if ((v = ks_opt(l, "--bondslaves"))) {
		i->bond.slaves = split_list(v, ",");
		const char *o = ks_opt(l, "--bondopts");
		/* pykickstart: ';' separates when values contain commas. */
		_cleanup_strv_free_ char **opts =
			o ? split_list(o, strchr(o, ';') ? ";" : ",") : NULL;
		for (char **p = opts; p && *p; p++) {
			if (startswith(*p, "mode="))
				set_str(&i->bond.mode, *p + 5);
			else
				strv_push(&i->bond.options, xstrdup(*p));
		}
		if (!i->bond.options)
			i->bond.options = NULL;
	} else if (ks_has(l, "--bondopts"))
		diag_warn(c->d, l->loc, _("'network --bondopts' without --bondslaves was ignored"));
	bool on = true;
	if ((v = ks_opt(l, "--onboot")) && parse_bool(c, l, "--onboot", v, &on) == 0 && !on)
		not_carried(c, l, "--onboot=no");
	/* Anaconda activates the first network line's device even without
	 * --activate. */
	i->activate = (first || ks_has(l, "--activate")) && !ks_has(l, "--no-activate");
	return 0;
}

/* --- storage ------------------------------------------------------------ */

ks_member ks_member_of(const char *name)
{
	static const struct {
		const char *prefix;
		ks_member kind;
	} prefixes[] = {
		{"raid.", KS_MEMBER_RAID},
		{"pv.", KS_MEMBER_PV},
		{"btrfs.", KS_MEMBER_BTRFS},
	};
	for (size_t i = 0; name && i < ELEMENTSOF(prefixes); i++)
		if (startswith(name, prefixes[i].prefix))
			return prefixes[i].kind;
	return KS_MEMBER_NONE;
}

void ks_part_done(ks_part *p)
{
	free(p->mount);
	free(p->disk);
	free(p->label);
	free(p->fsoptions);
	free(p->vgname);
	free(p->name);
	free(p->onpart);
}

/* part --onpart=DEV [--noformat]: an existing partition reused where it
 * is (pyanaconda/modules/storage/partitioning/custom/
 * custom_partitioning.py): its filesystem made again, or with --noformat
 * kept and only mounted. It keeps its size, as in Anaconda without
 * --resize. */
static int read_onpart(ks_ctx *c, const ks_line *l, ks_part *p)
{
	const char *v = ks_opt(l, "--onpart");
	if (!v) {
		diag_error(
			c->d, l->loc,
			_("'part --noformat' must also use --onpart, the existing partition whose filesystem is kept (Anaconda refuses it the same way)"));
		return -EINVAL;
	}
	if (!v[0] || strchr(v, '=') || strpbrk(v, " \t") ||
	    (v[0] == '/' && !startswith(v, "/dev/"))) {
		diag_error(
			c->d, l->loc,
			_("'--onpart=%s': name the partition by its device name, like sda3 or /dev/sda3"),
			v);
		return -EINVAL;
	}
	if (ks_member_of(p->mount) != KS_MEMBER_NONE) {
		diag_error(
			c->d, l->loc,
			_("'part %s --onpart': reusing an existing partition as a RAID member, LVM physical volume or btrfs device is not supported; only a partition with a mount point or swap"),
			p->mount);
		return -EINVAL;
	}
	if (p->encrypt) {
		diag_error(
			c->d, l->loc,
			_("'part --onpart' with --encrypted is not supported: an existing partition is reused as it is, without a new LUKS container"));
		return -EINVAL;
	}
	if (p->has_size || p->grow || p->max_mib || ks_has(l, "--ondisk"))
		diag_warn(
			c->d, l->loc,
			_("'part %s --onpart=%s' reuses the partition where it is: its --size, --grow, --maxsize and --ondisk were ignored (as Anaconda does without --resize)"),
			p->mount, v);
	p->has_size = p->grow = false;
	p->max_mib = 0;
	p->onpart = v[0] == '/' ? xstrdup(v) : xasprintf("/dev/%s", v);
	p->noformat = ks_has(l, "--noformat");
	return 0;
}

/* What part and logvol have in common. */
static int read_volume(ks_ctx *c, const ks_line *l, ks_part *p)
{
	const char *v;
	uint64_t x;
	p->loc = l->loc;
	p->mount = xstrdup(l->args[0]);
	if ((v = ks_opt(l, "--size"))) {
		if (parse_uint(c, l, "--size", v, UINT64_MAX >> 21, &x) < 0)
			return -EINVAL;
		p->size_mib = x;
		p->has_size = true;
	}
	if ((v = ks_opt(l, "--maxsize"))) {
		if (parse_uint(c, l, "--maxsize", v, UINT64_MAX >> 21, &x) < 0)
			return -EINVAL;
		p->max_mib = x;
	}
	p->grow = ks_has(l, "--grow");
	p->recommended = ks_has(l, "--recommended");
	if (ks_has(l, "--hibernation"))
		p->recommended = true;
	/* A RAID member is made an md member whatever its --fstype says
	 * (Anaconda's custom_partitioning.py: raid.NN is "mdmember"), so
	 * older kickstarts' --fstype=raid is no error; cmd_part says what
	 * was ignored. */
	bool raid_member = (streq_ptr(l->cmd, "part") || streq_ptr(l->cmd, "partition")) &&
			   ks_member_of(p->mount) == KS_MEMBER_RAID;
	/* So is a physical volume (part pv.NN, raid pv.NN: "lvmpv"), and
	 * blivet's older name for it, "physical volume (LVM)", is no error
	 * either; another name is said and ignored. */
	bool pv = ks_member_of(p->mount) == KS_MEMBER_PV;
	v = ks_opt(l, "--fstype");
	if (v && pv && strcmp(v, "lvmpv") != 0 && strcmp(v, "physical volume (LVM)") != 0)
		diag_warn(
			c->d, l->loc,
			_("LVM physical volume '%s' holds no file system of its own; its --fstype '%s' was ignored"),
			p->mount, v);
	if (v && !raid_member && !pv && parse_fstype(c, l, v, &p->fs) < 0)
		return -EINVAL;
	if ((v = ks_opt(l, "--label")))
		p->label = xstrdup(v);
	if ((v = ks_opt(l, "--fsoptions")))
		p->fsoptions = xstrdup(v);
	if ((p->encrypt = ks_has(l, "--encrypted"))) {
		take_passphrase(c, l);
		luks_options(c, l);
	}
	if ((streq_ptr(l->cmd, "part") || streq_ptr(l->cmd, "partition")) &&
	    (ks_has(l, "--onpart") || ks_has(l, "--noformat")))
		return read_onpart(c, l, p);
	if (ks_has(l, "--onpart") || ks_has(l, "--useexisting") || ks_has(l, "--noformat")) {
		/* Partitions can be reused (part --onpart); logical volumes,
		 * groups and arrays cannot: no LVM or md is read here. */
		diag_error(
			c->d, l->loc,
			_("'%s' on an existing device (--useexisting, --noformat) is not supported: only 'part --onpart' reuses an existing partition. To keep a logical volume, install into free space (clearpart --none) and mount it from %%post, or back its data up"),
			l->cmd);
		return -EINVAL;
	}
	return 0;
}

static int cmd_part(ks_ctx *c, const ks_line *l)
{
	ks_part p = {0};
	const char *m = l->args[0];
	if (c->first_part.line == 0)
		c->first_part = l->loc;
	/* A member's name (raid.NN, pv.NN, btrfs.NN) names one partition:
	 * a second line of that name would add a member silently. */
	if (ks_member_of(m) != KS_MEMBER_NONE)
		for (size_t i = 0; i < c->n_parts; i++)
			if (streq_ptr(c->parts[i].mount, m)) {
				diag_error(
					c->d, l->loc,
					_("'part %s' was made on line %d already; give each member partition its own name"),
					m, c->parts[i].loc.line);
				return -EINVAL;
			}
	if (ks_member_of(m) == KS_MEMBER_RAID) {
		/* A member: its size and disk; the raid line has the rest. */
		if (read_volume(c, l, &p) < 0) {
			ks_part_done(&p);
			return -EINVAL;
		}
		/* mdmember, and the names older kickstarts gave it (blivet's
		 * "software RAID", "raid"), say what the member is anyway. */
		const char *mfs = ks_opt(l, "--fstype");
		bool quiet_fs = !mfs || strcmp(mfs, "mdmember") == 0 || strcmp(mfs, "raid") == 0 ||
				strcmp(mfs, "software RAID") == 0;
		if (!quiet_fs || p.label || p.fsoptions || p.encrypt)
			diag_warn(
				c->d, l->loc,
				_("RAID member '%s' holds no file system of its own; its --fstype, --label, --fsoptions and --encrypted were ignored (give them to the raid line)"),
				m);
		const char *d = ks_opt(l, "--ondisk");
		p.disk = xstrdup(d);
		*(ks_part *)xappend(&c->parts, &c->n_parts, sizeof(p)) = p;
		return 0;
	}
	const char *fst = ks_opt(l, "--fstype");
	/* The planner makes the BIOS boot partition when it is needed. */
	if (strcmp(m, "biosboot") == 0 || streq_ptr(fst, "biosboot"))
		return 0;
	if (streq_ptr(fst, "prepboot") || strcmp(m, "prepboot") == 0) {
		diag_warn(c->d, l->loc,
			  _("PReP boot partitions are not supported and were ignored"));
		return 0;
	}
	if (read_volume(c, l, &p) < 0) {
		ks_part_done(&p);
		return -EINVAL;
	}
	const char *v;
	if ((v = ks_opt(l, "--ondisk")) && !p.onpart)
		p.disk = xstrdup(v);
	*(ks_part *)xappend(&c->parts, &c->n_parts, sizeof(p)) = p;
	return 0;
}

static int cmd_logvol(ks_ctx *c, const ks_line *l)
{
	ks_part p = {0};
	const char *v;
	uint64_t x;
	if (c->first_logvol.line == 0)
		c->first_logvol = l->loc;
	if (!ks_has(l, "--vgname") || !ks_has(l, "--name")) {
		diag_error(c->d, l->loc, _("'logvol' needs --vgname and --name"));
		return -EINVAL;
	}
	if (read_volume(c, l, &p) < 0)
		goto fail;
	p.vgname = xstrdup(ks_opt(l, "--vgname"));
	p.name = xstrdup(ks_opt(l, "--name"));
	if ((v = ks_opt(l, "--percent"))) {
		if (parse_uint(c, l, "--percent", v, 100, &x) < 0 || x == 0) {
			if (x == 0)
				diag_error(c->d, l->loc, _("'logvol --percent' must be 1 to 100"));
			goto fail;
		}
		p.percent = (uint32_t)x * 100;
	}
	if (ks_has(l, "--thinpool")) {
		/* "logvol none --thinpool": the pool holds the thin volumes
		 * and is mounted nowhere. With no thin provisioning here the
		 * pool is not made; its volumes become plain volumes of the
		 * group (below), which take the room the pool would have. */
		diag_warn(
			c->d, l->loc,
			_("thin pools are not supported; pool '%s' is not made and its thin volumes become plain volumes of volume group '%s'"),
			p.name, p.vgname);
		ks_part_done(&p);
		return 0;
	}
	if (ks_has(l, "--thin"))
		diag_warn(
			c->d, l->loc,
			_("thin logical volumes are not supported; '%s' is carried over as a plain volume"),
			p.name);
	*(ks_part *)xappend(&c->lvs, &c->n_lvs, sizeof(p)) = p;
	return 0;
fail:
	ks_part_done(&p);
	return -EINVAL;
}

static int cmd_volgroup(ks_ctx *c, const ks_line *l)
{
	if (l->n_args < 2 && !ks_has(l, "--useexisting")) {
		diag_error(c->d, l->loc, _("'volgroup' needs a name and its physical volumes"));
		return -EINVAL;
	}
	if (ks_has(l, "--useexisting") || ks_has(l, "--noformat")) {
		diag_error(c->d, l->loc, _("'volgroup --useexisting/--noformat' is not supported"));
		return -EINVAL;
	}
	for (size_t i = 0; i < c->n_vgs; i++)
		if (strcmp(c->vgs[i].name, l->args[0]) == 0) {
			diag_error(c->d, l->loc, _("volume group '%s' was made on line %d already"),
				   l->args[0], c->vgs[i].loc.line);
			return -EINVAL;
		}
	for (size_t a = 1; a < l->n_args; a++)
		for (size_t i = 0; i < c->n_vgs; i++)
			if (strv_contains(c->vgs[i].pvs, l->args[a])) {
				diag_error(
					c->d, l->loc,
					_("physical volume '%s' is in volume group '%s' already"),
					l->args[a], c->vgs[i].name);
				return -EINVAL;
			}
	ks_vg *g = xappend(&c->vgs, &c->n_vgs, sizeof(*g));
	g->name = xstrdup(l->args[0]);
	g->pvs = strv_copy(l->args + 1);
	g->loc = l->loc;
	return 0;
}

/* pykickstart's --level words: RAID1, raid1, 1 (and RAID0/4, which md
 * has and the installer does not make). */
static int parse_raid_level(const char *v)
{
	if (strncasecmp(v, "raid", 4) == 0)
		v += 4;
	if (strcmp(v, "1") == 0)
		return 1;
	if (strcmp(v, "5") == 0)
		return 5;
	if (strcmp(v, "6") == 0)
		return 6;
	if (strcmp(v, "10") == 0)
		return 10;
	return 0;
}

static int cmd_raid(ks_ctx *c, const ks_line *l)
{
	const char *v;
	ks_part p = {0};
	if (c->first_part.line == 0)
		c->first_part = l->loc;
	if (ks_member_of(l->args[0]) == KS_MEMBER_BTRFS) {
		diag_warn(c->d, l->loc,
			  _("'raid %s': btrfs on RAID is not supported and was ignored"),
			  l->args[0]);
		return -ENOTSUP;
	}
	if (l->n_args < 2) {
		diag_error(c->d, l->loc,
			   _("'raid' needs a mount point and its members (part raid.NN lines)"));
		return -EINVAL;
	}
	v = ks_opt(l, "--level");
	int level = v ? parse_raid_level(v) : 0;
	if (!v || level == 0) {
		diag_error(
			c->d, l->loc,
			v ? _("'raid --level=%s' is not supported; use RAID1, RAID5, RAID6 or RAID10")
			  : _("'raid' needs --level%s"),
			v ? v : "");
		return -EINVAL;
	}
	const char *dev = ks_opt(l, "--device");
	if (!dev) {
		diag_error(c->d, l->loc, _("'raid' needs --device"));
		return -EINVAL;
	}
	if (startswith(dev, "/dev/md/"))
		dev += strlen("/dev/md/");
	else if (startswith(dev, "/dev/"))
		dev += strlen("/dev/");
	for (size_t i = 0; i < c->n_raids; i++)
		if (strcmp(c->raids[i].name, dev) == 0) {
			diag_error(c->d, l->loc, _("RAID '%s' was made on line %d already"), dev,
				   c->raids[i].loc.line);
			return -EINVAL;
		}
	for (size_t a = 1; a < l->n_args; a++)
		for (size_t i = 0; i < c->n_raids; i++)
			if (strv_contains(c->raids[i].members, l->args[a])) {
				diag_error(
					c->d, l->loc,
					_("'%s' is a member of RAID '%s' (line %d) already; give each array its own members"),
					l->args[a], c->raids[i].name, c->raids[i].loc.line);
				return -EINVAL;
			}
	uint64_t spares = 0;
	if ((v = ks_opt(l, "--spares")) && parse_uint(c, l, "--spares", v, 64, &spares) < 0)
		return -EINVAL;
	/* Mount point, --fstype, --label, --fsoptions, --encrypted as a
	 * part line has them. */
	ks_line one = *l;
	one.n_args = 1;
	if (read_volume(c, &one, &p) < 0) {
		ks_part_done(&p);
		return -EINVAL;
	}
	ks_raid *r = xappend(&c->raids, &c->n_raids, sizeof(*r));
	r->mount = TAKE_PTR(p.mount);
	r->name = xstrdup(dev);
	r->level = level;
	r->spares = (int)spares;
	r->fs = p.fs;
	r->encrypt = p.encrypt;
	r->label = TAKE_PTR(p.label);
	r->fsoptions = TAKE_PTR(p.fsoptions);
	r->members = strv_copy(l->args + 1);
	r->loc = l->loc;
	ks_part_done(&p);
	return 0;
}

/* btrfs MOUNT --label=L btrfs.01 (a volume over its one member) or
 * btrfs MOUNT --subvol --name=N PARENT (a subvolume of the volume whose
 * label, name or mount point PARENT is, also LABEL=L): pykickstart's
 * commands/btrfs.py. */
static int cmd_btrfs(ks_ctx *c, const ks_line *l)
{
	bool subvol = ks_has(l, "--subvol");
	if (ks_has(l, "--useexisting") || ks_has(l, "--noformat")) {
		diag_error(
			c->d, l->loc,
			_("'btrfs --useexisting/--noformat' is not supported: the installer makes a new btrfs"));
		return -EINVAL;
	}
	if (l->n_args < 2) {
		diag_error(
			c->d, l->loc,
			subvol ? _("'btrfs --subvol' needs a mount point and the volume it is made on")
			       : _("'btrfs' needs a mount point (or none) and its member partitions btrfs.NN"));
		return -EINVAL;
	}
	if (subvol && !ks_opt(l, "--name")) {
		diag_error(c->d, l->loc, _("'btrfs --subvol' needs --name=NAME"));
		return -EINVAL;
	}
	if (subvol && l->n_args != 2) {
		diag_error(c->d, l->loc, _("'btrfs --subvol' takes one volume, not %zu"),
			   l->n_args - 1);
		return -EINVAL;
	}
	if (!subvol && l->n_args > 2) {
		diag_error(
			c->d, l->loc,
			_("a btrfs volume over %zu partitions (btrfs RAID) is not supported; make it of one btrfs.NN partition"),
			l->n_args - 1);
		return -EINVAL;
	}
	const char *v;
	if (!subvol && ((v = ks_opt(l, "--data")) || (v = ks_opt(l, "--metadata"))))
		diag_warn(
			c->d, l->loc,
			_("'btrfs --data/--metadata=%s' was ignored: a volume of one partition keeps btrfs's defaults"),
			v);
	ks_btrfs *b = xappend(&c->btrfs, &c->n_btrfs, sizeof(*b));
	b->mount = xstrdup(l->args[0]);
	b->subvol = subvol;
	b->name = xstrdup(ks_opt(l, "--name"));
	b->label = xstrdup(ks_opt(l, "--label"));
	b->members = strv_copy(l->args + 1);
	b->fsoptions = xstrdup(ks_opt(l, "--fsoptions"));
	b->loc = l->loc;
	return 0;
}

static int cmd_autopart(ks_ctx *c, const ks_line *l)
{
	azl_storage *s = &c->m->storage;
	const char *v;
	c->autopart = l->loc;
	c->m->has_storage = true;
	if ((v = ks_opt(l, "--type"))) {
		if (strcmp(v, "plain") == 0)
			s->layout = AZL_LAYOUT_PLAIN;
		else if (strcmp(v, "lvm") == 0)
			s->layout = AZL_LAYOUT_LVM;
		else if (strcmp(v, "btrfs") == 0) {
			/* Fedora's default: / and /home subvolumes of one
			 * btrfs partition, /boot ext4. */
			s->layout = AZL_LAYOUT_PLAIN;
			s->filesystem = AZL_FS_BTRFS;
		} else if (strcmp(v, "thinp") == 0) {
			diag_warn(c->d, l->loc,
				  _("'autopart --type=%s' is not supported; 'lvm' is used"), v);
			s->layout = AZL_LAYOUT_LVM;
		} else {
			diag_error(c->d, l->loc,
				   _("'autopart --type=%s': use lvm, plain, thinp or btrfs"), v);
			return -EINVAL;
		}
	}
	/* pykickstart (commands/autopart.py, F17_AutoPart): --nolvm is
	 * --type=plain; the later of the two on the line wins. */
	for (size_t i = 0; i < l->n_opts; i++)
		if (strcmp(l->opts[i].canon, "--nolvm") == 0)
			s->layout = AZL_LAYOUT_PLAIN;
		else if (strcmp(l->opts[i].canon, "--type") == 0 &&
			 (streq_ptr(l->opts[i].value, "plain") ||
			  streq_ptr(l->opts[i].value, "btrfs")))
			s->layout = AZL_LAYOUT_PLAIN;
		else if (strcmp(l->opts[i].canon, "--type") == 0)
			s->layout = AZL_LAYOUT_LVM;
	if ((v = ks_opt(l, "--fstype"))) {
		azl_fs fs;
		if (parse_fstype(c, l, v, &fs) < 0)
			return -EINVAL;
		if (s->filesystem == AZL_FS_BTRFS) {
			diag_warn(c->d, l->loc,
				  _("'autopart --fstype=%s' was ignored: --type=btrfs makes btrfs"),
				  v);
			fs = AZL_FS_BTRFS;
		} else if (fs != AZL_FS_EXT4 && fs != AZL_FS_XFS) {
			diag_error(c->d, l->loc,
				   _("'autopart --fstype=%s': the root file system is ext4 or xfs"),
				   v);
			return -EINVAL;
		}
		s->filesystem = fs;
	}
	if (ks_has(l, "--noswap"))
		s->swap = false;
	if (ks_has(l, "--encrypted")) {
		take_passphrase(c, l);
		luks_options(c, l);
	}
	return 0;
}

static int cmd_reqpart(ks_ctx *c, const ks_line *l)
{
	c->reqpart = l->loc;
	c->reqpart_boot = ks_has(l, "--add-boot");
	return 0;
}

static int cmd_clearpart(ks_ctx *c, const ks_line *l)
{
	azl_storage *s = &c->m->storage;
	const char *v;
	int n = ks_has(l, "--all") + ks_has(l, "--linux") + ks_has(l, "--none") +
		ks_has(l, "--list");
	if (n > 1) {
		diag_error(c->d, l->loc,
			   _("'clearpart' takes one of --all, --linux, --none and --list"));
		return -EINVAL;
	}
	c->m->has_storage = true;
	c->clearpart = l->loc;
	if (ks_has(l, "--all"))
		s->wipe = AZL_WIPE_ALL;
	else if (ks_has(l, "--linux"))
		s->wipe = AZL_WIPE_LINUX;
	else if (ks_has(l, "--none") || n == 0)
		s->wipe = AZL_WIPE_NONE;
	else {
		diag_warn(
			c->d, l->loc,
			_("'clearpart --list' is not supported; nothing is removed (wipe: none)"));
		s->wipe = AZL_WIPE_NONE;
	}
	if ((v = ks_opt(l, "--drives"))) {
		strv_free(c->clear_drives);
		c->clear_drives = split_list(v, ",");
		c->clearpart_drives = l->loc;
	}
	if ((v = ks_opt(l, "--disklabel"))) {
		if (strcmp(v, "gpt") == 0)
			s->table = AZL_TABLE_GPT;
		else if (strcmp(v, "msdos") == 0 || strcmp(v, "mbr") == 0)
			s->table = AZL_TABLE_MSDOS;
		else {
			diag_error(c->d, l->loc, _("'clearpart --disklabel=%s': use gpt or msdos"),
				   v);
			return -EINVAL;
		}
	}
	return 0;
}

static void set_disks(ks_ctx *c, char **drives, azl_loc loc)
{
	azl_storage *s = &c->m->storage;
	for (size_t i = 0; i < s->n_disks; i++)
		disk_spec_done(&s->disks[i]);
	free(s->disks);
	s->disks = NULL;
	s->n_disks = 0;
	for (char **p = drives; p && *p; p++) {
		azl_disk_spec *ds = xappend(&s->disks, &s->n_disks, sizeof(*ds));
		ds->path = disk_path(*p);
		ds->loc = loc;
	}
	c->m->has_storage = true;
}

static int cmd_ignoredisk(ks_ctx *c, const ks_line *l)
{
	const char *v = ks_opt(l, "--only-use");
	if (v) {
		_cleanup_strv_free_ char **d = split_list(v, ",");
		set_disks(c, d, l->loc);
		c->have_only_use = true;
	}
	if (ks_has(l, "--drives"))
		not_carried(c, l, "--drives");
	if (!v && !ks_has(l, "--drives") && !ks_has(l, "--interactive")) {
		diag_error(c->d, l->loc, _("'ignoredisk' needs --only-use or --drives"));
		return -EINVAL;
	}
	return 0;
}

static int cmd_zerombr(ks_ctx *c, const ks_line *l)
{
	return 0;
}

/* --- boot loader -------------------------------------------------------- */

static int cmd_bootloader(ks_ctx *c, const ks_line *l)
{
	azl_bootloader *b = &c->m->bootloader;
	const char *v;
	b->loc = l->loc;
	if ((v = ks_opt(l, "--append"))) {
		char **words = NULL;
		const char *why;
		if (ks_split(v, strlen(v), &words, &why) < 0) {
			diag_error(c->d, l->loc, _("'bootloader --append': %s"), _(why));
			return -EINVAL;
		}
		strv_free(b->kernel_args);
		b->kernel_args = words;
	}
	uint64_t x;
	if ((v = ks_opt(l, "--timeout"))) {
		if (parse_uint(c, l, "--timeout", v, 3600, &x) < 0)
			return -EINVAL;
		b->timeout = (int)x;
	}
	if ((v = ks_opt(l, "--location")) && strcmp(v, "mbr") != 0 && strcmp(v, "boot") != 0 &&
	    strcmp(v, "partition") != 0) {
		if (strcmp(v, "none") == 0)
			diag_warn(
				c->d, l->loc,
				_("'bootloader --location=none' is not supported; a boot loader is installed"));
		else {
			diag_error(
				c->d, l->loc,
				_("'bootloader --location=%s': use mbr, partition, boot or none"),
				v);
			return -EINVAL;
		}
	}
	/* Kept as a path here; ks_finish() turns it into an index when it
	 * names one of storage.disks, which may be given later. */
	if ((v = ks_opt(l, "--boot-drive"))) {
		if (!*v) {
			diag_error(c->d, l->loc, _("'bootloader --boot-drive' needs a disk"));
			return -EINVAL;
		}
		free(b->boot_drive_path);
		b->boot_drive_path = disk_path(v);
		b->boot_drive_index = 0;
	}
	/* GRUB's superuser password. --md5pass is the old spelling of
	 * --password with --iscrypted. A hash GRUB 2 cannot read would drop
	 * the control: an error unless convert --force. */
	const char *pw = ks_opt(l, "--password");
	bool crypted = ks_has(l, "--iscrypted");
	if ((v = ks_opt(l, "--md5pass"))) {
		pw = v;
		crypted = true;
	}
	secret_free(b->password);
	b->password = NULL;
	free(b->password_hash);
	b->password_hash = NULL;
	if (pw && !*pw) {
		diag_error(c->d, l->loc, _("'bootloader --password' needs a password"));
		return -EINVAL;
	}
	if (pw && crypted && !startswith(pw, "grub.pbkdf2.")) {
		diag_add(
			c->d, c->d->force ? AZL_WARNING : AZL_ERROR, l->loc,
			_("'bootloader --iscrypted' needs a GRUB 2 hash (grub.pbkdf2.sha512..., what grub2-mkpasswd-pbkdf2 prints); GRUB would be left without a password (convert --force drops it)"));
		return c->d->force ? 0 : -EINVAL;
	}
	if (pw && crypted)
		set_str_at(c, l, &b->password_hash, pw);
	else if (pw)
		b->password = secret_new(pw, strlen(pw));
	return 0;
}

/* --- system ------------------------------------------------------------- */

static int cmd_selinux(ks_ctx *c, const ks_line *l)
{
	int n = ks_has(l, "--enforcing") + ks_has(l, "--permissive") + ks_has(l, "--disabled");
	if (n != 1) {
		diag_error(c->d, l->loc,
			   _("'selinux' takes one of --enforcing, --permissive and --disabled"));
		return -EINVAL;
	}
	c->m->selinux = ks_has(l, "--enforcing")    ? AZL_SELINUX_ENFORCING
			: ks_has(l, "--permissive") ? AZL_SELINUX_PERMISSIVE
						    : AZL_SELINUX_DISABLED;
	return 0;
}

static void move_service(ks_ctx *c, const ks_line *l, char ***to, char ***from, const char *name)
{
	char **f = *from;
	for (size_t i = 0; f && f[i]; i++)
		if (strcmp(f[i], name) == 0) {
			free(f[i]);
			memmove(f + i, f + i + 1, (strv_length(f + i + 1) + 1) * sizeof(char *));
			break;
		}
	if (!strv_contains(*to, name)) {
		char *n = xstrdup(name);
		model_note_loc(c->m, n, l->loc);
		strv_push(to, n);
	}
}

static int cmd_services(ks_ctx *c, const ks_line *l)
{
	azl_services *s = &c->m->services;
	const char *v;
	if ((v = ks_opt(l, "--disabled"))) {
		_cleanup_strv_free_ char **w = split_list(v, ",");
		for (char **p = w; *p; p++)
			move_service(c, l, &s->disable, &s->enable, *p);
	}
	if ((v = ks_opt(l, "--enabled"))) {
		_cleanup_strv_free_ char **w = split_list(v, ",");
		for (char **p = w; *p; p++)
			move_service(c, l, &s->enable, &s->disable, *p);
	}
	return 0;
}

/* Every value of a repeatable option (--service=a,b --service=c), each
 * split at commas, added to *to without duplicates. */
static void firewall_list(ks_ctx *c, const ks_line *l, const char *opt, char ***to)
{
	for (size_t i = 0; i < l->n_opts; i++) {
		if (strcmp(l->opts[i].canon, opt) != 0 || !l->opts[i].value)
			continue;
		_cleanup_strv_free_ char **w = split_list(l->opts[i].value, ",");
		for (char **p = w; *p; p++)
			if (!strv_contains(*to, *p)) {
				char *x = xstrdup(*p);
				model_note_loc(c->m, x, l->loc);
				strv_push(to, x);
			}
	}
}

/* Anaconda's firewall rules: --service, --port PORT[:PROTO] (tcp when no
 * protocol, as firewall-offline-cmd is told), --trust, --remove-service,
 * and the old --http/--smtp/--ftp/--telnet (--ssh is in every default
 * zone). firewalld's own spelling is PORT/PROTO. */
static int firewall_rules(ks_ctx *c, const ks_line *l)
{
	azl_firewall *f = &c->m->services.firewall;
	firewall_list(c, l, "--service", &f->services);
	static const char *const legacy[] = {"--http", "--smtp", "--ftp", "--telnet"};
	for (size_t i = 0; i < ELEMENTSOF(legacy); i++)
		if (ks_has(l, legacy[i]) && !strv_contains(f->services, legacy[i] + 2))
			strv_push(&f->services, xstrdup(legacy[i] + 2));
	firewall_list(c, l, "--trust", &f->trusted);
	firewall_list(c, l, "--remove-service", &f->remove_services);
	_cleanup_strv_free_ char **ports = NULL;
	firewall_list(c, l, "--port", &ports);
	for (char **p = ports; p && *p; p++) {
		const char *colon = strchr(*p, ':');
		_cleanup_free_ char *x =
			colon ? xasprintf("%.*s/%s", (int)(colon - *p), *p, colon + 1)
			      : xasprintf("%s/tcp", *p);
		if (!strv_contains(f->ports, x)) {
			model_note_loc(c->m, x, l->loc);
			strv_push(&f->ports, TAKE_PTR(x));
		}
	}
	return 0;
}

static int cmd_firewall(ks_ctx *c, const ks_line *l)
{
	azl_services *s = &c->m->services;
	if (ks_has(l, "--disabled"))
		move_service(c, l, &s->disable, &s->enable, "firewalld");
	else if (ks_has(l, "--enabled") || ks_has(l, "--enable")) {
		move_service(c, l, &s->enable, &s->disable, "firewalld");
		return firewall_rules(c, l);
	} else if (ks_has(l, "--use-system-defaults"))
		return 0;
	else {
		/* pykickstart (commands/firewall.py, FC3_Firewall
		 * _getParser): --enabled defaults to True, so a firewall line
		 * without --enabled/--disabled enables it. */
		move_service(c, l, &s->enable, &s->disable, "firewalld");
		return firewall_rules(c, l);
	}
	return 0;
}

static int cmd_finish(ks_ctx *c, const ks_line *l)
{
	c->finish_seen = true;
	/* halt leaves the machine waiting in the installer: "shell" here. */
	c->m->finish = strcmp(l->cmd, "reboot") == 0 ? AZL_FINISH_REBOOT
		       : strcmp(l->cmd, "halt") == 0 ? AZL_FINISH_SHELL
						     : AZL_FINISH_POWEROFF;
	return 0;
}

static int cmd_noop(ks_ctx *c, const ks_line *l)
{
	return 0;
}

static int cmd_graphical(ks_ctx *c, const ks_line *l)
{
	diag_warn(c->d, l->loc, _("'graphical' is not supported; the installer is text-only"));
	return 0;
}

static int cmd_firstboot(ks_ctx *c, const ks_line *l)
{
	if (ks_has(l, "--enable") || ks_has(l, "--reconfig"))
		diag_warn(
			c->d, l->loc,
			_("'firstboot --enable' is not supported: there is no first-boot setup tool; ignored"));
	return 0;
}

static int cmd_url(ks_ctx *c, const ks_line *l);
static int cmd_liveimg(ks_ctx *c, const ks_line *l);
static int cmd_repo(ks_ctx *c, const ks_line *l);

/* --- repositories ------------------------------------------------------- */

/* The target's dnf variables: Azure Linux 4.0 on the architecture this
 * installer was built for (it installs its own architecture). */
#if defined(__x86_64__)
#define KS_BASEARCH "x86_64"
#elif defined(__aarch64__)
#define KS_BASEARCH "aarch64"
#else
#error "KS_BASEARCH: name the dnf base architecture of this target"
#endif
#define KS_RELEASEVER "4.0"

char *ks_dnf_vars(const char *url)
{
	static const char *const vars[][2] = {
		{"basearch", KS_BASEARCH},
		{"arch", KS_BASEARCH},
		{"releasever", KS_RELEASEVER},
	};
	azl_buf b = {0};
	for (const char *p = url; *p;) {
		bool done = false;
		for (size_t i = 0; *p == '$' && i < ELEMENTSOF(vars); i++) {
			const char *n = vars[i][0];
			size_t k = strlen(n);
			/* $name (not followed by a name character) or
			 * ${name}, as dnf's substitute_vars reads them. */
			if (strncmp(p + 1, n, k) == 0 &&
			    !(p[1 + k] == '_' || (p[1 + k] >= 'a' && p[1 + k] <= 'z') ||
			      (p[1 + k] >= 'A' && p[1 + k] <= 'Z') ||
			      (p[1 + k] >= '0' && p[1 + k] <= '9'))) {
				buf_append(&b, vars[i][1]);
				p += 1 + k;
				done = true;
			} else if (p[1] == '{' && strncmp(p + 2, n, k) == 0 && p[2 + k] == '}') {
				buf_append(&b, vars[i][1]);
				p += 3 + k;
				done = true;
			}
		}
		if (!done)
			buf_appendn(&b, p++, 1);
	}
	return buf_steal(&b);
}

static azl_repo *add_repo(ks_ctx *c, const ks_line *l, const char *name, const char *url)
{
	azl_packages *p = &c->m->packages;
	azl_repo *r = NULL;
	for (size_t i = 0; i < p->n_repos; i++)
		if (streq_ptr(p->repos[i].name, name)) {
			diag_warn(c->d, l->loc,
				  _("repository '%s' was given before; this line replaces it"),
				  name);
			r = &p->repos[i];
			repo_done(r);
		}
	if (!r)
		r = xappend(&p->repos, &p->n_repos, sizeof(*r));
	c->m->has_packages = true;
	r->name = xstrdup(name);
	/* dnf substitutes $basearch and $releasever in Anaconda's
	 * repositories (dnf's conf/substitutions); so here, for the
	 * target. */
	r->baseurl = url ? ks_dnf_vars(url) : NULL;
	r->gpgcheck = true;
	r->priority = 99;
	r->loc = l->loc;
	return r;
}

/* --mirrorlist / --metalink without a base URL: fetched when the install
 * starts (repo.c). Returns -ENOENT when the line has neither. */
static int repo_mirrors(ks_ctx *c, const ks_line *l, const char *name)
{
	const char *ml = ks_opt(l, "--mirrorlist");
	const char *mk = ks_opt(l, "--metalink");
	if (!ml && !mk) {
		diag_error(c->d, l->loc, _("'%s' needs a base URL, --mirrorlist or --metalink"),
			   l->cmd);
		return -EINVAL;
	}
	if (ml && mk) {
		diag_error(c->d, l->loc, _("'%s' takes --mirrorlist or --metalink, not both"),
			   l->cmd);
		return -EINVAL;
	}
	azl_repo *r = add_repo(c, l, name, NULL);
	char **field = ml ? &r->mirrorlist : &r->metalink;
	/* The same substitutions as a base URL (dnf does them in all
	 * three). */
	_cleanup_free_ char *url = ks_dnf_vars(ml ? ml : mk);
	set_str_at(c, l, field, url);
	return 0;
}

static int repo_url(ks_ctx *c, const ks_line *l, const char **ret)
{
	const char *u = ks_opt(l, "--baseurl");
	if (!u)
		u = ks_opt(l, "--url");
	if (!u)
		return -ENOENT;
	if (!startswith(u, "http://") && !startswith(u, "https://") && !startswith(u, "file://")) {
		diag_error(c->d, l->loc,
			   _("'%s' URL '%s' is not supported; use http://, https:// or file://"),
			   l->cmd, u);
		return -EINVAL;
	}
	*ret = u;
	return 0;
}

static int cmd_url(ks_ctx *c, const ks_line *l)
{
	const char *u;
	int r = repo_url(c, l, &u);
	if (r == -ENOENT)
		r = repo_mirrors(c, l, "anaconda");
	else if (r == 0)
		add_repo(c, l, "anaconda", u);
	return r == -ENOENT ? 0 : r;
}

/* liveimg --url=URL [--checksum=SHA256]: the image payload
 * (packages.image); the URL's scheme and the checksum are checked by
 * validation, like the answer file's. */
static int cmd_liveimg(ks_ctx *c, const ks_line *l)
{
	const char *u = ks_opt(l, "--url");
	if (!u || !*u) {
		diag_error(c->d, l->loc, _("'liveimg' needs --url, where the image is"));
		return -EINVAL;
	}
	azl_image *im = &c->m->packages.image;
	c->m->has_packages = true;
	im->loc = l->loc;
	set_str_at(c, l, &im->url, u);
	const char *sum = ks_opt(l, "--checksum");
	if (sum)
		set_str_at(c, l, &im->checksum, sum);
	return 0;
}

/* logging [--host=HOST [--port=PORT]] [--level=LEVEL]: pykickstart's
 * FC6_Logging. The log goes to HOST's syslog as inst.syslog= sends it;
 * --level is the lowest level sent (validation checks the name). */
static int cmd_logging(ks_ctx *c, const ks_line *l)
{
	azl_logging *g = &c->m->logging;
	const char *host = ks_opt(l, "--host"), *port = ks_opt(l, "--port"),
		   *level = ks_opt(l, "--level");
	if (port && !host) {
		diag_error(c->d, l->loc,
			   _("'logging --port' needs --host, the syslog server to send to"));
		return -EINVAL;
	}
	g->loc = l->loc;
	if (host)
		set_str_at(c, l, &g->host, host);
	if (port) {
		uint64_t x;
		if (parse_uint(c, l, "--port", port, 65535, &x) < 0)
			return -EINVAL;
		if (x == 0) {
			diag_error(c->d, l->loc,
				   _("'logging --port' needs a port from 1 to 65535"));
			return -EINVAL;
		}
		g->port = (int)x;
	}
	if (level)
		set_str_at(c, l, &g->level, level);
	return 0;
}

static int cmd_repo(ks_ctx *c, const ks_line *l)
{
	const char *name = ks_opt(l, "--name");
	const char *u;
	if (!name || !*name) {
		diag_error(c->d, l->loc, _("'repo' needs --name"));
		return -EINVAL;
	}
	int r = repo_url(c, l, &u);
	if (r == -ENOENT)
		r = repo_mirrors(c, l, name);
	else if (r == 0)
		add_repo(c, l, name, u);
	return r == -ENOENT ? 0 : r;
}

/* --- the command table -------------------------------------------------- */

#define O(n, a, s)                                                                                 \
	{                                                                                          \
		n, NULL, a, s                                                                      \
	}
#define A(n, canon, a, s)                                                                          \
	{                                                                                          \
		n, canon, a, s                                                                     \
	}
#define END                                                                                        \
	{                                                                                          \
		NULL, NULL, 0, 0                                                                   \
	}

static const ks_option opt_lang[] = {O("--addsupport", KS_VALUE, KS_WARN), END};
static const ks_option opt_keyboard[] = {O("--vckeymap", KS_VALUE, KS_DONE),
					 O("--xlayouts", KS_VALUE, KS_DONE),
					 O("--switch", KS_VALUE, KS_WARN), END};
static const ks_option opt_timezone[] = {
	O("--utc", KS_FLAG, KS_QUIET), A("--isUtc", "--utc", KS_FLAG, KS_QUIET),
	O("--nontp", KS_FLAG, KS_DONE), O("--ntpservers", KS_VALUE, KS_DONE), END};
static const ks_option opt_timesource[] = {
	O("--ntp-server", KS_VALUE, KS_DONE), O("--ntp-pool", KS_VALUE, KS_DONE),
	O("--ntp-disable", KS_FLAG, KS_DONE), O("--nts", KS_FLAG, KS_WARN), END};
static const ks_option opt_rootpw[] = {
	O("--iscrypted", KS_FLAG, KS_DONE), O("--plaintext", KS_FLAG, KS_QUIET),
	O("--lock", KS_FLAG, KS_DONE), O("--allow-ssh", KS_FLAG, KS_DONE), END};
static const ks_option opt_user[] = {
	O("--name", KS_VALUE, KS_DONE),	    O("--gecos", KS_VALUE, KS_DONE),
	O("--groups", KS_VALUE, KS_DONE),   O("--homedir", KS_VALUE, KS_DONE),
	O("--iscrypted", KS_FLAG, KS_DONE), O("--plaintext", KS_FLAG, KS_QUIET),
	O("--lock", KS_FLAG, KS_DONE),	    O("--password", KS_VALUE, KS_DONE),
	O("--shell", KS_VALUE, KS_DONE),    O("--uid", KS_VALUE, KS_DONE),
	O("--gid", KS_VALUE, KS_WARN),	    END};
static const ks_option opt_sshkey[] = {O("--username", KS_VALUE, KS_DONE), END};
static const ks_option opt_network[] = {O("--bootproto", KS_VALUE, KS_DONE),
					O("--device", KS_VALUE, KS_DONE),
					O("--ip", KS_VALUE, KS_DONE),
					O("--netmask", KS_VALUE, KS_DONE),
					O("--gateway", KS_VALUE, KS_DONE),
					O("--nameserver", KS_VALUE, KS_DONE),
					O("--hostname", KS_VALUE, KS_DONE),
					O("--vlanid", KS_VALUE, KS_DONE),
					O("--interfacename", KS_VALUE, KS_DONE),
					O("--bondslaves", KS_VALUE, KS_DONE),
					O("--bondopts", KS_VALUE, KS_DONE),
					O("--onboot", KS_VALUE, KS_DONE),
					O("--activate", KS_FLAG, KS_DONE),
					O("--no-activate", KS_FLAG, KS_DONE),
					O("--ipv6", KS_VALUE, KS_DONE),
					O("--ipv6gateway", KS_VALUE, KS_DONE),
					O("--noipv4", KS_FLAG, KS_DONE),
					O("--noipv6", KS_FLAG, KS_DONE),
					O("--mtu", KS_VALUE, KS_WARN),
					O("--nodefroute", KS_FLAG, KS_WARN),
					O("--nodns", KS_FLAG, KS_WARN),
					O("--ethtool", KS_VALUE, KS_WARN),
					O("--essid", KS_VALUE, KS_WARN),
					O("--wepkey", KS_VALUE, KS_WARN),
					O("--wpakey", KS_VALUE, KS_WARN),
					O("--dhcpclass", KS_VALUE, KS_WARN),
					O("--teamslaves", KS_VALUE, KS_WARN),
					O("--teamconfig", KS_VALUE, KS_WARN),
					O("--bridgeslaves", KS_VALUE, KS_WARN),
					O("--bridgeopts", KS_VALUE, KS_WARN),
					O("--bindto", KS_VALUE, KS_WARN),
					O("--ipv4-dns-search", KS_VALUE, KS_WARN),
					O("--ipv6-dns-search", KS_VALUE, KS_WARN),
					O("--ipv4-ignore-auto-dns", KS_FLAG, KS_WARN),
					O("--ipv6-ignore-auto-dns", KS_FLAG, KS_WARN),
					END};
#define VOLUME_OPTS                                                                                \
	O("--size", KS_VALUE, KS_DONE), O("--grow", KS_FLAG, KS_DONE),                             \
		O("--maxsize", KS_VALUE, KS_DONE), O("--fstype", KS_VALUE, KS_DONE),               \
		O("--encrypted", KS_FLAG, KS_DONE), O("--passphrase", KS_VALUE, KS_DONE),          \
		O("--luks-version", KS_VALUE, KS_DONE), O("--pbkdf", KS_VALUE, KS_DONE),           \
		O("--pbkdf-memory", KS_VALUE, KS_DONE), O("--pbkdf-time", KS_VALUE, KS_DONE),      \
		O("--pbkdf-iterations", KS_VALUE, KS_DONE), O("--label", KS_VALUE, KS_DONE),       \
		O("--fsoptions", KS_VALUE, KS_DONE), O("--recommended", KS_FLAG, KS_DONE),         \
		O("--hibernation", KS_FLAG, KS_DONE), O("--noformat", KS_FLAG, KS_DONE),           \
		O("--useexisting", KS_FLAG, KS_DONE), O("--fsprofile", KS_VALUE, KS_WARN),         \
		O("--mkfsoptions", KS_VALUE, KS_WARN), O("--cipher", KS_VALUE, KS_WARN),           \
		O("--escrowcert", KS_VALUE, KS_WARN), O("--backuppassphrase", KS_FLAG, KS_WARN),   \
		O("--resize", KS_FLAG, KS_WARN)
static const ks_option opt_part[] = {VOLUME_OPTS,
				     O("--ondisk", KS_VALUE, KS_DONE),
				     A("--ondrive", "--ondisk", KS_VALUE, KS_DONE),
				     O("--onpart", KS_VALUE, KS_DONE),
				     A("--usepart", "--onpart", KS_VALUE, KS_DONE),
				     O("--asprimary", KS_FLAG, KS_QUIET),
				     O("--onbiosdisk", KS_VALUE, KS_WARN),
				     END};
static const ks_option opt_logvol[] = {VOLUME_OPTS,
				       O("--vgname", KS_VALUE, KS_DONE),
				       O("--name", KS_VALUE, KS_DONE),
				       O("--percent", KS_VALUE, KS_DONE),
				       O("--thin", KS_FLAG, KS_DONE),
				       O("--thinpool", KS_FLAG, KS_DONE),
				       O("--poolname", KS_VALUE, KS_WARN),
				       O("--chunksize", KS_VALUE, KS_WARN),
				       O("--metadatasize", KS_VALUE, KS_WARN),
				       O("--cache-size", KS_VALUE, KS_WARN),
				       O("--cache-mode", KS_VALUE, KS_WARN),
				       O("--cache-pvs", KS_VALUE, KS_WARN),
				       END};
static const ks_option opt_volgroup[] = {
	O("--pesize", KS_VALUE, KS_WARN),	    O("--reserved-space", KS_VALUE, KS_WARN),
	O("--reserved-percent", KS_VALUE, KS_WARN), O("--useexisting", KS_FLAG, KS_DONE),
	O("--noformat", KS_FLAG, KS_DONE),	    END};
static const ks_option opt_raid[] = {O("--level", KS_VALUE, KS_DONE),
				     O("--device", KS_VALUE, KS_DONE),
				     O("--spares", KS_VALUE, KS_DONE),
				     O("--fstype", KS_VALUE, KS_DONE),
				     O("--encrypted", KS_FLAG, KS_DONE),
				     O("--passphrase", KS_VALUE, KS_DONE),
				     O("--luks-version", KS_VALUE, KS_DONE),
				     O("--pbkdf", KS_VALUE, KS_DONE),
				     O("--pbkdf-memory", KS_VALUE, KS_DONE),
				     O("--pbkdf-time", KS_VALUE, KS_DONE),
				     O("--pbkdf-iterations", KS_VALUE, KS_DONE),
				     O("--label", KS_VALUE, KS_DONE),
				     O("--fsoptions", KS_VALUE, KS_DONE),
				     O("--noformat", KS_FLAG, KS_DONE),
				     O("--useexisting", KS_FLAG, KS_DONE),
				     O("--chunksize", KS_VALUE, KS_WARN),
				     O("--fsprofile", KS_VALUE, KS_WARN),
				     O("--mkfsoptions", KS_VALUE, KS_WARN),
				     O("--cipher", KS_VALUE, KS_WARN),
				     O("--escrowcert", KS_VALUE, KS_WARN),
				     O("--backuppassphrase", KS_FLAG, KS_WARN),
				     END};
static const ks_option opt_btrfs[] = {
	O("--subvol", KS_FLAG, KS_DONE),	 O("--name", KS_VALUE, KS_DONE),
	O("--label", KS_VALUE, KS_DONE),	 O("--data", KS_VALUE, KS_DONE),
	O("--metadata", KS_VALUE, KS_DONE),	 O("--fsoptions", KS_VALUE, KS_DONE),
	O("--noformat", KS_FLAG, KS_DONE),	 O("--useexisting", KS_FLAG, KS_DONE),
	O("--mkfsoptions", KS_VALUE, KS_WARN),	 O("--snapshot", KS_FLAG, KS_WARN),
	O("--base-snapshot", KS_VALUE, KS_WARN), END};
static const ks_option opt_autopart[] = {O("--type", KS_VALUE, KS_DONE),
					 O("--fstype", KS_VALUE, KS_DONE),
					 O("--nohome", KS_FLAG, KS_QUIET),
					 O("--noswap", KS_FLAG, KS_DONE),
					 O("--noboot", KS_FLAG, KS_WARN),
					 O("--nolvm", KS_FLAG, KS_DONE),
					 O("--encrypted", KS_FLAG, KS_DONE),
					 O("--passphrase", KS_VALUE, KS_DONE),
					 O("--luks-version", KS_VALUE, KS_DONE),
					 O("--pbkdf", KS_VALUE, KS_DONE),
					 O("--pbkdf-memory", KS_VALUE, KS_DONE),
					 O("--pbkdf-time", KS_VALUE, KS_DONE),
					 O("--pbkdf-iterations", KS_VALUE, KS_DONE),
					 O("--cipher", KS_VALUE, KS_WARN),
					 O("--escrowcert", KS_VALUE, KS_WARN),
					 O("--backuppassphrase", KS_FLAG, KS_WARN),
					 O("--hibernation", KS_FLAG, KS_WARN),
					 END};
static const ks_option opt_reqpart[] = {O("--add-boot", KS_FLAG, KS_DONE), END};
static const ks_option opt_clearpart[] = {O("--all", KS_FLAG, KS_DONE),
					  O("--linux", KS_FLAG, KS_DONE),
					  O("--none", KS_FLAG, KS_DONE),
					  O("--list", KS_VALUE, KS_DONE),
					  O("--drives", KS_VALUE, KS_DONE),
					  O("--initlabel", KS_FLAG, KS_QUIET),
					  O("--disklabel", KS_VALUE, KS_DONE),
					  O("--cdl", KS_FLAG, KS_WARN),
					  END};
static const ks_option opt_ignoredisk[] = {
	O("--only-use", KS_VALUE, KS_DONE), A("--onlyuse", "--only-use", KS_VALUE, KS_DONE),
	O("--drives", KS_VALUE, KS_DONE), O("--interactive", KS_FLAG, KS_WARN), END};
static const ks_option opt_bootloader[] = {O("--append", KS_VALUE, KS_DONE),
					   O("--timeout", KS_VALUE, KS_DONE),
					   O("--location", KS_VALUE, KS_DONE),
					   O("--boot-drive", KS_VALUE, KS_DONE),
					   O("--password", KS_VALUE, KS_DONE),
					   O("--iscrypted", KS_FLAG, KS_QUIET),
					   O("--driveorder", KS_VALUE, KS_WARN),
					   O("--leavebootorder", KS_FLAG, KS_WARN),
					   O("--md5pass", KS_VALUE, KS_DONE),
					   O("--extlinux", KS_FLAG, KS_WARN),
					   O("--sdboot", KS_FLAG, KS_WARN),
					   O("--nombr", KS_FLAG, KS_WARN),
					   O("--disabled", KS_FLAG, KS_WARN),
					   O("--btrfs-snapshot", KS_VALUE, KS_WARN),
					   END};
static const ks_option opt_selinux[] = {O("--enforcing", KS_FLAG, KS_DONE),
					O("--permissive", KS_FLAG, KS_DONE),
					O("--disabled", KS_FLAG, KS_DONE), END};
static const ks_option opt_services[] = {O("--enabled", KS_VALUE, KS_DONE),
					 O("--disabled", KS_VALUE, KS_DONE), END};
static const ks_option opt_firewall[] = {O("--enabled", KS_FLAG, KS_DONE),
					 A("--enable", "--enabled", KS_FLAG, KS_DONE),
					 O("--disabled", KS_FLAG, KS_DONE),
					 A("--disable", "--disabled", KS_FLAG, KS_DONE),
					 O("--use-system-defaults", KS_FLAG, KS_DONE),
					 O("--service", KS_VALUE, KS_DONE),
					 O("--port", KS_VALUE, KS_DONE),
					 O("--trust", KS_VALUE, KS_DONE),
					 O("--remove-service", KS_VALUE, KS_DONE),
					 O("--ssh", KS_FLAG, KS_QUIET),
					 O("--smtp", KS_FLAG, KS_DONE),
					 O("--http", KS_FLAG, KS_DONE),
					 O("--ftp", KS_FLAG, KS_DONE),
					 O("--telnet", KS_FLAG, KS_DONE),
					 END};
static const ks_option opt_finish[] = {O("--eject", KS_FLAG, KS_QUIET),
				       O("--kexec", KS_FLAG, KS_WARN), END};
static const ks_option opt_firstboot[] = {
	O("--enable", KS_FLAG, KS_DONE),   A("--enabled", "--enable", KS_FLAG, KS_DONE),
	O("--disable", KS_FLAG, KS_QUIET), A("--disabled", "--disable", KS_FLAG, KS_QUIET),
	O("--reconfig", KS_FLAG, KS_DONE), END};
static const ks_option opt_eula[] = {O("--agreed", KS_FLAG, KS_QUIET),
				     A("--agree", "--agreed", KS_FLAG, KS_QUIET),
				     A("--accept", "--agreed", KS_FLAG, KS_QUIET), END};
static const ks_option opt_text[] = {O("--non-interactive", KS_FLAG, KS_QUIET), END};
static const ks_option opt_url[] = {O("--url", KS_VALUE, KS_DONE),
				    O("--mirrorlist", KS_VALUE, KS_DONE),
				    O("--metalink", KS_VALUE, KS_DONE),
				    O("--proxy", KS_VALUE, KS_WARN),
				    O("--noverifyssl", KS_FLAG, KS_WARN),
				    O("--sslcacert", KS_VALUE, KS_WARN),
				    O("--sslclientcert", KS_VALUE, KS_WARN),
				    O("--sslclientkey", KS_VALUE, KS_WARN),
				    END};
static const ks_option opt_logging[] = {O("--host", KS_VALUE, KS_DONE),
					O("--port", KS_VALUE, KS_DONE),
					O("--level", KS_VALUE, KS_DONE), END};
static const ks_option opt_liveimg[] = {
	O("--url", KS_VALUE, KS_DONE), O("--checksum", KS_VALUE, KS_DONE),
	O("--proxy", KS_VALUE, KS_WARN), O("--noverifyssl", KS_FLAG, KS_WARN), END};
static const ks_option opt_repo[] = {O("--name", KS_VALUE, KS_DONE),
				     O("--baseurl", KS_VALUE, KS_DONE),
				     O("--mirrorlist", KS_VALUE, KS_DONE),
				     O("--metalink", KS_VALUE, KS_DONE),
				     O("--cost", KS_VALUE, KS_WARN),
				     O("--excludepkgs", KS_VALUE, KS_WARN),
				     O("--includepkgs", KS_VALUE, KS_WARN),
				     O("--proxy", KS_VALUE, KS_WARN),
				     O("--noverifyssl", KS_FLAG, KS_WARN),
				     O("--install", KS_FLAG, KS_WARN),
				     O("--ignoregroups", KS_VALUE, KS_WARN),
				     O("--sslcacert", KS_VALUE, KS_WARN),
				     O("--sslclientcert", KS_VALUE, KS_WARN),
				     O("--sslclientkey", KS_VALUE, KS_WARN),
				     END};

#define CMD(n, k, o, h, lo, hi)                                                                    \
	{                                                                                          \
		n, k, o, h, lo, hi                                                                 \
	}
#define REMOVED(n)                                                                                 \
	{                                                                                          \
		n, KS_REMOVED, NULL, NULL, 0, -1                                                   \
	}
#define UNSUPPORTED(n)                                                                             \
	{                                                                                          \
		n, KS_UNSUPPORTED, NULL, NULL, 0, -1                                               \
	}
#define REFUSED(n)                                                                                 \
	{                                                                                          \
		n, KS_REFUSED, NULL, NULL, 0, -1                                                   \
	}

/* Sorted by name (ks_command_find bisects). */
const ks_command ks_commands[] = {
	REMOVED("auth"),
	REMOVED("authconfig"),
	UNSUPPORTED("authselect"),
	CMD("autopart", KS_SINGLE, opt_autopart, cmd_autopart, 0, 0),
	REMOVED("autostep"),
	REFUSED("bootc"),
	CMD("bootloader", KS_SINGLE, opt_bootloader, cmd_bootloader, 0, 0),
	CMD("btrfs", KS_MULTI, opt_btrfs, cmd_btrfs, 1, -1),
	UNSUPPORTED("cdrom"),
	CMD("clearpart", KS_SINGLE, opt_clearpart, cmd_clearpart, 0, 0),
	CMD("cmdline", KS_SINGLE, opt_text, cmd_noop, 0, 0),
	REMOVED("device"),
	REMOVED("deviceprobe"),
	REMOVED("dmraid"),
	UNSUPPORTED("driverdisk"),
	CMD("eula", KS_SINGLE, opt_eula, cmd_noop, 0, 0),
	UNSUPPORTED("fcoe"),
	CMD("firewall", KS_SINGLE, opt_firewall, cmd_firewall, 0, 0),
	CMD("firstboot", KS_SINGLE, opt_firstboot, cmd_firstboot, 0, 0),
	CMD("graphical", KS_SINGLE, opt_text, cmd_graphical, 0, 0),
	UNSUPPORTED("group"),
	CMD("halt", KS_SINGLE, opt_finish, cmd_finish, 0, 0),
	UNSUPPORTED("harddrive"),
	UNSUPPORTED("hmc"),
	CMD("ignoredisk", KS_SINGLE, opt_ignoredisk, cmd_ignoredisk, 0, 0),
	REMOVED("install"),
	REMOVED("interactive"),
	UNSUPPORTED("iscsi"),
	UNSUPPORTED("iscsiname"),
	REMOVED("key"),
	CMD("keyboard", KS_SINGLE, opt_keyboard, cmd_keyboard, 0, 1),
	CMD("lang", KS_SINGLE, opt_lang, cmd_lang, 1, 1),
	REMOVED("langsupport"),
	REMOVED("lilo"),
	REMOVED("lilocheck"),
	CMD("liveimg", KS_SINGLE, opt_liveimg, cmd_liveimg, 0, 0),
	CMD("logging", KS_SINGLE, opt_logging, cmd_logging, 0, 0),
	CMD("logvol", KS_MULTI, opt_logvol, cmd_logvol, 1, 1),
	UNSUPPORTED("mediacheck"),
	REMOVED("method"),
	UNSUPPORTED("module"),
	REMOVED("monitor"),
	REMOVED("mouse"),
	REMOVED("multipath"),
	CMD("network", KS_MULTI, opt_network, cmd_network, 0, 0),
	UNSUPPORTED("nfs"),
	REMOVED("nvdimm"),
	REFUSED("ostreecontainer"),
	REFUSED("ostreesetup"),
	CMD("part", KS_MULTI, opt_part, cmd_part, 1, 1),
	CMD("partition", KS_MULTI, opt_part, cmd_part, 1, 1),
	CMD("poweroff", KS_SINGLE, opt_finish, cmd_finish, 0, 0),
	CMD("raid", KS_MULTI, opt_raid, cmd_raid, 1, -1),
	UNSUPPORTED("rdp"),
	UNSUPPORTED("realm"),
	CMD("reboot", KS_SINGLE, opt_finish, cmd_finish, 0, 0),
	CMD("repo", KS_MULTI, opt_repo, cmd_repo, 0, 0),
	CMD("reqpart", KS_SINGLE, opt_reqpart, cmd_reqpart, 0, 0),
	UNSUPPORTED("rescue"),
	UNSUPPORTED("rhsm"),
	CMD("rootpw", KS_SINGLE, opt_rootpw, cmd_rootpw, 0, 1),
	CMD("selinux", KS_SINGLE, opt_selinux, cmd_selinux, 0, 0),
	CMD("services", KS_SINGLE, opt_services, cmd_services, 0, 0),
	CMD("shutdown", KS_SINGLE, opt_finish, cmd_finish, 0, 0),
	CMD("skipx", KS_SINGLE, NULL, cmd_noop, 0, 0),
	UNSUPPORTED("snapshot"),
	CMD("sshkey", KS_MULTI, opt_sshkey, cmd_sshkey, 1, 1),
	UNSUPPORTED("sshpw"),
	UNSUPPORTED("syspurpose"),
	CMD("text", KS_SINGLE, opt_text, cmd_noop, 0, 0),
	CMD("timesource", KS_MULTI, opt_timesource, cmd_timesource, 0, 0),
	CMD("timezone", KS_SINGLE, opt_timezone, cmd_timezone, 0, 1),
	REMOVED("updates"),
	REMOVED("upgrade"),
	CMD("url", KS_SINGLE, opt_url, cmd_url, 0, 0),
	CMD("user", KS_MULTI, opt_user, cmd_user, 0, 0),
	UNSUPPORTED("vnc"),
	CMD("volgroup", KS_MULTI, opt_volgroup, cmd_volgroup, 1, -1),
	UNSUPPORTED("xconfig"),
	CMD("zerombr", KS_SINGLE, NULL, cmd_zerombr, 0, 0),
	UNSUPPORTED("zfcp"),
	UNSUPPORTED("zipl"),
};
const size_t ks_n_commands = ELEMENTSOF(ks_commands);

const ks_command *ks_command_find(const char *name)
{
	size_t lo = 0, hi = ks_n_commands;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int k = strcmp(name, ks_commands[mid].name);
		if (k == 0)
			return &ks_commands[mid];
		if (k < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* --- dispatch ----------------------------------------------------------- */

ks_ctx *ks_ctx_new(azl_model *m, azl_diags *d)
{
	ks_ctx *c = xzalloc(sizeof(*c));
	c->m = m;
	c->d = d;
	c->errors_before = diags_errors(d);
	c->seen = xcalloc(ks_n_commands, sizeof(azl_loc));
	return c;
}

void ks_ctx_free(ks_ctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_parts; i++)
		ks_part_done(&c->parts[i]);
	free(c->parts);
	for (size_t i = 0; i < c->n_lvs; i++)
		ks_part_done(&c->lvs[i]);
	free(c->lvs);
	for (size_t i = 0; i < c->n_vgs; i++) {
		free(c->vgs[i].name);
		strv_free(c->vgs[i].pvs);
	}
	free(c->vgs);
	for (size_t i = 0; i < c->n_raids; i++) {
		free(c->raids[i].mount);
		free(c->raids[i].name);
		free(c->raids[i].label);
		free(c->raids[i].fsoptions);
		strv_free(c->raids[i].members);
	}
	free(c->raids);
	for (size_t i = 0; i < c->n_btrfs; i++) {
		free(c->btrfs[i].mount);
		free(c->btrfs[i].name);
		free(c->btrfs[i].label);
		strv_free(c->btrfs[i].members);
		free(c->btrfs[i].fsoptions);
	}
	free(c->btrfs);
	for (size_t i = 0; i < c->n_keys; i++) {
		free(c->keys[i].user);
		free(c->keys[i].key);
	}
	free(c->keys);
	strv_free(c->clear_drives);
	strv_free(c->dropped);
	free(c->dropped_locs);
	free(c->seen);
	free(c);
}

/* The option name[0..n) names: the one spelled so, else the only one it
 * is a prefix of, as pykickstart's KSOptionParser (options.py, an
 * argparse.ArgumentParser with allow_abbrev left on) accepts
 * "bootloader --disable" for --disabled. *ambiguous is set when the
 * prefix fits more than one option (argparse refuses that too). */
static const ks_option *find_option(const ks_option *options, const char *name, size_t n,
				    bool *ambiguous)
{
	const ks_option *prefix = NULL;
	size_t fits = 0;
	*ambiguous = false;
	for (const ks_option *o = options; o && o->name; o++) {
		if (strlen(o->name) == n && memcmp(o->name, name, n) == 0)
			return o;
		if (n > 2 && strlen(o->name) > n && memcmp(o->name, name, n) == 0) {
			prefix = o;
			fits++;
		}
	}
	if (fits > 1) {
		*ambiguous = true;
		return NULL;
	}
	return prefix;
}

void ks_line_done(ks_line *l)
{
	for (size_t i = 0; i < l->n_opts; i++)
		if (l->opts[i].value) {
			wipe_memory(l->opts[i].value, strlen(l->opts[i].value));
			free(l->opts[i].value);
		}
	free(l->opts);
	free(l->args);
}

int ks_parse_options(ks_ctx *c, const char *name, const ks_option *options, char **words,
		     azl_loc loc, ks_line *ret)
{
	ks_line l = {.cmd = name, .loc = loc};
	l.args = xzalloc(sizeof(char *));
	bool ok = true;
	for (size_t i = 1; words[i]; i++) {
		const char *w = words[i];
		if (!startswith(w, "--") || strcmp(w, "--") == 0) {
			l.args = xrealloc(l.args, (l.n_args + 2) * sizeof(char *));
			l.args[l.n_args++] = words[i];
			l.args[l.n_args] = NULL;
			continue;
		}
		const char *eq = strchr(w, '=');
		size_t n = eq ? (size_t)(eq - w) : strlen(w);
		bool ambiguous;
		const ks_option *o = find_option(options, w, n, &ambiguous);
		if (!o && ambiguous) {
			diag_error(
				c->d, loc,
				_("'%s %.*s' is ambiguous: it abbreviates more than one option; spell it out"),
				name, (int)n, w);
			ok = false;
			continue;
		}
		if (!o) {
			diag_error(c->d, loc, _("'%s' has no option '%.*s'"), name, (int)n, w);
			ok = false;
			continue;
		}
		const char *value = NULL;
		if (o->arg == KS_FLAG) {
			if (eq) {
				diag_error(c->d, loc, _("'%s %s' takes no value"), name, o->name);
				ok = false;
				continue;
			}
		} else if (eq)
			value = eq + 1;
		else if (words[i + 1])
			value = words[++i];
		else {
			diag_error(c->d, loc, _("'%s %s' needs a value"), name, o->name);
			ok = false;
			continue;
		}
		if (o->support == KS_WARN)
			diag_warn(c->d, loc, _("'%s %s' is not supported and was ignored"), name,
				  o->name);
		ks_optval *v = xappend(&l.opts, &l.n_opts, sizeof(*v));
		v->canon = o->canon ? o->canon : o->name;
		v->value = value ? xstrdup(value) : NULL;
	}
	*ret = l;
	return ok ? 0 : -EINVAL;
}

/* pykickstart keeps one object per single command and sets every
 * attribute again from each line's namespace, defaults included
 * (base.py, KickstartCommand.set_to_self): a second line replaces the
 * first entirely. The handlers below add to what an earlier line set, so
 * that is forgotten first. Commands that set one value need nothing. */
static void single_reset(ks_ctx *c, const char *name)
{
	azl_model *m = c->m;
	_cleanup_model_ azl_model *def = model_new();
	if (strcmp(name, "autopart") == 0) {
		m->storage.layout = def->storage.layout;
		m->storage.filesystem = def->storage.filesystem;
		m->storage.swap = def->storage.swap;
		encryption_done(&m->storage.encryption);
		m->storage.encryption = (azl_encryption){0};
	} else if (strcmp(name, "bootloader") == 0) {
		strv_free(m->bootloader.kernel_args);
		m->bootloader.kernel_args = NULL;
		m->bootloader.timeout = def->bootloader.timeout;
		free(m->bootloader.boot_drive_path);
		m->bootloader.boot_drive_path = NULL;
	} else if (strcmp(name, "clearpart") == 0) {
		strv_free(c->clear_drives);
		c->clear_drives = NULL;
		m->storage.table = def->storage.table;
	} else if (strcmp(name, "services") == 0) {
		/* firewalld is the firewall line's, which stays. */
		bool on = strv_contains(m->services.enable, "firewalld");
		bool off = strv_contains(m->services.disable, "firewalld");
		strv_free(m->services.enable);
		strv_free(m->services.disable);
		m->services.enable = m->services.disable = NULL;
		if (on)
			strv_push(&m->services.enable, xstrdup("firewalld"));
		if (off)
			strv_push(&m->services.disable, xstrdup("firewalld"));
	}
}

static bool is_storage_command(const char *name)
{
	static const char *const storage[] = {"part",	  "partition", "logvol",
					      "volgroup", "raid",      "btrfs"};
	for (size_t i = 0; i < ELEMENTSOF(storage); i++)
		if (strcmp(name, storage[i]) == 0)
			return true;
	return false;
}

/* Notes the positional words of a storage line that is refused or not
 * carried over: "/", "pv.01", "vg00" (see ks_ctx.dropped). At most
 * KS_MAX_DROPPED names in all, so that looking them up stays bounded
 * whatever the kickstart; past that, follow-on messages may show. */
#define KS_MAX_DROPPED 256
static void note_dropped(ks_ctx *c, char **words, azl_loc loc)
{
	if (!is_storage_command(words[0]))
		return;
	for (size_t i = 1; words[i] && c->n_dropped < KS_MAX_DROPPED; i++) {
		if (startswith(words[i], "-")) {
			/* "--opt value": the value is no name. */
			if (!strchr(words[i], '=') && words[i + 1] &&
			    !startswith(words[i + 1], "-") && strcmp(words[0], "raid") != 0 &&
			    strcmp(words[0], "btrfs") != 0)
				i++;
			continue;
		}
		if (strv_contains(c->dropped, words[i]))
			continue;
		if (!c->dropped)
			c->dropped = xzalloc(sizeof(char *));
		strv_push(&c->dropped, xstrdup(words[i]));
		*(azl_loc *)xappend(&c->dropped_locs, &c->n_dropped, sizeof(azl_loc)) = loc;
	}
}

const azl_loc *ks_dropped(const ks_ctx *c, const char *name)
{
	for (size_t i = 0; c->dropped && c->dropped[i]; i++)
		if (strcmp(c->dropped[i], name) == 0)
			return &c->dropped_locs[i];
	return NULL;
}

void ks_dispatch(ks_ctx *c, char **words, azl_loc loc)
{
	const char *name = words[0];
	const ks_command *cmd = ks_command_find(name);
	if (!cmd) {
		diag_error(c->d, loc, _("unknown kickstart command '%s'"), name);
		return;
	}
	if (cmd->kind == KS_REMOVED) {
		diag_warn(c->d, loc, _("'%s' was removed from Fedora's kickstart and was ignored"),
			  name);
		return;
	}
	if (cmd->kind == KS_UNSUPPORTED) {
		diag_warn(c->d, loc, _("'%s' is not supported and was ignored"), name);
		note_dropped(c, words, loc);
		return;
	}
	/* Ignoring another payload would install Azure Linux from packages
	 * on a machine meant to get an image or an OSTree deployment. */
	if (cmd->kind == KS_REFUSED) {
		diag_error(
			c->d, loc,
			_("'%s' is not supported (yet): this installer installs Azure Linux from packages or a tarball image (liveimg) only; remove the line, or install this payload with Anaconda"),
			name);
		return;
	}

	ks_line l = {0};
	bool ok = ks_parse_options(c, cmd->name, cmd->options, words, loc, &l) == 0;
	if (ok && (l.n_args < (size_t)cmd->min_args ||
		   (cmd->max_args >= 0 && l.n_args > (size_t)cmd->max_args))) {
		if (cmd->max_args == 0)
			diag_error(c->d, loc, _("'%s' takes no arguments besides options"), name);
		else if (l.n_args < (size_t)cmd->min_args)
			diag_error(c->d, loc, _("'%s' needs %d argument(s)"), name, cmd->min_args);
		else
			diag_error(c->d, loc, _("'%s' takes at most %d argument(s)"), name,
				   cmd->max_args);
		ok = false;
	}
	if (ok) {
		size_t idx = (size_t)(cmd - ks_commands);
		if (cmd->kind == KS_SINGLE && c->seen[idx].line > 0) {
			diag_warn(
				c->d, loc,
				_("'%s' was already given on line %d; this line replaces it (what that line said is dropped)"),
				name, c->seen[idx].line);
			single_reset(c, name);
		}
		c->seen[idx] = loc;
		if (cmd->handler(c, &l) < 0)
			ok = false;
	}
	if (!ok)
		note_dropped(c, words, loc);
	ks_line_done(&l);
}
