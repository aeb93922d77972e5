/*
 * conf.c: cimheadd.conf into a fresh struct conf.  INI, read with inih.
 * Nothing here touches the running daemon: a config is built whole and
 * checked whole, and only then handed over, so a failed reload changes
 * nothing.  Every problem is reported as "file:line: message"; parsing
 * goes on after an error so one run shows them all.
 *
 * inih as packaged calls its handler without a line number, so the text is
 * fed through ini_parse_stream by a reader that counts lines.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "cimheadd.h"

#define CONF_MAX_BYTES		(1024 * 1024)
#define CONF_MAX_NODES		1024
/*
 * One line, its end not counted.  Windows takes a command line of 32,767
 * characters at most (CreateProcess); twice that leaves room for any key.
 */
#define CONF_MAX_LINE		65536
#define CONF_MAX_COMMAND	32767

struct conf_reader {
	const char	*p;
	int		 line;
	int		 has_prev;	/* a key since the last section */
	char		*long_value;	/* this line's value, too long for inih */
};

struct conf_ctx {
	struct conf_reader rd;		/* first: the reader gets the ctx */
	struct conf	*conf;
	const char	*name;		/* file name for messages */
	char		 dir[PATH_MAX];	/* relative paths start here */
	struct buf	*errs;
	struct buf	*warns;
	int		 nerr;
	int		 err_line;	/* last line an error was reported on */
	int		 cur_node;	/* conf->nodes index; -1 global, -2 bad,
					   -3 a refused node: its keys checked
					   on scratch */
	struct conf_node scratch;
	size_t		 ndropped;	/* messages past CONF_REPORT_MAX */
	char		*secret_file;
	char		*admin_token_file;
	int		 secret_line, token_line;
	int		 header_timeout_set;	/* viewer-header-timeout given */
	int		 ready_window_set;	/* ready-window given */
};

static int	conf_handler(void *, const char *, const char *, const char *);
static void	conf_section(struct conf_ctx *, const char *);
static void	conf_node_clear(struct conf_node *);

/*
 * One message, "file:line: [label]message".  Every one is kept up to
 * CONF_REPORT_MAX bytes, a bound a real config does not reach (a 1 MiB
 * file of bad lines would); past it they are counted and the count is
 * reported last.
 */
static void
conf_report(struct conf_ctx *cx, struct buf *b, int line, const char *label,
    const char *msg)
{
	size_t	len, max = CONF_REPORT_MAX;

	if (b == NULL)
		return;
	/* Room kept for the count's line. */
	if (b->cap != 0 && b->cap < max)
		max = b->cap;
	max = max > 256 ? max - 256 : 0;
	len = b->len;
	if (len >= max || buf_printf(b, "%s:%d: %s%s\n", cx->name, line,
	    label, msg) == -1 || b->len > max) {
		b->len = len;
		if (b->data != NULL)
			b->data[len] = '\0';
		cx->ndropped++;
	}
}

static void PRINTFLIKE(3, 4)
conf_error(struct conf_ctx *cx, int line, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cx->nerr++;
	cx->err_line = line;
	conf_report(cx, cx->errs, line, "", msg);
}

static void PRINTFLIKE(3, 4)
conf_warning(struct conf_ctx *cx, int line, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_report(cx, cx->warns, line, "warning: ", msg);
}

/*
 * What inih will make of one line (its rules, as of version 55), so the
 * reader can report a syntax error on every line, not only the first,
 * and stand in for a line longer than inih's buffer.  v..v+vlen is the
 * value of a key or a continuation, k..k+klen the key.
 */
enum conf_line_kind {
	CONF_LINE_COMMENT,	/* blank too */
	CONF_LINE_SECTION,
	CONF_LINE_KEY,
	CONF_LINE_CONT,		/* an indented line after a key */
	CONF_LINE_BAD,		/* neither: inih's syntax error */
};

/* Past s, the first of chars, or an inline ';' after white space. */
static const char *
conf_find(const char *s, const char *e, const char *chars)
{
	int	was_space = 0;

	for (; s < e; s++) {
		if (chars != NULL && strchr(chars, *s) != NULL)
			break;
		if (was_space && *s == ';')
			break;
		was_space = isspace((unsigned char)*s);
	}
	return (s);
}

static enum conf_line_kind
conf_line_kind(const char *s, size_t len, int first, int has_prev,
    const char **k, size_t *klen, const char **v, size_t *vlen)
{
	const char	*e = s + len, *start, *sep, *ve;

	if (first && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	for (start = s; start < e && isspace((unsigned char)*start); start++)
		;
	if (start == e || *start == ';' || *start == '#')
		return (CONF_LINE_COMMENT);
	if (has_prev && start > s && *start != '[') {
		ve = conf_find(start, e, NULL);
		while (ve > start && isspace((unsigned char)ve[-1]))
			ve--;
		*v = start;
		*vlen = (size_t)(ve - start);
		return (CONF_LINE_CONT);
	}
	if (*start == '[') {
		sep = conf_find(start + 1, e, "]");
		return (sep < e && *sep == ']' ? CONF_LINE_SECTION :
		    CONF_LINE_BAD);
	}
	sep = conf_find(start, e, "=:");
	if (sep == e || (*sep != '=' && *sep != ':'))
		return (CONF_LINE_BAD);
	*k = start;
	for (ve = sep; ve > start && isspace((unsigned char)ve[-1]); ve--)
		;
	*klen = (size_t)(ve - start);
	ve = conf_find(sep + 1, e, NULL);
	for (sep++; sep < ve && isspace((unsigned char)*sep); sep++)
		;
	while (ve > sep && isspace((unsigned char)ve[-1]))
		ve--;
	*v = sep;
	*vlen = (size_t)(ve - sep);
	return (CONF_LINE_KEY);
}

/*
 * fgets over a string for inih, counting lines as it asks for them.
 * inih's line buffer is small (INI_MAX_LINE: 200 bytes as Debian builds
 * it, which a Windows command line passes), so a longer line is handed
 * over as a short one saying the same, "key=-", and the handler takes
 * the real value from rd->long_value.  A line inih would refuse is
 * reported here and handed over as a comment, so every one is reported.
 * An indented section header is one (inih would read it as the previous
 * key's continuation).
 */
static char *
conf_read_line(char *str, int num, void *stream)
{
	struct conf_reader	*rd = stream;
	struct conf_ctx		*cx = (struct conf_ctx *)rd;
	enum conf_line_kind	 kind;
	const char		*line = rd->p, *k = NULL, *v = NULL;
	size_t			 n, len, klen = 0, vlen = 0;
	char			*copy;

	free(rd->long_value);
	rd->long_value = NULL;
	if (*rd->p == '\0' || num < 16)
		return (NULL);
	len = strcspn(rd->p, "\n");
	n = len + (rd->p[len] == '\n');
	rd->p += n;
	rd->line++;
	kind = conf_line_kind(line, len, rd->line == 1, rd->has_prev, &k,
	    &klen, &v, &vlen);
	if (len > CONF_MAX_LINE) {
		conf_error(cx, rd->line, "line of %zu bytes: longer than %d",
		    len, CONF_MAX_LINE);
		kind = CONF_LINE_COMMENT;
	} else if (kind == CONF_LINE_BAD) {
		conf_error(cx, rd->line, "syntax error (want key = value or "
		    "[section])");
		kind = CONF_LINE_COMMENT;
	}
	switch (kind) {
	case CONF_LINE_SECTION:
		rd->has_prev = 0;
		copy = xstrndup(line, len);
		conf_section(cx, copy);
		free(copy);
		/* inih needs only to see a section: ours is cx->cur_node. */
		strlcpy(str, "[s]\n", (size_t)num);
		return (str);
	case CONF_LINE_KEY:
		rd->has_prev = 1;
		if (n < (size_t)num - 1)
			break;
		if (klen + 4 > (size_t)num - 1) {
			conf_error(cx, rd->line, "key of %zu bytes: longer "
			    "than %d", klen, num - 5);
			rd->has_prev = 0;
			break;
		}
		rd->long_value = xstrndup(v, vlen);
		memcpy(str, k, klen);
		memcpy(str + klen, "=-\n", 4);
		return (str);
	case CONF_LINE_CONT:
		if (n < (size_t)num - 1)
			break;
		rd->long_value = xstrndup(v, vlen);
		strlcpy(str, " -\n", (size_t)num);
		return (str);
	default:
		break;
	}
	if (kind == CONF_LINE_COMMENT || n >= (size_t)num - 1) {
		strlcpy(str, ";\n", (size_t)num);
		return (str);
	}
	memcpy(str, line, n);
	str[n] = '\0';
	return (str);
}

int
conf_parse_duration(const char *s, unsigned *out)
{
	char			*end;
	unsigned long long	 v, mul;

	if (s == NULL || *s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return (-1);
	if (*end == '\0' || strcmp(end, "ms") == 0)
		mul = 1;
	else if (strcmp(end, "s") == 0)
		mul = 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mul = 60000;
	else if (strcmp(end, "h") == 0)
		mul = 3600000;
	else
		return (-1);
	if (v > UINT_MAX / mul)
		return (-1);
	*out = (unsigned)(v * mul);
	return (0);
}

static int
parse_bool(const char *s, int *out)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "on") == 0 || strcmp(s, "1") == 0)
		*out = 1;
	else if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "off") == 0 || strcmp(s, "0") == 0)
		*out = 0;
	else
		return (-1);
	return (0);
}

static int
parse_double(const char *s, double min, double max, double *out)
{
	char	*end;
	double	 v;

	if (*s == '\0')
		return (-1);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !(v >= min && v <= max))
		return (-1);
	*out = v;
	return (0);
}

static int
parse_uint(const char *s, unsigned max, unsigned *out)
{
	uint64_t	v;

	/* Not through long: it is 32 bits on Windows, and max may not be. */
	if (parse_u64(s, &v) == -1 || v > max)
		return (-1);
	*out = (unsigned)v;
	return (0);
}

/* host:port with a numeric port; [v6]:port accepted (hostport_split). */
static int
check_hostport(const char *s)
{
	char		host[256];
	unsigned	port;

	return (hostport_split(s, host, sizeof(host), 0, &port));
}

static char *
conf_path(struct conf_ctx *cx, const char *v)
{
	char	p[PATH_MAX];
	int	n;

	if (compat_path_absolute(v) || cx->dir[0] == '\0')
		return (xstrdup(v));
	n = snprintf(p, sizeof(p), "%s/%s", cx->dir, v);
	if (n < 0 || (size_t)n >= sizeof(p))
		return (xstrdup(v));
	return (xstrdup(p));
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/*
 * admin-host: names (besides localhost and IP literals) the admin
 * listener answers to, whitespace-separated, the key repeatable.  Kept
 * lower-case as " a b ", so a check is one strstr of " name ".
 */
static void
conf_admin_hosts(struct conf_ctx *cx, int line, const char *v)
{
	struct conf	*c = cx->conf;
	struct buf	 b;
	const char	*p;
	size_t		 n, i;

	buf_init(&b, 65536);
	buf_printf(&b, "%s", c->admin_hosts != NULL ? c->admin_hosts : " ");
	for (p = v; *p != '\0'; p += n) {
		p += strspn(p, " \t");
		if ((n = strcspn(p, " \t")) == 0)
			break;
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '.' &&
			    p[i] != '-' && p[i] != '_')
				break;
		if (i < n || n > 253) {
			conf_error(cx, line, "admin-host: \"%.*s\" is not a "
			    "host name", (int)(n > 64 ? 64 : n), p);
			continue;
		}
		for (i = 0; i < n; i++)
			buf_printf(&b, "%c", tolower((unsigned char)p[i]));
		buf_printf(&b, " ");
	}
	free(c->admin_hosts);
	c->admin_hosts = xstrdup(b.data);
	buf_release(&b);
}

/* ---- balancing: the estimator, the probe pool, the session count ---- */

/*
 * The shipped defaults are the best configuration measured: fill each
 * node to its learned capacity (thresholds 100 %), least-predicted, the
 * probe pool on.
 */
static void
conf_balance_defaults(struct conf *c)
{
	est_params_default(&c->est);
	c->policy.kind = POLICY_LEAST_PREDICTED;
	c->freshness_ms = (unsigned)c->est.max_age_ms;
	c->cpu_window_ms = (unsigned)c->est.max_span_ms;
	c->probe_d = 2;
	c->sessions_retry_ms = 60000;
	c->sessions_class = xstrdup("Win32_PerfRawData_W3SVC_WebService");
	c->sessions_property = xstrdup("CurrentConnections");
	c->sessions_instance = xstrdup("_Total");
}

/*
 * sessions-class, -property, -instance, in [cimheadd] (the defaults) or
 * in a [node]; 1 if k was one of them.  An empty class turns the count
 * off; an empty instance sums every instance.
 */
static int
conf_sessions_key(struct conf_ctx *cx, char **cls, char **prop, char **inst,
    const char *k, const char *v, int line)
{
	if (strcmp(k, "sessions-class") == 0) {
		if (*v != '\0' && !profile_ident_ok(v))
			conf_error(cx, line, "sessions-class: \"%s\" is not "
			    "a class name (letters, digits, _)", v);
		else
			set_str(cls, v);
	} else if (strcmp(k, "sessions-property") == 0) {
		if (!profile_ident_ok(v))
			conf_error(cx, line, "sessions-property: \"%s\" is "
			    "not a property name (letters, digits, _)", v);
		else
			set_str(prop, v);
	} else if (strcmp(k, "sessions-instance") == 0) {
		if (*v != '\0' && !profile_name_ok(v))
			conf_error(cx, line, "sessions-instance: \"%s\" may "
			    "not contain quotes, backslashes or control "
			    "characters", v);
		else
			set_str(inst, v);
	} else
		return (0);
	return (1);
}

/* 1 if k is one of the balancing keys of [cimheadd] (handled here). */
static int
conf_balance_key(struct conf_ctx *cx, const char *k, const char *v,
    int line)
{
	struct conf	*c = cx->conf;
	struct est_params *e = &c->est;
	enum est_res	 r;
	unsigned	 u;
	double		 x;

	if (conf_sessions_key(cx, &c->sessions_class, &c->sessions_property,
	    &c->sessions_instance, k, v, line))
		return (1);
	if (strcmp(k, "freshness") == 0 || strcmp(k, "probe-max-age") == 0 ||
	    strcmp(k, "rate-window") == 0 || strcmp(k, "sessions-retry") == 0 ||
	    strcmp(k, "probe-full-age") == 0 ||
	    strcmp(k, "session-visible") == 0) {
		if (conf_parse_duration(v, &u) == -1) {
			conf_error(cx, line, "%s: bad duration \"%s\" "
			    "(e.g. 500ms, 2s, 1m)", k, v);
			return (1);
		}
		if (k[0] == 'f') {
			/* The old knob: 0 is the strict model, else the age. */
			c->freshness_ms = u;
			if (u != 0)
				e->max_age_ms = u;
		} else if (strcmp(k, "probe-full-age") == 0) {
			/* 0: every pool refresh reads everything. */
			e->full_age_ms = u;
		} else if (strcmp(k, "session-visible") == 0) {
			if (u > 10000)
				conf_error(cx, line, "session-visible must be "
				    "at most 10s");
			else
				e->visible_ms = u;
		} else if (strcmp(k, "probe-max-age") == 0) {
			if (u == 0)
				conf_error(cx, line, "probe-max-age must be > 0 "
				    "(freshness = 0 is the strict model)");
			else
				e->max_age_ms = u;
		} else if (k[0] == 'r') {
			if (u < 100)
				conf_error(cx, line, "rate-window must be at "
				    "least 100ms");
			else
				e->window_ms = u;
		} else
			c->sessions_retry_ms = u;
		return (1);
	}
	if (strcmp(k, "probe-max-uses") == 0 || strcmp(k, "probe-d") == 0) {
		if (parse_uint(v, 1000000, &u) == -1 ||
		    (k[6] == 'd' && (u < 1 || u > 64)))
			conf_error(cx, line, "%s: \"%s\" is not an integer "
			    "in %s", k, v, k[6] == 'd' ? "1..64" : "0..1000000");
		else if (k[6] == 'd')
			c->probe_d = u;
		else
			e->max_uses = u;
		return (1);
	}
	if (strcmp(k, "probe-query-rate") == 0 ||
	    strcmp(k, "probe-query-burst") == 0) {
		if (parse_double(v, k[12] == 'r' ? 0 : 1, 1000, &x) == -1)
			conf_error(cx, line, "%s: \"%s\" is not a number in "
			    "%s..1000", k, v, k[12] == 'r' ? "0" : "1");
		else if (k[12] == 'r')
			e->query_rate = x;
		else
			e->query_burst = x;
		return (1);
	}
	/* stream-cost: the old name, also points per stream at weight 1. */
	if (strcmp(k, "session-cost") == 0 || strcmp(k, "stream-cost") == 0) {
		if (parse_double(v, 0.01, 100, &x) == -1)
			conf_error(cx, line, "%s: \"%s\" is not a number in "
			    "0.01..100", k, v);
		else
			for (r = 0; r < EST_NRES; r++)
				e->prior_cost[r] = x;
		return (1);
	}
	if (strcmp(k, "max-cpu") == 0 || strcmp(k, "max-mem") == 0 ||
	    strcmp(k, "max-net") == 0) {
		r = k[4] == 'c' ? EST_CPU : k[4] == 'm' ? EST_MEM : EST_NET;
		if (parse_double(v, 1, 100, &x) == -1)
			conf_error(cx, line, "%s: \"%s\" is not a number in "
			    "1..100", k, v);
		else
			e->max[r] = x;
		return (1);
	}
	return (0);
}

/* A node without its own session keys takes [cimheadd]'s. */
static void
conf_sessions_inherit(const struct conf *c, struct conf_node *n)
{
	if (n->sessions_class == NULL)
		n->sessions_class = xstrdup(c->sessions_class);
	if (n->sessions_property == NULL)
		n->sessions_property = xstrdup(c->sessions_property);
	if (n->sessions_instance == NULL)
		n->sessions_instance = xstrdup(c->sessions_instance);
}

/* Settings that follow from others once the whole file is read. */
static void
conf_balance_check(struct conf_ctx *cx)
{
	struct conf	*c = cx->conf;

	if (c->freshness_ms != 0)
		c->freshness_ms = (unsigned)c->est.max_age_ms;
	if (c->cpu_window_ms < c->est.window_ms)
		conf_error(cx, cx->rd.line, "cpu-window must be at least "
		    "rate-window");
	c->est.max_span_ms = c->cpu_window_ms;
	/*
	 * The readiness keeper probes each quarter window once half of it
	 * passed without an answer, each probe up to query-timeout: a
	 * window under twice that goes not-ready between answers.  Unset,
	 * it follows query-timeout.
	 */
	if (!cx->ready_window_set) {
		if (c->ready_window_ms < 3 * (uint64_t)c->query_timeout_ms)
			c->ready_window_ms = c->query_timeout_ms > UINT_MAX / 3 ?
			    UINT_MAX : 3 * c->query_timeout_ms;
	} else if (c->ready_window_ms < 1000)
		conf_error(cx, cx->rd.line, "ready-window must be at least 1s");
	else if (c->ready_window_ms < 2 * c->query_timeout_ms)
		conf_warning(cx, cx->rd.line, "ready-window %u ms is less than "
		    "twice query-timeout: /readyz may flap", c->ready_window_ms);
}

static void
conf_defaults(struct conf *c)
{
	c->listen = xstrdup("0.0.0.0:8080");
	c->admin_listen = xstrdup("127.0.0.1:8081");
	c->policy.w_cpu = 1;
	c->policy.w_mem = 1;
	c->policy.w_net = 2;
	c->query_timeout_ms = 2000;
	c->decision_timeout_ms = 500;
	c->idle_check_ms = 30000;
	c->suspect_after = 3;
	c->recheck_ms = 1000;
	c->recheck_max_ms = 30000;
	c->restart_limit = 3;
	c->restart_window_ms = 600000;
	c->restart_backoff_ms = 2000;
	c->restart_backoff_max_ms = 60000;
	c->restart_grace_ms = 5000;
	c->recovery = 1;
	c->ready_window_ms = 10000;
	c->max_inflight = 4;
	c->retry_after_s = 2;
	c->token_lifetime_s = 300;
	c->max_response = 1024 * 1024;
	c->viewer_header_timeout_ms = 10000;
	c->viewer_idle_timeout_ms = 30000;
	c->max_viewer_conns = 1024;
	c->admin_header_timeout_ms = 10000;
	c->max_admin_conns = 64;
	c->max_admin_output = 64u * 1024 * 1024;
	conf_balance_defaults(c);
}

static int
conf_global(struct conf_ctx *cx, const char *k, const char *v, int line)
{
	struct conf	*c = cx->conf;
	struct {
		const char	*key;
		unsigned	*ms;
	} durs[] = {
		{ "query-timeout", &c->query_timeout_ms },
		{ "decision-timeout", &c->decision_timeout_ms },
		{ "cpu-window", &c->cpu_window_ms },
		{ "idle-check", &c->idle_check_ms },
		{ "recheck", &c->recheck_ms },
		{ "recheck-max", &c->recheck_max_ms },
		{ "restart-window", &c->restart_window_ms },
		{ "restart-backoff", &c->restart_backoff_ms },
		{ "restart-backoff-max", &c->restart_backoff_max_ms },
		{ "restart-grace", &c->restart_grace_ms },
		{ "ready-window", &c->ready_window_ms },
		{ "viewer-header-timeout", &c->viewer_header_timeout_ms },
		{ "viewer-idle-timeout", &c->viewer_idle_timeout_ms },
		{ "admin-header-timeout", &c->admin_header_timeout_ms },
	};
	struct {
		const char	*key;
		double		*d;
		double		 min, max;
	} dbls[] = {
		{ "weight-cpu", &c->policy.w_cpu, 0, 1000 },
		{ "weight-mem", &c->policy.w_mem, 0, 1000 },
		{ "weight-net", &c->policy.w_net, 0, 1000 },
	};
	struct {
		const char	*key;
		unsigned	*u;
		unsigned	 min, max;
	} uints[] = {
		{ "suspect-after", &c->suspect_after, 1, 100 },
		{ "restart-limit", &c->restart_limit, 0, 1000 },
		{ "max-inflight", &c->max_inflight, 1, 64 },
		{ "retry-after", &c->retry_after_s, 1, 3600 },
		{ "token-lifetime", &c->token_lifetime_s, 1, 86400 * 7 },
		{ "max-viewer-connections", &c->max_viewer_conns, 1, 1000000 },
		{ "max-admin-connections", &c->max_admin_conns, 1, 100000 },
	};
	size_t		i;
	unsigned	u;

	if (conf_balance_key(cx, k, v, line))
		return (1);
	for (i = 0; i < nitems(durs); i++) {
		if (strcmp(k, durs[i].key) != 0)
			continue;
		if (conf_parse_duration(v, durs[i].ms) == -1)
			conf_error(cx, line, "%s: bad duration \"%s\" "
			    "(e.g. 500ms, 2s, 1m)", k, v);
		if (durs[i].ms == &c->viewer_header_timeout_ms)
			cx->header_timeout_set = 1;
		if (durs[i].ms == &c->ready_window_ms)
			cx->ready_window_set = 1;
		return (1);
	}
	for (i = 0; i < nitems(dbls); i++) {
		if (strcmp(k, dbls[i].key) != 0)
			continue;
		if (parse_double(v, dbls[i].min, dbls[i].max, dbls[i].d))
			conf_error(cx, line, "%s: \"%s\" is not a number in "
			    "%g..%g", k, v, dbls[i].min, dbls[i].max);
		return (1);
	}
	for (i = 0; i < nitems(uints); i++) {
		if (strcmp(k, uints[i].key) != 0)
			continue;
		if (parse_uint(v, uints[i].max, &u) || u < uints[i].min)
			conf_error(cx, line, "%s: \"%s\" is not an integer "
			    "in %u..%u", k, v, uints[i].min, uints[i].max);
		else
			*uints[i].u = u;
		return (1);
	}
	if (strcmp(k, "listen") == 0 || strcmp(k, "admin-listen") == 0) {
		if (check_hostport(v) == -1)
			conf_error(cx, line, "%s: \"%s\" is not host:port",
			    k, v);
		else
			set_str(k[0] == 'l' ? &c->listen : &c->admin_listen, v);
	} else if (strcmp(k, "recovery") == 0) {
		if (parse_bool(v, &c->recovery) == -1)
			conf_error(cx, line, "recovery: \"%s\" is not on or off",
			    v);
	} else if (strcmp(k, "admin-host") == 0) {
		conf_admin_hosts(cx, line, v);
	} else if (strcmp(k, "policy") == 0) {
		if (policy_kind_parse(v, &c->policy.kind) == -1)
			conf_error(cx, line, "policy: \"%s\" is not one of "
			    "least-predicted, least-load, two-choices, "
			    "round-robin, least-streams", v);
	} else if (strcmp(k, "token-secret-file") == 0) {
		free(cx->secret_file);
		cx->secret_file = conf_path(cx, v);
		cx->secret_line = line;
	} else if (strcmp(k, "admin-token-file") == 0) {
		free(cx->admin_token_file);
		cx->admin_token_file = conf_path(cx, v);
		cx->token_line = line;
	} else if (strcmp(k, "max-admin-output") == 0) {
		if (parse_uint(v, 4095u * 1024 * 1024, &u) || u < 1024 * 1024)
			conf_error(cx, line, "max-admin-output: \"%s\" is not "
			    "a byte count in 1048576..4293918720", v);
		else
			c->max_admin_output = u;
	} else if (strcmp(k, "access-log") == 0) {
		free(c->access_log);
		c->access_log = *v == '\0' ? NULL : strcmp(v, "-") == 0 ?
		    xstrdup(v) : conf_path(cx, v);
	} else if (strcmp(k, "log-timestamps") == 0) {
		if (log_stamp_parse(v, &c->log_stamp) == -1)
			conf_error(cx, line, "log-timestamps: \"%s\" is not "
			    "auto, on or off", v);
	} else if (strcmp(k, "max-response") == 0) {
		if (parse_uint(v, 256u * 1024 * 1024, &u) || u < 4096)
			conf_error(cx, line, "max-response: \"%s\" is not a "
			    "byte count in 4096..268435456", v);
		else
			c->max_response = u;
	} else
		return (0);
	return (1);
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (1);
	return (0);
}

static int
conf_node_key(struct conf_ctx *cx, struct conf_node *n, const char *k,
    const char *v, int line)
{
	if (strcmp(k, "url") == 0) {
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0)
			conf_error(cx, line, "url: \"%s\" must start with "
			    "http:// or https://", v);
		else
			set_str(&n->url, v);
	} else if (strcmp(k, "protocol") == 0) {
		if (wbem_proto_parse(v, &n->proto) == -1)
			conf_error(cx, line, "protocol: \"%s\" is not cimxml "
			    "or wsman", v);
	} else if (strcmp(k, "namespace") == 0)
		set_str(&n->ns, v);
	else if (strcmp(k, "credentials") == 0) {
		free(n->credentials);
		n->credentials = conf_path(cx, v);
	} else if (strcmp(k, "auth") == 0) {
		if (http_auth_parse(v, &n->auth) == -1)
			conf_error(cx, line, "auth: \"%s\" is not any, basic, "
			    "digest, ntlm or negotiate", v);
	} else if (strcmp(k, "cacert") == 0) {
		free(n->cacert);
		n->cacert = conf_path(cx, v);
	} else if (strcmp(k, "insecure") == 0) {
		if (parse_bool(v, &n->insecure) == -1)
			conf_error(cx, line, "insecure: \"%s\" is not yes or "
			    "no", v);
	} else if (strcmp(k, "allow-unencrypted") == 0) {
		if (parse_bool(v, &n->allow_unencrypted) == -1)
			conf_error(cx, line, "allow-unencrypted: \"%s\" is not "
			    "yes or no", v);
	} else if (strcmp(k, "enabled") == 0) {
		if (parse_bool(v, &n->enabled) == -1)
			conf_error(cx, line, "enabled: \"%s\" is not yes or "
			    "no", v);
	} else if (strcmp(k, "weight") == 0) {
		if (parse_double(v, 0.01, 1000, &n->weight) == -1)
			conf_error(cx, line, "weight: \"%s\" is not a number "
			    "in 0.01..1000", v);
	} else if (strcmp(k, "stream-url") == 0)
		set_str(&n->stream_url, v);
	else if (strcmp(k, "process") == 0) {
		if (!profile_name_ok(v))
			conf_error(cx, line, "process: \"%s\" may not contain "
			    "quotes, backslashes or control characters", v);
		else
			set_str(&n->process, v);
	} else if (strcmp(k, "service") == 0) {
		if (!profile_name_ok(v))
			conf_error(cx, line, "service: \"%s\" may not contain "
			    "quotes, backslashes or control characters", v);
		else
			set_str(&n->service, v);
	} else if (conf_sessions_key(cx, &n->sessions_class,
	    &n->sessions_property, &n->sessions_instance, k, v, line))
		;
	else if (strcmp(k, "command") == 0 || strcmp(k, "directory") == 0) {
		/* Sent as a CIM string: control characters are not valid XML. */
		if (has_control(v))
			conf_error(cx, line, "%s: control characters are not "
			    "allowed", k);
		else if (strlen(v) > CONF_MAX_COMMAND)
			conf_error(cx, line, "%s: %zu bytes, longer than the "
			    "%d characters Windows takes", k, strlen(v),
			    CONF_MAX_COMMAND);
		else
			set_str(k[0] == 'c' ? &n->command : &n->directory, v);
	} else
		return (0);
	return (1);
}

/* ASCII whatever the locale: isalnum() may take a Latin-1 letter. */
static int
conf_alnum(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'));
}

/*
 * A node's name goes into logs, JSON, URL paths, Prometheus labels and
 * the CLI's arguments: plain ASCII that none of them has to escape, with
 * no "." or ".." path segment and no leading "-" that reads as an option.
 */
static int
conf_name_ok(const char *s)
{
	size_t	n;

	if (!conf_alnum(s[0]))
		return (0);
	for (n = 0; s[n] != '\0'; n++)
		if (!conf_alnum(s[n]) && s[n] != '.' && s[n] != '_' &&
		    s[n] != '-')
			return (0);
	return (n < CONF_NAME_MAX);
}

/* s for a message: bytes outside printable ASCII as \xNN. */
static void
conf_show(const char *s, char *out, size_t outlen)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 5 < outlen; s++) {
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			out[o++] = *s;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x",
			    (unsigned char)*s);
	}
	out[o] = '\0';
}

/*
 * A node's defaults.  A refused section (bad name, defined twice, one too
 * many) still gets one, the scratch node, so its keys are checked and
 * their errors reported with the section's (cur_node -3).
 */
static void
conf_node_init(struct conf_ctx *cx, struct conf_node *n, const char *nm)
{
	if (n == &cx->scratch) {
		conf_node_clear(n);
		cx->cur_node = -3;
	}
	memset(n, 0, sizeof(*n));
	strlcpy(n->name, nm, sizeof(n->name));
	n->line = cx->rd.line;
	n->weight = 1;
	n->enabled = 1;
	n->proto = WBEM_PROTO_CIMXML;
	n->ns = xstrdup("root/cimv2");
	n->stream_url = xstrdup("http://{host}:8554/vod/{title}");
}

/*
 * Section headers are seen here, in the reader, because packaged inih does
 * not call the handler for a section without keys: this is where a node
 * starts, gets its defaults and its line number, and where a duplicate is
 * caught.
 */
static void
conf_section(struct conf_ctx *cx, const char *line)
{
	struct conf		*c = cx->conf;
	struct conf_node	*n;
	char			 sec[256], shown[sizeof(sec) * 4];
	const char		*p, *e, *nm;
	size_t			 i, len;

	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '[' || (e = strchr(p, ']')) == NULL)
		return;
	len = (size_t)(e - p - 1);
	if (len >= sizeof(sec))
		len = sizeof(sec) - 1;
	memcpy(sec, p + 1, len);
	sec[len] = '\0';
	cx->cur_node = -2;
	if (strcmp(sec, "cimheadd") == 0) {
		cx->cur_node = -1;
		return;
	}
	if (strncmp(sec, "node ", 5) != 0) {
		conf_error(cx, cx->rd.line, "unknown section [%s] (want "
		    "[cimheadd] or [node NAME])", sec);
		return;
	}
	for (nm = sec + 5; *nm == ' '; nm++)
		;
	if (!conf_name_ok(nm)) {
		conf_show(nm, shown, sizeof(shown));
		conf_error(cx, cx->rd.line, "bad node name \"%s\": want 1 to "
		    "%d letters, digits, '.', '_' or '-', starting with a "
		    "letter or digit", shown, CONF_NAME_MAX - 1);
		conf_node_init(cx, &cx->scratch, shown);
		return;
	}
	for (i = 0; i < c->nnodes; i++) {
		if (strcmp(c->nodes[i].name, nm) == 0) {
			conf_error(cx, cx->rd.line, "node \"%s\" defined twice "
			    "(first at line %d)", nm, c->nodes[i].line);
			conf_node_init(cx, &cx->scratch, nm);
			return;
		}
	}
	if (c->nnodes >= CONF_MAX_NODES) {
		conf_error(cx, cx->rd.line, "too many nodes: at most %d",
		    CONF_MAX_NODES);
		conf_node_init(cx, &cx->scratch, nm);
		return;
	}
	c->nodes = xreallocarray(c->nodes, c->nnodes + 1, sizeof(*c->nodes));
	n = &c->nodes[c->nnodes];
	conf_node_init(cx, n, nm);
	cx->cur_node = (int)c->nnodes++;
}

static int
conf_handler(void *arg, const char *section, const char *key,
    const char *value)
{
	struct conf_ctx	*cx = arg;
	struct conf_node *n;
	int		 line = cx->rd.line;

	if (key == NULL || cx->cur_node == -2)
		return (1);	/* a bad section was reported at its header */
	/* inih was handed "key=-" for a line too long for its buffer. */
	if (cx->rd.long_value != NULL)
		value = cx->rd.long_value;
	if (cx->cur_node == -1) {
		if (!conf_global(cx, key, value, line))
			conf_error(cx, line, "unknown key \"%s\" in "
			    "[cimheadd]", key);
		return (1);
	}
	n = cx->cur_node == -3 ? &cx->scratch :
	    &cx->conf->nodes[cx->cur_node];
	if (!conf_node_key(cx, n, key, value, line))
		conf_error(cx, line, "unknown key \"%s\" in [node %s]", key,
		    n->name);
	return (1);
}

/* A secret file by the library's one rule (secret.c); NULL when refused. */
static char *
conf_secret(struct conf_ctx *cx, const char *path, int line, size_t *lenp)
{
	char	*data, why[256];

	switch (secret_read(path, SECRET_MAX, &data, lenp, why, sizeof(why))) {
	case -1:
		conf_error(cx, line, "%s: %s", path, why);
		return (NULL);
	case 1:
		conf_warning(cx, line, "%s: %s", path, why);
		break;
	}
	return (data);
}

/* Credentials file: the user on the first line, the password on the second. */
static void
conf_credentials(struct conf_ctx *cx, struct conf_node *n)
{
	char	*data, *nl, *pw;
	size_t	 len;

	if ((data = conf_secret(cx, n->credentials, n->line, &len)) == NULL)
		return;
	nl = strchr(data, '\n');
	if (nl == NULL) {
		conf_error(cx, n->line, "%s: want the user on line 1 and the "
		    "password on line 2", n->credentials);
		goto done;
	}
	*nl = '\0';
	pw = nl + 1;
	pw[strcspn(pw, "\r\n")] = '\0';
	data[strcspn(data, "\r")] = '\0';
	if (*data == '\0') {
		conf_error(cx, n->line, "%s: empty user", n->credentials);
		goto done;
	}
	n->user = xstrdup(data);
	n->password = xstrdup(pw);
done:
	secret_wipe(data, len);
	free(data);
}

static int
is_loopback(const char *hostport)
{
	struct in_addr	a;
	char		host[256];
	unsigned	port;

	if (hostport_split(hostport, host, sizeof(host), 0, &port) == -1)
		return (0);
	/* 127.0.0.0/8 as an address: "127.example.com" is not loopback. */
	if (inet_pton(AF_INET, host, &a) == 1)
		return ((ntohl(a.s_addr) >> 24) == 127);
	return (strcmp(host, "::1") == 0 ||
	    str_casecmp_ascii(host, "localhost") == 0);
}

/*
 * Plain http carries whatever the node is sent in the clear: refused at
 * check time unless the node says it knows.  WinRM over http sends every
 * reply in the clear, so a wsman node needs the key with or without
 * credentials; a cimxml node only when it has credentials, which a
 * server's 401 would otherwise draw out in Basic (issue 17, item 8).
 */
static void
conf_check_plain(struct conf_ctx *cx, const struct conf_node *n)
{
	int	plain, creds = n->user != NULL;

	plain = n->url != NULL && strncmp(n->url, "http://", 7) == 0;
	if (!plain) {
		if (n->allow_unencrypted)
			conf_warning(cx, n->line, "node %s: allow-unencrypted "
			    "has no effect on an https url", n->name);
		return;
	}
	if (n->proto == WBEM_PROTO_WSMAN) {
		if (!n->allow_unencrypted)
			conf_error(cx, n->line, "node %s: WS-Management over "
			    "plain http is refused; use https:// or set "
			    "allow-unencrypted = yes", n->name);
		else
			conf_warning(cx, n->line, "node %s: WS-Management over "
			    "plain http (allow-unencrypted): credentials and "
			    "replies travel in the clear", n->name);
		return;
	}
	if (!creds)
		return;
	if (!n->allow_unencrypted)
		conf_error(cx, n->line, "node %s: credentials over plain http "
		    "are refused; use https:// or set allow-unencrypted = yes",
		    n->name);
	else
		conf_warning(cx, n->line, "node %s: credentials over plain "
		    "http (allow-unencrypted) travel in the clear%s", n->name,
		    n->auth == HTTP_AUTH_ANY ? "; auth = any never sends them "
		    "in Basic over http: set auth = basic if the node takes "
		    "nothing else" : "");
}

static void
conf_check(struct conf_ctx *cx)
{
	struct conf		*c = cx->conf;
	struct conf_node	*n;
	char			 why[256];
	size_t			 i, len, cut;
	char			*data;

	for (i = 0; i < c->nnodes; i++) {
		n = &c->nodes[i];
		if (n->url == NULL)
			conf_error(cx, n->line, "node %s: no url", n->name);
		if (n->process != NULL && n->service != NULL)
			conf_error(cx, n->line, "node %s: process and service "
			    "are exclusive", n->name);
		if (n->command != NULL && n->process == NULL)
			conf_error(cx, n->line, "node %s: command without "
			    "process", n->name);
		if (n->process != NULL && n->command == NULL)
			conf_warning(cx, n->line, "node %s: no command: a "
			    "dead process is reported, not restarted", n->name);
		if (dispatch_template_check(n->stream_url, why,
		    sizeof(why)) == -1)
			conf_error(cx, n->line, "node %s: %s", n->name, why);
		if (n->credentials != NULL)
			conf_credentials(cx, n);
		if (n->insecure)
			conf_warning(cx, n->line, "node %s: TLS verification "
			    "is off", n->name);
		conf_check_plain(cx, n);
		conf_sessions_inherit(c, n);
	}
	conf_balance_check(cx);
	if (c->nnodes == 0)
		conf_error(cx, cx->rd.line, "no [node NAME] section");
	if (cx->secret_file != NULL) {
		data = conf_secret(cx, cx->secret_file, cx->secret_line, &len);
		while (data != NULL && len > 0 &&
		    (data[len - 1] == '\n' || data[len - 1] == '\r'))
			len--;
		if (data != NULL && len < 16) {
			conf_error(cx, cx->secret_line, "%s: the token secret "
			    "needs at least 16 bytes", cx->secret_file);
			secret_wipe(data, len);
			free(data);
		} else if (data != NULL) {
			c->token_secret = (unsigned char *)data;
			c->token_secret_len = len;
		}
	}
	if (cx->admin_token_file != NULL) {
		data = conf_secret(cx, cx->admin_token_file, cx->token_line,
		    &len);
		if (data != NULL) {
			/* The first line only; what follows is wiped now. */
			cut = strcspn(data, "\r\n");
			secret_wipe(data + cut, len - cut);
			if (cut < 16) {
				conf_error(cx, cx->token_line, "%s: the admin "
				    "token needs at least 16 characters",
				    cx->admin_token_file);
				secret_free(data);
			} else
				c->admin_token = data;
		}
	} else if (!is_loopback(c->admin_listen))
		conf_error(cx, cx->rd.line, "admin-listen %s is not loopback: "
		    "set admin-token-file", c->admin_listen);
	if (c->decision_timeout_ms == 0)
		conf_error(cx, cx->rd.line, "decision-timeout must be > 0");
	if (c->query_timeout_ms == 0)
		conf_error(cx, cx->rd.line, "query-timeout must be > 0");
	if (c->viewer_idle_timeout_ms < 100)
		conf_error(cx, cx->rd.line, "viewer-idle-timeout must be "
		    "at least 100ms");
	/*
	 * A parked viewer must get its answer before its head deadline.
	 * Left unset, the deadline follows a long decision-timeout.
	 */
	if (!cx->header_timeout_set &&
	    c->viewer_header_timeout_ms < c->decision_timeout_ms + 5000)
		c->viewer_header_timeout_ms = c->decision_timeout_ms + 5000;
	if (c->viewer_header_timeout_ms <= c->decision_timeout_ms)
		conf_error(cx, cx->rd.line, "viewer-header-timeout must be "
		    "longer than decision-timeout");
	if (c->admin_header_timeout_ms < 100)
		conf_error(cx, cx->rd.line, "admin-header-timeout must be "
		    "at least 100ms");
}

struct conf *
conf_parse(const char *text, const char *name, struct buf *errs,
    struct buf *warns)
{
	struct conf_ctx	 cx;
	struct conf	*c;
	size_t		 dirlen;
	int		 r;

	memset(&cx, 0, sizeof(cx));
	c = xcalloc(1, sizeof(*c));
	conf_defaults(c);
	c->path = xstrdup(name);
	cx.conf = c;
	cx.name = name;
	cx.errs = errs;
	cx.warns = warns;
	cx.cur_node = -1;
	if ((dirlen = compat_path_dirlen(name)) < sizeof(cx.dir))
		memcpy(cx.dir, name, dirlen);
	cx.rd.p = text;
	cx.rd.line = 0;
	r = ini_parse_stream(conf_read_line, &cx.rd, conf_handler, &cx);
	/* The reader reports every line inih refuses: this is a backstop. */
	if (r > 0 && cx.err_line != r)
		conf_error(&cx, r, "syntax error (want key = value or "
		    "[section])");
	else if (r < 0)
		conf_error(&cx, 0, "cannot parse");
	/* After errors too: one bad line must not hide the rest. */
	conf_check(&cx);
	if (cx.ndropped != 0 && errs != NULL)
		buf_printf(errs, "%s:0: %zu more messages not shown\n", name,
		    cx.ndropped);
	free(cx.rd.long_value);
	conf_node_clear(&cx.scratch);
	free(cx.secret_file);
	free(cx.admin_token_file);
	if (cx.nerr != 0) {
		conf_free(c);
		return (NULL);
	}
	return (c);
}

struct conf *
conf_load(const char *path, struct buf *errs, struct buf *warns)
{
	struct conf	*c;
	struct buf	 text;
	char		 chunk[8192];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(path, FOPEN_RE)) == NULL) {
		buf_printf(errs, "%s:0: %s\n", path, strerror(errno));
		return (NULL);
	}
	buf_init(&text, CONF_MAX_BYTES);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&text, chunk, n) == -1) {
			buf_printf(errs, "%s:0: larger than %d bytes\n", path,
			    CONF_MAX_BYTES);
			fclose(f);
			buf_release(&text);
			return (NULL);
		}
	}
	fclose(f);
	if (text.data != NULL && memchr(text.data, '\0', text.len) != NULL) {
		buf_printf(errs, "%s:0: contains a NUL byte\n", path);
		buf_release(&text);
		return (NULL);
	}
	c = conf_parse(text.data != NULL ? text.data : "", path, errs, warns);
	buf_release(&text);
	return (c);
}

static void
conf_node_clear(struct conf_node *n)
{
	free(n->url);
	free(n->ns);
	free(n->credentials);
	free(n->user);
	secret_free(n->password);
	free(n->cacert);
	free(n->stream_url);
	free(n->process);
	free(n->command);
	free(n->directory);
	free(n->service);
	free(n->sessions_class);
	free(n->sessions_property);
	free(n->sessions_instance);
}

void
conf_free(struct conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nnodes; i++)
		conf_node_clear(&c->nodes[i]);
	free(c->nodes);
	free(c->path);
	free(c->listen);
	free(c->admin_listen);
	free(c->admin_hosts);
	free(c->access_log);
	free(c->sessions_class);
	free(c->sessions_property);
	free(c->sessions_instance);
	secret_free(c->admin_token);
	secret_wipe(c->token_secret, c->token_secret_len);
	free(c->token_secret);
	free(c);
}

const struct conf_node *
conf_node_find(const struct conf *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			return (&c->nodes[i]);
	return (NULL);
}
