/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to librpm: transactions into the target root. */
#include "rpm-install.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmps.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>

#include "install.h"
#include "libs.h"
#include "log.h"
#include "progress.h"

#define TARGET_DBPATH "/usr/lib/sysimage/rpm"

const char *rpm_adapter_version(void)
{
	return RPMVERSION;
}

/* librpm's own messages go to the install log, not to the screen. */
static int on_rpmlog(rpmlogRec rec, rpmlogCallbackData data)
{
	(void)data;
	const char *msg = rpmlogRecMessage(rec);
	size_t len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		len--;
	switch (rpmlogRecPriority(rec)) {
	case RPMLOG_EMERG:
	case RPMLOG_ALERT:
	case RPMLOG_CRIT:
	case RPMLOG_ERR:
		log_error("rpm: %.*s", (int)len, msg);
		break;
	case RPMLOG_WARNING:
		log_warning("rpm: %.*s", (int)len, msg);
		break;
	default:
		log_debug("rpm: %.*s", (int)len, msg);
	}
	return 0;
}

/* The target's conventions beat the host's macros (Debian's rpm puts the
 * database in ~/.rpmdb): pushed last, they are the ones looked up. */
static const struct {
	const char *name, *value;
} target_macros[] = {
	{"_dbpath", TARGET_DBPATH},
	{"_db_backend", "sqlite"},
	{"_flush_io", "0"},
};

static void push_target_macros(void)
{
	for (size_t i = 0; i < ELEMENTSOF(target_macros); i++)
		rpmPushMacro(NULL, target_macros[i].name, NULL,
			     target_macros[i].value, RMIL_CMDLINE);
}

static void pop_target_macros(void)
{
	for (size_t i = 0; i < ELEMENTSOF(target_macros); i++)
		rpmPopMacro(NULL, target_macros[i].name);
}

int rpm_setup(void)
{
	static bool done;
	if (done)
		return 0;
	if (rpmReadConfigFiles(NULL, NULL) != 0) {
		log_error("librpm cannot read its configuration");
		return -EIO;
	}
	rpmlogSetCallback(on_rpmlog, NULL);
	/* For libsolv's reading of the target's rpmdb too. */
	push_target_macros();
	done = true;
	return 0;
}

static int mkdir_p(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* A transaction set on root with its rpmdb open for writing. */
static int open_ts(const char *root, rpmts *ret)
{
	int r = rpm_setup();
	if (r < 0)
		return r;
	_cleanup_free_ char *dbdir = xasprintf("%s" TARGET_DBPATH, root);
	r = mkdir_p(dbdir);
	if (r < 0)
		return log_error_errno(r, "cannot create '%s'", dbdir);
	push_target_macros();
	rpmts ts = rpmtsCreate();
	if (rpmtsSetRootDir(ts, root) != 0) {
		rpmtsFree(ts);
		pop_target_macros();
		log_error("librpm refuses the root '%s'", root);
		return -EINVAL;
	}
	if (rpmtsOpenDB(ts, O_RDWR | O_CREAT) != 0) {
		rpmtsFree(ts);
		pop_target_macros();
		log_error("cannot open the rpmdb in '%s" TARGET_DBPATH "'",
			  root);
		return -EIO;
	}
	*ret = ts;
	return 0;
}

static void close_ts(rpmts ts)
{
	rpmtsFree(ts);
	pop_target_macros();
}

static int import_keys(rpmts ts, char *const *keys)
{
	for (size_t i = 0; keys && keys[i]; i++) {
		uint8_t *pkt = NULL;
		size_t len = 0;
		if (pgpParsePkts(keys[i], &pkt, &len) != PGPARMOR_PUBKEY) {
			free(pkt);
			log_error("a repository key is not an armored OpenPGP "
				  "public key");
			return -EBADMSG;
		}
		rpmRC rc = rpmtsImportPubkey(ts, pkt, len);
		free(pkt);
		if (rc != RPMRC_OK) {
			log_error("librpm refuses a repository key");
			return -EBADMSG;
		}
	}
	return 0;
}

int rpm_import_keys(const char *root, char *const *keys)
{
	rpmts ts = NULL;
	int r = open_ts(root, &ts);
	if (r < 0)
		return r;
	r = import_keys(ts, keys);
	if (r >= 0)
		log_info("imported %zu repository keys into the target's rpmdb",
			 strv_length(keys));
	close_ts(ts);
	return r;
}

static bool has_signature(Header h)
{
	return headerIsEntry(h, RPMTAG_RSAHEADER) ||
	       headerIsEntry(h, RPMTAG_DSAHEADER);
}

/* Reads a package's header, checking its digests and signature against
 * the keys of the target's rpmdb. */
static int read_verified(rpmts ts, const rpm_install_pkg *p, Header *ret)
{
	FD_t fd = Fopen(p->path, "r.ufdio");
	if (!fd || Ferror(fd)) {
		if (fd)
			Fclose(fd);
		return log_error_errno(EIO, "cannot open package '%s'",
				       p->path);
	}
	Header h = NULL;
	rpmRC rc = rpmReadPackageFile(ts, fd, p->path, &h);
	Fclose(fd);
	const char *why = NULL;
	switch (rc) {
	case RPMRC_OK:
		if (p->gpgcheck && !has_signature(h))
			why = "it is not signed";
		break;
	case RPMRC_NOKEY:
	case RPMRC_NOTTRUSTED:
		if (p->gpgcheck)
			why = "it is signed by a key that none of the "
			      "repositories' keys (gpgkey) is";
		break;
	default:
		why = "its digests or signature do not verify (damaged or "
		      "tampered with)";
	}
	if (why) {
		log_error("package '%s' is refused: %s; nothing was installed",
			  p->nevra, why);
		headerFree(h);
		return -EBADMSG;
	}
	*ret = h;
	return 0;
}

typedef struct run_state {
	const rpm_install_pkg *pkgs;
	size_t n, done;
	uint64_t bytes, total_bytes;
	FD_t fd;
	bool failed;
	bool interrupted; /* packages refused after SIGINT/SIGTERM */
} run_state;

static void *on_event(const void *arg, const rpmCallbackType what,
		      const rpm_loff_t amount, const rpm_loff_t total,
		      fnpyKey key, rpmCallbackData data)
{
	run_state *st = data;
	const rpm_install_pkg *p = key;
	switch (what) {
	case RPMCALLBACK_INST_OPEN_FILE:
		if (!p)
			return NULL;
		/* librpm cannot be cancelled; after SIGINT/SIGTERM every
		 * package it has yet to open fails at once, so the transaction
		 * ends after the package being unpacked instead of running to
		 * its end (scriptlets of those packages included). */
		if (install_interrupted()) {
			if (!st->interrupted)
				log_warning("interrupted: the rpm transaction "
					    "stops before %s",
					    p->nevra);
			st->interrupted = true;
			return NULL;
		}
		st->fd = Fopen(p->path, "r.ufdio");
		if (!st->fd || Ferror(st->fd)) {
			log_error("cannot open package '%s'", p->path);
			if (st->fd)
				Fclose(st->fd);
			st->fd = NULL;
		}
		return st->fd;
	case RPMCALLBACK_INST_CLOSE_FILE:
		if (st->fd)
			Fclose(st->fd);
		st->fd = NULL;
		break;
	case RPMCALLBACK_INST_START:
		/* Files are also opened to verify them first, so progress
		 * counts here: bytes of the packages done before this one. */
		if (p) {
			st->done++;
			log_info("installing %s", p->nevra);
			progress_packages(st->done, st->n, st->bytes,
					  st->total_bytes, p->nevra);
			st->bytes += p->size;
		}
		break;
	case RPMCALLBACK_SCRIPT_ERROR:
		/* total is the scriptlet's exit status; rpm goes on with
		 * %post failures and stops for %pre ones. */
		log_warning("a scriptlet of %s failed (status %llu)",
			    p ? p->nevra : "a package",
			    (unsigned long long)total);
		break;
	case RPMCALLBACK_UNPACK_ERROR:
	case RPMCALLBACK_CPIO_ERROR:
		st->failed = true;
		log_error("cannot unpack %s", p ? p->nevra : "a package");
		break;
	default:
		break;
	}
	(void)arg;
	(void)amount;
	return NULL;
}

static void log_problems(rpmts ts, const char *what)
{
	rpmps ps = rpmtsProblems(ts);
	rpmpsi it = rpmpsInitIterator(ps);
	rpmProblem prob;
	while ((prob = rpmpsiNext(it))) {
		char *msg = rpmProblemString(prob);
		log_error("%s: %s", what, msg);
		free(msg);
	}
	rpmpsFreeIterator(it);
	rpmpsFree(ps);
}

/* Scriptlet output, collected in memory, into the log. */
static void log_script_output(int fd)
{
	off_t len = lseek(fd, 0, SEEK_END);
	if (len <= 0)
		return;
	_cleanup_free_ char *text = xmalloc((size_t)len);
	ssize_t k = pread(fd, text, (size_t)len, 0);
	if (k > 0) {
		log_info("scriptlet output:");
		log_raw(text, (size_t)k);
	}
}

int rpm_install(const char *root, const rpm_install_pkg *pkgs, size_t n)
{
	rpmts ts = NULL;
	int r = open_ts(root, &ts);
	if (r < 0)
		return r;
	run_state st = {.pkgs = pkgs, .n = n};
	bool all_signed = true;
	for (size_t i = 0; i < n && r >= 0; i++) {
		Header h = NULL;
		r = read_verified(ts, &pkgs[i], &h);
		if (r < 0)
			break;
		all_signed = all_signed && pkgs[i].gpgcheck;
		st.total_bytes += pkgs[i].size;
		if (rpmtsAddInstallElement(ts, h, (fnpyKey)&pkgs[i], 1, NULL)) {
			log_error("librpm cannot add '%s' to the transaction",
				  pkgs[i].nevra);
			r = -EINVAL;
		}
		headerFree(h);
	}
	if (r < 0) {
		/* Every bad package is named, not only the first. */
		for (size_t i = 0; r == -EBADMSG && i < n; i++) {
			Header h = NULL;
			if (read_verified(ts, &pkgs[i], &h) == 0)
				headerFree(h);
		}
		close_ts(ts);
		return r;
	}
	int check = rpmtsCheck(ts);
	rpmps deps = rpmtsProblems(ts);
	int ndeps = rpmpsNumProblems(deps);
	rpmpsFree(deps);
	if (check != 0 || ndeps > 0) {
		log_problems(ts, "dependency problem");
		close_ts(ts);
		return -EPROTO;
	}
	rpmtsOrder(ts);
	/* Before anything is unpacked, rpm checks each whole file (payload
	 * digest included) at this level. */
	rpmtsSetVfyLevel(ts, RPMSIG_DIGEST_TYPE |
				     (all_signed ? RPMSIG_SIGNATURE_TYPE : 0));
	rpmtsSetNotifyCallback(ts, on_event, &st);
	int mfd = memfd_create("rpm-scriptlets", MFD_CLOEXEC);
	FD_t sfd = mfd >= 0 ? fdDup(mfd) : NULL;
	if (sfd)
		rpmtsSetScriptFd(ts, sfd);
	log_info("rpm transaction: %zu packages into '%s'", n, root);
	int rc = rpmtsRun(ts, NULL, RPMPROB_FILTER_NONE);
	if (st.interrupted || install_interrupted()) {
		log_error("interrupted: the rpm transaction stopped after %zu "
			  "of %zu packages",
			  st.done, n);
		r = -EINTR;
	} else if (rc > 0) {
		log_problems(ts, "rpm transaction");
		r = -EBADMSG;
		/* A package that does not verify is the usual cause; file
		 * conflicts are the other. */
		rpmps ps = rpmtsProblems(ts);
		rpmpsi it = rpmpsInitIterator(ps);
		rpmProblem prob;
		bool verify = false;
		while ((prob = rpmpsiNext(it)))
			verify = verify ||
				 rpmProblemGetType(prob) == RPMPROB_VERIFY;
		rpmpsFreeIterator(it);
		rpmpsFree(ps);
		if (!verify)
			r = -EPROTO;
	} else if (rc < 0 || st.failed) {
		log_error("the rpm transaction failed part-way");
		r = -EIO;
	}
	if (sfd) {
		rpmtsSetScriptFd(ts, NULL);
		Fclose(sfd);
	}
	if (mfd >= 0) {
		log_script_output(mfd);
		close(mfd);
	}
	close_ts(ts);
	if (r < 0)
		return r;
	progress_packages(n, n, st.total_bytes, st.total_bytes,
			  "packages installed");
	/* One flush for the whole tree instead of one per file. */
	int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (syncfs(dfd) < 0)
			log_warning("syncfs('%s') failed: %s", root,
				    strerror(errno));
		close(dfd);
	}
	log_info("installed %zu packages into '%s'", n, root);
	return 0;
}
