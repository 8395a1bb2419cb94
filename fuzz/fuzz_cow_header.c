// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the COW header parser (utils/lib/cow.c).
 *
 * Build: make fuzz; run: fuzz/fuzz_cow_header fuzz/corpus/cow_header
 *
 * This file is part of user-mode-linux.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char out[COW_HDR_MAX];
	struct cow_header h, h2;
	const char *why = NULL;
	size_t len;

	if (cow_parse(data, size, &h, &why)) {
		if (!why)
			abort();
		return 0;
	}
	/* Valid: the derived layout is sane and the header round-trips. */
	if (h.bitmap_offset < h.header_len || h.data_offset < h.bitmap_offset ||
	    h.bitmap_bits > h.sectors || strlen(h.backing) >= sizeof(h.backing))
		abort();
	len = cow_format_header(&h, out);
	if (!len || cow_parse(out, len, &h2, &why))
		abort();
	if (h2.size != h.size || h2.mtime != h.mtime ||
	    h2.sectorsize != h.sectorsize || h2.data_offset != h.data_offset ||
	    strcmp(h2.backing, h.backing))
		abort();
	return 0;
}
