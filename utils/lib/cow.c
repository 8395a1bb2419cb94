// SPDX-License-Identifier: GPL-2.0-only
/*
 * cow.c - parse, check and write UML COW headers (see cow.h).
 *
 * The field offsets below are those of the packed structures in the
 * kernel's arch/um/drivers/cow_user.c.  Version 1 stores its fields in
 * host order (little-endian on every host UML runs on); versions 2 and 3
 * store them big-endian.  The magic (and with it the version) may be in
 * either order.
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "cow.h"
#include "xio.h"

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p + 4) << 32 | get_le32(p);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put_le64(unsigned char *p, uint64_t v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

/* Copy a path into a NUL-padded field of MAX bytes (the buffer was zeroed). */
static void put_path(unsigned char *p, const char *path, size_t max)
{
	memcpy(p, path, strnlen(path, max - 1));
}

const char *cow_layout_name(enum cow_layout l)
{
	switch (l) {
	case COW_V1:
		return "1";
	case COW_V2:
		return "2";
	case COW_V3:
		return "3";
	case COW_V3_BROKEN:
		return "3-broken";
	}
	return "?";
}

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* a rounded up to a multiple of b, or -1 (UINT64_MAX) on overflow. */
static uint64_t round_up(uint64_t a, uint64_t b)
{
	uint64_t r = a % b;

	if (!r)
		return a;
	if (a > UINT64_MAX - (b - r))
		return UINT64_MAX;
	return a + (b - r);
}

/* Largest virtual disk we accept: keeps every offset below 2^62. */
#define COW_MAX_SIZE	(UINT64_C(1) << 60)

int cow_layout_sizes(struct cow_header *h, const char **why)
{
	uint64_t ss = h->sectorsize;

	if (!is_pow2(h->sectorsize)) {
		*why = h->sectorsize ? "sector size is not a power of two" :
				       "sector size is 0";
		return -EINVAL;
	}
	if (h->sectorsize < COW_MIN_SECTORSIZE) {
		*why = "sector size is below 512";
		return -EINVAL;
	}
	if (h->sectorsize > COW_MAX_SECTORSIZE) {
		*why = "sector size is too large";
		return -EINVAL;
	}
	if (h->alignment == 0) {
		*why = "alignment is 0";
		return -EINVAL;
	}
	if (h->alignment > COW_MAX_ALIGNMENT) {
		*why = "alignment is too large";
		return -EINVAL;
	}
	if (h->size > COW_MAX_SIZE) {
		*why = "recorded backing size is too large";
		return -EINVAL;
	}

	h->sectors = (h->size + ss - 1) / ss;
	switch (h->layout) {
	case COW_V1:
		h->header_len = COW_HDR_V1_SIZE;
		break;
	case COW_V2:
		h->header_len = COW_HDR_V2_SIZE;
		break;
	case COW_V3:
		h->header_len = COW_HDR_V3_SIZE;
		break;
	case COW_V3_BROKEN:
		h->header_len = COW_HDR_V3B_SIZE;
		break;
	}
	if (h->layout == COW_V1 || h->layout == COW_V2) {
		/* The kernel's pre-v3 rounding, bug included. */
		h->bitmap_offset = h->header_len;
		h->bitmap_len = (h->size + ss - 1) / (8 * ss);
		h->data_offset = round_up(h->bitmap_offset + h->bitmap_len, ss);
	} else {
		h->bitmap_offset = round_up(h->header_len, h->alignment);
		h->bitmap_len = (h->sectors + 7) / 8;
		h->data_offset = round_up(h->bitmap_offset + h->bitmap_len,
					  h->alignment);
	}
	h->bitmap_bits = h->bitmap_len * 8;
	if (h->bitmap_bits > h->sectors)
		h->bitmap_bits = h->sectors;
	return 0;
}

static int copy_path(struct cow_header *h, const unsigned char *p, size_t max,
		     const char **why)
{
	const void *nul = memchr(p, '\0', max);

	if (!nul) {
		*why = "backing file path has no terminating NUL";
		return -EINVAL;
	}
	if (!p[0]) {
		*why = "backing file path is empty";
		return -EINVAL;
	}
	memcpy(h->backing, p, (const unsigned char *)nul - p + 1);
	return 0;
}

/*
 * Where each layout keeps its fields: byte offsets into the header, all
 * 32-bit but size (64-bit).  v1 stores them little-endian (the x86 hosts
 * it was written on), v2 and v3 big-endian.  alignment and cow_format are
 * 0 in the layouts that have none (alignment is then the sector size).
 */
struct cow_fields {
	enum cow_layout layout;
	size_t header_size;
	int big_endian;
	size_t path, path_len, mtime, size, sectorsize, alignment, cow_format;
	const char *truncated;
};

static const struct cow_fields cow_v1 = {
	.layout = COW_V1, .header_size = COW_HDR_V1_SIZE,
	.path = 8, .path_len = COW_PATH_LEN_V1,
	.mtime = 8 + COW_PATH_LEN_V1, .size = 12 + COW_PATH_LEN_V1,
	.sectorsize = 20 + COW_PATH_LEN_V1,
	.truncated = "truncated header (version 1)",
};

static const struct cow_fields cow_v2 = {
	.layout = COW_V2, .header_size = COW_HDR_V2_SIZE, .big_endian = 1,
	.path = 8, .path_len = COW_PATH_LEN_V3,
	.mtime = 8 + COW_PATH_LEN_V3, .size = 12 + COW_PATH_LEN_V3,
	.sectorsize = 20 + COW_PATH_LEN_V3,
	.truncated = "truncated header (version 2)",
};

static const struct cow_fields cow_v3 = {
	.layout = COW_V3, .header_size = COW_HDR_V3_SIZE, .big_endian = 1,
	.mtime = 8, .size = 12, .sectorsize = 20, .alignment = 24,
	.cow_format = 28, .path = 32, .path_len = COW_PATH_LEN_V3,
	.truncated = "truncated header (version 3)",
};

/* 4 bytes of padding after a 64-bit mtime field, which holds an htonl()ed
 * 32-bit value: its first half, read big-endian, is the mtime. */
static const struct cow_fields cow_v3_broken = {
	.layout = COW_V3_BROKEN, .header_size = COW_HDR_V3B_SIZE, .big_endian = 1,
	.mtime = 8, .size = 16, .sectorsize = 24, .alignment = 28,
	.cow_format = 32, .path = 36, .path_len = COW_PATH_LEN_V3,
	.truncated = "truncated header (version 3, 64-bit layout)",
};

static uint32_t field32(const struct cow_fields *f, const unsigned char *p)
{
	return f->big_endian ? get_be32(p) : get_le32(p);
}

static int parse_fields(const struct cow_fields *f, const unsigned char *b,
			size_t len, struct cow_header *h, const char **why)
{
	if (len < f->header_size) {
		*why = f->truncated;
		return -EINVAL;
	}
	h->layout = f->layout;
	h->mtime = field32(f, b + f->mtime);
	h->size = f->big_endian ? get_be64(b + f->size) : get_le64(b + f->size);
	h->sectorsize = field32(f, b + f->sectorsize);
	h->alignment = f->alignment ? field32(f, b + f->alignment) :
				      h->sectorsize;
	if (f->cow_format)
		h->cow_format = field32(f, b + f->cow_format);
	return copy_path(h, b + f->path, f->path_len, why);
}

/*
 * Version 3 comes in two layouts.  The broken one's cow_format (0) sits
 * where the proper layout's path starts; a real path never starts with
 * four NULs (cow_user.c).
 */
static const struct cow_fields *v3_fields(const unsigned char *b, size_t len)
{
	if (len >= 36 && get_le32(b + 32) == 0)
		return &cow_v3_broken;
	return &cow_v3;
}

int cow_parse(const void *buf, size_t len, struct cow_header *h,
	      const char **why)
{
	const unsigned char *b = buf;
	int ret;

	memset(h, 0, sizeof(*h));
	if (len < 8) {
		*why = "truncated header";
		return -EINVAL;
	}
	if (get_be32(b) == COW_MAGIC) {
		h->big_endian_magic = 1;
		h->version = get_be32(b + 4);
	} else if (get_le32(b) == COW_MAGIC) {
		h->version = get_le32(b + 4);
	} else {
		*why = "not a COW file (wrong magic)";
		return -EINVAL;
	}

	switch (h->version) {
	case 1:
		ret = parse_fields(&cow_v1, b, len, h, why);
		break;
	case 2:
		ret = parse_fields(&cow_v2, b, len, h, why);
		break;
	case 3:
		ret = parse_fields(v3_fields(b, len), b, len, h, why);
		break;
	default:
		*why = "unknown COW version";
		return -EINVAL;
	}
	if (ret)
		return ret;
	if (h->cow_format != 0) {
		*why = "unknown COW format (not a bitmap)";
		return -EINVAL;
	}
	return cow_layout_sizes(h, why);
}

int cow_read(int fd, struct cow_header *h, const char **why)
{
	unsigned char buf[COW_HDR_MAX];
	struct stat st;
	ssize_t n;
	int ret;

	if (fstat(fd, &st) < 0) {
		*why = "cannot stat the COW file";
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = "is a directory, not a COW file";
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		*why = "is not a regular file";
		return -EINVAL;
	}
	n = xpread(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		*why = "cannot read the COW header";
		return (int)n;
	}
	ret = cow_parse(buf, (size_t)n, h, why);
	if (ret)
		return ret;
	if (S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size < h->bitmap_offset + h->bitmap_len) {
			*why = "bitmap runs past the end of the file";
			return -EINVAL;
		}
		if ((uint64_t)st.st_size < h->data_offset + h->size) {
			*why = "file is shorter than its data area";
			return -EINVAL;
		}
	}
	return 0;
}

/* The fields of layout L, or NULL for none known. */
static const struct cow_fields *layout_fields(enum cow_layout l)
{
	switch (l) {
	case COW_V1:
		return &cow_v1;
	case COW_V2:
		return &cow_v2;
	case COW_V3:
		return &cow_v3;
	case COW_V3_BROKEN:
		return &cow_v3_broken;
	}
	return NULL;
}

static void put_field32(const struct cow_fields *f, unsigned char *p,
			uint32_t v)
{
	if (f->big_endian)
		put_be32(p, v);
	else
		put_le32(p, v);
}

size_t cow_format_header(const struct cow_header *h, void *buf)
{
	const struct cow_fields *f;
	unsigned char *b = buf;
	void (*put32)(unsigned char *, uint32_t) =
		h->big_endian_magic ? put_be32 : put_le32;

	memset(b, 0, COW_HDR_MAX);
	put32(b, COW_MAGIC);
	put32(b + 4, h->version);
	f = layout_fields(h->layout);
	if (!f)
		return 0;
	put_field32(f, b + f->mtime, h->mtime);
	if (f->big_endian)
		put_be64(b + f->size, h->size);
	else
		put_le64(b + f->size, h->size);
	put_field32(f, b + f->sectorsize, h->sectorsize);
	if (f->alignment)
		put_field32(f, b + f->alignment, h->alignment);
	if (f->cow_format)
		put_field32(f, b + f->cow_format, h->cow_format);
	put_path(b + f->path, h->backing, f->path_len);
	return f->header_size;
}

int cow_init_v3(struct cow_header *h, const char *abs_backing, uint64_t size,
		uint32_t mtime, uint32_t sectorsize, uint32_t alignment)
{
	const char *why;
	size_t n = strlen(abs_backing);

	memset(h, 0, sizeof(*h));
	if (n >= COW_PATH_LEN_V3)
		return -ENAMETOOLONG;
	h->layout = COW_V3;
	h->version = 3;
	h->big_endian_magic = 1;
	h->mtime = mtime;
	h->size = size;
	h->sectorsize = sectorsize;
	h->alignment = alignment;
	memcpy(h->backing, abs_backing, n + 1);
	return cow_layout_sizes(h, &why);
}

int cow_absolute_path(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	char *res = NULL;
	const char *base;
	size_t dl, bl;
	int ret = 0;

	if (!slash) {
		/* Any length: a cwd past PATH_MAX is "too long", not ERANGE. */
		res = getcwd(NULL, 0);
		if (!res)
			return errno == ERANGE ? -ENAMETOOLONG : -errno;
		if (strlen(res) >= sizeof(dir)) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		snprintf(dir, sizeof(dir), "%s", strcmp(res, "/") ? res : "");
		base = path;
	} else if (slash == path) {
		dir[0] = '\0';
		base = slash + 1;
	} else {
		char *d = strndup(path, (size_t)(slash - path));

		if (!d)
			return -ENOMEM;
		res = realpath(d, NULL);
		if (!res)
			ret = errno == ERANGE ? -ENAMETOOLONG : -errno;
		free(d);
		if (ret)
			return ret;
		if (strlen(res) >= sizeof(dir)) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		/* "/" + "/" + base would double the slash. */
		snprintf(dir, sizeof(dir), "%s", strcmp(res, "/") ? res : "");
		base = slash + 1;
	}
	if (!*base) {
		ret = -EISDIR;
		goto out;
	}
	dl = strlen(dir);
	bl = strlen(base);
	if (dl + 1 + bl + 1 > outlen) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, base, bl + 1);
out:
	free(res);
	return ret;
}

int cow_backing_fstat(int fd, uint64_t *size, int64_t *mtime)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	*mtime = st.st_mtime;
	if (!S_ISBLK(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
		return -errno;
	*size = bytes;
	return 0;
}

int cow_backing_stat(const char *path, uint64_t *size, int64_t *mtime)
{
	struct stat st;
	int fd, ret;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISBLK(st.st_mode)) {
		*mtime = st.st_mtime;
		*size = (uint64_t)st.st_size;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = cow_backing_fstat(fd, size, mtime);
	close(fd);
	return ret;
}

uint64_t cow_bitmap_find(const unsigned char *bm, uint64_t from, uint64_t end,
			 int val)
{
	unsigned char skip = val ? 0x00 : 0xff;
	uint64_t i = from;

	while (i < end && (i & 7)) {
		if (cow_bit(bm, i) == val)
			return i;
		i++;
	}
	/* Whole bytes (and 8-byte words) that hold no match. */
	while (i + 64 <= end) {
		uint64_t w;

		memcpy(&w, bm + (i >> 3), 8);
		if (w != (skip ? UINT64_MAX : 0))
			break;
		i += 64;
	}
	while (i + 8 <= end && bm[i >> 3] == skip)
		i += 8;
	while (i < end) {
		if (cow_bit(bm, i) == val)
			return i;
		i++;
	}
	return end;
}

uint64_t cow_bitmap_count(const unsigned char *bm, uint64_t nbits)
{
	uint64_t i, n = 0;

	for (i = 0; i + 8 <= nbits; i += 8)
		n += (uint64_t)__builtin_popcount(bm[i >> 3]);
	for (; i < nbits; i++)
		n += (uint64_t)cow_bit(bm, i);
	return n;
}

int cow_count_dirty(int fd, const struct cow_header *h, uint64_t *dirty)
{
	unsigned char buf[65536];
	uint64_t off = 0, bits, n = 0;
	size_t want;
	ssize_t got;

	while (off < h->bitmap_len) {
		want = h->bitmap_len - off < sizeof(buf) ?
		       (size_t)(h->bitmap_len - off) : sizeof(buf);
		got = xpread(fd, buf, want, h->bitmap_offset + off);
		if (got < 0)
			return (int)got;
		if ((size_t)got < want)
			return -ENODATA;
		bits = h->bitmap_bits - off * 8;
		if (bits > (uint64_t)want * 8)
			bits = (uint64_t)want * 8;
		n += cow_bitmap_count(buf, bits);
		off += want;
		if (off * 8 >= h->bitmap_bits)
			break;
	}
	*dirty = n;
	return 0;
}

int cow_load_bitmap(int fd, const struct cow_header *h, unsigned char **out)
{
	unsigned char *bm;
	ssize_t n;

	*out = NULL;
	if (h->bitmap_len > SIZE_MAX - 8)
		return -ENOMEM;
	/* 8 spare bytes let cow_bitmap_find() read whole words. */
	bm = calloc(1, (size_t)h->bitmap_len + 8);
	if (!bm)
		return -ENOMEM;
	n = xpread(fd, bm, (size_t)h->bitmap_len, h->bitmap_offset);
	if (n < 0) {
		free(bm);
		return (int)n;
	}
	if ((uint64_t)n < h->bitmap_len) {
		free(bm);
		return -ENODATA;
	}
	*out = bm;
	return 0;
}

int cow_lock(int fd, int exclusive, pid_t *holder)
{
	struct flock fl = {
		.l_type = exclusive ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
	};

	*holder = 0;
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	if (errno != EAGAIN && errno != EACCES)
		return -errno;
	fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		*holder = fl.l_pid;
	return -EAGAIN;
}
