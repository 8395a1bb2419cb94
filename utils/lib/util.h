/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - small things every utility shares.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_UTIL_H
#define UML_UTIL_H

#include <errno.h>
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
 *	printf(USAGE_HEADER "%s [options] FILE\n", prog);
 *	printf(USAGE_MORE "%s -x OTHER\n", prog);	(more synopses)
 *	fputs(USAGE_SEPARATOR "What it does, in a line or two.\n", stdout);
 *	fputs(USAGE_OPTIONS, stdout);
 *	fputs(" -f, --force    what -f does\n", stdout);
 *	usage_help_options(14);			(the column of the texts)
 *	fputs(USAGE_MAN_TAIL("prog(1)"), stdout);
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
