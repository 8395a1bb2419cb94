// SPDX-License-Identifier: GPL-2.0-only
/*
 * uml_cow - inspect, check, rebase, pack and unpack UML COW files and disk
 * images.
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
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/cow.h"
#include "lib/file.h"
#include "lib/util.h"
#include "lib/xio.h"
#include "uml_cow.h"

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("[options] COMMAND ARGS...", NULL);
	fputs(USAGE_SEPARATOR
	      "Inspect, check, rebase, pack and unpack UML COW files and disk images.\n",
	      stdout);
	fputs(USAGE_COMMANDS
	      " info [--json] COW              describe a COW file and its backing file\n"
	      " check [--json] COW             validate it; exit 0 valid, 1 invalid,\n"
	      "                                3 backing file missing or changed\n"
	      " rebase [-b BACKING] COW        record BACKING (default: the current one)\n"
	      "                                and its mtime, after checking its size\n"
	      " pack [-0..-9] [-f] IMAGE OUT.gz  compress an image or COW (holes stay cheap)\n"
	      " unpack [-f] IN.gz IMAGE        decompress into a sparse IMAGE\n", stdout);
	fputs(USAGE_OPTIONS, stdout);
	usage_help_options(15);
	fputs(USAGE_SEPARATOR
	      "Exit status 2 means a usage or system error.\n", stdout);
	usage_end("uml_cow(1)");
}

/* Everything info and check report about one COW file. */
struct inspect {
	const char *file;
	struct cow_header h;
	const char *invalid;	/* reason, or NULL */
	const char *stale;	/* reason, or NULL */
	int have_backing;
	uint64_t real_size;
	int64_t real_mtime;
	uint64_t file_size;
	uint64_t allocated;
	uint64_t dirty;
};

static int inspect(const char *file, struct inspect *in)
{
	struct stat st, bst;
	int fd, ret;

	memset(in, 0, sizeof(*in));
	in->file = file;
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	in->file_size = (uint64_t)st.st_size;
	in->allocated = (uint64_t)st.st_blocks * 512;
	ret = cow_read(fd, &in->h, &in->invalid);
	if (ret == -EISDIR || ret == -EINVAL) {
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	if (stat(in->h.backing, &bst) == 0 && same_stat(&bst, &st)) {
		in->invalid = "the COW file names itself as its backing file";
		goto out;
	}
	ret = cow_count_dirty(fd, &in->h, &in->dirty);
	if (ret)
		goto out;

	ret = cow_backing_stat(in->h.backing, &in->real_size, &in->real_mtime);
	if (ret) {
		in->stale = ret == -ENOENT ? "backing file is missing" :
					     "cannot stat the backing file";
		ret = 0;
		goto out;
	}
	in->have_backing = 1;
	if (in->real_size != in->h.size)
		in->stale = "backing file size differs from the recorded size";
	else if (in->real_mtime != (int64_t)in->h.mtime)
		in->stale = "backing file mtime differs from the recorded mtime";
out:
	close(fd);
	return ret;
}

static const char *status_name(const struct inspect *in)
{
	return in->invalid ? "invalid" : in->stale ? "stale" : "valid";
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct inspect *in)
{
	const struct cow_header *h = &in->h;

	printf("{\"file\": ");
	json_string(in->file);
	printf(", \"status\": \"%s\"", status_name(in));
	if (in->invalid || in->stale) {
		printf(", \"reason\": ");
		json_string(in->invalid ? in->invalid : in->stale);
	}
	if (in->invalid) {
		printf("}\n");
		return;
	}
	printf(", \"version\": %" PRIu32 ", \"layout\": \"%s\", \"backing_file\": ",
	       h->version, cow_layout_name(h->layout));
	json_string(h->backing);
	printf(", \"recorded_size\": %" PRIu64 ", \"recorded_mtime\": %" PRIu32,
	       h->size, h->mtime);
	if (in->have_backing)
		printf(", \"actual_size\": %" PRIu64 ", \"actual_mtime\": %" PRId64,
		       in->real_size, in->real_mtime);
	else
		printf(", \"actual_size\": null, \"actual_mtime\": null");
	printf(", \"sector_size\": %" PRIu32 ", \"alignment\": %" PRIu32
	       ", \"bitmap_offset\": %" PRIu64 ", \"bitmap_bytes\": %" PRIu64
	       ", \"data_offset\": %" PRIu64 ", \"sectors\": %" PRIu64
	       ", \"dirty_sectors\": %" PRIu64 ", \"dirty_percent\": %.2f"
	       ", \"file_size\": %" PRIu64 ", \"allocated_bytes\": %" PRIu64 "}\n",
	       h->sectorsize, h->alignment, h->bitmap_offset, h->bitmap_len,
	       h->data_offset, h->sectors, in->dirty,
	       h->sectors ? 100.0 * (double)in->dirty / (double)h->sectors : 0.0,
	       in->file_size, in->allocated);
}

static void print_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];

	if (gmtime_r(&tt, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		printf(" (%s)", buf);
}

static void print_info(const struct inspect *in)
{
	const struct cow_header *h = &in->h;

	printf("file:          %s\n", in->file);
	printf("format:        COW version %s%s\n", cow_layout_name(h->layout),
	       h->layout == COW_V3_BROKEN ? " (pre-2006 64-bit layout)" : "");
	fputs("backing file:  ", stdout);
	xfputs_safe(h->backing, stdout, 0);
	putchar('\n');
	if (in->have_backing) {
		printf("backing size:  %" PRIu64 " recorded, %" PRIu64 " actual\n",
		       h->size, in->real_size);
		printf("backing mtime: %" PRIu32, h->mtime);
		print_time(h->mtime);
		printf(" recorded, %" PRId64, in->real_mtime);
		print_time(in->real_mtime);
		printf(" actual\n");
	} else {
		printf("backing size:  %" PRIu64 " recorded, backing file missing\n",
		       h->size);
		printf("backing mtime: %" PRIu32, h->mtime);
		print_time(h->mtime);
		printf(" recorded\n");
	}
	printf("sector size:   %" PRIu32 "\n", h->sectorsize);
	printf("alignment:     %" PRIu32 "\n", h->alignment);
	printf("bitmap:        %" PRIu64 " bytes at offset %" PRIu64 "\n",
	       h->bitmap_len, h->bitmap_offset);
	printf("data offset:   %" PRIu64 "\n", h->data_offset);
	printf("dirty sectors: %" PRIu64 " of %" PRIu64 " (%.2f%%)\n", in->dirty,
	       h->sectors,
	       h->sectors ? 100.0 * (double)in->dirty / (double)h->sectors : 0.0);
	printf("allocated:     %" PRIu64 " bytes (file length %" PRIu64 ")\n",
	       in->allocated, in->file_size);
	printf("status:        %s%s%s\n", status_name(in), in->stale ? ": " : "",
	       in->stale ? in->stale : "");
}

/* info and check share their options: [--json] COW. */
static int parse_json_opts(int argc, char **argv, int *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		LONGOPTS_HELP
	};
	int c;

	*json = 0;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = 1;
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	if (argc - optind != 1)
		usage_errorx("%s: expected one COW file", argv[0]);
	return optind;
}

static int cmd_info(int argc, char **argv, int check)
{
	struct inspect in;
	int json, i, ret;

	i = parse_json_opts(argc, argv, &json);
	ret = inspect(argv[i], &in);
	if (ret) {
		warnx("%s: %s", argv[i], strerror(-ret));
		return EXIT_TROUBLE;
	}
	if (json)
		print_json(&in);
	if (in.invalid) {
		if (!json)
			warnx("%s: invalid COW file: %s", in.file, in.invalid);
		return COW_EXIT_INVALID;
	}
	if (!json && !check)
		print_info(&in);
	if (in.stale) {
		if (!json) {
			char *e = xescape(in.h.backing);

			warnx("%s: stale backing file %s: %s", in.file, e, in.stale);
			free(e);
		}
		return COW_EXIT_STALE;
	}
	if (!json && check) {
		char *e = xescape(in.h.backing);

		printf("%s: valid COW version %s over %s\n", in.file,
		       cow_layout_name(in.h.layout), e);
		free(e);
	}
	return EXIT_SUCCESS;
}

/* Copy FD (SIZE bytes, holes kept) into the temporary file T. */
static int clone_sparse(int fd, uint64_t size, struct xtmp *t)
{
	uint64_t off = 0, len;
	int ret;

	if (ftruncate(t->fd, (off_t)size) < 0)
		return -errno;
	while (xnext_data(fd, size, &off, &len)) {
		ret = xcopy_range(fd, off, t->fd, off, len);
		if (ret)
			return ret;
		off += len;
	}
	return 0;
}

static int rebase(const char *cow, const char *newpath)
{
	unsigned char buf[COW_HDR_MAX];
	char abs[COW_PATH_LEN_V3];
	struct cow_header h;
	struct xtmp t = { .fd = -1 };
	struct stat st, bst;
	const char *why;
	uint64_t size;
	int64_t mtime;
	pid_t holder;
	size_t len, pathmax;
	char *shown;
	int fd, ret;

	fd = open(cow, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err(EXIT_TROUBLE, "%s", cow);
	ret = cow_read(fd, &h, &why);
	if (ret)
		errx(COW_EXIT_INVALID, "%s: invalid COW file: %s", cow, why);
	if (cow_lock(fd, 0, &holder) == -EAGAIN)
		errx(EXIT_TROUBLE, "%s: in use (locked by pid %d); halt the guest first",
		     cow, (int)holder);
	if (!newpath)
		newpath = h.backing;
	ret = cow_absolute_path(newpath, abs, sizeof(abs));
	pathmax = h.layout == COW_V1 ? COW_PATH_LEN_V1 : COW_PATH_LEN_V3;
	if (ret == -ENAMETOOLONG || (!ret && strlen(abs) >= pathmax))
		errx(EXIT_TROUBLE, "%s: path does not fit in the COW header", xescape(newpath));
	if (ret)
		errx(EXIT_TROUBLE, "%s: %s", xescape(newpath), strerror(-ret));
	ret = cow_backing_stat(abs, &size, &mtime);
	if (ret)
		errx(EXIT_TROUBLE, "backing file %s: %s", xescape(abs), strerror(-ret));
	if (fstat(fd, &st) == 0 && stat(abs, &bst) == 0 && same_stat(&st, &bst))
		errx(EXIT_TROUBLE, "%s: is the COW file itself", xescape(newpath));
	if (size != h.size)
		errx(COW_EXIT_STALE, "%s: size %" PRIu64 " differs from the recorded %" PRIu64
		     "; refusing to rebase onto a different disk", xescape(abs), size, h.size);

	snprintf(h.backing, sizeof(h.backing), "%s", abs);
	h.mtime = (uint32_t)mtime;
	len = cow_format_header(&h, buf);

	/* The COW is rewritten, not made: it keeps its own mode. */
	ret = xtmp_open(&t, cow, st.st_mode & 0777);
	if (ret)
		errx(EXIT_TROUBLE, "%s: cannot create a temporary file beside it: %s",
		     cow, strerror(-ret));
	xtmp_cleanup_on_signals(&t);
	ret = fchmod(t.fd, st.st_mode & 0777) < 0 ? -errno : 0;
	if (!ret)
		ret = clone_sparse(fd, (uint64_t)st.st_size, &t);
	if (!ret)
		ret = (int)xpwrite(t.fd, buf, len, 0);
	if (ret >= 0)
		ret = xtmp_commit(&t, 0);
	if (ret < 0) {
		xtmp_abort(&t);
		errx(EXIT_TROUBLE, "%s: %s", cow, strerror(-ret));
	}
	close(fd);
	shown = xescape(abs);
	printf("%s: backing file %s, mtime %" PRId64 "\n", cow, shown, mtime);
	free(shown);
	return EXIT_SUCCESS;
}

static int cmd_rebase(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backing", required_argument, NULL, 'b' },
		LONGOPTS_HELP
	};
	const char *backing = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			backing = optarg;
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	if (argc - optind != 1)
		usage_errorx("rebase: expected one COW file");
	return rebase(argv[optind], backing);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		LONGOPTS_HELP_VERSION
	};
	const char *cmd;
	int c;

	/* Options before the command only; the rest belong to it. */
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		usage_common_option(c, usage);
	}
	if (optind >= argc)
		usage_errorx("missing command");
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	if (!strcmp(cmd, "info"))
		return cmd_info(argc, argv, 0);
	if (!strcmp(cmd, "check"))
		return cmd_info(argc, argv, 1);
	if (!strcmp(cmd, "rebase"))
		return cmd_rebase(argc, argv);
	if (!strcmp(cmd, "pack"))
		return cmd_pack(argc, argv);
	if (!strcmp(cmd, "unpack"))
		return cmd_unpack(argc, argv);
	usage_errorx("unknown command '%s'", cmd);
}
