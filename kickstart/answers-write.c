/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The answer-file writer. It writes block-style YAML by hand rather than
 * through libyaml's emitter, so that the output is stable, reads like the
 * documentation's examples, and can carry comments (the note where a
 * passphrase was left out).
 */
#include "answers.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "passwd-hash.h"
#include "pbkdf2.h"
#include "util.h"

typedef struct writer {
	azl_buf b;
	bool dash; /* the next key opens a list entry: "- key: ..." */
	int err;
} writer;

static bool is_reserved_word(const char *s)
{
	static const char *const words[] = {
		"null", "true", "false", "yes", "no", "on", "off", "y", "n",
	};
	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

/* A plain scalar reads back as the same string in every position we use
 * it; anything else is double-quoted. */
static bool can_be_plain(const char *s)
{
	if (!s[0] || is_reserved_word(s))
		return false;
	char c = s[0];
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '_'))
		return false;
	for (const char *p = s; *p; p++) {
		c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("/_.@+=,:%^-", c)))
			return false;
	}
	return !endswith(s, ":");
}

/* Decodes one UTF-8 sequence; returns its length, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *ret)
{
	uint32_t c = s[0];
	size_t n;
	if (c < 0x80)
		n = 1;
	else if ((c & 0xe0) == 0xc0)
		n = 2, c &= 0x1f;
	else if ((c & 0xf0) == 0xe0)
		n = 3, c &= 0x0f;
	else if ((c & 0xf8) == 0xf0)
		n = 4, c &= 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*ret = c;
	return n;
}

/* Characters YAML cannot carry raw inside a double-quoted scalar: they
 * would be folded as line breaks or refused as non-printable. */
static bool needs_escape(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0xa0) || c == 0x2028 || c == 0x2029 ||
	       c == 0xfeff || c == 0xfffe || c == 0xffff;
}

static void put_quoted(azl_buf *b, const char *s)
{
	buf_append(b, "\"");
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c;
		size_t n = utf8_decode(p, &c);
		if (n == 0) {
			/* Not UTF-8 (only possible from outside a YAML file);
			 * the nearest thing YAML can hold is the Latin-1
			 * character of the same number. */
			buf_printf(b, "\\x%02x", *p);
			p++;
			continue;
		}
		if (c == '"')
			buf_append(b, "\\\"");
		else if (c == '\\')
			buf_append(b, "\\\\");
		else if (c == '\n')
			buf_append(b, "\\n");
		else if (c == '\t')
			buf_append(b, "\\t");
		else if (c == '\r')
			buf_append(b, "\\r");
		else if (needs_escape(c) && c < 0x100)
			buf_printf(b, "\\x%02x", c);
		else if (needs_escape(c))
			buf_printf(b, "\\u%04x", c);
		else
			buf_appendn(b, (const char *)p, n);
		p += n;
	}
	buf_append(b, "\"");
}

static void put_scalar(azl_buf *b, const char *s)
{
	if (can_be_plain(s))
		buf_append(b, s);
	else
		put_quoted(b, s);
}

/* Multi-line script text reads best as a literal block; only text that a
 * literal block gives back byte for byte is written that way. */
static bool can_be_literal(const char *s)
{
	size_t len = strlen(s);
	if (len < 2 || s[len - 1] != '\n' || s[len - 2] == '\n' || s[0] == ' ' || s[0] == '\t' ||
	    s[0] == '\n')
		return false;
	const unsigned char *p = (const unsigned char *)s;
	bool only_blank = true;
	while (*p) {
		uint32_t c;
		size_t n = utf8_decode(p, &c);
		if (n == 0 || (needs_escape(c) && c != '\n' && c != '\t'))
			return false;
		if (c == '\n') {
			/* A line of only blanks would change the
			 * indentation the reader detects. */
			if (only_blank && p > (const unsigned char *)s && p[-1] != '\n')
				return false;
			only_blank = true;
		} else if (c != ' ' && c != '\t')
			only_blank = false;
		p += n;
	}
	return true;
}

static void indent(writer *w, int ind)
{
	if (w->dash) {
		for (int i = 0; i < ind - 2; i++)
			buf_append(&w->b, " ");
		buf_append(&w->b, "- ");
		w->dash = false;
		return;
	}
	for (int i = 0; i < ind; i++)
		buf_append(&w->b, " ");
}

static void key(writer *w, int ind, const char *k)
{
	indent(w, ind);
	buf_printf(&w->b, "%s:", k);
}

static void kv_raw(writer *w, int ind, const char *k, const char *v)
{
	key(w, ind, k);
	buf_printf(&w->b, " %s\n", v);
}

static void kv_str(writer *w, int ind, const char *k, const char *v)
{
	if (!v)
		return;
	key(w, ind, k);
	buf_append(&w->b, " ");
	put_scalar(&w->b, v);
	buf_append(&w->b, "\n");
}

static void kv_text(writer *w, int ind, const char *k, const char *v)
{
	if (!v || !can_be_literal(v)) {
		kv_str(w, ind, k, v);
		return;
	}
	key(w, ind, k);
	buf_append(&w->b, " |\n");
	for (const char *p = v; *p;) {
		const char *nl = strchr(p, '\n');
		if (nl != p)
			for (int i = 0; i < ind + 2; i++)
				buf_append(&w->b, " ");
		buf_appendn(&w->b, p, (size_t)(nl - p) + 1);
		p = nl + 1;
	}
}

static void kv_bool(writer *w, int ind, const char *k, bool v)
{
	kv_raw(w, ind, k, v ? "true" : "false");
}

static void kv_int(writer *w, int ind, const char *k, long long v)
{
	key(w, ind, k);
	buf_printf(&w->b, " %lld\n", v);
}

static void kv_size(writer *w, int ind, const char *k, const azl_size *s)
{
	_cleanup_free_ char *t = size_format(s);
	if (t)
		kv_raw(w, ind, k, t);
}

static void kv_strv(writer *w, int ind, const char *k, char *const *v)
{
	if (!v)
		return;
	key(w, ind, k);
	if (!v[0]) {
		buf_append(&w->b, " []\n");
		return;
	}
	buf_append(&w->b, "\n");
	for (size_t i = 0; v[i]; i++) {
		indent(w, ind + 2);
		buf_append(&w->b, "- ");
		put_scalar(&w->b, v[i]);
		buf_append(&w->b, "\n");
	}
}

/* Opens a nested mapping; returns the position so close_map() can turn
 * an empty one into "{}". */
static size_t open_map(writer *w, int ind, const char *k)
{
	key(w, ind, k);
	buf_append(&w->b, "\n");
	return w->b.len;
}

static void close_map(writer *w, size_t mark)
{
	if (w->b.len != mark)
		return;
	w->b.len = mark - 1;
	w->b.data[w->b.len] = '\0';
	buf_append(&w->b, " {}\n");
}

/* tpm2: its PCRs always written out, so the file says what was sealed. */
static void write_tpm2(writer *w, const azl_tpm2 *t)
{
	uint32_t mask = t->pcr_mask ? t->pcr_mask : AZL_TPM2_DEFAULT_PCRS;
	size_t m = open_map(w, 4, "tpm2");
	key(w, 6, "pcrs");
	buf_append(&w->b, " [");
	const char *sep = "";
	for (int i = 0; i < 24; i++)
		if (mask & (UINT32_C(1) << i)) {
			buf_printf(&w->b, "%s%d", sep, i);
			sep = ", ";
		}
	buf_append(&w->b, "]\n");
	kv_str(w, 6, "recovery_key_file", t->recovery_key_file);
	close_map(w, m);
}

static void open_entry(writer *w)
{
	w->dash = true;
}

static void close_entry(writer *w, int ind)
{
	if (!w->dash)
		return;
	w->dash = false;
	for (int i = 0; i < ind - 2; i++)
		buf_append(&w->b, " ");
	buf_append(&w->b, "- {}\n");
}

/* --- sections ----------------------------------------------------------- */

static void write_tang(writer *w, const azl_encryption *e)
{
	key(w, 4, "tang");
	buf_append(&w->b, "\n");
	for (size_t i = 0; i < e->n_tang; i++) {
		open_entry(w);
		kv_str(w, 8, "url", e->tang[i].url);
		kv_str(w, 8, "thumbprint", e->tang[i].thumbprint);
		close_entry(w, 8);
	}
}

static void write_disk(writer *w, int ind, const azl_disk_spec *d)
{
	if (d->path) {
		indent(w, ind - 2);
		buf_append(&w->b, "- ");
		put_scalar(&w->b, d->path);
		buf_append(&w->b, "\n");
		return;
	}
	open_entry(w);
	size_t m = open_map(w, ind, "match");
	if (d->match_size != AZL_MATCH_SIZE_ANY)
		kv_raw(w, ind + 2, "size",
		       d->match_size == AZL_MATCH_SIZE_LARGEST ? "largest" : "smallest");
	kv_str(w, ind + 2, "serial", d->match_serial);
	kv_str(w, ind + 2, "model", d->match_model);
	close_map(w, m);
}

static void write_subvolume(writer *w, int ind, const azl_subvolume_spec *v)
{
	open_entry(w);
	kv_str(w, ind, "name", v->name);
	kv_str(w, ind, "mount", v->mount);
	kv_str(w, ind, "options", v->fs_options);
	close_entry(w, ind);
}

static void write_partition(writer *w, int ind, const azl_partition_spec *p)
{
	open_entry(w);
	kv_str(w, ind, "mount", p->mount);
	kv_str(w, ind, "volume_group", p->volume_group);
	kv_str(w, ind, "raid", p->raid);
	kv_size(w, ind, "size", &p->size);
	if (p->grow)
		kv_bool(w, ind, "grow", true);
	if (p->max_bytes) {
		_cleanup_free_ char *t = size_format_bytes(p->max_bytes);
		kv_raw(w, ind, "max_size", t);
	}
	if (fs_to_string(p->fs))
		kv_raw(w, ind, "fs", fs_to_string(p->fs));
	if (p->encrypt)
		kv_bool(w, ind, "encrypt", true);
	if (p->disk_index > 0)
		kv_int(w, ind, "disk", p->disk_index);
	else
		kv_str(w, ind, "disk", p->disk_path);
	kv_str(w, ind, "label", p->label);
	kv_str(w, ind, "options", p->fs_options);
	kv_str(w, ind, "existing", p->existing);
	if (p->keep_fs)
		kv_bool(w, ind, "format", false);
	if (p->n_subvolumes > 0) {
		key(w, ind, "subvolumes");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < p->n_subvolumes; i++)
			write_subvolume(w, ind + 4, &p->subvolumes[i]);
	}
	close_entry(w, ind);
}

static void write_volume(writer *w, int ind, const azl_volume_spec *v)
{
	open_entry(w);
	kv_str(w, ind, "name", v->name);
	kv_str(w, ind, "mount", v->mount);
	kv_size(w, ind, "size", &v->size);
	if (v->grow)
		kv_bool(w, ind, "grow", true);
	if (v->max_bytes) {
		_cleanup_free_ char *t = size_format_bytes(v->max_bytes);
		kv_raw(w, ind, "max_size", t);
	}
	if (fs_to_string(v->fs))
		kv_raw(w, ind, "fs", fs_to_string(v->fs));
	kv_str(w, ind, "label", v->label);
	kv_str(w, ind, "options", v->fs_options);
	close_entry(w, ind);
}

static void write_volume_group(writer *w, int ind, const azl_volume_group *g)
{
	open_entry(w);
	kv_str(w, ind, "name", g->name);
	if (g->n_volumes > 0) {
		key(w, ind, "volumes");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < g->n_volumes; i++)
			write_volume(w, ind + 4, &g->volumes[i]);
	}
	close_entry(w, ind);
}

static void write_raid(writer *w, int ind, const azl_raid_spec *r)
{
	open_entry(w);
	kv_str(w, ind, "name", r->name);
	if (r->level)
		kv_int(w, ind, "level", r->level);
	kv_str(w, ind, "metadata", r->metadata);
	if (r->spares)
		kv_int(w, ind, "spares", r->spares);
	kv_str(w, ind, "mount", r->mount);
	kv_str(w, ind, "volume_group", r->volume_group);
	if (fs_to_string(r->fs))
		kv_raw(w, ind, "fs", fs_to_string(r->fs));
	if (r->encrypt)
		kv_bool(w, ind, "encrypt", true);
	kv_str(w, ind, "label", r->label);
	kv_str(w, ind, "options", r->fs_options);
	close_entry(w, ind);
}

static void write_storage(writer *w, const azl_storage *s)
{
	size_t m = open_map(w, 0, "storage");
	if (s->n_disks > 0) {
		key(w, 2, "disks");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < s->n_disks; i++)
			write_disk(w, 6, &s->disks[i]);
	}
	kv_raw(w, 2, "wipe", wipe_to_string(s->wipe));
	kv_raw(w, 2, "table", table_to_string(s->table));
	kv_raw(w, 2, "layout", layout_to_string(s->layout));
	if (fs_to_string(s->filesystem))
		kv_raw(w, 2, "filesystem", fs_to_string(s->filesystem));
	if (!s->swap)
		kv_raw(w, 2, "swap", "none");
	else if (s->swap_size.kind == AZL_SIZE_BYTES)
		kv_size(w, 2, "swap", &s->swap_size);

	const azl_encryption *e = &s->encryption;
	if (e->enabled) {
		size_t em = open_map(w, 2, "encryption");
		if (e->passphrase_file)
			kv_str(w, 4, "passphrase_file", e->passphrase_file);
		else if (e->passphrase)
			buf_append(
				&w->b,
				"    # passphrase: not written to this file; supply it as passphrase or passphrase_file\n");
		kv_str(w, 4, "pbkdf", e->pbkdf);
		if (e->pbkdf_memory_kib)
			kv_int(w, 4, "pbkdf_memory", e->pbkdf_memory_kib);
		if (e->pbkdf_iter_time_ms)
			kv_int(w, 4, "pbkdf_iter_time", e->pbkdf_iter_time_ms);
		if (e->tpm2.enabled)
			write_tpm2(w, &e->tpm2);
		if (e->n_tang > 0)
			write_tang(w, e);
		close_map(w, em);
	}
	if (s->n_partitions > 0) {
		key(w, 2, "partitions");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < s->n_partitions; i++)
			write_partition(w, 6, &s->partitions[i]);
	}
	if (s->n_volume_groups > 0) {
		key(w, 2, "volume_groups");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < s->n_volume_groups; i++)
			write_volume_group(w, 6, &s->volume_groups[i]);
	}
	if (s->n_raids > 0) {
		key(w, 2, "raids");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < s->n_raids; i++)
			write_raid(w, 6, &s->raids[i]);
	}
	close_map(w, m);
}

static void write_bootloader(writer *w, const azl_bootloader *b)
{
	size_t m = open_map(w, 0, "bootloader");
	kv_raw(w, 2, "firmware", firmware_to_string(b->firmware));
	if (b->secure_boot != AZL_SECURE_BOOT_AUTO)
		kv_raw(w, 2, "secure_boot", secure_boot_to_string(b->secure_boot));
	kv_int(w, 2, "timeout", b->timeout);
	kv_strv(w, 2, "kernel_args", b->kernel_args);
	if (b->boot_drive_index > 0)
		kv_int(w, 2, "boot_drive", b->boot_drive_index);
	else
		kv_str(w, 2, "boot_drive", b->boot_drive_path);
	/* The plaintext never reaches the output: it is hashed here. */
	if (b->password) {
		_cleanup_free_ char *h = NULL;
		int r = grub_password_hash(b->password, &h);
		if (r < 0)
			w->err = r;
		else
			kv_str(w, 2, "password_hash", h);
	} else
		kv_str(w, 2, "password_hash", b->password_hash);
	close_map(w, m);
}

static void write_interface(writer *w, int ind, const azl_interface *it)
{
	open_entry(w);
	kv_str(w, ind, "name", it->name);
	if (it->match_mac || it->match_link || it->match_bootif) {
		open_map(w, ind, "match");
		kv_str(w, ind + 2, "mac", it->match_mac);
		if (it->match_link)
			kv_bool(w, ind + 2, "link", true);
		if (it->match_bootif)
			kv_bool(w, ind + 2, "bootif", true);
	}
	if (it->dhcp4)
		kv_bool(w, ind, "dhcp4", true);
	if (it->dhcp6)
		kv_bool(w, ind, "dhcp6", true);
	if (it->no_ipv6)
		kv_bool(w, ind, "ipv6", false);
	kv_strv(w, ind, "addresses", it->addresses);
	kv_str(w, ind, "gateway4", it->gateway4);
	kv_str(w, ind, "gateway6", it->gateway6);
	kv_strv(w, ind, "dns", it->dns);
	if (it->vlan_id || it->vlan_link) {
		size_t m = open_map(w, ind, "vlan");
		if (it->vlan_id)
			kv_int(w, ind + 2, "id", it->vlan_id);
		kv_str(w, ind + 2, "link", it->vlan_link);
		close_map(w, m);
	}
	if (it->bond.slaves) {
		size_t m = open_map(w, ind, "bond");
		kv_strv(w, ind + 2, "interfaces", it->bond.slaves);
		kv_str(w, ind + 2, "mode", it->bond.mode);
		kv_strv(w, ind + 2, "options", it->bond.options);
		close_map(w, m);
	}
	if (it->activate)
		kv_bool(w, ind, "activate", true);
	close_entry(w, ind);
}

static void write_network(writer *w, const azl_network *n)
{
	size_t m = open_map(w, 0, "network");
	if (n->n_interfaces > 0) {
		key(w, 2, "interfaces");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < n->n_interfaces; i++)
			write_interface(w, 6, &n->interfaces[i]);
	}
	close_map(w, m);
}

/* The plaintext never reaches the output: it is hashed here. */
static void write_password(writer *w, int ind, const azl_secret *pw, const char *hash)
{
	if (pw) {
		_cleanup_free_ char *h = NULL;
		int r = password_hash_yescrypt(pw, &h);
		if (r < 0) {
			w->err = r;
			return;
		}
		kv_str(w, ind, "password_hash", h);
		return;
	}
	kv_str(w, ind, "password_hash", hash);
}

static void write_user(writer *w, int ind, const azl_user *u)
{
	open_entry(w);
	kv_str(w, ind, "name", u->name);
	kv_str(w, ind, "gecos", u->gecos);
	if (u->uid)
		kv_int(w, ind, "uid", u->uid);
	kv_str(w, ind, "shell", u->shell);
	kv_str(w, ind, "home", u->home);
	write_password(w, ind, u->password, u->password_hash);
	kv_strv(w, ind, "groups", u->groups);
	kv_strv(w, ind, "ssh_authorized_keys", u->ssh_authorized_keys);
	close_entry(w, ind);
}

static void write_accounts(writer *w, const azl_accounts *a)
{
	size_t m = open_map(w, 0, "accounts");
	open_map(w, 2, "root");
	kv_bool(w, 4, "lock", a->root.lock);
	if (a->root.allow_ssh)
		kv_bool(w, 4, "allow_ssh", true);
	write_password(w, 4, a->root.password, a->root.password_hash);
	kv_strv(w, 4, "ssh_authorized_keys", a->root.ssh_authorized_keys);
	if (a->n_users > 0) {
		key(w, 2, "users");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < a->n_users; i++)
			write_user(w, 6, &a->users[i]);
	}
	close_map(w, m);
}

static void write_packages(writer *w, const azl_packages *p)
{
	size_t m = open_map(w, 0, "packages");
	if (p->n_repos > 0) {
		key(w, 2, "repos");
		buf_append(&w->b, "\n");
		for (size_t i = 0; i < p->n_repos; i++) {
			const azl_repo *r = &p->repos[i];
			open_entry(w);
			kv_str(w, 6, "preset", r->preset);
			kv_str(w, 6, "name", r->name);
			kv_str(w, 6, "baseurl", r->baseurl);
			kv_str(w, 6, "mirrorlist", r->mirrorlist);
			kv_str(w, 6, "metalink", r->metalink);
			if (!r->preset || !r->gpgcheck)
				kv_bool(w, 6, "gpgcheck", r->gpgcheck);
			kv_int(w, 6, "priority", r->priority);
			kv_str(w, 6, "gpgkey", r->gpgkey);
			kv_str(w, 6, "gpgkey_fingerprint", r->gpgkey_fingerprint);
		}
	}
	if (p->image.url) {
		key(w, 2, "image");
		buf_append(&w->b, "\n");
		kv_str(w, 4, "url", p->image.url);
		kv_str(w, 4, "checksum", p->image.checksum);
		kv_str(w, 4, "ca_cert", p->image.ca_cert);
	} else if (p->install)
		kv_strv(w, 2, "install", p->install);
	else
		kv_raw(w, 2, "install", "[]");
	kv_strv(w, 2, "exclude", p->exclude);
	if (p->ignore_missing)
		kv_bool(w, 2, "ignore_missing", true);
	if (!p->install_weak_deps)
		kv_bool(w, 2, "install_weak_deps", false);
	if (p->exclude_docs)
		kv_bool(w, 2, "exclude_docs", true);
	kv_str(w, 2, "install_langs", p->install_langs);
	close_map(w, m);
}

static void write_script_list(writer *w, const char *k, const azl_script *s, size_t n, bool post)
{
	if (n == 0)
		return;
	key(w, 2, k);
	buf_append(&w->b, "\n");
	for (size_t i = 0; i < n; i++) {
		open_entry(w);
		kv_str(w, 6, "interpreter", s[i].interpreter);
		if (post && s[i].chroot)
			kv_bool(w, 6, "chroot", true);
		if (s[i].ignore_errors)
			kv_bool(w, 6, "ignore_errors", true);
		kv_str(w, 6, "log", s[i].log);
		kv_text(w, 6, "run", s[i].run);
		close_entry(w, 6);
	}
}

static void write_ntp(writer *w, const azl_ntp *n)
{
	if (!n->servers && !n->pools && !n->disabled)
		return;
	size_t m = open_map(w, 0, "ntp");
	kv_strv(w, 2, "servers", n->servers);
	kv_strv(w, 2, "pools", n->pools);
	if (n->disabled)
		kv_bool(w, 2, "enabled", false);
	close_map(w, m);
}

static bool storage_is_default(const azl_storage *s)
{
	return s->n_disks == 0 && s->n_partitions == 0 && s->n_volume_groups == 0 &&
	       !s->encryption.enabled && s->wipe == AZL_WIPE_ALL && s->table == AZL_TABLE_GPT &&
	       s->layout == AZL_LAYOUT_LVM && s->filesystem == AZL_FS_EXT4 && s->swap &&
	       s->swap_size.kind == AZL_SIZE_UNSET;
}

static bool accounts_are_default(const azl_accounts *a)
{
	return a->n_users == 0 && a->root.lock && !a->root.allow_ssh && !a->root.password &&
	       !a->root.password_hash && !a->root.ssh_authorized_keys;
}

static bool packages_are_default(const azl_packages *p)
{
	return p->n_repos == 0 && strv_length(p->install) == 1 &&
	       streq_ptr(p->install[0], "@minimal") && !p->exclude && !p->ignore_missing &&
	       p->install_weak_deps && !p->exclude_docs && !p->install_langs && !p->image.url;
}

/* Header values may be tokens: they are never written back. */
static void write_reporting(writer *w, const azl_reporting *r)
{
	if (!r->n_hooks)
		return;
	buf_append(&w->b, "reporting:\n");
	for (size_t i = 0; i < r->n_hooks; i++) {
		const azl_webhook *h = &r->hooks[i];
		buf_append(&w->b, "  ");
		put_scalar(&w->b, h->name);
		buf_append(&w->b, ":\n");
		kv_str(w, 4, "type", h->type ? h->type : "webhook");
		kv_str(w, 4, "endpoint", h->endpoint);
		kv_str(w, 4, "level", h->level);
		if (h->n_headers)
			buf_append(
				&w->b,
				"    # headers: not written to this file; they may hold tokens\n");
	}
}

char *answers_write(const azl_model *m, int *ret_err)
{
	writer w = {0};

	buf_append(&w.b, "# azl-installer answer file\n");
	kv_int(&w, 0, "version", 1);
	kv_str(&w, 0, "locale", m->locale);
	kv_str(&w, 0, "keyboard", m->keyboard);
	kv_str(&w, 0, "timezone", m->timezone);
	kv_str(&w, 0, "hostname", m->hostname);
	write_ntp(&w, &m->ntp);
	/* Storage left to be asked (a kickstart without storage commands)
	 * stays unsaid, so that the file read back asks it too. */
	if (m->has_storage || (!storage_is_default(&m->storage) && !model_asks_storage(m)))
		write_storage(&w, &m->storage);
	write_bootloader(&w, &m->bootloader);
	if (m->has_network || m->network.n_interfaces > 0)
		write_network(&w, &m->network);
	if (m->has_accounts || !accounts_are_default(&m->accounts))
		write_accounts(&w, &m->accounts);
	if (m->has_packages || !packages_are_default(&m->packages))
		write_packages(&w, &m->packages);
	const azl_firewall *fw = &m->services.firewall;
	bool rules = fw->services || fw->ports || fw->trusted || fw->remove_services;
	if (m->services.enable || m->services.disable || rules) {
		size_t mk = open_map(&w, 0, "services");
		kv_strv(&w, 2, "enable", m->services.enable);
		kv_strv(&w, 2, "disable", m->services.disable);
		if (rules) {
			size_t mf = open_map(&w, 2, "firewall");
			kv_strv(&w, 4, "services", fw->services);
			kv_strv(&w, 4, "ports", fw->ports);
			kv_strv(&w, 4, "trusted", fw->trusted);
			kv_strv(&w, 4, "remove_services", fw->remove_services);
			close_map(&w, mf);
		}
		close_map(&w, mk);
	}
	kv_raw(&w, 0, "selinux", selinux_to_string(m->selinux));
	const azl_scripts *s = &m->scripts;
	if (s->n_pre || s->n_post || s->n_error) {
		open_map(&w, 0, "scripts");
		write_script_list(&w, "pre", s->pre, s->n_pre, false);
		write_script_list(&w, "post", s->post, s->n_post, true);
		write_script_list(&w, "error", s->error, s->n_error, false);
	}
	kv_strv(&w, 0, "interactive", m->interactive);
	kv_raw(&w, 0, "finish", finish_to_string(m->finish));
	write_reporting(&w, &m->reporting);
	if (m->logging.host || m->logging.level) {
		buf_append(&w.b, "logging:\n");
		kv_str(&w, 2, "host", m->logging.host);
		if (m->logging.port)
			kv_int(&w, 2, "port", m->logging.port);
		kv_str(&w, 2, "level", m->logging.level);
	}
	if (m->n_certificates) {
		key(&w, 0, "certificates");
		buf_append(&w.b, "\n");
		for (size_t i = 0; i < m->n_certificates; i++) {
			const azl_certificate *c = &m->certificates[i];
			open_entry(&w);
			kv_str(&w, 4, "filename", c->filename);
			kv_str(&w, 4, "dir", c->dir);
			kv_text(&w, 4, "pem", c->pem);
			close_entry(&w, 4);
		}
	}

	if (w.err < 0) {
		buf_free(&w.b);
		if (ret_err)
			*ret_err = w.err;
		return NULL;
	}
	return buf_steal(&w.b);
}
