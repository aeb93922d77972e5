/*
 * test_vhttp.c: the viewer listener's HTTP/1.1 server (daemon/vhttp.c).
 * The pure core first: request lines, header lines and chunk-size lines,
 * their bounds, and the framing that smuggles (two Content-Length, a
 * Transfer-Encoding with one).  Then the server in process over loopback
 * (daemonfx.h) with an owner of its own that holds some requests and
 * answers others at once: replies go out in request order whatever order
 * they are made in, a half-close answers everything received, a reset
 * abandons what is held, the pipeline is bounded, bodies are bounded.
 */
#include "config.h"

#include "daemonfx.h"
#include "tap.h"

/* ---- the pure core ------------------------------------------------------ */

static int
head(const char *text, struct vhttp_head *h)
{
	return (vhttp_parse_head(text, strlen(text), h));
}

static void
test_parse_head(void)
{
	struct vhttp_head	 h;
	struct buf		 b;
	char			*uri;
	int			 i;

	is_int(head("GET /watch/a.mp4?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", &h),
	    0, "a plain GET");
	is_int(h.method, VHTTP_GET, "its method");
	is_int(h.minor, 1, "HTTP/1.1");
	ok(h.uri_off == 4 && h.uri_len == 16, "its target: offset, length");
	ok(h.keep_alive, "1.1: keep-alive by default");
	is_int(head("HEAD / HTTP/1.1\nHost: x\n\n", &h), 0,
	    "bare LF line ends");
	is_int(h.method, VHTTP_HEAD, "HEAD");
	is_int(head("GET / HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive, "
	    "close\r\n\r\n", &h), 0, "Connection with two options");
	ok(!h.keep_alive, "close wins");
	is_int(head("GET / HTTP/1.0\r\n\r\n", &h), 0, "1.0 needs no Host");
	ok(!h.keep_alive, "1.0: close by default");
	is_int(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &h), 0,
	    "1.0 keep-alive");
	ok(h.keep_alive, "1.0: keep-alive when asked");

	/* Versions: HTTP/1.x only, and never answered as anything else. */
	is_int(head("GET / HTTP/0.9\r\n\r\n", &h), 400, "HTTP/0.9: 400");
	is_int(head("GET /\r\n\r\n", &h), 400, "no version (0.9 form): 400");
	is_int(head("GET / HTTP/1.2\r\nHost: x\r\n\r\n", &h), 400,
	    "HTTP/1.2: 400");
	is_int(head("GET / HTTP/2.0\r\nHost: x\r\n\r\n", &h), 505,
	    "HTTP/2.0: 505");
	is_int(head("GET / http/1.1\r\nHost: x\r\n\r\n", &h), 400,
	    "a lower-case version: 400");
	is_int(head("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", &h), 400,
	    "a space after the version: 400");

	/* Request line */
	is_int(head("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", &h), 501,
	    "an unknown method: 501");
	is_int(head("G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n", &h), 400,
	    "a control byte in the method: 400");
	is_int(head("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", &h), 400,
	    "two spaces (an empty target): 400");
	is_int(head("GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n", &h), 400,
	    "DEL in the target: 400");
	is_int(head("GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", &h), 400,
	    "raw UTF-8 in the target: 400");
	buf_init(&b, 1 << 20);
	uri = xcalloc(1, VHTTP_MAX_URI + 2);
	memset(uri, 'a', VHTTP_MAX_URI);
	uri[0] = '/';
	buf_printf(&b, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", uri);
	is_int(head(b.data, &h), 0, "a target of VHTTP_MAX_URI bytes");
	uri[VHTTP_MAX_URI] = 'a';
	buf_reset(&b);
	buf_printf(&b, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", uri);
	is_int(head(b.data, &h), 414, "one byte more: 414");
	free(uri);

	/* Header lines */
	is_int(head("GET / HTTP/1.1\r\n\r\n", &h), 400, "1.1 without Host: 400");
	is_int(head("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", &h), 400,
	    "two Host: 400");
	is_int(head("GET / HTTP/1.1\r\nHost : x\r\n\r\n", &h), 400,
	    "a space before the colon: 400");
	is_int(head("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", &h),
	    400, "a folded line: 400");
	is_int(head("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", &h), 400,
	    "a bare CR in a value: 400");
	is_int(head("GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n", &h), 400,
	    "a line without a colon: 400");
	is_int(head("GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\xc3\xa9\r\n\r\n",
	    &h), 0, "obs-text in a value is allowed");
	is_int(head("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
	    "Content-Length: 3\r\n\r\n", &h), 0, "Expect: 100-continue");
	ok(h.expect_continue, "... seen");
	buf_reset(&b);
	buf_printf(&b, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (i = 1; i < VHTTP_MAX_NFIELDS; i++)
		buf_printf(&b, "X-%d: v\r\n", i);
	buf_printf(&b, "\r\n");
	is_int(head(b.data, &h), 0, "VHTTP_MAX_NFIELDS header lines");
	b.len -= 2;
	b.data[b.len] = '\0';
	buf_printf(&b, "X-last: v\r\n\r\n");
	is_int(head(b.data, &h), 400, "one more: 400");
	buf_reset(&b);
	buf_printf(&b, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	for (i = 0; i < VHTTP_MAX_FIELDS; i++)
		buf_add(&b, "a", 1);
	buf_printf(&b, "\r\n\r\n");
	is_int(head(b.data, &h), 400, "a header section over the bound: 400");
	buf_release(&b);

	/* Framing */
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 42\r\n\r\n",
	    &h), 0, "Content-Length");
	ok(h.content_length == 42 && !h.chunked, "... 42");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
	    "Content-Length: 5\r\n\r\n", &h), 400,
	    "two different Content-Length: 400");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "content-length: 5\r\n\r\n", &h), 400,
	    "two equal Content-Length: 400 too");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n",
	    &h), 400, "a list as Content-Length: 400");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
	    &h), 400, "a negative Content-Length: 400");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n",
	    &h), 400, "a signed Content-Length: 400");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
	    "9999999999999999999\r\n\r\n", &h), 400,
	    "a 19-digit Content-Length: 400");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n",
	    &h), 400, "an empty Content-Length: 400");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked"
	    "\r\n\r\n", &h), 0, "Transfer-Encoding: chunked");
	ok(h.chunked, "... chunked");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, "
	    "chunked\r\n\r\n", &h), 501, "another transfer coding: 501");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
	    "\r\nTransfer-Encoding: chunked\r\n\r\n", &h), 400,
	    "two Transfer-Encoding: 400");
	is_int(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", &h), 400,
	    "Transfer-Encoding with Content-Length: 400");
	is_int(head("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
	    &h), 400, "Transfer-Encoding in HTTP/1.0: 400");
}

static void
test_chunk_size(void)
{
	uint64_t	s = 0;

	ok(vhttp_parse_chunk_size("5", 1, &s) == 0 && s == 5, "5");
	ok(vhttp_parse_chunk_size("1A;name=v", 9, &s) == 0 && s == 26,
	    "1A with an extension");
	ok(vhttp_parse_chunk_size("1a ;x", 5, &s) == 0 && s == 26,
	    "whitespace before an extension");
	ok(vhttp_parse_chunk_size("fffffffffffffff", 15, &s) == 0 &&
	    s == 0xfffffffffffffffULL, "15 hex digits");
	is_int(vhttp_parse_chunk_size("1000000000000000", 16, &s), -1,
	    "16 hex digits: refused, never an overflow");
	is_int(vhttp_parse_chunk_size("", 0, &s), -1, "empty: refused");
	is_int(vhttp_parse_chunk_size("zz", 2, &s), -1, "not hex: refused");
	is_int(vhttp_parse_chunk_size("-5", 2, &s), -1, "negative: refused");
	is_int(vhttp_parse_chunk_size("5 x", 3, &s), -1,
	    "junk after the size: refused");
	is_int(vhttp_parse_chunk_size("5;a\x01", 4, &s), -1,
	    "a control byte in an extension: refused");
}

/* ---- the server, with an owner that holds /hold/ requests -------------- */

#define HELD_MAX	64

static struct vhttp_req	*held[HELD_MAX];
static int		 nheld, nseen, nabandoned;

static void
owner_request_cb(struct vhttp_req *r, void *arg)
{
	char	body[256];

	nseen++;
	if (strncmp(vhttp_req_uri(r), "/hold/", 6) == 0 && nheld < HELD_MAX) {
		vhttp_req_set_owner(r, &held[nheld]);
		held[nheld++] = r;
		return;
	}
	snprintf(body, sizeof(body), "[%s]\n", vhttp_req_uri(r));
	vhttp_add_header(r, "X-Uri", vhttp_req_uri(r));
	vhttp_reply(r, 200, "OK", body);
}

static void
owner_abandon_cb(struct vhttp_req *r, void *arg)
{
	struct vhttp_req	**slot = vhttp_req_owner(r);

	nabandoned++;
	if (slot != NULL)
		*slot = NULL;
}

/* Answers held request i (if still held). */
static void
release(int i)
{
	char	body[256];

	if (held[i] == NULL)
		return;
	snprintf(body, sizeof(body), "[%s]\n", vhttp_req_uri(held[i]));
	vhttp_reply(held[i], 200, "OK", body);
	held[i] = NULL;
}

static int	want_seen;

static int
seen_enough(struct daemon *d)
{
	return (nseen >= want_seen);
}

static int
abandoned_one(struct daemon *d)
{
	return (nabandoned >= 1);
}

static struct vhttp	*srv;

static int
conns_none(struct daemon *d)
{
	return (vhttp_conns(srv) == 0);
}

static int
server_timed(struct daemon *d, char *addr, size_t addrlen, unsigned head_ms)
{
	struct vhttp_cf	cf;
	evutil_socket_t	fd;

	if (fx_daemon(d, "[cimheadd]\nlisten = 127.0.0.1:0\n"
	    "[node a]\nurl = http://127.0.0.1:9/cimom\n"
	    "stream-url = http://{host}/vod/{title}\nenabled = no\n") == -1)
		return (-1);
	if ((fd = listen_socket("127.0.0.1:0", addr, addrlen)) == -1)
		return (-1);
	memset(&cf, 0, sizeof(cf));
	cf.what = "test";
	cf.cap = 16;
	cf.header_timeout_ms = head_ms;
	cf.idle_timeout_ms = 10000;
	cf.max_body = 1000;
	cf.max_output = 65536;
	cf.request_cb = owner_request_cb;
	cf.abandon_cb = owner_abandon_cb;
	srv = vhttp_new(d, fd, &cf);
	nheld = nseen = nabandoned = 0;
	memset(held, 0, sizeof(held));
	return (0);
}

static int
server(struct daemon *d, char *addr, size_t addrlen)
{
	return (server_timed(d, addr, addrlen, 5000));
}

/* The bodies "[uri]" in the order they came, space-separated. */
static void
bodies(const struct fx_raw *c, char *out, size_t outlen)
{
	const char	*p = c->in.data, *e;
	size_t		 off = 0;

	out[0] = '\0';
	for (; p != NULL && (p = strchr(p, '[')) != NULL; p = e) {
		if ((e = strchr(p, ']')) == NULL)
			break;
		if (off + (size_t)(e - p) + 2 < outlen) {
			snprintf(out + off, outlen - off, "%.*s ",
			    (int)(e - p - 1), p + 1);
			off += (size_t)(e - p);
		}
	}
}

/* Half-closes the raw client: shutdown(2) of its sending side. */
static void
half_close(struct fx_raw *c)
{
	shutdown(bufferevent_getfd(c->bev), SHUT_WR);
}

static void
test_order(void)
{
	const char	*more = "GET /d HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /hold/3 HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /e HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /cut HTTP/1.1\r\nHost:";
	struct daemon	 d;
	struct fx_raw	 c;
	char		 addr[128], got[512], codes[128];
	int		 never = 0;

	if (server(&d, addr, sizeof(addr)) == -1) {
		ok(0, "a server");
		return;
	}
	/* The first held, the next answered at once: they wait for it. */
	ok(fx_raw_open(&d, addr,
	    "GET /hold/1 HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /hold/2 HTTP/1.1\r\nHost: x\r\n\r\n"
	    "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /c HTTP/1.1\r\nHost: x\r\n\r\n", &c) == 0, "connected");
	want_seen = 5;
	ok(fx_until(&d, seen_enough, FX_WAIT_MS),
	    "five requests handed on before any reply");
	fx_run(&d, &never, 100);
	is_int((int)c.in.len, 0, "nothing sent while the first is held");
	release(1);
	fx_run(&d, &never, 100);
	bodies(&c, got, sizeof(got));
	is_str(got, "", "the second held blocks nothing before it");
	release(0);
	fx_run(&d, &never, 200);
	bodies(&c, got, sizeof(got));
	is_str(got, "/hold/1 /a /hold/2 /c ",
	    "replies in request order, made out of it (HEAD: no body)");
	is_int(fx_raw_responses(&c, codes, sizeof(codes)), 5,
	    "five replies");
	ok(strstr(c.in.data, "X-Uri: /b\r\nContent-Length: 5\r\n") != NULL,
	    "HEAD: the length of the body it would have had");
	ok(!c.closed, "keep-alive: the connection stays open");

	/* Half-close with one held: all answered, then closed. */
	nseen = 0;
	bufferevent_write(c.bev, more, strlen(more));
	want_seen = 3;
	ok(fx_until(&d, seen_enough, FX_WAIT_MS), "three more handed on");
	fx_run(&d, &never, 50);
	half_close(&c);
	fx_run(&d, &never, 200);
	ok(!c.closed, "half-closed with a request held: still open");
	release(2);
	ok(fx_run(&d, &c.closed, FX_WAIT_MS), "answered, then closed");
	bodies(&c, got, sizeof(got));
	is_str(got, "/hold/1 /a /hold/2 /c /d /hold/3 /e ",
	    "every whole request answered in order; the cut one is none");
	is_int(nseen, 3, "the request cut by the half-close never came");
	is_int(nabandoned, 0, "nothing abandoned");
	fx_raw_close(&c);
	ok(fx_until(&d, conns_none, FX_WAIT_MS), "no connection left");
	vhttp_free(srv);
	fx_daemon_free(&d);
}

/* A reset while held: abandoned once, never answered. */
static void
test_reset(void)
{
	struct daemon	 d;
	struct fx_raw	 c;
	char		 addr[128];

	if (server(&d, addr, sizeof(addr)) == -1) {
		ok(0, "a server");
		return;
	}
	ok(fx_raw_open(&d, addr, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /hold/1 HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /b HTTP/1.1\r\nHost: x\r\n\r\n", &c) == 0, "connected");
	want_seen = 3;
	ok(fx_until(&d, seen_enough, FX_WAIT_MS), "held");
	if (!fx_reset_works()) {
		fx_raw_close(&c);
		FX_SKIP(4, "no reset from a close here (wine)");
	} else {
		fx_raw_reset(&c);
		ok(fx_until(&d, abandoned_one, FX_WAIT_MS),
		    "the held one abandoned");
		ok(held[0] == NULL, "through its owner pointer");
		ok(fx_until(&d, conns_none, FX_WAIT_MS),
		    "the connection is gone");
		is_int(nabandoned, 1,
		    "abandoned once; the answered ones were not");
	}
	vhttp_free(srv);
	fx_daemon_free(&d);
}

/* The pipeline is bounded: past VHTTP_MAX_PIPELINE, reading waits. */
static void
test_pipeline_bound(void)
{
	struct daemon	 d;
	struct fx_raw	 c;
	struct buf	 b;
	char		 addr[128], codes[512];
	int		 i, never = 0;

	if (server(&d, addr, sizeof(addr)) == -1) {
		ok(0, "a server");
		return;
	}
	buf_init(&b, 1 << 20);
	for (i = 0; i < VHTTP_MAX_PIPELINE + 8; i++)
		buf_printf(&b, "GET /hold/%d HTTP/1.1\r\nHost: x\r\n\r\n", i);
	ok(fx_raw_open(&d, addr, b.data, &c) == 0, "connected");
	buf_release(&b);
	want_seen = VHTTP_MAX_PIPELINE;
	ok(fx_until(&d, seen_enough, FX_WAIT_MS), "a full queue");
	fx_run(&d, &never, 200);
	is_int(nseen, VHTTP_MAX_PIPELINE, "no more read while it is full");
	for (i = 0; i < VHTTP_MAX_PIPELINE; i++)
		release(i);
	want_seen = VHTTP_MAX_PIPELINE + 8;
	ok(fx_until(&d, seen_enough, FX_WAIT_MS), "the rest read as it drains");
	for (i = VHTTP_MAX_PIPELINE; i < VHTTP_MAX_PIPELINE + 8; i++)
		release(i);
	fx_run(&d, &never, 200);
	is_int(fx_raw_responses(&c, codes, sizeof(codes)),
	    VHTTP_MAX_PIPELINE + 8, "every one answered");
	fx_raw_close(&c);
	vhttp_free(srv);
	fx_daemon_free(&d);
}

/* One raw request on its own connection: the status line. */
static void
raw_case(struct daemon *d, const char *addr, const char *bytes,
    const char *want, const char *what)
{
	struct fx_raw	 c;
	char		 line[128];
	size_t		 n;

	line[0] = '\0';
	if (fx_raw_open(d, addr, bytes, &c) == 0) {
		half_close(&c);
		fx_run(d, &c.closed, FX_WAIT_MS);
		if (c.in.data != NULL) {
			n = strcspn(c.in.data, "\r\n");
			snprintf(line, sizeof(line), "%.*s", (int)n, c.in.data);
		}
	}
	is_str(line, want, "%s", what);
	fx_raw_close(&c);
}

static void
test_bodies(void)
{
	struct daemon	 d;
	struct buf	 b;
	char		 addr[128];
	int		 i, j;

	if (server(&d, addr, sizeof(addr)) == -1) {
		ok(0, "a server");
		return;
	}
	raw_case(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n"
	    "0\r\nX-T: 1\r\n\r\n", "HTTP/1.1 200 OK",
	    "a chunked body with an extension and a trailer");
	raw_case(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
	    "HTTP/1.1 400 Bad Request", "a bad chunk size: 400, not 413");
	raw_case(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
	    "HTTP/1.1 400 Bad Request", "an overflowing chunk size: 400");
	raw_case(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3e9\r\n",
	    "HTTP/1.1 413 Content Too Large",
	    "a chunk past the body cap: 413");
	raw_case(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n1f4\r\n", "",
	    "a chunk within the cap, cut by the half-close: no reply");
	buf_init(&b, 1 << 20);
	buf_printf(&b, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	for (i = 0; i < 3; i++) {
		buf_printf(&b, "1f4\r\n");
		for (j = 0; j < 500; j++)
			buf_add(&b, "x", 1);
		buf_printf(&b, "\r\n");
	}
	buf_printf(&b, "0\r\n\r\n");
	raw_case(&d, addr, b.data, "HTTP/1.1 413 Content Too Large",
	    "chunks adding up past the cap: 413");
	buf_release(&b);
	raw_case(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 1001\r\n\r\n", "HTTP/1.1 413 Content Too Large",
	    "Content-Length past the cap: 413");
	raw_case(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\n\r\nhello", "HTTP/1.1 200 OK",
	    "a body within the cap");
	raw_case(&d, addr, "GET /p HTTP/0.9\r\n\r\n", "HTTP/1.0 400 Bad Request",
	    "HTTP/0.9: an HTTP/1.0 status line");
	raw_case(&d, addr, "\r\n\r\nGET /p HTTP/1.1\r\nHost: x\r\n\r\n",
	    "HTTP/1.1 200 OK", "blank lines before a request are skipped");
	buf_init(&b, 1 << 20);
	buf_printf(&b, "GET /");
	for (i = 0; i < VHTTP_MAX_URI + 100; i++)
		buf_add(&b, "a", 1);
	raw_case(&d, addr, b.data, "HTTP/1.0 414 URI Too Long",
	    "a request line past the bound, unfinished: 414");
	buf_release(&b);
	vhttp_free(srv);
	fx_daemon_free(&d);
}

/*
 * A body dribbled in holds its connection no longer than a head would:
 * closed at the head deadline, without a reply; a parked request is not.
 */
static void
test_slow_body(void)
{
	struct daemon	 d;
	struct fx_raw	 a, b;
	char		 addr[128];
	uint64_t	 t0;
	int		 never = 0;

	if (server_timed(&d, addr, sizeof(addr), 300) == -1) {
		ok(0, "a server");
		return;
	}
	t0 = mono_ms();
	ok(fx_raw_open(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 10\r\n\r\nhello", &a) == 0 &&
	    fx_raw_open(&d, addr, "GET /hold/1 HTTP/1.1\r\nHost: x\r\n\r\n",
	    &b) == 0, "connected");
	ok(fx_run(&d, &a.closed, FX_WAIT_MS), "half a body: closed");
	t0 = mono_ms() - t0;
	ok(t0 >= 250 && t0 < 3000, "at the head deadline (%llu ms)",
	    (unsigned long long)t0);
	is_int((int)a.in.len, 0, "without a reply");
	is_int(nseen, 1, "the cut request never came");
	fx_run(&d, &never, 300);
	ok(!b.closed, "a connection with a request held stays open");
	release(0);
	fx_run(&d, &never, 100);
	ok(b.in.len > 0 && strncmp(b.in.data, "HTTP/1.1 200 ", 13) == 0,
	    "and gets its reply");
	fx_raw_close(&a);
	fx_raw_close(&b);
	vhttp_free(srv);
	fx_daemon_free(&d);
}

/* Keep-alive by version and Connection; 100 Continue when asked. */
static void
test_keepalive(void)
{
	struct daemon	 d;
	struct fx_raw	 c;
	char		 addr[128], got[512], codes[64];
	int		 never = 0;

	if (server(&d, addr, sizeof(addr)) == -1) {
		ok(0, "a server");
		return;
	}
	ok(fx_raw_open(&d, addr, "GET /a HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
	    &c) == 0, "connected");
	ok(fx_run(&d, &c.closed, FX_WAIT_MS), "Connection: close: closed");
	bodies(&c, got, sizeof(got));
	is_str(got, "/a ", "after its reply; what followed is not read");
	ok(strstr(c.in.data, "\r\nConnection: close\r\n") != NULL,
	    "the reply says Connection: close");
	fx_raw_close(&c);

	ok(fx_raw_open(&d, addr, "GET /a HTTP/1.0\r\n"
	    "Connection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
	    &c) == 0, "connected");
	ok(fx_run(&d, &c.closed, FX_WAIT_MS), "HTTP/1.0: closed after /b");
	bodies(&c, got, sizeof(got));
	is_str(got, "/a /b ", "1.0 keep-alive kept the connection for /b");
	ok(strncmp(c.in.data, "HTTP/1.0 200 OK\r\n", 17) == 0 &&
	    strstr(c.in.data, "\r\nConnection: keep-alive\r\n") != NULL,
	    "an HTTP/1.0 status line, Connection: keep-alive");
	fx_raw_close(&c);

	ok(fx_raw_open(&d, addr, "POST /p HTTP/1.1\r\nHost: x\r\n"
	    "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n", &c) == 0,
	    "connected");
	fx_run(&d, &never, 200);
	ok(c.in.data != NULL && strcmp(c.in.data,
	    "HTTP/1.1 100 Continue\r\n\r\n") == 0,
	    "Expect: 100-continue: 100 Continue, and nothing more yet");
	bufferevent_write(c.bev, "hello", 5);
	fx_run(&d, &never, 200);
	is_int(fx_raw_responses(&c, codes, sizeof(codes)), 2,
	    "then the reply when the body came");
	is_str(codes, "100 200 ", "100, then 200");
	fx_raw_close(&c);
	vhttp_free(srv);
	fx_daemon_free(&d);
}

int
main(void)
{
	if (compat_init(1) == -1)
		return (1);
	xml_global_init();
	test_parse_head();
	test_chunk_size();
	test_order();
	test_reset();
	test_pipeline_bound();
	test_bodies();
	test_slow_body();
	test_keepalive();
	return (tap_done());
}
