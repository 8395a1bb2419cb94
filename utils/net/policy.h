/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy - uml_net's policy file (uml_net.conf(5)): per user or group,
 * the IPv4 prefixes a caller may put on its taps and route to them, and
 * how many taps it may own.
 *
 * This file is part of user-mode-linux.
 */
#ifndef UML_NET_POLICY_H
#define UML_NET_POLICY_H

#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define POLICY_MAX_RULES 256
#define POLICY_MAX_PREFIXES 1024
#define POLICY_MAX_GROUPS 64
#define POLICY_MAX_TAPS 4096
/* Taps a caller may own when no line of the policy says otherwise. */
#define POLICY_DEFAULT_TAPS 4

struct policy_rule {
	int line;
	int is_group;
	unsigned int id;	/* uid or gid */
	int has_taps;
	unsigned int taps;
	int first, count;	/* its prefixes in policy.prefixes[] */
};

struct policy_prefix {
	unsigned int net;	/* host byte order */
	unsigned int mask;
};

struct policy {
	char path[PATH_MAX];
	int present;		/* the file exists */
	int taps_line;		/* the global "taps N" line, or 0 */
	unsigned int taps;
	struct policy_rule rules[POLICY_MAX_RULES];
	int nrules;
	struct policy_prefix prefixes[POLICY_MAX_PREFIXES];
	int nprefixes;
};

/* Who asks, with names for the log. */
struct policy_caller {
	uid_t uid;
	gid_t gids[POLICY_MAX_GROUPS];	/* the real gid first */
	int ngids;
	char who[160];		/* "user NAME / group NAME[,NAME...]" */
};

/*
 * Read and check the policy at PATH into P.  A missing file is no policy
 * (P->present 0, returns 0).  A file that is not a regular file owned by
 * root, not writable by group or others, in a directory of the same kind,
 * or any line that breaks the grammar: a negative errno and a one-line
 * reason ("PATH:LINE: ...") in ERR.
 */
int policy_load(struct policy *p, const char *path, char *err, size_t errlen);

/* Fill C for UID, its real GID and its supplementary groups. */
void policy_caller_init(struct policy_caller *c, uid_t uid, gid_t gid);

/*
 * Whether ADDR (network byte order) is in a prefix the policy gives C.
 * WHY gets the line that allows it ("PATH:LINE"), or the reason it is
 * refused, naming the lines looked at or "no rule for ...".
 */
int policy_allows(const struct policy *p, const struct policy_caller *c,
		  struct in_addr addr, char *why, size_t len);

/*
 * How many taps C may own, and in WHY where that limit comes from (a
 * line of the policy, or the built-in default).
 */
unsigned int policy_tap_limit(const struct policy *p,
			      const struct policy_caller *c, char *why,
			      size_t len);

/*
 * Print to OUT what the policy gives C: one "allow PREFIX (FILE:LINE)"
 * line for each prefix, then "taps N (WHY)".
 */
void policy_describe(const struct policy *p, const struct policy_caller *c,
		     FILE *out);

#endif
