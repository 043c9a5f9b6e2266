/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network-bound unlock (storage.encryption.tang): the tang servers'
 * advertisements checked against the pinned thumbprints before anything
 * is written, and clevis binding every LUKS container to them (the
 * target's own `clevis luks bind`, chrooted, like systemd-cryptenroll for
 * TPM2 in luks-enroll.c). docs/storage.md "Network-bound unlock".
 */
#pragma once

#include <stddef.h>

#include "model.h"

/* Fetches URL/adv (what clevis fetches) and checks that it is a tang
 * advertisement and that one of its signing keys (key_ops "verify") has
 * the thumbprint thp (RFC 7638; SHA-256 or SHA-1 by its length). The
 * signature itself is verified by clevis when it binds. Returns 0, or
 * -errno with a sentence for people naming url in *ret_error (owned by
 * the caller): the errors of fetch_url() for a server that cannot be
 * reached, -EBADMSG for an answer that is no advertisement, -EKEYREJECTED
 * for a thumbprint no signing key has. */
int tang_adv_check(const char *url, const char *thp, char **ret_error);

/* The same check of an advertisement already fetched (adv, len bytes). */
int tang_adv_verify(const char *url, const char *adv, size_t len, const char *thp,
		    char **ret_error);

/* clevis's pin and configuration for the servers: one server is the tang
 * pin, {"url":...,"thp":...}; several are the sss pin with t=1, any one
 * of them unlocks. *ret_pin is static. The caller frees the text. */
char *tang_clevis_config(const azl_tang_server *s, size_t n, const char **ret_pin);

/* `clevis luks bind -y -d DEV -k KEYFILE PIN CONFIG`, run in root (NULL:
 * this system). keyfile holds the passphrase of a keyslot of dev; clevis
 * adds a keyslot of its own and a LUKS2 token. Returns 0 or -errno
 * (logged, naming dev). */
int tang_bind(const char *root, const char *dev, const char *keyfile, const azl_tang_server *s,
	      size_t n);
