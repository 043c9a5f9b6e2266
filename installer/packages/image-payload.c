/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image-payload.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "i18n.h"
#include "log.h"
#include "progress.h"
#include "spawn.h"
#include "trust.h"
#include "util.h"

const char *archive_adapter_version(void)
{
	return archive_version_details();
}

/* The download: fetch_to_fd() on its own thread, writing into a pipe
 * whose other end libarchive reads. */
typedef struct fetcher {
	const char *url;
	const char *ca_file;
	int fd; /* the pipe's write end, closed by the thread */
	int r;
	char *error;
	pthread_t thread;
} fetcher;

static void *fetch_thread(void *data)
{
	fetcher *f = data;
	/* A reader that gave up closes its end: the write then fails with
	 * EPIPE instead of killing the installer. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	f->r = fetch_to_fd(f->url, f->ca_file, f->fd, IMAGE_MAX_BYTES, &f->error);
	close(f->fd);
	f->fd = -1;
	return NULL;
}

/* libarchive's source: the pipe, hashed as it is read. */
typedef struct stream {
	int fd;
	gcry_md_hd_t md;
	uint64_t bytes;
	bool squashfs; /* the first block (peek bytes of buf) was squashfs */
	size_t peek;
	unsigned char buf[1 << 16];
} stream;

static la_ssize_t on_read(struct archive *a, void *data, const void **block)
{
	stream *s = data;
	for (;;) {
		ssize_t k = read(s->fd, s->buf, sizeof(s->buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			archive_set_error(a, errno, "%s", strerror(errno));
			return -1;
		}
		/* The first read may be short (a pipe): the magic needs 4. */
		while (s->bytes == 0 && k > 0 && k < 4) {
			ssize_t more = read(s->fd, s->buf + k, sizeof(s->buf) - (size_t)k);
			if (more < 0 && errno == EINTR)
				continue;
			if (more < 0) {
				archive_set_error(a, errno, "%s", strerror(errno));
				return -1;
			}
			if (more == 0)
				break;
			k += more;
		}
		/* squashfs ("hsqs", little-endian): not for libarchive;
		 * image_squashfs() takes the stream over from here. */
		if (s->bytes == 0 && k >= 4 && memcmp(s->buf, "hsqs", 4) == 0) {
			s->squashfs = true;
			s->peek = (size_t)k;
			archive_set_error(a, EPROTONOSUPPORT, "squashfs");
			return -1;
		}
		gcry_md_write(s->md, s->buf, (size_t)k);
		s->bytes += (uint64_t)k;
		*block = s->buf;
		return k;
	}
}

/* The rest of the stream after the archive's end (tar's padding), so the
 * checksum covers the whole file. */
static int drain(stream *s)
{
	for (;;) {
		ssize_t k = read(s->fd, s->buf, sizeof(s->buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return 0;
		gcry_md_write(s->md, s->buf, (size_t)k);
		s->bytes += (uint64_t)k;
	}
}

/* What the image's entries keep and what they may not do. */
static const int extract_flags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
				 ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
				 ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_FFLAGS |
				 ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				 ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

static int copy_data(struct archive *a, struct archive *w)
{
	for (;;) {
		const void *block;
		size_t size;
		la_int64_t offset;
		int r = archive_read_data_block(a, &block, &size, &offset);
		if (r == ARCHIVE_EOF)
			return ARCHIVE_OK;
		if (r < ARCHIVE_WARN)
			return r;
		la_ssize_t k = archive_write_data_block(w, block, size, offset);
		if (k < ARCHIVE_WARN)
			return (int)k;
	}
}

static int archive_errno_of(struct archive *a, int def)
{
	int e = archive_errno(a);
	return e > 0 ? -e : def;
}

/* Starts writing a file just unpacked to the disk, as dpkg does: the
 * kernel writes it while the next ones are unpacked, instead of all of
 * them at the end (the target's unmount) when the machine has the RAM to
 * hold the whole image dirty. Best effort: no wait, nothing to fail. */
#define WRITEBACK_MIN_BYTES (128 * 1024)

static void start_writeback(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	close(fd);
}

/* Every entry of a into w (whose paths are relative to the current
 * directory, the target's root). */
static int extract(azl_run_ctx *ctx, struct archive *a, struct archive *w, const char *shown,
		   uint64_t *ret_entries)
{
	struct archive_entry *e;
	uint64_t n = 0;
	time_t last = time(NULL);
	for (;;) {
		if (run_cancelled(ctx))
			return -EINTR;
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return log_error_errno(archive_errno_of(a, -EPROTO),
					       "image '%s' cannot be read as a tarball: %s", shown,
					       archive_error_string(a));
		const char *path = archive_entry_pathname(e);
		r = archive_write_header(w, e);
		if (r < ARCHIVE_WARN)
			return log_error_errno(-EPROTO, "image '%s': entry '%s' refused: %s", shown,
					       path ? path : "?", archive_error_string(w));
		if (r == ARCHIVE_WARN)
			log_warning("image '%s': entry '%s': %s", shown, path ? path : "?",
				    archive_error_string(w));
		if (archive_entry_size(e) > 0) {
			r = copy_data(a, w);
			if (r < ARCHIVE_WARN)
				return log_error_errno(-EIO, "image '%s': writing '%s' failed: %s",
						       shown, path ? path : "?",
						       archive_error_string(w)
							       ? archive_error_string(w)
							       : archive_error_string(a));
		}
		r = archive_write_finish_entry(w);
		if (r < ARCHIVE_WARN)
			return log_error_errno(-EIO, "image '%s': finishing '%s' failed: %s", shown,
					       path ? path : "?", archive_error_string(w));
		if (path && archive_entry_filetype(e) == AE_IFREG &&
		    archive_entry_size(e) >= WRITEBACK_MIN_BYTES)
			start_writeback(path);
		n++;
		time_t now = time(NULL);
		if (now != last) {
			last = now;
			progress_phase(AZL_PHASE_IMAGE, 50, _("Installing the image: %llu files"),
				       (unsigned long long)n);
		}
	}
	if (archive_write_close(w) < ARCHIVE_WARN)
		return log_error_errno(-EIO, "image '%s': %s", shown, archive_error_string(w));
	*ret_entries = n;
	return 0;
}

static char *hex(const unsigned char *b, size_t n)
{
	char *h = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++)
		snprintf(h + 2 * i, 3, "%02x", b[i]);
	return h;
}

static int image_stream(azl_run_ctx *ctx, const azl_image *im, const char *shown, const char *root,
			int root_fd, int cwd);

/* A squashfs image cannot be read as a stream: the rest of it goes into a
 * file on the target's own disk (never RAM or the live system), hashed on
 * the way; unsquashfs then writes it out under root (ownership, modes,
 * hard links, devices and xattrs, security.selinux included; no mount to
 * undo, no loop device) and the file is removed. */
#define SQUASHFS_FILE ".azl-image.squashfs"

static int squashfs_save(stream *s, int root_fd, const char *shown)
{
	int fd = openat(root_fd, SQUASHFS_FILE,
			O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return log_error_errno(-errno, "cannot write '/%s' in the target", SQUASHFS_FILE);
	gcry_md_write(s->md, s->buf, s->peek);
	s->bytes += s->peek;
	size_t k = s->peek;
	int r = 0;
	for (;;) {
		for (size_t done = 0; done < k;) {
			ssize_t w = write(fd, s->buf + done, k - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				r = log_error_errno(-errno,
						    "image '%s': cannot write '/%s' in the target",
						    shown, SQUASHFS_FILE);
				break;
			}
			done += (size_t)w;
		}
		if (r < 0)
			break;
		ssize_t n = read(s->fd, s->buf, sizeof(s->buf));
		if (n < 0 && errno == EINTR) {
			k = 0;
			continue;
		}
		if (n < 0) {
			r = log_error_errno(-errno, "image '%s': reading failed", shown);
			break;
		}
		if (n == 0)
			break;
		gcry_md_write(s->md, s->buf, (size_t)n);
		s->bytes += (uint64_t)n;
		k = (size_t)n;
	}
	if (close(fd) < 0 && r >= 0)
		r = log_error_errno(-errno, "cannot write '/%s' in the target", SQUASHFS_FILE);
	return r;
}

static int squashfs_extract(const char *root, const char *shown)
{
	_cleanup_free_ char *file = xasprintf("%s/%s", root, SQUASHFS_FILE);
	/* Its data and fragment queues default to 256 MiB each: 268 MiB of
	 * RSS whatever the image's size (bench/bench-image-rss.sh), too much
	 * for a live system with little RAM; 16 MiB each cost no speed
	 * there (docs/performance.md). */
	char *argv[] = {
		"unsquashfs", "-f", "-no-progress", "-da", "16", "-fr",
		"16",	      "-d", (char *)root,   file,  NULL,
	};
	azl_spawn_opts o = {.quiet = true};
	int r = spawn_check(argv, &o);
	if (r < 0)
		return log_error_errno(
			r,
			"image '%s': unsquashfs could not write the squashfs image into the target",
			shown);
	return 0;
}

int image_install(azl_run_ctx *ctx, const azl_image *im, const char *root)
{
	_cleanup_free_ char *url = redact_urls(im->url);
	log_info("image: streaming '%s' into '%s'", url, root);
	progress_phase(AZL_PHASE_IMAGE, 0, _("Installing the image"));
	if (!gcry_check_version(NULL))
		return log_error_errno(-EIO, "libgcrypt cannot be initialised");
	int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return log_error_errno(-errno, "cannot open '%s'", root);
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0) {
		int k = -errno;
		close(root_fd);
		return log_error_errno(k, "cannot open the current directory");
	}
	_cleanup_free_ char *shown = redact_urls(im->url);
	int r = image_stream(ctx, im, shown, root, root_fd, cwd);
	close(cwd);
	close(root_fd);
	if (r < 0)
		return r;
	_cleanup_free_ char *kernel = NULL;
	r = image_find_kernel(root, &kernel);
	if (r < 0)
		return r;
	log_info("image: kernel '/%s'", kernel);
	return 0;
}

/* The download, the extraction under root_fd and the checksum. */
static int image_stream(azl_run_ctx *ctx, const azl_image *im, const char *shown, const char *root,
			int root_fd, int cwd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "cannot make a pipe");

	stream *s = xzalloc(sizeof(*s));
	s->fd = p[0];
	if (gcry_md_open(&s->md, GCRY_MD_SHA256, 0) != 0) {
		close(p[0]);
		close(p[1]);
		free(s);
		return log_error_errno(-EIO, "cannot compute SHA-256");
	}
	fetcher f = {.url = im->url, .ca_file = im->ca_cert, .fd = p[1]};
	int r = -pthread_create(&f.thread, NULL, fetch_thread, &f);
	if (r < 0) {
		close(p[0]);
		close(p[1]);
		gcry_md_close(s->md);
		free(s);
		return log_error_errno(r, "cannot start the download");
	}

	struct archive *a = archive_read_new();
	struct archive *w = archive_write_disk_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_bzip2(a);
	/* Numeric ids as the image has them: the live system's user names
	 * are not the target's (no archive_write_disk_set_standard_lookup). */
	archive_write_disk_set_options(w, extract_flags);

	uint64_t entries = 0;
	bool squashfs = false;
	if (fchdir(root_fd) < 0)
		r = log_error_errno(-errno, "cannot enter '%s'", root);
	else if (archive_read_open(a, s, NULL, on_read, NULL) == ARCHIVE_OK)
		r = extract(ctx, a, w, shown, &entries);
	else if (s->squashfs) {
		squashfs = true;
		r = squashfs_save(s, root_fd, shown);
	} else
		r = log_error_errno(archive_errno_of(a, -EPROTO),
				    "image '%s' cannot be read as a tarball: %s", shown,
				    archive_error_string(a));
	if (r >= 0 && !squashfs) {
		int k = drain(s);
		if (k < 0)
			r = log_error_errno(k, "image '%s': reading failed", shown);
	}
	if (fchdir(cwd) < 0)
		log_warning("cannot return to the previous directory: %m");
	/* Stops the download when the extraction gave up early. */
	close(s->fd);
	pthread_join(f.thread, NULL);
	archive_read_free(a);
	archive_write_free(w);

	/* A failed download explains a truncated or unreadable archive
	 * better than libarchive does; -EPIPE: the extraction gave up
	 * first and said why. */
	if (f.r == -EINTR || run_cancelled(ctx))
		r = -EINTR;
	else if (f.r < 0 && f.r != -EPIPE)
		r = log_error_errno(f.r, "%s", f.error ? f.error : strerror(-f.r));
	free(f.error);
	_cleanup_free_ char *sum = hex(gcry_md_read(s->md, GCRY_MD_SHA256), 32);
	uint64_t bytes = s->bytes;
	gcry_md_close(s->md);
	free(s);
	if (r >= 0)
		log_info("image: %s%llu entries, %llu bytes, sha256 %s",
			 squashfs ? "squashfs, " : "", (unsigned long long)entries,
			 (unsigned long long)bytes, sum);
	if (r >= 0 && im->checksum && strcasecmp(im->checksum, sum) != 0)
		r = log_error_errno(
			-EBADMSG,
			"image '%s' has SHA-256 %s, not the %s the answer file names; the target is not used; check the image and its checksum",
			shown, sum, im->checksum);
	if (r >= 0 && squashfs)
		r = squashfs_extract(root, shown);
	if (squashfs)
		unlinkat(root_fd, SQUASHFS_FILE, 0);
	if (r < 0)
		return r;
	progress_phase(AZL_PHASE_IMAGE, 100, _("Installed the image"));
	return 0;
}

int image_find_kernel(const char *root, char **ret)
{
	static const char *const patterns[] = {"usr/lib/modules/*/vmlinuz", "boot/vmlinuz-*"};
	for (size_t i = 0; i < ELEMENTSOF(patterns); i++) {
		_cleanup_free_ char *pat = xasprintf("%s/%s", root, patterns[i]);
		glob_t g = {0};
		if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
			*ret = xstrdup(g.gl_pathv[0] + strlen(root) + 1);
			globfree(&g);
			return 0;
		}
		globfree(&g);
	}
	return log_error_errno(
		-ENOENT,
		"the image carries no kernel: neither /usr/lib/modules/*/vmlinuz nor /boot/vmlinuz-* is in it; use an image of an installed system (with its kernel package)");
}
