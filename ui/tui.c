/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The adapter to ncursesw. The interactive installer's screens live in
 * ui/page-*.c and its widgets in ui/widget-*.c; this file loads what the
 * spokes need, owns the language switch and runs hub → summary →
 * progress (or writes the answer file with --save-answers). */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answers.h"
#include "exit-codes.h"
#include "i18n.h"
#include "kickstart.h"
#include "log.h"
#include "machine-probe.h"
#include "pages.h"
#include "tui.h"
#include "util.h"

const char *curses_adapter_version(void)
{
	return curses_version();
}

void ui_set_language(const char *locale)
{
	if (!locale)
		return;
	/* "de_DE.UTF-8" -> LANGUAGE=de_DE:de; gettext honours LANGUAGE
	 * whenever LC_MESSAGES is not plain C (tui_run made sure). */
	size_t n = strcspn(locale, ".@");
	_cleanup_free_ char *ll_cc = xstrndup(locale, n);
	_cleanup_free_ char *ll = xstrndup(locale, strcspn(locale, "_.@"));
	_cleanup_free_ char *lang = xasprintf("%s:%s", ll_cc, ll);
	setenv("LANGUAGE", lang, 1);
	/* A generated locale of that name gives dates and collation too;
	 * the live environment usually has only C.UTF-8, which is enough. */
	setlocale(LC_MESSAGES, locale);
	/* Re-setting the domain drops gettext's cache of translations. */
	textdomain(GETTEXT_PACKAGE);
}

azl_firmware ui_firmware(const ui_ctx *c)
{
	if (c->o->firmware != AZL_FIRMWARE_AUTO)
		return c->o->firmware;
	if (c->m->bootloader.firmware != AZL_FIRMWARE_AUTO)
		return c->m->bootloader.firmware;
	return c->machine ? c->machine->firmware : AZL_FIRMWARE_UEFI;
}

static void ensure_utf8_messages(void)
{
	const char *ct = setlocale(LC_CTYPE, NULL);
	if (!ct || strcmp(ct, "C") == 0 || strcmp(ct, "POSIX") == 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	const char *msg = setlocale(LC_MESSAGES, NULL);
	if (!msg || strcmp(msg, "C") == 0 || strcmp(msg, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
}

/* The locale the environment asks for, when the answer file does not. */
static void locale_from_env(azl_model *m)
{
	const char *v = getenv("LC_ALL");
	if (!v || !*v)
		v = getenv("LANG");
	/* C.UTF-8 and POSIX say nothing about a language. */
	if (!v || !strchr(v, '_') || !locale_is_valid(v))
		return;
	free(m->locale);
	m->locale = xstrdup(v);
}

static char **list_interfaces(void)
{
	char **v = xzalloc(sizeof(char *));
	DIR *d = opendir("/sys/class/net");
	if (!d)
		return v;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "lo") != 0)
			strv_push(&v, xstrdup(de->d_name));
	closedir(d);
	return v;
}

static void load_machine(ui_ctx *c)
{
	int r;
	if (c->o->machine) {
		azl_diags d;
		diags_init(&d);
		r = machine_from_json(c->o->machine, &d, &c->machine);
		if (r < 0)
			c->machine_error = xasprintf(_("cannot read the machine description '%s'"),
						     c->o->machine);
		diags_done(&d);
		return;
	}
	r = machine_probe(c->o->disks, &c->machine);
	if (r < 0)
		c->machine_error = xasprintf(_("probing the disks failed: %s"), strerror(-r));
}

static void load_groups(ui_ctx *c)
{
	const char *repo = NULL;
	if (c->o->repos && c->o->repos[0])
		repo = c->o->repos[0];
	else if (c->m->packages.n_repos > 0)
		repo = c->m->packages.repos[0].baseurl;
	if (!repo) {
		c->groups_error = xstrdup(_("No repository is given (--repo)."));
		return;
	}
	int r = comps_read_repo(repo, &c->groups, &c->n_groups);
	if (r < 0)
		c->groups_error = xasprintf(_("The repository '%s' offers no groups (%s)."), repo,
					    strerror(-r));
}

static void ctx_done(ui_ctx *c)
{
	machine_free(c->machine);
	free(c->machine_error);
	depsolve_groups_free(c->groups, c->n_groups);
	free(c->groups_error);
	strv_free(c->ifaces);
	install_result_done(&c->result);
}

static int save_answers(ui_ctx *c, char **ret_err)
{
	azl_model *m = c->m;
	/* The saved file is for an unattended install: it asks nothing. */
	strv_free(m->interactive);
	m->interactive = NULL;
	m->has_storage = m->has_network = m->has_accounts = m->has_packages = true;
	int r = 0;
	_cleanup_free_ char *text = answers_write(m, &r);
	if (!text) {
		*ret_err = xasprintf(_("cannot write the answers: %s"), strerror(-r));
		return r;
	}
	r = write_file_output(c->o->save_answers, text, strlen(text), 0600);
	if (r == -ENOTSUP)
		*ret_err = xasprintf(
			_("'%s' is neither a file, a character device nor a FIFO; name a file for --save-answers"),
			c->o->save_answers);
	else if (r < 0)
		*ret_err = xasprintf(_("cannot write '%s': %s"), c->o->save_answers, strerror(-r));
	return r;
}

int tui_run(const azl_tui_opts *o)
{
	ui_ctx c = {.o = o};
	_cleanup_model_ azl_model *m = NULL;
	if (o->answers) {
		azl_diags d;
		diags_init(&d);
		azl_model_overrides mov = {o->disks, o->firmware};
		int r = answers_load(o->answers, NULL, 0, &mov, &d, &m);
		diags_print(&d, stderr);
		diags_done(&d);
		if (r < 0)
			return AZL_EXIT_INVALID;
	} else {
		m = model_new();
		locale_from_env(m);
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs(_("azl-installer: the interactive installer needs a terminal; for an unattended install use 'azl-installer install --answers FILE'\n"),
		      stderr);
		return AZL_EXIT_INVALID;
	}
	if (o->disks)
		storage_set_disks(&m->storage, o->disks);
	if (o->firmware != AZL_FIRMWARE_AUTO)
		m->bootloader.firmware = o->firmware;
	c.m = m;
	load_machine(&c);
	load_groups(&c);
	c.ifaces = list_interfaces();

	ensure_utf8_messages();
	ui_set_language(m->locale);
	int r = ui_term_start();
	if (r < 0) {
		fprintf(stderr, _("azl-installer: cannot use the terminal '%s': %s\n"),
			getenv("TERM") ? getenv("TERM") : "", strerror(-r));
		ctx_done(&c);
		return AZL_EXIT_MACHINE;
	}
	int code;
	for (;;) {
		r = page_hub(&c);
		if (r == UI_QUIT) {
			code = AZL_EXIT_INTERRUPTED;
			break;
		}
		/* The same gate as an answer file's: every value that
		 * reaches a file of the target, before anything is written. */
		_cleanup_free_ char *invalid = model_first_error(m, NULL);
		if (invalid) {
			ui_message(_("Error"), invalid);
			continue;
		}
		if (o->save_answers) {
			_cleanup_free_ char *err = NULL;
			azl_encryption *e = &m->storage.encryption;
			if (storage_wants_encryption(&m->storage) && !e->passphrase_file) {
				/* The passphrase never goes into the file: the
				 * installing machine reads it from a file. */
				char *pf = ui_input(
					_("Passphrase file"),
					_("The passphrase is not written into the answer file. Path of the file the installing machine reads it from:"),
					"/run/azl-installer/luks-passphrase");
				if (!pf || pf[0] != '/') {
					free(pf);
					continue;
				}
				e->passphrase_file = pf;
			}
			if (save_answers(&c, &err) < 0) {
				ui_message(_("Error"), err);
				continue;
			}
			code = AZL_EXIT_OK;
			break;
		}
		code = page_progress(&c);
		break;
	}
	ui_term_stop();
	if (code == AZL_EXIT_OK && o->save_answers)
		printf(_("The answer file was written to %s\n"), o->save_answers);
	else if (code == AZL_EXIT_INTERRUPTED && !c.ran)
		puts(_("Quit; nothing was written to any disk."));
	else if (c.ran)
		install_result_print(&c.result, stderr);
	/* finish: after the Done screen was shown and curses ended:
	 * reboot or poweroff in the live environment. */
	if (c.ran)
		install_finish(&c.result, NULL, stderr);
	ctx_done(&c);
	return code;
}
