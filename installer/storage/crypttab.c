/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "crypttab.h"

#include "util.h"

char *crypttab_text(const azl_crypttab_entry *e, size_t n)
{
	azl_buf b = {0};
	buf_append(&b, "# /etc/crypttab, written by azl-installer.\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s UUID=%s none luks%s\n", e[i].name, e[i].uuid,
			   e[i].tpm2 ? ",tpm2-device=auto" : "");
	return buf_steal(&b);
}
