/*
 * frontend.c: the viewer's side.  GET|HEAD /watch/<title> is answered with
 * a 302 to the chosen node's stream URL, or 503 with Retry-After when no
 * node may take another viewer; GET /healthz says the daemon is alive.
 * Every request gets exactly one reply: 302, 400, 404, 405, 414 or 503.
 *
 * A request that needs fresh samples is parked on a probe round and
 * answered when the round ends (at the latest at the decision deadline).
 * A parked viewer whose connection is freed is forgotten, so a reply
 * never goes to a freed request.  (libevent 2.1 reads nothing from a
 * connection whose request awaits its reply, so a viewer's hang-up shows
 * only when the reply is written; shutdown frees connections earlier.)
 *
 * libevent 2.1's only deadline is per read, so a client dribbling one byte
 * a second would hold a connection for ever, and it has no connection
 * cap.  So every connection is tracked from accept (the bufferevent
 * callback) to close (the connection's close callback): its request head
 * must be complete within viewer-header-timeout of the connection opening
 * or of its previous request, and beyond max-viewer-connections the one
 * with the nearest deadline and nothing parked is closed.
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
#define FRONTEND_HASH		1024	/* buckets of the evcon -> conn map */
#define FRONTEND_SWEEP_MS	200
#define FRONTEND_MAX_HEADERS	16384
#define FRONTEND_MAX_BODY	65536

struct frontend_conn;
struct frontend_park {
	struct probe_waiter	 w;	/* first: the waiter is the park */
	struct daemon		*d;
	struct evhttp_request	*req;
	struct frontend_conn	*conn;
	char			 title[DISPATCH_TITLE_MAX + 1];
	TAILQ_ENTRY(frontend_park) entry;	/* fe->parked */
};

/* One viewer connection, from accept to close. */
struct frontend_conn {
	struct daemon		*d;
	struct bufferevent	*bev;
	struct evhttp_connection *evcon;	/* NULL until adopted */
	uint64_t		 deadline_ms;	/* next request head by then */
	struct frontend_park	*park;		/* its parked request */
	TAILQ_ENTRY(frontend_conn) entry;	/* fe->fresh, or fe->live */
	TAILQ_ENTRY(frontend_conn) hentry;	/* fe->hash[], once live */
};
TAILQ_HEAD(frontend_conn_list, frontend_conn);

/* The viewer side of a daemon: d->fe. */
struct frontend {
	struct evhttp		*http;
	struct evhttp_bound_socket *sock;	/* NULL once not accepting */
	TAILQ_HEAD(, frontend_park) parked;	/* waiting for a round */
	size_t			 nparked;
	struct frontend_conn_list fresh;	/* accepted, not adopted */
	struct frontend_conn_list live;
	struct frontend_conn_list hash[FRONTEND_HASH];	/* by evcon */
	size_t			 n;		/* live */
	size_t			 fd_cap;	/* what the fd limit allows */
	struct event		*adopt_ev, *sweep_ev;
};

static void	frontend_request_cb(struct evhttp_request *, void *);
static void	frontend_round_done_cb(struct probe_waiter *, uint64_t);
static void	frontend_conn_close_cb(struct evhttp_connection *, void *);

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
		p->conn->park = NULL;
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

/* ---- connections -------------------------------------------------------- */

static size_t
frontend_hash(const struct evhttp_connection *evcon)
{
	return (((uintptr_t)evcon >> 4) % FRONTEND_HASH);
}

static struct frontend_conn *
frontend_conn_find(struct daemon *d, struct evhttp_connection *evcon)
{
	struct frontend_conn	*c;

	TAILQ_FOREACH(c, &d->fe->hash[frontend_hash(evcon)], hentry)
		if (c->evcon == evcon)
			return (c);
	return (NULL);
}

/*
 * The connection is being freed (the viewer hung up, a timeout, a limit,
 * or shutdown): a request parked on it is about to be freed with it.
 */
static void
frontend_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct frontend_conn	*c = arg;
	struct frontend		*fe = c->d->fe;

	if (c->park != NULL)
		frontend_unpark(c->park);
	TAILQ_REMOVE(&fe->hash[frontend_hash(evcon)], c, hentry);
	TAILQ_REMOVE(&fe->live, c, entry);
	fe->n--;
	free(c);
}

/* Closes c now, counting it; its close callback frees it. */
static void
frontend_conn_kill(struct frontend_conn *c, enum metric counter,
    const char *why)
{
	metrics_count(c->d, counter);
	log_debug("viewer connection closed: %s", why);
	evhttp_connection_free(c->evcon);
}

/* Over the cap: close whoever idles nearest its deadline. */
static void
frontend_enforce_cap(struct daemon *d)
{
	struct frontend		*fe = d->fe;
	struct frontend_conn	*c, *victim;

	while (fe->n > d->conf->max_viewer_conns || fe->n > fe->fd_cap) {
		victim = NULL;
		TAILQ_FOREACH(c, &fe->live, entry)
			if (c->park == NULL && (victim == NULL ||
			    c->deadline_ms < victim->deadline_ms))
				victim = c;
		if (victim == NULL)
			break;		/* every one has a viewer waiting */
		frontend_conn_kill(victim, METRIC_CONN_LIMIT,
		    "connection limit");
	}
}

/*
 * Runs in the loop iteration that accepted the connections, before any
 * of their I/O: by then evhttp has set its callbacks, whose argument is
 * the evhttp_connection.  A bufferevent evhttp already let go of (its
 * callbacks cleared) is just released.
 */
static void
frontend_adopt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon		*d = arg;
	struct frontend		*fe = d->fe;
	struct frontend_conn	*c;
	bufferevent_data_cb	 rcb;
	void			*cbarg;

	while ((c = TAILQ_FIRST(&fe->fresh)) != NULL) {
		TAILQ_REMOVE(&fe->fresh, c, entry);
		rcb = NULL;
		cbarg = NULL;
		bufferevent_getcb(c->bev, &rcb, NULL, NULL, &cbarg);
		bufferevent_decref(c->bev);
		if (rcb == NULL || cbarg == NULL) {
			free(c);
			continue;
		}
		c->evcon = cbarg;
		evhttp_connection_set_closecb(c->evcon, frontend_conn_close_cb,
		    c);
		TAILQ_INSERT_TAIL(&fe->hash[frontend_hash(c->evcon)], c,
		    hentry);
		TAILQ_INSERT_TAIL(&fe->live, c, entry);
		fe->n++;
	}
	frontend_enforce_cap(d);
}

/* evhttp asks for each accepted connection's bufferevent. */
static struct bufferevent *
frontend_bev_cb(struct event_base *base, void *arg)
{
	struct daemon		*d = arg;
	struct frontend_conn	*c;

	c = xcalloc(1, sizeof(*c));
	c->d = d;
	if ((c->bev = bufferevent_socket_new(base, -1, 0)) == NULL)
		fatal("bufferevent_socket_new");
	/* Ours until adopted, even if evhttp drops it at once. */
	bufferevent_incref(c->bev);
	c->deadline_ms = mono_ms() + d->conf->viewer_header_timeout_ms;
	TAILQ_INSERT_TAIL(&d->fe->fresh, c, entry);
	event_active(d->fe->adopt_ev, EV_TIMEOUT, 0);
	return (c->bev);
}

/* Slow or idle connections past their head deadline are closed. */
static void
frontend_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon		*d = arg;
	struct frontend_conn	*c, *next;
	uint64_t		 now = mono_ms();

	/* Killing c frees it (its close callback): next is read first. */
	for (c = TAILQ_FIRST(&d->fe->live); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->park == NULL && now >= c->deadline_ms)
			frontend_conn_kill(c, METRIC_CONN_TIMEOUT,
			    "no request head in time");
	}
}

size_t
frontend_conns(const struct daemon *d)
{
	return (d->fe != NULL ? d->fe->n : 0);
}

static void
frontend_watch(struct daemon *d, struct evhttp_request *req,
    struct frontend_conn *c, const char *raw)
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
	c->park = p;
	TAILQ_INSERT_TAIL(&d->fe->parked, p, entry);
	d->fe->nparked++;
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
	struct frontend_conn	*c;
	const char		*uri, *path;
	char			 raw[1024];
	size_t			 n;

	/* A whole request came: the next one has a deadline of its own. */
	if ((c = frontend_conn_find(d,
	    evhttp_request_get_connection(req))) != NULL)
		c->deadline_ms = mono_ms() + d->conf->viewer_header_timeout_ms;
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

	reserve = 256 + (uint64_t)d->nnodes * (d->conf->max_inflight + 2);
	want = (uint64_t)d->conf->max_viewer_conns + reserve;
	lim = compat_fd_limit(want);
	if (lim >= want)
		return (d->conf->max_viewer_conns);
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
	struct frontend	*fe;
	struct timeval	 tv;
	size_t		 i;

	fe = d->fe = xcalloc(1, sizeof(*fe));
	TAILQ_INIT(&fe->parked);
	TAILQ_INIT(&fe->fresh);
	TAILQ_INIT(&fe->live);
	for (i = 0; i < FRONTEND_HASH; i++)
		TAILQ_INIT(&fe->hash[i]);
	fe->fd_cap = frontend_fd_cap(d);
	if ((fe->adopt_ev = event_new(d->base, -1, 0, frontend_adopt_cb,
	    d)) == NULL ||
	    (fe->sweep_ev = event_new(d->base, -1, EV_PERSIST,
	    frontend_sweep_cb, d)) == NULL)
		fatal("event_new");
	if ((fe->http = listen_bind(d, listen, d->front_addr,
	    sizeof(d->front_addr), &fe->sock)) == NULL)
		return (-1);
	ms_to_tv(FRONTEND_SWEEP_MS, &tv);
	event_add(fe->sweep_ev, &tv);
	/* Every method libevent knows reaches us, to get a 405 with Allow. */
	evhttp_set_allowed_methods(fe->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	ms_to_tv(d->conf->viewer_idle_timeout_ms, &tv);
	evhttp_set_timeout_tv(fe->http, &tv);
	evhttp_set_max_headers_size(fe->http, FRONTEND_MAX_HEADERS);
	evhttp_set_max_body_size(fe->http, FRONTEND_MAX_BODY);
	evhttp_set_bevcb(fe->http, frontend_bev_cb, d);
	evhttp_set_gencb(fe->http, frontend_request_cb, d);
	return (0);
}

void
frontend_stop_accepting(struct daemon *d)
{
	if (d->fe != NULL && d->fe->http != NULL && d->fe->sock != NULL) {
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
	frontend_adopt_cb(-1, 0, d);	/* releases any not adopted */
	event_free(fe->adopt_ev);
	event_free(fe->sweep_ev);
	free(fe);
	d->fe = NULL;
}
