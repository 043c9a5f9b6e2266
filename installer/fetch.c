/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "libs.h"
#include "trust.h"
#include "util.h"

const char *curl_adapter_version(void)
{
	return curl_version();
}

bool fetch_is_url(const char *s)
{
	static const char *const schemes[] = {"file://", "http://", "https://",
					      "tftp://"};
	for (size_t i = 0; i < ELEMENTSOF(schemes); i++)
		if (startswith(s, schemes[i]))
			return true;
	return false;
}

typedef struct sink {
	azl_buf buf;
	size_t max;
	bool too_big;
} sink;

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
	sink *s = userdata;
	size_t k = size * n;
	if (s->buf.len + k > s->max) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	buf_appendn(&s->buf, p, k);
	return k;
}

static void global_init(void)
{
	static bool initialised;
	if (!initialised) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		initialised = true;
	}
}

static void set_common_options(CURL *c, const char *url, char *errbuf)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "file,http,https,tftp");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
}

static int curl_error(CURLcode cr, const char *url, const char *errbuf,
		      char **ret_error)
{
	_cleanup_free_ char *shown = redact_urls(url);
	_cleanup_free_ char *why =
		redact_urls(errbuf[0] ? errbuf : curl_easy_strerror(cr));
	*ret_error = xasprintf(_("could not fetch '%s': %s"), shown, why);
	return cr == CURLE_REMOTE_FILE_NOT_FOUND ||
			       cr == CURLE_FILE_COULDNT_READ_FILE ||
			       cr == CURLE_HTTP_RETURNED_ERROR
		       ? -ENOENT
		       : -EIO;
}

int fetch_url(const char *url, size_t max, char **ret, size_t *ret_len,
	      char **ret_error)
{
	global_init();
	CURL *c = curl_easy_init();
	if (!c)
		return -ENOMEM;
	sink s = {.max = max};
	char errbuf[CURL_ERROR_SIZE] = "";
	set_common_options(c, url, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	CURLcode cr = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (s.too_big) {
		buf_free(&s.buf);
		_cleanup_free_ char *shown = redact_urls(url);
		*ret_error = xasprintf(_("'%s' is larger than %zu bytes"),
				       shown, max);
		return -EFBIG;
	}
	if (cr != CURLE_OK) {
		buf_free(&s.buf);
		return curl_error(cr, url, errbuf, ret_error);
	}
	*ret_len = s.buf.len;
	*ret = buf_steal(&s.buf);
	return 0;
}

int fetch_to_file(const char *url, const char *path, char **ret_error)
{
	global_init();
	_cleanup_free_ char *part = xasprintf("%s.part", path);
	FILE *f = fopen(part, "we");
	if (!f) {
		int r = -errno;
		*ret_error = xasprintf(_("cannot write '%s': %s"), part,
				       strerror(-r));
		return r;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		fclose(f);
		unlink(part);
		return -ENOMEM;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	set_common_options(c, url, errbuf);
	/* libcurl's default write function fwrite()s to WRITEDATA. */
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	CURLcode cr = curl_easy_perform(c);
	curl_easy_cleanup(c);
	bool write_failed = fclose(f) != 0;
	if (cr != CURLE_OK) {
		unlink(part);
		return curl_error(cr, url, errbuf, ret_error);
	}
	if (write_failed || rename(part, path) < 0) {
		int r = -errno;
		unlink(part);
		*ret_error = xasprintf(_("cannot write '%s': %s"), path,
				       strerror(-r));
		return r;
	}
	return 0;
}
