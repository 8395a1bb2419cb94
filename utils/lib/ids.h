/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ids.h - user and group arguments: a name, or a decimal id.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_IDS_H
#define UML_IDS_H

#include <sys/types.h>

/* A decimal id, 0 to UINT_MAX - 1 (the last value is "none" to the
 * kernel); digits only.  0 or -EINVAL. */
int parse_id(const char *s, unsigned int *out);

/*
 * USER as a user name or a decimal uid.  *GID (may be NULL) gets the
 * user's primary group, or the uid itself for a number nobody has.
 * 0, -ENOENT (no such user) or another -errno from the lookup.
 */
int parse_user(const char *s, uid_t *uid, gid_t *gid);

/* GROUP as a group name or a decimal gid.  0, -ENOENT or -errno. */
int parse_group(const char *s, gid_t *gid);

#endif
