// SPDX-License-Identifier: GPL-2.0-only
/*
 * conf.c - read a guest's NAME.conf (uml.conf(5)), check everything that
 * can be checked before the kernel starts, and build its command line.
 *
 * Every problem is reported, as "FILE:LINE: KEY: message", before the
 * caller decides anything: a configuration with one problem starts
 * nothing.
 *
 * This file is part of user-mode-linux.
 */
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include <libfdt.h>

#include "lib/caps.h"
#include "lib/cow.h"
#include "lib/file.h"
#include "umlctl.h"

#ifndef UMLCTL_USER
#define UMLCTL_USER "uml"
#endif
#ifndef UMLCTL_KERNEL
#define UMLCTL_KERNEL "/usr/bin/linux"
#endif

#define MAX_DTB (16 << 20)
#define MAX_CONS 16

struct ent {
	char *val;
	int line;
};

/* The file as written: one entry per key, ARGS repeatable. */
struct raw {
	struct ent kernel, mem, user, root, hostfs, cpu, cpus, tt, dtb,
		seccomp, modules, tmpdir, con, ssl, machine_id;
	struct ent disk[UC_MAX_DISKS], cow[UC_MAX_DISKS], net[UC_MAX_NETS];
	struct ent conn[MAX_CONS], ssln[MAX_CONS];
	struct ent args[64];
	int nargs;
};

enum { PROBLEM, WARNING };

/*
 * Count and print one finding about KEY, as "FILE:LINE: KEY: " (or
 * "FILE: KEY: " for a value not in the file), "warning: " for a WARNING,
 * the message, and for a PROBLEM with a default value " (the default)".
 * A problem stops the guest from starting; a warning does not.
 */
static void __attribute__((format(printf, 5, 6)))
report(struct uc_conf *c, const struct ent *e, const char *key, int kind,
       const char *fmt, ...)
{
	int in_file = e && e->line;
	va_list ap;

	if (in_file)
		fprintf(stderr, "%s:%d: %s: ", c->file, e->line, key);
	else
		fprintf(stderr, "%s: %s: ", c->file, key);
	if (kind == WARNING)
		fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (kind == PROBLEM && !in_file)
		fputs(" (the default)", stderr);
	fputc('\n', stderr);
	if (kind == WARNING)
		c->warnings++;
	else
		c->errors++;
}

#define problem(c, e, key, ...)	report(c, e, key, PROBLEM, __VA_ARGS__)
#define warning(c, e, key, ...)	report(c, e, key, WARNING, __VA_ARGS__)

/* A byte the kernel's command line parser splits on or treats
 * specially: its isspace() (9-13, 32 and 160 in lib/ctype.c), the double
 * quote next_arg() pairs, and the other control characters. */
static int cmdline_special(unsigned char ch)
{
	return ch <= 0x20 || ch == 0x7f || ch == 0xa0 || ch == '"' || ch == '\'';
}

/* Whether the final argument S goes onto the kernel's command line as
 * one switch; else a problem for KEY of E. */
static int one_switch(struct uc_conf *c, const struct ent *e, const char *key,
		      const char *s)
{
	char shown[256];
	const char *p, *q;
	size_t n = 0;

	for (p = s; *p && !cmdline_special((unsigned char)*p); p++)
		;
	if (!*p)
		return 1;
	/* Shown with its control characters escaped. */
	for (q = s; *q && n + 5 < sizeof(shown); q++) {
		unsigned char ch = *q;

		if (ch < 0x20 || ch >= 0x7f)
			n += snprintf(shown + n, sizeof(shown) - n, "\\x%02x", ch);
		else
			shown[n++] = ch;
	}
	shown[n] = '\0';
	problem(c, e, key, "the kernel would not read '%s' as one switch: it has %s 0x%02x",
		shown, *p == '"' || *p == '\'' ? "the quote" : "the blank or control character",
		(unsigned char)*p);
	return 0;
}

/* Whether the value of the final switch S (after its '=') holds exactly
 * FIELDS fields separated by bytes of SEPS, as the kernel splits it. */
static int fields_ok(struct uc_conf *c, const struct ent *e, const char *key,
		     const char *s, const char *seps, int fields)
{
	const char *v = strchr(s, '=');
	int n = 1;

	for (v = v ? v + 1 : s; *v; v++)
		if (strchr(seps, *v))
			n++;
	if (n == fields)
		return 1;
	problem(c, e, key, "the kernel would split '%s' at '%s' into %d fields, not %d: a path may not contain %s",
		s, seps, n, fields, seps[1] ? "',' or ':'" : "','");
	return 0;
}

/* Compose one kernel argument for KEY (from the line of E) and append it
 * when the kernel will read it as one switch.  Returns it, or NULL after
 * a problem. */
static char * __attribute__((format(printf, 4, 5)))
add_arg(struct uc_conf *c, const struct ent *e, const char *key,
	const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s || c->argc >= UC_MAX_ARGS) {
		fprintf(stderr, "%s: too many kernel arguments\n", c->file);
		free(s);
		c->errors++;
		return NULL;
	}
	/* argv[0] is the file the kernel runs from, not a switch. */
	if (c->argc && !one_switch(c, e, key, s)) {
		free(s);
		return NULL;
	}
	c->argv[c->argc++] = s;
	c->argv[c->argc] = NULL;
	return s;
}

int uc_valid_name(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n > UC_NAME_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-@", name[i]))
			return 0;
	return 1;
}

int uc_guest_path(const char *name, const char *leaf, char *out)
{
	int n;

	if (leaf)
		n = snprintf(out, PATH_MAX, "%s/%s/%s", uc_paths.run_dir, name, leaf);
	else
		n = snprintf(out, PATH_MAX, "%s/%s", uc_paths.run_dir, name);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

int uc_guest_dir(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (uc_guest_path(name, NULL, path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int uc_umid_dir(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int uc_open_at(int dfd, const char *leaf, int flags, mode_t mode)
{
	struct stat st;
	int fd, ret;

	fd = openat(dfd, leaf, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
	} else if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		ret = -EINVAL;
	} else {
		return fd;
	}
	close(fd);
	return ret;
}

void uc_mark_stopping(int dfd)
{
	int fd;

	unlinkat(dfd, "linux", 0);
	fd = uc_open_at(dfd, "stopping", O_WRONLY | O_CREAT, 0644);
	if (fd < 0) {
		/* Something planted under the name: a link, a FIFO... */
		unlinkat(dfd, "stopping", 0);
		fd = uc_open_at(dfd, "stopping", O_WRONLY | O_CREAT | O_EXCL, 0644);
	}
	if (fd >= 0)
		close(fd);
}

/* ------------------------------------------------------------------ */
/* Reading the file                                                    */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* KEY with a decimal suffix below MAX: its index, else -1. */
static int indexed(const char *key, const char *stem, int max)
{
	size_t n = strlen(stem);
	char *end;
	long i;

	if (strncmp(key, stem, n) || !isdigit((unsigned char)key[n]))
		return -1;
	if (key[n] == '0' && key[n + 1])
		return -1;
	i = strtol(key + n, &end, 10);
	if (*end || i >= max)
		return -1;
	return (int)i;
}

static struct ent *slot(struct raw *r, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} plain[] = {
		{ "kernel", offsetof(struct raw, kernel) },
		{ "mem", offsetof(struct raw, mem) },
		{ "user", offsetof(struct raw, user) },
		{ "root", offsetof(struct raw, root) },
		{ "hostfs", offsetof(struct raw, hostfs) },
		{ "cpu", offsetof(struct raw, cpu) },
		{ "cpus", offsetof(struct raw, cpus) },
		{ "time-travel", offsetof(struct raw, tt) },
		{ "dtb", offsetof(struct raw, dtb) },
		{ "seccomp", offsetof(struct raw, seccomp) },
		{ "modules", offsetof(struct raw, modules) },
		{ "tmpdir", offsetof(struct raw, tmpdir) },
		{ "con", offsetof(struct raw, con) },
		{ "ssl", offsetof(struct raw, ssl) },
		{ "machine-id", offsetof(struct raw, machine_id) },
	};
	size_t i;
	int n;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (!strcmp(key, plain[i].key))
			return (struct ent *)((char *)r + plain[i].off);
	if ((n = indexed(key, "disk", UC_MAX_DISKS)) >= 0)
		return &r->disk[n];
	if ((n = indexed(key, "cow", UC_MAX_DISKS)) >= 0)
		return &r->cow[n];
	if ((n = indexed(key, "net", UC_MAX_NETS)) >= 0)
		return &r->net[n];
	if ((n = indexed(key, "con", MAX_CONS)) >= 1)
		return &r->conn[n];
	if ((n = indexed(key, "ssl", MAX_CONS)) >= 0)
		return &r->ssln[n];
	return NULL;
}

static void read_line(struct uc_conf *c, struct raw *r, char *line, int lineno)
{
	struct ent at = { .line = lineno };
	char *eq, *key, *val;
	struct ent *e;

	line = trim(line);
	if (!*line || *line == '#')
		return;
	eq = strchr(line, '=');
	if (!eq) {
		problem(c, &at, strtok(line, " \t"), "not a 'key = value' line");
		return;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!*key) {
		problem(c, &at, "=", "a line without a key");
		return;
	}
	if (!strcmp(key, "args")) {
		if ((size_t)r->nargs >= sizeof(r->args) / sizeof(r->args[0])) {
			problem(c, &at, key, "too many args lines");
			return;
		}
		e = &r->args[r->nargs++];
	} else {
		e = slot(r, key);
		if (!e) {
			problem(c, &at, key, "unknown key");
			return;
		}
		if (e->val) {
			problem(c, &at, key, "given twice (first on line %d)", e->line);
			return;
		}
	}
	if (!*val) {
		problem(c, &at, key, "empty value");
		return;
	}
	e->val = strdup(val);
	e->line = lineno;
	if (!e->val)
		problem(c, &at, key, "out of memory");
}

static int read_file(struct uc_conf *c, struct raw *r)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	FILE *f;

	f = fopen(c->file, "re");
	if (!f) {
		warnx("%s: %s", c->file, strerror(errno));
		c->errors++;
		return -errno;
	}
	while (getline(&line, &cap, f) >= 0)
		read_line(c, r, line, ++lineno);
	free(line);
	fclose(f);
	return 0;
}

static void free_raw(struct raw *r)
{
	struct ent *e = (struct ent *)r;
	size_t i, n = offsetof(struct raw, nargs) / sizeof(struct ent);

	for (i = 0; i < n; i++)
		free(e[i].val);
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */

/* A path without the characters the kernel's option syntax splits on. */
static int plain_path(struct uc_conf *c, const struct ent *e, const char *key,
		      const char *path)
{
	if (path[0] != '/') {
		problem(c, e, key, "'%s' is not an absolute path", path);
		return 0;
	}
	if (strpbrk(path, ", \t\"'")) {
		problem(c, e, key, "'%s': the kernel cannot take a path with commas, blanks or quotes",
			path);
		return 0;
	}
	return 1;
}

/* access(PATH, MODE) as the user the guest runs as: 0 or -errno.  For
 * another user than ours, a child takes that user's identity (groups
 * included) and asks the kernel, so that every directory on the way,
 * ACLs and mount flags count as they will for the guest. */
static int user_access(const struct uc_conf *c, const char *path, int mode)
{
	pid_t pid;
	int st;

	if (!c->as_other)
		return access(path, mode) < 0 ? -errno : 0;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (initgroups(c->user, c->gid) < 0 || setgid(c->gid) < 0 ||
		    setuid(c->uid) < 0)
			_exit(EPERM);
		_exit(access(path, mode) < 0 ? (errno & 0xff) : 0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	if (!WIFEXITED(st))
		return -EPERM;
	return -WEXITSTATUS(st);
}

/* ------------------------------------------------------------------ */
/* What uml@.service's sandbox does to a path                          */

#define UNIT_STATE_DIR "/var/lib/uml"

/* Whether PATH is DIR or below it. */
static int below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* PATH resolved as far as it exists: realpath() of PATH, else of its
 * directory with the last component appended (a COW not made yet). */
static int resolve(const char *path, char *out)
{
	char dir[PATH_MAX];
	const char *slash;
	int n;

	if (realpath(path, out))
		return 0;
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return -1;
	n = snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (n < 0 || n >= (int)sizeof(dir) || !realpath(dir, out))
		return -1;
	if (strlen(out) + strlen(slash) >= PATH_MAX)
		return -1;
	strcat(out, slash);
	return 0;
}

/*
 * uml@.service runs the guest with ProtectHome=yes (/home, /root and
 * /run/user are empty and inaccessible), PrivateTmp=yes (/tmp and
 * /var/tmp are the unit's own, empty at start) and ProtectSystem=strict
 * (everything read-only but /dev, /proc, /sys, the unit's private /tmp,
 * its RuntimeDirectory and its StateDirectory /var/lib/uml/NAME, which
 * DynamicUser= keeps under /var/lib/private).  A configured path there
 * fails under the unit although it passes here: say so.  WRITES: the
 * guest writes the file (or creates it in its directory).
 */
static void sandbox_check(struct uc_conf *c, const struct ent *e,
			  const char *key, const char *path, int writes)
{
	static const char *const hidden[][2] = {
		{ "/home", "ProtectHome=yes" },
		{ "/root", "ProtectHome=yes" },
		{ "/run/user", "ProtectHome=yes" },
		{ "/tmp", "PrivateTmp=yes" },
		{ "/var/tmp", "PrivateTmp=yes" },
	};
	char real[PATH_MAX], state[PATH_MAX], priv[PATH_MAX], *slash;
	size_t i;
	int made;

	if (!uc_paths.sandbox || !path || resolve(path, real))
		return;
	made = access(real, F_OK) < 0;
	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		if (below(real, hidden[i][0])) {
			warning(c, e, key, "%s is under %s, which uml@.service hides from the guest (%s): move it to %s/%s/",
				real, hidden[i][0], hidden[i][1], UNIT_STATE_DIR, c->name);
			return;
		}
	}
	if (!writes)
		return;
	snprintf(state, sizeof(state), "%s/%s", UNIT_STATE_DIR, c->name);
	snprintf(priv, sizeof(priv), "/var/lib/private/uml/%s", c->name);
	if (below(real, state) || below(real, priv) || below(real, "/dev") ||
	    below(real, "/run/uml"))
		return;
	/* A file the kernel will create needs its directory writable. */
	slash = strrchr(real, '/');
	warning(c, e, key, "the guest writes %s, which uml@.service makes read-only (ProtectSystem=strict): move it to %s/ or give it ReadWritePaths=%.*s in a drop-in",
		real, state, made && slash > real ? (int)(slash - real) : (int)strlen(real),
		real);
}

static int check_access(struct uc_conf *c, const struct ent *e,
			const char *key, const char *path, int mode)
{
	struct stat st;
	int ret;

	if (stat(path, &st) < 0) {
		problem(c, e, key, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		problem(c, e, key, "%s: not a regular file or block device", path);
		return 0;
	}
	sandbox_check(c, e, key, path, mode & W_OK);
	ret = user_access(c, path, mode);
	if (ret) {
		problem(c, e, key, "%s: %s cannot open it for %s: %s%s", path,
			c->user ? c->user : "this user",
			mode & W_OK ? "reading and writing" : "reading",
			strerror(-ret), c->user ? " (see umlctl(8), \"users\")" : "");
		return 0;
	}
	/* What the guest writes is its own: a disk another account owns is
	 * another guest's to write as well. */
	if ((mode & W_OK) && c->as_other && st.st_uid != c->uid) {
		struct passwd *pw = getpwuid(st.st_uid);

		problem(c, e, key, "%s belongs to %s, not to %s, who writes it: chown %s: %s",
			path, pw ? pw->pw_name : "another user", c->user, c->user, path);
		return 0;
	}
	return 1;
}

/* An existing COW must be over DISK, as the kernel checks it: the same
 * file, size and mtime as recorded in its header. */
static void check_cow(struct uc_conf *c, const struct ent *e, const char *key,
		      const char *cow, const char *disk)
{
	struct cow_header h;
	const char *why = NULL;
	uint64_t size;
	int64_t mtime;
	int fd, ret;

	fd = open(cow, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		problem(c, e, key, "%s: %s", cow, strerror(errno));
		return;
	}
	ret = cow_read(fd, &h, &why);
	close(fd);
	if (ret) {
		problem(c, e, key, "%s: not a COW file: %s", cow, why ? why : strerror(-ret));
		return;
	}
	if (!same_file(h.backing, disk)) {
		problem(c, e, key, "%s: its backing file is %s, not %s", cow,
			h.backing, disk);
		return;
	}
	ret = cow_backing_stat(disk, &size, &mtime);
	if (ret) {
		problem(c, e, key, "%s: %s", disk, strerror(-ret));
		return;
	}
	if (size != h.size)
		problem(c, e, key, "%s: backing file %s is %llu bytes, the COW header records %llu",
			cow, disk, (unsigned long long)size, (unsigned long long)h.size);
	else if ((uint32_t)mtime != h.mtime)
		problem(c, e, key, "%s: backing file %s was modified since the COW was made (mtime %lld, header %u)",
			cow, disk, (long long)mtime, h.mtime);
}

static void do_disks(struct uc_conf *c, struct raw *r)
{
	char key[16], ckey[16];
	int i;

	for (i = 0; i < UC_MAX_DISKS; i++) {
		struct ent *d = &r->disk[i], *w = &r->cow[i];
		char *path, *flag, *a;
		int ro = 0;

		snprintf(key, sizeof(key), "disk%d", i);
		snprintf(ckey, sizeof(ckey), "cow%d", i);
		if (!d->val) {
			if (w->val)
				problem(c, w, ckey, "there is no disk%d for it to cover", i);
			continue;
		}
		path = strtok(d->val, " \t");
		flag = strtok(NULL, " \t");
		if (flag && !strcmp(flag, "ro") && !strtok(NULL, " \t")) {
			ro = 1;
		} else if (flag) {
			problem(c, d, key, "expected 'PATH' or 'PATH ro', not '%s'", d->val);
			continue;
		}
		if (!plain_path(c, d, key, path))
			continue;
		if (w->val) {
			/* The backing file is only read; the COW is written. */
			if (ro)
				problem(c, d, key, "a disk under a COW layer is read-only already; drop 'ro'");
			if (!check_access(c, d, key, path, R_OK) ||
			    !plain_path(c, w, ckey, w->val))
				continue;
			if (access(w->val, F_OK) == 0) {
				if (check_access(c, w, ckey, w->val, R_OK | W_OK))
					check_cow(c, w, ckey, w->val, path);
			} else {
				char *dir = strdup(w->val), *slash;

				if (dir && (slash = strrchr(dir, '/')))
					*(slash == dir ? slash + 1 : slash) = '\0';
				if (!dir || user_access(c, dir, W_OK | X_OK))
					problem(c, w, ckey, "%s does not exist and its directory is not writable",
						w->val);
				else
					sandbox_check(c, w, ckey, w->val, 1);
				free(dir);
			}
			a = add_arg(c, w, ckey, "ubd%d=%s,%s", i, w->val, path);
			if (a)
				fields_ok(c, w, ckey, a, ",:", 2);
		} else {
			check_access(c, d, key, path, ro ? R_OK : R_OK | W_OK);
			a = add_arg(c, d, key, "ubd%d%s=%s", i, ro ? "r" : "", path);
			if (a)
				fields_ok(c, d, key, a, ",:", 1);
		}
	}
	if (r->root.val)
		add_arg(c, &r->root, "root", "root=%s", r->root.val);
	else if (r->disk[0].val)
		add_arg(c, &r->root, "root", "root=/dev/ubda");
}

static void need_cap(struct uc_conf *c, const struct ent *e, const char *key,
		     cap_value_t cap, const char *transport)
{
	char *cname;

	if (cap == CAP_NET_ADMIN)
		c->need_net_admin = 1;
	else
		c->need_net_raw = 1;
	if (cap_effective_has(cap) > 0)
		return;
	cname = cap_to_name(cap);
	problem(c, e, key, "the %s transport needs %s, which umlctl does not have",
		transport, cname ? cname : "a capability");
	cap_free(cname);
}

/* Whether the kernel binary contains the byte string S. */
static int kernel_has(const char *kernel, const char *s)
{
	struct stat st;
	void *map;
	int fd, found = 0;

	fd = open(kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			found = memmem(map, st.st_size, s, strlen(s)) != NULL;
			munmap(map, st.st_size);
		}
	}
	close(fd);
	return found;
}

static const char *const vector_transports[] = {
	"tap", "hybrid", "raw", "gre", "l2tpv3", "bess", "fd", NULL
};

/* The legacy daemon transport: "daemon,SOCKET" (uml_switch's control
 * socket) becomes ethN=daemon,,unix,SOCKET. */
static void do_daemon(struct uc_conf *c, const struct ent *e, const char *key,
		      int n, const char *opts)
{
	char mac[18];
	struct stat st;

	if (!kernel_has(c->kernel, "uml_switch version")) {
		problem(c, e, key, "%s has no daemon transport (removed in Linux 6.16); use a vector transport",
			c->kernel);
		return;
	}
	if (!opts || !*opts || strchr(opts, ',')) {
		problem(c, e, key, "expected 'daemon,SOCKET' with uml_switch's control socket");
		return;
	}
	if (!plain_path(c, e, key, opts))
		return;
	if (stat(opts, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		problem(c, e, key, "%s is not a socket (is uml_switch running?)", opts);
		return;
	}
	sandbox_check(c, e, key, opts, 0);
	uc_mac(c->name, n, mac);
	add_arg(c, e, key, "eth%d=daemon,%s,unix,%s", n, mac, opts);
}

/* Whether IFNAME is a persistent tun/tap device owned by UID: the kernel
 * attaches to such a tap without any capability. */
static int tap_owned_by(const char *ifname, uid_t uid)
{
	char path[PATH_MAX], buf[32];
	FILE *f;
	int ok = 0;

	if (!ifname || strchr(ifname, '/') ||
	    snprintf(path, sizeof(path), "/sys/class/net/%s/owner", ifname) >= (int)sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		ok = strtol(buf, NULL, 10) == (long)uid;
	fclose(f);
	return ok;
}

/* tap and hybrid open /dev/net/tun as the guest's user; a capability
 * does not open a file its mode refuses (Debian makes it 0666, some
 * systems 0600 or 0660 for a group). */
static void check_tun(struct uc_conf *c, const struct ent *e, const char *key,
		      const char *transport)
{
	struct stat st;
	int ret;

	if (stat("/dev/net/tun", &st) < 0) {
		problem(c, e, key, "the %s transport needs /dev/net/tun: %s (modprobe tun)",
			transport, strerror(errno));
		return;
	}
	ret = user_access(c, "/dev/net/tun", R_OK | W_OK);
	if (ret)
		problem(c, e, key, "the %s transport needs /dev/net/tun, which %s cannot open (mode %04o): %s; make it 0666 or give the user its group",
			transport, c->user ? c->user : "this user",
			(unsigned)(st.st_mode & 07777), strerror(-ret));
}

/* Six hex bytes separated by ':', unicast (the kernel refuses a
 * multicast one and picks a random address instead). */
static int valid_mac(const char *s)
{
	unsigned int b[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1],
				      &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		return 0;
	return strspn(s, "0123456789abcdefABCDEF:") == 17 && !(b[0] & 1) &&
	       (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]);
}

/* The kernel reads udp= and v6= with strtol() > 0, so "udp=yes" means 0
 * (raw IP): only digits are taken here. */
static int numeric_flag(struct uc_conf *c, const struct ent *e, const char *key,
			const char *o, int *flag)
{
	const char *v = strchr(o, '=') + 1;

	if (v[strspn(v, "0123456789")]) {
		problem(c, e, key, "option '%s' takes a number (the kernel reads anything else as 0)", o);
		return 0;
	}
	*flag = strtol(v, NULL, 10) > 0;
	return 1;
}

static void do_vector(struct uc_conf *c, const struct ent *e, const char *key,
		      int n, const char *transport, char *opts)
{
	char *copy = opts ? strdup(opts) : NULL, *o, *save = NULL, mac[18];
	const char *ifname = NULL;
	int udp = 0, v6 = 0, has_mac = 0;

	for (o = copy ? strtok_r(copy, ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		const char *p;

		if (!eq || eq == o || !eq[1]) {
			problem(c, e, key, "option '%s' is not NAME=VALUE", o);
			goto out;
		}
		for (p = o; *p; p++)
			if (isspace((unsigned char)*p) || *p == '"' || *p == '\'') {
				problem(c, e, key, "option '%s' has a blank or a quote", o);
				goto out;
			}
		if (!strncmp(o, "udp=", 4) && !numeric_flag(c, e, key, o, &udp))
			goto out;
		if (!strncmp(o, "v6=", 3) && !numeric_flag(c, e, key, o, &v6))
			goto out;
		if (!strncmp(o, "ifname=", 7))
			ifname = o + 7;
		if (!strncmp(o, "mac=", 4)) {
			if (!valid_mac(o + 4)) {
				problem(c, e, key, "'%s' is not a unicast MAC address (six hex bytes, ':' between them)",
					o + 4);
				goto out;
			}
			has_mac = 1;
		}
	}
	if (!strcmp(transport, "tap") || !strcmp(transport, "hybrid")) {
		if (!tap_owned_by(ifname, c->uid))
			need_cap(c, e, key, CAP_NET_ADMIN, transport);
		check_tun(c, e, key, transport);
	}
	if (!strcmp(transport, "raw") || !strcmp(transport, "hybrid") ||
	    !strcmp(transport, "gre") || (!strcmp(transport, "l2tpv3") && !udp))
		need_cap(c, e, key, CAP_NET_RAW, transport);
	/* A MAC of its own, the same at every boot (see ident.c). */
	if (!has_mac)
		uc_mac(c->name, n, mac);
	add_arg(c, e, key, "vec%d:transport=%s%s%s%s%s", n, transport,
		opts && *opts ? "," : "", opts ? opts : "",
		has_mac ? "" : ",mac=", has_mac ? "" : mac);
out:
	free(copy);
}

#ifndef UMLCTL_SLIRP_HELPER
#define UMLCTL_SLIRP_HELPER "/usr/bin/libslirp-helper"
#endif

/*
 * "user": rootless networking.  umlctl starts libslirp-helper (as the
 * guest's user, without capabilities) on one end of a datagram socket
 * pair and gives the kernel the other as vecN:transport=fd,fd=UC_NET_FD+N:
 * the guest gets 10.0.2.15 by DHCP, reaches the outside through the
 * helper's sockets, the host at 10.0.2.2 only with host-loopback=yes.
 */
static void do_user_net(struct uc_conf *c, const struct ent *e, const char *key,
			int n, const char *opts)
{
	char mac[18];

	if (opts && *opts && strcmp(opts, "host-loopback=yes") && strcmp(opts, "host-loopback=no")) {
		problem(c, e, key, "'%s': the user network takes only host-loopback=yes or host-loopback=no",
			opts);
		return;
	}
	if (access(UMLCTL_SLIRP_HELPER, X_OK) < 0) {
		problem(c, e, key, "the user network needs %s: %s (apt-get install libslirp-helper)",
			UMLCTL_SLIRP_HELPER, strerror(errno));
		return;
	}
	c->user_net[n] = opts && !strcmp(opts, "host-loopback=yes") ? 2 : 1;
	c->slirp_helper = UMLCTL_SLIRP_HELPER;
	uc_mac(c->name, n, mac);
	add_arg(c, e, key, "vec%d:transport=fd,fd=%d,mac=%s", n, UC_NET_FD + n, mac);
}

static void do_nets(struct uc_conf *c, struct raw *r)
{
	char key[16];
	int i, j;

	for (i = 0; i < UC_MAX_NETS; i++) {
		struct ent *e = &r->net[i];
		char *transport, *opts;

		if (!e->val)
			continue;
		snprintf(key, sizeof(key), "net%d", i);
		transport = e->val;
		opts = strchr(transport, ',');
		if (opts)
			*opts++ = '\0';
		if (!strcmp(transport, "daemon")) {
			do_daemon(c, e, key, i, opts);
			continue;
		}
		if (!strcmp(transport, "user")) {
			do_user_net(c, e, key, i, opts);
			continue;
		}
		for (j = 0; vector_transports[j]; j++)
			if (!strcmp(transport, vector_transports[j]))
				break;
		if (!vector_transports[j]) {
			problem(c, e, key, "unknown transport '%s' (user, tap, hybrid, raw, gre, l2tpv3, bess, fd, or the legacy daemon)",
				transport);
			continue;
		}
		do_vector(c, e, key, i, transport, opts);
	}
}

/* A console channel: TYPE[:ARG] or IN,OUT of those. */
static int valid_chan(const char *spec)
{
	static const char *const types[] = {
		"null", "port", "pts", "pty", "tty", "xterm", "fd", NULL
	};
	char *copy = strdup(spec), *part, *save = NULL;
	int i, ok = copy != NULL, parts = 0;

	for (part = ok ? strtok_r(copy, ",", &save) : NULL; part && ok;
	     part = strtok_r(NULL, ",", &save)) {
		size_t len = strcspn(part, ":");

		parts++;
		ok = 0;
		for (i = 0; types[i]; i++)
			if (strlen(types[i]) == len && !strncmp(part, types[i], len))
				ok = 1;
		if (strpbrk(part, " \t\"'"))
			ok = 0;
	}
	free(copy);
	return ok && parts >= 1 && parts <= 2 && spec[strlen(spec) - 1] != ',';
}

/* A port: channel listens on every host interface (the kernel's
 * port_user.c binds INADDR_ANY): anyone who reaches the host reaches the
 * guest's console.  umlctl refuses it; `umlctl console` and pts channels
 * stay on the host. */
static int has_port(const char *spec)
{
	const char *p = spec;

	while (p) {
		if (!strncmp(p, "port", 4) && (p[4] == ':' || p[4] == ',' || !p[4]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static void check_chan(struct uc_conf *c, const struct ent *e, const char *key)
{
	if (!valid_chan(e->val))
		problem(c, e, key, "'%s' is not a console channel (null, pts, pty:DEV, tty:DEV, xterm, fd:N)",
			e->val);
	else if (has_port(e->val))
		problem(c, e, key, "'%s': a port channel listens on every host interface; use pts or umlctl console",
			e->val);
}

/* NAME= (all the lines of that kind, default null), then NAME<i>= for
 * each numbered one from FIRST. */
static void do_chan_kind(struct uc_conf *c, const char *name, struct ent *all,
			 struct ent *each, int first)
{
	char key[16];
	int i;

	if (all->val)
		check_chan(c, all, name);
	add_arg(c, all, name, "%s=%s", name, all->val ? all->val : "null");
	for (i = first; i < MAX_CONS; i++) {
		if (!each[i].val)
			continue;
		snprintf(key, sizeof(key), "%s%d", name, i);
		check_chan(c, &each[i], key);
		add_arg(c, &each[i], key, "%s=%s", key, each[i].val);
	}
}

static void do_consoles(struct uc_conf *c, struct raw *r)
{
	/* con0 is umlctl's: the journal and `umlctl console`. */
	add_arg(c, NULL, "con0", "con0=fd:3");
	do_chan_kind(c, "con", &r->con, r->conn, 1);
	do_chan_kind(c, "ssl", &r->ssl, r->ssln, 0);
}

#ifndef UMLCTL_EMPTY_DIR
#define UMLCTL_EMPTY_DIR "/usr/share/uml/empty"
#endif

/* Whether the package's empty directory is there and nobody but root can
 * put anything in it: a directory owned by root, writable by root alone,
 * with no entries. */
static int shipped_empty_ok(void)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	int fd, ok = 1;

	fd = open(UMLCTL_EMPTY_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 0022)) {
		close(fd);
		return 0;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			ok = 0;
	closedir(dir);
	return ok;
}

/* hostfs= is always given: the share, or an empty directory, so that a
 * guest never mounts the host's root.  The empty one is the package's
 * (root's, read-only: the guest's user cannot chmod it back), else one in
 * the run directory, root's when umlctl runs as root. */
static void do_hostfs(struct uc_conf *c, struct raw *r)
{
	char real[PATH_MAX], empty[PATH_MAX], *a;
	struct ent *e = &r->hostfs;
	struct stat st;

	if (!e->val) {
		if (shipped_empty_ok())
			add_arg(c, e, "hostfs", "hostfs=%s", UMLCTL_EMPTY_DIR);
		else if (uc_guest_path(c->name, "nohostfs", empty))
			problem(c, NULL, "hostfs", "run directory path too long");
		else
			add_arg(c, e, "hostfs", "hostfs=%s", empty);
		return;
	}
	if (!plain_path(c, e, "hostfs", e->val))
		return;
	if (!realpath(e->val, real)) {
		problem(c, e, "hostfs", "%s: %s", e->val, strerror(errno));
		return;
	}
	if (!strcmp(real, "/")) {
		problem(c, e, "hostfs", "%s is the host's root directory; share a directory of its own",
			e->val);
		return;
	}
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		problem(c, e, "hostfs", "%s is not a directory", e->val);
		return;
	}
	if (user_access(c, real, R_OK | X_OK)) {
		problem(c, e, "hostfs", "%s: %s cannot read it", e->val,
			c->user ? c->user : "this user");
		return;
	}
	sandbox_check(c, e, "hostfs", real, 0);
	a = add_arg(c, e, "hostfs", "hostfs=%s", real);
	if (a)
		fields_ok(c, e, "hostfs", a, ",", 1);
}

static void do_dtb(struct uc_conf *c, const struct ent *e)
{
	void *buf = NULL;
	struct stat st;
	ssize_t n;
	int fd, ret;

	if (!plain_path(c, e, "dtb", e->val))
		return;
	fd = open(e->val, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		problem(c, e, "dtb", "%s: %s", e->val, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_DTB) {
		problem(c, e, "dtb", "%s: not a regular file of at most %d bytes",
			e->val, MAX_DTB);
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	n = buf ? read(fd, buf, st.st_size) : -1;
	if (n != st.st_size) {
		problem(c, e, "dtb", "%s: cannot read it", e->val);
		goto out;
	}
	ret = n < (ssize_t)sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED :
	      fdt_check_full(buf, n);
	if (ret) {
		problem(c, e, "dtb", "%s: not a valid device tree blob: %s",
			e->val, fdt_strerror(ret));
		goto out;
	}
	sandbox_check(c, e, "dtb", e->val, 0);
	add_arg(c, e, "dtb", "dtb=%s", e->val);
out:
	free(buf);
	close(fd);
}

static void do_mem(struct uc_conf *c, const struct ent *e)
{
	const char *v = e->val ? e->val : "256M";
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)*v) || errno || n == 0 ||
	    (*end && (!strchr("KMG", *end) || end[1]))) {
		problem(c, e, "mem", "'%s' is not a size (a number, then K, M or G)", v);
		return;
	}
	add_arg(c, e, "mem", "mem=%s", v);
}

static void do_time_travel(struct uc_conf *c, const struct ent *e)
{
	if (!e->val || !strcmp(e->val, "no"))
		return;
	if (!strcmp(e->val, "basic"))
		add_arg(c, e, "time-travel", "time-travel");
	else if (!strcmp(e->val, "inf-cpu"))
		add_arg(c, e, "time-travel", "time-travel=inf-cpu");
	else if (!strncmp(e->val, "ext:", 4) && e->val[4] && !strpbrk(e->val, " \t"))
		add_arg(c, e, "time-travel", "time-travel=%s", e->val);
	else
		problem(c, e, "time-travel", "'%s' is not no, basic, inf-cpu or ext:ID:SOCKET",
			e->val);
	if (!kernel_has(c->kernel, "time-travel"))
		problem(c, e, "time-travel", "%s has no time-travel support", c->kernel);
}

static int yes_no(struct uc_conf *c, const struct ent *e, const char *key)
{
	if (!e->val || !strcmp(e->val, "no"))
		return 0;
	if (!strcmp(e->val, "yes"))
		return 1;
	problem(c, e, key, "'%s' is not yes or no", e->val);
	return 0;
}

/*
 * A module runs inside the kernel's host process and can make any host
 * system call: with modules loadable, hostfs= confinement (a share, or
 * the empty nohostfs directory every guest gets) binds nobody.  So a
 * service guest loads none unless its config says `modules = yes`: the
 * kernel checks module signatures and this package signs none.
 */
static void do_modules(struct uc_conf *c, const struct ent *e)
{
	if (e->val && yes_no(c, e, "modules"))
		return;
	if (!kernel_has(c->kernel, "module.sig_enforce")) {
		problem(c, e->val ? e : NULL, "modules",
			"%s cannot refuse modules (built without CONFIG_MODULE_SIG); set modules = yes to run it with modules loadable",
			c->kernel);
		return;
	}
	add_arg(c, e->val ? e : NULL, "modules", "module.sig_enforce=1");
}

/* systemd.machine_id=: the guest's own (ident.c) unless the file gives
 * one, or none at all with "none". */
static void do_machine_id(struct uc_conf *c, const struct ent *e)
{
	char id[33];
	const char *v = e->val;

	if (v && !strcmp(v, "none"))
		return;
	if (!v || !strcmp(v, "auto")) {
		uc_machine_id(c->name, id);
		v = id;
	} else if (strlen(v) != 32 || strspn(v, "0123456789abcdef") != 32 ||
		   strspn(v, "0") == 32) {
		problem(c, e, "machine-id", "'%s' is not auto, none or 32 lowercase hex digits (not all 0)",
			v);
		return;
	}
	add_arg(c, e, "machine-id", "systemd.machine_id=%s", v);
}

/* Keys umlctl sets itself may not come in through args. */
static void do_args(struct uc_conf *c, struct raw *r)
{
	static const char *const own[] = {
		"umid", "uml_dir", "mem", "con0", "con", "ssl", "hostfs", "dtb",
		"seccomp", "root", "time-travel", "module.sig_enforce",
		"systemd.machine_id", "ncpus", NULL
	};
	int i, j;

	for (i = 0; i < r->nargs; i++) {
		char *w, *save = NULL;

		for (w = strtok_r(r->args[i].val, " \t", &save); w;
		     w = strtok_r(NULL, " \t", &save)) {
			size_t klen = strcspn(w, "=");
			int bad = 0;

			for (j = 0; own[j]; j++)
				if (strlen(own[j]) == klen && !strncmp(w, own[j], klen))
					bad = 1;
			if (!strncmp(w, "ubd", 3) || !strncmp(w, "vec", 3) ||
			    !strncmp(w, "eth", 3) || (!strncmp(w, "ssl", 3) && isdigit((unsigned char)w[3])) ||
			    (!strncmp(w, "con", 3) && isdigit((unsigned char)w[3])))
				bad = 1;
			if (bad) {
				problem(c, &r->args[i], "args", "'%.*s' is set by its own key, not through args",
					(int)klen, w);
				continue;
			}
			if (strpbrk(w, "\"'")) {
				problem(c, &r->args[i], "args", "'%s' has a quote", w);
				continue;
			}
			add_arg(c, &r->args[i], "args", "%s", w);
		}
	}
}

static void do_kernel(struct uc_conf *c, struct raw *r)
{
	const struct ent *e = &r->kernel;
	const char *k = e->val ? e->val : UMLCTL_KERNEL;
	struct stat st;

	c->kernel = strdup(k);
	if (!c->kernel)
		c->errors++;
	if (k[0] != '/')
		problem(c, e, "kernel", "'%s' is not an absolute path", k);
	else if (stat(k, &st) < 0)
		problem(c, e, "kernel", "%s: %s", k, strerror(errno));
	else if (!S_ISREG(st.st_mode) || user_access(c, k, X_OK))
		problem(c, e, "kernel", "%s is not an executable file", k);
	else
		sandbox_check(c, e, "kernel", k, 0);
}

/* The user a guest runs as.  umlctl not run by root runs it as itself.
 * Run by root: the user named by `user =` (root itself only when named),
 * else uml-NAME, the guest's own account, when it exists, else the
 * package's account (shared by every guest that has no account of its
 * own: start says so). */
static void do_user(struct uc_conf *c, const struct ent *e)
{
	char own[UC_NAME_MAX + 8];
	const char *want = e->val;
	struct passwd *pw;

	c->uid = geteuid();
	c->gid = getegid();
	if (!want && geteuid() != 0)
		return;
	if (!want) {
		snprintf(own, sizeof(own), "uml-%s", c->name);
		want = getpwnam(own) ? own : UMLCTL_USER;
		c->shared_user = want != own;
	}
	pw = getpwnam(want);
	if (!pw) {
		if (e->val)
			problem(c, e, "user", "no such user '%s'", want);
		else
			problem(c, e, "user", "no such user 'uml-%s' nor '%s': create one (adduser --system --group uml-%s) or set user =",
				c->name, want, c->name);
		return;
	}
	if (pw->pw_uid == 0 && !e->val) {
		problem(c, e, "user", "the account '%s' is root; a guest runs as root only with user = root",
			want);
		return;
	}
	if (pw->pw_uid == geteuid())
		return;
	if (geteuid() != 0) {
		problem(c, e, "user", "umlctl runs as uid %u and cannot become '%s'; run it as root or as %s",
			(unsigned)geteuid(), want, want);
		return;
	}
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	c->user = strdup(want);
	c->as_other = 1;
	if (!c->user)
		c->errors++;
}

/* FNV-1a over NAME: the same guest always lands on the same CPU, and
 * many guests spread over the CPUs this process may use. */
int uc_pick_cpu(const char *name)
{
	uint32_t h = 2166136261U;
	cpu_set_t set;
	int i, n, k;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -1;
	n = CPU_COUNT(&set);
	if (n <= 0)
		return -1;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619U;
	k = (int)(h % (uint32_t)n);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set) && k-- == 0)
			return i;
	return -1;
}

/*
 * cpus = N: N virtual CPUs (ncpus=N).  UML runs SMP guests only in
 * seccomp mode, on kernels built with CONFIG_SMP (Linux 6.19 on), and
 * time-travel needs a uniprocessor guest.
 */
static void do_cpus(struct uc_conf *c, const struct raw *r, int seccomp)
{
	const struct ent *e = &r->cpus;
	char *end;
	long n;

	c->ncpus = 1;
	if (!e->val)
		return;
	errno = 0;
	n = strtol(e->val, &end, 10);
	if (!isdigit((unsigned char)*e->val) || *end || errno || n < 1 ||
	    n > UC_MAX_CPUS) {
		problem(c, e, "cpus", "'%s' is not a number of CPUs from 1 to %d",
			e->val, UC_MAX_CPUS);
		return;
	}
	c->ncpus = (int)n;
	if (n == 1)
		return;
	if (!seccomp)
		problem(c, e, "cpus", "%ld CPUs need seccomp = yes (UML runs SMP guests only in seccomp mode)",
			n);
	if (!kernel_has(c->kernel, "ncpus="))
		problem(c, e, "cpus", "%s has no SMP support (ncpus=, Linux 6.19 and later built with CONFIG_SMP)",
			c->kernel);
	if (r->tt.val && strcmp(r->tt.val, "no"))
		problem(c, &r->tt, "time-travel", "time-travel needs one CPU (cpus = 1), not %ld",
			n);
	add_arg(c, e, "cpus", "ncpus=%ld", n);
}

/* cpu = auto|none|N: the first of the guest's c->ncpus host CPUs. */
static void do_cpu(struct uc_conf *c, const struct ent *e)
{
	cpu_set_t set;
	char *end;
	long n;

	c->cpu = -1;
	if (e->val && !strcmp(e->val, "none"))
		return;
	if (sched_getaffinity(0, sizeof(set), &set) < 0) {
		problem(c, e, "cpu", "cannot read this process's CPU affinity: %s",
			strerror(errno));
		return;
	}
	if (c->ncpus > CPU_COUNT(&set)) {
		problem(c, e, "cpu", "%d CPUs cannot be pinned to the %d host CPUs this process may run on (cpu = none does not pin)",
			c->ncpus, CPU_COUNT(&set));
		return;
	}
	if (!e->val || !strcmp(e->val, "auto")) {
		c->cpu = uc_pick_cpu(c->name);
		return;
	}
	errno = 0;
	n = strtol(e->val, &end, 10);
	if (!isdigit((unsigned char)*e->val) || *end || errno || n >= CPU_SETSIZE) {
		problem(c, e, "cpu", "'%s' is not auto, none or a CPU number", e->val);
		return;
	}
	if (!CPU_ISSET(n, &set)) {
		problem(c, e, "cpu", "CPU %ld is not one this process may run on", n);
		return;
	}
	c->cpu = (int)n;
}

int uc_cpu_set(const struct uc_conf *c, cpu_set_t *set)
{
	cpu_set_t allowed;
	int i, k, got = 0;

	CPU_ZERO(set);
	if (c->cpu < 0 || sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return -1;
	for (k = 0; k < CPU_SETSIZE && got < c->ncpus; k++) {
		i = (c->cpu + k) % CPU_SETSIZE;
		if (CPU_ISSET(i, &allowed)) {
			CPU_SET(i, set);
			got++;
		}
	}
	return got == c->ncpus ? 0 : -1;
}

void uc_cpu_list(const cpu_set_t *set, char *buf, size_t len)
{
	size_t used = 0;
	int i, j, n;

	buf[0] = '\0';
	for (i = 0; i < CPU_SETSIZE; i = j) {
		if (!CPU_ISSET(i, set)) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < CPU_SETSIZE && CPU_ISSET(j, set); j++)
			;
		if (j - 1 > i)
			n = snprintf(buf + used, len - used, "%s%d-%d", used ? "," : "", i, j - 1);
		else
			n = snprintf(buf + used, len - used, "%s%d", used ? "," : "", i);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';
			return;
		}
		used += (size_t)n;
	}
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U	/* Linux 6.3; older hosts refuse it */
#endif

/* Whether DIR is on a file system mounted noexec. */
static int noexec_dir(const char *dir)
{
	struct statvfs vfs;

	return statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC);
}

/* TMPDIR (where UML keeps guest memory, mapped executable): /dev/shm
 * when it is a tmpfs this user can write, else /tmp, each only when not
 * mounted noexec; none leaves it to the kernel. */
static void do_tmpdir(struct uc_conf *c, const struct ent *e)
{
	static const char *const dirs[] = { "/dev/shm", "/tmp" };
	struct statfs sfs;
	struct stat st;
	size_t i;

	if (!e->val || !strcmp(e->val, "auto")) {
		for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			if (i == 0 && (statfs(dirs[i], &sfs) < 0 || sfs.f_type != TMPFS_MAGIC))
				continue;
			if (user_access(c, dirs[i], W_OK | X_OK) == 0 && !noexec_dir(dirs[i])) {
				c->tmpdir = strdup(dirs[i]);
				return;
			}
		}
		problem(c, e, "tmpdir", "neither /dev/shm nor /tmp is a directory this user can write on a file system not mounted noexec; set tmpdir = DIR");
		return;
	}
	if (!strcmp(e->val, "none"))
		return;
	if (!plain_path(c, e, "tmpdir", e->val))
		return;
	if (stat(e->val, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    user_access(c, e->val, W_OK | X_OK)) {
		problem(c, e, "tmpdir", "%s is not a directory this user can write", e->val);
		return;
	}
	/* The unit's own /tmp is empty but writable: enough for the
	 * memory file. */
	if (!below(e->val, "/tmp") && !below(e->val, "/var/tmp"))
		sandbox_check(c, e, "tmpdir", e->val, 1);
	c->tmpdir = strdup(e->val);
}

/* The directory the kernel will use: TMPDIR as set above, else its
 * choose_tempdir() (arch/um/os-Linux/mem.c). */
static const char *kernel_tempdir(const struct uc_conf *c)
{
	static const char *const vars[] = { "TMPDIR", "TMP", "TEMP" };
	struct statfs sfs;
	const char *v;
	size_t i;

	if (c->tmpdir)
		return c->tmpdir;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	if (statfs("/dev/shm", &sfs) == 0 && sfs.f_type == TMPFS_MAGIC)
		return "/dev/shm";
	return "/tmp";
}

/* The mount point DIR is on, in OUT (PATH_MAX bytes): the topmost
 * directory above it on the same device. */
static void mount_point(const char *dir, char *out)
{
	char path[PATH_MAX], *slash;
	struct stat st, up;

	snprintf(out, PATH_MAX, "%s", dir);
	if (!realpath(dir, path) || stat(path, &st) < 0)
		return;
	snprintf(out, PATH_MAX, "%s", path);
	while (strcmp(path, "/") && (slash = strrchr(path, '/'))) {
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(path, &up) < 0 || up.st_dev != st.st_dev)
			return;
		snprintf(out, PATH_MAX, "%s", path);
	}
}

/* vm.memfd_noexec of this pid namespace (Linux 6.3 on), or -1. */
static int memfd_noexec(void)
{
	char buf[16];
	int fd, v = -1;
	ssize_t n;

	fd = open("/proc/sys/vm/memfd_noexec", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		v = atoi(buf);
	}
	close(fd);
	return v;
}

/*
 * Every kernel maps guest memory executable from a file in its tempdir
 * and stops at boot when that is on a noexec mount ("must be not mounted
 * noexec").  Kernels after 6.12 also start each guest process from a stub
 * executable: an MFD_EXEC memfd, else a file in the same tempdir.  Name
 * the mount, and the sysctl when it refuses the memfd too.
 */
static void check_tmpdir_exec(struct uc_conf *c, const struct ent *e)
{
	char mnt[PATH_MAX], stub[128] = "";
	const char *dir = kernel_tempdir(c);
	int fd;

	if (!noexec_dir(dir))
		return;
	if (kernel_has(c->kernel, "uml-userspace")) {
		fd = memfd_create("umlctl-probe", MFD_EXEC | MFD_CLOEXEC);
		if (fd >= 0)
			close(fd);
		else if (memfd_noexec() == 2)
			snprintf(stub, sizeof(stub), ", and sysctl vm.memfd_noexec = 2 sends its stub executable there too");
		else
			snprintf(stub, sizeof(stub), ", and its stub executable goes there too (memfd_create(MFD_EXEC): %s)",
				 strerror(errno));
	}
	mount_point(dir, mnt);
	problem(c, e, "tmpdir", "%s is on %s, mounted noexec: the kernel maps guest memory executable from there%s",
		dir, mnt, stub);
}

static void build(struct uc_conf *c, struct raw *r)
{
	char path[PATH_MAX];
	int seccomp;

	/* The user first: the checks that follow are made as that user. */
	do_user(c, &r->user);
	do_kernel(c, r);
	/* argv[0]: a link to the kernel in the run directory (see
	 * umlctl(8): a reboot while a stop is pending ends the guest). */
	if (uc_guest_path(c->name, "linux", path))
		problem(c, NULL, "name", "run directory path too long");
	add_arg(c, NULL, "name", "%s", path);
	add_arg(c, NULL, "name", "umid=%s", c->name);
	uc_guest_path(c->name, NULL, path);
	add_arg(c, NULL, "run directory", "uml_dir=%s", path);
	do_mem(c, &r->mem);
	seccomp = yes_no(c, &r->seccomp, "seccomp");
	if (seccomp) {
		if (!kernel_has(c->kernel, "seccomp="))
			problem(c, &r->seccomp, "seccomp", "%s has no seccomp mode (Linux 6.16 and later have it)",
				c->kernel);
		add_arg(c, &r->seccomp, "seccomp", "seccomp=on");
	}
	do_cpus(c, r, seccomp);
	do_modules(c, &r->modules);
	do_time_travel(c, &r->tt);
	if (r->dtb.val)
		do_dtb(c, &r->dtb);
	do_disks(c, r);
	do_nets(c, r);
	do_consoles(c, r);
	do_hostfs(c, r);
	do_machine_id(c, &r->machine_id);
	do_args(c, r);
	do_cpu(c, &r->cpu);
	do_tmpdir(c, &r->tmpdir);
	check_tmpdir_exec(c, &r->tmpdir);
}

int uc_conf_load(struct uc_conf *c, const char *name)
{
	char path[PATH_MAX];
	struct raw r;
	int n;

	memset(c, 0, sizeof(*c));
	c->cpu = -1;
	c->ncpus = 1;
	memset(&r, 0, sizeof(r));
	snprintf(c->name, sizeof(c->name), "%s", name);
	n = snprintf(c->file, sizeof(c->file), "%s/%s.conf", uc_paths.config_dir, name);
	if (n < 0 || n >= (int)sizeof(c->file)) {
		warnx("%s: configuration path too long", name);
		return ++c->errors;
	}
	/* The mconsole socket must fit in a unix socket address. */
	if (uc_guest_path(name, name, path) ||
	    strlen(path) + sizeof("/mconsole") > 108) {
		warnx("%s: the run directory %s is too long for the guest's sockets",
		      name, uc_paths.run_dir);
		return ++c->errors;
	}
	if (read_file(c, &r) == 0)
		build(c, &r);
	free_raw(&r);
	return c->errors;
}

void uc_conf_free(struct uc_conf *c)
{
	int i;

	for (i = 0; i < c->argc; i++)
		free(c->argv[i]);
	c->argc = 0;
	free(c->tmpdir);
	free(c->user);
	free(c->kernel);
	c->tmpdir = c->user = c->kernel = NULL;
}

static void put_word(const char *w)
{
	const char *p;

	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_@%+=:,./-") == strlen(w)) {
		fputs(w, stdout);
		return;
	}
	putchar('\'');
	for (p = w; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	putchar('\'');
}

void uc_print_cmdline(const struct uc_conf *c)
{
	int i;

	if (c->tmpdir) {
		fputs("TMPDIR=", stdout);
		put_word(c->tmpdir);
		putchar(' ');
	}
	for (i = 0; i < c->argc; i++) {
		if (i)
			putchar(' ');
		put_word(c->argv[i]);
	}
	putchar('\n');
}
