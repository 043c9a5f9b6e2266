/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kickstart reader: lines, continuation lines, %include / %ksappend and
 * %sections; every command line goes to the command table (ks-commands.c).
 * Parse rules follow pykickstart's parser: sections end with %end, a
 * section that does not is an error, words are split like shlex.
 */
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

#include "answers.h"
#include "fetch.h"
#include "i18n.h"
#include "kickstart.h"
#include "ks-internal.h"
#include "trust.h"
#include "util.h"

/* A file being read, to refuse one that includes itself. */
typedef struct ks_file_id {
	dev_t dev;
	ino_t ino;
} ks_file_id;

typedef struct ks_reader {
	ks_ctx *ctx;
	azl_diags *d;
	int depth;
	ks_file_id open[KS_MAX_INCLUDE_DEPTH + 1]; /* the include chain */
	int n_open;
	/* The URLs in the include chain (borrowed), to refuse a loop. */
	const char *open_url[KS_MAX_INCLUDE_DEPTH + 1];
	int n_open_url;
	bool no_fetch;	 /* the %pre scan: URLs are fetched by the real read */
	size_t includes; /* files included so far */
	size_t bytes;	 /* bytes of every file read so far */
	size_t commands; /* command lines so far */
	bool stop;	 /* a bound was reached: read no further */
	/* A %include of a file that does not exist: with has_pre, a %pre
	 * script may write it (Anaconda runs %pre, then reads the kickstart
	 * again); with defer_missing it is skipped and deferred is set
	 * (kickstart_pre_scripts). */
	bool has_pre;
	bool defer_missing;
	bool deferred;
} ks_reader;

typedef struct ks_open_section {
	bool open;
	ks_section_kind kind;
	char **words;
	azl_loc loc;
	strv_builder lines;
	azl_loc *locs; /* one per line */
	size_t locs_cap;
} ks_open_section;

static const struct {
	const char *name;
	ks_section_kind kind;
} section_names[] = {
	{"%packages", KS_SEC_PACKAGES},
	{"%pre", KS_SEC_PRE},
	{"%pre-install", KS_SEC_PRE_INSTALL},
	{"%post", KS_SEC_POST},
	{"%onerror", KS_SEC_ONERROR},
	{"%traceback", KS_SEC_TRACEBACK},
	{"%addon", KS_SEC_ADDON},
	{"%anaconda", KS_SEC_ANACONDA},
	{"%certificate", KS_SEC_CERTIFICATE},
};

static int section_kind(const char *word, ks_section_kind *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(section_names); i++)
		if (strcmp(word, section_names[i].name) == 0) {
			*ret = section_names[i].kind;
			return 0;
		}
	return -ENOENT;
}

static void section_reset(ks_open_section *s)
{
	ks_strv_free_wipe(s->words);
	ks_strv_free_wipe(s->lines.v);
	free(s->locs);
	*s = (ks_open_section){0};
}

/* The first whitespace-separated word of a raw line, for %end checks. */
static bool first_word_is(const char *line, size_t n, const char *word)
{
	size_t i = 0, wl = strlen(word);
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (n - i < wl || memcmp(line + i, word, wl) != 0)
		return false;
	return i + wl == n || line[i + wl] == ' ' || line[i + wl] == '\t' || line[i + wl] == '#';
}

static bool first_word_is_section(const char *line, size_t n)
{
	for (size_t i = 0; i < ELEMENTSOF(section_names); i++)
		if (first_word_is(line, n, section_names[i].name))
			return true;
	return false;
}

static void section_close(ks_reader *r, ks_open_section *s)
{
	char *none[] = {NULL};
	ks_section(r->ctx, s->kind, s->words, s->loc, s->lines.v ? s->lines.v : none, s->locs,
		   s->lines.n);
	section_reset(s);
}

static int read_text(ks_reader *r, const char *name, const char *text, size_t len,
		     const char *base_dir, bool included, bool quiet);

/* rel against base, the URL of the including kickstart, as a browser
 * resolves a relative link: base up to the last '/' of its path (without
 * query or fragment), then rel. */
static char *url_resolve(const char *base, const char *rel)
{
	const char *auth = strstr(base, "://") + 3;
	size_t end = strcspn(base, "?#");
	const char *path = memchr(auth, '/', end - (size_t)(auth - base));
	if (!path)
		return xasprintf("%.*s/%s", (int)end, base, rel);
	size_t dir = end;
	while (dir > (size_t)(path - base) && base[dir - 1] != '/')
		dir--;
	return xasprintf("%.*s%s", (int)dir, base, rel);
}

/* %include of a URL (pykickstart's load_to_str fetches any location with
 * "://"): read with the same bounds as a file, its own URL the base of
 * its relative includes. Diagnostics name it without credentials. */
static int include_url(ks_reader *r, const char *word, const char *url, azl_loc loc)
{
	_cleanup_free_ char *shown = redact_urls(url);
	if (!fetch_is_url(url)) {
		diag_error(
			r->d, loc,
			_("'%s %s': only http://, https://, tftp:// and file:// URLs are fetched"),
			word, shown);
		return -EINVAL;
	}
	for (int i = 0; i < r->n_open_url; i++)
		if (streq_ptr(r->open_url[i], url)) {
			diag_error(
				r->d, loc,
				_("'%s' of '%s' includes a file that is being read already; remove the loop"),
				word, shown);
			return -ELOOP;
		}
	if (r->no_fetch)
		return 0;
	_cleanup_free_ char *text = NULL, *err = NULL;
	size_t n = 0;
	int k = fetch_url(url, KS_MAX_FILE_SIZE - r->bytes, &text, &n, &err);
	if (k == -EFBIG) {
		diag_error(
			r->d, loc,
			_("'%s' of '%s' makes the kickstart and its included files larger than %u bytes together"),
			word, shown, KS_MAX_FILE_SIZE);
		r->stop = true;
		return k;
	}
	if (k < 0) {
		_cleanup_free_ char *why = redact_urls(err ? err : "");
		/* fetch's sentence names the URL. */
		diag_error(r->d, loc, "'%s': %s", word, why);
		if (k == -EINTR)
			r->stop = true;
		return k;
	}
	r->depth++;
	r->open_url[r->n_open_url++] = url;
	/* Text from a server, as trusted as the kickstart that named it:
	 * quoted in messages (a local file may be any file: never). */
	k = read_text(r, shown, text, n, url, true, false);
	r->n_open_url--;
	r->depth--;
	return k;
}

static int include_file(ks_reader *r, const char *word, const char *arg, azl_loc loc,
			const char *base_dir)
{
	if (!arg) {
		diag_error(r->d, loc, _("'%s' needs a file name"), word);
		return -EINVAL;
	}
	if (!base_dir) {
		diag_error(r->d, loc, _("'%s' is not allowed in a kickstart read from memory"),
			   word);
		return -EINVAL;
	}
	/* base_dir is a URL for a kickstart that was fetched: its
	 * relative includes are fetched from next to it. An absolute path
	 * is a file of this machine, as in Anaconda (which reads a fetched
	 * kickstart from /run/install/ks.cfg): one a %pre script wrote. */
	bool from_url = strstr(base_dir, "://") != NULL;
	_cleanup_free_ char *url = strstr(arg, "://")	       ? xstrdup(arg)
				   : from_url && arg[0] != '/' ? url_resolve(base_dir, arg)
							       : NULL;
	if (r->depth >= KS_MAX_INCLUDE_DEPTH) {
		diag_error(r->d, loc, _("'%s' nests deeper than %d files; is there a loop?"), word,
			   KS_MAX_INCLUDE_DEPTH);
		return -ELOOP;
	}
	if (r->includes >= KS_MAX_INCLUDES) {
		diag_error(r->d, loc,
			   _("'%s': more than %d files are included in all; refusing to read more"),
			   word, KS_MAX_INCLUDES);
		r->stop = true;
		return -ELOOP;
	}
	r->includes++;
	if (url)
		return include_url(r, word, url, loc);
	_cleanup_free_ char *path =
		arg[0] == '/' ? xstrdup(arg) : xasprintf("%s/%s", base_dir, arg);
	struct stat st = {0};
	if (stat(path, &st) == 0)
		for (int i = 0; i < r->n_open; i++)
			if (r->open[i].dev == st.st_dev && r->open[i].ino == st.st_ino) {
				diag_error(
					r->d, loc,
					_("'%s' of '%s' includes a file that is being read already; remove the loop"),
					word, path);
				return -ELOOP;
			}
	_cleanup_free_ char *text = NULL;
	size_t n = 0;
	int k = read_file_bounded(path, KS_MAX_FILE_SIZE - r->bytes, &text, &n);
	if (k == -EFBIG) {
		diag_error(
			r->d, loc,
			_("'%s' of '%s' makes the kickstart and its included files larger than %u bytes together"),
			word, path, KS_MAX_FILE_SIZE);
		r->stop = true;
		return k;
	}
	if (k == -ENOENT && r->defer_missing) {
		r->deferred = true;
		return 0;
	}
	if (k == -ENOENT && r->has_pre && from_url) {
		diag_error(
			r->d, loc,
			_("'%s %s': the file does not exist yet; a %%pre script of this kickstart may write it, but %%pre is run first only for a kickstart file: save the kickstart to a file and give its path"),
			word, path);
		return k;
	}
	if (k == -ENOENT && r->has_pre) {
		diag_error(
			r->d, loc,
			_("'%s %s': the file does not exist yet; a %%pre script of this kickstart may write it. 'azl-installer install --answers KICKSTART' runs %%pre first and then reads the kickstart again, as Anaconda does; convert, validate and plan cannot (run the %%pre script yourself, then convert)"),
			word, path);
		return k;
	}
	if (k < 0) {
		diag_error(
			r->d, loc,
			_("cannot read '%s': %s (files written by %%pre do not exist when a kickstart is converted)"),
			path, strerror(-k));
		return k;
	}
	_cleanup_free_ char *dir_copy = xstrdup(path);
	const char *dir = dirname(dir_copy);
	r->depth++;
	r->open[r->n_open++] = (ks_file_id){st.st_dev, st.st_ino};
	k = read_text(r, path, text, n, dir, true, true);
	r->n_open--;
	r->depth--;
	return k;
}

static void section_open(ks_reader *r, ks_open_section *s, ks_section_kind kind, char **words,
			 azl_loc loc)
{
	s->open = true;
	s->kind = kind;
	s->words = words;
	s->loc = loc;
}

static void section_add_line(ks_open_section *s, char *line, azl_loc loc)
{
	strvb_push(&s->lines, line);
	if (s->locs_cap < s->lines.cap) {
		s->locs_cap = s->lines.cap;
		s->locs = xrealloc(s->locs, s->locs_cap * sizeof(azl_loc));
	}
	s->locs[s->lines.n - 1] = loc;
}

/* Words, plus the items of comma (or semicolon) lists in them: commands
 * check list items against each other. */
static size_t line_items(char **words)
{
	size_t n = 0;
	for (; *words; words++) {
		n++;
		for (const char *c = *words; *c; c++)
			n += *c == ',' || *c == ';';
	}
	return n;
}

/* A command line: counted, refused past the bounds of kickstart.h. */
static void command(ks_reader *r, char **words, azl_loc loc)
{
	if (++r->commands > KS_MAX_COMMANDS) {
		diag_error(r->d, loc, _("more than %d command lines; refusing to read more"),
			   KS_MAX_COMMANDS);
		r->stop = true;
	} else if (line_items(words) > KS_MAX_WORDS)
		diag_error(r->d, loc,
			   _("the line has more than %d words or list items; refusing it"),
			   KS_MAX_WORDS);
	else
		ks_dispatch(r->ctx, words, loc);
}

/* included: the text of an included file; quiet: one that may be any
 * file the reader can read (/etc/shadow): diagnostics never quote it. */
static int read_text(ks_reader *r, const char *name, const char *text, size_t len,
		     const char *base_dir, bool included, bool quiet)
{
	r->bytes += len;
	azl_source *src = diags_add_source(r->d, source_new(name, text, len));
	src->quiet = quiet;
	const char *file = src->path;
	if (!included)
		r->ctx->file = file;
	const char *p = src->text, *end = src->text + src->len;
	ks_open_section sec = {0};
	int line = 0;

	while (p < end && !r->stop) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *next = nl ? nl + 1 : end;
		line++;
		azl_loc loc = {file, line, 0};
		if (n > 0 && p[n - 1] == '\r')
			n--;

		if (sec.open) {
			if (first_word_is(p, n, "%end")) {
				section_close(r, &sec);
				p = next;
				continue;
			}
			if (!first_word_is_section(p, n)) {
				section_add_line(&sec, xstrndup(p, n), loc);
				p = next;
				continue;
			}
			diag_error(r->d, sec.loc, _("section '%s' does not end with %%end"),
				   sec.words[0]);
			section_close(r, &sec);
		}

		/* A logical line: a trailing unescaped backslash joins the
		 * next physical line. */
		azl_buf logical = {0};
		for (;;) {
			size_t bs = 0;
			while (bs < n && p[n - 1 - bs] == '\\')
				bs++;
			if (bs % 2 == 0 || next >= end) {
				buf_appendn(&logical, p, n - (bs % 2));
				p = next;
				break;
			}
			buf_appendn(&logical, p, n - 1);
			p = next;
			nl = memchr(p, '\n', (size_t)(end - p));
			n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			next = nl ? nl + 1 : end;
			line++;
			if (n > 0 && p[n - 1] == '\r')
				n--;
		}
		char **words = NULL;
		const char *why = NULL;
		int k = ks_split(logical.data ? logical.data : "", logical.len, &words, &why);
		if (logical.data)
			wipe_memory(logical.data, logical.len);
		buf_free(&logical);
		if (k < 0) {
			diag_error(r->d, loc, _("cannot split the line: %s"), _(why));
			continue;
		}
		if (!words[0]) {
			ks_strv_free_wipe(words);
			continue;
		}
		if (words[0][0] != '%') {
			command(r, words, loc);
			ks_strv_free_wipe(words);
			continue;
		}
		ks_section_kind kind;
		if (streq_ptr(words[0], "%include") || streq_ptr(words[0], "%ksappend")) {
			if (words[1] && words[2])
				diag_error(r->d, loc, _("'%s' takes one file name"), words[0]);
			else
				(void)include_file(r, words[0], words[1], loc, base_dir);
			ks_strv_free_wipe(words);
		} else if (streq_ptr(words[0], "%end")) {
			diag_error(r->d, loc, _("'%%end' outside of a section"));
			ks_strv_free_wipe(words);
		} else if (section_kind(words[0], &kind) == 0) {
			section_open(r, &sec, kind, words, loc);
		} else {
			diag_error(r->d, loc, _("unknown section '%s'"), words[0]);
			ks_strv_free_wipe(words);
		}
	}
	if (sec.open) {
		diag_error(r->d, sec.loc, _("section '%s' does not end with %%end"), sec.words[0]);
		section_close(r, &sec);
	}
	return 0;
}

/* A line of text starts a %pre section. */
static bool text_has_pre(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (first_word_is(p, n, "%pre"))
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

int kickstart_pre_scripts(const char *path, azl_scripts *ret, bool *ret_deferred)
{
	*ret = (azl_scripts){0};
	*ret_deferred = false;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int k = read_file_bounded(path, KS_MAX_FILE_SIZE, &text, &len);
	if (k < 0)
		return k;
	if (!input_is_kickstart(text, len) || !text_has_pre(text, len))
		return 0;
	/* Read for the %pre sections only: what the reader says is said
	 * again when the kickstart is read for real. */
	azl_diags d;
	diags_init(&d);
	_cleanup_model_ azl_model *m = model_new();
	_cleanup_free_ char *dir_copy = xstrdup(path);
	ks_reader r = {.ctx = ks_ctx_new(m, &d),
		       .d = &d,
		       .has_pre = true,
		       .defer_missing = true,
		       .no_fetch = true};
	struct stat st;
	if (stat(path, &st) == 0)
		r.open[r.n_open++] = (ks_file_id){st.st_dev, st.st_ino};
	(void)read_text(&r, path, text, len, dirname(dir_copy), false, false);
	/* A partition reused with --onpart may be one %pre makes (cloud
	 * image kickstarts partition with parted in %pre): Anaconda probes
	 * the disks after %pre, so the plan must too. */
	bool onpart = false;
	for (size_t i = 0; i < r.ctx->n_parts; i++)
		onpart |= r.ctx->parts[i].onpart != NULL;
	ks_ctx_free(r.ctx);
	diags_done(&d);
	*ret_deferred = r.deferred || onpart;
	*ret = m->scripts;
	m->scripts.pre = NULL;
	m->scripts.n_pre = 0;
	ret->post = NULL;
	ret->n_post = 0;
	ret->error = NULL;
	ret->n_error = 0;
	return 0;
}

int kickstart_read_text(const char *name, const char *text, size_t len, const char *base_dir,
			const char *zoneinfo_dir, bool strict, azl_diags *d, azl_model **ret)
{
	return kickstart_read_text_with(name, text, len, base_dir, zoneinfo_dir, strict, NULL, d,
					ret);
}

int kickstart_read_text_with(const char *name, const char *text, size_t len, const char *base_dir,
			     const char *zoneinfo_dir, bool strict, const azl_model_overrides *ov,
			     azl_diags *d, azl_model **ret)
{
	_cleanup_model_ azl_model *m = model_new();
	ks_reader r = {.ctx = ks_ctx_new(m, d), .d = d, .has_pre = text_has_pre(text, len)};
	size_t before = d->n;

	if (strict)
		d->warnings_are_errors = true;
	if (len > KS_MAX_FILE_SIZE) {
		diag_error(d, ((azl_loc){name, 0, 0}), _("the kickstart is larger than %u bytes"),
			   KS_MAX_FILE_SIZE);
		ks_ctx_free(r.ctx);
		return -EFBIG;
	}
	struct stat st;
	if (base_dir && strstr(base_dir, "://"))
		r.open_url[r.n_open_url++] = base_dir;
	else if (base_dir && stat(name, &st) == 0)
		r.open[r.n_open++] = (ks_file_id){st.st_dev, st.st_ino};
	(void)read_text(&r, name, text, len, base_dir, false, false);
	(void)ks_finish(r.ctx);
	ks_ctx_free(r.ctx);

	bool bad = false;
	for (size_t i = before; i < d->n; i++)
		if (d->items[i].severity == AZL_ERROR || d->warnings_are_errors)
			bad = true;
	if (bad)
		return -EINVAL;
	model_apply_overrides(m, ov);
	if (model_validate(m, d, zoneinfo_dir) < 0)
		return -EINVAL;
	*ret = TAKE_PTR(m);
	return 0;
}

int kickstart_read_file(const char *path, const char *zoneinfo_dir, bool strict, azl_diags *d,
			azl_model **ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file_bounded(path, KS_MAX_FILE_SIZE, &text, &len);
	if (r < 0) {
		diag_error(d, ((azl_loc){path, 0, 0}), _("cannot read '%s': %s"), path,
			   strerror(-r));
		return r;
	}
	_cleanup_free_ char *dir_copy = xstrdup(path);
	return kickstart_read_text(path, text, len, dirname(dir_copy), zoneinfo_dir, strict, d,
				   ret);
}

bool input_is_kickstart(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *s = p;
		p = nl ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s == e || *s == '#')
			continue;
		/* YAML markers: directives, document start, flow or block
		 * collections, and "key:" mappings such as "version: 1". */
		if (*s == '%')
			return !((size_t)(e - s) >= 5 && memcmp(s, "%YAML", 5) == 0);
		if (*s == '{' || *s == '[' || *s == '-' || *s == '"' || *s == '\'')
			return false;
		const char *w = s;
		while (w < e && (((*w | 0x20) >= 'a' && (*w | 0x20) <= 'z') ||
				 (*w >= '0' && *w <= '9') || *w == '_' || *w == '-'))
			w++;
		return !(w < e && *w == ':');
	}
	return false;
}

int answers_load_url(const char *url, const char *name, const char *text, size_t len,
		     const azl_model_overrides *ov, azl_diags *d, azl_model **ret)
{
	if (input_is_kickstart(text, len))
		return kickstart_read_text_with(name, text, len, url, NULL, d->warnings_are_errors,
						ov, d, ret);
	return answers_read_text_with(name, text, len, NULL, ov, d, ret);
}

int answers_load(const char *path_or_name, const char *text_or_NULL, size_t len,
		 const azl_model_overrides *ov, azl_diags *d, azl_model **ret)
{
	bool strict = d->warnings_are_errors;
	if (text_or_NULL) {
		if (input_is_kickstart(text_or_NULL, len))
			return kickstart_read_text_with(path_or_name, text_or_NULL, len, NULL, NULL,
							strict, ov, d, ret);
		return answers_read_text_with(path_or_name, text_or_NULL, len, NULL, ov, d, ret);
	}
	_cleanup_free_ char *text = NULL;
	size_t n = 0;
	int r = read_file_bounded(path_or_name, KS_MAX_FILE_SIZE, &text, &n);
	if (r < 0) {
		diag_error(d, ((azl_loc){path_or_name, 0, 0}), _("cannot read '%s': %s"),
			   path_or_name, strerror(-r));
		return r;
	}
	if (!input_is_kickstart(text, n))
		return answers_read_text_with(path_or_name, text, n, NULL, ov, d, ret);
	_cleanup_free_ char *dir_copy = xstrdup(path_or_name);
	return kickstart_read_text_with(path_or_name, text, n, dirname(dir_copy), NULL, strict, ov,
					d, ret);
}
