// SPDX-License-Identifier: GPL-2.0-only
/*
 * ports.c - uml_switch's ports (daemon, bess, tap), the learning table
 * and the pcap capture.
 *
 * Every port's data socket is non-blocking: a frame for a peer whose queue
 * is full is dropped and counted, so one slow guest never holds up the
 * others.
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "lib/tun.h"
#include "switch/switch.h"

_Static_assert(sizeof(struct request_v3) == 124,
	       "struct request_v3 must match the kernel's layout");

#define RX_BATCH	64	/* frames read from one port per wakeup */
#define REQ_TIMEOUT_MS	10000	/* a control request must arrive by then */

const char *port_type_name(enum port_type t)
{
	switch (t) {
	case PORT_DAEMON:
		return "daemon";
	case PORT_BESS:
		return "bess";
	case PORT_TAP:
		return "tap";
	}
	return "?";
}

int watch_add(struct sw *sw, int fd, struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(sw->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

/* ---------------------------------------------------------------- */
/* The learning table */

static unsigned int mac_hash(const uint8_t *a)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < ETH_ADDR_LEN; i++)
		h = (h ^ a[i]) * 16777619u;
	return h % MAC_BUCKETS;
}

static struct port *mac_lookup(struct sw *sw, const uint8_t *a)
{
	struct mac_entry *e;

	for (e = sw->macs[mac_hash(a)]; e; e = e->next)
		if (!memcmp(e->addr, a, ETH_ADDR_LEN))
			return e->port;
	return NULL;
}

static void mac_learn(struct sw *sw, const uint8_t *a, struct port *p,
		      int64_t now)
{
	unsigned int b = mac_hash(a);
	struct mac_entry *e;

	for (e = sw->macs[b]; e; e = e->next) {
		if (!memcmp(e->addr, a, ETH_ADDR_LEN)) {
			e->port = p;
			e->seen_ms = now;
			return;
		}
	}
	/* A full table floods rather than grows without bound. */
	if (sw->nmacs >= MAC_MAX)
		return;
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	memcpy(e->addr, a, ETH_ADDR_LEN);
	e->port = p;
	e->seen_ms = now;
	e->next = sw->macs[b];
	sw->macs[b] = e;
	sw->nmacs++;
}

/* Drop the entries of port P (P == NULL: those older than the ageing time). */
static void mac_forget(struct sw *sw, const struct port *p, int64_t now)
{
	struct mac_entry **pp, *e;
	unsigned int b;

	for (b = 0; b < MAC_BUCKETS; b++) {
		pp = &sw->macs[b];
		while ((e = *pp)) {
			if (p ? e->port == p :
			    now - e->seen_ms > (int64_t)sw->age_s * 1000) {
				*pp = e->next;
				free(e);
				sw->nmacs--;
			} else {
				pp = &e->next;
			}
		}
	}
}

void mac_age(struct sw *sw, int64_t now)
{
	mac_forget(sw, NULL, now);
}

/* ---------------------------------------------------------------- */
/* pcap capture (the classic libpcap file format, microseconds) */

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major;
	uint16_t minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct pcap_rec_hdr {
	uint32_t sec;
	uint32_t usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

#define PCAP_MAGIC		0xa1b2c3d4
#define LINKTYPE_ETHERNET	1

int pcap_open(struct sw *sw, const char *path)
{
	struct pcap_file_hdr h = {
		.magic = PCAP_MAGIC, .major = 2, .minor = 4,
		.snaplen = FRAME_MAX, .linktype = LINKTYPE_ETHERNET,
	};
	int fd, ret;

	sw->pcap_bytes = sizeof(h);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	sw->pcap = fdopen(fd, "w");
	if (!sw->pcap) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (fwrite(&h, sizeof(h), 1, sw->pcap) != 1 || fflush(sw->pcap)) {
		ret = -errno;
		fclose(sw->pcap);
		sw->pcap = NULL;
		return ret ? ret : -EIO;
	}
	return 0;
}

static void pcap_frame(struct sw *sw, const uint8_t *f, size_t len)
{
	struct pcap_rec_hdr r;
	struct timeval tv;

	if (!sw->pcap)
		return;
	if (sw->pcap_limit &&
	    sw->pcap_bytes + sizeof(r) + len > sw->pcap_limit) {
		logmsg(LOG_WARNING, "pcap capture stopped: the file reached -pcap-limit %llu bytes after %llu frames",
		       (unsigned long long)sw->pcap_limit,
		       (unsigned long long)sw->pcap_frames);
		fclose(sw->pcap);
		sw->pcap = NULL;
		return;
	}
	gettimeofday(&tv, NULL);
	r.sec = (uint32_t)tv.tv_sec;
	r.usec = (uint32_t)tv.tv_usec;
	r.incl_len = (uint32_t)len;
	r.orig_len = (uint32_t)len;
	if (fwrite(&r, sizeof(r), 1, sw->pcap) != 1 ||
	    fwrite(f, len, 1, sw->pcap) != 1) {
		logmsg(LOG_ERR, "pcap capture stopped: write failed: %m");
		fclose(sw->pcap);
		sw->pcap = NULL;
		return;
	}
	sw->pcap_frames++;
	sw->pcap_bytes += sizeof(r) + len;
}

/* ---------------------------------------------------------------- */
/* Ports */

static watch_fn port_data_watch, port_ctl_watch;

struct port *port_new(struct sw *sw, enum port_type type)
{
	struct port **slots;
	struct port *p;
	unsigned int i, n;

	for (i = 0; i < sw->nslots && sw->ports[i]; i++)
		;
	if (i == sw->nslots) {
		n = sw->nslots ? sw->nslots * 2 : 64;
		slots = realloc(sw->ports, n * sizeof(*slots));
		if (!slots)
			return NULL;
		memset(slots + sw->nslots, 0, (n - sw->nslots) * sizeof(*slots));
		sw->ports = slots;
		sw->nslots = n;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->id = i + 1;
	p->type = type;
	p->state = PORT_NEW;
	p->data_fd = -1;
	p->ctl_fd = -1;
	p->data_w.ready = port_data_watch;
	p->data_w.obj = p;
	p->ctl_w.ready = port_ctl_watch;
	p->ctl_w.obj = p;
	p->uid = (uid_t)-1;
	p->since_ms = now_ms();
	p->rx_ms = p->since_ms;
	sw->ports[i] = p;
	sw->nports++;
	return p;
}

void port_close(struct sw *sw, struct port *p, const char *why)
{
	if (p->state == PORT_ACTIVE || why)
		logmsg(why ? LOG_WARNING : LOG_INFO,
		       "port %u (%s %s) closed%s%s: rx %llu frames, tx %llu frames, %llu dropped",
		       p->id, port_type_name(p->type), p->peer,
		       why ? ": " : "", why ? why : "",
		       (unsigned long long)p->st.rx_frames,
		       (unsigned long long)p->st.tx_frames,
		       (unsigned long long)p->st.tx_drops);
	mac_forget(sw, p, 0);
	if (p->data_fd >= 0)
		close(p->data_fd);	/* closing also leaves the epoll set */
	if (p->ctl_fd >= 0)
		close(p->ctl_fd);
	p->data_fd = -1;
	p->ctl_fd = -1;
	p->state = PORT_DEAD;
	sw->ports[p->id - 1] = NULL;
	sw->nports--;
	p->next_dead = sw->dead;
	sw->dead = p;
}

void ports_reap(struct sw *sw)
{
	struct port *p;

	while ((p = sw->dead)) {
		sw->dead = p->next_dead;
		free(p);
	}
}

static void port_send(struct port *p, const uint8_t *f, size_t len)
{
	ssize_t n;

	if (p->type == PORT_TAP)
		n = write(p->data_fd, f, len);
	else
		n = send(p->data_fd, f, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n == (ssize_t)len) {
		p->st.tx_frames++;
		p->st.tx_bytes += len;
	} else {
		p->st.tx_drops++;
	}
}

static void forward(struct sw *sw, struct port *from, const uint8_t *f,
		    size_t len, int64_t now)
{
	struct port *to = NULL;
	unsigned int i;

	if (!sw->hub) {
		if (!(f[ETH_ADDR_LEN] & 1))
			mac_learn(sw, f + ETH_ADDR_LEN, from, now);
		if (!(f[0] & 1))
			to = mac_lookup(sw, f);
	}
	if (to) {
		if (to != from)
			port_send(to, f, len);
		return;
	}
	for (i = 0; i < sw->nslots; i++) {
		struct port *p = sw->ports[i];

		if (p && p != from && p->state == PORT_ACTIVE)
			port_send(p, f, len);
	}
}

static void port_data_ready(struct sw *sw, struct port *p)
{
	int64_t now = now_ms();
	ssize_t n;
	int i;

	for (i = 0; i < RX_BATCH; i++) {
		if (p->type == PORT_TAP)
			n = read(p->data_fd, sw->buf, sizeof(sw->buf));
		else
			n = recv(p->data_fd, sw->buf, sizeof(sw->buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			if (p->type == PORT_DAEMON && errno == ECONNREFUSED) {
				/* An earlier send found the guest's socket
				 * gone; its control connection tells. */
				p->st.rx_errors++;
				return;
			}
			port_close(sw, p, strerror(errno));
			return;
		}
		if (n == 0 && p->type == PORT_BESS) {
			port_close(sw, p, NULL);
			return;
		}
		if (n < ETH_HDR_LEN) {
			p->st.rx_errors++;
			continue;
		}
		p->st.rx_frames++;
		p->st.rx_bytes += n;
		p->rx_ms = now;
		pcap_frame(sw, sw->buf, n);
		forward(sw, p, sw->buf, n, now);
	}
}

/* ---------------------------------------------------------------- */
/* The daemon transport's control protocol */

/* Why request R is not one the switch can serve, or NULL. */
static const char *request_problem(const struct request_v3 *r)
{
	static char why[64];

	if (r->magic != SWITCH_MAGIC) {
		snprintf(why, sizeof(why), "bad magic 0x%08x", r->magic);
		return why;
	}
	if (r->version != SWITCH_VERSION) {
		snprintf(why, sizeof(why), "unsupported version %u", r->version);
		return why;
	}
	if (r->type != REQ_NEW_CONTROL) {
		snprintf(why, sizeof(why), "unknown request type %u", r->type);
		return why;
	}
	if (r->sock.sun_family != AF_UNIX)
		return "the data address is not AF_UNIX";
	/*
	 * Only an abstract name (a leading NUL), which is what the kernel
	 * sends.  The switch connects to the address with its own identity,
	 * so a path would let any client have the switch send its frames to
	 * a socket file only the switch's user may write to.
	 */
	if (r->sock.sun_path[0])
		return "the data socket is a path, not an abstract name";
	return NULL;
}

#define BIND_TRIES	16

/*
 * Bind FD to a random abstract name, padded to the whole sockaddr_un: the
 * kernel sends to the address with sizeof(struct sockaddr_un), so the
 * padding is part of the name.  The name is random, so that no other user
 * can take it first; one in use is drawn again.
 */
static int bind_random(int fd, struct sockaddr_un *me)
{
	uint64_t r;
	int i;

	for (i = 0; i < BIND_TRIES; i++) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return -errno;
		memset(me, 0, sizeof(*me));
		me->sun_family = AF_UNIX;
		snprintf(me->sun_path + 1, sizeof(me->sun_path) - 1,
			 "uml_switch.%016llx", (unsigned long long)r);
		if (bind(fd, (struct sockaddr *)me, sizeof(*me)) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

/* A data socket for P, bound to a random name, connected to the guest's. */
static int daemon_data_socket(struct port *p, struct sockaddr_un *me)
{
	int fd, ret;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = bind_random(fd, me);
	if (ret == 0 && connect(fd, (struct sockaddr *)&p->req.sock,
				sizeof(p->req.sock)) < 0)
		ret = -errno;
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

static void daemon_request(struct sw *sw, struct port *p)
{
	struct sockaddr_un me;
	const char *why;
	char msg[128];
	int fd, ret;

	why = request_problem(&p->req);
	if (why) {
		sw->bad_requests++;
		snprintf(msg, sizeof(msg), "malformed control request (%s)", why);
		port_close(sw, p, msg);
		return;
	}
	fd = daemon_data_socket(p, &me);
	if (fd < 0) {
		sw->bad_requests++;
		snprintf(msg, sizeof(msg),
			 "cannot reach the guest's data socket: %s", strerror(-fd));
		port_close(sw, p, msg);
		return;
	}
	p->data_fd = fd;
	if (write(p->ctl_fd, &me, sizeof(me)) != (ssize_t)sizeof(me)) {
		port_close(sw, p, "cannot answer the control request");
		return;
	}
	ret = watch_add(sw, fd, &p->data_w, EPOLLIN);
	if (ret < 0) {
		port_close(sw, p, strerror(-ret));
		return;
	}
	p->state = PORT_ACTIVE;
	logmsg(LOG_INFO, "port %u: daemon, %s", p->id, p->peer);
}

static void port_ctl_ready(struct sw *sw, struct port *p)
{
	char extra[64];
	ssize_t n;

	if (p->state == PORT_NEW) {
		n = read(p->ctl_fd, (char *)&p->req + p->req_len,
			 sizeof(p->req) - p->req_len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			if (p->req_len) {
				sw->bad_requests++;
				port_close(sw, p, "truncated control request");
			} else {
				port_close(sw, p, NULL);
			}
			return;
		}
		p->req_len += n;
		if (p->req_len == sizeof(p->req))
			daemon_request(sw, p);
		return;
	}
	/* The kernel sends one request, then only closes the connection. */
	n = read(p->ctl_fd, extra, sizeof(extra));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		sw->bad_requests++;
		port_close(sw, p, "unexpected data on the control connection");
		return;
	}
	port_close(sw, p, NULL);
}

/*
 * Close control connections whose request has not come in time, and bess
 * ports that have sent nothing for -bess-idle seconds (a bess connection
 * costs nothing to hold open, and each holds a port).
 */
void ports_sweep(struct sw *sw, int64_t now)
{
	int64_t idle_ms = (int64_t)sw->bess_idle_s * 1000;
	char why[64];
	unsigned int i;

	for (i = 0; i < sw->nslots; i++) {
		struct port *p = sw->ports[i];

		if (!p)
			continue;
		if (p->state == PORT_NEW && now - p->since_ms > REQ_TIMEOUT_MS) {
			sw->bad_requests++;
			port_close(sw, p, "no control request within 10 s");
		} else if (p->type == PORT_BESS && idle_ms &&
			   now - p->rx_ms > idle_ms) {
			snprintf(why, sizeof(why), "idle for %u s (-bess-idle)",
				 sw->bess_idle_s);
			port_close(sw, p, why);
		}
	}
}

/* ---------------------------------------------------------------- */
/* The host tap */

int port_add_tap(struct sw *sw, const char *dev)
{
	char name[IFNAMSIZ];
	struct port *p;
	int fd, ret;

	fd = tun_open(dev, IFF_TAP, O_NONBLOCK, name, NULL);
	if (fd < 0)
		return fd;
	p = port_new(sw, PORT_TAP);
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	p->data_fd = fd;
	snprintf(p->peer, sizeof(p->peer), "%s", name);
	ret = watch_add(sw, fd, &p->data_w, EPOLLIN);
	if (ret < 0) {
		port_close(sw, p, NULL);
		return ret;
	}
	p->state = PORT_ACTIVE;
	return 0;
}

/* ---------------------------------------------------------------- */
/* What the loop calls (a port closed in this round waits for the reap) */

/* Frames, or an error or hang-up, which come out of the read. */
static void port_data_watch(struct sw *sw, void *obj)
{
	struct port *p = obj;

	if (p->state != PORT_DEAD)
		port_data_ready(sw, p);
}

/* A daemon port's control connection: the request, or its end. */
static void port_ctl_watch(struct sw *sw, void *obj)
{
	struct port *p = obj;

	if (p->state != PORT_DEAD)
		port_ctl_ready(sw, p);
}
