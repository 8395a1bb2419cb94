/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * caps.h - whether this process holds a capability, named by the set.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_CAPS_H
#define UML_CAPS_H

#include <sys/capability.h>

/* Whether CAP is in this process's effective set: 1, 0 or -errno. */
int cap_effective_has(cap_value_t cap);

/* Whether CAP is in this process's permitted set: 1, 0 or -errno. */
int cap_permitted_has(cap_value_t cap);

#endif
