// SPDX-License-Identifier: GPL-2.0-only
/*
 * replay.c - run a libFuzzer target over saved inputs without libFuzzer,
 * so that the corpora in fuzz/corpus are regression tests for any
 * compiler (make check runs them; see testsuite/uml.cow/fuzz.exp).
 *
 * usage: replay_TARGET FILE...
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf;
		long n;

		if (!f)
			err(2, "%s", argv[i]);
		if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET))
			err(2, "%s", argv[i]);
		buf = malloc((size_t)n + 1);
		if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
			err(2, "%s", argv[i]);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	printf("%d inputs replayed\n", argc - 1);
	return 0;
}
