/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The run layer's pieces: the phase table, a run context with more than
 * one progress sink, its cancel flag, and the kernel command-line reader
 * with its one override. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmdline.h"
#include "exit-codes.h"
#include "install.h"
#include "interrupt.h"
#include "phase.h"
#include "progress.h"
#include "run.h"
#include "util.h"

static void test_phase_table(void **state)
{
	(void)state;
	int last = 0;
	for (int p = AZL_PHASE_PRE; p < AZL_PHASE__COUNT; p++) {
		const azl_phase_info *i = phase_info(p);
		assert_non_null(i);
		assert_int_equal(phase_from_name(i->name), p);
		/* image and packages are alternatives (one install runs one
		 * of them): the same slice. */
		if (p == AZL_PHASE_PACKAGES) {
			const azl_phase_info *im = phase_info(AZL_PHASE_IMAGE);
			assert_int_equal(i->from, im->from);
			assert_int_equal(i->to, im->to);
			continue;
		}
		/* Slices follow each other and cover 0..100. */
		assert_int_equal(i->from, last);
		assert_true(i->to >= i->from);
		last = i->to;
	}
	assert_int_equal(last, 100);
	assert_null(phase_info(AZL_PHASE_NONE));
	assert_string_equal(phase_name(AZL_PHASE_NONE), "-");
	assert_int_equal(phase_from_name("depsolve"), AZL_PHASE_NONE);
	assert_string_equal(phase_name(AZL_PHASE_STORAGE), "storage");
}

typedef struct seen {
	int n;
	char phase[16];
} seen;

static void record(const azl_progress_event *ev, void *userdata)
{
	seen *s = userdata;
	s->n++;
	snprintf(s->phase, sizeof(s->phase), "%s", ev->phase);
}

/* A reporter beside the screen: both see every event. */
static void test_two_sinks(void **state)
{
	(void)state;
	azl_run_ctx ctx = {0};
	seen a = {0}, b = {0};
	assert_int_equal(run_ctx_add_sink(&ctx, record, &a), 0);
	assert_int_equal(run_ctx_add_sink(&ctx, record, &b), 0);
	progress_reset();
	progress_set_sinks(ctx.sinks, ctx.n_sinks);
	progress_phase(AZL_PHASE_CONFIGURE, 50, "x");
	progress_packages(1, 2, 0, 0, "p");
	progress_set_sinks(NULL, 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.phase, "packages");
	for (int i = 2; i < AZL_RUN_MAX_SINKS; i++)
		assert_int_equal(run_ctx_add_sink(&ctx, record, &a), 0);
	assert_int_equal(run_ctx_add_sink(&ctx, record, &a), -ENOSPC);
}

/* The TUI cancels through the context; code that only knows interrupt.c
 * (a download, the rpm transaction) sees it while it is watched. */
static void test_cancel(void **state)
{
	(void)state;
	azl_run_ctx ctx = {0};
	interrupt_catch(true);
	interrupt_watch(&ctx.cancel);
	assert_false(run_cancelled(&ctx));
	assert_false(interrupt_requested());
	run_cancel(&ctx);
	assert_true(run_cancelled(&ctx));
	assert_true(interrupt_requested());
	interrupt_watch(NULL);
	interrupt_catch(false);
	assert_false(interrupt_requested());
}

static void test_cmdline(void **state)
{
	(void)state;
	const char *text =
		"BOOT_IMAGE=/vmlinuz azl.medium=LABEL=x \"azl.medium=UUID=a b\" azl.live azl.mediumx=1 -- azl.medium=after\n";
	_cleanup_strv_free_ char **v = cmdline_values(text, "azl.medium", true);
	assert_int_equal(strv_length(v), 2);
	assert_string_equal(v[0], "LABEL=x");
	assert_string_equal(v[1], "UUID=a b");
	_cleanup_strv_free_ char **all = cmdline_values(text, "azl.medium", false);
	assert_int_equal(strv_length(all), 3);
	assert_null(cmdline_values(text, "azl.live", true));

	/* The one override: every reader sees the file it names. */
	char path[] = "/tmp/test-run-cmdline.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *c = "quiet azl.live=1\n";
	assert_int_equal(write(fd, c, strlen(c)), (ssize_t)strlen(c));
	close(fd);
	setenv("AZL_PROC_CMDLINE", path, 1);
	_cleanup_free_ char *read = NULL;
	const char *from = NULL;
	assert_int_equal(cmdline_read(&read, &from), 0);
	assert_string_equal(from, path);
	assert_string_equal(read, c);
	assert_true(cmdline_flag("azl.live"));
	assert_false(cmdline_flag("azl.text"));
	unsetenv("AZL_PROC_CMDLINE");
	unlink(path);
}

/* finish: has one owner, install_finish(), called once the result was
 * shown. A fake reboot/poweroff first in PATH records what was run. */
static char *finish_run_ex(azl_finish f, bool pending, bool note, bool confirmed, char **out)
{
	char dir[] = "/tmp/test-run-finish.XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *names[] = {"reboot", "poweroff"};
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, names[i]);
		FILE *fp = fopen(p, "w");
		assert_non_null(fp);
		fprintf(fp, "#!/bin/sh\necho %s >%s/ran\n", names[i], dir);
		fclose(fp);
		assert_int_equal(chmod(p, 0755), 0);
	}
	_cleanup_free_ char *old = xstrdup(getenv("PATH"));
	_cleanup_free_ char *path = xasprintf("%s:%s", dir, old);
	setenv("PATH", path, 1);
	azl_install_result r = {.exit_code = AZL_EXIT_OK,
				.finish = f,
				.finish_pending = pending,
				.finish_note = note,
				.finish_confirmed = confirmed};
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	/* Nobody at a terminal: stdin is /dev/null. */
	int saved = dup(STDIN_FILENO);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(saved >= 0 && null >= 0);
	assert_int_equal(dup2(null, STDIN_FILENO), STDIN_FILENO);
	close(null);
	assert_int_equal(install_finish(&r, o, o), 0);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	fclose(o);
	*out = buf;
	setenv("PATH", old, 1);
	_cleanup_free_ char *ranf = xasprintf("%s/ran", dir);
	char *ran = NULL;
	if (read_file_bounded(ranf, 64, &ran, NULL) < 0)
		ran = NULL;
	_cleanup_free_ char *rm = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
	return ran;
}

static char *finish_run(azl_finish f, bool pending, bool note, char **out)
{
	return finish_run_ex(f, pending, note, false, out);
}

static void test_finish(void **state)
{
	(void)state;
	_cleanup_free_ char *o1 = NULL, *o2 = NULL, *o3 = NULL, *o4 = NULL;
	_cleanup_free_ char *r1 = finish_run(AZL_FINISH_REBOOT, true, false, &o1);
	assert_string_equal(r1, "reboot\n");
	_cleanup_free_ char *r2 = finish_run(AZL_FINISH_POWEROFF, true, false, &o2);
	assert_string_equal(r2, "poweroff\n");
	_cleanup_free_ char *r3 = finish_run(AZL_FINISH_SHELL, true, false, &o3);
	assert_null(r3);
	assert_non_null(strstr(o3, "gives you a shell"));
	/* Not live: never rebooted, only said. */
	_cleanup_free_ char *r4 = finish_run(AZL_FINISH_REBOOT, false, true, &o4);
	assert_null(r4);
	assert_non_null(strstr(o4, "finish: reboot would follow"));
	/* finish: wait with nobody at a terminal: the machine stays. */
	_cleanup_free_ char *o5 = NULL, *o6 = NULL;
	_cleanup_free_ char *r5 = finish_run_ex(AZL_FINISH_WAIT, true, false, false, &o5);
	assert_null(r5);
	assert_non_null(strstr(o5, "no terminal to wait on"));
	/* finish: wait after the TUI's Done screen (its Reboot button was
	 * pressed): rebooted, not asked again. */
	_cleanup_free_ char *r6 = finish_run_ex(AZL_FINISH_WAIT, true, false, true, &o6);
	assert_string_equal(r6, "reboot\n");
}

/* _cleanup_close_ closes at the end of the scope, and leaves -1 alone. */
static void test_cleanup_close(void **state)
{
	(void)state;
	int seen_fd;
	{
		_cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		assert_true(fd >= 0);
		seen_fd = fd;
		_cleanup_close_ _unused_ int none = -1;
	}
	errno = 0;
	assert_int_equal(fcntl(seen_fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phase_table), cmocka_unit_test(test_two_sinks),
		cmocka_unit_test(test_cancel),	    cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_finish),	    cmocka_unit_test(test_cleanup_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
