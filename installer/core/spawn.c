/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CHROOT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

bool spawn_have_tool(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	const char *path = getenv("PATH");
	if (!path)
		path = CHROOT_PATH;
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

static char *argv_to_string(char *const argv[])
{
	azl_buf b = {0};
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			buf_append(&b, " ");
		bool plain = argv[i][0] && !strpbrk(argv[i], " \t\n'\"\\$`");
		if (plain)
			buf_append(&b, argv[i]);
		else {
			buf_append(&b, "'");
			for (const char *c = argv[i]; *c; c++)
				if (*c == '\'')
					buf_append(&b, "'\\''");
				else
					buf_appendn(&b, c, 1);
			buf_append(&b, "'");
		}
	}
	return buf_steal(&b);
}

_Noreturn static void child(char *const argv[], const azl_spawn_opts *o, int in_fd, int out_fd,
			    int err_fd, int status_fd)
{
	/* The installer handles SIGINT/SIGTERM to clean up; the tool gets
	 * the default behaviour back. */
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		goto fail;
	/* Nothing else of the installer's reaches the tool: a descriptor
	 * made without O_CLOEXEC by a library (libcurl's socketpair of a
	 * handle kept between transfers) is closed at the exec as well. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		/* A kernel before 5.11: each descriptor up to the limit
		 * (raised by rpm-install.c to hold every package open). */
		struct rlimit rl = {0};
		rlim_t end = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
					     rl.rlim_cur < (1u << 20)
				     ? rl.rlim_cur
				     : (1u << 20);
		for (rlim_t fd = 3; fd < end; fd++)
			(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	}
	if (o && o->chroot) {
		if (chroot(o->chroot) < 0 || chdir("/") < 0)
			goto fail;
		setenv("PATH", CHROOT_PATH, 1);
	}
	for (size_t i = 0; o && o->env && o->env[i]; i++)
		putenv(o->env[i]);
	execvp(argv[0], argv);
fail:;
	int e = errno;
	(void)!write(status_fd, &e, sizeof(e));
	_exit(127);
}

int spawn_run(char *const argv[], const azl_spawn_opts *o)
{
	static const azl_spawn_opts none = {0};
	if (!o)
		o = &none;
	_cleanup_free_ char *cmd = argv_to_string(argv);
	log_info("running %s%s%s", o->chroot ? "(in " : "", o->chroot ? o->chroot : "",
		 o->chroot ? ") " : "");
	log_raw(cmd, strlen(cmd));

	int in[2], out[2], err[2], st[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(st, O_CLOEXEC) < 0)
		return -errno; /* fds leak only on EMFILE; the install stops */

	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child(argv, o, in[0], out[1], err[1], st[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(st[1]);

	const char *input = o->stdin_secret ? o->stdin_secret->data
			    : o->stdin_text ? o->stdin_text
					    : NULL;
	size_t in_len = o->stdin_secret ? o->stdin_secret->len : input ? strlen(input) : 0;
	size_t in_off = 0;
	if (!input) {
		close(in[1]);
		in[1] = -1;
	} else
		fcntl(in[1], F_SETFL, O_NONBLOCK);

	azl_buf cap = {0}, logbuf = {0};
	int fds_open = 2;
	signal(SIGPIPE, SIG_IGN);
	while (fds_open > 0 || in[1] >= 0) {
		struct pollfd p[3] = {
			{.fd = out[0], .events = POLLIN},
			{.fd = err[0], .events = POLLIN},
			{.fd = in[1], .events = POLLOUT},
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char chunk[4096];
			ssize_t k = read(p[i].fd, chunk, sizeof(chunk));
			if (k <= 0) {
				if (k < 0 && errno == EINTR)
					continue;
				close(p[i].fd);
				if (i == 0)
					out[0] = -1;
				else
					err[0] = -1;
				fds_open--;
				continue;
			}
			if (o->tee_fd > 0 && !(i == 0 && o->capture) &&
			    write_all(o->tee_fd, chunk, (size_t)k) < 0)
				log_warning("cannot write the output of '%s' to its log file",
					    argv[0]);
			if (i == 0 && o->capture)
				buf_appendn(&cap, chunk, (size_t)k);
			else if (!o->quiet)
				buf_appendn(&logbuf, chunk, (size_t)k);
		}
		if (in[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t k =
				in_off < in_len ? write(in[1], input + in_off, in_len - in_off) : 0;
			if (k > 0)
				in_off += (size_t)k;
			if (k < 0 && errno == EAGAIN)
				continue;
			if (k <= 0 || in_off >= in_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}

	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	int exec_errno = 0;
	ssize_t k = read(st[0], &exec_errno, sizeof(exec_errno));
	close(st[0]);
	if (logbuf.len)
		log_raw(logbuf.data, logbuf.len);
	buf_free(&logbuf);
	if (k == (ssize_t)sizeof(exec_errno) && exec_errno) {
		buf_free(&cap);
		log_error("cannot run '%s': %s", argv[0], strerror(exec_errno));
		return -exec_errno;
	}
	if (o->capture)
		*o->capture = buf_steal(&cap);
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status))
			log_info("'%s' exited with status %d", argv[0], WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status)) {
		log_info("'%s' was killed by signal %d", argv[0], WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return -EIO;
}

int spawn_check(char *const argv[], const azl_spawn_opts *o)
{
	int r = spawn_run(argv, o);
	if (r < 0)
		return r;
	if (r != 0) {
		_cleanup_free_ char *cmd = argv_to_string(argv);
		log_error("'%s' failed with status %d", cmd, r);
		return -EIO;
	}
	return 0;
}
