// SPDX-License-Identifier: GPL-2.0-only
/*
 * pack.c - uml_cow pack and unpack: a disk image or COW file as a gzip
 * stream, and back into a sparse file.
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>

#include "lib/util.h"
#include "lib/xio.h"
#include "uml_cow.h"

#define CHUNK	(1U << 20)
#define BLOCK	4096U

struct gz {
	z_stream zs;
	int in_fd;
	int out_fd;
	unsigned char *in;
	unsigned char *out;
	const char *in_name;
	const char *out_name;
};

static int gz_alloc(struct gz *g)
{
	g->in = malloc(CHUNK);
	g->out = malloc(CHUNK);
	return g->in && g->out ? 0 : -ENOMEM;
}

static void gz_free(struct gz *g)
{
	free(g->in);
	free(g->out);
}

/* Deflate AVAIL bytes at DATA (or finish with FLUSH = Z_FINISH). */
static int deflate_feed(struct gz *g, const void *data, size_t avail, int flush)
{
	int zr;

	g->zs.next_in = (unsigned char *)data;
	g->zs.avail_in = (uInt)avail;
	do {
		ssize_t n;

		g->zs.next_out = g->out;
		g->zs.avail_out = CHUNK;
		zr = deflate(&g->zs, flush);
		if (zr == Z_STREAM_ERROR)
			return -EIO;
		n = xwrite(g->out_fd, g->out, CHUNK - g->zs.avail_out);
		if (n < 0)
			return (int)n;
	} while (g->zs.avail_out == 0 || g->zs.avail_in);
	return 0;
}

static int pack_data(struct gz *g, uint64_t size, struct xprogress *pr)
{
	static const unsigned char zeros[CHUNK];
	uint64_t off = 0, dstart = 0, dlen = 0;
	int have = xnext_data(g->in_fd, size, &dstart, &dlen), ret;

	while (off < size) {
		size_t chunk;
		const void *src;

		if (!have || off < dstart) {
			/* A hole: zeros, without reading them. */
			uint64_t end = have ? dstart : size;

			chunk = end - off < CHUNK ? (size_t)(end - off) : CHUNK;
			src = zeros;
		} else {
			ssize_t n;

			chunk = dstart + dlen - off < CHUNK ?
				(size_t)(dstart + dlen - off) : CHUNK;
			n = xpread(g->in_fd, g->in, chunk, off);
			if (n < 0)
				return (int)n;
			if ((size_t)n != chunk)
				return -ENODATA;
			src = g->in;
		}
		ret = deflate_feed(g, src, chunk, Z_NO_FLUSH);
		if (ret)
			return ret;
		off += chunk;
		xprogress_add(pr, chunk);
		if (have && off >= dstart + dlen) {
			dstart = off;
			have = xnext_data(g->in_fd, size, &dstart, &dlen);
		}
	}
	return deflate_feed(g, NULL, 0, Z_FINISH);
}

static int parse_force(int argc, char **argv, int *force, int *level)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		LONGOPTS_HELP
	};
	int c;

	*force = 0;
	while ((c = getopt_long(argc, argv, "f0123456789h", longopts, NULL)) != -1) {
		if (c >= '0' && c <= '9' && level) {
			*level = c - '0';
			continue;
		}
		switch (c) {
		case 'f':
			*force = 1;
			break;
		case 'h':
			printf(USAGE_HEADER "uml_cow pack [-0..-9] [-f] IMAGE OUT.gz\n"
			       USAGE_MORE "uml_cow unpack [-f] IN.gz IMAGE\n");
			exit(EXIT_SUCCESS);
		default:
			usage_error();
		}
	}
	if (argc - optind != 2)
		usage_errorx("%s: expected two files", argv[0]);
	return optind;
}

static void check_target(const char *path, int force)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		errx(EXIT_TROUBLE, "%s: is a directory", path);
	if (!force)
		errx(EXIT_TROUBLE, "%s: already exists (use --force to replace it)", path);
}

int cmd_pack(int argc, char **argv)
{
	struct gz g = { .in_fd = -1 };
	struct xtmp t = { .fd = -1 };
	struct xprogress pr;
	struct stat st;
	int i, force, level = Z_DEFAULT_COMPRESSION, ret;

	i = parse_force(argc, argv, &force, &level);
	g.in_name = argv[i];
	g.out_name = argv[i + 1];
	g.in_fd = open(g.in_name, O_RDONLY | O_CLOEXEC);
	if (g.in_fd < 0)
		err(EXIT_TROUBLE, "%s", g.in_name);
	if (fstat(g.in_fd, &st) < 0 || !S_ISREG(st.st_mode))
		errx(EXIT_TROUBLE, "%s: not a regular file", g.in_name);
	check_target(g.out_name, force);
	if (gz_alloc(&g))
		errx(EXIT_TROUBLE, "out of memory");
	if (deflateInit2(&g.zs, level, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		errx(EXIT_TROUBLE, "cannot initialise zlib");
	ret = xtmp_open(&t, g.out_name, st.st_mode & 0666);
	if (ret)
		errx(EXIT_TROUBLE, "%s: cannot create a temporary file beside it: %s",
		     g.out_name, strerror(-ret));
	xtmp_cleanup_on_signals(&t);
	g.out_fd = t.fd;
	xprogress_init(&pr, "pack", (uint64_t)st.st_size, 0);
	ret = pack_data(&g, (uint64_t)st.st_size, &pr);
	xprogress_done(&pr);
	if (!ret)
		ret = xtmp_commit(&t, !force);
	deflateEnd(&g.zs);
	gz_free(&g);
	close(g.in_fd);
	if (ret) {
		xtmp_abort(&t);
		errx(EXIT_TROUBLE, "%s: %s", g.out_name,
		     ret == -EEXIST ? "already exists" : strerror(-ret));
	}
	return EXIT_SUCCESS;
}

/* Length of the piece at I: up to the next BLOCK boundary of the file. */
static size_t piece(uint64_t off, size_t i, size_t len)
{
	size_t b = BLOCK - (size_t)((off + i) % BLOCK);

	return len - i < b ? len - i : b;
}

/* Write LEN decompressed bytes at OFF, leaving all-zero blocks (aligned
 * to the file's BLOCK boundaries) as holes. */
static int write_sparse(int fd, const unsigned char *buf, size_t len, uint64_t off)
{
	size_t i = 0;

	while (i < len) {
		size_t start, b;

		for (; i < len; i += b) {
			b = piece(off, i, len);
			if (!xis_zero(buf + i, b))
				break;
		}
		start = i;
		for (; i < len; i += b) {
			b = piece(off, i, len);
			if (xis_zero(buf + i, b))
				break;
		}
		if (i > start) {
			ssize_t n = xpwrite(fd, buf + start, i - start, off + start);

			if (n < 0)
				return (int)n;
		}
	}
	return 0;
}

static int unpack_data(struct gz *g, uint64_t *total, const char **why)
{
	int zr = Z_OK, eof = 0, ret;
	uint64_t off = 0;

	g->zs.avail_in = 0;
	for (;;) {
		if (g->zs.avail_in == 0 && !eof) {
			ssize_t n = read(g->in_fd, g->in, CHUNK);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			eof = n == 0;
			g->zs.next_in = g->in;
			g->zs.avail_in = (uInt)n;
		}
		if (zr == Z_STREAM_END) {
			/* Another gzip member, or the end. */
			if (g->zs.avail_in == 0 && eof)
				break;
			if (g->zs.avail_in == 0)
				continue;
			if (inflateReset(&g->zs) != Z_OK)
				return -EIO;
		}
		if (g->zs.avail_in == 0 && eof) {
			*why = "truncated gzip stream";
			return -EPROTO;
		}
		g->zs.next_out = g->out;
		g->zs.avail_out = CHUNK;
		zr = inflate(&g->zs, Z_NO_FLUSH);
		if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR) {
			*why = g->zs.msg ? g->zs.msg : "corrupt gzip data";
			return -EPROTO;
		}
		if (zr == Z_MEM_ERROR)
			return -ENOMEM;
		ret = write_sparse(g->out_fd, g->out, CHUNK - g->zs.avail_out, off);
		if (ret)
			return ret;
		off += CHUNK - g->zs.avail_out;
		if (zr == Z_BUF_ERROR && eof && g->zs.avail_in == 0) {
			*why = "truncated gzip stream";
			return -EPROTO;
		}
	}
	*total = off;
	return 0;
}

int cmd_unpack(int argc, char **argv)
{
	struct gz g = { .in_fd = -1 };
	struct xtmp t = { .fd = -1 };
	const char *why = NULL;
	struct stat st;
	uint64_t total = 0;
	int i, force, ret;

	i = parse_force(argc, argv, &force, NULL);
	g.in_name = argv[i];
	g.out_name = argv[i + 1];
	g.in_fd = open(g.in_name, O_RDONLY | O_CLOEXEC);
	if (g.in_fd < 0)
		err(EXIT_TROUBLE, "%s", g.in_name);
	if (fstat(g.in_fd, &st) < 0)
		err(EXIT_TROUBLE, "%s", g.in_name);
	check_target(g.out_name, force);
	if (gz_alloc(&g))
		errx(EXIT_TROUBLE, "out of memory");
	if (inflateInit2(&g.zs, 15 + 16) != Z_OK)
		errx(EXIT_TROUBLE, "cannot initialise zlib");
	/* The image is as private as the archive it came from. */
	ret = xtmp_open(&t, g.out_name, S_ISREG(st.st_mode) ? st.st_mode & 0666 : 0644);
	if (ret)
		errx(EXIT_TROUBLE, "%s: cannot create a temporary file beside it: %s",
		     g.out_name, strerror(-ret));
	xtmp_cleanup_on_signals(&t);
	g.out_fd = t.fd;
	ret = unpack_data(&g, &total, &why);
	if (!ret && ftruncate(t.fd, (off_t)total) < 0)
		ret = -errno;
	if (!ret)
		ret = xtmp_commit(&t, !force);
	inflateEnd(&g.zs);
	gz_free(&g);
	close(g.in_fd);
	if (ret) {
		xtmp_abort(&t);
		if (why)
			errx(COW_EXIT_INVALID, "%s: %s", g.in_name, why);
		errx(EXIT_TROUBLE, "%s: %s", g.out_name,
		     ret == -EEXIST ? "already exists" : strerror(-ret));
	}
	return EXIT_SUCCESS;
}
