/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trust.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util.h"

char *fingerprint_normalize(const char *s)
{
	if (!s)
		return NULL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	azl_buf b = {0};
	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (!isxdigit((unsigned char)*s)) {
			buf_free(&b);
			return NULL;
		}
		char c = (char)toupper((unsigned char)*s);
		buf_appendn(&b, &c, 1);
	}
	if (b.len != 40 && b.len != 64) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

bool url_is_remote(const char *s)
{
	static const char *const schemes[] = {"http://", "https://", "tftp://", "ftp://"};
	for (size_t i = 0; s && i < ELEMENTSOF(schemes); i++)
		if (strncasecmp(s, schemes[i], strlen(schemes[i])) == 0)
			return true;
	return false;
}

/* Where a URL ends in running text. */
static bool url_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("'\"<>`", c);
}

/* Query parameters whose values are credentials (compared without case,
 * as the whole name or its end: "x-amz-security-token", "api_key"). */
static bool secret_param(const char *name, size_t len)
{
	static const char *const words[] = {
		"password", "passwd", "pass", "pwd",	   "secret",	 "token",	"key",
		"apikey",   "auth",   "sig",  "signature", "credential", "access_token"};
	for (size_t i = 0; i < ELEMENTSOF(words); i++) {
		size_t w = strlen(words[i]);
		if (len >= w && strncasecmp(name + len - w, words[i], w) == 0 &&
		    (len == w || !isalnum((unsigned char)name[len - w - 1])))
			return true;
	}
	return false;
}

/* Appends the URL at u (n bytes, scheme included) redacted. */
static void redact_one(azl_buf *b, const char *u, size_t n)
{
	const char *sep = strstr(u, "://");
	size_t auth = (size_t)(sep - u) + 3;
	buf_appendn(b, u, auth);
	size_t end = auth;
	while (end < n && !strchr("/?#", u[end]))
		end++;
	const char *at = NULL;
	for (size_t i = auth; i < end; i++)
		if (u[i] == '@')
			at = u + i; /* the last '@' ends the user info */
	if (at) {
		buf_append(b, "***");
		auth = (size_t)(at - u);
	}
	buf_appendn(b, u + auth, end - auth);
	/* Path as it is; in the query, credential-like values go. */
	size_t q = end;
	while (q < n && u[q] != '?' && u[q] != '#')
		q++;
	buf_appendn(b, u + end, q - end);
	if (q >= n || u[q] == '#') {
		buf_appendn(b, u + q, n - q);
		return;
	}
	size_t i = q;
	while (i < n && u[i] != '#') {
		buf_appendn(b, u + i, 1); /* '?' or '&' */
		size_t name = ++i;
		while (i < n && !strchr("=&#", u[i]))
			i++;
		buf_appendn(b, u + name, i - name);
		if (i < n && u[i] == '=') {
			size_t v = ++i;
			while (i < n && !strchr("&#", u[i]))
				i++;
			buf_append(b, "=");
			if (secret_param(u + name, v - 1 - name) && i > v)
				buf_append(b, "***");
			else
				buf_appendn(b, u + v, i - v);
		}
	}
	buf_appendn(b, u + i, n - i);
}

char *redact_urls(const char *text)
{
	if (!text)
		return NULL;
	azl_buf b = {0};
	const char *p = text;
	for (;;) {
		const char *sep = strstr(p, "://");
		if (!sep)
			break;
		/* The scheme: letters, digits, '+', '-', '.' before "://". */
		const char *s = sep;
		while (s > p && (isalnum((unsigned char)s[-1]) || strchr("+-.", s[-1])))
			s--;
		const char *e = sep + 3;
		while (url_char(*e))
			e++;
		buf_appendn(&b, p, (size_t)(s - p));
		if (s == sep)
			buf_appendn(&b, sep, (size_t)(e - sep));
		else
			redact_one(&b, s, (size_t)(e - s));
		p = e;
	}
	buf_append(&b, p);
	return buf_steal(&b);
}
