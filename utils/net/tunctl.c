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
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "lib/caps.h"
#include "lib/ids.h"
#include "lib/tun.h"
#include "lib/util.h"

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
	usage_synopsis("[-n|-p] [-u USER] [-g GROUP] [-t NAME] [-b]",
		       "-d NAME [-b]", NULL);
	fputs(USAGE_SEPARATOR
	      "Create or delete a persistent tun or tap device.\n", stdout);
	fputs(USAGE_OPTIONS
	      " -t, --name NAME     the device's name (default: the kernel picks tapN/tunN)\n"
	      " -p, --tap           a tap device (Ethernet frames; the default)\n"
	      " -n, --tun           a tun device (IP packets)\n"
	      " -u, --user USER     owner allowed to attach without privileges (name or uid)\n"
	      " -g, --group GROUP   group allowed to attach without privileges (name or gid)\n"
	      " -d, --delete NAME   make NAME non-persistent, which deletes it\n"
	      " -b, --brief         print only the device name\n", stdout);
	usage_help_options(19);
	fputs(USAGE_SEPARATOR "Needs CAP_NET_ADMIN.\n", stdout);
	usage_end("tunctl(8)");
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

static int check_privilege(void)
{
	int ret = cap_effective_has(CAP_NET_ADMIN);

	if (ret < 0) {
		warnx("cannot read this process's capabilities: %s", strerror(-ret));
		return -1;
	}
	if (ret == 0) {
		warnx("missing capability CAP_NET_ADMIN (effective set): "
		      "run as root or grant it, e.g. setcap cap_net_admin+ep");
		return -1;
	}
	return 0;
}

/* Why tun_open() failed: opening TUN_DEV, or WHAT (create, attach to)
 * to NAME; HINT is said after an EINVAL. */
static void tun_error(int ret, int opened, const char *what, const char *name,
		      const char *hint)
{
	if (!opened)
		warnx("cannot open %s: %s%s", TUN_DEV, strerror(-ret),
		      ret == -ENOENT ? " (is the tun module loaded?)" : "");
	else
		warnx("cannot %s %s: %s%s", what, name ? name : "a device",
		      strerror(-ret), ret == -EINVAL && hint ? hint : "");
}

static int do_create(const struct tunctl *t)
{
	char name[IFNAMSIZ];
	int fd, opened, err = 1;

	if (t->name && if_nametoindex(t->name)) {
		warnx("device %s already exists", t->name);
		return 1;
	}
	/* IFF_TUN_EXCL: never attach to a device someone else holds. */
	fd = tun_open(t->name, t->type | IFF_TUN_EXCL, 0, name, &opened);
	if (fd < 0) {
		tun_error(fd, opened, "create", t->name, NULL);
		return 1;
	}
	if (t->have_owner && ioctl(fd, TUNSETOWNER, (unsigned long)t->owner) < 0) {
		warn("%s: cannot set owner %u", name, t->owner);
		goto out;
	}
	if (t->have_group && ioctl(fd, TUNSETGROUP, (unsigned long)t->group) < 0) {
		warn("%s: cannot set group %u", name, t->group);
		goto out;
	}
	if (ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
		warn("%s: cannot make it persistent", name);
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
	int fd, opened, err = 1;

	if (!if_nametoindex(t->name)) {
		warnx("no device %s", t->name);
		return 1;
	}
	/* Either kind: try tap, then tun. */
	fd = tun_open(t->name, IFF_TAP, 0, name, &opened);
	if (fd == -EINVAL)
		fd = tun_open(t->name, IFF_TUN, 0, name, &opened);
	if (fd < 0) {
		tun_error(fd, opened, "attach to", t->name,
			  " (not a tun or tap device?)");
		return 1;
	}
	if (ioctl(fd, TUNSETPERSIST, 0UL) < 0) {
		warn("%s: cannot clear persistence", name);
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
		LONGOPTS_HELP_VERSION
	};
	int c, kinds = 0;

	while ((c = getopt_long(argc, argv, "t:pnu:g:d:bhV", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
		case 'd':
			if (t->name)
				usage_errorx("give one device name");
			if (check_name(optarg))
				errx(EXIT_TROUBLE, "invalid device name '%s' (1 to %d characters, no '/', ':' or spaces)",
				     optarg, IFNAMSIZ - 1);
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
			if (parse_user(optarg, &t->owner, NULL))
				errx(EXIT_TROUBLE, "unknown user '%s'", optarg);
			t->have_owner = 1;
			break;
		case 'g':
			if (parse_group(optarg, &t->group))
				errx(EXIT_TROUBLE, "unknown group '%s'", optarg);
			t->have_group = 1;
			break;
		case 'b':
			t->brief = 1;
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	usage_no_operands(argc, argv);
	if (kinds > 1)
		usage_errorx("-n and -p exclude each other");
	if (t->delete && (kinds || t->have_owner || t->have_group))
		usage_errorx("-d takes no -n, -p, -u or -g");
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
