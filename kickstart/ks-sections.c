/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The %sections of a kickstart: %packages and the scripts. */
#include <errno.h>
#include <string.h>

#include "i18n.h"
#include "ks-internal.h"
#include "secret.h"
#include "util.h"

static const ks_option opt_packages[] = {
	{"--nocore", NULL, KS_FLAG, KS_DONE},
	{"--ignoremissing", NULL, KS_FLAG, KS_DONE},
	{"--exclude-weakdeps", NULL, KS_FLAG, KS_DONE},
	{"--excludedocs", NULL, KS_FLAG, KS_DONE},
	/* pykickstart: deprecated, "no longer has any effect". */
	{"--excludeWeakdeps", NULL, KS_FLAG, KS_WARN},
	{"--default", NULL, KS_FLAG, KS_WARN},
	{"--inst-langs", NULL, KS_VALUE, KS_DONE},
	{"--instLangs", "--inst-langs", KS_VALUE, KS_DONE},
	{"--multilib", NULL, KS_FLAG, KS_WARN},
	{"--timeout", NULL, KS_VALUE, KS_WARN},
	{"--retries", NULL, KS_VALUE, KS_WARN},
	{"--nobase", NULL, KS_FLAG, KS_WARN},
	{"--resolvedeps", NULL, KS_FLAG, KS_WARN},
	{"--ignoredeps", NULL, KS_FLAG, KS_WARN},
	{NULL, NULL, 0, 0},
};

static const ks_option opt_script[] = {
	{"--interpreter", NULL, KS_VALUE, KS_DONE},
	{"--erroronfail", NULL, KS_FLAG, KS_DONE},
	{"--log", NULL, KS_VALUE, KS_DONE},
	{"--logfile", "--log", KS_VALUE, KS_DONE},
	{NULL, NULL, 0, 0},
};

static const ks_option opt_post[] = {
	{"--interpreter", NULL, KS_VALUE, KS_DONE}, {"--erroronfail", NULL, KS_FLAG, KS_DONE},
	{"--nochroot", NULL, KS_FLAG, KS_DONE},	    {"--log", NULL, KS_VALUE, KS_DONE},
	{"--logfile", "--log", KS_VALUE, KS_DONE},  {NULL, NULL, 0, 0},
};

static void remove_item(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0) {
			free(v[i]);
			memmove(v + i, v + i + 1, (strv_length(v + i + 1) + 1) * sizeof(char *));
			i--;
		}
}

/* Moves the strings of *v to the end of b. */
static void take_all(strv_builder *b, char ***v)
{
	for (char **s = *v; s && *s; s++)
		strvb_push(b, *s);
	free(*v);
	*v = NULL;
}

static int packages(ks_ctx *c, const ks_line *h, char **lines, const azl_loc *locs, size_t n)
{
	azl_packages *p = &c->m->packages;
	c->m->has_packages = true;
	if (c->packages_seen)
		diag_warn(c->d, h->loc, _("'%%packages' was given before; the lists are joined"));
	c->packages_seen = true;
	p->install_loc = h->loc;
	if (ks_has(h, "--ignoremissing"))
		p->ignore_missing = true;
	if (ks_has(h, "--exclude-weakdeps"))
		p->install_weak_deps = false;
	if (ks_has(h, "--excludedocs"))
		p->exclude_docs = true;
	/* An empty --instLangs= installs no translation (Anaconda: none). */
	const char *langs = ks_opt(h, "--inst-langs");
	if (langs) {
		free(p->install_langs);
		p->install_langs = xstrdup(*langs ? langs : "none");
		model_note_loc(c->m, p->install_langs, h->loc);
	}
	/* The minimal group stands for Fedora's @core, which every
	 * kickstart install gets unless --nocore. */
	if (ks_has(h, "--nocore"))
		remove_item(p->install, "@minimal");

	/* Joined with what earlier sections gave, duplicates dropped once at
	 * the end: linear in the lines, whatever their number. */
	strv_builder install = {0}, exclude = {0};
	take_all(&install, &p->install);
	take_all(&exclude, &p->exclude);
	for (size_t i = 0; i < n; i++) {
		char **w = NULL;
		const char *why = NULL;
		if (ks_split(lines[i], strlen(lines[i]), &w, &why) < 0) {
			diag_error(c->d, locs[i], _("cannot split the line: %s"), _(why));
			continue;
		}
		if (!w[0]) {
			strv_free(w);
			continue;
		}
		bool group = w[0][0] == '@' || (w[0][0] == '-' && w[0][1] == '@');
		if (!group && w[1]) {
			/* pykickstart (sections.py, PackageSection.handleLine,
			 * and parser.py, Packages.add) takes a package line
			 * whole, spaces and all, as one name; no package is
			 * named so, and Anaconda's dnf stops the install on
			 * it unless --ignoremissing. */
			_cleanup_free_ char *whole = xstrdup(lines[i]);
			whole[strcspn(whole, "#")] = '\0';
			char *t = whole + strspn(whole, " \t");
			size_t tl = strlen(t);
			while (tl > 0 && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
				t[--tl] = '\0';
			_cleanup_free_ char *name = value_for_message(t);
			if (p->ignore_missing)
				diag_warn(
					c->d, locs[i],
					_("no package can be named '%s' (the whole line is one name, as in pykickstart); with --ignoremissing it is skipped"),
					name);
			else
				diag_error(
					c->d, locs[i],
					_("no package can be named '%s' (the whole line is one name, as in pykickstart, and names have no spaces): Anaconda would stop the install here; put one package on a line, or add --ignoremissing"),
					name);
			strv_free(w);
			continue;
		}
		for (size_t k = 1; w[k]; k++) {
			if (strcmp(w[k], "--optional") == 0 || strcmp(w[k], "--nodefaults") == 0)
				diag_warn(c->d, locs[i],
					  _("'%s' of group '%s' is not supported and was ignored"),
					  w[k], w[0]);
			else
				diag_error(c->d, locs[i],
					   _("'%s' is not a package or group option"), w[k]);
		}
		const char *item = w[0];
		if (item[0] == '-') {
			if (item[1] == '\0')
				diag_error(c->d, locs[i], _("'-' needs a package name"));
			else {
				char *x = xstrdup(item + 1);
				model_note_loc(c->m, x, locs[i]);
				strvb_push(&exclude, x);
			}
		} else if (strcmp(item, "@") == 0 || strcmp(item, "@^") == 0)
			diag_error(c->d, locs[i], _("'%s' needs a group name"), item);
		else {
			char *x = xstrdup(item);
			model_note_loc(c->m, x, locs[i]);
			strvb_push(&install, x);
		}
		strv_free(w);
	}
	p->install = install.n ? strvb_steal(&install) : NULL;
	p->exclude = exclude.n ? strvb_steal(&exclude) : NULL;
	strv_uniq(p->install);
	strv_uniq(p->exclude);
	return 0;
}

static char *join_lines(char **lines, size_t n)
{
	azl_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		buf_append(&b, lines[i]);
		buf_append(&b, "\n");
	}
	return buf_steal(&b);
}

static void script(ks_ctx *c, ks_section_kind kind, const ks_line *h, char **lines, size_t n)
{
	azl_scripts *s = &c->m->scripts;
	azl_script *x;
	if (kind == KS_SEC_PRE)
		x = xappend(&s->pre, &s->n_pre, sizeof(*x));
	else if (kind == KS_SEC_POST)
		x = xappend(&s->post, &s->n_post, sizeof(*x));
	else
		x = xappend(&s->error, &s->n_error, sizeof(*x));
	const char *v = ks_opt(h, "--interpreter");
	x->interpreter = xstrdup(v ? v : "/bin/sh");
	x->run = join_lines(lines, n);
	x->chroot = kind == KS_SEC_POST && !ks_has(h, "--nochroot");
	/* Anaconda goes on after a failed script unless --erroronfail. */
	x->ignore_errors = !ks_has(h, "--erroronfail");
	if ((v = ks_opt(h, "--log"))) {
		x->log = xstrdup(v);
		model_note_loc(c->m, x->log, h->loc);
	}
	x->loc = h->loc;
}

/* The answer file's reporting: as an Anaconda add-on section, the way
 * kickstarts carry what pykickstart has no command for (docs/kickstart.md):
 *   %addon com_azurelinux_reporting --endpoint=URL [--name=N] [--level=INFO]
 *   Authorization: Bearer ...
 *   %end
 * Each body line is one HTTP header; its value may be a token, so it is a
 * secret and no message quotes it. */
#define ADDON_REPORTING "com_azurelinux_reporting"

static const ks_option opt_addon_reporting[] = {
	{"--endpoint", NULL, KS_VALUE, KS_DONE},
	{"--name", NULL, KS_VALUE, KS_DONE},
	{"--level", NULL, KS_VALUE, KS_DONE},
	{"--type", NULL, KS_VALUE, KS_DONE},
	{NULL, NULL, 0, 0},
};

static char *strip(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

static void addon_headers(ks_ctx *c, azl_webhook *w, char **lines, const azl_loc *locs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *l = lines[i] + strspn(lines[i], " \t");
		if (*l == '\0' || *l == '#')
			continue;
		const char *colon = strchr(l, ':');
		if (!colon || colon == l) {
			diag_error(c->d, locs[i],
				   _("'%%addon %s': a line is one HTTP header, 'Name: value'"),
				   ADDON_REPORTING);
			continue;
		}
		azl_report_header *h = xappend(&w->headers, &w->n_headers, sizeof(*h));
		h->name = strip(l, (size_t)(colon - l));
		_cleanup_free_ char *v = strip(colon + 1, strlen(colon + 1));
		h->value = secret_new(v, strlen(v));
		wipe_memory(v, strlen(v));
		h->loc = locs[i];
		model_note_loc(c->m, h->name, locs[i]);
		model_note_loc(c->m, h->value, locs[i]);
	}
}

static int addon_reporting(ks_ctx *c, char **words, azl_loc loc, char **lines, const azl_loc *locs,
			   size_t n)
{
	ks_line h = {0};
	int r = ks_parse_options(c, words[1], opt_addon_reporting, words + 1, loc, &h);
	if (r == 0 && h.n_args > 0) {
		diag_error(c->d, loc, _("'%%addon %s' takes no arguments besides options"),
			   ADDON_REPORTING);
		r = -EINVAL;
	}
	if (r < 0) {
		ks_line_done(&h);
		return r;
	}
	azl_reporting *rep = &c->m->reporting;
	const char *name = ks_opt(&h, "--name");
	_cleanup_free_ char *dflt =
		rep->n_hooks ? xasprintf("kickstart-%zu", rep->n_hooks + 1) : xstrdup("kickstart");
	if (!name)
		name = dflt;
	for (size_t i = 0; i < rep->n_hooks; i++)
		if (strcmp(rep->hooks[i].name, name) == 0) {
			diag_error(
				c->d, loc,
				_("'%%addon %s': a webhook named '%s' was given before; give each its own --name"),
				ADDON_REPORTING, name);
			ks_line_done(&h);
			return -EINVAL;
		}
	if (!rep->n_hooks)
		rep->loc = loc;
	azl_webhook *w = xappend(&rep->hooks, &rep->n_hooks, sizeof(*w));
	w->name = xstrdup(name);
	w->loc = loc;
	const char *v;
	if ((v = ks_opt(&h, "--type")))
		w->type = xstrdup(v);
	if ((v = ks_opt(&h, "--endpoint")))
		w->endpoint = xstrdup(v);
	if ((v = ks_opt(&h, "--level")))
		w->level = xstrdup(v);
	model_note_loc(c->m, w->name, loc);
	addon_headers(c, w, lines, locs, n);
	ks_line_done(&h);
	return 0;
}

/* %certificate --filename=NAME --dir=DIR (pykickstart's CertificateSection,
 * F42; --type F45) with PEM text as its body: certificates: of the answer
 * file. Anaconda writes the body and a newline to DIR/NAME, in the live
 * environment and in the target; docs/kickstart.md#certificates says what
 * this installer does instead in the live environment. */
#define ANCHORS_DIR "/etc/pki/ca-trust/source/anchors/"

static const ks_option opt_certificate[] = {
	{"--filename", NULL, KS_VALUE, KS_DONE},
	{"--dir", NULL, KS_VALUE, KS_DONE},
	{"--type", NULL, KS_VALUE, KS_DONE},
	{NULL, NULL, 0, 0},
};

static int certificate(ks_ctx *c, const ks_line *h, char **lines, const azl_loc *locs, size_t n)
{
	const char *name = ks_opt(h, "--filename");
	const char *dir = ks_opt(h, "--dir");
	const char *type = ks_opt(h, "--type");
	if (!name) {
		diag_error(c->d, h->loc,
			   _("'%%certificate' needs --filename, the name of its file"));
		return -EINVAL;
	}
	if (type && strcmp(type, "anchor") != 0) {
		_cleanup_free_ char *v = value_for_message(type);
		diag_error(c->d, h->loc,
			   _("'%%certificate --type=%s': the one type there is, is 'anchor'"), v);
		return -EINVAL;
	}
	if (!dir && !type) {
		diag_error(
			c->d, h->loc,
			_("'%%certificate' needs --dir (or --type=anchor), where the file goes"));
		return -EINVAL;
	}
	/* Anaconda runs update-ca-trust extract after writing an anchor;
	 * this installer writes the file only. */
	if (type)
		diag_warn(
			c->d, h->loc,
			_("'%%certificate --type=anchor': the file goes to %s; 'update-ca-trust extract' is not run: add it to %%post for the installed system's bundle to hold it"),
			ANCHORS_DIR);
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		blank = lines[i][strspn(lines[i], " \t\r")] == '\0';
	if (blank) {
		diag_error(c->d, h->loc, _("the '%%certificate' section is empty"));
		return -EINVAL;
	}
	azl_certificate *ce = xappend(&c->m->certificates, &c->m->n_certificates, sizeof(*ce));
	ce->filename = xstrdup(name);
	ce->dir = xstrdup(type ? ANCHORS_DIR : dir);
	ce->pem = join_lines(lines, n);
	ce->loc = h->loc;
	model_note_loc(c->m, ce->filename, h->loc);
	model_note_loc(c->m, ce->dir, h->loc);
	model_note_loc(c->m, ce->pem, n ? locs[0] : h->loc);
	return 0;
}

int ks_section(ks_ctx *c, ks_section_kind kind, char **words, azl_loc loc, char **lines,
	       const azl_loc *line_locs, size_t n_lines)
{
	const ks_option *opts = NULL;
	switch (kind) {
	case KS_SEC_PACKAGES:
		opts = opt_packages;
		break;
	case KS_SEC_PRE:
	case KS_SEC_ONERROR:
		opts = opt_script;
		break;
	case KS_SEC_POST:
		opts = opt_post;
		break;
	case KS_SEC_PRE_INSTALL:
		diag_warn(
			c->d, loc,
			_("'%%pre-install' is not supported and was ignored: there is no step between storage and packages"));
		return 0;
	case KS_SEC_TRACEBACK:
		diag_warn(
			c->d, loc,
			_("'%%traceback' was removed from Fedora's kickstart and was ignored; use %%onerror"));
		return 0;
	case KS_SEC_ADDON:
		if (words[1] && strcmp(words[1], ADDON_REPORTING) == 0)
			return addon_reporting(c, words, loc, lines, line_locs, n_lines);
		/* An OpenSCAP profile hardens the installed system: dropping
		 * it silently would install a system that fails its audit. */
		if (words[1] && (strcmp(words[1], "com_redhat_oscap") == 0 ||
				 strcmp(words[1], "org_fedora_oscap") == 0)) {
			diag_add(
				c->d, c->d->force ? AZL_WARNING : AZL_ERROR, loc,
				_("'%%addon %s' (an OpenSCAP security policy) is not supported: the installed system would not be hardened; apply the profile in %%post (oscap xccdf eval --remediate); convert --force drops it"),
				words[1]);
			return 0;
		}
		diag_warn(c->d, loc, _("'%s %s' is not supported and was ignored"), words[0],
			  words[1] ? words[1] : "");
		return 0;
	case KS_SEC_ANACONDA:
		diag_warn(c->d, loc, _("'%s' is not supported and was ignored"), words[0]);
		return 0;
	case KS_SEC_CERTIFICATE:
		opts = opt_certificate;
		break;
	}
	ks_line h = {0};
	int r = ks_parse_options(c, words[0], opts, words, loc, &h);
	if (r == 0 && h.n_args > 0) {
		diag_error(c->d, loc, _("'%s' takes no arguments besides options"), words[0]);
		r = -EINVAL;
	}
	if (r == 0) {
		if (kind == KS_SEC_PACKAGES)
			r = packages(c, &h, lines, line_locs, n_lines);
		else if (kind == KS_SEC_CERTIFICATE)
			r = certificate(c, &h, lines, line_locs, n_lines);
		else
			script(c, kind, &h, lines, n_lines);
	}
	ks_line_done(&h);
	return r;
}
