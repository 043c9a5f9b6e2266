/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to libarchive: a root filesystem image (packages.image,
 * kickstart liveimg) installed into the target instead of packages.
 *
 * A tarball (tar, .tar.gz, .tar.xz, .tar.zst, .tar.bz2) is streamed from
 * its URL (fetch.c, on a thread, through a pipe) straight into libarchive,
 * which writes it under the target: the image never lands in RAM or on the
 * live filesystem. The SHA-256 is computed over the bytes as they stream;
 * a mismatch fails the install after the extraction (the target is then
 * torn down as after any failure). Ownership (numeric ids of the image,
 * never the live system's names), permissions, times, hard links, device
 * nodes, xattrs (security.selinux included) and POSIX ACLs are kept;
 * extraction is secure: no absolute paths, no '..', no write through a
 * symlink. A squashfs image is saved on the target's disk (hashed on the
 * way), then written out by unsquashfs and removed. docs/answer-file.md,
 * "packages.image".
 */
#pragma once

#include "model.h"
#include "run.h"

/* Bytes an image may have at most. */
#define IMAGE_MAX_BYTES (256ull << 30)

/* Streams im into root (a mounted, empty target). Returns 0 or -errno,
 * logged with a sentence for people: -ENOENT the URL has no image,
 * -EBADMSG the checksum does not match, -EPROTO not a tarball or a
 * refused entry, -EIO unsquashfs failed, -EINTR interrupted. */
int image_install(azl_run_ctx *ctx, const azl_image *im, const char *root);

/* The image's kernel: /usr/lib/modules/VERSION/vmlinuz or
 * /boot/vmlinuz-VERSION under root. Returns 0 and its path relative to
 * root in *ret, or -ENOENT (logged: the image carries no kernel). */
int image_find_kernel(const char *root, char **ret);

const char *archive_adapter_version(void);
