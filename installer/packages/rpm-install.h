/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The adapter to librpm: one transaction into a target root. The rpmdb is
 * always ROOT/usr/lib/sysimage/rpm (sqlite), whatever the host's macros
 * say; keys are imported into that rpmdb; every package's digests are
 * checked, and its signature when its repository says gpgcheck, before
 * anything is installed (by rpm_check_package() as each package is
 * fetched, else on a second thread while the headers are read and the
 * transaction is checked and ordered). Scriptlets run
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

/*
 * Packages checked ahead of the transaction, each as soon as it is there
 * (a download finished, a local file found), on every core: what
 * rpmtsRun() would check of each whole file before unpacking the first
 * one (lead, signature header, header digests and signature, the payload
 * digest, at %_pkgverify_level signature with the given keys only), and
 * its header read and checked as rpm_install() reads it. Each file is
 * opened once and the transaction reads the package from that same open
 * file, so the bytes checked are the bytes unpacked; a file that a user
 * other than root could change, or one on a network file system, is
 * first copied into an unnamed file (O_TMPFILE, 0600) of spool and that
 * copy is checked and unpacked.
 */
typedef struct rpm_checked rpm_checked;

/* For n packages, all of them from repositories with gpgcheck; keys: the
 * armored keys the transaction imports (the only ones trusted). NULL when
 * the packages cannot be held open at once (the open-file limit) or a key
 * does not parse: rpm_install_with() then checks them itself. */
rpm_checked *rpm_checked_new(size_t n, char *const *keys);
/* Checks pkgs[i] into c; thread-safe for distinct i. spool: a directory
 * of the installer's own for private copies. Returns 0, or -EBADMSG
 * (named in the log), -errno when it cannot be read. */
int rpm_check_package(rpm_checked *c, size_t i, const rpm_install_pkg *p, const char *spool);
/* The same of the open file fd (taken: closed by c); spool_fd: that
 * directory, open. No path is looked up (the streamed transaction's
 * chroot). */
int rpm_check_package_fd(rpm_checked *c, size_t i, const rpm_install_pkg *p, int fd, int spool_fd);
/*
 * Streamed: every package's header is read first (rpm_check_header():
 * from the file's first bytes, its digests and signature checked with
 * the keys), the transaction is ordered and started with those headers,
 * and each whole file is fetched and checked (rpm_check_package(), which
 * then also requires the header read first) while rpm installs the ones
 * before it; rpm opens a package only after it passed. A package that
 * does not arrive or does not pass stops the transaction there: the
 * packages before it in rpm's order stay installed, none after it is.
 * fd: the file or its first bytes (a memfd); thread-safe for distinct
 * i. Returns 0 or -EBADMSG (logged: nothing was installed; probe: not
 * logged, nothing recorded, as for a cached copy that may be stale).
 */
int rpm_check_header(rpm_checked *c, size_t i, const rpm_install_pkg *p, int fd, bool probe);
/* At least k transaction sets ready for the checking threads, made now
 * (on the caller's thread). */
void rpm_checked_reserve(rpm_checked *c, size_t k);
/* Package i will not be there (its download failed: rc, why). */
void rpm_checked_fail(rpm_checked *c, size_t i, int rc, const char *why);
void rpm_checked_free(rpm_checked *c);

/* What a kickstart's %packages line asks of the transaction. */
typedef struct rpm_install_opts {
	bool nodocs;		   /* --excludedocs: RPMTRANS_FLAG_NODOCS */
	const char *install_langs; /* --instLangs: %_install_langs; NULL =
				      all, "none" = no translations */
	/* Armored public keys imported into the rpmdb first, by the same
	 * transaction set (rpm_import_keys() otherwise): librpm writes an
	 * rpmdb it created itself without an fsync per package. */
	char *const *keys;
	/* Every package checked with rpm_check_package() (NULL: none); a
	 * package that did not pass is refused, nothing is installed. When
	 * every header was read with rpm_check_header() first (streamed),
	 * ordered(ordered_data, order, n) is called once the transaction is
	 * ordered, with the package indexes in the order rpm installs them:
	 * the caller then fetches and checks them, in that order, on threads
	 * of its own, while rpm_install_with() runs the transaction. */
	rpm_checked *checked;
	void (*ordered)(void *ordered_data, const size_t *order, size_t n);
	void *ordered_data;
} rpm_install_opts;
/* rpm_install() with opts (NULL = none). */
int rpm_install_with(const char *root, const rpm_install_pkg *pkgs, size_t n,
		     const rpm_install_opts *opts);
