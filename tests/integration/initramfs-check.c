/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for test-real-repo.sh: the installer's own initramfs check
 * (initramfs-check.c) on an installed target mounted at ROOT: what the
 * devices mounted there need, proven in IMAGE (a path in the target) with
 * the target's lsinitrd; then the firmware of MODULES (comma-separated;
 * instead of /proc/modules) against the target's /usr/lib/firmware.
 *
 *   initramfs-check ROOT KVER IMAGE [MODULES]
 *
 * Exit 0: everything needed is there; 1: something is missing (logged).
 *
 *   initramfs-check --controllers SYSFS
 *
 * prints the drivers host-only adds for every disk controller of the
 * machine whose sysfs is mounted at SYSFS, one "MODULE WHY" a line
 * (initramfs_controller_modules); exit 1 when it cannot be walked.
 */
#include <stdio.h>
#include <string.h>

#include "chroot.h"
#include "initramfs-check.h"
#include "log.h"
#include "target.h"
#include "util.h"

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--controllers") == 0) {
		log_set_stderr_level(AZL_LOG_INFO, true);
		_cleanup_strv_free_ char **mods = NULL;
		_cleanup_strv_free_ char **whys = NULL;
		int r = initramfs_controller_modules(argv[2], &mods, &whys);
		if (r < 0) {
			fprintf(stderr, "initramfs-check: cannot walk the sysfs '%s': %s\n",
				argv[2], strerror(-r));
			return 1;
		}
		for (size_t i = 0; mods && mods[i]; i++)
			printf("%s %s\n", mods[i], whys[i]);
		return 0;
	}
	if (argc != 4 && argc != 5) {
		fputs("usage: initramfs-check ROOT KVER IMAGE [MODULES]\n"
		      "       initramfs-check --controllers SYSFS\n",
		      stderr);
		return 2;
	}
	log_set_stderr_level(AZL_LOG_INFO, true);
	azl_target t = {.fd = -1};
	int r = target_open(argv[1], &t);
	if (r < 0) {
		fprintf(stderr, "initramfs-check: %s: %s\n", argv[1], strerror(-r));
		return 2;
	}
	_cleanup_strv_free_ char **mods = NULL;
	_cleanup_strv_free_ char **whys = NULL;
	_cleanup_strv_free_ char **images = NULL;
	r = initramfs_needed_modules(t.root, &mods, &whys, &images);
	for (size_t i = 0; r >= 0 && mods && mods[i]; i++)
		printf("needs %s: %s\n", mods[i], whys[i]);
	for (size_t i = 0; images && images[i]; i++)
		printf("image %s\n", images[i]);
	azl_chroot_mounts cm = {0};
	if (r >= 0)
		r = chroot_mount(t.root, &cm);
	int v = r < 0 ? r : initramfs_verify(&t, argv[2], argv[3], mods, whys, NULL, NULL);
	if (r >= 0 && argc == 5) {
		_cleanup_free_ char *list = xstrdup(argv[4]);
		for (char *p = list; *p; p++)
			if (*p == ',')
				*p = '\n';
		initramfs_check_firmware(&t, argv[2], list);
	}
	if (r >= 0)
		chroot_umount(&cm);
	target_close(&t);
	return v < 0 ? 1 : 0;
}
