// SPDX-License-Identifier: GPL-2.0-only
/*
 * supervise.c - `umlctl start`: run a guest's kernel in the foreground,
 * relay its console 0 to our stdout (the journal, under systemd) and to
 * the clients of RUN/NAME/console, and exit as the guest did.
 *
 * Files of a running guest, all in RUN/NAME/ (the kernel's uml_dir):
 *   lock      POSIX write lock held by the supervisor; holds its pid
 *   linux     symlink to the kernel, the kernel's argv[0]
 *   console   stream socket `umlctl console` connects to
 *   stopping  present once a stop was asked for
 *   nohostfs  empty directory given as hostfs= when no share is set
 *   NAME/     the kernel's own umid directory (pid, mconsole)
 *
 * This file is part of user-mode-linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "lib/xio.h"
#include "umlctl.h"

#define MAX_CLIENTS	4
#define HALT_GRACE_MS	10000
#define PANIC_MARK	"Kernel panic - not syncing"

struct sup {
	struct uc_conf *c;
	pid_t pid;		/* the kernel */
	int status;		/* its wait status, once reaped */
	int reaped;
	int gfd;		/* our end of its con0 */
	int lfd;		/* console listening socket */
	int sfd;		/* signalfd */
	int clients[MAX_CLIENTS];
	int stopping;		/* 0, 1: cad sent (or pending), 2: halt sent */
	int cad_sent;
	long long deadline;	/* ms, for the current stop step */
	int stop_timeout;
	char tail[1024];	/* last console bytes, to find a panic line */
	size_t tail_len;
	char panic[256];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Take the guest's lock, or say who holds it. */
static int take_lock(const char *name)
{
	char path[PATH_MAX], pid[32];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, n;

	if (uc_guest_path(name, "lock", path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "umlctl: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		fprintf(stderr, "umlctl: %s: already running (umlctl pid %d)\n",
			name, (int)uc_supervisor_pid(name));
		close(fd);
		return -EBUSY;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || xpwrite(fd, pid, n, 0) != n) {
		fprintf(stderr, "umlctl: %s: cannot write it\n", path);
		close(fd);
		return -EIO;
	}
	return fd;
}

static int make_dir(const char *path, mode_t mode, const struct uc_conf *c)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST) {
		fprintf(stderr, "umlctl: cannot create %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (c && c->user && chown(path, c->uid, c->gid) < 0) {
		fprintf(stderr, "umlctl: cannot give %s to %s: %s\n", path, c->user,
			strerror(errno));
		return -errno;
	}
	return 0;
}

static int listen_console(const char *name, const struct uc_conf *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[PATH_MAX];
	int fd;

	if (uc_guest_path(name, "console", path) || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "umlctl: %s: console socket path too long\n", name);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 4) < 0)
		goto fail;
	if (c->user && chown(path, c->uid, c->gid) < 0)
		goto fail;
	return fd;
fail:
	fprintf(stderr, "umlctl: %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* In the child: become the configured user, keeping the network
 * capabilities the kernel's transports need (ambient, so that they
 * survive the exec), and only those. */
static int drop_to_user(const struct uc_conf *c)
{
	cap_value_t keep[2];
	cap_flag_value_t v;
	size_t i, n = 0;
	cap_t caps;

	if (c->need_net_admin)
		keep[n++] = CAP_NET_ADMIN;
	if (c->need_net_raw)
		keep[n++] = CAP_NET_RAW;

	if (c->user) {
		if (prctl(PR_SET_KEEPCAPS, 1) < 0 ||
		    initgroups(c->user, c->gid) < 0 || setgid(c->gid) < 0 ||
		    setuid(c->uid) < 0)
			return -errno;
	}
	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (i = 0; i < n; i++) {
		v = CAP_CLEAR;
		cap_get_flag(caps, keep[i], CAP_PERMITTED, &v);
		if (v == CAP_SET)
			cap_set_flag(caps, CAP_INHERITABLE, 1, &keep[i], CAP_SET);
	}
	/* Ambient capabilities umlctl got (from the unit) that this guest's
	 * transports do not need end here. */
	cap_reset_ambient();
	if (cap_set_proc(caps) == 0) {
		for (i = 0; i < n; i++) {
			v = CAP_CLEAR;
			cap_get_flag(caps, keep[i], CAP_INHERITABLE, &v);
			if (v == CAP_SET)
				cap_set_ambient(keep[i], CAP_SET);
		}
	}
	cap_free(caps);
	return 0;
}

static void __attribute__((noreturn)) run_kernel(const struct uc_conf *c, int fd)
{
	char dir[PATH_MAX];
	sigset_t none;
	cpu_set_t set;
	int null;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(fd, 3) < 0)
		goto fail;
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0)
		goto fail;
	close_range(4, ~0U, 0);
	if (c->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(c->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			goto fail;
	}
	if (c->tmpdir && setenv("TMPDIR", c->tmpdir, 1) < 0)
		goto fail;
	/* Core files, if any, land in the run directory. */
	uc_guest_path(c->name, NULL, dir);
	if (chdir(dir) < 0 || drop_to_user(c) < 0)
		goto fail;
	execv(c->argv[0], c->argv);
fail:
	fprintf(stderr, "umlctl: %s: cannot run %s: %s\n", c->name, c->kernel,
		strerror(errno));
	_exit(127);
}

static void mark_stopping(const char *name)
{
	char path[PATH_MAX];
	int fd;

	/* Without its argv[0] a rebooting kernel cannot exec itself again:
	 * a reboot the guest makes now ends it (see umlctl(8)). */
	if (!uc_guest_path(name, "linux", path))
		unlink(path);
	if (!uc_guest_path(name, "stopping", path)) {
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
}

static void stop_step(struct sup *s)
{
	long long now = now_ms();

	if (s->stopping == 1 && !s->cad_sent) {
		if (uc_mconsole(s->c->name, "cad", NULL, 0, 1000) == 0) {
			s->cad_sent = 1;
			fprintf(stderr, "umlctl: %s: sent cad, waiting up to %d s for the guest to power off\n",
				s->c->name, s->stop_timeout);
		}
	}
	if (now < s->deadline)
		return;
	if (s->stopping == 1) {
		fprintf(stderr, "umlctl: %s: still running after %d s; sending halt\n",
			s->c->name, s->stop_timeout);
		uc_mconsole(s->c->name, "halt", NULL, 0, 1000);
		s->stopping = 2;
		s->deadline = now + HALT_GRACE_MS;
	} else if (s->stopping == 2) {
		fprintf(stderr, "umlctl: %s: still running after halt; killing it\n",
			s->c->name);
		kill(s->pid, SIGKILL);
		s->stopping = 3;
	}
}

static void begin_stop(struct sup *s)
{
	if (s->stopping)
		return;
	mark_stopping(s->c->name);
	s->stopping = 1;
	s->deadline = now_ms() + s->stop_timeout * 1000LL;
	stop_step(s);
}

static void drop_client(struct sup *s, int i)
{
	close(s->clients[i]);
	s->clients[i] = -1;
}

static void note_output(struct sup *s, const char *buf, size_t n)
{
	char *p, *e;

	if (s->panic[0])
		return;
	if (n >= sizeof(s->tail)) {
		buf += n - (sizeof(s->tail) - 1);
		n = sizeof(s->tail) - 1;
	}
	if (s->tail_len + n >= sizeof(s->tail)) {
		size_t drop = s->tail_len + n - (sizeof(s->tail) - 1);

		memmove(s->tail, s->tail + drop, s->tail_len - drop);
		s->tail_len -= drop;
	}
	memcpy(s->tail + s->tail_len, buf, n);
	s->tail_len += n;
	s->tail[s->tail_len] = '\0';
	p = strstr(s->tail, PANIC_MARK);
	if (p && (e = strpbrk(p, "\r\n")))
		snprintf(s->panic, sizeof(s->panic), "%.*s", (int)(e - p), p);
}

static void guest_output(struct sup *s)
{
	char buf[4096];
	ssize_t n;
	int i;

	n = read(s->gfd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->gfd);
		s->gfd = -1;
		return;
	}
	xwrite(STDOUT_FILENO, buf, n);
	note_output(s, buf, n);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i] >= 0 && write(s->clients[i], buf, n) != n)
			drop_client(s, i);
}

static void client_input(struct sup *s, int i)
{
	char buf[1024];
	ssize_t n;

	n = read(s->clients[i], buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0 || s->gfd < 0 || xwrite(s->gfd, buf, n) != n)
		drop_client(s, i);
}

static void new_client(struct sup *s)
{
	static const char busy[] = "umlctl: console busy\r\n";
	int fd, i;

	fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (s->clients[i] < 0) {
			s->clients[i] = fd;
			return;
		}
	}
	/* Best effort: the client is dropped either way. */
	if (write(fd, busy, sizeof(busy) - 1) < 0)
		errno = 0;
	close(fd);
}

static void on_signal(struct sup *s)
{
	struct signalfd_siginfo si;
	int st;

	if (read(s->sfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo != SIGCHLD) {
		fprintf(stderr, "umlctl: %s: %s: stopping the guest\n", s->c->name,
			strsignal(si.ssi_signo));
		begin_stop(s);
		return;
	}
	if (!s->reaped && waitpid(s->pid, &st, WNOHANG) == s->pid) {
		s->status = st;
		s->reaped = 1;
	}
}

static void relay(struct sup *s)
{
	struct pollfd p[3 + MAX_CLIENTS];
	int i, n, tmo;

	while (!s->reaped) {
		n = 0;
		p[n++] = (struct pollfd){ .fd = s->sfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s->gfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		for (i = 0; i < MAX_CLIENTS; i++)
			p[n++] = (struct pollfd){ .fd = s->clients[i], .events = POLLIN };
		tmo = -1;
		if (s->stopping && s->stopping < 3)
			tmo = s->cad_sent ? 200 : 500;
		if (poll(p, n, tmo) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			on_signal(s);
		if (p[1].revents)
			guest_output(s);
		if (p[2].revents)
			new_client(s);
		for (i = 0; i < MAX_CLIENTS; i++)
			if (p[3 + i].revents && s->clients[i] >= 0)
				client_input(s, i);
		if (s->stopping && !s->reaped)
			stop_step(s);
	}
	/* What the kernel wrote last (its panic, say) is still buffered. */
	if (s->gfd >= 0) {
		fcntl(s->gfd, F_SETFL, O_NONBLOCK);
		for (i = 0; i < 64 && s->gfd >= 0; i++) {
			struct pollfd q = { .fd = s->gfd, .events = POLLIN };

			if (poll(&q, 1, 100) <= 0)
				break;
			guest_output(s);
		}
	}
}

/* A kernel that died without cleaning up leaves its umid directory. */
static void remove_leftovers(const char *name)
{
	static const char *const leaves[] = { "console", "linux", "stopping", NULL };
	char path[PATH_MAX], sub[PATH_MAX];
	int i;

	for (i = 0; leaves[i]; i++)
		if (!uc_guest_path(name, leaves[i], path))
			unlink(path);
	if (!uc_guest_path(name, "nohostfs", path))
		rmdir(path);
	if (!uc_guest_path(name, name, path)) {
		snprintf(sub, sizeof(sub), "%.*s/pid", PATH_MAX - 8, path);
		unlink(sub);
		snprintf(sub, sizeof(sub), "%.*s/mconsole", PATH_MAX - 16, path);
		unlink(sub);
		rmdir(path);
	}
}

static int exit_status(struct sup *s)
{
	const char *name = s->c->name;
	char path[PATH_MAX];
	int st = s->status;

	/* `umlctl stop` leaves its mark. */
	if (!s->stopping && !uc_guest_path(name, "stopping", path) &&
	    access(path, F_OK) == 0)
		s->stopping = 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		fprintf(stderr, "umlctl: %s: the guest %s\n", name,
			s->stopping ? "stopped" : "powered off");
		return 0;
	}
	if (s->panic[0])
		fprintf(stderr, "umlctl: %s: the guest kernel panicked: %s\n", name,
			s->panic);
	if (WIFEXITED(st)) {
		fprintf(stderr, "umlctl: %s: the kernel exited with status %d\n", name,
			WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	fprintf(stderr, "umlctl: %s: the kernel was killed by signal %d (%s)\n",
		name, WTERMSIG(st), strsignal(WTERMSIG(st)));
	return 128 + WTERMSIG(st);
}

static int prepare(struct uc_conf *c, int *lock)
{
	char path[PATH_MAX];
	int uses_nohostfs = 0, i;

	if (make_dir(uc_paths.run_dir, 0755, NULL) < 0)
		return -1;
	uc_guest_path(c->name, NULL, path);
	if (make_dir(path, 0750, c) < 0)
		return -1;
	*lock = take_lock(c->name);
	if (*lock < 0)
		return -1;
	if (uc_mconsole_alive(c->name)) {
		fprintf(stderr, "umlctl: %s: umid %s is in use (its mconsole answers)\n",
			c->name, c->name);
		/* Not ours: leave its files alone. */
		close(*lock);
		*lock = -1;
		return -1;
	}
	remove_leftovers(c->name);
	uc_guest_path(c->name, "linux", path);
	if (symlink(c->kernel, path) < 0) {
		fprintf(stderr, "umlctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < c->argc; i++)
		if (strstr(c->argv[i], "/nohostfs") && !strncmp(c->argv[i], "hostfs=", 7))
			uses_nohostfs = 1;
	uc_guest_path(c->name, "nohostfs", path);
	if (uses_nohostfs && make_dir(path, 0500, c) < 0)
		return -1;
	return 0;
}

static int supervise(struct uc_conf *c, int stop_timeout)
{
	struct sup s = { .c = c, .gfd = -1, .lfd = -1, .sfd = -1,
			 .stop_timeout = stop_timeout };
	int sv[2] = { -1, -1 }, lock = -1, ret = 1, i;
	sigset_t mask;

	for (i = 0; i < MAX_CLIENTS; i++)
		s.clients[i] = -1;
	if (prepare(c, &lock) < 0)
		goto out;
	s.lfd = listen_console(c->name, c);
	if (s.lfd < 0)
		goto out;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("umlctl: socketpair");
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s.sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (s.sfd < 0) {
		perror("umlctl: signalfd");
		goto out;
	}
	fflush(NULL);
	s.pid = fork();
	if (s.pid < 0) {
		perror("umlctl: fork");
		goto out;
	}
	if (s.pid == 0)
		run_kernel(c, sv[1]);
	close(sv[1]);
	sv[1] = -1;
	s.gfd = sv[0];
	sv[0] = -1;
	if (c->cpu >= 0)
		fprintf(stderr, "umlctl: %s: kernel pid %d, pinned to CPU %d\n",
			c->name, (int)s.pid, c->cpu);
	else
		fprintf(stderr, "umlctl: %s: kernel pid %d, not pinned\n", c->name,
			(int)s.pid);
	relay(&s);
	if (!s.reaped) {
		/* poll failed: never leave the kernel behind. */
		begin_stop(&s);
		waitpid(s.pid, &s.status, 0);
	}
	ret = exit_status(&s);
out:
	for (i = 0; i < MAX_CLIENTS; i++)
		if (s.clients[i] >= 0)
			close(s.clients[i]);
	if (s.lfd >= 0)
		close(s.lfd);
	if (s.gfd >= 0)
		close(s.gfd);
	if (s.sfd >= 0)
		close(s.sfd);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (lock >= 0) {
		remove_leftovers(c->name);
		close(lock);
	}
	return ret;
}

int uc_start(const char *name, int dry_run, int stop_timeout)
{
	struct uc_conf c;
	int n, ret;

	n = uc_conf_load(&c, name);
	if (n) {
		fprintf(stderr, "umlctl: %s: %d problem%s in %s; nothing started\n",
			name, n, n == 1 ? "" : "s", c.file);
		uc_conf_free(&c);
		return 1;
	}
	if (dry_run) {
		uc_print_cmdline(&c);
		uc_conf_free(&c);
		return 0;
	}
	ret = supervise(&c, stop_timeout);
	uc_conf_free(&c);
	return ret;
}
