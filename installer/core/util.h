/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by every layer: ownership macros in the style of
 * systemd (_cleanup_, TAKE_PTR), allocation that aborts on exhaustion (an
 * installer that runs out of memory has nothing sensible left to do), and
 * a growable string buffer.
 */
#pragma once

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_       __attribute__((unused))

/* Hands ownership of *p to the caller and leaves NULL behind. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _take_tmp = (p);                                                     \
		(p) = NULL;                                                                        \
		_take_tmp;                                                                         \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* free() that is spelled like the rest of the destructors; accepts NULL. */
void x_free(void *p);
static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *array (of *n elements of size) by one zeroed element; returns it. */
void *xappend(void *array_p, size_t *n, size_t size);
char *xstrdup(const char *s); /* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
char *xvasprintf(const char *fmt, va_list ap) _printf_(1, 0);

bool streq_ptr(const char *a, const char *b); /* NULL-safe strcmp()==0 */
bool startswith(const char *s, const char *prefix);
bool endswith(const char *s, const char *suffix);

/* A NULL-terminated vector of owned strings. */
void strv_free(char **v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

/* A file descriptor closed when it goes out of scope (-1: nothing). Only
 * where close()'s result does not matter: a written file is closed by
 * hand, its error checked. */
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)
/* A directory stream over fd, which closedir() then closes; on failure fd
 * is closed and errno says why (fd < 0 counts as -errno, as the
 * target_openat() family returns it). */
DIR *fd_opendir(int fd);
/* The same over a duplicate of fd, which stays the caller's to close. */
DIR *fd_opendir_dup(int fd);
size_t strv_length(char *const *v);
char **strv_copy(char *const *v);
/* Appends s (owned from now on); O(length of v): for short lists. A list
 * that grows with the input is built with strv_builder. */
void strv_push(char ***v, char *s);
bool strv_contains(char *const *v, const char *s);
/* Removes every string equal to an earlier one, keeping the order of the
 * first ones: O(n log n). */
void strv_uniq(char **v);
/* Sorts the first n strings of v by strcmp (n need not reach a NULL);
 * returns v. */
char **strv_sort_n(char **v, size_t n);
#define strv_sort(v) strv_sort_n((v), strv_length(v))

/* A string list under construction: appends in amortized O(1). v is a
 * plain NULL-terminated strv (or NULL while n is 0). */
typedef struct strv_builder {
	char **v;
	size_t n, cap;
} strv_builder;
void strvb_push(strv_builder *b, char *s); /* takes ownership of s */
/* The list (never NULL: an empty one is {NULL}); b is empty afterwards. */
char **strvb_steal(strv_builder *b);

/* Growable buffer for text that is built piece by piece. */
typedef struct azl_buf {
	char *data; /* always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
} azl_buf;

void buf_append(azl_buf *b, const char *s);
void buf_appendn(azl_buf *b, const char *s, size_t n);
void buf_printf(azl_buf *b, const char *fmt, ...) _printf_(2, 3);
char *buf_steal(azl_buf *b); /* returns "" rather than NULL when empty */
void buf_free(azl_buf *b);

/* A configuration file's text with every line that match() accepts
 * dropped and block (whole lines) put where the first of them stood, or
 * at the end when none did. old may be NULL (empty). */
char *text_replace_lines(const char *old, bool (*match)(const char *line, size_t len),
			 const char *block);

/* Reads a whole file, refusing anything larger than max bytes (-EFBIG).
 * ret_len may be NULL. */
int read_file_bounded(const char *path, size_t max, char **ret, size_t *ret_len);
/* The same from an open fd (the caller's; not closed): the way to read a
 * file that was opened safely (openat2 RESOLVE_IN_ROOT/BENEATH, O_NONBLOCK).
 * regular_only: anything but a regular file is -EINVAL. */
int read_fd_bounded(int fd, size_t max, bool regular_only, char **ret, size_t *ret_len);

/* write(2) until all of text is written (EINTR retried); 0 or -errno. */
int write_all(int fd, const char *text, size_t len);

/* Seconds on CLOCK_MONOTONIC: for measuring how long something took, or
 * how old something is. */
double mono_s(void);

/* The time ms (>= 0) milliseconds from now on clock: the deadline of a
 * pthread_cond_timedwait() (CLOCK_REALTIME for a condition variable made
 * with the defaults, CLOCK_MONOTONIC for one set to that clock). */
struct timespec deadline_after_ms(clockid_t clock, long ms);

/* The environment variable name as a whole number of at most max, digits
 * only (no sign, no spaces, no unit): 1 and *ret; 0 when it is unset or
 * empty; -EINVAL for anything else, which the caller names in a warning
 * (escaped: str_escape_untrusted()) before it keeps its default. */
int env_uint(const char *name, uint64_t max, uint64_t *ret);

/* Writes text to path atomically (a temp file beside it, fsync, rename)
 * with mode: a crash never leaves half a file. Returns 0 or -errno. */
int write_file_atomic(const char *path, const char *text, size_t len, unsigned mode);

/* Writes an output the user named (-o, --save-answers): a regular file
 * or a new path atomically as write_file_atomic() does (through a
 * symlink: the file it points to); a character device or a FIFO in place,
 * its mode untouched (-o /dev/null stays a device). -EISDIR for a
 * directory, -ENOTSUP for a block device or a socket, or -errno. */
int write_file_output(const char *path, const char *text, size_t len, unsigned mode);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t edit_distance(const char *a, const char *b);

/* The length (1 to 4) of the well-formed UTF-8 character at s, its code
 * point in *ret_cp; 0 for a byte that starts none (overlong, surrogate,
 * truncated, beyond U+10FFFF) or for the NUL at the end. */
size_t utf8_char(const char *s, uint32_t *ret_cp);
/* Whether the code point is a C0 or C1 control character or DEL. */
static inline bool is_control_cp(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}
/* Text read from a disk (labels, partition names, models, serials) made
 * safe for a terminal: control characters and bytes that are not UTF-8
 * become \xHH (C1 characters as the \xHH of their bytes), a backslash
 * "\\"; the rest is kept. Allocated; NULL gives NULL. */
char *str_escape_untrusted(const char *s);
