/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to OpenSSL's libcrypto, the TLS library libcurl runs on
 * here: PEM text read as X.509 certificates, to check what an answer file
 * or a kickstart's %certificate gives before it is trusted or written. */
#pragma once

#include <stddef.h>

/* The version of libcrypto this adapter runs against (--version). */
const char *crypto_adapter_version(void);

/* At most this much PEM text in one certificates: entry. */
#define PEM_CERTS_MAX (1u << 20)

/* pem (len bytes, no NUL needed) holds one or more "CERTIFICATE" PEM
 * blocks, each an X.509 certificate libcrypto parses whole; text between
 * blocks is allowed (openssl x509 -text writes some), any other block (a
 * private key, a CRL) is not. Returns the number of certificates, or
 * -EINVAL with a sentence for people in *ret_error (owned by the caller;
 * it names the block by its number, never quotes the text). */
int pem_certificates_check(const char *pem, size_t len, char **ret_error);
