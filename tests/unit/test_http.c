/*
 * test_http.c: http.c against an in-process libevent server that answers
 * each request with the next canned reply of a script: exactly-once
 * callbacks (success, timeout, cancel, context free, refusal), never from
 * inside http_post; trailers; the bodiless 400 on an open connection;
 * size caps; the last response's headers after a 401; keep-alive;
 * transfers at the lowest priority of a base that has several.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "cimhead.h"
#include "tap.h"
#include "testsrv.h"

#define HANG	((const char *)1)	/* read the request, never answer */

struct srv {
	struct testsrv		 ls;
	const char		**script;	/* NULL-terminated */
	int			 next;
	int			 nreq;
	char			 lastreq[8192];
	char			 firstreq[8192];
};

struct res {
	int			 calls;
	int			 in_post;	/* set while http_post runs */
	int			 called_in_post;
	long			 status;
	int			 cut_short;
	enum wbem_errkind	 kind;
	char			 body[256];
	char			 cimerror[64];
	char			 trailer_code[16];
	char			 trailer_desc[64];
	char			 xfirst[16];
	uint64_t		 at;
	struct event_base	*base;
	int			 stop;		/* loopbreak on completion */
};

static struct event_base	*base;

/* After a reply marked with a leading '!': close once it is written. */
static void
srv_write_cb(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

static void
srv_read_cb(struct bufferevent *bev, void *arg)
{
	struct srv	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	size_t		 hlen;
	char		*head;
	const char	*step;

	while ((head = testsrv_request(in, &hlen)) != NULL) {
		head[hlen] = '\0';	/* the tests look at the head only */
		s->nreq++;
		strlcpy(s->lastreq, head, sizeof(s->lastreq));
		if (s->nreq == 1)
			strlcpy(s->firstreq, head, sizeof(s->firstreq));
		free(head);
		step = s->script[s->next];
		if (step == NULL)
			continue;
		s->next++;
		if (step == HANG)
			continue;
		if (step[0] == '!') {
			bufferevent_write(bev, step + 1, strlen(step + 1));
			bufferevent_setcb(bev, NULL, srv_write_cb,
			    testsrv_event_cb, s);
			return;
		}
		bufferevent_write(bev, step, strlen(step));
	}
}

static void
srv_start(struct srv *s, const char **script)
{
	memset(s, 0, sizeof(*s));
	s->script = script;
	testsrv_listen(&s->ls, base, srv_read_cb, s);
}

static void
srv_stop(struct srv *s)
{
	testsrv_close(&s->ls);
}

static void
done_cb(const struct http_response *resp, const struct wbem_error *err,
    void *arg)
{
	struct res	*r = arg;
	const char	*v;

	r->calls++;
	if (r->in_post)
		r->called_in_post = 1;
	r->at = mono_ms();
	r->kind = err->kind;
	if (resp != NULL) {
		r->status = resp->status;
		r->cut_short = resp->cut_short;
		snprintf(r->body, sizeof(r->body), "%.*s",
		    (int)resp->body_len, resp->body);
		if ((v = http_response_header(resp, "cimerror")) != NULL)
			strlcpy(r->cimerror, v, sizeof(r->cimerror));
		if ((v = http_response_header(resp, "X-First")) != NULL)
			strlcpy(r->xfirst, v, sizeof(r->xfirst));
		if ((v = http_response_trailer(resp, "cimstatuscode")) != NULL)
			strlcpy(r->trailer_code, v, sizeof(r->trailer_code));
		if ((v = http_response_trailer(resp,
		    "CIMStatusCodeDescription")) != NULL)
			strlcpy(r->trailer_desc, v, sizeof(r->trailer_desc));
	}
	if (r->stop)
		event_base_loopbreak(base);
}

static void
run_for(unsigned ms)
{
	testsrv_run_for(base, ms);
}

static struct http_xfer *
post(struct http_ctx *ctx, struct srv *s, struct res *r,
    struct http_request *rq)
{
	struct http_xfer	*x;
	char			 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", s->ls.port);
	rq->url = url;
	if (rq->body == NULL) {
		rq->body = "<x/>";
		rq->body_len = 4;
	}
	if (rq->timeout_ms == 0)
		rq->timeout_ms = 5000;
	r->stop = 1;
	r->in_post = 1;
	x = http_post(ctx, rq, done_cb, r);
	r->in_post = 0;
	return (x);
}

static void
t_ok(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 0000000005\r\n"
	    "X-First: a\r\n\r\nhello", NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	const char		*h[] = { "CIMOperation: MethodCall", NULL };
	char			 big[4000];
	uint64_t		 t0;

	srv_start(&s, script);
	/* over 1 KiB, where curl would otherwise ask for 100-continue */
	memset(big, 'x', sizeof(big));
	rq.body = big;
	rq.body_len = sizeof(big);
	rq.headers = h;
	rq.want_trailers = 1;
	t0 = mono_ms();
	ok(post(ctx, &s, &r, &rq) != NULL, "post starts");
	is_int(http_inflight(ctx), 1, "one in flight");
	run_for(5000);
	is_int(r.calls, 1, "ok: callback once");
	ok(!r.called_in_post, "ok: not called from inside http_post");
	is_int(r.kind, WBEM_E_NONE, "ok: no error");
	is_int(r.status, 200, "ok: status 200");
	is_str(r.body, "hello", "zero-padded lower-case content-length read");
	ok(r.at - t0 < tap_slow(500), "a 4000-byte body goes without a stall");
	ok(strstr(s.lastreq, "Expect") == NULL, "no Expect header");
	ok(strstr(s.lastreq, "\r\nTE: trailers\r\n") != NULL,
	    "TE: trailers sent when asked");
	ok(strstr(s.lastreq, "\r\nCIMOperation: MethodCall\r\n") != NULL,
	    "caller headers sent");
	ok(strstr(s.lastreq, "\r\nContent-Type: application/xml; "
	    "charset=utf-8\r\n") != NULL, "default content type");
	is_int(http_inflight(ctx), 0, "none in flight after");
	srv_stop(&s);
}

/*
 * Header lists are kept per context and shared (http.c): each request
 * still goes with its own headers, and a list pushed out of the cache
 * while transfers use it stays theirs until they end.
 */
static void
t_header_lists(struct http_ctx *ctx)
{
	static const char	 ok200[] =
	    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
	const char		*script[40];
	const char		*h1[] = { "X-A: 1", NULL };
	const char		*h2[] = { "X-A: 2", NULL };
	const char		*hn[24][2];
	char			 lines[24][16];
	struct srv		 s;
	struct res		 r, rn[24];
	struct http_request	 rq;
	uint64_t		 end;
	int			 i, n;

	for (i = 0; i < 39; i++)
		script[i] = ok200;
	script[39] = NULL;
	srv_start(&s, script);

	memset(&r, 0, sizeof(r));
	memset(&rq, 0, sizeof(rq));
	rq.headers = h1;
	rq.want_trailers = 1;
	post(ctx, &s, &r, &rq);
	run_for(5000);
	memset(&r, 0, sizeof(r));
	memset(&rq, 0, sizeof(rq));
	rq.headers = h1;
	rq.want_trailers = 1;
	post(ctx, &s, &r, &rq);
	run_for(5000);
	ok(r.status == 200 && strstr(s.lastreq, "\r\nX-A: 1\r\n") != NULL &&
	    strstr(s.lastreq, "\r\nTE: trailers\r\n") != NULL,
	    "header lists: the same headers again");

	memset(&r, 0, sizeof(r));
	memset(&rq, 0, sizeof(rq));
	rq.headers = h2;
	post(ctx, &s, &r, &rq);
	run_for(5000);
	ok(r.status == 200 && strstr(s.lastreq, "\r\nX-A: 2\r\n") != NULL &&
	    strstr(s.lastreq, "X-A: 1") == NULL &&
	    strstr(s.lastreq, "TE: trailers") == NULL,
	    "header lists: another header, no TE");

	memset(&r, 0, sizeof(r));
	memset(&rq, 0, sizeof(rq));
	rq.headers = h1;
	rq.content_type = "text/plain";
	post(ctx, &s, &r, &rq);
	run_for(5000);
	ok(r.status == 200 && strstr(s.lastreq, "\r\nX-A: 1\r\n") != NULL &&
	    strstr(s.lastreq, "\r\nContent-Type: text/plain\r\n") != NULL &&
	    strstr(s.lastreq, "TE: trailers") == NULL,
	    "header lists: the first header, its own content type, no TE");

	/* 24 lists at once: the first ones leave the cache in flight */
	for (i = 0; i < 24; i++) {
		snprintf(lines[i], sizeof(lines[i]), "X-N: %d", i);
		hn[i][0] = lines[i];
		hn[i][1] = NULL;
		memset(&rn[i], 0, sizeof(rn[i]));
		memset(&rq, 0, sizeof(rq));
		rq.headers = hn[i];
		post(ctx, &s, &rn[i], &rq);
		rn[i].stop = 0;
	}
	end = mono_ms() + 10000;
	do {
		run_for(50);
		for (i = n = 0; i < 24; i++)
			n += rn[i].calls == 1 && rn[i].status == 200;
	} while (n < 24 && mono_ms() < end);
	is_int(n, 24, "header lists: 24 in flight at once, all answered");
	srv_stop(&s);
}

static void
t_zero_length(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	uint64_t		 t0 = mono_ms();

	srv_start(&s, script);
	post(ctx, &s, &r, &rq);
	run_for(5000);
	is_int(r.calls, 1, "content-length 0: callback once");
	is_int(r.kind, WBEM_E_NONE, "content-length 0: no error");
	is_str(r.body, "", "content-length 0: empty body");
	ok(r.at - t0 < tap_slow(1000), "content-length 0: answered at once");
	srv_stop(&s);
}

static void
t_trailers(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
	    "Trailer: CIMStatusCode, CIMStatusCodeDescription\r\n\r\n"
	    "3\r\nhel\r\n2\r\nlo\r\n0\r\nCIMStatusCode: 15\r\n"
	    "CIMStatusCodeDescription: CIM_ERR_INVALID_QUERY%3A%20x\r\n\r\n",
	    NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };

	srv_start(&s, script);
	rq.want_trailers = 1;
	post(ctx, &s, &r, &rq);
	run_for(5000);
	is_int(r.calls, 1, "trailers: callback once");
	is_str(r.body, "hello", "trailers: chunks joined");
	is_str(r.trailer_code, "15", "trailers: CIMStatusCode read");
	is_str(r.trailer_desc, "CIM_ERR_INVALID_QUERY%3A%20x",
	    "trailers: description kept escaped");
	srv_stop(&s);
}

static void
t_bodiless_400(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 400 Bad Request\r\nCIMError: request-not-valid\r\n"
	    "PGErrorDetail: x\r\n\r\n", NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	uint64_t		 t0 = mono_ms();

	srv_start(&s, script);
	rq.timeout_ms = 10000;
	post(ctx, &s, &r, &rq);
	run_for(10000);
	is_int(r.calls, 1, "bodiless 400: callback once");
	is_int(r.kind, WBEM_E_NONE, "bodiless 400: a response");
	is_int(r.status, 400, "bodiless 400: status");
	ok(r.cut_short, "bodiless 400: cut short");
	is_str(r.cimerror, "request-not-valid", "bodiless 400: CIMError");
	ok(r.at - t0 < tap_slow(1000), "bodiless 400: answered in %llu ms, "
	    "not at the deadline", (unsigned long long)(r.at - t0));
	srv_stop(&s);
}

static void
t_timeout(struct http_ctx *ctx)
{
	const char		*script[] = { HANG, NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	uint64_t		 t0 = mono_ms();

	srv_start(&s, script);
	rq.timeout_ms = 300;
	post(ctx, &s, &r, &rq);
	run_for(5000);
	is_int(r.calls, 1, "timeout: callback once");
	is_int(r.kind, WBEM_E_TIMEOUT, "timeout: kind TIMEOUT");
	ok(r.at - t0 >= 280 && r.at - t0 < tap_slow(1500),
	    "timeout: after about the deadline (%llu ms)",
	    (unsigned long long)(r.at - t0));
	r.stop = 0;
	run_for(400);
	is_int(r.calls, 1, "timeout: no second callback");
	srv_stop(&s);
}

static void
t_refused(struct http_ctx *ctx)
{
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	const char		*script[] = { NULL };
	uint64_t		 t0 = mono_ms();

	srv_start(&s, script);
	srv_stop(&s);		/* the port is now closed */
	post(ctx, &s, &r, &rq);
	ok(r.calls == 0, "refused: not called from inside http_post");
	run_for(5000);
	is_int(r.calls, 1, "refused: callback once");
	is_int(r.kind, WBEM_E_TRANSPORT, "refused: kind TRANSPORT");
	ok(r.at - t0 < tap_slow(1000), "refused: fast");
}

static void
t_cancel(struct http_ctx *ctx)
{
	const char		*script[] = { HANG, NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	struct http_xfer	*x;

	srv_start(&s, script);
	rq.timeout_ms = 300;
	x = post(ctx, &s, &r, &rq);
	r.stop = 0;
	run_for(100);
	is_int(s.nreq, 1, "cancel: request reached the server");
	http_cancel(x);
	is_int(r.calls, 1, "cancel: callback once");
	is_int(r.kind, WBEM_E_CANCELLED, "cancel: kind CANCELLED");
	run_for(600);
	is_int(r.calls, 1, "cancel: no callback at the old deadline");
	is_int(http_inflight(ctx), 0, "cancel: nothing in flight");
	srv_stop(&s);
}

static void
t_ctx_free(void)
{
	const char		*script[] = { HANG, HANG, NULL };
	struct srv		 s;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };
	struct http_ctx		*ctx = http_ctx_new(base);

	srv_start(&s, script);
	post(ctx, &s, &r1, &rq1);
	post(ctx, &s, &r2, &rq2);
	r1.stop = r2.stop = 0;
	run_for(100);
	http_ctx_free(ctx);
	ok(r1.calls == 1 && r2.calls == 1, "ctx free: each callback once");
	ok(r1.kind == WBEM_E_CANCELLED && r2.kind == WBEM_E_CANCELLED,
	    "ctx free: both CANCELLED");
	run_for(200);
	ok(r1.calls == 1 && r2.calls == 1, "ctx free: nothing later");
	srv_stop(&s);
}

static void
t_caps(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "64\r\n0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678901234567890123456789\r\n"
	    "64\r\n0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678901234567890123456789\r\n"
	    "0\r\n\r\n", NULL };
	struct srv		 s;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };
	uint64_t		 t0 = mono_ms();

	srv_start(&s, script);
	rq1.max_response = 150;
	post(ctx, &s, &r1, &rq1);
	run_for(5000);
	is_int(r1.kind, WBEM_E_TOOBIG, "cap: Content-Length over the cap");
	ok(r1.at - t0 < tap_slow(1000), "cap: refused at the headers");
	rq2.max_response = 150;
	post(ctx, &s, &r2, &rq2);
	run_for(5000);
	is_int(r2.calls, 1, "cap: chunked callback once");
	is_int(r2.kind, WBEM_E_TOOBIG, "cap: chunked body over the cap");
	srv_stop(&s);
}

struct many {
	int	calls;
	int	bad;		/* headers not as sent */
	size_t	n;
};

static void
many_cb(const struct http_response *resp, const struct wbem_error *err,
    void *arg)
{
	struct many	*m = arg;
	const char	*v;
	char		 name[16], want[16];
	int		 i;

	m->calls++;
	event_base_loopbreak(base);
	if (resp == NULL) {
		m->bad = -1;
		return;
	}
	m->n = resp->nheaders;
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "x-h%d", i);
		snprintf(want, sizeof(want), "v %d", i);
		if ((v = http_response_header(resp, name)) == NULL ||
		    strcmp(v, want) != 0)
			m->bad++;
	}
	if ((v = http_response_header(resp, "X-Rep")) == NULL ||
	    strcmp(v, "2") != 0)
		m->bad++;
	if ((v = http_response_header(resp, "X-Empty")) == NULL || *v != '\0')
		m->bad++;
	if (http_response_header(resp, "X-None") != NULL)
		m->bad++;
}

/* Headers past the first allocation's 8 and 16, repeated, empty. */
static void
t_many_headers(struct http_ctx *ctx)
{
	const char		*script[2];
	struct srv		 s;
	struct many		 m = { 0 };
	struct http_request	 rq = { 0 };
	struct buf		 b;
	char			 url[128];
	int			 i;

	buf_init(&b, 0);
	buf_puts(&b, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "X-Rep: 1\r\n");
	for (i = 0; i < 20; i++)
		buf_printf(&b, "X-H%d: \t v %d \t\r\n", i, i);
	buf_puts(&b, "X-Empty:\r\nX-Rep: 2\r\n\r\nok");
	script[0] = b.data;
	script[1] = NULL;
	srv_start(&s, script);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", s.ls.port);
	rq.url = url;
	rq.body = "<x/>";
	rq.body_len = 4;
	rq.timeout_ms = 5000;
	http_post(ctx, &rq, many_cb, &m);
	run_for(5000);
	ok(m.calls == 1 && m.n == 24 && m.bad == 0,
	    "24 headers kept, trimmed, the last repeat wins (%zu, %d wrong)",
	    m.n, m.bad);
	srv_stop(&s);
	buf_release(&b);
}

static void
t_auth_retry(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"vm\""
	    "\r\nX-First: yes\r\ncontent-length: 0000000000\r\n\r\n",
	    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };

	srv_start(&s, script);
	rq.user = "root";
	rq.password = "wbempass";
	rq.auth = HTTP_AUTH_ANY;
	post(ctx, &s, &r, &rq);
	run_for(5000);
	is_int(r.calls, 1, "auth: callback once");
	is_int(r.status, 200, "auth: the retry's status");
	is_str(r.xfirst, "", "auth: only the last response's headers");
	is_str(r.body, "ok", "auth: the retry's body");
	ok(strstr(s.firstreq, "Authorization") == NULL,
	    "auth any: first request probes without credentials");
	ok(strstr(s.lastreq, "\r\nAuthorization: Basic cm9vdDp3YmVtcGFzcw==") !=
	    NULL, "auth any: retry with Basic");
	srv_stop(&s);
}

static void
t_keepalive(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na",
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb", NULL };
	struct srv		 s;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };

	srv_start(&s, script);
	rq1.user = rq2.user = "root";
	rq1.password = rq2.password = "pw";
	rq1.auth = rq2.auth = HTTP_AUTH_BASIC;
	post(ctx, &s, &r1, &rq1);
	run_for(5000);
	post(ctx, &s, &r2, &rq2);
	run_for(5000);
	ok(r1.calls == 1 && r2.calls == 1, "keepalive: both answered");
	is_str(r2.body, "b", "keepalive: second reply");
	is_int(s.ls.nconn, 1, "keepalive: one connection for two requests");
	ok(strstr(s.firstreq, "\r\nAuthorization: Basic ") != NULL &&
	    strstr(s.lastreq, "\r\nAuthorization: Basic ") != NULL,
	    "basic: credentials on every request");
	srv_stop(&s);
}

/* The server closes after its reply, without saying so: a new connection. */
static void
t_server_close(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "!HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na",
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb", NULL };
	struct srv		 s;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };

	srv_start(&s, script);
	post(ctx, &s, &r1, &rq1);
	run_for(5000);
	r1.stop = 0;
	run_for(100);		/* the close reaches the client */
	post(ctx, &s, &r2, &rq2);
	run_for(5000);
	is_str(r1.body, "a", "server close: first reply");
	is_int(r2.kind, WBEM_E_NONE, "server close: next request succeeds");
	is_str(r2.body, "b", "server close: second reply");
	is_int(s.ls.nconn, 2, "server close: on a new connection");
	srv_stop(&s);
}

struct chain {
	struct http_ctx	*ctx;
	struct srv	*s;
	struct res	 r2;
	int		 first_calls;
};

static void
chain_cb(const struct http_response *resp, const struct wbem_error *err,
    void *arg)
{
	struct chain		*c = arg;
	struct http_request	 rq = { 0 };

	c->first_calls++;
	post(c->ctx, c->s, &c->r2, &rq);
}

static void
t_chain(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na",
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb", NULL };
	struct srv		 s;
	struct chain		 c = { 0 };
	struct http_request	 rq = { 0 };
	char			 url[128];

	srv_start(&s, script);
	c.ctx = ctx;
	c.s = &s;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", s.ls.port);
	rq.url = url;
	rq.timeout_ms = 5000;
	http_post(ctx, &rq, chain_cb, &c);
	run_for(5000);
	is_int(c.first_calls, 1, "chain: first callback once");
	is_int(c.r2.calls, 1, "chain: a post from inside a callback completes");
	is_str(c.r2.body, "b", "chain: its reply");
	srv_stop(&s);
}

static int
count_lowest_cb(const struct event_base *b, const struct event *ev, void *arg)
{
	int	*n = arg;

	(void)b;
	if (event_get_priority(ev) == 2)	/* of three */
		(*n)++;
	return (0);
}

/*
 * On a base with priorities (the daemon's), transfers run at the lowest:
 * while one is in flight some event sits there, none of the test
 * server's; once it is cancelled, nothing does.
 */
static void
t_priority(void)
{
	const char		*script[] = { HANG, NULL };
	struct event_base	*saved = base;
	struct http_ctx		*ctx;
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	struct http_xfer	*x;
	int			 low = 0, after = 0;

	base = event_base_new();
	ok(event_base_priority_init(base, 3) == 0, "priority: three");
	ctx = http_ctx_new(base);
	srv_start(&s, script);
	x = post(ctx, &s, &r, &rq);
	r.stop = 0;
	run_for(300);			/* connected, request sent */
	event_base_foreach_event(base, count_lowest_cb, &low);
	ok(low >= 1 && s.nreq == 1,
	    "priority: the transfer in flight at the lowest (%d)", low);
	http_cancel(x);
	is_int(r.calls, 1, "priority: cancelled once");
	http_ctx_free(ctx);
	srv_stop(&s);
	run_for(100);
	event_base_foreach_event(base, count_lowest_cb, &after);
	is_int(after, 0, "priority: nothing left at the lowest");
	event_base_free(base);
	base = saved;
}

static void
t_bad_url(struct http_ctx *ctx)
{
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };

	rq.url = "gopher://127.0.0.1/x";
	rq.timeout_ms = 1000;
	r.stop = 1;
	r.in_post = 1;
	http_post(ctx, &rq, done_cb, &r);
	r.in_post = 0;
	ok(r.calls == 0, "bad scheme: not called from inside http_post");
	run_for(2000);
	is_int(r.calls, 1, "bad scheme: callback once");
	is_int(r.kind, WBEM_E_TRANSPORT, "bad scheme: refused");
}

int
main(void)
{
	struct http_ctx	*ctx;
	enum http_auth	 a;

	log_init("test_http", LOG_LVL_WARN, 0);
	compat_init(0);
	base = event_base_new();
	ctx = http_ctx_new(base);
	ok(ctx != NULL, "context");
	ok(http_auth_parse("NTLM", &a) == 0 && a == HTTP_AUTH_NTLM,
	    "auth names parse");
	ok(http_auth_parse("kerberos", &a) == -1, "unknown auth refused");

	t_ok(ctx);
	t_header_lists(ctx);
	t_zero_length(ctx);
	t_trailers(ctx);
	t_bodiless_400(ctx);
	t_timeout(ctx);
	t_refused(ctx);
	t_cancel(ctx);
	t_ctx_free();
	t_caps(ctx);
	t_many_headers(ctx);
	t_auth_retry(ctx);
	t_keepalive(ctx);
	t_server_close(ctx);
	t_chain(ctx);
	t_priority();
	t_bad_url(ctx);

	http_ctx_free(ctx);
	run_for(200);	/* lets the server see every close */
	event_base_free(base);
	return (tap_done());
}
