// SPDX-License-Identifier: GPL-2.0-only
/*
 * uml_mconsole - talk to a running UML kernel's management console.
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#if defined(HAVE_READLINE)
#include <readline/readline.h>
#include <readline/history.h>
#elif defined(HAVE_LIBEDIT)
#include <editline/readline.h>
#endif

#include "lib/mconsole.h"
#include "lib/util.h"
#include "lib/xio.h"

#define EXIT_ERR_REPLY	1

struct mcon {
	const char *uml_dir;
	const char *target;	/* umid or socket path as given */
	char *owned;		/* target, when it was switched to */
	char path[PATH_MAX];
	int fd;
	int timeout_ms;
};

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("[options] UMID|SOCKET [COMMAND...]",
		       "[options] --listen SOCKET", NULL);
	fputs(USAGE_SEPARATOR
	      "Send management console commands to a running UML guest; without a\n"
	      "command, read them interactively.\n", stdout);
	fputs(USAGE_OPTIONS
	      " -u, --uml-dir DIR   the guests' uml_dir (default: $UML_DIR, else ~/.uml)\n"
	      " -t, --timeout SECS  wait at most SECS for each reply packet (default 5;\n"
	      "                     0 waits forever)\n"
	      " -l, --listen SOCKET print the notifications a guest booted with\n"
	      "                     mconsole=notify:SOCKET sends there\n"
	      " -n, --count N       with --listen: exit after N notifications\n", stdout);
	usage_help_options(19);
	fputs(USAGE_SEPARATOR
	      "Kernel commands: version, help, halt, reboot, config, remove, sysrq, cad,\n"
	      "stop, go, log, proc, stack.  Interactive commands: help, quit,\n"
	      "switch UMID.  Exit status: 0 OK, 1 the guest replied ERR, 2 usage or\n"
	      "connection problem.\n", stdout);
	usage_end("uml_mconsole(1)");
}

static int mcon_open(struct mcon *mc, const char *target, int fatal)
{
	const char *why = "";
	int ret, fd;

	ret = mc_resolve(target, mc->uml_dir, mc->path, sizeof(mc->path), &why);
	if (ret) {
		if (fatal)
			errx(EXIT_TROUBLE, "%s: %s (%s)", target, why, mc->path);
		warnx("%s: %s (%s)", target, why, mc->path);
		return ret;
	}
	fd = mc_connect(mc->path);
	if (fd < 0) {
		why = fd == -ECONNREFUSED ? "no guest is listening on it (stale socket?)" :
					    strerror(-fd);
		if (fatal)
			errx(EXIT_TROUBLE, "%s: %s", mc->path, why);
		warnx("%s: %s", mc->path, why);
		return fd;
	}
	if (mc->fd >= 0)
		close(mc->fd);
	mc->fd = fd;
	mc->target = target;
	return 0;
}

/*
 * The request for CMD: relative ubd paths made absolute, and a newline
 * after log text (the kernel printk()s it as is, and a line without one
 * stays out of the kernel log until the next message).  Returns 0 or
 * EXIT_TROUBLE when it does not fit in a request.
 */
static int prepare_command(const char *cmd, char *buf, size_t size)
{
	size_t n;
	int ret = mc_absolutize_config(cmd, buf, size);

	n = ret ? strlen(cmd) : strlen(buf);
	if (!ret && n >= MC_MAX_DATA)
		ret = -EMSGSIZE;
	/* (Only where it fits: a full-length log line goes as it is.) */
	if (!ret && !strncmp(buf, "log ", 4) && buf[n - 1] != '\n' &&
	    n + 1 < MC_MAX_DATA)
		memcpy(buf + n, "\n", 2);
	if (ret) {
		warnx("command too long (%zu bytes; the protocol allows %d)",
		      n, MC_MAX_DATA - 1);
		return EXIT_TROUBLE;
	}
	return 0;
}

/*
 * Send one command and print its reply: "OK " or "ERR " and the text of
 * every packet.  Returns 0 for OK, EXIT_ERR_REPLY or EXIT_TROUBLE.
 */
static int run_command(struct mcon *mc, const char *cmd)
{
	char buf[MC_MAX_DATA * 8];
	struct mc_packet p;
	int ret, first = 1, err_reply = 0, nl = 1;

	ret = prepare_command(cmd, buf, sizeof(buf));
	if (ret)
		return ret;
	ret = mc_send(mc->fd, buf);
	if (ret) {
		warnx("%s: cannot send: %s", mc->path, strerror(-ret));
		return EXIT_TROUBLE;
	}
	do {
		ret = mc_recv_reply(mc->fd, &p, mc->timeout_ms);
		if (ret) {
			if (!nl)
				putchar('\n');
			fflush(stdout);
			if (ret == -ETIMEDOUT)
				warnx("%s: no reply within %d s (guest stopped or wedged?)",
				      mc->target, mc->timeout_ms / 1000);
			else if (ret == -EPROTO)
				warnx("%s: malformed reply (longer than the protocol allows?)",
				      mc->target);
			else
				warnx("%s: %s", mc->target, strerror(-ret));
			return EXIT_TROUBLE;
		}
		if (first) {
			err_reply = p.err != 0;
			fputs(err_reply ? "ERR " : "OK ", stdout);
			first = 0;
		}
		/* The guest's words: no terminal controls reach the user. */
		xfputs_safe(p.data, stdout, 1);
		nl = 0;
	} while (p.more);
	/* Like the classic client: the reply, then a newline. */
	putchar('\n');
	fflush(stdout);
	return err_reply ? EXIT_ERR_REPLY : 0;
}

static char *read_line(const char *prompt)
{
#if defined(HAVE_READLINE) || defined(HAVE_LIBEDIT)
	char *line = readline(prompt);

	if (line && *line)
		add_history(line);
	return line;
#else
	char buf[4096];
	size_t n;

	fputs(prompt, stdout);
	fflush(stdout);
	if (!fgets(buf, sizeof(buf), stdin))
		return NULL;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return strdup(buf);
#endif
}

static void local_help(void)
{
	printf("Local commands:\n"
	       "  help          this help, then the guest's\n"
	       "  quit          leave (also: exit, end of input)\n"
	       "  switch UMID   talk to another guest (or SOCKET)\n");
}

static int interactive(struct mcon *mc)
{
	char prompt[128], *line;
	int status = 0;

	for (;;) {
		char *cmd;

		snprintf(prompt, sizeof(prompt), "(%s) ", mc->target);
		line = read_line(prompt);
		if (!line) {
			putchar('\n');
			break;
		}
		cmd = line + strspn(line, " \t");
		cmd[strcspn(cmd, "\r\n")] = '\0';
		if (!*cmd) {
			free(line);
			continue;
		}
		if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit")) {
			free(line);
			break;
		}
		if (!strncmp(cmd, "switch", 6) && (!cmd[6] || cmd[6] == ' ')) {
			const char *to = cmd + 6 + strspn(cmd + 6, " \t");

			char *copy = strdup(to);

			if (!*to)
				warnx("switch: which UMID?");
			else if (!copy)
				warnx("out of memory");
			else if (mcon_open(mc, copy, 0) == 0) {
				free(mc->owned);
				mc->owned = copy;
				copy = NULL;
				printf("Switched to %s\n", mc->target);
			}
			free(copy);
			free(line);
			continue;
		}
		if (!strcmp(cmd, "help"))
			local_help();
		status = run_command(mc, cmd);
		free(line);
	}
	free(mc->owned);
	mc->owned = NULL;
	return status;
}

static volatile sig_atomic_t stop_listening;

static void on_stop(int sig)
{
	(void)sig;
	stop_listening = 1;
}

static int listen_notify(const char *path, long count)
{
	unsigned char buf[16 + MC_MAX_DATA + 64];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sigaction act = { .sa_handler = on_stop };
	struct mc_packet p;
	struct stat st;
	const char *why;
	int fd, ret = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		errx(EXIT_TROUBLE, "%s: path too long for a unix socket", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			errx(EXIT_TROUBLE, "%s: exists and is not a socket", path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		err(EXIT_TROUBLE, "socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err(EXIT_TROUBLE, "%s", path);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop_listening && count != 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_TRUNC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			warn("%s", path);
			ret = EXIT_TROUBLE;
			break;
		}
		if ((size_t)n > sizeof(buf))
			n = (ssize_t)sizeof(buf);
		if (mc_parse_notify(buf, (size_t)n, &p, &why)) {
			warnx("%s: ignored a bad packet: %s", path, why);
			continue;
		}
		/* Data is text, NUL-terminated or not. */
		printf("%s: ", mc_notify_name(p.type));
		xfputs_safe(p.data, stdout, 1);
		if (!p.len || p.data[strlen(p.data) ? strlen(p.data) - 1 : 0] != '\n')
			putchar('\n');
		if (count > 0)
			count--;
	}
	close(fd);
	unlink(path);
	return ret;
}

static int parse_timeout(const char *s)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end || d < 0 || d > 86400)
		errx(EXIT_TROUBLE, "invalid timeout '%s' (seconds, 0 to 86400)", s);
	return d == 0 ? -1 : (int)(d * 1000);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "uml-dir", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "listen", required_argument, NULL, 'l' },
		{ "count", required_argument, NULL, 'n' },
		LONGOPTS_HELP_VERSION
	};
	struct mcon mc = { .fd = -1, .timeout_ms = 5000 };
	const char *listen_path = NULL;
	char cmd[MC_MAX_DATA * 4], check[MC_MAX_DATA * 8];
	const char *target;
	long count = -1;
	size_t pos = 0;
	char *end;
	int c, i;

	while ((c = getopt_long(argc, argv, "+u:t:l:n:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			mc.uml_dir = optarg;
			break;
		case 't':
			mc.timeout_ms = parse_timeout(optarg);
			break;
		case 'l':
			listen_path = optarg;
			break;
		case 'n':
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || count < 1)
				errx(EXIT_TROUBLE, "invalid count '%s'", optarg);
			break;
		default:
			usage_common_option(c, usage);
		}
	}
	if (listen_path) {
		if (optind != argc)
			usage_errorx("--listen takes no UMID or command");
		return listen_notify(listen_path, count);
	}
	if (optind >= argc)
		usage_errorx("missing UMID or SOCKET");
	target = argv[optind++];
	if (optind == argc) {
		mcon_open(&mc, target, 1);
		return interactive(&mc);
	}

	cmd[0] = '\0';
	for (i = optind; i < argc; i++) {
		int n = snprintf(cmd + pos, sizeof(cmd) - pos, "%s%s",
				 i > optind ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(cmd) - pos)
			errx(EXIT_TROUBLE, "command too long (the protocol allows %d bytes)",
			     MC_MAX_DATA - 1);
		pos += (size_t)n;
	}
	/* A command that cannot be sent is a usage error, guest or not. */
	if (prepare_command(cmd, check, sizeof(check)))
		return EXIT_TROUBLE;
	mcon_open(&mc, target, 1);
	return run_command(&mc, cmd);
}
