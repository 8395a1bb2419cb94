/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mconsole.h - the UML management console protocol, client side.
 *
 * Requests, replies and notifications are datagrams on AF_UNIX sockets,
 * fields in host byte order (arch/um/drivers/mconsole.h).  A reply may
 * come in several packets: each has more = 1 except the last.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_MCONSOLE_H
#define UML_MCONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define MC_MAGIC	0xcafebabeU
#define MC_VERSION	2
#define MC_MAX_DATA	512
#define MC_HDR_LEN	12	/* three u32 before the data */

/* Notification types (enum in the kernel's struct mconsole_notify). */
enum mc_notify_type {
	MC_NOTIFY_SOCKET = 0,
	MC_NOTIFY_PANIC = 1,
	MC_NOTIFY_HANG = 2,
	MC_NOTIFY_USER = 3,
};

struct mc_packet {
	uint32_t err;		/* reply: non-zero on the first packet of an error */
	uint32_t more;		/* reply: more packets follow */
	uint32_t type;		/* notify: enum mc_notify_type */
	uint32_t len;		/* bytes of data */
	char data[MC_MAX_DATA + 1];	/* NUL-terminated copy */
};

/* The mconsole socket of UMID under UML_DIR (NULL: $UML_DIR, else
 * ~/.uml), or ARG itself when it contains a '/'.  Returns 0 or -errno;
 * *why explains a failure in one line. */
int mc_resolve(const char *arg, const char *uml_dir, char *out, size_t outlen,
	       const char **why);

/* A datagram socket bound to an autobound abstract address and connected
 * to PATH.  Returns the fd or -errno. */
int mc_connect(const char *path);

/* The same for the socket file LEAF in the directory DFD, which may
 * belong to someone else: LEAF is not followed if it is a symlink and must
 * be a socket (-ENOTSOCK), and the socket connected to is the one checked
 * (through /proc/self/fd).  Returns the fd or -errno. */
int mc_connect_at(int dfd, const char *leaf);

/* CLOCK_MONOTONIC in milliseconds, and the deadline TIMEOUT_MS from now
 * (-1, forever, for TIMEOUT_MS < 0). */
long long mc_now_ms(void);
long long mc_deadline(int timeout_ms);

/* Send COMMAND as one request.  -EMSGSIZE when it is 512 bytes or more.
 * mc_send() waits as long as the peer's queue is full; mc_send_until()
 * waits until DEADLINE (from mc_deadline()) and then fails with
 * -ETIMEDOUT: a guest that does not drain its socket cannot hang it. */
int mc_send(int fd, const char *command);
int mc_send_until(int fd, const char *command, long long deadline);

/* Wait up to TIMEOUT_MS (< 0: forever) for one reply packet, or until
 * DEADLINE; return 0, -ETIMEDOUT, -EPROTO (malformed or oversized
 * packet) or -errno. */
int mc_recv_reply(int fd, struct mc_packet *p, int timeout_ms);
int mc_recv_reply_until(int fd, struct mc_packet *p, long long deadline);

/* Parse a reply or a notification datagram of N bytes.  Returns 0 or
 * -EPROTO with *why set. */
int mc_parse_reply(const void *buf, size_t n, struct mc_packet *p,
		   const char **why);
int mc_parse_notify(const void *buf, size_t n, struct mc_packet *p,
		    const char **why);

/* Send a notification (struct mconsole_notify: magic, version, type,
 * len, data) of TYPE with LEN bytes of DATA to the socket at PATH, as
 * the kernel sends them to mconsole=notify:PATH.  Returns 0 or -errno
 * (-EMSGSIZE when LEN is over 512). */
int mc_send_notify(const char *path, uint32_t type, const void *data,
		   size_t len);

/* Make relative file names in "config ubdN...=FILE[,BACKING]..."
 * absolute against the current directory.  Writes the command to OUT;
 * returns 0 or -ENAMETOOLONG. */
int mc_absolutize_config(const char *cmd, char *out, size_t outlen);

const char *mc_notify_name(uint32_t type);

#endif
