/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "install.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "apply-bootloader.h"
#include "apply-packages.h"
#include "apply-storage.h"
#include "apply-system.h"
#include "cmdline.h"
#include "initramfs-check.h"
#include "exit-codes.h"
#include "fetch.h"
#include "i18n.h"
#include "image-payload.h"
#include "interrupt.h"
#include "log.h"
#include "luks-enroll.h"
#include "machine-probe.h"
#include "machine.h"
#include "netconf-match.h"
#include "netconf.h"
#include "progress.h"
#include "remote-log.h"
#include "rpm-install.h"
#include "run.h"
#include "spawn.h"
#include "tang.h"
#include "target.h"

#define DEFAULT_TARGET "/run/azl-installer/target"

/* Whether the running kernel mounts fs, from /proc/filesystems (the live
 * environment loads vfat at boot). */
static bool kernel_has_fs(const char *fs)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_bounded("/proc/filesystems", 65536, &text, NULL) < 0)
		return true;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *name = strrchr(l, '\t');
		if (strcmp(name ? name + 1 : l, fs) == 0)
			return true;
	}
	return false;
}

static int mkdir_parents(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The end of every successful install: the answer file that reproduces
 * it (hashes only, 0600) and the log, inside the target. */
static int write_finish_files(const azl_model *m, const azl_target *t)
{
	int err = 0;
	_cleanup_free_ char *yaml = answers_write(m, &err);
	if (!yaml)
		return log_error_errno(err, "cannot serialise the answer file");
	int r = target_mkdir_p(t, "root", 0550);
	if (r < 0)
		return log_error_errno(r, "cannot create /root in the target");
	r = target_write_file(t, "root/azl-installer-answers.yaml", yaml, strlen(yaml), 0600, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot write /root/azl-installer-answers.yaml");
	r = target_mkdir_p(t, "var/log/azl-installer", 0700);
	if (r < 0)
		return log_error_errno(r, "cannot create /var/log/azl-installer");
	log_info("install finished; copying this log into the target");
	_cleanup_free_ char *text = log_contents();
	r = target_write_file(t, "var/log/azl-installer/install.log", text, strlen(text), 0600, 0,
			      0);
	if (r < 0)
		return log_error_errno(r, "cannot copy the install log");
	return 0;
}

/* Everything one install carries from phase to phase. */
typedef struct run_job {
	const azl_model *m;
	const azl_install_opts *o;
	azl_run_ctx *ctx;
	azl_install_result *res;
	const azl_plan *plan; /* NULL: --root, packages and configuration */
	const char *target_dir;
	azl_storage_state *st;
	azl_target t;
	char **extra; /* packages the plan (or --root) adds itself */
	bool refused; /* a disk was in use; nothing was written */
	bool checked; /* check_packages() solved the request beforehand */
	struct timespec t0;
} run_job;

void install_result_done(azl_install_result *r)
{
	free(r->message);
	r->message = NULL;
}

/* Adds a line for people to the result. */
static _printf_(2, 3) void say(azl_install_result *res, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *line = xvasprintf(fmt, ap);
	va_end(ap);
	char *m = res->message ? xasprintf("%s\n%s", res->message, line) : xstrdup(line);
	free(res->message);
	res->message = m;
}

/* A refusal before the first phase: the message and the exit code. */
static _printf_(3, 4) int refuse(azl_install_result *res, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *line = xvasprintf(fmt, ap);
	va_end(ap);
	say(res, "%s", line);
	res->exit_code = code;
	return code;
}

static bool is_interrupt(const run_job *j, int r)
{
	return r == -EINTR || run_cancelled(j->ctx);
}

/* Records the first failure: its phase, its error and the message for
 * people, written now, before the error scripts and the teardown log
 * errors of their own. */
static int phase_result(run_job *j, azl_phase phase, int r)
{
	azl_install_result *res = j->res;
	if (r >= 0 && run_cancelled(j->ctx)) {
		/* The step was done when the request came: the log says why
		 * the install stops here. */
		if (res->error >= 0)
			log_warning("interrupted: the install stops after step '%s'",
				    phase_name(phase));
		r = -EINTR;
	}
	if (r >= 0 || res->error < 0)
		return r;
	res->phase = phase;
	res->error = r;
	res->interrupted = is_interrupt(j, r);
	const char *why = log_last_error();
	free(res->message);
	res->message = NULL;
	if (res->interrupted)
		say(res, _("interrupted during %s; everything was unmounted and closed"),
		    phase_name(phase));
	else if (j->refused)
		say(res, "%s", why ? why : "");
	else
		say(res, _("the install failed in step '%s': %s"), phase_name(phase),
		    why ? why : strerror(-r));
	return r;
}

static int finish_code(const run_job *j)
{
	const azl_install_result *s = j->res;
	if (s->error >= 0)
		return AZL_EXIT_OK;
	if (s->interrupted || run_cancelled(j->ctx))
		return AZL_EXIT_INTERRUPTED;
	if (j->refused)
		return AZL_EXIT_MACHINE;
	/* Only when nothing was written: after check_packages() the same
	 * failure means the repositories changed part-way (exit 3). */
	bool refusal = s->phase == AZL_PHASE_PACKAGES && !j->checked;
	/* A package no repository has, a request that cannot be solved: the
	 * answer file's fault. */
	if (refusal && (s->error == -ENOENT || s->error == -EPROTO))
		return AZL_EXIT_INVALID;
	/* No service in the repositories to read the network configuration:
	 * refused before a package was installed. */
	if (refusal && s->error == -ENOPKG)
		return AZL_EXIT_MACHINE;
	return AZL_EXIT_FAILED;
}

/* match: {link|bootif} are facts of this machine: an interface that
 * cannot be found refuses the install before anything is written. */
static int check_network_matches(const azl_model *m, azl_install_result *res)
{
	azl_resolved_network res_net = {0};
	if (netconf_resolve_matches(&m->network, &res_net) < 0) {
		const char *why = log_last_error();
		return refuse(
			res, AZL_EXIT_MACHINE,
			_("the network section names an interface this machine does not have: %s"),
			why ? why : "");
	}
	resolved_network_done(&res_net);
	return AZL_EXIT_OK;
}

/* DESIGN.md, Trust: every repository that is to be checked has a key the
 * operator pinned, and a key fetched by URL matches its fingerprint;
 * otherwise the install is refused before anything is written. */
static int check_repo_keys(const azl_model *m, const azl_install_opts *o, azl_install_result *res)
{
	int r = packages_check_keys(m, &o->repos);
	if (r >= 0)
		return AZL_EXIT_OK;
	const char *why = log_last_error();
	return refuse(res, AZL_EXIT_MACHINE, _("%s; nothing was written"),
		      why ? why : strerror(-r));
}

/* bootloader.secure_boot against the boot chain the solve picked, before
 * anything is written (docs/secure-boot.md): required refuses a chain
 * that is not signed throughout (exit 2), auto warns, off is silent. A
 * stage counts as signed when its package provides "secure-boot(signed)"
 * in the repository's metadata. plan: NULL (--root, BIOS) checks nothing. */
static int check_secure_boot(azl_install_result *res, const azl_plan *plan, const azl_boot_chain *c)
{
	if (!plan || plan->firmware != AZL_FIRMWARE_UEFI)
		return AZL_EXIT_OK;
	_cleanup_free_ char *desc = boot_chain_describe(c);
	bool ok = boot_chain_signed(c);
	log_info("UEFI boot chain: %s; Secure Boot %s, bootloader.secure_boot %s", desc,
		 ok ? "ready" : "NOT ready", secure_boot_to_string(plan->secure_boot));
	if (ok || plan->secure_boot == AZL_SECURE_BOOT_OFF)
		return AZL_EXIT_OK;
	if (plan->secure_boot == AZL_SECURE_BOOT_AUTO) {
		log_warning(
			"the repository's boot chain is not signed throughout (%s): the installed system will not boot with Secure Boot on; turn it off in the firmware or use a repository with a signed chain",
			desc);
		return AZL_EXIT_OK;
	}
	log_error(
		"bootloader.secure_boot is required and the boot chain is not signed throughout: %s",
		desc);
	return refuse(
		res, AZL_EXIT_MACHINE,
		_("bootloader.secure_boot is 'required', but the repository's boot chain is not signed throughout: %s; use a repository whose shim, GRUB and kernel packages are signed (docs/secure-boot.md) or set secure_boot: auto; nothing was written"),
		desc);
}

/* The packages phase's solve, done before anything is written (the
 * packages phase comes after storage has wiped the disks): a package no
 * repository has or a request that cannot be solved is the answer file's
 * (exit 1), a package the plan adds itself that the repositories lack, a
 * network nothing would read, a repository that cannot be read are the
 * machine's (exit 2). root: NULL for the empty disks. */
static int check_packages(run_job *j, const char *root)
{
	_cleanup_strv_free_ char **own = NULL;
	azl_boot_chain chain = {0};
	int r = packages_check(j->m, &j->o->repos, j->extra, root, &own, &chain);
	if (r >= 0) {
		int code = check_secure_boot(j->res, j->plan, &chain);
		boot_chain_done(&chain);
		return code;
	}
	boot_chain_done(&chain);
	if (is_interrupt(j, r)) {
		j->res->interrupted = true;
		return refuse(j->res, AZL_EXIT_INTERRUPTED, _("interrupted; nothing was written"));
	}
	if (own) {
		_cleanup_free_ char *names = xstrdup(own[0]);
		for (size_t i = 1; own[i]; i++) {
			char *n = xasprintf("%s', '%s", names, own[i]);
			free(names);
			names = n;
		}
		log_error("the repositories lack '%s', which this plan adds itself", names);
		return refuse(
			j->res, AZL_EXIT_MACHINE,
			_("this plan needs '%s', which no repository has; add a repository that has it; nothing was written"),
			names);
	}
	const char *why = log_last_error();
	return refuse(j->res, r == -ENOENT || r == -EPROTO ? AZL_EXIT_INVALID : AZL_EXIT_MACHINE,
		      _("%s; nothing was written"), why ? why : strerror(-r));
}

/* An https image server whose certificate is not trusted is refused
 * before anything is written (no retry or later phase changes that).
 * Other failures (the image is not there, the server is down) are the
 * image phase's, which reports them and runs the error scripts. */
static int check_image_server(run_job *j)
{
	const azl_image *im = &j->m->packages.image;
	if (!im->url || strncasecmp(im->url, "https://", 8) != 0)
		return AZL_EXIT_OK;
	/* A ca_cert that cannot be read would reach curl as "bad CA file",
	 * which reads as the server's fault. */
	if (im->ca_cert && access(im->ca_cert, R_OK) < 0) {
		int e = errno;
		log_error("cannot read ca_cert '%s': %s", im->ca_cert, strerror(e));
		return refuse(j->res, AZL_EXIT_MACHINE,
			      _("cannot read the 'ca_cert' file '%s' (%s); nothing was written"),
			      im->ca_cert, strerror(e));
	}
	_cleanup_free_ char *why = NULL;
	int r = fetch_check(im->url, im->ca_cert, &why);
	if (r == -EKEYREJECTED) {
		log_error("%s", why);
		return refuse(
			j->res, AZL_EXIT_MACHINE,
			_("%s; the certificate must name the URL's host and be signed by a CA named in 'ca_cert' (answer file) or in the live system's trust store; nothing was written"),
			why);
	}
	if (is_interrupt(j, r)) {
		j->res->interrupted = true;
		return refuse(j->res, AZL_EXIT_INTERRUPTED, _("interrupted; nothing was written"));
	}
	if (r < 0)
		log_warning("%s; the image phase tries again", why);
	return AZL_EXIT_OK;
}

/* --- the phases ------------------------------------------------------- */

typedef int (*phase_runner)(run_job *j);

static int run_pre(run_job *j)
{
	return scripts_run(j->m, AZL_SCRIPT_PRE, NULL);
}

static int recovery_key_file_problem(const azl_model *m, char **ret_why);
static int tang_problem(const azl_model *m, char **ret_why);

static int run_storage(run_job *j)
{
	if (j->m->scripts.n_pre > 0) {
		_cleanup_free_ char *why = NULL;
		int k = recovery_key_file_problem(j->m, &why);
		if (k < 0) {
			log_error("%s", why);
			return k;
		}
		if (j->m->storage.encryption.n_tang > 0 && (k = tang_problem(j->m, &why)) < 0) {
			if (why)
				log_error("%s", why);
			return k;
		}
	}
	int r = mkdir_parents(j->target_dir, 0700);
	if (r < 0)
		return log_error_errno(r, "cannot create '%s'", j->target_dir);
	r = storage_apply(j->ctx, j->plan, j->m, j->target_dir, &j->st);
	if (r < 0) {
		j->refused = storage_refused(j->st);
		return r;
	}
	r = target_open(j->target_dir, &j->t);
	if (r < 0)
		return log_error_errno(r, "cannot open the target");
	return 0;
}

static int run_image(run_job *j)
{
	return image_install(j->ctx, &j->m->packages.image, j->t.root);
}

/* The live environment and --nvram-entry: this machine boots the disk. */
static bool boots_here(const run_job *j)
{
	return install_running_live() || j->o->live || j->o->nvram_entry;
}

/* Firmware for the drivers of the machine that boots the disk
 * (docs/bare-metal.md): the files its loaded modules name that the target
 * lacks, from the repositories' packages that hold them, as Debian's
 * installer (hw-detect) does. Asked after the transaction: the target's
 * modinfo knows its kernel. A file that no repository has is a warning. */
static int install_firmware(run_job *j)
{
	_cleanup_free_ char *loaded = NULL;
	int r = firmware_boot_modules(storage_result(j->st)->boot_disk, boots_here(j), &loaded);
	if (r < 0) {
		log_warning(
			"firmware: cannot read the list of loaded drivers (%s): no firmware chosen",
			strerror(-r));
		return 0;
	}
	if (!loaded) {
		log_info(
			"firmware: the machine that boots the disk is not this one (a disk image): no firmware chosen for it");
		return 0;
	}
	_cleanup_strv_free_ char **files = NULL;
	if (firmware_missing(&j->t, loaded, &files) < 0 || !files)
		return 0;
	log_info(
		"firmware: installing the packages that hold the %zu files the loaded drivers name (a file in no repository is only warned about)",
		strv_length(files));
	progress_phase(AZL_PHASE_PACKAGES, 95,
		       _("Installing the firmware this machine's drivers need"));
	/* Each file as it is, or compressed (.xz, .zst: Fedora's
	 * linux-firmware): a glob over the repositories' file lists. */
	_cleanup_strv_free_ char **specs = NULL;
	for (size_t i = 0; files[i]; i++)
		strv_push(&specs, xasprintf("%s*", files[i]));
	azl_model m = *j->m;
	m.packages.install = specs;
	m.packages.ignore_missing = true;
	/* Firmware is a help, not part of what was asked for: the system
	 * installed so far stands when this transaction fails (a mirror
	 * without file lists, a conflict); an interrupt still stops. */
	r = packages_apply(j->ctx, &m, &j->o->repos, NULL, j->t.root);
	if (r < 0 && r != -EINTR) {
		log_warning(
			"firmware: the packages holding the firmware could not be installed (%s); the system is installed without them",
			strerror(-r));
		return 0;
	}
	return r;
}

static int run_packages(run_job *j)
{
	int r = packages_apply(j->ctx, j->m, &j->o->repos, j->extra, j->t.root);
	return r < 0 || !j->plan ? r : install_firmware(j);
}

static int run_configure(run_job *j)
{
	int r = system_apply(j->m, &j->t, j->plan ? storage_result(j->st) : NULL);
	/* After the packages (the target's systemd-cryptenroll and libtss2),
	 * before the boot loader phase builds the initramfs. */
	if (r >= 0 && j->plan)
		r = luks_enroll_apply(j->m, &j->t, storage_result(j->st));
	return r;
}

static int run_bootloader(run_job *j)
{
	return bootloader_apply(j->m, j->plan, &j->t, storage_result(j->st), boots_here(j));
}

static int run_post(run_job *j)
{
	return scripts_run(j->m, AZL_SCRIPT_POST, j->t.root);
}

static int run_finish(run_job *j)
{
	return write_finish_files(j->m, &j->t);
}

/* The runners of phase.h's table, in its order; disk: only when there are
 * disks (not for --root). */
static const struct {
	phase_runner run;
	bool disk;
} runners[AZL_PHASE__COUNT] = {
	[AZL_PHASE_PRE] = {run_pre, false},
	[AZL_PHASE_STORAGE] = {run_storage, true},
	[AZL_PHASE_IMAGE] = {run_image, false},
	[AZL_PHASE_PACKAGES] = {run_packages, false},
	[AZL_PHASE_CONFIGURE] = {run_configure, false},
	[AZL_PHASE_BOOTLOADER] = {run_bootloader, true},
	[AZL_PHASE_POST] = {run_post, false},
	[AZL_PHASE_FINISH] = {run_finish, false},
	[AZL_PHASE_ERROR] = {NULL, false}, /* only after a failure */
};

/* The one loop: every phase from start (AZL_PHASE_NONE: the first) to the
 * end or o->stop_after; the first failure ends it. */
static void run_phases(run_job *j, azl_phase start)
{
	/* An image payload or packages, never both: --stop-after image or
	 * packages stops after the payload this install has (else the
	 * phase it names never runs and the install would go to the end). */
	bool image = j->m->packages.image.url != NULL;
	azl_phase stop = j->o->stop_after;
	if (stop == AZL_PHASE_IMAGE || stop == AZL_PHASE_PACKAGES)
		stop = image ? AZL_PHASE_IMAGE : AZL_PHASE_PACKAGES;
	for (int p = start == AZL_PHASE_NONE ? AZL_PHASE_PRE : (int)start; p < AZL_PHASE__COUNT;
	     p++) {
		if (!runners[p].run || (runners[p].disk && !j->plan))
			continue;
		if ((p == AZL_PHASE_IMAGE && !image) || (p == AZL_PHASE_PACKAGES && image))
			continue;
		progress_phase_start(p);
		int r = phase_result(j, p, runners[p].run(j));
		progress_phase_finish(p, r < 0 ? r : 0, r < 0 ? j->res->message : NULL);
		if (r < 0)
			return;
		if (p == (int)stop) {
			log_info("stopping after %s (--stop-after %s)", phase_name(p),
				 phase_name(p));
			j->res->stopped = true;
			j->res->phase = p;
			return;
		}
	}
}

/* After a failure: the error scripts (inside the target when there is
 * one), whose own failures never replace the first. */
static void run_error_scripts(run_job *j)
{
	if (j->res->error < 0)
		scripts_run(j->m, AZL_SCRIPT_ERROR, j->t.root);
}

/* --root DIR: packages and configuration into a directory, no disks. */
static int install_into_dir(run_job *j)
{
	const azl_model *m = j->m;
	const azl_install_opts *o = j->o;
	azl_install_result *res = j->res;
	/* No plan here, but the same network service a disk install adds. */
	char *net_pkg[] = {(char *)plan_network_package(m), NULL};
	j->extra = net_pkg;
	bool skip = o->start_at == AZL_PHASE_CONFIGURE;
	if (!o->solve_only && !skip) {
		int code = check_image_server(j);
		if (code != AZL_EXIT_OK)
			return code;
	}
	/* An image payload reads no repository. */
	if (!o->solve_only && !skip && !m->packages.image.url) {
		int code = check_repo_keys(m, o, res);
		if (code != AZL_EXIT_OK)
			return code;
		/* A root that exists may hold a symlink out of it where its
		 * rpmdb goes. */
		if (rpm_check_dbpath(o->root_dir, false) < 0) {
			const char *why = log_last_error();
			return refuse(res, AZL_EXIT_MACHINE, _("%s; nothing was written"),
				      why ? why : "");
		}
		/* Against the root as it is (what it has installed counts), or
		 * nothing when it does not exist yet. */
		code = check_packages(j, o->root_dir);
		if (code != AZL_EXIT_OK)
			return code;
		j->checked = true;
	}
	int r = mkdir_parents(o->root_dir, 0755);
	if (r < 0) {
		log_error_errno(r, "cannot create '%s'", o->root_dir);
		return refuse(res, AZL_EXIT_MACHINE, _("cannot create '%s': %s"), o->root_dir,
			      strerror(-r));
	}
	r = target_open(o->root_dir, &j->t);
	if (r < 0)
		return refuse(res, AZL_EXIT_MACHINE, _("cannot open '%s': %s"), o->root_dir,
			      strerror(-r));
	if (o->solve_only) {
		/* Testing and benchmark aid: the transaction, nothing written
		 * into the root. */
		_cleanup_strv_free_ char **nevras = NULL;
		if (phase_result(j, AZL_PHASE_PACKAGES,
				 packages_solve(m, &o->repos, net_pkg, j->t.root, &nevras)) >= 0)
			for (size_t i = 0; nevras && nevras[i]; i++)
				printf("%s\n", nevras[i]);
		target_close(&j->t);
		return finish_code(j);
	}
	int code = check_network_matches(m, res);
	if (code != AZL_EXIT_OK) {
		target_close(&j->t);
		return code;
	}
	if (skip)
		log_info("starting at configure (--start-at configure)");
	run_phases(j, skip ? AZL_PHASE_CONFIGURE : AZL_PHASE_NONE);
	if (res->error < 0)
		/* As before: the error scripts of a directory install run
		 * outside it. */
		scripts_run(m, AZL_SCRIPT_ERROR, NULL);
	else if (res->stopped)
		progress_phase(AZL_PHASE_FINISH, 100, _("Stopped after %s, as asked (%s)"),
			       phase_name(res->phase), j->t.root);
	else
		progress_phase(AZL_PHASE_FINISH, 100, _("Installed into %s"), j->t.root);
	target_close(&j->t);
	return finish_code(j);
}

/* A missing program is the machine's refusal (exit 2), found before
 * anything is written rather than part-way through. */
static int check_tools(const azl_plan *plan, azl_install_result *res)
{
	_cleanup_strv_free_ char **tools = plan_required_tools(plan);
	/* Without FAT in the kernel the ESP is written with mtools. */
	if (plan->firmware == AZL_FIRMWARE_UEFI && !kernel_has_fs("vfat")) {
		strv_push(&tools, xstrdup("mcopy"));
		strv_push(&tools, xstrdup("mmd"));
	}
	int code = AZL_EXIT_OK;
	if (plan->tpm2 && !luks_tpm2_present())
		code = refuse(
			res, AZL_EXIT_MACHINE,
			_("storage.encryption.tpm2 needs a TPM 2.0 in this machine, and the kernel shows none (/sys/class/tpmrm is empty): turn the TPM on in the firmware, or remove 'tpm2'; nothing was written"));
	for (size_t i = 0; tools && tools[i]; i++) {
		if (spawn_have_tool(tools[i]))
			continue;
		const char *pkg = tool_package(tools[i]);
		if (pkg)
			code = refuse(
				res, AZL_EXIT_MACHINE,
				_("this plan needs '%s', which is not in PATH (package %s); nothing was written"),
				tools[i], pkg);
		else
			code = refuse(
				res, AZL_EXIT_MACHINE,
				_("this plan needs '%s', which is not in PATH; nothing was written"),
				tools[i]);
	}
	return code;
}

/* storage.encryption.tpm2.recovery_key_file is written after the keys
 * are enrolled, late in the storage phase: a path that cannot take it
 * (an existing file, which is never replaced; a folder that does not
 * exist) is found before anything is written, not after the disks were
 * erased. Returns 0, or -errno with the reason for people in *ret_why. */
static int recovery_key_file_problem(const azl_model *m, char **ret_why)
{
	const azl_tpm2 *tp = &m->storage.encryption.tpm2;
	*ret_why = NULL;
	if (!tp->enabled || !tp->recovery_key_file)
		return 0;
	const char *f = tp->recovery_key_file;
	struct stat st;
	if (lstat(f, &st) == 0) {
		*ret_why = xasprintf(
			_("'recovery_key_file' '%s' exists already, and a recovery key never replaces a file: move it away or name another; nothing was written"),
			f);
		return -EEXIST;
	}
	_cleanup_free_ char *dir = xstrdup(f);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) < 0) {
		*ret_why = xasprintf(
			_("'recovery_key_file' '%s': the folder '%s' does not exist or cannot be written on this machine; nothing was written"),
			f, dir);
		return -ENOENT;
	}
	return 0;
}

/* Before the plan, for an install without %pre scripts (exit 2). With
 * them, run_storage() asks after they ran: a %pre may mount the stick
 * that is to receive the key. A dry run writes no key: not asked. */
static int check_recovery_key_file(const azl_model *m, const azl_install_opts *o,
				   azl_install_result *res)
{
	if (o->dry_run || !o->yes || m->scripts.n_pre > 0)
		return AZL_EXIT_OK;
	_cleanup_free_ char *why = NULL;
	if (recovery_key_file_problem(m, &why) < 0)
		return refuse(res, AZL_EXIT_MACHINE, "%s", why);
	return AZL_EXIT_OK;
}

/* storage.encryption.tang: each server's advertisement fetched now and
 * its signing keys checked against the pinned thumbprint, as clevis will
 * when it binds late in the install: a server this machine cannot reach
 * or that is not the pinned one is the machine's refusal (exit 2) before
 * anything is written, not a failure after the disks were erased.
 * Returns 0, or -errno with a line for each bad server in *ret_why. */
static int tang_problem(const azl_model *m, char **ret_why)
{
	const azl_encryption *e = &m->storage.encryption;
	azl_buf b = {0};
	int r = 0;
	*ret_why = NULL;
	for (size_t i = 0; i < e->n_tang; i++) {
		const azl_tang_server *s = &e->tang[i];
		_cleanup_free_ char *why = NULL;
		int k = tang_adv_check(s->url, s->thumbprint, &why);
		if (k == -EINTR)
			return k;
		if (k < 0) {
			buf_printf(&b, "%s%s; %s", b.len ? "\n" : "", why,
				   _("nothing was written"));
			if (r == 0)
				r = k;
		} else
			log_info(
				"tang: '%s' advertises a signing key with the pinned thumbprint %s",
				s->url, s->thumbprint);
	}
	*ret_why = b.len ? buf_steal(&b) : NULL;
	buf_free(&b);
	return r;
}

/* Before the plan, as for the recovery key file: with %pre scripts (which
 * may bring the network up) run_storage() asks after they ran. */
static int check_tang(const azl_model *m, const azl_install_opts *o, azl_install_result *res)
{
	if (o->dry_run || !o->yes || m->scripts.n_pre > 0 || m->storage.encryption.n_tang == 0)
		return AZL_EXIT_OK;
	_cleanup_free_ char *why = NULL;
	int r = tang_problem(m, &why);
	if (r == -EINTR)
		return refuse(res, AZL_EXIT_INTERRUPTED, _("interrupted; nothing was written"));
	if (r < 0)
		return refuse(res, AZL_EXIT_MACHINE, "%s", why);
	return AZL_EXIT_OK;
}

int install_plan_exit_code(const azl_plan_error *e)
{
	return e->kind == AZL_PLAN_ERROR_ANSWERS ? AZL_EXIT_INVALID : AZL_EXIT_MACHINE;
}

static int plan_for_install(const azl_model *m, const azl_install_opts *o, azl_install_result *res,
			    azl_plan **ret)
{
	_cleanup_machine_ azl_machine *machine = NULL;
	int r = machine_probe(o->disks, &machine);
	if (r < 0)
		return refuse(res, AZL_EXIT_MACHINE, _("probing disks failed: %s"), strerror(-r));
	if (machine->firmware == AZL_FIRMWARE_UEFI)
		log_info("this machine: UEFI, Secure Boot %s, setup mode %s",
			 machine->secure_boot ? "on" : "off", machine->setup_mode ? "on" : "off");
	azl_plan_overrides ov = {.disks = o->disks, .firmware = o->firmware};
	azl_plan_error err = {0};
	if (plan_build(m, machine, &ov, ret, &err) < 0) {
		int code = refuse(res, install_plan_exit_code(&err), "%s", err.message);
		plan_error_done(&err);
		return code;
	}
	return AZL_EXIT_OK;
}

void install_open_answers_syslog(const azl_model *m)
{
	if (!m->logging.host || remote_log_active())
		return;
	char port[8];
	snprintf(port, sizeof(port), "%d", m->logging.port ? m->logging.port : 514);
	int level = m->logging.level ? log_level_from_name(m->logging.level) : -1;
	remote_log_open(m->logging.host, port, level < 0 ? AZL_LOG_INFO : (azl_log_level)level,
			"the answer file");
}

bool install_running_live(void)
{
	return access("/run/azl-live", F_OK) == 0 || cmdline_flag("azl.live");
}

int install_finish(const azl_install_result *r, FILE *out, FILE *err)
{
	if (r->exit_code != AZL_EXIT_OK || r->stopped)
		return 0;
	const char *what = finish_to_string(r->finish);
	if (!r->finish_pending) {
		if (out && r->finish_note)
			fprintf(out,
				_("finish: %s would follow in the live environment; this is not one, so nothing else happens.\n"),
				what);
		return 0;
	}
	log_info("finish: %s", what);
	if (r->finish == AZL_FINISH_SHELL) {
		if (out)
			fputs(_("Installed. The live environment gives you a shell.\n"), out);
		return 0;
	}
	if (r->finish == AZL_FINISH_WAIT && !r->finish_confirmed) {
		/* Anaconda's "Installation complete. Press ENTER to quit";
		 * with nobody to press it the machine stays as it is, never
		 * rebooted into a PXE install again. */
		if (!isatty(STDIN_FILENO)) {
			if (out)
				fputs(_("Installed. finish: wait, and there is no terminal to wait on: the machine stays as it is; reboot it yourself.\n"),
				      out);
			return 0;
		}
		fputs(_("Installation complete. Press Enter to reboot.\n"), stdout);
		fflush(stdout);
		int ch;
		while ((ch = getchar()) != EOF && ch != '\n')
			;
		if (ch == EOF)
			return 0;
	}
	log_close();
	sync();
	char *argv[] = {r->finish == AZL_FINISH_POWEROFF ? "poweroff" : "reboot", NULL};
	if (spawn_run(argv, NULL) != 0) {
		if (err)
			fprintf(err, _("azl-installer: '%s' failed; do it by hand\n"), argv[0]);
		return -EIO;
	}
	return 0;
}

void install_result_print(const azl_install_result *r, FILE *err)
{
	if (r->exit_code == AZL_EXIT_OK || !r->message)
		return;
	for (const char *p = r->message; *p;) {
		size_t n = strcspn(p, "\n");
		fprintf(err, "azl-installer: %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	/* After a phase failed (not a refusal before the first). */
	if (r->phase != AZL_PHASE_NONE && !r->stopped && log_path())
		fprintf(err, _("azl-installer: the log is in %s\n"), log_path());
}

static int open_log(const azl_install_opts *o, azl_install_result *res)
{
	int r = log_open(o->log_file);
	if (r == -ELOOP)
		return refuse(
			res, AZL_EXIT_MACHINE,
			_("the log '%s' is a symlink, which is never followed; name the file itself"),
			o->log_file);
	if (r == -ENOTSUP)
		return refuse(
			res, AZL_EXIT_MACHINE,
			_("the log '%s' is neither a file, a character device nor a FIFO; name a file"),
			o->log_file);
	if (r < 0)
		return refuse(res, AZL_EXIT_MACHINE, _("cannot write the log '%s': %s"),
			      o->log_file, strerror(-r));
	return AZL_EXIT_OK;
}

/* The disk install, once the plan is made and the checks passed. */
static int install_onto_disks(run_job *j)
{
	const azl_model *m = j->m;
	const azl_install_opts *o = j->o;
	bool live = o->live || install_running_live();
	/* The live environment installs once, at the documented place; on an
	 * ordinary host several installs (into several images) may run at
	 * once, each under its own directory. */
	_cleanup_free_ char *own_target =
		o->target_dir || live ? NULL
				      : xasprintf("/run/azl-installer/%d/target", (int)getpid());
	j->target_dir = o->target_dir ? o->target_dir : own_target ? own_target : DEFAULT_TARGET;

	/* Network repositories must be reachable before packages. */
	if (live) {
		/* The live step sees link/bootif as the MAC they resolve to
		 * (checked above), like the writers of the target's files. */
		azl_resolved_network rn = {0};
		azl_model lm = *m;
		if (netconf_resolve_matches(&m->network, &rn) >= 0)
			lm.network = rn.net;
		if (netconf_apply_live(&lm) < 0)
			log_warning("the live network could not be configured; going on");
		resolved_network_done(&rn);
		install_open_answers_syslog(m);
	}
	/* What the plan itself needs on top of the answer file's packages,
	 * as Anaconda adds the boot loader and storage tools. */
	_cleanup_strv_free_ char **needed = plan_required_packages(j->plan);
	j->extra = needed;
	if (o->stop_after != AZL_PHASE_STORAGE) {
		int code = check_image_server(j);
		if (code != AZL_EXIT_OK)
			return code;
	}
	/* After the live network is up: keys may be fetched by URL. */
	if (o->stop_after != AZL_PHASE_STORAGE && !m->packages.image.url) {
		int code = check_repo_keys(m, o, j->res);
		if (code == AZL_EXIT_OK)
			code = check_packages(j, NULL);
		if (code != AZL_EXIT_OK)
			return code;
		j->checked = true;
	}
	run_phases(j, AZL_PHASE_NONE);
	run_error_scripts(j);
	target_close(&j->t);
	int r = storage_teardown(j->st);
	j->st = NULL;
	if (r < 0 && j->res->error >= 0)
		phase_result(j, AZL_PHASE_FINISH, r);
	if (own_target && r >= 0) {
		/* Empty once everything is unmounted; rmdir never removes
		 * anything else. */
		rmdir(own_target);
		_cleanup_free_ char *pid_dir =
			xstrndup(own_target, strlen(own_target) - strlen("/target"));
		rmdir(pid_dir);
	}
	if (j->res->error < 0)
		return finish_code(j);
	if (j->res->stopped) {
		progress_phase(AZL_PHASE_FINISH, 100,
			       _("Stopped after %s, as asked; everything was unmounted and closed"),
			       phase_name(j->res->phase));
		return AZL_EXIT_OK;
	}
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long secs = (long)(t1.tv_sec - j->t0.tv_sec);
	progress_phase(AZL_PHASE_FINISH, 100, _("Installed in %ld min %ld s"), secs / 60,
		       secs % 60);
	/* finish: is left to do; install_finish() does it (live) or says
	 * what would have happened. */
	j->res->finish_pending = live;
	j->res->finish_note = !live;
	return AZL_EXIT_OK;
}

/* SIGINT, SIGTERM and the context's cancel flag stop what follows. */
static int install_caught(run_job *j, int (*fn)(run_job *j))
{
	interrupt_catch(true);
	interrupt_watch(&j->ctx->cancel);
	int code = fn(j);
	interrupt_watch(NULL);
	interrupt_catch(false);
	return code;
}

static int install_checked(const azl_model *m, const azl_install_opts *o, azl_run_ctx *ctx,
			   azl_install_result *res)
{
	if (o->log_file) {
		int code = open_log(o, res);
		if (code != AZL_EXIT_OK)
			return code;
	}
	log_info("azl-installer %s", AZL_VERSION);
	/* certificates: are CAs of the install's own https downloads besides
	 * the live store, as Anaconda imports them into the installer
	 * environment (docs/kickstart.md#certificates); once per process. */
	static bool certificates_trusted;
	if (!certificates_trusted && m->n_certificates) {
		for (size_t i = 0; i < m->n_certificates; i++)
			fetch_trust_add(m->certificates[i].pem, strlen(m->certificates[i].pem));
		log_info(
			"certificates: %zu file(s) trusted by the install's https downloads besides the live system's store",
			m->n_certificates);
		certificates_trusted = true;
	}

	if (o->root_dir && o->disks)
		return refuse(res, AZL_EXIT_INVALID,
			      _("--root installs into a directory; it takes no --disk"));
	if (o->start_at != AZL_PHASE_NONE && !o->root_dir)
		return refuse(res, AZL_EXIT_INVALID, _("--start-at works with --root only"));
	if (!o->dry_run && geteuid() != 0)
		return refuse(
			res, AZL_EXIT_MACHINE,
			_("installing needs root; run it as root or use 'azl-installer plan' to see what it would do"));
	run_job j = {.m = m, .o = o, .ctx = ctx, .res = res, .t = {.fd = -1}};
	clock_gettime(CLOCK_MONOTONIC, &j.t0);
	if (o->root_dir) {
		if (o->dry_run) {
			if (o->out)
				fprintf(o->out,
					_("Would install packages and configuration into '%s'; nothing was written.\n"),
					o->root_dir);
			return AZL_EXIT_OK;
		}
		return install_caught(&j, install_into_dir);
	}

	int code = check_recovery_key_file(m, o, res);
	if (code != AZL_EXIT_OK)
		return code;
	code = check_tang(m, o, res);
	if (code != AZL_EXIT_OK)
		return code;
	_cleanup_plan_ azl_plan *plan = NULL;
	code = plan_for_install(m, o, res, &plan);
	if (code != AZL_EXIT_OK)
		return code;
	if (o->out) {
		_cleanup_free_ char *text = plan_to_text(plan);
		fputs(text, o->out);
		fflush(o->out);
	}
	if (o->dry_run) {
		if (o->out)
			fprintf(o->out, "%s\n", _("Dry run: nothing was written."));
		return AZL_EXIT_OK;
	}
	if (!o->yes) {
		if (o->out)
			fprintf(o->out, "%s\n",
				_("Nothing was written. Run again with --yes to carry out this plan; it erases what the plan says it erases."));
		res->exit_code = AZL_EXIT_INVALID;
		return AZL_EXIT_INVALID;
	}
	code = check_tools(plan, res);
	if (code != AZL_EXIT_OK)
		return code;
	code = check_network_matches(m, res);
	if (code != AZL_EXIT_OK)
		return code;
	j.plan = plan;
	return install_caught(&j, install_onto_disks);
}

int install_run(const azl_model *m, const azl_install_opts *o, azl_run_ctx *ctx,
		azl_install_result *ret)
{
	*ret = (azl_install_result){.phase = AZL_PHASE_NONE, .finish = m->finish};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	progress_reset();
	progress_set_sinks(ctx->sinks, ctx->n_sinks);
	int code = install_checked(m, o, ctx, ret);
	progress_set_sinks(NULL, 0);
	if (code == AZL_EXIT_INTERRUPTED)
		ret->interrupted = true;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ret->seconds = (long)(t1.tv_sec - t0.tv_sec);
	ret->exit_code = code;
	return code;
}
