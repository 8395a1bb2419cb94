// SPDX-License-Identifier: GPL-2.0-only
/*
 * port-helper - hand a terminal to a UML kernel for its port and xterm
 * console channels.
 *
 * port channel (arch/um/drivers/port_user.c): the kernel accepts a TCP
 * connection and runs "in.telnetd -L port-helper" on it, with fd 3 one end
 * of a stream socketpair.  telnetd gives port-helper its pty as stdin.
 *
 * xterm channel (arch/um/drivers/xterm.c): the kernel runs
 * "xterm -T TITLE -e port-helper -uml-socket FILE", FILE being a datagram
 * socket the kernel has bound; the xterm's pty is stdin.
 *
 * Either way one message goes to the kernel: the helper's pid as an int
 * (os_rcv_fd_msg() expects exactly sizeof(int) bytes) with stdin attached
 * as SCM_RIGHTS.  Then the helper waits until the kernel kills it when the
 * console is closed; the terminal stays open as long as it lives.
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "lib/util.h"

#define KERNEL_FD 3	/* the port channel's socketpair end */

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("                   (port channel: the kernel's socket is fd 3)",
		       "-uml-socket FILE   (xterm channel)", NULL);
	fputs(USAGE_SEPARATOR
	      "Pass this terminal (stdin) to a UML kernel for a console channel,\n"
	      "then wait until the kernel closes the console.  Run by the kernel\n"
	      "itself, through in.telnetd or a terminal emulator.\n", stdout);
	fputs(USAGE_OPTIONS
	      " -uml-socket FILE   the kernel's datagram socket (xterm channel)\n", stdout);
	usage_help_options(18);
	usage_end("port-helper(8)");
}

/* A datagram socket connected to the kernel's FILE. */
static int connect_socket(const char *file)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(file) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, file, strlen(file) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Send our pid with FD attached. */
static int send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	int pid = getpid();
	struct iovec iov = { .iov_base = &pid, .iov_len = sizeof(pid) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));

	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(pid) ? 0 : -EIO;
}

/*
 * Die with our parent (telnetd, or the xterm of an xterm channel): after a
 * guest panics or is killed nobody else would end us.  0 if armed, -1 if
 * the parent is already gone.
 */
static int die_with_parent(void)
{
	pid_t parent = getppid();

	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		return -1;
	return getppid() == parent ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	int sock = KERNEL_FD, ret;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		usage();
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")))
		print_version();
	if (argc == 3 && !strcmp(argv[1], "-uml-socket")) {
		file = argv[2];
	} else if (argc != 1) {
		usage_errorx("unexpected argument '%s'", argv[1]);
	}

	if (!isatty(STDIN_FILENO)) {
		warnx("stdin is not a terminal; this helper is run by the UML kernel");
		return 1;
	}
	if (die_with_parent()) {
		warnx("the parent process is gone");
		return 1;
	}
	if (file) {
		sock = connect_socket(file);
		if (sock < 0) {
			warn("cannot connect to %s", file);
			return 1;
		}
	}
	/* The kernel owns the terminal now; hanging up must not kill us
	 * before the kernel does. */
	signal(SIGHUP, SIG_IGN);
	ioctl(STDIN_FILENO, TIOCNOTTY, 0);

	ret = send_fd(sock, STDIN_FILENO);
	if (ret) {
		warnx("cannot pass the terminal to the kernel%s%s: %s",
		      file ? " at " : "", file ? file : "", strerror(-ret));
		return 1;
	}
	for (;;)
		pause();
}
