/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "accounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "passwd-hash.h"
#include "util.h"

#define UID_MIN 1000
#define UID_MAX 60000
#define MAX_DB	(4u << 20)

/* One colon-separated database held as rows of fields. Lines that are
 * not entries (comments, blank) are kept verbatim as one-field rows. */
typedef struct db {
	char ***rows;
	size_t n;
} db;

static void db_done(db *d)
{
	for (size_t i = 0; i < d->n; i++)
		strv_free(d->rows[i]);
	free(d->rows);
	*d = (db){0};
}

static char **split_fields(const char *line, size_t len)
{
	char **v = NULL;
	const char *s = line, *end = line + len;
	for (;;) {
		const char *c = memchr(s, ':', (size_t)(end - s));
		if (!c) {
			strv_push(&v, xstrndup(s, (size_t)(end - s)));
			return v;
		}
		strv_push(&v, xstrndup(s, (size_t)(c - s)));
		s = c + 1;
	}
}

static void db_parse(db *d, const char *text)
{
	for (const char *s = text; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char ***row = xappend(&d->rows, &d->n, sizeof(char **));
		*row = split_fields(s, len);
		s = nl ? nl + 1 : s + len;
	}
}

static char *db_format(const db *d)
{
	azl_buf b = {0};
	for (size_t i = 0; i < d->n; i++) {
		for (size_t j = 0; d->rows[i][j]; j++) {
			if (j)
				buf_append(&b, ":");
			buf_append(&b, d->rows[i][j]);
		}
		buf_append(&b, "\n");
	}
	return buf_steal(&b);
}

static char **db_find(const db *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strv_length(d->rows[i]) > 1 && streq_ptr(d->rows[i][0], name))
			return d->rows[i];
	return NULL;
}

/* Sets field idx of row, growing the row with empty fields. */
static void row_set(char ***row, size_t idx, const char *value)
{
	while (strv_length(*row) <= idx)
		strv_push(row, xstrdup(""));
	free((*row)[idx]);
	(*row)[idx] = xstrdup(value);
}

/* Replaces the entry called name, or appends one, with nfields fields. */
static char ***db_entry(db *d, const char *name, size_t nfields)
{
	for (size_t i = 0; i < d->n; i++)
		if (strv_length(d->rows[i]) > 1 && streq_ptr(d->rows[i][0], name))
			return &d->rows[i];
	char ***row = xappend(&d->rows, &d->n, sizeof(char **));
	for (size_t j = 0; j < nfields; j++)
		strv_push(row, xstrdup(j == 0 ? name : ""));
	return row;
}

static bool id_used(const db *d, unsigned long id)
{
	for (size_t i = 0; i < d->n; i++) {
		char **r = d->rows[i];
		if (strv_length(r) > 2 && r[0][0] != '#') {
			char *end;
			unsigned long v = strtoul(r[2], &end, 10);
			if (*r[2] && !*end && v == id)
				return true;
		}
	}
	return false;
}

static unsigned long alloc_id(const db *a, const db *b, unsigned long want)
{
	if (want && !id_used(a, want) && (!b || !id_used(b, want)))
		return want;
	for (unsigned long id = UID_MIN; id <= UID_MAX; id++)
		if (!id_used(a, id) && (!b || !id_used(b, id)))
			return id;
	return 0;
}

/* Adds user to the member list (field 3) of a group row. */
static void add_member(char ***row, const char *user)
{
	while (strv_length(*row) < 4)
		strv_push(row, xstrdup(""));
	char *members = (*row)[3];
	_cleanup_free_ char *copy = xstrdup(members);
	char *save = NULL;
	for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (strcmp(m, user) == 0)
			return;
	char *n = *members ? xasprintf("%s,%s", members, user) : xstrdup(user);
	free((*row)[3]);
	(*row)[3] = n;
}

/* The shadow password field for a password, a given hash and a lock. */
static int shadow_password(const azl_secret *pw, const char *hash, bool lock, const char *old,
			   char **ret)
{
	_cleanup_free_ char *h = NULL;
	if (pw) {
		int r = password_hash_yescrypt(pw, &h);
		if (r < 0)
			return log_error_errno(r, "cannot hash a password");
	} else if (hash)
		h = xstrdup(hash);
	else if (old && *old && old[0] != '!' && old[0] != '*')
		h = xstrdup(old);
	if (lock) {
		/* passwd -l style: the hash is kept behind a "!". */
		*ret = h ? (h[0] == '!' ? TAKE_PTR(h) : xasprintf("!%s", h)) : xstrdup("!");
		return 0;
	}
	/* No password at all: locked, never an empty field (which would
	 * let anyone in). */
	*ret = h ? TAKE_PTR(h) : xstrdup("!");
	return 0;
}

static void set_shadow(db *shadow, const char *name, const char *pw, long today)
{
	char ***row = db_entry(shadow, name, 9);
	_cleanup_free_ char *day = xasprintf("%ld", today);
	row_set(row, 1, pw);
	row_set(row, 2, day);
	if (strv_length(*row) < 5 || !*(*row)[4]) {
		row_set(row, 3, "0");
		row_set(row, 4, "99999");
		row_set(row, 5, "7");
	}
	while (strv_length(*row) < 9)
		strv_push(row, xstrdup(""));
}

void account_files_done(azl_account_files *f)
{
	if (!f)
		return;
	free(f->passwd);
	free(f->shadow);
	free(f->group);
	free(f->gshadow);
	*f = (azl_account_files){0};
}

void account_results_free(azl_account_result *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].name);
		free(r[i].home);
	}
	free(r);
}

int accounts_edit(azl_account_files *f, const azl_accounts *a, long today, azl_account_result **ret,
		  size_t *n_ret)
{
	db pw = {0}, sh = {0}, gr = {0}, gs = {0};
	azl_account_result *res = NULL;
	size_t n_res = 0;
	int r = 0;
	db_parse(&pw, f->passwd);
	db_parse(&sh, f->shadow);
	db_parse(&gr, f->group);
	db_parse(&gs, f->gshadow);

	/* root */
	char **root = db_find(&pw, "root");
	if (!root) {
		char ***row = db_entry(&pw, "root", 7);
		row_set(row, 1, "x");
		row_set(row, 2, "0");
		row_set(row, 3, "0");
		row_set(row, 4, "root");
		row_set(row, 5, "/root");
		row_set(row, 6, "/bin/bash");
		root = *row;
	}
	char **old_root = db_find(&sh, "root");
	_cleanup_free_ char *root_pw = NULL;
	r = shadow_password(a->root.password, a->root.password_hash, a->root.lock,
			    old_root ? old_root[1] : NULL, &root_pw);
	if (r < 0)
		goto out;
	set_shadow(&sh, "root", root_pw, today);
	azl_account_result *rr = xappend(&res, &n_res, sizeof(*res));
	*rr = (azl_account_result){.name = xstrdup("root"),
				   .home = xstrdup(strv_length(root) > 5 ? root[5] : "/root"),
				   .uid = 0,
				   .gid = 0};

	for (size_t i = 0; i < a->n_users; i++) {
		const azl_user *u = &a->users[i];
		char **existing = db_find(&pw, u->name);
		unsigned long uid, gid;
		if (existing) {
			uid = strtoul(existing[2], NULL, 10);
			gid = strtoul(existing[3], NULL, 10);
		} else {
			uid = alloc_id(&pw, NULL, u->uid);
			if (u->uid && uid != u->uid) {
				r = log_error_errno(EEXIST, "uid %u for '%s' is taken", u->uid,
						    u->name);
				goto out;
			}
			/* The user private group gets the uid as gid when
			 * that is free, as useradd does. */
			char **g = db_find(&gr, u->name);
			gid = g ? strtoul(g[2], NULL, 10) : alloc_id(&gr, NULL, uid);
			if (!uid || !gid) {
				r = log_error_errno(ENOSPC, "no free id for '%s'", u->name);
				goto out;
			}
			if (!g) {
				char ***row = db_entry(&gr, u->name, 4);
				_cleanup_free_ char *gs_id = xasprintf("%lu", gid);
				row_set(row, 1, "x");
				row_set(row, 2, gs_id);
				row_set(row, 3, "");
				char ***srow = db_entry(&gs, u->name, 4);
				row_set(srow, 1, "!");
			}
		}
		_cleanup_free_ char *home =
			xstrdup(u->home					? u->home
				: existing && strv_length(existing) > 5 ? existing[5]
									: NULL);
		if (!home)
			home = xasprintf("/home/%s", u->name);
		const char *shell = u->shell				    ? u->shell
				    : existing && strv_length(existing) > 6 ? existing[6]
									    : "/bin/bash";
		_cleanup_free_ char *shell_c = xstrdup(shell);
		_cleanup_free_ char *uid_s = xasprintf("%lu", uid);
		_cleanup_free_ char *gid_s = xasprintf("%lu", gid);
		char ***row = db_entry(&pw, u->name, 7);
		row_set(row, 1, "x");
		row_set(row, 2, uid_s);
		row_set(row, 3, gid_s);
		row_set(row, 4, u->gecos ? u->gecos : "");
		row_set(row, 5, home);
		row_set(row, 6, shell_c);

		char **old = db_find(&sh, u->name);
		_cleanup_free_ char *upw = NULL;
		r = shadow_password(u->password, u->password_hash, false, old ? old[1] : NULL,
				    &upw);
		if (r < 0)
			goto out;
		set_shadow(&sh, u->name, upw, today);

		for (size_t j = 0; u->groups && u->groups[j]; j++) {
			const char *gname = u->groups[j];
			if (!db_find(&gr, gname)) {
				unsigned long ngid = alloc_id(&gr, &pw, 0);
				if (!ngid) {
					r = log_error_errno(ENOSPC, "no free gid for '%s'", gname);
					goto out;
				}
				_cleanup_free_ char *ng = xasprintf("%lu", ngid);
				char ***grow = db_entry(&gr, gname, 4);
				row_set(grow, 1, "x");
				row_set(grow, 2, ng);
				char ***srow = db_entry(&gs, gname, 4);
				row_set(srow, 1, "!");
				log_info("created group '%s' (gid %lu)", gname, ngid);
			}
			add_member(db_entry(&gr, gname, 4), u->name);
			add_member(db_entry(&gs, gname, 4), u->name);
		}
		azl_account_result *ur = xappend(&res, &n_res, sizeof(*res));
		*ur = (azl_account_result){.name = xstrdup(u->name),
					   .home = TAKE_PTR(home),
					   .uid = (uid_t)uid,
					   .gid = (gid_t)gid};
		log_info("user '%s': uid %lu, gid %lu", u->name, uid, gid);
	}

	account_files_done(f);
	f->passwd = db_format(&pw);
	f->shadow = db_format(&sh);
	f->group = db_format(&gr);
	f->gshadow = db_format(&gs);
	*ret = TAKE_PTR(res);
	*n_ret = n_res;
out:
	account_results_free(res, res ? n_res : 0);
	db_done(&pw);
	db_done(&sh);
	db_done(&gr);
	db_done(&gs);
	return r;
}

/* Copies the directory src (an fd) into dst (an fd), owned by uid:gid.
 * Both fds were resolved inside the target; everything below is opened
 * relative to them without following symlinks. */
static int copy_tree(int src, int dst, uid_t uid, gid_t gid, int depth)
{
	if (depth > 16)
		return -ELOOP;
	DIR *d = fd_opendir_dup(src);
	if (!d)
		return -errno;
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(src, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(dst, e->d_name, st.st_mode & 07777) < 0 && errno != EEXIST) {
				r = -errno;
				break;
			}
			_cleanup_close_ int s2 = openat(
				src, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int d2 = openat(
				dst, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 >= 0 && d2 >= 0) {
				r = copy_tree(s2, d2, uid, gid, depth + 1);
				if (r == 0 && fchown(d2, uid, gid) < 0)
					r = -errno;
			} else
				r = -errno;
		} else if (S_ISLNK(st.st_mode)) {
			char buf[4096];
			ssize_t k = readlinkat(src, e->d_name, buf, sizeof(buf) - 1);
			if (k < 0) {
				r = -errno;
				break;
			}
			buf[k] = '\0';
			if (symlinkat(buf, dst, e->d_name) < 0 && errno != EEXIST)
				r = -errno;
			else if (fchownat(dst, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
				r = -errno;
		} else if (S_ISREG(st.st_mode)) {
			_cleanup_close_ int in =
				openat(src, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			int out = in < 0 ? -1
					 : openat(dst, e->d_name,
						  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
							  O_CLOEXEC,
						  st.st_mode & 07777);
			if (in < 0 || out < 0)
				r = errno == EEXIST ? 0 : -errno;
			char buf[65536];
			ssize_t k;
			while (r == 0 && out >= 0 && (k = read(in, buf, sizeof(buf))) > 0)
				if (write(out, buf, (size_t)k) != k)
					r = -EIO;
			if (r == 0 && out >= 0 &&
			    (fchown(out, uid, gid) < 0 || fchmod(out, st.st_mode & 07777) < 0))
				r = -errno;
			if (out >= 0)
				close(out);
		}
	}
	closedir(d);
	return r;
}

static int make_home(const azl_target *t, const azl_account_result *u)
{
	bool existed = target_exists(t, u->home);
	int r = target_mkdir_p(t, u->home, 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create '%s'", u->home);
	_cleanup_close_ int home = target_openat(t, u->home, O_RDONLY | O_DIRECTORY, 0);
	if (home < 0)
		return log_error_errno(home, "cannot open '%s'", u->home);
	if (!existed || u->uid != 0) {
		_cleanup_close_ int skel = target_openat(t, "etc/skel", O_RDONLY | O_DIRECTORY, 0);
		r = skel >= 0 ? copy_tree(skel, home, u->uid, u->gid, 0) : 0;
		if (r < 0)
			return log_error_errno(r, "cannot copy /etc/skel to '%s'", u->home);
	}
	if (fchown(home, u->uid, u->gid) < 0 || fchmod(home, u->uid == 0 ? 0550 : 0700) < 0)
		return log_error_errno(errno, "cannot set the owner of '%s'", u->home);
	return 0;
}

static int write_keys(const azl_target *t, const azl_account_result *u, char **keys)
{
	if (!keys || !keys[0])
		return 0;
	_cleanup_free_ char *dir = xasprintf("%s/.ssh", u->home);
	int r = target_mkdir_p(t, dir, 0700);
	if (r < 0)
		return log_error_errno(r, "cannot create '%s'", dir);
	int fd = target_openat(t, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return log_error_errno(fd, "cannot open '%s'", dir);
	if (fchown(fd, u->uid, u->gid) < 0 || fchmod(fd, 0700) < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return log_error_errno(r, "cannot set the owner of '%s'", dir);
	azl_buf b = {0};
	for (size_t i = 0; keys[i]; i++)
		buf_printf(&b, "%s\n", keys[i]);
	_cleanup_free_ char *text = buf_steal(&b);
	_cleanup_free_ char *path = xasprintf("%s/authorized_keys", dir);
	r = target_write_file(t, path, text, strlen(text), 0600, u->uid, u->gid);
	if (r < 0)
		return log_error_errno(r, "cannot write '%s'", path);
	log_info("wrote %zu SSH key(s) to %s", strv_length(keys), path);
	return 0;
}

static int read_db(const azl_target *t, const char *path, char **ret)
{
	int r = target_read_file(t, path, MAX_DB, ret, NULL);
	if (r == -ENOENT) {
		*ret = xstrdup("");
		return 0;
	}
	return r < 0 ? log_error_errno(r, "cannot read /%s", path) : 0;
}

/* Does sshd_config read the drop-in directory? Fedora's starts with
 * an Include of /etc/ssh/sshd_config.d; without it the drop-in is
 * ignored. */
static bool sshd_reads_dropins(const char *config)
{
	for (const char *s = config; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		_cleanup_free_ char *line = xstrndup(s, len);
		s = nl ? nl + 1 : s + len;
		char *w = line + strspn(line, " \t");
		if (strncasecmp(w, "Include", 7) == 0 && (w[7] == ' ' || w[7] == '\t') &&
		    strstr(w, "sshd_config.d"))
			return true;
	}
	return false;
}

/* accounts.root.allow_ssh: the drop-in Anaconda's rootpw --allow-ssh
 * writes, 0600 like the rest of /etc/ssh. */
static int apply_root_ssh(const azl_root_account *root, const azl_target *t)
{
	static const char dropin[] = "etc/ssh/sshd_config.d/01-permitrootlogin.conf";
	static const char text[] =
		"# Written by azl-installer (accounts.root.allow_ssh: true).\n"
		"# Root may log in over SSH with its password. Remove this file to opt out.\n"
		"PermitRootLogin yes\n";
	if (!root->allow_ssh)
		return 0;
	if (!target_exists(t, "etc/ssh")) {
		log_warning(
			"accounts: root.allow_ssh: the target has no /etc/ssh (no OpenSSH server installed); /%s is not written",
			dropin);
		return 0;
	}
	int r = target_mkdir_p(t, "etc/ssh/sshd_config.d", 0755);
	if (r < 0)
		return log_error_errno(r, "cannot create /etc/ssh/sshd_config.d");
	r = target_write_file(t, dropin, text, strlen(text), 0600, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write /%s", dropin);
	log_info("accounts: root may log in over SSH (/%s)", dropin);
	_cleanup_free_ char *config = NULL;
	r = target_read_file(t, "etc/ssh/sshd_config", MAX_DB, &config, NULL);
	if (r >= 0 && !sshd_reads_dropins(config))
		log_warning(
			"accounts: root.allow_ssh: the target's /etc/ssh/sshd_config has no 'Include /etc/ssh/sshd_config.d/*.conf'; its sshd will not read /%s",
			dropin);
	if (root->lock && !root->ssh_authorized_keys)
		log_warning(
			"accounts: root.allow_ssh: root is locked and has no SSH key, so it still cannot log in over SSH");
	return 0;
}

int accounts_apply(const azl_model *m, const azl_target *t)
{
	azl_account_files f = {0};
	int r;
	if ((r = read_db(t, "etc/passwd", &f.passwd)) < 0 ||
	    (r = read_db(t, "etc/shadow", &f.shadow)) < 0 ||
	    (r = read_db(t, "etc/group", &f.group)) < 0 ||
	    (r = read_db(t, "etc/gshadow", &f.gshadow)) < 0) {
		account_files_done(&f);
		return r;
	}
	azl_account_result *res = NULL;
	size_t n = 0;
	r = accounts_edit(&f, &m->accounts, (long)(time(NULL) / 86400), &res, &n);
	if (r < 0) {
		account_files_done(&f);
		return r;
	}
	struct {
		const char *path, *text;
		mode_t mode;
	} files[] = {
		{"etc/passwd", f.passwd, 0644},
		{"etc/shadow", f.shadow, 0000},
		{"etc/group", f.group, 0644},
		{"etc/gshadow", f.gshadow, 0000},
	};
	r = target_mkdir_p(t, "etc", 0755);
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(files); i++) {
		r = target_write_file(t, files[i].path, files[i].text, strlen(files[i].text),
				      files[i].mode, 0, 0);
		if (r < 0)
			log_error_errno(r, "cannot write /%s", files[i].path);
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = make_home(t, &res[i]);
		char **keys = i == 0 ? m->accounts.root.ssh_authorized_keys
				     : m->accounts.users[i - 1].ssh_authorized_keys;
		if (r == 0)
			r = write_keys(t, &res[i], keys);
	}
	if (r == 0)
		r = apply_root_ssh(&m->accounts.root, t);
	if (r == 0)
		log_info("accounts: root %s, %zu user(s)",
			 m->accounts.root.lock ? "locked" : "with a password", m->accounts.n_users);
	account_results_free(res, n);
	account_files_done(&f);
	return r;
}
