/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files of the parsed-metadata cache: solv-cache.h. */
#include "solv-cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define SEAL_MAGIC "AZLSEAL1"

typedef struct seal {
	char magic[8];
	uint64_t len; /* of the payload before the seal */
	uint64_t sum; /* solv_cache_sum() of the payload */
} seal;

_Static_assert(sizeof(seal) == SOLV_CACHE_SEAL_SIZE, "seal size");

/* The rounds of XXH64 (seed 0): four lanes of multiply and rotate, as fast
 * as memory is read, then a final mix where every bit counts. */
#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t round64(uint64_t acc, uint64_t w)
{
	return rotl64(acc + w * P2, 31) * P1;
}

static uint64_t word64(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

uint64_t solv_cache_sum(const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;
	uint64_t h = P5;
	if (len >= 32) {
		uint64_t v[4] = {P1 + P2, P2, 0, 0 - P1};
		for (; end - p >= 32; p += 32)
			for (int k = 0; k < 4; k++)
				v[k] = round64(v[k], word64(p + 8 * k));
		h = rotl64(v[0], 1) + rotl64(v[1], 7) + rotl64(v[2], 12) + rotl64(v[3], 18);
		for (int k = 0; k < 4; k++)
			h = (h ^ round64(0, v[k])) * P1 + P4;
	}
	h += len;
	for (; end - p >= 8; p += 8)
		h = rotl64(h ^ round64(0, word64(p)), 27) * P1 + P4;
	for (; p < end; p++)
		h = rotl64(h ^ (*p * P5), 11) * P1;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

static int mkdir_p(const char *dir)
{
	_cleanup_free_ char *p = xstrdup(dir);
	for (char *c = p + 1;; c++) {
		bool last = *c == '\0';
		if (*c != '/' && !last)
			continue;
		*c = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*c = '/';
	}
}

/* Only the lock's holder writes: any temporary file is a dead writer's. */
static void remove_stale_parts(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".part") == 0)
			(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int solv_cache_lock(const char *dir, bool wait)
{
	int r = mkdir_p(dir);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = xasprintf("%s/lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		r = -errno;
		close(fd);
		return r;
	}
	remove_stale_parts(dir);
	return fd;
}

void solv_cache_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

FILE *solv_cache_create(const char *path, char **ret_tmp)
{
	char *tmp = xasprintf("%s.%d.part", path, (int)getpid());
	/* Read back for the checksum. */
	FILE *f = fopen(tmp, "w+e");
	if (!f) {
		int err = errno;
		free(tmp);
		errno = err;
		return NULL;
	}
	*ret_tmp = tmp;
	return f;
}

/* The checksum of the first len bytes of fd. */
static int sum_fd(int fd, uint64_t len, uint64_t *ret)
{
	if (len == 0) {
		*ret = solv_cache_sum("", 0);
		return 0;
	}
	if (len > SIZE_MAX)
		return -EFBIG;
	void *map = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	*ret = solv_cache_sum(map, (size_t)len);
	munmap(map, (size_t)len);
	return 0;
}

int solv_cache_commit(FILE *f, char *tmp, const char *path)
{
	int r = fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
	struct stat st;
	if (r == 0 && fstat(fileno(f), &st) < 0)
		r = -errno;
	seal s = {.magic = SEAL_MAGIC};
	if (r == 0) {
		s.len = (uint64_t)st.st_size;
		r = sum_fd(fileno(f), s.len, &s.sum);
	}
	if (r == 0 && (fwrite(&s, sizeof(s), 1, f) != 1 || fflush(f) != 0))
		r = -EIO;
	/* The data on disk before the name: a crash never leaves a
	 * complete-looking name over an empty file. */
	if (r == 0 && fsync(fileno(f)) < 0)
		r = -errno;
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	free(tmp);
	return r;
}

int64_t solv_cache_check(const void *data, size_t size)
{
	if (size < sizeof(seal))
		return -EBADMSG;
	seal s;
	memcpy(&s, (const char *)data + size - sizeof(seal), sizeof(s));
	if (memcmp(s.magic, SEAL_MAGIC, sizeof(s.magic)) != 0 || s.len != size - sizeof(seal) ||
	    s.len > INT64_MAX || solv_cache_sum(data, (size_t)s.len) != s.sum)
		return -EBADMSG;
	return (int64_t)s.len;
}

FILE *solv_cache_open(const char *path, uint64_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	int err = EBADMSG;
	int64_t len = -1;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size >= sizeof(seal) &&
		 (uint64_t)st.st_size <= SIZE_MAX) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			err = errno;
		else {
			len = solv_cache_check(map, (size_t)st.st_size);
			munmap(map, (size_t)st.st_size);
		}
	}
	FILE *f = len >= 0 ? fdopen(fd, "re") : NULL;
	if (!f) {
		err = len >= 0 ? errno : err;
		close(fd);
		errno = err;
		return NULL;
	}
	*ret_len = (uint64_t)len;
	return f;
}
