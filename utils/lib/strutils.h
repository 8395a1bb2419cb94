/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * strutils.h - numbers from the command line and the environment.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_STRUTILS_H
#define UML_STRUTILS_H

/* A decimal number MIN..MAX: digits only (no sign, no space), nothing
 * after them.  0, or -EINVAL with *OUT untouched. */
int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *out);

#endif
