/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libcurl: answer files and repository files over file:,
 * http:, https: (TLS verified) and tftp:.
 *
 * Every download is bounded: in size (the caller's maximum; a
 * Content-Length above it is refused before the body is read), in speed
 * (slower than FETCH_MIN_RATE for $AZL_FETCH_STALL seconds, default 30, is
 * abandoned) and in time (at most $AZL_FETCH_DEADLINE seconds; default 120
 * for files of at most FETCH_MAX_SMALL bytes, 1800 for larger ones). SIGINT
 * and SIGTERM, when interrupt_catch() is on, stop a download within about
 * a second. docs/packages.md describes the bounds. */
#pragma once

#include <stdatomic.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version of libcurl this adapter runs against (--version, the log). */
const char *curl_adapter_version(void);

/* Answer files, kickstarts, keys, repomd.xml. */
#define FETCH_MAX_SMALL (4u << 20)
/* Repository metadata (primary, filelists, comps). */
#define FETCH_MAX_METADATA (256ull << 20)
/* A package: the size its metadata states, never more than this. */
#define FETCH_MAX_PACKAGE (8ull << 30)
/* Bytes per second below which a download counts as stalled. */
#define FETCH_MIN_RATE 1024

/* True when s looks like a URL this adapter fetches (scheme://...). */
bool fetch_is_url(const char *s);
/* Fetches url into memory, at most max bytes. Returns 0, or -errno with a
 * sentence for people in *ret_error (owned by the caller): -ENOENT not
 * found, -EFBIG larger than max, -ETIMEDOUT stalled or past the deadline,
 * -EINTR interrupted (SIGINT/SIGTERM), -EKEYREJECTED an https server whose
 * certificate is not trusted (or the CA file cannot be read), -EIO
 * anything else. */
int fetch_url(const char *url, size_t max, char **ret, size_t *ret_len, char **ret_error);

/* Downloads url, at most max bytes, into the file path (written as
 * path.part, renamed when complete, so a cache never holds a half file;
 * the part is removed on any failure). Same errors as fetch_url(). */
int fetch_to_file(const char *url, const char *path, uint64_t max, char **ret_error);

/* The first len bytes of url (a range request; a server that answers
 * with the whole file is cut off after them), into *ret; max bounds the
 * whole file as fetch_to_file() does. -EBADMSG when it is shorter. */
int fetch_head(const char *url, uint64_t len, uint64_t max, char **ret, size_t *ret_len,
	       char **ret_error);

/* curl_global_init() and the DNS cache shared by every transfer: before a
 * second thread uses this adapter. fetch_url() and fetch_to_file() are
 * then safe to call from several threads at once. Each thread keeps its
 * connections open between its transfers (HTTP keep-alive) until it
 * ends. */
void fetch_global_init(void);

/* The calling thread's transfers stop (-ECANCELED, within a second) once
 * *flag is true; NULL: no such flag. For threads that fetch ahead of a
 * transaction that may end before they are done. */
void fetch_cancel_on(const atomic_bool *flag);
/* Every body byte the calling thread's transfers receive from now on
 * (fetch_to_file(), fetch_url() and the package downloads) is added to
 * *counter; NULL: none. How far a download has come, for a caller that
 * schedules the next ones (apply-packages.c). */
void fetch_count_on(_Atomic uint64_t *counter);

/* CAs that every https transfer of this process trusts besides the live
 * system's store (certificates:, kickstart %certificate, as Anaconda
 * imports them into the installer environment): pem is copied. The store
 * (libcurl's CA file, CURLINFO_CAINFO) is read once, here, and handed to
 * libcurl together with pem as one bundle in memory. A transfer given its
 * own ca_file (packages.image.ca_cert) still trusts that file alone. Call
 * before a second thread fetches. */
void fetch_trust_add(const char *pem, size_t len);

/* Reads the store into that bundle now, added CAs or not: every later
 * transfer takes its CAs from memory, none from a file (the streamed
 * package downloads run while the process is chrooted into the target). */
bool fetch_trust_preload(void); /* false: the store could not be read */

/* That bundle (the store, then the added CAs), NULL when nothing was
 * added: what the install's scripts outside the target are pointed at. */
const char *fetch_trust_bundle(size_t *ret_len);

/* One POST (status reporting, report.c). */
typedef struct azl_post {
	const char *url;
	const char *content_type;
	const char *body;
	size_t len;
	/* "Name: value" lines; may hold tokens: never logged. NULL-ended. */
	char *const *headers;
	long connect_timeout_ms, timeout_ms;
	/* When not NULL and set, the transfer is abandoned within about a
	 * second (-ECANCELED). */
	const atomic_int *stop;
} azl_post;

/* POSTs p->body. Safe to call from any thread once fetch_global_init()
 * ran; never looks at SIGINT (the caller's stop flag ends it). Returns 0
 * for an HTTP 2xx answer; else -EPROTO (another status, in *ret_status),
 * -ETIMEDOUT, -ECONNREFUSED, -ECANCELED, -EIO, with a sentence in
 * *ret_error (owned by the caller; never holds a header). */
int fetch_post(const azl_post *p, long *ret_status, char **ret_error);
/* Whether url can be fetched: the first bytes of its body are asked for
 * (an https server's certificate checked on the way), then the transfer
 * stops. ca_file: a PEM file of the CAs to trust instead of the system's
 * store, or NULL. Same errors as fetch_url(). */
int fetch_check(const char *url, const char *ca_file, char **ret_error);
/* Streams url, at most max bytes, into fd (a pipe) as it arrives; fd is
 * not closed. ca_file as for fetch_check(). A reader that closes its end stops the download:
 * -EPIPE, without a message (the caller blocks SIGPIPE in the thread that calls this). Otherwise
 * the same errors as fetch_url(). */
int fetch_to_fd(const char *url, const char *ca_file, int fd, uint64_t max, char **ret_error);
/* fetch_to_fd() into fd (a pipe or a file), each chunk of the body also
 * handed to tap(tap_ctx, bytes, len) once it is written into fd: every
 * byte of fd, once, in order, on the calling thread (a digest computed
 * as the download arrives, instead of reading the file again). After a
 * failure tap has seen a part of the body only. */
typedef void (*fetch_tap_fn)(void *ctx, const void *buf, size_t len);
int fetch_to_fd_tap(const char *url, const char *ca_file, int fd, uint64_t max, fetch_tap_fn tap,
		    void *tap_ctx, char **ret_error);
