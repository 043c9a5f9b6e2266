/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "depsolve.h"
#include "fetch.h"
#include "log.h"
#include "rpm-install.h"
#include "trust.h"

static void repo_src_done(azl_repo_src *r)
{
	free(r->name);
	free(r->baseurl);
	free(r->local_dir);
	free(r->cache_dir);
	free(r->solv_dir);
	free(r->gpgkey);
	free(r->gpgkey_fpr);
}

void repo_list_done(azl_repo_list *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		repo_src_done(&l->repos[i]);
	free(l ? l->repos : NULL);
	if (l)
		*l = (azl_repo_list){0};
}

/* A short stable tag of a URL for its cache directory (FNV-1a). */
static uint32_t url_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static char *with_slash(const char *s)
{
	return endswith(s, "/") ? xstrdup(s) : xasprintf("%s/", s);
}

static int repo_src_init(azl_repo_src *r, const char *name, const char *url, const char *cache_root)
{
	r->name = xstrdup(name);
	_cleanup_free_ char *safe = xstrdup(name);
	for (char *c = safe; *c; c++)
		if (*c == '/' || *c == '.')
			*c = '_';
	if (startswith(url, "http://") || startswith(url, "https://")) {
		r->baseurl = with_slash(url);
		r->cache_dir = xasprintf("%s/%s-%08x", cache_root, safe, url_hash(r->baseurl));
		r->solv_dir = xasprintf("%s/solv", r->cache_dir);
		return 0;
	}
	const char *path = url;
	if (startswith(url, "file://"))
		path = url + strlen("file://");
	else if (fetch_is_url(url)) {
		log_error(
			"repository '%s': '%s' is not a directory or a file:, http: or https: URL",
			name, url);
		return -EINVAL;
	}
	char abs[PATH_MAX];
	if (!realpath(path, abs)) {
		/* Reported when its repomd.xml is read; keep the path. */
		snprintf(abs, sizeof(abs), "%s", path);
	}
	size_t len = strlen(abs);
	while (len > 1 && abs[len - 1] == '/')
		abs[--len] = '\0';
	r->local_dir = xstrdup(abs);
	r->baseurl = xasprintf("file://%s/", strcmp(abs, "/") ? abs : "");
	r->solv_dir = xasprintf("%s/%s-%08x/solv", cache_root, safe, url_hash(r->baseurl));
	return 0;
}

/* A preset's repositories, appended to l. */
static int add_preset(azl_repo_list *l, const azl_repo_preset *pre, int priority,
		      const char *cache_root)
{
	int r = 0;
	for (size_t i = 0; i < pre->n_repos && r >= 0; i++) {
		azl_repo_src *s = xappend(&l->repos, &l->n, sizeof(*s));
		_cleanup_free_ char *url = repo_preset_baseurl(pre, i);
		s->priority = priority;
		s->gpgcheck = true;
		s->preset = pre;
		s->gpgkey_fpr = xstrdup(pre->key_fingerprint);
		r = repo_src_init(s, pre->repos[i].name, url, cache_root);
	}
	return r;
}

/* Bytes of a mirrorlist or metalink; mirrors tried at most. */
#define MIRRORS_MAX_SIZE  (1u << 20)
#define MIRRORS_MAX_TRIED 16

/* The base URLs (with a trailing '/') a mirrorlist (one URL a line, '#'
 * comments) or a metalink (<url ...>BASE/repodata/repomd.xml</url>)
 * names, in order; only http:// and https:// ones. */
static char **mirror_urls(const char *text, bool metalink)
{
	char **v = NULL;
	const char *p = text;
	while (p && *p) {
		const char *s, *e;
		if (metalink) {
			const char *tag = strstr(p, "<url");
			if (!tag)
				break;
			s = strchr(tag, '>');
			if (!s)
				break;
			s++;
			e = strstr(s, "</url>");
			if (!e)
				break;
			p = e + strlen("</url>");
		} else {
			s = p;
			e = strchr(s, '\n');
			p = e ? e + 1 : NULL;
			if (!e)
				e = s + strlen(s);
		}
		while (s < e && strchr(" \t\r\n", *s))
			s++;
		while (e > s && strchr(" \t\r\n", e[-1]))
			e--;
		_cleanup_free_ char *u = xstrndup(s, (size_t)(e - s));
		if (metalink && endswith(u, "repodata/repomd.xml"))
			u[strlen(u) - strlen("repodata/repomd.xml")] = '\0';
		if (!startswith(u, "http://") && !startswith(u, "https://"))
			continue;
		if (strpbrk(u, " \t<>\"'"))
			continue;
		strv_push(&v, with_slash(u));
	}
	return v;
}

/* A repository given by --mirrorlist/--metalink: the first mirror that
 * serves repodata/repomd.xml. The list and the mirrors are untrusted like
 * every server: package signatures decide. Returns 0 or -errno. */
/* What each list resolved to in this run: an install builds its
 * repository list more than once (keys, check, payload), and the list is
 * fetched and its mirrors tried once, not each time (a mirrorlist server
 * may pick another mirror on the next request: one run, one mirror). */
typedef struct mirror_choice {
	char *src;
	char *base;
} mirror_choice;
static mirror_choice *mirror_choices;
static size_t n_mirror_choices;

static const char *mirror_chosen(const char *src)
{
	for (size_t i = 0; i < n_mirror_choices; i++)
		if (streq_ptr(mirror_choices[i].src, src))
			return mirror_choices[i].base;
	return NULL;
}

static void mirror_choose(const char *src, const char *base)
{
	mirror_choice *c = xappend(&mirror_choices, &n_mirror_choices, sizeof(*c));
	c->src = xstrdup(src);
	c->base = xstrdup(base);
}

/* Each repository's repomd.xml as this run read it: an install reads its
 * repositories more than once (the check before anything is written, then
 * the package phase), and each read asked the server again, a round trip
 * each time. Within REPOMD_FRESH_S of the first read, the same index is
 * used again: the package phase installs from the repository the check
 * solved against, even when the mirror changes in between (as dnf keeps
 * metadata between its runs, for hours); an interactive session left
 * longer reads it again. Guarded: package downloads run on other
 * threads. */
#define REPOMD_FRESH_S 300.0
typedef struct repomd_seen {
	char *url;
	char *body;
	size_t len;
	double at;
} repomd_seen;
static repomd_seen *repomds;
static size_t n_repomds;
static pthread_mutex_t repomds_lock = PTHREAD_MUTEX_INITIALIZER;

static void repomd_remember(const char *url, const char *body, size_t len)
{
	pthread_mutex_lock(&repomds_lock);
	repomd_seen *e = NULL;
	for (size_t i = 0; i < n_repomds && !e; i++)
		if (streq_ptr(repomds[i].url, url))
			e = &repomds[i];
	if (!e) {
		e = xappend(&repomds, &n_repomds, sizeof(*e));
		e->url = xstrdup(url);
	}
	free(e->body);
	e->body = xmalloc(len + 1);
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	e->len = len;
	e->at = mono_s();
	pthread_mutex_unlock(&repomds_lock);
}

/* A copy of what this run read from url less than REPOMD_FRESH_S ago
 * and at most max bytes long (*ret the caller's; ret NULL: whether there
 * is one), or false. */
static bool repomd_recalled(const char *url, size_t max, char **ret, size_t *ret_len)
{
	bool found = false;
	pthread_mutex_lock(&repomds_lock);
	for (size_t i = 0; i < n_repomds && !found; i++) {
		const repomd_seen *e = &repomds[i];
		if (!streq_ptr(e->url, url) || mono_s() - e->at >= REPOMD_FRESH_S || e->len > max)
			continue;
		if (ret) {
			*ret = xmalloc(e->len + 1);
			memcpy(*ret, e->body, e->len + 1);
			*ret_len = e->len;
		}
		found = true;
	}
	pthread_mutex_unlock(&repomds_lock);
	return found;
}

bool repo_reached(const azl_repo_src *r)
{
	if (!r->cache_dir)
		return false;
	_cleanup_free_ char *url = xasprintf("%srepodata/repomd.xml", r->baseurl);
	return repomd_recalled(url, SIZE_MAX, NULL, NULL);
}

static int resolve_mirrors(const azl_repo *m, const char *name, char **ret)
{
	bool metalink = !m->mirrorlist;
	const char *src = metalink ? m->metalink : m->mirrorlist;
	const char *what = metalink ? "metalink" : "mirrorlist";
	const char *chosen = mirror_chosen(src);
	if (chosen) {
		log_debug("repository '%s': its %s was resolved already in this run: %s", name,
			  what, chosen);
		*ret = xstrdup(chosen);
		return 0;
	}
	_cleanup_free_ char *text = NULL, *err = NULL;
	size_t len = 0;
	int r = fetch_url(src, MIRRORS_MAX_SIZE, &text, &len, &err);
	if (r < 0) {
		log_error("repository '%s': cannot fetch its %s: %s", name, what, err);
		return r;
	}
	_cleanup_strv_free_ char **urls = mirror_urls(text, metalink);
	for (size_t i = 0; urls && urls[i] && i < MIRRORS_MAX_TRIED; i++) {
		_cleanup_free_ char *repomd = xasprintf("%srepodata/repomd.xml", urls[i]);
		_cleanup_free_ char *body = NULL, *e = NULL;
		size_t n = 0;
		int k = fetch_url(repomd, 16u << 20, &body, &n, &e);
		if (k == -EINTR)
			return k;
		if (k < 0) {
			log_warning("repository '%s': mirror %zu of its %s: %s; trying the next",
				    name, i + 1, what, e);
			continue;
		}
		log_info("repository '%s': mirror %zu of its %s: %s (used for the whole run)", name,
			 i + 1, what, urls[i]);
		/* What the probe read is the index the run uses. */
		repomd_remember(repomd, body, n);
		mirror_choose(src, urls[i]);
		*ret = xstrdup(urls[i]);
		return 0;
	}
	log_error("repository '%s': no mirror its %s names serves repodata/repomd.xml (%zu tried)",
		  name, what,
		  strv_length(urls) < MIRRORS_MAX_TRIED ? strv_length(urls) : MIRRORS_MAX_TRIED);
	/* What an unreachable baseurl gives. */
	return -EIO;
}

int repo_list_build(const azl_packages *p, const azl_cli_repos *cli, const char *cache_root,
		    azl_repo_list *ret)
{
	azl_repo_list l = {0};
	if (!cache_root)
		cache_root = getenv("AZL_CACHE_DIR");
	if (!cache_root || !cache_root[0])
		cache_root = AZL_DEFAULT_CACHE;
	int r = 0;
	char *const *given = cli ? cli->repos : NULL;
	if (given && given[0]) {
		for (size_t i = 0; given[i] && r >= 0; i++) {
			const azl_repo_preset *pre = repo_preset_find(given[i]);
			if (pre) {
				if (access(given[i], F_OK) == 0)
					log_warning(
						"--repo '%s' is the repository preset; write './%s' for the directory",
						given[i], given[i]);
				r = add_preset(&l, pre, 99, cache_root);
				continue;
			}
			azl_repo_src *s = xappend(&l.repos, &l.n, sizeof(*s));
			_cleanup_free_ char *name =
				i ? xasprintf("cmdline-%zu", i + 1) : xstrdup("cmdline");
			s->priority = 99;
			s->gpgcheck = true;
			s->gpgkey = xstrdup(cli->gpgkey);
			s->gpgkey_fpr = xstrdup(cli->gpgkey_fpr);
			r = repo_src_init(s, name, given[i], cache_root);
		}
	} else if (p && p->n_repos) {
		for (size_t i = 0; i < p->n_repos && r >= 0; i++) {
			const azl_repo *m = &p->repos[i];
			int prio = m->priority > 0 ? m->priority : 99;
			if (m->preset) {
				const azl_repo_preset *pre = repo_preset_find(m->preset);
				if (!pre) {
					/* validate says so first. */
					log_error("'%s' is not a repository preset", m->preset);
					r = -EINVAL;
					break;
				}
				r = add_preset(&l, pre, prio, cache_root);
				continue;
			}
			azl_repo_src *s = xappend(&l.repos, &l.n, sizeof(*s));
			_cleanup_free_ char *name =
				m->name ? xstrdup(m->name) : xasprintf("repo-%zu", i + 1);
			s->priority = prio;
			s->gpgcheck = m->gpgcheck;
			s->gpgkey = xstrdup(m->gpgkey);
			s->gpgkey_fpr = fingerprint_normalize(m->gpgkey_fingerprint);
			if (m->gpgkey_fingerprint && !s->gpgkey_fpr) {
				/* validate says so first; never unchecked. */
				log_error("repository '%s': '%s' is not an OpenPGP fingerprint",
					  m->name ? m->name : "?", m->gpgkey_fingerprint);
				r = -EINVAL;
				break;
			}
			_cleanup_free_ char *mirror = NULL;
			if (!m->baseurl && (m->mirrorlist || m->metalink)) {
				r = resolve_mirrors(m, name, &mirror);
				if (r < 0)
					break;
			}
			r = repo_src_init(s, name, mirror ? mirror : m->baseurl, cache_root);
		}
	} else {
		azl_repo_src *s = xappend(&l.repos, &l.n, sizeof(*s));
		s->priority = 99;
		s->gpgcheck = true;
		r = repo_src_init(s, "media", AZL_DEFAULT_REPO, cache_root);
	}
	if (r < 0) {
		repo_list_done(&l);
		return r;
	}
	*ret = l;
	return 0;
}

/* Metadata may name any path; only plain relative ones are taken. */
bool repo_relpath_safe(const char *p)
{
	if (!p || !p[0] || p[0] == '/')
		return false;
	for (const char *s = p; s; s = strchr(s, '/')) {
		if (*s == '/')
			s++;
		if (startswith(s, "../") || streq_ptr(s, ".."))
			return false;
	}
	return true;
}

static int mkdir_parents_of(const char *path)
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
	return 0;
}

int repo_fetch(const azl_repo_src *r, const char *relpath, const char *chk_type,
	       const char *chk_hex, char **ret_path)
{
	/* repomd.xml is an index of a few KiB; the rest is metadata. */
	uint64_t max =
		streq_ptr(relpath, "repodata/repomd.xml") ? FETCH_MAX_SMALL : FETCH_MAX_METADATA;
	return repo_fetch_sized(r, relpath, max, chk_type, chk_hex, ret_path);
}

int repo_fetch_sized(const azl_repo_src *r, const char *relpath, uint64_t max, const char *chk_type,
		     const char *chk_hex, char **ret_path)
{
	return repo_fetch_into(r, NULL, relpath, max, chk_type, chk_hex, ret_path);
}

int repo_fetch_head(const azl_repo_src *r, const char *relpath, uint64_t len, uint64_t max,
		    char **ret, size_t *ret_len)
{
	if (!relpath || !repo_relpath_safe(relpath) || !r->cache_dir) {
		log_error("repository '%s': no remote package '%s'", r->name,
			  relpath ? relpath : "(none)");
		return -EBADMSG;
	}
	_cleanup_free_ char *url = xasprintf("%s%s", r->baseurl, relpath);
	_cleanup_free_ char *why = NULL;
	int err = fetch_head(url, len, max, ret, ret_len, &why);
	if (err < 0)
		log_error("repository '%s': %s", r->name, why);
	return err;
}

static int open_dir_made(const char *dir)
{
	_cleanup_free_ char *probe = xasprintf("%s/.", dir);
	int r = mkdir_parents_of(probe);
	if (r < 0)
		return r;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int repo_dirs_open(const azl_repo_src *r, const char *dl_dir, repo_dirs *ret)
{
	*ret = (repo_dirs){.local_fd = -1, .cache_fd = -1, .dl_fd = -1};
	const char *what = r->local_dir ? r->local_dir : r->cache_dir;
	int fd = -EINVAL;
	if (r->local_dir) {
		fd = open(r->local_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	} else if (r->cache_dir)
		fd = open_dir_made(r->cache_dir);
	if (fd < 0)
		return log_error_errno(fd, "repository '%s': cannot open '%s'", r->name,
				       what ? what : "(nothing)");
	if (r->local_dir) {
		ret->local_fd = fd;
		return 0;
	}
	ret->cache_fd = ret->dl_fd = fd;
	if (dl_dir) {
		fd = open_dir_made(dl_dir);
		if (fd < 0) {
			repo_dirs_close(ret);
			return log_error_errno(fd, "cannot open the download directory '%s'",
					       dl_dir);
		}
		ret->dl_fd = fd;
	}
	return 0;
}

void repo_dirs_close(repo_dirs *d)
{
	if (d->dl_fd >= 0 && d->dl_fd != d->cache_fd)
		close(d->dl_fd);
	if (d->cache_fd >= 0)
		close(d->cache_fd);
	if (d->local_fd >= 0)
		close(d->local_fd);
	*d = (repo_dirs){.local_fd = -1, .cache_fd = -1, .dl_fd = -1};
}

/* A download that does not match its checksum (err from the check):
 * said, and refused. */
static int checksum_refused(const azl_repo_src *r, const char *url, const char *chk_type, int err)
{
	log_error("repository '%s': '%s' does not match its %s checksum in the metadata", r->name,
		  url, chk_type);
	return err == -EBADMSG ? err : -EIO;
}

/* mkdir -p of relpath's parent directories under dir_fd. */
static int mkdir_parents_at(int dir_fd, const char *relpath)
{
	_cleanup_free_ char *p = xstrdup(relpath);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dir_fd, p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int repo_open_package(const azl_repo_src *r, const repo_dirs *d, const char *relpath, uint64_t max,
		      const char *chk_type, const char *chk_hex, int *ret_fd)
{
	if (!relpath || !repo_relpath_safe(relpath)) {
		log_error("repository '%s' names an unsafe path '%s'", r->name,
			  relpath ? relpath : "(none)");
		return -EBADMSG;
	}
	if (r->local_dir) {
		int fd = openat(d->local_fd, relpath, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int err = -errno;
			log_error("repository '%s': cannot read '%s/%s': %s", r->name, r->local_dir,
				  relpath, strerror(-err));
			return err;
		}
		*ret_fd = fd;
		return 0;
	}
	if (chk_type && chk_hex) {
		int fd = openat(d->cache_fd, relpath, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && depsolve_check_fd(fd, chk_type, chk_hex) == 0) {
			log_debug("repository '%s': '%s' from the cache", r->name, relpath);
			*ret_fd = fd;
			return 0;
		}
		if (fd >= 0) {
			close(fd);
			(void)unlinkat(d->cache_fd, relpath, 0);
		}
	}
	/* Unnamed until it is whole and matches: never a partial file. */
	int fd = openat(d->dl_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return log_error_errno(-errno, "repository '%s': cannot make a file for '%s'",
				       r->name, relpath);
	_cleanup_free_ char *url = xasprintf("%s%s", r->baseurl, relpath);
	_cleanup_free_ char *why = NULL;
	/* The checksum computed as the bytes arrive, on this thread, which
	 * otherwise waits for the network: the file is not read again for
	 * it (a type it cannot compute is refused below, as before). What
	 * is checked is what was written into fd, an unnamed file only root
	 * can reach; rpm's whole-file check reads the file itself later. */
	depsolve_digest *dg = chk_type && chk_hex ? depsolve_digest_new(chk_type) : NULL;
	int err = fetch_to_fd_tap(url, NULL, fd, max, dg ? depsolve_digest_add : NULL, dg, &why);
	if (err < 0) {
		depsolve_digest_free(dg);
		close(fd);
		/* Stopped because the install ended: nothing went wrong here. */
		log_msg(err == -ECANCELED ? AZL_LOG_DEBUG : AZL_LOG_ERROR, "repository '%s': %s",
			r->name, why ? why : strerror(-err));
		return err;
	}
	if (chk_type && chk_hex) {
		/* No digest: a type libsolv does not know, which reading
		 * the file could not check either. */
		err = dg ? depsolve_digest_check(dg, chk_hex) : -EINVAL;
		depsolve_digest_free(dg);
		if (err < 0) {
			close(fd);
			return checksum_refused(r, url, chk_type, err);
		}
	}
	/* Kept in the cache for the next install, when that is where it
	 * went (not into a download directory that goes afterwards). */
	if (d->dl_fd == d->cache_fd && mkdir_parents_at(d->cache_fd, relpath) == 0) {
		_cleanup_free_ char *part = xasprintf("%s.%ld.part", relpath, (long)getpid());
		(void)unlinkat(d->cache_fd, part, 0);
		if (linkat(fd, "", d->cache_fd, part, AT_EMPTY_PATH) == 0 &&
		    renameat(d->cache_fd, part, d->cache_fd, relpath) < 0)
			(void)unlinkat(d->cache_fd, part, 0);
	}
	log_debug("repository '%s': downloaded '%s'", r->name, url);
	*ret_fd = fd;
	return 0;
}

/* path holds body: left alone when it does already, else written whole. */
static int repomd_put(const char *path, const char *body, size_t len)
{
	_cleanup_free_ char *have = NULL;
	size_t have_len = 0;
	if (read_file_bounded(path, len + 1, &have, &have_len) == 0 && have_len == len &&
	    memcmp(have, body, len) == 0)
		return 0;
	return write_file_atomic(path, body, len, 0644);
}

int repo_fetch_into(const azl_repo_src *r, const char *dir, const char *relpath, uint64_t max,
		    const char *chk_type, const char *chk_hex, char **ret_path)
{
	if (!relpath) {
		/* The caller names the package (depsolve refuses one without
		 * a location); never a NULL path further down. */
		log_error("repository '%s': a file without a location", r->name);
		return -EBADMSG;
	}
	if (!repo_relpath_safe(relpath)) {
		log_error("repository '%s' names an unsafe path '%s'", r->name, relpath);
		return -EBADMSG;
	}
	if (r->local_dir) {
		char *path = xasprintf("%s/%s", r->local_dir, relpath);
		if (access(path, R_OK) < 0) {
			int err = -errno;
			log_error("repository '%s': cannot read '%s': %s", r->name, path,
				  strerror(-err));
			free(path);
			return err;
		}
		*ret_path = path;
		return 0;
	}
	_cleanup_free_ char *path = xasprintf("%s/%s", r->cache_dir, relpath);
	if (chk_type && chk_hex && access(path, F_OK) == 0) {
		if (depsolve_check_file(path, chk_type, chk_hex) == 0) {
			log_debug("repository '%s': '%s' from the cache", r->name, relpath);
			*ret_path = TAKE_PTR(path);
			return 0;
		}
		unlink(path);
	}
	if (dir) {
		free(path);
		path = xasprintf("%s/%s", dir, relpath);
	}
	int err = mkdir_parents_of(path);
	if (err < 0)
		return log_error_errno(err, "cannot create the cache for '%s'", path);
	_cleanup_free_ char *url = xasprintf("%s%s", r->baseurl, relpath);
	/* The index itself (no checksum names it): once per run. */
	bool index = !chk_type && streq_ptr(relpath, "repodata/repomd.xml");
	_cleanup_free_ char *seen = NULL;
	size_t seen_len = 0;
	/* Not beyond this read's bound (a mirror's probe takes more). */
	if (index && repomd_recalled(url, max, &seen, &seen_len)) {
		err = repomd_put(path, seen, seen_len);
		if (err < 0)
			return log_error_errno(err, "cannot write '%s'", path);
		log_debug("repository '%s': '%s' as read earlier in this run", r->name, url);
		*ret_path = TAKE_PTR(path);
		return 0;
	}
	_cleanup_free_ char *why = NULL;
	err = fetch_to_file(url, path, max, &why);
	if (err < 0) {
		log_error("repository '%s': %s", r->name, why);
		return err;
	}
	if (index) {
		_cleanup_free_ char *body = NULL;
		size_t len = 0;
		if (read_file_bounded(path, max, &body, &len) == 0)
			repomd_remember(url, body, len);
	}
	if (chk_type && chk_hex) {
		err = depsolve_check_file(path, chk_type, chk_hex);
		if (err < 0) {
			unlink(path);
			return checksum_refused(r, url, chk_type, err);
		}
	}
	log_debug("repository '%s': downloaded '%s'", r->name, url);
	*ret_path = TAKE_PTR(path);
	return 0;
}

/* Reads one armored key from a path or a URL (file:, http:, https:,
 * tftp:). */
static int read_key(const char *where, char **ret)
{
	size_t len = 0;
	char *text = NULL;
	int r;
	if (fetch_is_url(where)) {
		_cleanup_free_ char *why = NULL;
		r = fetch_url(where, 1 << 20, &text, &len, &why);
		if (r < 0) {
			log_error("cannot read the key: %s", why);
			return r;
		}
	} else {
		r = read_file_bounded(where, 1 << 20, &text, &len);
		if (r < 0)
			return log_error_errno(r, "cannot read the key '%s'", where);
	}
	*ret = text;
	return 0;
}

/* A key file of a local repository, opened beneath its directory: "..",
 * absolute symlinks and symlinks out of it are refused (-EXDEV), so the
 * key is one that lies in the repository the operator chose. -ENOENT when
 * there is none. */
static int read_own_key(int dirfd, const char *dir, const char *name, char **ret)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0) {
		int r = -errno;
		if (r != -ENOENT)
			log_error(
				"the key '%s/%s' is not a file inside the repository (%s); it is not trusted",
				dir, name, strerror(-r));
		return r;
	}
	_cleanup_close_ int kfd = (int)fd;
	int r = read_fd_bounded(kfd, 1 << 20, true, ret, NULL);
	if (r < 0)
		return log_error_errno(r, "cannot read the key '%s/%s'", dir, name);
	return 0;
}

/* RPM-GPG-KEY-* at a local repository's root, else its
 * repodata/repomd.xml.key (the demo repository has both). */
static int local_keys(const azl_repo_src *r, char ***keys)
{
	_cleanup_close_ int dfd = open(r->local_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return log_error_errno(errno, "cannot read '%s'", r->local_dir);
	int e = 0;
	DIR *d = fd_opendir_dup(dfd);
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (startswith(de->d_name, "RPM-GPG-KEY-"))
			strv_push(&names, xstrdup(de->d_name));
	if (d)
		closedir(d);
	else
		e = log_error_errno(errno, "cannot read '%s'", r->local_dir);
	if (names)
		strv_sort(names);
	for (size_t i = 0; e >= 0 && names && names[i]; i++) {
		char *text = NULL;
		e = read_own_key(dfd, r->local_dir, names[i], &text);
		if (e >= 0)
			strv_push(keys, text);
	}
	if (e >= 0 && !*keys) {
		char *text = NULL;
		e = read_own_key(dfd, r->local_dir, "repodata/repomd.xml.key", &text);
		if (e >= 0) {
			log_info("repository '%s': key from its repodata/repomd.xml.key", r->name);
			strv_push(keys, text);
		} else if (e == -ENOENT)
			e = 0;
	}
	return e;
}

/* Every key must be the one the operator pinned by its fingerprint. */
static int check_fingerprint(const azl_repo_src *r, const char *where, const char *key)
{
	_cleanup_free_ char *fpr = NULL;
	int e = rpm_key_fingerprint(key, &fpr);
	if (e < 0) {
		log_error("repository '%s': '%s' is not one armored OpenPGP public key", r->name,
			  where);
		return -EKEYREJECTED;
	}
	if (strcmp(fpr, r->gpgkey_fpr) != 0) {
		log_error(
			"repository '%s': the key from '%s' has the fingerprint %s, not the pinned %s; it is refused",
			r->name, where, fpr, r->gpgkey_fpr);
		return -EKEYREJECTED;
	}
	log_info("repository '%s': the key from '%s' has the pinned fingerprint %s", r->name, where,
		 fpr);
	return 0;
}

static int refuse_unpinned(const azl_repo_src *r)
{
	bool cli = startswith(r->name, "cmdline");
	if (r->gpgkey)
		log_error(
			"repository '%s': the key '%s' is fetched over the network and no fingerprint is pinned for it, so it cannot be trusted; give %s, or the key as a file path",
			r->name, r->gpgkey,
			cli ? "--repo-gpgkey-fingerprint FPR (azl.repo.gpgkey.fingerprint=FPR)"
			    : "'gpgkey_fingerprint: FPR'");
	else
		log_error(
			"repository '%s' (%s) has gpgcheck on and no pinned key; a key from the server it is meant to protect is never trusted. Pin one: %s",
			r->name, r->baseurl,
			cli ? "--repo-gpgkey PATH, or --repo-gpgkey URL with --repo-gpgkey-fingerprint FPR (kernel command line: azl.repo.gpgkey=URL azl.repo.gpgkey.fingerprint=FPR)"
			    : "'gpgkey: PATH', or 'gpgkey: URL' with 'gpgkey_fingerprint: FPR'");
	return -EPERM;
}

int repo_keys(const azl_repo_src *r, char ***ret)
{
	_cleanup_strv_free_ char **keys = NULL;
	if (r->preset) {
		/* Built in and pinned; checked all the same, so a key that
		 * is not the one the preset names never gets through. */
		_cleanup_free_ char *where = xasprintf("built-in %s", r->preset->key_file);
		int e = check_fingerprint(r, where, r->preset->key);
		if (e < 0)
			return e;
		strv_push(&keys, xstrdup(r->preset->key));
	} else if (r->gpgkey) {
		if (url_is_remote(r->gpgkey) && !r->gpgkey_fpr)
			return refuse_unpinned(r);
		char *text = NULL;
		int e = read_key(r->gpgkey, &text);
		if (e < 0)
			return e;
		strv_push(&keys, text);
		if (r->gpgkey_fpr) {
			e = check_fingerprint(r, r->gpgkey, text);
			if (e < 0)
				return e;
		}
	} else if (r->local_dir) {
		int e = local_keys(r, &keys);
		if (e < 0)
			return e;
	} else
		return refuse_unpinned(r);
	*ret = TAKE_PTR(keys);
	return 0;
}
