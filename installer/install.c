/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "install.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "apply-packages.h"
#include "apply-storage.h"
#include "apply-system.h"
#include "exit-codes.h"
#include "i18n.h"
#include "interrupt.h"
#include "log.h"
#include "machine.h"
#include "progress.h"
#include "rpm-install.h"
#include "netconf-match.h"
#include "netconf.h"
#include "spawn.h"
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
	r = target_write_file(t, "root/azl-installer-answers.yaml", yaml,
			      strlen(yaml), 0600, 0, 0);
	if (r < 0)
		return log_error_errno(
			r, "cannot write /root/azl-installer-answers.yaml");
	r = target_mkdir_p(t, "var/log/azl-installer", 0700);
	if (r < 0)
		return log_error_errno(r,
				       "cannot create /var/log/azl-installer");
	log_info("install finished; copying this log into the target");
	_cleanup_free_ char *text = log_contents();
	r = target_write_file(t, "var/log/azl-installer/install.log", text,
			      strlen(text), 0600, 0, 0);
	if (r < 0)
		return log_error_errno(r, "cannot copy the install log");
	return 0;
}

/* A phase that failed: "storage", "packages", ... for the final message. */
typedef struct run_state {
	const char *failed_phase;
	int failed_r;
	bool refused; /* a disk was in use; nothing was written */
	bool checked; /* check_packages() solved the request beforehand */
} run_state;

static int phase_result(run_state *s, const char *phase, int r)
{
	if (r >= 0 && interrupt_requested())
		r = -EINTR;
	if (r < 0 && !s->failed_phase) {
		s->failed_phase = phase;
		s->failed_r = r;
	}
	return r;
}

static int finish_code(const run_state *s)
{
	if (!s->failed_phase)
		return AZL_EXIT_OK;
	if (s->failed_r == -EINTR || interrupt_requested())
		return AZL_EXIT_INTERRUPTED;
	if (s->refused)
		return AZL_EXIT_MACHINE;
	/* Only when nothing was written: after check_packages() the same
	 * failure means the repositories changed part-way (exit 3). */
	bool refusal = streq_ptr(s->failed_phase, "packages") && !s->checked;
	/* A package no repository has, a request that cannot be solved: the
	 * answer file's fault. */
	if (refusal && (s->failed_r == -ENOENT || s->failed_r == -EPROTO))
		return AZL_EXIT_INVALID;
	/* No service in the repositories to read the network configuration:
	 * refused before a package was installed. */
	if (refusal && s->failed_r == -ENOPKG)
		return AZL_EXIT_MACHINE;
	return AZL_EXIT_FAILED;
}

static void report_failure(const run_state *s)
{
	const char *why = log_last_error();
	if (s->failed_r == -EINTR || interrupt_requested())
		fprintf(stderr,
			_("azl-installer: interrupted during %s; everything "
			  "was "
			  "unmounted and closed\n"),
			s->failed_phase);
	else if (s->refused)
		fprintf(stderr, _("azl-installer: %s\n"), why ? why : "");
	else
		fprintf(stderr,
			_("azl-installer: the install failed in step '%s': "
			  "%s\n"),
			s->failed_phase, why ? why : strerror(-s->failed_r));
	if (log_path())
		fprintf(stderr, _("azl-installer: the log is in %s\n"),
			log_path());
}

/* match: {link|bootif} are facts of this machine: an interface that
 * cannot be found refuses the install before anything is written. */
static int check_network_matches(const azl_model *m)
{
	azl_resolved_network res = {0};
	if (netconf_resolve_matches(&m->network, &res) < 0) {
		const char *why = log_last_error();
		fprintf(stderr,
			_("azl-installer: the network section names an "
			  "interface this machine does not have: %s\n"),
			why ? why : "");
		return AZL_EXIT_MACHINE;
	}
	resolved_network_done(&res);
	return AZL_EXIT_OK;
}

/* DESIGN.md, Trust: every repository that is to be checked has a key the
 * operator pinned, and a key fetched by URL matches its fingerprint;
 * otherwise the install is refused before anything is written. */
static int check_repo_keys(const azl_model *m, const azl_install_opts *o)
{
	int r = packages_check_keys(m, o->repos);
	if (r >= 0)
		return AZL_EXIT_OK;
	const char *why = log_last_error();
	fprintf(stderr, _("azl-installer: %s; nothing was written\n"),
		why ? why : strerror(-r));
	return AZL_EXIT_MACHINE;
}

/* bootloader.secure_boot against the boot chain the solve picked, before
 * anything is written (docs/secure-boot.md): required refuses a chain
 * that is not signed throughout (exit 2), auto warns, off is silent. A
 * stage counts as signed when its package provides "secure-boot(signed)"
 * in the repository's metadata. plan: NULL (--root, BIOS) checks nothing. */
static int check_secure_boot(const azl_plan *plan, const azl_boot_chain *c)
{
	if (!plan || plan->firmware != AZL_FIRMWARE_UEFI)
		return AZL_EXIT_OK;
	_cleanup_free_ char *desc = boot_chain_describe(c);
	bool ok = boot_chain_signed(c);
	log_info("UEFI boot chain: %s; Secure Boot %s, bootloader.secure_boot "
		 "%s",
		 desc, ok ? "ready" : "NOT ready",
		 secure_boot_to_string(plan->secure_boot));
	if (ok || plan->secure_boot == AZL_SECURE_BOOT_OFF)
		return AZL_EXIT_OK;
	if (plan->secure_boot == AZL_SECURE_BOOT_AUTO) {
		log_warning("the repository's boot chain is not signed "
			    "throughout (%s): the installed system will not "
			    "boot with Secure Boot on; turn it off in the "
			    "firmware or use a repository with a signed chain",
			    desc);
		return AZL_EXIT_OK;
	}
	log_error("bootloader.secure_boot is required and the boot chain is "
		  "not signed throughout: %s",
		  desc);
	fprintf(stderr,
		_("azl-installer: bootloader.secure_boot is 'required', but "
		  "the repository's boot chain is not signed throughout: %s; "
		  "use a repository whose shim, GRUB and kernel packages are "
		  "signed (docs/secure-boot.md) or set secure_boot: auto; "
		  "nothing was written\n"),
		desc);
	return AZL_EXIT_MACHINE;
}

/* The packages phase's solve, done before anything is written (the
 * packages phase comes after storage has wiped the disks): a package no
 * repository has or a request that cannot be solved is the answer file's
 * (exit 1), a package the plan adds itself that the repositories lack, a
 * network nothing would read, a repository that cannot be read are the
 * machine's (exit 2). root: NULL for the empty disks. */
static int check_packages(const azl_model *m, const azl_install_opts *o,
			  char *const *extra, const char *root,
			  const azl_plan *plan)
{
	_cleanup_strv_free_ char **own = NULL;
	azl_boot_chain chain = {0};
	int r = packages_check(m, o->repos, extra, root, &own, &chain);
	if (r >= 0) {
		int code = check_secure_boot(plan, &chain);
		boot_chain_done(&chain);
		return code;
	}
	boot_chain_done(&chain);
	if (r == -EINTR || interrupt_requested()) {
		fputs(_("azl-installer: interrupted; nothing was written\n"),
		      stderr);
		return AZL_EXIT_INTERRUPTED;
	}
	if (own) {
		_cleanup_free_ char *names = xstrdup(own[0]);
		for (size_t i = 1; own[i]; i++) {
			char *n = xasprintf("%s', '%s", names, own[i]);
			free(names);
			names = n;
		}
		log_error("the repositories lack '%s', which this plan adds "
			  "itself",
			  names);
		fprintf(stderr,
			_("azl-installer: this plan needs '%s', which no "
			  "repository has; add a repository that has it; "
			  "nothing was written\n"),
			names);
		return AZL_EXIT_MACHINE;
	}
	const char *why = log_last_error();
	fprintf(stderr, _("azl-installer: %s; nothing was written\n"),
		why ? why : strerror(-r));
	return r == -ENOENT || r == -EPROTO ? AZL_EXIT_INVALID
					    : AZL_EXIT_MACHINE;
}

/* --root DIR: packages and configuration into a directory, no disks. */
static int install_into_dir(const azl_model *m, const azl_install_opts *o)
{
	run_state s = {0};
	azl_target t = {.fd = -1};
	/* No plan here, but the same network service a disk install adds. */
	char *net_pkg[] = {(char *)plan_network_package(m), NULL};
	if (!streq_ptr(o->stop_after, "depsolve") &&
	    !streq_ptr(o->start_at, "configure")) {
		int code = check_repo_keys(m, o);
		if (code != AZL_EXIT_OK)
			return code;
		/* A root that exists may hold a symlink out of it where its
		 * rpmdb goes. */
		if (rpm_check_dbpath(o->root_dir, false) < 0) {
			const char *why = log_last_error();
			fprintf(stderr,
				_("azl-installer: %s; nothing was written\n"),
				why ? why : "");
			return AZL_EXIT_MACHINE;
		}
		/* Against the root as it is (what it has installed counts), or
		 * nothing when it does not exist yet. */
		code = check_packages(m, o, net_pkg, o->root_dir, NULL);
		if (code != AZL_EXIT_OK)
			return code;
		s.checked = true;
	}
	int r = mkdir_parents(o->root_dir, 0755);
	if (r < 0) {
		log_error_errno(r, "cannot create '%s'", o->root_dir);
		fprintf(stderr, _("azl-installer: cannot create '%s': %s\n"),
			o->root_dir, strerror(-r));
		return AZL_EXIT_MACHINE;
	}
	r = target_open(o->root_dir, &t);
	if (r < 0) {
		fprintf(stderr, _("azl-installer: cannot open '%s': %s\n"),
			o->root_dir, strerror(-r));
		return AZL_EXIT_MACHINE;
	}
	if (streq_ptr(o->stop_after, "depsolve")) {
		/* Testing and benchmark aid: the transaction, nothing written
		 * into the root. */
		_cleanup_strv_free_ char **nevras = NULL;
		if (phase_result(&s, "packages",
				 packages_solve(m, o->repos, net_pkg, t.root,
						&nevras)) >= 0)
			for (size_t i = 0; nevras && nevras[i]; i++)
				printf("%s\n", nevras[i]);
		if (s.failed_phase)
			report_failure(&s);
		target_close(&t);
		return finish_code(&s);
	}
	int code = check_network_matches(m);
	if (code != AZL_EXIT_OK) {
		target_close(&t);
		return code;
	}
	bool stop = streq_ptr(o->stop_after, "packages");
	bool skip = streq_ptr(o->start_at, "configure");
	if (skip)
		log_info("starting at configure (--start-at configure)");
	if ((skip || (phase_result(&s, "pre",
				   scripts_run(m, AZL_SCRIPT_PRE, NULL)) >= 0 &&
		      phase_result(&s, "packages",
				   packages_apply(m, o->repos, net_pkg,
						  t.root)) >= 0)) &&
	    !stop &&
	    phase_result(&s, "configure", system_apply(m, &t, NULL)) >= 0 &&
	    phase_result(&s, "post", scripts_run(m, AZL_SCRIPT_POST, t.root)) >=
		    0)
		phase_result(&s, "finish", write_finish_files(m, &t));
	if (s.failed_phase) {
		scripts_run(m, AZL_SCRIPT_ERROR, NULL);
		report_failure(&s);
	} else if (stop)
		progress_phase("finish", 100,
			       _("Stopped after packages, as asked (%s)"),
			       t.root);
	else
		progress_phase("finish", 100, _("Installed into %s"), t.root);
	target_close(&t);
	return finish_code(&s);
}

/* A missing program is the machine's refusal (exit 2), found before
 * anything is written rather than part-way through. */
static int check_tools(const azl_plan *plan)
{
	_cleanup_strv_free_ char **tools = plan_required_tools(plan);
	/* Without FAT in the kernel the ESP is written with mtools. */
	if (plan->firmware == AZL_FIRMWARE_UEFI && !kernel_has_fs("vfat")) {
		strv_push(&tools, xstrdup("mcopy"));
		strv_push(&tools, xstrdup("mmd"));
	}
	int code = AZL_EXIT_OK;
	for (size_t i = 0; tools && tools[i]; i++) {
		if (spawn_have_tool(tools[i]))
			continue;
		const char *pkg = tool_package(tools[i]);
		if (pkg)
			fprintf(stderr,
				_("azl-installer: this plan needs '%s', which "
				  "is "
				  "not in PATH (package %s); nothing was "
				  "written\n"),
				tools[i], pkg);
		else
			fprintf(stderr,
				_("azl-installer: this plan needs '%s', which "
				  "is "
				  "not in PATH; nothing was written\n"),
				tools[i]);
		code = AZL_EXIT_MACHINE;
	}
	return code;
}

static int plan_for_install(const azl_model *m, const azl_install_opts *o,
			    azl_plan **ret)
{
	_cleanup_machine_ azl_machine *machine = NULL;
	int r = machine_probe(o->disks, &machine);
	if (r < 0) {
		fprintf(stderr, _("azl-installer: probing disks failed: %s\n"),
			strerror(-r));
		return AZL_EXIT_MACHINE;
	}
	if (machine->firmware == AZL_FIRMWARE_UEFI)
		log_info("this machine: UEFI, Secure Boot %s, setup mode %s",
			 machine->secure_boot ? "on" : "off",
			 machine->setup_mode ? "on" : "off");
	azl_plan_overrides ov = {.disks = o->disks, .firmware = o->firmware};
	azl_plan_error err = {0};
	if (plan_build(m, machine, &ov, ret, &err) < 0) {
		fprintf(stderr, "azl-installer: %s\n", err.message);
		int code = err.exit_code;
		plan_error_done(&err);
		return code;
	}
	return AZL_EXIT_OK;
}

/* finish: in the live environment (docs/system.md): /run/azl-live exists
 * or the kernel command line says azl.live. Anywhere else the host is
 * never rebooted; what would happen is only printed. */
static bool running_live(const azl_install_opts *o)
{
	if (o->live || access("/run/azl-live", F_OK) == 0)
		return true;
	_cleanup_free_ char *cmdline = NULL;
	if (read_file_bounded("/proc/cmdline", 65536, &cmdline, NULL) < 0)
		return false;
	for (char *w = strtok(cmdline, " \t\n"); w; w = strtok(NULL, " \t\n"))
		if (strcmp(w, "azl.live") == 0 || strcmp(w, "azl.live=1") == 0)
			return true;
	return false;
}

static void finish_action(const azl_model *m, const azl_install_opts *o)
{
	const char *what = finish_to_string(m->finish);
	if (!running_live(o)) {
		printf(_("finish: %s would follow in the live environment; "
			 "this is not one, so nothing else happens.\n"),
		       what);
		return;
	}
	log_info("finish: %s", what);
	if (m->finish == AZL_FINISH_SHELL) {
		puts(_("Installed. The live environment gives you a shell."));
		return;
	}
	if (m->finish == AZL_FINISH_WAIT) {
		/* Anaconda's "Installation complete. Press ENTER to quit";
		 * with nobody to press it the machine stays as it is, never
		 * rebooted into a PXE install again. */
		if (!isatty(STDIN_FILENO)) {
			puts(_("Installed. finish: wait, and there is no "
			       "terminal to wait on: the machine stays as it "
			       "is; reboot it yourself."));
			return;
		}
		fputs(_("Installation complete. Press Enter to reboot.\n"),
		      stdout);
		fflush(stdout);
		int ch;
		while ((ch = getchar()) != EOF && ch != '\n')
			;
		if (ch == EOF)
			return;
	}
	log_close();
	sync();
	char *argv[] = {
		m->finish == AZL_FINISH_POWEROFF ? "poweroff" : "reboot", NULL};
	if (spawn_run(argv, NULL) != 0)
		fprintf(stderr,
			_("azl-installer: '%s' failed; do it by hand\n"),
			argv[0]);
}

int install_run(const azl_model *m, const azl_install_opts *o)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	progress_reset();
	if (o->log_file) {
		int r = log_open(o->log_file);
		if (r == -ELOOP) {
			fprintf(stderr,
				_("azl-installer: the log '%s' is a symlink, "
				  "which is never followed; name the file "
				  "itself\n"),
				o->log_file);
			return AZL_EXIT_MACHINE;
		}
		if (r == -ENOTSUP) {
			fprintf(stderr,
				_("azl-installer: the log '%s' is neither a "
				  "file, a character device nor a FIFO; name "
				  "a file\n"),
				o->log_file);
			return AZL_EXIT_MACHINE;
		}
		if (r < 0) {
			fprintf(stderr,
				_("azl-installer: cannot write the log '%s': "
				  "%s\n"),
				o->log_file, strerror(-r));
			return AZL_EXIT_MACHINE;
		}
	}
	log_info("azl-installer %s", AZL_VERSION);

	if (o->root_dir && o->disks) {
		fputs(_("azl-installer: --root installs into a directory; it "
			"takes no --disk\n"),
		      stderr);
		return AZL_EXIT_INVALID;
	}
	if (o->start_at && !o->root_dir) {
		fputs(_("azl-installer: --start-at works with --root only\n"),
		      stderr);
		return AZL_EXIT_INVALID;
	}
	if (!o->dry_run && geteuid() != 0) {
		fputs(_("azl-installer: installing needs root; run it as root "
			"or use 'azl-installer plan' to see what it would "
			"do\n"),
		      stderr);
		return AZL_EXIT_MACHINE;
	}
	if (o->root_dir) {
		if (o->dry_run) {
			printf(_("Would install packages and configuration "
				 "into '%s'; nothing was written.\n"),
			       o->root_dir);
			return AZL_EXIT_OK;
		}
		interrupt_catch(true);
		int code = install_into_dir(m, o);
		interrupt_catch(false);
		return code;
	}

	_cleanup_plan_ azl_plan *plan = NULL;
	int code = plan_for_install(m, o, &plan);
	if (code != AZL_EXIT_OK)
		return code;
	_cleanup_free_ char *text = plan_to_text(plan);
	fputs(text, stdout);
	fflush(stdout);
	if (o->dry_run) {
		puts(_("Dry run: nothing was written."));
		return AZL_EXIT_OK;
	}
	if (!o->yes) {
		puts(_("Nothing was written. Run again with --yes to carry out "
		       "this plan; it erases what the plan says it erases."));
		return AZL_EXIT_INVALID;
	}
	code = check_tools(plan);
	if (code != AZL_EXIT_OK)
		return code;
	code = check_network_matches(m);
	if (code != AZL_EXIT_OK)
		return code;

	interrupt_catch(true);
	run_state s = {0};
	/* The live environment installs once, at the documented place; on an
	 * ordinary host several installs (into several images) may run at
	 * once, each under its own directory. */
	_cleanup_free_ char *own_target =
		o->target_dir || running_live(o)
			? NULL
			: xasprintf("/run/azl-installer/%d/target",
				    (int)getpid());
	const char *target_dir = o->target_dir ? o->target_dir
				 : own_target  ? own_target
					       : DEFAULT_TARGET;
	azl_storage_state *st = NULL;
	azl_target t = {.fd = -1};
	_cleanup_strv_free_ char **needed = NULL;
	bool stopped = false;

	/* Network repositories must be reachable before packages. */
	if (running_live(o)) {
		/* The live step sees link/bootif as the MAC they resolve to
		 * (checked above), like the writers of the target's files. */
		azl_resolved_network res = {0};
		azl_model live = *m;
		if (netconf_resolve_matches(&m->network, &res) >= 0)
			live.network = res.net;
		if (netconf_apply_live(&live) < 0)
			log_warning("the live network could not be configured; "
				    "going on");
		resolved_network_done(&res);
	}
	/* What the plan itself needs on top of the answer file's packages,
	 * as Anaconda adds the boot loader and storage tools. */
	needed = plan_required_packages(plan);
	/* After the live network is up: keys may be fetched by URL. */
	if (!streq_ptr(o->stop_after, "storage")) {
		code = check_repo_keys(m, o);
		if (code == AZL_EXIT_OK)
			code = check_packages(m, o, needed, NULL, plan);
		if (code != AZL_EXIT_OK) {
			interrupt_catch(false);
			return code;
		}
		s.checked = true;
	}
	if (phase_result(&s, "pre", scripts_run(m, AZL_SCRIPT_PRE, NULL)) < 0)
		goto done;
	int r = mkdir_parents(target_dir, 0700);
	if (phase_result(
		    &s, "storage",
		    r < 0 ? log_error_errno(r, "cannot create '%s'", target_dir)
			  : 0) < 0)
		goto done;
	if (phase_result(&s, "storage",
			 storage_apply(plan, m, target_dir, &st)) < 0) {
		s.refused = storage_refused(st);
		goto done;
	}
	r = target_open(target_dir, &t);
	if (phase_result(&s, "storage",
			 r < 0 ? log_error_errno(r, "cannot open the target")
			       : 0) < 0)
		goto done;
	if (streq_ptr(o->stop_after, "storage")) {
		log_info("stopping after storage (--stop-after storage)");
		stopped = true;
		goto done;
	}
	const azl_installed_storage *is = storage_result(st);
	if (phase_result(&s, "packages",
			 packages_apply(m, o->repos, needed, t.root)) < 0)
		goto done;
	if (streq_ptr(o->stop_after, "packages")) {
		log_info("stopping after packages (--stop-after packages)");
		stopped = true;
		goto done;
	}
	if (phase_result(&s, "configure", system_apply(m, &t, is)) < 0)
		goto done;
	if (phase_result(&s, "bootloader",
			 bootloader_apply(m, plan, &t, is,
					  running_live(o) || o->nvram_entry)) <
	    0)
		goto done;
	if (phase_result(&s, "post", scripts_run(m, AZL_SCRIPT_POST, t.root)) <
	    0)
		goto done;
	phase_result(&s, "finish", write_finish_files(m, &t));
done:
	if (s.failed_phase)
		scripts_run(m, AZL_SCRIPT_ERROR, t.root);
	target_close(&t);
	r = storage_teardown(st);
	if (r < 0 && !s.failed_phase)
		phase_result(&s, "finish", r);
	if (own_target && r >= 0) {
		/* Empty once everything is unmounted; rmdir never removes
		 * anything else. */
		rmdir(own_target);
		_cleanup_free_ char *pid_dir = xstrndup(
			own_target, strlen(own_target) - strlen("/target"));
		rmdir(pid_dir);
	}
	interrupt_catch(false);
	if (s.failed_phase) {
		report_failure(&s);
		return finish_code(&s);
	}
	if (stopped) {
		progress_phase("finish", 100,
			       _("Stopped after %s, as asked; everything "
				 "was unmounted and closed"),
			       o->stop_after);
		return AZL_EXIT_OK;
	}
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long secs = (long)(t1.tv_sec - t0.tv_sec);
	progress_phase("finish", 100, _("Installed in %ld min %ld s"),
		       secs / 60, secs % 60);
	finish_action(m, o);
	return AZL_EXIT_OK;
}
