/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TPM2 and recovery-key enrolment (luks-enroll.h): the target's
 * systemd-cryptenroll, run chrooted, as `systemd-cryptenroll
 * --unlock-key-file=KEYFILE --tpm2-device=auto --tpm2-pcrs=7 DEVICE`;
 * tang binding: the target's `clevis luks bind` (tang.c), with the same
 * key file.
 */
#include "luks-enroll.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chroot.h"
#include "log.h"
#include "spawn.h"
#include "tang.h"
#include "tpm-eventlog.h"
#include "util.h"

bool luks_tpm2_present(void)
{
	return access("/sys/class/tpmrm/tpmrm0", F_OK) == 0;
}

char *luks_tpm2_pcrs_arg(uint32_t mask)
{
	azl_buf b = {0};
	if (!mask)
		mask = AZL_TPM2_DEFAULT_PCRS;
	for (int i = 0; i < 24; i++)
		if (mask & (UINT32_C(1) << i))
			buf_printf(&b, "%s%d", b.len ? "+" : "", i);
	return buf_steal(&b);
}

static int write_new_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int r = 0;
	for (size_t off = 0; off < len && r == 0;) {
		ssize_t k = write(fd, data + off, len - off);
		if (k < 0 && errno != EINTR)
			r = -errno;
		else if (k > 0)
			off += (size_t)k;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* Overwrites the key file before it goes: /run is RAM, but a later reader
 * of freed tmpfs pages should find zeros. */
static void wipe_file(const char *path, size_t len)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		char zero[256] = {0};
		for (size_t off = 0; off < len;) {
			size_t n = len - off < sizeof(zero) ? len - off : sizeof(zero);
			ssize_t k = write(fd, zero, n);
			if (k <= 0)
				break;
			off += (size_t)k;
		}
		(void)fsync(fd);
		close(fd);
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_warning("cannot remove '%s': %s", path, strerror(errno));
}

/* systemd's recovery keys: 8 groups of 8 "modhex" characters. */
static bool recovery_key_is_valid(const char *k, size_t len)
{
	if (len != 71)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (i % 9 == 8) {
			if (k[i] != '-')
				return false;
		} else if (!strchr("cbdefghijklnrtuv", k[i]))
			return false;
	}
	return true;
}

static int enroll_tpm2(const azl_target *t, const char *keyfile, const char *dev, const char *pcrs)
{
	_cleanup_free_ char *unlock = xasprintf("--unlock-key-file=%s", keyfile);
	_cleanup_free_ char *pcr_opt = xasprintf("--tpm2-pcrs=%s", pcrs);
	char *argv[] = {"systemd-cryptenroll", unlock, "--tpm2-device=auto", pcr_opt,
			(char *)dev,	       NULL};
	azl_spawn_opts o = {.chroot = t->root};
	int r = spawn_check(argv, &o);
	if (r < 0)
		return log_error_errno(r, "cannot enroll a TPM2 key in '%s'", dev);
	log_info("enrolled a TPM2 key sealed to PCR %s in '%s'", pcrs, dev);
	return 0;
}

/* One recovery key per container, appended to *keys as "UUID=... KEY"
 * lines; the key is read from systemd-cryptenroll's stdout, which the
 * log never sees. */
static int enroll_recovery(const azl_target *t, const char *keyfile, const char *dev,
			   const char *uuid, azl_buf *keys)
{
	_cleanup_free_ char *unlock = xasprintf("--unlock-key-file=%s", keyfile);
	char *argv[] = {"systemd-cryptenroll", unlock, "--recovery-key", (char *)dev, NULL};
	char *out = NULL;
	azl_spawn_opts o = {.chroot = t->root, .capture = &out};
	int r = spawn_check(argv, &o);
	size_t n = out ? strlen(out) : 0;
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		n--;
	if (r >= 0 && !recovery_key_is_valid(out, n)) {
		log_error(
			"systemd-cryptenroll --recovery-key printed no recovery key for '%s' (%zu bytes, not shown)",
			dev, n);
		r = -EPROTO;
	}
	if (r >= 0)
		buf_printf(keys, "UUID=%s %.*s\n", uuid, (int)n, out);
	if (out)
		explicit_bzero(out, strlen(out));
	free(out);
	if (r < 0)
		return log_error_errno(r, "cannot enroll a recovery key in '%s'", dev);
	log_info("enrolled a recovery key in '%s'", dev);
	return 0;
}

/* Does the installed system boot through shim (an EFI/<vendor>/shimx64.efi
 * on its ESP)? */
static bool target_boots_shim(const azl_target *t)
{
	_cleanup_free_ char *efi = target_path(t, "boot/efi/EFI");
	DIR *d = opendir(efi);
	if (!d)
		return false;
	bool found = false;
	struct dirent *de;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *rel = xasprintf("boot/efi/EFI/%s/shimx64.efi", de->d_name);
		found = target_exists(t, rel);
	}
	closedir(d);
	return found;
}

/* A key sealed to PCR 7 holds PCR 7 as this boot measured it. shim
 * extends PCR 7 (SbatLevel, its certificates): when the installed system
 * boots through shim and this boot did not (QEMU's -kernel, iPXE loading
 * the kernel), the key will never unseal. Said, not refused: the
 * passphrase still opens the disk, and the key can be enrolled again from
 * the installed system. */
static void check_pcr7(const azl_target *t, uint32_t mask, const char *log_path)
{
	if (mask && !(mask & (UINT32_C(1) << 7)))
		return;
	tpm_eventlog_pcr7 ev;
	int r = tpm_eventlog_read(log_path, &ev);
	if (r < 0) {
		log_warning(
			"cannot read the firmware's TPM event log '%s' (%s): PCR 7 is sealed as this boot measured it, which holds only if the installed system boots the same way",
			log_path, strerror(-r));
		return;
	}
	bool shim = target_boots_shim(t);
	log_info(
		"TPM event log: %zu PCR 7 events, %zu of them shim's%s%s%s; the installed system boots %s shim",
		ev.events, ev.shim_events, ev.shim_names ? " (" : "",
		ev.shim_names ? ev.shim_names : "", ev.shim_names ? ")" : "",
		shim ? "through" : "without");
	if (shim && ev.shim_events == 0)
		log_warning(
			"this system was not booted through shim (PCR 7 has no shim events) but the installed system is: the TPM2 key sealed to PCR 7 will not unlock it, and its first boot asks for the passphrase; boot the installer through shim (the ISO, or PXE with shimx64.efi and GRUB), or enroll the key again in the installed system: systemd-cryptenroll --wipe-slot=tpm2 --tpm2-device=auto --tpm2-pcrs=7 DEVICE");
	tpm_eventlog_pcr7_done(&ev);
}

static int enroll_all(const azl_model *m, const azl_target *t, const azl_installed_storage *st,
		      const char *keyfile)
{
	const azl_tpm2 *tp = &m->storage.encryption.tpm2;
	_cleanup_free_ char *pcrs = luks_tpm2_pcrs_arg(tp->pcr_mask);
	if (tp->enabled)
		check_pcr7(t, tp->pcr_mask, "/sys/kernel/security/tpm0/binary_bios_measurements");
	azl_buf keys = {0};
	int r = 0;
	for (size_t i = 0; st->luks_devices && st->luks_devices[i] && r >= 0; i++) {
		const char *dev = st->luks_devices[i];
		if (tp->enabled)
			r = enroll_tpm2(t, keyfile, dev, pcrs);
		if (r >= 0 && m->storage.encryption.n_tang > 0)
			r = tang_bind(t->root, dev, keyfile, m->storage.encryption.tang,
				      m->storage.encryption.n_tang);
		if (r >= 0 && tp->enabled && tp->recovery_key_file)
			r = enroll_recovery(t, keyfile, dev, st->luks_uuids[i], &keys);
	}
	if (r >= 0 && tp->enabled && tp->recovery_key_file) {
		r = write_new_file(tp->recovery_key_file, keys.data ? keys.data : "", keys.len);
		if (r < 0)
			log_error_errno(
				r,
				"cannot write the recovery key file '%s' (it must not exist yet)",
				tp->recovery_key_file);
		else
			log_info("wrote the recovery key%s to '%s' (0600)",
				 strv_length(st->luks_devices) > 1 ? "s" : "",
				 tp->recovery_key_file);
	}
	if (keys.data)
		explicit_bzero(keys.data, keys.len);
	buf_free(&keys);
	return r;
}

int luks_with_key_file(const azl_secret *pass, int (*fn)(const char *keyfile, void *userdata),
		       void *userdata)
{
	/* mkdtemp: mode 0700. /run is bind mounted into the target: one
	 * path for both sides. */
	char dir[] = "/run/azl-enroll-XXXXXX";
	if (!mkdtemp(dir))
		return log_error_errno(errno, "cannot create a directory on /run for the key file");
	_cleanup_free_ char *keyfile = xasprintf("%s/key", dir);
	int r = write_new_file(keyfile, pass->data, pass->len);
	if (r < 0)
		log_error_errno(r, "cannot write the key file '%s'", keyfile);
	else
		r = fn(keyfile, userdata);
	wipe_file(keyfile, pass->len);
	rmdir(dir);
	return r;
}

typedef struct enroll_job {
	const azl_model *m;
	const azl_target *t;
	const azl_installed_storage *st;
} enroll_job;

static int enroll_in_target(const char *keyfile, void *userdata)
{
	const enroll_job *j = userdata;
	azl_chroot_mounts cm = {0};
	int r = chroot_mount(j->t->root, &cm);
	if (r < 0)
		log_error_errno(r, "cannot mount /dev, /proc, /sys, /run in the target");
	else
		r = enroll_all(j->m, j->t, j->st, keyfile);
	int u = chroot_umount(&cm);
	return r < 0 ? r : u;
}

int luks_enroll_apply(const azl_model *m, const azl_target *t, const azl_installed_storage *st)
{
	const azl_encryption *e = &m->storage.encryption;
	if ((!e->tpm2.enabled && e->n_tang == 0) || !st || !st->luks_devices ||
	    !st->luks_devices[0])
		return 0;
	_cleanup_secret_ azl_secret *pass = NULL;
	int r = storage_passphrase(m, &pass);
	if (r < 0)
		return r;
	enroll_job j = {m, t, st};
	return luks_with_key_file(pass, enroll_in_target, &j);
}
