/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks that need the whole model, after a reader has checked keys and
 * types; shared by the answer-file reader, the kickstart translator and
 * the TUI. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "i18n.h"
#include "log.h"
#include "model-values.h"
#include "model.h"
#include "passwd-hash.h"
#include "pbkdf2.h"
#include "repo-preset.h"
#include "trust.h"
#include "util.h"

static void check_existing(const azl_storage *s, size_t i, const char *mnt, azl_diags *d);

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
	if (streq_ptr(s, "C") || streq_ptr(s, "POSIX") || streq_ptr(s, "C.UTF-8") ||
	    streq_ptr(s, "C.utf8"))
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
	_cleanup_free_ char *path =
		xasprintf("%s/%s", zoneinfo_dir ? zoneinfo_dir : "/usr/share/zoneinfo", s);
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

bool ip_prefix_is_valid(const char *s)
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

/* What lvm(8) allows in volume group and logical volume names. */
static bool lvm_name_is_valid(const char *s)
{
	if (!s || !*s || *s == '-' || strlen(s) > 127 || streq_ptr(s, ".") || streq_ptr(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (!is_alnum(*p) && !strchr("_.+-", *p))
			return false;
	return true;
}

static const azl_volume_group *find_volume_group(const azl_storage *s, const char *name)
{
	for (size_t i = 0; i < s->n_volume_groups; i++)
		if (streq_ptr(s->volume_groups[i].name, name))
			return &s->volume_groups[i];
	return NULL;
}

/* "'a', 'b'" of the words that are not NULL; NULL when all are. */
static char *join_quoted(const char *const *words, size_t n)
{
	char *list = NULL;
	for (size_t k = 0; k < n; k++) {
		if (!words[k])
			continue;
		char *l =
			list ? xasprintf("%s, '%s'", list, words[k]) : xasprintf("'%s'", words[k]);
		free(list);
		list = l;
	}
	return list;
}

/* A partition with volume_group: is only a container for LVM. */
static void check_physical_volume(const azl_storage *s, const azl_partition_spec *p, azl_diags *d)
{
	const char *keys[4] = {
		p->mount ? "mount" : NULL,
		p->fs != AZL_FS_NONE ? "fs" : NULL,
		p->label ? "label" : NULL,
		p->fs_options ? "options" : NULL,
	};
	_cleanup_free_ char *list = join_quoted(keys, ELEMENTSOF(keys));
	if (list)
		diag_error(
			d, p->loc,
			_("a physical volume of volume group '%s' cannot have %s; mount points, filesystems, labels and options belong to its volumes"),
			p->volume_group, list);
	if (!find_volume_group(s, p->volume_group))
		diag_error(
			d, p->loc,
			_("volume group '%s' is not listed in 'storage.volume_groups'; add it there with its volumes"),
			p->volume_group);
}

/* A btrfs partition's subvolumes (fs: btrfs, subvolumes:): named once,
 * each mount point once across partitions, subvolumes and volumes, and
 * none of what GRUB and the firmware read (/boot stays a partition of its
 * own, as Fedora lays btrfs out). Returns whether one is mounted on "/". */
static bool check_subvolumes(const azl_storage *s, size_t pi, azl_diags *d)
{
	const azl_partition_spec *p = &s->partitions[pi];
	bool have_root = false;
	if (p->n_subvolumes == 0)
		return false;
	if (p->fs != AZL_FS_BTRFS)
		diag_error(
			d, p->loc,
			_("only a btrfs partition has 'subvolumes'; add 'fs: btrfs' to it or remove 'subvolumes'"));
	if (p->mount)
		diag_error(
			d, p->loc,
			_("a btrfs partition with 'subvolumes' has no 'mount' of its own; give '%s' to one of its subvolumes"),
			p->mount);
	for (size_t i = 0; i < p->n_subvolumes; i++) {
		const azl_subvolume_spec *v = &p->subvolumes[i];
		if (!v->name)
			diag_error(d, v->loc, _("a subvolume needs a 'name'"));
		else if (!lvm_name_is_valid(v->name))
			diag_error(
				d, v->loc,
				_("'%s' is not a valid subvolume name: use letters, digits and '_.+-', not starting with '-', at most 127 characters"),
				v->name);
		for (size_t k = 0; v->name && k < i; k++)
			if (streq_ptr(p->subvolumes[k].name, v->name)) {
				diag_error(d, v->loc,
					   _("subvolume '%s' is listed twice (first at line %d)"),
					   v->name, p->subvolumes[k].loc.line);
				break;
			}
		if (!v->mount)
			continue;
		if (streq_ptr(v->mount, "/"))
			have_root = true;
		if (streq_ptr(v->mount, "swap") || streq_ptr(v->mount, "/boot") ||
		    streq_ptr(v->mount, "/boot/efi")) {
			diag_error(
				d, v->loc,
				_("'%s' cannot be a btrfs subvolume; make it a partition of its own (/boot ext4, as Fedora does)"),
				v->mount);
			continue;
		}
		int first = 0;
		for (size_t k = 0; !first && k < s->n_partitions; k++)
			if (streq_ptr(s->partitions[k].mount, v->mount))
				first = s->partitions[k].loc.line > 0 ? s->partitions[k].loc.line
								      : -1;
		for (size_t k = 0; !first && k <= pi; k++) {
			const azl_partition_spec *o = &s->partitions[k];
			for (size_t q = 0; !first && q < o->n_subvolumes; q++) {
				const azl_subvolume_spec *w = &o->subvolumes[q];
				if (w == v)
					break;
				if (streq_ptr(w->mount, v->mount))
					first = w->loc.line > 0 ? w->loc.line : -1;
			}
		}
		for (size_t g = 0; !first && g < s->n_volume_groups; g++)
			for (size_t k = 0; !first && k < s->volume_groups[g].n_volumes; k++) {
				const azl_volume_spec *o = &s->volume_groups[g].volumes[k];
				if (streq_ptr(o->mount, v->mount))
					first = o->loc.line > 0 ? o->loc.line : -1;
			}
		if (first > 0)
			diag_error(
				d, v->loc,
				_("mount point '%s' is used twice (first at line %d); give each partition, subvolume and volume its own"),
				v->mount, first);
		else if (first < 0)
			diag_error(
				d, v->loc,
				_("mount point '%s' is used twice; give each partition, subvolume and volume its own"),
				v->mount);
	}
	return have_root;
}

/* A mount point of a volume may clash with a partition's or with one of
 * an earlier volume; returns the line of the first use, or 0. */
static int mount_first_use(const azl_storage *s, const azl_volume_spec *v)
{
	for (size_t i = 0; i < s->n_partitions; i++)
		if (streq_ptr(s->partitions[i].mount, v->mount))
			return s->partitions[i].loc.line > 0 ? s->partitions[i].loc.line : -1;
	for (size_t i = 0; i < s->n_raids; i++)
		if (streq_ptr(s->raids[i].mount, v->mount))
			return s->raids[i].loc.line > 0 ? s->raids[i].loc.line : -1;
	for (size_t g = 0; g < s->n_volume_groups; g++)
		for (size_t k = 0; k < s->volume_groups[g].n_volumes; k++) {
			const azl_volume_spec *o = &s->volume_groups[g].volumes[k];
			if (o == v)
				return 0;
			if (streq_ptr(o->mount, v->mount))
				return o->loc.line > 0 ? o->loc.line : -1;
		}
	return 0;
}

static void check_volume(const azl_storage *s, const azl_volume_group *g, size_t i, azl_diags *d)
{
	const azl_volume_spec *v = &g->volumes[i];
	const char *gname = g->name ? g->name : "?";
	if (!v->name)
		diag_error(d, v->loc, _("a volume of volume group '%s' needs a 'name'"), gname);
	else if (!lvm_name_is_valid(v->name))
		diag_error(
			d, v->loc,
			_("'%s' is not a valid logical volume name: use letters, digits and '_.+-', not starting with '-', at most 127 characters"),
			v->name);
	for (size_t k = 0; v->name && k < i; k++)
		if (streq_ptr(g->volumes[k].name, v->name)) {
			diag_error(
				d, v->loc,
				_("volume '%s' is listed twice in volume group '%s' (first at line %d)"),
				v->name, gname, g->volumes[k].loc.line);
			break;
		}
	const char *name = v->name ? v->name : "?";
	bool is_swap = streq_ptr(v->mount, "swap");
	int first = v->mount ? mount_first_use(s, v) : 0;
	if (first > 0)
		diag_error(
			d, v->loc,
			_("mount point '%s' is used twice (first at line %d); give each partition and volume its own"),
			v->mount, first);
	else if (first < 0)
		diag_error(
			d, v->loc,
			_("mount point '%s' is used twice; give each partition and volume its own"),
			v->mount);
	if (streq_ptr(v->mount, "/boot") || streq_ptr(v->mount, "/boot/efi"))
		diag_error(
			d, v->loc,
			_("'%s' cannot be a logical volume: the boot loader reads it before LVM is up; make it a partition"),
			v->mount);
	if (is_swap && v->fs != AZL_FS_NONE && v->fs != AZL_FS_SWAP)
		diag_error(d, v->loc,
			   _("the swap volume cannot have 'fs: %s'; leave 'fs' out or use swap"),
			   fs_to_string(v->fs));
	if (!is_swap && v->fs == AZL_FS_SWAP && v->mount)
		diag_error(d, v->loc,
			   _("volume '%s' has 'fs: swap'; use 'mount: swap' for swap space"), name);
	if (streq_ptr(v->mount, "/") && v->fs == AZL_FS_VFAT)
		diag_error(d, v->loc, _("'/' cannot be vfat; use ext4 or xfs"));
	if (v->fs == AZL_FS_BTRFS)
		diag_error(
			d, v->loc,
			_("volume '%s' cannot be btrfs: btrfs goes on a partition (with its subvolumes), not on LVM; use ext4 or xfs"),
			name);
	if (v->max_bytes && v->size.kind == AZL_SIZE_BYTES && v->size.bytes > v->max_bytes)
		diag_error(d, v->loc, _("volume '%s' has a 'size' larger than its 'max_size'"),
			   name);
}

/* Returns whether a volume is mounted on "/". */
static bool check_volume_groups(const azl_storage *s, azl_diags *d)
{
	bool have_root = false;
	if (s->n_volume_groups > 0 && s->n_partitions == 0)
		diag_error(
			d, s->volume_groups[0].loc,
			_("'volume_groups' needs a custom layout: list the physical volumes in 'partitions' with 'volume_group: NAME'"));
	for (size_t i = 0; i < s->n_volume_groups; i++) {
		const azl_volume_group *g = &s->volume_groups[i];
		if (!g->name)
			diag_error(d, g->loc, _("a volume group needs a 'name'"));
		else if (!lvm_name_is_valid(g->name))
			diag_error(
				d, g->loc,
				_("'%s' is not a valid volume group name: use letters, digits and '_.+-', not starting with '-', at most 127 characters"),
				g->name);
		for (size_t k = 0; g->name && k < i; k++)
			if (streq_ptr(s->volume_groups[k].name, g->name)) {
				diag_error(
					d, g->loc,
					_("volume group '%s' is listed twice (first at line %d)"),
					g->name, s->volume_groups[k].loc.line);
				break;
			}
		bool has_pv = false;
		for (size_t k = 0; g->name && k < s->n_partitions; k++)
			has_pv = has_pv || streq_ptr(s->partitions[k].volume_group, g->name);
		for (size_t k = 0; g->name && k < s->n_raids; k++)
			has_pv = has_pv || streq_ptr(s->raids[k].volume_group, g->name);
		if (g->name && !has_pv && s->n_partitions > 0)
			diag_error(
				d, g->loc,
				_("volume group '%s' has no physical volume; add a partition with 'volume_group: %s'"),
				g->name, g->name);
		uint64_t percent = 0;
		for (size_t k = 0; k < g->n_volumes; k++) {
			check_volume(s, g, k, d);
			if (g->volumes[k].size.kind == AZL_SIZE_PERCENT)
				percent += g->volumes[k].size.percent;
			if (streq_ptr(g->volumes[k].mount, "/"))
				have_root = true;
		}
		if (percent > 10000)
			diag_error(
				d, g->loc,
				_("the volumes of volume group '%s' ask for more than 100%% of it in all"),
				g->name ? g->name : "?");
	}
	return have_root;
}

/* An md array name: /dev/md/NAME, and mdadm's --name (at most 32). */
static bool raid_name_is_valid(const char *s)
{
	if (!s || !*s || *s == '-' || strlen(s) > 32 || streq_ptr(s, ".") || streq_ptr(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (!is_alnum(*p) && !strchr("_.-", *p))
			return false;
	return true;
}

static const azl_raid_spec *find_raid(const azl_storage *s, const char *name)
{
	for (size_t i = 0; i < s->n_raids; i++)
		if (streq_ptr(s->raids[i].name, name))
			return &s->raids[i];
	return NULL;
}

/* The fewest active members (members less spares) md accepts for a level
 * the installer offers; 0 for a level it does not offer. RAID10 asks for
 * 4 like Anaconda (blivet's RAID10.min_members), although md's near
 * layout would mirror 2: use level 1 for that. */
int raid_level_min_members(int level)
{
	switch (level) {
	case 1:
		return 2;
	case 5:
		return 3;
	case 6:
	case 10:
		return 4;
	default:
		return 0;
	}
}

/* A partition with raid: is only a member; the array has the rest. */
static void check_raid_member(const azl_storage *s, const azl_partition_spec *p, azl_diags *d)
{
	const char *keys[6] = {
		p->mount ? "mount" : NULL,     p->fs != AZL_FS_NONE ? "fs" : NULL,
		p->label ? "label" : NULL,     p->fs_options ? "options" : NULL,
		p->encrypt ? "encrypt" : NULL, p->volume_group ? "volume_group" : NULL,
	};
	_cleanup_free_ char *list = join_quoted(keys, ELEMENTSOF(keys));
	if (list)
		diag_error(
			d, p->loc,
			_("a member of RAID '%s' cannot have %s; give them to the array in 'storage.raids'"),
			p->raid, list);
	if (!find_raid(s, p->raid))
		diag_error(
			d, p->loc,
			_("RAID '%s' is not listed in 'storage.raids'; add it there with its level"),
			p->raid);
}

/* Returns whether an array is mounted on "/". */
static bool check_raids(const azl_storage *s, bool have_key, azl_diags *d)
{
	bool have_root = false;
	if (s->n_raids > 0 && s->n_partitions == 0)
		diag_error(
			d, s->raids[0].loc,
			_("'raids' needs a custom layout: list the members in 'partitions' with 'raid: NAME'"));
	for (size_t i = 0; i < s->n_raids; i++) {
		const azl_raid_spec *r = &s->raids[i];
		const char *name = r->name ? r->name : "?";
		if (!r->name)
			diag_error(d, r->loc, _("a RAID needs a 'name'"));
		else if (!raid_name_is_valid(r->name))
			diag_error(
				d, r->loc,
				_("'%s' is not a valid RAID name: use letters, digits and '_.-', not starting with '-', at most 32 characters"),
				r->name);
		for (size_t k = 0; r->name && k < i; k++)
			if (streq_ptr(s->raids[k].name, r->name)) {
				diag_error(d, r->loc,
					   _("RAID '%s' is listed twice (first at line %d)"),
					   r->name, s->raids[k].loc.line);
				break;
			}
		int min = raid_level_min_members(r->level);
		if (min == 0)
			diag_error(
				d, r->loc,
				r->level == 0
					? _("RAID '%s' needs a 'level': 1, 5, 6 or 10")
					: _("RAID '%s' has level %d; the installer makes levels 1, 5, 6 and 10"),
				name, r->level);
		if (r->metadata && !streq_ptr(r->metadata, "1.0") &&
		    !streq_ptr(r->metadata, "1.1") && !streq_ptr(r->metadata, "1.2"))
			diag_error(
				d, r->loc,
				_("RAID '%s' has metadata '%s'; use 1.2 (the default), or 1.0 for a mirror the firmware reads"),
				name, r->metadata);
		int members = 0;
		for (size_t k = 0; r->name && k < s->n_partitions; k++) {
			const azl_partition_spec *p = &s->partitions[k];
			if (!streq_ptr(p->raid, r->name))
				continue;
			members++;
			/* Two members on one disk: one failure takes both. */
			for (size_t q = 0; q < k; q++) {
				const azl_partition_spec *o = &s->partitions[q];
				if (!streq_ptr(o->raid, r->name))
					continue;
				bool same = o->disk_path || p->disk_path
						    ? streq_ptr(o->disk_path, p->disk_path)
						    : (o->disk_index ?: 1) == (p->disk_index ?: 1);
				if (same) {
					diag_error(
						d, p->loc,
						_("two members of RAID '%s' are on the same disk (first at line %d); put each member on its own disk"),
						name, o->loc.line);
					break;
				}
			}
		}
		if (r->name && s->n_partitions > 0 && members == 0)
			diag_error(
				d, r->loc,
				_("RAID '%s' has no members; add partitions with 'raid: %s' on %d disks"),
				name, name, min ? min : 2);
		else if (min > 0 && members > 0 && members - r->spares < min)
			diag_error(
				d, r->loc,
				_("RAID '%s' of level %d needs at least %d active members, but has %d (and %d spares); add members on more disks"),
				name, r->level, min, members - r->spares, r->spares);
		if (r->mount && r->volume_group)
			diag_error(
				d, r->loc,
				_("RAID '%s' has both 'mount' and 'volume_group'; an LVM physical volume is not mounted"),
				name);
		if (r->volume_group && !find_volume_group(s, r->volume_group))
			diag_error(
				d, r->loc,
				_("volume group '%s' is not listed in 'storage.volume_groups'; add it there with its volumes"),
				r->volume_group);
		if (r->mount)
			for (size_t k = 0; k < s->n_partitions; k++)
				if (streq_ptr(s->partitions[k].mount, r->mount) &&
				    !streq_ptr(r->mount, "swap"))
					diag_error(
						d, r->loc,
						_("mount point '%s' is used twice (first at line %d); give each partition and RAID its own"),
						r->mount, s->partitions[k].loc.line);
		for (size_t k = 0; r->mount && k < i; k++)
			if (streq_ptr(s->raids[k].mount, r->mount) && !streq_ptr(r->mount, "swap"))
				diag_error(
					d, r->loc,
					_("mount point '%s' is used twice (first at line %d); give each RAID its own"),
					r->mount, s->raids[k].loc.line);
		bool boot = streq_ptr(r->mount, "/boot") || streq_ptr(r->mount, "/boot/efi");
		if (r->encrypt && boot)
			diag_error(
				d, r->loc,
				_("'%s' cannot be encrypted: the firmware and the boot loader read it before any passphrase is asked; remove 'encrypt: true' there"),
				r->mount);
		if (r->encrypt && !have_key)
			diag_error(
				d, r->loc,
				_("RAID '%s' is to be encrypted but no passphrase is given; add 'storage.encryption' with 'passphrase' or 'passphrase_file'"),
				name);
		if (streq_ptr(r->mount, "/boot/efi") &&
		    (r->level != 1 || !streq_ptr(r->metadata, "1.0")))
			diag_error(
				d, r->loc,
				_("RAID '%s' holds /boot/efi, which the firmware reads as a plain FAT partition: only a mirror with the superblock at the end allows that; use 'level: 1' and 'metadata: \"1.0\"'"),
				name);
		if (streq_ptr(r->mount, "/boot/efi") && r->fs != AZL_FS_NONE &&
		    r->fs != AZL_FS_VFAT)
			diag_error(d, r->loc, _("'/boot/efi' must be vfat; use 'fs: vfat'"));
		if (streq_ptr(r->mount, "/") && r->fs == AZL_FS_VFAT)
			diag_error(d, r->loc, _("'/' cannot be vfat; use ext4 or xfs"));
		if (streq_ptr(r->mount, "/"))
			have_root = true;
	}
	return have_root;
}

static void check_storage(const azl_storage *s, bool asked, azl_diags *d)
{
	const azl_encryption *e = &s->encryption;
	/* asked: interactive: storage, whose passphrase page asks it; an
	 * unattended install refuses the plan (model_storage_unanswered). */
	bool have_key = e->passphrase || e->passphrase_file || asked;

	if (s->filesystem != AZL_FS_EXT4 && s->filesystem != AZL_FS_XFS &&
	    s->filesystem != AZL_FS_BTRFS)
		diag_error(
			d, s->loc,
			_("'filesystem' of a guided layout must be ext4, xfs or btrfs, not '%s'"),
			fs_to_string(s->filesystem) ? fs_to_string(s->filesystem) : "none");
	/* Like Anaconda's autopart --type=btrfs: one btrfs volume on a
	 * partition, never on LVM. */
	if (s->filesystem == AZL_FS_BTRFS && s->layout == AZL_LAYOUT_LVM && s->n_partitions == 0)
		diag_error(
			d, s->loc,
			_("'filesystem: btrfs' goes with 'layout: plain' (btrfs has subvolumes instead of logical volumes); add 'layout: plain'"));
	if (e->enabled && !have_key)
		diag_error(d, e->loc, _("'encryption' needs 'passphrase' or 'passphrase_file'"));
	/* The TPM key sits next to the passphrase, never instead of it: the
	 * passphrase is the way in when the PCRs change. */
	if ((e->tpm2.enabled || e->n_tang > 0) && s->n_partitions > 0) {
		bool any = false;
		for (size_t i = 0; i < s->n_partitions; i++)
			any = any || s->partitions[i].encrypt;
		for (size_t i = 0; i < s->n_raids; i++)
			any = any || s->raids[i].encrypt;
		if (!any && e->tpm2.enabled)
			diag_error(
				d, e->tpm2.loc,
				_("'tpm2' unlocks encrypted volumes, and this layout has none; add 'encrypt: true' to a partition or remove 'tpm2'"));
		if (!any && e->n_tang > 0)
			diag_error(
				d, e->tang_loc,
				_("'tang' unlocks encrypted volumes, and this layout has none; add 'encrypt: true' to a partition or remove 'tang'"));
	}
	for (size_t i = 0; i < s->n_disks; i++) {
		const azl_disk_spec *ds = &s->disks[i];
		if (!ds->path && ds->match_size == AZL_MATCH_SIZE_ANY && !ds->match_serial &&
		    !ds->match_model)
			diag_error(d, ds->loc, _("disk %zu has neither a path nor a match rule"),
				   i + 1);
	}

	bool have_root = false;
	for (size_t i = 0; i < s->n_partitions; i++) {
		const azl_partition_spec *p = &s->partitions[i];
		_cleanup_free_ char *pv_name =
			p->volume_group ? xasprintf(_("(a physical volume of %s)"), p->volume_group)
					: NULL;
		const char *mnt = p->mount ? p->mount : pv_name ? pv_name : _("(no mount point)");
		bool is_swap = streq_ptr(p->mount, "swap");
		if (streq_ptr(p->mount, "/"))
			have_root = true;
		for (size_t k = 0; p->mount && k < i; k++)
			if (streq_ptr(s->partitions[k].mount, p->mount)) {
				diag_error(
					d, p->loc,
					_("mount point '%s' is used twice (first at line %d); give each partition its own"),
					p->mount, s->partitions[k].loc.line);
				break;
			}
		if (is_swap && p->fs != AZL_FS_NONE && p->fs != AZL_FS_SWAP)
			diag_error(
				d, p->loc,
				_("the swap partition cannot have 'fs: %s'; leave 'fs' out or use swap"),
				fs_to_string(p->fs));
		if (!is_swap && p->fs == AZL_FS_SWAP && p->mount)
			diag_error(
				d, p->loc,
				_("partition '%s' has 'fs: swap'; use 'mount: swap' for swap space"),
				mnt);
		if (streq_ptr(p->mount, "/") && p->fs == AZL_FS_VFAT)
			diag_error(d, p->loc, _("'/' cannot be vfat; use ext4 or xfs"));
		if (streq_ptr(p->mount, "/boot") && p->fs == AZL_FS_BTRFS)
			diag_error(
				d, p->loc,
				_("'/boot' cannot be btrfs here; make it ext4 (as Fedora does) or xfs"));
		if (check_subvolumes(s, i, d)) {
			have_root = true;
			bool boot = false;
			for (size_t k = 0; k < s->n_partitions; k++)
				boot |= streq_ptr(s->partitions[k].mount, "/boot");
			if (!boot)
				diag_error(
					d, p->loc,
					_("'/' on a btrfs subvolume needs '/boot' as a partition of its own, which GRUB reads; add {mount: /boot, size: 1G} as Fedora does"));
		}
		if (p->encrypt && !have_key)
			diag_error(
				d, p->loc,
				_("partition '%s' is to be encrypted but no passphrase is given; add 'storage.encryption' with 'passphrase' or 'passphrase_file'"),
				mnt);
		if (p->disk_index < 0 || (s->n_disks > 0 && (size_t)p->disk_index > s->n_disks) ||
		    (s->n_disks == 0 && p->disk_index > 1))
			diag_error(
				d, p->loc,
				_("partition '%s' is on disk %d, but 'storage.disks' lists %zu; use an index from 1 to %zu"),
				mnt, p->disk_index, s->n_disks, s->n_disks ? s->n_disks : 1);
		if (p->max_bytes && p->size.kind == AZL_SIZE_BYTES && p->size.bytes > p->max_bytes)
			diag_error(d, p->loc,
				   _("partition '%s' has a 'size' larger than its 'max_size'"),
				   mnt);
		if (p->raid)
			check_raid_member(s, p, d);
		else if (p->volume_group)
			check_physical_volume(s, p, d);
		check_existing(s, i, mnt, d);
	}
	have_root = check_volume_groups(s, d) || have_root;
	have_root = check_raids(s, have_key, d) || have_root;
	if (s->n_partitions > 0 && !have_root)
		diag_error(
			d, s->loc,
			s->n_volume_groups == 0
				? _("the custom layout in 'partitions' has no '/'; add a partition with 'mount: /'")
				: _("the custom layout has no '/'; add a partition or a volume with 'mount: /'"));
}

/* "existing:" (kickstart's --onpart): a partition the disk has, reused
 * where it is. What a new partition is given (size, place, encryption,
 * membership) it has already; and a wipe other than none would clear it
 * first (Anaconda: "Partition given in part command does not exist"). */
static void check_existing(const azl_storage *s, size_t i, const char *mnt, azl_diags *d)
{
	const azl_partition_spec *p = &s->partitions[i];
	if (!p->existing) {
		if (p->keep_fs)
			diag_error(
				d, p->loc,
				_("partition '%s' has 'format: false', which keeps the filesystem of an existing partition; name that partition with 'existing: /dev/...'"),
				mnt);
		return;
	}
	const char *e = p->existing;
	if (!startswith(e, "/dev/") || !e[5] || strpbrk(e, " \t\n") || strstr(e, "/../")) {
		diag_error(d, p->loc,
			   _("'existing' must be the path of a partition like /dev/vda3, not '%s'"),
			   e);
		return;
	}
	const char *what = p->size.kind != AZL_SIZE_UNSET  ? "size"
			   : p->grow			   ? "grow"
			   : p->max_bytes		   ? "max_size"
			   : p->disk_index || p->disk_path ? "disk"
			   : p->encrypt			   ? "encrypt"
			   : p->volume_group		   ? "volume_group"
			   : p->raid			   ? "raid"
			   : p->n_subvolumes		   ? "subvolumes"
			   : p->keep_fs && p->label	   ? "label"
							   : NULL;
	if (what)
		diag_error(
			d, p->loc,
			_("partition '%s' is the existing partition '%s', which keeps its place, size and contents; remove '%s'"),
			mnt, e, what);
	if (!p->mount)
		diag_error(d, p->loc,
			   _("the existing partition '%s' needs a 'mount' (a mount point or swap)"),
			   e);
	if (s->wipe != AZL_WIPE_NONE)
		diag_error(
			d, p->loc,
			_("'wipe: %s' clears the disks before '%s' could be reused (Anaconda refuses clearpart together with --onpart the same way); use 'wipe: none'"),
			wipe_to_string(s->wipe), e);
	for (size_t k = 0; k < i; k++)
		if (streq_ptr(s->partitions[k].existing, e)) {
			diag_error(
				d, p->loc,
				_("the existing partition '%s' is used twice (first at line %d)"),
				e, s->partitions[k].loc.line);
			break;
		}
}

static void check_password(const char *who, const azl_secret *pw, const char *hash, azl_loc loc,
			   azl_diags *d)
{
	if (pw && hash)
		diag_error(d, loc, _("%s has both 'password' and 'password_hash'; keep one"), who);
	if (hash && startswith(hash, "$1$"))
		diag_error(
			d, loc,
			_("the 'password_hash' of %s is an MD5 hash ($1$): MD5 is refused, it is too weak; make a yescrypt hash with 'mkpasswd -m yescrypt'"),
			who);
	else if (hash && !password_hash_is_valid(hash))
		diag_error(
			d, loc,
			_("the 'password_hash' of %s is not a crypt(3) hash like $y$...; make one with 'mkpasswd -m yescrypt'"),
			who);
}

static void check_accounts(const azl_accounts *a, azl_diags *d)
{
	check_password("'root'", a->root.password, a->root.password_hash, a->root.loc, d);
	for (size_t i = 0; i < a->n_users; i++) {
		const azl_user *u = &a->users[i];
		if (!u->name) {
			diag_error(d, u->loc, _("a user needs a 'name'"));
			continue;
		}
		_cleanup_free_ char *who = xasprintf("user '%s'", u->name);
		if (streq_ptr(u->name, "root"))
			diag_error(d, u->loc,
				   _("'root' is set up under 'accounts.root', not under 'users'"));
		else if (!username_is_valid(u->name)) {
			_cleanup_free_ char *shown = value_for_message(u->name);
			diag_error(
				d, u->loc,
				_("'%s' is not a valid user name: use lowercase letters, digits, '_' and '-', starting with a letter"),
				shown);
		}
		for (size_t k = 0; k < i; k++)
			if (streq_ptr(a->users[k].name, u->name)) {
				diag_error(d, u->loc,
					   _("user '%s' is listed twice (first at line %d)"),
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
		int ways = !!it->name + !!it->match_mac + it->match_link + it->match_bootif;
		const char *name = it->name	      ? it->name
				   : it->match_mac    ? it->match_mac
				   : it->match_link   ? "match: {link: true}"
				   : it->match_bootif ? "match: {bootif: true}"
						      : "?";
		bool virt = it->vlan_id || it->vlan_link || it->bond.slaves;
		if (virt && (!it->name || ways > 1))
			diag_error(
				d, it->loc,
				_("a VLAN or bond interface needs a 'name' and no 'match'; it does not exist until it is made"));
		else if (ways == 0)
			diag_error(
				d, it->loc,
				_("an interface needs one of 'name', 'match: {mac: ...}', 'match: {link: true}' or 'match: {bootif: true}'"));
		else if (ways > 1)
			diag_error(
				d, it->loc,
				_("interface '%s' is picked in more than one way; give exactly one of 'name', 'match: {mac: ...}', 'match: {link: true}' or 'match: {bootif: true}'"),
				name);
		for (size_t k = 0; it->addresses && it->addresses[k]; k++)
			if (!ip_prefix_is_valid(it->addresses[k]))
				diag_error(
					d, it->loc,
					_("address '%s' of '%s' must be an IP address with a prefix length, like 192.0.2.10/24"),
					it->addresses[k], name);
		if (it->gateway4 && !gateway_is_valid(it->gateway4, AF_INET))
			diag_error(d, it->loc, _("'gateway4' of '%s' is not an IPv4 address: '%s'"),
				   name, it->gateway4);
		if (it->gateway6 && !gateway_is_valid(it->gateway6, AF_INET6))
			diag_error(d, it->loc, _("'gateway6' of '%s' is not an IPv6 address: '%s'"),
				   name, it->gateway6);
		if (it->vlan_id < 0 || it->vlan_id > 4094)
			diag_error(d, it->loc, _("VLAN id %d of '%s' is outside 1..4094"),
				   it->vlan_id, name);
		if (it->vlan_link && it->vlan_id == 0)
			diag_error(d, it->loc, _("'vlan' of '%s' needs an 'id'"), name);
	}
}

bool time_source_is_valid(const char *s)
{
	return hostname_is_valid(s) || ip_address_is_valid(s);
}

static void check_ntp(const azl_model *m, azl_diags *d)
{
	const azl_ntp *n = &m->ntp;
	char **lists[] = {n->servers, n->pools};
	static const char *const keys[] = {"servers", "pools"};
	for (size_t l = 0; l < ELEMENTSOF(lists); l++)
		for (size_t i = 0; lists[l] && lists[l][i]; i++)
			if (!time_source_is_valid(lists[l][i]))
				diag_error(
					d, model_value_loc(m, lists[l][i], n->loc),
					_("'%s' in '%s' is neither a host name nor an IP address"),
					lists[l][i], keys[l]);
}

bool webhook_endpoint_is_valid(const char *url)
{
	if (!url || strlen(url) > 2048)
		return false;
	const char *host = NULL;
	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	if (!host || !*host || *host == '/' || *host == ':' || *host == '?')
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* An HTTP header name: RFC 9110's token. */
static bool header_name_is_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 256)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("!#$%&'*+-.^_`|~", *p)))
			return false;
	return true;
}

/* A header value: no line break (which would add a header of its own)
 * and no other control character but a tab. */
static bool header_value_is_valid(const azl_secret *v)
{
	if (!v || v->len > 8192 || strlen(v->data) != v->len)
		return false;
	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->data[i];
		if ((c < ' ' && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static void check_reporting(const azl_model *m, azl_diags *d)
{
	for (size_t i = 0; i < m->reporting.n_hooks; i++) {
		const azl_webhook *w = &m->reporting.hooks[i];
		if (w->type && strcmp(w->type, "webhook") != 0) {
			_cleanup_free_ char *t = value_for_message(w->type);
			diag_error(d, model_value_loc(m, w->type, w->loc),
				   _("reporting '%s': type '%s' is not supported; use 'webhook'"),
				   w->name, t);
		}
		if (!w->endpoint)
			diag_error(d, w->loc,
				   _("reporting '%s' needs 'endpoint: URL' (http:// or https://)"),
				   w->name);
		else if (!webhook_endpoint_is_valid(w->endpoint)) {
			_cleanup_free_ char *u = value_for_message(w->endpoint);
			diag_error(
				d, model_value_loc(m, w->endpoint, w->loc),
				_("reporting '%s': endpoint '%s' is not an http:// or https:// URL"),
				w->name, u);
		}
		if (w->level && strcasecmp(w->level, "debug") != 0 &&
		    strcasecmp(w->level, "info") != 0) {
			_cleanup_free_ char *l = value_for_message(w->level);
			diag_error(
				d, model_value_loc(m, w->level, w->loc),
				_("reporting '%s': level '%s' is neither DEBUG (progress too) nor INFO (phases and the result)"),
				w->name, l);
		}
		for (size_t k = 0; k < w->n_headers; k++) {
			const azl_report_header *h = &w->headers[k];
			/* Not quoted: a line without its colon ("Authorization
			 * Bearer abc:def") makes a name of part of the token. */
			if (!header_name_is_valid(h->name))
				diag_error(
					d, h->loc,
					_("reporting '%s': header %zu has no valid HTTP header name (letters, digits and !#$%%&'*+-.^_`|~, then ':'); it is not shown, as it may hold part of a secret"),
					w->name, k + 1);
			/* The value is a secret: say where, never what. */
			if (!header_value_is_valid(h->value))
				diag_error(
					d, model_value_loc(m, h->value, h->loc),
					_("reporting '%s': the value of header '%s' holds a line break or a control character"),
					w->name, h->name);
		}
	}
}

/* What remote-log.c can send to: a host name or an address, no more. */
static void check_logging(const azl_model *m, azl_diags *d)
{
	const azl_logging *l = &m->logging;
	bool host_ok = !l->host || (*l->host && strlen(l->host) <= 253);
	for (const char *p = l->host; host_ok && p && *p; p++)
		host_ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || strchr(".-:%_", *p);
	if (!host_ok) {
		_cleanup_free_ char *h = value_for_message(l->host);
		diag_error(d, model_value_loc(m, l->host, l->loc),
			   _("logging: host '%s' is neither a host name nor an IP address"), h);
	}
	if (l->port && !l->host)
		diag_error(d, l->loc,
			   _("logging: a port needs a host; add the syslog server's host"));
	if (l->port < 0 || l->port > 65535)
		diag_error(d, l->loc, _("logging: port %d is not from 1 to 65535"), l->port);
	if (l->level && log_level_from_name(l->level) < 0) {
		_cleanup_free_ char *v = value_for_message(l->level);
		diag_error(
			d, model_value_loc(m, l->level, l->loc),
			_("logging: level '%s' is none of debug, info, warning, error, critical"),
			v);
	}
}

static void check_bootloader(const azl_bootloader *b, const azl_storage *s, azl_diags *d)
{
	if (b->boot_drive_index < 0 ||
	    (s->n_disks > 0 && (size_t)b->boot_drive_index > s->n_disks) ||
	    (s->n_disks == 0 && b->boot_drive_index > 1))
		diag_error(
			d, b->loc,
			_("'boot_drive' is disk %d, but 'storage.disks' lists %zu; use an index from 1 to %zu"),
			b->boot_drive_index, s->n_disks, s->n_disks ? s->n_disks : 1);
	if (b->password && b->password_hash)
		diag_error(d, b->loc,
			   _("'bootloader' has both 'password' and 'password_hash'; keep one"));
	if (b->password && (b->password->len == 0 || b->password->len > PASSWORD_MAX_LEN))
		diag_error(d, b->loc, _("'bootloader.password' must be 1 to %d bytes long"),
			   PASSWORD_MAX_LEN);
	if (b->password_hash && !grub_password_hash_is_valid(b->password_hash))
		diag_error(
			d, b->loc,
			_("'bootloader.password_hash' is not a GRUB password hash; write what grub2-mkpasswd-pbkdf2 prints (grub.pbkdf2.sha512.10000....)"));
}

/* DESIGN.md, Trust: a key that travels over the network is trusted only
 * through the fingerprint the answer file pins (docs/packages.md). */
static void check_repo_key(const azl_repo *r, azl_diags *d)
{
	const char *name = r->name ? r->name : "?";
	if (r->gpgkey_fingerprint) {
		_cleanup_free_ char *fpr = fingerprint_normalize(r->gpgkey_fingerprint);
		if (!fpr)
			diag_error(
				d, r->loc,
				_("repository '%s': 'gpgkey_fingerprint' '%s' is not a full OpenPGP fingerprint; write the 40 (or 64) hex digits that 'gpg --show-keys --with-fingerprint KEYFILE' prints"),
				name, r->gpgkey_fingerprint);
		if (!r->gpgkey)
			diag_error(
				d, r->loc,
				_("repository '%s': 'gpgkey_fingerprint' is the fingerprint of the key 'gpgkey' names; add 'gpgkey'"),
				name);
	} else if (url_is_remote(r->gpgkey))
		diag_error(
			d, r->loc,
			_("repository '%s': the key '%s' is fetched over the network, so it is trusted only with its fingerprint: add 'gpgkey_fingerprint' (what 'gpg --show-keys --with-fingerprint KEYFILE' prints), or give the key as a file path"),
			name, r->gpgkey);
	else if (r->gpgcheck && !r->gpgkey &&
		 (url_is_remote(r->baseurl) || r->mirrorlist || r->metalink))
		/* A warning, not an error: the key may still come with the
		 * install (--repo-gpgkey, azl.repo.gpgkey=, the medium). */
		diag_warn(
			d, r->loc,
			_("repository '%s' is on the network and names no key: the install refuses it unless a key is pinned; add 'gpgkey' (a file, or a URL with 'gpgkey_fingerprint')"),
			name);
}

/* A preset names its repositories and pins their key itself: what would
 * change either is refused, never half-applied (docs/answer-file.md). */
static void check_repo_preset(const azl_model *m, const azl_repo *r, azl_diags *d)
{
	if (!repo_preset_find(r->preset)) {
		_cleanup_free_ char *v = value_for_message(r->preset);
		diag_error(d, model_value_loc(m, r->preset, r->loc),
			   _("'%s' is not a repository preset; the presets are: %s"), v,
			   repo_preset_names());
	}
	const struct {
		const char *key, *value;
	} own[] = {
		{"name", r->name},
		{"baseurl", r->baseurl},
		{"mirrorlist", r->mirrorlist},
		{"metalink", r->metalink},
		{"gpgkey", r->gpgkey},
		{"gpgkey_fingerprint", r->gpgkey_fingerprint},
	};
	for (size_t k = 0; k < ELEMENTSOF(own); k++)
		if (own[k].value)
			diag_error(
				d, model_value_loc(m, own[k].value, r->loc),
				_("a 'preset' repository takes no '%s': the preset names its repositories and pins their signing key; to give your own, list the repository without 'preset'"),
				own[k].key);
	if (!r->gpgcheck)
		diag_error(
			d, r->loc,
			_("the packages of a 'preset' repository are always checked against its pinned key; leave 'gpgcheck' out"));
}

/* The repository ids an entry stands for: its name, or its preset's. */
static bool repo_has_id(const azl_repo *r, const char *id)
{
	if (!r->preset)
		return r->name && id && strcmp(r->name, id) == 0;
	const azl_repo_preset *p = repo_preset_find(r->preset);
	for (size_t i = 0; p && id && i < p->n_repos; i++)
		if (strcmp(p->repos[i].name, id) == 0)
			return true;
	return false;
}

static void check_repo_ids(const azl_packages *p, size_t i, azl_diags *d)
{
	const azl_repo *r = &p->repos[i];
	const azl_repo_preset *pre = repo_preset_find(r->preset);
	size_t n = r->preset ? (pre ? pre->n_repos : 0) : (r->name ? 1 : 0);
	for (size_t j = 0; j < n; j++) {
		const char *id = r->preset ? pre->repos[j].name : r->name;
		for (size_t k = 0; k < i; k++)
			if (repo_has_id(&p->repos[k], id)) {
				diag_error(
					d, r->loc,
					_("repository name '%s' is used twice (first at line %d)"),
					id, p->repos[k].loc.line);
				return;
			}
	}
}

static void check_packages(const azl_model *m, azl_diags *d)
{
	const azl_packages *p = &m->packages;
	/* An image is the whole system: packages beside it would be ignored,
	 * and an answer file never drops what it was told silently. */
	if (p->image.url) {
		if (p->install_loc.line > 0)
			diag_error(
				d, p->install_loc,
				_("packages to install ('install', %%packages) and an image ('image', liveimg) exclude each other: an image payload installs no packages; remove one of them"));
		if (p->exclude)
			diag_error(
				d, model_value_loc(m, p->exclude[0], p->loc),
				_("'exclude' and an image ('image', liveimg) exclude each other: an image payload installs no packages; remove one of them"));
		if (p->n_repos > 0)
			diag_error(
				d, p->repos[0].loc,
				_("repositories ('repos', url, repo) and an image ('image', liveimg) exclude each other: an image payload reads no repository; remove one of them"));
	}
	for (size_t i = 0; i < p->n_repos; i++) {
		const azl_repo *r = &p->repos[i];
		check_repo_ids(p, i, d);
		if (r->preset) {
			check_repo_preset(m, r, d);
			continue;
		}
		if (!r->name)
			diag_error(d, r->loc, _("a repository needs a 'name'"));
		int urls = !!r->baseurl + !!r->mirrorlist + !!r->metalink;
		if (urls != 1)
			diag_error(
				d, r->loc,
				_("repository '%s' needs one of 'baseurl', 'mirrorlist' and 'metalink'"),
				r->name ? r->name : "?");
		check_repo_key(r, d);
	}
}

static void check_scripts(const azl_script *s, size_t n, const char *when, azl_diags *d)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i].run)
			diag_error(d, s[i].loc, _("a '%s' script needs 'run', the script text"),
				   when);
}

int model_validate(const azl_model *m, azl_diags *d, const char *zoneinfo_dir)
{
	size_t before = diags_errors(d);

	if (m->version != 1)
		diag_error(d, AZL_LOC_NONE, _("unsupported answer file version %d; use 1"),
			   m->version);
	_cleanup_free_ char *host = value_for_message(m->hostname ? m->hostname : "");
	_cleanup_free_ char *locale = value_for_message(m->locale ? m->locale : "");
	_cleanup_free_ char *keymap = value_for_message(m->keyboard ? m->keyboard : "");
	_cleanup_free_ char *zone = value_for_message(m->timezone ? m->timezone : "");
	if (!hostname_is_valid(m->hostname))
		diag_error(d, model_value_loc(m, m->hostname, AZL_LOC_NONE),
			   _("'%s' is not a valid host name"), host);
	if (!locale_is_valid(m->locale))
		diag_error(d, model_value_loc(m, m->locale, AZL_LOC_NONE),
			   _("'%s' is not a locale name"), locale);
	if (!keymap_is_valid(m->keyboard))
		diag_error(d, model_value_loc(m, m->keyboard, AZL_LOC_NONE),
			   _("'%s' is not a keymap name"), keymap);
	if (!timezone_is_valid(m->timezone, zoneinfo_dir))
		diag_error(d, model_value_loc(m, m->timezone, AZL_LOC_NONE),
			   _("time zone '%s' is not in the time zone database"), zone);

	check_ntp(m, d);
	check_reporting(m, d);
	check_logging(m, d);
	check_storage(&m->storage, model_asks_storage(m), d);
	check_bootloader(&m->bootloader, &m->storage, d);
	check_network(&m->network, d);
	check_accounts(&m->accounts, d);
	check_packages(m, d);
	check_scripts(m->scripts.pre, m->scripts.n_pre, "pre", d);
	check_scripts(m->scripts.post, m->scripts.n_post, "post", d);
	check_scripts(m->scripts.error, m->scripts.n_error, "error", d);
	model_check_values(m, d);

	return diags_errors(d) > before ? -EINVAL : 0;
}

char *model_first_error(const azl_model *m, const char *zoneinfo_dir)
{
	azl_diags d;
	diags_init(&d);
	char *msg = NULL;
	if (model_validate(m, &d, zoneinfo_dir) < 0)
		for (size_t i = 0; i < d.n && !msg; i++)
			if (d.items[i].severity == AZL_ERROR)
				msg = xstrdup(d.items[i].message);
	diags_done(&d);
	return msg;
}
