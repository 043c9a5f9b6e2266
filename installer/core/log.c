/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trust.h"

static azl_buf memory_log;
static int log_fd = -1;
static char *log_file;
static char *last_error;
static azl_log_level stderr_level = AZL_LOG_ERROR;
static bool stderr_enabled;

/* Lines from several threads (the package verifier, reporting) come out
 * whole and in one order: every write to the log, its memory copy, the
 * forward hook and stderr happens under this lock. Recursive: a forward
 * hook may log. */
static pthread_mutex_t log_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

static void emit(const char *s, size_t n)
{
	buf_appendn(&memory_log, s, n);
	if (log_fd >= 0) {
		/* Best effort: a full disk must not stop the install here. */
		while (n > 0) {
			ssize_t k = write(log_fd, s, n);
			if (k <= 0) {
				if (k < 0 && errno == EINTR)
					continue;
				break;
			}
			s += k;
			n -= (size_t)k;
		}
	}
}

/* The log holds what the install did, names and addresses: 0600, never
 * through a symlink (one planted in /tmp would send it elsewhere), and a
 * file that was there gets the mode too. A character device (a serial
 * console) or a FIFO is written as it is; anything else is refused. */
static int open_log_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	struct stat st;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r == 0 && S_ISREG(st.st_mode)) {
		if (ftruncate(fd, 0) < 0 || fchmod(fd, 0600) < 0)
			r = -errno;
	} else if (r == 0 && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
		r = -ENOTSUP;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int log_open(const char *path)
{
	log_close();
	if (!path)
		return 0;
	int fd = open_log_file(path);
	if (fd < 0)
		return fd;
	pthread_mutex_lock(&log_lock);
	log_fd = fd;
	log_file = xstrdup(path);
	/* What was logged before the file existed goes in first. */
	if (memory_log.len > 0) {
		size_t n = memory_log.len;
		const char *s = memory_log.data;
		while (n > 0) {
			ssize_t k = write(log_fd, s, n);
			if (k <= 0)
				break;
			s += k;
			n -= (size_t)k;
		}
	}
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	free(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

const char *log_path(void)
{
	return log_file;
}

static log_forward_fn forward;

int log_level_from_name(const char *name)
{
	static const struct {
		const char *name;
		azl_log_level level;
	} names[] = {
		{"debug", AZL_LOG_DEBUG}, {"info", AZL_LOG_INFO},      {"warning", AZL_LOG_WARNING},
		{"error", AZL_LOG_ERROR}, {"critical", AZL_LOG_ERROR},
	};
	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return (int)names[i].level;
	return -EINVAL;
}

void log_set_forward(log_forward_fn fn)
{
	forward = fn;
}

void log_set_stderr_level(azl_log_level level, bool enabled)
{
	stderr_level = level;
	stderr_enabled = enabled;
}

_printf_(2, 0) static void vlog(azl_log_level level, const char *fmt, va_list ap)
{
	/* A URL's credentials never reach the log, stderr or a summary. */
	_cleanup_free_ char *raw = xvasprintf(fmt, ap);
	_cleanup_free_ char *msg = redact_urls(raw);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	_cleanup_free_ char *line = xasprintf("%s.%03ldZ %-7s %s\n", stamp, ts.tv_nsec / 1000000,
					      level_names[level], msg);
	pthread_mutex_lock(&log_lock);
	emit(line, strlen(line));
	if (forward)
		forward(level, msg);
	if (level == AZL_LOG_ERROR) {
		free(last_error);
		last_error = xstrdup(msg);
	}
	if (stderr_enabled && level >= stderr_level)
		fprintf(stderr, "azl-installer: %s\n", msg);
	pthread_mutex_unlock(&log_lock);
}

void log_msg(azl_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

int log_error_errno(int err, const char *fmt, ...)
{
	if (err < 0)
		err = -err;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_msg(AZL_LOG_ERROR, "%s: %s", msg, strerror(err));
	return -err;
}

void log_raw(const char *raw, size_t raw_len)
{
	_cleanup_free_ char *all = xstrndup(raw, raw_len);
	_cleanup_free_ char *text = redact_urls(all);
	size_t len = strlen(text);
	const char *p = text, *end = text + len;
	pthread_mutex_lock(&log_lock);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		emit("    | ", 6);
		emit(p, n);
		emit("\n", 1);
		if (forward) {
			_cleanup_free_ char *l = xasprintf("| %.*s", (int)n, p);
			forward(AZL_LOG_DEBUG, l);
		}
		p += n + (nl ? 1 : 0);
	}
	pthread_mutex_unlock(&log_lock);
}

char *log_contents(void)
{
	pthread_mutex_lock(&log_lock);
	char *s = xstrndup(memory_log.data ? memory_log.data : "", memory_log.len);
	pthread_mutex_unlock(&log_lock);
	return s;
}

const char *log_last_error(void)
{
	return last_error;
}
