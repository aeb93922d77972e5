/*
 * daemonfx.h: an in-process cimheadd for the unit tests of its listeners
 * (test_frontend, test_admin).  A struct daemon is built from config text
 * the way main.c builds it, its listeners bind 127.0.0.1:0, and the test
 * talks HTTP to them from the same process: a libevent client on the same
 * event base, driven by event_base_loop until the reply has come.  Nothing
 * of the daemon is replaced.
 */
#ifndef DAEMONFX_H
#define DAEMONFX_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cimheadd.h"

/* A wait longer than this is a failure, not a slow machine. */
#define FX_WAIT_MS	10000

struct fx_reply {
	int		 calls;		/* times the reply callback fired */
	int		 code;		/* 0: no reply, the connection failed */
	struct buf	 body;
	struct buf	 headers;	/* "Name: value\n" each */
};

/* Builds d from config text; 0 or -1 with the parse errors printed. */
static int __attribute__((unused))
fx_daemon(struct daemon *d, const char *text)
{
	struct buf	errs, warns;
	size_t		i;

	memset(d, 0, sizeof(*d));
	buf_init(&errs, 65536);
	buf_init(&warns, 65536);
	d->conf = conf_parse(text, "test.conf", &errs, &warns);
	if (d->conf == NULL)
		printf("# %s", errs.data != NULL ? errs.data : "no config\n");
	buf_release(&errs);
	buf_release(&warns);
	if (d->conf == NULL)
		return (-1);
	if ((d->base = event_base_new()) == NULL ||
	    (d->http = http_ctx_new(d->base)) == NULL)
		return (-1);
	balance_seed(d, 12345);
	d->last_viewer_ms = mono_ms();
	d->nodes = xcalloc(d->conf->nnodes, sizeof(*d->nodes));
	d->nnodes = d->conf->nnodes;
	for (i = 0; i < d->nnodes; i++)
		d->nodes[i] = node_new(d, &d->conf->nodes[i]);
	return (0);
}

/* The teardown of main.c, in its order. */
static void __attribute__((unused))
fx_daemon_free(struct daemon *d)
{
	size_t	i;

	frontend_free(d);
	admin_free(d);
	probe_shutdown(d);
	for (i = 0; i < d->nnodes; i++)
		node_free(d->nodes[i]);
	free(d->nodes);
	http_ctx_free(d->http);
	event_base_free(d->base);
	conf_free(d->conf);
}

static void
fx_tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

/*
 * Runs the loop until *flag is non-zero or ms pass; returns *flag.  A
 * ticking timer makes each EVLOOP_ONCE return, so the deadline is kept
 * even when nothing else happens.
 */
static int __attribute__((unused))
fx_run(struct daemon *d, const int *flag, uint64_t ms)
{
	struct event	*tick;
	struct timeval	 tv;
	uint64_t	 end = mono_ms() + ms;

	if ((tick = event_new(d->base, -1, EV_PERSIST, fx_tick_cb,
	    NULL)) == NULL)
		return (*flag);
	ms_to_tv(10, &tv);
	event_add(tick, &tv);
	while (!*flag && mono_ms() < end)
		event_base_loop(d->base, EVLOOP_ONCE);
	event_free(tick);
	return (*flag);
}

/* Runs the loop until cond(d) holds or ms pass; returns cond(d). */
static int __attribute__((unused))
fx_until(struct daemon *d, int (*cond)(struct daemon *), uint64_t ms)
{
	uint64_t	end = mono_ms() + ms;
	int		never = 0;

	while (!cond(d) && mono_ms() < end)
		fx_run(d, &never, 10);
	return (cond(d));
}

static void
fx_reply_cb(struct evhttp_request *req, void *arg)
{
	struct fx_reply	*r = arg;
	struct evkeyval	*kv;
	struct evbuffer	*in;
	size_t		 len;

	r->calls++;
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	r->code = evhttp_request_get_response_code(req);
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
		buf_printf(&r->headers, "%s: %s\n", kv->key, kv->value);
	in = evhttp_request_get_input_buffer(req);
	if ((len = evbuffer_get_length(in)) > 0)
		buf_add(&r->body, evbuffer_pullup(in, (ev_ssize_t)len), len);
}

static void __attribute__((unused))
fx_reply_free(struct fx_reply *r)
{
	buf_release(&r->body);
	buf_release(&r->headers);
}

/*
 * One request to addr ("127.0.0.1:port") on a connection of its own;
 * hdrs is NULL or name, value, ..., NULL.  Returns the status (0: none).
 * The reply is left in r (fx_reply_free), after the loop ran a little
 * longer to catch a second reply to the same request.
 */
static int __attribute__((unused))
fx_request(struct daemon *d, const char *addr, enum evhttp_cmd_type cmd,
    const char *uri, const char *const *hdrs, struct fx_reply *r)
{
	struct evhttp_connection	*evcon;
	struct evhttp_request		*req;
	char				 host[64];
	unsigned			 port;
	int				 never = 0;
	size_t				 i;

	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 1 << 20);
	buf_init(&r->headers, 65536);
	if (hostport_split(addr, host, sizeof(host), 1, &port) == -1)
		return (0);
	if ((evcon = evhttp_connection_base_new(d->base, NULL, host,
	    (uint16_t)port)) == NULL ||
	    (req = evhttp_request_new(fx_reply_cb, r)) == NULL)
		return (0);
	/* A Host among hdrs replaces the default one. */
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i += 2)
		if (strcasecmp(hdrs[i], "Host") == 0)
			break;
	if (hdrs == NULL || hdrs[i] == NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Host", addr);
	for (; hdrs != NULL && hdrs[0] != NULL; hdrs += 2)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    hdrs[0], hdrs[1]);
	if (evhttp_make_request(evcon, req, cmd, uri) == -1) {
		evhttp_connection_free(evcon);
		return (0);
	}
	fx_run(d, &r->calls, FX_WAIT_MS);
	fx_run(d, &never, 50);
	evhttp_connection_free(evcon);
	return (r->code);
}

/* The value of a reply header (the first of that name), or NULL. */
static __attribute__((unused)) const char *
fx_header(const struct fx_reply *r, const char *name, char *out,
    size_t outlen)
{
	const char	*p = r->headers.data, *e;
	size_t		 n = strlen(name), vl;

	for (; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if ((size_t)(e - p) > n + 2 && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':' && p[n + 1] == ' ') {
			vl = (size_t)(e - p) - n - 2;
			if (vl >= outlen)
				return (NULL);
			memcpy(out, p + n + 2, vl);
			out[vl] = '\0';
			return (out);
		}
	}
	return (NULL);
}

/* ---- a raw TCP client: bytes as they are on the wire ------------------ */

struct fx_raw {
	struct bufferevent	*bev;
	struct buf		 in;	/* everything read */
	int			 connected;
	int			 closed;	/* EOF or error */
};

static void
fx_raw_read_cb(struct bufferevent *bev, void *arg)
{
	struct fx_raw	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	size_t		 len = evbuffer_get_length(in);

	if (len == 0)
		return;
	buf_add(&c->in, evbuffer_pullup(in, (ev_ssize_t)len), len);
	evbuffer_drain(in, len);
}

static void
fx_raw_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct fx_raw	*c = arg;

	if (what & BEV_EVENT_CONNECTED)
		c->connected = 1;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		fx_raw_read_cb(bev, arg);
		c->closed = 1;
	}
}

/* Connects to addr and sends bytes (none if NULL); 0 or -1. */
static int __attribute__((unused))
fx_raw_open(struct daemon *d, const char *addr, const char *bytes,
    struct fx_raw *c)
{
	struct sockaddr_in	 sin;
	char			 host[64];
	unsigned		 port;

	memset(c, 0, sizeof(*c));
	buf_init(&c->in, 1 << 20);
	if (hostport_split(addr, host, sizeof(host), 1, &port) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return (-1);
	if ((c->bev = bufferevent_socket_new(d->base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return (-1);
	bufferevent_setcb(c->bev, fx_raw_read_cb, NULL, fx_raw_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1)
		return (-1);
	if (bytes != NULL)
		bufferevent_write(c->bev, bytes, strlen(bytes));
	return (fx_run(d, &c->connected, FX_WAIT_MS) ? 0 : -1);
}

/* Hangs up (if still open) and frees. */
static void __attribute__((unused))
fx_raw_close(struct fx_raw *c)
{
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	c->bev = NULL;
	buf_release(&c->in);
}

/*
 * Whether a close with SO_LINGER 0 resets the connection here (it does on
 * Linux and Windows; wine's closesocket closes it gracefully): tests of
 * what a reset does skip where it cannot be made.
 */
static int __attribute__((unused))
fx_reset_works(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	struct linger		 l;
	evutil_socket_t		 ls, a = -1, b = -1;
	char			 ch;
	int			 r = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (0);
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    listen(ls, 1) == 0 &&
	    getsockname(ls, (struct sockaddr *)&sin, &sl) == 0 &&
	    (a = socket(AF_INET, SOCK_STREAM, 0)) != -1 &&
	    connect(a, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    (b = accept(ls, NULL, NULL)) != -1) {
		l.l_onoff = 1;
		l.l_linger = 0;
		setsockopt(a, SOL_SOCKET, SO_LINGER, (void *)&l, sizeof(l));
		evutil_closesocket(a);
		a = -1;
		r = recv(b, &ch, 1, 0) == -1;
	}
	if (a != -1)
		evutil_closesocket(a);
	if (b != -1)
		evutil_closesocket(b);
	evutil_closesocket(ls);
	return (r);
}

/* Resets the raw client's connection (see fx_reset_works) and frees it. */
static void __attribute__((unused))
fx_raw_reset(struct fx_raw *c)
{
	struct linger	l;

	l.l_onoff = 1;
	l.l_linger = 0;
	setsockopt(bufferevent_getfd(c->bev), SOL_SOCKET, SO_LINGER,
	    (void *)&l, sizeof(l));
	fx_raw_close(c);
}

/* Counts n TAP tests as skipped, for why. */
#define FX_SKIP(n, why) do {						\
	int	fx_i_;							\
	for (fx_i_ = 0; fx_i_ < (n); fx_i_++)				\
		printf("ok %d # SKIP %s\n", ++tap_n, (why));		\
} while (0)

/* How many HTTP responses the bytes read hold: status lines. */
static int __attribute__((unused))
fx_raw_responses(const struct fx_raw *c, char *codes, size_t codeslen)
{
	const char	*p = c->in.data;
	size_t		 off = 0;
	int		 n = 0;

	if (codeslen > 0)
		codes[0] = '\0';
	for (; p != NULL && (p = strstr(p, "HTTP/1.1 ")) != NULL; p += 9) {
		if (p != c->in.data && p[-1] != '\n')
			continue;
		n++;
		/* "302 400 ...": each status code and a space. */
		if (off + 4 < codeslen) {
			snprintf(codes + off, codeslen - off, "%.3s ", p + 9);
			off += 4;
		}
	}
	return (n);
}

#endif /* DAEMONFX_H */
