/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tun.h - opening a tun or tap device (/dev/net/tun and TUNSETIFF).
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_TUN_H
#define UML_TUN_H

#include <net/if.h>

#ifndef TUN_DEV
#define TUN_DEV "/dev/net/tun"
#endif

/*
 * Open TUN_DEV (O_RDWR | O_CLOEXEC | OFLAGS) and attach it with TUNSETIFF
 * to NAME (NULL: the kernel picks tapN/tunN), with IFF_NO_PI | FLAGS
 * (IFF_TAP or IFF_TUN, maybe IFF_TUN_EXCL).  The device's name goes to
 * OUT (IFNAMSIZ bytes; may be NULL).  Returns the descriptor, or -errno;
 * then *OPENED (may be NULL) says whether TUN_DEV itself opened, that is
 * whether it was TUNSETIFF that failed.
 */
int tun_open(const char *name, int flags, int oflags, char *out, int *opened);

#endif
