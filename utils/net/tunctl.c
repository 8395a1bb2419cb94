// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl - create and delete persistent tun and tap devices.
 *
 * One action per function, with the /dev/net/tun ioctl sequence of
 * iproute2's iptuntap: TUNSETIFF, then TUNSETOWNER / TUNSETGROUP, then
 * TUNSETPERSIST.  CAP_NET_ADMIN is checked first with libcap, so a
 * missing privilege is named instead of reported as a bare EPERM.
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <sys/capability.h>

#include "lib/util.h"

#ifndef TUN_DEV
#define TUN_DEV "/dev/net/tun"
#endif

struct tunctl {
	const char *name;	/* -t / -d NAME, or NULL: the kernel picks */
	short type;		/* IFF_TAP or IFF_TUN */
	uid_t owner;		/* (uid_t)-1: none */
	gid_t group;		/* (gid_t)-1: none */
	int have_owner;
	int have_group;
	int brief;
	int delete;
};

static void __attribute__((noreturn)) usage(void)
{
	printf("Usage:\n"
	       " %1$s [-n|-p] [-u USER] [-g GROUP] [-t NAME] [-b]\n"
	       " %1$s -d NAME [-b]\n"
	       "\n"
	       "Create or delete a persistent tun or tap device.\n"
	       "\n"
	       "Options:\n"
	       " -t, --name NAME     the device's name (default: the kernel picks tapN/tunN)\n"
	       " -p, --tap           a tap device (Ethernet frames; the default)\n"
	       " -n, --tun           a tun device (IP packets)\n"
	       " -u, --user USER     owner allowed to attach without privileges (name or uid)\n"
	       " -g, --group GROUP   group allowed to attach without privileges (name or gid)\n"
	       " -d, --delete NAME   make NAME non-persistent, which deletes it\n"
	       " -b, --brief         print only the device name\n"
	       " -h, --help          display this help and exit\n"
	       " -V, --version       output version information and exit\n"
	       "\n"
	       "Needs CAP_NET_ADMIN.  See tunctl(8).\n",
	       program_invocation_short_name);
	exit(EXIT_SUCCESS);
}

/* A decimal id in [0, UINT_MAX - 1] (the last value means "none"). */
static int parse_id(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= UINT_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_user(const char *s, uid_t *uid)
{
	struct passwd *pw;
	unsigned long v;

	if (parse_id(s, &v) == 0) {
		*uid = v;
		return 0;
	}
	errno = 0;
	pw = getpwnam(s);
	if (!pw)
		return errno ? -errno : -ENOENT;
	*uid = pw->pw_uid;
	return 0;
}

static int parse_group(const char *s, gid_t *gid)
{
	struct group *gr;
	unsigned long v;

	if (parse_id(s, &v) == 0) {
		*gid = v;
		return 0;
	}
	errno = 0;
	gr = getgrnam(s);
	if (!gr)
		return errno ? -errno : -ENOENT;
	*gid = gr->gr_gid;
	return 0;
}

static int check_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IFNAMSIZ)
		return -EINVAL;
	if (strchr(name, '/') || strchr(name, ':') || strpbrk(name, " \t\n"))
		return -EINVAL;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

/* Whether the effective set holds CAP_NET_ADMIN; 1, 0 or -errno. */
static int have_net_admin(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps;
	int ret;

	caps = cap_get_proc();
	if (!caps)
		return -errno;
	ret = cap_get_flag(caps, CAP_NET_ADMIN, CAP_EFFECTIVE, &v) ? -errno : 0;
	cap_free(caps);
	if (ret)
		return ret;
	return v == CAP_SET;
}

static int check_privilege(void)
{
	int ret = have_net_admin();

	if (ret < 0) {
		fprintf(stderr, "%s: cannot read this process's capabilities: %s\n",
			program_invocation_short_name, strerror(-ret));
		return -1;
	}
	if (ret == 0) {
		fprintf(stderr, "%s: missing capability CAP_NET_ADMIN (effective set): "
			"run as root or grant it, e.g. setcap cap_net_admin+ep\n",
			program_invocation_short_name);
		return -1;
	}
	return 0;
}

static int open_tun(void)
{
	int fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "%s: cannot open %s: %s%s\n",
			program_invocation_short_name, TUN_DEV, strerror(errno),
			errno == ENOENT ? " (is the tun module loaded?)" : "");
	return fd;
}

/* TUNSETIFF for NAME (may be NULL) without attaching to an existing device
 * someone else holds: IFF_TUN_EXCL refuses a name already in use. */
static int attach(int fd, const char *name, short type, char *out)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = type | IFF_NO_PI;
	if (name)
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return -errno;
	snprintf(out, IFNAMSIZ, "%s", ifr.ifr_name);
	return 0;
}

static int do_create(const struct tunctl *t)
{
	char name[IFNAMSIZ];
	int fd, ret, err = 1;

	if (t->name && if_nametoindex(t->name)) {
		fprintf(stderr, "%s: device %s already exists\n",
			program_invocation_short_name, t->name);
		return 1;
	}
	fd = open_tun();
	if (fd < 0)
		return 1;
	ret = attach(fd, t->name, t->type | IFF_TUN_EXCL, name);
	if (ret) {
		fprintf(stderr, "%s: cannot create %s: %s\n",
			program_invocation_short_name,
			t->name ? t->name : "a device", strerror(-ret));
		goto out;
	}
	if (t->have_owner && ioctl(fd, TUNSETOWNER, (unsigned long)t->owner) < 0) {
		fprintf(stderr, "%s: %s: cannot set owner %u: %s\n",
			program_invocation_short_name, name, t->owner, strerror(errno));
		goto out;
	}
	if (t->have_group && ioctl(fd, TUNSETGROUP, (unsigned long)t->group) < 0) {
		fprintf(stderr, "%s: %s: cannot set group %u: %s\n",
			program_invocation_short_name, name, t->group, strerror(errno));
		goto out;
	}
	if (ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
		fprintf(stderr, "%s: %s: cannot make it persistent: %s\n",
			program_invocation_short_name, name, strerror(errno));
		goto out;
	}
	if (t->brief)
		printf("%s\n", name);
	else if (t->have_owner)
		printf("Set '%s' persistent and owned by uid %u\n", name, t->owner);
	else
		printf("Set '%s' persistent\n", name);
	err = 0;
out:
	close(fd);
	return err;
}

static int do_delete(const struct tunctl *t)
{
	char name[IFNAMSIZ];
	int fd, ret, err = 1;

	if (!if_nametoindex(t->name)) {
		fprintf(stderr, "%s: no device %s\n", program_invocation_short_name,
			t->name);
		return 1;
	}
	fd = open_tun();
	if (fd < 0)
		return 1;
	/* Either kind: try tap, then tun. */
	ret = attach(fd, t->name, IFF_TAP, name);
	if (ret == -EINVAL)
		ret = attach(fd, t->name, IFF_TUN, name);
	if (ret) {
		fprintf(stderr, "%s: cannot attach to %s: %s%s\n",
			program_invocation_short_name, t->name, strerror(-ret),
			ret == -EINVAL ? " (not a tun or tap device?)" : "");
		goto out;
	}
	if (ioctl(fd, TUNSETPERSIST, 0UL) < 0) {
		fprintf(stderr, "%s: %s: cannot clear persistence: %s\n",
			program_invocation_short_name, name, strerror(errno));
		goto out;
	}
	if (t->brief)
		printf("%s\n", name);
	else
		printf("Set '%s' nonpersistent\n", name);
	err = 0;
out:
	close(fd);
	return err;
}

static void parse_args(int argc, char **argv, struct tunctl *t)
{
	static const struct option longopts[] = {
		{ "name",	required_argument, NULL, 't' },
		{ "tap",	no_argument,	   NULL, 'p' },
		{ "tun",	no_argument,	   NULL, 'n' },
		{ "user",	required_argument, NULL, 'u' },
		{ "group",	required_argument, NULL, 'g' },
		{ "delete",	required_argument, NULL, 'd' },
		{ "brief",	no_argument,	   NULL, 'b' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *prog = program_invocation_short_name;
	int c, kinds = 0;

	while ((c = getopt_long(argc, argv, "t:pnu:g:d:bhV", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
		case 'd':
			if (t->name) {
				fprintf(stderr, "%s: give one device name\n", prog);
				usage_error();
			}
			if (check_name(optarg)) {
				fprintf(stderr, "%s: invalid device name '%s' (1 to %d characters, no '/', ':' or spaces)\n",
					prog, optarg, IFNAMSIZ - 1);
				exit(EXIT_TROUBLE);
			}
			t->name = optarg;
			t->delete |= c == 'd';
			break;
		case 'p':
			t->type = IFF_TAP;
			kinds++;
			break;
		case 'n':
			t->type = IFF_TUN;
			kinds++;
			break;
		case 'u':
			if (parse_user(optarg, &t->owner)) {
				fprintf(stderr, "%s: unknown user '%s'\n", prog, optarg);
				exit(EXIT_TROUBLE);
			}
			t->have_owner = 1;
			break;
		case 'g':
			if (parse_group(optarg, &t->group)) {
				fprintf(stderr, "%s: unknown group '%s'\n", prog, optarg);
				exit(EXIT_TROUBLE);
			}
			t->have_group = 1;
			break;
		case 'b':
			t->brief = 1;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			usage_error();
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage_error();
	}
	if (kinds > 1) {
		fprintf(stderr, "%s: -n and -p exclude each other\n", prog);
		usage_error();
	}
	if (t->delete && (kinds || t->have_owner || t->have_group)) {
		fprintf(stderr, "%s: -d takes no -n, -p, -u or -g\n", prog);
		usage_error();
	}
}

int main(int argc, char **argv)
{
	struct tunctl t = {
		.type = IFF_TAP,
		.owner = (uid_t)-1,
		.group = (gid_t)-1,
	};

	parse_args(argc, argv, &t);
	if (check_privilege())
		return 1;
	return t.delete ? do_delete(&t) : do_create(&t);
}
