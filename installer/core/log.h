/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The install log: every step, every command run and its output, with a
 * timestamp. It lives in memory until log_open() names a file (so what
 * happened before the target existed is kept), and it is copied into the
 * target at the end (/var/log/azl-installer/). Secrets never reach it:
 * nothing takes an azl_secret, commands get secrets on stdin only, and
 * every line has the credentials of its URLs taken out (redact_urls()).
 *
 * Any thread may log: a line is written whole, under one lock, to the
 * file, the memory copy, the forward hook and stderr.
 *
 * log_error_errno() logs and returns -abs(err), systemd style:
 *     return log_error_errno(r, "cannot mount '%s'", dev);
 */
#pragma once

#include <stdbool.h>

#include "util.h"

typedef enum azl_log_level {
	AZL_LOG_DEBUG,
	AZL_LOG_INFO,
	AZL_LOG_WARNING,
	AZL_LOG_ERROR,
} azl_log_level;

/* Anaconda's names (kickstart logging --level): debug, info, warning,
 * error, critical (= error). Returns the level or -EINVAL. */
int log_level_from_name(const char *name);

/* Starts writing to path (appending what was logged so far); NULL keeps
 * the log in memory only. A regular file is truncated and made 0600; a
 * character device or a FIFO is written as it is. Returns 0, -ELOOP for
 * a symlink (never followed), -ENOTSUP for another kind of file, or
 * -errno. */
int log_open(const char *path);
void log_close(void);
const char *log_path(void); /* NULL while in memory */
/* Also echo messages at or above this level to stderr (default: none;
 * the progress sink speaks to people). */
void log_set_stderr_level(azl_log_level level, bool enabled);

/* Also hands every line, already redacted, to fn (remote-log.h: a
 * syslog server); NULL: none. Called on the thread that logs. */
typedef void (*log_forward_fn)(azl_log_level level, const char *msg);
void log_set_forward(log_forward_fn fn);

void log_msg(azl_log_level level, const char *fmt, ...) _printf_(2, 3);
#define log_debug(...)	 log_msg(AZL_LOG_DEBUG, __VA_ARGS__)
#define log_info(...)	 log_msg(AZL_LOG_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(AZL_LOG_WARNING, __VA_ARGS__)
#define log_error(...)	 log_msg(AZL_LOG_ERROR, __VA_ARGS__)
/* Logs "message: strerror(err)" at error level, returns -abs(err). */
int log_error_errno(int err, const char *fmt, ...) _printf_(2, 3);
/* Raw text (a command's output), indented under the last message. */
void log_raw(const char *text, size_t len);

/* The whole log so far (for the TUI's log view and for copying). */
char *log_contents(void);
/* The last error message logged, for the failure summary; NULL if none.
 * Valid until the next error is logged: read it when no other thread
 * logs. */
const char *log_last_error(void);
