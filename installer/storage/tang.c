/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tang advertisement is a JWS in JSON serialisation whose payload is a
 * JWK set: the signing keys ("key_ops": ["verify"]) and the exchange keys
 * ("deriveKey"). The JSON is read with the YAML document reader (JSON is
 * YAML); the thumbprints are computed by jwk.c (libcrypto).
 */
#include "tang.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "i18n.h"
#include "json.h"
#include "jwk.h"
#include "log.h"
#include "spawn.h"
#include "util.h"
#include "yaml-doc.h"

static int fetch_adv(const char *url, const char *adv_url, char **ret, size_t *ret_len,
		     char **ret_error)
{
	_cleanup_free_ char *why = NULL;
	int r = fetch_url(adv_url, FETCH_MAX_SMALL, ret, ret_len, &why);
	if (r < 0)
		*ret_error = xasprintf(_("the tang server '%s' cannot be reached (%s): %s"), url,
				       adv_url, why ? why : strerror(-r));
	return r;
}

int tang_adv_check(const char *url, const char *thp, char **ret_error)
{
	_cleanup_free_ char *adv_url = xasprintf("%s/adv", url);
	_cleanup_free_ char *body = NULL;
	size_t len = 0;
	int r = fetch_adv(url, adv_url, &body, &len, ret_error);
	if (r < 0)
		return r;
	r = tang_adv_verify(url, body, len, thp, ret_error);
	if (r != -EKEYREJECTED || jwk_thumbprint_hash(thp) == AZL_THP_NONE)
		return r;
	/* A key tang no longer advertises (rotated, its file hidden) still
	 * signs the advertisement tang serves as /adv/THP; clevis asks for
	 * that one next, and so does this check. A server that does not know
	 * thp answers 404. */
	_cleanup_free_ char *by_key = xasprintf("%s/adv/%s", url, thp);
	_cleanup_free_ char *body2 = NULL, *why2 = NULL;
	size_t len2 = 0;
	if (fetch_url(by_key, FETCH_MAX_SMALL, &body2, &len2, &why2) < 0 ||
	    tang_adv_verify(url, body2, len2, thp, &why2) < 0)
		return r;
	free(*ret_error);
	*ret_error = NULL;
	log_info("tang: '%s' signs with the pinned key %s only the advertisement %s", url, thp,
		 by_key);
	return 0;
}

static bool has_op(const ynode *key, const char *op)
{
	const ynode *ops = ynode_get(key, "key_ops");
	if (!ops || ops->kind != YNODE_SEQUENCE)
		return false;
	for (size_t i = 0; i < ops->n_items; i++)
		if (ops->items[i]->kind == YNODE_SCALAR && streq_ptr(ops->items[i]->scalar, op))
			return true;
	return false;
}

static const char *member(const ynode *n, const char *name)
{
	const ynode *v = ynode_get(n, name);
	return v && v->kind == YNODE_SCALAR && !v->is_null ? v->scalar : NULL;
}

/* The thumbprint of one JWK of the set, or NULL for a key of a type
 * RFC 7638 does not cover or that lacks a member. */
static char *key_thumbprint(const ynode *key, azl_thp_hash hash)
{
	const char *const *names = jwk_required_members(member(key, "kty"));
	if (!names)
		return NULL;
	azl_jwk_member m[4];
	size_t n = 0;
	for (; names[n] && n < ELEMENTSOF(m); n++)
		m[n] = (azl_jwk_member){names[n], member(key, names[n])};
	char *thp = NULL;
	return jwk_thumbprint(m, n, hash, &thp) < 0 ? NULL : thp;
}

static int not_adv(const char *url, const char *what, char **ret_error)
{
	*ret_error =
		xasprintf(_("the answer of '%s/adv' is not a tang advertisement (%s)"), url, what);
	return -EBADMSG;
}

int tang_adv_verify(const char *url, const char *adv, size_t len, const char *thp, char **ret_error)
{
	azl_thp_hash hash = jwk_thumbprint_hash(thp);
	if (hash == AZL_THP_NONE) {
		*ret_error = xasprintf(_("'%s' is not a JWK thumbprint"), thp);
		return -EINVAL;
	}
	azl_diags d;
	diags_init(&d);
	_cleanup_free_ char *src_name = xasprintf("%s/adv", url);
	azl_source *src = diags_add_source(&d, source_new(src_name, adv, len));
	_cleanup_ynode_ ynode *jws = ydoc_load(src, &d);
	_cleanup_ynode_ ynode *set = NULL;
	_cleanup_free_ char *payload = NULL;
	size_t payload_len = 0;
	int r = 0;
	const char *p = jws && jws->kind == YNODE_MAPPING ? member(jws, "payload") : NULL;
	if (!p)
		r = not_adv(url, _("no JWS payload"), ret_error);
	else if (base64url_decode(p, strlen(p), &payload, &payload_len) < 0)
		r = not_adv(url, _("the payload is not base64url"), ret_error);
	if (r == 0) {
		azl_source *psrc = diags_add_source(&d, source_new(src_name, payload, payload_len));
		set = ydoc_load(psrc, &d);
	}
	const ynode *keys = set && set->kind == YNODE_MAPPING ? ynode_get(set, "keys") : NULL;
	if (r == 0 && (!keys || keys->kind != YNODE_SEQUENCE))
		r = not_adv(url, _("the payload is no JWK set"), ret_error);
	azl_buf seen = {0};
	bool found = false;
	size_t n_signing = 0;
	for (size_t i = 0; r == 0 && i < keys->n_items && !found; i++) {
		const ynode *k = keys->items[i];
		if (k->kind != YNODE_MAPPING || !has_op(k, "verify"))
			continue;
		_cleanup_free_ char *t = key_thumbprint(k, hash);
		if (!t)
			continue;
		n_signing++;
		found = streq_ptr(t, thp);
		buf_printf(&seen, "%s%s", seen.len ? ", " : "", t);
	}
	if (r == 0 && n_signing == 0)
		r = not_adv(url, _("it has no signing key"), ret_error);
	else if (r == 0 && !found) {
		*ret_error = xasprintf(
			_("the tang server '%s' has no signing key with the thumbprint '%s' (its signing keys: %s); check the thumbprint with tang-show-keys on the server"),
			url, thp, seen.data);
		r = -EKEYREJECTED;
	}
	buf_free(&seen);
	diags_done(&d);
	return r;
}

static void tang_object(azl_buf *b, const azl_tang_server *s)
{
	buf_append(b, "{\"url\":");
	json_escape(b, s->url);
	buf_append(b, ",\"thp\":");
	json_escape(b, s->thumbprint);
	buf_append(b, "}");
}

char *tang_clevis_config(const azl_tang_server *s, size_t n, const char **ret_pin)
{
	azl_buf b = {0};
	if (n == 1) {
		*ret_pin = "tang";
		tang_object(&b, &s[0]);
		return buf_steal(&b);
	}
	*ret_pin = "sss";
	buf_append(&b, "{\"t\":1,\"pins\":{\"tang\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_append(&b, ",");
		tang_object(&b, &s[i]);
	}
	buf_append(&b, "]}}");
	return buf_steal(&b);
}

int tang_bind(const char *root, const char *dev, const char *keyfile, const azl_tang_server *s,
	      size_t n)
{
	const char *pin = NULL;
	_cleanup_free_ char *config = tang_clevis_config(s, n, &pin);
	char *argv[] = {"clevis", "luks",	   "bind",	"-y",	"-d", (char *)dev,
			"-k",	  (char *)keyfile, (char *)pin, config, NULL};
	azl_spawn_opts o = {.chroot = root};
	int r = spawn_check(argv, &o);
	if (r < 0)
		return log_error_errno(r, "cannot bind '%s' to the tang server%s with clevis", dev,
				       n > 1 ? "s" : "");
	for (size_t i = 0; i < n; i++)
		log_info("bound '%s' to the tang server '%s' (clevis)", dev, s[i].url);
	return 0;
}
