/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>

void json_init(azl_json *j, bool pretty)
{
	*j = (azl_json){.pretty = pretty};
}

/* Valid JSON from any bytes: controls (C0, DEL, C1) as \u escapes, a byte
 * that starts no UTF-8 character as U+FFFD, so that disk labels and other
 * untrusted text can neither break the document nor reach a terminal raw. */
void json_escape(azl_buf *b, const char *s)
{
	buf_append(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		uint32_t cp;
		size_t n = utf8_char((const char *)p, &cp);
		if (n == 0) {
			buf_append(b, "\\ufffd");
			continue;
		}
		if (n > 1 || cp == 0x7f) {
			if (is_control_cp(cp))
				buf_printf(b, "\\u%04x", (unsigned)cp);
			else
				buf_appendn(b, (const char *)p, n);
			p += n - 1;
			continue;
		}
		switch (*p) {
		case '"':
			buf_append(b, "\\\"");
			break;
		case '\\':
			buf_append(b, "\\\\");
			break;
		case '\n':
			buf_append(b, "\\n");
			break;
		case '\r':
			buf_append(b, "\\r");
			break;
		case '\t':
			buf_append(b, "\\t");
			break;
		default:
			if (*p < 0x20)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_appendn(b, (const char *)p, 1);
		}
	}
	buf_append(b, "\"");
}

static void indent(azl_json *j)
{
	if (!j->pretty)
		return;
	buf_append(&j->buf, "\n");
	for (int i = 0; i < j->depth; i++)
		buf_append(&j->buf, "  ");
}

/* Comma, newline and key before a value. */
static void value_prefix(azl_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			buf_append(&j->buf, ",");
		j->need_comma[j->depth] = true;
		indent(j);
	}
	if (key) {
		json_escape(&j->buf, key);
		buf_append(&j->buf, j->pretty ? ": " : ":");
	}
}

static void open_(azl_json *j, const char *key, const char *c)
{
	value_prefix(j, key);
	buf_append(&j->buf, c);
	if (j->depth + 1 < (int)ELEMENTSOF(j->need_comma))
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(azl_json *j, const char *c)
{
	bool had = j->need_comma[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	buf_append(&j->buf, c);
}

void json_begin_object(azl_json *j, const char *key)
{
	open_(j, key, "{");
}
void json_end_object(azl_json *j)
{
	close_(j, "}");
}
void json_begin_array(azl_json *j, const char *key)
{
	open_(j, key, "[");
}
void json_end_array(azl_json *j)
{
	close_(j, "]");
}

void json_string(azl_json *j, const char *key, const char *v)
{
	value_prefix(j, key);
	if (v)
		json_escape(&j->buf, v);
	else
		buf_append(&j->buf, "null");
}

void json_uint(azl_json *j, const char *key, uint64_t v)
{
	value_prefix(j, key);
	buf_printf(&j->buf, "%" PRIu64, v);
}

void json_number(azl_json *j, const char *key, const char *text)
{
	value_prefix(j, key);
	buf_append(&j->buf, text);
}

void json_int(azl_json *j, const char *key, int64_t v)
{
	value_prefix(j, key);
	buf_printf(&j->buf, "%" PRId64, v);
}

void json_bool(azl_json *j, const char *key, bool v)
{
	value_prefix(j, key);
	buf_append(&j->buf, v ? "true" : "false");
}

void json_null(azl_json *j, const char *key)
{
	value_prefix(j, key);
	buf_append(&j->buf, "null");
}

char *json_steal(azl_json *j)
{
	if (j->pretty)
		buf_append(&j->buf, "\n");
	return buf_steal(&j->buf);
}
