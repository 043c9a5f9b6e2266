/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmdline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CMDLINE_MAX (64u * 1024)

int cmdline_read(char **ret, const char **ret_path)
{
	const char *e = getenv("AZL_PROC_CMDLINE");
	const char *path = e && *e ? e : "/proc/cmdline";
	if (ret_path)
		*ret_path = path;
	return read_file_bounded(path, CMDLINE_MAX, ret, NULL);
}

/* Next word; NULL at the end. */
static char *next_word(const char **p)
{
	const char *s = *p;
	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	azl_buf b = {0};
	bool quoted = false;
	for (; *s && (quoted || !isspace((unsigned char)*s)); s++) {
		if (*s == '"')
			quoted = !quoted;
		else
			buf_appendn(&b, s, 1);
	}
	*p = s;
	char *w = buf_steal(&b);
	return w ? w : xstrdup("");
}

static char **values(const char *text, const char *key, bool kernel_only, bool bare)
{
	char **out = NULL;
	size_t klen = strlen(key);
	const char *p = text ? text : "";
	for (char *w; (w = next_word(&p)); free(w)) {
		if (kernel_only && strcmp(w, "--") == 0) {
			free(w);
			break;
		}
		if (strncmp(w, key, klen) != 0)
			continue;
		if (w[klen] == '\0' && bare)
			strv_push(&out, xstrdup(""));
		else if (w[klen] == '=')
			strv_push(&out, xstrdup(w + klen + 1));
	}
	return out;
}

char **cmdline_values(const char *text, const char *key, bool kernel_only)
{
	return values(text, key, kernel_only, false);
}

bool cmdline_flag(const char *key)
{
	_cleanup_free_ char *text = NULL;
	if (cmdline_read(&text, NULL) < 0)
		return false;
	_cleanup_strv_free_ char **v = values(text, key, false, true);
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], "") == 0 || strcmp(v[i], "1") == 0)
			return true;
	return false;
}
