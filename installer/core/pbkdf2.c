/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <gcrypt.h>
#include <string.h>
#include <sys/random.h>

#include "pbkdf2.h"
#include "util.h"

static void put_hex(azl_buf *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%02X", p[i]);
}

int grub_password_hash_with(const azl_secret *pw, unsigned long iterations,
			    const unsigned char *salt, size_t salt_len, char **ret)
{
	if (!pw || iterations == 0 || salt_len == 0)
		return -EINVAL;
	/* Initialises the library once; no secure memory pool is asked
	 * for: the key lives in our own wiped buffer. */
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		if (!gcry_check_version(NULL))
			return -ENOTSUP;
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
	unsigned char key[GRUB_PBKDF2_KEY_LEN];
	gcry_error_t e = gcry_kdf_derive(pw->data, pw->len, GCRY_KDF_PBKDF2, GCRY_MD_SHA512, salt,
					 salt_len, iterations, sizeof(key), key);
	if (e) {
		wipe_memory(key, sizeof(key));
		return -EIO;
	}
	azl_buf b = {0};
	buf_printf(&b, "grub.pbkdf2.sha512.%lu.", iterations);
	put_hex(&b, salt, salt_len);
	buf_append(&b, ".");
	put_hex(&b, key, sizeof(key));
	wipe_memory(key, sizeof(key));
	*ret = buf_steal(&b);
	return 0;
}

int grub_password_hash(const azl_secret *pw, char **ret)
{
	unsigned char salt[GRUB_PBKDF2_SALT_LEN];
	size_t got = 0;
	while (got < sizeof(salt)) {
		ssize_t n = getrandom(salt + got, sizeof(salt) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	return grub_password_hash_with(pw, GRUB_PBKDF2_ITERATIONS, salt, sizeof(salt), ret);
}

static size_t hex_run(const char *s)
{
	size_t n = 0;
	while ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
	       (s[n] >= 'A' && s[n] <= 'F'))
		n++;
	return n;
}

bool grub_password_hash_is_valid(const char *hash)
{
	const char *p = hash;
	if (!p || !startswith(p, "grub.pbkdf2.sha512."))
		return false;
	p += strlen("grub.pbkdf2.sha512.");
	size_t digits = strspn(p, "0123456789");
	/* GRUB reads the count with grub_strtoul: up to 2^32-1 fits. */
	if (digits == 0 || digits > 9 || p[digits] != '.' || p[0] == '0')
		return false;
	p += digits + 1;
	size_t salt = hex_run(p);
	if (salt == 0 || salt % 2 || salt > 1024 || p[salt] != '.')
		return false;
	p += salt + 1;
	size_t key = hex_run(p);
	return key > 0 && key % 2 == 0 && key <= 1024 && p[key] == '\0';
}
