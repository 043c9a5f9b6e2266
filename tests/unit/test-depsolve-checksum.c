/* SPDX-License-Identifier: GPL-2.0-or-later */
/* depsolve_check_fd(), the check of a download against its repodata
 * checksum: SHA-256 and SHA-512 (by libgcrypt), "sha" (createrepo's old
 * name of SHA-1, which libgcrypt does not know: libsolv's code), a
 * mismatch, an upper-case digest, and a type repodata never uses. The
 * expected digests are of "abc" (FIPS 180-2's examples; sha256sum and
 * sha1sum give the same). Then the same computed as the bytes go by
 * (depsolve_digest_*), in pieces, and fed by fetch_to_fd_tap() from a
 * download of several MiB: the digest of what arrived must be the
 * digest of the file written, and of the file served. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "depsolve.h"
#include "fetch.h"

#define ABC_SHA256	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define ABC_SHA1	  "a9993e364706816aba3e25717850c26c9cd0d89d"
#define ABC_SHA512_PREFIX "ddaf35a193617abacc41"

static int abc(void)
{
	int fd = memfd_create("abc", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	return fd; /* its offset at the end: the check reads from the start */
}

static void test_checksums(void **state)
{
	(void)state;
	int fd = abc();
	assert_int_equal(depsolve_check_fd(fd, "sha256", ABC_SHA256), 0);
	assert_int_equal(depsolve_check_fd(fd, "SHA256", ABC_SHA256), 0);
	assert_int_equal(
		depsolve_check_fd(
			fd, "sha256",
			"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
		0);
	assert_int_equal(depsolve_check_fd(fd, "sha", ABC_SHA1), 0);
	assert_int_equal(depsolve_check_fd(fd, "sha1", ABC_SHA1), 0);
	/* One hex digit off. */
	assert_int_equal(
		depsolve_check_fd(
			fd, "sha256",
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae"),
		-EBADMSG);
	assert_int_equal(depsolve_check_fd(fd, "sha", ABC_SHA256), -EBADMSG);
	/* A SHA-256 digest given as SHA-512: refused, never a partial match. */
	assert_int_equal(depsolve_check_fd(fd, "sha512", ABC_SHA256), -EBADMSG);
	assert_int_equal(depsolve_check_fd(fd, "sha512", ABC_SHA512_PREFIX), -EBADMSG);
	/* libgcrypt knows CRC32 and Whirlpool; repodata never uses them. */
	assert_int_equal(depsolve_check_fd(fd, "crc32", "352441c2"), -EINVAL);
	assert_int_equal(depsolve_check_fd(fd, "whirlpool", ABC_SHA256), -EINVAL);
	close(fd);
}

static int streamed(const char *type, const char *const *pieces, const char *hex)
{
	depsolve_digest *d = depsolve_digest_new(type);
	if (!d)
		return -EINVAL;
	for (size_t i = 0; pieces[i]; i++)
		depsolve_digest_add(d, pieces[i], strlen(pieces[i]));
	int r = depsolve_digest_check(d, hex);
	depsolve_digest_free(d);
	return r;
}

static void test_streamed(void **state)
{
	(void)state;
	const char *const whole[] = {"abc", NULL};
	const char *const split[] = {"a", "", "bc", NULL};
	const char *const short_[] = {"ab", NULL};
	const char *const none[] = {NULL};
	assert_int_equal(streamed("sha256", whole, ABC_SHA256), 0);
	assert_int_equal(streamed("sha256", split, ABC_SHA256), 0);
	assert_int_equal(streamed("SHA256", split, ABC_SHA256), 0);
	assert_int_equal(streamed("sha", split, ABC_SHA1), 0);
	assert_int_equal(streamed("sha256", short_, ABC_SHA256), -EBADMSG);
	assert_int_equal(streamed("sha", short_, ABC_SHA1), -EBADMSG);
	assert_int_equal(streamed("sha256", none, ABC_SHA256), -EBADMSG);
	assert_int_equal(streamed("sha512", split, ABC_SHA256), -EBADMSG);
	assert_null(depsolve_digest_new("crc32"));
	assert_null(depsolve_digest_new(NULL));
	depsolve_digest_free(NULL);
}

/* A download of several MiB through fetch_to_fd_tap() into a file, the
 * digest fed by the tap: it must match sha256sum's digest of the file
 * served (coreutils, not this code), as must the file written. */
static void test_fetch_tap(void **state)
{
	(void)state;
	char dir[] = "/tmp/test-depsolve-checksum.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[sizeof(dir) + 16];
	snprintf(path, sizeof(path), "%s/served", dir);
	/* 5 MiB + 3 bytes of varied bytes: many chunks, an odd end. */
	size_t len = (5u << 20) + 3;
	unsigned char *data = malloc(len);
	assert_non_null(data);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	int sfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(sfd >= 0);
	assert_int_equal(write(sfd, data, len), (ssize_t)len);
	close(sfd);
	free(data);
	char cmd[sizeof(path) + 32], hex[65] = "";
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%64s", hex), 1);
	assert_int_equal(pclose(p), 0);
	assert_int_equal(strlen(hex), 64);

	char url[sizeof(path) + 8];
	snprintf(url, sizeof(url), "file://%s", path);
	int fd = memfd_create("download", MFD_CLOEXEC);
	assert_true(fd >= 0);
	depsolve_digest *d = depsolve_digest_new("sha256");
	assert_non_null(d);
	char *why = NULL;
	assert_int_equal(fetch_to_fd_tap(url, NULL, fd, len, depsolve_digest_add, d, &why), 0);
	assert_null(why);
	assert_int_equal(lseek(fd, 0, SEEK_END), (off_t)len);
	assert_int_equal(depsolve_digest_check(d, hex), 0);
	assert_int_equal(depsolve_check_fd(fd, "sha256", hex), 0);
	depsolve_digest_free(d);

	/* A download larger than allowed fails (here before any byte of
	 * the body: curl knows the size), and what the tap saw, if
	 * anything, does not pass. */
	int fd2 = memfd_create("download", MFD_CLOEXEC);
	assert_true(fd2 >= 0);
	d = depsolve_digest_new("sha256");
	assert_int_equal(fetch_to_fd_tap(url, NULL, fd2, len - 1, depsolve_digest_add, d, &why),
			 -EFBIG);
	free(why);
	assert_int_equal(depsolve_digest_check(d, hex), -EBADMSG);
	depsolve_digest_free(d);
	close(fd2);
	close(fd);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_streamed),
		cmocka_unit_test(test_fetch_tap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
