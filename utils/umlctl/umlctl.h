/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * umlctl.h - what the parts of umlctl share: a guest's configuration
 * (uml.conf(5)), its checks, the kernel command line built from it, and
 * the files of a running guest under its run directory.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UMLCTL_H
#define UMLCTL_H

#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <sys/types.h>

#define UC_MAX_DISKS	16
#define UC_MAX_NETS	16
#define UC_MAX_ARGS	256
#define UC_NAME_MAX	40
#define UC_MAX_CPUS	64	/* cpus = N; the kernel caps N at its NR_CPUS */
#define UC_NET_FD	10	/* the kernel's fd of user network N: 10 + N */

/* Where umlctl looks and writes; set once by main(). */
struct uc_paths {
	const char *config_dir;	/* NAME.conf files */
	const char *run_dir;	/* RUN/NAME/: the guest's private uml_dir */
	int sandbox;		/* warn about what uml@.service's sandbox hides */
};
extern struct uc_paths uc_paths;

/* One guest, as read from its file and completed by defaults. */
struct uc_conf {
	char name[UC_NAME_MAX + 1];
	char file[PATH_MAX];
	int errors;		/* problems reported so far */
	int warnings;		/* warnings (they start the guest all the same) */

	char *argv[UC_MAX_ARGS + 1];	/* the kernel command line */
	int argc;
	char *tmpdir;		/* TMPDIR for the kernel, or NULL */
	int cpu;		/* first CPU to pin to, or -1 */
	int ncpus;		/* virtual CPUs (cpus =), pinned to as many */
	uid_t uid;		/* user to run as (see do_user()) */
	gid_t gid;
	char *user;		/* NULL: stay the caller */
	int as_other;		/* uid differs from the caller's */
	int shared_user;	/* root's default: the package's account */
	char *kernel;		/* the kernel binary */
	int user_net[UC_MAX_NETS];	/* 1: a user network, 2: one that may
					 * reach the host's loopback */
	const char *slirp_helper;	/* the program that serves them */
	int need_net_admin;	/* capabilities the transports need */
	int need_net_raw;
};

/* RUN/NAME and the files in it; the buffers are PATH_MAX bytes. */
int uc_guest_path(const char *name, const char *leaf, char *out);

/* RUN/NAME belongs to the guest's user, who may plant anything in it:
 * every file there is reached through a directory fd with *at() calls
 * that follow no symlink and never block on a FIFO.
 *
 * RUN/NAME (or, with NAME, the umid directory in DFD) opened with
 * O_DIRECTORY|O_NOFOLLOW: the fd or -errno. */
int uc_guest_dir(const char *name);
int uc_umid_dir(int dfd, const char *name);

/* LEAF in DFD opened with FLAGS (and MODE with O_CREAT), not through a
 * symlink, not blocking on a FIFO: the fd of a regular file with one
 * link, or -errno (-EINVAL for anything else). */
int uc_open_at(int dfd, const char *leaf, int flags, mode_t mode);

/* A stop was asked for: remove the kernel's argv[0] link (a reboot then
 * ends the guest, see umlctl(8)) and create the stopping mark. */
void uc_mark_stopping(int dfd);

/* Whether NAME is a valid guest name (also the umid). */
int uc_valid_name(const char *name);

/* Read and check CONFIG_DIR/NAME.conf and build the command line.
 * Every problem is printed as "FILE:LINE: KEY: message"; returns the
 * number of problems (0: C is complete).  uc_conf_free() in every case. */
int uc_conf_load(struct uc_conf *c, const char *name);
void uc_conf_free(struct uc_conf *c);

/* The CPU the documented rule picks for NAME among those this process
 * may run on, or -1 when there is no affinity mask to read. */
int uc_pick_cpu(const char *name);

/* The host CPUs C's kernel is pinned to in SET: C->ncpus of those this
 * process may run on, from C->cpu on (wrapping around); 0, or -1 when
 * C is not pinned. */
int uc_cpu_set(const struct uc_conf *c, cpu_set_t *set);

/* SET as a CPU list ("0-2,5") in BUF of LEN bytes, cut short if need be. */
void uc_cpu_list(const cpu_set_t *set, char *buf, size_t len);

/* Print ARGV (and TMPDIR=... first when set) as one shell-quoted line. */
void uc_print_cmdline(const struct uc_conf *c);

/* Whether the guest's mconsole answers (1), or not (0). */
int uc_mconsole_alive(const char *name);

/* Send an mconsole command and collect its reply text into OUT (may be
 * NULL).  Returns 0, -EIO when the kernel reported an error (text in
 * OUT), or -errno. */
int uc_mconsole(const char *name, const char *cmd, char *out, size_t outlen,
		int timeout_ms);

/* The pid the supervisor of NAME wrote in its lock file while it holds
 * the lock, or 0 when no supervisor runs. */
pid_t uc_supervisor_pid(const char *name);

/* The guest NAME's machine-id (32 hex digits) and the MAC address
 * (aa:bb:cc:dd:ee:ff, locally administered, unicast) of its interface
 * INDEX: stable, distinct per name and host (ident.c). */
void uc_machine_id(const char *name, char out[33]);
void uc_mac(const char *name, int index, char out[18]);

/* What `umlctl create` is told. */
struct uc_create_opts {
	const char *image;	/* the image to copy */
	const char *mem;	/* mem =, or NULL for the default */
	const char *state_dir;	/* where STATE/NAME/root.img goes */
	const char *user;	/* user =, or NULL: the default run-as user */
	const char *kernel;	/* kernel =, or NULL: the default kernel */
	int force;		/* replace an existing config and image */
};

/* The commands. */
int uc_start(const char *name, int dry_run, int stop_timeout);
int uc_check(const char *name);
int uc_create(const char *name, const struct uc_create_opts *o);
int uc_stop(const char *name, int timeout);
int uc_console(const char *name);

#endif
