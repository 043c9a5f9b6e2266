/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to librpm: transactions into the target root. */
#include "rpm-install.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmcli.h>
#include <rpm/rpmkeyring.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmps.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>

#include "interrupt.h"
#include "log.h"
#include "progress.h"
#include "target.h"

#define TARGET_DBPATH "/usr/lib/sysimage/rpm"

const char *rpm_adapter_version(void)
{
	return RPMVERSION;
}

/* Set on the verifier thread: its "FILE: digests signatures OK" lines,
 * four per package, stay out of the log (its errors do not). */
static _Thread_local bool quiet_notices;

/* librpm's own messages go to the install log, not to the screen. */
static int on_rpmlog(rpmlogRec rec, rpmlogCallbackData data)
{
	(void)data;
	if (quiet_notices && rpmlogRecPriority(rec) > RPMLOG_WARNING)
		return 0;
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
		rpmPushMacro(NULL, target_macros[i].name, NULL, target_macros[i].value,
			     RMIL_CMDLINE);
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

/* Where fd is, as the kernel names it; NULL when it cannot tell. */
static char *fd_path(int fd)
{
	_cleanup_free_ char *link = xasprintf("/proc/self/fd/%d", fd);
	char buf[4096];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/* Whether relpath resolves to the same place inside the root and as the
 * host resolves root/relpath (or to nothing either way). *ret_exists:
 * it exists inside the root; *ret_host: where the host would go. */
static bool same_both_ways(const azl_target *t, const char *relpath, bool *ret_exists,
			   char **ret_host)
{
	_cleanup_free_ char *inside = NULL;
	_cleanup_close_ int fd = target_openat(t, relpath, O_PATH, 0);
	if (fd >= 0)
		inside = fd_path(fd);
	_cleanup_free_ char *host = xasprintf("%s/%s", t->root, relpath);
	char *outside = realpath(host, NULL);
	int host_err = outside ? 0 : errno;
	*ret_exists = inside != NULL;
	free(*ret_host);
	*ret_host = outside;
	if (!inside && !outside)
		return fd == -ENOENT && host_err == ENOENT;
	return inside && outside && strcmp(inside, outside) == 0;
}

int rpm_check_dbpath(const char *root, bool create)
{
	azl_target t = {.fd = -1};
	int r = target_open(root, &t);
	if (r == -ENOENT && !create)
		return 0; /* no root yet: nothing planted in it either */
	if (r < 0)
		return log_error_errno(r, "cannot open the target '%s'", root);
	/* Made inside the root: mkdirat() never follows the last name. */
	int mk = create ? target_mkdir_p(&t, TARGET_DBPATH, 0755) : 0;
	_cleanup_free_ char *rel = xstrdup(&TARGET_DBPATH[1]);
	_cleanup_free_ char *host = NULL;
	bool same = true, exists = false;
	/* usr, usr/lib, ...: a symlink out of the root anywhere on the way. */
	for (char *s = rel; same; s++) {
		if (*s && *s != '/')
			continue;
		char saved = *s;
		*s = '\0';
		same = same_both_ways(&t, rel, &exists, &host);
		*s = saved;
		if (!saved)
			break;
	}
	_cleanup_free_ char *path = xasprintf("%s" TARGET_DBPATH, t.root);
	target_close(&t);
	if (same && create && !exists && mk < 0)
		return log_error_errno(mk, "cannot create '%s'", path);
	/* A dangling symlink: librpm would make its directory on the host. */
	if (same && (exists || !create))
		return 0;
	log_error(
		"the rpmdb path '%s' leads out of the target (to '%s'; a symlink in the target); it is refused so that the installing system's files stay untouched: remove the symlink or use an empty --root",
		path, host ? host : "a path that does not exist");
	return -ELOOP;
}

/* A transaction set on root with its rpmdb open for writing. */
static int open_ts(const char *root, rpmts *ret)
{
	int r = rpm_setup();
	if (r < 0)
		return r;
	r = rpm_check_dbpath(root, true);
	if (r < 0)
		return r;
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
		log_error("cannot open the rpmdb in '%s" TARGET_DBPATH "'", root);
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
			log_error("a repository key is not an armored OpenPGP public key");
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

/* The number of primary public-key packets (tag 6) in an OpenPGP packet
 * stream (RFC 4880 4.2), -1 when it does not parse. A pinned fingerprint
 * names one key: a second one behind it would be imported unchecked. */
static int count_primary_keys(const uint8_t *p, size_t n)
{
	int keys = 0;
	size_t i = 0;
	while (i < n) {
		uint8_t h = p[i++];
		size_t len = 0, k = 0;
		int tag;
		if (!(h & 0x80))
			return -1;
		if (h & 0x40) {
			tag = h & 0x3f;
			if (i >= n)
				return -1;
			uint8_t a = p[i++];
			if (a < 192)
				len = a;
			else if (a < 224 && i < n)
				len = ((size_t)(a - 192) << 8) + p[i++] + 192;
			else if (a == 255)
				k = 4;
			else
				return -1; /* partial lengths: not in keys */
		} else {
			tag = (h >> 2) & 0xf;
			static const size_t sizes[] = {1, 2, 4, 0};
			k = sizes[h & 3];
			if (k == 0)
				return -1;
		}
		if (k > n - i)
			return -1;
		for (; k > 0; k--)
			len = (len << 8) | p[i++];
		if (len > n - i)
			return -1;
		if (tag == 6)
			keys++;
		i += len;
	}
	return keys;
}

int rpm_key_fingerprint(const char *armored, char **ret_hex)
{
	uint8_t *pkt = NULL, *fp = NULL;
	size_t len = 0, fplen = 0;
	if (pgpParsePkts(armored, &pkt, &len) != PGPARMOR_PUBKEY ||
	    count_primary_keys(pkt, len) != 1 || pgpPubkeyFingerprint(pkt, len, &fp, &fplen) != 0 ||
	    fplen == 0) {
		free(pkt);
		free(fp);
		return -EBADMSG;
	}
	free(pkt);
	azl_buf b = {0};
	for (size_t i = 0; i < fplen; i++)
		buf_printf(&b, "%02X", fp[i]);
	free(fp);
	*ret_hex = buf_steal(&b);
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
		log_info("imported %zu repository keys into the target's rpmdb", strv_length(keys));
	close_ts(ts);
	return r;
}

static bool has_signature(Header h)
{
	return headerIsEntry(h, RPMTAG_RSAHEADER) || headerIsEntry(h, RPMTAG_DSAHEADER);
}

/* Reads a package's header, checking its digests and signature against
 * the keys of the target's rpmdb. */
static int read_verified(rpmts ts, const rpm_install_pkg *p, Header *ret)
{
	FD_t fd = Fopen(p->path, "r.ufdio");
	if (!fd || Ferror(fd)) {
		if (fd)
			Fclose(fd);
		return log_error_errno(EIO, "cannot open package '%s'", p->path);
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
			why = "it is signed by a key that none of the repositories' keys (gpgkey) is";
		break;
	default:
		why = "its digests or signature do not verify (damaged or tampered with)";
	}
	if (why) {
		log_error("package '%s' is refused: %s; nothing was installed", p->nevra, why);
		headerFree(h);
		return -EBADMSG;
	}
	*ret = h;
	return 0;
}

/*
 * The whole-file check (lead, signature header, header and payload
 * digests, signatures, at the transaction's %_pkgverify_level) that
 * rpmtsRun() does for every package before it unpacks the first one, done
 * instead by a thread on the second core while this one reads the headers
 * and librpm checks dependencies and orders the transaction.
 * rpmVerifySignatures() is the code rpmtsRun() runs for it (rpmpkgRead()
 * and rpmvsVerify() with the transaction set's level, flags and keys); the
 * thread has a transaction set of its own that shares the keyring. The
 * transaction starts only after every package passed (nothing is
 * installed otherwise) and then runs at level 0, so librpm does not read
 * every file a second time; it still checks each header when it opens the
 * package to unpack it and each file's digest as it writes the file.
 */
typedef struct verifier {
	pthread_t thread;
	bool started;
	rpmts ts;
	const rpm_install_pkg *pkgs;
	size_t n;
	bool *bad; /* per package: does not verify */
	atomic_bool stop;
	double seconds;
} verifier;

/* Whether the whole file verifies; in librpm's log: one line per
 * package, one per digest and signature when librpm is verbose. */
static bool verify_file(rpmts ts, const char *path)
{
	struct rpmQVKArguments_s qva = {0};
	FD_t fd = Fopen(path, "r.ufdio");
	bool ok = fd && !Ferror(fd) && rpmVerifySignatures(&qva, ts, fd, path) == 0;
	if (fd)
		Fclose(fd);
	return ok;
}

static void *verify_thread(void *arg)
{
	verifier *v = arg;
	double t0 = mono_s();
	quiet_notices = true;
	for (size_t i = 0; i < v->n && !atomic_load(&v->stop); i++)
		v->bad[i] = !verify_file(v->ts, v->pkgs[i].path);
	v->seconds = mono_s() - t0;
	return NULL;
}

static size_t verifier_finish(verifier *v, bool stop);

/* Starts checking every package at level (RPMSIG_*_TYPE) with the keys of
 * ts; false when no thread could be started (the caller lets rpmtsRun()
 * check them). */
static bool verifier_start(verifier *v, rpmts ts, const rpm_install_pkg *pkgs, size_t n, int level)
{
	*v = (verifier){.pkgs = pkgs, .n = n};
	v->bad = xcalloc(n ? n : 1, sizeof(*v->bad));
	v->ts = rpmtsCreate();
	rpmKeyring keys = rpmtsGetKeyring(ts, 1);
	rpmtsSetKeyring(v->ts, keys);
	rpmKeyringFree(keys);
	rpmtsSetVfyLevel(v->ts, level);
	rpmtsSetVfyFlags(v->ts, rpmtsVfyFlags(ts));
	atomic_init(&v->stop, false);
	v->started = pthread_create(&v->thread, NULL, verify_thread, v) == 0;
	if (!v->started) {
		log_warning(
			"cannot start the package verifier thread; librpm checks the packages in the transaction");
		verifier_finish(v, true); /* frees what was made for it */
	}
	return v->started;
}

/* Waits for the thread (stop: abandon the packages not yet checked);
 * returns the number of packages that do not verify, each named in the
 * log. */
static size_t verifier_finish(verifier *v, bool stop)
{
	size_t bad = 0;
	if (v->started) {
		if (stop)
			atomic_store(&v->stop, true);
		pthread_join(v->thread, NULL);
		for (size_t i = 0; !stop && i < v->n; i++) {
			if (!v->bad[i])
				continue;
			bad++;
			/* Again, verbose, on this thread (the other one has
			 * ended): which digest or signature failed, in the
			 * log. */
			int mask = rpmlogSetMask(0);
			rpmSetVerbosity(RPMLOG_INFO);
			verify_file(v->ts, v->pkgs[i].path);
			rpmlogSetMask(mask);
			log_error(
				"package '%s' is refused: its digests or signature do not verify (damaged or tampered with); nothing was installed",
				v->pkgs[i].nevra);
		}
		if (!stop)
			log_info(
				"verified %zu packages (digests, payload, signatures) in %.2f s beside the transaction's preparation",
				v->n, v->seconds);
	}
	if (v->ts)
		rpmtsFree(v->ts);
	free(v->bad);
	*v = (verifier){0};
	return bad;
}

/*
 * rpm_checked: the same checks, done per package as each one is there, by
 * the threads that fetch them (apply-packages.c), on every core. rpm reads
 * each package twice, checks the whole file in rpmtsRun()'s first pass and
 * unpacks it in the second, each time opening it again by its path
 * through the callback; here the check and the unpacking read one open
 * file, so what was checked is what is unpacked.
 */
struct rpm_checked {
	size_t n;
	rpmKeyring keyring;
	pthread_mutex_t lock;
	rpmts *pool; /* transaction sets not in use, each with keyring */
	size_t n_pool;
	int *fd;	    /* [n]: the file, open; -1: none */
	Header *hdr;	    /* [n]: its header, checked */
	int *rc;	    /* [n]: 0 passed, -errno; 1: not checked */
	const char **why;   /* [n]: why it is refused */
	bool *whole_bad;    /* [n]: the whole-file check failed */
	size_t copies;	    /* files copied first */
	double busy, first; /* seconds checking (summed); when it started */
	double waited;	    /* seconds the transaction waited for packages */
	/* Streamed (rpm_check_header() of every package first): the
	 * transaction runs while the files arrive and are checked; cond is
	 * signalled as each rc[] is set. */
	bool streamed;
	pthread_cond_t cond;
	char **hdrid; /* [n]: the digest of the header read first */
};

/* The keys as rpmtsImportPubkey() puts them into a transaction set's
 * keyring: each primary key with its subkeys. */
static rpmKeyring keyring_from(char *const *keys)
{
	rpmKeyring kr = rpmKeyringNew();
	for (size_t i = 0; keys && keys[i]; i++) {
		uint8_t *pkt = NULL;
		size_t len = 0;
		rpmPubkey k = NULL;
		if (pgpParsePkts(keys[i], &pkt, &len) == PGPARMOR_PUBKEY)
			k = rpmPubkeyNew(pkt, len);
		free(pkt);
		if (!k) {
			rpmKeyringFree(kr);
			return NULL;
		}
		rpmKeyringAddKey(kr, k);
		int ns = 0;
		rpmPubkey *subs = rpmGetSubkeys(k, &ns);
		for (int j = 0; subs && j < ns; j++) {
			rpmKeyringAddKey(kr, subs[j]);
			rpmPubkeyFree(subs[j]);
		}
		free(subs);
		rpmPubkeyFree(k);
	}
	return kr;
}

rpm_checked *rpm_checked_new(size_t n, char *const *keys)
{
	if (n == 0 || rpm_setup() < 0)
		return NULL;
	/* Every package stays open until the transaction has read it. */
	rlim_t need = (rlim_t)n + 256;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return NULL;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
			log_info(
				"%zu packages cannot be held open at once (open-file limit %llu); the transaction checks them itself",
				n, (unsigned long long)rl.rlim_max);
			return NULL;
		}
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return NULL;
	}
	rpmKeyring kr = keyring_from(keys);
	if (!kr) {
		log_warning("a repository key does not parse; the transaction checks the packages");
		return NULL;
	}
	rpm_checked *c = xcalloc(1, sizeof(*c));
	c->n = n;
	c->keyring = kr;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->hdrid = xcalloc(n, sizeof(*c->hdrid));
	c->fd = xcalloc(n, sizeof(*c->fd));
	c->hdr = xcalloc(n, sizeof(*c->hdr));
	c->rc = xcalloc(n, sizeof(*c->rc));
	c->why = xcalloc(n, sizeof(*c->why));
	c->whole_bad = xcalloc(n, sizeof(*c->whole_bad));
	for (size_t i = 0; i < n; i++) {
		c->fd[i] = -1;
		c->rc[i] = 1;
	}
	return c;
}

void rpm_checked_free(rpm_checked *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		headerFree(c->hdr[i]);
		free(c->hdrid[i]);
	}
	for (size_t i = 0; i < c->n_pool; i++)
		rpmtsFree(c->pool[i]);
	free(c->pool);
	rpmKeyringFree(c->keyring);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c->hdrid);
	free(c->fd);
	free(c->hdr);
	free(c->rc);
	free(c->why);
	free(c->whole_bad);
	free(c);
}

/* A transaction set of the pool: rpm_checked's keys only, the level
 * rpmtsRun() would check at with gpgcheck (digests and signatures), the
 * flags of the configuration, as the transaction's own. */
static rpmts checked_ts_get(rpm_checked *c)
{
	pthread_mutex_lock(&c->lock);
	rpmts ts = c->n_pool ? c->pool[--c->n_pool] : NULL;
	if (!ts) {
		ts = rpmtsCreate();
		rpmtsSetKeyring(ts, c->keyring);
		rpmtsSetVfyLevel(ts, RPMSIG_DIGEST_TYPE | RPMSIG_SIGNATURE_TYPE);
	}
	pthread_mutex_unlock(&c->lock);
	return ts;
}

static void checked_ts_put(rpm_checked *c, rpmts ts, double busy)
{
	pthread_mutex_lock(&c->lock);
	c->pool = xrealloc(c->pool, (c->n_pool + 1) * sizeof(*c->pool));
	c->pool[c->n_pool++] = ts;
	c->busy += busy;
	pthread_mutex_unlock(&c->lock);
}

void rpm_checked_reserve(rpm_checked *c, size_t k)
{
	if (!c)
		return;
	rpmts ts[16];
	size_t n = k < 16 ? k : 16;
	for (size_t i = 0; i < n; i++)
		ts[i] = checked_ts_get(c);
	for (size_t i = 0; i < n; i++)
		checked_ts_put(c, ts[i], 0);
}

/* Package i's result, for whoever waits for it (the streamed
 * transaction). */
static void checked_set(rpm_checked *c, size_t i, int rc, const char *why)
{
	pthread_mutex_lock(&c->lock);
	c->rc[i] = rc;
	if (why)
		c->why[i] = why;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void rpm_checked_fail(rpm_checked *c, size_t i, int rc, const char *why)
{
	if (c && i < c->n)
		checked_set(c, i, rc < 0 ? rc : -EIO, why);
}

/* Why a header that rpmReadPackageFile() returned rc for is refused, or
 * NULL. */
static const char *header_refusal(rpmRC rc, Header h)
{
	switch (rc) {
	case RPMRC_OK:
		return has_signature(h) ? NULL : "it is not signed";
	case RPMRC_NOKEY:
	case RPMRC_NOTTRUSTED:
		return "it is signed by a key that none of the repositories' keys (gpgkey) is";
	default:
		return "its digests or signature do not verify (damaged or tampered with)";
	}
}

/* The digest that names a header (SHA-256, else SHA-1), NULL if none. */
static char *header_id(Header h)
{
	char *id = headerGetAsString(h, RPMTAG_SHA256HEADER);
	if (!id || !id[0]) {
		free(id);
		id = headerGetAsString(h, RPMTAG_SHA1HEADER);
	}
	if (id && !id[0]) {
		free(id);
		id = NULL;
	}
	return id;
}

/* Whether no one but root can change the file's bytes while it is open:
 * owned by root, not writable by group or others, on a local file system
 * (a network one's server can change it under us). */
static bool only_root_writes(int fd)
{
	struct stat st;
	struct statfs sf;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case NFS_SUPER_MAGIC:
	case SMB_SUPER_MAGIC:
	case 0xFF534D42UL: /* cifs */
	case 0xFE534D42UL: /* smb2 */
	case FUSE_SUPER_MAGIC:
	case V9FS_MAGIC:
	case CEPH_SUPER_MAGIC:
	case AFS_FS_MAGIC:
	case CODA_SUPER_MAGIC:
		return false;
	default:
		break;
	}
	return st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* A copy of src in an unnamed file (O_TMPFILE, 0600) of dir: no name, so
 * only this fd reaches it. Returns the fd or -errno. */
static int private_copy(int src, int dir_fd)
{
	int fd = openat(dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	char buf[1 << 16];
	off_t off = 0;
	for (;;) {
		ssize_t k = pread(src, buf, sizeof(buf), off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				return fd;
			break;
		}
		for (ssize_t w = 0; w < k;) {
			ssize_t m = write(fd, buf + w, (size_t)(k - w));
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				goto fail;
			w += m;
		}
		off += k;
	}
fail:;
	int r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

/* An FD_t over fd from its first byte (a dup: the offset is shared). */
static FD_t fd_from_start(int fd)
{
	FD_t f = fdDup(fd);
	if (f && lseek(Fileno(f), 0, SEEK_SET) != 0) {
		Fclose(f);
		f = NULL;
	}
	return f;
}

/* The whole-file check rpmtsRun() does, on fd (rpmVerifySignatures() is
 * the code it runs: rpmpkgRead() and rpmvsVerify() at the transaction
 * set's level and flags with its keys). */
static bool whole_file_ok(rpmts ts, int fd, const char *path)
{
	struct rpmQVKArguments_s qva = {0};
	FD_t f = fd_from_start(fd);
	bool ok = f && rpmVerifySignatures(&qva, ts, f, path) == 0;
	if (f)
		Fclose(f);
	return ok;
}

/* The package's header read at fd (from its first byte), its digests and
 * signature checked with ts's keys (rpmReadPackageFile()). */
static rpmRC read_header_at(rpmts ts, int fd, const char *name, Header *ret)
{
	FD_t f = fd_from_start(fd);
	rpmRC rc = f ? rpmReadPackageFile(ts, f, name, ret) : RPMRC_FAIL;
	if (f)
		Fclose(f);
	return rc;
}

int rpm_check_package(rpm_checked *c, size_t i, const rpm_install_pkg *p, const char *spool)
{
	int fd = open(p->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;
		checked_set(c, i, r, "it cannot be opened as a file");
		return log_error_errno(r, "cannot open package '%s'", p->path);
	}
	_cleanup_close_ int spool_fd = open(spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return rpm_check_package_fd(c, i, p, fd, spool_fd);
}

int rpm_check_package_fd(rpm_checked *c, size_t i, const rpm_install_pkg *p, int fd, int spool_fd)
{
	double t0 = mono_s();
	int r = 0;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		r = -EINVAL;
	if (r < 0) {
		close(fd);
		checked_set(c, i, r, "it cannot be opened as a file");
		return log_error_errno(r, "cannot open package '%s'", p->path);
	}
	if (!only_root_writes(fd)) {
		int copy = private_copy(fd, spool_fd);
		close(fd);
		if (copy < 0) {
			checked_set(c, i, copy, "no private copy of it could be made");
			return log_error_errno(
				copy,
				"cannot copy package '%s' (others can change it) into the installer's spool",
				p->path);
		}
		fd = copy;
		pthread_mutex_lock(&c->lock);
		c->copies++;
		pthread_mutex_unlock(&c->lock);
	}
	c->fd[i] = fd;
	pthread_mutex_lock(&c->lock);
	if (c->first == 0)
		c->first = t0;
	pthread_mutex_unlock(&c->lock);
	rpmts ts = checked_ts_get(c);
	bool quiet = quiet_notices;
	quiet_notices = true;
	/* The header as rpm_install() reads it (rpmReadPackageFile(): its
	 * digests and signature), and why it is refused, if it is. */
	Header h = NULL;
	const char *why = header_refusal(read_header_at(ts, fd, p->path, &h), h);
	/* Streamed: the transaction holds the header read first; this file
	 * must carry that very header. */
	if (!why && c->streamed) {
		_cleanup_free_ char *id = header_id(h);
		if (!id || !c->hdrid[i] || strcmp(id, c->hdrid[i]) != 0)
			why = "its header is not the one read before the transaction (the server sent another file)";
	}
	/* Then the whole file, payload digest included. */
	if (!why && !whole_file_ok(ts, fd, p->path)) {
		why = "its digests or signature do not verify (damaged or tampered with)";
		c->whole_bad[i] = true;
	}
	quiet_notices = quiet;
	checked_ts_put(c, ts, mono_s() - t0);
	if (why) {
		headerFree(h);
		checked_set(c, i, -EBADMSG, why);
		return -EBADMSG;
	}
	if (c->streamed)
		headerFree(h);
	else
		c->hdr[i] = h;
	checked_set(c, i, 0, NULL);
	return 0;
}

int rpm_check_header(rpm_checked *c, size_t i, const rpm_install_pkg *p, int fd, bool probe)
{
	double t0 = mono_s();
	rpmts ts = checked_ts_get(c);
	bool quiet = quiet_notices;
	quiet_notices = true;
	Header h = NULL;
	rpmRC rc = read_header_at(ts, fd, p->nevra, &h);
	quiet_notices = quiet;
	checked_ts_put(c, ts, mono_s() - t0);
	const char *why = header_refusal(rc, h);
	char *id = why ? NULL : header_id(h);
	if (!why && !id)
		why = "its header has no digest";
	if (why) {
		headerFree(h);
		free(id);
		if (probe)
			return -EBADMSG;
		checked_set(c, i, -EBADMSG, why);
		log_error("package '%s' is refused: %s; nothing was installed", p->nevra, why);
		return -EBADMSG;
	}
	pthread_mutex_lock(&c->lock);
	c->streamed = true;
	c->hdr[i] = h;
	c->hdrid[i] = id;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* Streamed: waits until package i is checked (or the install is
 * interrupted: -EINTR); its result. */
static int checked_wait(rpm_checked *c, size_t i)
{
	pthread_mutex_lock(&c->lock);
	double t0 = c->rc[i] == 1 ? mono_s() : 0;
	while (c->rc[i] == 1 && !interrupt_requested()) {
		struct timespec ts = deadline_after_ms(CLOCK_REALTIME, 200);
		pthread_cond_timedwait(&c->cond, &c->lock, &ts);
	}
	int r = c->rc[i] == 1 ? -EINTR : c->rc[i];
	if (t0 > 0)
		c->waited += mono_s() - t0;
	pthread_mutex_unlock(&c->lock);
	return r;
}

/* The whole-file check of package i once more, verbosely: librpm's log
 * then says which digest or signature failed. */
static void checked_explain(rpm_checked *c, size_t i, const char *path)
{
	if (c->fd[i] < 0)
		return;
	rpmts ts = checked_ts_get(c);
	int mask = rpmlogSetMask(0);
	rpmSetVerbosity(RPMLOG_INFO);
	whole_file_ok(ts, c->fd[i], path);
	rpmlogSetMask(mask);
	checked_ts_put(c, ts, 0);
}

/* After rpm_check_package() of every package: each one refused is named
 * (with which digest or signature failed, from librpm, verbosely); returns
 * 0 when all passed, else the first failure. */
static int checked_report(rpm_checked *c, const rpm_install_pkg *pkgs, size_t n)
{
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (c->rc[i] == 0)
			continue;
		if (c->rc[i] == 1) {
			log_error("package '%s' was not checked; nothing was installed",
				  pkgs[i].nevra);
			r = r ? r : -EIO;
			continue;
		}
		if (c->whole_bad[i])
			checked_explain(c, i, pkgs[i].path);
		log_error("package '%s' is refused: %s; nothing was installed", pkgs[i].nevra,
			  c->why[i] ? c->why[i] : strerror(-c->rc[i]));
		r = r ? r : c->rc[i];
	}
	if (r == 0)
		log_info(
			"verified %zu packages (digests, payload, signatures) ahead of the transaction, each as it was fetched: %.2f s of checking on all cores, done %.2f s after the first began; %zu privately copied first",
			n, c->busy, mono_s() - c->first, c->copies);
	return r;
}

/* The file systems the transaction writes to, opened before it starts:
 * rpm chroots into the target for the transaction, where neither the
 * target's path nor /proc/self/mounts can be looked up. */
#define MAX_TARGET_FS 16
typedef struct target_fs {
	int fd[MAX_TARGET_FS];
	char *name[MAX_TARGET_FS]; /* "/", "/var", as the installed system mounts them */
	size_t n;
} target_fs;

static void target_fs_open(target_fs *t, const char *root)
{
	*t = (target_fs){0};
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	t->fd[t->n] = fd;
	t->name[t->n++] = xstrdup("/");
	target_mount *m = NULL;
	size_t n = 0;
	if (target_mounts(root, &m, &n) < 0)
		return;
	for (size_t i = 0; i < n && t->n < MAX_TARGET_FS; i++) {
		if (strcmp(m[i].in, "/") == 0)
			continue;
		fd = open(m[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		t->fd[t->n] = fd;
		t->name[t->n++] = xstrdup(m[i].in);
	}
	target_mounts_free(m, n);
}

static void target_fs_close(target_fs *t)
{
	for (size_t i = 0; i < t->n; i++) {
		close(t->fd[i]);
		free(t->name[i]);
	}
	*t = (target_fs){0};
}

/* Writeback while rpm unpacks: every FLUSH_EVERY bytes of packages
 * installed, a thread of its own syncfs()es the target's file systems, so
 * the disk writes the first packages' files while rpm unpacks the next
 * ones, and the syncfs() at the end has only the rest left to wait for.
 * (Without it, nothing reaches the disk before that syncfs(): the kernel
 * starts writeback at a share of RAM that an install never reaches.) */
#define FLUSH_EVERY (16u << 20)
typedef struct flusher {
	const target_fs *fs;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned asked, done;
	bool stop, started;
	uint64_t since; /* bytes installed since the last request */
} flusher;

static void *flusher_run(void *arg)
{
	flusher *f = arg;
	pthread_mutex_lock(&f->lock);
	while (!f->stop) {
		if (f->asked == f->done) {
			pthread_cond_wait(&f->cond, &f->lock);
			continue;
		}
		unsigned k = f->asked;
		pthread_mutex_unlock(&f->lock);
		for (size_t i = 0; i < f->fs->n; i++)
			(void)syncfs(f->fs->fd[i]);
		pthread_mutex_lock(&f->lock);
		f->done = k;
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

static void flusher_start(flusher *f, const target_fs *fs)
{
	*f = (flusher){.fs = fs};
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	f->started = fs->n > 0 && pthread_create(&f->thread, NULL, flusher_run, f) == 0;
}

/* A package of size bytes was installed. */
static void flusher_add(flusher *f, uint64_t size)
{
	if (!f->started)
		return;
	f->since += size;
	if (f->since < FLUSH_EVERY)
		return;
	f->since = 0;
	pthread_mutex_lock(&f->lock);
	f->asked++;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static void flusher_stop(flusher *f)
{
	if (f->started) {
		pthread_mutex_lock(&f->lock);
		f->stop = true;
		pthread_cond_signal(&f->cond);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
		f->started = false;
	}
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
}

typedef struct run_state {
	target_fs fs;
	flusher flush;
	rpm_checked *checked; /* the files to unpack, checked, open */
	const rpm_install_pkg *pkgs;
	size_t n, done;
	uint64_t bytes, total_bytes;
	FD_t fd;
	bool failed;
	bool interrupted; /* packages refused after SIGINT/SIGTERM */
	/* Streamed: the first package that did not arrive or did not pass
	 * its check, and its result; every package after it is refused. */
	const rpm_install_pkg *refused;
	int refused_rc;
	size_t refused_after; /* packages installed before it */
	char *full;	      /* "the file system on / has 0.4 MiB free; X needs 6.1 MiB" */
} run_state;

/* After a package failed to unpack: was it the disk? rpm's own message
 * does not say (its errno is overwritten by then: "write failed - No
 * such file or directory"; once the disk is full its sqlite database
 * fails too and that is rpm's last word: "database table is locked").
 * rpm has removed the package's half-written files, so a file system of
 * the target with less room than the package's installed size, give or
 * take block overhead, is the cause. Returns the sentence, or NULL. */
static char *short_of_space(const target_fs *t, Header h, const char *nevra)
{
	uint64_t size = h ? headerGetNumber(h, RPMTAG_LONGSIZE) : 0;
	if (size == 0)
		return NULL;
	uint64_t need = size + size / 8 + 1024 * 1024;
	for (size_t i = 0; i < t->n; i++) {
		struct statvfs sv;
		if (fstatvfs(t->fd[i], &sv) < 0 || sv.f_blocks == 0 || (sv.f_flag & ST_RDONLY))
			continue;
		uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		if (avail < need)
			return xasprintf(
				"the file system on %s has %.1f MiB free; %s needs %.1f MiB",
				t->name[i], (double)avail / 1048576.0, nevra,
				(double)size / 1048576.0);
	}
	return NULL;
}

static void *on_event(const void *arg, const rpmCallbackType what, const rpm_loff_t amount,
		      const rpm_loff_t total, fnpyKey key, rpmCallbackData data)
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
		if (interrupt_requested()) {
			if (!st->interrupted)
				log_warning("interrupted: the rpm transaction stops before %s",
					    p->nevra);
			st->interrupted = true;
			return NULL;
		}
		/* Streamed: this package's file may still be on its way. */
		if (st->checked && st->checked->streamed) {
			if (st->refused)
				return NULL;
			size_t i = (size_t)(p - st->pkgs);
			int r = checked_wait(st->checked, i);
			if (r == -EINTR && interrupt_requested()) {
				log_warning("interrupted: the rpm transaction stops before %s",
					    p->nevra);
				st->interrupted = true;
				return NULL;
			}
			if (r < 0) {
				/* Said when rpm is done (its own complaints
				 * about the packages left come first). */
				st->refused = p;
				st->refused_rc = r;
				st->refused_after = st->done;
				return NULL;
			}
		}
		/* Checked ahead: the very file that was checked. */
		if (st->checked)
			st->fd = fd_from_start(st->checked->fd[p - st->pkgs]);
		else
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
		if (p)
			flusher_add(&st->flush, p->size);
		break;
	case RPMCALLBACK_INST_START:
		/* Files are also opened to verify them first, so progress
		 * counts here: bytes of the packages done before this one. */
		if (p) {
			st->done++;
			log_info("installing %s", p->nevra);
			progress_packages(st->done, st->n, st->bytes, st->total_bytes, p->nevra);
			st->bytes += p->size;
		}
		break;
	case RPMCALLBACK_SCRIPT_ERROR:
		/* total is the scriptlet's exit status; rpm goes on with
		 * %post failures and stops for %pre ones. */
		log_warning("a scriptlet of %s failed (status %llu)", p ? p->nevra : "a package",
			    (unsigned long long)total);
		break;
	case RPMCALLBACK_UNPACK_ERROR:
	case RPMCALLBACK_CPIO_ERROR:
		st->failed = true;
		log_error("cannot unpack %s", p ? p->nevra : "a package");
		if (!st->full && p) {
			st->full = short_of_space(&st->fs, (Header)arg, p->nevra);
			if (st->full)
				log_error("%s: %s", st->full, strerror(ENOSPC));
		}
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
	return rpm_install_with(root, pkgs, n, NULL);
}

/* %_install_langs for this transaction only, as Anaconda sets it: librpm
 * reads it when the transaction set is created and skips files of other
 * languages (%lang); "none" becomes %{nil}, which installs no
 * translation. */
static bool push_langs(const rpm_install_opts *o)
{
	if (!o || !o->install_langs || strcmp(o->install_langs, "all") == 0)
		return false;
	const char *v = strcmp(o->install_langs, "none") == 0 ? "%{nil}" : o->install_langs;
	rpmPushMacro(NULL, "_install_langs", NULL, v, RMIL_CMDLINE);
	log_info("rpm: %%_install_langs %s", o->install_langs);
	return true;
}

int rpm_install_with(const char *root, const rpm_install_pkg *pkgs, size_t n,
		     const rpm_install_opts *opts)
{
	rpmts ts = NULL;
	bool langs = push_langs(opts);
	int r = open_ts(root, &ts);
	if (langs)
		rpmPopMacro(NULL, "_install_langs");
	if (r < 0)
		return r;
	/* Imported through this transaction set: a new rpmdb is created by
	 * it, and librpm then writes it without an fsync per package (the
	 * syncfs() at the end makes it durable). */
	if (opts && opts->keys) {
		r = import_keys(ts, opts->keys);
		if (r < 0) {
			close_ts(ts);
			return r;
		}
		log_info("imported %zu repository keys into the target's rpmdb",
			 strv_length(opts->keys));
	}
	if (opts && opts->nodocs) {
		rpmtsSetFlags(ts, rpmtsFlags(ts) | RPMTRANS_FLAG_NODOCS);
		log_info("rpm: documentation excluded (RPMTRANS_FLAG_NODOCS)");
	}
	run_state st = {.pkgs = pkgs, .n = n};
	bool all_signed = true;
	for (size_t i = 0; i < n; i++)
		all_signed = all_signed && pkgs[i].gpgcheck;
	/* Checked ahead, each package as it was fetched: every one passed or
	 * nothing is installed; their headers are read. */
	rpm_checked *checked = opts && all_signed ? opts->checked : NULL;
	const bool streamed = checked && checked->n == n && checked->streamed;
	if (streamed)
		st.checked = checked;
	else if (checked && checked->n == n) {
		st.checked = checked;
		r = checked_report(checked, pkgs, n);
		if (r < 0) {
			close_ts(ts);
			return r;
		}
	}
	/* Else, every package's repository has gpgcheck (the usual case): the
	 * whole-file check runs on the second core from now on. Otherwise
	 * rpmtsRun() does it at the digest level, as rpm -i would (it lets
	 * a signature by an unknown key pass there). */
	verifier v = {0};
	bool ahead = st.checked ||
		     (all_signed && n > 0 &&
		      verifier_start(&v, ts, pkgs, n, RPMSIG_DIGEST_TYPE | RPMSIG_SIGNATURE_TYPE));
	for (size_t i = 0; i < n && r >= 0; i++) {
		Header h = NULL;
		if (st.checked) {
			/* Taken: freed once added, not held to the end. */
			h = st.checked->hdr[i];
			st.checked->hdr[i] = NULL;
			if (!h) {
				log_error("package '%s' has no checked header", pkgs[i].nevra);
				r = -EIO;
			}
		} else
			r = read_verified(ts, &pkgs[i], &h);
		if (r < 0)
			break;
		st.total_bytes += pkgs[i].size;
		if (rpmtsAddInstallElement(ts, h, (fnpyKey)&pkgs[i], 1, NULL)) {
			log_error("librpm cannot add '%s' to the transaction", pkgs[i].nevra);
			r = -EINVAL;
		}
		headerFree(h);
	}
	if (r < 0) {
		verifier_finish(&v, true);
		/* Every bad package is named, not only the first. */
		for (size_t i = 0; r == -EBADMSG && !st.checked && i < n; i++) {
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
		verifier_finish(&v, true);
		log_problems(ts, "dependency problem");
		close_ts(ts);
		return -EPROTO;
	}
	rpmtsOrder(ts);
	if (streamed && opts->ordered) {
		/* The files are fetched and checked in the order rpm wants
		 * them, while it installs those already there. */
		size_t *order = xcalloc(n, sizeof(*order));
		size_t k = 0;
		rpmtsi pi = rpmtsiInit(ts);
		rpmte te;
		while (k < n && (te = rpmtsiNext(pi, TR_ADDED))) {
			const rpm_install_pkg *p = rpmteKey(te);
			if (p)
				order[k++] = (size_t)(p - pkgs);
		}
		rpmtsiFree(pi);
		opts->ordered(opts->ordered_data, order, k);
		free(order);
	}
	if (ahead) {
		/* Nothing is unpacked before every package passed. */
		if ((!st.checked && verifier_finish(&v, interrupt_requested()) > 0) ||
		    interrupt_requested()) {
			close_ts(ts);
			return interrupt_requested() ? -EINTR : -EBADMSG;
		}
		rpmtsSetVfyLevel(ts, 0);
	} else {
		/* Before anything is unpacked, rpm checks each whole file
		 * (payload digest included) at this level. */
		rpmtsSetVfyLevel(ts, RPMSIG_DIGEST_TYPE | (all_signed ? RPMSIG_SIGNATURE_TYPE : 0));
	}
	rpmtsSetNotifyCallback(ts, on_event, &st);
	int mfd = memfd_create("rpm-scriptlets", MFD_CLOEXEC);
	FD_t sfd = mfd >= 0 ? fdDup(mfd) : NULL;
	if (sfd)
		rpmtsSetScriptFd(ts, sfd);
	log_info("rpm transaction: %zu packages into '%s'", n, root);
	target_fs_open(&st.fs, root);
	flusher_start(&st.flush, &st.fs);
	int rc = rpmtsRun(ts, NULL, RPMPROB_FILTER_NONE);
	flusher_stop(&st.flush);
	target_fs_close(&st.fs);
	if (st.interrupted || interrupt_requested()) {
		log_error("interrupted: the rpm transaction stopped after %zu of %zu packages",
			  st.done, n);
		r = -EINTR;
	} else if (st.refused) {
		size_t i = (size_t)(st.refused - pkgs);
		if (checked->whole_bad[i])
			checked_explain(checked, i, st.refused->path);
		log_error(
			"package '%s' is refused: %s; the rpm transaction stopped before it: %zu of %zu packages were installed, none after it",
			st.refused->nevra,
			checked->why[i] ? checked->why[i] : strerror(-st.refused_rc),
			st.refused_after, n);
		r = st.refused_rc;
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
			verify = verify || rpmProblemGetType(prob) == RPMPROB_VERIFY;
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
	if (st.full) {
		/* The last word (the install's failure message), after what
		 * rpm's database said on closing. */
		if (r < 0)
			log_error("the rpm transaction failed because %s: %s", st.full,
				  strerror(ENOSPC));
		free(st.full);
	}
	if (r < 0)
		return r;
	if (streamed)
		log_info(
			"verified %zu packages (digests, payload, signatures) as they arrived, beside the transaction: %.2f s of checking on all cores; the transaction waited %.2f s for packages on their way",
			n, checked->busy, checked->waited);
	progress_packages(n, n, st.total_bytes, st.total_bytes, "packages installed");
	/* One flush for the whole tree instead of one per file. */
	double t0 = mono_s();
	_cleanup_close_ int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0 && syncfs(dfd) < 0)
		log_warning("syncfs('%s') failed: %s", root, strerror(errno));
	log_info("syncfs('%s') took %.2f s", root, mono_s() - t0);
	log_info("installed %zu packages into '%s'", n, root);
	return 0;
}
