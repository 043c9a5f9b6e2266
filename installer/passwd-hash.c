/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "passwd-hash.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>

#include "libs.h"
#include "util.h"

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

bool password_hash_is_valid(const char *hash)
{
	static const char *const prefixes[] = {"$y$", "$gy$", "$7$", "$6$",
					       "$5$", "$2b$", "$2y$"};
	if (!hash)
		return false;
	bool known = false;
	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
		known = known || startswith(hash, prefixes[i]);
	if (!known)
		return false;
	/* Let libxcrypt judge the setting part: crypt() with the hash as the
	 * setting fails ("*0"/"*1") when the hash is malformed. */
	struct crypt_data *cd = xzalloc(sizeof(*cd));
	const char *h = crypt_rn("", hash, cd, sizeof(*cd));
	bool ok = h && h[0] != '*';
	free(cd);
	return ok;
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
