/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "x509-pem.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

const char *crypto_adapter_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

static void bio_freep(BIO **b)
{
	if (*b)
		BIO_free(*b);
}

int pem_certificates_check(const char *pem, size_t len, char **ret_error)
{
	if (len > PEM_CERTS_MAX) {
		*ret_error = xasprintf(_("it is larger than %u bytes"), PEM_CERTS_MAX);
		return -EINVAL;
	}
	_cleanup_(bio_freep) BIO *in = BIO_new_mem_buf(pem, (int)len);
	if (!in) {
		*ret_error = xstrdup(strerror(ENOMEM));
		return -ENOMEM;
	}
	int n = 0;
	for (;;) {
		char *name = NULL, *header = NULL;
		unsigned char *data = NULL;
		long dlen = 0;
		ERR_clear_error();
		if (!PEM_read_bio(in, &name, &header, &data, &dlen)) {
			unsigned long e = ERR_peek_last_error();
			ERR_clear_error();
			/* No further "-----BEGIN": the end of the text. */
			if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
			    ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
				break;
			*ret_error = xasprintf(
				_("PEM block %d is damaged (no matching END line, or not base64)"),
				n + 1);
			return -EINVAL;
		}
		int r = 0;
		if (strcmp(name, "CERTIFICATE") != 0) {
			*ret_error = xasprintf(
				_("PEM block %d is a '%.40s', not a CERTIFICATE; only certificates belong here (never a private key)"),
				n + 1, name);
			r = -EINVAL;
		} else {
			const unsigned char *p = data;
			X509 *x = d2i_X509(NULL, &p, dlen);
			if (!x || p != data + dlen) {
				*ret_error = xasprintf(
					_("certificate %d is not an X.509 certificate libcrypto can read"),
					n + 1);
				r = -EINVAL;
			}
			X509_free(x);
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
		ERR_clear_error();
		if (r < 0)
			return r;
		n++;
	}
	if (n == 0) {
		*ret_error =
			xstrdup(_("it holds no PEM certificate ('-----BEGIN CERTIFICATE-----')"));
		return -EINVAL;
	}
	return n;
}
