/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kickstart tokenizer: shlex.split(line, comments=True, posix=True),
 * which is what pykickstart applies to every command line. */
#include <errno.h>
#include <string.h>

#include "ks-internal.h"
#include "secret.h"
#include "util.h"

void ks_strv_free_wipe(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		wipe_memory(*p, strlen(*p));
	strv_free(v);
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

int ks_split(const char *line, size_t len, char ***ret, const char **ret_why)
{
	strv_builder words = {0};
	azl_buf w = {0};
	bool in_word = false;
	const char *why = NULL;
	size_t i = 0;

	while (i < len) {
		char ch = line[i];
		if (ch == '\0') {
			why = "the line holds a NUL byte";
			goto fail;
		}
		if (is_space(ch)) {
			if (in_word) {
				strvb_push(&words, buf_steal(&w));
				w = (azl_buf){0};
				in_word = false;
			}
			i++;
			continue;
		}
		if (ch == '#')
			break; /* an unquoted # ends the line, even mid-word */
		in_word = true;
		if (ch == '\'') {
			const char *end = memchr(line + i + 1, '\'', len - i - 1);
			if (!end) {
				why = "no closing quotation";
				goto fail;
			}
			buf_appendn(&w, line + i + 1, (size_t)(end - (line + i + 1)));
			i = (size_t)(end - line) + 1;
			continue;
		}
		if (ch == '"') {
			i++;
			for (;;) {
				if (i >= len) {
					why = "no closing quotation";
					goto fail;
				}
				if (line[i] == '"')
					break;
				if (line[i] == '\\' && i + 1 < len &&
				    (line[i + 1] == '"' || line[i + 1] == '\\'))
					i++;
				if (line[i] == '\0') {
					why = "the line holds a NUL byte";
					goto fail;
				}
				buf_appendn(&w, line + i, 1);
				i++;
			}
			i++;
			continue;
		}
		if (ch == '\\') {
			if (i + 1 >= len) {
				why = "no escaped character after the backslash";
				goto fail;
			}
			buf_appendn(&w, line + i + 1, 1);
			i += 2;
			continue;
		}
		buf_appendn(&w, &ch, 1);
		i++;
	}
	if (in_word)
		strvb_push(&words, buf_steal(&w));
	else
		buf_free(&w);
	*ret = strvb_steal(&words); /* an empty line gives {NULL} */
	return 0;
fail:
	if (w.data)
		wipe_memory(w.data, w.len);
	buf_free(&w);
	ks_strv_free_wipe(words.v);
	if (ret_why)
		*ret_why = why;
	return -EINVAL;
}
