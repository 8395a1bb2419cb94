// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy - uml_net's policy file, uml_net.conf(5).
 *
 *   # a comment, to the end of the line
 *   taps N                          every caller may own N taps
 *   user NAME|UID allow PREFIX...   addresses NAME may put on its taps and
 *   group NAME|GID allow PREFIX...  route to them, as a.b.c.d/len
 *   user NAME|UID taps N            the taps NAME may own
 *   group NAME|GID taps N
 *
 * Parsed strictly: anything else is an error naming the file and line,
 * and the caller then refuses every request.
 *
 * This file is part of user-mode-linux.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/ids.h"
#include "policy.h"

#define LINE_MAX_LEN 1024
#define MAX_WORDS 64

struct parse {
	struct policy *p;
	int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3))) bad(struct parse *ps,
						    const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(ps->err, ps->errlen, "%s:%d: ", ps->p->path,
			     ps->line);
	if (n >= ps->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A decimal number 0..MAX, no sign, no leading zero. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *q;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (q = s; *q; q++) {
		if (*q < '0' || *q > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*q - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

/* a.b.c.d/len, each part 0-255 without leading zeros, no host bits. */
static int parse_prefix(struct parse *ps, const char *s,
			struct policy_prefix *out)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	unsigned long len, v = 0, part;
	char *q, *dot;
	int i;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return bad(ps, "'%.40s' is not a prefix (want a.b.c.d/len)", s);
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (parse_uint(slash + 1, 32, &len))
		return bad(ps, "'%.40s': bad prefix length (want 0 to 32)", s);
	q = buf;
	for (i = 0; i < 4; i++) {
		dot = strchr(q, '.');
		if ((i < 3) != (dot != NULL))
			return bad(ps, "'%.40s' is not a prefix (want a.b.c.d/len)", s);
		if (dot)
			*dot = '\0';
		if (parse_uint(q, 255, &part))
			return bad(ps, "'%.40s' is not a prefix (want a.b.c.d/len)", s);
		v = v << 8 | part;
		q = dot ? dot + 1 : q;
	}
	out->mask = len ? ~0U << (32 - len) : 0;
	out->net = (unsigned int)v;
	if (out->net & ~out->mask)
		return bad(ps, "'%.40s' has bits set past its length", s);
	return 0;
}

/* NAME or a number; a name must exist now. */
static int parse_who(struct parse *ps, int is_group, const char *s,
		     unsigned int *id)
{
	const char *kind = is_group ? "group" : "user";
	size_t i;

	if (s[0] >= '0' && s[0] <= '9') {
		if (parse_id(s, id))
			return bad(ps, "bad %s id '%.40s'", kind, s);
		return 0;
	}
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-' || (c == '$' && !s[i + 1])) || i > 64)
			return bad(ps, "bad %s name '%.40s'", kind, s);
	}
	if (is_group ? parse_group(s, id) : parse_user(s, id, NULL))
		return bad(ps, "no %s '%s'", kind, s);
	return 0;
}

static int parse_taps(struct parse *ps, const char *s, unsigned int *out)
{
	unsigned long v;

	if (parse_uint(s, POLICY_MAX_TAPS, &v))
		return bad(ps, "bad tap count '%.40s' (want 0 to %d)", s,
			   POLICY_MAX_TAPS);
	*out = (unsigned int)v;
	return 0;
}

static struct policy_rule *find_rule(struct policy *p, int is_group,
				     unsigned int id, int want_taps)
{
	int i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].is_group == is_group && p->rules[i].id == id &&
		    p->rules[i].has_taps == want_taps)
			return &p->rules[i];
	return NULL;
}

static int parse_rule(struct parse *ps, char **w, int n)
{
	struct policy *p = ps->p;
	int is_group = !strcmp(w[0], "group");
	struct policy_rule *r, *old;
	unsigned int id = 0;
	int i, err;

	if (n < 4 || (strcmp(w[2], "allow") && strcmp(w[2], "taps")))
		return bad(ps, "want: %s NAME allow PREFIX... or %s NAME taps N",
			   w[0], w[0]);
	err = parse_who(ps, is_group, w[1], &id);
	if (err)
		return err;
	if (p->nrules == POLICY_MAX_RULES)
		return bad(ps, "more than %d rules", POLICY_MAX_RULES);
	r = &p->rules[p->nrules];
	*r = (struct policy_rule){ .line = ps->line, .is_group = is_group,
				   .id = id, .first = p->nprefixes };
	if (!strcmp(w[2], "taps")) {
		if (n != 4)
			return bad(ps, "want: %s NAME taps N", w[0]);
		old = find_rule(p, is_group, id, 1);
		if (old)
			return bad(ps, "the taps of %s %s are set on line %d already",
				   w[0], w[1], old->line);
		r->has_taps = 1;
		err = parse_taps(ps, w[3], &r->taps);
		if (err)
			return err;
		p->nrules++;
		return 0;
	}
	for (i = 3; i < n; i++) {
		if (p->nprefixes == POLICY_MAX_PREFIXES)
			return bad(ps, "more than %d prefixes",
				   POLICY_MAX_PREFIXES);
		err = parse_prefix(ps, w[i], &p->prefixes[p->nprefixes]);
		if (err)
			return err;
		p->nprefixes++;
	}
	r->count = p->nprefixes - r->first;
	p->nrules++;
	return 0;
}

/* Split LINE (comment cut) into at most MAX_WORDS words. */
static int split(struct parse *ps, char *line, char **w)
{
	char *s;
	int n = 0;

	s = strchr(line, '#');
	if (s)
		*s = '\0';
	for (s = line; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t') {
			*s = '\0';
			continue;
		}
		if (c < 0x20 || c >= 0x7f)
			return bad(ps, "a control or non-ASCII character");
		if (s == line || s[-1] == '\0') {
			if (n == MAX_WORDS)
				return bad(ps, "more than %d words", MAX_WORDS);
			w[n++] = s;
		}
	}
	return n;
}

static int parse_line(struct parse *ps, char *line)
{
	struct policy *p = ps->p;
	char *w[MAX_WORDS];
	int n;

	n = split(ps, line, w);
	if (n <= 0)
		return n;
	if (!strcmp(w[0], "taps")) {
		if (n != 2)
			return bad(ps, "want: taps N");
		if (p->taps_line)
			return bad(ps, "taps is set on line %d already",
				   p->taps_line);
		p->taps_line = ps->line;
		return parse_taps(ps, w[1], &p->taps);
	}
	if (!strcmp(w[0], "user") || !strcmp(w[0], "group"))
		return parse_rule(ps, w, n);
	return bad(ps, "unknown keyword '%.40s' (want taps, user or group)",
		   w[0]);
}

/* Root's, a regular file or directory, writable by nobody else. */
static int check_owner(const struct stat *st, int dir, const char *path,
		       char *err, size_t errlen)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a %s", path,
			 dir ? "directory" : "regular file");
		return -EPERM;
	}
	if (st->st_uid != 0 || (st->st_mode & 022)) {
		snprintf(err, errlen,
			 "%s: must be owned by root and not writable by group or others (owner %u, mode %04o)",
			 path, (unsigned int)st->st_uid,
			 (unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static int check_dir(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash) {
		snprintf(err, errlen, "%s: not an absolute path", path);
		return -EINVAL;
	}
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	return check_owner(&st, 1, dir, err, errlen);
}

static int read_lines(struct parse *ps, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int err = 0;

	while (!err && (len = getline(&line, &cap, f)) >= 0) {
		ps->line++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > LINE_MAX_LEN)
			err = bad(ps, "line longer than %d characters",
				  LINE_MAX_LEN);
		else if (strlen(line) != (size_t)len)
			err = bad(ps, "a NUL character");
		else
			err = parse_line(ps, line);
	}
	if (!err && ferror(f))
		err = bad(ps, "read error");
	free(line);
	return err < 0 ? err : 0;
}

int policy_load(struct policy *p, const char *path, char *err, size_t errlen)
{
	struct parse ps = { .p = p, .err = err, .errlen = errlen };
	struct stat st;
	FILE *f;
	int fd, ret;

	memset(p, 0, sizeof(*p));
	if (strlen(path) >= sizeof(p->path) || path[0] != '/') {
		snprintf(err, errlen, "policy path is not absolute or too long");
		return -EINVAL;
	}
	strcpy(p->path, path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	ret = check_owner(&st, 0, path, err, errlen);
	if (!ret)
		ret = check_dir(path, err, errlen);
	if (ret) {
		close(fd);
		return ret;
	}
	f = fdopen(fd, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	p->present = 1;
	ret = read_lines(&ps, f);
	fclose(f);
	return ret;
}

void policy_caller_init(struct policy_caller *c, uid_t uid, gid_t gid)
{
	gid_t more[POLICY_MAX_GROUPS];
	struct passwd *pw;
	struct group *gr;
	size_t len;
	int i, j, n;

	c->uid = uid;
	c->gids[0] = gid;
	c->ngids = 1;
	n = getgroups(POLICY_MAX_GROUPS, more);
	for (i = 0; i < n && c->ngids < POLICY_MAX_GROUPS; i++) {
		for (j = 0; j < c->ngids && c->gids[j] != more[i]; j++)
			;
		if (j == c->ngids)
			c->gids[c->ngids++] = more[i];
	}
	pw = getpwuid(uid);
	if (pw)
		len = (size_t)snprintf(c->who, sizeof(c->who), "user %.32s",
				       pw->pw_name);
	else
		len = (size_t)snprintf(c->who, sizeof(c->who), "user %u",
				       (unsigned int)uid);
	for (i = 0; i < c->ngids && len < sizeof(c->who); i++) {
		gr = getgrgid(c->gids[i]);
		if (gr)
			len += (size_t)snprintf(c->who + len,
						sizeof(c->who) - len,
						"%s%.32s", i ? "," : " / group ",
						gr->gr_name);
		else
			len += (size_t)snprintf(c->who + len,
						sizeof(c->who) - len, "%s%u",
						i ? "," : " / group ",
						(unsigned int)c->gids[i]);
	}
}

static int rule_matches(const struct policy_rule *r,
			const struct policy_caller *c)
{
	int i;

	if (!r->is_group)
		return r->id == (unsigned int)c->uid;
	for (i = 0; i < c->ngids; i++)
		if (r->id == (unsigned int)c->gids[i])
			return 1;
	return 0;
}

/* Append ", PATH:LINE" (or the first "PATH:LINE") to WHY. */
static void add_line(char *why, size_t len, size_t *used, const char *path,
		     int line)
{
	if (*used >= len)
		return;
	*used += (size_t)snprintf(why + *used, len - *used, "%s%s:%d",
				  *used ? ", " : "", path, line);
}

int policy_allows(const struct policy *p, const struct policy_caller *c,
		  struct in_addr addr, char *why, size_t len)
{
	unsigned int a = ntohl(addr.s_addr);
	char seen[512] = "";
	size_t used = 0;
	int i, j;

	if (!p->present) {
		snprintf(why, len, "no policy file %s: no rule for %s", p->path,
			 c->who);
		return 0;
	}
	for (i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (r->has_taps || !rule_matches(r, c))
			continue;
		for (j = r->first; j < r->first + r->count; j++) {
			if ((a & p->prefixes[j].mask) == p->prefixes[j].net) {
				snprintf(why, len, "%s:%d", p->path, r->line);
				return 1;
			}
		}
		add_line(seen, sizeof(seen), &used, p->path, r->line);
	}
	if (used)
		snprintf(why, len, "not in the prefixes of %s (the rules for %s)",
			 seen, c->who);
	else
		snprintf(why, len, "no rule for %s in %s", c->who, p->path);
	return 0;
}

unsigned int policy_tap_limit(const struct policy *p,
			      const struct policy_caller *c, char *why,
			      size_t len)
{
	const struct policy_rule *best = NULL;
	int i;

	for (i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!r->has_taps || !rule_matches(r, c))
			continue;
		if (!r->is_group) {
			best = r;
			break;
		}
		if (!best || r->taps > best->taps)
			best = r;
	}
	if (best) {
		snprintf(why, len, "%s:%d", p->path, best->line);
		return best->taps;
	}
	if (p->taps_line) {
		snprintf(why, len, "%s:%d (no taps rule for %s)", p->path,
			 p->taps_line, c->who);
		return p->taps;
	}
	snprintf(why, len, "the default of %d (no taps rule for %s%s%s)",
		 POLICY_DEFAULT_TAPS, c->who, p->present ? " in " : ", no ",
		 p->present ? p->path : "policy file");
	return POLICY_DEFAULT_TAPS;
}

void policy_describe(const struct policy *p, const struct policy_caller *c,
		     FILE *out)
{
	char why[512];
	unsigned int limit, net, len;
	int i, j, any = 0;

	for (i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (r->has_taps || !rule_matches(r, c))
			continue;
		for (j = r->first; j < r->first + r->count; j++) {
			net = p->prefixes[j].net;
			len = (unsigned int)__builtin_popcount(p->prefixes[j].mask);
			fprintf(out, "allow %u.%u.%u.%u/%u (%s:%d)\n", net >> 24,
				(net >> 16) & 255, (net >> 8) & 255, net & 255,
				len, p->path, r->line);
			any = 1;
		}
	}
	if (!any)
		fprintf(out, "allow nothing (%s)\n", p->present ?
			"no allow rule for the caller" : "no policy file");
	limit = policy_tap_limit(p, c, why, sizeof(why));
	fprintf(out, "taps %u (%s)\n", limit, why);
}
