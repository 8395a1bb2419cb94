// SPDX-License-Identifier: GPL-2.0-only
/*
 * uml_watchdog - the host side of UML's harddog driver.
 *
 * The kernel (arch/um/drivers/harddog_user.c) runs
 *	/usr/bin/uml_watchdog -pid PID		or
 *	/usr/bin/uml_watchdog -mconsole SOCKET
 * with a pipe from the kernel on stdin and a pipe to it on stdout.  The
 * helper writes one byte when it is ready; every write to /dev/watchdog in
 * the guest then arrives as one byte on stdin.  When no byte comes within
 * the timeout, the guest is hung: with -pid the kernel process is killed
 * (SIGKILL); with -mconsole a MCONSOLE_HANG notification is sent to
 * SOCKET, laid out as struct mconsole_notify (arch/um/drivers/mconsole.h):
 * four 32-bit fields (magic, version, type, len) and the data, whatever
 * the width of long -- the 2007 helper used longs and was wrong on 64-bit
 * hosts.  End of file on stdin means the guest closed the device: exit 0.
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/mconsole.h"
#include "lib/strutils.h"
#include "lib/util.h"
#include "lib/xio.h"

#define DEFAULT_TIMEOUT 60

struct watchdog {
	pid_t pid;		/* -pid, or 0 */
	const char *sock;	/* -mconsole, or NULL */
	int timeout;		/* seconds */
	int quiet;
};

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("[--timeout SECONDS] -pid PID",
		       "[--timeout SECONDS] -mconsole SOCKET", NULL);
	fputs(USAGE_SEPARATOR
	      "The host side of a UML guest's hardware watchdog (harddog): the\n"
	      "kernel starts it and feeds it on stdin; when the feeding stops for\n"
	      "the timeout, it kills PID or sends a hang notification to SOCKET.\n",
	      stdout);
	printf(USAGE_OPTIONS
	       " -pid PID              kill PID (the UML kernel) when the guest hangs\n"
	       " -mconsole SOCKET      send an MCONSOLE_HANG notification to SOCKET instead\n"
	       " -t, --timeout SECONDS time without a ping before acting (default %d,\n"
	       "                       or $UML_WATCHDOG_TIMEOUT)\n"
	       " -q, --quiet           no message on stderr when acting\n",
	       DEFAULT_TIMEOUT);
	usage_help_options(21);
	usage_end("uml_watchdog(8)");
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for pings.  Returns 1 when the timeout passed without one, 0 on end
 * of file (the device was closed), -errno on an error.
 */
static int wait_for_hang(int timeout_s)
{
	int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
	char buf[256];

	for (;;) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return 1;
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		deadline = now_ms() + (int64_t)timeout_s * 1000;
	}
}

static int act(const struct watchdog *w)
{
	int ret;

	if (w->sock) {
		ret = mc_send_notify(w->sock, MC_NOTIFY_HANG, NULL, 0);
		if (ret) {
			warnx("cannot notify %s of the hang: %s", w->sock,
			      strerror(-ret));
			return 1;
		}
		if (!w->quiet)
			warnx("no ping for %d s; sent a hang notification to %s",
			      w->timeout, w->sock);
		return 0;
	}
	if (kill(w->pid, SIGKILL) < 0) {
		warn("cannot kill %d", (int)w->pid);
		return 1;
	}
	if (!w->quiet)
		warnx("no ping for %d s; killed %d", w->timeout, (int)w->pid);
	return 0;
}

static void parse_args(int argc, char **argv, struct watchdog *w)
{
	/* The kernel passes single-dash long options: getopt_long_only. */
	static const struct option longopts[] = {
		{ "pid",	required_argument, NULL, 'p' },
		{ "mconsole",	required_argument, NULL, 'm' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "quiet",	no_argument,	   NULL, 'q' },
		LONGOPTS_HELP_VERSION
	};
	const char *env = getenv("UML_WATCHDOG_TIMEOUT");
	unsigned int v;
	int c;

	if (env && parse_uint(env, 1, 86400, &v) == 0)
		w->timeout = v;
	while ((c = getopt_long_only(argc, argv, "t:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_uint(optarg, 2, INT_MAX, &v))
				errx(EXIT_TROUBLE, "invalid pid '%s'", optarg);
			w->pid = v;
			break;
		case 'm':
			if (!*optarg || strlen(optarg) >= sizeof(((struct sockaddr_un *)0)->sun_path))
				errx(EXIT_TROUBLE, "invalid socket path '%s'", optarg);
			w->sock = optarg;
			break;
		case 't':
			if (parse_uint(optarg, 1, 86400, &v))
				errx(EXIT_TROUBLE, "invalid timeout '%s' (1 to 86400 seconds)",
				     optarg);
			w->timeout = v;
			break;
		case 'q':
			w->quiet = 1;
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	usage_no_operands(argc, argv);
	if (!w->pid == !w->sock)
		usage_errorx("give exactly one of -pid and -mconsole");
}

int main(int argc, char **argv)
{
	struct watchdog w = { .timeout = DEFAULT_TIMEOUT };
	ssize_t n;
	int ret;

	parse_args(argc, argv, &w);
	/* stderr is the kernel's pipe too; it may be gone when we act. */
	signal(SIGPIPE, SIG_IGN);
	/* The kernel's harddog_open() waits for this byte. */
	n = xwrite(STDOUT_FILENO, "y", 1);
	if (n != 1) {
		warnx("cannot tell the kernel it is ready: %s",
		      strerror(n < 0 ? (int)-n : EIO));
		return 1;
	}
	ret = wait_for_hang(w.timeout);
	if (ret < 0) {
		warnx("reading pings: %s", strerror(-ret));
		return 1;
	}
	if (ret == 0)
		return 0;
	return act(&w);
}
