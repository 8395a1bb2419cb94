/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * switch.h - uml_switch's ports, MAC table and event loop state.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_SWITCH_H
#define UML_SWITCH_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/un.h>

/*
 * The daemon transport's control request, as arch/um/drivers/daemon_user.c
 * writes it on the control connection (enum request_type is an int there):
 * 4 + 4 + 4 + 110 bytes, padded to 124.  The switch answers with the
 * struct sockaddr_un of the data socket the guest is to send its frames
 * to, and frames travel as SOCK_DGRAM datagrams, one Ethernet frame each.
 */
#define SWITCH_MAGIC	0xfeedface
#define SWITCH_VERSION	3
#define REQ_NEW_CONTROL	0

struct request_v3 {
	uint32_t magic;
	uint32_t version;
	uint32_t type;
	struct sockaddr_un sock;
};

#define ETH_ADDR_LEN	6
#define ETH_HDR_LEN	14
/* The vector transports allow an MTU up to 65535 (vector_kern.c get_mtu). */
#define FRAME_MAX	(65536 + 64)

struct sw;

/*
 * What an epoll event belongs to: the object, and the function that
 * handles it when its descriptor is ready.  A new kind of port brings its
 * own functions (ports.c); the loop only calls them.
 */
typedef void watch_fn(struct sw *sw, void *obj);

struct watch {
	watch_fn *ready;
	void *obj;
};

enum port_type { PORT_DAEMON, PORT_BESS, PORT_TAP };
/* A closed port stays allocated (PORT_DEAD) until the end of the epoll
 * batch, which may still hold an event for its other socket. */
enum port_state { PORT_NEW, PORT_ACTIVE, PORT_DEAD };

struct port_stats {
	uint64_t rx_frames;
	uint64_t rx_bytes;
	uint64_t tx_frames;
	uint64_t tx_bytes;
	uint64_t tx_drops;	/* the peer's queue was full (EAGAIN) or gone */
	uint64_t rx_errors;	/* runts and receive errors */
};

struct port {
	unsigned int id;	/* slot + 1, shown by the management socket */
	enum port_type type;
	enum port_state state;
	int data_fd;
	int ctl_fd;		/* daemon ports: the control connection */
	struct watch data_w;
	struct watch ctl_w;
	char peer[48];		/* "pid=1234,uid=0" or the tap's name */
	uid_t uid;		/* the peer's user (SO_PEERCRED), taps: -1 */
	int64_t since_ms;	/* when it connected */
	int64_t rx_ms;		/* when it last sent a frame */
	struct request_v3 req;	/* daemon: the request, as it arrives */
	size_t req_len;
	struct port_stats st;
	struct port *next_dead;
};

struct mac_entry {
	uint8_t addr[ETH_ADDR_LEN];
	struct port *port;
	int64_t seen_ms;
	struct mac_entry *next;
};

#define MAC_BUCKETS	4096
#define MAC_MAX		65536

/* A management client: one command line in, the answer out, then close. */
struct mgmt {
	int fd;
	struct watch w;
	char in[128];
	size_t in_len;
	char *out;
	size_t out_len;
	size_t out_off;
	int64_t since_ms;
	struct mgmt *next;
};

struct sw {
	int ep;
	int hub;
	unsigned int age_s;
	struct port **ports;	/* slots, NULL when free */
	unsigned int nslots;
	unsigned int nports;
	struct mac_entry *macs[MAC_BUCKETS];
	unsigned int nmacs;
	struct mgmt *mgmts;
	struct port *dead;	/* closed ports, freed by ports_reap() */
	unsigned int max_ports;		/* daemon and bess ports, all peers */
	unsigned int max_user_ports;	/* ... for one peer user */
	unsigned int bess_idle_s;	/* close a silent bess port (0: never) */
	FILE *pcap;
	uint64_t pcap_frames;
	uint64_t pcap_bytes;		/* written to the pcap file */
	uint64_t pcap_limit;		/* stop capturing past it (0: never) */
	uint64_t bad_requests;	/* malformed control messages */
	uint64_t refused;	/* connections refused (no fd left) */
	int reserve_fd;		/* closed to accept and drop when out of fds */
	int stopping;		/* a signal came: leave the loop */
	uint8_t buf[FRAME_MAX];
};

/* Time in milliseconds on the monotonic clock. */
int64_t now_ms(void);

/* Log a line: to stderr in the foreground, syslog as a daemon. */
void logmsg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
extern int log_to_syslog;

/* ports.c */
int watch_add(struct sw *sw, int fd, struct watch *w, uint32_t events);
struct port *port_new(struct sw *sw, enum port_type type);
void port_close(struct sw *sw, struct port *p, const char *why);
int port_add_tap(struct sw *sw, const char *dev);
void ports_sweep(struct sw *sw, int64_t now);
void ports_reap(struct sw *sw);
void mac_age(struct sw *sw, int64_t now);
int pcap_open(struct sw *sw, const char *path);
const char *port_type_name(enum port_type t);

#endif
