/*
 * test_wbem_plain.c: CIM-XML credentials over plain http (issue 17, item
 * 8).  A server that challenges with 401 drew the password out in Basic,
 * with nothing said.  Now: refused before any byte goes out (not even a
 * connection) unless the target allows unencrypted traffic; when it does,
 * auth ANY still never picks Basic, so the server cannot downgrade Digest
 * to it; auth BASIC, asked for by name, is sent; without credentials
 * plain http is as before; https is never refused by this rule.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cimhead.h"
#include "tap.h"
#include "testsrv.h"

static const char gi_body[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"
    "<MESSAGE ID=\"%s\" PROTOCOLVERSION=\"1.0\">\n<SIMPLERSP>\n"
    "<IMETHODRESPONSE NAME=\"GetInstance\">\n<IRETURNVALUE>\n"
    "<INSTANCE CLASSNAME=\"Win32_Process\" >\n"
    "<PROPERTY NAME=\"Handle\"  TYPE=\"string\">\n<VALUE>2345</VALUE>\n"
    "</PROPERTY>\n</INSTANCE>\n"
    "</IRETURNVALUE>\n</IMETHODRESPONSE>\n</SIMPLERSP>\n</MESSAGE>\n"
    "</CIM>\n";

struct srv {
	struct testsrv	 ls;
	const char	*challenge;	/* WWW-Authenticate lines; NULL: none */
	int		 nreq;
	int		 nbasic;	/* requests with Authorization: Basic */
	int		 ndigest;	/* ... with Authorization: Digest */
};

struct res {
	int			 calls;
	enum wbem_errkind	 kind;
	long			 http_status;
	char			 description[512];
	size_t			 ninst;
};

static struct event_base	*base;

static void
srv_read_cb(struct bufferevent *bev, void *arg)
{
	struct srv	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct buf	 b, body;
	size_t		 hlen;
	char		*req, *auth, *id, msgid[16];

	while ((req = testsrv_request(in, &hlen)) != NULL) {
		s->nreq++;
		req[hlen] = '\0';
		auth = strstr(req, "\r\nAuthorization: ");
		if (auth != NULL && strncmp(auth + 17, "Basic ", 6) == 0)
			s->nbasic++;
		if (auth != NULL && strncmp(auth + 17, "Digest ", 7) == 0)
			s->ndigest++;
		buf_init(&b, 0);
		if (auth == NULL && s->challenge != NULL) {
			buf_printf(&b, "HTTP/1.1 401 Unauthorized\r\n%s"
			    "Content-Length: 0\r\n\r\n", s->challenge);
		} else {
			msgid[0] = '\0';
			if ((id = strstr(req + hlen + 1, "MESSAGE ID=\"")) !=
			    NULL)
				snprintf(msgid, sizeof(msgid), "%.*s",
				    (int)strcspn(id + 12, "\""), id + 12);
			buf_init(&body, 0);
			buf_printf(&body, gi_body, msgid);
			buf_printf(&b, "HTTP/1.1 200 OK\r\nContent-Type: "
			    "application/xml; charset=utf-8\r\n"
			    "CIMOperation: MethodResponse\r\n"
			    "Content-Length: %zu\r\n\r\n%s", body.len,
			    body.data);
			buf_release(&body);
		}
		bufferevent_write(bev, b.data, b.len);
		buf_release(&b);
		free(req);
	}
}

static void
done_cb(struct wbem_result *res, const struct wbem_error *err, void *arg)
{
	struct res	*r = arg;

	r->calls++;
	r->kind = err->kind;
	r->http_status = err->http_status;
	strlcpy(r->description, err->description, sizeof(r->description));
	r->ninst = res != NULL ? res->ninst : 0;
	wbem_result_free(res);
	event_base_loopbreak(base);
}

/* One GetInstance to the server with the given scheme and credentials. */
static void
get(struct http_ctx *ctx, struct srv *s, const char *scheme, const char *user,
    int allow, enum http_auth auth, struct res *r)
{
	struct wbem_target	 t;
	struct wbem_request	 req;
	struct cim_path		*path;
	char			 url[128];

	snprintf(url, sizeof(url), "%s://127.0.0.1:%d/cimom", scheme,
	    s->ls.port);
	memset(&t, 0, sizeof(t));
	t.proto = WBEM_PROTO_CIMXML;
	t.url = url;
	t.user = user;
	t.password = user != NULL ? "s3cret" : NULL;
	t.auth = auth;
	t.allow_unencrypted = allow;
	t.timeout_ms = 3000;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_GET;
	path = cim_path_new("root/cimv2", "Win32_Process");
	cim_path_add_key(path, "Handle", CIM_T_STRING, "2345");
	req.path = path;
	req.classname = "Win32_Process";
	memset(r, 0, sizeof(*r));
	s->nreq = s->nbasic = s->ndigest = 0;
	s->ls.nconn = 0;
	if (wbem_start(ctx, &t, &req, done_cb, r) == NULL)
		fatal("wbem_start");
	cim_path_free(path);
	testsrv_run_for(base, (unsigned)tap_slow(4000));
}

int
main(void)
{
	struct http_ctx	*ctx;
	struct srv	 s;
	struct res	 r;

	log_init("test_wbem_plain", LOG_LVL_ERR, 0);
	xml_global_init();
	compat_init(0);
	if ((base = event_base_new()) == NULL ||
	    (ctx = http_ctx_new(base)) == NULL)
		fatal("setup");
	memset(&s, 0, sizeof(s));
	testsrv_listen(&s.ls, base, srv_read_cb, &s);

	/* credentials over plain http, not allowed: refused, nothing sent */
	s.challenge = "WWW-Authenticate: Basic realm=\"cimom\"\r\n";
	get(ctx, &s, "http", "vod", 0, HTTP_AUTH_ANY, &r);
	is_int(r.calls, 1, "refused: called back once");
	is_int(r.kind, WBEM_E_USAGE, "refused: a usage error");
	ok(strstr(r.description, "plain http") != NULL &&
	    strstr(r.description, "in the clear") != NULL,
	    "refused: the message says why (%s)", r.description);
	is_int(s.ls.nconn, 0, "refused: not even a connection");
	is_int(s.nreq, 0, "refused: no request");
	get(ctx, &s, "http", "vod", 0, HTTP_AUTH_BASIC, &r);
	ok(r.kind == WBEM_E_USAGE && s.ls.nconn == 0,
	    "refused with auth = basic too, before any byte");
	get(ctx, &s, "HTTP", "vod", 0, HTTP_AUTH_DIGEST, &r);
	ok(r.kind == WBEM_E_USAGE && s.ls.nconn == 0,
	    "refused with an upper-case scheme and auth = digest too");

	/* allowed, auth ANY: a Basic-only challenge gets no password */
	get(ctx, &s, "http", "vod", 1, HTTP_AUTH_ANY, &r);
	is_int(r.calls, 1, "allowed, any, Basic offered: called back once");
	is_int(r.kind, WBEM_E_AUTH, "allowed, any, Basic offered: AUTH error");
	ok(s.nreq >= 1, "allowed, any: the request went out");
	is_int(s.nbasic, 0, "allowed, any: never Authorization: Basic");

	/* allowed, auth ANY: Digest offered beside Basic is what is used */
	s.challenge = "WWW-Authenticate: Basic realm=\"cimom\"\r\n"
	    "WWW-Authenticate: Digest realm=\"cimom\", "
	    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", qop=\"auth\"\r\n";
	get(ctx, &s, "http", "vod", 1, HTTP_AUTH_ANY, &r);
	ok(r.kind == WBEM_E_NONE && r.ninst == 1,
	    "allowed, any, Digest and Basic offered: success");
	ok(s.ndigest >= 1 && s.nbasic == 0, "... in Digest, never in Basic");

	/* allowed, auth = basic by name: sent, as asked */
	s.challenge = "WWW-Authenticate: Basic realm=\"cimom\"\r\n";
	get(ctx, &s, "http", "vod", 1, HTTP_AUTH_BASIC, &r);
	ok(r.kind == WBEM_E_NONE && r.ninst == 1 && s.nbasic >= 1,
	    "allowed, auth = basic: Basic sent, success");

	/* no credentials: plain http as ever */
	s.challenge = NULL;
	get(ctx, &s, "http", NULL, 0, HTTP_AUTH_ANY, &r);
	ok(r.kind == WBEM_E_NONE && r.ninst == 1,
	    "no credentials over plain http: not refused");

	/* https with credentials: not this rule's business (TLS fails here) */
	get(ctx, &s, "https", "vod", 0, HTTP_AUTH_ANY, &r);
	ok(r.calls == 1 && r.kind != WBEM_E_USAGE && s.ls.nconn == 1,
	    "https with credentials: not refused, a connection is made");
	is_int(s.nreq, 0, "https: no request in the clear");

	http_ctx_free(ctx);
	testsrv_close(&s.ls);
	testsrv_run_for(base, 50);
	event_base_free(base);
	return (tap_done());
}
