/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot loader of the target (apply-bootloader.c): kernel and initramfs
 * in /boot, BLS entries, grub.cfg, GRUB for BIOS or UEFI, the ESP and the
 * NVRAM entry. Every file goes through target.h.
 */
#pragma once

#include <stdbool.h>

#include "apply-storage.h"
#include "model.h"
#include "plan.h"
#include "target.h"

/* Kernel, initramfs, BLS entries, grub.cfg, GRUB for BIOS or UEFI.
 * own_firmware: this machine's firmware is the one that will boot the
 * installed disk (the live environment, or --nvram-entry), so a UEFI install
 * may add its NVRAM entry there; never when the boot disk is a loop or
 * network block device (an image for some other machine). */
int bootloader_apply(const azl_model *m, const azl_plan *p, const azl_target *t,
		     const azl_installed_storage *st, bool own_firmware);
/* The UEFI part that fills the ESP st->esp_device from the target's shim
 * and GRUB (through /boot/efi when it is mounted there, else with
 * mtools); every source file is read inside the target's root. No NVRAM
 * entry. *ret_shim: the target had shim. Returns 0 or -errno. (Its own
 * entry point for tests/integration/esp-write.c.) */
int bootloader_write_esp(const azl_target *t, const azl_installed_storage *st, bool *ret_shim);
/* Pure, for tests: dracut's --add list for the layout (NULL: none), its
 * argv, the kernel command line (selinux_policy: the target has one,
 * then "security=selinux" unless disabled or kernel_args choose), one BLS
 * entry's text. */
char *bootloader_dracut_modules(const azl_installed_storage *st);
char **bootloader_dracut_argv(const char *dracut, const char *kver, const char *out,
			      const char *modules, const char *drivers, bool hostonly);
char *bootloader_cmdline(const azl_model *m, const azl_installed_storage *st, bool selinux_policy);
char *bootloader_bls_entry(const char *kver, const char *cmdline, const char *pfx,
			   const char *sort_key);
