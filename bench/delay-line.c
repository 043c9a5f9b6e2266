/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A TCP delay line, for bench-network.sh on a kernel without netem
 * (CONFIG_NET_SCH_NETEM unset: tc cannot delay packets there). Built by
 * the benchmark itself (cc -O2 -pthread); not part of the installer.
 *
 *     delay-line LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT ONE_WAY_MS
 *
 * Every connection to LISTEN is relayed to TARGET; each chunk read from
 * either side is written to the other ONE_WAY_MS after it arrived, so a
 * request and its answer take one round trip (2 x ONE_WAY_MS) more than
 * over the loopback, and a new connection's first request one more (the
 * TCP handshake a real path of that length costs). What it does not
 * model: TCP's slow start and loss over the long path (the relayed
 * connections are local), and the delay of single packets within a chunk.
 * Buffering is bounded (64 chunks of at most 256 KiB per direction), so a
 * slow reader slows the writer as on a real path.
 *
 * It does what bench/delay-line.py did, in C with a thread per direction
 * and side: the Python relay took a core of this 2-core machine at
 * 900 Mbit/s, which the installer and dnf then did not have. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)
#define QLEN  64

typedef struct chunk {
	struct timespec due;
	ssize_t n; /* <= 0: the end of this direction */
	char *data;
} chunk;

typedef struct dir {
	int in, out;
	long extra_ns; /* more delay for the first chunk */
	chunk q[QLEN];
	size_t head, len;
	bool dead; /* the writer failed: the reader stops */
	pthread_mutex_t lock;
	pthread_cond_t cond;
} dir;

typedef struct conn {
	int client, server;
	dir dirs[2];
} conn;

static long delay_ns;

static void add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns % 1000000000L;
	t->tv_sec += ns / 1000000000L + t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

static void *reader(void *arg)
{
	dir *d = arg;
	long extra = d->extra_ns;
	for (;;) {
		char *buf = malloc(CHUNK);
		ssize_t n = buf ? read(d->in, buf, CHUNK) : -1;
		if (n < 0 && errno == EINTR) {
			free(buf);
			continue;
		}
		chunk c = {.n = n, .data = buf};
		clock_gettime(CLOCK_MONOTONIC, &c.due);
		add_ns(&c.due, delay_ns + extra);
		extra = 0;
		pthread_mutex_lock(&d->lock);
		while (d->len == QLEN && !d->dead)
			pthread_cond_wait(&d->cond, &d->lock);
		if (d->dead) {
			pthread_mutex_unlock(&d->lock);
			free(buf);
			return NULL;
		}
		d->q[(d->head + d->len++) % QLEN] = c;
		pthread_cond_broadcast(&d->cond);
		pthread_mutex_unlock(&d->lock);
		if (n <= 0)
			return NULL;
	}
}

static void *writer(void *arg)
{
	dir *d = arg;
	for (;;) {
		pthread_mutex_lock(&d->lock);
		while (d->len == 0)
			pthread_cond_wait(&d->cond, &d->lock);
		chunk c = d->q[d->head];
		d->head = (d->head + 1) % QLEN;
		d->len--;
		pthread_cond_broadcast(&d->cond);
		pthread_mutex_unlock(&d->lock);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &c.due, NULL) == EINTR)
			;
		bool ok = c.n > 0;
		for (ssize_t off = 0; ok && off < c.n;) {
			ssize_t w = write(d->out, c.data + off, (size_t)(c.n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				ok = false;
			else
				off += w;
		}
		free(c.data);
		if (!ok) {
			shutdown(d->out, SHUT_WR);
			if (c.n > 0) {
				/* The far side is gone: stop reading this direction. */
				shutdown(d->in, SHUT_RD);
				pthread_mutex_lock(&d->lock);
				d->dead = true;
				while (d->len) {
					free(d->q[d->head].data);
					d->head = (d->head + 1) % QLEN;
					d->len--;
				}
				pthread_cond_broadcast(&d->cond);
				pthread_mutex_unlock(&d->lock);
			}
			return NULL;
		}
	}
}

static int dial(const char *host, const char *port, bool listen_on)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0 && listen_on) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 512) < 0) {
			close(fd);
			fd = -1;
		}
	} else if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static const char *thost, *tport;

static void *connection(void *arg)
{
	conn *c = arg;
	c->server = dial(thost, tport, false);
	if (c->server >= 0) {
		pthread_t t[4];
		/* client -> server pays the handshake's round trip first. */
		c->dirs[0] = (dir){.in = c->client, .out = c->server, .extra_ns = 2 * delay_ns};
		c->dirs[1] = (dir){.in = c->server, .out = c->client};
		for (int k = 0; k < 2; k++) {
			pthread_mutex_init(&c->dirs[k].lock, NULL);
			pthread_cond_init(&c->dirs[k].cond, NULL);
		}
		int started = 0;
		for (int k = 0; k < 2; k++) {
			started += pthread_create(&t[started], NULL, reader, &c->dirs[k]) == 0;
			started += pthread_create(&t[started], NULL, writer, &c->dirs[k]) == 0;
		}
		if (started < 4) {
			fprintf(stderr, "delay-line: cannot start threads\n");
			exit(1);
		}
		for (int k = 0; k < 4; k++)
			pthread_join(t[k], NULL);
		close(c->server);
	}
	close(c->client);
	free(c);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr,
			"usage: delay-line LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT ONE_WAY_MS\n");
		return 2;
	}
	thost = argv[3];
	tport = argv[4];
	delay_ns = (long)(atof(argv[5]) * 1e6);
	signal(SIGPIPE, SIG_IGN);
	int lfd = dial(argv[1], argv[2], true);
	if (lfd < 0) {
		fprintf(stderr, "delay-line: cannot listen on %s:%s: %m\n", argv[1], argv[2]);
		return 1;
	}
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			usleep(10000); /* out of descriptors: not a busy loop */
			continue;
		}
		conn *c = calloc(1, sizeof(*c));
		pthread_t t;
		if (c)
			c->client = fd;
		if (!c || pthread_create(&t, &attr, connection, c) != 0) {
			close(fd);
			free(c);
		}
	}
}
