/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "jwk.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

azl_thp_hash jwk_thumbprint_hash(const char *thp)
{
	if (!thp)
		return AZL_THP_NONE;
	size_t n = strlen(thp);
	for (size_t i = 0; i < n; i++) {
		char c = thp[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_';
		if (!ok)
			return AZL_THP_NONE;
	}
	return n == 43 ? AZL_THP_SHA256 : n == 27 ? AZL_THP_SHA1 : AZL_THP_NONE;
}

int base64url_decode(const char *in, size_t len, char **ret, size_t *ret_len)
{
	while (len > 0 && in[len - 1] == '=')
		len--;
	if (len % 4 == 1 || len > (64u << 20))
		return -EINVAL;
	/* To the standard alphabet, padded: what EVP_DecodeBlock() takes. */
	size_t padded = (len + 3) / 4 * 4;
	_cleanup_free_ unsigned char *std = xmalloc(padded + 1);
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9')))
			return -EINVAL;
		std[i] = (unsigned char)c;
	}
	for (size_t i = len; i < padded; i++)
		std[i] = '=';
	std[padded] = '\0';
	unsigned char *out = xmalloc(padded / 4 * 3 + 1);
	int n = padded ? EVP_DecodeBlock(out, std, (int)padded) : 0;
	if (n < 0) {
		free(out);
		return -EINVAL;
	}
	/* EVP_DecodeBlock() counts the padding as zero bytes. */
	n -= (int)(padded - len);
	out[n] = '\0';
	*ret = (char *)out;
	*ret_len = (size_t)n;
	return 0;
}

static char *base64url_encode(const unsigned char *in, size_t len)
{
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (char *p = out; *p; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	return out;
}

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const azl_jwk_member *)a)->name, ((const azl_jwk_member *)b)->name);
}

int jwk_thumbprint(const azl_jwk_member *members, size_t n, azl_thp_hash hash, char **ret)
{
	const EVP_MD *md = hash == AZL_THP_SHA256 ? EVP_sha256()
			   : hash == AZL_THP_SHA1 ? EVP_sha1()
						  : NULL;
	if (!md || n == 0)
		return -EINVAL;
	_cleanup_free_ azl_jwk_member *sorted = xcalloc(n, sizeof(*sorted));
	memcpy(sorted, members, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), member_cmp);
	azl_buf b = {0};
	int r = 0;
	buf_append(&b, "{");
	for (size_t i = 0; i < n && r == 0; i++) {
		if (!sorted[i].value) {
			r = -EINVAL;
			break;
		}
		/* Names and values of these members are base64url or short
		 * ASCII words: nothing JSON escapes. */
		for (const char *p = sorted[i].value; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
				r = -EINVAL;
		buf_printf(&b, "%s\"%s\":\"%s\"", i ? "," : "", sorted[i].name, sorted[i].value);
	}
	buf_append(&b, "}");
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	if (r == 0 && EVP_Digest(b.data, b.len, digest, &dlen, md, NULL) != 1)
		r = -ENOMEM;
	buf_free(&b);
	if (r < 0)
		return r;
	*ret = base64url_encode(digest, dlen);
	return 0;
}

const char *const *jwk_required_members(const char *kty)
{
	static const char *const ec[] = {"crv", "kty", "x", "y", NULL};
	static const char *const rsa[] = {"e", "kty", "n", NULL};
	static const char *const oct[] = {"k", "kty", NULL};
	static const char *const okp[] = {"crv", "kty", "x", NULL};
	if (streq_ptr(kty, "EC"))
		return ec;
	if (streq_ptr(kty, "RSA"))
		return rsa;
	if (streq_ptr(kty, "oct"))
		return oct;
	if (streq_ptr(kty, "OKP"))
		return okp;
	return NULL;
}
