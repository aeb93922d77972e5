/*
 * frontend.c: the viewer's side.  GET|HEAD /watch/<title> is answered with
 * a 302 to the chosen node's stream URL, or 503 with Retry-After when no
 * node may take another viewer; GET /healthz says the daemon is alive.
 * Every request gets exactly one reply: 302, 400, 404, 405 or 503.
 *
 * A request that needs fresh samples is parked on a probe round and
 * answered when the round ends (at the latest at the decision deadline).
 * A viewer who hangs up while parked is forgotten, so a reply never goes
 * to a freed request.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cimheadd.h"

#define FRONTEND_MAX_PARKED	10000

struct frontend_park {
	struct probe_waiter	 w;	/* first: the waiter is the park */
	struct daemon		*d;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
	char			 title[DISPATCH_TITLE_MAX + 1];
	struct frontend_park	*next, *prev;
};

static void	frontend_request_cb(struct evhttp_request *, void *);
static void	frontend_round_done_cb(struct probe_waiter *, uint64_t);
static void	frontend_close_cb(struct evhttp_connection *, void *);

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

	d->m_503++;
	snprintf(ra, sizeof(ra), "%u", d->conf->retry_after_s);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", ra);
	frontend_reply(req, 503, "Service Unavailable",
	    "no node can take another viewer now");
}

/* The decision for one viewer, with samples taken at or after min_ms. */
static void
frontend_decide(struct daemon *d, struct evhttp_request *req,
    const char *title, uint64_t min_ms)
{
	const struct conf	*c = d->conf;
	struct node		*n;
	struct buf		 url;
	uint64_t		 expires;

	if ((n = daemon_pick(d, min_ms)) == NULL) {
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
	node_dispatched(n);
	d->m_302++;
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
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		d->parked = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	d->nparked--;
	free(p);
	if (d->draining && d->nparked == 0 && d->drained_cb != NULL)
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
	evhttp_connection_set_closecb(p->evcon, NULL, NULL);
	strlcpy(title, p->title, sizeof(title));
	frontend_unpark(p);
	frontend_decide(d, req, title, min_ms);
}

/* The viewer hung up while parked: its request is about to be freed. */
static void
frontend_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct frontend_park	*p = arg;

	frontend_unpark(p);
}

static void
frontend_watch(struct daemon *d, struct evhttp_request *req,
    const char *raw)
{
	struct frontend_park	*p;
	char			 title[DISPATCH_TITLE_MAX + 1];
	uint64_t		 now = mono_ms();

	if (dispatch_title_check(raw, title, sizeof(title)) == -1) {
		d->m_400++;
		frontend_reply(req, 400, "Bad Request", "bad title");
		return;
	}
	if (d->nparked >= FRONTEND_MAX_PARKED) {
		frontend_unavailable(d, req);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->d = d;
	p->req = req;
	p->w.cb = frontend_round_done_cb;
	p->w.arg = p;
	if (probe_need(d, &p->w) == 1) {
		/* Every candidate is fresh enough: decide now. */
		free(p);
		frontend_decide(d, req, title,
		    now > d->conf->freshness_ms ? now - d->conf->freshness_ms :
		    0);
		return;
	}
	strlcpy(p->title, title, sizeof(p->title));
	p->evcon = evhttp_request_get_connection(req);
	evhttp_connection_set_closecb(p->evcon, frontend_close_cb, p);
	p->next = d->parked;
	if (d->parked != NULL)
		d->parked->prev = p;
	d->parked = p;
	d->nparked++;
}

static void
frontend_request_cb(struct evhttp_request *req, void *arg)
{
	struct daemon		*d = arg;
	const char		*uri, *path;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);
	char			 raw[1024];
	size_t			 n;

	uri = evhttp_request_get_uri(req);
	/* Path only: the query string plays no part in the choice. */
	n = strcspn(uri, "?#");
	if (n >= sizeof(raw)) {
		d->m_400++;
		frontend_reply(req, 400, "Bad Request", "URI too long");
		return;
	}
	memcpy(raw, uri, n);
	raw[n] = '\0';
	path = raw;
	if (strncmp(path, "/watch/", 7) == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			d->m_405++;
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Allow", "GET, HEAD");
			frontend_reply(req, 405, "Method Not Allowed", NULL);
			return;
		}
		frontend_watch(d, req, path + 7);
		return;
	}
	if (strcmp(path, "/healthz") == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			d->m_405++;
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Allow", "GET, HEAD");
			frontend_reply(req, 405, "Method Not Allowed", NULL);
			return;
		}
		frontend_reply(req, 200, "OK", d->draining ? "draining" : "ok");
		return;
	}
	d->m_404++;
	frontend_reply(req, 404, "Not Found", "not found");
}

int
frontend_start(struct daemon *d, const char *listen)
{
	if ((d->front = evhttp_new(d->base)) == NULL)
		return (-1);
	evhttp_set_allowed_methods(d->front, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_timeout(d->front, 30);
	evhttp_set_max_headers_size(d->front, 16384);
	evhttp_set_max_body_size(d->front, 65536);
	evhttp_set_gencb(d->front, frontend_request_cb, d);
	if (daemon_bind(d, d->front, listen, d->front_addr,
	    sizeof(d->front_addr), &d->front_sock) == -1)
		return (-1);
	return (0);
}

void
frontend_stop_accepting(struct daemon *d)
{
	if (d->front != NULL && d->front_sock != NULL) {
		evhttp_del_accept_socket(d->front, d->front_sock);
		d->front_sock = NULL;
	}
}

size_t
frontend_parked(const struct daemon *d)
{
	return (d->nparked);
}

void
frontend_free(struct daemon *d)
{
	/* Whatever is still parked gets its answer before the end. */
	struct evhttp_request	*req;

	while (d->parked != NULL) {
		req = d->parked->req;
		evhttp_connection_set_closecb(d->parked->evcon, NULL, NULL);
		frontend_unpark(d->parked);
		frontend_unavailable(d, req);
	}
	if (d->front != NULL)
		evhttp_free(d->front);
	d->front = NULL;
}
