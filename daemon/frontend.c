/*
 * frontend.c: the viewer's side.  GET|HEAD /watch/<title> is answered with
 * a 302 to the chosen node's stream URL, or 503 with Retry-After when no
 * node may take another viewer; GET /healthz says the daemon is alive,
 * GET /readyz whether it can dispatch (keepalived's track script).
 * Every request gets exactly one reply: 302, 400, 404, 405, 414 or 503.
 *
 * A request that needs fresh samples is parked on a probe round and
 * answered when the round ends (at the latest at the decision deadline).
 * A parked viewer whose connection is freed (a reset, a write error,
 * shutdown: vhttp's abandon callback) is forgotten, so a reply never
 * goes to a freed request.  A viewer who half-closes, or hangs up, while
 * parked is still answered: vhttp cannot tell one from the other, and
 * requests already received are answered after a half-close.
 *
 * The HTTP server is vhttp.c: it parses and frames, holds the replies of
 * pipelined requests in request order, and tracks the connections (head
 * timeout, the cap, bounded input and output); a connection with a
 * viewer parked or a reply unsent is busy, so neither the cap nor the
 * timeout closes it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimheadd.h"

#define FRONTEND_MAX_PARKED	10000
#define FRONTEND_MAX_BODY	65536
/* Unsent replies on one connection, at most, before it is read again. */
#define FRONTEND_MAX_OUTPUT	65536

struct frontend_park {
	struct probe_waiter	 w;	/* first: the waiter is the park */
	struct daemon		*d;
	struct vhttp_req	*req;	/* its owner points back here */
	uint64_t		 arrived_ms;	/* for the decision latency */
	char			 title[DISPATCH_TITLE_MAX + 1];
	TAILQ_ENTRY(frontend_park) entry;	/* fe->parked */
};

/* The viewer side of a daemon: d->fe. */
struct frontend {
	struct vhttp		*http;
	TAILQ_HEAD(, frontend_park) parked;	/* waiting for a round */
	size_t			 nparked;
};

static void	frontend_request_cb(struct vhttp_req *, void *);
static void	frontend_abandon_cb(struct vhttp_req *, void *);
static void	frontend_round_done_cb(struct probe_waiter *, uint64_t);

static void
frontend_reply(struct vhttp_req *req, int code, const char *reason,
    const char *body)
{
	struct buf	b;

	vhttp_add_header(req, "Content-Type", "text/plain; charset=utf-8");
	vhttp_add_header(req, "Cache-Control", "no-store");
	buf_init(&b, 16384);
	/* Whole or not at all (past the cap), as a printf of it was. */
	if (body != NULL && buf_reserve(&b, strlen(body) + 1) == 0) {
		buf_puts(&b, body);
		buf_add(&b, "\n", 1);
	}
	vhttp_reply(req, code, reason, b.data);
	buf_release(&b);
}

static void
frontend_unavailable(struct daemon *d, struct vhttp_req *req)
{
	char	ra[16];

	metrics_count(d, METRIC_503);
	snprintf(ra, sizeof(ra), "%u", d->conf->retry_after_s);
	vhttp_add_header(req, "Retry-After", ra);
	frontend_reply(req, 503, "Service Unavailable",
	    "no node can take another viewer now");
}

/* The HTTP side of one line: who asked (its address) and how. */
static void
frontend_log(struct daemon *d, struct vhttp_req *req,
    const char *title, const struct node *n, int status, uint64_t start_ms,
    const char *why)
{
	uint64_t	now = mono_ms();

	if (d->alog == NULL)
		return;
	accesslog_write(d, vhttp_req_peer(req),
	    vhttp_method_name(vhttp_req_method(req)), title,
	    n != NULL ? n->name : NULL, status,
	    start_ms != 0 && now > start_ms ? now - start_ms : 0, why);
}

/*
 * The decision for one viewer that arrived at arrived_ms: with samples
 * taken at or after min_ms (the strict model), or 0, by the probe pool's
 * rules.
 */
static void
frontend_decide(struct daemon *d, struct vhttp_req *req,
    const char *title, uint64_t min_ms, uint64_t arrived_ms)
{
	const struct conf	*c = d->conf;
	struct node		*n;
	struct buf		 url;
	uint64_t		 expires, now = mono_ms();

	n = balance_pick(d, min_ms, now);
	metrics_observe(&d->metrics.decision, now - arrived_ms);
	decisions_add(d->decisions, now, n == NULL, now - arrived_ms);
	if (n == NULL) {
		frontend_log(d, req, title, NULL, 503, arrived_ms,
		    balance_why_none(d, min_ms, now));
		frontend_unavailable(d, req);
		return;
	}
	buf_init(&url, 8192);
	expires = wall_ms() / 1000 + c->token_lifetime_s;
	if (dispatch_url(n->cf->stream_url, n->host, title, expires,
	    c->token_secret, c->token_secret_len, &url) == -1) {
		buf_release(&url);
		log_warn("node %s: stream URL too long", n->name);
		frontend_log(d, req, title, n, 503, arrived_ms,
		    "stream URL too long");
		frontend_unavailable(d, req);
		return;
	}
	node_dispatched(n, now);
	metrics_count(d, METRIC_302);
	log_debug("viewer -> node %s: %s", n->name, url.data);
	vhttp_add_header(req, "Location", url.data);
	frontend_log(d, req, title, n, 302, arrived_ms,
	    policy_kind_name(c->policy.kind));
	frontend_reply(req, 302, "Found", url.data);
	buf_release(&url);
}

static void
frontend_unpark(struct frontend_park *p)
{
	struct daemon	*d = p->d;

	probe_forget(d, &p->w);
	vhttp_req_set_owner(p->req, NULL);
	TAILQ_REMOVE(&d->fe->parked, p, entry);
	d->fe->nparked--;
	free(p);
	if (d->draining && d->fe->nparked == 0 && d->drained_cb != NULL)
		d->drained_cb(d);
}

static void
frontend_round_done_cb(struct probe_waiter *w, uint64_t min_ms)
{
	struct frontend_park	*p = (struct frontend_park *)w;
	struct vhttp_req	*req = p->req;
	struct daemon		*d = p->d;
	char			 title[DISPATCH_TITLE_MAX + 1];
	uint64_t		 arrived = p->arrived_ms;

	/* Unparked before the reply: sending may end the connection. */
	strlcpy(title, p->title, sizeof(title));
	frontend_unpark(p);
	frontend_decide(d, req, title, min_ms, arrived);
}

/*
 * The connection is being freed (a reset, a write error, a timeout, or
 * shutdown): a request parked on it is about to be freed with it.
 */
static void
frontend_abandon_cb(struct vhttp_req *req, void *arg)
{
	struct frontend_park	*p;

	if ((p = vhttp_req_owner(req)) != NULL)
		frontend_unpark(p);
}

size_t
frontend_conns(const struct daemon *d)
{
	return (d->fe != NULL ? vhttp_conns(d->fe->http) : 0);
}

static void
frontend_watch(struct daemon *d, struct vhttp_req *req, const char *raw)
{
	struct frontend_park	*p;
	char			 title[DISPATCH_TITLE_MAX + 1];
	uint64_t		 now = mono_ms();

	if (dispatch_title_check(raw, title, sizeof(title)) == -1) {
		frontend_log(d, req, raw, NULL, 400, now, "bad title");
		metrics_count(d, METRIC_400);
		frontend_reply(req, 400, "Bad Request", "bad title");
		return;
	}
	if (d->fe->nparked >= FRONTEND_MAX_PARKED) {
		metrics_observe(&d->metrics.decision, mono_ms() - now);
		decisions_add(d->decisions, now, 1, 0);
		frontend_log(d, req, title, NULL, 503, now,
		    "too many viewers waiting");
		frontend_unavailable(d, req);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->d = d;
	p->req = req;
	p->arrived_ms = now;
	p->w.cb = frontend_round_done_cb;
	p->w.arg = p;
	if (probe_need(d, &p->w) == 1) {
		/* A usable sample with room (the pool): decide now. */
		free(p);
		frontend_decide(d, req, title,
		    d->conf->freshness_ms == 0 ? now : 0, now);
		return;
	}
	strlcpy(p->title, title, sizeof(p->title));
	vhttp_req_set_owner(req, p);
	TAILQ_INSERT_TAIL(&d->fe->parked, p, entry);
	d->fe->nparked++;
}

/*
 * GET /readyz: 200 "ready" when this head-end can dispatch, 503 with the
 * reason when it cannot for reasons of its own (probe_ready); a full or
 * drained cluster is still ready.  /healthz is liveness only.
 */
static void
frontend_readyz(struct daemon *d, struct vhttp_req *req)
{
	char	why[256], body[300];

	if (probe_ready(d, mono_ms(), why, sizeof(why))) {
		frontend_reply(req, 200, "OK", "ready");
		return;
	}
	snprintf(body, sizeof(body), "not ready: %s", why);
	frontend_reply(req, 503, "Service Unavailable", body);
}

/*
 * Both our paths are read-only: anything but GET and HEAD gets a 405 that
 * names what is allowed (RFC 9110 requires Allow).  1 if it was refused.
 */
static int
frontend_refuse_method(struct daemon *d, struct vhttp_req *req)
{
	enum vhttp_method	 m = vhttp_req_method(req);

	if (m == VHTTP_GET || m == VHTTP_HEAD)
		return (0);
	frontend_log(d, req, vhttp_req_uri(req), NULL, 405, 0,
	    "method not allowed");
	metrics_count(d, METRIC_405);
	vhttp_add_header(req, "Allow", "GET, HEAD");
	frontend_reply(req, 405, "Method Not Allowed", NULL);
	return (1);
}

static void
frontend_request_cb(struct vhttp_req *req, void *arg)
{
	struct daemon		*d = arg;
	const char		*uri, *path;
	char			 raw[1024];
	size_t			 n;

	/* Bad framing and versions never come here: vhttp refused them. */
	if (frontend_refuse_method(d, req))
		return;
	uri = vhttp_req_uri(req);
	/* Path only: the query string plays no part in the choice. */
	n = strcspn(uri, "?#");
	if (n >= sizeof(raw)) {
		frontend_log(d, req, uri, NULL, 414, 0, "URI too long");
		metrics_count(d, METRIC_400);
		frontend_reply(req, 414, "URI Too Long", "URI too long");
		return;
	}
	memcpy(raw, uri, n);
	raw[n] = '\0';
	path = raw;
	if (strncmp(path, "/watch/", 7) == 0) {
		frontend_watch(d, req, path + 7);
		return;
	}
	if (strcmp(path, "/healthz") == 0) {
		frontend_reply(req, 200, "OK", d->draining ? "draining" : "ok");
		return;
	}
	if (strcmp(path, "/readyz") == 0) {
		frontend_readyz(d, req);
		return;
	}
	frontend_log(d, req, path, NULL, 404, 0, "not found");
	metrics_count(d, METRIC_404);
	frontend_reply(req, 404, "Not Found", "not found");
}

/*
 * Descriptors left for viewers once the nodes, the admin side and the
 * rest have theirs.  Past the limit accept() fails and libevent retries
 * it in a loop, so the connection cap must stay below it: the soft limit
 * is raised as far as needed and allowed, and the cap lowered if that is
 * not enough.
 */
static size_t
frontend_fd_cap(struct daemon *d)
{
	uint64_t	 lim, want, reserve;

	/* 192 for the rest, with the admin cap: 256 by default. */
	reserve = 192 + (uint64_t)d->conf->max_admin_conns +
	    (uint64_t)d->nnodes * (d->conf->max_inflight + 2);
	want = (uint64_t)d->conf->max_viewer_conns + reserve;
	lim = compat_fd_limit(want);
	if (lim >= want)
		return (d->conf->max_viewer_conns);
	if (lim < reserve)
		log_err("file descriptor limit %llu (the hard limit) is below "
		    "the %llu that %zu nodes need: probes will fail for want "
		    "of descriptors; raise it (ulimit -n, LimitNOFILE)",
		    (unsigned long long)lim, (unsigned long long)reserve,
		    d->nnodes);
	if (lim <= reserve + 16) {
		log_warn("file descriptor limit %llu: room for only 16 "
		    "viewer connections", (unsigned long long)lim);
		return (16);
	}
	log_warn("file descriptor limit %llu: at most %llu viewer "
	    "connections, not max-viewer-connections %u",
	    (unsigned long long)lim, (unsigned long long)(lim - reserve),
	    d->conf->max_viewer_conns);
	return ((size_t)(lim - reserve));
}

int
frontend_start(struct daemon *d, const char *listen)
{
	struct frontend		*fe;
	struct vhttp_cf		 cf;
	evutil_socket_t		 fd;

	fe = d->fe = xcalloc(1, sizeof(*fe));
	TAILQ_INIT(&fe->parked);
	if ((fd = listen_socket(listen, d->front_addr,
	    sizeof(d->front_addr))) == -1)
		return (-1);
	memset(&cf, 0, sizeof(cf));
	cf.what = "viewer";
	cf.cap = frontend_fd_cap(d);
	cf.header_timeout_ms = d->conf->viewer_header_timeout_ms;
	cf.idle_timeout_ms = d->conf->viewer_idle_timeout_ms;
	cf.max_body = FRONTEND_MAX_BODY;
	cf.max_output = FRONTEND_MAX_OUTPUT;
	cf.metrics = 1;
	cf.request_cb = frontend_request_cb;
	cf.abandon_cb = frontend_abandon_cb;
	cf.arg = d;
	fe->http = vhttp_new(d, fd, &cf);
	return (0);
}

/*
 * A reload may bring many more nodes (or change the caps): the soft
 * descriptor limit is raised again for what they need, and the viewer
 * cap follows.  Sized at start only, a reload from 2 to 1,000 nodes left
 * the limit where it was and hundreds of healthy nodes were marked down
 * when their probes could not open a socket.
 */
void
frontend_reconfigure(struct daemon *d)
{
	if (d->fe != NULL && d->fe->http != NULL)
		vhttp_set_cap(d->fe->http, frontend_fd_cap(d));
}

void
frontend_stop_accepting(struct daemon *d)
{
	if (d->fe != NULL && d->fe->http != NULL)
		vhttp_stop_accepting(d->fe->http);
}

size_t
frontend_parked(const struct daemon *d)
{
	return (d->fe != NULL ? d->fe->nparked : 0);
}

void
frontend_free(struct daemon *d)
{
	struct frontend		*fe = d->fe;
	struct frontend_park	*p;
	struct vhttp_req	*req;

	if (fe == NULL)
		return;
	/* Whatever is still parked gets its answer before the end. */
	while ((p = TAILQ_FIRST(&fe->parked)) != NULL) {
		req = p->req;
		frontend_log(d, req, p->title, NULL, 503, p->arrived_ms,
		    "shutting down");
		frontend_unpark(p);
		frontend_unavailable(d, req);
	}
	/* Frees every connection: their abandon callbacks need d->fe. */
	vhttp_free(fe->http);
	free(fe);
	d->fe = NULL;
}
