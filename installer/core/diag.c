/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "diag.h"

#include <string.h>

#include "i18n.h"
#include "trust.h"

azl_source *source_new(const char *path, const char *text, size_t len)
{
	azl_source *s = xzalloc(sizeof(*s));
	s->path = xstrdup(path);
	s->text = xmalloc(len + 1);
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = len;
	return s;
}

void source_free(azl_source *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->text);
	free(s);
}

const char *source_line(const azl_source *s, int line, size_t *ret_len)
{
	if (!s || line < 1)
		return NULL;
	const char *p = s->text, *end = s->text + s->len;
	for (int l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p > end)
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	*ret_len = n;
	return p;
}

void diags_init(azl_diags *d)
{
	*d = (azl_diags){0};
}

void diags_done(azl_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].message);
		free(d->items[i].hidden);
	}
	free(d->items);
	for (size_t i = 0; i < d->n_sources; i++)
		source_free(d->sources[i]);
	free(d->sources);
	*d = (azl_diags){0};
}

azl_source *diags_add_source(azl_diags *d, azl_source *src)
{
	d->sources = xrealloc(d->sources, (d->n_sources + 1) * sizeof(*d->sources));
	d->sources[d->n_sources++] = src;
	return src;
}

static const azl_source *find_source(const azl_diags *d, const char *file);

void diag_add(azl_diags *d, azl_severity sev, azl_loc loc, const char *fmt, ...)
{
	azl_diag *item = xappend(&d->items, &d->n, sizeof(*d->items));
	item->severity = sev;
	item->loc = loc;
	const azl_source *src = find_source(d, loc.file);
	if (src && src->quiet) {
		item->message = xstrdup(
			sev == AZL_ERROR
				? _("this line of an included file is refused; its text is not repeated here: check that file with 'azl-installer validate'")
				: _("this line of an included file is not carried over in full; its text is not repeated here: check that file with 'azl-installer validate'"));
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	item->message = xvasprintf(fmt, ap);
	va_end(ap);
}

void diag_hide_source(azl_diag *item, const char *shown)
{
	free(item->hidden);
	item->hidden = xstrdup(shown);
}

size_t diags_errors(const azl_diags *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].severity == AZL_ERROR || d->warnings_are_errors)
			n++;
	return n;
}

static const azl_source *find_source(const azl_diags *d, const char *file)
{
	if (!file)
		return NULL;
	for (size_t i = 0; i < d->n_sources; i++)
		if (d->sources[i]->path == file || streq_ptr(d->sources[i]->path, file))
			return d->sources[i];
	return NULL;
}

/* What a diagnostic shows of text that came from the input: credentials
 * in URLs taken out (trust.h), and control characters (a value's line
 * break, a terminal escape) never written raw: in a message as \xHH, in
 * the echoed source line as '?' so the caret keeps its column. */
static void append_shown(azl_buf *b, const char *s, size_t n, bool in_line)
{
	_cleanup_free_ char *copy = xstrndup(s, n);
	_cleanup_free_ char *red = redact_urls(copy);
	for (const unsigned char *p = (const unsigned char *)red; *p; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			if (in_line)
				buf_append(b, "?");
			else
				buf_printf(b, "\\x%02x", *p);
		} else
			buf_appendn(b, (const char *)p, 1);
	}
}

char *diag_format(const azl_diags *d, const azl_diag *item)
{
	azl_buf b = {0};
	const azl_loc *l = &item->loc;
	bool error = item->severity == AZL_ERROR || d->warnings_are_errors;
	const char *sev = error ? _("error") : _("warning");

	if (l->file && l->line > 0 && l->col > 0)
		buf_printf(&b, "%s:%d:%d: %s: ", l->file, l->line, l->col, sev);
	else if (l->file && l->line > 0)
		buf_printf(&b, "%s:%d: %s: ", l->file, l->line, sev);
	else if (l->file)
		buf_printf(&b, "%s: %s: ", l->file, sev);
	else
		buf_printf(&b, "%s: ", sev);
	append_shown(&b, item->message, strlen(item->message), false);

	const azl_source *src = find_source(d, l->file);
	size_t n;
	const char *line = l->line > 0 && l->col > 0 && !(src && src->quiet)
				   ? source_line(src, l->line, &n)
				   : NULL;
	if (item->hidden && l->line > 0) {
		buf_append(&b, "\n  ");
		buf_append(&b, item->hidden);
	} else if (line) {
		buf_append(&b, "\n  ");
		append_shown(&b, line, n, true);
		buf_append(&b, "\n  ");
		/* Keep tabs so the caret lines up under the same column. */
		for (int c = 1; c < l->col && (size_t)(c - 1) < n; c++)
			buf_append(&b, line[c - 1] == '\t' ? "\t" : " ");
		buf_append(&b, "^");
	}
	return buf_steal(&b);
}

void diags_print(const azl_diags *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		_cleanup_free_ char *s = diag_format(d, &d->items[i]);
		fprintf(f, "%s\n", s);
	}
}
