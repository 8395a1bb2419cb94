// SPDX-License-Identifier: GPL-2.0-only
/*
 * ids.c - user and group arguments: a name, or a decimal id.
 *
 * A name is looked up first, so that a user called "1000" is that user;
 * a string of digits nobody is named is the id itself.
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>

#include "ids.h"
#include "strutils.h"

int parse_id(const char *s, unsigned int *out)
{
	return parse_uint(s, 0, UINT_MAX - 1, out);
}

/* errno of a failed getpwnam()/getgrnam(): ENOENT when it set none. */
static int lookup_error(void)
{
	if (!errno || errno == ENOENT || errno == ESRCH || errno == EBADF ||
	    errno == EPERM)
		return -ENOENT;
	return -errno;
}

int parse_user(const char *s, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	unsigned int v;

	errno = 0;
	pw = getpwnam(s);
	if (!pw) {
		int ret = lookup_error();

		if (parse_id(s, &v))
			return ret;
		*uid = v;
		if (gid) {
			pw = getpwuid(v);
			*gid = pw ? pw->pw_gid : v;
		}
		return 0;
	}
	*uid = pw->pw_uid;
	if (gid)
		*gid = pw->pw_gid;
	return 0;
}

int parse_group(const char *s, gid_t *gid)
{
	struct group *gr;
	unsigned int v;

	errno = 0;
	gr = getgrnam(s);
	if (!gr) {
		int ret = lookup_error();

		if (parse_id(s, &v))
			return ret;
		*gid = v;
		return 0;
	}
	*gid = gr->gr_gid;
	return 0;
}
