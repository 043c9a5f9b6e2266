/* SPDX-License-Identifier: GPL-2.0-or-later */
/* system_apply: the configure phase. The boot loader lives in
 * apply-bootloader.c, the scripts in scripts.c. */
#include "apply-system.h"

#include "accounts.h"
#include "i18n.h"
#include "identity.h"
#include "log.h"
#include "netconf.h"
#include "progress.h"
#include "services.h"

int system_apply(const azl_model *m, const azl_target *t,
		 const azl_installed_storage *st)
{
	(void)st;
	int r;
	progress_phase("configure", 0,
		       _("Setting host name, time zone and "
			 "locale"));
	if ((r = identity_apply(m, t)) < 0)
		return r;
	progress_phase("configure", 25, _("Creating accounts"));
	if ((r = accounts_apply(m, t)) < 0)
		return r;
	progress_phase("configure", 60, _("Configuring the network"));
	if ((r = netconf_apply(m, t)) < 0)
		return r;
	progress_phase("configure", 85, _("Enabling services"));
	if ((r = services_apply(m, t)) < 0)
		return r;
	progress_phase("configure", 100, _("System configured"));
	return 0;
}
