/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * More ways to unlock the LUKS containers the storage phase made, enrolled
 * by the target's own systemd-cryptenroll (chrooted) after its packages
 * are in: a TPM2 key sealed to storage.encryption.tpm2's PCRs and, when
 * asked, a recovery key; a clevis binding to storage.encryption.tang's
 * servers (the target's clevis luks bind, tang.h). The passphrase's keyslot stays: it is what opens
 * the disk when the TPM refuses (another machine, changed Secure Boot
 * state). The passphrase reaches systemd-cryptenroll as a 0600 file on
 * /run (tmpfs), never in argv or the environment, and is wiped after.
 */
#pragma once

#include <stdbool.h>

#include "apply-storage.h"
#include "model.h"
#include "target.h"

/* True when this machine has a TPM 2.0 the kernel drives (a resource
 * manager node in /sys/class/tpmrm). */
bool luks_tpm2_present(void);

/* "7" or "0+7": the PCRs of mask as systemd-cryptenroll's --tpm2-pcrs=
 * wants them (0: the default, 7). The caller frees. */
char *luks_tpm2_pcrs_arg(uint32_t mask);

/* Writes pass to a new 0600 file KEYFILE in a new 0700 directory on /run
 * (tmpfs), calls fn(KEYFILE, userdata), then overwrites the file with
 * zeros and removes it and the directory. Returns fn's result, or -errno
 * (logged) when the file cannot be written. */
int luks_with_key_file(const azl_secret *pass, int (*fn)(const char *keyfile, void *userdata),
		       void *userdata);

/* Enrolls a TPM2 key (and a recovery key when tpm2.recovery_key_file is
 * set) and binds the tang servers (clevis) in every container of st,
 * from inside the target t. Nothing to do without tpm2: or tang: in m.
 * Returns 0 or -errno (logged). */
int luks_enroll_apply(const azl_model *m, const azl_target *t, const azl_installed_storage *st);
