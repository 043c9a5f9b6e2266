/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TPM event log reader (installer/storage/tpm-eventlog.c): logs built
 * here byte by byte after the TCG PC Client Platform Firmware Profile
 * (the SHA-1 format and the crypto-agile one), with shim's variable
 * events as shim logs them and the firmware's own. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tpm-eventlog.h"
#include "util.h"

static const unsigned char shim_guid[16] = {0x50, 0xab, 0x5d, 0x60, 0x46, 0xe0, 0x00, 0x43,
					    0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23};
/* EFI_GLOBAL_VARIABLE 8be4df61-93ca-11d2-aa0d-00e098032b8c */
static const unsigned char global_guid[16] = {0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
					      0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c};

static void put(azl_buf *b, const void *p, size_t n)
{
	buf_appendn(b, p, n);
}

static void u16(azl_buf *b, uint16_t v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	put(b, x, 2);
}

static void u32(azl_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	put(b, x, 4);
}

static void u64(azl_buf *b, uint64_t v)
{
	u32(b, (uint32_t)v);
	u32(b, (uint32_t)(v >> 32));
}

static void zeros(azl_buf *b, size_t n)
{
	while (n--)
		put(b, "", 1);
}

/* UEFI_VARIABLE_DATA: GUID, name length (chars), data length, UTF-16
 * name, data. */
static void variable(azl_buf *b, const unsigned char *guid, const char *name, size_t data)
{
	put(b, guid, 16);
	u64(b, strlen(name));
	u64(b, data);
	for (const char *c = name; *c; c++)
		u16(b, (uint16_t)*c);
	zeros(b, data);
}

static size_t variable_size(const char *name, size_t data)
{
	return 32 + 2 * strlen(name) + data;
}

/* The first event: SHA-1 format, EV_NO_ACTION, the Spec ID event with
 * SHA-1 (20) and SHA-256 (32). */
static void spec_id(azl_buf *b)
{
	u32(b, 0);
	u32(b, 3);
	zeros(b, 20);
	u32(b, 16 + 8 + 4 + 2 * 4 + 1);
	put(b, "Spec ID Event03", 16);
	u32(b, 0);
	put(b, "\0\2\0\2", 4); /* minor, major, errata, uintnSize */
	u32(b, 2);
	u16(b, 0x0004);
	u16(b, 20);
	u16(b, 0x000b);
	u16(b, 32);
	put(b, "", 1); /* no vendor info */
}

/* A crypto-agile event header up to the event size. */
static void agile(azl_buf *b, uint32_t pcr, uint32_t type, uint32_t size)
{
	u32(b, pcr);
	u32(b, type);
	u32(b, 2);
	u16(b, 0x000b);
	zeros(b, 32);
	u16(b, 0x0004);
	zeros(b, 20);
	u32(b, size);
}

/* OVMF's PCR 7 as it measures it, then GRUB's PCR 8 and, when shim, its
 * SbatLevel and MokListRT under its GUID. */
static void boot_log(azl_buf *b, bool shim)
{
	spec_id(b);
	agile(b, 7, 0x80000001, (uint32_t)variable_size("SecureBoot", 1));
	variable(b, global_guid, "SecureBoot", 1);
	agile(b, 7, 0x80000001, (uint32_t)variable_size("PK", 0));
	variable(b, global_guid, "PK", 0);
	agile(b, 4, 0x80000003, 8);
	zeros(b, 8);
	agile(b, 7, 4, 4); /* EV_SEPARATOR */
	zeros(b, 4);
	if (shim) {
		agile(b, 7, 0x800000e0, (uint32_t)variable_size("SbatLevel", 18));
		variable(b, shim_guid, "SbatLevel", 18);
		agile(b, 14, 0xd, 5); /* EV_IPL: MokList into PCR 14 */
		put(b, "Mok\0\0", 5);
		agile(b, 7, 0x800000e0, (uint32_t)variable_size("MokListRT", 40));
		variable(b, shim_guid, "MokListRT", 40);
	}
	agile(b, 8, 0xd, 6);
	put(b, "grub_", 6);
}

static void test_through_shim(void **state)
{
	(void)state;
	azl_buf b = {0};
	boot_log(&b, true);
	tpm_eventlog_pcr7 ev;
	assert_int_equal(tpm_eventlog_parse((unsigned char *)b.data, b.len, &ev), 0);
	assert_int_equal(ev.events, 5);
	assert_int_equal(ev.shim_events, 2);
	assert_string_equal(ev.shim_names, "SbatLevel MokListRT");
	tpm_eventlog_pcr7_done(&ev);
	buf_free(&b);
}

static void test_without_shim(void **state)
{
	(void)state;
	azl_buf b = {0};
	boot_log(&b, false);
	tpm_eventlog_pcr7 ev;
	assert_int_equal(tpm_eventlog_parse((unsigned char *)b.data, b.len, &ev), 0);
	assert_int_equal(ev.events, 3);
	assert_int_equal(ev.shim_events, 0);
	assert_null(ev.shim_names);
	tpm_eventlog_pcr7_done(&ev);
	buf_free(&b);
}

/* A TPM 1.2-style log: SHA-1 events only, the first one counted too. */
static void test_sha1_log(void **state)
{
	(void)state;
	azl_buf b = {0};
	u32(&b, 7);
	u32(&b, 0x800000e0);
	zeros(&b, 20);
	u32(&b, (uint32_t)variable_size("Shim", 3));
	variable(&b, shim_guid, "Shim", 3);
	u32(&b, 0);
	u32(&b, 8);
	zeros(&b, 20);
	u32(&b, 0);
	tpm_eventlog_pcr7 ev;
	assert_int_equal(tpm_eventlog_parse((unsigned char *)b.data, b.len, &ev), 0);
	assert_int_equal(ev.events, 1);
	assert_int_equal(ev.shim_events, 1);
	assert_string_equal(ev.shim_names, "Shim");
	tpm_eventlog_pcr7_done(&ev);
	buf_free(&b);
}

/* Cut anywhere, or with a digest of an algorithm the header did not
 * name: not a log, and no read past the end (ASan). */
static void test_damaged(void **state)
{
	(void)state;
	azl_buf b = {0};
	boot_log(&b, true);
	tpm_eventlog_pcr7 ev;
	size_t good = 0;
	for (size_t n = 0; n < b.len; n++) {
		unsigned char *copy = xmalloc(n ? n : 1);
		memcpy(copy, b.data, n);
		int r = tpm_eventlog_parse(copy, n, &ev);
		free(copy);
		if (r == 0) {
			good++; /* cut right after an event */
			tpm_eventlog_pcr7_done(&ev);
		} else
			assert_int_equal(r, -EBADMSG);
	}
	/* after the Spec ID event and each of the 8 events but the last */
	assert_int_equal(good, 8);
	azl_buf bad = {0};
	spec_id(&bad);
	u32(&bad, 7);
	u32(&bad, 4);
	u32(&bad, 1);
	u16(&bad, 0x000c); /* SHA-384: not in the header */
	zeros(&bad, 48);
	u32(&bad, 0);
	assert_int_equal(tpm_eventlog_parse((unsigned char *)bad.data, bad.len, &ev), -EBADMSG);
	assert_int_equal(tpm_eventlog_read("/nonexistent/binary_bios_measurements", &ev), -ENOENT);
	buf_free(&bad);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_through_shim),
		cmocka_unit_test(test_without_shim),
		cmocka_unit_test(test_sha1_log),
		cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
