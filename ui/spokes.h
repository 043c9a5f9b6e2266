/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The logic of the installer's screens, without a terminal: which spokes
 * are shown and complete, the one-line summaries of the hub, passphrase
 * strength, section clones (a spoke edits a clone and commits it on Done,
 * like nmtui's editors), the edits the screens make, the list of
 * destructive actions, and where a repository keeps its comps. Unit-tested in
 * tests/unit/test-ui-spokes.c.
 *
 * Strings returned for people are already translated; the caller frees
 * what a function's comment says it allocates.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "depsolve.h"
#include "machine.h"
#include "model.h"
#include "netconf.h"
#include "plan.h"

typedef enum ui_spoke {
	SPOKE_LANGUAGE,
	SPOKE_TIMEZONE,
	SPOKE_DISKS,
	SPOKE_PASSPHRASE,
	SPOKE_NETWORK,
	SPOKE_ACCOUNTS,
	SPOKE_SOFTWARE,
	_SPOKE_MAX,
} ui_spoke;

/* The spoke's title, untranslated (an N_() string). */
const char *spoke_title(ui_spoke s);
/* Whether the hub shows the spoke: every spoke without an interactive:
 * list, otherwise the spokes of the sections it names ("*" = all). */
bool spoke_shown(ui_spoke s, char *const *interactive);
/* Complete or not; when not, *ret_reason (if non-NULL) gets a translated
 * sentence saying what is missing (allocated). machine may be NULL (the
 * Disks spoke is then incomplete). */
bool spoke_status(ui_spoke s, const azl_model *m, const azl_machine *machine, char **ret_reason);
/* A short translated description of the spoke's current values. */
char *spoke_summary(ui_spoke s, const azl_model *m);

/* True when root, swap or any custom partition is to be encrypted. */
bool storage_wants_encryption(const azl_storage *s);

typedef enum ui_strength {
	STRENGTH_EMPTY,
	STRENGTH_WEAK,
	STRENGTH_FAIR,
	STRENGTH_STRONG,
} ui_strength;
/* A hint, not a gate: length and character classes. *ret_hint gets a
 * translated static string. */
ui_strength passphrase_strength(const char *s, const char **ret_hint);

/* Deep copies of a model section into a zero-filled dst; free with the
 * section's *_done(). Secrets are copied as secrets. */
void storage_clone(azl_storage *dst, const azl_storage *src);
void network_clone(azl_network *dst, const azl_network *src);
void accounts_clone(azl_accounts *dst, const azl_accounts *src);
void interface_clone(azl_interface *dst, const azl_interface *src);

/* --- edits the screens make ------------------------------------------- */

/* storage.disks becomes exactly these paths. */
void storage_set_disks(azl_storage *s, char *const *paths);
/* Custom partitions. *ret_why gets a translated static reason on
 * -EINVAL. size is an answer-file size ("8G", "30%", "grow"). */
int partition_add(azl_storage *s, const char *mount, const char *size, azl_fs fs, bool encrypt,
		  const char **ret_why);
int partition_delete(azl_storage *s, size_t i);
int partition_resize(azl_storage *s, size_t i, const char *size, const char **ret_why);
int partition_set_mount(azl_storage *s, size_t i, const char *mount, const char **ret_why);
/* The filesystems a mount point may take, cycled by the editor. */
azl_fs partition_next_fs(const azl_partition_spec *p);
/* The editor's f and e keys on partition i: on a member of an array they
 * change the array. partition_toggle_encrypt: -EINVAL (with *ret_why)
 * for /boot and /boot/efi. */
void partition_cycle_fs(azl_storage *s, size_t i);
int partition_toggle_encrypt(azl_storage *s, size_t i, const char **ret_why);
/* Software RAID (docs/storage.md "Software RAID"). A member of an array
 * has raid: NAME and disk: N; its array in storage.raids has the mount,
 * fs and encrypt. partition_delete() of a member removes the whole array
 * (members and spec); partition_resize() and partition_set_mount() of a
 * member change all members or the array. */
/* The array partition i is a member of, or NULL. Not owned. */
azl_raid_spec *partition_raid(const azl_storage *s, size_t i);
/* Why partition i cannot become an array (translated, static), or NULL. */
const char *partition_raid_refusal(const azl_storage *s, size_t i);
/* Turns partition i into an array of level (1, 5, 6, 10) over disks, a
 * list of 1-based numbers into storage.disks ("1 2 3"; NULL or "" = all):
 * the spec goes into storage.raids, named after the mount point
 * (raid_name_for_mount), and the partition is replaced, in its place, by
 * one member per disk with its size. /boot/efi gets metadata "1.0".
 * -EINVAL with a translated static *ret_why when the level cannot be
 * made over that many disks (raid_level_min_members) or the partition
 * cannot become one (partition_raid_refusal). */
int partition_make_raid(azl_storage *s, size_t i, int level, const char *disks,
			const char **ret_why);
/* Removes the array NAME: its members and its spec. -ENOENT. */
int raid_delete(azl_storage *s, const char *name);
/* root, boot, boot_efi, home, swap, var_log...; _2, _3 when taken.
 * Allocated. */
char *raid_name_for_mount(const azl_storage *s, const char *mount);
/* Turns a guided layout into the custom partitions it stands for, so the
 * editor starts from something sensible. */
void partitions_from_guided(azl_storage *s, azl_firmware firmware);

/* DHCP, or static with addresses "a/p[, b/q]", a gateway and DNS servers
 * separated by commas or spaces. */
int interface_set_static(azl_interface *i, const char *addresses, const char *gateway,
			 const char *dns, const char **ret_why);
void interface_set_dhcp(azl_interface *i);
/* The interface of that name, created (DHCP) when absent. */
azl_interface *network_interface(azl_network *n, const char *name);

/* The devices of this machine for the Network spoke: a translated title
 * naming the source (NetworkManager or /sys/class/net), then one line per
 * device (name, type, MAC, state, IPv4 address and whether DHCP gave it)
 * and the current host name. Allocated. */
char *netinfo_text(const azl_netinfo *i);

/* root: locked, or a password (pw must be non-empty then). */
int accounts_set_root(azl_accounts *a, bool lock, const char *pw, const char **ret_why);
/* The first user (created when absent) gets name, a password (NULL or ""
 * keeps the one it has), membership in wheel and an SSH key (NULL or ""
 * keeps the keys it has). An empty name removes the user. */
int accounts_set_user(azl_accounts *a, const char *name, const char *pw, const char *ssh_key,
		      const char **ret_why);

/* packages.install: "@id" for each id, plain package names kept. */
void packages_set_groups(azl_packages *p, char *const *ids);
bool packages_has_group(const azl_packages *p, const char *id);

/* Translated lines, one per destructive step of the plan: which disk,
 * its size, and what is on it that will be erased. Allocated. */
char *plan_destructive_text(const azl_plan *p, const azl_machine *machine);

/* --- comps ------------------------------------------------------------ */

/* Finds repodata/...comps....xml in a repository directory (or file:// URL)
 * and reads its groups with depsolve_groups_parse() (libsolv's comps
 * reader). -ENOENT when the repository has no comps. */
int comps_read_repo(const char *repo, depsolve_group **ret, size_t *ret_n);

/* Time zones: the regions of zoneinfo_dir (NULL = /usr/share/zoneinfo)
 * and the zones in one region ("Europe" -> "Berlin", ...); sorted strv. */
char **zones_regions(const char *zoneinfo_dir);
char **zones_in_region(const char *zoneinfo_dir, const char *region);
