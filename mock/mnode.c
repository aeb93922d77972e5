/*
 * mnode.c: one virtual cluster node of cimmockd: its CIM-XML port (which
 * also serves the stream endpoint GET /vod/<title>), its process table
 * with the streaming server that can be killed and restarted (via
 * Win32_Process.Create or Win32_Service.StartService after a start
 * delay), the load model fed by the bytes the streams really send, and
 * the fault currently injected.  Instances are generated on demand from
 * that state, unless the scenario pinned static instances of a class.
 */
#include "config.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mock.h"

#define NODE_TICK_MS	50
#define NODE_SEND_MAX	(256u * 1024)	/* bytes queued per stream at most */

struct stream {
	TAILQ_ENTRY(stream) entry;
	struct mnode	*node;
	struct httpd_req *req;
	uint64_t	 off, end;	/* next byte to send, one past last */
	uint32_t	 seed;
	size_t		 accounted;	/* of httpd_sent() */
	double		 credit;	/* bytes the pacing allows now */
};

struct mnode {
	struct event_base *base;
	const struct mof_schema *schema;
	struct mnode_conf conf;
	struct httpd	*srv;
	struct event	*tick;
	struct event	*start_timer;
	struct event	*death_timer;	/* FAULT_FLAP */
	uint64_t	 wrap_idle, wrap_sent, wrap_recv;	/* FAULT_WRAP: zeros */
	struct load_state load;
	uint64_t	 last_tick;
	TAILQ_HEAD(, stream) streams;
	unsigned	 nstreams;
	enum proc_state	 pstate;
	uint32_t	 pid;		/* of the streaming server */
	uint32_t	 next_pid;
	uint64_t	 boot_wall;
	uint64_t	 creates;	/* Win32_Process.Create calls */
	uint64_t	 requests;
	size_t		 nextra;
	struct proc	*extra;		/* started by Create */
	struct inst_list created;	/* CreateInstance's, any class */
	struct mock_objs classes;	/* CreateClass's */
	struct mock_objs qualdecls;	/* SetQualifier's */
};

static void	mnode_request_cb(struct httpd_req *, void *);
static void	mnode_tick_cb(evutil_socket_t, short, void *);
static void	mnode_start_cb(evutil_socket_t, short, void *);
static void	mnode_death_cb(evutil_socket_t, short, void *);
static void	mnode_stream_gone_cb(struct httpd_req *, void *);

static const char *const proc_state_names[] = {
	"running", "stopped", "starting",
};

const char *
proc_state_name(enum proc_state s)
{
	return ((size_t)s < nitems(proc_state_names) ?
	    proc_state_names[s] : "unknown");
}

static const char *const fault_names[] = {
	"none", "hang", "refuse", "reset", "garbage", "truncate", "oversize",
	"http401", "http500", "cimerror", "drip", "ctype", "flap", "createfail",
	"clockjump", "wrap",
};

const char *
fault_kind_name(enum fault_kind k)
{
	return ((size_t)k < nitems(fault_names) ? fault_names[k] : "unknown");
}

int
fault_kind_parse(const char *s, enum fault_kind *k)
{
	size_t	i;

	for (i = 0; i < nitems(fault_names); i++)
		if (str_casecmp_ascii(fault_names[i], s) == 0) {
			*k = (enum fault_kind)i;
			return (0);
		}
	return (-1);
}

void
mnode_conf_init(struct mnode_conf *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->name, name, sizeof(c->name));
	strlcpy(c->host, name, sizeof(c->host));
	strlcpy(c->addr, "127.0.0.1", sizeof(c->addr));
	c->bitrate = 4000000;
	c->title_bytes = 256ULL * 1024 * 1024;
	c->load.ncpu = 2;
	c->load.base_cpu = 5;
	c->load.stream_cpu = 2;
	c->load.mem_total = 17179332608ULL;
	c->load.mem_base_used = 4ULL * 1024 * 1024 * 1024;
	c->load.stream_mem = 64ULL * 1024 * 1024;
	c->load.bandwidth = 1000000000ULL;
	strlcpy(c->cpu_model, "Intel(R) Xeon(R) CPU E5-2640 v4 @ 2.40GHz",
	    sizeof(c->cpu_model));
	strlcpy(c->netif, "Intel[R] Ethernet Connection I217-LM",
	    sizeof(c->netif));
	c->dialect = WQL_PEGASUS;
	c->mode = PROC_MODE_PROCESS;
	strlcpy(c->stream_proc, "vodstream.exe", sizeof(c->stream_proc));
	c->stream_cmdline = xstrdup("\"C:\\Program Files\\VodStream\\"
	    "vodstream.exe\" --port 8554 --cache D:\\vod");
	c->stream_path = xstrdup("C:\\Program Files\\VodStream\\vodstream.exe");
	strlcpy(c->service, "VodStream", sizeof(c->service));
	c->stream_pid = 2345;
	c->start_delay_ms = 500;
	c->wsman_quota = 15;		/* MaxConcurrentOperationsPerUser */
	c->wsman_ctx_ttl_ms = 60000;
}

static void
mnode_procs_free(struct proc *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].cmdline);
		free(p[i].path);
	}
	free(p);
}

void
mnode_conf_clear(struct mnode_conf *c)
{
	free(c->user);
	free(c->password);
	free(c->stream_cmdline);
	free(c->stream_path);
	mnode_procs_free(c->procs, c->nprocs);
	inst_list_clear(&c->pinned);
	while (c->ncreate_rc > 0)
		free(c->create_rc[--c->ncreate_rc].program);
	free(c->create_rc);
	memset(c, 0, sizeof(*c));
}

static char *
mnode_strdup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

void
mnode_conf_copy(struct mnode_conf *d, const struct mnode_conf *s)
{
	size_t	i;

	*d = *s;
	d->user = mnode_strdup(s->user);
	d->password = mnode_strdup(s->password);
	d->stream_cmdline = mnode_strdup(s->stream_cmdline);
	d->stream_path = mnode_strdup(s->stream_path);
	d->procs = xcalloc(s->nprocs ? s->nprocs : 1, sizeof(*d->procs));
	for (i = 0; i < s->nprocs; i++) {
		d->procs[i].pid = s->procs[i].pid;
		d->procs[i].name = mnode_strdup(s->procs[i].name);
		d->procs[i].cmdline = mnode_strdup(s->procs[i].cmdline);
		d->procs[i].path = mnode_strdup(s->procs[i].path);
	}
	memset(&d->pinned, 0, sizeof(d->pinned));
	for (i = 0; i < s->pinned.n; i++)
		inst_list_add(&d->pinned, inst_dup(s->pinned.v[i]));
	d->create_rc = xcalloc(s->ncreate_rc ? s->ncreate_rc : 1,
	    sizeof(*d->create_rc));
	for (i = 0; i < s->ncreate_rc; i++) {
		d->create_rc[i].program = xstrdup(s->create_rc[i].program);
		d->create_rc[i].rc = s->create_rc[i].rc;
	}
}

struct mnode *
mnode_new(struct event_base *base, const struct mof_schema *schema,
    const struct mnode_conf *conf, char *err, size_t errlen)
{
	struct mnode	*n;
	struct timeval	 tv;

	n = xcalloc(1, sizeof(*n));
	n->base = base;
	n->schema = schema;
	mnode_conf_copy(&n->conf, conf);
	TAILQ_INIT(&n->streams);
	n->pstate = PROC_RUNNING;
	n->pid = conf->stream_pid;
	n->next_pid = 5000;
	n->boot_wall = wall_ms() - 3600 * 1000;
	n->srv = httpd_new(base, conf->addr, conf->port, mnode_request_cb, n);
	if (n->srv == NULL) {
		snprintf(err, errlen, "%s: cannot listen on %s:%d", conf->name,
		    conf->addr, conf->port);
		mnode_conf_clear(&n->conf);
		free(n);
		return (NULL);
	}
	load_init(&n->load, &conf->load, mono_ms(), wall_ms());
	n->last_tick = mono_ms();
	n->tick = event_new(base, -1, EV_PERSIST, mnode_tick_cb, n);
	ms_to_tv(NODE_TICK_MS, &tv);
	event_add(n->tick, &tv);
	n->start_timer = evtimer_new(base, mnode_start_cb, n);
	n->death_timer = evtimer_new(base, mnode_death_cb, n);
	mnode_set_fault(n, &conf->fault);
	return (n);
}

/* Brings the load model up to now, before the stream count changes. */
static void
mnode_load_sync(struct mnode *n)
{
	load_advance(&n->load, &n->conf.load, n->nstreams, mono_ms());
}

static void
mnode_streams_close(struct mnode *n)
{
	struct stream	*s;

	mnode_load_sync(n);
	while ((s = TAILQ_FIRST(&n->streams)) != NULL) {
		struct httpd_req *req = s->req;

		TAILQ_REMOVE(&n->streams, s, entry);
		n->nstreams--;
		free(s);
		httpd_on_gone(req, NULL, NULL);
		httpd_done(req, 0);
	}
}

void
mnode_free(struct mnode *n)
{
	if (n == NULL)
		return;
	mnode_streams_close(n);
	wssrv_node_gone(n);
	cimsrv_node_gone(n);
	httpd_free(n->srv);
	event_free(n->tick);
	event_free(n->start_timer);
	event_free(n->death_timer);
	mnode_procs_free(n->extra, n->nextra);
	inst_list_clear(&n->created);
	objs_clear(&n->classes);
	objs_clear(&n->qualdecls);
	mnode_conf_clear(&n->conf);
	free(n);
}

const char *
mnode_name(const struct mnode *n)
{
	return (n->conf.name);
}

int
mnode_port(const struct mnode *n)
{
	return (httpd_port(n->srv));
}

const struct mnode_conf *
mnode_conf(const struct mnode *n)
{
	return (&n->conf);
}

const struct mof_schema *
mnode_schema(const struct mnode *n)
{
	return (n->schema);
}

struct event_base *
mnode_base(const struct mnode *n)
{
	return (n->base);
}

struct load_state *
mnode_load(struct mnode *n)
{
	return (&n->load);
}

void
mnode_count_request(struct mnode *n)
{
	n->requests++;
}

unsigned
mnode_streams(const struct mnode *n)
{
	return (n->nstreams);
}

enum proc_state
mnode_proc_state(const struct mnode *n)
{
	return (n->pstate);
}

uint32_t
mnode_proc_pid(const struct mnode *n)
{
	return (n->pid);
}

const struct fault *
mnode_fault(const struct mnode *n)
{
	return (&n->conf.fault);
}

/* A flapping process dies lifetime_ms after it is seen running. */
static void
mnode_flap_arm(struct mnode *n)
{
	struct timeval	tv;
	unsigned	ms = n->conf.fault.lifetime_ms;

	evtimer_del(n->death_timer);
	if (n->conf.fault.kind != FAULT_FLAP || n->pstate != PROC_RUNNING)
		return;
	ms_to_tv(ms, &tv);
	evtimer_add(n->death_timer, &tv);
}

static void
mnode_death_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mnode	*n = arg;

	log_info("%s: flapping: %s dies", n->conf.name, n->conf.stream_proc);
	(void)mnode_kill(n);
}

void
mnode_set_fault(struct mnode *n, const struct fault *f)
{
	n->conf.fault = *f;
	httpd_set_refuse(n->srv, f->kind == FAULT_REFUSE);
	if (f->kind == FAULT_WRAP) {
		/* the counters restart from zero, as after a wrap or reboot */
		mnode_tick_cb(-1, 0, n);
		n->wrap_idle = load_raw_idle(&n->load);
		n->wrap_sent = n->load.bytes_sent;
		n->wrap_recv = n->load.bytes_recv;
	} else
		n->wrap_idle = n->wrap_sent = n->wrap_recv = 0;
	mnode_flap_arm(n);
	if (f->kind != FAULT_NONE || f->latency_ms != 0)
		log_info("%s: fault %s (latency %u ms)", n->conf.name,
		    fault_kind_name(f->kind), f->latency_ms);
}

void
mnode_clear_fault(struct mnode *n)
{
	struct fault	none;

	memset(&none, 0, sizeof(none));
	mnode_set_fault(n, &none);
	log_info("%s: faults cleared", n->conf.name);
}

void
mnode_set_load(struct mnode *n, const uint64_t *bg, const double *base_cpu,
    const unsigned *extra)
{
	mnode_tick_cb(-1, 0, n);		/* integrate up to now first */
	if (bg != NULL)
		n->conf.load.background_bps = *bg;
	if (base_cpu != NULL)
		n->conf.load.base_cpu = *base_cpu;
	if (extra != NULL)
		n->conf.load.extra_streams = *extra;
}

/* ---- the streaming server process --------------------------------------- */

int
mnode_kill(struct mnode *n)
{
	if (n->pstate == PROC_STOPPED)
		return (-1);
	evtimer_del(n->start_timer);
	evtimer_del(n->death_timer);
	n->pstate = PROC_STOPPED;
	mnode_streams_close(n);
	log_info("%s: %s (pid %u) killed", n->conf.name, n->conf.stream_proc,
	    n->pid);
	return (0);
}

uint32_t
mnode_start(struct mnode *n, unsigned delay_ms)
{
	struct timeval	tv;

	if (n->pstate != PROC_STOPPED)
		return (n->pid);
	n->pid = n->next_pid;
	n->next_pid += 8;
	n->pstate = PROC_STARTING;
	ms_to_tv(delay_ms, &tv);
	evtimer_add(n->start_timer, &tv);
	log_info("%s: starting %s (pid %u) in %u ms", n->conf.name,
	    n->conf.stream_proc, n->pid, delay_ms);
	return (n->pid);
}

static void
mnode_start_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mnode	*n = arg;

	n->pstate = PROC_RUNNING;
	log_info("%s: %s running (pid %u)", n->conf.name, n->conf.stream_proc,
	    n->pid);
	mnode_flap_arm(n);
}

/*
 * Does the command line start the program path?  Quoted: the quoted text.
 * Unquoted: like CreateProcess, any prefix ending at a space (or the whole
 * line) may name it, so C:\Program Files\X\x.exe -a works unquoted.
 */
static int
mnode_cmd_runs(const char *cmd, const char *path)
{
	size_t	n;

	if (path == NULL)
		return (0);
	while (*cmd == ' ')
		cmd++;
	n = strlen(path);
	if (*cmd == '"')
		return (strncasecmp(cmd + 1, path, n) == 0 && cmd[1 + n] == '"');
	return (strncasecmp(cmd, path, n) == 0 &&
	    (cmd[n] == '\0' || cmd[n] == ' '));
}

/* The program of a command line: "quoted path" or the first word. */
static void
mnode_program(const char *cmd, char *out, size_t outlen)
{
	size_t	n;

	while (*cmd == ' ')
		cmd++;
	if (*cmd == '"') {
		cmd++;
		n = strcspn(cmd, "\"");
	} else
		n = strcspn(cmd, " ");
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, cmd, n);
	out[n] = '\0';
}

/*
 * The scenario's create_rc rule for a program: an exact path (ASCII
 * case-insensitive, as Windows compares them) wins over the longest
 * "PREFIX*"; NULL when none matches.
 */
static const struct create_rc *
mnode_create_rule(const struct mnode_conf *c, const char *prog)
{
	const struct create_rc	*best = NULL;
	size_t			 i, len, best_len = 0;

	for (i = 0; i < c->ncreate_rc; i++) {
		len = strlen(c->create_rc[i].program);
		if (len > 0 && c->create_rc[i].program[len - 1] == '*') {
			len--;
			if (strncasecmp(prog, c->create_rc[i].program,
			    len) == 0 && best_len != SIZE_MAX &&
			    (best == NULL || len >= best_len)) {
				best = &c->create_rc[i];
				best_len = len;
			}
		} else if (str_casecmp_ascii(prog,
		    c->create_rc[i].program) == 0) {
			best = &c->create_rc[i];
			best_len = SIZE_MAX;
		}
	}
	return (best);
}

/* A new process for a program Create started (not the streaming server). */
static uint32_t
mnode_add_extra(struct mnode *n, const char *name, const char *cmd,
    const char *path)
{
	n->extra = xreallocarray(n->extra, n->nextra + 1, sizeof(*n->extra));
	n->extra[n->nextra].pid = n->next_pid;
	n->extra[n->nextra].name = xstrdup(name);
	n->extra[n->nextra].cmdline = xstrdup(cmd);
	n->extra[n->nextra].path = xstrdup(path);
	n->nextra++;
	n->next_pid += 8;
	return (n->next_pid - 8);
}

/*
 * Win32_Process.Create as the mock models it: no command line is 21
 * (invalid parameter); the streaming server's program starts it (0 and
 * the pid; when it already runs or is starting, 0 and that pid); the
 * program is the streaming server when it is its configured path or its
 * bare file name (found on the PATH); a
 * program under C:\Windows\ is 2 (access denied: the provider's account
 * may not start system programs); another program the node knows (the
 * ExecutablePath of a listed process) starts a copy (0); any other
 * program does not exist on the node: 9 (path not found).  A scenario's
 * create_rc rule for the program comes first (for the streaming server
 * only a rule naming its program exactly): its code, and for 0 the
 * program starts (the streaming server, or a new process).
 */
uint32_t
mnode_create(struct mnode *n, const char *cmd, uint32_t *pid)
{
	char			 prog[1024];
	const struct create_rc	*rule;
	const char		*base;
	struct proc		*p;
	size_t			 i;
	int			 stream;

	*pid = 0;
	n->creates++;
	if (cmd == NULL || *cmd == '\0')
		return (21);
	if (n->conf.fault.kind == FAULT_CREATEFAIL) {
		/* code 0: accepted, yet the process never appears */
		if (n->conf.fault.code == 0) {
			*pid = n->next_pid;
			n->next_pid += 8;
		}
		return (n->conf.fault.code);
	}
	mnode_program(cmd, prog, sizeof(prog));
	rule = mnode_create_rule(&n->conf, prog);
	stream = mnode_cmd_runs(cmd, n->conf.stream_path) ||
	    (strchr(prog, '\\') == NULL &&
	    str_casecmp_ascii(prog, n->conf.stream_proc) == 0);
	/* a wildcard never stops the streaming server; its own path may */
	if (stream && rule != NULL && str_casecmp_ascii(rule->program,
	    prog) != 0)
		rule = NULL;
	if (rule != NULL && rule->rc != 0)
		return (rule->rc);
	if (stream) {
		*pid = mnode_start(n, n->conf.start_delay_ms);
		return (0);
	}
	if (rule != NULL) {
		base = strrchr(prog, '\\');
		*pid = mnode_add_extra(n, base != NULL ? base + 1 : prog, cmd,
		    prog);
		return (0);
	}
	if (strncasecmp(prog, "C:\\Windows\\", 11) == 0)
		return (2);
	for (i = 0; i < n->conf.nprocs; i++) {
		p = &n->conf.procs[i];
		if (!mnode_cmd_runs(cmd, p->path))
			continue;
		*pid = mnode_add_extra(n, p->name, cmd, p->path);
		return (0);
	}
	return (9);
}

/* 0 started, 10 already running, -1 no such service. */
int
mnode_start_service(struct mnode *n, const char *name)
{
	if (n->conf.mode != PROC_MODE_SERVICE ||
	    str_casecmp_ascii(name, n->conf.service) != 0)
		return (-1);
	if (n->pstate != PROC_STOPPED)
		return (10);
	if (n->conf.fault.kind == FAULT_CREATEFAIL)
		return ((int)n->conf.fault.code);
	mnode_start(n, n->conf.start_delay_ms);
	return (0);
}

/* ---- the stream endpoint ------------------------------------------------- */

/* Deterministic bytes of a title: the same offset always has the same byte. */
static void
mnode_fill(uint32_t seed, uint64_t off, unsigned char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		uint64_t	x = off + i;

		p[i] = (unsigned char)((x * 2654435761u + seed) >> 11 ^ x);
	}
}

static void
mnode_stream_account(struct stream *s)
{
	size_t	sent = httpd_sent(s->req);

	if (sent > s->accounted) {
		load_add_sent(&s->node->load, sent - s->accounted);
		s->accounted = sent;
	}
}

static void
mnode_stream_remove(struct stream *s)
{
	mnode_load_sync(s->node);
	TAILQ_REMOVE(&s->node->streams, s, entry);
	s->node->nstreams--;
	free(s);
}

static void
mnode_stream_gone_cb(struct httpd_req *req, void *arg)
{
	struct stream	*s = arg;

	mnode_stream_account(s);
	mnode_stream_remove(s);
}

/* Parses "bytes=a-b" / "bytes=a-" / "bytes=-n"; -1 when unsatisfiable. */
static int
mnode_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to)
{
	char		 a[32], b[32];
	const char	*dash;
	uint64_t	 x, y;

	if (strncmp(h, "bytes=", 6) != 0 || (dash = strchr(h, '-')) == NULL ||
	    strchr(h, ',') != NULL)
		return (-1);
	h += 6;
	if ((size_t)(dash - h) >= sizeof(a) || strlen(dash + 1) >= sizeof(b))
		return (-1);
	memcpy(a, h, (size_t)(dash - h));
	a[dash - h] = '\0';
	strlcpy(b, dash + 1, sizeof(b));
	if (a[0] == '\0') {
		if (parse_u64(b, &y) == -1 || y == 0)
			return (-1);
		*from = y > size ? 0 : size - y;
		*to = size;
		return (0);
	}
	if (parse_u64(a, &x) == -1 || x >= size)
		return (-1);
	y = size - 1;
	if (b[0] != '\0' && parse_u64(b, &y) == -1)
		return (-1);
	if (y < x)
		return (-1);
	if (y >= size)
		y = size - 1;
	*from = x;
	*to = y + 1;
	return (0);
}

static int	mnode_token_check(const char *, const char **);
static unsigned char	*token_secret;	/* NULL: streams are not signed */
static size_t		 token_secret_len;

static void
mnode_stream_start(struct mnode *n, struct httpd_req *req)
{
	struct stream	*s;
	const char	*title = req->uri + 5, *rh, *why;
	uint64_t	 size = n->conf.title_bytes, from = 0, to = size;
	uint32_t	 seed = 5381;
	const char	*p;
	int		 partial = 0;

	if (*title == '\0' || strstr(title, "..") != NULL) {
		httpd_sendf(req, "HTTP/1.1 404 Not Found\r\n"
		    "Content-Length: 0\r\n\r\n");
		httpd_done(req, req->keepalive);
		return;
	}
	if (token_secret != NULL && mnode_token_check(req->uri, &why) == -1) {
		log_info("%s: stream %s refused: %s", n->conf.name, req->uri,
		    why);
		httpd_sendf(req, "HTTP/1.1 403 Forbidden\r\n"
		    "Content-Type: text/plain\r\nContent-Length: %zu\r\n\r\n"
		    "%s\n", strlen(why) + 1, why);
		httpd_done(req, req->keepalive);
		return;
	}
	if (n->pstate != PROC_RUNNING) {
		httpd_sendf(req, "HTTP/1.1 503 Service Unavailable\r\n"
		    "Retry-After: 1\r\nContent-Length: 0\r\n\r\n");
		httpd_done(req, req->keepalive);
		return;
	}
	if ((rh = httpd_header(req, "Range")) != NULL) {
		if (mnode_range(rh, size, &from, &to) == -1) {
			httpd_sendf(req, "HTTP/1.1 416 Range Not Satisfiable\r\n"
			    "Content-Range: bytes */%llu\r\n"
			    "Content-Length: 0\r\n\r\n",
			    (unsigned long long)size);
			httpd_done(req, req->keepalive);
			return;
		}
		partial = 1;
	}
	for (p = title; *p != '\0'; p++)
		seed = seed * 33 + (unsigned char)*p;
	if (partial)
		httpd_sendf(req, "HTTP/1.1 206 Partial Content\r\n"
		    "Content-Range: bytes %llu-%llu/%llu\r\n",
		    (unsigned long long)from, (unsigned long long)(to - 1),
		    (unsigned long long)size);
	else
		httpd_sendf(req, "HTTP/1.1 200 OK\r\n");
	httpd_sendf(req, "Content-Type: video/mp2t\r\nAccept-Ranges: bytes\r\n"
	    "Content-Length: %llu\r\n\r\n", (unsigned long long)(to - from));
	if (strcmp(req->method, "HEAD") == 0) {
		httpd_done(req, req->keepalive);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->node = n;
	s->req = req;
	s->off = from;
	s->end = to;
	s->seed = seed;
	s->credit = (double)n->conf.bitrate / 8.0 / 10.0; /* 100 ms head start */
	mnode_load_sync(n);
	TAILQ_INSERT_TAIL(&n->streams, s, entry);
	n->nstreams++;
	httpd_on_gone(req, mnode_stream_gone_cb, s);
	log_debug("%s: stream %s from %llu", n->conf.name, title,
	    (unsigned long long)from);
}

/* Paces every stream at the bitrate; ends those fully sent. */
static void
mnode_streams_pace(struct mnode *n, uint64_t dt)
{
	struct stream	*s, *next;
	unsigned char	 chunk[16384];
	size_t		 len;
	double		 share, demand;

	/*
	 * A saturated interface cannot send more than its bandwidth: the
	 * streams then share it and each falls below the bitrate.
	 */
	share = 1.0;
	demand = (double)n->conf.bitrate * n->nstreams +
	    8.0 * (double)n->conf.load.background_bps;
	if (n->conf.load.bandwidth > 0 && demand > (double)n->conf.load.bandwidth)
		share = (double)n->conf.load.bandwidth / demand;
	for (s = TAILQ_FIRST(&n->streams); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		s->credit += (double)n->conf.bitrate / 8.0 * share *
		    (double)dt / 1000.0;
		while (s->off < s->end && s->credit >= 1.0 &&
		    httpd_pending(s->req) < NODE_SEND_MAX) {
			len = sizeof(chunk);
			if ((double)len > s->credit)
				len = (size_t)s->credit;
			if (len > s->end - s->off)
				len = (size_t)(s->end - s->off);
			mnode_fill(s->seed, s->off, chunk, len);
			httpd_send(s->req, chunk, len);
			s->off += len;
			s->credit -= (double)len;
		}
		/* a stalled viewer does not bank credit */
		if (s->credit > (double)n->conf.bitrate / 8.0)
			s->credit = (double)n->conf.bitrate / 8.0;
		mnode_stream_account(s);
		if (s->off >= s->end && httpd_pending(s->req) == 0) {
			struct httpd_req *req = s->req;
			int keep = req->keepalive;

			mnode_stream_remove(s);
			httpd_on_gone(req, NULL, NULL);
			httpd_done(req, keep);
		}
	}
}

static void
mnode_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mnode	*n = arg;
	uint64_t	 now = mono_ms();

	/* the bytes paced now were sent after the time integrated so far */
	load_advance(&n->load, &n->conf.load, n->nstreams, now);
	mnode_streams_pace(n, now - n->last_tick);
	n->last_tick = now;
}

/* ---- signed stream URLs ---------------------------------------------------- */

void
mnode_token_secret(const unsigned char *secret, size_t len)
{
	free(token_secret);
	token_secret = xmalloc(len);
	memcpy(token_secret, secret, len);
	token_secret_len = len;
}

/* The value of query parameter name, copied to out; -1 when absent. */
static int
mnode_query_param(const char *query, const char *name, char *out,
    size_t outlen)
{
	const char	*p = query, *e;
	size_t		 nl = strlen(name), vl;

	while (p != NULL && *p != '\0') {
		e = p + strcspn(p, "&");
		if ((size_t)(e - p) > nl && strncmp(p, name, nl) == 0 &&
		    p[nl] == '=') {
			vl = (size_t)(e - p) - nl - 1;
			if (vl >= outlen)
				return (-1);
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			return (0);
		}
		p = *e != '\0' ? e + 1 : NULL;
	}
	return (-1);
}

/*
 * 0 if the request carries a valid, unexpired token for its path; else -1
 * with the reason.  The comparison is constant-time.
 */
static int
mnode_token_check(const char *uri, const char **why)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	char		 path[1024], msg[1200], e[32], t[130], want[130];
	const char	*q;
	uint64_t	 expires;
	size_t		 plen;
	int		 n;

	if ((q = strchr(uri, '?')) == NULL) {
		*why = "no token";
		return (-1);
	}
	plen = (size_t)(q - uri);
	if (plen >= sizeof(path)) {
		*why = "path too long";
		return (-1);
	}
	memcpy(path, uri, plen);
	path[plen] = '\0';
	if (mnode_query_param(q + 1, "e", e, sizeof(e)) == -1 ||
	    mnode_query_param(q + 1, "t", t, sizeof(t)) == -1 ||
	    parse_u64(e, &expires) == -1) {
		*why = "no token";
		return (-1);
	}
	n = snprintf(msg, sizeof(msg), "%llu:%s", (unsigned long long)expires,
	    path);
	if (n < 0 || (size_t)n >= sizeof(msg) ||
	    HMAC(EVP_sha256(), token_secret, (int)token_secret_len,
	    (const unsigned char *)msg, (size_t)n, md, &mdlen) == NULL) {
		*why = "cannot compute the token";
		return (-1);
	}
	for (i = 0; i < mdlen; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	if (strlen(t) != 2 * (size_t)mdlen ||
	    CRYPTO_memcmp(t, want, 2 * (size_t)mdlen) != 0) {
		*why = "bad token";
		return (-1);
	}
	if (expires < (uint64_t)time(NULL)) {
		*why = "token expired";
		return (-1);
	}
	return (0);
}

static void
mnode_request_cb(struct httpd_req *req, void *arg)
{
	struct mnode	*n = arg;

	if ((strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0) &&
	    strncmp(req->uri, "/vod/", 5) == 0) {
		mnode_stream_start(n, req);
		return;
	}
	cimsrv_handle(n, req);
}

/* ---- instances --------------------------------------------------------------- */

static void
mnode_add_proc(const struct mof_class *c, struct inst_list *l, uint32_t pid,
    const char *name, const char *cmd, const char *path)
{
	struct mock_inst	*in = inst_new(c);

	inst_setf(in, "Handle", "%u", pid);
	inst_set(in, "Caption", name);
	inst_set(in, "Name", name);
	inst_setf(in, "ProcessId", "%u", pid);
	inst_set(in, "CommandLine", cmd);
	inst_set(in, "ExecutablePath", path);
	inst_list_add(l, in);
}

static int
mnode_pid_cmp(const void *a, const void *b)
{
	const struct mock_inst	*x = *(struct mock_inst *const *)a;
	const struct mock_inst	*y = *(struct mock_inst *const *)b;
	uint64_t		 px = 0, py = 0;

	(void)parse_u64(inst_get(x, "ProcessId")->vals[0], &px);
	(void)parse_u64(inst_get(y, "ProcessId")->vals[0], &py);
	return (px < py ? -1 : px > py);
}

/* A perf timestamp in 100 ns units, moved by an injected clock jump. */
static uint64_t
mnode_stamp(const struct mnode *n, uint64_t t100ns)
{
	int64_t	j;

	if (n->conf.fault.kind != FAULT_CLOCKJUMP)
		return (t100ns);
	j = n->conf.fault.jump_ms * 10000;
	if (j < 0 && (uint64_t)-j > t100ns)
		return (0);
	return (t100ns + (uint64_t)j);
}

static void
mnode_netifs(struct mnode *n, const struct mof_class *c, struct inst_list *l,
    int raw)
{
	struct mock_inst	*in;
	const struct load_state	*s = &n->load;
	const struct load_fmt	*f = load_formatted(s);
	uint64_t		 qpc = mnode_stamp(n, load_qpc(s));

	in = inst_new(c);
	inst_set(in, "Name", n->conf.netif);
	inst_setf(in, "CurrentBandwidth", "%llu",
	    (unsigned long long)n->conf.load.bandwidth);
	if (raw) {
		/* all three restart together, as after a wrap or reboot */
		inst_setf(in, "BytesTotalPersec", "%llu",
		    (unsigned long long)(s->bytes_sent - n->wrap_sent +
		    s->bytes_recv - n->wrap_recv));
		inst_setf(in, "BytesSentPersec", "%llu",
		    (unsigned long long)(s->bytes_sent - n->wrap_sent));
		inst_setf(in, "BytesReceivedPersec", "%llu",
		    (unsigned long long)(s->bytes_recv - n->wrap_recv));
		inst_setf(in, "Timestamp_PerfTime", "%llu",
		    (unsigned long long)qpc);
		inst_setf(in, "Frequency_PerfTime", "%llu", LOAD_QPC_FREQ);
	} else {
		inst_setf(in, "BytesTotalPersec", "%.0f",
		    f->sent_ps + f->recv_ps);
		inst_setf(in, "BytesSentPersec", "%.0f", f->sent_ps);
		inst_setf(in, "BytesReceivedPersec", "%.0f", f->recv_ps);
	}
	inst_list_add(l, in);
	/* the pseudo-adapter a head-end must skip */
	in = inst_new(c);
	inst_set(in, "Name", "isatap.{4A1B2C3D-0000-1111-2222-333344445555}");
	inst_set(in, "CurrentBandwidth", "100000");
	inst_set(in, "BytesTotalPersec", "0");
	inst_set(in, "BytesSentPersec", "0");
	inst_set(in, "BytesReceivedPersec", "0");
	if (raw) {
		inst_setf(in, "Timestamp_PerfTime", "%llu",
		    (unsigned long long)qpc);
		inst_setf(in, "Frequency_PerfTime", "%llu", LOAD_QPC_FREQ);
	}
	inst_list_add(l, in);
}

/*
 * IIS's Web Service object: CurrentConnections is a gauge of the streams
 * served now.  IIS lists _Total and one row a site; the streams are all
 * on one site, so both rows carry the same count.
 */
static void
mnode_webservice(struct mnode *n, const struct mof_class *c,
    struct inst_list *l, int raw)
{
	static const char *const sites[] = { "_Total", "Default Web Site" };
	struct mock_inst	*in;
	const struct load_state	*s = &n->load;
	unsigned		 sessions;
	size_t			 i;

	/* raw: read at the query; formatted: as of the last second */
	sessions = raw ? load_sessions(&n->conf.load, n->nstreams) :
	    load_formatted(s)->sessions;
	for (i = 0; i < nitems(sites); i++) {
		in = inst_new(c);
		inst_set(in, "Name", sites[i]);
		inst_setf(in, "CurrentConnections", "%u", sessions);
		if (raw) {
			inst_setf(in, "Timestamp_PerfTime", "%llu",
			    (unsigned long long)mnode_stamp(n, load_qpc(s)));
			inst_setf(in, "Frequency_PerfTime", "%llu",
			    LOAD_QPC_FREQ);
			inst_setf(in, "Timestamp_Sys100NS", "%llu",
			    (unsigned long long)mnode_stamp(n,
			    load_raw_sys100ns(s)));
			inst_set(in, "Frequency_Sys100NS", "10000000");
		}
		inst_list_add(l, in);
	}
}

static void
mnode_datetime(uint64_t wall, char *out, size_t outlen)
{
	time_t		t = (time_t)(wall / 1000);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y%m%d%H%M%S.000000+000", &tm);
}

/*
 * Row k of a processor class: WMI lists the _Total row first, then one
 * row a logical CPU named by its index.
 */
static struct mock_inst *
mnode_cpu_inst(const struct mof_class *c, unsigned k)
{
	struct mock_inst	*in = inst_new(c);

	if (k == 0)
		inst_set(in, "Name", "_Total");
	else
		inst_setf(in, "Name", "%u", k - 1);
	return (in);
}

uint64_t
mnode_creates(const struct mnode *n)
{
	return (n->creates);
}

struct inst_list *
mnode_created(struct mnode *n)
{
	return (&n->created);
}

struct mock_objs *
mnode_classes(struct mnode *n)
{
	return (&n->classes);
}

struct mock_objs *
mnode_qualdecls(struct mnode *n)
{
	return (&n->qualdecls);
}

struct inst_list *
mnode_pinned(struct mnode *n)
{
	return (&n->conf.pinned);
}

/*
 * An association's instances: one per instance of the part class, its
 * GroupComponent the node's Win32_ComputerSystem (Win32_SystemProcesses,
 * Win32_SystemServices as Windows has them).
 */
static void
mnode_assoc(struct mnode *n, const struct mof_class *c, const char *part,
    struct inst_list *l)
{
	const struct mof_class	*cs, *pc;
	struct inst_list	 groups = { 0, NULL }, parts = { 0, NULL };
	struct mock_inst	*in;
	struct cim_path		*p;
	struct buf		 b;
	size_t			 i, j;

	if ((cs = mof_class_find(n->schema, "Win32_ComputerSystem")) == NULL ||
	    (pc = mof_class_find(n->schema, part)) == NULL)
		return;
	mnode_instances(n, cs, &groups);
	mnode_instances(n, pc, &parts);
	buf_init(&b, 0);
	for (i = 0; i < groups.n; i++) {
		for (j = 0; j < parts.n; j++) {
			in = inst_new(c);
			buf_reset(&b);
			p = inst_path(groups.v[i], "root/cimv2");
			cim_path_format(p, &b);
			cim_path_free(p);
			inst_set(in, "GroupComponent", b.data);
			buf_reset(&b);
			p = inst_path(parts.v[j], "root/cimv2");
			cim_path_format(p, &b);
			cim_path_free(p);
			inst_set(in, "PartComponent", b.data);
			inst_list_add(l, in);
		}
	}
	buf_release(&b);
	inst_list_clear(&groups);
	inst_list_clear(&parts);
}

static int	mnode_model(struct mnode *, const struct mof_class *,
		    struct inst_list *);

int
mnode_instances(struct mnode *n, const struct mof_class *c,
    struct inst_list *l)
{
	size_t	i;

	mnode_model(n, c, l);
	for (i = 0; i < n->created.n; i++)
		if (n->created.v[i]->cls == c)
			inst_list_add(l, inst_dup(n->created.v[i]));
	return (0);
}

/* The model's instances of c (pinned ones replace them). */
static int
mnode_model(struct mnode *n, const struct mof_class *c,
    struct inst_list *l)
{
	const char		*cn = c->name;
	const struct load_conf	*lc = &n->conf.load;
	struct mock_inst	*in;
	const struct load_fmt	*f = load_formatted(&n->load);
	uint64_t		 avail, ts;
	char			 dt[64];
	size_t			 i;
	unsigned		 k;

	mnode_tick_cb(-1, 0, n);
	/* pinned instances replace the model for their class */
	for (i = 0; i < n->conf.pinned.n; i++) {
		if (n->conf.pinned.v[i]->cls == c)
			inst_list_add(l, inst_dup(n->conf.pinned.v[i]));
	}
	if (l->n > 0 || n->conf.no_model)
		return (0);
	avail = load_avail_bytes(lc, n->nstreams);
	ts = mnode_stamp(n, load_raw_sys100ns(&n->load));
	if (str_casecmp_ascii(cn, "Win32_Process") == 0) {
		for (i = 0; i < n->conf.nprocs; i++)
			mnode_add_proc(c, l, n->conf.procs[i].pid,
			    n->conf.procs[i].name, n->conf.procs[i].cmdline,
			    n->conf.procs[i].path);
		for (i = 0; i < n->nextra; i++)
			mnode_add_proc(c, l, n->extra[i].pid, n->extra[i].name,
			    n->extra[i].cmdline, n->extra[i].path);
		/* Windows lists a process once Create returns, up or not. */
		if (n->pstate == PROC_RUNNING || (n->pstate == PROC_STARTING &&
		    n->conf.list_starting))
			mnode_add_proc(c, l, n->pid, n->conf.stream_proc,
			    n->conf.stream_cmdline, n->conf.stream_path);
		qsort(l->v, l->n, sizeof(*l->v), mnode_pid_cmp);
	} else if (str_casecmp_ascii(cn, "Win32_Service") == 0) {
		if (n->conf.mode != PROC_MODE_SERVICE)
			return (0);
		in = inst_new(c);
		inst_set(in, "Name", n->conf.service);
		inst_set(in, "Caption", n->conf.service);
		inst_set(in, "State", n->pstate == PROC_RUNNING ? "Running" :
		    n->pstate == PROC_STARTING ? "Start Pending" : "Stopped");
		inst_set(in, "Started", n->pstate == PROC_STOPPED ? "FALSE" :
		    "TRUE");
		inst_set(in, "StartMode", "Auto");
		inst_setf(in, "ProcessId", "%u", n->pstate == PROC_STOPPED ?
		    0 : n->pid);
		inst_set(in, "PathName", n->conf.stream_cmdline);
		inst_list_add(l, in);
	} else if (str_casecmp_ascii(cn,
	    "Win32_PerfRawData_PerfOS_Processor") == 0) {
		for (k = 0; k <= lc->ncpu; k++) {
			in = mnode_cpu_inst(c, k);
			inst_setf(in, "PercentProcessorTime", "%llu",
			    (unsigned long long)(load_raw_idle(&n->load) -
			    n->wrap_idle));
			inst_setf(in, "Timestamp_Sys100NS", "%llu",
			    (unsigned long long)ts);
			inst_set(in, "Frequency_Sys100NS", "10000000");
			inst_list_add(l, in);
		}
	} else if (str_casecmp_ascii(cn,
	    "Win32_PerfFormattedData_PerfOS_Processor") == 0) {
		for (k = 0; k <= lc->ncpu; k++) {
			in = mnode_cpu_inst(c, k);
			inst_setf(in, "PercentProcessorTime", "%.0f",
			    f->cpu_pct);
			inst_setf(in, "PercentIdleTime", "%.0f",
			    100 - f->cpu_pct);
			inst_list_add(l, in);
		}
	} else if (str_casecmp_ascii(cn,
	    "Win32_PerfFormattedData_PerfOS_Memory") == 0) {
		in = inst_new(c);
		inst_set(in, "Name", "");
		inst_setf(in, "AvailableBytes", "%llu",
		    (unsigned long long)f->avail);
		inst_setf(in, "AvailableMBytes", "%llu",
		    (unsigned long long)(f->avail >> 20));
		inst_list_add(l, in);
	} else if (str_casecmp_ascii(cn, "Win32_ComputerSystem") == 0) {
		in = inst_new(c);
		inst_set(in, "Name", n->conf.name);
		inst_setf(in, "TotalPhysicalMemory", "%llu",
		    (unsigned long long)lc->mem_total);
		inst_setf(in, "NumberOfLogicalProcessors", "%u", lc->ncpu);
		inst_set(in, "Model", n->conf.cpu_model);
		inst_list_add(l, in);
	} else if (str_casecmp_ascii(cn, "Win32_OperatingSystem") == 0) {
		in = inst_new(c);
		inst_set(in, "Name", "Microsoft Windows Server 2019 Standard|"
		    "C:\\Windows|\\Device\\Harddisk0\\Partition2");
		inst_set(in, "Caption", "Microsoft Windows Server 2019 Standard");
		inst_setf(in, "TotalVisibleMemorySize", "%llu",
		    (unsigned long long)(lc->mem_total / 1024));
		inst_setf(in, "FreePhysicalMemory", "%llu",
		    (unsigned long long)(avail / 1024));
		mnode_datetime(n->boot_wall, dt, sizeof(dt));
		inst_set(in, "LastBootUpTime", dt);
		inst_list_add(l, in);
	} else if (str_casecmp_ascii(cn,
	    "Win32_PerfFormattedData_Tcpip_NetworkInterface") == 0)
		mnode_netifs(n, c, l, 0);
	else if (str_casecmp_ascii(cn,
	    "Win32_PerfRawData_Tcpip_NetworkInterface") == 0)
		mnode_netifs(n, c, l, 1);
	else if (str_casecmp_ascii(cn, "Win32_SystemProcesses") == 0)
		mnode_assoc(n, c, "Win32_Process", l);
	else if (str_casecmp_ascii(cn, "Win32_SystemServices") == 0)
		mnode_assoc(n, c, "Win32_Service", l);
	else if (str_casecmp_ascii(cn,
	    "Win32_PerfFormattedData_W3SVC_WebService") == 0)
		mnode_webservice(n, c, l, 0);
	else if (str_casecmp_ascii(cn,
	    "Win32_PerfRawData_W3SVC_WebService") == 0)
		mnode_webservice(n, c, l, 1);
	return (0);
}

void
mnode_stats(struct mnode *n, struct mnode_stats *st)
{
	const struct load_fmt	*f = load_formatted(&n->load);

	mnode_tick_cb(-1, 0, n);
	memset(st, 0, sizeof(*st));
	st->streams = n->nstreams;
	st->sessions = load_sessions(&n->conf.load, n->nstreams);
	st->bytes_sent = n->load.bytes_sent;
	st->stream_bytes = n->load.stream_bytes;
	/* what the formatted classes show */
	st->sent_ps = f->sent_ps;
	st->cpu_pct = f->cpu_pct;
	st->avail_bytes = load_avail_bytes(&n->conf.load, n->nstreams);
	st->idle_100ns = load_raw_idle(&n->load);
	st->sys100ns = load_raw_sys100ns(&n->load);
	st->requests = n->requests;
}
