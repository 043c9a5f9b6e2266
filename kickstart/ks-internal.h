/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the kickstart lexer, reader and command table. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* Splits one logical line into words the way pykickstart does (Python's
 * shlex.split in POSIX mode with comments): '...' is literal, "..." knows
 * \" and \\, a backslash outside quotes escapes the next character, an
 * unquoted '#' starts a comment. Returns 0 with a NULL-terminated *ret
 * (possibly empty), or -EINVAL with *ret_why a static English reason. */
int ks_split(const char *line, size_t len, char ***ret, const char **ret_why);
/* strv_free() that wipes each word first: words may hold a password. */
void ks_strv_free_wipe(char **v);

/* One option a command accepts. */
typedef enum ks_arg {
	KS_FLAG,  /* --grow */
	KS_VALUE, /* --size=512 or --size 512 */
} ks_arg;

typedef enum ks_support {
	KS_DONE,  /* translated by the handler */
	KS_WARN,  /* accepted by pykickstart, not carried over: warning */
	KS_QUIET, /* accepted, has no effect here by design */
} ks_support;

typedef struct ks_option {
	const char *name;  /* "--ondrive" */
	const char *canon; /* "--ondisk": what handlers ask for; NULL = name */
	ks_arg arg;
	ks_support support;
} ks_option;

typedef struct ks_optval {
	const char *canon;
	char *value; /* NULL for a flag */
} ks_optval;

/* A command line after option parsing. */
typedef struct ks_line {
	const char *cmd;
	char **args; /* positional words after the command */
	size_t n_args;
	ks_optval *opts; /* in order given; the last of a name wins */
	size_t n_opts;
	azl_loc loc;
} ks_line;

/* Storage lines are kept as read and become the model's storage in
 * ks_finish(), since part, volgroup and logvol refer to each other. */
typedef struct ks_part {
	char *mount; /* "/", "swap", "pv.01", "biosboot" */
	uint64_t size_mib;
	bool has_size;
	bool grow;
	uint64_t max_mib;
	azl_fs fs;
	bool encrypt;
	bool recommended;
	uint32_t percent; /* logvol --percent */
	char *disk;
	char *label;
	char *fsoptions;
	char *vgname; /* logvol */
	char *name;   /* logvol --name */
	char *onpart; /* part --onpart: /dev/NAME of an existing partition */
	bool noformat;
	azl_loc loc;
} ks_part;

typedef struct ks_vg {
	char *name;
	char **pvs;
	azl_loc loc;
} ks_vg;

/* A raid line: the array, what it holds (a mount point, swap or pv.NN)
 * and its members (part raid.NN lines). */
typedef struct ks_raid {
	char *mount; /* "/boot", "swap", "pv.01" */
	char *name;  /* --device, without /dev/md/ */
	int level;
	int spares;
	azl_fs fs;
	bool encrypt;
	char *label;
	char *fsoptions;
	char **members; /* "raid.01", ... */
	azl_loc loc;
} ks_raid;
/* A btrfs line: a volume ("btrfs none --label=x btrfs.01") or a
 * subvolume ("btrfs / --subvol --name=root LABEL=x"). */
typedef struct ks_btrfs {
	char *mount; /* "/", "/home"; "none" */
	bool subvol;
	char *name;	/* --name */
	char *label;	/* --label (volumes) */
	char **members; /* volumes: btrfs.NN; subvolumes: the parent */
	char *fsoptions;
	azl_loc loc;
} ks_btrfs;

typedef struct ks_key {
	char *user;
	char *key;
	azl_loc loc;
} ks_key;

typedef struct ks_ctx {
	const char *file; /* the kickstart's name, for whole-file messages */
	azl_model *m;
	azl_diags *d;
	size_t errors_before; /* diags_errors(d) when the reading began */
	azl_loc *seen;	      /* per command: where a single command was last given */
	ks_part *parts;
	size_t n_parts;
	ks_part *lvs;
	size_t n_lvs;
	ks_vg *vgs;
	size_t n_vgs;
	ks_raid *raids;
	size_t n_raids;
	ks_btrfs *btrfs;
	size_t n_btrfs;
	ks_key *keys;
	size_t n_keys;
	azl_loc autopart, reqpart, clearpart_drives;
	/* The first part/logvol line, also one that adds nothing to the
	 * model (part biosboot, raid.NN, logvol --thinpool): pykickstart
	 * refuses any of them together with autopart. */
	azl_loc first_part, first_logvol;
	azl_loc clearpart; /* line > 0: a clearpart line was given */
	bool finish_seen;  /* reboot, poweroff, shutdown or halt */
	/* What storage lines that were refused or not carried over (raid,
	 * btrfs, part raid.NN, --onpart ...) named: their mount points, PVs
	 * and groups, each with its line. Checks that one line refers to
	 * another say "not carried over" instead of "missing" for these. */
	char **dropped;
	azl_loc *dropped_locs;
	size_t n_dropped;
	bool reqpart_boot;
	bool have_only_use;
	char **clear_drives;
	bool packages_seen;
	bool network_seen; /* a network line other than --hostname alone */
} ks_ctx;

void ks_part_done(ks_part *p);
/* What a 'part' line's name makes of the partition: a member of a 'raid'
 * line (raid.NN), a physical volume of a 'volgroup' line (pv.NN), the
 * device of a 'btrfs' volume (btrfs.NN), or none of these (a mount point,
 * swap). The one reader of these prefixes; a NULL name is none. */
typedef enum ks_member {
	KS_MEMBER_NONE,
	KS_MEMBER_RAID,
	KS_MEMBER_PV,
	KS_MEMBER_BTRFS,
} ks_member;
ks_member ks_member_of(const char *name);
/* url with dnf's $basearch, $arch and $releasever (also ${...}) replaced
 * by the target's values (x86_64 or aarch64, 4.0). */
char *ks_dnf_vars(const char *url);
/* Where a refused or dropped storage line named name; NULL if none. */
const azl_loc *ks_dropped(const ks_ctx *c, const char *name);

typedef enum ks_cmd_kind {
	KS_SINGLE,	/* the last one wins */
	KS_MULTI,	/* each line adds one */
	KS_REMOVED,	/* Fedora removed it: warning */
	KS_UNSUPPORTED, /* valid kickstart, nothing here: warning */
	KS_REFUSED,	/* a payload this installer cannot install: error */
} ks_cmd_kind;

typedef struct ks_command {
	const char *name;
	ks_cmd_kind kind;
	const ks_option *options; /* terminated by {NULL}; NULL = none */
	int (*handler)(ks_ctx *c, const ks_line *l);
	int min_args, max_args; /* positional words; max -1 = any */
} ks_command;

/* The command table, ordered by name; NULL when name is no command. */
const ks_command *ks_command_find(const char *name);
extern const ks_command ks_commands[];
extern const size_t ks_n_commands;

const char *ks_opt(const ks_line *l, const char *canon);
bool ks_has(const ks_line *l, const char *canon);

/* The state of one translation. */
ks_ctx *ks_ctx_new(azl_model *m, azl_diags *d);
void ks_ctx_free(ks_ctx *c);
/* Splits words[1..] into options (checked against options) and
 * positional arguments; *ret borrows the positional words. Unknown
 * options and missing values are errors, KS_WARN options warnings.
 * *ret is filled even on failure; release it with ks_line_done(). */
int ks_parse_options(ks_ctx *c, const char *name, const ks_option *options, char **words,
		     azl_loc loc, ks_line *ret);
void ks_line_done(ks_line *l);
/* Parses the options of one command line (words[0] is the command) and
 * runs its handler. Problems are reported in the context's diagnostics. */
void ks_dispatch(ks_ctx *c, char **words, azl_loc loc);

typedef enum ks_section_kind {
	KS_SEC_PACKAGES,
	KS_SEC_PRE,
	KS_SEC_PRE_INSTALL,
	KS_SEC_POST,
	KS_SEC_ONERROR,
	KS_SEC_TRACEBACK,
	KS_SEC_ADDON,
	KS_SEC_ANACONDA,
	KS_SEC_CERTIFICATE,
} ks_section_kind;

/* A %section: its header split into words (words[0] is "%post"), and its
 * body lines (without newlines), each with its location. */
int ks_section(ks_ctx *c, ks_section_kind kind, char **words, azl_loc loc, char **lines,
	       const azl_loc *line_locs, size_t n_lines);
/* Called once after the last line: storage, keys, then nothing else. */
int ks_finish(ks_ctx *c);
