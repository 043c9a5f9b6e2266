/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Installing packages into the target: repositories (file://, http(s)://
 * through libcurl) with repomd/primary/filelists/comps read by libsolvext,
 * depsolving with libsolv (groups, excludes, weak deps), then one librpm
 * transaction into root with the rpmdb at /usr/lib/sysimage/rpm, the
 * repositories' keys imported and every package's signature checked.
 * Progress goes through progress_packages().
 */
#pragma once

#include "model.h"
#include "repo.h"

typedef struct azl_run_ctx azl_run_ctx;

/* repos: the command line's repositories (repo.h: --repo values and their
 * key), used instead of the model's packages.repos when they are given. extra: packages the plan
 * itself needs (the boot loader of the firmware, the tools of the storage it made;
 * plan_required_packages()) on top of packages.install; NULL for none. Returns
 * 0, -ENOENT for a missing package (named in the log), -EBADMSG for a bad
 * signature, -EPROTO for unresolvable dependencies, -ENXIO for a repository
 * that cannot be read, -ENOPKG when the model configures a network and
 * neither NetworkManager nor systemd-networkd would be in the target
 * (refused after solving, before anything is installed), -EINTR when
 * ctx (run.h) was cancelled, other -errno. */
int packages_apply(const azl_run_ctx *ctx, const azl_model *m, const azl_cli_repos *repos,
		   char *const *extra, const char *root);

/* Before anything is written: every gpgcheck repository has a key the
 * operator pinned (repo_keys(): fetched, fingerprints checked, then
 * dropped; the packages phase fetches and checks them again and imports
 * exactly what it checked). Returns 0; -EPERM for a repository without a
 * trusted key, -EKEYREJECTED for a key that does not match its pinned
 * fingerprint, other -errno when a key cannot be read; each logged with
 * what to do. */
int packages_check_keys(const azl_model *m, const azl_cli_repos *repos);

/* Depsolving only (--stop-after depsolve): the NEVRAs that packages_apply
 * would install, in *ret (owned by the caller). Same errors. */
int packages_solve(const azl_model *m, const azl_cli_repos *repos, char *const *extra,
		   const char *root, char ***ret);

/* The UEFI boot chain a transaction installs (docs/secure-boot.md): the
 * NEVRA of each stage's package (NULL: none in the transaction) and
 * whether that package provides "secure-boot(signed)". */
typedef struct azl_boot_chain {
	char *shim, *grub, *kernel;
	bool shim_signed, grub_signed, kernel_signed;
} azl_boot_chain;
void boot_chain_done(azl_boot_chain *c);
/* Every stage present and signed. */
bool boot_chain_signed(const azl_boot_chain *c);
/* "shim-x64-16.1-1.azl4.x86_64 (signed) -> ..." for people (owned). */
char *boot_chain_describe(const azl_boot_chain *c);

/* The packages phase's solve and network-service check, before anything
 * is written (docs/packages.md): the same request against root (NULL: an
 * empty target), nothing downloaded or installed; the parsed metadata goes
 * into the cache, which the packages phase then reads. Returns 0 or the
 * error packages_apply() would return (-ENOENT, -EPROTO, -ENOPKG, -ENXIO,
 * ...); on -ENOENT, *ret_plan_missing lists the missing names when every
 * one is in extra (added by the plan, not asked for by the answer file),
 * else it is NULL. ret_chain (may be NULL): the boot chain of the solved
 * transaction, filled when the solve succeeds. */
int packages_check(const azl_model *m, const azl_cli_repos *repos, char *const *extra,
		   const char *root, char ***ret_plan_missing, azl_boot_chain *ret_chain);
