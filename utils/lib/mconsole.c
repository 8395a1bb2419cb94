// SPDX-License-Identifier: GPL-2.0-only
/*
 * mconsole.c - UML management console protocol, client side (see
 * mconsole.h).
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "mconsole.h"
#include "xio.h"

int mc_resolve(const char *arg, const char *uml_dir, char *out, size_t outlen,
	       const char **why)
{
	const char *home;
	struct stat st;
	int n;

	if (strchr(arg, '/')) {
		n = snprintf(out, outlen, "%s", arg);
	} else {
		if (!*arg || !strcmp(arg, ".") || !strcmp(arg, "..") ||
		    strlen(arg) > 63) {
			*why = "not a valid umid";
			return -EINVAL;
		}
		if (!uml_dir)
			uml_dir = getenv("UML_DIR");
		if (uml_dir && *uml_dir) {
			n = snprintf(out, outlen, "%s/%s/mconsole", uml_dir, arg);
		} else {
			home = getenv("HOME");
			if (!home || !*home) {
				*why = "HOME is not set (give --uml-dir)";
				return -ENOENT;
			}
			n = snprintf(out, outlen, "%s/.uml/%s/mconsole", home, arg);
		}
	}
	if (n < 0 || (size_t)n >= outlen ||
	    (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		*why = "socket path is too long for a unix socket";
		return -ENAMETOOLONG;
	}
	if (stat(out, &st) < 0) {
		int e = errno;

		*why = e == ENOENT ? (strchr(arg, '/') ? "no such socket" :
				      "unknown umid (no mconsole socket)") :
				     "cannot stat the socket";
		return -e;
	}
	if (!S_ISSOCK(st.st_mode)) {
		*why = "not a socket";
		return -ENOTSOCK;
	}
	return 0;
}

int mc_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Autobind: the kernel needs an address to reply to. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa_family_t)) < 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	return fd;
fail:
	ret = -errno;
	close(fd);
	return ret;
}

int mc_connect_at(int dfd, const char *leaf)
{
	char name[64];
	int pfd, ret;

	pfd = xsocket_at(dfd, leaf, name, sizeof(name));
	if (pfd < 0)
		return pfd;
	ret = mc_connect(name);
	close(pfd);
	return ret;
}

long long mc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

long long mc_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : mc_now_ms() + timeout_ms;
}

/* What is left of DEADLINE, as a poll() timeout. */
static int ms_left(long long deadline)
{
	long long left;

	if (deadline < 0)
		return -1;
	left = deadline - mc_now_ms();
	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

/* Wait for EVENTS on FD until DEADLINE: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int r;

	do {
		r = poll(&pfd, 1, ms_left(deadline));
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int mc_send(int fd, const char *command)
{
	return mc_send_until(fd, command, -1);
}

int mc_send_until(int fd, const char *command, long long deadline)
{
	unsigned char buf[MC_HDR_LEN + MC_MAX_DATA];
	size_t len = strlen(command);
	ssize_t n;
	int ret;

	if (len >= MC_MAX_DATA)
		return -EMSGSIZE;
	put32(buf, MC_MAGIC);
	put32(buf + 4, MC_VERSION);
	put32(buf + 8, (uint32_t)len);
	memcpy(buf + MC_HDR_LEN, command, len);
	for (;;) {
		n = send(fd, buf, MC_HDR_LEN + len, MSG_DONTWAIT);
		if (n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		/* A datagram socket polls writable once the peer's queue
		 * has room. */
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret)
			return ret;
	}
}

#define MC_NOTIFY_HDR_LEN 16	/* magic, version, type, len */

int mc_send_notify(const char *path, uint32_t type, const void *data,
		   size_t len)
{
	unsigned char buf[MC_NOTIFY_HDR_LEN + MC_MAX_DATA];
	ssize_t n;
	int fd, ret = 0;

	if (len > MC_MAX_DATA)
		return -EMSGSIZE;
	put32(buf, MC_MAGIC);
	put32(buf + 4, MC_VERSION);
	put32(buf + 8, type);
	put32(buf + 12, (uint32_t)len);
	if (len)
		memcpy(buf + MC_NOTIFY_HDR_LEN, data, len);

	fd = mc_connect(path);
	if (fd < 0)
		return fd;
	do {
		n = send(fd, buf, MC_NOTIFY_HDR_LEN + len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* P emptied, then whether a packet of N bytes can hold a header of
 * HDR_LEN and at most MC_MAX_DATA bytes of text; else *WHY says which. */
static int mc_packet_init(struct mc_packet *p, size_t n, size_t hdr_len,
			  const char *too_short, const char *too_long,
			  const char **why)
{
	memset(p, 0, offsetof(struct mc_packet, data));
	p->data[0] = '\0';
	if (n < hdr_len) {
		*why = too_short;
		return -EPROTO;
	}
	if (n > hdr_len + MC_MAX_DATA) {
		*why = too_long;
		return -EPROTO;
	}
	return 0;
}

/* The text of a packet B of N bytes: LEN bytes after its HDR_LEN-byte
 * header, copied into P->data and terminated; else *WHY is TOO_LONG (over
 * MC_MAX_DATA) or PAST_END (beyond the packet). */
static int mc_packet_text(struct mc_packet *p, const unsigned char *b,
			  size_t n, size_t hdr_len, uint32_t len,
			  const char *too_long, const char *past_end,
			  const char **why)
{
	if (len > MC_MAX_DATA) {
		*why = too_long;
		return -EPROTO;
	}
	if (len > n - hdr_len) {
		*why = past_end;
		return -EPROTO;
	}
	memcpy(p->data, b + hdr_len, len);
	p->data[len] = '\0';
	return 0;
}

int mc_parse_reply(const void *buf, size_t n, struct mc_packet *p,
		   const char **why)
{
	const unsigned char *b = buf;
	uint32_t len;
	int ret;

	ret = mc_packet_init(p, n, MC_HDR_LEN, "short reply packet",
			     "reply packet longer than the protocol allows", why);
	if (ret)
		return ret;
	p->err = get32(b);
	p->more = get32(b + 4);
	len = get32(b + 8);
	ret = mc_packet_text(p, b, n, MC_HDR_LEN, len,
			     "reply length field longer than the protocol allows",
			     "reply length field exceeds the packet", why);
	if (ret)
		return ret;
	/* The kernel counts the terminating NUL; the text stops there. */
	p->len = (uint32_t)strlen(p->data);
	return 0;
}

int mc_parse_notify(const void *buf, size_t n, struct mc_packet *p,
		    const char **why)
{
	const unsigned char *b = buf;
	uint32_t len;
	int ret;

	ret = mc_packet_init(p, n, MC_NOTIFY_HDR_LEN, "short notification",
			     "notification longer than the protocol allows", why);
	if (ret)
		return ret;
	if (get32(b) != MC_MAGIC) {
		*why = "notification with a wrong magic";
		return -EPROTO;
	}
	p->type = get32(b + 8);
	len = get32(b + 12);
	ret = mc_packet_text(p, b, n, MC_NOTIFY_HDR_LEN, len,
			     "notification length field out of range",
			     "notification length field out of range", why);
	if (ret)
		return ret;
	p->len = len;
	return 0;
}

int mc_recv_reply(int fd, struct mc_packet *p, int timeout_ms)
{
	return mc_recv_reply_until(fd, p, mc_deadline(timeout_ms));
}

int mc_recv_reply_until(int fd, struct mc_packet *p, long long deadline)
{
	/* Larger than any valid packet, so an oversized one is seen. */
	unsigned char buf[MC_HDR_LEN + MC_MAX_DATA + 64];
	const char *why;
	ssize_t n;
	int r;

	for (;;) {
		r = wait_fd(fd, POLLIN, deadline);
		if (r)
			return r;
		n = recv(fd, buf, sizeof(buf), MSG_TRUNC | MSG_DONTWAIT);
		if (n >= 0)
			break;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
	if ((size_t)n > sizeof(buf))
		n = (ssize_t)sizeof(buf);
	return mc_parse_reply(buf, (size_t)n, p, &why);
}

const char *mc_notify_name(uint32_t type)
{
	switch (type) {
	case MC_NOTIFY_SOCKET:
		return "socket";
	case MC_NOTIFY_PANIC:
		return "panic";
	case MC_NOTIFY_HANG:
		return "hang";
	case MC_NOTIFY_USER:
		return "user";
	}
	return "unknown";
}

static int absolutize_field(const char *f, size_t flen, char *out, size_t *pos,
			    size_t outlen, const char *cwd)
{
	int n;

	if (flen && f[0] != '/')
		n = snprintf(out + *pos, outlen - *pos, "%s/%.*s", cwd,
			     (int)flen, f);
	else
		n = snprintf(out + *pos, outlen - *pos, "%.*s", (int)flen, f);
	if (n < 0 || (size_t)n >= outlen - *pos)
		return -ENAMETOOLONG;
	*pos += (size_t)n;
	return 0;
}

int mc_absolutize_config(const char *cmd, char *out, size_t outlen)
{
	const char *p = cmd, *eq, *f;
	char cwd[4096];
	size_t pos, flen;
	int field, n;

	n = snprintf(out, outlen, "%s", cmd);
	if (n < 0 || (size_t)n >= outlen)
		return -ENAMETOOLONG;
	if (strncmp(p, "config", 6))
		return 0;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	eq = strchr(p, '=');
	if (strncmp(p, "ubd", 3) || !eq || !getcwd(cwd, sizeof(cwd)))
		return 0;
	pos = (size_t)(eq + 1 - cmd);
	/* FILE and BACKING, the first two of FILE[,:]BACKING[,:]SERIAL. */
	f = eq + 1;
	for (field = 0; ; field++) {
		flen = strcspn(f, ",:");
		if (field < 2) {
			if (absolutize_field(f, flen, out, &pos, outlen, cwd))
				return -ENAMETOOLONG;
		} else {
			n = snprintf(out + pos, outlen - pos, "%.*s", (int)flen, f);
			if (n < 0 || (size_t)n >= outlen - pos)
				return -ENAMETOOLONG;
			pos += (size_t)n;
		}
		if (!f[flen])
			break;
		if (pos + 1 >= outlen)
			return -ENAMETOOLONG;
		out[pos++] = f[flen];
		out[pos] = '\0';
		f += flen + 1;
	}
	return 0;
}
