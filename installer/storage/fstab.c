/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fstab.h"

#include <string.h>

#include "fs-facts.h"
#include "util.h"

char *fstab_text(const azl_fstab_entry *e, size_t n)
{
	azl_buf b = {0};
	buf_append(&b, "# /etc/fstab, written by azl-installer.\n"
		       "# Filesystems are named by UUID; see blkid(8).\n"
		       "#\n");
	for (size_t i = 0; i < n; i++) {
		bool swap = e[i].fs == AZL_FS_SWAP;
		const azl_fs_facts *f = fs_facts(e[i].fs);
		const char *opts = e[i].options ? e[i].options : f ? f->options : "defaults";
		/* fsck order: / first, the rest after (fs-facts.c says
		 * which are checked at all). */
		int pass = f && !f->fsck ? 0 : strcmp(e[i].mount, "/") == 0 ? 1 : 2;
		buf_printf(&b, "UUID=%s %s %s %s 0 %d\n", e[i].uuid, swap ? "none" : e[i].mount,
			   fs_to_string(e[i].fs), opts, pass);
	}
	return buf_steal(&b);
}
