/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The install log, also sent to a syslog server over UDP: the kernel
 * command line's inst.syslog=HOST[:PORT] (Anaconda's) or azl.syslog=
 * (the same; it wins when both are there). Messages are RFC 5424
 * (<PRI>1 TIMESTAMP HOST azl-installer PID - - MSG), facility user, what
 * rsyslog's imudp and syslog-ng's udp() read without configuration; one
 * datagram a line, at most REMOTE_LOG_MAX bytes. A send never blocks and
 * its failure is ignored. Lines are the log's own, already redacted
 * (log.h): no secret reaches the wire. docs/azl-installer.8.
 */
#pragma once

#include <stdbool.h>

#include "log.h"

#define REMOTE_LOG_MAX 2048

/* Pure: parses HOST[:PORT] ([v6]:PORT, a bare v6 address); default port
 * 514. Returns 0 or -EINVAL. */
int remote_log_parse(const char *value, char **ret_host, char **ret_port);
/* Pure: one RFC 5424 message for level and msg (no newline). */
char *remote_log_format(int level, const char *hostname, long pid, long long sec, long usec,
			const char *msg);
/* Reads inst.syslog=/azl.syslog= from cmdline (NULL: none) and, when one
 * is there, sends every log line from now on. Returns 1 when it does, 0
 * when there is none, -errno when the server cannot be used (logged). */
int remote_log_from_cmdline(const char *cmdline);
/* Sends every log line of level or above from now on to host:port (UDP);
 * origin names who asked, for the log ("the kernel command line", "the
 * answer file"). Returns 1, or -errno when the server cannot be used
 * (logged as a warning: the log stays local). */
int remote_log_open(const char *host, const char *port, azl_log_level level, const char *origin);
/* Whether lines are being sent. */
bool remote_log_active(void);
void remote_log_close(void);
