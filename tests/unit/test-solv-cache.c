/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seal and the lock of the metadata cache's files
 * (installer/packages/solv-cache.h): a sealed file reads back whole; every
 * truncation, every changed byte and a 4 KiB overwrite fail the seal; a
 * second writer does not get the lock, and the lock's holder removes a
 * dead writer's temporary files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "solv-cache.h"
#include "util.h"

static char dir[] = "/tmp/test-solv-cache-XXXXXX";

#define PAYLOAD 20000

static unsigned char *payload(void)
{
	unsigned char *p = xmalloc(PAYLOAD);
	uint32_t x = 12345;
	for (size_t i = 0; i < PAYLOAD; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 16);
	}
	return p;
}

/* Writes payload() sealed to path; returns the whole file. */
static unsigned char *write_sealed(const char *path, size_t *ret_size)
{
	_cleanup_free_ unsigned char *p = payload();
	char *tmp = NULL;
	FILE *f = solv_cache_create(path, &tmp);
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, PAYLOAD, f), PAYLOAD);
	assert_int_equal(solv_cache_commit(f, tmp, path), 0);
	size_t size = 0;
	char *text = NULL;
	assert_int_equal(read_file_bounded(path, 1 << 20, &text, &size), 0);
	unsigned char *data = (unsigned char *)text;
	assert_int_equal(size, PAYLOAD + SOLV_CACHE_SEAL_SIZE);
	assert_memory_equal(data, p, PAYLOAD);
	*ret_size = size;
	return data;
}

static void test_sealed_reads_back(void **state)
{
	(void)state;
	_cleanup_free_ char *path = xasprintf("%s/a.solv", dir);
	size_t size;
	_cleanup_free_ unsigned char *data = write_sealed(path, &size);
	assert_int_equal(solv_cache_check(data, size), PAYLOAD);
	uint64_t len = 0;
	FILE *f = solv_cache_open(path, &len);
	assert_non_null(f);
	assert_int_equal(len, PAYLOAD);
	fclose(f);
	/* No temporary file is left. */
	_cleanup_free_ char *tmp = xasprintf("%s.%d.part", path, getpid());
	assert_int_equal(access(tmp, F_OK), -1);
}

static void test_damage_fails_the_seal(void **state)
{
	(void)state;
	_cleanup_free_ char *path = xasprintf("%s/b.solv", dir);
	size_t size;
	_cleanup_free_ unsigned char *data = write_sealed(path, &size);
	for (size_t cut = 0; cut < size; cut++)
		assert_int_equal(solv_cache_check(data, cut), -EBADMSG);
	for (size_t i = 0; i < size; i++) {
		data[i] ^= 0x01;
		assert_int_equal(solv_cache_check(data, size), -EBADMSG);
		data[i] ^= 0x01;
	}
	/* 4 KiB overwritten in the middle of the file on disk. */
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)size / 2 - 2048, SEEK_SET), 0);
	for (int i = 0; i < 4096; i++)
		fputc(i * 7, f);
	assert_int_equal(fclose(f), 0);
	uint64_t len;
	errno = 0;
	assert_null(solv_cache_open(path, &len));
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(truncate(path, (off_t)size / 2), 0);
	assert_null(solv_cache_open(path, &len));
	assert_int_equal(errno, EBADMSG);
}

static void test_lock(void **state)
{
	(void)state;
	_cleanup_free_ char *cache = xasprintf("%s/cache/solv", dir);
	int a = solv_cache_lock(cache, false);
	assert_true(a >= 0);
	_cleanup_free_ char *stale = xasprintf("%s/x.solv.99999.part", cache);
	FILE *f = fopen(stale, "w");
	assert_non_null(f);
	fclose(f);
	/* Another open file description: what another process would get. */
	assert_int_equal(solv_cache_lock(cache, false), -EWOULDBLOCK);
	assert_int_equal(access(stale, F_OK), 0);
	solv_cache_unlock(a);
	int b = solv_cache_lock(cache, false);
	assert_true(b >= 0);
	assert_int_equal(access(stale, F_OK), -1);
	solv_cache_unlock(b);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sealed_reads_back),
		cmocka_unit_test(test_damage_fails_the_seal),
		cmocka_unit_test(test_lock),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
