/*
 * test_wbem_wsman.c: wbem_start over WS-Management against an in-process
 * evhttp server that answers like WinRM (RelatesTo echoing each
 * MessageID): the Enumerate -> Pull* loop, the per-target bound on
 * operations in flight, Release of a cancelled enumeration, the deadline
 * while queued, plain http refused unless allowed, faults and mismatches.
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

struct srv {
	struct evhttp	*http;
	int		 port;
	unsigned	 delay_ms;
	unsigned	 npulls;	/* Pulls before the end of sequence */
	int		 hang_pulls;
	int		 fault_pulls;	/* Pulls that time out empty first */
	int		 internal_pulls;	/* Pulls that fault */
	int		 bad_relates;
	int		 nreq, nenum, npull, nrelease, nget;
	int		 cur, max_cur;
	int		 bad_ctype;
	int		 dup_msgid;
	char		 last_msgid[64];
	char		 release_ctx[64];
	char		 pull_max[16];
	char		 enum_optimeout[32];
	int		 pull_ctx_ok;
};

struct pending {
	struct srv		*s;
	struct evhttp_request	*req;
	char			*body;
	int			 status;
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
srv_send(evutil_socket_t fd, short ev, void *arg)
{
	struct pending	*pd = arg;
	struct evbuffer	*out;

	out = evbuffer_new();
	evbuffer_add(out, pd->body, strlen(pd->body));
	evhttp_add_header(evhttp_request_get_output_headers(pd->req),
	    "Content-Type", "application/soap+xml;charset=UTF-8");
	evhttp_send_reply(pd->req, pd->status, pd->status == 200 ? "OK" :
	    "Internal Server Error", out);
	evbuffer_free(out);
	pd->s->cur--;
	free(pd->body);
	free(pd);
}

static void
srv_cb(struct evhttp_request *req, void *arg)
{
	struct srv	*s = arg;
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	struct pending	*pd;
	struct buf	 b;
	struct timeval	 tv;
	const char	*ct, *item = NULL, *rel;
	char		*body, id[64], ctx[64];
	size_t		 n;

	n = evbuffer_get_length(in);
	body = xmalloc(n + 1);
	evbuffer_copyout(in, body, n);
	body[n] = '\0';
	s->nreq++;
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (ct == NULL || strcmp(ct, WSMAN_CONTENT_TYPE) != 0)
		s->bad_ctype++;
	between(body, "<a:MessageID>", "</a:MessageID>", id, sizeof(id));
	if (strcmp(id, s->last_msgid) == 0)
		s->dup_msgid++;
	strlcpy(s->last_msgid, id, sizeof(s->last_msgid));
	rel = s->bad_relates ? "uuid:00000000-0000-0000-0000-000000000000" : id;

	buf_init(&b, 0);
	buf_printf(&b, ENV_OPEN "<s:Header><a:RelatesTo>%s</a:RelatesTo>"
	    "</s:Header><s:Body>", rel);
	pd = xcalloc(1, sizeof(*pd));
	pd->s = s;
	pd->req = req;
	pd->status = 200;
	if (strstr(body, "enumeration/Enumerate<") != NULL) {
		s->nenum++;
		between(body, "<w:OperationTimeout>", "</w:OperationTimeout>",
		    s->enum_optimeout, sizeof(s->enum_optimeout));
		buf_printf(&b, "<n:EnumerateResponse><n:EnumerationContext>"
		    "ctx-1</n:EnumerationContext><w:Items><w:XmlFragment>"
		    "<Name>item0</Name></w:XmlFragment></w:Items>"
		    "%s</n:EnumerateResponse>", s->npulls == 0 ?
		    "<w:EndOfSequence/>" : "");
	} else if (strstr(body, "enumeration/Pull<") != NULL) {
		s->npull++;
		between(body, "<n:EnumerationContext>",
		    "</n:EnumerationContext>", ctx, sizeof(ctx));
		s->pull_ctx_ok += strcmp(ctx, "ctx-1") == 0;
		between(body, "<n:MaxElements>", "</n:MaxElements>",
		    s->pull_max, sizeof(s->pull_max));
		if (s->hang_pulls) {
			free(body);
			free(pd);
			buf_release(&b);
			return;		/* the client cancels */
		}
		if (s->fault_pulls > 0 || s->internal_pulls) {
			pd->status = 500;
			buf_printf(&b, "<s:Fault><s:Code><s:Value>s:Receiver"
			    "</s:Value><s:Subcode><s:Value>%s</s:Value>"
			    "</s:Subcode></s:Code><s:Reason><s:Text>late"
			    "</s:Text></s:Reason></s:Fault>",
			    s->internal_pulls ? "w:InternalError" :
			    "w:TimedOut");
			if (s->fault_pulls > 0)
				s->fault_pulls--;
			s->npull--;	/* an empty Pull does not advance */
		} else
			buf_printf(&b, "<n:PullResponse>%s<n:Items>"
			    "<w:XmlFragment><Name>item%d</Name></w:XmlFragment>"
			    "</n:Items>%s</n:PullResponse>",
			    (unsigned)s->npull < s->npulls ?
			    "<n:EnumerationContext>ctx-1"
			    "</n:EnumerationContext>" : "", s->npull,
			    (unsigned)s->npull < s->npulls ? "" :
			    "<n:EndOfSequence/>");
	} else if (strstr(body, "enumeration/Release<") != NULL) {
		s->nrelease++;
		between(body, "<n:EnumerationContext>",
		    "</n:EnumerationContext>", s->release_ctx,
		    sizeof(s->release_ctx));
	} else if (strstr(body, "transfer/Get<") != NULL) {
		s->nget++;
		item = "<p:Win32_Service xmlns:p=\"http://schemas.microsoft."
		    "com/wbem/wsman/1/wmi/root/cimv2/Win32_Service\">"
		    "<p:Name>vod</p:Name><p:Started>true</p:Started>"
		    "</p:Win32_Service>";
		buf_puts(&b, item);
	}
	buf_puts(&b, "</s:Body></s:Envelope>");
	pd->body = buf_steal(&b, NULL);
	free(body);
	if (++s->cur > s->max_cur)
		s->max_cur = s->cur;
	tv.tv_sec = s->delay_ms / 1000;
	tv.tv_usec = (s->delay_ms % 1000) * 1000;
	event_base_once(base, -1, EV_TIMEOUT, srv_send, pd, &tv);
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

struct res {
	int			 calls;
	int			 stop_after;
	enum wbem_errkind	 kind;
	int			 code;
	char			 name[64];
	char			 description[256];
	size_t			 ninst;
	char			 names[8][16];
	char			 started_type[16];	/* of inst[0] */
	int			 keyed;		/* inst[0] has a path */
};

static void
done_cb(struct wbem_result *res, const struct wbem_error *err, void *arg)
{
	struct res		*r = arg;
	const struct cim_property *p;
	const char		*v;
	size_t			 i;

	r->calls++;
	r->kind = err->kind;
	r->code = err->code;
	strlcpy(r->name, err->name, sizeof(r->name));
	strlcpy(r->description, err->description, sizeof(r->description));
	if (res != NULL) {
		r->ninst = res->ninst;
		for (i = 0; i < res->ninst && i < 8; i++)
			if ((v = cim_instance_text(res->inst[i],
			    "Name")) != NULL)
				strlcpy(r->names[i], v, sizeof(r->names[i]));
		if (res->ninst > 0) {
			p = cim_instance_get(res->inst[0], "Started");
			strlcpy(r->started_type, p != NULL ?
			    cim_type_name(p->v.type) : "(absent)",
			    sizeof(r->started_type));
			r->keyed = res->inst[0]->path != NULL;
		}
	}
	wbem_result_free(res);
	if (r->stop_after != 0 && r->calls >= r->stop_after)
		event_base_loopbreak(base);
}

static void
run_for(unsigned ms)
{
	testsrv_run_for(base, ms);
}

static struct wbem_call *
start(struct http_ctx *ctx, struct srv *s, enum wbem_op op, unsigned timeout,
    struct res *r, struct wbem_target *tt)
{
	struct wbem_target	 t;
	struct wbem_request	 req;
	struct cim_path		*path;
	struct wbem_call	*c;
	char			 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/wsman", s->port);
	if (tt != NULL)
		t = *tt;
	else {
		memset(&t, 0, sizeof(t));
		t.allow_unencrypted = 1;
	}
	t.proto = WBEM_PROTO_WSMAN;
	t.url = url;
	t.timeout_ms = timeout;
	memset(&req, 0, sizeof(req));
	req.op = op;
	req.query = "SELECT Name FROM Win32_PerfRawData_PerfOS_Processor";
	path = cim_path_new("root/cimv2", "Win32_Service");
	cim_path_add_key(path, "Name", CIM_T_STRING, "vod");
	req.path = path;
	c = wbem_start(ctx, &t, &req, done_cb, r);
	cim_path_free(path);
	return (c);
}

int
main(void)
{
	struct http_ctx		*ctx;
	struct wbem_target	 t;
	struct srv		 s;
	struct res		 r, rs[10];
	struct wbem_call	*c;
	int			 i, all;

	log_init("test_wbem_wsman", LOG_LVL_ERR, 0);
	xml_global_init();
	compat_init(0);
	if ((base = event_base_new()) == NULL ||
	    (ctx = http_ctx_new(base)) == NULL)
		fatal("setup");
	srv_start(&s);

	/* Enumerate, then Pull until the end of the sequence */
	s.npulls = 3;
	memset(&r, 0, sizeof(r));
	r.stop_after = 1;
	memset(&t, 0, sizeof(t));
	t.allow_unencrypted = 1;
	t.max_elements = 2;
	c = start(ctx, &s, WBEM_OP_QUERY, 5000, &r, &t);
	ok(c != NULL && r.calls == 0, "query: started, not called back yet");
	run_for(5000);
	is_int(r.calls, 1, "query: callback once");
	is_int(r.kind, WBEM_E_NONE, "query: success");
	is_int(r.ninst, 4, "query: items of Enumerate and three Pulls");
	ok(strcmp(r.names[0], "item0") == 0 && strcmp(r.names[3], "item3") == 0,
	    "query: items in order");
	is_int(s.nenum, 1, "query: one Enumerate");
	is_int(s.npull, 3, "query: three Pulls");
	is_int(s.pull_ctx_ok, 3, "query: each Pull carried the context");
	is_str(s.pull_max, "2", "query: MaxElements from the target");
	ok(strncmp(s.enum_optimeout, "PT3.", 4) == 0 ||
	    strcmp(s.enum_optimeout, "PT4.000S") == 0,
	    "query: OperationTimeout a fifth under the 5 s deadline (%s)",
	    s.enum_optimeout);
	is_int(s.nrelease, 0, "query: nothing to release at the end");
	is_int(s.bad_ctype, 0,
	    "Content-Type application/soap+xml;charset=UTF-8");
	is_int(s.dup_msgid, 0, "a fresh MessageID for every message");
	run_for(100);
	is_int(r.calls, 1, "query: nothing later");

	/* the bound on operations in flight per target */
	s.delay_ms = 100;
	s.nget = 0;
	s.max_cur = 0;
	memset(rs, 0, sizeof(rs));
	memset(&t, 0, sizeof(t));
	t.allow_unencrypted = 1;
	t.max_inflight = 3;
	for (i = 0; i < 10; i++)
		start(ctx, &s, WBEM_OP_GET, 5000, &rs[i], &t);
	run_for(2500);
	for (all = 1, i = 0; i < 10; i++)
		if (rs[i].calls != 1 || rs[i].kind != WBEM_E_NONE ||
		    rs[i].ninst != 1)
			all = 0;
	ok(all, "bound: ten Gets, each answered once");
	is_int(s.nget, 10, "bound: ten Gets reached the server");
	is_int(s.max_cur, 3, "bound: never more than three at once");

	/* waiting behind the bound counts against the deadline */
	memset(rs, 0, sizeof(rs));
	s.delay_ms = 600;
	t.max_inflight = 1;
	start(ctx, &s, WBEM_OP_GET, 3000, &rs[0], &t);
	start(ctx, &s, WBEM_OP_GET, 200, &rs[1], &t);
	start(ctx, &s, WBEM_OP_GET, 3000, &rs[2], &t);
	run_for(400);
	is_int(rs[1].calls, 1, "queued past its deadline: called back");
	is_int(rs[1].kind, WBEM_E_TIMEOUT, "queued past its deadline: TIMEOUT");
	is_int(rs[0].calls, 0, "the first is still in flight");
	run_for(1500);
	ok(rs[0].calls == 1 && rs[0].kind == WBEM_E_NONE &&
	    rs[2].calls == 1 && rs[2].kind == WBEM_E_NONE,
	    "the others complete in turn");
	is_int(rs[1].calls, 1, "the timed-out one is not called again");

	/* cancel while queued */
	memset(rs, 0, sizeof(rs));
	start(ctx, &s, WBEM_OP_GET, 3000, &rs[0], &t);
	c = start(ctx, &s, WBEM_OP_GET, 3000, &rs[1], &t);
	run_for(50);
	wbem_cancel(c);
	ok(rs[1].calls == 1 && rs[1].kind == WBEM_E_CANCELLED,
	    "cancel while queued: CANCELLED once");
	run_for(1000);
	ok(rs[0].calls == 1 && rs[1].calls == 1, "cancel while queued: "
	    "nothing more");

	/* cancel during a Pull: the context is released */
	s.delay_ms = 0;
	s.hang_pulls = 1;
	s.npull = s.nrelease = 0;
	memset(&r, 0, sizeof(r));
	c = start(ctx, &s, WBEM_OP_QUERY, 5000, &r, NULL);
	for (i = 0; i < 50 && s.npull == 0; i++)
		run_for(20);
	is_int(s.npull, 1, "cancel: a Pull is in flight");
	wbem_cancel(c);
	ok(r.calls == 1 && r.kind == WBEM_E_CANCELLED,
	    "cancel: CANCELLED once");
	for (i = 0; i < 50 && s.nrelease == 0; i++)
		run_for(20);
	is_int(s.nrelease, 1, "cancel: the enumeration is released");
	is_str(s.release_ctx, "ctx-1", "cancel: Release names the context");
	s.hang_pulls = 0;

	/* Pulls that time out empty are pulled again */
	s.fault_pulls = 2;
	s.npulls = 1;
	s.npull = s.nrelease = 0;
	memset(&r, 0, sizeof(r));
	r.stop_after = 1;
	start(ctx, &s, WBEM_OP_QUERY, 5000, &r, NULL);
	run_for(3000);
	ok(r.calls == 1 && r.kind == WBEM_E_NONE && r.ninst == 2,
	    "w:TimedOut Pulls: retried, then the items");
	is_int(s.fault_pulls, 0, "w:TimedOut Pulls: both were sent");

	/* a fault on a Pull: CIM error, context released */
	s.internal_pulls = 1;
	s.nrelease = 0;
	memset(&r, 0, sizeof(r));
	r.stop_after = 1;
	start(ctx, &s, WBEM_OP_QUERY, 5000, &r, NULL);
	run_for(3000);
	ok(r.calls == 1 && r.kind == WBEM_E_CIM, "Pull fault: a CIM error");
	is_str(r.name, "w:InternalError", "Pull fault: its subcode");
	run_for(200);
	is_int(s.nrelease, 1, "Pull fault: the context is released");
	s.internal_pulls = 0;

	/* RelatesTo mismatch */
	s.bad_relates = 1;
	memset(&r, 0, sizeof(r));
	r.stop_after = 1;
	start(ctx, &s, WBEM_OP_GET, 3000, &r, NULL);
	run_for(3000);
	ok(r.calls == 1 && r.kind == WBEM_E_PROTOCOL,
	    "RelatesTo mismatch: PROTOCOL");
	s.bad_relates = 0;

	/* item property types: the Win32 table unless the target has one */
	memset(&r, 0, sizeof(r));
	r.stop_after = 1;
	start(ctx, &s, WBEM_OP_GET, 3000, &r, NULL);
	run_for(3000);
	ok(r.calls == 1 && r.kind == WBEM_E_NONE && r.ninst == 1,
	    "types: Get answered");
	is_str(r.started_type, "boolean",
	    "types: Win32_Service.Started boolean by the default table");
	ok(r.keyed, "types: the default table's key Name gives the path");
	{
		static const struct wsman_ptype own[] = {
			{ "Win32_Service", "Started", CIM_T_STRING, 0 },
		};

		memset(&r, 0, sizeof(r));
		r.stop_after = 1;
		memset(&t, 0, sizeof(t));
		t.allow_unencrypted = 1;
		t.wsman_ptypes = own;
		t.wsman_nptypes = nitems(own);
		start(ctx, &s, WBEM_OP_GET, 3000, &r, &t);
		run_for(3000);
		ok(r.calls == 1 && r.kind == WBEM_E_NONE && r.ninst == 1,
		    "types: Get with the target's table answered");
		is_str(r.started_type, "string",
		    "types: the target's table, not Win32's, types Started");
		ok(!r.keyed, "types: the target's table has no key: no path");
	}

	/* plain http without the flag: refused, nothing sent */
	s.nreq = 0;
	memset(&r, 0, sizeof(r));
	memset(&t, 0, sizeof(t));
	c = start(ctx, &s, WBEM_OP_GET, 3000, &r, &t);
	ok(c != NULL && r.calls == 0, "plain http: not called from inside");
	run_for(300);
	ok(r.calls == 1 && r.kind == WBEM_E_USAGE, "plain http: USAGE");
	ok(strstr(r.description, "plain http") != NULL,
	    "plain http: the message says why");
	is_int(s.nreq, 0, "plain http: nothing sent");

	/* GetClass has no WS-Man form */
	memset(&r, 0, sizeof(r));
	start(ctx, &s, WBEM_OP_GET_CLASS, 3000, &r, NULL);
	run_for(300);
	ok(r.calls == 1 && r.kind == WBEM_E_USAGE, "GetClass: USAGE");

	/* freeing the context with calls queued still calls each back once */
	memset(rs, 0, sizeof(rs));
	s.delay_ms = 500;
	memset(&t, 0, sizeof(t));
	t.allow_unencrypted = 1;
	t.max_inflight = 1;
	for (i = 0; i < 3; i++)
		start(ctx, &s, WBEM_OP_GET, 3000, &rs[i], &t);
	run_for(50);
	http_ctx_free(ctx);
	run_for(100);
	for (all = 1, i = 0; i < 3; i++)
		if (rs[i].calls != 1 || rs[i].kind == WBEM_E_NONE)
			all = 0;
	ok(all, "ctx freed: every call (queued too) called back once, "
	    "with an error");

	run_for(600);		/* the server's last delayed reply */
	evhttp_free(s.http);
	run_for(10);
	event_base_free(base);
	return (tap_done());
}
