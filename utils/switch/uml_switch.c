// SPDX-License-Identifier: GPL-2.0-only
/*
 * uml_switch - a user-space Ethernet switch for User Mode Linux guests.
 *
 * Guests join it through the legacy daemon transport (ethN=daemon,MAC,
 * unix,CTL: a control connection on CTL, frames as datagrams, see
 * arch/um/drivers/daemon_user.c) or through the vector bess transport
 * (vecN:transport=bess,dst=SOCK: a SOCK_SEQPACKET connection per guest,
 * one frame per packet, see arch/um/drivers/vector_user.c), and a host
 * tap can join as one more port.  One epoll loop serves every socket.
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "lib/ids.h"
#include "lib/strutils.h"
#include "lib/util.h"
#include "lib/xio.h"
#include "switch/switch.h"

/* The kernel's CONFIG_UML_NET_DAEMON_DEFAULT_SOCK. */
#define DEFAULT_CTL	"/tmp/uml.ctl"
#define DEFAULT_AGE	300
#define MGMT_TIMEOUT_MS	5000
#define DEFAULT_MAX_PORTS	256
#define DEFAULT_MAX_USER_PORTS	32
#define DEFAULT_BESS_IDLE	900

struct opts {
	const char *ctl;
	const char *bess;
	const char *mgmt;
	const char *tap;
	const char *pcap;
	char *pidfile;		/* absolute */
	const char *client_sock;	/* -stats / -macs */
	const char *client_cmd;
	unsigned int age_s;
	unsigned int max_ports;
	unsigned int max_user_ports;
	unsigned int bess_idle_s;
	uint64_t pcap_limit;
	int hub;
	int daemon;
	int have_uid;
	int have_gid;
	uid_t uid;
	gid_t gid;
};

/* A listening socket and the file it made. */
struct listener {
	int fd;
	const char *path;
	char *abs;		/* PATH made absolute: -daemon leaves the directory */
	enum port_type type;	/* of the ports it accepts */
	struct watch w;
};

int log_to_syslog;

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_to_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fprintf(stderr, "%s: ", program_invocation_short_name);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("[options]", "-stats MGMT | -macs MGMT", NULL);
	fputs(USAGE_SEPARATOR
	      "A user-space Ethernet switch for User Mode Linux guests: daemon\n"
	      "transport ports (ethN=daemon,MAC,unix,CTL), vector bess ports\n"
	      "(vecN:transport=bess,dst=SOCK) and a host tap.\n", stdout);
	printf(USAGE_OPTIONS
	       " -unix CTL        control socket for daemon ports (default " DEFAULT_CTL ")\n"
	       " -bess SOCK       also accept bess ports (SOCK_SEQPACKET) on SOCK\n"
	       " -tap DEV         join the host tap device DEV as a port\n"
	       " -hub             repeat every frame to every port (no learning)\n"
	       " -age SECONDS     forget a MAC address unseen this long (default %d)\n"
	       " -mgmt SOCK       management socket: per-port counters, MAC table\n"
	       " -max-ports N     at most N daemon and bess ports (default %d)\n"
	       " -max-user-ports N\n"
	       "                  at most N of them for one peer user (default %d)\n"
	       " -bess-idle SECONDS\n"
	       "                  close a bess port silent this long (default %d, 0: never)\n"
	       " -pcap FILE       capture every switched frame to FILE (pcap format)\n"
	       " -pcap-limit SIZE stop the capture before FILE grows past SIZE (K, M, G)\n"
	       " -daemon          detach and log to syslog once the sockets are ready\n"
	       " -pidfile FILE    write the switch's pid to FILE\n"
	       " -user USER       run as USER once the sockets and the tap are open\n"
	       " -group GROUP     run as GROUP (default: USER's group)\n"
	       " -stats MGMT      print the port counters of the switch at MGMT and exit\n"
	       " -macs MGMT       print the MAC table of the switch at MGMT and exit\n"
	       " -help            " USAGE_HELP "\n"
	       " -version         " USAGE_VERSION "\n",
	       DEFAULT_AGE, DEFAULT_MAX_PORTS, DEFAULT_MAX_USER_PORTS,
	       DEFAULT_BESS_IDLE);
	fputs(USAGE_SEPARATOR
	      "Every option may also be written with two dashes.\n", stdout);
	usage_end("uml_switch(8)");
}

/* ---------------------------------------------------------------- */
/* Options */

/* A size in bytes, with an optional K, M or G (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k':
		shift = 10;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'G': case 'g':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static void parse_user_opt(struct opts *o, const char *s)
{
	gid_t gid;

	if (parse_user(s, &o->uid, &gid))
		errx(EXIT_TROUBLE, "-user: unknown user '%s'", s);
	if (!o->have_gid)
		o->gid = gid;
	o->have_uid = 1;
}

/* The number OPT takes, from MIN to MAX (getopt's optarg), into V; else
 * "OPT: not WHAT: 'VALUE'" and EXIT_TROUBLE. */
static void uint_opt(const char *opt, const char *what, unsigned int min,
		     unsigned int max, unsigned int *v)
{
	if (parse_uint(optarg, min, max, v))
		errx(EXIT_TROUBLE, "%s: not %s: '%s'", opt, what, optarg);
}

static void parse_group_opt(struct opts *o, const char *s)
{
	if (parse_group(s, &o->gid))
		errx(EXIT_TROUBLE, "-group: unknown group '%s'", s);
	o->have_gid = 1;
}

/* PATH, absolute (from the current directory when relative); exits when
 * out of memory. */
static char *absolute(const char *path)
{
	char *abs = path_absolute(path);

	if (!abs)
		err(EXIT_FAILURE, "cannot make '%s' an absolute path", path);
	return abs;
}

static void check_sock_path(const char *opt, const char *path)
{
	struct sockaddr_un sun;

	if (!*path)
		errx(EXIT_TROUBLE, "%s: empty socket path", opt);
	if (strlen(path) >= sizeof(sun.sun_path))
		errx(EXIT_TROUBLE, "%s: socket path longer than %zu bytes: %s",
		     opt, sizeof(sun.sun_path) - 1, path);
}

static void parse_options(int argc, char **argv, struct opts *o)
{
	enum {
		O_UNIX = 256, O_BESS, O_TAP, O_HUB, O_AGE, O_MGMT, O_PCAP,
		O_DAEMON, O_PIDFILE, O_USER, O_GROUP, O_STATS, O_MACS,
		O_MAX_PORTS, O_MAX_USER_PORTS, O_BESS_IDLE, O_PCAP_LIMIT,
	};
	static const struct option longopts[] = {
		{ "unix", required_argument, NULL, O_UNIX },
		{ "bess", required_argument, NULL, O_BESS },
		{ "tap", required_argument, NULL, O_TAP },
		{ "hub", no_argument, NULL, O_HUB },
		{ "age", required_argument, NULL, O_AGE },
		{ "mgmt", required_argument, NULL, O_MGMT },
		{ "pcap", required_argument, NULL, O_PCAP },
		{ "pcap-limit", required_argument, NULL, O_PCAP_LIMIT },
		{ "max-ports", required_argument, NULL, O_MAX_PORTS },
		{ "max-user-ports", required_argument, NULL, O_MAX_USER_PORTS },
		{ "bess-idle", required_argument, NULL, O_BESS_IDLE },
		{ "daemon", no_argument, NULL, O_DAEMON },
		{ "pidfile", required_argument, NULL, O_PIDFILE },
		{ "user", required_argument, NULL, O_USER },
		{ "group", required_argument, NULL, O_GROUP },
		{ "stats", required_argument, NULL, O_STATS },
		{ "macs", required_argument, NULL, O_MACS },
		LONGOPTS_HELP_VERSION
	};
	const char *user = NULL;
	int c;

	o->ctl = DEFAULT_CTL;
	o->age_s = DEFAULT_AGE;
	o->max_ports = DEFAULT_MAX_PORTS;
	o->max_user_ports = DEFAULT_MAX_USER_PORTS;
	o->bess_idle_s = DEFAULT_BESS_IDLE;
	while ((c = getopt_long_only(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_UNIX:
			check_sock_path("-unix", optarg);
			o->ctl = optarg;
			break;
		case O_BESS:
			check_sock_path("-bess", optarg);
			o->bess = optarg;
			break;
		case O_TAP:
			o->tap = optarg;
			break;
		case O_HUB:
			o->hub = 1;
			break;
		case O_AGE:
			uint_opt("-age", "a number of seconds (1 or more)", 1,
				 86400 * 365, &o->age_s);
			break;
		case O_MGMT:
			check_sock_path("-mgmt", optarg);
			o->mgmt = optarg;
			break;
		case O_PCAP:
			o->pcap = optarg;
			break;
		case O_PCAP_LIMIT:
			if (parse_size(optarg, &o->pcap_limit) || o->pcap_limit < 1024)
				errx(EXIT_TROUBLE, "-pcap-limit: not a size of 1K or more: '%s'",
				     optarg);
			break;
		case O_MAX_PORTS:
			uint_opt("-max-ports", "a number from 1 to 65536", 1, 65536,
				 &o->max_ports);
			break;
		case O_MAX_USER_PORTS:
			uint_opt("-max-user-ports", "a number from 1 to 65536", 1,
				 65536, &o->max_user_ports);
			break;
		case O_BESS_IDLE:
			uint_opt("-bess-idle", "a number of seconds", 0, 86400 * 365,
				 &o->bess_idle_s);
			break;
		case O_DAEMON:
			o->daemon = 1;
			break;
		case O_PIDFILE:
			free(o->pidfile);
			o->pidfile = absolute(optarg);
			break;
		case O_USER:
			user = optarg;
			break;
		case O_GROUP:
			parse_group_opt(o, optarg);
			break;
		case O_STATS:
		case O_MACS:
			check_sock_path(c == O_STATS ? "-stats" : "-macs", optarg);
			o->client_sock = optarg;
			o->client_cmd = c == O_STATS ? "stats" : "macs";
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	usage_no_operands(argc, argv);
	if (user)
		parse_user_opt(o, user);
	if (o->pcap_limit && !o->pcap)
		errx(EXIT_TROUBLE, "-pcap-limit needs -pcap");
}

/* ---------------------------------------------------------------- */
/* Unix sockets */

static void sun_set(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strlen(path) + 1);
}

/*
 * PATH exists: 0 when it is a socket nobody listens on any more (left by a
 * switch that died), else -1 after saying why it must stay.  A switch that
 * answers is never touched.
 */
static int check_stale(const char *opt, const char *path, int type)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, ret = -1;

	if (lstat(path, &st) < 0) {
		warn("%s: %s", opt, path);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		warnx("%s: %s exists and is not a socket; not replacing it",
		      opt, path);
		return -1;
	}
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		warn("socket");
		return -1;
	}
	sun_set(&sun, path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ||
	    errno == EAGAIN || errno == EPROTOTYPE)
		warnx("%s: %s is in use by a running switch (or another program); not replacing it",
		      opt, path);
	else if (errno != ECONNREFUSED)
		warnx("%s: %s exists and cannot be probed (%s); not replacing it",
		      opt, path, strerror(errno));
	else
		ret = 0;
	close(fd);
	return ret;
}

/* bind(2), with the socket file made with mode 0660 when MODE_660. */
static int bind_mode(int fd, const struct sockaddr_un *sun, int mode_660)
{
	mode_t old = 0;
	int ret;

	if (mode_660)
		old = umask(0117);
	ret = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	if (mode_660)
		umask(old);
	return ret;
}

/*
 * A listening socket of TYPE at PATH, replacing only a stale one; with
 * GROUP_RW, group members may connect to it (-group).
 */
static int listen_unix(const char *opt, const char *path, int type,
		       int group_rw)
{
	struct sockaddr_un sun;
	int fd;

	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		warn("socket");
		return -1;
	}
	sun_set(&sun, path);
	if (bind_mode(fd, &sun, group_rw) < 0) {
		if (errno != EADDRINUSE) {
			warn("%s: cannot create %s", opt, path);
			goto fail;
		}
		if (check_stale(opt, path, type) < 0)
			goto fail;
		if (unlink(path) < 0 && errno != ENOENT) {
			warn("%s: cannot remove the stale socket %s", opt, path);
			goto fail;
		}
		if (bind_mode(fd, &sun, group_rw) < 0) {
			warn("%s: cannot create %s", opt, path);
			goto fail;
		}
		logmsg(LOG_NOTICE, "replaced the stale socket %s", path);
	}
	if (listen(fd, 128) < 0) {
		warn("%s: listen on %s", opt, path);
		unlink(path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * Accept a connection; out of file descriptors, accept it with the
 * reserve descriptor and close it at once, so that the listener does not
 * stay readable and spin the loop.
 */
static int accept_one(struct sw *sw, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd >= 0 || (errno != EMFILE && errno != ENFILE))
		return fd;
	sw->refused++;
	logmsg(LOG_WARNING, "out of file descriptors: refusing a connection");
	if (sw->reserve_fd >= 0) {
		close(sw->reserve_fd);
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			close(fd);
		sw->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	errno = EMFILE;
	return -1;
}

/* The peer's pid for the port's name and its user for the caps; -1 when
 * the kernel cannot tell. */
static void peer_cred(int fd, char *buf, size_t len, uid_t *uid)
{
	struct ucred cr;
	socklen_t n = sizeof(cr);

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &n) < 0) {
		snprintf(buf, len, "-");
		return;
	}
	*uid = cr.uid;
	if (cr.pid > 0)
		snprintf(buf, len, "pid=%d,uid=%u", (int)cr.pid,
			 (unsigned int)cr.uid);
	else
		snprintf(buf, len, "uid=%u", (unsigned int)cr.uid);
}

/* Why a new port for UID would be one too many, or NULL. */
static const char *port_cap(struct sw *sw, uid_t uid)
{
	unsigned int i, all = 0, mine = 0;

	for (i = 0; i < sw->nslots; i++) {
		struct port *p = sw->ports[i];

		if (!p || p->type == PORT_TAP)
			continue;
		all++;
		if (p->uid == uid)
			mine++;
	}
	if (all >= sw->max_ports)
		return "-max-ports";
	if (mine >= sw->max_user_ports)
		return "-max-user-ports";
	return NULL;
}

static void accept_port(struct sw *sw, int lfd, enum port_type type)
{
	char peer[sizeof(((struct port *)0)->peer)];
	const char *cap;
	struct port *p;
	uid_t uid;
	int fd;

	fd = accept_one(sw, lfd);
	if (fd < 0)
		return;
	peer_cred(fd, peer, sizeof(peer), &uid);
	cap = port_cap(sw, uid);
	if (cap) {
		sw->refused++;
		logmsg(LOG_WARNING, "refusing a %s port for %s: %s reached",
		       port_type_name(type), peer, cap);
		close(fd);
		return;
	}
	p = port_new(sw, type);
	if (!p) {
		logmsg(LOG_ERR, "out of memory: refusing a connection");
		close(fd);
		return;
	}
	memcpy(p->peer, peer, sizeof(p->peer));
	p->uid = uid;
	if (type == PORT_DAEMON) {
		p->ctl_fd = fd;
		if (watch_add(sw, fd, &p->ctl_w, EPOLLIN) < 0)
			port_close(sw, p, "epoll");
		return;
	}
	p->data_fd = fd;
	if (watch_add(sw, fd, &p->data_w, EPOLLIN) < 0) {
		port_close(sw, p, "epoll");
		return;
	}
	p->state = PORT_ACTIVE;
	logmsg(LOG_INFO, "port %u: bess, %s", p->id, p->peer);
}

/* A daemon or bess listener: a new port of the listener's type. */
static void port_listen_watch(struct sw *sw, void *obj)
{
	struct listener *l = obj;

	accept_port(sw, l->fd, l->type);
}

/* ---------------------------------------------------------------- */
/* The management socket */

static void mgmt_close(struct sw *sw, struct mgmt *m)
{
	struct mgmt **pp;

	for (pp = &sw->mgmts; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	close(m->fd);
	free(m->out);
	free(m);
}

static void print_stats(struct sw *sw, FILE *f)
{
	unsigned int i;

	fprintf(f, "mode %s ports %u macs %u bad_requests %llu refused %llu pcap_frames %llu\n",
		sw->hub ? "hub" : "switch", sw->nports, sw->nmacs,
		(unsigned long long)sw->bad_requests,
		(unsigned long long)sw->refused,
		(unsigned long long)sw->pcap_frames);
	fprintf(f, "%-5s %-6s %-6s %-16s %12s %14s %12s %14s %10s %10s\n",
		"port", "type", "state", "peer", "rx_frames", "rx_bytes",
		"tx_frames", "tx_bytes", "tx_drops", "rx_errors");
	for (i = 0; i < sw->nslots; i++) {
		struct port *p = sw->ports[i];

		if (!p)
			continue;
		fprintf(f, "%-5u %-6s %-6s %-16s %12llu %14llu %12llu %14llu %10llu %10llu\n",
			p->id, port_type_name(p->type),
			p->state == PORT_ACTIVE ? "up" : "new", p->peer,
			(unsigned long long)p->st.rx_frames,
			(unsigned long long)p->st.rx_bytes,
			(unsigned long long)p->st.tx_frames,
			(unsigned long long)p->st.tx_bytes,
			(unsigned long long)p->st.tx_drops,
			(unsigned long long)p->st.rx_errors);
	}
}

static void print_macs(struct sw *sw, FILE *f)
{
	int64_t now = now_ms();
	struct mac_entry *e;
	unsigned int b;

	fprintf(f, "%-17s %-5s %s\n", "mac", "port", "age_s");
	for (b = 0; b < MAC_BUCKETS; b++)
		for (e = sw->macs[b]; e; e = e->next)
			fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x %-5u %lld\n",
				e->addr[0], e->addr[1], e->addr[2], e->addr[3],
				e->addr[4], e->addr[5], e->port->id,
				(long long)((now - e->seen_ms) / 1000));
}

static void mgmt_command(struct sw *sw, struct mgmt *m, const char *cmd)
{
	FILE *f = open_memstream(&m->out, &m->out_len);

	if (!f)
		return;
	if (!strcmp(cmd, "stats"))
		print_stats(sw, f);
	else if (!strcmp(cmd, "macs"))
		print_macs(sw, f);
	else if (!strcmp(cmd, "help"))
		fputs("commands: stats, macs, help\n", f);
	else
		fprintf(f, "error: unknown command (try help)\n");
	fclose(f);
}

static void mgmt_flush(struct sw *sw, struct mgmt *m)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = &m->w };
	ssize_t n;

	while (m->out_off < m->out_len) {
		n = send(m->fd, m->out + m->out_off, m->out_len - m->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			epoll_ctl(sw->ep, EPOLL_CTL_MOD, m->fd, &ev);
			return;
		}
		if (n <= 0)
			break;
		m->out_off += n;
	}
	mgmt_close(sw, m);
}

static void mgmt_ready(struct sw *sw, struct mgmt *m)
{
	char *nl;
	ssize_t n;

	if (m->out) {
		mgmt_flush(sw, m);
		return;
	}
	n = recv(m->fd, m->in + m->in_len, sizeof(m->in) - 1 - m->in_len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		mgmt_close(sw, m);
		return;
	}
	m->in_len += n;
	m->in[m->in_len] = 0;
	nl = strchr(m->in, '\n');
	if (!nl && m->in_len < sizeof(m->in) - 1)
		return;
	if (!nl) {
		mgmt_close(sw, m);
		return;
	}
	*nl = 0;
	if (nl > m->in && nl[-1] == '\r')
		nl[-1] = 0;
	mgmt_command(sw, m, m->in);
	if (!m->out) {
		mgmt_close(sw, m);
		return;
	}
	mgmt_flush(sw, m);
}

static void mgmt_watch(struct sw *sw, void *obj)
{
	mgmt_ready(sw, obj);
}

static void mgmt_accept(struct sw *sw, int lfd)
{
	struct mgmt *m;
	int fd;

	fd = accept_one(sw, lfd);
	if (fd < 0)
		return;
	m = calloc(1, sizeof(*m));
	if (!m) {
		close(fd);
		return;
	}
	m->fd = fd;
	m->w.ready = mgmt_watch;
	m->w.obj = m;
	m->since_ms = now_ms();
	m->next = sw->mgmts;
	sw->mgmts = m;
	if (watch_add(sw, fd, &m->w, EPOLLIN) < 0)
		mgmt_close(sw, m);
}

static void mgmt_listen_watch(struct sw *sw, void *obj)
{
	struct listener *l = obj;

	mgmt_accept(sw, l->fd);
}

/* Management clients that neither ask nor read go after MGMT_TIMEOUT_MS. */
static void mgmt_sweep(struct sw *sw, int64_t now)
{
	struct mgmt *m, *next;

	for (m = sw->mgmts; m; m = next) {
		next = m->next;
		if (now - m->since_ms > MGMT_TIMEOUT_MS)
			mgmt_close(sw, m);
	}
}

/* -stats / -macs: ask a running switch, print its answer. */
static int run_client(const struct opts *o)
{
	struct sockaddr_un sun;
	char buf[4096];
	ssize_t n;
	int fd, ret = EXIT_FAILURE;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		err(EXIT_FAILURE, "socket");
	sun_set(&sun, o->client_sock);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		warn("cannot reach the management socket %s", o->client_sock);
		goto out;
	}
	snprintf(buf, sizeof(buf), "%s\n", o->client_cmd);
	if (xwrite(fd, buf, strlen(buf)) < 0) {
		warn("%s", o->client_sock);
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (xwrite(STDOUT_FILENO, buf, n) < 0)
			goto out;
	if (n < 0) {
		warn("%s", o->client_sock);
		goto out;
	}
	ret = EXIT_SUCCESS;
out:
	close(fd);
	return ret;
}

/* ---------------------------------------------------------------- */
/* Set-up and the loop */

/* SIGINT, SIGTERM or SIGHUP (the signalfd): stop after this round. */
static void signal_watch(struct sw *sw, void *obj)
{
	(void)obj;
	sw->stopping = 1;
}

static int setup_signals(struct sw *sw, struct watch *w)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	w->ready = signal_watch;
	w->obj = NULL;
	if (watch_add(sw, fd, w, EPOLLIN) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* As many descriptors as the hard limit allows: hundreds of ports. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int open_listener(struct sw *sw, struct listener *l,
			 const struct opts *o, const char *opt,
			 const char *path, int type, watch_fn *ready)
{
	l->fd = listen_unix(opt, path, type, o->have_gid);
	if (l->fd < 0)
		return -1;
	l->path = path;
	l->abs = absolute(path);
	l->w.ready = ready;
	l->w.obj = l;
	if (watch_add(sw, l->fd, &l->w, EPOLLIN) < 0) {
		warn("epoll");
		return -1;
	}
	return 0;
}

/*
 * Give the socket file at PATH to UID and GID without following a symlink:
 * in a directory others may write to, the socket just made could have been
 * replaced by a link to any file.  Only a socket this process's user owns
 * (that is, made by it, as others cannot give files away) is changed.
 */
static int chown_socket(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		ret = -errno;
	else if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid())
		ret = -EPERM;
	else if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int chown_sockets(const struct opts *o, struct listener *ls, int n)
{
	uid_t uid = o->have_uid ? o->uid : (uid_t)-1;
	gid_t gid = o->have_gid || o->have_uid ? o->gid : (gid_t)-1;
	int i, ret;

	if (!o->have_uid && !o->have_gid)
		return 0;
	for (i = 0; i < n; i++) {
		if (ls[i].fd < 0)
			continue;
		ret = chown_socket(ls[i].path, uid, gid);
		if (ret == -EPERM)
			warnx("cannot hand %s to the -user/-group: it is no longer the socket the switch made",
			      ls[i].path);
		else if (ret < 0)
			warnx("cannot hand %s to the -user/-group: %s",
			      ls[i].path, strerror(-ret));
		if (ret < 0)
			return -1;
	}
	return 0;
}

static int drop_privileges(const struct opts *o)
{
	gid_t gid = o->gid;

	if (!o->have_uid && !o->have_gid)
		return 0;
	if (setgroups(1, &gid) < 0) {
		warn("setgroups");
		return -1;
	}
	if (setgid(gid) < 0 || getgid() != gid || getegid() != gid) {
		warn("cannot change to group %u", (unsigned int)gid);
		return -1;
	}
	if (o->have_uid) {
		if (setuid(o->uid) < 0 || getuid() != o->uid || geteuid() != o->uid) {
			warn("cannot change to user %u", (unsigned int)o->uid);
			return -1;
		}
		if (o->uid != 0 && setuid(0) == 0) {
			warnx("could regain root after dropping it; stopping");
			return -1;
		}
	}
	return 0;
}

static int write_pidfile(const char *path)
{
	struct xtmp t;
	char buf[32];
	int ret;

	ret = xtmp_open(&t, path, 0644);
	if (ret < 0)
		goto fail;
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	ret = xwrite(t.fd, buf, strlen(buf));
	if (ret < 0) {
		xtmp_abort(&t);
		goto fail;
	}
	ret = xtmp_commit(&t, 0);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	warnx("-pidfile: cannot write %s: %s", path, strerror(-ret));
	return -1;
}

/*
 * -daemon: fork; the parent waits until the child says it is ready (the
 * pid file written, privileges dropped) and exits 0, or 1 when the child
 * failed.  The child, in a new session, keeps stderr for its errors until
 * then.  Returns the descriptor to report readiness on, or -1.
 */
static int daemon_start(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0) {
		warn("pipe");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		warn("fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 && c == 'R' ? EXIT_SUCCESS : EXIT_FAILURE);
	}
	close(p[0]);
	if (setsid() < 0 || chdir("/") < 0) {
		warn("daemon");
		close(p[1]);
		return -1;
	}
	return p[1];
}

/* Tell the waiting parent; from now on, log to syslog. */
static void daemon_ready(int fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	openlog(program_invocation_short_name, LOG_PID, LOG_DAEMON);
	log_to_syslog = 1;
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	if (write(fd, "R", 1) != 1)
		logmsg(LOG_WARNING, "cannot tell the parent that the switch is ready: %m");
	close(fd);
}

static void run_loop(struct sw *sw)
{
	struct epoll_event evs[64];
	int64_t last = now_ms(), now;
	int i, n;

	while (!sw->stopping) {
		n = epoll_wait(sw->ep, evs, 64, 1000);
		if (n < 0 && errno != EINTR) {
			logmsg(LOG_ERR, "epoll_wait: %m");
			break;
		}
		for (i = 0; i < n; i++) {
			struct watch *w = evs[i].data.ptr;

			w->ready(sw, w->obj);
		}
		ports_reap(sw);
		if (sw->pcap)
			fflush(sw->pcap);
		now = now_ms();
		if (now - last >= 1000) {
			last = now;
			mac_age(sw, now);
			ports_sweep(sw, now);
			mgmt_sweep(sw, now);
			ports_reap(sw);
		}
	}
}

static void shutdown_switch(struct sw *sw, struct listener *ls, int n,
			    const char *pidfile)
{
	unsigned int i;
	int j;

	for (i = 0; i < sw->nslots; i++)
		if (sw->ports[i])
			port_close(sw, sw->ports[i], NULL);
	ports_reap(sw);
	while (sw->mgmts)
		mgmt_close(sw, sw->mgmts);
	for (j = 0; j < n; j++) {
		if (ls[j].fd < 0)
			continue;
		close(ls[j].fd);
		/* Ours: bound by this process, so no other switch's. */
		if (unlink(ls[j].abs) < 0 && errno != ENOENT)
			logmsg(LOG_WARNING, "cannot remove %s: %m", ls[j].abs);
		free(ls[j].abs);
	}
	if (pidfile)
		unlink(pidfile);
	if (sw->pcap && fclose(sw->pcap))
		logmsg(LOG_ERR, "pcap: %m");
	sw->pcap = NULL;
	free(sw->ports);
}

int main(int argc, char **argv)
{
	struct listener ls[3] = { { .fd = -1 }, { .fd = -1 }, { .fd = -1 } };
	struct opts o = { 0 };
	struct watch sigw;
	struct sw *sw;
	int ret = EXIT_FAILURE, sfd = -1, pid_written = 0, ready_fd = -1, r;

	parse_options(argc, argv, &o);
	if (o.client_sock)
		return run_client(&o);

	sw = calloc(1, sizeof(*sw));
	if (!sw)
		err(EXIT_FAILURE, "out of memory");
	sw->hub = o.hub;
	sw->age_s = o.age_s;
	sw->max_ports = o.max_ports;
	sw->max_user_ports = o.max_user_ports;
	sw->bess_idle_s = o.bess_idle_s;
	sw->pcap_limit = o.pcap_limit;
	raise_fd_limit();
	sw->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sw->ep = epoll_create1(EPOLL_CLOEXEC);
	if (sw->ep < 0) {
		warn("epoll_create1");
		goto out;
	}
	if (o.tap) {
		r = port_add_tap(sw, o.tap);
		if (r < 0) {
			warnx("-tap: cannot attach to %s: %s%s", o.tap, strerror(-r),
			      r == -EPERM || r == -EACCES ?
			      " (needs CAP_NET_ADMIN, or a tap "
			      "made by tunctl -u for this user)" : "");
			goto out;
		}
	}
	if (o.pcap) {
		r = pcap_open(sw, o.pcap);
		if (r < 0) {
			warnx("-pcap: cannot write %s: %s", o.pcap, strerror(-r));
			goto out;
		}
	}
	ls[0].type = PORT_DAEMON;
	ls[1].type = PORT_BESS;
	if (open_listener(sw, &ls[0], &o, "-unix", o.ctl, SOCK_STREAM,
			  port_listen_watch) ||
	    (o.bess && open_listener(sw, &ls[1], &o, "-bess", o.bess,
				     SOCK_SEQPACKET, port_listen_watch)) ||
	    (o.mgmt && open_listener(sw, &ls[2], &o, "-mgmt", o.mgmt,
				     SOCK_STREAM, mgmt_listen_watch)))
		goto out;
	if (chown_sockets(&o, ls, 3) < 0)
		goto out;
	if (o.daemon) {
		ready_fd = daemon_start();
		if (ready_fd < 0)
			goto out;
	}
	/* After the fork: a signalfd polled by epoll wakes only the process
	 * that registered it. */
	sfd = setup_signals(sw, &sigw);
	if (sfd < 0) {
		logmsg(LOG_ERR, "cannot set up the signal handling: %m");
		goto out;
	}
	if (o.pidfile) {
		if (write_pidfile(o.pidfile) < 0)
			goto out;
		pid_written = 1;
	}
	if (drop_privileges(&o) < 0)
		goto out;
	if (ready_fd >= 0)
		daemon_ready(ready_fd);
	if (geteuid() == 0)
		logmsg(LOG_WARNING, "running as root: every port's peer has root's frames sent to the abstract socket it names (use -user)");
	logmsg(LOG_INFO, "%s mode, daemon ports on %s%s%s%s%s", o.hub ? "hub" : "switch",
	       o.ctl, o.bess ? ", bess ports on " : "", o.bess ? o.bess : "",
	       o.tap ? ", tap " : "", o.tap ? o.tap : "");
	run_loop(sw);
	ret = EXIT_SUCCESS;
out:
	shutdown_switch(sw, ls, 3, pid_written ? o.pidfile : NULL);
	if (sfd >= 0)
		close(sfd);
	if (sw->ep >= 0)
		close(sw->ep);
	if (sw->reserve_fd >= 0)
		close(sw->reserve_fd);
	free(sw);
	free(o.pidfile);
	return ret;
}
