/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accounts in the target: root's password or lock, users with their
 * groups, homes from /etc/skel and SSH keys. passwd, shadow, group and
 * gshadow are edited in memory and written back atomically through the
 * target's root fd (target.h), with Fedora's modes (0644, 0000, 0644,
 * 0000). No useradd runs: the installer needs nothing inside the target.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "model.h"
#include "target.h"

/* The four account databases as text ("" when a file is missing). */
typedef struct azl_account_files {
	char *passwd, *shadow, *group, *gshadow;
} azl_account_files;
void account_files_done(azl_account_files *f);

/* What a user got, for the home directory and SSH key steps. */
typedef struct azl_account_result {
	char *name;
	char *home;
	uid_t uid;
	gid_t gid;
} azl_account_result;

/* Pure apart from hashing: edits f for a (root, users, missing groups).
 * Plaintext passwords are hashed with yescrypt; given hashes are kept.
 * today is the shadow "last change" day. On success *ret and *n_ret list the
 * users (root first) with the uid, gid and home each got. */
int accounts_edit(azl_account_files *f, const azl_accounts *a, long today, azl_account_result **ret,
		  size_t *n_ret);
void account_results_free(azl_account_result *r, size_t n);

/* Reads the databases from the target, edits them, writes them back,
 * creates homes from /etc/skel and writes authorized_keys. */
int accounts_apply(const azl_model *m, const azl_target *t);
