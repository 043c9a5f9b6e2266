/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to librpm: one transaction into a target root. The rpmdb is
 * always ROOT/usr/lib/sysimage/rpm (sqlite), whatever the host's macros
 * say; keys are imported into that rpmdb; every package's digests are
 * checked, and its signature when its repository says gpgcheck, before
 * anything is installed (the whole files on a second thread while the
 * headers are read and the transaction is checked and ordered). Scriptlets run
 * chrooted into the root (librpm does that), their output goes to the install
 * log. No per-file fsync
 * (%_flush_io stays off); one syncfs() at the end.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version of librpm this adapter runs against (--version, the log). */
const char *rpm_adapter_version(void);

typedef struct rpm_install_pkg {
	const char *path;  /* the package file */
	const char *nevra; /* for messages */
	uint64_t size;	   /* bytes, for progress */
	bool gpgcheck;	   /* a signature by an imported key is required */
} rpm_install_pkg;

/* Reads librpm's configuration and puts the target's macros on top, for
 * this process: call it before anything reads a target's rpmdb (libsolv
 * does through librpm). Returns 0 or -EIO. */
int rpm_setup(void);

/* The OpenPGP fingerprint of the public key in an armored key block, as
 * upper-case hex: the key that rpm_import_keys() would import. Returns 0,
 * or -EBADMSG when it is not an armored public key or holds more than one
 * primary key. */
int rpm_key_fingerprint(const char *armored, char **ret_hex);

/* librpm opens ROOT/usr/lib/sysimage/rpm by its path on the installing
 * system, following symlinks as that system sees them: a symlink planted
 * in the target (usr/lib/sysimage/rpm -> /var/lib/rpm, usr -> /usr) would
 * lead it to the host's files. This resolves the path inside the root
 * (target.c, RESOLVE_IN_ROOT) and as the host would, and refuses
 * (-ELOOP, logged) when they differ. create: make the directory first,
 * inside the root (and require it); else a path that exists neither way
 * passes. Returns 0 or -errno. */
int rpm_check_dbpath(const char *root, bool create);

/* Imports the armored public keys into ROOT's rpmdb. Returns 0 or -errno. */
int rpm_import_keys(const char *root, char *const *keys);

/* Installs pkgs into root as one transaction (upgrading what is there).
 * Returns 0; -EBADMSG when a package is unsigned, signed by an unknown key
 * or tampered with (each named in the log, nothing installed); -EPROTO for
 * dependency or file conflicts; -EIO when the transaction failed part-way.
 * Progress: progress_packages() once per package. */
int rpm_install(const char *root, const rpm_install_pkg *pkgs, size_t n);

/* What a kickstart's %packages line asks of the transaction. */
typedef struct rpm_install_opts {
	bool nodocs;		   /* --excludedocs: RPMTRANS_FLAG_NODOCS */
	const char *install_langs; /* --instLangs: %_install_langs; NULL =
				      all, "none" = no translations */
	/* Armored public keys imported into the rpmdb first, by the same
	 * transaction set (rpm_import_keys() otherwise): librpm writes an
	 * rpmdb it created itself without an fsync per package. */
	char *const *keys;
} rpm_install_opts;
/* rpm_install() with opts (NULL = none). */
int rpm_install_with(const char *root, const rpm_install_pkg *pkgs, size_t n,
		     const rpm_install_opts *opts);
