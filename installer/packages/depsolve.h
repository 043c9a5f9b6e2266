/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to libsolv and libsolvext: repository metadata (repomd.xml,
 * primary, filelists, comps) into a pool, the target's existing rpmdb as
 * the installed repository, and the solver. Nothing outside this file
 * includes a libsolv header.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The version of libsolv this adapter runs against (--version, the log). */
const char *solv_adapter_version(void);

typedef struct azl_solver azl_solver;

/* One package of the solver's result, to be installed. */
typedef struct depsolve_pkg {
	char *nevra; /* name-[epoch:]version-release.arch */
	char *name;
	char *location;	      /* relative to its repository's base URL */
	char *checksum_type;  /* "sha256" ..., NULL if the metadata has none */
	char *checksum;	      /* hex */
	uint64_t size;	      /* download size in bytes */
	uint64_t installsize; /* installed size in bytes (0: unknown) */
	uint64_t header_end;  /* where its header ends (rpm:header-range; 0: unknown) */
	size_t repo;	      /* the index given to depsolve_add_repo() */
	/* Its place in libsolv's install order (requirements first, close
	 * to the order rpm will choose): what to fetch first. The packages
	 * themselves are listed in the transaction's own order, which is
	 * the order rpm is given them (its ties follow that order). */
	size_t rank;
	/* Provides "secure-boot(signed)": the package's boot images carry
	 * Secure Boot signatures (docs/secure-boot.md). */
	bool secure_boot_signed;
} depsolve_pkg;

void depsolve_pkgs_free(depsolve_pkg *p, size_t n);

/* Initialises the library depsolve_check_fd() hashes with (libgcrypt):
 * call on the main thread before threads check files; it is also done on
 * first use. */
void depsolve_checksum_init(void);

/* Resolves a repository-relative path to a local file (downloading it),
 * checking it against the checksum when one is given. */
typedef int (*depsolve_fetch_fn)(void *userdata, const char *relpath, const char *chk_type,
				 const char *chk_hex, char **ret_path);

/* root: the target whose rpmdb (/usr/lib/sysimage/rpm) holds what is
 * installed already; NULL or a root without an rpmdb = nothing. */
int depsolve_new(const char *root, azl_solver **ret);
void depsolve_free(azl_solver *s);
static inline void depsolve_freep(azl_solver **s)
{
	depsolve_free(*s);
}
#define _cleanup_solver_ _cleanup_(depsolve_freep)

/* Reads repodata/repomd.xml, then primary, filelists and comps (group)
 * through fetch. priority: lower wins. cache_dir (NULL = none): where the
 * parsed repository is kept as CACHE_DIR/SHA256-OF-REPOMD.solv (primary,
 * comps, file provides) and SHA256-OF-REPOMD-filelists.solvx (read only
 * when a file dependency needs it) and read back by the next run over the
 * same repomd.xml. Returns 0 or -errno (logged). */
int depsolve_add_repo(azl_solver *s, size_t index, const char *name, int priority,
		      const char *cache_dir, depsolve_fetch_fn fetch, void *userdata);

typedef struct depsolve_request {
	char *const *install; /* names, globs, provides, "@group", "@^env" */
	char *const *exclude; /* names or globs never installed */
	bool ignore_missing;  /* a missing name is a warning, not -ENOENT */
	bool weak_deps;	      /* install Recommends (dnf's install_weak_deps) */
	/* NULL, or where each requested name that matches nothing is
	 * pushed (without a leading '?'), with -ENOENT. */
	char ***missing;
} depsolve_request;

/* Solves and returns the packages to install, in no particular order.
 * Returns 0; -ENOENT when a requested name matches nothing (each named in
 * the log); -EPROTO when the request cannot be satisfied (each problem
 * logged with package names). */
int depsolve_solve(azl_solver *s, const depsolve_request *rq, depsolve_pkg **ret, size_t *ret_n);

/* How many packages and groups the last depsolve_solve() read into the
 * solver: with a warm cache, those the request can reach; else all. */
size_t depsolve_packages_read(const azl_solver *s);

/* Checks a file against a checksum of type "sha256", "sha512", "sha1"...
 * Returns 0, -EBADMSG on a mismatch, -EINVAL for an unknown type. */
int depsolve_check_file(const char *path, const char *type, const char *hex);
/* The same of an open file, read from its first byte (pread). */
int depsolve_check_fd(int fd, const char *type, const char *hex);

/* The same computed as the bytes go by (a download, as it arrives):
 * depsolve_digest_new() is NULL for a type depsolve_check_fd() refuses
 * with -EINVAL; depsolve_digest_add() takes the bytes in order (its first
 * argument is the digest: a callback's context); depsolve_digest_check()
 * compares once, after the last byte (0 or -EBADMSG; -EINVAL for a digest
 * libsolv could not finish). */
typedef struct depsolve_digest depsolve_digest;
depsolve_digest *depsolve_digest_new(const char *type);
void depsolve_digest_add(void *digest, const void *buf, size_t len);
int depsolve_digest_check(depsolve_digest *d, const char *hex);
void depsolve_digest_free(depsolve_digest *d);

/* One <group> of a comps document, for the TUI's Software spoke. */
typedef struct depsolve_group {
	char *id;	   /* <id> */
	char *name;	   /* the untranslated <name>; the id when it has none */
	char *description; /* the untranslated <description>; NULL if none */
	bool visible;	   /* <uservisible> is not false */
} depsolve_group;

/* The groups of a comps.xml text read by libsolv's comps reader (the one
 * the solver's "@group" goes through), in document order; a group without
 * an id is left out, as are environments and categories. Returns 0, or
 * -EINVAL when the text is no comps document or not well-formed XML. */
int depsolve_groups_parse(const char *xml, size_t len, depsolve_group **ret, size_t *ret_n);
void depsolve_groups_free(depsolve_group *g, size_t n);
