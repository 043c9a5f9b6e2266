/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JOSE pieces the tang advertisement check needs (RFC 7515, 7517,
 * 7638), on libcrypto like x509-pem.c: base64url and JWK thumbprints.
 * Nothing here parses JSON; the caller hands over the members. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The hashes a thumbprint may be made with: what clevis's "thp" accepts
 * and tang-show-keys prints (S256 by default; S1 from older tangs). */
typedef enum azl_thp_hash {
	AZL_THP_NONE = 0,
	AZL_THP_SHA1,	/* 20 bytes: 27 base64url characters */
	AZL_THP_SHA256, /* 32 bytes: 43 base64url characters */
} azl_thp_hash;

/* Which hash thp (base64url, no padding) was made with, judged by its
 * length and alphabet; AZL_THP_NONE when it is no thumbprint. */
azl_thp_hash jwk_thumbprint_hash(const char *thp);

/* Decodes base64url text (RFC 4648 section 5, padding optional) into a new
 * NUL-terminated buffer. Returns 0, or -EINVAL for text that is not
 * base64url, -ENOMEM. */
int base64url_decode(const char *in, size_t len, char **ret, size_t *ret_len);

/* One member of a JWK as RFC 7638 hashes it: the required members of its
 * kty, by name. */
typedef struct azl_jwk_member {
	const char *name;
	const char *value;
} azl_jwk_member;

/* The thumbprint of a JWK (RFC 7638): members (any order; string values)
 * put in lexicographic order as {"name":"value",...} with no whitespace,
 * hashed with hash, base64url without padding. Returns 0 or -EINVAL (a
 * member missing, a value JSON would have to escape), -ENOMEM. */
int jwk_thumbprint(const azl_jwk_member *members, size_t n, azl_thp_hash hash, char **ret);

/* The members RFC 7638 hashes for a key type: EC crv,kty,x,y; RSA
 * e,kty,n; oct k,kty; OKP crv,kty,x. NULL-ended; NULL for another kty. */
const char *const *jwk_required_members(const char *kty);
