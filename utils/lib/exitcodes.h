/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exitcodes.h - the exit statuses every utility shares.
 *
 * 0 is EXIT_SUCCESS and 1 EXIT_FAILURE (stdlib.h), or a program's own
 * "no" (uml_cow check: invalid; uml_mconsole: the guest replied ERR).
 * 2 is EXIT_TROUBLE, as in grep and cmp: a usage error, or trouble that
 * kept the program from answering (a missing file, a dead socket).
 * Programs define their own statuses from 3 up.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_EXITCODES_H
#define UML_EXITCODES_H

#include <stdlib.h>

#define EXIT_TROUBLE	2

#endif
