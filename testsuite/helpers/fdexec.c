// SPDX-License-Identifier: GPL-2.0-only
/*
 * fdexec - open a network endpoint on a given descriptor, then exec a
 * command that inherits it.  The test helper for the vector "fd"
 * transport (vecN:transport=fd,fd=N), which takes an already open
 * descriptor and never opens one itself (arch/um/drivers/vector_user.c,
 * user_init_fd_fds).
 *
 *   fdexec --packet IFNAME --fd N -- COMMAND [ARG]...
 *	an AF_PACKET/SOCK_RAW socket for all protocols (ETH_P_ALL), bound
 *	to IFNAME: the kernel's recvmmsg/sendmmsg path works on it
 *   fdexec --tap IFNAME --fd N -- COMMAND [ARG]...
 *	a tap (IFF_TAP | IFF_NO_PI) attached to IFNAME: not a socket, so
 *	only usable with vec=0 (readv/writev)
 *
 * This file is part of user-mode-linux.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/tun.h"
#include "lib/util.h"

static void __attribute__((noreturn)) usage(void)
{
	printf("Usage: %s (--packet IFNAME | --tap IFNAME) --fd N -- COMMAND [ARG]...\n"
	       "Open a network endpoint as descriptor N, then run COMMAND with it.\n\n"
	       "  -p, --packet IFNAME  a packet socket (ETH_P_ALL) bound to IFNAME\n"
	       "  -t, --tap IFNAME     the tap device IFNAME (IFF_NO_PI)\n"
	       "  -f, --fd N           the descriptor number COMMAND gets (3 or more)\n"
	       "  -h, --help           show this help and exit\n"
	       "  -V, --version        show the version and exit\n",
	       program_invocation_short_name);
	exit(EXIT_SUCCESS);
}

static int open_packet(const char *ifname)
{
	struct sockaddr_ll sll;
	unsigned int index;
	int fd;

	index = if_nametoindex(ifname);
	if (index == 0) {
		fprintf(stderr, "%s: no interface '%s': %s\n",
			program_invocation_short_name, ifname, strerror(errno));
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0) {
		fprintf(stderr, "%s: packet socket: %s\n",
			program_invocation_short_name, strerror(errno));
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)index;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "%s: bind the packet socket to %s: %s\n",
			program_invocation_short_name, ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int open_tap(const char *ifname)
{
	int fd, opened;

	fd = tun_open(ifname, IFF_TAP, 0, NULL, &opened);
	if (fd < 0) {
		if (opened)
			warnx("attach to tap %s: %s", ifname, strerror(-fd));
		else
			warnx(TUN_DEV ": %s", strerror(-fd));
		return -1;
	}
	return fd;
}

static int parse_fd(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end != '\0' || n < 3 || n > INT_MAX) {
		fprintf(stderr, "%s: --fd '%s' is not a descriptor number of 3 or more\n",
			program_invocation_short_name, arg);
		return -1;
	}
	return (int)n;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "packet", required_argument, NULL, 'p' },
		{ "tap", required_argument, NULL, 't' },
		{ "fd", required_argument, NULL, 'f' },
		LONGOPTS_HELP_VERSION
	};
	const char *packet = NULL, *tap = NULL;
	int target = -1, fd = -1, c;

	while ((c = getopt_long(argc, argv, "+p:t:f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			packet = optarg;
			break;
		case 't':
			tap = optarg;
			break;
		case 'f':
			target = parse_fd(optarg);
			if (target < 0)
				usage_error();
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	if (!packet == !tap)
		usage_errorx("give exactly one of --packet and --tap");
	if (target < 0 || optind >= argc)
		usage_errorx("--fd N and a command are needed");

	fd = packet ? open_packet(packet) : open_tap(tap);
	if (fd < 0)
		goto out;
	if (fd != target) {
		if (dup2(fd, target) < 0) {
			fprintf(stderr, "%s: dup2 to %d: %s\n",
				program_invocation_short_name, target, strerror(errno));
			goto out;
		}
		close(fd);
		fd = target;
	}
	/* tun_open() sets close-on-exec; dup2() cleared it, unless the
	 * descriptor was already TARGET. */
	if (fcntl(fd, F_SETFD, 0) < 0) {
		warn("clear close-on-exec on %d", fd);
		goto out;
	}
	execvp(argv[optind], &argv[optind]);
	fprintf(stderr, "%s: cannot run %s: %s\n",
		program_invocation_short_name, argv[optind], strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	return EXIT_FAILURE;
}
