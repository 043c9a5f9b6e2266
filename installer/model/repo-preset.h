/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Repository presets: one word (`--repo azurelinux`, `azl.repo=azurelinux`,
 * `packages.repos: [{preset: azurelinux}]`) that stands for a
 * distribution's real repositories together with the signing key that
 * verifies them. The key is a committed file under installer/keys/, built
 * into the installer (CMakeLists.txt turns it into a C string), and its
 * full fingerprint is pinned here: the key is never fetched, least of all
 * from the repositories it protects (DESIGN.md, Trust). docs/demo-repo.md,
 * "Installing real Azure Linux instead of the demo", says where the URLs
 * and the key come from.
 */
#pragma once

#include <stddef.h>

typedef struct azl_preset_repo {
	const char *name;    /* repository id */
	const char *baseurl; /* may hold $releasever and $basearch */
} azl_preset_repo;

typedef struct azl_repo_preset {
	const char *name; /* what --repo and 'preset:' say */
	const char *releasever;
	const char *basearch;
	const azl_preset_repo *repos;
	size_t n_repos;
	/* The key: its file name under installer/keys/, its armored text
	 * (built in) and its canonical fingerprint (upper-case hex). */
	const char *key_file;
	const char *key;
	const char *key_fingerprint;
} azl_repo_preset;

/* The preset of that name, or NULL. */
const azl_repo_preset *repo_preset_find(const char *name);
/* The names of every preset, ", "-separated, for messages. Static. */
const char *repo_preset_names(void);
/* A preset's i-th base URL with $releasever and $basearch expanded, ending
 * in '/'. Owned by the caller. */
char *repo_preset_baseurl(const azl_repo_preset *p, size_t i);
