/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cow.h - the UML copy-on-write (COW) file formats.
 *
 * The layouts are those read and written by the kernel (arch/um/drivers/
 * cow_user.c): versions 1, 2 and 3, and the "broken" 64-bit version 3
 * layout the kernel still accepts.  A COW file is a header, a bitmap (bit
 * i set: sector i lives in the COW, least significant bit first) and the
 * data area, sector i at data_offset + i * sectorsize.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_COW_H
#define UML_COW_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#define COW_MAGIC		0x4f4f4f4dU	/* "MOOO" */
#define COW_PATH_LEN_V1		256
#define COW_PATH_LEN_V3		4096
#define COW_HDR_V1_SIZE		(4 + 4 + COW_PATH_LEN_V1 + 4 + 8 + 4)	/* 280 */
#define COW_HDR_V2_SIZE		(4 + 4 + COW_PATH_LEN_V3 + 4 + 8 + 4)	/* 4120 */
#define COW_HDR_V3_SIZE		(4 + 4 + 4 + 8 + 4 + 4 + 4 + COW_PATH_LEN_V3) /* 4128 */
#define COW_HDR_V3B_SIZE	4136	/* padded 64-bit layout, sizeof() 4136 */
#define COW_HDR_MAX		COW_HDR_V3B_SIZE

/* What the kernel uses when it creates a COW file itself. */
#define COW_DEFAULT_SECTORSIZE	512
#define COW_DEFAULT_ALIGNMENT	4096

/* Sanity bounds on header fields (far beyond anything real).  The kernel
 * marks 512-byte sectors in the bitmap whatever the header says, so a
 * smaller sector size is never a COW the kernel made or can use. */
#define COW_MIN_SECTORSIZE	512U
#define COW_MAX_SECTORSIZE	(1U << 20)
#define COW_MAX_ALIGNMENT	(1U << 30)

enum cow_layout {
	COW_V1 = 1,
	COW_V2 = 2,
	COW_V3 = 3,
	COW_V3_BROKEN = 4,	/* version 3, pre-2006 64-bit layout */
};

struct cow_header {
	enum cow_layout layout;
	uint32_t version;	/* as stored: 1, 2 or 3 */
	int big_endian_magic;	/* magic stored big-endian (v2/v3 always are) */
	uint32_t mtime;		/* backing file mtime, as recorded */
	uint64_t size;		/* backing file size in bytes */
	uint32_t sectorsize;
	uint32_t alignment;
	uint32_t cow_format;	/* v3: 0 = bitmap */
	char backing[COW_PATH_LEN_V3];	/* NUL-terminated */
	/* Derived, as the kernel computes them (cow_sizes()). */
	uint64_t header_len;	/* bytes of header as laid out on disk */
	uint64_t bitmap_offset;
	uint64_t bitmap_len;
	uint64_t data_offset;
	uint64_t sectors;	/* sectors of the virtual disk */
	uint64_t bitmap_bits;	/* sectors the bitmap can describe */
};

/*
 * Parse a header from BUF (LEN bytes read from offset 0).  Returns 0, or
 * -EINVAL with *why set to a static one-line reason.  Checks the header
 * alone (magic, version, field ranges, NUL-terminated path), not the file.
 */
int cow_parse(const void *buf, size_t len, struct cow_header *h,
	      const char **why);

/* Read and parse the header of the open file FD; also checks that the
 * bitmap and data area lie inside the file (FILE_SIZE bytes). */
int cow_read(int fd, struct cow_header *h, const char **why);

/* Compute the derived fields of H from its layout and fields. */
int cow_layout_sizes(struct cow_header *h, const char **why);

/* Serialise H in its own layout into BUF (COW_HDR_MAX bytes, zeroed
 * first); returns the header length. */
size_t cow_format_header(const struct cow_header *h, void *buf);

/* Fill H as a fresh version-3 header for a backing file. */
int cow_init_v3(struct cow_header *h, const char *abs_backing, uint64_t size,
		uint32_t mtime, uint32_t sectorsize, uint32_t alignment);

/* The absolute backing path the kernel would record for PATH (directory
 * part resolved the way chdir+getcwd does, last component kept). */
int cow_absolute_path(const char *path, char *out, size_t outlen);

/* Size and mtime of a backing file as the kernel sees them (st_size, or
 * the device size of a block device). */
int cow_backing_stat(const char *path, uint64_t *size, int64_t *mtime);
/* The same for an open file. */
int cow_backing_fstat(int fd, uint64_t *size, int64_t *mtime);

/* Bitmap helpers. */
static inline int cow_bit(const unsigned char *bm, uint64_t i)
{
	return (bm[i >> 3] >> (i & 7)) & 1;
}

/* First index >= FROM and < END whose bit equals VAL, or END. */
uint64_t cow_bitmap_find(const unsigned char *bm, uint64_t from, uint64_t end,
			 int val);
uint64_t cow_bitmap_count(const unsigned char *bm, uint64_t nbits);

/* Count the bitmap's set bits, reading it a block at a time. */
int cow_count_dirty(int fd, const struct cow_header *h, uint64_t *dirty);

/* Read the bitmap into a new buffer (freed by the caller). */
int cow_load_bitmap(int fd, const struct cow_header *h, unsigned char **out);

/* Take a POSIX lock on the whole file as the kernel's ubd driver does
 * (exclusive for writing).  Returns 0, or -EAGAIN with *HOLDER set to the
 * pid holding a conflicting lock, or another -errno. */
int cow_lock(int fd, int exclusive, pid_t *holder);

const char *cow_layout_name(enum cow_layout l);

#endif
