// SPDX-License-Identifier: GPL-2.0-only
/*
 * file.c - whether two names (or a descriptor and a name) are one file.
 *
 * This file is part of user-mode-linux.
 */
#include <sys/stat.h>

#include "file.h"

int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return 0;
	return same_stat(&sa, &sb);
}

int same_inode(int fd, const char *path)
{
	struct stat sa, sb;

	if (fstat(fd, &sa) < 0 || stat(path, &sb) < 0)
		return 0;
	return same_stat(&sa, &sb);
}
