/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PE/COFF as far as GRUB's images need it: the section table (to find
 * "mods", where grub-mkimage puts its modules, its embedded config and its
 * prefix) and the certificate table of the optional header's data
 * directories (where Authenticode signatures live). Every offset read
 * from the image is checked against its length.
 */
#include "efi-image.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

#define GRUB_MODULE_MAGIC	       0x676d696dU /* "mimg" */
#define OBJ_TYPE_PREFIX		       3
#define WIN_CERT_TYPE_PKCS_SIGNED_DATA 0x0002
#define PE32PLUS_MAGIC		       0x20b
#define DIR_SECURITY		       4

static bool get32(const unsigned char *d, size_t len, uint64_t off, uint32_t *v)
{
	if (off > len || len - off < 4)
		return false;
	*v = (uint32_t)d[off] | (uint32_t)d[off + 1] << 8 | (uint32_t)d[off + 2] << 16 |
	     (uint32_t)d[off + 3] << 24;
	return true;
}

static bool get16(const unsigned char *d, size_t len, uint64_t off, uint16_t *v)
{
	if (off > len || len - off < 2)
		return false;
	*v = (uint16_t)(d[off] | d[off + 1] << 8);
	return true;
}

static bool get64(const unsigned char *d, size_t len, uint64_t off, uint64_t *v)
{
	uint32_t lo, hi;
	if (!get32(d, len, off, &lo) || !get32(d, len, off + 4, &hi))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/* The PE header's offset and its optional header's size. */
static bool pe_header(const unsigned char *d, size_t len, uint32_t *pe, uint16_t *nsec,
		      uint16_t *opt)
{
	uint32_t sig;
	if (len < 0x40 || d[0] != 'M' || d[1] != 'Z' || !get32(d, len, 0x3c, pe) ||
	    !get32(d, len, *pe, &sig) || sig != 0x00004550 /* "PE\0\0" */)
		return false;
	return get16(d, len, (uint64_t)*pe + 6, nsec) && get16(d, len, (uint64_t)*pe + 20, opt);
}

int efi_grub_prefix(const void *data, size_t len, char **ret)
{
	const unsigned char *d = data;
	uint32_t pe;
	uint16_t nsec, opt;
	if (!pe_header(d, len, &pe, &nsec, &opt))
		return -EBADMSG;
	uint64_t sec = (uint64_t)pe + 24 + opt;
	for (uint16_t i = 0; i < nsec; i++) {
		uint64_t s = sec + 40ULL * i;
		if (s > len || len - s < 40)
			return -EBADMSG;
		if (memcmp(d + s, "mods\0\0\0\0", 8) != 0)
			continue;
		uint32_t raw_size, raw_off, magic;
		uint64_t moff, msize;
		if (!get32(d, len, s + 16, &raw_size) || !get32(d, len, s + 20, &raw_off) ||
		    !get32(d, len, raw_off, &magic) || magic != GRUB_MODULE_MAGIC ||
		    !get64(d, len, (uint64_t)raw_off + 8, &moff) ||
		    !get64(d, len, (uint64_t)raw_off + 16, &msize))
			return -EBADMSG;
		uint64_t end = (uint64_t)raw_off + msize;
		if (msize > raw_size || end > len)
			return -EBADMSG;
		/* struct grub_module_header { u32 type; u32 size; } + body,
		 * size counting the header. */
		for (uint64_t p = (uint64_t)raw_off + moff; p + 8 <= end;) {
			uint32_t type, size;
			if (!get32(d, len, p, &type) || !get32(d, len, p + 4, &size) || size < 8 ||
			    size > end - p)
				return -EBADMSG;
			if (type == OBJ_TYPE_PREFIX) {
				const char *body = (const char *)d + p + 8;
				size_t n = strnlen(body, size - 8);
				const char *slash = memchr(body, '/', n);
				if (n == 0 || !slash)
					return -ENOENT;
				*ret = xstrndup(slash, n - (size_t)(slash - body));
				return 0;
			}
			p += size;
		}
		return -ENOENT;
	}
	return -EBADMSG;
}

bool efi_pe_signed(const void *data, size_t len)
{
	const unsigned char *d = data;
	uint32_t pe, off, size, clen;
	uint16_t nsec, opt, magic, ctype;
	if (!pe_header(d, len, &pe, &nsec, &opt) || !get16(d, len, (uint64_t)pe + 24, &magic) ||
	    magic != PE32PLUS_MAGIC)
		return false;
	/* PE32+: the data directories start 112 bytes into the optional
	 * header, 8 bytes each. */
	uint64_t dir = (uint64_t)pe + 24 + 112 + 8 * DIR_SECURITY;
	if (opt < 112 + 8 * (DIR_SECURITY + 1) || !get32(d, len, dir, &off) ||
	    !get32(d, len, dir + 4, &size) || off == 0 || size < 8)
		return false;
	/* WIN_CERTIFICATE { u32 dwLength; u16 wRevision; u16 wCertificateType }
	 */
	return get32(d, len, off, &clen) && clen >= 8 && clen <= size &&
	       get16(d, len, (uint64_t)off + 6, &ctype) && ctype == WIN_CERT_TYPE_PKCS_SIGNED_DATA;
}
