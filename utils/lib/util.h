/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - small things every utility shares.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_UTIL_H
#define UML_UTIL_H

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcodes.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/*
 * --help in one shape for every program (after util-linux's c.h):
 *
 *	usage_synopsis("[options] FILE", "-x OTHER", NULL);
 *	fputs(USAGE_SEPARATOR "What it does, in a line or two.\n", stdout);
 *	fputs(USAGE_OPTIONS, stdout);
 *	fputs(" -f, --force    what -f does\n", stdout);
 *	usage_help_options(14);			(the column of the texts)
 *	usage_end("prog(1)");			(the man page; exits 0)
 *
 * Options are indented one space; USAGE_COMMANDS heads a list of
 * subcommands the same way.
 */
#define USAGE_HEADER		"Usage: "
#define USAGE_MORE		"       "
#define USAGE_SEPARATOR		"\n"
#define USAGE_COMMANDS		"\nCommands:\n"
#define USAGE_OPTIONS		"\nOptions:\n"
#define USAGE_HELP		"display this help and exit"
#define USAGE_VERSION		"display the version and exit"
#define USAGE_MAN_TAIL(page)	"\nSee " page ".\n"

/*
 * The end of a long-option table: --help (and --version), then the
 * terminator.  The option string takes "h" (and "V") to match.
 */
#define LONGOPTS_HELP \
	{ "help", no_argument, NULL, 'h' }, \
	{ NULL, 0, NULL, 0 }
#define LONGOPTS_HELP_VERSION \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }

/* "Usage: PROG FIRST", then "       PROG MORE" for each further synopsis
 * up to a NULL. */
static inline void usage_synopsis(const char *first, ...)
{
	extern char *program_invocation_short_name;
	const char *p = program_invocation_short_name;
	const char *s;
	va_list ap;

	printf(USAGE_HEADER "%s %s\n", p, first);
	va_start(ap, first);
	while ((s = va_arg(ap, const char *)))
		printf(USAGE_MORE "%s %s\n", p, s);
	va_end(ap);
}

/* The last line of --help, naming the man page; exits EXIT_SUCCESS. */
static inline void __attribute__((noreturn)) usage_end(const char *page)
{
	printf(USAGE_MAN_TAIL("%s"), page);
	exit(EXIT_SUCCESS);
}

/* The -h and -V lines, their texts starting at column WIDTH + 2. */
static inline void usage_help_options(int width)
{
	printf(" %-*s %s\n", width, "-h, --help", USAGE_HELP);
	printf(" %-*s %s\n", width, "-V, --version", USAGE_VERSION);
}

static inline void __attribute__((noreturn)) print_version(void)
{
	extern char *program_invocation_short_name;

	printf("%s (user-mode-linux) %s\n", program_invocation_short_name,
	       PACKAGE_VERSION);
	exit(EXIT_SUCCESS);
}

/* "Try 'PROG --help'." and exit EXIT_TROUBLE. */
static inline void __attribute__((noreturn)) usage_error(void)
{
	extern char *program_invocation_short_name;

	fprintf(stderr, "Try '%s --help' for more information.\n",
		program_invocation_short_name);
	exit(EXIT_TROUBLE);
}

/* "PROG: MESSAGE", then the usage error above. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
usage_errorx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	usage_error();
}

/*
 * The default: of every getopt switch: -h runs the program's USAGE (which
 * exits), -V prints the version, anything else is a usage error.
 */
static inline void __attribute__((noreturn))
usage_common_option(int c, void (*usage)(void))
{
	if (c == 'h') {
		usage();
		exit(EXIT_SUCCESS);
	}
	if (c == 'V')
		print_version();
	usage_error();
}

/* ARGV has no operands left after the options (getopt's optind). */
static inline void usage_no_operands(int argc, char **argv)
{
	extern int optind;

	if (optind < argc)
		usage_errorx("unexpected argument '%s'", argv[optind]);
}

/* PATH made absolute against the current directory, not resolved (it
 * need not exist yet): a malloc'd string, or NULL with errno set. */
static inline char *path_absolute(const char *path)
{
	char *cwd, *abs = NULL;

	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (asprintf(&abs, "%s/%s", cwd, path) < 0)
		abs = NULL;
	free(cwd);
	return abs;
}

#endif
