/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file.h - whether two names (or a descriptor and a name) are one file.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_FILE_H
#define UML_FILE_H

#include <sys/stat.h>

/* Whether A and B are the same inode (device and inode number). */
static inline int same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether paths A and B name one file; 0 when either cannot be stat'ed. */
int same_file(const char *a, const char *b);

/* Whether PATH names the file open on FD; 0 when either cannot be stat'ed. */
int same_inode(int fd, const char *path);

#endif
