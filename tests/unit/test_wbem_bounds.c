/*
 * test_wbem_bounds.c: one operation is bounded as a whole (issue 17, item
 * 4).  A WS-Man node that answers every Pull with a full batch and never
 * ends the sequence held hundreds of MB until the deadline: the reply cap
 * was per reply.  Against such a node on loopback, the call now ends well
 * before its deadline with WBEM_E_TOOBIG, after the bytes (max_response,
 * summed over the replies) or the items (max_items, WBEM_MAX_ITEMS by
 * default) it may collect; the server sees no further Pull, and the
 * enumeration is released.  A CIM-XML reply with too many items fails the
 * same way.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cimhead.h"
#include "tap.h"
#include "testsrv.h"

#define ENV_OPEN "<s:Envelope" \
	" xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"" \
	" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\"" \
	" xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"" \
	" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\">"

static struct event_base	*base;

/* A WinRM that never ends an enumeration. */
struct srv {
	struct evhttp	*http;
	int		 port;
	size_t		 item_bytes;	/* length of each item's Name */
	unsigned	 items;		/* items per Pull, whatever was asked */
	int		 npull, nrelease;
	size_t		 sent;		/* body bytes of Enumerate and Pulls */
};

struct res {
	int			 calls;
	enum wbem_errkind	 kind;
	char			 description[512];
	size_t			 ninst;
	uint64_t		 at;
};

/* The text between open and close in s, into out. */
static void
between(const char *s, const char *open, const char *close, char *out,
    size_t outlen)
{
	const char	*p, *e;

	out[0] = '\0';
	if ((p = strstr(s, open)) == NULL)
		return;
	p += strlen(open);
	if ((e = strstr(p, close)) == NULL)
		return;
	snprintf(out, outlen, "%.*s", (int)(e - p), p);
}

static void
srv_cb(struct evhttp_request *req, void *arg)
{
	struct srv	*s = arg;
	struct evbuffer	*in = evhttp_request_get_input_buffer(req), *out;
	struct buf	 b;
	char		*body, id[64], *name;
	size_t		 n;
	unsigned	 i;
	int		 pull;

	n = evbuffer_get_length(in);
	body = xmalloc(n + 1);
	evbuffer_copyout(in, body, n);
	body[n] = '\0';
	between(body, "<a:MessageID>", "</a:MessageID>", id, sizeof(id));
	buf_init(&b, 0);
	buf_printf(&b, ENV_OPEN "<s:Header><a:RelatesTo>%s</a:RelatesTo>"
	    "</s:Header><s:Body>", id);
	if (strstr(body, "enumeration/Release<") != NULL) {
		s->nrelease++;
		buf_puts(&b, "<n:ReleaseResponse/>");
	} else {
		pull = strstr(body, "enumeration/Pull<") != NULL;
		s->npull += pull;
		name = xmalloc(s->item_bytes + 1);
		memset(name, 'x', s->item_bytes);
		name[s->item_bytes] = '\0';
		buf_printf(&b, "<n:%s><n:EnumerationContext>ctx-1"
		    "</n:EnumerationContext>%s", pull ? "PullResponse" :
		    "EnumerateResponse", pull ? "<n:Items>" : "<w:Items>");
		for (i = 0; i < s->items; i++)
			buf_printf(&b, "<w:XmlFragment><Name>%s</Name>"
			    "</w:XmlFragment>", name);
		/* never an EndOfSequence */
		buf_printf(&b, "%s</n:%s>", pull ? "</n:Items>" : "</w:Items>",
		    pull ? "PullResponse" : "EnumerateResponse");
		free(name);
	}
	buf_puts(&b, "</s:Body></s:Envelope>");
	if (strstr(body, "enumeration/Release<") == NULL)
		s->sent += b.len;
	out = evbuffer_new();
	evbuffer_add(out, b.data, b.len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/soap+xml;charset=UTF-8");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
	buf_release(&b);
	free(body);
}

static void
srv_start(struct srv *s)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_in		 sin;
	socklen_t			 len = sizeof(sin);

	memset(s, 0, sizeof(*s));
	s->http = evhttp_new(base);
	evhttp_set_gencb(s->http, srv_cb, s);
	if ((bs = evhttp_bind_socket_with_handle(s->http, "127.0.0.1",
	    0)) == NULL)
		fatal("cannot listen");
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin,
	    &len);
	s->port = ntohs(sin.sin_port);
}

static void
done_cb(struct wbem_result *res, const struct wbem_error *err, void *arg)
{
	struct res	*r = arg;

	r->calls++;
	r->at = mono_ms();
	r->kind = err->kind;
	strlcpy(r->description, err->description, sizeof(r->description));
	r->ninst = res != NULL ? res->ninst + res->npaths : 0;
	wbem_result_free(res);
	event_base_loopbreak(base);
}

/*
 * A WQL query to s with a 20 s deadline; waits for its end, up to 8 s
 * (more under sanitizers).  The code before the fix Pulls until the
 * deadline: cancelled here, so the test fails without running away.
 */
static void
query(struct http_ctx *ctx, struct srv *s, size_t max_response,
    size_t max_items, struct res *r, uint64_t *took)
{
	struct wbem_target	 t;
	struct wbem_request	 req;
	struct wbem_call	*c;
	char			 url[128];
	uint64_t		 t0;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/wsman", s->port);
	memset(&t, 0, sizeof(t));
	t.proto = WBEM_PROTO_WSMAN;
	t.url = url;
	t.allow_unencrypted = 1;
	t.timeout_ms = 20000;
	t.max_response = max_response;
	t.max_items = max_items;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.query = "SELECT Name FROM Win32_Process";
	req.query_lang = "WQL";
	memset(r, 0, sizeof(*r));
	s->npull = s->nrelease = 0;
	s->sent = 0;
	t0 = mono_ms();
	if ((c = wbem_start(ctx, &t, &req, done_cb, r)) == NULL)
		fatal("wbem_start");
	testsrv_run_for(base, (unsigned)tap_slow(8000));
	*took = (r->calls != 0 ? r->at : mono_ms()) - t0;
	if (r->calls == 0) {
		wbem_cancel(c);
		r->calls = 0;
		r->kind = WBEM_E_NONE;
	}
	/* the Release, if any */
	testsrv_run_for(base, 200);
}

/* ---- CIM-XML: one reply with more paths than allowed ----------------- */

static unsigned	cx_paths;

static void
cx_read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct buf	 body, b;
	size_t		 hlen;
	char		*req, *id, msgid[16];
	unsigned	 i;

	while ((req = testsrv_request(in, &hlen)) != NULL) {
		msgid[0] = '\0';
		if ((id = strstr(req + hlen, "MESSAGE ID=\"")) != NULL)
			snprintf(msgid, sizeof(msgid), "%.*s",
			    (int)strcspn(id + 12, "\""), id + 12);
		buf_init(&body, 0);
		buf_printf(&body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
		    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE "
		    "ID=\"%s\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>"
		    "<IMETHODRESPONSE NAME=\"EnumerateInstanceNames\">"
		    "<IRETURNVALUE>", msgid);
		for (i = 0; i < cx_paths; i++)
			buf_printf(&body, "<INSTANCENAME CLASSNAME=\"X\">"
			    "<KEYBINDING NAME=\"Id\"><KEYVALUE VALUETYPE="
			    "\"string\">%u</KEYVALUE></KEYBINDING>"
			    "</INSTANCENAME>", i);
		buf_puts(&body, "</IRETURNVALUE></IMETHODRESPONSE>"
		    "</SIMPLERSP></MESSAGE></CIM>");
		buf_init(&b, 0);
		buf_printf(&b, "HTTP/1.1 200 OK\r\nContent-Type: "
		    "application/xml; charset=utf-8\r\nCIMOperation: "
		    "MethodResponse\r\nContent-Length: %zu\r\n\r\n%s",
		    body.len, body.data);
		bufferevent_write(bev, b.data, b.len);
		buf_release(&b);
		buf_release(&body);
		free(req);
	}
}

static void
cx_names(struct http_ctx *ctx, int port, size_t max_items, struct res *r)
{
	struct wbem_target	 t;
	struct wbem_request	 req;
	char			 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", port);
	memset(&t, 0, sizeof(t));
	t.proto = WBEM_PROTO_CIMXML;
	t.url = url;
	t.timeout_ms = 5000;
	t.max_items = max_items;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM_NAMES;
	req.classname = "X";
	memset(r, 0, sizeof(*r));
	if (wbem_start(ctx, &t, &req, done_cb, r) == NULL)
		fatal("wbem_start");
	testsrv_run_for(base, (unsigned)tap_slow(5000));
}

int
main(void)
{
	struct http_ctx	*ctx;
	struct srv	 s;
	struct testsrv	 cx;
	struct res	 r;
	uint64_t	 took;
	size_t		 cap;

	log_init("test_wbem_bounds", LOG_LVL_ERR, 0);
	xml_global_init();
	/* a server: the client hangs up on replies it will not read */
	compat_init(1);
	if ((base = event_base_new()) == NULL ||
	    (ctx = http_ctx_new(base)) == NULL)
		fatal("setup");
	srv_start(&s);

	/* bytes: 32 KiB a batch against 256 KiB for the whole operation */
	cap = 256 * 1024;
	s.item_bytes = 32 * 1024;
	s.items = 1;
	query(ctx, &s, cap, 0, &r, &took);
	is_int(r.calls, 1, "endless Pulls, bytes: the call ends");
	is_int(r.kind, WBEM_E_TOOBIG, "endless Pulls, bytes: TOOBIG");
	ok(strstr(r.description, "262144 bytes in all") != NULL,
	    "endless Pulls, bytes: the message says the cap is the "
	    "operation's (%s)", r.description);
	ok(r.calls == 1 && took < tap_slow(5000),
	    "endless Pulls, bytes: long before the deadline (%llu ms)",
	    (unsigned long long)took);
	ok(s.npull <= (int)(cap / s.item_bytes) + 1,
	    "endless Pulls, bytes: %d Pulls, no more than the cap allows",
	    s.npull);
	ok(s.sent <= cap + s.item_bytes + 1024,
	    "endless Pulls, bytes: %zu bytes sent by the node, bounded",
	    s.sent);
	is_int(s.nrelease, 1, "endless Pulls, bytes: the context released");

	/* the default: the 16 MiB cap, summed */
	s.item_bytes = 512 * 1024;
	query(ctx, &s, 0, 0, &r, &took);
	ok(r.calls == 1 && r.kind == WBEM_E_TOOBIG && s.npull <= 33,
	    "endless Pulls, default cap: TOOBIG after %d Pulls of 512 KiB",
	    s.npull);

	/* items: 100 a batch, whatever MaxElements asked, against 500 */
	s.item_bytes = 4;
	s.items = 100;
	query(ctx, &s, 0, 500, &r, &took);
	is_int(r.calls, 1, "endless Pulls, items: the call ends");
	is_int(r.kind, WBEM_E_TOOBIG, "endless Pulls, items: TOOBIG");
	ok(strstr(r.description, "more than 500 items") != NULL,
	    "endless Pulls, items: the message says so (%s)", r.description);
	ok(s.npull <= 5, "endless Pulls, items: %d Pulls, no more",
	    s.npull);
	is_int(s.nrelease, 1, "endless Pulls, items: the context released");

	/*
	 * items: WBEM_MAX_ITEMS by default, under a cap high enough.  100,000
	 * items take a second here and much longer under ASan (a result
	 * grows one item at a time): the run above covers that code there.
	 */
	if (tap_slow(1) > 1) {
		tap_n++;
		printf("ok %d # SKIP 100,000 items under sanitizers\n", tap_n);
		tap_n++;
		printf("ok %d # SKIP\n", tap_n);
	} else {
		s.items = 5000;
		query(ctx, &s, 64u * 1024 * 1024, 0, &r, &took);
		ok(r.calls == 1 && r.kind == WBEM_E_TOOBIG &&
		    strstr(r.description, "more than 100000 items") != NULL,
		    "endless Pulls, default items: TOOBIG past %d (%s)",
		    WBEM_MAX_ITEMS, r.description);
		ok(s.npull <= 20, "endless Pulls, default items: %d Pulls",
		    s.npull);
	}

	/* an honest enumeration under both caps is untouched (by CIM-XML) */
	testsrv_listen(&cx, base, cx_read_cb, NULL);
	cx_paths = 500;
	cx_names(ctx, cx.port, 500, &r);
	ok(r.calls == 1 && r.kind == WBEM_E_NONE && r.ninst == 500,
	    "CIM-XML, 500 paths, 500 allowed: all of them");
	cx_paths = 501;
	cx_names(ctx, cx.port, 500, &r);
	ok(r.calls == 1 && r.kind == WBEM_E_TOOBIG &&
	    strstr(r.description, "more than 500 items") != NULL,
	    "CIM-XML, 501 paths, 500 allowed: TOOBIG (%s)", r.description);

	http_ctx_free(ctx);
	testsrv_close(&cx);
	evhttp_free(s.http);
	testsrv_run_for(base, 50);
	event_base_free(base);
	return (tap_done());
}
