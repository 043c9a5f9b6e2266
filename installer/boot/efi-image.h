/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a UEFI boot image says about itself (docs/secure-boot.md): the
 * prefix a GRUB image was built with (where it reads grub.cfg; Debian's
 * signed GRUB says /EFI/debian, a grub-mkimage -p /EFI/azurelinux image
 * says that), and whether a PE image carries an Authenticode signature.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* The prefix module of a GRUB EFI image (grub-mkimage -p), without a
 * device part ("(hd0,gpt1)/EFI/x" -> "/EFI/x"), in *ret (owned).
 * Returns 0; -EBADMSG when data is not a PE image with GRUB's "mods"
 * section; -ENOENT when the image has no prefix. */
int efi_grub_prefix(const void *data, size_t len, char **ret);
/* The PE image's certificate table holds a PKCS#7 signature
 * (WIN_CERT_TYPE_PKCS_SIGNED_DATA): what `sbverify --list` lists. Not a
 * verification against any key. */
bool efi_pe_signed(const void *data, size_t len);
