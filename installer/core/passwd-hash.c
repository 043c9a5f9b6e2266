/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "passwd-hash.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>

#include "util.h"

_Static_assert(PASSWORD_MAX_LEN + 1 == CRYPT_MAX_PASSPHRASE_SIZE,
	       "PASSWORD_MAX_LEN follows libxcrypt");

int password_hash_yescrypt(const azl_secret *pw, char **ret)
{
	/* count 0 = libxcrypt's default cost; NULL rbytes = it reads its own
	 * random bytes from the kernel. */
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)))
		return errno ? -errno : -EINVAL;
	struct crypt_data *cd = xzalloc(sizeof(*cd));
	const char *h = crypt_rn(pw->data, salt, cd, sizeof(*cd));
	int r = 0;
	if (!h || h[0] == '*')
		r = errno ? -errno : -EINVAL;
	else
		*ret = xstrdup(h);
	wipe_memory(cd, sizeof(*cd));
	free(cd);
	return r;
}

/* s past prefix, or NULL when s does not start with it. */
static const char *skip(const char *s, const char *prefix)
{
	return startswith(s, prefix) ? s + strlen(prefix) : NULL;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The crypt(3) base-64 alphabet. */
static size_t span64(const char *s)
{
	return strspn(s, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}

/* min to max base-64 characters, then stop ('$', or '\0' for the end).
 * Returns what follows stop (or the end), NULL when s is not that. */
static const char *field64(const char *s, size_t min, size_t max, char stop)
{
	size_t k = span64(s);
	if (k < min || k > max || s[k] != stop)
		return NULL;
	return stop ? s + k + 1 : s + k;
}

/* $6$[rounds=N$]salt$hash (SHA-crypt): salt 1-16, hash 86 (43 for $5$). */
static bool sha_crypt_ok(const char *p, size_t hash_len)
{
	if (startswith(p, "rounds=")) {
		p += strlen("rounds=");
		size_t k = strspn(p, "0123456789");
		if (k == 0 || k > 9 || p[0] == '0' || p[k] != '$')
			return false;
		p += k + 1;
	}
	p = field64(p, 1, 16, '$');
	return p && field64(p, hash_len, hash_len, '\0');
}

bool password_hash_is_valid(const char *hash)
{
	/* Judged by its shape alone: computing a hash (crypt() with the hash
	 * as the setting) costs whatever the hash's own cost parameter says,
	 * and "$2b$31$" or "rounds=999999999" would hang validation for hours
	 * (yescrypt's N, exhaust memory) on a line of somebody's answer file.
	 */
	if (!hash || strlen(hash) > 512)
		return false;
	/* libxcrypt knows the method and this build has it enabled. */
	int c = crypt_checksalt(hash);
	if (c != CRYPT_SALT_OK && c != CRYPT_SALT_METHOD_LEGACY)
		return false;
	const char *p;
	if ((p = skip(hash, "$6$")))
		return sha_crypt_ok(p, 86);
	if ((p = skip(hash, "$5$")))
		return sha_crypt_ok(p, 43);
	if ((p = skip(hash, "$2b$")) || (p = skip(hash, "$2y$"))) {
		/* Two-digit cost 04-31, then 22 characters of salt and 31 of
		 * hash. */
		if (!digit(p[0]) || !digit(p[1]) || p[2] != '$')
			return false;
		int cost = (p[0] - '0') * 10 + (p[1] - '0');
		return cost >= 4 && cost <= 31 && field64(p + 3, 53, 53, '\0');
	}
	if ((p = skip(hash, "$y$")) || (p = skip(hash, "$gy$")) || (p = skip(hash, "$7$"))) {
		/* yescrypt, gost-yescrypt: $params$salt$hash; scrypt:
		 * $7$<11 characters of params><salt>$hash. The hash is 32
		 * bytes: 43 characters. */
		if (startswith(hash, "$7$"))
			p = field64(p, 12, 75, '$');
		else if ((p = field64(p, 3, 32, '$')))
			p = field64(p, 1, 86, '$');
		return p && field64(p, 43, 43, '\0');
	}
	return false;
}

bool password_hash_matches(const azl_secret *pw, const char *hash)
{
	struct crypt_data *cd = xzalloc(sizeof(*cd));
	const char *h = crypt_rn(pw->data, hash, cd, sizeof(*cd));
	bool ok = h && h[0] != '*' && strcmp(h, hash) == 0;
	wipe_memory(cd, sizeof(*cd));
	free(cd);
	return ok;
}

const char *xcrypt_adapter_version(void)
{
	/* libxcrypt has no version call; its preferred method tells which
	 * hashing it defaults to, which is what matters here. */
	return crypt_preferred_method();
}
