/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * azl-installer: the command line. Parses arguments, runs one command and
 * maps its outcome to the exit codes of DESIGN.md. exit() is called only
 * here.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answers.h"
#include "apply-system.h"
#include "blkid-probe.h"
#include "cmdline.h"
#include "depsolve.h"
#include "exit-codes.h"
#include "fetch.h"
#include "i18n.h"
#include "image-payload.h"
#include "install.h"
#include "interrupt.h"
#include "kickstart.h"
#include "luks.h"
#include "machine-probe.h"
#include "machine.h"
#include "model.h"
#include "netconf-nm.h"
#include "parted-table.h"
#include "passwd-hash.h"
#include "x509-pem.h"
#include "phase.h"
#include "plan.h"
#include "progress.h"
#include "remote-log.h"
#include "repo.h"
#include "report.h"
#include "rpm-install.h"
#include "run.h"
#include "secret.h"
#include "trust.h"
#include "tui.h"
#include "util.h"
#include "yaml-doc.h"

#define ANSWERS_MAX_SIZE YDOC_MAX_FILE_SIZE

static void usage(FILE *f)
{
	fputs(_("Usage:\n"
		"  azl-installer [--answers FILE] [--save-answers FILE]\n"
		"                                       interactive installer\n"
		"  azl-installer install [--answers FILE|URL] [--disk DEV|IMAGE]...\n"
		"                        [--repo DIR|URL|azurelinux [--repo-gpgkey PATH|URL]\n"
		"                        [--repo-gpgkey-fingerprint FPR]]\n"
		"                        [--firmware bios|uefi] [--nvram-entry]\n"
		"                        [--dry-run] [--yes] [--progress=tui|text|json]\n"
		"                        [--log FILE]\n"
		"  azl-installer install --root DIR [--answers FILE] [--repo DIR|URL]\n"
		"  azl-installer validate FILE|URL [--machine FILE] [--strict]\n"
		"  azl-installer plan --answers FILE|URL [--disk DEV|IMAGE]...\n"
		"                     [--firmware bios|uefi] [--machine FILE] [--json]\n"
		"  azl-installer convert KICKSTART [-o FILE] [--strict] [--force]\n"
		"  azl-installer convert --to kickstart ANSWERS.yaml [-o FILE]\n"
		"  azl-installer probe [--json] [DEV|IMAGE]...\n"
		"  azl-installer --version | --help\n"),
	      f);
}

static int version(void)
{
	printf("azl-installer %s\n", AZL_VERSION);
	printf("  libblkid      %s\n", blkid_adapter_version());
	printf("  libparted     %s\n", parted_adapter_version());
	printf("  libcryptsetup %s\n", cryptsetup_adapter_version());
	printf("  libnm         %s\n", nm_adapter_version());
	printf("  libyaml       %s\n", yaml_adapter_version());
	printf("  librpm        %s\n", rpm_adapter_version());
	printf("  libsolv       %s\n", solv_adapter_version());
	printf("  libcurl       %s\n", curl_adapter_version());
	printf("  libarchive    %s\n", archive_adapter_version());
	printf("  libxcrypt     %s\n", xcrypt_adapter_version());
	printf("  libcrypto     %s\n", crypto_adapter_version());
	printf("  ncursesw      %s\n", curses_adapter_version());
	return AZL_EXIT_OK;
}

/* An answer file that is not there or too large is the input's fault; a
 * network that does not deliver it in time is the machine's. */
static int fetch_exit_code(int r)
{
	switch (r) {
	case -EINTR:
		return AZL_EXIT_INTERRUPTED;
	case -ENOENT:
	case -EFBIG:
		return AZL_EXIT_INVALID;
	default:
		return AZL_EXIT_MACHINE;
	}
}

/* Reads an answer file or a kickstart (told apart by content) from a path
 * or a URL. Diagnostics go to stderr; with strict, warnings fail too. ov
 * (--disk, --firmware) is applied before the model is validated. */
static int load_answers_ex(const char *where, bool strict, bool force,
			   const azl_model_overrides *ov, azl_model **ret)
{
	azl_diags d;
	diags_init(&d);
	d.warnings_are_errors = strict;
	d.force = force;
	int r;
	if (fetch_is_url(where)) {
		_cleanup_free_ char *text = NULL, *err = NULL;
		size_t len = 0;
		interrupt_catch(true);
		r = fetch_url(where, ANSWERS_MAX_SIZE, &text, &len, &err);
		interrupt_catch(false);
		if (r < 0) {
			fprintf(stderr, "azl-installer: %s\n", err);
			diags_done(&d);
			return fetch_exit_code(r);
		}
		/* Diagnostics name the URL without its credentials; a
		 * kickstart's %include is fetched from next to it. */
		_cleanup_free_ char *name = redact_urls(where);
		interrupt_catch(true);
		r = answers_load_url(where, name, text, len, ov, &d, ret);
		interrupt_catch(false);
	} else
		r = answers_load(where, NULL, 0, ov, &d, ret);
	diags_print(&d, stderr);
	if (r >= 0 && strict && diags_errors(&d) > 0) {
		model_free(TAKE_PTR(*ret));
		r = -EINVAL;
	}
	diags_done(&d);
	return r < 0 ? AZL_EXIT_INVALID : AZL_EXIT_OK;
}

static int load_answers(const char *where, bool strict, const azl_model_overrides *ov,
			azl_model **ret)
{
	return load_answers_ex(where, strict, false, ov, ret);
}

static int load_machine(const char *machine_file, char **disks, azl_machine **ret)
{
	if (machine_file) {
		azl_diags d;
		diags_init(&d);
		int r = machine_from_json(machine_file, &d, ret);
		diags_print(&d, stderr);
		diags_done(&d);
		return r < 0 ? AZL_EXIT_INVALID : AZL_EXIT_OK;
	}
	/* Name the path that is not there before probing says ENOENT. */
	for (size_t i = 0; disks && disks[i]; i++)
		if (access(disks[i], F_OK) < 0) {
			fprintf(stderr, _("azl-installer: no disk or disk image '%s': %s\n"),
				disks[i], strerror(errno));
			return AZL_EXIT_MACHINE;
		}
	int r = machine_probe(disks, ret);
	if (r < 0) {
		fprintf(stderr, _("azl-installer: probing disks failed: %s\n"), strerror(-r));
		return AZL_EXIT_MACHINE;
	}
	return AZL_EXIT_OK;
}

typedef struct options {
	char *answers;
	char **disks;
	char *machine;
	char **repos;
	char *repo_gpgkey;
	char *repo_gpgkey_fpr;
	char *repo_gpgkey_fpr_canon; /* repo_gpgkey_fpr as repo.h wants it */
	char *root;
	char *log;
	char *output;
	char *save_answers;
	char *progress;
	char *to;
	azl_phase stop_after; /* AZL_PHASE_NONE: all */
	bool solve_only;      /* --stop-after depsolve */
	azl_phase start_at;   /* AZL_PHASE_NONE: the first */
	azl_firmware firmware;
	bool json;
	bool dry_run;
	bool yes;
	bool strict;
	bool force; /* convert: dropped security controls are warnings */
	bool nvram_entry;
	char **args; /* positional arguments after the command */
} options;

static void options_done(options *o)
{
	strv_free(o->disks);
	strv_free(o->repos);
	free(o->repo_gpgkey_fpr_canon);
	strv_free(o->args);
}

enum {
	OPT_ANSWERS = 0x100,
	OPT_DISK,
	OPT_MACHINE,
	OPT_REPO,
	OPT_REPO_GPGKEY,
	OPT_REPO_GPGKEY_FPR,
	OPT_ROOT,
	OPT_LOG,
	OPT_PROGRESS,
	OPT_FIRMWARE,
	OPT_JSON,
	OPT_DRY_RUN,
	OPT_YES,
	OPT_STRICT,
	OPT_FORCE,
	OPT_TO,
	OPT_SAVE_ANSWERS,
	OPT_STOP_AFTER,
	OPT_START_AT,
	OPT_NVRAM_ENTRY,
	OPT_HELP,
	OPT_VERSION,
};

static int parse_options(int argc, char **argv, options *o)
{
	static const struct option longopts[] = {
		{"answers", required_argument, NULL, OPT_ANSWERS},
		{"disk", required_argument, NULL, OPT_DISK},
		{"machine", required_argument, NULL, OPT_MACHINE},
		{"repo", required_argument, NULL, OPT_REPO},
		{"repo-gpgkey", required_argument, NULL, OPT_REPO_GPGKEY},
		{"repo-gpgkey-fingerprint", required_argument, NULL, OPT_REPO_GPGKEY_FPR},
		{"root", required_argument, NULL, OPT_ROOT},
		{"log", required_argument, NULL, OPT_LOG},
		{"progress", required_argument, NULL, OPT_PROGRESS},
		{"firmware", required_argument, NULL, OPT_FIRMWARE},
		{"json", no_argument, NULL, OPT_JSON},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"yes", no_argument, NULL, OPT_YES},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"force", no_argument, NULL, OPT_FORCE},
		{"to", required_argument, NULL, OPT_TO},
		{"save-answers", required_argument, NULL, OPT_SAVE_ANSWERS},
		{"nvram-entry", no_argument, NULL, OPT_NVRAM_ENTRY},
		/* Testing aid, not in --help: docs/storage.md. */
		{"stop-after", required_argument, NULL, OPT_STOP_AFTER},
		{"start-at", required_argument, NULL, OPT_START_AT},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{},
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ANSWERS:
			o->answers = optarg;
			break;
		case OPT_DISK:
			strv_push(&o->disks, xstrdup(optarg));
			break;
		case OPT_MACHINE:
			o->machine = optarg;
			break;
		case OPT_REPO:
			strv_push(&o->repos, xstrdup(optarg));
			break;
		case OPT_REPO_GPGKEY:
			o->repo_gpgkey = optarg;
			break;
		case OPT_REPO_GPGKEY_FPR:
			o->repo_gpgkey_fpr = optarg;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_LOG:
			o->log = optarg;
			break;
		case OPT_PROGRESS:
			if (strcmp(optarg, "tui") && strcmp(optarg, "text") &&
			    strcmp(optarg, "json")) {
				fprintf(stderr,
					_("azl-installer: --progress takes tui, text or json, not '%s'\n"),
					optarg);
				return -EINVAL;
			}
			o->progress = optarg;
			break;
		case OPT_FIRMWARE:
			if (firmware_from_string(optarg, &o->firmware) < 0 ||
			    o->firmware == AZL_FIRMWARE_AUTO) {
				fprintf(stderr,
					_("azl-installer: --firmware takes bios or uefi, not '%s'\n"),
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_YES:
			o->yes = true;
			break;
		case OPT_SAVE_ANSWERS:
			o->save_answers = optarg;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_NVRAM_ENTRY:
			o->nvram_entry = true;
			break;
		case OPT_START_AT:
			if (phase_from_name(optarg) != AZL_PHASE_CONFIGURE) {
				fprintf(stderr,
					_("azl-installer: --start-at takes configure, not '%s'\n"),
					optarg);
				return -EINVAL;
			}
			o->start_at = AZL_PHASE_CONFIGURE;
			break;
		case OPT_STOP_AFTER:
			if (strcmp(optarg, "depsolve") == 0) {
				o->solve_only = true;
				break;
			}
			o->stop_after = phase_from_name(optarg);
			if (o->stop_after != AZL_PHASE_STORAGE &&
			    o->stop_after != AZL_PHASE_IMAGE &&
			    o->stop_after != AZL_PHASE_PACKAGES) {
				fprintf(stderr,
					_("azl-installer: --stop-after takes storage, depsolve, image or packages, not '%s'\n"),
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_TO:
			if (strcmp(optarg, "yaml") && strcmp(optarg, "kickstart")) {
				fprintf(stderr,
					_("azl-installer: --to takes yaml or kickstart, not '%s'\n"),
					optarg);
				return -EINVAL;
			}
			o->to = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_HELP:
		case 'h':
			usage(stdout);
			return 1;
		case OPT_VERSION:
			return 2;
		default:
			if (optopt)
				fprintf(stderr,
					_("azl-installer: option '%s' needs a value or is unknown\n"),
					argv[optind - 1]);
			else
				fprintf(stderr, _("azl-installer: unknown option '%s'\n"),
					argv[optind - 1]);
			usage(stderr);
			return -EINVAL;
		}
	}
	for (int i = optind; i < argc; i++)
		strv_push(&o->args, xstrdup(argv[i]));
	if (o->repo_gpgkey_fpr && !o->repo_gpgkey) {
		fputs(_("azl-installer: --repo-gpgkey-fingerprint is the fingerprint of the key --repo-gpgkey names; give both\n"),
		      stderr);
		return -EINVAL;
	}
	if (o->repo_gpgkey) {
		if (!o->repos) {
			fputs(_("azl-installer: --repo-gpgkey needs --repo\n"), stderr);
			return -EINVAL;
		}
		/* A preset brings its own pinned key: --repo-gpgkey is for
		 * the other --repo values, and there must be one. */
		bool keyed = false;
		for (size_t i = 0; o->repos[i]; i++)
			keyed = keyed || !repo_preset_find(o->repos[i]);
		if (!keyed) {
			fprintf(stderr,
				_("azl-installer: --repo '%s' is a repository preset with its own pinned key; --repo-gpgkey is for the other --repo repositories, and there is none\n"),
				o->repos[0]);
			return -EINVAL;
		}
		char *fpr = fingerprint_normalize(o->repo_gpgkey_fpr);
		if (o->repo_gpgkey_fpr && !fpr) {
			fprintf(stderr,
				_("azl-installer: '%s' is not a full OpenPGP fingerprint (40 or 64 hex digits, as 'gpg --show-keys --with-fingerprint KEYFILE' prints it)\n"),
				o->repo_gpgkey_fpr);
			return -EINVAL;
		}
		o->repo_gpgkey_fpr_canon = fpr;
	}
	return 0;
}

static int cmd_validate(options *o)
{
	size_t n = strv_length(o->args);
	if (n != 1 && !(n == 0 && o->answers)) {
		fputs(_("azl-installer: validate takes one answer file\n"), stderr);
		return AZL_EXIT_INVALID;
	}
	const char *file = n ? o->args[0] : o->answers;
	_cleanup_model_ azl_model *m = NULL;
	azl_model_overrides mov = {o->disks, o->firmware};
	int r = load_answers(file, o->strict, &mov, &m);
	if (r != AZL_EXIT_OK)
		return r;
	/* With a machine description, the storage part is checked too. */
	if (o->machine) {
		_cleanup_machine_ azl_machine *machine = NULL;
		r = load_machine(o->machine, NULL, &machine);
		if (r != AZL_EXIT_OK)
			return r;
		azl_plan_overrides ov = {.disks = o->disks, .firmware = o->firmware};
		_cleanup_plan_ azl_plan *p = NULL;
		azl_plan_error err = {0};
		if (plan_build(m, machine, &ov, &p, &err) < 0) {
			fprintf(stderr, "%s: %s\n", file, err.message);
			int code = install_plan_exit_code(&err);
			plan_error_done(&err);
			return code;
		}
	}
	return AZL_EXIT_OK;
}

static int cmd_plan(options *o)
{
	if (!o->answers && strv_length(o->args) == 1)
		o->answers = o->args[0];
	if (!o->answers) {
		fputs(_("azl-installer: plan needs --answers FILE\n"), stderr);
		return AZL_EXIT_INVALID;
	}
	_cleanup_model_ azl_model *m = NULL;
	azl_model_overrides mov = {o->disks, o->firmware};
	int r = load_answers(o->answers, o->strict, &mov, &m);
	if (r != AZL_EXIT_OK)
		return r;
	_cleanup_machine_ azl_machine *machine = NULL;
	r = load_machine(o->machine, o->disks, &machine);
	if (r != AZL_EXIT_OK)
		return r;
	azl_plan_overrides ov = {.disks = o->disks, .firmware = o->firmware};
	_cleanup_plan_ azl_plan *p = NULL;
	azl_plan_error err = {0};
	if (plan_build(m, machine, &ov, &p, &err) < 0) {
		fprintf(stderr, "azl-installer: %s\n", err.message);
		int code = install_plan_exit_code(&err);
		plan_error_done(&err);
		return code;
	}
	_cleanup_free_ char *out = o->json ? plan_to_json(p) : plan_to_text(p);
	fputs(out, stdout);
	return AZL_EXIT_OK;
}

/* Writes text to -o FILE or stdout. The answer file may hold password
 * hashes: 0600, like Anaconda's anaconda-ks.cfg. */
static int write_output(const char *path, const char *text)
{
	if (!path || strcmp(path, "-") == 0) {
		fputs(text, stdout);
		return AZL_EXIT_OK;
	}
	int r = write_file_output(path, text, strlen(text), 0600);
	if (r == -ENOTSUP) {
		fprintf(stderr,
			_("azl-installer: '%s' is neither a file, a character device nor a FIFO; name a file for -o\n"),
			path);
		return AZL_EXIT_MACHINE;
	}
	if (r < 0) {
		fprintf(stderr, _("azl-installer: cannot write '%s': %s\n"), path, strerror(-r));
		return AZL_EXIT_MACHINE;
	}
	return AZL_EXIT_OK;
}

static int cmd_convert(options *o)
{
	if (strv_length(o->args) != 1) {
		fputs(_("azl-installer: convert takes one kickstart or answer file\n"), stderr);
		return AZL_EXIT_INVALID;
	}
	_cleanup_model_ azl_model *m = NULL;
	int r = load_answers_ex(o->args[0], o->strict, o->force, NULL, &m);
	if (r != AZL_EXIT_OK)
		return r;
	_cleanup_free_ char *out = NULL;
	if (o->to && strcmp(o->to, "kickstart") == 0)
		out = kickstart_write(m);
	else {
		int err = 0;
		out = answers_write(m, &err);
		if (!out) {
			fprintf(stderr, _("azl-installer: cannot write the answer file: %s\n"),
				strerror(-err));
			return AZL_EXIT_MACHINE;
		}
	}
	return write_output(o->output, out);
}

/* Anaconda runs %pre, then reads the kickstart again, so that a %include
 * can name a file %pre writes (a disk layout chosen on the machine). For
 * a kickstart file whose %include names a file that does not exist yet,
 * the %pre scripts run here, before it is read; *ran tells whether they
 * did (they are not run again). Returns an exit code. */
static int kickstart_pre_first(const char *path, bool dry_run, bool *ran)
{
	*ran = false;
	/* A regular file only: a FIFO or a device can be read once, by the
	 * real read. */
	struct stat st;
	if (fetch_is_url(path) || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return AZL_EXIT_OK;
	azl_scripts pre = {0};
	bool deferred = false;
	if (kickstart_pre_scripts(path, &pre, &deferred) < 0 || !deferred || pre.n_pre == 0) {
		scripts_done(&pre);
		return AZL_EXIT_OK; /* the real read reports */
	}
	/* A dry run touches nothing (DESIGN.md), and a %pre script may
	 * write anywhere (partition a disk, say): the kickstart is read as
	 * it is now, and says so. */
	if (dry_run) {
		scripts_done(&pre);
		fprintf(stderr,
			_("azl-installer: '%s' includes a file that does not exist yet or reuses a partition (--onpart), which its %%pre scripts may make; --dry-run runs no script, so it is read as it is now\n"),
			path);
		return AZL_EXIT_OK;
	}
	/* install_run() refuses an install that is not root: before any
	 * script ran, not after. */
	if (geteuid() != 0) {
		scripts_done(&pre);
		fprintf(stderr, "azl-installer: %s\n",
			_("installing needs root; run it as root or use 'azl-installer plan' to see what it would do"));
		return AZL_EXIT_MACHINE;
	}
	_cleanup_model_ azl_model *pm = model_new();
	pm->scripts = pre;
	azl_diags d;
	diags_init(&d);
	int r = model_validate(pm, &d, NULL);
	diags_print(&d, stderr);
	diags_done(&d);
	if (r < 0)
		return AZL_EXIT_INVALID;
	fprintf(stderr,
		_("azl-installer: '%s' includes a file that does not exist yet or reuses a partition (--onpart): running its %%pre scripts first, then reading it again and looking at the disks (as Anaconda does)\n"),
		path);
	r = scripts_run(pm, AZL_SCRIPT_PRE, NULL);
	if (r < 0) {
		fprintf(stderr,
			_("azl-installer: a %%pre script of '%s' failed; nothing was written to a disk\n"),
			path);
		return r == -EINTR ? AZL_EXIT_INTERRUPTED : AZL_EXIT_FAILED;
	}
	*ran = true;
	return AZL_EXIT_OK;
}

static int cmd_install(options *o)
{
	if (strv_length(o->args) > 0) {
		fprintf(stderr,
			_("azl-installer: install takes no argument '%s'; use --answers FILE\n"),
			o->args[0]);
		return AZL_EXIT_INVALID;
	}
	/* Fleet hooks (docs/pxe.md): azl.report= and inst.syslog= of the
	 * kernel command line, for a real install only. */
	bool real = !o->dry_run && (o->yes || o->root);
	_cleanup_free_ char *cmdline = NULL;
	if (real && cmdline_read(&cmdline, NULL) < 0)
		cmdline = NULL;
	if (real)
		remote_log_from_cmdline(cmdline);
	_cleanup_model_ azl_model *m = NULL;
	if (o->answers) {
		azl_model_overrides mov = {o->disks, o->firmware};
		bool pre_ran = false;
		int r = kickstart_pre_first(o->answers, o->dry_run, &pre_ran);
		if (r == AZL_EXIT_OK)
			r = load_answers(o->answers, o->strict, &mov, &m);
		if (r != AZL_EXIT_OK) {
			/* The engine hears of an answer file it cannot use
			 * when the kernel command line names a webhook. */
			_cleanup_reporter_ azl_reporter *rep =
				real ? reporter_new(NULL, cmdline) : NULL;
			reporter_begin(rep);
			reporter_end(rep, r, false, NULL, -EINVAL,
				     _("the answer file could not be used; the console says why"));
			remote_log_close();
			return r;
		}
		/* The kickstart's logging --host (or the answer file's
		 * logging:), unless the kernel command line named a server. */
		if (real)
			install_open_answers_syslog(m);
		if (pre_ran) {
			for (size_t i = 0; i < m->scripts.n_pre; i++)
				script_done(&m->scripts.pre[i]);
			free(m->scripts.pre);
			m->scripts.pre = NULL;
			m->scripts.n_pre = 0;
		}
	} else
		m = model_new();

	azl_run_ctx ctx = {0};
	const char *mode = o->progress ? o->progress : "text";
	if (strcmp(mode, "json") == 0)
		run_ctx_add_sink(&ctx, progress_sink_json, stdout);
	else
		run_ctx_add_sink(&ctx, progress_sink_text, stdout);

	azl_install_opts io = {
		.disks = o->disks,
		.repos = {o->repos, o->repo_gpgkey, o->repo_gpgkey_fpr_canon},
		.root_dir = o->root,
		.firmware = o->firmware,
		.log_file = o->log,
		.yes = o->yes,
		.dry_run = o->dry_run,
		.stop_after = o->stop_after,
		.solve_only = o->solve_only,
		.start_at = o->start_at,
		.nvram_entry = o->nvram_entry,
		.out = stdout,
	};
	azl_reporter *rep = real ? reporter_new(&m->reporting, cmdline) : NULL;
	if (rep) {
		run_ctx_add_sink(&ctx, reporter_sink, rep);
		reporter_begin(rep);
	}
	azl_install_result res;
	int code = install_run(m, &io, &ctx, &res);
	install_result_print(&res, stderr);
	fflush(stdout);
	/* Sent, or given up on within REPORT_FLUSH_MS, before a reboot. */
	reporter_end(rep, code, res.stopped,
		     res.phase != AZL_PHASE_NONE ? phase_name(res.phase) : NULL, res.error,
		     res.message);
	reporter_free(rep);
	remote_log_close();
	/* Only after the verdict was shown: reboot, poweroff or shell. */
	install_finish(&res, stdout, stderr);
	install_result_done(&res);
	return code;
}

static int cmd_probe(options *o)
{
	_cleanup_machine_ azl_machine *machine = NULL;
	int r = load_machine(o->machine, o->args, &machine);
	if (r != AZL_EXIT_OK)
		return r;
	_cleanup_free_ char *out = o->json ? machine_to_json(machine) : machine_to_text(machine);
	fputs(out, stdout);
	return AZL_EXIT_OK;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* AZL_LOCALEDIR: catalogs of a build tree (tests, development). */
	const char *localedir = getenv("AZL_LOCALEDIR");
	bindtextdomain(GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
	textdomain(GETTEXT_PACKAGE);

	/* Answer files, kickstarts and the TUI bring passwords and
	 * passphrases into memory: no core dump may carry them off. */
	if (secret_protect_process() < 0)
		fputs(_("azl-installer: warning: core dumps could not be turned off\n"), stderr);

	const char *cmd = NULL;
	int first = 1;
	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		first = 2;
	}
	options o = {0};
	/* getopt sees the command's own arguments only. */
	char **sub = argv + first - 1;
	int subc = argc - first + 1;
	int r = parse_options(subc, sub, &o);
	if (r == 1 || r == 2) {
		options_done(&o);
		return r == 2 ? version() : AZL_EXIT_OK;
	}
	if (r < 0) {
		options_done(&o);
		return AZL_EXIT_INVALID;
	}

	int code;
	if (!cmd || strcmp(cmd, "tui") == 0) {
		azl_tui_opts to = {
			.answers = o.answers,
			.save_answers = o.save_answers,
			.disks = o.disks,
			.repos = o.repos,
			.repo_gpgkey = o.repo_gpgkey,
			.repo_gpgkey_fpr = o.repo_gpgkey_fpr_canon,
			.firmware = o.firmware,
			.machine = o.machine,
			.log_file = o.log,
			.live = install_running_live(),
		};
		/* inst.syslog= in the live environment, as for install. */
		_cleanup_free_ char *cmdline = NULL;
		if (to.live && cmdline_read(&cmdline, NULL) >= 0)
			remote_log_from_cmdline(cmdline);
		code = tui_run(&to);
		remote_log_close();
	} else if (strcmp(cmd, "validate") == 0)
		code = cmd_validate(&o);
	else if (strcmp(cmd, "plan") == 0)
		code = cmd_plan(&o);
	else if (strcmp(cmd, "probe") == 0)
		code = cmd_probe(&o);
	else if (strcmp(cmd, "install") == 0)
		code = cmd_install(&o);
	else if (strcmp(cmd, "convert") == 0)
		code = cmd_convert(&o);
	else {
		fprintf(stderr, _("azl-installer: unknown command '%s'\n"), cmd);
		usage(stderr);
		code = AZL_EXIT_INVALID;
	}
	options_done(&o);
	return code;
}
