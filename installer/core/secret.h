/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Secrets (passwords, passphrases) live only in azl_secret buffers: locked
 * into memory where the kernel allows it, and wiped before they are freed.
 * Nothing that formats text for people, logs or JSON accepts an azl_secret.
 */
#pragma once

#include <stddef.h>

typedef struct azl_secret {
	char *data; /* NUL-terminated, len bytes */
	size_t len;
} azl_secret;

azl_secret *secret_new(const char *s, size_t len);
azl_secret *secret_dup(const azl_secret *s); /* NULL stays NULL */
void secret_free(azl_secret *s);	     /* wipes; accepts NULL */
static inline void secret_freep(azl_secret **s)
{
	secret_free(*s);
}
#define _cleanup_secret_ _cleanup_(secret_freep)

/* Keeps secrets out of core dumps for the rest of the process's life: no
 * core file (RLIMIT_CORE 0, soft and hard) and not dumpable
 * (PR_SET_DUMPABLE 0: no core, no ptrace attach or /proc/PID/mem by other
 * processes of the same user). main() calls it before any answer file,
 * kickstart or TUI input is read. Returns 0 or -errno (both are tried). */
int secret_protect_process(void);

/* Wipes a plain buffer in a way the compiler cannot elide. */
void wipe_memory(void *p, size_t n);
