// SPDX-License-Identifier: GPL-2.0-only
/*
 * umlctl - run named User Mode Linux guests as services: start one in the
 * foreground (for systemd), stop it cleanly, show its status, list the
 * guests, attach to its console.
 *
 * This file is part of user-mode-linux.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "lib/mconsole.h"
#include "lib/strutils.h"
#include "lib/util.h"
#include "lib/xio.h"
#include "umlctl.h"

#ifndef UMLCTL_CONFIG_DIR
#define UMLCTL_CONFIG_DIR "/etc/uml"
#endif
#ifndef UMLCTL_RUN_DIR
#define UMLCTL_RUN_DIR "/run/uml"
#endif
#ifndef UMLCTL_STATE_DIR
#define UMLCTL_STATE_DIR "/var/lib/uml"
#endif

#define DEFAULT_STOP_TIMEOUT	60
#define HALT_WAIT_S		10
#define DETACH_KEY		0x1d	/* Ctrl-] */
#define EXIT_NOT_RUNNING	3

struct uc_paths uc_paths;

static void __attribute__((noreturn)) usage(void)
{
	usage_synopsis("[options] COMMAND [NAME]", NULL);
	fputs(USAGE_SEPARATOR
	      "Run User Mode Linux guests defined in CONFIG_DIR/NAME.conf as services.\n",
	      stdout);
	fputs(USAGE_COMMANDS
	      " start NAME      check the configuration and run the guest in the foreground\n"
	      " check NAME      check the configuration as uml@.service would run it\n"
	      " create NAME --image FILE\n"
	      "                 copy FILE to STATE_DIR/NAME/root.img and write NAME.conf\n"
	      " stop NAME       ask the guest to power off (cad); halt it after the timeout\n"
	      " status NAME     show whether the guest runs, its pid, uptime, kernel, memory\n"
	      " list            list the configured and the running guests\n"
	      " console NAME    attach to the guest's console (detach with Ctrl-])\n",
	      stdout);
	printf(USAGE_OPTIONS
	       " -c, --config-dir DIR  where NAME.conf files are (default %s)\n"
	       " -r, --run-dir DIR     where running guests keep their files (default %s)\n"
	       " -n, --dry-run         start: print the kernel command line, start nothing\n"
	       " -t, --timeout S       stop: seconds to wait before halt (default %d);\n"
	       "                       start: the same, for a stop by SIGTERM\n"
	       " -j, --json            status, list: print JSON\n"
	       " -i, --image FILE      create: the image to copy\n"
	       " -m, --mem SIZE        create: the guest's memory (default 256M)\n"
	       " -s, --state-dir DIR   create: where NAME/root.img goes (default %s)\n"
	       " -u, --user USER       create: the user the guest runs as (user =)\n"
	       " -k, --kernel PATH     create: the kernel it runs (kernel =)\n"
	       " -f, --force           create: replace an existing NAME.conf and image\n",
	       UMLCTL_CONFIG_DIR, UMLCTL_RUN_DIR, DEFAULT_STOP_TIMEOUT,
	       UMLCTL_STATE_DIR);
	usage_help_options(21);
	usage_end("umlctl(8)");
}

/* ------------------------------------------------------------------ */
/* mconsole and lock helpers                                           */

/* The guest's mconsole socket, RUN/NAME/NAME/mconsole, reached without
 * following what its user may have planted: the fd or -errno. */
static int connect_mconsole(const char *name)
{
	int dfd, ufd, fd;

	dfd = uc_guest_dir(name);
	if (dfd < 0)
		return dfd;
	ufd = uc_umid_dir(dfd, name);
	close(dfd);
	if (ufd < 0)
		return ufd;
	fd = mc_connect_at(ufd, "mconsole");
	close(ufd);
	return fd;
}

int uc_mconsole(const char *name, const char *cmd, char *out, size_t outlen,
		int timeout_ms)
{
	long long deadline = mc_deadline(timeout_ms);
	struct mc_packet p;
	size_t used = 0;
	int fd, ret;

	if (out && outlen)
		out[0] = '\0';
	fd = connect_mconsole(name);
	if (fd < 0)
		return fd;
	/* One deadline for the whole exchange: a guest that does not drain
	 * its socket, or does not answer, costs TIMEOUT_MS at most. */
	ret = mc_send_until(fd, cmd, deadline);
	while (ret == 0) {
		ret = mc_recv_reply_until(fd, &p, deadline);
		if (ret)
			break;
		if (out && used + p.len < outlen) {
			memcpy(out + used, p.data, p.len);
			used += p.len;
			out[used] = '\0';
		}
		if (p.err)
			ret = -EIO;
		if (!p.more)
			break;
	}
	close(fd);
	return ret;
}

int uc_mconsole_alive(const char *name)
{
	char buf[64];

	return uc_mconsole(name, "version", buf, sizeof(buf), 1000) == 0;
}

pid_t uc_supervisor_pid(const char *name)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int dfd, fd;

	dfd = uc_guest_dir(name);
	if (dfd < 0)
		return 0;
	fd = uc_open_at(dfd, "lock", O_RDONLY, 0);
	close(dfd);
	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &fl) < 0 || fl.l_type == F_UNLCK)
		fl.l_pid = 0;
	close(fd);
	return fl.l_pid;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait up to SECONDS (on the monotonic clock, mconsole exchanges
 * included) for the supervisor of NAME to end; 1 when it did. */
static int wait_gone(const char *name, int seconds, int send_cad)
{
	long long deadline = mc_now_ms() + seconds * 1000LL, left;
	int cad_sent = !send_cad;

	for (;;) {
		if (!uc_supervisor_pid(name))
			return 1;
		left = deadline - mc_now_ms();
		if (left <= 0)
			return 0;
		/* Early in boot the mconsole may not answer yet. */
		if (!cad_sent && uc_mconsole(name, "cad", NULL, 0,
					     left < 1000 ? (int)left : 1000) == 0)
			cad_sent = 1;
		sleep_ms(100);
	}
}

int uc_stop(const char *name, int timeout)
{
	int dfd, ret;

	if (!uc_supervisor_pid(name)) {
		printf("%s: not running\n", name);
		return 0;
	}
	/* Without its argv[0], a guest whose init turns cad into a reboot
	 * (systemd does) ends instead of booting again. */
	dfd = uc_guest_dir(name);
	if (dfd >= 0) {
		uc_mark_stopping(dfd);
		close(dfd);
	}
	if (wait_gone(name, timeout, 1)) {
		printf("%s: stopped\n", name);
		return 0;
	}
	warnx("%s: no power-off after %d s; sending halt",
	      name, timeout);
	ret = uc_mconsole(name, "halt", NULL, 0, 1000);
	if (ret)
		warnx("%s: mconsole halt: %s", name, strerror(-ret));
	if (wait_gone(name, HALT_WAIT_S, 0)) {
		printf("%s: halted after the %d s timeout\n", name, timeout);
		return 0;
	}
	warnx("%s: still running %d s after halt", name,
	      HALT_WAIT_S);
	return 1;
}

/* ------------------------------------------------------------------ */
/* status and list                                                     */

struct status {
	pid_t sup, pid;
	int cpu;		/* the first CPU it is pinned to, or -1 */
	char cpus[64];		/* all of them, as a list */
	double uptime;
	long mem_total, mem_avail;
	char version[256];
	int configured;
};

static pid_t read_pid(const char *name)
{
	int dfd, ufd, fd = -1;
	char buf[32];
	ssize_t n;

	dfd = uc_guest_dir(name);
	if (dfd < 0)
		return 0;
	ufd = uc_umid_dir(dfd, name);
	if (ufd >= 0) {
		fd = uc_open_at(ufd, "pid", O_RDONLY, 0);
		close(ufd);
	}
	close(dfd);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

/* The host CPUs PID may run on, as a list in BUF (LEN bytes), when that
 * is one CPU or fewer than the host has online; the first of them, else
 * -1 (not pinned). */
static int pinned_cpus(pid_t pid, char *buf, size_t len)
{
	cpu_set_t set;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	buf[0] = '\0';
	if (sched_getaffinity(pid, sizeof(set), &set) < 0 ||
	    (CPU_COUNT(&set) > 1 && CPU_COUNT(&set) >= online))
		return -1;
	uc_cpu_list(&set, buf, len);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return -1;
}

static long meminfo(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void get_status(const char *name, struct status *s)
{
	char path[PATH_MAX], buf[4096];

	memset(s, 0, sizeof(*s));
	s->cpu = -1;
	s->uptime = -1;
	s->mem_total = s->mem_avail = -1;
	s->configured = snprintf(path, sizeof(path), "%s/%s.conf",
				 uc_paths.config_dir, name) < (int)sizeof(path) &&
			access(path, F_OK) == 0;
	s->sup = uc_supervisor_pid(name);
	if (!s->sup)
		return;
	s->pid = read_pid(name);
	if (s->pid)
		s->cpu = pinned_cpus(s->pid, s->cpus, sizeof(s->cpus));
	/* A guest whose mconsole does not answer this costs 2 s, once. */
	if (uc_mconsole(name, "version", buf, sizeof(buf), 2000))
		return;
	snprintf(s->version, sizeof(s->version), "%.*s",
		 (int)sizeof(s->version) - 1, buf);
	/* The kernel opens the name relative to its /proc and prints every
	 * failed open on the guest's console ("open /proc/NAME: -2"): ask
	 * once, by the relative name, and only for files that exist. */
	if (uc_mconsole(name, "proc uptime", buf, sizeof(buf), 2000) == 0)
		s->uptime = strtod(buf, NULL);
	if (uc_mconsole(name, "proc meminfo", buf, sizeof(buf), 2000) == 0) {
		s->mem_total = meminfo(buf, "MemTotal:");
		s->mem_avail = meminfo(buf, "MemAvailable:");
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void print_status_json(const char *name, const struct status *s)
{
	printf("{\"name\":");
	json_string(name);
	printf(",\"state\":\"%s\",\"configured\":%s", s->sup ? "running" : "stopped",
	       s->configured ? "true" : "false");
	if (s->sup) {
		printf(",\"supervisor_pid\":%d,\"pid\":%d", (int)s->sup, (int)s->pid);
		if (s->cpu >= 0 && strpbrk(s->cpus, ",-"))
			printf(",\"cpu\":null,\"cpus\":\"%s\"", s->cpus);
		else if (s->cpu >= 0)
			printf(",\"cpu\":%d", s->cpu);
		else
			printf(",\"cpu\":null");
		if (s->uptime >= 0)
			printf(",\"uptime_seconds\":%.2f", s->uptime);
		printf(",\"kernel\":");
		json_string(s->version);
		if (s->mem_total >= 0)
			printf(",\"mem_total_kb\":%ld", s->mem_total);
		if (s->mem_avail >= 0)
			printf(",\"mem_available_kb\":%ld", s->mem_avail);
	}
	printf("}");
}

static int cmd_status(const char *name, int json)
{
	struct status s;

	get_status(name, &s);
	if (!s.sup && !s.configured) {
		warnx("%s: no such guest (no %s/%s.conf, not running)",
		      name, uc_paths.config_dir, name);
		return 1;
	}
	if (json) {
		print_status_json(name, &s);
		putchar('\n');
		return s.sup ? 0 : EXIT_NOT_RUNNING;
	}
	printf("%s: %s\n", name, s.sup ? "running" : "stopped");
	if (!s.sup)
		return EXIT_NOT_RUNNING;
	printf("  pid:      %d (umlctl %d)\n", (int)s.pid, (int)s.sup);
	if (s.cpu >= 0)
		printf("  cpu:      %s\n", s.cpus);
	else
		printf("  cpu:      not pinned\n");
	if (s.uptime >= 0)
		printf("  uptime:   %.0f s\n", s.uptime);
	printf("  kernel:   %s\n", s.version[0] ? s.version : "(mconsole does not answer)");
	if (s.mem_total >= 0)
		printf("  memory:   %ld kB total, %ld kB available\n", s.mem_total,
		       s.mem_avail);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names with a NAME.conf in DIR (SUFFIX ".conf") or a supervisor in
 * the run directory (SUFFIX NULL); appended to *names. */
static int collect(const char *dir, const char *suffix, char ***names, int *n)
{
	struct dirent *d;
	DIR *dp;

	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		char name[UC_NAME_MAX + 1];
		size_t len = strlen(d->d_name), sl = suffix ? strlen(suffix) : 0;
		char **grown;
		int i, dup = 0;

		if (suffix && (len <= sl || strcmp(d->d_name + len - sl, suffix)))
			continue;
		if (len - sl > UC_NAME_MAX)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - sl), d->d_name);
		if (!uc_valid_name(name) || (!suffix && !uc_supervisor_pid(name)))
			continue;
		for (i = 0; i < *n; i++)
			if (!strcmp((*names)[i], name))
				dup = 1;
		if (dup)
			continue;
		grown = realloc(*names, (*n + 1) * sizeof(char *));
		if (!grown)
			break;
		*names = grown;
		(*names)[*n] = strdup(name);
		if ((*names)[*n])
			(*n)++;
	}
	closedir(dp);
	return 0;
}

static int cmd_list(int json)
{
	char **names = NULL;
	int n = 0, i, ret;
	struct status s;

	ret = collect(uc_paths.config_dir, ".conf", &names, &n);
	if (ret)
		warnx("%s: %s", uc_paths.config_dir, strerror(-ret));
	collect(uc_paths.run_dir, NULL, &names, &n);
	qsort(names, n, sizeof(char *), cmp_str);
	if (json)
		putchar('[');
	else
		printf("%-24s %-8s %s\n", "NAME", "STATE", "CONFIGURED");
	for (i = 0; i < n; i++) {
		memset(&s, 0, sizeof(s));
		s.sup = uc_supervisor_pid(names[i]);
		get_status(names[i], &s);
		if (json) {
			if (i)
				putchar(',');
			print_status_json(names[i], &s);
		} else {
			printf("%-24s %-8s %s\n", names[i], s.sup ? "running" : "stopped",
			       s.configured ? "yes" : "no");
		}
		free(names[i]);
	}
	if (json)
		printf("]\n");
	free(names);
	return ret ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* console                                                             */

static int copy_input(int in, int sock, int *detach)
{
	char buf[512], *k;
	ssize_t n;
	size_t len;

	n = read(in, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -1;
	k = memchr(buf, DETACH_KEY, n);
	len = k ? (size_t)(k - buf) : (size_t)n;
	if (len && write(sock, buf, len) != (ssize_t)len)
		return -1;
	if (k)
		*detach = 1;
	return 0;
}

static int console_loop(const char *name, int sock)
{
	struct pollfd p[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = sock, .events = POLLIN },
	};
	char buf[4096];
	int detach = 0;
	ssize_t n;

	while (!detach) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[1].revents) {
			n = read(sock, buf, sizeof(buf));
			if (n <= 0) {
				fprintf(stderr, "\r\numlctl: %s: the console closed (the guest stopped)\r\n",
					name);
				return 0;
			}
			if (write(STDOUT_FILENO, buf, n) != n)
				return 1;
		}
		if (p[0].revents && copy_input(STDIN_FILENO, sock, &detach) < 0)
			return 0;
	}
	fprintf(stderr, "\r\numlctl: detached from %s\r\n", name);
	return 0;
}

/* RUN/NAME/console, connected without following a planted symlink. */
static int connect_console(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int dfd, pfd, sock = -1, e;

	dfd = uc_guest_dir(name);
	if (dfd < 0)
		return dfd;
	pfd = xsocket_at(dfd, "console", sa.sun_path, sizeof(sa.sun_path));
	close(dfd);
	if (pfd < 0)
		return pfd;
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = -errno;
		if (sock >= 0)
			close(sock);
		sock = e;
	}
	close(pfd);
	return sock;
}

int uc_console(const char *name)
{
	struct termios saved, raw;
	int sock, tty, ret;

	sock = connect_console(name);
	if (sock < 0) {
		warnx("%s: cannot attach: %s%s", name, strerror(-sock),
		      sock == -ENOENT || sock == -ECONNREFUSED ? " (not running?)" : "");
		return 1;
	}
	tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	fprintf(stderr, "umlctl: attached to %s; detach with Ctrl-]\r\n", name);
	ret = console_loop(name, sock);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(sock);
	return ret;
}

/* ------------------------------------------------------------------ */

static int parse_timeout(const char *s)
{
	unsigned int v;

	if (parse_uint(s, 1, 86400, &v)) {
		warnx("--timeout: '%s' is not a number of seconds (1-86400)", s);
		usage_error();
	}
	return (int)v;
}

static const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

/* P made absolute against the current directory: the paths end up on the
 * kernel's command line (uml_dir=, hostfs=), which has no notion of ours. */
static const char *absolute(const char *p)
{
	char *abs = path_absolute(p);

	if (!abs)
		err(EXIT_FAILURE, "cannot make '%s' an absolute path", p);
	return abs;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config-dir", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "image", required_argument, NULL, 'i' },
		{ "mem", required_argument, NULL, 'm' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "kernel", required_argument, NULL, 'k' },
		LONGOPTS_HELP_VERSION
	};
	int opt, dry_run = 0, json = 0, timeout = DEFAULT_STOP_TIMEOUT;
	const char *cmd, *name = NULL;
	static struct uc_create_opts co;	/* static: reachable to the end */
	int nargs;

	uc_paths.config_dir = env_or("UMLCTL_CONFIG_DIR", UMLCTL_CONFIG_DIR);
	uc_paths.run_dir = env_or("UMLCTL_RUN_DIR", UMLCTL_RUN_DIR);
	co.state_dir = env_or("UMLCTL_STATE_DIR", UMLCTL_STATE_DIR);
	while ((opt = getopt_long(argc, argv, "c:r:nt:ji:m:s:u:k:fhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': uc_paths.config_dir = optarg; break;
		case 'r': uc_paths.run_dir = optarg; break;
		case 'n': dry_run = 1; break;
		case 't': timeout = parse_timeout(optarg); break;
		case 'j': json = 1; break;
		case 'i': co.image = optarg; break;
		case 'm': co.mem = optarg; break;
		case 's': co.state_dir = optarg; break;
		case 'f': co.force = 1; break;
		case 'u': co.user = optarg; break;
		case 'k': co.kernel = optarg; break;
		default: usage_common_option(opt, usage);
		}
	}
	uc_paths.config_dir = absolute(uc_paths.config_dir);
	uc_paths.run_dir = absolute(uc_paths.run_dir);
	co.state_dir = absolute(co.state_dir);
	if (optind >= argc)
		usage_errorx("no command given");
	cmd = argv[optind++];
	nargs = argc - optind;
	if (strcmp(cmd, "list")) {
		if (nargs != 1)
			usage_errorx("%s takes one guest NAME", cmd);
		name = argv[optind];
		if (!uc_valid_name(name)) {
			warnx("'%s' is not a guest name (letters, digits, '.', '_', '-', '@'; at most %d)",
			      name, UC_NAME_MAX);
			return EXIT_TROUBLE;
		}
	} else if (nargs) {
		usage_errorx("list takes no NAME");
	}
	/* The unit reads CONFIG_DIR's default: its sandbox matters for the
	 * guests there, and for any guest `check` is asked about. */
	uc_paths.sandbox = !strcmp(uc_paths.config_dir, UMLCTL_CONFIG_DIR) ||
			   !strcmp(cmd, "check");
	if (!strcmp(cmd, "start"))
		return uc_start(name, dry_run, timeout);
	if (!strcmp(cmd, "check"))
		return uc_check(name);
	if (!strcmp(cmd, "create"))
		return uc_create(name, &co);
	if (!strcmp(cmd, "stop"))
		return uc_stop(name, timeout);
	if (!strcmp(cmd, "status"))
		return cmd_status(name, json);
	if (!strcmp(cmd, "list"))
		return cmd_list(json);
	if (!strcmp(cmd, "console"))
		return uc_console(name);
	usage_errorx("unknown command '%s'", cmd);
}
