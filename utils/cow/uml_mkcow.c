// SPDX-License-Identifier: GPL-2.0-only
/*
 * uml_mkcow - create a version-3 COW file over a backing file, exactly as
 * the UML kernel does when it creates one itself.
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/cow.h"
#include "lib/file.h"
#include "lib/util.h"
#include "lib/xio.h"

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("[options] COW BACKING", NULL);
	fputs(USAGE_SEPARATOR
	      "Create COW, a copy-on-write file over BACKING, as the UML kernel would.\n",
	      stdout);
	fputs(USAGE_OPTIONS
	      " -f, --force     replace COW if it exists\n", stdout);
	usage_help_options(15);
	usage_end("uml_mkcow(1)");
}

static int make_cow(const char *cow, const char *backing, int force)
{
	unsigned char buf[COW_HDR_MAX];
	char abs[COW_PATH_LEN_V3];
	struct cow_header h;
	struct xtmp t = { .fd = -1 };
	struct stat st, bst;
	mode_t mode = 0644;
	uint64_t size;
	int64_t mtime;
	size_t len;
	int ret;

	ret = cow_absolute_path(backing, abs, sizeof(abs));
	if (ret == -ENAMETOOLONG)
		errx(1, "%s: backing file path does not fit in the COW header (%d bytes at most)",
		     backing, COW_PATH_LEN_V3 - 1);
	if (ret)
		errx(1, "%s: %s", backing, strerror(-ret));
	ret = cow_backing_stat(abs, &size, &mtime);
	if (ret)
		errx(1, "backing file %s: %s", backing, strerror(-ret));
	if (lstat(cow, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			errx(1, "%s: is a directory", cow);
		if (!force)
			errx(1, "%s: already exists (use --force to replace it)", cow);
		if (same_file(cow, abs))
			errx(1, "%s: is the backing file itself", cow);
	}
	if (!strcmp(cow, backing))
		errx(1, "%s: the COW file cannot be its own backing file", cow);

	ret = cow_init_v3(&h, abs, size, (uint32_t)mtime,
			  COW_DEFAULT_SECTORSIZE, COW_DEFAULT_ALIGNMENT);
	if (ret)
		errx(1, "%s: cannot describe this backing file in a COW header", backing);
	len = cow_format_header(&h, buf);

	/* The COW holds the guest's writes to the backing file's data: it
	 * is no more readable than that file. */
	if (stat(abs, &bst) == 0)
		mode = bst.st_mode & 0666;
	ret = xtmp_open(&t, cow, mode);
	if (ret)
		errx(1, "%s: cannot create a temporary file beside it: %s", cow,
		     strerror(-ret));
	xtmp_cleanup_on_signals(&t);
	ret = (int)xpwrite(t.fd, buf, len, 0);
	if (ret < 0)
		goto fail;
	if (ftruncate(t.fd, (off_t)(h.data_offset + h.size)) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = xtmp_commit(&t, !force);
	if (ret == -EEXIST) {
		xtmp_abort(&t);
		errx(1, "%s: already exists (use --force to replace it)", cow);
	}
	if (ret)
		goto fail;
	return 0;
fail:
	xtmp_abort(&t);
	errx(1, "%s: %s", cow, strerror(-ret));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		LONGOPTS_HELP_VERSION
	};
	int c, force = 0;

	while ((c = getopt_long(argc, argv, "fhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	if (argc - optind != 2)
		usage_errorx(argc - optind < 2 ? "missing operand" : "too many operands");
	return make_cow(argv[optind], argv[optind + 1], force);
}
