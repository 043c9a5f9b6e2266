/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target root: files written into the system being installed go
 * through a directory fd of its root, resolved with openat2(RESOLVE_IN_ROOT)
 * so that no symlink inside the target can lead a write out of it, and
 * they are written atomically (temp file, fsync, rename), systemd-firstboot
 * style.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct azl_target {
	char *root; /* absolute path of the target's / */
	int fd;	    /* O_PATH|O_DIRECTORY fd of root */
} azl_target;

int target_open(const char *root, azl_target *ret);
void target_close(azl_target *t);

/* Opens relpath ("etc/fstab" or "/etc/fstab") inside the root. */
int target_openat(const azl_target *t, const char *relpath, int flags, mode_t mode);
/* mkdir -p inside the root, each new directory with mode. */
int target_mkdir_p(const azl_target *t, const char *relpath, mode_t mode);
/* Writes content atomically with mode (and owner when uid != (uid_t)-1). */
int target_write_file(const azl_target *t, const char *relpath, const char *content, size_t len,
		      mode_t mode, uid_t uid, gid_t gid);
/* Reads a regular file inside the root (bounded at max bytes); anything
 * else (a FIFO, a device planted in the target) is -EINVAL, never read. */
int target_read_file(const azl_target *t, const char *relpath, size_t max, char **ret,
		     size_t *ret_len);
bool target_exists(const azl_target *t, const char *relpath);
/* Symlink relpath -> dest (dest is stored as given), replacing any file. */
int target_symlink(const azl_target *t, const char *dest, const char *relpath);
/* The absolute host path of relpath (for tools that take paths). */
char *target_path(const azl_target *t, const char *relpath);

/* A mount at or below a target's root, from /proc/self/mounts. */
typedef struct target_mount {
	char *dir;  /* host path: "/mnt/azl/var" */
	char *in;   /* where the installed system mounts it: "/", "/var" */
	char *type; /* "ext4", "vfat", ... */
	bool ro;
} target_mount;

/* The mounts at or below root (root itself first when it is one), in
 * the mount table's order; *ret_n 0 when none. */
int target_mounts(const char *root, target_mount **ret, size_t *ret_n);
void target_mounts_free(target_mount *m, size_t n);
