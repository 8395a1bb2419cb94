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
