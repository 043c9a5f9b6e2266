/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void)
{
	fputs("azl-installer: out of memory\n", stderr);
	abort();
}

void x_free(void *p)
{
	free(p);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xzalloc(size_t n)
{
	return xcalloc(1, n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xappend(void *array_p, size_t *n, size_t size)
{
	char **a = array_p;
	/* Grown by doubling, so appends are amortized O(1) whatever the
	 * allocator does (ASan's realloc always copies); the block's own
	 * size says how much room is left, so arrays allocated elsewhere
	 * work too. */
	if ((*n + 1) * size > malloc_usable_size(*a))
		*a = xrealloc(*a, (*n < 4 ? 4 : 2 * *n) * size);
	char *elem = *a + *n * size;
	memset(elem, 0, size);
	(*n)++;
	return elem;
}

char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *r = strdup(s);
	if (!r)
		oom();
	return r;
}

char *xstrndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *r = strndup(s, n);
	if (!r)
		oom();
	return r;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *r;
	if (vasprintf(&r, fmt, ap) < 0)
		oom();
	return r;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *r = xvasprintf(fmt, ap);
	va_end(ap);
	return r;
}

bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool startswith(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool endswith(const char *s, const char *suffix)
{
	if (!s)
		return false;
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

char **strv_copy(char *const *v)
{
	if (!v)
		return NULL;
	size_t n = strv_length(v);
	char **r = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void strv_push(char ***v, char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (streq_ptr(v[i], s))
			return true;
	return false;
}

void strvb_push(strv_builder *b, char *s)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->v = xrealloc(b->v, b->cap * sizeof(char *));
	}
	b->v[b->n++] = s;
	b->v[b->n] = NULL;
}

char **strvb_steal(strv_builder *b)
{
	char **v = b->v ? b->v : xzalloc(sizeof(char *));
	*b = (strv_builder){0};
	return v;
}

typedef struct strv_ref {
	const char *s;
	size_t index;
} strv_ref;

static int strv_ref_cmp(const void *a, const void *b)
{
	const strv_ref *x = a, *y = b;
	int r = strcmp(x->s, y->s);
	if (r != 0)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int strv_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **strv_sort_n(char **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), strv_cmp);
	return v;
}

void strv_uniq(char **v)
{
	size_t n = strv_length(v);
	if (n < 2)
		return;
	_cleanup_free_ strv_ref *refs = xcalloc(n, sizeof(*refs));
	for (size_t i = 0; i < n; i++)
		refs[i] = (strv_ref){v[i], i};
	qsort(refs, n, sizeof(*refs), strv_ref_cmp);
	_cleanup_free_ bool *drop = xcalloc(n, sizeof(bool));
	for (size_t i = 1; i < n; i++)
		if (strcmp(refs[i].s, refs[i - 1].s) == 0)
			drop[refs[i].index] = true;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (drop[i])
			free(v[i]);
		else
			v[k++] = v[i];
	}
	v[k] = NULL;
}

void buf_appendn(azl_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_append(azl_buf *b, const char *s)
{
	buf_appendn(b, s, strlen(s));
}

void buf_printf(azl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_append(b, s);
}

char *buf_steal(azl_buf *b)
{
	char *r = b->data ? b->data : xstrdup("");
	*b = (azl_buf){0};
	return r;
}

char *text_replace_lines(const char *old, bool (*match)(const char *line, size_t len),
			 const char *block)
{
	azl_buf b = {0};
	bool placed = false;
	for (const char *s = old ? old : ""; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if (match(s, len)) {
			if (!placed)
				buf_append(&b, block);
			placed = true;
		} else {
			buf_appendn(&b, s, len);
			buf_append(&b, "\n");
		}
		s = nl ? nl + 1 : s + len;
	}
	if (!placed)
		buf_append(&b, block);
	return buf_steal(&b);
}

void buf_free(azl_buf *b)
{
	free(b->data);
	*b = (azl_buf){0};
}

int read_fd_bounded(int fd, size_t max, bool regular_only, char **ret, size_t *ret_len)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (regular_only && !S_ISREG(st.st_mode))
		return -EINVAL;
	azl_buf b = {0};
	char chunk[65536];
	for (;;) {
		ssize_t k = read(fd, chunk, sizeof(chunk));
		if (k < 0) {
			if (errno == EINTR)
				continue;
			int r = -errno;
			buf_free(&b);
			return r;
		}
		if (k == 0)
			break;
		if (b.len + (size_t)k > max) {
			buf_free(&b);
			return -EFBIG;
		}
		buf_appendn(&b, chunk, (size_t)k);
	}
	if (ret_len)
		*ret_len = b.len;
	*ret = buf_steal(&b);
	return 0;
}

int read_file_bounded(const char *path, size_t max, char **ret, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = read_fd_bounded(fd, max, false, ret, ret_len);
	close(fd);
	return r;
}

int write_file_atomic(const char *path, const char *text, size_t len, unsigned mode)
{
	_cleanup_free_ char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	int r = fchmod(fd, (mode_t)mode) < 0 ? -errno : 0;
	while (r == 0 && len > 0) {
		ssize_t k = write(fd, text, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			r = -errno;
		else {
			text += k;
			len -= (size_t)k;
		}
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, text, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		text += k;
		len -= (size_t)k;
	}
	return 0;
}

/* A device or a FIFO is written where it is: a rename would put a
 * regular file in its place (/dev/null replaced by a file breaks every
 * program on the host). */
static int write_in_place(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	/* What was opened, not what stat() saw before. */
	if (r == 0 && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
		r = -ENOTSUP;
	if (r == 0)
		r = write_all(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int write_file_output(const char *path, const char *text, size_t len, unsigned mode)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		return write_file_atomic(path, text, len, mode);
	}
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
		return write_in_place(path, text, len);
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -ENOTSUP;
	/* A symlink to a file (/dev/stdout redirected to one, too): the
	 * file is replaced, never the link. */
	_cleanup_free_ char *real = realpath(path, NULL);
	if (!real)
		return -errno;
	return write_file_atomic(real, text, len, mode);
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	_cleanup_free_ size_t *row = xcalloc(lb + 1, sizeof(size_t));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

size_t utf8_char(const char *s, uint32_t *ret_cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	uint32_t cp, min;
	if (p[0] < 0x80) {
		*ret_cp = p[0];
		return p[0] ? 1 : 0;
	}
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f, min = 0x80;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f, min = 0x800;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also the NUL of a truncated one */
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

char *str_escape_untrusted(const char *s)
{
	if (!s)
		return NULL;
	azl_buf b = {0};
	while (*s) {
		uint32_t cp;
		size_t n = utf8_char(s, &cp);
		if (n == 0 || is_control_cp(cp)) {
			size_t k = n ? n : 1;
			for (size_t i = 0; i < k; i++)
				buf_printf(&b, "\\x%02x", (unsigned char)s[i]);
			s += k;
		} else if (*s == '\\') {
			buf_append(&b, "\\\\");
			s++;
		} else {
			buf_appendn(&b, s, n);
			s += n;
		}
	}
	return buf_steal(&b);
}

DIR *fd_opendir(int fd)
{
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

DIR *fd_opendir_dup(int fd)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return fd_opendir(copy < 0 ? -errno : copy);
}

double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct timespec deadline_after_ms(clockid_t clock, long ms)
{
	struct timespec t;
	clock_gettime(clock, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

int env_uint(const char *name, uint64_t max, uint64_t *ret)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return 0;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	char *end = NULL;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || n > max)
		return -EINVAL;
	*ret = n;
	return 1;
}
