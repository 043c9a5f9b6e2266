/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Anaconda kickstart translator: reads a kickstart (the grammar of
 * pykickstart's Fedora 43-45 handlers) into the same install model as the
 * YAML answer file, and writes a model back as a kickstart.
 *
 * Every command and option is either translated, or said: a warning with
 * the line it came from ("FILE:LINE: warning: 'cmd' is not supported and
 * was ignored"). Malformed lines are errors. With strict, warnings count
 * as errors (d->warnings_are_errors). Secrets (rootpw, user --password,
 * --passphrase) go into azl_secret buffers and never into a diagnostic.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* Largest kickstart read, in bytes: also the most a kickstart and every
 * file it includes may hold together. */
#define KS_MAX_FILE_SIZE (4u * 1024 * 1024)
/* How deep %include / %ksappend may nest, and how many files one kickstart
 * may include in all (a file that includes itself is refused at once). */
#define KS_MAX_INCLUDE_DEPTH 16
#define KS_MAX_INCLUDES	     64
/* Command lines (outside %sections) of a kickstart and its included files,
 * and words (and comma-separated list items) on one line: the commands'
 * checks compare lines and items with each other, so their number is
 * bounded, not only the bytes. */
#define KS_MAX_COMMANDS 4096
#define KS_MAX_WORDS	1024

/* Reads the kickstart at path; %include is relative to its directory.
 * Registers every source read in d. Returns 0 with *ret set, -EINVAL with
 * errors in d, or -errno when path cannot be read (also reported in d).
 * zoneinfo_dir: NULL = /usr/share/zoneinfo. */
int kickstart_read_file(const char *path, const char *zoneinfo_dir, bool strict, azl_diags *d,
			azl_model **ret);
/* The same for text in memory; name is what diagnostics call it.
 * base_dir: where relative %include paths start, a directory or the URL
 * the text was fetched from; NULL = %include and %ksappend are errors
 * (text from memory: the fuzzer). */
int kickstart_read_text(const char *name, const char *text, size_t len, const char *base_dir,
			const char *zoneinfo_dir, bool strict, azl_diags *d, azl_model **ret);
/* The same with the command line's overrides (--disk, --firmware; NULL =
 * none) applied before the model is validated. */
int kickstart_read_text_with(const char *name, const char *text, size_t len, const char *base_dir,
			     const char *zoneinfo_dir, bool strict, const azl_model_overrides *ov,
			     azl_diags *d, azl_model **ret);

/* Anaconda runs %pre, then reads the kickstart again: a %include of a
 * file that %pre writes (datacenter kickstarts pick their disk layout so)
 * needs the %pre scripts before the kickstart can be read. Reads the
 * kickstart file at path for its %pre scripts only (nothing is reported;
 * the real read reports). *ret_deferred: a %include named a file that
 * does not exist yet, or a part --onpart names a partition (which %pre
 * may make: Anaconda probes the disks after %pre). *ret holds only pre scripts
 * (release it with scripts_done()). Returns 0, or -errno when path cannot be
 * read. */
int kickstart_pre_scripts(const char *path, azl_scripts *ret, bool *ret_deferred);

/* Serialises the model as a kickstart that reads back into an equal model
 * where kickstart can say it; what it cannot say is written as a comment.
 * Plaintext passwords are written as yescrypt hashes (--iscrypted) and
 * passphrases are left out with a comment: the output holds no secret. */
char *kickstart_write(const azl_model *m);

/* True when text looks like a kickstart rather than a YAML answer file:
 * decided by content, never by the file name. */
bool input_is_kickstart(const char *text, size_t len);

/* Reads an answer file or a kickstart, whichever the content is. With
 * text_or_NULL, the text is given (fetched from a URL: no %include) and
 * path_or_name only names it; otherwise path_or_name is read. ov: what
 * the command line replaces (--disk, --firmware), applied before the
 * model is validated; NULL = nothing. */
int answers_load(const char *path_or_name, const char *text_or_NULL, size_t len,
		 const azl_model_overrides *ov, azl_diags *d, azl_model **ret);
/* The same for text fetched from url (name: the URL as diagnostics show
 * it, without credentials): a kickstart's relative %include is fetched
 * from next to url, an http(s):// one as it is, an absolute path is a
 * local file (as Anaconda reads it). */
int answers_load_url(const char *url, const char *name, const char *text, size_t len,
		     const azl_model_overrides *ov, azl_diags *d, azl_model **ret);
