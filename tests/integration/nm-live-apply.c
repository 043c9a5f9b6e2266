/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for test-nm-live.sh: reads an answer file and runs the
 * installer's live network step (nm_apply_live, which install.c runs
 * through netconf_apply_live in the live environment) against the
 * NetworkManager on the system bus
 * ($DBUS_SYSTEM_BUS_ADDRESS). Unlike the installer, which goes on
 * without a network, a NetworkManager that does not answer is an error.
 *
 *   nm-live-apply ANSWERS
 */
#include <stdio.h>
#include <string.h>

#include "answers.h"
#include "diag.h"
#include "log.h"
#include "model.h"
#include "netconf-nm.h"
#include "netconf.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: nm-live-apply ANSWERS\n", stderr);
		return 2;
	}
	log_set_stderr_level(AZL_LOG_DEBUG, true);
	azl_diags d;
	diags_init(&d);
	azl_model *m = NULL;
	int r = answers_read_file(argv[1], NULL, &d, &m);
	if (r < 0) {
		diags_print(&d, stderr);
		diags_done(&d);
		return 1;
	}
	diags_done(&d);
	r = nm_apply_live(&m->network);
	model_free(m);
	if (r < 0) {
		fprintf(stderr, "nm_apply_live: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
