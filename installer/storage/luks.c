/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "luks.h"

#include <errno.h>
#include <libcryptsetup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

const char *cryptsetup_adapter_version(void)
{
	static char v[64];
	snprintf(v, sizeof(v), "libcryptsetup (default %s)", crypt_get_default_type());
	return v;
}

static void crypt_freep(struct crypt_device **cd)
{
	if (*cd)
		crypt_free(*cd);
}

/* libcryptsetup's messages go to the install log, never the terminal
 * (the TUI owns it); they never hold a passphrase. */
static void log_cb(int level, const char *msg, void *usrptr)
{
	(void)usrptr;
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		n--;
	log_msg(level == CRYPT_LOG_ERROR   ? AZL_LOG_ERROR
		: level == CRYPT_LOG_DEBUG ? AZL_LOG_DEBUG
					   : AZL_LOG_INFO,
		"libcryptsetup: %.*s", (int)n, msg);
}

static int init_device(const char *device, struct crypt_device **ret)
{
	int r = crypt_init(ret, device);
	if (r < 0)
		return log_error_errno(r, "cannot open '%s' for LUKS", device);
	crypt_set_log_callback(*ret, log_cb, NULL);
	return 0;
}

int luks_format(const char *device, const char *label, const azl_secret *passphrase,
		const azl_luks_pbkdf *pbkdf, char **ret_uuid)
{
	if (!passphrase || passphrase->len == 0)
		return log_error_errno(EINVAL, "no passphrase for '%s'", device);
	__attribute__((cleanup(crypt_freep))) struct crypt_device *cd = NULL;
	int r = init_device(device, &cd);
	if (r < 0)
		return r;

	const char *type = pbkdf && pbkdf->type ? pbkdf->type : CRYPT_KDF_ARGON2ID;
	const struct crypt_pbkdf_type *def = crypt_get_pbkdf_default(CRYPT_LUKS2);
	struct crypt_pbkdf_type kdf = {
		.type = type,
		.hash = def && def->hash ? def->hash : "sha256",
		.time_ms = def ? def->time_ms : 2000,
		.max_memory_kb = def ? def->max_memory_kb : 1048576,
		.parallel_threads = def ? def->parallel_threads : 4,
	};
	if (strcmp(type, CRYPT_KDF_PBKDF2) == 0) {
		kdf.max_memory_kb = 0;
		kdf.parallel_threads = 0;
	}
	if (pbkdf && pbkdf->iter_time_ms)
		kdf.time_ms = pbkdf->iter_time_ms;
	if (pbkdf && pbkdf->memory_kib && strcmp(type, CRYPT_KDF_PBKDF2))
		kdf.max_memory_kb = pbkdf->memory_kib;

	struct crypt_params_luks2 params = {
		.pbkdf = &kdf,
		.label = label,
	};
	r = crypt_format(cd, CRYPT_LUKS2, "aes", "xts-plain64", NULL, NULL, 512 / 8, &params);
	if (r < 0)
		return log_error_errno(r, "cannot format '%s' as LUKS2", device);
	r = crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0, passphrase->data,
					    passphrase->len);
	if (r < 0)
		return log_error_errno(r, "cannot add a keyslot to '%s'", device);
	const char *uuid = crypt_get_uuid(cd);
	log_info("formatted '%s' as LUKS2 (aes-xts-plain64, 512-bit key, %s), UUID %s", device,
		 type, uuid ? uuid : "?");
	if (ret_uuid)
		*ret_uuid = xstrdup(uuid);
	return 0;
}

int luks_open(const char *device, const char *name, const azl_secret *passphrase)
{
	__attribute__((cleanup(crypt_freep))) struct crypt_device *cd = NULL;
	int r = init_device(device, &cd);
	if (r < 0)
		return r;
	r = crypt_load(cd, CRYPT_LUKS2, NULL);
	if (r < 0)
		return log_error_errno(r, "no LUKS2 header on '%s'", device);
	r = crypt_activate_by_passphrase(cd, name, CRYPT_ANY_SLOT, passphrase->data,
					 passphrase->len, 0);
	if (r < 0)
		return log_error_errno(r, "cannot open '%s' as '%s'", device, name);
	log_info("opened '%s' as /dev/mapper/%s", device, name);
	return 0;
}

int luks_close(const char *name)
{
	__attribute__((cleanup(crypt_freep))) struct crypt_device *cd = NULL;
	int r = crypt_init_by_name(&cd, name);
	if (r < 0)
		return r;
	crypt_set_log_callback(cd, log_cb, NULL);
	r = crypt_deactivate(cd, name);
	if (r < 0)
		return log_error_errno(r, "cannot close /dev/mapper/%s", name);
	log_info("closed /dev/mapper/%s", name);
	return 0;
}
