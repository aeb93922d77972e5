/*
 * frontend.c: the viewer's side.  GET|HEAD /watch/<title> is answered with
 * a 302 to the chosen node's stream URL, or 503 with Retry-After when no
 * node may take another viewer; GET /healthz says the daemon is alive,
 * GET /readyz whether it can dispatch (keepalived's track script).
 * Every request gets exactly one reply: 302, 400, 404, 405, 414 or 503.
 *
 * A request that needs fresh samples is parked on a probe round and
 * answered when the round ends (at the latest at the decision deadline).
 * A parked viewer whose connection is freed is forgotten, so a reply
 * never goes to a freed request.  (libevent 2.1 reads nothing from a
 * connection whose request awaits its reply, so a viewer's hang-up shows
 * only when the reply is written; shutdown frees connections earlier.)
 *
 * Connections are tracked by listen.c (listen_conns): a head timeout,
 * the cap, bounded input; a connection with a viewer parked is busy, so
 * neither the cap nor the timeout closes it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cimheadd.h"

#define FRONTEND_MAX_PARKED	10000
#define FRONTEND_MAX_HEADERS	16384
#define FRONTEND_MAX_BODY	65536
/*
 * Unparsed input read from a connection, at most (listen.c): a request
 * head and body fit, since evhttp refuses bigger ones first.
 */
#define FRONTEND_MAX_INPUT	(FRONTEND_MAX_HEADERS + FRONTEND_MAX_BODY + \
				    16384)

struct frontend_park {
	struct probe_waiter	 w;	/* first: the waiter is the park */
	struct daemon		*d;
	struct evhttp_request	*req;
	struct listen_conn	*conn;	/* its busy points back here */
	char			 title[DISPATCH_TITLE_MAX + 1];
	TAILQ_ENTRY(frontend_park) entry;	/* fe->parked */
};

/* The viewer side of a daemon: d->fe. */
struct frontend {
	struct evhttp		*http;
	struct evhttp_bound_socket *sock;	/* NULL once not accepting */
	struct listen_conns	*conns;
	TAILQ_HEAD(, frontend_park) parked;	/* waiting for a round */
	size_t			 nparked;
};

static void	frontend_request_cb(struct evhttp_request *, void *);
static void	frontend_round_done_cb(struct probe_waiter *, uint64_t);

static void
frontend_reply(struct evhttp_request *req, int code, const char *reason,
    const char *body)
{
	struct evbuffer	*b;

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	if ((b = evbuffer_new()) == NULL)
		fatal("evbuffer_new");
	if (body != NULL)
		evbuffer_add_printf(b, "%s\n", body);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void
frontend_unavailable(struct daemon *d, struct evhttp_request *req)
{
	char	ra[16];

	metrics_count(d, METRIC_503);
	snprintf(ra, sizeof(ra), "%u", d->conf->retry_after_s);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", ra);
	frontend_reply(req, 503, "Service Unavailable",
	    "no node can take another viewer now");
}

/*
 * The decision for one viewer: with samples taken at or after min_ms (the
 * strict model), or 0, by the probe pool's rules.
 */
static void
frontend_decide(struct daemon *d, struct evhttp_request *req,
    const char *title, uint64_t min_ms)
{
	const struct conf	*c = d->conf;
	struct node		*n;
	struct buf		 url;
	uint64_t		 expires, now = mono_ms();

	if ((n = balance_pick(d, min_ms, now)) == NULL) {
		frontend_unavailable(d, req);
		return;
	}
	buf_init(&url, 8192);
	expires = wall_ms() / 1000 + c->token_lifetime_s;
	if (dispatch_url(n->cf->stream_url, n->host, title, expires,
	    c->token_secret, c->token_secret_len, &url) == -1) {
		buf_release(&url);
		log_warn("node %s: stream URL too long", n->name);
		frontend_unavailable(d, req);
		return;
	}
	node_dispatched(n, now);
	metrics_count(d, METRIC_302);
	log_debug("viewer -> node %s: %s", n->name, url.data);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
	    url.data);
	frontend_reply(req, 302, "Found", url.data);
	buf_release(&url);
}

static void
frontend_unpark(struct frontend_park *p)
{
	struct daemon	*d = p->d;

	probe_forget(d, &p->w);
	if (p->conn != NULL)
		p->conn->busy = NULL;
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
	struct evhttp_request	*req = p->req;
	struct daemon		*d = p->d;
	char			 title[DISPATCH_TITLE_MAX + 1];

	/* Unparked before the reply: sending may end the connection. */
	strlcpy(title, p->title, sizeof(title));
	frontend_unpark(p);
	frontend_decide(d, req, title, min_ms);
}

/*
 * The connection is being freed (the viewer hung up, a timeout, a limit,
 * or shutdown): a request parked on it is about to be freed with it.
 */
static void
frontend_conn_close_cb(struct listen_conn *c, void *arg)
{
	if (c->busy != NULL)
		frontend_unpark(c->busy);
}

size_t
frontend_conns(const struct daemon *d)
{
	return (d->fe != NULL ? listen_conns_n(d->fe->conns) : 0);
}

static void
frontend_watch(struct daemon *d, struct evhttp_request *req,
    struct listen_conn *c, const char *raw)
{
	struct frontend_park	*p;
	char			 title[DISPATCH_TITLE_MAX + 1];
	uint64_t		 now = mono_ms();

	if (dispatch_title_check(raw, title, sizeof(title)) == -1) {
		metrics_count(d, METRIC_400);
		frontend_reply(req, 400, "Bad Request", "bad title");
		return;
	}
	/* c is NULL only if evhttp made a connection we never saw. */
	if (d->fe->nparked >= FRONTEND_MAX_PARKED || c == NULL) {
		frontend_unavailable(d, req);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->d = d;
	p->req = req;
	p->w.cb = frontend_round_done_cb;
	p->w.arg = p;
	if (probe_need(d, &p->w) == 1) {
		/* A usable sample with room (the pool): decide now. */
		free(p);
		frontend_decide(d, req, title,
		    d->conf->freshness_ms == 0 ? now : 0);
		return;
	}
	strlcpy(p->title, title, sizeof(p->title));
	p->conn = c;
	c->busy = p;
	TAILQ_INSERT_TAIL(&d->fe->parked, p, entry);
	d->fe->nparked++;
}

/*
 * GET /readyz: 200 "ready" when this head-end can dispatch, 503 with the
 * reason when it cannot for reasons of its own (probe_ready); a full or
 * drained cluster is still ready.  /healthz is liveness only.
 */
static void
frontend_readyz(struct daemon *d, struct evhttp_request *req)
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
frontend_refuse_method(struct daemon *d, struct evhttp_request *req)
{
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);

	if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD)
		return (0);
	metrics_count(d, METRIC_405);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    "GET, HEAD");
	frontend_reply(req, 405, "Method Not Allowed", NULL);
	return (1);
}

static void
frontend_request_cb(struct evhttp_request *req, void *arg)
{
	struct daemon		*d = arg;
	struct listen_conn	*c;
	const char		*uri, *path, *bad;
	char			 raw[1024];
	size_t			 n;

	/* A whole request came: the next one has a deadline of its own. */
	if ((c = listen_conn_find(d->fe->conns,
	    evhttp_request_get_connection(req))) != NULL)
		listen_conn_request(c);
	if ((bad = listen_request_bad(req)) != NULL) {
		metrics_count(d, METRIC_400);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		frontend_reply(req, 400, "Bad Request", bad);
		return;
	}
	if (frontend_refuse_method(d, req))
		return;
	uri = evhttp_request_get_uri(req);
	/* Path only: the query string plays no part in the choice. */
	n = strcspn(uri, "?#");
	if (n >= sizeof(raw)) {
		metrics_count(d, METRIC_400);
		frontend_reply(req, 414, "URI Too Long", "URI too long");
		return;
	}
	memcpy(raw, uri, n);
	raw[n] = '\0';
	path = raw;
	if (strncmp(path, "/watch/", 7) == 0) {
		frontend_watch(d, req, c, path + 7);
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
	struct listen_conns_cf	 cf;
	struct timeval		 tv;

	fe = d->fe = xcalloc(1, sizeof(*fe));
	TAILQ_INIT(&fe->parked);
	if ((fe->http = listen_bind(d, listen, d->front_addr,
	    sizeof(d->front_addr), &fe->sock)) == NULL)
		return (-1);
	memset(&cf, 0, sizeof(cf));
	cf.what = "viewer";
	cf.cap = frontend_fd_cap(d);
	cf.header_timeout_ms = d->conf->viewer_header_timeout_ms;
	cf.max_input = FRONTEND_MAX_INPUT;
	cf.metrics = 1;
	cf.close_cb = frontend_conn_close_cb;
	fe->conns = listen_conns_new(d, fe->http, fe->sock, &cf);
	/* Every method libevent knows reaches us, to get a 405 with Allow. */
	evhttp_set_allowed_methods(fe->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	ms_to_tv(d->conf->viewer_idle_timeout_ms, &tv);
	evhttp_set_timeout_tv(fe->http, &tv);
	evhttp_set_max_headers_size(fe->http, FRONTEND_MAX_HEADERS);
	evhttp_set_max_body_size(fe->http, FRONTEND_MAX_BODY);
	evhttp_set_gencb(fe->http, frontend_request_cb, d);
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
	if (d->fe != NULL && d->fe->conns != NULL)
		listen_conns_set_cap(d->fe->conns, frontend_fd_cap(d));
}

void
frontend_stop_accepting(struct daemon *d)
{
	if (d->fe != NULL && d->fe->http != NULL && d->fe->sock != NULL) {
		listen_conns_stop(d->fe->conns);
		evhttp_del_accept_socket(d->fe->http, d->fe->sock);
		d->fe->sock = NULL;
	}
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
	struct evhttp_request	*req;

	if (fe == NULL)
		return;
	/* Whatever is still parked gets its answer before the end. */
	while ((p = TAILQ_FIRST(&fe->parked)) != NULL) {
		req = p->req;
		frontend_unpark(p);
		frontend_unavailable(d, req);
	}
	/* Frees every connection: their close callbacks need d->fe. */
	if (fe->http != NULL)
		evhttp_free(fe->http);
	listen_conns_free(fe->conns);
	free(fe);
	d->fe = NULL;
}
