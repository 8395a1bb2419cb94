// SPDX-License-Identifier: GPL-2.0-only
/*
 * strutils.c - numbers from the command line and the environment.
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <stdlib.h>

#include "strutils.h"

int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}
