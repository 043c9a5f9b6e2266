/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The programs a plan's storage actions run, derived from the plan alone,
 * so a missing one is refused before anything is written. */
#include "plan.h"

#include "fs-facts.h"

#include <fnmatch.h>
#include <string.h>

static void add(char ***v, const char *tool)
{
	if (!strv_contains(*v, tool))
		strv_push(v, xstrdup(tool));
}

char **plan_required_tools(const azl_plan *p)
{
	char **v = NULL;
	for (size_t i = 0; i < p->n_disks; i++)
		if (p->disks[i].table == AZL_TABLE_GPT)
			add(&v, "sfdisk"); /* DPS type GUIDs libparted < 3.6
					      lacks */
	for (size_t i = 0; i < p->n_actions; i++) {
		const azl_action *a = &p->actions[i];
		switch (a->op) {
		case AZL_OP_MKFS:
			if (fs_facts(a->fs))
				add(&v, fs_facts(a->fs)->mkfs);
			break;
		case AZL_OP_SUBVOLUME_CREATE:
			add(&v, "btrfs");
			break;
		case AZL_OP_MKSWAP:
			add(&v, fs_facts(AZL_FS_SWAP)->mkfs);
			break;
		case AZL_OP_PV_CREATE:
			add(&v, "pvcreate");
			add(&v, "vgchange"); /* teardown deactivates the VG */
			break;
		case AZL_OP_VG_CREATE:
			add(&v, "vgcreate");
			break;
		case AZL_OP_LV_CREATE:
			add(&v, "lvcreate");
			break;
		case AZL_OP_RAID_CREATE:
			add(&v, "mdadm");
			break;
		default:
			break;
		}
	}
	return v;
}

const char *tool_package(const char *tool)
{
	static const struct {
		const char *tool, *package;
	} map[] = {
		{"sfdisk", "util-linux"}, {"pvcreate", "lvm2"}, {"vgcreate", "lvm2"},
		{"lvcreate", "lvm2"},	  {"vgchange", "lvm2"}, {"mcopy", "mtools"},
		{"mmd", "mtools"},	  {"mdadm", "mdadm"},	{"btrfs", "btrfs-progs"},
	};
	if (fs_facts_by_tool(tool))
		return fs_facts_by_tool(tool)->package;
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (strcmp(map[i].tool, tool) == 0)
			return map[i].package;
	return NULL;
}

static bool listed(char *const *v, const char *name, bool glob)
{
	for (size_t i = 0; v && v[i]; i++)
		if (glob ? fnmatch(v[i], name, 0) == 0 : strcmp(v[i], name) == 0)
			return true;
	return false;
}

const char *plan_network_package(const azl_model *m)
{
	const azl_packages *p = &m->packages;
	if (m->network.n_interfaces == 0)
		return NULL;
	/* The answer file chose its network service itself, or excluded
	 * NetworkManager: then the packages phase checks that one of the two
	 * is there after solving. */
	if (listed(p->install, "NetworkManager", false) ||
	    listed(p->install, "systemd-networkd", false) ||
	    listed(p->exclude, "NetworkManager", true))
		return NULL;
	return "NetworkManager";
}

char **plan_required_packages(const azl_plan *p)
{
	char **v = NULL;
	/* Azure Linux 4.0 / Fedora package names. */
	add(&v, p->firmware == AZL_FIRMWARE_UEFI ? "grub2-efi-x64" : "grub2-pc");
	/* Shim first when the repository has it (Fedora's and Azure
	 * Linux's shim-x64); "?": optional, GRUB alone boots too, but not
	 * under Secure Boot: secure_boot: required needs it. */
	if (p->firmware == AZL_FIRMWARE_UEFI)
		add(&v, p->secure_boot == AZL_SECURE_BOOT_REQUIRED ? "shim-x64" : "?shim-x64");
	bool luks = false, lvm = p->n_vgs > 0;
	for (size_t i = 0; i < p->n_disks; i++)
		for (size_t k = 0; k < p->disks[i].n_parts; k++)
			luks = luks || p->disks[i].parts[k].encrypted;
	for (size_t i = 0; i < p->n_raids; i++)
		luks = luks || p->raids[i].encrypted;
	/* dracut's crypt module needs its dm module, which needs dmsetup:
	 * without LVM nothing else brings device-mapper (a plain LUKS root
	 * failed to get an initramfs, tests/e2e/tpm2-unlock.sh). */
	if (luks) {
		add(&v, "cryptsetup");
		add(&v, "device-mapper");
	}
	/* systemd-cryptenroll and systemd-cryptsetup load libtss2 at run
	 * time (no soname dependency pulls it in); dracut's tpm2-tss module
	 * wants the tpm2 tool before it takes the libraries. */
	if (luks && p->tpm2) {
		add(&v, "tpm2-tss");
		add(&v, "tpm2-tools");
	}
	/* storage.encryption.tang: clevis luks bind at install time; the
	 * dracut modules clevis and clevis-pin-tang (clevis-dracut), and
	 * clevis-luks-askpass answering systemd-cryptsetup's question at boot
	 * (clevis-systemd), as Fedora splits them. */
	if (luks && p->tang) {
		add(&v, "clevis");
		add(&v, "clevis-luks");
		add(&v, "clevis-dracut");
		add(&v, "clevis-systemd");
	}
	if (lvm)
		add(&v, "lvm2");
	/* mdadm.conf's reader, and dracut's mdraid module needs it. */
	if (p->n_raids > 0)
		add(&v, "mdadm");
	if (p->network_package)
		add(&v, p->network_package);
	for (size_t i = 0; i < p->n_actions; i++) {
		const azl_action *a = &p->actions[i];
		if (a->op == AZL_OP_MKFS && fs_facts(a->fs))
			add(&v, fs_facts(a->fs)->package);
	}
	return v;
}
