/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running the tools every installer runs (mkfs.*, lvm, grub2-*, efibootmgr)
 * as processes: argv arrays, never a shell string; output into the install
 * log; secrets only on stdin through a pipe, never in argv or environment.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "secret.h"

typedef struct azl_spawn_opts {
	const char *chroot;		/* run inside this root (post scripts, dracut) */
	const azl_secret *stdin_secret; /* written to the child's stdin */
	const char *stdin_text;		/* or plain text on stdin (a script) */
	char **env;			/* extra NAME=value entries (strv) */
	char **capture;			/* if set, *capture gets stdout (not logged) */
	bool quiet;			/* do not log the command's output */
	int tee_fd;			/* > 0: stdout and stderr are also written here */
} azl_spawn_opts;

/* Runs argv[0] (looked up in PATH, or in the chroot's PATH) with argv.
 * Returns the exit status (0..255), 128+N for a signal, or -errno when it
 * could not be started: -ENOENT means the tool is missing (logged with
 * its name, which the caller turns into exit code 2). */
int spawn_run(char *const argv[], const azl_spawn_opts *o);
/* spawn_run that logs and returns -EIO for a non-zero exit, naming the
 * command; 0 on success. */
int spawn_check(char *const argv[], const azl_spawn_opts *o);
/* True when name is found in PATH. */
bool spawn_have_tool(const char *name);
