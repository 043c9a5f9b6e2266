/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which disks a plan uses (resolving names and match rules, refusing disks
 * in use) and what kind each probed partition is. */
#include "plan-internal.h"

/* --- small helpers ------------------------------------------------------ */

uint64_t align_down(uint64_t v, uint64_t a)
{
	return v / a * a;
}
uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* percent is in hundredths; the result is rounded down to a MiB. */
uint64_t percent_of(uint64_t bytes, uint32_t percent)
{
	return align_down((uint64_t)((unsigned __int128)bytes * percent / 10000), MIB);
}

char *human(uint64_t bytes)
{
	return size_human(bytes);
}

/* "/dev/vda (20 GiB), /dev/vdb (40 GiB)" for messages. */
char *disk_list(const azl_disk_info *const *disks, size_t n)
{
	azl_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *h = human(disks[i]->size);
		buf_printf(&b, "%s%s (%s)", i ? ", " : "", disks[i]->path, h);
	}
	if (n == 0)
		return xstrdup(_("none"));
	return buf_steal(&b);
}

static char *machine_disk_list(const azl_machine *machine)
{
	_cleanup_free_ const azl_disk_info **all = xcalloc(machine->n_disks + 1, sizeof(*all));
	for (size_t i = 0; i < machine->n_disks; i++)
		all[i] = &machine->disks[i];
	return disk_list(all, machine->n_disks);
}

static const azl_part_info *part_in_use(const azl_disk_info *d)
{
	for (size_t i = 0; i < d->n_parts; i++)
		if (d->parts[i].in_use)
			return &d->parts[i];
	return NULL;
}

static bool disk_eligible(const azl_disk_info *d)
{
	return !d->boot_medium && !d->readonly && !d->in_use && !part_in_use(d);
}

static int check_disk_usable(const azl_disk_info *d, azl_plan_error *err)
{
	if (d->boot_medium)
		return fail(
			err, AZL_PLAN_ERROR_MACHINE, -EBUSY,
			_("disk '%s' is the medium the installer was started from; choose another disk"),
			d->path);
	if (d->readonly)
		return fail(err, AZL_PLAN_ERROR_MACHINE, -EBUSY,
			    _("disk '%s' is read-only; choose another disk"), d->path);
	const azl_part_info *p = part_in_use(d);
	if (d->in_use || p) {
		const char *why = d->in_use_reason;
		if (!why && p)
			why = p->in_use_reason;
		if (!why)
			why = _("in use");
		return fail(
			err, AZL_PLAN_ERROR_MACHINE, -EBUSY,
			_("disk '%s' is in use (%s): unmount it or swapoff it, or choose another disk"),
			d->path, why);
	}
	return 0;
}

static bool chosen_already(const azl_disk_info *const *chosen, size_t n, const azl_disk_info *d)
{
	for (size_t i = 0; i < n; i++)
		if (chosen[i] == d)
			return true;
	return false;
}

static char *rule_describe(const azl_disk_spec *s)
{
	azl_buf b = {0};
	if (s->match_size != AZL_MATCH_SIZE_ANY)
		buf_printf(&b, "size: %s",
			   s->match_size == AZL_MATCH_SIZE_LARGEST ? "largest" : "smallest");
	if (s->match_serial)
		buf_printf(&b, "%sserial: '%s'", b.len ? ", " : "", s->match_serial);
	if (s->match_model)
		buf_printf(&b, "%smodel: '%s'", b.len ? ", " : "", s->match_model);
	return buf_steal(&b);
}

static int match_disk(const azl_machine *machine, const azl_disk_spec *s,
		      const azl_disk_info *const *chosen, size_t n_chosen,
		      const azl_disk_info **ret, azl_plan_error *err)
{
	_cleanup_free_ const azl_disk_info **found = xcalloc(machine->n_disks + 1, sizeof(*found));
	size_t n = 0;
	for (size_t i = 0; i < machine->n_disks; i++) {
		const azl_disk_info *d = &machine->disks[i];
		if (!disk_eligible(d) || chosen_already(chosen, n_chosen, d))
			continue;
		if (s->match_serial && !streq_ptr(s->match_serial, d->serial))
			continue;
		if (s->match_model && !(d->model && strstr(d->model, s->match_model)))
			continue;
		found[n++] = d;
	}
	_cleanup_free_ char *rule = rule_describe(s);
	if (n == 0) {
		_cleanup_free_ char *here = machine_disk_list(machine);
		return fail(err, AZL_PLAN_ERROR_MACHINE, -ENODEV,
			    _("no disk that is free to use matches {%s}; disks here: %s"), rule,
			    here);
	}
	const azl_disk_info *best = found[0];
	if (s->match_size == AZL_MATCH_SIZE_ANY) {
		if (n > 1) {
			_cleanup_free_ char *list = disk_list(found, n);
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENODEV,
				_("the rule {%s} matches more than one disk (%s); add size: largest|smallest or a serial to pick one"),
				rule, list);
		}
	} else
		for (size_t i = 1; i < n; i++)
			if (s->match_size == AZL_MATCH_SIZE_LARGEST ? found[i]->size > best->size
								    : found[i]->size < best->size)
				best = found[i];
	*ret = best;
	return 0;
}

static int lookup_disk(const azl_machine *machine, const char *path, const azl_disk_info **ret,
		       azl_plan_error *err)
{
	const azl_disk_info *d = NULL;
	/* Exact names first: only a path the probe did not record needs
	 * machine_find_disk's real-path lookup, the planner's one syscall. */
	for (size_t i = 0; !d && i < machine->n_disks; i++)
		if (streq_ptr(machine->disks[i].path, path) ||
		    strv_contains(machine->disks[i].by_id, path))
			d = &machine->disks[i];
	if (!d)
		d = machine_find_disk(machine, path);
	if (!d) {
		_cleanup_free_ char *here = machine_disk_list(machine);
		return fail(err, AZL_PLAN_ERROR_MACHINE, -ENODEV,
			    _("no disk '%s' on this machine; disks here: %s"), path, here);
	}
	*ret = d;
	return 0;
}

/* The disks the plan may use, in the order the answer file gives them. */
int resolve_disks(const azl_model *m, const azl_machine *machine, const azl_plan_overrides *ov,
		  const azl_disk_info ***ret, size_t *ret_n, azl_plan_error *err)
{
	size_t want = ov && ov->disks ? strv_length(ov->disks) : m->storage.n_disks;
	_cleanup_free_ const azl_disk_info **disks =
		xcalloc(want + machine->n_disks + 1, sizeof(*disks));
	size_t n = 0;
	int r;

	if (ov && ov->disks) {
		for (size_t i = 0; ov->disks[i]; i++) {
			r = lookup_disk(machine, ov->disks[i], &disks[n], err);
			if (r < 0)
				return r;
			n++;
		}
	} else if (m->storage.n_disks > 0) {
		for (size_t i = 0; i < m->storage.n_disks; i++) {
			const azl_disk_spec *s = &m->storage.disks[i];
			r = s->path ? lookup_disk(machine, s->path, &disks[n], err)
				    : match_disk(machine, s, disks, n, &disks[n], err);
			if (r < 0)
				return r;
			n++;
		}
	} else {
		_cleanup_free_ const azl_disk_info **ok =
			xcalloc(machine->n_disks + 1, sizeof(*ok));
		size_t n_ok = 0;
		for (size_t i = 0; i < machine->n_disks; i++)
			if (disk_eligible(&machine->disks[i]))
				ok[n_ok++] = &machine->disks[i];
		if (n_ok != 1) {
			_cleanup_free_ char *list = disk_list(ok, n_ok);
			_cleanup_free_ char *here = machine_disk_list(machine);
			if (n_ok == 0)
				return fail(
					err, AZL_PLAN_ERROR_MACHINE, -ENODEV,
					_("no disk on this machine is free to install to; disks here: %s"),
					here);
			return fail(
				err, AZL_PLAN_ERROR_MACHINE, -ENODEV,
				_("this machine has more than one disk to install to (%s); name one in storage.disks or with --disk"),
				list);
		}
		disks[n++] = ok[0];
	}

	for (size_t i = 0; i < n; i++) {
		if (chosen_already(disks, i, disks[i]))
			return fail(
				err, AZL_PLAN_ERROR_ANSWERS, -EINVAL,
				_("disk '%s' is named twice in storage.disks; name each disk once"),
				disks[i]->path);
		r = check_disk_usable(disks[i], err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(disks);
	*ret_n = n;
	return 0;
}

/* --- partition kinds ---------------------------------------------------- */

bool type_is(const char *type, const char *guid)
{
	return type && strcasecmp(type, guid) == 0;
}

/* msdos ids come as "0x83" or "83". */
static unsigned long msdos_id(const char *type)
{
	if (!type || strchr(type, '-'))
		return 0;
	return strtoul(type, NULL, 16);
}

bool part_is_esp(const azl_part_info *p)
{
	return type_is(p->type, GUID_ESP) || msdos_id(p->type) == 0xef;
}

bool part_is_linux(const azl_part_info *p)
{
	static const char *const linux_fs[] = {
		"ext2",	       "ext3",	      "ext4", "xfs", "btrfs",	 "swap",
		"LVM2_member", "crypto_LUKS", "f2fs", "jfs", "reiserfs", "linux_raid_member",
	};
	static const char *const linux_guids[] = {
		GUID_LINUX,
		GUID_SWAP,
		GUID_LVM,
		GUID_ROOT,
		GUID_HOME,
		GUID_SRV,
		GUID_VAR,
		GUID_VAR_TMP,
		GUID_XBOOTLDR,
		GUID_BIOSBOOT,
		"44479540-f297-41b2-9af7-d131d5f0458a", /* root x86 */
		"4f68bce3-e8cd-4db1-96e7-fbcaf984b709", /* root x86-64 */
		"b921b045-1df0-41c3-af44-4c6f280d3fae", /* root arm64 */
		"8484680c-9521-48c6-9c11-b0720656f69e", /* /usr x86-64 */
		"ca7d7ccb-63ed-4c53-861c-1742536059cc", /* LUKS */
		"a19d880f-05fc-4d3b-a006-743f0f84911e", /* Linux RAID */
	};
	/* What is on the partition wins over what its type claims. */
	if (p->fs_type) {
		for (size_t i = 0; i < ELEMENTSOF(linux_fs); i++)
			if (strcmp(p->fs_type, linux_fs[i]) == 0)
				return true;
		return false;
	}
	for (size_t i = 0; i < ELEMENTSOF(linux_guids); i++)
		if (type_is(p->type, linux_guids[i]))
			return true;
	unsigned long id = msdos_id(p->type);
	return id == 0x82 || id == 0x83 || id == 0x8e || id == 0xfd;
}

bool linux_whole_disk_fs(const char *fs)
{
	static const char *const fss[] = {"ext2",  "ext3", "ext4",	  "xfs",
					  "btrfs", "swap", "LVM2_member", "crypto_LUKS"};
	for (size_t i = 0; i < ELEMENTSOF(fss); i++)
		if (streq_ptr(fs, fss[i]))
			return true;
	return false;
}

const char *type_for(azl_table t, azl_role role, const char *mount)
{
	if (t == AZL_TABLE_MSDOS)
		switch (role) {
		case AZL_ROLE_RAID_MEMBER:
			/* A member of a mirrored ESP (metadata 1.0) must look
			 * like an ESP to the firmware. */
			return streq_ptr(mount, "/boot/efi") ? "0xef" : "0xfd";
		case AZL_ROLE_ESP:
			return "0xef";
		case AZL_ROLE_SWAP:
			return "0x82";
		case AZL_ROLE_LVM_PV:
			return "0x8e";
		default:
			return "0x83";
		}
	switch (role) {
	case AZL_ROLE_ESP:
		return GUID_ESP;
	case AZL_ROLE_BIOSBOOT:
		return GUID_BIOSBOOT;
	case AZL_ROLE_BOOT:
		return GUID_XBOOTLDR;
	case AZL_ROLE_ROOT:
		return GUID_ROOT;
	case AZL_ROLE_SWAP:
		return GUID_SWAP;
	case AZL_ROLE_LVM_PV:
		return GUID_LVM;
	case AZL_ROLE_RAID_MEMBER:
		return streq_ptr(mount, "/boot/efi") ? GUID_ESP : GUID_RAID;
	default:
		break;
	}
	static const struct {
		const char *mount, *guid;
	} by_mount[] = {
		{"/home", GUID_HOME},
		{"/srv", GUID_SRV},
		{"/var", GUID_VAR},
		{"/var/tmp", GUID_VAR_TMP},
	};
	for (size_t i = 0; i < ELEMENTSOF(by_mount); i++)
		if (streq_ptr(mount, by_mount[i].mount))
			return by_mount[i].guid;
	return GUID_LINUX;
}

/* "root", "swap", "var-tmp": PARTLABEL and LUKS name stem. */
char *stem_for(azl_role role, const char *mount)
{
	switch (role) {
	case AZL_ROLE_ESP:
	case AZL_ROLE_BIOSBOOT:
	case AZL_ROLE_BOOT:
	case AZL_ROLE_ROOT:
	case AZL_ROLE_SWAP:
	case AZL_ROLE_LVM_PV:
		return xstrdup(role_to_string(role));
	default:
		break;
	}
	if (!mount || !mount[0] || streq_ptr(mount, "/"))
		return xstrdup("data");
	char *s = xstrdup(mount[0] == '/' ? mount + 1 : mount);
	for (char *c = s; *c; c++)
		if (*c == '/')
			*c = '-';
	return s;
}

char *part_device(const char *disk, int number)
{
	if (!startswith(disk, "/dev/"))
		return xasprintf("%s:%d", disk, number);
	size_t l = strlen(disk);
	bool digit = l > 0 && disk[l - 1] >= '0' && disk[l - 1] <= '9';
	return xasprintf("%s%s%d", disk, digit ? "p" : "", number);
}

const char *role_describe(azl_role role)
{
	switch (role) {
	case AZL_ROLE_ESP:
		return _("EFI system partition");
	case AZL_ROLE_BIOSBOOT:
		return _("BIOS boot partition");
	case AZL_ROLE_BOOT:
		return "/boot";
	case AZL_ROLE_ROOT:
		return _("root");
	case AZL_ROLE_SWAP:
		return _("swap");
	case AZL_ROLE_LVM_PV:
		return _("LVM physical volume");
	case AZL_ROLE_RAID_MEMBER:
		return _("RAID member");
	default:
		return _("data");
	}
}
