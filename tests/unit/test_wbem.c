/*
 * test_wbem.c: wbem_start/wbem_cancel/wbem_run against an in-process
 * libevent server with canned CIM-XML replies: exactly one callback for
 * success, CIM error, CIMError header, refusal, cancel (in flight and
 * before the start was reported) and the WS-Man refusal; never from inside
 * wbem_start; the caller's request may be freed right after wbem_start.
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

#define HANG	((const char *)1)

static const char gi_reply[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/xml; charset=utf-8\r\n"
    "content-length: %010zu\r\nCIMOperation: MethodResponse\r\n\r\n%s";
static const char gi_body[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"
    "<MESSAGE ID=\"3201\" PROTOCOLVERSION=\"1.0\">\n<SIMPLERSP>\n"
    "<IMETHODRESPONSE NAME=\"GetInstance\">\n<IRETURNVALUE>\n"
    "<INSTANCE CLASSNAME=\"Win32_Process\" >\n"
    "<PROPERTY NAME=\"Handle\"  TYPE=\"string\">\n<VALUE>2345</VALUE>\n"
    "</PROPERTY>\n<PROPERTY NAME=\"KernelModeTime\"  TYPE=\"uint64\">\n"
    "<VALUE>18446744073709551615</VALUE>\n</PROPERTY>\n</INSTANCE>\n"
    "</IRETURNVALUE>\n</IMETHODRESPONSE>\n</SIMPLERSP>\n</MESSAGE>\n"
    "</CIM>\n";
static const char err_body[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"
    "<MESSAGE ID=\"3201\" PROTOCOLVERSION=\"1.0\">\n<SIMPLERSP>\n"
    "<IMETHODRESPONSE NAME=\"GetInstance\">\n"
    "<ERROR CODE=\"6\" DESCRIPTION=\"CIM_ERR_NOT_FOUND: x\"/>"
    "</IMETHODRESPONSE>\n</SIMPLERSP>\n</MESSAGE>\n</CIM>\n";
static const char bad400[] =
    "HTTP/1.1 400 Bad Request\r\nCIMError: header-mismatch\r\n"
    "PGErrorDetail: CIMObject%20mismatch\r\n\r\n";

struct srv {
	struct testsrv		 ls;
	const char		**script;
	int			 next;
	int			 nreq;
	char			 msgids[4][16];
	char			*reqs[4];	/* headers and body */
	int			 keep_reqs;	/* reqs[] kept (then freed) */
};

struct res {
	int			 calls;
	int			 in_start;
	int			 called_in_start;
	enum wbem_errkind	 kind;
	long			 http_status;
	int			 code;
	char			 name[64];
	char			 description[128];
	char			 handle[32];
	char			 ktime[32];
	int			 stop;
};

static struct event_base	*base;

static void
srv_read_cb(struct bufferevent *bev, void *arg)
{
	struct srv		*s = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	size_t			 hlen;
	char			*req, *id;
	const char		*step;

	while ((req = testsrv_request(in, &hlen)) != NULL) {
		if ((id = strstr(req + hlen, "MESSAGE ID=\"")) != NULL &&
		    s->nreq < 4)
			snprintf(s->msgids[s->nreq], sizeof(s->msgids[0]),
			    "%.*s", (int)strcspn(id + 12, "\""), id + 12);
		if (s->keep_reqs && s->nreq < 4)
			s->reqs[s->nreq] = xstrdup(req);
		s->nreq++;
		free(req);
		if ((step = s->script[s->next]) == NULL)
			continue;
		s->next++;
		if (step != HANG)
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
done_cb(struct wbem_result *res, const struct wbem_error *err, void *arg)
{
	struct res	*r = arg;
	const char	*v;

	r->calls++;
	if (r->in_start)
		r->called_in_start = 1;
	r->kind = err->kind;
	r->http_status = err->http_status;
	r->code = err->code;
	strlcpy(r->name, err->name, sizeof(r->name));
	strlcpy(r->description, err->description, sizeof(r->description));
	if (res != NULL && res->ninst == 1) {
		if ((v = cim_instance_text(res->inst[0], "handle")) != NULL)
			strlcpy(r->handle, v, sizeof(r->handle));
		if ((v = cim_instance_text(res->inst[0],
		    "KernelModeTime")) != NULL)
			strlcpy(r->ktime, v, sizeof(r->ktime));
	}
	wbem_result_free(res);
	if (r->stop)
		event_base_loopbreak(base);
}

static void
run_for(unsigned ms)
{
	testsrv_run_for(base, ms);
}

/* GetInstance Win32_Process.Handle="2345" with request memory freed at once. */
static struct wbem_call *
start_get(struct http_ctx *ctx, int port, enum wbem_proto proto,
    unsigned timeout, struct res *r)
{
	struct wbem_target	 t;
	struct wbem_request	*req;
	struct wbem_call	*c;
	char			 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", port);
	memset(&t, 0, sizeof(t));
	t.proto = proto;
	t.url = url;
	t.ns = "root/cimv2";
	t.timeout_ms = timeout;
	t.want_trailers = 1;
	req = xcalloc(1, sizeof(*req));
	req->op = WBEM_OP_GET;
	req->ns = "root/cimv2";
	req->path = cim_path_new("root/cimv2", "Win32_Process");
	cim_path_add_key((struct cim_path *)req->path, "Handle", CIM_T_STRING,
	    "2345");
	req->classname = "Win32_Process";
	r->stop = 1;
	r->in_start = 1;
	c = wbem_start(ctx, &t, req, done_cb, r);
	r->in_start = 0;
	cim_path_free((struct cim_path *)req->path);
	free(req);
	return (c);
}

static char *
reply(const char *body)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_printf(&b, gi_reply, strlen(body), body);
	return (buf_steal(&b, NULL));
}

/* ExecQuery QUERY with the given MESSAGE ID, as cimxml.c encodes it. */
static char *
query_body(const char *query, unsigned msgid)
{
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct buf		 b;

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.ns = "root/cimv2";
	req.query = query;
	buf_init(&b, 0);
	if (cimxml_encode_request(&req, msgid, &b, NULL, &err) == -1)
		fatal("query_body: %s", err.description);
	return (buf_steal(&b, NULL));
}

static void
start_query(struct http_ctx *ctx, int port, const char *query,
    struct res *r)
{
	struct wbem_target	 t;
	struct wbem_request	 req;
	char			 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", port);
	memset(&t, 0, sizeof(t));
	t.proto = WBEM_PROTO_CIMXML;
	t.url = url;
	t.timeout_ms = 5000;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.ns = "root/cimv2";
	req.query = query;
	memset(r, 0, sizeof(*r));
	r->stop = 1;
	(void)wbem_start(ctx, &t, &req, done_cb, r);
	run_for(5000);
}

/*
 * ExecQuery is encoded once and kept (wbem.c): the same query again goes
 * out byte for byte as the encoder writes it, with a MESSAGE ID of its
 * own and its headers; another query is not taken for it.
 */
static void
test_query_cache(struct http_ctx *ctx)
{
	struct srv	 s;
	struct res	 r;
	const char	*script[] = { bad400, bad400, bad400, bad400, NULL };
	const char	*q1 = "SELECT Handle FROM Win32_Process WHERE "
			    "Name = \"vod<&>.exe\"";
	const char	*q2 = "SELECT Handle FROM Win32_Process WHERE "
			    "Name = \"other.exe\"";
	char		*want, *body;
	int		 i;

	srv_start(&s, script);
	s.keep_reqs = 1;
	start_query(ctx, s.ls.port, q1, &r);
	start_query(ctx, s.ls.port, q1, &r);
	start_query(ctx, s.ls.port, q2, &r);
	start_query(ctx, s.ls.port, q1, &r);
	is_int(s.nreq, 4, "query cache: four requests sent");
	for (i = 0; i < 4; i++) {
		body = s.reqs[i] != NULL ? strstr(s.reqs[i], "\r\n\r\n") :
		    NULL;
		want = query_body(i == 2 ? q2 : q1,
		    (unsigned)strtoul(s.msgids[i], NULL, 10));
		ok(body != NULL && strcmp(body + 4, want) == 0,
		    "query cache: request %d is the encoder's, MESSAGE ID %s",
		    i + 1, s.msgids[i]);
		ok(s.reqs[i] != NULL &&
		    strstr(s.reqs[i], "\r\nCIMMethod: ExecQuery\r\n") &&
		    strstr(s.reqs[i], "\r\nCIMObject: root%2Fcimv2\r\n") &&
		    strstr(s.reqs[i], "\r\nCIMOperation: MethodCall\r\n"),
		    "query cache: request %d headers", i + 1);
		free(want);
	}
	ok(strcmp(s.msgids[0], s.msgids[1]) != 0 &&
	    strcmp(s.msgids[1], s.msgids[3]) != 0,
	    "query cache: MESSAGE IDs differ (%s, %s, %s)", s.msgids[0],
	    s.msgids[1], s.msgids[3]);
	for (i = 0; i < 4; i++)
		free(s.reqs[i]);
	testsrv_close(&s.ls);
}

int
main(void)
{
	struct http_ctx		*ctx;
	struct srv		 s;
	struct res		 r;
	struct wbem_call	*c;
	struct wbem_target	 t;
	struct wbem_request	 req;
	struct wbem_result	*res;
	struct wbem_error	 err;
	enum wbem_proto		 p;
	char			*ok_reply = reply(gi_body);
	char			*err_reply = reply(err_body);
	const char		*script[] = { ok_reply, ok_reply, err_reply,
				    bad400, HANG, NULL };
	char			 url[128];
	struct sockaddr_in	 sin;
	socklen_t		 slen;
	uint64_t		 t0;
	evutil_socket_t		 fd;

	log_init("test_wbem", LOG_LVL_WARN, 0);
	xml_global_init();
	compat_init(0);
	base = event_base_new();
	ctx = http_ctx_new(base);

	ok(wbem_proto_parse("WSMAN", &p) == 0 && p == WBEM_PROTO_WSMAN,
	    "protocol names parse");
	ok(wbem_proto_parse("soap", &p) == -1, "unknown protocol refused");
	is_str(wbem_proto_name(WBEM_PROTO_CIMXML), "cimxml", "protocol name");

	test_query_cache(ctx);
	srv_start(&s, script);

	memset(&r, 0, sizeof(r));
	c = start_get(ctx, s.ls.port, WBEM_PROTO_CIMXML, 5000, &r);
	ok(c != NULL && r.calls == 0, "get: started, no callback yet");
	run_for(5000);
	is_int(r.calls, 1, "get: callback once");
	ok(!r.called_in_start, "get: not from inside wbem_start");
	is_int(r.kind, WBEM_E_NONE, "get: success");
	is_str(r.handle, "2345", "get: decoded (request freed after start)");
	is_str(r.ktime, "18446744073709551615", "get: uint64 text exact");

	memset(&r, 0, sizeof(r));
	start_get(ctx, s.ls.port, WBEM_PROTO_CIMXML, 5000, &r);
	run_for(5000);
	is_int(r.calls, 1, "second get: callback once");
	ok(s.msgids[0][0] != '\0' && strcmp(s.msgids[0], s.msgids[1]) != 0,
	    "message IDs differ (%s, %s)", s.msgids[0], s.msgids[1]);

	memset(&r, 0, sizeof(r));
	start_get(ctx, s.ls.port, WBEM_PROTO_CIMXML, 5000, &r);
	run_for(5000);
	is_int(r.kind, WBEM_E_CIM, "CIM error: kind CIM");
	is_int(r.code, 6, "CIM error: code 6");
	is_str(r.name, "CIM_ERR_NOT_FOUND", "CIM error: name");

	memset(&r, 0, sizeof(r));
	start_get(ctx, s.ls.port, WBEM_PROTO_CIMXML, 5000, &r);
	run_for(5000);
	is_int(r.calls, 1, "CIMError 400: callback once");
	is_int(r.kind, WBEM_E_PROTOCOL, "CIMError 400: kind PROTOCOL");
	is_str(r.name, "header-mismatch", "CIMError 400: the token");
	is_int(r.http_status, 400, "CIMError 400: http status");
	is_str(r.description, "CIMObject mismatch",
	    "CIMError 400: PGErrorDetail unescaped");

	memset(&r, 0, sizeof(r));
	c = start_get(ctx, s.ls.port, WBEM_PROTO_CIMXML, 5000, &r);
	r.stop = 0;
	run_for(150);
	is_int(r.calls, 0, "cancel: still in flight");
	wbem_cancel(c);
	is_int(r.calls, 1, "cancel: callback once");
	is_int(r.kind, WBEM_E_CANCELLED, "cancel: kind CANCELLED");
	run_for(200);
	is_int(r.calls, 1, "cancel: nothing later");

	memset(&r, 0, sizeof(r));
	/* (300 ms: once WS-Man is built in, this server never answers it) */
	c = start_get(ctx, s.ls.port, WBEM_PROTO_WSMAN, 300, &r);
	ok(c != NULL && r.calls == 0, "wsman: not from inside wbem_start");
	run_for(2000);
	is_int(r.calls, 1, "wsman: callback once");
	/* plain http without allow_unencrypted: refused before any traffic */
	is_int(r.kind, WBEM_E_USAGE, "wsman over plain http: refused as USAGE");
	ok(strstr(r.description, "in the clear") != NULL,
	    "wsman over plain http: says why");

	memset(&r, 0, sizeof(r));
	c = start_get(ctx, s.ls.port, WBEM_PROTO_WSMAN, 300, &r);
	wbem_cancel(c);
	is_int(r.calls, 1, "cancel before the loop ran: callback once");
	is_int(r.kind, WBEM_E_CANCELLED, "cancel before the loop ran: CANCELLED");
	r.stop = 0;
	run_for(100);
	is_int(r.calls, 1, "cancel before the loop ran: nothing later");

	testsrv_close(&s.ls);
	memset(&r, 0, sizeof(r));
	start_get(ctx, s.ls.port, WBEM_PROTO_CIMXML, 5000, &r);
	run_for(5000);
	is_int(r.calls, 1, "refused: callback once");
	is_int(r.kind, WBEM_E_TRANSPORT, "refused: kind TRANSPORT");

	/*
	 * wbem_run runs its own loop, so nothing on `base` can answer it: a
	 * listening socket that never accepts (the kernel completes the
	 * connection) stands for a node that never answers.
	 */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	slen = sizeof(sin);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1)
		fatal("cannot listen");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom",
	    ntohs(sin.sin_port));
	memset(&t, 0, sizeof(t));
	t.url = url;
	t.timeout_ms = 300;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.classname = "Win32_Process";
	t0 = mono_ms();
	res = wbem_run(&t, &req, &err);
	ok(res == NULL && err.kind == WBEM_E_TIMEOUT,
	    "wbem_run: TIMEOUT from a node that never answers");
	ok(mono_ms() - t0 >= 280 && mono_ms() - t0 < tap_slow(2000),
	    "wbem_run: returned at the deadline (%llu ms)",
	    (unsigned long long)(mono_ms() - t0));
	evutil_closesocket(fd);

	http_ctx_free(ctx);
	run_for(200);
	event_base_free(base);
	free(ok_reply);
	free(err_reply);
	return (tap_done());
}
