/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xio.h - safe I/O for the utilities: full reads and writes, extent-aware
 * copies, and files replaced atomically (temp file beside the target,
 * fsync, rename).
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_XIO_H
#define UML_XIO_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* pread/pwrite until LEN bytes or end of file; retry on EINTR.  Return
 * the bytes done or -errno. */
ssize_t xpread(int fd, void *buf, size_t len, uint64_t off);
ssize_t xpwrite(int fd, const void *buf, size_t len, uint64_t off);
ssize_t xwrite(int fd, const void *buf, size_t len);

/* The unix socket LEAF in the directory DFD, which may belong to someone
 * else, for connect() or bind() by name without a race: LEAF is opened
 * with O_PATH|O_NOFOLLOW and must be a socket with one link, and its
 * /proc/self/fd/N name (which resolves to that very inode) is written
 * to NAME (at least 32 bytes).  Returns the O_PATH fd, to be closed after
 * the connect, or -errno (-ENOTSOCK for anything else, a symlink too). */
int xsocket_at(int dfd, const char *leaf, char *name, size_t len);

/* Copy LEN bytes from IN at IN_OFF to OUT at OUT_OFF, with
 * copy_file_range when it works, pread/pwrite otherwise.  Returns 0 or
 * -errno (-ENODATA when IN ends early). */
int xcopy_range(int in, uint64_t in_off, int out, uint64_t out_off,
		uint64_t len);

/* Copy LEN bytes as xcopy_range() does, into a range of OUT that is a
 * hole, leaving every all-zero GRAN-byte piece (aligned to OUT_OFF + k *
 * GRAN) unwritten, so that it stays a hole. */
int xcopy_sparse(int in, uint64_t in_off, int out, uint64_t out_off,
		 uint64_t len, size_t gran);

/* Share LEN bytes of IN at IN_OFF into OUT at OUT_OFF (FICLONERANGE).
 * Returns 0, -EOPNOTSUPP where the filesystem cannot (or the offsets are
 * not block-aligned), or -errno. */
int xreflink_range(int in, uint64_t in_off, int out, uint64_t out_off,
		   uint64_t len);

/* The next allocated extent of FD at or after *START and before END:
 * sets *START and *LEN and returns 1, or returns 0 when there is none.
 * Filesystems without SEEK_DATA report one extent covering everything. */
int xnext_data(int fd, uint64_t end, uint64_t *start, uint64_t *len);

/* Whether LEN bytes at BUF are all zero. */
int xis_zero(const void *buf, size_t len);

/* Text from outside (a path from a COW header, a guest's mconsole reply)
 * made safe for a terminal: C0 controls, DEL and the UTF-8 forms of the C1
 * controls become \xHH and a backslash becomes \\; with KEEP_LINES (for
 * multi-line text) newlines, tabs and backslashes stay as they are. */
void xfputs_safe(const char *s, FILE *f, int keep_lines);
/* The same as a malloc'd string (exits on out of memory). */
char *xescape(const char *s);

/* A file written under a temporary name beside its final path. */
struct xtmp {
	int fd;
	char *path;	/* final path */
	char *tmp;	/* temporary path, or NULL once committed */
};

/* The process's umask (read without changing it for good). */
mode_t xumask(void);

/* Create the temporary file beside PATH, with the permission bits MODE
 * less the umask, as open(2) would give a new file. */
int xtmp_open(struct xtmp *t, const char *path, mode_t mode);
/* fsync it, rename it over PATH (or, with NOREPLACE, fail with -EEXIST
 * when PATH exists), fsync the directory. */
int xtmp_commit(struct xtmp *t, int noreplace);
/* Remove the temporary file (if any) and free T. */
void xtmp_abort(struct xtmp *t);

/* On SIGINT, SIGTERM, SIGHUP and SIGPIPE remove the pending temporary
 * file of T before dying of the signal. */
void xtmp_cleanup_on_signals(struct xtmp *t);

/* A progress line on stderr when it is a terminal and the work has taken
 * more than a second. */
struct xprogress {
	const char *what;
	uint64_t total;
	uint64_t done;
	int64_t start_ms;
	int64_t last_ms;
	int enabled;
	int shown;
};

void xprogress_init(struct xprogress *p, const char *what, uint64_t total,
		    int quiet);
void xprogress_add(struct xprogress *p, uint64_t n);
void xprogress_done(struct xprogress *p);

#endif
