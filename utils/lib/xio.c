// SPDX-License-Identifier: GPL-2.0-only
/*
 * xio.c - safe I/O helpers (see xio.h).
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "xio.h"

#define XIO_BUF	(1U << 20)

int xsocket_at(int dfd, const char *leaf, char *name, size_t len)
{
	struct stat st;
	int fd, n;

	fd = openat(dfd, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	n = snprintf(name, len, "/proc/self/fd/%d", fd);
	if (!S_ISSOCK(st.st_mode) || st.st_nlink != 1 || n < 0 ||
	    (size_t)n >= len) {
		close(fd);
		return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : -ENOTSOCK;
	}
	return fd;
}

/*
 * pread() into RBUF, or else pwrite() from WBUF, until LEN bytes are done:
 * the count, short only at the end of the file when reading, or -errno
 * (-EIO when a write makes no progress).
 */
static ssize_t xpio(int fd, char *rbuf, const char *wbuf, size_t len,
		    uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = rbuf ? pread(fd, rbuf + done, len - done,
					 (off_t)(off + done)) :
				   pwrite(fd, wbuf + done, len - done,
					  (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			if (rbuf)
				break;
			return -EIO;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t xpread(int fd, void *buf, size_t len, uint64_t off)
{
	return xpio(fd, buf, NULL, len, off);
}

ssize_t xpwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	return xpio(fd, NULL, buf, len, off);
}

ssize_t xwrite(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int xis_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/* Compare the buffer against itself shifted by 16 bytes. */
	if (len < 16) {
		while (len--)
			if (*p++)
				return 0;
		return 1;
	}
	for (size_t i = 0; i < 16; i++)
		if (p[i])
			return 0;
	return memcmp(p, p + 16, len - 16) == 0;
}

/* The end, at most CHUNK, of the run from I of BUF's pieces (each up to
 * the next GRAN boundary of OUT, which BUF goes to at OUT_OFF) that are
 * all zero (ZERO) or, with !ZERO, none of them all zero. */
static size_t run_end(const char *buf, size_t i, size_t chunk,
		      uint64_t out_off, size_t gran, int zero)
{
	size_t p;

	for (; i < chunk; i += p) {
		p = gran - (size_t)((out_off + i) % gran);
		p = chunk - i < p ? chunk - i : p;
		if ((xis_zero(buf + i, p) != 0) != zero)
			break;
	}
	return i;
}

/* Write CHUNK bytes of BUF to OUT at OUT_OFF: all of them (GRAN 0), or
 * only the runs of GRAN pieces (as run_end cuts them) not all zero. */
static int write_chunk(int out, const char *buf, size_t chunk,
		       uint64_t out_off, size_t gran)
{
	size_t start, i = 0;
	ssize_t n;

	while (i < chunk) {
		start = gran ? run_end(buf, i, chunk, out_off, gran, 1) : i;
		i = gran ? run_end(buf, start, chunk, out_off, gran, 0) : chunk;
		if (i > start) {
			n = xpwrite(out, buf + start, i - start, out_off + start);
			if (n < 0)
				return (int)n;
		}
	}
	return 0;
}

/* Copy LEN bytes through a buffer, writing them as write_chunk does. */
static int copy_buffered(int in, uint64_t in_off, int out, uint64_t out_off,
			 uint64_t len, size_t gran)
{
	size_t bufsz = gran ? XIO_BUF - XIO_BUF % gran : XIO_BUF;
	char *buf = malloc(bufsz);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	while (len) {
		size_t chunk = len < bufsz ? (size_t)len : bufsz;
		ssize_t n = xpread(in, buf, chunk, in_off);

		if (n < 0 || (size_t)n < chunk) {
			ret = n < 0 ? (int)n : -ENODATA;
			break;
		}
		ret = write_chunk(out, buf, chunk, out_off, gran);
		if (ret)
			break;
		in_off += chunk;
		out_off += chunk;
		len -= chunk;
	}
	free(buf);
	return ret;
}

int xcopy_range(int in, uint64_t in_off, int out, uint64_t out_off,
		uint64_t len)
{
	static int no_cfr;

	while (len && !no_cfr) {
		loff_t ioff = (loff_t)in_off, ooff = (loff_t)out_off;
		size_t chunk = len < (UINT64_C(1) << 30) ? (size_t)len : 1U << 30;
		ssize_t n = copy_file_range(in, &ioff, out, &ooff, chunk, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EXDEV || errno == EINVAL ||
			    errno == ENOSYS || errno == EOPNOTSUPP) {
				no_cfr = 1;
				break;
			}
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		in_off += (uint64_t)n;
		out_off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	if (!len)
		return 0;
	return copy_buffered(in, in_off, out, out_off, len, 0);
}

int xcopy_sparse(int in, uint64_t in_off, int out, uint64_t out_off,
		 uint64_t len, size_t gran)
{
	return copy_buffered(in, in_off, out, out_off, len, gran);
}

int xreflink_range(int in, uint64_t in_off, int out, uint64_t out_off,
		   uint64_t len)
{
	struct file_clone_range r = {
		.src_fd = in,
		.src_offset = in_off,
		.src_length = len,
		.dest_offset = out_off,
	};

	if (!len || (in_off | out_off | len) % 4096)
		return -EOPNOTSUPP;
	if (ioctl(out, FICLONERANGE, &r) == 0)
		return 0;
	if (errno == EXDEV || errno == EINVAL || errno == ENOTTY ||
	    errno == EOPNOTSUPP || errno == EBADF)
		return -EOPNOTSUPP;
	return -errno;
}

int xnext_data(int fd, uint64_t end, uint64_t *start, uint64_t *len)
{
	off_t d, h;

	if (*start >= end)
		return 0;
	d = lseek(fd, (off_t)*start, SEEK_DATA);
	if (d < 0) {
		if (errno == ENXIO)
			return 0;
		/* No SEEK_DATA here: everything counts as data. */
		*len = end - *start;
		return 1;
	}
	if ((uint64_t)d >= end)
		return 0;
	h = lseek(fd, d, SEEK_HOLE);
	if (h < 0 || (uint64_t)h > end)
		h = (off_t)end;
	*start = (uint64_t)d;
	*len = (uint64_t)h - (uint64_t)d;
	return 1;
}

/* Whether the byte at S must be escaped; sets *N to the bytes it covers. */
static int needs_escape(const unsigned char *s, int keep_lines, size_t *n)
{
	*n = 1;
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
		*n = 2;
		return 1;
	}
	if (keep_lines && (s[0] == '\n' || s[0] == '\t'))
		return 0;
	return s[0] < 0x20 || s[0] == 0x7f || (!keep_lines && s[0] == '\\');
}

void xfputs_safe(const char *s, FILE *f, int keep_lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;

	while (*p) {
		if (!needs_escape(p, keep_lines, &n)) {
			fputc(*p++, f);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (p[i] == '\\')
				fputs("\\\\", f);
			else
				fprintf(f, "\\x%02x", p[i]);
		}
		p += n;
	}
}

char *xescape(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		errx(EXIT_FAILURE, "out of memory");
	xfputs_safe(s, f, 0);
	if (fclose(f) != 0 || !buf)
		errx(EXIT_FAILURE, "out of memory");
	return buf;
}

mode_t xumask(void)
{
	mode_t mask = umask(022);

	umask(mask);
	return mask;
}

int xtmp_open(struct xtmp *t, const char *path, mode_t mode)
{
	char *copy = NULL;
	const char *dir, *base;
	size_t n;
	int ret;

	t->fd = -1;
	t->tmp = NULL;
	t->path = strdup(path);
	copy = strdup(path);
	if (!t->path || !copy) {
		ret = -ENOMEM;
		goto fail;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dir = dirname(copy);
	n = strlen(dir) + strlen(base) + sizeof("/..XXXXXX");
	t->tmp = malloc(n);
	if (!t->tmp) {
		ret = -ENOMEM;
		goto fail;
	}
	snprintf(t->tmp, n, "%s/.%s.XXXXXX", dir, base);
	t->fd = mkostemp(t->tmp, O_CLOEXEC);
	if (t->fd < 0) {
		ret = -errno;
		free(t->tmp);
		t->tmp = NULL;
		goto fail;
	}
	if (fchmod(t->fd, mode & ~xumask()) < 0) {
		ret = -errno;
		goto fail;
	}
	free(copy);
	return 0;
fail:
	free(copy);
	xtmp_abort(t);
	return ret;
}

static int fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

int xtmp_commit(struct xtmp *t, int noreplace)
{
	int ret;

	if (fsync(t->fd) < 0)
		return -errno;
	if (noreplace) {
		/* Fails with EEXIST rather than replacing PATH; link() where
		 * the filesystem has no RENAME_NOREPLACE. */
		if (renameat2(AT_FDCWD, t->tmp, AT_FDCWD, t->path,
			      RENAME_NOREPLACE) < 0) {
			if (errno != EINVAL && errno != ENOSYS)
				return -errno;
			if (link(t->tmp, t->path) < 0)
				return -errno;
			unlink(t->tmp);
		}
	} else if (rename(t->tmp, t->path) < 0) {
		return -errno;
	}
	free(t->tmp);
	t->tmp = NULL;
	ret = fsync_dir_of(t->path);
	close(t->fd);
	t->fd = -1;
	free(t->path);
	t->path = NULL;
	return ret;
}

static struct xtmp *pending;

void xtmp_abort(struct xtmp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->tmp)
		unlink(t->tmp);
	free(t->tmp);
	t->tmp = NULL;
	free(t->path);
	t->path = NULL;
	if (pending == t)
		pending = NULL;
}

static void on_signal(int sig)
{
	if (pending && pending->tmp)
		unlink(pending->tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

void xtmp_cleanup_on_signals(struct xtmp *t)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa;

	pending = t;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void xprogress_init(struct xprogress *p, const char *what, uint64_t total,
		    int quiet)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->total = total;
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->start_ms = now_ms();
}

void xprogress_add(struct xprogress *p, uint64_t n)
{
	int64_t t;

	p->done += n;
	if (!p->enabled)
		return;
	t = now_ms();
	if (t - p->start_ms < 1000 || t - p->last_ms < 200)
		return;
	p->last_ms = t;
	p->shown = 1;
	fprintf(stderr, "\r%s: %3u%% (%llu of %llu MiB)", p->what,
		p->total ? (unsigned)(p->done * 100 / p->total) : 100U,
		(unsigned long long)(p->done >> 20),
		(unsigned long long)(p->total >> 20));
}

void xprogress_done(struct xprogress *p)
{
	if (p->shown)
		fprintf(stderr, "\r%s: 100%% (%llu MiB) done\n", p->what,
			(unsigned long long)(p->total >> 20));
	p->shown = 0;
}
