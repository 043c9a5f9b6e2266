/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "remote-log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "log.h"
#include "util.h"

static int sock = -1;
static char *host_name;
static azl_log_level min_level = AZL_LOG_DEBUG;

int remote_log_parse(const char *value, char **ret_host, char **ret_port)
{
	if (!value || !*value || strlen(value) > 255)
		return -EINVAL;
	_cleanup_free_ char *host = NULL, *port = NULL;
	if (value[0] == '[') {
		const char *end = strchr(value, ']');
		if (!end || end == value + 1)
			return -EINVAL;
		host = xstrndup(value + 1, (size_t)(end - value - 1));
		if (end[1] == ':')
			port = xstrdup(end + 2);
		else if (end[1])
			return -EINVAL;
	} else {
		const char *colon = strchr(value, ':');
		if (colon && strchr(colon + 1, ':'))
			host = xstrdup(value); /* a bare IPv6 address */
		else if (colon) {
			host = xstrndup(value, (size_t)(colon - value));
			port = xstrdup(colon + 1);
		} else
			host = xstrdup(value);
	}
	if (!*host)
		return -EINVAL;
	for (const char *p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(".-:%_", *p)))
			return -EINVAL;
	if (port) {
		char *end = NULL;
		long n = strtol(port, &end, 10);
		if (!*port || *end || n < 1 || n > 65535)
			return -EINVAL;
	} else
		port = xstrdup("514");
	*ret_host = TAKE_PTR(host);
	*ret_port = TAKE_PTR(port);
	return 0;
}

char *remote_log_format(int level, const char *hostname, long pid, long long sec, long usec,
			const char *msg)
{
	/* facility user (1); debug 7, info 6, warning 4, error 3 */
	static const int severity[] = {7, 6, 4, 3};
	int sev = level >= 0 && level <= 3 ? severity[level] : 6;
	time_t t = (time_t)sec;
	struct tm tm;
	gmtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	/* HOSTNAME is PRINTUSASCII, 1..255, or "-". */
	char host[256] = "-";
	size_t k = 0;
	for (const char *p = hostname; p && *p && k < sizeof(host) - 1; p++)
		if (*p > ' ' && *p < 0x7f)
			host[k++] = *p;
	if (k)
		host[k] = '\0';
	azl_buf b = {0};
	buf_printf(&b, "<%d>1 %s.%06ldZ %s azl-installer %ld - - ", 8 + sev, stamp, usec, host,
		   pid);
	/* Control characters would end or split a line at the server. */
	for (const char *p = msg; *p && b.len < REMOTE_LOG_MAX; p++) {
		char c = (unsigned char)*p < ' ' ? ' ' : *p;
		buf_appendn(&b, &c, 1);
	}
	return buf_steal(&b);
}

static void forward(azl_log_level level, const char *msg)
{
	if (sock < 0 || level < min_level)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	_cleanup_free_ char *m = remote_log_format((int)level, host_name, (long)getpid(),
						   (long long)ts.tv_sec, ts.tv_nsec / 1000, msg);
	size_t n = strlen(m);
	if (n > REMOTE_LOG_MAX)
		n = REMOTE_LOG_MAX;
	/* Non-blocking: a full buffer or an unreachable port loses the
	 * line, never the install's time. */
	(void)!send(sock, m, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

int remote_log_from_cmdline(const char *cmdline)
{
	if (!cmdline)
		return 0;
	_cleanup_strv_free_ char **inst = cmdline_values(cmdline, "inst.syslog", true);
	_cleanup_strv_free_ char **azl = cmdline_values(cmdline, "azl.syslog", true);
	size_t ni = strv_length(inst), na = strv_length(azl);
	const char *value = na ? azl[na - 1] : ni ? inst[ni - 1] : NULL;
	if (!value)
		return 0;
	_cleanup_free_ char *host = NULL, *port = NULL;
	if (remote_log_parse(value, &host, &port) < 0) {
		log_warning(
			"syslog: '%s' on the kernel command line is not HOST[:PORT]; the log stays local",
			value);
		return -EINVAL;
	}
	return remote_log_open(host, port, AZL_LOG_DEBUG, "the kernel command line");
}

int remote_log_open(const char *host, const char *port, azl_log_level level, const char *origin)
{
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	int r = getaddrinfo(host, port, &hints, &ai);
	if (r != 0) {
		log_warning("syslog: cannot resolve '%s': %s; the log stays local", host,
			    gai_strerror(r));
		return -EHOSTUNREACH;
	}
	int fd = -1;
	for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		r = -errno;
		log_warning("syslog: cannot send to '%s' port %s: %s; the log stays local", host,
			    port, strerror(-r));
		return r;
	}
	remote_log_close();
	sock = fd;
	char hn[256] = "";
	if (gethostname(hn, sizeof(hn) - 1) == 0)
		host_name = xstrdup(hn);
	min_level = level;
	log_set_forward(forward);
	log_info("syslog: the log also goes to %s port %s (UDP, RFC 5424), as %s asks", host, port,
		 origin);
	return 1;
}

bool remote_log_active(void)
{
	return sock >= 0;
}

void remote_log_close(void)
{
	log_set_forward(NULL);
	if (sock >= 0)
		close(sock);
	sock = -1;
	free(host_name);
	host_name = NULL;
	min_level = AZL_LOG_DEBUG;
}
