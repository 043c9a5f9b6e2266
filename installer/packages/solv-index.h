/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reachability index of a cached repository (part of the libsolv
 * adapter, used by depsolve.c only).
 *
 * A solve needs the packages a request can reach: those providing what it
 * names, what they require or recommend, transitively, and what
 * supplements any of them. For a 60,000-package repository that is a few
 * hundred; reading all of them into libsolv and indexing their provides
 * costs more than solving (docs/performance.md). CACHE/SHA.idx, written
 * next to SHA.solv from the same solvables, holds every package with its
 * dependencies by name, a table from each name to the packages that
 * provide it and to those that supplement it, so that a warm solve reads
 * only what it can reach into the pool. Anything the index cannot answer
 * exactly (a file dependency no package provides, a glob) is left to the
 * whole repository. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/stat.h>

#include <solv/pool.h>
#include <solv/queue.h>
#include <solv/repo.h>

typedef struct solv_index solv_index;

/* Writes the index of repo's solvables to path, sealed, through a
 * temporary file renamed over it (solv-cache.h; the caller holds the
 * cache's lock). searched: the file dependencies (pool string Ids) whose
 * providers repo's solvables carry in full; solv: the stat of the cache
 * file repo was read from, which the index then answers for. Returns 0,
 * -E2BIG for a dependency nested deeper than it keeps, or -errno. */
int solv_index_write(Repo *repo, const Queue *searched, const struct stat *solv, const char *path);

/* Maps path; NULL when it is missing, of another format, damaged (its
 * seal, its header or a section that does not fit), or made from another
 * file than solv_path is now. */
solv_index *solv_index_open(const char *path, const char *solv_path);
/* An index from memory (copied), with the checks of solv_index_open()
 * but the seal's and solv_path's: the fuzzer's way in. */
solv_index *solv_index_from_buffer(const void *data, size_t size);
void solv_index_close(solv_index *ix);
uint32_t solv_index_packages(const solv_index *ix);

/* What a request can reach across the indexes of all repositories. */
typedef struct solv_reach {
	solv_index **ix;
	size_t n;
	uint8_t **pkg_seen;  /* per index: packages reached */
	uint8_t **name_seen; /* per index: names followed */
	uint32_t *queue;     /* pairs: index, package */
	size_t q_len, q_cap;
	bool need_all; /* a question the index cannot answer */
} solv_reach;

void solv_reach_init(solv_reach *r, solv_index **ix, size_t n);
void solv_reach_done(solv_reach *r);
/* Reaches every provider of name; returns how many packages in all
 * repositories provide it (0: none). */
size_t solv_reach_name(solv_reach *r, const char *name);
/* True when some repository has a package or provide of that name. */
bool solv_reach_known(solv_reach *r, const char *name);
/* Follows requires, recommends and reverse supplements from everything
 * reached so far. */
void solv_reach_close(solv_reach *r);
/* Adds the reached packages of index k to repo, as repo_add_solv() would
 * have added them (name, evr, arch, dependencies, location, checksum,
 * download size). Returns how many. */
size_t solv_reach_load(solv_reach *r, size_t k, Repo *repo);
