/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "i18n.h"
#include "interrupt.h"
#include "log.h"
#include "secret.h"
#include "trust.h"
#include "util.h"

const char *curl_adapter_version(void)
{
	return curl_version();
}

bool fetch_is_url(const char *s)
{
	static const char *const schemes[] = {"file://", "http://", "https://", "tftp://"};
	for (size_t i = 0; i < ELEMENTSOF(schemes); i++)
		if (startswith(s, schemes[i]))
			return true;
	return false;
}

/* Where the body goes: memory (f NULL) or a file; bounded by max. */
typedef struct sink {
	azl_buf buf;
	FILE *f;
	int fd; /* to_fd: a pipe or a file, written as the body arrives */
	bool to_fd;
	/* to_fd: each chunk once it is in fd, in order */
	fetch_tap_fn tap;
	void *tap_ctx;
	uint64_t got;
	uint64_t max;
	bool too_big;
	bool write_failed;
	/* fetch_check(): the first bytes arrived; the transfer stops. */
	bool probe, probed;
	/* fetch_head(): only the first head bytes are wanted (a range is
	 * asked for; a server that sends the whole file is cut off there). */
	uint64_t head;
	bool headed;
	/* A PEM file of the CAs to trust instead of the system's store. */
	const char *ca_file;
} sink;

static _Thread_local _Atomic uint64_t *count_into;

void fetch_count_on(_Atomic uint64_t *counter)
{
	count_into = counter;
}

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
	sink *s = userdata;
	size_t k = size * n;
	if (s->probe) {
		s->probed = true;
		return 0;
	}
	if (s->head && s->got + k >= s->head) {
		size_t take = (size_t)(s->head - s->got);
		buf_appendn(&s->buf, p, take);
		s->got = s->head;
		s->headed = true;
		return take == k ? k : 0; /* more than asked for: stop here */
	}
	if (s->got + k > s->max) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	s->got += k;
	if (count_into)
		atomic_fetch_add(count_into, k);
	if (s->to_fd) {
		for (size_t done = 0; done < k;) {
			ssize_t w = write(s->fd, p + done, k - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				s->write_failed = true;
				return 0;
			}
			done += (size_t)w;
		}
		if (s->tap)
			s->tap(s->tap_ctx, p, k);
	} else if (!s->f)
		buf_appendn(&s->buf, p, k);
	else if (fwrite(p, 1, k, s->f) != k) {
		s->write_failed = true;
		return 0;
	}
	return k;
}

static _Thread_local const atomic_bool *cancel_flag;

void fetch_cancel_on(const atomic_bool *flag)
{
	cancel_flag = flag;
}

static bool cancelled(void)
{
	return cancel_flag && atomic_load(cancel_flag);
}

/* Called at least once a second, even while nothing arrives. */
static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)userdata, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return interrupt_requested() || cancelled() ? 1 : 0;
}

/* DNS answers shared by every thread. Connections are not: libcurl does
 * not support sharing them between threads that transfer at once
 * (CURLSHOPT_SHARE(3), CURL_LOCK_DATA_CONNECT), so each thread keeps its
 * own easy handle between its transfers (thread_handle()), and with it
 * its connections: a thread's next file from a repository goes over the
 * connection it already has open (HTTP keep-alive) instead of a new TCP
 * and TLS handshake. */
static CURLSH *share;
static pthread_key_t handle_key;
static bool handle_key_made;
static pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *c, curl_lock_data data, curl_lock_access access, void *userdata)
{
	(void)c, (void)access, (void)userdata;
	pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *c, curl_lock_data data, void *userdata)
{
	(void)c, (void)userdata;
	pthread_mutex_unlock(&share_locks[data]);
}

/* A thread's handle, when the thread ends: its connections are closed. */
static void handle_free(void *c)
{
	curl_easy_cleanup(c);
}

static void global_init(void)
{
	static bool initialised;
	if (!initialised) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
			pthread_mutex_init(&share_locks[i], NULL);
		share = curl_share_init();
		if (share) {
			curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock);
			curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock);
			curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		}
		handle_key_made = pthread_key_create(&handle_key, handle_free) == 0;
		initialised = true;
	}
}

void fetch_global_init(void)
{
	global_init();
}

/* A whole number of seconds from the environment, or def. */
static long env_seconds(const char *name, long def)
{
	uint64_t n = 0;
	int r = env_uint(name, 7 * 24 * 3600, &n);
	if (r == 0)
		return def;
	if (r < 0 || n == 0) {
		_cleanup_free_ char *shown = str_escape_untrusted(getenv(name));
		log_warning("%s='%s' is not a number of seconds; using %ld", name, shown, def);
		return def;
	}
	return (long)n;
}

/* The live system's store and the CAs of fetch_trust_add(): one PEM
 * bundle, built before any thread fetches and read-only afterwards. */
static azl_buf trust_bundle;
static bool trust_store_read, trust_added;

#define TRUST_STORE_MAX (16u << 20)

/* The live system's store into the bundle, once. */
static void trust_load_store(void)
{
	global_init();
	if (trust_store_read)
		return;
	trust_store_read = true;
	char *path = NULL;
	CURL *c = curl_easy_init();
	if (c && curl_easy_getinfo(c, CURLINFO_CAINFO, &path) == CURLE_OK && path) {
		_cleanup_free_ char *text = NULL;
		size_t n = 0;
		int r = read_file_bounded(path, TRUST_STORE_MAX, &text, &n);
		if (r < 0)
			log_warning(
				"cannot read the trust store '%s': %s; the added certificates are trusted alone",
				path, strerror(-r));
		else {
			buf_appendn(&trust_bundle, text, n);
			buf_append(&trust_bundle, "\n");
		}
	}
	if (c)
		curl_easy_cleanup(c);
}

void fetch_trust_add(const char *pem, size_t len)
{
	trust_load_store();
	trust_added = true;
	buf_appendn(&trust_bundle, pem, len);
	buf_append(&trust_bundle, "\n");
}

bool fetch_trust_preload(void)
{
	trust_load_store();
	return trust_bundle.len > 0;
}

const char *fetch_trust_bundle(size_t *ret_len)
{
	*ret_len = trust_added ? trust_bundle.len : 0;
	return trust_added && trust_bundle.len ? trust_bundle.data : NULL;
}

/* The store and the added CAs, when CAs were added. CURLOPT_CAINFO_BLOB
 * replaces libcurl's CA file (CURLOPT_CAINFO), hence the store inside. */
static void set_trust(CURL *c)
{
	if (!trust_bundle.len)
		return;
	struct curl_blob blob = {
		.data = trust_bundle.data, .len = trust_bundle.len, .flags = CURL_BLOB_NOCOPY};
	curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
	/* Everything is in the blob: no directory of CAs looked up either
	 * (the streamed downloads run in rpm's chroot). */
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
}

/* Sockets that programs started meanwhile (rpm's scriptlets, dracut, the
 * boot loader's tools) do not inherit: a connection is kept open between
 * transfers, and libcurl makes its sockets without SOCK_CLOEXEC. */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)clientp, (void)purpose;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static void set_common_options(CURL *c, const char *url, uint64_t max, char *errbuf)
{
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "file,http,https,tftp");
	/* A redirect never downgrades: from https only to https (an answer
	 * file or key fetched over TLS is not handed to plain HTTP). */
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
			 strncasecmp(url, "https:", 6) == 0 ? "https" : "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	/* Names stay resolved for the whole install: the streamed package
	 * downloads run while rpm has chrooted the process into the target,
	 * where the installing system's resolver configuration is not. */
	curl_easy_setopt(c, CURLOPT_DNS_CACHE_TIMEOUT, -1L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)FETCH_MIN_RATE);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, env_seconds("AZL_FETCH_STALL", 30));
	curl_easy_setopt(c, CURLOPT_TIMEOUT,
			 env_seconds("AZL_FETCH_DEADLINE", max <= FETCH_MAX_SMALL ? 120 : 1800));
	/* A Content-Length above max is refused before the body. */
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
}

static int fetch_error(CURLcode cr, const sink *s, const char *url, const char *errbuf,
		       char **ret_error)
{
	_cleanup_free_ char *shown = redact_urls(url);
	_cleanup_free_ char *why = redact_urls(errbuf[0] ? errbuf : curl_easy_strerror(cr));
	if (s->too_big || cr == CURLE_FILESIZE_EXCEEDED) {
		*ret_error = xasprintf(_("'%s' is larger than %llu bytes; refusing it"), shown,
				       (unsigned long long)s->max);
		return -EFBIG;
	}
	if (cr == CURLE_ABORTED_BY_CALLBACK && !interrupt_requested() && cancelled()) {
		*ret_error =
			xasprintf(_("the download of '%s' was stopped: no longer needed"), shown);
		return -ECANCELED;
	}
	if (cr == CURLE_ABORTED_BY_CALLBACK) {
		*ret_error = xasprintf(_("the download of '%s' was interrupted"), shown);
		return -EINTR;
	}
	/* The server did not prove who it is: no retry helps. */
	if (cr == CURLE_PEER_FAILED_VERIFICATION || cr == CURLE_SSL_CACERT_BADFILE) {
		*ret_error = xasprintf(_("the server of '%s' is not trusted: %s"), shown, why);
		return -EKEYREJECTED;
	}
	if (cr == CURLE_OPERATION_TIMEDOUT) {
		*ret_error = xasprintf(
			_("could not fetch '%s' in time: %s; check the network and the server (AZL_FETCH_DEADLINE, AZL_FETCH_STALL)"),
			shown, why);
		return -ETIMEDOUT;
	}
	*ret_error = xasprintf(_("could not fetch '%s': %s"), shown, why);
	return cr == CURLE_REMOTE_FILE_NOT_FOUND || cr == CURLE_FILE_COULDNT_READ_FILE ||
			       cr == CURLE_HTTP_RETURNED_ERROR
		       ? -ENOENT
		       : -EIO;
}

/* The calling thread's easy handle, its options reset and its open
 * connections kept; NULL when out of memory. *ret_kept: false when it
 * could not be kept for the thread (the caller cleans it up). */
static CURL *thread_handle(bool *ret_kept)
{
	CURL *c = handle_key_made ? pthread_getspecific(handle_key) : NULL;
	*ret_kept = true;
	if (c) {
		curl_easy_reset(c);
		return c;
	}
	c = curl_easy_init();
	if (c && (!handle_key_made || pthread_setspecific(handle_key, c) != 0))
		*ret_kept = false;
	return c;
}

/* Runs one transfer into s. */
static int perform(const char *url, sink *s, char **ret_error)
{
	global_init();
	bool kept;
	CURL *c = thread_handle(&kept);
	if (!c) {
		_cleanup_free_ char *shown = redact_urls(url);
		*ret_error = xasprintf(_("could not fetch '%s': %s"), shown, strerror(ENOMEM));
		return -ENOMEM;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	set_common_options(c, url, s->max, errbuf);
	if (s->ca_file) {
		/* Only these CAs: not the store as well. */
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	} else
		set_trust(c);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	_cleanup_free_ char *range =
		s->head ? xasprintf("0-%llu", (unsigned long long)s->head - 1) : NULL;
	if (range)
		curl_easy_setopt(c, CURLOPT_RANGE, range);
	/* Any thread may download; no SIGALRM for name lookups. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (share)
		curl_easy_setopt(c, CURLOPT_SHARE, share);
#if LIBCURL_VERSION_NUM >= 0x075700
	/* A CA file is read again for every transfer, as when each had a
	 * handle of its own: the kept handle does not trust an old copy. */
	curl_easy_setopt(c, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
	CURLcode cr = curl_easy_perform(c);
	if (kept) {
		/* Nothing of this call's frame stays with the kept handle. */
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, NULL);
	} else
		curl_easy_cleanup(c);
	if ((cr == CURLE_OK && !s->too_big) ||
	    (cr == CURLE_WRITE_ERROR && (s->probed || s->headed)))
		return 0;
	if (s->write_failed)
		return -EIO; /* the caller names the file */
	return fetch_error(cr, s, url, errbuf, ret_error);
}

int fetch_url(const char *url, size_t max, char **ret, size_t *ret_len, char **ret_error)
{
	sink s = {.max = max};
	int r = perform(url, &s, ret_error);
	if (r < 0) {
		buf_free(&s.buf);
		return r;
	}
	*ret_len = s.buf.len;
	*ret = buf_steal(&s.buf);
	return 0;
}

int fetch_to_file(const char *url, const char *path, uint64_t max, char **ret_error)
{
	/* Named for this process: two installs sharing a cache directory
	 * never write into each other's download. */
	_cleanup_free_ char *part = xasprintf("%s.%ld.part", path, (long)getpid());
	FILE *f = fopen(part, "we");
	if (!f) {
		int r = -errno;
		*ret_error = xasprintf(_("cannot write '%s': %s"), part, strerror(-r));
		return r;
	}
	sink s = {.f = f, .max = max};
	int r = perform(url, &s, ret_error);
	if (fclose(f) != 0 && r >= 0)
		r = -errno;
	if (r >= 0 && rename(part, path) < 0)
		r = -errno;
	if (r < 0 && (s.write_failed || !*ret_error))
		*ret_error = xasprintf(_("cannot write '%s': %s"), path, strerror(-r));
	if (r < 0)
		unlink(part);
	return r;
}

/* A POST's answer is read and thrown away, however long: the request's
 * timeout bounds it. Refusing a long answer would count a delivered event
 * as failed and send it again. */
static size_t discard(char *p, size_t size, size_t n, void *userdata)
{
	size_t *got = userdata;
	(void)p;
	*got += size * n;
	return size * n;
}

static int post_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
			 curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	const atomic_int *stop = userdata;
	return stop && atomic_load(stop) ? 1 : 0;
}

int fetch_post(const azl_post *p, long *ret_status, char **ret_error)
{
	*ret_status = 0;
	CURL *c = curl_easy_init();
	if (!c) {
		*ret_error = xstrdup(strerror(ENOMEM));
		return -ENOMEM;
	}
	struct curl_slist *hl = NULL;
	_cleanup_free_ char *ct = xasprintf("Content-Type: %s", p->content_type);
	hl = curl_slist_append(hl, ct);
	/* No "Expect: 100-continue" round trip for a small body. */
	hl = curl_slist_append(hl, "Expect:");
	for (size_t i = 0; p->headers && p->headers[i]; i++)
		hl = curl_slist_append(hl, p->headers[i]);
	char errbuf[CURL_ERROR_SIZE] = "";
	size_t got = 0;
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	set_trust(c);
	/* Called from a thread of its own: no SIGALRM for name lookups. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, p->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, p->timeout_ms);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)p->len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, post_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)p->stop);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cr = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	/* The list held the headers, tokens among them. */
	for (struct curl_slist *e = hl; e; e = e->next)
		wipe_memory(e->data, strlen(e->data));
	curl_slist_free_all(hl);
	*ret_status = status;
	if (cr == CURLE_OK && status >= 200 && status < 300)
		return 0;
	if (cr == CURLE_OK) {
		*ret_error = xasprintf(_("the server answered HTTP %ld"), status);
		return -EPROTO;
	}
	*ret_error = redact_urls(errbuf[0] ? errbuf : curl_easy_strerror(cr));
	if (cr == CURLE_ABORTED_BY_CALLBACK)
		return -ECANCELED;
	if (cr == CURLE_OPERATION_TIMEDOUT)
		return -ETIMEDOUT;
	if (cr == CURLE_COULDNT_CONNECT)
		return -ECONNREFUSED;
	return -EIO;
}

int fetch_head(const char *url, uint64_t len, uint64_t max, char **ret, size_t *ret_len,
	       char **ret_error)
{
	sink s = {.max = max, .head = len};
	int r = len ? perform(url, &s, ret_error) : -EINVAL;
	if (r >= 0 && s.got < len) {
		_cleanup_free_ char *shown = redact_urls(url);
		*ret_error = xasprintf(_("'%s' ends after %llu bytes, before byte %llu"), shown,
				       (unsigned long long)s.got, (unsigned long long)len);
		r = -EBADMSG;
	}
	if (r < 0) {
		buf_free(&s.buf);
		return r;
	}
	*ret_len = s.buf.len;
	*ret = buf_steal(&s.buf);
	return 0;
}

int fetch_check(const char *url, const char *ca_file, char **ret_error)
{
	sink s = {.max = UINT64_MAX >> 1, .probe = true, .ca_file = ca_file};
	return perform(url, &s, ret_error);
}

int fetch_to_fd(const char *url, const char *ca_file, int fd, uint64_t max, char **ret_error)
{
	return fetch_to_fd_tap(url, ca_file, fd, max, NULL, NULL, ret_error);
}

int fetch_to_fd_tap(const char *url, const char *ca_file, int fd, uint64_t max, fetch_tap_fn tap,
		    void *tap_ctx, char **ret_error)
{
	sink s = {.fd = fd,
		  .to_fd = true,
		  .max = max,
		  .ca_file = ca_file,
		  .tap = tap,
		  .tap_ctx = tap_ctx};
	int r = perform(url, &s, ret_error);
	/* The reader closed its end: it knows why. */
	return r < 0 && s.write_failed ? -EPIPE : r;
}
