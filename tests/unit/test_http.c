/*
 * test_http.c: http.c against an in-process libevent server that answers
 * each request with the next canned reply of a script: exactly-once
 * callbacks (success, timeout, cancel, context free, refusal), never from
 * inside http_post; trailers; the bodiless 400 on an open connection;
 * size caps; the last response's headers after a 401; keep-alive;
 * transfers at the lowest priority of a base that has several.  The
 * shared cases run twice, on hclient.c (the default for plain http to an
 * address) and on libcurl (CIMHEAD_HTTP_ENGINE=curl), and the two must
 * send the same bytes; hclient.c's strict parsing has cases of its own.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "cimhead.h"
#if COMPAT_HCLIENT		/* the descriptor limit: hclient.c's cases */
#include <sys/resource.h>
#endif
#include "tap.h"
#include "testsrv.h"

#define HANG	((const char *)1)	/* read the request, never answer */
#define CLOSE	((const char *)2)	/* read the request, close at once */

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
	int			 code;
	char			 desc[256];
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
		if (step == CLOSE) {
			bufferevent_free(bev);
			return;
		}
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
	r->code = err->code;
	strlcpy(r->desc, err->description, sizeof(r->desc));
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

/* Posts one request with rq as given and waits for its callback. */
static void
post_wait(struct http_ctx *ctx, struct srv *s, struct res *r,
    struct http_request *rq)
{
	post(ctx, s, r, rq);
	run_for(5000);
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

/* A second request goes on the same connection, with Basic or without. */
static void
t_keepalive(struct http_ctx *ctx, int basic)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na",
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb", NULL };
	struct srv		 s;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };

	srv_start(&s, script);
	if (basic) {
		rq1.user = rq2.user = "root";
		rq1.password = rq2.password = "pw";
		rq1.auth = rq2.auth = HTTP_AUTH_BASIC;
	}
	post_wait(ctx, &s, &r1, &rq1);
	post_wait(ctx, &s, &r2, &rq2);
	ok(r1.calls == 1 && r2.calls == 1, "keepalive: both answered");
	is_str(r2.body, "b", "keepalive: second reply");
	is_int(s.ls.nconn, 1, "keepalive: one connection for two requests");
	if (basic)
		ok(strstr(s.firstreq, "\r\nAuthorization: Basic ") != NULL &&
		    strstr(s.lastreq, "\r\nAuthorization: Basic ") != NULL,
		    "basic: credentials on every request");
	else
		ok(strstr(s.lastreq, "Authorization") == NULL,
		    "keepalive: no credentials");
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


#if COMPAT_HCLIENT	/* Windows: libcurl does every transfer */
/*
 * Both engines send the same request bytes: hclient.c writes what libcurl
 * 7.88 was captured sending (request line, Host, User-Agent, Accept, the
 * caller's headers in order, TE, Content-Length), "Expect:" dropped.
 */
static void
t_same_bytes(struct http_ctx *hc, struct http_ctx *curl)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
	    "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", NULL };
	const char		*h[] = { "CIMOperation: MethodCall",
	    "CIMMethod: ExecQuery", "Expect:", "CIMObject: root%2Fcimv2",
	    NULL };
	struct srv		 s;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };
	char			 first[8192];

	srv_start(&s, script);
	rq1.headers = rq2.headers = h;
	rq1.want_trailers = rq2.want_trailers = 1;
	rq1.content_type = rq2.content_type = "application/xml; charset=utf-8";
	post_wait(hc, &s, &r1, &rq1);
	strlcpy(first, s.lastreq, sizeof(first));
	post_wait(curl, &s, &r2, &rq2);
	ok(r1.status == 200 && r2.status == 200, "same bytes: both answered");
	is_str(first, s.lastreq, "same bytes: hclient.c's head is libcurl's");
	ok(strncmp(first, "POST /cimom HTTP/1.1\r\nHost: 127.0.0.1:", 38) == 0 &&
	    strstr(first, "\r\nUser-Agent: " PACKAGE_NAME "/") != NULL &&
	    strstr(first, "\r\nAccept: */*\r\nContent-Type: application/xml; "
	    "charset=utf-8\r\nCIMOperation: MethodCall\r\nCIMMethod: "
	    "ExecQuery\r\nCIMObject: root%2Fcimv2\r\nTE: trailers\r\n"
	    "Content-Length: 4\r\n\r\n") != NULL,
	    "same bytes: the captured order");
	srv_stop(&s);
}
#endif	/* COMPAT_HCLIENT */

/*
 * A kept connection the server closes on reading the next request (as a
 * CIMOM does at its idle limit): the request goes again on a new one,
 * once.
 */
static void
t_stale_retry(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na", CLOSE,
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb", NULL };
	struct srv		 s;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };

	srv_start(&s, script);
	post_wait(ctx, &s, &r1, &rq1);
	post_wait(ctx, &s, &r2, &rq2);
	is_int(r2.kind, WBEM_E_NONE, "stale: the retry succeeds");
	is_str(r2.body, "b", "stale: its reply");
	ok(s.nreq == 3 && s.ls.nconn == 2,
	    "stale: sent again on a second connection (%d requests, %d "
	    "connections)", s.nreq, s.ls.nconn);
	srv_stop(&s);
}

/* On a fresh connection there is no retry: nothing back is an error. */
static void
t_empty_reply(struct http_ctx *ctx)
{
	const char		*script[] = { CLOSE, CLOSE, NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };

	srv_start(&s, script);
	post_wait(ctx, &s, &r, &rq);
	is_int(r.kind, WBEM_E_TRANSPORT, "empty reply: TRANSPORT");
	is_int(r.code, 52, "empty reply: CURLE_GOT_NOTHING");
	is_int(s.nreq, 1, "empty reply: sent once");
	srv_stop(&s);
}

/* Replies either engine reads the same way. */
static void
t_framing(struct http_ctx *ctx)
{
	static const struct {
		const char	*reply;
		const char	*next;		/* NULL: the server closed */
		int		 kind;
		int		 code;
		long		 status;
		const char	*body;
		int		 nconn;		/* after a second request */
		const char	*what;
	} cases[] = {
	    { "!HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc", NULL,
	      WBEM_E_TRANSPORT, 18, 0, "", 0, "body cut short" },
	    { "!HTTP/1.1 200 OK\r\n\r\nuntil close", NULL, WBEM_E_NONE, 0,
	      200, "until close", 0, "body until close" },
	    { "!HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
	      "3\r\nabc\r\n", NULL, WBEM_E_TRANSPORT, 18, 0, "", 0,
	      "chunked cut short" },
	    { "HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\na",
	      "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb", WBEM_E_NONE, 0,
	      200, "a", 2, "HTTP/1.0: not kept" },
	    { "HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 1"
	      "\r\n\r\na", "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb",
	      WBEM_E_NONE, 0, 200, "a", 2, "Connection: close: not kept" },
	    { "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
	      "content-length: 1\r\n\r\na", NULL, WBEM_E_NONE, 0, 201, "a",
	      0, "100 Continue skipped" },
	    { "HTTP/1.1 204 No Content\r\n\r\n", NULL, WBEM_E_NONE, 0, 204,
	      "", 0, "204: no body" },
	    { "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n"
	      "\r\nab", NULL, WBEM_E_NONE, 0, 200, "ab", 0,
	      "the same Content-Length twice" },
	};
	const char		*script[3];
	struct srv		 s;
	struct res		 r, r2;
	struct http_request	 rq;
	size_t			 i;

	for (i = 0; i < nitems(cases); i++) {
		script[0] = cases[i].reply;
		script[1] = cases[i].next;
		script[2] = NULL;
		srv_start(&s, script);
		memset(&r, 0, sizeof(r));
		memset(&rq, 0, sizeof(rq));
		post_wait(ctx, &s, &r, &rq);
		ok(r.calls == 1 && (int)r.kind == cases[i].kind &&
		    r.code == cases[i].code && r.status == cases[i].status &&
		    strcmp(r.body, cases[i].body) == 0,
		    "framing: %s (kind %d, code %d, status %ld, body \"%s\")",
		    cases[i].what, r.kind, r.code, r.status, r.body);
		if (cases[i].nconn != 0) {
			memset(&r2, 0, sizeof(r2));
			memset(&rq, 0, sizeof(rq));
			post_wait(ctx, &s, &r2, &rq);
			ok(strcmp(r2.body, "b") == 0 &&
			    s.ls.nconn == cases[i].nconn,
			    "framing: %s, then a new connection", cases[i].what);
		}
		srv_stop(&s);
	}
}

#if COMPAT_HCLIENT
/* One request answered by reply, under max_response (0: the default). */
static void
post_reply(struct http_ctx *ctx, const char *reply, size_t max_response,
    struct res *r)
{
	const char		*script[] = { reply, NULL };
	struct srv		 s;
	struct http_request	 rq;

	srv_start(&s, script);
	memset(r, 0, sizeof(*r));
	memset(&rq, 0, sizeof(rq));
	rq.max_response = max_response;
	post_wait(ctx, &s, r, &rq);
	srv_stop(&s);
}

/* A reply of a status line, n copies of line, and an empty body. */
static void
post_lines(struct http_ctx *ctx, const char *line, int n,
    size_t max_response, struct res *r)
{
	struct buf	b;
	int		i;

	buf_init(&b, 0);
	buf_puts(&b, "!HTTP/1.1 200 OK\r\n");
	for (i = 0; i < n; i++)
		buf_puts(&b, line);
	buf_puts(&b, "content-length: 0\r\n\r\n");
	post_reply(ctx, b.data, max_response, r);
	buf_release(&b);
}

/*
 * hclient.c refuses what a lenient parser would guess at: each is a
 * TRANSPORT error (CURLE_WEIRD_SERVER_REPLY) saying what was wrong.
 */
static void
t_malformed(struct http_ctx *ctx, struct http_ctx *curl)
{
	static const struct {
		const char	*reply;
		const char	*says;
	} cases[] = {
	    { "!HTTP/1.1 200 OK\ncontent-length: 1\n\na", "CRLF" },
	    { "!HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\ncontent-length: 1\r\n\r\na",
	      "obs-fold" },
	    { "!HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n"
	      "\r\nab", "Content-Length" },
	    { "!HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
	      "Content-Length" },
	    { "!HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n"
	      "0\r\n\r\n", "Transfer-Encoding" },
	    { "!HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n"
	      "transfer-encoding: chunked\r\n\r\n0\r\n\r\n",
	      "Transfer-Encoding" },
	    { "!ICY 200 OK\r\n\r\n", "status line" },
	    { "!HTTP/1.1 2x0 OK\r\ncontent-length: 0\r\n\r\n", "status line" },
	    { "!HTTP/2 200\r\ncontent-length: 0\r\n\r\n", "status line" },
	    { "!HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "name" },
	    { "!HTTP/1.1 200 OK\r\nBad Name: x\r\ncontent-length: 0\r\n\r\n",
	      "header name" },
	    { "!HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
	      "chunk size" },
	    { "!HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
	      "3\r\nhello\r\n0\r\n\r\n", "longer than its size" },
	    { "!HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
	      "fffffffffffffffff\r\n", "chunk size" },
	    { "!HTTP/1.1 101 Switching Protocols\r\n\r\n", "101" },
	};
	struct res		 r;
	size_t			 i;

	for (i = 0; i < nitems(cases); i++) {
		post_reply(ctx, cases[i].reply, 0, &r);
		ok(r.calls == 1 && r.kind == WBEM_E_TRANSPORT && r.code == 8 &&
		    strstr(r.desc, cases[i].says) != NULL,
		    "malformed %zu: refused, \"%s\"", i, r.desc);
	}
	/* the knob: libcurl, forced, says none of this */
	post_reply(curl, cases[1].reply, 0, &r);
	ok(r.calls == 1 && strstr(r.desc, "obs-fold") == NULL,
	    "CIMHEAD_HTTP_ENGINE=curl: libcurl read it (kind %d)", r.kind);
}

/* Every buffer hclient.c fills has a cap: a line, the head, the headers. */
static void
t_head_caps(struct http_ctx *ctx)
{
	struct res	r;
	char		long_line[70 * 1024 + 16];

	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "X-Long: ", 8);
	memcpy(long_line + sizeof(long_line) - 3, "\r\n", 3);	/* and NUL */
	post_lines(ctx, long_line, 1, 0, &r);
	ok(r.kind == WBEM_E_TRANSPORT && strstr(r.desc, "line over") != NULL,
	    "a header line over 64 KB refused (%s)", r.desc);
	post_lines(ctx, "X-Pad: 0123456789\r\n", 40, 300, &r);
	is_int(r.kind, WBEM_E_TOOBIG, "a head over max_response: TOOBIG");
	post_lines(ctx, "X-N: 1\r\n", 300, 0, &r);
	is_int(r.kind, WBEM_E_TOOBIG, "300 headers: TOOBIG");
}

/*
 * What hclient.c leaves to libcurl (a name to resolve, credentials) still
 * works on a context that has both.
 */
static void
t_fallback(struct http_ctx *ctx)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na", NULL };
	struct srv		 s;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	char			 url[128];

	srv_start(&s, script);
	snprintf(url, sizeof(url), "http://localhost:%d/cimom", s.ls.port);
	rq.url = url;
	rq.body = "<x/>";
	rq.body_len = 4;
	rq.timeout_ms = 5000;
	r.stop = 1;
	http_post(ctx, &rq, done_cb, &r);
	run_for(5000);
	ok(r.calls == 1 && r.status == 200 && strcmp(r.body, "a") == 0,
	    "a host name goes to libcurl (status %ld, kind %d)", r.status,
	    r.kind);
	srv_stop(&s);
}
#endif	/* COMPAT_HCLIENT */

/* The cases both engines must pass alike. */
static void
t_both(struct http_ctx *ctx)
{
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
	t_keepalive(ctx, 1);
	t_keepalive(ctx, 0);
	t_server_close(ctx);
	t_chain(ctx);
	t_priority();
	t_bad_url(ctx);
	t_stale_retry(ctx);
	t_empty_reply(ctx);
	t_framing(ctx);
}

#if COMPAT_HCLIENT
/*
 * libcurl takes a proxy from http_proxy for plain http, and hclient.c
 * speaks to nodes directly: a context made with one set leaves every
 * transfer to libcurl, which here meets a closed proxy port.
 */
static void
t_proxy(void)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na", NULL };
	struct srv		 s, closed;
	struct res		 r = { 0 };
	struct http_request	 rq = { 0 };
	struct http_ctx		*ctx;
	char			 proxy[64];

	srv_start(&s, script);
	srv_start(&closed, script);	/* while s holds its port */
	srv_stop(&closed);
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", closed.ls.port);
	setenv("http_proxy", proxy, 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	ctx = http_ctx_new(base);
	post_wait(ctx, &s, &r, &rq);	/* libcurl reads it per transfer */
	unsetenv("http_proxy");
	ok(r.calls == 1 && r.kind == WBEM_E_TRANSPORT && s.nreq == 0,
	    "http_proxy set: through the proxy, as libcurl does (kind %d, "
	    "%d requests at the node, %s)", r.kind, s.nreq, r.desc);
	http_ctx_free(ctx);
	srv_stop(&s);
}

/*
 * Out of descriptors with a connection kept idle: the idle one is closed
 * for the new one, the request goes out (POSIX: setrlimit).
 */
static void
t_nofd_idle(void)
{
	const char		*script[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na", NULL };
	const char		*script2[] = {
	    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nb", NULL };
	struct srv		 s1, s2;
	struct res		 r1 = { 0 }, r2 = { 0 };
	struct http_request	 rq1 = { 0 }, rq2 = { 0 };
	struct rlimit		 saved, rl;
	struct http_ctx		*ctx;
	int			 fd;

	/* its own context: the kept connection is the one to s1 */
	ctx = http_ctx_new(base);
	srv_start(&s1, script);
	srv_start(&s2, script2);
	post_wait(ctx, &s1, &r1, &rq1);		/* leaves one kept */
	if (getrlimit(RLIMIT_NOFILE, &saved) == -1 || (fd = dup(0)) == -1) {
		ok(0, "nofd: cannot read the descriptor limit");
		return;
	}
	close(fd);
	rl = saved;
	rl.rlim_cur = (rlim_t)fd;
	ok(setrlimit(RLIMIT_NOFILE, &rl) == 0, "nofd: no descriptor left");
	post(ctx, &s2, &r2, &rq2);
	/* the listener takes the connection once the kept one's end goes */
	run_for(5000);
	(void)setrlimit(RLIMIT_NOFILE, &saved);
	is_int(r2.kind, WBEM_E_NONE, "nofd: the kept connection gave way");
	is_str(r2.body, "b", "nofd: the new request answered");
	http_ctx_free(ctx);
	srv_stop(&s1);
	srv_stop(&s2);
}

static void
hc_count_cb(const struct http_response *resp, enum hc_fail f, int e,
    const char *msg, void *arg)
{
	int	*n = arg;

	(*n) += resp != NULL && f == HC_OK;
}

/* n requests at once to s on pool; how many were answered within 5 s. */
static int
hc_burst(struct hc_pool *pool, const struct srv *s, int n)
{
	struct http_request	 rq = { 0 };
	char			 url[128];
	int			 i, done = 0;
	uint64_t		 end;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", s->ls.port);
	rq.url = url;
	rq.body = "<x/>";
	rq.body_len = 4;
	rq.timeout_ms = 5000;
	for (i = 0; i < n; i++)
		hc_start(pool, &rq, hc_count_cb, &done);
	end = mono_ms() + tap_slow(5000);
	while (done < n && mono_ms() < end)
		run_for(20);
	return (done);
}

/*
 * Idle connections hold descriptors the program needs for other things:
 * hclient.c keeps a quarter of the soft limit at most.  n requests at once
 * to one server, n over that cap: the cap stay idle.
 */
static void
t_idle_cap(void)
{
	const char		*script[200];
	struct srv		 s;
	struct hc_pool		*pool;
	struct rlimit		 saved, rl;
	int			 fd, i, n, cap, done = 0;

	if (getrlimit(RLIMIT_NOFILE, &saved) == -1) {
		ok(0, "idle cap: cannot read the descriptor limit");
		return;
	}
	/*
	 * fd: the descriptors open (new ones fill the free numbers below the
	 * limit, whatever is open above it); room for fd + 40 more under a
	 * limit of 2 fd + 40, and 2n + 1 needed, n being under room / 2.
	 */
	for (i = fd = 0; i < 4096; i++)
		if (fcntl(i, F_GETFD) != -1)
			fd++;
	rl = saved;
	rl.rlim_cur = (rlim_t)fd * 2 + 40;
	cap = (int)(rl.rlim_cur / 4);
	n = cap + 3;
	if (n >= (int)nitems(script)) {
		ok(0, "idle cap: %d descriptors open, too many to test", fd);
		return;
	}
	for (i = 0; i < n; i++)
		script[i] = "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na";
	script[n] = NULL;
	srv_start(&s, script);
	ok(setrlimit(RLIMIT_NOFILE, &rl) == 0, "idle cap: soft limit %d",
	    (int)rl.rlim_cur);
	pool = hc_pool_new(base);
	done = hc_burst(pool, &s, n);
	is_int(done, n, "idle cap: %d requests at once answered", n);
	is_int((int)hc_pool_idle(pool), cap, "idle cap: %d kept, not %d",
	    cap, n);
	hc_pool_free(pool);
	ok(setrlimit(RLIMIT_NOFILE, &saved) == 0, "idle cap: limit restored");
	srv_stop(&s);
}

/*
 * What a parked connection keeps: its read buffer, reused by the next
 * request, but small.  Kept at 32 KB each, 64 connections grew the soak's
 * RSS by 2.4 MB (+15 %).  Eight replies of 20 KB at once, then eight with
 * a 40 KB head: eight connections parked, 64 KB kept at most.
 */
static void
t_idle_bytes(void)
{
	static char		 big[8][24 * 1024], head[8][48 * 1024];
	const char		*script[17];
	struct srv		 s;
	struct hc_pool		*pool;
	int			 i, round, done;

	for (i = 0; i < 8; i++) {
		snprintf(big[i], sizeof(big[i]), "HTTP/1.1 200 OK\r\n"
		    "content-length: 20000\r\n\r\n%020000d", 0);
		snprintf(head[i], sizeof(head[i]), "HTTP/1.1 200 OK\r\n"
		    "x-long: %040000d\r\ncontent-length: 1\r\n\r\na", 0);
		script[i] = big[i];
		script[8 + i] = head[i];
	}
	script[16] = NULL;
	srv_start(&s, script);
	pool = hc_pool_new(base);
	for (round = 0; round < 2; round++) {
		done = hc_burst(pool, &s, 8);
		is_int(done, 8, "idle bytes: %s: 8 requests at once answered",
		    round == 0 ? "20 KB bodies" : "40 KB heads");
		ok(hc_pool_idle(pool) == 8 &&
		    hc_pool_idle_bytes(pool) <= 8 * 8192,
		    "idle bytes: %s: %zu connections parked, %zu bytes kept "
		    "(8 KB each at most)",
		    round == 0 ? "20 KB bodies" : "40 KB heads",
		    hc_pool_idle(pool), hc_pool_idle_bytes(pool));
	}
	hc_pool_free(pool);
	srv_stop(&s);
}
#endif	/* COMPAT_HCLIENT */

int
main(void)
{
	struct http_ctx	*ctx;
#if COMPAT_HCLIENT
	struct http_ctx	*curl;
#endif
	enum http_auth	 a;

	log_init("test_http", LOG_LVL_WARN, 0);
	compat_init(0);
	base = event_base_new();
	ctx = http_ctx_new(base);
	ok(ctx != NULL, "context");
	ok(http_auth_parse("NTLM", &a) == 0 && a == HTTP_AUTH_NTLM,
	    "auth names parse");
	ok(http_auth_parse("kerberos", &a) == -1, "unknown auth refused");
#if COMPAT_HCLIENT
	t_idle_cap();		/* first: it counts on few descriptors open */
	t_idle_bytes();

	/* hclient.c, as the daemon runs, then libcurl forced */
	diag("engine: default (hclient.c for plain http to an address)");
	unsetenv("CIMHEAD_HTTP_ENGINE");
	t_both(ctx);
	setenv("CIMHEAD_HTTP_ENGINE", "curl", 1);
	curl = http_ctx_new(base);
	diag("engine: CIMHEAD_HTTP_ENGINE=curl");
	t_both(curl);
	unsetenv("CIMHEAD_HTTP_ENGINE");

	t_same_bytes(ctx, curl);
	t_malformed(ctx, curl);
	t_head_caps(ctx);
	t_fallback(ctx);
	t_nofd_idle();
	t_proxy();
	http_ctx_free(curl);
#else
	/* Windows: libcurl does every transfer (compat.h) */
	t_both(ctx);
#endif

	http_ctx_free(ctx);
	run_for(200);	/* lets the server see every close */
	event_base_free(base);
	return (tap_done());
}
