/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for test-target-symlinks.sh: fills the ESP IMAGE (a FAT
 * file system in a file, written with mtools as when the host cannot
 * mount vfat) from the shim and GRUB of the target ROOT with the
 * installer's own bootloader_write_esp(); no NVRAM entry.
 *
 *   esp-write ROOT IMAGE
 */
#include <stdio.h>
#include <string.h>

#include "apply-bootloader.h"
#include "log.h"
#include "target.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: esp-write ROOT IMAGE\n", stderr);
		return 2;
	}
	log_set_stderr_level(AZL_LOG_INFO, true);
	azl_target t = {.fd = -1};
	int r = target_open(argv[1], &t);
	if (r < 0) {
		fprintf(stderr, "esp-write: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	azl_installed_storage st = {
		.target = t.root,
		.root_uuid = (char *)"0b3e4f3e-1111-4222-8333-944455556666",
		.esp_device = argv[2],
	};
	bool shim = false;
	r = bootloader_write_esp(&t, &st, &shim);
	target_close(&t);
	if (r < 0) {
		fprintf(stderr, "esp-write: %s\n", strerror(-r));
		return 1;
	}
	printf("shim: %s\n", shim ? "yes" : "no");
	return 0;
}
