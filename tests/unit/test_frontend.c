/*
 * test_frontend.c: the viewer side of cimheadd, in process (daemonfx.h):
 * the real frontend on 127.0.0.1:0, spoken to over loopback.  Every
 * request gets exactly one reply (302, 400, 404, 405, 414 or 503, with
 * Retry-After on 503); a parked viewer is answered when its round ends,
 * even after a half-close, or forgotten when it resets the connection;
 * the connection cap and the request-head deadline close connections and
 * count them.
 */
#include "config.h"

#include "daemonfx.h"
#include "tap.h"

#define NODE_DISABLED_CONF						\
	"[node a]\nurl = http://127.0.0.1:9/cimom\n"			\
	"stream-url = http://{host}/vod/{title}\nenabled = no\n"

static int
parked_one(struct daemon *d)
{
	return (frontend_parked(d) == 1);
}

static int
parked_none(struct daemon *d)
{
	return (frontend_parked(d) == 0);
}

static int
conns_none(struct daemon *d)
{
	return (frontend_conns(d) == 0);
}

static int
round_none(struct daemon *d)
{
	return (d->round == NULL);
}

static int
conns_two(struct daemon *d)
{
	return (frontend_conns(d) == 2);
}

/* Each refusal: its status, its headers, one reply, its counter. */
static void
test_refusals(void)
{
	struct daemon	 d;
	struct fx_reply	 r;
	struct fx_raw	 raw;
	char		 v[256], codes[64], uri[1200];
	const char	*bad[] = { "/watch/..%2Fetc%2Fpasswd", "/watch/a%00b",
	    "/watch/", "/watch/%ff%fe" };
	size_t		 i;

	if (fx_daemon(&d, "[cimheadd]\nlisten = 127.0.0.1:0\n"
	    "retry-after = 7\n" NODE_DISABLED_CONF) == -1) {
		ok(0, "daemon built from the config");
		return;
	}
	ok(frontend_start(&d, d.conf->listen) == 0,
	    "frontend listens on %s", d.front_addr);

	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_GET, "/watch/movie",
	    NULL, &r), 503, "no node can take a viewer: 503");
	is_int(r.calls, 1, "503: one reply");
	is_str(fx_header(&r, "Retry-After", v, sizeof(v)), "7",
	    "503: Retry-After is retry-after");
	is_str(fx_header(&r, "Cache-Control", v, sizeof(v)), "no-store",
	    "503: not cached");
	fx_reply_free(&r);
	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_HEAD, "/watch/movie",
	    NULL, &r), 503, "HEAD: 503 too");
	ok(fx_header(&r, "Retry-After", v, sizeof(v)) != NULL,
	    "HEAD 503: Retry-After");
	fx_reply_free(&r);
	is_int(metrics_get(&d, METRIC_503), 2, "both 503s counted");

	for (i = 0; i < nitems(bad); i++) {
		is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_GET, bad[i],
		    NULL, &r), 400, "bad title %s: 400", bad[i]);
		is_int(r.calls, 1, "400: one reply");
		fx_reply_free(&r);
	}
	memset(uri, 'a', sizeof(uri) - 1);
	uri[sizeof(uri) - 1] = '\0';
	memcpy(uri, "/watch/", 7);
	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_GET, uri, NULL, &r),
	    414, "a path over 1 KiB: 414");
	fx_reply_free(&r);
	is_int(metrics_get(&d, METRIC_400), nitems(bad) + 1,
	    "the 400s and the 414 counted as 400");

	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_POST, "/watch/movie",
	    NULL, &r), 405, "POST: 405");
	is_str(fx_header(&r, "Allow", v, sizeof(v)), "GET, HEAD",
	    "405: Allow names GET and HEAD");
	is_int(r.calls, 1, "405: one reply");
	fx_reply_free(&r);
	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_DELETE, "/healthz",
	    NULL, &r), 405, "DELETE, even of /healthz: 405");
	fx_reply_free(&r);
	is_int(metrics_get(&d, METRIC_405), 2, "both 405s counted");

	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_GET, "/healthz", NULL,
	    &r), 200, "GET /healthz: 200");
	is_str(r.body.data, "ok\n", "/healthz: ok");
	fx_reply_free(&r);
	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_GET, "/nope", NULL,
	    &r), 404, "unknown path: 404");
	fx_reply_free(&r);
	is_int(metrics_get(&d, METRIC_404), 1, "the 404 counted");
	is_int(metrics_get(&d, METRIC_302), 0, "and no 302");

	/*
	 * Five requests sent at once on one connection: a request answered
	 * twice, or not at all, shows as a count or an order off.
	 */
	ok(fx_raw_open(&d, d.front_addr,
	    "GET /watch/movie HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /watch/..%2Fx HTTP/1.1\r\nHost: x\r\n\r\n"
	    "PUT /watch/movie HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
	    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    &raw) == 0, "pipelined: connected");
	ok(fx_run(&d, &raw.closed, FX_WAIT_MS), "pipelined: closed after the "
	    "last (Connection: close)");
	is_int(fx_raw_responses(&raw, codes, sizeof(codes)), 5,
	    "pipelined: five requests, five replies");
	is_str(codes, "503 400 405 200 404 ", "pipelined: in order");
	fx_raw_close(&raw);
	ok(fx_until(&d, conns_none, FX_WAIT_MS), "no connection left open");
	fx_daemon_free(&d);
}

/* A node with a fresh sample under the thresholds: a 302 to it. */
static void
test_dispatch(void)
{
	struct daemon	 d;
	struct fx_reply	 r;
	struct node	*n;
	struct profile_reading rd;
	char		 v[256];

	if (fx_daemon(&d, "[cimheadd]\nlisten = 127.0.0.1:0\n"
	    "freshness = 1m\n"
	    "[node a]\nurl = http://127.0.0.1:9/cimom\n"
	    "stream-url = http://{host}/vod/{title}\n") == -1) {
		ok(0, "daemon built from the config");
		return;
	}
	ok(frontend_start(&d, d.conf->listen) == 0, "frontend listens");
	n = d.nodes[0];
	n->state = NODE_UP;
	/* 10 % busy by its formatted counters, 10 % of memory. */
	memset(&rd, 0, sizeof(rd));
	rd.has_cpu_fmt = rd.has_net_fmt = rd.has_avail = rd.has_total = 1;
	rd.cpu_fmt = 10;
	rd.net_fmt_bytes = 1250000;
	rd.net_fmt_bw = 100000000;
	rd.total = 1000;
	rd.avail = 900;
	node_apply(n, &rd, mono_ms());
	is_int(fx_request(&d, d.front_addr, EVHTTP_REQ_GET,
	    "/watch/big%20movie.mp4?ignored=1", NULL, &r), 302,
	    "a fresh node under its thresholds: 302");
	is_str(fx_header(&r, "Location", v, sizeof(v)),
	    "http://127.0.0.1/vod/big%20movie.mp4",
	    "Location: the node's stream URL for the title");
	is_int(r.calls, 1, "302: one reply");
	fx_reply_free(&r);
	is_int(n->m_dispatch, 1, "the node counts the dispatch");
	is_int(metrics_get(&d, METRIC_302), 1, "the 302 counted");
	is_int(metrics_get(&d, METRIC_ROUNDS), 0,
	    "a fresh sample needs no probe round");
	ok(d.round == NULL, "and none is in flight");
	fx_daemon_free(&d);
}

/*
 * A daemon whose node accepts connections and never answers, so a viewer
 * is parked on the probe round until the decision deadline.  Returns the
 * node's listening socket, or -1.
 */
static evutil_socket_t
silent_node_daemon(struct daemon *d)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	char			 conf[1024];
	evutil_socket_t		 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		evutil_closesocket(fd);
		return (-1);
	}
	snprintf(conf, sizeof(conf), "[cimheadd]\nlisten = 127.0.0.1:0\n"
	    "decision-timeout = 400ms\nquery-timeout = 10s\n"
	    "[node a]\nurl = http://127.0.0.1:%d/cimom\n"
	    "stream-url = http://{host}/vod/{title}\n", ntohs(sin.sin_port));
	if (fx_daemon(d, conf) == -1 ||
	    frontend_start(d, d->conf->listen) == -1) {
		evutil_closesocket(fd);
		return (-1);
	}
	return (fd);
}

static void
drained_cb(struct daemon *d)
{
	d->draining = 2;	/* seen by the test: the callback ran */
}

/* A parked viewer is answered when the round ends: at its deadline. */
static void
test_parked_answered(void)
{
	struct daemon		 d;
	struct fx_reply		 r;
	char			 v[64];
	uint64_t		 t0;
	evutil_socket_t		 fd;
	int			 code;

	if ((fd = silent_node_daemon(&d)) == -1) {
		ok(0, "a daemon with a silent node");
		return;
	}
	/* Draining: answering the last parked viewer calls drained_cb. */
	d.draining = 1;
	d.drained_cb = drained_cb;
	t0 = mono_ms();
	code = fx_request(&d, d.front_addr, EVHTTP_REQ_GET, "/watch/movie",
	    NULL, &r);
	t0 = mono_ms() - t0;
	is_int(code, 503, "no answer from the node by the deadline: 503");
	/* decision-timeout 400 ms; a coarse clock may lose a few. */
	ok(t0 >= 390, "answered at the decision deadline (%llu ms)",
	    (unsigned long long)t0);
	is_int(r.calls, 1, "parked: one reply");
	ok(fx_header(&r, "Retry-After", v, sizeof(v)) != NULL,
	    "parked 503: Retry-After");
	fx_reply_free(&r);
	is_int(frontend_parked(&d), 0, "nobody left parked");
	is_int(d.draining, 2, "draining: told when the last one is answered");
	is_int(metrics_get(&d, METRIC_ROUNDS), 1, "the round counted");
	fx_daemon_free(&d);
	evutil_closesocket(fd);
}

/*
 * A viewer who hangs up (close) while parked: to vhttp its FIN is a
 * half-close, after which every request received is still answered, so
 * the decision is made when the round ends and its reply is written to a
 * connection the peer has closed.  Then nothing of it is left.
 */
static void
test_parked_hangup(void)
{
	struct daemon		 d;
	struct fx_raw		 raw;
	evutil_socket_t		 fd;

	if ((fd = silent_node_daemon(&d)) == -1) {
		ok(0, "a daemon with a silent node");
		return;
	}
	ok(fx_raw_open(&d, d.front_addr,
	    "GET /watch/movie HTTP/1.1\r\nHost: x\r\n\r\n", &raw) == 0,
	    "viewer connected");
	ok(fx_until(&d, parked_one, FX_WAIT_MS),
	    "the viewer waits on a probe round");
	ok(d.round != NULL, "a round is in flight");
	fx_raw_close(&raw);
	ok(fx_until(&d, round_none, FX_WAIT_MS), "the round ends");
	ok(fx_until(&d, parked_none, FX_WAIT_MS), "nobody is left parked");
	ok(fx_until(&d, conns_none, FX_WAIT_MS),
	    "the viewer's connection is gone");
	is_int(metrics_get(&d, METRIC_503), 1,
	    "the decision was made, its reply dropped with the connection");
	fx_daemon_free(&d);
	evutil_closesocket(fd);
}

/*
 * A viewer who resets the connection while parked is forgotten at once
 * (vhttp's abandon callback): no decision is made for it, no reply sent.
 */
static void
test_parked_reset(void)
{
	struct daemon		 d;
	struct fx_raw		 raw;
	evutil_socket_t		 fd;

	if ((fd = silent_node_daemon(&d)) == -1) {
		ok(0, "a daemon with a silent node");
		return;
	}
	ok(fx_raw_open(&d, d.front_addr,
	    "GET /watch/movie HTTP/1.1\r\nHost: x\r\n\r\n", &raw) == 0,
	    "viewer connected");
	ok(fx_until(&d, parked_one, FX_WAIT_MS),
	    "the viewer waits on a probe round");
	if (!fx_reset_works()) {
		fx_raw_close(&raw);
		FX_SKIP(5, "no reset from a close here (wine)");
	} else {
		fx_raw_reset(&raw);
		ok(fx_until(&d, parked_none, FX_WAIT_MS),
		    "a reset: nobody is left parked");
		ok(d.round != NULL, "... before the round ends");
		ok(fx_until(&d, conns_none, FX_WAIT_MS),
		    "the viewer's connection is gone");
		ok(fx_until(&d, round_none, FX_WAIT_MS), "the round ends");
		is_int(metrics_get(&d, METRIC_503) +
		    metrics_get(&d, METRIC_302), 0,
		    "no decision made for the viewer who left");
	}
	fx_daemon_free(&d);
	evutil_closesocket(fd);
}

/* max-viewer-connections and viewer-header-timeout close idle ones. */
static void
test_conn_limits(void)
{
	struct daemon	 d;
	struct fx_raw	 a, b, c;
	int		 never = 0;

	if (fx_daemon(&d, "[cimheadd]\nlisten = 127.0.0.1:0\n"
	    "max-viewer-connections = 2\ndecision-timeout = 100ms\n"
	    "viewer-header-timeout = 500ms\n" NODE_DISABLED_CONF) == -1) {
		ok(0, "daemon built from the config");
		return;
	}
	ok(frontend_start(&d, d.conf->listen) == 0, "frontend listens");
	ok(fx_raw_open(&d, d.front_addr, NULL, &a) == 0,
	    "an idle viewer connection");
	/* a's head deadline strictly before b's: a is the one to go. */
	fx_run(&d, &never, 50);
	ok(fx_raw_open(&d, d.front_addr, NULL, &b) == 0 &&
	    fx_until(&d, conns_two, FX_WAIT_MS), "a second one");
	ok(fx_raw_open(&d, d.front_addr, NULL, &c) == 0, "a third one");
	ok(fx_run(&d, &a.closed, FX_WAIT_MS),
	    "over the cap: the one nearest its deadline is closed");
	is_int(metrics_get(&d, METRIC_CONN_LIMIT), 1, "counted as limit");
	ok(!b.closed && !c.closed, "the others stay");
	ok(fx_run(&d, &b.closed, FX_WAIT_MS) && fx_run(&d, &c.closed,
	    FX_WAIT_MS), "no request head within the timeout: closed");
	is_int(metrics_get(&d, METRIC_CONN_TIMEOUT), 2,
	    "counted as header-timeout");
	ok(fx_until(&d, conns_none, FX_WAIT_MS), "no connection left");
	fx_raw_close(&a);
	fx_raw_close(&b);
	fx_raw_close(&c);
	fx_daemon_free(&d);
}

int
main(void)
{
	if (compat_init(0) == -1)
		return (1);
	xml_global_init();
	test_refusals();
	test_dispatch();
	test_parked_answered();
	test_parked_hangup();
	test_parked_reset();
	test_conn_limits();
	return (tap_done());
}
