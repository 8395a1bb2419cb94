// SPDX-License-Identifier: GPL-2.0-only
/*
 * uml_net - the helper User Mode Linux runs for its legacy tuntap, slip
 * and ethertap transports (arch/um/drivers/net_user.c, slip_user.c and
 * arch/um/os-Linux/drivers/tuntap_user.c, ethertap_user.c).
 *
 * Meant to be installed set-uid root (mode 4754, group uml-net), so it
 * trusts nothing it is given: the environment is cleared, stray file
 * descriptors are closed, every argument must match a strict grammar,
 * every capability but CAP_NET_ADMIN is dropped before the arguments
 * are even read, the real uid and gid come back as soon as the tun device
 * is open, and the host is changed only through rtnetlink (libmnl), ioctls
 * and the tap's own /proc/sys/net/ipv6/conf entries -- no shell, no
 * ifconfig, no route.  Every action and every refusal goes to syslog's
 * authpriv facility.
 *
 * What a caller other than root may do is the administrator's policy file
 * (uml_net.conf(5), policy.c): the addresses it may put on its taps and
 * route to them, and how many taps it may own.  Without a policy, only a
 * tap without an address.  Taps come up with IPv6 off, so a guest's
 * router advertisement cannot give the host a route.
 *
 * The protocol (UML_NET_VERSION 4), argv[1] always the version:
 *   tuntap up [GATE]       create a tap owned by the caller, give it GATE/32
 *                          and bring it up; send the tap's fd on fd 1 (a
 *                          datagram socket, SCM_RIGHTS) with its name in the
 *                          first IFNAMSIZ bytes and then our message
 *   add|del DEV ADDR MASK  a host route to the guest's ADDR through DEV and
 *                          proxy ARP for it on host links whose subnet holds
 *                          ADDR; reply on fd 1 (a stream socket): an int
 *                          length, then the text
 *   slip up GATE           fd 0 is the guest's pty: slip line discipline,
 *                          GATE/32 on the new slN, up; reply as for add
 *   slip down DEV          take DEV (the slip device of fd 0) down
 *   ethertap DEV FD [GATE] refused: host kernels dropped ethertap long ago
 *
 * This file is part of user-mode-linux.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "lib/caps.h"
#include "lib/tun.h"
#include "lib/util.h"
#include "net/policy.h"

#define UML_NET_VERSION "4"

#ifndef UML_NET_CONF
#define UML_NET_CONF "/etc/uml_net.conf"
#endif

#define MAX_ADDRS 256

enum action {
	ACT_NONE,
	ACT_TUNTAP_UP,
	ACT_ADD,
	ACT_DEL,
	ACT_SLIP_UP,
	ACT_SLIP_DOWN,
	ACT_ETHERTAP,
};

struct request {
	enum action action;
	char dev[IFNAMSIZ];
	int has_addr;
	struct in_addr addr;	/* GATE (up) or the guest's ADDR (add, del) */
	struct in_addr mask;
};

/*
 * Everything one run knows: who called, the request as logged, the
 * policy, and the reply the kernel prints for us (printk("%s")).
 */
struct net_ctx {
	uid_t ruid;
	gid_t rgid;
	int refused;		/* the request broke the grammar or a rule */
	char argv_text[512];	/* the request, printable, for the log */
	struct policy policy;
	struct policy_caller caller;
	char allowed_by[1024];	/* the policy lines that allowed it */
	struct {
		char text[1024];
		size_t len;
	} reply;
};

static void __attribute__((format(printf, 2, 3)))
say(struct net_ctx *c, const char *fmt, ...)
{
	size_t room = sizeof(c->reply.text) - c->reply.len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->reply.text + c->reply.len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	c->reply.len += (size_t)n < room ? (size_t)n : room - 1;
}

/* Refuse the request: log why at authpriv, tell the kernel. */
static int __attribute__((format(printf, 2, 3)))
refuse(struct net_ctx *c, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->refused = 1;
	syslog(LOG_AUTHPRIV | LOG_WARNING, "refused for uid %u: %s: %s",
	       (unsigned int)c->ruid, why, c->argv_text);
	say(c, "uml_net: refused: %s\n", why);
	return -EINVAL;
}

/* An action failed on the host side: log and tell the kernel. */
static int __attribute__((format(printf, 3, 4)))
failed(struct net_ctx *c, int err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	syslog(LOG_AUTHPRIV | LOG_ERR, "failed for uid %u: %s: %s: %s",
	       (unsigned int)c->ruid, what, strerror(-err), c->argv_text);
	say(c, "uml_net: %s: %s\n", what, strerror(-err));
	return err;
}

static void __attribute__((noreturn)) usage(void)
{
	printf(USAGE_HEADER "uml_net 4 tuntap up [GATEWAY]\n");
	printf(USAGE_MORE "uml_net 4 add|del DEVICE ADDRESS NETMASK\n");
	printf(USAGE_MORE "uml_net 4 slip up GATEWAY\n");
	printf(USAGE_MORE "uml_net 4 slip down DEVICE\n");
	printf(USAGE_MORE "uml_net --check-policy\n");
	printf(USAGE_MORE "uml_net --help | --version\n");
	fputs(USAGE_SEPARATOR
	      "Set up the host side of User Mode Linux's legacy tuntap and slip\n"
	      "transports.  Run by the UML kernel, which passes its file\n"
	      "descriptors; not meant to be run by hand.  ethertap is refused.\n", stdout);
	fputs(USAGE_OPTIONS
	      "     --check-policy  check the policy file and print what it\n"
	      "                     gives the caller\n", stdout);
	usage_help_options(19);
	printf(USAGE_SEPARATOR "Policy file: %s\n", UML_NET_CONF);
	usage_end("uml_net(8) and uml_net.conf(5)");
}

/* ---- the grammar ---- */

/* Dotted quad as the kernel prints it: 0-255, no leading zeros. */
static int parse_ipv4(const char *s, struct in_addr *out)
{
	unsigned int v = 0, part, i;
	int digits;

	for (i = 0; i < 4; i++) {
		if (i > 0 && *s++ != '.')
			return -EINVAL;
		part = 0;
		for (digits = 0; *s >= '0' && *s <= '9'; digits++, s++) {
			if (digits == 3 || (digits == 1 && part == 0))
				return -EINVAL;
			part = part * 10 + (unsigned int)(*s - '0');
		}
		if (digits == 0 || part > 255)
			return -EINVAL;
		v = v << 8 | part;
	}
	if (*s)
		return -EINVAL;
	out->s_addr = htonl(v);
	return 0;
}

/* A host address a guest may have: not 0/8, 127/8, multicast or above. */
static int parse_unicast(const char *s, struct in_addr *out)
{
	unsigned int first;

	if (parse_ipv4(s, out))
		return -EINVAL;
	first = ntohl(out->s_addr) >> 24;
	if (first == 0 || first == 127 || first >= 224)
		return -EINVAL;
	return 0;
}

/* A contiguous netmask, /1 to /32. */
static int parse_netmask(const char *s, struct in_addr *out)
{
	unsigned int m;

	if (parse_ipv4(s, out))
		return -EINVAL;
	m = ntohl(out->s_addr);
	if (m == 0 || (~m & (~m + 1)) != 0)
		return -EINVAL;
	return 0;
}

/* An interface name: 1-15 of [A-Za-z0-9_.-], starting alphanumeric. */
static int parse_ifname(const char *s, char *out)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return -EINVAL;
	}
	memcpy(out, s, n + 1);
	return 0;
}

static int parse_gate(struct net_ctx *c, const char *s, struct request *req)
{
	if (parse_unicast(s, &req->addr))
		return refuse(c, "bad gateway address (want a unicast dotted quad)");
	req->has_addr = 1;
	return 0;
}

static int parse_tuntap(struct net_ctx *c, int argc, char **argv,
			struct request *req)
{
	req->action = ACT_TUNTAP_UP;
	if (argc < 4 || argc > 5 || strcmp(argv[3], "up"))
		return refuse(c, "want: tuntap up [GATEWAY]");
	return argc == 5 ? parse_gate(c, argv[4], req) : 0;
}

static int parse_change(struct net_ctx *c, int argc, char **argv,
			struct request *req)
{
	req->action = strcmp(argv[2], "add") ? ACT_DEL : ACT_ADD;
	if (argc != 6)
		return refuse(c, "want: %s DEVICE ADDRESS NETMASK", argv[2]);
	if (parse_ifname(argv[3], req->dev))
		return refuse(c, "bad device name");
	if (parse_unicast(argv[4], &req->addr))
		return refuse(c, "bad address (want a unicast dotted quad)");
	if (parse_netmask(argv[5], &req->mask))
		return refuse(c, "bad netmask (want a contiguous dotted quad)");
	req->has_addr = 1;
	return 0;
}

static int parse_slip(struct net_ctx *c, int argc, char **argv, struct request *req)
{
	if (argc == 5 && !strcmp(argv[3], "up")) {
		req->action = ACT_SLIP_UP;
		return parse_gate(c, argv[4], req);
	}
	req->action = ACT_SLIP_DOWN;
	if (argc != 5 || strcmp(argv[3], "down"))
		return refuse(c, "want: slip up GATEWAY or slip down DEVICE");
	if (parse_ifname(argv[4], req->dev))
		return refuse(c, "bad device name");
	return 0;
}

static int parse_request(struct net_ctx *c, int argc, char **argv,
			 struct request *req)
{
	if (argc < 3)
		return refuse(c, "too few arguments");
	if (strcmp(argv[1], UML_NET_VERSION))
		return refuse(c, "protocol version is not " UML_NET_VERSION);
	if (!strcmp(argv[2], "tuntap"))
		return parse_tuntap(c, argc, argv, req);
	if (!strcmp(argv[2], "add") || !strcmp(argv[2], "del"))
		return parse_change(c, argc, argv, req);
	if (!strcmp(argv[2], "slip"))
		return parse_slip(c, argc, argv, req);
	if (!strcmp(argv[2], "ethertap")) {
		req->action = ACT_ETHERTAP;
		return refuse(c, "ethertap is not supported: host kernels have had no ethertap driver since Linux 2.6; use tuntap or a vector transport");
	}
	return refuse(c, "unknown action");
}

/* The request as one printable line for the log. */
static void describe_argv(struct net_ctx *c, int argc, char **argv)
{
	size_t len = 0;
	int i;

	c->argv_text[0] = '\0';
	for (i = 0; i < argc && i < 8 && len < sizeof(c->argv_text) - 1; i++) {
		char word[48];
		size_t j;

		for (j = 0; argv[i][j] && j < sizeof(word) - 1; j++) {
			unsigned char c = (unsigned char)argv[i][j];

			word[j] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		}
		word[j] = '\0';
		len += (size_t)snprintf(c->argv_text + len, sizeof(c->argv_text) - len,
					"%s'%s'%s", i ? " " : "", word,
					argv[i][j] ? "..." : "");
	}
	if (i < argc && len < sizeof(c->argv_text) - 1)
		snprintf(c->argv_text + len, sizeof(c->argv_text) - len, " ...");
}

/* ---- privileges ---- */

/* Nothing from the caller but fds 0-2, and those always open. */
static int sanitize_process(void)
{
	int fd;

	if (clearenv())
		return -ENOMEM;
	umask(022);
	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (open("/dev/null", O_RDWR) != fd)
			return -EBADF;
	}
	return close_range(3, ~0U, 0) ? -errno : 0;
}

/*
 * CAP_NET_ADMIN alone in the permitted set (or nothing at all), and in the
 * effective set only while an action runs.
 */
static int set_caps(int permitted, int effective)
{
	cap_value_t v = CAP_NET_ADMIN;
	cap_t caps;
	int ret = 0;

	caps = cap_init();
	if (!caps)
		return -errno;
	if (permitted && cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET))
		ret = -errno;
	if (!ret && permitted && effective &&
	    cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET))
		ret = -errno;
	if (!ret && cap_set_proc(caps))
		ret = -errno;
	cap_free(caps);
	return ret;
}

/*
 * Back to the caller's real uid and gid, keeping CAP_NET_ADMIN; no
 * privilege can come back afterwards (no_new_privs, nothing else
 * permitted).
 */
static int drop_ids(struct net_ctx *c)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	if (setresgid(c->rgid, c->rgid, c->rgid) || setresuid(c->ruid, c->ruid, c->ruid))
		return -errno;
	if (getresuid(&r, &e, &s) || getresgid(&gr, &ge, &gs))
		return -errno;
	if (r != c->ruid || e != c->ruid || s != c->ruid ||
	    gr != c->rgid || ge != c->rgid || gs != c->rgid)
		return -EPERM;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return set_caps(1, 1);
}

/* ---- rtnetlink ---- */

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
};

static int nl_open(struct nl *nl)
{
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 0;
	return 0;
}

static struct nlmsghdr *nl_msg(char *buf, int type, int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

/*
 * Send NLH; run CB on each answer until the dump's end (DUMP) or the ack
 * (asked for here: NLM_F_EXCL shares its bit with NLM_F_MATCH, so the
 * flags cannot tell).
 */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, int dump, mnl_cb_t cb,
		   void *data)
{
	char buf[16384];
	int ret;

	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, nl->seq, nl->portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int link_set_up(struct nl *nl, int ifindex, int up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	return nl_talk(nl, nlh, 0, NULL, NULL);
}

/* ADDR/32 on IFINDEX. */
static int addr_add(struct nl *nl, int ifindex, struct in_addr addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	nlh = nl_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr.s_addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr.s_addr);
	return nl_talk(nl, nlh, 0, NULL, NULL);
}

/* The host route ADDR/32 dev IFINDEX, added or deleted. */
static int route_change(struct nl *nl, int add, int ifindex,
			struct in_addr addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = nl_msg(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
		     add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = add ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_DST, addr.s_addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return nl_talk(nl, nlh, 0, NULL, NULL);
}

/* A proxy ARP entry for ADDR on IFINDEX, added or deleted. */
static int proxy_change(struct nl *nl, int add, int ifindex,
			struct in_addr addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = nl_msg(buf, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
		     add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_PERMANENT;
	ndm->ndm_flags = NTF_PROXY;
	mnl_attr_put_u32(nlh, NDA_DST, addr.s_addr);
	return nl_talk(nl, nlh, 0, NULL, NULL);
}

struct host_addr {
	int ifindex;
	struct in_addr local;
	int prefixlen;
};

struct addr_list {
	struct host_addr a[MAX_ADDRS];
	int n;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_list *list = data;
	struct nlattr *attr;

	if (ifa->ifa_family != AF_INET || list->n == MAX_ADDRS)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(attr) != IFA_LOCAL ||
		    mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			continue;
		list->a[list->n].ifindex = ifa->ifa_index;
		list->a[list->n].local.s_addr = mnl_attr_get_u32(attr);
		list->a[list->n].prefixlen = ifa->ifa_prefixlen;
		list->n++;
	}
	return MNL_CB_OK;
}

static int addr_dump(struct nl *nl, struct addr_list *list)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	list->n = 0;
	return nl_talk(nl, nlh, 1, addr_cb, list);
}

struct link_info {
	unsigned short type;	/* ARPHRD_* */
	int is_tun;
	int tun_type;		/* IFF_TAP or IFF_TUN, or -1 */
	long long owner;	/* -1: none */
};

static int tun_data_cb(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0 &&
	    mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(attr) == IFLA_TUN_OWNER)
		li->owner = mnl_attr_get_u32(attr);
	else if (mnl_attr_get_type(attr) == IFLA_TUN_TYPE)
		li->tun_type = mnl_attr_get_u8(attr);
	return MNL_CB_OK;
}

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		li->is_tun = !strcmp(mnl_attr_get_str(attr), "tun");
	else if (mnl_attr_get_type(attr) == IFLA_INFO_DATA)
		mnl_attr_parse_nested(attr, tun_data_cb, li);
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_info *li = data;
	struct nlattr *attr;

	li->type = ifi->ifi_type;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(attr) == IFLA_LINKINFO)
			mnl_attr_parse_nested(attr, linkinfo_cb, li);
	}
	return MNL_CB_OK;
}

static int link_get(struct nl *nl, int ifindex, struct link_info *li)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	*li = (struct link_info){ .tun_type = -1, .owner = -1 };
	return nl_talk(nl, nlh, 0, link_cb, li);
}

struct tap_count {
	long long owner;
	unsigned int n;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tap_count *tc = data;
	struct link_info li = { .tun_type = -1, .owner = -1 };

	link_cb(nlh, &li);
	if (li.is_tun && li.owner == tc->owner)
		tc->n++;
	return MNL_CB_OK;
}

/* How many tun and tap devices UID owns. */
static int count_taps(struct nl *nl, uid_t uid, unsigned int *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi;
	struct tap_count tc = { .owner = (long long)uid };
	int err;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	err = nl_talk(nl, nlh, 1, count_cb, &tc);
	if (!err)
		*n = tc.n;
	return err;
}

/*
 * Whether the caller may own one more tap (MADE: the new one is made and
 * counted already).  Root is not limited.
 */
static int check_tap_limit(struct net_ctx *c, struct nl *nl, int made)
{
	unsigned int n = 0, limit;
	char why[512];
	int err;

	if (c->ruid == 0)
		return 0;
	err = count_taps(nl, c->ruid, &n);
	if (err)
		return failed(c, err, "cannot count the taps of uid %u",
				 (unsigned int)c->ruid);
	if (made && n > 0)
		n--;
	limit = policy_tap_limit(&c->policy, &c->caller, why, sizeof(why));
	if (n >= limit)
		return refuse(c, "%s owns %u tun/tap devices, the limit is %u: %s",
				 c->caller.who, n, limit, why);
	return 0;
}

/* ---- the policy ---- */

/*
 * The policy in force: the compiled-in file (configure's sysconfdir), or
 * OVERRIDE, the environment's UML_NET_CONF saved before the environment
 * was cleared, when that is allowed: only for root or when uml_net runs
 * without gaining privilege (not set-uid, no file capabilities), so that
 * a user never supplies the rules that bind it.
 */
static int load_policy(struct net_ctx *c, const char *override)
{
	const char *path = UML_NET_CONF;
	char err[PATH_MAX + 256];

	if (override) {
		if (getauxval(AT_SECURE) && c->ruid != 0)
			return refuse(c, "UML_NET_CONF is honoured only for root or when uml_net is not set-uid");
		path = override;
	}
	if (policy_load(&c->policy, path, err, sizeof(err)))
		return refuse(c, "policy: %s; every request is refused until it is fixed",
				 err);
	policy_caller_init(&c->caller, c->ruid, c->rgid);
	return 0;
}

/*
 * --check-policy: the policy's error, or what it gives the caller (root:
 * everything); exit 0 if it is good, 2 if not.
 */
static void __attribute__((noreturn))
check_policy(struct net_ctx *c, const char *override)
{
	char err[PATH_MAX + 256];
	const char *path = override ? override : UML_NET_CONF;

	if (override && getauxval(AT_SECURE) && c->ruid != 0) {
		errx(EXIT_TROUBLE, "UML_NET_CONF is honoured only for root or when uml_net is not set-uid");
	}
	if (policy_load(&c->policy, path, err, sizeof(err)))
		errx(EXIT_TROUBLE, "policy: %s", err);
	policy_caller_init(&c->caller, c->ruid, c->rgid);
	printf("%s: %s\n", path, c->policy.present ? "good" : "no such file (no policy)");
	if (c->ruid == 0)
		printf("root: not limited by the policy\n");
	else
		policy_describe(&c->policy, &c->caller, stdout);
	exit(EXIT_SUCCESS);
}

/* Whether the policy lets the caller use ADDR; root is not limited. */
static int check_addr(struct net_ctx *c, const char *what, struct in_addr addr)
{
	char why[768];
	size_t n;

	if (c->ruid == 0)
		return 0;
	if (!policy_allows(&c->policy, &c->caller, addr, why, sizeof(why)))
		return refuse(c, "%s %s is not allowed: %s", what,
				 inet_ntoa(addr), why);
	n = strlen(c->allowed_by);
	snprintf(c->allowed_by + n, sizeof(c->allowed_by) - n, "%s%s %s by %s",
		 n ? ", " : " (", what, inet_ntoa(addr), why);
	return 0;
}

/* The addresses of REQ against the policy, before anything is done. */
static int check_request(struct net_ctx *c, const struct request *req)
{
	switch (req->action) {
	case ACT_TUNTAP_UP:
	case ACT_SLIP_UP:
		return req->has_addr ? check_addr(c, "gateway", req->addr) : 0;
	case ACT_ADD:
		return check_addr(c, "address", req->addr);
	default:
		return 0;
	}
}

/* ---- the actions ---- */

static int is_slip(unsigned short type)
{
	return type == ARPHRD_SLIP || type == ARPHRD_CSLIP ||
	       type == ARPHRD_SLIP6 || type == ARPHRD_CSLIP6;
}

/*
 * add/del may only touch a tap the caller owns (uml_net makes its taps
 * owned by the caller) or a slip device.
 */
static int check_device(struct net_ctx *c, struct nl *nl, const char *dev,
			int *ifindex)
{
	struct link_info li;
	int err;

	*ifindex = (int)if_nametoindex(dev);
	if (*ifindex == 0)
		return refuse(c, "no device %s", dev);
	err = link_get(nl, *ifindex, &li);
	if (err)
		return failed(c, err, "cannot read %s", dev);
	if (is_slip(li.type))
		return 0;
	if (!li.is_tun || li.tun_type != IFF_TAP)
		return refuse(c, "%s is not a tap or slip device", dev);
	if (li.owner != (long long)c->ruid)
		return refuse(c, "tap %s is not owned by uid %u", dev,
				 (unsigned int)c->ruid);
	return 0;
}

static int subnet_holds(const struct host_addr *h, struct in_addr addr)
{
	unsigned int mask;

	if (h->prefixlen <= 0 || h->prefixlen >= 32)
		return 0;
	mask = ~0U << (32 - h->prefixlen);
	return ((ntohl(h->local.s_addr) ^ ntohl(addr.s_addr)) & mask) == 0;
}

/* Whether an earlier address of the same link already holds ADDR. */
static int seen_before(const struct addr_list *list, int i,
		       struct in_addr addr)
{
	int j;

	for (j = 0; j < i; j++)
		if (list->a[j].ifindex == list->a[i].ifindex &&
		    subnet_holds(&list->a[j], addr))
			return 1;
	return 0;
}

/* Proxy ARP for ADDR on every other link whose subnet holds it. */
static int proxy_all(struct net_ctx *c, struct nl *nl, int add, int ifindex,
		     struct in_addr addr, const struct addr_list *list)
{
	char name[IF_NAMESIZE];
	int i, err, ret = 0;

	for (i = 0; i < list->n; i++) {
		const struct host_addr *h = &list->a[i];

		if (h->ifindex == ifindex || !subnet_holds(h, addr) ||
		    seen_before(list, i, addr))
			continue;
		if (!if_indextoname((unsigned int)h->ifindex, name))
			snprintf(name, sizeof(name), "#%d", h->ifindex);
		err = proxy_change(nl, add, h->ifindex, addr);
		if (err && !(err == -ENOENT && !add))
			ret = failed(c, err, "proxy ARP for %s on %s",
					inet_ntoa(addr), name);
		else
			say(c, "uml_net: %s proxy ARP for %s on %s\n",
			       add ? "added" : "removed", inet_ntoa(addr), name);
	}
	return ret;
}

static int do_change(struct net_ctx *c, struct nl *nl, const struct request *req)
{
	int add = req->action == ACT_ADD;
	struct addr_list *list;
	int i, ifindex, err;

	err = check_device(c, nl, req->dev, &ifindex);
	if (err)
		return err;
	list = malloc(sizeof(*list));
	if (!list)
		return failed(c, -ENOMEM, "address list");
	err = addr_dump(nl, list);
	if (err) {
		err = failed(c, err, "cannot list the host's addresses");
		goto out;
	}
	for (i = 0; add && i < list->n; i++) {
		if (list->a[i].local.s_addr == req->addr.s_addr) {
			err = refuse(c, "%s is an address of this host",
					inet_ntoa(req->addr));
			goto out;
		}
	}
	/*
	 * Proxy entries go only with the route that made them, a route
	 * through the caller's own device: without one, del touches nothing.
	 */
	err = route_change(nl, add, ifindex, req->addr);
	if (err == -ESRCH && !add) {
		err = refuse(c, "no route %s dev %s: proxy ARP entries are removed only with the route that made them",
				inet_ntoa(req->addr), req->dev);
		goto out;
	}
	if (err) {
		err = failed(c, err, "route %s to %s", inet_ntoa(req->addr),
				req->dev);
		goto out;
	}
	err = proxy_all(c, nl, add, ifindex, req->addr, list);
out:
	free(list);
	return err;
}

/* The tap, opened while still root (the node may be root's, mode 0600). */
static int tap_open(struct net_ctx *c, char *name)
{
	int opened, fd, ret;

	fd = tun_open(NULL, IFF_TAP, 0, name, &opened);
	if (fd < 0)
		return failed(c, fd, opened ? "cannot create a tap" : "cannot open " TUN_DEV);
	if (ioctl(fd, TUNSETOWNER, (unsigned long)c->ruid) < 0) {
		ret = failed(c, -errno, "cannot give the tap to uid %u",
				(unsigned int)c->ruid);
		close(fd);
		return ret;
	}
	return fd;
}

/* Write VALUE to /proc/sys/net/ipv6/conf/DEV/KEY. */
static int ipv6_conf(struct net_ctx *c, const char *dev, const char *key,
		     const char *value)
{
	char path[96];
	size_t len = strlen(value);
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", dev, key);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return failed(c, -errno, "cannot open %s", path);
	if (write(fd, value, len) != (ssize_t)len)
		ret = failed(c, -errno, "cannot write %s", path);
	close(fd);
	return ret;
}

/*
 * No IPv6 on DEV, set while it is still down: no router advertisement
 * (which could give the whole host a default route), no autoconfigured
 * address, no redirect, no link-local address.  A host without IPv6 has
 * nothing to turn off.
 */
static int ipv6_off(struct net_ctx *c, const char *dev)
{
	static const char *const keys[] = {
		"accept_ra", "autoconf", "accept_redirects", "disable_ipv6",
	};
	static const char *const values[] = { "0\n", "0\n", "0\n", "1\n" };
	size_t i;
	int err;

	if (access("/proc/sys/net/ipv6/conf", F_OK) && errno == ENOENT)
		return 0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		err = ipv6_conf(c, dev, keys[i], values[i]);
		if (err)
			return err;
	}
	return 0;
}

/* IPv6 off, GATE/32 on IFINDEX, and the link up. */
static int gateway_up(struct net_ctx *c, struct nl *nl, const struct request *req,
		      const char *dev)
{
	int ifindex = (int)if_nametoindex(dev);
	int err;

	if (ifindex == 0)
		return failed(c, -ENODEV, "%s vanished", dev);
	err = ipv6_off(c, dev);
	if (err)
		return err;
	if (req->has_addr) {
		err = addr_add(nl, ifindex, req->addr);
		if (err)
			return failed(c, err, "address %s on %s",
					 inet_ntoa(req->addr), dev);
	}
	err = link_set_up(nl, ifindex, 1);
	if (err)
		return failed(c, err, "bring %s up", dev);
	return 0;
}

static int do_slip_up(struct net_ctx *c, struct nl *nl, const struct request *req)
{
	char name[IFNAMSIZ] = "";
	int disc = N_SLIP;

	if (!isatty(0))
		return refuse(c, "slip: standard input is not a tty");
	if (ioctl(0, TIOCSETD, &disc) < 0)
		return failed(c, -errno, "slip line discipline (does the host have the slip module?)");
	if (ioctl(0, SIOCGIFNAME, name) < 0)
		return failed(c, -errno, "slip: no interface name");
	name[IFNAMSIZ - 1] = '\0';
	syslog(LOG_AUTHPRIV | LOG_INFO, "uid %u: slip device %s",
	       (unsigned int)c->ruid, name);
	return gateway_up(c, nl, req, name);
}

static int do_slip_down(struct net_ctx *c, struct nl *nl, const struct request *req)
{
	char name[IFNAMSIZ] = "";
	int ifindex;

	if (!isatty(0) || ioctl(0, SIOCGIFNAME, name) < 0)
		return refuse(c, "slip: standard input is not a slip line");
	name[IFNAMSIZ - 1] = '\0';
	if (strcmp(name, req->dev))
		return refuse(c, "%s is not the slip device of standard input",
				 req->dev);
	ifindex = (int)if_nametoindex(name);
	if (ifindex == 0)
		return failed(c, -ENODEV, "%s vanished", name);
	return link_set_up(nl, ifindex, 0);
}

/* ---- replies, in the form each caller in the kernel reads ---- */

/*
 * Whether fd 1 is the kernel's channel for ACTION (else the text goes to
 * stderr).  tuntap_open_tramp() passes a datagram socket, etap_tramp() a
 * stream socket; change_tramp() and slip_tramp() use os_pipe(), a stream
 * socket pair -- and then wait for our answer while holding the other
 * end, so anything but a terminal gets the framed answer.
 */
static int is_channel(enum action action)
{
	struct stat st;
	int type = 0;
	socklen_t len = sizeof(type);

	if (fstat(1, &st))
		return 0;
	switch (action) {
	case ACT_TUNTAP_UP:
	case ACT_ETHERTAP:
		if (!S_ISSOCK(st.st_mode) ||
		    getsockopt(1, SOL_SOCKET, SO_TYPE, &type, &len))
			return 0;
		return type == (action == ACT_TUNTAP_UP ? SOCK_DGRAM :
				SOCK_STREAM);
	case ACT_ADD:
	case ACT_DEL:
	case ACT_SLIP_UP:
	case ACT_SLIP_DOWN:
		return !isatty(1);
	default:
		return 0;
	}
}

/* read_output(): a native int length, then the text with its NUL. */
static void reply_framed(struct net_ctx *c)
{
	int len = c->reply.len ? (int)c->reply.len + 1 : 0;
	struct iovec iov[2] = {
		{ &len, sizeof(len) },
		{ c->reply.text, (size_t)len },
	};

	if (writev(1, iov, 2) < 0)
		syslog(LOG_AUTHPRIV | LOG_ERR, "reply to the kernel: %m");
}

/*
 * tuntap_open_tramp(): one datagram; with the fd, the device name in the
 * first IFNAMSIZ bytes and our text after it; without (failure), the text
 * alone, which the kernel then prints.
 */
static void reply_tap(struct net_ctx *c, int fd, const char *name)
{
	char head[IFNAMSIZ] = "";
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov[2] = {
		{ head, sizeof(head) },
		{ c->reply.text, c->reply.len + 1 },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	struct cmsghdr *cmsg;

	if (fd < 0) {
		msg.msg_iov = &iov[1];
		msg.msg_iovlen = 1;
	} else {
		memcpy(head, name, IFNAMSIZ);
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	if (sendmsg(1, &msg, 0) < 0)
		syslog(LOG_AUTHPRIV | LOG_ERR, "reply to the kernel: %m");
}

static void send_reply(struct net_ctx *c, enum action action, int fd,
		       const char *name)
{
	char status = fd >= 0;

	if (!is_channel(action)) {
		if (c->reply.len)
			fputs(c->reply.text, stderr);
		if (action == ACT_TUNTAP_UP && fd >= 0)
			warnx("made %s, but standard output is not the kernel's socket",
			      name);
		return;
	}
	switch (action) {
	case ACT_TUNTAP_UP:
		reply_tap(c, fd, name);
		break;
	case ACT_ETHERTAP:
		/* etap_tramp(): a status byte (1: ok), then read_output(). */
		if (write(1, &status, 1) != 1)
			break;
		reply_framed(c);
		break;
	default:
		reply_framed(c);
	}
}

/* ---- main ---- */

static int run(struct net_ctx *c, struct request *req, int *tapfd, char *tapname)
{
	struct nl nl = { 0 };
	int err;

	err = check_request(c, req);
	if (err)
		return err;
	err = set_caps(1, 1);
	if (err)
		return failed(c, err, "cannot raise CAP_NET_ADMIN");
	/* Opened with CAP_NET_ADMIN in effect: netlink checks the opener. */
	err = nl_open(&nl);
	if (err)
		return failed(c, err, "netlink");
	if (req->action == ACT_TUNTAP_UP) {
		err = check_tap_limit(c, &nl, 0);
		if (err)
			goto out;
		*tapfd = tap_open(c, tapname);
		if (*tapfd < 0) {
			err = *tapfd;
			goto out;
		}
	}
	err = drop_ids(c);
	if (err) {
		err = failed(c, err, "cannot return to uid %u",
				(unsigned int)c->ruid);
		goto out;
	}
	switch (req->action) {
	case ACT_TUNTAP_UP:
		/* Counted again with the new tap: two callers at once. */
		err = check_tap_limit(c, &nl, 1);
		if (!err)
			err = gateway_up(c, &nl, req, tapname);
		break;
	case ACT_ADD:
	case ACT_DEL:
		err = do_change(c, &nl, req);
		break;
	case ACT_SLIP_UP:
		err = do_slip_up(c, &nl, req);
		break;
	case ACT_SLIP_DOWN:
		err = do_slip_down(c, &nl, req);
		break;
	default:
		err = -EINVAL;
	}
out:
	mnl_socket_close(nl.sock);
	return err;
}

int main(int argc, char **argv)
{
	struct net_ctx ctx = { .refused = 0 }, *c = &ctx;
	struct request req = { .action = ACT_NONE };
	char tapname[IFNAMSIZ] = "";
	char override[PATH_MAX] = "";
	const char *env;
	int tapfd = -1, err;

	c->ruid = getuid();
	c->rgid = getgid();
	env = getenv("UML_NET_CONF");
	/* Too long: left empty, which the policy refuses as not absolute. */
	if (env && strlen(env) < sizeof(override))
		memcpy(override, env, strlen(env) + 1);
	if (sanitize_process())
		errx(EXIT_FAILURE, "cannot set up a clean process");
	/*
	 * From here on nothing but CAP_NET_ADMIN, if we were given it, and
	 * not even that in effect while the request is read.
	 */
	err = set_caps(cap_permitted_has(CAP_NET_ADMIN) > 0, 0);
	if (err)
		errx(EXIT_FAILURE, "cannot drop capabilities");
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		usage();
	if (argc == 2 &&
	    (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")))
		print_version();

	if (argc == 2 && !strcmp(argv[1], "--check-policy"))
		check_policy(c, env ? override : NULL);

	openlog("uml_net", LOG_PID, LOG_AUTHPRIV);
	describe_argv(c, argc, argv);
	err = parse_request(c, argc, argv, &req);
	if (err)
		goto out;
	err = load_policy(c, env ? override : NULL);
	if (err)
		goto out;
	if (cap_permitted_has(CAP_NET_ADMIN) <= 0) {
		err = refuse(c, "no CAP_NET_ADMIN: uml_net must be installed set-uid root (mode 4754, group uml-net)");
		goto out;
	}
	err = run(c, &req, &tapfd, tapname);
	if (!err)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "done for uid %u: %s%s%s%s%s",
		       (unsigned int)c->ruid, c->argv_text, tapname[0] ? ": " : "",
		       tapname, c->allowed_by, c->allowed_by[0] ? ")" : "");
out:
	send_reply(c, req.action, err ? -1 : tapfd, tapname);
	if (tapfd >= 0)
		close(tapfd);
	closelog();
	if (c->refused)
		return EXIT_TROUBLE;
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
