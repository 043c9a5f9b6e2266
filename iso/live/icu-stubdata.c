/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An empty ICU data library for the live environment (docs/live.md,
 * "Size"). Debian's libxml2 links ICU, and libarchive links libxml2 for
 * its xar reader; the installer links libarchive for image payloads
 * (tar, never xar). ICU's data library is 31 MiB of converters,
 * collation and locale tables that nothing in the live system reads:
 * libxml2 converts UTF-8 and Latin-1 itself, and the installer's
 * metadata is UTF-8. This library exports the one symbol libicuuc looks
 * for, a data package of ICU's pointer-TOC format ("ToCP") with no
 * entries, the same thing ICU's own build produces when configured with
 * its stub data. A lookup of any ICU data item then fails cleanly
 * (U_FILE_ACCESS_ERROR / U_MISSING_RESOURCE_ERROR) instead of crashing.
 *
 * Built by iso/live/mkinitramfs.sh with -DICU_DATA_SYMBOL=icudtNN_dat
 * for the ICU version it finds (libicudata.so.NN).
 */
#include <stdint.h>

#ifndef ICU_DATA_SYMBOL
#error "build with -DICU_DATA_SYMBOL=icudtNN_dat"
#endif

struct icu_data_info {
	uint16_t size; /* of this struct: 20 */
	uint16_t reserved_word;
	uint8_t is_big_endian;
	uint8_t charset_family; /* 0: ASCII */
	uint8_t sizeof_uchar;	/* 2 */
	uint8_t reserved_byte;
	uint8_t data_format[4];
	uint8_t format_version[4];
	uint8_t data_version[4];
};

struct icu_toc_entry {
	const char *name;
	const void *data;
};

struct icu_stub_package {
	uint16_t header_size; /* 32: the two magic bytes, info and padding */
	uint8_t magic1, magic2;
	struct icu_data_info info;
	uint8_t padding[8];
	uint32_t count; /* entries in the table of contents: none */
	uint32_t reserved;
	struct icu_toc_entry toc[1];
};

__attribute__((visibility("default"))) const struct icu_stub_package ICU_DATA_SYMBOL = {
	.header_size = 32,
	.magic1 = 0xda,
	.magic2 = 0x27,
	.info =
		{
			.size = sizeof(struct icu_data_info),
			.is_big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__,
			.charset_family = 0,
			.sizeof_uchar = 2,
			.data_format = {'T', 'o', 'C', 'P'},
			.format_version = {1, 0, 0, 0},
		},
	.count = 0,
};
