/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The repositories of an install: the list (--repo values, else the answer
 * file's packages.repos, else the ISO's file:///run/install/repo), their
 * files (repodata, packages, keys) and the download cache of remote ones.
 * A local repository (file:// URL or a directory) is read in place; an
 * http(s) one is downloaded through fetch.c into
 * CACHE/NAME-HASH/{repodata,Packages}/..., where a file whose checksum
 * matches the metadata is reused. docs/packages.md has the rules.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "repo-preset.h"

#define AZL_DEFAULT_REPO  "file:///run/install/repo"
#define AZL_DEFAULT_CACHE "/var/cache/azl-installer"

typedef struct azl_repo_src {
	char *name;
	char *baseurl;	  /* ends in '/' */
	char *local_dir;  /* a local repository's directory; NULL if remote */
	char *cache_dir;  /* a remote repository's cache; NULL if local */
	char *solv_dir;	  /* parsed metadata cache, local and remote */
	char *gpgkey;	  /* URL or path of the key; NULL = RPM-GPG-KEY-* */
	char *gpgkey_fpr; /* its pinned fingerprint (canonical hex) or NULL */
	/* The preset it comes from: its built-in key is the only one, and
	 * gpgkey_fpr is the preset's fingerprint. NULL otherwise. */
	const azl_repo_preset *preset;
	int priority; /* lower wins, like dnf */
	bool gpgcheck;
} azl_repo_src;

typedef struct azl_repo_list {
	azl_repo_src *repos;
	size_t n;
} azl_repo_list;

/* The command line's repositories: --repo values (directories, URLs or a
 * preset's name: "azurelinux"), which replace the model's, and the key the
 * operator pinned for them (--repo-gpgkey, --repo-gpgkey-fingerprint),
 * which each of them that is not a preset gets as gpgkey and gpgkey_fpr.
 * Passed down from the install options; NULL or repos NULL: the model's. */
typedef struct azl_cli_repos {
	char *const *repos;
	const char *gpgkey;	/* NULL: the repository's own key files */
	const char *gpgkey_fpr; /* canonical hex, or NULL */
} azl_cli_repos;

/* cli: the command line's repositories, used instead of the model's when
 * cli and cli->repos are non-NULL. A preset, on the
 * command line or in the model, becomes each of its repositories with its
 * base URL expanded, gpgcheck on and the preset's key. cache_root: NULL =
 * $AZL_CACHE_DIR or AZL_DEFAULT_CACHE. Returns 0 or -EINVAL for a repository
 * that is neither a directory nor a file:, http: or https: URL (logged). */
int repo_list_build(const azl_packages *p, const azl_cli_repos *cli, const char *cache_root,
		    azl_repo_list *ret);
void repo_list_done(azl_repo_list *l);

/* The local path of a file of the repository, relpath being relative to
 * its base URL ("repodata/repomd.xml", "Packages/x.rpm"); owned by the
 * caller. A remote file is downloaded unless a cached copy matches chk_hex
 * (checksum of type chk_type, "sha256" ...; NULL = always download). A
 * download that does not match is removed and refused (-EBADMSG). */
int repo_fetch(const azl_repo_src *r, const char *relpath, const char *chk_type,
	       const char *chk_hex, char **ret_path);
/* repo_fetch() of a file that may not be larger than max bytes (a
 * package: the size its metadata states); repo_fetch() bounds repomd.xml
 * by FETCH_MAX_SMALL and other metadata by FETCH_MAX_METADATA. A download
 * beyond it is refused (-EFBIG). */
int repo_fetch_sized(const azl_repo_src *r, const char *relpath, uint64_t max, const char *chk_type,
		     const char *chk_hex, char **ret_path);
/* repo_fetch_sized() of a remote file into dir instead of the
 * repository's cache (dir NULL: the cache); a copy in the cache that
 * matches chk_hex is still used where it lies. */
int repo_fetch_into(const azl_repo_src *r, const char *dir, const char *relpath, uint64_t max,
		    const char *chk_type, const char *chk_hex, char **ret_path);

/* The directories of one repository, opened before an rpm transaction
 * (which chroots the whole process into the target: paths of the
 * installing system no longer resolve while it runs): local_fd, a local
 * repository's directory; cache_fd, a remote one's cache; dl_fd, where
 * its packages are downloaded (cache_fd, or a download directory). */
typedef struct repo_dirs {
	int local_fd, cache_fd, dl_fd;
} repo_dirs;

/* Opens r's directories (made when missing); dl_dir: its download
 * directory, NULL: the cache. Returns 0 or -errno (logged). */
int repo_dirs_open(const azl_repo_src *r, const char *dl_dir, repo_dirs *ret);
void repo_dirs_close(repo_dirs *d);

/* repo_fetch_into() by file descriptors: the package open (read from
 * its first byte), in place or from the cache when it matches, else
 * downloaded into an unnamed file of dl_fd (O_TMPFILE) and checked
 * against the checksum (then linked into the cache when dl_fd is the
 * cache). No path of the installing system is looked up. Returns 0 or
 * -errno (logged). */
int repo_open_package(const azl_repo_src *r, const repo_dirs *d, const char *relpath, uint64_t max,
		      const char *chk_type, const char *chk_hex, int *ret_fd);

/* Whether this run read the remote repository's repomd.xml a moment ago
 * (its host's address is then in the shared DNS cache): false for a local
 * one. */
bool repo_reached(const azl_repo_src *r);

/* Whether a path the metadata names stays inside the repository:
 * relative, no ".." component. */
bool repo_relpath_safe(const char *relpath);

/* The first len bytes of a remote package (a range request), for its
 * header before the whole file is there; max: the package's size bound,
 * as repo_fetch_sized() has it. *ret is the caller's. Returns 0 or
 * -errno (logged). */
int repo_fetch_head(const azl_repo_src *r, const char *relpath, uint64_t len, uint64_t max,
		    char **ret, size_t *ret_len);

/* The armored public keys that verify the repository's packages, only
 * from where the operator put trust (DESIGN.md, Trust; docs/packages.md):
 *   - gpgkey: a path or file: URL as it is; an http:, https: or tftp: URL
 *     only with gpgkey_fpr, which the key must match (else -EKEYREJECTED);
 *     gpgkey_fpr is checked for a local key too when it is given;
 *   - no gpgkey, a local repository: every RPM-GPG-KEY-* at its root, else
 *     repodata/repomd.xml.key, each a file inside the repository's
 *     directory (a symlink out of it is refused);
 *   - no gpgkey, a remote repository: none is trusted, a key from the
 *     server it would protect least of all: -EPERM;
 *   - a preset's repository: the key built into the installer, checked
 *     against the fingerprint the preset pins (else -EKEYREJECTED).
 * Every refusal is logged with how to pin a key. *ret empty when a local
 * repository has no key file. Returns 0 or -errno. */
int repo_keys(const azl_repo_src *r, char ***ret);
