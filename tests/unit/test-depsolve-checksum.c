/* SPDX-License-Identifier: GPL-2.0-or-later */
/* depsolve_check_fd(), the check of a download against its repodata
 * checksum: SHA-256 and SHA-512 (by libgcrypt), "sha" (createrepo's old
 * name of SHA-1, which libgcrypt does not know: libsolv's code), a
 * mismatch, an upper-case digest, and a type repodata never uses. The
 * expected digests are of "abc" (FIPS 180-2's examples; sha256sum and
 * sha1sum give the same). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "depsolve.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
