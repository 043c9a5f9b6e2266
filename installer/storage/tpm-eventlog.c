/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tpm-eventlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define EV_NO_ACTION		  0x3u
#define EV_EFI_VARIABLE_AUTHORITY 0x800000e0u
#define MAX_LOG			  (8u << 20)
#define MAX_ALGS		  8

static const unsigned char shim_guid[16] = {0x50, 0xab, 0x5d, 0x60, 0x46, 0xe0, 0x00, 0x43,
					    0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23};

typedef struct cursor {
	const unsigned char *p;
	size_t left;
} cursor;

static bool take(cursor *c, size_t n, const unsigned char **ret)
{
	if (c->left < n)
		return false;
	if (ret)
		*ret = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

static bool u16le(cursor *c, uint16_t *v)
{
	const unsigned char *b;
	if (!take(c, 2, &b))
		return false;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return true;
}

static bool u32le(cursor *c, uint32_t *v)
{
	const unsigned char *b;
	if (!take(c, 4, &b))
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

static uint64_t get_u64le(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

typedef struct alg {
	uint16_t id, size;
} alg;

/* The Spec ID event's digest sizes; false when data is not one. */
static bool spec_id(const unsigned char *d, size_t n, alg *algs, size_t *nalgs)
{
	static const char sig[16] = "Spec ID Event03";
	cursor c = {d, n};
	const unsigned char *b;
	uint32_t count;
	/* signature, platformClass, minor, major, errata, uintnSize */
	if (!take(&c, 16, &b) || memcmp(b, sig, 16) != 0 || !take(&c, 8, NULL) ||
	    !u32le(&c, &count) || count == 0 || count > MAX_ALGS)
		return false;
	for (uint32_t i = 0; i < count; i++)
		if (!u16le(&c, &algs[i].id) || !u16le(&c, &algs[i].size) || algs[i].size > 64)
			return false;
	*nalgs = count;
	return true;
}

/* A UEFI_VARIABLE_DATA under shim's GUID: appends its name (ASCII part). */
static void shim_variable(const unsigned char *d, size_t n, tpm_eventlog_pcr7 *r, azl_buf *names)
{
	if (n < 32 || memcmp(d, shim_guid, 16) != 0)
		return;
	uint64_t chars = get_u64le(d + 16);
	r->shim_events++;
	if (names->len)
		buf_append(names, " ");
	for (uint64_t i = 0; i < chars && i < 32 && 32 + 2 * i + 1 < n; i++) {
		unsigned char ch = d[32 + 2 * i];
		buf_appendn(names,
			    ch >= 0x20 && ch < 0x7f && !d[32 + 2 * i + 1] ? (char *)&ch : "?", 1);
	}
}

int tpm_eventlog_parse(const unsigned char *log, size_t len, tpm_eventlog_pcr7 *ret)
{
	*ret = (tpm_eventlog_pcr7){0};
	cursor c = {log, len};
	uint32_t pcr, type, size;
	const unsigned char *data;
	/* The first event is always in the SHA-1 format. */
	if (!u32le(&c, &pcr) || !u32le(&c, &type) || !take(&c, 20, NULL) || !u32le(&c, &size) ||
	    !take(&c, size, &data))
		return -EBADMSG;
	alg algs[MAX_ALGS];
	size_t nalgs = 0;
	bool agile = type == EV_NO_ACTION && spec_id(data, size, algs, &nalgs);
	azl_buf names = {0};
	tpm_eventlog_pcr7 r = {0};
	bool first = !agile;
	while (first || c.left > 0) {
		if (!first) {
			if (!u32le(&c, &pcr) || !u32le(&c, &type))
				goto bad;
			if (agile) {
				uint32_t count;
				if (!u32le(&c, &count) || count > MAX_ALGS)
					goto bad;
				for (uint32_t i = 0; i < count; i++) {
					uint16_t id;
					size_t k = 0;
					if (!u16le(&c, &id))
						goto bad;
					while (k < nalgs && algs[k].id != id)
						k++;
					if (k == nalgs || !take(&c, algs[k].size, NULL))
						goto bad;
				}
			} else if (!take(&c, 20, NULL))
				goto bad;
			if (!u32le(&c, &size) || !take(&c, size, &data))
				goto bad;
		}
		first = false;
		if (pcr != 7)
			continue;
		r.events++;
		if (type == EV_EFI_VARIABLE_AUTHORITY)
			shim_variable(data, size, &r, &names);
	}
	if (names.len)
		r.shim_names = buf_steal(&names);
	buf_free(&names);
	*ret = r;
	return 0;
bad:
	buf_free(&names);
	return -EBADMSG;
}

int tpm_eventlog_read(const char *path, tpm_eventlog_pcr7 *ret)
{
	*ret = (tpm_eventlog_pcr7){0};
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_fd_bounded(fd, MAX_LOG, true, &data, &len);
	if (r < 0)
		return r;
	return tpm_eventlog_parse((const unsigned char *)data, len, ret);
}

void tpm_eventlog_pcr7_done(tpm_eventlog_pcr7 *p)
{
	free(p->shim_names);
	*p = (tpm_eventlog_pcr7){0};
}
