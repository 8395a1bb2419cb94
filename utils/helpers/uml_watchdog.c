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
	printf("Usage:\n"
	       " %1$s [--timeout SECONDS] -pid PID\n"
	       " %1$s [--timeout SECONDS] -mconsole SOCKET\n"
	       "\n"
	       "The host side of a UML guest's hardware watchdog (harddog): the\n"
	       "kernel starts it and feeds it on stdin; when the feeding stops for\n"
	       "the timeout, it kills PID or sends a hang notification to SOCKET.\n"
	       "\n"
	       "Options:\n"
	       " -pid PID              kill PID (the UML kernel) when the guest hangs\n"
	       " -mconsole SOCKET      send an MCONSOLE_HANG notification to SOCKET instead\n"
	       " -t, --timeout SECONDS time without a ping before acting (default %2$d,\n"
	       "                       or $UML_WATCHDOG_TIMEOUT)\n"
	       " -q, --quiet           no message on stderr when acting\n"
	       " -h, --help            display this help and exit\n"
	       " -V, --version         output version information and exit\n"
	       "\n"
	       "See uml_watchdog(8).\n",
	       program_invocation_short_name, DEFAULT_TIMEOUT);
	exit(EXIT_SUCCESS);
}

static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
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
	const char *prog = program_invocation_short_name;
	int ret;

	if (w->sock) {
		ret = mc_send_notify(w->sock, MC_NOTIFY_HANG, NULL, 0);
		if (ret) {
			fprintf(stderr, "%s: cannot notify %s of the hang: %s\n",
				prog, w->sock, strerror(-ret));
			return 1;
		}
		if (!w->quiet)
			fprintf(stderr, "%s: no ping for %d s; sent a hang notification to %s\n",
				prog, w->timeout, w->sock);
		return 0;
	}
	if (kill(w->pid, SIGKILL) < 0) {
		fprintf(stderr, "%s: cannot kill %d: %s\n", prog, (int)w->pid,
			strerror(errno));
		return 1;
	}
	if (!w->quiet)
		fprintf(stderr, "%s: no ping for %d s; killed %d\n", prog, w->timeout,
			(int)w->pid);
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
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *prog = program_invocation_short_name;
	const char *env = getenv("UML_WATCHDOG_TIMEOUT");
	long v;
	int c;

	if (env && parse_num(env, 1, 86400, &v) == 0)
		w->timeout = v;
	while ((c = getopt_long_only(argc, argv, "t:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_num(optarg, 2, INT_MAX, &v)) {
				fprintf(stderr, "%s: invalid pid '%s'\n", prog, optarg);
				exit(EXIT_USAGE);
			}
			w->pid = v;
			break;
		case 'm':
			if (!*optarg || strlen(optarg) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
				fprintf(stderr, "%s: invalid socket path '%s'\n", prog, optarg);
				exit(EXIT_USAGE);
			}
			w->sock = optarg;
			break;
		case 't':
			if (parse_num(optarg, 1, 86400, &v)) {
				fprintf(stderr, "%s: invalid timeout '%s' (1 to 86400 seconds)\n",
					prog, optarg);
				exit(EXIT_USAGE);
			}
			w->timeout = v;
			break;
		case 'q':
			w->quiet = 1;
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
	if (!w->pid == !w->sock) {
		fprintf(stderr, "%s: give exactly one of -pid and -mconsole\n", prog);
		usage_error();
	}
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
		fprintf(stderr, "%s: cannot tell the kernel it is ready: %s\n",
			program_invocation_short_name,
			strerror(n < 0 ? (int)-n : EIO));
		return 1;
	}
	ret = wait_for_hang(w.timeout);
	if (ret < 0) {
		fprintf(stderr, "%s: reading pings: %s\n",
			program_invocation_short_name, strerror(-ret));
		return 1;
	}
	if (ret == 0)
		return 0;
	return act(&w);
}
