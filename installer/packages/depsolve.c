/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to libsolv and libsolvext: repository metadata and solving. */
#include "depsolve.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <solv/chksum.h>
#include <solv/pool.h>
#include <solv/poolarch.h>
#include <solv/repo.h>
#include <solv/repo_comps.h>
#include <solv/repo_repomdxml.h>
#include <solv/repo_rpmdb.h>
#include <solv/repo_rpmmd.h>
#include <solv/repo_solv.h>
#include <solv/repo_write.h>
#include <solv/selection.h>
#include <solv/solv_xfopen.h>
#include <solv/solver.h>
#include <solv/solverdebug.h>
#include <solv/solvversion.h>
#include <solv/transaction.h>

#include "log.h"
#include "solv-cache.h"
#include "solv-index.h"

#define TARGET_DBPATH "usr/lib/sysimage/rpm"

const char *solv_adapter_version(void)
{
	return solv_version;
}

/* A repository in the pool: where its filelists.xml is, if it has not
 * been read yet, and its cache. */
typedef struct repo_state {
	Repo *repo;
	char *name;
	char *location, *chk_type, *chk_hex; /* filelists; NULL = read */
	depsolve_fetch_fn fetch;
	void *userdata;
	char *cache_dir;
	char *cache_base; /* CACHE_DIR/SHA256-OF-REPOMD; NULL = no cache */
	int fl_start;	  /* first repodata of the filelists; 0 = not read */
	bool dirty;	  /* parsed from XML since the cache was written */
	/* Warm, with an index: the cache is read only if the packages a
	 * request reaches are not enough (solv-index.h). */
	char *repomd; /* the local repomd.xml */
	solv_index *ix;
	bool lazy;	 /* nothing but the index read yet */
	bool need_index; /* read from a cache that has no index */
	bool cached;	 /* what the pool holds came from the cache */
	bool bypass;	 /* read the metadata, not the cache */
} repo_state;

struct azl_solver {
	Pool *pool;
	Repo *installed;
	repo_state *repos;
	size_t n_repos;
	bool reduced; /* the pool holds only what one request reached */
};

/* Milliseconds on a monotonic clock, for the debug lines that say where
 * a solve spends its time (docs/performance.md). */
static double now_ms(void)
{
	return mono_s() * 1e3;
}

static void repo_state_done(repo_state *l)
{
	free(l->name);
	free(l->location);
	free(l->chk_type);
	free(l->chk_hex);
	free(l->cache_dir);
	free(l->cache_base);
	free(l->repomd);
	solv_index_close(l->ix);
}

void depsolve_pkgs_free(depsolve_pkg *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].nevra);
		free(p[i].name);
		free(p[i].location);
		free(p[i].checksum_type);
		free(p[i].checksum);
	}
	free(p);
}

static bool has_rpmdb(const char *root)
{
	_cleanup_free_ char *db = xasprintf("%s/" TARGET_DBPATH "/rpmdb.sqlite", root);
	return access(db, F_OK) == 0;
}

int depsolve_new(const char *root, azl_solver **ret)
{
	azl_solver *s = xzalloc(sizeof(*s));
	s->pool = pool_create();
	/* Debian builds libsolv for several distributions and defaults to
	 * Debian's: arch "all", dpkg version rules. */
	pool_setdisttype(s->pool, DISTTYPE_RPM);
	struct utsname u;
	uname(&u);
	pool_setarch(s->pool, u.machine);
	if (root && has_rpmdb(root)) {
		/* libsolv reads the target's rpmdb through librpm below the
		 * root directory; it finds /usr/lib/sysimage/rpm there. */
		pool_set_rootdir(s->pool, root);
		s->installed = repo_create(s->pool, "@System");
		if (repo_add_rpmdb(s->installed, NULL, REPO_USE_ROOTDIR) < 0) {
			log_error("cannot read the rpmdb in '%s': %s", root, pool_errstr(s->pool));
			depsolve_free(s);
			return -EIO;
		}
		pool_set_installed(s->pool, s->installed);
		log_info("%d packages are installed in '%s' already", s->installed->nsolvables,
			 root);
	}
	*ret = s;
	return 0;
}

void depsolve_free(azl_solver *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_repos; i++)
		repo_state_done(&s->repos[i]);
	free(s->repos);
	/* pool_free() leaves the excludes' map to its owner. */
	if (s->pool->considered) {
		map_free(s->pool->considered);
		solv_free(s->pool->considered);
	}
	pool_free(s->pool);
	free(s);
}

/* The location and checksum of one repomd.xml <data type=...> entry. */
static const char *repomd_find(Repo *repo, const char *what, char **ret_type, char **ret_hex)
{
	Pool *pool = repo->pool;
	const char *loc = NULL;
	Dataiterator di;
	dataiterator_init(&di, pool, repo, SOLVID_META, REPOSITORY_REPOMD_TYPE, what,
			  SEARCH_STRING);
	dataiterator_prepend_keyname(&di, REPOSITORY_REPOMD);
	if (dataiterator_step(&di)) {
		dataiterator_setpos_parent(&di);
		loc = pool_lookup_str(pool, SOLVID_POS, REPOSITORY_REPOMD_LOCATION);
		Id type = 0;
		const unsigned char *chk = pool_lookup_bin_checksum(
			pool, SOLVID_POS, REPOSITORY_REPOMD_CHECKSUM, &type);
		if (chk && type) {
			*ret_type = xstrdup(solv_chksum_type2str(type));
			*ret_hex = xstrdup(pool_bin2hex(pool, chk, solv_chksum_len(type)));
		}
	}
	dataiterator_free(&di);
	return loc;
}

typedef enum md_kind { MD_PRIMARY, MD_FILELISTS, MD_COMPS } md_kind;

/* The location and checksum of the first of types in repomd.xml. */
static bool repomd_lookup(Repo *repo, const char *const *types, char **ret_loc, char **ret_type,
			  char **ret_hex)
{
	for (size_t i = 0; types[i]; i++) {
		/* Pool strings move when the pool grows: copy. */
		const char *loc = repomd_find(repo, types[i], ret_type, ret_hex);
		if (loc) {
			*ret_loc = xstrdup(loc);
			return true;
		}
	}
	return false;
}

static int add_metadata(Repo *repo, const char *name, md_kind kind, const char *const *types,
			bool required, depsolve_fetch_fn fetch, void *userdata)
{
	_cleanup_free_ char *where = NULL, *chk_type = NULL, *chk_hex = NULL;
	if (!repomd_lookup(repo, types, &where, &chk_type, &chk_hex)) {
		if (!required)
			return 0;
		log_error("repository '%s' has no %s metadata in repomd.xml", name, types[0]);
		return -EBADMSG;
	}
	_cleanup_free_ char *path = NULL;
	int r = fetch(userdata, where, chk_type, chk_hex, &path);
	if (r < 0)
		return r;
	FILE *f = solv_xfopen(path, "r");
	if (!f)
		return log_error_errno(errno, "cannot open '%s'", path);
	switch (kind) {
	case MD_PRIMARY:
		r = repo_add_rpmmd(repo, f, NULL, 0);
		break;
	case MD_FILELISTS:
		r = repo_add_rpmmd(repo, f, NULL, REPO_EXTEND_SOLVABLES);
		break;
	case MD_COMPS:
		r = repo_add_comps(repo, f, 0);
		break;
	}
	fclose(f);
	if (r < 0) {
		log_error("repository '%s': cannot read '%s': %s", name, where,
			  pool_errstr(repo->pool));
		return -EBADMSG;
	}
	log_debug("repository '%s': read %s", name, where);
	return 0;
}

/* The sha256 of a file in hex, or NULL. */
static char *file_sha256(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	Chksum *c = solv_chksum_create(REPOKEY_TYPE_SHA256);
	unsigned char buf[65536];
	ssize_t k;
	while ((k = read(fd, buf, sizeof(buf))) > 0)
		solv_chksum_add(c, buf, (int)k);
	int len = 0;
	const unsigned char *sum = solv_chksum_get(c, &len);
	char *hex = NULL;
	if (k == 0 && len == 32) {
		hex = xmalloc(65);
		solv_bin2hex(sum, len, hex);
	}
	solv_chksum_free(c, NULL);
	return hex;
}

/* The parsed repository in libsolv's own format, named after the
 * repomd.xml it came from: the next run over the same metadata reads it
 * in milliseconds instead of parsing XML (what dnf's .solv cache does). */
static bool load_solv_cache(Repo *repo, const char *path)
{
	double t0 = now_ms();
	uint64_t len;
	FILE *f = solv_cache_open(path, &len);
	if (!f) {
		if (errno != ENOENT)
			log_warning(
				"ignoring the damaged cache '%s' (%s); reading the repository's metadata",
				path, strerror(errno));
		return false;
	}
	int r = repo_add_solv(repo, f, 0);
	/* libsolv stops where its data ends, before the seal. */
	bool whole = r == 0 && ftell(f) >= 0 && (uint64_t)ftell(f) <= len;
	fclose(f);
	log_debug("depsolve: read '%s' in %.1f ms", path, now_ms() - t0);
	if (!whole) {
		log_warning("ignoring the damaged cache '%s': %s", path,
			    r ? pool_errstr(repo->pool) : "too long");
		repo_empty(repo, 1);
		return false;
	}
	return true;
}

/* What the installer never reads (only names, dependencies, location,
 * checksum, sizes, the header's end, summary and files): left out of the
 * cache, which is then a third smaller and read that much faster. */
static int cache_keyfilter(Repo *repo, Repokey *key, void *kfdata)
{
	switch (key->name) {
	case SOLVABLE_DESCRIPTION:
	case SOLVABLE_URL:
	case SOLVABLE_LICENSE:
	case SOLVABLE_BUILDTIME:
	case SOLVABLE_BUILDHOST:
	case SOLVABLE_PACKAGER:
	case SOLVABLE_VENDOR:
	case SOLVABLE_SOURCEARCH:
	case SOLVABLE_SOURCENAME:
	case SOLVABLE_SOURCEEVR:
	case SOLVABLE_GROUP:
	case SOLVABLE_PKGID:
	case SOLVABLE_HDRID:
		return KEY_STORAGE_DROPPED;
	case SOLVABLE_SUMMARY:
	case SOLVABLE_MEDIAFILE:
		/* Read from the file only for the packages chosen. Not a
		 * void MEDIAFILE (the file is named after the package), which
		 * has no data to page: libsolv 0.7 writes it vertical once,
		 * then drops it when that cache is written again, leaving
		 * every package without a location (issue #14). */
		if (key->type == REPOKEY_TYPE_VOID)
			return KEY_STORAGE_INCORE;
		return KEY_STORAGE_VERTICAL_OFFSET;
	default:
		return repo_write_stdkeyfilter(repo, key, kfdata);
	}
}

/* Writes the repodata [start, end) of repo to path, sealed (the caller
 * holds the cache's lock); ext: the filelists extension, which holds no
 * solvables of its own (read back with REPO_EXTEND_SOLVABLES onto the
 * main cache's). Returns 0 or -errno. */
static int write_solv_cache(Repo *repo, const char *path, int start, int end, bool ext)
{
	char *tmp = NULL;
	FILE *f = solv_cache_create(path, &tmp);
	if (!f)
		return -errno;
	Repowriter *w = repowriter_create(repo);
	repowriter_set_repodatarange(w, start, end);
	if (ext)
		repowriter_set_flags(w, REPOWRITER_NO_STORAGE_SOLVABLE);
	else
		repowriter_set_keyfilter(w, cache_keyfilter, NULL);
	bool ok = repowriter_write(w, f) == 0;
	repowriter_free(w);
	if (!ok) {
		fclose(f);
		unlink(tmp);
		free(tmp);
		return -EIO;
	}
	return solv_cache_commit(f, tmp, path);
}

/* Searching every file list for the file dependencies is most of a warm
 * start; the cache records which file provides were added (libsolv's
 * ADDEDFILEPROVIDES), so pool_addfileprovides() skips the search when
 * the repository's own file dependencies are all there is. */
static void remember_fileprovides(Repo *repo, int rdid)
{
	Pool *pool = repo->pool;
	Queue added;
	queue_init(&added);
	pool_addfileprovides_queue(pool, &added, NULL);
	if (added.count) {
		/* In the main cache, not in the filelists extension. */
		Repodata *data = repo_id2repodata(repo, rdid);
		for (int i = 0; i < added.count; i++)
			repodata_add_idarray(data, SOLVID_META, REPOSITORY_ADDEDFILEPROVIDES,
					     added.elements[i]);
		repodata_internalize(data);
	}
	queue_free(&added);
}

static const char *const filelists_types[] = {"filelists", NULL};

static bool filelists_pending(const azl_solver *s)
{
	for (size_t i = 0; i < s->n_repos; i++)
		if (s->repos[i].location)
			return true;
	return false;
}

/* The filelists extension of the cache, written with the main cache by
 * the run that read filelists.xml. */
static bool load_filelists_cache(repo_state *l)
{
	if (!l->cache_base || l->bypass)
		return false;
	_cleanup_free_ char *path = xasprintf("%s-filelists.solvx", l->cache_base);
	uint64_t len;
	FILE *f = solv_cache_open(path, &len);
	if (!f) {
		if (errno != ENOENT)
			log_warning(
				"ignoring the damaged cache '%s' (%s); reading the repository's metadata",
				path, strerror(errno));
		return false;
	}
	int nrepodata = l->repo->nrepodata;
	int r = repo_add_solv(l->repo, f, REPO_EXTEND_SOLVABLES);
	bool whole = r == 0 && ftell(f) >= 0 && (uint64_t)ftell(f) <= len;
	fclose(f);
	if (!whole) {
		log_warning("ignoring the damaged cache '%s': %s", path,
			    r ? pool_errstr(l->repo->pool) : "too long");
		/* What it added, if anything, goes with it. */
		while (l->repo->nrepodata > nrepodata)
			repodata_free(repo_id2repodata(l->repo, l->repo->nrepodata - 1));
		return false;
	}
	return true;
}

/* primary.xml has the files most dependencies name (/etc, bin
 * directories); filelists.xml, several times larger, is read only when
 * a request cannot be solved without it (what dnf5 does). The main cache
 * keeps the file provides found in it, so a warm start solves without it
 * what a cold one needed it for. */
static int load_filelists(azl_solver *s)
{
	for (size_t i = 0; i < s->n_repos; i++) {
		repo_state *l = &s->repos[i];
		if (!l->location)
			continue;
		log_info("repository '%s': reading filelists for file dependencies", l->name);
		l->fl_start = l->repo->nrepodata;
		if (!load_filelists_cache(l)) {
			int r = add_metadata(l->repo, l->name, MD_FILELISTS, filelists_types, true,
					     l->fetch, l->userdata);
			if (r < 0)
				return r;
			l->dirty = true;
		}
		repo_internalize(l->repo);
		free(l->location);
		l->location = NULL;
	}
	return 0;
}

/* SHA.idx, the index of SHA.solv (solv-index.h), made from the cache as
 * the next run reads it, so that the strings are in the same order. */
static int write_index(const char *solv, const char *idx)
{
	uint64_t len;
	FILE *f = solv_cache_open(solv, &len);
	if (!f)
		return -errno;
	struct stat st;
	if (fstat(fileno(f), &st) < 0) {
		fclose(f);
		return -errno;
	}
	Pool *pool = pool_create();
	pool_setdisttype(pool, DISTTYPE_RPM);
	Repo *repo = repo_create(pool, "index");
	int r = -EBADMSG;
	if (repo_add_solv(repo, f, 0) == 0) {
		/* The file provides this repository's solvables carry in
		 * full: those of its own file dependencies (searched now,
		 * as a warm run would) and those the cache recorded. */
		Queue searched, recorded;
		queue_init(&searched);
		queue_init(&recorded);
		pool_addfileprovides_queue(pool, &searched, NULL);
		repo_lookup_idarray(repo, SOLVID_META, REPOSITORY_ADDEDFILEPROVIDES, &recorded);
		for (int i = 0; i < recorded.count; i++)
			queue_pushunique(&searched, recorded.elements[i]);
		r = solv_index_write(repo, &searched, &st, idx);
		queue_free(&searched);
		queue_free(&recorded);
	}
	fclose(f);
	pool_free(pool);
	return r;
}

/* The cache holds what was read: SHA.solv the primary and comps data
 * (with the file provides derived from filelists, when they were read),
 * SHA-filelists.solvx the filelists, read only when needed. */
static int write_repo_cache(repo_state *l)
{
	Repo *repo = l->repo;
	_cleanup_free_ char *idx = xasprintf("%s.idx", l->cache_base);
	_cleanup_free_ char *path = xasprintf("%s.solv", l->cache_base);
	if (!l->dirty)
		/* A sound cache whose index is missing or damaged. */
		return write_index(path, idx);
	/* Never an index older than the cache it answers for. */
	unlink(idx);
	int end = l->fl_start > 1 ? l->fl_start : repo->nrepodata;
	if (l->fl_start > 1)
		remember_fileprovides(repo, l->fl_start - 1);
	int r = 0;
	if (end < repo->nrepodata) {
		/* The extension first: a main cache with file provides and
		 * no extension would read XML. */
		_cleanup_free_ char *ext = xasprintf("%s-filelists.solvx", l->cache_base);
		r = write_solv_cache(repo, ext, end, repo->nrepodata, true);
	}
	if (r == 0)
		r = write_solv_cache(repo, path, 1, end, false);
	if (r == 0)
		r = write_index(path, idx);
	return r;
}

/* quiet: in the background writer, which must not touch the log (and may
 * wait for the lock). */
static void write_caches_now(azl_solver *s, bool quiet)
{
	for (size_t i = 0; i < s->n_repos; i++) {
		repo_state *l = &s->repos[i];
		if (!l->cache_base || (!l->dirty && !l->need_index))
			continue;
		int lock = solv_cache_lock(l->cache_dir, quiet);
		int r = lock < 0 ? lock : write_repo_cache(l);
		solv_cache_unlock(lock);
		if (r == -EWOULDBLOCK && !quiet)
			log_info(
				"repository '%s': another process is writing the cache '%s'; not written",
				l->name, l->cache_dir);
		else if (r < 0 && !quiet)
			log_warning("cannot write the cache '%s.solv': %s", l->cache_base,
				    strerror(-r));
		l->dirty = false;
		l->need_index = false;
	}
}

/* Writing a Fedora-sized repository takes longer than parsing half of it;
 * that is done by a detached grandchild, off the install's path, which
 * leaves nothing to reap. Small repositories are written at once. */
#define BACKGROUND_CACHE_SOLVABLES 20000

static void write_caches(azl_solver *s)
{
	int big = 0, dirty = 0;
	for (size_t i = 0; i < s->n_repos; i++)
		if (s->repos[i].cache_base && (s->repos[i].dirty || s->repos[i].need_index)) {
			dirty++;
			big += s->repos[i].repo->nsolvables >= BACKGROUND_CACHE_SOLVABLES;
		}
	if (!dirty)
		return;
	if (!big) {
		write_caches_now(s, false);
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		write_caches_now(s, false);
		return;
	}
	if (pid == 0) {
		if (fork() == 0) {
			write_caches_now(s, true);
			_exit(0);
		}
		_exit(0);
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < s->n_repos; i++)
		s->repos[i].dirty = s->repos[i].need_index = false;
	log_info("writing the metadata cache in the background");
}

static int load_lazy(azl_solver *s);

/* Reads a repository's packages: from the cache when there is one for
 * this repomd.xml, else from its XML. */
static int load_repo(azl_solver *s, repo_state *st)
{
	Repo *repo = st->repo;
	const char *name = st->name;
	if (st->cache_base && !st->bypass) {
		_cleanup_free_ char *path = xasprintf("%s.solv", st->cache_base);
		if (load_solv_cache(repo, path)) {
			st->cached = true;
			log_info(
				"repository '%s': %d packages and groups from the cache, priority %d",
				name, repo->nsolvables, -repo->priority);
			repomd_lookup(repo, filelists_types, &st->location, &st->chk_type,
				      &st->chk_hex);
			if (!st->ix) {
				_cleanup_free_ char *idx = xasprintf("%s.idx", st->cache_base);
				solv_index *ix = solv_index_open(idx, path);
				st->need_index = !ix;
				solv_index_close(ix);
			}
			return 0;
		}
	}
	FILE *f = fopen(st->repomd, "re");
	if (!f)
		return log_error_errno(errno, "cannot open '%s'", st->repomd);
	int r = repo_add_repomdxml(repo, f, 0);
	fclose(f);
	if (r < 0) {
		log_error("repository '%s': bad repomd.xml: %s", name, pool_errstr(s->pool));
		return -EBADMSG;
	}
	static const char *const primary[] = {"primary", NULL};
	static const char *const comps[] = {"group_gz", "group", NULL};
	r = add_metadata(repo, name, MD_PRIMARY, primary, true, st->fetch, st->userdata);
	if (r >= 0)
		r = add_metadata(repo, name, MD_COMPS, comps, false, st->fetch, st->userdata);
	if (r < 0)
		return r;
	repo_internalize(repo);
	log_info("repository '%s': %d packages and groups, priority %d", name, repo->nsolvables,
		 -repo->priority);
	repomd_lookup(repo, filelists_types, &st->location, &st->chk_type, &st->chk_hex);
	st->dirty = true;
	return 0;
}

int depsolve_add_repo(azl_solver *s, size_t index, const char *name, int priority,
		      const char *cache_dir, depsolve_fetch_fn fetch, void *userdata)
{
	_cleanup_free_ char *repomd = NULL;
	int r = fetch(userdata, "repodata/repomd.xml", NULL, NULL, &repomd);
	if (r < 0)
		return r;
	Repo *repo = repo_create(s->pool, name);
	/* libsolv prefers the higher number, dnf the lower one. */
	repo->priority = -priority;
	repo->appdata = (void *)(uintptr_t)(index + 1);
	repo_state *st = xappend(&s->repos, &s->n_repos, sizeof(*st));
	st->repo = repo;
	st->name = xstrdup(name);
	st->fetch = fetch;
	st->userdata = userdata;
	st->repomd = xstrdup(repomd);
	if (cache_dir) {
		_cleanup_free_ char *sum = file_sha256(repomd);
		if (sum) {
			st->cache_dir = xstrdup(cache_dir);
			st->cache_base = xasprintf("%s/%s", cache_dir, sum);
		}
	}
	if (st->cache_base && !s->installed) {
		_cleanup_free_ char *solv = xasprintf("%s.solv", st->cache_base);
		_cleanup_free_ char *idx = xasprintf("%s.idx", st->cache_base);
		st->ix = solv_index_open(idx, solv);
		if (!st->ix && access(idx, F_OK) == 0)
			log_info(
				"repository '%s': ignoring the cache index '%s' (damaged, or not of this cache); it is written again",
				name, idx);
		if (st->ix) {
			st->lazy = st->cached = true;
			log_info(
				"repository '%s': %u packages and groups in the cache, priority %d",
				name, solv_index_packages(st->ix), priority);
			return 0;
		}
	}
	/* The repositories before it first, so that the pool holds them
	 * in the order they were given (libsolv breaks some ties by
	 * it). */
	r = load_lazy(s);
	return r < 0 ? r : load_repo(s, st);
}

size_t depsolve_packages_read(const azl_solver *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_repos; i++)
		n += (size_t)s->repos[i].repo->nsolvables;
	return n;
}

/* Keeps the solvables that are not excluded. */
static void filter_considered(Pool *pool, Queue *q)
{
	if (!pool->considered)
		return;
	int k = 0;
	for (int i = 0; i < q->count; i++)
		if (MAPTST(pool->considered, q->elements[i]))
			q->elements[k++] = q->elements[i];
	queue_truncate(q, k);
}

/* The solvables a user's word names: name, glob, name.arch,
 * name-version..., a provide or a file path. */
static void select_spec(Pool *pool, const char *spec, Queue *ret)
{
	Queue sel;
	queue_init(&sel);
	int flags = SELECTION_NAME | SELECTION_PROVIDES | SELECTION_GLOB | SELECTION_DOTARCH |
		    SELECTION_CANON | SELECTION_REL;
	if (spec[0] == '/')
		flags |= SELECTION_FILELIST;
	selection_make(pool, &sel, spec, flags);
	selection_solvables(pool, &sel, ret);
	queue_free(&sel);
	filter_considered(pool, ret);
}

static void job_install_one_of(Pool *pool, Queue *job, Queue *q)
{
	queue_push2(job, SOLVER_INSTALL | SOLVER_SOLVABLE_ONE_OF,
		    pool_queuetowhatprovides(pool, q));
}

static Solvable *find_comps(Pool *pool, const char *prefix, const char *id)
{
	_cleanup_free_ char *want = xasprintf("%s:%s", prefix, id);
	Id nid = pool_str2id(pool, want, 0);
	Id p;
	Solvable *s;
	if (nid) {
		/* A group provides its own name: no walk over every
		 * package. */
		Id pp;
		FOR_PROVIDES(p, pp, nid)
		{
			s = pool->solvables + p;
			if (s->name == nid && s->repo != pool->installed)
				return s;
		}
	}
	/* Also by display name, as dnf accepts "@Minimal Install". */
	FOR_POOL_SOLVABLES(p)
	{
		s = pool->solvables + p;
		if (!startswith(pool_id2str(pool, s->name), prefix))
			continue;
		const char *summary = solvable_lookup_str(s, SOLVABLE_SUMMARY);
		if (summary && strcasecmp(summary, id) == 0)
			return s;
	}
	return NULL;
}

/* A group's mandatory (requires) and default (recommends) packages, as
 * dnf installs them; optional ones (suggests) are left out. A member no
 * repository has is a warning, like dnf's. */
static void add_group(Pool *pool, Solvable *g, Queue *job, bool silent)
{
	Queue deps, q;
	queue_init(&deps);
	queue_init(&q);
	static const Id keys[] = {SOLVABLE_REQUIRES, SOLVABLE_RECOMMENDS};
	for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
		queue_empty(&deps);
		solvable_lookup_deparray(g, keys[k], &deps, -1);
		for (int i = 0; i < deps.count; i++) {
			const char *dep = pool_dep2str(pool, deps.elements[i]);
			if (startswith(dep, "group:")) {
				Solvable *sub = find_comps(pool, "group", dep + 6);
				if (sub)
					add_group(pool, sub, job, silent);
				else if (!silent)
					log_warning("group '%s' of '%s' is in no repository",
						    dep + 6, pool_solvable2str(pool, g));
				continue;
			}
			queue_empty(&q);
			Id p, pp;
			FOR_PROVIDES(p, pp, deps.elements[i])
			queue_push(&q, p);
			filter_considered(pool, &q);
			if (q.count)
				job_install_one_of(pool, job, &q);
			else if (!silent)
				log_warning(
					"'%s' of group '%s' is in no repository (or excluded); skipped",
					dep, pool_solvable2str(pool, g));
		}
	}
	queue_free(&q);
	queue_free(&deps);
}

static void apply_excludes(Pool *pool, char *const *exclude, bool silent)
{
	if (pool->considered) {
		map_free(pool->considered);
		pool->considered = solv_free(pool->considered);
	}
	if (!exclude || !exclude[0])
		return;
	pool->considered = solv_calloc(1, sizeof(Map));
	map_init(pool->considered, pool->nsolvables);
	map_setall(pool->considered);
	Queue q;
	queue_init(&q);
	for (size_t i = 0; exclude[i]; i++) {
		Queue sel;
		queue_init(&sel);
		queue_empty(&q);
		selection_make(pool, &sel, exclude[i],
			       SELECTION_NAME | SELECTION_GLOB | SELECTION_DOTARCH |
				       SELECTION_CANON);
		selection_solvables(pool, &sel, &q);
		queue_free(&sel);
		int n = 0;
		for (int k = 0; k < q.count; k++) {
			Solvable *s = pool->solvables + q.elements[k];
			if (s->repo == pool->installed)
				continue;
			MAPCLR(pool->considered, q.elements[k]);
			n++;
		}
		if (!silent)
			log_info("exclude '%s': %d packages", exclude[i], n);
	}
	queue_free(&q);
}

/* quiet: a missing name is only returned, not logged; silent (the pool
 * holds part of the repositories): no warnings either. */
static int make_jobs(Pool *pool, const depsolve_request *rq, Queue *job, bool quiet, bool silent)
{
	_cleanup_free_ char *missing = NULL;
	Queue q;
	queue_init(&q);
	for (size_t i = 0; rq->install && rq->install[i]; i++) {
		const char *spec = rq->install[i];
		/* "?name": wanted when a repository has it (the installer's
		 * own additions, such as shim next to GRUB). */
		bool optional = spec[0] == '?';
		spec += optional;
		if (spec[0] == '@') {
			bool env = spec[1] == '^';
			const char *id = spec + (env ? 2 : 1);
			Solvable *g = find_comps(pool, env ? "environment" : "group", id);
			/* dnf also takes an environment without the '^'. */
			if (!g && !env)
				g = find_comps(pool, "environment", id);
			if (g) {
				add_group(pool, g, job, silent);
				continue;
			}
		} else {
			queue_empty(&q);
			select_spec(pool, spec, &q);
			if (q.count) {
				job_install_one_of(pool, job, &q);
				continue;
			}
		}
		if (optional && silent)
			continue;
		if (optional)
			log_info("'%s' is in no repository: not installed", spec);
		else if (quiet)
			missing = missing ? missing : xstrdup(spec);
		else if (rq->ignore_missing)
			log_warning(
				"'%s' is in no repository (or excluded); ignored as ignore_missing says",
				spec);
		else {
			log_error("package '%s' is in no repository (or is excluded)", spec);
			if (rq->missing)
				strv_push(rq->missing, xstrdup(spec));
			char *m = missing ? xasprintf("%s, '%s'", missing, spec)
					  : xasprintf("'%s'", spec);
			free(missing);
			missing = m;
		}
	}
	queue_free(&q);
	if (!missing)
		return 0;
	if (quiet)
		return -ENOENT;
	/* One summary, the message people see at the end. */
	log_error(
		"not in any repository: %s; fix packages.install, add the repository that has them, or set ignore_missing: true",
		missing);
	return -ENOENT;
}

static depsolve_pkg pkg_from_solvable(Pool *pool, Solvable *s)
{
	depsolve_pkg p = {0};
	p.nevra = xstrdup(pool_solvable2str(pool, s));
	p.name = xstrdup(pool_id2str(pool, s->name));
	p.location = xstrdup(solvable_lookup_location(s, NULL));
	Id type = 0;
	const unsigned char *chk = solvable_lookup_bin_checksum(s, SOLVABLE_CHECKSUM, &type);
	if (chk && type) {
		p.checksum_type = xstrdup(solv_chksum_type2str(type));
		p.checksum = xstrdup(pool_bin2hex(pool, chk, solv_chksum_len(type)));
	}
	p.size = solvable_lookup_num(s, SOLVABLE_DOWNLOADSIZE, 0);
	p.installsize = solvable_lookup_num(s, SOLVABLE_INSTALLSIZE, 0);
	p.header_end = solvable_lookup_num(s, SOLVABLE_HEADEREND, 0);
	p.repo = (size_t)(uintptr_t)s->repo->appdata - 1;
	Id sb = pool_str2id(pool, "secure-boot(signed)", 0);
	if (sb && s->provides) {
		for (Id *d = s->repo->idarraydata + s->provides; *d; d++)
			p.secure_boot_signed = p.secure_boot_signed || *d == sb;
	}
	return p;
}

/* Every rule behind one problem, in words with package names
 * ("package bash-5.2-1.azl4.x86_64 requires busybox, but none of the
 * providers can be installed"), never solver ids. */
static void log_problem(Solver *solv, Id problem)
{
	Queue rules;
	queue_init(&rules);
	solver_findallproblemrules(solv, problem, &rules);
	azl_buf b = {0};
	for (int i = 0; i < rules.count; i++) {
		Id dep, source, target;
		SolverRuleinfo type =
			solver_ruleinfo(solv, rules.elements[i], &source, &target, &dep);
		const char *text = solver_problemruleinfo2str(solv, type, source, target, dep);
		if (b.len && strstr(b.data, text))
			continue;
		buf_printf(&b, "%s%s", b.len ? "; " : "", text);
	}
	queue_free(&rules);
	log_error("cannot install the packages asked for: %s",
		  b.len ? b.data : solver_problem2str(solv, problem));
	buf_free(&b);
}

static bool any_lazy(const azl_solver *s)
{
	for (size_t i = 0; i < s->n_repos; i++)
		if (s->repos[i].lazy)
			return true;
	return false;
}

/* Reads in full every repository that only has its index read. */
static int load_lazy(azl_solver *s)
{
	/* Emptied from the last: the solvable ids are then those of a
	 * pool that read the caches alone. */
	for (size_t i = s->n_repos; i-- > 0;)
		if (s->repos[i].lazy)
			repo_empty(s->repos[i].repo, 1);
	for (size_t i = 0; i < s->n_repos; i++) {
		repo_state *st = &s->repos[i];
		if (!st->lazy)
			continue;
		st->lazy = false;
		int r = load_repo(s, st);
		if (r < 0)
			return r;
	}
	s->reduced = false;
	return 0;
}

/* A word the index answers as the whole repository would: letters,
 * digits and ._+- (no glob, version comparison or path). */
static bool plain_word(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') ||
		      (*w >= '0' && *w <= '9') || strchr("._+-", *w)))
			return false;
	return true;
}

/* Could libsolv's selection read word as name-version or name.arch of a
 * package the index has? */
static bool maybe_canon(solv_reach *r, const char *word)
{
	for (const char *c = word; *c; c++) {
		if (*c != '-' && *c != '.')
			continue;
		_cleanup_free_ char *head = xstrndup(word, (size_t)(c - word));
		if (solv_reach_known(r, head))
			return true;
	}
	return false;
}

/* Marks what the request reaches; false when only the whole
 * repositories answer it exactly. */
static bool reach_request(solv_reach *r, const depsolve_request *rq)
{
	for (size_t i = 0; rq->install && rq->install[i]; i++) {
		const char *spec = rq->install[i];
		bool optional = spec[0] == '?';
		spec += optional;
		if (spec[0] == '@') {
			bool env = spec[1] == '^';
			const char *id = spec + (env ? 2 : 1);
			if (!plain_word(id))
				return false;
			_cleanup_free_ char *g = xasprintf("group:%s", id);
			_cleanup_free_ char *e = xasprintf("environment:%s", id);
			/* "@X" is a group, else a group's display name (which
			 * only the whole repository has), else an
			 * environment. */
			if (!(env ? solv_reach_name(r, e) : solv_reach_name(r, g)))
				return false;
			continue;
		}
		if (!plain_word(spec))
			return false;
		if (solv_reach_name(r, spec))
			continue;
		/* Absent: fine when it is optional and no selection could
		 * find it another way. */
		if (!optional || maybe_canon(r, spec))
			return false;
	}
	for (size_t i = 0; rq->exclude && rq->exclude[i]; i++) {
		if (!plain_word(rq->exclude[i]))
			return false;
		/* Read, so that the exclude counts what it would count in
		 * the whole repository. */
		solv_reach_name(r, rq->exclude[i]);
	}
	solv_reach_close(r);
	return !r->need_all;
}

static int solve_loop(azl_solver *s, const depsolve_request *rq, bool quiet, Solver **ret_solv,
		      int *ret_problems);

/* The warm path: only the packages the request reaches go into the pool
 * (solv-index.h). Returns true with *ret_solv solved without problems;
 * false when the whole repositories must answer (then all are read). */
static bool solve_reached(azl_solver *s, const depsolve_request *rq, Solver **ret_solv)
{
	/* Once: a second request may need what the first did not reach. */
	if (s->reduced)
		return false;
	solv_index **ix = xcalloc(s->n_repos, sizeof(*ix));
	bool all_lazy = true;
	for (size_t i = 0; i < s->n_repos; i++) {
		ix[i] = s->repos[i].ix;
		all_lazy = all_lazy && s->repos[i].lazy;
	}
	if (!all_lazy) {
		/* Some repository has no index (solv_reach needs all). */
		free(ix);
		return false;
	}
	double t0 = now_ms();
	solv_reach r;
	solv_reach_init(&r, ix, s->n_repos);
	bool ok = reach_request(&r, rq);
	size_t total = 0, n = 0;
	if (ok)
		for (size_t i = 0; i < s->n_repos; i++) {
			total += solv_index_packages(ix[i]);
			n += solv_reach_load(&r, i, s->repos[i].repo);
		}
	solv_reach_done(&r);
	free(ix);
	if (ok) {
		s->reduced = true;
		log_debug("depsolve: %zu of %zu packages reachable, read in %.1f ms", n, total,
			  now_ms() - t0);
		int problems = 0;
		if (solve_loop(s, rq, true, ret_solv, &problems) == 0 && !problems)
			return true;
		if (*ret_solv)
			solver_free(*ret_solv);
		*ret_solv = NULL;
		log_debug(
			"depsolve: not solved with the reachable packages alone; reading the whole repositories");
	}
	return false;
}

/* Solves, reading filelists when a name or dependency needs them.
 * Returns 0 with *ret_solv (and its number of problems) or -errno; quiet
 * (a missing name only returned) while repositories are still only partly
 * read, or when the metadata may be asked again. */
static int solve_loop(azl_solver *s, const depsolve_request *rq, bool quiet, Solver **ret_solv,
		      int *ret_problems)
{
	Pool *pool = s->pool;
	Solver *solv = NULL;
	int nproblems = 0;
	bool partial = any_lazy(s);
	*ret_solv = NULL;
	for (;;) {
		/* The excluded stay in whatprovides (libsolv leaves out what
		 * is not "considered"), for the same problem text whether or
		 * not filelists were read: "package A requires B, but none of
		 * the providers can be installed". */
		apply_excludes(pool, NULL, false);
		double t0 = now_ms();
		pool_addfileprovides(pool);
		double t1 = now_ms();
		pool_createwhatprovides(pool);
		double t2 = now_ms();
		log_debug("depsolve: file provides %.1f ms, whatprovides %.1f ms", t1 - t0,
			  t2 - t1);
		apply_excludes(pool, rq->exclude, partial);
		bool more = filelists_pending(s);
		Queue job;
		queue_init(&job);
		int r = make_jobs(pool, rq, &job, more || partial || quiet, partial);
		if (r < 0 && (!more || partial)) {
			queue_free(&job);
			return r;
		}
		if (r >= 0) {
			solv = solver_create(pool);
			solver_set_flag(solv, SOLVER_FLAG_IGNORE_RECOMMENDED, !rq->weak_deps);
			double t3 = now_ms();
			nproblems = solver_solve(solv, &job);
			log_debug("depsolve: jobs %.1f ms, solving %.1f ms", t3 - t2,
				  now_ms() - t3);
		}
		queue_free(&job);
		if ((r >= 0 && !nproblems) || !more || partial)
			break;
		/* A name or a dependency that only filelists.xml has. */
		if (solv)
			solver_free(solv);
		solv = NULL;
		r = load_filelists(s);
		if (r < 0)
			return r;
	}
	*ret_solv = solv;
	*ret_problems = nproblems;
	return 0;
}

/* Solves over the repositories as read so far. quiet: what is missing
 * and the problems are only returned, not logged (the metadata will be
 * asked again). Returns 0, -ENOENT, -EPROTO, -EBADMSG (a package without
 * a location) or another -errno. */
static int solve_pool(azl_solver *s, const depsolve_request *rq, bool quiet, depsolve_pkg **ret,
		      size_t *ret_n)
{
	Pool *pool = s->pool;
	Solver *solv = NULL;
	int nproblems = 0;
	if (any_lazy(s) && !solve_reached(s, rq, &solv)) {
		int r = load_lazy(s);
		if (r < 0)
			return r;
	}
	if (!solv) {
		int r = solve_loop(s, rq, quiet, &solv, &nproblems);
		if (r < 0)
			return r;
	}
	if (nproblems) {
		for (Id p = 1; !quiet && p <= nproblems; p++)
			log_problem(solv, p);
		solver_free(solv);
		return -EPROTO;
	}
	Transaction *trans = solver_create_transaction(solv);
	/* Each step's place in libsolv's install order (rank). */
	Queue listed;
	queue_init_clone(&listed, &trans->steps);
	transaction_order(trans, 0);
	Id *rank = solv_calloc(pool->nsolvables, sizeof(*rank));
	for (int i = 0; i < trans->steps.count; i++)
		rank[trans->steps.elements[i]] = i;
	queue_free(&trans->steps);
	trans->steps = listed;
	depsolve_pkg *pkgs = NULL;
	size_t n = 0;
	uint64_t bytes = 0;
	int r = 0;
	for (int i = 0; i < trans->steps.count && r == 0; i++) {
		Solvable *sv = pool->solvables + trans->steps.elements[i];
		if (sv->repo == pool->installed)
			continue; /* replaced by an update, rpm erases it */
		depsolve_pkg *p = xappend(&pkgs, &n, sizeof(*pkgs));
		*p = pkg_from_solvable(pool, sv);
		p->rank = (size_t)rank[trans->steps.elements[i]];
		bytes += p->size;
		if (p->location)
			continue;
		r = -EBADMSG;
		if (!quiet)
			log_error(
				"package '%s' of repository '%s' has no location in the repository's metadata; fix the repository (createrepo_c) or exclude it",
				p->nevra, sv->repo->name);
	}
	solv_free(rank);
	transaction_free(trans);
	solver_free(solv);
	if (r < 0) {
		depsolve_pkgs_free(pkgs, n);
		return r;
	}
	log_info("depsolving: %zu packages to install, %llu bytes to read", n,
		 (unsigned long long)bytes);
	*ret = pkgs;
	*ret_n = n;
	return 0;
}

static bool any_cached(const azl_solver *s)
{
	for (size_t i = 0; i < s->n_repos; i++)
		if (s->repos[i].cached)
			return true;
	return false;
}

/* Empties the pool's repositories and reads them again from their
 * metadata, past the cache, which is then written anew. */
static int reload_metadata(azl_solver *s)
{
	for (size_t i = s->n_repos; i-- > 0;)
		repo_empty(s->repos[i].repo, 1);
	for (size_t i = 0; i < s->n_repos; i++) {
		repo_state *st = &s->repos[i];
		free(st->location);
		free(st->chk_type);
		free(st->chk_hex);
		st->location = st->chk_type = st->chk_hex = NULL;
		solv_index_close(st->ix);
		st->ix = NULL;
		st->fl_start = 0;
		st->lazy = st->cached = st->dirty = st->need_index = false;
		st->bypass = true;
	}
	s->reduced = false;
	for (size_t i = 0; i < s->n_repos; i++) {
		int r = load_repo(s, &s->repos[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int depsolve_solve(azl_solver *s, const depsolve_request *rq, depsolve_pkg **ret, size_t *ret_n)
{
	/* The cache never decides what exists: what it cannot answer (a
	 * missing name, a conflict, a package without a location) is asked
	 * of the metadata again. */
	bool cached = any_cached(s);
	int r = solve_pool(s, rq, cached, ret, ret_n);
	if (cached && (r == -ENOENT || r == -EPROTO || r == -EBADMSG)) {
		log_info(
			"depsolve: from the cache, %s; reading the repositories' metadata to be sure",
			r == -ENOENT   ? "a name is missing"
			: r == -EPROTO ? "the request cannot be solved"
				       : "a package has no location");
		r = reload_metadata(s);
		if (r >= 0)
			r = solve_pool(s, rq, false, ret, ret_n);
	}
	/* Last: it adds file provides to the pool, which the solver and
	 * the transaction must not see change under them. */
	write_caches(s);
	return r;
}

static void gcrypt_init(void)
{
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P) && gcry_check_version(NULL)) {
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
}

static pthread_once_t gcrypt_once = PTHREAD_ONCE_INIT;

void depsolve_checksum_init(void)
{
	pthread_once(&gcrypt_once, gcrypt_init);
}

/* A digest being computed: by libgcrypt (the library librpm checks
 * packages with): SHA-256 at the CPU's speed (SHA extensions), several
 * times libsolv's portable code, which does the types libgcrypt does not
 * know ("sha", MD5 in FIPS mode). */
struct depsolve_digest {
	gcry_md_hd_t md; /* NULL: libsolv's c */
	int algo;
	Chksum *c;
};

depsolve_digest *depsolve_digest_new(const char *type)
{
	/* Only the types libsolv knows (the ones repodata uses). */
	Id t = type ? solv_chksum_str2type(type) : 0;
	if (!t)
		return NULL;
	depsolve_checksum_init();
	depsolve_digest *d = xcalloc(1, sizeof(*d));
	int algo = gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P) ? gcry_md_map_name(type) : 0;
	unsigned dlen = algo ? gcry_md_get_algo_dlen(algo) : 0;
	if (algo && dlen > 0 && dlen <= 64 && gcry_md_open(&d->md, algo, 0) == 0)
		d->algo = algo;
	else {
		d->md = NULL;
		d->c = solv_chksum_create(t);
	}
	return d;
}

void depsolve_digest_add(void *digest, const void *buf, size_t len)
{
	depsolve_digest *d = digest;
	if (d->md)
		gcry_md_write(d->md, buf, len);
	else
		solv_chksum_add(d->c, buf, (int)len);
}

int depsolve_digest_check(depsolve_digest *d, const char *hex)
{
	char got[2 * 64 + 1];
	if (d->md)
		solv_bin2hex(gcry_md_read(d->md, d->algo), (int)gcry_md_get_algo_dlen(d->algo),
			     got);
	else {
		int len = 0;
		const unsigned char *sum = solv_chksum_get(d->c, &len);
		if (len <= 0 || len > 64)
			return -EINVAL;
		solv_bin2hex(sum, len, got);
	}
	return hex && strcasecmp(got, hex) == 0 ? 0 : -EBADMSG;
}

void depsolve_digest_free(depsolve_digest *d)
{
	if (!d)
		return;
	if (d->md)
		gcry_md_close(d->md);
	else
		solv_chksum_free(d->c, NULL);
	free(d);
}

int depsolve_check_fd(int fd, const char *type, const char *hex)
{
	depsolve_digest *d = depsolve_digest_new(type);
	if (!d)
		return -EINVAL;
	unsigned char buf[65536];
	ssize_t k;
	off_t off = 0;
	while ((k = pread(fd, buf, sizeof(buf), off)) > 0) {
		depsolve_digest_add(d, buf, (size_t)k);
		off += k;
	}
	int r = k < 0 ? -errno : depsolve_digest_check(d, hex);
	depsolve_digest_free(d);
	return r;
}

int depsolve_check_file(const char *path, const char *type, const char *hex)
{
	if (!solv_chksum_str2type(type))
		return -EINVAL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return depsolve_check_fd(fd, type, hex);
}

void depsolve_groups_free(depsolve_group *g, size_t n)
{
	for (size_t i = 0; g && i < n; i++) {
		free(g[i].id);
		free(g[i].name);
		free(g[i].description);
	}
	free(g);
}

/* libsolv's XML readers report a syntax error through the pool's debug
 * output and still return 0: count the errors instead of printing them. */
static void count_errors(Pool *pool, void *data, int type, const char *str)
{
	(void)pool;
	(void)str;
	if (type & (SOLV_ERROR | SOLV_FATAL))
		(*(int *)data)++;
}

int depsolve_groups_parse(const char *xml, size_t len, depsolve_group **ret, size_t *ret_n)
{
	if (!memmem(xml, len, "<comps", 6))
		return -EINVAL;
	FILE *f = fmemopen((void *)xml, len, "r");
	if (!f)
		return -errno;
	Pool *pool = pool_create();
	int errors = 0;
	pool_setdebugcallback(pool, count_errors, &errors);
	Repo *repo = repo_create(pool, "comps");
	int r = repo_add_comps(repo, f, 0);
	fclose(f);
	depsolve_group *g = NULL;
	size_t n = 0;
	Id p;
	Solvable *s;
	FOR_REPO_SOLVABLES(repo, p, s)
	{
		const char *id = s->name ? pool_id2str(pool, s->name) : NULL;
		if (!id || !startswith(id, "group:") || !id[6])
			continue;
		depsolve_group *it = xappend(&g, &n, sizeof(*g));
		it->id = xstrdup(id + 6);
		const char *name = solvable_lookup_str(s, SOLVABLE_SUMMARY);
		const char *desc = solvable_lookup_str(s, SOLVABLE_DESCRIPTION);
		it->name = xstrdup(name ? name : it->id);
		it->description = desc ? xstrdup(desc) : NULL;
		it->visible = solvable_lookup_void(s, SOLVABLE_ISVISIBLE);
	}
	pool_free(pool);
	if (r < 0 || errors > 0) {
		depsolve_groups_free(g, n);
		return -EINVAL;
	}
	*ret = g;
	*ret_n = n;
	return 0;
}
