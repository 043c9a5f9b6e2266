/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firmware's TPM event log (TCG PC Client Platform Firmware Profile:
 * the SHA-1 log, or the crypto-agile one that starts with "Spec ID
 * Event03"), as far as a TPM2 key bound to PCR 7 cares: did shim extend
 * PCR 7 in this boot? shim logs its variables (SbatLevel, MokListRT, its
 * vendor certificate "Shim") as EV_EFI_VARIABLE_AUTHORITY events under
 * its own GUID 605dab50-e046-4300-abb6-3dd810dd8b23. A system booted
 * without shim (QEMU's -kernel, iPXE loading the kernel) has none, so the
 * PCR 7 it reads now is not the one its installed boot through shim will
 * measure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct tpm_eventlog_pcr7 {
	size_t events;	    /* PCR 7 events in the log */
	size_t shim_events; /* of which shim's (its GUID) */
	char *shim_names;   /* "SbatLevel MokListRT", or NULL */
} tpm_eventlog_pcr7;

/* Parses len bytes of an event log. -EBADMSG for a log that is not one
 * (or is cut short). */
int tpm_eventlog_parse(const unsigned char *log, size_t len, tpm_eventlog_pcr7 *ret);
/* The same from a file (the kernel's binary_bios_measurements). */
int tpm_eventlog_read(const char *path, tpm_eventlog_pcr7 *ret);
void tpm_eventlog_pcr7_done(tpm_eventlog_pcr7 *p);
