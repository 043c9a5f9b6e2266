/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Model -> kickstart. What kickstart cannot say (disk match rules, sizes in
 * percent, bond options without a bond, the firmware, ...) becomes a
 * comment, so nothing is lost without a word. Secrets are never written:
 * plaintext passwords become yescrypt hashes, passphrases are left out.
 */
#include <inttypes.h>
#include <string.h>

#include "repo-preset.h"
#include "kickstart.h"
#include "passwd-hash.h"
#include "pbkdf2.h"
#include "util.h"

/* Appends s so that shlex reads it back as one word. */
static void put_word(azl_buf *b, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-^$",
			    *p))
			plain = false;
	if (plain) {
		buf_append(b, s);
		return;
	}
	buf_append(b, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			buf_append(b, "'\"'\"'");
		else
			buf_appendn(b, p, 1);
	}
	buf_append(b, "'");
}

static void put_opt(azl_buf *b, const char *opt, const char *value)
{
	buf_printf(b, " %s=", opt);
	put_word(b, value);
}

static void put_list(azl_buf *b, const char *opt, char *const *v)
{
	if (!v || !v[0])
		return;
	azl_buf j = {0};
	for (size_t i = 0; v[i]; i++) {
		if (i)
			buf_append(&j, ",");
		buf_append(&j, v[i]);
	}
	put_opt(b, opt, j.data);
	buf_free(&j);
}

static void put_password(azl_buf *b, const azl_secret *pw, const char *hash, const char *opt)
{
	_cleanup_free_ char *h = NULL;
	if (!hash && pw && password_hash_yescrypt(pw, &h) == 0)
		hash = h;
	if (!hash)
		return;
	if (opt) {
		buf_append(b, " --iscrypted");
		put_opt(b, opt, hash);
	} else {
		buf_append(b, " --iscrypted ");
		put_word(b, hash);
	}
}

static void write_network(azl_buf *b, const azl_model *m)
{
	buf_append(b, "network");
	put_opt(b, "--hostname", m->hostname);
	buf_append(b, "\n");
	for (size_t k = 0; k < m->network.n_interfaces; k++) {
		const azl_interface *i = &m->network.interfaces[k];
		azl_buf note = {0};
		const char *v4 = NULL, *v6 = NULL;
		for (size_t a = 0; i->addresses && i->addresses[a]; a++) {
			const char *addr = i->addresses[a];
			const char **slot = strchr(addr, ':') ? &v6 : &v4;
			if (!*slot)
				*slot = addr;
			else
				buf_printf(&note, "# address %s cannot be said in kickstart\n",
					   addr);
		}
		bool is_static = v4 && !i->dhcp4;
		if (v4 && i->dhcp4)
			buf_printf(&note, "# address %s next to DHCP cannot be said in kickstart\n",
				   v4);
		if (i->bond.options && !i->bond.slaves)
			buf_append(&note, "# bond options without slaves were left out\n");
		buf_append(b, note.data ? note.data : "");
		buf_free(&note);

		buf_append(b, "network");
		const char *dev = i->match_link	    ? "link"
				  : i->match_bootif ? "bootif"
				  : i->match_mac    ? i->match_mac
				  : i->vlan_link    ? i->vlan_link
						    : i->name;
		put_opt(b, "--device", dev ? dev : "");
		put_opt(b, "--bootproto", is_static ? "static" : "dhcp");
		if (is_static) {
			_cleanup_free_ char *ip = xstrdup(v4);
			char *slash = strchr(ip, '/');
			if (slash)
				*slash++ = '\0';
			put_opt(b, "--ip", ip);
			if (slash)
				put_opt(b, "--netmask", slash);
			if (i->gateway4)
				put_opt(b, "--gateway", i->gateway4);
		} else if (!i->dhcp4)
			buf_append(b, " --noipv4");
		put_list(b, "--nameserver", i->dns);
		if (v6)
			put_opt(b, "--ipv6", v6);
		else if (i->dhcp6)
			put_opt(b, "--ipv6", "dhcp");
		if (i->gateway6)
			put_opt(b, "--ipv6gateway", i->gateway6);
		if (i->no_ipv6)
			buf_append(b, " --noipv6");
		if (i->vlan_id) {
			buf_printf(b, " --vlanid=%d", i->vlan_id);
			if (i->vlan_link && i->name)
				put_opt(b, "--interfacename", i->name);
		}
		if (i->bond.slaves) {
			put_list(b, "--bondslaves", i->bond.slaves);
			azl_buf o = {0};
			if (i->bond.mode)
				buf_printf(&o, "mode=%s", i->bond.mode);
			for (char **p = i->bond.options; p && *p; p++)
				buf_printf(&o, "%s%s", o.len ? ";" : "", *p);
			if (o.len)
				put_opt(b, "--bondopts", o.data);
			buf_free(&o);
		}
		/* Anaconda activates the first line's device unasked. */
		if (i->activate && k > 0)
			buf_append(b, " --activate");
		else if (!i->activate && k == 0)
			buf_append(b, " --no-activate");
		buf_append(b, "\n");
	}
}

static void write_accounts(azl_buf *b, const azl_model *m)
{
	const azl_root_account *r = &m->accounts.root;
	const char *ssh = r->allow_ssh ? " --allow-ssh" : "";
	if (r->password || r->password_hash) {
		buf_append(b, "rootpw");
		if (r->lock)
			buf_append(b, " --lock");
		buf_append(b, ssh);
		put_password(b, r->password, r->password_hash, NULL);
		buf_append(b, "\n");
	} else if (r->lock)
		buf_printf(b, "rootpw --lock%s\n", ssh);
	else
		buf_printf(b, "# root has neither a password nor a lock%s\n",
			   r->allow_ssh ? " (allow_ssh cannot be said without rootpw)" : "");
	for (size_t k = 0; k < m->accounts.n_users; k++) {
		const azl_user *u = &m->accounts.users[k];
		buf_append(b, "user");
		put_opt(b, "--name", u->name);
		if (u->gecos)
			put_opt(b, "--gecos", u->gecos);
		if (u->home)
			put_opt(b, "--homedir", u->home);
		if (u->shell)
			put_opt(b, "--shell", u->shell);
		if (u->uid)
			buf_printf(b, " --uid=%" PRIu32, u->uid);
		put_list(b, "--groups", u->groups);
		put_password(b, u->password, u->password_hash, "--password");
		buf_append(b, "\n");
	}
	for (char **k = r->ssh_authorized_keys; k && *k; k++) {
		buf_append(b, "sshkey --username=root ");
		put_word(b, *k);
		buf_append(b, "\n");
	}
	for (size_t n = 0; n < m->accounts.n_users; n++)
		for (char **k = m->accounts.users[n].ssh_authorized_keys; k && *k; k++) {
			buf_append(b, "sshkey");
			put_opt(b, "--username", m->accounts.users[n].name);
			buf_append(b, " ");
			put_word(b, *k);
			buf_append(b, "\n");
		}
}

static const char *disk_name(const char *path)
{
	return startswith(path, "/dev/") && !strchr(path + 5, '/') ? path + 5 : path;
}

static void write_encryption_note(azl_buf *b, const azl_encryption *e)
{
	if (e->passphrase_file)
		buf_printf(
			b,
			"# the passphrase is read from '%s' by the answer file; kickstart cannot say that\n",
			e->passphrase_file);
	else
		buf_append(
			b,
			"# the passphrase was left out: add --passphrase=... to the encrypted lines\n");
}

static void luks_opts(azl_buf *b, const azl_encryption *e)
{
	if (e->pbkdf)
		put_opt(b, "--pbkdf", e->pbkdf);
	if (e->pbkdf_memory_kib)
		buf_printf(b, " --pbkdf-memory=%" PRIu32, e->pbkdf_memory_kib);
	if (e->pbkdf_iter_time_ms)
		buf_printf(b, " --pbkdf-time=%" PRIu32, e->pbkdf_iter_time_ms);
}

/* --size (MiB, rounded up), --grow, --maxsize, and --percent where
 * kickstart has it (logvol: of the volume group). What it cannot say goes
 * into b as a comment before the line. */
static void put_size(azl_buf *b, azl_buf *line, const char *what, const azl_size *z, bool grow,
		     uint64_t max_bytes, bool percent_ok)
{
	bool sized = false;
	if (z->kind == AZL_SIZE_BYTES) {
		uint64_t mib = (z->bytes + (1u << 20) - 1) >> 20;
		if (z->bytes % (1u << 20))
			buf_printf(b, "# the size of '%s' is rounded up to MiB\n", what);
		buf_printf(line, " --size=%" PRIu64, mib);
		sized = true;
	} else if (z->kind == AZL_SIZE_PERCENT && percent_ok) {
		uint32_t pc = (z->percent + 50) / 100;
		if (pc < 1)
			pc = 1;
		if (z->percent % 100) {
			_cleanup_free_ char *t = size_format(z);
			buf_printf(
				b,
				"# '%s' is %s of the volume group; kickstart says whole percents: %" PRIu32
				"%%\n",
				what, t, pc);
		}
		buf_printf(line, " --percent=%" PRIu32, pc);
		sized = true;
	} else if (z->kind == AZL_SIZE_PERCENT) {
		_cleanup_free_ char *t = size_format(z);
		buf_printf(
			b,
			"# '%s' is %s of the disk, which kickstart cannot say; it grows instead\n",
			what, t);
	}
	if (grow || !sized)
		buf_append(line, " --grow");
	if (max_bytes)
		buf_printf(line, " --maxsize=%" PRIu64, (max_bytes + (1u << 20) - 1) >> 20);
}

/* volgroup NAME pv.NN... with the PVs numbered as write_storage() numbers
 * them, then its logvol lines. */
static void write_volume_group(azl_buf *b, const azl_storage *s, const azl_volume_group *g)
{
	azl_buf pvs = {0};
	size_t n_pv = 0;
	for (size_t i = 0; i < s->n_partitions; i++) {
		const char *vg = s->partitions[i].volume_group;
		if (!vg)
			continue;
		n_pv++;
		if (streq_ptr(vg, g->name))
			buf_printf(&pvs, " pv.%02zu", n_pv);
	}
	/* Arrays that are PVs come after the partitions' PVs. */
	for (size_t i = 0; i < s->n_raids; i++) {
		if (!s->raids[i].volume_group)
			continue;
		n_pv++;
		if (streq_ptr(s->raids[i].volume_group, g->name))
			buf_printf(&pvs, " pv.%02zu", n_pv);
	}
	if (!g->name || !pvs.len) {
		buf_free(&pvs);
		buf_printf(
			b,
			"# volume group '%s' has no physical volume, which kickstart cannot say\n",
			g->name ? g->name : "");
		return;
	}
	buf_append(b, "volgroup ");
	put_word(b, g->name);
	buf_printf(b, "%s\n", pvs.data);
	buf_free(&pvs);
	for (size_t i = 0; i < g->n_volumes; i++) {
		const azl_volume_spec *v = &g->volumes[i];
		if (!v->mount) {
			buf_printf(
				b,
				"# volume '%s' of '%s' has no mount point, which kickstart cannot say\n",
				v->name, g->name);
			continue;
		}
		azl_buf line = {0};
		buf_append(&line, "logvol ");
		put_word(&line, v->mount);
		put_opt(&line, "--vgname", g->name);
		put_opt(&line, "--name", v->name ? v->name : "");
		put_size(b, &line, v->mount, &v->size, v->grow, v->max_bytes, true);
		if (v->fs != AZL_FS_NONE)
			put_opt(&line, "--fstype", fs_to_string(v->fs));
		if (v->label)
			put_opt(&line, "--label", v->label);
		if (v->fs_options)
			put_opt(&line, "--fsoptions", v->fs_options);
		buf_append(&line, "\n");
		buf_append(b, line.data);
		buf_free(&line);
	}
}

/* raid MOUNT --level=N --device=NAME raid.NN...: members numbered as
 * write_storage() numbers them; an array that is a PV is pv.NN after
 * the partitions' n_pv. Kickstart has no --metadata: Anaconda chooses
 * 1.0 for /boot/efi by itself, which is what storage.raids asks. */
static void write_raids(azl_buf *b, const azl_storage *s, size_t n_pv)
{
	for (size_t k = 0; k < s->n_raids; k++) {
		const azl_raid_spec *r = &s->raids[k];
		azl_buf members = {0};
		size_t n_member = 0;
		for (size_t i = 0; i < s->n_partitions; i++) {
			if (!s->partitions[i].raid)
				continue;
			n_member++;
			if (streq_ptr(s->partitions[i].raid, r->name))
				buf_printf(&members, " raid.%02zu", n_member);
		}
		_cleanup_free_ char *pv = r->volume_group ? xasprintf("pv.%02zu", ++n_pv) : NULL;
		const char *what = pv ? pv : r->mount;
		if (!members.len || !what || !r->name) {
			buf_free(&members);
			buf_printf(
				b,
				"# RAID '%s' has no members or holds nothing, which kickstart cannot say\n",
				r->name ? r->name : "");
			continue;
		}
		if (r->metadata && !streq_ptr(r->metadata, "1.2") &&
		    !streq_ptr(r->mount, "/boot/efi"))
			buf_printf(b, "# RAID '%s' has metadata %s, which kickstart cannot say\n",
				   r->name, r->metadata);
		azl_buf line = {0};
		buf_append(&line, "raid ");
		put_word(&line, what);
		buf_printf(&line, " --level=RAID%d", r->level);
		put_opt(&line, "--device", r->name);
		if (r->spares)
			buf_printf(&line, " --spares=%d", r->spares);
		if (r->fs != AZL_FS_NONE && !pv)
			put_opt(&line, "--fstype", fs_to_string(r->fs));
		if (r->encrypt) {
			buf_append(&line, " --encrypted");
			luks_opts(&line, &s->encryption);
		}
		if (r->label && !pv)
			put_opt(&line, "--label", r->label);
		if (r->fs_options && !pv)
			put_opt(&line, "--fsoptions", r->fs_options);
		buf_printf(b, "%s%s\n", line.data, members.data);
		buf_free(&line);
		buf_free(&members);
	}
}

/* btrfs none --label=L btrfs.NN, then btrfs MOUNT --subvol --name=N
 * LABEL=L for each subvolume, numbered as write_storage() numbers them. */
static void write_btrfs(azl_buf *b, const azl_storage *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_partitions; i++) {
		const azl_partition_spec *p = &s->partitions[i];
		if (p->n_subvolumes == 0)
			continue;
		n++;
		_cleanup_free_ char *label =
			p->label ? xstrdup(p->label) : xasprintf("btrfs%zu", n);
		buf_append(b, "btrfs none");
		put_opt(b, "--label", label);
		if (p->fs_options)
			put_opt(b, "--fsoptions", p->fs_options);
		buf_printf(b, " btrfs.%02zu\n", n);
		for (size_t k = 0; k < p->n_subvolumes; k++) {
			const azl_subvolume_spec *v = &p->subvolumes[k];
			buf_append(b, "btrfs ");
			put_word(b, v->mount ? v->mount : "none");
			buf_append(b, " --subvol");
			put_opt(b, "--name", v->name ? v->name : "");
			if (v->fs_options)
				put_opt(b, "--fsoptions", v->fs_options);
			_cleanup_free_ char *parent = xasprintf("LABEL=%s", label);
			buf_append(b, " ");
			put_word(b, parent);
			buf_append(b, "\n");
		}
	}
}

static void write_storage(azl_buf *b, const azl_model *m)
{
	const azl_storage *s = &m->storage;
	azl_buf disks = {0};
	for (size_t i = 0; i < s->n_disks; i++) {
		const azl_disk_spec *d = &s->disks[i];
		if (!d->path) {
			buf_printf(
				b,
				"# disk %zu is chosen by a match rule, which kickstart cannot say\n",
				i + 1);
			continue;
		}
		if (disks.len)
			buf_append(&disks, ",");
		buf_append(&disks, disk_name(d->path));
	}
	if (disks.len) {
		buf_append(b, "ignoredisk");
		put_opt(b, "--only-use", disks.data);
		buf_append(b, "\n");
	}
	buf_free(&disks);
	buf_printf(b, "clearpart --%s --disklabel=%s\n",
		   s->wipe == AZL_WIPE_ALL     ? "all"
		   : s->wipe == AZL_WIPE_LINUX ? "linux"
					       : "none",
		   table_to_string(s->table));
	if (s->wipe == AZL_WIPE_ALL)
		buf_append(b, "zerombr\n");
	if (s->encryption.enabled)
		write_encryption_note(b, &s->encryption);

	if (s->n_partitions == 0) {
		if (s->swap && s->swap_size.kind != AZL_SIZE_UNSET) {
			_cleanup_free_ char *z = size_format(&s->swap_size);
			buf_printf(b, "# swap size %s cannot be said with autopart\n", z);
		}
		if (s->filesystem == AZL_FS_BTRFS)
			buf_append(b, "autopart --type=btrfs");
		else
			buf_printf(b, "autopart --type=%s --fstype=%s", layout_to_string(s->layout),
				   fs_to_string(s->filesystem));
		if (!s->swap)
			buf_append(b, " --noswap");
		if (s->encryption.enabled) {
			buf_append(b, " --encrypted");
			luks_opts(b, &s->encryption);
		}
		buf_append(b, "\n");
		return;
	}
	/* PVs are named pv.01, pv.02, ... in partition order, RAID members
	 * raid.01, raid.02, ..., btrfs volumes with subvolumes btrfs.01, ... */
	size_t n_pv = 0, n_member = 0, n_btrfs = 0;
	for (size_t i = 0; i < s->n_partitions; i++) {
		const azl_partition_spec *p = &s->partitions[i];
		_cleanup_free_ char *pv = p->raid	    ? xasprintf("raid.%02zu", ++n_member)
					  : p->volume_group ? xasprintf("pv.%02zu", ++n_pv)
					  : p->n_subvolumes > 0
						  ? xasprintf("btrfs.%02zu", ++n_btrfs)
						  : NULL;
		const char *what = pv ? pv : p->mount ? p->mount : "none";
		azl_buf line = {0};
		buf_append(&line, "part ");
		put_word(&line, what);
		if (p->existing) {
			/* Reused where it is: it keeps its size. */
			put_opt(&line, "--onpart", disk_name(p->existing));
			if (p->keep_fs)
				buf_append(&line, " --noformat");
		} else
			put_size(b, &line, what, &p->size, p->grow, p->max_bytes, false);
		if (p->fs != AZL_FS_NONE && !pv)
			put_opt(&line, "--fstype", fs_to_string(p->fs));
		const char *disk = p->disk_path;
		if (!disk && p->disk_index > 0 && (size_t)p->disk_index <= s->n_disks)
			disk = s->disks[p->disk_index - 1].path;
		if (disk)
			put_opt(&line, "--ondisk", disk_name(disk));
		if (p->encrypt) {
			buf_append(&line, " --encrypted");
			luks_opts(&line, &s->encryption);
		}
		if (p->label && !pv)
			put_opt(&line, "--label", p->label);
		if (p->fs_options && !pv)
			put_opt(&line, "--fsoptions", p->fs_options);
		buf_append(&line, "\n");
		buf_append(b, line.data);
		buf_free(&line);
	}
	write_raids(b, s, n_pv);
	write_btrfs(b, s);
	for (size_t k = 0; k < s->n_volume_groups; k++)
		write_volume_group(b, s, &s->volume_groups[k]);
	/* Partitions naming a group that volume_groups does not list. */
	for (size_t i = 0; i < s->n_partitions; i++) {
		const char *vg = s->partitions[i].volume_group;
		bool seen = false;
		for (size_t k = 0; vg && k < s->n_volume_groups; k++)
			seen |= streq_ptr(s->volume_groups[k].name, vg);
		for (size_t j = 0; vg && j < i; j++)
			seen |= streq_ptr(s->partitions[j].volume_group, vg);
		if (vg && !seen)
			write_volume_group(b, s, &(azl_volume_group){.name = (char *)vg});
	}
}

static void write_script(azl_buf *b, const char *section, const azl_script *s, bool post)
{
	buf_append(b, "\n");
	buf_append(b, section);
	if (s->interpreter && strcmp(s->interpreter, "/bin/sh") != 0)
		put_opt(b, "--interpreter", s->interpreter);
	if (post && !s->chroot)
		buf_append(b, " --nochroot");
	if (!s->ignore_errors)
		buf_append(b, " --erroronfail");
	if (s->log)
		put_opt(b, "--log", s->log);
	buf_append(b, "\n");
	const char *run = s->run ? s->run : "";
	buf_append(b, run);
	if (*run && run[strlen(run) - 1] != '\n')
		buf_append(b, "\n");
	buf_append(b, "%end\n");
}

/* reporting: as the add-on section the reader takes; header values may
 * be tokens and are left out, as answers_write() leaves them out. */
static void write_reporting(azl_buf *b, const azl_reporting *r)
{
	for (size_t i = 0; i < r->n_hooks; i++) {
		const azl_webhook *h = &r->hooks[i];
		buf_append(b, "\n%addon com_azurelinux_reporting");
		put_opt(b, "--name", h->name);
		if (h->type)
			put_opt(b, "--type", h->type);
		if (h->endpoint)
			put_opt(b, "--endpoint", h->endpoint);
		if (h->level)
			put_opt(b, "--level", h->level);
		buf_append(b, "\n");
		if (h->n_headers)
			buf_append(b,
				   "# headers: not written to this file; they may hold tokens\n");
		buf_append(b, "%end\n");
	}
}

char *kickstart_write(const azl_model *m)
{
	azl_buf b = {0};
	buf_append(&b, "# Kickstart written by azl-installer\n");
	if (m->interactive)
		buf_append(&b, "# 'interactive' sections cannot be said in kickstart\n");
	buf_append(&b, "text\n");
	buf_append(&b, "lang ");
	put_word(&b, m->locale);
	buf_append(&b, "\nkeyboard");
	put_opt(&b, "--vckeymap", m->keyboard);
	buf_append(&b, "\ntimezone ");
	put_word(&b, m->timezone);
	buf_append(&b, " --utc");
	if (m->ntp.disabled)
		buf_append(&b, " --nontp");
	buf_append(&b, "\n");
	for (char **x = m->ntp.servers; x && *x; x++) {
		buf_append(&b, "timesource");
		put_opt(&b, "--ntp-server", *x);
		buf_append(&b, "\n");
	}
	for (char **x = m->ntp.pools; x && *x; x++) {
		buf_append(&b, "timesource");
		put_opt(&b, "--ntp-pool", *x);
		buf_append(&b, "\n");
	}
	write_network(&b, m);
	write_accounts(&b, m);

	const azl_bootloader *bl = &m->bootloader;
	if (bl->firmware != AZL_FIRMWARE_AUTO)
		buf_printf(&b, "# firmware: %s cannot be said in kickstart\n",
			   firmware_to_string(bl->firmware));
	buf_printf(&b, "bootloader --timeout=%d", bl->timeout);
	if (bl->kernel_args && bl->kernel_args[0]) {
		azl_buf a = {0};
		for (char **p = bl->kernel_args; *p; p++) {
			if (a.len)
				buf_append(&a, " ");
			put_word(&a, *p);
		}
		put_opt(&b, "--append", a.data);
		buf_free(&a);
	}
	const char *bd = bl->boot_drive_path;
	if (!bd && bl->boot_drive_index > 0 && (size_t)bl->boot_drive_index <= m->storage.n_disks)
		bd = m->storage.disks[bl->boot_drive_index - 1].path;
	if (bd)
		put_opt(&b, "--boot-drive", disk_name(bd));
	{
		/* A plaintext password is written as its hash. */
		_cleanup_free_ char *h = NULL;
		const char *ph = bl->password_hash;
		if (!ph && bl->password && grub_password_hash(bl->password, &h) == 0)
			ph = h;
		if (ph) {
			buf_append(&b, " --iscrypted");
			put_opt(&b, "--password", ph);
		}
	}
	buf_append(&b, "\n");
	if (!bd && bl->boot_drive_index > 0)
		buf_printf(
			&b,
			"# boot_drive: %d is a disk chosen by a match rule, which kickstart cannot say\n",
			bl->boot_drive_index);
	/* Storage left to be asked: a kickstart without storage commands
	 * means just that. */
	if (m->has_storage || !model_asks_storage(m))
		write_storage(&b, m);

	for (size_t i = 0; i < m->packages.n_repos; i++) {
		const azl_repo *r = &m->packages.repos[i];
		if (r->preset) {
			/* Its repositories are nothing without its pinned
			 * key, which kickstart cannot carry. */
			const azl_repo_preset *p = repo_preset_find(r->preset);
			const char *n = p ? p->name : "NAME";
			buf_printf(
				&b,
				"# the repository preset '%s' cannot be said in kickstart: install with --repo %s (azl.repo=%s)\n",
				n, n, n);
			continue;
		}
		if (!r->gpgcheck || r->priority != 99 || r->gpgkey || r->gpgkey_fingerprint)
			buf_printf(
				&b,
				"# gpgcheck, priority and gpgkey of '%s' cannot be said in kickstart\n",
				r->name);
		bool url = streq_ptr(r->name, "anaconda");
		buf_append(&b, url ? "url" : "repo");
		if (!url)
			put_opt(&b, "--name", r->name);
		if (r->baseurl)
			put_opt(&b, url ? "--url" : "--baseurl", r->baseurl);
		if (r->mirrorlist)
			put_opt(&b, "--mirrorlist", r->mirrorlist);
		if (r->metalink)
			put_opt(&b, "--metalink", r->metalink);
		buf_append(&b, "\n");
	}
	buf_printf(&b, "selinux --%s\n", selinux_to_string(m->selinux));
	if (m->services.enable || m->services.disable) {
		buf_append(&b, "services");
		put_list(&b, "--enabled", m->services.enable);
		put_list(&b, "--disabled", m->services.disable);
		buf_append(&b, "\n");
	}
	const azl_firewall *fw = &m->services.firewall;
	if (fw->services || fw->ports || fw->trusted || fw->remove_services) {
		/* A firewall line enables firewalld: said only when the
		 * model enables it. */
		if (!strv_contains(m->services.enable, "firewalld"))
			buf_append(
				&b,
				"# services.firewall: rules for a firewalld that is not enabled\n#");
		buf_append(&b, "firewall --enabled");
		put_list(&b, "--service", fw->services);
		_cleanup_strv_free_ char **ports = NULL;
		for (char **p = fw->ports; p && *p; p++) {
			char *x = xstrdup(*p);
			char *slash = strchr(x, '/');
			if (slash)
				*slash = ':';
			strv_push(&ports, x);
		}
		put_list(&b, "--port", ports);
		put_list(&b, "--trust", fw->trusted);
		put_list(&b, "--remove-service", fw->remove_services);
		buf_append(&b, "\n");
	}
	/* finish: wait is a kickstart without any of the four. */
	if (m->finish != AZL_FINISH_WAIT)
		buf_append(&b, m->finish == AZL_FINISH_REBOOT	  ? "reboot\n"
			       : m->finish == AZL_FINISH_POWEROFF ? "poweroff\n"
								  : "halt\n");

	if (m->logging.host || m->logging.level) {
		buf_append(&b, "logging");
		if (m->logging.host)
			put_opt(&b, "--host", m->logging.host);
		if (m->logging.port)
			buf_printf(&b, " --port=%d", m->logging.port);
		if (m->logging.level)
			put_opt(&b, "--level", m->logging.level);
		buf_append(&b, "\n");
	}

	const azl_packages *p = &m->packages;
	if (p->image.url) {
		if (p->image.ca_cert) {
			buf_append(&b, "# the image's CA file '");
			put_word(&b, p->image.ca_cert);
			buf_append(
				&b,
				"' cannot be said in kickstart: add its CAs to the live system's trust store\n");
		}
		buf_append(&b, "liveimg");
		put_opt(&b, "--url", p->image.url);
		if (p->image.checksum)
			put_opt(&b, "--checksum", p->image.checksum);
		buf_append(&b, "\n");
		goto scripts;
	}
	if (!m->has_packages)
		goto scripts;
	buf_append(&b, "\n%packages");
	if (!strv_contains(p->install, "@minimal"))
		buf_append(&b, " --nocore");
	if (p->ignore_missing)
		buf_append(&b, " --ignoremissing");
	if (!p->install_weak_deps)
		buf_append(&b, " --exclude-weakdeps");
	if (p->exclude_docs)
		buf_append(&b, " --excludedocs");
	if (p->install_langs)
		put_opt(&b, "--instLangs",
			strcmp(p->install_langs, "none") == 0 ? "" : p->install_langs);
	buf_append(&b, "\n");
	for (char **x = p->install; x && *x; x++)
		if (strcmp(*x, "@minimal") != 0)
			buf_printf(&b, "%s\n", *x);
	for (char **x = p->exclude; x && *x; x++)
		buf_printf(&b, "-%s\n", *x);
	buf_append(&b, "%end\n");

scripts:
	for (size_t i = 0; i < m->scripts.n_pre; i++)
		write_script(&b, "%pre", &m->scripts.pre[i], false);
	for (size_t i = 0; i < m->scripts.n_post; i++)
		write_script(&b, "%post", &m->scripts.post[i], true);
	for (size_t i = 0; i < m->scripts.n_error; i++)
		write_script(&b, "%onerror", &m->scripts.error[i], false);
	write_reporting(&b, &m->reporting);
	for (size_t i = 0; i < m->n_certificates; i++) {
		const azl_certificate *c = &m->certificates[i];
		buf_append(&b, "\n%certificate");
		put_opt(&b, "--filename", c->filename ? c->filename : "");
		put_opt(&b, "--dir", c->dir ? c->dir : "");
		buf_append(&b, "\n");
		const char *pem = c->pem ? c->pem : "";
		buf_append(&b, pem);
		if (*pem && pem[strlen(pem) - 1] != '\n')
			buf_append(&b, "\n");
		buf_append(&b, "%end\n");
	}
	return buf_steal(&b);
}
