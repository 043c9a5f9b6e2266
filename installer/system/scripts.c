/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scripts: pre, post and error scripts of the answer file. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply-system.h"
#include "chroot.h"
#include "fetch.h"
#include "i18n.h"
#include "log.h"
#include "progress.h"
#include "spawn.h"
#include "target.h"
#include "util.h"

static const char *when_name(azl_script_when when)
{
	switch (when) {
	case AZL_SCRIPT_PRE:
		return "pre";
	case AZL_SCRIPT_POST:
		return "post";
	default:
		return "error";
	}
}

/* mkdir -p of path's parent directories in the live environment. */
static void make_parents(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		(void)mkdir(p, 0755);
		*s = '/';
	}
}

/* Opens the script's log: inside the target (no symlink leads out of it)
 * for a chroot post script, and for a --nochroot one whose path names
 * Anaconda's target mount (/mnt/sysimage, /mnt/sysroot); in the live
 * environment otherwise. Truncated, mode 0600. Returns an fd or -errno. */
static int open_log(const char *log, const char *chroot_dir, const char *root)
{
	const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
	const char *in_target = chroot_dir ? log : NULL;
	static const char *const anaconda_roots[] = {"/mnt/sysimage/", "/mnt/sysroot/"};
	for (size_t i = 0; !chroot_dir && root && i < ELEMENTSOF(anaconda_roots); i++)
		if (startswith(log, anaconda_roots[i]))
			in_target = log + strlen(anaconda_roots[i]) - 1;
	if (!in_target) {
		make_parents(log);
		int fd = open(log, flags, 0600);
		return fd < 0 ? -errno : fd;
	}
	azl_target t;
	int r = target_open(chroot_dir ? chroot_dir : root, &t);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = xstrdup(in_target);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		r = target_mkdir_p(&t, dir, 0755);
	}
	if (r >= 0)
		r = target_openat(&t, in_target, flags, 0600);
	target_close(&t);
	return r;
}

/* The script text goes to the interpreter on stdin, as Anaconda's %pre
 * and %post do with a file: no shell string is ever built from it. */
static int run_one(const azl_script *s, const char *kind, size_t idx, const char *chroot_dir,
		   const char *root, const char *ca_bundle)
{
	const char *interp = s->interpreter ? s->interpreter : "/bin/sh";
	char *argv[] = {(char *)interp, NULL};
	/* Outside the chroot a post script finds the target in $AZL_TARGET
	 * (Anaconda's --nochroot scripts use /mnt/sysroot the same way). */
	_cleanup_free_ char *target_env =
		root && !chroot_dir ? xasprintf("AZL_TARGET=%s", root) : NULL;
	/* The answer file's certificates, trusted by the install's own
	 * downloads besides the live system's store, are trusted by what a
	 * script outside the target runs too (curl, OpenSSL, Python):
	 * Ironic's %pre/%onerror heartbeats to an API behind a private CA. */
	const bool ca = ca_bundle && !chroot_dir;
	_cleanup_free_ char *ssl_env = ca ? xasprintf("SSL_CERT_FILE=%s", ca_bundle) : NULL;
	_cleanup_free_ char *curl_env = ca ? xasprintf("CURL_CA_BUNDLE=%s", ca_bundle) : NULL;
	char *env[5] = {"AZL_INSTALLER=1"};
	size_t k = 1;
	if (target_env)
		env[k++] = target_env;
	if (ca) {
		env[k++] = ssl_env;
		env[k++] = curl_env;
	}
	int log_fd = -1;
	if (s->log) {
		log_fd = open_log(s->log, chroot_dir, root);
		if (log_fd < 0)
			log_warning(
				"%s script %zu: cannot open its log '%s': %s; its output goes to the install log only",
				kind, idx + 1, s->log, strerror(-log_fd));
	}
	azl_spawn_opts o = {
		.chroot = chroot_dir,
		.stdin_text = s->run ? s->run : "",
		.env = env,
		.tee_fd = log_fd,
	};
	log_info("%s script %zu%s%s (%s)", kind, idx + 1, chroot_dir ? " in " : "",
		 chroot_dir ? chroot_dir : "", interp);
	int r = spawn_run(argv, &o);
	if (log_fd >= 0)
		close(log_fd);
	if (r == 0)
		return 0;
	if (r < 0)
		log_error("%s script %zu: cannot run '%s'", kind, idx + 1, interp);
	else
		log_error("%s script %zu exited with status %d", kind, idx + 1, r);
	if (s->ignore_errors) {
		log_warning("%s script %zu failed; ignore_errors: true, going on", kind, idx + 1);
		return 0;
	}
	return r < 0 ? r : -EIO;
}

/* The trust bundle of the install's downloads (the store and the answer
 * file's certificates) in a file of its own for the scripts that run
 * outside the target, when there are certificates and such a script;
 * removed after them. Returns its path or NULL. */
static char *write_ca_bundle(const azl_script *list, size_t n, const char *root)
{
	size_t len = 0;
	const char *pem = fetch_trust_bundle(&len);
	bool outside = false;
	for (size_t i = 0; i < n; i++)
		outside = outside || !(list[i].chroot && root);
	if (!pem || !outside)
		return NULL;
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/azl-installer-ca.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	int fd = mkostemp(path, O_CLOEXEC);
	int r = fd < 0 ? -errno : fchmod(fd, 0644) < 0 ? -errno : write_all(fd, pem, len);
	if (r < 0) {
		log_warning(
			"cannot write the certificates for the scripts to '%s': %s; they see the live system's store only",
			path, strerror(-r));
		if (fd >= 0) {
			close(fd);
			(void)unlink(path);
		}
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

int scripts_run(const azl_model *m, azl_script_when when, const char *root)
{
	const azl_script *list;
	size_t n;
	switch (when) {
	case AZL_SCRIPT_PRE:
		list = m->scripts.pre, n = m->scripts.n_pre;
		break;
	case AZL_SCRIPT_POST:
		list = m->scripts.post, n = m->scripts.n_post;
		break;
	default:
		list = m->scripts.error, n = m->scripts.n_error;
		break;
	}
	if (n == 0)
		return 0;
	const char *kind = when_name(when);
	bool any_chroot = false;
	for (size_t i = 0; i < n; i++)
		any_chroot = any_chroot || (list[i].chroot && root);

	azl_chroot_mounts cm = {0};
	if (any_chroot) {
		int r = chroot_mount(root, &cm);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *ca_bundle = write_ca_bundle(list, n, root);
	int ret = 0;
	for (size_t i = 0; i < n; i++) {
		progress_phase(when == AZL_SCRIPT_ERROR ? AZL_PHASE_ERROR
			       : when == AZL_SCRIPT_PRE ? AZL_PHASE_PRE
							: AZL_PHASE_POST,
			       (int)(i * 100 / n), _("Running %s script %zu of %zu"), kind, i + 1,
			       n);
		/* Error scripts all run, whatever one of them does. */
		const char *dir = list[i].chroot && root ? root : NULL;
		if (list[i].chroot && !root && when == AZL_SCRIPT_POST)
			log_warning(
				"post script %zu asks for chroot but there is no target; running it outside",
				i + 1);
		int r = run_one(&list[i], kind, i, dir, root, ca_bundle);
		if (r < 0 && ret == 0)
			ret = r;
		if (r < 0 && when != AZL_SCRIPT_ERROR)
			break;
	}
	if (ca_bundle)
		(void)unlink(ca_bundle);
	int u = chroot_umount(&cm);
	return ret < 0 ? ret : u;
}
