// SPDX-License-Identifier: GPL-2.0-only
/*
 * uml_moo - merge a UML COW file with its backing file, into a new file
 * (atomically) or into the backing file in place (-d).
 *
 * The work follows the data: only the backing file's allocated extents
 * are copied (SEEK_DATA/SEEK_HOLE), minus the sectors the COW overrides,
 * and then the COW's dirty sectors, in runs.  A new file shares blocks
 * where the filesystem reflinks and otherwise keeps zero sectors as
 * holes; in place, the runs go through copy_file_range.
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/cow.h"
#include "lib/file.h"
#include "lib/util.h"
#include "lib/xio.h"

struct moo {
	const char *cow_path;
	const char *backing_path;
	const char *new_path;
	int destructive;
	int force;
	int quiet;
	int cow_fd;
	int back_fd;
	int backing_named;	/* -b: the user named the backing file */
	const char *shown;	/* the backing path, escaped for messages */
	mode_t back_mode;
	mode_t cow_mode;
	struct cow_header h;
	unsigned char *bm;
	uint64_t back_size;	/* real size of the backing file */
	int reflink;		/* -1 unknown, 0 no, 1 the filesystem shares blocks */
	struct xprogress pr;
};

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("[options] COW NEWFILE", "[options] -d COW", NULL);
	fputs(USAGE_SEPARATOR
	      "Merge a UML COW file with its backing file.\n", stdout);
	fputs(USAGE_OPTIONS
	      " -b, --backing FILE  use FILE as the backing file, not the one the COW names\n"
	      " -d, --destructive   merge into the backing file in place; an interrupted\n"
	      "                     run leaves it partly merged (every sector old or new):\n"
	      "                     run the same command again with --force to finish it\n"
	      " -f, --force         merge even if the backing file's size or mtime differ\n"
	      "                     from the COW's record; replace an existing NEWFILE\n"
	      " -q, --quiet         no progress display\n", stdout);
	usage_help_options(19);
	fputs(USAGE_SEPARATOR
	      "NEWFILE is written beside itself under a temporary name, synced and\n"
	      "renamed: an interrupted merge leaves no partial NEWFILE, and the COW and\n"
	      "backing files are never changed.\n", stdout);
	usage_end("uml_moo(1)");
}

static void check_lock(int fd, int exclusive, const char *path)
{
	pid_t holder;
	int ret = cow_lock(fd, exclusive, &holder);

	if (ret == -EAGAIN)
		errx(1, "%s: in use by a running guest (locked by pid %d); halt it first",
		     path, (int)holder);
	if (ret)
		errx(1, "%s: cannot lock: %s", path, strerror(-ret));
}

static void open_cow(struct moo *m)
{
	const char *why;
	int ret;

	struct stat st;

	m->cow_fd = open(m->cow_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (m->cow_fd < 0)
		err(1, "%s", m->cow_path);
	ret = cow_read(m->cow_fd, &m->h, &why);
	if (ret)
		errx(1, "%s: invalid COW file: %s", m->cow_path, why);
	if (fstat(m->cow_fd, &st) < 0)
		err(1, "%s", m->cow_path);
	m->cow_mode = st.st_mode;
	check_lock(m->cow_fd, 0, m->cow_path);
	if (!m->backing_path)
		m->backing_path = m->h.backing;
	m->shown = xescape(m->backing_path);
	if (same_inode(m->cow_fd, m->backing_path))
		errx(1, "%s: the COW file names itself as its backing file",
		     m->cow_path);
	ret = cow_load_bitmap(m->cow_fd, &m->h, &m->bm);
	if (ret)
		errx(1, "%s: cannot read the bitmap: %s", m->cow_path, strerror(-ret));
}

/*
 * -d writes the backing file, and a COW's header is only its maker's word:
 * the file it names is written when the user names it too (-b), or says
 * yes at a terminal.
 */
static void confirm_backing(struct moo *m)
{
	char line[16];

	if (!m->destructive || m->backing_named)
		return;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		errx(1, "%s: -d would write %s, which only the COW's header names; "
		     "confirm with -b %s", m->cow_path, m->shown, m->shown);
	fprintf(stderr, "%s: merge %s into %s, named in its header? [y/N] ",
		program_invocation_short_name, m->cow_path, m->shown);
	if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
		errx(1, "not confirmed: nothing was written");
}

/*
 * Open the backing file: a regular file or a block device, never anything
 * else (opening a character device or a FIFO can have effects of its own),
 * and the same file that was checked.
 */
static void open_backing(struct moo *m)
{
	int flags = (m->destructive ? O_RDWR : O_RDONLY) | O_CLOEXEC;
	struct stat st, fst;

	if (stat(m->backing_path, &st) < 0)
		err(1, "backing file %s", m->shown);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		errx(1, "backing file %s: not a regular file or a block device",
		     m->shown);
	m->back_fd = open(m->backing_path, flags | O_NONBLOCK | O_NOCTTY);
	if (m->back_fd < 0)
		err(1, "backing file %s", m->shown);
	if (fstat(m->back_fd, &fst) < 0)
		err(1, "backing file %s", m->shown);
	if (!same_stat(&fst, &st))
		errx(1, "backing file %s: replaced while it was opened", m->shown);
	flags = fcntl(m->back_fd, F_GETFL);
	if (flags < 0 || fcntl(m->back_fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		err(1, "backing file %s", m->shown);
	m->back_mode = fst.st_mode;
}

/* Size and mtime checks, as the kernel makes them when it opens the COW. */
static void check_backing(struct moo *m)
{
	int64_t mtime;
	int ret;

	confirm_backing(m);
	open_backing(m);
	ret = cow_backing_fstat(m->back_fd, &m->back_size, &mtime);
	if (ret)
		errx(1, "backing file %s: %s", m->shown, strerror(-ret));
	if (m->back_size != m->h.size && !m->force)
		errx(1, "backing file %s is %" PRIu64 " bytes, the COW recorded %" PRIu64
		     " (use --force to merge anyway)", m->shown, m->back_size,
		     m->h.size);
	if (mtime != (int64_t)m->h.mtime && !m->force)
		errx(1, "backing file %s was modified after the COW was made (mtime %"
		     PRId64 ", recorded %" PRIu32 "; use --force to merge anyway)",
		     m->shown, mtime, m->h.mtime);
	if (m->destructive)
		check_lock(m->back_fd, 1, m->shown);
}

/* The merged image holds both files' data: it is no more readable than
 * either of them. */
static mode_t merged_mode(const struct moo *m)
{
	mode_t mode = m->cow_mode & 0666;

	if (S_ISREG(m->back_mode))
		mode &= m->back_mode;
	return mode;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Byte range of sectors [s, e) clipped to the disk size. */
static uint64_t sector_end(const struct moo *m, uint64_t e)
{
	return min_u64(e * m->h.sectorsize, m->h.size);
}

/*
 * Copy into the output.  In place (-d) every byte is written.  Into the
 * new file (a hole where we write): share the blocks where the filesystem
 * can (reflink), else copy leaving all-zero sectors as holes, as sparse
 * as the classic tool makes them.
 */
static int copy_out(struct moo *m, int in, uint64_t in_off, int out,
		    uint64_t out_off, uint64_t len)
{
	uint64_t a = (out_off + 4095) / 4096 * 4096;
	uint64_t b = (out_off + len) / 4096 * 4096;
	int ret;

	if (m->destructive)
		return xcopy_range(in, in_off, out, out_off, len);
	if (m->reflink != 0 && b > a && (in_off - out_off) % 4096 == 0) {
		ret = xreflink_range(in, in_off + (a - out_off), out, a, b - a);
		if (ret == 0) {
			m->reflink = 1;
			ret = xcopy_sparse(in, in_off, out, out_off, a - out_off,
					   COW_DEFAULT_SECTORSIZE);
			if (!ret)
				ret = xcopy_sparse(in, in_off + (b - out_off), out, b,
						   out_off + len - b,
						   COW_DEFAULT_SECTORSIZE);
			return ret;
		}
		if (ret != -EOPNOTSUPP)
			return ret;
		m->reflink = 0;
	}
	return xcopy_sparse(in, in_off, out, out_off, len, COW_DEFAULT_SECTORSIZE);
}

static uint64_t dirty_bytes(const struct moo *m)
{
	uint64_t i = 0, k, total = 0, bits = m->h.bitmap_bits;

	while ((i = cow_bitmap_find(m->bm, i, bits, 1)) < bits) {
		k = cow_bitmap_find(m->bm, i, bits, 0);
		total += sector_end(m, k) - i * m->h.sectorsize;
		i = k;
	}
	return total;
}

/* Write every dirty run of the COW into OUT at its disk offset. */
static int copy_dirty(struct moo *m, int out)
{
	uint64_t i = 0, k, bits = m->h.bitmap_bits, ss = m->h.sectorsize;
	int ret;

	while ((i = cow_bitmap_find(m->bm, i, bits, 1)) < bits) {
		uint64_t len;

		k = cow_bitmap_find(m->bm, i, bits, 0);
		len = sector_end(m, k) - i * ss;
		ret = copy_out(m, m->cow_fd, m->h.data_offset + i * ss, out,
			       i * ss, len);
		if (ret)
			return ret;
		xprogress_add(&m->pr, len);
		i = k;
	}
	return 0;
}

/* Copy the backing file's bytes [a, b) except the sectors the COW
 * overrides. */
static int copy_clean(struct moo *m, int out, uint64_t a, uint64_t b)
{
	uint64_t ss = m->h.sectorsize, bits = m->h.bitmap_bits;
	uint64_t i = a / ss, end = (b + ss - 1) / ss;
	int ret;

	while (i < end) {
		uint64_t j = i < bits ? cow_bitmap_find(m->bm, i, min_u64(end, bits), 1) : end;
		uint64_t from, to;

		if (j == bits)
			j = end;
		from = i * ss > a ? i * ss : a;
		to = min_u64(j * ss, b);
		if (to > from) {
			ret = copy_out(m, m->back_fd, from, out, from, to - from);
			if (ret)
				return ret;
			xprogress_add(&m->pr, to - from);
		}
		if (j >= end)
			break;
		i = cow_bitmap_find(m->bm, j, min_u64(end, bits), 0);
	}
	return 0;
}

static uint64_t backing_data_bytes(struct moo *m, uint64_t limit)
{
	uint64_t off = 0, len, total = 0;

	while (xnext_data(m->back_fd, limit, &off, &len)) {
		total += len;
		off += len;
	}
	return total;
}

static int merge_new(struct moo *m)
{
	struct xtmp t = { .fd = -1 };
	uint64_t limit = min_u64(m->back_size, m->h.size), off = 0, len;
	struct stat st;
	int ret;

	if (lstat(m->new_path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			errx(1, "%s: is a directory", m->new_path);
		if (same_inode(m->cow_fd, m->new_path) ||
		    same_inode(m->back_fd, m->new_path))
			errx(1, "%s: is the COW or the backing file (use -d to merge in place)",
			     m->new_path);
		if (!m->force)
			errx(1, "%s: already exists (use --force to replace it)",
			     m->new_path);
	}
	ret = xtmp_open(&t, m->new_path, merged_mode(m));
	if (ret)
		errx(1, "%s: cannot create a temporary file beside it: %s",
		     m->new_path, strerror(-ret));
	xtmp_cleanup_on_signals(&t);
	xprogress_init(&m->pr, "uml_moo", backing_data_bytes(m, limit) + dirty_bytes(m),
		       m->quiet);
	if (ftruncate(t.fd, (off_t)m->h.size) < 0) {
		ret = -errno;
		goto fail;
	}
	while (xnext_data(m->back_fd, limit, &off, &len)) {
		ret = copy_clean(m, t.fd, off, off + len);
		if (ret)
			goto fail;
		off += len;
	}
	ret = copy_dirty(m, t.fd);
	if (ret)
		goto fail;
	ret = xtmp_commit(&t, !m->force);
	if (ret)
		goto fail;
	xprogress_done(&m->pr);
	return 0;
fail:
	xtmp_abort(&t);
	xprogress_done(&m->pr);
	if (ret == -EEXIST)
		errx(1, "%s: already exists (use --force to replace it)", m->new_path);
	errx(1, "%s: %s", m->new_path, strerror(-ret));
}

static int merge_in_place(struct moo *m)
{
	int ret;

	xprogress_init(&m->pr, "uml_moo", dirty_bytes(m), m->quiet);
	ret = copy_dirty(m, m->back_fd);
	if (!ret && fsync(m->back_fd) < 0)
		ret = -errno;
	xprogress_done(&m->pr);
	if (ret)
		errx(1, "%s: merge failed, the file is partly merged: %s",
		     m->shown, strerror(-ret));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backing", required_argument, NULL, 'b' },
		{ "destructive", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		LONGOPTS_HELP_VERSION
	};
	struct moo m = { .cow_fd = -1, .back_fd = -1, .reflink = -1 };
	int c, nargs;

	while ((c = getopt_long(argc, argv, "b:dfqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			m.backing_path = optarg;
			m.backing_named = 1;
			break;
		case 'd':
			m.destructive = 1;
			break;
		case 'f':
			m.force = 1;
			break;
		case 'q':
			m.quiet = 1;
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	nargs = argc - optind;
	if (nargs != (m.destructive ? 1 : 2))
		usage_errorx(m.destructive ? "-d takes one COW file" :
					     "expected a COW file and a new file");
	m.cow_path = argv[optind];
	m.new_path = m.destructive ? NULL : argv[optind + 1];
	open_cow(&m);
	check_backing(&m);
	if (m.destructive)
		merge_in_place(&m);
	else
		merge_new(&m);
	free(m.bm);
	free((char *)m.shown);
	close(m.cow_fd);
	close(m.back_fd);
	return 0;
}
