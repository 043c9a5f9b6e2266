/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics for people: errors and warnings that name where in an input
 * file they come from. Printed as
 *
 *     FILE:LINE:COL: error: message
 *       <the source line>
 *       ^
 *
 * LINE and COL are 1-based. A location with line 0 has no position; a
 * location with col 0 names a whole line (kickstart style: FILE:LINE:).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

typedef struct azl_loc {
	const char *file; /* borrowed from the azl_source that was read */
	int line;	  /* 1-based; 0 = no position */
	int col;	  /* 1-based; 0 = the whole line */
} azl_loc;

#define AZL_LOC_NONE ((azl_loc){NULL, 0, 0})

/* The text of one input file, kept so diagnostics can quote its lines. */
typedef struct azl_source {
	char *path;
	char *text;
	size_t len;
	/* Diagnostics located here neither quote the text nor repeat words
	 * of it: a kickstart's %include may name any file (/etc/shadow). */
	bool quiet;
} azl_source;

azl_source *source_new(const char *path, const char *text, size_t len);
void source_free(azl_source *s);
/* The line-th line (1-based) of s, without its newline; *ret_len its length. */
const char *source_line(const azl_source *s, int line, size_t *ret_len);

typedef enum azl_severity {
	AZL_WARNING,
	AZL_ERROR,
} azl_severity;

typedef struct azl_diag {
	azl_severity severity;
	azl_loc loc;
	char *message;
	/* Shown instead of the quoted source line when that line holds a
	 * secret ("password: <hidden>"); NULL = quote the line. Owned. */
	char *hidden;
} azl_diag;

/* A list of diagnostics plus the sources they may quote. */
typedef struct azl_diags {
	azl_diag *items;
	size_t n;
	azl_source **sources; /* owned */
	size_t n_sources;
	bool warnings_are_errors; /* kickstart --strict */
	/* convert --force: a kickstart's dropped security control (an
	 * OpenSCAP %addon, a GRUB password hash of an unknown kind) is a
	 * warning instead of an error. */
	bool force;
} azl_diags;

void diags_init(azl_diags *d);
void diags_done(azl_diags *d); /* frees items and sources */
/* Takes ownership of src; returns it for convenience. */
azl_source *diags_add_source(azl_diags *d, azl_source *src);
void diag_add(azl_diags *d, azl_severity sev, azl_loc loc, const char *fmt, ...) _printf_(4, 5);
#define diag_error(d, loc, ...) diag_add((d), AZL_ERROR, (loc), __VA_ARGS__)
#define diag_warn(d, loc, ...)	diag_add((d), AZL_WARNING, (loc), __VA_ARGS__)
/* Makes item print `shown` instead of its source line and caret: for
 * diagnostics located on a line that holds a password or passphrase. */
void diag_hide_source(azl_diag *item, const char *shown);
size_t diags_errors(const azl_diags *d); /* counts warnings too when strict */
/* Prints every diagnostic in order with its source line and caret. */
void diags_print(const azl_diags *d, FILE *f);
/* One diagnostic as text (no trailing newline), for tests. */
char *diag_format(const azl_diags *d, const azl_diag *item);
