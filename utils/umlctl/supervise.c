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
 *             (root's and read-only when umlctl runs as root)
 *   NAME/     the kernel's own umid directory (pid, mconsole)
 *
 * RUN/NAME belongs to the guest's user (the kernel makes its umid
 * directory there), so a root umlctl treats everything in it as planted:
 * it works through the directory's fd with *at() calls that follow no
 * symlink, opens nothing that could block (a FIFO), and changes owner and
 * mode only of what it opened and checked (fchown, fchmod).
 *
 * This file is part of user-mode-linux.
 */
#include <err.h>
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
#define CLIENT_STALL_MS	5000	/* a client that takes nothing this long goes */
#define HALT_GRACE_MS	10000
#define MC_STEP_MS	250	/* the relay loop waits no longer for mconsole */
#define PANIC_MARK	"Kernel panic - not syncing"

/* A console client, with what it has not taken yet of the last read. */
struct client {
	int fd;
	size_t len;
	long long since;	/* when it last took something */
	char pending[4096];
};

struct sup {
	struct uc_conf *c;
	int dfd;		/* RUN/NAME */
	pid_t pid;		/* the kernel */
	int status;		/* its wait status, once reaped */
	int reaped;
	int gfd;		/* our end of its con0 */
	int lfd;		/* console listening socket */
	int sfd;		/* signalfd */
	struct client clients[MAX_CLIENTS];
	int stopping;		/* 0, 1: cad sent (or pending), 2: halt sent */
	int cad_sent;
	long long deadline;	/* ms, for the current stop step */
	int stop_timeout;
	char tail[1024];	/* last console bytes, to find a panic line */
	size_t tail_len;
	char panic[256];
	pid_t helper[UC_MAX_NETS];	/* libslirp-helper of user network N */
	int nfd[UC_MAX_NETS];		/* the kernel's end of its socket pair */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Take the guest's lock in DFD, or say who holds it.  A lock file we did
 * not make (not ours, not a regular file with one link: planted) is
 * removed and made again. */
static int take_lock(int dfd, const char *name)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat st;
	char pid[32];
	int fd, n;

	fd = uc_open_at(dfd, "lock", O_RDWR | O_CREAT, 0644);
	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != geteuid())) {
		close(fd);
		fd = -EPERM;
	}
	if (fd < 0) {
		unlinkat(dfd, "lock", 0);
		fd = uc_open_at(dfd, "lock", O_RDWR | O_CREAT | O_EXCL, 0644);
	}
	if (fd < 0) {
		warnx("%s: lock: %s", name, strerror(-fd));
		return fd;
	}
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		warnx("%s: already running (umlctl pid %d)",
		      name, (int)uc_supervisor_pid(name));
		close(fd);
		return -EBUSY;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || xpwrite(fd, pid, n, 0) != n) {
		warnx("%s: cannot write its lock", name);
		close(fd);
		return -EIO;
	}
	return fd;
}

/* Directory LEAF in DFD (created with MODE if missing), opened without
 * following a symlink, and given to UID:GID with MODE through its fd.
 * Returns the fd or -errno. */
static int own_dir_at(int dfd, const char *leaf, mode_t mode, uid_t uid,
		      gid_t gid, const char *what)
{
	struct stat st;
	int fd, ret;

	if (mkdirat(dfd, leaf, mode) < 0 && errno != EEXIST) {
		ret = -errno;
		goto fail;
	}
	fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	if (fstat(fd, &st) < 0 || fchown(fd, uid, gid) < 0 ||
	    fchmod(fd, mode) < 0) {
		ret = -errno;
		close(fd);
		goto fail;
	}
	return fd;
fail:
	warnx("%s: %s", what, strerror(-ret));
	return ret;
}

/* The console socket RUN/NAME/console: bound through the directory's fd
 * (/proc/self/fd/N/console), created 0600 (umask), then given to the
 * guest's user through an O_PATH fd of the very socket, checked. */
static int listen_console(int dfd, const struct uc_conf *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char name[64];
	mode_t old;
	int fd, pfd = -1, ret;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/console", dfd);
	unlinkat(dfd, "console", 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || listen(fd, 4) < 0)
		goto fail;
	if (c->as_other) {
		pfd = xsocket_at(dfd, "console", name, sizeof(name));
		if (pfd < 0) {
			errno = -pfd;
			goto fail;
		}
		if (fchownat(pfd, "", c->uid, c->gid, AT_EMPTY_PATH) < 0)
			goto fail;
		close(pfd);
	}
	return fd;
fail:
	warnx("%s: console socket: %s", c->name, strerror(errno));
	if (pfd >= 0)
		close(pfd);
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

	if (c->as_other) {
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

/* In the kernel's child: FD as 3 (con0), each user network's end of
 * its socket pair as UC_NET_FD + N, nothing else above 2.  Everything is
 * first moved above the targets, so that no dup2() closes a source. */
static int place_fds(const struct sup *s, int fd)
{
	int high[UC_MAX_NETS], con, i;

	con = fcntl(fd, F_DUPFD_CLOEXEC, 64);
	if (con < 0)
		return -1;
	for (i = 0; i < UC_MAX_NETS; i++) {
		high[i] = -1;
		if (s->nfd[i] >= 0 && (high[i] = fcntl(s->nfd[i], F_DUPFD_CLOEXEC, 64)) < 0)
			return -1;
	}
	if (dup2(con, 3) < 0)
		return -1;
	close_range(4, UC_NET_FD - 1, 0);
	for (i = 0; i < UC_MAX_NETS; i++) {
		if (high[i] < 0)
			close(UC_NET_FD + i);
		else if (dup2(high[i], UC_NET_FD + i) < 0)
			return -1;
	}
	close_range(UC_NET_FD + UC_MAX_NETS, ~0U, 0);
	return 0;
}

static void __attribute__((noreturn)) run_kernel(const struct uc_conf *c,
						      const struct sup *s, int fd)
{
	sigset_t none;
	cpu_set_t set;
	int null;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Core files, if any, land in the run directory. */
	if (fchdir(s->dfd) < 0)
		goto fail;
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0)
		goto fail;
	if (place_fds(s, fd) < 0)
		goto fail;
	if (c->cpu >= 0 &&
	    (uc_cpu_set(c, &set) < 0 || sched_setaffinity(0, sizeof(set), &set) < 0))
		goto fail;
	if (c->tmpdir && setenv("TMPDIR", c->tmpdir, 1) < 0)
		goto fail;
	if (drop_to_user(c) < 0)
		goto fail;
	execv(c->argv[0], c->argv);
fail:
	warnx("%s: cannot run %s: %s", c->name, c->kernel,
	      strerror(errno));
	_exit(127);
}

/* The child that serves user network N: libslirp-helper on FD, as the
 * guest's user, with no capability, ended with us. */
static void __attribute__((noreturn)) run_helper(const struct uc_conf *c, int n, int fd)
{
	char *argv[8];
	sigset_t none;
	int i = 0, null;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(fd, 3) < 0 ||
	    (fd == 3 && fcntl(3, F_SETFD, 0) < 0))
		goto fail;
	close_range(4, ~0U, 0);
	if (c->as_other && (initgroups(c->user, c->gid) < 0 || setgid(c->gid) < 0 ||
			    setuid(c->uid) < 0))
		goto fail;
	cap_reset_ambient();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		goto fail;
	argv[i++] = (char *)c->slirp_helper;
	argv[i++] = "--fd";
	argv[i++] = "3";
	argv[i++] = "--exit-with-parent";
	if (c->user_net[n] != 2)
		argv[i++] = "--disable-host-loopback";
	argv[i] = NULL;
	execv(argv[0], argv);
fail:
	warnx("%s: net%d: cannot run %s: %s", c->name, n,
	      c->slirp_helper, strerror(errno));
	_exit(127);
}

/* A socket pair and a helper for each user network. */
static int start_helpers(struct sup *s)
{
	int i, sv[2];

	for (i = 0; i < UC_MAX_NETS; i++) {
		if (!s->c->user_net[i])
			continue;
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) {
			warn("socketpair");
			return -1;
		}
		s->helper[i] = fork();
		if (s->helper[i] == 0)
			run_helper(s->c, i, sv[1]);
		close(sv[1]);
		s->nfd[i] = sv[0];
		if (s->helper[i] < 0) {
			warn("fork");
			return -1;
		}
		warnx("%s: net%d: %s pid %d", s->c->name, i,
		      s->c->slirp_helper, (int)s->helper[i]);
	}
	return 0;
}

static void end_helpers(struct sup *s)
{
	int i;

	for (i = 0; i < UC_MAX_NETS; i++) {
		if (s->nfd[i] >= 0)
			close(s->nfd[i]);
		s->nfd[i] = -1;
		if (s->helper[i] > 0) {
			kill(s->helper[i], SIGTERM);
			waitpid(s->helper[i], NULL, 0);
		}
		s->helper[i] = 0;
	}
}

static void stop_step(struct sup *s)
{
	long long now = now_ms();

	if (s->stopping == 1 && !s->cad_sent) {
		if (uc_mconsole(s->c->name, "cad", NULL, 0, MC_STEP_MS) == 0) {
			s->cad_sent = 1;
			warnx("%s: sent cad, waiting up to %d s for the guest to power off",
			      s->c->name, s->stop_timeout);
		}
	}
	if (now < s->deadline)
		return;
	if (s->stopping == 1) {
		warnx("%s: still running after %d s; sending halt",
		      s->c->name, s->stop_timeout);
		if (uc_mconsole(s->c->name, "halt", NULL, 0, MC_STEP_MS))
			warnx("%s: the mconsole takes no halt; killing the kernel after %d s",
			      s->c->name, HALT_GRACE_MS / 1000);
		s->stopping = 2;
		s->deadline = now + HALT_GRACE_MS;
	} else if (s->stopping == 2) {
		warnx("%s: still running after halt; killing it",
		      s->c->name);
		kill(s->pid, SIGKILL);
		s->stopping = 3;
	}
}

static void begin_stop(struct sup *s)
{
	if (s->stopping)
		return;
	uc_mark_stopping(s->dfd);
	s->stopping = 1;
	s->deadline = now_ms() + s->stop_timeout * 1000LL;
	stop_step(s);
}

static void drop_client(struct sup *s, int i)
{
	close(s->clients[i].fd);
	s->clients[i].fd = -1;
	s->clients[i].len = 0;
}

/* Whether a client has output it did not take yet: the guest's console
 * is then not read (the guest waits, as on a slow terminal). */
static int clients_behind(const struct sup *s)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i].fd >= 0 && s->clients[i].len)
			return 1;
	return 0;
}

/* Give client I what it can take of BUF (its pending bytes first when BUF
 * is NULL); keep the rest.  A client that takes nothing for
 * CLIENT_STALL_MS is dropped: it cannot stall the guest for longer. */
static void feed_client(struct sup *s, int i, const char *buf, size_t n)
{
	struct client *cl = &s->clients[i];
	ssize_t w;

	if (!buf) {
		buf = cl->pending;
		n = cl->len;
	} else {
		/* New output: the client was not behind until now. */
		cl->since = now_ms();
	}
	w = n ? write(cl->fd, buf, n) : 0;
	if (w < 0 && errno != EAGAIN && errno != EINTR) {
		drop_client(s, i);
		return;
	}
	if (w < 0)
		w = 0;
	if (w > 0)
		cl->since = now_ms();
	memmove(cl->pending, buf + w, n - w);
	cl->len = n - w;
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
		if (s->clients[i].fd >= 0)
			feed_client(s, i, buf, n);
}

static void client_input(struct sup *s, int i)
{
	char buf[1024];
	ssize_t n;

	n = read(s->clients[i].fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0 || s->gfd < 0) {
		drop_client(s, i);
		return;
	}
	/* A guest that does not read its console loses the input rather
	 * than stall the relay. */
	if (send(s->gfd, buf, n, MSG_DONTWAIT) < 0 && errno != EAGAIN)
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
		if (s->clients[i].fd < 0) {
			s->clients[i].fd = fd;
			s->clients[i].len = 0;
			s->clients[i].since = now_ms();
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
		warnx("%s: %s: stopping the guest", s->c->name,
		      strsignal(si.ssi_signo));
		begin_stop(s);
		return;
	}
	if (!s->reaped && waitpid(s->pid, &st, WNOHANG) == s->pid) {
		s->status = st;
		s->reaped = 1;
	}
}

/* Clients that took nothing for CLIENT_STALL_MS are dropped. */
static void drop_stalled(struct sup *s)
{
	long long now = now_ms();
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i].fd >= 0 && s->clients[i].len &&
		    now - s->clients[i].since > CLIENT_STALL_MS)
			drop_client(s, i);
}

static void client_events(struct sup *s, int i, short revents)
{
	if (s->clients[i].fd >= 0 && (revents & POLLOUT))
		feed_client(s, i, NULL, 0);
	if (s->clients[i].fd >= 0 && (revents & (POLLIN | POLLHUP | POLLERR)))
		client_input(s, i);
}

static void relay(struct sup *s)
{
	struct pollfd p[3 + MAX_CLIENTS];
	int i, n, tmo, behind;

	while (!s->reaped) {
		behind = clients_behind(s);
		n = 0;
		p[n++] = (struct pollfd){ .fd = s->sfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = behind ? -1 : s->gfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		for (i = 0; i < MAX_CLIENTS; i++)
			p[n++] = (struct pollfd){ .fd = s->clients[i].fd,
				.events = POLLIN | (s->clients[i].len ? POLLOUT : 0) };
		tmo = behind ? 1000 : -1;
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
			if (p[3 + i].revents)
				client_events(s, i, p[3 + i].revents);
		drop_stalled(s);
		if (s->stopping && !s->reaped)
			stop_step(s);
	}
	/* What the kernel wrote last (its panic, say) is still buffered;
	 * clients get what they take at once. */
	if (s->gfd >= 0) {
		fcntl(s->gfd, F_SETFL, O_NONBLOCK);
		for (i = 0; i < 64 && s->gfd >= 0; i++) {
			struct pollfd q = { .fd = s->gfd, .events = POLLIN };

			if (poll(&q, 1, 100) <= 0)
				break;
			for (n = 0; n < MAX_CLIENTS; n++)
				s->clients[n].len = 0;
			guest_output(s);
		}
	}
}

/* A kernel that died without cleaning up leaves its umid directory.
 * Links are removed as links, never followed. */
static void remove_leftovers(int dfd, const char *name)
{
	static const char *const leaves[] = { "console", "linux", "stopping", NULL };
	int i, ufd;

	for (i = 0; leaves[i]; i++)
		unlinkat(dfd, leaves[i], 0);
	if (unlinkat(dfd, "nohostfs", AT_REMOVEDIR) < 0 && errno == ENOTDIR)
		unlinkat(dfd, "nohostfs", 0);
	ufd = uc_umid_dir(dfd, name);
	if (ufd >= 0) {
		unlinkat(ufd, "pid", 0);
		unlinkat(ufd, "mconsole", 0);
		close(ufd);
		unlinkat(dfd, name, AT_REMOVEDIR);
	} else if (ufd == -ELOOP || ufd == -ENOTDIR) {
		unlinkat(dfd, name, 0);
	}
}

static int exit_status(struct sup *s)
{
	const char *name = s->c->name;
	int st = s->status;
	struct stat sb;

	/* `umlctl stop` leaves its mark. */
	if (!s->stopping &&
	    fstatat(s->dfd, "stopping", &sb, AT_SYMLINK_NOFOLLOW) == 0)
		s->stopping = 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		warnx("%s: the guest %s", name,
		      s->stopping ? "stopped" : "powered off");
		return 0;
	}
	if (s->panic[0])
		warnx("%s: the guest kernel panicked: %s", name,
		      s->panic);
	if (WIFEXITED(st)) {
		warnx("%s: the kernel exited with status %d", name,
		      WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	warnx("%s: the kernel was killed by signal %d (%s)",
	      name, WTERMSIG(st), strsignal(WTERMSIG(st)));
	return 128 + WTERMSIG(st);
}

/* The empty directory given as hostfs= without a share: root's and
 * read-only when umlctl is root, so that the guest cannot write there. */
static int make_nohostfs(int dfd)
{
	int fd;

	fd = own_dir_at(dfd, "nohostfs", 0555, geteuid(), getegid(), "nohostfs");
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* RUN (root's when umlctl is root) and RUN/NAME, the guest's, 0700. */
static int open_run_dir(const struct uc_conf *c)
{
	int rfd, dfd;

	if (mkdir(uc_paths.run_dir, 0755) < 0 && errno != EEXIST) {
		warnx("cannot create %s: %s", uc_paths.run_dir,
		      strerror(errno));
		return -1;
	}
	rfd = open(uc_paths.run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0) {
		warnx("%s: %s", uc_paths.run_dir, strerror(errno));
		return -1;
	}
	dfd = own_dir_at(rfd, c->name, 0700, c->uid, c->gid, c->name);
	close(rfd);
	return dfd;
}

static int prepare(struct uc_conf *c, int dfd, int *lock)
{
	int uses_nohostfs = 0, i;

	*lock = take_lock(dfd, c->name);
	if (*lock < 0)
		return -1;
	if (uc_mconsole_alive(c->name)) {
		warnx("%s: umid %s is in use (its mconsole answers)",
		      c->name, c->name);
		/* Not ours: leave its files alone. */
		close(*lock);
		*lock = -1;
		return -1;
	}
	remove_leftovers(dfd, c->name);
	if (symlinkat(c->kernel, dfd, "linux") < 0) {
		warnx("%s: linux: %s", c->name, strerror(errno));
		return -1;
	}
	for (i = 0; i < c->argc; i++)
		if (strstr(c->argv[i], "/nohostfs") && !strncmp(c->argv[i], "hostfs=", 7))
			uses_nohostfs = 1;
	if (uses_nohostfs && make_nohostfs(dfd) < 0)
		return -1;
	return 0;
}

static int supervise(struct uc_conf *c, int stop_timeout)
{
	struct sup s = { .c = c, .dfd = -1, .gfd = -1, .lfd = -1, .sfd = -1,
			 .stop_timeout = stop_timeout };
	int sv[2] = { -1, -1 }, lock = -1, ret = 1, i;
	char cpus[64];
	cpu_set_t set;
	sigset_t mask;

	for (i = 0; i < MAX_CLIENTS; i++)
		s.clients[i].fd = -1;
	for (i = 0; i < UC_MAX_NETS; i++)
		s.nfd[i] = -1;
	s.dfd = open_run_dir(c);
	if (s.dfd < 0 || prepare(c, s.dfd, &lock) < 0)
		goto out;
	s.lfd = listen_console(s.dfd, c);
	if (s.lfd < 0)
		goto out;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		warn("socketpair");
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
		warn("signalfd");
		goto out;
	}
	fflush(NULL);
	if (start_helpers(&s) < 0)
		goto out;
	s.pid = fork();
	if (s.pid < 0) {
		warn("fork");
		goto out;
	}
	if (s.pid == 0)
		run_kernel(c, &s, sv[1]);
	close(sv[1]);
	sv[1] = -1;
	/* The kernel has its ends; the helpers see them close with it. */
	for (i = 0; i < UC_MAX_NETS; i++) {
		if (s.nfd[i] >= 0)
			close(s.nfd[i]);
		s.nfd[i] = -1;
	}
	s.gfd = sv[0];
	sv[0] = -1;
	if (uc_cpu_set(c, &set) == 0) {
		uc_cpu_list(&set, cpus, sizeof(cpus));
		warnx("%s: kernel pid %d, pinned to CPU%s %s", c->name,
		      (int)s.pid, c->ncpus > 1 ? "s" : "", cpus);
	} else
		warnx("%s: kernel pid %d, not pinned", c->name,
		      (int)s.pid);
	relay(&s);
	if (!s.reaped) {
		/* poll failed: never leave the kernel behind. */
		begin_stop(&s);
		waitpid(s.pid, &s.status, 0);
	}
	ret = exit_status(&s);
out:
	end_helpers(&s);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (s.clients[i].fd >= 0)
			close(s.clients[i].fd);
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
		remove_leftovers(s.dfd, c->name);
		close(lock);
	}
	if (s.dfd >= 0)
		close(s.dfd);
	return ret;
}

int uc_start(const char *name, int dry_run, int stop_timeout)
{
	struct uc_conf c;
	int n, ret;

	n = uc_conf_load(&c, name);
	if (n) {
		warnx("%s: %d problem%s in %s; nothing started",
		      name, n, n == 1 ? "" : "s", c.file);
		uc_conf_free(&c);
		return 1;
	}
	if (c.shared_user)
		warnx("%s: runs as %s, like every guest without an account of its own: create uml-%s to keep it apart (umlctl(8), \"users\")",
		      name, c.user, name);
	if (dry_run) {
		if (c.warnings)
			warnx("%s: %d warning%s in %s", name,
			      c.warnings, c.warnings == 1 ? "" : "s", c.file);
		uc_print_cmdline(&c);
		uc_conf_free(&c);
		return 0;
	}
	ret = supervise(&c, stop_timeout);
	uc_conf_free(&c);
	return ret;
}

int uc_check(const char *name)
{
	struct uc_conf c;
	int n;

	n = uc_conf_load(&c, name);
	if (n)
		printf("%s: %d problem%s in %s\n", name, n, n == 1 ? "" : "s", c.file);
	else if (c.warnings)
		printf("%s: %s is good; %d warning%s for uml@.service\n", name, c.file,
		       c.warnings, c.warnings == 1 ? "" : "s");
	else
		printf("%s: %s is good\n", name, c.file);
	uc_conf_free(&c);
	return n ? 1 : 0;
}
