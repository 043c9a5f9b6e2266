/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files of the parsed-metadata cache (part of the libsolv adapter,
 * used by depsolve.c and solv-index.c only).
 *
 * CACHE/SHA.solv, SHA-filelists.solvx and SHA.idx are read on every warm
 * run and must never decide what a repository holds: each ends with a
 * seal (a magic, the length of what precedes it and a 64-bit checksum of
 * those bytes), so that a truncated file or one overwritten in the middle
 * is known as damaged before anything parses it; it is then ignored, read
 * again from the repository's metadata and written anew. The checksum
 * finds damage, not forgery: whoever can write the cache is root already.
 *
 * Writers hold the cache directory's lock (CACHE/lock, flock) and write a
 * temporary file, fsync it and rename it over the old one, so that a
 * reader (which takes no lock) sees the old file or the new one, whole. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The bytes a seal adds at the end of a file. */
#define SOLV_CACHE_SEAL_SIZE 24

/* The checksum of the seal: fast (memory bandwidth on one core), 64 bits,
 * every byte counts. */
uint64_t solv_cache_sum(const void *data, size_t len);

/* Creates dir (and its parents) and takes its lock: an fd to give to
 * solv_cache_unlock(), or -errno; -EWOULDBLOCK when another process
 * holds it and wait is false. With the lock, removes the temporary files
 * a writer that was killed left behind. */
int solv_cache_lock(const char *dir, bool wait);
void solv_cache_unlock(int fd);

/* Opens a new temporary file next to path for the payload; NULL with
 * errno set. *ret_tmp: its name, for solv_cache_commit(). */
FILE *solv_cache_create(const char *path, char **ret_tmp);
/* Seals what was written to f, fsyncs and closes it, renames tmp to path.
 * Always closes f and frees tmp (removing the file on failure). Returns 0
 * or -errno. */
int solv_cache_commit(FILE *f, char *tmp, const char *path);

/* Checks the seal of a whole file in memory; returns the length of the
 * payload before the seal, or -EBADMSG. */
int64_t solv_cache_check(const void *data, size_t size);
/* Opens path for reading after checking its seal; NULL with errno set
 * (EBADMSG: damaged). *ret_len: the payload's length (what follows is
 * the seal; libsolv stops reading before it). */
FILE *solv_cache_open(const char *path, uint64_t *ret_len);
