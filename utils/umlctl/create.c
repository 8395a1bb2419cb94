// SPDX-License-Identifier: GPL-2.0-only
/*
 * create.c - `umlctl create NAME --image FILE`: put a copy of the image
 * (a reflink where the filesystem can, else a sparse copy) in
 * STATE_DIR/NAME/root.img, owned by the user the guest will run as, and
 * write a minimal CONFIG_DIR/NAME.conf.  Both are written under
 * temporary names and renamed into place; nothing is replaced without
 * --force.
 *
 * This file is part of user-mode-linux.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/util.h"
#include "lib/xio.h"
#include "umlctl.h"

#ifndef UMLCTL_USER
#define UMLCTL_USER "uml"
#endif

#define IMAGE_LEAF "root.img"

/* The user `umlctl start` will run NAME as when no `user =` is given:
 * uml-NAME, else the package's account, when run by root; else us. */
static int run_as(const char *name, const char *user, uid_t *uid, gid_t *gid,
		  char *who, size_t len)
{
	char own[UC_NAME_MAX + 8];
	struct passwd *pw;

	*uid = geteuid();
	*gid = getegid();
	if (user) {
		pw = getpwnam(user);
		if (!pw || (geteuid() != 0 && pw->pw_uid != geteuid())) {
			warnx("--user: %s", pw ? "only root can give the image to another user" :
			      "no such user");
			return -EPERM;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		snprintf(who, len, "%s", user);
		return 0;
	}
	if (geteuid() != 0) {
		pw = getpwuid(*uid);
		snprintf(who, len, "%s", pw ? pw->pw_name : "this user");
		return 0;
	}
	snprintf(own, sizeof(own), "uml-%s", name);
	pw = getpwnam(own);
	if (!pw)
		pw = getpwnam(UMLCTL_USER);
	if (!pw) {
		warnx("%s: no user uml-%s nor %s to give the image to: create one (adduser --system --group uml-%s)",
		      name, name, UMLCTL_USER, name);
		return -ENOENT;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	snprintf(who, len, "%s", pw->pw_name);
	return 0;
}

/* DIR exists as a directory (under the unit's DynamicUser=, a symlink
 * systemd made into /var/lib/private), or is made with MODE and, when
 * we are root, given to UID. */
static int ensure_dir(const char *dir, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			warnx("%s: not a directory", dir);
			return -ENOTDIR;
		}
		return 0;
	}
	if (errno != ENOENT || mkdir(dir, mode) < 0) {
		warnx("%s: %s", dir, strerror(errno));
		return -errno;
	}
	if (geteuid() == 0 && chown(dir, uid, gid) < 0) {
		warnx("%s: chown: %s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Copy IN (SIZE bytes) into the fresh file OUT: one reflink where the
 * filesystem shares extents, else extent by extent, leaving holes. */
static int copy_image(int in, int out, uint64_t size)
{
	uint64_t start = 0, len;
	int ret;

	if (ftruncate(out, (off_t)size) < 0)
		return -errno;
	if (xreflink_range(in, 0, out, 0, size) == 0)
		return 0;
	while (start < size && xnext_data(in, size, &start, &len)) {
		ret = xcopy_sparse(in, start, out, start, len, 4096);
		if (ret)
			return ret;
		start += len;
	}
	return 0;
}

/* Place SRC at DST (a path through a pinned directory descriptor);
 * messages name it SHOWN. */
static int place_image(const char *src, const char *dst, const char *shown,
		       int force, uid_t uid, gid_t gid)
{
	struct xtmp t;
	struct stat st;
	int in, ret;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		warnx("%s: %s", src, strerror(errno));
		return -errno;
	}
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		warnx("%s: not a regular file", src);
		close(in);
		return -EINVAL;
	}
	ret = xtmp_open(&t, dst, 0600);
	if (ret) {
		warnx("%s: %s", shown, strerror(-ret));
		close(in);
		return ret;
	}
	xtmp_cleanup_on_signals(&t);
	ret = copy_image(in, t.fd, (uint64_t)st.st_size);
	if (!ret && geteuid() == 0 && fchown(t.fd, uid, gid) < 0)
		ret = -errno;
	if (!ret && fchmod(t.fd, 0600) < 0)
		ret = -errno;
	if (!ret)
		ret = xtmp_commit(&t, !force);
	if (ret)
		warnx("%s: %s%s", shown, strerror(-ret),
		      ret == -EEXIST ? " (--force replaces it)" : "");
	xtmp_abort(&t);
	close(in);
	return ret;
}

static int write_conf(const char *path, const char *name, const char *src,
		      const char *disk, const struct uc_create_opts *o)
{
	char when[32];
	struct xtmp t;
	time_t now = time(NULL);
	FILE *f;
	int ret, fd;

	strftime(when, sizeof(when), "%Y-%m-%d", gmtime(&now));
	ret = xtmp_open(&t, path, 0644);
	if (ret) {
		warnx("%s: %s", path, strerror(-ret));
		return ret;
	}
	xtmp_cleanup_on_signals(&t);
	fd = dup(t.fd);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		ret = -errno;
	} else {
		fprintf(f, "# %s: made by umlctl create on %s from\n#   %s\n"
			"# Keys: uml.conf(5).  Check with: umlctl check %s\n"
			"disk0 = %s\nmem = %s\n", name, when, src, name, disk,
			o->mem ? o->mem : "256M");
		if (o->kernel)
			fprintf(f, "kernel = %s\n", o->kernel);
		if (o->user)
			fprintf(f, "user = %s\n", o->user);
		ret = fflush(f) ? -errno : 0;
		if (fclose(f) && !ret)
			ret = -errno;
	}
	if (!ret && fchmod(t.fd, 0644) < 0)
		ret = -errno;
	if (!ret)
		ret = xtmp_commit(&t, !o->force);
	if (ret)
		warnx("%s: %s%s", path, strerror(-ret),
		      ret == -EEXIST ? " (--force replaces it)" : "");
	xtmp_abort(&t);
	return ret;
}

/* A size as uml.conf(5) takes it: a number, then K, M or G. */
static int valid_size(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && s[strspn(s, "0")] && s[n] && strchr("KMG", s[n]) && !s[n + 1];
}

int uc_create(const char *name, const struct uc_create_opts *o)
{
	char dir[PATH_MAX], disk[PATH_MAX], conf[PATH_MAX], who[64];
	char pinned[64];
	char *src = NULL;
	int dirfd = -1;
	const char *mem = o->mem ? o->mem : "256M";
	uid_t uid;
	gid_t gid;
	pid_t sup;
	int ret = 1;

	if (!o->image) {
		warnx("create needs --image FILE");
		return EXIT_TROUBLE;
	}
	if (o->kernel && (o->kernel[0] != '/' || access(o->kernel, X_OK) < 0)) {
		warnx("--kernel: '%s' is not an executable file's absolute path",
		      o->kernel);
		return EXIT_TROUBLE;
	}
	if (!valid_size(mem)) {
		warnx("--mem: '%s' is not a size (a number, then K, M or G)", mem);
		return EXIT_TROUBLE;
	}
	if (snprintf(dir, sizeof(dir), "%s/%s", o->state_dir, name) >= (int)sizeof(dir) ||
	    snprintf(disk, sizeof(disk), "%s/%s", dir, IMAGE_LEAF) >= (int)sizeof(disk) ||
	    snprintf(conf, sizeof(conf), "%s/%s.conf", uc_paths.config_dir, name) >= (int)sizeof(conf) ||
	    strpbrk(disk, ",: \t\"'")) {
		warnx("%s: the state directory %s makes a path the kernel cannot take",
		      name, o->state_dir);
		return 1;
	}
	sup = uc_supervisor_pid(name);
	if (sup) {
		warnx("%s: running (umlctl pid %d); stop it first", name, (int)sup);
		return 1;
	}
	if (!o->force && (access(conf, F_OK) == 0 || access(disk, F_OK) == 0)) {
		warnx("%s: %s exists; nothing changed (--force replaces it)",
		      name, access(conf, F_OK) == 0 ? conf : disk);
		return 1;
	}
	src = realpath(o->image, NULL);
	if (!src) {
		warnx("%s: %s", o->image, strerror(errno));
		return 1;
	}
	if (run_as(name, o->user, &uid, &gid, who, sizeof(who)) ||
	    ensure_dir(o->state_dir, 0755, 0, 0) ||
	    ensure_dir(dir, 0700, uid, gid))
		goto out;
	/* DIR belongs to the guest's user, and so may its parent (the
	 * unit's DynamicUser= state directory): from here on DIR is reached
	 * only through a descriptor opened without following a symlink. */
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		warnx("%s: %s", dir, strerror(errno));
		goto out;
	}
	snprintf(pinned, sizeof(pinned), "/proc/self/fd/%d/%s", dirfd, IMAGE_LEAF);
	if (place_image(src, pinned, disk, o->force, uid, gid))
		goto out;
	if (write_conf(conf, name, src, disk, o)) {
		/* The image without its configuration is of no use. */
		unlinkat(dirfd, IMAGE_LEAF, 0);
		goto out;
	}
	printf("%s: %s (for %s) and %s\n", name, disk, who, conf);
	ret = 0;
out:
	if (dirfd >= 0)
		close(dirfd);
	free(src);
	return ret;
}
