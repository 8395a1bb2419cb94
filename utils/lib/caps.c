// SPDX-License-Identifier: GPL-2.0-only
/*
 * caps.c - whether this process holds a capability (libcap).
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <sys/capability.h>

#include "caps.h"

static int cap_has(cap_value_t cap, cap_flag_t set)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps;
	int ret;

	caps = cap_get_proc();
	if (!caps)
		return -errno;
	ret = cap_get_flag(caps, cap, set, &v) ? -errno : 0;
	cap_free(caps);
	if (ret)
		return ret;
	return v == CAP_SET;
}

int cap_effective_has(cap_value_t cap)
{
	return cap_has(cap, CAP_EFFECTIVE);
}

int cap_permitted_has(cap_value_t cap)
{
	return cap_has(cap, CAP_PERMITTED);
}
