/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON writer for the machine-readable outputs (plan --json,
 * probe --json, --progress=json). Keys and values are never translated.
 * Reading JSON goes through the YAML document reader (yaml-doc.h): JSON is
 * valid YAML for everything these outputs contain.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

typedef struct azl_json {
	azl_buf buf;
	int depth;
	bool need_comma[32];
	bool pretty;
} azl_json;

void json_init(azl_json *j, bool pretty);
void json_begin_object(azl_json *j, const char *key); /* key NULL in arrays */
void json_end_object(azl_json *j);
void json_begin_array(azl_json *j, const char *key);
void json_end_array(azl_json *j);
void json_string(azl_json *j, const char *key, const char *v); /* NULL -> null */
void json_uint(azl_json *j, const char *key, uint64_t v);
void json_int(azl_json *j, const char *key, int64_t v);
/* text is a JSON number already ("1764653409.123456"). */
void json_number(azl_json *j, const char *key, const char *text);
void json_bool(azl_json *j, const char *key, bool v);
void json_null(azl_json *j, const char *key);
char *json_steal(azl_json *j); /* the text, with a final newline when pretty */
/* Appends s as a quoted, escaped JSON string. */
void json_escape(azl_buf *b, const char *s);
