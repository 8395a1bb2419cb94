// SPDX-License-Identifier: GPL-2.0-only
/*
 * tun.c - opening a tun or tap device, the one copy of the sequence
 * tunctl, uml_net and uml_switch use.
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "tun.h"

int tun_open(const char *name, int flags, int oflags, char *out, int *opened)
{
	struct ifreq ifr;
	int fd, ret;

	if (opened)
		*opened = 0;
	if (name && strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = open(TUN_DEV, O_RDWR | O_CLOEXEC | oflags);
	if (fd < 0)
		return -errno;
	if (opened)
		*opened = 1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_NO_PI | flags;
	if (name)
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (out)
		snprintf(out, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}
