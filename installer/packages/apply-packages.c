/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packages phase: repositories (repo.c), depsolving (depsolve.c,
 * libsolv), downloads of remote packages into the cache, then the keys
 * and one rpm transaction into the target (rpm-install.c, librpm).
 * docs/packages.md describes the rules.
 */
#include "apply-packages.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "depsolve.h"
#include "fetch.h"
#include "i18n.h"
#include "interrupt.h"
#include "log.h"
#include "netconf.h"
#include "progress.h"
#include "repo.h"
#include "run.h"
#include "rpm-install.h"
#include "target.h"

typedef struct fetch_ctx {
	const azl_repo_src *repo;
} fetch_ctx;

static int fetch_from_repo(void *userdata, const char *relpath, const char *chk_type,
			   const char *chk_hex, char **ret_path)
{
	fetch_ctx *c = userdata;
	return repo_fetch(c->repo, relpath, chk_type, chk_hex, ret_path);
}

/* Loads every repository and solves the model's request. check: the
 * check before anything is written (packages_check()): no progress
 * events, and the names no repository has in *missing. root NULL: an
 * empty target. */
static int solve(const azl_model *m, const azl_repo_list *repos, char *const *extra,
		 const char *root, bool check, char ***missing, depsolve_pkg **ret, size_t *ret_n)
{
	double t0 = mono_s();
	_cleanup_solver_ azl_solver *s = NULL;
	int r = rpm_setup();
	if (r < 0)
		return r;
	/* libsolv reads the target's rpmdb through librpm, by its path. */
	r = root ? rpm_check_dbpath(root, false) : 0;
	if (r < 0)
		return r;
	r = depsolve_new(root, &s);
	if (r < 0)
		return r;
	/* The solver may come back for filelists: ctx lives as long. */
	_cleanup_free_ fetch_ctx *ctx = xcalloc(repos->n + 1, sizeof(*ctx));
	for (size_t i = 0; i < repos->n; i++) {
		const azl_repo_src *src = &repos->repos[i];
		if (!check)
			progress_phase(AZL_PHASE_PACKAGES, 0, _("Reading repository %s"),
				       src->name);
		log_info("repository '%s': %s (priority %d, gpgcheck %s)", src->name, src->baseurl,
			 src->priority, src->gpgcheck ? "on" : "off");
		ctx[i].repo = src;
		r = depsolve_add_repo(s, i, src->name, src->priority, src->solv_dir,
				      fetch_from_repo, &ctx[i]);
		if (r < 0) {
			log_error("repository '%s' (%s) cannot be read", src->name, src->baseurl);
			/* -ENOENT is kept for a missing package. */
			return r == -ENOENT ? -ENXIO : r;
		}
	}
	const azl_packages *p = &m->packages;
	char *const fallback[] = {(char *)"@minimal", NULL};
	_cleanup_strv_free_ char **install =
		strv_copy(p->install && p->install[0] ? p->install : fallback);
	for (size_t i = 0; extra && extra[i]; i++)
		if (!strv_contains(install, extra[i]))
			strv_push(&install, xstrdup(extra[i]));
	/* The release package (/etc/os-release: without it systemd refuses
	 * to switch root) is in every transaction, @minimal or not, as
	 * Anaconda always adds @core, which holds it; "?": when a repository
	 * provides it. */
	if (!strv_contains(install, "?system-release"))
		strv_push(&install, xstrdup("?system-release"));
	depsolve_request rq = {
		.install = install,
		.exclude = p->exclude,
		.ignore_missing = p->ignore_missing,
		.weak_deps = p->install_weak_deps,
		.missing = missing,
	};
	if (!check)
		progress_phase(AZL_PHASE_PACKAGES, 1, _("Resolving dependencies"));
	r = depsolve_solve(s, &rq, ret, ret_n);
	if (r < 0)
		return r;
	log_info("depsolving%s took %.3f s", check ? " (the check before anything is written)" : "",
		 mono_s() - t0);
	return 0;
}

int packages_solve(const azl_model *m, const azl_cli_repos *repos, char *const *extra,
		   const char *root, char ***ret)
{
	azl_repo_list l = {0};
	int r = repo_list_build(&m->packages, repos, NULL, &l);
	if (r < 0)
		return r;
	depsolve_pkg *pkgs = NULL;
	size_t n = 0;
	r = solve(m, &l, extra, root, false, NULL, &pkgs, &n);
	repo_list_done(&l);
	if (r < 0)
		return r;
	char **names = NULL;
	for (size_t i = 0; i < n; i++)
		strv_push(&names, xstrdup(pkgs[i].nevra));
	depsolve_pkgs_free(pkgs, n);
	if (names)
		strv_sort_n(names, n);
	*ret = names;
	return 0;
}

/* Packages downloaded side by side: as many transfers at once (each over
 * a connection kept open from one file to the next, fetch.c), enough to
 * fill a link with a long round trip. */
#define DOWNLOADS_AT_ONCE 4

typedef struct dl_pool {
	const azl_run_ctx *ctx;
	const azl_repo_list *repos;
	char **dirs; /* [repos->n]: where to download, NULL: the cache */
	const depsolve_pkg *pkgs;
	size_t n;
	char **paths; /* [n] */
	int *rc;      /* [n] */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t next, done, running;
	uint64_t done_bytes;
	bool stop;
	/* Set when the pool is stopped: downloads under way end too. */
	atomic_bool cancel;
	/* Each package checked by the thread that fetched it (NULL: by the
	 * transaction); a package that does not pass stops nothing. */
	rpm_checked *checked;
	/* Streamed: the order to fetch in (rpm's), the threads, started by
	 * the transaction once it is ordered; a failure goes to checked,
	 * where the transaction waits for each package. */
	size_t *order;
	bool streamed;
	repo_dirs *rd; /* [repos->n], streamed: opened before the chroot */
	int *prefd;    /* [n], streamed: packages opened already (hdr_pool) */
	int *spool_fd; /* [repos->n] */
	/* Streamed: threads of their own fetch the larger remote packages
	 * from the start, beside the header requests (ahead[n_ahead], in
	 * libsolv's order, those with no copy in the cache: the header step
	 * checks those); once rpm's order is known, those still running go
	 * on with every package not there yet in that order (from
	 * ahead_pos). Each is checked by the thread that takes it in rpm's
	 * order (state). */
	size_t *ahead, n_ahead, ahead_next, ahead_pos;
	unsigned char *state;	  /* [n]: PKG_* */
	int *ahead_fd, *ahead_rc; /* [n] */
	/* Streamed: the packages being downloaded (fly[n_fly]; at most one
	 * per thread), and how many bytes of each have arrived ([n],
	 * fetch_count_on()). */
	size_t fly[2 * DOWNLOADS_AT_ONCE], n_fly;
	_Atomic uint64_t *got;
	bool *held; /* [n] its download waited for the window */
	size_t remote, started, ahead_started, ahead_running;
	pthread_t threads[DOWNLOADS_AT_ONCE];
	pthread_t ahead_threads[DOWNLOADS_AT_ONCE];
} dl_pool;

enum { PKG_TODO, PKG_AHEAD, PKG_FETCHED, PKG_TAKEN };

/* The directory of the installer's own for a repository (its cache's,
 * made now), where rpm_check_package() copies a package that others can
 * change: the parent of its parsed-metadata cache. */
static char *spool_dir(const azl_repo_src *src)
{
	const char *s = strrchr(src->solv_dir, '/');
	char *d = xstrndup(src->solv_dir, s ? (size_t)(s - src->solv_dir) : strlen(src->solv_dir));
	for (char *c = d + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		(void)mkdir(d, 0755);
		*c = '/';
	}
	(void)mkdir(d, 0700);
	return d;
}

/* The check of package i (rpm-install.c) right after it was fetched. */
static int check_one(const dl_pool *p, size_t i, const char *path)
{
	const depsolve_pkg *pkg = &p->pkgs[i];
	const azl_repo_src *src = &p->repos->repos[pkg->repo];
	rpm_install_pkg item = {
		.path = path, .nevra = pkg->nevra, .size = pkg->size, .gpgcheck = src->gpgcheck};
	_cleanup_free_ char *spool = spool_dir(src);
	return rpm_check_package(p->checked, i, &item, spool);
}

/* One package: in place, or downloaded into the cache and checked against
 * primary.xml's checksum. */
static int fetch_one(const dl_pool *p, size_t i, char **ret)
{
	const depsolve_pkg *pkg = &p->pkgs[i];
	const azl_repo_src *src = &p->repos->repos[pkg->repo];
	uint64_t max = pkg->size && pkg->size < FETCH_MAX_PACKAGE ? pkg->size : FETCH_MAX_PACKAGE;
	return repo_fetch_into(src, p->dirs ? p->dirs[pkg->repo] : NULL, pkg->location, max,
			       pkg->checksum_type, pkg->checksum, ret);
}

/* The bytes still to come of the downloads under way, at most this
 * many before another one starts (streamed; the header requests are not
 * counted). The line then carries the packages in the order rpm installs
 * them: one that rpm needs later does not take a share of it from one
 * rpm waits for. Through bench/bench-network.sh's 1 Gbit/s line the
 * transaction waited for kernel-modules (43 MiB, 90th of 138) until
 * nearly every byte had arrived, as the four downloads beside it had
 * fetched the packages after it meanwhile. A window, not one download
 * at a time: the next request goes out while the last MiBs of the one
 * before arrive, and several small packages are on their way at once.
 * Measured (docs/performance.md, section (d)): the install 0.95x as long
 * through a 200 Mbit/s line; through 1 Gbit/s no gain beyond the noise. */
#ifndef WINDOW_BYTES
#define WINDOW_BYTES (8ull << 20)
#endif

/* The window: WINDOW_BYTES, or $AZL_FETCH_WINDOW bytes (0: none). */
static uint64_t window_bytes(void)
{
	static _Atomic uint64_t w;
	uint64_t v = atomic_load(&w);
	if (!v) {
		uint64_t x = 0;
		int r = env_uint("AZL_FETCH_WINDOW", UINT64_MAX, &x);
		v = r > 0 ? (x ? x : UINT64_MAX) : WINDOW_BYTES;
		/* Said once: the first thread to look stores v. */
		uint64_t none = 0;
		if (atomic_compare_exchange_strong(&w, &none, v) && r < 0) {
			_cleanup_free_ char *shown =
				str_escape_untrusted(getenv("AZL_FETCH_WINDOW"));
			log_warning(
				"AZL_FETCH_WINDOW='%s' is not a number of bytes (digits only, below 2^64); the default window (%.1f MiB) is used",
				shown, (double)WINDOW_BYTES / 1048576.0);
		}
	}
	return v;
}

/* Whether the downloads under way leave no room for another. Called with
 * the pool's lock held. */
static bool window_full(const dl_pool *p)
{
	uint64_t left = 0;
	for (size_t k = 0; k < p->n_fly; k++) {
		size_t i = p->fly[k];
		uint64_t got = atomic_load(&p->got[i]);
		left += p->pkgs[i].size > got ? p->pkgs[i].size - got : 0;
	}
	return p->n_fly > 0 && left >= window_bytes();
}

/* Package i's download starts / ends. Called with the pool's lock held. */
static void fly_add(dl_pool *p, size_t i)
{
	if (p->n_fly < ELEMENTSOF(p->fly))
		p->fly[p->n_fly++] = i;
}

static void fly_del(dl_pool *p, size_t i)
{
	for (size_t k = 0; k < p->n_fly; k++)
		if (p->fly[k] == i) {
			p->fly[k] = p->fly[--p->n_fly];
			return;
		}
}

/* Waits a little for the window (or for another thread), with the pool's
 * lock held: progress is not signalled, so this looks again every 5 ms. */
static void window_wait(dl_pool *p)
{
	struct timespec t = deadline_after_ms(CLOCK_MONOTONIC, 5);
	(void)pthread_cond_timedwait(&p->cond, &p->lock, &t);
}

/* Streamed: package i fetched (not checked: that is for the thread that
 * takes it in rpm's order, after its header) into ahead_fd[i] /
 * ahead_rc[i]. Called and returns with the pool's lock held. */
static void fetch_ahead(dl_pool *p, size_t i)
{
	p->state[i] = PKG_AHEAD;
	fly_add(p, i);
	bool ordered = p->order != NULL; /* read under the lock */
	pthread_mutex_unlock(&p->lock);
	const depsolve_pkg *pkg = &p->pkgs[i];
	const azl_repo_src *src = &p->repos->repos[pkg->repo];
	uint64_t max = pkg->size && pkg->size < FETCH_MAX_PACKAGE ? pkg->size : FETCH_MAX_PACKAGE;
	int fd = -1;
	fetch_count_on(&p->got[i]);
	int r = run_cancelled(p->ctx)
			? -EINTR
			: repo_open_package(src, &p->rd[pkg->repo], pkg->location, max,
					    pkg->checksum_type, pkg->checksum, &fd);
	fetch_count_on(NULL);
	if (r >= 0)
		log_debug("'%s' fetched ahead%s", pkg->nevra, ordered ? "" : " of rpm's order");
	pthread_mutex_lock(&p->lock);
	fly_del(p, i);
	p->ahead_fd[i] = r < 0 ? -1 : fd;
	p->ahead_rc[i] = r < 0 ? r : 0;
	p->state[i] = PKG_FETCHED;
	pthread_cond_broadcast(&p->cond);
}

/* The next package to fetch ahead, SIZE_MAX when none is left: the larger
 * ones in libsolv's order until rpm's order is known, then every remote
 * one not there yet in rpm's. Called with the pool's lock held. */
static size_t ahead_next(dl_pool *p)
{
	while (!p->stop) {
		/* The next candidate, and the count of those looked at. */
		size_t i, *pos;
		bool skip;
		if (!p->order) {
			if (p->ahead_next >= p->n_ahead)
				return SIZE_MAX; /* every larger one is under way */
			pos = &p->ahead_next;
			i = p->ahead[*pos];
			const depsolve_pkg *pkg = &p->pkgs[i];
			skip = p->state[i] != PKG_TODO ||
			       faccessat(p->rd[pkg->repo].cache_fd, pkg->location, F_OK, 0) == 0;
		} else {
			if (p->ahead_pos >= p->n)
				return SIZE_MAX;
			pos = &p->ahead_pos;
			i = p->order[*pos];
			skip = p->state[i] != PKG_TODO || p->prefd[i] >= 0 ||
			       !p->repos->repos[p->pkgs[i].repo].cache_dir;
		}
		if (skip) {
			(*pos)++;
			continue;
		}
		if (window_full(p)) {
			p->held[i] = true;
			window_wait(p);
			continue;
		}
		(*pos)++;
		return i;
	}
	return SIZE_MAX;
}

static void *ahead_worker(void *arg)
{
	dl_pool *p = arg;
	fetch_cancel_on(&p->cancel);
	pthread_mutex_lock(&p->lock);
	for (size_t i; (i = ahead_next(p)) != SIZE_MAX;)
		fetch_ahead(p, i);
	p->ahead_running--;
	pthread_cond_broadcast(&p->cond); /* pool_next() waits for none left */
	pthread_mutex_unlock(&p->lock);
	fetch_cancel_on(NULL);
	return NULL;
}

/* A thread of the pool started, counted in *running (under the lock:
 * the thread takes itself off when it ends). */
static bool thread_counted(dl_pool *p, pthread_t *t, void *(*fn)(void *), size_t *running)
{
	pthread_mutex_lock(&p->lock);
	(*running)++;
	pthread_mutex_unlock(&p->lock);
	if (pthread_create(t, NULL, fn, p) == 0)
		return true;
	pthread_mutex_lock(&p->lock);
	(*running)--;
	pthread_mutex_unlock(&p->lock);
	return false;
}

/* Streamed: the threads that fetch ahead, started before the headers are
 * read. */
static void ahead_start(dl_pool *p)
{
	size_t want = p->n_ahead < DOWNLOADS_AT_ONCE ? p->n_ahead : DOWNLOADS_AT_ONCE;
	if (want > 0)
		fetch_global_init();
	for (; p->ahead_started < want; p->ahead_started++)
		if (!thread_counted(p, &p->ahead_threads[p->ahead_started], ahead_worker,
				    &p->ahead_running))
			break;
}

/* Streamed: whether package i is still to be downloaded by the thread
 * that takes it. Called with the pool's lock held. */
static bool must_fetch(const dl_pool *p, size_t i)
{
	return p->prefd[i] < 0 && p->ahead_fd[i] < 0 && p->ahead_rc[i] == 0 &&
	       p->repos->repos[p->pkgs[i].repo].cache_dir;
}

/* The next package to check (and fetch, if no one has), in rpm's order
 * when streamed, or SIZE_MAX when there is none (or the pool stops); waits
 * for a package being fetched ahead. Called with the pool's lock held. */
static size_t pool_next(dl_pool *p)
{
	if (p->stop || p->next >= p->n)
		return SIZE_MAX;
	size_t i = p->order ? p->order[p->next] : p->next;
	p->next++;
	/* A package no one has fetched yet is left to the threads fetching
	 * ahead while they run: they take them in rpm's order, the window
	 * kept. Else it is fetched here, the window kept. */
	while (p->state) {
		if (p->state[i] == PKG_AHEAD)
			pthread_cond_wait(&p->cond, &p->lock);
		else if (p->state[i] == PKG_TODO && !p->stop && must_fetch(p, i) &&
			 (p->ahead_running > 0 || window_full(p))) {
			if (!p->ahead_running)
				p->held[i] = true;
			window_wait(p);
		} else
			break;
	}
	if (p->state)
		p->state[i] = PKG_TAKEN;
	return i;
}

static void *dl_worker(void *arg)
{
	dl_pool *p = arg;
	fetch_cancel_on(&p->cancel);
	pthread_mutex_lock(&p->lock);
	for (size_t i; (i = pool_next(p)) != SIZE_MAX;) {
		int fd = -1, r = 0, checked = 0;
		if (p->streamed) {
			/* Taken: the file opened by the header step, or fetched
			 * ahead (or why it could not be). */
			fd = p->prefd[i];
			p->prefd[i] = -1;
			if (p->ahead_fd[i] >= 0) {
				if (fd < 0)
					fd = p->ahead_fd[i];
				else
					close(p->ahead_fd[i]);
				p->ahead_fd[i] = -1;
			} else if (fd < 0 && p->ahead_rc[i] < 0)
				r = p->ahead_rc[i];
			if (fd < 0 && r == 0)
				fly_add(p, i); /* fetched here, below */
		}
		pthread_mutex_unlock(&p->lock);
		char *path = NULL;
		if (r == 0 && run_cancelled(p->ctx))
			r = -EINTR;
		if (r == 0 && p->streamed) {
			/* rpm has chrooted the process into the target: only
			 * what is open already leads back out. */
			const depsolve_pkg *pkg = &p->pkgs[i];
			const azl_repo_src *src = &p->repos->repos[pkg->repo];
			uint64_t max = pkg->size && pkg->size < FETCH_MAX_PACKAGE
					       ? pkg->size
					       : FETCH_MAX_PACKAGE;
			if (fd < 0) {
				fetch_count_on(&p->got[i]);
				r = repo_open_package(src, &p->rd[pkg->repo], pkg->location, max,
						      pkg->checksum_type, pkg->checksum, &fd);
				fetch_count_on(NULL);
				/* Nothing more to come while it is checked. */
				atomic_store(&p->got[i], pkg->size);
			}
			rpm_install_pkg item = {.path = pkg->location,
						.nevra = pkg->nevra,
						.size = pkg->size,
						.gpgcheck = src->gpgcheck};
			if (r >= 0) {
				checked = rpm_check_package_fd(p->checked, i, &item, fd,
							       p->spool_fd[pkg->repo]);
				fd = -1; /* taken */
			}
		} else if (r == 0) {
			r = fetch_one(p, i, &path);
			checked = r >= 0 && p->checked ? check_one(p, i, path) : 0;
		}
		if (fd >= 0)
			close(fd);
		if (r < 0 && p->streamed)
			rpm_checked_fail(p->checked, i, r,
					 r == -EINTR ? "the install was interrupted"
						     : "it could not be fetched");
		pthread_mutex_lock(&p->lock);
		fly_del(p, i);
		p->paths[i] = path;
		p->rc[i] = r;
		p->done++;
		p->done_bytes += p->pkgs[i].size;
		/* Streamed, a refused package ends the transaction there. */
		if (r < 0 || (p->streamed && checked < 0))
			p->stop = true;
		pthread_cond_broadcast(&p->cond);
	}
	p->running--;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	/* fetch_packages() runs this on its own thread when one will do:
	 * the flag (in that function's pool) must not outlive it there. */
	fetch_cancel_on(NULL);
	return NULL;
}

/* The live system's cache is in RAM when its file system is tmpfs or
 * ramfs (the root the kernel unpacked the initramfs into); a path not
 * made yet counts by its nearest parent. */
static bool in_ram(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	struct statfs sf;
	for (;;) {
		if (statfs(p, &sf) == 0)
			return (unsigned long)sf.f_type == TMPFS_MAGIC ||
			       (unsigned long)sf.f_type == RAMFS_MAGIC;
		char *s = strrchr(p, '/');
		if (!s)
			return false;
		if (s == p) {
			if (!p[1])
				return false;
			s[1] = '\0';
		} else
			*s = '\0';
	}
}

#define MIB(b) ((double)(b) / 1048576.0)

/* Where the packages of a remote repository are downloaded when the
 * cache is in RAM: a directory of its own on the target file system with
 * the most room left once the downloads and, on the file system of /,
 * the installed packages are counted (as Anaconda picks a download
 * location on the target when the live system's RAM is short). Not /boot
 * nor the ESP, nor a file system in RAM. *ret NULL: the cache, as it is. */
static int pick_download_dir(const azl_repo_list *repos, const depsolve_pkg *pkgs, size_t n,
			     const char *root, char **ret)
{
	*ret = NULL;
	uint64_t dl = 0, inst = 0;
	bool ram = false;
	for (size_t i = 0; i < n; i++) {
		const azl_repo_src *src = &repos->repos[pkgs[i].repo];
		inst += pkgs[i].installsize;
		if (!src->cache_dir)
			continue;
		dl += pkgs[i].size;
		ram = ram || in_ram(src->cache_dir);
	}
	if (!root || dl == 0 || !ram)
		return 0;
	struct stat rst;
	if (stat(root, &rst) < 0)
		return 0;
	target_mount *m = NULL;
	size_t nm = 0;
	if (target_mounts(root, &m, &nm) < 0)
		return 0;
	_cleanup_free_ char *best = NULL;
	uint64_t best_slack = 0, best_free = 0;
	for (size_t i = 0; i < nm; i++) {
		const char *d = m[i].dir;
		if (startswith(m[i].in, "/boot") || m[i].ro || streq_ptr(m[i].type, "vfat") ||
		    streq_ptr(m[i].type, "tmpfs") || streq_ptr(m[i].type, "ramfs"))
			continue;
		struct stat st;
		struct statvfs sv;
		if (stat(d, &st) < 0 || statvfs(d, &sv) < 0)
			continue;
		uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		uint64_t need = dl + dl / 10 + (st.st_dev == rst.st_dev ? inst + inst / 10 : 0) +
				(64u << 20);
		if (avail < need || (best && avail - need <= best_slack))
			continue;
		free(best);
		best = xstrdup(d);
		best_slack = avail - need;
		best_free = avail;
	}
	target_mounts_free(m, nm);
	if (!best) {
		log_info(
			"the cache is in RAM and no file system of the target has room for %.0f MiB of downloads beside %.0f MiB installed; downloading into RAM",
			MIB(dl), MIB(inst));
		return 0;
	}
	_cleanup_free_ char *tmpl = xasprintf("%s/.azl-installer-downloads.XXXXXX", best);
	if (!mkdtemp(tmpl))
		return log_error_errno(-errno, "cannot make a download directory in '%s'", best);
	log_info(
		"the cache is in RAM: %.0f MiB of packages are downloaded into %s (%.0f MiB free), removed after the transaction",
		MIB(dl), tmpl, MIB(best_free));
	*ret = TAKE_PTR(tmpl);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		log_warning("cannot remove '%s': %s", path, strerror(errno));
	return 0;
}

/* Removes the download directory with what is in it (not crossing into
 * another file system, not following symlinks). */
static void remove_download_dir(const char *dir)
{
	if (dir && nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		log_warning("cannot remove '%s': %s", dir, strerror(errno));
}

/* The pool for pkgs, not started: each remote repository's own directory
 * in dl_dir (NULL: the cache). */
static void pool_init(dl_pool *p, const azl_run_ctx *ctx, const azl_repo_list *repos,
		      const depsolve_pkg *pkgs, size_t n, const char *dl_dir, rpm_checked *checked)
{
	char **dirs = dl_dir ? xcalloc(repos->n, sizeof(*dirs)) : NULL;
	for (size_t i = 0; dirs && i < repos->n; i++) {
		const char *c = repos->repos[i].cache_dir;
		const char *tag = c ? strrchr(c, '/') : NULL;
		dirs[i] = tag ? xasprintf("%s%s", dl_dir, tag) : NULL;
	}
	*p = (dl_pool){
		.ctx = ctx, .repos = repos, .dirs = dirs, .pkgs = pkgs, .n = n, .checked = checked};
	p->paths = xcalloc(n + 1, sizeof(*p->paths));
	p->rc = xcalloc(n ? n : 1, sizeof(*p->rc));
	for (size_t i = 0; i < n; i++)
		p->remote += repos->repos[pkgs[i].repo].cache_dir != NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* window_wait() */
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
}

/* Starts the pool's threads: DOWNLOADS_AT_ONCE for downloads, one per
 * core for checking packages in place (file://); none when one will do
 * (the caller then runs dl_worker() itself). */
static void pool_start(dl_pool *p)
{
	size_t want = p->remote < DOWNLOADS_AT_ONCE ? p->remote : DOWNLOADS_AT_ONCE;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t checkers = cpus < 1		     ? 1
			  : cpus > DOWNLOADS_AT_ONCE ? DOWNLOADS_AT_ONCE
						     : (size_t)cpus;
	if (p->checked && want < checkers)
		want = p->n < checkers ? p->n : checkers;
	/* Streamed, the transaction waits on another thread: never here. */
	if (p->streamed && want < 1)
		want = 1;
	if (p->remote > 0 && (want > 1 || p->streamed))
		fetch_global_init();
	if (p->remote > 1)
		log_info("downloading %zu packages, %d at a time", p->remote, DOWNLOADS_AT_ONCE);
	for (; (want > 1 || p->streamed) && p->started < want; p->started++)
		if (!thread_counted(p, &p->threads[p->started], dl_worker, &p->running))
			break;
	/* Streamed with no thread: nothing will arrive; the transaction
	 * must not wait for it. */
	for (size_t i = 0; p->streamed && p->started == 0 && i < p->n; i++)
		rpm_checked_fail(p->checked, i, -EAGAIN, "no thread could be started to fetch it");
}

/* Joins the pool's threads (stop: the downloads not started are not) and
 * frees what the pool has but the paths. Returns 0, or the first failure
 * (-ENXIO for a package that is not there), each named in the log. */
static int pool_join(dl_pool *p, bool stop)
{
	pthread_mutex_lock(&p->lock);
	p->stop = p->stop || stop;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	/* What is still downloading is not needed any more. */
	if (stop)
		atomic_store(&p->cancel, true);
	for (size_t t = 0; t < p->started; t++)
		pthread_join(p->threads[t], NULL);
	for (size_t t = 0; t < p->ahead_started; t++)
		pthread_join(p->ahead_threads[t], NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	for (size_t k = 0; p->rd && k < p->repos->n; k++) {
		repo_dirs_close(&p->rd[k]);
		if (p->spool_fd[k] >= 0)
			close(p->spool_fd[k]);
	}
	free(p->rd);
	free(p->spool_fd);
	for (size_t i = 0; p->prefd && i < p->n; i++)
		if (p->prefd[i] >= 0)
			close(p->prefd[i]);
	free(p->prefd);
	p->prefd = NULL;
	for (size_t i = 0; p->ahead_fd && i < p->n; i++)
		if (p->ahead_fd[i] >= 0)
			close(p->ahead_fd[i]);
	free(p->ahead_fd);
	free(p->ahead_rc);
	free(p->ahead);
	free(p->state);
	free((void *)p->got);
	p->got = NULL;
	p->ahead_fd = p->ahead_rc = NULL;
	p->ahead = NULL;
	p->state = NULL;
	for (size_t i = 0; p->dirs && i < p->repos->n; i++)
		free(p->dirs[i]);
	free(p->dirs);
	int r = 0;
	for (size_t k = 0; k < p->next; k++) {
		size_t i = p->order ? p->order[k] : k;
		if (p->rc[i] >= 0)
			continue;
		/* Streamed, the transaction has said it (rpm_checked_fail()). */
		if (p->rc[i] != -EINTR && !p->streamed)
			log_error("cannot get package '%s' from repository '%s'", p->pkgs[i].nevra,
				  p->repos->repos[p->pkgs[i].repo].name);
		if (r == 0)
			r = p->rc[i];
	}
	free(p->order);
	if (r == 0 && p->next < p->n && !stop)
		r = -EINTR;
	free(p->rc);
	return r == -ENOENT ? -ENXIO : r;
}

static void pool_free_paths(dl_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->paths[i]);
	free(p->paths);
	p->paths = NULL;
}

/* Local paths of every package (paths[i] for pkgs[i]): in place, or
 * downloaded into the cache (or dl_dir, when given), DOWNLOADS_AT_ONCE at
 * a time. The first failure stops the downloads not yet started. */
static int fetch_packages(const azl_run_ctx *ctx, const azl_repo_list *repos,
			  const depsolve_pkg *pkgs, size_t n, const char *dl_dir,
			  rpm_checked *checked, char ***ret)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += pkgs[i].size;
	dl_pool p;
	pool_init(&p, ctx, repos, pkgs, n, dl_dir, checked);
	pool_start(&p);
	if (p.started == 0) {
		p.running = 1;
		dl_worker(&p); /* one at a time, on this thread */
	}
	/* Progress from this thread only, as the downloads finish. */
	pthread_mutex_lock(&p.lock);
	size_t shown = 0;
	while (p.running > 0) {
		if (p.remote && p.done != shown) {
			shown = p.done;
			int pct = total ? (int)(p.done_bytes * 10 / total) : 0;
			pthread_mutex_unlock(&p.lock);
			progress_phase(AZL_PHASE_PACKAGES, pct,
				       _("Downloading packages (%zu of %zu)"), shown, n);
			pthread_mutex_lock(&p.lock);
			continue;
		}
		pthread_cond_wait(&p.cond, &p.lock);
	}
	pthread_mutex_unlock(&p.lock);
	int r = pool_join(&p, false);
	if (r < 0) {
		pool_free_paths(&p);
		return r;
	}
	*ret = p.paths;
	return 0;
}

/* Streamed: every directory the pool reads or writes, opened now. */
static int pool_open_dirs(dl_pool *p)
{
	p->rd = xcalloc(p->repos->n, sizeof(*p->rd));
	p->spool_fd = xcalloc(p->repos->n, sizeof(*p->spool_fd));
	for (size_t k = 0; k < p->repos->n; k++) {
		p->rd[k] = (repo_dirs){.local_fd = -1, .cache_fd = -1, .dl_fd = -1};
		p->spool_fd[k] = -1;
	}
	for (size_t k = 0; k < p->repos->n; k++) {
		const azl_repo_src *src = &p->repos->repos[k];
		int r = repo_dirs_open(src, p->dirs ? p->dirs[k] : NULL, &p->rd[k]);
		if (r < 0)
			return r;
		_cleanup_free_ char *spool = spool_dir(src);
		p->spool_fd[k] = open(spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (p->spool_fd[k] < 0)
			return log_error_errno(-errno, "cannot open '%s'", spool);
	}
	return 0;
}

/* Streamed: called by the transaction once it is ordered. */
static void pool_start_ordered(void *data, const size_t *order, size_t k)
{
	dl_pool *p = data;
	/* librpm's transaction sets made now, before rpm forks its first
	 * scriptlet: making one takes librpm's macro lock, which a forked
	 * child (rpm expands a macro there) must not inherit held. */
	rpm_checked_reserve(p->checked, DOWNLOADS_AT_ONCE);
	/* Every package once: those rpm did not name (none, normally) last. */
	size_t *o = xcalloc(p->n, sizeof(*o));
	bool *seen = xcalloc(p->n, sizeof(*seen));
	size_t m = 0;
	for (size_t j = 0; j < k; j++)
		if (order[j] < p->n && !seen[order[j]]) {
			seen[order[j]] = true;
			o[m++] = order[j];
		}
	for (size_t i = 0; i < p->n; i++)
		if (!seen[i])
			o[m++] = i;
	free(seen);
	/* The threads fetching ahead go on in this order. */
	pthread_mutex_lock(&p->lock);
	p->order = o;
	pthread_mutex_unlock(&p->lock);
	pool_start(p);
	if (p->ahead_started == 0)
		ahead_start(p);
}

/* Header requests side by side: short ones, each about a round trip,
 * so the header step takes about requests / HEADERS_AT_ONCE round trips.
 * Through bench/bench-network.sh's 20 ms line (nginx, 138 requests, each
 * thread's connection kept alive): 8 at a time 0.54-0.63 s, 16 0.33-0.46
 * s, 32 0.31-0.33 s (docs/performance.md). 16, and DOWNLOADS_AT_ONCE
 * fetching ahead: 20 connections to a mirror. */
#ifndef HEADERS_AT_ONCE
#define HEADERS_AT_ONCE 16
#endif
/* A remote package this small is fetched whole instead of its header. */
#define WHOLE_MAX (256u << 10)

typedef struct hdr_pool {
	const azl_repo_list *repos;
	const depsolve_pkg *pkgs;
	size_t n;
	rpm_checked *checked;
	pthread_mutex_t lock;
	size_t next;
	int rc;
	/* [n]: the file each header was read from, when it is the whole
	 * package (in place, or a cached copy that matches its checksum),
	 * kept open for the fetching threads: opened on the installing
	 * system, not in rpm's chroot; -1: to be downloaded. */
	int *prefd;
	const repo_dirs *rd; /* [repos->n]: where a small package is downloaded */
} hdr_pool;

/* Package i's header: from the file in place, or the first bytes of the
 * remote file (to the end of its header, as its metadata says). */
static int read_header(const hdr_pool *h, size_t i)
{
	const depsolve_pkg *pkg = &h->pkgs[i];
	const azl_repo_src *src = &h->repos->repos[pkg->repo];
	rpm_install_pkg item = {.nevra = pkg->nevra, .size = pkg->size, .gpgcheck = true};
	int fd;
	if (!repo_relpath_safe(pkg->location)) {
		log_error("repository '%s' names an unsafe path '%s'", src->name,
			  pkg->location ? pkg->location : "(none)");
		return -EBADMSG;
	}
	if (src->local_dir) {
		_cleanup_free_ char *path = xasprintf("%s/%s", src->local_dir, pkg->location);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return log_error_errno(-errno, "repository '%s': cannot read '%s'",
					       src->name, path);
		int r = rpm_check_header(h->checked, i, &item, fd, false);
		if (r < 0)
			close(fd);
		else
			h->prefd[i] = fd;
		return r;
	} else {
		/* A copy in the cache that matches its checksum: no request. */
		_cleanup_free_ char *cached = xasprintf("%s/%s", src->cache_dir, pkg->location);
		fd = open(cached, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && pkg->checksum_type && pkg->checksum &&
		    depsolve_check_fd(fd, pkg->checksum_type, pkg->checksum) == 0 &&
		    rpm_check_header(h->checked, i, &item, fd, true) == 0) {
			h->prefd[i] = fd;
			return 0;
		}
		if (fd >= 0)
			close(fd);
		/* A small package whole, in the request its header would take:
		 * one round trip instead of two, and the transaction's first
		 * packages (libraries, mostly small) are there when it starts. */
		if (pkg->size && pkg->size <= WHOLE_MAX) {
			int r = repo_open_package(src, &h->rd[pkg->repo], pkg->location, pkg->size,
						  pkg->checksum_type, pkg->checksum, &fd);
			if (r < 0) {
				if (r != -EINTR)
					log_error("cannot get package '%s' from repository '%s'",
						  pkg->nevra, src->name);
				return r;
			}
			r = rpm_check_header(h->checked, i, &item, fd, false);
			if (r < 0)
				close(fd);
			else
				h->prefd[i] = fd;
			return r;
		}
		uint64_t max =
			pkg->size && pkg->size < FETCH_MAX_PACKAGE ? pkg->size : FETCH_MAX_PACKAGE;
		_cleanup_free_ char *buf = NULL;
		size_t len = 0;
		int r = repo_fetch_head(src, pkg->location, pkg->header_end, max, &buf, &len);
		if (r < 0) {
			if (r != -EINTR)
				log_error("cannot get package '%s' from repository '%s'",
					  pkg->nevra, src->name);
			return r;
		}
		fd = memfd_create("rpm-header", MFD_CLOEXEC);
		if (fd < 0)
			return log_error_errno(-errno, "cannot hold the header of '%s'",
					       pkg->nevra);
		r = write_all(fd, buf, len);
		if (r < 0) {
			close(fd);
			return log_error_errno(r, "cannot hold the header of '%s'", pkg->nevra);
		}
	}
	int r = rpm_check_header(h->checked, i, &item, fd, false);
	close(fd);
	return r;
}

static void *hdr_worker(void *arg)
{
	hdr_pool *h = arg;
	pthread_mutex_lock(&h->lock);
	while (h->rc == 0 && h->next < h->n && !interrupt_requested()) {
		size_t i = h->next++;
		pthread_mutex_unlock(&h->lock);
		int r = read_header(h, i);
		pthread_mutex_lock(&h->lock);
		if (r < 0 && h->rc == 0)
			h->rc = r;
	}
	if (h->rc == 0 && h->next < h->n)
		h->rc = -EINTR;
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* A header's end beyond this is not believed: no header is that large
 * (the kernel's modules have a few MiB), and the range is held in memory. */
#define HEADER_MAX (8u << 20)

/* Whether the packages can be streamed: checked ahead, and every remote
 * one's metadata says where its header ends, within the package and
 * HEADER_MAX (else every package is fetched first, bounded as usual). */
static bool can_stream(const azl_repo_list *repos, const depsolve_pkg *pkgs, size_t n,
		       const rpm_checked *checked)
{
	if (!checked || getenv("AZL_NO_STREAM"))
		return false;
	bool remote = false;
	for (size_t i = 0; i < n; i++) {
		if (!repos->repos[pkgs[i].repo].cache_dir)
			continue;
		remote = true;
		if (pkgs[i].header_end == 0 || pkgs[i].header_end > HEADER_MAX ||
		    (pkgs[i].size && pkgs[i].header_end > pkgs[i].size))
			return false;
	}
	/* Downloads in rpm's chroot take their CAs from memory only. */
	if (remote && !fetch_trust_preload()) {
		log_info(
			"the trust store could not be read into memory; every package is fetched before the transaction");
		return false;
	}
	return true;
}

/* Every package's header, read and checked before the transaction
 * (HEADERS_AT_ONCE at a time). */
static int read_headers(const azl_repo_list *repos, const depsolve_pkg *pkgs, size_t n,
			rpm_checked *checked, int *prefd, const repo_dirs *rd)
{
	double t0 = mono_s();
	hdr_pool h = {
		.repos = repos, .pkgs = pkgs, .n = n, .checked = checked, .prefd = prefd, .rd = rd};
	pthread_mutex_init(&h.lock, NULL);
	pthread_t threads[HEADERS_AT_ONCE];
	size_t started = 0;
	bool remote = false;
	for (size_t i = 0; i < n; i++)
		remote = remote || repos->repos[pkgs[i].repo].cache_dir;
	if (remote)
		fetch_global_init();
	/* Each remote repository's name resolved into the shared DNS cache
	 * now, while the installing system's resolver is reachable: its
	 * downloads may all come later, in rpm's chroot. Not again for one
	 * whose repomd.xml this run has just read (a round trip saved). */
	for (size_t k = 0; remote && k < repos->n; k++) {
		const azl_repo_src *src = &repos->repos[k];
		if (!src->cache_dir || repo_reached(src))
			continue;
		_cleanup_free_ char *buf = NULL;
		size_t len = 0;
		int r = repo_fetch_head(src, "repodata/repomd.xml", 1, FETCH_MAX_SMALL, &buf, &len);
		if (r < 0) {
			pthread_mutex_destroy(&h.lock);
			return r == -ENOENT ? -ENXIO : r;
		}
	}
	for (; remote && started < HEADERS_AT_ONCE && started < n; started++)
		if (pthread_create(&threads[started], NULL, hdr_worker, &h))
			break;
	if (started == 0)
		hdr_worker(&h);
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	pthread_mutex_destroy(&h.lock);
	if (h.rc == 0)
		log_info("read and checked the headers of %zu packages in %.2f s%s", n,
			 mono_s() - t0, remote ? ", the remote ones by range requests" : "");
	return h.rc == -ENOENT ? -ENXIO : h.rc;
}

/* Every gpgcheck repository's keys, imported by the transaction before
 * anything else (*ret NULL: none). */
static int collect_keys(const azl_repo_list *repos, char ***ret)
{
	_cleanup_strv_free_ char **all = NULL;
	for (size_t i = 0; i < repos->n; i++) {
		const azl_repo_src *src = &repos->repos[i];
		if (!src->gpgcheck)
			continue;
		_cleanup_strv_free_ char **keys = NULL;
		int r = repo_keys(src, &keys);
		if (r < 0)
			return r;
		if (!keys || !keys[0])
			log_warning(
				"repository '%s' has gpgcheck on but no key file (RPM-GPG-KEY-* at its root or repodata/repomd.xml.key); its packages need a key of another repository",
				src->name);
		for (size_t k = 0; keys && keys[k]; k++)
			strv_push(&all, TAKE_PTR(keys[k]));
	}
	*ret = TAKE_PTR(all);
	return 0;
}

int packages_check_keys(const azl_model *m, const azl_cli_repos *repos)
{
	azl_repo_list l = {0};
	int r = repo_list_build(&m->packages, repos, NULL, &l);
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		_cleanup_strv_free_ char **keys = NULL;
		const azl_repo_src *s = &l.repos[i];
		/* A local repository that is not there is the packages
		 * phase's to report, as before. */
		if (s->gpgcheck && !(s->local_dir && access(s->local_dir, F_OK) < 0))
			r = repo_keys(s, &keys);
	}
	repo_list_done(&l);
	return r;
}

/* A network configuration is written for NetworkManager or
 * systemd-networkd: without either in the target it would be read by
 * nobody (a server with a static address comes up unreachable). Checked
 * after solving, before anything is downloaded or installed. */
static int check_network_service(const azl_model *m, const depsolve_pkg *pkgs, size_t n,
				 const char *root)
{
	if (m->network.n_interfaces == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (streq_ptr(pkgs[i].name, "NetworkManager") ||
		    streq_ptr(pkgs[i].name, "systemd-networkd"))
			return 0;
	azl_target t = {.fd = -1};
	if (root && target_open(root, &t) >= 0) {
		azl_net_backend b = netconf_detect(&t);
		target_close(&t);
		if (b != AZL_NET_NONE)
			return 0;
	}
	log_error(
		"the network section configures %zu interface(s), but neither NetworkManager nor systemd-networkd would be in the target to read it; add NetworkManager to packages.install (and not to packages.exclude) or use a repository that has it; no package was installed",
		m->network.n_interfaces);
	return -ENOPKG;
}

static int by_rank(const void *a, const void *b, void *data)
{
	const depsolve_pkg *pkgs = data;
	size_t x = pkgs[*(const size_t *)a].rank, y = pkgs[*(const size_t *)b].rank;
	return x < y ? -1 : x > y;
}

int packages_apply(const azl_run_ctx *ctx, const azl_model *m, const azl_cli_repos *repos,
		   char *const *extra, const char *root)
{
	azl_repo_list l = {0};
	int r = repo_list_build(&m->packages, repos, NULL, &l);
	if (r < 0)
		return r;
	depsolve_pkg *pkgs = NULL;
	size_t n = 0;
	_cleanup_strv_free_ char **paths = NULL;
	_cleanup_strv_free_ char **keys = NULL;
	rpm_install_pkg *items = NULL;
	_cleanup_free_ char *dl_dir = NULL;
	rpm_checked *checked = NULL;
	dl_pool pool = {0};
	bool pool_on = false;
	r = solve(m, &l, extra, root, false, NULL, &pkgs, &n);
	if (r < 0)
		goto out;
	r = check_network_service(m, pkgs, n, root);
	if (r < 0)
		goto out;
	if (n == 0) {
		progress_phase(AZL_PHASE_PACKAGES, 100, _("Every package asked for is installed"));
		goto out;
	}
	r = pick_download_dir(&l, pkgs, n, root, &dl_dir);
	if (r < 0)
		goto out;
	r = collect_keys(&l, &keys);
	if (r < 0)
		goto out;
	/* With gpgcheck on every repository of the transaction (the usual
	 * case), each package is checked as soon as it is fetched. */
	bool all_signed = true;
	for (size_t i = 0; i < n; i++)
		all_signed = all_signed && l.repos[pkgs[i].repo].gpgcheck;
	if (all_signed)
		checked = rpm_checked_new(n, keys);
	/* Streamed (docs/packages.md): the headers first, then rpm installs
	 * each package as soon as its file is there and checked, while the
	 * ones after it are fetched and checked. */
	bool stream = can_stream(&l, pkgs, n, checked);
	if (stream) {
		/* Before any thread fetches (fetch.c reads it once). */
		fetch_trust_preload();
		pool_init(&pool, ctx, &l, pkgs, n, dl_dir, checked);
		pool.streamed = pool_on = true;
		pool.prefd = xcalloc(n, sizeof(*pool.prefd));
		for (size_t i = 0; i < n; i++)
			pool.prefd[i] = -1;
		r = pool_open_dirs(&pool);
		if (r < 0)
			goto out;
		/* The larger remote packages start downloading now, beside
		 * the header requests: the line is busy from the start. */
		pool.state = xcalloc(n, sizeof(*pool.state));
		pool.ahead = xcalloc(n, sizeof(*pool.ahead));
		pool.ahead_fd = xcalloc(n, sizeof(*pool.ahead_fd));
		pool.ahead_rc = xcalloc(n, sizeof(*pool.ahead_rc));
		pool.got = xcalloc(n, sizeof(*pool.got));
		pool.held = xcalloc(n, sizeof(*pool.held));
		for (size_t i = 0; i < n; i++) {
			pool.ahead_fd[i] = -1;
			if (l.repos[pkgs[i].repo].cache_dir && pkgs[i].size > WHOLE_MAX)
				pool.ahead[pool.n_ahead++] = i;
		}
		/* In libsolv's install order, as close to rpm's as is known
		 * before rpm has ordered its transaction. */
		qsort_r(pool.ahead, pool.n_ahead, sizeof(*pool.ahead), by_rank, pkgs);
		depsolve_checksum_init(); /* before the threads that check */
		ahead_start(&pool);
		r = read_headers(&l, pkgs, n, checked, pool.prefd, pool.rd);
		if (r < 0)
			goto out;
	} else {
		r = fetch_packages(ctx, &l, pkgs, n, dl_dir, checked, &paths);
		if (r < 0)
			goto out;
	}
	items = xcalloc(n, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = (rpm_install_pkg){
			/* Streamed, rpm reads the checked file; the name is
			 * for messages. */
			.path = stream ? pkgs[i].location : paths[i],
			.nevra = pkgs[i].nevra,
			.size = pkgs[i].size,
			.gpgcheck = l.repos[pkgs[i].repo].gpgcheck,
		};
	progress_phase(AZL_PHASE_PACKAGES, 10, _("Installing %zu packages"), n);
	double t0 = mono_s();
	rpm_install_opts ro = {
		.nodocs = m->packages.exclude_docs,
		.install_langs = m->packages.install_langs,
		.keys = keys,
		.checked = checked,
		.ordered = stream ? pool_start_ordered : NULL,
		.ordered_data = &pool,
	};
	r = rpm_install_with(root, items, n, &ro);
	if (pool_on) {
		pool_on = false;
		(void)pool_join(&pool, true);
		pool_free_paths(&pool);
		if (pool.remote) {
			size_t waited = 0;
			for (size_t i = 0; i < n; i++)
				waited += pool.held[i];
			_cleanup_free_ char *w =
				window_bytes() == UINT64_MAX
					? xstrdup("no bound on")
					: xasprintf("at most %.1f MiB of",
						    (double)window_bytes() / (1 << 20));
			log_info("downloaded in rpm's order, %s the packages still to come at "
				 "once: %zu downloads waited for the ones before them",
				 w, waited);
		}
		/* A package that was not there: as when it is fetched first. */
		if (r == -ENOENT)
			r = -ENXIO;
	}
	if (r >= 0)
		log_info("the rpm transaction took %.1f s", mono_s() - t0);
out:
	if (pool_on) {
		(void)pool_join(&pool, true); /* closes prefd */
		pool_free_paths(&pool);
	}
	free(pool.held);
	/* Closed before the download directory goes (private copies, too). */
	rpm_checked_free(checked);
	remove_download_dir(dl_dir);
	free(items);
	depsolve_pkgs_free(pkgs, n);
	repo_list_done(&l);
	return r;
}

void boot_chain_done(azl_boot_chain *c)
{
	free(c->shim);
	free(c->grub);
	free(c->kernel);
	*c = (azl_boot_chain){0};
}

bool boot_chain_signed(const azl_boot_chain *c)
{
	return c->shim && c->grub && c->kernel && c->shim_signed && c->grub_signed &&
	       c->kernel_signed;
}

char *boot_chain_describe(const azl_boot_chain *c)
{
	const char *nv[] = {c->shim, c->grub, c->kernel};
	const bool sg[] = {c->shim_signed, c->grub_signed, c->kernel_signed};
	const char *what[] = {"shim", "GRUB", "kernel"};
	azl_buf b = {0};
	for (size_t i = 0; i < ELEMENTSOF(nv); i++)
		buf_printf(&b, "%s%s (%s)", i ? " -> " : "", nv[i] ? nv[i] : what[i],
			   !nv[i]  ? "none"
			   : sg[i] ? "signed"
				   : "not signed");
	return buf_steal(&b);
}

/* The packages of each stage: Azure Linux 4.0 / Fedora names first. */
static void boot_chain_fill(const depsolve_pkg *pkgs, size_t n, azl_boot_chain *c)
{
	static const char *const shims[] = {"shim-x64", "shim", NULL};
	static const char *const grubs[] = {"grub2-efi-x64", "grub2-efi-binary", NULL};
	static const char *const kernels[] = {"kernel-core", "kernel", NULL};
	const char *const *names[] = {shims, grubs, kernels};
	char **nv[] = {&c->shim, &c->grub, &c->kernel};
	bool *sg[] = {&c->shim_signed, &c->grub_signed, &c->kernel_signed};
	for (size_t s = 0; s < ELEMENTSOF(names); s++)
		for (size_t k = 0; names[s][k] && !*nv[s]; k++)
			for (size_t i = 0; i < n; i++)
				if (streq_ptr(pkgs[i].name, names[s][k])) {
					*nv[s] = xstrdup(pkgs[i].nevra);
					*sg[s] = pkgs[i].secure_boot_signed;
					break;
				}
}

int packages_check(const azl_model *m, const azl_cli_repos *repos, char *const *extra,
		   const char *root, char ***ret_plan_missing, azl_boot_chain *ret_chain)
{
	*ret_plan_missing = NULL;
	azl_repo_list l = {0};
	int r = repo_list_build(&m->packages, repos, NULL, &l);
	if (r < 0)
		return r;
	depsolve_pkg *pkgs = NULL;
	size_t n = 0;
	_cleanup_strv_free_ char **missing = NULL;
	r = solve(m, &l, extra, root, true, &missing, &pkgs, &n);
	if (r >= 0 && ret_chain)
		boot_chain_fill(pkgs, n, ret_chain);
	if (r >= 0)
		r = check_network_service(m, pkgs, n, root);
	depsolve_pkgs_free(pkgs, n);
	repo_list_done(&l);
	if (r != -ENOENT || !missing)
		return r;
	/* The plan's own additions, unless the answer file asks for or
	 * excludes the same name: the repository lacks them, the answer file
	 * is not wrong. */
	const azl_packages *p = &m->packages;
	_cleanup_strv_free_ char **own = NULL;
	for (size_t i = 0; missing[i]; i++) {
		bool added = false, excluded = false;
		for (size_t k = 0; extra && extra[k]; k++)
			added = added || streq_ptr(extra[k], missing[i]);
		for (size_t k = 0; p->exclude && p->exclude[k]; k++)
			excluded = excluded || fnmatch(p->exclude[k], missing[i], 0) == 0;
		if (!added || excluded || strv_contains(p->install, missing[i]))
			return r;
		strv_push(&own, xstrdup(missing[i]));
	}
	*ret_plan_missing = TAKE_PTR(own);
	return r;
}
